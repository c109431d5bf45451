"""The distractors suite: do irrelevant details (comorbidities, relatives and their ages, unrelated labs, the unit's
habits) leave the answer unchanged?

Each row of `evals/data/distractors.jsonl` has `id`, `source_id` (a `patient_scenario` or `missing_facts` row of
`gold.jsonl`) and `question` (the source question with 2-4 irrelevant details). Both questions are answered; the
pair agrees when the answers' rule signatures are equal — the same notion as paraphrase consistency
(`evals.metrics.paraphrase_signature`: refused?, guideline-rule statements in the answer, first cited section).

Example:
    >>> from assistant.models import Answer
    >>> clean = Answer(question="q", answer="No citation.", verdict="refused")
    >>> score_pair(clean, clean)["equal"]
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.models import Answer, PatientFacts
from evals.metrics import paraphrase_signature

DISTRACTOR_KEYS = frozenset({"id", "source_id", "question"})
SOURCE_CATEGORIES = frozenset({"patient_scenario", "missing_facts"})
SIGNATURE_PARTS = ("refused", "rules", "lead_section")


# -------------------------------------------------------------------------------------------- rows


def validate_distractor_row(row: Mapping[str, Any], gold: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise ValueError naming the row when its keys are wrong or its source is not a scenario/missing-facts row.

    >>> validate_distractor_row({"id": "a-x", "source_id": "zz", "question": "q"}, {})
    Traceback (most recent call last):
    ...
    ValueError: distractor row 'a-x': source_id 'zz' is not in gold.jsonl
    """
    rid = row.get("id", "?")
    if set(row) != DISTRACTOR_KEYS:
        raise ValueError(f"distractor row {rid!r}: keys must be {sorted(DISTRACTOR_KEYS)}, got {sorted(row)}")
    if not isinstance(row["question"], str) or not row["question"].strip():
        raise ValueError(f"distractor row {rid!r}: question must be a non-empty string")
    src = gold.get(row["source_id"])
    if src is None:
        raise ValueError(f"distractor row {rid!r}: source_id {row['source_id']!r} is not in gold.jsonl")
    if src.get("category") not in SOURCE_CATEGORIES:
        raise ValueError(f"distractor row {rid!r}: source {row['source_id']!r} is {src.get('category')!r}, "
                         f"not one of {sorted(SOURCE_CATEGORIES)}")


# -------------------------------------------------------------------------------------------- scoring


def signature_json(sig: tuple[bool, tuple[str, ...], str]) -> dict[str, Any]:
    """A signature as a JSON object.

    >>> signature_json((False, ("R1",), "s"))
    {'refused': False, 'rules': ['R1'], 'lead_section': 's'}
    """
    refused, rules, lead = sig
    return {"refused": refused, "rules": list(rules), "lead_section": lead}


def facts_diff(clean: PatientFacts, noisy: PatientFacts) -> dict[str, dict[str, Any]]:
    """Fields read differently in the two questions: {field: {"clean": v, "noisy": v}}.

    >>> facts_diff(PatientFacts(age=72), PatientFacts(age=45, ph_status="positive"))
    {'age': {'clean': 72, 'noisy': 45}, 'ph_status': {'clean': None, 'noisy': 'positive'}}
    """
    a, b = clean.model_dump(), noisy.model_dump()
    return {k: {"clean": a[k], "noisy": b[k]} for k in a if a[k] != b[k]}


def score_pair(clean: Answer, noisy: Answer) -> dict[str, Any]:
    """Signatures of the clean and the noisy answer, whether they are equal, which parts differ, and the facts diff."""
    sc, sn = signature_json(paraphrase_signature(clean)), signature_json(paraphrase_signature(noisy))
    differs = [p for p in SIGNATURE_PARTS if sc[p] != sn[p]]
    return {"equal": not differs, "differs": differs, "clean_signature": sc, "noisy_signature": sn,
            "facts_equal": clean.patient == noisy.patient, "facts_diff": facts_diff(clean.patient, noisy.patient)}


# -------------------------------------------------------------------------------------------- aggregates


def summarise_distractors(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Headline (signature agreement, facts equal), which signature parts differ, and the failing pairs.

    `results` are {"row", "source", "clean", "noisy", "score"} dicts.
    """
    n = len(results)
    scores = [r["score"] for r in results]
    parts = {p: sum(1 for s in scores if p in s["differs"]) for p in SIGNATURE_PARTS}
    head = {"distractor_signature_agreement": (sum(1 for s in scores if s["equal"]) / n) if n else None,
            "distractor_facts_equal": (sum(1 for s in scores if s["facts_equal"]) / n) if n else None}
    failures = [{"id": r["row"]["id"], "source_id": r["row"]["source_id"], "question": r["row"]["question"],
                 "source_question": r["source"]["question"], "category": r["source"]["category"],
                 "differs": r["score"]["differs"],
                 "clean_signature": r["score"]["clean_signature"], "noisy_signature": r["score"]["noisy_signature"],
                 "clean_facts": r["clean"].patient.known(), "noisy_facts": r["noisy"].patient.known(),
                 "facts_diff": r["score"]["facts_diff"],
                 "clean_verdict": r["clean"].verdict, "noisy_verdict": r["noisy"].verdict}
                for r in results if not r["score"]["equal"]]
    return {"n_questions": n, "headline": head, "differing_parts": parts, "failures": failures}


def result_line(r: Mapping[str, Any]) -> dict[str, Any]:
    """One results.jsonl line of a distractors run."""
    s = r["score"]
    return {"id": r["row"]["id"], "source_id": r["row"]["source_id"], "question": r["row"]["question"],
            "source_question": r["source"]["question"], "category": r["source"]["category"],
            "metrics": {"ok": s["equal"], "signature_equal": s["equal"], "differs": s["differs"],
                        "facts_equal": s["facts_equal"], "facts_diff": s["facts_diff"],
                        "clean_signature": s["clean_signature"], "noisy_signature": s["noisy_signature"]},
            "answer": r["noisy"].model_dump(mode="json"), "clean_answer": r["clean"].model_dump(mode="json")}


__all__ = ["SIGNATURE_PARTS", "facts_diff", "result_line", "score_pair", "signature_json", "summarise_distractors",
           "validate_distractor_row"]
