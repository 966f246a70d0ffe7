"""Reader for PDF sources: pages become the same normalised interim text as a text source.

Two engines read the words of each page; ``layout`` turns them into text by the same rules, so
both give the same text:

- ``pdfium`` (the default): PDFium's text page through pypdfium2, character by character with
  its box, font and size, grouped into words by ``layout.words_from_chars``;
- ``pdfplumber`` (the reference): pdfplumber's ``extract_words``.

Before either engine opens a file, its streams are measured: a PDF whose content, font and other
non-image streams decode to more than ``MAX_DECODED_BYTES`` (a deflate bomb) is refused, and so
is one of more than ``MAX_PAGES`` pages or ``MAX_CHARACTERS`` characters of text. Pages are closed
as they are read. Encrypted, damaged and image-only PDFs are refused with the same one line by
both engines.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import ctypes
import dataclasses
import io
import itertools
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.errors import UnusableInputError
from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.readers import isolation, layout
from pipeline.readers.layout import Chars, PdfLine, Word
from pipeline.readers.text import NormalisedText, ReaderHints

from pipeline.readers.engines import DEFAULT_ENGINE, ENGINES

__all__ = ["DEFAULT_ENGINE", "ENGINES", "read_pdf_source"]
ENGINE_LIBRARIES = {"pdfium": ("pypdfium2", "pdfminer.six"), "pdfplumber": ("pdfplumber", "pdfminer.six")}
"""Third-party packages whose version changes an engine's words."""

MAX_PAGES = 5_000
"""PDFs with more pages are refused: the real report has 16, a long annual report a few hundred."""
MAX_CHARACTERS = 20 * 1024 * 1024
"""PDFs with more characters of text are refused: the limit of a text source, in characters."""
MAX_DECODED_BYTES = 128 * 1024 * 1024
"""PDFs whose content, font and other non-image streams decode to more bytes than this together
are refused (a 10 KB deflate bomb decodes to gigabytes). Images are not counted: no engine decodes
them to read text."""

ENCRYPTED = "PDF is encrypted (password protected); cannot read it"
DAMAGED = "not a readable PDF (damaged, or not a PDF at all)"


def _budget_error(path: Path, what: str) -> UnusableInputError:
    return UnusableInputError(path, f"PDF is too large to read: {what}")


# --- the decoded-stream budget -------------------------------------------------------------------

_STREAM = re.compile(rb">>(?:\s|%[^\r\n]*)*stream(?:\r\n|\n|\r)")
"""The start of a stream's bytes: the end of its dictionary, white space or comments, "stream"."""
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
"""A character written in hex inside a PDF name ("/Fl#61teDecode" is "/FlateDecode")."""
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_EXPANSION = {b"FlateDecode": 1032, b"Fl": 1032, b"LZWDecode": 3641, b"LZW": 3641, b"RunLengthDecode": 64,
              b"RL": 64, b"ASCII85Decode": 4, b"A85": 4, b"ASCIIHexDecode": 1, b"AHx": 1}
"""The most bytes one byte of input can become through each filter the engines decode to read
text (deflate's limit is 1032:1). Image codecs are not here: no engine decodes images to read text."""


class _OverBudget(Exception):
    pass


def _inflate(data: bytes, limit: int, keep: bool = True) -> bytes | int:
    """The inflated bytes (or, unless ``keep``, only how many there are), stopping past ``limit``."""
    decoder = zlib.decompressobj()
    out, size, piece = bytearray(), 0, data
    try:
        while piece and size <= limit and not decoder.eof:
            chunk = decoder.decompress(piece, min(limit + 1 - size, 1 << 20))
            size += len(chunk)
            if keep:
                out += chunk
            piece = decoder.unconsumed_tail
    except zlib.error:
        pass  # damaged data: count what decodes, as the engines read what they can
    if size > limit:
        raise _OverBudget
    return bytes(out) if keep else size


