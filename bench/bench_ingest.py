"""Ingest benchmark: chunks/s, wall time and peak RSS for the bundled corpus and a 5,000-chunk synthetic one.

Each case runs in its own subprocess (so peak RSS is per case) into a fresh temporary store,
then re-ingests the same input to time the no-change path. Results are printed and written to
bench/ingest_results.json.

Usage:
    .venv/bin/python bench/bench_ingest.py                 # both cases
    .venv/bin/python bench/bench_ingest.py --chunks 1000   # smaller synthetic corpus
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "ingest_results.json"
VOCAB = ["imatinib", "dasatinib", "ponatinib", "blinatumomab", "inotuzumab", "remission", "relapse", "transplant", "donor", "marrow", "induction", "consolidation", "maintenance", "steroid", "infection", "platelet", "neutrophil", "dose", "response", "risk"]
SECTION_WORDS = 96  # 8 sentences x 12 words: one chunk per section with the default 60-250 chunker


def write_synthetic(corpus: Path, chunks: int) -> None:
    """`chunks` sections of ~96 words, 20 per document (one chunk each with default settings)."""
    corpus.mkdir(parents=True, exist_ok=True)
    per_doc = 20
    for d in range(-(-chunks // per_doc)):
        n_sections = min(per_doc, chunks - d * per_doc)
        lines = [
            "---", f"doc_id: syn-{d}", f"title: Synthetic document {d}", f"section_id: syn/{d}",
            "tier: evidence", "source: synthetic benchmark", "edition: '1'", "provenance: generated", "---",
            f"# Synthetic document {d}", "",
        ]
        for s in range(n_sections):
            sentences = []
            for k in range(SECTION_WORDS // 12):
                words = " ".join(VOCAB[(d * 7 + s * 5 + k * 3 + j) % len(VOCAB)] for j in range(9))
                sentences.append(f"Document {d} section {s} {words}.".capitalize())
            lines += [f"## Section {s}", "", " ".join(sentences), ""]
        (corpus / f"syn_{d:04d}.md").write_text("\n".join(lines), encoding="utf-8")


def run_case(corpus: Path) -> dict:
    """Runs in the child process: model load, first ingest, no-change re-ingest."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ingest import IngestConfig, make_embedder, run_ingest

    with tempfile.TemporaryDirectory(prefix="allguide-bench-") as tmp:
        cfg = IngestConfig(store_path=Path(tmp) / "store")
        embedder = make_embedder(cfg)
        t0 = time.perf_counter()
        embedder.embed_query("warm-up")
        load_s = time.perf_counter() - t0
        first = run_ingest(None, cfg, corpus_dir=corpus, embedder=embedder)
        again = run_ingest(None, cfg, corpus_dir=corpus, embedder=embedder)
        assert again.skipped_write
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "documents": first.documents,
        "chunks": first.chunks_total,
        "model_load_s": round(load_s, 2),
        "ingest_s": round(first.seconds, 2),
        "total_s": round(load_s + first.seconds, 2),
        "chunks_per_s": round(first.chunks_total / first.seconds, 1),
        "reingest_noop_s": round(again.seconds, 3),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def _child(corpus: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(corpus)], check=False, cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"},
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark case {corpus} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=5000, help="size of the synthetic corpus")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child)))
        return

    results: dict = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "cases": {},
    }
    corpus = ROOT / "corpus"
    if corpus.is_dir() and any(corpus.glob("*.md")):
        print("bundled corpus ...", flush=True)
        results["cases"]["bundled_corpus"] = _child(corpus)
    else:
        print(f"skipping the bundled corpus: {corpus} has no documents yet")
    with tempfile.TemporaryDirectory(prefix="allguide-synth-") as tmp:
        synth = Path(tmp) / "corpus"
        write_synthetic(synth, args.chunks)
        print(f"synthetic corpus ({args.chunks} chunks) ...", flush=True)
        results["cases"][f"synthetic_{args.chunks}"] = _child(synth)

    for name, r in results["cases"].items():
        print(f"{name:>18}: {r['documents']:>4} docs {r['chunks']:>5} chunks  ingest {r['ingest_s']:>7.2f}s "
              f"({r['chunks_per_s']:.1f} chunks/s)  + model load {r['model_load_s']:.1f}s  "
              f"no-change re-ingest {r['reingest_noop_s']:.3f}s  peak RSS {r['peak_rss_mb']:.0f} MB")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
