"""One schema per service; tenants, accounts and the device registry.

Revision ID: 0001
Revises:
"""

import logging

import sqlalchemy
from alembic import op

from fitconnect.platform.db.schemas import SERVICE_SCHEMAS
from fitconnect.platform.db.timescale import NOT_PRELOADED, PRELOADED_SQL

log = logging.getLogger("fitconnect.db")

revision = "0001"
down_revision = None


def upgrade() -> None:
    for schema in SERVICE_SCHEMAS:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    _timescaledb_when_usable()
    op.execute(
        """
        CREATE TABLE users.tenants (
            id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
            name        text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE users.accounts (
            id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id      uuid NOT NULL REFERENCES users.tenants (id),
            email          text NOT NULL,
            password_hash  text NOT NULL,
            role           text NOT NULL CHECK (role IN ('athlete', 'coach', 'admin')),
            display_name   text NOT NULL,
            created_at     timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant_id, email)
        )
        """
    )
    # The device registry ingest reads. athlete_id points into users.accounts by value only:
    # schemas stay movable to their own servers, so there is no cross-schema foreign key.
    op.execute(
        """
        CREATE TABLE devices.devices (
            id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id      uuid NOT NULL,
            athlete_id     uuid NOT NULL,
            name           text NOT NULL,
            kind           text NOT NULL,
            mqtt_username  text NOT NULL UNIQUE,
            mqtt_password_hash text NOT NULL,
            registered_at  timestamptz NOT NULL DEFAULT now(),
            revoked_at     timestamptz
        )
        """
    )
    op.execute("CREATE INDEX devices_by_athlete ON devices.devices (athlete_id)")


def _timescaledb_when_usable() -> None:
    """TimescaleDB when the server can load it; everything above storage works without it.

    The extension's files are often installed (the package) on a server that does not preload
    it; then the migrations go on with plain PostgreSQL, said in a warning that names what to
    set (``CREATE EXTENSION`` there would end the connection).
    """
    bind = op.get_bind()
    offered = bind.execute(
        sqlalchemy.text("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
    ).first()
    if offered is None:
        return
    if not bind.execute(sqlalchemy.text(PRELOADED_SQL)).scalar_one():
        log.warning(NOT_PRELOADED)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
