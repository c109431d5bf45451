"""The extractive drafter as an ordered tuple of composers over one `DraftPlan`: the order is data.

How the answer is put together (README, "What an answer looks like"): the notes given; results a question states
that a named trial did not report; the named trial first (no patient); stated grades; the rule a false premise
contradicts; a definition; the guideline's yes/no line when it answers; the rules for this patient; a named drug's safety line that names
another treatment named (first when the question asks what to watch for); then, with
rules, the open parts, the asked term, a heading's list, the evidence asked for, more guideline lines, a context
line and a trial result; without rules, the retrieval ranking, the asked term and the open parts; last the missing
Ph status, the no-recommendation finding and the disclaimer."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.compose.ages import AgeRange
from assistant.compose.asked import AskedTreatment, YesLead
from assistant.compose.base import Composer, Unpadded, When, open_ruled, open_unruled, ruled, unruled
from assistant.compose.builder import Builder
from assistant.compose.conditions import Conditions
from assistant.compose.evidence import ContextLine, Support
from assistant.compose.focus import Definition, Focus, Listed, Parts
from assistant.compose.grades import AskedGrades, StatedGrades
from assistant.compose.interactions import Interactions, asks_cautions, asks_other_things, cautions_after_rules
from assistant.compose.notes import (
    CombinationNote,
    Disclaimer,
    MissingPhNote,
    NoRecommendation,
    NothingElse,
    OpeningNotes,
)
from assistant.compose.patient import GuidelineLines, PlainPatient
from assistant.compose.ranked import Ranked, Reworded
from assistant.compose.rules import Alternatives, PremiseRules, Rules, StatusAfterRules, StatusLead
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.trials import (
    OutcomePerTreatment,
    PopulationOutcomes,
    TrialFirst,
    TrialOrEvidence,
    UnreportedResults,
)
from assistant.compose.which import WhichOne
from assistant.models import RuleFinding
from assistant.rules import Draft

__all__ = ["COMPOSERS", "compose"]

COMPOSERS: tuple[Composer, ...] = (
    OpeningNotes(),
    When(asks_cautions, Interactions(alone=True)),  # "inotuzumab, then a transplant: anything to watch?": VOD first
    YesLead(),  # a yes/no question its patient's rule answers: "Yes" first
    NothingElse(),  # "other than nelarabine, what options?" where the rules name only nelarabine: said first
    UnreportedResults(),
    TrialFirst(),
    StatedGrades(),
    PremiseRules(),
    OutcomePerTreatment(),  # "which of A and B gets more remissions?": each one's result first
    Definition(),
    Reworded(),  # "must my doctor follow it?": the line saying the guideline supports judgement rather than binding it
    StatusLead(),
    Rules(),
    Alternatives(),  # "can he get CAR-T?" at 41: "No", then what the guideline gives in his phase
    AgeRange(),  # "pediatric-type regimen up to what age?": the lines giving those ages, after the rules
    StatusAfterRules(),
    WhichOne(),  # "which TKI for maintenance?": the summary names none (after the rule on the class)
    PopulationOutcomes(),  # "is it curable?": what the trials in that population report on survival
    When(asks_other_things, Interactions()),  # (a drug beside another treatment: its safety line after the rules)
    When(cautions_after_rules, Interactions(alone=True)),  # (the harms of the drug the rules give, after them)
    When(ruled, Conditions()),  # "his kidneys are weak: HD-MTX?": the drug's lines on the harms his condition weighs
    PlainPatient(),
    When(ruled, AskedTreatment()),  # a treatment the question asks about, when no rule line names it
    When(ruled, Parts()),
    When(ruled, AskedGrades()),  # "... recommended? and its evidence level?": the corpus holds no grades
    When(ruled, Focus()),  # the specific thing asked, right after the rules that frame it
    When(ruled, Listed(n=4, min_share=0.75)),
    When(ruled, Support()),
    When(open_unruled, Ranked()),
    When(unruled, Conditions()),  # (without rules: after the lines that say what the treatment is for)
    When(open_ruled, GuidelineLines()),
    When(open_ruled, Unpadded(ContextLine())),  # (not after a plain line for a patient: rja94 q24, q26)
    When(open_ruled, Unpadded(TrialOrEvidence())),
    When(unruled, Focus()),
    When(unruled, Parts()),
    When(unruled, AskedTreatment()),
    Definition(unanswered=True),  # "does Ph-positive mean it is the same as CML?": what the marker is, at least
    CombinationNote(),  # two drugs asked about together that no line names together: "not addressed"
    WhichOne(note=True),  # "which CAR-T product?" where no line names one: "not addressed"
    MissingPhNote(),
    NoRecommendation(),
    Disclaimer(),
)


def compose(plan: DraftPlan, pool: Sources, *, max_sentences: int,
            composers: Sequence[Composer] = COMPOSERS) -> tuple[Draft, list[RuleFinding]]:
    """Run each composer in order on one builder; the draft and the findings (the plan's, then the composers')."""
    builder = Builder(max_sentences)
    if plan.chosen:
        chosen = {r.statement.strip() for r in plan.chosen}
        builder.unchosen = frozenset(st for r in pool.book.rules if (st := r.statement.strip()) not in chosen)
    for composer in composers:
        composer.run(plan, pool, builder)
    return builder.render(), [*plan.findings, *builder.findings]
