"""The e-mail channel: each notification to its account's address through the SMTP server."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import parseaddr

import aiosmtplib
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.notifications.delivery import Outcome, Outgoing, RetryPolicy
from fitconnect.platform.notifications.errors import (
    EmailError,
    EmailRefusedError,
    MailServerUnavailableError,
)
from fitconnect.platform.notifications.kinds import Channel
from fitconnect.platform.notifications.templates import email_html
from fitconnect.platform.users.service import email_addresses
from fitconnect.settings import SmtpSettings

# Connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA: each may take up to ``timeout_s``.
_STEPS_PER_SEND = 8


def send_deadline_s(settings: SmtpSettings) -> float:
    """The longest one ``SmtpMailer.send`` takes before it gives up."""
    return settings.timeout_s * _STEPS_PER_SEND


class SmtpMailer:
    """Sends each message on its own connection (notifications are few and far between)."""

    def __init__(self, settings: SmtpSettings) -> None:
        if settings.host is None:
            raise ValueError("e-mail is off: no SMTP host is configured")
        self._settings = settings
        self._host = settings.host

    async def send(self, to: str, notification_id: int, subject: str, body: str) -> None:
        """Send one notification; ``MailServerUnavailableError`` or ``EmailRefusedError``."""
        s = self._settings
        message = self._message(to, notification_id, subject, body)
        try:
            async with asyncio.timeout(send_deadline_s(s)):
                await aiosmtplib.send(
                    message,
                    hostname=self._host,
                    port=s.port,
                    username=s.username,
                    password=s.password.get_secret_value() if s.password else None,
                    use_tls=s.security == "ssl",
                    start_tls=s.security == "starttls",
                    timeout=s.timeout_s,
                )
        except (OSError, aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPNotSupported) as exc:
            # OSError covers refused connections, timeouts and disconnects.
            raise MailServerUnavailableError(_describe(exc)) from exc
        except (aiosmtplib.SMTPException, ValueError) as exc:
            raise EmailRefusedError(_describe(exc)) from exc

    def _message(self, to: str, notification_id: int, subject: str, body: str) -> EmailMessage:
        domain = parseaddr(self._settings.from_address)[1].rpartition("@")[2] or "fitconnect"
        message = EmailMessage()
        message["From"] = self._settings.from_address
        message["To"] = to
        message["Subject"] = subject
        # The same id on every attempt: a receiver can drop a repeat.
        message["Message-ID"] = f"<notification-{notification_id}@{domain}>"
        message.set_content(body)
        message.add_alternative(email_html(subject, body), subtype="html")
        return message


def email_policy(settings: SmtpSettings) -> RetryPolicy:
    """Claimed e-mails stay leased longer than the slowest round takes."""
    return RetryPolicy(
        batch_size=settings.batch_size,
        max_attempts=settings.max_attempts,
        backoff_base_s=settings.backoff_base_s,
        backoff_max_s=settings.backoff_max_s,
        lease_s=settings.batch_size * send_deadline_s(settings) + 60,
    )


class EmailChannel:
    """E-mails a batch one message after another; a server down stops the batch there."""

    channel = Channel.EMAIL

    def __init__(self, pool: AsyncConnectionPool, mailer: SmtpMailer) -> None:
        self._pool = pool
        self._mailer = mailer

    async def deliver(self, batch: Sequence[Outgoing]) -> list[Outcome]:
        addresses = await email_addresses(self._pool, {item.account_id for item in batch})
        outcomes: list[Outcome] = []
        for i, item in enumerate(batch):
            to = addresses.get(item.account_id)
            if to is None:
                outcomes.append(Outcome(item.outbox_id, "the account has no e-mail address", True))
                continue
            try:
                await self._mailer.send(to, item.outbox_id, item.title, item.body)
            except EmailError as exc:
                outcomes.append(Outcome(item.outbox_id, str(exc)))
                if isinstance(exc, MailServerUnavailableError):
                    rest = batch[i + 1 :]
                    outcomes += [Outcome(r.outbox_id, str(exc), tried=False) for r in rest]
                    break
            else:
                outcomes.append(Outcome(item.outbox_id))
        return outcomes


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
