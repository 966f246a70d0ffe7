"""The dataset is what raw/ holds: one edition in several forms is one document, read from the form
that reads best; a source deleted or renamed leaves every table, the JSON and interim/; any file
name works with ``make extract``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipeline.runner import editions
from pipeline.runner import run as runner
from tests.conftest import SEED, cli
from generators.renderings import render_html, render_pdf
from tests.test_docs import fresh_clone

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _tables(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / "parquet" / f"{name}.parquet")


def _provenance(out: Path) -> dict:
    return json.loads((out / "provenance.json").read_text(encoding="utf-8"))


def test_one_edition_as_text_web_page_and_pdf_is_one_document_read_from_the_text(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    # the file names put the text last: the first name must not decide which form is read
    (raw / "a-webb.html").write_text(render_html(SEED_TEXT), encoding="utf-8")
    render_pdf(SEED_TEXT, raw / "b-utskrift.pdf")
    shutil.copy(SEED, raw / "c-text.txt")
    summary = runner.run(raw, tmp_path / "interim", tmp_path / "out")
    assert summary.documents == 1 and summary.regions == 17
    documents = _tables(tmp_path / "out", "documents")
    assert list(documents.document_id) == ["c-text"]
    assert len(_tables(tmp_path / "out", "regions")) == 17  # not 51: no count appears twice
    quality = _tables(tmp_path / "out", "quality")
    duplicates = quality[quality.code == "duplicate_document"]
    assert list(duplicates.severity) == ["warning", "warning"]
    assert list(duplicates.evidence) == ["raw/a-webb.html", "raw/b-utskrift.pdf"]
    assert all("raw/c-text.txt" in message for message in duplicates.message)
    assert [(s["source_path"], s["same_edition_as"]) for s in _provenance(tmp_path / "out")["set_aside"]] == [
        ("raw/a-webb.html", "c-text"), ("raw/b-utskrift.pdf", "c-text")]
    assert sorted(p.name for p in (tmp_path / "out" / "json").iterdir()) == ["c-text"]
    assert [line.split(":")[0] for line in summary.set_aside] == ["raw/a-webb.html", "raw/b-utskrift.pdf"]
    document = json.loads((tmp_path / "out" / "json" / "c-text" / "document.json").read_text(encoding="utf-8"))
    assert [f["evidence"] for f in document["quality"] if f["code"] == "duplicate_document"] == [
        "raw/a-webb.html", "raw/b-utskrift.pdf"]


def test_a_copy_is_set_aside_and_a_changed_value_is_another_edition(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "a.txt")
    shutil.copy(SEED, raw / "kopia-av-a.txt")
    # a later edition that changes one number in Blekinge: two editions, both kept, and said so
    (raw / "b.txt").write_text(SEED_TEXT.replace("Kända sociala företag: 44", "Kända sociala företag: 45"),
                               encoding="utf-8")
    runner.run(raw, tmp_path / "interim", tmp_path / "out")
    assert list(_tables(tmp_path / "out", "documents").document_id) == ["a", "b"]
    quality = _tables(tmp_path / "out", "quality")
    assert list(quality[quality.code == "duplicate_document"].evidence) == ["raw/kopia-av-a.txt"]
    near = quality[quality.code == "near_duplicate_document"]
    assert sorted(zip(near.document_id, near.evidence)) == [("a", "raw/b.txt"), ("b", "raw/a.txt")]
    assert all("10 Region Blekinge" in message for message in near.message)
    regions = _tables(tmp_path / "out", "regions")
    assert sorted(regions[regions.county_code == "10"].known_social_enterprises) == [44, 45]


def _print(parts: dict[str, str], document_id: str = "x", fmt: str = "text", errors: int = 0) -> editions.EditionPrint:
    return editions.EditionPrint(
        document_id, f"raw/{document_id}", fmt, errors, 0, "shape",
        editions.packed(parts.items()),
        "|".join(editions._letters(t) for t in parts.values()))


BLEKINGE = ("Region Blekinge sprider kunskap\n\nKontakt: Johan Nilsson, PL regionen\n\nSamverkanspartners: BBI, "
            "Coompanion, Almi och Nyföretagarcentrum-kontor är intresserade.\n\nKända sociala företag: 44")


def test_a_printed_form_with_a_page_footer_glued_in_is_the_same_edition():
    text = _print({"intro": "17 av 21 regioner", "10": BLEKINGE}, "text")
    printed = _print({"intro": "17 av 21 regioner", "10": BLEKINGE.replace("Nyföretagarcentrum-kontor",
                      "Nyföretagarcentrum-\nkontor") + "\n2026-12-07 18:54 Så arbetar regionerna - Tillväxtverket "
                      "https://tillvaxtverket.se/sa-arbetar 3/6"}, "printed", "pdf")
    comparison = editions.compare(text, printed)
    assert comparison.same and comparison.differing == ["10"]
    assert comparison.extra["printed"][:3] == ["20261207", "1854", "så"]
    found = editions.group([printed, text])
    assert list(found.set_aside) == ["printed"] and found.set_aside["printed"].kept == "text"


def test_a_line_added_inside_a_region_is_another_edition():
    # a newer edition with one more contact line, printed, was set aside as the same edition
    first = _print({"10": BLEKINGE}, "first")
    added = _print({"10": BLEKINGE.replace("PL regionen\n", "PL regionen\nAnna Berg, Coompanion\n")}, "second")
    assert not editions.compare(first, added).same


def test_a_word_changed_is_another_edition_however_small():
    first = _print({"intro": "17 av 21 regioner", "10": BLEKINGE}, "first")
    for edited in (BLEKINGE.replace("44", "45"), BLEKINGE.replace("44", "445"), BLEKINGE.replace("Almi", "Almi Syd"),
                   BLEKINGE.replace("BBI, ", "")):
        second = _print({"intro": "17 av 21 regioner", "10": edited}, "second")
        assert not editions.compare(first, second).same, edited
        found = editions.group([first, second])
        assert not found.set_aside and [n.document_id for n in found.near] == ["first", "second"]


def test_more_inserted_words_than_a_page_furniture_has_is_another_edition():
    first = _print({"10": BLEKINGE}, "first")
    longer = _print({"10": BLEKINGE + "\n\n" + " ".join(f"ord{n}" for n in range(41))}, "second")
    assert not editions.compare(first, longer).same
    footer = _print({"10": BLEKINGE + "\n\n" + " ".join(f"ord{n}" for n in range(40))}, "second")
    assert editions.compare(first, footer).same


def test_the_form_with_fewer_errors_is_read_and_ties_go_to_the_text():
    parts = {"intro": "17 av 21 regioner", "10": BLEKINGE}
    assert editions.group([_print(parts, "t", "text", errors=1), _print(parts, "h", "html")]).set_aside["t"].kept == "h"
    assert editions.group([_print(parts, "p", "pdf"), _print(parts, "h", "html")]).set_aside["p"].kept == "h"


def test_a_deleted_source_leaves_the_tables_the_json_and_interim(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "a.txt")
    (raw / "b.txt").write_text(SEED_TEXT.replace("Kända sociala företag: 232", "Kända sociala företag: 9"),
                               encoding="utf-8")
    paths = (raw, tmp_path / "interim", tmp_path / "out")
    runner.run(*paths)
    assert (tmp_path / "interim" / "b").is_dir()
    (raw / "b.txt").unlink()
    summary = runner.run(*paths)
    assert summary.removed == ["raw/b.txt: gone from the raw folder, so document b is no longer in the dataset"]
    assert not (tmp_path / "interim" / "b").exists() and not (tmp_path / "out" / "json" / "b").exists()
    for table in ("documents", "regions", "quality", "mentions"):
        assert set(_tables(tmp_path / "out", table).document_id) == {"a"}, table
    assert [d["source_path"] for d in _provenance(tmp_path / "out")["documents"]] == ["raw/a.txt"]


def test_a_file_of_the_users_in_a_removed_documents_interim_folder_is_kept_and_named(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "a.txt")
    shutil.copy(SEED, raw / "b.txt")
    paths = (raw, tmp_path / "interim", tmp_path / "out")
    runner.run(*paths)
    (tmp_path / "interim" / "a" / "anteckningar.md").write_text("mina", encoding="utf-8")
    (raw / "a.txt").rename(raw / "c.txt")
    summary = runner.run(*paths)
    assert (tmp_path / "interim" / "a" / "anteckningar.md").read_text(encoding="utf-8") == "mina"
    assert sorted(p.name for p in (tmp_path / "interim" / "a").iterdir()) == ["anteckningar.md"]
    assert any("anteckningar.md: kept" in w for w in summary.warnings)
    assert summary.removed == ["raw/a.txt: gone from the raw folder, so document a is no longer in the dataset"]


def test_the_summary_names_what_was_removed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "plan 2024.txt")
    assert cli("extract", cwd=tmp_path).returncode == 0
    (raw / "plan 2024.txt").rename(raw / "plan-2025.txt")
    result = cli("extract", cwd=tmp_path)
    assert result.returncode == 0
    assert "removed: raw/plan 2024.txt: gone from the raw folder, so document plan-2024 is no longer in the " \
           "dataset" in result.stdout
    assert sorted(p.name for p in (tmp_path / "output" / "json").iterdir()) == ["plan-2025"]


@pytest.mark.slow
def test_make_extract_follows_raw_whatever_the_names(tmp_path):
    """``make extract`` itself: a source added with spaces, quotes and å/ä/ö in its name, then
    renamed, then deleted; each time the dataset is what raw/ holds."""
    clone = fresh_clone(tmp_path / "clone")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}

    def make_extract() -> subprocess.CompletedProcess:
        result = subprocess.run(["make", "extract"], cwd=clone, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    def documents() -> list[str]:
        return sorted(_tables(clone / "output", "documents").source_path)

    make_extract()
    seed = f"raw/{SEED.name}"
    assert documents() == [seed]
    name = "Så \"arbetar\" 'regionerna' 2025 (kopia).txt"
    (clone / "raw" / name).write_text(SEED_TEXT.replace("Kända sociala företag: 44", "Kända sociala företag: 50"),
                                      encoding="utf-8")
    assert "pipeline extract" in make_extract().stdout
    assert documents() == sorted([seed, f"raw/{name}"])
    (clone / "raw" / name).rename(clone / "raw" / "Örebro plan.txt")
    result = make_extract()
    assert f"removed: raw/{name}" in result.stdout
    assert documents() == sorted([seed, "raw/Örebro plan.txt"])
    (clone / "raw" / "Örebro plan.txt").unlink()
    assert "removed: raw/Örebro plan.txt" in make_extract().stdout
    assert documents() == [seed]
    # the same page saved from the browser beside the text: one document, read from the text
    (clone / "raw" / "Så arbetar regionerna - Tillväxtverket.html").write_text(render_html(SEED_TEXT), encoding="utf-8")
    assert "set aside: raw/Så arbetar regionerna - Tillväxtverket.html" in make_extract().stderr
    assert documents() == [seed]
    assert [s["source_path"] for s in _provenance(clone / "output")["set_aside"]] == [
        "raw/Så arbetar regionerna - Tillväxtverket.html"]
    (clone / "raw" / "Så arbetar regionerna - Tillväxtverket.html").unlink()
    assert "removed: raw/Så arbetar regionerna - Tillväxtverket.html" in make_extract().stdout
    assert documents() == [seed]
    assert sorted(p.name for p in (clone / "interim").iterdir() if p.is_dir()) == ["tillvaxtverket-sa-arbetar-regionerna"]
    assert "pipeline extract" not in make_extract().stdout  # nothing changed: nothing runs


def test_copies_under_other_names_and_cases_are_set_aside_and_the_text_keeps_its_id(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "seed.txt")
    summary = runner.run(raw, tmp_path / "interim", tmp_path / "out")
    assert list(_tables(tmp_path / "out", "documents").document_id) == ["seed"]
    # a copy in capitals (was: "file names give the same document id"), a page saved beside it, and the
    # text saved under a web page's name: one document, still "seed"
    shutil.copy(SEED, raw / "seed.TXT")
    (raw / "seed.html").write_text(render_html(SEED_TEXT), encoding="utf-8")
    shutil.copy(SEED, raw / "seed.htm")
    summary = runner.run(raw, tmp_path / "interim", tmp_path / "out")
    assert list(_tables(tmp_path / "out", "documents").document_id) == ["seed"]
    assert sorted(s["source_path"] for s in _provenance(tmp_path / "out")["set_aside"]) == [
        "raw/seed.TXT", "raw/seed.htm", "raw/seed.html"]
    assert summary.documents == 1
