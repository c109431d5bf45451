"""Composers for the notes around an answer: the notes given to the drafter first, the missing Ph status, the
finding that no recommendation matched a treatment question, the disclaimer last."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.builder import Builder
from assistant.compose.selection import DraftPlan, Sources, fact_label
from assistant.models import RuleFinding
from assistant.prompts import DISCLAIMER

__all__ = ["OpeningNotes", "MissingPhNote", "NoRecommendation", "Disclaimer"]


@dataclass(frozen=True)
class OpeningNotes:
    """The notes the caller gives (safety notes for a patient, age-group edges, units read, premises) lead."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        for note in plan.notes:
            builder.note(note)


@dataclass(frozen=True)
class MissingPhNote:
    """Each Ph branch was shown: ask for the Ph status (and the other missing facts). A patient asking about
    their own treatment is not quizzed."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not (builder.count() and plan.missing and not plan.plain):
            return
        if not plan.missing_ph:
            if plan.deciding:  # (lineage, CD19/CD22 ...: the deciding facts of the branches shown)
                labels = [fact_label(m) for m in plan.deciding]
                what = ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]
                builder.note(f"_The answer depends on facts not given ({what}), so each branch's leading "
                             "statement is shown: tell me them for a single answer._")
            return
        also = [fact_label(m) for m in plan.missing if m != "ph_status"]
        more = f" (and the {', '.join(also[:-1]) + ' and ' if len(also) > 1 else ''}{also[-1]})" if also else ""
        builder.note("_The Ph status was not given, so each branch is shown: tell me whether the leukemia is "
                     f"Ph-positive or Ph-negative{more} for a single answer._")


@dataclass(frozen=True)
class NoRecommendation:
    """A treatment question about a described patient that no rule, guideline line or status line answered."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if (not plan.closed and plan.intents.treatment and plan.facts.known()
                and not any(kind in ("rule", "guideline", "status") for kind, _ in builder.lines)):
            builder.finding(RuleFinding(
                rule_id="ANSWER-NOREC-042", severity="warn",
                message="No JSH 2023 recommendation matched this question and the facts read from it; check the "
                        "patient facts shown (age, Ph status, lineage, phase, MRD) or add the missing ones"))


@dataclass(frozen=True)
class Disclaimer:
    """Every answer with a cited line ends with the decision-support disclaimer."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if builder.count():
            builder.note(DISCLAIMER)
