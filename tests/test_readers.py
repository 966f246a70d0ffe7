"""The PDF and web-page readers, one test per awkward layout or markup."""

from __future__ import annotations

import pytest

from pipeline.errors import UnusableInputError
from pipeline.readers import registry
from pipeline.readers.html import read_html_source
from pipeline.readers.pdf import ENGINES, read_pdf_source
from pipeline.readers.text import ReaderHints
from pipeline.runner.run import extract_document
from pipeline.runner.sources import Source
from tests.conftest import PROFILE, SEED
from generators.renderings import (BODY, WIDE, body_font_headings, contact_lines, draw_pdf, furniture, hyphenated, line,
                              page_break, render_pdf, year_after_a_wrap)


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """Each PDF test runs with both engines: they must give the same text and the same errors."""
    return request.param


def read(path, engine: str, hints=ReaderHints()):
    return read_pdf_source(path, hints=hints, engine=engine)


def test_words_hyphenated_at_a_line_end_are_joined(tmp_path, engine):
    path = tmp_path / "hyphen.pdf"
    hyphenated(path)
    text = read(path, engine).text
    assert "samhällsentreprenörer i ASF-projekt" in text
    assert "social- och samhällsinnovation" in text
    assert "Marie-Louise Berg" in text


def test_running_header_and_page_numbers_are_dropped_and_reported(tmp_path, engine):
    path = tmp_path / "furniture.pdf"
    furniture(path)
    result = read(path, engine)
    assert "Handlingsplan" not in result.text and "(3)" not in result.text
    assert sorted(f.evidence for f in result.findings if f.code == "pdf_furniture_dropped") == [
        "# (#)", "Handlingsplan för socialt företagande"]


def test_paragraph_continues_across_a_page_break(tmp_path, engine):
    path = tmp_path / "break.pdf"
    page_break(path)
    text = read(path, engine).text
    assert f"{WIDE} företagsfrämjare och möjliggörare i Skåne.\n\nKända sociala företag: 64" in text


def test_short_lines_stay_separate_lines(tmp_path, engine):
    path = tmp_path / "contacts.pdf"
    contact_lines(path)
    assert read(path, engine).text.startswith("Kontakt: Johan Nilsson, PL regionen\nLena Karlsson, ALMI\n")


def test_year_after_a_wrap_is_not_a_list_item(tmp_path, engine):
    path = tmp_path / "year.pdf"
    year_after_a_wrap(path)
    assert "startade år 2010. Det blev bra.\n2. Utveckla" in read(path, engine).text


def test_region_heading_in_the_body_font_after_a_page_break_is_its_own_block(tmp_path, engine):
    # page 1 ends with "Region Uppsala arbetar med upphandling", page 3 starts with "Region Gotland
    # arbetar med kunskap"; both are set like the body text, so only the profile's heading forms
    # tell them from a paragraph that goes on over the page break
    path = tmp_path / "headings.pdf"
    body_font_headings(path)
    text = read(path, engine, registry.hints(PROFILE)).text
    assert "\n\nRegion Uppsala arbetar med upphandling\n\nRegion Uppsala skapar bättre" in text
    assert "Kända sociala företag: 16\n\nRegion Gotland arbetar med kunskap\n\nRegion Gotland sprider" in text


def test_a_report_whose_headings_use_the_body_font_keeps_every_region(tmp_path):
    path = tmp_path / "seed.pdf"
    render_pdf(SEED.read_text(encoding="utf-8"), path, heading_font=BODY)
    extraction, _ = extract_document(Source(path, path.name, "seed", "pdf"))
    assert extraction.document.regions_found == 17


def test_image_only_pdf_is_refused(tmp_path, engine):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawImage(ImageReader(Image.new("RGB", (200, 100), "white")), 72, 600, 200, 100)
    pdf.showPage()
    pdf.save()
    with pytest.raises(UnusableInputError) as raised:
        read(path, engine)
    assert str(raised.value) == (f"{path}: PDF has no text layer on any of its 1 page(s) (scanned or image-only); "
                                 "run OCR first")


def test_encrypted_pdf_is_refused(tmp_path, engine):
    path = tmp_path / "locked.pdf"
    draw_pdf(path, [[line("Kontakt: Johan Nilsson")]], encrypt="hemligt")
    with pytest.raises(UnusableInputError) as raised:
        read(path, engine)
    assert str(raised.value) == f"{path}: PDF is encrypted (password protected); cannot read it"


@pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj\n<<", b"not a pdf at all", b""])
def test_corrupt_pdf_is_refused(tmp_path, data, engine):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(UnusableInputError) as raised:
        read(path, engine)
    assert str(raised.value) == f"{path}: not a readable PDF (damaged, or not a PDF at all)"


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta property="og:site_name" content="Tillväxtverket"></head><body>
<div class="cookie-banner">Vi använder kakor</div><nav><a href="/">Start</a></nav>
<main><h1>Så arbetar regionerna</h1>
<h2>Region Blekinge sprider kunskap</h2>
<p>Blekinge arbetar med att sprida&nbsp;kunskap &amp; utveckla.</p>
<p><strong>Kontakt:</strong> Johan Nilsson, PL regionen<br>Lena Karlsson, ALMI</p>
<p><strong>Mål:</strong></p><ol><li>Parterna har en samsyn.</li><li>Ta fram en arbetsmetod.</li></ol>
<ul><li>Upphandling med anbudscoacher.</li></ul>
</main><footer>Tillväxtverket &copy; 2026</footer></body></html>"""


def test_web_page_main_content_only(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    assert read_html_source(path).text == (
        "Tillväxtverket\n\nSå arbetar regionerna\n\nRegion Blekinge sprider kunskap\n\n"
        "Blekinge arbetar med att sprida kunskap & utveckla.\n\n"
        "Kontakt: Johan Nilsson, PL regionen\nLena Karlsson, ALMI\n\n"
        "Mål:\n\n1. Parterna har en samsyn.\n2. Ta fram en arbetsmetod.\n\n• Upphandling med anbudscoacher.\n")


def test_ordered_list_items_are_labelled_by_position(tmp_path):
    path = tmp_path / "ol.html"
    path.write_text('<main><ol start="3"><li>Tre</li><li value="7">Sju</li><li>Åtta</li></ol></main>', encoding="utf-8")
    assert read_html_source(path).text == "3. Tre\n7. Sju\n8. Åtta\n"


def test_windows_1252_page_with_declared_charset(tmp_path):
    path = tmp_path / "old.html"
    path.write_bytes('<html><head><meta charset="windows-1252"></head><main><p>Sörmland – Västerås</p></main>'
                     .encode("cp1252"))
    result = read_html_source(path)
    assert (result.text, result.encoding) == ("Sörmland – Västerås\n", "windows-1252")


def test_page_without_main_is_read_whole_and_reported(tmp_path):
    path = tmp_path / "bare.html"
    path.write_text("<body><p>Kända sociala företag: 12</p><footer>x</footer></body>", encoding="utf-8")
    result = read_html_source(path)
    assert result.text == "Kända sociala företag: 12\n"
    assert [f.code for f in result.findings] == ["html_no_main", "web_furniture_removed"]  # the footer
