"""Composers for guideline lines beyond the rules: the plain-language answer for a patient asking about their own
treatment, and the best guideline sentences after the rules."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.builder import Builder
from assistant.compose.focus import add_focus
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import _reports_study, best_sentences, is_trial_sentence

__all__ = ["add_guideline", "PlainPatient", "GuidelineLines"]


def add_guideline(plan: DraftPlan, pool: Sources, builder: Builder, budget: int, *, min_shared: int = 2,
                  asked: bool = False) -> None:
    """Up to `budget` best sentences of the top three guideline chunks (no rule statement twice; for a patient,
    no trial lines)."""
    for chunk in [r.chunk for r in pool.retrieved if r.chunk.tier == "guideline"][:3]:
        for sentence in best_sentences(chunk, plan.q, plan.facts, pool.book, n=1, min_shared=min_shared):
            if budget <= 0 or builder.full(spare=1):
                break
            if any(sentence == r.statement for r in plan.chosen) or (plan.plain and (
                    is_trial_sentence(sentence, chunk) or _reports_study(sentence))):
                continue
            if builder.add("guideline", sentence, chunk, asked=asked):
                budget -= 1


@dataclass(frozen=True)
class PlainPatient:
    """A patient asking about their own treatment: the asked point and one guideline line, no trial numbers;
    nothing but rules follows (`DraftPlan.closed`)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not plan.plain:
            return
        add_focus(plan, pool, builder, closed=plan.rules_only, asked=True)
        add_guideline(plan, pool, builder, 1, min_shared=1 if plan.chosen else 2, asked=True)  # (with no rule, one shared
        # word is a coincidence)


@dataclass(frozen=True)
class GuidelineLines:
    """After the rules, up to two guideline sentences that share two of the question's terms."""

    budget: int = 2

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        add_guideline(plan, pool, builder, self.budget)
