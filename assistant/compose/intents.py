"""What a question asks, read once from its text: the intents the drafter and the LLM prompt follow (a yes/no
question about the guideline's position, a definition, evidence, a duration, a comparison, stated grades...), the
clause that asks and the parts of a several-part question.

    >>> i = read_intents("Does JSH recommend blinatumomab or inotuzumab for relapsed B-ALL?")
    >>> i.status, i.comparison, i.definition
    (True, True, False)
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from assistant.compose.cues import cue, says
from assistant.compose.subject import asking_sentences
from assistant.concepts import clauses, concept_ids, load_lexicon, quantities, read_concepts, sentences, treatments_in
from assistant.concepts import tokens as concept_tokens
from assistant.facts import about_a_patient
from assistant.models import PatientFacts
from assistant.rules.frames import premise_form
from assistant.rules.logic import TREATMENT_QUESTION
from assistant.text import TRIAL_RE, first_word, term_at, tokenize, trial_keys, words

__all__ = ["Intents", "read_intents", "is_status_question", "asks_position", "is_definition_question",
           "knowledge_question", "asking_clause", "question_parts", "question_pieces", "stated_grades", "STATUS_QUESTION",
           "supposed_items", "list_lead", "list_items"]


#: "Does the guideline recommend X?", "Is X the standard?", "What grade / CQ number ...?"
#: (within one sentence: "he is 35 and had a transplant. His doctor says ..." is no "is ... says" question)
_IN_SENTENCE = r"(?:[^?.!]|\.(?=\w))"
STATUS_QUESTION = re.compile(
    r"\b(?:does|do|did|is|are|would|will|has|have)\b" + _IN_SENTENCE + r"{0,80}\b(?:recommend\w*|endorse\w*|standard|approv\w*"
    r"|position|support\w*|includ\w*|list(?:s|ed)?|cover\w*|prefer\w*|favou?r\w*|handle\w*|address\w*"
    r"|mention\w*|say|says|state|states)\b"
    r"|\b(?:should|when)\b" + _IN_SENTENCE + r"{0,80}\b(?:per|according\s+to|under)\s+(?:the\s+)?(?:jsh|guidelines?)\b"
    r"|\b(?:grades?|cq(?:\s*numbers?)?|clinical\s+questions?)\b"
    r"|\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?:jsh(?:\s+2023)?|guidelines?|summary)\b[^?]{0,30}\b(?:say|state|tell)",
    re.IGNORECASE)


#: A request to put a claim about the guideline in writing ("write a letter saying JSH 2023 recommends X").
_CLAIM_REQUEST = re.compile(
    r"\b(?:saying|stating|that\s+says|to\s+say|claiming|confirming)\s+(?:that\s+)?(?:the\s+)?(?:jsh|guideline)"
    r"[^.?!]{0,40}\b(?:recommends?|endorses?|approves?|supports?)\b"
    # a claim taken for granted before the question ("As the guideline now recommends X, how many cycles?")
    r"|^\W*(?:as|since|because|given\s+that|now\s+that)\s+(?:the\s+)?(?:jsh(?:\s+2023)?|guidelines?)\s+"
    r"(?:now\s+|also\s+|has\s+)?(?:recommends?|endorses?|approves?|supports?|made|makes|names?|named|lists?|listed"
    r"|declared?|declares)\b", re.IGNORECASE)


def is_status_question(question: str) -> bool:
    """A yes/no question about the guideline's position ("does JSH recommend X?", "JSH recommends X, correct?",
    "which does JSH prefer?"): its yes or no leads the answer. "Why is X recommended?" and "what does JSH say
    about X?" are open questions: see `asks_position`."""
    if (_tagged(question) and says(question, "guideline_word")) \
            or says(question, "grade_question"):
        return True  # a claim to check, or a grade or CQ number (which the corpus says it does not have)
    if _CLAIM_REQUEST.search(question) or stated_claim(question):
        return True  # the claim to put in writing, or stated as a premise, is checked like a yes/no question
    if says(question, "duration_question") and says(question, "guideline_word"):
        return True  # "how long should maintenance last per JSH?": a duration the summary gives, or says it does not
    if first_word(question) in ("why", "how"):
        return False
    if any(s.endswith("?") and premise_form(s).yes_no and says(s, "guideline_word") and TRIAL_RE.search(s)
           for s in sentences(question)):
        return True  # "has E1910 changed JSH?": a yes/no question on what a trial did to the guideline
    if _which_or(question):
        return True  # "A or B, which one?": the guideline's own preference (or its absence) answers it
    if any(s.endswith("?") and says(s, "guideline_name") and says(s, "asserts") and not words(s) & _OPEN_WORDS
           for s in sentences(question)):
        return True  # a terse yes/no with no verb before it: "E1910 blina consolidation JSH 2023 recommended?"
    if any(s.endswith("?") and says(s, "by_the_guideline") and treatments_in(s) and not words(s) & _OPEN_WORDS
           and not premise_form(s).compares for s in sentences(question)):
        return True  # a treatment put to the guideline: "blina per JSH?" (a choice, "A or B per JSH?", is the rules')
    m = STATUS_QUESTION.search(question)
    if not m:
        return False
    # "what does JSH recommend / say ...", "what is its position": open questions about the content
    return not words(question[: m.start() + 5]) & {"what", "who", "where", "when"}


