"""Composers for the specific thing asked: a definition, the asked term no line names yet, each open part of a
several-part question, and a list the corpus keeps under a heading the question names."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.compose.builder import Builder, lead_for
from assistant.compose.cues import says
from assistant.compose.intents import _POINTS_BACK, asks_what_it_is, is_definition_question
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import (
    _reports_study,
    _status_line,
    about_other_drug,
    definition_sentences,
    focus_sentences,
    heading_sentences,
    part_sentences,
)
from assistant.compose.subject import (
    about_another_treatment,
    given_before,
    led_by_another_treatment,
    on_subject,
    topic_of,
)
from assistant.concepts import concept_ids, load_lexicon, sentences
from assistant.concepts import tokens as concept_tokens
from assistant.facts import about_a_patient
from assistant.models import Chunk
from assistant.text import chunk_sentences

__all__ = ["add_focus", "add_listed", "add_parts", "Definition", "Focus", "Parts", "Listed"]


def add_focus(plan: DraftPlan, pool: Sources, builder: Builder, *, closed: bool, asked: bool = False) -> None:
    """The question's specific subject ("autologous", "any toxicity?") when no line names it yet."""
    if pool.rare is None or closed or builder.full():
        return
    cands = [c for c in plan.candidates(pool, 8) if c.tier == "guideline" or not plan.plain]
    covered = [t for kind, t in builder.lines if kind != "note"]  # (a note names no answer: "VOD/SOS?" is still open)
    patient = about_a_patient(plan.q, plan.facts)
    for sentence, chunk in focus_sentences(plan.q, cands, plan.facts, pool.book, covered, rare=pool.rare):
        if plan.plain and _reports_study(sentence):
            continue  # a patient gets the guideline point, not trial protocols
        if plan.names_other_trial(sentence) or plan.off_unruled(sentence) or plan.other_status(sentence) or \
                plan.harm_of_unfit(sentence) or about_other_drug(sentence, plan.q) or (chunk.tier != "guideline" and led_by_another_treatment(
                    sentence, plan.q, frozenset(plan.ruled_treatments()))) or (
                chunk.tier != "guideline" and not plan.intents.evidence
                and not on_subject(sentence, plan.question.text, chunk.title)) or (
                chunk.tier != "guideline" and plan.intents.duration and not plan.intents.evidence
                and not says(sentence, "duration_line")):
            continue  # (a trial or context line on another subject answers no asked term; with a duration asked,
            # one that says nothing of how long: "GRAAPH-2005's remission rates" for "what about duration?", r94 q08)
        if patient and plan.defines_unasked(sentence, meaning=True):
            continue  # ("Allo-HSCT means ..." for a clinician's case on transplant timing, rja52 e02)
        if not builder.full():  # what was asked may take the last line
            builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier), asked=asked)


def add_listed(plan: DraftPlan, pool: Sources, builder: Builder, *, n: int = 8, min_share: float = 0.5) -> bool:
    """The sentences under a heading the question names ("risk factors"), in order; True when there is one."""
    if says(plan.q, "asks_risk_factors"):  # ("what puts a patient in the high-risk group?": the risk factors' list
        min_share = min(min_share, 0.5)     # answers it beside the MRD rule, r70 q35)
    listed = [] if plan.closed else heading_sentences(plan.q, plan.candidates(pool, 5), plan.facts, pool.book,
                                                      n=n, min_share=min_share)
    listed = [(s, c) for s, c in listed if not (about_other_drug(s, plan.q) or about_another_treatment(
        s, plan.q, topic_of(c)))]  # (CAR-T's CRS list, under its heading: not blinatumomab's; rja48 y16)
    for sentence, chunk in listed:
        if builder.count() < builder.max_sentences + (-1 if plan.chosen else 1):  # a list may run one line longer
            builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier))
    return bool(listed)


#: Patient facts of the disease's course, which a several-part question may set for one part only ("(a) induction?
#: ... (c) after transplant?"); the MRD result is the patient's (MRD 0.05% leaves out "continue chemotherapy by
#: default" for every part, r51 n05).
_COURSE = ("phase", "transplant")


