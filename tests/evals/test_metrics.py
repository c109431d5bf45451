"""Table-driven tests of every eval metric (pure functions), including cases that must score 0."""

from __future__ import annotations

import pytest
from eval_helpers import CNS, EVID, G04, G13, answer, cit, source

from assistant.models import RuleFinding
from evals import metrics as M

# ---------------------------------------------------------------------------------------------- retrieval


@pytest.mark.parametrize(
    ("expected", "ranked", "k", "want"),
    [
        (["a"], ["a", "b"], 1, 1.0),
        (["a"], ["b", "a"], 1, 0.0),
        (["a"], ["b", "a"], 5, 1.0),
        (["a", "b"], ["a", "c", "b"], 1, 1.0),  # capped: one hit at k=1 is full recall
        (["a", "b"], ["a", "c", "x"], 5, 0.5),
        (["a", "b"], ["c", "d"], 10, 0.0),
        ([], ["a"], 5, None),
        (["a"], [], 5, 0.0),
        ([["a", "b"]], ["b", "c"], 1, 1.0),  # alternatives: any one satisfies the entry
        ([["a", "b"], "c"], ["b", "x", "y"], 5, 0.5),
        ([["a", "b"]], ["c"], 5, 0.0),
    ],
)
def test_recall_at_k(expected, ranked, k, want):
    assert M.recall_at_k(expected, ranked, k) == want


@pytest.mark.parametrize(
    ("expected", "ranked", "want"),
    [(["a"], ["a"], 1.0), (["a"], ["b", "a"], 0.5), (["a", "c"], ["b", "b", "c"], 1 / 3), (["a"], ["b"], 0.0),
     ([], ["a"], None), ([["x", "c"]], ["b", "c"], 0.5)],
)
def test_reciprocal_rank(expected, ranked, want):
    got = M.reciprocal_rank(expected, ranked)
    assert got is None if want is None else got == pytest.approx(want)


def test_section_ranking_keeps_order_and_unknowns():
    assert M.section_ranking(["g13", "nope", "g04"], source) == [
        "jsh2023-all/relapsed/b-all-antibodies", "", "jsh2023-all/ph-pos/older"]


# ---------------------------------------------------------------------------------------------- content


@pytest.mark.parametrize(
    ("facts", "text", "want"),
    [
        ([["TKI"], ["corticosteroid", "steroid"]], G04, 1.0),
        ([["TKI"], ["hyper-?CVAD"]], G04, 0.5),
        ([["nelarabine"]], G04, 0.0),
        ([], G04, None),
        ([["0\\.01\\s?%"]], "MRD 0.01 % or more[1]", 1.0),
        ([["cd19"]], "binds CD19.[3]", 1.0),  # case-insensitive, markers removed
    ],
)
def test_coverage(facts, text, want):
    assert M.coverage({"must_include": facts}, answer(text)) == want


@pytest.mark.parametrize(
    ("patterns", "text", "verdict", "want"),
    [
        (["hyper-?CVAD[^.]*recommended"], "Hyper-CVAD is recommended.[1]", "pass", 1.0),
        (["hyper-?CVAD[^.]*recommended"], G04 + "[1]", "pass", 0.0),
        (["hyper-?CVAD[^.]*recommended"], "Hyper-CVAD is recommended.", "refused", 0.0),  # refusals never count
        ([], "anything", "pass", None),
    ],
)
def test_contradiction(patterns, text, verdict, want):
    assert M.contradiction({"must_not_include": patterns}, answer(text, verdict=verdict)) == want


@pytest.mark.parametrize(
    ("expected", "verdict", "want"),
    [("pass", "pass", 1.0), (["pass", "warn"], "warn", 1.0), ("pass", "repaired", 0.0), ("refused", "warn", 0.0)],
)
def test_verdict_ok(expected, verdict, want):
    assert M.verdict_ok({"expected_verdict": expected}, answer("x", verdict=verdict)) == want


@pytest.mark.parametrize(
    ("expected", "scope", "want"),
    [("in_scope", "in_scope", 1.0), ("unsafe", "out_of_scope", 0.0), (["unsafe", "in_scope"], "in_scope", 1.0),
     (None, "in_scope", None)],
)
def test_scope_ok(expected, scope, want):
    assert M.scope_ok({"expected_scope": expected}, answer("x", scope=scope)) == want


@pytest.mark.parametrize(("expected", "want"), [("refused", True), (["refused"], True), (["refused", "warn"], False),
                                                ("pass", False)])
def test_expects_refusal(expected, want):
    assert M.expects_refusal({"expected_verdict": expected}) is want


def test_guideline_rules_in_answer_by_statement():
    assert M.guideline_rules_in_answer(f"- {G04}[1]") == ["PHPOS-OLDER-004"]
    assert M.guideline_rules_in_answer("- Something else.[1]") == []
    # rules sharing one statement are all returned
    shared = ("Blinatumomab targets CD19 and inotuzumab ozogamicin targets CD22, so in B-ALL each drug is used only "
              "when the leukemic blasts express its own target antigen.")
    assert {"RR-TARGETNEG-022", "RR-CD19NEG-023", "RR-CD22NEG-024"} <= set(M.guideline_rules_in_answer(shared))


