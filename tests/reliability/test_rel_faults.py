"""Faults: kill -9 during ingest, the Chroma server going away and coming back, a corrupted store, a full disk.

Each test works on its own copy of the session index (or its own Chroma server), on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.embeddings import Embeddings
from rel_helpers import (
    ALLGUIDE,
    CHROMA,
    ROOT,
    ChromaServer,
    answer_key,
    build_dirs,
    check_answer,
    copy_store,
    live_build,
    serve_http,
    stop,
    synthetic_corpus,
)

from assistant.core import Assistant
from assistant.errors import IndexNotBuiltError, RetrievalError
from assistant.settings import Settings

Q = "Ph+ ALL s/p allo-HSCT, MRD negative: should we give prophylactic dasatinib?"
Q_TEXT = "does not recommend prophylactic TKI maintenance"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


def _cli(*args: str, store: Path, timeout: float = 180, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ALLGUIDE), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**ENV, "ALLGUIDE_STORE__PATH": str(store), **env})


def _flat(text: str) -> str:
    """rich wraps long lines on a non-terminal stderr; compare with whitespace collapsed."""
    return " ".join(text.split())


# -- (a) kill -9 during ingest: the old index keeps answering --------------------------------------------------

def test_kill_9_during_ingest_old_index_keeps_answering(store_copy: Path, tmp_path: Path, embedder: Any) -> None:
    settings = Settings(store={"path": store_copy})
    before = Assistant.from_settings(settings, embeddings=embedder)
    expected = answer_key(before.ask(Q))
    pointer = (store_copy / "LIVE.json").read_bytes()
    old_build = build_dirs(store_copy)
    big = synthetic_corpus(tmp_path / "big", docs=30, sections=4, sentences=6)
    code = textwrap.dedent(f"""
        from pathlib import Path
        from assistant.settings import Settings
        from ingest import run_ingest
        s = Settings(store={{"path": Path({str(store_copy)!r})}}, embedding={{"batch_size": 8}})
        run_ingest([Path({str(big)!r})], s.ingest_config(), corpus_dir=s.corpus_dir(),
                   progress=lambda done, total: print("PROGRESS", done, total, flush=True))
        print("DONE", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=ENV)
    during: list[tuple[Any, ...]] = []
    try:
        deadline = time.monotonic() + 120
        parts: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            assert line and "DONE" not in line, f"ingest finished or died before the kill: {line!r}"
            parts = line.split()
            if parts[:1] == ["PROGRESS"] and int(parts[1]) >= 16 and len(build_dirs(store_copy)) == 2:
                during.append(answer_key(before.ask(Q)))  # the running Assistant answers while ingest writes
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert parts[:1] == ["PROGRESS"] and int(parts[1]) < int(parts[2])
    finally:
        stop(proc, sig=signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert during == [expected]
    assert (store_copy / "LIVE.json").read_bytes() == pointer  # the half-written build was never published

    after = Assistant.from_settings(settings, embeddings=embedder)  # a fresh start on the same store
    answer = after.ask(Q)
    check_answer(answer)
    assert answer_key(answer) == expected and Q_TEXT in answer.answer
    assert not [c for c in after.retriever.chunks if c.section_id.startswith("syn/")]
    assert answer_key(before.ask(Q)) == expected
    assert set(old_build) <= set(build_dirs(store_copy))  # the stale build is only removed by the next ingest


# -- (b) Chroma server mode: server down -> clear 503 and /readyz false; back up -> recovers -----------------------

class _CachedEmbeddings(Embeddings):
    """The real model, but documents already embedded in the session index are looked up (saves ~20 s of
    re-embedding the corpus into the server). Same model id, so the index config is the real one."""

    def __init__(self, inner: Any, cache: dict[str, list[float]]) -> None:
        self.inner = inner
        self.cache = cache
        self.model_id = inner.model_id
        self.model_path = inner.model_path

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self.cache]
        self.cache.update(zip(missing, self.inner.embed_documents(missing)))
        return [list(self.cache[t]) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture
def chroma(tmp_path: Path):
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not installed")
    server = ChromaServer(tmp_path / "chroma-data", tmp_path / "chroma.log")
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _error(r: httpx.Response, status: int, kind: str) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"]["type"] == kind, body
    assert "Traceback" not in r.text
    return str(body["error"]["message"])


def test_chroma_server_down_then_back(chroma: ChromaServer, tmp_path: Path, rel_bot: Any, embedder: Any) -> None:
    from ingest import run_ingest

    settings = Settings(store={"path": tmp_path / "lock"}, chroma={"host": "127.0.0.1", "port": chroma.port})
    got = rel_bot.index.collection.get(include=["documents", "embeddings"])
    cache = {t: list(map(float, e)) for t, e in zip(got["documents"], got["embeddings"])}
    report = run_ingest(None, settings.ingest_config(), corpus_dir=settings.corpus_dir(),
                        embedder=_CachedEmbeddings(embedder, cache))
    assert report.mode == "server" and report.embedded == report.chunks_total

    from assistant.frontends.api import create_app

    with serve_http(create_app(settings)) as url, httpx.Client(base_url=url, timeout=60) as http:
        assert http.get("/readyz").status_code == 200
        r = http.post("/v1/ask", json={"question": Q})
        assert r.status_code == 200 and Q_TEXT in r.json()["answer"]
        expected = r.json()["answer"]

        chroma.kill()
        message = _error(http.post("/v1/ask", json={"question": Q}), 503, "index_unreadable")
        assert "Chroma server 127.0.0.1" in message and "allguide ingest" in message
        _error(http.get("/readyz"), 503, "index_unreadable")
        assert http.get("/healthz").status_code == 200  # the process itself is alive
        stream = http.post("/v1/ask/stream", json={"question": Q})
        assert "event: error" in stream.text and "index_unreadable" in stream.text

        chroma.start()  # same path, same port; the API is not restarted
        assert http.get("/readyz").status_code == 200
        r = http.post("/v1/ask", json={"question": Q})
        assert r.status_code == 200 and r.json()["answer"] == expected


# -- (c) a corrupted store directory: clear error, how to rebuild, and the rebuild works ----------------------------

def test_corrupted_store_clear_error_and_rebuild(store_copy: Path, embedder: Any) -> None:
    sqlite = live_build(store_copy) / "chroma.sqlite3"
    sqlite.write_bytes(b"this is not a database " * 20_000)
    settings = Settings(store={"path": store_copy})

    with pytest.raises((RetrievalError, IndexNotBuiltError)) as err:
        Assistant.from_settings(settings, embeddings=embedder)
    assert "allguide ingest" in str(err.value) and str(store_copy) in str(err.value)

    asked = _cli("ask", Q, store=store_copy)
    assert asked.returncode != 0
    assert "allguide ingest" in _flat(asked.stderr) and "Traceback" not in asked.stderr + asked.stdout

    rebuilt = _cli("ingest", store=store_copy)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert "Traceback" not in rebuilt.stderr
    answer = Assistant.from_settings(settings, embeddings=embedder).ask(Q)
    check_answer(answer)
    assert Q_TEXT in answer.answer and answer.verdict in ("pass", "warn")


# -- (d) disk full while writing a new build: the previous index stays live and answering -------------------------

USER_DOC = """# Ward notes

## Infection control

Antifungal prophylaxis during induction is reviewed weekly by the ward team for adults with ALL. Blood counts are
checked twice weekly during induction, and fever during neutropenia is treated as an emergency by the ward team.
"""

ENOSPC_RUNNER = textwrap.dedent("""
    import errno, sys
    from chromadb.api.models.Collection import Collection

    def full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    Collection.upsert = Collection.add = full
    from assistant.frontends.cli import app
    app(args=sys.argv[1:], prog_name="allguide")
""")


def _mount_tmpfs(path: Path, kib: int) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(path)],
                              capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@pytest.fixture(params=["tmpfs", "enospc"])