def _unlzw(data: bytes, limit: int) -> bytes:
    """LZW as PDF writes it (early change), stopping past ``limit`` bytes."""
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    out, previous, bits, buffer, held = bytearray(), b"", 9, 0, 0
    for byte in data:
        buffer, held = ((buffer << 8) | byte) & 0xFFFFFF, held + 8
        while held >= bits:
            held -= bits
            code = (buffer >> held) & ((1 << bits) - 1)
            if code == 256:
                table, previous, bits = table[:258], b"", 9
                continue
            if code == 257 or code > len(table):
                return bytes(out)
            entry = table[code] if code < len(table) else previous + previous[:1]
            if previous:
                table.append(previous + entry[:1])
            out += entry
            if len(out) > limit:
                raise _OverBudget
            previous = entry
            bits = min(12, max(9, (len(table) + 1).bit_length()))
    return bytes(out)


def _unrun(data: bytes, limit: int) -> bytes:
    out, i = bytearray(), 0
    while i < len(data) and data[i] != 128:
        n = data[i]
        if n < 128:
            out += data[i + 1:i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1:i + 2] * (257 - n)
            i += 2
        if len(out) > limit:
            raise _OverBudget
    return bytes(out)


def _decode_stage(name: bytes, data: bytes, limit: int) -> bytes | None:
    """One filter's output (at most ``limit`` bytes), or None when the engines would not decode it."""
    if name in (b"FlateDecode", b"Fl"):
        return _inflate(data, limit)
    if name in (b"LZWDecode", b"LZW"):
        return _unlzw(data, limit)
    if name in (b"RunLengthDecode", b"RL"):
        return _unrun(data, limit)
    try:
        if name in (b"ASCIIHexDecode", b"AHx"):
            digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
            return binascii.unhexlify(digits + b"0" * (len(digits) % 2))
        if name in (b"ASCII85Decode", b"A85"):
            body = data.split(b"~>", 1)[0].strip().removeprefix(b"<~")
            return base64.a85decode(body, ignorechars=b" \t\n\r\x0b\x0c\x00")
    except ValueError:
        return None
    return None


def _streams(data: bytes) -> Iterator[tuple[list[bytes], bytes]]:
    """The filters and stored bytes of each stream of a PDF that is not an image."""
    objects = [m.start() for m in _OBJECT.finditer(data)]
    for match in _STREAM.finditer(data):
        at = bisect.bisect_left(objects, match.start())
        dictionary = data[objects[at - 1] if at else max(0, match.start() - 4096):match.end()]
        if b"#" in dictionary:  # names as the engines read them
            dictionary = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), dictionary)
        if _IMAGE.search(dictionary):
            continue
        found = _FILTERS.search(dictionary)
        end = data.find(b"endstream", match.end())
        yield (_NAME.findall(found.group(1)) if found else []), data[match.end():end if end >= 0 else len(data)]


def _bound(filters: list[bytes], stored: bytes) -> int:
    """The most bytes a stream with these filters can decode to. ASCII85 as the first filter is
    bounded from the stored bytes: five characters make four bytes, a "z" four zero bytes."""
    size = len(stored)
    for n, name in enumerate(filters):
        if name not in _EXPANSION:
            break
        if n == 0 and name in (b"ASCII85Decode", b"A85"):
            zeros = stored.count(b"z")
            size = (size - zeros) * 4 // 5 + 4 * zeros + 4
        else:
            size *= _EXPANSION[name]
    return size


def check_decoded_size(data: bytes, limit: int = MAX_DECODED_BYTES) -> None:
    """Raises ``_OverBudget`` when the PDF's non-image streams decode to more than ``limit`` bytes
    together. Streams are decoded only when what they could decode to might pass the limit, and
    never past it; encrypted or damaged streams count as what decodes of them."""
    streams = list(_streams(data))
    if sum(_bound(filters, stored) for filters, stored in streams) <= limit:
        return
    total = 0
    for filters, content in streams:
        size = len(content)
        known = [name for name in itertools.takewhile(lambda name: name in _EXPANSION, filters)]
        for n, name in enumerate(known):
            if n == len(known) - 1 and name in (b"FlateDecode", b"Fl"):
                size = _inflate(content, limit - total, keep=False)  # the last stage is only counted
                break
            decoded = _decode_stage(name, content, limit - total)
            if decoded is None:
                break
            content, size = decoded, len(decoded)
        total += size
        if total > limit:
            raise _OverBudget


