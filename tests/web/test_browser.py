"""The web planner in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs under uvicorn in a background thread on 127.0.0.1 and a free port. Every page is
visited at 1280 x 900 and must load with no console error, no JavaScript error, no response of
400 or more (a missing favicon or stylesheet included) and no request leaving the host (each
such request is blocked and counted): the pages reference nothing external. Every HTML page is
served to the browser under a strict Content-Security-Policy (only 'self'), so an inline
script, style attribute or event handler shows up as a console error here. And every table
fits: each column lies inside the viewport and its own scroll box, is wider than a sliver, and
clips none of its cells. Screenshots go to the test's tmp dir (``--basetemp`` puts them where
you want). Skipped only when /usr/bin/chromium is absent (``apt-get install chromium``); never
``playwright install``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED_LIST = (EXAMPLES / "seed-2015.md").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 30_000
CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
SEED_PLAN = "/plan?prices=seed-2015&gpus=4&budget=8000&model=resnet50&alternatives=3&frontier=on"
MIN_COLUMN_PX = 32  # the Note column had been squeezed to about 25 px

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


# Every table's header cells, each with its box, its scroll box's, and any body cell of its
# column whose content is wider than the cell (clipped or spilling).
TABLE_LAYOUT = """() => Array.from(document.querySelectorAll('table')).filter(t => t.offsetParent !== null).map(t => {
  const wrap = t.closest('.table-wrap') || document.documentElement;
  const box = wrap.getBoundingClientRect();
  const head = t.tHead ? Array.from(t.tHead.rows[0].cells) : [];
  const clipped = Array.from(t.querySelectorAll('td, th')).filter(c => c.scrollWidth > c.clientWidth + 1)
    .map(c => c.textContent.trim().slice(0, 40));
  return {id: t.id || t.caption?.textContent.trim() || '(table)', wrapLeft: box.left, wrapRight: box.right,
          viewport: window.innerWidth, clipped: clipped,
          columns: head.map(c => ({name: c.textContent.trim(), left: c.getBoundingClientRect().left,
                                   right: c.getBoundingClientRect().right, width: c.getBoundingClientRect().width}))};
})"""


class Tab:
    """A page served under a strict CSP, with outside requests blocked and counted, and console
    errors, JavaScript errors and failed responses collected."""

    def __init__(self, browser: Any, base_url: str, viewport: dict[str, int]) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.base, self.outside, self.errors, self.failed = base_url, [], [], []
        self.expected_status: dict[str, int] = {}
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda exc: self.errors.append(f"JavaScript: {exc}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _route(self, route: Any) -> None:
        request = route.request
        if not request.url.startswith(self.base):
            self.outside.append(request.url)
            route.abort()
        elif request.resource_type == "document":
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})
        else:
            route.continue_()

    def _console(self, message: Any) -> None:
        if message.type == "error" and not any(f"status of {s} " in message.text for s in
                                               self.expected_status.values()):
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and self.expected_status.get(response.url) != response.status:
            self.failed.append(f"{response.status} {response.url}")

    def goto(self, path: str, status: int = 200) -> Any:
        self.expected_status = {self.base + path: status} if status != 200 else {}
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, (path, response and response.status)
        return response

    def overflow_px(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def assert_tables_fit(self) -> None:
        """Every column inside the viewport and its own scroll box, none a sliver, no cell clipped."""
        for table in self.page.evaluate(TABLE_LAYOUT):
            right = min(table["viewport"], table["wrapRight"]) + 1
            for col in table["columns"]:
                where = f"table {table['id']!r} column {col['name']!r}"
                assert col["left"] >= table["wrapLeft"] - 1 and col["right"] <= right, \
                    f"{where} lies outside the view ({col['left']:.0f}-{col['right']:.0f} px, view ends {right:.0f})"
                assert col["width"] >= MIN_COLUMN_PX, f"{where} is squeezed to {col['width']:.0f} px"
            assert not table["clipped"], f"table {table['id']!r}: cells wider than their column: {table['clipped']}"

    def close(self) -> None:
        try:
            assert not self.outside, f"requests outside the app: {self.outside}"
            assert not self.failed, f"failed requests: {self.failed}"
            assert not self.errors, f"errors: {self.errors}"
        finally:
            self.context.close()


@pytest.fixture()
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    t = Tab(browser, base_url, DESKTOP)
    yield t
    t.close()


# -- each page ---------------------------------------------------------------------------------
def test_home_links_every_page_and_has_a_favicon(tab: Tab) -> None:
    tab.goto("/")
    hrefs = tab.page.eval_on_selector_all(".cards a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["/ranking", "/plan", "/check", "/fit", "/docs"]
    icon = tab.page.get_attribute("link[rel=icon]", "href")
    assert icon == "/static/favicon.svg"
    got = tab.page.request.get(tab.base + icon)
    assert got.ok and got.headers["content-type"].startswith("image/svg+xml")
    legacy = tab.page.request.get(tab.base + "/favicon.ico")  # asked for by pages that link none
    assert legacy.ok and legacy.url.endswith("/static/favicon.svg")
    tab.assert_tables_fit()


def test_ranking_shows_the_first_rows_with_its_sort_column_and_notes_readable(tab: Tab, tmp_path: Path) -> None:
    tab.goto("/ranking?precision=fp32")
    table = tab.page.locator("#ranking")
    total = int(tab.page.locator("#table-h").inner_text().split(" of ")[1].split()[0])
    assert total > 50 and table.locator("tbody tr").count() == 25  # not a 30,000 px page
    assert tab.page.evaluate("document.documentElement.scrollHeight") < 4000
    sorted_th = table.locator("th[aria-sort]")
    assert sorted_th.count() == 1 and sorted_th.inner_text() == "GFLOPS/$"  # the default sort, marked
    note = table.locator("th.note").bounding_box()
    assert note is not None and note["width"] >= 150, note  # notes wrap in a readable column
    tab.assert_tables_fit()
    tab.page.screenshot(path=str(tmp_path / "ranking.png"), full_page=True)
    tab.page.click("#show-all-bottom")
    tab.page.wait_for_url("**rows=all**")
    assert tab.page.locator("#ranking tbody tr").count() == total
    tab.assert_tables_fit()
    tab.page.click("#ranking thead a:text('Price')")  # sort by price, keeping every row
    tab.page.wait_for_url("**sort=price**")
    assert tab.page.locator("#ranking th[aria-sort=ascending]").inner_text() == "Price"
    assert tab.page.locator("#ranking tbody tr").count() == total
    tab.assert_tables_fit()


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
    tab.assert_tables_fit()
    tab.page.locator("#ranking-chart").screenshot(path=str(tmp_path / "ranking-chart.png"))


def test_checker_finds_ram_vram_in_the_seed_list(tab: Tab, tmp_path: Path) -> None:
    tab.goto("/check")
    tab.page.fill("#f-build", SEED_LIST)
    tab.page.click("button[type=submit]")
    finding = tab.page.locator('#findings li[data-code="RAM-VRAM"]')
    finding.wait_for()
    assert "RAM" in finding.inner_text()
    assert tab.page.locator("#result-h").inner_text().startswith("build:")
    assert tab.page.locator("#source-lines tbody tr").count() == 10  # each list line and its part
    assert tab.page.locator("#unmatched").count() == 0
    tab.assert_tables_fit()
    tab.page.locator("#result").screenshot(path=str(tmp_path / "checker-seed.png"))


def test_checker_names_a_line_it_could_not_match_and_checks_the_rest(tab: Tab) -> None:
    tab.goto("/check")
    tab.page.fill("#f-build", SEED_LIST.replace("Mushkin Reactor 1 TB", "Frobnicator 9000 Turbo"))
    tab.page.click("button[type=submit]")
    tab.page.locator("#unmatched").wait_for()
    assert "Frobnicator 9000 Turbo" in tab.page.locator("#unmatched").inner_text()
    row = tab.page.locator("#source-lines tr.unmatched")
    assert row.count() == 1 and "no match" in row.inner_text()
    assert tab.page.locator('#findings li[data-code="RAM-VRAM"]').count() == 1  # the rest is checked
    tab.assert_tables_fit()


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
    tab.assert_tables_fit()
    page.screenshot(path=str(tmp_path / "planner.png"), full_page=True)


def test_plan_names_the_gpus_and_draws_every_bar_and_point(tab: Tab, tmp_path: Path) -> None:
    tab.goto(SEED_PLAN)
    page = tab.page
    alternatives = page.locator("#alternatives li")
    assert alternatives.count() >= 1
    for text in alternatives.all_inner_texts():
        assert text.split(":")[0].split(" x ", 1)[1].strip(), text  # "4 x GeForce GTX 980 Ti: ..."
    assert "GTX 980 Ti" in page.locator("#alternatives").inner_text()
    caveat = page.locator("#borrowed").inner_text()  # 2015 GPUs, platform parts from a later book
    assert "have no price in seed-2015" in caveat and "not a seed-2015 price" in caveat
    bars = page.locator("#pipeline-chart g.bar rect")
    assert bars.count() >= 3
    for box in (bars.nth(i).bounding_box() for i in range(bars.count())):
        assert box is not None and box["width"] >= 3, box  # the binding bar had zero width
    assert page.locator("#pipeline-chart g.bar.marked").count() == 1
    points = page.locator("#frontier-chart g.point").count()
    labels = page.locator("#frontier-chart text.label").all_text_contents()
    assert points >= 2 and len(labels) == points, labels  # every frontier point named in the chart
    assert any(label.startswith("▶ 4 x ") for label in labels)  # the plan's own point, by its GPUs
    assert page.locator("#frontier tbody tr").count() == points and page.locator("#frontier tr.chosen").count() == 1
    tab.assert_tables_fit()
    page.locator("#frontier-chart").screenshot(path=str(tmp_path / "frontier-chart.png"))
    page.locator("#pipeline-chart").screenshot(path=str(tmp_path / "pipeline-chart.png"))


def test_plan_recompute_reaches_the_planner(tab: Tab) -> None:
    """QLoRA on Llama 3 8B in 2015's market: without recomputation only the 24 GB K80 holds it;
    full recomputation lets the 12 GB TITAN X do it, faster and cheaper."""
    tab.goto("/plan?prices=seed-2015&gpus=1-4&budget=8000&model=llama-3-8b&qlora=on&seq=1024&batch=1"
             "&alternatives=0")
    assert "K80" in tab.page.locator("#build").inner_text()
    tab.page.select_option("#f-recompute", "full")
    tab.page.click("form button[type=submit]")
    tab.page.wait_for_url("**recompute=full**")
    assert "Titan X" in tab.page.locator("#build").inner_text()
    assert "full recomputation" in tab.page.locator("#result").inner_text()
    tab.assert_tables_fit()


def test_fit_answers_will_llama_70b_run_on_two_3090s_at_4_bits(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.goto("/fit")
    assert page.locator("fieldset[data-mode=infer]").is_hidden()  # training is the default question
    page.select_option("#f-mode", "infer")
    assert page.locator("fieldset[data-mode=train]").is_hidden()
    page.fill("#f-model", "llama-3-70b")
    page.fill("#f-gpu", "2 x RTX 3090")
    page.select_option("#f-weights", "q4_k_m")
    page.fill("#f-context", "8192")
    page.click("form button[type=submit]")
    page.wait_for_url("**mode=infer**")
    assert "lora" not in page.url and "sharding" not in page.url  # the training fields were not sent
    answer = page.locator("#setup")
    assert "runs" in answer.locator("h2").inner_text()
    assert "tokens/s" in answer.inner_text() and "range" in answer.inner_text()
    assert answer.locator("#setup-memory tbody tr").count() == 2
    header = page.locator("#fit thead").inner_text()
    assert "Tokens/s" in header and "Prompt tokens/s" in header
    row = page.locator("#fit tbody tr", has_text="GeForce RTX 3090").first
    assert row.locator("td").nth(1).inner_text() == "2"  # two cards needed
    tab.assert_tables_fit()
    page.screenshot(path=str(tmp_path / "fit-infer.png"), full_page=True)


def test_fit_for_training_with_recompute_and_lora(tab: Tab) -> None:
    tab.goto("/fit?mode=train&model=llama-3-8b&lora=on&recompute=full&gpu=" + quote_plus("2 x RTX 4090"))
    assert tab.page.locator("fieldset[data-mode=train]").is_visible()
    assert tab.page.locator("#f-recompute").input_value() == "full"
    assert "training on 2 x" in tab.page.locator("#setup-h").inner_text()
    assert "Samples/s" in tab.page.locator("#fit thead").inner_text()
    tab.assert_tables_fit()


def test_api_reference_works_offline(tab: Tab) -> None:
    tab.goto("/docs")
    document = tab.page.request.get(tab.base + "/openapi.json").json()
    routes = [(m.upper(), p) for p, ops in document["paths"].items() for m in ops]
    shown = tab.page.locator("section.route h2").all_inner_texts()
    assert [tuple(s.split()) for s in shown] == routes
    fit = tab.page.locator("section.route", has_text="/api/fit")
    assert "weights" in fit.inner_text() and "one of train, infer" in fit.inner_text()
    tab.assert_tables_fit()


def test_an_unknown_page_is_a_page_not_a_blank(tab: Tab) -> None:
    tab.goto("/no-such-page", status=404)
    assert "no page at /no-such-page" in tab.page.locator("#error").inner_text()
    assert tab.page.locator("link[rel=stylesheet]").count() == 1


@pytest.mark.parametrize("path", ["/", "/ranking", "/check", "/fit?model=llama-3-8b&lora=on",
                                  "/fit?mode=infer&model=llama-3-70b&weights=q4_k_m&gpu=2+x+RTX+3090",
                                  SEED_PLAN, "/docs"])
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
