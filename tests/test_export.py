"""Spreadsheet export: every table as CSV (typed by a data package) or as one workbook with typed
cells and frozen header rows; bad requests are one line and leave what was there."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.publish.tables import schemas
from tests.conftest import PROFILE, cli

TABLES = list(schemas(PROFILE.metric_types))


@pytest.fixture(scope="module")
def exported(seed_output, tmp_path_factory) -> Path:
    to = tmp_path_factory.mktemp("export")
    for args in (("--format", "csv"), ("--format", "xlsx"), ("--format", "csv", "--dialect", "excel")):
        result = cli("export", *args, "--output-dir", str(seed_output), "--to", str(to), cwd=to)
        assert result.returncode == 0, result.stderr
    return to


def _csv(exported: Path, table: str) -> list[dict[str, str]]:
    with (exported / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv_has_one_file_per_table_with_every_row(exported, seed_output):
    assert sorted(p.name for p in (exported / "csv").iterdir()) == sorted(
        [f"{t}.csv" for t in TABLES] + ["datapackage.json"])
    for table in TABLES:
        rows = _csv(exported, table)
        assert len(rows) == pq.read_metadata(seed_output / "parquet" / f"{table}.parquet").num_rows
        with (exported / "csv" / f"{table}.csv").open(encoding="utf-8") as stream:
            assert stream.readline().rstrip("\n").split(",") == schemas(PROFILE.metric_types)[table].names


def test_csv_values_nulls_flags_and_lists(exported):
    regions = {r["county_code"]: r for r in _csv(exported, "regions")}
    assert regions["14"]["known_social_enterprises"] == "232"  # "Kända sociala företag: 232"
    assert regions["06"]["known_social_enterprises"] == ""  # Jönköping's line gives no number: null, not 0
    assert regions["06"]["known_social_enterprises_basis"] == "none"
    assert {r["business_promoters_list_is_partial"] for r in regions.values()} <= {"true", "false"}
    organisations = _csv(exported, "organisations")
    aliases = [json.loads(o["aliases"]) for o in organisations]
    assert all(isinstance(a, list) for a in aliases) and any(len(a) > 1 for a in aliases)
    assert "Västra Götalands län" in {r["county_name"] for r in regions.values()}  # UTF-8 as is


def test_excel_csv_is_what_swedish_excel_opens_right(exported, seed_output):
    """UTF-8 with a byte-order mark, semicolons, CRLF, a decimal comma, lists as readable text."""
    assert sorted(p.name for p in (exported / "csv-excel").iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    raw = (exported / "csv-excel" / "regions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ";".join(schemas(PROFILE.metric_types)["regions"].names).encode() + b"\r\n")
    rows = pq.read_metadata(seed_output / "parquet" / "regions.parquet").num_rows
    assert raw.count(b"\r\n") == rows + 1  # every record ends in CRLF (a summary's own line breaks stay inside quotes)
    assert "Västra Götalands län".encode() in raw  # å, ä, ö as UTF-8 after the mark
    assert b'\r\ntillvaxtverket-sa-arbetar-regionerna;="01";="01";Stockholms l' in raw  # "01", not 1 (unit id and county)
    for table in TABLES:
        with (exported / "csv-excel" / f"{table}.csv").open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream, delimiter=";"))
        parquet = pq.read_table(seed_output / "parquet" / f"{table}.parquet").to_pylist()
        assert len(rows) == len(parquet)
        for row, stored in zip(rows, parquet):
            for column, value in stored.items():
                if isinstance(value, list):  # ["Almi", "ALMI"] reads "Almi; ALMI"; ["10"] reads ="10", a text
                    joined = "; ".join(value)
                    assert row[column] == (f'="{joined}"' if joined.isdigit() else joined), (table, column)
                elif isinstance(value, float):  # 0.9 reads "0,9"
                    assert "." not in row[column] and float(row[column].replace(",", ".")) == value


def test_excel_values_read_as_swedish_excel_reads_them():
    from pipeline.publish.export import _excel_value

    assert _excel_value(0.93) == "0,93" and _excel_value(1.0) == "1,0" and _excel_value(12) == 12
    assert _excel_value(["Almi", "ALMI"]) == "Almi; ALMI" and _excel_value([]) == ""
    assert _excel_value(None) == "" and _excel_value(True) == "true"
    assert _excel_value("=1+1") == "'=1+1" and _excel_value(["=HYPERLINK(x)", "Almi"]) == "'=HYPERLINK(x); Almi"
    # texts Swedish Excel would turn into numbers or dates stay text: a county code, a range, a date-like count
    assert _excel_value("01") == '="01"' and _excel_value("0127") == '="0127"'
    assert _excel_value("1-2") == '="1-2"' and _excel_value("12/3") == '="12/3"'
    assert _excel_value("+46 70 123 45 67") == '="+46 70 123 45 67"' and _excel_value("ej angett") == "ej angett"


def test_the_excel_dialect_is_for_csv_only(seed_output, tmp_path):
    result = cli("export", "--format", "xlsx", "--dialect", "excel", "--output-dir", str(seed_output), "--to",
                 str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "--dialect excel is for --format csv" in \
        result.stderr
    assert not any(tmp_path.iterdir())


def test_csv_data_package_types_and_validates_the_files(exported):
    from frictionless import validate

    report = validate(exported / "csv" / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((exported / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {(r["name"], f["name"]): f["type"] for r in package["resources"] for f in r["schema"]["fields"]}
    assert fields[("regions", "known_social_enterprises")] == "integer"
    assert fields[("organisations", "aliases")] == "array"


def test_workbook_has_a_typed_sheet_per_table_with_a_frozen_header(exported, seed_output):
    from openpyxl import load_workbook

    workbook = load_workbook(exported / "tables.xlsx")
    assert workbook.sheetnames == ["about", *TABLES]
    for table in TABLES:
        sheet = workbook[table]
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        header = [c.value for c in sheet[1]]
        names = schemas(PROFILE.metric_types)[table].names
        assert sorted(header) == sorted(names) and all(c.font.bold for c in sheet[1])
        machine = {n for n in header if n in ("start", "end", "heading_start", "heading_end", "redaction_salt_fingerprint")
                   or n.endswith("sha256")}
        assert set(header[len(header) - len(machine):]) == machine  # offsets and hashes last, for people
        assert all(c.comment is not None and c.comment.text for c in sheet[1])  # each header says what it is
        assert sheet.max_row - 1 == pq.read_metadata(seed_output / "parquet" / f"{table}.parquet").num_rows
    regions = workbook["regions"]
    header = [c.value for c in regions[1]]
    rows = {row[header.index("county_code")]: row for row in regions.iter_rows(min_row=2, values_only=True)}
    enterprises = header.index("known_social_enterprises")
    assert rows["14"][enterprises] == 232 and isinstance(rows["14"][enterprises], int)
    assert rows["06"][enterprises] is None
    assert isinstance(rows["14"][header.index("business_promoters_list_is_partial")], bool)
    organisations = workbook["organisations"]
    header = [c.value for c in organisations[1]]
    stored = {o["organisation_id"]: o for o in pq.read_table(seed_output / "parquet" / "organisations.parquet").to_pylist()}
    for row in organisations.iter_rows(min_row=2, values_only=True):
        assert row[header.index("aliases")] == "; ".join(stored[row[header.index("organisation_id")]]["aliases"])
    summaries = [row[[c.value for c in regions[1]].index("summary")] for row in regions.iter_rows(min_row=2)]
    assert all(cell.alignment.wrap_text for cell in summaries if cell.value and len(cell.value) > 60)
    about = [row for row in workbook["about"].iter_rows(min_row=2, values_only=True)]
    assert ("contacts", "name", "string", False) == about[[r[:2] for r in about].index(("contacts", "name"))][:4]
    assert workbook["about"].freeze_panes == "A2"


def test_export_again_replaces_its_own_files(exported, seed_output):
    before = (exported / "tables.xlsx").stat().st_mtime_ns
    result = cli("export", "--format", "xlsx", "--output-dir", str(seed_output), "--to", str(exported), cwd=exported)
    assert result.returncode == 0 and (exported / "tables.xlsx").stat().st_mtime_ns >= before
    assert not list(exported.glob(".*staging*"))


def test_export_refuses_to_replace_a_file_it_did_not_write(seed_output, tmp_path):
    (tmp_path / "tables.xlsx").write_bytes(b"somebody's spreadsheet")
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "notes.txt").write_text("mine", encoding="utf-8")
    for fmt, kept in (("xlsx", tmp_path / "tables.xlsx"), ("csv", tmp_path / "csv" / "notes.txt")):
        before = kept.read_bytes()
        result = cli("export", "--format", fmt, "--output-dir", str(seed_output), "--to", str(tmp_path), cwd=tmp_path)
        assert result.returncode == 1 and result.stderr.count("\n") == 1 and "the export did not write it" in result.stderr
        assert kept.read_bytes() == before


def test_the_cli_offers_the_export_formats():
    from pipeline.cli import EXPORT_FORMATS  # kept apart so the CLI starts without pyarrow
    from pipeline.publish.export import FORMATS

    assert EXPORT_FORMATS == FORMATS


def test_export_before_extract_is_one_line(tmp_path):
    result = cli("export", "--format", "csv", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "output/parquet/documents.parquet: no such table" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "output" / "export" / "csv").exists()


def test_extract_after_an_export_replaces_it_and_still_refuses_other_files(tmp_path):
    """`make export` writes into output/export; a later extraction (a source edited, a generated file
    deleted) must run, and take the now stale export away with the old tables, not refuse the folder."""
    from pipeline.runner import run as runner
    from tests.conftest import SEED, extract_text_into

    output = extract_text_into(tmp_path, SEED.read_text(encoding="utf-8"))
    for fmt in ("csv", "xlsx"):
        assert cli("export", "--format", fmt, cwd=tmp_path).returncode == 0
    assert (output / "export" / "tables.xlsx").is_file() and (output / "export" / "csv" / "regions.csv").is_file()
    (output / "datapackage.json").unlink()
    summary = runner.run(tmp_path / "raw", tmp_path / "interim", output)
    assert (output / "datapackage.json").is_file() and not (output / "export").exists()
    assert not any("kept" in w for w in summary.warnings)

    for fmt in ("csv", "xlsx"):
        assert cli("export", "--format", fmt, cwd=tmp_path).returncode == 0
    (output / "export" / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("extract", cwd=tmp_path)
    assert result.returncode == 1 and "export/notes.txt" in result.stderr and "export/csv" not in result.stderr
    assert (output / "export" / "notes.txt").read_text(encoding="utf-8") == "mine"
