"""Golden expectations for the seed, written by reading raw/tillvaxtverket-sa-arbetar-regionerna.txt."""

from __future__ import annotations

import pytest

from tests.conftest import codes

TITLES = {
    "10": "Region Blekinge sprider kunskap",
    "20": "Region Dalarna utvecklar ledningsarbetet",
    "21": "Region Gävleborg formar stödstrukturer",
    "23": "Region Jämtland Härjedalen stärker de sociala företagens affärsmässighet",
    "06": "Region Jönköpings län arbetar för att synliggöra sociala entreprenörer",
    "07": "Region Kronoberg arbetar för att väcka intresset och tydliggöra behovet av socialt entreprenörskap och innovation",
    "25": "Region Norrbotten ökar affärsmässigheten och höjer kunskapen",
    "12": "Region Skåne bygger regional samverkan kring socialt företagande",
    "01": "Region Stockholm ökar kunskapen om sociala företag",
    "04": "Region Sörmland förbättrar tillgången till relevant rådgivning och stöd",
    "03": "Region Uppsala arbetar med upphandling",
    "24": "Region Västerbotten arbetar med kunskap, nätverk och finansiering",
    "22": "Region Västernorrland utvecklar marknaden och stärker stödstrukturer",
    "19": "Region Västmanland höjer kunskapen om sociala företag hos offentlig sektor",
    "14": "Västra Götalandsregionen utvecklar ett ekosystem för innovation och socialt företagande",
    "18": "Region Örebro län utvecklar kunskap och samordning av rådgivning",
    "05": "Region Östergötland utvecklar stödsystem genom samverkan",
}

# (known_social_enterprises, municipalities_promoting, business_promoters) as (value, basis)
COUNTS = {
    "10": ((44, "stated"), (None, "none"), (4, "listed")),  # "ej angett"; Coompanion, Almi, BBI, NC-kontor
    "20": ((50, "stated"), (9, "stated"), (1, "listed")),  # "50 sociala företag"; "Coompanion"
    "21": ((52, "stated"), (7, "stated"), (2, "listed")),  # Coompanion, Movexum företagsinkubator
    "23": ((55, "stated"), (4, "stated"), (1, "listed")),
    "06": ((None, "none"), (None, "none"), (None, "none")),  # three empty lines
    "07": ((12, "stated"), (6, "stated"), (5, "listed")),  # NC, Drivhuset, företagsfabriken, UF och Coompanion
    "25": ((40, "stated"), (None, "none"), (None, "none")),  # "Totalt 40 företag …"
    "12": ((64, "stated"), (6, "stated"), (17, "stated")),  # 17 stated, 15 named
    "01": ((51, "stated"), (5, "stated"), (37, "stated")),  # "37 (bland annat …)"
    "04": ((16, "stated"), (None, "none"), (None, "none")),  # "-", "-"
    "03": ((2, "stated"), (1, "stated"), (1, "stated")),  # "2 ASF (På Sofisams lista finns 15)"
    "24": ((51, "stated"), (6, "stated"), (7, "stated")),
    "22": ((17, "stated"), (7, "stated"), (8, "listed")),  # six names and "två Leaderkontor"
    "19": ((20, "stated"), (10, "stated"), (11, "stated")),  # "11 - Coompanion, …"
    "14": ((232, "stated"), (2, "listed"), (None, "none")),  # "Borås stad, Tranemo kommun."; "-"
    "18": ((None, "none"), (None, "none"), (None, "none")),  # Örebro has no count lines
    "05": ((12, "stated"), (13, "stated"), (40, "stated")),  # "… socialt företagande: 40"
}

# every person in the contact sections, in order, with status
CONTACTS = {
    "10": [("Johan Nilsson", "current"), ("Lena Karlsson", "current"), ("Louise Sandholm Lindell", "current"),
           ("Anders Cronholm", "current")],
    "20": [("Mikael Källman", "current"), ("Marcus Larsson", "current")],
    "21": [("Lina Andersson", "current"), ("Andreas Helgesson", "current"), ("Ulf Karlsson", "current")],
    "23": [("Sven Winemark", "current"), ("Jessica Ottosson", "current")],
    "06": [("Jessica Beskow", "current"), ("Peter Johansson", "current")],
    "07": [("Karin Palmér", "current"), ("Anders Jönsson", "current"), ("Wille Lopez", "current"),
           ("Nina Englund", "current")],
    "25": [("Kristin Bergwall", "current"), ("Greta Isaksson", "former"), ("Caroline Kjellgren", "current"),
           ("Helen Nilsson", "current")],
    "12": [("Marie-Louise Lövgren", "current"), ("Elin Dagerbo", "current")],
    "01": [("Annette Lassinger", "current")],
    "04": [("Martin Bülow", "current"), ("Emma Hansson", "current"), ("Marcus Bergh", "current"),
           ("Madeleine Pilstrand", "current"), ("Marius Wenneson", "current"), ("Monica Pärus", "current"),
           ("Malin Sturk", "current"), ("Helene Andersson", "current")],
    "03": [("Andreas Scheutz", "current"), ("Alexander Kinigalakis", "former"), ("Lina Heldmark", "current"),
           ("Anna Olsson", "current")],
    "24": [("Lisa Nilsson", "current"), ("Maria Kammerson", "current"), ("Joel Hedlund", "former"),
           ("Hanna Dermes Gibson", "current"), ("Roger Filipsson", "current")],
    "22": [("Matilda Rehnström", "current"), ("Susanne Vinderå", "current")],
    "19": [("Julia Martinsson", "current"), ("Pernilla Conley Pettersson", "former"), ("Johan Larsson", "current"),
           ("Petra Ärlsjö", "current")],
    "14": [("Elizabeth George Chandy", "current"), ("Hanna Nyroos", "former"), ("Diana Ghinea", "current")],
    "18": [("Anders Bro", "current")],
    "05": [("Margareta Wandel", "current"), ("Cecilia Hunnershage Sandgren", "current")],
}

