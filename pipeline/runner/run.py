"""The extract command: every supported file in the raw folder goes through the stages.

Documents stream through the stages one at a time (in a process pool with ``jobs`` > 1, results
in document order), each into staging folders; nothing replaces ``interim/`` or ``output/`` until
every document has succeeded (or, with ``keep_going``, has been recorded as failed).

A document's stages are re-run only when their inputs changed (``fingerprints``): the text stage
when the source bytes, its reader's code, the profile's reader hints or (for a PDF) the engine change; the later stages
when the text, their code, the reference data or the profile change. Otherwise
``interim/<document_id>/`` is reused.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import profile as profiles
from pipeline.readers import registry as readers
from pipeline.entities import build_nlp
from pipeline.errors import ConfigurationError, PipelineError, UnusableInputError
from pipeline.extraction import SourceInfo, build_extraction, resolver_for
from pipeline.findings import Code
from pipeline.models import Extraction, Finding
from pipeline.profile import Profile
from pipeline.publish.writer import OutputWriter
from pipeline.readers.pdf import DEFAULT_ENGINE
from pipeline.readers.registry import READERS
from pipeline.readers.text import NormalisedText, read_source_bytes
from pipeline.redact import redact, salt_fingerprint
from pipeline.runner import cache
from pipeline.runner.fingerprints import fingerprint
from pipeline.runner.sources import Source, discover
from pipeline.runner.swap import staging_dir, swap_in

RECORDS_LIBRARIES = ("spacy", "rapidfuzz", "pydantic")
"""Third-party packages whose version changes what the later stages make of a text."""


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


def reader_fingerprint(source_format: str, profile: Profile, pdf_engine: str = DEFAULT_ENGINE) -> str:
    """Changes when anything the text stage of this format depends on changes: for a PDF, the
    engine that reads it too."""
    fmt = next(f for f, _ in READERS.values() if f == source_format)
    engine = f"\0pdf engine {pdf_engine}" if fmt == "pdf" else ""
    return fingerprint(readers.READER_MODULES[fmt], readers.reader_libraries(fmt, pdf_engine),
                       readers.hints_fingerprint(profile) + engine)


def records_fingerprint(profile: Profile) -> str:
    """Changes when any code, reference data or profile setting of the later stages changes."""
    return fingerprint("pipeline.extraction", RECORDS_LIBRARIES, profile.sha256)


@dataclass(frozen=True)
class Options:
    profile: Profile
    redact_salt: str | None = None
    pdf_engine: str = DEFAULT_ENGINE


@dataclass
class Outcome:
    """One document's result: its extraction, or the one-line reason it failed."""

    source: Source
    extraction: Extraction | None = None
    error: str | None = None
    staging: Path | None = None
    reused: bool = False
    dumped: dict | None = None
    """The extraction's JSON form without its text, made once for the interim files and the output."""


def extract_text(source: Source, data: bytes, profile: Profile, redact_salt: str | None = None,
                 pdf_engine: str = DEFAULT_ENGINE) -> tuple[Extraction, NormalisedText]:
    """Runs every stage on one source's bytes (already read)."""
    _, normalised = readers.read(source.path, data, readers.hints(profile), pdf_engine)
    info = SourceInfo(
        document_id=source.document_id,
        source_path=source.relative,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format=source.source_format,
        encoding=normalised.encoding,
        pages=normalised.pages,
    )
    extraction = build_extraction(normalised.text, info, profile, normalised.findings)
    if redact_salt is not None:
        names = [c.name for r in extraction.regions for c in r.contacts]
        normalised = NormalisedText(text=redact(normalised.text, names, redact_salt), encoding=normalised.encoding,
                                    findings=normalised.findings, pages=normalised.pages)
        extraction = build_extraction(normalised.text, info, profile, normalised.findings)
    return extraction, normalised


def extract_document(source: Source, profile: Profile | None = None, redact_salt: str | None = None,
                     pdf_engine: str = DEFAULT_ENGINE) -> tuple[Extraction, NormalisedText]:
    """Reads and extracts one source file (with the default profile when none is given); raises
    ``UnusableInputError`` when it cannot be read."""
    return extract_text(source, read_source_bytes(source.path), profile or profiles.default(), redact_salt,
                        pdf_engine)


