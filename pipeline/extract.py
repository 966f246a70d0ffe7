"""The extract command: every supported file in ``raw/`` goes through the stages.

This is the only module (with ``output``) that touches the disk. Every document is read and
validated before anything is written, so one unusable input leaves interim and output untouched.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import output
from pipeline.errors import ConfigurationError, UnusableInputError
from pipeline.models import Extraction
from pipeline.records import SourceInfo, build_extraction
from pipeline.slugs import slugify
from pipeline.html_text import read_html_source
from pipeline.pdf_text import read_pdf_source
from pipeline.text import NormalisedText, read_text_source

READERS = {
    ".txt": ("text", read_text_source),
    ".pdf": ("pdf", read_pdf_source),
    ".html": ("html", read_html_source),
    ".htm": ("html", read_html_source),
}
"""Source formats by file suffix, each with the reader that produces its normalised text."""

IGNORED_NAMES = {"README.md", ".gitkeep", ".gitignore"}


@dataclass(frozen=True)
class Source:
    path: Path
    relative: str
    document_id: str
    source_format: str


@dataclass
class Summary:
    """What one run did: the one-screen report the CLI ends with."""

    documents: int = 0
    regions: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    findings: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)


def discover(raw_dir: Path) -> tuple[list[Source], list[str]]:
    """Returns the supported source files under ``raw_dir`` with stable, unique document ids, and
    a line for each file that is not a source."""
    if not raw_dir.is_dir():
        raise ConfigurationError(f"{raw_dir}: the raw folder does not exist")
    root = raw_dir.resolve()
    found: list[tuple[Path, str, str]] = []
    skipped: list[str] = []
    for path in sorted(raw_dir.rglob("*")):
        relative = path.relative_to(raw_dir).as_posix()
        if path.is_dir() or path.name in IGNORED_NAMES or any(p.startswith(".") for p in path.relative_to(raw_dir).parts):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise UnusableInputError(path, "symlink points outside the raw folder; refused")
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            skipped.append(f"{path}: skipped, not a supported source format ({', '.join(READERS)})")
            continue
        base = "--".join(slugify(part) or "x" for part in Path(relative).with_suffix("").parts)
        found.append((path, relative, base))
    bases = Counter(base for _, _, base in found)
    sources = []
    for path, relative, base in found:
        document_id = base if bases[base] == 1 else f"{base}-{slugify(path.suffix)}"
        sources.append(Source(path, f"{raw_dir.name}/{relative}", document_id, READERS[path.suffix.lower()][0]))
    ids = Counter(s.document_id for s in sources)
    clashes = sorted(i for i, n in ids.items() if n > 1)
    if clashes:
        raise ConfigurationError(f"{raw_dir}: file names give the same document id {clashes}; rename one")
    return sources, skipped


def extract_document(source: Source) -> tuple[Extraction, NormalisedText]:
    """Reads and extracts one source file; raises ``UnusableInputError`` when it cannot be read."""
    normalised = READERS[source.path.suffix.lower()][1](source.path)
    info = SourceInfo(
        document_id=source.document_id,
        source_path=source.relative,
        source_sha256=hashlib.sha256(source.path.read_bytes()).hexdigest(),
        source_format=source.source_format,
        encoding=normalised.encoding,
        pages=normalised.pages,
    )
    return build_extraction(normalised.text, info, normalised.findings), normalised


def interim_files(extraction: Extraction, normalised: NormalisedText) -> dict[str, str]:
    """Each stage's output for one document: ``text.txt`` and its metadata, the sections, the entities."""
    doc = extraction.document
    text_meta = {
        "document_id": doc.document_id,
        "source_path": doc.source_path,
        "source_sha256": doc.source_sha256,
        "encoding": normalised.encoding,
        "pages": normalised.pages,
        "characters": len(normalised.text),
        "findings": [f.model_dump(mode="json") for f in normalised.findings],
    }
    sections = {
        "document_id": doc.document_id,
        "regions": [
            {
                "county_code": r.county_code,
                "title": r.title,
                "heading_start": r.heading_start,
                "heading_end": r.heading_end,
                "sections": [s.model_dump(include={"section", "label", "start", "end"}) for s in r.sections],
            }
            for r in extraction.regions
        ],
    }
    entities = {
        "document_id": doc.document_id,
        "regions": [
            {
                "county_code": r.county_code,
                "mentions": [m.model_dump(mode="json") for m in r.mentions],
            }
            for r in extraction.regions
        ],
    }
    return {
        "entities.json": json.dumps(entities, ensure_ascii=False, indent=2) + "\n",
        "text.txt": normalised.text,
        "text.json": json.dumps(text_meta, ensure_ascii=False, indent=2) + "\n",
        "sections.json": json.dumps(sections, ensure_ascii=False, indent=2) + "\n",
    }


def write_interim(interim_dir: Path, extraction: Extraction, normalised: NormalisedText) -> None:
    target = interim_dir / extraction.document.document_id
    staging = output.staging_dir(target)
    for name, content in interim_files(extraction, normalised).items():
        (staging / name).write_text(content, encoding="utf-8", newline="\n")
    output.swap_in(staging, target)


def run(raw_dir: Path, interim_dir: Path, output_dir: Path) -> Summary:
    """Extracts every source under ``raw_dir``; writes nothing unless every document succeeds."""
    sources, skipped = discover(raw_dir)
    if not sources:
        raise ConfigurationError(f"{raw_dir}: no supported source files ({', '.join(READERS)})")
    results = [extract_document(source) for source in sources]
    for extraction, normalised in results:
        write_interim(interim_dir, extraction, normalised)
    extractions = [extraction for extraction, _ in results]
    rows = output.publish(output_dir, extractions)
    summary = Summary(documents=len(extractions), regions=sum(len(e.regions) for e in extractions),
                      rows=rows, skipped=skipped)
    for extraction in extractions:
        summary.findings.update(f.severity for f in extraction.document.quality)
        for region in extraction.regions:
            summary.findings.update(f.severity for f in region.quality)
    return summary
