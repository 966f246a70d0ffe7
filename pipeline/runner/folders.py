"""The output and interim folders are the pipeline's own: checked, marked and locked before a run.

Before anything is written, ``claim`` refuses (one line, nothing changed) an output or interim
folder that

- is, contains or sits inside the raw folder, or the other one of the two;
- is a file;
- is not empty and carries no marker of this pipeline (``.pipeline-output`` or
  ``.pipeline-interim``, written on every run), or carries the other folder's marker;
- (output) holds a file that the marker's list of written files does not name.

A folder given through a symbolic link is the link's target: it is checked, locked and replaced
there, and the link is left as it is ("written through").

Each of the two folders has a lock file beside it (``.output.lock`` for ``output``), held with
``flock`` for the whole run, so a second run on the same folder waits (``wait`` seconds) and then
refuses with one line naming the run that holds it. Lock files are never deleted: removing one
while another run waits on it would let two runs in.

Deleting is proof-based. The output marker lists every file the run wrote; the next run deletes
only those (``remove_owned``). A staging folder left by a killed run is removed only when its
name, its marker and a dead process id all say it is one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import FolderError, shown, writing

OUTPUT, INTERIM = "output", "interim"
MARKERS = {OUTPUT: ".pipeline-output", INTERIM: ".pipeline-interim"}
"""The marker file each run writes into its folder: what makes a non-empty folder the pipeline's."""
_SIGNATURE = "regional-social-enterprise-pipeline: {role} folder"
_ABOUT = {
    OUTPUT: ["Written by `python -m pipeline extract`, which replaces this folder on every run. It deletes only",
             "the files listed below (the ones it wrote); a folder that holds any other file is refused."],
    INTERIM: ["The stage cache of `python -m pipeline extract`: one folder per document, reused while its",
              "inputs are unchanged. Anyone may delete it."],
}
_FILES_HEADER = "files written:"
_STAGING = re.compile(r"^\.(?P<target>.+)\.(?:staging|old)-(?P<pid>\d+)$")
LOCK_POLL_SECONDS = 0.1


def marker_text(role: str, files: list[str] | None = None) -> str:
    """The marker of a ``role`` folder; an output marker lists the files of its tree, sorted."""
    lines = [_SIGNATURE.format(role=role), *_ABOUT[role]]
    if files is not None:
        lines += ["", _FILES_HEADER, *sorted(files)]
    return "\n".join(lines) + "\n"


def read_marker(folder: Path) -> tuple[str, set[str]] | None:
    """(role, files written) of the marker in ``folder``; None when there is no readable marker."""
    for role, name in MARKERS.items():
        path = folder / name
        if not path.is_file() or path.is_symlink():
            continue
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            return None
        if not lines or lines[0] != _SIGNATURE.format(role=role):
            return None
        files = set(lines[lines.index(_FILES_HEADER) + 1:]) - {""} if _FILES_HEADER in lines else set()
        return role, files
    return None


def tree_files(folder: Path) -> list[str]:
    """Every file and symbolic link under ``folder``, as relative POSIX paths (links are not followed)."""
    found = []
    for top, dirs, files in os.walk(folder):
        relative = Path(top).relative_to(folder)
        found += [(relative / name).as_posix() for name in files]
        found += [(relative / name).as_posix() for name in dirs if os.path.islink(os.path.join(top, name))]
    return sorted(found)


def write_marker(folder: Path, role: str, files: list[str] | None = None) -> None:
    with writing(folder / MARKERS[role]):
        (folder / MARKERS[role]).write_text(marker_text(role, files), encoding="utf-8", newline="\n")


def remove_owned(tree: Path, owned: set[str]) -> list[str]:
    """Deletes the files of ``tree`` named in ``owned`` (relative paths), then the folders left
    empty; returns what remains (files the pipeline cannot prove it wrote), keeping it. A ``tree``
    that is a symbolic link is not the pipeline's (it never makes one): it is kept whole, and
    nothing where it leads is touched ("" in the list)."""
    if os.path.islink(tree):
        return [""]
    kept = []
    for top, dirs, files in os.walk(tree, topdown=False):
        relative = Path(top).relative_to(tree)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            if (relative / name).as_posix() in owned and not os.path.islink(os.path.join(top, name)):
                os.unlink(os.path.join(top, name))
            else:
                kept.append((relative / name).as_posix())
        try:
            os.rmdir(top)
        except OSError:
            pass  # not empty: it holds something kept
    return sorted(kept)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftover_stagings(parent: Path, target_name: str | None = None) -> list[Path]:
    """Staging and retired folders in ``parent`` that a killed run left (its process is gone)."""
    found = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    for entry in entries:
        match = _STAGING.match(entry.name)
        if (match and entry.is_dir(follow_symlinks=False) and (target_name is None or match["target"] == target_name)
                and not _pid_alive(int(match["pid"]))):
            found.append(Path(entry.path))
    return found


