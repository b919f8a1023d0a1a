"""The root of FitConnect's typed error tree; each part subclasses it."""


class FitConnectError(Exception):
    """Base of every error FitConnect raises on purpose."""


class ConfigurationError(FitConnectError):
    """The settings cannot be used as given (a default secret in production, a bad URL)."""
