"""Relevance: "pass" means correct *and on the question*.

The treatments the question asks about (drugs, drug classes, regimens, procedures named in its asking sentence,
not in its background, not negated, not someone else's) must be named by the answer, directly or through their
class (an answer about TKIs addresses "dasatinib"). A treatment the answer leaves out is a warning that names it,
so the verdict is not pass and the reader is told what the corpus did not answer.

    >>> from assistant.models import PatientFacts
    >>> q = "Our unit uses hyper-CVAD. Relapsed B-ALL at 30: is engineered T-cell therapy an option?"
    >>> [i.finding.message for i in check_relevance(q, PatientFacts(), Draft(answer="Blinatumomab is used.[1]"), [])]
    ['The answer does not address CAR-T cell therapy, which the question asks about']
    >>> check_relevance(q, PatientFacts(), Draft(answer="CAR-T cells are given under 25.[1]"), [])
    []
    >>> q = "Is asciminib recommended after ponatinib failure?"
    >>> len(check_relevance(q, PatientFacts(), Draft(answer="Ponatinib is not the first-line TKI.[1]"), []))
    1
    >>> check_relevance(q, PatientFacts(), Draft(answer="A later-generation TKI can be considered.[1]"), [])
    []
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.claims import broader_chain
from assistant.concepts import (
    TREATMENT_KINDS,
    Mention,
    Reading,
    concept_ids,
    load_lexicon,
    read_concepts,
    sentences,
    tokens,
    treatments_in,
)
from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.base import Draft, Issue, chunks_by_id, sentence_body
from assistant.rules.base import sentences as answer_sentences
from assistant.text import first_word, names_trial

__all__ = ["DESCRIBED_MESSAGE", "RELEVANCE_RULE", "addressed", "concept_label", "asked_treatments", "check_relevance",
           "described_conditions", "for_other_phase", "subject_of"]

RELEVANCE_RULE = "RELEVANCE-050"
_MESSAGE = "The answer does not address {what}, which the question asks about"
#: ... a condition of the patient the question describes (diseases.yaml `described_anywhere`: SCOPE-COMORBID-085)
DESCRIBED_MESSAGE = "The sources do not address {what}, which the question describes"
#: ... a part of a several-part question no line of the answer touches (RELEVANCE-PART-086, info: a note, no verdict)
PART_RULE = "RELEVANCE-PART-086"
PART_MESSAGE = 'The answer does not address "{what}", which the question also asks'


def _bare_tag(sentence: str) -> bool:
    """ "OK?", "agree?", "right?": a short question with no asking word and no subject of its own (a disease or a
    person is none: "ALL everyone?", 「ALLの人はみんなやるの？」 as read, asks about the treatment before it)."""
    from assistant.compose.intents import ASKING_WORDS  # (the drafter's reading; imported late: it imports rules)

    return (len(sentence.split()) <= 3 and first_word(sentence) not in ASKING_WORDS
            and all(m.kind in _NO_SUBJECT for m in read_concepts(sentence.lower()).mentions))


def _points_back(sentence: str) -> bool:
    """ "Is that what the guidelines say?", "is it right?": the question points back with "that/this/it" and
    names no clinical concept of its own, so it asks about the treatment of the sentence before it."""
    from assistant.compose.intents import POINTS_BACK  # (imported late, as in _bare_tag)

    words = {w.strip("?,.!;:").lower() for w in sentence.split()}
    mentions = read_concepts(sentence.lower()).mentions
    # (a medicine named only by that word points back too: "what is the guideline's position on the drug?")
    return bool(words & POINTS_BACK or any(m.kind == "medicine" for m in mentions)) and all(
        m.kind in _NO_SUBJECT for m in mentions)


#: Concept kinds that give a question no subject of its own ("is that what the guideline says?"; "is that MRD
#: level bad?" asks about the MRD level)
_NO_SUBJECT = frozenset({"source", "meta", "grammar", "person", "disease", "property", "medicine"})


def _asking_part(question: str) -> str:
    """The sentences that ask (ending in '?'); without one, the last sentence.

    >>> _asking_part("The doctors say he should get a transplant. Is that what the guidelines say?")
    'The doctors say he should get a transplant. Is that what the guidelines say?'
    """
    from assistant.compose.cues import says  # (imported late, as in _bare_tag)

    parts = sentences(question)
    # (a request asks too: "…? And tell me how to apply for the high-cost medical expense benefit.", rja98 q37)
    asking = [i for i, s in enumerate(parts) if s.endswith("?") or says(s, "request")] or [len(parts) - 1]
    # a bare tag ("OK?", "agree?", "right?") or a question that points back ("is that right?") asks about the
    # sentence before it
    asking = sorted({j for i in asking for j in ((i - 1, i) if i and (_bare_tag(parts[i]) or _points_back(parts[i]))
                                                   else (i,))})
    # (past a sentence between that names no treatment either: "She will get inotuzumab. I heard it hurts the
    # liver. What is the guideline's position on this drug?")
    asking = sorted({*asking, *(i - 1 for i in asking if i >= 1 and i + 1 in asking and _points_back(parts[i + 1])
                                and not treatments_in(parts[i]))})
    return " ".join(parts[i] for i in asking)


def asked_treatments(question: str) -> list[str]:
    """Treatment concept ids the question's asking sentence names (not negated, not someone else's).

    >>> asked_treatments("He is on dasatinib. Should we switch to ponatinib?")
    ['ponatinib']
    >>> asked_treatments("Relapsed T-ALL after nelarabine: we plan to give blinatumomab. OK?")
    ['blinatumomab']
    >>> asked_treatments("Relapsed ALL 35yo after hyperCVAD, what salvage?")  # (history, not asked)
    []
    >>> asked_treatments("CALGB 10403 pediatric-inspired regimen outcomes")  # (a trial's answer covers its arms)
    []
    >>> asked_treatments("What did the JALSG trial show, and should he also get rituximab?")  # (each part)
    ['rituximab']
    """
    from assistant.compose.intents import question_parts  # (imported late, as in _bare_tag)

    asking = _asking_part(question)
    parts = question_parts(asking)
    if len(parts) >= 2:  # each part by itself: "what did the trial show, and should he also get rituximab?"
        return list(dict.fromkeys(c for part in parts for c in asked_treatments(part)))
    if names_trial(asking):
        return []
    reading = read_concepts(asking.lower())
    if any(m.kind == "meta" for m in reading.mentions):
        return []  # "which CQ and grade for blinatumomab?": the answer is about the grade, not the drug
    lex = load_lexicon()
    return list(dict.fromkeys(m.concept for m in _own_mentions(reading) if m.kind in TREATMENT_KINDS
                              and not lex.concepts[m.concept].generic))


def _own_mentions(reading: Reading) -> list[Mention]:
    """The mentions the asker asks about: not denied, not someone else's, not history."""
    return [m for m in reading.mentions if not (m.negated or m.other_person or m.historical)]


