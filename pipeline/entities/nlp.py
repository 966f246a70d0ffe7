"""Entities, spaCy part: every section's text becomes organisation, place and person spans.

``spacy.blank("sv")`` tokenises; two entity rulers built from the reference data tag names with
their canonical id. Multi-word aliases match case-insensitively; one-word aliases, abbreviations
("NC", "AF") and bare place names match as written, so the word "nätverket" is not the
organisation "Nätverket". Known misspellings ("Coomapanion") are patterns of their own. Then:

- "regionen" is the region's own body and a bare "Länsstyrelsen" its county board (the words are
  the profile's ``entities.own_region_words`` and ``own_county_board_words``);
- an organisation followed by a place is a regional office ("Coompanion Sörmland");
- a capitalised word close to a registry name is a misspelling, corrected and reported;
- a garbled word ("Eks00,,,,,,0000käret") is reported, and resolved only when its letters spell
  exactly one known name;
- in contact sections, runs of two to four capitalised words outside any organisation are people.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.attrs import IDX, IS_TITLE, IS_UPPER, LENGTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.lang.sv.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span

from pipeline import reference
from pipeline.entities.registry import registry
from pipeline.models import MatchMethod
from pipeline.entities.resolver import FUZZY_MIN_LENGTH, GARBLED_WORD, MAY_BE_GARBLED, Resolver, is_garbled
from pipeline.entities.tokens import BoundedTokenizer, warm_tokenizer
from pipeline.profile import Profile
from pipeline.reference import County, Entity
from pipeline.segment.lists import ListPatterns

ORG, PLACE, MISSPELLING = "ORG", "PLACE", "MISSPELLING"
_SENTENCE_END = {".", "!", "?", ":", ";", "\n", "\n\n"}
_PLACE_LIST_GLUE = {",", "från", "i"}
"""Words that join a list of places after a municipal role word ("från A, B och C"), besides the
profile's list conjunctions."""


@dataclass(frozen=True)
class EntitySpan:
    """One name found in the text, with absolute offsets and how it was recognised."""

    organisation_id: str
    surface: str
    start: int
    end: int
    method: MatchMethod
    score: float | None = None
    office: str | None = None
    kind: str | None = None
    """For a name the registry lacks: the kind its organisation word gives ("university")."""
    place_id: str | None = None
    """For a name the registry lacks: the place it contains ("Högskolan i Gävle": gavle-kommun)."""


def _organisation_word(doc: Doc, i: int) -> tuple[int, str] | None:
    """(end, kind) when an organisation word (``reference.organisation_words``) starts at token i:
    "universitet", "Science Park", or a compound ending in one ("Linnéuniversitetet")."""
    if i >= len(doc):
        return None
    org_words = reference.organisation_words()
    two = f"{doc[i].lower_} {doc[i + 1].lower_}" if i + 1 < len(doc) else ""
    if two in org_words:
        return i + 2, org_words[two]
    word = doc[i].lower_
    if word in org_words:
        return i + 1, org_words[word]
    if doc[i].is_title and len(word) >= 8:
        suffixes = _compound_ends()
        if word.endswith(suffixes):  # one C-level test; the loop below only for the few that end so
            suffix = next(w for w in suffixes if word.endswith(w))
            return i + 1, org_words[suffix]
    return None


@lru_cache(maxsize=1)
def _compound_ends() -> tuple[str, ...]:
    """The organisation words a compound may end in ("Linnéuniversitetet"): one word of 7 letters or more."""
    return tuple(w for w in reference.organisation_words() if " " not in w and len(w) >= 7)


def _is_name_word(token) -> bool:
    return token.is_title or (token.is_upper and len(token) > 1)


_COUNTY_WORDS = frozenset({"län", "läns"})
"""Swedish for county, and its genitive: a county named before an organisation word."""


