"""Errors of the users context's avatars."""

from fitconnect.errors import FitConnectError


class AvatarError(FitConnectError):
    """Base of the avatar errors."""


class InvalidAvatarError(AvatarError):
    """Not a PNG, JPEG or WebP image, or not the type the upload said it was."""


class AvatarTooLargeError(AvatarError):
    """An image over the size limit."""


class NoAvatarError(AvatarError):
    """This account has no avatar."""
