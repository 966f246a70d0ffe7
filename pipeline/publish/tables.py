"""Tables: extractions become the flat tables of the data contract, with explicit Arrow types.

Every table carries ``document_id``; tables about a unit (a region, a project) carry its
``unit_id`` and ``county_code`` (null for a free unit that names no county). Offsets
(``start``/``end``) point into ``interim/<document_id>/text.txt``.

Counts meet the profile twice: the long ``counts`` table has one row per metric per region, for
any profile; the ``regions`` table has a column group per metric of the profile (``<metric>``,
``<metric>_basis``, ``<metric>_raw``, …), generated from its metric list, for people who want one
row per region.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pyarrow as pa

from pipeline.models import Extraction

_S, _I, _B, _F = pa.string(), pa.int64(), pa.bool_(), pa.float64()


def _schema(*columns: tuple[str, pa.DataType, bool]) -> pa.Schema:
    return pa.schema([pa.field(name, kind, nullable=nullable) for name, kind, nullable in columns])


_DOC = ("document_id", _S, False)
_UNIT = ("unit_id", _S, False)
_COUNTY = ("county_code", _S, True)
_SPAN = (("start", _I, False), ("end", _I, False))

COUNT_PARTS: tuple[tuple[str, pa.DataType, bool], ...] = (
    ("value", _I, True), ("basis", _S, False), ("qualifier", _S, True), ("raw", _S, True), ("listed", _I, True),
    ("list_is_partial", _B, False),
)
"""The fields of a ``Count``, in column order; in ``regions`` a metric's ``value`` is the column
named after the metric and the others are ``<metric>_<part>``."""


MEASURE_PARTS: tuple[tuple[str, pa.DataType, bool], ...] = (
    ("type", _S, False), ("value", _F, True), ("date", _S, True), ("period_start", _S, True), ("period_end", _S, True),
    ("unit", _S, True), ("unit_raw", _S, True), ("basis", _S, False), ("qualifier", _S, True), ("raw", _S, True),
)
"""The fields of a ``Measure`` (a typed value), in column order of the long ``measures`` table."""
WIDE_MEASURE_PARTS: dict[str, tuple[str, ...]] = {
    "decimal": ("value", "unit", "basis", "qualifier", "raw"),
    "money": ("value", "unit", "unit_raw", "basis", "qualifier", "raw"),
    "percentage": ("value", "unit", "unit_raw", "basis", "qualifier", "raw"),
    "date": ("date", "basis", "raw"),
    "period": ("period_start", "period_end", "basis", "raw"),
}
"""A typed metric's column group in ``regions``: its value (``date`` for a date) is the column
named after the metric, the other parts are ``<metric>_<part>``."""
_VALUE_PART = {"date": "date"}


def count_column(metric: str, part: str, kind: str = "count") -> str:
    return metric if part == _VALUE_PART.get(kind, "value") else f"{metric}_{part}"


def metric_columns(metric: str, kind: str) -> list[tuple[str, str, pa.DataType, bool]]:
    """(column, part, type, nullable) of a metric's column group in the ``regions`` table."""
    if kind == "count":
        return [(count_column(metric, part), part, t, nullable) for part, t, nullable in COUNT_PARTS]
    types = {part: (t, nullable) for part, t, nullable in MEASURE_PARTS}
    return [(count_column(metric, part, kind), part, *types[part]) for part in WIDE_MEASURE_PARTS[kind]]


Metrics = tuple[tuple[str, str], ...]
"""A profile's metrics as (id, type) pairs (``Profile.metric_types``)."""


@lru_cache(maxsize=8)
def schemas(metrics: Metrics) -> dict[str, pa.Schema]:
    """Every table's Arrow schema for a profile's metrics; the grain of each is in GRAINS."""
    return {name: _schema(*columns) for name, columns in _columns(metrics).items()}


