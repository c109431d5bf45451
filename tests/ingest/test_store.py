"""Embedded store: build, query, incremental updates, zero-write re-ingest, lock, untouched on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ingest_helpers import (
    META,
    build_dirs,
    live_json,
    make_blank_pdf,
    make_config,
    make_encrypted_pdf,
    write_corpus,
    write_md,
)

from ingest import index_status, load_documents, open_live_index, run_ingest
from ingest.chunking import chunk_documents
from ingest.errors import (
    IndexConfigMismatchError,
    IndexMissingError,
    IndexUnavailableError,
    IngestInputError,
    IngestLockedError,
)


def ingest(corpus: Path, cfg, embedder, paths=None, **kw):
    return run_ingest(paths, cfg, corpus_dir=corpus, embedder=embedder, **kw)


@pytest.fixture
def built(tiny_corpus: Path, tmp_path: Path, embedder):
    cfg = make_config(tmp_path / "store")
    report = ingest(tiny_corpus, cfg, embedder)
    return tiny_corpus, cfg, report


def test_build_then_read_back(built, embedder) -> None:
    corpus, cfg, report = built
    expected = chunk_documents(load_documents(corpus_dir=corpus), min_words=8, max_words=40)
    assert (report.documents, report.chunks_total, report.added, report.embedded) == (3, len(expected),
                                                                                      len(expected), len(expected))
    assert report.collection.startswith("allguide_") and not report.skipped_write
    index = open_live_index(cfg, embedder)
    assert index.all_chunks() == sorted(expected, key=lambda c: (c.doc_id, c.chunk_no))
    hits = index.query(embedder.embed_query("stem cell transplantation in first remission"), k=3)
    assert hits[0][0].heading_path == ["Ph-positive ALL", "Transplant"] and 0 <= hits[0][1] < hits[-1][1]
    only = index.query(embedder.embed_query("transplant"), k=10, where={"tier": "context"})
    assert only and {c.tier for c, _ in only} == {"context"}
    ids = [expected[2].chunk_id, "nope", expected[0].chunk_id]
    assert [c.chunk_id for c in index.get(ids)] == [ids[0], ids[2]]
    status = index_status(cfg)
    assert status["exists"] and status["healthy"] and status["mode"] == "embedded"
    assert status["chunks_by_tier"] == report.chunks_by_tier and status["documents_total"] == 3
    assert status["chunker"]["min_words"] == 8 and status["embedding_model"] == embedder.model_id
    assert build_dirs(cfg.store_path) == [report.build_id]


def test_reingest_writes_nothing(built, embedder, monkeypatch) -> None:
    from chromadb.api.models.Collection import Collection

    corpus, cfg, first = built
    writes: list[str] = []
    for name in ("add", "upsert", "update", "delete", "modify"):
        orig = getattr(Collection, name)
        monkeypatch.setattr(Collection, name, lambda self, *a, _n=name, _o=orig, **k: (writes.append(_n), _o(self, *a, **k))[1])
    pointer = (cfg.store_path / "LIVE.json").read_bytes()
    report = ingest(corpus, cfg, embedder)
    assert report.skipped_write and writes == []
    assert (report.build_id, report.added, report.removed, report.embedded) == (first.build_id, 0, 0, 0)
    assert report.unchanged == first.chunks_total
    assert (cfg.store_path / "LIVE.json").read_bytes() == pointer and build_dirs(cfg.store_path) == [first.build_id]


def test_changed_document_replaces_only_its_chunks(built, embedder) -> None:
    corpus, cfg, first = built
    before = {c.chunk_id: c for c in open_live_index(cfg, embedder).all_chunks()}
    path = corpus / "mrd_evidence.md"
    path.write_text(path.read_text().replace("The hazard ratio for relapse\nwas 3.2", "The hazard ratio was 4.1"))
    report = ingest(corpus, cfg, embedder)
    after = {c.chunk_id: c for c in open_live_index(cfg, embedder).all_chunks()}
    assert report.documents_changed == ["tiny-mrd"] and not report.documents_added and not report.documents_removed
    assert {i for i, c in before.items() if c.doc_id != "tiny-mrd"} <= set(after)
    new_mrd = {i for i, c in after.items() if c.doc_id == "tiny-mrd"} - set(before)
    assert new_mrd and report.added == len(new_mrd) and report.embedded == len(new_mrd)
    assert report.removed == len(set(before) - set(after)) > 0
    kept_mrd = {i for i, c in after.items() if c.doc_id == "tiny-mrd"} & set(before)
    assert report.updated == sum(1 for i in kept_mrd if before[i].to_metadata() != after[i].to_metadata())
    assert report.unchanged + report.updated == len(set(before) & set(after))
    assert report.added + report.updated + report.unchanged == report.chunks_total
    assert any("4.1" in after[i].text for i in new_mrd)
    assert build_dirs(cfg.store_path) == [report.build_id] != [first.build_id]


def test_removed_document_disappears_and_metadata_edit_reuses_vectors(built, embedder) -> None:
    corpus, cfg, _ = built
    (corpus / "supportive_care.md").unlink()
    path = corpus / "mrd_evidence.md"
    path.write_text(path.read_text().replace("tier: evidence", "tier: context"))
    report = ingest(corpus, cfg, embedder)
    chunks = open_live_index(cfg, embedder).all_chunks()
    assert report.documents_removed == ["tiny-care"] and report.documents_changed == ["tiny-mrd"]
    assert report.embedded == 0  # same texts: vectors copied from the previous build
    assert {c.doc_id for c in chunks} == {"tiny-ph", "tiny-mrd"}
    assert {c.tier for c in chunks if c.doc_id == "tiny-mrd"} == {"context"}


def test_config_change_builds_new_collection_and_reembeds(built, embedder) -> None:
    corpus, cfg, first = built
    cfg2 = make_config(cfg.store_path, min_words=20, max_words=60)
    report = ingest(corpus, cfg2, embedder)
    assert report.collection != first.collection and report.embedded == report.chunks_total
    assert report.removed == first.chunks_total and report.unchanged == 0
    assert open_live_index(cfg2, embedder).count() == report.chunks_total


def test_lock_held_refuses_with_clear_message(built, embedder) -> None:
    from filelock import FileLock

    corpus, cfg, _ = built
    with FileLock(str(cfg.store_path / "ingest.lock")), pytest.raises(IngestLockedError) as err:
        ingest(corpus, cfg, embedder)
    assert "another ingest is running (lock " in str(err.value) and "remove the lock" in str(err.value)
    assert str(cfg.store_path / "ingest.lock") in str(err.value)


def test_missing_corrupt_and_repaired_index(tmp_path: Path, tiny_corpus: Path, embedder) -> None:
    cfg = make_config(tmp_path / "store")
    with pytest.raises(IndexMissingError, match="allguide ingest"):
        open_live_index(cfg, embedder)
    assert index_status(cfg)["exists"] is False
    first = ingest(tiny_corpus, cfg, embedder)
    shutil.rmtree(cfg.store_path / "builds" / first.build_id)
    with pytest.raises(IndexUnavailableError, match="allguide ingest"):
        open_live_index(cfg, embedder)
    repaired = ingest(tiny_corpus, cfg, embedder)  # same corpus, but the live build is broken: rebuild
    assert not repaired.skipped_write and open_live_index(cfg, embedder).count() == first.chunks_total
    (cfg.store_path / "LIVE.json").write_text("{not json")
    with pytest.raises(IndexUnavailableError, match="corrupted; run `allguide ingest`"):
        open_live_index(cfg, embedder)
    assert not ingest(tiny_corpus, cfg, embedder).skipped_write


def test_other_embedding_model_is_a_mismatch(built) -> None:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    _, cfg, _ = built
    with pytest.raises(IndexConfigMismatchError, match="DeterministicFakeEmbedding"):
        open_live_index(cfg, DeterministicFakeEmbedding(size=384))


def test_stale_builds_are_garbage_collected_and_readers_notice_switch(built, embedder) -> None:
    corpus, cfg, _ = built
    stale = cfg.store_path / "builds" / "20000101T000000-dead00"
    stale.mkdir()
    (stale / "chroma.sqlite3").write_bytes(b"half written")
    reader = open_live_index(cfg, embedder)
    assert ingest(corpus, cfg, embedder).skipped_write and not stale.exists()
    assert reader.is_current()
    (corpus / "supportive_care.md").unlink()
    new = ingest(corpus, cfg, embedder)
    assert not reader.is_current() and reader.refresh() and reader.build_id == new.build_id
    assert reader.count() == new.chunks_total and reader.is_current() and not reader.refresh()


# ---------------------------------------------------------------- bad inputs leave the index untouched


@pytest.fixture(scope="module")
def shared(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("shared")
    corpus = write_corpus(root / "corpus")
    cfg = make_config(root / "store")
    report = ingest(corpus, cfg, embedder)
    return corpus, cfg, report


def _bytes(name: str, data: bytes):
    def make(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name
    return make


def _md(name: str, meta: dict):
    return lambda d: write_md(d / name, meta, "# T\n\nBody text here.\n")


BAD = [
    pytest.param(_bytes("empty.txt", b""), "empty file", id="empty"),
    pytest.param(_bytes("broken.pdf", b"%PDF-1.7\nnot really"), "corrupt or unreadable PDF", id="corrupt-pdf"),
    pytest.param(lambda d: make_encrypted_pdf(d / "locked.pdf"), "encrypted PDF", id="encrypted-pdf"),
    pytest.param(lambda d: make_blank_pdf(d / "scan.pdf"), "no extractable text", id="textless-pdf"),
    pytest.param(_bytes("bad.txt", b"caf\xe9 au lait"), "invalid UTF-8", id="invalid-utf8"),
    pytest.param(_md("nofield.md", {k: v for k, v in META.items() if k != "source"}),
                 "missing front-matter field 'source'", id="missing-field"),
    pytest.param(_md("extra.md", {**META, "section_id": "x/y", "doc_id": "x", "owner": "me"}),
                 "unknown front-matter field 'owner'", id="unknown-field"),
    pytest.param(_md("dup.md", {**META, "doc_id": "dup"}), "duplicate section_id 'tiny/ph-positive'", id="dup-section"),
]


@pytest.mark.parametrize(("make", "problem"), BAD)
def test_bad_input_leaves_index_untouched(shared, embedder, tmp_path: Path, make, problem: str) -> None:
    corpus, cfg, report = shared
    pointer = (cfg.store_path / "LIVE.json").read_bytes()
    bad = make(tmp_path)
    with pytest.raises(IngestInputError) as err:
        ingest(corpus, cfg, embedder, paths=[tmp_path])
    assert err.value.path == str(bad) and problem in err.value.problem
    assert (cfg.store_path / "LIVE.json").read_bytes() == pointer
    assert build_dirs(cfg.store_path) == [report.build_id] == [live_json(cfg.store_path)["build_id"]]
    assert open_live_index(cfg, embedder).count() == report.chunks_total
