"""The GraphQL API (strawberry): one type per module, the root types in ``schema.py``."""
