"""`make bench`: latency, cold start, API throughput, ingest speed, memory, large-store retrieval, and a plain
LangChain RAG baseline on the same model and Chroma. Prints a table and writes bench/results.json.

Two baselines: the plain stack (sentence-transformers on torch, as a LangChain RAG would embed) and the same
pipeline on the assistant's own ONNX embedder, which isolates what retrieval fusion, drafting and checking cost.

The API runs as `allguide serve --workers <2 x cores>`; like the in-process measurement it is warmed with the
benchmark questions first, in every worker (a connection on each), and every measured request is a new text (no
cache hits). Clients are standard-library
keep-alive connections opened before the clock starts; `api.N.overhead_ms` is each request's latency minus the
answer time the server reports for it (paired, so it holds on a busy machine). Large indexes are real
builds (`build_index`: Chroma plus the persisted sparse index; random unit vectors instead of embedding 100k
texts), opened in a fresh process: `open_s` is opening the live build until the first hybrid answer is possible.

Japanese questions (`evals/data/ja.jsonl`) are timed like the English ones, in process, warm, a new text every
round (`warm_latency_ms_ja`, part `ja`). The rule layer's own time per answer (`check_ms`, part `check`) is what
`python -m evals.check_time --recorded evals/data/generated.jsonl` reports for the recorded generated answers (run
in a fresh process on the same store; its gold-answer figures go to `check_ms_gold`).

Targets (TARGETS below, 2-core machine) are printed in a table next to the measured values.

Run: .venv/bin/python bench/bench.py [--quick] [--parts warm,ja,check,cold,api,large,ingest] [--store .allguide]
(`make bench PARTS=api,cold` runs only those parts; a partial run writes bench/results.partial.json)
"""

from __future__ import annotations

import argparse
import contextlib
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
from typing import Any

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


#: key (dotted path in results.json) -> (description, comparison, target); "rel" targets are computed.
TARGETS: list[tuple[str, str, str, float | str]] = [
    ("warm_latency_ms.total.p50", "warm answer p50 (ms)", "<=", 12),
    ("warm_latency_ms.total.p95", "warm answer p95 (ms)", "<=", 25),
    ("ratio_allguide_over_same_embedder_baseline_p50", "p50 / same-embedder baseline", "<=", 1.3),
    ("warm_latency_ms_ja.total.p50", "warm Japanese answer p50 (ms)", "<=", 40),
    ("warm_latency_ms_ja.total.p95", "warm Japanese answer p95 (ms)", "<=", 80),
    ("check_ms.p50", "rule-layer check per generated answer p50 (ms)", "", ""),
    ("check_ms.p95", "rule-layer check per generated answer p95 (ms)", "<=", 5),
    ("baseline_same_embedder_ms.p50", "same-embedder baseline p50 (ms)", "", ""),
    ("baseline_langchain_rag_ms.p50", "LangChain RAG baseline p50 (ms)", "", ""),
    ("api.1.latency_ms.p50", "API, 1 client, p50 (ms)", "<=", "in-process p50 + 5"),
    ("api.1.overhead_ms.p50", "API, 1 client, p50 latency - answer time (ms)", "", ""),
    ("api.8.requests_per_s", "API, 8 clients (req/s)", ">=", 100),
    ("api.8.server_cpu_ms_per_request", "API, 8 clients, server CPU per request (ms)", "", ""),
    ("api.8.errors", "API, 8 clients, errors", "<=", 0),
    ("api.32.requests_per_s", "API, 32 clients (req/s)", "", ""),
    ("large_retrieval.100000.open_s", "100k chunks: open to first answer (s)", "<=", 10),
    ("large_retrieval.100000.hybrid_ms.p95", "100k chunks: hybrid retrieval p95 (ms)", "<=", 40),
    ("large_retrieval.10000.open_s", "10k chunks: open to first answer (s)", "", ""),
    ("cold_start_ask_s", "cold `allguide ask` (s)", "<=", 2),
    ("peak_rss_mb", "peak RSS of the bench process (MB)", "", ""),
]


