"""The profile's document claims: what a report's intro states about the whole report ("under
2018", "stöd till åtta projekt"), each read as its declared type.

A claim's patterns are tried on one sentence of the intro at a time (``intro.sentences``), the
first match wins, and its group ``value`` is read: a text as written, a list split into its items,
a count (digits or a number word), or a typed value (decimal, money, percentage, date, period) by
the reader of typed values. An expected claim the intro does not make is reported
(``intro_claim_not_found``); a value its type cannot hold exactly is left empty and reported
(``value_unreadable``): never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import reference
from pipeline.findings import Code
from pipeline.models import Claim, Findings
from pipeline.profile import DocumentClaim
from pipeline.segment.lists import ListPatterns, split_items
from pipeline.values.intro import Intro, sentence_spans
from pipeline.values.measures import MeasurePatterns, read_value
from pipeline.profile import user_pattern


@dataclass(frozen=True)
class ClaimPatterns:
    claims: tuple[tuple[DocumentClaim, tuple[re.Pattern[str], ...]], ...]
    measures: MeasurePatterns
    lists: ListPatterns


def compile_claims(claims: tuple[DocumentClaim, ...], measures: MeasurePatterns, lists: ListPatterns) -> ClaimPatterns:
    return ClaimPatterns(tuple((c, tuple(re.compile(user_pattern(p).pattern, re.IGNORECASE) for p in c.patterns))
                               for c in claims), measures, lists)


def read_claims(intro: Intro, patterns: ClaimPatterns, findings: Findings) -> list[Claim]:
    """The document's claims, in profile order, each from the first sentence that states it."""
    text, offset = intro.text or "", intro.text_start or 0
    sentences = sentence_spans(text)
    out = []
    for claim, compiled in patterns.claims:
        matches = [(at, m) for at, sentence in sentences for p in compiled if (m := p.search(sentence))]
        found = matches[0] if matches else None
        stated = list(dict.fromkeys(" ".join(m.group("value").split()) for _, m in matches))
        if len(stated) > 1:
            at, first = matches[0]
            findings.add(Code.claim_ambiguous, f"the intro states {claim.id} more than once, differently "
                         f"({', '.join(repr(v) for v in stated[:5])}); the first is kept", ", ".join(stated[:5]),
                         offset + at + first.start("value"), offset + at + first.end("value"), field=claim.id)
        if found is None:
            if claim.expected:
                findings.add(Code.intro_claim_not_found, f"the intro gives no {claim.id} in any wording the profile "
                             "knows; the claim is left out", text[:80], field=claim.id)
            continue
        at, match = found
        start, end = offset + at + match.start("value"), offset + at + match.end("value")
        written = match.group("value").strip()
        out.append(_claim(claim, written, start, end, patterns, findings))
    return out


def _claim(claim: DocumentClaim, written: str, start: int, end: int, patterns: ClaimPatterns,
           findings: Findings) -> Claim:
    base = dict(claim=claim.id, type=claim.type, text=written, start=start, end=end)
    if claim.type == "text":
        return Claim(**base)
    if claim.type == "list":
        return Claim(items=[item.text for item in split_items(written, patterns.lists)], **base)
    if claim.type == "count":
        words = reference.number_words()
        if written.casefold() in words:
            return Claim(value=words[written.casefold()], qualifier="exact", **base)
    metric = claim.as_metric()
    values, problem = read_value(written, metric, patterns.measures)
    value = values.get("value")
    if claim.type == "count" and value is not None and value != int(value):
        values, problem = {"basis": "none"}, (Code.value_unreadable, f"{written!r} is not a whole number; the "
                                                                     "value is left empty")
    if problem is not None:
        findings.add(problem[0], f"{claim.id}: {problem[1]}", written, start, end, field=claim.id)
    values.pop("basis", None)
    values.pop("unit_raw", None)
    return Claim(unit=metric.canonical_unit if claim.type in ("decimal", "money", "percentage") else None,
                 **values, **base)
