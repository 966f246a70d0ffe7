"""The review site, in a real headless Chromium: it loads cleanly, shows every region, selecting a
highlight shows its field, value, rule and findings, the findings list filters and n/p step through
it, a phone-width viewport has no horizontal overflow and puts the panel below the text, and axe-core
(from the npm registry, run inside the page) finds no serious or critical WCAG 2.1 AA violation.
Screenshots at desktop and phone width are kept in test-artifacts/."""

from __future__ import annotations

import html
import json
import os
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.review import site as review
from pipeline.review.site import DOCUMENTS_PER_PAGE, ReviewWriter
from tests.conftest import PROFILE, ROOT

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REQUIRED = bool(os.environ.get("REQUIRE_BROWSER"))
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_page_is_one_self_contained_file(seed_output):
    review = seed_output / "review"
    page = (review / "index.html").read_text(encoding="utf-8")
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert not re.search(r"<(link|img|iframe)\b|<script[^>]+src=", page)  # nothing loaded from anywhere
    assert sorted(p.name for p in review.iterdir()) == ["index.html"]
    assert '<html lang="en">' in page and 'class="source" lang="sv"' in page


_SPAN = st.builds(lambda kind, start, size: {"kind": kind, "start": start, "end": start + size},
                  st.sampled_from(sorted(review.KIND_ORDER)), st.integers(0, 40), st.integers(0, 12))


@settings(max_examples=300, deadline=None)
@given(st.text("ab <&\n", min_size=1, max_size=40), st.lists(_SPAN, max_size=8))
def test_every_piece_names_exactly_the_spans_that_cover_it_most_specific_first(text, spans):
    page = review._highlighted(text, 0, spans, [], "p:")
    at = 0
    for match in re.finditer(r'<span class="hl k-(\w+)" data-s="([^"]*)"[^>]*>([^<]*)</span>|([^<]+)', page):
        kind, named, inner, plain = match.groups()
        piece = html.unescape(inner if plain is None else plain)
        covering = [i for i, s in enumerate(spans) if s["start"] <= at and at + len(piece) <= s["end"]]
        if plain is not None:
            assert covering == []
        else:
            assert [int(n.removeprefix("p:")) for n in named.split()] == sorted(
                covering, key=lambda i: (spans[i]["end"] - spans[i]["start"], -review.KIND_ORDER[spans[i]["kind"]], i))
            innermost = max(covering, key=lambda i: (review.KIND_ORDER[spans[i]["kind"]],
                                                     spans[i]["start"] - spans[i]["end"], -i))
            assert kind == spans[innermost]["kind"]
        at += len(piece)
    assert at == len(text)


def test_a_count_shows_how_it_was_read_where_it_is_shown(tmp_path):
    """"cirka 44" is ≈ 44 in the region table and the chart, the panel names 'cirka'; "drygt 230"
    is ≥ 230; a line that only names organisations is "4 listed"; the legend says what the marks mean."""
    from pipeline.runner.run import extract_text
    from pipeline.runner.sources import Source
    from tests.conftest import COMPILED, SEED

    text = SEED.read_text(encoding="utf-8").replace("Kända sociala företag: 44\n", "Kända sociala företag: cirka 44\n")
    text = text.replace("Kända sociala företag: 232\n", "Kända sociala företag: drygt 230\n")
    extraction, _ = extract_text(Source(tmp_path / "x.txt", "raw/x.txt", "x", "text"), text.encode(), COMPILED)
    page = review.document_fragment(extraction, PROFILE)
    blekinge = re.search(r'<tr><th scope="row"><a href="#x--10-blekinge">.*?</tr>', page).group(0)
    assert '<td data-label="known social enterprises">≈ 44</td>' in blekinge
    assert '<td data-label="business promoters">4 listed</td>' in blekinge  # Coompanion, Almi, BBI, Nyföretagarcentrum
    vg = re.search(r'<tr><th scope="row"><a href="#x--14-vastra-gotaland">.*?</tr>', page).group(0)
    assert '<td data-label="known social enterprises">≥ 230</td>' in vg
    assert '<span class="v">≈ 44</span>' in page and '<span class="v">≥ 230</span>' in page  # the chart
    assert "≈ approximately" in page and "≥ at least" in page and "listed" in page  # the legend
    blekinge_count = extraction.regions[0].counts["known_social_enterprises"]
    assert review.qualifier_words(blekinge_count, PROFILE) == "'cirka'"
    assert "approximate, set by 'cirka'" in html.unescape(page)  # the panel's rule for the count


