"""Versioned migrations, run by alembic from the scripts in ``migrations/versions``."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from fitconnect.platform.db.urls import sqlalchemy_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at ``url`` up to ``revision`` (default: every branch's newest).

    Parts add migrations on their own branches off ``0002`` (telemetry); ``heads`` applies all.
    """
    command.upgrade(_config(url), revision)


def current_revision(url: str) -> str | None:
    """The revision(s) the database is at, comma-separated; None before the first migration."""
    engine = sqlalchemy.create_engine(sqlalchemy_url(url), poolclass=sqlalchemy.NullPool)
    try:
        with engine.connect() as conn:
            heads = MigrationContext.configure(conn).get_current_heads()
            return ",".join(sorted(heads)) if heads else None
    finally:
        engine.dispose()
