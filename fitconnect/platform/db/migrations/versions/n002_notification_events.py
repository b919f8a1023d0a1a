"""Notifications are events rendered later, delivered per channel.

Revision ID: n002
Revises: n001

A context queues an event (its kind, the template variables, an idempotency key) in its own
transaction; the notification worker renders it in the recipient's locale (``title``,
``body``, NULL until then) and fans it out. Each channel's delivery is a row of its own with
its attempts, next try and last error: a failing channel never holds up another, and a
given-up delivery (``dead``) keeps the provider's reason.
"""

from alembic import op

revision = "n002"
down_revision = "n001"
branch_labels = None
depends_on = "0005"  # moves the e-mail columns 0005 added


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE notifications.outbox
            ADD COLUMN data          jsonb NOT NULL DEFAULT '{}',
            ADD COLUMN event_key     text,
            ADD COLUMN render_error  text,
            ALTER COLUMN title DROP NOT NULL,
            ALTER COLUMN body DROP NOT NULL
        """
    )
    op.execute("ALTER TABLE notifications.outbox RENAME COLUMN delivered_at TO dispatched_at")
    # Rows queued before templates: already rendered, their event is their row.
    op.execute("UPDATE notifications.outbox SET event_key = 'outbox:' || id")
    op.execute("ALTER TABLE notifications.outbox ALTER COLUMN event_key SET NOT NULL")
    op.execute(
        "CREATE UNIQUE INDEX outbox_event ON notifications.outbox (account_id, kind, event_key)"
    )
    op.execute(
        """
        CREATE TABLE notifications.deliveries (
            outbox_id    bigint      NOT NULL REFERENCES notifications.outbox (id)
                                     ON DELETE CASCADE,
            channel      text        NOT NULL,
            status       text        NOT NULL DEFAULT 'pending'
                                     CHECK (status IN ('pending', 'sent', 'dead')),
            attempts     integer     NOT NULL DEFAULT 0,
            next_try_at  timestamptz NOT NULL DEFAULT now(),
            error        text,
            sent_at      timestamptz,
            PRIMARY KEY (outbox_id, channel)
        )
        """
    )
    op.execute(
        "CREATE INDEX deliveries_due ON notifications.deliveries (channel, next_try_at)"
        " WHERE status = 'pending'"
    )
    # E-mails not yet sent keep their attempts, error and next try.
    op.execute(
        """
        INSERT INTO notifications.deliveries
            (outbox_id, channel, status, attempts, next_try_at, error, sent_at)
        SELECT id, 'email',
               CASE WHEN email_next_try_at = 'infinity' THEN 'dead' ELSE 'pending' END,
               email_attempts, email_next_try_at, email_error, NULL
        FROM notifications.outbox WHERE emailed_at IS NULL
        """
    )
    op.execute("DROP INDEX notifications.outbox_email_pending")
    op.execute(
        """
        ALTER TABLE notifications.outbox
            DROP COLUMN emailed_at,
            DROP COLUMN email_attempts,
            DROP COLUMN email_next_try_at,
            DROP COLUMN email_error
        """
    )


def downgrade() -> None:
    op.execute(
        """
        ALTER TABLE notifications.outbox
            ADD COLUMN emailed_at        timestamptz,
            ADD COLUMN email_attempts    integer NOT NULL DEFAULT 0,
            ADD COLUMN email_next_try_at timestamptz NOT NULL DEFAULT now(),
            ADD COLUMN email_error       text
        """
    )
    op.execute(
        """
        UPDATE notifications.outbox o SET emailed_at = coalesce(d.sent_at, o.dispatched_at),
            email_attempts = d.attempts, email_next_try_at = d.next_try_at, email_error = d.error
        FROM notifications.deliveries d WHERE d.outbox_id = o.id AND d.channel = 'email'
        """
    )
    op.execute(
        "UPDATE notifications.outbox SET emailed_at = coalesce(dispatched_at, now())"
        " WHERE NOT EXISTS (SELECT FROM notifications.deliveries d"
        "  WHERE d.outbox_id = outbox.id AND d.channel = 'email' AND d.status <> 'sent')"
    )
    op.execute(
        "CREATE INDEX outbox_email_pending ON notifications.outbox (email_next_try_at)"
        " WHERE emailed_at IS NULL"
    )
    op.execute("DROP TABLE notifications.deliveries")
    op.execute("ALTER TABLE notifications.outbox RENAME COLUMN dispatched_at TO delivered_at")
    op.execute("DELETE FROM notifications.outbox WHERE title IS NULL")
    op.execute("DROP INDEX notifications.outbox_event")
    op.execute(
        """
        ALTER TABLE notifications.outbox
            DROP COLUMN data, DROP COLUMN event_key, DROP COLUMN render_error,
            ALTER COLUMN title SET NOT NULL, ALTER COLUMN body SET NOT NULL
        """
    )
