"""The pages under their Content-Security-Policy in a real browser (issue 19): nothing the pages
need is refused (no inline script or style left), and the policy is really enforced.

Debian's Chromium, headless, driven by Playwright, against the app under uvicorn in a thread;
skipped where /usr/bin/chromium is absent (as tests/web/test_browser.py).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
SEED = (Path(__file__).resolve().parents[2] / "examples" / "seed-2015.yaml").read_text(encoding="utf-8")

pytestmark = pytest.mark.browser
if not CHROMIUM.exists():
    pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    import uvicorn

    from dlrig.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="dlrig-csp-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        tab = browser.new_context().new_page()
        tab.set_default_timeout(60_000)
        yield tab
        browser.close()


PAGES = ["/", "/ranking", "/check", "/fit?model=resnet50",
         "/plan?" + urlencode({"budget": 3000, "gpus": "1", "alternatives": 0, "precision": "fp16"}),
         "/export/report.html?" + urlencode({"build": SEED})]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_breaks_its_policy(page: Any, base_url: str, path: str) -> None:
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    response = page.goto(base_url + path)
    assert response is not None and response.ok
    page.wait_for_load_state("load")
    assert "content-security-policy" in response.headers
    assert refused == []
    if path in ("/ranking",):  # the app's own script ran: its enhancements are in place
        assert page.evaluate("document.querySelector('script[src=\"/static/app.js\"]') !== null")


def test_the_policy_is_enforced(page: Any, base_url: str) -> None:
    """An inline script injected into a page does not run, and the browser says why."""
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(base_url + "/")
    ran = page.evaluate("""() => { window.__ran = false; const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.appendChild(s); return window.__ran; }""")
    assert ran is False and refused
