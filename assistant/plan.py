"""One reading of a question, built once: what retrieval, drafting and the checks read.

    >>> p = read_question("Relapsed B-ALL, 30 yo: is engineered T-cell treatment an option?")
    >>> p.text
    'Relapsed B-ALL, 30 yo: is CAR-T therapy an option?'
    >>> p.concepts
    ['relapse', 'b_lineage', 'car_t']

The `focus` keeps what the question asks and the clinical facts around it, and leaves out background that names
no clinical concept of the lexicon (comorbidities, labs, jobs, relatives, a side effect mentioned in passing), so
a vignette's details do not take over retrieval and drafting:

    >>> read_question("34M Ph- B-ALL, BMI 31, MRD 0.05% after induction, ferritin 900 — what does that mean? "
    ...               "His father (60) is very anxious.").focus
    '34M Ph- B-ALL, MRD 0.05% after induction, what does that mean?'
    >>> read_question("Newly diagnosed ALL in a 30 year old man, accountant with asthma. His father is 62").focus
    'Newly diagnosed ALL in a 30 year old man.'
    >>> read_question("Ph+ ALL 62F, HbA1c 6.8%, MRD 0.02% after induction").focus
    'Ph+ ALL 62F, MRD 0.02% after induction'
    >>> read_question("blina — target, class, main tox").focus
    'blina — target, main tox'
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from assistant.claims import claim_vocabulary
from assistant.compose.cues import says
from assistant.compose.intents import ASKING_WORDS, POINTS_BACK, Intents, opening, read_intents
from assistant.concepts import TREATMENT_KINDS, concept_ids, quantities, read_concepts, sentences, tokens
from assistant.concepts import clauses as _clauses
from assistant.facts import compared_ages
from assistant.rules.logic import hearsay_sentence
from assistant.rules.scope import WARNING_SYMPTOMS, mentions_all
from assistant.text import first_word, names_trial

__all__ = ["QuestionPlan", "read_question"]

#: Concept kinds that make a background clause part of the clinical question.
_CLINICAL = frozenset({"marker", "lineage", "phase", "drug", "drug_class", "treatment", "procedure",
                       "regimen", "phase_of_treatment", "value_cue", "status_cue", "population", "fitness", "outcome", "source", "property",
                       "concern"})  # (a worry about the treatment's effect on a life: "I'm worried about my memory")
#: Concept kinds of a harm, and of what is asked about a treatment (its side effects, its risks).
_HARM = frozenset({"adverse_event"})
_HARM_ASKED = frozenset({"adverse_event", "property"})


class QuestionPlan(BaseModel):
    """The question as asked, the same question in the lexicon's canonical terms, and its concepts."""

    model_config = ConfigDict(frozen=True)

    question: str = Field(description="The question as asked (cleaned)")
    text: str = Field(description="The question with lay words and misspellings in canonical terms")
    focus: str = Field(description="`text` without background clauses that name no clinical concept")
    concepts: list[str] = Field(default_factory=list, description="Concept ids named, in order (others' left out)")
    intents: Intents = Field(default_factory=Intents, description="What `focus` asks for (read from it once)")
    lay: bool | None = Field(None, description="A patient or relative asks, as read from the question in its own "
                             "language when `question` is its English reading (the Japanese register); None: read "
                             "from `question`")

    def refocus(self, focus: str) -> QuestionPlan:
        """The plan drafting from another focus (a follow-up with the earlier question's focus before it)."""
        if focus == self.focus:
            return self
        return self.model_copy(update={"focus": focus, "intents": read_intents(focus)})

    @classmethod
    def of_text(cls, text: str) -> QuestionPlan:
        """A plan that drafts from `text` as it is (already canonical and focused)."""
        return cls(question=text, text=text, focus=text, intents=read_intents(text))


def _clinical(clause: str) -> bool:
    """The clause names a clinical concept of the patient (ALL written as "ALL", not the word "all")."""
    reading = read_concepts(clause.lower())
    if reading.background and not says(clause, "proposal"):
        return False  # "our unit usually uses hyper-CVAD": the unit's habit, not this patient ("let's give X since
        # it works generally" is a proposal for this patient)
    # (a sign of an emergency on treatment is the patient's state now: "temp 39.5, new confusion" on blinatumomab)
    return mentions_all(clause) or names_trial(clause) or any(
        m.concept == "donor" or (m.kind in _CLINICAL or m.concept in WARNING_SYMPTOMS
                                 or (m.kind == "disease" and m.surface != "all"))
        and not m.other_person for m in reading.mentions)


def _asks(clause: str) -> bool:
    """A clause of a question that asks something of its own ("which drug is listed, and what dose?")."""
    words = clause.split()  # (a terse one naming the plan asked for counts: "if treated, what treatment, and ...")
    return first_word(clause.strip(" ,;:—–-")) in ASKING_WORDS and (
        len(words) >= 3 or (len(words) == 2 and says(clause, "plan_question")))


