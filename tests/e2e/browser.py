"""A real browser for the end-to-end tests: Debian's Chromium driven by Playwright (whose own
browser download is not reachable here), the sizes pages are looked at, and where their
screenshots go. The fixtures ``browser`` and ``artifacts`` are in ``conftest.py``."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