def _organisation_with_place(doc: Doc, ent: Span, lo: int, hi: int) -> tuple[int, int, str] | None:
    """Token bounds and kind of an organisation whose name holds the place ``ent``: the place
    followed by an organisation word, maybe after capitalised words ("Örebro universitet",
    "Blekinge Tekniska Högskola", "Luleå Science Park"), or an organisation word before it, maybe
    with "i" ("Högskolan i Gävle", "Linnéuniversitetet i Växjö", "Samordningsförbundet Gävleborg")."""
    j = ent.end
    for _ in range(3):
        found = _organisation_word(doc, j) if j < hi else None
        if found is not None and found[0] <= hi:
            return ent.start, found[0], found[1]
        if j < hi and ((_is_name_word(doc[j]) and not doc[j].ent_type_) or doc[j].lower_ in _COUNTY_WORDS):
            j += 1  # "Blekinge Tekniska Högskola", "Västmanlands läns bildningsförbund"
            continue
        break
    i = ent.start - 1
    if i > lo and doc[i].lower_ == "i":
        i -= 1
    if i >= lo and _is_name_word(doc[i]):
        found = _organisation_word(doc, i)
        if found is not None and found[0] == i + 1:
            return i, ent.end, found[1]
    return None


@dataclass(frozen=True)
class SectionEntities:
    mentions: tuple[EntitySpan, ...]
    people: tuple[tuple[str, int, int], ...]
    garbled: tuple[tuple[str, int, int], ...]


def _patterns(entities: tuple[Entity, ...]) -> tuple[list[dict], list[dict]]:
    """(case-insensitive, as-written) entity-ruler patterns from the registry."""
    nlp = spacy.blank("sv")
    lower: list[dict] = []
    exact: list[dict] = []
    for entity in entities:
        place = entity.kind == "county"
        forms = set(entity.aliases) | {entity.name}
        if entity.kind == "region":
            forms |= {reference.genitive(alias) for alias in entity.aliases}
        for form in sorted(forms):
            one_word = len(nlp.make_doc(form)) == 1
            target = exact if one_word else lower
            target.append({"label": PLACE if place else ORG, "pattern": form, "id": entity.organisation_id})
            if one_word and len(form) >= 5 and not form.isupper() and form[-1] not in "sxz":
                exact.append({"label": ORG, "pattern": f"{form}s", "id": entity.organisation_id})  # genitive
        for form in entity.misspellings:
            exact.append({"label": MISSPELLING, "pattern": form, "id": entity.organisation_id})
    municipal_names = set()
    by_code = reference.entity_by_municipality_code()
    for m in reference.municipalities():
        if m.bare_name_ambiguous or m.municipality_code not in by_code:
            continue  # a municipality that is also the region (Gotland) is named as the county
        entity_id = by_code[m.municipality_code].organisation_id
        municipal_names.add(m.name)
        for form in {m.name, reference.genitive(m.name), m.name.replace("-", " ")}:
            exact.append({"label": PLACE, "pattern": form, "id": entity_id})
    for county in reference.counties():
        if county.short_name in municipal_names:
            continue  # "Uppsala" alone is the city; "Uppsala län" is the county
        for form in {name for short in (county.short_name, *county.place_aliases)
                     for name in (short, reference.genitive(short))}:
            exact.append({"label": PLACE, "pattern": form, "id": reference.county_place_id(county)})
    return lower, exact


MAX_TEXT_LENGTH = 25_000_000
"""spaCy's ``max_length`` guards against texts it was not sized for; ours are bounded by the
readers' limits (20 MiB of source), so the entity rulers may take any text they give."""

