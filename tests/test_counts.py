"""Count lines: value, basis and the list they name (examples from the seed)."""

from __future__ import annotations

import pytest

from tests.conftest import COMPILED, PROFILE
from pipeline.values.counts import parse_count
from pipeline.entities.resolver import Resolver

RESOLVER = Resolver(PROFILE)


def parse(raw: str):
    return parse_count(raw, 0, len(raw), COMPILED.values.counts, RESOLVER.is_known)


@pytest.mark.parametrize(
    "raw, value, basis",
    [
        ("44", 44, "stated"),
        ("64 (Lokal samverkan: 4, bättre miljö: 20, ASF:14 (21 enligt sofisam) Sociala tjänster: 20, Skola: 4 "
         "sociala mål: 1 Kultur: 1)", 64, "stated"),
        ("2 ASF (På Sofisams lista finns 15)", 2, "stated"),
        ("Totalt 40 företag med spridning inom de olika kategorierna", 40, "stated"),
        ("50 sociala företag", 50, "stated"),
        ("51, endast asf-företag i listan", 51, "stated"),
        ("Borås stad, Tranemo kommun.", 2, "listed"),
        ("Coompanion", 1, "listed"),
        ("endast Coompanion", 1, "listed"),  # the whole list: exact, not partial
        ("endast 3", 3, "stated"),
        ("", None, "none"),
        ("-", None, "none"),
        ("ej angett", None, "none"),
    ],
)
def test_value_and_basis(raw, value, basis):
    parsed = parse(raw)
    assert (parsed.value, parsed.basis) == (value, basis)
    assert parsed.problems == ()


def test_breakdown_that_sums_to_the_stated_number_is_consistent():
    parsed = parse("64 (Lokal samverkan: 4, bättre miljö: 20, ASF:14 (21 enligt sofisam) Sociala tjänster: 20, "
                   "Skola: 4 sociala mål: 1 Kultur: 1)")
    assert parsed.breakdown_total == 64


def test_breakdown_that_disagrees_is_reported():
    assert [p[0] for p in parse("10 (Skola: 4, Kultur: 1)").problems] == ["count_breakdown_mismatch"]


def test_stated_number_with_shorter_list_is_a_mismatch():
    parsed = parse("17 (Coomp, Nätverket, SoPact, Almi, Ideon Innovation, NC-kontor, Minc, Innovation Skåne, "
                   "Venture Cup Syd, Drivhuset, Venture Lab, LU Innovation, Krinova, Innovationscenter för "
                   "landsbygden, UF)")
    assert (parsed.value, parsed.listed) == (17, 15)
    assert [p[0] for p in parsed.problems] == ["count_list_mismatch"]


def test_bland_annat_list_is_partial_not_a_mismatch():
    parsed = parse("37 (bland annat Samordningsförbunden, AF, SE-Forum, Tanke och handling)")
    assert (parsed.value, parsed.listed, parsed.list_is_partial, parsed.problems) == (37, 4, True, ())
    assert [i.text for i in parsed.items][-1] == "Tanke och handling"


def test_promoter_list_with_examples_closed_by_etc():
    parsed = parse("11 - Coompanion, Västerås Science Park, Mälardalens högskola/Idélab, Create Incubator, UF, "
                   "privata som banker, jurister, fastighetsbolag etc, Västmanlands länsbildningsförbund, "
                   "Nyanlänt företagande AB, Almi, NC, Företagarna (står dock inte hur på Företagarna)")
    assert (parsed.value, parsed.listed, parsed.problems) == (11, 11, ())
    assert parsed.items[5].text == "privata som banker, jurister, fastighetsbolag etc"
    assert parsed.items[-1].name == "Företagarna"


def test_listed_count_expands_quantity_words():
    parsed = parse("Coomapanion, ALMI, Bizmaker, NC, Företagarna, Technicus Härnösand, två Leaderkontor")
    assert (parsed.value, parsed.basis) == (8, "listed")


def test_last_item_splits_on_och():
    parsed = parse("NC, Drivhuset, företagsfabriken, Ung företagsamhet och Coompanion.")
    assert [i.text for i in parsed.items] == ["NC", "Drivhuset", "företagsfabriken", "Ung företagsamhet", "Coompanion"]


