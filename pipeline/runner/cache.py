"""The stage cache: each document's stage artefacts in ``interim/<document_id>/``, reused while the
inputs that made them are unchanged and their content is what was written. The stages and their
keys are ``pipeline/stages.py``'s; this module stores and checks what they keep:

- ``text.txt`` and ``text.json``: the read stage's normalised text and its metadata (encoding,
  pages, the reader's findings), for these source bytes and this redaction setting;
- ``sections.json``: the segment stage's segmentation (the intro's lines, the region blocks and
  their sections, with their findings), read back as the next stage's input;
- ``extraction.json``: the assemble stage's whole extraction (the entities and values stages are
  made again only with it).

Each file carries the key of the stage that wrote it: a stage whose key changed (its code, its
reference data, the profile, or the artefact before it) runs again, and the stages before it do
not. Every JSON file carries ``content_sha256``, the hash of the rest of its content, and
``text.json`` carries ``text_sha256``, the hash of ``text.txt``. On reuse every hash is checked: a
file edited by hand (or damaged) is not trusted; the document is re-extracted and the mismatch
reported.
"""

from __future__ import annotations

import hashlib
import os
import stat
from typing import Any
from pathlib import Path

import orjson

from pipeline.errors import shown
from pipeline import reference
from pipeline.models import Extraction, Finding
from pipeline.publish.writer import json_bytes
from pipeline.readers.text import NormalisedText
from pipeline.segment.sections import Line, RegionBlock, Segmentation, SectionSpan

TEXT, TEXT_META, SECTIONS, EXTRACTION = "text.txt", "text.json", "sections.json", "extraction.json"
LEGACY_FILES = ("entities.json",)
"""Interim files of earlier versions (a view of the mentions, now in ``extraction.json``): still the
pipeline's own, so a run removes them."""
INTERIM_FILES = (TEXT, TEXT_META, SECTIONS, EXTRACTION, *LEGACY_FILES)
"""The files of one document's interim folder: the only ones a run deletes there."""
HASH_KEY = "content_sha256"


