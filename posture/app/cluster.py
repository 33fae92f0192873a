"""Serve the dashboard from several processes behind nginx: ``python -m posture cluster``.

One Streamlit process runs its sessions' scripts under one interpreter lock, so it uses about
one core. ``cluster`` starts N ``posture serve`` processes on loopback ports and nginx in front
of them (``deploy/nginx.conf.template``): sticky sessions, websocket upgrade, the security
headers and timeouts of ``posture serve``, and a replica that stops answering taken out of the
rotation. It runs in the foreground, starts a replica that exits again, and on Ctrl-C or
SIGTERM stops nginx, then every replica, and removes its run directory.
"""

from __future__ import annotations

import contextlib
import ctypes
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from posture.app.guard import Guard
from posture.app.serve import HEADER_TIMEOUT, KEEP_ALIVE_TIMEOUT, command, default_hosts
from posture.data.dataset import REPO_ROOT

TEMPLATE = REPO_ROOT / "deploy" / "nginx.conf.template"
# deploy/compose.yaml: its replicas by service name, the port nginx listens on inside its
# container, and the official nginx image's cache directory (its workers' user owns it).
COMPOSE_CONFIG = REPO_ROOT / "deploy" / "nginx.compose.conf"
COMPOSE_UPSTREAMS = ["app1:8501", "app2:8501"]
COMPOSE_LISTEN = "8080"
COMPOSE_TEMP_DIR = "/var/cache/nginx"
# A replica that has not answered its health check this many seconds after starting failed.
START_TIMEOUT = 90
# A replica that exits this many times within RESTART_WINDOW seconds is not started again.
MAX_RESTARTS = 3
RESTART_WINDOW = 60
# Seconds a stopping process gets before it is killed.
STOP_TIMEOUT = 10


@dataclass(frozen=True)
class Settings:
    """What ``python -m posture cluster`` was asked for."""

    replicas: int = 2
    host: str = "127.0.0.1"
    port: int = 8501
    allowed_hosts: tuple[str, ...] = ()
    embed_from: tuple[str, ...] = ()
    metrics: bool = False
    nginx: str | None = None

    def replica_args(self) -> list[str]:
        """Flags for every replica: it answers to the names nginx passes on (the cluster's
        address and allowed hosts) and sends the same headers."""
        names = [h for h in default_hosts(self.host) if h not in default_hosts("127.0.0.1")]
        out: list[str] = []
        for name in (*names, *self.allowed_hosts):
            out += ["--allowed-host", name]
        for origin in self.embed_from:
            out += ["--allow-embed-from", origin]
        return out + (["--metrics"] if self.metrics else [])


def render(
    upstreams: list[str],
    listen: str,
    guard: Guard,
    temp_dir: str,
    template: Path = TEMPLATE,
) -> str:
    """The nginx configuration for replicas at ``upstreams`` ("host:port"), nginx listening on
    ``listen``, with ``guard``'s security headers."""
    indent = " " * 8
    values = {
        "listen": listen,
        "temp_dir": temp_dir,
        "header_timeout": f"{HEADER_TIMEOUT:g}",
        "keep_alive_timeout": f"{KEEP_ALIVE_TIMEOUT:g}",
        "upstream_keep_alive_timeout": f"{max(KEEP_ALIVE_TIMEOUT - 1, 1):g}",
        "upstream_servers": "\n".join(
            f"{indent}server {address} max_fails=1 fail_timeout=10s;" for address in upstreams
        ),
        # The last address tried answered ($upstream_addr lists every one tried, a dead one
        # first).
        "replica_map": "\n".join(
            f'{indent}"~(^|[ ,]){address.replace(".", "[.]")}$" "{number}";'
            for number, address in enumerate(upstreams, 1)
        ),
        "security_headers": "\n".join(
            [f"{indent}proxy_hide_header {name.decode()};" for name in _header_names()]
            + [
                f'{indent}add_header {name.decode()} "{value.decode()}" always;'
                for name, value in guard.headers
            ]
        ),
    }
    text = template.read_text("utf-8")
    for name, value in values.items():
        text = text.replace("{{ " + name + " }}", value)
    if "{{" in text:
        raise ValueError(f"{template}: a placeholder was left unfilled")
    return text


def compose_config() -> str:
    """The nginx configuration deploy/compose.yaml mounts (deploy/nginx.compose.conf)."""
    header = (
        "# Written by `python -m posture cluster --compose-config` from nginx.conf.template:\n"
        "# edit the template, not this file.\n"
    )
    return header + render(COMPOSE_UPSTREAMS, COMPOSE_LISTEN, Guard(), COMPOSE_TEMP_DIR)


def _header_names() -> list[bytes]:
    """Every header name a replica's guard may send (with or without embedding allowed)."""
    names = [name for name, _ in Guard().headers]
    return names + [n for n, _ in Guard(embed_from=("https://x",)).headers if n not in names]


