"""Units that are not counties: a family of projects declares ``unit = "free"``, and each project
is found by its heading (the line before its first "Län:" line), identified by the slug of its
title, placed by its "Län:" and "Kommun:" lines, and its item sections keep their names.

The text and profile here are small and written for these tests; every expected value is read
from the text below.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline import profile as profiles
from pipeline.compiled import compile_profile
from pipeline.profile import ProfileError
from pipeline.runner.run import extract_text
from pipeline.runner.sources import Source
from tests.conftest import cli

PROFILE = """
id = "projects"
title = "Beviljade projekt för test"
publisher = "Testverket"

[regions]
unit = "free"
heading_before = "county"
summary_expected = false
county_section = "county"
municipality_section = "municipality"

[[sections]]
id = "county"
label = "Län"

[[sections]]
id = "municipality"
label = "Kommun"

[[sections]]
id = "activities"
label = "Aktiviteter"
reads_as = "items"

[[sections]]
id = "results"
label = "Förväntade resultat"
reads_as = "items"
expected = false

[[metrics]]
id = "granted"
label = "Beviljat stöd"
type = "money"
unit = "SEK"
"""

TEXT = """Testverket

Beviljade projekt för test

Här presenteras tre projekt som fått stöd för att utveckla service på landsbygden i flera län.

Servicepunkt

Län: Uppsala län
Kommun: Östhammar
Beviljat stöd: 480 tkr
Aktiviteter:
1. Inreda en servicepunkt.
2. Sätta upp paketskåp.
Förväntade resultat:
Kortare resor för de boende.

Servicepunkter på Gotland

Län: Gotlands län
Kommun: Gotland
Beviljat stöd: 1,8 mnkr
Aktiviteter:
• Upphandla paketskåp.
Förväntade resultat:
– Fler öppna butiker.
– Bättre service.

Gränslös fjällservice

Län: Västerbottens län och Norrbottens län
Kommun: Storuman, Sorsele och Ankeborg
Beviljat stöd: 2 500 000 kr
Aktiviteter:
1. Samordna leveranser.
"""


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    folder = tmp_path_factory.mktemp("family")
    path = folder / "projects.toml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def extraction(family, tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw") / "projekt.txt"
    raw.write_text(TEXT, encoding="utf-8")
    compiled = compile_profile(profiles.load(family))
    extracted, _ = extract_text(Source(raw, "raw/projekt.txt", "projekt", "text"), raw.read_bytes(), compiled)
    return extracted


def test_each_project_is_a_unit_found_by_the_line_before_its_first_label(extraction):
    assert [r.title for r in extraction.regions] == ["Servicepunkt", "Servicepunkter på Gotland",
                                                    "Gränslös fjällservice"]
    assert [r.unit_id for r in extraction.regions] == ["servicepunkt", "servicepunkter-pa-gotland",
                                                      "granslos-fjallservice"]
    assert extraction.document.region_files == ["servicepunkt.json", "servicepunkter-pa-gotland.json",
                                                "granslos-fjallservice.json"]


def test_a_unit_is_placed_by_its_county_and_municipality_lines(extraction):
    first, gotland, mountains = extraction.regions
    assert (first.county_code, first.county_codes, first.municipality_codes) == ("03", ["03"], ["0382"])
    assert (gotland.county_code, gotland.county_codes, gotland.municipality_codes) == ("09", ["09"], ["0980"])
    assert (mountains.county_code, mountains.county_codes) == ("24", ["24", "25"])
    assert mountains.municipality_codes == ["2421", "2422"]  # Storuman, Sorsele; "Ankeborg" is no municipality
    unknown = [f for f in mountains.quality if f.code.value == "unit_place_unknown"]
    assert [(f.severity, f.field, f.evidence) for f in unknown] == [("warning", "municipality_codes", "Ankeborg")]
    assert all(f.unit_id == "granslos-fjallservice" for f in mountains.quality)
    has_project = {c.county_code for c in extraction.document.counties if c.has_project}
    assert has_project == {"03", "09", "24", "25"}


def test_items_keep_their_section(extraction):
    first, gotland, mountains = extraction.regions
    assert [(i.section, i.ordinal, i.label) for i in first.items] == [
        ("activities", 1, "1."), ("activities", 2, "2."), ("results", 1, None)]
    assert first.items[2].text == "Kortare resor för de boende."  # a section of prose is one item
    assert [(i.section, i.label) for i in gotland.items] == [("activities", "•"), ("results", "–"), ("results", "–")]
    assert [(i.section, i.label) for i in mountains.items] == [("activities", "1.")]


def test_typed_values_of_free_units(extraction):
    assert [r.counts["granted"].value for r in extraction.regions] == [480_000, 1_800_000, 2_500_000]


def test_the_units_dataset_names_every_row_s_unit(family, tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "projekt.txt").write_text(TEXT, encoding="utf-8")
    result = cli("extract", "-q", "--profile", str(family), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    parquet = tmp_path / "output" / "parquet"
    regions = pd.read_parquet(parquet / "regions.parquet")
    assert list(regions.unit_id) == ["servicepunkt", "servicepunkter-pa-gotland", "granslos-fjallservice"]
    assert [list(c) for c in regions.county_codes] == [["03"], ["09"], ["24", "25"]]
    items = pd.read_parquet(parquet / "items.parquet")
    assert list(zip(items.unit_id, items.section, items.label.fillna("-"))) == [
        ("servicepunkt", "activities", "1."), ("servicepunkt", "activities", "2."), ("servicepunkt", "results", "-"),
        ("servicepunkter-pa-gotland", "activities", "•"), ("servicepunkter-pa-gotland", "results", "–"),
        ("servicepunkter-pa-gotland", "results", "–"), ("granslos-fjallservice", "activities", "1.")]
    measures = pd.read_parquet(parquet / "measures.parquet")
    assert list(measures.unit_id) == list(regions.unit_id) and list(measures.value) == [480_000, 1_800_000, 2_500_000]
    quality = pd.read_parquet(parquet / "quality.parquet")
    assert "granslos-fjallservice" in set(quality.unit_id)
    stored = json.loads((tmp_path / "output" / "json" / "projekt" / "servicepunkt.json").read_text("utf-8"))
    assert stored["unit_id"] == "servicepunkt" and stored["municipality_codes"] == ["0382"]
    page = (tmp_path / "output" / "review" / "index.html").read_text("utf-8")
    assert "Gränslös fjällservice" in page and "per unit" in page


@pytest.mark.parametrize(("change", "message"), [
    (('unit = "free"\nheading_before = "county"', 'unit = "free"'), "free units need heading_before"),
    (('heading_before = "county"', 'heading_before = "kommun"'), "regions.heading_before: 'kommun' is not the id"),
    (('unit = "free"\nheading_before = "county"', 'heading_forms = ["Servicepunkt"]'), "names no county"),
    (('unit = "free"\nheading_before = "county"', 'unit = "county"'), "county units need heading_forms"),
])
def test_a_profile_that_cannot_find_its_units_is_refused_at_load(tmp_path, change, message):
    path = tmp_path / "broken.toml"
    path.write_text(PROFILE.replace(*change), encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        profiles.load(path)


MUNICIPAL_PROFILE = """
id = "municipal"
title = "Service i kommunerna"