def _bare_asking_word(clause: str) -> bool:
    """A clause that is an asking word alone, asking about the clause after it ("Why, when he's an adult?")."""
    words = clause.strip(" ,;:—–-").split()
    return len(words) == 1 and first_word(words[0]) in ASKING_WORDS


def _sentence_asks(sentence: str, text: str) -> bool:
    """The sentence asks: it ends in '?' or says a request ("I'd like to know ..."), or the text has no '?' at all and it opens with an asking word ("is
    that normal or should I worry") or is the text's only sentence ("blina — target, class, main tox")."""
    if sentence.rstrip().endswith("?") or says(sentence, "request"):
        return True  # ("... and I want to understand what that means.": a request asks too)
    words = sentence.split()
    if len(words) >= 4 and words[0].lower() in ("and", "also", "plus") and opening(sentence) in ASKING_WORDS:
        return True  # a second question joined on, its "?" left off ("... transplant?? and what are the pills")
    if first_word(sentence) in _YES_NO_OPENERS and (words[1:2] or [""])[0].lower() != "not":
        return True  # (a second question with its "?" left off: "... how long? can i stop once my tests are normal
        # for a year, the tiredness is really bad", r101 q28)
    return "?" not in text and (first_word(sentence) in ASKING_WORDS or len(sentences(text)) == 1)


#: Words that open a yes/no question whatever mark closes it (not "do": "do not stop the TKI" is no question).
_YES_NO_OPENERS = frozenset({"can", "could", "should", "may", "is", "are", "does", "will", "would", "must"})


def _points_back(sentence: str, text: str) -> bool:
    """A short question that asks about the sentence before it ("Keep doing that?", "Is this right?", "is that
    normal or should I worry"): it asks, points back with "that/this/it", and names no clinical concept of its
    own."""
    words = {w.strip("?,.!").lower() for w in sentence.split()}
    # (the guideline named is no subject of its own: "Is that what JSH 2023 recommends?" asks about the sentence
    # before)
    return (_sentence_asks(sentence, text) and len(words) <= 8 and bool(words & POINTS_BACK)
            and (not _clinical(sentence) or _no_subject(sentence)))


def _focus(text: str) -> str:
    """The asking clauses and the clinical clauses of `text` (all of it when nothing would be left out); a short
    question that points back ("Keep doing that?") keeps the whole sentence before it."""
    said = sentences(text)
    kept: dict[int, str] = {}
    heard = hearsay_sentence(text)  # (a claim reported, then asked about: "a friend told us he can stop after
    for i, sentence in enumerate(said):  # 2 years. Is it safe to stop?" keeps the claim, rja94 q28)
        if sentence == heard:
            kept[i] = sentence
            continue
        if i and _points_back(sentence, text):
            kept[i - 1] = said[i - 1]  # "Our unit gives cranial irradiation to all adults. Keep doing that?"
        joined = _kept_clauses(sentence, asks=_sentence_asks(sentence, text))
        if joined:
            kept[i] = joined
    focus = " ".join(kept[i] for i in sorted(kept))
    return focus or text


def _clause_points_back(clause: str) -> bool:
    """ "is that OK per the guideline?": a short clause pointing back with "that/this/it", no clinical concept."""
    words = {w.strip("?,.!—–-").lower() for w in clause.split()}
    return len(words) <= 8 and bool(words & POINTS_BACK) and _no_subject(clause)


def _no_subject(text: str) -> bool:
    """Every concept the text names is of a kind with no subject of its own (the guideline, a person, grammar)."""
    return all(m.kind in _NO_SUBJECT for m in read_concepts(text.lower()).mentions)


def _asks_the_source(clause: str) -> bool:
    """A clause asking what the guideline says and naming nothing else ("what does the guideline say?")."""
    kinds = {m.kind for m in read_concepts(clause.lower()).mentions}
    words = {w.strip("?,.!—–-").lower() for w in clause.split()}
    return "source" in kinds and kinds <= _NO_SUBJECT and not words & POINTS_BACK


def _names_treatment(clause: str, *, harms: bool = False) -> bool:
    """The clause names a treatment (or, with `harms`, a harm: "told to watch for liver problems, what does that
    mean?" asks about the harm)."""
    return _names_kind(clause, TREATMENT_KINDS | _HARM if harms else TREATMENT_KINDS)


#: Concepts that give a clause no subject of its own ("is that OK per the guideline?" asks about what came before).
_NO_SUBJECT = frozenset({"source", "meta", "grammar", "person", "property", "disease"})


def _names_kind(clause: str, kinds: frozenset[str]) -> bool:
    """The clause names a concept of one of `kinds` (not one said of someone other than the patient)."""
    return any(m.kind in kinds and not m.other_person for m in read_concepts(clause.lower()).mentions)


