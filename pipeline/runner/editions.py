"""Editions: which source files hold the same edition of a report, so that it is read once.

The same page is often in ``raw/`` in several forms: the text, the web page saved from a browser,
the page printed to PDF, or a plain copy. Each form is extracted; then the documents are compared
region by region, and one edition is one document.

**Same edition.** Two documents hold the same edition when

1. they were read with the same profile, have the same title and the same regions (county code
   and heading) in the same order, and
2. in the intro and in every region, their words agree after normalising: letters and digits
   only, case and Unicode compatibility forms folded (so line breaks, hyphenation, spacing and
   punctuation do not matter), or one form has whole *lines at the end* the other lacks (a page
   footer or a site's box glued onto the end of a region), at most ``MAX_INSERTED_WORDS`` or
   ``MAX_INSERTED_SHARE`` of the region's words, whichever is more. A word changed, added or left
   out inside a line, or a line added inside a region (a new contact), is a different edition: "44"
   and "45", "Almi" and "Almi Syd" are two editions, never one.

**Which form is read.** Of one edition, the document with the fewest errors, then the fewest
warnings, is kept; on a tie the text before the web page before the PDF (the text is what the
agency's editors wrote; a web page adds a site, a PDF adds a layout to undo), then the shorter
name, then the one with fewer capitals (a copy's name is the longer, "plan (1).txt").
The others are set aside, each named in a ``duplicate_document`` warning of the kept document
(with any words it had that the kept one has not), in the run summary and in
``output/provenance.json``.

**Nearly the same.** Documents with the same title and regions whose words differ in at most
``NEAR_REGIONS`` regions are both kept (they are two editions, or one form misread), and each
carries a ``near_duplicate_document`` warning naming the other and the regions that differ.

Comparisons are bounded: each document is compared with at most ``MAX_COMPARED`` earlier
documents of the same title and regions, so a corpus of many copies stays linear.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.models import Extraction

MAX_INSERTED_WORDS = 40
"""Words one form of a region may have beyond the other and still be the same edition: a PDF page's
footer and a browser's header and footer lines (date, title, address, "1/6") are 5-20 words each."""
MAX_INSERTED_SHARE = 0.05
"""Or this share of the region's words, when that is more."""
NEAR_REGIONS = 2
"""Documents with the same regions whose words differ in at most this many are reported as nearly the same."""
MAX_COMPARED = 32
"""Earlier documents of the same title and regions that a document is compared with."""
FORMAT_RANK = {"text": 0, "html": 1, "pdf": 2}
"""Which form of one edition is read when they read equally well: the text first."""
SHOWN_WORDS = 12
"""Inserted words quoted in a finding."""

_NOT_WORD = re.compile(r"[\W_]+")


def name_order(path: str) -> tuple:
    """How one file's name goes before another's when nothing else decides: the shorter ("plan.txt"
    before "plan (1).txt"), then the one with fewer capitals ("plan.txt" before "plan.TXT")."""
    return len(path), sum(ch.isupper() for ch in path), path


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _letters(text: str) -> str:
    """The text's letters and digits only, folded: the same for any spacing, hyphenation or punctuation."""
    return _NOT_WORD.sub("", _fold(text))


def _words(text: str) -> tuple[tuple[str, ...], frozenset[int]]:
    """The text's words, each its letters and digits only ("NC-kontor" and "NCkontor" are one
    word), and the positions of the words that start a line."""
    words: list[str] = []
    starts: set[int] = set()
    for line in _fold(text).split("\n"):
        found = [w for w in (_NOT_WORD.sub("", part) for part in line.split()) if w]
        if found:
            starts.add(len(words))
            words += found
    return tuple(words), frozenset(starts)


@dataclass(frozen=True)
class Part:
    """The intro or one region of a document, normalised for comparison."""

    name: str
    letters: str
    words: tuple[str, ...]
    line_starts: frozenset[int]
    """Positions of the words that start a line."""

    @classmethod
    def of(cls, name: str, text: str) -> Part:
        return cls(name, _letters(text), *_words(text))


_SEPARATOR = "\x1e"  # ASCII record separator: never in a normalised text (the reader turns controls into spaces)


