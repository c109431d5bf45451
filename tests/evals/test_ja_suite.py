"""The Japanese suite: its data (written from FACTS.md, varied registers), scoring and an end-to-end run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.lang import detect
from assistant.models import PatientFacts
from evals.ja import facts_expected, validate_ja_row
from evals.runner import load_suite, load_thresholds, suite_kind


def test_ja_data_is_valid_varied_and_large_enough() -> None:
    rows = load_suite("ja")
    gold = {r["id"]: r for r in load_suite("full")}
    assert len(rows) >= 100
    for row in rows:
        validate_ja_row(row, gold)
        for key in ("expected_sections", "expected_scope", "expected_verdict", "must_include", "category"):
            assert row[key] == gold[row["source_id"]][key], (row["id"], key)  # the gold row's expectations
    registers = Counter(r["register"] for r in rows)
    assert {"clinician", "mixed", "patient_family", "out_of_scope", "dose"} <= set(registers)
    assert len({r["question"] for r in rows}) == len(rows)  # no question twice
    assert sum(detect(r["question"]) == "ja" for r in rows) >= 0.95 * len(rows)
    categories = Counter(gold[r["source_id"]]["category"] for r in rows)
    assert {"direct", "patient_scenario", "tricky", "missing_facts", "out_of_scope", "unsafe", "paraphrase"} <= set(
        categories)


def test_validate_ja_row_names_what_is_wrong() -> None:
    gold = {r["id"]: r for r in load_suite("full")}
    row = load_suite("ja")[0]
    with pytest.raises(ValueError, match="source_id 'nope' is not a gold row"):
        validate_ja_row({**row, "source_id": "nope"}, gold)
    with pytest.raises(ValueError, match="invalid expected facts"):
        validate_ja_row({**row, "expected": {"age_band": "old"}}, gold)
    with pytest.raises(ValueError, match="missing key"):
        validate_ja_row({k: v for k, v in row.items() if k != "en"}, gold)


@pytest.mark.parametrize(("expected", "facts", "ok"), [
    ({"age": 70}, PatientFacts(age=70, ph_status="positive"), True),
    ({"age": 70}, PatientFacts(age=71), False),
    ({"mrd_level_pct": 0.01}, PatientFacts(mrd_level_pct=0.01000001), True),
    ({}, PatientFacts(age=3), True),
])
def test_facts_expected(expected, facts, ok) -> None:
    assert facts_expected({"expected": expected}, facts) is ok


def test_the_suite_kind_and_thresholds() -> None:
    assert suite_kind("ja", []) == "ja"
    assert suite_kind("x.jsonl", [{"id": "a", "source_id": "s01", "en": "q", "question": "q"}]) == "ja"
    assert load_thresholds(kind="ja") == {"ja_facts_equal_en": {"min": 0.9}, "ja_recall_gap": {"max": 0.03},
                                          "ja_scope_ok": {"min": 1.0}, "ja_refusal_ok": {"min": 1.0}}


@pytest.mark.integration
@pytest.mark.slow
def test_ja_suite_end_to_end(eval_settings, tmp_path: Path) -> None:
    """Three rows through the real assistant: two real rows read like their English; a planted row (another
    patient's English) is caught, with both fact sets in the report."""
    from evals.runner import run_eval

    rows = {r["id"]: r for r in load_suite("ja")}
    planted = {**rows["ja-s01-1"], "id": "ja-s01-planted", "en": "78 year old woman with Ph-negative ALL"}
    suite = tmp_path / "ja3.jsonl"
    suite.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                             for r in [rows["ja-s07-1"], rows["ja-o02-1"], planted]), encoding="utf-8")
    run_dir = run_eval(eval_settings, suite=str(suite), mode="extractive", out=tmp_path / "runs", console=None)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    report = (run_dir / "report.md").read_text(encoding="utf-8")
    assert summary["kind"] == "ja" and summary["n_questions"] == 3
    assert summary["headline"]["ja_facts_equal_en"] == pytest.approx(2 / 3)
    assert summary["headline"]["ja_scope_ok"] == 1.0 and summary["headline"]["ja_refusal_ok"] == 1.0
    assert [f["id"] for f in summary["failures"]] == ["ja-s01-planted"]
    assert "facts_equal_en" in summary["failures"][0]["failed"]
    assert "ja_facts_equal_en = 0.667 < min 0.9" in summary["thresholds"]["failures"]
    assert "ja-s01-planted" in report and "age=72" in report and "age=78" in report
