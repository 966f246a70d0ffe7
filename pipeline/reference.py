"""Reference data about the world: counties, municipalities, organisations, Swedish number words.

The facts live in CSV files beside this module (``reference/``), each with its source; this module
only loads them into typed, read-only values. What one report family says (labels, role words …)
is in its profile (``pipeline/profile.py``), not here.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import ConfigurationError
from pipeline.paths import REFERENCE_DIR
from pipeline.slugs import slugify


def _rows(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, csv.Error) as exc:
        raise ConfigurationError(f"{path}: cannot read reference data ({exc})") from exc


@dataclass(frozen=True)
class County:
    county_code: str
    county_name: str
    short_name: str
    region_body: str
    region_aliases: tuple[str, ...]
    place_aliases: tuple[str, ...] = ()
    """Other names of the county as a place ("Jämtland" for Jämtland Härjedalen)."""

    @property
    def region_organisation_id(self) -> str:
        return slugify(self.region_body)


@dataclass(frozen=True)
class Entity:
    """One canonical entity of the registry: an organisation, a public body, or a place (county,
    municipality). (``models.Organisation`` is the published row of one that a document refers to.)"""

    organisation_id: str
    name: str
    kind: str | None
    aliases: tuple[str, ...]
    source: str
    parent_id: str | None = None
    misspellings: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    """Names of regional offices or companies written after the organisation's name ("Almi Mitt"),
    besides any place; "Coompanion Fyrbodal" is Coompanion with its office "Fyrbodal"."""
    county_code: str | None = None
    municipality_code: str | None = None
    place_id: str | None = None
    """For an unregistered name that holds a place ("Högskolan i Gävle"): that place's entity id."""
    suggestions: tuple[str, ...] = ()
    """For an unregistered name: the registry's closest names, which it is not (never aliases)."""


@dataclass(frozen=True)
class Municipality:
    municipality_code: str
    name: str
    county_code: str
    body_name: str
    bare_name_ambiguous: bool


def _split(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split("|") if part)


@lru_cache(maxsize=None)
def counties() -> tuple[County, ...]:
    """All 21 Swedish counties with their SCB county code, in code order."""
    result = tuple(
        County(
            county_code=row["county_code"],
            county_name=row["county_name"],
            short_name=row["short_name"],
            region_body=row["region_body"],
            region_aliases=tuple(a for a in row["region_aliases"].split("|") if a),
            place_aliases=_split(row["place_aliases"]),
        )
        for row in _rows("counties.csv")
    )
    if len(result) != 21 or len({c.county_code for c in result}) != 21:
        raise ConfigurationError(f"{REFERENCE_DIR / 'counties.csv'}: expected 21 distinct counties")
    return result


@lru_cache(maxsize=None)
def county_by_code(code: str) -> County:
    """The county of an SCB county code; raises ``KeyError`` for a code that is none."""
    found = next((c for c in counties() if c.county_code == code), None)
    if found is None:
        raise KeyError(f"no county has the code {code!r}")
    return found


@lru_cache(maxsize=None)
def organisation_words() -> dict[str, str]:
    """Swedish nouns that make a name an organisation's (case-folded, maybe two words) -> kind:
    "universitet" -> "university", "science park" -> "science park"."""
    return {row["word"].casefold(): row["kind"] for row in _rows("organisation_words.csv")}


@lru_cache(maxsize=None)
def number_words() -> dict[str, int]:
    """Swedish cardinal number words -> value ("två" -> 2, "tjugo" -> 20)."""
    return {row["word"]: int(row["value"]) for row in _rows("number_words.csv")}


@lru_cache(maxsize=None)
def number_scales() -> dict[str, tuple[str, int | None]]:
    """Swedish words after (or instead of) a number that change what it counts, case-folded ->
    (kind, value): "multiplier" ("tusen" -> 1000) or "share" ("tredjedel", "%": part of a whole,
    no count)."""
    return {row["word"].casefold(): (row["kind"], int(row["value"]) if row["value"] else None)
            for row in _rows("number_scales.csv")}


@lru_cache(maxsize=None)
def municipalities() -> tuple[Municipality, ...]:
    """All 290 Swedish municipalities with their SCB municipality code."""
    result = tuple(
        Municipality(
            municipality_code=row["municipality_code"],
            name=row["name"],
            county_code=row["county_code"],
            body_name=row["body_name"],
            bare_name_ambiguous=row["bare_name_ambiguous"] == "yes",
        )
        for row in _rows("municipalities.csv")
    )
    if len({m.municipality_code for m in result}) != 290:
        raise ConfigurationError(f"{REFERENCE_DIR / 'municipalities.csv'}: expected 290 distinct municipalities")
    return result


