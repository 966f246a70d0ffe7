"""A count line's text becomes a value with its basis and qualifier, and the names it lists.

Basis — how the value was read:

- ``stated``: the text gives a number, in digits or words: "44", "64 (Lokal samverkan: 4, …)",
  "2 ASF (…)", "tolv", "alla 12 kommuner", "samtliga 8", "12 st", "44 (2020)", "Totalt 40 företag"
  (after one of the profile's ``counts.total_words``), or a number inside a sentence ("Vi känner
  till 45 sociala företag", reported as ``count_from_sentence``).
- ``listed``: the text only names organisations ("Borås stad, Tranemo kommun." is 2). Every item is
  kept and counts once ("två Leaderkontor" counts two); an item that does not look like a name
  ("flera privata aktörer") still counts once and is reported (``count_item_not_a_name``).
- ``none``: empty, "-", "ej angett" (the profile's ``counts.none_words``), or text with neither a
  number nor a name, which is reported (``count_unparsed``) quoting the text.

Qualifier — what the number means:

- ``exact``: a plain number or list;
- ``approximate``: after ``counts.approximate_markers`` ("ca 60", "cirka 25"), or a round number
  of ``-tal`` ("ett 20-tal", "ett tjugotal" is 20);
- ``at_least``: after ``counts.at_least_markers`` ("drygt 30", "över 100", "minst 12"), "40+", a
  range ("20–25" is at least 20, reported as ``count_range``), or a list said to be partial
  (``counts.partial_markers``: "bland annat …", maybe after ``counts.vague_quantities``: "flera,
  bland annat …") with no number;
- ``at_most``: after ``counts.at_most_markers`` ("knappt 20", "högst 20", "upp till 20");
- null when the value is null.

Brackets hold notes: "44 (2020)" is 44 and the year is not a count; a list or breakdown in
brackets is checked against the number. A stated number next to a complete list of another length,
or a breakdown that sums to another number, is a mismatch for a reviewer. Other numbers outside
brackets are reported (``count_other_numbers``), never silently used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from pipeline import reference
from pipeline.findings import Code
from pipeline.models import Basis, Count, Findings, Qualifier
from pipeline.segment.lists import Item, ListPatterns, close_list, split_items
from pipeline.segment.sections import SectionSpan
from pipeline.profile import CountRules, MetricDef, phrase_alternatives, phrase_pattern

_DIGITS = r"\d{1,3}(?:[  ]\d{3})+(?!\d)|\d+"
"""A number in digits, with spaces between thousands ("1 200")."""
_BREAKDOWN = re.compile(r"[^\W\d_][\w ]*+(?:\s*:\s*(\d{1,18})(?!\d))?")
"""A breakdown pair ("Lokal samverkan: 4"), or a run of words without one: every run is consumed
once (possessively), so text without colons costs linear time, not quadratic."""
MAX_COUNT = 10_000_000
"""No region has more of anything this report counts (Sweden has about 10.5 million people); a
larger number is not read as a count (and would not fit the tables' integers at 20 digits)."""
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class ParsedCount:
    """The value read from one count line, the list it names, and what a reviewer should know."""

    value: int | None
    basis: Basis
    qualifier: Qualifier | None
    listed: int | None
    list_is_partial: bool
    items: tuple[Item, ...]
    breakdown_total: int | None
    problems: tuple[tuple[Code, str], ...]


@dataclass(frozen=True)
class _Number:
    value: int
    qualifier: Qualifier
    start: int
    end: int
    note: tuple[Code, str] | None = None


def _number_words() -> str:
    """Swedish number words as one alternation: compounds first ("tjugotre"), then single words."""
    words = reference.number_words()
    units = [w for w, v in words.items() if 1 <= v <= 9]
    tens = [w for w, v in words.items() if v % 10 == 0 and 20 <= v <= 90]
    singles = sorted(words, key=len, reverse=True)
    return (rf"(?:{'|'.join(tens)})(?:{'|'.join(sorted(units, key=len, reverse=True))})"
            rf"|{'|'.join(singles)}")


def _word_value(word: str) -> int:
    words = reference.number_words()
    word = word.casefold()
    if word in words:
        return words[word]
    for ten, value in words.items():
        if 20 <= value <= 90 and value % 10 == 0 and word.startswith(ten) and word[len(ten):] in words:
            return value + words[word[len(ten):]]
    raise ValueError(word)


@dataclass(frozen=True)
class CountPatterns:
    """The profile's count rules, compiled (``compile_counts``), with its list rules."""

    lists: ListPatterns
    none_words: frozenset[str]
    zero_words: frozenset[str]
    partial: re.Pattern[str]
    complete: re.Pattern[str]
    leading: re.Pattern[str]
    inside: re.Pattern[str]
    qualifiers: dict[str, Qualifier]
    vague_words: frozenset[str]
    leading_marker: re.Pattern[str]
    word_range: re.Pattern[str]
    """After a number, another that makes a range in words: "tre eller fyra", "två till tre"."""


def _markers(rules: CountRules) -> dict[str, Qualifier]:
    pairs: list[tuple[str, Qualifier]] = [(m, "approximate") for m in rules.approximate_markers]
    pairs += [(m, "at_least") for m in rules.at_least_markers]
    pairs += [(m, "at_most") for m in rules.at_most_markers]
    pairs += [(m, "exact") for m in (*rules.total_words, *rules.all_words)]
    return {" ".join(m.split()).casefold(): q for m, q in pairs}


def compile_counts(rules: CountRules, lists: ListPatterns) -> CountPatterns:
    """The count rules compiled once, for the profile's compiled form (``pipeline/compiled.py``)."""
    markers = _markers(rules)
    marker = phrase_alternatives(markers)
    partial = phrase_alternatives(rules.partial_markers)
    units = "|".join(phrase_pattern(u) for u in rules.unit_words) or "(?!)"
    words = _number_words()
    # one number expression: a range, a round "-tal" number, digits (maybe "+"), or a number word
    number = (rf"(?P<between>mellan\s+)?(?P<low>{_DIGITS})\s*(?:[-–—]|till|(?(between)och|(?!)))\s*(?P<high>{_DIGITS})(?!\d)"
              rf"|(?:ett\s+(?:(?P<talmarker>{marker})\.?\s+)?)?(?:(?P<tal>{_DIGITS})-tal|(?P<taltext>{words})tal)\b"
              rf"|(?P<digits>{_DIGITS})(?P<plus>\s*\+)?(?!\d)(?!\s*[:/])"
              rf"|(?P<word>{words})\b")
    lead = rf"(?:(?P<marker>{marker})\.?\s+)?(?:(?P<marker2>{marker})\.?\s+)?"
    return CountPatterns(
        lists=lists,
        none_words=frozenset(w.casefold() for w in rules.none_words),
        zero_words=frozenset(w.casefold() for w in rules.zero_words),
        partial=re.compile(rf"^(?:(?:{phrase_alternatives(rules.vague_quantities) or '(?!)'}),?\s+)?(?:{partial})\s+",
                           re.IGNORECASE),
        complete=re.compile(rf"^(?:{phrase_alternatives(rules.complete_markers)})\s+", re.IGNORECASE),
        leading=re.compile(rf"^{lead}(?:{number})(?:\s+(?:{units})\b\.?)?", re.IGNORECASE),
        # inside a sentence only digits and "-tal" numbers count: a number word there is prose ("en")
        inside=re.compile(rf"(?<![\w-]){lead}(?:(?P<low>{_DIGITS})\s*[-–—]\s*(?P<high>{_DIGITS})(?!\d)"
                          rf"|(?:ett\s+)?(?P<tal>{_DIGITS})-tal\b|(?P<digits>{_DIGITS})(?P<plus>\s*\+)?(?!\d))",
                          re.IGNORECASE),
        qualifiers=markers,
        vague_words=frozenset(w.casefold() for w in rules.vague_words),
        leading_marker=re.compile(rf"\s*(?:(?:{marker})\.?\s+)*", re.IGNORECASE),
        word_range=re.compile(rf"\s+(?:eller|till|à)\s+(?:{words}|{_DIGITS})\b", re.IGNORECASE),
    )


def _int(digits: str) -> int:
    """A number as written ("1 200"); one too long to be a count is read as just over ``MAX_COUNT``."""
    digits = re.sub(r"\D", "", digits)
    return int(digits) if len(digits) <= len(str(MAX_COUNT)) else MAX_COUNT + 1


def _read_number(match: re.Match[str], patterns: CountPatterns, offset: int) -> _Number | None:
    """The number a leading or inside match gives, with its qualifier."""
    groups = match.groupdict()
    qualifier: Qualifier = "exact"
    for key in ("marker", "marker2"):
        found = _qualifier_of(groups[key], patterns) if groups.get(key) else None
        if found and found != "exact":
            qualifier = found
    start, end = offset + match.start(), offset + match.end()
    if groups.get("low"):
        low, high = _int(groups["low"]), _int(groups["high"])
        if low >= high:
            return None
        return _Number(low, "at_least", start, end,
                       (Code.count_range, f"range {match.group(0).strip()!r} read as at least {low}"))
    if groups.get("tal") or groups.get("taltext"):  # "ett 20-tal", "ett tjugotal"; "ett drygt 30-tal" is at least
        around = _qualifier_of(groups["talmarker"], patterns) if groups.get("talmarker") else None
        value = _int(groups["tal"]) if groups.get("tal") else _word_value(groups["taltext"])
        return _Number(value, around if around and around != "exact" else "approximate", start, end)
    if groups.get("digits"):
        return _Number(_int(groups["digits"]), "at_least" if groups.get("plus") else qualifier, start, end)
    if groups.get("word"):
        following = match.string[match.end():].split(maxsplit=1)
        if following and following[0].casefold().strip(".,") in patterns.vague_words:
            return None  # "ett antal", "ett fåtal": no number
        return _Number(_word_value(groups["word"]), qualifier, start, end)
    return None


_NEGATIVE = re.compile(r"\s*[-−–]\s*\d")
_SIGN = re.compile(r"\s*([<>≤≥])\s*(?=\d)")
_GLUED = re.compile(r"[^\W\d_]+\d")
"""A number run into letters and digits ("1e6", "0x10"): no count as written."""
_SCALE_WORD = re.compile(r"\s*(%|[^\W\d_]+)")
_DECIMALS = re.compile(r"[,.]\d+")
_NOTE_MARK = re.compile(r"\s?[*¹²³⁴⁵⁶⁷⁸⁹⁰†]")
"""A note mark right after a number ("3*", "3¹")."""


def _amount_unit(raw: str, at: int) -> bool:
    """Whether a unit of money (kr, tkr, mnkr, SEK …; ``reference/money_units.csv``) follows the number at ``at``."""
    rest = " ".join(raw[at:].split()).casefold()
    return any(rest == u.written or rest.startswith(u.written + " ") or rest.startswith(u.written + ".")
               for u in reference.written_units() if u.unit == "SEK")
_FRACTION = re.compile(r"\s*/\s*\d")


def _scaled(raw: str, number: _Number) -> tuple[_Number | None, tuple[Code, str] | None]:
    """The number as the words after it make it: times a multiplier word ("drygt 2 tusen": 2000,
    with a note); None with a warning for a share of a whole ("en tredjedel", "60 %", "1/3") or a
    number with decimals and no multiplier ("2,5"). Never another number in silence."""
    at = number.end
    decimals = _DECIMALS.match(raw, at) if raw[at - 1 : at].isdigit() else None
    after = decimals.end() if decimals else at
    word = _SCALE_WORD.match(raw, after)
    scale = reference.number_scales().get(word.group(1).casefold()) if word else None
    written = raw[number.start : word.end() if word and scale else after].strip()
    if (scale and scale[0] == "share") or (not decimals and _FRACTION.match(raw, at)):
        return None, (Code.count_share, f"{raw.strip()[:60]!r} gives a share of a whole, not a count; "
                                        "the value is left empty")
    if scale and scale[0] == "multiplier" and scale[1] is not None:
        places = decimals.group(0)[1:] if decimals else ""
        exact = (Fraction(number.value) + (Fraction(int(places), 10 ** len(places)) if places else 0)) * scale[1]
        if exact.denominator != 1:
            return None, (Code.count_not_whole, f"{written!r} is not a whole number; the value is left empty")
        return (_Number(int(exact), number.qualifier, number.start, word.end(), number.note),  # type: ignore[union-attr]
                (Code.count_scaled, f"{written!r} read as {int(exact)}"))
    if decimals:
        return None, (Code.count_not_whole, f"{written!r} has decimals, which no count of things has; "
                                            "the value is left empty")
    return number, None


def _share_first(outside: str, patterns: CountPatterns) -> tuple[Code, str] | None:
    """A warning when a count line with no number opens with a share ("hälften av kommunerna",
    "majoriteten"), after any qualifier marker; None otherwise."""
    lead = patterns.leading_marker.match(outside)
    word = _SCALE_WORD.match(outside, lead.end() if lead else 0)
    scale = reference.number_scales().get(word.group(1).casefold()) if word else None
    if scale and scale[0] == "share":
        return Code.count_share, f"{outside.strip()[:60]!r} gives a share of a whole, not a count; the value is left empty"
    return None


def _qualifier_of(marker: str, patterns: CountPatterns) -> Qualifier | None:
    """The qualifier of a marker as written, matched as loosely as the pattern that found it."""
    for known, qualifier in patterns.qualifiers.items():
        if re.fullmatch(phrase_pattern(known), marker.strip(), re.IGNORECASE):
            return qualifier
    return None


def _closing_paren(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)


def _outside_brackets(text: str) -> str:
    """``text`` with every bracketed part (nested ones too) blanked out, offsets kept."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        out.append(" " if depth else ch)
        if ch == ")" and depth:
            depth -= 1
    return "".join(out)


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


_OF_WHOLE = re.compile(r"\bav\s+(?:\w+\s+)?$", re.IGNORECASE)
"""Before a number inside a sentence: "… av (länets) N": N is the whole the count is part of."""
_SLASH_JOINED = re.compile(r"\w\s?/\s?[A-ZÅÄÖ]")
"""Two names joined by a slash ("Ung Företagsamhet/Coompanion"): one promoter or two."""


def parse_count(text: str, start: int, end: int, patterns: CountPatterns,
                is_name: Callable[[str], bool] = lambda _: False,
                identify: Callable[[Item], str] = _by_name) -> ParsedCount:
    """Reads the count line ``text[start:end]``; item spans point into ``text``. ``identify`` gives
    each listed item's entity, so the listed count is the number of distinct entities."""
    raw = text[start:end]
    problems: list[tuple[Code, str]] = []
    whole = raw.strip().rstrip(".").strip().casefold()
    if whole in patterns.none_words:
        return ParsedCount(None, "none", None, None, False, (), None, ())
    if whole in patterns.zero_words:  # "Inga": none of them, the number 0
        return ParsedCount(0, "stated", "exact", None, False, (), None, ())

    def items_of(a: int, b: int) -> list[Item]:
        return split_items(text, patterns.lists, a, b, is_name)

    outside = _outside_brackets(raw)
    if _NEGATIVE.match(raw):
        return ParsedCount(None, "none", None, None, False, (), None, ((
            Code.count_unparsed, f"{raw.strip()[:40]!r} is a negative number, which no count is; the value is left "
                                 "empty"),))
    sign = _SIGN.match(raw)
    after_sign = sign.end() if sign else 0
    leading_match = patterns.leading.match(raw[after_sign:])
    number = _read_number(leading_match, patterns, after_sign) if leading_match else None
    if number is not None and sign is not None:  # "<50", "≥ 30": a bound, not the count
        bound: Qualifier = "at_most" if sign.group(1) in "<≤" else "at_least"
        number = _Number(number.value, bound, 0, number.end, number.note)
        problems.append((Code.count_from_sign, f"{raw[: number.end].strip()!r} read as {bound.replace('_', ' ')} "
                                               f"{number.value}"))
    if number is not None and _GLUED.match(raw, number.end):
        return ParsedCount(None, "none", None, None, False, (), None, ((
            Code.count_unparsed, f"{raw.strip()[:40]!r} is not a count as written (a number run into letters and "
                                 "digits); the value is left empty"),))
    if number is not None and _amount_unit(raw, number.end):
        return ParsedCount(None, "none", None, None, False, (), None, ((
            Code.count_unparsed, f"{raw.strip()[:40]!r} is an amount (a unit of money or a share follows the "
                                 "number), not a count; the value is left empty"),))
    if number is not None and (other := patterns.word_range.match(raw, number.end)):  # "tre eller fyra"
        number = _Number(number.value, "at_least", number.start, other.end(),
                         (Code.count_range, f"{raw[number.start : other.end()].strip()!r} read as at least "
                                            f"{number.value}"))
    if number is not None and _NOTE_MARK.match(raw, number.end):
        problems.append((Code.count_note_mark, f"{raw.strip()[:40]!r} has a note mark after its number; the note "
                                               "may change what the number means"))
    marker = patterns.partial.match(raw)
    lead = marker or patterns.complete.match(raw)  # "bland annat …" (partial), "endast …" (the whole list)
    candidates = items_of(start + (lead.end() if lead else 0), end) if number is None else []
    names = [item for item in candidates if _is_name_like(item, is_name)]
    is_list = bool(names) and (len(candidates) > 1 or not re.search(r"\d", outside))
    if number is None and not is_list:
        for match in patterns.inside.finditer(outside):
            if _OF_WHOLE.search(outside, 0, match.start()):
                continue  # "hälften av länets 5 kommuner": the whole, not the count
            candidate = _read_number(match, patterns, 0)
            if candidate is not None and not _YEAR.fullmatch(match.group("digits") or ""):
                number = candidate
                problems.append((Code.count_from_sentence,
                                 f"{candidate.value} read from inside the sentence {raw.strip()!r}"))
                break
    share = _share_first(outside, patterns) if number is None else None
    if number is not None:
        number, note = _scaled(raw, number)
        if number is None:
            return ParsedCount(None, "none", None, None, False, (), None, (note,))
        if note is not None:
            problems.append(note)
    elif share is not None:
        return ParsedCount(None, "none", None, None, False, (), None, (share,))
    items: list[Item] = []
    partial = False
    breakdown_total = None
    value: int | None
    basis: Basis
    qualifier: Qualifier | None
    if number is not None:
        value, basis, qualifier = number.value, "stated", number.qualifier
        if number.note:
            problems.append(number.note)
        rest_at = number.end
        while rest_at < len(raw) and raw[rest_at] == " ":
            rest_at += 1
        rest = raw[rest_at:]
        if rest.startswith("("):
            close = _closing_paren(raw, rest_at)
            inner_start, inner_end = start + rest_at + 1, start + close
            inner = text[inner_start:inner_end]
            pairs = [m.group(1) for m in _BREAKDOWN.finditer(_outside_brackets(inner)) if m.group(1)]
            inner_marker = patterns.partial.match(inner)
            if len(pairs) >= 2:
                breakdown_total = sum(int(n) for n in pairs)
            elif inner_marker:
                partial = True
                items = items_of(inner_start + inner_marker.end(), inner_end)
            elif "," in inner:
                items = items_of(inner_start, inner_end)
        elif rest[:1] in ("-", "–", ":"):
            items = items_of(start + rest_at + 1, end)
        others = [m.group(0) for m in re.finditer(rf"(?<![\w-])(?:{_DIGITS})(?![\w-])", outside)
                  if not number.start <= m.start() < number.end]
        if others and not items:
            problems.append((Code.count_other_numbers,
                             f"{value} is the value; the other numbers {others} outside brackets are not read"))
    elif is_list:
        items, open_ended = close_list(candidates, patterns.lists)
        partial = marker is not None or open_ended
        value, basis, qualifier = _distinct(items, identify), "listed", "at_least" if partial else "exact"
        for item in items:
            if item not in names:
                problems.append((Code.count_item_not_a_name,
                                 f"{item.text!r} does not look like a name; it is counted as one"))
            elif _SLASH_JOINED.search(_outside_brackets(item.text)):
                problems.append((Code.count_item_joined,
                                 f"{item.text!r} joins names with a slash; it is counted as one"))
    else:
        value, basis, qualifier = None, "none", None
        problems.append((Code.count_unparsed, f"{raw.strip()!r} gives neither a number nor a list of names"))

    listed = _distinct(items, identify) if items else None
    if (value is not None and value > MAX_COUNT) or (listed is not None and listed > MAX_COUNT):
        problems = [(Code.count_out_of_range, f"{raw.strip()[:40]!r} is more than any region can have "
                                              f"(over {MAX_COUNT:,}); the value is left empty")]
        return ParsedCount(None, "none", None, None, partial, (), None, tuple(problems))
    if basis == "stated" and listed is not None and listed != value and not partial:
        problems.append((Code.count_list_mismatch, f"states {value} but lists {listed} names"))
    if breakdown_total is not None and breakdown_total != value:
        problems.append((Code.count_breakdown_mismatch, f"states {value} but its breakdown sums to {breakdown_total}"))
    return ParsedCount(value, basis, qualifier, listed, partial, tuple(items), breakdown_total, tuple(problems))


def read_count(text: str, definition: MetricDef, spans: list[SectionSpan], patterns: CountPatterns,
               is_name: Callable[[str], bool], identify: Callable[[Item], str], findings: Findings) -> Count:
    """The metric's count from its first line in the region (``spans``), with its findings; a value
    outside the metric's declared bounds (``minimum``, ``maximum``) is left empty and reported."""
    metric = definition.id
    if not spans:
        if not definition.expected:
            return Count(basis="none", raw=None)
        findings.add(Code.missing_count_line, f"no {metric} line; its value is recorded as none", metric,
                     field=metric)
        return Count(basis="none", raw=None)
    span = spans[0]
    parsed = parse_count(text, span.start, span.end, patterns, is_name, lambda item: identify(item.name_item))
    raw = text[span.start : span.end]
    low, high = definition.minimum, definition.maximum
    if parsed.value is not None and (low is not None and parsed.value < low or high is not None and parsed.value > high):
        findings.add(Code.count_out_of_range, f"{metric}: {raw.strip()[:40]!r} is outside the metric's bounds "
                     f"({low}–{high}); the value is left empty", raw, span.start, span.end, field=metric)
        return Count(basis="none", raw=raw, start=span.start, end=span.end)
    for code, message in parsed.problems:
        findings.add(code, f"{metric}: {message}", raw, span.start, span.end, field=metric)
    return Count(value=parsed.value, basis=parsed.basis, qualifier=parsed.qualifier, raw=raw, listed=parsed.listed,
                 list_is_partial=parsed.list_is_partial, start=span.start, end=span.end)
