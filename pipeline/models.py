"""The data contract as pydantic models (``extra="forbid"``), validated before anything is written.

Field order here is the key order of the JSON files, so reviewers see stable diffs.
"""

from __future__ import annotations

import bisect

from collections.abc import Iterable

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from pipeline.findings import Code, Severity

Basis = Literal["stated", "listed", "none"]
Qualifier = Literal["exact", "approximate", "at_least", "at_most"]
"""What a count's number means: as written; about ("ca 60", "ett 20-tal"); that many or more
("drygt 30", "40+", the lower bound of "20–25", a partial list); that many or fewer ("knappt 20")."""
Status = Literal["current", "former"]
SourceFormat = Literal["text", "pdf", "html"]
SectionName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
"""A section id of the document profile ("contact", "goals", a metric id), or "summary"/"other"."""
MatchMethod = Literal[
    "alias",  # a registry name or alias, as written or case-folded
    "office",  # an organisation followed by the place of its office ("Coompanion Sörmland")
    "prefix",  # a registry name followed by a unit or qualifier ("Mälardalens högskola/Idélab")
    "place",  # a bare place name ("Luleås", "Skåne")
    "municipal",  # a municipality named after a municipal role ("näringslivschef Östersund")
    "regional",  # "regionen" / "Länsstyrelsen": the region's own body or county board
    "misspelling",  # a misspelling the registry lists ("Coomapanion")
    "fuzzy",  # close enough to one registry name ("Suptopia")
    "garbled",  # a damaged word whose letters spell one registry name
    "unregistered",  # in no registry: kept with a slug id
]

class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Spanned(Model):
    """A value with ``start``/``end`` offsets into ``interim/<document_id>/text.txt``.

    The offsets are declared last in each subclass, so they come last in the JSON.
    """

    @model_validator(mode="after")
    def _ordered(self) -> "Spanned":
        start, end = getattr(self, "start"), getattr(self, "end")
        if start < 0 or end < start:
            raise ValueError(f"span [{start}, {end}) is not a forward range")
        return self


_START = "offset of the first character in interim/<document_id>/text.txt"
_END = "offset just after the last character (text == text.txt[start:end])"
_COUNTY = "SCB county (län) code, two digits, e.g. '10' for Blekinge"
_DOCUMENT = "stable id of the source document, from its path under raw/"
_ORGANISATION = "canonical entity id (a stable slug), a key of the organisations table"


def D(description: str, **kwargs) -> object:  # noqa: N802 - reads as a column declaration
    """A field with its description, which the data dictionary publishes."""
    return Field(description=description, **kwargs)


class Finding(Model):
    """One quality finding: something a reviewer should know about the source or its extraction."""

    county_code: str | None = D(f"{_COUNTY}; null for a finding about the whole document")
    unit_id: str | None = D("the unit the finding is about (the region's unit_id); null for a finding about the "
                            "whole document", default=None)
    severity: Severity = D("error: the data is wrong or missing; warning: a reviewer should look; info: recorded")
    code: Code = D("kind of finding; the catalogue (pipeline/findings.py, docs) gives each code's meaning")
    field: str | None = D("the value the finding is about, named as in the region JSON: a count metric's id, "
                          "'contacts', 'goals', 'purpose_items', 'mentions', 'sections', 'summary' or 'title' "
                          "(for a document: 'regions_claimed', 'focus_areas', 'methods', 'regions'); null when it "
                          "is about the text as a whole", default=None)
    message: str = D("what was found, in one sentence")
    evidence: str = D("the offending text as written in the source", json_schema_extra={"personal_data": True})
    start: int | None = D(f"{_START}, where the finding has a place", default=None)
    end: int | None = D(_END, default=None)

    @model_validator(mode="after")
    def _severity_is_the_codes(self) -> "Finding":
        if self.severity != self.code.severity:
            raise ValueError(f"finding {self.code.value} has severity {self.severity!r}, "
                             f"the catalogue says {self.code.severity!r}")
        return self


