"""Stage 3: the segmented text becomes one validated ``Extraction`` (document and regions).

This is where counts, contacts, goals and organisations are normalised and where every
disagreement or gap becomes a quality finding. It is a pure function of the interim text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline import models, reference
from pipeline.contacts import parse_contacts
from pipeline.counts import parse_count
from pipeline.goals import parse_items
from pipeline.intro import parse_intro
from spacy.tokens import Doc

from pipeline.entities import EntitySpan, analyse, build_nlp, find_entities, section_span
from pipeline.lists import Item, split_items
from pipeline.models import COUNT_METRICS, Finding
from pipeline.organisations import Resolver
from pipeline.reference import County, Organisation
from pipeline.sections import RegionBlock, SectionSpan, segment
from pipeline.slugs import slugify

EXPECTED_SECTIONS = ("summary", "contact", "partners", "purpose", "previous_engagement", "goals", "concrete")


@dataclass(frozen=True)
class SourceInfo:
    """What is known about a source file before its text is read."""

    document_id: str
    source_path: str
    source_sha256: str
    source_format: str
    encoding: str
    pages: int | None = None


class _Findings:
    """Collects one region's findings in document order."""

    def __init__(self, county: County | None) -> None:
        self.county_code = county.county_code if county else None
        self.items: list[Finding] = []

    def add(self, severity: str, code: str, message: str, evidence: str,
            start: int | None = None, end: int | None = None) -> None:
        self.items.append(Finding(county_code=self.county_code, severity=severity, code=code,  # type: ignore[arg-type]
                                  message=message, evidence=evidence, start=start, end=end))


class _Organisations:
    """The organisations an extraction refers to, in order of first reference."""

    def __init__(self) -> None:
        self.by_id: dict[str, models.Organisation] = {}
        self._registry = {o.organisation_id: o for o in reference.organisations()}

    def use(self, organisation_id: str, fallback: Organisation | None = None) -> str:
        org = self._registry.get(organisation_id, fallback)
        assert org is not None, organisation_id
        if org.organisation_id not in self.by_id:
            self.by_id[org.organisation_id] = models.Organisation(
                organisation_id=org.organisation_id,
                name=org.name,
                kind=org.kind,
                aliases=list(org.aliases),
                registered=org.organisation_id in self._registry,
                parent_id=org.parent_id,
                county_code=org.county_code,
                municipality_code=org.municipality_code,
            )
            if org.parent_id:
                self.use(org.parent_id)
        return org.organisation_id

    def name(self, organisation_id: str) -> str:
        return self._registry[organisation_id].name if organisation_id in self._registry else organisation_id


class _Mentions:
    """One region's organisation mentions, one per span, with the findings they raise."""

    def __init__(self, findings: _Findings, organisations: _Organisations) -> None:
        self.findings = findings
        self.organisations = organisations
        self.by_span: dict[tuple[int, int], models.Mention] = {}

    def covering(self, start: int, end: int) -> list[models.Mention]:
        """The mentions that lie inside ``[start, end)``, in text order."""
        return sorted((m for (a, b), m in self.by_span.items() if a >= start and b <= end), key=lambda m: m.start)

    def add(self, section: str, span: EntitySpan, fallback: Organisation | None = None) -> str:
        if (span.start, span.end) in self.by_span:
            return self.by_span[(span.start, span.end)].organisation_id
        if span.method in ("misspelling", "fuzzy"):
            how = f"similarity {span.score}" if span.score is not None else "a misspelling the registry lists"
            self.findings.add("info", "typo_corrected",
                              f"{span.surface!r} read as {self.organisations.name(span.organisation_id)!r} ({how})",
                              span.surface, span.start, span.end)
        elif span.method == "unregistered":
            closest = ", ".join(fallback.aliases[1:]) if fallback else ""
            self.findings.add("info", "unregistered_organisation",
                              f"{span.surface!r} is in no registry (closest: {closest or 'none'})",
                              span.surface, span.start, span.end)
        organisation_id = self.organisations.use(span.organisation_id, fallback)
        self.by_span[(span.start, span.end)] = models.Mention(
            section=section, organisation_id=organisation_id, surface=span.surface,  # type: ignore[arg-type]
            method=span.method, score=span.score, office=span.office,  # type: ignore[arg-type]
            start=span.start, end=span.end)
        return organisation_id

    def resolve_item(self, section: str, item: Item, resolver: Resolver, county: County) -> str:
        """The id of a list item: the first name found inside it, or else the resolver's answer."""
        inside = self.covering(item.start, item.end)
        if inside:
            return inside[0].organisation_id
        resolution = resolver.resolve(item.text, county)
        fallback = resolution.organisation
        if resolution.method == "unregistered":  # keep the suggestions for the finding
            fallback = Organisation(fallback.organisation_id, fallback.name, None,
                                    (fallback.name, *resolver.suggestions(item.text)), fallback.source)
        return self.add(section, EntitySpan(resolution.organisation_id, item.text, item.start, item.end,
                                            resolution.method, resolution.score), fallback)

    def in_order(self) -> list[models.Mention]:
        return sorted(self.by_span.values(), key=lambda m: (m.start, m.end))


