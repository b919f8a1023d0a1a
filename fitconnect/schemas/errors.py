"""Errors of the wire contract (``schemas`` imports nothing else of FitConnect)."""


class WireError(ValueError):
    """A topic or payload that does not follow the wire contract; ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
