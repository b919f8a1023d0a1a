"""Errors of the devices context."""

from fitconnect.errors import FitConnectError


class DeviceError(FitConnectError):
    """Base of the devices context's errors."""


class DeviceNotFoundError(DeviceError):
    """No such device for this athlete (another athlete's device is 'not found' too)."""
