"""Sections: the interim text becomes an intro, region blocks and labelled sections, as spans.

Region headings are one-line paragraphs that start with one of the profile's heading forms
("Region {short_name}") and end without sentence punctuation; summaries and goals that also start
with "Region X" are sentences. A heading normally stands between blank lines; one that directly
follows the previous region's count line, or is directly followed by its summary sentence, is
still a heading, and is reported (``heading_without_blank_line``). Inside a block, a label of the profile (its canonical
form or a listed variant, case-insensitively) starts a section at any line start; a variant is
reported as ``label_variant``, a spelling only close to a label as ``label_misspelled``. An
unforeseen ``Label:`` at the start of a paragraph, or a sub-heading (Örebro's shape), starts an
``other`` section and is reported. Text before the first label is the summary. Sections the
profile expects but a region lacks, empty sections and repeated sections are reported too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.lang.sv.stop_words import STOP_WORDS

from pipeline import reference, web_furniture
from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.profile import OTHER, SUMMARY, Profile, fold_title, starts_with_title
from pipeline.reference import County
from pipeline.slugs import slugify

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
    county: County | None
    """The unit's county: the county a county unit is; a free unit's first county, or None."""
    region_name: str
    title: str
    heading_start: int
    heading_end: int
    sections: tuple[SectionSpan, ...]
    findings: tuple[Finding, ...]
    unit_id: str = ""
    """The unit's stable id: a county unit's county code, a free unit's slug of its title."""
    county_codes: tuple[str, ...] = ()
    municipality_codes: tuple[str, ...] = ()

    @property
    def county_code(self) -> str | None:
        return self.county.county_code if self.county is not None else None

    def by_section(self) -> dict[str, list[SectionSpan]]:
        """The block's section spans by section id, in text order."""
        grouped: dict[str, list[SectionSpan]] = {}
        for span in self.sections:
            grouped.setdefault(span.section, []).append(span)
        return grouped

    def with_findings(self, more: list[Finding]) -> "RegionBlock":
        return replace(self, findings=(*self.findings, *more))


@dataclass(frozen=True)
class Segmentation:
    """The intro's lines and the region blocks of one document, in document order."""

    intro: tuple[Line, ...]
    regions: tuple[RegionBlock, ...]
    findings: tuple[Finding, ...] = field(default=())
    title: Line | None = None
    """The line of the report's title, when the text has the report family's title."""


@dataclass(frozen=True)
class SegmentRules:
    """What the segment stage needs of the profile, compiled once (``compile_segment``): the
    heading forms of every county (all, by first word, and as one pattern for a heading inside a
    line), the count labels that may stand without their colon, and the item words' pattern."""

    profile: Profile
    names: tuple[tuple[str, County], ...]
    by_first_word: dict[str, list[tuple[str, County]]]
    inside: tuple[re.Pattern[str], dict[str, County]]
    metric_labels: re.Pattern[str] | None
    item_labels: re.Pattern[str] | None
    municipality_of: dict[str, reference.Municipality] = field(default_factory=dict)
    """For municipality units: each heading form's municipality."""

    def unit_id(self, alias: str, county: County | None, heading: str) -> str:
        """A unit's stable id: a municipality unit's municipality code, a county unit's county code,
        a free unit's slug of its heading."""
        if alias in self.municipality_of:
            return self.municipality_of[alias].municipality_code
        return county.county_code if county is not None else slugify(heading)


def compile_segment(profile: Profile) -> SegmentRules:
    """The segment stage's rules, compiled once, for the profile's compiled form (``pipeline/compiled.py``)."""
    names = tuple(heading_names(profile))
    municipalities = (dict(reference.municipality_heading_names(profile.regions.heading_forms))
                      if profile.regions.unit == "municipality" else {})
    return SegmentRules(profile, names, _by_first_word(list(names)), _names_pattern(names), _metric_labels(profile),
                        item_word_label(profile.items.label_words), municipalities)


def split_lines(text: str) -> list[Line]:
    lines, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        lines.append(Line(number, offset, offset + len(line), line))
        offset += len(line) + 1
    return lines


def heading_names(profile: Profile) -> list[tuple[str, County]]:
    """Every heading form of every county, longest first."""
    return reference.heading_names(profile.regions.heading_forms)


def _by_first_word(aliases: list[tuple[str, County]]) -> dict[str, list[tuple[str, County]]]:
    """The heading forms by their first word, each list longest first: a line is compared only
    with the forms that start with its own first word."""
    index: dict[str, list[tuple[str, County]]] = {}
    for alias, county in aliases:
        index.setdefault(alias.split(" ", 1)[0], []).append((alias, county))
    return index


HEADING_MAX_WORDS_BEFORE_TEXT = 20
"""A heading line directly followed by text (no blank line) has at most this many words."""


LOOKALIKES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "ӏ": "l", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Α": "A", "Β": "B", "Ε": "E",
    "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ο": "o", "ν": "v", "ı": "i",
})
"""Cyrillic and Greek letters that look like Latin ones (Unicode TR39, confusables.txt): a heading
"Region Blekingе" with a Cyrillic е is still Blekinge's heading, and reported."""
_LOOKALIKE = re.compile(f"[{''.join(chr(c) for c in LOOKALIKES)}]")


