"""A treatment named for a patient with a condition its harms weigh on ("his kidneys are weak: can he get HD-MTX?",
"a heart attack last year: is ponatinib OK?", "diabetic, on asparaginase"): after the lines that answer whether the
treatment is for the patient, the treatment's own safety lines on those harms (acute kidney injury and kidney checks
with HD-MTX; arterial events and cardiovascular risk factors with ponatinib). Which condition weighs on which harm,
and which harms a treatment has, are data (lexicon/toxicities.yaml `conditions`, `condition_harms`, `profiles`)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.asked import _quotable
from assistant.compose.builder import Builder, lead_for
from assistant.compose.interactions import named_treatments
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import _headed_sentences
from assistant.concepts import concept_ids, read_concepts
from assistant.models import Chunk
from assistant.rules.logic import RuleBook
from assistant.rules.relevance import addressed
from assistant.rules.toxicity import condition_harms, harms_in, profiles

__all__ = ["Conditions", "condition_lines", "weighed_treatments"]

#: Safety lines per treatment (the harm's own line and what is done about it).
PER_TREATMENT = 2
#: Tiers in the order a safety line is preferred: a safety note's before the guideline's passing mention, then a trial's.
_TIER_ORDER = {"context": 2, "guideline": 1}


def weighed_treatments(question: str) -> dict[str, frozenset[str]]:
    """Each treatment the question names for its patient -> the harms of it that the patient's conditions weigh.

    >>> weighed_treatments("My father has kidney problems. Can he get high-dose methotrexate?")
    {'hd_mtx': frozenset({'kidney'})}
    >>> weighed_treatments("Can he get high-dose methotrexate?"), weighed_treatments("neuropathy; relapsed after blina")
    ({}, {})
    """
    harms = condition_harms(question)
    if not harms:
        return {}
    pf = profiles()
    mentions = read_concepts(question.lower()).mentions
    past = {m.concept for m in mentions if m.historical} - {m.concept for m in mentions if not m.historical}
    out = {t: harms & pf.known[t] for t in named_treatments(question) if t in pf.known and t not in past}
    return {t: h for t, h in out.items() if h}  # (not a treatment behind the patient: "relapsed after blina")


def condition_lines(plan: DraftPlan, chunks: list[Chunk], book: RuleBook,
                    covered: list[str]) -> list[tuple[str, Chunk]]:
    """For each treatment the whole question weighs (its background clauses name the conditions), its best quotable lines naming it and one of the weighed harms, in their
    document order (at most PER_TREATMENT)."""
    pf = profiles()
    out: list[tuple[str, Chunk]] = []
    for treatment, harms in weighed_treatments(plan.question.text).items():
        found: list[tuple[tuple[int, int], int, int, str, Chunk]] = []
        for rank, chunk in enumerate(chunks):
            for pos, (_, s) in enumerate(_headed_sentences(chunk)):
                if s in covered or not (harms_in(s, pf) | condition_harms(s, pf)) & harms or not addressed(
                        treatment, concept_ids(s.lower())):
                    continue
                if _quotable(s, chunk, plan.facts, book, plan.q):
                    found.append(((_TIER_ORDER.get(chunk.tier, 0), -rank), rank, pos, s, chunk))
        best = sorted(found, key=lambda f: f[0], reverse=True)[:PER_TREATMENT]
        for _, _, _, s, chunk in sorted(best, key=lambda f: (f[1], f[2])):
            if all(s != t for t, _ in out):
                out.append((s, chunk))
    return out


@dataclass(frozen=True)
class Conditions:
    """The named treatment's safety lines on the harms the patient's conditions weigh (see the module)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if plan.rules_only or not weighed_treatments(plan.question.text):
            return
        for sentence, chunk in condition_lines(plan, plan.candidates(pool, 8), pool.book,
                                                [t for _, t in builder.lines]):
            builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier), asked=True)
