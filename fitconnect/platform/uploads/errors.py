"""Why an upload is refused at once, or why the worker could not read it."""

from __future__ import annotations

from fitconnect.errors import FitConnectError


class UploadError(FitConnectError):
    """Base of the uploads context's errors."""


class UploadNotFoundError(UploadError):
    """No upload of that id for this caller."""


class UploadTooLargeError(UploadError):
    """The file is over the size limit (compressed, or once decompressed)."""


class UnsupportedFileError(UploadError):
    """Not a FIT, TCX or GPX file (plain or gzip), or an empty one."""


class UnreadableFileError(UploadError):
    """The worker could not make an activity of the file; ``code`` says why (stable)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