def _heading(lines: list[Line], i: int, aliases: dict[str, list[tuple[str, County]]], profile: Profile,
             text: str | None = None) -> tuple[str, County, bool] | None:
    """(heading form, county, whether a blank line is missing around it) for a heading at line i
    (its ``text`` read as given, when given)."""
    line = lines[i]
    text = line.text if text is None else text
    if line.blank or _TERMINAL.search(text) or len(text) > profile.regions.heading_max_length:
        return None
    blank_before, blank_after = _blank_around(lines, i)
    after_name = ("", " ", ":") if blank_before and blank_after else ("", " ")  # "Region Dalarna: ledningsarbete …"
    found = next(((alias, county) for alias, county in aliases.get(text.split(" ", 1)[0], ())
                  if text.startswith(alias) and text[len(alias) : len(alias) + 1] in after_name), None)
    if found is None:
        return None
    name_alone = text == found[0] and i + 1 < len(lines) and (profile.labels.match(lines[i + 1].text) is not None
                                                              or unit_heading(lines[i + 1].text))
    """A line that is only a unit's name, directly above its first label or unit line ("Stockholm",
    "Miljoner kronor"): a heading whatever runs into it."""
    if not blank_before and not name_alone:
        previous = profile.labels.match(lines[i - 1].text)
        if previous is None or previous[0] not in profile.metric_ids:  # only a count line may run into a heading
            return None
    if not blank_after and name_alone:
        pass  # a line that is only a unit's name, directly above its first label or unit line ("Stockholm", "Miljoner kronor")
    elif not blank_after:
        following = lines[i + 1].text
        if (not _TERMINAL.search(following) or len(line.text.split()) > HEADING_MAX_WORDS_BEFORE_TEXT
                or profile.labels.match(following) is not None or _LIST_MARKER.match(following)
                or following[:1].islower()):  # "… och social" / "innovation i regionen.": one sentence
            return None
    return found[0], found[1], not (blank_before and blank_after)


LABEL_WORD_COVERAGE = 0.75
"""A ``Something:`` prefix that has this share of a label's words (compared by their first
five letters, Swedish stop words aside), and starts with the same word, is taken as that label:
"Kommuner som främjar sociala företag" is the municipalities label."""


_WORD = re.compile(r"[^\W\d_]+")


def _stems(text: str) -> tuple[str, ...]:
    return tuple(w[:5] for w in _WORD.findall(text.casefold()) if w not in STOP_WORDS)


_label_stems = lru_cache(maxsize=1024)(_stems)
"""A label's stems, computed once per spelling (the labels are few; the prefixes they are
compared with are every ``Something:`` line)."""


def _word_coverage(written: tuple[str, ...], label: str) -> float:
    """The share of a label's words that a prefix (its ``written`` stems) has, for labels of three
    or more words (a one- or two-word label is compared letter by letter only); below 1, as it is
    never the label itself."""
    wanted = _label_stems(label)
    if len(wanted) < 3 or not written or written[0] != wanted[0]:
        return 0.0
    return min(0.99, sum(1 for w in wanted if w in written) / len(wanted))


def _known_label(text: str, profile: Profile) -> tuple[str, str, int, float, bool] | None:
    """Returns (section, label as written, end of ``label:`` and spaces, similarity, whether words
    were added to the label) or None."""
    labels = profile.labels
    found = labels.match(text)
    extended = False
    if found is None:
        found = labels.match_extended(text)
        extended = found is not None
    if found:
        section, written, end = found
        return section, written, end + text.startswith(" ", end), 1.0, extended
    prefix, colon, _ = text.partition(":")
    if not colon or not 3 <= len(prefix) <= 70 or any(ch.isdigit() for ch in prefix):
        return None
    best = _nearest_label(prefix, tuple(labels.section_of.items()))
    if best[0] >= min(LABEL_SIMILARITY, LABEL_WORD_COVERAGE):
        end = len(prefix) + 1
        while end < len(text) and text[end] == " ":
            end += 1
        return best[1], prefix.rstrip(), end, best[0], False
    return None


@lru_cache(maxsize=4096)
def _nearest_label(prefix: str, spellings: tuple[tuple[str, str], ...]) -> tuple[float, str]:
    """(similarity, section) of the label a ``Something:`` prefix is nearest to, letter by letter
    or word by word; a prefix seen before is looked up once (a page of one misspelled label)."""
    best = _closest_label(prefix.casefold(), spellings)
    written = _stems(prefix)
    for spelling, section in spellings:
        best = max(best, (_word_coverage(written, spelling), section))
    return best


def _label_across_lines(lines: list[Line], i: int, last: int, profile: Profile) -> tuple[str, str, int] | None:
    """(section, label as written, content start) for a label that a line break cuts in two
    ("Företagsfrämjare som aktivt stöttar" / "sociala företag: Coompanion, …")."""
    line = lines[i]
    if i + 1 > last or lines[i + 1].blank or ":" in line.text or lines[i + 1].number == line.number:
        return None
    found = profile.labels.match(f"{line.text} {lines[i + 1].text}")
    if found is None or found[2] <= len(line.text) + 1:
        return None
    section, written, end = found
    after = end - len(line.text) - 1
    while after < len(lines[i + 1].text) and lines[i + 1].text[after] == " ":
        after += 1
    return section, written, lines[i + 1].start + after


