"""The web app in a real browser (Debian's Chromium driven by Playwright) against a real
``fitconnect up --simulate``: the demo athlete signs in and sees the simulated session, its
charts and the live values; the demo coach sees the athlete live, opens the athlete
read-only, and is refused an athlete who is not linked. Every page passes axe-core without
serious violations; screenshots at phone and desktop width go to ``$FITCONNECT_ARTIFACTS``
(default: the test's temporary folder), printed for the developer to look at."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.e2e.browser import CHROMIUM, DESKTOP, PHONE
from tests.e2e.processes import read_until_up, start_up, wait_until_serving
from tests.waiting import wait_until

playwright_api = pytest.importorskip("playwright.sync_api")

AXE = Path(__file__).resolve().parents[1] / ".vendor" / "axe.min.js"
VENDOR = Path(__file__).resolve().parents[2] / "fitconnect" / "gateway" / "static" / "vendor"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.embedded,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(
        not AXE.exists() or not VENDOR.exists(), reason="run scripts/vendor-webapp.sh (make)"
    ),
]

ATHLETE = "athlete@demo.fitconnect"
LIVE_PAGES = {"live", "wall"}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``fitconnect up --simulate 3`` (embedded database and broker); the web app's URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env["FITCONNECT_DATA_DIR"] = str(tmp_path_factory.mktemp("up") / "data")
    process = start_up(env, "--simulate", "3")
    try:
        text = read_until_up(process)
        found = re.search(r"web app:\s+(\S+)", text)
        assert found is not None, text
        urls = [line for line in text.splitlines() if re.search(r"https?://", line)]
        assert urls[0].startswith("web app:"), urls  # the newcomer's first address
        base = found.group(1).rstrip("/")
        wait_until_serving(base, 60)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=30)


def _page(browser: Any, base: str, size: dict[str, int]) -> Any:
    """A page that may reach the gateway only (everything else is refused: no CDN)."""
    context = browser.new_context(viewport=size, bypass_csp=True)  # axe is injected
    page = context.new_page()
    host = re.escape(base)
    page.route(re.compile(rf"^(?!{host}|ws://127\.0\.0\.1).*"), lambda route: route.abort())
    page.set_default_timeout(20_000)
    return page


def _accessible(page: Any) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in result
        if v["impact"] in {"serious", "critical"}
    ]
    assert serious == [], serious


def _shoot(browser: Any, base: str, pages: dict[str, str], *, folder: Path, email: str) -> None:
    """Screenshots of pages (name -> hash) at phone and desktop width, signed in as ``email``,
    each once shown (a live page once a value arrived)."""
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page = _page(browser, base, size)
        _sign_in(page, base, email)
        for name, hash_ in pages.items():
            page.goto(f"{base}/{hash_}")
            page.wait_for_selector(f'main[data-route="{hash_}"]')
            if name in LIVE_PAGES:  # a live value in, for the picture
                page.wait_for_function(
                    "() => [...document.querySelectorAll('main .value')]"
                    ".some(v => v.textContent !== '\\u2013')"
                )
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
        page.context.close()


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("fitconnect-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("nav >> text=Sign out")


def test_an_athlete_sees_sessions_charts_and_live_values(
    platform: str, browser: Any, artifacts: Path
) -> None:
    page = _page(browser, platform, DESKTOP)
    page.goto(f"{platform}/")
    page.get_by_label("E-mail").fill(ATHLETE)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#signin-error:not(:empty)")
    assert "password is not right" in page.inner_text("#signin-error")
    _accessible(page)
    page.screenshot(path=str(artifacts / "signin-desktop.png"))

    _sign_in(page, platform, ATHLETE)
    page.wait_for_selector("text=Your dashboard")

    def a_session_listed() -> bool:
        page.reload()
        page.wait_for_selector("#sessions")
        return page.locator("#sessions a").count() > 0

    wait_until(a_session_listed, 90, "the simulated session on the dashboard")
    page.wait_for_selector("#fitness-chart canvas")
    _accessible(page)

    link = page.locator("#sessions a").first
    session_id = unquote(link.get_attribute("href").removeprefix("#/session/"))
    with page.expect_response(
        lambda r: r.url.endswith("/graphql") and "series" in (r.request.post_data or "")
    ) as answer:
        link.click()
    page.wait_for_selector("#chart-powerW[data-points]")
    served = answer.value.json()["data"]["node"]["series"]
    drawn = int(page.get_attribute("#chart-powerW", "data-points") or 0)
    assert drawn == len(served["ts"]) > 0  # every point the API served, drawn
    assert page.locator("#chart-heartRateBpm canvas").count() == 1
    _accessible(page)

    page.goto(f"{platform}/#/live")
    page.wait_for_function("document.querySelector('#live-powerW').textContent !== '\\u2013'")
    state = page.inner_text("#live-state")
    page.wait_for_function(
        "s => document.querySelector('#live-state').textContent !== s", arg=state, timeout=2_000
    )
    _accessible(page)
    page.context.close()

    pages = {"dashboard": "#/dashboard", "session": f"#/session/{session_id}", "live": "#/live"}
    _shoot(browser, platform, pages | {"devices": "#/devices"}, folder=artifacts, email=ATHLETE)


def test_a_coach_sees_the_athlete_live_read_only_and_is_refused_others(
    platform: str, browser: Any, artifacts: Path
) -> None:
    page = _page(browser, platform, DESKTOP)
    _sign_in(page, platform, "coach@demo.fitconnect")
    page.wait_for_selector("text=Your athletes")

    def athlete_live() -> bool:
        page.reload()
        page.wait_for_selector("main h1")
        return page.locator("#athletes .live-dot").count() > 0

    wait_until(athlete_live, 60, "the demo athlete listed as live")
    _accessible(page)
    page.locator("#athletes td a").first.click()
    page.wait_for_selector("text=Athlete dashboard (read-only)")
    main = page.locator("main")
    assert main.locator("button, input, select, textarea, form").count() == 0
    _accessible(page)

    page.goto(f"{platform}/#/athlete/{uuid.uuid4()}")
    page.wait_for_selector(".refusal")
    assert "not allowed" in page.inner_text(".refusal")
    page.goto(f"{platform}/#/wall")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#wall .value')]"
        ".some(v => v.textContent !== '\\u2013')"
    )
    _accessible(page)
    page.context.close()
    pages = {"coach": "#/coach", "wall": "#/wall"}
    _shoot(browser, platform, pages, folder=artifacts, email="coach@demo.fitconnect")