_OPEN_WORDS = frozenset({"what", "which", "how", "why", "when", "who", "where"})


def _tagged(question: str) -> bool:
    """A sentence of the question asks to confirm a claim: a tag ("..., right?") or a request ("confirm that ...").

    >>> _tagged("JSH recommends ponatinib first-line, right? Which trial supported that?")
    True
    """
    return any((f := premise_form(s)).tagged or f.confirms for s in sentences(question))


def stated_claim(question: str) -> str:
    """The sentence that states, as a premise, what the guideline recommends ("E1910 showed X, so JSH 2023
    recommends Y for all Z. What schedule does it give?"): a sentence that does not ask, names the guideline and
    asserts its stance, with no negation. "" when there is none.

    >>> stated_claim("E1910 showed benefit, so JSH 2023 recommends blinatumomab for all. What schedule does it give?")
    'E1910 showed benefit, so JSH 2023 recommends blinatumomab for all.'
    >>> stated_claim("JSH does not recommend ponatinib first-line. Which TKI then?"), stated_claim("Does JSH recommend X?")
    ('', '')
    >>> stated_claim("JSH 2023 lists blinatumomab as standard consolidation - what's the grade?")
    'JSH 2023 lists blinatumomab as standard consolidation.'

    """
    from assistant.rules.frames import stated_part

    said = sentences(question)
    # (a premise comes before the question, "cns ppx - what does JSH recommend" asks; in the same sentence, the
    # part before the question: "JSH lists X as standard - what's the grade?")
    last = stated_part(said[-1]) if said else ""
    stated = [*said[:-1], *([last] if said and last != said[-1] else [])]
    for sentence in stated:
        if sentence.endswith("?") or words(sentence) & _ASKING:
            continue
        if says(sentence, "guideline_name") and says(sentence, "asserts") and not says(sentence, "negation"):
            return sentence
    return ""


def _which_or(question: str) -> bool:
    """ "A or B, which one?", "which is better, A or B?": `which ... or`, or `or ... which one/is/should`, with no
    question mark between."""
    for part in question.split("?"):
        which = term_at(part, "which")
        if which >= 0 and term_at(part, "or", which + 5) >= 0:
            return True
        either = term_at(part, "or")
        if either >= 0 and any(term_at(part, f"which {w}", either) >= 0 for w in ("one", "is", "should")):
            return True
    return False


def asks_position(question: str) -> bool:
    """Any question about what the guideline says or does not say, yes/no or open ("anything specific in JSH?",
    "any guidance from the guideline?": a question naming the guideline and asking whether it has anything)."""
    return is_status_question(question) or (bool(STATUS_QUESTION.search(question))
                                            and first_word(question) != "why") or any(
        s.rstrip().endswith("?") and says(s, "guideline_source") and says(s, "asks_anything")
        for s in sentences(question))



def prefer_question(question: str) -> bool:
    """Asks for a preference or names alternatives ("prefer", "better", "vs", "which", "or")."""
    return says(asking_sentences(question), "prefer_words") or bool(words(question) & {"which", "or"})


def either_or(question: str) -> bool:
    """Asks which of two options ("prefer", "vs", or `which ... or` with no question mark between), in the sentences
    that ask: a wish in the case ("Wife would prefer to avoid transplant. Does JSH still recommend it?") asks none.

    >>> either_or("Wife would prefer to avoid transplant. Does JSH still recommend allo-HSCT?"), either_or("HD-MTX or HD-AraC: which is preferred?")
    (False, True)
    """
    return says(asking_sentences(question), "prefer_words") or any(
        {"which", "or"} <= words(part) or words(part) & {"which", "or"} and treatments_named(part) >= 2
        for part in question.split("?"))  # ("blina InO which is recommended?", "blina or ino first?": two options)


def treatments_named(text: str) -> int:
    """How many treatments (drugs, classes, regimens, procedures, general ones: "more chemo") a text names."""
    return len(treatments_in(text))


def asks_indication(question: str) -> bool:
    """Asks who or when a treatment is used (cues.yaml `asks_indication`, or a part opening on who/when with a use
    word: "who is blinatumomab used for?"); not "which TKI should be used for maintenance?".

    >>> asks_indication("Who is blinatumomab used for?"), asks_indication("Which TKI should be used for maintenance?")
    (True, False)
    """
    lasts = [part.split(". ")[-1] for part in question_parts(question)]  # (each part's asking sentence)
    return says(question, "asks_indication") or any(
        first_word(s).lower() in ("who", "when", "whom") and words(s) & set(cue("indication_words")) for s in lasts)