[regions]
unit = "municipality"
heading_forms = ["{municipality_body}"]
summary_expected = false

[[sections]]
id = "shops"
label = "Butiker"
reads_as = "items"

[[metrics]]
id = "service_points"
label = "Servicepunkter"
"""

MUNICIPAL_TEXT = """Service i kommunerna

En sammanställning av service på landsbygden i två kommuner under året som gick.

Östhammars kommun

Servicepunkter: 4
Butiker:
• Handelsboden på Norrlandet

Borås stad

Servicepunkter: 2
Butiker:
• Lanthandeln i Sandared
"""


def test_municipality_units_are_found_by_their_heading_forms(tmp_path):
    profile_path = tmp_path / "municipal.toml"
    profile_path.write_text(MUNICIPAL_PROFILE, encoding="utf-8")
    raw = tmp_path / "kommuner.txt"
    raw.write_text(MUNICIPAL_TEXT, encoding="utf-8")
    compiled = compile_profile(profiles.load(profile_path))
    extraction, _ = extract_text(Source(raw, "raw/kommuner.txt", "kommuner", "text"), raw.read_bytes(), compiled)
    units = [(r.unit_id, r.county_code, r.municipality_codes, r.counts["service_points"].value)
             for r in extraction.regions]
    assert units == [("0382", "03", ["0382"], 4), ("1490", "14", ["1490"], 2)]
    assert extraction.document.region_files == ["0382-osthammars-kommun.json", "1490-boras-stad.json"]


def test_a_municipality_heading_form_names_a_municipality(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(MUNICIPAL_PROFILE.replace("{municipality_body}", "{county_name}"), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"regions.heading_forms: .*unknown placeholder \{county_name\} for "
                                           "municipality units"):
        profiles.load(path)


def _extract_fixture(name: str, profile_name: str):
    from tests.conftest import ROOT

    folder = ROOT / "tests" / "fixtures"
    compiled = compile_profile(profiles.load(folder / profile_name))
    path = folder / name
    return extract_text(Source(path, f"raw/{name}", path.stem, "text"), path.read_bytes(), compiled)[0]


def test_a_new_profile_reads_swedish_qualifiers_without_listing_them_and_finds_units_by_either_label():
    # tests/fixtures/decisions.toml declares no [counts]; decisions.txt writes "ca 2 mnkr", "drygt 20",
    # "knappt 5"; its second block has no "Län:" line, only "Kommun: Borås"
    extraction = _extract_fixture("decisions.txt", "decisions.toml")
    assert extraction.document.title == "Testbeslut – större beslut"  # its title "Testbeslut" with an en dash
    first, second = extraction.regions
    assert (first.counts["granted"].value, first.counts["granted"].qualifier) == (2_000_000, "approximate")
    assert (first.counts["jobs"].value, first.counts["jobs"].qualifier) == (20, "at_least")
    assert (second.counts["jobs"].value, second.counts["jobs"].qualifier) == (5, "at_most")
    assert (second.title, second.municipality_codes, second.county_codes) == ("Företag Två AB", ["1490"], ["14"])
    # "Beviljat stöd: 12 mnkr" right after a value line: an unforeseen label, named
    unknown = [f for f in first.quality if f.code.value == "unknown_label"]
    assert [f.evidence for f in unknown] == ["Beviljat stöd"]
    # "Extra" is declared expected = false: no unit reports its absence
    assert not [f for r in extraction.regions for f in r.quality if f.field == "extra"]


def test_check_profile_says_what_a_profile_declares(tmp_path):
    from tests.conftest import ROOT

    result = cli("check-profile", str(ROOT / "tests" / "fixtures" / "decisions.toml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "profile 't4' ('Testbeslut') loads" in result.stdout
    assert "units: free, found by the line before its 'county' or 'municipality' label" in result.stdout
    assert "values: granted (money, SEK), jobs (count), extra (date)" in result.stdout
    broken = tmp_path / "broken.toml"
    broken.write_text("id = 'x'\ntitle = 'X'\n[regions]\nunit = 'free'\n", encoding="utf-8")
    result = cli("check-profile", str(broken), cwd=tmp_path)
    assert result.returncode != 0 and result.stderr.count("\n") == 1 and "free units need heading_before" in result.stderr
    assert not (tmp_path / "docs").exists()  # it writes nothing


def test_free_units_found_by_a_heading_pattern(tmp_path):
    profile_path = tmp_path / "numbered.toml"
    profile_path.write_text(PROFILE.replace('heading_before = "county"', "heading_pattern = 'Projekt \\d+: .+'"),
                            encoding="utf-8")
    text = TEXT.replace("\nServicepunkt\n", "\nProjekt 1: Servicepunkt\n").replace(
        "\nServicepunkter på Gotland\n", "\nProjekt 2: Servicepunkter på Gotland\n").replace(
        "\nGränslös fjällservice\n", "\nProjekt 3: Gränslös fjällservice\n")
    raw = tmp_path / "projekt.txt"
    raw.write_text(text, encoding="utf-8")
    compiled = compile_profile(profiles.load(profile_path))
    extraction, _ = extract_text(Source(raw, "raw/projekt.txt", "projekt", "text"), raw.read_bytes(), compiled)
    assert [r.unit_id for r in extraction.regions] == ["projekt-1-servicepunkt", "projekt-2-servicepunkter-pa-gotland",
                                                      "projekt-3-granslos-fjallservice"]
    assert [r.county_codes for r in extraction.regions] == [["03"], ["09"], ["24", "25"]]


def test_a_footnote_below_the_last_list_is_kept_and_reported(family, tmp_path):
    raw = tmp_path / "projekt.txt"
    raw.write_text(TEXT.replace("1. Samordna leveranser.", "• Samordna leveranser.")
                   + "\n* Beloppen avser beviljat stöd.\n", encoding="utf-8")
    compiled = compile_profile(profiles.load(family))
    extraction, _ = extract_text(Source(raw, "raw/projekt.txt", "projekt", "text"), raw.read_bytes(), compiled)
    last = extraction.regions[-1]
    assert [(i.section, i.label) for i in last.items] == [("activities", "•"), ("activities", "*")]
    assert [(f.code.value, f.field) for f in last.quality if f.code.value == "item_marker_changed"] == [
        ("item_marker_changed", "items")]


def test_text_in_an_item_section_that_no_item_holds_is_reported(family, tmp_path):
    raw = tmp_path / "projekt.txt"
    raw.write_text(TEXT + "\n* Beloppen avser beviljat stöd.\n", encoding="utf-8")  # below a numbered list
    compiled = compile_profile(profiles.load(family))
    extraction, _ = extract_text(Source(raw, "raw/projekt.txt", "projekt", "text"), raw.read_bytes(), compiled)
    last = extraction.regions[-1]
    assert [(i.label, i.text) for i in last.items] == [("1.", "Samordna leveranser.")]
    assert [(f.field, f.evidence) for f in last.quality if f.code.value == "item_text_not_read"] == [
        ("items", "* Beloppen avser beviljat stöd.")]
