"""Social: activities, privacy (account and activity visibility, hidden fields, a privacy
zone, blocks, follow requests), kudos, comments, club roles and join requests, reports; and the
one visibility function every read of them goes through.

Revision ID: s001
Revises: 0006

Ids of other contexts (accounts, tenants, sessions) are stored by value, without foreign keys.

``social.audience_admits`` is the rule (who may see what an athlete shares with an audience);
``social.visible_activities(viewer, tenant)`` applies it to every activity, with the fields the
owner hides blanked and the track's ends inside the privacy zone removed; and
``social.sees_athlete`` applies it to one athlete (leaderboards, search). The set-returning
function is plain SQL, so the planner inlines it into each query that reads from it: a feed's
or a search's own conditions, order and limit reach the activities' indexes.
"""

from alembic import op

revision = "s001"
down_revision = "0006"
branch_labels = ("social_activities",)
depends_on = ("c002",)

TABLES = [
    """
    CREATE TABLE social.privacy_settings (
        account_id       uuid PRIMARY KEY,
        visibility       text NOT NULL DEFAULT 'public'
                         CHECK (visibility IN ('public', 'followers', 'private')),
        hide_heart_rate  boolean NOT NULL DEFAULT false,
        hide_power       boolean NOT NULL DEFAULT false,
        hide_start_time  boolean NOT NULL DEFAULT false,
        home_lat         double precision CHECK (home_lat BETWEEN -90 AND 90),
        home_lon         double precision CHECK (home_lon BETWEEN -180 AND 180),
        zone_radius_m    double precision NOT NULL DEFAULT 0
                         CHECK (zone_radius_m BETWEEN 0 AND 10000),
        updated_at       timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE social.blocks (
        blocker_id  uuid NOT NULL,
        blocked_id  uuid NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (blocker_id, blocked_id),
        CHECK (blocker_id <> blocked_id)
    )
    """,
    "CREATE INDEX blocks_by_blocked ON social.blocks (blocked_id)",
    """
    CREATE TABLE social.follow_requests (
        requester_id  uuid NOT NULL,
        target_id     uuid NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (requester_id, target_id),
        CHECK (requester_id <> target_id)
    )
    """,
    "CREATE INDEX follow_requests_by_target ON social.follow_requests (target_id, created_at)",
    """
    CREATE TABLE social.activities (
        id                  uuid PRIMARY KEY,
        tenant_id           uuid NOT NULL,
        athlete_id          uuid NOT NULL,
        session_id          uuid UNIQUE,
        title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
        title_edited        boolean NOT NULL DEFAULT false,
        description         text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
        sport               text,
        visibility          text NOT NULL DEFAULT 'public'
                            CHECK (visibility IN ('public', 'followers', 'only_me')),
        start_ts            timestamptz NOT NULL,
        duration_s          integer NOT NULL,
        moving_time_s       integer NOT NULL,
        distance_m          double precision,
        avg_speed_kmh       double precision,
        avg_heart_rate_bpm  double precision,
        max_heart_rate_bpm  double precision,
        avg_power_w         double precision,
        max_power_w         double precision,
        tss                 double precision,
        calories_kcal       double precision,
        start_lat           double precision,
        start_lon           double precision,
        end_lat             double precision,
        end_lon             double precision,
        figures_at          timestamptz NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now()
    )
    """,
    # A feed walks the tenant's activities newest first; an athlete's list walks theirs.
    "CREATE INDEX activities_feed ON social.activities (tenant_id, start_ts DESC, id DESC)",
    "CREATE INDEX activities_by_athlete ON social.activities (athlete_id, start_ts DESC, id DESC)",
    "CREATE INDEX activities_by_figures ON social.activities (figures_at)",
    """
    CREATE TABLE social.kudos (
        activity_id  uuid NOT NULL REFERENCES social.activities (id) ON DELETE CASCADE,
        athlete_id   uuid NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (activity_id, athlete_id)
    )
    """,
    """
    CREATE TABLE social.comments (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        activity_id  uuid NOT NULL REFERENCES social.activities (id) ON DELETE CASCADE,
        author_id    uuid NOT NULL,
        body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
        created_at   timestamptz NOT NULL DEFAULT now(),
        edited_at    timestamptz
    )
    """,
    "CREATE INDEX comments_by_activity ON social.comments (activity_id, created_at, id)",
    """
    CREATE TABLE social.club_join_requests (
        club_id     uuid NOT NULL REFERENCES social.clubs (id) ON DELETE CASCADE,
        athlete_id  uuid NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (club_id, athlete_id)
    )
    """,
    """
    CREATE TABLE social.reports (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id    uuid NOT NULL,
        reporter_id  uuid NOT NULL,
        target_kind  text NOT NULL CHECK (target_kind IN ('activity', 'comment')),
        target_id    uuid NOT NULL,
        reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
        created_at   timestamptz NOT NULL DEFAULT now(),
        resolved_at  timestamptz,
        resolved_by  uuid,
        resolution   text CHECK (resolution IN ('removed', 'dismissed')),
        UNIQUE (reporter_id, target_kind, target_id)
    )
    """,
    "CREATE INDEX reports_open ON social.reports (tenant_id, created_at, id)"
    " WHERE resolved_at IS NULL",
    "ALTER TABLE social.clubs ADD COLUMN private boolean NOT NULL DEFAULT false",
    "ALTER TABLE social.clubs ADD COLUMN description text NOT NULL DEFAULT ''"
    " CHECK (length(description) <= 2000)",
    "ALTER TABLE social.club_members ADD COLUMN role text NOT NULL DEFAULT 'member'"
    " CHECK (role IN ('owner', 'admin', 'member'))",
    "UPDATE social.club_members m SET role = 'owner' FROM social.clubs c"
    " WHERE c.id = m.club_id AND c.created_by = m.athlete_id",
]

