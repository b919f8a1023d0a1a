"""Reading an athlete's samples: time-bucketed streams for charts, the latest values."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from psycopg_pool import AsyncConnectionPool

from fitconnect.ingest.registry import RegisteredDevice
from fitconnect.platform.auth.models import Principal
from fitconnect.platform.coaching.errors import ReadForbiddenError
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.db.pages import Page, PageRequest, keyset, page_of
from fitconnect.platform.db.rows import fetch_all, fetch_one
from fitconnect.platform.devices.service import DeviceService
from fitconnect.platform.training.errors import LiveUnavailableError, SessionNotFoundError
from fitconnect.platform.training.live import LivePoint, live_batches
from fitconnect.platform.training.sports import Sport, sport_sql

AccountCheck = Callable[[Principal], Awaitable[None]]

MAX_STREAM_POINTS = 5_000
"""The most buckets one stream read returns, whatever a client asks for."""
MAX_SESSIONS_PAGE = 100
"""The most sessions one page holds, whatever a client asks for."""
MAX_FITNESS_DAYS = 730
MAX_VOLUME_WEEKS = 520
DEFAULT_STREAM_SPAN = timedelta(hours=1)
"""A stream read without bounds: the last hour."""
DEFAULT_TOTALS_SPAN = timedelta(days=7)
"""Totals without a start: the last seven days."""
SESSION_SERIES_TAIL = timedelta(seconds=1)
"""A session's ``end_ts`` is its last sample: its series reads [start, end + 1 s)."""
ROLLUP_STEP = timedelta(seconds=10)
"""The bucket of ``telemetry.published_samples_10s``, aligned to the clock."""
_MINUTE = timedelta(minutes=1)  # the bucket of ``telemetry.published_samples_1m``


# A stream read: buckets (one of the two below), as one row of arrays.
_ARRAYS_OF = (
    "SELECT coalesce(array_agg(ts ORDER BY ts), '{}') AS ts,"
    " coalesce(array_agg(heart_rate_bpm ORDER BY ts), '{}') AS heart_rate_bpm,"
    " coalesce(array_agg(power_w ORDER BY ts), '{}') AS power_w,"
    " coalesce(array_agg(cadence_rpm ORDER BY ts), '{}') AS cadence_rpm,"
    " coalesce(array_agg(speed_kmh ORDER BY ts), '{}') AS speed_kmh FROM ("
)
_BUCKETS_END = " GROUP BY 1 ORDER BY 1 LIMIT %(limit)s) AS buckets"
_RAW_SERIES = (
    _ARRAYS_OF  # noqa: S608 - constants joined, no input
    + "SELECT date_bin(%(bucket)s, ts, %(since)s) AS ts,"
    " avg(heart_rate_bpm)::float AS heart_rate_bpm, avg(power_w)::float AS power_w,"
    " avg(cadence_rpm)::float AS cadence_rpm, avg(speed_kmh)::float AS speed_kmh"
    " FROM telemetry.published_samples"
    " WHERE device_id = ANY(%(devices)s) AND ts >= %(since)s AND ts < %(until)s" + _BUCKETS_END
)
# Whole 10-second sums and counts up to ``hi``, single samples after it: the same averages.
_ROLLUP_SERIES = (
    _ARRAYS_OF  # noqa: S608 - constants joined, no input
    + "SELECT date_bin(%(bucket)s, t, %(since)s) AS ts,"
    " sum(hr_sum)::float / nullif(sum(hr_n), 0) AS heart_rate_bpm,"
    " sum(p_sum)::float / nullif(sum(p_n), 0) AS power_w,"
    " sum(c_sum) / nullif(sum(c_n), 0) AS cadence_rpm,"
    " sum(s_sum) / nullif(sum(s_n), 0) AS speed_kmh FROM ("
    "  SELECT bucket AS t, heart_rate_sum AS hr_sum, heart_rate_samples AS hr_n,"
    "   power_sum AS p_sum, power_samples AS p_n, cadence_sum AS c_sum, cadence_samples AS c_n,"
    "   speed_sum AS s_sum, speed_samples AS s_n FROM telemetry.published_samples_10s"
    "  WHERE device_id = ANY(%(devices)s) AND bucket >= %(since)s AND bucket < %(hi)s"
    "  UNION ALL"
    "  SELECT ts, heart_rate_bpm, (heart_rate_bpm IS NOT NULL)::int, power_w,"
    "   (power_w IS NOT NULL)::int, cadence_rpm::float, (cadence_rpm IS NOT NULL)::int,"
    "   speed_kmh::float, (speed_kmh IS NOT NULL)::int FROM telemetry.published_samples"
    "  WHERE device_id = ANY(%(devices)s) AND ts >= %(hi)s AND ts < %(until)s"
    " ) AS parts" + _BUCKETS_END
)
# Several sessions' series in one statement: the raw read above, once per (numbered) span.
_SESSION_SERIES = (
    "SELECT k.i, series.* FROM unnest(%(heart_rate)s::uuid[], %(power)s::uuid[],"  # noqa: S608 - constants joined, no input
    " %(cadence)s::uuid[], %(speed)s::uuid[], %(since)s::timestamptz[], %(until)s::timestamptz[],"
    " %(bucket)s::interval[], %(limit)s::int[])"
    "  WITH ORDINALITY AS k(hr_dev, power_dev, cadence_dev, speed_dev, since, until, bucket,"
    "  lim, i)"
    " CROSS JOIN LATERAL (" + _ARRAYS_OF + "SELECT date_bin(k.bucket, ts, k.since) AS ts,"
    " (avg(heart_rate_bpm) FILTER (WHERE device_id = k.hr_dev))::float AS heart_rate_bpm,"
    " (avg(power_w) FILTER (WHERE device_id = k.power_dev))::float AS power_w,"
    " (avg(cadence_rpm) FILTER (WHERE device_id = k.cadence_dev))::float AS cadence_rpm,"
    " (avg(speed_kmh) FILTER (WHERE device_id = k.speed_dev))::float AS speed_kmh"
    " FROM telemetry.published_samples"
    " WHERE device_id = ANY(ARRAY[k.hr_dev, k.power_dev, k.cadence_dev, k.speed_dev])"
    " AND device_id = ANY(%(allowed)s)"
    " AND ts >= k.since AND ts < k.until GROUP BY 1 ORDER BY 1 LIMIT k.lim) AS buckets"
    ") AS series ORDER BY k.i"
)


