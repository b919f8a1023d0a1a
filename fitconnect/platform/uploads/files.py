"""What a file is (FIT, TCX or GPX; plain or gzip) and its bytes, decompressed with a bound.

A gzip member can expand a thousandfold (a "zip bomb"): the file is inflated in chunks and
refused once it passes ``MAX_DECOMPRESSED_BYTES``, never inflated whole first. The format is
told from the content (a FIT header's ``.FIT``, the XML root element), not from the name.
"""

from __future__ import annotations

import zlib

from fitconnect.platform.uploads.errors import UnsupportedFileError, UploadTooLargeError
from fitconnect.platform.uploads.models import FileFormat

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""The largest file accepted as sent (compressed or not)."""
MAX_DECOMPRESSED_BYTES = 200 * 1024 * 1024
"""The largest a gzip file may become (a day-long 1 Hz FIT file is a few MB)."""

_GZIP = b"\x1f\x8b"
_SNIFF = 64 * 1024


def is_gzip(data: bytes) -> bool:
    return data[:2] == _GZIP


def inflate(data: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """``data`` itself, or decompressed when gzip; ``UploadTooLargeError`` past ``limit``."""
    if not is_gzip(data):
        return data
    out = bytearray()
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    pending = data
    try:
        while pending and not inflater.eof:
            out += inflater.decompress(pending, 1024 * 1024)
            if len(out) > limit:
                raise UploadTooLargeError(f"the file decompresses to more than {limit:,} bytes")
            pending = inflater.unconsumed_tail
        out += inflater.flush()
    except zlib.error as exc:
        raise UnsupportedFileError(f"not a readable gzip file ({exc})") from exc
    if len(out) > limit:
        raise UploadTooLargeError(f"the file decompresses to more than {limit:,} bytes")
    if not inflater.eof:
        raise UnsupportedFileError("the gzip file is truncated")
    return bytes(out)


def head(data: bytes) -> bytes:
    """The first bytes of the (decompressed) file: enough to tell its format."""
    if not is_gzip(data):
        return data[:_SNIFF]
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(data, _SNIFF)
    except zlib.error as exc:
        raise UnsupportedFileError(f"not a readable gzip file ({exc})") from exc


def file_format(start: bytes) -> FileFormat:
    """The format of a file that begins with ``start`` (decompressed)."""
    if len(start) >= 12 and start[0] in (12, 14) and start[8:12] == b".FIT":
        return FileFormat.FIT
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<trainingcenterdatabase" in text:
            return FileFormat.TCX
        if b"<gpx" in text:
            return FileFormat.GPX
    raise UnsupportedFileError("not a FIT, TCX or GPX file (plain or gzip)")
