"""report.md and PNG plots (matplotlib, Agg backend) for an eval run.

Example:
    >>> plots = write_plots(summary, results, run_dir)        # doctest: +SKIP
    >>> write_report(summary, results, run_dir, plots)        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HEADLINE_ROWS: tuple[tuple[str, str], ...] = (
    ("recall@1", "Retrieval recall@1 (hybrid)"),
    ("recall@5", "Retrieval recall@5 (hybrid)"),
    ("recall@10", "Retrieval recall@10 (hybrid)"),
    ("mrr", "MRR (hybrid)"),
    ("coverage", "Key-fact coverage"),
    ("contradiction_rate", "Contradiction rate"),
    ("verdict_accuracy", "Verdict accuracy"),
    ("scope_accuracy", "Scope accuracy"),
    ("rule_recall", "Expected rules fired"),
    ("refusal_precision", "Refusal precision"),
    ("refusal_recall", "Refusal recall"),
    ("refusal_recall_out_of_scope", "Refusal recall, out of scope"),
    ("refusal_recall_unsafe", "Refusal recall, unsafe"),
    ("paraphrase_consistency", "Paraphrase consistency"),
    ("citation_coverage", "Fact sentences with a citation"),
    ("citation_validity", "Citation quotes verbatim"),
    ("citation_support", "Cited chunks support sentence"),
    ("recommendation_tier", "'Recommended' cites guideline tier"),
    ("mutation_catch_rate", "Mutation catch rate"),
    ("false_alarm_rate", "False-alarm rate"),
    ("latency_total_p50_ms", "Latency total p50 (ms)"),
    ("latency_total_p95_ms", "Latency total p95 (ms)"),
    ("questions_ok", "Questions fully correct"),
)


def fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) >= 10 else f"{v:.3f}"
    return str(v)


def write_plots(summary: Mapping[str, Any], results: Sequence[Mapping[str, Any]], run_dir: Path) -> list[str]:
    """Write the four PNG plots; return their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names: list[str] = []

    # 1. metrics by category
    cats = list(summary["per_category"])
    keys = [("coverage", "coverage"), ("verdict_ok", "verdict acc."), ("hybrid.recall@5", "recall@5"),
            ("rule_recall", "rules fired"), ("ok_rate", "fully correct")]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(keys)
    for i, (k, label) in enumerate(keys):
        vals = [summary["per_category"][c].get(k) or 0.0 for c in cats]
        ax.bar([x + i * width for x in range(len(cats))], vals, width, label=label)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(cats))], cats, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_title("Metrics by category")
    ax.legend(fontsize=8, ncol=5, loc="lower center", bbox_to_anchor=(0.5, -0.35))
    fig.tight_layout()
    fig.savefig(run_dir / "by_category.png", dpi=110)
    plt.close(fig)
    names.append("by_category.png")

    # 2. baselines
    b = summary["baselines"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    modes = list(b["retrieval"])
    for i, k in enumerate(("recall@5", "mrr")):
        axes[0].bar([x + i * 0.4 for x in range(len(modes))], [b["retrieval"][m][k] or 0.0 for m in modes], 0.4,
                    label=k)
    axes[0].set_xticks([x + 0.2 for x in range(len(modes))], modes)
    axes[0].set_ylim(0, 1.05)
    axes[0].set_title("Retrieval baselines")
    axes[0].legend(fontsize=8)
    rl = b["rule_layer"]
    labels = ["with rules", "without rules"]
    ks = [("coverage", "coverage"), ("contradiction_rate", "contradiction"), ("citation_support", "cit. support"),
          ("recommendation_tier", "rec. tier")]
    for i, (k, lab) in enumerate(ks):
        axes[1].bar([x + i * 0.2 for x in range(2)], [rl["with_rules"][k] or 0.0, rl["without_rules"][k] or 0.0], 0.2,
                    label=lab)
    axes[1].set_xticks([x + 0.3 for x in range(2)], labels)
    axes[1].set_ylim(0, 1.05)
    axes[1].set_title("Answers with / without the rule layer")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(run_dir / "by_baseline.png", dpi=110)
    plt.close(fig)
    names.append("by_baseline.png")

    # 3. mutation catch rates
    per = summary["mutations"]["per_kind"]
    kinds = list(per)
    fig, ax = plt.subplots(figsize=(10, 4))
    vals = [per[k]["catch_rate"] if per[k]["catch_rate"] is not None else 0.0 for k in kinds]
    bars = ax.bar(kinds, vals, color=["tab:green" if v >= 0.95 else "tab:red" for v in vals])
    for bar, k in zip(bars, kinds):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.01, f"n={per[k]['n']}", ha="center",
                fontsize=8)
    ax.axhline(0.95, color="grey", ls="--", lw=1)
    ax.set_ylim(0, 1.1)
    ax.set_title("Rule layer: mutation catch rate per kind")
    plt.setp(ax.get_xticklabels(), rotation=20)
    fig.tight_layout()
    fig.savefig(run_dir / "mutations.png", dpi=110)
    plt.close(fig)
    names.append("mutations.png")

    # 4. latency histogram
    fig, ax = plt.subplots(figsize=(8, 3.5))
    totals = [r["answer"].timings_ms.get("total", 0.0) for r in results if r["answer"].timings_ms]
    ax.hist(totals, bins=30, color="tab:blue")
    ax.set_xlabel("total latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    fig.tight_layout()
    fig.savefig(run_dir / "latency.png", dpi=110)
    plt.close(fig)
    names.append("latency.png")
    return names


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(fmt(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _short(t: str, n: int = 220) -> str:
    t = " ".join(t.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def write_report(summary: Mapping[str, Any], results: Sequence[Mapping[str, Any]], run_dir: Path,
                 plots: Sequence[str]) -> Path:
    h = summary["headline"]
    th = summary["thresholds"]
    limits = th["limits"]
    lines = [f"# Eval run: suite `{summary['suite']}`, mode `{summary['mode']}`, {summary['n_questions']} questions",
             "", f"_{summary['created_utc']}; thresholds "
             + ("**all hold**_" if th["passed"] else f"**{len(th['failures'])} fail**_"), ""]
    rows = []
    for key, label in HEADLINE_ROWS:
        lim = limits.get(key)
        lim_s = "" if not lim else " ".join(f"{k} {v}" for k, v in lim.items())
        status = "" if not lim else ("✗" if any(f.startswith(key + " ") for f in th["failures"]) else "✓")
        rows.append([label, h.get(key), lim_s, status])
    lines += ["## Headline", "", _table(["metric", "value", "threshold", ""], rows), ""]
    for p in plots:
        lines += [f"![{p}]({p})", ""]
    if th["failures"]:
        lines += ["**Threshold failures:** " + "; ".join(th["failures"]), ""]

    lines += ["## Per category", ""]
    cat_rows = []
    for c, a in summary["per_category"].items():
        cat_rows.append([c, a["n"], a["ok_rate"], a["coverage"], a["contradiction"], a["verdict_ok"], a["scope_ok"],
                         a["hybrid.recall@5"], a["hybrid.mrr"], a["rule_recall"], a["citation_support"]])
    lines += [_table(["category", "n", "fully correct", "coverage", "contradiction", "verdict", "scope", "recall@5",
                      "MRR", "rules fired", "cit. support"], cat_rows), ""]

    b = summary["baselines"]
    lines += ["## Baselines", "", "Retrieval (same questions, k=10, patient facts as in the run):", "",
              _table(["mode", "recall@1", "recall@5", "recall@10", "MRR"],
                     [[m, v["recall@1"], v["recall@5"], v["recall@10"], v["mrr"]] for m, v in b["retrieval"].items()]),
              "", "Answers with and without the rule layer:", ""]
    rl = b["rule_layer"]
    ks = ["coverage", "contradiction_rate", "verdict_accuracy", "citation_validity", "citation_support",
          "recommendation_tier"]
    lines += [_table(["variant", *ks], [[n, *[rl[n][k] for k in ks]] for n in ("with_rules", "without_rules")]), "",
              f"_{rl['note']}_", ""]
    dr = b["drafting"]
    if "note" in dr:
        lines += [f"_Drafting: {dr['note']}._", ""]
    else:
        lines += ["Drafting modes:", "", _table(["mode", *ks], [[n, *[v[k] for k in ks]] for n, v in dr.items()]), ""]
    if "llm_outcomes" in summary:
        lo = summary["llm_outcomes"]
        lines += ["LLM answers after the rule layer: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in lo.items())
                  + ".", ""]

    mu = summary["mutations"]
    lines += ["## Rule layer under attack", "",
              (f"{mu['n_mutants']} mutants of {mu['n_answers']} correct answers; catch rate "
               f"{fmt(mu['catch_rate'])}, false-alarm rate {fmt(mu['false_alarm_rate'])}."), "",
              _table(["kind", "mutants", "caught", "catch rate"],
                     [[k, v["n"], v["caught"], v["catch_rate"]] for k, v in mu["per_kind"].items()]), ""]
    if mu["missed"]:
        lines += ["Missed mutants (first 15):", ""]
        for x in mu["missed"][:15]:
            lines.append(f"- `{x['id']}` {x['kind']} → verdict {x['verdict']} {x['rule_ids']}: “{_short(x['mutated'], 160)}”")
        lines.append("")
    if mu["false_alarms"]:
        lines += ["False alarms:", ""] + [f"- `{x['id']}` {x['rule_ids']}" for x in mu["false_alarms"]] + [""]

    para = summary["paraphrase"]
    bad = [g for g, ok in para["groups"].items() if not ok]
    lines += ["## Paraphrase consistency", "",
              (f"{fmt(para['rate'])} of {len(para['groups'])} groups agree (same refusal, same guideline-rule "
               "statements, same first cited section)."), ""]
    if bad:
        lines += ["Groups that disagree: " + ", ".join(f"`{g}`" for g in bad), ""]

    lat = summary["latency_ms"]
    lines += ["## Latency (ms)", "", _table(["stage", "p50", "p95", "n"],
                                           [[k, v["p50"], v["p95"], v["n"]] for k, v in lat.items()]), ""]

    cats = sorted(summary["per_category"].items(), key=lambda kv: (kv[1]["ok_rate"] or 0.0, kv[0]))[:3]
    lines += ["## Three weakest categories", ""]
    for c, a in cats:
        lines += [f"### {c}: {fmt(a['ok_rate'])} fully correct ({a['n']} questions)", ""]
        fails = [r for r in results if r["row"]["category"] == c and not r["metrics"]["ok"]][:3]
        for r in fails:
            lines += [f"- `{r['row']['id']}` “{r['row']['question']}” → **{r['answer'].verdict}**; "
                      + "; ".join(r["metrics"]["reasons"]),
                      f"  > {_short(r['answer'].answer.replace(chr(10), ' '), 300)}"]
        lines.append("")

    lines += ["## Failures", ""]
    fails = [r for r in results if not r["metrics"]["ok"]]
    if not fails:
        lines.append("None.")
    for r in fails:
        lines.append(f"- `{r['row']['id']}` ({r['row']['category']}) “{_short(r['row']['question'], 120)}” → "
                     f"{r['answer'].verdict}: " + "; ".join(r["metrics"]["reasons"]))
    path = run_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path



# -------------------------------------------------------------------------------------------- lay / distractors

LAY_HEADLINE: tuple[tuple[str, str], ...] = (
    ("lay_facts_correct", "Questions with every patient fact read correctly"),
    ("lay_field_accuracy", "Fact checks correct (expected values and must-stay-unset, pooled)"),
)
DISTRACTOR_HEADLINE: tuple[tuple[str, str], ...] = (
    ("distractor_signature_agreement", "Pairs with equal rule signatures"),
    ("distractor_facts_equal", "Pairs with equal patient facts"),
)


def _headline_lines(summary: Mapping[str, Any], labels: Sequence[tuple[str, str]]) -> list[str]:
    """Title, threshold status line and the headline table (value, threshold, ✓/✗) of a run."""
    th = summary["thresholds"]
    rows = []
    for key, label in labels:
        lim = th["limits"].get(key)
        lim_s = "" if not lim else " ".join(f"{k} {v}" for k, v in lim.items())
        status = "" if not lim else ("✗" if any(f.startswith(key + " ") for f in th["failures"]) else "✓")
        rows.append([label, summary["headline"].get(key), lim_s, status])
    lines = [f"# Eval run: suite `{summary['suite']}`, mode `{summary['mode']}`, {summary['n_questions']} questions",
             "", f"_{summary['created_utc']}; thresholds "
             + ("**all hold**_" if th["passed"] else f"**{len(th['failures'])} fail**_"), "",
             "## Headline", "", _table(["metric", "value", "threshold", ""], rows), ""]
    if th["failures"]:
        lines += ["**Threshold failures:** " + "; ".join(th["failures"]), ""]
    return lines


def _val(v: Any) -> str:
    return "unset" if v is None or v == [] else str(v)


def _facts(known: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in known.items()) or "none"


def write_lay_report(summary: Mapping[str, Any], run_dir: Path) -> Path:
    """report.md of a lay run: headline, per-field accuracy, and every failing question with expected vs got."""
    lines = _headline_lines(summary, LAY_HEADLINE)
    mk = summary["miss_kinds"]
    lines += [f"Misses: {mk['missed']} expected facts not read, {mk['wrong']} read with another value, "
              f"{mk['spurious']} facts read that must stay unset.", "", "## Per field", "",
              _table(["field", "checks", "correct", "accuracy", "read with value", "kept unset"],
                     [[f, v["n"], v["correct"], v["accuracy"], f"{v['expected_correct']}/{v['expected_n']}",
                       f"{v['absent_correct']}/{v['absent_n']}"] for f, v in summary["per_field"].items()]), "",
              f"## Failing questions ({len(summary['failures'])})", ""]
    if not summary["failures"]:
        lines.append("None.")
    for f in summary["failures"]:
        lines += [f"- `{f['id']}` “{_short(f['question'], 200)}” ({f['verdict']})",
                  "  " + "; ".join(f"**{m['field']}** expected {_val(m['expected'])}, got {_val(m['got'])} ({m['kind']})"
                                   for m in f["misses"]),
                  f"  <br>read: {_facts(f['got'])}"]
    path = run_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_ja_report(summary: Mapping[str, Any], run_dir: Path) -> Path:
    """report.md of a Japanese run: headline, shares per register, and every failing question (read as, facts)."""
    from evals.ja import JA_HEADLINE

    lines = _headline_lines(summary, JA_HEADLINE)
    lines += ["## Per register", "",
              _table(["register", "n", "facts = English", "recall@5 ja", "recall@5 en", "scope ok"],
                     [[k, v["n"], v["facts_equal_en"], v["ja_recall@5"], v["en_recall@5"], v["scope_ok"]]
                      for k, v in summary["registers"].items()]), "",
              f"## Failing questions ({len(summary['failures'])})", ""]
    if not summary["failures"]:
        lines.append("None.")
    for f in summary["failures"]:
        lines += [f"- `{f['id']}` “{_short(f['question'], 200)}” — failed: {', '.join(f['failed'])}",
                  f"  <br>read as: “{_short(f['read_as'], 200)}”; English: “{_short(f['en'], 200)}”",
                  f"  <br>facts ja: {_facts(f['ja_facts'])}; en: {_facts(f['en_facts'])}; "
                  f"scope {f['ja_scope']}, verdict {f['ja_verdict']}"]
    path = run_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_distractor_report(summary: Mapping[str, Any], run_dir: Path) -> Path:
    """report.md of a distractors run: headline and every failing pair with both signatures and both fact sets."""
    lines = _headline_lines(summary, DISTRACTOR_HEADLINE)
    parts = summary["differing_parts"]
    lines += ["Signature = (refused?, guideline-rule statements in the answer, section of the first citation), the "
              "notion used for paraphrase consistency.", "",
              "Pairs differing in: " + ", ".join(f"{k} {v}" for k, v in parts.items()) + ".", "",
              f"## Failing pairs ({len(summary['failures'])})", ""]
    if not summary["failures"]:
        lines.append("None.")
    for f in summary["failures"]:
        c, n = f["clean_signature"], f["noisy_signature"]
        lines += [f"### `{f['id']}` (from `{f['source_id']}`, {f['category']}): differs in {', '.join(f['differs'])}",
                  "", f"- clean: “{_short(f['source_question'], 300)}”",
                  f"- with distractors: “{_short(f['question'], 300)}”", "",
                  _table(["", "clean", "with distractors"], [
                      ["refused", c["refused"], n["refused"]],
                      ["rules", ", ".join(c["rules"]) or "none", ", ".join(n["rules"]) or "none"],
                      ["lead section", c["lead_section"] or "none", n["lead_section"] or "none"],
                      ["verdict", f["clean_verdict"], f["noisy_verdict"]],
                      ["patient facts", _facts(f["clean_facts"]), _facts(f["noisy_facts"])]]), ""]
    path = run_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path




# -------------------------------------------------------------------------------------------- a real local model

LOCAL_OUTCOME_TEXT = {
    "untouched": "the model's answer, verdict pass, nothing changed",
    "repaired": "the model's answer with a sentence replaced or removed, or a warning",
    "fallen_back": "the extractive answer shown instead (model failed, out of time, or nothing grounded)",
    "refused": "declined by the scope checks, or nothing in the corpus answers it",
}


def write_local_model_report(summary: Mapping[str, Any], scores: Sequence[Mapping[str, Any]], run_dir: Path) -> Path:
    """report.md of a real local-model run (`evals.local_model`): outcome shares, safety counts, time per answer,
    and each question with what happened to its answer."""
    o, sh = summary["outcomes"], summary["shares"]
    sec, first = summary["seconds_per_answer"], summary["first_text_s"]
    lines = [f"# Real local model: {summary['n']} gold questions in LLM mode", "",
             f"_{summary['created_utc']}; {summary['model']}; max_tokens {summary['settings']['max_tokens']}, "
             f"time budget {summary['settings']['time_budget_s']:g} s; {summary['machine']['cpus']} CPUs, load "
             f"{summary['machine']['load_avg_at_end']} at the end_", "",
             _table(["outcome", "answers", "share", "meaning"],
                    [[k.replace("_", " "), o[k], sh[k], LOCAL_OUTCOME_TEXT[k]] for k in o]), "",
             _table(["measure", "value"], [
                 ["answers where the model streamed some text", summary["model_wrote"]],
                 ["answers cut at the time budget", summary["cut_at_budget"]],
                 ["answers shown with a gold contradiction", summary["contradictions_shown"]],
                 ["... of them with verdict pass", summary["passed_with_contradiction"]],
                 ["key-fact coverage (mean)", summary["coverage"]],
                 ["seconds per answer p50 / p95 / mean", f"{fmt(sec['p50'])} / {fmt(sec['p95'])} / {fmt(sec['mean'])}"],
                 ["seconds to the first streamed text p50 / p95", f"{fmt(first['p50'])} / {fmt(first['p95'])}"],
                 ["whole run (s, server start included)", summary["wall_s"]]]), "",
             "## Answers", ""]
    for s in scores:
        why = "; ".join(s["fallback_reasons"]) or ", ".join(s["findings"]) or "no findings"
        lines += [f"- `{s['id']}` ({s['category']}) “{_short(s['question'], 120)}” → **{s['outcome']}** "
                  f"(verdict {s['verdict']}, {s['seconds']:.1f} s): {_short(why, 200)}"]
        if s["contradiction_hits"]:
            lines.append(f"  <br>**contradiction shown:** {s['contradiction_hits']}")
        if s["streamed"]:
            lines.append(f"  <br>model wrote: “{_short(s['streamed'], 240)}”")
    path = run_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


__all__ = ["write_distractor_report", "write_lay_report", "write_local_model_report", "write_plots",
           "write_report"]