@pytest.mark.parametrize(
    ("expected", "text", "findings", "want"),
    [
        (["PHPOS-OLDER-004"], f"- {G04}[1]", [], 1.0),
        (["PHPOS-OLDER-004", "FACTS-MISSING-031"], f"- {G04}[1]", [], 0.5),
        (["FACTS-MISSING-031"], "x", ["FACTS-MISSING-031"], 1.0),
        (["SAFE-DOSE-003"], "x", [], 0.0),
        ([], "x", [], None),
    ],
)
def test_rule_recall(expected, text, findings, want):
    a = answer(text, findings=[RuleFinding(rule_id=r, severity="warn", message="m") for r in findings])
    assert M.rule_recall({"expected_rule_ids": expected}, a) == want


# ---------------------------------------------------------------------------------------------- citations


def test_citation_coverage():
    a = answer(f"- {G04}[1]\n- An uncited sentence about ALL.\n\n_Note in italics._", [cit(1, "g04")])
    assert M.citation_coverage({}, a) == 0.5
    assert M.citation_coverage({}, answer("_only a note_")) is None
    assert M.citation_coverage({}, answer("- Uncited fact about ALL.")) == 0.0


@pytest.mark.parametrize(
    ("quote", "want"),
    [(None, 1.0), ("A quote that is not in the chunk.", 0.0), ("", 0.0)],
)
def test_citation_validity(quote, want):
    a = answer(f"- {G04}[1]", [cit(1, "g04", quote)])
    assert M.citation_validity({}, a, source) == want


def test_citation_validity_unknown_chunk_and_none():
    c = cit(1, "g04").model_copy(update={"chunk_id": "missing"})
    assert M.citation_validity({}, answer(f"- {G04}[1]", [c]), source) == 0.0
    assert M.citation_validity({}, answer("no citations"), source) is None


@pytest.mark.parametrize(
    ("sentence", "cid", "want"),
    [
        (G04, "g04", 1.0),
        (G04, "g13", 0.0),  # the CD chunk has no ph_pos / 65 / corticosteroid
        ("Blinatumomab binds CD22 in relapsed B-ALL.", "g04", 0.0),
        (G13, "g13", 1.0),
    ],
)
def test_citation_support(sentence, cid, want):
    assert M.citation_support({}, answer(f"- {sentence}[1]", [cit(1, cid)]), source) == want


@pytest.mark.parametrize(
    ("sentence", "cid", "want"),
    [
        (G04, "g04", 1.0),
        ("In TOWER, blinatumomab is recommended for relapsed B-ALL.", "e14", 0.0),
        (EVID, "e14", None),  # no "recommended" sentence
    ],
)
def test_recommendation_tier(sentence, cid, want):
    assert M.recommendation_tier({}, answer(f"- {sentence}[1]", [cit(1, cid)])) == want


# ---------------------------------------------------------------------------------------------- paraphrase


def test_paraphrase_signature_and_consistency():
    a1 = answer(f"- {G04}[1]\n- {CNS}[2]", [cit(1, "g04"), cit(2, "g12")])
    a2 = answer(f"- {G04}[1]", [cit(1, "g04")])
    a3 = answer("_refused_", verdict="refused")
    s1, s2, s3 = (M.paraphrase_signature(a) for a in (a1, a2, a3))
    assert s1 == (False, ("CNS-CRANIAL-018", "PHPOS-OLDER-004"), "jsh2023-all/ph-pos/older")
    assert s2[2] == s1[2] and s2 != s1
    assert s3 == (True, (), "")
    res = M.paraphrase_consistency({"same": [s1, s1, s1], "diff": [s1, s2, s1], "single": [s3]})
    assert res["groups"] == {"same": True, "diff": False}
    assert res["rate"] == 0.5
    assert M.paraphrase_consistency({})["rate"] is None


# ---------------------------------------------------------------------------------------------- aggregates


@pytest.mark.parametrize(
    ("pairs", "want"),
    [
        ([(True, True), (False, False)], {"precision": 1.0, "recall": 1.0}),
        ([(True, False), (False, True)], {"precision": 0.0, "recall": 0.0}),
        ([(False, False)], {"precision": None, "recall": None}),
    ],
)
def test_refusal_pr(pairs, want):
    assert M.refusal_pr(pairs) == want


@pytest.mark.parametrize(("values", "p", "want"), [([1, 2, 3, 4], 50, 2), ([1, 2, 3, 4], 95, 4), ([5], 50, 5),
                                                   ([], 50, None)])
def test_percentile(values, p, want):
    assert M.percentile(values, p) == want


def test_latency_and_mean():
    lat = M.latency([{"retrieve": 10.0, "total": 20.0}, {"retrieve": 30.0, "total": 40.0}])
    assert lat["retrieve"] == {"p50": 10.0, "p95": 30.0, "n": 2}
    assert M.mean([None, None]) is None
    assert M.mean([0.0, 1.0, None]) == 0.5


def test_plain_text_strips_markers_and_emphasis():
    assert M.plain_text("- **Evidence:** In TOWER x.[1][2] _note_") == "- Evidence: In TOWER x.  note"
