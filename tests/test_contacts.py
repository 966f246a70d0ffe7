"""Contact lines: people, roles, organisations and former holders (passages from the seed)."""

from __future__ import annotations

import pytest

from tests.conftest import COMPILED, PROFILE
from pipeline import reference
from pipeline.values.contacts import is_person_name, parse_contacts
from pipeline.entities.resolver import Resolver

RESOLVER = Resolver(PROFILE)
PROFILE_PARTICLES = frozenset(PROFILE.contacts.name_particles)


class Rows(list):
    """The rows of a contact text, with the county that gives "regionen" its meaning."""

    county_code = "07"


def people(text: str, county_code: str = "07") -> Rows:
    rows = Rows(parse_contacts(text, 0, len(text), COMPILED.values.contacts, RESOLVER))
    rows.county_code = county_code
    return rows


def summary(rows: Rows):
    county = reference.county_by_code(rows.county_code)
    return [(r.name.text, r.role,
             RESOLVER.resolve(r.organisation_item.text, county).organisation_id if r.organisation_item else None,
             r.status) for r in rows]


def test_pl_abbreviation_and_regionen_in_one_segment():
    assert summary(people("Johan Nilsson, PL regionen", "10")) == [
        ("Johan Nilsson", "projektledare", "region-blekinge", "current")]
    assert people("Johan Nilsson, PL regionen", "10")[0].role_raw == "PL"


def test_role_after_the_organisation():
    assert summary(people("Jessica Ottosson, Coompanion, PL", "23")) == [
        ("Jessica Ottosson", "projektledare", "coompanion", "current")]


def test_two_people_joined_by_och():
    assert summary(people("Caroline Kjellgren och Helen Nilsson, Coompanion", "25")) == [
        ("Caroline Kjellgren", None, "coompanion", "current"), ("Helen Nilsson", None, "coompanion", "current")]


def test_people_listed_with_commas_and_in_parentheses():
    rows = people("Anders Jönsson, Wille Lopez (och Nina Englund), Coompanion")
    assert [r.name.text for r in rows] == ["Anders Jönsson", "Wille Lopez", "Nina Englund"]
    assert {org for _, _, org, _ in summary(rows)} == {"coompanion"}


def test_contact_line_with_former_holder():
    rows = people("Kristin Bergwall (fd Greta Isaksson), PL, regionen", "25")
    # the line gives "PL" to Kristin Bergwall; for Greta Isaksson it writes only that she was before her
    assert summary(rows) == [("Kristin Bergwall", "projektledare", "region-norrbotten", "current"),
                             ("Greta Isaksson", None, "region-norrbotten", "former")]


def test_former_holder_who_quit():
    rows = people("Andreas Scheutz, PL, regionen (tidigare Alexander Kinigalakis, slutat)", "03")
    assert [(r.name.text, r.status, r.note) for r in rows] == [
        ("Andreas Scheutz", "current", None), ("Alexander Kinigalakis", "former", "slutat")]


def test_parenthesised_name_without_fd_is_current_but_flagged():
    rows = people("(Hanna Dermes Gibson) och Roger Filipsson, Coompanion", "24")
    assert [(r.name.text, r.status, r.parenthesised) for r in rows] == [
        ("Hanna Dermes Gibson", "current", True), ("Roger Filipsson", "current", False)]


def test_sormland_arbetsgrupp_line():
    rows = people("Arbetsgrupp: Madeleine Pilstrand & Marius Wenneson, MDH Idélab. Monica Pärus, Coompanion "
                  "Sörmland. Malin Sturk, Eskilstuna KN. Helene Andersson, Nyköpings KN.", "04")
    assert summary(rows) == [  # a group, not a role: no role is written for them
        ("Madeleine Pilstrand", None, "idelab", "current"),
        ("Marius Wenneson", None, "idelab", "current"),
        ("Monica Pärus", None, "coompanion", "current"),
        ("Malin Sturk", None, "eskilstuna-kommun", "current"),
        ("Helene Andersson", None, "nykopings-kommun", "current"),
    ]
    assert rows[2].organisation_item.text == "Coompanion Sörmland"
    assert {r.note for r in rows} == {"Arbetsgrupp"}


