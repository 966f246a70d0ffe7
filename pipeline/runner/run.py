"""The extract command: every supported file in the raw folder goes through the stages.

Before anything is written, the output and interim folders are claimed (``folders``): checked
against the raw folder and each other, required to be empty or the pipeline's own, and locked
against a second run. Documents then stream through the stages one at a time (in a process pool
with ``jobs`` > 1, results in document order), each into staging folders; nothing replaces
``interim/`` or ``output/`` until every document has succeeded (or, with ``keep_going``, has been
recorded as failed). Any exception inside one document's stages is that document's one-line
failure, never the run's crash.

A document's stages are re-run only when their inputs changed (``fingerprints``): the text stage
when the source bytes, its reader's code, the profile's reader hints or (for a PDF) the engine change; the later stages
when the text, their code, the reference data or the profile change. Otherwise
``interim/<document_id>/`` is reused, once every file in it has been checked against its hash.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import profile as profiles
from pipeline.readers import registry as readers
from pipeline.errors import ConfigurationError, PipelineError, UnusableInputError, WriteError, shown, writing
from pipeline import stages
from pipeline.compiled import CompiledProfile, compile_profile
from pipeline.findings import Code
from pipeline.models import Extraction, Finding
from pipeline.paths import PROFILES_DIR
from pipeline.profile import Profile
from pipeline.publish import dcat
from pipeline.publish.writer import PROVENANCE, BackgroundFiles, CompanionFactory, OutputWriter, write_file
from pipeline.readers.pdf import DEFAULT_ENGINE
from pipeline.readers.registry import READERS
from pipeline.readers.text import NormalisedText, read_source_bytes
from pipeline.review import diff
from pipeline.review.site import ReviewWriter
from pipeline.redact import check_salt, salt_fingerprint
from pipeline.runner import cache, editions, folders
from pipeline.runner.sources import Source, discover
from pipeline.runner.folders import remove_owned
from pipeline.runner.swap import remove_leftovers, staging_dir, swap_in, unmark_staging

ERROR_DETAIL_LENGTH = 300
"""An internal error's message is cut to this many characters in its one line."""


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
    warnings: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """Sources of the previous output that are gone from the raw folder, and so from the dataset."""
    set_aside: list[str] = field(default_factory=list)
    """Sources set aside as another form of an edition that is read from another file."""
    stages_run: Counter[str] = field(default_factory=Counter)
    """How many documents each stage ran for; the others' artefacts came from ``interim/``."""
    stage_names: tuple[str, ...] = tuple(stage.name for stage in stages.STAGES)
    profile_id: str = ""
    """The run's profile: its documents are at the top of the output tree."""
    families: Counter[str] = field(default_factory=Counter)
    """Documents per report family (profile id) published."""


@dataclass(frozen=True)
class Options:
    profile: Profile
    redact_salt: str | None = None
    pdf_engine: str = DEFAULT_ENGINE
    route: bool = False
    """Read each document with the shipped profile whose title it has (``make extract``); a document
    no family recognises is refused. False: every document with ``profile`` (``--profile``), one of
    another family refused."""


@dataclass
class Outcome:
    """One document's result: its extraction, or the one-line reason it failed."""

    source: Source
    extraction: Extraction | None = None
    error: str | None = None
    staging: Path | None = None
    reused: bool = False
    ran: tuple[str, ...] = ()
    """The stages that ran for it; the others' artefacts came from its interim folder."""
    dumped: dict | None = None
    """The extraction's JSON form without its text, made once for the interim files and the output."""
    profile_id: str | None = None
    """The report family it was read as (another than the run's profile when the run routes families)."""
    warnings: list[str] = field(default_factory=list)
    traceback: str | None = None


def walk(source: Source, data: bytes, compiled: CompiledProfile, redact_salt: str | None = None,
         pdf_engine: str = DEFAULT_ENGINE, store: stages.Store | None = None, family_required: bool = False
         ) -> stages.Walk:
    """Walks the stages on one source's bytes (already read), with the artefacts ``store`` kept.
    With ``redact_salt``, every person's name (contacts and PERSON spans anywhere), e-mail address
    and phone number is replaced in the text and in the reader's findings, and the text is
    extracted again."""
    info = stages.SourceInfo(document_id=source.document_id, source_path=source.relative,
                             source_sha256=hashlib.sha256(data).hexdigest(), source_format=source.source_format,
                             encoding="", pages=None)
    return stages.extract(source.path, data, info, compiled, store, redact_salt, pdf_engine, family_required)


