"""The PDF and web-page readers, one test per awkward layout or markup."""

from __future__ import annotations

import pytest

from pipeline.errors import UnusableInputError
from pipeline.readers.html import read_html_source
from pipeline.readers.pdf import read_pdf_source


TEXT_WIDTH = 420


def draw_pdf(path, pages: list[list[tuple[str, str, float, bool]]], **canvas_options) -> None:
    """Draws lines as given, 14 pt apart on A4 pages: (text, font, size, justified to the text width).
    Pages after the first get a running header and a "N (M)" page number."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, **canvas_options)
    for number, lines in enumerate(pages, start=1):
        if len(pages) > 1:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(72, A4[1] - 40, "Handlingsplan för socialt företagande")
            pdf.drawString(A4[0] / 2, 30, f"{number} ({len(pages)})")
        y = A4[1] - 90
        for text, font, size, justified in lines:
            if not text:
                y -= 10
                continue
            written = pdf.beginText(72, y)
            written.setFont(font, size)
            if justified:
                written.setCharSpace((TEXT_WIDTH - stringWidth(text, font, size)) / max(1, len(text) - 1))
            written.textLine(text)
            pdf.drawText(written)
            y -= 14
        pdf.showPage()
    pdf.save()


BODY = ("Helvetica", 10)
HEADING = ("Helvetica-Bold", 13)
WIDE = "Konkret: arbetet bygger på kunskap om sociala företag och på samverkan i hela regionen med"


def line(text: str, style=BODY, justified: bool = False) -> tuple[str, str, float, bool]:
    return (text, *style, justified)


def wrapped(text: str) -> tuple[str, str, float, bool]:
    """A line of a paragraph that goes on: it reaches the right edge."""
    return line(text, BODY, True)


def test_words_hyphenated_at_a_line_end_are_joined(tmp_path):
    path = tmp_path / "hyphen.pdf"
    draw_pdf(path, [[line("Region Skåne bygger samverkan", HEADING), line(""),
                     wrapped("Syfte: att stärka och utveckla arbetet med sociala företag och samhälls-"),
                     wrapped("entreprenörer i ASF-projekt tillsammans med Marie-Louise och social- och"),
                     wrapped("samhällsinnovation i hela länet, där projektledaren Anna-Karin Lind och Marie-"),
                     line("Louise Berg arbetar med stödstrukturer för nystart i länet.")]])
    text = read_pdf_source(path).text
    assert "samhällsentreprenörer i ASF-projekt" in text
    assert "social- och samhällsinnovation" in text
    assert "Marie-Louise Berg" in text


def test_running_header_and_page_numbers_are_dropped_and_reported(tmp_path):
    path = tmp_path / "furniture.pdf"
    page = [line("Region Skåne bygger samverkan", HEADING), line(""), line("Kända sociala företag: 64")]
    draw_pdf(path, [page, page, page])
    result = read_pdf_source(path)
    assert "Handlingsplan" not in result.text and "(3)" not in result.text
    assert sorted(f.evidence for f in result.findings if f.code == "pdf_furniture_dropped") == [
        "# (#)", "Handlingsplan för socialt företagande"]


def test_paragraph_continues_across_a_page_break(tmp_path):
    path = tmp_path / "break.pdf"
    draw_pdf(path, [[line("Region Skåne bygger samverkan", HEADING), line(""), wrapped(WIDE)],
                    [line("företagsfrämjare och möjliggörare i Skåne."), line(""), line("Kända sociala företag: 64")]])
    text = read_pdf_source(path).text
    assert f"{WIDE} företagsfrämjare och möjliggörare i Skåne.\n\nKända sociala företag: 64" in text


def test_short_lines_stay_separate_lines(tmp_path):
    path = tmp_path / "contacts.pdf"
    draw_pdf(path, [[line("Kontakt: Johan Nilsson, PL regionen"), line("Lena Karlsson, ALMI"), wrapped(WIDE)]])
    assert read_pdf_source(path).text.startswith("Kontakt: Johan Nilsson, PL regionen\nLena Karlsson, ALMI\n")


def test_year_after_a_wrap_is_not_a_list_item(tmp_path):
    path = tmp_path / "year.pdf"
    draw_pdf(path, [[line("Mål:"), wrapped("1. Utveckla direktiven i uppdrag till aktörer inom ESBR med mål som startade år"),
                     line("2010. Det blev bra."), line("2. Utveckla arbetet.")]])
    assert "startade år 2010. Det blev bra.\n2. Utveckla" in read_pdf_source(path).text


def test_image_only_pdf_is_refused(tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawImage(ImageReader(Image.new("RGB", (200, 100), "white")), 72, 600, 200, 100)
    pdf.showPage()
    pdf.save()
    with pytest.raises(UnusableInputError, match="no text layer"):
        read_pdf_source(path)


def test_encrypted_pdf_is_refused(tmp_path):
    path = tmp_path / "locked.pdf"
    draw_pdf(path, [[line("Kontakt: Johan Nilsson")]], encrypt="hemligt")
    with pytest.raises(UnusableInputError, match="encrypted"):
        read_pdf_source(path)


@pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj\n<<", b"not a pdf at all", b""])
def test_corrupt_pdf_is_refused(tmp_path, data):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(UnusableInputError) as raised:
        read_pdf_source(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)


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
    assert [f.code for f in result.findings] == ["html_no_main"]
