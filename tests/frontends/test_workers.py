"""`allguide serve --workers N`: every worker listens on its own socket (SO_REUSEPORT), so a burst of keep-alive
connections is spread over the workers instead of landing on whichever woke first (assistant/frontends/workers.py).
"""

from __future__ import annotations

import http.client
import json
import os
import pickle
import socket
import sys
import time
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import psutil
import pytest

from assistant.frontends.workers import SharedPort, spreads_connections
from evals.processes import free_port, running

pytestmark = pytest.mark.skipif(not spreads_connections(), reason="no SO_REUSEPORT on this platform")


def test_the_shared_port_pickles_as_a_workers_own_listener_on_the_same_address() -> None:
    port = free_port()
    parent = SharedPort.bind_to("127.0.0.1", port)
    try:
        first = pickle.loads(ForkingPickler.dumps(parent))  # what uvicorn's spawn hands each worker
        second = pickle.loads(ForkingPickler.dumps(parent))
        try:
            assert type(first) is socket.socket and first.fileno() != parent.fileno()
            assert first.getsockname() == second.getsockname() == ("127.0.0.1", port)
            assert first.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
            first.listen()
            second.listen()  # two listeners on one port: the kernel spreads connections over them
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
        finally:
            first.close()
            second.close()
    finally:
        parent.close()


def test_a_port_already_taken_fails_at_once() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            SharedPort.bind_to("127.0.0.1", taken.getsockname()[1])


def _listeners(proc: psutil.Process, port: int) -> int:
    return sum(1 for c in proc.net_connections("tcp") if c.status == psutil.CONN_LISTEN and c.laddr.port == port)


def _established(proc: psutil.Process, port: int) -> int:
    return sum(1 for c in proc.net_connections("tcp") if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port)


def test_each_worker_listens_on_its_own_socket_and_a_burst_of_connections_is_spread(fe_store: Path,
                                                                                     tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(fe_store), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "assistant.frontends.cli", "serve", "--port", str(port), "--workers", "2"]
    with running(cmd, ready_url=f"http://127.0.0.1:{port}/readyz", log_path=tmp_path / "serve.log", env=env,
                 timeout=180) as proc:
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 120  # /readyz answers once one worker is up; the other may still be loading
        while len(workers := [p for p in parent.children(recursive=True) if _listeners(p, port)]) < 2:
            assert time.monotonic() < deadline, "the second worker never listened"
            time.sleep(0.2)
        assert len(workers) == 2 and _listeners(parent, port) == 0  # (the parent only holds the port)
        assert all(_listeners(w, port) == 1 for w in workers)
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=120) for _ in range(16)]
        for c in conns:  # all connected at once, before any request (as a proxy's keep-alive pool)
            c.connect()
        try:
            for i, c in enumerate(conns):
                c.request("POST", "/v1/ask", json.dumps({"question": f"Ph+ ALL induction, age {30 + i}"}),
                          {"content-type": "application/json"})
                r = c.getresponse()
                assert r.status == 200 and json.loads(r.read())["answer"]
            # one worker taking all 16 had been the common case on a shared socket; by hash: 2 x 2^-16
            assert sorted(_established(w, port) for w in workers)[0] >= 1
        finally:
            for c in conns:
                c.close()
