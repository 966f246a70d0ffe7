"""Reader for text sources: raw bytes become the normalised interim text.

The normalised text is what every character offset in the dataset points into. It has one
paragraph per line, a single blank line between blocks, single spaces, NFC characters, ``\\n``
line ends, and no web-page leftovers. Every removal is reported as a finding.

Line-breaking characters other than ``\\n`` (form feed, vertical tab, NEL, U+2028 and U+2029)
become line ends, and a page or paragraph break (form feed, U+2029) a blank line, so a heading
after one is still a heading of its own; bidirectional-text controls (U+202A–U+202E,
U+2066–U+2069, U+200E, U+200F, U+061C) are removed, so a name written with one is still a name.
Each kind is reported once, with its count and its first source line.

A source is read only if it is a regular file (never a FIFO or a device, which could block the
run) and at most ``MAX_SOURCE_BYTES`` long; more is never read into memory.
"""

from __future__ import annotations

import os
import re
import stat
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
"""Larger text sources and web pages are refused: the largest real report is well under 1 MB."""

MAX_ANY_SOURCE_BYTES = 512 * 1024 * 1024
"""No source file of any format is read into memory beyond this; formats with a limit of their
own (text, web pages) refuse far earlier."""

_SPACES = re.compile(r"[ \t\u00a0\u2007\u2009\u202f\u3000](?:(?<= ) +|(?<=[^ ])[ \t\u00a0\u2007\u2009\u202f\u3000]*)")
"""Runs of spaces or any other horizontal space: they become one space (single spaces match
nothing). Written as ``" {2,}|[other][any]*"`` reads, but starting with one character class, which
the regular-expression engine scans for in C instead of trying every position."""
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INVISIBLE_BETWEEN_WORDS = re.compile("(?<=[^\\W\\d_])[\u200b\u2060\u00ad]+(?=[A-ZÅÄÖÉÜ])")
"""A zero-width space, word joiner or soft hyphen between a letter and a capital ("Johan\u00adNilsson"):
two words the writer hid the space between, kept apart by a space (taken out, it made one word
of two names that no reader would see as one; a soft hyphen inside a word, "affärs\u00admässighet",
comes before a small letter and is removed)."""
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
"""Control characters (C0 and C1) that are neither white space nor a line break: each becomes a space."""
LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n"}
"""Line-breaking characters besides ``\\n`` and what each becomes: a page break (form feed) or a
paragraph separator ends a paragraph, the others end a line."""
_LINE_BREAK = re.compile("[" + "".join(LINE_BREAKS) + "]")
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidirectional-text controls: invisible, they reorder what is shown and split words for a parser."""
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_CHARACTER_NAMES = {"\x0b": "vertical tab", "\x0c": "form feed", "\x85": "next line (NEL)",
                    "\u2028": "line separator", "\u2029": "paragraph separator"}


@dataclass(frozen=True)
class ReaderHints:
    """What a reader is told about the report family: web-page furniture to remove, the labels
    that start a line or a block, and the start of a region heading (the PDF reader rebuilds
    paragraphs with them)."""

    web_leftovers: tuple[tuple[re.Pattern[str], str], ...] = ()
    line_labels: re.Pattern[str] = re.compile(r"(?!)")
    block_labels: re.Pattern[str] = re.compile(r"(?!)")
    headings: re.Pattern[str] = re.compile(r"(?!)")
    contact_labels: re.Pattern[str] = re.compile(r"(?!)")
    """Labels of the sections that list people (with or without a colon)."""
    item_labels: re.Pattern[str] = re.compile(r"(?!)")
    """Labels of the sections that list items: goals, purpose (with or without a colon)."""
    label_spellings: tuple[str, ...] = ()
    """Every label's spellings, case-folded (a table cell may hold the first words of one)."""
    metric_spellings: frozenset[str] = frozenset()
    """The count lines' labels, case-folded."""
    label_prefixes: frozenset[str] = frozenset()
    """Every label spelling and each of its first words ("kända", "kända sociala", …)."""
    longest_label: int = 0
    """The length of the longest label spelling."""


