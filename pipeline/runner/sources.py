"""Sources: the supported files under the raw folder, each with a stable, unique document id.

Only regular files are sources. A FIFO, socket or device, a symbolic link that loops or leads
nowhere, and a link to a file outside the raw folder are refused with one line when their suffix
is a supported format (they become that file's failure, so ``--keep-going`` publishes the
others) and skipped with a line otherwise. Linked folders are not followed. Hidden files and
folders and the raw folder's README are ignored.

A document id is the path's slug ("2019/Plan ÅÄÖ.txt" -> "2019--plan-aao"); one longer than
``MAX_DOCUMENT_ID_LENGTH`` is cut and given a hash of the whole path, so it stays unique and
every file name built from it stays within the file system's limit. Files of one stem in several
forms: the text keeps the bare id, then the web page, then the PDF; the others add their suffix
("plan-pdf"), and a number when even that is taken ("plan.txt" and "plan.TXT").
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigurationError, shown
from pipeline.models import SourceFormat
from pipeline.readers.registry import READERS
from pipeline.runner.editions import name_order
from pipeline.slugs import slugify

IGNORED_NAMES = {"README.md", ".gitkeep", ".gitignore"}
FORM_ORDER = {".txt": 0, ".html": 1, ".htm": 1, ".pdf": 2}
"""Which of one stem's files keeps the stem as its id: the text, then the web page, then the PDF
(the order ``runner/editions`` reads one edition's forms in)."""
MAX_DOCUMENT_ID_LENGTH = 100
"""Longer ids are cut, with a hash suffix. An id names ``interim/<id>/`` and its staging folder
``.<id>.staging-<pid>``; 100 keeps both far below the 255-byte limit of a file name."""
ID_HASH_LENGTH = 10


@dataclass(frozen=True)
class Source:
    path: Path
    relative: str
    document_id: str
    source_format: SourceFormat


@dataclass(frozen=True)
class Refused:
    """A file with a supported suffix that is not a regular file the pipeline may read."""

    path: Path
    document_id: str
    problem: str

    @property
    def message(self) -> str:
        return f"{shown(self.path)}: {self.problem}"


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _problem(path: Path, root: Path) -> str | None:
    """Why ``path`` is not a readable source file, or None when it is one."""
    try:
        st = path.lstat()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = Path(os.path.realpath(path, strict=True))
        except OSError as exc:
            return f"symlink {'loops' if exc.errno == errno.ELOOP else 'leads nowhere'}; refused"
        if not target.is_relative_to(root):
            return "symlink points outside the raw folder; refused"
        st = target.stat()
    if not stat.S_ISREG(st.st_mode):
        return f"is {_kind(st.st_mode)}, not a regular file; refused"
    return None


def document_id(relative: str) -> str:
    """The id of the file at ``relative`` (below the raw folder), capped in length."""
    base = "--".join(slugify(part) or "x" for part in Path(relative).with_suffix("").parts)
    if len(base) <= MAX_DOCUMENT_ID_LENGTH:
        return base
    digest = hashlib.sha256(relative.encode("utf-8", "surrogateescape")).hexdigest()[:ID_HASH_LENGTH]
    return f"{base[: MAX_DOCUMENT_ID_LENGTH - ID_HASH_LENGTH - 1].rstrip('-')}-{digest}"


def _walk(raw_dir: Path) -> tuple[list[Path], list[str]]:
    """Every entry below ``raw_dir`` that is not a folder, in path order, without following linked
    folders; and a line for each linked or unreadable folder."""
    entries: list[Path] = []
    skipped: list[str] = []
    stack = [raw_dir]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                children = list(listing)
        except OSError as exc:
            skipped.append(f"{shown(folder)}: skipped, cannot list the folder ({exc.strerror})")
            continue
        for entry in children:
            path = Path(entry.path)
            if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.is_symlink() and os.path.isdir(path):
                skipped.append(f"{shown(path)}: skipped, a linked folder is not followed")
            else:
                entries.append(path)
    return sorted(entries), skipped


def discover(raw_dir: Path) -> tuple[list[Source], list[str], list[Refused]]:
    """Returns the supported source files under ``raw_dir`` with stable, unique document ids, a
    line for each file that is not a source, and the files of a supported format that are refused."""
    if not raw_dir.is_dir():
        raise ConfigurationError(f"{shown(raw_dir)}: the raw folder does not exist")
    root = raw_dir.resolve()
    entries, skipped = _walk(raw_dir)
    found: list[tuple[Path, str, str]] = []
    refused: list[Refused] = []
    for path in entries:
        relative = path.relative_to(raw_dir).as_posix()
        if path.suffix.lower() not in READERS:
            skipped.append(f"{shown(path)}: skipped, not a supported source format ({', '.join(READERS)})")
            continue
        problem = _problem(path, root)
        if problem:
            refused.append(Refused(path, document_id(relative), problem))
            continue
        found.append((path, relative, document_id(relative)))
    sources = []
    taken: set[str] = set()
    by_base: dict[str, list[tuple[Path, str]]] = {}
    for path, relative, base in found:
        by_base.setdefault(base, []).append((path, relative))
    ids: dict[str, str] = {}
    for base, files in by_base.items():
        # one stem in several forms ("plan.txt", "plan.html"): the form read first keeps the stem as
        # its id, so adding another form never renames a published document; the others get theirs
        for n, (path, relative) in enumerate(sorted(files, key=lambda f: (FORM_ORDER.get(f[0].suffix.lower(), 9),
                                                                        *name_order(f[1])))):
            identifier = base if n == 0 else f"{base}-{slugify(path.suffix) or 'x'}"
            number = 2
            while identifier in taken:  # "plan.txt" and "plan.TXT": a number keeps them apart
                identifier = f"{base}-{slugify(path.suffix) or 'x'}-{number}"
                number += 1
            taken.add(identifier)
            ids[relative] = identifier
    for path, relative, _ in found:
        sources.append(Source(path, f"{raw_dir.name}/{relative}", ids[relative], READERS[path.suffix.lower()][0]))
    return sources, skipped, refused
