"""The treatment the question asks about, when no line names it yet ("does MRD 0.005% mean transplant?", "switch
everyone off dasatinib?"): the best quotable sentence that names it, by concept (a synonym, a lay word or a class
member counts), sharing the most of the question's other concepts. What no sentence of the pool names is left to
the relevance check, whose note then says honestly that the sources do not address it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.compose.builder import Builder, lead_for
from assistant.compose.cues import cue, says
from assistant.compose.intents import treatments_named
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import _headed_sentences, _low_value, _safe_sentence, fits_patient
from assistant.compose.subject import harms_named, named_treatments
from assistant.concepts import TREATMENT_KINDS, concept_ids, load_lexicon, read_concepts, tokens, treatments_in
from assistant.facts import assumed
from assistant.models import Chunk, PatientFacts
from assistant.rules.fit import wrong_disease
from assistant.rules.frames import population_fit
from assistant.rules.logic import GuidelineRule, RuleBook, hearsay_sentence
from assistant.rules.relevance import addressed, asked_treatments
from assistant.rules.tiers import claims_recommendation

__all__ = ["AskedTreatment", "YesLead", "asked_sentence", "quotable_lines"]


def _quotable(s: str, chunk: Chunk, facts: PatientFacts, book: RuleBook, question: str) -> bool:
    return (s in chunk.text and _safe_sentence(s, facts, book) and fits_patient(s, facts, question)
            and not book.excluded_statement(facts, s) and not _low_value(s)
            and not (chunk.tier != "guideline" and claims_recommendation(s)))


def quotable_lines(plan: DraftPlan, chunks: Sequence[Chunk], book: RuleBook, covered: Sequence[str],
                   keep: Callable[[str], bool]) -> list[tuple[int, int, str, Chunk]]:
    """(chunk rank, position in the chunk, sentence, chunk) of each sentence of `chunks`, once, not `covered`, that
    `keep` takes (tested first: it is the cheap test) and that may be quoted for the plan's patient."""
    seen = set(covered)
    out = []
    for rank, chunk in enumerate(chunks):
        for pos, (_, s) in enumerate(_headed_sentences(chunk)):
            if s in seen:
                continue
            seen.add(s)
            if keep(s) and _quotable(s, chunk, plan.facts, book, plan.q):
                out.append((rank, pos, s, chunk))
    return out


def asked_sentence(concept: str, question: str, concepts: Sequence[str], chunks: Sequence[Chunk],
                   facts: PatientFacts, book: RuleBook, covered: Sequence[str],
                   harms: bool = False) -> tuple[str, Chunk] | None:
    """The sentence of `chunks` naming `concept` that shares most of the question's other `concepts` (a guideline
    line before a trial's, then the earlier chunk), or None; with `harms` (what to watch for is asked), one naming
    harms, the most first ("hypofibrinogenemia, raised transaminases and hyperglycemia" before "carries
    asparaginase-related toxicities")."""
    others = set(concepts) - {concept}
    lex = load_lexicon()
    if any(c in lex.concepts and lex.concepts[c].kind == "adverse_event" for c in others):
        others.add("adverse_event")  # (a symptom asked about is answered by a line on the adverse event)
    best: tuple[tuple[int, int, int], str, Chunk] | None = None
    for rank, chunk in enumerate(chunks):
        for _, s in _headed_sentences(chunk):
            if s in covered:
                continue
            named = concept_ids(s.lower())
            if not addressed(concept, named) or not _quotable(s, chunk, facts, book, question):
                continue
            if others and not named & others:
                continue  # the treatment in another setting ("not for T-ALL" for a toxicity question)
            named_harms = harms_named(s) if harms else 0
            if harms and not named_harms:
                continue
            key = (named_harms, len(named & others), chunk.tier == "guideline", -rank)
            if best is None or key > best[0]:
                best = (key, s, chunk)
    return (best[1], best[2]) if best else None