def lookup(results: dict, key: str) -> object:
    cur: object = results
    for part in key.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def target_table(results: dict) -> list[tuple[str, str, str, str, str]]:
    """(description, key, value, target, verdict) rows."""
    rows = []
    for key, text, op, target in TARGETS:
        value = lookup(results, key)
        if target == "in-process p50 + 5":
            inproc = lookup(results, "warm_latency_ms.total.p50")
            target = round(float(inproc) + 5, 2) if isinstance(inproc, (int, float)) else ""  # type: ignore[arg-type]
        verdict = ""
        if op and isinstance(value, (int, float)) and isinstance(target, (int, float)):
            verdict = "ok" if (value <= target if op == "<=" else value >= target) else "MISSED"
        elif op:
            verdict = "n/a"
        rows.append((text, key, "" if value is None else str(value), f"{op} {target}".strip(), verdict))
    return rows


def print_table(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="make bench: measured vs target")
    for col in ("measure", "results.json key", "value", "target", ""):
        table.add_column(col)
    for row in target_table(results):
        table.add_row(*row, style="red" if row[-1] == "MISSED" else None)
    Console(width=140).print(table)


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


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


def bench_paired(settings, rounds: int) -> tuple[dict, dict, dict, dict, object]:
    """The warm answer and the same-embedder baseline measured question by question in turn (paired samples), so
    a busy, shared machine slows both alike instead of whichever phase ran during someone else's job. The plain
    LangChain RAG on torch runs in its own phase afterwards (torch's OpenMP threads keep spinning after each call
    and would slow whatever runs next).

    Returns (stages, wall, LangChain RAG baseline, same-embedder baseline, assistant)."""
    from langchain_chroma import Chroma

    from assistant.core import Assistant
    from assistant.factories import warm_up
    from ingest.embeddings import SentenceTransformerEmbeddings

    bot = Assistant.from_settings(settings)
    index = bot.index
    plain = Chroma(client=index.client, collection_name=index.collection.name,
                   embedding_function=SentenceTransformerEmbeddings())  # sentence-transformers on torch
    same = Chroma(client=index.client, collection_name=index.collection.name, embedding_function=index.embedder)
    warm_up(bot)  # as a serving process does (api.py): caches filled, long-lived objects frozen for the collector
    for q in QUESTIONS:  # warm-up: every path once
        bot.ask(q)
        same.similarity_search(q, k=5)
    stages: dict[str, list[float]] = {k: [] for k in ("retrieve", "draft", "check", "total")}
    wall: list[float] = []
    base: list[float] = []
    base_same: list[float] = []

    def rag(store, q: str) -> float:
        t = time.perf_counter()
        docs = store.similarity_search(q, k=5)
        _answer = "\n\n".join(d.page_content for d in docs)  # the "answer" of a plain RAG without an LLM
        return (time.perf_counter() - t) * 1000

    for rnd in range(rounds):
        for q in QUESTIONS:
            q = f"{q} (case {rnd + 1})"  # a new text each round: no cache hits in the measurement
            t = time.perf_counter()
            a = bot.ask(q)
            wall.append((time.perf_counter() - t) * 1000)
            for k in stages:
                stages[k].append(a.timings_ms.get(k, 0.0))
            base_same.append(rag(same, q + " (same)"))
    for q in QUESTIONS:
        plain.similarity_search(q, k=5)
    for rnd in range(rounds):
        for q in QUESTIONS:
            base.append(rag(plain, f"{q} (case {rnd + 1}) (rag)"))
    return ({k: summary(v) for k, v in stages.items()}, summary(wall), summary(base), summary(base_same), bot)


JA_QUESTIONS_FILE = ROOT / "evals" / "data" / "ja.jsonl"
RECORDED_ANSWERS_FILE = ROOT / "evals" / "data" / "generated.jsonl"


