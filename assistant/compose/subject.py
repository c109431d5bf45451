"""What a line is about, by the lexicon's concepts: its subject (a treatment, a marker, a lineage, a harm) or its
setting (a phase), so a line that shares only the setting with a question does not answer it."""

from __future__ import annotations

from assistant.claims import broader_chain, read_claims
from assistant.compose.cues import says
from assistant.concepts import TREATMENT_KINDS, concept_ids, load_lexicon, read_concepts, sentences, treatments_in
from assistant.models import Chunk
from assistant.text import trial_keys

__all__ = ["about_another_treatment", "asking_sentences", "cautions_for_answer", "given_before", "named_treatments", "risks_of_the_answer", "led_by_another_treatment", "harms_named", "names_harm", "on_subject",
           "related_treatments", "status_of_named", "topic_of"]

#: What a line is about: a treatment, a marker (Ph status, MRD, CD19), a lineage, a harm; or a setting (a phase).
_SUBJECT_KINDS = TREATMENT_KINDS | {"marker", "lineage", "adverse_event"}
_SETTING_KINDS = frozenset({"phase", "phase_of_treatment"})


def _subjects(text: str) -> set[str]:
    """The subject and setting concepts a text names, with the classes they belong to (dasatinib -> TKI)."""
    lex = load_lexicon()
    kinds = _SUBJECT_KINDS | _SETTING_KINDS
    return {x for c in concept_ids(text.lower()) for x in broader_chain(c)
            if x in lex.concepts and lex.concepts[x].kind in kinds}


def asking_sentences(question: str) -> str:
    """The sentences that ask (a harm there is asked about; one in the case, "grade 1 neuropathy", is background)."""
    said = sentences(question)
    return " ".join(s for s in said if s.rstrip().endswith("?")) or (said[-1] if said else question)


def related_treatments(a: str, b: str) -> bool:
    """One treatment concept is the other or a kind of it ("children's-style chemo" and "a pediatric protocol")."""
    return a in broader_chain(b) or b in broader_chain(a)


def about_another_treatment(sentence: str, question: str, title: str, *, silent: bool = False) -> bool:
    """The line's document is about a treatment (its title names one), the line does not name it, so it speaks of
    it implicitly, and the question asks of treatments, none of them that one or a kind of it: the CAR-T document's
    eligibility line ("relapse after allo-HSCT, failure of two TKIs") is about CAR-T, whatever else it names, so it
    answers no question on the TKI after a transplant. (A line naming its document's treatment is judged by its own
    words: "the allo-HSCT recommendation ... autologous transplantation is not part of it".)"""
    own, asked = treatments_in(title), treatments_in(question)
    if not asked:  # (a question naming no treatment: only a part's line, `silent`, is judged so; "standard of care for
        # a frail 78-year-old?" is no question on the transplant guideline's categories, rja48 y09)
        return silent and bool(own | treatments_in(sentence))
    if not own or own & treatments_in(sentence):
        return False
    return not any(related_treatments(a, o) for a in asked for o in own)


def on_subject(sentence: str, question: str, title: str = "") -> bool:
    """An unasked-for context or trial line shares the question's subject (a treatment, a marker, a lineage, a
    harm; a setting only when the question names no subject): "Ph+ vs Ph- induction?" gets no line on the BLAST
    MRD threshold, which shares only "induction". The line's document title counts (a trial's drug and population).

    >>> on_subject("In TOWER, median OS was 7.7 months vs 4.0 months.", "Relapsed B-ALL: is blinatumomab better?",
    ...            "TOWER: blinatumomab vs chemotherapy")
    True
    >>> on_subject("The BLAST MRD entry threshold of 10^-3 differs from the JSH threshold after induction.",
    ...            "Ph-positive vs Ph-negative ALL: how does induction differ?", "BLAST: blinatumomab for MRD")
    False
    >>> on_subject("The summary lists inotuzumab ozogamicin for relapsed B-ALL.", "VOD/SOS after inotuzumab?")
    False
    >>> on_subject("The JSTCT guidance adds relapse after allo-HSCT and failure of two or more TKIs.",
    ...            "Ph+ after transplant: which TKI?", "Relapsed B-ALL: CAR T-cell therapy")
    False
    """
    lex = load_lexicon()
    asked = _subjects(question)
    if not asked:
        return True  # (nothing to judge the line by)
    if about_another_treatment(sentence, question, title):
        return False
    shared = asked & _subjects(f"{sentence} {title}")
    harms = {c for c in _subjects(asking_sentences(question)) if lex.concepts[c].kind == "adverse_event"}
    if harms:  # a harm asked about is the subject, the drug its setting: "VOD/SOS after inotuzumab?" is not answered
        return bool(harms & shared)  # by a line on inotuzumab's place in relapse
    if any(lex.concepts[c].kind not in _SETTING_KINDS for c in asked):
        return any(lex.concepts[c].kind not in _SETTING_KINDS for c in shared)
    return bool(shared)


