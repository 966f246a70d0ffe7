"""Typed values: a metric line whose profile type is ``decimal``, ``money``, ``percentage``, ``date``
or ``period`` becomes a ``Measure`` in the metric's canonical unit, beside the text as written.

Swedish number forms: a decimal comma ("58,4"), spaces or no-break spaces between digit groups
("1 250 000"). A decimal *point* is refused: "58.4" and "2.500" may be a decimal or a thousands
separator, and a guess would be a different number. Units as written come from
``reference/money_units.csv`` ("tkr", "miljoner kronor", "MSEK", "%"); a line with no unit takes
the unit of a heading line above it in its block ("Miljoner kronor", "Belopp i tkr"). Qualifier
words ("ca", "drygt", "knappt") are the profile's count markers. Dates are ISO ("2024-03-15") or
Swedish ("15 mars 2024"); a period is two of them, or of months, years and parts of a year
("januari 2024 – juni 2025", "2024–2026", "första halvåret 2025", "H1 2025"), or one month, year
or part of a year.

A line that these rules cannot turn into exactly one value ("1–1,5 mnkr", "se ansökan", "12,3*",
"våren 2024", "2024-13-40", a value outside the metric's bounds) gives no value and a warning
that quotes it: never a different value.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline import reference
from pipeline.findings import Code
from pipeline.models import Findings, Measure, Qualifier
from pipeline.profile import MONEY_UNITS, CountRules, MetricDef, phrase_alternatives
from pipeline.segment.sections import SectionSpan, unit_heading_match

_SPACE = "[ \u00a0\u202f]"
_NUMBER = re.compile(rf"(?P<int>\d{{1,3}}(?:{_SPACE}\d{{3}})+(?!\d)|\d+)(?:,(?P<frac>\d+))?(?![\d.,]\d)")
_POINT = re.compile(r"\d+(?:\.\d+)+")
"""A number with a decimal point or thousands points: which one it is cannot be told."""


@dataclass(frozen=True)
class MeasurePatterns:
    """The profile's words that a typed value uses, compiled once (``compile_measures``)."""

    none_words: frozenset[str]
    qualifier: re.Pattern[str]
    qualifiers: dict[str, Qualifier]
    units: re.Pattern[str]
    label_unit: re.Pattern[str]
    """A unit written in a label ("Alla stödtyper (tkr)", "Investeringsstöd i tkr")."""
    day: re.Pattern[str]
    point: re.Pattern[str]
    separator: re.Pattern[str]


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def compile_measures(rules: CountRules) -> MeasurePatterns:
    markers: dict[str, Qualifier] = {}
    for words, qualifier in ((rules.approximate_markers, "approximate"), (rules.at_least_markers, "at_least"),
                             (rules.at_most_markers, "at_most")):
        markers |= {_fold(w).rstrip("."): qualifier for w in words}
    units = reference.written_unit_alternatives()
    months = "|".join(sorted(map(re.escape, reference.month_names()), key=len, reverse=True))
    parts = "|".join(sorted((re.escape(p).replace(r"\ ", r"\s+") for p in reference.period_parts()), key=len,
                            reverse=True))
    day = (rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?!\d)"
           rf"|(?P<d2>\d{{1,2}})\s+(?P<mon2>{months})\.?\s+(?P<y2>\d{{4}})(?!\d)")
    return MeasurePatterns(
        none_words=frozenset(_fold(w) for w in rules.none_words),
        qualifier=re.compile(rf"(?P<marker>{phrase_alternatives(markers)})\.?\s+", re.IGNORECASE),
        qualifiers=markers,
        units=re.compile(rf"\s*(?P<unit>{units})(?![^\W\d_])", re.IGNORECASE),
        label_unit=re.compile(rf"(?:\(\s*|\bi\s+)(?P<unit>{units})(?![^\W\d_])\s*\)?", re.IGNORECASE),
        day=re.compile(rf"(?:{day})", re.IGNORECASE),
        point=re.compile(rf"(?:{day}|(?P<mon3>{months})\.?\s+(?P<y3>\d{{4}})(?!\d)"
                         rf"|(?P<part>{parts})\s+(?P<y4>\d{{4}})(?!\d)|(?P<y5>\d{{4}})(?!\d)(?!-\d{{1,2}}-\d))", re.IGNORECASE),
        separator=re.compile(r"\s*(?:-{1,2}|–|—|till\s+och\s+med|till|t\.?\s?o\.?\s?m\.?)\s*", re.IGNORECASE),
    )


