"""The document profile: what the pipeline knows about one report family, read from a TOML file.

``pipeline/profiles/<id>.toml`` holds the family's section labels and their variants, its count
metrics, intro claims, region-heading rule, list, contact and entity words, and the web-page
furniture its sources carry. This module validates the file into a frozen ``Profile`` and
compiles the patterns every stage uses from it; stages never hold these words themselves.
A bad profile raises ``ProfileError`` with one line that names the file and the key.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from pipeline.errors import PipelineError, shown
from pipeline.paths import PROFILES_DIR

DEFAULT_PROFILE = PROFILES_DIR / "sa-arbetar-regionerna.toml"
SUMMARY = "summary"
"""The implicit section: a region's text between its heading and its first label."""
OTHER = "other"
"""An unforeseen label or sub-heading: its text is kept and reported."""
_ID = r"^[a-z][a-z0-9_]*$"
EXTRA_LABEL_NOTE = 40
"""At most this many characters in a note in brackets after a label ("Mål (2020–2023):")."""
EXTRA_LABEL_WORDS = 3
"""A known label followed by at most this many words before its colon is still that label."""

ReadsAs = Literal["contacts", "partners", "goals", "purpose", "items", "text"]
_FIELDS_READ_AS: dict[str, str] = {"contacts": "contacts", "partners": "mentions", "goals": "goals",
                                   "purpose": "purpose_items", "items": "items", "text": "sections"}


