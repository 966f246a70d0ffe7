"""Spreadsheet export: the Parquet tables as CSV files or one Excel workbook, for colleagues who
work in spreadsheets.

- ``csv``: ``<to>/csv/<table>.csv`` per table (UTF-8, a header row, empty for null, ``true``/``false``
  for flags, a list as a JSON array), with a ``datapackage.json`` that types every column, so
  ``frictionless validate`` checks the CSV files as it checks the Parquet ones. (CSV cannot tell an
  empty text from a null; both are an empty cell, so text columns are not ``required`` there.)
- ``xlsx``: ``<to>/tables.xlsx``, one sheet per table with typed cells (numbers are numbers, flags
  are booleans, null is an empty cell), a bold, frozen header row with filters, and a first sheet,
  ``about``, that lists every table and column with its description (the data dictionary).

Both are built beside their target and moved into place, so a failed export leaves the previous one.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import PipelineError
from pipeline.profile import Profile
from pipeline.publish import dictionary
from pipeline.publish.tables import GRAINS, schemas

FORMATS = ("csv", "xlsx")  # the CLI's --format choices (pipeline/cli.py EXPORT_FORMATS)
WORKBOOK = "tables.xlsx"
EXCEL_CELL_LIMIT = 32_767
"""Excel keeps at most this many characters in a cell; a longer text is refused, not cut."""
_WIDEST_COLUMN = 60
CREATOR = "regional-social-enterprise-pipeline export"
"""The workbook's creator property: how a later export knows the file it replaces is its own."""


class ExportError(PipelineError):
    """The tables cannot be exported as asked."""


def _tables(output_dir: Path, profile: Profile) -> dict[str, pa.Table]:
    tables = {}
    for name in schemas(profile.metric_ids):
        path = output_dir / "parquet" / f"{name}.parquet"
        if not path.is_file():
            raise ExportError(f"{path}: no such table; run `pipeline extract` (or `make extract`) first")
        tables[name] = pq.read_table(path)
    return tables


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(tables: dict[str, pa.Table], folder: Path, profile: Profile) -> list[Path]:
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(table.column_names)
            for row in table.to_pylist():
                writer.writerow([_csv_value(v) for v in row.values()])
        paths.append(path)
    package = dictionary.datapackage(profile)
    for resource in package["resources"]:
        resource.update({"path": f"{resource['name']}.csv", "format": "csv", "mediatype": "text/csv",
                         "encoding": "utf-8"})
        resource["dialect"] = {"csv": {"delimiter": ",", "lineTerminator": "\n"}}
        resource["schema"]["missingValues"] = [""]  # CSV has no null: an empty cell is one
        for field in resource["schema"]["fields"]:
            if field["type"] == "any":  # a list, written as a JSON array
                field["type"] = "array"
            if field["type"] == "string":  # an empty text and a null are both an empty cell
                field["constraints"]["required"] = False
    package["description"] += (" CSV export: an empty cell is null, or an empty text in a text column "
                               "(the Parquet tables tell the two apart).")
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
    return [*paths, folder / "datapackage.json"]


def _xlsx_value(value: object, table: str, column: str, row: int) -> object:
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        raise ExportError(f"{table}.{column}, row {row}: {len(value)} characters, more than an Excel cell holds "
                          f"({EXCEL_CELL_LIMIT}); use --format csv")
    return value


def write_xlsx(tables: dict[str, pa.Table], path: Path, profile: Profile) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    about = workbook.active
    about.title = "about"
    about.append(["table", "column", "type", "null", "description", "allowed values", "personal data"])
    for name in tables:
        about.append([name, None, None, None, GRAINS[name], None, None])
        for column in dictionary.columns(name, profile):
            about.append([name, column["name"], column["type"], column["nullable"], column["description"],
                          ", ".join(column["allowed"]) if column["allowed"] else None, column["personal_data"]])
    sheets = [about]
    for name, table in tables.items():
        sheet = workbook.create_sheet(name)
        sheet.append(table.column_names)
        for n, row in enumerate(table.to_pylist(), start=2):
            values = [_xlsx_value(v, name, k, n) for k, v in row.items()]
            for column, value in zip(table.column_names, values):
                if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                    raise ExportError(f"{name}.{column}, row {n}: a control character Excel cannot hold; "
                                      "use --format csv")
            sheet.append(values)
        sheets.append(sheet)
    for sheet in sheets:
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for n, column in enumerate(sheet.iter_cols(max_row=min(sheet.max_row, 200), values_only=True), start=1):
            width = max((len(str(v)) for v in column if v is not None), default=8)
            sheet.column_dimensions[get_column_letter(n)].width = min(_WIDEST_COLUMN, max(8, width + 2))
    workbook.properties.creator = CREATOR
    workbook.save(path)
    return [path]


def export(output_dir: Path, fmt: str, to: Path, profile: Profile) -> list[Path]:
    """Writes every table of ``output_dir/parquet`` in ``fmt`` under ``to``; returns the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    tables = _tables(output_dir, profile)
    target = to / "csv" if fmt == "csv" else to / WORKBOOK
    to.mkdir(parents=True, exist_ok=True)
    if target.exists() and not _is_earlier_export(target):
        raise ExportError(f"{target}: exists and is not an earlier export; move it or choose another --to")
    staging = to / f".{target.name}.staging"
    _remove(staging)
    try:
        if fmt == "csv":
            staging.mkdir()
            written = [target / p.name for p in write_csv(tables, staging, profile)]
        else:
            write_xlsx(tables, staging, profile)
            written = [target]
        _remove(target)
        staging.rename(target)
    except BaseException:
        _remove(staging)
        raise
    return written


DEFAULT_FOLDER = "export"
"""Where ``pipeline export`` writes by default: ``OUTPUT_DIR/export``."""


def earlier_export_files(output_dir: Path) -> set[str]:
    """The files under ``output_dir/export`` (the default ``--to``) that an earlier export wrote, as
    POSIX paths relative to ``output_dir``: a CSV folder whose data package lists them, a workbook
    this exporter made. They were made from the tables a new extraction replaces, so ``extract``
    deletes them with the old tree rather than refusing the folder; anything else there is still
    refused."""
    folder = output_dir / DEFAULT_FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return set()
    found: set[str] = set()
    csv_folder = folder / "csv"
    if csv_folder.is_dir() and not csv_folder.is_symlink() and _is_earlier_export(csv_folder):
        found |= {f"{DEFAULT_FOLDER}/csv/{p.name}" for p in csv_folder.iterdir() if p.is_file() and not p.is_symlink()}
    workbook = folder / WORKBOOK
    if workbook.is_file() and not workbook.is_symlink() and _is_earlier_export(workbook):
        found.add(f"{DEFAULT_FOLDER}/{WORKBOOK}")
    return found


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _is_earlier_export(target: Path) -> bool:
    """Whether ``target`` is what an export wrote: a CSV folder whose data package is ours and that
    holds nothing else, or a workbook whose creator is this exporter."""
    if target.is_dir():
        package = target / "datapackage.json"
        try:
            names = {r["path"] for r in json.loads(package.read_text(encoding="utf-8"))["resources"]}
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return {p.name for p in target.iterdir()} <= names | {"datapackage.json"}
    try:
        from openpyxl import load_workbook

        return load_workbook(target, read_only=True).properties.creator == CREATOR
    except Exception:  # not a workbook at all
        return False