def _is_tag(clause: str) -> bool:
    """A clause that is only a tag asking to confirm what was said before it ("right?", "isn't it?"; claims.yaml
    premise tags)."""
    toks = tokens(clause.lower())
    tags = set(claim_vocabulary().premise["tags"])
    return tuple(toks) in tags or tuple(t for t in toks if t[:1].isalnum() or "'" in t) in tags


def _names_outcome(clause: str) -> bool:
    """A clause of an asking sentence naming an outcome asked for ("Compare TOWER and INO-VATE: response rates,
    survival, main safety signal": each is asked, r71 q25)."""
    return any(says(clause, k) for k in ("asks_remission", "asks_survival"))  # (harms: `_HARM` below)


def _states_level(clause: str) -> bool:
    """A clause of an asking sentence giving a level or a duration ("if 10^-3 (0.1%) or more, high risk, right?"):
    the value the question turns on (rja91 q19: the level put to be confirmed had been dropped as background)."""
    values = [q for q in quantities(clause) if q.kind in ("level", "duration")]
    # (the leukemia's own level or its risk, not another test's: "HbA1c 6.8%" stays background)
    return bool(values) and (any(q.kind == "duration" or q.notation == "power" for q in values) or bool(
        concept_ids(clause.lower()) & _LEVEL_SUBJECTS) or "risk" in clause.lower())


#: What a level in an asking sentence may be of for it to stay in the focus.
_LEVEL_SUBJECTS = frozenset({"mrd", "bcr_abl1"})


def _holds_list_mark(clause: str) -> bool:
    """The clause holds a list item's mark ("(2)", or "b)" opening it): it keeps the list's structure ("..., and (2)
    hypothetically, if he relapses ...": the second item starts there, r94 q34); a bracketed note ending in a
    number ("(case 2)") is no mark.

    >>> _holds_list_mark("and (2) hypothetically"), _holds_list_mark("2) if he relapses"), _holds_list_mark("(case 1)")
    (True, True, False)
    """
    toks = tokens(clause.lower())
    lead = 1 if toks[:1] == ["and"] else 0
    return any(toks[k - 1:k + 2:2] == ["(", ")"] and toks[k] in _MARKS for k in range(1, len(toks) - 1)) or (
        toks[lead + 1:lead + 2] == [")"] and toks[lead:lead + 1] != [] and toks[lead] in _MARKS)


#: The marks a question's list items take ("(1)", "b)"): one letter or digit ("(60)" is an age).
_MARKS = frozenset("abcde123456789")


def _kept_clauses(sentence: str, *, asks: bool) -> str:
    """The asking and clinical clauses of one sentence (`asks`: the sentence asks), with the sentence's end (so
    the next does not run on)."""
    clauses = _clauses(sentence)
    # (a clause asking about the one before it keeps that one: "our unit always uses hyper-CVAD - is that OK?"; and
    # an asking clause naming no subject of its own asks about the one before, whatever it names: "hepatitis B
    # reactivation, what does the guideline say?")
    # (and a tag asks about the claim before it: "and the threshold is 0.1% or more, right?")
    back = {k - 1 for k, c in enumerate(clauses) if k and asks and k == len(clauses) - 1 and (
        _clause_points_back(c) and _names_treatment(clauses[k - 1], harms=True) or _asks_the_source(c)
        or _is_tag(c))}
    # (and when the asking clause asks about harms, the harms the sentence lists before it: "liver toxicity, VOD/SOS,
    # side effects and risks?"; not a comorbidity beside "what consolidation?")
    harms = asks and bool(clauses) and _names_kind(clauses[-1], _HARM_ASKED)
    # (and the ages an asking sentence compares: "aged 25 and aged 50, does treatment differ?")
    ages = set(compared_ages(sentence)) if asks else set()
    part = [c.strip(" —–-") if k == len(clauses) - 1 and asks else c
            for k, c in enumerate(clauses)
            if (asks and (k == len(clauses) - 1 or _asks(c) or _bare_asking_word(c) or _names_outcome(c)))
            or _clinical(c) or k in back or (harms and _names_kind(c, _HARM)) or ages & set(tokens(c))
            or (asks and _states_level(c)) or (asks and says(c, "asked_object")) or _holds_list_mark(c)]  # (what a request asks for,
    # named alone between commas: 「…陽性化した場合の対応と、…」 read "…, management, and …", rja113 q38)
    joined = " ".join(" ".join(part).split()).rstrip(",;:—–- ")
    end = sentence.rstrip()[-1:]
    return joined if not joined or joined[-1] in ".?!" or end not in ".?!" else joined + end


def read_question(question: str) -> QuestionPlan:
    """Read a question into a plan (pure; the lexicon is loaded once per process)."""
    reading = read_concepts(question.lower(), source=question)
    ids = list(dict.fromkeys(i for i in reading.ids() if i != "all"))
    focus = _focus(reading.text)
    return QuestionPlan(question=question, text=reading.text, focus=focus, concepts=ids, intents=read_intents(focus))