# --- the pdfplumber engine -----------------------------------------------------------------------

Pages = Iterator["int | tuple[float, list[Word]]"]
"""What an engine yields: the page count, then (height, words) of each page in turn."""


DOUBLE_TOLERANCE = 0.5
"""Points apart, across and down, within which two equal glyphs are one drawn twice."""


def _without_doubles(chars: list[dict]) -> list[dict]:
    """The characters without the second of a glyph drawn twice a little apart ("fake bold": the
    same character, font and size within ``DOUBLE_TOLERANCE``), as PDFium reads them. Linear: each
    character looks only into the cells of a grid around its place (pdfplumber's own
    ``dedupe_chars`` sorts and groups, five seconds for the seed)."""
    seen: dict[tuple, list[tuple[float, float]]] = {}
    kept = []
    for char in chars:
        x, y = char["x0"], char["top"]
        cell = (char["text"], char["fontname"], round(char["size"], 1))
        gx, gy = int(x // DOUBLE_TOLERANCE), int(y // DOUBLE_TOLERANCE)
        if any(abs(x - px) <= DOUBLE_TOLERANCE and abs(y - py) <= DOUBLE_TOLERANCE
               for dx in (-1, 0, 1) for dy in (-1, 0, 1) for px, py in seen.get((*cell, gx + dx, gy + dy), ())):
            continue
        seen.setdefault((*cell, gx, gy), []).append((x, y))
        kept.append(char)
    return kept


def _pdfplumber_pages(data: bytes) -> Pages:
    """The page count, then each page's height and words, by pdfplumber; each page closed once read."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            yield len(pdf.pages)
            for page in pdf.pages:
                chars = _without_doubles(page.chars)
                if any(c["text"] in _WINANSI_UNUSED for c in chars):
                    winansi = _winansi_fonts(pdf, page)
                    chars = [{**c, "text": "•"} if c["text"] in _WINANSI_UNUSED and c["fontname"] in winansi else c
                             for c in chars]
                words = pdfplumber.utils.extract_words(chars, x_tolerance=layout.X_TOLERANCE,
                                                       x_tolerance_ratio=layout.X_TOLERANCE_RATIO,
                                                       extra_attrs=["fontname", "size"])
                height = float(page.height)
                page.close()
                yield height, [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w["size"], w["fontname"])
                               for w in words]
    except PDFPasswordIncorrect as exc:
        raise _Unreadable(ENCRYPTED) from exc
    except _Unreadable:
        raise
    except Exception as exc:  # pdfminer raises many kinds for damaged files
        cause = exc.__cause__ or exc
        if isinstance(cause, PDFPasswordIncorrect) or "password" in repr(cause).lower():
            raise _Unreadable(ENCRYPTED) from exc
        raise _Unreadable(DAMAGED) from exc


_WINANSI_UNUSED = {f"(cid:{code})" for code in (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D)}
"""Codes WinAnsiEncoding leaves unused: "all unused codes greater than 40 (octal) map to the bullet
character" (PDF 1.7, annex D.2, note 6). PDFium follows the note, pdfminer gives no character."""


def _winansi_fonts(pdf, page) -> set[str]:
    """Names, as pdfminer gives them, of the page's simple fonts in WinAnsiEncoding."""
    from pdfminer.pdffont import PDFSimpleFont
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import literal_name

    names = set()
    fonts = resolve1((page.page_obj.resources or {}).get("Font")) or {}
    for reference in fonts.values():
        spec = resolve1(reference)
        if not isinstance(spec, dict):
            continue
        encoding = resolve1(spec.get("Encoding"))
        if isinstance(encoding, dict):
            encoding = resolve1(encoding.get("BaseEncoding"))
        if encoding is None or literal_name(encoding) != "WinAnsiEncoding":
            continue
        font = pdf.rsrcmgr.get_font(getattr(reference, "objid", None), spec)
        if isinstance(font, PDFSimpleFont):
            names.add(font.fontname)
    return names


class _Unreadable(Exception):
    """An engine could not open or read the file; the message is the reason, for one line."""


# --- the PDFium engine ---------------------------------------------------------------------------

class _Pdfium:
    """PDFium's functions; the per-character ones are called without ctypes' argument conversion
    (four times faster, and a page has thousands of characters)."""

    def __init__(self) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        def fast(function, restype):
            return ctypes.CFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)

        self.pdfium, self.raw = pdfium, raw
        self.text_object = fast(raw.FPDFText_GetTextObject, ctypes.c_size_t)
        self.loose_box = fast(raw.FPDFText_GetLooseCharBox, ctypes.c_int)
        self.unmapped = fast(raw.FPDFText_HasUnicodeMapError, ctypes.c_int)


