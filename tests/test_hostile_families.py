"""A hostile round on the report families (typed values, free units, routing, claims): each case
gave a wrong value with no finding, or lost or hung the run, before its fix. Expected values are
read from the texts below."""

from __future__ import annotations

import pytest

from pipeline.profile import default
from pipeline.segment.lists import compile_lists
from pipeline.values.counts import compile_counts, parse_count
from tests.families import scoring

MEDEL_HEAD = "Tillväxtverket\n\nSå används medel till regional tillväxt\n\n" \
             "Här visas hur medlen fördelades mellan länen under 2019, län för län och per stödtyp.\n\n"
LABELS = ("Alla stödtyper", "Investeringsstöd", "Främjandestöd", "Transportstöd", "Stöd till kommersiell service",
          "Projektmedel")


def medel_block(heading: str, values: tuple[str, ...] = ("58,4", "0", "2,6", "0", "1,1", "54,7"),
                labels: tuple[str, ...] = LABELS, unit: str = "Miljoner kronor") -> str:
    return f"{heading}\n\n{unit}\n" + "".join(f"{label}: {value}\n" for label, value in zip(labels, values)) + "\n"


def extract(tmp_path, family: str, text: str):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return scoring.extract(path, family)


def warnings_at(region, field: str) -> list[str]:
    return [f.code.value for f in region.quality if f.field == field and f.severity != "info"]


def test_a_value_line_missing_from_a_county_is_not_filled_in_silence_from_a_total_block_below(tmp_path):
    # Östergötland has no "Transportstöd" line; "Hela landet" (no county) below has one, 450,3
    without_transport = tuple(label for label in LABELS if label != "Transportstöd")
    text = (MEDEL_HEAD + medel_block("Blekinge")
            + medel_block("Östergötland", ("41,2", "0", "7,9", "1,1", "32,2"), without_transport)
            + medel_block("Hela landet", ("2 345,6", "600", "150", "450,3", "60", "1 085,3")))
    blekinge, ostergotland = extract(tmp_path, "sa-anvands-medel", text).regions
    transport = ostergotland.counts["transport_support"]
    assert transport.value is None or "section_after_repeat" in warnings_at(ostergotland, "transport_support")
    assert "section_after_repeat" in warnings_at(ostergotland, "transport_support")  # 450,3 is flagged


def test_a_unit_word_inside_a_section_is_no_unit_heading(tmp_path):
    text = (open(scoring.FAMILIES / "beviljade-projekt" / "beviljade-a.txt", encoding="utf-8").read()
            .replace("Samverkanspartners: Östhammars kommun, Region Uppsala, Norrlandets Handelsbod AB",
                     "Samverkanspartners:\nAlmi Företagspartner\nSEK")
            .replace("Beviljat stöd: 480 tkr", "Beviljat stöd: 480"))
    first = extract(tmp_path, "beviljade-projekt", text).regions[0]
    assert first.counts["granted_support"].value is None
    assert "value_unreadable" in warnings_at(first, "granted_support")


@pytest.mark.parametrize("written", ["från 2024", "fr.o.m. mars 2024", "från H1 2025"])
def test_a_period_with_a_start_and_no_end_is_not_a_whole_year(tmp_path, written):
    text = open(scoring.FAMILIES / "beviljade-projekt" / "beviljade-a.txt", encoding="utf-8").read().replace(
        "Projektperiod: 2024-01-01 – 2025-12-31", f"Projektperiod: {written}")
    first = extract(tmp_path, "beviljade-projekt", text).regions[0]
    assert first.counts["project_period"].period_start is None
    assert "value_unreadable" in warnings_at(first, "project_period")


def test_a_heading_that_names_two_counties_is_reported_at_every_value(tmp_path):
    text = MEDEL_HEAD + medel_block("Blekinge") + medel_block("Norrbotten och Västerbotten") + medel_block("Gotland")
    combined = extract(tmp_path, "sa-anvands-medel", text).regions[1]
    assert combined.county_code == "25"
    assert [(f.code.value, f.field) for f in combined.quality if f.severity == "warning"] == [
        ("heading_several_counties", "region")]


def test_a_unit_written_in_the_label_is_the_line_s_unit(tmp_path):
    labels = ("Alla stödtyper (tkr)", "Investeringsstöd i tkr", *LABELS[2:])
    text = MEDEL_HEAD + medel_block("Halland", ("22 150", "500", "9,9", "0", "0,6", "9,9"), labels)
    (halland,) = extract(tmp_path, "sa-anvands-medel", text).regions
    assert (halland.counts["all_support_types"].value, halland.counts["investment_support"].value) == (22.15, 0.5)
    assert halland.counts["promotion_support"].value == 9.9  # the heading's unit for a label without one


@pytest.mark.parametrize(("sentence", "start", "end", "warning"), [
    ("vad som beviljades under 2018–2020, län för län", "2018-01-01", "2020-12-31", None),
    ("vad som beviljades under 2018 och 2019, län för län", None, None, "value_unreadable"),
])
def test_the_year_claim_reads_a_range_and_refuses_two_years(tmp_path, sentence, start, end, warning):
    text = MEDEL_HEAD.replace("hur medlen fördelades mellan länen under 2019, län för län", sentence) + \
        medel_block("Blekinge")
    extraction = extract(tmp_path, "sa-anvands-medel", text)
    (year,) = extraction.document.claims
    assert (year.period_start, year.period_end) == (start, end)
    assert [f.code.value for f in extraction.document.quality if f.severity == "warning"] == \
        ([warning] if warning else [])


def test_a_claim_stated_twice_differently_is_reported(tmp_path):
    text = MEDEL_HEAD.replace("Här visas", "Jämfört med under 2017 ökade beloppen. Här visas") + \
        medel_block("Blekinge")
    extraction = extract(tmp_path, "sa-anvands-medel", text)
    assert [c.text for c in extraction.document.claims] == ["2017"]
    assert [(f.code.value, f.field) for f in extraction.document.quality if f.severity == "warning"] == [
        ("claim_ambiguous", "year")]


COUNTS = compile_counts(default().counts, compile_lists(default().lists))


@pytest.mark.parametrize(("raw", "value", "qualifier", "code"), [
    ("tre eller fyra", 3, "at_least", "count_range"),  # a range in words: its lower bound, and said
    ("två till tre", 2, "at_least", "count_range"),
    ("3 tkr", None, None, "count_unparsed"),  # an amount is no count
    ("3 mnkr", None, None, "count_unparsed"),
    ("3*", 3, "exact", "count_note_mark"),
    ("3¹", 3, "exact", "count_note_mark"),
])
def test_count_lines_that_read_as_another_number_are_reported(raw, value, qualifier, code):
    parsed = parse_count(raw, 0, len(raw), COUNTS)
    assert (parsed.value, parsed.qualifier) == (value, qualifier)
    assert code in [c.value for c, _ in parsed.problems]
