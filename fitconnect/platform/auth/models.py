"""Types of the auth context."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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