def test_organisation_name_containing_och():
    assert summary(people("Andreas Helgesson, Stenbackens Boende och arbetskooperativ", "21")) == [
        ("Andreas Helgesson", None, "stenbackens-boende-och-arbetskooperativ", "current")]


def test_three_word_organisation_is_not_a_person():
    assert summary(people("Petra Ärlsjö, Västerås Science Park", "19")) == [
        ("Petra Ärlsjö", None, "vasteras-science-park", "current")]


def test_focus_note_in_parentheses():
    rows = people("Margareta Wandel, PL, Region Östergötland (fokus SET och generationsväxling)", "05")
    assert summary(rows) == [("Margareta Wandel", "projektledare", "region-ostergotland", "current")]
    assert rows[0].note == "fokus SET och generationsväxling"


def test_regionen_followed_by_a_note():
    rows = people("Marcus Larsson, regionen fokus UF", "20")
    assert summary(rows) == [("Marcus Larsson", None, "region-dalarna", "current")]
    assert rows[0].note == "fokus UF"


def test_name_only_contact_person():
    assert summary(people("Anders Bro", "18")) == [("Anders Bro", None, None, "current")]


def test_name_spans_slice_the_text():
    text = "Kristin Bergwall (fd Greta Isaksson), PL, regionen\nCaroline Kjellgren och Helen Nilsson, Coompanion"
    for row in people(text, "25"):
        assert text[row.name.start : row.name.end] == row.name.text


def test_person_name_shapes():
    assert is_person_name("Marie-Louise Lövgren") and is_person_name("Elizabeth George Chandy")
    assert not is_person_name("Coompanion") and not is_person_name("Region Jönköpings län")


def test_email_and_phone_are_their_own_columns_never_the_organisation():
    rows = people("Sara Lindqvist, projektledare, Region Blekinge, sara.lindqvist@regionblekinge.se, 0455-73 50 00",
                  "10")
    assert [(r.name.text, r.role, r.email, r.phone, r.organisation_item.text) for r in rows] == [
        ("Sara Lindqvist", "projektledare", "sara.lindqvist@regionblekinge.se", "0455-73 50 00", "Region Blekinge")]
    row, = people("Anders Bro, strateg, anders.bro@regionorebrolan.se", "18")
    assert (row.role, row.email, row.organisation_item) == ("strateg", "anders.bro@regionorebrolan.se", None)


def test_the_address_of_one_of_two_people_goes_to_that_person():
    rows = people("Caroline Kjellgren och Helen Nilsson, Coompanion, helen.nilsson@coompanion.se", "25")
    assert [(r.name.text, r.email) for r in rows] == [("Caroline Kjellgren", None),
                                                      ("Helen Nilsson", "helen.nilsson@coompanion.se")]


@pytest.mark.parametrize("line, former", [
    ("Lina Andersson (tidigare)", ["Lina Andersson"]),
    ("Johan Nilsson, PL regionen (slutat)", ["Johan Nilsson"]),
    ("Emma Hansson, koordinator, regionen (fd)", ["Emma Hansson"]),
    ("Lena Karlsson, ALMI (f.d.)", ["Lena Karlsson"]),
    ("Anders Jönsson, Wille Lopez (slutat) och Nina Englund, Coompanion", ["Wille Lopez"]),
    ("Hanna Nyroos, f.d. PL", ["Hanna Nyroos"]),
    ("Julia Martinsson, PL, regionen (ersätter Pernilla Conley Pettersson, tidigare projektledare)",
     ["Pernilla Conley Pettersson"]),
])
def test_former_holders_in_every_way_editors_write_them(line, former):
    rows = people(line, "19")
    assert [r.name.text for r in rows if r.status == "former"] == former
    assert all(r.name.text[:1].isupper() and " " in r.name.text for r in rows)  # "PL" is never a person


def test_a_former_marker_with_a_role_gives_the_role():
    row, = people("Greta Isaksson (f.d. PL)", "25")
    assert (row.status, row.role, row.role_raw) == ("former", "projektledare", "PL")


@pytest.mark.parametrize("role", ["projektkoordinator", "processledare", "samordnare", "strateg", "handläggare",
                                  "verksamhetsutvecklare", "näringslivsutvecklare", "enhetschef"])
def test_role_words_of_the_profile(role):
    row, = people(f"Anna Ek, {role}, Almi", "10")
    assert (row.role, row.role_raw, row.organisation_item.text) == (role, role, "Almi")


