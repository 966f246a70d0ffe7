"""The extract command: every supported file in ``raw/`` goes through the stages.

This is the only module (with ``output``) that touches the disk. Documents stream through the
stages one at a time (in a process pool with ``jobs`` > 1, results in document order), each into
staging folders; nothing replaces ``interim/`` or ``output/`` until every document has succeeded
(or, with ``keep_going``, has been recorded as failed).

A document's stages are re-run only when their inputs changed: the text stage when the source
bytes, its reader's code or the normalisation data change; the later stages when the text, the
code or the reference data change. Otherwise ``interim/<document_id>/`` is reused.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import orjson

from pipeline import output
from pipeline.entities import build_nlp
from pipeline.errors import ConfigurationError, PipelineError, UnusableInputError
from pipeline.models import Extraction, Finding
from pipeline.paths import PACKAGE_DIR
from pipeline.organisations import Resolver
from pipeline.records import SourceInfo, build_extraction
from pipeline.redact import redact, salt_fingerprint
from pipeline.slugs import slugify
from pipeline.html_text import read_html_source
from pipeline.pdf_text import read_pdf_source
from pipeline.text import NormalisedText, read_source_bytes, read_text_source

READERS = {
    ".txt": ("text", read_text_source),
    ".pdf": ("pdf", read_pdf_source),
    ".html": ("html", read_html_source),
    ".htm": ("html", read_html_source),
}
"""Source formats by file suffix, each with the reader that produces its normalised text."""

IGNORED_NAMES = {"README.md", ".gitkeep", ".gitignore"}


@dataclass(frozen=True)
class Source:
    path: Path
    relative: str
    document_id: str
    source_format: str


@dataclass
class Summary:
    """What one run did: the one-screen report the CLI ends with."""

    documents: int = 0
    regions: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    findings: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    reextracted: int = 0
    reused: int = 0
    failures: list[str] = field(default_factory=list)


def discover(raw_dir: Path) -> tuple[list[Source], list[str]]:
    """Returns the supported source files under ``raw_dir`` with stable, unique document ids, and
    a line for each file that is not a source."""
    if not raw_dir.is_dir():
        raise ConfigurationError(f"{raw_dir}: the raw folder does not exist")
    root = raw_dir.resolve()
    found: list[tuple[Path, str, str]] = []
    skipped: list[str] = []
    for path in sorted(raw_dir.rglob("*")):
        relative = path.relative_to(raw_dir).as_posix()
        if path.is_dir() or path.name in IGNORED_NAMES or any(p.startswith(".") for p in path.relative_to(raw_dir).parts):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise UnusableInputError(path, "symlink points outside the raw folder; refused")
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            skipped.append(f"{path}: skipped, not a supported source format ({', '.join(READERS)})")
            continue
        base = "--".join(slugify(part) or "x" for part in Path(relative).with_suffix("").parts)
        found.append((path, relative, base))
    bases = Counter(base for _, _, base in found)
    sources = []
    for path, relative, base in found:
        document_id = base if bases[base] == 1 else f"{base}-{slugify(path.suffix)}"
        sources.append(Source(path, f"{raw_dir.name}/{relative}", document_id, READERS[path.suffix.lower()][0]))
    ids = Counter(s.document_id for s in sources)
    clashes = sorted(i for i, n in ids.items() if n > 1)
    if clashes:
        raise ConfigurationError(f"{raw_dir}: file names give the same document id {clashes}; rename one")
    return sources, skipped


def interim_files(extraction: Extraction, normalised: NormalisedText) -> dict[str, str]:
    """Each stage's output for one document: ``text.txt`` and its metadata, the sections, the entities."""
    doc = extraction.document
    text_meta = {
        "document_id": doc.document_id,
        "source_path": doc.source_path,
        "source_sha256": doc.source_sha256,
        "encoding": normalised.encoding,
        "pages": normalised.pages,
        "characters": len(normalised.text),
        "findings": [f.model_dump(mode="json") for f in normalised.findings],
    }
    sections = {
        "document_id": doc.document_id,
        "regions": [
            {
                "county_code": r.county_code,
                "title": r.title,
                "heading_start": r.heading_start,
                "heading_end": r.heading_end,
                "sections": [s.model_dump(include={"section", "label", "start", "end"}) for s in r.sections],
            }
            for r in extraction.regions
        ],
    }
    entities = {
        "document_id": doc.document_id,
        "regions": [
            {
                "county_code": r.county_code,
                "mentions": [m.model_dump(mode="json") for m in r.mentions],
            }
            for r in extraction.regions
        ],
    }
    return {
        "entities.json": output.to_json(entities),
        "text.txt": normalised.text,
        "text.json": output.to_json(text_meta),
        "sections.json": output.to_json(sections),
    }


