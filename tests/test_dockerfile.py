"""The Dockerfile builds a working image: its steps, run in order outside docker (this machine
has no docker daemon), turn a clean Python into a server that answers its health check as the
image's user, who cannot change the data.

The steps are read from the Dockerfile, not copied here: FROM names the Python, ENV, WORKDIR,
COPY (through .dockerignore's rules) and RUN are carried out in a fresh directory standing for
the image's file system (WORKDIR's path mapped into it), then CMD is started as USER and
HEALTHCHECK's command is run against it.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from posture.app.cluster import free_port
from posture.data.dataset import REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
# Settings of the machine (not of the image) a build needs to reach the package index.
NETWORK_ENV = re.compile(
    r"^((http|https|no)_proxy|SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|PIP_CERT|PIP_INDEX_URL"
    r"|PIP_EXTRA_INDEX_URL|UV_INDEX_URL|UV_DEFAULT_INDEX|UV_CACHE_DIR)$",
    re.IGNORECASE,
)


@dataclass
class Instruction:
    name: str
    args: str


@dataclass
class Image:
    """The image's file system (``root``) after the build steps, and how it is started."""

    root: Path
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    user: tuple[int, int] | None = None
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    from_image: str = ""
    copied: set[str] = field(default_factory=set)

    def path(self, inside: str) -> Path:
        """Where a path of the image lies on this machine."""
        absolute = inside if inside.startswith("/") else f"{self.workdir}/{inside}"
        return self.root / absolute.lstrip("/")

    def map(self, text: str) -> str:
        """``text`` with the image's WORKDIR replaced by where it lies here."""
        if self.workdir == "/":
            return text
        return re.sub(rf"(?<![\w/]){re.escape(self.workdir)}(?=/|\b)", str(self.path("")), text)


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        name, _, args = whole.partition(" ")
        out.append(Instruction(name.upper(), args.strip()))
    return out


def _segments_match(path: list[str], pattern: list[str]) -> bool:
    if not pattern:
        return not path
    if pattern[0] == "**":
        return any(_segments_match(path[i:], pattern[1:]) for i in range(len(path) + 1))
    return (
        bool(path)
        and fnmatch.fnmatchcase(path[0], pattern[0])
        and (_segments_match(path[1:], pattern[1:]))
    )


def ignore_rules() -> list[tuple[bool, list[str]]]:
    """.dockerignore as (is an exception, pattern segments), in order."""
    rules = []
    for line in DOCKERIGNORE.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            negate = line.startswith("!")
            rules.append((negate, line.lstrip("!").strip("/").split("/")))
    return rules


def ignored(relative: str, rules: list[tuple[bool, list[str]]]) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parents decides."""
    parts = relative.split("/")
    result = False
    for negate, pattern in rules:
        if any(_segments_match(parts[:n], pattern) for n in range(1, len(parts) + 1)):
            result = not negate
    return result


def _could_come_back(relative: str, rules) -> bool:
    """Whether an exception could let back in something below the ignored folder."""
    parts = relative.split("/")
    return any(
        negate and (p[0] == "**" or _segments_match(parts, p[: len(parts)])) for negate, p in rules
    )


def context_files(rules) -> list[str]:
    """The build context's files that .dockerignore lets through (relative, '/'-separated)."""
    found = []
    for directory, dirs, files in os.walk(REPO_ROOT):
        base = Path(directory).relative_to(REPO_ROOT).as_posix()
        prefix = "" if base == "." else base + "/"

        dirs[:] = [
            d for d in dirs if not ignored(prefix + d, rules) or _could_come_back(prefix + d, rules)
        ]
        found += [prefix + f for f in files if not ignored(prefix + f, rules)]
    return found


def world_executable(path: Path) -> bool:
    """Whether a user other than the owner can run ``path`` (every folder on the way open)."""
    real = path.resolve()
    return all(p.stat().st_mode & stat.S_IXOTH for p in (real, *real.parents))


