"""Activities and privacy: ``activity``, ``activities``, ``feed``, ``privacy``; editing an
activity, the privacy settings, blocks and follow requests. Every read is filtered by the
social context's one visibility function (``platform/social/visibility.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Self

import strawberry
from strawberry import relay

from fitconnect.gateway.cursors import page_request
from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.pagination import Connection, Edge, connection
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.gateway.graphql.users import AccountSummary, summary
from fitconnect.platform.db.pages import Page
from fitconnect.platform.social import activities as domain
from fitconnect.platform.social import reactions
from fitconnect.platform.social.errors import ActivityNotFoundError
from fitconnect.platform.social.privacy import PrivacyChange
from fitconnect.platform.social.visibility import AccountVisibility, ActivityVisibility
from fitconnect.platform.training.sports import Sport


@strawberry.type(description="A point of a track (absent inside the owner's privacy zone).")
class Position:
    lat: float
    lon: float


@strawberry.type(
    description="A finished session as its athlete shares it. Fields the athlete hides (heart"
    " rate, power, start time) and track ends inside their privacy zone are null for others."
)
class Activity(relay.Node):
    activity_id: relay.NodeID[str]
    athlete_id: strawberry.Private[uuid.UUID]
    title: str
    description: str
    sport: Sport | None
    visibility: ActivityVisibility
    start: datetime | None
    start_day: date
    duration_s: int
    moving_time_s: int
    distance_m: float | None
    avg_speed_kmh: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_power_w: float | None
    max_power_w: float | None
    tss: float | None
    calories_kcal: float | None
    start_position: Position | None
    end_position: Position | None
    kudos_count: int
    comment_count: int
    kudoed_by_me: bool

    @strawberry.field(description="Whose activity it is.")
    async def athlete(self, info: Info) -> AccountSummary | None:
        return summary(await info.context.loaders.accounts.load(self.athlete_id))

    @classmethod
    def from_domain(cls, a: domain.Activity) -> Self:
        return cls(
            activity_id=str(a.id),
            athlete_id=a.athlete_id,
            title=a.title,
            description=a.description,
            sport=Sport(a.sport) if a.sport else None,
            visibility=ActivityVisibility(a.visibility),
            start=a.start_ts,
            start_day=a.start_day,
            duration_s=a.duration_s,
            moving_time_s=a.moving_time_s,
            distance_m=a.distance_m,
            avg_speed_kmh=a.avg_speed_kmh,
            avg_heart_rate_bpm=a.avg_heart_rate_bpm,
            max_heart_rate_bpm=a.max_heart_rate_bpm,
            avg_power_w=a.avg_power_w,
            max_power_w=a.max_power_w,
            tss=a.tss,
            calories_kcal=a.calories_kcal,
            start_position=_position(a.start_lat, a.start_lon),
            end_position=_position(a.end_lat, a.end_lon),
            kudos_count=a.kudos,
            comment_count=a.comments,
            kudoed_by_me=a.kudoed_by_me,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        """The activities the caller may see among the ids (the others: null)."""
        ids = [_uuid_or_none(i) for i in node_ids]
        ctx = info.context
        found = await ctx.services.activities.by_ids(
            ctx.principal(), [i for i in ids if i is not None]
        )
        nodes = [cls.from_domain(found[i]) if i in found else None for i in ids]
        if required and None in nodes:
            raise ActivityNotFoundError("no such activity")
        return nodes


def _position(lat: float | None, lon: float | None) -> Position | None:
    return Position(lat=lat, lon=lon) if lat is not None and lon is not None else None


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def activity_connection(page: Page[domain.Activity]) -> Connection[Activity]:
    """A connection of activities, each cursor its activity's place (``activity_cursor``)."""
    edges = [
        Edge(cursor=domain.activity_cursor(a.id), node=Activity.from_domain(a)) for a in page.items
    ]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


