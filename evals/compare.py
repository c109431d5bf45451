"""Compare two eval runs: headline deltas and question-by-question changes.

Example:
    >>> print(compare_runs(Path("evals/runs/A"), Path("evals/runs/B")))    # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# metrics where lower is better
_LOWER_BETTER = {"contradiction_rate", "false_alarm_rate", "latency_total_p50_ms", "latency_total_p95_ms"}


def _load(run: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    run = Path(run)
    summary_p, results_p = run / "summary.json", run / "results.jsonl"
    if not summary_p.exists() or not results_p.exists():
        raise FileNotFoundError(f"{run} is not an eval run folder (summary.json and results.jsonl expected)")
    summary = json.loads(summary_p.read_text(encoding="utf-8"))
    results = {}
    for line in results_p.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            results[r["id"]] = r
    return summary, results


def _f(v: Any) -> str:
    return "n/a" if v is None else (f"{v:.3f}" if isinstance(v, float) and abs(v) < 10 else f"{v:.1f}"
                                    if isinstance(v, float) else str(v))


def headline_deltas(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any, str]]:
    """(metric, a, b, better|worse|same|n/a) for every headline metric of either run."""
    ha, hb = a.get("headline", {}), b.get("headline", {})
    out = []
    for k in list(dict.fromkeys([*ha, *hb])):
        va, vb = ha.get(k), hb.get(k)
        if va is None or vb is None:
            trend = "n/a"
        elif abs(vb - va) < 1e-9:
            trend = "same"
        else:
            up = vb > va
            trend = "better" if up != (k in _LOWER_BETTER) else "worse"
        out.append((k, va, vb, trend))
    return out


def _fact_suite_changes(ma: dict[str, Any], mb: dict[str, Any]) -> list[str]:
    """Lay runs (facts_ok, misses) and distractor runs (signature_equal, differs): what flipped."""
    notes = []
    if "facts_ok" in ma and "facts_ok" in mb and ma["facts_ok"] != mb["facts_ok"]:
        misses = ", ".join(f"{m['field']} {m['kind']}" for m in mb.get("misses", []))
        notes.append("facts now read correctly" if mb["facts_ok"] else f"facts now wrong ({misses})")
    if "signature_equal" in ma and "signature_equal" in mb and ma["signature_equal"] != mb["signature_equal"]:
        notes.append("signature now equal to the clean one" if mb["signature_equal"]
                     else f"signature now differs ({', '.join(mb.get('differs', []))})")
    return notes


def question_changes(ra: dict[str, dict[str, Any]], rb: dict[str, dict[str, Any]]) -> list[str]:
    """One line per changed question: verdict, coverage, contradiction, facts/signature (lay, distractors runs),
    new/removed questions."""
    lines: list[str] = []
    for qid in sorted(set(ra) | set(rb)):
        if qid not in ra:
            lines.append(f"+ {qid}: new question")
            continue
        if qid not in rb:
            lines.append(f"- {qid}: removed")
            continue
        a, b = ra[qid], rb[qid]
        ma, mb = a["metrics"], b["metrics"]
        notes = []
        va, vb = a["answer"]["verdict"], b["answer"]["verdict"]
        if va != vb:
            ok = "" if ma.get("verdict_ok") == mb.get("verdict_ok") else (
                " (now correct)" if mb.get("verdict_ok") else " (now wrong)")
            notes.append(f"verdict {va} → {vb}{ok}")
        ca, cb = ma.get("coverage"), mb.get("coverage")
        if ca is not None and cb is not None and abs(ca - cb) > 1e-9:
            notes.append(f"coverage {'up' if cb > ca else 'down'} {ca:.2f} → {cb:.2f}")
        xa, xb = ma.get("contradiction") or 0.0, mb.get("contradiction") or 0.0
        if xa != xb:
            notes.append("contradiction appeared " + str(mb.get("contradiction_hits")) if xb else
                         "contradiction disappeared")
        ra5, rb5 = ma.get("hybrid.recall@5"), mb.get("hybrid.recall@5")
        if ra5 is not None and rb5 is not None and abs(ra5 - rb5) > 1e-9:
            notes.append(f"recall@5 {ra5:.2f} → {rb5:.2f}")
        notes += _fact_suite_changes(ma, mb)
        if notes:
            lines.append(f"~ {qid}: " + "; ".join(notes))
    return lines


def compare_runs(a: Path, b: Path) -> str:
    """What got better and worse from run `a` (older) to run `b` (newer), as plain text."""
    sa, ra = _load(a)
    sb, rb = _load(b)
    out = [f"Compare {Path(a).name} → {Path(b).name} (suites {sa.get('suite')} / {sb.get('suite')})", "",
           f"{'metric':34} {'A':>10} {'B':>10}  trend"]
    for k, va, vb, trend in headline_deltas(sa, sb):
        out.append(f"{k:34} {_f(va):>10} {_f(vb):>10}  {trend}")
    fa = set(sa.get("thresholds", {}).get("failures", []))
    fb = set(sb.get("thresholds", {}).get("failures", []))
    out += ["", f"threshold failures: A {len(fa)}, B {len(fb)}"]
    out += [f"  now failing: {f}" for f in sorted(fb - fa)]
    changes = question_changes(ra, rb)
    out += ["", f"question changes ({len(changes)}):"] + (changes or ["  none"])
    return "\n".join(out)


__all__ = ["compare_runs", "headline_deltas", "question_changes"]
