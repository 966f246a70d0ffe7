"""Entities of one region: every name the spaCy rules and the resolver find becomes a mention of
a canonical organisation, with the findings it raises; the organisations are collected per document.

- each span of the entity rulers and token rules is a mention (``nlp.find_entities``);
- short capitalised items of a partner list that no rule recognised still become entities
  (unregistered ones are kept and reported), unless they start like a sentence (a Swedish stop
  word or one of the profile's ``lists.never_names``);
- a list item of a count line or contact line is the organisation named inside it, or else what
  the resolver makes of the whole item;
- the PERSON spans of a contact section are checked against the contact parser's people.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline import models
from pipeline.entities.nlp import EntityIndex, EntityRules, EntitySpan, analyse, find_entities, people_in, section_span
from pipeline.entities.resolver import Resolver
from pipeline.findings import Code
from pipeline.models import Findings
from pipeline.segment.lists import Item, split_items
from pipeline.segment.sections import RegionBlock
from pipeline.slugs import slugify
from pipeline.reference import County, Entity

PARTNER_ITEM_MAX_WORDS = 5
"""A partner-list item of more words than this is a sentence, not a name."""
SUGGESTED_PER_REGION = 100
"""Unregistered names per region whose finding lists the closest registry names (a fuzzy search
of the whole registry, milliseconds each); the seed's region with most has 12. Past this a list of
thousands of unknown names (hostile, or not this report) is still read, without suggestions."""


class DocumentOrganisations:
    """The organisations an extraction refers to, in order of first reference."""

    def __init__(self, entities: tuple[Entity, ...]) -> None:
        self.by_id: dict[str, models.Organisation] = {}
        self._registry = {o.organisation_id: o for o in entities}

    def use(self, organisation_id: str, fallback: Entity | None = None) -> str:
        org = self._registry.get(organisation_id, fallback)
        assert org is not None, organisation_id
        used = self.by_id.get(org.organisation_id)
        if used is not None and not used.registered and fallback is not None:  # another form it is written in?
            forms = [*used.aliases, *(a for a in fallback.aliases if a not in used.aliases)]
            if len(forms) > len(used.aliases):
                self.by_id[org.organisation_id] = used.model_copy(update={"aliases": forms})
        if used is None:
            self.by_id[org.organisation_id] = models.Organisation(
                organisation_id=org.organisation_id,
                name=org.name,
                kind=org.kind,
                aliases=list(org.aliases),
                registered=org.organisation_id in self._registry,
                parent_id=org.parent_id,
                county_code=org.county_code,
                municipality_code=org.municipality_code,
                place_id=org.place_id,
                registry_suggestions=list(org.suggestions),
            )
            if org.parent_id:
                self.use(org.parent_id)
        return org.organisation_id

    def copy(self) -> "DocumentOrganisations":
        """The organisations so far, for a later stage to go on from; this one is left as it is."""
        other = object.__new__(DocumentOrganisations)
        other.by_id, other._registry = dict(self.by_id), self._registry
        return other

    def name(self, organisation_id: str) -> str:
        return self._registry[organisation_id].name if organisation_id in self._registry else organisation_id

    def in_order(self) -> list[models.Organisation]:
        return sorted(self.by_id.values(), key=lambda o: o.organisation_id)


class RegionMentions:
    """One region's organisation mentions, one per span, with the findings they raise."""

    def __init__(self, county: County | None, resolver: Resolver, organisations: DocumentOrganisations,
                 findings: Findings) -> None:
        self.county = county
        self.resolver = resolver
        self.findings = findings
        self.organisations = organisations
        self.by_span: dict[tuple[int, int], models.Mention] = {}
        self.suggested = 0
        self._spans: list[tuple[int, int, int]] = []  # (start, end, order added), sorted: the index of covering()

    def continued(self, organisations: DocumentOrganisations, findings: Findings) -> "RegionMentions":
        """The mentions so far, adding to ``organisations`` and ``findings`` from here on: the values
        stage goes on from the entities stage's mentions without changing them."""
        other = RegionMentions(self.county, self.resolver, organisations, findings)
        other.by_span, other.suggested, other._spans = dict(self.by_span), self.suggested, list(self._spans)
        return other

    def covering(self, start: int, end: int) -> list[models.Mention]:
        """The mentions that lie inside ``[start, end)``, in text order (in the order they were
        added when two start together). Looked up in a sorted index, not by a scan of all mentions."""
        inside = []
        for i in range(bisect.bisect_left(self._spans, (start,)), len(self._spans)):
            a, b, order = self._spans[i]
            if a >= end:
                break
            if b <= end:
                inside.append((a, order, self.by_span[(a, b)]))
        return [m for _, _, m in sorted(inside, key=lambda t: t[:2])]

    def add(self, section: str, span: EntitySpan, fallback: Entity | None = None) -> str:
        if (span.start, span.end) in self.by_span:
            return self.by_span[(span.start, span.end)].organisation_id
        if span.method == "unregistered" and fallback is None:
            name = " ".join(span.surface.split())
            fallback = Entity(span.organisation_id, name, span.kind, (name,), "not in the registry",
                              place_id=span.place_id, suggestions=tuple(self.resolver.suggestions(name)))
        if span.method in ("misspelling", "fuzzy"):
            how = f"similarity {span.score}" if span.score is not None else "a misspelling the registry lists"
            self.findings.add(Code.typo_corrected,
                              f"{span.surface!r} read as {self.organisations.name(span.organisation_id)!r} ({how})",
                              span.surface, span.start, span.end)
        elif span.method == "unregistered":
            closest = ", ".join(fallback.suggestions) if fallback else ""
            place = (f"; it names the place {self.organisations.name(fallback.place_id)!r}"
                     if fallback and fallback.place_id else "")
            kind = f" {fallback.kind}" if fallback and fallback.kind else ""
            kept = f"; kept as an unregistered{kind} organisation{place}" if kind or place else ""
            self.findings.add(Code.unregistered_organisation,
                              f"{span.surface!r} is in no registry{kept} (closest: {closest or 'none'})",
                              span.surface, span.start, span.end)
        organisation_id = self.organisations.use(span.organisation_id, fallback)
        bisect.insort(self._spans, (span.start, span.end, len(self.by_span)))
        self.by_span[(span.start, span.end)] = models.Mention(
            section=section, organisation_id=organisation_id, surface=span.surface, method=span.method,
            score=span.score, office=span.office, start=span.start, end=span.end)
        return organisation_id

    def identify(self, section: str, item: Item) -> str:
        """The id of a list item: the first name found inside it, or else the resolver's answer."""
        inside = self.covering(item.start, item.end)
        if inside:
            return inside[0].organisation_id
        resolution = self.resolver.resolve(item.text, self.county)
        fallback = resolution.organisation
        if resolution.method == "unregistered" and self.suggested < SUGGESTED_PER_REGION:  # for the finding
            self.suggested += 1
            fallback = Entity(fallback.organisation_id, fallback.name, None, (fallback.name,), fallback.source,
                              suggestions=tuple(self.resolver.suggestions(item.text)))
        return self.add(section, EntitySpan(resolution.organisation_id, item.text, item.start, item.end,
                                            resolution.method, resolution.score), fallback)

    def remove(self, mention: models.Mention) -> models.Mention:
        """Takes back a mention that a longer name replaces."""
        key = (mention.start, mention.end)
        self._spans = [entry for entry in self._spans if entry[:2] != key]
        return self.by_span.pop(key)

    def in_order(self) -> list[models.Mention]:
        return sorted(self.by_span.values(), key=lambda m: (m.start, m.end))


