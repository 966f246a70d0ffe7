"""Tokenising a whole document fast: spaCy's tokenizer cache, filled chunk by chunk.

spaCy's tokenizer keeps the tokens of each whitespace-separated chunk it has split, but within
one call it stops keeping them after the first special case (an abbreviation such as "t.ex."),
so a whole report is split chunk by chunk, every time. Tokenising each chunk not seen before in a
call of its own keeps every chunk that can be kept; the whole text is then tokenised from the
cache. The tokens are the tokenizer's own: the cache holds only what it would compute again.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

_CHUNKS = re.compile(r"\S+")
"""spaCy's chunks: runs of characters for which ``str.isspace`` is false (what ``\\s`` means in a
``str`` pattern)."""
WARMED_CHUNKS = 200_000
"""Distinct chunks a tokenizer remembers having warmed; past this it starts afresh, so a long run of
documents full of new words keeps its memory bounded (warming a chunk twice costs only time)."""


def warm_tokenizer(nlp: Language, text: str) -> None:
    """Lets ``nlp``'s tokenizer keep the chunks of ``text`` it has not seen before
    (``BoundedTokenizer.warm``). Inside a memory zone spaCy keeps nothing, so there is nothing to warm."""
    if not nlp.vocab.in_memory_zone and isinstance(nlp.tokenizer, BoundedTokenizer):
        nlp.tokenizer.warm(text)


MAX_NEW_CHUNKS = 20_000
"""A text with more distinct chunks not warmed before is not warmed: each costs a call of its own
(about 30 µs beside the lexeme spaCy makes anyway), which only a text that repeats its words pays
back. The seed has about 3,000 distinct chunks."""


PUNCTUATION_RUN = 8
"""Runs of this many punctuation characters or more become one token per character without
spaCy's affix rules (which give the same tokens, one prefix or suffix at a time)."""
LONG_CHUNK = 256
"""A chunk of this many non-space characters or more is tokenised in pieces of at most this size."""
_PUNCTUATION = re.compile(rf"[^\w\s]{{{PUNCTUATION_RUN},}}")
_LONG = re.compile(rf"{_PUNCTUATION.pattern}|(?<!\S)\S{{{LONG_CHUNK},}}")
"""A run of punctuation, or a chunk of ``LONG_CHUNK`` characters or more (tried at a chunk's start
only: a chunk that long is one from its start, and the tokenizer takes the whole chunk anyway)."""


class BoundedTokenizer:
    """spaCy's tokenizer, linear in any chunk of text.

    spaCy splits a chunk's prefixes and suffixes one character at a time, slicing the rest of the
    chunk anew each time, so a run of punctuation ("((((…", "=====…", "''''…") costs the square of
    its length: 8,000 characters of ")" take ten seconds, a 30 KB separator line of "=" over a
    minute. Here such runs are one token per character (what the affix rules give them), and a
    chunk without white space longer than ``LONG_CHUNK`` is tokenised in pieces of at most that
    size; everything else, which is all of an ordinary text, goes to spaCy's tokenizer as it is.
    The text of the tokens is always exactly the text given.
    """

    def __init__(self, inner) -> None:
        self.inner = inner
        self.warmed: set[str] = set()
        """The chunks ``warm_tokenizer`` has had this tokenizer keep."""
        self.cut: set[str] = set()
        """The warmed chunks that hold a run of punctuation or are overlong."""
        self.plain: str | None = None
        """The text last warmed, when none of its chunks is in ``cut``."""

    def __getattr__(self, name: str):  # vocab, memory_zone, pipe, rules …: the inner tokenizer's
        return getattr(self.inner, name)

    def warm(self, text: str) -> None:
        """Tokenises each chunk of ``text`` not warmed before in a call of its own, so that spaCy's
        cache keeps it, and notes whether any chunk of ``text`` needs cutting: when none does,
        tokenising ``text`` next skips that search. The chunks are warmed in sorted order, so that a
        run does not depend on the hash seed."""
        chunks = set(_CHUNKS.findall(text))
        new = chunks.difference(self.warmed)
        if len(new) > MAX_NEW_CHUNKS:  # a text of new words mostly: warming each costs more than it saves
            self.plain = None
            return
        if len(self.warmed) + len(new) > WARMED_CHUNKS:
            self.warmed.clear()
            self.cut.clear()
            new = chunks
        for chunk in sorted(new):
            if _LONG.search(chunk):
                self.cut.add(chunk)
                self(chunk)
            else:
                self.inner(chunk)
        self.warmed.update(new)
        self.plain = text if self.cut.isdisjoint(chunks) else None

    def __call__(self, text: str) -> Doc:
        if text is self.plain:  # warmed just now: no chunk of it needs cutting
            return self.inner(text)
        found = _LONG.search(text)
        if found is None:
            return self.inner(text)
        docs: list[Doc] = []
        last = 0
        while found is not None:
            start, end = found.span()
            while start > last and not text[start - 1].isspace():  # the run is inside a chunk: from its start
                start -= 1
            while end < len(text) and not text[end].isspace():  # … to its end
                end += 1
            if start > last:
                docs.append(self.inner(text[last:start]))
            space = end < len(text) and text[end] == " "
            docs += self._chunk(text, start, end, space)
            last = end + space
            found = _LONG.search(text, last)
        if last < len(text):
            docs.append(self.inner(text[last:]))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def _chunk(self, text: str, start: int, end: int, space: bool) -> list[Doc]:
        """The tokens of ``text[start:end]`` (no white space in it); ``space``: one space follows."""
        pieces: list[tuple[bool, int, int]] = []  # (is a punctuation run, start, end)
        at = start
        for run in _PUNCTUATION.finditer(text, start, end):
            pieces += [(False, a, min(a + LONG_CHUNK, run.start())) for a in range(at, run.start(), LONG_CHUNK)]
            pieces.append((True, run.start(), run.end()))
            at = run.end()
        pieces += [(False, a, min(a + LONG_CHUNK, end)) for a in range(at, end, LONG_CHUNK)]
        docs = []
        for n, (is_run, a, b) in enumerate(pieces):
            last = n == len(pieces) - 1
            if is_run:
                docs.append(Doc(self.inner.vocab, words=list(text[a:b]), spaces=[False] * (b - a - 1) + [last and space]))
            else:
                docs.append(self.inner(text[a : b + (last and space)]))
        return docs
