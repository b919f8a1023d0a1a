"""One schema per service; tenants, accounts and the device registry.

Revision ID: 0001
Revises:
"""

from alembic import op

from fitconnect.platform.db.schemas import SERVICE_SCHEMAS

revision = "0001"
down_revision = None


def upgrade() -> None:
    for schema in SERVICE_SCHEMAS:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    # TimescaleDB when the server offers it and has it loaded; everything above storage works
    # without it. Installed but not preloaded (common right after installing the package) is
    # plain PostgreSQL with a warning: CREATE EXTENSION would fail there.
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
                IF current_setting('shared_preload_libraries') ~ '(^|[ ,])timescaledb([ ,]|$)'
                THEN
                    CREATE EXTENSION IF NOT EXISTS timescaledb;
                ELSE
                    RAISE WARNING 'TimescaleDB is installed on this server but not preloaded:'
                        ' using plain PostgreSQL. To use it, set shared_preload_libraries ='
                        ' ''timescaledb'' in postgresql.conf and restart the server before'
                        ' the first `fitconnect db upgrade` of a new database.';
                END IF;
            END IF;
        END $$
        """
    )
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