def asks_evidence(question: str) -> bool:
    """Asks for the evidence, the trials or the rationale, or whether a treatment works (cues.yaml `asks_evidence`,
    `asks_efficacy`).

    >>> asks_evidence("What evidence backs the 5-year rule?"), asks_evidence("It came back after transplant")
    (True, False)
    >>> asks_evidence("Does blinatumomab actually work?")
    True
    """
    return says(question, "asks_evidence") or says(question, "asks_efficacy")


def _knowledge_words(question: str) -> bool:
    """A list, a definition, a comparison, what the guideline says, a duration (cues.yaml `knowledge_question`;
    "what does [the] [JSH 2023] guideline/summary say/state" from three cue lists)."""
    q = question.lstrip(" \t\"'([-*•>#:")
    return says(q, "knowledge_question") or (says(q, "asks_what_said") and says(q, "guideline_source")
                                              and says(q, "say_words"))


def knowledge_question(question: str, facts: PatientFacts) -> bool:
    """A question about the guideline or a trial rather than a patient: missing patient facts are not asked for.

    >>> knowledge_question("What age range is meant by AYA?", PatientFacts(age_band="aya"))
    True
    >>> knowledge_question("Ph+ ALL relapsed after transplant, what now?", PatientFacts(ph_status="positive"))
    False
    """
    return not about_a_patient(question, facts) and (_knowledge_words(question) or TRIAL_RE.search(question) is not None)


#: "What is meant by AYA?", "what does CMR mean", "define high risk", "how is LBL defined", "what counts as ..."
_DEFINE_Q = re.compile(
    r"\b(?:is|are)\s+(?:meant|defined|counted)\s+(?:by|as)\b|\bwhat\s+(?:age\s+range\s+|ages?\s+)?(?:does|do)\s+[^?]{1,40}?\s+(?:mean|stand\s+for"
    r"|refer\s+to)\b|\bdefin(?:e|es|ed|ition\s+of)\b|\bhow\s+(?:is|are)\s+[^?]{1,40}?\s+defined\b|\bwhat\s+counts\s+as\b"
    r"|\bmeaning\s+of\b|\bdistinguish(?:es|ed)?\b|\btell\s+(?:\w+\s+){0,2}apart\b"  # (r114 q38: how two are told apart)
    r"|^\W*what\s+(?:is|are)\s+(?:an?\s+)?[\w+/-]{2,14}\s*(?:\?|,|\band\b|$)",  # "what is MRD (and why ...)?"
    re.IGNORECASE)
_COPULA = re.compile(r"^(?:[\w+:()/-]+\s+){1,5}?(?:is|are)\s+(?!not\b|no\b|one\s+of\b|\w+ed\b|\w+en\b)(?=(?:a|an|the|[\w-]+)\s)",
                     re.IGNORECASE)
_DEFINE_WORDS = frozenset(["meant", "mean", "means", "define", "defined", "definition", "meaning", "range", "context",
                           "count", "counts", "stand", "refer", "term", "word"])


def is_definition_question(question: str) -> bool:
    """ "What age range is meant by AYA?", "how is high-risk MRD defined?"

    >>> is_definition_question("What age range is meant by 'AYA'?"), is_definition_question("Treat AYA how?")
    (True, False)
    >>> is_definition_question("What does CMR mean?"), is_definition_question("what does that number mean for him?")
    (True, False)
    >>> is_definition_question("They found T315I. What does that mean?"), is_definition_question("MRD 0.02%. What does that mean?")
    (True, False)
    """
    m = _DEFINE_Q.search(question)
    if m is None:
        return False
    said = m.group(0).split()
    # "what does that number mean for him?" asks what a result means for the patient, not what a term means; "a
    # mutation called T315I. What does that mean?" points back at a term (no number told)
    return not (len(said) > 2 and said[2].lower() in _POINTS_BACK and (len(said) > 4 or quantities(question)))




def asks_what_it_is(part: str) -> bool:
    """A part asking what the thing named before it is ("Can he get CAR T cells, and what is it?").

    >>> asks_what_it_is("what is it"), asks_what_it_is("and what are they?"), asks_what_it_is("what is it for him")
    (True, True, False)
    """
    said = [w.strip("?,.!").lower() for w in part.split()]
    said = said[1:] if said[:1] == ["and"] else said
    return len(said) == 3 and said[0] == "what" and said[1] in ("is", "are", "'s") and said[2] in _POINTS_BACK


def _ends_asking_what_it_is(part: str) -> bool:
    """The part's last sentence asks what the thing its sentence before named is ("Everyone keeps talking about
    'MRD'. What is that", r54 w19)."""
    said = sentences(part)  # (of a treatment, "new antibody drugs. What are they": its drugs' rules answer)
    return len(said) >= 2 and asks_what_it_is(said[-1]) and not treatments_in(said[-2])


_CLAUSES = re.compile(r"(?<=[.;!])\s+|(?<=\?)\s+|\s+[—–]\s+|,\s+(?=(?:is|are|does|do|should|shd|can|would|will|what|which|how|when)\b)",
                      re.IGNORECASE)