def _unit(written: str) -> reference.WrittenUnit:
    folded = _fold(written)
    return next(u for u in reference.written_units() if u.written == folded)


def heading_unit(text: str, start: int, end: int) -> str | None:
    """The unit of the last heading line ("Miljoner kronor", "Belopp i tkr") in ``text[start:end]``."""
    found = None
    for line in text[start:end].split("\n"):
        match = unit_heading_match(line)
        if match:
            found = " ".join(match.group("unit").split())
    return found


class _Unreadable(Exception):
    """The line gives no single value of the metric's type; the message says why."""


def read_measure(text: str, metric: MetricDef, spans: list[SectionSpan], patterns: MeasurePatterns,
                 findings: Findings, heading: str | None) -> Measure:
    """The metric's typed value from its first line in the unit (``spans``), with its findings;
    ``heading`` is the unit written on a heading line above it ("Miljoner kronor"), if any."""
    kind = metric.type
    if not spans:
        if metric.expected:
            findings.add(Code.missing_count_line, f"no {metric.id} line; its value is recorded as none", metric.id,
                         field=metric.id)
        return Measure(type=kind, unit=metric.canonical_unit, basis="none", raw=None)
    span = spans[0]
    raw = text[span.start : span.end]
    in_label = patterns.label_unit.search(span.label or "")
    if in_label:  # "Alla stödtyper (tkr):": the label's unit, over a heading's
        heading = " ".join(in_label.group("unit").split())
    values, problem = read_value(raw, metric, patterns, heading)
    if problem is not None:
        findings.add(problem[0], f"{metric.id}: {problem[1]}", raw, span.start, span.end, field=metric.id)
    return Measure(type=kind, unit=metric.canonical_unit, raw=raw, start=span.start, end=span.end, **values)


def read_value(raw: str, metric: MetricDef, patterns: MeasurePatterns, heading: str | None = None
               ) -> tuple[dict, tuple[Code, str] | None]:
    """The fields of a typed value written ``raw`` (``basis``, ``value``, ``date``, ``period_start``
    and ``period_end``, ``qualifier``, ``unit_raw``), and a finding's code and message, or None."""
    body = raw.strip()
    if _fold(body.rstrip(".")) in patterns.none_words:
        return {"basis": "none"}, None
    try:
        if metric.type == "date":
            first, last, end = _point(body, 0, patterns, days_only=True)
            _must_end(body, end)
            return {"basis": "stated", "date": first.isoformat()}, None
        if metric.type == "period":
            start_at = re.match(r"(?:från|fr\.?\s?o\.?\s?m\.?)\s+", body, re.IGNORECASE)
            first, last, end = _point(body, start_at.end() if start_at else 0, patterns)
            if start_at and not body[end:].strip(" ."):
                raise _Unreadable("gives where the period starts but not where it ends")
            if end < len(body):
                separator = patterns.separator.match(body, end)
                if separator is None or separator.end() == end:
                    raise _Unreadable("is not a period (from–to, a year, a month or part of a year)")
                _, last, end = _point(body, separator.end(), patterns)
                _must_end(body, end)
            elif first == last:
                raise _Unreadable("is one day, not a period (from–to, a year, a month or part of a year)")
            if last < first:
                raise _Unreadable("ends before it starts")
            return {"basis": "stated", "period_start": first.isoformat(), "period_end": last.isoformat()}, None
        value, qualifier, unit_raw, note = _number(body, metric, patterns, heading)
    except _Unreadable as why:
        return {"basis": "none"}, (Code.value_unreadable, f"{body[:80]!r} {why}; the value is left empty")
    return {"basis": "stated", "value": value, "qualifier": qualifier, "unit_raw": unit_raw}, note


