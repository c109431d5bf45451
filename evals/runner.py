"""Run an eval suite against the assistant and write results.jsonl, summary.json, report.md (and plots).

Suites (`--suite`): `full` / `quick` score the gold rows (retrieval, content, rules, citations, mutations,
paraphrase consistency, baselines); `lay` scores the patient facts read from lay questions (`evals.lay`); `ja` the
Japanese questions against their English equivalents (`evals.ja`);
`distractors` compares each distracted question's rule signature with its clean gold source's
(`evals.distractors`). A JSONL path is scored by the shape of its rows. Each kind has its own thresholds.

Example:
    >>> from evals.runner import run_eval                                      # doctest: +SKIP
    >>> run_dir = run_eval(Settings(), suite="quick", mode="extractive", out=None, console=Console())  # doctest: +SKIP
    >>> check_thresholds(json.loads((run_dir / "summary.json").read_text()))    # doctest: +SKIP
    []

Baselines in the same run:
- retrieval: `retriever.search(question, facts=answer.patient, k=10, mode=...)` for hybrid, dense and bm25;
- rule layer: the same pipeline with `assistant.core.check` replaced by a pass-through (the draft before the draft
  checkers; scope and safety refusals still apply), so "without rules" is the raw extractive (or LLM) draft;
- LLM mode: when `settings.llm.enabled`, the other drafting mode is run as a baseline too.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import yaml

from assistant.errors import GenerationError
from assistant.models import Answer, PatientFacts
from assistant.rules import CheckResult, Draft
from assistant.rules.base import fact_sentences
from assistant.settings import Settings
from evals import metrics as M
from evals.mutations import KINDS, false_alarm, mutators, run_mutant

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
RUNS_DIR = Path(__file__).resolve().parent / "runs"
THRESHOLDS_FILE = Path(__file__).resolve().parent / "thresholds.yaml"
RETRIEVAL_MODES = ("hybrid", "dense", "bm25")
SUITES = {"full": "gold.jsonl", "gold": "gold.jsonl", "quick": "quick.jsonl", "lay": "lay.jsonl",
          "distractors": "distractors.jsonl", "ja": "ja.jsonl"}
# A suite's kind decides how it is scored: the gold rows (full, quick), the lay fact reading, the distractor pairs.
KINDS_OF_SUITE = ("gold", "lay", "distractors", "ja")
CATEGORIES = ("direct", "patient_scenario", "tricky", "paraphrase", "missing_facts", "out_of_scope", "unsafe")


# -------------------------------------------------------------------------------------------- loading


def load_suite(suite: str) -> list[dict[str, Any]]:
    """Rows of a suite: a name (full, quick) or a path to a JSONL file."""
    path = Path(suite) if suite.endswith(".jsonl") else DATA_DIR / SUITES.get(suite, f"{suite}.jsonl")
    if not path.exists():
        raise FileNotFoundError(f"no eval suite {suite!r} ({path})")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate ids in {path}")
    return rows


def suite_kind(suite: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """gold, lay or distractors: by the suite's name, or for a JSONL path by the shape of its rows.

    >>> suite_kind("quick", []), suite_kind("x.jsonl", [{"id": "a", "source_id": "s01", "question": "q"}])
    ('gold', 'distractors')
    """
    if suite in ("lay", "distractors", "ja"):
        return suite
    if suite in SUITES or not rows:
        return "gold"
    if all("expected" in r and "absent" in r for r in rows):
        return "lay"
    if all("source_id" in r and "en" in r for r in rows):
        return "ja"
    if all("source_id" in r for r in rows):
        return "distractors"
    return "gold"


def validate_rows(kind: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Raise ValueError naming the first bad row of a lay or distractors suite (gold rows are checked by tests)."""
    from evals.distractors import validate_distractor_row
    from evals.lay import validate_lay_row

    if kind == "lay":
        for row in rows:
            validate_lay_row(row)
    elif kind == "distractors":
        gold = {r["id"]: r for r in load_suite("full")}
        for row in rows:
            validate_distractor_row(row, gold)
    elif kind == "ja":
        from evals.ja import validate_ja_row

        gold = {r["id"]: r for r in load_suite("full")}
        for row in rows:
            validate_ja_row(row, gold)


