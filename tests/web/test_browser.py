"""The web planner in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs under uvicorn in a background thread on 127.0.0.1 and a free port. Every request
the pages make to anywhere else is blocked and counted (the pages must reference nothing
external). Screenshots go to the test's tmp dir (``--basetemp`` puts them where you want).
Skipped only when /usr/bin/chromium is absent (``apt-get install chromium``); never
``playwright install``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
SEED_LIST = (Path(__file__).resolve().parents[2] / "examples" / "seed-2015.md").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 20_000

pytestmark = pytest.mark.browser
if not CHROMIUM.exists():
    pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    import uvicorn

    from dlrig.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="dlrig-web-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


class Tab:
    """A page with outside requests blocked and counted, and JavaScript errors collected."""

    def __init__(self, browser: Any, base_url: str, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.base, self.outside, self.errors = base_url, [], []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, path
        return response

    def overflow_px(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def close(self) -> None:
        assert not self.outside, f"requests outside the app: {self.outside}"
        assert not self.errors, f"JavaScript errors: {self.errors}"
        self.context.close()


@pytest.fixture()
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    t = Tab(browser, base_url, DESKTOP)
    yield t
    t.close()


def test_ranking_precision_filter_updates_the_table(tab: Tab, tmp_path: Path) -> None:
    tab.goto("/ranking")
    table = tab.page.locator("#ranking")
    assert table.get_attribute("data-precision") == "bf16"  # today's market: mixed precision on tensor cores
    first_bf16 = table.locator("tbody tr").first.inner_text()
    tab.page.select_option("#f-precision", "fp32")  # the form submits itself on change (app.js)
    tab.page.wait_for_url("**precision=fp32**")
    table = tab.page.locator("#ranking")
    assert table.get_attribute("data-precision") == "fp32"
    assert "fp32 TFLOPS" in table.locator("thead").inner_text()
    assert table.locator("tbody tr").count() > 10
    assert table.locator("tbody tr").first.inner_text() != first_bf16
    assert tab.page.locator("#ranking-chart .point").count() > 10
    tab.page.screenshot(path=str(tmp_path / "ranking-fp16.png"), full_page=False)
    tab.page.locator("#ranking-chart").screenshot(path=str(tmp_path / "ranking-chart.png"))


def test_checker_finds_ram_vram_in_the_seed_list(tab: Tab, tmp_path: Path) -> None:
    tab.goto("/check")
    tab.page.fill("#f-build", SEED_LIST)
    tab.page.click("button[type=submit]")
    finding = tab.page.locator('#findings li[data-code="RAM-VRAM"]')
    finding.wait_for()
    assert "RAM" in finding.inner_text()
    assert tab.page.locator("#result-h").inner_text().startswith("build:")
    tab.page.locator("#result").screenshot(path=str(tmp_path / "checker-seed.png"))


def _tab_to(page: Any, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_planner_by_keyboard_only(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.goto("/plan")
    _tab_to(page, "f-budget")
    page.keyboard.press("Control+A")
    page.keyboard.type("8000")
    page.keyboard.press("Tab")  # GPUs
    page.keyboard.type("4")
    page.keyboard.press("Tab")  # model
    page.keyboard.type("resnet50")
    _tab_to(page, "f-prices")
    page.keyboard.type("seed-2015")  # a closed select picks the option typed
    assert page.evaluate("document.getElementById('f-prices').value") == "seed-2015"
    _tab_to(page, "f-alternatives")
    page.keyboard.press("Enter")  # implicit submission
    page.locator("#build").wait_for()
    rows = page.locator("#build tbody tr")
    assert rows.count() == 7
    text = page.locator("#build").inner_text()
    assert "Titan X" in text and "$1,000.00" in text and "2015-05-31" in text
    assert page.locator("#pipeline-chart").count() == 1 and page.locator("#frontier-chart").count() == 1
    page.screenshot(path=str(tmp_path / "planner.png"), full_page=True)


@pytest.mark.parametrize("path", ["/", "/ranking", "/check", "/fit?model=llama-3-8b&lora=on",
                                  "/plan?prices=seed-2015&gpus=4&budget=8000&model=resnet50&alternatives=1&frontier=on"])
def test_phone_viewport_has_no_horizontal_overflow(browser: Any, base_url: str, tmp_path: Path, path: str) -> None:
    phone = Tab(browser, base_url, PHONE)
    try:
        phone.goto(path)
        if path == "/check":
            phone.page.fill("#f-build", SEED_LIST)
            phone.page.click("button[type=submit]")
            phone.page.locator("#findings").wait_for()
        assert phone.overflow_px() <= 0, f"{path} scrolls sideways on a phone"
        if path.startswith(("/ranking", "/plan")):
            name = path.strip("/").split("?")[0]
            phone.page.screenshot(path=str(tmp_path / f"phone-{name}.png"), full_page=True)
    finally:
        phone.close()
