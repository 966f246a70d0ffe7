"""The review page, in a real headless Chromium: it loads cleanly, shows every region, and selecting a
highlight shows its field, value and rule. A screenshot is kept in test-artifacts/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ARTIFACTS = ROOT / "test-artifacts"

if not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("REQUIRE_BROWSER"):
    pytest.skip("Chromium and chromedriver are not installed (CI installs them and sets REQUIRE_BROWSER)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def review_page(seed_output) -> Path:
    return seed_output / "review" / "index.html"


def test_page_is_one_self_contained_file(review_page):
    html = review_page.read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert list(review_page.parent.iterdir()) == [review_page]


def test_review_page_in_chromium(browser, review_page):
    from selenium.webdriver.common.by import By

    browser.get(review_page.as_uri())
    assert browser.title == "Review: extracted regions"
    regions = browser.find_elements(By.CSS_SELECTOR, "article.region")
    assert sorted(r.get_attribute("data-county") for r in regions) == sorted(
        ["10", "20", "21", "23", "06", "07", "25", "12", "01", "04", "03", "24", "22", "19", "14", "18", "05"])
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.text.count("no project") == 4

    contact = browser.find_element(By.CSS_SELECTOR, 'article[data-county="25"] .k-contact')
    contact.click()
    fields = [dd.text for dd in browser.find_elements(By.CSS_SELECTOR, '#details dd[data-key="field"]')]
    values = [dd.text for dd in browser.find_elements(By.CSS_SELECTOR, '#details dd[data-key="value"]')]
    assert fields[0] == "contact" and values[0] == "Kristin Bergwall (current)"
    assert "section contact" in fields

    typo = next(e for e in browser.find_elements(By.CSS_SELECTOR, 'article[data-county="22"] .k-mention')
                if e.text == "Coomapanion")
    typo.click()
    rule = browser.find_element(By.CSS_SELECTOR, '#details dd[data-key="rule"]').text
    assert rule.startswith("misspelling") and "coompanion" in browser.find_element(
        By.CSS_SELECTOR, '#details dd[data-key="value"]').text

    count = browser.find_element(By.CSS_SELECTOR, 'article[data-county="12"] .k-count')
    browser.execute_script("arguments[0].scrollIntoView()", count)
    count.click()
    assert browser.find_element(By.CSS_SELECTOR, '#details dd[data-key="value"]').text.startswith("64 (stated")

    finding_link = browser.find_element(By.CSS_SELECTOR, 'article[data-county="12"] a.goto')
    finding_link.click()
    assert browser.find_element(By.CSS_SELECTOR, ".hl.selected") is not None

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "review.png"))
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