def extract_text(source: Source, data: bytes, compiled: CompiledProfile, redact_salt: str | None = None,
                 pdf_engine: str = DEFAULT_ENGINE) -> tuple[Extraction, NormalisedText]:
    """Every stage on one source's bytes, with no cache: the extraction and the text it was read from."""
    walked = walk(source, data, compiled, redact_salt, pdf_engine)
    return walked.extraction, walked.normalised


def read_limit(source: Source) -> tuple[int, str]:
    """How many bytes of this source may be read, and what it is called in the refusal."""
    return readers.READ_LIMITS[source.source_format]


def extract_document(source: Source, compiled: CompiledProfile | None = None, redact_salt: str | None = None,
                     pdf_engine: str = DEFAULT_ENGINE) -> tuple[Extraction, NormalisedText]:
    """Reads and extracts one source file (with the default profile when none is given), with no
    cache; raises ``UnusableInputError`` when it cannot be read."""
    compiled = compiled or compile_profile(profiles.default())
    return extract_text(source, read_source_bytes(source.path, *read_limit(source)), compiled,
                        redact_salt, pdf_engine)


def internal_error(source: Source, exc: BaseException) -> str:
    """The one line of an unexpected exception in a document's stages."""
    detail = shown(f"{type(exc).__name__}: {exc}")
    if len(detail) > ERROR_DETAIL_LENGTH:
        detail = detail[: ERROR_DETAIL_LENGTH - 1] + "…"
    return f"{shown(source.path)}: internal error while extracting this document ({detail}); rerun with --verbose " \
           "for the traceback"


class _Worker:
    compiled: CompiledProfile | None = None
    """The compiled profile a worker process was started with (``_start_worker``): built once in the
    run's process before the workers fork, so they share it instead of each compiling its own."""


def _start_worker(compiled: CompiledProfile) -> None:
    _Worker.compiled = compiled


_FAMILIES: dict[str, CompiledProfile] = {}
"""The shipped profiles of other families, compiled when a document of theirs first comes (in the
process that reads it)."""


def family(profile_id: str) -> CompiledProfile:
    """The shipped profile ``pipeline/profiles/<profile_id>.toml``, compiled once per process."""
    if profile_id not in _FAMILIES:
        _FAMILIES[profile_id] = compile_profile(profiles.load_cached(PROFILES_DIR / f"{profile_id}.toml"))
    return _FAMILIES[profile_id]


def process(task: tuple[Source, Path, Options], write: Callable[[Path, bytes], None] = write_file,
            compiled: CompiledProfile | None = None) -> Outcome:
    """The whole pipeline for one document, reusing what is still valid in its interim folder.
    Runs in a worker process (with the profile it was started with) or in the run's own (with
    ``compiled``); writes only to a staging folder, with ``write`` (at once, or on the run's writer
    thread, which the run waits for before it uses the staging folder). Never raises for one document."""
    source, interim_dir, options = task
    compiled = compiled or _Worker.compiled
    assert compiled is not None, "a worker process is started with the compiled profile"
    try:
        data = read_source_bytes(source.path, *read_limit(source))
        sha = hashlib.sha256(data).hexdigest()
        folder = interim_dir / source.document_id
        store = cache.DocumentStore(folder, sha, salt_fingerprint(options.redact_salt))
        try:
            walked = walk(source, data, compiled, options.redact_salt, options.pdf_engine, store, options.route)
        except stages.OtherFamily as other:
            if not options.route or other.profile_id is None:
                raise
            compiled = family(other.profile_id)  # its own family's profile, and a store of its own keys
            store = cache.DocumentStore(folder, sha, salt_fingerprint(options.redact_salt))
            walked = walk(source, data, compiled, options.redact_salt, options.pdf_engine, store)
        warnings = [f"{line}; the document is re-extracted" for line in store.mismatches] + store.unusable
        if not walked.ran:
            return Outcome(source, walked.extraction, reused=True, profile_id=compiled.profile.id)
        extraction, files, dumped = walked.extraction, store.files, store.dumped
        staging = staging_dir(folder)
        try:
            for name, content in files.items():
                write(staging / name, content)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # created empty just now, written only here
            raise
        return Outcome(source, extraction, staging=staging, warnings=warnings, dumped=dumped, ran=tuple(walked.ran),
                       profile_id=compiled.profile.id)
    except UnusableInputError as exc:
        return Outcome(source, error=str(exc))
    except WriteError:
        raise  # a full disk is no document's failure: the run stops, the previous output kept
    except (Exception, SystemExit) as exc:  # a bug, a resource limit or a library's exit in one document: that
        return Outcome(source, error=internal_error(source, exc), traceback=traceback.format_exc())  # document's failure


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