GOAL_LABELS = {
    "10": ["1.", "2.", "3."],
    "20": ["1.", "2.", "3.", "4.", "5.", "6."],
    "21": ["1.", "2.", "3."],
    "23": ["1.", "2.", "3.", "4.", "5."],
    "06": ["1.", "2."],
    "07": ["1.", "2.", "3.", "4.", "5.", "6."],
    "25": ["1.", "2.", "3.", "4.", "5.", "6.", "7."],
    "12": ["1.", "2.", "3.", "4.", "5."],
    "01": ["1.", "2.", "3."],
    "04": ["1.", "2.", "3+4."],
    "03": ["1)", "2)", "3)", "4)", "5)", "6)"],
    "24": ["1.", "2.", "3."],
    "22": ["1.", "2.", "3.", "4.", "5.", "6."],
    "19": ["1a.", "1b:", "2a:", "2b:", "3:"],
    "14": ["1.", "2.", "3."],
    "18": [],
    "05": ["1.", "2.", "3.", "4", "5.", "6.", "7.", "8.", "9.", "10."],
}

METRICS = ("known_social_enterprises", "municipalities_promoting", "business_promoters")


def test_seventeen_regions_in_document_order(seed):
    assert [r.county_code for r in seed.regions] == list(TITLES)
    assert seed.document.regions_found == 17


@pytest.mark.parametrize("code", TITLES)
def test_region_title(regions, code):
    assert regions[code].title == TITLES[code]


def test_claim_is_recorded_and_met(seed):
    assert (seed.document.regions_claimed, seed.document.regions_claimed_of) == (17, 21)
    assert not codes(seed.document.quality, "region_count_mismatch")


def test_counties_without_project(seed):
    without = {c.county_code: c.county_name for c in seed.document.counties if not c.has_project}
    assert without == {"08": "Kalmar län", "09": "Gotlands län", "13": "Hallands län", "17": "Värmlands län"}


def test_document_title_and_intro_lists(seed):
    doc = seed.document
    assert (doc.publisher, doc.title) == ("Tillväxtverket", "Så arbetar regionerna")
    assert doc.focus_areas == ["upphandling", "effektmätning", "företagsrådgivning", "finansiering"]
    assert doc.methods == ["hackathons", "anbudsskolor", "exkubator", "storytelling", "generationsövertagande",
                           "social business boards", "draknästen"]
    assert len(doc.approaches) == 5 and doc.approaches[0] == "Upphandling med hjälp av anbudscoacher"


@pytest.mark.parametrize("code", COUNTS)
def test_counts_value_and_basis(regions, code):
    region = regions[code]
    got = tuple((region.counts[m].value, region.counts[m].basis) for m in METRICS)
    assert got == COUNTS[code]


def test_count_lines_found_everywhere_but_orebro(seed):
    # 17 regions x 3 metrics = 51 values; Örebro's block has none of the three lines
    assert sum(len(v) for v in COUNTS.values()) == 51
    assert sum(1 for r in seed.regions for m in METRICS if r.counts[m].raw is not None) == 48


@pytest.mark.parametrize("code", CONTACTS)
def test_contacts_with_status(regions, code):
    assert [(c.name, c.status) for c in regions[code].contacts] == CONTACTS[code]


@pytest.mark.parametrize("code", GOAL_LABELS)
def test_goal_labels(regions, code):
    assert [g.label for g in regions[code].goals] == GOAL_LABELS[code]


def test_goal_ordinals_run_from_one(seed):
    for region in seed.regions:
        assert [g.ordinal for g in region.goals] == list(range(1, len(region.goals) + 1))


def test_skane_states_17_promoters_and_names_15(regions):
    (finding,) = codes(regions["12"].quality, "count_list_mismatch")
    assert finding.severity == "warning" and "17" in finding.message and "15" in finding.message
    assert regions["12"].counts["business_promoters"].listed == 15


def test_stockholm_partial_list_is_not_a_mismatch(regions):
    assert regions["01"].counts["business_promoters"].list_is_partial
    assert not codes(regions["01"].quality, "count_list_mismatch")


def test_orebro_has_no_count_lines(regions):
    assert len(codes(regions["18"].quality, "missing_count_line")) == 3


def test_web_leftovers_are_removed_and_reported(seed):
    evidence = [f.evidence for f in codes(seed.document.quality, "web_leftover_removed")]
    assert evidence == ["SammanställningPDF", "länk till annan webbplats, öppnas i nytt fönster"]
    assert "öppnas i nytt fönster" not in seed.text and "SammanställningPDF" not in seed.text


def test_no_error_findings_on_the_seed(seed):
    findings = list(seed.document.quality) + [f for r in seed.regions for f in r.quality]
    assert [f for f in findings if f.severity == "error"] == []


def test_every_count_the_seed_gives_is_exact(seed):
    # no seed count line says "ca", "drygt", "knappt" or gives a range; the missing and empty ones have no qualifier
    for region in seed.regions:
        for metric, count in region.counts.items():
            assert count.qualifier == ("exact" if count.value is not None else None), (region.county_code, metric)
