"""Files the console writes for people to open: whole or not at all.

A file is written beside its final name under a temporary one and renamed over it at
the end, so a failure (a full disk, an interrupted export) never leaves half a file
under the name, nor a stray temporary file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from plc_console.domain import PlcError

__all__ = ["check_folder", "write_bytes_whole", "write_whole"]


def check_folder(path: Path) -> None:
    """Refuse a target that is a folder, or whose folder does not exist."""
    if path.is_dir():
        raise PlcError("file.is_folder", path=str(path))
    if not path.parent.is_dir():
        raise PlcError("file.no_folder", folder=str(path.parent))


def write_whole(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write`` on a temporary file in ``path``'s folder, then rename it to ``path``.

    What the operating system refuses (no permission, a full disk) is a :class:`PlcError`
    naming the file; anything ``write`` raises passes through. Either way the temporary
    file is removed and an existing ``path`` is left as it was.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 before the umask: the file gets the same mode as any file the user saves.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    stored = False
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(temporary, path)
        stored = True
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    finally:
        if not stored:
            temporary.unlink(missing_ok=True)


def _cannot_write(path: Path, exc: OSError) -> PlcError:
    """The error that names the file and the system's reason."""
    return PlcError("file.cannot_write", path=str(path), reason=exc.strerror or str(exc))


def write_bytes_whole(path: Path, data: bytes) -> None:
    """:func:`write_whole` for content already in memory (a page, a document)."""

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    write_whole(path, write)
