"""A goals or purpose section becomes its numbered or lettered items, in order.

An item starts at a label ("1.", "1)", "1.Aktörskompetens", "1b:", "3+4.", "a)", "a).") and
also at a bare number ("4 Att …") when it continues the numbering. Sub-bullets ("- …") and
wrapped lines belong to the open item; a blank line or a new sentence ends it, so prose around
the list ("Fokusområden:", "Målet med projektet är …") is never an item. A numbered line that
continues an unfinished sub-bullet in lower case is a wrapped line, not a goal (Jönköping's
"3. entreprenörskapet kan spela …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipeline.findings import Code
from pipeline.models import Findings
from pipeline.segment.sections import SectionSpan

ItemKind = Literal["goals", "purpose"]

GOAL_LABEL = re.compile(r"(?P<label>(?:(?P<number>\d+)[a-z]?(?:\s?\+\s?\d+)?|(?P<roman>[IVX]{1,6}))\s?[.):])\s*")
"""A goal's number ("1.", "1)", "3+4.", "1b:") or a roman numeral ("I.", "IV)")."""
BARE_GOAL_LABEL = re.compile(r"(?P<label>(?P<number>\d+))\s+(?=[A-ZÅÄÖ])")
PURPOSE_LABEL = re.compile(r"(?P<label>\(?(?:[a-zåäö]|(?P<number>\d+))\)\.?|[A-ZÅÄÖa-zåäö][.)](?= ))\s*")
_SUB_BULLET = re.compile(r"[-–•*]\s")
MAX_LABEL_DIGITS = 9
"""A label number of more digits is not compared with the numbering (and would not fit an int)."""
_UNFINISHED = re.compile(r"[^.:;!?)\"”]$")


@dataclass(frozen=True)
class ListEntry:
    """One goal or purpose item: label as written, its text and span, and how it was read."""

    label: str | None
    text: str
    start: int
    end: int
    wrapped_numbers: tuple[str, ...] = ()


@dataclass
class _Open:
    label: str
    start: int
    end: int
    number: int | None
    wrapped: list[str]


def _number(digits: str) -> int | None:
    return int(digits) if len(digits) <= MAX_LABEL_DIGITS else None


_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman(numeral: str) -> int | None:
    """The value of a roman numeral of I, V and X ("IV" 4), None for a malformed one ("IIV")."""
    value = 0
    for n, ch in enumerate(numeral):
        here, after = _ROMAN[ch], _ROMAN[numeral[n + 1]] if n + 1 < len(numeral) else 0
        value += -here if here < after else here
    return value if value > 0 and _to_roman(value) == numeral else None


def _to_roman(value: int) -> str:
    out = ""
    for amount, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= amount:
            out, value = out + numeral, value - amount
    return out


