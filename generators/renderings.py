"""PDF and HTML renderings of a text source, made by the tests and the benchmarks (no binaries are committed).

The layout is realistic on purpose: wrapped paragraphs, bold headings, a running header, a page
footer with page numbers, page breaks inside sections (PDF); site chrome around a <main>, <h2>
headings, <strong> labels, <br> lines and <ol> goal lists (HTML). ``PDF_LAYOUTS`` adds small PDFs
drawn line by line, one per awkward layout; every PDF here is read by both PDF engines.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

RUNNING_HEADER = "Tillväxtverket – Så arbetar regionerna"
_HEADING = re.compile(r"^(?:Region \w|Västra Götalandsregionen)")
_LABEL = re.compile(r"^((?:[A-ZÅÄÖ][\wåäö]*)(?: [\wåäö]+){0,7}\.?:)(.*)$")
_GOAL = re.compile(r"^(\d+)\. (.+)$")


def blocks(text: str) -> list[list[str]]:
    """The text's blocks (separated by blank lines), each a list of its lines."""
    return [[line.strip() for line in block.split("\n")] for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]


def is_heading(block: list[str]) -> bool:
    return len(block) == 1 and bool(_HEADING.match(block[0])) and not re.search(r"[.:;!?,]$", block[0])


def render_pdf(text: str, path: Path, heading_font: tuple[str, float] = ("Helvetica-Bold", 13)) -> int:
    """Writes ``text`` as an A4 report, region headings in ``heading_font`` (font, size); returns
    the number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12.5)
    heading = ParagraphStyle("heading", parent=body, fontName=heading_font[0], fontSize=heading_font[1],
                             leading=heading_font[1] * 1.25, spaceBefore=14, spaceAfter=6)
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=18, leading=22, spaceAfter=8)

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws the running header and "Sida N (M)" once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.drawString(2.5 * cm, A4[1] - 1.5 * cm, RUNNING_HEADER)
                self.drawRightString(A4[0] - 2.5 * cm, 1.5 * cm, f"Sida {number} ({len(self._pages)})")
                super().showPage()
            super().save()

    story = []
    all_blocks = blocks(text)
    for n, block in enumerate(all_blocks):
        for i, line in enumerate(block):
            if n == 1 and i == 0:
                style = title
            elif is_heading(block):
                style = heading
            else:
                style = ParagraphStyle(f"b{n}{i}", parent=body, spaceBefore=9 if i == 0 else 0)
            story.append(Paragraph(html.escape(line), style))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2.5 * cm, rightMargin=2.5 * cm,
                            topMargin=2.5 * cm, bottomMargin=2.5 * cm)
    doc.build(story, canvasmaker=NumberedCanvas)
    return doc.page


def _inline(line: str) -> str:
    """A line as HTML, with a leading label in <strong>."""
    match = _LABEL.match(line)
    if match and len(match.group(1)) < 60:
        return f"<strong>{html.escape(match.group(1))}</strong>{html.escape(match.group(2))}"
    return html.escape(line)


def render_html(text: str) -> str:
    """``text`` as a web page: site chrome around <main>, headings, labels, <br> lines and <ol> goals."""
    all_blocks = blocks(text)
    if all_blocks and len(all_blocks[0]) > 1:  # the publisher line directly above the title: two blocks
        all_blocks[:1] = [all_blocks[0][:1], all_blocks[0][1:]]
    parts = []
    for n, block in enumerate(all_blocks):
        if n == 0:
            continue  # the publisher is the site's name, given in <meta> and the header
        if n == 1:
            parts.append(f"<h1>{html.escape(block[0])}</h1>")
            continue
        if is_heading(block):
            parts.append(f"<h2>{html.escape(block[0])}</h2>")
            continue
        goals = [_GOAL.match(line) for line in block[1:]]
        if block[0] == "Mål:" and len(block) > 1 and all(goals) and \
                [int(g.group(1)) for g in goals] == list(range(1, len(goals) + 1)):
            items = "".join(f"<li>{html.escape(g.group(2))}</li>" for g in goals)
            parts.append(f"<p><strong>Mål:</strong></p>\n<ol>{items}</ol>")
            continue
        if all(line.startswith("• ") for line in block):
            parts.append("<ul>" + "".join(f"<li>{html.escape(line[2:])}</li>" for line in block) + "</ul>")
            continue
        lines = "<br>\n".join(_inline(line) for line in block)
        parts.append(f"<p>{lines}</p>")
    body = "\n".join(parts)
    body = body.replace("SammanställningPDF", '<a href="sammanstallning.pdf">Sammanställning<span>PDF</span></a>')
    body = body.replace("länk till annan webbplats, öppnas i nytt fönster",
                        '<span class="sr-only">länk till annan webbplats, öppnas i nytt fönster</span>')
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta property="og:site_name" content="{html.escape(all_blocks[0][0])}">
<title>Så arbetar regionerna - Tillväxtverket</title>
<style>.sr-only {{ position: absolute; }}</style>
<script>window.dataLayer = [];</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>Vi använder kakor. <button>Godkänn</button></p></div>
<header><a href="/">Tillväxtverket</a><nav><ul><li><a href="/a">Om oss</a></li><li><a href="/b">Kontakt:
växel</a></li></ul></nav></header>
<nav class="breadcrumb"><a href="/">Start</a> &gt; <a href="/r">Regional utveckling</a></nav>
<main id="main">
{body}
</main>
<aside><h2>Region Gotland tipsar</h2><p>Relaterat innehåll.</p></aside>
<footer><p>Tillväxtverket &copy; 2026</p><p>Org.nr 202100-5059</p></footer>
</body>
</html>
"""


