"""A PDF engine's work, done in a child process under limits: a PDF built to exhaust memory or
time (nested form XObjects, one huge content stream shared by many pages, a stream that calls
itself an image to skip the size check) costs that document, never the run.

The child is a fork of the reader (nothing is imported again); it may use ``MEMORY_BYTES`` more
address space than the reader had when it forked and run for ``SECONDS``. Over either limit, or
ended by a signal (PDFium aborts when an allocation fails), the document is refused with one line
(``UnusableInputError``). The result comes back through a pipe, pickled; an exception the work
raises is raised again in the reader."""

from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pipeline.errors import UnusableInputError

MEMORY_BYTES = 1024**3
"""Address space a PDF's reading may add to the reader's own (1 GiB): the seed's 16 pages take
about 60 MiB, a 900-page report a few hundred."""
SECONDS = 120.0
"""Wall-clock time a PDF's reading may take: the seed takes 0.2 s, 900 pages about 15 s. The
environment variable ``PIPELINE_PDF_SECONDS`` sets another (``make bench`` uses 10)."""

T = TypeVar("T")


def _from_environment(name: str, default: float) -> float:
    """A positive number from the environment variable ``name`` (an operator's tighter limit), else ``default``."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value < float("inf") else default


def _address_space() -> int:
    """This process's address space now, in bytes (``VmSize``), or 0 where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _child(work: Callable[[], T], writer: int, memory: int) -> None:
    """In the fork: limits set, the work done, its result (or exception) pickled to ``writer``."""
    try:
        faulthandler.disable()  # an engine aborting here is the reader's one line, not a dump of the stack
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        used = _address_space()
        if used:
            limit = used + memory
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            outcome: tuple[bool, object] = (True, work())
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the reader
            outcome = (False, exc)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - an exception that does not pickle: its text
            data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def run_limited(path: Path, work: Callable[[], T], memory: int | None = None, seconds: float | None = None) -> T:
    """``work()`` done in a forked child under ``memory`` and ``seconds`` (by default
    ``MEMORY_BYTES`` and ``SECONDS``); its result, or its exception raised again; over a limit or
    killed, an ``UnusableInputError`` naming ``path``."""
    memory = MEMORY_BYTES if memory is None else memory
    seconds = _from_environment("PIPELINE_PDF_SECONDS", SECONDS) if seconds is None else seconds
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(reader)
        _child(work, writer, memory)
    os.close(writer)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([reader], [], [], left)
            if not ready:
                continue
            chunk = os.read(reader, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(reader)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise UnusableInputError(path, f"reading it took longer than the PDF time limit of {seconds:g} s "
                                       "(a PDF built to hang a reader?)")
    if os.WIFSIGNALED(status) or not chunks:
        ended = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "no result"
        raise UnusableInputError(path, f"the PDF engine needed more than the PDF memory limit of "
                                       f"{memory // 1024**2} MiB, or crashed ({ended}); a PDF built to exhaust "
                                       "memory?")
    ok, value = pickle.loads(b"".join(chunks))
    if ok:
        return value  # type: ignore[no-any-return]
    if isinstance(value, MemoryError):
        raise UnusableInputError(path, f"the PDF engine needed more than the PDF memory limit of "
                                       f"{memory // 1024**2} MiB (a PDF built to exhaust memory?)")
    raise value
