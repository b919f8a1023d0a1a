"""Structured logs: JSON lines in production, readable lines in development.

Every line carries the service name, and the tenant and correlation id of the work at hand
when there is one (``log_context``), so one telemetry batch can be followed from the edge agent
(which sets ``corr`` in the batch) through ingest to the database.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_tenant: contextvars.ContextVar[str | None] = contextvars.ContextVar("tenant", default=None)
_corr: contextvars.ContextVar[str | None] = contextvars.ContextVar("corr", default=None)


@contextmanager
def log_context(*, tenant: str | None = None, corr: str | None = None) -> Iterator[None]:
    """Within the block, log lines carry this tenant and correlation id."""
    tokens = (_tenant.set(tenant), _corr.set(corr))
    try:
        yield
    finally:
        _tenant.reset(tokens[0])
        _corr.reset(tokens[1])


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.tenant = _tenant.get()
        record.corr = _corr.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": getattr(record, "service", None),
            "logger": record.name,
            "msg": record.getMessage(),
            "tenant": getattr(record, "tenant", None),
            "corr": getattr(record, "corr", None),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps({k: v for k, v in line.items() if v is not None})


def configure_logging(service: str, level: str, *, json_lines: bool) -> None:
    """Set up the root logger once per process (called from the composition root)."""
    handler = logging.StreamHandler()
    handler.addFilter(_ContextFilter(service))
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(service)s %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
