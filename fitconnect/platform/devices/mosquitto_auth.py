"""Mosquitto's password file (PBKDF2-SHA512, the ``$7$`` format of mosquitto_passwd) and ACL.

The gateway owns the device lines of the password file (a device's username is its id, a
UUID); every other line is the operator's (``ingest``, made with ``mosquitto_passwd``, or kept
in ``passwd.static``) and survives each rewrite, as do the ACL rules of ``acl.static``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
import uuid
from pathlib import Path

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


def is_device_user(username: str) -> bool:
    """Device usernames are device ids; the gateway writes (and removes) only those."""
    try:
        uuid.UUID(username)
    except ValueError:
        return False
    return True


def parse_password_file(text: str) -> dict[str, str]:
    """A password file's ``username:hash`` lines as username -> hash."""
    entries: dict[str, str] = {}
    for line in text.splitlines():
        user, sep, hashed = line.strip().partition(":")
        if sep and user and not user.startswith("#"):
            entries[user] = hashed
    return entries


def operator_entries(*texts: str) -> dict[str, str]:
    """The non-device ``username:hash`` lines of password files (a later text wins a name)."""
    entries: dict[str, str] = {}
    for text in texts:
        entries |= {u: h for u, h in parse_password_file(text).items() if not is_device_user(u)}
    return entries


def merged_password_file(auth_dir: Path, devices: dict[str, str]) -> str:
    """The password file for ``devices``, keeping the operator's users of ``passwd`` and
    ``passwd.static`` (which wins a name both hold)."""
    texts = [_read(auth_dir / "passwd"), _read(auth_dir / "passwd.static")]
    return password_file({**operator_entries(*texts), **devices})


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (the broker never reads half a file), keeping
    the mode of the file it replaces."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


# Ingest's commit acknowledgements, one topic per device: ingest writes them, each device
# reads only its own.
ACK_TOPICS = "fc/v1/+/+/ack"


def acl_file(devices: dict[str, str], reader: str | None) -> str:
    """Each device writes only under its own topics and reads only its own ``…/ack``;
    ``reader`` (ingest) reads them all and writes the acknowledgements.

    ``devices`` maps an MQTT username to its topic prefix ``fc/v1/{tenant}/{device}``.
    """
    lines = []
    if reader:
        lines += [f"user {reader}", "topic read fc/v1/#", f"topic write {ACK_TOPICS}", ""]
    for user, prefix in sorted(devices.items()):
        lines += [f"user {user}", f"topic write {prefix}/#", f"topic read {prefix}/ack", ""]
    return "\n".join(lines)


def merged_acl_file(auth_dir: Path, devices: dict[str, str], reader: str | None) -> str:
    """``acl_file`` after the operator's own rules of ``acl.static`` (kept by every rewrite)."""
    static = _read(auth_dir / "acl.static")
    return (static + "\n" if static else "") + acl_file(devices, reader)