_SENTENCE_END = re.compile(r"(?<=[a-zåäö)][.:;])\s+(?=[A-ZÅÄÖ])")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as spans, so a list item never runs across a full stop."""
    spans, last = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((last, match.start()))
        last = match.end()
    spans.append((last, end))
    return spans


def _name_pieces(item: Item, conjunctions: tuple[str, ...]) -> list[Item]:
    """An item that joins two capitalised names with a conjunction inside a list ("Hushållningssällskapet
    X och Länsstyrelsen i Kalmar län") is two names; any other item is itself."""
    def name_like(text: str) -> bool:
        return all(w[:1].isupper() for w in text.split() if len(w) > 3)

    for word in conjunctions:
        head, sep, tail = item.text.partition(f" {word} ")
        if sep and name_like(head) and name_like(tail):
            at = item.start + len(head) + len(sep)
            return [Item(head, item.start, item.start + len(head)), Item(tail, at, item.end)]
    return [item]


def people_anywhere(text: str, rules: EntityRules) -> list[str]:
    """The PERSON spans of the whole text, wherever they are (``nlp.people_in``), as written."""
    with rules.pipeline.nlp.memory_zone():
        doc = analyse(text, rules)
        return [name for name, _, _ in people_in(doc, rules.resolver, rules.not_a_name_start,
                                                 rules.profile.contacts.name_particles)]


def _partner_items(text: str, start: int, end: int, section: str, mentions: RegionMentions, rules: EntityRules
                   ) -> None:
    """Short capitalised items of a partner list that no rule recognised still become entities;
    an item that ends in a place after words no rule read is one organisation ("Fontänhuset
    Uppsala", read sentence by sentence so an item never runs across a full stop)."""
    stop = rules.not_a_name_start

    def short_name(item: Item) -> bool:
        words = item.text.split()
        return (item.text[:1].isupper() and len(words) <= PARTNER_ITEM_MAX_WORDS and words[0].lower() not in stop
                and not re.search(r"[.:;\n]", item.text))

    for item in split_items(text, rules.lists, start, end):
        for piece in _name_pieces(item, rules.profile.lists.conjunctions):
            if short_name(piece) and not mentions.covering(piece.start, piece.end):
                mentions.identify(section, piece)
    for a, b in _sentences(text, start, end):
        for item in split_items(text, rules.lists, a, b):
            inside = mentions.covering(item.start, item.end)
            if (short_name(item) and inside and all(m.method == "place" for m in inside)
                    and inside[-1].end == item.end and inside[0].start > item.start
                    and all(word[:1].isupper() for word in text[item.start : inside[0].start].split())):
                places = [mentions.remove(m) for m in inside]  # "Hushållningssällskapet Kalmar-Kronoberg-Blekinge"
                name = " ".join(item.text.split())
                mentions.add(section, EntitySpan(f"unregistered-{slugify(name)}", item.text, item.start, item.end,
                                                 "unregistered", place_id=places[0].organisation_id))


def find_region_entities(text: str, block: RegionBlock, doc: Doc, doc_ents: list[Span], mentions: RegionMentions,
                         rules: EntityRules) -> list[tuple[str, int, int]]:
    """Adds every name the entity rules find in the block's sections to ``mentions``; returns the
    person spans of its contact sections."""
    people: list[tuple[str, int, int]] = []
    for span in block.sections:
        tokens = section_span(doc, span.start, span.end)
        if tokens is None:
            continue
        found = find_entities(tokens, block.county, span.section, rules, doc_ents)
        for entity in found.mentions:
            mentions.add(span.section, entity)
        people.extend(found.people)
        for surface, start, end in found.garbled:
            resolved = [m for m in mentions.covering(start, end) if m.method == "garbled"]
            how = (f"its letters spell only {mentions.organisations.name(resolved[0].organisation_id)!r}, "
                   "so it is resolved to that") if resolved else "it is not resolved"
            mentions.findings.add(Code.garbled_text, f"garbled word {surface!r}; {how}", surface, start, end)
    partner_sections = set(rules.profile.sections_read_as("partners"))
    for span in block.sections:
        if span.section in partner_sections:
            _partner_items(text, span.start, span.end, span.section, mentions, rules)
            _names_not_read(doc, span.start, span.end, mentions, rules.not_a_name_start)
            if not mentions.covering(span.start, span.end) and _NAME_INSIDE.search(text, span.start, span.end):
                mentions.findings.add(Code.organisations_not_found, "the partners section names something but no "
                                      "organisation was read from it", text[span.start : span.end][:200],
                                      span.start, span.end)
    return people


_NAME_INSIDE = re.compile(r"(?<=[\w,] )[A-ZÅÄÖ]\w+")
"""A capitalised word that does not start a sentence."""


def _names_not_read(doc: Doc, start: int, end: int, mentions: RegionMentions, stop: frozenset[str]) -> None:
    """Runs of capitalised words in a partners section that no rule read as an organisation (two
    or more, or one right after a place) are reported, so a name the registry and the rules miss
    ("Mötesplats Social Innovation") is never lost in silence."""
    tokens = section_span(doc, start, end)
    if tokens is None:
        return
    found = mentions.covering(start, end)
    covered = [(m.start, m.end) for m in found]
    after_place = {m.end + 1 for m in found if m.method in ("place", "municipal")}
    run: list = []

    def flush() -> None:
        words = [t for t in run if t.lower_ not in stop]
        # two capitalised words, or one right after a place ("Hallands Företagsnätverk"): a name
        # that may be an organisation's, of which only the place was read
        abbreviation = len(words) == 1 and words[0].is_upper and len(words[0]) >= 3  # "MIUN": a name, or a typo of one
        if len(words) >= 2 or abbreviation or (words and run[0].idx in after_place
                                               and doc[run[0].i - 1].whitespace_ == " "):
            first, last = run[0], run[-1]
            surface = doc.text[first.idx : last.idx + len(last)] if "text" not in doc.user_data else \
                doc.user_data["text"][first.idx : last.idx + len(last)]
            mentions.findings.add(Code.name_not_read, f"{surface!r} looks like a name but was not read as an "
                                  "organisation; add it to the registry if it is one", surface, first.idx,
                                  last.idx + len(last))
        run.clear()

    spans = iter(sorted(covered))  # tokens come in text order: one pass over the mentions, not one per token
    span = next(spans, None)
    for token in tokens:
        while span is not None and span[1] <= token.idx:
            span = next(spans, None)
        inside = span is not None and span[0] <= token.idx
        if not inside and (token.is_title or (token.is_upper and len(token) > 1)) and token.is_alpha:
            run.append(token)
        else:
            flush()
    flush()


def check_people(people: Iterable[tuple[str, int, int]], contacts: list[models.Contact], findings: Findings) -> None:
    """A name that the PERSON rule and the contact parser do not both find is reported."""
    people = list(people)
    spans = {(start, end) for _, start, end in people}
    parsed = {(c.start, c.end) for c in contacts}
    for name, start, end in people:
        if (start, end) not in parsed:
            findings.add(Code.person_not_a_contact,
                         f"{name!r} looks like a person's name but the contact parser found no contact there",
                         name, start, end)
    for contact in contacts:
        if (contact.start, contact.end) not in spans:
            findings.add(Code.contact_not_a_person,
                         f"contact {contact.name!r} was not found by the person-name rule", contact.name,
                         contact.start, contact.end)


@dataclass(frozen=True)
class RegionEntities:
    """What the entity rules found in one region block: its organisation mentions, the person
    spans of its contact sections, and the findings they raised."""

    mentions: RegionMentions
    people: tuple[tuple[str, int, int], ...]
    findings: Findings


@dataclass(frozen=True)
class DocumentEntities:
    """The entities stage's artefact: each region block's entities, in document order, and the
    organisations they refer to. A later stage goes on from copies (``RegionMentions.continued``,
    ``DocumentOrganisations.copy``, ``Findings.copy``) and never changes these."""

    regions: tuple[RegionEntities, ...]
    organisations: DocumentOrganisations


def document_entities(text: str, blocks: Iterable[RegionBlock], rules: EntityRules) -> DocumentEntities:
    """The entities stage: one spaCy ``Doc`` of the whole text (released before returning; the
    pipeline's vocabulary kept bounded), the entity rules over every region block's sections; each
    block's own findings come first in its findings."""
    organisations = DocumentOrganisations(rules.registry)
    regions = []
    doc = analyse(text, rules)
    doc_ents = EntityIndex(doc.ents)
    for block in blocks:
        findings = Findings(block.county_code)
        findings.extend(block.findings)
        mentions = RegionMentions(block.county, rules.resolver, organisations, findings)
        people = find_region_entities(text, block, doc, doc_ents, mentions, rules)
        regions.append(RegionEntities(mentions, tuple(people), findings))
    del doc, doc_ents
    rules.pipeline.bound()
    return DocumentEntities(tuple(regions), organisations)
