"""Reference data: complete, consistent, and with sources."""

from __future__ import annotations

import itertools
import re

from tests.conftest import COMPILED, PROFILE
from pipeline import reference
from pipeline.entities.nlp import analyse, find_entities, section_span
from pipeline.entities.resolver import FUZZY_MIN_LENGTH, FUZZY_THRESHOLD, Resolver, _key, distinctive, similarity


def test_all_21_counties_with_scb_codes():
    counties = {c.county_code: c.county_name for c in reference.counties()}
    assert len(counties) == 21
    assert counties["10"] == "Blekinge län" and counties["14"] == "Västra Götalands län"
    assert counties["01"] == "Stockholms län" and counties["25"] == "Norrbottens län"
    assert all(re.fullmatch(r"\d\d", code) for code in counties)


def test_every_organisation_has_a_kind_and_a_source():
    for organisation in reference.organisations():
        assert organisation.kind and organisation.source, organisation.organisation_id


def test_no_alias_belongs_to_two_organisations():
    owners: dict[str, str] = {}
    for organisation in reference.organisations():
        for alias in {_key(a) for a in (organisation.name, *organisation.aliases)}:
            assert owners.setdefault(alias, organisation.organisation_id) == organisation.organisation_id, alias


def test_fuzzy_threshold_separates_misspellings_from_other_organisations():
    """The threshold is below the seed's misspellings and above any two organisations' aliases."""
    # the seed's misspellings, compared with the names they stand for, clear the threshold
    assert similarity("coomapanion", "coompanion") >= FUZZY_THRESHOLD
    assert similarity("suptopia", "subtopia") >= FUZZY_THRESHOLD
    # and misspellings the registry does not list resolve by similarity alone
    resolver = Resolver(PROFILE)
    for surface, organisation_id in {"Coompannion": "coompanion", "Krinowa": "krinova",
                                     "Skyddsvärent": "skyddsvarnet"}.items():
        resolution = resolver.resolve(surface)
        assert (resolution.organisation_id, resolution.method) == (organisation_id, "fuzzy")
    keyed = [(_key(a), o.organisation_id) for o in reference.organisations() for a in (o.name, *o.aliases)
             if len(distinctive(_key(a))) >= FUZZY_MIN_LENGTH
             and o.kind not in reference.REGISTRY_KINDS_EXCLUDED_FROM_FUZZY]
    closest = max(
        similarity(a, b)
        for (a, owner_a), (b, owner_b) in itertools.combinations(keyed, 2) if owner_a != owner_b
    )
    assert closest < FUZZY_THRESHOLD


def test_abbreviations_resolve_exactly():
    resolver = Resolver(PROFILE)
    expected = {"NC": "nyforetagarcentrum", "AF": "arbetsformedlingen", "UF": "ung-foretagsamhet",
                "SU": "stockholms-universitet", "LiU": "linkopings-universitet", "MDH": "malardalens-universitet",
                "BBI": "blekinge-business-incubator", "ALMI": "almi"}
    assert {surface: resolver.resolve(surface).organisation_id for surface in expected} == expected


def test_the_profile_gives_every_section_and_metric_of_the_report():
    # the seed's labels: Kontakt, Samverkanspartners, Syfte, Tidigare engagemang, Mål, Konkret and three count lines
    assert PROFILE.section_ids == ("summary", "contact", "partners", "purpose", "previous_engagement", "goals",
                                   "concrete", "known_social_enterprises", "municipalities_promoting",
                                   "business_promoters", "other")


def test_misspelled_place_names_are_not_guessed():
    """Swedish place names are too alike for fuzzy matching: "Avesta" must never become "Alvesta"."""
    resolver = Resolver(PROFILE)
    assert resolver.resolve("Region Sörmland").organisation_id == "region-sormland"
    assert resolver.resolve("Avesta kommun").organisation_id == "avesta-kommun"
    assert resolver.resolve("Avestaa kommun").method == "unregistered"


# Coverage from public lists. Names are copied from the lists as published; ids are the registry's slugs
# of those names (pipeline/reference/README.md names the sources).

