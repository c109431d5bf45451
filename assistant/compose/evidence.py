"""Composers for lines labelled as evidence or context: the supporting-evidence lines of the leading rules ("on
what evidence?"), one context line, one trial result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compose.builder import Builder
from assistant.compose.cues import says
from assistant.compose.selection import PH_GROUPS, DraftPlan, Sources, related_treatments
from assistant.compose.sentences import (
    _EVIDENCE_HEADINGS,
    CONTEXT_LEAD,
    EVIDENCE_LEAD,
    _headed_sentences,
    _low_value,
    _safe_sentence,
    best_sentences,
    fits_patient,
)
from assistant.compose.subject import led_by_another_treatment, on_subject
from assistant.concepts import concept_ids, load_lexicon, treatments_in
from assistant.models import RetrievedChunk
from assistant.rules.logic import GuidelineRule
from assistant.rules.tiers import _EVIDENCE_FRAME_RE, _GUIDELINE_CLAIM_RE, claims_recommendation

__all__ = ["add_tier", "on_subject", "Support", "ContextLine"]


def add_tier(plan: DraftPlan, pool: Sources, builder: Builder, retrieved: Sequence[RetrievedChunk], *, tier: str,
             limit: int, need_numbers: bool = False, min_shared: int = 1) -> None:
    """Up to `limit` sentences from the best chunks of one tier (never a 'recommended' claim outside the
    guideline tier)."""
    lead = EVIDENCE_LEAD if tier == "evidence" else CONTEXT_LEAD
    for r in retrieved:
        if limit <= 0 or builder.full():
            return
        if r.chunk.tier != tier or plan.other_ph_group(r.chunk):
            continue
        for s in best_sentences(r.chunk, plan.q, plan.facts, pool.book, n=min(limit, 2), need_numbers=need_numbers,
                                evidence=tier == "evidence", min_shared=min_shared):
            if claims_recommendation(s) or limit <= 0 or builder.full():
                continue
            if tier == "context" and says(s, "definition_line") and not plan.intents.asks_meaning:
                continue  # a glossary line is filler unless the question asks what a term means
            if not plan.intents.evidence and not on_subject(s, plan.question.text, r.chunk.title):
                continue
            if led_by_another_treatment(s, plan.q, frozenset(plan.ruled_treatments())):
                continue  # (ZUMA-3's CAR-T result as "the evidence" for HD-MTX consolidation at 58: r53 h04)
            if tier == "evidence" and _GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s):
                continue
            if builder.add(tier, s, r.chunk, lead=lead):
                limit -= 1


#: The Ph groups a line or a rule can be for.
_PH_GROUPS = frozenset(PH_GROUPS.values())


def _beyond_the_case(sentence: str, plan: DraftPlan) -> bool:
    """A trial line a patient or relative would read as theirs though it is not: on a drug that neither the question
    nor the leading rules name (BLAST's blinatumomab for "his MRD is 0.02%: why does it matter?"), or, when the case
    states no Ph status, on a Ph group no leading rule is for (Ph+ALL213 beside the MRD rule; r49 a19)."""
    named, ours = treatments_in(sentence), plan.ruled_treatments(2) | set(plan.treatments_asked)
    if named and not any(related_treatments(n, o) for n in named for o in ours):
        return True
    groups = _PH_GROUPS & concept_ids(sentence.lower())
    ruled = _PH_GROUPS & set().union(*(concept_ids(r.statement.lower()) for r in plan.chosen[:2]))
    return plan.facts.ph_status is None and bool(groups) and not groups & ruled



@dataclass(frozen=True)
class Support:
    """ "On what evidence?": the supporting-evidence lines of the sections the two leading rules rest on."""

    limit: int = 2

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not plan.intents.evidence or plan.plain or (plan.asked and plan.status) or plan.trial_first:
            return  # (a named trial's own results lead: they are the evidence asked for)
        limit = self.limit
        for rule in plan.chosen[:2]:
            for chunk in sorted((c for c in pool.chunks if c.section_id in rule.section_ids[:1]),
                                key=lambda c: c.chunk_no):
                for heading, sent in _headed_sentences(chunk):
                    if limit <= 0 or builder.full(spare=1):
                        return
                    if heading.lower() not in _EVIDENCE_HEADINGS or sent not in chunk.text or plan.names_other_trial(sent) \
                            or plan.names_other_treatment(sent) or _adds_a_drug(sent, rule, plan):
                        continue
                    if _low_value(sent) or not _safe_sentence(sent, plan.facts, pool.book) or not fits_patient(
                            sent, plan.facts, plan.q) or (plan.lay and (_beyond_the_case(sent, plan) or (
                            "%" not in sent and not says(sent, "reports_toxicity")))):
                        continue  # (a patient or relative gets a trial's result or how well it was tolerated, not its
                        # design: r50 d20)
                    if builder.add("evidence", sent, chunk, lead=EVIDENCE_LEAD):
                        limit -= 1


def _adds_a_drug(sentence: str, rule: GuidelineRule, plan: DraftPlan) -> bool:
    """The supporting line's result is about a drug neither the rule nor the question names (E1910's blinatumomab
    beside the rule on continuing chemotherapy after a pediatric-type protocol: r52 q28)."""
    lex = load_lexicon()
    own = treatments_in(rule.statement) | treatments_in(plan.question.text)
    drugs = {c for c in treatments_in(sentence) if lex.concepts[c].kind == "drug"}
    return any(not any(related_treatments(d, o) for o in own) for d in drugs)


@dataclass(frozen=True)
class ContextLine:
    """One context line (labelled as not a recommendation) from the top three chunks, when there is room."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not builder.full():
            add_tier(plan, pool, builder, pool.retrieved[:3], tier="context", limit=1, min_shared=2)