@dataclass(frozen=True)
class NormalisedText:
    """The interim text of one document, the encoding it was read with, and what was changed."""

    text: str
    encoding: str
    findings: tuple[Finding, ...]
    pages: int | None = None


def too_large(path: Path | str, size: int, limit: int, what: str) -> UnusableInputError:
    return UnusableInputError(path, f"file is {size / 1_048_576:.1f} MiB, over the {limit // 1_048_576} MiB "
                                    f"limit for {what}")


def check_text(text: str, path: Path | str, encoding: str) -> None:
    """Raises ``UnusableInputError`` when decoded ``text`` is empty or not text at all."""
    if not text.strip():
        raise UnusableInputError(path, "file is empty or holds only whitespace")
    controls = sum(1 for _ in _CONTROL.finditer(text))
    if controls > max(2, len(text) // 200):
        raise UnusableInputError(path, f"not a text file ({controls} control characters)")
    if encoding == "cp1252" and mess_ratio(text, maximum_threshold=CP1252_MESS_LIMIT) >= CP1252_MESS_LIMIT:
        raise UnusableInputError(path, "not UTF-8, and reading it as Windows-1252 gives garbled text; "
                                       "save it as UTF-8")


def decode(data: bytes, path: Path | str, what: str = "a text source") -> tuple[str, str]:
    """Returns the decoded text and the encoding used; raises ``UnusableInputError`` when it is not text."""
    if len(data) > MAX_SOURCE_BYTES:
        raise too_large(path, len(data), MAX_SOURCE_BYTES, what)
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
        check_text(text, path, encoding)
        return text, encoding
    if not data.strip():
        raise UnusableInputError(path, "file is empty or holds only whitespace")
    assert first_error is not None
    raise UnusableInputError(
        path,
        f"cannot decode byte 0x{data[first_error.start]:02x} at offset {first_error.start} "
        f"as {' or '.join(candidates)}",
    )


def _line_numbers(text: str, positions: list[int]) -> list[int]:
    """The 1-based line number of each of the ascending ``positions``: one pass, not one count each."""
    numbers, line, last = [], 1, 0
    for position in positions:
        line += text.count("\n", last, position)
        last = position
        numbers.append(line)
    return numbers


def _remove_leftovers(text: str, leftovers: tuple[tuple[re.Pattern[str], str], ...]) -> tuple[str, list[Finding]]:
    """Removes web-page furniture; the findings come in source-line order."""
    findings: list[tuple[int, Finding]] = []
    for pattern, note in leftovers:
        matches = list(pattern.finditer(text))
        for line_number, match in zip(_line_numbers(text, [m.start() for m in matches]), matches):
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


def _normalise_breaks(text: str) -> tuple[str, list[Finding]]:
    """Line-breaking characters become line ends and bidi controls are removed, each kind reported
    once with its count and first source line."""
    findings: list[Finding] = []
    kinds: dict[str, list[int]] = {}
    for match in _LINE_BREAK.finditer(text):
        kinds.setdefault(match.group(), []).append(match.start())
    bidi = [m.start() for m in _BIDI.finditer(text)]
    for char in sorted(kinds, key=lambda c: kinds[c][0]):
        positions = kinds[char]
        line = _line_numbers(text, positions[:1])[0]
        becomes = "a paragraph break" if LINE_BREAKS[char] == "\n\n" else "a line end"
        findings.append(Finding(
            county_code=None, severity=Code.line_break_normalised.severity, code=Code.line_break_normalised,
            message=f"{len(positions)} {_CHARACTER_NAMES[char]} character(s) (U+{ord(char):04X}) read as {becomes}; "
                    f"the first on source line {line}",
            evidence=f"U+{ord(char):04X}"))
    if bidi:
        line = _line_numbers(text, bidi[:1])[0]
        found = sorted({text[p] for p in bidi})
        findings.append(Finding(
            county_code=None, severity=Code.bidi_control_removed.severity, code=Code.bidi_control_removed,
            message=f"{len(bidi)} bidirectional-text control character(s) removed; the first on source line {line}",
            evidence=" ".join(f"U+{ord(c):04X}" for c in found)))
    if kinds:
        text = _LINE_BREAK.sub(lambda m: LINE_BREAKS[m.group()], text)
    if bidi:
        text = _BIDI.sub("", text)
    return text, findings


MAX_MARK_RUN = 16
"""Combining marks one character may carry; a longer run is cut (NFC sorts a run of marks of mixed
classes in quadratic time, and no writing system needs more)."""
_MARK_RUN = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u1ab0-\u1aff"
                       "\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{%d,}" % (MAX_MARK_RUN + 1))