def status_of_named(sentence: str, question: str) -> bool:
    """A status line states where a treatment stands ("nelarabine is not listed for B-ALL"); unasked, it answers a
    question that names that treatment or a kind of it, not one that names only the drugs the rest of its sentence
    lists ("relapsed on dasatinib, T315I: next TKI?" is not answered by nelarabine's status: r51 n11/n21/n31). A
    line whose stances name no treatment is judged by its other words; a question that names none is answered by no
    line on a drug's status alone.

    >>> line = "Nelarabine is not listed for B-ALL, and B-ALL relapse is addressed with blinatumomab or a later TKI."
    >>> status_of_named(line, "Relapsed on dasatinib with T315I: next TKI?"), status_of_named(line, "Nelarabine for B?")
    (False, True)
    """
    held = {t for c in read_claims(sentence) if c.stance for t in c.interventions}
    asked = treatments_in(question)
    if not asked:  # (a question naming no treatment is not answered by one drug's status: "which consolidation
        lex = load_lexicon()  # for his age group?" by "blinatumomab consolidation as in E1910 is not listed", r53 h04)
        return not held or not all(lex.concepts[t].kind == "drug" for t in held if t in lex.concepts) or bool(
            trial_keys(sentence) & trial_keys(question))  # ("is D-ALBA chemo-free induction the JSH standard?")
    return not held or any(related_treatments(a, t) for a in asked for t in held)


def names_harm(text: str) -> bool:
    """The text names an adverse event (VOD/SOS, CRS, neuropathy)."""
    return harms_named(text) > 0


def harms_named(text: str) -> int:
    """How many adverse events the text names ("thrombosis, pancreatitis and the liver": three)."""
    return len(read_concepts(text.lower()).ids(kind="adverse_event"))


def topic_of(chunk: Chunk) -> str:
    """What a chunk's line is about beside its own words: its document's title and the headings above it (the
    safety notes' "CAR T-cell therapy: cytokine release syndrome and ICANS" section)."""
    return " ".join(dict.fromkeys([chunk.title, *chunk.heading_path]))


def led_by_another_treatment(sentence: str, question: str, answered: frozenset[str] = frozenset()) -> bool:
    """The line is about a treatment the question does not ask of: the first treatment it names is none of the
    question's, nor a kind of one ("The Japanese CAR T-cell eligibility guidance includes Ph-positive patients
    intolerant of TKIs" answers no question on the first-line TKI: r52 q32); the treatments the answer's rules give
    (`answered`) count as asked ("what salvage, and what toxicity?": blinatumomab's).

    >>> led_by_another_treatment("The CAR T-cell guidance includes patients intolerant of TKIs.", "Ponatinib first-line?")
    True
    >>> led_by_another_treatment("Ponatinib is a third-generation TKI.", "Ponatinib first-line?")
    False
    """
    asked, lex = treatments_in(question) | answered, load_lexicon()
    first = next((m.concept for m in read_concepts(sentence.lower()).mentions
                  if m.concept in lex.concepts and lex.concepts[m.concept].kind in TREATMENT_KINDS), None)
    return bool(asked) and first is not None and not any(related_treatments(first, a) for a in asked)


#: Concept kinds of a treatment.
_TREATMENTS = frozenset({"drug", "drug_class", "treatment", "procedure", "regimen"})


def named_treatments(question: str) -> list[str]:
    """The treatments a question names for its patient, in order: asked, planned or already given ("had
    inotuzumab"), not someone else's."""
    lex = load_lexicon()
    return list(dict.fromkeys(m.concept for m in read_concepts(question.lower()).mentions
                              if not m.other_person and m.concept in lex.concepts
                              and lex.concepts[m.concept].kind in _TREATMENTS))


def cautions_for_answer(question: str) -> bool:
    """The question asks what to watch for (or which side effects) with a procedure it names, and names no drug
    itself, or only one already given ("relapsed …,
    allo-HSCT if she gets CR2: what salvage, and anything to watch regarding the transplant?"): the salvage drugs
    the answer gives are the ones whose risk with the transplant is asked."""
    lex = load_lexicon()
    named = named_treatments(question)
    # (a drug already given, "relapsed again after blinatumomab", is no drug the question asks the risks of)
    given = read_concepts(question.lower()).given(kind="drug")
    # (or which of its toxicities matter: "which agent, and what toxicity should worry me given the planned HSCT?",
    # r88 q08)
    # (or with the drug itself to be chosen: "which drug for re-induction, and its main adverse events?", rja110 q12)
    return (says(question, "asks_cautions") or says(question, "asks_side_effects")) and not any(
        lex.concepts[c].kind == "drug" and c not in given for c in named) and (any(
            lex.concepts[c].kind == "procedure" for c in named) or says(question, "asks_which_one"))


def risks_of_the_answer(question: str) -> bool:
    """The question asks which treatment to give and what to watch for with a procedure (`cautions_for_answer`):
    the risks asked are those of the drugs the answer gives, and a drug given before is history ("in second relapse
    after prior blinatumomab ... which agent fits, and what toxicity should worry me given the planned HSCT?",
    r88 q08); a harm asked after a drug given, with no choice asked, is that drug's ("after inotuzumab, allo-HSCT
    planned: how is the VOD/SOS risk handled?")."""
    return cautions_for_answer(question) and says(question, "asks_which_one")


def given_before(question: str) -> set[str]:
    """The drugs the question says were given before, when the risks it asks are those of the drugs the answer gives
    (`risks_of_the_answer`): not the subject of those risks (r88 q08); else none."""
    return read_concepts(question.lower()).given(kind="drug") if risks_of_the_answer(question) else set()
