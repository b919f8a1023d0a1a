"""Profiles and people: ``profile``, ``updateProfile``; the account summary other types link to."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry

from fitconnect.gateway.graphql.context import Info
from fitconnect.gateway.graphql.same_fields import SameFields
from fitconnect.platform.auth.models import Role
from fitconnect.platform.users import directory
from fitconnect.platform.users.service import ProfileChange


@strawberry.type
class Profile(SameFields):
    display_name: str
    birth_date: date | None
    sex: str | None
    weight_kg: float | None
    hr_max_bpm: int | None
    hr_rest_bpm: int | None
    ftp_w: int | None
    units: str
    avatar_url: str | None


@strawberry.input
class ProfileInput:
    display_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    weight_kg: float | None = None
    hr_max_bpm: int | None = None
    hr_rest_bpm: int | None = None
    ftp_w: int | None = None
    units: str | None = None


@strawberry.type
class AccountSummary:
    id: uuid.UUID
    display_name: str
    role: Role

    @classmethod
    def from_domain(cls, a: directory.AccountSummary) -> AccountSummary:
        return cls(id=a.id, display_name=a.display_name, role=Role(a.role))


def summary(found: directory.AccountSummary | None) -> AccountSummary | None:
    return AccountSummary.from_domain(found) if found else None


@strawberry.type
class UsersQuery:
    @strawberry.field(description="The caller's profile.")
    async def profile(self, info: Info) -> Profile:
        ctx = info.context
        return Profile.from_domain(await ctx.services.users.profile(ctx.principal()))


@strawberry.type
class UsersMutation:
    @strawberry.mutation(description="Change the given profile fields (the others stay).")
    async def update_profile(self, info: Info, changes: ProfileInput) -> Profile:
        ctx = info.context
        change = ProfileChange(**strawberry.asdict(changes))  # type: ignore[arg-type]
        return Profile.from_domain(await ctx.services.users.update(ctx.principal(), change))
