"""The composer interface (haystack-style components): `run(plan, pool, builder)` adds the lines of one part of
an answer, or declines. Which composers run, and in what order, is data (`assistant.compose.pipeline`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from assistant.compose.builder import Builder
from assistant.compose.selection import DraftPlan, Sources

__all__ = ["Composer", "When", "ruled", "unruled", "open_ruled", "open_unruled", "Unpadded", "PLAIN_MARK"]


class Composer(Protocol):
    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None: ...


@dataclass(frozen=True)
class When:
    """Run `composer` only when `test(plan)` holds."""

    test: Callable[[DraftPlan], bool]
    composer: Composer

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if self.test(plan):
            self.composer.run(plan, pool, builder)


def ruled(plan: DraftPlan) -> bool:
    """Guideline rules answer the question."""
    return bool(plan.chosen)


def unruled(plan: DraftPlan) -> bool:
    """No guideline rule speaks to the question."""
    return not plan.chosen


def open_ruled(plan: DraftPlan) -> bool:
    """Rules answer, and lines beyond the rules may follow."""
    return bool(plan.chosen) and not plan.closed


def open_unruled(plan: DraftPlan) -> bool:
    """No rule answers, and lines beyond the rules may follow."""
    return not plan.chosen and not plan.closed



@dataclass(frozen=True)
class Unpadded:
    """Run `composer` (a context line, a trial result) unless a patient or a relative who asks for no evidence and
    names no trial has had the rule said in plain words already: a trial's cut-off or a study's share of patients
    beside their own answer reads as theirs (rja94 q24, q26)."""

    composer: Composer

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not (builder.notes_starting(PLAIN_MARK) and plan.lay and not plan.intents.evidence and not plan.intents.trial_named):
            self.composer.run(plan, pool, builder)


#: How a rule's plain line (`plain:` in guideline.yaml) begins.
PLAIN_MARK = "_In plain words"
