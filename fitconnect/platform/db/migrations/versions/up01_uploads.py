"""Activity files an athlete uploads (FIT, TCX, GPX), processed by the background worker.

Revision ID: up01
Revises: 0001

One row per upload: who sent it, its content hash and optional ``external_id`` (a partner's
own id), the file itself until the worker has read it, and what became of it. Two uploads of
the same athlete with the same content or the same external id are one file: the partial
unique indexes hold for the uploads that count (processing or ready), so a file that failed
may be sent again, and the second of two concurrent identical uploads is a duplicate.
"""

from alembic import op

revision = "up01"
down_revision = "0001"
branch_labels = ("uploads",)
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS uploads")
    op.execute(
        """
        CREATE TABLE uploads.uploads (
            id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id      uuid NOT NULL,
            athlete_id     uuid NOT NULL,
            file_name      text NOT NULL,
            file_format    text NOT NULL CHECK (file_format IN ('fit', 'tcx', 'gpx')),
            compressed     boolean NOT NULL,
            size_bytes     bigint NOT NULL,
            content_sha256 text NOT NULL,
            external_id    text,
            status         text NOT NULL
                           CHECK (status IN ('processing', 'ready', 'error', 'duplicate')),
            duplicate_of   uuid,
            content        bytea,
            device_id      uuid,
            samples        integer,
            session_ids    uuid[] NOT NULL DEFAULT '{}',
            error_code     text,
            error_message  text,
            attempts       integer NOT NULL DEFAULT 0,
            claimed_at     timestamptz,
            created_at     timestamptz NOT NULL DEFAULT now(),
            finished_at    timestamptz
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX uploads_one_content ON uploads.uploads (athlete_id, content_sha256)"
        " WHERE status IN ('processing', 'ready')"
    )
    op.execute(
        "CREATE UNIQUE INDEX uploads_one_external_id ON uploads.uploads (athlete_id, external_id)"
        " WHERE status IN ('processing', 'ready') AND external_id IS NOT NULL"
    )
    op.execute(
        "CREATE INDEX uploads_pending ON uploads.uploads (created_at) WHERE status = 'processing'"
    )
    op.execute("CREATE INDEX uploads_by_athlete ON uploads.uploads (athlete_id, created_at)")


def downgrade() -> None:
    op.execute("DROP SCHEMA uploads CASCADE")
