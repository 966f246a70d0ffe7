"""The values stage: each region block's sections become its typed values (contacts, counts,
goals, purpose items), going on from the entities stage's mentions, and the intro its claims.

A pure function of the text, the segmentation, the entities and the profile: it works on copies of
the entities stage's mentions and findings, so that artefact is the same after it as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import models
from pipeline.entities import Resolver, check_people
from pipeline.entities.mentions import DocumentEntities, DocumentOrganisations, RegionEntities
from pipeline.models import Finding, Findings
from pipeline.profile import Profile
from pipeline.segment.sections import RegionBlock, SectionSpan, Segmentation
from pipeline.values.contacts import read_contacts
from pipeline.values.counts import read_count
from pipeline.values.intro import Intro, parse_intro
from pipeline.values.items import read_items


@dataclass(frozen=True)
class RegionValues:
    """One region block's values and every finding about the region, closed."""

    block: RegionBlock
    counts: dict[str, models.Count]
    contacts: list[models.Contact]
    goals: list[models.Goal]
    purpose_items: list[models.PurposeItem]
    mentions: list[models.Mention]
    findings: list[Finding]


@dataclass(frozen=True)
class UnitValues:
    """The values stage's artefact: the intro's claims with the document's findings so far, and each
    region's values, in document order, with the organisations they refer to."""

    intro: Intro
    findings: Findings
    """The document's findings so far (the segmentation's, then the intro's); copy before adding."""
    regions: tuple[RegionValues, ...]
    organisations: list[models.Organisation]


def _spans(by_section: dict[str, list[SectionSpan]], ids: tuple[str, ...]) -> list[SectionSpan]:
    return sorted((span for section in ids for span in by_section.get(section, [])), key=lambda s: s.start)


def region_values(text: str, block: RegionBlock, found: RegionEntities, organisations: DocumentOrganisations,
                  profile: Profile,
                  resolver: Resolver) -> RegionValues:
    """One region block's values, reading on from what the entity rules found in it."""
    findings = found.findings.copy()
    mentions = found.mentions.continued(organisations, findings)
    by_section = block.by_section()
    contacts = read_contacts(text, _spans(by_section, profile.sections_read_as("contacts")), profile, resolver,
                             mentions.identify, findings)
    check_people(found.people, contacts, findings)
    counts = {metric: read_count(text, metric, by_section.get(metric, []), profile.counts, profile.lists,
                                 resolver.is_known, lambda item, m=metric: mentions.identify(m, item), findings)
              for metric in profile.metric_ids}
    goals = [models.Goal(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)
             for n, e in read_items(text, _spans(by_section, profile.sections_read_as("goals")), "goals", findings,
                                    profile.items.label_words)]
    purpose_items = [models.PurposeItem(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)
                     for n, e in read_items(text, _spans(by_section, profile.sections_read_as("purpose")), "purpose",
                                            findings, profile.items.label_words)]
    return RegionValues(block, counts, contacts, goals, purpose_items, mentions.in_order(), findings.closed())


def unit_values(text: str, segmentation: Segmentation, entities: DocumentEntities, profile: Profile,
                resolver: Resolver) -> UnitValues:
    """The values stage: the intro's claims, then every region's values in document order."""
    findings = Findings(None)
    findings.extend(segmentation.findings)
    intro = parse_intro(text, segmentation.intro, profile.intro, profile.lists, findings, profile.title,
                        profile.publisher, segmentation.title)
    organisations = entities.organisations.copy()
    regions = tuple(region_values(text, block, found, organisations, profile, resolver)
                    for block, found in zip(segmentation.regions, entities.regions))
    return UnitValues(intro, findings, regions, organisations.in_order())
