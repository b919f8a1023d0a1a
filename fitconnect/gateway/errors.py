"""Domain errors as the API shows them: a stable code and an HTTP status."""

from __future__ import annotations

from fitconnect.errors import FitConnectError
from fitconnect.platform.auth.errors import (
    EmailTakenError,
    InvalidCredentialsError,
    InvalidEmailError,
    InvalidInvitationError,
    InvalidTenantError,
    InvalidTokenError,
    NotTenantAdminError,
    OwnerCannotLeaveError,
    RateLimitedError,
    RoleNotAllowedError,
    TenantTakenError,
    WeakPasswordError,
)
from fitconnect.platform.coaching.errors import (
    NoSuchAthleteError,
    NoSuchInvitationError,
    NotACoachError,
    ReadForbiddenError,
)
from fitconnect.platform.devices.errors import DeviceNotFoundError
from fitconnect.platform.gamification.errors import UnknownLeaderboardError
from fitconnect.platform.inventory.errors import (
    InsufficientStockError,
    InvalidCatalogueError,
    InvalidQuantityError,
    LocationNotFoundError,
    NotInventoryAdminError,
    ReservationClosedError,
    ReservationNotFoundError,
    UnknownSkuError,
)
from fitconnect.platform.social.errors import (
    ActivityNotFoundError,
    AthleteNotFoundError,
    BlockedError,
    ClubNameTakenError,
    ClubNotFoundError,
    CommentNotFoundError,
    InvalidActivityError,
    InvalidClubNameError,
    InvalidCommentError,
    InvalidFeedCursorError,
    InvalidPrivacyError,
    InvalidSearchError,
    NotAClubMemberError,
    NotActivityOwnerError,
    NotCommentAuthorError,
)
from fitconnect.platform.training.errors import (
    ReportNotFoundError,
    SessionNotFoundError,
    UnknownReportKindError,
)
from fitconnect.platform.uploads.errors import (
    UnsupportedFileError,
    UploadNotFoundError,
    UploadTooLargeError,
)
from fitconnect.platform.users.errors import (
    AvatarTooLargeError,
    InvalidAvatarError,
    NoAvatarError,
)
from fitconnect.platform.users.service import InvalidProfileError
from fitconnect.platform.workouts.errors import PlannedWorkoutNotFoundError, WorkoutError


class UnauthenticatedError(FitConnectError):
    """No valid access token on a request that needs one."""


class ForbiddenError(FitConnectError):
    """Authenticated, but not allowed."""


class UnknownParameterError(FitConnectError):
    """A query parameter the route does not take."""


class InvalidCursorError(FitConnectError):
    """A cursor the list did not hand out, or a page asked for from both ends."""


_CODES: list[tuple[type[Exception], str, int]] = [
    (InvalidCursorError, "VALIDATION", 422),
    (UnknownParameterError, "VALIDATION", 422),
    (UnauthenticatedError, "UNAUTHENTICATED", 401),
    (InvalidTokenError, "UNAUTHENTICATED", 401),
    (InvalidCredentialsError, "UNAUTHENTICATED", 401),
    (RateLimitedError, "RATE_LIMITED", 429),
    (ForbiddenError, "FORBIDDEN", 403),
    (RoleNotAllowedError, "FORBIDDEN", 403),
    (DeviceNotFoundError, "NOT_FOUND", 404),
    (ReportNotFoundError, "NOT_FOUND", 404),
    (SessionNotFoundError, "NOT_FOUND", 404),
    (ClubNotFoundError, "NOT_FOUND", 404),
    (AthleteNotFoundError, "NOT_FOUND", 404),
    (NotAClubMemberError, "FORBIDDEN", 403),
    (ActivityNotFoundError, "NOT_FOUND", 404),
    (NotActivityOwnerError, "FORBIDDEN", 403),
    (BlockedError, "BLOCKED", 403),
    (InvalidActivityError, "VALIDATION", 422),
    (CommentNotFoundError, "NOT_FOUND", 404),
    (NotCommentAuthorError, "FORBIDDEN", 403),
    (InvalidCommentError, "VALIDATION", 422),
    (InvalidSearchError, "VALIDATION", 422),
    (InvalidFeedCursorError, "VALIDATION", 422),
    (InvalidPrivacyError, "VALIDATION", 422),
    (ClubNameTakenError, "VALIDATION", 422),
    (InvalidClubNameError, "VALIDATION", 422),
    (UnknownLeaderboardError, "VALIDATION", 422),
    (UnknownReportKindError, "VALIDATION", 422),
    (ReadForbiddenError, "FORBIDDEN", 403),
    (NotACoachError, "FORBIDDEN", 403),
    (NoSuchAthleteError, "NOT_FOUND", 404),
    (NoSuchInvitationError, "NOT_FOUND", 404),
    (EmailTakenError, "VALIDATION", 422),
    (InvalidEmailError, "VALIDATION", 422),
    (WeakPasswordError, "WEAK_PASSWORD", 422),
    (InvalidTenantError, "VALIDATION", 422),
    (TenantTakenError, "INVITATION_REQUIRED", 403),
    (InvalidInvitationError, "INVALID_INVITATION", 403),
    (NotTenantAdminError, "FORBIDDEN", 403),
    (OwnerCannotLeaveError, "VALIDATION", 422),
    (InvalidProfileError, "VALIDATION", 422),
    (InvalidAvatarError, "VALIDATION", 422),
    (AvatarTooLargeError, "TOO_LARGE", 413),
    (NoAvatarError, "NOT_FOUND", 404),
    (PlannedWorkoutNotFoundError, "NOT_FOUND", 404),
    (WorkoutError, "VALIDATION", 422),
    (UploadNotFoundError, "NOT_FOUND", 404),
    (UploadTooLargeError, "TOO_LARGE", 413),
    (UnsupportedFileError, "UNSUPPORTED_FILE", 422),
    (UnknownSkuError, "UNKNOWN_SKU", 422),
    (InvalidQuantityError, "INVALID_QUANTITY", 422),
    (InvalidCatalogueError, "VALIDATION", 422),
    (InsufficientStockError, "INSUFFICIENT_STOCK", 409),
    (LocationNotFoundError, "NOT_FOUND", 404),
    (ReservationNotFoundError, "NOT_FOUND", 404),
    (ReservationClosedError, "RESERVATION_CLOSED", 409),
    (NotInventoryAdminError, "FORBIDDEN", 403),
]


def code_of(error: Exception) -> tuple[str, int]:
    """The stable code and HTTP status of a domain error (INTERNAL for anything else)."""
    for kind, code, status in _CODES:
        if isinstance(error, kind):
            return code, status
    return "INTERNAL", 500
