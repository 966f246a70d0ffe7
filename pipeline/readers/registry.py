"""The reader registry: which reader reads which file suffix, and what each depends on.

One reader per format, chosen by file suffix. Each takes the file's bytes (already read, for the
hash) and the ``ReaderHints`` of the report family, and returns a ``NormalisedText``; a file that
cannot be read raises ``UnusableInputError`` with one line that names it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pipeline.models import SourceFormat
from pipeline.profile import Profile
from pipeline.readers.html import read_html_source
from pipeline.readers.pdf import read_pdf_source
from pipeline.readers.text import MAX_ANY_SOURCE_BYTES, MAX_SOURCE_BYTES, NormalisedText, ReaderHints, read_text_source

Reader = Callable[[Path, bytes, ReaderHints], NormalisedText]

READERS: dict[str, tuple[SourceFormat, Reader]] = {
    ".txt": ("text", read_text_source),
    ".pdf": ("pdf", read_pdf_source),
    ".html": ("html", read_html_source),
    ".htm": ("html", read_html_source),
}
"""Source formats by file suffix, each with the reader that produces its normalised text."""

READER_MODULES: dict[SourceFormat, str] = {
    "text": "pipeline.readers.text",
    "pdf": "pipeline.readers.pdf",
    "html": "pipeline.readers.html",
}
"""The module of each format's reader: the stage cache fingerprints it with everything it imports."""

READ_LIMITS: dict[SourceFormat, tuple[int, str]] = {
    "text": (MAX_SOURCE_BYTES, "a text source"),
    "pdf": (MAX_ANY_SOURCE_BYTES, "a source file"),
    "html": (MAX_SOURCE_BYTES, "a web page"),
}
"""The most bytes read of a source of each format, and what the refusal calls it: more is refused
before it is read into memory."""

READER_LIBRARIES: dict[SourceFormat, tuple[str, ...]] = {
    "text": ("charset-normalizer",),
    "pdf": ("pdfplumber", "pdfminer.six", "charset-normalizer"),
    "html": ("beautifulsoup4", "charset-normalizer"),
}
"""Third-party packages whose version changes a format's text."""


def hints(profile: Profile) -> ReaderHints:
    """The reader hints of a report family."""
    return ReaderHints(
        web_leftovers=tuple((re.compile(w.pattern, re.IGNORECASE | re.MULTILINE), w.note)
                            for w in profile.web_leftovers),
        line_labels=profile.labels.any_label,
        block_labels=profile.labels.block_label,
    )


def hints_fingerprint(profile: Profile) -> str:
    """What of the profile the readers use, as text: part of the text stage's cache key."""
    parts = [w.pattern + "\0" + w.note for w in profile.web_leftovers]
    parts += [profile.labels.any_label.pattern, profile.labels.block_label.pattern]
    return "\n".join(parts)


def read(path: Path, data: bytes, hints: ReaderHints) -> tuple[SourceFormat, NormalisedText]:
    source_format, reader = READERS[path.suffix.lower()]
    return source_format, reader(path, data, hints)


