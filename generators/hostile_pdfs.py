"""PDFs that attack a reader by their structure, written object by object (no library would write
them): each is small on disk and costs an engine far more memory or time than its size."""

from __future__ import annotations

import zlib

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1; the first is the catalog) with its cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(entries: str, data: bytes) -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def page(contents: int, resources: str = "/Font << /F1 4 0 R >>") -> bytes:
    return (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents {contents} 0 R "
            f"/Resources << {resources} >> >>").encode()


def nested_forms(depth: int = 30, fan: int = 4) -> bytes:
    """A page that draws a form XObject which draws the one below it ``fan`` times, ``depth``
    deep: 4^30 drawings of one line of text from 7 KB."""
    first = 6
    forms = []
    for k in range(depth):
        if k == 0:
            data, resources = b"BT /F1 12 Tf 10 10 Td (Kontakt: A) Tj ET", "/Font << /F1 4 0 R >>"
        else:
            data = b" ".join([f"/X{k - 1} Do".encode()] * fan)
            resources = f"/XObject << /X{k - 1} {first + k - 1} 0 R >> /Font << /F1 4 0 R >>"
        forms.append(stream(f"/Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << {resources} >>", data))
    top = first + depth - 1
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                page(5, f"/XObject << /X {top} 0 R >>"), FONT, stream("", b"/X Do"), *forms])


def shared_contents(pages: int = 2000, lines: int = 5000) -> bytes:
    """One compressed content stream of ``lines`` lines of text, the contents of every one of
    ``pages`` pages: 300 KB on disk, each stream counted once by a size check."""
    text = b"BT /F1 10 Tf 50 700 Td " + b" ".join([b"(Kontakt: Anna Berg, Almi) Tj 0 -12 Td"] * lines) + b" ET"
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
                stream("/Filter /FlateDecode", zlib.compress(text, 9)), FONT, *[page(3)] * pages])


def contents_called_an_image(size: int = 300_000_000) -> bytes:
    """A page whose content stream says ``/Subtype /Image`` (a size check skips images): 850 KB
    that decode to 300 MB of text operators."""
    text = b"BT /F1 10 Tf 50 700 Td " + b"(Kontakt: Anna Berg) Tj 0 -12 Td " * (size // 34) + b" ET"
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
                stream("/Subtype /Image /Filter /FlateDecode", zlib.compress(text, 9)), FONT, page(3)])


def _escaped(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")


def text_page(lines: list[str]) -> bytes:
    """A content stream of ``lines`` in Helvetica 11, one under the other (WinAnsi: å, ä, ö)."""
    body = b"BT /F1 11 Tf 14 TL 60 760 Td " + b" ".join(b"(" + _escaped(line) + b") '" for line in lines) + b" ET"
    return stream("", body)


def repeated_page(lines: list[str], times: int = 3) -> bytes:
    """A page tree whose ``/Kids`` name the same page object ``times`` times."""
    kids = " ".join(["5 0 R"] * times)
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {times} >>".encode(),
                text_page(lines), b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
                page(3)])


def without_unicode_map(lines: list[str]) -> bytes:
    """A page whose font is a Type 3 font with no ``/ToUnicode`` and no encoding names: its glyphs
    cannot be mapped to characters."""
    glyphs = b"<< /a 7 0 R >>"
    font = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 750 750] /FontMatrix [0.001 0 0 0.001 0 0] "
            b"/CharProcs " + glyphs + b" /Encoding << /Type /Encoding /Differences [65 /a] >> /FirstChar 65 "
            b"/LastChar 90 /Widths [" + b"600 " * 26 + b"] /Resources << >> >>")
    body = b"BT /F1 11 Tf 14 TL 60 760 Td " + b" ".join(b"(" + line.upper().encode("ascii", "replace") + b") '"
                                                         for line in lines) + b" ET"
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", stream("", body),
                font, page(3), b"<< >>", stream("", b"600 0 0 0 500 700 d1 0 0 500 700 re f")])