_PDFIUM: list[_Pdfium] = []


def _pdfium() -> _Pdfium:
    if not _PDFIUM:
        _PDFIUM.append(_Pdfium())
    return _PDFIUM[0]


class _StandardWidths(dict):
    """Advance widths of a standard font in thousandths of the size, from pdfminer's metrics;
    a character the metrics lack is zero wide, as in pdfminer."""

    def __missing__(self, char: str) -> float:
        return 0.0


class _GlyphWidths(dict):
    """Advance widths of any other font in thousandths of the size, asked of PDFium once per
    character (None when PDFium has none). PDFium keeps whole thousandths, so text in a font with
    fractional widths may sit up to 0.1 % of its length off pdfplumber's positions."""

    def __init__(self, raw, font) -> None:
        super().__init__()
        self.raw, self.font, self.width = raw, font, ctypes.c_float()

    def __missing__(self, char: str) -> float | None:
        width = None
        if len(char) == 1 and self.raw.FPDFFont_GetGlyphWidth(self.font, ord(char), 1000.0, self.width):
            width = self.width.value
        self[char] = width
        return width


@lru_cache(maxsize=1)
def _standard_fonts() -> dict[str, tuple[str, float, _StandardWidths]]:
    """pdfminer's metrics of the standard fonts (name, descent per unit of size, widths) by the
    names a PDF may give them ("Arial" is Helvetica). pdfminer measures these fonts by the metrics
    whatever the PDF holds, so the PDFium engine does too, and both engines find the same boxes."""
    from pdfminer.fontmetrics import FONT_METRICS

    return {name: (descriptor["FontName"], -abs(descriptor.get("Descent") or 0) / 1000, _StandardWidths(widths))
            for name, (descriptor, widths) in FONT_METRICS.items()}


@dataclass(frozen=True)
class _Run:
    """What the characters of one PDFium text object share. Plain horizontal text has its top and
    bottom here; any other (rotated, mirrored, skewed) keeps the matrix to measure each character."""

    style: int
    top: float
    bottom: float
    widths: dict
    scale: float
    """From thousandths of the size to points along the line."""
    general: tuple | None = None


def _font(raw, font, fonts: dict) -> tuple[str, float, dict]:
    """(name as pdfminer gives it, descent per unit of size, widths) of a PDFium font."""
    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    if key not in fonts:
        length = raw.FPDFFont_GetBaseFontName(font, None, 0)
        buffer = ctypes.create_string_buffer(max(1, length))
        raw.FPDFFont_GetBaseFontName(font, buffer, length)
        name = buffer.value.decode("latin-1")
        standard = _standard_fonts().get(name)
        if standard is None:
            descent = ctypes.c_float()
            raw.FPDFFont_GetDescent(font, 1.0, descent)
            standard = (name, -abs(descent.value), _GlyphWidths(raw, font))
        fonts[key] = standard
    return fonts[key]


