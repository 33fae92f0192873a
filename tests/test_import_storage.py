"""A layer is never corrupted or emptied by accident: one import at a time, leftovers of a killed
import removed, empty results refused, unusable folders named in one line."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock

from posture.cli import main
from posture.data.dataset import REPO_ROOT, read_dataset
from posture.imports import storage
from posture.imports.layers import (
    ImportError_,
    import_events,
    layer_path,
    read_layer,
    rejects_path,
)
from posture.imports.synthetic import write_synthetic
from tests.helpers import FIXTURES, VALID

MESSY = FIXTURES / "imports"


@pytest.fixture(scope="module")
def bases():
    return read_dataset(VALID).bases


@pytest.fixture
def user(bases, tmp_path) -> Path:
    """A user folder that already holds an ACLED layer of the messy fixture (7 events)."""
    directory = tmp_path / "user"
    import_events("acled", MESSY / "acled_messy.csv", bases, directory, progress=False)
    return directory


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(storage.TEMP_SUFFIX))


def _cli(*args: str) -> list[str]:
    return ["import", *args, "--data-dir", str(VALID)]


def test_second_import_with_no_wait_is_refused(user, capsys):
    """A user starts an import with --no-wait while another runs; it exits 1 saying so and the
    layer is untouched."""
    before = _digest(layer_path("acled", user))
    with FileLock(user / storage.LOCK_NAME):
        code = main(
            _cli("acled", str(MESSY / "acled_messy.csv"), "--user-dir", str(user), "--no-wait")
        )
    assert code == 1
    assert "another import is running" in capsys.readouterr().err
    assert _digest(layer_path("acled", user)) == before


def test_second_import_waits_for_the_first(bases, user, tmp_path):
    """A user starts an import while another runs; it waits, then imports once the first ends."""
    source = write_synthetic("acled", tmp_path / "more.csv", 300)
    waiting, done = threading.Event(), {}
    lock = FileLock(user / storage.LOCK_NAME)
    lock.acquire()

    def second() -> None:
        done["report"] = import_events(
            "acled", source, bases, user, progress=False, on_wait=waiting.set
        )

    worker = threading.Thread(target=second)
    worker.start()
    try:
        assert waiting.wait(timeout=60)
        assert len(read_layer("acled", user)) == 7  # still the first layer while it waits
    finally:
        lock.release()
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert len(read_layer("acled", user)) == done["report"].kept > 7


def test_two_imports_at_once_leave_a_whole_layer(bases, tmp_path):
    """A user runs two imports of the same origin at the same time; both succeed, one after the
    other, and the layer is one of the two files, whole."""
    files = [write_synthetic("acled", tmp_path / f"a{i}.csv", 3000, seed=i) for i in (1, 2)]
    user = storage.prepare(tmp_path / "user")
    # Hold the lock until both processes are running and waiting, so that they contend.
    lock = FileLock(user / storage.LOCK_NAME)
    lock.acquire()
    try:
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "posture", *_cli("acled", str(f), "--user-dir", str(user))],
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in files
        ]
        with ThreadPoolExecutor(max_workers=2) as pool:
            first_lines = [pool.submit(run.stderr.readline) for run in runs]
            assert ["waiting for it to finish" in f.result(timeout=300) for f in first_lines] == [
                True,
                True,
            ]
    finally:
        lock.release()
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    layer = read_layer("acled", user)
    alone = []
    for number, source in enumerate(files):
        import_events("acled", source, bases, tmp_path / f"alone{number}", progress=False)
        alone.append(read_layer("acled", tmp_path / f"alone{number}"))
    assert any(layer.equals(one) for one in alone)
    assert _leftovers(user) == []


def test_killed_import_leaves_layer_and_its_files_are_removed_next_time(bases, user, tmp_path):
    """A user's import is killed mid-way; the layer is untouched, and the next import removes
    the temporary files it left."""
    before = _digest(layer_path("acled", user))
    source = write_synthetic("acled", tmp_path / "big.csv", 2000)
    code = (
        "import os, signal\n"
        "from pathlib import Path\n"
        "import posture.imports.layers as layers\n"
        "from posture.data.dataset import read_dataset\n"
        "layers.BLOCK_BYTES = 65536\n"
        f"layers.import_events('acled', Path({str(source)!r}), read_dataset(Path({str(VALID)!r}))"
        f".bases, Path({str(user)!r}), progress=False,\n"
        "    on_batch=lambda rows: os.kill(os.getpid(), signal.SIGKILL))\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    left = _leftovers(user)
    assert len(left) == 2 and all(name.startswith(".acled") for name in left)
    assert _digest(layer_path("acled", user)) == before
    report = import_events("acled", source, bases, user, progress=False)
    assert report.stale_removed == 2 and _leftovers(user) == []
    assert len(read_layer("acled", user)) == report.kept


def test_header_only_file_keeps_the_layer_unless_allowed(user, tmp_path, capsys):
    """A user imports a file with only a header; it exits 1 and keeps the layer, and with
    --allow-empty the layer is replaced by an empty one."""
    before = _digest(layer_path("acled", user))
    header = (MESSY / "acled_messy.csv").read_text("utf-8").splitlines()[0]
    empty = tmp_path / "header_only.csv"
    empty.write_text(header + "\n", "utf-8")
    args = _cli("acled", str(empty), "--user-dir", str(user))
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "the file has a header but no rows" in err and "--allow-empty" in err
    assert _digest(layer_path("acled", user)) == before
    assert main([*args, "--allow-empty"]) == 0
    assert len(read_layer("acled", user)) == 0


def test_import_that_keeps_nothing_keeps_the_layer(user, tmp_path, capsys):
    """A user imports a file whose every row is rejected; it exits 1, the layer is untouched, and
    the rejects file says why for each row."""
    before = _digest(layer_path("acled", user))
    rows = list(csv.DictReader((MESSY / "acled_messy.csv").open(newline="", encoding="utf-8")))
    for row in rows:
        row["latitude"] = "north"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert main(_cli("acled", str(bad), "--user-dir", str(user))) == 1
    err = capsys.readouterr().err
    assert "no row kept (read 13, out of area 1, rejected 12)" in err
    assert "most rejected rows: latitude: not a number (12)" in err
    assert _digest(layer_path("acled", user)) == before
    with rejects_path("acled", user).open(newline="", encoding="utf-8") as handle:
        assert {r["reason"] for r in csv.DictReader(handle)} >= {
            "latitude: 'north' is not a number"
        }
    assert _leftovers(user) == []


@contextmanager
def _read_only(directory: Path):
    """Make ``directory`` read-only, also for root (whom permission bits do not stop)."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(stat.S_IRUSR | stat.S_IXUSR)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(directory)], check=True)
    try:
        yield directory
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
        directory.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("kind", ["read-only", "a file"])