def ja_questions(path: Path = JA_QUESTIONS_FILE) -> list[str]:
    """The Japanese gold questions (clinician, resident shorthand, patient and family, mixed, refusals)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows]


def bench_warm_ja(bot, questions: list[str], rounds: int) -> tuple[dict, dict]:
    """Warm in-process answers to Japanese questions, measured as the English ones are: every question asked once
    first, then `rounds` rounds with a new text each time (" (case N)", which changes the English reading too, so
    no query embedding is a cache hit). Returns (stages, wall)."""
    for q in questions:
        bot.ask(q)
    stages: dict[str, list[float]] = {k: [] for k in ("retrieve", "draft", "check", "total")}
    wall: list[float] = []
    for rnd in range(rounds):
        for q in questions:
            t = time.perf_counter()
            a = bot.ask(f"{q} (case {rnd + 1})")
            wall.append((time.perf_counter() - t) * 1000)
            for k in stages:
                stages[k].append(a.timings_ms.get(k, 0.0))
    return {k: summary(v) for k, v in stages.items()}, summary(wall)


def parse_check_time(stdout: str) -> dict[str, dict]:
    """The `name: {p50, p95, ...}` lines `python -m evals.check_time` prints, by name.

    >>> parse_check_time("gold, warm: {'n': 2, 'p50': 1.5, 'p95': 2.0, 'max': 2.0}\\nother line")
    {'gold, warm': {'n': 2, 'p50': 1.5, 'p95': 2.0, 'max': 2.0}}
    """
    import ast
    import re

    out: dict[str, dict] = {}
    for line in stdout.splitlines():
        m = re.match(r"^([^:{]+): (\{.*\})\s*$", line)
        if m:
            out[m.group(1).strip()] = ast.literal_eval(m.group(2))
    return out


def bench_check(store: Path, recorded: Path = RECORDED_ANSWERS_FILE, suite: str = "full") -> dict:
    """The rule layer's time per answer from `python -m evals.check_time --recorded ...` in a fresh process on this
    store: {"recorded": the generated answers, "gold_cold", "gold_warm": the extractive answers to `suite`}."""
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(store),
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    cmd = [sys.executable, "-m", "evals.check_time", "--recorded", str(recorded), "--suite", suite]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"evals.check_time failed ({out.returncode}): {out.stderr[-600:]}")
    parsed = parse_check_time(out.stdout)
    missing = {"recorded LLM answers", "gold, cold", "gold, warm"} - set(parsed)
    if missing:
        raise RuntimeError(f"evals.check_time printed no {', '.join(sorted(missing))}: {out.stdout[-400:]!r}")
    return {"recorded": parsed["recorded LLM answers"], "gold_cold": parsed["gold, cold"],
            "gold_warm": parsed["gold, warm"]}


def bench_cold_start(store: Path, runs: int = 5) -> list[float]:
    """Seconds for each of `runs` fresh `allguide ask --json` processes (a busy machine spreads them: the median is
    reported)."""
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(store)}
    exe = str(Path(sys.executable).parent / "allguide")
    # the project's bytecode cached as after any first run (PYTHONDONTWRITEBYTECODE=1 would otherwise make every
    # run compile assistant/ and ingest/ from source again: about 0.2 s more on 2 cores)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "assistant"), str(ROOT / "ingest")],
                   check=True, capture_output=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([exe, "ask", "--json", QUESTIONS[0]], env=env, check=True, capture_output=True)
        times.append(round(time.perf_counter() - t, 2))
    return times


class StdlibClient:
    """One keep-alive HTTP/1.1 connection (the standard library's `http.client`): about 0.5 ms of CPU per request
    against httpx's 2-3 ms, which on a 2-core machine would be taken from the server being measured."""

    def __init__(self, base: str) -> None:
        import http.client
        from urllib.parse import urlsplit

        u = urlsplit(base)
        self.conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port or 80, timeout=60)
        self.conn.connect()

    def post(self, path: str, payload: dict) -> tuple[int, bytes]:
        self.conn.request("POST", path, json.dumps(payload).encode(), {"content-type": "application/json"})
        r = self.conn.getresponse()
        return r.status, r.read()

    def local_port(self) -> int:
        return int(self.conn.sock.getsockname()[1])

    def close(self) -> None:
        self.conn.close()


class HttpxClient:
    def __init__(self, base: str) -> None:
        import httpx

        self.client = httpx.Client(base_url=base, timeout=60)

    def post(self, path: str, payload: dict) -> tuple[int, bytes]:
        r = self.client.post(path, json=payload)
        return r.status_code, r.content

    def close(self) -> None:
        self.client.close()


