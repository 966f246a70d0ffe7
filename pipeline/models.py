"""The data contract as pydantic models (``extra="forbid"``), validated before anything is written.

Field order here is the key order of the JSON files, so reviewers see stable diffs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Severity = Literal["error", "warning", "info"]
Basis = Literal["stated", "listed", "none"]
Status = Literal["current", "former"]
SourceFormat = Literal["text", "pdf", "html"]
SectionName = Literal[
    "summary",
    "contact",
    "partners",
    "purpose",
    "previous_engagement",
    "goals",
    "concrete",
    "known_social_enterprises",
    "municipalities_promoting",
    "business_promoters",
    "other",
]
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

COUNT_METRICS: tuple[str, ...] = (
    "known_social_enterprises",
    "municipalities_promoting",
    "business_promoters",
)


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


class Finding(Model):
    """One quality finding: something a reviewer should know about the source or its extraction."""

    county_code: str | None
    severity: Severity
    code: str
    message: str
    evidence: str
    start: int | None = None
    end: int | None = None


class Section(Spanned):
    """One labelled part of a region block; ``label`` is as written (None for the summary)."""

    section: SectionName
    label: str | None
    text: str
    start: int
    end: int


class Count(Model):
    """One of the three count lines: the raw text, the value read from it and how it was read."""

    value: int | None = Field(default=None, ge=0)
    basis: Basis
    raw: str | None
    listed: int | None = Field(default=None, ge=0, description="entities named in the line's list")
    list_is_partial: bool = False
    start: int | None = None
    end: int | None = None

    @model_validator(mode="after")
    def _basis_matches_value(self) -> "Count":
        if (self.value is None) != (self.basis == "none"):
            raise ValueError(f"count basis {self.basis!r} does not fit value {self.value!r}")
        return self


class Contact(Spanned):
    """One person named in a contact section."""

    name: str
    role: str | None
    role_raw: str | None
    organisation_id: str | None
    organisation_raw: str | None
    status: Status
    note: str | None
    source_line: str
    start: int
    end: int


class Goal(Spanned):
    """One numbered goal; ``label`` as written ("1.", "1b:", "3+4.", "4")."""

    ordinal: int = Field(ge=1)
    label: str | None
    text: str
    start: int
    end: int


class PurposeItem(Spanned):
    """One lettered or numbered item of a purpose section ("a)", "1)")."""

    ordinal: int = Field(ge=1)
    label: str | None
    text: str
    start: int
    end: int


class Mention(Spanned):
    """One place where an organisation is named."""

    section: SectionName
    organisation_id: str
    surface: str
    method: MatchMethod
    score: float | None = None
    office: str | None = None
    start: int
    end: int


class Organisation(Model):
    """An organisation referred to by at least one mention or contact."""

    organisation_id: str
    name: str
    kind: str | None
    aliases: list[str]
    registered: bool
    parent_id: str | None = None
    county_code: str | None = None
    municipality_code: str | None = None


class Region(Model):
    """One region's full nested record: ``output/json/<document_id>/<county_code>-<slug>.json``."""

    document_id: str
    county_code: str
    county_name: str
    region_name: str
    title: str
    summary: str | None
    heading_start: int
    heading_end: int
    known_social_enterprises: Count
    municipalities_promoting: Count
    business_promoters: Count
    sections: list[Section]
    contacts: list[Contact]
    goals: list[Goal]
    purpose_items: list[PurposeItem]
    mentions: list[Mention]
    quality: list[Finding]

    @model_validator(mode="after")
    def _ordinals_run_from_one(self) -> "Region":
        for name, items in (("goals", self.goals), ("purpose_items", self.purpose_items)):
            ordinals = [item.ordinal for item in items]
            if ordinals != list(range(1, len(items) + 1)):
                raise ValueError(f"{self.county_code}: {name} ordinals {ordinals} do not run 1..n")
        return self


class CountyStatus(Model):
    """A county of the reference table and whether this document has a project for it."""

    county_code: str
    county_name: str
    has_project: bool


class Document(Model):
    """One source document: ``output/json/<document_id>/document.json``."""

    document_id: str
    source_path: str
    source_sha256: str
    source_format: SourceFormat
    encoding: str = Field(description="the text encoding read, or 'pdf' for a PDF's text layer")
    pages: int | None = Field(default=None, description="pages of a PDF source")
    publisher: str | None
    title: str | None
    intro: str | None
    focus_areas: list[str]
    methods: list[str]
    approaches: list[str]
    regions_claimed: int | None
    regions_claimed_of: int | None
    regions_found: int
    counties: list[CountyStatus]
    region_files: list[str]
    organisations: list[Organisation]
    quality: list[Finding]


class Extraction(Model):
    """Everything extracted from one document, with the interim text its offsets point into."""

    document: Document
    regions: list[Region]
    text: str

    @model_validator(mode="after")
    def _spans_slice_the_text(self) -> "Extraction":
        text = self.text
        for region in self.regions:
            spans: list[tuple[str, Section | Goal | PurposeItem]] = [(f"section {s.section}", s) for s in region.sections]
            spans += [(f"goal {g.ordinal}", g) for g in region.goals]
            spans += [(f"purpose item {p.ordinal}", p) for p in region.purpose_items]
            for label, span in spans:
                if text[span.start : span.end] != span.text:
                    raise ValueError(
                        f"{region.county_code} {label}: text does not equal "
                        f"text.txt[{span.start}:{span.end}]"
                    )
            for mention in region.mentions:
                if text[mention.start : mention.end] != mention.surface:
                    raise ValueError(
                        f"{region.county_code} mention {mention.surface!r}: surface does not equal "
                        f"text.txt[{mention.start}:{mention.end}]"
                    )
                if not any(s.section == mention.section and s.start <= mention.start and mention.end <= s.end
                           for s in region.sections):
                    raise ValueError(f"{region.county_code} mention {mention.surface!r} lies outside its "
                                     f"{mention.section} section")
            known = {o.organisation_id for o in self.document.organisations}
            for ref in [m.organisation_id for m in region.mentions] + [
                c.organisation_id for c in region.contacts if c.organisation_id
            ]:
                if ref not in known:
                    raise ValueError(f"{region.county_code}: organisation {ref!r} is not listed")
        return self