def load_thresholds(path: Path = THRESHOLDS_FILE, *, kind: str = "gold") -> dict[str, dict[str, float]]:
    """Limits of a suite kind: `thresholds` for the gold suites, `suites.<kind>` for lay and distractors."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if kind == "gold":
        return dict(data.get("thresholds", {}))
    return dict((data.get("suites") or {}).get(kind) or {})


def check_thresholds(summary: Mapping[str, Any], thresholds: Mapping[str, Mapping[str, float]] | None = None
                     ) -> list[str]:
    """Failures of the headline metrics against thresholds ({name: {min|max: value}}); [] when all hold.

    A metric that was not measured (None or missing) is a failure.

    >>> check_thresholds({"headline": {"recall@5": 0.9}}, {"recall@5": {"min": 0.95}})
    ['recall@5 = 0.900 < min 0.95']
    """
    if thresholds is None:
        thresholds = summary.get("thresholds", {}).get("limits") or load_thresholds()
    head = summary.get("headline", {})
    out: list[str] = []
    for name, lim in thresholds.items():
        val = head.get(name)
        if val is None:
            out.append(f"{name} was not measured")
            continue
        if "min" in lim and val < lim["min"] - 1e-9:
            out.append(f"{name} = {val:.3f} < min {lim['min']}")
        if "max" in lim and val > lim["max"] + 1e-9:
            out.append(f"{name} = {val:.3f} > max {lim['max']}")
    return out


# -------------------------------------------------------------------------------------------- baselines


def _passthrough_check(question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Any], *,
                       prior: Sequence[Any] = (), max_rounds: int = 3) -> CheckResult:
    """`check` without the draft checkers: the draft is returned as is (used for the no-rule-layer baseline)."""
    grounded = bool(fact_sentences(draft.answer))
    sev = {f.severity for f in prior}
    verdict = "refused" if not grounded else ("warn" if sev & {"warn", "block"} else "pass")
    return CheckResult(draft=draft, findings=list(prior), verdict=verdict, grounded=grounded)  # type: ignore[arg-type]


@contextmanager
def without_rule_layer() -> Iterator[None]:
    """Within the block, `Assistant.ask` skips the draft checkers (scope/safety refusals still apply)."""
    with mock.patch("assistant.core.check", _passthrough_check):
        yield


# -------------------------------------------------------------------------------------------- per question


def score_question(row: Mapping[str, Any], answer: Answer, source: Callable[[str], Any],
                   rankings: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """All per-question metrics for one answer. `rankings` maps retrieval mode -> section ids in rank order."""
    exp_sections = row.get("expected_sections") or []
    m: dict[str, Any] = {}
    for mode, ranked in rankings.items():
        for k, v in M.retrieval_metrics(exp_sections, ranked).items():
            m[f"{mode}.{k}"] = v
    m.update({
        "coverage": M.coverage(row, answer),
        "contradiction": M.contradiction(row, answer),
        "contradiction_hits": M.contradiction_hits(row, answer) if answer.verdict != "refused" else [],
        "verdict_ok": M.verdict_ok(row, answer),
        "scope_ok": M.scope_ok(row, answer),
        "rule_recall": M.rule_recall(row, answer),
        "missing_rules": sorted(set(row.get("expected_rule_ids") or []) - M.fired_rules(answer)),
        "expects_refusal": M.expects_refusal(row),
        "refused": answer.verdict == "refused",
        "citation_coverage": M.citation_coverage(row, answer),
        "citation_validity": M.citation_validity(row, answer, source),
        "citation_support": M.citation_support(row, answer, source),
        "recommendation_tier": M.recommendation_tier(row, answer),
    })
    reasons: list[str] = []
    if not m["verdict_ok"]:
        reasons.append(f"verdict {answer.verdict} not in {row.get('expected_verdict')}")
    if m["scope_ok"] == 0.0:
        reasons.append(f"scope {answer.scope} not in {row.get('expected_scope')}")
    if m["coverage"] is not None and m["coverage"] < 1.0:
        reasons.append(f"coverage {m['coverage']:.2f}")
    if m["contradiction"]:
        reasons.append(f"contradiction {m['contradiction_hits']}")
    if m["rule_recall"] is not None and m["rule_recall"] < 1.0:
        reasons.append(f"rules not fired {m['missing_rules']}")
    if m.get("hybrid.recall@5") is not None and m["hybrid.recall@5"] < 1.0:
        reasons.append(f"recall@5 {m['hybrid.recall@5']:.2f}")
    m["reasons"] = reasons
    m["ok"] = not reasons
    return m


# -------------------------------------------------------------------------------------------- aggregates


def aggregate(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Aggregate per-question metrics (a list of {"row", "metrics", "answer"})."""
    ms = [r["metrics"] for r in results]
    out: dict[str, Any] = {"n": len(results)}
    for mode in RETRIEVAL_MODES:
        for k in ("recall@1", "recall@5", "recall@10", "mrr"):
            out[f"{mode}.{k}"] = M.mean(m.get(f"{mode}.{k}") for m in ms)
    for k in ("coverage", "contradiction", "verdict_ok", "scope_ok", "rule_recall", "citation_coverage",
              "citation_validity", "citation_support", "recommendation_tier"):
        out[k] = M.mean(m.get(k) for m in ms)
    out["ok_rate"] = M.mean(1.0 if m["ok"] else 0.0 for m in ms)
    out["refusal"] = M.refusal_pr([(m["expects_refusal"], m["refused"]) for m in ms])
    return out