def genitive(name: str) -> str:
    """Swedish genitive of a place name: "Nyköping" -> "Nyköpings", "Borås" -> "Borås"."""
    return name if name[-1:] in "sxz" else f"{name}s"


REGISTRY_KINDS_EXCLUDED_FROM_FUZZY = frozenset({"municipality", "county", "county board", "region"})
"""Place names are too alike to guess at (Alvesta/Avesta, Linköping/Lidköping): only the
organisation registry takes fuzzy matches."""


def county_body_id(county: County) -> str:
    return f"lansstyrelsen-{slugify(county.short_name)}"


def county_place_id(county: County) -> str:
    return f"lan-{slugify(county.short_name)}"


def _county_entities() -> list[Entity]:
    entities = []
    for county in counties():
        code, short = county.county_code, county.short_name
        entities.append(Entity(
            organisation_id=county.region_organisation_id, name=county.region_body, kind="region",
            aliases=county.region_aliases, source=f"counties.csv, SCB county code {code}", county_code=code))
        entities.append(Entity(
            organisation_id=county_body_id(county), name=f"Länsstyrelsen i {county.county_name}", kind="county board",
            aliases=(f"Länsstyrelsen i {county.county_name}", f"Länsstyrelsen i {short}", f"Länsstyrelsen {short}"),
            source=f"counties.csv, SCB county code {code}", county_code=code))
        entities.append(Entity(
            organisation_id=county_place_id(county), name=county.county_name, kind="county",
            aliases=(county.county_name, *county.place_aliases), source=f"counties.csv, SCB county code {code}",
            county_code=code))
    return entities


def _municipality_entities() -> list[Entity]:
    region_bodies = {c.region_body: c for c in counties()}
    slugs = Counter(slugify(m.body_name) for m in municipalities())
    entities = []
    for m in municipalities():
        if m.body_name in region_bodies:  # Region Gotland is also the municipality
            continue
        forms = {m.body_name, *(f"{name} {word}" for name in (m.name, genitive(m.name))
                                 for word in MUNICIPALITY_WORDS)}
        if "-" in m.name:
            forms |= {f.replace("-", " ") for f in forms}
        entities.append(Entity(
            # "Håbo kommun" and "Habo kommun" fold to one slug: such ids carry the code
            organisation_id=slugify(m.body_name) if slugs[slugify(m.body_name)] == 1
            else f"{slugify(m.body_name)}-{m.municipality_code}",
            name=m.body_name, kind="municipality",
            aliases=tuple(sorted(forms)), source=f"municipalities.csv, SCB municipality code {m.municipality_code}",
            county_code=m.county_code, municipality_code=m.municipality_code))
    return entities


MUNICIPALITY_WORDS = ("kommun", "stad")
"""A municipality is written "<name> kommun", "<genitive> kommun", "<name> stad" …"""


@lru_cache(maxsize=None)
def organisations() -> tuple[Entity, ...]:
    """Every canonical entity: the registry, each county's region, county board and county, and
    every municipality."""
    registry = [
        Entity(
            organisation_id=row["organisation_id"],
            name=row["name"],
            kind=row["kind"] or None,
            aliases=_split(row["aliases"]),
            source=row["source"],
            parent_id=row["parent_id"] or None,
            misspellings=_split(row["misspellings"]),
            offices=_split(row["offices"]),
        )
        for row in _rows("organisations.csv")
    ]
    registry += _county_entities() + _municipality_entities()
    ids = [o.organisation_id for o in registry]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigurationError(f"organisations.csv: duplicate organisation_id {duplicates}")
    known = set(ids)
    orphans = sorted(o.parent_id for o in registry if o.parent_id and o.parent_id not in known)
    if orphans:
        raise ConfigurationError(f"organisations.csv: unknown parent_id {orphans}")
    return tuple(registry)


