"""Reader for text sources: raw bytes become the normalised interim text.

The normalised text is what every character offset in the dataset points into. It has one
paragraph per line, a single blank line between blocks, single spaces, NFC characters, ``\\n``
line ends, and no web-page leftovers. Every removal is reported as a finding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer.md import mess_ratio

from pipeline.errors import UnusableInputError
from pipeline.findings import Code
from pipeline.models import Finding

CP1252_MESS_LIMIT = 0.2
"""charset-normalizer's mess ratio above which a Windows-1252 reading is taken as mojibake."""

MAX_SOURCE_BYTES = 20 * 1024 * 1024
"""Larger text sources are refused: the largest real report is well under 1 MB."""

_SPACES = re.compile(r" {2,}|[\t\u00a0\u2007\u2009\u202f\u3000][ \t\u00a0\u2007\u2009\u202f\u3000]*")
"""Runs of spaces or any other horizontal space: they become one space (single spaces match nothing)."""
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ReaderHints:
    """What a reader is told about the report family: web-page furniture to remove, the labels
    that start a line or a block, and the start of a region heading (the PDF reader rebuilds
    paragraphs with them)."""

    web_leftovers: tuple[tuple[re.Pattern[str], str], ...] = ()
    line_labels: re.Pattern[str] = re.compile(r"(?!)")
    block_labels: re.Pattern[str] = re.compile(r"(?!)")
    headings: re.Pattern[str] = re.compile(r"(?!)")


@dataclass(frozen=True)
class NormalisedText:
    """The interim text of one document, the encoding it was read with, and what was changed."""

    text: str
    encoding: str
    findings: tuple[Finding, ...]
    pages: int | None = None


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Returns the decoded text and the encoding used; raises ``UnusableInputError`` when it is not text."""
    if len(data) > MAX_SOURCE_BYTES:
        raise UnusableInputError(
            path,
            f"file is {len(data) / 1_048_576:.1f} MiB, over the {MAX_SOURCE_BYTES // 1_048_576} MiB "
            "limit for a text source",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in data:
        raise UnusableInputError(path, "not a text file (it contains NUL bytes)")
    else:
        candidates = ["utf-8", "cp1252"]
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        if not text.strip():
            raise UnusableInputError(path, "file is empty or holds only whitespace")
        controls = len(_CONTROL.findall(text))
        if controls > max(2, len(text) // 200):
            raise UnusableInputError(path, f"not a text file ({controls} control characters)")
        if encoding == "cp1252" and mess_ratio(text, maximum_threshold=CP1252_MESS_LIMIT) >= CP1252_MESS_LIMIT:
            raise UnusableInputError(path, "not UTF-8, and reading it as Windows-1252 gives garbled text; "
                                           "save it as UTF-8")
        return text, encoding
    if not data.strip():
        raise UnusableInputError(path, "file is empty or holds only whitespace")
    assert first_error is not None
    raise UnusableInputError(
        path,
        f"cannot decode byte 0x{data[first_error.start]:02x} at offset {first_error.start} "
        f"as {' or '.join(candidates)}",
    )


def _remove_leftovers(text: str, leftovers: tuple[tuple[re.Pattern[str], str], ...]) -> tuple[str, list[Finding]]:
    """Removes web-page furniture; the findings come in source-line order."""
    findings: list[tuple[int, Finding]] = []
    for pattern, note in leftovers:
        matches = list(pattern.finditer(text))
        line_number, counted = 1, 0
        for match in matches:
            line_number += text.count("\n", counted, match.start())  # matches come in text order
            counted = match.start()
            findings.append((line_number,
                Finding(
                    county_code=None,
                    severity=Code.web_leftover_removed.severity,
                    code=Code.web_leftover_removed,
                    message=f"removed web-page leftover on source line {line_number}: {note}",
                    evidence=match.group(0).strip(),
                )
            ))
        if matches:  # the text between the matches: what pattern.sub("", text) gives, without a second scan
            ends = [0, *(end for match in matches for end in match.span()), len(text)]
            text = "".join(text[a:b] for a, b in zip(ends[::2], ends[1::2]))
    return text, [finding for _, finding in sorted(findings, key=lambda pair: pair[0])]


_LINE_EDGES = re.compile(r" *\n *")
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalise(text: str, hints: ReaderHints = ReaderHints()) -> tuple[str, tuple[Finding, ...]]:
    """Returns ``text`` with line ends, spaces and blank lines normalised and web leftovers removed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", _CONTROL.sub(" ", _INVISIBLE.sub("", text)))
    text, findings = _remove_leftovers(_LINE_EDGES.sub("\n", text), hints.web_leftovers)
    text = _BLANK_RUNS.sub("\n\n", _LINE_EDGES.sub("\n", _SPACES.sub(" ", text))).strip(" \n")
    return text + "\n", tuple(findings)


def read_source_bytes(path: Path) -> bytes:
    """The file's bytes; a file that cannot be read raises ``UnusableInputError``."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnusableInputError(path, f"cannot read the file ({exc.strerror or exc})") from exc


def read_text_source(path: Path, data: bytes | None = None, hints: ReaderHints = ReaderHints()) -> NormalisedText:
    """Reads one plain-text source file (or its ``data``, already read) into its normalised interim text."""
    decoded, encoding = decode(read_source_bytes(path) if data is None else data, path)
    text, findings = normalise(decoded, hints)
    if not text.strip():
        raise UnusableInputError(path, "file holds no text once web-page leftovers are removed")
    return NormalisedText(text=text, encoding=encoding, findings=findings)
