"""Stable ASCII slugs for ids and file names."""

from __future__ import annotations

import re
import unicodedata


def slugify(value: str) -> str:
    """Returns ``value`` folded to lower-case ASCII words joined by hyphens ("Västra Götaland" -> "vastra-gotaland")."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