@pytest.mark.parametrize("raw, value, qualifier, shown, why", [
    ("ca 60", 60, "approximate", "≈ 60", "'ca'"),
    ("ett 20-tal", 20, "approximate", "≈ 20", "'-tal' (a round number)"),
    ("40+", 40, "at_least", "≥ 40", "'+'"),
    ("20–25", 20, "at_least", "≥ 20", "a range (its lower bound)"),
    ("knappt 20", 20, "at_most", "≤ 20", "'knappt'"),
    ("12", 12, "exact", "12", ""),
])
def test_each_qualifier_is_marked_and_its_words_named(raw, value, qualifier, shown, why):
    from pipeline.models import Count

    count = Count(value=value, basis="stated", qualifier=qualifier, raw=raw)
    assert review.count_text(count) == shown and review.qualifier_words(count, PROFILE) == why


def test_many_documents_get_a_page_each_linked_from_an_index(seed, tmp_path, monkeypatch):
    assert DOCUMENTS_PER_PAGE == 20  # the limit; the test lowers it to stay fast
    monkeypatch.setattr(review, "DOCUMENTS_PER_PAGE", 3)
    folder = tmp_path / "review"
    writer = ReviewWriter(folder, PROFILE)
    count = 4
    for n in range(count):
        document = seed.document.model_copy(update={"document_id": f"report-{n:02d}"})
        writer.add(seed.model_copy(update={"document": document}))
    written = writer.finish()
    pages = sorted(p.name for p in (folder / "documents").iterdir())
    assert pages == [f"report-{n:02d}.html" for n in range(count)]
    assert sorted(p.relative_to(folder).as_posix() for p in written) == sorted(
        ["index.html", *(f"documents/{p}" for p in pages)])
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="(documents/[^"]+)"', index) == [f"documents/{p}" for p in pages]
    one = (folder / "documents" / "report-02.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in one and one.count('<section class="document"') == 1
    assert 'id="doc-report-02"' in one and "report-03" not in one
    assert not (folder / ".parts").exists()


def test_up_to_the_limit_documents_share_one_page(seed, tmp_path):
    folder = tmp_path / "review"
    writer = ReviewWriter(folder, PROFILE)
    for n in range(2):
        writer.add(seed.model_copy(update={"document": seed.document.model_copy(update={"document_id": f"r{n}"})}))
    writer.finish()
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert page.count('<section class="document"') == 2 and 'href="#doc-r1"' in page


# --- in the browser ------------------------------------------------------------------------------

_needs_chromium = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER) and not REQUIRED,
                                     reason="Chromium and chromedriver are not installed (CI installs them and sets "
                                            "REQUIRE_BROWSER)")


def browser_only(test):
    """A test that drives headless Chromium: skipped without it, and slow, so `make test-slow` runs it
    (with axe-core installed), not `make test` (the conftest hook also marks every test that asks
    for the ``browser`` fixture; this one may reach it through ``request.getfixturevalue``)."""
    return pytest.mark.slow(_needs_chromium(test))


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
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def desktop(browser, seed_output):
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get((seed_output / "review" / "index.html").as_uri())
    yield browser
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


