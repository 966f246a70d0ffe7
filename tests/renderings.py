"""PDF and HTML renderings of a text source, made inside the tests (no binaries are committed).

The layout is realistic on purpose: wrapped paragraphs, bold headings, a running header, a page
footer with page numbers, page breaks inside sections (PDF); site chrome around a <main>, <h2>
headings, <strong> labels, <br> lines and <ol> goal lists (HTML).
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


def render_pdf(text: str, path: Path) -> int:
    """Writes ``text`` as an A4 report; returns the number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12.5)
    heading = ParagraphStyle("heading", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=16,
                             spaceBefore=14, spaceAfter=6)
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
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def _inline(line: str) -> str:
    """A line as HTML, with a leading label in <strong>."""
    match = _LABEL.match(line)
    if match and len(match.group(1)) < 60:
        return f"<strong>{html.escape(match.group(1))}</strong>{html.escape(match.group(2))}"
    return html.escape(line)


def render_html(text: str) -> str:
    """``text`` as a web page: site chrome around <main>, headings, labels, <br> lines and <ol> goals."""
    all_blocks = blocks(text)
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