def _outcomes(sources: list[Source], interim_dir: Path, options: Options, jobs: int,
              files: BackgroundFiles, compiled: CompiledProfile) -> Iterator[Outcome]:
    """Each document's outcome, in order; one job writes its interim files with ``files``."""
    tasks = [(source, interim_dir, options) for source in sources]
    with fewer_collections():
        if jobs <= 1 or len(sources) <= 1:
            yield from (process(task, files.write, compiled) for task in tasks)
            return
        compiled.entities.pipeline.nlp  # built once here, inherited by the forked workers instead of built in each
        pool = ProcessPoolExecutor(min(jobs, len(sources)), mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(compiled,))
        try:
            results = pool.map(process, tasks, chunksize=1)
            for n in range(len(sources)):
                try:
                    yield next(results)
                except BrokenProcessPool:  # a worker died (killed, out of memory): which document killed it is
                    pool.shutdown(wait=True, cancel_futures=True)  # not known, so the rest run one by one,
                    yield from (_isolated(task, compiled) for task in tasks[n:])  # each in a worker of its own
                    return
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _isolated(task: tuple[Source, Path, Options], compiled: CompiledProfile) -> Outcome:
    """One document in a worker process of its own: its outcome, or its failure when the worker dies."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
                             initargs=(compiled,)) as one:
        try:
            return one.submit(process, task).result()
        except BrokenProcessPool:
            return Outcome(task[0], error=f"{shown(task[0].path)}: the worker process ended while extracting this "
                                          "document (killed, or out of memory?)")


def _failure_row(document_id: str, message: str) -> dict:
    return {"document_id": document_id, "county_code": None, "severity": Code.unusable_source.severity,
            "code": Code.unusable_source.value, "field": None, "message": message, "evidence": message.split(": ", 1)[0],
            "start": None, "end": None}


def _output_owned(tree: Path) -> set[str]:
    """What of an old output tree the pipeline wrote: the files its marker lists, the marker, and an
    earlier ``pipeline export`` into its export/ folder (made from the tables being replaced)."""
    from pipeline.publish.export import earlier_export_files

    marker = folders.read_marker(tree)
    if marker is None or marker[0] != folders.OUTPUT:
        return set()
    return marker[1] | {folders.MARKERS[folders.OUTPUT]} | earlier_export_files(tree)


def _interim_owned(_: Path) -> set[str]:
    return set(cache.INTERIM_FILES)


def _previous(output_dir: Path) -> diff.Snapshot | None:
    """The extraction being replaced (its ``json/``), for the review site's "changed since"; None
    when there is none or it is one this version cannot compare."""
    if not (output_dir / "json").is_dir():
        return None
    try:
        return diff.load_folder(output_dir / "json")
    except diff.DiffError:
        return None


def _changes_since(previous: diff.Snapshot, extraction: Extraction, files: dict[str, dict]) -> list:
    """The changes of one document since the previous extraction, from the JSON files the writer is
    writing for it."""
    document_id = extraction.document.document_id
    new = diff.document_snapshot("this extraction", document_id, files)
    old_id = document_id
    if old_id not in previous.documents:  # the same report under another file name: compared with its old self
        old_id = next(iter(diff.paired(previous, new)), old_id)
    return diff.compare(diff.only(previous, old_id), new).changes


def _companions(profile: Profile, previous: diff.Snapshot | None = None) -> list[CompanionFactory]:
    """What is written beside the dataset: the review site, in ``review/`` of the output tree, which
    shows what changed since the extraction it replaces."""
    since = (lambda extraction, files: _changes_since(previous, extraction, files)) if previous is not None else None
    return [lambda staging, write: ReviewWriter(staging / "review", profile, write, since,
                                                "the previous extraction")]


def _kept(paths: list[str]) -> list[str]:
    return [f"{shown(path)}: kept, the pipeline did not write it (move it out of the pipeline's folders)"
            for path in paths]


def run(raw_dir: Path, interim_dir: Path, output_dir: Path, profile: Profile | None = None, jobs: int = 1,
        keep_going: bool = False, redact_salt: str | None = None,
        progress: Callable[[int, int, str], None] | None = None, pdf_engine: str = DEFAULT_ENGINE,
        wait: float = 0, compiled: CompiledProfile | None = None, publishing: Path | None = None,
        route: bool = False) -> Summary:
    """Extracts every source under ``raw_dir`` with ``profile`` (the default profile when None),
    PDFs with ``pdf_engine``.
    Without ``keep_going`` one unusable document stops the run with every failing file named and
    nothing replaced; with it the others are published and each failure is an ``error`` row in
    ``quality`` (the CLI still exits non-zero). ``wait`` is how long to wait for another run that
    holds the folders. ``compiled``: the profile already compiled (``compile_profile``), else it is
    compiled here, once for the run. ``publishing``: the data portal settings (``publish/dcat``;
    ``pipeline/publishing.toml`` when None). ``route``: read each document with the shipped profile
    whose title it has, each other family's dataset in ``output/families/<id>/`` (``Options.route``)."""
    profile = compiled.profile if compiled is not None else profile or profiles.default()
    if redact_salt is not None:
        check_salt(redact_salt)
    if not raw_dir.is_dir():
        raise ConfigurationError(f"{shown(raw_dir)}: the raw folder does not exist")
    settings = dcat.load_publishing(publishing) if publishing is not None else dcat.load_publishing()
    claim = folders.claim(raw_dir, interim_dir, output_dir, wait)
    try:
        return _run(raw_dir, claim, compiled or compile_profile(profile), jobs, keep_going, redact_salt, progress,
                    pdf_engine, settings, route)
    finally:
        claim.release()