MAX_FINDINGS_PER_CODE = 100
"""Findings of one code about one region (or the document) listed one by one; past this, one more
finding of that code says how many more there are and where (a hostile page of 50,000 misspelled
labels made 100,000 findings and gigabytes of output). The seed's busiest region has 12 findings."""


class Findings:
    """Collects findings about one region (or the whole document), in the order they are found;
    at most ``MAX_FINDINGS_PER_CODE`` of one code, the rest summed up in one (``closed``)."""

    def __init__(self, county_code: str | None) -> None:
        self.county_code = county_code
        self.items: list[Finding] = []
        self._counts: dict[Code, int] = {}
        self._rest: dict[Code, list[Finding]] = {}

    def add(self, code: Code, message: str, evidence: str, start: int | None = None,
            end: int | None = None, field: str | None = None) -> None:
        """Records a finding; ``field`` defaults to the code's own field in the catalogue."""
        if self._counts.get(code, 0) >= MAX_FINDINGS_PER_CODE:
            self._more(Finding(county_code=self.county_code, severity=code.severity, code=code,
                               field=field or code.field, message=message, evidence=evidence, start=start, end=end))
            return
        self._counts[code] = self._counts.get(code, 0) + 1
        self.items.append(Finding(county_code=self.county_code, severity=code.severity, code=code,
                                  field=field or code.field, message=message, evidence=evidence, start=start,
                                  end=end))

    def copy(self) -> "Findings":
        """The findings so far, for a later stage to add to; this collection is left as it is."""
        other = Findings(self.county_code)
        other.items, other._counts = list(self.items), dict(self._counts)
        other._rest = {code: list(rest) for code, rest in self._rest.items()}
        return other

    def extend(self, findings: "Iterable[Finding]") -> None:
        for finding in findings:
            code = Code(finding.code)
            if self._counts.get(code, 0) >= MAX_FINDINGS_PER_CODE:
                self._more(finding)
            else:
                self._counts[code] = self._counts.get(code, 0) + 1
                self.items.append(finding)

    def _more(self, finding: Finding) -> None:
        """Keeps the first and the last finding past the limit, and how many there were."""
        kept = self._rest.setdefault(Code(finding.code), [finding, finding, 0])
        kept[1] = finding
        kept[2] += 1

    def closed(self) -> list[Finding]:
        """The findings, with one more per code that went past the limit: how many more, from where to where."""
        summaries = []
        for code, (first, last, more) in self._rest.items():
            starts = [f.start for f in (first, last) if f.start is not None]
            ends = [f.end for f in (first, last) if f.end is not None]
            summaries.append(first.model_copy(update={
                "message": f"and {more} more findings like it ({code.value}), not listed one by one; the last: "
                           f"{last.message[:200]}",
                "evidence": last.evidence, "start": min(starts) if starts else None,
                "end": max(ends) if ends else None}))
        return [*self.items, *summaries]


class Section(Spanned):
    """One labelled part of a region block; ``label`` is as written (None for the summary)."""

    section: SectionName = D("normalised section name")
    label: str | None = D("the label as written, without its colon; null for the summary")
    text: str = D("the section's text after its label", json_schema_extra={"personal_data": True})
    start: int = D(_START)
    end: int = D(_END)


class Count(Model):
    """One count line (a metric of the profile): the raw text, the value read from it and how."""

    value: int | None = D("the count; null when the line gives none", default=None, ge=0)
    basis: Basis = D("stated: a number is written; listed: names are counted; none: no value")
    qualifier: Qualifier | None = D("exact; approximate ('ca 60', 'ett 20-tal'); at_least ('drygt 30', '40+', the "
                                    "lower bound of a range '20–25', a partial list); at_most ('knappt 20'); null "
                                    "when the value is null", default=None)
    raw: str | None = D("the line's text after its label, as written; null when the line is missing")
    listed: int | None = D("distinct organisations the line names, when it names any", default=None, ge=0)
    list_is_partial: bool = D("the list says it is partial ('bland annat'), so it may be shorter", default=False)
    start: int | None = D(_START, default=None)
    end: int | None = D(_END, default=None)

    @model_validator(mode="after")
    def _basis_matches_value(self) -> "Count":
        if (self.value is None) != (self.basis == "none"):
            raise ValueError(f"count basis {self.basis!r} does not fit value {self.value!r}")
        if (self.value is None) != (self.qualifier is None):
            raise ValueError(f"count qualifier {self.qualifier!r} does not fit value {self.value!r}")
        return self