def process_tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its children (the API's workers)."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for p in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def bench_api(store: Path, clients_list: list[int], requests_per_client: int, workers: int,
              client: str = "stdlib") -> dict:
    """`allguide serve --workers N` under 1, 8 and 32 closed-loop clients, each on its own keep-alive connection,
    all connected before the clock starts. Per request: the client's latency and the server's own answer time
    (`timings_ms.total` of the returned Answer), so `overhead_ms` (latency minus answer time, paired per request)
    is what HTTP, serving and the client add whatever else the machine is doing; CPU per request is counted for
    the server processes and for the client."""
    import httpx

    make = StdlibClient if client == "stdlib" else HttpxClient
    port = free_port()
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(store)}
    exe = str(Path(sys.executable).parent / "allguide")
    proc = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        for warm in _one_client_per_worker(base, proc.pid, port, workers):
            for q in QUESTIONS:  # as in-process: each question asked once before, in every worker
                warm.post("/v1/ask", {"question": q})
            warm.close()
        out: dict = {"workers": workers, "client": client}
        for n in clients_list:
            out[str(n)] = _api_round(base, make, proc.pid, n, requests_per_client * 4 if n == 1 else
                                     requests_per_client * 3 if n == 8 else requests_per_client)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _one_client_per_worker(base: str, server_pid: int, port: int, n_workers: int,
                           tries: int = 64) -> list[StdlibClient]:
    """Connections, one on each worker process: each worker has its own listener and the kernel picks one per
    connection, so connect until every worker holds one (found by the connection's port, with psutil)."""
    import psutil

    def listening() -> list[psutil.Process]:
        return [p for p in psutil.Process(server_pid).children(recursive=True)
                if any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in p.net_connections("tcp"))]

    deadline = time.time() + 120  # (/readyz answers once one worker is up; the others may still be loading)
    while len(workers := listening()) < n_workers and n_workers > 1 and time.time() < deadline:
        time.sleep(0.2)
    workers = workers or [psutil.Process(server_pid)]  # (one process serving: the parent itself)
    chosen: dict[int, StdlibClient] = {}
    for _ in range(tries):
        c = StdlibClient(base)
        c.post("/v1/ask", {"question": QUESTIONS[0]})  # (uvicorn has accepted it: the connection shows in a worker)
        owner = next((w.pid for w in workers if any(k.raddr and k.raddr.port == c.local_port()
                                                      for k in w.net_connections("tcp"))), None)
        if owner is None or owner in chosen:
            c.close()
        else:
            chosen[owner] = c
        if len(chosen) == len(workers):
            break
    return list(chosen.values())


def _api_round(base: str, make: Any, server_pid: int, n: int, per_client: int) -> dict:
    errors = 0
    lat: list[float] = []
    answer_ms: list[float] = []
    overhead: list[float] = []
    lock = threading.Lock()
    clients = [make(base) for _ in range(n)]  # connected before the clock starts
    start = threading.Barrier(n + 1)

    def worker(i: int) -> None:
        nonlocal errors
        c = clients[i]
        start.wait()
        for j in range(per_client):
            q = f"{QUESTIONS[(i + j) % len(QUESTIONS)]} (api {n}-{i}-{j})"  # a new text: no cache hits
            t = time.perf_counter()
            status, body = c.post("/v1/ask", {"question": q})
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(ms)
                if status != 200:
                    errors += 1
                    continue
                server = json.loads(body)["timings_ms"]["total"]
                answer_ms.append(server)
                overhead.append(ms - server)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    cpu_server, cpu_client = process_tree_cpu_s(server_pid), time.process_time()
    t0 = time.perf_counter()
    start.wait()
    for th in threads:
        th.join()
    dt = time.perf_counter() - t0
    cpu_server, cpu_client = process_tree_cpu_s(server_pid) - cpu_server, time.process_time() - cpu_client
    for c in clients:
        c.close()
    total = n * per_client
    return {"requests_per_s": round(total / dt, 1), "errors": errors, "latency_ms": summary(lat),
            "server_answer_ms": summary(answer_ms), "overhead_ms": summary(overhead),
            "server_cpu_ms_per_request": round(cpu_server * 1000 / total, 2),
            "client_cpu_ms_per_request": round(cpu_client * 1000 / total, 2)}


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


def build_large_store(n: int, store: Path) -> float:
    """A real build of n synthetic chunks (Chroma + persisted sparse index) through `build_index`; seconds taken.

    Vectors are random unit vectors (embedding 100k texts would take hours on 2 cores); HNSW search cost depends
    on the count and dimension, not on where the vectors came from. The embedder keeps the real model's id, so
    the store opens with the real embedder for queries."""
    import numpy as np

    from assistant.settings import Settings
    from ingest.embeddings import make_embedder
    from ingest.models import Document
    from ingest.store import build_index, ingest_lock

    settings = Settings(store={"path": store})
    cfg = settings.ingest_config().model_copy(update={"batch_size": 5000})
    real = make_embedder(cfg)
    rng = np.random.default_rng(0)

    class RandomVectors(type(real)):  # type: ignore[misc]
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            vecs = rng.standard_normal((len(texts), 384)).astype("float32")
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            return vecs.tolist()

    emb = RandomVectors.__new__(RandomVectors)
    emb.__dict__.update(real.__dict__)
    chunks = list(synthetic_chunks(n))
    docs = [Document(doc_id=c.doc_id, title=c.title, section_id=c.section_id, tier=c.tier, source=c.source,
                     path=f"{c.doc_id}.md", text="") for c in chunks if c.chunk_no == 0]
    t0 = time.perf_counter()
    with ingest_lock(cfg):
        build_index(chunks, docs, cfg, emb)
    return time.perf_counter() - t0


