"""run_ingest end to end: user files, progress, manifest, and a kill -9 in the middle of a build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from ingest_helpers import PAGE_SENTENCES, build_dirs, live_json, make_config, make_pdf, synthetic_corpus

from ingest import open_live_index, run_ingest
from ingest.errors import IngestInputError

ROOT = Path(__file__).resolve().parents[2]


def test_user_files_join_the_corpus_with_their_tier_and_pages(tiny_corpus: Path, tmp_path: Path, embedder) -> None:
    user = tmp_path / "user"
    user.mkdir()
    make_pdf(user / "Three Pages.pdf")
    (user / "ward.txt").write_text("Check potassium every morning. Give fluids before chemotherapy.\n")
    (user / "page.html").write_text("<h1>Local policy</h1><p>Platelets are kept above ten.</p>")
    cfg = make_config(tmp_path / "store", min_words=3, max_words=15)
    calls: list[tuple[int, int]] = []
    report = run_ingest([user], cfg, corpus_dir=tiny_corpus, embedder=embedder,
                        progress=lambda d, t: calls.append((d, t)), tier_for_user_files="evidence")
    assert report.documents == 6 and sorted(report.documents_added) == sorted(
        ["tiny-ph", "tiny-mrd", "tiny-care", "three-pages", "ward", "page"])
    assert calls[0] == (0, report.embedded) and calls[-1] == (report.embedded, report.embedded)
    assert len(calls) == 1 + -(-report.embedded // cfg.batch_size)
    chunks = open_live_index(cfg, embedder).all_chunks()
    pdf = [c for c in chunks if c.doc_id == "three-pages"]
    assert [c.page for c in pdf] == [1, 2, 3]
    for c in pdf:
        assert all(s in c.text for s in PAGE_SENTENCES[c.page - 1])
        assert (c.section_id, c.tier, c.source, c.provenance) == (
            "user/three-pages", "evidence", "Three Pages.pdf", "user-supplied document")
    html = [c for c in chunks if c.doc_id == "page"]
    assert html[0].title == "Local policy" and html[0].heading_path == ["Local policy"]
    # dropping the user files from the input set removes them again
    again = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert sorted(again.documents_removed) == ["page", "three-pages", "ward"] and again.embedded == 0


def test_manifest_is_enforced_and_recorded(tiny_corpus: Path, tmp_path: Path, embedder) -> None:
    cfg = make_config(tmp_path / "store")
    (tiny_corpus / "manifest.yaml").write_text("corpus_version: '2023.1'\ndocuments: [tiny-ph, tiny-mrd]\n")
    with pytest.raises(IngestInputError, match="supportive_care.md: document 'tiny-care' is not listed"):
        run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert not (cfg.store_path / "LIVE.json").exists()
    (tiny_corpus / "manifest.yaml").write_text("corpus_version: '2023.1'\ndocuments: [tiny-ph, tiny-mrd, tiny-care]\n")
    run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert live_json(cfg.store_path)["corpus_version"] == "2023.1"


def test_nothing_to_ingest_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nothing to ingest"):
        run_ingest(None, make_config(tmp_path), corpus_dir=None)


def test_kill_9_during_build_keeps_previous_index(tiny_corpus: Path, tmp_path: Path, embedder) -> None:
    cfg = make_config(tmp_path / "store", batch_size=8)
    old = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    big = synthetic_corpus(tmp_path / "big", docs=30, sections=4, sentences=6)
    code = textwrap.dedent(f"""
        from pathlib import Path
        from ingest import IngestConfig, run_ingest
        cfg = IngestConfig(store_path=Path({str(cfg.store_path)!r}), min_words=8, max_words=40, batch_size=8)
        run_ingest(None, cfg, corpus_dir=Path({str(big)!r}),
                   progress=lambda done, total: print("PROGRESS", done, total, flush=True))
        print("DONE", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line and "DONE" not in line, f"ingest finished or died before the kill: {line!r}"
            parts = line.split()
            if parts[:1] == ["PROGRESS"] and int(parts[1]) >= 16 and len(build_dirs(cfg.store_path)) == 2:
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        total = int(parts[2])
        assert int(parts[1]) < total
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert live_json(cfg.store_path)["build_id"] == old.build_id and len(build_dirs(cfg.store_path)) == 2
    index = open_live_index(cfg, embedder)
    assert index.count() == old.chunks_total
    hits = index.query(embedder.embed_query("stem cell transplantation"), k=2)
    assert hits and hits[0][0].doc_id == "tiny-ph"
    (tiny_corpus / "supportive_care.md").unlink()  # a real change, so a new build is written
    new = run_ingest(None, cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert not new.skipped_write and new.documents_removed == ["tiny-care"] and new.embedded == 0
    assert build_dirs(cfg.store_path) == [new.build_id]
