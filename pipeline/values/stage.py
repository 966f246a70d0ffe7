"""The values stage: each region block's sections become its typed values (contacts, counts,
goals, purpose items), going on from the entities stage's mentions, and the intro its claims.

A pure function of the text, the segmentation, the entities and the profile: it works on copies of
the entities stage's mentions and findings, so that artefact is the same after it as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import models
from pipeline.entities import Resolver, check_people
from pipeline.entities.mentions import DocumentEntities, DocumentOrganisations, RegionEntities
from pipeline.models import Finding, Findings
from pipeline.profile import OTHER, SUMMARY, Profile
from pipeline.segment.sections import RegionBlock, SectionSpan, Segmentation
from pipeline.segment.lists import ListPatterns
from pipeline.segment.sections import item_word_label
from pipeline.values.contacts import ContactPatterns, compile_contacts, read_contacts
from pipeline.values.counts import CountPatterns, compile_counts, read_count
from pipeline.values.intro import Intro, IntroPatterns, compile_intro, parse_intro
from pipeline.values.claims import ClaimPatterns, compile_claims, read_claims
from pipeline.values.items import read_items, read_section_items
from pipeline.values.measures import MeasurePatterns, compile_measures, heading_unit, read_measure


@dataclass(frozen=True)
class ValueRules:
    """What the values stage needs of the profile, compiled once (``compile_values``)."""

    profile: Profile
    intro: IntroPatterns
    contacts: ContactPatterns
    counts: CountPatterns
    measures: MeasurePatterns
    claims: ClaimPatterns
    item_labels: re.Pattern[str] | None
    """The profile's item words with a number ("Mål 1:")."""
    resolver: Resolver


def compile_values(profile: Profile, lists: ListPatterns, resolver: Resolver) -> ValueRules:
    """The values stage's rules, compiled once, for the profile's compiled form (``pipeline/compiled.py``)."""
    measures = compile_measures(profile.counts)
    return ValueRules(profile, compile_intro(profile.intro, lists), compile_contacts(profile),
                      compile_counts(profile.counts, lists), measures, compile_claims(profile.claims, measures, lists),
                      item_word_label(profile.items.label_words), resolver)


@dataclass(frozen=True)
class RegionValues:
    """One region block's values and every finding about the region, closed."""

    block: RegionBlock
    counts: dict[str, models.Count | models.Measure]
    contacts: list[models.Contact]
    goals: list[models.Goal]
    purpose_items: list[models.PurposeItem]
    items: list[models.Item]
    mentions: list[models.Mention]
    findings: list[Finding]


@dataclass(frozen=True)
class UnitValues:
    """The values stage's artefact: the intro's claims with the document's findings so far, and each
    region's values, in document order, with the organisations they refer to."""

    intro: Intro
    claims: list[models.Claim]
    findings: Findings
    """The document's findings so far (the segmentation's, then the intro's); copy before adding."""
    regions: tuple[RegionValues, ...]
    organisations: list[models.Organisation]


def _spans(by_section: dict[str, list[SectionSpan]], ids: tuple[str, ...]) -> list[SectionSpan]:
    return sorted((span for section in ids for span in by_section.get(section, [])), key=lambda s: s.start)


def _heading_unit(text: str, block: RegionBlock, before: int) -> str | None:
    """The unit a heading line above a value line writes ("Miljoner kronor"): the last one in the
    block's text before it that no label takes (its summary, unlabelled lines), never a line inside
    a section (a partner named "SEK")."""
    found = None
    for span in block.sections:
        if span.section in (SUMMARY, OTHER) and span.end <= before:
            found = heading_unit(text, span.start, span.end) or found
    return found


def region_values(text: str, block: RegionBlock, found: RegionEntities, organisations: DocumentOrganisations,
                  rules: ValueRules) -> RegionValues:
    """One region block's values, reading on from what the entity rules found in it."""
    findings = found.findings.copy()
    mentions = found.mentions.continued(organisations, findings)
    by_section = block.by_section()
    profile, resolver = rules.profile, rules.resolver
    contacts = read_contacts(text, _spans(by_section, profile.sections_read_as("contacts")), rules.contacts, resolver,
                             mentions.identify, findings)
    check_people(found.people, contacts, findings)
    counts: dict[str, models.Count | models.Measure] = {}
    for metric in profile.metrics:
        spans = by_section.get(metric.id, [])
        if metric.type == "count":
            counts[metric.id] = read_count(text, metric, spans, rules.counts, resolver.is_known,
                                           lambda item, m=metric.id: mentions.identify(m, item), findings)
        else:
            heading = _heading_unit(text, block, spans[0].start) if spans else None
            counts[metric.id] = read_measure(text, metric, spans, rules.measures, findings, heading)
    goals = [models.Goal(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)
             for n, e in read_items(text, _spans(by_section, profile.sections_read_as("goals")), "goals", findings,
                                    rules.item_labels)]
    purpose_items = [models.PurposeItem(ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)
                     for n, e in read_items(text, _spans(by_section, profile.sections_read_as("purpose")), "purpose",
                                            findings, rules.item_labels)]
    items = [models.Item(section=section, ordinal=n, label=e.label, text=e.text, start=e.start, end=e.end)
             for section in profile.sections_read_as("items")
             for n, e in read_section_items(text, by_section.get(section, []), rules.item_labels, findings)]
    return RegionValues(block, counts, contacts, goals, purpose_items, sorted(items, key=lambda i: i.start),
                        mentions.in_order(), findings.closed())


def unit_values(text: str, segmentation: Segmentation, entities: DocumentEntities, rules: ValueRules) -> UnitValues:
    """The values stage: the intro's claims, then every region's values in document order."""
    findings = Findings(None)
    findings.extend(segmentation.findings)
    intro = parse_intro(text, segmentation.intro, rules.intro, findings, rules.profile.title, rules.profile.publisher,
                        segmentation.title)
    claims = read_claims(intro, rules.claims, findings)
    organisations = entities.organisations.copy()
    regions = tuple(region_values(text, block, found, organisations, rules)
                    for block, found in zip(segmentation.regions, entities.regions))
    return UnitValues(intro, claims, findings, regions, organisations.in_order())