def _run(raw, textpage, i: int, obj: int, page_matrix: tuple, height: float, fonts: dict, styles: dict) -> _Run:
    """The run of the text object of character ``i``: its style, and its top and bottom as
    pdfminer measures them (the font's descent below the baseline, its size above that)."""
    text_object = ctypes.cast(ctypes.c_void_p(obj), raw.FPDF_PAGEOBJECT)
    fontname, descent, widths = _font(raw, raw.FPDFTextObj_GetFont(text_object), fonts)
    size = ctypes.c_float()
    raw.FPDFTextObj_GetFontSize(text_object, size)
    matrix = raw.FS_MATRIX()
    raw.FPDFText_GetMatrix(textpage, i, matrix)
    pa, pb, pc, pd, _, pf = page_matrix
    a, b = matrix.a * pa + matrix.b * pc, matrix.a * pb + matrix.b * pd
    c, d = matrix.c * pa + matrix.d * pc, matrix.c * pb + matrix.d * pd
    upright = a * d > 0 and b * c <= 0
    low, high = descent * size.value, (descent + 1) * size.value
    if (pa, pb, pc, pd) == (1, 0, 0, 1) and b == 0 and c == 0 and a > 0 and d > 0:
        x, y = ctypes.c_double(), ctypes.c_double()
        raw.FPDFText_GetCharOrigin(textpage, i, x, y)
        y0, y1 = y.value + pf + d * low, y.value + pf + d * high
        return _Run(styles.setdefault((upright, fontname, y1 - y0), len(styles)), height - y1, height - y0,
                    widths, size.value * a / 1000)
    return _Run(styles.setdefault((upright, fontname, size.value), len(styles)), 0.0, 0.0, widths,
                size.value / 1000, (a, b, c, d, low, high, matrix.a, matrix.b, upright, fontname))


def _general_char(raw, textpage, i: int, char: str, left: float, right: float, run: _Run, page_matrix: tuple,
                  height: float, styles: dict) -> tuple:
    """A character of rotated, mirrored or skewed text, measured as pdfminer does: its box from its
    origin, the matrix and its advance (exact for multiples of 90°)."""
    a, b, c, d, low, high, user_a, user_b, upright, fontname = run.general
    pa, pb, pc, pd, pe, pf = page_matrix
    ox, oy = ctypes.c_double(), ctypes.c_double()
    raw.FPDFText_GetCharOrigin(textpage, i, ox, oy)
    x, y = ox.value * pa + oy.value * pc + pe, ox.value * pb + oy.value * pd + pf
    width = run.widths[char]
    if width is not None:
        advance = width * run.scale
    elif abs(user_a) >= abs(user_b):  # from PDFium's box, in user space
        advance = (right - left) / abs(user_a) if user_a else 0.0
    else:
        box = raw.FS_RECTF()
        raw.FPDFText_GetLooseCharBox(textpage, i, box)
        advance = (box.top - box.bottom) / abs(user_b)
    xs = [x + a * u + c * v for u in (0.0, advance) for v in (low, high)]
    ys = [y + b * u + d * v for u in (0.0, advance) for v in (low, high)]
    y0, y1 = min(ys), max(ys)
    return (char, min(xs), max(xs), height - y1, height - y0,
            styles.setdefault((upright, fontname, y1 - y0), len(styles)))


