"""The user directory's safety: one import at a time, unique temporary files, no leftovers."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = ".import.lock"
TEMP_SUFFIX = ".tmp"


class StorageError(Exception):
    """The user directory cannot be used; the message is one line saying why and what to do."""


def prepare(directory: Path) -> Path:
    """Create the user directory if needed; one clear error when it cannot be used."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if not directory.is_dir():
            raise NotADirectoryError(20, "not a directory")
    except OSError as err:
        raise StorageError(_unusable(directory, err)) from None
    return directory


def _unusable(directory: Path, err: OSError) -> str:
    return (
        f"cannot use the user directory {directory} ({err.strerror or err}): pass --user-dir "
        "or set POSTURE_USER_DIR to a folder you can write to"
    )


@contextmanager
def import_lock(
    directory: Path, wait: bool = True, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the directory's import lock: wait for another import, or refuse at once."""
    lock = FileLock(directory / LOCK_NAME)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if not wait:
                raise StorageError(
                    f"another import is running in {directory}; try again when it has "
                    "finished (or leave out --no-wait to wait for it)"
                ) from None
            if on_wait is not None:
                on_wait()
            lock.acquire()
    except OSError as err:
        raise StorageError(_unusable(directory, err)) from None
    try:
        yield
    finally:
        lock.release()


def remove_stale(directory: Path) -> list[Path]:
    """Remove temporary files an interrupted import left behind (call with the lock held)."""
    removed = []
    for path in sorted(directory.glob(f"*{TEMP_SUFFIX}")):
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
    return removed


def temporary(directory: Path, stem: str, suffix: str) -> Path:
    """A new, uniquely named temporary file in ``directory`` (replaced into place later)."""
    handle, name = tempfile.mkstemp(prefix=f".{stem}-", suffix=suffix + TEMP_SUFFIX, dir=directory)
    os.close(handle)
    return Path(name)
