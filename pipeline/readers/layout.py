"""PDF layout: the words of each page, whichever engine read them, become the normalised text.

Both PDF engines (``pdf.py``) feed this module; every rule about words, lines and paragraphs is
here, so the engines give the same text:

- words: a run of characters of one font and size, split at a space or at a gap wider than
  ``X_TOLERANCE`` (pdfplumber's ``extract_words`` rule; the pdfplumber engine asks pdfplumber for
  it, the PDFium engine gets it from ``words_from_chars``);
- lines: words whose tops are within 0.3 of the font size, left to right, in reading order;
- paragraphs: a line that stops short of the right edge ends its paragraph (the next word would
  have fitted), a larger vertical gap starts a new block (a blank line), and a change of font size
  or weight (headings) starts a new paragraph. Paragraphs continue across page breaks, where the
  gap is hidden: there a larger font, a block label of the profile, or a region heading of the
  profile standing on its own line starts the block;
- running headers, footers and page numbers are found by repetition and position, dropped and
  reported; words hyphenated at a line end are joined ("sam-" + "hällsentreprenör"), real
  hyphens ("ASF-projekt", "Marie-Louise") stay, a soft hyphen at a line end always joins; glyphs without a character become a bullet at a
  line start, else U+FFFD, and are reported.
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.readers.text import NormalisedText, ReaderHints, normalise

X_TOLERANCE = 1.5
"""Points between the lines of rotated text beyond which they are two lines (pdfplumber's ``x_tolerance``)."""
X_TOLERANCE_RATIO = 0.15
"""The share of the font size between two characters beyond which they are two words (pdfplumber's
``x_tolerance_ratio``): 1.5 points at 10 points, 1.05 at 7 (a space in small print is narrower
than 1.5 points, so a fixed tolerance ran "Coompanion, Almi" together)."""
Y_TOLERANCE = 3.0
"""Points between the tops of two characters beyond which they are on two lines (pdfplumber's default)."""
MARGIN_BAND = 0.08
"""Lines within this share of the page height from the top or bottom edge may be furniture."""
REPEATED_ON = 0.5
"""A margin line whose text (digits aside) recurs on at least this share of pages is furniture."""
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
"""Ligature characters spelled out in words, as pdfplumber does."""

_PAGE_NUMBER = re.compile(r"^(?:(?:sida|page|s\.)\s*)?#(?:\s*(?:\(#\)|/\s*#|av\s+#|of\s+#))?$|^[-–]\s*#\s*[-–]$",
                          re.IGNORECASE)
_BULLET_START = re.compile(r"^(?:[-–•*]\s|\(cid:\d+\)\s|[a-zåäö]\)\.?\s|\(\w\)\s)")
_MARKER_START = re.compile(r"^(?:[-–•*·▪◦]\s|\(cid:\d+\)\s|\(?(?:\d+[a-z]?|[a-zA-ZåäöÅÄÖ]|[ivxIVX]{1,5})[.):]+\s?)")
"""Any list marker a line may start with: a bullet, "1.", "1b:", "a)", "a.", "(a)", "iv."."""
_NUMBER_START = re.compile(r"^(\d+)[a-z]?(?:\+\d+)?[.):]")
_TERMINAL = re.compile(r"[.:;!?,]$")
_DIGITS = re.compile(r"\d+")
_CID = re.compile(r"\(cid:(\d+)\)")
_CID_BULLET = re.compile(r"^\(cid:\d+\)(?= )", re.MULTILINE)
_SUSPENDED = {"och", "eller", "samt", "till", "&"}
_SPACE = re.compile(r"\s")
_ZERO_WIDTH = re.compile("[\u200b\ufeff]")
_LIGATURE = re.compile(f"[{''.join(LIGATURES)}]")


class Word(NamedTuple):
    """A word on a page, in points from the page's top left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str


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
    column: int = 0
    """Which column of its page the line is in (0 where the page has one): a change starts a block."""
    cells: tuple[tuple[int, float], ...] = ()
    """Where a gap wider than a cell gap separates two words of the line (a table's or a definition
    list's columns): the offset in ``text`` of the word after it, and that word's left edge."""


@dataclass(frozen=True)
class Chars:
    """A page's characters in content order, as columns: what ``words_from_chars`` needs. Each
    character has a style, an index into ``styles``: (upright, font name, size)."""

    text: list[str]
    x0: np.ndarray
    x1: np.ndarray
    top: np.ndarray
    bottom: np.ndarray
    style: np.ndarray
    styles: list[tuple[bool, str, float]]


def words_from_chars(chars: Chars) -> list[Word]:
    """The page's words from its characters, by pdfplumber's ``extract_words`` rules: runs of
    consecutive characters of one style; in each run, lines clustered by top (by x for rotated
    text), each a chain of values within the tolerance of the last; characters sorted along the
    line (ties in content order); a word ends at a space, and before a character that starts left
    of the last one, more than ``X_TOLERANCE_RATIO`` of its size right of its end, or off its line."""
    n = len(chars.text)
    if not n:
        return []
    style = chars.style
    upright_of = np.array([upright for upright, _, _ in chars.styles], dtype=bool)
    upright = upright_of[style]
    x0, x1, top, bottom = chars.x0, chars.x1, chars.top, chars.bottom
    run = np.cumsum(np.concatenate(([True], style[1:] != style[:-1]))) - 1
    line_key = np.where(upright, top, x0)
    tolerance = np.where(upright, Y_TOLERANCE, X_TOLERANCE)
    order = np.lexsort((line_key, run))
    key, in_run = line_key[order], run[order]
    starts_line = np.concatenate(([True], (in_run[1:] != in_run[:-1]) | (key[1:] > key[:-1] + tolerance[order][1:])))
    line = np.empty(n, dtype=np.int64)
    line[order] = np.cumsum(starts_line) - 1
    seq = np.lexsort((np.arange(n), np.where(upright, x0, bottom), np.where(upright, x0, top), line))

    in_order = bool((seq[1:] > seq[:-1]).all())  # often the content order is the reading order
    text = chars.text if in_order else [chars.text[i] for i in seq]
    joined = "".join(text)
    if len(joined) == n:  # one character each: find the spaces with one scan
        space = np.zeros(n, dtype=bool)
        space[[m.start() for m in _SPACE.finditer(joined)]] = True
    else:
        space = np.fromiter((t.isspace() for t in text), dtype=bool, count=n)
    s_x0, s_x1, s_top, s_bottom, s_up, s_line = x0[seq], x1[seq], top[seq], bottom[seq], upright[seq], line[seq]
    across = np.where(s_up, s_x0, s_top)  # position along the line, its end, and across it
    end = np.where(s_up, s_x1, s_bottom)
    off = np.where(s_up, s_top, s_x0)
    word_tolerance = X_TOLERANCE_RATIO * np.array([size for _, _, size in chars.styles])[style[seq]][:-1]
    along_tolerance = np.where(s_up[1:], word_tolerance, Y_TOLERANCE)  # the previous character's size
    off_tolerance = np.where(s_up[1:], Y_TOLERANCE, word_tolerance)
    breaks = np.concatenate(([True], (s_line[1:] != s_line[:-1]) | space[:-1] | (across[1:] < across[:-1])
                             | (across[1:] > end[:-1] + along_tolerance)
                             | (np.abs(off[1:] - off[:-1]) > off_tolerance)))
    keep = ~space
    if not keep.any():
        return []
    firsts = np.flatnonzero((breaks & keep)[keep])
    kept = np.flatnonzero(keep)
    k_x0, k_x1, k_top, k_bottom = s_x0[kept], s_x1[kept], s_top[kept], s_bottom[kept]
    w_x0 = np.minimum.reduceat(k_x0, firsts).tolist()
    w_x1 = np.maximum.reduceat(k_x1, firsts).tolist()
    w_top = np.minimum.reduceat(k_top, firsts).tolist()
    w_bottom = np.maximum.reduceat(k_bottom, firsts).tolist()
    w_style = style[seq][kept][firsts].tolist()
    bounds = firsts.tolist() + [len(kept)]
    if len(joined) == n and not _LIGATURE.search(joined):  # the words are slices of one string
        letters = "".join([text[i] for i in kept.tolist()])
        texts = [letters[a:b] for a, b in zip(bounds, bounds[1:])]
    else:
        spelled = [LIGATURES.get(text[i], text[i]) for i in kept.tolist()]
        texts = ["".join(spelled[a:b]) for a, b in zip(bounds, bounds[1:])]
    styles = chars.styles
    return [Word(word, x0, x1, top, bottom, styles[s][2], styles[s][1])
            for word, x0, x1, top, bottom, s in zip(texts, w_x0, w_x1, w_top, w_bottom, w_style)]


COLUMN_GAP = 8.0
"""Points of empty space from top to bottom of a band of the page that separate two columns."""
TABLE_PAIRED = 0.6
"""Two sides of such a gap whose lines are mostly at the same heights are a table's columns, read
row by row, not two columns of text."""
CELL_GAP = 0.8
"""A gap between two words of a line wider than this share of the font size separates cells."""
MAX_COLUMN_DEPTH = 3


def _line_tops(words: list[Word]) -> list[float]:
    tops: list[float] = []
    for top in sorted(w.top for w in words):
        if not tops or top - tops[-1] > 2:
            tops.append(top)
    return tops


def _bands(words: list[Word], gap: float) -> list[list[Word]]:
    """The words in horizontal bands separated by at least ``gap`` points of empty space."""
    ordered = sorted(words, key=lambda w: (w.top, w.x0))
    bands = [[ordered[0]]]
    bottom = ordered[0].bottom
    for word in ordered[1:]:
        if word.top - bottom >= gap:
            bands.append([word])
        else:
            bands[-1].append(word)
        bottom = max(bottom, word.bottom)
    return bands


def _gutter(words: list[Word], hints: ReaderHints = ReaderHints()) -> tuple[float, list[Word], list[Word]] | None:
    """The widest empty vertical strip of a band (at least ``COLUMN_GAP`` wide) that splits it into
    two columns of text; None when there is none, or when the two sides are a table's columns
    (their lines pair up at the same heights)."""
    if len(words) < 6:
        return None
    spans = sorted((w.x0, w.x1) for w in words)
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= COLUMN_GAP and (best is None or x0 - reach > best[1] - best[0]):
            best = (reach, x0)
        reach = max(reach, x1)
    if best is None:
        return None
    left = [w for w in words if w.x1 <= best[0]]
    right = [w for w in words if w.x0 >= best[1]]
    left_tops, right_tops = _line_tops(left), _line_tops(right)
    if len(left_tops) < 3 or len(right_tops) < 3:
        return None
    paired = sum(1 for t in left_tops if any(abs(t - u) <= 2 for u in right_tops))
    if paired >= TABLE_PAIRED * len(left_tops):
        return None
    if hints.label_spellings:  # the left side is the profile's labels (a table's label cells, centred)
        texts = [" ".join(w.text for w in sorted((w for w in left if abs(w.top - t) <= 2), key=lambda w: w.x0))
                 for t in left_tops]
        joined = " ".join(texts)
        if sum(1 for text in texts if _label_start(text, hints) or _continues_label(text, joined, hints)) \
                >= TABLE_PAIRED * len(texts):
            return None
    return best[0], left, right


MAX_CROSSING_LINES = 2
"""Lines of a band that may run across its columns' gutter (a page header, a heading over both
columns) and are read as full-width lines between the column regions."""


def _split_at_crossings(band: list[Word], hints: ReaderHints) -> list[list[Word]]:
    """The band cut into pieces at the few lines that run across an otherwise empty vertical strip
    (a printed page header over two columns of text), so that the pieces between them are read as
    columns; the band whole when it has a clean gutter or no such strip."""
    if len(band) < 12 or _gutter(band, hints) is not None:
        return [band]
    lo, hi = min(w.x0 for w in band), max(w.x1 for w in band)
    if hi - lo < 4 * COLUMN_GAP:
        return [band]
    width = int(hi - lo) + 2
    lines: dict[int, list[Word]] = {}
    for word in band:
        lines.setdefault(int(word.top + 0.5), []).append(word)
    covered: dict[int, np.ndarray] = {}  # each line's top -> the points across the band it covers
    for top, words in lines.items():
        steps = np.zeros(width + 1, dtype=np.int32)
        np.add.at(steps, [int(w.x0 - lo) for w in words], 1)
        np.add.at(steps, [int(w.x1 - lo) + 1 for w in words], -1)
        covered[top] = np.cumsum(steps[:width]) > 0
    counts = np.sum(list(covered.values()), axis=0)  # lines covering each point
    best: tuple[int, int] | None = None
    start = None
    for x, count in enumerate([*counts.tolist(), MAX_CROSSING_LINES + 1]):
        quiet = count <= MAX_CROSSING_LINES
        if quiet and start is None:
            start = x
        elif not quiet and start is not None:
            if x - start >= COLUMN_GAP and 0.15 * width < start and x < 0.85 * width \
                    and (best is None or x - start > best[1] - best[0]):
                best = (start, x)
            start = None
    if best is None:
        return [band]
    crossing = sorted(top for top, points in covered.items() if points[best[0] : best[1]].any())
    if not crossing:
        return [band]
    pieces: list[list[Word]] = []
    edges = [float("-inf")]
    for top in crossing:
        edges += [top - 0.5, top + 0.5]
    edges.append(float("inf"))
    for low, high in zip(edges, edges[1:]):
        piece = [w for w in band if low <= int(w.top + 0.5) < high or (high == low)]
        if piece:
            pieces.append(piece)
    return pieces if len(pieces) > 1 else [band]


def _reading_order(words: list[Word], depth: int = 0, hints: ReaderHints = ReaderHints()
                   ) -> list[tuple[list[Word], bool]]:
    """The page's words in reading order, as groups of words, each marked when it is one column of
    a column region. The page is cut into horizontal bands at empty rows; a band with an empty
    strip from its top to its bottom is two columns; consecutive bands with the same strip make
    one column region, read left column first, then right (a side menu, then the article)."""
    if not words:
        return []
    size = _median([round(w.size, 1) for w in words])
    groups: list[tuple[list[Word], bool]] = []
    region: tuple[float, list[Word], list[Word]] | None = None

    def close() -> None:
        nonlocal region
        if region is not None:
            for side in (region[1], region[2]):
                groups.extend((group, True) for group, _ in _reading_order(side, depth + 1, hints))
            region = None

    bands = _bands(words, size)
    if depth < MAX_COLUMN_DEPTH:
        bands = [piece for band in bands for piece in _split_at_crossings(band, hints)]
    for band in bands:
        split = _gutter(band, hints) if depth < MAX_COLUMN_DEPTH else None
        if split is None:
            close()
            groups.append((band, False))
            continue
        at, left, right = split
        if region is not None and abs(region[0] - at) <= COLUMN_GAP * 2:
            region[1].extend(left)
            region[2].extend(right)
        else:
            close()
            region = (at, list(left), list(right))
    close()
    return groups


def page_lines(words: list[Word], page_number: int, hints: ReaderHints = ReaderHints()) -> list[PdfLine]:
    """The page's lines in reading order (column by column; in each, top to bottom, then left to
    right), from its words. A page of one column gives the lines it gave before columns were read."""
    groups = _reading_order(words, 0, hints)
    if not any(in_column for _, in_column in groups):
        return _lines(words, page_number, 0)
    lines: list[PdfLine] = []
    for column, (group, in_column) in enumerate(groups, start=1):
        lines.extend(_lines(group, page_number, column if in_column else 0))
    return lines


LETTER_SPACED_SHARE = 0.6
"""A line whose words are this share of single characters or more, at least ``LETTER_SPACED_MIN``
of them, is read as set with letter spacing."""
LETTER_SPACED_MIN = 8


def _letter_spacing(words: list[Word]) -> float | None:
    """For a line set with letter spacing (justified by widening every gap, so each letter stands
    apart as a word of its own), the gap below which two of its "words" are letters of one word:
    between the letters' common gap and the wider gaps between words. None for any other line."""
    if len(words) < LETTER_SPACED_MIN or sum(len(w.text) == 1 for w in words) < LETTER_SPACED_SHARE * len(words):
        return None
    gaps = sorted(b.x0 - a.x1 for a, b in zip(words, words[1:]))
    letter = gaps[len(gaps) // 4]  # most gaps are between letters
    size = words[0].size
    if not 0 < letter < size * 0.5:
        return None
    wider = [g for g in gaps if g > letter + size * 0.15]
    return letter + size * 0.15 if wider else None


def _raised_or_lowered(a: Word, b: Word) -> bool:
    """Whether one of two touching words is a superscript or a subscript of the other (a footnote
    mark "51²", "CO₂"): smaller by a fifth or more and off the other's baseline. Such a word is
    kept apart, never glued into a number ("51" and "2" are not "512")."""
    small, large = (a, b) if a.size < b.size else (b, a)
    return small.size <= large.size * 0.8 and abs(small.bottom - large.bottom) > large.size * 0.15


def _lines(words: list[Word], page_number: int, column: int) -> list[PdfLine]:
    words = sorted(words, key=lambda w: (w.top, w.x0))
    groups: list[list[Word]] = []
    for word in words:
        if groups and abs(word.top - groups[-1][0].top) <= max(1.0, 0.3 * word.size):
            groups[-1].append(word)
        else:
            groups.append([word])
    result = []
    for group in groups:
        group.sort(key=lambda w: w.x0)
        texts = [_ZERO_WIDTH.sub("", w.text) for w in group]  # a zero-width space before a soft hyphen's dash
        parts = [texts[0]]
        cells: list[tuple[int, float]] = []
        length = len(texts[0])
        spaced = _letter_spacing(group)
        for previous, word, text in zip(group, group[1:], texts[1:]):
            gap = word.x0 - previous.x1
            if spaced is not None and gap < spaced:
                parts.append(text)  # a letter of a line justified by letter spacing ("F ö r e t a g")
                length += len(text)
                continue
            if gap >= word.size * 0.1 or _raised_or_lowered(previous, word):
                parts.append(" ")
                length += 1
            if gap >= word.size * CELL_GAP:
                cells.append((length, word.x0))
            parts.append(text)
            length += len(text)
        weights = [len(w.text) for w in group]
        bold = sum(n for w, n in zip(group, weights) if _is_bold(w.fontname)) > sum(weights) / 2
        result.append(PdfLine(page_number, "".join(parts), group[0].x0, group[-1].x1, min(w.top for w in group),
                              max(w.bottom for w in group), _median([round(w.size, 1) for w in group]), bold,
                              group[0].x1 - group[0].x0, column, tuple(cells)))
    return result


@lru_cache(maxsize=256)
def _is_bold(fontname: str) -> bool:
    """A font is bold when its name says so ("Helvetica-Bold", "Arial,Black")."""
    name = fontname.lower()
    return "bold" in name or "black" in name


def _median(values: list[float]) -> float:
    """``statistics.median``, for the few values of one line."""
    values.sort()
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


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
                keys[(where, _DIGITS.sub("#", line.text))].add(line.page)
    repeated = {key for key, on in keys.items() if len(on) >= max(2, REPEATED_ON * len(pages))}
    dropped: set[int] = set()
    report: Counter[str] = Counter()
    for lines, height in zip(pages, heights):
        for line in lines:
            where = band(line, height)
            if not where:
                continue
            key = _DIGITS.sub("#", line.text)
            if (where, key) in repeated or (_PAGE_NUMBER.match(key) and _own_number(line.text, line.page)):
                dropped.add(id(line))
                report[key] += 1
    return dropped, sorted(report.items())


def _own_number(text: str, page: int) -> bool:
    """A page-number line on one page only is dropped when its number is that page's ("15 (2021)"
    at a page's foot is text)."""
    found = _DIGITS.search(text)
    return found is not None and abs(int(found.group()[:9]) - page) <= 2


def _unmapped_glyphs(text: str) -> tuple[str, list[Finding]]:
    """Glyphs the PDF gives no character for: a list bullet when one starts a line, else U+FFFD."""
    findings = []
    bullets = _CID_BULLET.findall(text)
    if bullets:
        findings.append(Finding(county_code=None, severity=Code.pdf_glyph_read_as_bullet.severity,
                                code=Code.pdf_glyph_read_as_bullet,
                                message=f"{len(bullets)} unmapped glyph(s) at line starts read as list bullets",
                                evidence=bullets[0]))
    text = _CID_BULLET.sub("•", text)
    others = _CID.findall(text)
    if others:
        findings.append(Finding(county_code=None, severity=Code.pdf_unmapped_glyph.severity,
                                code=Code.pdf_unmapped_glyph,
                                message=f"{len(others)} glyph(s) with no character in the PDF, kept as U+FFFD",
                                evidence=f"(cid:{others[0]})"))
    return _CID.sub("\ufffd", text), findings


def _join(previous: str, line: str) -> str:
    """Joins a wrapped line to its paragraph, undoing end-of-line hyphenation."""
    if previous.endswith("\xad"):
        return previous[:-1] + line  # a soft hyphen marks where a word was broken
    if re.search(r"[^\W\d_][-\u2010]$", previous):
        first = line.split(" ", 1)[0]
        fragment = previous.rsplit(" ", 1)[-1][:-1]
        if fragment[:1].isupper() or "@" in first or "@" in fragment:
            return previous + line  # a name's, an abbreviation's or an address's hyphen: "NC-kontor", "per-erik@…"
        if first[:1].islower() and first.lower() not in _SUSPENDED:
            return previous[:-1] + line  # "sam-" + "hällsentreprenör"
        if first[:1].isupper():
            return previous + line  # "Marie-" + "Louise"
    return f"{previous} {line}"


def _list_number(text: str) -> int | None:
    match = _NUMBER_START.match(text)
    return int(match.group(1)) if match else None


def _headings_joined(lines: list[PdfLine], body_size: float) -> list[PdfLine]:
    """A heading that wraps onto a second line (a long region heading beside an accordion's
    button stops short of the right edge) becomes one line: two lines of one heading style (bold,
    or larger than the body), one right under the other at the same left edge, the second
    starting in lower case after a first that does not end a sentence."""
    out: list[PdfLine] = []
    for line in lines:
        previous = out[-1] if out else None
        if (previous is not None and previous.page == line.page and previous.column == line.column
                and not previous.cells and not line.cells and (previous.size, previous.bold) == (line.size, line.bold)
                and (line.bold or line.size > body_size * 1.05) and abs(previous.x0 - line.x0) <= 2
                and 0 <= line.top - previous.bottom <= 0.8 * line.size and line.text[:1].islower()
                and not _TERMINAL.search(previous.text)):
            out[-1] = PdfLine(previous.page, _join(previous.text, line.text), previous.x0, max(previous.x1, line.x1),
                              previous.top, line.bottom, previous.size, previous.bold, previous.first_word_width,
                              previous.column, previous.cells)
            continue
        out.append(line)
    return out


def _is_label(text: str, hints: ReaderHints) -> bool:
    text = " ".join(text.split()).rstrip(":").rstrip()
    found = hints.line_labels.match(f"{text}:")
    return found is not None and found.end() == len(text) + 1


TABLE_PITCH = 1.6
"""A value cell's lines follow each other at most this many font sizes apart, top to top; a larger
step starts the next row's value."""


def _continues_label(text: str, joined: str, hints: ReaderHints) -> bool:
    """Whether ``text`` is a later line of a label that ``joined`` (the cells' lines in order) holds."""
    folded = " ".join(text.split()).casefold()
    whole = " ".join(joined.split()).casefold()
    return bool(folded) and any(s in whole and folded in s for s in hints.label_spellings)


def _label_start(text: str, hints: ReaderHints) -> bool:
    """Whether ``text`` is a label of the profile or its first words (a label cell wrapped over lines)."""
    folded = " ".join(text.split()).rstrip(":").rstrip().casefold()
    return bool(folded) and folded in hints.label_prefixes


def _tables(lines: list[PdfLine], hints: ReaderHints) -> list[PdfLine]:
    """Two-column tables whose label cells a browser centres beside their values (a label of two
    lines beside a value of one, a value of three lines beside a label of one): the lines of a
    table are those left of its value column, at its left edge, or split by a cell gap (or a label
    of the profile running up to it) at it. Each label cell belongs to the row whose value it
    stands in the middle of (see ``_table_rows_read``); a row whose label is one of the profile's
    reads "label: value". Rows with no such label, and every line outside such a table, stay as
    they were."""
    out: list[PdfLine] = []
    i = 0
    floor = 0
    while i < len(lines):
        block = _table_block(lines, i, hints, floor)
        if block is None:
            out.append(lines[i])
            i += 1
            continue
        start, end, edge = block
        out = out[: len(out) - (i - start)]  # values above the first label were passed on already
        out.extend(_table_rows_read(lines[start:end], edge, hints))
        i = floor = end
    return out


def _parts(line: PdfLine, edge: float, hints: ReaderHints) -> tuple[str, str] | None:
    """(left cell text, right cell text) of a table line whose value column starts at ``edge``."""
    if abs(line.x0 - edge) <= 2:
        return "", line.text
    if line.x1 < edge - 2:
        return line.text, ""
    if line.x0 >= edge:
        return None
    split = next((offset for offset, x in line.cells if abs(x - edge) <= 2), None)
    if split is None:  # a label cell's text running up to the value ("Samverkanspartners" + "Luleå …")
        folded = line.text.casefold()
        split = max((len(s) for s in hints.label_spellings if folded.startswith(s + " ")), default=None)
    if split is not None:
        return line.text[:split].rstrip(), line.text[split:].lstrip()
    return None


def _table_block(lines: list[PdfLine], i: int, hints: ReaderHints, floor: int = 0) -> tuple[int, int, float] | None:
    """(start, end, value column's left edge) of a two-column table whose first label is at line
    ``i``, or None; the table starts at ``floor`` or later (a table read before ends there)."""
    line = lines[i]
    edge = None
    if line.cells and line.x0 < line.cells[0][1] and _label_start(line.text[: line.cells[0][0]], hints):
        edge = line.cells[0][1]
    elif _label_start(line.text, hints):  # a label cell alone on its line: its value lines beside it
        near = [other for other in lines[max(0, i - 3) : i + 4] if other is not line and other.page == line.page
                and other.column == line.column and other.x0 > line.x1 + line.size * CELL_GAP
                and abs(other.top - line.top) <= TABLE_PITCH * line.size * 2]
        if near:
            edge = min(other.x0 for other in near)
    if edge is None:
        return None
    start = i
    # the value lines above the label, as far as they run on (a label centred beside a long value)
    while start > floor and lines[start - 1].page == line.page and lines[start - 1].column == line.column \
            and abs(lines[start - 1].x0 - edge) <= 2 \
            and lines[start].top - lines[start - 1].top <= TABLE_PITCH * line.size * (2 if start == i else 1):
        start -= 1
    end = i + 1
    while end < len(lines):
        other, previous = lines[end], lines[end - 1]
        if other.page != line.page or other.column != line.column or _parts(other, edge, hints) is None \
                or other.top - previous.top > TABLE_PITCH * other.size * 2:
            break
        end += 1
    labels = [lines[n] for n in range(start, end) if (parts := _parts(lines[n], edge, hints)) and parts[0]]
    values = [lines[n] for n in range(start, end) if (parts := _parts(lines[n], edge, hints)) and parts[1]]
    if not labels or not values:
        return None
    return start, end, edge


LABEL_LINE_GAP = 0.9
"""The lines of one label cell are at most this share of the font size apart, bottom to top."""


def _label_cells(parts: list[tuple[PdfLine, str, str]], hints: ReaderHints) -> list[list[tuple[PdfLine, str]]]:
    """The table's label cells, each its lines' left texts in order: lines follow on in one cell
    while they are close, until the cell holds a whole label and the next line starts another."""
    cells: list[list[tuple[PdfLine, str]]] = []
    for line, left, _ in parts:
        if not left:
            continue
        if cells:
            last_line = cells[-1][-1][0]
            held = " ".join(text for _, text in cells[-1])
            if line.top - last_line.bottom <= LABEL_LINE_GAP * line.size and not (
                    _is_label(held, hints) and _label_start(left, hints)):
                cells[-1].append((line, left))
                continue
        cells.append([(line, left)])
    return cells


def _centre(cell: list[tuple[PdfLine, str]]) -> float:
    return (cell[0][0].top + cell[-1][0].bottom) / 2


def _span_middle(values: list[PdfLine]) -> float:
    return (values[0].top + values[-1].bottom) / 2


ROW_CUT_WEIGHT = 2.0
"""How much a step between two value lines wider than the line pitch (a row's padding) counts, per
point, for cutting the rows there, against a label standing off its row's middle."""
UNLABELLED_LINE_COST = 3.0
"""Font sizes a value line with no label cell (above the first label, below the last) costs."""


def _row_start(values: list[PdfLine], steps: list[float], pitch: float, label: PdfLine) -> int | None:
    """The index of the value line a label stands at the top of (on its line, or a little above it
    for the cells' padding) when that line starts a row (the first, or after a step wider than the
    line pitch); None otherwise."""
    m = next((m for m, line in enumerate(values) if line.top >= label.top - 2), None)
    if m is None or values[m].top - label.top > 0.9 * pitch:
        return None
    return m if m == 0 or steps[m - 1] > pitch * 1.2 else None


def _rows(values: list[PdfLine], cells: list[list[tuple[PdfLine, str]]]
          ) -> list[tuple[list[PdfLine], list[list[tuple[PdfLine, str]]]]]:
    """The table's rows, each (its value lines, its label cells). A browser centres a label cell
    down its row, so the value lines are cut into consecutive runs, one per label in order, such
    that each label stands nearest the middle of its run, the cuts falling on the wider steps
    between lines (the rows' padding; a paragraph break inside a cell is wide too, but a label
    does not stand beside it). A label line that holds the start of a value keeps that value line
    in its run. Found by dynamic programming over the cut positions; a label far from every value
    line is a row of its own. A table whose every label starts on a value's line is aligned at the
    top: each row runs from its label to the next."""
    n, k = len(values), len(cells)
    if not values:
        return [([], [cell]) for cell in cells]
    size = values[0].size
    steps = [values[m].top - values[m - 1].top for m in range(1, n)]
    pitch = sorted(steps)[len(steps) // 2] if steps else size
    centres = [_centre(cell) for cell in cells]
    index = {id(line): m for m, line in enumerate(values)}
    anchors = [next((index[id(line)] for line, _ in cell if id(line) in index), None) for cell in cells]
    starts = [_row_start(values, steps, pitch, cell[0][0]) for cell in cells]
    if all(start is not None for start in starts) and starts == sorted(set(starts)):  # type: ignore[type-var]
        # every label stands at the top of its value (a row's first line, after a wide step): a table
        # aligned at the top, each row runs from its label to the next
        tops = [start for start in starts if start is not None]
        rows = [(values[a:b], [cell]) for a, b, cell in zip(tops, tops[1:] + [n], cells)]
        return ([(values[: tops[0]], [])] if tops[0] else []) + rows
    unlabelled = UNLABELLED_LINE_COST * size
    alone = 3 * size  # a label with no value: costs more than a label a line or two off its middle

    def cut_gain(m: int) -> float:
        return ROW_CUT_WEIGHT * max(0.0, steps[m - 1] - pitch) if 0 < m < n else 0.0

    infinity = float("inf")
    # best[j][m]: the least cost of giving values[:m] to the first j cells; choice[j][m]: where cell j-1's run starts
    best = [[infinity] * (n + 1) for _ in range(k + 1)]
    choice: list[list[int | None]] = [[None] * (n + 1) for _ in range(k + 1)]
    for m in range(n + 1):
        best[0][m] = m * unlabelled
    for j in range(k):
        anchor, centre = anchors[j], centres[j]
        for m in range(n + 1):
            if best[j][m] == infinity:
                continue
            if anchor is None and best[j][m] + alone < best[j + 1][m]:  # the label gets no value
                best[j + 1][m], choice[j + 1][m] = best[j][m] + alone, m
            for end in range(m + 1, n + 1):
                if anchor is not None and not m <= anchor < end:
                    if anchor < m:
                        break
                    continue
                middle = (values[m].top + values[end - 1].bottom) / 2
                cost = best[j][m] + abs(centre - middle) - cut_gain(m) - cut_gain(end)
                if cost < best[j + 1][end]:
                    best[j + 1][end], choice[j + 1][end] = cost, m
    last = min(range(n + 1), key=lambda m: best[k][m] + (n - m) * unlabelled)
    rows: list[tuple[list[PdfLine], list[list[tuple[PdfLine, str]]]]] = []
    if last < n:
        rows.append((values[last:], []))
    end = last
    for j in range(k, 0, -1):
        start = choice[j][end]
        assert start is not None
        rows.append((values[start:end], [cells[j - 1]]))
        end = start
    if end > 0:
        rows.append((values[:end], []))
    return rows[::-1]


def _table_rows_read(block: list[PdfLine], edge: float, hints: ReaderHints) -> list[PdfLine]:
    parts = [(line, *_parts(line, edge, hints)) for line in block]
    rights = {id(line): right for line, _, right in parts}
    values = [line for line, _, right in parts if right]
    out: list[PdfLine] = []
    rows = _rows(values, _label_cells(parts, hints))
    for stretch, beside in sorted(rows, key=lambda row: min(line.top for line in row[0] + [c[0][0] for c in row[1]])):
        label = " ".join(" ".join(text for cell in beside for _, text in cell).split())
        first = min(stretch + [line for cell in beside for line, _ in cell], key=lambda line: line.top)
        if not _is_label(label, hints):
            seen: set[int] = set()
            lines = sorted(stretch + [line for cell in beside for line, _ in cell], key=lambda line: line.top)
            out.extend(line for line in lines if not (id(line) in seen or seen.add(id(line))))  # as it was
            continue
        widest = max((line.x1 for line in stretch), default=first.x1)
        joined = ""
        last_number = None
        for n, line in enumerate(stretch):
            right = rights[id(line)]
            number = _list_number(right)
            if n:
                before = stretch[n - 1]
                wraps = widest - before.x1 < len(right.split(" ", 1)[0]) * line.size * 0.5 + line.size
                item = number is not None and number in (1, (last_number or 0) + 1) or _BULLET_START.match(right)
                joined += " " if wraps and not item and not _entry_ends(rights[id(before)], right) else "\n"
            if number is not None:
                last_number = number
            joined += right.strip()
        written = label.rstrip(":").rstrip()
        bottom = max(line.bottom for line in stretch + [c[-1][0] for c in beside])
        out.append(PdfLine(first.page, f"{written}: {joined}" if joined else f"{written}:", first.x0, widest,
                           first.top, bottom, first.size, first.bold, first.first_word_width, first.column, ()))
    return out


def _repeated_header_rows(lines: list[PdfLine], hints: ReaderHints) -> tuple[list[PdfLine], list[str]]:
    """A table's header row ("Område  Beskrivning") that a browser repeats on every page the table
    runs over: a line of cells, none of them a label, printed more than once. Dropped (returned)."""
    keyed = Counter(line.text for line in lines if line.cells and not _is_label(line.text[:line.cells[0][0]], hints))
    repeated = {text for text, times in keyed.items() if times >= 2 and len(text.split()) <= 8}
    return [line for line in lines if line.text not in repeated or not line.cells], sorted(repeated)


def _table_rows(lines: list[PdfLine], hints: ReaderHints) -> list[PdfLine]:
    """A row of a table or a definition list whose first cell is a label of the profile becomes
    "label: value", as a text source writes it. The row's cells may wrap onto the lines right
    below it (tight line spacing): a line at the label cell's left edge continues the label (up to
    the value cell's edge, or a cell gap), a line at the value cell's edge continues the value, on
    the same line when the one before reaches the cell's right side (a wrap), else on a line of
    its own (a line break in the cell: its contacts or goals one a line)."""
    out: list[PdfLine] = []
    skip: set[int] = set()
    for i, line in enumerate(lines):
        if i in skip:
            continue
        below = lines[i + 1] if i + 1 < len(lines) else None
        if not line.cells and below is not None and _is_label(line.text, hints) and below.page == line.page \
                and below.column == line.column and below.x0 > line.x1 + line.size * CELL_GAP \
                and below.top - line.bottom <= ROW_LINE_GAP * below.size:
            # a label cell whose value cell starts a little lower (the cells' padding differ)
            line = PdfLine(line.page, f"{line.text} {below.text}", line.x0, below.x1, line.top, below.bottom, line.size,
                           line.bold, line.first_word_width, line.column, ((len(line.text) + 1, below.x0),))
            skip.add(i + 1)
        if not line.cells:
            out.append(line)
            continue
        offset, x = line.cells[0]
        label: list[str] = [line.text[:offset].rstrip()]
        value: list[tuple[str, float]] = [(line.text[offset:], line.x1)]
        taken: list[int] = []
        previous = line
        for j in range(i + 1, min(i + MAX_ROW_LINES, len(lines))):
            if j in skip:
                continue
            other = lines[j]
            if (other.page != line.page or other.column != line.column
                    or other.top - previous.bottom > ROW_LINE_GAP * other.size):
                break
            at_value = abs(other.x0 - x) <= 2
            at_label = abs(other.x0 - line.x0) <= 2 and not _is_label(" ".join(label), hints)
            split = next(((o, cx) for o, cx in other.cells if abs(cx - x) <= 2), None)
            if at_label and split is not None:
                label.append(other.text[:split[0]].rstrip())
                value.append((other.text[split[0]:], other.x1))
            elif at_label and other.x1 < x - 2 and not other.cells:
                label.append(other.text)
            elif at_value and not other.cells:
                value.append((other.text, other.x1))
            else:
                break
            previous = other
            taken.append(j)
        written = " ".join(" ".join(label).split())
        if not _is_label(written, hints):
            out.append(line)
            continue
        skip.update(taken)
        right = max(x1 for _, x1 in value)
        joined = value[0][0].strip()
        for (before, before_x1), (part, _) in zip(value, value[1:]):
            if part.strip():
                first_word = len(part.split(" ", 1)[0]) * line.size * 0.5
                wraps = right - before_x1 < first_word + line.size and not _entry_ends(before, part)
                joined = f"{joined}{' ' if wraps else chr(10)}{part.strip()}" if joined else part.strip()
        text = f"{written} {joined}" if written.endswith(":") else f"{written}: {joined}"
        out.append(PdfLine(line.page, text, line.x0, max(line.x1, previous.x1), line.top, previous.bottom, line.size,
                           line.bold, line.first_word_width, line.column, ()))
    return out


MAX_ROW_LINES = 40
"""Lines one table row's cells may run over."""
ROW_LINE_GAP = 0.9
"""Lines of one table row's cells are at most this share of the font size apart; rows further."""
_EMAIL_END = re.compile(r"\S+@\S+\.[a-z]{2,}\)?$", re.IGNORECASE)
_PHONE_END = re.compile(r"\d[\d -]{5,}\d\)?$")
_NAME_START = re.compile(r"^\(?[A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?(?: [A-ZÅÄÖ][\wåäöé-]+){1,3},")


_LETTERED = re.compile(r"^\d+[a-z][.):]")
"""A numbered item with a letter ("2b:"): it follows "2a:" as an item of its own."""


def _alone_after_a_sentence(previous: str, line: str, alone: bool) -> bool:
    """At a page break: a short line standing alone (a block starts after it) that begins with a
    capital after a line that ends a sentence is a heading of its own (a project's title at the
    top of a page), not the end of the paragraph before it."""
    return alone and previous.rstrip().endswith((".", "!", "?")) and line[:1].isupper() \
        and len(line.split()) <= HEADING_ALONE_WORDS and not _TERMINAL.search(line)


HEADING_ALONE_WORDS = 12
"""A line alone at the top of a page of at most this many words may be a heading."""


def _continues(previous: str, line: str, hints: ReaderHints = ReaderHints()) -> bool:
    """A line that goes on with its sentence, whatever the right edge says: it starts in lower case,
    with no list marker, after a line that does not end one (a narrow page wraps early) and is no
    label standing alone (its value may start in lower case: "… socala företag" / "sex")."""
    return (line[:1].islower() and not _TERMINAL.search(previous) and _MARKER_START.match(line) is None
            and not _entry_ends(previous, line) and not _like_a_label(previous, hints))


LABEL_LIKENESS = 0.85
"""A line this similar to a label of the profile (letter by letter) is taken for one, misspelled."""


def _like_a_label(text: str, hints: ReaderHints) -> bool:
    folded = " ".join(text.split()).rstrip(":").casefold()
    if len(folded) > hints.longest_label + 8:
        return False  # longer than any label could be, misspelled
    for spelling in hints.label_spellings:
        if abs(len(spelling) - len(folded)) > max(3, len(spelling) // 5):
            continue
        matcher = difflib.SequenceMatcher(None, folded, spelling)
        if matcher.real_quick_ratio() >= LABEL_LIKENESS and matcher.quick_ratio() >= LABEL_LIKENESS \
                and matcher.ratio() >= LABEL_LIKENESS:
            return True
    return False


def _entry_ends(previous: str, line: str) -> bool:
    """Whether a line that reaches the right edge still ends a contact entry: it ends with an
    e-mail address, a phone number (unless the number goes on), or a bracket before a new name
    ("… (fokus ESBR)" / "Cecilia Hunnershage Sandgren, PL, …")."""
    if _EMAIL_END.search(previous):
        return True
    if _PHONE_END.search(previous) and not line[:1].isdigit():
        return True
    return previous.endswith(")") and _NAME_START.match(line) is not None


INDENT = 3.0
"""Points a line stands right of its contact entry's first line to be that entry's continuation
(a definition list's description under its term)."""
ITEM_INDENT = 12.0
"""Points a line of a goals or purpose section stands right of its label to be a list item."""


def _section_kind(text: str, hints: ReaderHints) -> str | None:
    """What the section a label at the start of ``text`` starts holds: "contacts", "items" (goals,
    purpose), "text"; None when the line starts no section."""
    if hints.contact_labels.match(text):
        return "contacts"
    if hints.item_labels.match(text):
        return "items"
    return "text" if hints.line_labels.match(text) or _is_label(text, hints) else None


def paragraphs(pages: list[list[PdfLine]], hints: ReaderHints = ReaderHints()) -> tuple[str, list[str], list[str]]:
    """Rebuilds the body lines of all pages into text: one paragraph a line, blank lines between blocks.
    ``hints`` gives the labels that start a line (any label) and a block (a section's label), and
    the region headings. Also returns the lines given a bullet the PDF drew as a shape, and the
    repeated header rows of tables dropped."""
    lines = [line for page in pages for line in page]
    if not lines:
        return "", [], []
    body_size = Counter(line.size for line in lines).most_common(1)[0][0]
    lines, headers = _repeated_header_rows(_headings_joined(lines, body_size), hints)
    lines = _table_rows(_tables(lines, hints), hints)
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

    pairs = list(zip(lines, lines[1:]))
    styled = [(p.size, p.bold) != (n.size, n.bold) for p, n in pairs]
    headed = [(n.size > body_size * 1.15 or p.size > body_size * 1.15) and s for (p, n), s in zip(pairs, styled)]
    wrapped = [right_edge[p.page] - p.x1 < n.first_word_width + 2 * char_width and not _entry_ends(p.text, n.text)
               for p, n in pairs]
    # on one page a larger gap or a heading starts a block; a page break hides the gap (None)
    gap_block = [(n.top - p.bottom > line_gap + body_size * 0.4 or h or p.column != n.column) if p.page == n.page
                 else None for (p, n), h in zip(pairs, headed)]

    def region_heading(i: int) -> bool:
        """Line ``i`` reads as a region heading of the profile: a whole paragraph of one line that
        starts with a heading form and ends without sentence punctuation."""
        text = lines[i].text
        return (hints.headings.match(text) is not None and not _TERMINAL.search(text)
                and (i == len(pairs) or not wrapped[i] or styled[i]))

    out: list[str] = [lines[0].text]
    block_starts = {0}
    last_number = _list_number(lines[0].text)
    section = _section_kind(lines[0].text, hints)
    left: float | None = lines[0].x0
    inferred: list[str] = []
    for i, (previous, line) in enumerate(pairs):
        n = i + 1
        number = _list_number(line.text)
        # "2010." after a wrap is a year, not item 2010: numbered items must continue the count
        numbered_item = number is not None and (number == 1 or number == (last_number or 0) + 1
                                                or (number == last_number and _LETTERED.match(line.text) is not None))
        if gap_block[i] is not None:
            new_block = gap_block[i]
        else:  # a page break: a heading, a block label or a region heading on its own line starts a block
            new_block = (headed[i] or hints.block_labels.match(line.text) is not None
                         or (region_heading(n) and (n == len(pairs) or gap_block[n] is not False))
                         or (region_heading(i) and i in block_starts)
                         or _alone_after_a_sentence(previous.text, line.text, n == len(pairs) or (
                             gap_block[n] is True and not wrapped[n])))
        kind = _section_kind(line.text, hints)
        if kind is not None or region_heading(n):
            # a contact label alone: its entries' left edge is the first entry's, not the label's
            section, left = kind, (None if kind == "contacts" and _is_label(line.text, hints) else line.x0)
        elif section == "contacts" and left is None:
            left = line.x0
        elif section == "contacts" and line.x0 > left + INDENT and previous.page == line.page:
            out[-1] = f"{out[-1]}, {line.text}"  # a definition list's description: the same person's details
            continue
        text = line.text
        if (section == "items" and left is not None and line.x0 >= left + ITEM_INDENT and not _MARKER_START.match(text)
                and (new_block or styled[i] or not wrapped[i])):
            text = f"• {text}"  # a list item whose bullet the PDF drew as a shape, not a character
            inferred.append(line.text)
        if new_block:
            out.append("")
            out.append(text)
            block_starts.add(n)
        elif (not _continues(previous.text, line.text, hints) or previous.size != line.size) and (styled[i] or not wrapped[i]) \
                or numbered_item \
                or _BULLET_START.match(line.text) or (hints.line_labels.match(line.text) and line.text[:1].isupper()) \
                or text is not line.text:
            out.append(text)
        else:
            out[-1] = _join(out[-1], line.text)
            continue
        if number is not None:
            last_number = number
    return "\n".join(out) + "\n", inferred, headers


OVERLAY_PAGES = 4
"""The first pages a fixed banner is looked for on: its words are at the same places on most."""
OVERLAY_LINE_WORDS = 3
"""Fewer words repeated on one line are not a banner's (a word may fall at the same spot by chance)."""
OVERLAY_SHIFT = 8.0
"""Points a banner's words may move sideways between pages (the first page may lay it out a little
differently)."""


class Overlay:
    """Text a browser printed at the same place on every page, outside the margins: a cookie banner
    or a dialog fixed on the screen, printed over the article (its words interleaved with the
    article's on the lines it covers). Found on the first pages (lines of at least three words
    repeated at the same height on most of them), dropped from every page."""

    def __init__(self, pages: int) -> None:
        self.look = min(pages, OVERLAY_PAGES)
        self.buffered: list[tuple[float, list[Word]]] = []
        self.places: dict[tuple[str, int], list[float]] | None = None if self.look >= 2 else {}
        self.dropped: list[str] = []

    @staticmethod
    def _inside(word: Word, height: float) -> bool:
        return height * MARGIN_BAND <= word.top and word.bottom <= height * (1 - MARGIN_BAND)

    def _is_banner(self, word: Word, height: float) -> bool:
        xs = self.places.get((word.text, round(word.top))) if self.places else None
        return xs is not None and self._inside(word, height) and any(abs(x - word.x0) <= OVERLAY_SHIFT for x in xs)

    def _without(self, height: float, words: list[Word]) -> list[Word]:
        if not self.places:
            return words
        kept = [w for w in words if not self._is_banner(w, height)]
        if len(kept) < len(words) and not self.dropped:
            self.dropped = [w.text for w in sorted(words, key=lambda w: (w.top, w.x0)) if self._is_banner(w, height)]
        return kept

    def feed(self, height: float, words: list[Word]) -> list[tuple[float, list[Word]]]:
        """The pages ready to lay out, in order: none until the first pages are seen."""
        if self.places is not None:
            return [(height, self._without(height, words))]
        self.buffered.append((height, words))
        if len(self.buffered) < self.look:
            return []
        return self.flush()

    def flush(self) -> list[tuple[float, list[Word]]]:
        if self.places is None:
            self.places = self._banner_places()
        ready = [(height, self._without(height, words)) for height, words in self.buffered]
        self.buffered = []
        return ready

    def _banner_places(self) -> dict[tuple[str, int], list[float]]:
        """The banner's words: whole lines (every word at that height) that are the same on most of
        the first pages, of at least ``OVERLAY_LINE_WORDS`` words. A line that only shares some
        words with the same line of other pages ("Anteckning 1 om …", "Anteckning 2 om …") is text."""
        lines: dict[int, Counter[tuple[str, ...]]] = defaultdict(Counter)
        xs: dict[tuple[str, int], list[float]] = defaultdict(list)
        for height, words in self.buffered:
            at: dict[int, list[Word]] = defaultdict(list)
            for word in words:
                if self._inside(word, height):
                    at[round(word.top)].append(word)
            for top, group in at.items():
                group.sort(key=lambda w: w.x0)
                lines[top][tuple(w.text for w in group)] += 1
                for word in group:
                    xs[(word.text, top)].append(word.x0)
        needed = max(2, (len(self.buffered) + 1) // 2)
        places: dict[tuple[str, int], list[float]] = {}
        for top, texts in lines.items():
            line, times = texts.most_common(1)[0]
            if times >= needed and len(line) >= OVERLAY_LINE_WORDS:
                for text in line:
                    places[(text, top)] = xs[(text, top)]
        # printed over the text of the pages: on each, more of the page is not the banner than is
        for height, words in self.buffered:
            inside = [w for w in words if self._inside(w, height)]
            banner = sum(1 for w in inside if (w.text, round(w.top)) in places)
            if banner and len(inside) - banner < banner:
                return {}
        return places


def rebuild(pages: list[list[PdfLine]], heights: list[float], hints: ReaderHints = ReaderHints(),
            overlay: list[str] | None = None) -> NormalisedText:
    """The normalised text of a PDF from its pages' lines and heights, with what was dropped or
    replaced as findings; ``overlay``: the words of a banner dropped from every page."""
    dropped, report = _furniture(pages, heights)
    body = [[line for line in page if id(line) not in dropped] for page in pages]
    rebuilt, inferred, headers = paragraphs(body, hints)
    rebuilt, glyph_findings = _unmapped_glyphs(rebuilt)
    text, findings = normalise(rebuilt, hints)
    at = 0
    for line_text in inferred:  # each item at its place in the text, so that its region and section carry it
        written = " ".join(f"• {line_text}".split())
        found = text.find(written, at)
        if found == -1:
            continue
        at = found + len(written)
        glyph_findings.append(Finding(county_code=None, severity=Code.pdf_list_marker_inferred.severity,
                                      code=Code.pdf_list_marker_inferred,
                                      message="an indented line of a goals or purpose section with no marker in the "
                                              "PDF's text (a browser draws a list's bullets as shapes) read as a '•' "
                                              "item", evidence=line_text[:80], start=found, end=found + 1))
    furniture = tuple(
        Finding(county_code=None, severity=Code.pdf_furniture_dropped.severity, code=Code.pdf_furniture_dropped,
                message=f"dropped a running header, footer or page number on {times} page(s)", evidence=key)
        for key, times in report
    )
    if headers:
        furniture += (Finding(county_code=None, severity=Code.pdf_furniture_dropped.severity,
                              code=Code.pdf_furniture_dropped,
                              message=f"dropped {len(headers)} table header row(s) printed again on each page the "
                                      "table runs over", evidence=" | ".join(headers)[:120]),)
    if overlay:
        furniture += (Finding(county_code=None, severity=Code.pdf_furniture_dropped.severity,
                              code=Code.pdf_furniture_dropped,
                              message=f"dropped {len(overlay)} words printed at the same place on every page (a "
                                      "banner or dialog fixed on the web page, printed over the text)",
                              evidence=" ".join(overlay)[:120]),)
    return NormalisedText(text=text, encoding="pdf", findings=furniture + tuple(glyph_findings) + findings,
                          pages=len(heights))