def _count(summary: Summary, extraction: Extraction) -> None:
    summary.documents += 1
    summary.families[extraction.document.profile_id] += 1
    summary.regions += len(extraction.regions)
    summary.findings.update(f.severity for f in extraction.document.quality)
    summary.findings.update(f.severity for r in extraction.regions for f in r.quality)


def _old_sources(output_dir: Path) -> list[dict]:
    """The sources of the output being replaced, from its provenance (none when it has none)."""
    try:
        data = json.loads((output_dir / PROVENANCE).read_text(encoding="utf-8"))
        return [d for d in [*data.get("documents", []), *data.get("set_aside", [])]
                if isinstance(d, dict) and isinstance(d.get("source_path"), str)]
    except (OSError, ValueError, AttributeError, TypeError):
        return []


def _removed(old: list[dict], raw_dir: Path, sources: list[Source], refused: list) -> list[str]:
    """A line for each source of the previous output that is no longer in the raw folder."""
    present = {s.relative for s in sources} | {f"{raw_dir.name}/{r.path.relative_to(raw_dir).as_posix()}"
                                               for r in refused}
    return [f"{shown(d['source_path'])}: gone from the raw folder, so "
            + (f"document {shown(str(d.get('document_id')))} is no longer in the dataset" if "same_edition_as" not in d
               else f"no longer set aside as another form of document {shown(str(d['same_edition_as']))}")
            for d in old if d["source_path"] not in present]


def _forget_removed(interim_dir: Path, sources: list[Source], refused: list) -> list[str]:
    """Removes the interim folders of documents whose source is gone (only the cache's own files);
    returns the paths kept."""
    current = {s.document_id for s in sources} | {r.document_id for r in refused}
    kept: list[str] = []
    try:
        entries = sorted(os.scandir(interim_dir), key=lambda e: e.name)
    except OSError:
        return kept
    for entry in entries:
        if entry.name.startswith(".") or entry.name in current or not entry.is_dir(follow_symlinks=False):
            continue
        kept += [f"{Path(entry.path) / name}" for name in remove_owned(Path(entry.path), set(cache.INTERIM_FILES))]
    return kept


@dataclass
class _Published:
    """A document read in this run: where its interim files are, and its edition print."""

    source: Source
    folder: Path
    print: editions.EditionPrint
    profile_id: str