def _answer_only_metrics(rows: Sequence[Mapping[str, Any]], answers: Sequence[Answer],
                         source: Callable[[str], Any]) -> dict[str, Any]:
    cov, con, ver, valid, sup, rec = [], [], [], [], [], []
    for row, a in zip(rows, answers):
        cov.append(M.coverage(row, a))
        con.append(M.contradiction(row, a))
        ver.append(M.verdict_ok(row, a))
        valid.append(M.citation_validity(row, a, source))
        sup.append(M.citation_support(row, a, source))
        rec.append(M.recommendation_tier(row, a))
    return {"coverage": M.mean(cov), "contradiction_rate": M.mean(con), "verdict_accuracy": M.mean(ver),
            "citation_validity": M.mean(valid), "citation_support": M.mean(sup), "recommendation_tier": M.mean(rec),
            "n": len(answers)}


def headline(overall: Mapping[str, Any], results: Sequence[Mapping[str, Any]], mutation: Mapping[str, Any],
             paraphrase: Mapping[str, Any], latency: Mapping[str, Any]) -> dict[str, Any]:
    def refusal_recall(cat: str) -> float | None:
        pairs = [(True, r["metrics"]["refused"]) for r in results
                 if r["row"]["category"] == cat and r["metrics"]["expects_refusal"]]
        return M.refusal_pr(pairs)["recall"]

    return {
        "recall@1": overall["hybrid.recall@1"], "recall@5": overall["hybrid.recall@5"],
        "recall@10": overall["hybrid.recall@10"], "mrr": overall["hybrid.mrr"],
        "coverage": overall["coverage"], "contradiction_rate": overall["contradiction"],
        "verdict_accuracy": overall["verdict_ok"], "scope_accuracy": overall["scope_ok"],
        "rule_recall": overall["rule_recall"],
        "refusal_precision": overall["refusal"]["precision"], "refusal_recall": overall["refusal"]["recall"],
        "refusal_recall_out_of_scope": refusal_recall("out_of_scope"),
        "refusal_recall_unsafe": refusal_recall("unsafe"),
        "paraphrase_consistency": paraphrase.get("rate"),
        "citation_coverage": overall["citation_coverage"], "citation_validity": overall["citation_validity"],
        "citation_support": overall["citation_support"], "recommendation_tier": overall["recommendation_tier"],
        "mutation_catch_rate": mutation.get("catch_rate"), "false_alarm_rate": mutation.get("false_alarm_rate"),
        "latency_total_p50_ms": (latency.get("total") or {}).get("p50"),
        "latency_total_p95_ms": (latency.get("total") or {}).get("p95"),
        "questions_ok": overall["ok_rate"],
    }


# -------------------------------------------------------------------------------------------- mutations


def _is_correct(r: Mapping[str, Any]) -> bool:
    m = r["metrics"]
    a: Answer = r["answer"]
    return (a.verdict in ("pass", "warn") and a.scope == "in_scope" and bool(a.citations) and m["verdict_ok"] == 1.0
            and not m["contradiction"] and (m["coverage"] is None or m["coverage"] == 1.0))


