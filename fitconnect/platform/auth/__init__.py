"""Auth context: accounts, password hashes, access and refresh tokens."""