READER_FILES = {
    "text": ("text.py", "reference/web_leftovers.csv"),
    "pdf": ("pdf_text.py", "text.py", "reference/web_leftovers.csv", "reference/labels.csv"),
    "html": ("html_text.py", "text.py", "reference/web_leftovers.csv"),
}
READER_LIBRARIES = {"text": ("charset-normalizer",), "pdf": ("pdfplumber", "pdfminer.six"), "html": ("beautifulsoup4",)}


@lru_cache(maxsize=None)
def _fingerprint(files: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (PACKAGE_DIR / name).read_bytes())
    for library in libraries:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


def reader_fingerprint(source_format: str) -> str:
    """Changes when anything the text stage of this format depends on changes."""
    return _fingerprint(READER_FILES[source_format], READER_LIBRARIES[source_format])


def records_fingerprint() -> str:
    """Changes when any code or reference data of the later stages changes."""
    files = sorted(p.relative_to(PACKAGE_DIR).as_posix()
                   for p in [*PACKAGE_DIR.glob("*.py"), *PACKAGE_DIR.glob("reference/*.csv")])
    return _fingerprint(tuple(files), ("spacy", "rapidfuzz", "pydantic"))


@dataclass(frozen=True)
class Options:
    redact_salt: str | None = None


@dataclass
class Outcome:
    """One document's result: its extraction, or the one-line reason it failed."""

    source: Source
    extraction: Extraction | None = None
    error: str | None = None
    staging: Path | None = None
    reused: bool = False


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _cached_text(folder: Path, sha: str, fingerprint: str, redaction: str | None) -> NormalisedText | None:
    meta = _read_json(folder / "text.json")
    if not meta or (meta.get("source_sha256"), meta.get("reader_fingerprint"), meta.get("redaction")) != (
            sha, fingerprint, redaction):
        return None
    try:
        text = (folder / "text.txt").read_text(encoding="utf-8")
    except OSError:
        return None
    return NormalisedText(text=text, encoding=meta["encoding"], pages=meta.get("pages"),
                          findings=tuple(Finding.model_validate(f) for f in meta["findings"]))


def _cached_extraction(folder: Path, fingerprint: str, text: str, source: Source) -> Extraction | None:
    cached = _read_json(folder / "extraction.json")
    if not cached or cached.get("records_fingerprint") != fingerprint:
        return None
    try:
        extraction = Extraction.model_validate({**cached["extraction"], "text": text})
    except ValueError:
        return None
    if extraction.document.source_path != source.relative:
        return None
    return extraction


def extract_text(source: Source, data: bytes, redact_salt: str | None) -> tuple[Extraction, NormalisedText]:
    """Runs every stage on one source's bytes (already read)."""
    normalised = READERS[source.path.suffix.lower()][1](source.path, data)
    info = SourceInfo(
        document_id=source.document_id,
        source_path=source.relative,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format=source.source_format,
        encoding=normalised.encoding,
        pages=normalised.pages,
    )
    extraction = build_extraction(normalised.text, info, normalised.findings)
    if redact_salt is not None:
        names = [c.name for r in extraction.regions for c in r.contacts]
        normalised = NormalisedText(text=redact(normalised.text, names, redact_salt), encoding=normalised.encoding,
                                    findings=normalised.findings, pages=normalised.pages)
        extraction = build_extraction(normalised.text, info, normalised.findings)
    return extraction, normalised


def extract_document(source: Source, redact_salt: str | None = None) -> tuple[Extraction, NormalisedText]:
    """Reads and extracts one source file; raises ``UnusableInputError`` when it cannot be read."""
    return extract_text(source, read_source_bytes(source.path), redact_salt)


def process(task: tuple[Source, Path, Options]) -> Outcome:
    """The whole pipeline for one document, reusing what is still valid in its interim folder.
    Runs in a worker process; writes only to a staging folder."""
    source, interim_dir, options = task
    try:
        data = read_source_bytes(source.path)
        sha = hashlib.sha256(data).hexdigest()
        folder = interim_dir / source.document_id
        redaction = salt_fingerprint(options.redact_salt)
        text_fp, records_fp = reader_fingerprint(source.source_format), records_fingerprint()
        normalised = _cached_text(folder, sha, text_fp, redaction)
        extraction = _cached_extraction(folder, records_fp, normalised.text, source) if normalised else None
        if extraction is not None and normalised is not None:
            return Outcome(source, extraction, reused=True)
        extraction, normalised = extract_text(source, data, options.redact_salt)
        staging = output.staging_dir(folder)
        files = interim_files(extraction, normalised)
        text_meta = json.loads(files["text.json"])
        text_meta |= {"reader_fingerprint": text_fp, "redaction": redaction}
        files["text.json"] = output.to_json(text_meta)
        files["extraction.json"] = orjson.dumps(
            {"records_fingerprint": records_fp, "extraction": extraction.model_dump(mode="json", exclude={"text"})}
        ).decode("utf-8") + "\n"
        for name, content in files.items():
            (staging / name).write_text(content, encoding="utf-8", newline="\n")
        return Outcome(source, extraction, staging=staging)
    except UnusableInputError as exc:
        return Outcome(source, error=str(exc))


