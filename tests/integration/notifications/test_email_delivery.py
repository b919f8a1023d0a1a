"""E-mail delivery of notifications to a real SMTP server (aiosmtpd, in this process)."""

import asyncio
import email
import email.policy
import logging
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Account, Role
from fitconnect.platform.auth.service import AuthService, TokenPolicy
from fitconnect.platform.db import open_pool
from fitconnect.platform.notifications.service import NotificationService
from fitconnect.platform.notifications.worker import run_notification_worker
from fitconnect.runtime.ports import free_port
from fitconnect.settings import DatabaseSettings, SmtpSettings
from tests import waiting

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


class Received:
    """An aiosmtpd handler that keeps every message: (recipients, message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(  # noqa: N802 - the hook name aiosmtpd calls
        self, _server: SMTP, _session: Session, envelope: Envelope
    ) -> str:
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if rcpt == [address]]


@contextmanager
def smtp_server(port: int) -> Iterator[Received]:
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield received
    finally:
        controller.stop()


def smtp_settings(port: int, **overrides: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from_address": "FitConnect <no-reply@fitconnect.test>",
        "timeout_s": 2.0,
        "backoff_base_s": 0.2,
        "backoff_max_s": 0.4,
    }
    return SmtpSettings.model_validate(values | overrides)


@asynccontextmanager
async def running_worker(database_url: str, smtp: SmtpSettings) -> AsyncIterator[None]:
    stop = asyncio.Event()
    pool = await open_pool(database_url, DatabaseSettings())
    task = asyncio.create_task(run_notification_worker(pool, stop, smtp, poll_s=0.05))
    try:
        yield
    finally:
        stop.set()
        await task
        await pool.close()


async def eventually(check: Callable[[], object], timeout_s: float = 15.0) -> None:
    await waiting.eventually(lambda: _holds(check), timeout_s, "the notification condition")


async def later_rounds_done(pool: AsyncConnectionPool, received: Received, count: int) -> None:
    """Until the welcome e-mails of ``count`` accounts registered now are delivered: the
    workers have run rounds since (what they did not send by then, they did not send)."""
    addresses = [f"marker-{uuid.uuid4().hex[:8]}@example.com" for _ in range(count)]
    for address in addresses:
        await register(pool, address, "Marker")
    await eventually(lambda: all(received.to(a) for a in addresses))


async def _holds(check: Callable[[], object]) -> bool:
    result = check()
    if asyncio.iscoroutine(result):
        result = await result
    return bool(result)


async def register(pool: AsyncConnectionPool, address: str, name: str) -> Account:
    auth = AuthService(pool, TokenPolicy("t" * 40, 900, 3600))
    return await auth.register(address, PASSWORD, name, Role.ATHLETE)


async def outbox_row(pool: AsyncConnectionPool, account: Account) -> tuple[object, ...]:
    """The account's e-mail delivery: (sent_at, attempts, error, given up); before the
    worker dispatched the notification, an e-mail not tried yet."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT d.sent_at, d.attempts, d.error, d.status = 'dead'"
            " FROM notifications.deliveries d JOIN notifications.outbox o ON o.id = d.outbox_id"
            " WHERE o.account_id = %s AND d.channel = 'email'",
            (account.id,),
        )
        row = await cur.fetchone()
    return (None, 0, None, False) if row is None else row


async def test_the_welcome_notification_is_emailed_to_the_account(
    pool: AsyncConnectionPool, database_url: str
) -> None:
    port = free_port()
    with smtp_server(port) as received:
        account = await register(pool, "grace@example.com", "Grace")
        async with running_worker(database_url, smtp_settings(port)):
            await eventually(lambda: received.to("grace@example.com"))

    [message] = received.to("grace@example.com")
    assert message["To"] == "grace@example.com"
    assert message["From"] == "FitConnect <no-reply@fitconnect.test>"
    assert message["Subject"] == "Welcome to FitConnect, Grace!"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None
    assert "Register a device" in text.get_content()
    assert html is not None
    assert "<h1" in html.get_content()
    assert "Welcome to FitConnect, Grace!" in html.get_content()
    emailed_at, attempts, error, _ = await outbox_row(pool, account)
    assert emailed_at is not None
    assert (attempts, error) == (1, None)


async def test_smtp_down_delays_only_the_email_which_is_retried_and_sent_once(
    pool: AsyncConnectionPool, database_url: str
) -> None:
    port = free_port()  # nothing listens here yet: the mail server is down
    account = await register(pool, "hopper@example.com", "Hopper")
    smtp = smtp_settings(port)
    # Two workers at once: each outbox row is still e-mailed by only one of them.
    async with running_worker(database_url, smtp), running_worker(database_url, smtp):
        await eventually(lambda: _inbox_size(pool, account))
        await eventually(lambda: _failed_attempts(pool, account, at_least=2))
        emailed_at, _, error, _ = await outbox_row(pool, account)
        assert emailed_at is None
        assert "Connect" in str(error)

        with smtp_server(port) as received:
            await eventually(lambda: received.to("hopper@example.com"))
            await later_rounds_done(pool, received, 6)

    assert len(received.to("hopper@example.com")) == 1
    emailed_at, _, error, _ = await outbox_row(pool, account)
    assert emailed_at is not None
    assert error is None


async def test_an_email_is_given_up_after_max_attempts(
    pool: AsyncConnectionPool, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    account = await register(pool, "lovelace@example.com", "Lovelace")
    smtp = smtp_settings(port, max_attempts=2)
    with caplog.at_level(logging.WARNING, "fitconnect.platform.notifications"):
        async with running_worker(database_url, smtp):
            await eventually(lambda: _given_up(pool, account))
            with smtp_server(port) as received:
                await later_rounds_done(pool, received, 1)

    assert received.to("lovelace@example.com") == []
    emailed_at, attempts, _, _ = await outbox_row(pool, account)
    assert (emailed_at, attempts) == (None, 2)
    assert any("gave up delivering notification" in r.getMessage() for r in caplog.records)


async def test_a_mail_server_that_never_answers_does_not_hold_up_the_inbox(
    pool: AsyncConnectionPool, database_url: str
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never says a word
        port = silent.getsockname()[1]
        account = await register(pool, "turing@example.com", "Turing")
        async with running_worker(database_url, smtp_settings(port, timeout_s=3.0)):
            await eventually(lambda: _inbox_size(pool, account), timeout_s=2.0)
            emailed_at, attempts, _, _ = await outbox_row(pool, account)
            assert (emailed_at, attempts) == (None, 0)  # the e-mail is still waiting


async def _inbox_size(pool: AsyncConnectionPool, account: Account) -> int:
    return len((await NotificationService(pool).inbox(account.id)).items)


async def _failed_attempts(pool: AsyncConnectionPool, account: Account, at_least: int) -> bool:
    _, attempts, _, _ = await outbox_row(pool, account)
    assert isinstance(attempts, int)
    return attempts >= at_least


async def _given_up(pool: AsyncConnectionPool, account: Account) -> bool:
    *_, given_up = await outbox_row(pool, account)
    return given_up is True
