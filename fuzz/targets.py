"""Fuzz targets: the readers and parsers under Hypothesis, each a property that must hold for any input.

Every target is a Hypothesis test (``@given``) with no settings of its own: ``python -m fuzz`` runs
each for a slice of the time budget, ``tests/test_fuzz_targets.py`` runs each for a few examples
so the harness stays working. Strategies mix arbitrary text with the seed's lines and the
characters and shapes hostile sources use (control characters, line separators, bidi controls,
digits by the thousand, brackets, deep markup).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from pipeline import profile as profiles
from pipeline import stages
from pipeline.compiled import compile_profile
from pipeline.errors import UnusableInputError, shown
from pipeline.stages import SourceInfo, build_extraction
from pipeline.values.contacts import parse_contacts
from pipeline.values.counts import _BREAKDOWN, MAX_COUNT, parse_count
from pipeline.values.intro import parse_intro
from pipeline.values.items import parse_items
from pipeline.segment.lists import _COMMA, _split_depth0, split_items
from pipeline.segment.sections import segment, split_lines
from pipeline.review.diff import DiffError, compare, load_folder
from pipeline.review.diff_text import markdown
from pipeline.readers.html import read_html_source
from pipeline.readers.text import BIDI_CONTROLS, LINE_BREAKS, decode, normalise
from pipeline.redact import name_key, redact_names
from pipeline.runner import cache
from pipeline.runner.sources import MAX_DOCUMENT_ID_LENGTH, document_id

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "raw" / "tillvaxtverket-sa-arbetar-regionerna.txt"
SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")
PROFILE = profiles.default()
COMPILED = compile_profile(PROFILE)
RESOLVER = COMPILED.entities.resolver
INFO = SourceInfo("doc", "raw/doc.txt", "0" * 64, "text", "utf-8")
HOSTILE_CHARACTERS = "\x00\x07\x1b\x7f\x80\x9f\t\r\n\f\v\u00a0\u00ad\u200b\ufeff" + "".join(LINE_BREAKS) + \
    BIDI_CONTROLS + "()[],.:;-–•*²٣&\"'’/\\<>" + "0123456789"

any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
hostile_text = st.text(alphabet=st.sampled_from(HOSTILE_CHARACTERS + "abcåäö ABCÅÄÖ"), max_size=300)
seed_lines = st.lists(st.sampled_from(SEED_LINES + ["", "Region Skåne bygger", "Mål:", "1.", "Kontakt:", "(fd",
                                                    ")", "- x", "9" * 30, "Kända sociala företag: " + "9" * 40]),
                      max_size=40).map("\n".join)
big_numbers = st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n)
mixed_text = st.lists(st.one_of(any_text, hostile_text, seed_lines, big_numbers), max_size=6).map("".join)


@given(st.binary(max_size=2000))
def decode_bytes(data):
    """Any bytes: decoded text, or one line naming the file."""
    try:
        text, _ = decode(data, "x.txt")
        assert isinstance(text, str)
    except UnusableInputError as exc:
        assert str(exc).startswith("x.txt: ") and str(exc).isprintable()


@given(mixed_text)
def normalise_text(text):
    """Normalised text has single spaces, no other line breaks, no controls, and is a fixed point."""
    once, _ = normalise(text)
    assert normalise(once) == (once, ())
    assert once.endswith("\n") and "\r" not in once and "  " not in once
    assert not set(once) & (set(LINE_BREAKS) | set(BIDI_CONTROLS) | set("\x00\x07\x1b\x7f\x80\x9f\t\u200b"))


_TAGS = ["div", "span", "p", "main", "article", "section", "ul", "ol", "li", "br", "h2", "strong", "script",
         "nav", "table", "td", "pre", "template", "form"]
_ATTRIBUTES = ['', ' start="²"', ' start="9999999999999"', ' value="-3"', ' value="٣"', ' hidden', ' role="main"',
               ' class="cookie"', ' aria-hidden="true"', ' start="2"']


@st.composite
def markup(draw):
    """Random, often malformed, sometimes very deep HTML with a random declared encoding."""
    charset = draw(st.sampled_from(["", "utf-8", "windows-1252", "unicode_escape", "rot13", "utf-16", "x-junk",
                                    "latin1", "ISO-8859-15"]))
    parts = [f'<meta charset="{charset}">' if charset else ""]
    depth = draw(st.integers(0, 3000)) if draw(st.booleans()) else 0
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append(f"<{draw(st.sampled_from(_TAGS))}{draw(st.sampled_from(_ATTRIBUTES))}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(_TAGS))}>")
        elif kind == 2:
            parts.append(draw(st.one_of(hostile_text, seed_lines)).replace("<", "&lt;"))
        elif kind == 3:
            parts.append(f"<!--{draw(hostile_text)}-->")
        else:
            tag = draw(st.sampled_from(["div", "ul", "li", "span", "ol"]))
            parts.append(f"<{tag}>" * depth + draw(seed_lines) + f"</{tag}>" * draw(st.integers(0, depth)))
    return "".join(parts)


@given(markup(), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def html_reader(page, encoding):
    """Any page: normalised text (a fixed point of normalise), or one line naming the file."""
    try:
        data = page.encode(encoding)
    except UnicodeEncodeError:
        data = page.encode("utf-8")
    try:
        result = read_html_source(Path("page.html"), data)
    except UnusableInputError as exc:
        assert str(exc).startswith("page.html: ") and str(exc).isprintable()
        return
    assert normalise(result.text)[0] == result.text


@given(mixed_text)
def sections(text):
    """Region blocks and sections lie inside the text, in order, without overlapping."""
    text, _ = normalise(text)
    found = segment(text, COMPILED.segment)
    last_end = 0
    for region in found.regions:
        assert region.heading_start >= last_end and text[region.heading_start:region.heading_end] == region.title
        for span in region.sections:
            assert region.heading_end <= span.start <= span.end <= len(text)
        last_end = region.heading_end


_OLD_BREAKDOWN = re.compile(r"([^\W\d_][\w ]*?)\s*:\s*(\d+)")
"""The breakdown pattern the linear scanner replaced (quadratic on a long run without a colon)."""
_BREAKDOWN_TEXT = st.lists(st.sampled_from(["Lokal samverkan", "ASF", ":", ": ", "4", "14", " ", "\n", ",", "(", ")",
                                            "/", "_", "ä", "2a"]), max_size=30).map("".join)


@given(st.one_of(mixed_text, _BREAKDOWN_TEXT))
def counts(text):
    """A count is none or between 0 and MAX_COUNT; listed items are slices of the text; the
    breakdown scanner finds the numbers the old pattern found."""
    parsed = parse_count(text, 0, len(text), COMPILED.values.counts, RESOLVER.is_known)
    assert parsed.value is None or 0 <= parsed.value <= MAX_COUNT
    assert parsed.listed is None or 0 <= parsed.listed <= MAX_COUNT
    assert all(text[i.start:i.end] == i.text for i in parsed.items)
    if len(text) < 400 and not re.search(r"\d{19}", text):
        assert [m.group(1) for m in _BREAKDOWN.finditer(text) if m.group(1)] == [
            n for _, n in _OLD_BREAKDOWN.findall(text)]


def _split_reference(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """The character-by-character splitter the linear one replaced."""
    parts, depth, last, i = [], 0, start, start
    while i < end:
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            match = separator.match(text, i, end)
            if match:
                parts.append((last, i))
                last = i = match.end()
                continue
        i += 1
    parts.append((last, end))
    return parts


def _split_items_reference(text: str) -> list[tuple[int, int]]:
    """The list splitter the linear one replaced (it sliced and searched each growing item again)."""
    from pipeline.segment.lists import Item

    patterns = COMPILED.lists

    def trimmed(start: int, end: int) -> Item | None:
        while start < end and text[start] in " \n":
            start += 1
        while end > start and text[end - 1] in " \n.;":
            if text[end - 1] == "." and patterns.closers.search(text[start:end]):
                break
            end -= 1
        return Item(text[start:end], start, end) if end > start else None

    raw = [item for a, b in _split_reference(text, 0, len(text), _COMMA) if (item := trimmed(a, b))]
    merged: list[Item] = []
    for item in raw:
        previous = merged[-1] if merged else None
        if (previous is not None and patterns.example_word in previous.text
                and not patterns.closers.search(previous.text) and item.text[:1].islower()):
            merged[-1] = Item(text[previous.start:item.end], previous.start, item.end)
        else:
            merged.append(item)
    if merged:
        last = merged.pop()
        pieces = _split_reference(text, last.start, last.end, patterns.conjunction)
        merged.extend(item for a, b in pieces if (item := trimmed(a, b)))
    return [(i.start, i.end) for i in merged]


_LIST_WORDS = st.lists(st.sampled_from(["banker", "som", "etc", "m.fl", "Almi", "och", "samt", "(", ")", "[", "]",
                                        ",", ", ", ".", "..", " ", "\n", "etc.", "m. fl.", "osv", "a"]),
                       max_size=40).map("".join)


@given(st.one_of(mixed_text, _LIST_WORDS), st.data())
def lists(text, data):
    """Items are slices of the text, and the splitter splits exactly where the old one did."""
    items = split_items(text, COMPILED.lists)
    for item in items:
        assert text[item.start:item.end] == item.text and item.quantity >= 1
    assert [(i.start, i.end) for i in items] == _split_items_reference(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for separator in (_COMMA, COMPILED.lists.conjunction):
        assert _split_depth0(text, start, end, separator) == _split_reference(text, start, end, separator)


@given(mixed_text, st.sampled_from(["goals", "purpose"]))
def items(text, kind):
    for entry in parse_items(text, 0, len(text), kind):
        assert text[entry.start:entry.end] == entry.text


@given(mixed_text)
def contacts(text):
    for row in parse_contacts(text, 0, len(text), COMPILED.values.contacts, RESOLVER):
        assert text[row.name.start:row.name.end] == row.name.text


@given(mixed_text)
def intro(text):
    text, _ = normalise(text)
    from pipeline.models import Findings

    parse_intro(text, tuple(split_lines(text)), COMPILED.values.intro, Findings(None))


@given(mixed_text)
def extraction(text):
    """The whole chain on any text: a valid extraction (the models check every span)."""
    text, findings = normalise(text)
    build_extraction(text, INFO, COMPILED, findings)


_NAME_WORD = st.sampled_from(["Anna", "Erik", "Åsa", "Örjan", "Lars", "Nils", "Marie-Louise", "Berg", "Holm",
                              "Nilsson", "Ek", "Sjöberg", "Lövgren", "Ås"])


@st.composite
def named_text(draw):
    """A text with names written in any case, in the genitive and across line breaks."""
    names = draw(st.lists(st.lists(_NAME_WORD, min_size=2, max_size=3).map(" ".join), min_size=1, max_size=4,
                          unique_by=name_key))
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        parts.append(draw(st.sampled_from([" ", ", ", " och ", ".\n", "\n\n", " (fd ", ") "])))
        words = draw(st.sampled_from(names)).split()
        spaces = [draw(st.sampled_from([" ", "\n", "  ", " \n"])) for _ in words[1:]]
        name = words[0] + "".join(s + w for s, w in zip(spaces, words[1:]))
        name = draw(st.sampled_from([name, name.upper(), name.lower()]))
        parts.append(name + draw(st.sampled_from(["", "s", "'s", "’s", "'"])))
    return names, "".join(parts)


@given(named_text())
def redaction(case):
    """No name is left in any case, in the genitive or broken across a line."""
    names, text = case
    redacted = redact_names(text, names, "a-fuzzing-salt-of-enough-length")
    for name in names:
        pattern = r"\s+".join(re.escape(w).replace(r"\-", r"-\s*") for w in name.split())
        assert not re.search(rf"(?<!\w){pattern}", redacted, re.IGNORECASE), (name, redacted)


@given(any_text)
def shown_names(text):
    """A shown name is one printable line, and the name can be read back from it."""
    line = shown(text)
    assert line.isprintable()
    assert line.encode("latin-1", "backslashreplace").decode("unicode_escape") == text


@given(st.lists(st.text(min_size=1, max_size=300), min_size=1, max_size=4))
def document_ids(parts):
    relative = "/".join(p.replace("/", "_") for p in parts) + ".txt"
    assume("\x00" not in relative)
    identifier = document_id(relative)
    assert 0 < len(identifier) <= MAX_DOCUMENT_ID_LENGTH and re.fullmatch(r"[a-z0-9-]+", identifier)


_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
                     lambda inner: st.one_of(st.lists(inner, max_size=4),
                                             st.dictionaries(st.sampled_from(
                                                 ["county_code", "title", "contacts", "goals", "mentions", "quality",
                                                  "organisations", "name", "value", "basis", "raw", "region_name",
                                                  "county_name", "severity", "code", "evidence", "organisation_id",
                                                  "status", "role", "label", "ordinal", "text"]), inner, max_size=8)),
                     max_leaves=30)


@given(st.dictionaries(st.sampled_from(["document.json", "01-x.json", "12-y.json"]), _JSON, min_size=1))
def diff_sides(files):
    """Any JSON as an output folder: a report, or one DiffError."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "json" / "doc"
        folder.mkdir(parents=True)
        for name, content in files.items():
            (folder / name).write_text(json.dumps(content), encoding="utf-8")
        try:
            snapshot = load_folder(Path(work))
        except DiffError as exc:
            assert str(exc)
            return
        markdown(compare(snapshot, snapshot))


