"""Spreadsheet export: the Parquet tables as CSV files or one Excel workbook, for colleagues who
work in spreadsheets.

- ``csv``: ``<to>/csv/<table>.csv`` per table (UTF-8, a header row, empty for null, ``true``/``false``
  for flags, a list as a JSON array), with a ``datapackage.json`` that types every column, so
  ``frictionless validate`` checks the CSV files as it checks the Parquet ones. (CSV cannot tell an
  empty text from a null; both are an empty cell, so text columns are not ``required`` there.)
- ``csv`` with ``dialect="excel"``: ``<to>/csv-excel/<table>.csv`` for a person who opens CSV in
  Excel with Swedish settings (as the Swedish Financial Management Authority publishes its open
  data): UTF-8 with a byte-order mark (so å, ä, ö read right), ``;`` between fields, a decimal
  comma, CRLF line ends, a list as readable text ("Almi; ALMI"), and a text Excel would turn into a
  number or a date (a county code "01", a range "1-2", "12/3") written as the constant ``="01"``,
  which Excel shows as the text. No data package: it describes the standard files. The workbook is
  still the first choice for a person.
- ``xlsx``: ``<to>/tables.xlsx``, one sheet per table with typed cells (numbers are numbers, flags
  are booleans, null is an empty cell), a bold, frozen header row with filters whose cells carry
  the column's description as a comment, lists as readable text ("Almi; ALMI"), long and
  multi-line text wrapped, the machine columns (offsets, hashes) moved to the end of each sheet,
  and a first sheet, ``about``, that lists every table and column with its description (the data
  dictionary).

Both are built beside their target and moved into place, so a failed export leaves the previous one.

**Safe in a spreadsheet.** No text becomes a formula: in the workbook every text cell is written as
text (openpyxl would store "=…" as a formula); in the CSV files a text that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (OWASP's advice against
CSV injection: "'=1+1", "'+46 40-675 30 00", which a person still reads as the number). The
Parquet tables and the JSON keep every value exactly as written.

**Only its own files.** Every export records what it wrote in a marker, ``<to>/.pipeline-export``;
an export replaces only files that marker lists, and refuses (one line, nothing changed) a target
that holds anything else, whatever it contains. Every failure (no tables, a damaged table, a
target under a file, a full disk) is one line that names the path.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import PipelineError, one_line, shown
from pipeline.profile import Profile
from pipeline.publish import dictionary
from pipeline.publish.tables import GRAINS, schemas

FORMATS = ("csv", "xlsx")  # the CLI's --format choices (pipeline/cli.py EXPORT_FORMATS)
DIALECTS = ("standard", "excel")
"""CSV dialects: ``standard`` (RFC 4180 with ``\n`` line ends, for machines and the data package) and
``excel`` (for Excel with Swedish settings)."""
LIST_SEPARATOR = "; "
"""How a list reads in a cell meant for people ("Almi; ALMI")."""
WORKBOOK = "tables.xlsx"
EXCEL_CELL_LIMIT = 32_767
"""Excel keeps at most this many characters in a cell; a longer text is refused, not cut."""
_WIDEST_COLUMN = 60
CREATOR = "regional-social-enterprise-pipeline export"
"""The workbook's creator property."""
MARKER = ".pipeline-export"
"""The file in an export's target folder that lists what exports wrote there: the only files a later
export replaces, and the only ones ``extract`` deletes with an old output tree."""
_SIGNATURE = "regional-social-enterprise-pipeline: export folder"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text that begins with one of these is a formula to a spreadsheet (OWASP, CSV injection)."""


class ExportError(PipelineError):
    """The tables cannot be exported as asked."""


def _tables(output_dir: Path, profile: Profile) -> dict[str, pa.Table]:
    tables = {}
    for name in schemas(profile.metric_types):
        path = output_dir / "parquet" / f"{name}.parquet"
        if not path.is_file():
            raise ExportError(f"{shown(path)}: no such table; run `pipeline extract` (or `make extract`) first")
        try:
            tables[name] = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise ExportError(f"{shown(path)}: cannot read the table ({shown(one_line(str(exc)))[:200]}); run "
                              "`pipeline extract` again") from None
    return tables


def made_with(output_dir: Path) -> str | None:
    """The id of the profile the output's documents were extracted with (None for an output with no
    documents, or none that can be read)."""
    try:
        ids = set(pq.read_table(output_dir / "parquet" / "documents.parquet", columns=["profile_id"]).column(0)
                  .to_pylist())
    except (OSError, pa.ArrowException, KeyError):
        return None
    return ids.pop() if len(ids) == 1 else None


def _redaction(output_dir: Path) -> str | None:
    """The salt fingerprint of a redacted output, from its provenance.json (None when not redacted)."""
    try:
        record = json.loads((output_dir / "provenance.json").read_text(encoding="utf-8")).get("redaction") or {}
    except (OSError, ValueError, AttributeError):
        return None
    return record.get("salt_fingerprint") if isinstance(record, dict) and record.get("redacted") else None


def neutralised(text: str) -> str:
    """``text`` as a spreadsheet reads it as text: an apostrophe before a formula's first character."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralised(json.dumps(value, ensure_ascii=False))
    if isinstance(value, str):
        return neutralised(value)
    return value


