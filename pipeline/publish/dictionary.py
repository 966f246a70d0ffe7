"""The data dictionary, generated from the pydantic models (never written twice by hand).

- ``output/schema/document.schema.json`` and ``region.schema.json``: JSON Schema of the JSON files.
- ``output/datapackage.json``: a Frictionless data package for the Parquet tables, with each
  column's type, description, enum and whether it holds personal data, each table's grain,
  primary key and foreign keys. (Frictionless cannot hash a Parquet file, so the files' SHA-256
  are in ``output/checksums.sha256``, written by ``publish/writer``; the package validates as is.)
- ``docs/data-dictionary.md``: the same for people, with the JSON files, the profile's count
  metrics and the finding-code catalogue (``pipeline dictionary`` writes it; CI checks it is fresh).
"""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pyarrow as pa
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from pipeline import models
from pipeline.errors import writing
from pipeline.findings import CATALOGUE
from pipeline.profile import Profile
from pipeline.publish.tables import GRAINS, metric_columns, schemas
from pipeline.publish.region_file import DOCUMENT_JSON_EXCLUDE, OFFSET_KEYS

TABLE_MODELS: dict[str, tuple[type[BaseModel], ...]] = {
    "documents": (models.Document,),
    "regions": (models.Region,),
    "counts": (models.Count, models.Region),
    "measures": (models.Measure, models.Region),
    "sections": (models.Section, models.Region),
    "contacts": (models.Contact, models.Region),
    "goals": (models.Goal, models.Region),
    "purpose_items": (models.PurposeItem, models.Region),
    "items": (models.Item, models.Region),
    "organisations": (models.Organisation, models.Region),
    "mentions": (models.Mention, models.Region),
    "quality": (models.Finding, models.Region),
    "claims": (models.Claim, models.Region),
    "counties": (models.CountyStatus, models.Region),
}
PRIMARY_KEYS = {
    "documents": ["document_id"],
    "regions": ["document_id", "heading_start"],
    "counts": ["document_id", "start", "metric"],
    "measures": ["document_id", "start", "metric"],
    "sections": ["document_id", "start", "section"],
    "contacts": ["document_id", "start"],
    "goals": ["document_id", "start"],
    "purpose_items": ["document_id", "start"],
    "items": ["document_id", "start"],
    "organisations": ["document_id", "organisation_id"],
    "mentions": ["document_id", "start", "end"],
    "counties": ["document_id", "county_code"],
    "claims": ["document_id", "claim"],
}
"""Offsets identify a region's rows even when a document repeats a region (an error finding)."""
FOREIGN_KEYS = {  # contacts.organisation_id also refers to organisations, but may be null
    "mentions": [(["document_id", "organisation_id"], "organisations", ["document_id", "organisation_id"])],
    "regions": [(["document_id", "county_code"], "counties", ["document_id", "county_code"])],
    "counts": [(["document_id", "county_code"], "counties", ["document_id", "county_code"])],
    "measures": [(["document_id", "county_code"], "counties", ["document_id", "county_code"])],
    **{table: [(["document_id"], "documents", ["document_id"])]
       for table in ("sections", "goals", "purpose_items", "items", "organisations", "counties", "claims")},
}
_TYPES = {pa.string(): "string", pa.int64(): "integer", pa.bool_(): "boolean", pa.float64(): "number"}


def _field(table: str, column: str, profile: Profile) -> tuple[FieldInfo, str]:
    """The model field a column comes from, and a description prefix for count columns."""
    if table == "regions":
        for metric in profile.metrics:
            for name, part, _, _ in metric_columns(metric.id, metric.type):
                if column == name:
                    model = models.Count if metric.type == "count" else models.Measure
                    unit = f", in {metric.canonical_unit}" if metric.canonical_unit else ""
                    return model.model_fields[part], f"{metric.id} ({metric.description}; {metric.type}{unit}): "
    if table in ("counts", "measures") and column == "metric":
        kinds = [m.id for m in profile.metrics if (m.type == "count") == (table == "counts")]
        return FieldInfo(annotation=str, description=f"the {'count' if table == 'counts' else 'typed'} metric's id "
                         "in the profile: " + (", ".join(kinds) or "(none in this profile)")), ""
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
    for arrow_field in schemas(profile.metric_types)[table]:
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
            constraints["enum"] = [m.id for m in profile.metrics if (m.type == "count") == (table == "counts")]
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