def base_python(version: str) -> Path:
    """A Python ``version`` to stand for the image's: one another user can run, if any."""
    candidates = [Path(f"/usr/local/bin/python{version}"), Path(f"/usr/bin/python{version}")]
    candidates.append(Path(sys._base_executable))  # noqa: SLF001 - the venv's own interpreter
    existing = [c for c in candidates if c.is_file()]
    matching = [
        c
        for c in existing
        if subprocess.run(
            [c, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        == version
    ]
    assert matching, f"no Python {version} found on this machine"
    return next((c for c in matching if world_executable(c)), matching[0])


def find_uv() -> str:
    """uv as `make` finds it ($UV, uv on PATH, or the one `make` installs in .tools/)."""
    for candidate in (os.environ.get("UV"), shutil.which("uv"), ".tools/bin/uv"):
        if candidate:
            path = Path(candidate) if "/" in candidate else Path(shutil.which(candidate) or "")
            path = path if path.is_absolute() else REPO_ROOT / path
            if path.is_file():
                return str(path)
    pytest.fail("uv not found: run the tests with `make test` (it installs uv into .tools/)")


def _as_user(user: tuple[int, int] | None):
    if user is None:
        return None

    def drop() -> None:
        os.setgroups([])
        os.setgid(user[1])
        os.setuid(user[0])

    return drop


def build(root: Path) -> Image:
    """Carry out the Dockerfile's steps with ``root`` as the image's file system."""
    image = Image(root)
    rules = ignore_rules()
    steps = instructions(DOCKERFILE.read_text("utf-8"))
    machine = {k: v for k, v in os.environ.items() if NETWORK_ENV.match(k)}
    python_dir = root / "python"
    for step in steps:
        if step.name == "FROM":
            image.from_image = step.args
            version = re.fullmatch(r"python:(\d+\.\d+)[\w.-]*", step.args)
            assert version, f"FROM {step.args}: expected an official python:X.Y image"
            # The image's Python with pip: a clean virtual environment of the same version.
            base = base_python(version.group(1))
            subprocess.run(
                [find_uv(), "venv", "--quiet", "--seed", "--python", str(base), str(python_dir)],
                check=True,
                timeout=120,
            )
        elif step.name == "ENV":
            for pair in shlex.split(step.args):
                key, _, value = pair.partition("=")
                image.env[key] = image.map(value)
        elif step.name == "WORKDIR":
            image.workdir = step.args
            image.path("").mkdir(parents=True, exist_ok=True)
        elif step.name == "COPY":
            *sources, target = shlex.split(step.args)
            assert not any(s.startswith("--") for s in sources), "COPY flags are not handled"
            for source in sources:
                files = (
                    context_files(rules)
                    if source == "."
                    else [f for f in [source] if not ignored(source, rules)]
                )
                assert files, f"COPY {source}: nothing passes .dockerignore"
                for relative in files:
                    destination = image.path(target) / relative
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(REPO_ROOT / relative, destination)
                    image.copied.add(relative)
        elif step.name == "RUN":
            words = step.args.split(" ")
            while words and words[0].startswith("--"):  # --mount: a build cache, not a step
                words.pop(0)
            path = f"{python_dir}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            environment = {**machine, "HOME": os.environ.get("HOME", "/root"), "PATH": path}
            environment.update({"LANG": "C.UTF-8", **image.env})
            result = subprocess.run(
                ["/bin/sh", "-c", image.map(" ".join(words))],
                cwd=image.path(""),
                env=environment,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, f"RUN {step.args}\n{result.stderr[-3000:]}"
        elif step.name == "USER":
            uid, _, gid = step.args.partition(":")
            assert uid.isdigit() and (not gid or gid.isdigit()), "USER: a numeric uid[:gid]"
            image.user = (int(uid), int(gid or uid))
        elif step.name == "HEALTHCHECK":
            command = step.args.split(" CMD ", 1)[1]
            image.healthcheck = [image.map(a) for a in json.loads(command)]
        elif step.name == "CMD":
            image.cmd = [image.map(a) for a in json.loads(step.args)]
        elif step.name != "EXPOSE":
            pytest.fail(f"the Dockerfile uses {step.name}, which this test cannot carry out")
    image.env["PATH"] = f"{python_dir}/bin:/usr/local/bin:/usr/bin:/bin"
    return image


@pytest.fixture(scope="module")
def image() -> Iterator[Image]:
    # Not under pytest's tmp_path: the image's user must be able to reach the files.
    root = Path(tempfile.mkdtemp(prefix="posture-image-"))
    root.chmod(0o755)
    try:
        yield build(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def container(image: Image) -> Iterator[tuple[Image, str, tuple[int, int] | None]]:
    """CMD running as the image's USER when this machine allows it (root, and a Python that
    user can run), else as the current user; yields (image, url, user it runs as)."""
    port = free_port()
    user = image.user if os.geteuid() == 0 and world_executable(Path(image.cmd[0])) else None
    # A user without an account gets HOME=/ from docker.
    environment = {**image.env, "POSTURE_PORT": str(port), "HOME": "/"}
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        image.cmd,
        cwd=image.path(""),
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_as_user(user),
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            check = subprocess.run(
                image.healthcheck,
                env=environment,
                capture_output=True,
                timeout=30,
                preexec_fn=_as_user(user),
            )
            if check.returncode == 0:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the server never became healthy:\n{log.read().decode()[-3000:]}")
            time.sleep(0.5)
        yield image, f"http://127.0.0.1:{port}", user
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_the_image_uses_the_locked_python():
    """FROM names the Python minor version the project's lock and venv use."""
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text("utf-8"))
    requires = lock["requires-python"]
    base = instructions(DOCKERFILE.read_text("utf-8"))[0]
    assert base.name == "FROM"
    version = re.fullmatch(r"python:(\d+)\.(\d+)-slim[\w.-]*", base.args)
    assert version, f"FROM {base.args}: expected a slim official python image"
    assert tuple(map(int, version.groups())) == sys.version_info[:2]
    assert re.fullmatch(r">=\s*(\d+)\.(\d+)", requires).groups() <= version.groups()


def test_the_built_image_serves_the_dashboard(container):
    """The image built from the repository alone starts with its CMD, passes its health check
    and serves the dashboard."""
    image, url, _ = container
    with urllib.request.urlopen(f"{url}/", timeout=30) as response:
        assert response.status == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert b"<noscript>" in response.read()
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:
        assert response.read() == b"ok"
    assert image.cmd[1:] == ["-m", "posture", "serve"]  # host and port from the environment
    assert image.env["POSTURE_HOST"] == "0.0.0.0"


def test_only_the_app_goes_into_the_image(image):
    """.dockerignore keeps the tests, the developer's venv, git and caches out of the image;
    the app's code, pages and data are in."""
    kept = ("dashboard.py", "data/bases.csv", "posture/app/serve.py", ".streamlit/config.toml")
    assert set(kept) <= image.copied
    for left_out in ("tests", ".git", ".tools", "benchmarks", "docs", "deploy", "Makefile"):
        assert not image.path(left_out).exists(), left_out
    assert not any("__pycache__" in f or f.startswith(".venv/") for f in image.copied)


def test_the_server_runs_as_a_user_who_cannot_change_the_data(container):
    """The server runs as USER (not root) and that user cannot write the data or the code."""
    image, _, user = container
    assert image.user is not None and image.user[0] != 0
    if user is None:
        pytest.skip("needs root and a Python another user can run, to start the server as USER")
    attempt = subprocess.run(
        [image.cmd[0], "-c", "open('data/bases.csv', 'a'); open('new_file', 'w')"],
        cwd=image.path(""),
        env=image.env,
        capture_output=True,
        text=True,
        preexec_fn=_as_user(user),
    )
    assert attempt.returncode != 0 and "PermissionError" in attempt.stderr