def disk_full(request: pytest.FixtureRequest, rel_store: Path, tmp_path: Path) -> Any:
    """Run `allguide ingest <user doc>` against a store whose disk fills up while the new build is written.

    "tmpfs": a real full disk, the store copied onto a tmpfs sized for the live build plus ~0.8 MB (needs
    root with mount rights; skipped otherwise). "enospc": the Chroma write raises OSError(ENOSPC).
    """
    doc = tmp_path / "ward.md"
    doc.write_text(USER_DOC, encoding="utf-8")
    mount = tmp_path / "small-disk"
    if request.param == "tmpfs":
        size = sum(p.stat().st_size for p in rel_store.rglob("*") if p.is_file()) // 1024
        if not _mount_tmpfs(mount, size + 800):
            pytest.skip("cannot mount a tmpfs here (not root or no CAP_SYS_ADMIN)")
        store = copy_store(rel_store, mount / "store")
    else:
        store = copy_store(rel_store, tmp_path / "store")
    pointer = (store / "LIVE.json").read_bytes()
    builds = build_dirs(store)
    try:
        if request.param == "tmpfs":
            run = _cli("ingest", str(doc), store=store)
        else:
            run = subprocess.run([sys.executable, "-c", ENOSPC_RUNNER, "ingest", str(doc)], cwd=ROOT,
                                 capture_output=True, text=True, timeout=180,
                                 env={**ENV, "ALLGUIDE_STORE__PATH": str(store)})
        yield store, run, pointer, builds
    finally:
        if request.param == "tmpfs":
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def test_disk_full_keeps_previous_index_live(disk_full: Any, embedder: Any) -> None:
    store, run, pointer, builds = disk_full
    assert run.returncode != 0, run.stdout
    assert (store / "LIVE.json").read_bytes() == pointer
    assert build_dirs(store) == builds  # the partial build was discarded
    bot = Assistant.from_settings(Settings(store={"path": store}), embeddings=embedder)
    answer = bot.ask(Q)
    check_answer(answer)
    assert Q_TEXT in answer.answer
    assert not [c for c in bot.retriever.chunks if c.section_id == "user/ward"]


def test_disk_full_error_is_clear(disk_full: Any) -> None:
    _, run, _, _ = disk_full
    assert run.returncode != 0
    assert "Traceback" not in run.stderr, run.stderr[-1500:]
    assert re.search(r"space|disk|ENOSPC|full", _flat(run.stderr), re.I), run.stderr[-1500:]