@dataclass(frozen=True, slots=True)
class Subject:
    """An athlete whose data the caller may read, with the athlete's devices.

    Only ``TrainingService.subject`` makes one, after checking the caller's rights; the reads
    below take it, so a request resolves (and a GraphQL request caches) it once.
    """

    athlete_id: uuid.UUID
    device_ids: list[uuid.UUID]


@dataclass(frozen=True, slots=True)
class StreamPoint:
    ts: datetime
    heart_rate_bpm: float | None
    power_w: float | None
    cadence_rpm: float | None
    speed_kmh: float | None


@dataclass(frozen=True, slots=True)
class StreamSeries:
    """A stream as parallel arrays (one per metric, aligned with ``ts``), as charts draw it."""

    ts: list[datetime]
    heart_rate_bpm: list[float | None]
    power_w: list[float | None]
    cadence_rpm: list[float | None]
    speed_kmh: list[float | None]

    @classmethod
    def empty(cls) -> StreamSeries:
        return cls([], [], [], [], [])

    def points(self) -> list[StreamPoint]:
        return [
            StreamPoint(*point)
            for point in zip(
                self.ts,
                self.heart_rate_bpm,
                self.power_w,
                self.cadence_rpm,
                self.speed_kmh,
                strict=True,
            )
        ]


@dataclass(frozen=True, slots=True)
class _NumberedSeries:
    """One of several series read together: ``i`` is its place (from 1) in the request."""

    i: int
    ts: list[datetime]
    heart_rate_bpm: list[float | None]
    power_w: list[float | None]
    cadence_rpm: list[float | None]
    speed_kmh: list[float | None]


@dataclass(frozen=True, slots=True)
class Totals:
    samples: int
    first: datetime | None
    last: datetime | None
    avg_heart_rate_bpm: float | None
    max_power_w: int | None