FAMILIES_DIR = "families"
"""Where a run that routes families writes each other family's dataset: ``output/families/<id>/``,
a tree like ``output/``'s own (json/, parquet/, review/, its data package and record)."""


class _Writers:
    """One output writer per report family of the run: the run's profile writes the top of the
    output tree, each other family ``families/<profile id>/`` inside it, made when its first
    document comes."""

    def __init__(self, staging: Path, output_dir: Path, profile: Profile, settings: dcat.Publishing) -> None:
        self.staging, self.output_dir, self.profile, self.settings = staging, output_dir, profile, settings
        self.by_family: dict[str, OutputWriter] = {
            profile.id: OutputWriter(staging, profile, _companions(profile, _previous(output_dir)), settings)}

    def __getitem__(self, profile_id: str | None) -> OutputWriter:
        profile_id = profile_id or self.profile.id
        if profile_id not in self.by_family:
            profile = family(profile_id).profile
            tree = self.staging / FAMILIES_DIR / profile_id
            with writing(tree):
                tree.mkdir(parents=True)
            self.by_family[profile_id] = OutputWriter(
                tree, profile, _companions(profile, _previous(self.output_dir / FAMILIES_DIR / profile_id)),
                self.settings)
        return self.by_family[profile_id]

    @property
    def main(self) -> OutputWriter:
        return self.by_family[self.profile.id]

    def finish(self) -> dict[str, int]:
        rows: Counter[str] = Counter()
        for writer in self.by_family.values():
            rows.update(writer.finish())
        return dict(rows)

    def abort(self) -> None:
        for writer in self.by_family.values():
            writer.abort()


def _run(raw_dir: Path, claim: folders.Claim, compiled: CompiledProfile, jobs: int, keep_going: bool,
         redact_salt: str | None, progress: Callable[[int, int, str], None] | None, pdf_engine: str,
         settings: dcat.Publishing, route: bool = False) -> Summary:
    profile = compiled.profile
    interim_dir, output_dir = claim.interim, claim.output
    summary = Summary(profile_id=profile.id)
    output_staging: Path | None = None
    writer: _Writers | None = None
    stagings: list[tuple[Path, Path]] = []
    interim_files = BackgroundFiles()
    try:
        sources, skipped, refused = discover(raw_dir)
        summary.skipped = skipped
        if not sources and not refused:
            raise ConfigurationError(f"{shown(raw_dir)}: no supported source files ({', '.join(READERS)})")
        old_sources = _old_sources(output_dir)
        summary.warnings += _kept(remove_leftovers(output_dir.parent, output_dir.name, _output_owned))
        summary.warnings += _kept(remove_leftovers(interim_dir, None, _interim_owned))
        output_staging = staging_dir(output_dir, marked=True)
        writer = _Writers(output_staging, output_dir, profile, settings)
        failure_rows: list[dict] = []
        for item in refused:
            summary.failures.append(item.message)
            failure_rows.append(_failure_row(item.document_id, item.message))
        writer.main.add_rows({"quality": failure_rows})
        published: list[_Published] = []
        options = Options(profile, redact_salt, pdf_engine, route)
        for n, outcome in enumerate(_outcomes(sources, interim_dir, options, jobs, interim_files, compiled), start=1):
            if progress:
                progress(n, len(sources), shown(outcome.source.relative))
            summary.warnings += outcome.warnings
            if outcome.traceback:
                summary.tracebacks.append(outcome.traceback)
            if outcome.error is not None:
                summary.failures.append(outcome.error)
                failure_rows.append(_failure_row(outcome.source.document_id, outcome.error))
                writer.main.add_rows({"quality": failure_rows[-1:]})
                continue
            extraction = outcome.extraction
            assert extraction is not None
            if outcome.staging is not None:
                stagings.append((outcome.staging, interim_dir / outcome.source.document_id))
            summary.reused += outcome.reused
            summary.reextracted += not outcome.reused
            summary.stages_run.update(outcome.ran)
            published.append(_Published(outcome.source, outcome.staging or interim_dir / outcome.source.document_id,
                                        editions.edition_print(extraction), extraction.document.profile_id))
            writer[outcome.profile_id].add(extraction, outcome.dumped)
            _count(summary, extraction)
        interim_files.wait()
        interim_files.close()
        if summary.failures and not keep_going:
            raise FailedDocuments(summary.failures, summary.tracebacks)
        found = editions.group([p.print for p in published])
        if found.set_aside or found.near:
            # rare: published again from the interim files just written, without the documents set
            # aside and with the findings that name them (the first tree is the run's own staging)
            writer.abort()
            shutil.rmtree(output_staging)
            output_staging = staging_dir(output_dir, marked=True)
            writer = _Writers(output_staging, output_dir, profile, settings)
            writer.main.add_rows({"quality": failure_rows})
            summary.documents = summary.regions = 0
            summary.findings.clear()
            summary.families.clear()
            for item in published:
                if item.print.document_id not in found.set_aside:
                    extraction = _with_edition_findings(cache.load(item.folder), found)
                    writer[item.profile_id].add(extraction)
                    _count(summary, extraction)
            writer.main.set_aside = [{"document_id": s.document_id, "source_path": s.source_path,
                                 "source_format": s.source_format, "same_edition_as": s.kept}
                                for s in found.set_aside.values()]
            summary.set_aside = [f"{shown(s.source_path)}: the same edition as {shown(s.kept_path)}, which is read "
                                 "instead" for s in found.set_aside.values()]
        summary.findings.update("error" for _ in summary.failures)
        for staging, target in stagings:
            summary.warnings += _kept(swap_in(staging, target, _interim_owned))
        stagings.clear()
        summary.rows = writer.finish()
        if dcat.PLACEHOLDER_HOST in settings.base_url or not settings.contact_email:
            summary.warnings.append(f"{shown(output_dir / dcat.RECORD)}: the data portal's record still has the "
                                    "default " + ("address of the files" if dcat.PLACEHOLDER_HOST in settings.base_url
                                                  else "empty contact e-mail") + " (pipeline/publishing.toml, "
                                    "or --publishing FILE); set it before publishing")
        unmark_staging(output_staging)
        folders.write_marker(output_staging, folders.OUTPUT, folders.tree_files(output_staging))
        summary.warnings += _kept(swap_in(output_staging, output_dir, _output_owned))
        output_staging = None
        summary.removed = _removed(old_sources, raw_dir, sources, refused)
        summary.warnings += _kept(_forget_removed(interim_dir, sources, refused))
    except BaseException:
        interim_files.close()  # before the staging folders it writes into are removed
        if writer is not None:
            writer.abort()
        if output_staging is not None:
            shutil.rmtree(output_staging, ignore_errors=True)  # created empty by this run, written only by it
        for staging, _ in stagings:
            shutil.rmtree(staging, ignore_errors=True)
        folders.forget_interim(claim)
        raise
    return summary


