"""Errors of the social context."""

from fitconnect.errors import FitConnectError


class ClubNotFoundError(FitConnectError):
    """No club with that id in the caller's tenant."""


class AthleteNotFoundError(FitConnectError):
    """No athlete with that id in the caller's tenant."""


class ClubNameTakenError(FitConnectError):
    """The tenant already has a club of that name."""


class InvalidClubNameError(FitConnectError):
    """A club name has 1 to 100 characters."""


class NotAClubMemberError(FitConnectError):
    """Only a club's members see its leaderboard."""


class ActivityNotFoundError(FitConnectError):
    """No activity with that id that the caller may see (another tenant's, hidden, blocked)."""


class NotActivityOwnerError(FitConnectError):
    """Only an activity's athlete changes it."""


class InvalidActivityError(FitConnectError):
    """A title of 1 to 120 characters, a description of at most 5,000, a known visibility."""


class InvalidFeedCursorError(FitConnectError):
    """A cursor this list did not hand out to this caller (tampered, or of another list)."""


class BlockedError(FitConnectError):
    """A block stands between the caller and the athlete: no follow, kudos or comment."""


class InvalidPrivacyError(FitConnectError):
    """A privacy setting out of range (a zone of 0 to 10 km around a real place)."""


class InvalidCommentError(FitConnectError):
    """A comment has 1 to 2,000 characters (not only spaces)."""


class CommentNotFoundError(FitConnectError):
    """No comment with that id on an activity the caller may see."""


class NotCommentAuthorError(FitConnectError):
    """Only a comment's author edits it; only they or the activity's athlete delete it."""


class InvalidSearchError(FitConnectError):
    """A search has 1 to 200 characters."""
