"""Composer for a question no guideline rule speaks to: the corpus's own list when the question names its
heading, otherwise the retrieval ranking, best sentences first (a trial question reads the whole trial
document), then what the summary does not say."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.builder import Builder, lead_for
from assistant.compose.cues import reworded_kinds, says
from assistant.compose.focus import add_listed
from assistant.compose.rules import add_status
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import _GENERIC, about_other_drug, best_sentences
from assistant.compose.subject import about_another_treatment, names_harm, topic_of
from assistant.compose.trials import add_trial
from assistant.concepts import concept_ids, load_lexicon, treatments_in
from assistant.models import RetrievedChunk
from assistant.rules.logic import stated_facts
from assistant.rules.relevance import addressed
from assistant.rules.tiers import _EVIDENCE_FRAME_RE, _GUIDELINE_CLAIM_RE, claims_recommendation
from assistant.text import chunk_sentences, tokenize, trial_keys

__all__ = ["Ranked"]

#: The ranked lines stop at this many cited lines.
RANKED_LINES = 5


def _chunk_lines(plan: DraftPlan, pool: Sources, builder: Builder, r: RetrievedChunk) -> None:
    """The best sentences of one guideline or context chunk. After the first lines a sentence must share two of
    the question's own terms: one shared word ("give", "LBL") is how filler gets in."""
    tier = r.chunk.tier
    # (a harms question shares its subject with a line naming a harm: "side effects" are what the line names)
    min_shared = 2 if builder.count() and len(set(tokenize(plan.q)) - _GENERIC) >= 3 and not plan.harms_only else 1
    # (a harms question: the lines that name a harm, not the chunk's notes on where its harms come from or the
    # drug's other lines)
    found = best_sentences(r.chunk, plan.q, plan.facts, pool.book, n=4 if plan.harms_only else 2,
                           evidence=tier == "evidence", min_shared=min_shared)
    if plan.harms_only:
        found = [s for s in found if names_harm(s)]
        if says(plan.q, "asks_cautions"):  # ("what should the nurse watch for?": the lines naming the signs of each
            found.sort(key=lambda s: not says(s, "warning_signs"))  # harm first, the stay and the rules after)
        found = found[:2]
    for s in found:
        if builder.count() >= RANKED_LINES:
            break
        if plan.intents.reference and not says(s, "reference_answer"):
            continue  # "where was it published": bibliography and editions, not content
        if (plan.names_other_trial(s) or about_other_drug(s, plan.q) or plan.off_unruled(s) or plan.other_status(s)
                or _another_group(s, plan) or about_another_treatment(s, plan.q, topic_of(r.chunk))):
            continue  # (another trial's numbers; CAR-T's CRS for a patient on blinatumomab)
        if tier != "guideline" and (claims_recommendation(s) or (
                tier == "evidence" and _GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s))):
            continue
        builder.add(tier, s, r.chunk, lead=lead_for(tier))


def _another_group(sentence: str, plan: DraftPlan) -> bool:
    """A line for a group the question leaves unknown (an age band, a Ph status, a lineage) that names none of the
    treatments it asks about: "no standard therapy at 65 or older" answers no "is nelarabine an option for
    Ph-negative ALL?" that gives no age."""
    asked = plan.treatments_asked
    if not asked or any(addressed(c, concept_ids(sentence.lower())) for c in asked):
        return False
    own = stated_facts(sentence)
    return any(k in own and getattr(plan.facts, k) is None for k in _GROUP_FACTS)