def test_an_unlisted_role_word_is_a_role_not_an_organisation():
    row, = people("Lisa Ahl, kommunikatörsstöd, Region Jönköpings län", "06")
    assert (row.role_raw, row.organisation_item.text) == ("kommunikatörsstöd", "Region Jönköpings län")


def test_an_organisation_with_its_office_is_not_a_person():
    rows = people("Caroline Kjellgren, Coompanion Norrbotten, 0920-22 44 10", "25")
    assert [(r.name.text, r.phone, r.organisation_item.text) for r in rows] == [
        ("Caroline Kjellgren", "0920-22 44 10", "Coompanion Norrbotten")]


@pytest.mark.parametrize("line, expected", [
    ("Anders Jönsson och Wille Lopez, Coompanion (Nina Englund har slutat)",
     [("Anders Jönsson", "current", None), ("Wille Lopez", "current", None), ("Nina Englund", "former", None)]),
    ("Petra Ärlsjö, Västerås Science Park (slutat, ersatt av Kim Andersson, affärscoach)",
     [("Petra Ärlsjö", "former", None), ("Kim Andersson", "current", "affärscoach")]),
    ("Annette Lassinger, PL, regionen (slutat 2021)", [("Annette Lassinger", "former", "projektledare")]),
    ("Emir Hadžić, affärsrådgivare, Almi", [("Emir Hadžić", "current", "affärsrådgivare")]),
    ("Emma Hansson, regional koordinator, regionen", [("Emma Hansson", "current", "regional koordinator")]),
])
def test_parentheses_and_names_editors_write(line, expected):
    assert [(r.name.text, r.status, r.role) for r in people(line)] == expected


def test_a_person_reached_via_another_in_a_parenthesis():
    rows = people("Lina Andersson, PL regionen (föräldraledig, under tiden nås projektet via Sara Lind, "
                  "projektkoordinator, sara.lind@regiongavleborg.se)", "21")
    assert [(r.name.text, r.status, r.role, r.email) for r in rows] == [
        ("Lina Andersson", "current", "projektledare", None),
        ("Sara Lind", "current", "projektkoordinator", "sara.lind@regiongavleborg.se")]


def test_an_address_and_a_number_on_lines_of_their_own_are_the_persons_before():
    text = "Anders Bro, utvecklingsledare\nanders.bro@regionorebrolan.se\nTelefon: 019-602 12 34"
    row, = parse_contacts(text, 0, len(text), COMPILED.values.contacts, RESOLVER)
    assert (row.name.text, row.email, row.phone) == ("Anders Bro", "anders.bro@regionorebrolan.se", "019-602 12 34")


@pytest.mark.parametrize("line, expected", [
    ("(tidigare PL Johan Nilsson)", [("Johan Nilsson", "former", "projektledare")]),
    ("Lina Andersson, f.d. PL regionen", [("Lina Andersson", "former", "projektledare")]),
    ("Rebecka Strand, PL, regionen (före detta: Julia Martinsson, Pernilla Conley Pettersson)",
     [("Rebecka Strand", "current", "projektledare"), ("Julia Martinsson", "former", None),
      ("Pernilla Conley Pettersson", "former", None)]),
    ("Margareta Wandel, PL, Region Östergötland (fokus SET och generationsväxling) – slutat",
     [("Margareta Wandel", "former", "projektledare")]),
])
def test_former_holders_of_a_later_edition(line, expected):
    assert [(r.name.text, r.status, r.role) for r in people(line)] == expected


def test_a_former_holder_in_parentheses_has_only_the_role_written_for_them():
    rows = people("Kristin Bergwall (fd Greta Isaksson), PL, regionen", "25")
    assert [(r.name.text, r.role) for r in rows] == [("Kristin Bergwall", "projektledare"), ("Greta Isaksson", None)]
    rows = people("Kristin Bergwall, PL, regionen (fd projektledare Greta Isaksson)", "25")
    assert [(r.name.text, r.role) for r in rows] == [("Kristin Bergwall", "projektledare"),
                                                     ("Greta Isaksson", "projektledare")]