MeasureType = Literal["decimal", "money", "percentage", "date", "period"]


class Measure(Model):
    """One typed value line (a metric of the profile whose type is not ``count``): the value in the
    metric's canonical unit, and the text and unit as written."""

    type: MeasureType = D("the metric's type in the profile: decimal, money, percentage, date or period")
    value: float | None = D("the number in the canonical unit (decimal, money, percentage); null when the line gives "
                            "none or none exactly", default=None)
    date: str | None = D("a date value, ISO 8601 (YYYY-MM-DD)", default=None)
    period_start: str | None = D("a period's first day, ISO 8601", default=None)
    period_end: str | None = D("a period's last day, ISO 8601 ('2025' ends 2025-12-31)", default=None)
    unit: str | None = D("the canonical unit the value is stored in: SEK, kSEK, MSEK, GSEK, '%', or the "
                         "profile's unit of a decimal", default=None)
    unit_raw: str | None = D("the unit as written on the line or on a heading above it ('tkr', 'Miljoner kronor')",
                             default=None)
    basis: Literal["stated", "none"] = D("stated: the line gives the value; none: it gives none, or none that the "
                                         "type can hold exactly (then a warning quotes it)")
    qualifier: Qualifier | None = D("exact, approximate ('ca'), at_least ('drygt'), at_most ('knappt') for a number; "
                                    "null otherwise", default=None)
    raw: str | None = D("the line's text after its label, as written; null when the line is missing")
    start: int | None = D(_START, default=None)
    end: int | None = D(_END, default=None)

    @model_validator(mode="after")
    def _basis_matches_value(self) -> "Measure":
        given = [v for v in (self.value, self.date, self.period_start) if v is not None]
        if bool(given) != (self.basis == "stated"):
            raise ValueError(f"measure basis {self.basis!r} does not fit its value")
        if (self.period_start is None) != (self.period_end is None):
            raise ValueError("a period has both a start and an end, or neither")
        return self


class Contact(Spanned):
    """One person named in a contact section."""

    name: str = D("the person's name as written (personal data)", json_schema_extra={"personal_data": True})
    role: str | None = D("normalised role, e.g. projektledare")
    role_raw: str | None = D("the role as written, e.g. PL")
    organisation_id: str | None = D(f"{_ORGANISATION}; 'regionen' is the region's own body")
    organisation_raw: str | None = D("the organisation as written in the contact line")
    email: str | None = D("the person's e-mail address as written (personal data)", default=None,
                          json_schema_extra={"personal_data": True})
    phone: str | None = D("the person's phone number as written (personal data)", default=None,
                          json_schema_extra={"personal_data": True})
    status: Status = D("former for holders marked 'fd', 'f.d.', 'tidigare', 'slutat' or replaced ('ersätter')")
    note: str | None = D("anything else the line says about the person, e.g. 'fokus ESBR', 'slutat'")
    source_line: str = D("the whole contact line as written (its first 2,000 characters and \"…\" for a longer "
                         "one)", json_schema_extra={"personal_data": True})
    start: int = D(f"{_START} (the name)")
    end: int = D(_END)


class Goal(Spanned):
    """One numbered goal; ``label`` as written ("1.", "1b:", "3+4.", "4")."""

    ordinal: int = D("position in the region's goal list, from 1", ge=1)
    label: str | None = D("the goal's label as written, e.g. '1.', '1b:', '3+4.'")
    text: str = D("the goal's text after its label, sub-bullets included")
    start: int = D(_START)
    end: int = D(_END)