def _count(text: str, metric: str, spans: list[SectionSpan], findings: _Findings, resolver: Resolver,
           county: County, mentions: _Mentions) -> models.Count:
    if not spans:
        findings.add("warning", "missing_count_line", f"no {metric} line; its value is recorded as none", metric)
        return models.Count(basis="none", raw=None)
    span = spans[0]

    def identify(item: Item) -> str:
        return mentions.resolve_item(metric, item.name_item, resolver, county)

    parsed = parse_count(text, span.start, span.end, resolver.is_known, identify)
    raw = text[span.start : span.end]
    for severity, code, message in parsed.problems:
        findings.add(severity, code, f"{metric}: {message}", raw, span.start, span.end)
    return models.Count(value=parsed.value, basis=parsed.basis,  # type: ignore[arg-type]
                        raw=raw, listed=parsed.listed, list_is_partial=parsed.list_is_partial,
                        start=span.start, end=span.end)


_NOT_NAMES = {"inga", "ingen", "de", "det", "i", "styrgrupp", "styrgruppen", "projektet", "när", "utöver", "bakom"}


def _partner_items(text: str, span: SectionSpan, mentions: _Mentions, resolver: Resolver, county: County) -> None:
    """Short capitalised items of a partner list that no rule recognised still become entities."""
    for item in split_items(text, span.start, span.end):
        words = item.text.split()
        if (item.text[:1].isupper() and len(words) <= 5 and words[0].lower() not in _NOT_NAMES
                and not re.search(r"[.:;\n]", item.text) and not mentions.covering(item.start, item.end)):
            mentions.resolve_item("partners", item, resolver, county)


def _check_people(people: list[tuple[str, int, int]], contacts: list[models.Contact], findings: _Findings) -> None:
    """A name that the PERSON rule and the contact parser do not both find is reported."""
    spans = {(start, end) for _, start, end in people}
    parsed = {(c.start, c.end) for c in contacts}
    for name, start, end in people:
        if (start, end) not in parsed:
            findings.add("warning", "person_not_a_contact",
                         f"{name!r} looks like a person's name but the contact parser found no contact there",
                         name, start, end)
    for contact in contacts:
        if (contact.start, contact.end) not in spans:
            findings.add("warning", "contact_not_a_person",
                         f"contact {contact.name!r} was not found by the person-name rule", contact.name,
                         contact.start, contact.end)