def _ancestors(concept: str) -> list[str]:
    """The concept's classes, nearest first (dasatinib -> tki; pediatric_regimen -> intensive_chemo -> chemotherapy)."""
    return broader_chain(concept)[1:]


def addressed(concept: str, said: set[str]) -> bool:
    """Named; or a class of it is named (for a drug: without naming another drug of that class instead, so
    "asciminib?" answered about ponatinib is not addressed); or a member of it is named (a class asked about); or,
    for a regimen or procedure, an alternative of the same class ("hyper-CVAD?" answered with the pediatric-type
    regimen the guideline prefers)."""
    lex = load_lexicon()
    c = lex.concepts.get(concept)
    if c is None or concept in said:
        return concept in said
    ups = _ancestors(concept)
    if any(s in ups for s in said):
        return c.kind != "drug" or not any(s != concept and lex.concepts[s].kind == "drug" and ups[0] in _ancestors(s)
                                           for s in said if s in lex.concepts)
    if any(concept in _ancestors(s) for s in said):
        return True
    return c.kind != "drug" and bool(ups) and any(ups[0] in _ancestors(s) for s in said)


def concept_label(concept: str) -> str:
    """The lexicon's English label of a concept id (the id itself when unknown)."""
    c = load_lexicon().concepts.get(concept)
    return c.label if c is not None else concept