class FailedDocuments(PipelineError):
    """Documents that could not be read: one line each, naming the file."""

    def __init__(self, failures: list[str], tracebacks: list[str] | None = None) -> None:
        self.failures = failures
        self.tracebacks = tracebacks or []
        """The tracebacks of internal errors among them, for ``--verbose``."""
        super().__init__("\n".join(failures))


def _with_edition_findings(extraction: Extraction, found: editions.Editions) -> Extraction:
    """The extraction with a warning for each source set aside as the same edition, and for each
    document that reads nearly the same."""
    doc = extraction.document
    added = []
    for other in found.kept_with(doc.document_id):
        extra = f"; it has words this one has not: {editions.quoted(other.extra_words)}" if other.extra_words else ""
        added.append(Finding(
            county_code=None, severity=Code.duplicate_document.severity, code=Code.duplicate_document, field="regions",
            message=f"{other.source_path} holds the same edition of the report; it is read once, from "
                    f"{doc.source_path} (fewest errors and warnings, then text before web page before PDF), and "
                    f"{other.source_path} is set aside{extra}",
            evidence=other.source_path))
    for near in found.near:
        if near.document_id == doc.document_id:
            added.append(Finding(
                county_code=None, severity=Code.near_duplicate_document.severity, code=Code.near_duplicate_document,
                field="regions",
                message=f"{near.other_path} has the same title and regions and differs only in "
                        f"{', '.join(near.regions)}; both are kept as separate documents, so the counts of the other "
                        "regions appear twice: if the two files are one edition, remove one",
                evidence=near.other_path))
    if not added:
        return extraction
    document = doc.model_copy(update={"quality": [*doc.quality, *added]})
    return extraction.model_copy(update={"document": document})