@dataclass(frozen=True)
class AskedTreatment:
    """Each asked treatment no line names yet gets its best line (the asked thing may take one line over budget)."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if plan.rules_only:
            return
        asked = asked_treatments(plan.q)
        if plan.intents.harms:  # (what to watch for asked after the treatments are named: "The doctor mentioned
            # blinatumomab and inotuzumab. ... I am worried about side effects, what should we watch for", r107 q27)
            asked = list(dict.fromkeys([*asked, *_named_now(plan.q)]))[:3]
        for concept in asked:
            said = concept_ids(" ".join(t for kind, t in builder.lines if kind != "note").lower())  # (not a note)
            if addressed(concept, said) and not (plan.intents.harms and not _harm_line(concept, builder)) or (
                    wrong_disease(concept, plan.facts)):
                continue  # (blinatumomab asked for T-ALL: the "No" says why; BLAST's MRD response is not his)
            # (a patient gets no trial protocol for it; a safety context line may answer: "blinatumomab can cause CRS")
            cands = [c for c in plan.candidates(pool, 8) if c.tier != "evidence" or not plan.plain]
            # (the harms of a treatment asked about, "before the transplant, what to watch for?": the lines naming
            # its harms, the most first, two of them; or none)
            for _ in range(2 if plan.intents.harms else 1):
                found = asked_sentence(concept, plan.q, plan.question.concepts, cands, plan.facts, pool.book,
                                       [t for _, t in builder.lines], harms=plan.intents.harms)
                if found is None or plan.names_other_trial(found[0]) or not builder.add(
                        found[1].tier, found[0], found[1], lead=lead_for(found[1].tier), asked=True):
                    break


def _named_now(question: str) -> list[str]:
    """The treatments the question names, not those already given ("second relapse after blinatumomab")."""
    given = {m.concept for m in read_concepts(question.lower()).mentions if m.historical}
    return [c for c in named_treatments(question) if c not in given]


def _harm_line(concept: str, builder: Builder) -> bool:
    """A line of the answer names the treatment and one of its harms (what to watch for is answered for it)."""
    return any(kind != "note" and harms_named(t) and concept in concept_ids(t.lower()) for kind, t in builder.lines)


def _known(facts: PatientFacts) -> dict[str, Any]:
    """The patient's facts with what they imply (T-ALL is Ph-negative unless said: the implications table), as the
    rules' structured claims are matched against them."""
    return {**facts.model_dump(), **assumed(facts)}


def _endorses(rule: GuidelineRule, concept: str, facts: PatientFacts) -> bool:
    """The rule's structured claims (its `asserts`) recommend, require or list the treatment (the patient meets the
    rule's conditions: the caller checks), and none of them says it is not recommended or not required. Read from the claims, never from the statement's
    words: "recommends continuing chemotherapy rather than proceeding to allo-HSCT" names allo-HSCT and says
    "recommends", and is a No for allo-HSCT."""
    known = _known(facts)
    about = [a for a in rule.asserts if concept in (*a.about, *a.with_)  # not a sibling: "hyper-CVAD?" is no yes;
             # a companion is endorsed with it ("a TKI plus a corticosteroid": the corticosteroid too)
             and population_fit(a, known) != "none"]  # a claim about another population is not this patient's
    return bool(about) and all(a.stance in ("recommended", "required", "option") for a in about)


#: The stances of a claim that say No to a treatment.
_DENYING = frozenset({"not_recommended", "not_required", "ineffective", "no_standard"})


def _denied(plan: DraftPlan) -> bool:
    """A chosen rule the patient meets says No, for the patient's population, to a treatment the question names (its
    structured claims)."""
    named, known = treatments_in(plan.q), _known(plan.facts)
    return any(a.stance in _DENYING and not a.no_ranking and set(a.about) & named  # ("does not rank" denies none)
               and population_fit(a, known) != "none"
               for r in plan.chosen if r.condition(plan.facts) is True for a in r.asserts)


def set_aside(question: str) -> set[str]:
    """Treatments the question names as what it does not want ("instead of chemotherapy", "without a transplant";
    cues.yaml sets_aside, right before the treatment)."""
    toks = tokens(question.lower())
    cues = [tuple(c.split()) for c in cue("sets_aside")]
    return {m.concept for m in read_concepts(question.lower()).mentions if m.kind in TREATMENT_KINDS
            and any(tuple(toks[max(0, m.start - len(c) - k):m.start - k]) == c for c in cues for k in (0, 1))}


def _two_questions(clause: str) -> bool:
    """ "is that what the guidelines say or are they rushing?": the words after the last "or" ask again (a yes/no
    word opens them), so "or" joins two questions, not two options ("restart a TKI or watch?")."""
    low = clause.lower()
    at = low.rfind(" or ")
    return at >= 0 and (low[at + 4:].split() or [""])[0] in _YES_NO


#: Question words: a clause holding one asks openly ("which option?"), not yes or no.
_WH = frozenset({"what", "which", "how", "when", "why", "who", "where", "whats", "wat"})

#: The first words of a yes/no question.
_YES_NO = frozenset({"is", "are", "does", "do", "can", "could", "should", "would", "will", "may", "shall"})


