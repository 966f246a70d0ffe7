"""Output: extractions are written as JSON and Parquet into a new output tree.

JSON is byte-stable for reviewers: UTF-8 as is, two-space indent, model field order, document
order, a final newline, no timestamps. The tree is built in a staging folder that the runner
swaps in (``runner/swap.py``), so a failed or killed run leaves the previous output intact.

A region file is region-local (``region_file``): an edit to one region's source changes that
region's file and no other. The ``Extraction``, the stage cache, the Parquet tables and the review
page keep document offsets into ``interim/<document_id>/text.txt``.

Besides the tables, the tree holds ``provenance.json`` (what made it: the pipeline version, the
profile, each source's SHA-256) and, written last, ``checksums.sha256``: the SHA-256 of every
other file, in ``sha256sum`` format (``cd output && sha256sum -c checksums.sha256``). Make reads
that list to know every output file.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from pipeline import __version__, reference
from pipeline.errors import writing
from pipeline.models import Extraction
from pipeline.profile import Profile
from pipeline.publish import dcat, dictionary
from pipeline.publish.region_file import DOCUMENT_JSON_EXCLUDE, region_json
from pipeline.publish.tables import rows, schemas, with_pandas_metadata

ROW_GROUP_ROWS = 5_000
"""Rows a table buffers before it writes a Parquet row group: few, large groups for readers, and
memory bounded by this, not by the corpus."""


PROVENANCE = "provenance.json"
CHECKSUMS = "checksums.sha256"


def json_bytes(model: BaseModel | dict | list, exclude: set[str] | None = None) -> bytes:
    """The stable JSON of a model or plain value, as UTF-8: characters as they are, two-space
    indent, key order kept, a final newline. (orjson writes exactly what
    ``json.dumps(ensure_ascii=False, indent=2)`` would, ten times faster.)"""
    data = model.model_dump(mode="json", exclude=exclude) if isinstance(model, BaseModel) else model
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def write_file(path: Path, content: str | bytes) -> None:
    """Writes a file of the tree (text as UTF-8 with its line ends as they are); its folder exists."""
    with writing(path):
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


PENDING_WRITES = 64
"""Files the writer thread may have queued; past this, adding waits for the oldest to be written,
so memory stays bounded when the disk is slower than the extraction."""


class BackgroundFiles:
    """Writes files on a thread of its own while the next document is extracted (writing a small
    file costs the disk's time, not the interpreter's), and keeps each file's SHA-256 so that the
    checksums need not read it back. A failed write is raised by ``wait``, never by ``write`` (which
    may be called inside a document's stages, where it would be taken for that document's failure);
    once one has failed, nothing more is written."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="output-writer")
        self._pending: deque[Future] = deque()
        self.digests: dict[Path, str] = {}
        self.error: BaseException | None = None

    def write(self, path: Path, content: bytes) -> None:
        if self.error is not None:
            return
        self.digests[path] = hashlib.sha256(content).hexdigest()
        self._pending.append(self._pool.submit(write_file, path, content))
        while len(self._pending) > PENDING_WRITES or (self._pending and self._pending[0].done()):
            self._settle(self._pending.popleft())

    def _settle(self, future: Future) -> None:
        error = future.exception()  # waits for it
        if error is not None and self.error is None:
            self.error = error

    def wait(self) -> None:
        """Returns once every queued file is written; raises the first write's error."""
        while self._pending:
            self._settle(self._pending.popleft())
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        """Stops the thread once what it is writing is done; what is still queued is not written."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)


class Companion(Protocol):
    """A product written beside the dataset, one document at a time, into the same staging tree
    (the review site): the writer feeds it and finishes it, and never imports it."""

    def add(self, extraction: Extraction, files: dict[str, dict]) -> None:
        """One document, with its JSON files' content as they are written (``document.json`` and
        its region files, by name)."""

    def finish(self) -> None: ...


CompanionFactory = Callable[[Path, Callable[[Path, bytes], None]], Companion]
"""Makes a companion from the staging tree and the writer's file writer (its background thread)."""


