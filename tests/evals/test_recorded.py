"""Recorded LLM answers replayed through the real pipeline (real index, real rule layer; the chat model is the replay
of recorded answers, keyed by question): outcomes, catch counts, and citations to sources the prompt lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from evals.recorded import (
    ReplayChatModel,
    load_recorded,
    prompt_number,
    question_key,
    renumber_markers,
    run_recorded,
    summarise_recorded,
)

Q = "Ph+ ALL s/p allo-HSCT, MRD negative: should we give prophylactic dasatinib?"
GOOD = ("No: for adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline does not "
        "recommend prophylactic TKI maintenance. [1]")
WRONG = ("After allo-HSCT, prophylactic dasatinib maintenance is recommended for this MRD-negative Ph-positive "
         "patient. [1]")


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- pure parts


def test_markers_are_renumbered_and_repeats_merged() -> None:
    assert renumber_markers("A.[1][2] B.[3]", {1: 5, 2: 5, 3: 1001}) == "A.[5] B.[1001]"
    assert renumber_markers("No [markers] here.", {}) == "No [markers] here."


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", ":1: not JSON"),
    (json.dumps({"id": "x", "question": "q", "answer": "a", "label": "maybe"}), ":1: label"),
    (json.dumps({"id": "x", "question": "q", "answer": "a", "kind": "typo"}), ":1: kind"),
    (json.dumps({"id": "x", "question": "q"}), ":1: answer"),
    (json.dumps({"id": "x", "question": "q", "answer": "a", "extra": 1}), ":1: extra"),
])
def test_a_bad_row_is_named(tmp_path: Path, line: str, message: str) -> None:
    p = tmp_path / "rec.jsonl"
    p.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_recorded(p)


def test_duplicate_ids_and_empty_files_are_refused(tmp_path: Path) -> None:
    row = {"id": "a", "question": "q", "answer": "x"}
    with pytest.raises(ValueError, match="appears twice"):
        load_recorded(_write(tmp_path / "d.jsonl", [row, row]))
    with pytest.raises(ValueError, match="no recorded answers"):
        load_recorded(_write(tmp_path / "e.jsonl", []))


def test_the_key_survives_whitespace_and_keeps_the_history() -> None:
    assert question_key("  a   b ") == question_key("a b")
    assert question_key("and if 70?", ["72F Ph+ ALL"]) != question_key("and if 70?")


def test_summary_counts_catches_per_kind_and_false_contradictions() -> None:
    scores = [
        {"label": "wrong", "kind": "wrong_stance", "outcome": "repaired", "verdict": "repaired", "caught": True,
         "findings": ["X-001"], "contradiction_findings": ["X-001"], "unretrieved_sources": []},
        {"label": "wrong", "kind": "dose", "outcome": "untouched", "verdict": "pass", "caught": False,
         "findings": [], "contradiction_findings": [], "unretrieved_sources": ["c9"]},
        {"label": "correct", "kind": None, "outcome": "untouched", "verdict": "pass", "caught": False,
         "findings": [], "contradiction_findings": [], "unretrieved_sources": []},
        {"label": "correct", "kind": None, "outcome": "repaired", "verdict": "repaired", "caught": True,
         "findings": ["X-001"], "contradiction_findings": ["X-001"], "unretrieved_sources": []},
        # a wrong answer that fell back: the user saw the extractive answer, whose verdict is pass
        {"label": "wrong", "kind": "dose", "outcome": "fallen_back", "verdict": "pass", "caught": True,
         "findings": ["LLM-FALLBACK-032"], "contradiction_findings": [], "unretrieved_sources": []},
    ]
    s = summarise_recorded(scores)
    lab = s["labelled"]
    assert lab["wrong_caught_rate"] == round(2 / 3, 4) and lab["wrong_with_verdict_pass"] == 1
    assert lab["correct_untouched_rate"] == 0.5 and lab["correct_false_contradiction_rate"] == 0.5
    assert lab["per_kind"]["dose"]["rate"] == 0.5 and lab["per_kind"]["wrong_stance"]["rate"] == 1.0
    assert s["outcomes"] == {"untouched": 2, "repaired": 2, "fallen_back": 1}
    assert s["unretrieved_sources"] == {"answers": 1, "citations": 1}


def test_cli_names_a_bad_recorded_file(tmp_path: Path) -> None:
    from assistant.frontends.cli import app

    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "a"}\n', encoding="utf-8")
    r = CliRunner().invoke(app, ["eval", "run", "--recorded", str(p)])
    assert r.exit_code == 2 and "bad.jsonl:1" in r.output


# ---------------------------------------------------------------------------------------------- replay, real index


@pytest.fixture(scope="module")
def replay_bot(eval_settings):
    from assistant.core import Assistant

    return Assistant.from_settings(eval_settings, llm=ReplayChatModel(records={}))


def _prompt_chunk(bot, needle: str):
    from assistant.draft import llm_messages
    from assistant.facts import read_facts

    captured = {}

    class Spy(ReplayChatModel):
        def reply(self, messages):
            captured["prompt"] = messages[-1].content
            raise RuntimeError("spy")

    bot.llm = Spy(records={})
    bot.ask(Q)
    prompt = captured["prompt"]
    chunk = next(c for c in bot.retriever.chunks if needle in c.text and c.tier == "guideline"
                 and prompt_number(prompt, c) is not None)
    outside = next(c for c in bot.retriever.chunks if prompt_number(prompt, c) is None and c.tier == "evidence")
    assert llm_messages  # (the prompt is the one the project builds)
    assert read_facts(Q).ph_status == "positive"
    return chunk, outside


def test_replay_through_the_pipeline(replay_bot, eval_settings, tmp_path: Path) -> None:
    chunk, outside = _prompt_chunk(replay_bot, "does not recommend prophylactic TKI")
    rows = [
        {"id": "c1", "question": Q, "label": "correct", "answer": GOOD, "sources": [chunk.chunk_id]},
        {"id": "w1", "question": Q, "label": "wrong", "kind": "wrong_stance", "answer": WRONG,
         "sources": [chunk.chunk_id]},
        {"id": "u1", "question": Q + " (third ask)", "label": "correct", "answer": GOOD,
         "sources": [outside.chunk_id]},
    ]
    run_dir = run_recorded(eval_settings, _write(tmp_path / "rec.jsonl", rows), out=tmp_path / "runs",
                           console=Console(quiet=True))
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    results = {r["id"]: r for r in map(json.loads, (run_dir / "results.jsonl").read_text().splitlines())}
    assert results["c1"]["outcome"] == "untouched", results["c1"]["findings"]
    assert GOOD.removesuffix(" [1]") in results["c1"]["answer"]["answer"]
    assert results["w1"]["caught"] and results["w1"]["verdict"] != "pass"
    assert "PHPOS-POSTHSCT-MRDNEG-006" in results["w1"]["findings"]
    assert results["u1"]["unretrieved_sources"] == [outside.chunk_id]
    assert "CIT-DANGLING-002" in results["u1"]["findings"]
    assert summary["labelled"]["wrong_with_verdict_pass"] == 0
    assert summary["unretrieved_sources"]["citations"] == 1
    assert "wrong answers caught" in (run_dir / "report.md").read_text(encoding="utf-8")


def test_a_question_with_no_recorded_answer_falls_back(replay_bot) -> None:
    replay_bot.llm = ReplayChatModel(records={})
    a = replay_bot.ask(Q)
    assert a.mode == "extractive" and "LLM-FALLBACK-032" in {f.rule_id for f in a.findings}
