"""What marks site furniture on Swedish public web sites, as opposed to a report's content: the
phrases, class names and class-name words of ``reference/web_furniture.csv``.

A module of its own (not ``reference``) so that the readers that use it depend on this one file
of reference data, not on the registry of organisations: the text stage's cache key is the code
and data it uses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import ConfigurationError
from pipeline.paths import REFERENCE_DIR

FILE = "web_furniture.csv"


@dataclass(frozen=True)
class WebFurniture:
    """What marks site furniture on Swedish public web sites, as opposed to a report's content
    (``web_furniture.csv``; every phrase case-folded)."""

    ends_report: tuple[str, ...]
    """A heading or line that starts with one of these, after the last region, ends the report."""
    headings: tuple[str, ...]
    """A heading with one of these texts starts a box of furniture ("På den här sidan")."""
    lines: tuple[str, ...]
    """A line that is only one of these is furniture ("Till toppen")."""
    hidden_classes: frozenset[str]
    """Class names that hide an element from view ("sr-only")."""
    words: frozenset[str]
    """Words of class and id names that mark a furniture element ("cookie", "breadcrumb")."""


@lru_cache(maxsize=None)
def web_furniture() -> WebFurniture:
    path = REFERENCE_DIR / FILE
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, csv.Error) as exc:
        raise ConfigurationError(f"{path}: cannot read reference data ({exc})") from exc

    def of(role: str) -> tuple[str, ...]:
        return tuple(sorted((r["phrase"].casefold() for r in rows if r["role"] == role), key=lambda p: (-len(p), p)))

    return WebFurniture(of("ends_report"), of("furniture_heading"), of("furniture_line"),
                        frozenset(of("hidden_class")), frozenset(of("furniture_word")))


def starts_with(text: str, phrases: tuple[str, ...]) -> str | None:
    """The phrase ``text`` starts with, as a whole word or words (case-folded), or None."""
    folded = text.casefold().lstrip("•-– ")
    for phrase in phrases:
        if folded.startswith(phrase) and (len(folded) == len(phrase) or not folded[len(phrase)].isalnum()):
            return phrase
    return None
