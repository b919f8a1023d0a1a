"""Avatars, e-mail delivery of notifications, and asynchronous report jobs.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    # The object-store key of the athlete's avatar (NULL: none).
    op.execute("ALTER TABLE users.accounts ADD COLUMN avatar_key text")
    # E-mail is a second, independent delivery of each outbox row: a slow or failing mail
    # server delays only the e-mail, never the in-app inbox, and is retried with backoff.
    op.execute(
        """
        ALTER TABLE notifications.outbox
            ADD COLUMN emailed_at        timestamptz,
            ADD COLUMN email_attempts    integer NOT NULL DEFAULT 0,
            ADD COLUMN email_next_try_at timestamptz NOT NULL DEFAULT now(),
            ADD COLUMN email_error       text
        """
    )
    # What was delivered before e-mail existed is not e-mailed when SMTP is turned on.
    op.execute("UPDATE notifications.outbox SET emailed_at = coalesce(delivered_at, now())")
    op.execute(
        "CREATE INDEX outbox_email_pending ON notifications.outbox (email_next_try_at)"
        " WHERE emailed_at IS NULL"
    )
    # "Fetch analytics data": a request is a row; a worker claims it, computes, stores the
    # result and notifies; the client polls or subscribes.
    op.execute(
        """
        CREATE TABLE training.report_jobs (
            id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id    uuid        NOT NULL,
            requested_by uuid        NOT NULL REFERENCES users.accounts (id),
            athlete_id   uuid        NOT NULL REFERENCES users.accounts (id),
            kind         text        NOT NULL,
            params       jsonb       NOT NULL DEFAULT '{}',
            status       text        NOT NULL DEFAULT 'queued'
                         CHECK (status IN ('queued', 'running', 'done', 'failed')),
            result       jsonb,
            error        text,
            created_at   timestamptz NOT NULL DEFAULT now(),
            started_at   timestamptz,
            finished_at  timestamptz
        )
        """
    )
    op.execute(
        "CREATE INDEX report_jobs_queued ON training.report_jobs (created_at)"
        " WHERE status = 'queued'"
    )
    op.execute(
        "CREATE INDEX report_jobs_by_requester ON training.report_jobs (requested_by, created_at)"
    )
