"""evals.processes: real child servers started, polled, and always stopped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from evals.processes import ServerStartError, answers, free_port, running, wait_until


def test_a_server_is_ready_inside_the_block_and_gone_after_it(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with running(cmd, ready_url=url, log_path=tmp_path / "server.log", cwd=tmp_path, timeout=30) as proc:
        assert answers(url) and proc.poll() is None
    assert proc.poll() is not None and not answers(url)


def test_a_server_that_exits_is_reported_with_its_log(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "import sys; print('bad config: no model'); sys.exit(3)"]
    with pytest.raises(ServerStartError, match=r"exited with code 3: bad config: no model"):  # noqa: SIM117
        with running(cmd, ready_url=f"http://127.0.0.1:{free_port()}/", log_path=tmp_path / "s.log", timeout=30):
            pytest.fail("the block must not run")


def test_a_server_that_never_answers_times_out_and_is_stopped(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "import time; print('starting', flush=True); time.sleep(60)"]
    with pytest.raises(ServerStartError, match=r"did not answer 200 within 1 s: starting"):  # noqa: SIM117
        with running(cmd, ready_url=f"http://127.0.0.1:{free_port()}/", log_path=tmp_path / "s.log", timeout=1):
            pytest.fail("the block must not run")


def test_waiting_for_a_status_other_than_200(tmp_path: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with running(cmd, ready_url=f"http://127.0.0.1:{port}/", log_path=tmp_path / "s.log", cwd=tmp_path, timeout=30):
        wait_until(f"http://127.0.0.1:{port}/missing", status=404, timeout=5)
        assert not answers(f"http://127.0.0.1:{port}/missing")
