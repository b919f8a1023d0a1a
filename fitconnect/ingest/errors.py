"""Ingest's errors."""

from fitconnect.errors import FitConnectError


class IngestError(FitConnectError):
    """Base of ingest's errors."""


class MessageRejectedError(IngestError):
    """A message that must not be stored: it goes to the dead-letter table with ``reason``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
