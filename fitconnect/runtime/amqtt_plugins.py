"""amqtt plugins that enforce the embedded Mosquitto's own files: the same users, the same ACL.

When Mosquitto is not installed, ``fitconnect up`` falls back to amqtt. Started with
``authenticated=True`` it loads these two plugins, so the fallback refuses whom Mosquitto would
refuse: ``PasswordFileAuth`` checks a client's password against the ``passwd`` file
(Mosquitto's PBKDF2-SHA512 hashes, verified by ``mosquitto_auth.verify``) and ``AclFileTopics``
checks every subscription, publish and delivery against the ``acl`` file (``user`` lines
followed by ``topic read|write|readwrite FILTER`` lines). ``broker_users.prepare`` and the
gateway write both files; Mosquitto re-reads them on SIGHUP, these plugins whenever a file
changed on disk (its size or modification time), so a device registered through the API can
connect at once either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from amqtt.contexts import Action, BaseContext
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session

from fitconnect.platform.devices import mosquitto_auth

_READS = {Action.SUBSCRIBE, Action.RECEIVE}
_SHARED = "$share/"
T = TypeVar("T")


class _WatchedFile(Generic[T]):
    """A file parsed by ``parse``, read and parsed again only when it changed on disk (its
    modification time or size; absent: parsed as empty)."""

    def __init__(self, path: Path, parse: Callable[[str], T]) -> None:
        self._path = path
        self._parse = parse
        self._stamp: tuple[int, int] | None = None
        self._value = parse("")

    def value(self) -> T:
        try:
            info = self._path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        if stamp != self._stamp:
            self._value = self._parse(self._path.read_text() if stamp != (0, 0) else "")
            self._stamp = stamp
        return self._value


@dataclass(frozen=True, slots=True)
class Grant:
    can_read: bool
    can_write: bool
    pattern: tuple[str, ...]


def parse_acl(text: str) -> dict[str, list[Grant]]:
    """Mosquitto's ACL file as user -> grants (``topic`` lines before any ``user`` line apply
    to anonymous clients, whom the password plugin refuses anyway, so they are dropped)."""
    grants: dict[str, list[Grant]] = {}
    user: str | None = None
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "user":
            user = words[1]
            grants.setdefault(user, [])
        elif len(words) == 3 and words[0] == "topic" and user is not None:
            access, pattern = words[1], words[2]
            grants[user].append(
                Grant(
                    access in {"read", "readwrite"},
                    access in {"write", "readwrite"},
                    tuple(pattern.split("/")),
                )
            )
    return grants


def covers(pattern: tuple[str, ...], topic: str) -> bool:
    """Whether an ACL filter admits a topic or a subscription filter (as Mosquitto decides:
    ``+`` in the ACL takes any one level, ``#`` the rest; a wildcard in the subscription
    is admitted only where the ACL has one at least as wide)."""
    levels = topic.split("/")
    for i, allowed in enumerate(pattern):
        if allowed == "#":
            return True
        if i >= len(levels):
            return False
        asked = levels[i]
        if allowed == "+":
            if asked == "#":
                return False
            continue
        if asked != allowed:
            return False
    return len(levels) == len(pattern)


class PasswordFileAuth(BaseAuthPlugin):  # type: ignore[misc] # amqtt is untyped
    """Admit a client whose user is in the password file and whose password matches."""

    @dataclass
    class Config:
        password_file: str = field(default="passwd")

    def __init__(self, context: BaseContext) -> None:
        super().__init__(context)
        self._users = _WatchedFile(
            Path(self._get_config_option("password-file", "passwd")),
            mosquitto_auth.parse_password_file,
        )

    async def authenticate(self, *, session: Session) -> bool:
        if not session.username or session.password is None:
            return False
        stored = self._users.value().get(session.username)
        return stored is not None and mosquitto_auth.verify(str(session.password), stored)


class AclFileTopics(BaseTopicPlugin):  # type: ignore[misc] # amqtt is untyped
    """Let a client subscribe to, receive and publish only what its ACL lines grant."""

    @dataclass
    class Config:
        acl_file: str = field(default="acl")

    def __init__(self, context: BaseContext) -> None:
        super().__init__(context)
        self._grants = _WatchedFile(Path(self._get_config_option("acl-file", "acl")), parse_acl)

    async def topic_filtering(
        self,
        *,
        session: Session | None = None,
        topic: str | None = None,
        action: Action | None = None,
    ) -> bool:
        if session is None or not session.username or not topic or action is None:
            return False
        if topic.startswith(_SHARED):  # $share/GROUP/FILTER is checked as FILTER
            topic = topic[len(_SHARED) :].partition("/")[2]
        reading = action in _READS
        return any(
            (grant.can_read if reading else grant.can_write) and covers(grant.pattern, topic)
            for grant in self._grants.value().get(session.username, [])
        )