def _split_inside_labels(lines: list[Line], profile: Profile) -> tuple[list[Line], list[tuple[Line, str]]]:
    """Lines cut where a label of the profile starts in the middle of a line (a missing line break:
    "Kända sociala företag: 58 Kommuner som arbetar med att främja sociala företag: 8"); returns
    the lines and each cut with its label."""
    result: list[Line] = []
    cuts: list[tuple[Line, str]] = []
    inside = profile.labels.inside_line
    for line in lines:
        text = line.text  # a label ends in a colon: the search stops at the line's last one (none: no search)
        starts = []
        for found in inside.finditer(text, 0, text.rfind(":") + 1):
            if not found.group(1)[:1].isupper():
                break
            starts.append((found.start(1), found.group(1)))
        if not starts:
            result.append(line)
            continue
        at = 0  # each piece is sliced once from the line: memory in step with the line, not its square
        for n, (cut, label) in enumerate(starts):
            result.append(Line(line.number, line.start + at, line.start + cut - 1, text[at : cut - 1]))
            end = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(text)
            cuts.append((Line(line.number, line.start + cut, line.start + end, text[cut:end]), label))
            at = cut
        result.append(Line(line.number, line.start + at, line.end, text[at:]))
    return result, cuts


@lru_cache(maxsize=4096)
def _closest_label(prefix: str, spellings: tuple[tuple[str, str], ...]) -> tuple[float, str]:
    """(similarity, section) of the label spelling most like ``prefix``. The cheap upper bounds of
    the similarity skip a spelling that cannot reach the threshold or the best so far, so a page of
    "Something:" lines costs little; a repeated prefix is looked up once."""
    best: tuple[float, str] = (0.0, "")
    for spelling, section in spellings:
        matcher = difflib.SequenceMatcher(None, prefix, spelling)
        floor = max(LABEL_SIMILARITY, best[0])
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        best = max(best, (matcher.ratio(), section))
    return best


def _metric_labels(profile: Profile) -> re.Pattern[str] | None:
    """Count labels of three or more words before their value, and any typed value's label before a
    number alone ("Alla stödtyper 58,4"), written without the colon."""
    typed = {m.id for m in profile.metrics if m.type != "count"}
    spellings = sorted((s for s, section in profile.labels.section_of.items() if section in profile.metric_ids
                        and (len(s.split()) >= 3 or section in typed)), key=lambda s: (-len(s), s))
    if not spellings:
        return None
    long = "|".join(r"\s+".join(map(re.escape, s.split())) for s in spellings if len(s.split()) >= 3) or "(?!)"
    short = "|".join(r"\s+".join(map(re.escape, s.split())) for s in spellings if len(s.split()) < 3) or "(?!)"
    number = r"(?=(?:ca\.?\s+|cirka\s+)?[-–]?\d[\d \u00a0,.]*(?:\s*[^\W\d_%]{1,8}\.?|\s*%)?\s*$)"
    return re.compile(rf"({long})[ \t]+(?=[^\s:])|({short})[ \t]+{number}", re.IGNORECASE)


def _metric_without_colon(text: str, rules: SegmentRules) -> tuple[str, str, int] | None:
    """(metric, label as written, content start) for a count label of three or more words written
    without its colon before its value ("Kända sociala företag 45"); None otherwise."""
    profile, pattern = rules.profile, rules.metric_labels
    found = pattern.match(text) if pattern is not None else None
    if found is None:
        return None
    label = found.group(1) or found.group(2)
    return profile.labels.section_of[" ".join(label.split()).casefold()], label, found.end()


def _misspelled_alone(text: str, profile: Profile) -> tuple[str, float] | None:
    """(section, similarity) for a whole line that is a label of the profile misspelled letter by
    letter, written alone without its colon (its text on the next line); None otherwise."""
    written = " ".join(text.split())
    if not 3 <= len(written) <= 70 or not _heading_like(written) or any(ch.isdigit() for ch in written):
        return None
    similarity, section = _closest_label(written.casefold(), tuple(profile.labels.section_of.items()))
    return (section, similarity) if similarity >= LABEL_SIMILARITY else None


def _heading_like(text: str) -> bool:
    """A line that can stand as a heading: short, no sentence punctuation at its end."""
    return len(text.split()) <= 8 and not _TERMINAL.search(text.rstrip())


def _content_span(lines: list[Line], first: int, last: int, content_start: int, label_end: int) -> tuple[int, int]:
    """Span of a section's content over lines[first..last]; empty at ``label_end`` when there is none."""
    body = [ln for ln in lines[first : last + 1] if not ln.blank]
    if not body:
        return label_end, label_end
    if content_start < body[0].start:
        start = body[0].start
    else:
        later = [ln for ln in body if ln.end > content_start]  # the line the content starts in, or after
        if not later:
            return label_end, label_end
        start = max(later[0].start, content_start)
    return start, max(start, body[-1].end)