class RegistryRuler:
    """An entity ruler for the registry's names: phrase patterns, each with a label and the
    canonical id it stands for, matched on one token attribute (``LOWER`` for multi-word aliases,
    ``ORTH`` for names that match only as written). It matches as spaCy's ``entity_ruler`` does
    (longest first, then the earliest; an entity set by an earlier component is kept unless
    ``overwrite``), and sets the entities in linear time: spaCy's own filters the list of earlier
    entities once per new match (quadratic: a list of 10,000 known names took minutes)."""

    def __init__(self, nlp: Language, name: str, attr: str, overwrite: bool) -> None:
        self.nlp = nlp
        self.name = name
        self.overwrite = overwrite
        self.matcher = PhraseMatcher(nlp.vocab, attr=attr)
        self.labels: dict[int, tuple[str, str]] = {}
        """The label and canonical id of each match key."""

    def add_patterns(self, patterns: list[dict]) -> None:
        """Adds ``{"label": …, "pattern": "a name", "id": "canonical-id"}`` patterns."""
        by_key: dict[str, list[Doc]] = {}
        for entry in patterns:
            key = f"{entry['label']}||{entry['id']}"
            self.labels[self.nlp.vocab.strings.add(key)] = (entry["label"], entry["id"])
            by_key.setdefault(key, []).append(self.nlp.make_doc(entry["pattern"]))
        for key, docs in by_key.items():
            self.matcher.add(key, docs)

    def __call__(self, doc: Doc) -> Doc:
        matches = sorted({(key, start, end) for key, start, end in self.matcher(doc) if start != end},
                         key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
        new_entities = []
        seen_tokens: set[int] = set()
        earlier = list(doc.ents)
        tagged = {i for e in earlier for i in range(e.start, e.end)}  # the tokens with an entity type
        for key, start, end in matches:
            if not self.overwrite and any(i in tagged for i in range(start, end)):
                continue
            if start not in seen_tokens and end - 1 not in seen_tokens:  # boundaries are inclusive
                label, entity_id = self.labels[key]
                new_entities.append(Span(doc, start, end, label=label, span_id=entity_id))
                seen_tokens.update(range(start, end))
        kept = [e for e in earlier if not any(i in seen_tokens for i in range(e.start, e.end))]
        doc.ents = kept + new_entities
        return doc


@Language.factory("registry_ruler", default_config={"attr": "ORTH", "overwrite": False})
def make_registry_ruler(nlp: Language, name: str, attr: str, overwrite: bool) -> RegistryRuler:
    """spaCy's factory for ``RegistryRuler``: ``nlp.add_pipe("registry_ruler", config=…)``."""
    return RegistryRuler(nlp, name, attr, overwrite)


VOCABULARY_GROWTH = 200_000
"""Strings the documents of one process may add to the pipeline's vocabulary before it is built
afresh. Kept between documents, they let the tokenizer reuse what it learnt (a memory zone per
document tokenised every word from scratch, three times slower); bounded, they keep a long run's
memory flat (about 50 MB at most)."""


class Pipeline:
    """The spaCy pipeline of one profile: a blank Swedish pipeline with the two registry rulers,
    built when first used, and built afresh once its vocabulary has grown by ``VOCABULARY_GROWTH``
    strings (``bound``)."""

    def __init__(self, entities: tuple[Entity, ...]) -> None:
        self._entities = entities
        self._nlp: Language | None = None
        self._strings_when_built = 0
        """The size of the vocabulary when built (not in ``nlp.meta``: reading that gathers every
        component's labels, a few milliseconds per document)."""

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            nlp = spacy.blank("sv")
            nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)  # linear in runs of punctuation and long chunks
            nlp.max_length = MAX_TEXT_LENGTH
            lower, exact = _patterns(self._entities)
            rulers = [nlp.add_pipe("registry_ruler", name="alias_ruler", config={"attr": "LOWER", "overwrite": False}),
                      nlp.add_pipe("registry_ruler", name="exact_ruler", config={"attr": "ORTH", "overwrite": False})]
            for ruler, patterns in zip(rulers, (lower, exact)):
                ruler.add_patterns(patterns)
            self._nlp, self._strings_when_built = nlp, len(nlp.vocab.strings)
        return self._nlp

    def bound(self) -> None:
        """Drops the pipeline once its vocabulary has grown by ``VOCABULARY_GROWTH`` strings."""
        if self._nlp is not None and len(self._nlp.vocab.strings) > self._strings_when_built + VOCABULARY_GROWTH:
            self._nlp = None


@lru_cache(maxsize=1)
def _municipality_ids() -> frozenset[str]:
    return frozenset(o.organisation_id for o in reference.organisations() if o.kind == "municipality")


_NAME_WORD = {"IS_TITLE": True, "ENT_TYPE": "", "LENGTH": {">=": 2}}
"""A token of a person's name: a capitalised word of two letters or more, in no other entity."""


@lru_cache(maxsize=1)
def _person_matcher(vocab) -> Matcher:
    matcher = Matcher(vocab)
    word = _NAME_WORD
    hyphenated = [word, {"ORTH": "-"}, word]
    matcher.add("PERSON", [[word] * n for n in (2, 3, 4)] + [hyphenated + [word], hyphenated + [word, word]],
                greedy="LONGEST")
    return matcher


