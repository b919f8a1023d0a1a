"""Which database and broker a process uses: the configured ones, else embedded ones.

``fitconnect up`` records the embedded broker it started in ``<data_dir>/runtime.json`` so that
other commands on the same machine (``ingest``, ``doctor``) find it without configuration.
"""

from __future__ import annotations

import json
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from fitconnect.platform.db.urls import redacted
from fitconnect.runtime import broker_users
from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.runtime.embedded_postgres import EmbeddedPostgres
from fitconnect.runtime.errors import StartupError
from fitconnect.runtime.ports import is_listening
from fitconnect.settings import Settings


def ensure_writable(data_dir: Path) -> None:
    """Create ``data_dir`` if needed and check that files can be written in it."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as exc:
        raise StartupError(
            f"the data directory {data_dir} is not writable ({exc.strerror or exc}): "
            "set FITCONNECT_DATA_DIR to a folder this user can write"
        ) from exc


def check_database(url: str) -> None:
    """Connect once to the configured database; a refusal becomes one sentence."""
    try:
        with psycopg.connect(url, connect_timeout=10):
            pass
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split())
        raise StartupError(
            f"the database {redacted(url)} refuses the connection ({reason}): start it, or "
            "correct FITCONNECT_DATABASE_URL (unset, an embedded PostgreSQL is used)"
        ) from exc


def embedded_pgdata(settings: Settings) -> Path:
    return settings.data_dir / "postgres"


def runtime_file(settings: Settings) -> Path:
    return settings.data_dir / "runtime.json"


def running_broker_url(settings: Settings) -> str | None:
    """The broker a running ``fitconnect up`` started, if it still listens."""
    path = runtime_file(settings)
    if not path.exists():
        return None
    url = str(json.loads(path.read_text()).get("mqtt_url", ""))
    parts = urlsplit(url)
    if parts.hostname and parts.port and is_listening(parts.hostname, parts.port):
        return url
    return None


@dataclass
class Services:
    """The endpoints in use and the embedded processes this process owns (closed on exit)."""

    database_url: str
    mqtt_url: str | None
    embedded_postgres: EmbeddedPostgres | None = None
    embedded_broker: EmbeddedBroker | None = None
    # An authenticated embedded broker: where its passwd/acl live (the gateway rewrites them)
    # and the URL of the simulator's own user.
    mqtt_auth_dir: Path | None = None
    simulator_mqtt_url: str | None = None
    _stack: ExitStack = field(default_factory=ExitStack, repr=False)

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start_services(settings: Settings, *, broker: bool = False) -> Services:
    """Resolve the database (starting the embedded one if needed) and, when asked, the broker.

    With ``broker=True`` and no ``FITCONNECT_MQTT_URL`` and no running ``fitconnect up``, an
    embedded broker is started and owned by the returned object.
    """
    stack = ExitStack()
    try:
        pg: EmbeddedPostgres | None = None
        database_url = settings.database_url
        if database_url is None:
            ensure_writable(settings.data_dir)
            pg = stack.enter_context(EmbeddedPostgres.start(embedded_pgdata(settings)))
            database_url = pg.url
        else:
            check_database(database_url)
        embedded_broker: EmbeddedBroker | None = None
        mqtt_url = settings.mqtt_url or running_broker_url(settings)
        auth_dir: Path | None = None
        simulator_url: str | None = None
        if broker and mqtt_url is None:
            ensure_writable(settings.data_dir)
            folder = settings.data_dir / "broker"
            users = broker_users.prepare(folder)
            embedded_broker = stack.enter_context(EmbeddedBroker.start(folder, authenticated=True))
            host, port = embedded_broker.host, embedded_broker.port
            mqtt_url = users.url(broker_users.READER, host, port)
            simulator_url = users.url(broker_users.SIMULATOR, host, port)
            auth_dir = folder
    except BaseException:
        stack.close()  # what did start stops again
        raise
    return Services(
        database_url, mqtt_url, pg, embedded_broker, auth_dir, simulator_url, _stack=stack
    )
