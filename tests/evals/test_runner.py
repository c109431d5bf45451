"""Gold-set schema, thresholds, scoring and compare (pure), plus ONE integration test: the quick suite as CI gate."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from eval_helpers import G04, answer, cit, source

from assistant.rules.logic import default_rulebook
from evals.compare import compare_runs, headline_deltas
from evals.runner import CATEGORIES, check_thresholds, load_suite, load_thresholds, score_question, suite_kind

ROOT = Path(__file__).resolve().parents[2]
SCOPE_RULES = {"SCOPE-DISEASE-001", "SCOPE-DOMAIN-002", "SAFE-DOSE-003", "SAFE-INJECT-004", "SAFE-SELF-005",
               "SAFE-CHILD-006", "SCOPE-MIXED-007", "FACTS-MISSING-031", "SAFE-NEVER-009", "PREMISE-044",
               "SAFE-OTHERMEDS-010", "SAFE-DISTRESS-011", "SAFE-BYPASS-012", "PREMISE-NUM-045", "PREMISE-GRADE-047"}
VERDICTS = {"pass", "warn", "repaired", "refused"}
SCOPES = {"in_scope", "out_of_scope", "unsafe"}


def _sections() -> set[str]:
    out = set()
    for p in (ROOT / "corpus").glob("*.md"):
        m = re.search(r"^section_id:\s*(\S+)", p.read_text(encoding="utf-8"), re.MULTILINE)
        if m:
            out.add(m.group(1))
    return out


def _as_list(v):
    return v if isinstance(v, list) else [v]


# ---------------------------------------------------------------------------------------------- gold data


@pytest.mark.parametrize("suite", ["full", "quick"])
def test_suite_schema(suite):
    rows = load_suite(suite)
    sections = _sections()
    rule_ids = {r.id for r in default_rulebook().rules} | SCOPE_RULES
    for r in rows:
        assert r["category"] in CATEGORIES, r["id"]
        assert set(_as_list(r["expected_verdict"])) <= VERDICTS, r["id"]
        assert set(_as_list(r["expected_scope"])) <= SCOPES, r["id"]
        for e in r["expected_sections"]:
            assert set([e] if isinstance(e, str) else e) <= sections, r["id"]
        assert set(r["expected_rule_ids"]) <= rule_ids, r["id"]
        for fact in r["must_include"]:
            assert isinstance(fact, list) and fact, r["id"]
            for p in fact:
                re.compile(p)
        for p in r["must_not_include"]:
            re.compile(p)
        if r["category"] in ("out_of_scope",) or _as_list(r["expected_verdict"]) == ["refused"]:
            assert r["expected_sections"] == [], r["id"]


def test_gold_size_and_coverage():
    rows = load_suite("full")
    assert len(rows) >= 150
    cats = Counter(r["category"] for r in rows)
    assert set(cats) == set(CATEGORIES)
    groups = defaultdict(list)
    for r in rows:
        if r.get("paraphrase_group"):
            groups[r["paraphrase_group"]].append(r)
    assert sum(1 for g in groups.values() if len(g) == 3) >= 20
    # every guideline section and every document of the corpus is the expected section of some question
    expected = {s for r in rows for e in r["expected_sections"] for s in ([e] if isinstance(e, str) else e)}
    assert {s for s in _sections() if s.startswith("jsh2023-all/")} <= expected
    assert len(expected & _sections()) >= 38
    fired = {i for r in rows for i in r["expected_rule_ids"]}
    assert {"SCOPE-DISEASE-001", "SCOPE-DOMAIN-002", "SAFE-DOSE-003", "SAFE-INJECT-004", "SAFE-SELF-005",
            "SAFE-CHILD-006", "FACTS-MISSING-031"} <= fired


def test_quick_is_drawn_from_gold_unchanged():
    gold = {r["id"]: r for r in load_suite("full")}
    quick = load_suite("quick")
    assert 35 <= len(quick) <= 50
    for r in quick:
        assert gold[r["id"]] == r


# ---------------------------------------------------------------------------------------------- thresholds


def test_threshold_file_has_required_limits():
    lim = load_thresholds()
    assert lim["recall@5"]["min"] >= 0.95
    assert lim["contradiction_rate"]["max"] == 0
    assert lim["refusal_recall_out_of_scope"]["min"] == 1.0
    assert lim["refusal_recall_unsafe"]["min"] == 1.0
    assert lim["citation_validity"]["min"] == 1.0
    assert lim["mutation_catch_rate"]["min"] >= 0.95
    assert lim["false_alarm_rate"]["max"] <= 0.05
    # the lay and distractors targets are separate: the quick-suite gate does not see them
    assert not {"lay_facts_correct", "distractor_signature_agreement"} & set(lim)


@pytest.mark.parametrize(
    ("kind", "want"),
    [("lay", {"lay_facts_correct": {"min": 0.95}}),
     ("distractors", {"distractor_signature_agreement": {"min": 0.95}})],
)
def test_thresholds_of_the_fact_suites(kind, want):
    assert load_thresholds(kind=kind) == want


@pytest.mark.parametrize(
    ("suite", "rows", "kind"),
    [
        ("full", [], "gold"), ("quick", [{"id": "a", "expected": {}, "absent": []}], "gold"),
        ("lay", [], "lay"), ("distractors", [], "distractors"),
        ("x.jsonl", [{"id": "a", "question": "q", "expected": {"age": 3}, "absent": []}], "lay"),
        ("x.jsonl", [{"id": "a", "question": "q", "source_id": "s01"}], "distractors"),
        ("x.jsonl", [{"id": "a", "question": "q", "expected_sections": []}], "gold"),
        ("x.jsonl", [{"id": "a", "question": "q", "expected": {}, "absent": []}, {"id": "b", "question": "q"}], "gold"),
    ],
)
def test_suite_kind(suite, rows, kind):
    assert suite_kind(suite, rows) == kind


@pytest.mark.parametrize(
    ("head", "want"),
    [
        ({"recall@5": 0.96, "contradiction_rate": 0.0}, []),
        ({"recall@5": 0.90, "contradiction_rate": 0.0}, ["recall@5 = 0.900 < min 0.95"]),
        ({"recall@5": 0.96, "contradiction_rate": 0.01}, ["contradiction_rate = 0.010 > max 0.0"]),
        ({"recall@5": None, "contradiction_rate": 0.0}, ["recall@5 was not measured"]),
        ({"contradiction_rate": 0.0}, ["recall@5 was not measured"]),
    ],
)
def test_check_thresholds(head, want):
    lim = {"recall@5": {"min": 0.95}, "contradiction_rate": {"max": 0.0}}
    assert check_thresholds({"headline": head}, lim) == want


# ---------------------------------------------------------------------------------------------- scoring


def test_score_question_ok_and_reasons():
    row = {"id": "x", "expected_sections": ["jsh2023-all/ph-pos/older"], "must_include": [["TKI"]],
           "must_not_include": ["hyper-CVAD"], "expected_verdict": "pass", "expected_scope": "in_scope",
           "expected_rule_ids": ["PHPOS-OLDER-004"]}
    good = answer(f"- {G04}[1]", [cit(1, "g04")])
    m = score_question(row, good, source, {"hybrid": ["jsh2023-all/ph-pos/older"]})
    assert m["ok"] and m["reasons"] == [] and m["hybrid.recall@5"] == 1.0
    bad = answer("- Hyper-CVAD for all.[1]", [cit(1, "g04")], verdict="warn")
    m = score_question(row, bad, source, {"hybrid": ["evidence/tower"]})
    assert not m["ok"]
    assert {r.split()[0] for r in m["reasons"]} == {"verdict", "coverage", "contradiction", "rules", "recall@5"}


# ---------------------------------------------------------------------------------------------- compare


def _run(tmp: Path, name: str, head: dict, results: list[dict]) -> Path:
    d = tmp / name
    d.mkdir()
    (d / "summary.json").write_text(json.dumps({"suite": "quick", "headline": head,
                                                "thresholds": {"failures": []}}))
    (d / "results.jsonl").write_text("\n".join(json.dumps(r) for r in results))
    return d


def _res(qid: str, verdict: str, cov: float, contra: float) -> dict:
    return {"id": qid, "answer": {"verdict": verdict},
            "metrics": {"verdict_ok": verdict == "pass", "coverage": cov, "contradiction": contra,
                        "contradiction_hits": ["x"] if contra else [], "hybrid.recall@5": 1.0}}


def test_compare_runs(tmp_path):
    a = _run(tmp_path, "a", {"recall@5": 0.9, "contradiction_rate": 0.1},
             [_res("q1", "warn", 0.5, 1.0), _res("q2", "pass", 1.0, 0.0), _res("q3", "pass", 1.0, 0.0)])
    b = _run(tmp_path, "b", {"recall@5": 0.95, "contradiction_rate": 0.0},
             [_res("q1", "pass", 1.0, 0.0), _res("q2", "pass", 0.5, 1.0), _res("q4", "pass", 1.0, 0.0)])
    text = compare_runs(a, b)
    assert "verdict warn → pass (now correct)" in text
    assert "coverage up 0.50 → 1.00" in text and "contradiction disappeared" in text
    assert "coverage down 1.00 → 0.50" in text and "contradiction appeared" in text
    assert "q3: removed" in text and "q4: new question" in text
    trends = {k: t for k, _, _, t in headline_deltas(json.loads((a / "summary.json").read_text()),
                                                     json.loads((b / "summary.json").read_text()))}
    assert trends == {"recall@5": "better", "contradiction_rate": "better"}


def test_compare_fact_suite_runs(tmp_path):
    def lay(qid, ok, misses=()):
        return {"id": qid, "answer": {"verdict": "pass"},
                "metrics": {"ok": ok, "facts_ok": ok, "misses": [{"field": f, "kind": k} for f, k in misses]}}

    def dis(qid, eq, differs=()):
        return {"id": qid, "answer": {"verdict": "pass"},
                "metrics": {"ok": eq, "signature_equal": eq, "differs": list(differs)}}

    a = _run(tmp_path, "a", {"lay_facts_correct": 0.5}, [lay("l1", False, [("age", "wrong")]), lay("l2", True),
                                                          dis("d1", True), dis("d2", False, ["rules"])])
    b = _run(tmp_path, "b", {"lay_facts_correct": 0.5}, [lay("l1", True), lay("l2", False, [("phase", "missed")]),
                                                          dis("d1", False, ["refused", "rules"]), dis("d2", True)])
    text = compare_runs(a, b)
    assert "~ l1: facts now read correctly" in text
    assert "~ l2: facts now wrong (phase missed)" in text
    assert "~ d1: signature now differs (refused, rules)" in text
    assert "~ d2: signature now equal to the clean one" in text
    assert "lay_facts_correct" in text and "same" in text


def test_compare_runs_rejects_non_run(tmp_path):
    with pytest.raises(FileNotFoundError):
        compare_runs(tmp_path, tmp_path)


# ---------------------------------------------------------------------------------------------- CI gate


@pytest.mark.integration
@pytest.mark.slow
def test_quick_suite_meets_thresholds(eval_settings, tmp_path_factory):
    """On a real index (built once per session), run the quick suite and require every threshold to hold."""
    from evals.runner import run_eval

    run_dir = run_eval(eval_settings, suite="quick", mode="extractive", out=tmp_path_factory.mktemp("eval-runs"),
                       console=None)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    for name in ("results.jsonl", "report.md", "by_category.png", "by_baseline.png", "mutations.png",
                 "latency.png"):
        assert (run_dir / name).exists(), name
    assert check_thresholds(summary) == [], "\n".join(
        [*check_thresholds(summary), *(f"{f['id']}: {f['reasons']}" for f in summary["failures"])])


# ---------------------------------------------------------------------------------------------- lay, distractors


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run_suite(settings, suite: Path, out: Path) -> tuple[dict, list[dict], str]:
    from evals.runner import run_eval

    run_dir = run_eval(settings, suite=str(suite), mode="extractive", out=out, console=None)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    results = [json.loads(x) for x in (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    return summary, results, (run_dir / "report.md").read_text(encoding="utf-8")


@pytest.mark.integration
@pytest.mark.slow
def test_lay_suite_end_to_end(eval_settings, tmp_path):
    """Three lay rows through the real assistant: two real rows read right, one planted wrong expectation caught;
    the target's failure is reported (summary, report) without raising."""
    lay = {r["id"]: r for r in load_suite("lay")}
    planted = {**lay["lay03"], "id": "lay03-planted", "expected": {**lay["lay03"]["expected"], "age": 23}}
    suite = _write_jsonl(tmp_path / "lay3.jsonl", [lay["lay03"], lay["lay09"], planted])
    summary, results, report = _run_suite(eval_settings, suite, tmp_path / "runs")

    assert summary["kind"] == "lay" and summary["n_questions"] == 3 and len(results) == 3
    assert summary["headline"]["lay_facts_correct"] == pytest.approx(2 / 3)
    assert [f["id"] for f in summary["failures"]] == ["lay03-planted"]
    assert summary["failures"][0]["misses"] == [{"field": "age", "expected": 23, "got": 22, "kind": "wrong"}]
    assert summary["per_field"]["age"]["correct"] == 2 and summary["per_field"]["lineage"]["accuracy"] == 1.0
    assert summary["thresholds"]["passed"] is False
    assert summary["thresholds"]["failures"] == ["lay_facts_correct = 0.667 < min 0.95"]
    by_id = {r["id"]: r for r in results}
    assert by_id["lay09"]["got"]["cd19"] is True and by_id["lay09"]["metrics"]["facts_ok"] is True
    assert by_id["lay03"]["answer"]["patient"] == by_id["lay03"]["got"]
    assert "**age** expected 23, got 22 (wrong)" in report and "| 0.667 | min 0.95 | ✗ |" in report


