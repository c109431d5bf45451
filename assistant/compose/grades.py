"""Composer for a CQ number or recommendation grade the question states ("CQ5 gives X a category 1
recommendation"): nothing in the corpus can confirm either, and the corpus says so."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.builder import Builder, lead_for
from assistant.compose.rules import add_status
from assistant.compose.selection import DraftPlan, Sources
from assistant.models import RuleFinding
from assistant.text import chunk_sentences, term_at

__all__ = ["AskedGrades", "StatedGrades"]


def _no_grade_line(sentence: str) -> bool:
    """The corpus line saying it "contains no CQ numbers" or "contains no recommendation grades"."""
    return any(term_at(sentence, f"contains no {what}", fold=False) >= 0
               for what in ("CQ numbers", "recommendation grades"))


@dataclass(frozen=True)
class StatedGrades:
    """The note (which does not repeat the number: an answer naming a CQ number is one the rule layer blocks),
    the corpus lines saying it has no CQ numbers or grades, then what the summary says about the rest."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        grades = plan.grades
        if not grades:
            return
        what = "CQ number and grade" if len(grades) > 1 else "CQ number" if "q" in grades[0].lower() else "grade"
        builder.note("_The corpus holds no CQ numbers or recommendation grades for the JSH 2023 ALL chapter, so the "
                     f"{what} in the question cannot be confirmed or quoted._")
        for c in sorted({c.chunk_id: c for c in pool.chunks}.values(),
                        key=lambda c: (c.tier != "guideline", c.section_id, c.chunk_no)):  # (the summary's own line first)
            for sent in chunk_sentences(c.text):
                if _no_grade_line(sent) and sent in c.text:
                    builder.add("status", sent, c, lead=lead_for(c.tier))
        add_status(plan, builder)  # what the summary does say about the rest ("ponatinib first-line"), right after
        builder.finding(RuleFinding(
            rule_id="PREMISE-GRADE-047", severity="info", section_id="context/corpus-limits",
            message=f"The question states a CQ number or grade ({', '.join(grades)}) that the corpus cannot confirm"))


@dataclass(frozen=True)
class AskedGrades:
    """A grade or level of evidence asked for beside another part ("... recommended? And its evidence level?",
    rja108 q29) and no line on grades said yet: the corpus's line that it holds no recommendation grades, after the
    lines that answer the other parts."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        _asked_grade(plan, pool, builder)


def _asked_grade(plan: DraftPlan, pool: Sources, builder: Builder) -> None:
    if not plan.intents.grade or plan.rules_only or any(_no_grade_line(t) for _, t in builder.lines):
        return
    lines = [(sent, c) for c in sorted({c.chunk_id: c for c in pool.chunks}.values(),
                                       key=lambda c: (c.tier != "guideline", c.chunk_id))
             for sent in chunk_sentences(c.text) if _no_grade_line(sent) and sent in c.text]
    lines.sort(key=lambda sc: (sc[1].tier != "guideline", "recommendation grades" not in sc[0]))  # (the grades'
    # line before the CQ numbers')
    if lines:
        builder.add("status", lines[0][0], lines[0][1], lead=lead_for(lines[0][1].tier))