def _section_findings(block: RegionBlock, by_section: dict[str, list[SectionSpan]], findings: _Findings) -> None:
    for name in EXPECTED_SECTIONS:
        spans = by_section.get(name, [])
        if not spans:
            findings.add("info", "missing_section", f"the region has no {name} section", block.title,
                         block.heading_start, block.heading_end)
        for span in spans:
            if span.start == span.end:
                findings.add("info", "empty_section", f"the {name} section ({span.label}) is empty",
                             span.label or name, span.label_start, span.end)
    for name, spans in by_section.items():
        if name != "other" and len(spans) > 1:
            findings.add("warning", "duplicate_section",
                         f"{len(spans)} {name} sections; counts use the first, all text is kept",
                         spans[1].label or name, spans[1].label_start, spans[1].end)


def _entities(text: str, block: RegionBlock, doc: Doc, doc_ents: list, resolver: Resolver, mentions: _Mentions,
              findings: _Findings) -> list[tuple[str, int, int]]:
    """Adds every name the entity stage finds in the block; returns the person spans."""
    people: list[tuple[str, int, int]] = []
    for span in block.sections:
        tokens = section_span(doc, span.start, span.end)
        if tokens is None:
            continue
        found = find_entities(tokens, block.county, resolver, span.section, doc_ents)
        for entity in found.mentions:
            mentions.add(span.section, entity)
        people.extend(found.people)
        for surface, start, end in found.garbled:
            resolved = [m for m in mentions.covering(start, end) if m.method == "garbled"]
            how = (f"its letters spell only {mentions.organisations.name(resolved[0].organisation_id)!r}, "
                   "so it is resolved to that") if resolved else "it is not resolved"
            findings.add("warning", "garbled_text", f"garbled word {surface!r}; {how}", surface, start, end)
    for span in block.sections:
        if span.section == "partners":
            _partner_items(text, span, mentions, resolver, block.county)
    return people


def _contacts(text: str, spans: list[SectionSpan], county: County, resolver: Resolver, mentions: _Mentions,
              findings: _Findings) -> list[models.Contact]:
    contacts: list[models.Contact] = []
    for span in spans:
        for row in parse_contacts(text, span.start, span.end, county, resolver):
            organisation_id = None
            if row.organisation_item is not None:
                organisation_id = mentions.resolve_item("contact", row.organisation_item, resolver, county)
            if row.parenthesised:
                findings.add("info", "contact_status_unclear",
                             f"{row.name.text} is named in parentheses without 'fd' or 'tidigare'; kept as current",
                             row.source_line, row.name.start, row.name.end)
            if row.role_raw and row.role_raw.casefold() not in reference.roles():
                findings.add("info", "unknown_role", f"role {row.role_raw!r} is not in roles.csv",
                             row.role_raw, row.name.start, row.name.end)
            contacts.append(models.Contact(
                name=row.name.text, role=row.role, role_raw=row.role_raw, organisation_id=organisation_id,
                organisation_raw=row.organisation_item.text if row.organisation_item else None,
                status=row.status, note=row.note, source_line=row.source_line,  # type: ignore[arg-type]
                start=row.name.start, end=row.name.end))
    return contacts


def _numbered(text: str, spans: list[SectionSpan], kind: str, findings: _Findings) -> list[tuple[int, object]]:
    items = []
    for span in spans:
        for entry in parse_items(text, span.start, span.end, kind):
            items.append((len(items) + 1, entry))
            for number in entry.wrapped_numbers:
                findings.add("info", "numbered_wrapped_line",
                             f"{number!r} starts a wrapped line of item {entry.label!r}, not a new item",
                             number, entry.start, entry.end)
    return items


