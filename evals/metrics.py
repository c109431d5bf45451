"""Deterministic eval metrics: pure per-question functions `(example, answer) -> float | None` and aggregates.

A per-question metric returns None when it does not apply (e.g. retrieval recall for a question with no expected
sections); aggregates skip None. `example` is a gold row (dict); `answer` is an `assistant.models.Answer`.

Definitions (all case-insensitive regexes, all on the answer text with markers removed):

- recall@k: satisfied expected entries in the top-k sections / min(k, number of entries), over the section_ids of
  the ranked chunks (capped recall). An entry is a section id, or a list of alternative section ids when several
  documents state the same answer (any one satisfies the entry).
- MRR: 1 / rank of the first chunk whose section is expected (0 when none in the ranking).
- coverage: share of `must_include` facts for which at least one acceptable regex matches.
- contradiction: 1.0 when a `must_not_include` regex matches an answer whose verdict is not "refused".
- rule recall: share of `expected_rule_ids` that "fired". A scope/safety/facts rule fires when it is in the
  findings. A guideline rule (guideline.yaml) fires when it is in the findings OR its statement is in the answer
  (the extractive drafter applies a rule by quoting its statement; a finding appears only on a contradiction).
- paraphrase consistency: a group agrees when every answer has the same signature
  (refused?, set of guideline-rule statements in the answer, section of the first citation).

Example:
    >>> coverage({"must_include": [["TKI"], ["steroid", "corticosteroid"]]}, "A TKI plus a corticosteroid.")
    1.0
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from assistant.models import Answer, Chunk, Citation
from assistant.rules.base import Sentence, fact_sentences, strip_lead
from assistant.rules.citations import unsupported_terms
from assistant.rules.logic import RuleBook, default_rulebook
from assistant.rules.tiers import claims_recommendation

Example = Mapping[str, Any]
_MARKER_RE = re.compile(r"\[\d+\]")


@lru_cache(maxsize=4096)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def plain_text(answer_text: str) -> str:
    """The answer without citation markers or Markdown emphasis, for regex matching.

    >>> plain_text("- **Evidence:** TKI works.[1][2]")
    '- Evidence: TKI works.'
    """
    return _MARKER_RE.sub("", answer_text).replace("**", "").replace("_", " ").strip()


def _text(answer: Answer | str) -> str:
    return plain_text(answer if isinstance(answer, str) else answer.answer)


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple, set, frozenset)) else [v]


# ---------------------------------------------------------------------------------------------- retrieval


def section_ranking(chunk_ids: Sequence[str], source: Callable[[str], Chunk | None]) -> list[str]:
    """Section ids of ranked chunk ids (one entry per chunk, rank order kept)."""
    out: list[str] = []
    for cid in chunk_ids:
        c = source(cid)
        out.append(c.section_id if c is not None else "")
    return out


SectionSpec = str | Sequence[str]


def _entries(expected: Sequence[SectionSpec]) -> list[set[str]]:
    """Each expected entry is a section id, or a list of acceptable section ids (any one satisfies it)."""
    return [{e} if isinstance(e, str) else set(e) for e in expected]


def recall_at_k(expected: Sequence[SectionSpec], ranked_sections: Sequence[str], k: int) -> float | None:
    """Capped recall: satisfied entries in the top k / min(k, number of entries); None when nothing is expected.

    An entry is a section id or a list of alternatives (e.g. a trial doc or the guideline section restating it).

    >>> recall_at_k(["a"], ["b", "a"], 1), recall_at_k(["a"], ["b", "a"], 2), recall_at_k([], ["a"], 1)
    (0.0, 1.0, None)
    >>> recall_at_k([["a", "b"]], ["b"], 1)
    1.0
    """
    entries = _entries(expected)
    if not entries:
        return None
    top = set(ranked_sections[:k])
    return sum(1 for e in entries if e & top) / min(k, len(entries))


def reciprocal_rank(expected: Sequence[SectionSpec], ranked_sections: Sequence[str]) -> float | None:
    """1 / rank of the first chunk whose section satisfies an entry (0 when absent); None when nothing is expected.

    >>> reciprocal_rank(["a"], ["b", "c", "a"])
    0.3333333333333333
    """
    entries = _entries(expected)
    if not entries:
        return None
    accept = set().union(*entries)
    for i, s in enumerate(ranked_sections, 1):
        if s in accept:
            return 1.0 / i
    return 0.0


def retrieval_metrics(expected: Sequence[SectionSpec], ranked_sections: Sequence[str]) -> dict[str, float | None]:
    return {
        "recall@1": recall_at_k(expected, ranked_sections, 1),
        "recall@5": recall_at_k(expected, ranked_sections, 5),
        "recall@10": recall_at_k(expected, ranked_sections, 10),
        "mrr": reciprocal_rank(expected, ranked_sections),
    }


# ---------------------------------------------------------------------------------------------- answer content


def coverage(example: Example, answer: Answer | str) -> float | None:
    """Share of must_include facts matched (any acceptable regex per fact); None when there are none.

    >>> coverage({"must_include": [["CD19"], ["CD22"]]}, "Blinatumomab targets CD19.")
    0.5
    """
    facts = [_as_list(f) for f in example.get("must_include") or []]
    if not facts:
        return None
    text = _text(answer)
    return sum(1 for alts in facts if any(_rx(p).search(text) for p in alts)) / len(facts)


def contradiction_hits(example: Example, answer: Answer | str) -> list[str]:
    """The must_not_include regexes that match the answer text."""
    text = _text(answer)
    return [p for p in example.get("must_not_include") or [] if _rx(p).search(text)]


def contradiction(example: Example, answer: Answer) -> float | None:
    """1.0 when an answer that was not refused matches a must_not_include regex, else 0.0.

    None when the example has no must_not_include patterns.
    """
    if not example.get("must_not_include"):
        return None
    if answer.verdict == "refused":
        return 0.0
    return 1.0 if contradiction_hits(example, answer) else 0.0


def verdict_ok(example: Example, answer: Answer) -> float:
    """1.0 when the verdict is one of the expected ones."""
    return 1.0 if answer.verdict in _as_list(example.get("expected_verdict")) else 0.0


def scope_ok(example: Example, answer: Answer) -> float | None:
    exp = _as_list(example.get("expected_scope"))
    if not exp:
        return None
    return 1.0 if answer.scope in exp else 0.0


def expects_refusal(example: Example) -> bool:
    """True when the only acceptable verdict is a refusal."""
    return _as_list(example.get("expected_verdict")) == ["refused"]


def guideline_rules_in_answer(answer_text: str, rulebook: RuleBook | None = None) -> list[str]:
    """IDs of guideline rules whose statement appears verbatim in the answer (the rules the answer applied).

    Rules sharing one statement (RR-TARGETNEG-022/023/024, RR-CARTAGE-029/030) are all returned.
    """
    book = rulebook or default_rulebook()
    text = _MARKER_RE.sub("", answer_text)
    return sorted(r.id for r in book.rules if r.statement.strip().rstrip(".") in text)


def fired_rules(answer: Answer, rulebook: RuleBook | None = None) -> set[str]:
    """Rule ids in the findings plus guideline rules applied by statement."""
    return {f.rule_id for f in answer.findings} | set(guideline_rules_in_answer(answer.answer, rulebook))


def rule_recall(example: Example, answer: Answer, rulebook: RuleBook | None = None) -> float | None:
    """Share of expected_rule_ids that fired (see module docstring); None when none are expected."""
    exp = set(example.get("expected_rule_ids") or [])
    if not exp:
        return None
    return len(exp & fired_rules(answer, rulebook)) / len(exp)


# ---------------------------------------------------------------------------------------------- citations


def _fact_sents(answer: Answer) -> list[Sentence]:
    return fact_sentences(answer.answer)


def _cits(answer: Answer, s: Sentence) -> list[Citation]:
    by_marker = {c.marker: c for c in answer.citations}
    return [by_marker[m] for m in s.markers if m in by_marker]


def citation_coverage(example: Example, answer: Answer) -> float | None:
    """Share of fact sentences with at least one citation marker; None when the answer has no fact sentence."""
    sents = _fact_sents(answer)
    if not sents:
        return None
    return sum(1 for s in sents if s.markers) / len(sents)


def citation_validity(example: Example, answer: Answer, source: Callable[[str], Chunk | None]) -> float | None:
    """Share of citations whose quote is a non-empty verbatim span of the cited chunk; None without citations."""
    if not answer.citations:
        return None
    ok = 0
    for c in answer.citations:
        chunk = source(c.chunk_id)
        ok += bool(chunk is not None and c.quote.strip() and c.quote in chunk.text)
    return ok / len(answer.citations)


def citation_support(example: Example, answer: Answer, source: Callable[[str], Chunk | None]) -> float | None:
    """Share of cited fact sentences whose cited chunks contain all its key terms (`unsupported_terms` empty)."""
    scored = []
    for s in _fact_sents(answer):
        cits = _cits(answer, s)
        if not cits:
            continue
        chunks = [c for c in (source(x.chunk_id) for x in cits) if c is not None]
        scored.append(1.0 if chunks and not unsupported_terms(s.body, chunks) else 0.0)
    return sum(scored) / len(scored) if scored else None


def recommendation_tier(example: Example, answer: Answer) -> float | None:
    """Share of fact sentences saying "recommend..." that cite at least one guideline-tier chunk (a sentence that
    only denies a recommendation, "... are not JSH 2023 recommendations", does not count as one).

    >>> from assistant.models import Answer
    >>> a = Answer(question="q", answer="- The TOWER results are evidence and are not JSH 2023 recommendations.[1]",
    ...            citations=[], verdict="pass", scope="in_scope", mode="extractive")
    >>> recommendation_tier({}, a) is None
    True
    """
    scored = []
    for s in _fact_sents(answer):
        # (the tier rule's own reading: a sentence that denies a recommendation, or names the grading system,
        # "... are not JSH 2023 recommendations", "recommendation categories 1, 2A ...", is not one)
        if not claims_recommendation(strip_lead(s.body)):
            continue
        scored.append(1.0 if any(c.tier == "guideline" for c in _cits(answer, s)) else 0.0)
    return sum(scored) / len(scored) if scored else None


# ---------------------------------------------------------------------------------------------- paraphrase


def paraphrase_signature(answer: Answer, rulebook: RuleBook | None = None) -> tuple[bool, tuple[str, ...], str]:
    """(refused?, guideline rules applied by statement, section of the first cited marker in the text)."""
    refused = answer.verdict == "refused"
    rules = tuple(guideline_rules_in_answer(answer.answer, rulebook))
    lead = ""
    m = _MARKER_RE.search(answer.answer)
    if m is not None:
        num = int(m.group(0)[1:-1])
        lead = next((c.section_id for c in answer.citations if c.marker == num), "")
    return refused, rules, lead


def paraphrase_consistency(signatures: Mapping[str, Sequence[tuple[Any, ...]]]) -> dict[str, Any]:
    """Per group: do all signatures agree? Returns {"rate", "groups": {name: bool}}.

    >>> paraphrase_consistency({"g": [(False, ("R1",), "s"), (False, ("R1",), "s")], "h": [(True, (), ""), (False, (), "")]})["rate"]
    0.5
    """
    groups = {g: len(set(sigs)) == 1 for g, sigs in signatures.items() if len(sigs) >= 2}
    rate = sum(groups.values()) / len(groups) if groups else None
    return {"rate": rate, "groups": groups}


# ---------------------------------------------------------------------------------------------- aggregates


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None (None when there are none).

    >>> mean([1.0, None, 0.0])
    0.5
    """
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100)."""
    vals = sorted(values)
    if not vals:
        return None
    idx = max(0, min(len(vals) - 1, math.ceil(p / 100 * len(vals)) - 1))
    return vals[idx]


def refusal_pr(rows: Sequence[tuple[bool, bool]]) -> dict[str, float | None]:
    """Precision/recall of refusals from (expected_refusal, refused) pairs.

    >>> refusal_pr([(True, True), (True, False), (False, True), (False, False)])
    {'precision': 0.5, 'recall': 0.5}
    """
    tp = sum(1 for e, r in rows if e and r)
    fp = sum(1 for e, r in rows if not e and r)
    fn = sum(1 for e, r in rows if e and not r)
    return {"precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None}


def latency(timings: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float | None]]:
    """p50/p95 per stage from Answer.timings_ms."""
    per: dict[str, list[float]] = defaultdict(list)
    for t in timings:
        for k, v in t.items():
            per[k].append(float(v))
    return {k: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": len(v)} for k, v in sorted(per.items())}


__all__ = [
    "citation_coverage",
    "citation_support",
    "citation_validity",
    "contradiction",
    "contradiction_hits",
    "coverage",
    "expects_refusal",
    "fired_rules",
    "guideline_rules_in_answer",
    "latency",
    "mean",
    "paraphrase_consistency",
    "paraphrase_signature",
    "percentile",
    "plain_text",
    "recall_at_k",
    "reciprocal_rank",
    "recommendation_tier",
    "refusal_pr",
    "retrieval_metrics",
    "rule_recall",
    "scope_ok",
    "section_ranking",
    "verdict_ok",
]
