"""Relevance: "pass" means correct *and on the question*.

The treatments the question asks about (drugs, drug classes, regimens, procedures named in its asking sentence,
not in its background, not negated, not someone else's) must be named by the answer, directly or through their
class (an answer about TKIs addresses "dasatinib"). A treatment the answer leaves out is a warning that names it,
so the verdict is not pass and the reader is told what the corpus did not answer.

    >>> from assistant.models import PatientFacts
    >>> q = "Our unit uses hyper-CVAD. Relapsed B-ALL at 30: is engineered T-cell therapy an option?"
    >>> [i.finding.message for i in check_relevance(q, PatientFacts(), Draft(answer="Blinatumomab is used.[1]"), [])]
    ['The answer does not address CAR-T cell therapy, which the question asks about']
    >>> check_relevance(q, PatientFacts(), Draft(answer="CAR-T cells are given under 25.[1]"), [])
    []
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.concepts import load_lexicon, read_concepts
from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.base import Draft, Issue

__all__ = ["RELEVANCE_RULE", "asked_treatments", "check_relevance"]

RELEVANCE_RULE = "RELEVANCE-050"
_TREATMENT_KINDS = frozenset({"drug", "drug_class", "treatment", "procedure", "regimen"})
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")


def _asking_part(question: str) -> str:
    """The sentences that ask (ending in '?'); without one, the last sentence."""
    sentences = [s.strip() for s in _SENTENCE.findall(question) if s.strip()]
    asking = [s for s in sentences if s.endswith("?")]
    return " ".join(asking or sentences[-1:])


def asked_treatments(question: str) -> list[str]:
    """Treatment concept ids the question's asking sentence names (not negated, not someone else's).

    >>> asked_treatments("He is on dasatinib. Should we switch to ponatinib?")
    ['ponatinib']
    """
    reading = read_concepts(_asking_part(question).lower())
    return list(dict.fromkeys(m.concept for m in reading.mentions
                              if m.kind in _TREATMENT_KINDS and not m.negated and not m.other_person))


def _addressed(concept: str, said: set[str]) -> bool:
    lex = load_lexicon()
    c = lex.concepts.get(concept)
    while c is not None:
        if c.id in said:
            return True
        c = lex.concepts.get(c.broader) if c.broader else None
    # a class is addressed by any of its members ("TKIs?" answered about dasatinib)
    return any(lex.concepts[s].broader == concept for s in said if s in lex.concepts)


def check_relevance(question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Chunk]) -> list[Issue]:
    """A warning for each asked treatment the answer does not name."""
    asked = asked_treatments(question)
    if not asked or not draft.answer.strip():
        return []
    said = set(read_concepts(draft.answer.lower()).ids())
    lex = load_lexicon()
    return [Issue(finding=RuleFinding(
        rule_id=RELEVANCE_RULE, severity="warn",
        message=f"The answer does not address {lex.concepts[c].label}, which the question asks about"))
        for c in asked if not _addressed(c, said)]