def build_region(text: str, block: RegionBlock, document_id: str, resolver: Resolver,
                 organisations: _Organisations, doc: Doc, doc_ents: list | None = None) -> models.Region:
    """Normalises one region block into its full record; ``doc`` is the document's spaCy ``Doc``."""
    county = block.county
    findings = _Findings(county)
    findings.items.extend(block.findings)
    by_section: dict[str, list[SectionSpan]] = {}
    for span in block.sections:
        by_section.setdefault(span.section, []).append(span)
    _section_findings(block, by_section, findings)
    mentions = _Mentions(findings, organisations)
    people = _entities(text, block, doc, list(doc.ents) if doc_ents is None else doc_ents, resolver, mentions,
                       findings)
    contacts = _contacts(text, by_section.get("contact", []), county, resolver, mentions, findings)
    _check_people(people, contacts, findings)
    counts = {metric: _count(text, metric, by_section.get(metric, []), findings, resolver, county, mentions)
              for metric in COUNT_METRICS}
    goals = [models.Goal(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)  # type: ignore[attr-defined]
             for n, e in _numbered(text, by_section.get("goals", []), "goals", findings)]
    purpose_items = [models.PurposeItem(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)  # type: ignore[attr-defined]
                     for n, e in _numbered(text, by_section.get("purpose", []), "purpose", findings)]
    summary = by_section.get("summary")
    return models.Region(
        document_id=document_id,
        county_code=county.county_code,
        county_name=county.county_name,
        region_name=block.region_name,
        title=block.title,
        summary=text[summary[0].start : summary[0].end] if summary else None,
        heading_start=block.heading_start,
        heading_end=block.heading_end,
        **counts,
        sections=[models.Section(section=s.section, label=s.label, text=text[s.start : s.end],  # type: ignore[arg-type]
                                 start=s.start, end=s.end) for s in block.sections],
        contacts=contacts,
        goals=goals,
        purpose_items=purpose_items,
        mentions=mentions.in_order(),
        quality=findings.items,
    )


def region_file_names(regions: list[models.Region]) -> list[str]:
    """``<county_code>-<slug>.json`` per region; a repeated region gets ``-2``, ``-3`` …"""
    seen: Counter[str] = Counter()
    names = []
    for region in regions:
        base = f"{region.county_code}-{slugify(reference.county_by_code(region.county_code).short_name)}"
        seen[base] += 1
        names.append(f"{base}.json" if seen[base] == 1 else f"{base}-{seen[base]}.json")
    return names


def build_extraction(text: str, source: SourceInfo, text_findings: tuple[Finding, ...] = ()) -> models.Extraction:
    """Returns everything extracted from one document's interim text, validated."""
    segmentation = segment(text)
    intro = parse_intro(text, segmentation.intro)
    resolver = Resolver()
    organisations = _Organisations()
    with build_nlp().memory_zone():  # strings this document adds to spaCy's vocabulary are freed after it
        doc = analyse(text)
        doc_ents = list(doc.ents)
        regions = [build_region(text, block, source.document_id, resolver, organisations, doc, doc_ents)
                   for block in segmentation.regions]
    findings = _Findings(None)
    findings.items.extend(text_findings)
    findings.items.extend(segmentation.findings)
    if not regions:
        findings.add("warning", "no_regions_found", "no region heading was found in the document",
                     text[:80])
    if intro.regions_claimed is not None and intro.regions_claimed != len(regions):
        findings.add("warning", "region_count_mismatch",
                     f"the intro claims {intro.regions_claimed} regions but {len(regions)} were found",
                     intro.claim or "")
    with_project = {r.county_code for r in regions}
    document = models.Document(
        document_id=source.document_id,
        source_path=source.source_path,
        source_sha256=source.source_sha256,
        source_format=source.source_format,  # type: ignore[arg-type]
        encoding=source.encoding,
        pages=source.pages,
        publisher=intro.publisher,
        title=intro.title,
        intro=intro.text,
        focus_areas=list(intro.focus_areas),
        methods=list(intro.methods),
        approaches=list(intro.approaches),
        regions_claimed=intro.regions_claimed,
        regions_claimed_of=intro.regions_claimed_of,
        regions_found=len(regions),
        counties=[models.CountyStatus(county_code=c.county_code, county_name=c.county_name,
                                      has_project=c.county_code in with_project) for c in reference.counties()],
        region_files=region_file_names(regions),
        organisations=sorted(organisations.by_id.values(), key=lambda o: o.organisation_id),
        quality=findings.items,
    )
    return models.Extraction(document=document, regions=regions, text=text)
