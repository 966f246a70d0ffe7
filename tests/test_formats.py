"""PDF and web-page renderings of the seed give the same dataset as the text itself."""

from __future__ import annotations

import shutil

import pytest

from pipeline.runner.run import extract_document
from pipeline.runner.sources import Source
from pipeline.models import Extraction
from tests.conftest import SEED
from generators.renderings import render_html, render_pdf


def essence(extraction: Extraction) -> dict:
    """Everything but offsets and the interim text."""
    return {
        "document": (extraction.document.publisher, extraction.document.title, extraction.document.regions_found,
                     extraction.document.regions_claimed, extraction.document.focus_areas,
                     extraction.document.methods),
        "regions": [
            {
                "county_code": r.county_code,
                "title": r.title,
                "summary": r.summary,
                "counts": [(c.value, c.basis, c.raw, c.listed) for c in r.counts.values()],
                "contacts": [(c.name, c.role, c.organisation_id, c.status, c.note) for c in r.contacts],
                "goals": [(g.ordinal, g.label, g.text) for g in r.goals],
                "purpose_items": [(p.label, p.text) for p in r.purpose_items],
                "mentions": [(m.section, m.organisation_id, m.surface, m.method) for m in r.mentions],
                "sections": [(s.section, s.label) for s in r.sections],
                "quality": sorted((f.severity, f.code, f.evidence) for f in r.quality),
            }
            for r in extraction.regions
        ],
    }


@pytest.fixture(scope="module")
def renderings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    text = SEED.read_text(encoding="utf-8")
    pages = render_pdf(text, folder / "seed.pdf")
    (folder / "seed.html").write_text(render_html(text), encoding="utf-8")
    shutil.copy(SEED, folder / "seed.txt")
    return folder, pages


def extract(path, fmt) -> Extraction:
    return extract_document(Source(path, path.name, "seed", fmt))[0]


@pytest.fixture(scope="module")
def extracted(renderings) -> dict[str, Extraction]:
    """The seed's PDF and HTML renderings, each extracted once for the tests of this module."""
    folder, _ = renderings
    return {fmt: extract(folder / f"seed.{fmt}", fmt) for fmt in ("pdf", "html")}


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_format_gives_the_same_dataset_as_the_text(extracted, seed, fmt):
    got = essence(extracted[fmt])
    want = essence(seed)
    assert got["document"] == want["document"]
    for mine, theirs in zip(got["regions"], want["regions"], strict=True):
        assert mine == theirs, mine["county_code"]


def test_pdf_has_page_breaks_inside_sections_and_furniture_is_reported(renderings, extracted):
    _, pages = renderings
    assert pages >= 10
    extraction = extracted["pdf"]
    dropped = {f.evidence: f.message for f in extraction.document.quality if f.code == "pdf_furniture_dropped"}
    assert set(dropped) == {"Tillväxtverket – Så arbetar regionerna", "Sida # (#)"}
    assert all(f"on {pages} page(s)" in message for message in dropped.values())
    assert extraction.document.pages == pages


def test_cp1252_copy_with_crlf_line_ends(tmp_path, seed):
    path = tmp_path / "seed-cp1252.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").replace("\n", "\r\n").encode("cp1252"))
    extraction = extract(path, "text")
    assert extraction.document.encoding == "cp1252"
    assert essence(extraction) == essence(seed)
