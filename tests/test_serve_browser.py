"""`gen-report serve` in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium): what an officer does with the page. Skipped on a developer machine without them;
under CI=true a missing browser is a failure (.ci/run installs it)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import EXAMPLE, ROOT
from test_serve import broken_workbook

CHROMIUM = os.environ.get("GEN_REPORT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("GEN_REPORT_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000")


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return path
    return ""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The real command, as an officer starts it, on a free port of 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--no-browser", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    assert "gen-report 网页已启动" in process.stdout.readline()
    yield f"http://127.0.0.1:{port}/"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {missing} is missing: .ci/run must install chromium, chromium-driver, selenium")
        pytest.skip(f"{missing} not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def wait_until(condition, what: str, tries: int = 600):  # noqa: ANN001, ANN201
    for _ in range(tries):  # a bounded wait for the browser, not a timing assertion
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def downloaded(driver, suffix: str) -> Path:  # noqa: ANN001
    def done() -> Path | None:
        files = [p for p in driver.downloads.iterdir() if p.suffix == suffix]
        return files[0] if files and not any(p.suffix == ".crdownload" for p in driver.downloads.iterdir()) else None

    return wait_until(done, f"a downloaded {suffix} file")


def body_text(driver) -> str:  # noqa: ANN001
    """The page's text in one call (a page reloading in between cannot leave a stale element)."""
    return driver.execute_script("return document.body ? document.body.innerText : ''")


def upload_file(driver, path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "form.upload input[name=file]").send_keys(str(path))
    driver.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    wait_until(lambda: "/result" in driver.current_url and "检查" in body_text(driver), "the result page")


def test_download_a_blank_workbook(browser, server: str) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server)
    assert "下载空白录入表" in body_text(browser)
    Select(browser.find_element(By.NAME, "kind")).select_by_value("决算")
    Select(browser.find_element(By.NAME, "year")).select_by_value("2023")
    browser.find_element(By.CSS_SELECTOR, "#step-blank button").click()
    workbook = downloaded(browser, ".xlsx")
    assert workbook.name == "2023年度决算录入表.xlsx"
    assert "基本信息" in openpyxl.load_workbook(workbook).sheetnames


def test_upload_the_example_and_open_the_docx(browser, server: str, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    browser.get(server)
    upload_file(browser, EXAMPLE)
    text = body_text(browser)
    assert "检查通过：清远市政务服务数据管理局2020年度部门决算" in text
    assert "文档预览" in text and "收入支出决算总表" in text
    browser.save_screenshot(str(tmp_path / "result.png"))
    browser.find_element(By.CSS_SELECTOR, "a[href$='download/docx']").click()
    document = docx.Document(str(downloaded(browser, ".docx")))
    texts = [p.text for p in document.paragraphs]
    assert any("清远市政务服务数据管理局" in t and "决算" in t for t in texts)
    assert len(document.tables) >= 9


def test_a_broken_copy_shows_its_problems(browser, server: str, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    workbook = broken_workbook(tmp_path)
    browser.get(server)
    upload_file(browser, workbook)
    text = body_text(browser)
    assert "检查未通过：录入表.xlsx" in text
    problems = browser.find_elements(By.CSS_SELECTOR, "li.problem.error")
    assert problems
    first = problems[0].text
    assert "收入决算表!D6" in first and "金额不能为负数" in first and "行“2010350 事业运行”" in first
    group = problems[0].find_element(By.XPATH, "ancestor::section[1]/h3").text
    assert group.startswith("表2 收入决算表")


def test_batch_shows_progress_and_gives_a_zip(browser, server: str, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    bad = broken_workbook(tmp_path)
    browser.get(server)
    browser.find_element(By.LINK_TEXT, "批量生成").click()
    field = browser.find_element(By.CSS_SELECTOR, "input[name=files]")
    field.send_keys("\n".join([str(EXAMPLE), str(bad)]))
    browser.find_element(By.CSS_SELECTOR, "form.upload button[type=submit]").click()
    wait_until(lambda: "已完成" in body_text(browser), "the batch to finish")
    text = body_text(browser)
    assert "共 2 个部门：成功 1 个，失败 1 个" in text
    assert "收入决算表!D6" in text
    browser.find_element(By.ID, "zip").click()
    archive = downloaded(browser, ".zip")
    import zipfile

    assert "汇总.xlsx" in zipfile.ZipFile(archive).namelist()


def test_a_corrected_upload_shows_what_changed(browser, server: str, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    minimal = ROOT / "docs" / "示例-最小输入.yaml"
    corrected = tmp_path / "改正后.yaml"
    corrected.write_text(minimal.read_text(encoding="utf-8").replace("'30201': 15.00", "'30201': 14.50", 1)
                         .replace("'30299': 2.00", "'30299': 2.50", 1), encoding="utf-8")
    browser.get(server)
    upload_file(browser, minimal)
    assert "检查通过" in body_text(browser) and "与上一版本" not in body_text(browser)
    upload_file(browser, corrected)
    wait_until(lambda: "改正后.yaml" in body_text(browser), "the second result")
    changes = browser.find_element(By.ID, "changes").text
    assert f"与上一版本（{minimal.name}）相比" in changes
    assert "有 2 处表格数据、0 处文字发生变化" in changes
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#changes table.diff tbody tr")]
    assert any("15.00" in r and "14.50" in r for r in rows) and any("2.00" in r and "2.50" in r for r in rows)
