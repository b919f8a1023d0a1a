"""Errors of the GATT decoders (the edge imports nothing of the server's error tree)."""


class DecodeError(ValueError):
    """A payload that does not hold what its flags announce, or an unknown characteristic."""

    def __init__(self, characteristic: str, offset: int, reason: str) -> None:
        super().__init__(f"0x{characteristic}: {reason} at byte {offset}")
        self.characteristic = characteristic
        self.offset = offset
        self.reason = reason
