"""How long the rule layer takes per answer (`Answer.timings_ms["check"]`: the `check()` call, repairs included).

    python -m evals.check_time                        # the gold questions, extractive, twice (cold, then warm)
    python -m evals.check_time --recorded FILE.jsonl  # plus recorded LLM answers replayed through the pipeline

Prints p50 / p95 / max in milliseconds. The first pass pays one-time costs (lexicon, rule book, corpus sentences
read into the caches); the second is a warm, long-running process.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from pathlib import Path


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50 / p95 / max of a list of timings.

    >>> percentiles([1.0, 2.0, 3.0, 4.0])
    {'n': 4, 'p50': 2.5, 'p95': 4.0, 'max': 4.0}
    """
    v = sorted(values)
    p95 = v[min(len(v) - 1, max(0, round(0.95 * len(v)) - 1))] if v else 0.0
    return {"n": len(v), "p50": round(statistics.median(v), 2) if v else 0.0, "p95": round(p95, 2),
            "max": round(v[-1], 2) if v else 0.0}


def main(argv: Sequence[str] | None = None) -> None:
    from assistant.core import Assistant
    from assistant.settings import Settings
    from evals.runner import load_suite

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", default="full")
    ap.add_argument("--recorded", type=Path, default=None)
    args = ap.parse_args(argv)
    bot = Assistant.from_settings(Settings())
    questions = [r["question"] for r in load_suite(args.suite)]
    for name in ("gold, cold", "gold, warm"):
        times = [bot.ask(q, mode="extractive").timings_ms.get("check", 0.0) for q in questions]
        print(f"{name}: {percentiles(times)}")
    if args.recorded is not None:
        from evals.recorded import ReplayChatModel, load_recorded

        rows = load_recorded(args.recorded)
        model = ReplayChatModel.from_rows(rows)
        model.lookup = bot.source
        bot.llm = model
        times = []
        for r in rows:
            model.current = r
            times.append(bot.ask(r.question, history=r.history, mode="llm").timings_ms.get("check", 0.0))
        print(f"recorded LLM answers: {percentiles(times)}")


if __name__ == "__main__":
    main()