class PurposeItem(Spanned):
    """One lettered or numbered item of a purpose section ("a)", "1)")."""

    ordinal: int = D("position in the region's purpose list, from 1", ge=1)
    label: str | None = D("the item's label as written, e.g. 'a)', '1)'")
    text: str = D("the item's text after its label")
    start: int = D(_START)
    end: int = D(_END)


class Item(Spanned):
    """One item of a list section the profile declares as items (``reads_as = "items"``):
    activities, goals, expected results …; a section of prose is one item with no label."""

    section: SectionName = D("the section the item is in (its id in the profile)")
    ordinal: int = D("position in its section's list, from 1", ge=1)
    label: str | None = D("the item's label as written ('1.', '•', '–'); null for a section of prose")
    text: str = D("the item's text after its label")
    start: int = D(_START)
    end: int = D(_END)


class Mention(Spanned):
    """One place where an organisation is named."""

    section: SectionName = D("the section the mention is in")
    organisation_id: str = D(_ORGANISATION)
    surface: str = D("the name as written")
    method: MatchMethod = D("how the name was recognised")
    score: float | None = D("similarity for a fuzzy match (0-1)", default=None)
    office: str | None = D("the office or unit named with the organisation, e.g. 'Sörmland'", default=None)
    start: int = D(_START)
    end: int = D(_END)


class Organisation(Model):
    """An organisation referred to by at least one mention or contact."""

    organisation_id: str = D(_ORGANISATION)
    name: str = D("canonical name")
    kind: str | None = D("cooperative development agency, public agency, university, municipality, region, "
                         "incubator, association, company, foundation, …; for an unregistered name, the kind its "
                         "organisation word gives ('… universitet': university), else null")
    aliases: list[str] = D("names and abbreviations it is known by; for an unregistered name, only the forms the "
                           "document writes it in")
    registered: bool = D("false for a name found in no registry (kept with an 'unregistered-' id)")
    parent_id: str | None = D("the parent organisation of a unit or programme", default=None)
    county_code: str | None = D(f"{_COUNTY}, for regions, county boards, counties and municipalities", default=None)
    municipality_code: str | None = D("SCB municipality code, four digits, for municipalities", default=None)
    place_id: str | None = D("for an unregistered name that holds a place ('Högskolan i Gävle'), that place's "
                             "entity id", default=None)
    registry_suggestions: list[str] = D("for an unregistered name, the registry's closest names, for a person to "
                                        "check; the organisation is none of them (empty for a registered one)",
                                        default_factory=list)


