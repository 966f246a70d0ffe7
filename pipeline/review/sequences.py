"""Bounded sequence matching for the diff: ``difflib`` without its worst case.

``difflib.SequenceMatcher`` without its junk heuristic takes time that grows with the product of
the two sequences' lengths when their elements repeat (the words of two long texts): two 210 KB
extractions that differ in one word took minutes. Here the common start and end are matched first
(linear), so a small edit anywhere in a long text leaves a small middle for ``difflib``; a middle
still larger than ``MAX_PAIRS`` pairs of elements is reported as one replacement of that middle
(the diff then shows the changed stretch whole, as a line diff would, instead of word by word).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

MAX_PAIRS = 4_000_000
"""Element pairs (old middle × new middle) beyond which the middle is one replacement: 2,000 words
on each side, about a second for ``difflib`` at its worst."""

Opcode = tuple[str, int, int, int, int]


def opcodes(a: Sequence, b: Sequence) -> list[Opcode]:
    """``SequenceMatcher(None, a, b, autojunk=False).get_opcodes()``, bounded (see the module)."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    a_end, b_end = len(a) - end, len(b) - end
    out: list[Opcode] = []
    if start:
        out.append(("equal", 0, start, 0, start))
    middle_a, middle_b = a[start:a_end], b[start:b_end]
    if middle_a or middle_b:
        if len(middle_a) * len(middle_b) <= MAX_PAIRS:
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False).get_opcodes():
                out.append((op, i1 + start, i2 + start, j1 + start, j2 + start))
        else:
            op = "replace" if middle_a and middle_b else "delete" if middle_a else "insert"
            out.append((op, start, a_end, start, b_end))
    if end:
        out.append(("equal", a_end, len(a), b_end, len(b)))
    return out


def ratio(a: Sequence, b: Sequence) -> float:
    """``SequenceMatcher.ratio()``, from the bounded opcodes: twice the matched elements over all."""
    if not a and not b:
        return 1.0
    matched = sum(i2 - i1 for op, i1, i2, _, _ in opcodes(a, b) if op == "equal")
    return 2 * matched / (len(a) + len(b))