def test_a_role_written_as_a_label_and_an_address_line_with_both():
    text = ("Projektledare: Ida Svensson, Region Värmland\nSamordnare: Ola Berglund, Region Värmland\n"
            "e-post: ola.berglund@regionvarmland.se, tfn 054-701 10 00")
    rows = parse_contacts(text, 0, len(text), COMPILED.values.contacts, RESOLVER)
    assert [(r.name.text, r.role, r.email, r.phone) for r in rows] == [
        ("Ida Svensson", "projektledare", None, None),
        ("Ola Berglund", "samordnare", "ola.berglund@regionvarmland.se", "054-701 10 00")]


def test_a_phone_number_with_a_bracketed_zero():
    row, = people("Fredrik Ahl, affärsrådgivare, UIC, +46 (0)18-471 00 00", "03")
    assert (row.phone, row.note) == ("+46 (0)18-471 00 00", None)


def test_a_line_that_starts_with_a_former_holder():
    row, = people("f.d. PL Mikael Källman", "20")
    assert (row.name.text, row.status, row.role) == ("Mikael Källman", "former", "projektledare")


@pytest.mark.parametrize("line, name, role, role_raw", [
    ("Projektledare Mikael Källman, Region Dalarna, tfn 023-77 70 00", "Mikael Källman", "projektledare",
     "Projektledare"),
    ("Utvecklingsstrateg Per Lind, Region Östergötland", "Per Lind", "utvecklingsstrateg", "Utvecklingsstrateg"),
    # not in the profile's role list, read by its suffix "utvecklare"
    ("Regionutvecklare Maja Persson, Region Jämtland Härjedalen", "Maja Persson", "regionutvecklare",
     "Regionutvecklare"),
])
def test_a_role_written_before_the_name_without_a_colon(line, name, role, role_raw):
    row, = people(line)
    assert (row.name.text, row.role, row.role_raw, row.status) == (name, role, role_raw, "current")


def test_a_name_with_three_capitalised_words_keeps_them_all():
    row, = people("Elizabeth George Chandy, PL, regionen", "19")
    assert (row.name.text, row.role) == ("Elizabeth George Chandy", "projektledare")


def test_a_former_marker_after_a_name_inside_a_parenthesis():
    rows = people("Anders Jönsson, Wille Lopez (och Nina Englund, fd), Coompanion")
    assert [(r.name.text, r.status) for r in rows] == [
        ("Anders Jönsson", "current"), ("Wille Lopez", "current"), ("Nina Englund", "former")]


def test_two_people_each_with_a_role_before_the_name_and_an_address_line_for_the_first():
    """Held-out edition G, Kalmar: roles before both names, joined by "och"; the e-mail line names
    the first person, not the one before it; a former holder on a line of its own."""
    rows = people("Projektledare Malin Fors och samordnare Ahmed Yusuf, Region Kalmar län\n"
                  "e-post: malin.fors@regionkalmar.se\nPer Lund, före detta projektledare", "08")
    assert [(r.name.text, r.role, r.status, r.email) for r in rows] == [
        ("Malin Fors", "projektledare", "current", "malin.fors@regionkalmar.se"),
        ("Ahmed Yusuf", "samordnare", "current", None),
        ("Per Lund", "projektledare", "former", None)]


def test_a_role_label_after_a_former_marker():
    rows = people("F.d. projektledare: Matilda Rehnström\nSusanne Vinderå, Coompanion", "22")
    assert [(r.name.text, r.role, r.status) for r in rows] == [
        ("Matilda Rehnström", "projektledare", "former"), ("Susanne Vinderå", None, "current")]


def test_left_with_a_year_after_a_dash_at_the_end_of_the_line():
    row, = people("Annette Lassinger, PL, regionen – slutat 2021", "01")
    assert (row.name.text, row.role, row.status) == ("Annette Lassinger", "projektledare", "former")


def test_an_email_address_in_brackets_after_the_name():
    row, = people("Emma Hansson (emma.hansson@regionsormland.se), koordinator, Region Sörmland", "04")
    assert (row.name.text, row.role, row.email, row.organisation_item.text) == (
        "Emma Hansson", "koordinator", "emma.hansson@regionsormland.se", "Region Sörmland")


@pytest.mark.parametrize("line, name", [
    ("Erik af Klercker, projektledare, Region Halland", "Erik af Klercker"),
    ("Karin van der Berg, samordnare, Stockholms stad", "Karin van der Berg"),
    ("Anna K. Berg, affärsrådgivare, Coompanion", "Anna K. Berg"),
])
def test_names_with_particles_and_middle_initials(line, name):
    row, = people(line, "13")
    assert row.name.text == name and row.role is not None