TEXT_WIDTH = 420
BODY = ("Helvetica", 10)
HEADING = ("Helvetica-Bold", 13)
WIDE = "Konkret: arbetet bygger på kunskap om sociala företag och på samverkan i hela regionen med"

Line = tuple[str, str, float, bool]


def draw_pdf(path, pages: list[list[Line]], **canvas_options) -> None:
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


def line(text: str, style=BODY, justified: bool = False) -> Line:
    return (text, *style, justified)


def wrapped(text: str) -> Line:
    """A line of a paragraph that goes on: it reaches the right edge."""
    return line(text, BODY, True)


def hyphenated(path: Path) -> None:
    draw_pdf(path, [[line("Region Skåne bygger samverkan", HEADING), line(""),
                     wrapped("Syfte: att stärka och utveckla arbetet med sociala företag och samhälls-"),
                     wrapped("entreprenörer i ASF-projekt tillsammans med Marie-Louise och social- och"),
                     wrapped("samhällsinnovation i hela länet, där projektledaren Anna-Karin Lind och Marie-"),
                     line("Louise Berg arbetar med stödstrukturer för nystart i länet.")]])


def furniture(path: Path) -> None:
    page = [line("Region Skåne bygger samverkan", HEADING), line(""), line("Kända sociala företag: 64")]
    draw_pdf(path, [page, page, page])


def page_break(path: Path) -> None:
    draw_pdf(path, [[line("Region Skåne bygger samverkan", HEADING), line(""), wrapped(WIDE)],
                    [line("företagsfrämjare och möjliggörare i Skåne."), line(""), line("Kända sociala företag: 64")]])


def contact_lines(path: Path) -> None:
    draw_pdf(path, [[line("Kontakt: Johan Nilsson, PL regionen"), line("Lena Karlsson, ALMI"), wrapped(WIDE)]])


def year_after_a_wrap(path: Path) -> None:
    draw_pdf(path, [[line("Mål:"), wrapped("1. Utveckla direktiven i uppdrag till aktörer inom ESBR med mål som startade år"),
                     line("2010. Det blev bra."), line("2. Utveckla arbetet.")]])


