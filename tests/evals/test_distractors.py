"""The distractors suite's data and scoring (pure, table-driven, on real Answer / PatientFacts objects)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_helpers import CNS, G04, G11, G13, answer, cit

from assistant.models import PatientFacts
from evals.distractors import facts_diff, score_pair, summarise_distractors, validate_distractor_row
from evals.metrics import paraphrase_signature
from evals.report import write_distractor_report
from evals.runner import load_suite

GOLD = {r["id"]: r for r in load_suite("full")}

# ---------------------------------------------------------------------------------------------- data


def test_distractor_data_covers_every_scenario_and_missing_facts_question():
    rows = load_suite("distractors")
    for row in rows:
        validate_distractor_row(row, GOLD)
        assert row["question"] != GOLD[row["source_id"]]["question"], row["id"]
        assert len(row["question"]) > len(GOLD[row["source_id"]]["question"]), row["id"]  # details were added
    sources = [r["source_id"] for r in rows]
    assert len(sources) == len(set(sources))
    assert set(sources) == {k for k, r in GOLD.items() if r["category"] in ("patient_scenario", "missing_facts")}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "a", "source_id": "s01"}, "keys must be"),
        ({"id": "a", "source_id": "s01", "question": "q", "expected": {}}, "keys must be"),
        ({"id": "a", "source_id": "s01", "question": ""}, "non-empty string"),
        ({"id": "a", "source_id": "nope", "question": "q"}, "source_id 'nope' is not in gold.jsonl"),
        ({"id": "a", "source_id": "d01", "question": "q"}, "source 'd01' is 'direct'"),
    ],
)
def test_validate_distractor_row_rejects(row, message):
    with pytest.raises(ValueError, match="distractor row 'a'") as err:
        validate_distractor_row(row, GOLD)
    assert message in str(err.value)


# ---------------------------------------------------------------------------------------------- scoring

P72 = PatientFacts(age=72, age_band="65+", ph_status="positive", phase="newly_diagnosed")
P45 = PatientFacts(age=45, age_band="40-64", ph_status="positive", phase="newly_diagnosed")
P10 = PatientFacts(age=10, age_band="child", phase="newly_diagnosed")

CLEAN = answer(f"- {G04}[1]\n- {G13}[2]", [cit(1, "g04"), cit(2, "g13")], patient=P72)


@pytest.mark.parametrize(
    ("noisy", "equal", "differs", "facts_equal"),
    [
        # the same answer, even with a distractor's fact read, is equal: the signature is what counts
        (CLEAN, True, [], True),
        (answer(f"- {G04}[1]\n- {G13}[2]", [cit(1, "g04"), cit(2, "g13")], patient=P45, verdict="warn"),
         True, [], False),
        # the same statements cited from another lead section
        (answer(f"- {G04}[1]\n- {G13}[2]", [cit(1, "e14", quote=G04), cit(2, "g13")], patient=P72),
         False, ["lead_section"], True),
        # the answer order changes the lead section only
        (answer(f"- {G13}[1]\n- {G04}[2]", [cit(1, "g13"), cit(2, "g04")], patient=P72),
         False, ["lead_section"], True),
        # a rule dropped (the other person's age moved the branch)
        (answer(f"- {G04}[1]", [cit(1, "g04")], patient=P45), False, ["rules"], False),
        # a rule added
        (answer(f"- {G04}[1]\n- {G13}[2]\n- {G11}[3]", [cit(1, "g04"), cit(2, "g13"), cit(3, "g11")], patient=P72),
         False, ["rules"], True),
        # another topic altogether
        (answer(f"- {CNS}[1]", [cit(1, "g12")], patient=P72), False, ["rules", "lead_section"], True),
        # refused because a child's age was read as the patient's
        (answer("This assistant covers adult ALL only.", [], patient=P10, verdict="refused"),
         False, ["refused", "rules", "lead_section"], False),
    ],
)
def test_score_pair(noisy, equal, differs, facts_equal):
    s = score_pair(CLEAN, noisy)
    assert s["equal"] is equal and s["differs"] == differs and s["facts_equal"] is facts_equal
    assert s["clean_signature"] == {"refused": False, "rules": ["PHPOS-OLDER-004", "RR-BLIN-020"],
                                    "lead_section": "jsh2023-all/ph-pos/older"}
    refused, rules, lead = paraphrase_signature(noisy)
    assert s["noisy_signature"] == {"refused": refused, "rules": list(rules), "lead_section": lead}
    assert (s["facts_diff"] == {}) is facts_equal


def test_score_pair_is_symmetric_in_equality():
    a = answer(f"- {G04}[1]", [cit(1, "g04")])
    b = answer(f"- {G13}[1]", [cit(1, "g13")])
    assert score_pair(a, b)["equal"] is score_pair(b, a)["equal"] is False


@pytest.mark.parametrize(
    ("clean", "noisy", "diff"),
    [
        (P72, P72, {}),
        (P72, P45, {"age": {"clean": 72, "noisy": 45}, "age_band": {"clean": "65+", "noisy": "40-64"}}),
        (PatientFacts(ph_status="positive"), PatientFacts(ph_status="positive", prior_tkis=["imatinib"]),
         {"prior_tkis": {"clean": [], "noisy": ["imatinib"]}}),
    ],
)
def test_facts_diff(clean, noisy, diff):
    assert facts_diff(clean, noisy) == diff


# ---------------------------------------------------------------------------------------------- aggregates


def _results():
    pairs = [
        ("s01-x", "s01", CLEAN, answer(f"- {G04}[1]\n- {G13}[2]", [cit(1, "g04"), cit(2, "g13")], patient=P72)),
        ("s02-x", "s02", CLEAN, answer(f"- {G04}[1]", [cit(1, "g04")], patient=P45)),
        ("m01-x", "m01", CLEAN, answer("Adult ALL only.", [], patient=P10, verdict="refused")),
        ("m03-x", "m03", CLEAN, answer(f"- {G13}[1]\n- {G04}[2]", [cit(1, "g13"), cit(2, "g04")], patient=P72)),
    ]
    return [{"row": {"id": i, "source_id": s, "question": f"{GOLD[s]['question']} Wife is 43."}, "source": GOLD[s],
             "clean": c, "noisy": n, "score": score_pair(c, n)} for i, s, c, n in pairs]


def test_summarise_distractors():
    s = summarise_distractors(_results())
    assert s["n_questions"] == 4
    assert s["headline"] == {"distractor_signature_agreement": 0.25, "distractor_facts_equal": 0.5}
    assert s["differing_parts"] == {"refused": 1, "rules": 2, "lead_section": 2}
    assert [f["id"] for f in s["failures"]] == ["s02-x", "m01-x", "m03-x"]
    f = s["failures"][0]
    assert f["source_question"] == GOLD["s02"]["question"] and f["category"] == "patient_scenario"
    assert f["clean_signature"]["rules"] == ["PHPOS-OLDER-004", "RR-BLIN-020"]
    assert f["noisy_signature"]["rules"] == ["PHPOS-OLDER-004"]
    assert f["clean_facts"]["age"] == 72 and f["noisy_facts"]["age"] == 45
    assert s["failures"][1]["noisy_verdict"] == "refused" and s["failures"][1]["category"] == "missing_facts"
    json.dumps(s)
    assert summarise_distractors([])["headline"]["distractor_signature_agreement"] is None


def test_write_distractor_report(tmp_path: Path):
    summary = {"suite": "distractors", "mode": "extractive", "created_utc": "t", **summarise_distractors(_results()),
               "thresholds": {"limits": {"distractor_signature_agreement": {"min": 0.95}},
                              "failures": ["distractor_signature_agreement = 0.250 < min 0.95"], "passed": False}}
    text = write_distractor_report(summary, tmp_path).read_text(encoding="utf-8")
    assert "| Pairs with equal rule signatures | 0.250 | min 0.95 | ✗ |" in text
    assert "### `s02-x` (from `s02`, patient_scenario): differs in rules" in text
    assert "| rules | PHPOS-OLDER-004, RR-BLIN-020 | PHPOS-OLDER-004 |" in text
    assert "| refused | False | True |" in text
    assert "age=72, age_band=65+, ph_status=positive, phase=newly_diagnosed | age=45" in text
    assert "`s01-x`" not in text
