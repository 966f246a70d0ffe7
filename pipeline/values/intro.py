"""The document's intro becomes its publisher, title, claims and the lists it gives.

The claims are the profile's ``intro.claims``: regular expressions whose named groups fill the
document's fields. In the seed, "17 av 21 regioner driver idag projekt …" is the region claim
(checked against the regions found), "Återkommande fokusområden i regionerna är upphandling, …"
gives the focus areas and "Bland metoderna kan vi se hackathons, …" the methods; the bullets are
the approaches. An expected claim that no pattern finds is reported, never left empty in silence.

A claim is one sentence: each pattern is tried on each sentence of the intro (ended by ".", "!"
or "?" before a capital or a digit, or by a blank line), and a "sentence" of more than
``MAX_CLAIM_SENTENCE`` characters is not tried. A pattern of the profile may take time that grows
with the square of the text it runs on; on sentences of bounded length the intro stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.findings import Code
from pipeline.models import Findings
from pipeline.segment.lists import ListPatterns, split_items
from pipeline.segment.sections import Line
from pipeline.profile import IntroRules, fold_title, phrase_alternatives


MAX_CLAIM_SENTENCE = 2_000
"""The longest sentence a claim is looked for in: the seed's longest intro sentence has 153
characters; a 2,000-character run without a sentence end is not prose a claim sits in."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÉÜ0-9•\-–*])|\n\s*\n")


def sentence_spans(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) of every sentence of ``text`` that a claim may be in (at most
    ``MAX_CLAIM_SENTENCE`` long)."""
    out, at = [], 0
    for end in _SENTENCE_END.finditer(text):
        out.append((at, text[at : end.start()]))
        at = end.end()
    out.append((at, text[at:]))
    return [(offset, s) for offset, s in out if len(s) <= MAX_CLAIM_SENTENCE]


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` that a claim may be in (at most ``MAX_CLAIM_SENTENCE`` long)."""
    return [s for _, s in sentence_spans(text)]


@dataclass(frozen=True)
class Intro:
    publisher: str | None
    title: str | None
    text: str | None
    focus_areas: tuple[str, ...]
    methods: tuple[str, ...]
    approaches: tuple[str, ...]
    regions_claimed: int | None
    regions_claimed_of: int | None
    claim: str | None
    text_start: int | None = None
    """Where ``text`` starts in the document's text."""


def _paragraphs(lines: tuple[Line, ...]) -> list[list[Line]]:
    paragraphs: list[list[Line]] = []
    for line in lines:
        if line.blank:
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
        elif paragraphs:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [p for p in paragraphs if p]


def _is_heading(paragraph: list[Line], longest: int = 80) -> bool:
    return len(paragraph) == 1 and len(paragraph[0].text) <= longest and not re.search(r"[.:;!?,]$",
                                                                                      paragraph[0].text)


@dataclass(frozen=True)
class IntroPatterns:
    """The profile's intro rules, compiled (``compile_intro``), with its list rules."""

    lists: ListPatterns
    bullet: re.Pattern[str]
    open_end: re.Pattern[str]
    claims: tuple[tuple[str, tuple[re.Pattern[str], ...], bool], ...]


def compile_intro(rules: IntroRules, lists: ListPatterns) -> IntroPatterns:
    """The intro rules compiled once, for the profile's compiled form (``pipeline/compiled.py``)."""
    return IntroPatterns(
        lists=lists,
        bullet=re.compile(rules.bullet),
        open_end=re.compile(rf"^(?:{phrase_alternatives(rules.list_open_ends)})$", re.IGNORECASE),
        claims=tuple((c.field, tuple(re.compile(p, re.IGNORECASE) for p in c.patterns), c.expected)
                     for c in rules.claims),
    )


def _listed(sentence: str, lists: ListPatterns, open_end: re.Pattern[str]) -> tuple[str, ...]:
    items = [item.text for item in split_items(sentence, lists)]
    return tuple(item for item in items if not open_end.match(item))


_BYLINE = re.compile(r"\bPublicerad av:?\s+([^|\n•·,]{2,80}?)\s*(?:[|\n•·,]|$)")


_ATTRIBUTION = re.compile(r"\b(?:innehållet|texten|materialet)\b[^.\n]{0,40}?\bkommer från\s+", re.IGNORECASE)
"""A republishing site's credit line: "Innehållet på den här sidan kommer från Tillväxtverket …"."""


def _attributed(paragraphs: list[list[Line]], publisher: str) -> str | None:
    """The profile's publisher as a republishing site credits it near the title, as written, or None."""
    if not publisher:
        return None
    for paragraph in paragraphs:
        for line in paragraph:
            for found in _ATTRIBUTION.finditer(line.text):
                named = line.text[found.end() : found.end() + len(publisher)]
                if _folded(named) == _folded(publisher):
                    return named
    return None


def _folded(text: str) -> str:
    return fold_title(text)


def _split_at(paragraph: list[Line], line: Line) -> list[list[Line]]:
    """The paragraph as it is, or split around ``line`` when ``line`` is one of its lines."""
    k = next((n for n, each in enumerate(paragraph) if each.start == line.start), None)
    if k is None or len(paragraph) == 1:
        return [paragraph]
    return [part for part in (paragraph[:k], paragraph[k : k + 1], paragraph[k + 1 :]) if part]