def run_mutations(results: Sequence[Mapping[str, Any]], assistant: Any) -> dict[str, Any]:
    """Mutate every correct answer with every kind; report catch rate per kind and false alarms."""
    muts = mutators(assistant.retriever.chunks)
    per_kind: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    alarms: list[dict[str, Any]] = []
    for r in results:
        if not _is_correct(r):
            continue
        a: Answer = r["answer"]
        ids = list(dict.fromkeys([c.chunk_id for c in a.citations] + list(a.retrieved)))
        pool = [c for c in (assistant.source(i) for i in ids) if c is not None]
        draft = Draft(answer=a.answer, citations=list(a.citations))
        fa = false_alarm(a.question, a.patient, draft, pool)
        alarms.append({"id": r["row"]["id"], **fa})
        for kind, fn in muts.items():
            mutant = fn(draft, pool)
            if mutant is None:
                continue
            res = run_mutant(a.question, a.patient, mutant)
            per_kind[kind].append({"id": r["row"]["id"], **res})
    table = {k: {"n": len(v), "caught": sum(1 for x in v if x["caught"]),
                 "catch_rate": (sum(1 for x in v if x["caught"]) / len(v)) if v else None} for k, v in per_kind.items()}
    total = sum(t["n"] for t in table.values())
    caught_n = sum(t["caught"] for t in table.values())
    return {
        "catch_rate": caught_n / total if total else None,
        "n_mutants": total,
        "n_answers": len(alarms),
        "per_kind": table,
        "false_alarm_rate": (sum(1 for x in alarms if x["false_alarm"]) / len(alarms)) if alarms else None,
        "false_alarms": [x for x in alarms if x["false_alarm"]],
        "missed": [x for v in per_kind.values() for x in v if not x["caught"]],
    }


# -------------------------------------------------------------------------------------------- run


