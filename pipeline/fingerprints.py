"""Fingerprints: what a stage's cached output depends on, derived from the code it really runs.

A stage is named by its entry module. Its code is that module and every ``pipeline`` module it
imports, transitively (read from the source, not from a hand-kept list); its data is every file
of ``pipeline/reference/`` that one of those modules names. The profile's part that the stage
reads and the versions of the third-party packages that shape its output are added by the caller.
"""

from __future__ import annotations

import ast
import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pipeline.paths import PACKAGE_DIR, REFERENCE_DIR


def _module_file(name: str) -> Path | None:
    if name != "pipeline" and not name.startswith("pipeline."):
        return None
    parts = name.split(".")[1:]
    if not parts:
        return PACKAGE_DIR / "__init__.py"
    relative = Path(*parts)
    for candidate in (PACKAGE_DIR / relative.with_suffix(".py"), PACKAGE_DIR / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _data_files(path: Path) -> set[Path]:
    """Reference files a module names in a string literal ("counties.csv")."""
    names = {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(".csv")}
    return {REFERENCE_DIR / name for name in names if (REFERENCE_DIR / name).is_file()}


@lru_cache(maxsize=None)
def closure(module: str) -> tuple[Path, ...]:
    """The source files of ``module`` and of every pipeline module it imports, transitively, with
    the reference files they name; sorted."""
    seen: set[Path] = set()
    todo = [module]
    while todo:
        path = _module_file(todo.pop())
        if path is None or path in seen:
            continue
        seen.add(path)
        todo.extend(_imports(path))
        package = path.parent
        while package != PACKAGE_DIR.parent and (package / "__init__.py").is_file():  # a module runs its packages' __init__
            todo.append(".".join(("pipeline", *package.relative_to(PACKAGE_DIR).parts)))
            package = package.parent
    files = set(seen)
    for path in seen:
        files |= _data_files(path)
    return tuple(sorted(files))


@lru_cache(maxsize=None)
def fingerprint(module: str, libraries: tuple[str, ...], extra: str = "") -> str:
    """Changes when the code or data of the stage whose entry is ``module`` changes, when one of
    ``libraries`` changes version, or when ``extra`` (the profile's part) changes."""
    digest = hashlib.sha256()
    for path in closure(module):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    for library in libraries:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    digest.update(extra.encode("utf-8"))
    return digest.hexdigest()[:16]
