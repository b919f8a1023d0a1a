"""The profile's training parameters with their history, published to analytics as a view.

Revision ID: u001
Revises: 0003

Every change of an account's FTP, heart-rate maximum or rest, weight, sex or birth date
(whoever makes it) adds a snapshot to ``users.parameter_history`` through a trigger: the
first snapshot of an account counts from the beginning (``valid_from`` = -infinity), later
ones from the moment of the change. ``users.athlete_parameters`` is the users context's
published read of it (``valid_from`` null: since always): the analytics job reads that view,
never the tables behind it.
"""

from alembic import op

revision = "u001"
down_revision = "0003"
branch_labels = ("users_parameters",)
depends_on = None

_FIELDS = "ftp_w, hr_max_bpm, hr_rest_bpm, weight_kg, sex, birth_date"
_NEW = ", ".join(f"NEW.{f.strip()}" for f in _FIELDS.split(","))
_OLD = ", ".join(f"OLD.{f.strip()}" for f in _FIELDS.split(","))


def upgrade() -> None:
    op.execute(
        f"""
        CREATE TABLE users.parameter_history (
            account_id   uuid NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
            valid_from   timestamptz NOT NULL,
            recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            ftp_w        smallint,
            hr_max_bpm   smallint,
            hr_rest_bpm  smallint,
            weight_kg    real,
            sex          text,
            birth_date   date,
            PRIMARY KEY (account_id, valid_from)
        );
        CREATE FUNCTION users.record_parameters() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND ({_NEW}) IS NOT DISTINCT FROM ({_OLD}) THEN
                RETURN NULL;
            END IF;
            IF TG_OP = 'INSERT' AND num_nonnulls({_NEW}) = 0 THEN
                RETURN NULL;
            END IF;
            INSERT INTO users.parameter_history (account_id, valid_from, {_FIELDS})
            VALUES (
                NEW.id,
                CASE WHEN EXISTS (SELECT 1 FROM users.parameter_history h
                                  WHERE h.account_id = NEW.id)
                     THEN now() ELSE '-infinity' END,
                {_NEW})
            ON CONFLICT (account_id, valid_from) DO UPDATE SET
                recorded_at = clock_timestamp(), ftp_w = EXCLUDED.ftp_w,
                hr_max_bpm = EXCLUDED.hr_max_bpm, hr_rest_bpm = EXCLUDED.hr_rest_bpm,
                weight_kg = EXCLUDED.weight_kg, sex = EXCLUDED.sex,
                birth_date = EXCLUDED.birth_date;
            RETURN NULL;
        END $$;
        CREATE TRIGGER accounts_parameter_history
            AFTER INSERT OR UPDATE OF {_FIELDS} ON users.accounts
            FOR EACH ROW EXECUTE FUNCTION users.record_parameters();
        INSERT INTO users.parameter_history (account_id, valid_from, {_FIELDS})
            SELECT id, '-infinity', {_FIELDS} FROM users.accounts
            WHERE num_nonnulls({_FIELDS}) > 0;
        CREATE VIEW users.athlete_parameters AS
            SELECT account_id AS athlete_id, nullif(valid_from, '-infinity') AS valid_from,
                   recorded_at, {_FIELDS}
            FROM users.parameter_history;
        """
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS users.athlete_parameters")
    op.execute("DROP TRIGGER IF EXISTS accounts_parameter_history ON users.accounts")
    op.execute("DROP FUNCTION IF EXISTS users.record_parameters()")
    op.execute("DROP TABLE IF EXISTS users.parameter_history")
