"""The embedding backends: ONNX Runtime must give the torch (sentence-transformers) vectors, export safely, and
fall back to torch for models it cannot reproduce."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from ingest.config import IngestConfig
from ingest.embeddings import (
    OnnxEmbeddings,
    SentenceTransformerEmbeddings,
    check_onnx_supported,
    default_model_path,
    make_embedder,
    spare_cores,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def torch_embedder() -> SentenceTransformerEmbeddings:
    return SentenceTransformerEmbeddings(batch_size=16)


def _texts() -> list[str]:
    texts = ["Ph+", "imatinib", "MRD ≥0.01% after induction in a 45-year-old with Ph− B-ALL", "  ", "😀 CD19?"]
    for path in sorted(CORPUS.glob("g0*.md"))[:4]:
        body = path.read_text(encoding="utf-8")
        texts += [body[i:i + 700] for i in range(0, len(body), 700)][:6]
    texts.append(" ".join(["blinatumomab"] * 600))  # far beyond 256 tokens: truncated the same way
    return texts


def test_onnx_vectors_equal_torch_vectors(embedder, torch_embedder) -> None:
    assert isinstance(embedder, OnnxEmbeddings)
    texts = _texts()
    onnx = np.array(embedder.embed_documents(texts))
    ref = np.array(torch_embedder.embed_documents(texts))
    assert onnx.shape == ref.shape == (len(texts), 384)
    assert np.abs(onnx - ref).max() < 1e-5
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    # Order is kept although batches are built by length, and a query equals the same text as a document.
    assert np.abs(np.array(embedder.embed_query(texts[7])) - onnx[7]).max() < 1e-6
    assert embedder.model_id == torch_embedder.model_id  # same model, same vectors: no rebuild when switching


def test_export_is_cached_and_a_damaged_file_is_exported_again(tmp_path: Path, embedder) -> None:
    emb = OnnxEmbeddings(cache_dir=tmp_path / "models")
    assert not emb.onnx_path.exists()
    first = emb.embed_query("dasatinib")
    assert emb.onnx_path.is_file()
    assert [p.name for p in emb.onnx_path.parent.iterdir()] == [emb.onnx_path.name]  # no temp file left behind

    emb.onnx_path.write_bytes(b"not an onnx model")
    again = OnnxEmbeddings(cache_dir=tmp_path / "models")
    assert np.abs(np.array(again.embed_query("dasatinib")) - np.array(first)).max() < 1e-6
    assert emb.onnx_path.stat().st_size > 1_000_000


def _model_copy(tmp_path: Path, pooling: dict) -> Path:
    """The bundled model's config files (no weights) with another pooling: enough for the support check."""
    src, dst = Path(default_model_path()), tmp_path / "model"
    dst.mkdir()
    for name in ("modules.json", "tokenizer.json", "config.json", "sentence_bert_config.json"):
        shutil.copy(src / name, dst / name)
    (dst / "1_Pooling").mkdir()
    (dst / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    return dst


def test_models_the_onnx_backend_cannot_reproduce_fall_back_to_torch(tmp_path: Path, caplog) -> None:
    cls = _model_copy(tmp_path, {"word_embedding_dimension": 384, "pooling_mode_cls_token": True,
                                 "pooling_mode_mean_tokens": False})
    with pytest.raises(ValueError, match="only mean pooling"):
        check_onnx_supported(str(cls))
    with caplog.at_level(logging.WARNING, logger="ingest.embeddings"):
        emb = make_embedder(IngestConfig(model_path=str(cls), store_path=tmp_path))
    assert isinstance(emb, SentenceTransformerEmbeddings)
    assert "ONNX backend unavailable" in caplog.text and "only mean pooling" in caplog.text


def test_backend_setting_selects_the_runtime(tmp_path: Path) -> None:
    assert isinstance(make_embedder(IngestConfig(backend="torch")), SentenceTransformerEmbeddings)
    onnx = make_embedder(IngestConfig(store_path=tmp_path / "store"), num_threads=1)
    assert isinstance(onnx, OnnxEmbeddings) and onnx.num_threads == 1
    assert onnx.onnx_path.parent == tmp_path / "store" / "models"  # default: beside the index
    check_onnx_supported(default_model_path())  # the bundled model is supported


@pytest.mark.parametrize("machine_idle", [True, False])
def test_query_embedder_uses_every_core_when_alone_and_one_thread_under_load(embedder, machine_idle: bool,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import threading

    import ingest.embeddings as embeddings

    monkeypatch.setattr(embeddings, "spare_cores", lambda: machine_idle)  # (the real reading: the test below)
    emb = OnnxEmbeddings(cache_dir=embedder.cache_dir, num_threads=1)
    alone = np.array(emb.embed_query("blinatumomab for CD19-positive relapse"))
    wide = machine_idle and (os.cpu_count() or 1) > 1
    # one question opens one session (cold CLI): all cores when nothing else runs, else one thread
    assert (emb._wide is not None, emb._session is not None) == (wide, not wide)
    monkeypatch.setattr(embeddings, "spare_cores", lambda: not machine_idle)
    assert np.abs(np.array(emb.embed_query("blinatumomab for CD19-positive relapse")) - alone).max() < 1e-5
    assert (emb._wide is not None, emb._session is not None) == (wide, not wide)  # (and keeps to it)
    emb.prepare()  # a server opens both at start
    if (os.cpu_count() or 1) > 1:
        assert emb._session is not None and emb._wide is not None and emb._wide is not emb._session
    # Many concurrent queries (single-thread session) give the same vectors as one alone (all-core session).
    out: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: out.append(np.array(
        emb.embed_query("blinatumomab for CD19-positive relapse")))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 8 and all(np.abs(v - alone).max() < 1e-5 for v in out)
    assert emb._busy == 0


def test_spare_cores_is_false_while_the_machine_runs_as_many_threads_as_it_has_cores() -> None:
    import os
    import subprocess
    import sys
    import time

    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        time.sleep(0.5)
        assert [spare_cores() for _ in range(20)].count(False) >= 18  # (a spinner may be switched out for a moment)
    finally:
        for p in busy:
            p.kill()
            p.wait()