class OutputWriter:
    """Builds a new output tree in ``staging``, one document at a time: memory holds one
    document's rows, never the corpus. ``companions`` are written beside it (the runner passes the
    review site's)."""

    def __init__(self, staging: Path, profile: Profile, companions: Sequence[CompanionFactory] = (),
                 publishing: dcat.Publishing | None = None) -> None:
        self.staging = staging
        self.profile = profile
        self.schemas = {name: with_pandas_metadata(schema) for name, schema in schemas(profile.metric_types).items()}
        with writing(self.staging / "parquet"):
            (self.staging / "parquet").mkdir()
            self.writers = {name: pq.ParquetWriter(self._table_path(name), schema)
                            for name, schema in self.schemas.items()}
        self.rows: Counter[str] = Counter()
        self.pending: dict[str, list[dict]] = {name: [] for name in self.schemas}
        self.files = BackgroundFiles()
        self.companions = [make(self.staging, self.files.write) for make in companions]
        self.sources: list[dict] = []
        self.set_aside: list[dict] = []
        """Sources read as another form of an edition published from another file (``runner/editions``)."""
        self.publishing = publishing or dcat.load_publishing()
        self.counties: dict[str, str] = {}
        """The counties with a project, for the data portal's record (``dcat``)."""
        self.redaction: str | None = None
        """The fingerprint of the salt the run redacted with, or None."""

    def add(self, extraction: Extraction, dumped: dict | None = None) -> None:
        """Writes one document's JSON files and appends its rows to every table, from ``dumped``
        (the extraction's JSON form without its text) when the caller has made it already."""
        data = dumped if dumped is not None else extraction.model_dump(mode="json", exclude={"text"})
        doc = data["document"]
        folder = self.staging / "json" / doc["document_id"]
        folder.mkdir(parents=True, exist_ok=True)
        files = {"document.json": {k: v for k, v in doc.items() if k not in DOCUMENT_JSON_EXCLUDE}}
        files.update((name, region_json(region, extraction.text)) for name, region in zip(doc["region_files"],
                                                                                           data["regions"]))
        for name, content in files.items():
            self.files.write(folder / name, json_bytes(content))
        self.add_rows(rows(extraction, self.profile.metric_types, data))
        for companion in self.companions:
            companion.add(extraction, files)
        self.sources.append({k: doc[k] for k in ("document_id", "source_path", "source_format", "source_sha256")})
        self.redaction = doc["redaction_salt_fingerprint"]  # one setting per run
        self.counties.update((code, reference.county_by_code(code).county_name)
                             for r in data["regions"] for code in r["county_codes"])

    def add_rows(self, table_rows: dict[str, list[dict]]) -> None:
        """Buffers rows and writes a row group once a table has ROW_GROUP_ROWS of them."""
        for name, batch in table_rows.items():
            self.pending[name].extend(batch)
            self.rows[name] += len(batch)
            if len(self.pending[name]) >= ROW_GROUP_ROWS:
                self._flush(name)

    def _table_path(self, name: str) -> Path:
        return self.staging / "parquet" / f"{name}.parquet"

    def _flush(self, name: str) -> None:
        if self.pending[name]:
            with writing(self._table_path(name)):
                self.writers[name].write_table(pa.Table.from_pylist(self.pending[name], schema=self.schemas[name]))
            self.pending[name] = []

    def finish(self) -> dict[str, int]:
        """Closes the tables, finishes the companions (the review site) and writes the data
        dictionary; returns the rows per table."""
        for name, writer in self.writers.items():
            self._flush(name)
            with writing(self._table_path(name)):
                writer.close()
        self.files.wait()  # a companion reads back what it wrote (the review site's fragments)
        for companion in self.companions:
            companion.finish()
        dictionary.write(self.staging, self.profile, self.redaction)
        self.files.write(self.staging / PROVENANCE, json_bytes(provenance(self.profile, self.sources, self.set_aside,
                                                                          self.redaction)))
        published = [f"parquet/{name}.parquet" for name in self.schemas] + ["datapackage.json"]
        published += [f"export/csv/{name}.csv" for name in self.schemas] + ["export/tables.xlsx"]  # make export
        self.files.write(self.staging / dcat.RECORD, dcat.record(self.profile, published, sorted(self.counties.items()),
                                                                 self.publishing, self.redaction is not None))
        self.files.wait()
        self.files.close()
        write_file(self.staging / CHECKSUMS, checksums(self.staging, self.files.digests))
        return {name: self.rows[name] for name in self.schemas}

    def abort(self) -> None:
        """Closes what is open; the staging folder is the runner's to remove."""
        self.files.close()
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # already broken; it is being thrown away
                pass


def provenance(profile: Profile, sources: list[dict], set_aside: list[dict] | None = None,
               redaction: str | None = None) -> dict:
    """What made an output tree: the pipeline's version, the profile, whether people's names are
    pseudonyms (with a fingerprint of the salt, never the salt) and every source's hash (no
    timestamps, so an unchanged extraction gives the same bytes); and, when there are any, the
    sources set aside because another file holds the same edition."""
    made = {
        "pipeline_version": __version__,
        "profile": {"id": profile.id, "sha256": profile.sha256},
        "redaction": dictionary.redaction_record(redaction),
        "documents": [{key: source[key] for key in ("document_id", "source_path", "source_format", "source_sha256")}
                      for source in sources],
    }
    if set_aside:
        made["set_aside"] = set_aside
    return made


def checksums(root: Path, known: dict[Path, str] | None = None) -> str:
    """``sha256sum`` lines for every file under ``root`` (paths relative to it, sorted), but the
    hidden files at its top, which are the runner's marker of the folder, not the data. ``known``:
    the digests of files written from bytes in memory, which are not read back."""
    known = known or {}
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != CHECKSUMS
                       and not (p.parent == root and p.name.startswith("."))):
        if path in known:
            digest = known[path]
        else:
            with path.open("rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    return "".join(lines)
