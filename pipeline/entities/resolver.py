"""Names as written resolve to one canonical organisation id each.

In order: an alias of the registry (case-folded); "regionen" (the region's own body); a known
alias followed by an office or unit ("Coompanion Sörmland", "Mälardalens högskola/Idélab"); a
garbled token whose letters alone spell an alias ("Eks00,,,,,,0000käret"); a close misspelling
("Coomapanion"). Anything else becomes an unregistered organisation with a slug id, so nothing is
dropped, and is reported with the nearest registry names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from pipeline import reference
from pipeline.entities.registry import registry
from pipeline.profile import Profile
from pipeline.reference import County, Entity
from pipeline.slugs import slugify

FUZZY_THRESHOLD = 0.85
"""Similarity (normalised Indel similarity, rapidfuzz ``fuzz.ratio`` / 100) for a misspelling to resolve. "Coomapanion"/"Coompanion" is 0.95 and
"Suptopia"/"Subtopia" 0.88; the closest aliases of two different organisations in the registry
stay below it (a test keeps it so)."""

RESOLVED_CACHE_SIZE = 100_000
"""Surface forms a resolver remembers; past this it starts afresh, so memory stays bounded over a
long run of documents full of distinct names."""

FUZZY_MIN_LENGTH = 5
"""Shorter names (NC, AF, UF, SU) are abbreviations: they resolve exactly or not at all."""

GENERIC_WORDS = frozenset({"region", "regionen", "län", "kommun", "kn", "stad", "universitet", "högskola", "i", "och",
                           "ab", "stiftelsen", "förening", "ekonomisk", "länsstyrelsen", "science", "park", "sparbank",
                           "sparbanken", "innovation", "innovations"})
"""Words many names share. Two names must be alike both whole and without these words, so
"Region Sörmland" never resolves to "Region Värmland" (0.87 alike whole, 0.75 without "region")
and "Stockholms universitet" never to "Region Stockholm" (0.95 without, 0.50 whole)."""


def distinctive(key: str) -> str:
    """The case-folded name without generic words ("region sörmland" -> "sörmland")."""
    return " ".join(word for word in key.split() if word not in GENERIC_WORDS)


def similarity(a: str, b: str) -> float:
    """How alike two case-folded names are: the lower of the whole-name and distinctive-word ratios.

    Names with a different number of words are not alike ("Innovation" is not "LU Innovation"),
    and neither is an inflected form ("Mikrofond" is the common noun, "Mikrofonden" the name).
    """
    if len(a.split()) != len(b.split()) or a.startswith(b) or b.startswith(a):
        return 0.0
    return min(fuzz.ratio(a, b), fuzz.ratio(distinctive(a), distinctive(b))) / 100

_CONJUNCTION = re.compile(r"\s(?:och|samt|&)\s")


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip(" .,;:").casefold()


GARBLED_WORD = re.compile(r"[^\W\d_](?=[\d,.;]*(?:[,.;]{2}|\d{3}))[\d,.;]+[^\W\d_]")
MAY_BE_GARBLED = r"(?=[^\W\d]*+\d|\w*+[,.;])"
"""What a word (from its start) must have for ``GARBLED_WORD`` to match in it, tested without
backtracking: a digit among its word characters, or one of ",.;" right after them (the rule needs a
letter followed by one of those). Keep the two together."""


def is_garbled(surface: str) -> bool:
    """True for a word broken inside by digits or repeated punctuation ("Eks00,,,,,,0000käret"),
    not for ordinary compounds ("2030-mål", "ASF:14", "Samarkand2015")."""
    return GARBLED_WORD.search(surface) is not None


@dataclass(frozen=True)
class Resolution:
    """What a surface form resolved to, and how."""

    organisation_id: str
    method: str
    score: float | None
    organisation: Entity


class Resolver:
    """Resolves surface forms against the organisation registry and remembers what it returned."""

    def __init__(self, profile: Profile, entities: tuple[Entity, ...] | None = None) -> None:
        """``entities``: the profile's registry when the caller has it (``registry(profile)``)."""
        self._own_region = {_key(word) for word in profile.entities.own_region_words}
        self._by_alias: dict[str, Entity] = {}
        self._suggested: dict[tuple[str, int], tuple[str, ...]] = {}
        self._aliases: list[str] | None = None
        self._misspelled: dict[str, Entity] = {}
        entities = registry(profile) if entities is None else entities
        for organisation in entities:
            for alias in (organisation.name, *organisation.aliases):
                self._by_alias.setdefault(_key(alias), organisation)
            for misspelling in organisation.misspellings:
                self._misspelled[_key(misspelling)] = organisation
        self._by_id = {o.organisation_id: o for o in entities}
        self._fuzzy_keys = [k for k, o in self._by_alias.items() if len(distinctive(k)) >= FUZZY_MIN_LENGTH
                            and o.kind not in reference.REGISTRY_KINDS_EXCLUDED_FROM_FUZZY]
        self._cache: dict[tuple[str, str | None], Resolution] = {}
        self._prefixes: dict[str, list[str]] = {}  # first word -> aliases that start with it, longest first
        for k in sorted((k for k in self._by_alias if len(k) >= 4), key=len, reverse=True):
            self._prefixes.setdefault(re.split(r"[\s/(,-]", k, maxsplit=1)[0], []).append(k)

    def exact(self, surface: str) -> Entity | None:
        return self._by_alias.get(_key(surface))

    def is_known(self, surface: str) -> bool:
        """True when ``surface`` resolves to a registered organisation by any rule."""
        return self.resolve(surface).method != "unregistered"

    def entity(self, organisation_id: str) -> Entity | None:
        return self._by_id.get(organisation_id)

    def region_body(self, county: County) -> Entity:
        return self._by_id[county.region_organisation_id]

    def resolve(self, surface: str, county: County | None = None) -> Resolution:
        """Returns what ``surface`` names; ``county`` gives "regionen" its meaning."""
        cache_key = (surface, county.county_code if county else None)
        if cache_key not in self._cache:
            if len(self._cache) >= RESOLVED_CACHE_SIZE:
                self._cache.clear()
            self._cache[cache_key] = self._resolve(surface, county)
        return self._cache[cache_key]

    def _resolve(self, surface: str, county: County | None) -> Resolution:
        key = _key(surface)
        if county is not None and key in self._own_region:
            body = self.region_body(county)
            return Resolution(body.organisation_id, "regional", None, body)
        if key in self._by_alias:
            found = self._by_alias[key]
            return Resolution(found.organisation_id, "alias", None, found)
        if key.endswith("s") and key[:-1] in self._by_alias and len(key) > FUZZY_MIN_LENGTH:
            found = self._by_alias[key[:-1]]  # genitive: "Tillväxtverkets"
            return Resolution(found.organisation_id, "alias", None, found)
        if key in self._misspelled:
            found = self._misspelled[key]
            return Resolution(found.organisation_id, "misspelling", None, found)
        for prefix in self._prefixes.get(re.split(r"[\s/(,-]", key, maxsplit=1)[0], ()):
            rest = key[len(prefix) :]
            if key.startswith(prefix) and not rest[:1].isalnum() and not _CONJUNCTION.search(rest):
                found = self._by_alias[prefix]
                return Resolution(found.organisation_id, "prefix", None, found)
        if is_garbled(surface):
            letters = _key(re.sub(r"[\d,.;]+", "", surface))
            if letters in self._by_alias:
                found = self._by_alias[letters]
                return Resolution(found.organisation_id, "garbled", None, found)
        if len(distinctive(key)) >= FUZZY_MIN_LENGTH:
            # cheap whole-name prefilter in C, then the full rule on the few survivors
            shortlist = process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=5,
                                        score_cutoff=FUZZY_THRESHOLD * 100)
            scored = [(similarity(key, k), k) for k, _, _ in shortlist]
            score, best = max(scored, default=(0.0, ""))
            if score >= FUZZY_THRESHOLD:
                found = self._by_alias[best]
                return Resolution(found.organisation_id, "fuzzy", round(score, 3), found)
        name = re.sub(r"\s+", " ", surface).strip(" .,;:")
        unregistered = Entity(
            organisation_id=f"unregistered-{slugify(name)}",
            name=name,
            kind=None,
            aliases=(name,),
            source="not in the registry",
        )
        return Resolution(unregistered.organisation_id, "unregistered", None, unregistered)

    def suggestions(self, surface: str, limit: int = 3) -> tuple[str, ...]:
        """The registry names closest to ``surface``, for a reviewer deciding what it is; remembered
        per name (the same unregistered names come back document after document)."""
        key = (_key(surface), limit)
        if key not in self._suggested:
            if len(self._suggested) >= RESOLVED_CACHE_SIZE:
                self._suggested.clear()
            if self._aliases is None:
                self._aliases = list(self._by_alias)
            matches = process.extract(key[0], self._aliases, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
            names = dict.fromkeys(self._by_alias[k].name for k, _, _ in matches)
            self._suggested[key] = tuple(names)[:limit]
        return self._suggested[key]
