"""The pipeline, stage by stage: the one place that wires it.

``STAGES`` lists the stages in the order they run. Each is a function from the artefacts before it
to one typed artefact (its findings inside it), with no state shared between stages: a later stage
goes on from copies. ``extract`` walks the list for one source. The stages an ``interim/`` file
keeps (``kept_in``) are looked up in the run's ``Store`` first, under a key made of the stage's own
fingerprint (the code of its modules and everything they import, the reference data they name, the
libraries that shape its output, the profile) and the key of its input: a change to a later
stage's code re-runs that stage and those after it, never the reader.

read -> NormalisedText -> segment -> Segmentation -> entities -> DocumentEntities -> values ->
UnitValues -> assemble -> Extraction
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.assemble import SourceInfo, assemble
from pipeline.compiled import CompiledProfile, compile_profile
from pipeline.entities import DocumentEntities, EntityRules, document_entities, people_anywhere
from pipeline.fingerprints import fingerprint
from pipeline.findings import Code
from pipeline.models import Extraction, Finding, SourceFormat
from pipeline.profile import Profile, fold_title, starts_with_title
from pipeline.readers import registry as readers
from pipeline.readers.pdf import DEFAULT_ENGINE
from pipeline.readers.text import NormalisedText
from pipeline.redact import Redactor, salt_fingerprint
from pipeline.errors import UnusableInputError
from pipeline.segment.sections import TITLE_LINES, SegmentRules, Segmentation, segment, with_reader_findings
from pipeline.values.stage import UnitValues, ValueRules, unit_values

__all__ = ["STAGES", "CompiledProfile", "SourceInfo", "Stage", "Store", "build_extraction", "compile_profile", "extract"]


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: what it makes, from which code, and where it is kept."""

    name: str
    makes: str
    """The artefact's type."""
    modules: tuple[str, ...]
    """The code that makes it; the stage's fingerprint is theirs and that of what they import."""
    does: str
    """What it does, in one line (the README's stage list is checked against these)."""
    kept_in: tuple[str, ...] = ()
    """The files of ``interim/<document_id>/`` that keep its artefact for the next run; none when
    it is made again each time from the kept artefact before it."""
    libraries: tuple[str, ...] = ()
    """Third-party packages whose version changes its artefact."""


STAGES: tuple[Stage, ...] = (
    Stage("read", "NormalisedText", tuple(readers.READER_MODULES.values()),
          "a reader per format (text, web page, PDF) turns a source file into the normalised text every "
          "offset points into, with the reader's findings", ("text.txt", "text.json")),
    Stage("segment", "Segmentation", ("pipeline.segment.sections",),
          "region headings, then the labelled sections of each region block; the reader's findings placed "
          "at their region", ("sections.json",), libraries=("spacy",)),
    Stage("entities", "DocumentEntities", ("pipeline.entities.mentions",),
          "organisations, public bodies, places and people in every section, each with its canonical id",
          libraries=("spacy", "rapidfuzz")),
    Stage("values", "UnitValues", ("pipeline.values.stage",),
          "each region's contacts, counts, goals and purpose items, and the intro's claims"),
    Stage("assemble", "Extraction", ("pipeline.assemble",),
          "one validated extraction per document: the document's record and every region's",
          ("extraction.json",), libraries=("pydantic",)),
)
"""The stages in the order they run."""

STAGE = {stage.name: stage for stage in STAGES}


class Store(Protocol):
    """Where a run keeps the artefacts of one document between runs (``runner/cache``)."""

    def load(self, stage: str, key: str) -> Any | None:
        """The artefact kept for ``stage`` under ``key``, or None."""

    def keep(self, stage: str, key: str, artefact: Any) -> None:
        """Keeps ``stage``'s artefact under ``key`` for the next run."""


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


_WIRING = hashlib.sha256(Path(__file__).read_bytes() + Path(__file__).with_name("compiled.py").read_bytes()).hexdigest()
"""This module's and ``compiled.py``'s own code: how the stages after reading are called, and their
rules compiled, is part of their keys."""