def asking_clause(question: str) -> str:
    """The clause that asks, when a case description comes first ("48yo Ph-neg, CR1, MRD neg. is allo in CR1
    recommended?" asks about allo-HSCT); the whole question when it is one clause or the case follows it.

    >>> asking_clause("48yo Ph-neg in CR1, MRD neg. is allo in CR1 recommended?")
    'is allo in CR1 recommended?'
    >>> asking_clause("Is ponatinib first-line? I read it in a paper")
    'Is ponatinib first-line? I read it in a paper'

    A clause that points back ("can I stop them?") asks about what the clause before it named:

    >>> asking_clause("I have ALL. The maintenance pills make me sick. Can I just stop them?")
    'The maintenance pills make me sick. Can I just stop them?'
    >>> asking_clause("My son is 20. They'll give him the pediatric-type regimen. Why, when he's an adult?")
    "They'll give him the pediatric-type regimen. Why, when he's an adult?"
    >>> asking_clause("55yo Ph- B-ALL CR1, MRD+ at 0.1%. blina per JSH? or straight to allo?")
    'blina per JSH? or straight to allo?'
    """
    parts = [p for p in _CLAUSES.split(question.strip()) if p.strip()]
    if len(parts) < 2 or not parts[-1].rstrip().endswith("?"):
        return question
    last = parts[-1]
    if len(parts) >= 3 and len(parts[-2].strip(" ,;:—–-").split()) == 1 and first_word(parts[-2]) in _ASKING:
        # "They'll give him the children's treatment. Why, when he's an adult?": "why" asks about what came before
        return question[question.rfind(parts[-3]):]
    if len(parts) >= 3 and len(_own_words(last)) < 2 and _tagged(last):
        # ("... on imatinib — we can stop the TKI now, can't we?": the tag asks about the clause it follows, r64 q25)
        return question[question.rfind(parts[-2]):]
    if _POINTS_BACK & set(concept_tokens(last.lower())) or first_word(last) == "or" or _changes_nothing_named(last):
        # ("blina per JSH? or straight to allo?": an alternative to the question before, asked with it)
        return question[question.rfind(parts[-2]):]
    return last if len(_own_words(last)) >= 2 or _names_a_subject(last) else question


def _changes_nothing_named(clause: str) -> bool:
    """A change asked with its object left out ("maintenance pills. can I stop?", "…can I take a break?"): it is
    about the treatment the clause before named.

    >>> _changes_nothing_named("can I stop?"), _changes_nothing_named("can I stop the TKI?")
    (True, False)
    """
    kinds = {m.kind for m in read_concepts(clause.lower()).mentions}
    return "change" in kinds and not kinds & _CHANGED_KINDS


#: What a change is made to (a drug, a phase of treatment, the pills).
_CHANGED_KINDS = frozenset({"drug", "drug_class", "medicine", "regimen", "treatment", "phase_of_treatment",
                            "procedure"})


def asks_harms(question: str) -> bool:
    """The asking clause itself asks about harms ("what side effects?"), or the asking clause of another question of
    the message does ("...blinatumomab. What side effects are common? Do I have to stay in hospital?"); one that only
    tells of them before asking something else ("The side effects are awful. Can I just stop it?", "side effects, can
    I stop?") does not."""
    for text in dict.fromkeys([asking_clause(question), *question_parts(question)[:-1]]):
        asking = clauses((sentences(text) or [text])[-1])[-1:] or [text]
        if any(says(asking[0], c) for c in ("asks_side_effects", "asks_cautions", "asks_toxicity")):
            return True
        if says(asking[0], "asks_management") and read_concepts(asking[0].lower()).ids(kind="adverse_event"):
            return True  # ("how are CRS and neurotoxicity managed?")
    return False


def _own_words(clause: str) -> list[str]:
    """The clause's content words beyond the disease and the source it names ("what does the guideline say
    JSH2023 ALL?" has none: it asks about what the clause before it named)."""
    named = {t for m in read_concepts(clause.lower()).mentions if m.kind in _NO_SUBJECT_KINDS
             for t in tokenize(m.surface)}
    return [t for t in tokenize(clause) if t not in named]


def _names_a_subject(clause: str) -> bool:
    """A short clause naming what it asks about ("what side effects?", "which TKI?"), not only pointing on ("what
    next?")."""
    return any(m.kind not in _NO_SUBJECT_KINDS for m in read_concepts(clause.lower()).mentions)


_NO_SUBJECT_KINDS = frozenset({"disease", "grammar", "person", "meta", "source"})


_POINTS_BACK = frozenset({"them", "it", "they", "this", "that", "these", "those"})