def redaction_record(redaction: str | None) -> dict:
    """How provenance.json and the data package say whether the names are pseudonyms."""
    return {"redacted": redaction is not None, "salt_fingerprint": redaction}


def datapackage(profile: Profile, redaction: str | None = None) -> dict:
    """The data package for the Parquet tables under ``output/parquet``; ``redaction``: the
    fingerprint of the salt the names were redacted with, or None."""
    resources = [{
        "name": table,
        "path": f"parquet/{table}.parquet",
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "description": GRAINS[table],
        "schema": table_schema(table, profile),
    } for table in schemas(profile.metric_types)]
    return {
        "name": "regional-social-enterprise-projects",
        "title": "Regional social-enterprise projects, extracted from Tillväxtverket's reports",
        "description": "Offsets (start/end) point into interim/<document_id>/text.txt. Columns marked "
                       "personal_data hold names of people; `extract --redact-people` replaces them. "
                       "Each file's SHA-256 is in checksums.sha256; what made the data is in provenance.json."
                       + (" REDACTED: the names, e-mail addresses and phone numbers of people in these tables are "
                          "pseudonyms, not as written." if redaction is not None else ""),
        "redaction": redaction_record(redaction),
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
            kind = "Count" if metric.type == "count" else "Measure"
            properties[metric.id] = {"$ref": f"#/$defs/{kind}", "description": f"{metric.label!r}: {metric.description}"}
    schema["properties"] = properties
    schema["required"] = [n for n in schema.get("required", []) if n != "counts"] + list(profile.metric_ids)
    return schema


def document_json_schema() -> dict:
    """The document file's schema: the model's, without the fields the writer keeps out of it."""
    schema = models.Document.model_json_schema()
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k not in DOCUMENT_JSON_EXCLUDE}
    schema["required"] = [k for k in schema.get("required", []) if k not in DOCUMENT_JSON_EXCLUDE]
    return schema


def json_schemas(profile: Profile) -> dict[str, dict]:
    return {"document.schema.json": document_json_schema(), "region.schema.json": region_json_schema(profile)}