def stage_fingerprint(name: str, profile: Profile, modules: tuple[str, ...] | None = None, extra: str = "") -> str:
    """Changes when the stage's code, reference data or libraries change, or the profile (its
    ``extra`` part for the reader, the whole profile and this module's wiring for the others)."""
    stage = STAGE[name]
    wiring = () if name == "read" else (_WIRING,)
    return _key(*wiring, *(fingerprint(module, stage.libraries, extra if name == "read" else profile.sha256)
                           for module in (modules or stage.modules)))


_READER_WIRING = hashlib.sha256(Path(readers.__file__).read_bytes()).hexdigest()
"""The reader registry's own code (which reader, the hints it compiles): part of every read key."""


def read_key(source_format: SourceFormat, compiled: CompiledProfile, pdf_engine: str = DEFAULT_ENGINE) -> str:
    """The read stage's key for one format: its reader's code, the registry's, libraries and
    everything the readers are told about the profile (its compiled hints)."""
    engine = f"\0pdf engine {pdf_engine}" if source_format == "pdf" else ""
    module = readers.READER_MODULES[source_format]
    return fingerprint(module, readers.reader_libraries(source_format, pdf_engine),
                       readers.hints_fingerprint(compiled.hints) + engine + _READER_WIRING)


def text_key(source_format: SourceFormat, source_sha256: str, compiled: CompiledProfile,
             pdf_engine: str = DEFAULT_ENGINE, redaction: str | None = None) -> str:
    """The key the read stage's text is kept under: these source bytes, this reader, and the
    redaction (the fingerprint of its salt): a redacted text depends on the salt, on the redaction's
    own code and on what the later stages find, so on their key too."""
    redacted = "off" if redaction is None else "\0".join((redaction, records_key(compiled.profile),
                                                            fingerprint("pipeline.redact", ())))
    return _key(read_key(source_format, compiled, pdf_engine), source_sha256, "redaction " + redacted)


def records_key(profile: Profile) -> str:
    """The key of everything after reading: the fingerprints of segment, entities, values and assemble."""
    return _key(*(stage_fingerprint(stage.name, profile) for stage in STAGES[1:]))


# --- the stages after reading -------------------------------------------------------------------


def segment_stage(normalised: NormalisedText, rules: SegmentRules) -> Segmentation:
    """segment: the region blocks and their sections, with the reader's findings placed."""
    return with_reader_findings(segment(normalised.text, rules), normalised.findings, len(normalised.text))


def entities_stage(text: str, segmentation: Segmentation, rules: EntityRules) -> DocumentEntities:
    """entities: every name in every region block's sections."""
    return document_entities(text, segmentation.regions, rules)


def values_stage(text: str, segmentation: Segmentation, entities: DocumentEntities, rules: ValueRules) -> UnitValues:
    """values: the typed values of every region and the intro's claims."""
    return unit_values(text, segmentation, entities, rules)


def build_extraction(text: str, source: SourceInfo, compiled: CompiledProfile,
                     text_findings: tuple[Finding, ...] = ()) -> Extraction:
    """Every stage after reading, on one document's text, uncached: a validated ``Extraction``."""
    normalised = NormalisedText(text=text, encoding=source.encoding, findings=text_findings, pages=source.pages)
    return _after_segment(normalised, segment_stage(normalised, compiled.segment), source, compiled)


def _after_segment(normalised: NormalisedText, segmentation: Segmentation, source: SourceInfo,
                   compiled: CompiledProfile, redaction: str | None = None) -> Extraction:
    text = normalised.text
    entities = entities_stage(text, segmentation, compiled.entities)
    values = values_stage(text, segmentation, entities, compiled.values)
    return assemble(text, source, values, compiled.profile, redaction)


# --- one document, walked through the list ------------------------------------------------------


@dataclass
class Walk:
    """What walking the stages made of one source: the extraction, the text it was read from, and
    which stages ran (the others' artefacts came from the store)."""

    extraction: Extraction
    normalised: NormalisedText
    ran: list[str] = field(default_factory=list)


_LEADING_NAME = re.compile(r"[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){1,4}")


