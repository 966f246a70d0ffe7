"""The stage cache: each document's stage outputs in ``interim/<document_id>/``, reused while the
inputs that made them are unchanged.

- ``text.txt`` and ``text.json``: the reader's normalised text and its metadata, keyed by the
  source's hash, the reader's fingerprint and the redaction setting;
- ``sections.json``, ``entities.json``: the sections' and mentions' spans, for people to read;
- ``extraction.json``: the whole extraction, keyed by the later stages' fingerprint.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson

from pipeline.models import Extraction, Finding
from pipeline.publish.writer import to_json
from pipeline.readers.text import NormalisedText


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def cached_text(folder: Path, sha: str, fingerprint: str, redaction: str | None) -> NormalisedText | None:
    """The cached text of a source, if it was made from these bytes by this reader and redaction."""
    meta = _read_json(folder / "text.json")
    if not meta or (meta.get("source_sha256"), meta.get("reader_fingerprint"), meta.get("redaction")) != (
            sha, fingerprint, redaction):
        return None
    try:
        text = (folder / "text.txt").read_text(encoding="utf-8")
        findings = tuple(Finding.model_validate(f) for f in meta["findings"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return NormalisedText(text=text, encoding=meta["encoding"], pages=meta.get("pages"), findings=findings)


def cached_extraction(folder: Path, fingerprint: str, text: str, source_path: str) -> Extraction | None:
    """The cached extraction of a text, if the later stages that made it are unchanged."""
    cached = _read_json(folder / "extraction.json")
    if not cached or cached.get("records_fingerprint") != fingerprint:
        return None
    try:
        extraction = Extraction.model_validate({**cached["extraction"], "text": text})
    except (ValueError, KeyError, TypeError):
        return None
    if extraction.document.source_path != source_path:
        return None
    return extraction


def interim_files(extraction: Extraction, normalised: NormalisedText, reader_fingerprint: str,
                  records_fingerprint: str, redaction: str | None, dumped: dict | None = None) -> dict[str, str]:
    """Each stage's output for one document: ``text.txt`` and its metadata, the sections, the
    entities and the whole extraction."""
    doc = extraction.document
    text_meta = {
        "document_id": doc.document_id,
        "source_path": doc.source_path,
        "source_sha256": doc.source_sha256,
        "encoding": normalised.encoding,
        "pages": normalised.pages,
        "characters": len(normalised.text),
        "findings": [f.model_dump(mode="json") for f in normalised.findings],
        "reader_fingerprint": reader_fingerprint,
        "redaction": redaction,
    }
    data = dumped if dumped is not None else extraction.model_dump(mode="json", exclude={"text"})
    sections = {
        "document_id": doc.document_id,
        "regions": [
            {
                "county_code": r["county_code"],
                "title": r["title"],
                "heading_start": r["heading_start"],
                "heading_end": r["heading_end"],
                "sections": [{key: s[key] for key in ("section", "label", "start", "end")} for s in r["sections"]],
            }
            for r in data["regions"]
        ],
    }
    entities = {
        "document_id": doc.document_id,
        "regions": [{"county_code": r["county_code"], "mentions": r["mentions"]} for r in data["regions"]],
    }
    return {
        "entities.json": to_json(entities),
        "text.txt": normalised.text,
        "text.json": to_json(text_meta),
        "sections.json": to_json(sections),
        "extraction.json": orjson.dumps({"records_fingerprint": records_fingerprint, "extraction": data}).decode("utf-8")
                           + "\n",
    }