#: Where a question with several parts splits: "...? What ...", "; ", "(a) ... (b) ...", ", and how ...".
#: The words that join a second question ("..., and what ...", "..., plus what ..."): cues.yaml part_joiners.
_JOINERS = "|".join(j.replace(" ", r"\s+") for j in cue("part_joiners"))  # (plain words, spaces as \s+)
_PART_SPLIT = re.compile(
    r"\?\s+|;\s*|\(\s*[a-e1-9]\s*\)|(?:^|(?<=\s))[a-e1-9]\)\s|(?:^|(?<=[?.:;!]\s))[1-9]\.\s"
    r"|,?\s+(?:" + _JOINERS + r")\s+(?=(?:what|which|how|when|why|where|does|do|dose|is|are|should|can|would|will"
    r"|whether)\b)"
    r"|,\s+(?=(?:what|which|how|when|why|whether)\b)"
    # "..., is there a standard one?": a yes/no question after a comma (a part only beside another asking part)
    r"|,\s+(?=(?:is|are|does|do|should|can|could|would|will)\s)"
    # ("..., and who led it?": a person asked for; "who" after a bare comma opens a relative clause: "a man, who ...")
    r"|,\s+and\s+(?=who\s)"
    # ", and for ALL which antibody ...": a second question led by its setting; also a setting with a comma, or a
    # case it supposes (", and for a patient who relapses, which drug ...?", ", and if he relapses, what then?")
    r"|,\s+and\s+(?=(?:for|in|about|with|from|at|by|to|after|before)\s[^,?;]{0,40}?\b(?:what|which|how|when|whether)\b)"
    # (the supposition's comma may be left out: ", and if she relapses later what medicines are there?", r93 q33)
    r"|,\s+and\s+(?=(?:(?:hypothetically|then|later|also)\s+)?(?:for|in|with|after|if|once|when)\s[^?;]{0,130}?"
    r"(?:,\s*(?:what|which|how|when|whether|would|should|could|can|is|are|does|do|will)"
    r"|\s(?:what|which|how|whether))\b)",
    re.IGNORECASE)
_PART_GENERIC = frozenset(["standard", "approach", "done", "used", "counts", "count", "happen", "happens", "mean",
                           "means", "level", "kind", "type", "way", "ways", "thing", "things", "part", "stay", "stays",
                           "role", "roles", "place", "importance", "significance", "value", "relevance", "fit", "fits",
                           "belong", "belongs", "come", "comes", "sit", "sits",
                           # (who the patient is to the asker, a plan to start it, "what kind of drug is it?": the
                           # drug the part points to is its subject, not "antibody-drug conjugate")
                           "father", "mother", "dad", "mum", "mom", "husband", "wife", "son", "daughter", "brother",
                           "sister", "parent", "starting", "started", "start", "drug", "drugs", "medicine",
                           "medicines", "medication",
                           # a bare verb left of a part ("must have?" from "入院しないといけない"): no subject
                           "have", "has", "had", "having",
                           # a request for anything the sources hold ("any guidance?"): no subject of its own (the
                           # guideline's position is asked, `asks_position`; "guidance for children" is no answer)
                           "guidance", "advice", "anything", "something", "info", "information"])


#: The first words of an asking part.
_ASKING = frozenset(["what", "wat", "whats", "which", "how", "when", "why", "where", "who", "whether", "is", "are", "does",
                     "do", "dose", "did", "should", "shd", "can", "could", "would", "will", "list", "name", "describe",
                     "compare", "explain", "define"])


#: The first words of an asking part (read by the plan's focus too), and the words that point back.
ASKING_WORDS = _ASKING
POINTS_BACK = _POINTS_BACK


def opening(clause: str) -> str:
    """The clause's first word after the words that join it on ("And what is ...": "what")."""
    words = clause.split()
    while len(words) > 1 and words[0].lower().strip(",") in _LEADING:
        words = words[1:]
    return first_word(" ".join(words))


#: Words that join a clause on before it asks ("and", "but", "so", "plus", "also", "then").
_LEADING = frozenset({"and", "but", "so", "plus", "also", "then", "or"})


def question_pieces(question: str) -> list[tuple[str, bool]]:
    """The question cut wherever a part may start, each piece with whether it asks (it ends in '?' or opens with
    an asking word); a piece that only describes ("72F Ph+ ALL") carries facts for the others.

    >>> question_pieces("HD-MTX consol Ph- 52y: supported? dose?")
    [('HD-MTX consol Ph- 52y: supported', True), ('dose', True)]
    >>> question_pieces("Venetoclax for AML induction, and for ALL which antibody targets CD22?")
    [('Venetoclax for AML induction', False), ('for ALL which antibody targets CD22', True)]
    >>> question_pieces("Relapsed T-ALL: which drug is listed, and what is the usual dose?")
    [('Relapsed T-ALL: which drug is listed', True), ('what is the usual dose', True)]
    >>> question_pieces("72F Ph+ ALL; what dose of dasatinib?")
    [('72F Ph+ ALL', False), ('what dose of dasatinib', True)]
    >>> question_pieces("And what is the VOD risk if we transplant, plus what dose of defibrotide is used?")
    [('And what is the VOD risk if we transplant', True), ('what dose of defibrotide is used', True)]
    """
    out, start = [], 0
    for m in [*_PART_SPLIT.finditer(question), None]:
        end = m.start() if m is not None else len(question)
        asked = question[end:end + 1] == "?" or (m is None and question.rstrip().endswith("?"))
        piece = question[start:end].strip(" ,.:?")
        if piece:
            # (the "::" of a name, "BCR::ABL1", is no break: concepts.name_colon)
            clauses = [c.strip() for c in piece.replace("::", "__").replace(":", ",").split(",") if c.strip()]
            out.append((piece, asked or any(opening(c) in _ASKING for c in clauses)))
        start = m.end() if m is not None else end
    return out


