"""Swap: a folder built beside its target replaces it in one step.

A new tree is built in a staging folder beside the target (same file system) and the two are
exchanged with ``renameat2(RENAME_EXCHANGE)``, so a reader sees the old tree or the new one,
never half of each, and a failed or killed run leaves the previous tree intact.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

_RENAME_EXCHANGE = 2


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


def swap_in(staging: Path, target: Path) -> None:
    """Makes ``staging`` the new ``target``; the old tree is removed once the swap is done."""
    if target.exists():
        if not _exchange(staging, target):
            retired = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.rename(target, retired)
            os.rename(staging, target)
            staging = retired
        shutil.rmtree(staging)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, target)


def staging_dir(target: Path) -> Path:
    """A fresh empty folder beside ``target`` (same file system), with leftovers of killed runs removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    staging.mkdir()
    return staging