def _cut_mark_runs(text: str) -> tuple[str, list[Finding]]:
    """Runs of more than ``MAX_MARK_RUN`` combining marks cut to that many, reported once."""
    runs = [m.start() for m in _MARK_RUN.finditer(text)]
    if not runs:
        return text, []
    line = _line_numbers(text, runs[:1])[0]
    text = _MARK_RUN.sub(lambda m: m.group(0)[:MAX_MARK_RUN], text)
    return text, [Finding(county_code=None, severity=Code.combining_marks_cut.severity, code=Code.combining_marks_cut,
                          message=f"{len(runs)} run(s) of more than {MAX_MARK_RUN} combining marks cut to "
                                  f"{MAX_MARK_RUN}; the first on source line {line}", evidence=f"line {line}")]


_LINE_EDGES = re.compile(r"[ \n](?:(?<= ) *\n *|(?<=\n) *)")
"""Spaces around a line end (``" *\\n *"``, starting with one character class, as ``_SPACES``)."""
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalise(text: str, hints: ReaderHints = ReaderHints()) -> tuple[str, tuple[Finding, ...]]:
    """Returns ``text`` with line ends, spaces and blank lines normalised and web leftovers removed."""
    text, findings = _normalise_breaks(text.replace("\r\n", "\n").replace("\r", "\n"))
    text, cut = _cut_mark_runs(text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", _CONTROL.sub(" ", _INVISIBLE.sub("", _INVISIBLE_BETWEEN_WORDS.sub(" ", text))))
    text, removed = _remove_leftovers(_LINE_EDGES.sub("\n", text), hints.web_leftovers)
    text = _BLANK_RUNS.sub("\n\n", _LINE_EDGES.sub("\n", _SPACES.sub(" ", text))).strip(" \n")
    return text + "\n", tuple(findings + cut + removed)


def _open(path: Path) -> int:
    """A descriptor of ``path`` opened for reading without blocking (a FIFO would block a plain open)."""
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)


def read_source_bytes(path: Path, limit: int = MAX_ANY_SOURCE_BYTES, what: str = "a source file") -> bytes:
    """The file's bytes; a file that cannot be read, is not a regular file or is over ``limit``
    bytes raises ``UnusableInputError`` (and no more than ``limit`` bytes are read)."""
    try:
        fd = _open(path)
    except OSError as exc:
        raise UnusableInputError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnusableInputError(path, "not a regular file; refused")
        if info.st_size > limit:
            raise too_large(path, info.st_size, limit, what)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise too_large(path, size, limit, what)
        return b"".join(chunks)
    except OSError as exc:
        raise UnusableInputError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)


def read_text_source(path: Path, data: bytes | None = None, hints: ReaderHints = ReaderHints()) -> NormalisedText:
    """Reads one plain-text source file (or its ``data``, already read) into its normalised interim text."""
    decoded, encoding = decode(read_source_bytes(path, MAX_SOURCE_BYTES, "a text source") if data is None else data,
                               path)
    text, findings = normalise(decoded, hints)
    if not text.strip():
        raise UnusableInputError(path, "file holds no text once web-page leftovers are removed")
    return NormalisedText(text=text, encoding=encoding, findings=findings)
