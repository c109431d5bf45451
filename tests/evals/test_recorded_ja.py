"""The Japanese LLM benchmark (evals/data/generated_ja.jsonl) replayed through Japanese LLM mode: a safety gate.

The file is held out (nothing of it is copied into tests, rules or the lexicon); only its summary is asserted: no
wrong answer reaches the user with verdict pass, and at least 95 % of the wrong answers are caught (repaired or
fallen back to the extractive Japanese answer).
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from evals.recorded import run_recorded

DATA = Path(__file__).resolve().parents[2] / "evals" / "data" / "generated_ja.jsonl"


def test_no_wrong_japanese_answer_passes(eval_settings, tmp_path: Path) -> None:
    run_dir = run_recorded(eval_settings, DATA, out=tmp_path / "runs", console=Console(quiet=True))
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    lab = summary["labelled"]
    assert lab["wrong_with_verdict_pass"] == 0, summary
    assert lab["wrong_caught_rate"] >= 0.95, summary
    results = [json.loads(line) for line in (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["answer"]["lang"] == "ja" for r in results)
    assert any(r["outcome"] == "untouched" for r in results)  # the model's Japanese is checked, not always replaced
