"""A signing key the settings accept outside development (long and random)."""

SECRET_KEY = "kQ7vR2xM9pL4sT8wZ1cF6hJ3nB5yD0gE-aU_oI"
