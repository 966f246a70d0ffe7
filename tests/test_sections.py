"""The sections stage: region headings and labelled sections, one test per awkward passage."""

from __future__ import annotations

import pytest

from pipeline.segment.sections import segment
from pipeline.readers.text import normalise
from tests.conftest import COMPILED


def seg(text: str):
    return segment(normalise(text)[0], COMPILED.segment)


def found(region) -> list[str]:
    """The codes of a region's findings about its labels and headings (these one-passage texts
    lack most expected sections and leave some empty, which ``test_missing_expected_sections_are_reported``
    and ``test_empty_and_repeated_sections_are_reported`` cover)."""
    return [f.code for f in region.findings if f.code not in ("missing_section", "empty_section")]


def sections_of(text: str) -> list[tuple[str, str | None, str]]:
    result = seg(text)
    normalised = normalise(text)[0]
    return [(s.section, s.label, normalised[s.start : s.end]) for s in result.regions[0].sections]


def test_summary_starting_with_region_name_is_not_a_heading():
    result = seg("Region Gävleborg formar stödstrukturer\n\nRegion Gävleborg arbetar med att forma stödstrukturer.\n\n"
                 "Kontakt: Lina Andersson, PL regionen\n")
    assert [r.title for r in result.regions] == ["Region Gävleborg formar stödstrukturer"]


def test_goal_line_starting_with_region_is_not_a_heading():
    result = seg("Region Östergötland utvecklar stödsystem\n\nMål:\n\nRegion Östergötland ska under projekttiden:\n"
                 "1. Utveckla direktiven.\n")
    assert len(result.regions) == 1


def test_orebro_paragraph_after_subheading_is_not_a_heading():
    result = seg("Region Örebro län utvecklar kunskap\n\nSammanfattning.\n\nSamordning i länet\n"
                 "Region Örebro län samordnar Partnerskapet för sociala innovationer\n\nKontaktperson: Anders Bro\n")
    assert len(result.regions) == 1
    assert [(s, label) for s, label, _ in sections_of(
        "Region Örebro län utvecklar kunskap\n\nSammanfattning.\n\nSamordning i länet\n"
        "Region Örebro län samordnar Partnerskapet för sociala innovationer\n\nKontaktperson: Anders Bro\n")] == [
        ("summary", None), ("other", "Samordning i länet"), ("contact", "Kontaktperson")]
    assert found(result.regions[0]) == ["subheading_section", "label_variant"]


def test_vastra_gotalandsregionen_heading_without_region_prefix():
    result = seg("Västra Götalandsregionen utvecklar ett ekosystem\n\nUtveckla ett ekosystem.\n")
    assert result.regions[0].county.county_code == "14"


def test_label_text_on_the_next_line():
    assert sections_of("Region Norrbotten ökar\n\nTidigare engagemang:\nASF-projekt\n")[-1] == (
        "previous_engagement", "Tidigare engagemang", "ASF-projekt")


def test_empty_label_followed_by_next_label():
    rows = sections_of("Region Uppsala arbetar\n\nTidigare engagemang:\n\nMål:\n1) en bred kartläggning\n")
    assert rows[0] == ("previous_engagement", "Tidigare engagemang", "")
    assert rows[1][0] == "goals"


def test_samverkar_med_is_the_partners_label():
    assert sections_of("Region Östergötland utvecklar\n\nSamverkar med: Linköpings Universitet\n")[0][:2] == (
        "partners", "Samverkar med")