def _segment_block(
    lines: list[Line], first: int, last: int, county: County | None, rules: SegmentRules
) -> tuple[list[SectionSpan], list[Finding]]:
    """Splits lines[first..last] (the block after its heading) into sections."""
    profile = rules.profile
    starts: list[tuple[int, str, str | None, int | None, int]] = []  # line index, section, label, label_start, content_start
    findings: list[Finding] = []
    current = SUMMARY
    canonical = profile.labels.canonical
    continued: set[int] = set()
    typed = {m.id for m in profile.metrics if m.type != "count"}
    for i in range(first, last + 1):
        line = lines[i]
        if line.blank or i in continued:
            continue
        paragraph_start = lines[i - 1].blank or lines[i - 1].number == line.number
        broken = _label_across_lines(lines, i, last, profile)
        if broken is not None:
            section, label, content_start = broken
            starts.append((i, section, label, line.start, content_start))
            current = section
            continued.add(i + 1)
            findings.append(_finding(county, Code.label_across_lines,
                f"label {label!r} is broken over two lines; read as {canonical[section]!r}", line, label,
                profile.field_of(section)))
            continue
        known = _known_label(line.text, profile)
        if known:
            section, label, end, score, extended = known
            starts.append((i, section, label, line.start, line.start + end))
            current = section
            if extended:
                findings.append(_finding(county, Code.label_extended,
                    f"label {label!r} read as {canonical[section]!r} (the label with words added)", line, label,
                    profile.field_of(section)))
            elif score < 1.0:
                findings.append(_finding(county, Code.label_misspelled,
                    f"label {label!r} read as the {section} label {canonical[section]!r} (similarity {score:.2f})",
                    line, label, profile.field_of(section)))
            elif label != canonical[section]:
                findings.append(_finding(county, Code.label_variant,
                    f"label {label!r} read as {canonical[section]!r} (a variant the profile lists)", line, label,
                    profile.field_of(section)))
            continue
        if profile.labels.sub_label.match(line.text):
            continue
        next_line = lines[i + 1] if i + 1 <= last else None
        # a label alone on a line, its text on the next (a definition list printed term over description)
        content = next_line if paragraph_start or (next_line is not None and not next_line.blank and not
                                                   profile.labels.match(next_line.text)) else None
        if next_line is not None and next_line.blank:  # "Kontakt" as a heading of its own, its text below
            following = next((j for j in range(i + 1, last + 1) if not lines[j].blank), None)
            content = lines[following] if following is not None and not profile.labels.match(
                lines[following].text) and _heading_like(line.text) else None
        bare = profile.labels.match(line.text.rstrip() + ":") if content is not None else None
        if bare is not None and bare[2] == len(line.text.rstrip()) + 1:  # "Kontakt" alone, its text after it
            section, label, _ = bare
            starts.append((i, section, label, line.start, content.start))
            current = section
            findings.append(_finding(county, Code.label_without_colon,
                f"label {label!r} has no colon; read as {canonical[section]!r}", line, label, profile.field_of(section)))
            continue
        misspelled = _misspelled_alone(line.text, profile) if content is not None else None
        if misspelled is not None:  # "Kommuner som arbetar med att främja socala företag" alone, "sex" below
            section, score = misspelled
            label = line.text.strip()
            starts.append((i, section, label, line.start, content.start))
            current = section
            findings.append(_finding(county, Code.label_misspelled,
                f"label {label!r}, alone on its line without a colon, read as the {section} label "
                f"{canonical[section]!r} (similarity {score:.2f})", line, label, profile.field_of(section)))
            continue
        unmarked = _metric_without_colon(line.text, rules)
        if unmarked is not None:  # "Kända sociala företag 45": a table row printed without its cell gap
            section, label, end = unmarked
            starts.append((i, section, label, line.start, line.start + end))
            current = section
            findings.append(_finding(county, Code.label_without_colon,
                f"count label {label!r} has no colon; read as {canonical[section]!r}", line, label,
                profile.field_of(section)))
            continue
        if not paragraph_start and current not in typed:  # a typed value is its line: a label may follow it
            continue
        worded = _worded_item(line.text, rules)
        if worded is not None:  # "Mål 1: …": an item with its label word, not a label
            section, word = worded
            if section is not None and section != current:
                starts.append((i, section, word, line.start, line.start))
                current = section
                findings.append(_finding(county, Code.label_extended,
                    f"{line.text.split(':')[0]!r} starts a numbered item; read as the {canonical[section]!r} section",
                    line, word, profile.field_of(section)))
            if section is None or section == current:
                continue
        unknown = _UNKNOWN_LABEL.match(line.text)
        if unknown:
            end = unknown.end()
            while end < len(line.text) and line.text[end] == " ":
                end += 1
            starts.append((i, OTHER, unknown.group(1), line.start, line.start + end))
            current = OTHER
            findings.append(_finding(county, Code.unknown_label,
                f"unforeseen label {unknown.group(1)!r} kept as section 'other'", line, unknown.group(1), "sections"))
            continue
        if (
            current in (SUMMARY, OTHER)
            and next_line is not None
            and not next_line.blank
            and len(line.text.split()) <= 8
            and line.text[0].isupper()
            and not _TERMINAL.search(line.text)
            and not _LIST_MARKER.match(line.text)
            and not unit_heading(line.text)
        ):
            starts.append((i, OTHER, line.text, line.start, next_line.start))
            current = OTHER
            findings.append(_finding(county, Code.subheading_section,
                f"sub-heading {line.text!r} kept as section 'other'", line, line.text, "sections"))

    starts, unlabelled = _after_count_lines(lines, starts, last, profile)
    findings += [_finding(county, Code.unlabelled_text,
                          "text after the count lines that no section takes; kept as section 'other', not read",
                          lines[i], lines[i].text[:80], "sections") for i in unlabelled]
    spans: list[SectionSpan] = []
    summary_last = (starts[0][0] - 1) if starts else last
    if any(not ln.blank for ln in lines[first : summary_last + 1]):
        start, end = _content_span(lines, first, summary_last, lines[first].start, lines[first].start)
        spans.append(SectionSpan(SUMMARY, None, None, start, end))
    for n, (i, section, label, label_start, content_start) in enumerate(starts):
        section_last = (starts[n + 1][0] - 1) if n + 1 < len(starts) else last
        start, end = _content_span(lines, i, section_last, content_start, content_start)
        spans.append(SectionSpan(section, label, label_start, start, end))
    return spans, findings