def test_a_lower_case_word_between_capitalised_words_is_not_a_particle_unless_listed():
    assert not is_person_name("Anna och Berg", PROFILE_PARTICLES)
    assert is_person_name("Erik af Klercker", PROFILE_PARTICLES)


def test_parts_separated_by_spaced_dashes():
    row, = people("Johan Nilsson – projektledare – Region Blekinge", "10")
    assert (row.name.text, row.role, row.organisation_item.text) == ("Johan Nilsson", "projektledare", "Region Blekinge")


def test_an_email_address_written_with_at_in_brackets():
    row, = people("Anders Bro, anders.bro[at]regionorebrolan.se", "18")
    assert (row.name.text, row.email, row.role) == ("Anders Bro", "anders.bro[at]regionorebrolan.se", None)


def test_until_a_year_in_brackets_means_the_person_left():
    row, = people("Anders Cronholm, BBI (t.o.m. 2021)", "10")
    assert (row.name.text, row.status) == ("Anders Cronholm", "former")


def test_a_former_contact_label():
    rows = people("Lina Andersson, PL regionen\nTidigare kontaktperson: Ulf Karlsson, Coompanion", "21")
    assert [(r.name.text, r.role, r.status) for r in rows] == [
        ("Lina Andersson", "projektledare", "current"), ("Ulf Karlsson", None, "former")]


def test_a_role_with_a_modifier_and_a_start_year_is_that_role():
    row, = people("Maria Sjöberg, Coompanion, ny projektledare från 2022", "23")
    assert (row.role, row.role_raw) == ("projektledare", "ny projektledare från 2022")
    row, = people("Emma Hansson, regional koordinator, Region Sörmland", "04")
    assert (row.role, row.role_raw) == ("regional koordinator", "regional koordinator")  # not a modifier: kept


def test_a_former_holder_with_a_role_and_a_colon_in_brackets():
    rows = people("Kristin Bergwall, PL, regionen (tidigare projektledare: Greta Isaksson)", "25")
    assert [(r.name.text, r.role, r.status) for r in rows] == [
        ("Kristin Bergwall", "projektledare", "current"), ("Greta Isaksson", "projektledare", "former")]


def test_the_people_of_a_sub_label_get_it_as_their_note_and_no_role():
    from pipeline.stages import SourceInfo, build_extraction

    info = SourceInfo(document_id="t", source_path="raw/t.txt", source_sha256="0" * 64, source_format="text",
                      encoding="utf-8")
    text = ("Region Sörmland förbättrar tillgången\n\nSörmland förbättrar.\n\nKontakt: Martin Bülow, PL, Coompanion\n"
            "Arbetsgrupp: Madeleine Pilstrand & Marius Wenneson, MDU Idélab. Monica Pärus, Coompanion Sörmland.\n")
    region, = build_extraction(text, info, COMPILED).regions
    assert [(c.name, c.role, c.note) for c in region.contacts] == [
        ("Martin Bülow", "projektledare", None), ("Madeleine Pilstrand", None, "Arbetsgrupp"),
        ("Marius Wenneson", None, "Arbetsgrupp"), ("Monica Pärus", None, "Arbetsgrupp")]

def test_a_second_phone_number_is_kept_in_the_note_and_reported():
    """'08-123 45 67, +46 70 123 45 67': a contact keeps one phone number; the other is not dropped
    in silence but kept in the note, with a finding at the contact."""
    from pipeline.models import Findings
    from pipeline.segment.sections import SectionSpan
    from pipeline.values.contacts import read_contacts

    text = "Elin Dagerbo, Coompanion, 08-123 45 67, +46 70 123 45 67, elin@coompanion.se"
    findings = Findings("12")
    (contact,) = read_contacts(text, [SectionSpan("contact", "Kontakt", None, 0, len(text))],
                               COMPILED.values.contacts, RESOLVER, lambda section, item: "coompanion", findings)
    assert (contact.phone, contact.email, contact.note) == ("08-123 45 67", "elin@coompanion.se", "+46 70 123 45 67")
    assert [(f.code, f.evidence) for f in findings.items] == [("contact_part_not_read", "+46 70 123 45 67")]