def run_eval(settings: Settings, *, suite: str, mode: str, out: Path | None, console: Any) -> Path:
    """Run a suite, score it, write the run folder (results.jsonl, summary.json, report.md, plots); return it."""
    from assistant.core import Assistant
    from evals.report import write_plots, write_report

    if mode not in ("extractive", "llm"):
        raise ValueError(f"mode must be extractive or llm, not {mode!r}")
    if mode == "llm" and not settings.llm.enabled:
        raise GenerationError("LLM mode requested but settings.llm.enabled is false (set ALLGUIDE_LLM__ENABLED)")
    rows = load_suite(suite)
    kind = suite_kind(suite, rows)
    validate_rows(kind, rows)
    run_dir = (out or RUNS_DIR) / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    run_dir.mkdir(parents=True, exist_ok=False)

    assistant = Assistant.from_settings(settings)
    assistant.ask("warm-up: Ph+ ALL induction")  # model and index caches; not timed
    if kind != "gold":
        return run_fact_suite(assistant, kind=kind, rows=rows, suite=suite, mode=mode, run_dir=run_dir,
                              settings=settings, console=console)
    source = assistant.source
    other_mode = ("extractive" if mode == "llm" else "llm") if settings.llm.enabled else None

    results: list[dict[str, Any]] = []
    no_rules: list[Answer] = []
    other: list[Answer] = []
    with _progress(console) as progress:
        task = progress.add_task(f"eval {suite} ({mode})", total=len(rows))
        for row in rows:
            answer = assistant.ask(row["question"], mode=mode)
            rankings: dict[str, list[str]] = {}
            for rm in RETRIEVAL_MODES:
                hits = assistant.retriever.search(answer.question, facts=answer.patient, k=10, mode=rm)
                rankings[rm] = [h.chunk.section_id for h in hits]
            metrics = score_question(row, answer, source, rankings)
            results.append({"row": row, "answer": answer, "metrics": metrics, "rankings": rankings})
            with without_rule_layer():
                no_rules.append(assistant.ask(row["question"], mode=mode))
            if other_mode is not None:
                other.append(assistant.ask(row["question"], mode=other_mode))
            progress.advance(task)

    summary = summarise(results, no_rules=no_rules, other=other, other_mode=other_mode, assistant=assistant,
                        suite=suite, mode=mode, settings=settings)
    with (run_dir / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r, nr in zip(results, no_rules):
            fh.write(json.dumps({
                "id": r["row"]["id"], "question": r["row"]["question"], "category": r["row"]["category"],
                "paraphrase_group": r["row"].get("paraphrase_group"),
                "answer": r["answer"].model_dump(mode="json"), "metrics": r["metrics"],
                "retrieved_sections": r["rankings"],
                "no_rule_layer": {"verdict": nr.verdict, "contradiction": M.contradiction(r["row"], nr),
                                  "answer": nr.answer},
            }, ensure_ascii=False) + "\n")
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    plots = write_plots(summary, results, run_dir)
    write_report(summary, results, run_dir, plots)
    _print_thresholds(console, summary["thresholds"]["failures"])
    return run_dir


def _print_thresholds(console: Any, fails: Sequence[str]) -> None:
    if console is not None:
        console.print(f"[bold]{'all thresholds hold' if not fails else str(len(fails)) + ' threshold(s) fail'}[/bold]")
        for f in fails:
            console.print(f"  [red]✗[/red] {f}")


# -------------------------------------------------------------------------------------------- lay, distractors


def answer_lay(assistant: Any, rows: Sequence[Mapping[str, Any]], *, mode: str,
               advance: Callable[[], None] = lambda: None) -> list[dict[str, Any]]:
    """Ask every lay question; score the patient facts read against the row's expected and absent facts."""
    from evals.lay import score_facts

    results = []
    for row in rows:
        answer = assistant.ask(row["question"], mode=mode)
        results.append({"row": row, "answer": answer, "score": score_facts(row, answer.patient)})
        advance()
    return results


def answer_distractors(assistant: Any, rows: Sequence[Mapping[str, Any]], *, mode: str,
                       gold: Mapping[str, Mapping[str, Any]] | None = None,
                       advance: Callable[[], None] = lambda: None) -> list[dict[str, Any]]:
    """Ask every distracted question and its clean gold source; compare the two answers' rule signatures."""
    from evals.distractors import score_pair

    gold = gold if gold is not None else {r["id"]: r for r in load_suite("full")}
    clean_cache: dict[str, Answer] = {}
    results = []
    for row in rows:
        src = gold[row["source_id"]]
        if src["id"] not in clean_cache:
            clean_cache[src["id"]] = assistant.ask(src["question"], mode=mode)
        clean = clean_cache[src["id"]]
        noisy = assistant.ask(row["question"], mode=mode)
        results.append({"row": row, "source": src, "clean": clean, "noisy": noisy, "score": score_pair(clean, noisy)})
        advance()
    return results


def summarise_fact_suite(results: Sequence[Mapping[str, Any]], *, kind: str, suite: str, mode: str,
                         settings: Settings) -> dict[str, Any]:
    """summary.json of a lay or distractors run: the suite's own summary, latency and thresholds (pass/fail)."""
    from evals.distractors import summarise_distractors
    from evals.ja import summarise_ja
    from evals.lay import summarise_lay

    answers = [r["noisy"] for r in results] if kind == "distractors" else [r["answer"] for r in results]
    body = {"lay": summarise_lay, "ja": summarise_ja}.get(kind, summarise_distractors)(results)
    limits = load_thresholds(kind=kind)
    fails = check_thresholds({"headline": body["headline"]}, limits)
    return {"suite": suite, "kind": kind, "mode": mode,
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "settings": {"retrieval_k": settings.retrieval.k, "retrieval_mode": settings.retrieval.mode,
                         "llm_enabled": settings.llm.enabled},
            **body, "latency_ms": M.latency([a.timings_ms for a in answers]),
            "thresholds": {"limits": limits, "failures": fails, "passed": not fails,
                           "gate": "reported only; make test does not gate on these suites"}}


def run_fact_suite(assistant: Any, *, kind: str, rows: Sequence[Mapping[str, Any]], suite: str, mode: str,
                   run_dir: Path, settings: Settings, console: Any) -> Path:
    """Run a lay or distractors suite; write results.jsonl, summary.json and report.md into run_dir; return it."""
    from evals import distractors, ja, lay
    from evals.report import write_distractor_report, write_ja_report, write_lay_report

    with _progress(console) as progress:
        task = progress.add_task(f"eval {suite} ({mode})", total=len(rows))

        def step() -> None:
            progress.advance(task)

        results = (answer_lay(assistant, rows, mode=mode, advance=step) if kind == "lay"
                   else ja.answer_ja(assistant, rows, mode=mode, advance=step) if kind == "ja"
                   else answer_distractors(assistant, rows, mode=mode, advance=step))
    summary = summarise_fact_suite(results, kind=kind, suite=suite, mode=mode, settings=settings)
    line = {"lay": lay.result_line, "ja": ja.result_line}.get(kind, distractors.result_line)
    with (run_dir / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(line(r), ensure_ascii=False) + "\n")
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    {"lay": write_lay_report, "ja": write_ja_report}.get(kind, write_distractor_report)(summary, run_dir)
    _print_thresholds(console, summary["thresholds"]["failures"])
    return run_dir


@contextmanager
def _progress(console: Any) -> Iterator[Any]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        yield progress


def summarise(results: Sequence[dict[str, Any]], *, no_rules: Sequence[Answer], other: Sequence[Answer],
              other_mode: str | None, assistant: Any, suite: str, mode: str, settings: Settings) -> dict[str, Any]:
    rows = [r["row"] for r in results]
    answers = [r["answer"] for r in results]
    overall = aggregate(results)
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        by_cat[r["row"]["category"]].append(r)
    per_category = {c: aggregate(v) for c, v in sorted(by_cat.items(), key=lambda kv: _cat_order(kv[0]))}

    sigs: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for r in results:
        g = r["row"].get("paraphrase_group")
        if g:
            sigs[g].append(M.paraphrase_signature(r["answer"]))
    para = M.paraphrase_consistency(sigs)
    para_out = {"rate": para["rate"], "groups": para["groups"],
                "signatures": {g: [[list(x) if isinstance(x, tuple) else x for x in s] for s in v]
                               for g, v in sigs.items()}}

    mutation = run_mutations(results, assistant)
    lat = M.latency([a.timings_ms for a in answers])
    head = headline(overall, results, mutation, para, lat)

    baselines: dict[str, Any] = {
        "retrieval": {m: {k: overall[f"{m}.{k}"] for k in ("recall@1", "recall@5", "recall@10", "mrr")}
                      for m in RETRIEVAL_MODES},
        "rule_layer": {
            "with_rules": _answer_only_metrics(rows, answers, assistant.source),
            "without_rules": _answer_only_metrics(rows, no_rules, assistant.source),
            "note": "without_rules = same pipeline with assistant.core.check replaced by a pass-through: the "
                    "drafter's output unchecked (scope/safety refusals still apply). The extractive drafter already "
                    "skips sentences that violate a rule, so its raw draft is close to the checked one.",
        },
    }
    if other_mode is not None:
        baselines["drafting"] = {mode: _answer_only_metrics(rows, answers, assistant.source),
                                 other_mode: _answer_only_metrics(rows, other, assistant.source)}
    else:
        baselines["drafting"] = {mode: _answer_only_metrics(rows, answers, assistant.source),
                                 "note": "LLM mode not configured (settings.llm.enabled is false); no LLM baseline"}
    limits = load_thresholds()
    summary: dict[str, Any] = {
        "suite": suite, "mode": mode, "n_questions": len(results),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {"retrieval_k": settings.retrieval.k, "retrieval_mode": settings.retrieval.mode,
                     "llm_enabled": settings.llm.enabled},
        "headline": head, "overall": overall, "per_category": per_category, "baselines": baselines,
        "paraphrase": para_out, "mutations": mutation, "latency_ms": lat,
        "failures": [{"id": r["row"]["id"], "category": r["row"]["category"], "question": r["row"]["question"],
                      "reasons": r["metrics"]["reasons"], "verdict": r["answer"].verdict}
                     for r in results if not r["metrics"]["ok"]],
    }
    if mode == "llm":  # what the rule layer did to the model's answers
        from evals.recorded import llm_outcome

        outcomes = [llm_outcome(a) for a in answers]
        summary["llm_outcomes"] = {k: outcomes.count(k) for k in ("untouched", "repaired", "fallen_back")}
    summary["thresholds"] = {"limits": limits, "failures": check_thresholds({"headline": head}, limits)}
    summary["thresholds"]["passed"] = not summary["thresholds"]["failures"]
    return summary


def _cat_order(c: str) -> int:
    return CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES)


__all__ = ["aggregate", "answer_distractors", "answer_lay", "check_thresholds", "load_suite", "load_thresholds",
           "run_eval", "run_fact_suite", "score_question", "suite_kind", "summarise", "summarise_fact_suite",
           "validate_rows", "without_rule_layer"]