@dataclass(frozen=True, slots=True)
class Session:
    """A workout as the analytics job computed it: every device of the athlete that recorded
    it, fused (``sources``: which device gave each stream for how many seconds; ``quality``:
    drop-outs, spikes removed, frozen streams). ``device_id`` is its main device."""

    id: uuid.UUID
    device_id: uuid.UUID
    devices: list[uuid.UUID]
    sources: list[dict[str, Any]]
    quality: list[dict[str, Any]]
    start_ts: datetime
    end_ts: datetime
    duration_s: int
    moving_time_s: int
    distance_m: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_power_w: float | None
    max_power_w: float | None
    normalized_power_w: float | None
    intensity_factor: float | None
    tss: float | None
    work_kj: float | None
    avg_cadence_rpm: float | None
    avg_speed_kmh: float | None
    calories_kcal: float | None
    hr_zone_s: list[int] | None
    power_zone_s: list[int] | None
    power_curve_w: dict[str, float]
    sport: str | None
    """A ``Sport`` value, or None for sessions found by gaps in the samples."""


# A session's sport is what one of its devices said when it started it (the first
# session_start event of its devices within it: the session starts at the earliest start of
# all the athlete's devices, which need not be one of its fused devices); sessions found by
# gaps in the samples have none.
_SESSION = (
    "SELECT id, device_id, devices, sources, quality, start_ts, end_ts, duration_s,"  # noqa: S608 - constants joined, no input
    " moving_time_s, distance_m,"
    " avg_heart_rate_bpm, max_heart_rate_bpm, avg_power_w, max_power_w, normalized_power_w,"
    " intensity_factor, tss, work_kj, avg_cadence_rpm, avg_speed_kmh, calories_kcal,"
    " hr_zone_s, power_zone_s, power_curve_w, sport"
    " FROM (SELECT s.*, "
    + sport_sql("device_sport")
    + " AS sport FROM (SELECT s.*, (SELECT e.sport FROM telemetry.published_device_events e"
    "   WHERE e.device_id = ANY(s.devices) AND e.ts BETWEEN s.start_ts AND s.end_ts"
    "     AND e.kind = 'session_start' ORDER BY e.ts, e.device_id LIMIT 1) AS device_sport"
    "   FROM analytics.published_sessions s) AS s) AS session"
)


@dataclass(frozen=True, slots=True)
class Lap:
    device_id: uuid.UUID
    session_start_ts: datetime
    lap: int
    start_ts: datetime
    end_ts: datetime
    duration_s: int
    moving_time_s: int
    distance_m: float | None
    avg_power_w: float | None
    max_power_w: float | None
    normalized_power_w: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_cadence_rpm: float | None


SessionKey = tuple[uuid.UUID, datetime]
"""A session by its main device and its start (``Session.id`` is its stable id)."""
SERIES_STREAMS = ("heart_rate_bpm", "power_w", "cadence_rpm", "speed_kmh")
"""The streams a session's chart draws, in ``SessionSpan.devices`` order."""


@dataclass(frozen=True, slots=True)
class SessionSpan:
    """A session's start and end (its last sample) and, per charted stream, the device the
    fusion took it from most (a strap's heart rate beside a power meter's power): the chart
    shows what the session's figures were computed from."""

    start: datetime
    end: datetime
    devices: tuple[uuid.UUID | None, ...]
    """One per ``SERIES_STREAMS`` entry; None where no device gave that stream."""

    @classmethod
    def of(
        cls, start: datetime, end: datetime, sources: Iterable[tuple[str, object, int]]
    ) -> SessionSpan:
        """From a session's ``sources`` as (stream, device id, seconds)."""
        best: dict[str, tuple[int, uuid.UUID]] = {}
        for stream, device, seconds in sources:
            device_id = device if isinstance(device, uuid.UUID) else uuid.UUID(str(device))
            if stream not in best or seconds > best[stream][0]:
                best[stream] = (seconds, device_id)
        return cls(start, end, tuple(best[s][1] if s in best else None for s in SERIES_STREAMS))

    @classmethod
    def of_session(cls, session: Session) -> SessionSpan:
        return cls.of(
            session.start_ts,
            session.end_ts,
            ((s["stream"], s["device_id"], s["seconds"]) for s in session.sources),
        )


@dataclass(frozen=True, slots=True)
class WeekVolume:
    week_start: date
    sessions: int
    moving_time_s: int
    distance_m: float
    work_kj: float
    tss: float


@dataclass(frozen=True, slots=True)
class PersonalRecord:
    metric: str
    value: float
    device_id: uuid.UUID
    achieved_at: datetime


