"""The workouts context's calendar: planned workouts per athlete and day.

Revision ID: w001
Revises: 0011

A planned workout holds its workout as the wire contract's JSON (``schemas.workouts``): what
the coach planned stays as planned even if a library session changes later, and the command
that starts it on the trainer sends exactly that. Its estimated TSS and duration are kept
beside it, computed when it is planned (the fitness projection sums them per day).
"""

from alembic import op

revision = "w001"
down_revision = "0011"
branch_labels = ("workouts",)
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS workouts")
    op.execute(
        """
        CREATE TABLE workouts.planned (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id uuid NOT NULL,
            athlete_id uuid NOT NULL,
            planned_by uuid NOT NULL,
            day date NOT NULL,
            name text NOT NULL,
            workout jsonb NOT NULL,
            estimated_tss double precision NOT NULL,
            duration_s double precision NOT NULL,
            status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'skipped')),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX planned_by_day ON workouts.planned (athlete_id, day)")


def downgrade() -> None:
    op.execute("DROP TABLE workouts.planned")