def write(output: Path, profile: Profile, redaction: str | None = None) -> None:
    """Writes the JSON Schemas and the data package into an output tree."""
    with writing(output / "schema"):
        (output / "schema").mkdir(exist_ok=True)
    for name, schema in json_schemas(profile).items():
        with writing(output / "schema" / name):
            (output / "schema" / name).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")
    with writing(output / "datapackage.json"):
        (output / "datapackage.json").write_text(
            json.dumps(datapackage(profile, redaction), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


_SEVERITY_MEANINGS = {
    "error": "the data is wrong or missing",
    "warning": "a reviewer should look",
    "info": "recorded; nothing is wrong with the value",
}


def _cell(value: object) -> str:
    """Text for one Markdown table cell: on one line, pipes escaped, and ``<`` outside code spans
    escaped so that "<document_id>" is not read as an HTML tag."""
    pieces = " ".join(str(value).split()).replace("|", "\\|").split("`")
    return "`".join(p if n % 2 else p.replace("<", "&lt;") for n, p in enumerate(pieces))


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|",
            *("| " + " | ".join(_cell(v) for v in row) + " |" for row in rows)]


def _codes(values: list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _arrow_type(kind: pa.DataType) -> str:
    if pa.types.is_list(kind):
        return f"list of {_arrow_type(kind.value_type)}"
    return _TYPES[kind]


def columns(table: str, profile: Profile) -> list[dict]:
    """Each column of a table for people: name, type in words, nullable, description, allowed values
    (a list, or None) and whether it holds personal data."""
    out = []
    for arrow_field, field in zip(schemas(profile.metric_types)[table], table_schema(table, profile)["fields"]):
        out.append({"name": field["name"], "type": _arrow_type(arrow_field.type), "nullable": arrow_field.nullable,
                    "description": field["description"].removesuffix(" (a list of strings)"),
                    "allowed": field["constraints"].get("enum"), "personal_data": bool(field.get("personal_data"))})
    return out


def _json_type(prop: dict, defs: dict) -> str:
    """A JSON Schema property's type, in words."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        if defs.get(name, {}).get("type") != "object":
            return defs.get(name, {}).get("type", "any")
        return f"[{name}](#{name.lower()}-object) object"
    if "anyOf" in prop:
        kinds = [_json_type(p, defs) for p in prop["anyOf"] if p.get("type") != "null"]
        nullable = any(p.get("type") == "null" for p in prop["anyOf"])
        return " or ".join(kinds) + (" or null" if nullable else "")
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_json_type(prop.get('items', {}), defs)}"
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        return f"object of {_json_type(prop['additionalProperties'], defs)}"
    return kind


def _json_fields(schema: dict, defs: dict) -> list[str]:
    rows = []
    for name, prop in schema["properties"].items():
        options = [prop, *prop.get("anyOf", [])]
        enum = next((p["enum"] for p in options if "enum" in p), None)
        if any(p.get("$ref", "").endswith("/Code") for p in options):
            allowed = "a [finding code](#finding-codes)"
        else:
            allowed = _codes(enum) if enum else ""
        personal = "yes" if prop.get("personal_data") else ""
        rows.append((f"`{name}`", _json_type(prop, defs), prop.get("description", ""), allowed, personal))
    return _table(("field", "type", "description", "allowed values", "personal data"), rows)


def markdown(profile: Profile) -> str:
    """The data dictionary for people: every table with its grain, keys and columns (type, null,
    description, allowed values, personal data), the JSON files, the profile's count metrics and the
    finding-code catalogue; generated from the models, the table definitions, the profile and
    ``findings.py``, so a field added to a model appears here without a change to this code."""
    tables = schemas(profile.metric_types)
    out = [
        "# Data dictionary",
        "",
        "<!-- Generated by `pipeline dictionary` (`make docs/data-dictionary.md`) from pipeline/models.py,",
        "     pipeline/publish/tables.py, the profile and pipeline/findings.py. Do not edit by hand:",
        "     CI fails when this file differs from what the code generates (`make check-output`). -->",
        "",
        "What each file of `output/` holds, column by column. The same definitions, for machines, are",
        "`output/datapackage.json` (a Frictionless data package of the Parquet tables) and the JSON",
        "Schemas in `output/schema/`.",
        "",
        f"Profile: `{profile.id}` ({_cell(profile.title)}). Offsets (`start`/`end`) point into",
        "`interim/<document_id>/text.txt`: `text.txt[start:end]` is the value as written. A null count is",
        "\"not stated\", never zero.",
        "",
        "## Metrics",
        "",
        "The profile's value lines. A count is one row per region in `counts`, a typed value (money,",
        "decimal, percentage, date, period) one row in `measures`; each is a column group in `regions`,",
        "named in the last column.",
        "",
        *_table(("metric", "type", "label in the source", "description", "in the overview chart", "`regions` columns"), [
            (f"`{m.id}`", m.type + (f" ({m.canonical_unit})" if m.canonical_unit else ""),
             " / ".join(f"\"{s}\"" for s in m.spellings), m.description or "–", "yes" if m.chart else "",
             ", ".join(f"`{c}`" for c, _, _, _ in metric_columns(m.id, m.type)))
            for m in profile.metrics]),
        "",
        "## Tables",
        "",
        "One Parquet file per table in `output/parquet/` (`pipeline export` writes them as CSV or one",
        "Excel workbook). In the CSV export a text that begins with `=`, `+`, `-`, `@`, a tab or a carriage",
        "return has an apostrophe in front, so no spreadsheet reads it as a formula; the workbook writes every",
        "text as text. The Parquet and JSON keep each value exactly as written.",
        "",
        *_table(("table", "one row per", "primary key", "refers to"), [
            (f"[`{name}`](#{name})", GRAINS[name].removeprefix("One row per "),
             _codes(PRIMARY_KEYS.get(name, [])) or "none",
             ", ".join(f"`{other}`" for _, other, _ in FOREIGN_KEYS.get(name, [])))
            for name in tables]),
        "",
    ]
    for name in tables:
        out += [f"### `{name}`", "", f"{GRAINS[name]}. File: `output/parquet/{name}.parquet`.", ""]
        if name in PRIMARY_KEYS:
            out.append(f"- Primary key: {_codes(PRIMARY_KEYS[name])}")
        for own, other, theirs in FOREIGN_KEYS.get(name, []):
            out.append(f"- Foreign key: {_codes(own)} → [`{other}`](#{other}) {_codes(theirs)}")
        out.append("")
        rows = []
        for column in columns(name, profile):
            if name == "quality" and column["name"] == "code":
                allowed = "a [finding code](#finding-codes)"
            else:
                allowed = _codes(column["allowed"]) if column["allowed"] else ""
            rows.append((f"`{column['name']}`", column["type"], "yes" if column["nullable"] else "no",
                         column["description"], allowed, "yes" if column["personal_data"] else ""))
        out += _table(("column", "type", "null", "description", "allowed values", "personal data"), rows)
        out.append("")
    schemas_by_file = json_schemas(profile)
    document_schema, region_schema = schemas_by_file["document.schema.json"], schemas_by_file["region.schema.json"]
    defs = {**document_schema.get("$defs", {}), **region_schema.get("$defs", {})}
    out += [
        "## JSON files",
        "",
        "Committed, one folder per document, so a change to the source shows up as a diff of the one region",
        "it touched. Field order is the files' key order.",
        "",
        "### `output/json/<document_id>/document.json`",
        "",
        f"{models.Document.__doc__.split(':')[0]}. JSON Schema: `output/schema/document.schema.json`. "
        "The source's SHA-256 is not in this file (an edit to one region would change it); it is in the "
        "`documents` table and `output/provenance.json`.",
        "",
        *_json_fields(document_schema, defs),
        "",
        "### `output/json/<document_id>/<county_code>-<slug>.json`",
        "",
        "One region's full record. JSON Schema: `output/schema/region.schema.json`. Each count metric is a key "
        "of its own, in profile order.",
        "",
        *_json_fields(region_schema, defs),
        "",
    ]
    for def_name in sorted(name for name, d in defs.items() if d.get("type") == "object"):
        out += [f"#### {def_name} object", "", _cell(defs[def_name].get("description", "")), "",
                *_json_fields(defs[def_name], defs), ""]
    out += [
        "### `output/provenance.json`",
        "",
        "What made the output, committed and checked by CI like the JSON: `pipeline_version`, `profile` (`id`,",
        "`sha256` of the profile file) and per document its `document_id`, `source_path`, `source_format` and",
        "`source_sha256`. No timestamps, so an unchanged extraction gives the same bytes.",
        "",
        "### `output/checksums.sha256`",
        "",
        "The SHA-256 of every other file of `output/`, in `sha256sum` format: `(cd output && sha256sum -c",
        "checksums.sha256)` verifies them. (Frictionless cannot hash Parquet files, so the data package leaves",
        "hashes to this file.)",
        "",
        "## Finding codes",
        "",
        "Every row of `quality` (and every finding in the JSON) has one of these codes; the code fixes its",
        "severity. Severities: " + "; ".join(f"`{s}`: {m}" for s, m in _SEVERITY_MEANINGS.items()) + ".",
        "",
        *_table(("code", "severity", "stage", "meaning"),
                [(f"`{code.value}`", info.severity, info.stage, info.meaning) for code, info in CATALOGUE.items()]),
        "",
    ]
    return "\n".join(out)


def write_markdown(path: Path, profile: Profile) -> bool:
    """Writes the dictionary to ``path`` (atomically); returns whether its content changed. An
    unchanged file is only touched, so Make sees it is newer than the code it was made from."""
    text = markdown(profile)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        path.touch()
        return False
    staging = path.with_name(f".{path.name}.tmp")
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            staging.write_text(text, encoding="utf-8", newline="\n")
            staging.replace(path)
        finally:
            staging.unlink(missing_ok=True)
    return True
