"""Does an asked treatment fit the patient described? A question asking about a treatment for a patient it is not
for ("is blinatumomab an option?" for T-ALL, "can he get CAR-T?" at 42) is told so first, from the lexicon's `fits`
(lineage, Ph status, the target antigen, age limit; inherited through `broader`).

    >>> from assistant.models import PatientFacts
    >>> misfits("My uncle has T-cell ALL that came back. Is blinatumomab an option?", PatientFacts(lineage="T"))
    ['blinatumomab is for B-lineage ALL, and the question is about T-lineage ALL']
    >>> misfits("Can he get the CAR-T?", PatientFacts(age=42, lineage="B"))[0].split(" (")[0]
    'Tisagenlecleucel, a CAR-T product approved in Japan, is for younger patients'
    >>> misfits("Can he get the CAR-T?", PatientFacts(age=22, lineage="B"))
    []
"""

from __future__ import annotations

from typing import Any

from assistant.claims import broader_chain
from assistant.concepts import concept_ids, load_lexicon
from assistant.facts import supposed_phase
from assistant.models import PatientFacts
from assistant.rules.logic import missing_facts
from assistant.rules.relevance import asked_treatments

__all__ = ["alternatives", "misfit_reasons", "misfits", "treatment_fits"]


def _fits(concept: str) -> tuple[dict[str, Any], str]:
    """The concept's `fits`, merged over its classes' (nearest wins), and its age wording."""
    lex = load_lexicon()
    chain = []
    c = lex.concepts.get(concept)
    while c is not None and c not in chain:
        chain.append(c)
        c = lex.concepts.get(c.broader) if c.broader else None
    fits: dict[str, Any] = {}
    for c in reversed(chain):
        fits.update(c.fits)
    return fits, next((c.fit_age for c in chain if c.fit_age), "")


def treatment_fits(concept: str) -> dict[str, Any]:
    """Whom a treatment is for, as the lexicon says (`fits`, inherited through `broader`): {"ph_status": "positive"}
    for a TKI, {"lineage": "B", "age_max": 25} for CAR-T."""
    return _fits(concept)[0] if concept in load_lexicon().concepts else {}


#: A phase a treatment is not for, in the words of FIT_NOTE's reason (concepts.yaml `fits: not_phases`).
_PHASE_WORDS = {"newly_diagnosed": "newly diagnosed ALL", "cr1": "a patient in first remission (CR1)"}


def _why(label: str, fits: dict[str, Any], age_words: str, facts: PatientFacts) -> str | None:
    if fits.get("lineage") and facts.lineage and facts.lineage != fits["lineage"]:
        return f"{label} is for {fits['lineage']}-lineage ALL, and the question is about {facts.lineage}-lineage ALL"
    if fits.get("ph_status") and facts.ph_status and facts.ph_status != fits["ph_status"]:
        return f"{label} is for Ph-{fits['ph_status']} ALL, and the question is about Ph-{facts.ph_status} ALL"
    antigen = fits.get("antigen")
    if antigen and getattr(facts, antigen, None) is False:
        return f"{label} targets {antigen.upper()}, and the blasts here are {antigen.upper()}-negative"
    if facts.phase in fits.get("not_phases", ()):
        words = _PHASE_WORDS.get(facts.phase, facts.phase.replace("_", " "))
        return f"{label} is not a treatment for {words}: it is for relapsed or refractory disease"
    if fits.get("age_max") is not None and facts.age is not None and facts.age > int(fits["age_max"]):
        return f"{fits.get('age_label', label)} is for younger patients ({age_words or 'up to ' + str(fits['age_max'])}), " \
               f"and the patient is {facts.age}"
    return None


def wrong_disease(concept: str, facts: PatientFacts) -> bool:
    """The treatment is for another lineage, Ph status or antigen than the patient's (blinatumomab for T-ALL or
    CD19-negative blasts): its own lines (a trial's remission rate) say nothing for this patient. An age beyond its
    limit is not this: the limit's own
    line is what answers."""
    fits = {k: v for k, v in treatment_fits(concept).items() if k in ("lineage", "ph_status", "antigen")}
    return bool(fits) and _why(concept, fits, "", facts) is not None