def _after_count_lines(lines: list[Line], starts: list[tuple], last: int, profile: Profile
                       ) -> tuple[list[tuple], list[int]]:
    """A count line's section is its paragraph: a paragraph after it (past a blank line) that no
    label starts is no count's, and starts an unlabelled ``other`` section. A typed value (money, a
    date …) is its line alone: the next line that no label starts is unlabelled text. Returns the
    section starts with those added, and their lines."""
    out: list[tuple] = []
    unlabelled: list[int] = []
    typed = {m.id for m in profile.metrics if m.type != "count"}
    for n, start in enumerate(starts):
        out.append(start)
        if start[1] not in profile.metric_ids:
            continue
        end = (starts[n + 1][0] - 1) if n + 1 < len(starts) else last
        i = start[0]
        while i < end and lines[i].end < start[4]:  # to the line the count's value starts on
            i += 1
        i += 1
        while i <= end and not lines[i].blank and start[1] not in typed:
            i += 1
        while i <= end and lines[i].blank:
            i += 1
        if i <= end:
            out.append((i, OTHER, None, None, lines[i].start))
            unlabelled.append(i)
    return out, unlabelled


def _report_end(lines: list[Line], first: int, last: int, profile: Profile) -> tuple[int, int] | None:
    """The line where a web site's furniture starts after the last region, or None. A page-footer,
    share, feedback, contact or related-pages line (``reference/web_furniture.csv``: a short line
    starting a paragraph, not a sentence) after the region's count lines (or, without them, after its
    last label) confirms it; then everything after the count lines' paragraph is furniture (a box
    before the footer, "Kontakt … Tillväxtverket"), else from that line on. Returns (the line the
    furniture starts on, the marker's line)."""
    furniture = web_furniture.web_furniture()
    counted = [i for i in range(first, last + 1)
               if (found := profile.labels.match(lines[i].text)) is not None and found[0] in profile.metric_ids]
    labelled = [i for i in range(first, last + 1) if _known_label(lines[i].text, profile) is not None]
    search = (counted[-1] if counted else labelled[-1] if labelled else first) + 1
    while search <= last and not lines[search].blank:
        search += 1
    marker = None
    for i in range(search, last + 1):
        text = lines[i].text
        if (text and lines[i - 1].blank and len(text.split()) <= 12 and not text.rstrip().endswith(".")
                and web_furniture.starts_with(text, furniture.ends_report)):
            marker = i
            break
    if marker is None or any((found := profile.labels.match(line.text)) is not None and found[0] in profile.metric_ids
                             for line in lines[marker : last + 1]):
        return None  # a count line after it: the report goes on
    if labelled and counted and max(i for i in labelled if i < marker) > counted[-1]:
        return marker, marker  # sections after the count lines (a family whose values come first): only the marker on
    if counted:
        while search <= last and lines[search].blank:
            search += 1
        return min(search, marker), marker
    return marker, marker


def _last_labelled(lines: list[Line], headings: list[tuple[int, tuple[str, County, bool]]], profile: Profile) -> int:
    """The index of the last heading whose block holds a known label, or the last heading: where a
    web page's furniture may start, though a region's name appears again in the footer after it."""
    for k in range(len(headings) - 1, 0, -1):
        last = headings[k + 1][0] if k + 1 < len(headings) else len(lines)
        if any(_known_label(lines[i].text, profile) is not None for i in range(headings[k][0] + 1, last)):
            return k
    return 0


def item_word_label(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """A number after one of the profile's item words ("Mål 1:", "Delmål 1.1"): groups ``label``
    (the whole, as the goals stage keeps it), ``word`` and ``number``; None for no words."""
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?P<label>(?P<word>{alternatives})\s(?P<number>\d+)(?:\.\d+)*(?:\s?[.):])?)\s+",
                      re.IGNORECASE)


def _worded_item(text: str, rules: SegmentRules) -> tuple[str | None, str] | None:
    """(section or None, word) for a line that starts with one of the profile's item words and a
    number ("Mål 1: …", "Delmål 1.1 …"); the section is the one the word labels, if any."""
    profile, pattern = rules.profile, rules.item_labels
    found = pattern.match(text) if pattern is not None else None
    if found is None:
        return None
    return profile.labels.section_of.get(found.group("word").casefold()), found.group("word")


def _finding(county: County | None, code: Code, message: str, line: Line, evidence: str,
             field: str | None = None) -> Finding:
    return Finding(
        county_code=county.county_code if county else None,
        severity=code.severity,
        code=code,
        field=field or code.field,
        message=f"line {line.number}: {message}",
        evidence=evidence,
        start=line.start,
        end=line.end,
    )


def _section_findings(block: RegionBlock, profile: Profile) -> list[Finding]:
    """Expected sections a region lacks, empty sections and count lines, and repeated sections."""
    findings = []
    by_section = block.by_section()
    county = block.county_code

    def add(code: Code, section: str, message: str, evidence: str, start: int | None, end: int | None) -> None:
        findings.append(Finding(county_code=county, severity=code.severity, code=code,
                                field=profile.field_of(section), message=message, evidence=evidence,
                                start=start, end=end))

    for name in profile.expected_sections:
        if not by_section.get(name):
            add(Code.missing_section, name, f"the region has no {name} section", block.title,
                block.heading_start, block.heading_end)
    for name in (*profile.expected_sections, *profile.metric_ids):
        for span in by_section.get(name, []):
            if span.start == span.end:
                what = "count line" if name in profile.metric_ids else "section"
                add(Code.empty_section, name, f"the {name} {what} ({span.label}) is empty", span.label or name,
                    span.label_start, span.end)
    for name, spans in by_section.items():
        if name != OTHER and len(spans) > 1:
            add(Code.duplicate_section, name, f"{len(spans)} {name} sections; counts use the first, all text is kept",
                spans[1].label or name, spans[1].label_start, spans[1].end)
    repeats = [spans[1] for name, spans in by_section.items() if name != OTHER and len(spans) > 1]
    if repeats:  # the block starts over: what first comes after that may be an unrecognised unit's
        again = min(repeats, key=lambda span: span.start)
        for name, spans in by_section.items():
            if name not in (OTHER, SUMMARY) and len(spans) == 1 and spans[0].start > again.start:
                add(Code.section_after_repeat, name, f"the {name} line comes only after the block repeats its "
                    f"{again.label or again.section!r} label: it may be another unit's (a heading not recognised)",
                    spans[0].label or name, spans[0].label_start, spans[0].end)
    return findings