def test_garbled_token_with_commas_is_one_item():
    parsed = parse("3 (bland annat SSES, SU, Eks00,,,,,,0000käret)")
    assert [i.text for i in parsed.items] == ["SSES", "SU", "Eks00,,,,,,0000käret"]


def test_sentence_that_is_neither_number_nor_list_is_reported():
    parsed = parse("Uppdateras snart.")
    assert (parsed.value, parsed.basis) == (None, "none")
    assert [p[0] for p in parsed.problems] == ["count_unparsed"]


def test_item_spans_slice_the_text():
    text = "Kända: 17 (Coomp, Nätverket, Almi)"
    parsed = parse_count(text, 7, len(text), COMPILED.values.counts, RESOLVER.is_known)
    assert [text[i.start : i.end] for i in parsed.items] == ["Coomp", "Nätverket", "Almi"]


# Next-edition wordings (the forms issue 11 lists; tests/editions uses them in running text)
@pytest.mark.parametrize(
    "raw, value, qualifier",
    [
        ("ca 60", 60, "approximate"),
        ("cirka 25", 25, "approximate"),
        ("ungefär 30 sociala företag", 30, "approximate"),
        ("drygt 30", 30, "at_least"),
        ("knappt 20", 20, "at_most"),
        ("över 100", 100, "at_least"),
        ("fler än 40", 40, "at_least"),
        ("minst 12", 12, "at_least"),
        ("högst 9", 9, "at_most"),
        ("ett 20-tal", 20, "approximate"),
        ("ett tjugotal", 20, "approximate"),
        ("tolv", 12, "exact"),
        ("sju kommuner", 7, "exact"),
        ("tjugotre", 23, "exact"),
        ("alla 12 kommuner", 12, "exact"),
        ("samtliga 8", 8, "exact"),
        ("samtliga fem kommuner", 5, "exact"),
        ("12 st", 12, "exact"),
        ("44 (2020)", 44, "exact"),
        ("20 (varav 6 nya)", 20, "exact"),
        ("40+", 40, "at_least"),
        ("1 200", 1200, "exact"),
    ],
)
def test_approximate_bounded_and_worded_counts(raw, value, qualifier):
    parsed = parse(raw)
    assert (parsed.value, parsed.basis, parsed.qualifier) == (value, "stated", qualifier)
    assert parsed.problems == ()


def test_a_range_is_its_lower_bound_and_reported():
    parsed = parse("20–25")
    assert (parsed.value, parsed.qualifier) == (20, "at_least")
    assert [p[0] for p in parsed.problems] == ["count_range"]


def test_a_number_inside_a_sentence_is_read_and_reported():
    parsed = parse("Vi känner till 45 sociala företag i länet")
    assert (parsed.value, parsed.basis, parsed.qualifier) == (45, "stated", "exact")
    assert [p[0] for p in parsed.problems] == ["count_from_sentence"]


def test_a_year_in_a_sentence_is_not_the_count():
    assert parse("Sedan 2019 har 45 företag fått stöd").value == 45


def test_other_numbers_outside_brackets_are_reported():
    parsed = parse("45 sociala företag, varav 10 nya")
    assert parsed.value == 45 and [p[0] for p in parsed.problems] == ["count_other_numbers"]


@pytest.mark.parametrize("raw", ["de flesta kommunerna i länet", "alla kommuner i länet", "ett antal kommuner",
                                 "Uppdateras snart."])
def test_an_unreadable_value_is_null_and_quoted(raw):
    parsed = parse(raw)
    assert (parsed.value, parsed.basis, parsed.qualifier) == (None, "none", None)
    (code, message), = parsed.problems
    assert code == "count_unparsed" and repr(raw) in message


def test_a_partial_list_without_a_number_is_at_least_its_names():
    parsed = parse("bland annat Coompanion, Almi och Drivhuset")
    assert (parsed.value, parsed.basis, parsed.qualifier, parsed.list_is_partial) == (3, "listed", "at_least", True)