def test_unusable_user_directory_is_one_line(tmp_path, kind):
    """A user points POSTURE_USER_DIR at a read-only folder, or at a path under a file; the
    import prints one line saying so and how to fix it, no traceback."""
    if kind == "a file":
        (tmp_path / "file").write_text("x", "utf-8")
        target = tmp_path / "file" / "user"
        context = _no_change(target)
    else:
        target = tmp_path / "readonly"
        context = _read_only(target)
    with context:
        done = subprocess.run(
            [sys.executable, "-m", "posture", *_cli("acled", str(MESSY / "acled_messy.csv"))],
            cwd=REPO_ROOT,
            env={**os.environ, "POSTURE_USER_DIR": str(target)},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"import failed: cannot use the user directory {target} (")
    assert lines[0].endswith("set POSTURE_USER_DIR to a folder you can write to")


@contextmanager
def _no_change(path: Path):
    yield path


class _CountingReads:
    """A file handle that records the size of every read (to show a read is bounded)."""

    def __init__(self, handle, sizes: list[int]):
        self.handle, self.sizes = handle, sizes

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def read(self, size: int = -1) -> bytes:
        self.sizes.append(size)
        return self.handle.read(size)


def test_first_line_over_one_megabyte_is_refused_at_once(bases, tmp_path, monkeypatch):
    """A user imports a 3 MB file without a line break; it is refused after reading 1 MB."""
    path = tmp_path / "one_line.csv"
    path.write_bytes(b"event_id_cnty," * ((3 << 20) // 14))
    sizes: list[int] = []
    opened = Path.open

    def counting_open(self, *args, **kwargs):
        handle = opened(self, *args, **kwargs)
        return _CountingReads(handle, sizes) if self == path else handle

    monkeypatch.setattr(Path, "open", counting_open)
    with pytest.raises(ImportError_, match="the first line is longer than 1 MB"):
        import_events("acled", path, bases, tmp_path / "user", progress=False)
    assert sizes == [(1 << 20) + 1]


def test_rejects_file_is_formula_safe(bases, tmp_path):
    """A user opens the rejects file in a spreadsheet; cells that would run as formulas are
    prefixed with an apostrophe."""
    rows = list(csv.DictReader((MESSY / "acled_messy.csv").open(newline="", encoding="utf-8")))
    rows[4]["location"] = '=HYPERLINK("http://example.com","x")'
    rows[4]["latitude"] = "@SUM(1)"
    path = tmp_path / "formula.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    import_events("acled", path, bases, tmp_path, progress=False)
    with rejects_path("acled", tmp_path).open(newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["record"] == "6")
    assert row["location"] == "'" + '=HYPERLINK("http://example.com","x")'
    assert row["latitude"] == "'@SUM(1)" and row["value"] == "'@SUM(1)"
    assert row["reason"] == "latitude: '@SUM(1)' is not a number"


def test_leftovers_of_older_versions_are_removed(bases, user):
    """A user upgrades from a version that named its temporary files acled.parquet.tmp; the next
    import removes them."""
    (user / "acled.parquet.tmp").write_bytes(b"partial")
    shutil.copy(layer_path("acled", user), user / ".ucdp-x.parquet.tmp")
    report = import_events("acled", MESSY / "acled_messy.csv", bases, user, progress=False)
    assert report.stale_removed == 2 and _leftovers(user) == []
