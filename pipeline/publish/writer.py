"""Stage 5: extractions are written as JSON and Parquet, and swapped in atomically.

JSON is byte-stable for reviewers: UTF-8 as is, two-space indent, model field order, document
order, a final newline, no timestamps. A new output tree is built beside the old one and the two
are exchanged in one step, so a failed or killed run leaves the previous output intact.
"""

from __future__ import annotations

import ctypes
import orjson
import os
import shutil
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from pipeline import dictionary
from pipeline.models import Extraction
from pipeline.review import ReviewWriter
from pipeline.tables import SCHEMAS, rows, with_pandas_metadata

_RENAME_EXCHANGE = 2
ROW_GROUP_ROWS = 5_000
"""Rows a table buffers before it writes a Parquet row group: few, large groups for readers, and
memory bounded by this, not by the corpus."""


DOCUMENT_JSON_EXCLUDE = {"source_sha256"}
"""Kept in Parquet and interim/, not in document.json: an edit to one region's source then changes
only that region's JSON file, which is what a reviewer's diff should show."""


def to_json(model: BaseModel | dict | list, exclude: set[str] | None = None) -> str:
    """The stable JSON text of a model or plain value: UTF-8 as is, two-space indent, key order kept.
    (orjson writes exactly what ``json.dumps(ensure_ascii=False, indent=2)`` would, ten times faster.)"""
    data = model.model_dump(mode="json", exclude=exclude) if isinstance(model, BaseModel) else model
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8", newline="\n")


def _exchange(new: Path, old: Path) -> bool:
    """Atomically swaps two directories (Linux ``renameat2``); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(old), _RENAME_EXCHANGE)
    return result == 0


def swap_in(staging: Path, target: Path) -> None:
    """Makes ``staging`` the new ``target``; the old tree is removed once the swap is done."""
    if target.exists():
        if not _exchange(staging, target):
            retired = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, retired)
            os.rename(staging, target)
            staging = retired
        shutil.rmtree(staging)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, target)


def staging_dir(target: Path) -> Path:
    """A fresh empty folder beside ``target`` (same file system), with leftovers of killed runs removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    staging.mkdir()
    return staging


class OutputWriter:
    """Builds a new output tree beside ``output``, one document at a time, and swaps it in on
    ``commit``: memory holds one document's rows, never the corpus."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.staging = staging_dir(output)
        (self.staging / "parquet").mkdir()
        self.schemas = {name: with_pandas_metadata(schema) for name, schema in SCHEMAS.items()}
        self.writers = {name: pq.ParquetWriter(self.staging / "parquet" / f"{name}.parquet", schema)
                        for name, schema in self.schemas.items()}
        self.rows: Counter[str] = Counter()
        self.pending: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
        self.review = ReviewWriter(self.staging / "review")

    def add(self, extraction: Extraction) -> None:
        """Writes one document's JSON files and appends its rows to every table."""
        doc = extraction.document
        folder = self.staging / "json" / doc.document_id
        _write(folder / "document.json", to_json(doc, exclude=DOCUMENT_JSON_EXCLUDE))
        for name, region in zip(doc.region_files, extraction.regions):
            _write(folder / name, to_json(region))
        self.add_rows(rows(extraction))
        self.review.add(extraction)

    def add_rows(self, table_rows: dict[str, list[dict]]) -> None:
        """Buffers rows and writes a row group once a table has ROW_GROUP_ROWS of them."""
        for name, batch in table_rows.items():
            self.pending[name].extend(batch)
            self.rows[name] += len(batch)
            if len(self.pending[name]) >= ROW_GROUP_ROWS:
                self._flush(name)

    def _flush(self, name: str) -> None:
        if self.pending[name]:
            schema = self.schemas[name]
            self.writers[name].write_table(
                pa.Table.from_pylist([{f.name: row[f.name] for f in schema} for row in self.pending[name]],
                                     schema=schema))
            self.pending[name] = []

    def write_file(self, relative: str, content: str) -> None:
        _write(self.staging / relative, content)

    def commit(self) -> dict[str, int]:
        """Closes the tables and makes the new tree the output; returns the rows per table."""
        for name, writer in self.writers.items():
            self._flush(name)
            writer.close()
        self.review.finish()
        dictionary.write(self.staging)
        swap_in(self.staging, self.output)
        return {name: self.rows[name] for name in SCHEMAS}

    def abort(self) -> None:
        """Leaves the previous output exactly as it was."""
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # already broken; it is being thrown away
                pass
        shutil.rmtree(self.staging, ignore_errors=True)