def _must_end(body: str, end: int) -> None:
    if body[end:].strip(" ."):
        raise _Unreadable(f"has more than one value ({body[end:].strip()[:40]!r} is not read)")


def _number(body: str, metric: MetricDef, patterns: MeasurePatterns,
            heading: str | None) -> tuple[float, Qualifier, str | None, tuple[Code, str] | None]:
    """(value in the canonical unit, qualifier, unit as written, a note) of a number line."""
    qualifier: Qualifier = "exact"
    at = 0
    marker = patterns.qualifier.match(body)
    if marker:
        qualifier = patterns.qualifiers.get(_fold(marker.group("marker")).rstrip("."), "exact")
        at = marker.end()
    if _POINT.match(body, at) and not _NUMBER.fullmatch(body[at:_POINT.match(body, at).end()]):
        raise _Unreadable("writes a point in the number, which may be a decimal point or a thousands separator")
    number = _NUMBER.match(body, at)
    if number is None:
        raise _Unreadable("gives no number")
    digits = re.sub(r"\D", "", number.group("int"))
    amount = Decimal(f"{digits}.{number.group('frac')}" if number.group("frac") else digits)
    unit_match = patterns.units.match(body, number.end())
    end = unit_match.end() if unit_match else number.end()
    _must_end(body, end)
    written = " ".join(unit_match.group("unit").split()) if unit_match else None
    note = None
    if metric.type == "money":
        if written is None and heading is None:
            raise _Unreadable("names no unit, and no heading above it does (kr, tkr, mnkr, …)")
        unit = _unit(written or heading)  # type: ignore[arg-type]
        if unit.unit != "SEK":
            raise _Unreadable(f"is in {written or heading!r}, not an amount of money")
        places = len(number.group("frac") or "")
        if places > 2 + len(str(unit.factor)) - 1:  # finer than öre: "480,000 kr" is an English thousands comma
            raise _Unreadable(f"writes {places} decimals in {written or heading!r}, finer than öre: the comma may "
                              "separate thousands")
        amount = amount * unit.factor / MONEY_UNITS[metric.unit]  # type: ignore[index]
        written = written or heading
    elif metric.type == "percentage":
        if written is not None and _unit(written).unit != "percent":
            raise _Unreadable(f"is in {written!r}, not a percentage")
        if written is None:
            note = (Code.value_unit_assumed, f"{body!r} names no unit; read as a percentage, the metric's type")
    elif written is not None:
        raise _Unreadable(f"is in {written!r}, which a {metric.type} value has no place for")
    value = float(amount)
    if Decimal(repr(value)) != amount:
        raise _Unreadable(f"cannot be held exactly in {metric.canonical_unit or 'a number'}")
    if metric.minimum is not None and value < metric.minimum or metric.maximum is not None and value > metric.maximum:
        raise _Unreadable(f"is outside the metric's bounds ({metric.minimum}–{metric.maximum})")
    return value, qualifier, written, note


def _point(body: str, at: int, patterns: MeasurePatterns,
           days_only: bool = False) -> tuple[datetime.date, datetime.date, int]:
    """(first day, last day, end) of a date, month, part of a year or year at ``at``."""
    match = (patterns.day if days_only else patterns.point).match(body, at)
    if match is None:
        raise _Unreadable("is not a date (2024-03-15, 15 mars 2024)" if days_only else
                          "is not a period (from–to, a year, a month or part of a year)")
    groups = match.groupdict()
    months = reference.month_names()
    try:
        if groups.get("y"):
            day = datetime.date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
            return day, day, match.end()
        if groups.get("y2"):
            day = datetime.date(int(groups["y2"]), months[groups["mon2"].casefold()], int(groups["d2"]))
            return day, day, match.end()
        if groups.get("y3"):
            year, month = int(groups["y3"]), months[groups["mon3"].casefold()]
            return (datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]),
                    match.end())
        if groups.get("y4"):
            year = int(groups["y4"])
            first, last = reference.period_parts()[_fold(groups["part"])]
            return (datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1]),
                    match.end())
        year = int(groups["y5"])
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31), match.end()
    except ValueError:
        raise _Unreadable("is not a date in the calendar") from None