def _page_transform(raw, page) -> tuple[tuple[float, ...], float]:
    """pdfminer's page matrix (rotation and media box origin) and the page height it measures from."""
    box = [ctypes.c_float() for _ in range(4)]
    if raw.FPDFPage_GetMediaBox(page, *box):
        x0, x1 = sorted((box[0].value, box[2].value))
        y0, y1 = sorted((box[1].value, box[3].value))
    else:
        x0, y0, x1, y1 = 0.0, 0.0, raw.FPDF_GetPageWidthF(page), raw.FPDF_GetPageHeightF(page)
    rotation = raw.FPDFPage_GetRotation(page) * 90
    matrix = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}.get(
        rotation, (1, 0, 0, 1, -x0, -y0))
    return matrix, (x1 - x0 if rotation in (90, 270) else y1 - y0)


_SPECIAL_CHARACTERS = re.compile("[\x00-\x1f\ue000-\uf8ff\ufffe]")
"""What PDFium gives for a hyphen that ends a line (U+FFFE) and for a glyph it may have no character
for (a control character or one of the private use area)."""


POSITION_TOLERANCE = 0.01
"""Points by which PDFium's position of a text object's last character may differ from the sum of
the advances before it, for the object to be taken as set without extra spacing."""


def _pdfium_chars(lib: _Pdfium, page, textpage) -> tuple[Chars, float]:
    """The page's characters in content order, measured as pdfminer measures them (the advance by
    the font's widths, the height by its size and descent, in pdfminer's page space), and the page
    height.

    A text object set without character or word spacing or kerning has its characters one advance
    after the other: PDFium is asked where its first and last characters are, and when the last is
    where the advances put it, the others are placed by their advances. Any other object (justified
    text, kerning, a glyph PDFium spells as several characters, rotated text) has every character's
    box asked of PDFium."""
    raw = lib.raw
    count = max(0, raw.FPDFText_CountChars(textpage))
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: 2 * count].decode("utf-16-le", errors="replace")
    # a character beyond the Basic Multilingual Plane takes two UTF-16 units; a glyph whose character
    # is U+0000 (an icon font's) is left out of the text, and the rest would be one place off
    if len(text) != count or "\x00" in text:
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    page_matrix, height = _page_transform(raw, page)
    handle = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
    text_object = lib.text_object
    objects = [text_object(handle, i) or 0 for i in range(count)]
    real = [i for i, obj in enumerate(objects) if obj]  # PDFium's own spaces and line breaks left out
    if not real:
        return Chars([], *(np.empty(0) for _ in range(4)), np.empty(0, dtype=np.int64), []), height
    letters = [text[i] for i in real]
    for match in _SPECIAL_CHARACTERS.finditer(text):
        i = match.start()
        if objects[i]:
            k = bisect.bisect_left(real, i)
            if letters[k] == "\ufffe":
                letters[k] = "-"  # PDFium marks a hyphen (or a soft hyphen) that ends a line so
            elif letters[k] == "\x00" or lib.unmapped(handle, i):  # U+0000: a glyph with no character at all
                letters[k] = f"(cid:{ord(letters[k])})"  # a glyph with no character, spelled as pdfplumber does

    fonts: dict = {}
    styles: dict[tuple[bool, str, float], int] = {}
    obj = np.array(objects, dtype=np.uint64)[real]
    firsts = np.flatnonzero(np.concatenate(([True], obj[1:] != obj[:-1])))  # where each object's run begins
    lengths = np.diff(np.append(firsts, len(real)))
    lasts = firsts + lengths - 1
    runs: dict[int, _Run] = {}
    run_list = []
    for k in firsts.tolist():
        key = int(obj[k])
        if key not in runs:
            runs[key] = _run(raw, textpage, real[k], key, page_matrix, height, fonts, styles)
        run_list.append(runs[key])
    widths = np.array([width if width is not None else np.nan
                       for run, a, n in zip(run_list, firsts.tolist(), lengths.tolist())
                       for width in map(run.widths.__getitem__, letters[a:a + n])])
    advance = widths * np.repeat([run.scale for run in run_list], lengths)

    boxes = (ctypes.c_float * (4 * len(real)))()
    box = np.frombuffer(boxes, dtype=np.float32).reshape(len(real), 4)

    def ask(positions) -> None:
        loose_box, byref = lib.loose_box, ctypes.byref
        for k in positions:
            loose_box(handle, real[k], byref(boxes, 16 * k))

    ask(np.union1d(firsts, lasts).tolist())
    lefts = box[:, 0].astype(np.float64)
    steps = np.concatenate(([0.0], np.cumsum(np.nan_to_num(advance))))
    starts = np.repeat(firsts, lengths)
    placed = lefts[starts] + steps[:-1] - steps[starts]  # one advance after the other from the first
    plain = ((np.abs(placed[lasts] - lefts[lasts]) < POSITION_TOLERANCE)
             & (np.add.reduceat(np.isnan(advance).astype(np.int64), firsts) == 0)
             & np.array([run.general is None for run in run_list]))
    asked = [k for a, n, ok in zip(firsts.tolist(), lengths.tolist(), plain.tolist()) if not ok for k in range(a, a + n)]
    ask(asked)
    lefts, rights = box[:, 0].astype(np.float64), box[:, 2].astype(np.float64)
    plain_char = np.repeat(plain, lengths)
    pe = page_matrix[4]
    x0 = np.where(plain_char, placed, lefts) + pe
    x1 = np.where(np.isnan(advance), rights + pe, x0 + np.nan_to_num(advance))
    # one glyph PDFium spells as several characters (a ligature): each part spans the glyph
    parts = np.flatnonzero((lefts[1:] == lefts[:-1]) & (rights[1:] == rights[:-1]) & (obj[1:] == obj[:-1])
                           & ~plain_char[1:])
    x1[parts] = x1[parts + 1] = rights[parts] + pe
    tops = np.repeat([run.top for run in run_list], lengths)
    bottoms = np.repeat([run.bottom for run in run_list], lengths)
    style = np.repeat(np.array([run.style for run in run_list], dtype=np.int64), lengths)
    for run, a, n in zip(run_list, firsts.tolist(), lengths.tolist()):
        if run.general is not None:  # rotated, mirrored or skewed text: measured one by one
            for k in range(a, a + n):
                _, x0[k], x1[k], tops[k], bottoms[k], style[k] = _general_char(
                    raw, textpage, real[k], letters[k], lefts[k], rights[k], run, page_matrix, height, styles)
    return Chars(letters, x0, x1, tops, bottoms, style, list(styles)), height


