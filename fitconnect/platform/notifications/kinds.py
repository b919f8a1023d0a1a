"""The kinds of notification, and what each is by default: urgent, noisy, its channels.

A kind is a contract with the context that raises it: the ``data`` it passes to ``enqueue``
holds the variables that kind's templates use (``docs/notifications.md`` lists them).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class NotificationKind(StrEnum):
    """What a notification is about."""

    WELCOME = "welcome"
    COACH_INVITE = "coach_invite"
    COACH_ACCEPTED = "coach_accepted"
    COACH_REVOKED = "coach_revoked"
    NEW_FOLLOWER = "new_follower"
    FOLLOW_REQUEST = "follow_request"
    KUDOS = "kudos"
    COMMENT = "comment"
    MENTION = "mention"
    CLUB_JOIN_REQUEST = "club_join_request"
    BADGE_EARNED = "badge_earned"
    LEVEL_UP = "level_up"
    STREAK_AT_RISK = "streak_at_risk"
    FTP_UP = "ftp_up"
    PERSONAL_RECORD = "personal_record"
    WORKOUT_PLANNED_TODAY = "workout_planned_today"
    GEAR_NEAR_RETIREMENT = "gear_near_retirement"
    ORDER_PAID = "order_paid"
    PAYMENT_FAILED = "payment_failed"
    STOCK_BACK = "stock_back"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a kind's name, not a password
    NEW_SIGN_IN = "new_sign_in"
    CAMPAIGN = "campaign"


class Channel(StrEnum):
    """Where a notification is delivered."""

    IN_APP = "in_app"
    EMAIL = "email"
    WEB_PUSH = "web_push"
    MOBILE_PUSH = "mobile_push"


_ALL = frozenset(Channel)
_NO_EMAIL = frozenset({Channel.IN_APP, Channel.WEB_PUSH, Channel.MOBILE_PUSH})


@dataclass(frozen=True, slots=True)
class KindRules:
    """What a kind's data holds, and how it is delivered unless the athlete chose otherwise."""

    variables: tuple[str, ...]
    """The template variables the raising context puts in ``data``."""
    channels: frozenset[Channel]
    """The channels on by default."""
    urgent: bool = False
    """Sent during quiet hours too (security, payment trouble): it cannot wait."""
    digestible: bool = False
    """Noisy: the athlete may take it as one daily digest instead of one by one."""


RULES: dict[NotificationKind, KindRules] = {
    NotificationKind.WELCOME: KindRules(
        ("display_name",), frozenset({Channel.IN_APP, Channel.EMAIL})
    ),
    NotificationKind.COACH_INVITE: KindRules(("coach_name",), _ALL),
    NotificationKind.COACH_ACCEPTED: KindRules(("athlete_name",), _ALL),
    NotificationKind.COACH_REVOKED: KindRules(("other_name",), _ALL),
    NotificationKind.NEW_FOLLOWER: KindRules(("follower_name",), _NO_EMAIL),
    NotificationKind.FOLLOW_REQUEST: KindRules(("follower_name",), _ALL),
    NotificationKind.KUDOS: KindRules(("from_name", "activity_title"), _NO_EMAIL, digestible=True),
    NotificationKind.COMMENT: KindRules(
        ("from_name", "activity_title", "excerpt"), _NO_EMAIL, digestible=True
    ),
    NotificationKind.MENTION: KindRules(("from_name", "excerpt"), _NO_EMAIL),
    NotificationKind.CLUB_JOIN_REQUEST: KindRules(("requester_name", "club_name"), _ALL),
    NotificationKind.BADGE_EARNED: KindRules(("badge_name",), _NO_EMAIL),
    NotificationKind.LEVEL_UP: KindRules(("level",), _NO_EMAIL),
    NotificationKind.STREAK_AT_RISK: KindRules(("streak_days",), _NO_EMAIL),
    NotificationKind.FTP_UP: KindRules(("old_ftp_w", "new_ftp_w"), _ALL),
    NotificationKind.PERSONAL_RECORD: KindRules(("record", "value"), _NO_EMAIL),
    NotificationKind.WORKOUT_PLANNED_TODAY: KindRules(("workout_title",), _NO_EMAIL),
    NotificationKind.GEAR_NEAR_RETIREMENT: KindRules(
        ("gear_name", "distance_km", "limit_km"), _ALL
    ),
    NotificationKind.ORDER_PAID: KindRules(
        ("order_number", "total"), frozenset({Channel.IN_APP, Channel.EMAIL})
    ),
    NotificationKind.PAYMENT_FAILED: KindRules(("order_number", "reason"), _ALL, urgent=True),
    NotificationKind.STOCK_BACK: KindRules(("product_name",), _ALL),
    NotificationKind.PASSWORD_CHANGED: KindRules((), _ALL, urgent=True),
    NotificationKind.NEW_SIGN_IN: KindRules(("device", "address"), _ALL, urgent=True),
    NotificationKind.CAMPAIGN: KindRules(
        ("subject", "text"), frozenset({Channel.IN_APP, Channel.EMAIL})
    ),
}