def add_parts(plan: DraftPlan, pool: Sources, builder: Builder) -> None:
    """Each part of a several-part question gets a line when the answer so far leaves it open."""
    if plan.closed:
        return
    covered = [t for kind, t in builder.lines if kind != "note"]  # (a note names no answer: "VOD/SOS?" is still open)
    who = plan.facts.model_copy(update=dict.fromkeys(_COURSE, None))
    given = given_before(plan.q)
    drugs = {c for c, k in load_lexicon().concepts.items() if k.kind == "drug"} if given else set()
    answered = {c for r in plan.chosen for c in concept_ids(r.statement.lower())} - given if given else set()
    for sentence, chunk in part_sentences(plan.q, plan.candidates(pool, 8), plan.facts, pool.book, covered):
        if builder.full() or plan.names_other_trial(sentence) or plan.off_unruled(sentence) or plan.other_status(
                sentence) or about_other_drug(sentence, plan.q) or (chunk.tier != "guideline" and about_another_treatment(sentence, plan.q, topic_of(chunk),
                                                                                    silent=True)):
            continue  # (the transplant guideline's categories answer no part on a frail 78-year-old: rja48 y09)
        if given and (named := concept_ids(sentence.lower()) & drugs) & given and not named & answered:
            continue  # (the toxicity of a drug given before is no part's answer when the risks asked are those of the
            # drug the answer gives: r88 q08)
        if pool.book.excluded_statement(who, sentence):
            continue  # (a rule left out for who the patient is, the fit adults' induction at 70, is no part's answer:
            # rja46 e02; the phase may differ from part to part, "(a) induction? ... (c) after transplant?")
        builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier), asked=True)


def _status_after(sentence: str, chunk: Chunk) -> str | None:
    """The sentence right after a definition when it states the guideline's status on the same subject ("Ph-like ALL
    is ..." / "No JSH 2023 treatment statement specific to Ph-like ALL was found")."""
    said = chunk_sentences(chunk.text)
    i = said.index(sentence) if sentence in said else -1
    nxt = said[i + 1] if 0 <= i < len(said) - 1 else None
    subject = concept_ids(sentence.lower()) - {"all", "guideline"}
    return nxt if nxt and _status_line(nxt) and subject & concept_ids(nxt.lower()) else None


@dataclass(frozen=True)
class Definition:
    """ "What is meant by AYA?": the sentence that defines it leads (after a premise's "no"). `unanswered`: a
    question about what something means ("does Ph-positive mean it is the same as CML?") that nothing else
    answered gets the line defining its subject."""

    unanswered: bool = False

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        asked = (says(plan.q, "meaning_words") and builder.count() == 0) if self.unanswered else plan.intents.definition
        if not asked or plan.rules_only:
            return
        q, n = _meaning_asked(plan), 1
        if says(plan.intents.asking or plan.q, "asks_equivalence") and not self.unanswered:
            # "is Ph-like the same as Ph-positive?": what each term is, from the part that sets them side by side
            q, n = next((p for p in plan.intents.parts if says(p, "asks_equivalence")), plan.q), 2
        for sentence, chunk in definition_sentences(q, [*pool.top(8), *pool.chunks], plan.facts, pool.book, n=n):
            builder.add(chunk.tier, sentence, chunk, lead=lead_for(chunk.tier))
            status = _status_after(sentence, chunk)
            if status and n > 1:  # (and what the guideline says of it, when the corpus says so right after)
                builder.add("status", status, chunk, lead=lead_for(chunk.tier))


def _meaning_asked(plan: DraftPlan) -> str:
    """What a definition is asked of: the question; for a part asking what "that" means ("His doctor says there is
    now 'minimal residual disease' in his tests. What does that mean ..."), the sentence it points back to and
    itself, not the case before (whose transplant is not what is asked to be defined)."""
    parts = plan.intents.parts
    if parts and (says(parts[0], "meaning_words") or is_definition_question(parts[0])) and not (
            _POINTS_BACK & set(concept_tokens(parts[0].lower()))):  # ("What is MRD ... does that mean it is back?")
        return parts[0]  # ("What does MRD mean? ... Does it mean the treatment failed?": the term asked first, r50 d19)
    for k, part in enumerate(parts):
        at = plan.q.find(part)
        points_back = says(part, "meaning_words") and bool(_POINTS_BACK & set(concept_tokens(part.lower())))
        if (k and asks_what_it_is(part)) or (points_back and at > 0):  # ("… mentioned CAR T cells. Can he get
            # that, and what is it?"; "they said my MRD is positive? what does that mean?", rja69 q26)
            return " ".join(sentences(plan.q[:at])[-2:])
        said = sentences(part)
        if len(said) >= 2 and asks_what_it_is(said[-1]):  # ("Everyone keeps talking about 'MRD'. What is that")
            return " ".join(said[-2:])
    part = next((p for p in parts if says(p, "meaning_words")), "")
    said = sentences(part)
    if len(said) >= 2 and _POINTS_BACK & set(concept_tokens(said[-1].lower())):
        return " ".join(said[-2:])
    return plan.q


@dataclass(frozen=True)
class Focus:
    """The specific thing asked, right after the lines that frame it."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        add_focus(plan, pool, builder, closed=plan.closed)


@dataclass(frozen=True)
class Parts:
    """The open parts of a several-part question."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        add_parts(plan, pool, builder)


@dataclass(frozen=True)
class Listed:
    """A list the corpus keeps under a heading the question names (with rules: a close match only)."""

    n: int = 8
    min_share: float = 0.5

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        add_listed(plan, pool, builder, n=self.n, min_share=self.min_share)