def _pdfium_pages(data: bytes) -> Pages:
    """The page count, then each page's height and words, by PDFium; each page closed once read."""
    lib = _pdfium()
    raw = lib.raw
    try:
        document = lib.pdfium.PdfDocument(data)
    except lib.pdfium.PdfiumError as exc:
        raise _Unreadable(ENCRYPTED if getattr(exc, "err_code", None) == raw.FPDF_ERR_PASSWORD else DAMAGED) from exc
    try:
        count = len(document)
        yield count
        for index in range(count):
            page = raw.FPDF_LoadPage(document.raw, index)
            if not page:
                raise _Unreadable(DAMAGED)
            try:
                textpage = raw.FPDFText_LoadPage(page)
                if not textpage:
                    raise _Unreadable(DAMAGED)
                try:
                    chars, height = _pdfium_chars(lib, page, textpage)
                finally:
                    raw.FPDFText_ClosePage(textpage)
            finally:
                raw.FPDF_ClosePage(page)
            yield height, layout.words_from_chars(chars)
    finally:
        document.close()


_ENGINES: dict[str, Callable[[bytes], Pages]] = {
    "pdfium": _pdfium_pages,
    "pdfplumber": _pdfplumber_pages,
}


def read_pdf_source(path: Path, data: bytes | None = None, hints: ReaderHints = ReaderHints(),
                    engine: str = DEFAULT_ENGINE, isolated: bool = True) -> NormalisedText:
    """Reads one PDF (or its ``data``, already read) into its normalised interim text with
    ``engine``, in a child process under the limits of ``readers/isolation`` (unless not
    ``isolated``); unusable PDFs raise ``UnusableInputError``."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnusableInputError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if isolated:
        pdf = data
        return isolation.run_limited(path, lambda: _read_mapped(path, pdf, hints, engine))
    return _read_mapped(path, data, hints, engine)


def _read_mapped(path: Path, data: bytes, hints: ReaderHints, engine: str) -> NormalisedText:
    """The PDF read with ``engine``; when PDFium leaves glyphs unmapped (a font without a ToUnicode
    map, whose characters pdfminer takes from the font's own tables), read again with pdfplumber,
    and that text kept when it maps more of them, with a finding that says so."""
    read = _read_pdf(path, data, hints, engine)
    unmapped = read.text.count("\ufffd")
    if engine != "pdfium" or not unmapped:
        return read
    try:
        reference = _read_pdf(path, data, hints, "pdfplumber")
    except UnusableInputError:
        return read
    if reference.text.count("\ufffd") >= unmapped:
        return read
    said = Finding(county_code=None, severity=Code.pdf_read_by_reference_engine.severity,
                   code=Code.pdf_read_by_reference_engine,
                   message=f"PDFium left {unmapped} glyph(s) without a character (a font with no ToUnicode map); "
                           f"read with pdfplumber, which leaves {reference.text.count(chr(0xfffd))}",
                   evidence=next((line for line in read.text.splitlines() if "\ufffd" in line), "")[:80])
    return dataclasses.replace(reference, findings=(said, *reference.findings))


def _read_pdf(path: Path, data: bytes, hints: ReaderHints, engine: str) -> NormalisedText:
    try:
        check_decoded_size(data)
    except _OverBudget:
        raise _budget_error(path, f"its streams decode to more than {MAX_DECODED_BYTES // 1_048_576} MiB "
                                  "(a compression bomb?)") from None
    pages: list[list[PdfLine]] = []
    heights: list[float] = []
    repeated: list[tuple[int, int]] = []
    characters = 0
    read = _ENGINES[engine](data)
    try:
        count = next(read)
        if count > MAX_PAGES:
            raise _budget_error(path, f"{count} pages, over the limit of {MAX_PAGES}")
        overlay = layout.Overlay(count)
        seen: dict[int, int] = {}
        for number, (height, words) in enumerate(read, start=1):
            key = hash(tuple((w.text, w.x0, w.top) for w in words)) if words else None  # one page object: same floats
            if key is not None and key in seen:  # the page tree names one page object again: read once
                repeated.append((number, seen[key]))
                continue
            if key is not None:
                seen[key] = number
            characters += sum(len(w.text) for w in words)
            if characters > MAX_CHARACTERS:
                raise _budget_error(path, f"more than {MAX_CHARACTERS:,} characters of text".replace(",", " "))
            for ready_height, ready in overlay.feed(height, words):
                heights.append(ready_height)
                pages.append(layout.page_lines(ready, len(pages) + 1, hints))
        for ready_height, ready in overlay.flush():
            heights.append(ready_height)
            pages.append(layout.page_lines(ready, len(pages) + 1, hints))
    except _Unreadable as exc:
        raise UnusableInputError(path, str(exc)) from exc
    finally:
        read.close()
    if not any(pages):
        raise UnusableInputError(path, f"PDF has no text layer on any of its {len(heights)} page(s) "
                                       "(scanned or image-only); run OCR first")
    rebuilt = layout.rebuild(pages, heights, hints, overlay.dropped)
    if not repeated:
        return rebuilt
    said = Finding(county_code=None, severity=Code.pdf_page_repeated.severity, code=Code.pdf_page_repeated,
                   message=f"{len(repeated)} page(s) the same, word for word and place for place, as an earlier "
                           "one (the page tree names one page again?); each read once",
                   evidence=", ".join(f"page {n} = page {first}" for n, first in repeated[:5]))
    return dataclasses.replace(rebuilt, findings=(said, *rebuilt.findings))