def _outcomes(sources: list[Source], interim_dir: Path, options: Options, jobs: int) -> Iterator[Outcome]:
    tasks = [(source, interim_dir, options) for source in sources]
    if jobs <= 1 or len(sources) <= 1:
        yield from map(process, tasks)
        return
    build_nlp()  # built once here, inherited by the forked workers instead of built in each
    Resolver()
    with multiprocessing.get_context("fork").Pool(min(jobs, len(sources))) as pool:
        yield from pool.imap(process, tasks, chunksize=1)


def _signature(extraction: Extraction) -> str:
    """Content that makes two files the same report, whatever their format."""
    regions = [(r.county_code, r.title, [getattr(r, m).raw for m in ("known_social_enterprises",
               "municipalities_promoting", "business_promoters")], [c.name for c in r.contacts])
               for r in extraction.regions]
    return hashlib.sha256(json.dumps(regions or extraction.text).encode("utf-8")).hexdigest()


def _failure_row(document_id: str, message: str) -> dict:
    return {"document_id": document_id, "county_code": None, "severity": "error", "code": "unusable_source",
            "message": message, "evidence": message.split(": ", 1)[0], "start": None, "end": None}


def run(raw_dir: Path, interim_dir: Path, output_dir: Path, jobs: int = 1, keep_going: bool = False,
        redact_salt: str | None = None, progress: Callable[[int, int, str], None] | None = None) -> Summary:
    """Extracts every source under ``raw_dir``. Without ``keep_going`` one unusable document stops
    the run with every failing file named and nothing replaced; with it the others are published
    and each failure is an ``error`` row in ``quality`` (the CLI still exits non-zero)."""
    sources, skipped = discover(raw_dir)
    if not sources:
        raise ConfigurationError(f"{raw_dir}: no supported source files ({', '.join(READERS)})")
    summary = Summary(skipped=skipped)
    interim_existed = interim_dir.exists()
    writer = output.OutputWriter(output_dir)
    stagings: list[tuple[Path, Path]] = []
    seen: dict[str, str] = {}
    try:
        for n, outcome in enumerate(_outcomes(sources, interim_dir, Options(redact_salt), jobs), start=1):
            if progress:
                progress(n, len(sources), outcome.source.relative)
            if outcome.error is not None:
                summary.failures.append(outcome.error)
                writer.add_rows({"quality": [_failure_row(outcome.source.document_id, outcome.error)]})
                continue
            extraction = outcome.extraction
            assert extraction is not None
            if outcome.staging is not None:
                stagings.append((outcome.staging, interim_dir / outcome.source.document_id))
            summary.reused += outcome.reused
            summary.reextracted += not outcome.reused
            signature = _signature(extraction)
            if signature in seen:
                extraction = _mark_duplicate(extraction, seen[signature])
            seen.setdefault(signature, extraction.document.document_id)
            writer.add(extraction)
            summary.documents += 1
            summary.regions += len(extraction.regions)
            summary.findings.update(f.severity for f in extraction.document.quality)
            summary.findings.update(f.severity for r in extraction.regions for f in r.quality)
        if summary.failures and not keep_going:
            raise FailedDocuments(summary.failures)
        summary.findings.update("error" for _ in summary.failures)
        for staging, target in stagings:
            output.swap_in(staging, target)
        stagings.clear()
        summary.rows = writer.commit()
    except BaseException:
        writer.abort()
        for staging, _ in stagings:
            shutil.rmtree(staging, ignore_errors=True)
        if not interim_existed and interim_dir.is_dir() and not any(interim_dir.iterdir()):
            interim_dir.rmdir()
        raise
    return summary


class FailedDocuments(PipelineError):
    """Documents that could not be read: one line each, naming the file."""

    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        super().__init__("\n".join(failures))


def _mark_duplicate(extraction: Extraction, first: str) -> Extraction:
    finding = Finding(county_code=None, severity="warning", code="duplicate_document",
                      message=f"same content as document {first!r}; both are kept, so counts appear twice",
                      evidence=extraction.document.source_path)
    document = extraction.document.model_copy(update={"quality": [*extraction.document.quality, finding]})
    return extraction.model_copy(update={"document": document})
