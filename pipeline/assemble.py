"""The assemble stage: the values of every region and the intro become one validated
``Extraction``, with the document's record (what was read, from which source, with which profile)
and the region files' names."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import __version__, models, reference
from pipeline.findings import Code
from pipeline.models import SourceFormat
from pipeline.profile import SUMMARY, Profile
from pipeline.slugs import slugify
from pipeline.values.stage import RegionValues, UnitValues


@dataclass(frozen=True)
class SourceInfo:
    """What is known about a source file before its text is read."""

    document_id: str
    source_path: str
    source_sha256: str
    source_format: SourceFormat
    encoding: str
    pages: int | None = None


def region_file_names(regions: list[models.Region]) -> list[str]:
    """``<county_code>-<slug>.json`` per county unit, ``<municipality_code>-<slug>.json`` per
    municipality unit, ``<unit_id>.json`` per free unit; a repeated unit gets ``-2``, ``-3`` …"""
    seen: dict[str, int] = {}
    names = []
    for region in regions:
        county = region.county_code
        if county is not None and region.unit_id == county:  # a county unit
            base = f"{county}-{slugify(reference.county_by_code(county).short_name)}"
        elif region.municipality_codes == [region.unit_id]:  # a municipality unit
            base = f"{region.unit_id}-{slugify(region.region_name)}"
        else:
            base = region.unit_id
        seen[base] = seen.get(base, 0) + 1
        names.append(f"{base}.json" if seen[base] == 1 else f"{base}-{seen[base]}.json")
    return names


def _region(text: str, values: RegionValues, document_id: str) -> models.Region:
    block = values.block
    summary = block.by_section().get(SUMMARY)
    county = block.county
    return models.Region(
        document_id=document_id,
        unit_id=block.unit_id,
        county_code=county.county_code if county else None,
        county_name=county.county_name if county else None,
        county_codes=list(block.county_codes),
        municipality_codes=list(block.municipality_codes),
        region_name=block.region_name,
        title=block.title,
        summary=text[summary[0].start : summary[0].end] if summary else None,
        heading_start=block.heading_start,
        heading_end=block.heading_end,
        counts=values.counts,
        sections=[models.Section(section=s.section, label=s.label, text=text[s.start : s.end], start=s.start,
                                 end=s.end) for s in block.sections],
        contacts=values.contacts,
        goals=values.goals,
        purpose_items=values.purpose_items,
        items=values.items,
        mentions=values.mentions,
        quality=[f.model_copy(update={"unit_id": block.unit_id, "county_code": county.county_code if county else None})
                 for f in values.findings],
    )


def assemble(text: str, source: SourceInfo, values: UnitValues, profile: Profile,
             redaction: str | None = None) -> models.Extraction:
    """The assemble stage: one validated ``Extraction``; the region count is checked against the
    intro's claim and an empty document reported. ``redaction``: the fingerprint of the salt the
    text was redacted with, or None."""
    regions = [_region(text, region, source.document_id) for region in values.regions]
    findings = values.findings.copy()
    intro = values.intro
    if not regions:
        findings.add(Code.no_regions_found, "no region heading was found in the document", text[:80])
    if intro.regions_claimed is not None and intro.regions_claimed != len(regions):
        findings.add(Code.region_count_mismatch,
                     f"the intro claims {intro.regions_claimed} regions but {len(regions)} were found",
                     intro.claim or "")
    claimed_units = intro.regions_claimed
    for claim in values.claims:
        definition = next(c for c in profile.claims if c.id == claim.claim)
        if definition.counts_units and claim.value is not None:
            claimed_units = int(claim.value) if claimed_units is None else claimed_units
        if definition.counts_units and claim.value is not None and claim.value != len(regions):
            findings.add(Code.region_count_mismatch, f"the intro claims {claim.value:g} units ({claim.claim}) but "
                         f"{len(regions)} were found", claim.text or "", claim.start, claim.end)
    with_project = {code for r in regions for code in r.county_codes}
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
        redacted=redaction is not None,
        redaction_salt_fingerprint=redaction,
        publisher=intro.publisher,
        title=intro.title,
        intro=intro.text,
        focus_areas=list(intro.focus_areas),
        methods=list(intro.methods),
        approaches=list(intro.approaches),
        regions_claimed=claimed_units,
        regions_claimed_of=intro.regions_claimed_of,
        regions_found=len(regions),
        claims=values.claims,
        counties=[models.CountyStatus(county_code=c.county_code, county_name=c.county_name,
                                      has_project=c.county_code in with_project) for c in reference.counties()],
        region_files=region_file_names(regions),
        organisations=values.organisations,
        quality=findings.closed(),
    )
    return models.Extraction(document=document, regions=regions, text=text)
