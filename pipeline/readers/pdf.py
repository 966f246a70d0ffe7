"""Reader for PDF sources: pages become the same normalised interim text as a text source.

Lines are read in reading order with pdfplumber, then rebuilt into paragraphs from the layout:
a line that stops short of the right edge ends its paragraph (the next word would have fitted),
a larger vertical gap starts a new block (a blank line), and a change of font size or weight
(headings) starts a new paragraph. Paragraphs continue across page breaks. Running headers,
footers and page numbers are found by repetition and position, dropped, and reported. Words
hyphenated at a line end are joined; real hyphens ("ASF-projekt", "Marie-Louise") stay.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect

from pipeline.errors import UnusableInputError
from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.readers.text import NormalisedText, ReaderHints, normalise

MARGIN_BAND = 0.08
"""Lines within this share of the page height from the top or bottom edge may be furniture."""
REPEATED_ON = 0.5
"""A margin line whose text (digits aside) recurs on at least this share of pages is furniture."""
_PAGE_NUMBER = re.compile(r"^(?:(?:sida|page|s\.)\s*)?#(?:\s*(?:\(#\)|/\s*#|av\s+#|of\s+#))?$|^[-–]\s*#\s*[-–]$",
                          re.IGNORECASE)
_BULLET_START = re.compile(r"^(?:[-–•*]\s|\(cid:\d+\)\s|[a-zåäö]\)\.?\s|\(\w\)\s)")
_NUMBER_START = re.compile(r"^(\d+)[a-z]?(?:\+\d+)?[.):]")


def _list_number(text: str) -> int | None:
    match = _NUMBER_START.match(text)
    return int(match.group(1)) if match else None
_SUSPENDED = {"och", "eller", "samt", "till", "&"}


@dataclass
class PdfLine:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    first_word_width: float


def _lines(page, page_number: int) -> list[PdfLine]:
    """The page's lines in reading order (top to bottom, then left to right), from its words with
    their font: one pass of pdfplumber's word extraction, nothing more."""
    words = page.extract_words(x_tolerance=1.5, extra_attrs=["fontname", "size"])
    words.sort(key=lambda w: (w["top"], w["x0"]))
    groups: list[list[dict]] = []
    for word in words:
        if groups and abs(word["top"] - groups[-1][0]["top"]) <= max(1.0, 0.3 * word["size"]):
            groups[-1].append(word)
        else:
            groups.append([word])
    result = []
    for group in groups:
        group.sort(key=lambda w: w["x0"])
        text = group[0]["text"]
        for previous, word in zip(group, group[1:]):
            text += ("" if word["x0"] - previous["x1"] < word["size"] * 0.1 else " ") + word["text"]
        weights = [len(w["text"]) for w in group]
        bold = sum(n for w, n in zip(group, weights)
                   if "bold" in w["fontname"].lower() or "black" in w["fontname"].lower()) > sum(weights) / 2
        result.append(PdfLine(page_number, text, group[0]["x0"], group[-1]["x1"], min(w["top"] for w in group),
                              max(w["bottom"] for w in group), statistics.median(round(w["size"], 1) for w in group),
                              bold, group[0]["x1"] - group[0]["x0"]))
    return result


def _furniture(pages: list[list[PdfLine]], heights: list[float]) -> tuple[set[int], list[tuple[str, int]]]:
    """Ids of lines that are running headers, footers or page numbers, and (text, pages) dropped."""
    def band(line: PdfLine, height: float) -> str | None:
        if line.top < height * MARGIN_BAND:
            return "top"
        if line.bottom > height * (1 - MARGIN_BAND):
            return "bottom"
        return None

    keys: dict[tuple[str, str], set[int]] = defaultdict(set)
    for lines, height in zip(pages, heights):
        for line in lines:
            where = band(line, height)
            if where:
                keys[(where, re.sub(r"\d+", "#", line.text))].add(line.page)
    repeated = {key for key, on in keys.items() if len(on) >= max(2, REPEATED_ON * len(pages))}
    dropped: set[int] = set()
    report: Counter[str] = Counter()
    for lines, height in zip(pages, heights):
        for line in lines:
            where = band(line, height)
            if not where:
                continue
            key = re.sub(r"\d+", "#", line.text)
            if (where, key) in repeated or _PAGE_NUMBER.match(key):
                dropped.add(id(line))
                report[key] += 1
    return dropped, sorted(report.items())


_CID = re.compile(r"\(cid:(\d+)\)")


def _unmapped_glyphs(text: str) -> tuple[str, list[Finding]]:
    """Glyphs the PDF gives no character for: a list bullet when one starts a line, else U+FFFD."""
    findings = []
    bullets = re.findall(r"^\(cid:\d+\)(?= )", text, re.MULTILINE)
    if bullets:
        findings.append(Finding(county_code=None, severity=Code.pdf_glyph_read_as_bullet.severity,
                                code=Code.pdf_glyph_read_as_bullet,
                                message=f"{len(bullets)} unmapped glyph(s) at line starts read as list bullets",
                                evidence=bullets[0]))
    text = re.sub(r"^\(cid:\d+\)(?= )", "•", text, flags=re.MULTILINE)
    others = _CID.findall(text)
    if others:
        findings.append(Finding(county_code=None, severity=Code.pdf_unmapped_glyph.severity,
                                code=Code.pdf_unmapped_glyph,
                                message=f"{len(others)} glyph(s) with no character in the PDF, kept as U+FFFD",
                                evidence=f"(cid:{others[0]})"))
    return _CID.sub("\ufffd", text), findings