def _leading_name(line: str) -> str | None:
    """The words before a contact line's first comma when they could be a name however written
    ("maria svensson, Almi"): under redaction, a line no person was read from is taken to name one."""
    head = line.split(",", 1)[0].strip()
    return head if _LEADING_NAME.fullmatch(head) else None


def _redacted(normalised: NormalisedText, extraction: Extraction, rules: EntityRules, salt: str) -> NormalisedText:
    """The text and the reader's findings with every person's name (contacts, PERSON spans anywhere,
    the leading words of a contact line no person was read from), e-mail address and phone number
    replaced."""
    contacts = [c for r in extraction.regions for c in r.contacts]
    names = [c.name for c in contacts]
    names += people_anywhere(normalised.text, rules)
    names += [name for r in extraction.regions for f in r.quality if f.code == Code.contact_line_not_read
              if (name := _leading_name(f.evidence))]
    redactor = Redactor(names, salt, [d for c in contacts for d in (c.email, c.phone) if d])
    findings = tuple(f.model_copy(update={"message": redactor(f.message), "evidence": redactor(f.evidence)})
                     for f in normalised.findings)
    return NormalisedText(text=redactor(normalised.text), encoding=normalised.encoding, findings=findings,
                          pages=normalised.pages)


def extract(path: Path, data: bytes, source: SourceInfo, compiled: CompiledProfile, store: Store | None = None,
            redact_salt: str | None = None, pdf_engine: str = DEFAULT_ENGINE, family_required: bool = False) -> Walk:
    """Walks ``STAGES`` for one source's bytes (already read; ``source`` says what is known of it
    before reading), taking what ``store`` kept under the same keys instead of running a stage
    again, and keeping what it made. With ``redact_salt`` the text is redacted after a first
    extraction and extracted again; the read stage's key then includes the later stages' (the
    redacted text depends on what they find), and the store keeps only the redacted text."""
    ran: list[str] = []
    profile = compiled.profile
    later = records_key(profile)
    redaction = salt_fingerprint(redact_salt)
    read_as = text_key(source.source_format, source.source_sha256, compiled, pdf_engine, redaction)
    normalised = store.load("read", read_as) if store else None
    if normalised is None:
        _, normalised = readers.read(path, data, compiled.hints, pdf_engine)
        ran.append("read")
        if redact_salt is not None:
            info = _info(source, normalised)
            first = _after_segment(normalised, segment_stage(normalised, compiled.segment), info, compiled)
            normalised = _redacted(normalised, first, compiled.entities, redact_salt)
    if store:
        store.keep("read", read_as, normalised)
    info = _info(source, normalised)
    text_sha = hashlib.sha256(normalised.text.encode("utf-8")).hexdigest()
    segment_key = _key(stage_fingerprint("segment", profile), read_as, text_sha)
    segmentation = store.load("segment", segment_key) if store else None
    if segmentation is None:
        segmentation = segment_stage(normalised, compiled.segment)
        ran.append("segment")
    if store:
        store.keep("segment", segment_key, segmentation)
    _same_family(path, normalised.text, segmentation, compiled, family_required)
    extraction_key = _key(later, segment_key, info.document_id, info.source_path)
    extraction = store.load("assemble", extraction_key) if store else None
    if extraction is None:
        extraction = _after_segment(normalised, segmentation, info, compiled, redaction)
        ran += ["entities", "values", "assemble"]
    if store:
        store.keep("assemble", extraction_key, extraction)
    return Walk(extraction, normalised, ran)


class OtherFamily(UnusableInputError):
    """A document of another shipped report family than the run's profile: read as this family, its
    values would be wrong. ``profile_id`` names its family; a run that routes families reads it with
    that family's profile, any other run refuses it with this one line."""

    def __init__(self, path: Path | str, problem: str, profile_id: str | None) -> None:
        super().__init__(path, problem)
        self.profile_id = profile_id

    def __reduce__(self) -> tuple:
        return OtherFamily, (self.path, self.problem, self.profile_id)


def _heads(text: str) -> list[str]:
    """The first ``TITLE_LINES`` lines that are not blank, folded as titles are compared."""
    heads = []
    for line in text.split("\n", 20 * TITLE_LINES)[: 20 * TITLE_LINES]:
        if line.strip():
            heads.append(fold_title(line))
            if len(heads) == TITLE_LINES:
                break
    return heads