def _match_number(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("number"):
        return _number(groups["number"])
    return _roman(groups["roman"]) if groups.get("roman") else None


_INLINE_LABEL = re.compile(r"(\d+|[a-zåäöA-ZÅÄÖ])[.)]\s")
_INLINE_NEXT = re.compile(rf";\s+(?={_INLINE_LABEL.pattern})")
"""A semicolon before what may be the next item's label, on the same line ("a) …; b) …")."""


def _lines(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The section's lines; a line of items written one after another ("1. …; 2. …", "a) …; b) …")
    is cut before each label that continues the count."""
    result, offset = [], start
    for line in text[start:end].split("\n"):
        result.extend(_inline_items(offset, line))
        offset += len(line) + 1
    return result


def _inline_items(offset: int, line: str) -> list[tuple[int, int, str]]:
    first = _INLINE_LABEL.match(line)
    if first is None or ";" not in line:
        return [(offset, offset + len(line), line)]
    expected, cuts = _successor(first.group(1)), []
    for match in _INLINE_NEXT.finditer(line):
        label = _INLINE_LABEL.match(line, match.end()).group(1)  # read in place: no copy of the rest of the line
        if label == expected:
            cuts.append(match)
            expected = _successor(label)
    if not cuts:
        return [(offset, offset + len(line), line)]
    pieces, at = [], 0
    for match in cuts:
        pieces.append((offset + at, offset + match.start() + 1, line[at : match.start() + 1]))
        at = match.end()
    pieces.append((offset + at, offset + len(line), line[at:]))
    return pieces


def _successor(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


BULLET = re.compile(r"(?P<label>[•●▪◦‣·–—\-*]|o(?=\s))\s+")
"""A bullet that starts an item when a section has no numbered or lettered items."""


def parse_items(text: str, start: int, end: int, kind: ItemKind = "goals", worded: re.Pattern[str] | None = None
                ) -> list[ListEntry]:
    """Returns the items of the section ``text[start:end]``; ``kind`` is "goals" or "purpose".

    Goals are numbered ("1.") and purpose items lettered ("a)") by habit; a section written the
    other way is read the other way, and a section with neither is read as bulleted items ("•",
    "–"), each labelled with its bullet. ``worded``: the profile's item words with a number
    ("Mål 1:"; ``sections.item_word_label``), read first."""
    primary, secondary = (GOAL_LABEL, PURPOSE_LABEL) if kind == "goals" else (PURPOSE_LABEL, GOAL_LABEL)
    if worded is not None and (entries := _labelled_items(text, start, end, worded, bare_numbers=False)):
        return entries
    best: list[ListEntry] = []
    for label_pattern in (primary, secondary):  # the way that finds more items ("I.", "II." are not letters)
        entries = _labelled_items(text, start, end, label_pattern, bare_numbers=label_pattern is GOAL_LABEL)
        if len(entries) > len(best):
            best = entries
    return best or _bulleted_items(text, start, end)


def _bulleted_items(text: str, start: int, end: int) -> list[ListEntry]:
    """Bullet lines become items; a wrapped line (lower case, after an unfinished one) joins its item."""
    entries: list[ListEntry] = []
    current: _Open | None = None
    previous_line = ""
    for line_start, line_end, line in _lines(text, start, end):
        match = BULLET.match(line)
        if match:
            if current is not None:
                entries.append(ListEntry(current.label, text[current.start : current.end], current.start, current.end))
            current = _Open(match.group("label"), line_start + match.end(), line_end, None, [])
        elif current is not None and line and _UNFINISHED.search(previous_line) and line[:1].islower():
            current.end = line_end
        elif current is not None:
            entries.append(ListEntry(current.label, text[current.start : current.end], current.start, current.end))
            current = None
        previous_line = line
    if current is not None:
        entries.append(ListEntry(current.label, text[current.start : current.end], current.start, current.end))
    return [e for e in entries if e.text]


def _labelled_items(text: str, start: int, end: int, label_pattern: re.Pattern[str], bare_numbers: bool
                    ) -> list[ListEntry]:
    """Items that start at a label of ``label_pattern`` (and, for numbers, at a bare number that
    continues the count)."""
    label_patterns = (label_pattern,)
    entries: list[ListEntry] = []
    current: _Open | None = None
    previous_line = ""
    first_text = ""
    last_number: int | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            entries.append(ListEntry(current.label, text[current.start : current.end], current.start,
                                     current.end, tuple(current.wrapped)))
            current = None

    for line_start, line_end, line in _lines(text, start, end):
        if not line:
            close()
            previous_line = ""
            continue
        match = next((m for p in label_patterns if (m := p.match(line))), None)
        if match is None and bare_numbers and last_number is not None:
            bare = BARE_GOAL_LABEL.match(line)
            if bare and _number(bare.group("number")) == last_number + 1:
                match = bare
        if match is not None and current is not None:
            body = line[match.end() :]
            wrapped = (
                _UNFINISHED.search(previous_line) is not None
                and body[:1].islower()
                and (_SUB_BULLET.match(previous_line) is not None or not first_text[:1].islower())
            )
            if wrapped:
                current.end = line_end
                current.wrapped.append(match.group("label"))
                previous_line = line
                continue
        if match is not None:
            close()
            current = _Open(match.group("label").strip(), line_start + match.end(), line_end, _match_number(match), [])
            last_number = current.number
            if not entries:
                first_text = line[match.end() :]
        elif current is not None and (
            _SUB_BULLET.match(line) or (_UNFINISHED.search(previous_line) and line[:1].islower())
        ):
            current.end = line_end
        else:
            close()
        previous_line = line
    close()
    return [e for e in entries if e.text or e.label]


def read_items(text: str, spans: list[SectionSpan], kind: ItemKind, findings: Findings,
               worded: re.Pattern[str] | None = None) -> list[tuple[int, ListEntry]]:
    """The items of a region's goals or purpose sections, numbered from 1 across the sections; a
    section with text but no items is reported."""
    field = "goals" if kind == "goals" else "purpose_items"
    items: list[tuple[int, ListEntry]] = []
    for span in spans:
        entries = parse_items(text, span.start, span.end, kind, worded)
        if not entries and span.end > span.start:
            findings.add(Code.items_not_found, f"the {kind} text has no numbered, lettered or bulleted items; "
                         "it is kept as the section's text", text[span.start : span.end][:200], span.start, span.end,
                         field=field)
        for entry in entries:
            items.append((len(items) + 1, entry))
            for number in entry.wrapped_numbers:
                findings.add(Code.numbered_wrapped_line,
                             f"{number!r} starts a wrapped line of item {entry.label!r}, not a new item",
                             number, entry.start, entry.end, field=field)
    gap = _numbering_gap([entry for _, entry in items])
    if gap is not None:
        entry, expected = gap
        findings.add(Code.items_numbering_gap,
                     f"the {kind} items are numbered {entry.label!r} where {expected} comes next: items may be "
                     "missing, or read from elsewhere", entry.label or "", entry.start, entry.end, field=field)
    return items


def read_section_items(text: str, spans: list[SectionSpan], worded: re.Pattern[str] | None = None,
                       findings: Findings | None = None) -> list[tuple[int, ListEntry]]:
    """The items of one item section (``reads_as = "items"``), numbered from 1: its numbered or
    bulleted items, or, for a section of prose, the whole text as one item with no label. An item
    after a blank line whose bullet differs from the list's ("•", "•", then "* Andelen avser …") may
    be a footnote below the list: it is kept and reported (``item_marker_changed``)."""
    items: list[tuple[int, ListEntry]] = []
    for span in spans:
        entries = parse_items(text, span.start, span.end, "goals", worded)
        if not entries and span.end > span.start:
            entries = [ListEntry(None, text[span.start : span.end], span.start, span.end)]
        at, left = span.start, []
        for entry in entries:
            piece = text[at : entry.start].rstrip()
            if entry.label and piece.endswith(entry.label):  # the item's own label
                piece = piece[: -len(entry.label)]
            left.append(piece)
            at = max(at, entry.end)
        left.append(text[at : span.end])
        if findings is not None and "".join(left).strip():
            findings.add(Code.item_text_not_read, f"text in the {span.section} section that is no item of its list: "
                         "kept in the section's text, not as an item", " ".join("".join(left).split())[:200],
                         span.start, span.end, field="items")
        for n, entry in enumerate(entries):
            before = entries[:n]
            if (findings is not None and before and entry.label in _BULLETS
                    and all(b.label in _BULLETS and b.label != entry.label for b in before)
                    and "\n\n" in text[before[-1].end : entry.start]):
                findings.add(Code.item_marker_changed, f"{entry.label!r} after a blank line, below a list of "
                             f"{before[-1].label!r} items: a footnote, perhaps, not an item; kept as one",
                             text[entry.start : entry.end][:200], entry.start, entry.end, field="items")
            items.append((len(items) + 1, entry))
    return items


_BULLETS = frozenset("•–-*·▪◦")


_LEADING_NUMBERS = re.compile(r"^(\d{1,3})(?:\+(\d{1,3}))?")


def _numbering_gap(entries: list[ListEntry]) -> tuple[ListEntry, int] | None:
    """The first numbered item whose number does not follow the one before (the first must be 1;
    "1a"/"1b" repeat a number, "3+4" takes two), with the number expected; None when they run on."""
    expected = 1
    for entry in entries:
        found = _LEADING_NUMBERS.match(entry.label or "")
        if found is None:
            continue
        first, last = int(found.group(1)), int(found.group(2) or found.group(1))
        if first == expected - 1 and not found.group(2):  # "1b" after "1a"
            continue
        if first != expected:
            return entry, expected
        expected = last + 1
    return None