@pytest.mark.parametrize(
    "line, section, variant",
    [
        ("Kommuner som arbetar med att främja socialt företag: ", "municipalities_promoting", True),  # Norrbotten
        ("Företagsfrämjare som aktivt stöttar socialt företag.:", "business_promoters", True),  # Norrbotten
        ("Företagsfrämjare som aktivt stöttar sociala företan: NC", "business_promoters", True),  # Västernorrland
        ("Företagsfrämjare som aktivt stöttar socialt företagande: 40", "business_promoters", True),  # Östergötland
        ("Kända sociala företag: 44", "known_social_enterprises", False),
        ("Kontaktperson: Anders Bro", "contact", True),  # Örebro
        ("Samverkar med: Linköpings Universitet", "partners", True),  # Östergötland
    ],
)
def test_label_spellings_are_read_and_variants_reported(line, section, variant):
    result = seg(f"Region Skåne bygger\n\n{line}\n")
    assert [s.section for s in result.regions[0].sections] == [section]
    assert found(result.regions[0]) == (["label_variant"] if variant else [])


def test_misspelled_label_is_matched_and_reported():
    result = seg("Region Skåne bygger\n\nSamverkanspartnres: Coompanion\n")
    assert result.regions[0].sections[0].section == "partners"
    assert found(result.regions[0]) == ["label_misspelled"]


def test_unforeseen_label_is_kept_as_other_and_reported():
    rows = sections_of("Region Skåne bygger\n\nSyfte: Att stärka.\n\nBudget: 3 miljoner kronor\n")
    assert rows[-1] == ("other", "Budget", "3 miljoner kronor")
    assert found(seg("Region Skåne bygger\n\nBudget: 3 miljoner\n").regions[0]) == ["unknown_label"]


def test_sub_labels_stay_inside_their_section():
    rows = sections_of("Region Stockholm ökar\n\nSamverkanspartners: Länsstyrelsen.\n\n"
                       "Referensgruppen består av: FAMNA, Impact Hub.\n\nMål:\n\nFokusområden:\n1. Samla kunskap.\n")
    assert [r[0] for r in rows] == ["partners", "goals"]
    assert "Referensgruppen" in rows[0][2] and "Fokusområden" in rows[1][2]


def test_section_spanning_paragraphs_is_one_section():
    rows = sections_of("Region Skåne bygger\n\nKonkret: genom exkubator.\n\nExkubatorn har rekryterat.\n\n"
                       "Kända sociala företag: 64\n")
    assert rows[0] == ("concrete", "Konkret", "genom exkubator.\n\nExkubatorn har rekryterat.")


def test_same_region_twice_is_an_error_and_both_are_kept():
    result = seg("Region Skåne bygger\n\nKonkret: a.\n\nRegion Skåne bygger igen\n\nKonkret: b.\n")
    assert len(result.regions) == 2
    assert found(result.regions[1]) == ["duplicate_region"]
    assert result.regions[1].findings[0].severity == "error"


def test_heading_with_no_text_after_it():
    result = seg("Region Skåne bygger\n\nRegion Gotland gör\n")
    assert found(result.regions[0]) == ["region_without_sections"]


def test_no_headings_gives_no_regions():
    assert seg("Bara lite text.\n").regions == ()


def test_missing_expected_sections_are_reported():
    region = seg("Region Skåne bygger\n\nKontakt: Elin Dagerbo, Coompanion\n\nMål:\n1. Fler företag.\n").regions[0]
    missing = [f.message for f in region.findings if f.code == "missing_section"]
    assert missing == ["the region has no summary section", "the region has no partners section",
                       "the region has no purpose section", "the region has no previous_engagement section",
                       "the region has no concrete section"]


def test_empty_and_repeated_sections_are_reported():
    region = seg("Region Skåne bygger\n\nSyfte:\n\nKonkret: a.\n\nKonkret: b.\n").regions[0]
    assert [f.code for f in region.findings if f.code in ("empty_section", "duplicate_section")] == [
        "empty_section", "duplicate_section"]


def test_empty_count_line_is_reported_at_its_metric():
    # Jönköping's three count lines have no text after their labels
    region = seg("Region Jönköpings län arbetar\n\nKända sociala företag:\nKommuner som arbetar med att främja "
                 "sociala företag:\n").regions[0]
    empty = [(f.code, f.field) for f in region.findings if f.code == "empty_section"]
    assert empty == [("empty_section", "known_social_enterprises"), ("empty_section", "municipalities_promoting")]