@lru_cache(maxsize=4)
def _redaction_matcher(vocab, particles: tuple[str, ...]) -> Matcher:
    """The PERSON rule and, for redaction, names in capitals ("LARS ERIKSSON", "Anna BERG"), with inner
    capitals ("Ingrid McDonald", "Tom DeLuca") and with lower-case particles or a middle initial
    ("Lisa af Klinteberg", "Maria de la Cruz", "Anna K. Berg")."""
    matcher = Matcher(vocab)
    word = _NAME_WORD
    upper = {"IS_UPPER": True, "IS_ALPHA": True, "ENT_TYPE": "", "LENGTH": {">=": 2}}
    middle = {"LOWER": {"IN": list(particles)}, "OP": "+"} if particles else None
    initial = {"TEXT": {"REGEX": r"^[A-ZÅÄÖ]\.$"}}
    inner = {"TEXT": {"REGEX": r"^[A-ZÅÄÖ][a-zåäöéü]{1,3}[A-ZÅÄÖ][a-zåäöéü]+$"}, "ENT_TYPE": ""}  # McDonald, DeLuca
    patterns = [[upper] * n for n in (2, 3, 4)] + [[word, initial, word]]
    patterns += [[word, inner], [word, word, inner], [word, upper], [word, word, upper]]  # "Anna BERG"
    if middle is not None:
        patterns += [[word, middle, word], [word, word, middle, word]]
    matcher.add("PERSON", patterns, greedy="LONGEST")
    return matcher


def people_in(doc: Doc, resolver: Resolver, not_a_name_start: frozenset[str], particles: tuple[str, ...] = ()
              ) -> list[tuple[str, int, int]]:
    """Every PERSON span of the whole document (the contact sections' rule, run everywhere): runs
    of two to four capitalised words outside any organisation or place, except a run that starts a
    sentence with a word of ``not_a_name_start`` ("Att Partnerskapet"). A run of three or four
    words also gives its last two and three ("Projektledaren Karin Lundqvist" gives "Karin
    Lundqvist", to be found where she is named alone). For redaction, which errs towards removing:
    "Social Business Board" is one too."""
    people = []
    spans = list(_person_matcher(doc.vocab)(doc, as_spans=True))
    spans += [span for span in _redaction_matcher(doc.vocab, particles)(doc, as_spans=True)
              if span.text.casefold() not in not_a_name_start]
    for span in spans:
        first = span[0]
        begin = span.start
        if first.lower_ in not_a_name_start and _sentence_initial(doc, first.i):
            begin += 1  # "Enligt Karin Svensson": the name after the word that opens the sentence
        for start in range(begin, span.end - 1):
            part = doc[start : span.end]
            if part[0].text != "-" and resolver.exact(part.text) is None:
                people.append((part.text, part.start_char, part.end_char))
    return people


def _sentence_initial(doc: Doc, i: int) -> bool:
    return i == 0 or doc[i - 1].text in _SENTENCE_END or "\n" in doc[i - 1].whitespace_ or doc[i - 1].is_space


@dataclass(frozen=True)
class EntityWords:
    """The profile's entity words, case-folded for token tests."""

    own_region: frozenset[str]
    own_county_board: frozenset[str]
    office_suffixes: tuple[str, ...]
    office_lead: frozenset[str]
    municipal_roles: frozenset[str]
    place_list_glue: frozenset[str]

    @classmethod
    def of(cls, profile: Profile) -> "EntityWords":
        rules = profile.entities
        return cls(
            own_region=frozenset(w.casefold() for w in rules.own_region_words),
            own_county_board=frozenset(rules.own_county_board_words),
            office_suffixes=tuple(w.casefold() for w in rules.office_suffixes),
            office_lead=frozenset(w.casefold() for w in rules.office_lead_words) | frozenset(reference.number_words()),
            municipal_roles=frozenset(w.casefold() for w in rules.municipal_role_words),
            place_list_glue=frozenset(w.casefold() for w in profile.lists.conjunctions) | _PLACE_LIST_GLUE,
        )