def subject_of(message: str) -> str:
    """The treatment a relevance finding names (the inverse of its message format), for the note shown with it.

    >>> subject_of(_MESSAGE.format(what="venetoclax"))
    'venetoclax'
    """
    for template in (_MESSAGE, DESCRIBED_MESSAGE, PART_MESSAGE):
        head, tail = template.split("{what}")
        if message.startswith(head) and message.endswith(tail):
            return message.removeprefix(head).removesuffix(tail)
    return message


def _described_anywhere() -> frozenset[str]:
    from assistant.concepts import LEXICON_DIR, lexicon_file

    return frozenset(lexicon_file(LEXICON_DIR, "diseases.yaml").get("described_anywhere") or ())


def described_conditions(question: str) -> list[str]:
    """The patient's conditions that bear on how ALL drugs are given (diseases.yaml `described_anywhere`: diabetes,
    kidney, heart or liver disease) the question names anywhere, not denied and not someone else's.

    >>> described_conditions("45 y with type 2 diabetes on insulin, Ph+ ALL. What induction?")
    ['diabetes']
    >>> described_conditions("No diabetes. Her father had kidney failure. Ph+ ALL: induction?")
    []
    """
    from assistant.claims import negation_words
    from assistant.concepts import clauses

    wanted = _described_anywhere()
    lex = load_lexicon()
    also = {w: c for c in wanted for w in lex.concepts[c].names_also}  # ("heart failure": the adverse event's word)
    denials = negation_words()
    out: list[str] = []
    for clause in clauses(question.lower()):
        toks = tokens(clause)
        # (a condition of the medical history is the patient's still: "既往に２型糖尿病", read "prior type 2 diabetes")
        mentions = read_concepts(clause).mentions
        out += [also.get(m.surface, m.concept) for m in mentions if (m.concept in wanted or m.surface in also)
                and not m.other_person
                and not denials & set(toks[max(0, m.start - 4):m.start])
                and not any(o.other_person and o.start < m.start for o in mentions)]  # ("her father had ...")
    return list(dict.fromkeys(out))


def asked_conditions(question: str) -> list[str]:
    """Conditions besides the leukemia (lexicon kinds `comorbidity`: pregnancy, hepatitis B; `concern`: fertility,
    hair loss, memory) the asking sentence names, not negated and not someone else's: what the question is about as
    well.

    >>> asked_conditions("30F, 20 weeks pregnant, Ph- B-ALL. What does JSH say about chemo timing in pregnancy?")
    ['pregnancy']
    >>> asked_conditions("Pregnant at diagnosis, now in CR1. Should she get a transplant?")
    []
    """
    from assistant.compose.cues import says  # (imported late, as in _bare_tag)

    # (and a worry stated, not asked: "Are they going to radiate my head too? I'm worried about my memory.")
    worries = [s for s in sentences(question) if not s.endswith("?") and says(s, "states_worry")]
    reading = read_concepts(" ".join([_asking_part(question), *worries]).lower())
    described = _described_anywhere()  # (a condition bearing on the drugs has its own note: SCOPE-COMORBID-085)
    return list(dict.fromkeys(m.concept for m in _own_mentions(reading) if m.kind in _CONDITION_KINDS
                              and m.concept not in described))


