"""Writing files whole or not at all: to a temporary name beside the target, then renamed.

The file gets the mode a new file gets from the umask (0644 under the usual 022), or the
mode of the file it replaces, so colleagues and web servers can read what is shared;
the temporary file alone would be private (0600).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "write_text"]


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on failure it goes.

    The temporary file keeps the target's suffix, so writers that look at it (matplotlib,
    networkx) choose the right format.
    """
    target = Path(path)
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