def _blank_around(lines: list[Line], i: int) -> tuple[bool, bool]:
    """Whether line i has a blank line (or the text's edge) before it, and after it."""
    return i == 0 or lines[i - 1].blank, i + 1 >= len(lines) or lines[i + 1].blank


_TERMINAL_BUT_QUESTION = re.compile(r"[.:;!,]$")
"""A line end that is no heading's, where a question mark may end a reworded one."""
HEADING_INSIDE_MAX_WORDS = 15
"""A heading that names its region after other words ("Hur stärker Region Halland de sociala
företagen?") has at most this many words."""


def _heading_inside(lines: list[Line], i: int, names: tuple[re.Pattern[str], dict[str, County]],
                    previous: County | None, profile: Profile) -> tuple[str, County] | None:
    """(heading form, county) for a short line between blank lines that names a region after other
    words and ends in a question mark or nothing: an edition's reworded heading. The line must be
    a question or be followed by a paragraph that names the region too (the summary), and the
    region must differ from the block the line is in, so a line about a region stays text."""
    line = lines[i]
    words = line.text.split()
    if (line.blank or not 2 <= len(words) <= HEADING_INSIDE_MAX_WORDS or _TERMINAL_BUT_QUESTION.search(line.text)
            or _blank_around(lines, i) != (True, True)
            or profile.labels.match(line.text) is not None or _LIST_MARKER.match(line.text)):
        return None
    padded = f" {line.text.rstrip('?').rstrip()} "
    j = i + 1
    while j < len(lines) and lines[j].blank:
        j += 1
    following = lines[j].text if j < len(lines) else ""
    pattern, county_of = names
    for match in pattern.finditer(padded, 1):  # longest name first at each place
        alias, county = match.group(1), county_of[match.group(1)]
        if (previous is None or county.county_code != previous.county_code) and (
                line.text.endswith("?") or alias in following):  # a question, or the summary names the region
            return alias, county
    return None


def _names_pattern(names: tuple[tuple[str, County], ...]) -> tuple[re.Pattern[str], dict[str, County]]:
    """One pattern for every heading form between spaces, longest first, and the county of each."""
    county_of = {alias: county for alias, county in names}
    alternatives = "|".join(re.escape(a) for a in sorted(county_of, key=len, reverse=True))
    return re.compile(rf"(?<= )({alternatives})(?= )"), county_of


TITLE_FOLLOWED_BY_WORDS = 8
"""The report's title is followed, within three paragraphs, by a line of prose this long (a
side menu's item of the same name is followed by more menu items)."""


def title_line(lines: list[Line], profile: Profile) -> int | None:
    """The line of the report's title: a paragraph of its own that is (or starts with) the
    profile's title, the first such one that prose follows; None when the text has none. No region
    starts before it (a web site's side menu of region names, printed before the report)."""
    wanted = fold_title(profile.title)
    if not wanted:
        return None
    candidates = [i for i, line in enumerate(lines) if line.text and _blank_around(lines, i) == (True, True)
                  and fold_title(line.text).startswith(wanted)]
    for i in candidates:
        following = [line for line in lines[i + 1 : i + 12] if not line.blank][:3]
        if any(len(line.text.split()) >= TITLE_FOLLOWED_BY_WORDS for line in following):
            return i
    if candidates:
        return candidates[0]
    heads = [i for i, line in enumerate(lines) if not line.blank][:TITLE_LINES]
    return next((i for i in heads if starts_with_title(fold_title(lines[i].text), wanted)), None)  # run into its neighbours


TITLE_LINES = 40
"""A report's title is one of the text's first this many lines that are not blank: one with no
blank line around it ("Tillväxtverket" directly above it) here, and a report family's title line
(``stages.family_of``)."""


def _without_contents_lists(lines: list[Line], headings: list[tuple[int, tuple[str, County, bool]]],
                            unit: Callable[[tuple[str, County, bool]], str]
                            ) -> tuple[list[tuple[int, tuple[str, County, bool]]], list[int]]:
    """The headings without the entries of a contents list: a heading with no text before the
    next heading, whose county has a heading with text later on. Returns them and the lines dropped."""
    def empty(n: int) -> bool:
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        return not any(not line.blank for line in lines[headings[n][0] + 1 : end])

    with_text = [not empty(n) for n in range(len(headings))]
    last_with_text: dict[str, int] = {}
    for n, heading in enumerate(headings):
        if with_text[n]:
            last_with_text[unit(heading[1])] = n
    kept, dropped = [], []
    for n, heading in enumerate(headings):
        if not with_text[n] and last_with_text.get(unit(heading[1]), -1) > n:
            dropped.append(heading[0])
        else:
            kept.append(heading)
    return kept, dropped


