"""Composers for a trial the question names: results it states that the trial's documents do not report, the
trial's design and results first (no patient in the question), or its headline results after the rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.claims import broader_chain
from assistant.compose.builder import Builder, lead_for
from assistant.compose.cues import says
from assistant.compose.evidence import add_tier
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import (
    _OUTCOME_KINDS,
    _RESULT_NUMBER,
    EVIDENCE_LEAD,
    _provisional,
    _safe_sentence,
    _score,
    about_other_drug,
    best_sentences,
    fits_patient,
    unreported_numbers,
)
from assistant.compose.subject import names_harm
from assistant.concepts import concept_ids, load_lexicon, read_concepts, sentences
from assistant.models import Chunk, RuleFinding
from assistant.rules.logic import stated_facts
from assistant.rules.relevance import asked_treatments
from assistant.rules.scope import is_trial_design_question
from assistant.rules.tiers import _EVIDENCE_FRAME_RE, _GUIDELINE_CLAIM_RE, claims_recommendation, trial_design_dose_line
from assistant.text import after_number, chunk_sentences, term_at, tokenize, trial_keys

__all__ = ["add_trial", "asked_outcomes", "CROSS_TRIAL_NOTE", "OutcomePerTreatment", "PopulationOutcomes",
           "UnreportedResults", "TrialFirst", "TrialOrEvidence"]

#: Survival reported by trials in the patient's population ("is it curable?"): groups, not a prediction for one person.
POPULATION_OUTCOMES_NOTE = ("_These are results of trials in particular groups of patients (the sources below say "
                            "which); they do not predict what will happen to one person, and the outlook depends on "
                            "the Ph status, age, the MRD response and the treatment given._")
#: Results of two treatments from different trials, side by side: they do not rank the treatments.
CROSS_TRIAL_NOTE = ("_These results come from different trials, with different patients and comparators, so they do "
                    "not show which treatment is better; the JSH 2023 summary does not rank them._")


def _ranked(plan: DraftPlan, pool: Sources, siblings: list[Chunk]) -> list[tuple[str, Chunk]]:
    """A trial's quotable lines, results first: the headline survival before secondary results, the final
    analysis before an earlier abstract; with two outcomes asked ("OS and remission rates"), the best of each."""
    q = set(tokenize(plan.q))
    asked_kinds = [reports for asks, reports in _OUTCOME_KINDS if says(plan.q, asks)]
    harms_only = plan.intents.harms and "reports_toxicity" in asked_kinds  # (a remission in the case is no ask)
    per_chunk = 6 if len(asked_kinds) >= 2 or harms_only else 3
    cands = sorted(((s, c) for c in siblings
                    for s in best_sentences(c, plan.q, plan.facts, pool.book, n=per_chunk, evidence=True)),
                   key=lambda sc: -_score(sc[0], q, frozenset(tokenize(sc[1].title)))
                   * (1.6 if any(after_number(sc[0], u) for u in ("*%", "*month", "*months")) else 1.0)
                   * (1.5 if says(sc[0], "headline_result") or says(sc[0], "headline_remission") else 1.0)
                   * (1.2 if "overall survival" in sc[0] or term_at(sc[0], "OS", fold=False) >= 0 else 1.0)
                   * (0.6 if _provisional(sc[0]) else 1.0))
    if asked_kinds:  # (one outcome asked, "side effects?": its line first too)
        picked: list[tuple[str, Chunk]] = []
        for reports in asked_kinds:
            hit = next((sc for sc in cands if says(sc[0], reports) and sc not in picked), None)
            if hit is not None:
                picked.append(hit)
        cands = picked + [sc for sc in cands if sc not in picked]
    if harms_only:  # "…then allo-HSCT: what toxicity to watch?": its harms, not its remission or survival results
        cands = [sc for sc in cands if says(sc[0], "reports_toxicity")]
    return cands


def add_trial(plan: DraftPlan, pool: Sources, builder: Builder, chunk: Chunk, *, design: bool, limit: int,
              take: int = 4) -> None:
    """A trial's lines from its whole document (results often sit in a sibling chunk): headline survival
    first; `design` puts what the trial tested first (the trial the question names)."""
    siblings = [c for c in pool.chunks if c.section_id == chunk.section_id] or [chunk]
    cands = _ranked(plan, pool, siblings)
    if design:
        first = min(siblings, key=lambda c: c.chunk_no)
        lead = [(sent, first) for sent in chunk_sentences(first.text)[:1]
                if sent in first.text and _safe_sentence(sent, plan.facts, pool.book)]
        if says(plan.q, "names_dose") and is_trial_design_question(plan.q, plan.facts):
            # (the arms' doses asked of the trial: its design line, which an answer otherwise leaves out, r109 x01,
            # rja130 q9)
            lead += [(sent, c) for c in siblings for sent in chunk_sentences(c.text)
                     if sent in c.text and trial_design_dose_line(sent)][:1]
        cands = lead + [sc for sc in cands if sc not in lead][:3]
    if plan.intents.harms and not plan.intents.evidence:  # (a harms question: the trial's harm lines, not its
        cands = [sc for sc in cands if names_harm(sc[0])]  # survival: r51 n31, VOD/SOS before an allo-HSCT)
    for s, c in cands[:take]:
        if builder.count() >= limit:
            break
        if claims_recommendation(s) or (_GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s)):
            continue
        builder.add("evidence", s, c, lead=EVIDENCE_LEAD)


@dataclass(frozen=True)
class UnreportedResults:
    """ "ALL202-O showed 78% vs 52%, right?": results (or doses, age ranges) the trial's documents do not report
    are answered "No" before what they do report; a dose is never repeated, not even to deny it."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        trial = plan.named_trial
        if trial is None:
            return
        docs = {c.chunk_id: c for c in [*(r.chunk for r in pool.retrieved), *pool.chunks]
                if c.tier == "evidence" and trial_keys(c.title) & plan.named}
        # (the numbers said of the trial, in the sentences naming it: not the case's own, "CD19 95%, relapsed at 6
        # months ... and TOWER's OS figures?", rja72 q36)
        said_of = " ".join(s for s in sentences(plan.q) if trial_keys(s) & plan.named) or plan.q
        wrong = unreported_numbers(said_of, " ".join(c.text for c in docs.values()))
        if not wrong:
            return
        name = trial.title.split(":")[0]
        doses = any("/m2" in w for w in wrong)
        said = [w for w in wrong if "/m2" not in w] + (["the doses as stated"] if doses else [])
        builder.note(f"_**No**: the corpus does not report {' or '.join(said)} for {name}; what it reports is "
                     "below" + (" (doses are left out of answers: take them from the protocol or the trial report)"
                                if doses else "") + "._")
        builder.finding(RuleFinding(
            rule_id="PREMISE-NUM-045", severity="info", section_id=trial.section_id,
            message=f"The question states results ({', '.join(said)}) that the {name} evidence does not report"))


