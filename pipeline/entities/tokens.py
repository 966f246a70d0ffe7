"""Tokenising a whole document fast: spaCy's tokenizer cache, filled line by line.

spaCy's tokenizer keeps the tokens of each whitespace-separated chunk it has split, but within
one call it stops keeping them after the first special case (an abbreviation such as "t.ex."),
so a whole report is split chunk by chunk, every time. Tokenising the text's lines first, each in
a call of its own, keeps almost every chunk; the whole text is then tokenised from the cache. The
tokens are the tokenizer's own: the cache holds only what it would compute again.
"""

from __future__ import annotations

import re

from spacy.language import Language

_LINES = re.compile(r"[^\n]+")


def warm_tokenizer(nlp: Language, text: str) -> None:
    """Lets ``nlp``'s tokenizer keep the chunks of every line of ``text``, one call per line."""
    tokenizer = nlp.tokenizer
    for line in _LINES.findall(text):
        tokenizer(line)
