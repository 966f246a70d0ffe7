"""Region files: a region's record as ``output/json/<document_id>/<county_code>-<slug>.json`` holds it.

A region file is region-local, so that an edit to one region's source changes that region's file
and no other: every offset in it counts characters from the first character of the region's
heading (its ``heading_start`` is 0), and a finding message that names a line of ``text.txt``
("line 412: label …") names it from the heading's line, which is line 1 ("region line 12: label …").
Moving a region, or changing the length of another, leaves the file as it was. Example: in the seed,
Region Blekinge's heading is at offset 1022 of ``text.txt`` and its contact section at 1158-1261;
``10-blekinge.json`` writes them as ``heading_start`` 0 and a contact section at 136-239.

Everything else keeps document offsets into ``interim/<document_id>/text.txt``: the ``Extraction``,
the stage cache, the Parquet tables and the review page. ``document_offsets`` turns a region file's
offsets back into those, given the region's ``heading_start`` from the ``regions`` table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipeline.models import Region

DOCUMENT_JSON_EXCLUDE = frozenset({"source_sha256"})
"""Kept in Parquet and interim/, not in document.json: an edit to one region's source then changes
only that region's JSON file, which is what a reviewer's diff should show. ``provenance.json``
records it instead."""

OFFSET_KEYS = frozenset({"start", "end", "heading_start", "heading_end"})
"""The keys whose integer values are character offsets, wherever they sit in a file."""

DOCUMENT_LINE = re.compile(r"^line (?P<line>\d+): ")
"""How a finding message names a line of ``text.txt`` ("line 412: label 'Samverkar med' read as …")."""
REGION_LINE = "region line {}: "
"""How a region file's finding message names the same line, counted from the heading's line (1)."""


def _shifted(value: Any, by: int, message: Callable[[str], str] | None = None) -> Any:
    """``value`` with every offset moved by ``by`` and every finding message rewritten by ``message``."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in OFFSET_KEYS and isinstance(item, int):
                out[key] = item + by
            elif key == "message" and message and isinstance(item, str):
                out[key] = message(item)
            elif isinstance(item, (dict, list)):
                out[key] = _shifted(item, by, message)
            else:
                out[key] = item
        return out
    if isinstance(value, list):
        return [_shifted(item, by, message) if isinstance(item, (dict, list)) else item for item in value]
    return value


def region_json(region: Region | dict, text: str) -> dict:
    """The region's file content: its fields with region-local offsets and message line numbers
    (``region`` is the model or its JSON form, ``model_dump(mode="json")``)."""
    data = region if isinstance(region, dict) else region.model_dump(mode="json")
    heading_start = data["heading_start"]
    lines_before = text.count("\n", 0, heading_start)

    def local_line(message: str) -> str:
        return DOCUMENT_LINE.sub(lambda m: REGION_LINE.format(int(m["line"]) - lines_before), message, count=1)

    return _shifted(data, -heading_start, local_line)


def document_offsets(region_file: dict, heading_start: int) -> dict:
    """A region file's content with offsets into ``interim/<document_id>/text.txt`` again, given the
    region's ``heading_start`` there (the ``regions`` table has it)."""
    return _shifted(region_file, heading_start)