@pytest.fixture
def phone(browser, seed_output):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    browser.get((seed_output / "review" / "index.html").as_uri())
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def _details(browser, key: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [dd.text for dd in browser.find_elements(By.CSS_SELECTOR, f'#details dd[data-key="{key}"]')]


def _findings_on_value(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    return [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#details .on-value code")]


def _axe_violations(browser) -> list[dict]:
    if not AXE.is_file():
        if REQUIRED:
            pytest.fail(f"{AXE} is missing: `make test` installs axe-core from package-lock.json (npm ci)")
        pytest.skip("axe-core is not installed (make test installs it with npm)")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))), e => done([{id: 'axe-error', "
        "impact: 'critical', help: String(e), nodes: []}]));", WCAG_AA)
    return result


@browser_only
def test_review_page_in_chromium(desktop):
    from selenium.webdriver.common.by import By

    browser = desktop
    assert browser.title == "Review: extracted regions"
    regions = browser.find_elements(By.CSS_SELECTOR, "article.region[data-county]")
    assert sorted(r.get_attribute("data-county") for r in regions) == sorted(
        ["10", "20", "21", "23", "06", "07", "25", "12", "01", "04", "03", "24", "22", "19", "14", "18", "05"])
    chart = browser.find_element(By.CSS_SELECTOR, "table.chart")
    assert chart.text.count("no project") == 4  # Kalmar, Gotland, Halland and Värmland have none

    # the region index links every region to its text, with its counts and findings
    index_links = browser.find_elements(By.CSS_SELECTOR, "table.index tbody th a")
    assert len(index_links) == 17
    skane = next(a for a in index_links if a.text == "12 Skåne län")
    row = skane.find_element(By.XPATH, "./ancestor::tr").text
    assert "64" in row and "1 warning" in row  # "Kända sociala företag: 64"; its promoter list is 15, not 17
    skane.click()
    assert browser.execute_script("return location.hash") == "#tillvaxtverket-sa-arbetar-regionerna--12-skane"

    contact = browser.find_element(By.CSS_SELECTOR, 'article[data-county="25"] .k-contact')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", contact)
    contact.click()
    assert _details(browser, "field")[0] == "contact" and _details(browser, "value")[0] == "Kristin Bergwall (current)"
    assert "section contact" in _details(browser, "field")
    assert browser.find_element(By.CSS_SELECTOR, "#details h3").text == "No findings on this value"

    # "samarbetar fortsatt med Coomapanion": a misspelling, resolved and reported on the value itself
    typo = next(e for e in browser.find_elements(By.CSS_SELECTOR, 'article[data-county="22"] .k-mention')
                if e.text == "Coomapanion")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", typo)
    typo.click()
    assert _details(browser, "rule")[0].startswith("misspelling") and "coompanion" in _details(browser, "value")[0]
    assert _findings_on_value(browser) == ["typo_corrected"]

    # "Företagsfrämjare ...: 17 (Coomp, Nätverket, ...)" states 17 and names 15
    count = next(e for e in browser.find_elements(By.CSS_SELECTOR, 'article[data-county="12"] .k-count')
                 if e.text.startswith("17"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", count)
    count.click()
    assert _details(browser, "value")[0].startswith("17 (stated")
    assert "count_list_mismatch" in _findings_on_value(browser)
    assert _details(browser, "raw")[0].startswith("17 (Coomp, Nätverket, SoPact")  # the model's other fields

    ARTIFACTS.mkdir(exist_ok=True)
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(ARTIFACTS / "review-desktop.png"))
    panel = browser.find_element(By.ID, "panel").rect
    text = browser.find_element(By.ID, "documents").rect
    assert panel["x"] >= text["x"] + text["width"]  # on a desktop the panel is beside the text


@browser_only
def test_findings_filter_and_next_previous_keys(desktop):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser = desktop
    box = browser.find_element(By.CSS_SELECTOR, ".findings")
    rows = box.find_elements(By.CSS_SELECTOR, "tr[data-fid]")
    Select(box.find_element(By.CSS_SELECTOR, 'select[data-filter="sev"]')).select_by_value("warning")
    # warnings in the source: Skåne's promoter count (17 stated, 15 named), Stockholm's garbled
    # "Eks00,,,,,,0000käret" and its name no rule read, Örebro's three count lines that are missing
    # altogether and its two sub-headings whose text no value takes
    assert box.find_element(By.CSS_SELECTOR, ".status").text == f"8 of {len(rows)} findings shown"
    shown = [r for r in rows if r.is_displayed()]
    assert sorted(r.get_attribute("data-code") for r in shown) == sorted(
        ["count_list_mismatch", "garbled_text", "name_not_read", "missing_count_line", "missing_count_line",
         "missing_count_line", "subheading_section", "subheading_section"])

    body = browser.find_element(By.TAG_NAME, "body")
    positions = []
    for key in ("n", "n", "n", "n", "p"):
        body.send_keys(key)
        selected = browser.find_element(By.CSS_SELECTOR, ".source .hl.selected")
        positions.append((selected.find_element(By.XPATH, "./ancestor::article").get_attribute("data-county"),
                          _findings_on_value(browser)))
    # Skåne, then Stockholm (the name no rule read, the garbled name), then Örebro's sub-headings, in
    # the report's order; Örebro's missing lines have no place, so n/p skip them
    assert [county for county, _ in positions] == ["12", "01", "01", "18", "01"]
    assert "count_list_mismatch" in positions[0][1]
    assert {"garbled_text", "name_not_read"} <= set(positions[1][1]) | set(positions[2][1])
    assert "subheading_section" in positions[3][1]
    assert browser.find_element(By.ID, "position").text.startswith("Finding 3 of 5")

    Select(box.find_element(By.CSS_SELECTOR, 'select[data-filter="sev"]')).select_by_value("")
    Select(box.find_element(By.CSS_SELECTOR, 'select[data-filter="code"]')).select_by_value("typo_corrected")
    # "Coomp" (Skåne), "Suptopia" twice (Stockholm), "Coomapanion" twice (Västernorrland)
    assert box.find_element(By.CSS_SELECTOR, ".status").text == f"5 of {len(rows)} findings shown"
    Select(box.find_element(By.CSS_SELECTOR, 'select[data-filter="region"]')).select_by_visible_text(
        "22 Västernorrlands län (4)")  # the "företan" label variant, two Coomapanion, the purpose prose
    assert box.find_element(By.CSS_SELECTOR, ".status").text == f"2 of {len(rows)} findings shown"

    # keyboard: one tab stop per text, arrows move between its values, Enter selects
    source = browser.find_element(By.CSS_SELECTOR, 'article[data-county="25"] .source')
    stops = source.find_elements(By.CSS_SELECTOR, '.hl[tabindex="0"]')
    assert len(stops) == 1 and stops[0].get_attribute("role") == "button"
    stops[0].send_keys(Keys.ARROW_RIGHT)
    focused = browser.switch_to.active_element
    assert focused != stops[0] and focused.get_attribute("role") == "button"
    focused.send_keys(Keys.ENTER)
    assert "selected" in focused.get_attribute("class") and _details(browser, "field")


@browser_only
def test_phone_width_has_no_horizontal_overflow_and_the_panel_is_below_the_text(phone):
    from selenium.webdriver.common.by import By

    browser = phone
    assert browser.execute_script("return window.innerWidth") == PHONE["width"]
    overflow = browser.execute_script(
        "const w = document.documentElement.clientWidth;"
        "return [document.documentElement.scrollWidth, w, [...document.querySelectorAll('body *')]"
        ".filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 0.5; })"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)];")
    scroll_width, width, too_wide = overflow
    assert scroll_width <= width and too_wide == []
    overflow_x = browser.execute_script("return [getComputedStyle(document.documentElement).overflowX, "
                                        "getComputedStyle(document.body).overflowX]")
    assert "hidden" not in overflow_x and "clip" not in overflow_x  # no overflow merely hidden

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "review-phone.png"))
    panel = browser.find_element(By.ID, "panel")
    last_text = browser.find_elements(By.CSS_SELECTOR, ".region .source")[-1]
    assert panel.rect["y"] >= last_text.rect["y"] + last_text.rect["height"]
    assert panel.rect["width"] <= PHONE["width"]

    contact = browser.find_element(By.CSS_SELECTOR, 'article[data-county="25"] .k-contact')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", contact)
    contact.click()
    text = browser.find_element(By.CSS_SELECTOR, 'article[data-county="25"] .source')
    assert panel.rect["y"] >= text.rect["y"] + text.rect["height"]  # below the text it explains
    assert _details(browser, "value")[0] == "Kristin Bergwall (current)"
    in_view = browser.execute_script("const r = arguments[0].getBoundingClientRect(); "
                                      "return r.top < window.innerHeight && r.bottom > 0;", panel)
    assert in_view
    browser.save_screenshot(str(ARTIFACTS / "review-phone-selected.png"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]


@browser_only
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_serious_or_critical_wcag_violation(viewport, request):
    from selenium.webdriver.common.by import By

    browser = request.getfixturevalue(viewport)
    # the whole page, with the panel filled in: a value with findings selected
    typo = next(e for e in browser.find_elements(By.CSS_SELECTOR, 'article[data-county="22"] .k-mention')
                if e.text == "Coomapanion")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", typo)
    typo.click()
    violations = _axe_violations(browser)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{viewport}.json").write_text(json.dumps(violations, indent=2) + "\n", encoding="utf-8")
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []


@browser_only
def test_index_of_many_documents_in_chromium(browser, seed, tmp_path, monkeypatch):
    from selenium.webdriver.common.by import By

    monkeypatch.setattr(review, "DOCUMENTS_PER_PAGE", 1)
    writer = ReviewWriter(tmp_path / "review", PROFILE)
    for n in range(2):
        writer.add(seed.model_copy(update={"document": seed.document.model_copy(update={"document_id": f"d{n}"})}))
    writer.finish()
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get((tmp_path / "review" / "index.html").as_uri())
    assert [v for v in _axe_violations(browser) if v["impact"] in ("serious", "critical")] == []
    browser.find_element(By.LINK_TEXT, "Så arbetar regionerna").click()
    assert browser.current_url.endswith("/documents/d0.html")
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.region[data-county]")) == 17
    browser.find_element(By.TAG_NAME, "body").send_keys("n")
    assert browser.find_elements(By.CSS_SELECTOR, ".source .hl.selected")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_site_says_what_changed_since_the_extraction_it_replaces(tmp_path):
    """A second run after the source changed: the review site lists the edits since the previous
    extraction, one line each, the region linked to its text; a run that changes nothing adds nothing."""
    from pipeline.runner import run as runner
    from tests.conftest import SEED

    (tmp_path / "raw").mkdir()
    source = tmp_path / "raw" / "rapport.txt"
    source.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    paths = (tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    runner.run(*paths)
    page = (tmp_path / "output" / "review" / "index.html").read_text(encoding="utf-8")
    assert "Changed since" not in page  # nothing to compare with
    source.write_text(SEED.read_text(encoding="utf-8").replace("Kända sociala företag: 44\n",
                                                               "Kända sociala företag: 47\n"), encoding="utf-8")
    runner.run(*paths)
    page = (tmp_path / "output" / "review" / "index.html").read_text(encoding="utf-8")
    assert '<h3 id="rapport-since">Changed since the previous extraction</h3>' in page
    assert ('<li><a href="#rapport--10-blekinge">10 Blekinge län</a><ul><li><code>known_social_enterprises</code>: '
            "44 (stated) → 47 (stated)</li></ul></li>") in page  # the edit itself, old and new
    runner.run(*paths)  # nothing changed since: nothing to say
    assert "Changed since" not in (tmp_path / "output" / "review" / "index.html").read_text(encoding="utf-8")
    # the same report saved under a new file name is compared with its old self, not "added"
    source.rename(tmp_path / "raw" / "rapport-2025-05-01.txt")
    (tmp_path / "raw" / "rapport-2025-05-01.txt").write_text(
        SEED.read_text(encoding="utf-8").replace("Kända sociala företag: 44\n", "Kända sociala företag: 48\n"),
        encoding="utf-8")
    runner.run(*paths)
    page = (tmp_path / "output" / "review" / "index.html").read_text(encoding="utf-8")
    assert "document added" not in page and "47 (stated) → 48 (stated)" in page
    assert "document_id: rapport → rapport-2025-05-01" in page
