"""The GraphQL schema: root ``Query`` and ``Mutation`` over the platform services."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from fitconnect.errors import FitConnectError
from fitconnect.gateway.errors import code_of
from fitconnect.gateway.graphql.context import Context
from fitconnect.gateway.graphql.cost import QueryCostLimiter
from fitconnect.gateway.graphql.types import (
    AccountSummaryType,
    AccountType,
    BadgeType,
    BoardEntryType,
    ClubType,
    CoachingLinkType,
    DeviceCredentialsType,
    DeviceType,
    FitnessDayType,
    LivePointType,
    NotificationType,
    PersonalRecordType,
    ProfileInput,
    ProfileType,
    ProgressType,
    ReportJobType,
    SessionType,
    StreamPointType,
    StreamSeriesType,
    TokensType,
    TotalsType,
    WeekVolumeType,
)
from fitconnect.platform.auth.models import Role
from fitconnect.platform.gamification.service import Circle
from fitconnect.platform.notifications import service as notifications
from fitconnect.platform.training.service import StreamSeries, recent_window
from fitconnect.platform.users.service import ProfileChange

Info = strawberry.Info[Context, None]
MAX_DEPTH = 8
# One depth rule for the process: a new rule class per request would change the validation
# cache's key every time, so every request would be validated again.
DEPTH_RULES = QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules


@strawberry.type
class Query:
    @strawberry.field(description="The caller's account.")
    async def me(self, info: Info) -> AccountType:
        ctx = info.context
        return AccountType.from_domain(await ctx.services.auth.account(ctx.principal()))

    @strawberry.field(description="The caller's profile.")
    async def profile(self, info: Info) -> ProfileType:
        ctx = info.context
        return ProfileType.from_domain(await ctx.services.users.profile(ctx.principal()))

    @strawberry.field(description="The caller's devices.")
    async def devices(self, info: Info) -> list[DeviceType]:
        ctx = info.context
        return [DeviceType.from_domain(d) for d in await ctx.services.devices.list(ctx.principal())]

    @strawberry.field(description="The caller's in-app notifications, newest first.")
    async def notifications(self, info: Info, limit: int = 50) -> list[NotificationType]:
        ctx = info.context
        items = await notifications.inbox(ctx.services.pool, ctx.principal().account_id, limit)
        return [NotificationType.from_domain(n) for n in items]

    @strawberry.field(description="Heart rate, power, cadence and speed, time-bucketed.")
    async def stream(
        self,
        info: Info,
        since: datetime | None = None,
        until: datetime | None = None,
        max_points: int = 500,
        athlete_id: uuid.UUID | None = None,
    ) -> list[StreamPointType]:
        series = await _series(info, since, until, max_points, athlete_id)
        return [StreamPointType.from_domain(p) for p in series.points()]

    @strawberry.field(description="The same stream as parallel arrays, for charts.")
    async def series(
        self,
        info: Info,
        since: datetime | None = None,
        until: datetime | None = None,
        max_points: int = 500,
        athlete_id: uuid.UUID | None = None,
    ) -> StreamSeriesType:
        series = await _series(info, since, until, max_points, athlete_id)
        return StreamSeriesType.from_domain(series)

    @strawberry.field(
        description="Sessions started in [since, before), of a sport if given, newest first"
        " (cursor: before)."
    )
    async def sessions(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        first: int = 20,
        before: datetime | None = None,
        since: datetime | None = None,
        sport: str | None = None,
        athlete_id: uuid.UUID | None = None,
    ) -> list[SessionType]:
        ctx = info.context
        subject = await ctx.subject(athlete_id)
        found = await ctx.services.training.sessions(
            subject, min(max(first, 1), 100), before, since, sport
        )
        return [SessionType.from_domain(s, subject) for s in found]

    @strawberry.field(description="One session: metrics, zones, power curve, its samples.")
    async def session(
        self,
        info: Info,
        device_id: uuid.UUID,
        start: datetime,
        athlete_id: uuid.UUID | None = None,
    ) -> SessionType:
        ctx = info.context
        subject = await ctx.subject(athlete_id)
        found = await ctx.services.training.session(subject, device_id, start)
        return SessionType.from_domain(found, subject)

    @strawberry.field(description="Performance-management chart: TSS, CTL, ATL, TSB by day.")
    async def fitness(
        self, info: Info, days: int = 90, athlete_id: uuid.UUID | None = None
    ) -> list[FitnessDayType]:
        ctx = info.context
        found = await ctx.services.training.fitness(
            await ctx.subject(athlete_id), min(max(days, 1), 730)
        )
        return [FitnessDayType.from_domain(d) for d in found]

    @strawberry.field(description="Totals of the caller's samples since a time (default 7 days).")
    async def totals(
        self, info: Info, since: datetime | None = None, athlete_id: uuid.UUID | None = None
    ) -> TotalsType:
        ctx = info.context
        since = since or datetime.now(UTC) - timedelta(days=7)
        totals = await ctx.services.training.totals(await ctx.subject(athlete_id), since)
        return TotalsType.from_domain(totals)

    @strawberry.field(description="Sessions, moving time, distance, work and TSS per week.")
    async def weekly_volume(
        self, info: Info, weeks: int = 12, athlete_id: uuid.UUID | None = None
    ) -> list[WeekVolumeType]:
        ctx = info.context
        found = await ctx.services.training.weekly_volume(
            await ctx.subject(athlete_id), min(max(weeks, 1), 520)
        )
        return [WeekVolumeType.from_domain(w) for w in found]

    @strawberry.field(description="Personal records: best power per duration, longest session…")
    async def records(
        self, info: Info, athlete_id: uuid.UUID | None = None
    ) -> list[PersonalRecordType]:
        ctx = info.context
        found = await ctx.services.training.records(await ctx.subject(athlete_id))
        return [PersonalRecordType.from_domain(r) for r in found]

    @strawberry.field(description="A report the caller requested, finished or not.")
    async def report(self, info: Info, id: uuid.UUID) -> ReportJobType:
        ctx = info.context
        return ReportJobType.from_domain(await ctx.services.reports.get(ctx.principal(), id))

    @strawberry.field(description="XP, level and streaks (null before the first session).")
    async def progress(
        self, info: Info, athlete_id: uuid.UUID | None = None
    ) -> ProgressType | None:
        ctx = info.context
        found = await ctx.services.gamification.progress(await ctx.subject(athlete_id))
        return ProgressType.from_domain(found) if found else None

    @strawberry.field(description="Badges earned, oldest first.")
    async def badges(self, info: Info, athlete_id: uuid.UUID | None = None) -> list[BadgeType]:
        ctx = info.context
        found = await ctx.services.gamification.badges(await ctx.subject(athlete_id))
        return [BadgeType.from_domain(b) for b in found]

    @strawberry.field(
        description="This week's or month's board by xp, distance_m or moving_time_s, ranked"
        " within the tenant, a club the caller belongs to, or the athletes the caller follows."
    )
    async def leaderboard(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        period: str = "week",
        metric: str = "xp",
        circle: Circle = Circle.TENANT,
        club_id: uuid.UUID | None = None,
        first: int = 20,
    ) -> list[BoardEntryType]:
        ctx = info.context
        board = await ctx.services.gamification.leaderboard(
            ctx.principal(),
            period=period,
            metric=metric,
            circle=circle,
            club_id=club_id,
            first=min(max(first, 1), 100),
        )
        return [BoardEntryType.from_domain(e) for e in board]

    @strawberry.field(description="The clubs the caller belongs to.")
    async def clubs(self, info: Info) -> list[ClubType]:
        ctx = info.context
        return [ClubType.from_domain(c) for c in await ctx.services.social.clubs(ctx.principal())]

    @strawberry.field(description="The athletes the caller follows.")
    async def following(self, info: Info) -> list[AccountSummaryType]:
        ctx = info.context
        ids = await ctx.services.social.following(ctx.principal())
        found = await ctx.loaders.accounts.load_many(ids)
        return [AccountSummaryType.from_domain(a) for a in found if a is not None]

    @strawberry.field(description="Coaching links of the caller, as coach or as athlete.")
    async def coaching(self, info: Info) -> list[CoachingLinkType]:
        ctx = info.context
        links = await ctx.services.coaching.links(ctx.principal())
        return [CoachingLinkType.from_domain(link) for link in links]


async def _series(
    info: Info,
    since: datetime | None,
    until: datetime | None,
    max_points: int,
    athlete_id: uuid.UUID | None,
) -> StreamSeries:
    """The last hour unless told otherwise, in at most ``max_points`` buckets."""
    ctx = info.context
    if since is None and until is None:
        since, until = recent_window(timedelta(hours=1))
    until = until or datetime.now(UTC)
    since = since or until - timedelta(hours=1)
    return await ctx.services.training.series(
        await ctx.subject(athlete_id), since, until, max_points
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an account; the welcome notification follows.")
    async def register(  # noqa: PLR0917 - GraphQL arguments
        self,
        info: Info,
        email: str,
        password: str,
        display_name: str,
        role: str = "athlete",
        tenant: str = "public",
    ) -> AccountType:
        try:
            parsed_role = Role(role)
        except ValueError as exc:
            raise GraphQLError(
                f"role must be athlete or coach, not {role!r}", extensions={"code": "VALIDATION"}
            ) from exc
        account = await info.context.services.auth.register(
            email, password, display_name, parsed_role, tenant
        )
        return AccountType.from_domain(account)

    @strawberry.mutation
    async def login(self, info: Info, email: str, password: str) -> TokensType:
        ctx = info.context
        return TokensType.from_domain(await ctx.services.auth.login(email, password, ctx.address))

    @strawberry.mutation(description="Swap a refresh token for new tokens (it is spent).")
    async def refresh(self, info: Info, refresh_token: str) -> TokensType:
        return TokensType.from_domain(await info.context.services.auth.refresh(refresh_token))

    @strawberry.mutation
    async def logout(self, info: Info, refresh_token: str) -> bool:
        await info.context.services.auth.logout(refresh_token)
        return True

    @strawberry.mutation(description="Register a device; its MQTT password is shown only now.")
    async def register_device(self, info: Info, name: str, kind: str) -> DeviceCredentialsType:
        ctx = info.context
        creds = await ctx.services.devices.register(ctx.principal(), name, kind)
        return DeviceCredentialsType.from_domain(creds)

    @strawberry.mutation
    async def revoke_device(self, info: Info, device_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.devices.revoke(ctx.principal(), device_id)
        return True

    @strawberry.mutation(description="Change the given profile fields (the others stay).")
    async def update_profile(self, info: Info, changes: ProfileInput) -> ProfileType:
        ctx = info.context
        change = ProfileChange(**strawberry.asdict(changes))  # type: ignore[arg-type]
        return ProfileType.from_domain(await ctx.services.users.update(ctx.principal(), change))

    @strawberry.mutation(description="A coach invites an athlete of the same tenant.")
    async def invite_athlete(self, info: Info, email: str) -> CoachingLinkType:
        ctx = info.context
        link = await ctx.services.coaching.invite(ctx.principal(), email)
        return CoachingLinkType.from_domain(link)

    @strawberry.mutation(description="The athlete accepts or refuses a coach's invitation.")
    async def respond_to_coach(
        self, info: Info, coach_id: uuid.UUID, accept: bool
    ) -> CoachingLinkType:
        ctx = info.context
        link = await ctx.services.coaching.respond(ctx.principal(), coach_id, accept=accept)
        return CoachingLinkType.from_domain(link)

    @strawberry.mutation(description="The athlete ends a coach's read access at once.")
    async def revoke_coach(self, info: Info, coach_id: uuid.UUID) -> CoachingLinkType:
        ctx = info.context
        link = await ctx.services.coaching.revoke(ctx.principal(), coach_id)
        return CoachingLinkType.from_domain(link)

    @strawberry.mutation(
        description="Start a heavy report (power_curve, training_summary) over [since, until);"
        " it returns at once: poll `report(id)` or subscribe to `reportReady(id)`."
    )
    async def request_report(
        self,
        info: Info,
        kind: str,
        since: date,
        until: date,
        athlete_id: uuid.UUID | None = None,
    ) -> ReportJobType:
        ctx = info.context
        job = await ctx.services.reports.request(
            ctx.principal(), await ctx.subject(athlete_id), kind, since, until
        )
        return ReportJobType.from_domain(job)

    @strawberry.mutation(description="Follow an athlete of the same tenant.")
    async def follow(self, info: Info, athlete_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.social.follow(ctx.principal(), athlete_id)
        return True

    @strawberry.mutation
    async def unfollow(self, info: Info, athlete_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.social.unfollow(ctx.principal(), athlete_id)
        return True

    @strawberry.mutation(description="Create a club of the caller's tenant and join it.")
    async def create_club(self, info: Info, name: str) -> ClubType:
        ctx = info.context
        return ClubType.from_domain(await ctx.services.social.create_club(ctx.principal(), name))

    @strawberry.mutation
    async def join_club(self, info: Info, club_id: uuid.UUID) -> ClubType:
        ctx = info.context
        return ClubType.from_domain(await ctx.services.social.join(ctx.principal(), club_id))

    @strawberry.mutation
    async def leave_club(self, info: Info, club_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.social.leave(ctx.principal(), club_id)
        return True

    @strawberry.mutation
    async def mark_notification_read(self, info: Info, notification_id: int) -> bool:
        ctx = info.context
        return await notifications.mark_read(
            ctx.services.pool, ctx.principal().account_id, notification_id
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Heart rate, power, cadence and speed as the devices send them."
    )
    async def live(
        self, info: Info, athlete_id: uuid.UUID | None = None
    ) -> AsyncGenerator[LivePointType, None]:
        ctx = info.context
        async for point in ctx.services.training.live(await ctx.subject(athlete_id)):
            yield LivePointType.from_domain(point)

    @strawberry.subscription(description="The report once it is done or failed.")
    async def report_ready(
        self,
        info: Info,
        id: uuid.UUID,
    ) -> AsyncGenerator[ReportJobType, None]:
        ctx = info.context
        yield ReportJobType.from_domain(await ctx.services.reports.wait(ctx.principal(), id))


class DomainErrorCodes(SchemaExtension):
    """Put a stable ``code`` in every error's ``extensions`` (INTERNAL errors are masked)."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        fixed = []
        for error in result.errors:
            original = error.original_error
            if isinstance(original, FitConnectError):
                code, _ = code_of(original)
                fixed.append(_with_code(error, str(original), code))
            elif original is not None and not isinstance(original, GraphQLError):
                fixed.append(_with_code(error, "internal error", "INTERNAL"))
            else:
                fixed.append(error)
        result.errors = fixed


def _with_code(error: GraphQLError, message: str, code: str) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )


def build_schema(
    *extra: type[SchemaExtension] | Callable[[], SchemaExtension],
) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            # Apps send the same few documents again and again: parse and validate each once.
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            QueryCostLimiter,  # after the cache, which would overwrite its verdict
            lambda: AddValidationRules(DEPTH_RULES),
            DomainErrorCodes,
            *extra,
        ],
    )