def content_hash(data: dict) -> str:
    """The hash of a JSON file's content without its own ``content_sha256``: key order and
    formatting do not matter, every value does."""
    rest = {k: v for k, v in data.items() if k != HASH_KEY}
    return hashlib.sha256(orjson.dumps(rest, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _sealed(data: dict) -> dict:
    return {HASH_KEY: content_hash(data), **data}


class _Mismatch(Exception):
    pass


MAX_INTERIM_BYTES = 256 * 2**20
"""An interim file larger than this is not the pipeline's (a source is read up to 20 MiB, and its
text and extraction are a few times that at most): it is not read."""
CODEC = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
"""This module's own code, written into every interim file: a file written by another version of
how artefacts are stored and read back is not reused."""


def _read(path: Path) -> bytes | None:
    """The bytes of an interim file; None when it is missing; raises ``_Mismatch`` for anything but a
    regular file of a sane size (a link, a pipe, a device is never opened: a pipe would block)."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _Mismatch(f"cannot be read ({exc.strerror})") from exc
    if not stat.S_ISREG(status.st_mode):
        raise _Mismatch("is not a regular file")
    if status.st_size > MAX_INTERIM_BYTES:
        raise _Mismatch(f"is larger than {MAX_INTERIM_BYTES // 2**20} MiB")
    try:
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK)) as f:
            return f.read(MAX_INTERIM_BYTES + 1)
    except OSError as exc:
        raise _Mismatch(f"cannot be read ({exc.strerror})") from exc


def _verified(path: Path) -> dict | None:
    """The JSON content of ``path``; None when it is missing or has no hash (an older cache);
    raises ``_Mismatch`` when it is damaged or its hash does not match."""
    raw = _read(path)
    if raw is None:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _Mismatch("is not valid JSON") from exc
    if not isinstance(data, dict) or HASH_KEY not in data:
        return None
    if data[HASH_KEY] != content_hash(data):
        raise _Mismatch("does not match its content hash")
    return data


class DocumentStore:
    """The stage cache of one document, ``interim/<document_id>/``: ``load`` gives a stage's kept
    artefact when it was kept under the same key (and, for the text, from these source bytes with
    this redaction); ``keep`` makes the files a run writes for the next one. Every file is checked
    against its hash first: when one fails, nothing of the folder is trusted (``mismatches``)."""

    def __init__(self, folder: Path, source_sha256: str, redaction: str | None) -> None:
        self.folder = folder
        self.source_sha256 = source_sha256
        self.redaction = redaction
        self.mismatches: list[str] = []
        self.files: dict[str, bytes] = {}
        """What ``keep`` made: the folder's new content."""
        self.dumped: dict | None = None
        """The extraction's JSON form without its text, made once for the interim file and the output."""
        self._kept: dict[str, dict | None] = {}
        self._text: str | None = None
        for name in (TEXT_META, SECTIONS, EXTRACTION):
            try:
                self._kept[name] = _verified(folder / name)
            except _Mismatch as problem:
                self.mismatches.append(f"{shown(folder / name)}: {problem}")
        self.unusable: list[str] = []
        """Kept artefacts that matched their hash but could not be read back (written by another
        version, or edited with the hash recomputed): their stage runs again."""
        try:
            self._text_bytes: bytes | None = _read(folder / TEXT)
        except _Mismatch as problem:
            self.mismatches.append(f"{shown(folder / TEXT)}: {problem}")
            self._text_bytes = None
        meta = self._kept.get(TEXT_META)
        if meta and self._text_bytes is not None and \
                hashlib.sha256(self._text_bytes).hexdigest() != meta.get("text_sha256"):
            self.mismatches.append(f"{shown(folder / TEXT)}: does not match the text_sha256 of {TEXT_META}")

    def _data(self, name: str, key: str) -> dict | None:
        data = None if self.mismatches else self._kept.get(name)
        return data if data and data.get("key") == key and data.get("codec") == CODEC else None

    def load(self, stage: str, key: str) -> Any | None:
        try:
            return self._load(stage, key)
        except Exception as exc:  # consistent with its hash, yet not an artefact this code can use
            name = {"read": TEXT_META, "segment": SECTIONS, "assemble": EXTRACTION}.get(stage, stage)
            self.unusable.append(f"{shown(self.folder / name)}: cannot be read back "
                                 f"({shown(f'{type(exc).__name__}: {exc}')[:160]}); the {stage} stage runs again")
            return None

    def _load(self, stage: str, key: str) -> Any | None:
        if stage == "read":
            meta = self._data(TEXT_META, key)
            if meta is None or self._text_bytes is None or (meta.get("source_sha256"), meta.get("redaction")) != (
                    self.source_sha256, self.redaction):
                return None  # (its text_sha256 was checked when the folder was opened: a mismatch refuses all)
            self._text = self._text_bytes.decode("utf-8")
            return NormalisedText(text=self._text, encoding=meta["encoding"], pages=meta.get("pages"),
                                  findings=tuple(Finding.model_validate(f) for f in meta["findings"]))
        if stage == "segment":
            data = self._data(SECTIONS, key)
            return None if data is None else _segmentation(data["segmentation"], len(self._text or ""))
        if stage == "assemble":
            data = self._data(EXTRACTION, key)
            if data is None or self._text is None:
                return None
            return Extraction.model_validate({**data["extraction"], "text": self._text})
        return None

    def keep(self, stage: str, key: str, artefact: Any) -> None:
        if stage == "read":
            normalised: NormalisedText = artefact
            self._text = normalised.text
            self.files[TEXT] = normalised.text.encode("utf-8")
            self.files[TEXT_META] = json_bytes(_sealed({
                "key": key,
                "codec": CODEC,
                "source_sha256": self.source_sha256,
                "redaction": self.redaction,
                "encoding": normalised.encoding,
                "pages": normalised.pages,
                "characters": len(normalised.text),
                "text_sha256": hashlib.sha256(self.files[TEXT]).hexdigest(),
                "findings": [f.model_dump(mode="json") for f in normalised.findings],
            }))
        elif stage == "segment":
            self.files[SECTIONS] = json_bytes(_sealed({"key": key, "codec": CODEC,
                                                       "segmentation": _segmentation_data(artefact)}))
        elif stage == "assemble":
            self.dumped = artefact.model_dump(mode="json", exclude={"text"})
            self.files[EXTRACTION] = orjson.dumps(_sealed({"key": key, "codec": CODEC, "extraction": self.dumped}),
                                                  option=orjson.OPT_APPEND_NEWLINE)


def _line(line: Line | None) -> list | None:
    return None if line is None else [line.number, line.start, line.end, line.text]


def _segmentation_data(segmentation: Segmentation) -> dict:
    """The segmentation as JSON: the intro's lines, the title's line, the document's findings and
    each region block with its sections and findings."""
    return {
        "intro": [_line(line) for line in segmentation.intro],
        "title": _line(segmentation.title),
        "findings": [f.model_dump(mode="json") for f in segmentation.findings],
        "regions": [{
            "county_code": block.county_code,
            "unit_id": block.unit_id,
            "county_codes": list(block.county_codes),
            "municipality_codes": list(block.municipality_codes),
            "region_name": block.region_name,
            "title": block.title,
            "heading_start": block.heading_start,
            "heading_end": block.heading_end,
            "sections": [[s.section, s.label, s.label_start, s.start, s.end] for s in block.sections],
            "findings": [f.model_dump(mode="json") for f in block.findings],
        } for block in segmentation.regions],
    }


def _segmentation(data: dict, length: int) -> Segmentation:
    """The segmentation kept in ``sections.json``; raises ``ValueError`` when its offsets do not lie
    in order inside the text or a county code is unknown (an edit the hash does not show)."""
    segmentation = Segmentation(
        intro=tuple(Line(*line) for line in data["intro"]),
        regions=tuple(RegionBlock(
            county=reference.county_by_code(block["county_code"]) if block["county_code"] is not None else None,
            unit_id=block["unit_id"],
            county_codes=tuple(block["county_codes"]),
            municipality_codes=tuple(block["municipality_codes"]),
            region_name=block["region_name"],
            title=block["title"],
            heading_start=block["heading_start"],
            heading_end=block["heading_end"],
            sections=tuple(SectionSpan(*span) for span in block["sections"]),
            findings=tuple(Finding.model_validate(f) for f in block["findings"]),
        ) for block in data["regions"]),
        findings=tuple(Finding.model_validate(f) for f in data["findings"]),
        title=None if data["title"] is None else Line(*data["title"]),
    )
    spans = [(line.start, line.end) for line in segmentation.intro]
    for block in segmentation.regions:
        spans += [(block.heading_start, block.heading_end), *((s.start, s.end) for s in block.sections)]
    if any(not 0 <= start <= end <= length for start, end in spans):
        raise ValueError("an offset lies outside the text")
    return segmentation


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
