"""The stage cache: each document's stage outputs in ``interim/<document_id>/``, reused while the
inputs that made them are unchanged and their content is what was written.

- ``text.txt`` and ``text.json``: the reader's normalised text and its metadata, keyed by the
  source's hash, the reader's fingerprint and the redaction setting;
- ``sections.json``, ``entities.json``: the sections' and mentions' spans, for people to read;
- ``extraction.json``: the whole extraction, keyed by the later stages' fingerprint.

Every JSON file carries ``content_sha256``, the hash of the rest of its content, and ``text.json``
carries ``text_sha256``, the hash of ``text.txt``. On reuse every hash is checked: a file edited
by hand (or damaged) is not trusted; the document is re-extracted and the mismatch reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from pipeline.errors import shown
from pipeline.models import Extraction, Finding
from pipeline.publish.writer import json_bytes
from pipeline.readers.text import NormalisedText

TEXT, TEXT_META, SECTIONS, ENTITIES, EXTRACTION = "text.txt", "text.json", "sections.json", "entities.json", \
    "extraction.json"
INTERIM_FILES = (ENTITIES, TEXT, TEXT_META, SECTIONS, EXTRACTION)
"""The files of one document's interim folder: the only ones a run deletes there."""
HASH_KEY = "content_sha256"


def content_hash(data: dict) -> str:
    """The hash of a JSON file's content without its own ``content_sha256``: key order and
    formatting do not matter, every value does."""
    rest = {k: v for k, v in data.items() if k != HASH_KEY}
    return hashlib.sha256(orjson.dumps(rest, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _sealed(data: dict) -> dict:
    return {HASH_KEY: content_hash(data), **data}


@dataclass
class Lookup:
    """What the cache holds for one document: the reusable extraction, if any, and every interim
    file whose content does not match its hash."""

    normalised: NormalisedText | None = None
    extraction: Extraction | None = None
    mismatches: list[str] = field(default_factory=list)


class _Mismatch(Exception):
    pass


def _verified(path: Path) -> dict | None:
    """The JSON content of ``path``; None when it is missing or has no hash (an older cache);
    raises ``_Mismatch`` when it is damaged or its hash does not match."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _Mismatch(f"cannot be read ({exc.strerror})") from exc
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _Mismatch("is not valid JSON") from exc
    if not isinstance(data, dict) or HASH_KEY not in data:
        return None
    if data[HASH_KEY] != content_hash(data):
        raise _Mismatch("does not match its content hash")
    return data


def lookup(folder: Path, sha: str, reader_fingerprint: str, records_fingerprint: str, redaction: str | None,
           source_path: str) -> Lookup:
    """The cached extraction of a source if it was made from these bytes by this reader, these
    later stages and this redaction, and every interim file still holds what was written."""
    result = Lookup()
    files: dict[str, dict | None] = {}
    for name in (TEXT_META, SECTIONS, ENTITIES, EXTRACTION):
        try:
            files[name] = _verified(folder / name)
        except _Mismatch as problem:
            result.mismatches.append(f"{shown(folder / name)}: {problem}")
    meta = files.get(TEXT_META)
    if meta and (meta.get("source_sha256"), meta.get("reader_fingerprint"), meta.get("redaction")) == (
            sha, reader_fingerprint, redaction):
        try:
            text_bytes = (folder / TEXT).read_bytes()
        except OSError:
            text_bytes = None
        if text_bytes is not None and hashlib.sha256(text_bytes).hexdigest() != meta.get("text_sha256"):
            result.mismatches.append(f"{shown(folder / TEXT)}: does not match the text_sha256 of {TEXT_META}")
        elif text_bytes is not None:
            try:
                findings = tuple(Finding.model_validate(f) for f in meta["findings"])
                result.normalised = NormalisedText(text=text_bytes.decode("utf-8"), encoding=meta["encoding"],
                                                   pages=meta.get("pages"), findings=findings)
            except (ValueError, KeyError, TypeError):
                result.normalised = None
    cached = files.get(EXTRACTION)
    if result.mismatches or result.normalised is None or not cached:
        return result
    if cached.get("records_fingerprint") != records_fingerprint or not files.get(SECTIONS) or not files.get(ENTITIES):
        return result
    try:
        extraction = Extraction.model_validate({**cached["extraction"], "text": result.normalised.text})
    except (ValueError, KeyError, TypeError):
        return result
    if extraction.document.source_path == source_path:
        result.extraction = extraction
    return result


def load(folder: Path) -> Extraction:
    """The extraction kept in ``folder`` (an interim folder, or the staging folder a run just wrote),
    every file checked against its hash; raises ``ValueError`` naming the file that fails."""
    files = {}
    for name in (TEXT_META, EXTRACTION):
        try:
            files[name] = _verified(folder / name)
        except _Mismatch as problem:
            raise ValueError(f"{shown(folder / name)}: {problem}") from None
        if files[name] is None:
            raise ValueError(f"{shown(folder / name)}: missing")
    text_bytes = (folder / TEXT).read_bytes()
    if hashlib.sha256(text_bytes).hexdigest() != files[TEXT_META].get("text_sha256"):
        raise ValueError(f"{shown(folder / TEXT)}: does not match the text_sha256 of {TEXT_META}")
    return Extraction.model_validate({**files[EXTRACTION]["extraction"], "text": text_bytes.decode("utf-8")})


def interim_files(extraction: Extraction, normalised: NormalisedText, reader_fingerprint: str,
                  records_fingerprint: str, redaction: str | None, dumped: dict | None = None) -> dict[str, bytes]:
    """Each stage's output for one document: ``text.txt`` and its metadata, the sections, the
    entities and the whole extraction, each JSON file sealed with its content hash."""
    doc = extraction.document
    text_meta = {
        "document_id": doc.document_id,
        "source_path": doc.source_path,
        "source_sha256": doc.source_sha256,
        "encoding": normalised.encoding,
        "pages": normalised.pages,
        "characters": len(normalised.text),
        "text_sha256": hashlib.sha256(normalised.text.encode("utf-8")).hexdigest(),
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
    record = {"records_fingerprint": records_fingerprint, "extraction": data}
    return {
        ENTITIES: json_bytes(_sealed(entities)),
        TEXT: normalised.text.encode("utf-8"),
        TEXT_META: json_bytes(_sealed(text_meta)),
        SECTIONS: json_bytes(_sealed(sections)),
        EXTRACTION: orjson.dumps(_sealed(record), option=orjson.OPT_APPEND_NEWLINE),
    }