@dataclass
class EditionPrint:
    """What a document's edition is compared by."""

    document_id: str
    source_path: str
    source_format: str
    errors: int
    warnings: int
    shape: str
    """Profile, title and region keys: documents of one edition have the same shape."""
    texts: bytes
    """The intro's and each region's name and text, compressed: a run keeps one print per document
    and compares only those of one shape, so the parts are made when they are compared."""
    content: str
    """Hash of every part's letters: documents with the same content are one edition at once."""

    @property
    def parts(self) -> tuple[Part, ...]:
        fields = zlib.decompress(self.texts).decode("utf-8").split(_SEPARATOR)
        return tuple(Part.of(name, text) for name, text in zip(fields[::2], fields[1::2]))

    @property
    def rank(self) -> tuple:
        return (self.errors, self.warnings, FORMAT_RANK.get(self.source_format, 9), *name_order(self.source_path))


def packed(named: Iterable[tuple[str, str]]) -> bytes:
    """Parts' names and texts, as an ``EditionPrint`` keeps them."""
    return zlib.compress(_SEPARATOR.join(field.replace(_SEPARATOR, " ") for pair in named for field in pair)
                         .encode("utf-8"), 1)


def edition_print(extraction: Extraction) -> EditionPrint:
    """The edition print of one extraction: its shape and its normalised intro and regions."""
    doc, text = extraction.document, extraction.text
    regions = extraction.regions
    bounds = [r.heading_start for r in regions] + [len(text)]
    named = [("intro", doc.intro or "")]
    named += [(f"{region.county_code} {region.region_name}", text[start:end])
              for region, start, end in zip(regions, bounds, bounds[1:])]
    shape = "\0".join([doc.profile_id, _letters(doc.title or ""),
                       *(f"{r.county_code}:{_letters(r.title)}" for r in regions)])
    findings = [*doc.quality, *(f for r in regions for f in r.quality)]
    content = hashlib.sha256("\0".join(_letters(part) for _, part in named).encode("utf-8")).hexdigest()
    texts = packed(named)
    return EditionPrint(doc.document_id, doc.source_path, doc.source_format,
                        sum(f.severity == "error" for f in findings), sum(f.severity == "warning" for f in findings),
                        hashlib.sha256(shape.encode("utf-8")).hexdigest(), texts, content)


JOINED_WORDS = 4
"""Words of one form that may make one word of the other ("Nyföretagarcentrum-" at a line end and
"kontor" on the next are "Nyföretagarcentrumkontor")."""


def _joined(words: tuple[str, ...], start: int, target: str) -> int:
    """How many words from ``start`` make ``target`` when written together (0 when none do)."""
    joined = ""
    for n in range(start, min(start + JOINED_WORDS, len(words))):
        joined += words[n]
        if joined == target:
            return n - start + 1
        if not target.startswith(joined):
            return 0
    return 0


def _inserted(shorter: Part, longer: Part) -> list[str] | None:
    """The words of ``longer`` beyond ``shorter`` when ``shorter`` is ``longer`` without its last
    whole lines (a page's footer glued onto the end of a region; a word split or joined differently
    counts as the same), else None. Linear: one pass over each."""
    extra: list[str] = []
    a, b = shorter.words, longer.words
    i = j = 0
    run_from: int | None = None
    while j < len(b):
        if i < len(a):
            matched = (1, 1) if a[i] == b[j] else None
            if matched is None and (n := _joined(b, j, a[i])) > 1:
                matched = (1, n)
            if matched is None and (n := _joined(a, i, b[j])) > 1:
                matched = (n, 1)
            if matched is not None:
                if run_from is not None:
                    return None  # lines in the middle of a region: an edit (a contact added), not furniture
                run_from = None
                i, j = i + matched[0], j + matched[1]
                continue
        if run_from is None:
            if j not in longer.line_starts:
                return None  # they start inside a line
            run_from = j
        extra.append(b[j])
        j += 1
    return extra if i == len(a) else None


def _allowed(part: Part) -> int:
    return max(MAX_INSERTED_WORDS, int(len(part.words) * MAX_INSERTED_SHARE))


