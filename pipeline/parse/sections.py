"""Sections: the interim text becomes an intro, region blocks and labelled sections, as spans.

Region headings are standalone one-line paragraphs that start with one of the profile's heading
forms ("Region {short_name}") and end without sentence punctuation; summaries and goals that
also start with "Region X" are sentences. Inside a block, a label of the profile (its canonical
form or a listed variant, case-insensitively) starts a section at any line start; a variant is
reported as ``label_variant``, a spelling only close to a label as ``label_misspelled``. An
unforeseen ``Label:`` at the start of a paragraph, or a sub-heading (Örebro's shape), starts an
``other`` section and is reported. Text before the first label is the summary. Sections the
profile expects but a region lacks, empty sections and repeated sections are reported too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipeline import reference
from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.profile import OTHER, SUMMARY, Profile
from pipeline.reference import County

LABEL_SIMILARITY = 0.85
"""A ``Something:`` prefix at least this similar to a known label is taken as that label."""

_TERMINAL = re.compile(r"[.:;!?,]$")
_LIST_MARKER = re.compile(r"^(?:[-–•*]|\(?[0-9]+[a-z]?(?:\+[0-9]+)?[.):]|\(?[a-zA-Z][.)]\)?)")
_UNKNOWN_LABEL = re.compile(r"^([A-ZÅÄÖÉ][\wåäöéü\-]*(?: [\wåäöéü\-]+){0,3})\s*:(?=\s|$)")


@dataclass(frozen=True)
class Line:
    """One line of the interim text; ``start``/``end`` exclude the newline."""

    number: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class SectionSpan:
    section: str
    label: str | None
    label_start: int | None
    start: int
    end: int


@dataclass(frozen=True)
class RegionBlock:
    county: County
    region_name: str
    title: str
    heading_start: int
    heading_end: int
    sections: tuple[SectionSpan, ...]
    findings: tuple[Finding, ...]

    def by_section(self) -> dict[str, list[SectionSpan]]:
        """The block's section spans by section id, in text order."""
        grouped: dict[str, list[SectionSpan]] = {}
        for span in self.sections:
            grouped.setdefault(span.section, []).append(span)
        return grouped

    def with_findings(self, more: list[Finding]) -> "RegionBlock":
        return replace(self, findings=(*self.findings, *more))


@dataclass(frozen=True)
class Segmentation:
    """The intro's lines and the region blocks of one document, in document order."""

    intro: tuple[Line, ...]
    regions: tuple[RegionBlock, ...]
    findings: tuple[Finding, ...] = field(default=())


def split_lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        lines.append(Line(number, offset, offset + len(line), line))
        offset += len(line) + 1
    return lines


def _heading_names(profile: Profile) -> list[tuple[str, County]]:
    """Every heading form of every county, longest first."""
    aliases = []
    for county in reference.counties():
        names: set[str] = set()
        for form in profile.regions.heading_forms:
            if "{region_aliases}" in form:
                names |= {form.replace("{region_aliases}", alias) for alias in county.region_aliases}
            else:
                names.add(form.format(short_name=county.short_name, county_name=county.county_name))
        aliases.extend((name, county) for name in names)
    return sorted(aliases, key=lambda pair: -len(pair[0]))


def _by_first_word(aliases: list[tuple[str, County]]) -> dict[str, list[tuple[str, County]]]:
    """The heading forms by their first word, each list longest first: a line is compared only
    with the forms that start with its own first word."""
    index: dict[str, list[tuple[str, County]]] = {}
    for alias, county in aliases:
        index.setdefault(alias.split(" ", 1)[0], []).append((alias, county))
    return index


def _heading(lines: list[Line], i: int, aliases: dict[str, list[tuple[str, County]]],
             max_length: int) -> tuple[str, County] | None:
    line = lines[i]
    standalone = (i == 0 or lines[i - 1].blank) and (i + 1 >= len(lines) or lines[i + 1].blank)
    if line.blank or not standalone or _TERMINAL.search(line.text) or len(line.text) > max_length:
        return None
    for alias, county in aliases.get(line.text.split(" ", 1)[0], ()):
        if line.text.startswith(alias) and line.text[len(alias) : len(alias) + 1] in ("", " "):
            return alias, county
    return None