def heading_names(heading_forms: tuple[str, ...]) -> list[tuple[str, County]]:
    """Every county's region heading in each of ``heading_forms`` (a profile's
    ``regions.heading_forms``: "{short_name}", "{county_name}", "{region_aliases}" or "{place_aliases}" filled in from
    counties.csv), longest first. Here, not in a stage, so the readers and the section stage share it."""
    aliases = []
    if any("{municipality_" in form for form in heading_forms):
        return [(name, county_by_code(m.county_code)) for name, m in municipality_heading_names(heading_forms)]
    for county in counties():
        names: set[str] = set()
        for form in heading_forms:
            if "{region_aliases}" in form:
                names |= {form.replace("{region_aliases}", alias) for alias in county.region_aliases}
            elif "{place_aliases}" in form:
                names |= {form.replace("{place_aliases}", alias) for alias in county.place_aliases}
            else:
                names.add(form.format(short_name=county.short_name, county_name=county.county_name))
        aliases.extend((name, county) for name in names)
    return sorted(aliases, key=lambda pair: -len(pair[0]))


def municipality_heading_names(heading_forms: tuple[str, ...]) -> list[tuple[str, Municipality]]:
    """Every municipality's heading in each of ``heading_forms`` ("{municipality_name}" gives
    "Östhammar", "{municipality_body}" "Östhammars kommun"), longest first."""
    names = []
    for m in municipalities():
        for form in heading_forms:
            names.append((form.format(municipality_name=m.name, municipality_body=m.body_name), m))
    return sorted(dict(names).items(), key=lambda pair: (-len(pair[0]), pair[0]))


def municipality_county(code: str) -> str:
    """The county code of a municipality code (its first two digits, as SCB assigns them)."""
    return next(m.county_code for m in municipalities() if m.municipality_code == code)


def entity_by_municipality_code() -> dict[str, Entity]:
    """Municipality code -> its entity (Gotland's is the region body, so it has none here)."""
    return {o.municipality_code: o for o in organisations() if o.municipality_code}


@dataclass(frozen=True)
class WrittenUnit:
    """A unit as Swedish text writes it after a number: "tkr" is 1,000 SEK, "%" a percentage."""

    written: str
    unit: str
    factor: int


@lru_cache(maxsize=None)
def written_units() -> tuple[WrittenUnit, ...]:
    """Units written after an amount ("tkr", "miljoner kronor", "MSEK", "%"), longest first."""
    rows = [WrittenUnit(row["written"].casefold(), row["unit"], int(row["factor"])) for row in _rows("money_units.csv")]
    return tuple(sorted(rows, key=lambda u: (-len(u.written), u.written)))


@lru_cache(maxsize=None)
def written_unit_alternatives() -> str:
    """Every written unit as one regular-expression alternation, longest first, a space as any run
    of white space ("miljoner\\s+kronor")."""
    return "|".join(re.escape(u.written).replace(r"\ ", r"\s+") for u in written_units())


@lru_cache(maxsize=None)
def month_names() -> dict[str, int]:
    """Swedish month names and their abbreviations, case-folded -> month number."""
    return {row["written"].casefold(): int(row["month"]) for row in _rows("months.csv")}


@lru_cache(maxsize=None)
def period_parts() -> dict[str, tuple[int, int]]:
    """Parts of a year as Swedish text writes them ("första halvåret", "H1", "Q3"), case-folded ->
    (first month, last month)."""
    return {row["written"].casefold(): (int(row["first_month"]), int(row["last_month"]))
            for row in _rows("period_parts.csv")}


@lru_cache(maxsize=None)
def county_names() -> dict[str, str]:
    """Every way a section naming a county writes it, case-folded -> county code: "Uppsala län",
    "Uppsala", "Region Uppsala", a place alias ("Jämtland")."""
    names: dict[str, str] = {}
    for county in counties():
        for name in (county.county_name, county.short_name, county.region_body, *county.region_aliases,
                     *county.place_aliases, f"{genitive(county.short_name)} län"):
            names.setdefault(name.casefold(), county.county_code)
    return names


@lru_cache(maxsize=None)
def municipality_names() -> dict[str, str]:
    """Every way a section naming a municipality writes it, case-folded -> municipality code:
    "Östhammar", "Östhammars kommun", "Östhammar kommun", "Borås stad". In a section that names
    municipalities, a bare name is that municipality even where it is also a common word ("Berg")."""
    names: dict[str, str] = {}
    for m in municipalities():
        forms = [m.name, m.body_name, *(f"{name} {word}" for name in (m.name, genitive(m.name))
                                        for word in MUNICIPALITY_WORDS)]
        for form in forms:
            names.setdefault(form.casefold(), m.municipality_code)
    return names
