"""The data dictionary, generated from the pydantic models (never written twice by hand).

- ``output/schema/document.schema.json`` and ``region.schema.json``: JSON Schema of the JSON files.
- ``output/datapackage.json``: a Frictionless data package for the Parquet tables, with each
  column's type, description, enum and whether it holds personal data, each table's grain,
  primary key and foreign keys, and each file's SHA-256 hash and size.
"""

from __future__ import annotations

import hashlib
import json
import typing
from pathlib import Path

import pyarrow as pa
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pipeline import models
from pipeline.findings import CATALOGUE
from pipeline.profile import Profile
from pipeline.publish.tables import GRAINS, schemas
from pipeline.publish.region_file import OFFSET_KEYS

TABLE_MODELS: dict[str, tuple[type[BaseModel], ...]] = {
    "documents": (models.Document,),
    "regions": (models.Region,),
    "counts": (models.Count, models.Region),
    "sections": (models.Section, models.Region),
    "contacts": (models.Contact, models.Region),
    "goals": (models.Goal, models.Region),
    "purpose_items": (models.PurposeItem, models.Region),
    "organisations": (models.Organisation, models.Region),
    "mentions": (models.Mention, models.Region),
    "quality": (models.Finding, models.Region),
    "counties": (models.CountyStatus, models.Region),
}
PRIMARY_KEYS = {
    "documents": ["document_id"],
    "regions": ["document_id", "heading_start"],
    "counts": ["document_id", "start", "metric"],
    "sections": ["document_id", "start", "section"],
    "contacts": ["document_id", "start"],
    "goals": ["document_id", "start"],
    "purpose_items": ["document_id", "start"],
    "organisations": ["document_id", "organisation_id"],
    "mentions": ["document_id", "start", "end"],
    "counties": ["document_id", "county_code"],
}
"""Offsets identify a region's rows even when a document repeats a region (an error finding)."""
FOREIGN_KEYS = {  # contacts.organisation_id also refers to organisations, but may be null
    "mentions": [(["document_id", "organisation_id"], "organisations", ["document_id", "organisation_id"])],
    "regions": [(["document_id", "county_code"], "counties", ["document_id", "county_code"])],
    "counts": [(["document_id", "county_code"], "counties", ["document_id", "county_code"])],
    **{table: [(["document_id"], "documents", ["document_id"])]
       for table in ("sections", "goals", "purpose_items", "organisations", "counties")},
}
_TYPES = {pa.string(): "string", pa.int64(): "integer", pa.bool_(): "boolean", pa.float64(): "number"}


def _field(table: str, column: str, profile: Profile) -> tuple[FieldInfo, str]:
    """The model field a column comes from, and a description prefix for count columns."""
    if table == "regions":
        for metric in profile.metrics:
            if column == metric.id or column.startswith(f"{metric.id}_"):
                part = column[len(metric.id):].lstrip("_") or "value"
                return models.Count.model_fields[part], f"{metric.id} ({metric.description}): "
    if table == "counts" and column == "metric":
        return FieldInfo(annotation=str, description="the count metric's id in the profile: "
                         + ", ".join(profile.metric_ids)), ""
    for model in TABLE_MODELS[table]:
        if column in model.model_fields:
            return model.model_fields[column], ""
    raise KeyError(f"{table}.{column} has no model field to describe it")


def _enum(info: FieldInfo) -> list[str] | None:
    annotation = info.annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return list(typing.get_args(arg))
    return None


def table_schema(table: str, profile: Profile) -> dict:
    fields = []
    for arrow_field in schemas(profile.metric_ids)[table]:
        info, prefix = _field(table, arrow_field.name, profile)
        description = prefix + (info.description or "")
        if pa.types.is_list(arrow_field.type):  # Parquet lists arrive as arrays, which only "any" accepts
            kind, description = "any", f"{description} (a list of strings)"
        else:
            kind = _TYPES[arrow_field.type]
        field: dict = {"name": arrow_field.name, "type": kind, "description": description}
        constraints: dict = {"required": not arrow_field.nullable}
        if (enum := _enum(info)) is not None:
            constraints["enum"] = enum
        elif arrow_field.name == "code" and table == "quality":
            constraints["enum"] = [code.value for code in CATALOGUE]
        elif arrow_field.name == "section":
            constraints["enum"] = list(profile.section_ids)
        elif arrow_field.name == "metric":
            constraints["enum"] = list(profile.metric_ids)
        field["constraints"] = constraints
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("personal_data"):
            field["personal_data"] = True
        fields.append(field)
    schema: dict = {"fields": fields, "missingValues": []}  # only null is missing; "" is an empty text
    if table in PRIMARY_KEYS:
        schema["primaryKey"] = PRIMARY_KEYS[table]
    if table in FOREIGN_KEYS:
        schema["foreignKeys"] = [{"fields": own, "reference": {"resource": other, "fields": theirs}}
                                 for own, other, theirs in FOREIGN_KEYS[table]]
    return schema