EXCEL_WOULD_CONVERT = re.compile(r"[+-]?[\d\s.,:/-]*\d[\d\s.,:/-]*%?|[+-]?\d+[eE][+-]?\d+")
"""A text Excel turns into a number or a date when it opens a CSV: a code with a leading zero
("01", "0127"), a range "1-2", "12/3", "3.5"."""


def _excel_text(text: str) -> str:
    """A text as Excel keeps it: one it would turn into a number or a date is written as the constant
    ``="01"`` (its characters are digits and punctuation only, so nothing else can be in it); any
    other text neutralised like the standard CSV."""
    if EXCEL_WOULD_CONVERT.fullmatch(text):
        return f'="{text}"'
    return neutralised(text)


def _excel_value(value: object) -> object:
    """A value as Excel with Swedish settings reads it: a decimal comma, a list as readable text,
    a text that looks like a number or a date kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, list):
        return _excel_text(LIST_SEPARATOR.join("" if v is None else str(v) for v in value))
    if isinstance(value, str):
        return _excel_text(value)
    return value


def _excel_field(value: object) -> str:
    """One field of the Excel dialect: a ``="…"`` constant as it is (Excel reads it only unquoted),
    anything else quoted when it holds a separator, a quote, a line break or edge spaces."""
    text = "" if value is None else str(value)
    if text.startswith('="') and EXCEL_WOULD_CONVERT.fullmatch(text[2:-1]):
        return text
    if any(ch in text for ch in ';"\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _excel_row(values: list) -> str:
    return ";".join(_excel_field(v) for v in values) + "\r\n"


def write_excel_csv(tables: dict[str, pa.Table], folder: Path) -> list[Path]:
    """One CSV per table in the Excel dialect (``DIALECTS``)."""
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            stream.write(_excel_row(table.column_names))
            for row in table.to_pylist():
                stream.write(_excel_row([_excel_value(v) for v in row.values()]))
        paths.append(path)
    return paths


def write_csv(tables: dict[str, pa.Table], folder: Path, profile: Profile, redaction: str | None = None) -> list[Path]:
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(table.column_names)
            for row in table.to_pylist():
                writer.writerow([_csv_value(v) for v in row.values()])
        paths.append(path)
    package = dictionary.datapackage(profile, redaction)
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


MACHINE_COLUMNS = ("start", "end", "heading_start", "heading_end", "source_sha256", "profile_sha256",
                   "redaction_salt_fingerprint")
"""Columns for programs more than for people (offsets into the interim text, hashes): last in a sheet."""
WRAP_FROM = 60
"""A text cell longer than this (or holding a line break) wraps."""


def sheet_columns(names: list[str]) -> list[str]:
    """A table's columns in the order a person reads them: the machine columns last."""
    return [n for n in names if n not in MACHINE_COLUMNS] + [n for n in names if n in MACHINE_COLUMNS]


def _xlsx_value(value: object, table: str, column: str, row: int) -> object:
    if isinstance(value, list):
        value = LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        raise ExportError(f"{table}.{column}, row {row}: {len(value)} characters, more than an Excel cell holds "
                          f"({EXCEL_CELL_LIMIT}); use --format csv")
    return value


def write_xlsx(tables: dict[str, pa.Table], path: Path, profile: Profile) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrapped = Alignment(wrap_text=True, vertical="top")

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
        columns = sheet_columns(table.column_names)
        sheet.append(columns)
        described = {c["name"]: c["description"] for c in dictionary.columns(name, profile)}
        for cell, column in zip(sheet[1], columns):
            if described.get(column):
                cell.comment = Comment(described[column], CREATOR)
        for n, row in enumerate(table.select(columns).to_pylist(), start=2):
            values = [_xlsx_value(v, name, k, n) for k, v in row.items()]
            for column, value in zip(columns, values):
                if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                    raise ExportError(f"{name}.{column}, row {n}: a control character Excel cannot hold; "
                                      "use --format csv")
            sheet.append(values)
            for cell in sheet[n]:
                if cell.data_type == "f":  # a text that starts with "=": text, never a formula
                    cell.data_type = "s"
                if isinstance(cell.value, str) and (len(cell.value) > WRAP_FROM or "\n" in cell.value):
                    cell.alignment = wrapped
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