def misfits(question: str, facts: PatientFacts) -> list[str]:
    """Why each treatment the question asks about does not fit the patient it describes (empty when all fit). A
    Ph-negative status the text owes to Ph-like ALL alone judges no TKI: whether a TKI has a place in Ph-like ALL is
    what the summary does not say (the "not found" line answers), not a "No"."""
    return list(misfit_reasons(question, facts).values())


def misfit_reasons(question: str, facts: PatientFacts) -> dict[str, str]:
    """`misfits` by the treatment concept each reason is about."""
    lex = load_lexicon()
    out: dict[str, str] = {}
    ph_like = "ph_like" in concept_ids(question.lower())
    facts = _asked_of(question, facts)
    for concept in asked_treatments(question):
        fits, age_words = _fits(concept)
        if ph_like and "ph_status" in fits:
            fits = {k: v for k, v in fits.items() if k != "ph_status"}
        why = _why(lex.concepts[concept].label, fits, age_words, facts) if fits else None
        if why:
            out[concept] = why
    return out


def _asked_of(question: str, facts: PatientFacts) -> PatientFacts:
    """The patient the treatments are asked of: with a relapse supposed beside the remission ("in remission ... and
    if the leukemia comes back after a transplant, could CAR-T be used?", r84 q35; "in CR1 ... if he relapses, is
    blinatumomab an option?", r85 q36), the relapse: no "not for a patient in first remission", and the
    alternatives are the relapse's."""
    if facts.phase not in (None, "relapsed", "refractory") and supposed_phase(question) == "relapsed":
        return facts.model_copy(update={"phase": "relapsed"})
    return facts


def alternatives(question: str, facts: PatientFacts, book: Any, n: int = 3, *, asked_for: bool = False,
                 besides: frozenset[str] = frozenset()) -> list[Any]:
    """After "No, as asked" (a treatment the patient is not for: CAR-T at 41), or when the question asks what else
    there is beside the treatment it names (`asked_for`: "CAR-T? What else can they try?"), what the guideline
    gives in the patient's own phase: the rules for that phase that recommend or list another treatment, those the
    patient meets before those a missing fact decides (each antibody's antigen), at most `n`. `besides`: the
    treatments already answered with when the question names none ("T315I after dasatinib: what does JSH suggest,
    and what other options are there?", r71 q29)."""
    facts = _asked_of(question, facts)
    if facts.phase is None or not (asked_for and (asked_treatments(question) or besides) or misfits(question, facts)):
        return []
    asked = set(asked_treatments(question)) | set(besides)
    # (the treatments left out are those the patient is not for; another one asked that fits is part of the answer:
    # "new antibody drugs, what are they? and can I get Kymriah at 40?", rja48 y21)
    unfit = set(misfit_reasons(question, facts)) or asked

    def other(about: list[str]) -> bool:
        chain = {x for c in about for x in broader_chain(c)}
        return not chain & unfit

    rules = [r for r in book.rules if "phase" in r.when and r.condition(facts) is not False
             and any(a.stance in ("recommended", "option") and other(list(a.about)) for a in r.asserts)]
    met = [r for r in rules if r.condition(facts) is True]
    # (those the patient meets, then those only the blasts' other antigen decides: CD19-positive at 29, no CAR-T:
    # blinatumomab, and inotuzumab if CD22-positive, r56 k08, r57 m08; else the branches a missing fact decides)
    antigen = [r for r in rules if r not in met and (missing := missing_facts(r, facts))
               and set(missing) <= {"cd19", "cd22"}]
    rules = met + antigen if met else rules
    fits: dict[str, Any] = {}
    for c in asked:
        fits.update(treatment_fits(c))
    # (the patient the asked treatment is for, "CAR-T" for B-ALL: that lineage's rules before the other's)
    clash = lambda r: any(k in r.when and r.when[k] != v for k, v in fits.items())  # noqa: E731
    return sorted(rules, key=lambda r: (r.condition(facts) is not True, clash(r)))[:n]  # (else the book's order)

