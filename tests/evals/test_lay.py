"""The lay suite's data and scoring (pure, table-driven, on real Answer / PatientFacts objects)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import G04, answer, cit

from assistant.models import PatientFacts
from evals.lay import FIELDS, field_accuracy, score_facts, summarise_lay, validate_lay_row, value_ok
from evals.report import write_lay_report
from evals.runner import load_suite

# ---------------------------------------------------------------------------------------------- data


def test_lay_data_is_valid_and_large_enough():
    rows = load_suite("lay")
    assert len(rows) >= 60
    for row in rows:
        validate_lay_row(row)
    # every field the suite checks is a PatientFacts field, and the suite checks the main ones both ways
    expected = {f for r in rows for f in r["expected"]}
    absent = {f for r in rows for f in r["absent"]}
    assert {"age", "age_band", "ph_status", "lineage", "phase", "mrd_status", "mrd_level_pct", "transplant"} <= expected
    assert {"age", "ph_status", "lineage", "mrd_status", "t315i"} <= absent
    assert (expected | absent) <= set(FIELDS)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "a", "question": "q", "expected": {}, "absent": [], "note": "x"}, "keys must be"),
        ({"id": "a", "question": " ", "expected": {}, "absent": []}, "non-empty string"),
        ({"id": "a", "question": "q", "expected": [], "absent": []}, "expected must be an object"),
        ({"id": "a", "question": "q", "expected": {}, "absent": "age"}, "absent a list"),
        ({"id": "a", "question": "q", "expected": {"ph": "positive"}, "absent": []}, "unknown PatientFacts field(s) ['ph']"),
        ({"id": "a", "question": "q", "expected": {}, "absent": ["mrd"]}, "unknown PatientFacts field(s) ['mrd']"),
        ({"id": "a", "question": "q", "expected": {"age": 3}, "absent": ["age"]}, "both expected and absent ['age']"),
        ({"id": "a", "question": "q", "expected": {"age_band": "elderly"}, "absent": []}, "invalid expected value"),
        ({"id": "a", "question": "q", "expected": {"phase": "remission"}, "absent": []}, "invalid expected value"),
    ],
)
def test_validate_lay_row_rejects(row, message):
    with pytest.raises(ValueError, match="lay row 'a'") as err:
        validate_lay_row(row)
    assert message in str(err.value)


def test_validate_lay_row_accepts():
    validate_lay_row({"id": "a", "question": "q", "expected": {"age": 25, "mrd_level_pct": 0.01, "cd19": True},
                      "absent": ["ph_status", "prior_tkis"]})


# ---------------------------------------------------------------------------------------------- scoring


@pytest.mark.parametrize(
    ("expected", "got", "ok"),
    [
        (72, 72, True), (72, 71, False), (72, None, False), (None, None, True),
        ("positive", "positive", True), ("positive", "negative", False),
        (0.05, 5e-4 * 100, True),          # 5 x 10^-4 read through a float product
        (0.01, 0.010005, True),            # within the relative tolerance
        (0.01, 0.0101, False),             # 1 % off is another value
        (0.01, 0.02, False), (0.1, 0.01, False),
        (True, True, True), (True, False, False), (True, 1, False), (False, 0, False),
        (["imatinib"], ["imatinib"], True), (["imatinib", "dasatinib"], ["dasatinib", "imatinib"], True),
        (["imatinib"], [], False),
    ],
)
def test_value_ok(expected, got, ok):
    assert value_ok(expected, got) is ok


ROW = {"id": "lay-t", "question": "q",
       "expected": {"age": 25, "age_band": "aya", "lineage": "B", "cd19": True, "phase": "relapsed",
                    "mrd_level_pct": 0.05},
       "absent": ["ph_status", "t315i", "prior_tkis"]}
RIGHT = dict(age=25, age_band="aya", lineage="B", cd19=True, phase="relapsed", mrd_level_pct=5e-4 * 100)


@pytest.mark.parametrize(
    ("facts", "misses"),
    [
        (RIGHT, []),
        ({**RIGHT, "mrd_status": "positive", "transplant": "done"}, []),   # facts the row does not mention
        ({**RIGHT, "age": 26, "age_band": "aya"}, [("age", 25, 26, "wrong")]),
        ({**RIGHT, "lineage": "T"}, [("lineage", "B", "T", "wrong")]),       # CAR-T read as T-lineage
        ({**RIGHT, "cd19": False}, [("cd19", True, False, "wrong")]),
        ({**RIGHT, "phase": None}, [("phase", "relapsed", None, "missed")]),  # "came back" not read
        ({**RIGHT, "mrd_level_pct": 0.5}, [("mrd_level_pct", 0.05, 0.5, "wrong")]),
        ({**RIGHT, "ph_status": "positive"}, [("ph_status", None, "positive", "spurious")]),  # a friend's Ph+
        ({**RIGHT, "prior_tkis": ["dasatinib"]}, [("prior_tkis", None, ["dasatinib"], "spurious")]),
        ({**RIGHT, "age": 6, "age_band": "child"},                             # the child's age
         [("age", 25, 6, "wrong"), ("age_band", "aya", "child", "wrong")]),
        ({}, [("age", 25, None, "missed"), ("age_band", "aya", None, "missed"), ("lineage", "B", None, "missed"),
              ("cd19", True, None, "missed"), ("phase", "relapsed", None, "missed"),
              ("mrd_level_pct", 0.05, None, "missed")]),
    ],
)
def test_score_facts(facts, misses):
    a = answer(f"- {G04}[1]", [cit(1, "g04")], patient=PatientFacts(**facts))
    s = score_facts(ROW, a.patient)
    assert [(m["field"], m["expected"], m["got"], m["kind"]) for m in s["misses"]] == misses
    assert s["ok"] is (not misses)
    assert set(s["fields"]) == set(ROW["expected"]) | set(ROW["absent"])
    assert {f for f, ok in s["fields"].items() if not ok} == {m[0] for m in misses}


# ---------------------------------------------------------------------------------------------- aggregates


def _results():
    rows = [
        {"id": "r1", "question": "My mom is 72, Ph+ ALL", "expected": {"age": 72, "ph_status": "positive"},
         "absent": ["lineage"]},
        {"id": "r2", "question": "mom of a 6 year old, 37, B-ALL", "expected": {"age": 37, "lineage": "B"},
         "absent": ["ph_status"]},
        {"id": "r3", "question": "friend has Ph+ ALL; my dad (63)", "expected": {"age": 63},
         "absent": ["ph_status", "lineage"]},
    ]
    got = [PatientFacts(age=72, ph_status="positive"), PatientFacts(age=6, age_band="child", lineage="B"),
           PatientFacts(age=63, ph_status="positive")]
    answers = [answer("- x", patient=p, verdict=v) for p, v in zip(got, ("pass", "refused", "pass"))]
    return [{"row": r, "answer": a, "score": score_facts(r, a.patient)} for r, a in zip(rows, answers)]


def test_field_accuracy_and_summary():
    results = _results()
    acc = field_accuracy([r["score"] for r in results], [r["row"] for r in results])
    assert acc["age"] == {"n": 3, "correct": 2, "accuracy": 2 / 3, "expected_n": 3, "expected_correct": 2,
                          "absent_n": 0, "absent_correct": 0}
    assert acc["ph_status"]["expected_correct"] == 1 and acc["ph_status"]["absent_correct"] == 1
    assert acc["ph_status"]["absent_n"] == 2 and acc["lineage"]["accuracy"] == 1.0
    assert list(acc) == ["age", "ph_status", "lineage"]  # PatientFacts order
    s = summarise_lay(results)
    assert s["headline"]["lay_facts_correct"] == pytest.approx(1 / 3)
    assert s["headline"]["lay_field_accuracy"] == pytest.approx(7 / 9)
    assert s["miss_kinds"] == {"missed": 0, "wrong": 1, "spurious": 1}
    assert [f["id"] for f in s["failures"]] == ["r2", "r3"]
    assert s["failures"][0]["misses"] == [{"field": "age", "expected": 37, "got": 6, "kind": "wrong"}]
    assert s["failures"][0]["got"] == {"age": 6, "age_band": "child", "lineage": "B"}
    assert s["failures"][0]["verdict"] == "refused"
    json.dumps(s)  # summary.json material


def test_summary_of_nothing_is_not_measured():
    assert summarise_lay([])["headline"] == {"lay_facts_correct": None, "lay_field_accuracy": None}


def test_write_lay_report(tmp_path: Path):
    s = summarise_lay(_results())
    summary = {"suite": "lay", "mode": "extractive", "created_utc": "t", **s,
               "thresholds": {"limits": {"lay_facts_correct": {"min": 0.95}},
                              "failures": ["lay_facts_correct = 0.333 < min 0.95"], "passed": False}}
    text = write_lay_report(summary, tmp_path).read_text(encoding="utf-8")
    assert "| Questions with every patient fact read correctly | 0.333 | min 0.95 | ✗ |" in text
    assert "**age** expected 37, got 6 (wrong)" in text
    assert "**ph_status** expected unset, got positive (spurious)" in text
    assert "`r1`" not in text and "## Failing questions (2)" in text
    assert "| age | 3 | 2 | 0.667 | 2/3 | 0/0 |" in text