class ProfileError(PipelineError):
    """A profile file that cannot be read or does not validate."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Labelled(_Part):
    """Something a label at a line start introduces: a section or a count line."""

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    variants: tuple[str, ...] = ()
    description: str = ""

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


class SectionDef(Labelled):
    reads_as: ReadsAs = "text"
    expected: bool = True


ValueType = Literal["count", "decimal", "money", "percentage", "date", "period"]
MONEY_UNITS = {"SEK": 1, "kSEK": 1_000, "MSEK": 1_000_000, "GSEK": 1_000_000_000}
"""The canonical units an amount of money can be stored in, and their size in kronor."""


class MetricDef(Labelled):
    chart: bool = False
    type: ValueType = "count"
    unit: str | None = None
    """The canonical unit values are stored in: for money one of ``MONEY_UNITS``; for a percentage
    "%"; for a decimal any name ("tonnes"), for the data dictionary; none for counts, dates, periods."""
    minimum: float | None = None
    maximum: float | None = None
    expected: bool = True
    """When false, a unit without this line is not reported (its value is none)."""

    @model_validator(mode="after")
    def _unit_fits_type(self) -> "MetricDef":
        if self.type == "money" and self.unit not in MONEY_UNITS:
            raise ValueError(f"a money metric needs unit = one of {sorted(MONEY_UNITS)} (the unit its values are "
                             f"stored in), not {self.unit!r}")
        if self.type == "percentage" and self.unit not in (None, "%"):
            raise ValueError(f"a percentage metric's unit is '%', not {self.unit!r}")
        if self.type in ("count", "date", "period") and self.unit is not None:
            raise ValueError(f"a {self.type} metric has no unit")
        if self.type in ("date", "period") and (self.minimum is not None or self.maximum is not None):
            raise ValueError(f"a {self.type} metric has no minimum or maximum")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"minimum {self.minimum} is above maximum {self.maximum}")
        return self

    @property
    def canonical_unit(self) -> str | None:
        return "%" if self.type == "percentage" else self.unit


class SubLabel(_Part):
    section: str
    label: str = Field(min_length=1)


class RegionRule(_Part):
    unit: Literal["county", "municipality", "free"] = "county"
    """What one block of the report is about: a county (its heading names it, ``heading_forms``) or
    a free unit such as a project (its heading is the line before its first label, ``heading_before``)."""
    heading_forms: tuple[str, ...] = ()
    heading_before: str | tuple[str, ...] | None = None
    """For free units: the id of the section whose label follows each unit's heading ("county" for
    "Län:"), or several ids (["county", "municipality"]: whichever comes first in a block); the
    heading is the one line just before that label."""

    @property
    def headed_by(self) -> tuple[str, ...]:
        """The sections whose label follows a free unit's heading."""
        before = self.heading_before
        return (before,) if isinstance(before, str) else tuple(before or ())
    heading_pattern: str | None = None
    """For free units: a regular expression a heading line matches whole ("Projekt \\d+: .+"), instead
    of ``heading_before``."""
    heading_max_length: int = Field(200, gt=0)
    summary_expected: bool = True
    """Whether a unit is expected to have text between its heading and its first label."""
    county_section: str | None = None
    """The id of a section that names the unit's county or counties ("Län: Västerbottens län och
    Norrbottens län"), read into ``county_codes``."""
    municipality_section: str | None = None
    """The id of a section that names the unit's municipalities ("Kommun: Kiruna, Gällivare och
    Pajala"), read into ``municipality_codes``."""

    @field_validator("heading_forms")
    @classmethod
    def _known_placeholders(cls, forms: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        unit = info.data.get("unit", "county")
        county_names = ("short_name", "region_aliases", "county_name", "place_aliases")
        allowed = ("municipality_name", "municipality_body") if unit == "municipality" else county_names
        for form in forms:
            names = re.findall(r"\{(\w+)\}", form)
            for name in names:
                if name not in allowed:
                    raise ValueError(f"unknown placeholder {{{name}}} for {unit} units ({', '.join(allowed)})")
            if unit == "municipality" and len(names) != 1:
                raise ValueError(f"heading form {form!r} needs one of {{municipality_name}}, {{municipality_body}}")
            if not names:  # the same heading for every county: each unit would be read as the first county's
                raise ValueError(f"heading form {form!r} names no county: it needs one of {{short_name}}, "
                                 "{region_aliases}, {county_name}, {place_aliases}; for units that are not "
                                 "counties (projects), set unit = \"free\" and heading_before")
        return forms

    @model_validator(mode="after")
    def _units_can_be_found(self) -> "RegionRule":
        if self.unit in ("county", "municipality") and not self.heading_forms:
            raise ValueError(f"{self.unit} units need heading_forms (\"Region {{short_name}}\", "
                             "\"{municipality_body}\")")
        if self.unit == "free" and self.heading_before is None and self.heading_pattern is None:
            raise ValueError("free units need heading_before (the id of the section whose label follows each "
                             "unit's heading) or heading_pattern")
        if self.heading_pattern is not None:
            if self.unit != "free":
                raise ValueError("heading_pattern is for free units; county and municipality units use heading_forms")
            user_pattern(self.heading_pattern)
        if self.unit == "free" and self.heading_forms:
            raise ValueError("free units are found by heading_before, not heading_forms")
        return self


class CountRules(_Part):
    """How value lines are worded. The defaults are Swedish usage, so a new profile reads "ca 60",
    "drygt 20", "knappt 5" and "uppgift saknas" right without listing them."""

    none_words: tuple[str, ...] = ("", "-", "–", "—", "ej angett", "ej angivet", "saknas", "uppgift saknas", "okänt",
                                   "vet ej")
    zero_words: tuple[str, ...] = ("inga", "ingen", "inget", "noll")
    partial_markers: tuple[str, ...] = ("bland annat", "bl.a.", "t.ex.", "till exempel", "exempelvis")
    vague_quantities: tuple[str, ...] = ()
    complete_markers: tuple[str, ...] = ()
    total_words: tuple[str, ...] = ()
    approximate_markers: tuple[str, ...] = ("ca", "c:a", "cirka", "ungefär", "omkring", "runt")
    at_least_markers: tuple[str, ...] = ("drygt", "över", "mer än", "fler än", "minst")
    at_most_markers: tuple[str, ...] = ("knappt", "under", "färre än", "mindre än", "högst", "max", "upp till")
    all_words: tuple[str, ...] = ()
    unit_words: tuple[str, ...] = ()
    vague_words: tuple[str, ...] = ()


def user_pattern(pattern: str) -> re.Pattern[str]:
    """A regular expression from a profile, refused unless its matching time is bounded: no
    repetition without an upper bound of something that itself repeats ("(a+)+"), or of a choice
    between alternatives ("(a|ab)*"), and no back-reference ("(a)\\1"). Those make a backtracking
    engine take exponential time on a line that almost matches; every other pattern stays
    polynomial, and runs on text of bounded length (a sentence, a line)."""
    try:
        compiled = re.compile(pattern)
        tree = _sre_parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None
    problem = _unbounded(tree)
    if problem:
        raise ValueError(f"{pattern!r} {problem}, which can take exponential time; rewrite it without that")
    problem = _wildcards_in_a_row(tree)
    if problem:
        raise ValueError(f"{pattern!r} {problem}, which can take time that grows with a high power of the text's "
                         "length; rewrite it without that")
    return compiled


def _sre_parse(pattern: str):
    import re._parser as sre_parse  # the standard library's own parser of regular expressions

    return sre_parse.parse(pattern)


def _wildcards_in_a_row(tree) -> str | None:
    """Why the pattern may take polynomial time of a high degree: two unbounded repeats of a wide
    class (".", "[^.]", "\\S") with nothing required between them (".*.*.*" on a sentence of 2,000
    characters tries every way to share it out), or None."""
    import re._constants as c

    def wide(body) -> bool:
        if len(body) != 1:
            return False
        op, value = body[0]
        if op in (c.ANY, c.NOT_LITERAL):
            return True
        return op == c.IN and any(o == c.NEGATE or (o == c.CATEGORY and "NOT" in str(v)) for o, v in value)

    def walk(items, open_wild: bool) -> tuple[bool, str | None]:
        for op, value in items:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                low, high, body = value
                if (high == c.MAXREPEAT or high > 100) and wide(list(body)):
                    if open_wild:
                        return True, "repeats two wildcards one after the other with nothing required between them"
                    open_wild = True
                elif low > 0:
                    open_wild, problem = walk(body, open_wild)
                    if problem:
                        return open_wild, problem
            elif op == c.SUBPATTERN:
                open_wild, problem = walk(value[-1], open_wild)
                if problem:
                    return open_wild, problem
            elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero-width: nothing is required between the repeats
            elif op == c.BRANCH:
                for branch in value[1]:
                    _, problem = walk(branch, open_wild)
                    if problem:
                        return open_wild, problem
                open_wild = False
            else:
                open_wild = False
        return open_wild, None

    return walk(tree, False)[1]


def _unbounded(tree, inside_repeat: bool = False) -> str | None:
    """Why the parsed pattern ``tree`` may take exponential time, or None."""
    import re._constants as c

    stack = [(tree, inside_repeat)]
    while stack:
        items, in_repeat = stack.pop()
        for op, value in items:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                low, high, body = value
                unbounded = high == c.MAXREPEAT or high > 100
                if in_repeat and high > 1:
                    return "repeats something that itself repeats without a bound"
                stack.append((body, in_repeat or unbounded))
            elif op == c.BRANCH:
                if in_repeat:
                    return "repeats a choice between alternatives without a bound"
                for branch in value[1]:
                    stack.append((branch, in_repeat))
            elif op == c.SUBPATTERN:
                stack.append((value[-1], in_repeat))
            elif op in (c.ASSERT, c.ASSERT_NOT):
                stack.append((value[1], in_repeat))
            elif op in (c.GROUPREF, c.GROUPREF_EXISTS):
                return "refers back to a group"
    return None


class IntroClaim(_Part):
    field: Literal["regions_claimed", "focus_areas", "methods"]
    patterns: tuple[str, ...] = Field(min_length=1)
    expected: bool = True

    @model_validator(mode="after")
    def _compiles_with_its_groups(self) -> "IntroClaim":
        groups = {"claimed", "of"} if self.field == "regions_claimed" else {"list"}
        for pattern in self.patterns:
            compiled = user_pattern(pattern)
            missing = groups - set(compiled.groupindex)
            if missing:
                raise ValueError(f"{pattern!r} lacks the named group(s) {sorted(missing)} that {self.field} needs")
        return self


ClaimType = Literal["text", "list", "count", "decimal", "money", "percentage", "date", "period"]


class DocumentClaim(_Part):
    """Something a report's intro states about the whole report ("under 2018", "åtta projekt"):
    patterns with a group ``value``, read as its type."""

    id: str = Field(pattern=_ID)
    patterns: tuple[str, ...] = Field(min_length=1)
    type: ClaimType = "text"
    unit: str | None = None
    expected: bool = True
    counts_units: bool = False
    """A count claim that says how many units the report has: checked against the units found."""
    description: str = ""

    @model_validator(mode="after")
    def _readable(self) -> "DocumentClaim":
        for pattern in self.patterns:
            if "value" not in user_pattern(pattern).groupindex:
                raise ValueError(f"{pattern!r} lacks the named group (?P<value>…) that holds the claim's value")
        if self.counts_units and self.type != "count":
            raise ValueError("counts_units is for a claim of type count")
        if self.type not in ("text", "list", "count"):
            self.as_metric()  # the unit fits the type, as for a metric
        elif self.unit is not None:
            raise ValueError(f"a {self.type} claim has no unit")
        return self

    def as_metric(self) -> "MetricDef":
        """The claim as a metric of its type, for the typed-value reader."""
        return MetricDef(id=self.id, label=self.id, type=self.type if self.type != "count" else "decimal",
                         unit=self.unit)


class IntroRules(_Part):
    bullet: str = r"^[•\-–*]\s*"

    @field_validator("bullet")
    @classmethod
    def _bullet_is_bounded(cls, pattern: str) -> str:
        user_pattern(pattern)
        return pattern
    list_open_ends: tuple[str, ...] = ()
    claims: tuple[IntroClaim, ...] = ()


class ListRules(_Part):
    conjunctions: tuple[str, ...] = ("och",)
    closers: tuple[str, ...] = ()
    example_word: str = "som"
    never_names: tuple[str, ...] = ()


class ContactRules(_Part):
    roles: dict[str, str] = {}
    role_suffixes: tuple[str, ...] = ()
    former_markers: tuple[str, ...] = ()
    left_words: tuple[str, ...] = ()
    replaced_markers: tuple[str, ...] = ()
    successor_markers: tuple[str, ...] = ()
    people_separators: tuple[str, ...] = ("och",)
    note_words: tuple[str, ...] = ()
    email_prefixes: tuple[str, ...] = ()
    phone_prefixes: tuple[str, ...] = ()
    name_particles: tuple[str, ...] = ()
    role_modifiers: tuple[str, ...] = ()

    def __hash__(self) -> int:  # the dict makes the default hash fail; the profile hashes by content
        return hash(tuple(sorted(self.roles.items())))


class EntityRules(_Part):
    own_region_words: tuple[str, ...] = ()
    own_county_board_words: tuple[str, ...] = ()
    office_suffixes: tuple[str, ...] = ()
    office_lead_words: tuple[str, ...] = ()
    municipal_role_words: tuple[str, ...] = ()
    municipality_abbreviations: tuple[str, ...] = ()


class WebLeftover(_Part):
    pattern: str
    note: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        user_pattern(pattern)
        return pattern


class ItemRules(_Part):
    label_words: tuple[str, ...] = ()


class Profile(_Part):
    """One report family, as validated from its TOML file."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    publisher: str = ""
    description: str = ""
    regions: RegionRule
    sections: tuple[SectionDef, ...] = ()
    sub_labels: tuple[SubLabel, ...] = ()
    metrics: tuple[MetricDef, ...] = ()
    counts: CountRules = CountRules()
    intro: IntroRules = IntroRules()
    lists: ListRules = ListRules()
    items: ItemRules = ItemRules()
    contacts: ContactRules = ContactRules()
    entities: EntityRules = EntityRules()
    web_leftovers: tuple[WebLeftover, ...] = ()
    claims: tuple[DocumentClaim, ...] = ()
    sha256: str = Field("", description="SHA-256 of the profile file's bytes (set on load)")

    @model_validator(mode="after")
    def _ids_and_labels_are_unique(self) -> "Profile":
        ids = [s.id for s in self.sections] + [m.id for m in self.metrics]
        for reserved in (SUMMARY, OTHER):
            if reserved in ids:
                raise ValueError(f"sections: {reserved!r} is reserved for the pipeline's own sections")
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"sections and metrics: duplicate id {duplicates}")
        spellings = [s.casefold() for d in (*self.sections, *self.metrics) for s in d.spellings]
        clashes = sorted({s for s in spellings if spellings.count(s) > 1})
        if clashes:
            raise ValueError(f"sections and metrics: the spelling {clashes} is given for two labels")
        for sub in self.sub_labels:
            if sub.section not in ids:
                raise ValueError(f"sub_labels: section {sub.section!r} is not a section or metric id")
        claim_ids = [c.id for c in self.claims]
        if len(set(claim_ids)) != len(claim_ids):
            raise ValueError(f"claims: duplicate id {sorted({i for i in claim_ids if claim_ids.count(i) > 1})}")
        section_ids = [s.id for s in self.sections]
        for key, named in (*(("heading_before", n) for n in self.regions.headed_by),
                           ("county_section", self.regions.county_section),
                           ("municipality_section", self.regions.municipality_section)):
            if named is not None and named not in section_ids:
                raise ValueError(f"regions.{key}: {named!r} is not the id of a section")
        return self

    # -- derived views every stage uses ---------------------------------------------------------

    @property
    def section_ids(self) -> tuple[str, ...]:
        """Every section a region can have, in profile order: summary, sections, metrics, other."""
        return (SUMMARY, *(s.id for s in self.sections), *(m.id for m in self.metrics), OTHER)

    @property
    def expected_sections(self) -> tuple[str, ...]:
        summary = (SUMMARY,) if self.regions.summary_expected else ()
        return (*summary, *(s.id for s in self.sections if s.expected))

    @property
    def metric_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.metrics)

    @property
    def metric_types(self) -> tuple[tuple[str, str], ...]:
        """(id, type) of every metric, in profile order: the tables' column groups."""
        return tuple((m.id, m.type) for m in self.metrics)

    def sections_read_as(self, reads_as: ReadsAs) -> tuple[str, ...]:
        return tuple(s.id for s in self.sections if s.reads_as == reads_as)

    def field_of(self, section: str) -> str:
        """The region JSON field that holds a section's values: a metric's own key, 'contacts',
        'mentions' (partners), 'goals', 'purpose_items', 'summary', or 'sections' (text only)."""
        if section in self.metric_ids or section == SUMMARY:
            return section
        reads_as = next((s.reads_as for s in self.sections if s.id == section), "text")
        return _FIELDS_READ_AS[reads_as]

    @cached_property
    def labels(self) -> "LabelSet":
        return LabelSet(self)


class LabelSet:
    """The profile's labels compiled for matching at a line start."""

    def __init__(self, profile: Profile) -> None:
        self.canonical: dict[str, str] = {}
        self.section_of: dict[str, str] = {}
        for definition in (*profile.sections, *profile.metrics):
            self.canonical[definition.id] = definition.label
            for spelling in definition.spellings:
                self.section_of[_fold(spelling)] = definition.id
        self.any_label = _at_line_start(list(self.section_of))
        alternatives = "|".join(sorted({r"\s+".join(map(re.escape, k.split())) for k in self.section_of},
                                       key=_longest_first)) or "(?!)"
        self.extended_label = re.compile(rf"({alternatives})((?:[ \t]+[^\W\d_][\w-]*){{1,{EXTRA_LABEL_WORDS}}}"
                                         rf"|[ \t]*\([^()\n:]{{1,{EXTRA_LABEL_NOTE}}}\))[ \t]*:", re.IGNORECASE)
        """A label with a few words or a note in brackets added before its colon ("Kända sociala
        företag i länet:", "Mål (2020–2023):")."""
        self.inside_line = re.compile(rf"(?<=[^\s:] )({alternatives})[ \t]*:", re.IGNORECASE)
        """A label in the middle of a line, after a value (a missing line break)."""
        first_metric = profile.metrics[0].spellings if profile.metrics else ()
        block_spellings = [*(s for d in profile.sections for s in d.spellings), *first_metric]
        self.block_label = _at_line_start(block_spellings)
        """Labels that start a block of their own: every section and the first count line (the
        other count lines follow it in the same block). The PDF reader is given this."""
        self.sub_label = _at_line_start([s.label for s in profile.sub_labels])
        self.sub_labels = {_fold(s.label): s for s in profile.sub_labels}

    def match_extended(self, line: str) -> tuple[str, str, int] | None:
        """(section id, label with its added words, end of ``label:``) for a label followed by a few
        words before its colon; None when ``match`` finds the label itself."""
        found = self.extended_label.match(line)
        if found is None or self.any_label.match(line):
            return None
        return self.section_of[_fold(found.group(1))], found.group(1) + found.group(2), found.end()

    def match(self, line: str) -> tuple[str, str, int] | None:
        """(section id, label as written, end of ``label:``) for a label at the start of ``line``."""
        found = self.any_label.match(line)
        if found is None:
            return None
        written = found.group(1)
        return self.section_of[_fold(written)], written, found.end()


_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-"})


def fold_title(text: str) -> str:
    """A title line as it is compared with a profile's ``title``: white space collapsed, case folded,
    every dash a hyphen ("Stöd – beslut" is "stöd - beslut")."""
    return " ".join(text.split()).casefold().translate(_DASHES)


def starts_with_title(folded: str, title: str) -> bool:
    """Whether a line (``fold_title``-ed) is a report's title line: the title (folded) whole, or
    followed by a space or a colon ("Beviljade projekt – kommersiell service 2024")."""
    return folded == title or folded.startswith(title + " ") or folded.startswith(title + ":")


def phrase_pattern(phrase: str) -> str:
    """A regular expression for a word or abbreviation of the profile, written loosely as people
    write it: a full stop may be left out and may be followed by a space ("m.fl." matches "m.fl.",
    "mfl", "m. fl."), and spaces may be any run of white space."""
    out = []
    for ch in phrase:
        if ch == ".":
            out.append(r"\.?\s?")
        elif ch == " ":
            out.append(r"\s*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def phrase_alternatives(phrases) -> str:
    """One regular-expression alternation of ``phrase_pattern`` forms, longest phrase first (so
    "bl.a." is tried before "bla"); a pattern that matches nothing for no phrases."""
    return "|".join(phrase_pattern(w) for w in sorted(phrases, key=len, reverse=True)) or "(?!)"


def _fold(label: str) -> str:
    return " ".join(label.split()).casefold()


def _longest_first(alternative: str) -> tuple[int, str]:
    """Longest first, ties in text order: a pattern built from a set is the same in every process
    (whatever the string hash seed), so the fingerprints it is part of are too."""
    return -len(alternative), alternative


def _at_line_start(spellings: list[str]) -> re.Pattern[str]:
    """One pattern for ``spelling:`` at a line start, longest spelling first; group 1 is the label."""
    if not spellings:
        return re.compile(r"(?!)")
    alternatives = sorted({r"\s+".join(map(re.escape, s.split())) for s in spellings}, key=_longest_first)
    return re.compile(rf"({'|'.join(alternatives)})[ \t]*:", re.IGNORECASE)


def _location(error: dict) -> str:
    parts = []
    for part in error["loc"]:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}" if parts else str(part))
    return "".join(parts) or "(top level)"


MAX_PROFILE_BYTES = 1024 * 1024
"""A profile is a few kilobytes of TOML; a larger file (or a device such as ``/dev/zero``) is refused
before it is read into memory."""


def _profile_bytes(path: Path) -> bytes:
    """The bytes of a profile that is a regular file of at most ``MAX_PROFILE_BYTES``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise ProfileError(f"{shown(path)}: cannot read the profile ({exc.strerror or exc})") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ProfileError(f"{shown(path)}: the profile is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(f"{shown(path)}: cannot read the profile ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{shown(path)}: the profile is over {MAX_PROFILE_BYTES // 1024} KiB; a profile is a few "
                           "kilobytes of TOML")
    return data


def load(path: Path) -> Profile:
    """Reads and validates a profile file; raises ``ProfileError`` with one line on any problem."""
    data = _profile_bytes(path)
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{shown(path)}: not a valid TOML file ({exc})") from exc
    except RecursionError:
        raise ProfileError(f"{shown(path)}: not a valid profile (its arrays or tables nest too deeply)") from None
    try:
        return Profile.model_validate({**raw, "sha256": hashlib.sha256(data).hexdigest()})
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise ProfileError(f"{shown(path)}: profile key {_location(error)}: {message}{more}") from exc
    except RecursionError:
        raise ProfileError(f"{shown(path)}: not a valid profile (its arrays or tables nest too deeply)") from None


@lru_cache(maxsize=8)
def _load_cached(path: str, resolved: str, mtime_ns: int, size: int) -> Profile:
    return load(Path(path))


def load_cached(path: Path = DEFAULT_PROFILE) -> Profile:
    """``load``, once per file version and process."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise ProfileError(f"{shown(path)}: cannot read the profile ({exc.strerror or exc})") from exc
    return _load_cached(str(path), str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def default() -> Profile:
    """The profile used when none is given."""
    return load_cached(DEFAULT_PROFILE)
