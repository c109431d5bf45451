"""The lay suite: are the patient facts of a lay, misspelled or third-person question read correctly?

Each row of `evals/data/lay.jsonl` has `id`, `question`, `expected` (PatientFacts fields that must be read, with
their values) and `absent` (PatientFacts fields that must stay unset). A question is correct when every expected
field equals its value (floats within `REL_TOL`) and every absent field is None (an empty list for list fields).

Example:
    >>> from assistant.models import PatientFacts
    >>> row = {"id": "x", "expected": {"age": 72, "ph_status": "positive"}, "absent": ["lineage"]}
    >>> score_facts(row, PatientFacts(age=72, ph_status="positive"))["ok"]
    True
    >>> [m["field"] for m in score_facts(row, PatientFacts(age=45, lineage="T"))["misses"]]
    ['age', 'ph_status', 'lineage']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from assistant.models import PatientFacts

REL_TOL = 1e-3  # relative tolerance for float facts (mrd_level_pct)
FIELDS: tuple[str, ...] = tuple(PatientFacts.model_fields)
LAY_KEYS = frozenset({"id", "question", "expected", "absent"})


# -------------------------------------------------------------------------------------------- rows


def validate_lay_row(row: Mapping[str, Any]) -> None:
    """Raise ValueError naming the row and what is wrong (keys, unknown field, invalid value, field in both lists).

    >>> validate_lay_row({"id": "x", "question": "q", "expected": {"agee": 3}, "absent": []})
    Traceback (most recent call last):
    ...
    ValueError: lay row 'x': unknown PatientFacts field(s) ['agee']
    """
    rid = row.get("id", "?")
    if set(row) != LAY_KEYS:
        raise ValueError(f"lay row {rid!r}: keys must be {sorted(LAY_KEYS)}, got {sorted(row)}")
    expected, absent = row["expected"], row["absent"]
    if not isinstance(row["question"], str) or not row["question"].strip():
        raise ValueError(f"lay row {rid!r}: question must be a non-empty string")
    if not isinstance(expected, dict) or not isinstance(absent, list):
        raise ValueError(f"lay row {rid!r}: expected must be an object and absent a list")
    unknown = sorted((set(expected) | set(absent)) - set(FIELDS))
    if unknown:
        raise ValueError(f"lay row {rid!r}: unknown PatientFacts field(s) {unknown}")
    both = sorted(set(expected) & set(absent))
    if both:
        raise ValueError(f"lay row {rid!r}: field(s) both expected and absent {both}")
    try:
        PatientFacts(**expected)
    except ValidationError as exc:
        raise ValueError(f"lay row {rid!r}: invalid expected value(s): {exc.errors()[0]['loc']} "
                         f"{exc.errors()[0]['msg']}") from exc


# -------------------------------------------------------------------------------------------- scoring


def value_ok(expected: Any, got: Any, *, rel_tol: float = REL_TOL) -> bool:
    """Exact equality of a fact value; floats within a relative tolerance; a bool never equals an int.

    >>> value_ok(0.05, 5e-4 * 100), value_ok(0.01, 0.02), value_ok(True, 1), value_ok(25, 25)
    (True, False, False, True)
    """
    if got is None or expected is None:
        return got is expected
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(expected, bool) and isinstance(got, bool) and expected is got
    if isinstance(expected, float) or isinstance(got, float):
        if not isinstance(got, (int, float)) or not isinstance(expected, (int, float)):
            return False
        return math.isclose(float(got), float(expected), rel_tol=rel_tol, abs_tol=1e-12)
    if isinstance(expected, list) and isinstance(got, list):
        return sorted(expected) == sorted(got)
    return bool(expected == got)


def is_unset(value: Any) -> bool:
    """A fact that was not read: None, or an empty list for list fields."""
    return value is None or value == []


def score_facts(row: Mapping[str, Any], facts: PatientFacts) -> dict[str, Any]:
    """Compare the facts read with the row: {"ok", "fields": {field: bool}, "misses": [{field, expected, got, kind}]}.

    A miss is `missed` (an expected fact left unset), `wrong` (read with another value) or `spurious` (a fact that
    must stay unset was set).
    """
    got = facts.model_dump()
    fields: dict[str, bool] = {}
    misses: list[dict[str, Any]] = []
    for field, exp in row["expected"].items():
        ok = value_ok(exp, got[field])
        fields[field] = ok
        if not ok:
            misses.append({"field": field, "expected": exp, "got": got[field],
                           "kind": "missed" if is_unset(got[field]) else "wrong"})
    for field in row["absent"]:
        ok = is_unset(got[field])
        fields[field] = ok
        if not ok:
            misses.append({"field": field, "expected": None, "got": got[field], "kind": "spurious"})
    return {"ok": not misses, "fields": fields, "misses": misses}


# -------------------------------------------------------------------------------------------- aggregates


def field_accuracy(scores: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per field: how often it was checked and right, split into read-with-value (expected) and kept-unset (absent).

    >>> rows = [{"expected": {"age": 1}, "absent": ["cd19"]}, {"expected": {}, "absent": ["age"]}]
    >>> field_accuracy([{"fields": {"age": True, "cd19": False}}, {"fields": {"age": False}}], rows)["age"]
    {'n': 2, 'correct': 1, 'accuracy': 0.5, 'expected_n': 1, 'expected_correct': 1, 'absent_n': 1, 'absent_correct': 0}
    """
    table: dict[str, dict[str, Any]] = {}
    for score, row in zip(scores, rows):
        for field, ok in score["fields"].items():
            t = table.setdefault(field, {"n": 0, "correct": 0, "expected_n": 0, "expected_correct": 0,
                                         "absent_n": 0, "absent_correct": 0})
            side = "expected" if field in row["expected"] else "absent"
            t["n"] += 1
            t["correct"] += int(ok)
            t[f"{side}_n"] += 1
            t[f"{side}_correct"] += int(ok)
    out = {}
    for field in sorted(table, key=FIELDS.index):
        t = table[field]
        out[field] = {"n": t["n"], "correct": t["correct"], "accuracy": t["correct"] / t["n"],
                      **{k: t[k] for k in ("expected_n", "expected_correct", "absent_n", "absent_correct")}}
    return out


