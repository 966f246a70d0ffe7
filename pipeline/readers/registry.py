"""The reader registry: which reader reads which file suffix, and what each depends on.

One reader per format, chosen by file suffix. Each takes the file's bytes (already read, for the
hash) and the ``ReaderHints`` of the report family, and returns a ``NormalisedText``; a file that
cannot be read raises ``UnusableInputError`` with one line that names it. PDFs are read by one of
two engines (``pdf.ENGINES``) that give the same text; the engine is part of the text stage's key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.models import SourceFormat
from pipeline.profile import Profile
from pipeline.reference import heading_names
from pipeline.readers.html import read_html_source
from pipeline.readers.pdf import DEFAULT_ENGINE, ENGINE_LIBRARIES, read_pdf_source
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
    "pdf": ("charset-normalizer",),
    "html": ("selectolax", "charset-normalizer"),
}
"""Third-party packages whose version changes a format's text (for PDFs, with its engine's)."""


def reader_libraries(source_format: SourceFormat, pdf_engine: str = DEFAULT_ENGINE) -> tuple[str, ...]:
    """The packages whose version changes the text of ``source_format`` read with ``pdf_engine``."""
    engine = ENGINE_LIBRARIES[pdf_engine] if source_format == "pdf" else ()
    return engine + READER_LIBRARIES[source_format]


def hints(profile: Profile) -> ReaderHints:
    """The reader hints of a report family, compiled (a run makes them once: ``pipeline/compiled.py``)."""
    return ReaderHints(
        web_leftovers=tuple((re.compile(w.pattern, re.IGNORECASE | re.MULTILINE), w.note)
                            for w in profile.web_leftovers),
        line_labels=profile.labels.any_label,
        block_labels=profile.labels.block_label,
        headings=_heading_start(profile),
        contact_labels=_labels_of(profile, ("contacts",)),
        item_labels=_labels_of(profile, ("goals", "purpose")),
        label_spellings=tuple(sorted(profile.labels.section_of)),
        label_prefixes=_label_prefixes(profile.labels.section_of),
        longest_label=max(map(len, profile.labels.section_of), default=0),
        metric_spellings=frozenset(s for s, section in profile.labels.section_of.items()
                                   if section in profile.metric_ids),
    )


def _label_prefixes(spellings: Iterable[str]) -> frozenset[str]:
    """Every label spelling and each of its first words ("kända", "kända sociala", …)."""
    prefixes = set(spellings)
    for spelling in list(prefixes):
        words = spelling.split(" ")
        prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
    return frozenset(prefixes)


def _labels_of(profile: Profile, reads_as: tuple[str, ...]) -> re.Pattern[str]:
    """The labels of the sections read as ``reads_as`` at a line start, with or without a colon."""
    ids = {section for kind in reads_as for section in profile.sections_read_as(kind)}
    spellings = sorted({s for s, section in profile.labels.section_of.items() if section in ids},
                       key=lambda s: (-len(s), s))
    if not spellings:
        return re.compile(r"(?!)")
    alternatives = "|".join(r"\s+".join(map(re.escape, s.split())) for s in spellings)
    return re.compile(rf"(?:{alternatives})[ \t]*(?::|$)", re.IGNORECASE)


def _heading_start(profile: Profile) -> re.Pattern[str]:
    """The start of a region heading: one of the profile's heading forms, then a space or the end."""
    # longest first; ties in name order, so the pattern (part of the text stage's cache key) is the
    # same in every process, whatever the string hash seed
    names = sorted({name for name, _ in heading_names(profile.regions.heading_forms)}, key=lambda name: (-len(name), name))
    return re.compile(rf"(?:{'|'.join(map(re.escape, names))})(?: |$)") if names else re.compile(r"(?!)")


def _stable(value: object) -> str:
    """A hint's value as text, the same in every process: a pattern by its source and flags, a set
    sorted, a tuple item by item."""
    if isinstance(value, re.Pattern):
        return f"re({value.pattern!r}, {int(value.flags)})"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(_stable, value))) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(map(_stable, value)) + ")"
    return repr(value)


def hints_fingerprint(made: ReaderHints) -> str:
    """Everything the readers are told about the report family (every field of its ``ReaderHints``,
    as the run compiled them), as text: part of the read stage's cache key, so no edit to the
    profile that a reader sees can leave a stale text."""
    return "\n".join(f"{name}={_stable(getattr(made, name))}" for name in sorted(vars(made)))


def read(path: Path, data: bytes, hints: ReaderHints,
         pdf_engine: str = DEFAULT_ENGINE) -> tuple[SourceFormat, NormalisedText]:
    """The format of ``path`` and its normalised text; PDFs are read with ``pdf_engine``."""
    source_format, reader = READERS[path.suffix.lower()]
    if source_format == "pdf":
        return source_format, read_pdf_source(path, data, hints, engine=pdf_engine)
    return source_format, reader(path, data, hints)