@dataclass
class Comparison:
    same: bool
    differing: list[str] = field(default_factory=list)
    """The parts whose words differ."""
    extra: dict[str, list[str]] = field(default_factory=dict)
    """Words the second document has that the first has not, by document id (same edition only)."""


def compare(a: EditionPrint, b: EditionPrint, a_parts: tuple[Part, ...] | None = None,
            b_parts: tuple[Part, ...] | None = None) -> Comparison:
    """Whether two documents of one shape hold the same edition, and where their words differ
    (``a_parts`` and ``b_parts``: their parts, when made already)."""
    differing, extra_a, extra_b, same = [], [], [], True
    for part_a, part_b in zip(a_parts or a.parts, b_parts or b.parts):
        if part_a.letters == part_b.letters:
            continue
        differing.append(part_a.name)
        if not same:
            continue
        only_b = _inserted(part_a, part_b) if len(part_b.words) >= len(part_a.words) else None
        only_a = None if only_b is not None else _inserted(part_b, part_a)
        found = only_b if only_b is not None else only_a
        if found is None or len(found) > _allowed(part_a if only_b is not None else part_b):
            same = False
            continue
        (extra_b if only_b is not None else extra_a).extend(found)
    return Comparison(same, differing, {a.document_id: extra_a, b.document_id: extra_b})


@dataclass
class SetAside:
    """A document that holds the same edition as a kept one, in another form or as a copy."""

    document_id: str
    source_path: str
    source_format: str
    kept: str
    kept_path: str
    extra_words: list[str]


@dataclass
class NearDuplicate:
    document_id: str
    other_path: str
    regions: list[str]


@dataclass
class Editions:
    """The outcome of grouping: which documents are set aside and which are nearly the same as another."""

    set_aside: dict[str, SetAside] = field(default_factory=dict)
    """By the id of the document set aside."""
    near: list[NearDuplicate] = field(default_factory=list)

    def kept_with(self, document_id: str) -> list[SetAside]:
        return [s for s in self.set_aside.values() if s.kept == document_id]


def group(prints: list[EditionPrint]) -> Editions:
    """Groups documents into editions (see the module's rules); deterministic for a given list."""
    result = Editions()
    by_shape: dict[str, list[EditionPrint]] = {}
    for p in prints:
        by_shape.setdefault(p.shape, []).append(p)
    for members in by_shape.values():
        if len(members) < 2:
            continue
        editions: list[list[EditionPrint]] = []
        by_content: dict[str, list[EditionPrint]] = {}
        near: list[tuple[EditionPrint, EditionPrint, list[str]]] = []
        leaders: dict[str, tuple[Part, ...]] = {}  # the parts of the editions' first documents, made once
        for p in members:
            if p.content in by_content:
                by_content[p.content].append(p)
                continue
            home = None
            own = p.parts if editions else ()
            for edition in editions[:MAX_COMPARED]:
                leader = edition[0]
                if leader.document_id not in leaders:
                    leaders[leader.document_id] = leader.parts
                comparison = compare(leader, p, leaders[leader.document_id], own)
                if comparison.same:
                    home = edition
                    break
                if len(comparison.differing) <= NEAR_REGIONS:
                    near.append((edition[0], p, comparison.differing))
            if home is None:
                home = []
                editions.append(home)
            home.append(p)
            by_content[p.content] = home
        for edition in editions:
            if len(edition) < 2:
                continue
            kept = min(edition, key=lambda p: p.rank)
            for other in edition:
                if other is kept:
                    continue
                extra = compare(kept, other).extra.get(other.document_id, [])
                result.set_aside[other.document_id] = SetAside(other.document_id, other.source_path,
                                                               other.source_format, kept.document_id,
                                                               kept.source_path, extra)
        for first, second, regions in near:
            result.near.append(NearDuplicate(first.document_id, second.source_path, regions))
            result.near.append(NearDuplicate(second.document_id, first.source_path, regions))
    return result


def quoted(words: list[str]) -> str:
    shown = " ".join(words[:SHOWN_WORDS])
    return f"'{shown}{' …' if len(words) > SHOWN_WORDS else ''}'"