@dataclass(frozen=True, slots=True)
class FtpEstimate:
    """The newest FTP estimate (95 % of the best 20-min power of 90 days) as of ``at``: a
    suggestion beside the profile's stated FTP, which sessions are computed with."""

    at: datetime
    ftp_estimate_w: float
    previous_w: float | None
    rose: bool


@dataclass(frozen=True, slots=True)
class FitnessDay:
    day: date
    tss: float
    ctl: float
    atl: float
    tsb: float


class TrainingService:
    """Reads for the athlete themself, or for a coach the athlete accepted (read-only)."""

    def __init__(
        self,
        pool: AsyncConnectionPool,
        devices: DeviceService,
        coaching: CoachingService,
        mqtt_url: str | None = None,
        active: AccountCheck | None = None,
    ) -> None:
        """``active`` raises once the caller's account is deleted (the auth context's
        ``AuthService.still_active``); streams check it before each delivery."""
        self._pool = pool
        self._devices = devices
        self._coaching = coaching
        self._mqtt_url = mqtt_url
        self._active = active

    async def subject(self, principal: Principal, athlete_id: uuid.UUID | None = None) -> Subject:
        """The athlete the caller asks for (default: themself); ``ReadForbiddenError`` if the
        caller is neither that athlete nor a coach the athlete accepted."""
        athlete = await self._coaching.readable_athlete(principal, athlete_id)
        return Subject(athlete, await self._devices.ids_of_athlete(athlete))

    async def live(self, principal: Principal, subject: Subject) -> AsyncIterator[LivePoint]:
        """Every sample of the athlete's devices within a second of the device sending it;
        the caller's right to read them is checked again before each batch's samples (a coach
        the athlete revoked, or a deleted account, gets ``ReadForbiddenError`` /
        ``InvalidTokenError`` instead)."""
        if self._mqtt_url is None:
            raise LiveUnavailableError("no broker configured for live data")
        found = await self._devices.by_ids(principal.tenant_id, subject.device_ids)
        devices = [
            RegisteredDevice(d.id, d.tenant_id, d.athlete_id, d.registered_at, d.revoked_at)
            for d in found.values()
        ]
        async for points in live_batches(self._mqtt_url, devices):
            await self.still_allowed(principal, subject.athlete_id)  # once per batch
            for point in points:
                yield point

    async def still_allowed(self, principal: Principal, athlete_id: uuid.UUID) -> None:
        """Raise unless the caller's account is active and may still read the athlete."""
        if self._active is not None:
            await self._active(principal)
        await self._coaching.readable_athlete(principal, athlete_id)

    async def stream(
        self,
        subject: Subject,
        since: datetime | None,
        until: datetime | None,
        max_points: int,
    ) -> list[StreamPoint]:
        """``series`` as one point per bucket."""
        return (await self.series(subject, since, until, max_points)).points()

    async def series(
        self,
        subject: Subject,
        since: datetime | None,
        until: datetime | None,
        max_points: int,
    ) -> StreamSeries:
        """Averages per time bucket so that at most ``max_points`` buckets come back
        (clamped to 1 … ``MAX_STREAM_POINTS``), as arrays: one row, decoded by the driver.

        Without bounds, the last hour (``recent_window``); with one bound, the hour before
        ``until`` (default now) or from ``since``.

        Buckets start at ``since``. When ``since`` is on a 10-second boundary and a bucket is
        a whole number of 10-second steps (as in ``recent_window``), the 10-second rollup
        answers all but the last two minutes (which it may not hold yet): the same averages
        from a tenth of the rows or fewer.
        """
        since, until = stream_window(since, until)
        max_points, bucket = _buckets(since, until, max_points)
        params = {
            "bucket": bucket,
            "since": since,
            "until": until,
            "devices": subject.device_ids,
            "limit": max_points,
        }
        if _floor(since, ROLLUP_STEP) == since and bucket % ROLLUP_STEP == timedelta(0):
            params["hi"] = max(since, min(_floor(until, ROLLUP_STEP), _rollup_horizon()))
            sql = _ROLLUP_SERIES
        else:
            sql = _RAW_SERIES
        row = await fetch_one(self._pool, StreamSeries, sql, params, binary=True)
        assert row is not None  # noqa: S101 - an aggregate always returns a row
        return row

    async def session_series(
        self, subject: Subject, sessions: list[SessionSpan], max_points: int
    ) -> list[StreamSeries]:
        """The samples of several of the athlete's sessions as chart arrays (``series``'s
        buckets over [start, end + ``SESSION_SERIES_TAIL``)), in order, in one statement."""
        buckets = [_buckets(s.start, s.end + SESSION_SERIES_TAIL, max_points) for s in sessions]
        rows = await fetch_all(
            self._pool,
            _NumberedSeries,
            _SESSION_SERIES,
            {
                **{
                    key: [s.devices[n] for s in sessions]
                    for n, key in enumerate(("heart_rate", "power", "cadence", "speed"))
                },
                "since": [s.start for s in sessions],
                "until": [s.end + SESSION_SERIES_TAIL for s in sessions],
                "bucket": [bucket for _, bucket in buckets],
                "limit": [limit for limit, _ in buckets],
                "allowed": subject.device_ids,
            },
            binary=True,
        )
        found = {
            row.i: StreamSeries(
                row.ts, row.heart_rate_bpm, row.power_w, row.cadence_rpm, row.speed_kmh
            )
            for row in rows
        }
        return [found.get(i, StreamSeries.empty()) for i in range(1, len(sessions) + 1)]

    async def totals(self, subject: Subject, since: datetime | None) -> Totals:
        """Count, first and last sample, average heart rate and top power since ``since``
        (default: ``DEFAULT_TOTALS_SPAN`` ago).

        Whole minutes come from the per-minute rollup (one row per minute instead of one per
        sample); the partial first minute and the last two minutes, which the rollup may not
        hold yet, come from the samples. Late samples reach the rollup within seconds.
        """
        since = since or datetime.now(UTC) - DEFAULT_TOTALS_SPAN
        lo = _ceil(since, _MINUTE)
        hi = max(lo, _rollup_horizon())
        row = await fetch_one(
            self._pool,
            Totals,
            "SELECT coalesce(sum(n), 0)::int AS samples, min(f) AS first, max(l) AS last,"
            " sum(hr_sum)::float / nullif(sum(hr_n), 0) AS avg_heart_rate_bpm,"
            " max(p) AS max_power_w FROM ("
            "  SELECT samples AS n, first_ts AS f, last_ts AS l, heart_rate_sum AS hr_sum,"
            "         heart_rate_samples AS hr_n, max_power_w AS p"
            "  FROM telemetry.published_samples_1m"
            "  WHERE device_id = ANY(%(devices)s) AND minute >= %(lo)s AND minute < %(hi)s"
            "  UNION ALL"
            "  SELECT count(*), min(ts), max(ts), sum(heart_rate_bpm), count(heart_rate_bpm),"
            "         max(power_w) FROM telemetry.published_samples"
            "  WHERE device_id = ANY(%(devices)s) AND ts >= %(since)s AND ts < %(lo)s"
            "  UNION ALL"
            "  SELECT count(*), min(ts), max(ts), sum(heart_rate_bpm), count(heart_rate_bpm),"
            "         max(power_w) FROM telemetry.published_samples"
            "  WHERE device_id = ANY(%(devices)s) AND ts >= %(hi)s AND ts >= %(since)s"
            " ) AS parts",
            {"devices": subject.device_ids, "since": since, "lo": lo, "hi": hi},
        )
        assert row is not None  # noqa: S101 - an aggregate always returns a row
        return row

    async def sessions(
        self,
        subject: Subject,
        first: int,
        before: datetime | None,
        since: datetime | None = None,
        sport: Sport | None = None,
        *,
        before_id: uuid.UUID | None = None,
    ) -> list[Session]:
        """The athlete's first ``first`` (1 … ``MAX_SESSIONS_PAGE``) sessions started in
        [since, before) (of ``sport``, if given), newest first, ordered by (start, id). The
        cursor of the next page is the last session's (start, id) as (``before``,
        ``before_id``): pages then neither skip nor repeat sessions that started at the same
        instant. ``before`` alone keeps every session that started at that instant out."""
        return await fetch_all(
            self._pool,
            Session,
            _SESSION + " WHERE athlete_id = %(athlete)s"
            " AND (%(before)s::timestamptz IS NULL OR (CASE WHEN %(before_id)s::uuid IS NULL"
            "      THEN start_ts < %(before)s ELSE (start_ts, id) < (%(before)s, %(before_id)s)"
            "      END))"
            " AND (%(since)s::timestamptz IS NULL OR start_ts >= %(since)s)"
            " AND (%(sport)s::text IS NULL OR sport = %(sport)s)"
            " ORDER BY start_ts DESC, id DESC LIMIT %(first)s",
            {
                "athlete": subject.athlete_id,
                "before": before,
                "before_id": before_id,
                "since": since,
                "sport": sport.value if sport else None,
                "first": min(max(first, 1), MAX_SESSIONS_PAGE),
            },
        )

    async def sessions_page(
        self,
        subject: Subject,
        page: PageRequest,
        since: datetime | None = None,
        sport: Sport | None = None,
    ) -> Page[Session]:
        """A page of the athlete's sessions started since ``since`` (of ``sport``, if given),
        newest first by (start, id): sessions that started at the same instant are neither
        skipped nor repeated from page to page."""
        where, order, params = keyset(("start_ts", "id"), page, descending=True)
        rows = await fetch_all(
            self._pool,
            Session,
            _SESSION
            + " WHERE athlete_id = %(athlete)s AND "
            + where
            + " AND (%(since)s::timestamptz IS NULL OR start_ts >= %(since)s)"
            " AND (%(sport)s::text IS NULL OR sport = %(sport)s)" + order,
            {
                "athlete": subject.athlete_id,
                "since": since,
                "sport": sport.value if sport else None,
                **params,
            },
        )
        return page_of(rows, page)

    async def sessions_by_ids(
        self, principal: Principal, ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Subject, Session]]:
        """The sessions among ``ids`` the caller may read (their own, or an athlete's who
        accepted them as coach), each with its athlete; the others are absent."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT id, athlete_id FROM analytics.published_sessions WHERE id = ANY(%s)", (ids,)
            )
            owners = {uuid.UUID(str(i)): uuid.UUID(str(a)) for i, a in await cur.fetchall()}
        subjects: dict[uuid.UUID, Subject] = {}
        for athlete in set(owners.values()):
            try:
                subjects[athlete] = await self.subject(principal, athlete)
            except ReadForbiddenError:
                continue
        found = await fetch_all(
            self._pool,
            Session,
            _SESSION + " WHERE id = ANY(%s) AND athlete_id = ANY(%s)",
            (list(owners), list(subjects)),
        )
        return {s.id: (subjects[owners[s.id]], s) for s in found}

    async def session_by_id(self, subject: Subject, session_id: uuid.UUID) -> Session:
        """One session of the athlete by its id."""
        found = await fetch_one(
            self._pool,
            Session,
            _SESSION + " WHERE athlete_id = %s AND id = %s",
            (subject.athlete_id, session_id),
        )
        if found is None:
            raise SessionNotFoundError(f"no session {session_id}")
        return found

    async def session(self, subject: Subject, device_id: uuid.UUID, start: datetime) -> Session:
        """One session of the athlete with its zones and power curve, by one of its devices
        and its start."""
        found = await fetch_one(
            self._pool,
            Session,
            _SESSION + " WHERE athlete_id = %s AND %s = ANY(devices) AND start_ts = %s",
            (subject.athlete_id, device_id, start),
        )
        if found is None:
            raise SessionNotFoundError(f"no session of device {device_id} at {start.isoformat()}")
        return found

    async def fitness(self, subject: Subject, days: int) -> list[FitnessDay]:
        """The performance-management chart: daily TSS, CTL, ATL and TSB of the last ``days``
        (1 … ``MAX_FITNESS_DAYS``)."""
        return await fetch_all(
            self._pool,
            FitnessDay,
            "SELECT day, tss, ctl, atl, tsb FROM analytics.published_daily_load"
            " WHERE athlete_id = %s AND day > current_date - %s ORDER BY day",
            (subject.athlete_id, min(max(days, 1), MAX_FITNESS_DAYS)),
        )

    async def weekly_volume(self, subject: Subject, weeks: int) -> list[WeekVolume]:
        """Sessions, moving time, distance, work and TSS per week of the last ``weeks``
        (1 … ``MAX_VOLUME_WEEKS``), oldest first."""
        return await fetch_all(
            self._pool,
            WeekVolume,
            "SELECT week_start, sessions, moving_time_s, distance_m, work_kj, tss"
            " FROM analytics.published_weekly_volume WHERE athlete_id = %s"
            " AND week_start > current_date - 7 * %s ORDER BY week_start",
            (subject.athlete_id, min(max(weeks, 1), MAX_VOLUME_WEEKS)),
        )

    async def records(self, subject: Subject) -> list[PersonalRecord]:
        """The athlete's personal records (best power per duration, longest ride, …)."""
        return await fetch_all(
            self._pool,
            PersonalRecord,
            "SELECT metric, value, device_id, achieved_at FROM analytics.published_personal_records"
            " WHERE athlete_id = %s ORDER BY metric",
            (subject.athlete_id,),
        )

    async def ftp_estimate(self, subject: Subject) -> FtpEstimate | None:
        """The athlete's newest FTP estimate (none before a session with 20 minutes of power)."""
        return await fetch_one(
            self._pool,
            FtpEstimate,
            "SELECT at, ftp_estimate_w, previous_w, rose FROM analytics.published_ftp_estimates"
            " WHERE athlete_id = %s ORDER BY at DESC LIMIT 1",
            (subject.athlete_id,),
        )

    async def laps(
        self, subject: Subject, sessions: list[SessionKey]
    ) -> dict[SessionKey, list[Lap]]:
        """The laps of several of the athlete's sessions, in one statement, in order."""
        found: dict[SessionKey, list[Lap]] = {key: [] for key in sessions}
        laps = await fetch_all(
            self._pool,
            Lap,
            "SELECT k.device_id, k.start_ts AS session_start_ts, l.lap, l.start_ts, l.end_ts,"
            " l.duration_s, l.moving_time_s, l.distance_m, l.avg_power_w, l.max_power_w,"
            " l.normalized_power_w, l.avg_heart_rate_bpm, l.max_heart_rate_bpm,"
            " l.avg_cadence_rpm"
            " FROM unnest(%s::uuid[], %s::timestamptz[]) AS k(device_id, start_ts)"
            " JOIN analytics.published_sessions s"
            "   ON s.athlete_id = %s AND s.device_id = k.device_id"
            "   AND s.start_ts = k.start_ts"
            " JOIN analytics.published_laps l ON l.session_id = s.id"
            " ORDER BY k.device_id, k.start_ts, l.lap",
            ([d for d, _ in sessions], [t for _, t in sessions], subject.athlete_id),
        )
        for lap in laps:
            found[(lap.device_id, lap.session_start_ts)].append(lap)
        return found


