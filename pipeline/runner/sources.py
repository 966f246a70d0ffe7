"""Sources: the supported files under the raw folder, each with a stable, unique document id."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigurationError, UnusableInputError
from pipeline.models import SourceFormat
from pipeline.readers.registry import READERS
from pipeline.slugs import slugify

IGNORED_NAMES = {"README.md", ".gitkeep", ".gitignore"}


@dataclass(frozen=True)
class Source:
    path: Path
    relative: str
    document_id: str
    source_format: SourceFormat


def discover(raw_dir: Path) -> tuple[list[Source], list[str]]:
    """Returns the supported source files under ``raw_dir`` with stable, unique document ids, and
    a line for each file that is not a source."""
    if not raw_dir.is_dir():
        raise ConfigurationError(f"{raw_dir}: the raw folder does not exist")
    root = raw_dir.resolve()
    found: list[tuple[Path, str, str]] = []
    skipped: list[str] = []
    for path in sorted(raw_dir.rglob("*")):
        relative = path.relative_to(raw_dir).as_posix()
        if path.is_dir() or path.name in IGNORED_NAMES or any(p.startswith(".") for p in path.relative_to(raw_dir).parts):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise UnusableInputError(path, "symlink points outside the raw folder; refused")
        if path.suffix.lower() not in READERS:
            skipped.append(f"{path}: skipped, not a supported source format ({', '.join(READERS)})")
            continue
        base = "--".join(slugify(part) or "x" for part in Path(relative).with_suffix("").parts)
        found.append((path, relative, base))
    bases = Counter(base for _, _, base in found)
    sources = []
    for path, relative, base in found:
        document_id = base if bases[base] == 1 else f"{base}-{slugify(path.suffix)}"
        sources.append(Source(path, f"{raw_dir.name}/{relative}", document_id, READERS[path.suffix.lower()][0]))
    ids = Counter(s.document_id for s in sources)
    clashes = sorted(i for i, n in ids.items() if n > 1)
    if clashes:
        raise ConfigurationError(f"{raw_dir}: file names give the same document id {clashes}; rename one")
    return sources, skipped