class Region(Model):
    """One unit's (a region's, a project's) full nested record: ``output/json/<document_id>/<file>.json``,
    ``<county_code>-<slug>.json`` for a county unit, ``<unit_id>.json`` for a free one."""

    document_id: str = D(_DOCUMENT)
    unit_id: str = D("the unit's stable id within its document: a county unit's county code ('10'); a free "
                     "unit's (a project's) slug of its heading ('servicepunkt-norrlandet')")
    county_code: str | None = D(f"{_COUNTY}: the county the unit is, or a free unit's first county; null when "
                                "a free unit names none")
    county_name: str | None = D("official county name of county_code, e.g. 'Blekinge län'")
    county_codes: list[str] = D("every county the unit covers, in the order written (a county unit: its own)",
                                default_factory=list)
    municipality_codes: list[str] = D("SCB municipality codes of every municipality the unit names in its "
                                      "municipality section, in the order written", default_factory=list)
    region_name: str = D("the region's name as its heading writes it, e.g. 'Region Blekinge'")
    title: str = D("the region's heading as written")
    summary: str | None = D("the text between the heading and the first label")
    heading_start: int = D(f"{_START} (the heading)")
    heading_end: int = D(_END)
    counts: dict[str, Annotated[Measure | Count, Field(union_mode="left_to_right")]] = D(
        "one value per metric of the profile, by metric id (a Count, or a Measure for a typed metric); in the JSON "
        "each is a key of its own, in profile order, where this field stands")
    sections: list[Section] = D("labelled sections in document order")
    contacts: list[Contact] = D("people in the contact section")
    goals: list[Goal] = D("numbered goals in order")
    purpose_items: list[PurposeItem] = D("lettered or numbered purpose items in order")
    items: list[Item] = D("items of the profile's item sections, each naming its section, in document order",
                          default_factory=list)
    mentions: list[Mention] = D("organisation and place mentions in document order")
    quality: list[Finding] = D("findings about this region")

    @model_validator(mode="before")
    @classmethod
    def _gather_counts(cls, data: Any) -> Any:
        """Reads the JSON form back, where each count is a key of its own."""
        if isinstance(data, dict) and "counts" not in data:
            counts = {k: v for k, v in data.items() if k not in cls.model_fields and isinstance(v, dict)
                      and "basis" in v}
            data = {k: v for k, v in data.items() if k not in counts} | {"counts": counts}
        return data

    @model_serializer(mode="wrap")
    def _spread_counts(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Each count becomes a key of its own in place of ``counts``, so a reviewer's diff and a
        reader of the JSON see ``"known_social_enterprises": {...}`` beside the region's title."""
        data = handler(self)
        if "counts" not in data:
            return data
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "counts":
                out.update(value)
            else:
                out[key] = value
        return out

    @model_validator(mode="after")
    def _ordinals_run_from_one(self) -> "Region":
        for name, items in (("goals", self.goals), ("purpose_items", self.purpose_items)):
            ordinals = [item.ordinal for item in items]
            if ordinals != list(range(1, len(items) + 1)):
                raise ValueError(f"{self.county_code}: {name} ordinals {ordinals} do not run 1..n")
        return self


class Claim(Model):
    """Something the report's intro states about the whole report, as the profile's ``claims``
    declare it ("under 2018": the period the figures cover; "åtta projekt")."""

    claim: str = D("the claim's id in the profile")
    type: str = D("the claim's type: text, list, count, decimal, money, percentage, date or period")
    text: str | None = D("the claim's value as written")
    items: list[str] = D("a list claim's items, as written", default_factory=list)
    value: float | None = D("a number claim's value (a count, decimal, money in its unit, percentage); null when "
                            "it is none or cannot be read exactly", default=None)
    date: str | None = D("a date claim, ISO 8601", default=None)
    period_start: str | None = D("a period claim's first day, ISO 8601", default=None)
    period_end: str | None = D("a period claim's last day, ISO 8601", default=None)
    unit: str | None = D("the canonical unit of a money or decimal claim", default=None)
    qualifier: Qualifier | None = D("exact, approximate, at_least or at_most, for a number", default=None)
    start: int | None = D(_START + " (the value as written)", default=None)
    end: int | None = D(_END, default=None)


class CountyStatus(Model):
    """A county of the reference table and whether this document has a project for it."""

    county_code: str = D(_COUNTY)
    county_name: str = D("official county name")
    has_project: bool = D("the document has a region section for this county")


class Document(Model):
    """One source document: ``output/json/<document_id>/document.json``."""

    document_id: str = D(_DOCUMENT)
    source_path: str = D("the source file, relative to the project, e.g. raw/x.txt")
    source_sha256: str = D("SHA-256 of the source file's bytes")
    source_format: SourceFormat = D("the reader used")
    encoding: str = D("the text encoding read, or 'pdf' for a PDF's text layer")
    pages: int | None = D("pages of a PDF source", default=None)
    pipeline_version: str = D("version of the pipeline that extracted the document (`pipeline --version`)")
    profile_id: str = D("id of the document profile the document was read with, e.g. 'sa-arbetar-regionerna'")
    profile_sha256: str = D("SHA-256 of that profile file's bytes")
    redacted: bool = D("true when people's names, e-mail addresses and phone numbers in this document are "
                       "pseudonyms (`extract --redact-people`), false when they are as written", default=False)
    redaction_salt_fingerprint: str | None = D(
        "for a redacted document, a fingerprint of the salt the pseudonyms were made with (never the salt): the "
        "same fingerprint means the same pseudonym for the same person", default=None)
    publisher: str | None = D("the publisher line above the title, e.g. 'Tillväxtverket'")
    title: str | None = D("the document's title")
    intro: str | None = D("the intro text before the first region")
    focus_areas: list[str] = D("recurring focus areas listed in the intro")
    methods: list[str] = D("methods listed in the intro")
    approaches: list[str] = D("the intro's bulleted approaches")
    regions_claimed: int | None = D("regions (units) the intro says the report has ('17 av 21 regioner'; a "
                                    "profile's counts_units claim: 'stöd till åtta projekt')")
    regions_claimed_of: int | None = D("regions in all, per the same claim")
    regions_found: int = D("region headings found")
    claims: list[Claim] = D("what the intro states about the whole report, as the profile's claims declare it; "
                            "a claim the intro does not make is left out (and reported when expected)",
                            default_factory=list)
    counties: list[CountyStatus] = D("all 21 counties, with or without a project")
    region_files: list[str] = D("the region JSON files of this document, in document order")
    organisations: list[Organisation] = D("every organisation the document refers to")
    quality: list[Finding] = D("findings about the whole document")


class Extraction(Model):
    """Everything extracted from one document, with the interim text its offsets point into."""

    document: Document
    regions: list[Region]
    text: str

    @model_validator(mode="after")
    def _spans_slice_the_text(self) -> "Extraction":
        text = self.text
        known = {o.organisation_id for o in self.document.organisations}
        for region in self.regions:
            spans: list[tuple[str, Section | Goal | PurposeItem | Item]] = [(f"section {s.section}", s) for s in region.sections]
            spans += [(f"goal {g.ordinal}", g) for g in region.goals]
            spans += [(f"purpose item {p.ordinal}", p) for p in region.purpose_items]
            spans += [(f"{i.section} item {i.ordinal}", i) for i in region.items]
            for label, span in spans:
                if text[span.start : span.end] != span.text:
                    raise ValueError(
                        f"{region.county_code} {label}: text does not equal "
                        f"text.txt[{span.start}:{span.end}]"
                    )
            by_section: dict[str, list[Section]] = {}
            for section in sorted(region.sections, key=lambda s: s.start):
                by_section.setdefault(section.section, []).append(section)
            starts = {name: [s.start for s in sections] for name, sections in by_section.items()}
            for mention in region.mentions:
                if text[mention.start : mention.end] != mention.surface:
                    raise ValueError(
                        f"{region.county_code} mention {mention.surface!r}: surface does not equal "
                        f"text.txt[{mention.start}:{mention.end}]"
                    )
                if not _inside_a_section(mention, by_section.get(mention.section, []),
                                         starts.get(mention.section, [])):
                    raise ValueError(f"{region.county_code} mention {mention.surface!r} lies outside its "
                                     f"{mention.section} section")
            for ref in [m.organisation_id for m in region.mentions] + [
                c.organisation_id for c in region.contacts if c.organisation_id
            ]:
                if ref not in known:
                    raise ValueError(f"{region.county_code}: organisation {ref!r} is not listed")
        return self


def _inside_a_section(mention: Mention, sections: list[Section], starts: list[int]) -> bool:
    """True when one of ``sections`` (sorted by start) holds the mention: the last one starting at
    or before it is tried first (sections do not overlap), the rest only if it does not."""
    at = bisect.bisect_right(starts, mention.start) - 1
    if at >= 0 and sections[at].start <= mention.start and mention.end <= sections[at].end:
        return True
    return any(s.start <= mention.start and mention.end <= s.end for s in sections)

