"""A treatment named for a patient with a condition its harms weigh on ("his kidneys are weak: can he get HD-MTX?",
"a heart attack last year: is ponatinib OK?", "diabetic, on asparaginase"): after the lines that answer whether the
treatment is for the patient, the treatment's own safety lines on those harms (acute kidney injury and kidney checks
with HD-MTX; arterial events and cardiovascular risk factors with ponatinib). Which condition weighs on which harm,
and which harms a treatment has, are data (lexicon/toxicities.yaml `conditions`, `condition_harms`, `profiles`)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.asked import quotable_lines
from assistant.compose.builder import Builder, lead_for
from assistant.compose.interactions import named_treatments
from assistant.compose.selection import DraftPlan, Sources
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


def condition_lines(plan: DraftPlan, weighed: dict[str, frozenset[str]], chunks: list[Chunk], book: RuleBook,
                    covered: list[str]) -> list[tuple[str, Chunk]]:
    """For each `weighed` treatment (`weighed_treatments` of the whole question: its background clauses name the
    conditions), its best quotable lines naming it and one of the weighed harms (or a condition weighing one:
    "kidney function is checked"), in their document order (at most PER_TREATMENT)."""
    pf = profiles()
    out: list[tuple[str, Chunk]] = []
    for treatment, harms in weighed.items():
        def on_harm(s: str, treatment: str = treatment, harms: frozenset[str] = harms) -> bool:
            return bool((harms_in(s, pf) | condition_harms(s, pf)) & harms) and addressed(
                treatment, concept_ids(s.lower()))

        found = quotable_lines(plan, chunks, book, covered, on_harm)
        best = sorted(found, key=lambda f: (_TIER_ORDER.get(f[3].tier, 0), -f[0]), reverse=True)[:PER_TREATMENT]
        for _, _, s, chunk in sorted(best, key=lambda f: (f[0], f[1])):
            if all(s != t for t, _ in out):
                out.append((s, chunk))
    return out


@dataclass(frozen=True)
class Conditions:
    """The named treatment's safety lines on the harms the patient's conditions weigh (see the module)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        weighed = {} if plan.rules_only else weighed_treatments(plan.question.text)
        if not weighed:
            return
        for sentence, chunk in condition_lines(plan, weighed, plan.candidates(pool, 8), pool.book,
                                                [t for _, t in builder.lines]):
            builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier), asked=True)
