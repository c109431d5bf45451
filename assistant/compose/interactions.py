"""A drug and another treatment named in one question ("inotuzumab, then a transplant — anything to watch?", "she
had inotuzumab and is planned for allo-HSCT"): the drug's safety line that names the other treatment (the VOD/SOS
risk of inotuzumab when HSCT follows), when the pool has one. A question that asks what to watch for, or whether it
is dangerous, is answered by that line first (a drug named by itself gets its own safety line then); otherwise it
follows the rules.

The drug may be one already given: a drug given before a transplant is what makes the transplant riskier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compose.asked import _quotable
from assistant.compose.builder import Builder, lead_for
from assistant.compose.cues import says
from assistant.compose.intents import question_parts
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import _RESULT_NUMBER, _headed_sentences
from assistant.compose.subject import cautions_for_answer, given_before, named_treatments
from assistant.concepts import concept_ids, load_lexicon, read_concepts
from assistant.models import Chunk
from assistant.rules.logic import RuleBook
from assistant.rules.relevance import addressed
from assistant.rules.toxicity import harms_in

__all__ = ["Interactions", "answer_drugs", "asks_cautions", "cautions_after_rules", "cautions_for_answer", "asks_other_things", "interaction_lines", "named_treatments"]

#: Tiers in the order a safety line is preferred: the guideline's own words, a safety note, a trial's finding.
_TIER_ORDER = {"guideline": 2, "context": 1}


def _weighs(plan: DraftPlan) -> bool:
    """The question compares treatments or asks to choose between them."""
    return plan.intents.either_or or plan.intents.comparison


def asks_cautions(plan: DraftPlan) -> bool:
    """The question asks first what to watch for, whether it is dangerous, or about side effects (the first of
    several parts: "is inotuzumab recommended, and is there a liver risk?" asks about the recommendation first)."""
    if _weighs(plan):
        return False  # ("blinatumomab or inotuzumab — what should weigh the choice?": each drug's toxicity, even-handed)
    asking = plan.intents.asking or plan.q  # (of the whole question's parts when it has several: "What is
    # nelarabine used for? What side effect should we watch most?" asks what it is for first, rja69 q16)
    first = (plan.intents.parts if len(plan.intents.parts) > 1 else question_parts(asking) or [plan.q])[0]
    if says(first, "asks_cautions") or says(first, "asks_side_effects") or read_concepts(first.lower()).ids(
            kind="adverse_event"):
        return True
    # "day 2 of blinatumomab: fever 39.2, now confused. What is this, do we continue?": a harm on a drug, and a
    # question about nothing else (no other subject, no treatment or position asked for)
    it, mentions = plan.intents, read_concepts(plan.q.lower()).mentions
    if it.treatment or it.status or it.position or says(plan.q, "proposal") or not any(
            m.kind == "adverse_event" for m in mentions):
        return False
    return all(m.kind in _ABOUT_THE_HARM for m in mentions if not m.other_person)


#: What a question about a harm on a drug may name besides them ("he", "day 2", "continue", and the setting the
#: drug is given in: "on day 2 of blinatumomab for relapsed Ph- B-ALL").
_ABOUT_THE_HARM = frozenset({"drug", "adverse_event", "person", "grammar", "number", "property", "meta", "change",
                             "medicine", "disease", "phase", "lineage", "marker", "population"})


def asks_other_things(plan: DraftPlan) -> bool:
    """The question asks first about something else than cautions (its safety line follows the rules), and does
    not weigh two treatments against each other (whose toxicity lines the drafter gives each alike); or it asks
    what to watch for with a procedure beside the drugs the rules will give (`cautions_for_answer`)."""
    if cautions_for_answer(plan.q):
        return True
    if asks_cautions(plan):
        return False
    if not _weighs(plan):
        return True
    # (weighing two drugs with a transplant planned after them, "blina or ino first? then allo": the transplant's
    # safety line on a drug is no weighing of the two, so it follows the rules too)
    lex = load_lexicon()
    return not (says(plan.q, "asks_cautions") or says(plan.q, "asks_side_effects")) and any(
        lex.concepts[c].kind == "procedure" for c in named_treatments(plan.q))  # (what weighs the choice: each
    # drug's toxicity, even-handed, from the lines that follow)


def cautions_after_rules(plan: DraftPlan) -> bool:
    """The question asks what to watch for with the drugs the answer gives (`cautions_for_answer`): their safety
    lines follow the rules that name them ("which drug for re-induction, and its main adverse events?", rja110 q12)."""
    return not _weighs(plan) and cautions_for_answer(plan.q)  # (in any part: "which drug, and its harms?")


def answer_drugs(question: str, lines: Sequence[str]) -> list[str]:
    """The drugs the answer's `lines` name, when `cautions_for_answer(question)`."""
    if not cautions_for_answer(question):
        return []
    lex = load_lexicon()
    return list(dict.fromkeys(c for s in lines for c in concept_ids(s.lower())
                              if c in lex.concepts and lex.concepts[c].kind == "drug"))