def process(task: tuple[Source, Path, Options]) -> Outcome:
    """The whole pipeline for one document, reusing what is still valid in its interim folder.
    Runs in a worker process; writes only to a staging folder."""
    source, interim_dir, options = task
    try:
        data = read_source_bytes(source.path)
        sha = hashlib.sha256(data).hexdigest()
        folder = interim_dir / source.document_id
        redaction = salt_fingerprint(options.redact_salt)
        text_fp = reader_fingerprint(source.source_format, options.profile, options.pdf_engine)
        records_fp = records_fingerprint(options.profile)
        normalised = cache.cached_text(folder, sha, text_fp, redaction)
        extraction = cache.cached_extraction(folder, records_fp, normalised.text, source.relative) if normalised else None
        if extraction is not None and normalised is not None:
            return Outcome(source, extraction, reused=True)
        extraction, normalised = extract_text(source, data, options.profile, options.redact_salt, options.pdf_engine)
        staging = staging_dir(folder)
        dumped = extraction.model_dump(mode="json", exclude={"text"})
        for name, content in cache.interim_files(extraction, normalised, text_fp, records_fp, redaction,
                                                 dumped).items():
            (staging / name).write_text(content, encoding="utf-8", newline="\n")
        return Outcome(source, extraction, staging=staging, dumped=dumped)
    except UnusableInputError as exc:
        return Outcome(source, error=str(exc))


GC_THRESHOLD = 20_000
"""Allocations between the garbage collector's youngest-generation passes during a run (Python's
default is 700): a document makes hundreds of thousands of short-lived objects, and collecting
every 700 of them cost a tenth of the text stages' time."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """For the run: what exists before it (code, reference data, the spaCy pipeline) is left out of
    collections, and the youngest generation is collected less often."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(previous[0], GC_THRESHOLD), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def _outcomes(sources: list[Source], interim_dir: Path, options: Options, jobs: int) -> Iterator[Outcome]:
    tasks = [(source, interim_dir, options) for source in sources]
    with fewer_collections():
        if jobs <= 1 or len(sources) <= 1:
            yield from map(process, tasks)
            return
        build_nlp(options.profile)  # built once here, inherited by the forked workers instead of built in each
        resolver_for(options.profile)
        with multiprocessing.get_context("fork").Pool(min(jobs, len(sources))) as pool:
            yield from pool.imap(process, tasks, chunksize=1)


def _signature(extraction: Extraction) -> str:
    """Content that makes two files the same report, whatever their format."""
    regions = [(r.county_code, r.title, [c.raw for c in r.counts.values()], [c.name for c in r.contacts])
               for r in extraction.regions]
    return hashlib.sha256(json.dumps(regions or extraction.text).encode("utf-8")).hexdigest()


def _failure_row(document_id: str, message: str) -> dict:
    return {"document_id": document_id, "county_code": None, "severity": Code.unusable_source.severity,
            "code": Code.unusable_source.value, "message": message, "evidence": message.split(": ", 1)[0],
            "start": None, "end": None}


def run(raw_dir: Path, interim_dir: Path, output_dir: Path, profile: Profile | None = None, jobs: int = 1,
        keep_going: bool = False, redact_salt: str | None = None,
        progress: Callable[[int, int, str], None] | None = None, pdf_engine: str = DEFAULT_ENGINE) -> Summary:
    """Extracts every source under ``raw_dir`` with ``profile`` (the default profile when None),
    PDFs with ``pdf_engine``.
    Without ``keep_going`` one unusable document stops the run with every failing file named and
    nothing replaced; with it the others are published and each failure is an ``error`` row in
    ``quality`` (the CLI still exits non-zero)."""
    profile = profile or profiles.default()
    sources, skipped = discover(raw_dir)
    if not sources:
        raise ConfigurationError(f"{raw_dir}: no supported source files ({', '.join(READERS)})")
    summary = Summary(skipped=skipped)
    interim_existed = interim_dir.exists()
    output_staging = staging_dir(output_dir)
    writer = OutputWriter(output_staging, profile)
    stagings: list[tuple[Path, Path]] = []
    seen: dict[str, str] = {}
    try:
        for n, outcome in enumerate(_outcomes(sources, interim_dir, Options(profile, redact_salt, pdf_engine), jobs), start=1):
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
            dumped = outcome.dumped
            if signature in seen:
                extraction, dumped = _mark_duplicate(extraction, seen[signature]), None
            seen.setdefault(signature, extraction.document.document_id)
            writer.add(extraction, dumped)
            summary.documents += 1
            summary.regions += len(extraction.regions)
            summary.findings.update(f.severity for f in extraction.document.quality)
            summary.findings.update(f.severity for r in extraction.regions for f in r.quality)
        if summary.failures and not keep_going:
            raise FailedDocuments(summary.failures)
        summary.findings.update("error" for _ in summary.failures)
        for staging, target in stagings:
            swap_in(staging, target)
        stagings.clear()
        summary.rows = writer.finish()
        swap_in(output_staging, output_dir)
    except BaseException:
        writer.abort()
        shutil.rmtree(output_staging, ignore_errors=True)
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
    finding = Finding(county_code=None, severity=Code.duplicate_document.severity, code=Code.duplicate_document,
                      message=f"same content as document {first!r}; both are kept, so counts appear twice",
                      evidence=extraction.document.source_path)
    document = extraction.document.model_copy(update={"quality": [*extraction.document.quality, finding]})
    return extraction.model_copy(update={"document": document})
