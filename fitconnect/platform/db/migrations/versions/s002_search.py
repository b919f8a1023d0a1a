"""Search over social's activities and clubs: weighted tsvectors as generated columns (kept
current by PostgreSQL on every insert and update, no trigger), GIN indexes on them, and
pg_trgm indexes on the titles and names for typo tolerance and prefixes.

Revision ID: s002
Revises: s001
"""

from alembic import op

revision = "s002"
down_revision = "s001"
branch_labels = None
depends_on = None

# An English vector (stems: "rides" finds "ride") and a 'simple' one (names, other languages).
_ACTIVITY_DOC = (
    "setweight(to_tsvector('english', title), 'B') || setweight(to_tsvector('simple', title), 'B')"
    " || setweight(to_tsvector('english', description), 'C')"
    " || setweight(to_tsvector('simple', description), 'C')"
)
_CLUB_DOC = (
    "setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('simple', name), 'A')"
)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "ALTER TABLE social.activities ADD COLUMN search_doc tsvector"
        f" GENERATED ALWAYS AS ({_ACTIVITY_DOC}) STORED"
    )
    op.execute("CREATE INDEX activities_search ON social.activities USING gin (search_doc)")
    op.execute(
        "CREATE INDEX activities_title_trgm ON social.activities USING gin (title gin_trgm_ops)"
    )
    op.execute(
        "ALTER TABLE social.clubs ADD COLUMN search_doc tsvector"
        f" GENERATED ALWAYS AS ({_CLUB_DOC}) STORED"
    )
    op.execute("CREATE INDEX clubs_search ON social.clubs USING gin (search_doc)")
    op.execute("CREATE INDEX clubs_name_trgm ON social.clubs USING gin (name gin_trgm_ops)")


def downgrade() -> None:
    op.execute("ALTER TABLE social.clubs DROP COLUMN search_doc")
    op.execute("ALTER TABLE social.activities DROP COLUMN search_doc")