def find_nginx(path: str | None = None) -> str | None:
    """The nginx binary: ``path``, else nginx on PATH, else Debian's /usr/sbin/nginx."""
    if path:
        return path if os.access(path, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def healthy(url: str, timeout: float = 2) -> bool:
    """Whether ``url``/_stcore/health answers 200."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            status: int = response.status
            return status == 200
    except OSError:
        return False


def die_with_parent() -> None:
    """In a child, before exec: receive SIGTERM when the cluster process dies, however it dies
    (Linux), so no replica or nginx outlives it."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Replica:
    """One ``posture serve`` process and its restarts."""

    number: int
    port: int
    args: list[str]
    process: subprocess.Popen[bytes] | None = None
    exits: list[float] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        environment = {**os.environ}
        environment.pop("PYTHONDONTWRITEBYTECODE", None)  # 3x slower imports without it
        self.process = subprocess.Popen(
            command("127.0.0.1", self.port, None, *self.args),
            cwd=REPO_ROOT,
            env=environment,
            start_new_session=True,  # the terminal's Ctrl-C reaches the cluster, which stops it
            preexec_fn=die_with_parent,
        )
        _say(f"replica {self.number} (pid {self.process.pid}) on {self.address}")


class Cluster:
    """N replicas and nginx, started, watched and stopped."""

    def __init__(self, settings: Settings, nginx: str):
        self.settings = settings
        self.nginx_binary = nginx
        self.url = f"http://{_url_host(settings.host)}:{settings.port}"
        self.run_dir = Path(tempfile.mkdtemp(prefix="posture-cluster-"))
        self.replicas = [
            Replica(number, free_port(), settings.replica_args())
            for number in range(1, settings.replicas + 1)
        ]
        self.nginx: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()

    def start(self) -> bool:
        """Start every replica, wait until each answers, then start nginx and wait for it;
        False if asked to stop meanwhile."""
        for replica in self.replicas:
            replica.start()
        for replica in self.replicas:
            if not self._wait(f"http://{replica.address}", replica.process, START_TIMEOUT):
                return False
        self._start_nginx()
        return self._wait(self.url.replace("0.0.0.0", "127.0.0.1"), self.nginx, 30)

    def _wait(self, url: str, process: subprocess.Popen[bytes] | None, timeout: float) -> bool:
        """Wait until ``url`` is healthy; False if asked to stop first."""
        deadline = time.monotonic() + timeout
        while not healthy(url):
            if self.stopping.wait(0.2):
                return False
            assert process is not None
            if process.poll() is not None:
                args = process.args  # the program and its arguments, as started
                program = args if isinstance(args, str | bytes | os.PathLike) else args[0]
                raise RuntimeError(f"{os.fsdecode(program)} exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        return True

    def _start_nginx(self) -> None:
        temp_dir = self.run_dir / "temp"
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (temp_dir / name).mkdir(parents=True)
        config = self.run_dir / "nginx.conf"
        listen = f"{_url_host(self.settings.host)}:{self.settings.port}"
        guard = Guard(embed_from=self.settings.embed_from)
        upstreams = [replica.address for replica in self.replicas]
        config.write_text(render(upstreams, listen, guard, str(temp_dir)), "utf-8")
        directives = f"daemon off; pid {self.run_dir / 'nginx.pid'};"
        if os.geteuid() == 0:
            # nginx started by root runs its workers as nobody, who must write the temp files.
            user = pwd.getpwnam("nobody")
            group = grp.getgrgid(user.pw_gid).gr_name
            directives += f" user nobody {group};"
            os.chmod(self.run_dir, 0o755)
            for path in (temp_dir, *temp_dir.iterdir()):
                os.chown(path, user.pw_uid, user.pw_gid)
        argv = [self.nginx_binary, "-p", str(self.run_dir), "-e", "stderr", "-c", str(config)]
        self.nginx = subprocess.Popen(
            [*argv, "-g", directives], start_new_session=True, preexec_fn=die_with_parent
        )
        _say(f"nginx (pid {self.nginx.pid}) on {listen}, configuration {config}")

    def watch(self) -> int:
        """Until asked to stop: start a replica that exited again (nginx skips it meanwhile);
        stop everything if nginx exits or a replica keeps exiting. Return the exit code."""
        while not self.stopping.wait(0.5):
            assert self.nginx is not None
            if self.nginx.poll() is not None:
                _say(f"nginx exited with code {self.nginx.returncode}: stopping")
                return 1
            for replica in self.replicas:
                assert replica.process is not None
                code = replica.process.poll()
                if code is None:
                    continue
                now = time.monotonic()
                replica.exits = [t for t in replica.exits if now - t < RESTART_WINDOW] + [now]
                if len(replica.exits) > MAX_RESTARTS:
                    _say(f"replica {replica.number} exited {len(replica.exits)} times: stopping")
                    return 1
                _say(f"replica {replica.number} exited with code {code}: starting it again")
                replica.start()
        return 0

    def stop(self) -> None:
        """nginx first (no new requests), then the replicas; kill what does not stop."""
        self.stopping.set()
        processes = [self.nginx] + [replica.process for replica in self.replicas]
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
                if process is self.nginx:
                    _wait_or_kill(process)
        for process in processes:
            if process is not None:
                _wait_or_kill(process)
        shutil.rmtree(self.run_dir, ignore_errors=True)


def _wait_or_kill(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _say(message: str) -> None:
    print(f"cluster: {message}", flush=True)


def run(settings: Settings) -> int:
    """Serve until interrupted; return the exit code."""
    if settings.replicas < 1:
        print("cluster: --replicas must be at least 1", file=sys.stderr)
        return 2
    nginx = find_nginx(settings.nginx)
    if nginx is None:
        print(
            "cluster: nginx not found. Install it with `sudo apt-get install nginx-light` "
            "(`make cluster` does this when run as root), or pass --nginx PATH.",
            file=sys.stderr,
        )
        return 2
    cluster = Cluster(settings, nginx)

    def request_stop(signum: int, frame: FrameType | None) -> None:
        cluster.stopping.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    try:
        if not cluster.start():
            return 0
        _say(f"serving {settings.replicas} replica(s) at {cluster.url} (Ctrl-C stops everything)")
        return cluster.watch()
    except (RuntimeError, ValueError) as err:
        print(f"cluster: {err}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()
        _say("stopped")
