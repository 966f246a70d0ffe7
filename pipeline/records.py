"""Stage 3: the segmented text becomes one validated ``Extraction`` (document and regions).

This is where counts, contacts, goals and organisations are normalised and where every
disagreement or gap becomes a quality finding. It is a pure function of the interim text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pipeline import models, reference
from pipeline.contacts import parse_contacts
from pipeline.counts import parse_count
from pipeline.goals import parse_items
from pipeline.intro import parse_intro
from pipeline.lists import Item
from pipeline.models import COUNT_METRICS, Finding
from pipeline.organisations import Resolution, Resolver
from pipeline.reference import County
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

    def use(self, resolution: Resolution) -> str:
        org = resolution.organisation
        if org.organisation_id not in self.by_id:
            self.by_id[org.organisation_id] = models.Organisation(
                organisation_id=org.organisation_id,
                name=org.name,
                kind=org.kind,
                aliases=list(org.aliases),
                registered=resolution.method != "unregistered",
            )
        return org.organisation_id


def _mention(section: str, item: Item, resolution: Resolution, findings: _Findings,
             organisations: _Organisations) -> models.Mention:
    """Records one organisation mention and reports how unusual names were resolved."""
    if resolution.method == "fuzzy":
        findings.add("info", "typo_corrected",
                     f"{item.text!r} read as {resolution.organisation.name!r} (similarity {resolution.score})",
                     item.text, item.start, item.end)
    elif resolution.method == "garbled":
        findings.add("warning", "garbled_text",
                     f"garbled name {item.text!r}; its letters spell only {resolution.organisation.name!r}, "
                     "so it is resolved to that", item.text, item.start, item.end)
    elif resolution.method == "unregistered":
        hint = ", ".join(resolution.suggestions) or "none"
        findings.add("info", "unregistered_organisation",
                     f"{item.text!r} is in no registry (closest: {hint})", item.text, item.start, item.end)
    return models.Mention(section=section, organisation_id=organisations.use(resolution),  # type: ignore[arg-type]
                          surface=item.text, method=resolution.method,  # type: ignore[arg-type]
                          score=resolution.score, start=item.start, end=item.end)


def _count(text: str, metric: str, spans: list[SectionSpan], findings: _Findings, resolver: Resolver,
           county: County, organisations: _Organisations, mentions: list[models.Mention]) -> models.Count:
    if not spans:
        findings.add("warning", "missing_count_line", f"no {metric} line; its value is recorded as none", metric)
        return models.Count(basis="none", raw=None)
    span = spans[0]
    parsed = parse_count(text, span.start, span.end, resolver.is_known)
    raw = text[span.start : span.end]
    for severity, code, message in parsed.problems:
        findings.add(severity, code, f"{metric}: {message}", raw, span.start, span.end)
    for item in parsed.items:
        name = item.name_item
        mentions.append(_mention(metric, name, resolver.resolve(name.text, county), findings, organisations))
    return models.Count(value=parsed.value, basis=parsed.basis,  # type: ignore[arg-type]
                        raw=raw, listed=parsed.listed, list_is_partial=parsed.list_is_partial,
                        start=span.start, end=span.end)


def build_region(text: str, block: RegionBlock, document_id: str, resolver: Resolver,
                 organisations: _Organisations) -> models.Region:
    """Normalises one region block into its full record."""
    county = block.county
    findings = _Findings(county)
    findings.items.extend(block.findings)
    by_section: dict[str, list[SectionSpan]] = {}
    for span in block.sections:
        by_section.setdefault(span.section, []).append(span)
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

    mentions: list[models.Mention] = []
    contacts: list[models.Contact] = []
    for span in by_section.get("contact", []):
        for row in parse_contacts(text, span.start, span.end, county, resolver):
            organisation_id = None
            if row.organisation is not None and row.organisation_item is not None:
                if not any(m.start == row.organisation_item.start for m in mentions):
                    mentions.append(_mention("contact", row.organisation_item, row.organisation, findings, organisations))
                organisation_id = row.organisation.organisation_id
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
    counts = {metric: _count(text, metric, by_section.get(metric, []), findings, resolver, county,
                             organisations, mentions) for metric in COUNT_METRICS}

    goals: list[models.Goal] = []
    for span in by_section.get("goals", []):
        for entry in parse_items(text, span.start, span.end, "goals"):
            goals.append(models.Goal(ordinal=len(goals) + 1, label=entry.label, text=entry.text,
                                     start=entry.start, end=entry.end))
            for number in entry.wrapped_numbers:
                findings.add("info", "numbered_wrapped_line",
                             f"{number!r} starts a wrapped line of goal {entry.label!r}, not a new goal",
                             number, entry.start, entry.end)
    purpose_items: list[models.PurposeItem] = []
    for span in by_section.get("purpose", []):
        for entry in parse_items(text, span.start, span.end, "purpose"):
            purpose_items.append(models.PurposeItem(ordinal=len(purpose_items) + 1, label=entry.label,
                                                    text=entry.text, start=entry.start, end=entry.end))
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
        mentions=sorted(mentions, key=lambda m: m.start),
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
    regions = [build_region(text, block, source.document_id, resolver, organisations)
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
