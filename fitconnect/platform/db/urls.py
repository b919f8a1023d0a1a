"""Turning the one PostgreSQL URL into the forms each library wants."""

from urllib.parse import urlsplit, urlunsplit


def sqlalchemy_url(url: str) -> str:
    """``postgresql://…`` as SQLAlchemy's psycopg 3 dialect spells it (used by alembic)."""
    parts = urlsplit(url)
    if parts.scheme in {"postgresql", "postgres"}:
        return urlunsplit(parts._replace(scheme="postgresql+psycopg"))
    return url


def redacted(url: str) -> str:
    """The URL with any password replaced, for logs and ``doctor``."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def with_database(url: str, dbname: str) -> str:
    """The same server, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))
