"""Child servers for the evaluation harness, the benchmarks and the tests: a free local port, a server process
started with its output in a log file, a readiness poll that reports the log's tail when the server dies or is
late, and a stop that never leaves the process behind.

    with running([sys.executable, "-m", "http.server", str(port)], ready_url=f"http://127.0.0.1:{port}/",
                 log_path=tmp / "server.log") as proc:
        ...

>>> 1024 <= free_port() <= 65535
True
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path


class ServerStartError(RuntimeError):
    """A child server exited or did not answer in time; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def log_tail(path: Path | None, n: int = 3000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-n:] if path is not None and path.is_file() else ""


def answers(url: str, *, status: int = 200, body: str | None = None) -> bool:
    """True when `url` answers `status` now (and, when `body` is given, exactly that text)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == status and (body is None or r.read().decode(errors="replace").strip() == body)
    except urllib.error.HTTPError as e:
        return e.code == status and body is None
    except OSError:
        return False


def wait_until(url: str, *, status: int = 200, body: str | None = None, timeout: float = 90.0,
               proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Poll `url` until it answers `status` (and `body`); raise ServerStartError with the log's tail when the
    process exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while not answers(url, status=status, body=body):
        if proc is not None and proc.poll() is not None:
            raise ServerStartError(f"the server for {url} exited with code {proc.returncode}: {log_tail(log)}")
        if time.monotonic() > deadline:
            raise ServerStartError(f"{url} did not answer {status} within {timeout:g} s: {log_tail(log)}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen, *, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Stop a process we started (by its own pid only): `sig`, then SIGKILL after `timeout` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running(cmd: Sequence[str], *, ready_url: str, log_path: Path, env: Mapping[str, str] | None = None,
            cwd: Path | None = None, timeout: float = 90.0, ready_body: str | None = None,
            stop_timeout: float = 15) -> Iterator[subprocess.Popen]:
    """Start `cmd` (stdout and stderr to `log_path`), wait until `ready_url` answers 200, yield the process, and
    stop it when the block ends, whatever happened inside."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(list(cmd), stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                                env=dict(env) if env is not None else dict(os.environ))
        try:
            wait_until(ready_url, body=ready_body, timeout=timeout, proc=proc, log=log_path)
            yield proc
        finally:
            stop(proc, timeout=stop_timeout)