def test_heading_directly_after_the_previous_regions_count_line():
    result = seg("Region Gävleborg formar stödstrukturer\n\nKända sociala företag: 52\n"
                 "Företagsfrämjare som aktivt stöttar sociala företag: Coompanion\n"
                 "Region Jämtland Härjedalen stärker affärsmässigheten\n\nSammanfattning.\n")
    assert [r.county.county_code for r in result.regions] == ["21", "23"]
    assert found(result.regions[1]) == ["heading_without_blank_line"]
    assert result.regions[0].sections[-1].section == "business_promoters"


def test_heading_directly_followed_by_its_summary():
    result = seg("Region Skåne bygger samverkan\nRegion Skåne bygger regional samverkan kring socialt företagande.\n\n"
                 "Kontakt: Elin Dagerbo, Coompanion\n")
    assert [r.title for r in result.regions] == ["Region Skåne bygger samverkan"]
    assert found(result.regions[0]) == ["heading_without_blank_line"]


def test_a_line_inside_a_paragraph_is_not_a_heading():
    result = seg("Region Skåne bygger\n\nSyfte: att stärka\nRegion Skåne i samverkan\nmed kommunerna.\n")
    assert len(result.regions) == 1


def test_a_label_with_words_added_before_its_colon():
    region = seg("Region Blekinge sprider kunskap\n\nKända sociala företag i länet: ca 50\n"
                 "Syfte och inriktning: att stärka företagen.\n").regions[0]
    assert [(s.section, s.label) for s in region.sections] == [
        ("known_social_enterprises", "Kända sociala företag i länet"), ("purpose", "Syfte och inriktning")]
    assert found(region) == ["label_extended", "label_extended"]


def test_a_shortened_count_label_is_read_and_reported_as_misspelled():
    region = seg("Region Stockholm ökar\n\nKommuner som främjar sociala företag: minst 7\n").regions[0]
    assert [s.section for s in region.sections] == ["municipalities_promoting"]
    assert found(region) == ["label_misspelled"]


def test_two_count_lines_on_one_line_are_two_sections():
    text = ("Region Västerbotten arbetar\n\nKända sociala företag: 58 Kommuner som arbetar med att främja sociala "
            "företag: 8\nFöretagsfrämjare som aktivt stöttar sociala företag: sju\n")
    region = seg(text).regions[0]
    normalised = normalise(text)[0]
    assert [(s.section, normalised[s.start : s.end]) for s in region.sections] == [
        ("known_social_enterprises", "58"), ("municipalities_promoting", "8"), ("business_promoters", "sju")]
    assert found(region) == ["label_inside_line"]


def test_a_label_broken_over_two_lines():
    text = ("Region Dalarna utvecklar\n\nKända sociala företag: ca 70\nFöretagsfrämjare som aktivt stöttar\n"
            "sociala företag: Coompanion, Almi och Drivhuset\n")
    region = seg(text).regions[0]
    normalised = normalise(text)[0]
    assert [(s.section, normalised[s.start : s.end]) for s in region.sections] == [
        ("known_social_enterprises", "ca 70"), ("business_promoters", "Coompanion, Almi och Drivhuset")]
    assert found(region) == ["label_across_lines"]


def test_a_summary_broken_mid_sentence_is_not_a_second_heading():
    """Held-out edition G: the summary's first line starts like the heading and ends without a
    full stop; the next line goes on in lower case, so it is one sentence, not a heading."""
    result = seg("Region Kronoberg arbetar för att väcka intresset för socialt entreprenörskap och innovation\n\n"
                 "Region Kronoberg arbetar för att väcka intresset för socialt entreprenörskap och social\n"
                 "innovation i regionen. Projektet utvecklar mötesplatser.\n\n"
                 "Kontakt: Karin Palmér, projektledare, Region Kronoberg\n")
    assert [r.title for r in result.regions] == [
        "Region Kronoberg arbetar för att väcka intresset för socialt entreprenörskap och innovation"]
    assert [s.section for s in result.regions[0].sections] == ["summary", "contact"]