FUNCTIONS = [
    # The rule. ``audience``: 'tenant' (the athlete's name, as the directory shows it),
    # 'public', 'followers' or 'only_me'. ``related``: the viewer follows the athlete or is
    # their accepted coach. A private or followers-only account shares nothing publicly.
    """
    CREATE FUNCTION social.audience_admits(
        account_visibility text, audience text, mine boolean, related boolean,
        blocked boolean, same_tenant boolean
    ) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(same_tenant, false) AND (mine OR (NOT blocked AND (
            audience = 'tenant'
            OR (audience = 'public' AND account_visibility = 'public')
            OR (audience IN ('public', 'followers') AND related))))
    $$
    """,
    # A point is outside a zone (none set: everything is), by the equirectangular distance:
    # exact to well under a metre at the radii a zone has (at most 10 km).
    """
    CREATE FUNCTION social.outside_zone(
        lat double precision, lon double precision,
        home_lat double precision, home_lon double precision, radius_m double precision
    ) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT home_lat IS NULL OR radius_m <= 0 OR 6371008.8 * sqrt(
            power(radians(lat - home_lat), 2)
            + power(cos(radians((lat + home_lat) / 2)) * radians(lon - home_lon), 2)) > radius_m
    $$
    """,
    """
    CREATE FUNCTION social.sees_athlete(
        viewer uuid, viewer_tenant uuid, athlete uuid, athlete_tenant uuid, audience text
    ) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT social.audience_admits(
            coalesce((SELECT p.visibility FROM social.privacy_settings p
                      WHERE p.account_id = athlete), 'public'),
            audience,
            athlete = viewer,
            EXISTS (SELECT 1 FROM social.follows f
                    WHERE f.follower_id = viewer AND f.followee_id = athlete)
            OR EXISTS (SELECT 1 FROM coaching.published_coach_links l
                       WHERE l.coach_id = viewer AND l.athlete_id = athlete),
            EXISTS (SELECT 1 FROM social.blocks b
                    WHERE (b.blocker_id = athlete AND b.blocked_id = viewer)
                       OR (b.blocker_id = viewer AND b.blocked_id = athlete)),
            viewer IS NOT NULL AND athlete_tenant = viewer_tenant)
    $$
    """,
    """
    CREATE FUNCTION social.visible_activities(viewer uuid, viewer_tenant uuid)
    RETURNS TABLE (
        id uuid, tenant_id uuid, athlete_id uuid, title text, description text, sport text,
        visibility text, sort_ts timestamptz, start_ts timestamptz, start_day date,
        duration_s integer, moving_time_s integer, distance_m double precision,
        avg_speed_kmh double precision,
        avg_heart_rate_bpm double precision, max_heart_rate_bpm double precision,
        avg_power_w double precision, max_power_w double precision, tss double precision,
        calories_kcal double precision,
        start_lat double precision, start_lon double precision,
        end_lat double precision, end_lon double precision, created_at timestamptz
    ) LANGUAGE sql STABLE AS $$
        SELECT r.id, r.tenant_id, r.athlete_id, r.title, r.description, r.sport, r.visibility,
            r.start_ts,
            CASE WHEN r.mine OR NOT r.hide_start_time THEN r.start_ts END,
            (r.start_ts AT TIME ZONE 'UTC')::date,
            r.duration_s, r.moving_time_s, r.distance_m, r.avg_speed_kmh,
            CASE WHEN r.mine OR NOT r.hide_heart_rate THEN r.avg_heart_rate_bpm END,
            CASE WHEN r.mine OR NOT r.hide_heart_rate THEN r.max_heart_rate_bpm END,
            CASE WHEN r.mine OR NOT r.hide_power THEN r.avg_power_w END,
            CASE WHEN r.mine OR NOT r.hide_power THEN r.max_power_w END,
            r.tss, r.calories_kcal,
            CASE WHEN r.mine OR r.start_outside THEN r.start_lat END,
            CASE WHEN r.mine OR r.start_outside THEN r.start_lon END,
            CASE WHEN r.mine OR r.end_outside THEN r.end_lat END,
            CASE WHEN r.mine OR r.end_outside THEN r.end_lon END,
            r.created_at
        FROM (
            SELECT a.*, a.athlete_id = viewer AS mine,
                coalesce(p.visibility, 'public') AS account_visibility,
                coalesce(p.hide_heart_rate, false) AS hide_heart_rate,
                coalesce(p.hide_power, false) AS hide_power,
                coalesce(p.hide_start_time, false) AS hide_start_time,
                social.outside_zone(a.start_lat, a.start_lon, p.home_lat, p.home_lon,
                                    p.zone_radius_m) AS start_outside,
                social.outside_zone(a.end_lat, a.end_lon, p.home_lat, p.home_lon,
                                    p.zone_radius_m) AS end_outside
            FROM social.activities a
            LEFT JOIN social.privacy_settings p ON p.account_id = a.athlete_id
            WHERE a.tenant_id = viewer_tenant AND viewer IS NOT NULL
        ) AS r
        WHERE social.audience_admits(
            r.account_visibility, r.visibility, r.mine,
            EXISTS (SELECT 1 FROM social.follows f
                    WHERE f.follower_id = viewer AND f.followee_id = r.athlete_id)
            OR EXISTS (SELECT 1 FROM coaching.published_coach_links l
                       WHERE l.coach_id = viewer AND l.athlete_id = r.athlete_id),
            EXISTS (SELECT 1 FROM social.blocks b
                    WHERE (b.blocker_id = r.athlete_id AND b.blocked_id = viewer)
                       OR (b.blocker_id = viewer AND b.blocked_id = r.athlete_id)),
            true)
    $$
    """,
]


def upgrade() -> None:
    for statement in TABLES + FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    for function in (
        "visible_activities(uuid, uuid)",
        "sees_athlete(uuid, uuid, uuid, uuid, text)",
        "outside_zone(double precision, double precision, double precision,"
        " double precision, double precision)",
        "audience_admits(text, text, boolean, boolean, boolean, boolean)",
    ):
        op.execute(f"DROP FUNCTION social.{function}")
    op.execute("ALTER TABLE social.club_members DROP COLUMN role")
    op.execute("ALTER TABLE social.clubs DROP COLUMN description, DROP COLUMN private")
    for table in (
        "reports",
        "club_join_requests",
        "comments",
        "kudos",
        "activities",
        "follow_requests",
        "blocks",
        "privacy_settings",
    ):
        op.execute(f"DROP TABLE social.{table}")
