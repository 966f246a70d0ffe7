"""The wiring: one document's interim text goes through the stages into a validated ``Extraction``.

sections -> intro -> entities -> contacts, counts, goals and purpose items -> models. Every rule
lives in the stage that owns it; this module only passes each stage what it needs, in order, and
gathers the findings. It is a pure function of the text, the source's facts and the profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline import __version__, models, reference
from pipeline.entities import (DocumentOrganisations, RegionMentions, Resolver, analyse, check_people,
                               find_region_entities)
from pipeline.entities.nlp import bound_vocabulary
from pipeline.entities.nlp import EntityIndex
from pipeline.findings import Code
from pipeline.models import Finding, Findings, SourceFormat
from pipeline.values.contacts import read_contacts
from pipeline.values.counts import read_count
from pipeline.values.intro import parse_intro
from pipeline.values.items import read_items
from pipeline.segment.sections import RegionBlock, SectionSpan, segment
from pipeline.profile import SUMMARY, Profile
from pipeline.slugs import slugify


@dataclass(frozen=True)
class SourceInfo:
    """What is known about a source file before its text is read."""

    document_id: str
    source_path: str
    source_sha256: str
    source_format: SourceFormat
    encoding: str
    pages: int | None = None


_RESOLVERS: dict[str, Resolver] = {}


def resolver_for(profile: Profile) -> Resolver:
    """One resolver per profile and process: it caches what it resolved."""
    if profile.sha256 not in _RESOLVERS:
        _RESOLVERS[profile.sha256] = Resolver(profile)
    return _RESOLVERS[profile.sha256]


def _spans(by_section: dict[str, list[SectionSpan]], ids: tuple[str, ...]) -> list[SectionSpan]:
    return sorted((span for section in ids for span in by_section.get(section, [])), key=lambda s: s.start)


def build_region(text: str, block: RegionBlock, document_id: str, profile: Profile,
                 organisations: DocumentOrganisations, doc: Doc, doc_ents: list[Span]) -> models.Region:
    """One region block becomes its full record; ``doc`` is the document's spaCy ``Doc``."""
    findings = Findings(block.county.county_code)
    findings.extend(block.findings)
    by_section = block.by_section()
    resolver = resolver_for(profile)
    mentions = RegionMentions(block.county, resolver, organisations, findings)
    people = find_region_entities(text, block, doc, doc_ents, mentions, profile)
    contacts = read_contacts(text, _spans(by_section, profile.sections_read_as("contacts")), profile, resolver,
                             mentions.identify, findings)
    check_people(people, contacts, findings)
    counts = {metric: read_count(text, metric, by_section.get(metric, []), profile.counts, profile.lists,
                                 resolver.is_known, lambda item, m=metric: mentions.identify(m, item), findings)
              for metric in profile.metric_ids}
    goals = [models.Goal(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)
             for n, e in read_items(text, _spans(by_section, profile.sections_read_as("goals")), "goals", findings,
                                       profile.items.label_words)]
    purpose_items = [models.PurposeItem(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)
                     for n, e in read_items(text, _spans(by_section, profile.sections_read_as("purpose")), "purpose",
                                            findings, profile.items.label_words)]
    summary = by_section.get(SUMMARY)
    return models.Region(
        document_id=document_id,
        county_code=block.county.county_code,
        county_name=block.county.county_name,
        region_name=block.region_name,
        title=block.title,
        summary=text[summary[0].start : summary[0].end] if summary else None,
        heading_start=block.heading_start,
        heading_end=block.heading_end,
        counts=counts,
        sections=[models.Section(section=s.section, label=s.label, text=text[s.start : s.end], start=s.start,
                                 end=s.end) for s in block.sections],
        contacts=contacts,
        goals=goals,
        purpose_items=purpose_items,
        mentions=mentions.in_order(),
        quality=findings.closed(),
    )


def _placed(findings: tuple[Finding, ...], blocks: tuple[RegionBlock, ...], length: int) -> dict[int, Finding]:
    """The reader's findings that have a place inside a region's text, each given to that region
    (by the id of the reader's finding): a value it may have made wrong then carries it."""
    bounds = [b.heading_start for b in blocks] + [length]
    placed: dict[int, Finding] = {}
    for finding in findings:
        if finding.start is None:
            continue
        for block, start, end in zip(blocks, bounds, bounds[1:]):
            if start <= finding.start < end:
                placed[id(finding)] = finding.model_copy(update={"county_code": block.county.county_code})
                break
    return placed


def region_file_names(regions: list[models.Region]) -> list[str]:
    """``<county_code>-<slug>.json`` per region; a repeated region gets ``-2``, ``-3`` …"""
    seen: dict[str, int] = {}
    names = []
    for region in regions:
        base = f"{region.county_code}-{slugify(reference.county_by_code(region.county_code).short_name)}"
        seen[base] = seen.get(base, 0) + 1
        names.append(f"{base}.json" if seen[base] == 1 else f"{base}-{seen[base]}.json")
    return names


def build_extraction(text: str, source: SourceInfo, profile: Profile,
                     text_findings: tuple[Finding, ...] = ()) -> models.Extraction:
    """Returns everything extracted from one document's interim text, validated."""
    segmentation = segment(text, profile)
    findings = Findings(None)
    placed = _placed(text_findings, segmentation.regions, len(text))
    findings.extend(f for f in text_findings if id(f) not in placed)
    findings.extend(segmentation.findings)
    intro = parse_intro(text, segmentation.intro, profile.intro, profile.lists, findings, profile.title,
                        profile.publisher, segmentation.title)
    organisations = DocumentOrganisations(profile)
    doc = analyse(text, profile)
    doc_ents = EntityIndex(doc.ents)
    regions = [build_region(text, block.with_findings([f for f in placed.values() if f.county_code ==
                                                       block.county.county_code and block.heading_start <= f.start]),
                            source.document_id, profile, organisations, doc, doc_ents)
               for block in segmentation.regions]
    del doc, doc_ents
    bound_vocabulary(profile)
    if not regions:
        findings.add(Code.no_regions_found, "no region heading was found in the document", text[:80])
    if intro.regions_claimed is not None and intro.regions_claimed != len(regions):
        findings.add(Code.region_count_mismatch,
                     f"the intro claims {intro.regions_claimed} regions but {len(regions)} were found",
                     intro.claim or "")
    with_project = {r.county_code for r in regions}
    document = models.Document(
        document_id=source.document_id,
        source_path=source.source_path,
        source_sha256=source.source_sha256,
        source_format=source.source_format,
        encoding=source.encoding,
        pages=source.pages,
        pipeline_version=__version__,
        profile_id=profile.id,
        profile_sha256=profile.sha256,
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
        organisations=organisations.in_order(),
        quality=findings.closed(),
    )
    return models.Extraction(document=document, regions=regions, text=text)
