"""The persisted sparse (BM25) index: rank-bm25's scores exactly, save/load with memory maps, versioned with the
build (switched and deleted with it), rewritten when the tokenizer changes, and a crash while it is written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from ingest_helpers import build_dirs, live_json, make_config, synthetic_corpus
from rank_bm25 import BM25Okapi

from ingest import open_live_index, run_ingest
from ingest.chunking import chunk_documents
from ingest.errors import IngestError, IngestWriteError
from ingest.loaders import load_documents
from ingest.sparse import SparseIndex, SparseIndexError, load_terms

ROOT = Path(__file__).resolve().parents[2]


def words(chunk) -> list[str]:
    return chunk.text.lower().replace(".", " ").replace(",", " ").split()


words.fingerprint = "words-v1"  # type: ignore[attr-defined]


def other_words(chunk) -> list[str]:
    return words(chunk)


other_words.fingerprint = "words-v2"  # type: ignore[attr-defined]


def _failing(chunk) -> list[str]:
    raise RuntimeError("tokenizer broke")


_failing.fingerprint = "broken"  # type: ignore[attr-defined]
SPEC = f"{__name__}:words"


def _chunks(corpus: Path):
    chunks = chunk_documents(load_documents(corpus_dir=corpus), min_words=8, max_words=40)
    return sorted(chunks, key=lambda c: (c.doc_id, c.chunk_no))


def test_scores_are_rank_bm25_okapi_exactly_and_survive_save_and_mmap_load(tiny_corpus: Path, tmp_path: Path) -> None:
    chunks = _chunks(tiny_corpus)
    index = SparseIndex.build(chunks, words, fingerprint="f", build_id="b1")
    ref = BM25Okapi([words(c) for c in chunks])
    negative = [t for t, v in ref.idf.items() if v == ref.epsilon * ref.average_idf]
    assert negative, "the corpus must exercise rank-bm25's floor for terms in most chunks"
    queries = [["imatinib", "induction"], ["the", "and", "mrd", "mrd"], [negative[0], "donor"], ["nothing-here"]]
    for q in queries:
        assert np.array_equal(index.scores(q), ref.get_scores(q)), q
    summary = index.save(tmp_path / "sp")
    loaded = SparseIndex.load(tmp_path / "sp")
    for arr in (loaded.weights, loaded.rows, loaded.indptr):  # still mapped from disk, read as plain arrays
        assert type(arr) is np.ndarray and isinstance(arr.base, np.memmap) and not arr.flags.writeable
    assert summary == {"format": 1, "fingerprint": "f", "terms": len(index.vocab), "chunks": len(chunks),
                       "postings": len(index.rows)}
    assert (loaded.build_id, loaded.ids) == ("b1", [c.chunk_id for c in chunks])
    for q in queries:
        assert np.array_equal(loaded.scores(q), ref.get_scores(q))
    assert loaded.df("imatinib") == sum(1 for c in chunks if "imatinib" in words(c))
    evidence = loaded.top(["mrd", "relapse"], 3, tier="evidence")
    assert evidence and {chunks[r].tier for r in evidence} == {"evidence"}
    assert loaded.top(["mrd"], 3, tier="no-such-tier") == []
    assert [loaded.section_ids[s] for s in loaded.chunk_section.tolist()] == [c.section_id for c in chunks]


def test_an_incomplete_or_foreign_folder_is_refused(tiny_corpus: Path, tmp_path: Path) -> None:
    index = SparseIndex.build(_chunks(tiny_corpus), words, fingerprint="f")
    with pytest.raises(SparseIndexError, match="no sparse index"):
        SparseIndex.load(tmp_path / "missing")
    index.save(tmp_path / "sp")
    (tmp_path / "sp" / "weights.npy").write_bytes(b"\x93NUMPY broken")
    with pytest.raises(SparseIndexError, match="cannot read the sparse index"):
        SparseIndex.load(tmp_path / "sp")
    (tmp_path / "sp" / "sparse.json").write_text('{"format": 99}')
    with pytest.raises(SparseIndexError, match="unknown format 99"):
        SparseIndex.load(tmp_path / "sp")


@pytest.mark.parametrize("spec,message", [
    ("no-colon", "expected 'module:attribute'"),
    ("ingest.nope:terms", "cannot import ingest.nope"),
    ("ingest.sparse:nothing", "has no attribute 'nothing'"),
    ("ingest.sparse:FORMAT", "needs a callable with a string 'fingerprint'"),
])
def test_a_bad_tokenizer_name_is_a_clear_error(spec: str, message: str, tiny_corpus: Path, tmp_path: Path,
                                               embedder) -> None:
    with pytest.raises(SparseIndexError, match=message):
        load_terms(spec)
    cfg = make_config(tmp_path / "store", sparse_tokenizer=spec)
    with pytest.raises(IngestError, match=message):
        run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert not (cfg.store_path / "LIVE.json").exists()


def test_the_sparse_index_is_part_of_the_build(tiny_corpus: Path, tmp_path: Path, embedder) -> None:
    cfg = make_config(tmp_path / "store", sparse_tokenizer=SPEC)
    first = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    info = live_json(cfg.store_path)
    assert info["sparse"]["path"] == f"builds/{first.build_id}/sparse"
    assert info["sparse"]["fingerprint"] == "words-v1" and info["sparse"]["chunks"] == first.chunks_total
    index = open_live_index(cfg, embedder)
    sparse = index.open_sparse("words-v1")
    assert sparse is not None and sparse.build_id == first.build_id
    assert sparse.ids == [c.chunk_id for c in index.all_chunks()]  # the order chunks are read back in
    assert index.open_sparse("words-v2") is None  # another tokenizer version: not used
    # unchanged input and tokenizer: nothing written
    assert run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder).skipped_write
    # a tokenizer change rewrites the build (vectors re-used, nothing embedded); the old build goes with its index
    cfg2 = make_config(tmp_path / "store", sparse_tokenizer=f"{__name__}:other_words")
    second = run_ingest(None, cfg2, corpus_dir=tiny_corpus, embedder=embedder)
    assert not second.skipped_write and second.embedded == 0 and second.unchanged == first.chunks_total
    assert build_dirs(cfg.store_path) == [second.build_id]
    assert live_json(cfg.store_path)["sparse"]["fingerprint"] == "words-v2"
    # the live build's sparse files gone (a damaged copy): the next ingest writes them again
    for f in (cfg.store_path / "builds" / second.build_id / "sparse").iterdir():
        f.unlink()
    third = run_ingest(None, cfg2, corpus_dir=tiny_corpus, embedder=embedder)
    assert not third.skipped_write and third.embedded == 0
    assert open_live_index(cfg2, embedder).open_sparse("words-v2") is not None


def test_a_failing_tokenizer_leaves_the_previous_build_live(tiny_corpus: Path, tmp_path: Path, embedder) -> None:
    cfg = make_config(tmp_path / "store", sparse_tokenizer=SPEC)
    old = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    bad = make_config(tmp_path / "store", sparse_tokenizer=f"{__name__}:_failing")
    with pytest.raises(IngestWriteError, match="tokenizer broke.*previous index is still live"):
        run_ingest(None, bad, corpus_dir=tiny_corpus, embedder=embedder)
    assert live_json(cfg.store_path)["build_id"] == old.build_id
    assert build_dirs(cfg.store_path) == [old.build_id]  # the half-written build is discarded
    assert open_live_index(cfg, embedder).open_sparse("words-v1") is not None


def test_kill_9_between_vectors_and_sparse_index_keeps_previous_build(tiny_corpus: Path, tmp_path: Path,
                                                                      embedder) -> None:
    """The new build's vectors are all written; the process dies while its sparse index is being made."""
    cfg = make_config(tmp_path / "store", sparse_tokenizer=SPEC)
    old = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    big = synthetic_corpus(tmp_path / "big", docs=6, sections=2, sentences=3)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "stall_terms.py").write_text(textwrap.dedent("""
        import time

        def terms(chunk):
            print("SPARSE", flush=True)  # the vectors are written and counted before the sparse index is built
            time.sleep(120)
            return chunk.text.split()

        terms.fingerprint = "stall"
    """))
    code = textwrap.dedent(f"""
        from pathlib import Path
        from ingest import IngestConfig, run_ingest
        cfg = IngestConfig(store_path=Path({str(cfg.store_path)!r}), min_words=8, max_words=40, batch_size=16,
                           model_cache=Path({str(getattr(embedder, "cache_dir", tmp_path))!r}),
                           sparse_tokenizer="stall_terms:terms")
        run_ingest(None, cfg, corpus_dir=Path({str(big)!r}),
                   progress=lambda done, total: print("PROGRESS", done, total, flush=True))
        print("DONE", flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(ROOT)])}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            assert line and "DONE" not in line, f"ingest finished or died before the kill: {lines[-3:]} {line!r}"
            lines.append(line)
            if line.startswith("SPARSE"):
                break
        new_build = [b for b in build_dirs(cfg.store_path) if b != old.build_id]
        assert len(new_build) == 1
        written = open_live_index(cfg, embedder)  # still the old build ...
        assert written.build_id == old.build_id
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    progress = [ln.split() for ln in lines if ln.startswith("PROGRESS")]
    assert progress and progress[-1][1] == progress[-1][2]  # every vector of the new build had been written
    assert live_json(cfg.store_path)["build_id"] == old.build_id
    assert not (cfg.store_path / "builds" / new_build[0] / "sparse" / "sparse.json").exists()
    index = open_live_index(cfg, embedder)
    sparse = index.open_sparse("words-v1")
    assert index.count() == old.chunks_total and sparse is not None and sparse.build_id == old.build_id
    best = sparse.top(["allogeneic", "transplantation"], 1)
    assert best and index.get([sparse.ids[best[0]]])[0].doc_id == "tiny-ph"
    # the next ingest removes the stale build and writes a complete one
    again = run_ingest(None, cfg, corpus_dir=big, embedder=embedder)
    assert build_dirs(cfg.store_path) == [again.build_id]
    assert open_live_index(cfg, embedder).open_sparse("words-v1") is not None
