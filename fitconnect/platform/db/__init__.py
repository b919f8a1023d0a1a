"""PostgreSQL access: the async pool, versioned migrations and TimescaleDB detection."""

from fitconnect.platform.db.migrations_runner import current_revision, upgrade
from fitconnect.platform.db.pool import open_pool
from fitconnect.platform.db.schemas import SERVICE_SCHEMAS
from fitconnect.platform.db.timescale import TimescaleStatus, timescale_status

__all__ = [
    "SERVICE_SCHEMAS",
    "TimescaleStatus",
    "current_revision",
    "open_pool",
    "timescale_status",
    "upgrade",
]
