"""Composers for the guideline's rules and its own yes/no lines: the rule a false premise contradicts first, the
yes/no line when it answers the question, the rules for this patient, the status lines after them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compose.base import PLAIN_MARK
from assistant.compose.builder import Builder, lead_for
from assistant.compose.cues import says
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import CONTEXT_LEAD
from assistant.compose.subject import asking_sentences, on_subject
from assistant.concepts import concept_ids, load_lexicon, treatments_in
from assistant.models import Chunk
from assistant.rules import statement_chunk
from assistant.rules.fit import alternatives
from assistant.rules.logic import GuidelineRule

__all__ = ["Alternatives", "add_rules", "add_status", "PremiseRules", "StatusLead", "Rules", "StatusAfterRules"]


def add_status(plan: DraftPlan, builder: Builder, lines: Sequence[tuple[str, Chunk]] | None = None) -> None:
    """The guideline's own yes/no lines (`lines`, else the plan's; once: a line already in the answer is not added
    again)."""
    for sentence, chunk in plan.status if lines is None else lines:
        builder.add("status", sentence, chunk, lead=lead_for(chunk.tier))


def add_rules(plan: DraftPlan, pool: Sources, builder: Builder, rules: Sequence[GuidelineRule]) -> None:
    """Each rule's statement, cited to its section, and its note when the patient's facts call for it."""
    for rule in rules:
        chunk = statement_chunk(rule, pool.chunks)
        if chunk is not None and builder.count() < builder.max_sentences:
            builder.add("rule", rule.statement, chunk, lead=CONTEXT_LEAD if chunk.tier == "context" else "")
            if rule.note and rule.condition(plan.facts) is True:
                builder.note(rule.note.format(**plan.facts.model_dump()))
            if plan.lay and rule.plain_for(plan.facts) and _plain_due(rule, rules, plan, builder):
                builder.note(rule.plain)  # (what it means for them, in plain words: r50 d17, d19)


def _plain_due(rule: GuidelineRule, rules: Sequence[GuidelineRule], plan: DraftPlan, builder: Builder) -> bool:
    """The rule's plain line is said: at most two in an answer, and not when a rule before it in `rules`, on the
    same section, says it in plain words already (the patient's own MRD result's plain line, not the threshold's as
    well), unless the rule names a treatment the asking sentence names ("will he not be cured without a
    transplant?": the transplant's after the induction's, rja94 q21)."""
    said = builder.notes_starting(PLAIN_MARK)
    if rule.plain in said or len(said) >= 2:
        return False
    asked = set(plan.treatments_asked) | treatments_in(plan.intents.asking or plan.q)
    before = rules[:rules.index(rule)]
    return bool(treatments_in(rule.statement) & asked) or not any(
        r.plain_for(plan.facts) and set(r.section_ids) & set(rule.section_ids) for r in before)


@dataclass(frozen=True)
class Alternatives:
    """ "Can he get CAR-T?" at 41 is answered "No, as asked": what the guideline gives in the patient's own phase
    follows (each antibody by its antigen), so a No is not the whole answer."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not plan.premise:
            wanted = says(plan.intents.asking or plan.q, "asks_what_else")  # ("CAR-T? What else can they try?")
            besides = frozenset(c for r in plan.chosen for a in r.asserts for c in a.about) if wanted else frozenset()
            add_rules(plan, pool, builder, [r for r in alternatives(plan.q, plan.facts, pool.book, asked_for=wanted,
                                                                    besides=besides) if r not in plan.chosen])


@dataclass(frozen=True)
class PremiseRules:
    """The rule a false premise contradicts ("inotuzumab is anti-CD19, right?") answers "no" first."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        add_rules(plan, pool, builder, plan.first)


@dataclass(frozen=True)
class StatusLead:
    """A yes/no question about the guideline whose answer is its own status line: that line leads, with a "No"
    first when the question asserts what the summary does not say ("JSH recommends X, correct?")."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not plan.asked:
            return
        if plan.status and not plan.premise and (plan.intents.confirm or _denies_claim(plan)):
            builder.note("_**No**: the JSH 2023 summary does not say this; its own statement comes first below._")
        add_status(plan, builder)


def _denies_claim(plan: DraftPlan) -> bool:
    """The question states a claim about the guideline as its premise ("so JSH recommends adding blinatumomab to
    consolidation") and the leading status line denies it for a treatment the claim names ("blinatumomab
    consolidation ... is not listed")."""
    claim = plan.intents.claim
    if not claim:
        return False
    line = plan.status[0][0]
    named = concept_ids(claim.lower()) & concept_ids(line.lower())
    lex = load_lexicon()
    return says(line, "denies_recommendation") and any(
        c in lex.concepts and lex.concepts[c].kind in ("drug", "drug_class", "treatment", "procedure", "regimen")
        for c in named)


@dataclass(frozen=True)
class Rules:
    """The rules for this patient (and the branches when facts are missing), in the plan's order."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        first = plan.first
        add_rules(plan, pool, builder, [r for r in plan.chosen if r not in first])


@dataclass(frozen=True)
class StatusAfterRules:
    """When rules answered, a status line that matches the question closely follows them."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not plan.asked and plan.chosen:
            # (on the subject of the sentences that ask, not of the case: "... imatinib + chemo induction ... What
            # does the guideline say this MRD means?" gets no line on chemotherapy-free induction)
            asking = asking_sentences(plan.q)
            add_status(plan, builder, [(s, c) for s, c in plan.status if on_subject(s, asking, c.title)])