@dataclass(frozen=True)
class TrialFirst:
    """A question about a named trial and no patient ("TOWER results?"): the trial's design and results lead;
    two or three named trials ("TOWER vs INO-VATE?") each get theirs in the order the question names them."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not plan.trial_first or plan.named_trial is None:
            return
        several, most = plan.trial_chunks, builder.max_sentences
        if len(several) >= 2:
            for chunk in several[:3]:
                add_trial(plan, pool, builder, chunk, design=True, limit=most - 1,
                          take=max(2, (most - 2) // min(len(several), 3)))
        else:
            add_trial(plan, pool, builder, plan.named_trial, design=True, limit=most, take=4)


@dataclass(frozen=True)
class TrialOrEvidence:
    """After the rules: the named trial's design and headline results (unless they lead already), or else one
    trial result from the top evidence chunks."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if plan.named_trial is not None:
            if not plan.trial_first:
                add_trial(plan, pool, builder, plan.named_trial, design=True, limit=builder.max_sentences, take=3)
            return
        if plan.wants_trials:
            top = [r for r in pool.retrieved[:5] if not plan.other_trial(r.chunk)]
            add_tier(plan, pool, builder, top, tier="evidence", limit=1, need_numbers=True, min_shared=2)


def _outcome_line(plan: DraftPlan, pool: Sources, drug: str, reports: str) -> tuple[str, Chunk] | None:
    """The best quotable line on one outcome (`reports`: a cue of cues.yaml) of one treatment, named in the line
    or in its document's title (a trial of that drug)."""
    q = set(tokenize(plan.q))
    best: tuple[float, str, Chunk] | None = None
    for c in {c.chunk_id: c for c in [*(r.chunk for r in pool.retrieved), *pool.chunks]}.values():
        titled = drug in concept_ids(c.title.lower())
        for s in chunk_sentences(c.text):
            if not says(s, reports) or s not in c.text or plan.names_other_trial(s):
                continue
            named, others = concept_ids(s.lower()), set(asked_treatments(plan.q)) - {drug}
            if drug not in named and not (titled and not named & others):
                continue  # (the line is about this drug: it names it, or its trial names no other asked drug)
            if (reports != "reports_toxicity" or says(plan.q, "asks_magnitude")) and not _RESULT_NUMBER.search(s):
                continue  # (a remission or survival line carries its result; "how big is the risk?" its number)
            if reports == "reports_toxicity" and not names_harm(s):
                continue  # (a toxicity line names the harm: not "the sources give no toxicity rates for E1910")
            if claims_recommendation(s) or not _safe_sentence(s, plan.facts, pool.book) or not fits_patient(
                    s, plan.facts, plan.q) or (c.tier == "evidence" and not fits_patient(c.title, plan.facts, plan.q)):
                continue  # (nor a trial of another setting: BLAST's MRD responses are no relapse's remissions)
            score = (_score(s, q, frozenset(tokenize(c.title))) * (1.5 if says(s, "headline_result") else 1.0)
                     * (0.3 if named & others else 1.0))  # (this drug's own line before one naming both)
            if best is None or score > best[0]:
                best = (score, s, c)
    return (best[1], best[2]) if best else None