# UKÄ, "List of higher education institutions in Sweden" (Swedish names), and UHR's studera.nu list of
# independent higher education providers: every university and university college by its Swedish name.
HIGHER_EDUCATION = {
    "Uppsala universitet": "uppsala-universitet", "Lunds universitet": "lunds-universitet",
    "Göteborgs universitet": "goteborgs-universitet", "Stockholms universitet": "stockholms-universitet",
    "Umeå universitet": "umea-universitet", "Linköpings universitet": "linkopings-universitet",
    "Karolinska institutet": "karolinska-institutet", "Kungl. Tekniska högskolan": "kth",
    "Luleå tekniska universitet": "lulea-tekniska-universitet",
    "Sveriges lantbruksuniversitet": "sveriges-lantbruksuniversitet",
    "Karlstads universitet": "karlstads-universitet", "Linnéuniversitetet": "linneuniversitetet",
    "Mittuniversitetet": "mittuniversitetet", "Örebro universitet": "orebro-universitet",
    "Malmö universitet": "malmo-universitet", "Mälardalens universitet": "malardalens-universitet",
    "Blekinge tekniska högskola": "blekinge-tekniska-hogskola", "Försvarshögskolan": "forsvarshogskolan",
    "Gymnastik- och idrottshögskolan": "gymnastik-och-idrottshogskolan", "Högskolan i Borås": "hogskolan-i-boras",
    "Högskolan Dalarna": "hogskolan-dalarna", "Högskolan i Gävle": "hogskolan-i-gavle",
    "Högskolan i Halmstad": "hogskolan-i-halmstad", "Högskolan Kristianstad": "hogskolan-kristianstad",
    "Högskolan i Skövde": "hogskolan-i-skovde", "Högskolan Väst": "hogskolan-vast", "Konstfack": "konstfack",
    "Kungl. Konsthögskolan": "kungl-konsthogskolan", "Kungl. Musikhögskolan i Stockholm": "kungl-musikhogskolan",
    "Södertörns högskola": "sodertorns-hogskola",
    "Stockholms konstnärliga högskola": "stockholms-konstnarliga-hogskola",
    "Chalmers tekniska högskola": "chalmers", "Handelshögskolan i Stockholm": "handelshogskolan-i-stockholm",
    "Jönköping University": "jonkoping-university", "Marie Cederschiöld högskola": "marie-cederschiold-hogskola",
    "Sophiahemmet Högskola": "sophiahemmet-hogskola", "Röda Korsets Högskola": "roda-korsets-hogskola",
    "Enskilda Högskolan Stockholm": "enskilda-hogskolan-stockholm", "Newmaninstitutet": "newmaninstitutet",
    "Beckmans designhögskola": "beckmans-designhogskola",
    "Johannelunds teologiska högskola": "johannelunds-teologiska-hogskola",
    "Stockholms Musikpedagogiska Institut": "stockholms-musikpedagogiska-institut",
    "Akademi för ledarskap och teologi": "akademi-for-ledarskap-och-teologi",
}


def resolved(surfaces) -> dict[str, tuple[str, str | None]]:
    resolver = Resolver(PROFILE)
    return {s: (r.organisation_id, r.organisation.kind) for s in surfaces for r in [resolver.resolve(s)]}


def test_every_university_and_university_college_of_the_public_lists_is_registered():
    assert resolved(HIGHER_EDUCATION) == {name: (oid, "university") for name, oid in HIGHER_EDUCATION.items()}
    # the forestry school on the independent providers' list is a school
    assert resolved(["Gammelkroppa skogsskola"]) == {"Gammelkroppa skogsskola": ("gammelkroppa-skogsskola", "school")}


def test_usual_university_abbreviations_and_former_names_resolve():
    # abbreviations the universities use of themselves (uu.se, gu.se, kth.se, ki.se, slu.se, kau.se, lnu.se, oru.se)
    # and names before a rename (Ersta Sköndal Bräcke högskola -> Marie Cederschiöld högskola, 2022)
    expected = {"UU": "uppsala-universitet", "GU": "goteborgs-universitet", "KTH": "kth",
                "Kungliga Tekniska högskolan": "kth", "KI": "karolinska-institutet", "SLU": "sveriges-lantbruksuniversitet",
                "KAU": "karlstads-universitet", "LNU": "linneuniversitetet", "ORU": "orebro-universitet",
                "BTH": "blekinge-tekniska-hogskola", "Chalmers": "chalmers",
                "Ersta Sköndal Bräcke högskola": "marie-cederschiold-hogskola",
                "Teologiska högskolan Stockholm": "enskilda-hogskolan-stockholm"}
    assert {s: oid for s, (oid, _) in resolved(expected).items()} == expected


def test_science_parks_and_incubators_of_the_public_lists_are_registered():
    # SISP members' own sites, Invest in Gothenburg's three science parks and the regional incubator list
    expected = {
        "Uppsala Science Park": ("uppsala-science-park", "company"),
        "Lindholmen Science Park": ("lindholmen-science-park", "company"),
        "Sahlgrenska Science Park": ("sahlgrenska-science-park", "company"),
        "Johanneberg Science Park": ("johanneberg-science-park", "company"),
        "Science Park Jönköping": ("science-park-jonkoping", "company"),
        "Kista Science City": ("kista-science-city", "company"),
        "Södertälje Science Park": ("sodertalje-science-park", "company"),
        "Flemingsberg Science": ("flemingsberg-science", "foundation"),
        "Växjö Linnaeus Science Park": ("vaxjo-linnaeus-science-park", "company"),
        "Uppsala Innovation Centre": ("uppsala-innovation-centre", "incubator"),
        "Umeå Biotech Incubator": ("umea-biotech-incubator", "incubator"),
        "Arctic Business Incubator": ("arctic-business-incubator", "incubator"),
        "Chalmers Ventures": ("chalmers-ventures", "incubator"),
        "SmiLe Incubator": ("smile-incubator", "incubator"),
        "Swedish Incubators & Science Parks": ("sisp", "association"),
    }
    assert resolved(expected) == expected


