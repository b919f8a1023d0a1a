"""XML from outside never declares a DTD: TCX and GPX need none, and a DTD is how entity
expansion ("billion laughs") and external entities get in."""

from __future__ import annotations

from fitconnect.platform.uploads.errors import UnreadableFileError


def refuse_dtd(data: bytes) -> None:
    lowered = data[:1_000_000].lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise UnreadableFileError("CORRUPT_FILE", "the XML declares a DTD, which is not allowed")