_LEADING_PREPOSITIONS = frozenset({"for", "in", "about", "with", "from", "at", "by", "to", "after", "before"})


def _opens_asking(part: str) -> bool:
    """The part opens with an asking word, or with its setting and then one ("from what age ...", "for T-ALL which
    ..."); a case told before a colon or a dash opens with what follows it ("Ph+ ALL in CR1: which TKI ...")."""
    for sep in (": ", " - ", " – ", " — "):
        part = part.rsplit(sep, 1)[-1]
    words = part.split()
    if words and words[0].lower() in _LEADING_PREPOSITIONS:
        return any(first_word(w) in _ASKING for w in words[1:3])
    return first_word(part) in _ASKING


def _list_marks(question: str) -> list[re.Match[str]]:
    """The item marks of a list the question numbers or letters ("(1)", "2)", "3. ", "(a)")."""
    return [m for m in _PART_SPLIT.finditer(question) if len(mark := m.group().strip(" ().")) == 1 and mark.isalnum()]


def list_items(question: str) -> list[str]:
    """The items of a list the question asks ("three points: (1) induction, (2) allo in CR1, (3) TKI after
    transplant"; "1. ... 2. ..."), each a part whether or not it opens with an asking word; [] without a list.

    >>> list_items("Ph+ ALL, three points: (1) basics of induction, (2) should we transplant in CR1")
    ['basics of induction', 'should we transplant in CR1']
    >>> list_items("1. what share is Ph-positive? 2. does it rise with age?")
    ['what share is Ph-positive', 'does it rise with age']
    """
    marks = _list_marks(question)
    if len(marks) < 2:
        return []
    ends = [m.start() for m in marks[1:]] + [len(question)]
    items = [question[m.end():end].strip(" ,.:;?") for m, end in zip(marks, ends, strict=True)]
    return items if all(items) else []


def list_lead(question: str) -> str | None:
    """The words before a numbered list's first item ("For Ph+ ALL: 1) ... 2) ..." -> "For Ph+ ALL:"), or None
    when the question has no list.

    >>> list_lead("For Ph+ ALL: 1) allo in CR1? 2) TKI after transplant?"), list_lead("Ph+ ALL: allo in CR1?")
    ('For Ph+ ALL:', None)
    """
    marks = _list_marks(question)
    return question[:marks[0].start()].strip() if len(marks) >= 2 and list_items(question) else None


def supposed_items(question: str) -> list[str]:
    """The items of a numbered list that suppose a case ("2) if the patient is not transplanted, how long ...?",
    "3) after transplant, what if MRD turns positive?"): what they suppose is no fact of the patient the other items
    ask about.

    >>> supposed_items("Ph+ ALL: 1) allo in CR1? 2) if the patient is not transplanted, how long TKI?")
    ['if the patient is not transplanted, how long TKI']
    """
    return [item for item in list_items(question)
            if {"if", "suppose", "supposing", "unless", "once"} & set(item.lower().replace(",", " ").split()[:6])]


def question_parts(question: str) -> list[str]:
    """The parts of a question that asks several things (one part when it asks one).

    >>> question_parts("When is MRD assessed and what level is high risk? What is MRD used to decide?")
    ['When is MRD assessed', 'what level is high risk', 'What is MRD used to decide']
    >>> question_parts("72F Ph+ ALL what induction")
    ['72F Ph+ ALL what induction']
    >>> question_parts("28M T-ALL relapsed, what salvage")
    ['28M T-ALL relapsed, what salvage']
    >>> question_parts("dad is 70, no Ph. what treatment is there for his age, is there a standard one?")
    ['dad is 70, no Ph. what treatment is there for his age', 'is there a standard one']
    >>> question_parts("MRD cutoff post-induction per JSH23? flow or PCR? which timepoints?")
    ['MRD cutoff post-induction per JSH23', 'flow or PCR', 'which timepoints']
    >>> question_parts("Ph+ ALL in CR1, no transplant: which TKI for maintenance and how long should it continue?")
    ['Ph+ ALL in CR1, no transplant: which TKI for maintenance', 'how long should it continue']

    A second part led by its setting or by a case it supposes starts at ", and" (the words between are its setting):

    >>> question_parts("Ph+ ALL at 62: what induction, and if he relapses later with T315I, what then?")
    ['Ph+ ALL at 62: what induction', 'what then']
    """
    items = list_items(question)
    if items:
        return items
    parts = [p.strip(" ,.:?") for p in _PART_SPLIT.split(question)]
    # (a terse request for a plan counts: "initial regimen per JSH for AYA, and does he need cranial RT?")
    lasts = [(p, (sentences(p) or [p])[-1]) for p in parts]
    asking = [p for p, last in lasts if len(last.split()) >= 2  # ("…. Why, when he's an adult?": one part)
              and (_opens_asking(last) or says(last, "plan_request") or _asks_in_place(last, question))]
    asking = _with_lead_ins(parts, asking, question)
    if len(asking) < 2:  # terse questions one after another, each with its "?" ("MRD cutoff per JSH? flow or PCR?
        # which timepoints?"); a case description before one question ("28M T-ALL relapsed, what salvage") is one
        # (and a request after a question, as a Japanese 「…も教えて」 reads: "... recommended? recommendation evidence
        # level tell me.", rja108 q29)
        said = sentences(question)
        asking = [p.strip(" ,.:?") for k, p in enumerate(said) if len(p.split()) >= 2 and (
            p.rstrip().endswith("?") or (k and said[k - 1].rstrip().endswith("?") and says(p, "request")))]
    if len(asking) < 2:
        asking = _requested_parts(question)
    return asking if len(asking) >= 2 else [question.strip()]


