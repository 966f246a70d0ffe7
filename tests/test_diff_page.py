"""The diff page (``pipeline diff --html``), in a real headless Chromium: each changed region's old and
new text side by side, the changed words and values marked, the findings that came or went. A
screenshot is kept in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.conftest import cli
from tests.test_review import ARTIFACTS, browser, browser_only  # noqa: F401 - the shared headless Chromium fixture


@pytest.fixture(scope="module")
def diff_page(seed_output, every_kind_output, tmp_path_factory):
    path = tmp_path_factory.mktemp("diff-page") / "diff.html"
    result = cli("diff", str(seed_output), str(every_kind_output), "--html", str(path), cwd=path.parent)
    assert result.returncode == 1 and result.stdout.startswith("# Extraction changes")
    return path


def test_page_is_self_contained(diff_page):
    html = diff_page.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "<link" not in html and "src=" not in html


def test_no_changes_page(seed_output, tmp_path):
    path = tmp_path / "same.html"
    assert cli("diff", str(seed_output), str(seed_output), "--html", str(path), cwd=tmp_path).returncode == 0
    assert "No changes." in path.read_text(encoding="utf-8")


@browser_only
def test_diff_page_in_chromium(browser, diff_page):  # noqa: F811 - the fixture
    from selenium.webdriver.common.by import By

    def within(county: str, selector: str) -> list:
        return browser.find_elements(By.CSS_SELECTOR, f'article.region[data-region="{county}"] {selector}')

    browser.get(diff_page.as_uri())
    assert browser.title == "Extraction changes"
    regions = {a.get_attribute("data-region"): a.get_attribute("data-kind")
               for a in browser.find_elements(By.CSS_SELECTOR, "article.region")}
    assert regions == {"01": "changed", "03": "changed", "07": "changed", "08": "added", "10": "changed",
                       "20": "changed", "23": "changed"}
    summary = browser.find_element(By.CSS_SELECTOR, "section.summary").text
    assert "6 regions changed" in summary and "1 region added" in summary

    # the renamed contact: struck out on the old side, marked on the new, outlined with its change
    assert [e.text for e in within("23", ".side.old del")] == ["Jessica Ottosson,"]
    assert [e.text for e in within("23", ".side.new ins")] == ["Lina Holm,"]
    outlined = within("23", ".side.new .changed")
    assert [e.text for e in outlined] == ["Lina Holm"]
    assert outlined[0].get_attribute("title") == (
        "contact changed: Jessica Ottosson → Lina Holm, projektledare, Coompanion")

    # the count, both sides; the word diff of a section; the old and new text side by side
    assert [e.text for e in within("10", ".side.old .changed")] == ["44"]
    assert [e.text for e in within("10", ".side.new .changed")] == ["47"]
    assert [e.text for e in within("01", ".side.new ins")] == ["framför allt"]
    old_side, new_side = within("20", ".side.old"), within("20", ".side.new")
    assert [e.location["y"] for e in old_side] == [e.location["y"] for e in new_side]  # row by row
    assert all(o.location["x"] < n.location["x"] for o, n in zip(old_side, new_side))
    old_partners, new_partners = (within("20", f'.side.{side} p[data-section="partners"]')[0].text
                                  for side in ("old", "new"))
    assert old_partners == "Samverkanspartners: Coompanion, Fornby folkhögskola, Högskolan Dalarna och Samarkand2015"
    assert new_partners == "Samverkanspartners: Coompanion, Fornby folkhögskola och Samarkand2015"
    assert [e.text for e in within("20", ".side.old .changed")] == ["Högskolan Dalarna"]

    # a region added: the new side only, and the findings that came with it
    assert within("08", ".side.old .absent")[0].text == "not in the old extraction"
    came = [e.text for e in within("08", ".findings li.came")]  # Kalmar has one count line of three
    assert {text.split(" — ")[0] for text in came} == {"finding new: info missing_section",
                                                        "finding new: warning missing_count_line"}
    assert "finding new: warning missing_count_line — “business_promoters”" in came
    assert "Kontakt: Eva Berg, PL, regionen" in [e.text for e in within("08", ".side.new p")]

    document = browser.find_element(By.CSS_SELECTOR, "article.document-json").text
    assert "finding new: warning region_count_mismatch" in document

    browser.set_window_size(1400, 2400)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "diff.png"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


@browser_only
def test_diff_page_on_a_phone_stacks_old_over_new_and_passes_axe(browser, diff_page):  # noqa: F811
    from selenium.webdriver.common.by import By

    from tests.test_review import PHONE, _axe_violations

    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        browser.get(diff_page.as_uri())
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"
        old = browser.find_element(By.CSS_SELECTOR, 'article.region[data-region="20"] .side.old p[data-section="partners"]')
        new = browser.find_element(By.CSS_SELECTOR, 'article.region[data-region="20"] .side.new p[data-section="partners"]')
        assert old.location["x"] == new.location["x"] and old.location["y"] < new.location["y"]  # stacked
        label = browser.execute_script(
            "return getComputedStyle(arguments[0].parentElement, '::before').content", new)
        assert label == '"new"'
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "diff-page-390.png"))
        violations = [v for v in _axe_violations(browser) if v["impact"] in ("serious", "critical")]
        assert violations == [], violations
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.set_window_size(1280, 1000)
    browser.get(diff_page.as_uri())
    browser.save_screenshot(str(ARTIFACTS / "diff-page-1280.png"))
    assert [v for v in _axe_violations(browser) if v["impact"] in ("serious", "critical")] == []
