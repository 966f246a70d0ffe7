"""A corpus of bad inputs, each with its expected answer: a finding, or one clear line and no output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.readers import layout
from pipeline.readers import pdf as pdf_reader
from pipeline.readers.pdf import ENGINES, read_pdf_source
from pipeline.readers import text as text_reader
from pipeline.readers.text import MAX_SOURCE_BYTES
from pipeline.runner import run as runner
from tests.conftest import SEED, CliResult, cli
from generators.renderings import notes

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
    path = tmp_path / "raw" / "lang.pdf"
    path.parent.mkdir()
    notes(path, pages=500)
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


def deflate_bomb(path: Path, decoded_bytes: int) -> None:
    """A one-page PDF whose content stream is zeros deflated twice: a few kilobytes on disk that
    decode to ``decoded_bytes``. The inner stream is made from one compressed megabyte repeated,
    so writing it takes no time."""
    import zlib

    chunk = 1 << 20
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(b"\0" * chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    checksum = ((decoded_bytes // chunk * chunk) % 65521) << 16 | 1  # Adler-32 of zeros
    inner = b"\x78\xda" + block * (decoded_bytes // chunk) + final + checksum.to_bytes(4, "big")
    outer = zlib.compress(inner, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(outer) + outer
               + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_deflate_bomb_is_refused_before_it_is_decoded(tmp_path, engine):
    path = tmp_path / "raw" / "bomb.pdf"
    path.parent.mkdir()
    deflate_bomb(path, 6_500 * 1_048_576)  # 6.5 GB of zeros
    assert path.stat().st_size < 40_000
    result = run_cli(tmp_path, "--pdf-engine", engine)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: raw/bomb.pdf: PDF is too large to read: its streams decode to more "
                                    "than 128 MiB")
    assert not (tmp_path / "output").exists() and not (tmp_path / "interim").exists()


def test_pdf_streams_under_the_budget_are_read(tmp_path):
    # the same construction, small: 2 MiB of zeros are content like any other (an empty page)
    path = tmp_path / "raw" / "nollor.pdf"
    path.parent.mkdir()
    deflate_bomb(path, 2 * 1_048_576)
    result = run_cli(tmp_path)
    assert result.returncode == 1 and "no text layer on any of its 1 page(s)" in result.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_over_the_page_budget_is_refused_before_its_pages_are_read(tmp_path, monkeypatch, engine):
    path = tmp_path / "raw" / "lang.pdf"
    path.parent.mkdir()
    notes(path, pages=40)
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 30)
    monkeypatch.setattr(layout, "page_lines", lambda *args: pytest.fail("a page was read"))
    result = run_cli(tmp_path, "--pdf-engine", engine)
    assert result.returncode == 1 and result.stderr == (
        "error: raw/lang.pdf: PDF is too large to read: 40 pages, over the limit of 30\n")


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_over_the_character_budget_is_refused_once_it_is_reached(tmp_path, monkeypatch, engine):
    path = tmp_path / "raw" / "lang.pdf"
    path.parent.mkdir()
    notes(path, pages=40)  # about 80 characters a page
    monkeypatch.setattr(pdf_reader, "MAX_CHARACTERS", 1000)
    read = []
    real = layout.page_lines
    monkeypatch.setattr(layout, "page_lines", lambda words, number, *hints: read.append(number) or real(words, number, *hints))
    result = run_cli(tmp_path, "--pdf-engine", engine)
    assert result.returncode == 1 and result.stderr == (
        "error: raw/lang.pdf: PDF is too large to read: more than 1 000 characters of text\n")
    assert len(read) < 15


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_pages_are_closed_as_they_are_read(tmp_path, monkeypatch, engine):
    import pdfplumber.page
    import pypdfium2.raw

    path = tmp_path / "lang.pdf"
    notes(path, pages=5)
    events: list[str] = []

    def spy(owner, name, event):
        real = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *args: events.append(event) or real(*args))

    spy(pypdfium2.raw, "FPDF_LoadPage", "open")
    spy(pypdfium2.raw, "FPDF_ClosePage", "close")
    real_chars = pdfplumber.page.Page.chars
    monkeypatch.setattr(pdfplumber.page.Page, "chars", property(lambda page: events.append("open") or real_chars.fget(page)))
    spy(pdfplumber.page.Page, "close", "close")
    assert "Anteckning 5 om" in read_pdf_source(path, engine=engine, isolated=False).text
    opened = [event for n, event in enumerate(events) if not (n and event == events[n - 1] == "open")]  # a page's
    assert opened[:10] == ["open", "close"] * 5 and set(opened[10:]) <= {"close"}  # characters may be asked twice;
    # pdfplumber closes all at the end


def test_pdf_filters_are_decoded_only_up_to_the_budget():
    # PDF 1.7, 7.4.4.2: "-----A---B" is LZW-encoded as 80 0B 60 50 22 0C 0C 85 01
    assert pdf_reader._unlzw(bytes.fromhex("800B6050220C0C8501"), 100) == b"-----A---B"
    with pytest.raises(pdf_reader._OverBudget):
        pdf_reader._unlzw(bytes.fromhex("800B6050220C0C8501"), 5)
    # run-length: a length byte n < 128 copies n + 1 bytes, 257 - n repeats one byte, 128 ends
    assert pdf_reader._unrun(bytes([2]) + b"abc" + bytes([253]) + b"z" + bytes([128]), 100) == b"abczzzz"
    with pytest.raises(pdf_reader._OverBudget):
        pdf_reader._unrun(bytes([129]) + b"z" * 2, 100)  # 128 bytes from 2
    assert pdf_reader._decode_stage(b"ASCII85Decode", b"<~87cURD]i,\"Ebo80~>", 100) == b"Hello World!"
    assert pdf_reader._decode_stage(b"ASCIIHexDecode", b"48 65 6C 6C 6F>", 100) == b"Hello"
