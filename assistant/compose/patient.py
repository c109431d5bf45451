"""Composers for guideline lines beyond the rules: the plain-language answer for a patient asking about their own
treatment, and the best guideline sentences after the rules."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.builder import Builder
from assistant.compose.focus import add_focus
from assistant.compose.selection import DraftPlan, Sources, asked_topics
from assistant.compose.sentences import _reports_study, best_sentences, is_trial_sentence, protocol_aside
from assistant.concepts import concept_ids
from assistant.facts import about_a_patient
from assistant.rules.logic import stated_facts
from assistant.rules.relevance import addressed, for_other_phase

__all__ = ["add_guideline", "PlainPatient", "GuidelineLines"]


def add_guideline(plan: DraftPlan, pool: Sources, builder: Builder, budget: int, *, min_shared: int = 2,
                  asked: bool = False, topics: frozenset[str] = frozenset()) -> None:
    """Up to `budget` best sentences of the top three guideline chunks (no rule statement twice; for a patient,
    no trial lines; with `topics`, only a sentence naming one of them)."""
    for chunk in [r.chunk for r in pool.retrieved if r.chunk.tier == "guideline"][:3]:
        for sentence in best_sentences(chunk, plan.q, plan.facts, pool.book, n=1, min_shared=min_shared):
            if budget <= 0 or builder.full(spare=1):
                break
            if any(sentence == r.statement for r in plan.chosen) or (plan.plain and (
                    is_trial_sentence(sentence, chunk) or _reports_study(sentence))):
                continue
            if _another_branch(sentence, plan) or plan.other_status(sentence) or plan.defines_unasked(sentence) or \
                    protocol_aside(sentence, plan.q) or (topics and not _names_a_topic(sentence, topics)) or \
                    for_other_phase(sentence, plan.facts):  # (a relapse's line for a patient in CR1, r78 q01)
                continue
            if builder.add("guideline", sentence, chunk, asked=asked):
                budget -= 1


def _names_a_topic(sentence: str, topics: frozenset[str]) -> bool:
    """The sentence names one of the asked topics, or its class ("TKI" for "can I stop my dasatinib?")."""
    said = concept_ids(sentence.lower())
    return any(addressed(t, said) for t in topics)


#: Facts a line's population may state that make it one branch of a patient whose fact is not known.
_BRANCH_FACTS = ("ph_status", "transplant")


def _another_branch(sentence: str, plan: DraftPlan) -> bool:
    """For a described patient, a line about a population the patient is not known to be in (Ph-positive, or after
    a transplant, when neither was said) is a branch the rules did not show: no filler line for it ("for Ph+ ALL
    after allo-HSCT, pre-emptive TKI" beside a post-induction MRD of unknown Ph status)."""
    if not about_a_patient(plan.q, plan.facts):
        return False
    own = stated_facts(sentence.split(",")[0])  # (the population opens the line: "For adults with Ph+ ALL after
    # allo-HSCT, ..."; not a listing after it, "... addressed with ..., later-generation TKIs for Ph-positive disease")
    named = concept_ids(plan.q.lower())
    return any(own.get(k) is not None and getattr(plan.facts, k) is None and k not in plan.missing
               and not (k == "transplant" and "allo_hsct" in named) for k in _BRANCH_FACTS)


@dataclass(frozen=True)
class PlainPatient:
    """A patient asking about their own treatment: the asked point and one guideline line, no trial numbers;
    nothing but rules follows (`DraftPlan.closed`)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not plan.plain:
            return
        add_focus(plan, pool, builder, closed=plan.rules_only, asked=True)
        # (with no rule, one shared word is a coincidence; with rules, the one word must be on what was asked: a
        # relapsed T-ALL line shares "treatment" with a patient asking whether everyone gets cranial irradiation,
        # rja97 q24)
        add_guideline(plan, pool, builder, 1, min_shared=1 if plan.chosen else 2, asked=True,
                      topics=frozenset(asked_topics(plan)) if plan.chosen else frozenset())


@dataclass(frozen=True)
class GuidelineLines:
    """After the rules, up to two guideline sentences that share two of the question's terms (none once the trial
    results a question asks for are in: "does blinatumomab work?" is answered by its rule and TOWER, not by where
    the summary lists it)."""

    budget: int = 2

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if plan.intents.evidence and any(kind == "evidence" for kind, _ in builder.lines):
            return
        add_guideline(plan, pool, builder, self.budget)