def _known_label(text: str, profile: Profile) -> tuple[str, str, int, float] | None:
    """Returns (section, label as written, end of ``label:`` and spaces, similarity) or None."""
    labels = profile.labels
    found = labels.match(text)
    if found:
        section, written, end = found
        return section, written, end + text.startswith(" ", end), 1.0
    prefix, colon, _ = text.partition(":")
    if not colon or not 3 <= len(prefix) <= 70 or any(ch.isdigit() for ch in prefix):
        return None
    best = _closest_label(prefix.casefold(), tuple(labels.section_of.items()))
    if best[0] >= LABEL_SIMILARITY:
        end = len(prefix) + 1
        while end < len(text) and text[end] == " ":
            end += 1
        return best[1], prefix.rstrip(), end, best[0]
    return None


@lru_cache(maxsize=4096)
def _closest_label(prefix: str, spellings: tuple[tuple[str, str], ...]) -> tuple[float, str]:
    """(similarity, section) of the label spelling most like ``prefix``. The cheap upper bounds of
    the similarity skip a spelling that cannot reach the threshold or the best so far, so a page of
    "Something:" lines costs little; a repeated prefix is looked up once."""
    best: tuple[float, str] = (0.0, "")
    for spelling, section in spellings:
        matcher = difflib.SequenceMatcher(None, prefix, spelling)
        floor = max(LABEL_SIMILARITY, best[0])
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        best = max(best, (matcher.ratio(), section))
    return best


def _content_span(lines: list[Line], first: int, last: int, content_start: int, label_end: int) -> tuple[int, int]:
    """Span of a section's content over lines[first..last]; empty at ``label_end`` when there is none."""
    body = [ln for ln in lines[first : last + 1] if not ln.blank]
    if not body:
        return label_end, label_end
    if content_start < body[0].start:
        start = body[0].start
    elif content_start < body[0].end:
        start = content_start
    else:
        later = [ln for ln in body if ln.start >= content_start]
        if not later:
            return label_end, label_end
        start = later[0].start
    return start, max(start, body[-1].end)


def _segment_block(
    lines: list[Line], first: int, last: int, county: County, profile: Profile
) -> tuple[list[SectionSpan], list[Finding]]:
    """Splits lines[first..last] (the block after its heading) into sections."""
    starts: list[tuple[int, str, str | None, int | None, int]] = []  # line index, section, label, label_start, content_start
    findings: list[Finding] = []
    current = SUMMARY
    canonical = profile.labels.canonical
    for i in range(first, last + 1):
        line = lines[i]
        if line.blank:
            continue
        paragraph_start = lines[i - 1].blank
        known = _known_label(line.text, profile)
        if known:
            section, label, end, score = known
            starts.append((i, section, label, line.start, line.start + end))
            current = section
            if score < 1.0:
                findings.append(_finding(county, Code.label_misspelled,
                    f"label {label!r} read as the {section} label {canonical[section]!r} (similarity {score:.2f})",
                    line, label))
            elif label != canonical[section]:
                findings.append(_finding(county, Code.label_variant,
                    f"label {label!r} read as {canonical[section]!r} (a variant the profile lists)", line, label))
            continue
        if not paragraph_start or profile.labels.sub_label.match(line.text):
            continue
        unknown = _UNKNOWN_LABEL.match(line.text)
        if unknown:
            end = unknown.end()
            while end < len(line.text) and line.text[end] == " ":
                end += 1
            starts.append((i, OTHER, unknown.group(1), line.start, line.start + end))
            current = OTHER
            findings.append(_finding(county, Code.unknown_label,
                f"unforeseen label {unknown.group(1)!r} kept as section 'other'", line, unknown.group(1)))
            continue
        next_line = lines[i + 1] if i + 1 <= last else None
        if (
            current in (SUMMARY, OTHER)
            and next_line is not None
            and not next_line.blank
            and len(line.text.split()) <= 8
            and line.text[0].isupper()
            and not _TERMINAL.search(line.text)
            and not _LIST_MARKER.match(line.text)
        ):
            starts.append((i, OTHER, line.text, line.start, next_line.start))
            current = OTHER
            findings.append(_finding(county, Code.subheading_section,
                f"sub-heading {line.text!r} kept as section 'other'", line, line.text))

    spans: list[SectionSpan] = []
    summary_last = (starts[0][0] - 1) if starts else last
    if any(not ln.blank for ln in lines[first : summary_last + 1]):
        start, end = _content_span(lines, first, summary_last, lines[first].start, lines[first].start)
        spans.append(SectionSpan(SUMMARY, None, None, start, end))
    for n, (i, section, label, label_start, content_start) in enumerate(starts):
        section_last = (starts[n + 1][0] - 1) if n + 1 < len(starts) else last
        start, end = _content_span(lines, i, section_last, content_start, content_start)
        spans.append(SectionSpan(section, label, label_start, start, end))
    return spans, findings


