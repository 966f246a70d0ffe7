"""A count line's text becomes a value with its basis, and the names it lists.

- ``stated``: the text gives a number ("64 (Lokal samverkan: 4, …)" is 64, "2 ASF (…)" is 2,
  "Totalt 40 företag …" is 40: a number after one of the profile's ``counts.total_words``).
- ``listed``: the text only lists names ("Borås stad, Tranemo kommun." is 2).
- ``none``: empty, "-", "ej angett" and the like (the profile's ``counts.none_words``).

A stated number next to a complete list of another length, or next to a breakdown that sums to
another number, is a mismatch for a reviewer. A list introduced by one of the profile's
``counts.partial_markers`` ("bland annat") is partial.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.findings import Code
from pipeline.models import Basis, Count, Findings
from pipeline.parse.lists import Item, split_items
from pipeline.parse.sections import SectionSpan
from pipeline.profile import CountRules, ListRules, phrase_pattern

_NUMBER = r"\d{1,3}(?: \d{3})+(?!\d)|\d+"
_BREAKDOWN = re.compile(r"[^\W\d_][\w ]*+(?:\s*:\s*(\d{1,18})(?!\d))?")
"""A breakdown pair ("Lokal samverkan: 4"), or a run of words without one: every run is consumed
once (possessively), so text without colons costs linear time, not quadratic."""
MAX_COUNT = 10_000_000
"""No region has more of anything this report counts (Sweden has about 10.5 million people); a
larger number is not read as a count (and would not fit the tables' integers at 20 digits)."""
_NESTED = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class ParsedCount:
    """The value read from one count line, the list it names, and any disagreement within it."""

    value: int | None
    basis: Basis
    listed: int | None
    list_is_partial: bool
    items: tuple[Item, ...]
    breakdown_total: int | None
    problems: tuple[tuple[Code, str], ...]


@dataclass(frozen=True)
class _Patterns:
    none_words: frozenset[str]
    partial: re.Pattern[str]
    total: re.Pattern[str]


@lru_cache(maxsize=8)
def _patterns(rules: CountRules) -> _Patterns:
    partial = "|".join(phrase_pattern(m) for m in sorted(rules.partial_markers, key=len, reverse=True))
    total = "|".join(phrase_pattern(w) for w in rules.total_words)
    return _Patterns(
        none_words=frozenset(w.casefold() for w in rules.none_words),
        partial=re.compile(rf"^(?:{partial})\s+" if partial else r"(?!)", re.IGNORECASE),
        total=re.compile(rf"\b(?:{total})\s+({_NUMBER})\b" if total else r"(?!)", re.IGNORECASE),
    )


def _number(digits: str) -> int:
    """A number as written ("1 200"); one too long to be a count is read as just over ``MAX_COUNT``."""
    digits = digits.replace(" ", "")
    return int(digits) if len(digits) <= len(str(MAX_COUNT)) else MAX_COUNT + 1


def _closing_paren(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)


def _is_name_like(item: Item, is_name: Callable[[str], bool]) -> bool:
    """A known organisation, a counted group ("två Leaderkontor"), or capitalised words ("Borås Stad")."""
    if is_name(item.name) or item.quantity > 1:
        return True
    words = [word for word in item.name.split() if len(word) > 3]
    return bool(words) and all(word[:1].isupper() for word in words)


def _distinct(items: list[Item], identify: Callable[[Item], str]) -> int:
    """Entities the items name: "Suptopia" and "Subtopia" are one, "två Leaderkontor" two."""
    quantities: dict[str, int] = {}
    for item in items:
        key = identify(item)
        quantities[key] = max(quantities.get(key, 0), item.quantity)
    return sum(quantities.values())


def _by_name(item: Item) -> str:
    return item.name.casefold()


def parse_count(text: str, start: int, end: int, rules: CountRules, list_rules: ListRules,
                is_name: Callable[[str], bool] = lambda _: False,
                identify: Callable[[Item], str] = _by_name) -> ParsedCount:
    """Reads the count line ``text[start:end]``; item spans point into ``text``. ``identify`` gives
    each listed item's entity, so the listed count is the number of distinct entities."""
    raw = text[start:end]
    patterns = _patterns(rules)
    problems: list[tuple[Code, str]] = []
    if raw.strip().rstrip(".").strip().casefold() in patterns.none_words:
        return ParsedCount(None, "none", None, False, (), None, ())

    def items_of(a: int, b: int) -> list[Item]:
        return split_items(text, list_rules, a, b, is_name)

    items: list[Item] = []
    partial = False
    breakdown_total = None
    value: int | None
    basis: Basis
    leading = re.match(rf"({_NUMBER})(?!\s*[:/])\b", raw)
    if leading:
        value = _number(leading.group(1))
        basis = "stated"
        rest_at = leading.end()
        while rest_at < len(raw) and raw[rest_at] == " ":
            rest_at += 1
        rest = raw[rest_at:]
        if rest.startswith("("):
            close = _closing_paren(raw, rest_at)
            inner_start, inner_end = start + rest_at + 1, start + close
            inner = text[inner_start:inner_end]
            pairs = [m.group(1) for m in _BREAKDOWN.finditer(_NESTED.sub(" ", inner)) if m.group(1)]
            marker = patterns.partial.match(inner)
            if len(pairs) >= 2:
                breakdown_total = sum(int(n) for n in pairs)
            elif marker:
                partial = True
                items = items_of(inner_start + marker.end(), inner_end)
            elif "," in inner:
                items = items_of(inner_start, inner_end)
        elif rest[:1] in ("-", "–", ":"):
            items = items_of(start + rest_at + 1, end)
    elif total := patterns.total.search(raw):
        value = _number(total.group(1))
        basis = "stated"
    else:
        items = items_of(start, end)
        if items and all(_is_name_like(item, is_name) for item in items):
            value, basis = _distinct(items, identify), "listed"
        else:
            value, basis = None, "none"
            problems.append((Code.count_unparsed, "no number and no list of names could be read"))
            items = []

    listed = _distinct(items, identify) if items else None
    if (value is not None and value > MAX_COUNT) or (listed is not None and listed > MAX_COUNT):
        problems = [(Code.count_out_of_range, f"{raw.strip()[:40]!r} is more than any region can have "
                                              f"(over {MAX_COUNT:,}); the value is left empty")]
        return ParsedCount(None, "none", None, partial, (), None, tuple(problems))
    if basis == "stated" and listed is not None and listed != value and not partial:
        problems.append((Code.count_list_mismatch, f"states {value} but lists {listed} names"))
    if breakdown_total is not None and breakdown_total != value:
        problems.append((Code.count_breakdown_mismatch, f"states {value} but its breakdown sums to {breakdown_total}"))
    return ParsedCount(value, basis, listed, partial, tuple(items), breakdown_total, tuple(problems))


def read_count(text: str, metric: str, spans: list[SectionSpan], rules: CountRules, list_rules: ListRules,
               is_name: Callable[[str], bool], identify: Callable[[Item], str], findings: Findings) -> Count:
    """The metric's count from its first line in the region (``spans``), with its findings."""
    if not spans:
        findings.add(Code.missing_count_line, f"no {metric} line; its value is recorded as none", metric)
        return Count(basis="none", raw=None)
    span = spans[0]
    parsed = parse_count(text, span.start, span.end, rules, list_rules, is_name, lambda item: identify(item.name_item))
    raw = text[span.start : span.end]
    for code, message in parsed.problems:
        findings.add(code, f"{metric}: {message}", raw, span.start, span.end)
    return Count(value=parsed.value, basis=parsed.basis, raw=raw, listed=parsed.listed,
                 list_is_partial=parsed.list_is_partial, start=span.start, end=span.end)