def _columns(metrics: Metrics) -> dict[str, tuple[tuple[str, pa.DataType, bool], ...]]:
    return {
        "documents": (
            _DOC, ("source_path", _S, False), ("source_sha256", _S, False), ("source_format", _S, False),
            ("encoding", _S, False), ("pages", _I, True), ("pipeline_version", _S, False),
            ("profile_id", _S, False), ("profile_sha256", _S, False), ("redacted", _B, False),
            ("redaction_salt_fingerprint", _S, True), ("publisher", _S, True), ("title", _S, True),
            ("regions_found", _I, False), ("regions_claimed", _I, True), ("regions_claimed_of", _I, True),
        ),
        "regions": (
            _DOC, _UNIT, _COUNTY, ("county_name", _S, True), ("county_codes", pa.list_(_S), False),
            ("municipality_codes", pa.list_(_S), False), ("region_name", _S, False), ("title", _S, False),
            ("summary", _S, True),
            *[(column, kind, nullable) for metric, type_ in metrics
              for column, _, kind, nullable in metric_columns(metric, type_)],
            ("heading_start", _I, False), ("heading_end", _I, False),
        ),
        "counts": (
            _DOC, _UNIT, _COUNTY, ("metric", _S, False), *COUNT_PARTS, ("start", _I, True), ("end", _I, True),
        ),
        "measures": (
            _DOC, _UNIT, _COUNTY, ("metric", _S, False), *MEASURE_PARTS, ("start", _I, True), ("end", _I, True),
        ),
        "sections": (_DOC, _UNIT, _COUNTY, ("section", _S, False), ("label", _S, True), ("text", _S, False), *_SPAN),
        "contacts": (
            _DOC, _UNIT, _COUNTY, ("name", _S, False), ("role", _S, True), ("role_raw", _S, True),
            ("organisation_id", _S, True), ("organisation_raw", _S, True), ("email", _S, True), ("phone", _S, True),
            ("status", _S, False),
            ("note", _S, True), ("source_line", _S, False), *_SPAN,
        ),
        "goals": (_DOC, _UNIT, _COUNTY, ("ordinal", _I, False), ("label", _S, True), ("text", _S, False), *_SPAN),
        "purpose_items": (_DOC, _UNIT, _COUNTY, ("ordinal", _I, False), ("label", _S, True), ("text", _S, False), *_SPAN),
        "items": (_DOC, _UNIT, _COUNTY, ("section", _S, False), ("ordinal", _I, False), ("label", _S, True),
                  ("text", _S, False), *_SPAN),
        "organisations": (
            _DOC, ("organisation_id", _S, False), ("name", _S, False), ("kind", _S, True),
            ("aliases", pa.list_(_S), False), ("registered", _B, False), ("parent_id", _S, True),
            ("county_code", _S, True), ("municipality_code", _S, True), ("place_id", _S, True),
            ("registry_suggestions", pa.list_(_S), False),
        ),
        "mentions": (
            _DOC, _UNIT, _COUNTY, ("section", _S, False), ("organisation_id", _S, False), ("surface", _S, False),
            ("method", _S, False), ("score", _F, True), ("office", _S, True), *_SPAN,
        ),
        "quality": (
            _DOC, ("county_code", _S, True), ("unit_id", _S, True), ("severity", _S, False), ("code", _S, False), ("field", _S, True), ("message", _S, False),
            ("evidence", _S, False), ("start", _I, True), ("end", _I, True),
        ),
        "claims": (
            _DOC, ("claim", _S, False), ("type", _S, False), ("text", _S, True), ("items", pa.list_(_S), False),
            ("value", _F, True), ("date", _S, True), ("period_start", _S, True), ("period_end", _S, True),
            ("unit", _S, True), ("qualifier", _S, True), ("start", _I, True), ("end", _I, True),
        ),
        "counties": (_DOC, ("county_code", _S, False), ("county_name", _S, False), ("has_project", _B, False)),
    }


GRAINS = {
    "documents": "One row per source document",
    "regions": "One row per region per document, with a column group per count metric of the profile",
    "counts": "One row per count metric per region",
    "measures": "One row per typed metric (money, decimal, percentage, date, period) per region",
    "sections": "One row per labelled section per region",
    "contacts": "One row per person per contact line per region",
    "goals": "One row per goal per region, in document order",
    "purpose_items": "One row per purpose item per region, in document order",
    "items": "One row per item of an item section (reads_as = items) per unit; the section column names which",
    "organisations": "One row per organisation referred to per document",
    "mentions": "One row per organisation mention per section per region",
    "quality": "One row per quality finding; county_code is null for document-level findings",
    "claims": "One row per claim the intro makes about the whole report (the profile's claims)",
    "counties": "One row per county of the reference table per document",
}
"""The grain of every table: what one row is."""


def rows(extraction: Extraction, metrics: Metrics, dumped: dict | None = None) -> dict[str, list[dict]]:
    """Returns the rows of every table for one extraction (from ``dumped``, its JSON form without
    the text, when the caller has it already: one dump serves every table). A row holds its table's
    columns and nothing else, so buffered rows keep no more of the document than they need."""
    data = dumped if dumped is not None else extraction.model_dump(mode="json", exclude={"text"})
    columns = _column_names(metrics)
    out: dict[str, list[dict]] = {name: [] for name in columns}

    def add(table: str, *parts: dict) -> None:
        merged: dict = {}
        for part in parts:
            merged |= part
        out[table].append({name: merged[name] for name in columns[table]})

    doc = data["document"]
    d = {"document_id": doc["document_id"]}
    add("documents", d, doc)
    for table, items in (("counties", doc["counties"]), ("organisations", doc["organisations"]),
                         ("quality", doc["quality"]), ("claims", doc["claims"])):
        for item in items:
            add(table, d, item)
    for region in data["regions"]:
        r = d | {"county_code": region["county_code"], "unit_id": region["unit_id"]}
        spread = {}
        for metric, kind in metrics:
            count = region[metric]
            spread |= {column: count[part] for column, part, _, _ in metric_columns(metric, kind)}
            add("counts" if kind == "count" else "measures", r, {"metric": metric}, count)
        add("regions", r, region, spread)
        for table in ("sections", "contacts", "goals", "purpose_items", "items", "mentions"):
            for item in region[table]:
                add(table, r, item)
        for finding in region["quality"]:
            add("quality", d, finding)
    return out


@lru_cache(maxsize=8)
def _column_names(metrics: Metrics) -> dict[str, tuple[str, ...]]:
    return {table: tuple(name for name, _, _ in columns) for table, columns in _columns(metrics).items()}


_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(), pa.float64(): pd.Float64Dtype()}


def with_pandas_metadata(schema: pa.Schema) -> pa.Schema:
    """The schema with pandas metadata, so ``pd.read_parquet`` gives nullable ``Int64`` (not float)
    for counts and offsets, and ``boolean`` for flags."""
    empty = schema.empty_table().to_pandas(types_mapper=_PANDAS_TYPES.get)
    return pa.Table.from_pandas(empty, schema=schema, preserve_index=False).schema
