"""Reference data: complete, consistent, and with sources."""

from __future__ import annotations

import itertools
import re

from tests.conftest import PROFILE
from pipeline import reference
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