def asked_concerns(question: str) -> list[str]:
    """The concerns (lexicon kind `concern`: costs, fertility, the hospital stay) that are all the asking sentence
    asks: no treatment named anywhere in it and no "what do we do" ("how do I apply for the sickness allowance?", rja94 q37). No
    source covers them, so lines on anything else answer nothing asked.

    >>> asked_concerns("Long stay ahead. How do I apply for the high-cost medical expense benefit?")
    ['concern_costs']
    >>> asked_concerns("Which hospital is best for an allogeneic transplant?")
    ['concern_hospital_choice']
    >>> asked_concerns("On blinatumomab now. Which side effects matter? What should I eat?")
    []
    """
    from assistant.compose.intents import question_parts  # (imported late, as in _bare_tag)
    from assistant.rules.logic import TREATMENT_QUESTION, normalize  # (imported late: logic imports this module)
    from assistant.rules.scope import asks_price  # (imported late, as above)

    asking = _asking_part(question)
    lex = load_lexicon()
    concerns = [c for c in asked_conditions(question) if lex.concepts[c].kind == "concern"]
    concerns += ["concern_costs"] if "concern_costs" not in concerns and asks_price(asking) else []
    if not concerns:
        return []
    parts = [p for s in sentences(asking) for p in question_parts(s) if not _bare_request(p)]
    if parts and all(_names_concern(p) or asks_price(p) for p in parts):
        return concerns  # (every part asks about a concern; a treatment or "treatment" named in it is its setting:
        # "which hospital is best for a transplant?", "during treatment, which supplements?", rja98 q37)
    if asked_treatments(question) or treatments_in(question) or TREATMENT_QUESTION.search(normalize(asking)):
        return []  # (a part asks of the treatment: "on blinatumomab: side effects? must I stay in hospital?")
    return concerns


def _bare_request(part: str) -> bool:
    """A part that only asks to be told ("tell me.", "please explain"), naming nothing of its own."""
    from assistant.compose.cues import says  # (imported late, as in _bare_tag)

    return says(part, "request") and not read_concepts(part.lower()).mentions


def _names_concern(sentence: str) -> bool:
    lex = load_lexicon()
    return any(lex.concepts[m.concept].kind == "concern" for m in _own_mentions(read_concepts(sentence.lower())))


#: Conditions besides the leukemia a question may ask about: another disease the patient has (pregnancy, hepatitis B)
#: and what the treatment means for the patient's life (fertility, hair, memory, the hospital stay, work).
_CONDITION_KINDS = frozenset({"comorbidity", "concern"})


def check_relevance(question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Chunk]) -> list[Issue]:
    """A warning for each asked treatment, or asked condition besides the leukemia, the answer does not name; a note
    (info) for each part of a several-part question no line touches."""
    if not draft.answer.strip():
        return []
    # sentence by sentence: a line on the class ("TKI after allo-HSCT") answers "imatinib?" even when another line
    # names a trial's dasatinib; the same line naming another member instead does not
    lines = [s.body for s in answer_sentences(draft.answer)]  # (markers after the full stop split sentences too)
    asked = [*asked_treatments(question), *asked_conditions(question)]
    return [*_unnamed_treatments(question, facts, draft, retrieved, lines, asked),
            *_open_parts(question, lines, asked)]


def _open_parts(question: str, lines: Sequence[str], asked: Sequence[str]) -> list[Issue]:
    """A note for each part no line touches, unless it names an `asked` treatment or condition: the warning on that
    treatment already says it is not addressed ("..., and what is the role of rituximab?")."""
    from assistant.compose.sentences import open_parts  # (imported late, as in _bare_tag)

    if not lines:
        return []
    return [Issue(finding=RuleFinding(rule_id=PART_RULE, severity="info", message=PART_MESSAGE.format(what=part)))
            for part in open_parts(question, lines) if not concept_ids(part.lower()) & set(asked)]