def datapackage(output: Path, profile: Profile) -> dict:
    """The data package for the Parquet tables under ``output/parquet``, with their hashes and sizes."""
    resources = []
    for table in schemas(profile.metric_ids):
        path = output / "parquet" / f"{table}.parquet"
        data = path.read_bytes()
        resources.append({
            "name": table,
            "path": f"parquet/{table}.parquet",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "description": GRAINS[table],
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
            "bytes": len(data),
            "schema": table_schema(table, profile),
        })
    return {
        "name": "regional-social-enterprise-projects",
        "title": "Regional social-enterprise projects, extracted from Tillväxtverket's reports",
        "description": "Offsets (start/end) point into interim/<document_id>/text.txt. Columns marked "
                       "personal_data hold names of people; `extract --redact-people` replaces them.",
        "resources": resources,
    }


REGION_OFFSETS = (
    "Offsets are region-local: every start, end, heading_start and heading_end in this file counts characters "
    "from the first character of the region's heading, so heading_start is 0 and a value's text is "
    "region_text[start:end], where region_text is interim/<document_id>/text.txt from the region's heading on. "
    "Adding the region's heading_start from the regions table (whose offsets, like every Parquet table's, point "
    "into text.txt) gives the document offset. A finding message that names a line ('region line 3: …') counts "
    "lines from the heading's line, which is line 1. So an edit elsewhere in the document, or a region moved, "
    "never changes this file."
)
"""The rule of a region file's offsets (``publish/writer.py`` applies it), as its schema states it."""


def _region_local(node: object) -> None:
    """Rewrites, in place, the description of every offset property of a region schema."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if name in OFFSET_KEYS and isinstance(prop.get("description"), str):
                prop["description"] = (prop["description"]
                                       .replace("in interim/<document_id>/text.txt",
                                                "counted from the region heading's first character")
                                       .replace("text.txt[start:end]", "region_text[start:end]"))
        for value in node.values():
            _region_local(value)
    elif isinstance(node, list):
        for value in node:
            _region_local(value)


def region_json_schema(profile: Profile) -> dict:
    """The region file's schema: the model's, with ``counts`` spread into one property per metric
    of the profile, in profile order, as the JSON writes them, and its offsets described as the
    region-local ones the file holds."""
    schema = models.Region.model_json_schema()
    schema["description"] = f"{schema['description']}\n\n{REGION_OFFSETS}"
    _region_local(schema)
    schema["properties"]["heading_start"].update(
        const=0, description="always 0: this file's offsets count from the heading's first character")
    message = schema["$defs"]["Finding"]["properties"]["message"]
    message["description"] += "; a line it names is counted from the region's heading line ('region line 3: …')"
    properties: dict = {}
    for name, prop in schema["properties"].items():
        if name != "counts":
            properties[name] = prop
            continue
        for metric in profile.metrics:
            properties[metric.id] = {"$ref": "#/$defs/Count", "description": f"{metric.label!r}: {metric.description}"}
    schema["properties"] = properties
    schema["required"] = [n for n in schema.get("required", []) if n != "counts"] + list(profile.metric_ids)
    return schema


def json_schemas(profile: Profile) -> dict[str, dict]:
    return {"document.schema.json": models.Document.model_json_schema(),
            "region.schema.json": region_json_schema(profile)}


def write(output: Path, profile: Profile) -> None:
    """Writes the JSON Schemas and the data package into an output tree."""
    (output / "schema").mkdir(exist_ok=True)
    for name, schema in json_schemas(profile).items():
        (output / "schema" / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (output / "datapackage.json").write_text(
        json.dumps(datapackage(output, profile), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