def interaction_lines(plan: DraftPlan, chunks: list[Chunk], book: RuleBook,
                      covered: list[str], *, alone: bool = False) -> list[tuple[str, Chunk]]:
    """For each drug the question names beside another treatment, the best quotable safety line (a toxicity cue
    of cues.yaml reports_toxicity) naming both: the guideline's before a safety note's before a trial's (and for
    each drug the answer names, when the question asks what to watch for with a procedure: `answer_drugs`). With
    `alone` (the question asks what to watch for), a drug named by itself gets its own best safety line."""
    lex = load_lexicon()
    named = named_treatments(plan.q)
    given = given_before(plan.q)  # (the risks asked are those of the drugs the answer gives: one given before is
    named = [c for c in named if c not in given]  # history, "after prior blinatumomab ... which agent?", r88 q08)
    named += [d for d in answer_drugs(plan.q, covered) if d not in named]
    # ("how big is the risk?", or the harm itself named: "InO then allo. VOD/SOS risk?" asks its rate too, r56 k14)
    magnitude = says(plan.q, "asks_magnitude") or bool(harms_in(plan.q))
    # ("what should we look out for?": the lines naming the signs to report first; "which side effects?": the line
    # naming most of them)
    watch = says(plan.q, "asks_cautions")
    out: list[tuple[str, Chunk]] = []
    for drug in (c for c in named if lex.concepts[c].kind == "drug"):
        others = [c for c in named if c != drug and not addressed(c, {drug}) and not addressed(drug, {c})]
        if not others and not alone:
            continue
        cands: list[tuple[tuple[bool, int, int, int], str, Chunk]] = []
        own: list[tuple[tuple[bool, int, int, int], str, Chunk]] = []  # (the drug's lines, whatever else they name)
        rate: tuple[tuple[int, int], str, Chunk] | None = None  # (the drug's own line with its number)
        for rank, chunk in enumerate(chunks):
            for _, s in _headed_sentences(chunk):
                if s in covered or not says(s, "reports_toxicity"):
                    continue
                ids = concept_ids(s.lower())
                if not addressed(drug, ids) or not _quotable(s, chunk, plan.facts, book, plan.q):
                    continue
                sized = magnitude and _RESULT_NUMBER.search(s) is not None
                if sized and (rate is None or (_TIER_ORDER.get(chunk.tier, 0), -rank) > rate[0]):
                    rate = ((_TIER_ORDER.get(chunk.tier, 0), -rank), s, chunk)
                # ("how big is the risk?": a line with its number first)
                key = (sized, says(s, "warning_signs") if watch else len(harms_in(s)), _TIER_ORDER.get(chunk.tier, 0),
                       -rank)
                own.append((key, s, chunk))
                if not others or any(addressed(o, ids) for o in others):
                    cands.append((key, s, chunk))
        best = max(cands, key=lambda c: c[0], default=None)
        if best is not None and all(best[1] != s for s, _ in out):
            out.append((best[1], best[2]))
            if not others:  # (what to watch for with the drug alone: a line on another of its harms too, CRS and
                # the neurological signs of blinatumomab, r56 k21, rja52 e24)
                out += _another_harm(best[1], [c for c in cands if c[1] != best[1]], out)
            elif alone and _asks_alone(plan.q, drug):  # (asked of the drug, then of it with a transplant: its own
                # line beside the one naming both, rja69 q13)
                out += [(c[1], c[2]) for c in sorted(own, key=lambda c: c[0], reverse=True)
                        if c[1] != best[1] and all(c[1] != s for s, _ in out)][:1]
        if rate is not None and (best is None or not best[0][0]) and all(rate[1] != s for s, _ in out):
            out.append((rate[1], rate[2]))  # ("plan 2nd HSCT after InO. How big is the VOD/SOS risk?": the line
            # naming the transplant has no number; the drug's own rate answers how big, r55 t16)
    return out


def _asks_alone(question: str, drug: str) -> bool:
    """A part of the question asks about the drug's harms without the other treatments ("on inotuzumab, which side
    effects to watch for? If allo-HSCT is planned next, does the risk change?")."""
    parts = question_parts(question)
    return len(parts) > 1 and any(set(named_treatments(p)) <= {drug} and (
        says(p, "asks_cautions") or says(p, "asks_side_effects")) for p in parts)


def _another_harm(first: str, cands: list[tuple[tuple[bool, int, int, int], str, Chunk]],
                  out: list[tuple[str, Chunk]]) -> list[tuple[str, Chunk]]:
    """The best of `cands` naming a harm `first` does not name, one that repeats none of its harms first."""
    said = harms_in(first)
    fresh = [(harms, c) for c in cands if (harms := harms_in(c[1])) - said and all(c[1] != s for s, _ in out)]
    return [(best[1], best[2]) for _, best in sorted(
        fresh, key=lambda hc: (not hc[0] & said, hc[1][0]), reverse=True)[:1]]


@dataclass(frozen=True)
class Interactions:
    """The safety line of each named drug that names the other treatment named (see the module); `alone`: of a
    drug named by itself too, before the rules that would lead ("inotuzumab planned — anything to watch for?": its
    VOD/SOS line; with no rule, the retrieval ranking already leads with the toxicity lines)."""

    alone: bool = False

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if plan.rules_only:
            return
        for sentence, chunk in interaction_lines(plan, plan.candidates(pool, 8), pool.book,
                                                    [t for _, t in builder.lines],
                                                    alone=self.alone and bool(plan.chosen)):
            builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier), asked=True)
