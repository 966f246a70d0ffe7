"""The document's intro becomes its publisher, title, claim and the lists it gives.

"17 av 21 regioner driver idag projekt …" is the claim checked against the regions found.
"Återkommande fokusområden i regionerna är upphandling, …" gives the focus areas, "Bland
metoderna kan vi se hackathons, …" the methods, and the bullets the approaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.lists import split_items
from pipeline.sections import Line

_CLAIM = re.compile(r"\b(\d+)\s+av\s+(\d+)\s+regioner", re.IGNORECASE)
_FOCUS = re.compile(r"fokusområden[^.:]*?\bär\s+([^.]+)\.", re.IGNORECASE)
_METHODS = re.compile(r"bland metoderna kan vi se\s+([^.]+)\.", re.IGNORECASE)
_BULLET = re.compile(r"^[•\-–*]\s*")
_OPEN_END = re.compile(r"^(?:mycket annat|annat|m\.?\s?fl\.?|etc\.?)$", re.IGNORECASE)


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


def _is_heading(paragraph: list[Line]) -> bool:
    return len(paragraph) == 1 and len(paragraph[0].text) <= 80 and not re.search(r"[.:;!?,]$", paragraph[0].text)


def _listed(sentence: str) -> tuple[str, ...]:
    items = [item.text for item in split_items(sentence)]
    return tuple(item for item in items if not _OPEN_END.match(item))


def parse_intro(text: str, lines: tuple[Line, ...]) -> Intro:
    """Reads the lines before the first region heading."""
    paragraphs = _paragraphs(lines)
    publisher = title = None
    if len(paragraphs) >= 2 and _is_heading(paragraphs[0]) and _is_heading(paragraphs[1]):
        publisher, title = paragraphs[0][0].text, paragraphs[1][0].text
        body = paragraphs[2:]
    elif paragraphs and _is_heading(paragraphs[0]):
        title, body = paragraphs[0][0].text, paragraphs[1:]
    else:
        body = paragraphs
    intro_text = text[body[0][0].start : body[-1][-1].end] if body else None
    flat = intro_text or ""
    claim = _CLAIM.search(flat)
    focus = _FOCUS.search(flat)
    methods = _METHODS.search(flat)
    approaches = tuple(
        _BULLET.sub("", line.text).rstrip(".") for p in body for line in p if _BULLET.match(line.text)
    )
    return Intro(
        publisher=publisher,
        title=title,
        text=intro_text,
        focus_areas=_listed(focus.group(1)) if focus else (),
        methods=_listed(methods.group(1)) if methods else (),
        approaches=approaches,
        regions_claimed=int(claim.group(1)) if claim else None,
        regions_claimed_of=int(claim.group(2)) if claim else None,
        claim=claim.group(0) if claim else None,
    )