def _unnamed_treatments(question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Chunk],
                        lines: Sequence[str], asked: Sequence[str]) -> list[Issue]:
    if not asked:
        return []
    said = [concept_ids(s.lower()) for s in lines]
    lex = load_lexicon()
    out = []
    for c in asked:
        naming = [s for s, one in zip(lines, said, strict=True) if addressed(c, one)]
        if naming and any(not for_other_phase(s, facts) for s in naming):
            continue
        if not naming and _about_it_unnamed(c, question, lines, draft, retrieved):
            continue
        # (named only for another phase, "allo-HSCT in CR1" for a patient in CR2: the patient's phase is not answered)
        what = lex.concepts[c].label + (f" in {_PHASE_WORDS[facts.phase]}" if naming and facts.phase else "")
        out.append(Issue(finding=RuleFinding(rule_id=RELEVANCE_RULE, severity="warn", message=_MESSAGE.format(what=what))))
    return out


def _about_it_unnamed(concept: str, question: str, lines: Sequence[str], draft: Draft,
                      retrieved: Sequence[Chunk]) -> bool:
    """An answer that names no treatment the question does not name, every source it cites naming the asked one,
    answers about it without repeating its name ("What is nelarabine's main toxicity?" - "Neurotoxicity, central and
    peripheral [1]"; "Is a 25-year-old eligible for tisagenlecleucel?" - "Label: yes, 25 or younger at infusion")."""
    named = treatments_in(question.lower())
    if any(treatments_in(s.lower()) - named for s in lines):
        return False
    by_id = chunks_by_id(retrieved)
    cited = [by_id[c.chunk_id] for c in draft.citations if c.chunk_id in by_id]
    return bool(cited) and all(addressed(concept, concept_ids(c.text.lower())) for c in cited)


#: Phases that answer each other's treatment questions: front line, salvage (a second remission reached by it),
#: after a transplant.
_PHASE_GROUPS = ({"newly_diagnosed", "cr1"}, {"relapsed", "refractory", "cr2"}, {"post_hsct"})
_PHASE_WORDS = {"newly_diagnosed": "newly diagnosed ALL", "cr1": "first remission (CR1)",
                "cr2": "second remission (CR2)", "relapsed": "relapse", "refractory": "refractory disease",
                "post_hsct": "the time after allo-HSCT"}


def for_other_phase(sentence: str, facts: PatientFacts) -> bool:
    """The sentence states its treatment for another phase than the patient's ("in CR1" for a patient in CR2), and
    does not deny or restrict it there."""
    from assistant.claims import read_claims
    from assistant.rules.logic import stated_facts

    if not facts.phase:  # (the patient's phase unknown: no other phase to tell apart, nothing to read)
        return False
    # read as the other checkers read the sentence (no bullet, no markers): their readings are reused
    sentence = sentence_body(sentence)
    stated = stated_facts(sentence).get("phase")
    if not stated or stated == facts.phase or any(stated in g and facts.phase in g for g in _PHASE_GROUPS):
        return False
    # (a denial or a restriction answers for the patient's phase: "listed only for relapsed disease, not first-line",
    # "after relapse following allo-HSCT, not in first remission")
    if any(c.polarity < 0 or c.restricted or c.restricted_to or c.stance in _DENIALS
           for c in read_claims(sentence)):
        return False
    toks, lex = tokens(sentence.lower()), load_lexicon()
    for i in range(len(toks)):
        for p in lex.context.negated_before:
            if tuple(toks[i:i + len(p)]) == p:  # a negation right before a phase: "..., not in first remission"
                kinds = {lex.concepts[c].kind for c in concept_ids(" ".join(toks[i + len(p):i + len(p) + 3]))
                         if c in lex.concepts}
                if kinds & {"phase", "phase_of_treatment"} and not kinds & TREATMENT_KINDS:
                    return False
    return True


#: Stances that answer "is X for this phase?" with a no.
_DENIALS = frozenset({"no_standard", "not_recommended", "not_required", "ineffective"})
