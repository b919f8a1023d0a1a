"""Mosquitto's password file (PBKDF2-SHA512, the ``$7$`` format of mosquitto_passwd) and ACL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ITERATIONS = 10_000


def password_hash(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """A ``$7$`` hash Mosquitto 2 verifies (and so can we)."""
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify(password: str, stored: str) -> bool:
    try:
        _, kind, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "7":
        return False
    again = hashlib.pbkdf2_hmac(
        "sha512", password.encode(), base64.b64decode(salt), int(iterations)
    )
    return hmac.compare_digest(again, base64.b64decode(digest))


def password_file(entries: dict[str, str]) -> str:
    """``username:hash`` lines for Mosquitto's ``password_file``."""
    return "".join(f"{user}:{hashed}\n" for user, hashed in sorted(entries.items()))


def acl_file(devices: dict[str, str], reader: str | None) -> str:
    """Each device writes only under its own topics; ``reader`` (ingest) reads them all.

    ``devices`` maps an MQTT username to its topic prefix ``fc/v1/{tenant}/{device}``.
    """
    lines = []
    if reader:
        lines += [f"user {reader}", "topic read fc/v1/#", ""]
    for user, prefix in sorted(devices.items()):
        lines += [f"user {user}", f"topic write {prefix}/#", ""]
    return "\n".join(lines)
