"""`make bench`: latency, cold start, API throughput, ingest speed, memory, large-store retrieval, and a plain
LangChain RAG baseline on the same model and Chroma. Prints a table and writes bench/results.json.

Two baselines: the plain stack (sentence-transformers on torch, as a LangChain RAG would embed) and the same
pipeline on the assistant's own ONNX embedder, which isolates what retrieval fusion, drafting and checking cost.

Targets (2-core machine): warm total p50 <= 25 ms, p95 <= 60 ms; no slower than the baseline; 100k-chunk
retrieval p95 <= 100 ms.

Run: .venv/bin/python bench/bench.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

QUESTIONS = [
    "72F Ph+ ALL what induction",
    "Ph+ ALL s/p allo-HSCT, MRD negative, should we give prophylactic dasatinib?",
    "45 yo man with Ph-negative B-ALL in CR1 after pediatric-type induction, MRD 0.05% after induction, transplant?",
    "28M T-ALL relapsed, what salvage",
    "CD19-negative, CD22+ relapsed B-ALL in a 33-year-old",
    "23 yo CD19+ B-ALL relapsed after allo-HSCT, CAR-T?",
    "What induction for a 50 year old with ALL?",
    "Is cranial irradiation required for all adults?",
    "What MRD level after induction means high risk?",
    "How long should TKI maintenance continue without transplant in Ph+ ALL?",
    "Pt 67 yrs, Philadelphia chromosome negative, frail",
    "What did the TOWER trial show?",
    "22 yo Ph-negative B-ALL newly diagnosed, which regimen?",
    "Relapsed Ph+ ALL after imatinib with T315I, what TKI?",
    "What is the induction for AML?",
    "What dose of dasatinib for a 70 year old with Ph+ ALL?",
]


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    k = min(len(v) - 1, max(0, int(round(p / 100 * (len(v) - 1)))))
    return round(v[k], 2)


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": pct(values, 50), "p95": pct(values, 95), "mean": round(statistics.fmean(values), 2),
            "n": len(values)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_store(store: Path) -> tuple[object, float, int]:
    from assistant.settings import Settings
    from ingest import run_ingest

    settings = Settings(store={"path": store})
    t0 = time.perf_counter()
    report = run_ingest(None, settings.ingest_config(), corpus_dir=settings.corpus_dir())
    return settings, time.perf_counter() - t0, report.chunks_total


def bench_warm(settings, rounds: int) -> tuple[dict, dict, object]:
    from assistant.core import Assistant

    bot = Assistant.from_settings(settings)
    for q in QUESTIONS:
        bot.ask(q)
    stages: dict[str, list[float]] = {k: [] for k in ("retrieve", "draft", "check", "total")}
    wall: list[float] = []
    for rnd in range(rounds):
        for q in QUESTIONS:
            q = f"{q} (case {rnd + 1})"  # a new text each round: no cache hits in the measurement
            t = time.perf_counter()
            a = bot.ask(q)
            wall.append((time.perf_counter() - t) * 1000)
            for k in stages:
                stages[k].append(a.timings_ms.get(k, 0.0))
    return {k: summary(v) for k, v in stages.items()}, summary(wall), bot


def bench_baseline(bot, rounds: int, embedder=None) -> dict:
    """Plain LangChain RAG: same embedding model, same Chroma collection, similarity_search k=5, no rule layer.

    `embedder=None` uses the assistant's own embedder (isolates the cost of the extra work); pass a
    sentence-transformers embedder for the stack a plain LangChain RAG would use (torch, default threads)."""
    from langchain_chroma import Chroma

    index = bot.index
    store = Chroma(client=index.client, collection_name=index.collection.name,
                   embedding_function=embedder or index.embedder)
    for q in QUESTIONS:
        store.similarity_search(q, k=5)
    wall: list[float] = []
    for rnd in range(rounds):
        for q in QUESTIONS:
            q = f"{q} (case {rnd + 1})"
            t = time.perf_counter()
            docs = store.similarity_search(q, k=5)
            _answer = "\n\n".join(d.page_content for d in docs)  # the "answer" of a plain RAG without an LLM
            wall.append((time.perf_counter() - t) * 1000)
    return summary(wall)


def bench_cold_start(store: Path) -> float:
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(store)}
    exe = str(Path(sys.executable).parent / "allguide")
    t = time.perf_counter()
    subprocess.run([exe, "ask", "--json", QUESTIONS[0]], env=env, check=True, capture_output=True)
    return round(time.perf_counter() - t, 2)


def bench_api(store: Path, clients_list: list[int], requests_per_client: int) -> dict:
    import httpx

    port = free_port()
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(store)}
    exe = str(Path(sys.executable).parent / "allguide")
    proc = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            return {"error": "API did not become ready"}
        out: dict[str, dict] = {}
        for n in clients_list:
            errors = 0
            lat: list[float] = []
            lock = threading.Lock()

            def worker(i: int) -> None:
                nonlocal errors
                with httpx.Client(base_url=base, timeout=60) as c:
                    for j in range(requests_per_client):
                        q = QUESTIONS[(i + j) % len(QUESTIONS)]
                        t = time.perf_counter()
                        r = c.post("/v1/ask", json={"question": q})
                        with lock:
                            lat.append((time.perf_counter() - t) * 1000)
                            if r.status_code != 200:
                                errors += 1

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
            t0 = time.perf_counter()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            dt = time.perf_counter() - t0
            out[str(n)] = {"requests_per_s": round(n * requests_per_client / dt, 1), "errors": errors,
                           "latency_ms": summary(lat)}
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def synthetic_chunks(n: int, seed: int = 7):
    """Chunks with text recombined from the real corpus vocabulary (so BM25 sees realistic postings)."""
    from assistant.models import Chunk
    from ingest.chunking import chunk_documents
    from ingest.loaders import load_documents

    words = " ".join(c.text for c in chunk_documents(load_documents(corpus_dir=ROOT / "corpus"))).split()
    rng = random.Random(seed)
    tiers = ["guideline", "evidence", "context"]
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(60, 200))) + "."
        yield Chunk(chunk_id=f"syn{i:07d}", doc_id=f"syn-doc-{i // 20}", section_id=f"syn/{i // 20}",
                    title=f"Synthetic {i // 20}", heading_path=[f"Synthetic {i // 20}"], tier=tiers[i % 3],
                    source="synthetic", chunk_no=i % 20, char_start=0, char_end=len(text), text=text)


def bench_large_retrieval(n: int, embedder, queries: int) -> dict:
    """Retrieval p50/p95 (query embedding + BM25 + HNSW + fusion) on a synthetic store of n chunks.

    Vectors are random unit vectors (embedding 100k texts would take hours on 2 cores); HNSW search cost depends
    on the count and dimension, not on where the vectors came from.
    """
    import chromadb
    import numpy as np
    from chromadb.config import Settings as ChromaSettings

    from assistant.retrieval import HybridRetriever
    from assistant.rules import default_rulebook

    tmp = Path(tempfile.mkdtemp(prefix=f"allguide-bench-{n}-"))
    try:
        client = chromadb.PersistentClient(path=str(tmp), settings=ChromaSettings(anonymized_telemetry=False))
        col = client.create_collection(f"bench{n}", embedding_function=embedder.as_chroma_function(),
                                       configuration={"hnsw": {"space": "cosine"}})
        chunks = list(synthetic_chunks(n))
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        step = 5000
        for i in range(0, n, step):
            part = chunks[i:i + step]
            vecs = rng.standard_normal((len(part), 384)).astype("float32")
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            col.add(ids=[c.chunk_id for c in part], embeddings=vecs.tolist(), documents=[c.text for c in part],
                    metadatas=[c.to_metadata() for c in part])
        load_s = time.perf_counter() - t0

        def dense(question: str, k: int, tier: str | None):
            res = col.query(query_embeddings=[embedder.embed_query(question)], n_results=k,
                            where={"tier": tier} if tier else None, include=["distances"])
            return list(zip(res["ids"][0], res["distances"][0]))

        t1 = time.perf_counter()
        retriever = HybridRetriever(chunks, dense, rulebook=default_rulebook())
        bm25_build_s = time.perf_counter() - t1
        qs = (QUESTIONS * (queries // len(QUESTIONS) + 1))[:queries]
        for q in qs[:5]:
            retriever.search(q, k=5)
        lat, bm25_lat, dense_lat = [], [], []
        for q in qs:
            t = time.perf_counter()
            retriever.search(q, k=5)
            lat.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            retriever.bm25_ranking(q, 30)
            bm25_lat.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            retriever.dense_ranking(q, 30)
            dense_lat.append((time.perf_counter() - t) * 1000)
        return {"chunks": n, "store_load_s": round(load_s, 1), "bm25_index_build_s": round(bm25_build_s, 1),
                "hybrid_ms": summary(lat), "bm25_ms": summary(bm25_lat), "dense_ms": summary(dense_lat)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds, 10k store only")
    args = ap.parse_args()
    rounds = 2 if args.quick else 5
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                     "targets": {"warm_total_p50_ms": 25, "warm_total_p95_ms": 60, "retrieval_100k_p95_ms": 100}}
    store = Path(tempfile.mkdtemp(prefix="allguide-bench-store-"))
    try:
        settings, ingest_s, n_chunks = build_store(store)
        results["ingest"] = {"chunks": n_chunks, "seconds_incl_model_load": round(ingest_s, 1),
                             "chunks_per_s": round(n_chunks / ingest_s, 1)}
        stages, wall, bot = bench_warm(settings, rounds)
        results["warm_latency_ms"] = stages
        results["warm_wall_ms"] = wall
        from ingest.embeddings import SentenceTransformerEmbeddings

        base = bench_baseline(bot, rounds, SentenceTransformerEmbeddings())  # sentence-transformers on torch
        same = bench_baseline(bot, rounds)  # the assistant's own (ONNX) embedder: what the extra work costs
        results["baseline_langchain_rag_ms"] = base
        results["ratio_allguide_over_baseline_p50"] = round(stages["total"]["p50"] / base["p50"], 2)
        results["baseline_same_embedder_ms"] = same
        results["ratio_allguide_over_same_embedder_baseline_p50"] = round(stages["total"]["p50"] / same["p50"], 2)
        results["cold_start_ask_s"] = bench_cold_start(store)
        results["api"] = bench_api(store, [1, 8, 32], 4 if args.quick else 8)
        sizes = [10_000] if args.quick else [10_000, 100_000]
        results["large_retrieval"] = {str(n): bench_large_retrieval(n, bot.index.embedder, 50) for n in sizes}
        results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    t = results["warm_latency_ms"]["total"]
    print(f"\nwarm total p50 {t['p50']} ms / p95 {t['p95']} ms (targets 25 / 60); "
          f"baseline p50 {results['baseline_langchain_rag_ms']['p50']} ms; ratio "
          f"{results['ratio_allguide_over_baseline_p50']}; same-embedder baseline p50 "
          f"{results['baseline_same_embedder_ms']['p50']} ms, ratio "
          f"{results['ratio_allguide_over_same_embedder_baseline_p50']}; wrote {out}")


if __name__ == "__main__":
    main()
