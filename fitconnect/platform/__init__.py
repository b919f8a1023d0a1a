"""The platform: one subpackage per bounded context, plus ``db`` and ``storage``."""
