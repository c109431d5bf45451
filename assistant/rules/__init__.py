"""The deterministic rule layer: pure checkers in one ordered tuple, plus repair and the verdict.

Example:
    >>> from assistant.models import PatientFacts
    >>> result = check("Nelarabine for B-ALL?", PatientFacts(), Draft(answer="Nelarabine is used."), [])
    >>> result.verdict
    'refused'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict

from assistant.models import Chunk, Citation, PatientFacts, RuleFinding, Verdict
from assistant.rules.base import Draft, Issue, Replacement, fact_sentences, parse_lines
from assistant.rules.citations import best_quote, check_citations, key_terms, unsupported_terms
from assistant.rules.frames import check_frames, judge_sentence
from assistant.rules.logic import (
    GuidelineRule,
    RuleBook,
    applicable_rules,
    check_logic,
    default_rulebook,
    load_rulebook,
    missing_facts,
    premise_conflicts,
    statement_chunk,
)
from assistant.rules.relevance import check_relevance
from assistant.rules.reply import check_reply
from assistant.rules.scope import check_scope, is_dose_request, is_injection, is_self_change
from assistant.rules.tiers import check_tiers
from assistant.rules.toxicity import check_toxicity

Checker = Callable[[str, PatientFacts, Draft, Sequence[Chunk]], list[Issue]]

#: Draft checkers, in order. Logic and the claim frames run first so a contradicting sentence is replaced (not merely
#: dropped); relevance last, on the repaired draft (an asked treatment no line names is a warning, not a pass).
CHECKERS: tuple[Checker, ...] = (check_logic, check_frames, check_reply, check_tiers, check_citations, check_toxicity,
                                  check_relevance)


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    draft: Draft
    findings: list[RuleFinding]
    verdict: Verdict
    grounded: bool  # at least one cited fact sentence survived


def check(
    question: str,
    facts: PatientFacts,
    draft: Draft,
    retrieved: Sequence[Chunk],
    *,
    prior: Sequence[RuleFinding] = (),
    max_rounds: int = 3,
) -> CheckResult:
    """Run every checker, repair what can be repaired, and decide the verdict.

    `prior` carries findings from before drafting (scope warnings, missing facts) into the verdict.
    """
    findings: list[RuleFinding] = list(prior)
    repaired = False
    for _ in range(max_rounds):
        issues = [i for chk in CHECKERS for i in chk(question, facts, draft, retrieved)]
        if not issues:
            break
        for i in issues:
            if i.finding not in findings:
                findings.append(i.finding)
        actionable = [i for i in issues if i.action != "none"]
        if not actionable:
            break
        draft = repair(draft, actionable, retrieved)
        repaired = True
    grounded = any(s.markers for s in fact_sentences(draft.answer))  # (a framing sentence alone grounds nothing)
    severities = {f.severity for f in findings}
    if not grounded:
        verdict: Verdict = "refused"
    elif repaired:
        verdict = "repaired"
    elif "warn" in severities or "block" in severities:
        verdict = "warn"
    else:
        verdict = "pass"
    return CheckResult(draft=draft, findings=findings, verdict=verdict, grounded=grounded)


def repair(draft: Draft, issues: Sequence[Issue], retrieved: Sequence[Chunk]) -> Draft:
    """Apply the issues' actions (drop / replace / drop markers / fix quotes) and renumber the markers."""
    by_pos: dict[tuple[int, int], Issue] = {}
    order = {"replace": 0, "drop": 1, "drop_markers": 2}
    for i in issues:
        if i.line is None or i.sentence is None or i.action not in order:
            continue
        key = (i.line, i.sentence)
        if key not in by_pos or order[i.action] < order[by_pos[key].action]:
            by_pos[key] = i
    fix_quotes = {m for i in issues if i.action == "fix_quote" for m in i.markers}
    chunk_by_id = {c.chunk_id: c for c in retrieved}

    old_cits = {c.marker: c for c in draft.citations}
    new_cits: list[Citation] = []
    remap: dict[tuple[str, str], int] = {}  # (chunk_id, quote) -> new marker

    def cite(chunk: Chunk, quote: str) -> int:
        key = (chunk.chunk_id, quote)
        if key not in remap:
            remap[key] = len(new_cits) + 1
            new_cits.append(Citation.from_chunk(chunk, marker=remap[key], quote=quote))
        return remap[key]

    def renumber(body: str, markers: list[int]) -> str | None:
        new_markers: list[int] = []
        for m in markers:
            cit = old_cits.get(m)
            if cit is None or cit.chunk_id not in chunk_by_id:
                continue
            chunk = chunk_by_id[cit.chunk_id]
            quote = cit.quote if (m not in fix_quotes and cit.quote and cit.quote in chunk.text) else best_quote(
                body, chunk)
            n = cite(chunk, quote)
            if n not in new_markers:
                new_markers.append(n)
        if not new_markers:
            return None
        return body + "".join(f"[{n}]" for n in new_markers)

    out_lines: list[str] = []
    seen_replacements: set[str] = set()
    for line in parse_lines(draft.answer):
        if not line.sentences:
            out_lines.append("")
            continue
        parts: list[str] = []
        for s in line.sentences:
            issue = by_pos.get((s.line, s.index))
            if issue is not None and issue.action == "drop":
                continue
            if issue is not None and issue.action == "replace" and issue.replacement is not None:
                rep: Replacement = issue.replacement
                if rep.text in seen_replacements:
                    continue
                seen_replacements.add(rep.text)
                parts.append(rep.text + f"[{cite(rep.chunk, rep.quote)}]")
                continue
            if not s.is_fact:
                parts.append(s.raw)
                continue
            markers = s.markers
            if issue is not None and issue.action == "drop_markers":
                markers = [m for m in markers if m not in issue.markers]
            rebuilt = renumber(s.body, markers)
            if rebuilt is not None:
                parts.append(rebuilt)
        if parts:
            out_lines.append(line.prefix + " ".join(parts))
    text = "\n".join(out_lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return Draft(answer=text.strip(), citations=new_cits, said=draft.said)


__all__ = [
    "CHECKERS",
    "CheckResult",
    "Draft",
    "GuidelineRule",
    "Issue",
    "RuleBook",
    "applicable_rules",
    "check",
    "check_citations",
    "check_frames",
    "check_logic",
    "check_relevance",
    "check_scope",
    "check_tiers",
    "default_rulebook",
    "is_dose_request",
    "is_injection",
    "is_self_change",
    "judge_sentence",
    "key_terms",
    "load_rulebook",
    "missing_facts",
    "repair",
    "premise_conflicts",
    "statement_chunk",
    "unsupported_terms",
]