class _Kept:
    """A store that keeps what the stages give it in memory, as the files a run would write."""

    def __init__(self, source_sha256: str) -> None:
        self.store = cache.DocumentStore(Path("/nonexistent"), source_sha256, None)

    def load(self, stage, key):
        return None

    def keep(self, stage, key, artefact):
        self.store.keep(stage, key, artefact)


_CACHED: dict[str, tuple[dict[str, bytes], stages.SourceInfo]] = {}


def _cached_document() -> tuple[dict[str, bytes], stages.SourceInfo]:
    if not _CACHED:
        data = SEED.read_bytes()
        info = stages.SourceInfo("seed", "raw/seed.txt", hashlib.sha256(data).hexdigest(), "text", "")
        kept = _Kept(info.source_sha256)
        stages.extract(SEED, data, info, COMPILED, kept)
        _CACHED["seed"] = (kept.store.files, info)
    return _CACHED["seed"]


@given(st.sampled_from(cache.INTERIM_FILES[:4]), st.data())
def cache_edits(name, data):
    """An interim file changed anywhere is never reused; unchanged files always are."""
    files, info = _cached_document()
    content = files[name].decode("utf-8")
    position = data.draw(st.integers(0, max(0, len(content) - 1)))
    replacement = data.draw(st.text(max_size=3))
    edited = content[:position] + replacement + content[position + len(replacement):]
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for file, text in files.items():
            (folder / file).write_text(edited if file == name else text.decode("utf-8"), encoding="utf-8")
        store = cache.DocumentStore(folder, info.source_sha256, None)
        walked = stages.extract(SEED, SEED.read_bytes(), info, COMPILED, store)
    if edited == content:
        assert not walked.ran and not store.mismatches
    elif not walked.ran:  # reused only if what it holds is what was written
        assert name != cache.TEXT and json.loads(edited) == json.loads(content)


TARGETS = {f.__name__: f for f in (decode_bytes, normalise_text, html_reader, sections, counts, lists, items,
                                   contacts, intro, extraction, redaction, shown_names, document_ids, diff_sides,
                                   cache_edits)}
