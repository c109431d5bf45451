"""A number the question states for a quantity the guideline fixes ("so the threshold is 0.1%, right?", "is the
MRD cut-off after induction 0.1%?"): when the guideline states another value for the same quantity, the question's
premise is false and the rule stating the value answers "no" first.

The comparison is the claim frames' own (`qualifier_conflict` against the rules' `asserts` qualifiers), so every
quantity the rules give a value for (MRD thresholds, age limits) is covered without a pattern per phrasing. A value
that is the patient's own fact (their age, their MRD) is no claim about the guideline and is left alone.
"""

from __future__ import annotations

from typing import Any

from assistant.claims import read_claims
from assistant.compose.cues import says
from assistant.compose.intents import list_items
from assistant.concepts import lab_analytes, quantities, sentences, token_spans
from assistant.models import PatientFacts
from assistant.rules.frames import premise_form, qualifier_conflict

#: The quantities whose stated value is a claim about the guideline's limit (a duration is checked by the rules'
#: own premise patterns; a count or a dose is not a limit).
_LIMITS = frozenset({"threshold", "age"})


def _own_values(facts: PatientFacts) -> set[float]:
    return {float(v) for v in (facts.age, facts.mrd_level_pct) if v is not None}


def _without_labs(text: str) -> str:
    """`text` without its lab results ("HbA1c 7.8%", "Cr 1.1 mg/dL"): a lab value states no guideline limit."""
    low = text.lower()
    spans = token_spans(low)
    cut = [(spans[i][0], spans[min(i + 2, len(spans) - 1)][1]) for i in lab_analytes(low, spans)]
    for a, b in reversed(cut):
        text = text[:a] + " " + text[b:]
    return text


def _said_of(text: str, value: float, said: Any) -> bool:
    """A sentence of `text` holds the value and `said(sentence, quantity)` holds of it."""
    return any(said(s, q) for s in sentences(text) for q in quantities(s) if abs(q.value - value) < 1e-12)


def _stated_as_limit(text: str, value: float) -> bool:
    """A sentence of `text` that holds the value also says it is a limit ("the cut-off for high risk is 0.1%") or
    the guideline's ("so JSH high-risk MRD is 10^-3?"); "MRD after induction was 0.03%." is a result."""
    return _said_of(text, value, lambda s, _: says(s, "limit_words") or says(s, "names_guideline"))


def _named_as_the_limit(text: str, value: float) -> bool:
    """A sentence of `text` that holds the value names it as the limit itself ("the cut-off is 0.1%", "so JSH
    high-risk MRD is 10^-3?"), not as a value to be placed against it ("is an MRD of 0.02% considered high risk?",
    "does 0.02% count as high risk?"): a limit word, or the value said to be what the quantity is ("... is 10^-3")."""
    return _said_of(text, value, lambda s, q: says(s, "limit_nouns") or s[:q.start].rstrip().lower().endswith(
        (" is", " was", " =", " be", " are")))


def _within(spec: Any, value: float) -> bool:
    """The value lies within the rule's limit (">= 0.01" holds 0.02)."""
    lo, hi = spec.as_qualifier().interval()
    return lo <= value <= hi


def value_premises(text: str, facts: PatientFacts, book: Any) -> list[Any]:
    """The rules whose stated value for a quantity differs from the one the question states for it.

    `text` is the question's focus (with the earlier question a follow-up leans on, so "the threshold" in a
    follow-up about MRD is MRD's). A stated value conflicts when every rule value of the same kind and unit for the
    concepts it is about differs from it; a value one rule states (10^-4 beside 0.01%) is no conflict."""
    if premise_form(text).compares:
        return []  # "AYA vs 40-64: what does each group get?" sets values side by side, states none of them
    items = list_items(text)
    if items:  # ("(1) AYA (2) aged 40-64 (3) 65 or older": each item's value is its own, not the item before's)
        found: list[Any] = []
        for item in items:
            found += [r for r in value_premises(item, facts, book) if r not in found]
        return found
    claims = read_claims(_without_labs(text))
    context = frozenset(c for cl in claims for c in cl.concepts)
    own = _own_values(facts)
    found: list[Any] = []
    for claim in claims:
        about = claim.concepts or context
        for q in claim.qualifiers:
            if q.kind not in _LIMITS or q.value in own or (q.kind == "age" and q.op in ("=", "~")):
                continue
            if q.kind == "threshold" and (q.op in ("=", "~") or facts.mrd_status is not None) and not (
                    _stated_as_limit(text, q.value)):
                continue  # ("MRD after induction was 0.03%. high risk?", "MRD neg (<10^-5 NGS)": the patient's
                # result, no claimed limit)
            # (the rules for another population than the question's are no comparison: "Ph+ ... under 65" is not
            # the Ph-negative AYA age range; an age limit is compared with the rules about the claim's own subject)
            specs = [(rule, spec) for rule in book.rules if rule.condition(facts) is not False
                     for a in rule.asserts if set(a.about) & (claim.concepts if q.kind == "age" else about)
                     for spec in a.qualifiers if spec.kind == q.kind and spec.unit == q.unit]
            if not specs or any(qualifier_conflict(spec, q) is None for _, spec in specs):
                continue
            if q.op in ("=", "~") and not _named_as_the_limit(text, q.value) and any(
                    _within(spec, q.value) for _, spec in specs):
                continue  # (a value asked to be placed, not the limit: "is an MRD of 0.02% considered high risk?"
                # falls within ">= 0.01 %": yes, not a false premise, r110 q15)
            found += [rule for rule, _ in specs if rule not in found]
    return found


__all__ = ["value_premises"]