def _yes_no(question: str) -> bool:
    """The question's last asking clause opens with a yes/no word ("...: can we use inotuzumab?").

    >>> _yes_no("Relapsed CD22+ B-ALL at 40: can we use inotuzumab?"), _yes_no("Relapsed B-ALL: which drug?")
    (True, False)
    """
    clause = question.rstrip().rstrip("?")
    for mark in (". ", ":", ";", ",", "—", "? "):
        clause = clause.rsplit(mark, 1)[-1]
    words = clause.split()
    if not words:
        return False
    # (a terse one: "CAR-T eligible?", "blina OK for him?": no question word, a predicate a yes or no answers)
    said = {w.lower() for w in words}  # (no verb at all: "induction and is transplant possible?" is two parts)
    return words[0].lower() in _YES_NO or (not said & (_WH | _YES_NO) and question.rstrip().endswith("?")
                                           and says(" ".join(words[-3:]), "yes_no_predicates"))


@dataclass(frozen=True)
class YesLead:
    """A yes/no question about a treatment for a described patient, answered by a rule whose conditions the
    patient meets in full and which names that treatment: "**Yes**" first, and that rule leads. (A premise, a
    misfit's "No", a missing fact or a negative statement leaves it to the lines that follow; so does a yes/no on
    harms, "is it more toxic?", where "Yes" would answer the harm, r44 h18.)"""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if (plan.premise or plan.missing or plan.plain or not plan.facts.known() or plan.intents.harms
                or any("**No**" in n for n in plan.notes)
                or any(r.edge and r.condition(plan.facts) is True for r in plan.chosen)):
            return  # (at an edge the summary and the label read differently, CAR-T at 25: no plain "Yes")
        if hearsay_sentence(plan.q):
            return  # ("I read he can be cured with the pills alone, without a transplant. Is that true?": the claim
            # is judged as a premise; a rule on the pills after no transplant is no "Yes" to "cured", rja99 p05)
        asked = asked_treatments(plan.q)
        if not _yes_no(plan.q) or plan.intents.either_or or says(plan.q, "necessity") or any(
                says(plan.intents.asking or plan.q, c) for c in ("meaning_words", "asks_appraisal", "asks_efficacy")) or (
                says(plan.q, "comparison") and not (_two_questions(plan.intents.asking)
                                                    and treatments_named(plan.intents.asking) == 1)):
            return  # ("transplant or the pills alone?", "does she have to ...?": not a plain yes; "is that what the
            # guidelines say or are they rushing?" asks about one treatment; "only steroids - does that mean they
            # are giving up on her?" asks what it means, and a "Yes" would answer that; so does "is that them giving
            # up on her?", the asker's own appraisal; "does it work?" is asked of the trials, not the guideline)
        if len(plan.intents.parts) > 1 and {"which", "what", "how"} & set(plan.intents.parts[0].lower().split()):
            return  # ("(1) what induction is recommended? (2) is allo-HSCT in CR1 recommended?": a "Yes" above both
            # reads as the answer to the first, rja108 q38)
        if {"which", "what"} & set((plan.intents.asking or plan.q).lower().replace("?", " ").split()):
            return  # ("does the guideline specify which TKI to use upfront?": asked of the document, which names
            # none; a rule on the class is no "Yes", r86 q07)
        if says(plan.intents.asking or plan.q, "other_dose_level"):
            return  # ("is intermediate-dose MTX good enough?": the rule's yes is to high-dose methotrexate, r69 q06)
        if any(m.kind == "change" and not m.negated for m in read_concepts(plan.q.lower()).mentions):
            return  # "can she stop / reduce / take a break from the TKI?": a rule recommending the TKI is no "yes" to
            # that (whether stopping now fits the rule's duration is for its statement, which leads anyway)
        # (every treatment asked for: "hyper-CVAD + TKI at 67?" is no "yes" because the rule endorses the TKI; one
        # set aside, "a TKI with steroids instead of chemotherapy?", is not asked for)
        wanted = [c for c in asked if c not in set_aside(plan.q)]
        if _denied(plan):
            return  # ("which TKI, imatinib/dasatinib/ponatinib? ponatinib first line OK?": the TKI rule endorses the
            # class, and the ponatinib rule says No: no "Yes" above both, rja46 e11)
        rule = next((r for r in plan.chosen if wanted and r.condition(plan.facts) is True
                     and all(_endorses(r, c, plan.facts) for c in wanted)), None)
        if rule is None:
            return
        plan.chosen.remove(rule)
        plan.chosen.insert(0, rule)
        builder.note("_**Yes**, for the patient described: the guideline statement that says so comes first._")
