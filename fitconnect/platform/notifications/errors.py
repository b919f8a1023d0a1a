"""Errors of the notifications context's e-mail delivery."""

from fitconnect.errors import FitConnectError


class EmailError(FitConnectError):
    """An e-mail that was not sent."""


class MailServerUnavailableError(EmailError):
    """The mail server cannot be reached or used now (down, slow, TLS or login failing)."""


class EmailRefusedError(EmailError):
    """The mail server, or we, refused this one message (its recipient, its content)."""


class NotificationError(FitConnectError):
    """A notification that cannot be queued or rendered."""


class NotificationDataError(NotificationError):
    """The data given for a notification is not a small JSON object of template variables."""


class TemplateError(NotificationError):
    """A kind's template cannot be rendered with a notification's data (a missing variable)."""