def asked_outcomes(question: str, treatments: int) -> list[str]:
    """The outcome kinds (cue names of the lines reporting them) a question asks about; "A vs B: how do the trials
    compare?" asks for the remissions and survival of each of the two or more treatments it names. A remission that
    names a phase ("allo-HSCT in first remission", "in CR2") asks for no remission rate.

    >>> asked_outcomes("Is allo-HSCT in first remission still recommended?", 1), asked_outcomes("CR rate of blina?", 1)
    ([], ['reports_remission'])
    """
    question = _without_phases(question)
    kinds = [reports for asks, reports in _OUTCOME_KINDS if says(question, asks)]
    if not kinds and treatments >= 2 and (says(question, "comparison") or says(question, "weighs_two")) and says(
            question, "evidence_question"):
        kinds = ["reports_remission", "reports_survival"]
    return kinds


def _without_phases(question: str) -> str:
    """The question without the remissions that name a phase of treatment (CR1, CR2; not "remission" itself)."""
    low = question.lower()
    for m in read_concepts(question).mentions:
        if m.kind == "phase" and m.concept != "remission" and m.surface:
            low = low.replace(m.surface.lower(), " ")
    return low


@dataclass(frozen=True)
class OutcomePerTreatment:
    """ "Blinatumomab or inotuzumab: which gets more patients into remission?", "toxicities of inotuzumab and
    blinatumomab?", "how much does inotuzumab improve survival?": each treatment's own line on the outcome asked, in
    the order named; results side by side from different trials are said not to rank the treatments."""

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        # (not the harms of CAR-T the patient at 40 is not for, rja48 y21)
        drugs = [d for d in asked_treatments(plan.q) if d not in plan.unfit]
        sized = says(plan.q, "asks_magnitude")
        # (the outcome the asking clauses name, not one the case reports: "a deep molecular response for 2 years on
        # imatinib — we can stop the TKI now, can't we?" asks for no remission rates, r64 q25)
        parts = plan.intents.parts
        kinds = asked_outcomes(" ".join(parts) if len(parts) > 1 else plan.intents.asking or plan.q, len(drugs))
        if sum(len(_members(d)) for d in drugs) < 2 and not sized:
            return  # (one drug: only "how much does inotuzumab improve survival?", "how big is the risk?")
        if not drugs and "reports_toxicity" in kinds:  # ("plan: inotuzumab then allo-HSCT. Key toxicity, how big?")
            lex = load_lexicon()
            drugs, kinds = [c for c in concept_ids(plan.q.lower()) if lex.concepts.get(c) and
                            lex.concepts[c].kind == "drug"], ["reports_toxicity"]
        if not kinds or not drugs or plan.trial_first or plan.closed:
            return
        shown = 0
        for drug in drugs[:3]:
            for reports in kinds[:2]:
                # (a class with no line of its own by its drugs: "new antibody drugs, side effects?", rja48 y21)
                lines = [x for x in [_outcome_line(plan, pool, drug, reports)] if x] or [
                    x for m in _members(drug) if m != drug and (x := _outcome_line(plan, pool, m, reports))]
                for line in lines:
                    if builder.add(line[1].tier, line[0], line[1], lead=lead_for(line[1].tier), asked=True):
                        shown += reports != "reports_toxicity"
        if shown >= 2:
            builder.note(CROSS_TRIAL_NOTE)


@lru_cache(maxsize=256)
def _members(concept: str) -> tuple[str, ...]:
    """A drug class by the drugs the lexicon files under it ("antibody drugs" -> blinatumomab, inotuzumab), a drug
    or a class without member drugs by itself.

    >>> _members("antibody"), _members("car_t")
    (('blinatumomab', 'inotuzumab'), ('car_t',))
    """
    lex = load_lexicon()
    found = tuple(c.id for c in lex.concepts.values() if c.kind == "drug" and concept in broader_chain(c.id)[1:])
    return found if lex.concepts[concept].kind == "drug_class" and found else (concept,)