def _buckets(since: datetime, until: datetime, max_points: int) -> tuple[int, timedelta]:
    """At most how many buckets (1 … ``MAX_STREAM_POINTS``), and how long each, for a read
    of [since, until) in ``max_points`` buckets."""
    max_points = min(max(max_points, 1), MAX_STREAM_POINTS)
    span = max((until - since).total_seconds(), 1.0)
    return max_points, timedelta(seconds=max(span / max_points, 0.001))


def _floor(ts: datetime, step: timedelta) -> datetime:
    """The ``step`` boundary (aligned to the clock) at or before ``ts``."""
    return ts - (ts - _EPOCH) % step


def _ceil(ts: datetime, step: timedelta) -> datetime:
    """The ``step`` boundary (aligned to the clock) at or after ``ts``."""
    floor = _floor(ts, step)
    return floor if floor == ts else floor + step


def _rollup_horizon() -> datetime:
    """The rollups are read before this, the samples from it on: about the last two minutes,
    which ingest may not have rolled up yet (it does so every few seconds)."""
    return _ceil(datetime.now(UTC), _MINUTE) - 2 * _MINUTE


def stream_window(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """The bounds of a stream read: the last ``DEFAULT_STREAM_SPAN`` (``recent_window``)
    without bounds, else the span before ``until`` (default now) or from ``since``."""
    if since is None and until is None:
        return recent_window(DEFAULT_STREAM_SPAN)
    until = until or datetime.now(UTC)
    return since or until - DEFAULT_STREAM_SPAN, until


def recent_window(span: timedelta, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last ``span`` up to now, ending on the next 10-second boundary: a chart of it reads
    the 10-second rollup when its buckets are whole 10-second steps."""
    until = _ceil(now or datetime.now(UTC), ROLLUP_STEP)
    return until - span, until


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