def segment(text: str, rules: SegmentRules) -> Segmentation:
    """Returns the intro lines and the region blocks of ``text``, each block split into sections."""
    profile = rules.profile
    lines, cuts = _split_inside_labels(split_lines(text), profile)
    aliases, inside = rules.by_first_word, rules.inside
    headings: list[tuple[int, tuple[str, County, bool]]] = []
    reworded: set[int] = set()
    title = title_line(lines, profile)
    lookalike: set[int] = set()
    free = profile.regions.unit == "free"
    for i in range(title or 0, len(lines)) if not free else ():
        found = _heading(lines, i, aliases, profile)
        if found is None and _LOOKALIKE.search(lines[i].text):
            found = _heading(lines, i, aliases, profile, lines[i].text.translate(LOOKALIKES))
            if found is not None:
                lookalike.add(i)
        if (found is None and headings and profile.regions.unit == "county"
                and (named := _heading_inside(lines, i, inside, headings[-1][1][1], profile))):
            found = (*named, False)
            reworded.add(i)
        if found is not None:
            headings.append((i, found))
    if free:
        headings = [(i, (lines[i].text, None, crowded)) for i, crowded in _free_headings(lines, title, profile)]
    findings: list[Finding] = []
    headings, listed = (_without_contents_lists(lines, headings, lambda h: rules.unit_id(h[0], h[1], h[0]))
                        if not free else (headings, []))
    if listed:
        first = lines[listed[0]]
        findings.append(_finding(None, Code.contents_list_skipped,
            f"{len(listed)} region heading(s) with no text of their own, each region's heading found again later with "
            "its text, are a contents list: not read as regions", first, first.text, "regions"))
    regions: list[RegionBlock] = []
    seen: dict[str, Line] = {}
    end = len(lines) - 1
    if headings:
        k = _last_labelled(lines, headings, profile)
        found_end = _report_end(lines, headings[k][0] + 1, end, profile)
        cut = found_end[0] if found_end is not None else None
        if found_end is not None and k + 1 < len(headings) and found_end[1] > headings[k + 1][0]:
            cut = found_end[1]  # the footer starts after headings that may be regions without sections
        if cut is not None:
            headings = [h for h in headings if h[0] < cut]  # one in the footer: "Region Kronoberg Genvägar Följ oss"
            tail = [line for line in lines[cut:] if not line.blank]
            findings.append(_finding(None, Code.text_after_report,
                f"{len(tail)} line(s) after the last region, from {lines[cut].text[:60]!r} on, are a web site's "
                "furniture (a page footer, a share, feedback or contact box), not the report", lines[cut],
                " | ".join(line.text for line in tail[:4])[:200], "regions"))
            end = cut - 1
    for n, (i, (alias, county, crowded)) in enumerate(headings):
        last = (headings[n + 1][0] - 1) if n + 1 < len(headings) else end
        sections, block_findings = _segment_block(lines, i + 1, last, county, rules)
        heading = lines[i]
        if i in lookalike:
            block_findings.insert(0, _finding(county, Code.heading_lookalike_letters,
                f"the heading names {alias!r} only when its look-alike letters (Cyrillic or Greek ones that look "
                "Latin) are read as the Latin ones; read as that region's heading", heading, heading.text, "title"))
        if i in reworded:
            block_findings.insert(0, _finding(county, Code.heading_reworded,
                f"the line names {alias!r} after other words; read as that region's heading", heading, heading.text))
        if crowded:
            block_findings.insert(0, _finding(county, Code.heading_without_blank_line,
                "region heading has no blank line before or after it; read as a heading all the same",
                heading, heading.text))
        if county is not None and profile.regions.unit == "county":
            pattern, county_of = rules.inside
            others = list(dict.fromkeys(county_of[m.group(1)].county_name for m in
                                        pattern.finditer(f" {heading.text[len(alias):]} ")
                                        if county_of[m.group(1)].county_code != county.county_code))
            if others:
                block_findings.insert(0, _finding(county, Code.heading_several_counties,
                    f"the heading names {', '.join(others)} besides {county.county_name}; read as "
                    f"{county.county_name}'s only", heading, heading.text, "region"))
        unit_id = rules.unit_id(alias, county, heading.text)
        if unit_id in seen:
            name = county.county_name if county is not None and unit_id == county.county_code else repr(alias)
            block_findings.insert(0, _finding(county, Code.duplicate_region,
                f"{name} appears again (first at line {seen[unit_id].number}); both are kept",
                heading, heading.text))
        seen.setdefault(unit_id, heading)
        if not sections:
            block_findings.append(_finding(county, Code.region_without_sections,
                "region heading is followed by no text: none of the region's values can be read (a web page "
                "printed with its accordions closed prints only their headings)", heading, heading.text, "region"))
        block_findings.extend(_finding(county, Code.label_inside_line,
                                       f"label {label!r} starts in the middle of a line; read as a new section",
                                       cut, label, profile.field_of(profile.labels.section_of[" ".join(label.split()).casefold()]))
                              for cut, label in cuts if heading.start <= cut.start and
                              (n + 1 >= len(headings) or cut.start < lines[headings[n + 1][0]].start))
        block = RegionBlock(county=county, region_name=alias, title=heading.text, heading_start=heading.start,
                            heading_end=heading.end, sections=tuple(sections), findings=tuple(block_findings),
                            unit_id=unit_id, county_codes=(county.county_code,) if county is not None else (),
                            municipality_codes=(unit_id,) if alias in rules.municipality_of else ())
        block = _with_places(text, block, profile)
        regions.append(block.with_findings(_section_findings(block, profile)))
    intro_end = headings[0][0] if headings else len(lines)
    return Segmentation(intro=tuple(lines[:intro_end]), regions=tuple(regions), findings=tuple(findings),
                        title=lines[title] if title is not None else None)


