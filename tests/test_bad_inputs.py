"""A corpus of bad inputs, each with its expected answer: a finding, or one clear line and no output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.runner import run as runner
from pipeline.readers import text as text_reader
from pipeline.readers.text import MAX_SOURCE_BYTES
from tests.conftest import SEED, CliResult, cli

SEED_TEXT = SEED.read_text(encoding="utf-8")


def run_cli(cwd: Path, *args: str) -> CliResult:
    return cli("extract", "-q", *args, cwd=cwd)


def one_document(tmp_path: Path, name: str, content: str | bytes) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    path = raw / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_truncated_document_warns_about_the_claim(tmp_path):
    cut = SEED_TEXT[: SEED_TEXT.index("Region Skåne bygger")]
    one_document(tmp_path, "trunkerad.txt", cut)
    summary = runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    assert summary.regions == 7
    document = json.loads((tmp_path / "out" / "json" / "trunkerad" / "document.json").read_text(encoding="utf-8"))
    (finding,) = [f for f in document["quality"] if f["code"] == "region_count_mismatch"]
    assert finding["severity"] == "warning" and "claims 17" in finding["message"] and "7 were found" in finding["message"]


def test_same_region_twice_is_an_error_and_both_are_kept(tmp_path):
    skane = SEED_TEXT[SEED_TEXT.index("Region Skåne bygger"):SEED_TEXT.index("Region Stockholm ökar")]
    one_document(tmp_path, "dubbel.txt", SEED_TEXT + "\n\n" + skane.replace("Kända sociala företag: 64", "Kända sociala företag: 65"))
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out" / "json" / "dubbel").glob("12-*.json"))
    assert files == ["12-skane-2.json", "12-skane.json"]
    second = json.loads((tmp_path / "out" / "json" / "dubbel" / "12-skane-2.json").read_text(encoding="utf-8"))
    assert second["known_social_enterprises"]["value"] == 65
    assert [f["severity"] for f in second["quality"] if f["code"] == "duplicate_region"] == ["error"]


def test_region_with_no_sections(tmp_path):
    one_document(tmp_path, "tom-region.txt", "Så arbetar regionerna\n\nRegion Gotland arbetar med något\n")
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    region = json.loads((tmp_path / "out" / "json" / "tom-region" / "09-gotland.json").read_text(encoding="utf-8"))
    assert region["sections"] == [] and region["known_social_enterprises"]["basis"] == "none"
    codes = {f["code"] for f in region["quality"]}
    assert {"region_without_sections", "missing_count_line", "missing_section"} <= codes


def test_fifty_megabyte_text_file_is_refused_with_its_size(tmp_path):
    path = one_document(tmp_path, "stor.txt", b"")
    with path.open("wb") as handle:
        line = SEED_TEXT.encode("utf-8")
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(line)
    result = run_cli(tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "stor.txt" in result.stderr and f"over the {MAX_SOURCE_BYTES // 1_048_576} MiB limit" in result.stderr
    assert not (tmp_path / "output").exists()


def test_pdf_with_500_pages(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "raw" / "lang.pdf"
    path.parent.mkdir()
    pdf = canvas.Canvas(str(path))
    for page in range(1, 501):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, 800, "Bilaga: handlingsplaner")
        pdf.drawString(300, 30, f"Sida {page}")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(72, 700, f"Anteckning {page} om det regionala arbetet med sociala företag.")
        pdf.showPage()
    pdf.save()
    summary = runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    document = json.loads((tmp_path / "out" / "json" / "lang" / "document.json").read_text(encoding="utf-8"))
    assert summary.documents == 1 and document["pages"] == 500
    assert {f["evidence"] for f in document["quality"] if f["code"] == "pdf_furniture_dropped"} == {
        "Bilaga: handlingsplaner", "Sida #"}
    assert "Anteckning 500 om" in (tmp_path / "interim" / "lang" / "text.txt").read_text(encoding="utf-8")


def test_file_name_with_spaces_and_non_ascii_characters(tmp_path):
    one_document(tmp_path, "Så arbetar regionerna (kopia) ÅÄÖ.txt", SEED_TEXT)
    assert run_cli(tmp_path).returncode == 0
    assert (tmp_path / "output" / "json" / "sa-arbetar-regionerna-kopia-aao" / "document.json").exists()


def test_unreadable_file_is_one_line(tmp_path, monkeypatch):
    path = one_document(tmp_path, "hemlig.txt", SEED_TEXT)
    real = text_reader._open

    def refuse(opened):
        if opened == path:
            raise PermissionError(13, "Permission denied")
        return real(opened)

    monkeypatch.setattr(text_reader, "_open", refuse)  # as root, chmod would not stop the read
    with pytest.raises(runner.FailedDocuments) as raised:
        runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    assert str(raised.value) == f"{path}: cannot read the file (Permission denied)"


def test_binary_data_named_txt(tmp_path):
    one_document(tmp_path, "bild.txt", bytes(range(256)) * 64)
    result = run_cli(tmp_path)
    assert result.returncode == 1 and "bild.txt" in result.stderr and "not a text file" in result.stderr


def test_random_bytes_never_crash(tmp_path):
    import random

    rng = random.Random(7)
    for n in range(20):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        path = one_document(tmp_path / str(n), "slump.txt", data)
        try:
            runner.run(path.parent, tmp_path / str(n) / "interim", tmp_path / str(n) / "out")
        except runner.FailedDocuments as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)


def test_only_unsupported_files(tmp_path):
    one_document(tmp_path, "anteckningar.docx", b"PK\x03\x04")
    result = run_cli(tmp_path)
    assert result.returncode == 1 and "no supported source files" in result.stderr
