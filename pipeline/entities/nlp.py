"""Stage: every section's text becomes organisation, place and person spans (spaCy, rule-based).

``spacy.blank("sv")`` tokenises; two entity rulers built from the reference data tag names with
their canonical id. Multi-word aliases match case-insensitively; one-word aliases, abbreviations
("NC", "AF") and bare place names match as written, so the word "nätverket" is not the
organisation "Nätverket". Known misspellings ("Coomapanion") are patterns of their own. Then:

- "regionen" is the region's own body and a bare "Länsstyrelsen" its county board;
- an organisation followed by a place is a regional office ("Coompanion Sörmland");
- a capitalised word close to a registry name is a misspelling, corrected and reported;
- a garbled word ("Eks00,,,,,,0000käret") is reported, and resolved only when its letters spell
  exactly one known name;
- in contact sections, runs of two to four capitalised words outside any organisation are people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from pipeline import reference
from pipeline.organisations import FUZZY_MIN_LENGTH, GARBLED_WORD, Resolver, is_garbled
from pipeline.reference import County

ORG, PLACE, MISSPELLING = "ORG", "PLACE", "MISSPELLING"
_OFFICE_LEAD = {"regionens", "länets", "en", "ett", "två", "tre", "fyra", "fem", "sex"}
_SENTENCE_END = {".", "!", "?", ":", ";", "\n", "\n\n"}
MUNICIPAL_ROLE_WORDS = {"näringslivschef", "kommunchef", "kommunrepresentant", "kommunrepresentanter",
                        "kommunalråd", "kommunstyrelsen"}
"""A place named after one of these words is the municipality acting as an organisation:
"näringslivschef Östersund", "kommunrepresentanter från Upplands Bro, Botkyrka, Lidingö och Värmdö"."""
_LIST_GLUE = {",", "och", "samt", "&", "från", "i"}


@dataclass(frozen=True)
class EntitySpan:
    """One name found in the text, with absolute offsets and how it was recognised."""

    organisation_id: str
    surface: str
    start: int
    end: int
    method: str
    score: float | None = None
    office: str | None = None


@dataclass(frozen=True)
class SectionEntities:
    mentions: tuple[EntitySpan, ...]
    people: tuple[tuple[str, int, int], ...]
    garbled: tuple[tuple[str, int, int], ...]


def _patterns() -> tuple[list[dict], list[dict]]:
    """(case-insensitive, as-written) entity-ruler patterns from the reference data."""
    nlp = spacy.blank("sv")
    lower: list[dict] = []
    exact: list[dict] = []
    for entity in reference.organisations():
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
    for m in reference.municipalities():
        if m.bare_name_ambiguous or m.name == "Gotland":
            continue
        entity_id = next(o.organisation_id for o in reference.organisations() if o.municipality_code == m.municipality_code)
        municipal_names.add(m.name)
        for form in {m.name, reference.genitive(m.name), m.name.replace("-", " ")}:
            exact.append({"label": PLACE, "pattern": form, "id": entity_id})
    for county in reference.counties():
        if county.short_name in municipal_names:
            continue  # "Uppsala" alone is the city; "Uppsala län" is the county
        for form in {county.short_name, reference.genitive(county.short_name)}:
            exact.append({"label": PLACE, "pattern": form, "id": reference.county_place_id(county)})
    return lower, exact


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """A blank Swedish pipeline with the two rulers; built once per process."""
    nlp = spacy.blank("sv")
    lower, exact = _patterns()
    nlp.add_pipe("entity_ruler", name="alias_ruler", config={"phrase_matcher_attr": "LOWER"}).add_patterns(lower)
    nlp.add_pipe("entity_ruler", name="exact_ruler",
                 config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False}).add_patterns(exact)
    return nlp


@lru_cache(maxsize=1)
def _municipality_ids() -> frozenset[str]:
    return frozenset(o.organisation_id for o in reference.organisations() if o.kind == "municipality")


@lru_cache(maxsize=1)
def _person_matcher() -> Matcher:
    matcher = Matcher(build_nlp().vocab)
    word = {"IS_TITLE": True, "ENT_TYPE": "", "LENGTH": {">=": 2}}
    hyphenated = [word, {"ORTH": "-"}, word]
    matcher.add("PERSON", [[word] * n for n in (2, 3, 4)] + [hyphenated + [word], hyphenated + [word, word]],
                greedy="LONGEST")
    return matcher


def _sentence_initial(doc: Doc, i: int) -> bool:
    return i == 0 or doc[i - 1].text in _SENTENCE_END or "\n" in doc[i - 1].whitespace_ or doc[i - 1].is_space


def _office_span(doc: Doc, ent: Span, places_at: dict[int, Span]) -> tuple[int, int, str | None]:
    """Extends an organisation over a following place ("Coompanion Sörmland") or a leading
    quantity ("Regionens fyra Coompanionkontor"); returns token bounds and the office."""
    start, end = ent.start, ent.end
    following = places_at.get(ent.end)
    if following is not None:
        return start, following.end, following.text
    if ent.text.lower().endswith("kontor"):
        while start > 0 and doc[start - 1].lower_ in _OFFICE_LEAD:
            start -= 1
        return start, end, doc[start:end].text
    return start, end, None


def _after_municipal_role(doc: Doc, ent: Span) -> bool:
    """True when a municipal role word precedes ``ent``, across a list of places ("från A, B och C")."""
    i = ent.start - 1
    while i >= 0:
        token = doc[i]
        if token.lower_ in MUNICIPAL_ROLE_WORDS:
            return True
        if token.lower_ in _LIST_GLUE or token.ent_type_ == PLACE:
            i -= 1
            continue
        return False
    return False


def find_entities(section: Span, county: County, resolver: Resolver, section_name: str,
                  doc_ents: list[Span] | None = None) -> SectionEntities:
    """Returns the names in one section, a span of the document's ``Doc``; offsets are the text's.
    ``doc_ents`` is ``list(doc.ents)``, given once per document (it is slow to compute)."""
    doc = section.doc
    all_ents = list(doc.ents) if doc_ents is None else doc_ents
    ents = [e for e in all_ents if section.start <= e.start and e.end <= section.end]
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
            start, end, office = _office_span(doc, ent, places_at)
            start = max(start, section.start)
            if office:
                method = "office"
                absorbed.update(range(ent.end, end))
        elif ent.label_ == PLACE:
            municipal = ent.ent_id_ in _municipality_ids() and _after_municipal_role(doc, ent)
            method = "municipal" if municipal else "place"
        elif ent.label_ == MISSPELLING:
            method = "misspelling"
        span = doc[start:end]
        if office and start != ent.start:
            office = span.text
        covered.update(range(start, end))
        mentions.append(EntitySpan(ent.ent_id_, span.text, span.start_char, span.end_char, method, None, office))
    candidates = _candidate_tokens(section)
    for token in candidates:
        if token.i in covered:
            continue
        if token.lower_ == "regionen":
            body = resolver.region_body(county)
            mentions.append(EntitySpan(body.organisation_id, token.text, token.idx, token.idx + len(token), "regional"))
            covered.add(token.i)
        elif token.text == "Länsstyrelsen":
            mentions.append(EntitySpan(reference.county_body_id(county), token.text, token.idx,
                                       token.idx + len(token), "regional"))
            covered.add(token.i)

    people: list[tuple[str, int, int]] = []
    if section_name == "contact":
        for span in _person_matcher()(section, as_spans=True):
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


_CANDIDATE = re.compile(rf"(?<!\w)(?:[Rr]egionen|Länsstyrelsen|\w*{GARBLED_WORD.pattern}\w*|[A-ZÅÄÖÉÜ][^\W_]{{4,}})")
"""Words the token rules look at: "regionen", "Länsstyrelsen", garbled words and capitalised
words of five letters or more. Finding them with one regular expression spares a Python loop over
every token of the document."""


def _candidate_tokens(section: Span) -> list:
    """The section's tokens that a token rule may apply to, in order, each once."""
    doc, seen, tokens = section.doc, set(), []
    text = doc.user_data.get("text") or doc.text  # Doc.text is rebuilt on every access
    for match in _CANDIDATE.finditer(text, section.start_char, section.end_char):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        for token in span if span is not None else ():
            if token.i not in seen and section.start <= token.i < section.end:
                seen.add(token.i)
                tokens.append(token)
    return tokens


def section_span(doc: Doc, start: int, end: int) -> Span | None:
    """The tokens of ``text[start:end]`` in the document's ``Doc``; None for an empty section."""
    return doc.char_span(start, end, alignment_mode="expand") if end > start else None


def analyse(text: str) -> Doc:
    """Runs the pipeline once over a whole document's text."""
    doc = build_nlp()(text)
    doc.user_data["text"] = text
    return doc