def test_one_odd_item_never_voids_a_list():
    parsed = parse("Coompanion, Almi, flera privata aktörer")
    assert (parsed.value, parsed.basis, parsed.qualifier) == (3, "listed", "exact")
    assert [i.text for i in parsed.items] == ["Coompanion", "Almi", "flera privata aktörer"]
    assert [p[0] for p in parsed.problems] == ["count_item_not_a_name"]


def test_a_quantity_item_in_a_list_is_not_a_stated_number():
    parsed = parse("Coompanion, Almi och två Leaderkontor")
    assert (parsed.value, parsed.basis) == (4, "listed")


def test_a_list_closed_by_m_fl_names_only_some():
    parsed = parse("Coompanion, Almi Dalarna, Dalarna Science Park m.fl.")
    assert (parsed.value, parsed.basis, parsed.qualifier) == (3, "listed", "at_least")
    assert [i.text for i in parsed.items] == ["Coompanion", "Almi Dalarna", "Dalarna Science Park"]


def test_a_marker_with_a_full_stop():
    assert (parse("ca. 70 sociala företag").value, parse("ca. 70 sociala företag").qualifier) == (70, "approximate")


@pytest.mark.parametrize("raw, value, qualifier", [
    ("ett drygt 30-tal", 30, "at_least"),  # the bound's word before a "-tal" number
    ("ett knappt 20-tal", 20, "at_most"),
    ("mellan 5 och 8", 5, "at_least"),  # a range: its lower bound, reported
    ("Inga", 0, "exact"),
])
def test_more_worded_values(raw, value, qualifier):
    parsed = parse(raw)
    assert (parsed.value, parsed.basis, parsed.qualifier) == (value, "stated", qualifier)


def test_a_number_after_av_is_the_whole_not_the_count():
    parsed = parse("cirka hälften av länets 5 kommuner")
    assert (parsed.value, parsed.basis) == (None, "none")
    assert [code for code, _ in parsed.problems] == ["count_share"]  # a share of the 5, said as one


@pytest.mark.parametrize(("line", "value", "qualifier"), [
    ("drygt 2 tusen", 2000, "at_least"),  # was 2, no finding
    ("ca 1,5 tusen företag", 1500, "approximate"),
    ("3 tusen", 3000, "exact"),
])
def test_a_multiplier_word_scales_the_number_and_says_so(line, value, qualifier):
    parsed = parse(line)
    assert (parsed.value, parsed.basis, parsed.qualifier) == (value, "stated", qualifier)
    assert [code for code, _ in parsed.problems] == ["count_scaled"]


@pytest.mark.parametrize(("line", "code"), [
    ("en tredjedel", "count_share"),  # was 1, no finding
    ("två tredjedelar av kommunerna", "count_share"),
    ("hälften", "count_share"),
    ("60 %", "count_share"),  # was 60, no finding
    ("ungefär 60 procent av kommunerna", "count_share"),
    ("1/3 av kommunerna", "count_share"),
    ("Vi når 40 % av länets kommuner", "count_share"),
    ("majoriteten av kommunerna", "count_share"),
    ("58,4", "count_not_whole"),  # was 58, exact, with an info finding only
    ("1,2345 tusen", "count_not_whole"),
])
def test_a_share_or_a_number_with_decimals_is_no_count_and_is_a_warning(line, code):
    parsed = parse(line)
    assert (parsed.value, parsed.basis) == (None, "none")
    assert [c for c, _ in parsed.problems] == [code]
    assert line.split()[0] in parsed.problems[0][1]  # the warning quotes what was written


def test_names_joined_by_a_slash_are_one_item_and_reported():
    parsed = parse("NC, Drivhuset, Ung Företagsamhet/Coompanion")
    assert (parsed.value, parsed.basis) == (3, "listed")
    assert [code for code, _ in parsed.problems] == ["count_item_joined"]


def test_a_vague_word_before_a_partial_list_is_not_an_item():
    # site-d's Norrbotten: "flera" was counted as a fourth municipality, exact
    parsed = parse("flera, bland annat Luleå, Boden och Piteå")
    assert (parsed.value, parsed.basis, parsed.qualifier) == (3, "listed", "at_least")
    assert [i.text for i in parsed.items] == ["Luleå", "Boden", "Piteå"]
