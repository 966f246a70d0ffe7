"""Stage 2: the interim text becomes an intro, region blocks and labelled sections, as spans.

Region headings are standalone one-line paragraphs that start with a region's name and end
without sentence punctuation; summaries and goals that also start with "Region X" are sentences.
Inside a block, a known label (any spelling in ``reference/labels.csv``) starts a section at any
line start. A misspelled label is matched fuzzily and reported. An unforeseen ``Label:`` at the
start of a paragraph, or a sub-heading (Örebro's shape), starts an ``other`` section and is
reported. Text before the first label is the summary.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from pipeline import reference
from pipeline.models import Finding
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


def _region_aliases() -> list[tuple[str, County]]:
    aliases = []
    for county in reference.counties():
        names = set(county.region_aliases) | {f"Region {county.short_name}"}
        aliases.extend((name, county) for name in names)
    return sorted(aliases, key=lambda pair: -len(pair[0]))


def _heading(lines: list[Line], i: int, aliases: list[tuple[str, County]]) -> tuple[str, County] | None:
    line = lines[i]
    standalone = (i == 0 or lines[i - 1].blank) and (i + 1 >= len(lines) or lines[i + 1].blank)
    if line.blank or not standalone or _TERMINAL.search(line.text) or len(line.text) > 200:
        return None
    for alias, county in aliases:
        if line.text.startswith(alias) and line.text[len(alias) : len(alias) + 1] in ("", " "):
            return alias, county
    return None


def _known_label(text: str) -> tuple[str, str, int, float] | None:
    """Returns (section, label as written, end of ``label:`` and spaces, similarity) or None."""
    for label in reference.section_labels():
        match = label.at_line_start.match(text)
        if match:
            return label.section, match.group(1), match.end() + text.startswith(" ", match.end()), 1.0
    prefix, colon, _ = text.partition(":")
    if not colon or not 3 <= len(prefix) <= 70 or any(ch.isdigit() for ch in prefix):
        return None
    best: tuple[float, str] = (0.0, "")
    for label in reference.section_labels():
        score = difflib.SequenceMatcher(None, prefix.casefold(), label.label.casefold()).ratio()
        best = max(best, (score, label.section))
    if best[0] >= LABEL_SIMILARITY:
        end = len(prefix) + 1
        while end < len(text) and text[end] == " ":
            end += 1
        return best[1], prefix.rstrip(), end, best[0]
    return None


def _is_sub_label(text: str) -> bool:
    return any(s.at_line_start.match(text) for s in reference.sub_labels())


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
    lines: list[Line], first: int, last: int, county: County
) -> tuple[list[SectionSpan], list[Finding]]:
    """Splits lines[first..last] (the block after its heading) into sections."""
    starts: list[tuple[int, str, str | None, int | None, int]] = []  # line index, section, label, label_start, content_start
    findings: list[Finding] = []
    current = "summary"
    for i in range(first, last + 1):
        line = lines[i]
        if line.blank:
            continue
        paragraph_start = lines[i - 1].blank
        known = _known_label(line.text)
        if known:
            section, label, end, score = known
            starts.append((i, section, label, line.start, line.start + end))
            current = section
            if score < 1.0:
                findings.append(_finding(county, "warning", "label_misspelled",
                    f"label {label!r} read as the {section} label (similarity {score:.2f})", line, label))
            continue
        if not paragraph_start or _is_sub_label(line.text):
            continue
        unknown = _UNKNOWN_LABEL.match(line.text)
        if unknown:
            end = unknown.end()
            while end < len(line.text) and line.text[end] == " ":
                end += 1
            starts.append((i, "other", unknown.group(1), line.start, line.start + end))
            current = "other"
            findings.append(_finding(county, "warning", "unknown_label",
                f"unforeseen label {unknown.group(1)!r} kept as section 'other'", line, unknown.group(1)))
            continue
        next_line = lines[i + 1] if i + 1 <= last else None
        if (
            current in ("summary", "other")
            and next_line is not None
            and not next_line.blank
            and len(line.text.split()) <= 8
            and line.text[0].isupper()
            and not _TERMINAL.search(line.text)
            and not _LIST_MARKER.match(line.text)
        ):
            starts.append((i, "other", line.text, line.start, next_line.start))
            current = "other"
            findings.append(_finding(county, "info", "subheading_section",
                f"sub-heading {line.text!r} kept as section 'other'", line, line.text))

    spans: list[SectionSpan] = []
    summary_last = (starts[0][0] - 1) if starts else last
    if any(not ln.blank for ln in lines[first : summary_last + 1]):
        start, end = _content_span(lines, first, summary_last, lines[first].start, lines[first].start)
        spans.append(SectionSpan("summary", None, None, start, end))
    for n, (i, section, label, label_start, content_start) in enumerate(starts):
        section_last = (starts[n + 1][0] - 1) if n + 1 < len(starts) else last
        start, end = _content_span(lines, i, section_last, content_start, content_start)
        spans.append(SectionSpan(section, label, label_start, start, end))
    return spans, findings


def _finding(county: County | None, severity: str, code: str, message: str, line: Line, evidence: str) -> Finding:
    return Finding(
        county_code=county.county_code if county else None,
        severity=severity,  # type: ignore[arg-type]
        code=code,
        message=f"line {line.number}: {message}",
        evidence=evidence,
        start=line.start,
        end=line.end,
    )


def segment(text: str) -> Segmentation:
    """Returns the intro lines and the region blocks of ``text``, each block split into sections."""
    lines = split_lines(text)
    aliases = _region_aliases()
    headings = [(i, found) for i in range(len(lines)) if (found := _heading(lines, i, aliases))]
    regions: list[RegionBlock] = []
    findings: list[Finding] = []
    seen: dict[str, Line] = {}
    for n, (i, (alias, county)) in enumerate(headings):
        last = (headings[n + 1][0] - 1) if n + 1 < len(headings) else len(lines) - 1
        sections, block_findings = _segment_block(lines, i + 1, last, county)
        heading = lines[i]
        if county.county_code in seen:
            block_findings.insert(0, _finding(county, "error", "duplicate_region",
                f"{county.county_name} appears again (first at line {seen[county.county_code].number}); both are kept",
                heading, heading.text))
        seen.setdefault(county.county_code, heading)
        if not sections:
            block_findings.append(_finding(county, "warning", "region_without_sections",
                "region heading is followed by no text", heading, heading.text))
        regions.append(
            RegionBlock(
                county=county,
                region_name=alias,
                title=heading.text,
                heading_start=heading.start,
                heading_end=heading.end,
                sections=tuple(sections),
                findings=tuple(block_findings),
            )
        )
    intro_end = headings[0][0] if headings else len(lines)
    return Segmentation(intro=tuple(lines[:intro_end]), regions=tuple(regions), findings=tuple(findings))