def test_savings_banks_of_the_public_lists_are_registered():
    # the Riksbank's 2025 list of credit institutions and Enable Banking's list of Swedish savings banks
    expected = {name: (oid, "savings bank") for name, oid in {
        "Sparbanken Skåne": "sparbanken-skane", "Sparbanken Nord": "sparbanken-nord",
        "Sparbanken Sjuhärad": "sparbanken-sjuharad", "Sparbanken Skaraborg": "sparbanken-skaraborg",
        "Sparbanken Alingsås": "sparbanken-alingsas", "Sörmlands Sparbank": "sormlands-sparbank",
        "Hälsinglands Sparbank": "halsinglands-sparbank", "Vimmerby Sparbank": "vimmerby-sparbank",
        "Westra Wermlands Sparbank": "westra-wermlands-sparbank", "Ölands Bank": "olands-bank"}.items()}
    assert resolved(expected) == expected


def test_funders_of_social_enterprise_and_city_missions_are_registered():
    expected = {
        "Mikrofonden": ("mikrofonden", "cooperative"),
        "Familjen Kamprads stiftelse": ("familjen-kamprads-stiftelse", "foundation"),
        "Postkodstiftelsen": ("postkodstiftelsen", "foundation"),
        "Reach for Change": ("reach-for-change", "foundation"),
        "Ashoka": ("ashoka", "association"),
        "Allmänna arvsfonden": ("allmanna-arvsfonden", "public agency"),
        "Arvsfonden": ("allmanna-arvsfonden", "public agency"),
        "Vinnova": ("vinnova", "public agency"),
        "Tillväxtverket": ("tillvaxtverket", "public agency"),
        # the ten members of Sveriges Stadsmissioner
        "Stockholms Stadsmission": ("stockholms-stadsmission", "foundation"),
        "Göteborgs Stadsmission": ("goteborgs-stadsmission", "association"),
        "Skåne Stadsmission": ("skane-stadsmission", "association"),
        "Uppsala Stadsmission": ("uppsala-stadsmission", "association"),
        "Linköpings Stadsmission": ("linkopings-stadsmission", "association"),
        "Västerås Stadsmission": ("vasteras-stadsmission", "association"),
        "Kalmar Stadsmission": ("kalmar-stadsmission", "association"),
        "Eskilstuna Stadsmission": ("eskilstuna-stadsmission", "association"),
        "Örebro Stadsmission": ("orebro-stadsmission", "association"),
        "Umeå Stadsmission": ("umea-stadsmission", "association"),
    }
    assert resolved(expected) == expected


def test_regional_companies_and_offices_are_offices_not_organisations():
    """Almi's regional companies, Coompanion's regional offices and Mikrofonden's regional funds are offices of the
    one organisation: "Almi Mitt" is Almi with its office "Mitt"."""
    text = "Almi Mitt, Almi GävleDala, Coompanion Fyrbodal, Coompanion Sjuhärad, Mikrofonden Väst och Högskolan Väst."
    doc = analyse(text, COMPILED.entities)
    mentions = find_entities(section_span(doc, 0, len(text)), reference.county_by_code("14"), "partners",
                             COMPILED.entities, list(doc.ents)).mentions
    assert [(m.organisation_id, m.office) for m in mentions] == [
        ("almi", "Mitt"), ("almi", "GävleDala"), ("coompanion", "Fyrbodal"), ("coompanion", "Sjuhärad"),
        ("mikrofonden", "Väst"), ("hogskolan-vast", None)]


def test_names_alike_but_for_their_place_are_each_their_own_organisation():
    """Science parks and savings banks named after their towns differ only in the town
    ("Linköping Science Park", "Norrköping Science Park"): "science park" and "sparbank" are generic
    words for the fuzzy rule, so each resolves to itself and never to its look-alike."""
    resolver = Resolver(PROFILE)
    expected = {"Linköping Science Park": "linkoping-science-park", "Norrköping Science Park": "norrkoping-science-park",
                "Ideon Science Park": "ideon-science-park", "Luleå Science Park": "lulea-science-park",
                "Kalmar Science Park": "kalmar-science-park", "Dalarna Science Park": "dalarna-science-park",
                "Varbergs Sparbank": "varbergs-sparbank", "Åtvidabergs Sparbank": "atvidabergs-sparbank",
                "Falkenbergs Sparbank": "falkenbergs-sparbank", "Sparbanken Eken": "sparbanken-eken",
                "Sparbanken Boken": "sparbanken-boken", "KTH Innovation": "kth-innovation"}
    assert {name: resolver.resolve(name).organisation_id for name in expected} == expected
    assert resolver.resolve("Varbegs Sparbank").organisation_id == "varbergs-sparbank"  # a misspelled town still resolves
    assert resolver.resolve("Vadstena Science Park").method == "unregistered"  # not Västerås, not any other
