"""Named exceptions. Only the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def shown(value: object) -> str:
    """``value`` as one printable line: a character that is not printable (a newline, a terminal
    escape, a bidi control, U+2028) and the backslash itself are written as Python escapes, so a
    file name can neither forge a second line nor be confused with another name."""
    text = str(value)
    if text.isprintable() and "\\" not in text:
        return text
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
                f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"))
    return "".join(out)


def one_line(text: str) -> str:
    """``text`` as it is when it is one printable line already (its names escaped by ``shown``),
    else wholly escaped."""
    return text if text.isprintable() else shown(text)


class PipelineError(Exception):
    """Base class for every error the CLI reports as one line."""


class UnusableInputError(PipelineError):
    """A source file that cannot be read as a document at all (empty, binary, undecodable)."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{shown(self.path)}: {shown(problem)}")

    def __reduce__(self) -> tuple:  # raised in a child process, unpickled in the reader
        return type(self), (self.path, self.problem)


class ConfigurationError(PipelineError):
    """A missing folder, a bad option, or reference data that does not load."""


class FolderError(ConfigurationError):
    """An output or interim folder the pipeline may not write: not its own, or in use by another run."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        super().__init__(f"{shown(self.path)}: {problem}")


class WriteError(PipelineError):
    """A file the pipeline could not write (a full disk, a quota, a read-only folder, a file too
    large); what it replaces is kept."""

    def __init__(self, path: Path | str, exc: OSError) -> None:
        self.path = str(path)
        self.reason = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc)) or type(exc).__name__
        super().__init__(f"{shown(self.path)}: cannot write ({shown(self.reason)}); the previous output is kept")

    def __reduce__(self) -> tuple:  # raised in a worker process, unpickled in the run
        return WriteError, (self.path, OSError(None, self.reason))


@contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Turns a failed write inside the block into a ``WriteError`` naming ``path``."""
    try:
        yield
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(exc.filename or path, exc) from None