@strawberry.type(description="A comment on an activity.")
class Comment:
    id: uuid.UUID
    activity_id: uuid.UUID
    author_id: strawberry.Private[uuid.UUID]
    body: str
    created_at: datetime
    edited_at: datetime | None

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: Info) -> AccountSummary | None:
        return summary(await info.context.loaders.accounts.load(self.author_id))

    @classmethod
    def from_domain(cls, c: reactions.Comment) -> Self:
        return cls(
            id=c.id,
            activity_id=c.activity_id,
            author_id=c.author_id,
            body=c.body,
            created_at=c.created_at,
            edited_at=c.edited_at,
        )


_COMMENT_KEY = (datetime.fromisoformat, uuid.UUID)


def comment_key(c: reactions.Comment) -> tuple[datetime, uuid.UUID]:
    return c.created_at, c.id


@strawberry.type
class Privacy(SameFields):
    visibility: AccountVisibility
    hide_heart_rate: bool
    hide_power: bool
    hide_start_time: bool
    home_lat: float | None
    home_lon: float | None
    zone_radius_m: float


@strawberry.input(description="The settings to change (the others stay).")
class PrivacyInput:
    visibility: AccountVisibility | None = None
    hide_heart_rate: bool | None = None
    hide_power: bool | None = None
    hide_start_time: bool | None = None
    home_lat: float | None = None
    home_lon: float | None = None
    zone_radius_m: float | None = None
    clear_zone: bool = False


@strawberry.input(description="The fields to change (the others stay).")
class ActivityInput:
    title: str | None = None
    description: str | None = None
    visibility: ActivityVisibility | None = None


@strawberry.type
class ActivitiesQuery:
    @strawberry.field(description="One activity, if the caller may see it (else NOT_FOUND).")
    async def activity(self, info: Info, id: uuid.UUID) -> Activity:  # noqa: A002 - the id
        ctx = info.context
        return Activity.from_domain(await ctx.services.activities.activity(ctx.principal(), id))

    @strawberry.field(
        description="An athlete's activities the caller may see (the caller's own when"
        " `athleteId` is omitted), newest first: `first` after a cursor."
    )
    async def activities(
        self,
        info: Info,
        athlete_id: uuid.UUID | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Activity]:
        ctx = info.context
        principal = ctx.principal()
        page = await ctx.services.activities.athlete_activities(
            principal, athlete_id or principal.account_id, first, after
        )
        return activity_connection(page)

    @strawberry.field(
        description="The caller's and the followed athletes' activities the caller may see,"
        " newest first: `first` after a cursor (stable while new activities arrive)."
    )
    async def feed(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Activity]:
        ctx = info.context
        return activity_connection(
            await ctx.services.activities.feed(ctx.principal(), first, after)
        )

    @strawberry.field(
        description="The comments of an activity the caller may see, oldest first: pages of"
        " `first` after a cursor, or `last` before one (NOT_FOUND for an activity hidden from"
        " the caller)."
    )
    async def comments(
        self,
        info: Info,
        activity_id: uuid.UUID,
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Comment]:
        ctx = info.context
        request = page_request(first, after, last, before, _COMMENT_KEY)
        page = await ctx.services.reactions.comments(ctx.principal(), activity_id, request)
        return connection(page, Comment.from_domain, comment_key)

    @strawberry.field(description="The caller's privacy settings.")
    async def privacy(self, info: Info) -> Privacy:
        ctx = info.context
        return Privacy.from_domain(await ctx.services.privacy.privacy(ctx.principal()))

    @strawberry.field(description="The athletes the caller blocked, most recent first.")
    async def blocked_athletes(self, info: Info) -> list[AccountSummary]:
        ctx = info.context
        ids = await ctx.services.privacy.blocked(ctx.principal())
        return [
            AccountSummary.from_domain(a) for a in await ctx.loaders.accounts.load_many(ids) if a
        ]

    @strawberry.field(description="Who asks to follow the caller (a private account).")
    async def follow_requests(self, info: Info) -> list[AccountSummary]:
        ctx = info.context
        links = await ctx.services.social.follow_requests(ctx.principal())
        found = await ctx.loaders.accounts.load_many([link.account_id for link in links])
        return [AccountSummary.from_domain(a) for a in found if a]


