"""Finding loopback ports that nothing else holds."""

import socket

from fitconnect.runtime.errors import StartupError


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def is_free(host: str, port: int) -> bool:
    """True when a server could listen on ``host:port`` now (bound as uvicorn binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def first_free_port(host: str, start: int, tries: int = 100) -> int:
    """``start`` if it is free, else the next free port above it (a stable address)."""
    for port in range(start, min(start + tries, 65536)):
        if is_free(host, port):
            return port
    raise StartupError(
        f"no free port on {host} from {start} to {start + tries - 1}: "
        "stop what holds them or set FITCONNECT_GATEWAY__PORT"
    )


def is_listening(host: str, port: int, timeout_s: float = 0.2) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False
