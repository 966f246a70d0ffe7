"""A count line's text becomes a value with its basis, and the names it lists.

- ``stated``: the text gives a number ("64 (Lokal samverkan: 4, …)" is 64, "2 ASF (…)" is 2,
  "Totalt 40 företag …" is 40).
- ``listed``: the text only lists names ("Borås stad, Tranemo kommun." is 2).
- ``none``: empty, "-", "ej angett" and the like.

A stated number next to a complete list of another length, or next to a breakdown that sums to
another number, is a mismatch for a reviewer. A list introduced by "bland annat" is partial.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.lists import Item, split_items

NONE_VALUES = frozenset({"", "-", "–", "—", "ej angett", "ej angivet", "saknas", "uppgift saknas", "okänt", "vet ej"})
_NUMBER = r"\d{1,3}(?: \d{3})+(?!\d)|\d+"
_PARTIAL = re.compile(r"^(?:bland annat|bl\.\s?a\.?|t\.\s?ex\.?|till exempel|exempelvis|bland andra)\s+", re.IGNORECASE)
_BREAKDOWN = re.compile(r"([^\W\d_][\w ]*?)\s*:\s*(\d+)")
_NESTED = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class ParsedCount:
    """The value read from one count line, the list it names, and any disagreement within it."""

    value: int | None
    basis: str
    listed: int | None
    list_is_partial: bool
    items: tuple[Item, ...]
    breakdown_total: int | None
    problems: tuple[tuple[str, str, str], ...]  # (severity, code, message)


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


def parse_count(text: str, start: int, end: int, is_name: Callable[[str], bool] = lambda _: False,
                identify: Callable[[Item], str] = _by_name) -> ParsedCount:
    """Reads the count line ``text[start:end]``; item spans point into ``text``. ``identify`` gives
    each listed item's entity, so the listed count is the number of distinct entities."""
    raw = text[start:end]
    problems: list[tuple[str, str, str]] = []
    if raw.strip().rstrip(".").strip().casefold() in NONE_VALUES:
        return ParsedCount(None, "none", None, False, (), None, ())

    items: list[Item] = []
    partial = False
    breakdown_total = None
    leading = re.match(rf"({_NUMBER})(?!\s*[:/])\b", raw)
    if leading:
        value = int(leading.group(1).replace(" ", ""))
        basis = "stated"
        rest_at = leading.end()
        while rest_at < len(raw) and raw[rest_at] == " ":
            rest_at += 1
        rest = raw[rest_at:]
        if rest.startswith("("):
            close = _closing_paren(raw, rest_at)
            inner_start, inner_end = start + rest_at + 1, start + close
            inner = text[inner_start:inner_end]
            pairs = _BREAKDOWN.findall(_NESTED.sub(" ", inner))
            marker = _PARTIAL.match(inner)
            if len(pairs) >= 2:
                breakdown_total = sum(int(n) for _, n in pairs)
            elif marker:
                partial = True
                items = split_items(text, inner_start + marker.end(), inner_end, is_name)
            elif "," in inner:
                items = split_items(text, inner_start, inner_end, is_name)
        elif rest[:1] in ("-", "–", ":"):
            items = split_items(text, start + rest_at + 1, end, is_name)
    elif totalt := re.search(rf"\btotalt\s+({_NUMBER})\b", raw, re.IGNORECASE):
        value = int(totalt.group(1).replace(" ", ""))
        basis = "stated"
    else:
        items = split_items(text, start, end, is_name)
        if items and all(_is_name_like(item, is_name) for item in items):
            value, basis = _distinct(items, identify), "listed"
        else:
            value, basis = None, "none"
            problems.append(("warning", "count_unparsed", "no number and no list of names could be read"))
            items = []

    listed = _distinct(items, identify) if items else None
    if basis == "stated" and listed is not None and listed != value and not partial:
        problems.append(
            ("warning", "count_list_mismatch", f"states {value} but lists {listed} names")
        )
    if breakdown_total is not None and breakdown_total != value:
        problems.append(
            ("warning", "count_breakdown_mismatch", f"states {value} but its breakdown sums to {breakdown_total}")
        )
    return ParsedCount(value, basis, listed, partial, tuple(items), breakdown_total, tuple(problems))
