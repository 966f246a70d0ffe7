"""Stage 5: extractions are written as JSON and Parquet, and swapped in atomically.

JSON is byte-stable for reviewers: UTF-8 as is, two-space indent, model field order, document
order, a final newline, no timestamps. A new output tree is built beside the old one and the two
are exchanged in one step, so a failed or killed run leaves the previous output intact.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from pydantic import BaseModel

from pipeline.models import Extraction
from pipeline.tables import build_tables

_RENAME_EXCHANGE = 2


DOCUMENT_JSON_EXCLUDE = {"source_sha256"}
"""Kept in Parquet and interim/, not in document.json: an edit to one region's source then changes
only that region's JSON file, which is what a reviewer's diff should show."""


def to_json(model: BaseModel | dict | list, exclude: set[str] | None = None) -> str:
    """The stable JSON text of a model or plain value."""
    data = model.model_dump(mode="json", exclude=exclude) if isinstance(model, BaseModel) else model
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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


def write_output_tree(root: Path, extractions: list[Extraction]) -> dict[str, int]:
    """Writes ``json/`` and ``parquet/`` under ``root``; returns the rows per table."""
    for extraction in extractions:
        doc = extraction.document
        folder = root / "json" / doc.document_id
        _write(folder / "document.json", to_json(doc, exclude=DOCUMENT_JSON_EXCLUDE))
        for name, region in zip(doc.region_files, extraction.regions):
            _write(folder / name, to_json(region))
    tables = build_tables(extractions)
    (root / "parquet").mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, root / "parquet" / f"{name}.parquet")
    return {name: table.num_rows for name, table in tables.items()}


def publish(output: Path, extractions: list[Extraction]) -> dict[str, int]:
    """Replaces ``output`` with the tree for ``extractions`` in one atomic step."""
    staging = staging_dir(output)
    try:
        counts = write_output_tree(staging, extractions)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, output)
    return counts
