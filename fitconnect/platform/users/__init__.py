"""Users context: the profile an athlete edits (the synchronous "update profile" process)."""
