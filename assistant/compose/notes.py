"""Composers for the notes around an answer: the notes given to the drafter first, the missing Ph status, the
finding that no recommendation matched a treatment question, the disclaimer last."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.asked import set_aside
from assistant.compose.builder import Builder
from assistant.compose.cues import says
from assistant.compose.selection import DraftPlan, Sources, fact_label, related_treatments
from assistant.compose.sentences import chunk_sentences
from assistant.concepts import concept_ids, read_concepts, sentences
from assistant.models import RuleFinding
from assistant.prompts import DISCLAIMER, NOTHING_ELSE_NOTE, RELEVANCE_NOTE
from assistant.rules.relevance import concept_label

__all__ = ["OpeningNotes", "NothingElse", "CombinationNote", "MissingPhNote", "NoRecommendation", "Disclaimer"]


@dataclass(frozen=True)
class OpeningNotes:
    """The notes the caller gives (safety notes for a patient, age-group edges, units read, premises) lead."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        for note in plan.notes:
            builder.note(note)


def _drugs(text: str) -> list[str]:
    return list(dict.fromkeys(read_concepts(text.lower()).ids(kind="drug")))


@dataclass(frozen=True)
class CombinationNote:
    """ "Can he get blinatumomab together with ponatinib?": when no guideline line or rule of the sources names the
    drugs together, say that the sources do not address combining them (lines listing each drug by itself must
    not read as a yes to giving them together)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        # the sentence asking about the combination (a follow-up's, not the earlier turn's drugs)
        asking = next((s for s in sentences(plan.q) if says(s, "asks_combination")), "")
        drugs = _drugs(asking)
        if len(drugs) < 2 or not builder.count():
            return
        pair = set(drugs[:2])
        texts = [r.statement for r in pool.book.rules] + [c.text for c in [*pool.top(8), *pool.chunks]
                                                           if c.tier == "guideline"]
        if any(pair <= set(_drugs(sentence)) for text in texts for sentence in chunk_sentences(text)):
            return
        what = f"giving {concept_label(drugs[0])} and {concept_label(drugs[1])} together"
        builder.note(RELEVANCE_NOTE.format(what=what))


@dataclass(frozen=True)
class NothingElse:
    """ "R/R T-ALL, other than nelarabine, what options does the guideline list?": when every treatment the rules
    chosen for the patient name is one the question sets aside, say first that the summary names nothing else (the
    rules that follow would otherwise read as a restatement, not an answer)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        aside = set_aside(plan.q)
        if not aside or not plan.chosen or not any(
                says(p, "asks_alternatives") for p in [plan.intents.asking or plan.q, *plan.intents.parts]):
            return  # (any part: "other than nelarabine, options? and neurotoxicity?")
        named = plan.ruled_treatments()
        if named and all(any(related_treatments(n, a) for a in aside) for n in named):
            builder.note(NOTHING_ELSE_NOTE.format(what=" or ".join(concept_label(a) for a in sorted(aside))))


@dataclass(frozen=True)
class MissingPhNote:
    """Each Ph branch was shown: ask for the Ph status (and the other missing facts). A patient asking about
    their own treatment is not quizzed."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not (builder.count() and plan.missing and not plan.plain) or plan.rules_only:
            return  # (a refusal's context lines, a dose's among them, are no answer to complete: rja85 q07)
        if not plan.missing_ph:
            # (lineage, CD19/CD22 ...: the deciding facts of the branches shown; none shown, no note: rja76 q36)
            if plan.deciding and any(r.statement.strip() in builder.used for r in plan.forks):
                labels = [fact_label(m) for m in plan.deciding]
                what = ", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]
                builder.note(f"_The answer depends on facts not given ({what}), so each branch's leading "
                             "statement is shown: tell me them for a single answer._")
            return
        also = [fact_label(m) for m in plan.missing if m != "ph_status"]
        more = f" (and the {', '.join(also[:-1]) + ' and ' if len(also) > 1 else ''}{also[-1]})" if also else ""
        if _shows_both_ph_branches(builder):
            builder.note("_The Ph status was not given, so each branch is shown: tell me whether the leukemia is "
                         f"Ph-positive or Ph-negative{more} for a single answer._")
        elif _shows_a_ph_rule(plan, builder):  # (one Ph branch found lines here: the note claims no more than the
            # answer shows; with no line of a rule for one Ph status, the answer does not depend on it: "what MRD
            # level is high risk?" gets no such note, r70 q21, r68 q28)
            builder.note("_The Ph status was not given, and the answer depends on it: tell me whether the leukemia "
                         f"is Ph-positive or Ph-negative{more} for a single answer._")


def _shows_a_ph_rule(plan: DraftPlan, builder: Builder) -> bool:
    """A line of the answer is the statement of a rule for one Ph status (its `when` names the Ph status)."""
    return any("ph_status" in r.when and r.statement.strip() in builder.used for r in plan.chosen)


def _shows_both_ph_branches(builder: Builder) -> bool:
    """The answer has a line on Ph-positive and a line on Ph-negative ALL."""
    said = [concept_ids(text.lower()) for kind, text in builder.lines if kind != "note"]
    return any("ph_positive" in c for c in said) and any("ph_negative" in c for c in said)


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