OPEN_PROBE = """
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
from assistant.settings import Settings
from assistant.factories import make_embeddings, make_retriever, make_store
from bench.bench import QUESTIONS, peak_rss_mb, summary
settings = Settings(store={{"path": {store!r}}})
emb = make_embeddings(settings)
emb.embed_query("warm-up")  # (the model load is the same for every index size: not part of opening)
t0 = time.perf_counter()
index = make_store(settings, emb)
retriever = make_retriever(settings, index, emb)
t_sparse = time.perf_counter() - t0
retriever.search(QUESTIONS[0], k=5)
open_s = time.perf_counter() - t0
qs = [f"{{q}} (large {{i}})" for i, q in enumerate((QUESTIONS * 8)[:{queries}])]
lat, bm25_lat, dense_lat = [], [], []
for q in qs:
    t = time.perf_counter(); retriever.search(q, k=5); lat.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter(); retriever.bm25_ranking(q, 30); bm25_lat.append((time.perf_counter() - t) * 1000)
    q = q + " (dense)"  # (a text not embedded yet: query embeddings are memoised per question)
    t = time.perf_counter(); retriever.dense_ranking(q, 30); dense_lat.append((time.perf_counter() - t) * 1000)
print(json.dumps({{"open_s": round(open_s, 2), "bm25_index_build_s": round(t_sparse, 2),
                  "hybrid_ms": summary(lat), "bm25_ms": summary(bm25_lat), "dense_ms": summary(dense_lat),
                  "chunks_read_s_open": retriever.cache_info()["cached"],
                  "process_peak_rss_mb": peak_rss_mb()}}))
"""