def _with_lead_ins(parts: list[str], asking: list[str], question: str) -> list[str]:
    """Each asking part with the statement that opens its sentence after a question before it ("... how do they pick
    one? I am very worried about side effects, what should we watch for": the worry says what is watched for, r107
    q27)."""
    out = []
    for k, p in enumerate(parts):
        if p not in asking:
            continue
        lead = parts[k - 1] if k else ""
        at = question.find(lead) if lead and lead not in asking else -1
        if at > 0 and question[:at].rstrip().endswith("?") and not sentences(lead)[1:]:
            p = f"{lead}, {p}"
        out.append(p)
    return out


def _requested_parts(question: str) -> list[str]:
    """Two things asked in one request, each with its own subject, joined by ", and" ("the management when MRD turns
    positive after allo-HSCT, and conversely the TKI duration when no transplant is done"; 「…の対応と、…のTKI継続
    期間を教えて」 as read, rja113 q38): a part each; [] otherwise.

    >>> _requested_parts("Ph+ ALL: the management if MRD turns positive after allo-HSCT, and the TKI duration if no transplant")
    ['Ph+ ALL: the management if MRD turns positive after allo-HSCT', 'the TKI duration if no transplant']
    >>> _requested_parts("MRD definition, and timing tell me"), _requested_parts("Ph+ ALL in CR1, and no transplant: how long?")
    ([], [])
    """
    pieces = [p.strip(" ,.:?") for p in " ".join(question.split()).split(", and ")]
    return pieces if len(pieces) == 2 and all(map(_asks_an_object, pieces)) else []


def _asks_an_object(piece: str) -> bool:
    """The piece names what it asks for (cues.yaml asked_object, or a property: "the duration", "the management") and
    the clinical subject it is asked of (a treatment or a marker)."""
    kinds = {m.kind for m in read_concepts(piece.lower()).mentions}
    return (says(piece, "asked_object") or "property" in kinds) and bool(kinds & _OBJECT_SUBJECTS)


#: What a thing asked for is asked of (`_asks_an_object`): a treatment or a marker.
_OBJECT_SUBJECTS = frozenset({"drug", "drug_class", "procedure", "regimen", "marker"})



def _asks_in_place(sentence: str, question: str) -> bool:
    """A sentence asking with its question word inside it, as a Japanese question reads in English ("induction how
    per the guideline?"): it ends with a question mark in the question and holds an open question word."""
    at = question.find(sentence)
    return at >= 0 and question[at + len(sentence):].lstrip().startswith("?") and bool(words(sentence) & _OPEN_WORDS)


#: A CQ number or a grade the question states ("CQ5", "a category 1 recommendation", "grade A"), not one it asks for.
_STATED_GRADE = re.compile(
    r"\bCQ\s*-?\s*\d+[a-z]?\b|\bclinical\s+question\s+\d+\b"
    r"|(?<!\()\b(?:category|grade)\s+(?:1|2a|2b|3|[abc])\b(?!\s*,)(?=[^?]*?(?:recommendation|\?|$))",
    re.IGNORECASE)


def stated_grades(question: str) -> list[str]:
    """CQ numbers and recommendation grades the question states; a toxicity grade ("grade 1 neuropathy", "grade 3
    CRS": an adverse-event concept right after it) is not one.

    >>> stated_grades("JSH 2023 CQ5 gives ponatinib first-line a category 1 recommendation - can you quote it?")
    ['CQ5', 'category 1']
    >>> stated_grades("What recommendation grade (category 1, 2A, 2B, 3) does JSH 2023 assign to X?")
    []
    >>> stated_grades("58F Ph+ ALL with grade 1 neuropathy from vincristine, what induction?")
    []
    """
    return list(dict.fromkeys(m.group(0) for m in _STATED_GRADE.finditer(question)
                              if not _toxicity_grade(question[m.end():m.end() + 40])))