def _offices(entities: tuple[Entity, ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Organisation id -> the token sequences of its registered office names, longest first."""
    nlp = spacy.blank("sv")
    return {e.organisation_id: tuple(sorted((tuple(t.text for t in nlp.make_doc(o)) for o in e.offices),
                                            key=len, reverse=True))
            for e in entities if e.offices}


def _office_span(doc: Doc, ent: Span, places_at: dict[int, Span], words: EntityWords,
                 offices: dict[str, tuple[tuple[str, ...], ...]]) -> tuple[int, int, str | None]:
    """Extends an organisation over a registered office name ("Coompanion Fyrbodal", "Almi Mitt"),
    a following place ("Coompanion Sörmland", "Linnéuniversitetet i Växjö"), or a leading quantity
    ("Regionens fyra Coompanionkontor"); returns token bounds and the office."""
    start, end = ent.start, ent.end
    registered = offices.get(ent.ent_id_, ())
    if registered and ent.end < len(doc):  # a registered office first: "Almi Stockholm Sörmland"
        following = doc[ent.end].text  # one token made, not one per token of every office name
        for office in registered:
            if office[0] == following and tuple(t.text for t in doc[ent.end : ent.end + len(office)]) == office:
                return start, ent.end + len(office), doc[ent.end : ent.end + len(office)].text
    following = places_at.get(ent.end)
    if following is not None:
        return start, following.end, following.text
    if ent.end < len(doc) and doc[ent.end].lower_ == "i" and (campus := places_at.get(ent.end + 1)) is not None:
        return start, campus.end, campus.text  # "Linnéuniversitetet i Växjö"
    if words.office_suffixes and ent.text.lower().endswith(words.office_suffixes):
        while start > 0 and doc[start - 1].lower_ in words.office_lead:
            start -= 1
        return start, end, doc[start:end].text
    return start, end, None


def _named_organisation(span: Span, kind: str, place_id: str | None, resolver: Resolver) -> EntitySpan:
    """A name built from an organisation word: the registry's organisation if it knows the name,
    else an unregistered one of the word's kind, with the place the name holds."""
    resolution = resolver.resolve(span.text)
    if resolution.method in ("alias", "misspelling", "fuzzy"):
        return EntitySpan(resolution.organisation_id, span.text, span.start_char, span.end_char, resolution.method,
                          resolution.score)
    return EntitySpan(resolution.organisation_id, span.text, span.start_char, span.end_char, "unregistered",
                      kind=kind, place_id=place_id)


def _after_municipal_role(doc: Doc, ent: Span, words: EntityWords) -> bool:
    """True when a municipal role word precedes ``ent``, across a list of places ("från A, B och C").
    Each token's answer is kept on the ``Doc``, so a list of a thousand places is walked once."""
    known: dict[int, bool] = doc.user_data.setdefault("after_municipal_role", {})
    walked: list[int] = []
    i = ent.start - 1
    answer = False
    while i >= 0:
        if i in known:
            answer = known[i]
            break
        walked.append(i)
        token = doc[i]
        if token.lower_ in words.municipal_roles:
            answer = True
            break
        if token.lower_ in words.place_list_glue or token.ent_type_ == PLACE:
            i -= 1
            continue
        break
    for j in walked:
        known[j] = answer
    return answer


class EntityIndex(list):
    """A document's entity spans (``doc.ents``, in text order, not overlapping) with their token
    starts, so the spans of one section are found by bisection, not by a scan of every span."""

    def __init__(self, ents) -> None:
        super().__init__(ents)
        self.starts = [e.start for e in self]

    def inside(self, start: int, end: int) -> list[Span]:
        """The spans that lie within tokens ``[start, end)``."""
        found = []
        for i in range(bisect.bisect_left(self.starts, start), len(self)):
            if self[i].start >= end:
                break
            if self[i].end <= end:
                found.append(self[i])
        return found


@dataclass(frozen=True)
class EntityRules:
    """What the entities stage needs of the profile, compiled once (``compile_entities``): the
    registry with the profile's name forms, the resolver over it, the spaCy pipeline, and the
    profile's entity words, office names, candidate-word pattern and list rules."""

    profile: Profile
    registry: tuple[Entity, ...]
    resolver: Resolver
    pipeline: Pipeline
    words: EntityWords
    offices: dict[str, tuple[tuple[str, ...], ...]]
    candidates: re.Pattern[str]
    lists: ListPatterns
    not_a_name_start: frozenset[str]
    """Words a name never starts with: Swedish stop words and the profile's ``lists.never_names``."""
    contact_sections: frozenset[str]


def compile_entities(profile: Profile, lists: ListPatterns) -> EntityRules:
    """The entities stage's rules, compiled once, for the profile's compiled form (``pipeline/compiled.py``)."""
    entities = registry(profile)
    return EntityRules(
        profile=profile, registry=entities, resolver=Resolver(profile, entities), pipeline=Pipeline(entities),
        words=EntityWords.of(profile), offices=_offices(entities), candidates=_candidate_pattern(profile), lists=lists,
        not_a_name_start=frozenset(STOP_WORDS) | frozenset(w.casefold() for w in profile.lists.never_names),
        contact_sections=frozenset(profile.sections_read_as("contacts")))


def find_entities(section: Span, county: County | None, section_name: str, rules: EntityRules,
                  doc_ents: list[Span] | None = None) -> SectionEntities:
    """Returns the names in one section, a span of the document's ``Doc``; offsets are the text's.
    ``doc_ents`` is ``list(doc.ents)``, given once per document (it is slow to compute)."""
    doc = section.doc
    resolver, words, offices = rules.resolver, rules.words, rules.offices
    org_words = reference.organisation_words()
    index = doc_ents if isinstance(doc_ents, EntityIndex) else EntityIndex(doc.ents if doc_ents is None else doc_ents)
    ents = index.inside(section.start, section.end)
    places_at = {e.start: e for e in ents if e.label_ == PLACE}
    mentions: list[EntitySpan] = []
    covered: set[int] = set()
    absorbed: set[int] = set()
    for ent in ents:
        if ent.start in absorbed:
            continue
        start, end, office = ent.start, ent.end, None
        method = "alias"
        if ent.label_ == ORG:
            start, end, office = _office_span(doc, ent, places_at, words, offices)
            start = max(start, section.start)
            if office:
                method = "office"
                absorbed.update(range(ent.end, end))
        elif ent.label_ == PLACE:
            named = _organisation_with_place(doc, ent, section.start, section.end)
            if named is not None and not covered.intersection(range(named[0], named[1])):
                start, end, kind = named
                mentions.append(_named_organisation(doc[start:end], kind, ent.ent_id_, resolver))
                covered.update(range(start, end))
                absorbed.update(range(start, end))
                continue
            municipal = ent.ent_id_ in _municipality_ids() and _after_municipal_role(doc, ent, words)
            method = "municipal" if municipal else "place"
        elif ent.label_ == MISSPELLING:
            method = "misspelling"
        span = ent if (start, end) == (ent.start, ent.end) else doc[start:end]
        if office and start != ent.start:
            office = span.text
        covered.update(range(start, end))
        mentions.append(EntitySpan(ent.ent_id_, span.text, span.start_char, span.end_char, method, None, office))
    name_words = _name_word_indices(doc)
    for k in range(bisect.bisect_left(name_words, section.start), bisect.bisect_left(name_words, section.end)):
        i = name_words[k]  # an organisation word with a name but no place: "Högskolan Väst", "Sparbanken Nord"
        if i in covered:
            continue
        found = _organisation_word(doc, i)
        if found is None or covered.intersection(range(i, found[0])):
            continue
        end = found[0]
        while end < section.end and end - found[0] < 2 and _is_name_word(doc[end]) and end not in covered \
                and not doc[end].ent_type_:
            end += 1
        if end == found[0] and i + 1 == found[0] and doc[i].lower_ in org_words:
            continue  # the bare word ("Stiftelsen") names nothing
        mentions.append(_named_organisation(doc[i:end], found[1], None, resolver))
        covered.update(range(i, end))
    candidates = _candidate_tokens(section, rules.candidates, covered)
    for token in candidates:
        if token.i in covered:
            continue
        if county is None and (token.lower_ in words.own_region or token.text in words.own_county_board):
            continue  # "regionen" in a unit with no county: no body it can mean
        if token.lower_ in words.own_region:
            body = resolver.region_body(county)
            mentions.append(EntitySpan(body.organisation_id, token.text, token.idx, token.idx + len(token), "regional"))
            covered.add(token.i)
        elif token.text in words.own_county_board:
            mentions.append(EntitySpan(reference.county_body_id(county), token.text, token.idx,
                                       token.idx + len(token), "regional"))
            covered.add(token.i)

    people: list[tuple[str, int, int]] = []
    if section_name in rules.contact_sections:
        for span in _person_matcher(doc.vocab)(section, as_spans=True):
            if not covered.intersection(range(span.start, span.end)) and resolver.exact(span.text) is None:
                people.append((span.text, span.start_char, span.end_char))
                covered.update(range(span.start, span.end))

    garbled: list[tuple[str, int, int]] = []
    for token in candidates:
        if token.i in covered:
            continue
        if is_garbled(token.text):
            garbled.append((token.text, token.idx, token.idx + len(token)))
            resolution = resolver.resolve(token.text)
            if resolution.method == "garbled":
                mentions.append(EntitySpan(resolution.organisation_id, token.text, token.idx,
                                           token.idx + len(token), "garbled"))
            covered.add(token.i)
        elif (token.is_title or token.is_upper) and len(token) >= FUZZY_MIN_LENGTH and not _sentence_initial(doc, token.i):
            resolution = resolver.resolve(token.text)
            if resolution.method == "fuzzy":
                mentions.append(EntitySpan(resolution.organisation_id, token.text, token.idx,
                                           token.idx + len(token), "fuzzy", resolution.score))
                covered.add(token.i)
    mentions.sort(key=lambda m: m.start)
    return SectionEntities(tuple(mentions), tuple(people), tuple(garbled))


def _candidate_pattern(profile: Profile) -> re.Pattern[str]:
    """Words the token rules look at: the own-region and county-board words ("regionen",
    "Länsstyrelsen"), garbled words and capitalised words of five letters or more. Finding them
    with one regular expression spares a Python loop over every token of the document."""
    rules = profile.entities
    own = [rf"(?i:{re.escape(w)})" for w in rules.own_region_words]
    own += [re.escape(w) for w in rules.own_county_board_words]
    return re.compile(rf"(?<!\w)(?:{''.join(f'{w}|' for w in own)}{MAY_BE_GARBLED}\w*{GARBLED_WORD.pattern}\w*"
                      rf"|[A-ZÅÄÖÉÜ][^\W_]{{4,}})")


def _name_word_indices(doc: Doc) -> list[int]:
    """The indices of the tokens ``_is_name_word`` holds for, in order, computed once per document
    from the lexical flags (a loop over the tokens makes a ``Token`` for each)."""
    if "name_words" not in doc.user_data:
        flags = doc.to_array([IS_TITLE, IS_UPPER, LENGTH])
        mask = (flags[:, 0] == 1) | ((flags[:, 1] == 1) & (flags[:, 2] > 1))
        doc.user_data["name_words"] = mask.nonzero()[0].tolist()
    return doc.user_data["name_words"]


def _token_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """The character offsets where each token of ``doc`` starts and ends, computed once per document
    (as lists: ``bisect`` on a list is several times faster per lookup than numpy's ``searchsorted``)."""
    if "token_bounds" not in doc.user_data:
        array = doc.to_array([IDX, LENGTH]).astype("int64")  # signed: uint64 arithmetic would wrap
        doc.user_data["token_bounds"] = (array[:, 0].tolist(), (array[:, 0] + array[:, 1]).tolist())
    return doc.user_data["token_bounds"]


def _candidate_tokens(section: Span, pattern: re.Pattern[str], covered: set[int] = frozenset()) -> list:
    """The section's tokens that a token rule may apply to, in order, each once; a match that lies
    within one ``covered`` token (a name already found) is passed over without making its tokens.
    A match's tokens are those ``Doc.char_span(…, alignment_mode="expand")`` gives, found by
    bisecting the token offsets instead of making a ``Span`` per match."""
    doc, seen, tokens = section.doc, set(), []
    text = doc.user_data.get("text") or doc.text  # Doc.text is rebuilt on every access
    starts, ends = _token_bounds(doc)
    for match in pattern.finditer(text, section.start_char, section.end_char):
        first = bisect.bisect_right(starts, match.start()) - 1  # the token the match starts in
        if first in covered and (first + 1 >= len(starts) or starts[first + 1] >= match.end()):
            continue
        if match.start() == ends[first]:
            first += 1  # the match starts in the space after a token: "expand" leaves that token out
        last = bisect.bisect_right(starts, match.end() - 1)  # past the token the match ends in
        for i in range(max(first, section.start), min(last, section.end)):
            if i not in seen:
                seen.add(i)
                tokens.append(doc[i])
    return tokens


def section_span(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens of ``text[start:end]`` in the document's ``Doc``; None for an empty section."""
    return doc.char_span(start, end, alignment_mode="expand") if end > start else None


def analyse(text: str, rules: EntityRules) -> Doc:
    """Runs the pipeline once over a whole document's text."""
    nlp = rules.pipeline.nlp
    warm_tokenizer(nlp, text)
    doc = nlp(text)
    doc.user_data["text"] = text
    return doc