@dataclass(frozen=True)
class PopulationOutcomes:
    """ "Is it curable?", "Ph+ is the worst kind, nothing works - true?": what the trials in the patient's population
    report on survival (at most `n` trials, one line each, headline result first), as evidence, not a promise."""

    n: int = 2

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not says(plan.q, "asks_prognosis") or plan.trial_first or plan.closed:
            return  # (a frightened patient gets the plain guideline point, not trial numbers)
        if plan.facts.mrd_status is not None:
            return  # ("the MRD is negative: am I cured?" asks what the result means, not how trial groups fared)
        ranked = sorted(_survival_lines(plan, pool).values(), key=lambda t: -t[0])
        if plan.facts.ph_status is None:  # (each Ph branch's best trial before a second one of the same branch)
            firsts = {t[3]: t for t in reversed(ranked)}
            ranked = sorted(firsts.values(), key=lambda t: -t[0]) + [t for t in ranked if t not in firsts.values()]
        shown = sum(builder.add("evidence", s, c, lead=EVIDENCE_LEAD) for _, s, c, _ in ranked[: self.n])
        if shown:
            builder.note(POPULATION_OUTCOMES_NOTE)


def _survival_lines(plan: DraftPlan, pool: Sources) -> dict[str, tuple[float, str, Chunk, str]]:
    """Per trial document, its best line giving a survival rate at so many years ("5-year overall survival was
    50%", not a hazard ratio) that fits the patient, with its score and the Ph branch of the trial; a trial of the
    other Ph branch than the patient's gives none (E1910's survival is no Ph-positive patient's)."""
    q = set(tokenize(plan.q))
    other = {"positive": "ph_neg", "negative": "ph_pos"}.get(plan.facts.ph_status or "")
    best: dict[str, tuple[float, str, Chunk, str]] = {}
    for c in {c.chunk_id: c for c in [*(r.chunk for r in pool.retrieved), *pool.chunks]}.values():
        if c.tier != "evidence" or not fits_patient(c.title, plan.facts, plan.q):
            continue
        group = _ph_group(c, pool.chunks)
        if other is not None and group == other:
            continue
        for s in chunk_sentences(c.text):
            if s not in c.text or not says(s, "headline_result") or "-year" not in s or not after_number(s, "*%"):
                continue
            if claims_recommendation(s) or not _safe_sentence(s, plan.facts, pool.book) or not fits_patient(
                    s, plan.facts, plan.q) or about_other_drug(s, plan.q) or not _design_fits(plan, c, s, pool.chunks):
                continue  # (E1910's front-line survival is no relapsed patient's; nelarabine's no blinatumomab's)
            score = (_score(s, q, frozenset(tokenize(c.title))) + 0.1) * (1.5 if says(s, "reports_survival") else 1.0)
            if c.section_id not in best or score > best[c.section_id][0]:
                best[c.section_id] = (score, s, c, group)
    return best


def _design_fits(plan: DraftPlan, chunk: Chunk, sentence: str, siblings: Sequence[Chunk]) -> bool:
    """The trial's design line ("E1910 was a randomised trial ... in adults aged 30 to 70 with newly diagnosed
    Ph-negative B-ALL") names a population the patient is in: a result line rarely restates it (rja43 t21: E1910's
    85% 3-year survival shown to a relapsed patient)."""
    said = [d for c in _document(chunk, siblings) for d in chunk_sentences(c.text)
            if " was a " in d and ("trial" in d or "study" in d)]
    keys = trial_keys(sentence)
    own = [d for d in said if trial_keys(d) & keys] or said
    if plan.facts.phase in _SALVAGE_PHASES and not any(
            stated_facts(t).get("phase") in _SALVAGE_PHASES for t in [sentence, chunk.title, *own]):
        return False  # (a trial that names no relapse is a front-line one: GRAAPH-2005, ALL202-U for a relapse)
    return all(fits_patient(d, plan.facts, plan.q) for d in own)


def _document(chunk: Chunk, siblings: Sequence[Chunk]) -> list[Chunk]:
    """The chunk and the other chunks of its document (section) among `siblings`, once each."""
    return [chunk, *(c for c in siblings if c.section_id == chunk.section_id and c.chunk_id != chunk.chunk_id)]


_SALVAGE_PHASES = frozenset({"relapsed", "refractory", "cr2"})


def _ph_group(chunk: Chunk, siblings: Sequence[Chunk] = ()) -> str:
    """The Ph branch a trial chunk is about, from its document's title and text and the text of the document's
    other chunks in `siblings` (the design names the population): "ph_pos", "ph_neg" or "" for neither."""
    toks = set(tokenize(" ".join([chunk.title, *(c.text for c in _document(chunk, siblings))])))
    return "ph_pos" if "ph_pos" in toks and "ph_neg" not in toks else "ph_neg" if "ph_neg" in toks else ""