def body_font_headings(path: Path) -> None:
    """Region headings in the body font: one ends a page, one starts the next."""
    draw_pdf(path, [[line("Region Skåne bygger samverkan"), line(""), wrapped(WIDE),
                     line("företagsfrämjare i Skåne."), line(""), line("Kända sociala företag: 64"),
                     line("Kommuner som arbetar med att främja sociala företag: 3"), line(""),
                     line("Region Uppsala arbetar med upphandling")],
                    [line("Region Uppsala skapar bättre förutsättningar att upphandla."), line(""),
                     line("Kända sociala företag: 16"), line(""), line("")],
                    [line("Region Gotland arbetar med kunskap"), line(""),
                     line("Region Gotland sprider kunskap om sociala företag."), line(""),
                     line("Kända sociala företag: 3")]])


def notes(path: Path, pages: int = 40) -> None:
    """A long appendix: a header, a note and a page number on each page."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for page in range(1, pages + 1):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(72, 800, "Bilaga: handlingsplaner")
        pdf.drawString(300, 30, f"Sida {page}")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(72, 700, f"Anteckning {page} om det regionala arbetet med sociala företag.")
        pdf.showPage()
    pdf.save()


def transformed(path: Path) -> None:
    """Text scaled by the page matrix, squeezed by horizontal scaling, inside a form scaled twice,
    raised off its baseline, and a page turned by /Rotate."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(72, 760, "Region Skåne bygger samverkan kring socialt företagande")
    pdf.saveState()
    pdf.translate(72, 700)
    pdf.scale(1.5, 1.5)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(0, 0, "Skalad rubrik om sociala företag")
    pdf.restoreState()
    text = pdf.beginText(72, 600)
    text.setFont("Times-Roman", 12)
    text.setHorizScale(80)
    text.textLine("Smal text med horisontell skalning i Times")
    pdf.drawText(text)
    pdf.beginForm("form")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(0, 0, "Text i ett formulär")
    pdf.endForm()
    pdf.saveState()
    pdf.translate(72, 500)
    pdf.scale(2, 2)
    pdf.doForm("form")
    pdf.restoreState()
    text = pdf.beginText(72, 400)
    text.setFont("Helvetica", 10)
    text.setRise(3)
    text.textOut("upphöjd")
    text.setRise(0)
    text.textOut(" och vanlig text")
    pdf.drawText(text)
    pdf.showPage()
    pdf.setPageRotation(90)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(72, 500, "Liggande sida")
    pdf.showPage()
    pdf.save()


def embedded_font(path: Path) -> None:
    """A TrueType font embedded as a subset, with fractional widths."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(font)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(font.with_name("DejaVuSans-Bold.ttf"))))
    pdf = canvas.Canvas(str(path))
    pdf.setFont("DejaVuSans-Bold", 13)
    pdf.drawString(72, 760, "Region Örebro län arbetar med ﬁnansiering")
    pdf.setFont("DejaVuSans", 10)
    y = 730
    for text in ("Regionens arbete med sociala företag fortsätter under året med flera aktörer i länet,",
                 "bland andra Coompanion, Samordningsförbundet och länets kommuner.", "",
                 "Kontakt: Anna Åberg, projektledare – «Sociala företag i Örebro»"):
        if text:
            pdf.drawString(72, y, text)
        y -= 14 if text else 10
    pdf.showPage()
    pdf.save()


PDF_LAYOUTS = {
    "hyphenated": hyphenated,
    "furniture": furniture,
    "page_break": page_break,
    "contact_lines": contact_lines,
    "year_after_a_wrap": year_after_a_wrap,
    "body_font_headings": body_font_headings,
    "notes": notes,
    "transformed": transformed,
}
"""Small PDFs, one per awkward layout, by name."""
if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file():
    PDF_LAYOUTS["embedded_font"] = embedded_font
