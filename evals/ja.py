"""The Japanese suite: is a Japanese question read, scoped and retrieved like its English equivalent?

Each row of `evals/data/ja.jsonl` is a gold row (`source_id` names it in `gold.jsonl`; `expected_sections`,
`expected_scope`, `expected_verdict`, ... copied from it) with the question in Japanese, `en` (the English
equivalent) and `expected` (the patient facts the English question is read with). Per row:

- `facts_equal_en`: the facts read from the Japanese question equal those read from `en`;
- `facts_expected`: every `expected` fact is read from the Japanese question;
- `plan_equal_en`: the question plan names the same clinical concepts (markers, lineages, phases, treatments) as
  the English question's;
- `recall@5` of the Japanese and of the English question (hybrid retrieval, the gold suite's notion), and of the
  Japanese question read with its own Japanese words too (`ja.search_text`, what retrieval is meant to read);
- `scope_ok` and `refusal_ok` (refused exactly when the row expects a refusal).

Until `Assistant.ask` reads Japanese itself (a `lang` parameter), the suite renders the question with
`assistant.ja.to_english` before asking.

    >>> row = {"expected": {"age": 70}}
    >>> from assistant.models import PatientFacts
    >>> facts_expected(row, PatientFacts(age=70, ph_status="positive")), facts_expected(row, PatientFacts())
    (True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.ja import search_text
from assistant.models import PatientFacts
from evals import metrics as M
from evals.lay import value_ok

JA_KEYS = frozenset({"id", "source_id", "question", "en", "register", "category", "expected_sections", "must_include",
                     "must_not_include", "expected_verdict", "expected_scope", "expected_rule_ids", "expected"})

JA_HEADLINE: tuple[tuple[str, str], ...] = (
    ("ja_facts_equal_en", "Questions whose patient facts equal the English question's"),
    ("ja_facts_expected", "Questions with every expected patient fact read"),
    ("ja_plan_equal_en", "Questions whose plan names the English question's clinical concepts"),
    ("ja_recall@5", "Retrieval recall@5, Japanese questions"),
    ("ja_search_recall@5", "Retrieval recall@5, Japanese questions read with their Japanese words (ja.search_text)"),
    ("en_recall@5", "Retrieval recall@5, the same questions in English"),
    ("ja_recall_gap", "English minus Japanese recall@5"),
    ("ja_scope_ok", "Scope as expected"),
    ("ja_refusal_ok", "Refused exactly when a refusal is expected"),
)


def validate_ja_row(row: Mapping[str, Any], gold: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise ValueError naming the row and what is wrong.

    >>> validate_ja_row({"id": "x"}, {})
    Traceback (most recent call last):
    ...
    ValueError: ja row 'x': missing key(s) ['category', 'en', 'expected', 'expected_rule_ids', 'expected_scope', 'expected_sections', 'expected_verdict', 'must_include', 'must_not_include', 'question', 'register', 'source_id']
    """
    rid = row.get("id", "?")
    missing = sorted(JA_KEYS - set(row))
    if missing:
        raise ValueError(f"ja row {rid!r}: missing key(s) {missing}")
    if row["source_id"] not in gold:
        raise ValueError(f"ja row {rid!r}: source_id {row['source_id']!r} is not a gold row")
    if not isinstance(row["question"], str) or not row["question"].strip():
        raise ValueError(f"ja row {rid!r}: question must be a non-empty string")
    try:
        PatientFacts(**row["expected"])
    except Exception as exc:  # noqa: BLE001 (pydantic's error names the field)
        raise ValueError(f"ja row {rid!r}: invalid expected facts: {exc}") from exc


def facts_expected(row: Mapping[str, Any], facts: PatientFacts) -> bool:
    got = facts.model_dump()
    return all(value_ok(v, got[k]) for k, v in row["expected"].items())


def ask_japanese(assistant: Any, question: str, *, mode: str) -> Any:
    """Ask a Japanese question as a user would (the assistant reads it through `ja.to_english`)."""
    return assistant.ask(question, mode=mode)


def clinical_concepts(question: str) -> frozenset[str]:
    """The clinical concepts a question's plan names (not people, question words or grammar).

    >>> sorted(clinical_concepts("what aged 70 Ph-positive ALL induction?"))
    ['induction', 'ph_positive']
    """
    from assistant.concepts import load_lexicon
    from assistant.plan import read_question

    lex = load_lexicon()
    return frozenset(c for c in read_question(question).concepts if lex.concepts[c].kind in _CLINICAL_KINDS)


_CLINICAL_KINDS = frozenset({"marker", "lineage", "phase", "drug", "drug_class", "treatment", "procedure", "regimen",
                             "phase_of_treatment"})