def _finding(county: County | None, code: Code, message: str, line: Line, evidence: str) -> Finding:
    return Finding(
        county_code=county.county_code if county else None,
        severity=code.severity,
        code=code,
        message=f"line {line.number}: {message}",
        evidence=evidence,
        start=line.start,
        end=line.end,
    )


def _section_findings(block: RegionBlock, profile: Profile) -> list[Finding]:
    """Expected sections a region lacks, empty sections and repeated sections."""
    findings = []
    by_section = block.by_section()
    county = block.county.county_code
    for name in profile.expected_sections:
        spans = by_section.get(name, [])
        if not spans:
            findings.append(Finding(county_code=county, severity=Code.missing_section.severity,
                                    code=Code.missing_section, message=f"the region has no {name} section",
                                    evidence=block.title, start=block.heading_start, end=block.heading_end))
        for span in spans:
            if span.start == span.end:
                findings.append(Finding(county_code=county, severity=Code.empty_section.severity,
                                        code=Code.empty_section, message=f"the {name} section ({span.label}) is empty",
                                        evidence=span.label or name, start=span.label_start, end=span.end))
    for name, spans in by_section.items():
        if name != OTHER and len(spans) > 1:
            findings.append(Finding(county_code=county, severity=Code.duplicate_section.severity,
                                    code=Code.duplicate_section,
                                    message=f"{len(spans)} {name} sections; counts use the first, all text is kept",
                                    evidence=spans[1].label or name, start=spans[1].label_start, end=spans[1].end))
    return findings


def segment(text: str, profile: Profile) -> Segmentation:
    """Returns the intro lines and the region blocks of ``text``, each block split into sections."""
    lines = split_lines(text)
    aliases = _by_first_word(_heading_names(profile))
    max_length = profile.regions.heading_max_length
    headings = [(i, found) for i in range(len(lines)) if (found := _heading(lines, i, aliases, max_length))]
    regions: list[RegionBlock] = []
    findings: list[Finding] = []
    seen: dict[str, Line] = {}
    for n, (i, (alias, county)) in enumerate(headings):
        last = (headings[n + 1][0] - 1) if n + 1 < len(headings) else len(lines) - 1
        sections, block_findings = _segment_block(lines, i + 1, last, county, profile)
        heading = lines[i]
        if county.county_code in seen:
            block_findings.insert(0, _finding(county, Code.duplicate_region,
                f"{county.county_name} appears again (first at line {seen[county.county_code].number}); both are kept",
                heading, heading.text))
        seen.setdefault(county.county_code, heading)
        if not sections:
            block_findings.append(_finding(county, Code.region_without_sections,
                "region heading is followed by no text", heading, heading.text))
        block = RegionBlock(county=county, region_name=alias, title=heading.text, heading_start=heading.start,
                            heading_end=heading.end, sections=tuple(sections), findings=tuple(block_findings))
        regions.append(block.with_findings(_section_findings(block, profile)))
    intro_end = headings[0][0] if headings else len(lines)
    return Segmentation(intro=tuple(lines[:intro_end]), regions=tuple(regions), findings=tuple(findings))