@strawberry.type
class ActivitiesMutation:
    @strawberry.mutation(description="Change the title, description or visibility of an activity.")
    async def update_activity(
        self,
        info: Info,
        id: uuid.UUID,  # noqa: A002 - the id
        changes: ActivityInput,
    ) -> Activity:
        ctx = info.context
        change = domain.ActivityChange(
            title=changes.title, description=changes.description, visibility=changes.visibility
        )
        return Activity.from_domain(
            await ctx.services.activities.update(ctx.principal(), id, change)
        )

    @strawberry.mutation(description="Change the given privacy settings (the others stay).")
    async def update_privacy(self, info: Info, changes: PrivacyInput) -> Privacy:
        ctx = info.context
        change = PrivacyChange(**strawberry.asdict(changes))  # type: ignore[arg-type]
        return Privacy.from_domain(await ctx.services.privacy.update(ctx.principal(), change))

    @strawberry.mutation(description="Block an athlete: they see nothing of the caller's.")
    async def block_athlete(self, info: Info, athlete_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.privacy.block(ctx.principal(), athlete_id)
        return True

    @strawberry.mutation
    async def unblock_athlete(self, info: Info, athlete_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.privacy.unblock(ctx.principal(), athlete_id)
        return True

    @strawberry.mutation(description="Approve (they follow the caller) or decline a request.")
    async def answer_follow_request(self, info: Info, athlete_id: uuid.UUID, approve: bool) -> bool:
        ctx = info.context
        await ctx.services.social.answer_follow_request(
            ctx.principal(), athlete_id, approve=approve
        )
        return True

    @strawberry.mutation(
        description="Give kudos to an activity the caller may see (once: again changes"
        " nothing); its athlete is told. NOT_FOUND for an activity hidden from the caller."
    )
    async def give_kudos(self, info: Info, activity_id: uuid.UUID) -> Activity:
        ctx = info.context
        await ctx.services.reactions.give_kudos(ctx.principal(), activity_id)
        return Activity.from_domain(
            await ctx.services.activities.activity(ctx.principal(), activity_id)
        )

    @strawberry.mutation(description="Take back the caller's kudos (none: nothing changes).")
    async def take_back_kudos(self, info: Info, activity_id: uuid.UUID) -> Activity:
        ctx = info.context
        await ctx.services.reactions.take_back_kudos(ctx.principal(), activity_id)
        return Activity.from_domain(
            await ctx.services.activities.activity(ctx.principal(), activity_id)
        )

    @strawberry.mutation(
        description="Comment on an activity the caller may see (1 to 2,000 characters);"
        " its athlete is told, and each athlete an `@handle` names (the display name without"
        " spaces) who may see the activity."
    )
    async def add_comment(self, info: Info, activity_id: uuid.UUID, body: str) -> Comment:
        ctx = info.context
        return Comment.from_domain(
            await ctx.services.reactions.add_comment(ctx.principal(), activity_id, body)
        )

    @strawberry.mutation(description="Change the text of the caller's own comment.")
    async def edit_comment(self, info: Info, comment_id: uuid.UUID, body: str) -> Comment:
        ctx = info.context
        return Comment.from_domain(
            await ctx.services.reactions.edit_comment(ctx.principal(), comment_id, body)
        )

    @strawberry.mutation(
        description="Delete a comment: the caller's own, or one on the caller's activity."
    )
    async def delete_comment(self, info: Info, comment_id: uuid.UUID) -> bool:
        ctx = info.context
        await ctx.services.reactions.delete_comment(ctx.principal(), comment_id)
        return True