def bench_large_retrieval(n: int, queries: int) -> dict:
    """Build an n-chunk store, then open it in a fresh process and time retrieval (query embedding + BM25 on the
    memory-mapped sparse index + HNSW + fusion + reading the top chunks by id).

    `bm25_index_build_s` is now the time to open the persisted sparse index (it is built at ingest, inside
    `store_load_s`, the whole build)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"allguide-bench-{n}-"))
    try:
        load_s = build_large_store(n, tmp)
        code = OPEN_PROBE.format(root=str(ROOT), store=str(tmp), queries=queries)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "HF_HUB_OFFLINE": "1"})
        probe = json.loads(out.stdout.strip().splitlines()[-1])
        probe["chunks_read_after_queries"] = probe.pop("chunks_read_s_open")
        return {"chunks": n, "store_load_s": round(load_s, 1), **probe}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


PARTS = ("ingest", "warm", "ja", "check", "cold", "api", "large")


def parse_parts(text: str) -> list[str]:
    """`--parts api,cold` -> ["api", "cold"]; an unknown part is an error naming the known ones."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"unknown part(s) {', '.join(unknown) or '(none given)'}; "
                                         f"choose from {', '.join(PARTS)}")
    return parts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds, 10k store only")
    ap.add_argument("--parts", type=parse_parts, default=list(PARTS),
                    help=f"comma-separated parts to run (default all: {','.join(PARTS)}); a partial run writes "
                         "bench/results.partial.json and leaves bench/results.json alone")
    ap.add_argument("--store", type=Path, default=None,
                    help="use this existing index (e.g. .allguide) instead of ingesting into a temporary one")
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                    help="API workers (default: two per core: with keep-alive clients each connection stays on one "
                         "worker, and more workers spread 8 connections more evenly over the cores)")
    ap.add_argument("--api-client", choices=("stdlib", "httpx"), default="stdlib",
                    help="the API benchmark's HTTP client (stdlib http.client, the lighter one, or httpx)")
    ap.add_argument("--cold-runs", type=int, default=5, help="cold `allguide ask` runs (the median is reported)")
    args = ap.parse_args(argv)
    parts = set(args.parts)
    if args.store is not None and "ingest" in parts:
        ap.error("the ingest part times a fresh ingest into a temporary store: leave out --store, or the part")
    rounds = 2 if args.quick else 5
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                                 "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]},
                     "targets": {"warm_total_p50_ms": 12, "warm_total_p95_ms": 25, "ratio_over_same_embedder": 1.3,
                                 "api_1_client_p50_over_in_process_ms": 5, "api_8_clients_requests_per_s": 100,
                                 "open_100k_s": 10, "retrieval_100k_p95_ms": 40, "cold_start_ask_s": 2,
                                 "warm_ja_total_p50_ms": 40, "warm_ja_total_p95_ms": 80, "check_p95_ms": 5}}
    if parts != set(PARTS):
        results["parts"] = [p for p in PARTS if p in parts]
    tmp_store = None
    if args.store is not None:
        store = args.store.resolve()
    else:
        store = tmp_store = Path(tempfile.mkdtemp(prefix="allguide-bench-store-"))
    try:
        if tmp_store is not None and parts & {"ingest", "warm", "ja", "check", "cold", "api"}:  # ("large": its own)
            settings, ingest_s, n_chunks = build_store(store)
            if "ingest" in parts:
                results["ingest"] = {"chunks": n_chunks, "seconds_incl_model_load": round(ingest_s, 1),
                                     "chunks_per_s": round(n_chunks / ingest_s, 1)}
        else:
            from assistant.settings import Settings

            settings = Settings(store={"path": store})
        bot = None
        if "warm" in parts:
            stages, wall, base, same, bot = bench_paired(settings, rounds)
            results["warm_latency_ms"] = stages
            results["warm_wall_ms"] = wall
            results["baseline_langchain_rag_ms"] = base
            results["ratio_allguide_over_baseline_p50"] = round(stages["total"]["p50"] / base["p50"], 2)
            results["baseline_same_embedder_ms"] = same
            results["ratio_allguide_over_same_embedder_baseline_p50"] = round(
                stages["total"]["p50"] / same["p50"], 2)
        if "ja" in parts:
            if bot is None:
                from assistant.core import Assistant

                bot = Assistant.from_settings(settings)
            stages_ja, wall_ja = bench_warm_ja(bot, ja_questions(), rounds)
            results["warm_latency_ms_ja"] = stages_ja
            results["warm_wall_ms_ja"] = wall_ja
        if "check" in parts:
            timed = bench_check(store)
            results["check_ms"] = timed["recorded"]
            results["check_ms_gold"] = {"cold": timed["gold_cold"], "warm": timed["gold_warm"]}
        if "cold" in parts:
            runs = bench_cold_start(store, args.cold_runs)
            results["cold_start_ask_s"] = round(statistics.median(runs), 2)
            results["cold_start_ask_runs_s"] = runs
        if "api" in parts:
            results["api"] = bench_api(store, [1, 8, 32], 4 if args.quick else 8, workers=args.workers,
                                       client=args.api_client)
        if "large" in parts:
            sizes = [10_000] if args.quick else [10_000, 100_000]
            results["large_retrieval"] = {str(n): bench_large_retrieval(n, 50) for n in sizes}
        results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        results["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if tmp_store is not None:
            shutil.rmtree(tmp_store, ignore_errors=True)
    out = ROOT / "bench" / ("results.json" if parts == set(PARTS) else "results.partial.json")
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    print_table(results)
    if "warm" in parts:
        t = results["warm_latency_ms"]["total"]
        print(f"\nwarm total p50 {t['p50']} ms / p95 {t['p95']} ms (targets 12 / 25); "
              f"baseline p50 {results['baseline_langchain_rag_ms']['p50']} ms; ratio "
              f"{results['ratio_allguide_over_baseline_p50']}; same-embedder baseline p50 "
              f"{results['baseline_same_embedder_ms']['p50']} ms, ratio "
              f"{results['ratio_allguide_over_same_embedder_baseline_p50']}")
    if "ja" in parts:
        t = results["warm_latency_ms_ja"]["total"]
        print(f"warm Japanese total p50 {t['p50']} ms / p95 {t['p95']} ms (targets 40 / 80)")
    if "check" in parts:
        c = results["check_ms"]
        print(f"rule-layer check per generated answer p50 {c['p50']} ms / p95 {c['p95']} ms (target p95 5)")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