def _relation(path: Path, other: Path) -> str | None:
    if path == other:
        return "is"
    if other.is_relative_to(path):
        return "contains"
    if path.is_relative_to(other):
        return "is inside"
    return None


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def check_folder(path: Path, role: str) -> None:
    """Refuses a ``role`` folder that is a file, or not empty and not the pipeline's own."""
    option = f"--{role}-dir"
    if path.exists() and not path.is_dir():
        raise FolderError(path, f"the {option} is a file, not a folder; nothing was changed")
    if not path.is_dir():
        return
    try:
        entries = sorted(os.listdir(path))
    except OSError as exc:
        raise FolderError(path, f"cannot list the {option} ({exc.strerror})") from exc
    if not entries:
        return
    marker = read_marker(path)
    if marker is None:
        raise FolderError(path, f"the {option} is not empty and has no {MARKERS[role]} marker, so this pipeline "
                                f"did not write it; give an empty or new folder (nothing was changed)")
    found_role, owned = marker
    if found_role != role:
        raise FolderError(path, f"the {option} is the pipeline's {found_role} folder (it has {MARKERS[found_role]}); "
                                f"give another folder (nothing was changed)")
    if role == OUTPUT:
        from pipeline.publish.export import earlier_export_files  # an export is stale once the tables are replaced

        exported = earlier_export_files(path)
        foreign = [name for name in tree_files(path)
                   if name not in owned and name != MARKERS[OUTPUT] and name not in exported]
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise FolderError(path, f"the {option} holds files the pipeline did not write "
                                    f"({', '.join(shown(n) for n in foreign[:3])}{more}); move them out or give "
                                    "another folder (nothing was changed)")


@dataclass
class Claim:
    """The two folders of a run, resolved through symbolic links, checked and locked."""

    output: Path
    interim: Path
    interim_created: bool = False
    _locks: list[int] = field(default_factory=list)

    def release(self) -> None:
        for fd in self._locks:
            os.close(fd)  # closing the descriptor releases the flock
        self._locks.clear()


def _lock(folder: Path, role: str, wait: float) -> int:
    """Takes the lock beside ``folder``; waits up to ``wait`` seconds, then refuses with one line."""
    path = folder.with_name(f".{folder.name}.lock")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file on the way, a read-only file system, a link that loops
        raise FolderError(folder, f"cannot create the folder that holds the --{role}-dir "
                                  f"({exc.strerror or exc}); nothing was changed") from exc
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise FolderError(path, f"cannot open the lock file of the --{role}-dir ({exc.strerror})") from exc
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise FolderError(path, f"cannot lock the --{role}-dir ({exc.strerror})") from exc
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise FolderError(folder, f"another extract (process {shown(holder)}) is using this --{role}-dir; "
                                          "try again when it has finished, or pass --wait SECONDS") from None
            time.sleep(LOCK_POLL_SECONDS)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


def claim(raw_dir: Path, interim_dir: Path, output_dir: Path, wait: float = 0) -> Claim:
    """Checks the two folders against the raw folder and each other, locks them, and marks the
    interim folder (creating it); raises ``FolderError`` with one line before anything is written."""
    raw, output, interim = _real(raw_dir), _real(output_dir), _real(interim_dir)
    for role, given, path in ((OUTPUT, output_dir, output), (INTERIM, interim_dir, interim)):
        relation = _relation(path, raw)
        if relation:
            raise FolderError(given, f"the --{role}-dir {relation} the raw folder {shown(raw_dir)}; it would overwrite "
                                     "the sources (nothing was changed)")
    relation = _relation(output, interim)
    if relation:
        raise FolderError(output_dir, f"the --output-dir {relation} the --interim-dir {shown(interim_dir)}; give two "
                                      "separate folders (nothing was changed)")
    check_folder(output, OUTPUT)
    check_folder(interim, INTERIM)
    result = Claim(output, interim)
    try:
        result._locks.append(_lock(output, OUTPUT, wait))
        result._locks.append(_lock(interim, INTERIM, wait))
        check_folder(output, OUTPUT)  # again: it may have changed while we waited for the lock
        check_folder(interim, INTERIM)
        result.interim_created = not interim.exists()
        interim.mkdir(parents=True, exist_ok=True)
        write_marker(interim, INTERIM)
    except BaseException:
        result.release()
        raise
    return result


def forget_interim(claim_: Claim) -> None:
    """Undoes the interim folder a failed run created: its marker, then the folder if it is empty."""
    if not claim_.interim_created:
        return
    marker = claim_.interim / MARKERS[INTERIM]
    if marker.is_file():
        marker.unlink()
    try:
        claim_.interim.rmdir()
    except OSError:
        pass