def test_a_label_with_a_note_in_brackets_before_its_colon():
    sections = sections_of("Region Skåne bygger samverkan\n\nSkåne bygger samverkan.\n\nProjekttid: 2020–2023\n\n"
                           "Mål (2020–2023):\n1) Ett verktyg.\n2) En modell.\n")
    assert [(s, label) for s, label, _ in sections][-1] == ("goals", "Mål (2020–2023)")
    region = seg("Region Skåne bygger samverkan\n\nSkåne bygger samverkan.\n\nMål (2020–2023):\n1) Ett verktyg.\n"
                 ).regions[0]
    assert "label_extended" in found(region)


def test_a_heading_with_a_colon_after_the_region_name():
    result = seg("Region Blekinge sprider kunskap\n\nBlekinge sprider kunskap.\n\n"
                 "Region Dalarna: ledningsarbete som grogrund för socialt entreprenörskap\n\n"
                 "Region Dalarna utvecklar ledningsarbetet.\n\nKontakt: Mikael Källman, PL regionen\n")
    assert [(r.county.county_code, r.title) for r in result.regions] == [
        ("10", "Region Blekinge sprider kunskap"),
        ("20", "Region Dalarna: ledningsarbete som grogrund för socialt entreprenörskap")]


def test_a_heading_that_names_its_region_after_other_words_is_read_and_reported():
    """Held-out edition H: "Hur stärker Region Halland de sociala företagen?"."""
    result = seg("Region Blekinge sprider kunskap\n\nBlekinge sprider kunskap.\n\n"
                 "Hur stärker Region Halland de sociala företagen?\n\n"
                 "Region Halland arbetar med rådgivning.\n\nKontakt: Erik af Klercker, projektledare, Region Halland\n")
    halland = result.regions[1]
    assert (halland.county.county_code, halland.title) == ("13", "Hur stärker Region Halland de sociala företagen?")
    assert "heading_reworded" in found(halland)


def test_a_sentence_about_another_region_inside_a_block_is_not_a_heading():
    result = seg("Region Blekinge sprider kunskap\n\nBlekinge sprider kunskap.\n\n"
                 "Tidigare engagemang: samarbete med Region Skåne.\n\nDe har också lärt av Region Skåne\n\n"
                 "Konkret: nätverk.\n")
    assert [r.county.county_code for r in result.regions] == ["10"]  # a line ending without a stop, but it is text


def test_a_label_without_its_colon_on_a_line_of_its_own():
    sections = sections_of("Region Kronoberg väcker intresset\n\nKronoberg väcker intresset.\n\n"
                           "Kontakt\nKarin Palmér, PL, regionen\n\nSyfte: Att möta utmaningar.\n")
    assert [(s, label, t) for s, label, t in sections][1] == ("contact", "Kontakt", "Karin Palmér, PL, regionen")
    region = seg("Region Kronoberg väcker intresset\n\nKronoberg väcker intresset.\n\nKontakt\nKarin Palmér, PL\n"
                 ).regions[0]
    assert "label_without_colon" in found(region)


def test_goals_written_with_their_label_word_and_number():
    sections = sections_of("Region Dalarna utvecklar\n\nDalarna utvecklar.\n\nTidigare engagemang: ASF-projekt\n\n"
                           "Mål 1: Socialt entreprenörskap är inkluderat.\nMål 2: Ett stöd har utvecklats.\n\n"
                           "Konkret: nätverk.\n")
    assert [(s, t) for s, _, t in sections][2] == (
        "goals", "Mål 1: Socialt entreprenörskap är inkluderat.\nMål 2: Ett stöd har utvecklats.")