@lru_cache(maxsize=1)
def _unit_heading_pattern() -> re.Pattern[str]:
    units = reference.written_unit_alternatives()
    return re.compile(rf"\(?(?:belopp\s+i\s+|alla\s+belopp\s+i\s+)?(?P<unit>{units})\)?:?", re.IGNORECASE)


def unit_heading_match(text: str) -> re.Match[str] | None:
    """A unit heading over the value lines below it ("Miljoner kronor", "Belopp i tkr", "(mnkr)"),
    with its unit (group ``unit``); None for any other line."""
    return _unit_heading_pattern().fullmatch(text.strip())


def unit_heading(text: str) -> bool:
    """Whether a line is a unit heading: the values stage reads it as the unit of the lines below
    it, so it starts no section."""
    return unit_heading_match(text) is not None


def _free_headings(lines: list[Line], title: int | None, profile: Profile) -> list[tuple[int, bool]]:
    """The heading lines of free units, and whether each lacks its blank line before: the line just
    before each label of the ``heading_before`` section (blank lines between them allowed), one
    line that is not a label and does not end like a sentence. A heading run into the previous
    unit's last line (a PDF's page break) needs its blank line after it."""
    wanted = profile.regions.headed_by
    if profile.regions.heading_pattern is not None:
        return _pattern_headings(lines, title, profile)
    found = []
    for i in range((title or -1) + 1, len(lines)):
        label = profile.labels.match(lines[i].text) if not lines[i].blank else None
        if label is None or label[0] not in wanted:
            continue
        j = i - 1
        while j > (title if title is not None else -1) and lines[j].blank:
            j -= 1
        if j <= (title if title is not None else -1) or (found and j <= found[-1][0]):
            continue
        text = lines[j].text
        crowded = j > 0 and not lines[j - 1].blank
        if ((crowded and j == i - 1) or _TERMINAL.search(text) or len(text) > profile.regions.heading_max_length
                or profile.labels.match(text) is not None or _LIST_MARKER.match(text)):
            continue
        found.append((j, crowded))
    return found


def _pattern_headings(lines: list[Line], title: int | None, profile: Profile) -> list[tuple[int, bool]]:
    """The heading lines of free units found by ``heading_pattern``: a line of its own (a blank line,
    or the text's start, before it) that the pattern matches whole, after the title."""
    pattern = re.compile(profile.regions.heading_pattern or "(?!)")
    found = []
    for i in range((title if title is not None else -1) + 1, len(lines)):
        line = lines[i]
        if (line.blank or len(line.text) > profile.regions.heading_max_length
                or profile.labels.match(line.text) is not None or not pattern.fullmatch(line.text.strip())):
            continue
        found.append((i, i > 0 and not lines[i - 1].blank))
    return found


_PLACE_SEPARATORS = re.compile(r"\s*(?:,|;|/|\bsamt\b|\boch\b|&)\s*")


def _with_places(text: str, block: RegionBlock, profile: Profile) -> RegionBlock:
    """The block with the counties and municipalities its ``county_section`` and
    ``municipality_section`` name (codes in the order written); a name that is none of them is
    reported (``unit_place_unknown``), so a unit's place is never left out in silence."""
    rule = profile.regions
    if rule.county_section is None and rule.municipality_section is None:
        return block
    spans = block.by_section()
    counties, municipalities, findings = list(block.county_codes), list(block.municipality_codes), []
    for section, codes, names, field in ((rule.county_section, counties, reference.county_names(), "county_codes"),
                                         (rule.municipality_section, municipalities, reference.municipality_names(),
                                          "municipality_codes")):
        for span in spans.get(section, [])[:1] if section else []:
            written = text[span.start : span.end]
            for part in _PLACE_SEPARATORS.split(written):
                part = part.strip(" .")
                if not part:
                    continue
                code = names.get(" ".join(part.split()).casefold())
                if code is None:
                    findings.append(Finding(county_code=block.county_code, severity=Code.unit_place_unknown.severity,
                                            code=Code.unit_place_unknown, field=field,
                                            message=f"{part!r} in the {section} section is no "
                                                    f"{'county' if field == 'county_codes' else 'municipality'} "
                                                    "of the reference data; it is not in the unit's codes",
                                            evidence=part, start=span.start, end=span.end))
                elif code not in codes:
                    codes.append(code)
    if not counties and municipalities:  # no county line: the counties its municipalities lie in
        counties = list(dict.fromkeys(reference.municipality_county(code) for code in municipalities))
    county = block.county
    if county is None and counties:
        county = reference.county_by_code(counties[0])
    return replace(block, county=county, county_codes=tuple(counties), municipality_codes=tuple(municipalities),
                   findings=(*block.findings, *findings))


def with_reader_findings(segmentation: Segmentation, findings: tuple[Finding, ...], length: int) -> Segmentation:
    """The segmentation with each of the reader's findings that has a place inside a region's text
    given to that region (a value it may have made wrong then carries it) and the others first
    among the document's findings."""
    blocks = segmentation.regions
    bounds = [b.heading_start for b in blocks] + [length]
    placed: dict[int, list[Finding]] = {}
    rest = []
    for finding in findings:
        where = next((i for i, (start, end) in enumerate(zip(bounds, bounds[1:]))
                      if finding.start is not None and start <= finding.start < end), None)
        if where is None:
            rest.append(finding)
        else:
            code = blocks[where].county_code
            placed.setdefault(where, []).append(finding.model_copy(update={"county_code": code}))
    regions = tuple(block.with_findings(placed.get(i, [])) for i, block in enumerate(blocks))
    return Segmentation(segmentation.intro, regions, (*rest, *segmentation.findings), segmentation.title)