def _join(previous: str, line: str) -> str:
    """Joins a wrapped line to its paragraph, undoing end-of-line hyphenation."""
    if re.search(r"[^\W\d_]-$", previous):
        first = line.split(" ", 1)[0]
        if first[:1].islower() and first.lower() not in _SUSPENDED:
            return previous[:-1] + line  # "sam-" + "hällsentreprenör"
        if first[:1].isupper():
            return previous + line  # "Marie-" + "Louise"
    return f"{previous} {line}"


def paragraphs(pages: list[list[PdfLine]], hints: ReaderHints = ReaderHints()) -> str:
    """Rebuilds the body lines of all pages into text: one paragraph a line, blank lines between blocks.
    ``hints`` gives the labels that start a line (any label) and a block (a section's label)."""
    lines = [line for page in pages for line in page]
    if not lines:
        return ""
    body_size = Counter(line.size for line in lines).most_common(1)[0][0]
    by_page: dict[int, list[float]] = defaultdict(list)
    for line in lines:
        by_page[line.page].append(line.x1)
    widest = statistics.median(max(x1s) for x1s in by_page.values())
    # a page with few lines may have none that reach the edge: use the document's typical edge
    right_edge = {page: max(x1s) if len(x1s) >= 10 else max(widest, max(x1s)) for page, x1s in by_page.items()}
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if a.page == b.page and a.size == b.size == body_size]
    # the usual gap between lines of a paragraph; with few lines the median may be a block gap itself
    line_gap = min(statistics.median(gaps), body_size * 0.6) if gaps else body_size * 0.25
    char_width = body_size * 0.5

    out: list[str] = [lines[0].text]
    last_number = _list_number(lines[0].text)
    for previous, line in zip(lines, lines[1:]):
        number = _list_number(line.text)
        # "2010." after a wrap is a year, not item 2010: numbered items must continue the count
        numbered_item = number is not None and (number == 1 or number == (last_number or 0) + 1)
        style_change = (previous.size, previous.bold) != (line.size, line.bold)
        heading = (line.size > body_size * 1.15 or previous.size > body_size * 1.15) and style_change
        room = right_edge[previous.page] - previous.x1
        wrapped = room < line.first_word_width + 2 * char_width
        if previous.page == line.page:
            new_block = line.top - previous.bottom > line_gap + body_size * 0.4 or heading
        else:  # a page break hides the gap: a heading or a block label starts a block
            new_block = heading or hints.block_labels.match(line.text) is not None
        if new_block:
            out.append("")
            out.append(line.text)
        elif style_change or not wrapped or numbered_item or _BULLET_START.match(line.text) or hints.line_labels.match(line.text):
            out.append(line.text)
        else:
            out[-1] = _join(out[-1], line.text)
            continue
        if number is not None:
            last_number = number
    return "\n".join(out) + "\n"


def read_pdf_source(path: Path, data: bytes | None = None, hints: ReaderHints = ReaderHints()) -> NormalisedText:
    """Reads one PDF (or its ``data``, already read) into its normalised interim text; unusable PDFs
    raise ``UnusableInputError``."""
    try:
        with pdfplumber.open(path if data is None else io.BytesIO(data)) as pdf:
            heights = [float(page.height) for page in pdf.pages]
            pages = [_lines(page, number) for number, page in enumerate(pdf.pages, start=1)]
    except PDFPasswordIncorrect as exc:
        raise UnusableInputError(path, "PDF is encrypted (password protected); cannot read it") from exc
    except Exception as exc:  # pdfminer raises many kinds for damaged files
        cause = exc.__cause__ or exc
        if isinstance(cause, PDFPasswordIncorrect) or "password" in repr(cause).lower():
            raise UnusableInputError(path, "PDF is encrypted (password protected); cannot read it") from exc
        raise UnusableInputError(path, f"not a readable PDF ({type(cause).__name__})") from exc
    if not any(pages):
        raise UnusableInputError(path, f"PDF has no text layer on any of its {len(heights)} page(s) "
                                       "(scanned or image-only); run OCR first")
    dropped, report = _furniture(pages, heights)
    body = [[line for line in page if id(line) not in dropped] for page in pages]
    rebuilt, glyph_findings = _unmapped_glyphs(paragraphs(body, hints))
    text, findings = normalise(rebuilt, hints)
    findings = tuple(glyph_findings) + findings
    furniture = tuple(
        Finding(county_code=None, severity=Code.pdf_furniture_dropped.severity, code=Code.pdf_furniture_dropped,
                message=f"dropped a running header, footer or page number on {times} page(s)", evidence=key)
        for key, times in report
    )
    return NormalisedText(text=text, encoding="pdf", findings=furniture + findings, pages=len(heights))
