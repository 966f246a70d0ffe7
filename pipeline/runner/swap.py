"""Swap: a folder built beside its target replaces it in one step, and only proven files are deleted.

A new tree is built in a staging folder beside the target (same file system) and the two are
exchanged with ``renameat2(RENAME_EXCHANGE)``, so a reader sees the old tree or the new one,
never half of each, and a failed or killed run leaves the previous tree intact.

The old tree is then deleted file by file, and only the files the caller proves the pipeline
wrote (``owned``: for ``output/`` the list in its marker, for ``interim/<document_id>/`` the stage
cache's file names). Anything else stays where the old tree now is, and is reported.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import writing
from pipeline.runner.folders import leftover_stagings, remove_owned

_RENAME_EXCHANGE = 2
STAGING_MARKER = ".pipeline-staging"
"""Written into an output staging folder when it is created: it proves a leftover of a killed run
is the pipeline's (the folder was created empty by the run, and only the run wrote into it)."""
_STAGING_SIGNATURE = "regional-social-enterprise-pipeline: staging folder\n"


def _exchange(new: Path, old: Path) -> bool:
    """Atomically swaps two directories (Linux ``renameat2``); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(old), _RENAME_EXCHANGE)
    return result == 0


def swap_in(staging: Path, target: Path, owned: Callable[[Path], set[str]]) -> list[str]:
    """Makes ``staging`` the new ``target``. Of the old tree, the files in ``owned(old tree)`` are
    deleted; returns the paths of anything kept (then the old tree stays at ``staging``'s name)."""
    if not os.path.lexists(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, target)
        return []
    if not _exchange(staging, target):
        retired = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, retired)
        os.rename(staging, target)
        staging = retired
    kept = remove_owned(staging, owned(staging))
    return [f"{staging / name}" for name in kept]


def staging_dir(target: Path, marked: bool = False) -> Path:
    """A fresh empty folder beside ``target`` (same file system); ``marked`` writes the staging marker."""
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    with writing(staging):
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        if marked:
            (staging / STAGING_MARKER).write_text(_STAGING_SIGNATURE, encoding="utf-8")
    return staging


def is_marked_staging(folder: Path) -> bool:
    marker = folder / STAGING_MARKER
    try:
        return not marker.is_symlink() and marker.read_text(encoding="utf-8") == _STAGING_SIGNATURE
    except (OSError, UnicodeDecodeError):
        return False


def unmark_staging(folder: Path) -> None:
    (folder / STAGING_MARKER).unlink()


def remove_leftovers(parent: Path, target_name: str | None, owned: Callable[[Path], set[str]]) -> list[str]:
    """Removes what killed runs left beside a target: a marked staging folder whole, any other
    leftover only as far as ``owned`` proves; returns the paths kept."""
    kept = []
    for leftover in leftover_stagings(parent, target_name):
        if is_marked_staging(leftover):
            shutil.rmtree(leftover)
        else:
            kept += [f"{leftover / name}" for name in remove_owned(leftover, owned(leftover))]
    return kept
