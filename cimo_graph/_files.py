"""Writing files whole or not at all, only where a file belongs, under names that are safe.

A file is written to a temporary name beside the target, then renamed over it. It gets
the mode a new file gets from the umask (0644 under the usual 022), or the mode of the
file it replaces, so colleagues and web servers can read what is shared; the temporary
file alone would be private (0600).

The rename would replace whatever the target is, so a target that exists and is not a
regular file (a device such as ``/dev/null``, a FIFO, a socket, a folder) is refused
before anything is written, and a symbolic link is written through: the file it points
to is replaced, the link stays. File names made from a study's content (ids, labels,
source names) pass :func:`safe_stem`, and paths built from them :func:`inside`.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

__all__ = [
    "UniqueNames",
    "atomic_path",
    "inside",
    "refuse_overwrite",
    "safe_stem",
    "writable",
    "write_text",
]

_KINDS = {
    stat.S_ISDIR: "a folder",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISSOCK: "a socket",
}


def writable(path: Path | str) -> Path:
    """The regular file that writing ``path`` replaces: ``path`` itself, or the file its
    symbolic links lead to. Raises :class:`~cimo_graph.OutputError` where that exists
    and is not a regular file.

    >>> import tempfile
    >>> writable(tempfile.gettempdir())
    Traceback (most recent call last):
    ...
    cimo_graph.errors.OutputError: ...: is a folder, not a regular file; ...
    """
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as error:
        raise OutputError(f"{path}: cannot be written ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS.items() if test(mode)), "not a file")
        raise OutputError(
            f"{path}: is {kind}, not a regular file; cimo-graph writes only regular files "
            "(it would replace this one): give a file name"
        )
    return target


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on failure it goes.

    The temporary file keeps the target's suffix, so writers that look at it (matplotlib,
    networkx) choose the right format. A target that is not a regular file is refused
    (:func:`writable`) before the temporary file is made.
    """
    target = writable(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _mode(target: Path) -> int:
    """The mode ``target`` keeps, or the one a new file gets from the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        pass
    umask = _umask()
    return 0o666 & ~umask


def _umask() -> int:
    # Linux tells the umask without changing it; elsewhere set it and set it back at once
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def write_text(path: Path | str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all."""
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def refuse_overwrite(path: Path | str, what: str, *, force: bool = False) -> None:
    """Refuse to write ``what`` at ``path`` where a file, or a folder that is not empty,
    is there already (a researcher's filled template, their own files), unless ``force``.
    A target that is no regular file or folder is refused even then."""
    target = Path(path)
    if target.is_dir() and not target.is_symlink():
        if force or not any(target.iterdir()):
            return
        raise OutputError(
            f"{target}: the folder is not empty; {what} goes into a new or empty folder "
            "(force=True, --force on the command line, writes into it all the same)"
        )
    if os.path.lexists(target):
        writable(target)
        if not force:
            raise OutputError(
                f"{target}: exists; {what} would replace it (force=True, --force on the "
                "command line, replaces it)"
            )


#: Names Windows keeps for its devices, whatever the suffix.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10))}
_RESERVED |= {f"LPT{i}" for i in range(10)}


def safe_stem(text: object, fallback: str = "file") -> str:
    """A file name made from ``text`` (an id, a label) that stays inside its folder on
    every system: letters (any script), digits, ``_``, ``-`` and inner dots only; no
    separator, no ``..``, no leading dot, no control character; at most 100 characters;
    ``fallback`` where nothing is left.

    >>> safe_stem("../../x/W"), safe_stem("één thema"), safe_stem(chr(0)), safe_stem(".env")
    ('x-W', 'één-thema', 'file', 'env')
    """
    name = unicodedata.normalize("NFC", "" if text is None else str(text))
    name = re.sub(r"[^\w.-]+", "-", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"-*\.-*", ".", name).strip("-.")[:100].strip("-.")
    if name.split(".")[0].upper() in _RESERVED:
        name = f"_{name}"
    return name or fallback


class UniqueNames:
    """Safe file names (:func:`safe_stem`), each different from those given before, also
    where case is not told apart: ``W``, ``W-2``, ``W-3``.

    >>> names = UniqueNames()
    >>> names("W"), names("w"), names("W/")
    ('W', 'w-2', 'W-3')
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __call__(self, text: object, suffix: str = "", fallback: str = "file") -> str:
        stem = safe_stem(text, fallback)
        name, number = stem, 1
        while f"{name}{suffix}".casefold() in self._taken:
            number += 1
            name = f"{stem}-{number}"
        self._taken.add(f"{name}{suffix}".casefold())
        return name


def inside(folder: Path, relative: str | Path) -> Path:
    """``folder / relative``, refused where it would resolve outside ``folder``."""
    root = folder.resolve()
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise OutputError(f"{relative}: would be written outside {folder}; refused")
    return folder / relative