def _harm_chunks(plan: DraftPlan, pool: Sources) -> list[RetrievedChunk]:
    """The citable chunks past the top four that name a harm of a treatment asked about ("AYA on a pediatric-type
    regimen: what to monitor for with asparaginase?": the AYA sections rank first, the asparaginase toxicity lines
    were fetched for the drug; rja68 q34)."""
    seen = {r.chunk.chunk_id for r in pool.retrieved[:4]}
    # (or the drugs named before the asking clause: "... pediatric-type protocol with asparaginase. Which lab values
    # and symptoms should the nurse watch?", rja71 q29)
    lex = load_lexicon()
    asked = plan.treatments_asked or sorted(c for c in treatments_in(plan.q) if lex.concepts[c].kind == "drug")
    # (a safety or toxicity note's lines, not a trial's: a trial document is read whole, its other drugs too)
    found = [c for c in pool.chunks if c.chunk_id not in seen and c.tier != "evidence" and names_harm(c.text)
             and any(addressed(a, concept_ids(c.text.lower())) for a in asked)]
    return [RetrievedChunk(chunk=c, score=0.0, rank=5 + i) for i, c in enumerate(found[:3])]


def _reworded_chunks(plan: DraftPlan, pool: Sources) -> list[RetrievedChunk]:
    """The chunks answering the question in other words than its own, first ("must my doctor follow it?": the one
    saying the guideline "supports physician judgement rather than binding it"; cues.yaml
    `answered_in_other_words`)."""
    kinds = reworded_kinds(plan.q)
    found = [c for c in pool.chunks if c.tier != "evidence" and any(says(c.text, f"reports_{k}") for k in kinds)]
    return [RetrievedChunk(chunk=c, score=0.0, rank=i) for i, c in enumerate(found[:2])]


@dataclass(frozen=True)
class Reworded:
    """A question answered in other words than its own ("must my doctor follow it?", "what changed in 2023?"): the
    lines saying it in those words, whatever else answers (a worried relative's question too)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        kinds = reworded_kinds(plan.q)
        for r in _reworded_chunks(plan, pool):
            for s in chunk_sentences(r.chunk.text):
                if builder.count() >= RANKED_LINES:
                    return
                if s in r.chunk.text and any(says(s, f"reports_{k}") for k in kinds) and not claims_recommendation(s):
                    builder.add(r.chunk.tier, s, r.chunk, lead=lead_for(r.chunk.tier), asked=True)


#: The facts that divide the guideline's groups.
_GROUP_FACTS = ("age_band", "ph_status", "lineage")


@dataclass(frozen=True)
class Ranked:
    """No rule answers: follow the retrieval ranking (the trial the question names first)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        listed = add_listed(plan, pool, builder)
        # (the lines answering it in other words are the answer: no lines sharing a stray word of it besides)
        top = _reworded_chunks(plan, pool) or list(pool.retrieved[:4]) + (
            _harm_chunks(plan, pool) if plan.harms_only else [])
        if says(plan.q, "asks_toxicity") or plan.harms_only:  # "what side effects does it have?": the sources naming adverse events
            # (CRS, neurotoxicity, VOD/SOS) before survival results and general notes
            # (a safety note's lines before a trial's: the trial adds its rates, the note says what to watch)
            # (and for "which side effects?", the signs to report after the harms they are the signs of)
            signs_later = not says(plan.q, "asks_cautions")
            top.sort(key=lambda r: (not names_harm(r.chunk.text), r.chunk.tier == "evidence",
                                    signs_later and says(r.chunk.text, "warning_signs")))
        if plan.named_found:  # the trial the question names answers it first
            top.sort(key=lambda r: plan.other_trial(r.chunk) or not (r.chunk.tier == "evidence"
                                                                      and trial_keys(r.chunk.title) & plan.named))
        done_sections: set[str] = set()
        for r in top:
            if listed or builder.count() >= RANKED_LINES:
                break  # (the corpus's own list answers the question)
            if r.chunk.tier != "evidence":
                _chunk_lines(plan, pool, builder, r)
            elif r.chunk.section_id not in done_sections and not plan.other_trial(r.chunk) and not (
                    plan.off_unruled(r.chunk.text) or plan.other_ph_group(r.chunk)):
                # (the question names its trial: not another one with a similar name)
                done_sections.add(r.chunk.section_id)
                add_trial(plan, pool, builder, r.chunk, design=plan.named_found and not done_sections - {
                    r.chunk.section_id}, limit=RANKED_LINES)
        if not plan.asked:
            add_status(plan, builder)  # what the summary does not say, after what it does