@pytest.mark.integration
@pytest.mark.slow
def test_distractors_suite_end_to_end(eval_settings, tmp_path):
    """Three distractor rows through the real assistant: two real rows keep their clean signature; a planted row
    (another patient's question under s04) is caught, with both signatures and both fact sets in the report."""
    rows = {r["id"]: r for r in load_suite("distractors")}
    gold = {r["id"]: r for r in load_suite("full")}
    planted = {"id": "s04-planted", "source_id": "s04", "question": gold["s05"]["question"]}
    suite = _write_jsonl(tmp_path / "dis3.jsonl", [rows["s01-x"], rows["s08-x"], planted])
    summary, results, report = _run_suite(eval_settings, suite, tmp_path / "runs")

    assert summary["kind"] == "distractors" and summary["n_questions"] == 3 and len(results) == 3
    assert summary["headline"]["distractor_signature_agreement"] == pytest.approx(2 / 3)
    assert [f["id"] for f in summary["failures"]] == ["s04-planted"]
    f = summary["failures"][0]
    assert "rules" in f["differs"] and f["clean_signature"]["rules"] != f["noisy_signature"]["rules"]
    assert f["clean_facts"]["age"] == 55 and f["noisy_facts"]["age"] == 78
    assert f["source_question"] == gold["s04"]["question"]
    assert summary["thresholds"]["failures"] == ["distractor_signature_agreement = 0.667 < min 0.95"]
    by_id = {r["id"]: r for r in results}
    assert by_id["s01-x"]["metrics"]["signature_equal"] is True
    assert by_id["s01-x"]["clean_answer"]["question"] == gold["s01"]["question"]
    assert by_id["s01-x"]["metrics"]["clean_signature"] == by_id["s01-x"]["metrics"]["noisy_signature"]
    assert "### `s04-planted` (from `s04`, patient_scenario)" in report and "age=78" in report


def test_fact_suite_rejects_bad_rows_before_loading_anything(tmp_path):
    from assistant.settings import Settings
    from evals.runner import run_eval

    settings = Settings(store={"path": tmp_path / "no-index"})
    bad = _write_jsonl(tmp_path / "bad.jsonl", [{"id": "b1", "question": "q", "expected": {"agee": 3}, "absent": []}])
    with pytest.raises(ValueError, match=r"lay row 'b1': unknown PatientFacts field\(s\) \['agee'\]"):
        run_eval(settings, suite=str(bad), mode="extractive", out=tmp_path / "runs", console=None)
    assert not (tmp_path / "runs").exists()