def _read_as(answer: Any) -> str:
    """The text the pipeline read: the English a Japanese question was read into (`Answer.question_en`)."""
    return getattr(answer, "question_en", None) or answer.question


def _recall(assistant: Any, answer: Any, expected: Sequence[Any], *, text: str | None = None) -> float | None:
    hits = assistant.retriever.search(text or _read_as(answer), facts=answer.patient, k=10, mode="hybrid")
    return M.recall_at_k(expected, [h.chunk.section_id for h in hits], 5)


def answer_ja(assistant: Any, rows: Sequence[Mapping[str, Any]], *, mode: str,
              advance: Callable[[], None] = lambda: None) -> list[dict[str, Any]]:
    """Ask every Japanese question and its English equivalent; score facts, retrieval, scope and refusal."""
    results = []
    for row in rows:
        ja = ask_japanese(assistant, row["question"], mode=mode)
        en = assistant.ask(row["en"], mode=mode)
        refused = ja.verdict == "refused"
        score = {"facts_equal_en": ja.patient == en.patient, "facts_expected": facts_expected(row, ja.patient),
                 "plan_equal_en": clinical_concepts(_read_as(ja)) == clinical_concepts(en.question),
                 "ja_recall@5": _recall(assistant, ja, row["expected_sections"]),
                 "ja_search_recall@5": _recall(assistant, ja, row["expected_sections"],
                                               text=search_text(row["question"])),
                 "en_recall@5": _recall(assistant, en, row["expected_sections"]),
                 "scope_ok": M.scope_ok(row, ja), "refusal_ok": M.expects_refusal(row) == refused,
                 "en_scope_ok": M.scope_ok(row, en)}
        results.append({"row": row, "answer": ja, "english": en, "score": score})
        advance()
    return results


def _share(results: Sequence[Mapping[str, Any]], key: str) -> float | None:
    vals = [r["score"][key] for r in results if r["score"][key] is not None]
    return sum(map(float, vals)) / len(vals) if vals else None


def summarise_ja(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Headline, per-register shares and the failing rows of a Japanese run."""
    ja_r, en_r = _share(results, "ja_recall@5"), _share(results, "en_recall@5")
    head = {"ja_facts_equal_en": _share(results, "facts_equal_en"), "ja_facts_expected": _share(results, "facts_expected"),
            "ja_plan_equal_en": _share(results, "plan_equal_en"),
            "ja_recall@5": ja_r, "ja_search_recall@5": _share(results, "ja_search_recall@5"), "en_recall@5": en_r,
            "ja_recall_gap": (en_r - ja_r) if ja_r is not None and en_r is not None else None,
            "ja_scope_ok": _share(results, "scope_ok"), "ja_refusal_ok": _share(results, "refusal_ok")}
    registers: dict[str, dict[str, Any]] = {}
    for reg in sorted({r["row"]["register"] for r in results}):
        part = [r for r in results if r["row"]["register"] == reg]
        registers[reg] = {"n": len(part), "facts_equal_en": _share(part, "facts_equal_en"),
                          "ja_recall@5": _share(part, "ja_recall@5"), "en_recall@5": _share(part, "en_recall@5"),
                          "scope_ok": _share(part, "scope_ok")}
    failures = [{"id": r["row"]["id"], "question": r["row"]["question"], "en": r["row"]["en"],
                 "read_as": r["answer"].question, "ja_facts": r["answer"].patient.known(),
                 "en_facts": r["english"].patient.known(), "ja_scope": r["answer"].scope,
                 "ja_verdict": r["answer"].verdict,
                 "failed": [k for k in ("facts_equal_en", "facts_expected", "scope_ok", "refusal_ok")
                            if r["score"][k] is False or r["score"][k] == 0.0]
                 + (["recall"] if (r["score"]["ja_recall@5"] or 0) < (r["score"]["en_recall@5"] or 0) else [])}
                for r in results]
    return {"n_questions": len(results), "headline": head, "registers": registers,
            "failures": [f for f in failures if f["failed"]]}


def result_line(r: Mapping[str, Any]) -> dict[str, Any]:
    """One results.jsonl line of a Japanese run."""
    return {"id": r["row"]["id"], "question": r["row"]["question"], "en": r["row"]["en"],
            "read_as": r["answer"].question, "metrics": r["score"],
            "ja_facts": r["answer"].patient.model_dump(mode="json"),
            "en_facts": r["english"].patient.model_dump(mode="json"), "answer": r["answer"].model_dump(mode="json")}


__all__ = ["JA_HEADLINE", "answer_ja", "ask_japanese", "clinical_concepts", "facts_expected", "result_line", "summarise_ja",
           "validate_ja_row"]
