"""The two PDF engines give the same interim text, findings and page count on every PDF rendering of
the tests, so either gives the same dataset; PDFium is the default and the engine keys the cache."""

from __future__ import annotations

import hashlib
import json
import shutil
import pytest

from pipeline.profile import DEFAULT_PROFILE
from pipeline.readers import registry
from pipeline.readers.pdf import DEFAULT_ENGINE, ENGINES, read_pdf_source
from pipeline.stages import read_key, text_key
from tests.conftest import COMPILED, PROFILE, SEED, cli
from generators.renderings import PDF_LAYOUTS, render_pdf

REPORTS = {"seed": lambda path: render_pdf(SEED.read_text(encoding="utf-8"), path)}
"""Whole reports rendered as PDFs. ``make bench`` compares the engines on a corpus of them."""


@pytest.mark.parametrize("name", [*PDF_LAYOUTS, *REPORTS])
def test_both_engines_give_the_same_text_findings_and_pages(tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    (PDF_LAYOUTS.get(name) or REPORTS[name])(path)
    hints = registry.hints(PROFILE)
    reference = read_pdf_source(path, hints=hints, engine="pdfplumber")
    fast = read_pdf_source(path, hints=hints, engine="pdfium")
    assert fast.text == reference.text
    assert fast.findings == reference.findings
    assert (fast.pages, fast.encoding) == (reference.pages, reference.encoding)


PRINTED = sorted((SEED.parent.parent / "tests" / "editions" / "printed").glob("*.pdf"))
"""The saved-page editions printed by browsers: columns, tables, banners, drawn bullets."""


ENGINES_DISAGREE = {
}


@pytest.mark.slow  # pdfplumber reads the ten prints in about 90 s: `make test-slow` (CI) runs it
@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(reason=ENGINES_DISAGREE[p.name], strict=True))
                                  if p.name in ENGINES_DISAGREE else p for p in PRINTED], ids=[p.name for p in PRINTED])
def test_both_engines_read_a_browsers_print_the_same(path):
    hints = registry.hints(PROFILE)
    reference = read_pdf_source(path, hints=hints, engine="pdfplumber")
    fast = read_pdf_source(path, hints=hints, engine="pdfium")
    assert fast.text == reference.text
    assert fast.findings == reference.findings


def test_pdfium_is_the_default_engine():
    assert DEFAULT_ENGINE == "pdfium" and set(ENGINES) == {"pdfium", "pdfplumber"}


def test_the_engine_is_part_of_the_text_stage_key():
    keys = {engine: read_key("pdf", COMPILED, engine) for engine in ENGINES}
    assert keys["pdfium"] != keys["pdfplumber"]
    assert read_key("text", COMPILED, "pdfium") == read_key("text", COMPILED, "pdfplumber")


def test_extract_with_either_engine_writes_the_same_output(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    PDF_LAYOUTS["body_font_headings"](raw / "plan.pdf")
    shutil.copy(SEED, raw / SEED.name)
    outputs = {}
    for engine in ENGINES:
        result = cli("extract", "-q", "--profile", str(DEFAULT_PROFILE), "--pdf-engine", engine,
                     "--output-dir", f"out-{engine}",
                     "--interim-dir", f"interim-{engine}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs[engine] = {path.relative_to(tmp_path / f"out-{engine}"): path.read_bytes()
                           for path in sorted((tmp_path / f"out-{engine}" / "json").rglob("*.json"))}
        meta = json.loads((tmp_path / f"interim-{engine}" / "plan" / "text.json").read_text(encoding="utf-8"))
        sha = hashlib.sha256((raw / "plan.pdf").read_bytes()).hexdigest()
        assert meta["key"] == text_key("pdf", sha, COMPILED, engine)
    assert outputs["pdfium"] == outputs["pdfplumber"]
    assert len(outputs["pdfium"]) > 2


def test_changing_the_engine_reextracts_only_the_pdfs(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    PDF_LAYOUTS["furniture"](raw / "plan.pdf")
    shutil.copy(SEED, raw / SEED.name)
    # the generated PDF is a report's pages without its title: read as this family, as --profile says
    assert cli("extract", "-q", "--profile", str(DEFAULT_PROFILE), cwd=tmp_path).returncode == 0
    result = cli("extract", "--profile", str(DEFAULT_PROFILE), "--pdf-engine", "pdfplumber", cwd=tmp_path)
    assert result.returncode == 0 and "(1 re-extracted, 1 unchanged)" in result.stdout


def test_an_unknown_engine_is_refused(tmp_path):
    result = cli("extract", "--pdf-engine", "docling", cwd=tmp_path)
    assert result.returncode == 2 and "docling" in result.stderr
    assert not (tmp_path / "output").exists()
