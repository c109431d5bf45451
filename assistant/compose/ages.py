"""The ages a group or a treatment covers, when the question asks them ("pediatric-type regimen up to what age?",
"小児型レジメンは何歳まで？", "what age limit for CAR-T?"): the lines that name what was asked about (AYA, the
pediatric-type regimen, CAR-T) together with an age (cues.yaml `asks_age_range`), a guideline or context line before
a trial's eligibility."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compose.asked import quotable_lines
from assistant.compose.builder import Builder, lead_for
from assistant.compose.cues import says
from assistant.compose.selection import DraftPlan, Sources
from assistant.concepts import concept_ids, load_lexicon, quantities, read_concepts
from assistant.models import Chunk
from assistant.rules.logic import RuleBook
from assistant.text import tokenize

__all__ = ["AgeRange", "age_lines", "age_subjects"]

#: Lines that give the ages asked.
AGE_LINES = 2
#: Concept kinds whose ages a question may ask.
_SUBJECT_KINDS = frozenset({"population", "regimen", "drug", "drug_class", "treatment", "procedure"})
_TIER_ORDER = {"guideline": 2, "context": 2, "evidence": 0}


def age_subjects(question: str) -> list[str]:
    """What the question asks the ages of: the groups and treatments it names, when it asks an age range.

    >>> age_subjects("Ph- ALL in AYA: pediatric-type regimen up to what age?")
    ['population_age', 'pediatric_regimen']
    >>> age_subjects("Ph- ALL in AYA: pediatric-type regimen?")
    []
    """
    if not says(question, "asks_age_range"):
        return []
    mentions = read_concepts(question.lower()).mentions
    return list(dict.fromkeys(m.concept for m in mentions if m.kind in _SUBJECT_KINDS and not m.other_person))


def _ages(sentence: str) -> bool:
    """The sentence gives an age: "aged 15 to 39", or a span of years of an age group ("spans 15 to 39 years")."""
    return any(q.kind == "age" or q.unit == "years" and "age" in sentence.lower() for q in quantities(sentence))


def age_lines(plan: DraftPlan, subjects: Sequence[str], chunks: list[Chunk], book: RuleBook,
              covered: list[str]) -> list[tuple[str, Chunk]]:
    """The best quotable lines naming one of the asked `subjects` (`age_subjects`) and an age: an age group's own span
    first, then most subjects named, a guideline or context line before a trial's, the earlier chunk first."""
    asked = set(subjects)
    lex = load_lexicon()

    def key(rank: int, s: str, chunk: Chunk) -> tuple[bool, bool, int, int, int]:
        shared = asked & set(concept_ids(s.lower()))
        groups = {c for c in shared if c in lex.concepts and lex.concepts[c].kind == "population"}
        # (an age group's own span first: "AYA spans 15 to 39" before "HD-MTX covers 40 to 64, after AYA"; a span
        # said as what the group means, "conventionally spans 15 to 39", before a list of the groups)
        return (bool(groups), bool(groups) and says(s, "defining_word"),
                -len(shared - groups) if groups else len(shared), _TIER_ORDER.get(chunk.tier, 1), -rank)

    found = quotable_lines(plan, chunks, book, covered,
                           lambda s: bool(asked & set(concept_ids(s.lower()))) and _ages(s))
    best = sorted(found, key=lambda f: key(f[0], f[2], f[3]), reverse=True)[:AGE_LINES]
    return [(s, c) for _, _, s, c in best]


@dataclass(frozen=True)
class AgeRange:
    """The lines giving the ages asked (see the module), right after the rules that frame them."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        subjects = [] if plan.rules_only else age_subjects(plan.question.text)
        if not subjects:
            return
        said = [frozenset(tokenize(t)) for _, t in builder.lines]
        for sentence, chunk in age_lines(plan, subjects, plan.candidates(pool, 8), pool.book,
                                         [t for _, t in builder.lines]):
            if any(frozenset(tokenize(sentence)) <= t for t in said):
                continue  # (its words all said in a longer line already: "under 25" after "under 25, whereas ...")
            builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier), asked=True)
