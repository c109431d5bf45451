"""Server mode against a real `chroma run` started by the test; server down -> IndexUnavailableError."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from ingest_helpers import make_config

from evals.processes import free_port, running
from ingest import index_status, open_live_index, run_ingest
from ingest.errors import IndexUnavailableError

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"{CHROMA} not installed")
    root = tmp_path_factory.mktemp("chroma")
    port = free_port()
    cmd = [str(CHROMA), "run", "--path", str(root / "data"), "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, ready_url=f"http://127.0.0.1:{port}/api/v2/heartbeat", log_path=root / "server.log",
                 env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}, timeout=60):
        yield port


def _collections(port: int) -> list[str]:
    import chromadb
    from chromadb.config import Settings

    client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=Settings(anonymized_telemetry=False))
    try:
        return sorted(c.name for c in client.list_collections())
    finally:
        client.close()


def test_server_mode_ingest_reingest_query(chroma_server: int, tiny_corpus: Path, tmp_path: Path, embedder,
                                           monkeypatch) -> None:
    from chromadb.api.models.Collection import Collection

    cfg = make_config(tmp_path / "lock", chroma_host="127.0.0.1", chroma_port=chroma_server)
    first = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert first.mode == "server" and first.collection.endswith(first.build_id)
    assert _collections(chroma_server) == sorted(["allguide_live", first.collection])
    assert not (cfg.store_path / "LIVE.json").exists() and (cfg.store_path / "ingest.lock").exists()

    writes: list[str] = []
    orig = Collection.upsert
    monkeypatch.setattr(Collection, "upsert", lambda self, *a, **k: (writes.append("upsert"), orig(self, *a, **k))[1])
    again = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert again.skipped_write and again.build_id == first.build_id and writes == []

    index = open_live_index(cfg, embedder)
    hits = index.query(embedder.embed_query("antifungal prophylaxis during induction"), k=2)
    assert hits[0][0].doc_id == "tiny-care" and len(index.all_chunks()) == first.chunks_total
    status = index_status(cfg)
    assert status["mode"] == "server" and status["healthy"] and status["build_id"] == first.build_id

    (tiny_corpus / "mrd_evidence.md").unlink()
    third = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert third.documents_removed == ["tiny-mrd"] and third.embedded == 0 and writes
    assert _collections(chroma_server) == sorted(["allguide_live", third.collection])
    assert not index.is_current()
    hits = index.query(embedder.embed_query("antifungal prophylaxis"), k=1)  # old collection is gone: reopens
    assert index.build_id == third.build_id and hits[0][0].doc_id == "tiny-care"
    assert {c.doc_id for c in open_live_index(cfg, embedder).all_chunks()} == {"tiny-ph", "tiny-care"}


def test_server_down_is_index_unavailable(tmp_path: Path, embedder) -> None:
    cfg = make_config(tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(IndexUnavailableError, match="cannot reach the Chroma server 127.0.0.1"):
        open_live_index(cfg, embedder)
    with pytest.raises(IndexUnavailableError):
        index_status(cfg)


def test_server_mode_workers_share_one_sparse_index_on_disk(chroma_server: int, tiny_corpus: Path, tmp_path: Path,
                                                            embedder) -> None:
    """Server mode: the sparse index of each build sits in <store>/sparse/<build_id>, switched with the pointer
    collection; two readers (API workers) open the same files; an old build's folder goes with its collection."""
    cfg = make_config(tmp_path / "store", chroma_host="127.0.0.1", chroma_port=chroma_server,
                      sparse_tokenizer="test_sparse:words")
    first = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert sorted(p.name for p in (cfg.store_path / "sparse").iterdir()) == [first.build_id]
    a, b = open_live_index(cfg, embedder), open_live_index(cfg, embedder)
    sa, sb = a.open_sparse("words-v1"), b.open_sparse("words-v1")
    assert sa is not None and sb is not None and sa.build_id == sb.build_id == first.build_id
    assert sa.ids == [c.chunk_id for c in a.all_chunks()]
    best = sa.top(["antifungal", "prophylaxis"], 1)
    assert a.get([sa.ids[best[0]]])[0].doc_id == "tiny-care"
    (tiny_corpus / "mrd_evidence.md").unlink()
    second = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert sorted(p.name for p in (cfg.store_path / "sparse").iterdir()) == [second.build_id]
    assert a.refresh() and a.open_sparse("words-v1").build_id == second.build_id  # type: ignore[union-attr]
    assert sa.top(["antifungal", "prophylaxis"], 1) == best  # a reader still mapping the old files keeps working