def export(output_dir: Path, fmt: str, to: Path, profile: Profile, dialect: str = "standard") -> list[Path]:
    """Writes every table of ``output_dir/parquet`` in ``fmt`` (a CSV ``dialect``) under ``to``;
    returns the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if dialect not in DIALECTS:
        raise ExportError(f"unknown CSV dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    if dialect != "standard" and fmt != "csv":
        raise ExportError(f"--dialect {dialect} is for --format csv; the workbook has no dialect")
    tables = _tables(output_dir, profile)
    other = made_with(output_dir)
    if other is not None and other != profile.id:
        raise ExportError(f"{shown(output_dir)}: its tables were extracted with the profile {other!r}, not "
                          f"{profile.id!r}; give --profile pipeline/profiles/{other}.toml")
    target = to / WORKBOOK if fmt == "xlsx" else to / ("csv" if dialect == "standard" else "csv-excel")
    try:
        to.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{shown(to)}: cannot create the export folder ({exc.strerror or exc})") from None
    owned = _owned(to)
    foreign = _foreign(to, target, owned)
    if foreign:
        raise ExportError(f"{shown(foreign)}: the export did not write it (no {MARKER} lists it); move it or choose "
                          "another --to (nothing was changed)")
    staging = to / f".{target.name}.staging"
    try:
        _remove(staging)
        if fmt == "csv":
            staging.mkdir()
            made = write_csv(tables, staging, profile, _redaction(output_dir)) if dialect == "standard" else \
                write_excel_csv(tables, staging)
            written = [target / p.name for p in made]
        else:
            write_xlsx(tables, staging, profile)
            written = [target]
        _remove(target)
        staging.rename(target)
        kept = {name for name in owned if not name.startswith(f"{target.name}/") and name != target.name}
        _write_marker(to, kept | {p.relative_to(to).as_posix() for p in written})
    except OSError as exc:
        _remove(staging)
        where = exc.filename or staging
        raise ExportError(f"{shown(where)}: cannot write the export ({exc.strerror or exc}); the previous export "
                          "is kept") from None
    except BaseException:
        _remove(staging)
        raise
    return written


def _owned(to: Path) -> set[str]:
    """The files under ``to`` that earlier exports wrote, as its marker lists them."""
    marker = to / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return set()
        lines = marker.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return set()
    if not lines or lines[0] != _SIGNATURE:
        return set()
    return {line for line in lines[1:] if line and not line.startswith("#")}


def _write_marker(to: Path, files: set[str]) -> None:
    (to / MARKER).write_text("\n".join([_SIGNATURE, "# files written by `pipeline export`; a later export "
                                         "replaces only these", *sorted(files)]) + "\n", encoding="utf-8")


def _foreign(to: Path, target: Path, owned: set[str]) -> Path | None:
    """A file at ``target`` that no export wrote, or None."""
    if not target.exists() and not target.is_symlink():
        return None
    if target.is_symlink() or not target.is_dir():
        return None if target.relative_to(to).as_posix() in owned and not target.is_symlink() else target
    for path in sorted(target.rglob("*")):
        if path.is_symlink() or (path.is_file() and path.relative_to(to).as_posix() not in owned):
            return path
        if path.is_dir() and not path.is_symlink():
            continue
    return None


DEFAULT_FOLDER = "export"
"""Where ``pipeline export`` writes by default: ``OUTPUT_DIR/export``."""


def earlier_export_files(output_dir: Path) -> set[str]:
    """The files under ``output_dir/export`` (the default ``--to``) that an earlier export wrote, as
    POSIX paths relative to ``output_dir``: the ones its marker lists, and the marker. They were made
    from the tables a new extraction replaces, so ``extract`` deletes them with the old tree rather
    than refusing the folder; anything else there is still refused."""
    folder = output_dir / DEFAULT_FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return set()
    owned = _owned(folder)
    if not owned:
        return set()
    return {f"{DEFAULT_FOLDER}/{name}" for name in owned} | {f"{DEFAULT_FOLDER}/{MARKER}"}


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