def _toxicity_grade(after: str) -> bool:
    """The words after a grade name an adverse event within two words ("grade 2 peripheral neuropathy")."""
    return any(m.kind == "adverse_event" and m.start <= 1 for m in read_concepts(after.lower()).mentions)


def named_trials(question: str) -> list[str]:
    """The keys of the trials a question names; a token the lexicon knows as a phase or a marker ("CR1", "KMT2A")
    names none.

    >>> named_trials("Ph- ALL in CR1 after ALL202-O, MRD negative: TOWER or INO-VATE?")
    ['all202_o', 'ino_vate', 'tower']
    >>> named_trials("BCR::ABL1 reappeared after transplant, KMT2A-rearranged")
    []
    """
    keys = trial_keys(question)
    if not keys:
        return []
    lex = load_lexicon()
    clinical = {k for m in read_concepts(question.lower()).mentions if m.kind in _NOT_TRIALS
                for k in trial_keys(m.surface)}  # ("BCR::ABL1 reappeared": a marker, not a trial "ABL1")
    return sorted(t for t in keys - clinical
                  if not any(lex.concepts[c].kind in _NOT_TRIALS for c in concept_ids(t) if c in lex.concepts))


#: Concept kinds whose names look like trial keys (a letter run and a digit) but are no trial.
_NOT_TRIALS = frozenset({"phase", "marker", "lineage"})


class Intents(BaseModel):
    """What a question asks for, computed once from the text the answer is drafted from."""

    model_config = ConfigDict(frozen=True)

    status: bool = Field(False, description="A yes/no question about the guideline's position (its yes/no leads)")
    grades: list[str] = Field(default_factory=list, description="CQ numbers and grades the question states")
    rest: str = Field("", description="The question without its stated CQ numbers and grades")
    rest_status: bool = Field(False, description="`status` of `rest`")
    position: bool = Field(False, description="Any question about what the guideline says (yes/no or open), of `rest`")
    definition: bool = Field(False, description="Asks what a term means or how it is defined")
    asks_meaning: bool = Field(False, description="Asks what something means, is or stands for (glossary lines fit)")
    evidence: bool = Field(False, description="Asks for the evidence, trials or rationale")
    indication: bool = Field(False, description="Asks who or when a treatment is used (`asks_indication`)")
    duration: bool = Field(False, description="Asks how long something lasts")
    either_or: bool = Field(False, description="Asks for a preference between options (A or B, which; A vs B)")
    comparison: bool = Field(False, description="Names options side by side (or, vs, versus)")
    grade: bool = Field(False, description="Names grades, CQ numbers or categories")
    why: bool = Field(False, description="Asks why")
    harms: bool = Field(False, description="Its asking clause asks about a treatment's harms or cautions (side "
                                           "effects, toxicity, what to watch), which no patient fact forks")
    confirm: bool = Field(False, description="States that the guideline recommends something and asks to confirm")
    treatment: bool = Field(False, description="Asks what treatment to give")
    reference: bool = Field(False, description="Asks for the reference, publication or authors")
    sources: bool = Field(False, description="Asks about the corpus, its documents or the evidence")
    claim: str = Field("", description="A sentence stating as a premise what the guideline recommends")
    trials: list[str] = Field(default_factory=list, description="Keys of the trials the question names")
    trial_named: bool = Field(False, description="Names a trial")
    asking: str = Field("", description="The clause that asks (the whole question when one clause)")
    parts: list[str] = Field(default_factory=list, description="The parts of a question asking several things")


def read_intents(question: str) -> Intents:
    """The intents of `question` (the text the answer is drafted from)."""
    grades = stated_grades(question)
    rest = _STATED_GRADE.sub(" ", question) if grades else question
    parts = question_parts(question)
    # (a yes/no part after an open one, "what treatment is there, is there a standard one?": its yes or no leads)
    status = is_status_question(question) or any(is_status_question(p) for p in parts[1:])
    return Intents(
        status=status, grades=grades, rest=rest, rest_status=status if rest == question else is_status_question(rest),
        position=asks_position(rest),
        definition=is_definition_question(question) or says(asking_clause(question), "asks_equivalence")
        or any(asks_what_it_is(p) for p in parts[1:]) or any(_ends_asking_what_it_is(p) for p in parts),
        asks_meaning=says(question, "asks_meaning"),
        evidence=asks_evidence(question), indication=asks_indication(question), duration=says(question, "duration_question"),
        either_or=either_or(question), grade=says(question, "grade_question"),
        comparison=says(question, "comparison"), why=first_word(question) == "why",
        harms=asks_harms(question),
        confirm=says(question, "asserts") and (_tagged(question)
                                                           or _CLAIM_REQUEST.search(question) is not None),
        treatment=TREATMENT_QUESTION.search(question) is not None,
        reference=says(question, "asks_reference"), sources=says(question, "asks_about_sources"),
        claim=stated_claim(question), trials=named_trials(question),
        trial_named=TRIAL_RE.search(question) is not None,
        asking=asking_clause(question), parts=parts)
