"""Comma-separated lists in the text become items with their spans.

"NC, Drivhuset, företagsfabriken, Ung företagsamhet och Coompanion." is five items: commas split
at bracket depth 0, and the last item also splits on the profile's conjunctions ("och", "samt",
"&") unless it is a known name ("Tanke och handling"). "privata som banker, jurister,
fastighetsbolag etc" is one item: an example list closed by one of the profile's closers ("etc",
"m.fl.", "osv") stays with the item that introduced it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipeline import reference
from pipeline.profile import ListRules, phrase_pattern

_COMMA = re.compile(r",(?=\s|$)")
"""A comma separates items only before a space or the end: "Eks00,,,,,,0000käret" is one word."""
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")
MAX_QUANTITY_DIGITS = 6
"""A leading number of more digits ("²" is no digit at all) is not a quantity of the item."""


@dataclass(frozen=True)
class Item:
    """One list item: its text as written (without list punctuation) and its absolute span."""

    text: str
    start: int
    end: int

    @property
    def name(self) -> str:
        """The item without a trailing parenthetical note ("Företagarna (står dock inte …)")."""
        return _TRAILING_NOTE.sub("", self.text)

    @property
    def name_item(self) -> "Item":
        """The name as its own item, without a leading quantity ("två Leaderkontor" -> "Leaderkontor")."""
        name, start = self.name, self.start
        first, _, rest = name.partition(" ")
        if rest and self.quantity > 1:
            name, start = rest, start + len(first) + 1
        return Item(name, start, start + len(name))

    @property
    def quantity(self) -> int:
        """How many entities the item names: "två Leaderkontor" is two, anything else one."""
        first = self.text.split(" ", 1)[0].casefold()
        if first.isdecimal() and len(first) <= MAX_QUANTITY_DIGITS and " " in self.text:
            return int(first)
        return reference.number_words().get(first, 1) if " " in self.text else 1


@dataclass(frozen=True)
class ListPatterns:
    """The profile's list rules, compiled (``compile_lists``)."""

    closers: re.Pattern[str]
    conjunction: re.Pattern[str]
    example_word: str
    closer_tail: int
    closers_end_in_a_letter: bool = False
    closer_at_end: re.Pattern[str] = re.compile(r"(?!)")
    """A closer ending the text, with the spaces and comma before it ("…, m.fl.")."""

    def closed(self, text: str, start: int, end: int) -> bool:
        """True when ``text[start:end]`` ends with a closer; only its tail is searched, so a long
        item costs no more than a short one. When every closer ends in a letter or digit (before
        its full stop), an item ending in anything else ("Almi.....") is not searched at all."""
        if self.closers_end_in_a_letter and end - start >= 2 and text[end - 1] == "." and not text[end - 2].isalnum():
            return False
        return self.closers.search(text, max(start, end - self.closer_tail), end) is not None


def compile_lists(rules: ListRules) -> ListPatterns:
    """The list rules compiled once, for the profile's compiled form (``pipeline/compiled.py``)."""
    closers = "|".join(rf"\b{phrase_pattern(c)}" + ("" if c.endswith(".") else r"\.?")
                       for c in sorted(rules.closers, key=len, reverse=True))
    conjunctions = "|".join(re.escape(c) for c in rules.conjunctions)
    return ListPatterns(
        closers=re.compile(rf"(?:{closers})$" if closers else r"(?!)", re.IGNORECASE),
        closer_at_end=re.compile(rf"[\s,]*(?:{closers})$" if closers else r"(?!)", re.IGNORECASE),
        conjunction=re.compile(rf"\s+(?:{conjunctions})\s+" if conjunctions else r"(?!)"),
        example_word=f" {rules.example_word} ",
        closer_tail=4 * max((len(c) for c in rules.closers), default=0) + 8,
        closers_end_in_a_letter=all(c.rstrip(". ")[-1:].isalnum() and not c.rstrip(".").endswith(" ")
                                    for c in rules.closers),
    )


def _trimmed(text: str, start: int, end: int, patterns: ListPatterns) -> Item | None:
    while start < end and text[start] in " \n":
        start += 1
    while end > start and text[end - 1] in " \n.;":
        if text[end - 1] == "." and patterns.closed(text, start, end):
            break
        end -= 1
    return Item(text[start:end], start, end) if end > start else None


@lru_cache(maxsize=32)
def _scanner(separator: re.Pattern[str]) -> re.Pattern[str]:
    """Brackets, or ``separator``: the only places where a list can change depth or split."""
    return re.compile(rf"(?P<bracket>[()\[\]])|(?:{separator.pattern})", separator.flags)


def _split_depth0(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """The spans of ``text[start:end]`` between the matches of ``separator`` outside brackets."""
    parts, depth, last = [], 0, start
    for match in _scanner(separator).finditer(text, start, end):
        bracket = match.group("bracket")
        if bracket:
            depth = depth + 1 if bracket in "([" else max(0, depth - 1)
        elif depth == 0:
            parts.append((last, match.start()))
            last = match.end()
    parts.append((last, end))
    return parts


def split_items(
    text: str, patterns: ListPatterns, start: int = 0, end: int | None = None,
    is_name: Callable[[str], bool] = lambda _: False,
) -> list[Item]:
    """Returns the items of the list in ``text[start:end]``, with spans into ``text``."""
    end = len(text) if end is None else end
    raw = [item for a, b in _split_depth0(text, start, end, _COMMA) if (item := _trimmed(text, a, b, patterns))]
    spans: list[list] = []  # [start, end, holds the example word]: texts are cut once, at the end
    for item in raw:
        previous = spans[-1] if spans else None
        open_examples = previous is not None and previous[2] and not patterns.closed(text, previous[0], previous[1])
        if open_examples and item.text[:1].islower():
            previous[1] = item.end
        else:
            spans.append([item.start, item.end, patterns.example_word in item.text])
    merged = [Item(text[a:b], a, b) for a, b, _ in spans]
    if merged and not is_name(merged[-1].name):
        last = merged.pop()
        pieces = _split_depth0(text, last.start, last.end, patterns.conjunction)
        merged.extend(item for a, b in pieces if (item := _trimmed(text, a, b, patterns)))
    return merged


def close_list(items: list[Item], patterns: ListPatterns) -> tuple[list[Item], bool]:
    """The items without a closer ending the last one ("Coompanion, Almi m.fl."), and whether there
    was one: such a list names only some of what it counts."""
    if not items:
        return items, False
    last = items[-1]
    # The closer is searched for in the item's tail only, and the spaces and commas before it are
    # walked back over by hand: ``closer_at_end`` searched over the whole item is quadratic in a
    # run of commas ("Almi,,,,…,x": every comma of the run starts a match attempt over the rest).
    text = last.text
    closer = patterns.closers.search(text, max(0, len(text) - patterns.closer_tail))
    if closer is None:
        return items, False
    cut = closer.start()
    while cut > 0 and (text[cut - 1].isspace() or text[cut - 1] == ","):
        cut -= 1
    kept = text[:cut]
    if not kept:
        return items[:-1], True
    return [*items[:-1], Item(kept, last.start, last.start + len(kept))], True
