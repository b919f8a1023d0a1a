"""Types of the auth context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    ATHLETE = "athlete"
    COACH = "coach"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Account:
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    role: Role
    display_name: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts for, from a verified access token."""

    account_id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in_s: int


@dataclass(frozen=True, slots=True)
class Tenant:
    id: uuid.UUID
    slug: str
    name: str
    owner_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class Invitation:
    """Who may join a tenant, with which role; its token is shown once, at creation."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role
    email: str | None
    created_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewInvitation:
    invitation: Invitation
    token: str