def summarise_lay(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Headline, per-field accuracy, miss kinds and the failing rows (expected vs got) of a lay run.

    `results` are {"row", "answer", "score"} dicts.
    """
    rows = [r["row"] for r in results]
    scores = [r["score"] for r in results]
    n = len(results)
    kinds: dict[str, int] = {"missed": 0, "wrong": 0, "spurious": 0}
    for s in scores:
        for m in s["misses"]:
            kinds[m["kind"]] += 1
    checked = sum(len(s["fields"]) for s in scores)
    right = sum(sum(s["fields"].values()) for s in scores)
    head = {"lay_facts_correct": (sum(1 for s in scores if s["ok"]) / n) if n else None,
            "lay_field_accuracy": (right / checked) if checked else None}
    failures = [{"id": r["row"]["id"], "question": r["row"]["question"], "misses": r["score"]["misses"],
                 "got": r["answer"].patient.known(), "verdict": r["answer"].verdict}
                for r in results if not r["score"]["ok"]]
    return {"n_questions": n, "headline": head, "per_field": field_accuracy(scores, rows), "miss_kinds": kinds,
            "failures": failures}


def result_line(r: Mapping[str, Any]) -> dict[str, Any]:
    """One results.jsonl line of a lay run."""
    a = r["answer"]
    return {"id": r["row"]["id"], "question": r["row"]["question"], "expected": r["row"]["expected"],
            "absent": r["row"]["absent"], "got": a.patient.model_dump(mode="json"),
            "metrics": {"ok": r["score"]["ok"], "facts_ok": r["score"]["ok"], "fields": r["score"]["fields"],
                        "misses": r["score"]["misses"]},
            "answer": a.model_dump(mode="json")}


__all__ = ["FIELDS", "REL_TOL", "field_accuracy", "is_unset", "result_line", "score_facts", "summarise_lay",
           "validate_lay_row", "value_ok"]