PROSE_WORDS = 8
"""A report's title is followed, within three lines, by a line of prose this long; a site menu's
item of the same name is followed by more menu items."""


def family_of(text: str, families: tuple[Profile, ...]) -> tuple[Profile | None, list[Profile]]:
    """The family whose title is the report's, and the families whose titles its first lines show:
    a title followed by prose wins over one that is not (a menu item, a link); of several followed by
    prose, the first. (None, [...]) when no family's title is there, or several are and none is
    followed by prose."""
    heads = _heads(text)
    titles = [fold_title(family.title) for family in families]
    titled = [any(starts_with_title(line, wanted) for wanted in titles) for line in heads]

    def prose_after(n: int) -> bool:
        for line, is_title in zip(heads[n + 1 : n + 4], titled[n + 1 : n + 4]):
            if is_title:
                return False  # another title comes first: a menu of titles
            if len(line.split()) >= PROSE_WORDS:
                return True
        return False

    found: list[tuple[bool, int, Profile]] = []
    for family, wanted in zip(families, titles):
        places = [n for n, line in enumerate(heads) if starts_with_title(line, wanted)]
        if places:
            prose = [n for n in places if prose_after(n)]
            found.append((bool(prose), (prose or places)[0], family))
    shown = [family for _, _, family in found]
    # on one line the longest title is the line's ("Beviljade projekt för test" over "Beviljade projekt")
    with_prose = sorted((n, -len(family.title), family.id, family) for strong, n, family in found if strong)
    if with_prose:
        return with_prose[0][3], shown
    lines = {n for _, n, _ in found}
    if len(lines) == 1:
        return max(found, key=lambda f: len(f[2].title))[2], shown
    return None, shown


def _same_family(path: Path, text: str, segmentation: Segmentation, compiled: CompiledProfile,
                 required: bool) -> None:
    """Refuses a document whose first lines show another shipped family's title as the report's (a
    sibling report dropped into raw/): read as this family, its values would be wrong. With
    ``required`` (a run that routes each document to its family), a document with no family's
    title, or with several families' and none of them the report's, is refused too."""
    family, shown = family_of(text, (compiled.profile, *compiled.siblings))
    if family is compiled.profile:
        return
    if family is not None:
        raise OtherFamily(path, f"this is a {family.title!r} report (its title line), not "
                                f"{compiled.profile.title!r}; read it with its own profile, "
                                f"--profile pipeline/profiles/{family.id}.toml", family.id)
    if not shown and segmentation.title is not None and not required:
        return  # the title further down (after a long site menu): read as asked
    if len(shown) > 1:
        raise OtherFamily(path, f"its first lines show the titles of several report families "
                                f"({', '.join(repr(f.title) for f in shown)}) and none is followed by the report's "
                                "text; read it with --profile", None)
    if required:
        titles = ", ".join(repr(p.title) for p in (compiled.profile, *compiled.siblings))
        raise OtherFamily(path, f"no report family recognises it: none of its first {TITLE_LINES} lines starts "
                                f"with a family's title ({titles}); add the title, or read it with --profile",
                          None)


def _info(source: SourceInfo, normalised: NormalisedText) -> SourceInfo:
    return SourceInfo(source.document_id, source.source_path, source.source_sha256, source.source_format,
                      normalised.encoding, normalised.pages)


def markdown() -> str:
    """The stage list as the README's "Stages" section writes it (``.venv/bin/python -m pipeline.stages``)."""
    lines = []
    for n, stage in enumerate(STAGES, start=1):
        modules = ", ".join(f"`{m.removeprefix('pipeline.').replace('.', '/')}.py`" for m in stage.modules)
        kept = (f"kept in {', '.join(f'`{name}`' for name in stage.kept_in)}" if stage.kept_in
                else "not kept: it runs whenever a stage after it runs")
        lines.append(f"{n}. **{stage.name}** → `{stage.makes}` ({modules}; {kept}): {stage.does}.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
