"""The report in a real browser: headless Chromium opens report.html with the network cut off, every image
loads (naturalWidth > 0), the Vietnamese text is there, and a screenshot of the pipeline's own report is kept
as reports/report_screenshot.png. `make report-check` installs Chromium when it is missing; `make test` tries to.
Without a report in this checkout, the report of the integration tests' tiny `dvc repro` is checked."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import io as pio

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REPORT = ROOT / "reports" / "report.html"
SCREENSHOT = ROOT / "reports" / "report_screenshot.png"
MAX_SCREENSHOT_PX = 12000  # a full page beyond this is cut: a screenshot is for a look, the HTML is the record

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER.exists()),
                       reason="headless Chromium is not installed (Debian packages chromium and chromium-driver); "
                              "`make report-check` installs them"),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}", "--window-size=1280,1600",
                # no name resolves and no proxy answers: anything the page tried to fetch would fail to load
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"):
        options.add_argument(arg)
    # an explicit chromedriver: selenium-manager never runs, so nothing is downloaded
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def open_report(driver, path: Path) -> dict:
    driver.get(path.resolve().as_uri())
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(Array.from(document.images).map(i => i.complete ? 1 : new Promise(r => {i.onload = r; i.onerror = r;})))"
        ".then(() => done(1));")
    return driver.execute_script(
        "return {images: Array.from(document.images).map(i => ({alt: i.alt, width: i.naturalWidth, "
        "src: i.currentSrc.slice(0, 22)})), text: document.body.innerText, title: document.title, "
        "remote: performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'))};")


def check(state: dict, min_images: int) -> None:
    assert len(state["images"]) >= min_images
    broken = [i["alt"] for i in state["images"] if i["width"] <= 0]
    assert not broken, f"images that did not load: {broken}"
    assert all(i["src"].startswith("data:image/png") for i in state["images"])
    assert state["remote"] == [], f"the report fetched {state['remote']}"


def test_a_small_report_renders_offline(browser, tmp_path):
    """Always runnable: a report built from small outputs (see test_report.run_outputs)."""
    from pipeline import report as R
    from test_report import run_outputs

    out = run_outputs(tmp_path)
    _, page, _ = R.build(**out)
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    state = open_report(browser, path)
    check(state, len(out["figures"]))
    assert "Bùi Thị An" in state["text"] and "Để Hà Nội cất cánh" in state["text"]


@pytest.fixture(scope="module")
def pipeline_report(request) -> tuple[Path, Path]:
    """(report, where its screenshot goes): this checkout's report after `make repro`; on a fresh clone (CI), the
    report of the integration tests' real `dvc repro` of the tiny corpus, screenshotted beside it."""
    if REPORT.exists():
        return REPORT, SCREENSHOT
    repo = request.getfixturevalue("tiny_run")
    return repo / "reports" / "report.html", repo / "reports" / "report_screenshot.png"


def test_the_pipeline_report_renders_and_is_screenshotted(browser, pipeline_report):
    report, screenshot = pipeline_report
    state = open_report(browser, report)
    page = report.read_text(encoding="utf-8")
    check(state, page.count("<img "))
    assert "Comparisons" in state["text"] and "Discourse" in state["text"]
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], MAX_SCREENSHOT_PX), "scale": 1}})
    import base64
    import io

    from PIL import Image

    data = base64.b64decode(shot["data"])
    pio.write_bytes(screenshot, data)
    with Image.open(io.BytesIO(data)) as im:
        assert im.size[0] >= 800 and im.size[1] >= 1600
        assert len(im.convert("L").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50  # not a blank page