def _title_and_publisher(paragraphs: list[list[Line]], title: str, publisher: str, findings: Findings,
                         title_at: Line | None = None) -> tuple[str | None, str | None, list[list[Line]]]:
    """The report's title, its publisher and the intro's paragraphs after the title.

    The title is the first one-line paragraph that is (or starts with) the profile's title; what
    stands before it is a site's header, menus or breadcrumbs when it is not the publisher line,
    and is not read (reported). The publisher is the line just before the title, or the byline
    ("Publicerad av …"), or the profile's publisher written as a line of its own before the title.
    Without the profile's title in the text, the first two heading lines are publisher and title,
    and that is reported; so is a publisher the text does not name."""
    wanted = _folded(title) if title else ""
    if title_at is not None:  # a title run into its neighbours ("Tillväxtverket" directly above): a paragraph of its own
        paragraphs = [part for p in paragraphs for part in _split_at(p, title_at)]
    at = next((n for n, p in enumerate(paragraphs) if title_at is not None and p[0].start == title_at.start), None)
    if at is None:
        found_publisher = found_title = None
        if len(paragraphs) >= 2 and _is_heading(paragraphs[0]) and _is_heading(paragraphs[1]):
            found_publisher, found_title, body = paragraphs[0][0].text, paragraphs[1][0].text, paragraphs[2:]
        elif paragraphs and _is_heading(paragraphs[0]):
            found_title, body = paragraphs[0][0].text, paragraphs[1:]
        else:
            body = paragraphs
        if wanted:
            findings.add(Code.title_not_found, f"the report family's title {title!r} is not in the text; "
                         f"{found_title!r} is taken as the title", found_title or "", field="title")
        return found_title, found_publisher, body
    before, body = paragraphs[:at], paragraphs[at + 1:]
    found_publisher = None
    if before and _is_heading(before[-1]) and (not publisher or _folded(before[-1][0].text) == _folded(publisher)):
        found_publisher = before[-1][0].text
        before = before[:-1]
    if found_publisher is None:
        byline = next((m for p in body[:3] for line in p if (m := _BYLINE.search(line.text))), None)
        named = next((p[0].text for p in before if publisher and _is_heading(p)
                      and _folded(p[0].text) == _folded(publisher)), None)
        found_publisher = byline.group(1).strip() if byline else named or _attributed(body[:3], publisher)
    if before:
        first = before[0][0]
        findings.add(Code.text_before_title,
                     f"{sum(len(p) for p in before)} line(s) before the report's title are not read as the report "
                     "(a web site's header, menus or breadcrumbs, printed with the page?)",
                     first.text[:80], first.start, before[-1][-1].end, field="title")
    if found_publisher is None and publisher:
        findings.add(Code.publisher_not_found, f"the text names no publisher (the report family's is {publisher!r}); "
                     "the publisher is left empty", paragraphs[at][0].text[:80], field="publisher")
    elif found_publisher is not None and publisher and _folded(found_publisher) != _folded(publisher):
        findings.add(Code.publisher_unexpected, f"the publisher line reads {found_publisher!r}, not the report "
                     f"family's {publisher!r}", found_publisher[:80], field="publisher")
    return paragraphs[at][0].text, found_publisher, body


def parse_intro(text: str, lines: tuple[Line, ...], patterns: IntroPatterns,
                findings: Findings, title: str = "", publisher: str = "", title_at: Line | None = None) -> Intro:
    """Reads the lines before the first region heading; expected claims not found are reported.
    ``title`` and ``publisher`` are the report family's (the profile's), used to tell the report's
    own title and publisher from a web site's header printed above them; ``title_at`` is the line
    the sections stage found the title on."""
    paragraphs = _paragraphs(lines)
    title, publisher, body = _title_and_publisher(paragraphs, title, publisher, findings, title_at)
    intro_text = text[body[0][0].start : body[-1][-1].end] if body else None
    windows = sentences(intro_text or "")
    found: dict[str, re.Match[str]] = {}
    for field, claim_patterns, expected in patterns.claims:
        match = next((m for p in claim_patterns for window in windows if (m := p.search(window))), None)
        if match is not None:
            found[field] = match
        elif expected:
            findings.add(Code.intro_claim_not_found,
                         f"the intro gives no {field} in any wording the profile knows; the field is empty",
                         (intro_text or text)[:80])
    approaches = tuple(
        patterns.bullet.sub("", line.text).rstrip(".") for p in body for line in p if patterns.bullet.match(line.text)
    )
    claim = found.get("regions_claimed")

    def listed(field: str) -> tuple[str, ...]:
        match = found.get(field)
        return _listed(match.group("list"), patterns.lists, patterns.open_end) if match else ()

    return Intro(
        publisher=publisher,
        title=title,
        text=intro_text,
        focus_areas=listed("focus_areas"),
        methods=listed("methods"),
        approaches=approaches,
        regions_claimed=int(claim.group("claimed")) if claim else None,
        regions_claimed_of=int(claim.group("of")) if claim else None,
        claim=claim.group(0) if claim else None,
        text_start=body[0][0].start if body else None,
    )
