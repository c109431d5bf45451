"""Sentence finders: which corpus sentences may be quoted for this patient, and which answer a kind of question
(the guideline's own yes/no line, the asked term, a heading's list, a definition, each part of a several-part
question, a trial's results). Pure functions over chunks; the composers decide where their lines go."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from assistant.claims import broader_chain, read_claims
from assistant.compose.cues import cue, reworded_kinds, says
from assistant.compose.intents import (
    _COPULA,
    _DEFINE_WORDS,
    _PART_GENERIC,
    is_status_question,
    prefer_question,
    question_parts,
)
from assistant.compose.subject import given_before
from assistant.concepts import TREATMENT_KINDS, concept_ids, load_lexicon, read_concepts, treatments_in
from assistant.facts import age_band, asks_after_transplant, assumed, regimen_concepts
from assistant.models import Chunk, PatientFacts
from assistant.rules.fit import treatment_fits, wrong_disease
from assistant.rules.logic import RuleBook, stated_facts
from assistant.rules.relevance import addressed
from assistant.rules.tiers import _EVIDENCE_FRAME_RE, _GUIDELINE_CLAIM_RE, banned_content, claims_recommendation
from assistant.rules.toxicity import harms_in
from assistant.text import (
    DRUG_TOKENS,
    POPULATION_TOKENS,
    TRIAL_RE,
    after_number,
    chunk_sentences,
    first_of,
    headed_sentences,
    names_trial,
    term_at,
    tokenize,
    trial_keys,
    word_char,
)

MAX_SENTENCES = 8
EVIDENCE_LEAD = "**Evidence (trial data, not a JSH recommendation):**"
CONTEXT_LEAD = "**Context (not a JSH 2023 recommendation):**"
#: a context line that sets what the JSH 2023 summary says beside a label or another guideline ("the summary gives
#: under 25 years, whereas the Japanese label allows 25 or younger"): half of it is the summary's own statement
COMPARED_LEAD = "**Context (the JSH 2023 summary compared with another source):**"
_GENERIC = frozenset(
    ["all", "adult", "adults", "ph_pos", "ph_neg", "jsh", "japanese", "japan", "2023", "guideline", "leukemia", "lymphoblastic", "acute", "patient", "trial", "study", "show", "showed", "result", "outcome", "year", "old", "yo", "age", "aged", "man", "woman", "male", "female"]
)


NEAR_DUPLICATE = 0.6


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sentences share most of their words (Jaccard similarity of their tokens)."""
    return bool(a and b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE


def _reports_study(sentence: str) -> bool:
    """The sentence names a trial, or the words trial, study, registry or analysis."""
    return TRIAL_RE.search(sentence) is not None or says(sentence, "trial_words")
_EVIDENCE_HEADINGS = frozenset({"supporting evidence"})


def is_trial_sentence(sentence: str, chunk: Chunk) -> bool:
    """A sentence that reports a study (under a guideline document's "Supporting evidence" heading, or naming
    a trial together with a result) rather than stating the guideline's position."""
    for heading, sent in _headed_sentences(chunk):
        if sent == sentence:
            if heading.lower() in _EVIDENCE_HEADINGS:
                return True
            break
    return bool(_reports_study(sentence) and _RESULT_NUMBER.search(sentence)
                and not _GUIDELINE_CLAIM_RE.search(sentence))



def _safe_sentence(sentence: str, facts: PatientFacts, book: RuleBook) -> bool:
    if banned_content(sentence) is not None:
        return False
    if len(sentence.split()) < 6 or sentence.endswith("?"):
        return False
    return not book.contradicts_any(facts, sentence)


_FRONTLINE, _SALVAGE = frozenset({"newly_diagnosed", "cr1"}), frozenset({"relapsed", "refractory"})
_DRUG_POPULATION = (
    # (cue list, the patient fact that excludes it): drugs and tests that only concern one population.
    ("t_lineage_only", "lineage", "B"),
    ("b_lineage_only", "lineage", "T"),
    ("ph_positive_only", "ph_status", "negative"),  # ("not Ph-positive" in a question names no drug)
    ("t315i_only", "t315i", False),
)
_RESULT_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*%|\bHR\b|\bP\s*[=<]|\b\d+\s*(?:of|/)\s*\d+\b"
                            r"|\b\d+(?:\.\d+)?\s*(?:months?|patients|years?)\b", re.IGNORECASE)
_PH_STATUS = frozenset({"ph_positive", "ph_negative"})


@lru_cache(maxsize=1024)
def _without_ph_status(question: str) -> tuple[str, bool]:
    """The question without the words that state a Ph status ("Ph+", "BCR::ABL1-negative", "philly positive"),
    and whether there were any: "not Ph-positive" names no Ph-positive-only drug."""
    low = question.lower()
    found = [m.surface for m in read_concepts(low).mentions if m.concept in _PH_STATUS]
    for surface in found:
        low = low.replace(surface, " ")
    return low, bool(found)


def _age_range(sentence: str) -> bool:
    """An age range that spans more than one of the algorithm's age groups ("aged 25 to 64", "30 to 70"); one
    within a group ("aged 40 to 64") speaks about that group.

    >>> _age_range("adults aged 25 to 64"), _age_range("15–39 years"), _age_range("in 2019-2023"), _age_range("CD19")
    (True, False, False, False)
    >>> _age_range("adults aged 40 to 64 with Ph-negative ALL")
    False
    """
    return any(age_band(lo) != age_band(hi) for lo, hi in _age_ranges_in(sentence))


def _age_ranges_in(sentence: str) -> list[tuple[int, int]]:
    """(low, high) of each age range written: one or two digits, a dash or "to", two digits."""
    out = []
    n = len(sentence)
    for i, ch in enumerate(sentence):
        if not ch.isdecimal() or (i and word_char(sentence[i - 1])):
            continue
        j = i
        while j < n and sentence[j].isdecimal():
            j += 1
        k = j
        while k < n and sentence[k].isspace():
            k += 1
        sep = 2 if sentence.startswith("to", k) else 1 if sentence[k:k + 1] in ("–", "-") else 0
        k += sep
        while k < n and sentence[k].isspace():
            k += 1
        m = k
        while m < n and sentence[m].isdecimal():
            m += 1
        if j - i <= 2 and sep and m - k == 2 and not word_char(sentence[m:m + 1]):
            out.append((int(sentence[i:j]), int(sentence[k:m])))
    return out


def _listing_head(sentence: str) -> str:
    """The sentence up to "... factors include" when it lists factors (in its first clause before a full stop):
    the items of a list of factors are not its population ("Adverse features include the Ph chromosome, ...").

    >>> _listing_head("Adverse features include the Ph chromosome and KMT2A.")
    'Adverse features include'
    """
    first = sentence.split(".")[0]
    factor = first_of(first, cue("factor_words"))
    include = first_of(first[factor[1]:], cue("include_words")) if factor else None
    return sentence[:factor[1] + include[1]] if factor and include else sentence


def _claimed_lineage(sentence: str) -> dict[str, str]:
    """The one lineage a sentence's claims are about when it opens with no population ("CAR T-cell therapy ... is
    not an option for T-ALL" is no line for a B-ALL patient)."""
    lineages = {c.own_population.get("lineage") for c in read_claims(sentence)} - {None}
    return {"lineage": lineages.pop()} if len(lineages) == 1 else {}


def _lacks_antigen(sentence: str, facts: PatientFacts, question: str) -> bool:
    """The sentence offers a treatment whose target the patient's blasts lack, not naming the target ("B-ALL relapse
    is treated with blinatumomab, inotuzumab ... or CAR-T" for CD19-negative blasts, rja52 e31); what the question
    names is answered by the line that says the target."""
    if facts.cd19 is not False and facts.cd22 is not False:
        return False
    asked = treatments_in(question.lower()) if question else set()
    for c in treatments_in(sentence) - asked:
        antigen = treatment_fits(c).get("antigen")
        if antigen and getattr(facts, antigen, None) is False and antigen not in concept_ids(sentence.lower()):
            return True
    return False


def fits_patient(sentence: str, facts: PatientFacts, question: str = "", *, phase: bool = True) -> bool:
    """False when a sentence speaks about a population the patient is known not to be in: another Ph status,
    lineage, CD19/CD22 or MRD result, age band, or front-line vs relapse setting, or a drug or test that only
    concerns another population. What the question itself names is always allowed (a false premise about
    nelarabine in B-ALL must be answered with the nelarabine sentence)."""
    head = _listing_head(sentence)
    own = stated_facts(head) or _claimed_lineage(head)
    for key in ("ph_status", "lineage", "cd19", "cd22", "mrd_status", "t315i"):
        have, stated = getattr(facts, key), own.get(key)
        if have is not None and stated is not None and have != stated:
            return False
    # (the regimen given, or the one the implications table assumes: Ph-negative at 40-64 is on an adult regimen)
    regimen = facts.regimen or assumed(facts).get("regimen")
    if regimen and own.get("regimen") and own["regimen"] != regimen and not (
            regimen_concepts(own["regimen"]) & concept_ids(question.lower())):
        return False  # ("after a pediatric-type protocol" is not a 55-year-old's on an adult regimen, unless asked)
    not_yet, done = {"not_done", "ineligible", "eligible", "planned", "declined"}, {"done"}
    after_hsct = own.get("transplant") in done or "post_hsct" in (own.get("phase"), own.get("mrd_timepoint"))
    if (facts.transplant in not_yet and after_hsct) or (
            facts.transplant in done and own.get("transplant") == "not_done"):
        return False
    if after_hsct and facts.mrd_timepoint == "after_induction" and not asks_after_transplant(question):
        return False  # (an MRD result after induction is no question on the time after a transplant)
    if own.get("transplant") == "eligible" and (facts.transplant in ("ineligible", "not_done")
                                                 or facts.fitness == "unfit"):
        return False  # "for patients eligible for transplantation" is not a frail 71-year-old's, nor one who declined
    if (facts.age_band and own.get("age_band") and own["age_band"] != facts.age_band
            and not _age_range(sentence)):
        return False
    if (not facts.age_band and facts.age_bands and own.get("age_band") and own["age_band"] not in facts.age_bands
            and not _age_range(sentence)):
        return False  # (an age range the question states: "under 40" is not answered by the lines for 65 or older)
    if phase and facts.phase and own.get("phase"):
        groups = (_FRONTLINE, _SALVAGE)
        if any(facts.phase in g and own["phase"] not in g and own["phase"] in (_FRONTLINE | _SALVAGE)
               for g in groups):
            return False
        if facts.phase in _SALVAGE and own["phase"] == "post_hsct" and own.get("mrd_status") and not facts.mrd_status:
            return False  # an MRD result after transplant is not the frank relapse the question describes
    if (phase and facts.phase in _SALVAGE and not facts.mrd_status and own.get("mrd_timepoint") == "after_induction"
            and not says(question, "asks_mrd")):
        return False  # MRD after first induction is front-line risk, not a plan for a frank relapse
    if (facts.phase in _SALVAGE and says(sentence, "prophylaxis") and not says(question, "prophylaxis")):
        return False  # prophylaxis (CNS, TKI after transplant) belongs to front-line therapy, not to a relapse
    rest, ph_said = _without_ph_status(question)
    if (own.get("ph_status") is not None and assumed(facts).get("ph_status") not in (None, own.get("ph_status"))
            and not ph_said):
        return False  # the implications table: T-ALL is Ph-negative unless the question says otherwise
    for only, key, excluded in _DRUG_POPULATION:
        # "no T315I" names it but wants no resistance lines; "not Ph-positive" names no TKI
        named = key != "t315i" and says(rest, only)
        if getattr(facts, key) == excluded and says(head, only) and not named:
            return False
    if _lacks_antigen(sentence, facts, question):
        return False
    if (_reports_study(sentence) or names_trial(sentence)) and any(wrong_disease(c, facts) for c in treatments_in(sentence)):
        return False  # a trial of a drug for another disease (BLAST's blinatumomab for a T-ALL patient), even if asked
    return True


#: Words that name a disease phase as a setting ("first-line", "relapsed or refractory").
_SETTING_WORDS = {"newly_diagnosed": "setting_newly_diagnosed", "cr1": "setting_cr1",
                  "relapsed": "setting_relapsed", "refractory": "setting_relapsed"}


def _names_setting(sentence: str, phase: str | None) -> bool:
    """The sentence names the patient's phase as a setting ("first-line", "relapsed or refractory")."""
    return phase in _SETTING_WORDS and says(sentence, _SETTING_WORDS[phase])


def _status_line(sentence: str) -> bool:
    """A sentence that says what the guideline does NOT say, or that something is trial evidence only (also "no
    LBL-specific ...")."""
    return says(sentence, "status_line") or _no_specific(sentence)


def _no_specific(sentence: str) -> bool:
    """ "no LBL-specific recommendation": "no " and a word (letters, digits, hyphens) ending "-specific".

    >>> _no_specific("There is no LBL-specific regimen."), _no_specific("a B-ALL-specific line")
    (True, False)
    """
    low = sentence.lower()
    at = term_at(low, "*-specific", fold=False)
    while at >= 0:
        start = at
        while start > 0 and (word_char(low[start - 1]) or low[start - 1] == "-"):
            start -= 1
        if start < at and low[max(0, start - 3):start] == "no " and not word_char(low[start - 4:start - 3]):
            return True
        at = term_at(low, "*-specific", at + 1, fold=False)
    return False
_STATUS_GENERIC = _GENERIC | frozenset(
    ["recommend", "recommended", "recommends", "endorse", "standard", "approach", "give", "does", "the", "for", "ph",
     "based", "newly", "diagnosed", "therapy", "treatment", "high", "risk", "relapse", "level", "considered", "after",
     "define", "defines", "defined", "count", "counts", "what", "which", "when", "use", "used", "give", "gives",
     "given", "report", "reported", "reports", "show", "shown", "found", "rate", "rates"])
#: Words of a tag question or a request ("..., correct?", "based on"): never the subject.
_TAG_WORDS = frozenset(["correct", "right", "true", "yes", "based", "isn", "isnt", "please", "pls", "now", "prefer",
                        "preferred", "better", "superior", "favour", "favor", "favoured", "favored", "which", "one",
                        "why", "choose", "choice",
                        # the form of a duration question, not its subject ("how long should X last per JSH?")
                        "long", "last", "lasts", "duration", "per", "go", "continue", "continued"])
#: Words that name the setting, not the subject: a status line must share more than these with the question.
_SETTING = frozenset(["relapsed", "refractory", "b_all", "t_all", "cr1", "cr2", "newly", "diagnosed", "first", "line",
                      "adult", "young", "older", "aya", "induction", "remission", "mrd"])


def status_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                     *, n: int = 1, rare: Callable[[str], bool] | None = None,
                     asked: bool | None = None) -> list[tuple[str, Chunk]]:
    """For a question about what the guideline recommends, the sentences that state the status of the thing
    asked about (not recommended, not the standard, trial evidence only, no grade): they answer yes or no.

    Unasked (any other question), such a sentence is offered only when it shares a rare term with the question
    (`rare(token)`: a term few chunks contain, such as "ph_like" or "posaconazole") and most of its other terms."""
    if asked is None:
        asked = is_status_question(question)
    q_raw = set(tokenize(question)) - _STATUS_GENERIC
    q = _stems(q_raw)
    stated = set(facts.known())
    # (a question asking for a grade, not what a grading system means)
    grades = asked and says(question, "grade_question") and not says(question, "meaning_words")
    scored: list[tuple[float, int, str, Chunk]] = []
    seen: set[str] = set()
    for ci, chunk in enumerate(chunks):
        for s in chunk_sentences(chunk.text):
            if s in seen or s not in chunk.text or not _status_line(s):
                continue
            seen.add(s)
            if _low_value(s) and not says(question, "asks_about_sources"):
                continue  # "the INO-VATE results are trial evidence": a label, not an answer
            # a "does not list X first-line" line is about the setting asked, whatever phase it names (not one naming
            # only another setting); nor a rule's statement for a patient the rule leaves out (r37 t39)
            if not _safe_sentence(s, facts, book) or book.excluded_statement(facts, s) or not fits_patient(
                    s, facts, question, phase=not (facts.phase and _names_setting(s, facts.phase))):
                continue
            if chunk.tier != "guideline" and claims_recommendation(s):
                continue  # "recommend..." may only be said citing a guideline chunk
            if chunk.tier == "evidence" and _GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s):
                continue  # what the guideline says is quoted from the guideline, not from a trial document
            if (grades and not says(s, "grade_question")) or _off_subject(s, question):
                continue  # a question about grades or CQ numbers is answered by a line about them; one on other harms
                # or treatments answers nothing asked ("JSH2023で標準治療として確立したものは？": not supportive care)
            raw = set(tokenize(s))
            toks = _stems(raw)
            shared = toks & q
            rare_shared = sum(1 for t in raw & q_raw if rare(t)) if rare is not None else 0
            wide = grades and corpus_wide(s)  # "this assistant contains no CQ numbers or grades": answers every one
            # (one shared term is enough for a short question, or when it is the rare subject asked about: "is
            # autologous transplant still recommended in CR1?" ~ "autologous transplantation is not part of it")
            one = bool(shared) and (len(q) <= 4 or (asked and rare_shared > 0))
            if ((len(shared) < 2 and not one) or not shared - _SETTING) and not wide:
                continue
            if not asked and (rare is None or len(shared) < 2 or len(shared) < 0.5 * len(q)
                              or chunk.tier == "evidence" or not rare_shared):
                continue  # unasked, a "not in the guideline" line must match the question closely
            # the subject asked about counts fully, the setting ("relapsed", "B-ALL") half
            score = (len(shared - _SETTING) + 0.5 * len(shared & _SETTING)) / (len(toks) ** 0.35)
            if chunk.tier == "guideline":
                score *= 1.2
            if set(stated_facts(s)) - stated - {"phase", "prior_tkis", "t315i"}:
                score *= 0.8  # about a narrower population than the question (e.g. "for older adults")
            score *= 1.5 ** rare_shared  # shares the question's subject
            if prefer_question(question) and says(s, "prefer_line"):
                score *= 3.0  # "which is preferred?" wants the sentence about ranking or choice
            scored.append((score, -ci, s, chunk))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    if grades:  # the best corpus-wide "no CQ numbers or grades" line first (the others say the same), then the
        # line about the topic asked
        wide_lines = [t for t in scored if corpus_wide(t[2])]
        scored = wide_lines[:1] + [t for t in scored if t not in wide_lines]
    if asked and rare is not None and says(question, "comparison") and not says(question, "grade_question"):
        # "ponatinib first-line or D-ALBA?": the best line for each rare subject the question names, in its order
        subjects = [t for t in dict.fromkeys(tokenize(question)) if t in q_raw and rare(t) and not t.isdigit()]
        per_subject: list[tuple[str, Chunk]] = []
        for term in subjects:
            best = next(((s, c) for _, _, s, c in scored if term in tokenize(s)
                         and all(s != o for o, _ in per_subject)), None)
            if best is not None:
                per_subject.append(best)
        if len(per_subject) >= 2:
            return per_subject[:3]
    if grades and len(scored) > 1 and corpus_wide(scored[0][2]):
        n = max(n, 2)  # no grade anywhere, and the line about the topic asked
    if asked and len(scored) > 1 and scored[1][0] >= 0.7 * scored[0][0]:
        n = max(n, 2)  # two near-equal answers to the question asked (e.g. "not ponatinib" and "no TKI named")
    return [(s, c) for _, _, s, c in scored[:n]]


#: Concept kinds of a status line on harms and supportive care: off the subject of a question naming none of them.
_HARM_KINDS = frozenset({"adverse_event"})


def _unrelated(mine: Iterable[str], theirs: Iterable[str]) -> bool:
    """No concept of `mine` is one of `theirs`, a class of one or a member of one (a generic class, "chemo", relates
    nothing: every drug is chemotherapy)."""
    lex = load_lexicon()
    theirs = list(theirs)
    related = {b for c in theirs for b in broader_chain(c) if not lex.concepts[b].generic}
    return not any(b in related for c in mine for b in broader_chain(c) if not lex.concepts[b].generic) and not any(
        c in broader_chain(a) for c in mine for a in theirs)


def protocol_aside(sentence: str, question: str) -> bool:
    """The line is about a trial the question does not name and a drug it does not name ("The JALSG Ph+ALL213
    protocol gave prophylactic dasatinib ..." answers no "MRD positive: should I get a transplant?", rja69 q26)."""
    if not trial_keys(sentence) - trial_keys(question):
        return False
    lex = load_lexicon()
    asked = {c for c in concept_ids(question.lower()) if c in lex.concepts}
    drugs = [c for c in concept_ids(sentence.lower()) if c in lex.concepts and lex.concepts[c].kind == "drug"]
    return bool(drugs) and not any(addressed(d, asked) for d in drugs)


def _off_subject(sentence: str, question: str) -> bool:
    """The line is about harms or supportive care none of which the question names ("JSH2023で標準治療として確立した
    ものは？" is not answered by the line on supportive care), or about treatments when the question names others
    and none of these ("which donor source is preferred?" is not answered by the CNS prophylaxis drugs); a class or
    a member of a named treatment is related, a generic one ("chemo") relates nothing."""
    lex = load_lexicon()
    asked = [c for c in concept_ids(question.lower()) if c in lex.concepts]
    own = [c for c in concept_ids(sentence.lower()) if c in lex.concepts]
    if protocol_aside(sentence, question):
        return True
    for kinds in (_HARM_KINDS, TREATMENT_KINDS):
        mine = [c for c in own if lex.concepts[c].kind in kinds]
        theirs = [c for c in asked if not lex.concepts[c].generic]
        if kinds is TREATMENT_KINDS and not any(lex.concepts[c].kind in kinds for c in theirs):
            continue  # (a question naming no treatment: any treatment line may answer it)
        if mine and _unrelated(mine, theirs):
            return True
    return False


#: Concept kinds that do not narrow a line to a topic (the disease, the guideline, its grades, an age group).
_WIDE_KINDS = frozenset({"disease", "source", "meta", "population", "grammar"})


def corpus_wide(sentence: str) -> bool:
    """A line about the whole corpus or guideline: it names no clinical concept narrower than the disease.

    >>> corpus_wide("This assistant contains no CQ numbers or recommendation grades for the JSH 2023 ALL chapter.")
    True
    >>> corpus_wide("No JSH 2023 recommendation grade or CQ number for TKI maintenance in Ph-positive ALL was found.")
    False
    """
    lex = load_lexicon()
    return all(lex.concepts[c].kind in _WIDE_KINDS for c in concept_ids(sentence.lower()) if c in lex.concepts)


def _stems(tokens: set[str]) -> set[str]:
    """Crude plural folding for overlap counts ("grades" ~ "grade")."""
    return {t[:-1] if len(t) > 4 and t.endswith("s") and not t.endswith("ss") else t for t in tokens}


def _score(sentence: str, q_tokens: set[str], context: frozenset[str] = frozenset()) -> float:
    """Overlap with the question; words of the document title count for every sentence of the document."""
    toks = set(tokenize(sentence))
    if not toks:
        return 0.0
    shared = ((toks | context) & q_tokens) - _GENERIC
    return len(shared) / (len(toks) ** 0.35)



#: Outcome kinds a trial question may name (cue list), and the result lines that report them (cue list).
_OUTCOME_KINDS = (("asks_survival", "reports_survival"), ("asks_remission", "reports_remission"),
                  ("asks_toxicity", "reports_toxicity"))


def _provisional(sentence: str) -> bool:
    """An interim, preliminary or earlier abstract report ("earlier" then "abstract" with no full stop between)."""
    if says(sentence, "provisional"):
        return True
    for part in sentence.split("."):
        earlier = term_at(part, "earlier")
        if earlier >= 0 and term_at(part, "abstract", earlier) >= 0:
            return True
    return False


def _low_value(sentence: str, *, intro: bool = True) -> bool:
    """A line about the corpus or the assistant, a bare connective or label, a publication note, or (unless
    `intro` is False: a list's own intro opens it) a list intro ("the following ...")."""
    return (says(sentence, "low_value") or (intro and says(sentence, "list_intro"))
            or _published_in_year(sentence))


def _published_in_year(sentence: str) -> bool:
    """ "published in Blood in 2021", "published in 2024 (NEJM)": "published in", one word, a year.

    >>> _published_in_year("It was published in Blood in 2021."), _published_in_year("published in 2024")
    (True, False)
    """
    low = sentence.lower()
    at = term_at(low, "published in", fold=False)
    while at >= 0:
        rest = low[at + len("published in"):]
        j = 1
        while j < len(rest) and word_char(rest[j]):
            j += 1
        if rest[:1] == " " and j > 1 and rest[j:j + 1] == " ":
            tail = rest[j + 1:]
            tail = tail[3:] if tail.startswith("in ") and not tail[:4].isdecimal() else tail
            if len(tail) >= 4 and tail[:4].isdecimal():
                return True
        at = term_at(low, "published in", at + 1, fold=False)
    return False


@lru_cache(maxsize=4)
def _line_words(reports: str) -> frozenset[str]:
    """The words of the lines a cue list of cues.yaml names (`reports_changes`), as tokens."""
    return frozenset(t for phrase in cue(reports) for t in tokenize(phrase.strip("*")))


def best_sentences(chunk: Chunk, question: str, facts: PatientFacts, book: RuleBook, *, n: int = 2,
                   need_numbers: bool = False, min_shared: int = 1, evidence: bool = False) -> list[str]:
    q = set(tokenize(question))
    for kind in reworded_kinds(question):  # "what changed?" is answered by "revised", "added", "new agents"
        q |= _line_words(f"reports_{kind}")
    scored: list[tuple[float, int, str]] = []
    for i, s in enumerate(chunk_sentences(chunk.text)):
        if s not in chunk.text or not _safe_sentence(s, facts, book) or not fits_patient(s, facts, question) or \
                book.excluded_statement(facts, s):  # (a rule's statement, or its copy, for a patient it leaves out)
            continue
        if need_numbers and not _RESULT_NUMBER.search(s):
            continue  # a trial line must carry a result, not only a year
        if _low_value(s) and not (says(question, "asks_about_sources") or says(question, "asks_reference")):
            continue
        ctx = frozenset(tokenize(chunk.title)) if evidence else frozenset()
        if len({t for t in ((set(tokenize(s)) | ctx) & q) - _GENERIC if not t.isdigit()}) < min_shared:
            continue  # (a bare number, "ECOG 3" and "3-year", is a coincidence, not a shared subject)
        score = _score(s, q, ctx)
        if says(question, "asks_reference") and says(s, "reference_line"):
            score *= 2.0  # "what is the reference / who published": the bibliographic sentence first
        if (evidence or need_numbers) and (after_number(s, "*%") or any(
                term_at(s, w, fold=False) >= 0 for w in ("HR", "month", "months"))):
            score *= 1.6  # trial questions want results, not bibliography
            if says(s, "headline_result") or (evidence and says(s, "headline_remission") and names_trial(question)):
                score *= 1.5  # and the headline result (survival; a named trial's remission rate) before others
            if _provisional(s):
                score *= 0.6  # the final analysis before an earlier abstract or interim report
        if score > 0:
            scored.append((score, -i, s))
    scored.sort(reverse=True)
    return [s for _, _, s in scored[:n]]


#: Question terms that describe the patient or the topic in general: the rules and retrieval handle them.
_FACT_TOKENS = frozenset(
    ["ph_pos", "ph_neg", "ph", "cd19", "cd22", "cd19_pos", "cd22_pos", "cd19_neg", "cd22_neg", "b_all", "t_all",
     "cr1", "cr2", "aya", "mrd", "allo_hsct", "relapsed", "refractory", "induction", "remission", "year", "old",
     "newly", "diagnosed", "positive", "negative", "next", "step", "best", "first", "line", "older", "elderly",
     "young", "fit", "unfit", "frail", "male", "female", "man", "woman", "lymphoblastic", "leukemia"])


#: A question term and the words that answer it ("toxicity?" is answered by a line on VOD, CRS or neurotoxicity).
_TERM_FAMILY = {"toxicity": {"toxicity", "vod", "crs", "neurotoxicity"}}
#: Question words about the kind of answer wanted (evidence, data), not its subject: the evidence step serves them.
_FOCUS_SKIP = frozenset(["support", "supports", "supported", "supporting", "evidence", "data", "trial", "study",
                         "salvage", "outcome", "result", "number", "option", "plan", "next",
                         # everyday words of a patient's message: no subject of their own ("it came back")
                         "came", "come", "back", "went", "got", "get", "round", "sick", "tired", "scared", "just",
                         "still", "really", "feel", "feeling", "die", "dying", "going", "worried", "afraid",
                         # who asks and when, in a case ("Team asks ...", "day +100"): no subject either
                         "team", "ask", "asks", "asked", "asking", "pharmacist", "resident", "ward", "day", "days",
                         "week", "weeks", "month", "months", "end", "start", "management", "manage", "managed",
                         # what a treatment is for ("relapse prevention", 再発予防): the treatment is the subject
                         "prevention", "prevent", "preventing"])


def drugs_named(question: str, *, past: bool = False) -> set[str]:
    """The drug tokens the question names for now (`past`: and those given before, "relapse after blina")."""
    return {m.concept for m in read_concepts(question.lower()).mentions if m.concept in DRUG_TOKENS
            and not (m.negated or m.other_person or (m.historical and not past))}


def about_other_drug(sentence: str, question: str) -> bool:
    """The question names a drug (one taken now or before: "I started blinatumomab 2 days ago") and the sentence
    is about other drugs only ("CRS with CAR-T"); a drug the lexicon knows beyond the common ones counts too
    ("rituximab?" is not answered by blinatumomab's CD19 check), a class or a member of an asked one does not."""
    asked = drugs_named(question, past=True)
    drugs = set(tokenize(sentence)) & DRUG_TOKENS
    if asked and drugs and not drugs & asked:
        return True
    lex = load_lexicon()
    rare = {m.concept for m in read_concepts(question.lower()).mentions if m.concept in lex.concepts and
            lex.concepts[m.concept].kind == "drug" and m.concept not in DRUG_TOKENS
            and not (m.negated or m.other_person)}
    named = {c for c in concept_ids(sentence.lower()) if c in lex.concepts and lex.concepts[c].kind == "drug"}
    return bool(rare) and bool(named) and not any(c in broader_chain(r) or r in broader_chain(c)
                                                  for c in named for r in rare)


def focus_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                    covered: Sequence[str], *, rare: Callable[[str], bool], n: int = 2) -> list[tuple[str, Chunk]]:
    """The question's specific subject ("autologous transplant", "white cell count"), when nothing in the answer
    so far names it: the best sentence of the retrieved or rule sections that does, at most one per term.

    Only terms few chunks contain count (`rare`), and never the patient facts the rules already answer."""
    q = set(tokenize(question))
    before = given_before(question)  # (a drug given before is history, not the subject of the risks asked)
    given = {t for t in q if before & set(concept_ids(t))} if before else set()
    q -= given
    have: set[str] = set()
    for line in covered:
        have.update(tokenize(line))
    # the drugs the answer already names are part of the subject ("what toxicity?" after "blinatumomab is ...")
    q_drugs = q | (have & DRUG_TOKENS) - given
    terms = [t for t in dict.fromkeys(tokenize(question))
             if t not in have and t not in _FACT_TOKENS and t not in _GENERIC and t not in _FOCUS_SKIP
             and not t[:1].isdecimal() and len(t) > 2 and rare(t)  # (numbers and "22yo" are no subject; KMT2A is)
             and t not in cue("function_words")]
    if says(question, "asks_cautions") and "toxicity" not in terms and not have & _TERM_FAMILY["toxicity"]:
        terms.insert(0, "toxicity")  # "what should weigh the choice?", "cautions?": each named drug's toxicity line
    said = concept_ids(" ".join(covered).lower())  # "imatinib?" is answered by a line on TKI maintenance
    lex = load_lexicon()
    terms = [t for t in terms if not any(addressed(c, said) for c in concept_ids(t)
                                         if c in lex.concepts and lex.concepts[c].kind in TREATMENT_KINDS)]
    terms = [t for t in terms if t not in given]
    out: list[tuple[str, Chunk]] = []
    seen: set[str] = set(covered)
    named_drugs = [t for t in dict.fromkeys(tokenize(question)) if t in DRUG_TOKENS and t not in given]
    asked_drugs = drugs_named(question)
    for term in terms:
        if term in have:
            continue  # named by a line added for an earlier term
        # "blinatumomab vs inotuzumab: main toxicities?": one line for each drug the question names
        per_drug = term in _TERM_FAMILY and len(named_drugs) >= 2
        bests: dict[str | None, tuple[tuple[bool, bool, float], str, Chunk]] = {}
        for chunk in chunks:
            for heading, s in _headed_sentences(chunk):
                # the heading speaks for its sentences: "VOD risk ..." sits under "... related toxicities"
                ctx = frozenset(tokenize(heading)) if heading != chunk.title else frozenset()
                if s in seen or s not in chunk.text or not _TERM_FAMILY.get(term, {term}) & (set(tokenize(s)) | ctx):
                    continue
                if not _safe_sentence(s, facts, book) or not fits_patient(s, facts, question):
                    continue
                if book.excluded_statement(facts, s):
                    continue  # a rule left out for this patient ("continue chemotherapy" at MRD 0.02%) stays out
                if _other_treatment(s, question):
                    continue  # ("how long do the intrathecal injections go on?": not how long maintenance lasts)
                if _low_value(s) or (chunk.tier != "guideline" and claims_recommendation(s)):
                    continue
                if chunk.tier == "evidence" and _GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s):
                    continue
                drugs = set(tokenize(s)) & DRUG_TOKENS
                if drugs and q_drugs & DRUG_TOKENS and not drugs & q_drugs:
                    continue  # "main toxicity?" of inotuzumab is not answered by nelarabine's
                own = {t for t in (set(tokenize(s)) & q_drugs) - (_GENERIC - {"ph_pos", "ph_neg"})
                       - _TERM_FAMILY.get(term, {term})
                       if not t.isdigit()}
                if not own:
                    continue  # the term alone ("matter", or a heading's word) is no match: the sentence shares more
                # a line about the question's population first ("high WBC in Ph+ disease": the Ph-positive line,
                # not a general list that names a high white cell count)
                # (and a line on the drug the question names before one on another treatment)
                score = (bool(drugs & asked_drugs), bool(POPULATION_TOKENS & q & set(tokenize(s))),
                         _score(s, q, ctx) * (1.2 if chunk.tier == "guideline" else 1.0))
                for slot in ([d for d in named_drugs if d in drugs] if per_drug else [None]):
                    if slot not in bests or score > bests[slot][0]:
                        bests[slot] = (score, s, chunk)
        picked = [bests[d] for d in named_drugs if d in bests] if per_drug else list(bests.values())
        for _, sent, chunk in picked:
            if sent in seen:
                continue
            seen.add(sent)
            have.update(tokenize(sent))
            out.append((sent, chunk))
        if len(out) >= n and not per_drug:
            break
    return out


def _headed_sentences(chunk: Chunk) -> tuple[tuple[str, str], ...]:
    """(heading, sentence) pairs of a chunk; text before its first heading line sits under its own heading."""
    return headed_sentences(chunk.text, chunk.section_title)


#: Question words for what a heading calls otherwise ("adverse prognostic factors" are "risk factors").
_HEADING_SYNONYMS = {"prognostic": ("risk", "factor"), "adverse": ("risk", "factor"), "unfavourable": ("risk", "factor"),
                     "unfavorable": ("risk", "factor"),
                     # ("which presenting features define high-risk adult ALL?", r65 q30)
                     "feature": ("feature", "factor"), "features": ("feature", "factor")}


def heading_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                      *, n: int = 8, min_share: float = 0.5) -> list[tuple[str, Chunk]]:
    """When the question names a specific heading of a retrieved section ("what are the risk factors" and
    "Risk factors commonly used in adult ALL"), that heading's sentences in their order: a list is answered
    as the corpus lists it, not as scattered best-overlap sentences."""
    q = _stems({w for t in tokenize(question) for w in _HEADING_SYNONYMS.get(t, (t,))} - _GENERIC)
    if says(question, "asks_risk_factors"):  # ("what makes adult B-ALL high risk?": the risk factors' list, r70 q35)
        q |= _stems({"risk", "factor"})
    best: tuple[tuple[int, int, float], str, str] | None = None  # ((shared, items, share), section_id, heading)
    for chunk in chunks:
        for heading in dict.fromkeys(h for h, _ in _headed_sentences(chunk)):
            if heading == chunk.title or heading == (chunk.heading_path or [""])[0]:
                continue  # the document title names the whole document, not one list in it
            h = _stems(set(tokenize(heading)) - _GENERIC)
            shared = h & q
            if len(shared) >= 2 and len(shared) >= min_share * len(h):
                # the heading naming most of the question first; then the list whose items name more of it
                body = _stems({t for hd, sent in _headed_sentences(chunk) if hd == heading for t in tokenize(sent)})
                share = (len(shared), len(body & q), len(shared) / len(h))
                if best is None or share > best[0]:
                    best = (share, chunk.section_id, heading)
    if best is None:
        return []
    _, section, heading = best
    out: list[tuple[str, Chunk]] = []
    for chunk in sorted((c for c in chunks if c.section_id == section), key=lambda c: c.chunk_no):
        for h, sent in _headed_sentences(chunk):
            if h != heading or sent not in chunk.text or any(sent == o for o, _ in out):
                continue
            if not _safe_sentence(sent, facts, book) or not fits_patient(sent, facts, question):
                continue
            if (_low_value(sent, intro=False)  # a list's own intro ("the following ...") opens it
                    or (chunk.tier != "guideline" and claims_recommendation(sent))):
                continue
            out.append((sent, chunk))
    return out[:n]




def definition_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                         n: int = 1) -> list[tuple[str, Chunk]]:
    """The sentences that define what a definition question asks about: they name its subject and say
    "defined / means / conventionally ...", with a number when an age, range or threshold is asked."""
    words = set(tokenize(question))
    subject = words - _GENERIC - _DEFINE_WORDS - _STATUS_GENERIC - set(cue("function_words"))
    found = _defining(subject, question, chunks, facts, book, n) if subject else []
    # "what does having Ph-positive mean for my leukemia?", "... the same as CML?": the marker is the subject
    # when nothing else the question names is defined; then the line must open with it ("Ph-positive (Ph+) ALL is
    # ALL carrying ...", not "Pre-emptive TKI therapy ... for Ph-positive ALL means ...")
    return found or _defining(words & POPULATION_TOKENS, question, chunks, facts, book, n, opens=True)


_NOT_DEFINED = frozenset({"all", "guideline", "summary"})


def _defines_another(head_ids: set[str], start: str, asked: set[str]) -> bool:
    """A defining sentence whose head (before its defining word) names no concept, and whose start (to a few words
    past the defining word) names one the question does not: it defines something else ("features used to define
    high CNS risk" for "what MRD level defines high risk?")."""
    if head_ids:
        return False  # (the head names what is defined: it shares the question's words, as checked before)
    named = set(concept_ids(start.lower())) - _NOT_DEFINED
    return bool(named) and not named & asked


def _defining(subject: set[str], question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
              n: int, *, opens: bool = False) -> list[tuple[str, Chunk]]:
    if not subject:
        return []
    number = says(question, "asks_number")
    q, asked = set(tokenize(question)), set(concept_ids(question.lower()))
    scored: list[tuple[float, str, Chunk]] = []
    seen: set[str] = set()
    for chunk in chunks:
        for s in chunk_sentences(chunk.text):
            if s in seen or s not in chunk.text or (number and not any(ch.isdecimal() for ch in s)):
                continue
            defining = first_of(s, cue("defining_word"))
            copula = None if defining else _COPULA.match(s)
            # the subject comes before the defining word ("AYA are conventionally defined as ...", "Ph-like ALL
            # is ..."); "a result below 0.01% does not mean ..." defines nothing
            if defining is None and copula is None:
                continue
            end = defining[1] if defining else copula.end()  # type: ignore[union-attr]
            head = s[: copula.end()] if copula else s[: defining[0]]  # type: ignore[index]
            if not subject & set(tokenize(head)[:1] if opens else tokenize(head)) or _ends_negated(head):
                continue
            head_ids = set(concept_ids(head.lower())) - _NOT_DEFINED
            if _defines_another(head_ids, s[:end + 30], asked):  # ("what MRD level defines high risk?": not
                continue  # "features ... used to define high CNS risk", which defines the risk of another concept)
            if chunk.tier == "evidence" or TRIAL_RE.search(s[:end]):
                continue  # how a trial defined its population ("In E1910, ... defined as") is not the definition
            seen.add(s)
            shared = subject & set(tokenize(s))
            # (a line defining the term asked about fits whatever population its definition names: "Ph-like ALL is
            # Ph-negative ALL resembling Ph-positive ALL" for a patient with Ph-like ALL)
            if not shared or not _safe_sentence(s, facts, book) or not (head_ids & asked
                                                                        or fits_patient(s, facts, question)):
                continue
            strong = defining is not None and says(s[defining[0]:defining[1]], "defining_strong")
            scored.append((len(shared) + _score(s, q) / 10 + (0.5 if strong else 0.3 if defining else 0), s, chunk))
    scored.sort(key=lambda x: -x[0])
    return [(s, c) for _, s, c in scored[:n]]




#: Words a part asks with and the words an answer uses for them ("consist of" ~ "combined", "decide" ~ "decision").
_PART_SYNONYMS = {"cons": {"comb", "incl", "comp"}, "made": {"comb", "incl", "comp"}, "give": {"give", "trea"},
                  "diff": {"spec", "sepa"},  # ("treated differently?" ~ "no statement specific to it")
                  "long": {"dura", "sche"},  # ("how long do the injections go on?" ~ "no schedules")
                  "toxi": {"vod", "crs", "neurotoxicity"},  # (its side effects ~ "can cause CRS and neurotoxicity")
                  # (when to test again ~ "the best timing of MRD assessments depends on the regimen": r52 q12)
                  "rech": {"timi", "asse"}, "rete": {"timi", "asse"}, "repe": {"timi", "asse"},
                  # (who led or wrote the guideline ~ "directed by ..., chaired by ...": r112 q31)
                  "led": {"dire", "chai"}, "lead": {"dire", "chai"}, "wrot": {"dire", "chai"}, "auth": {"dire", "chai"}}


def _stem4(tokens: set[str]) -> set[str]:
    """Four-letter prefixes of longer words, for overlap of a question part with a sentence."""
    return {t[:4] if len(t) >= 6 and t.isalpha() else t for t in tokens}


def _part_candidate(sent: str, chunk: Chunk, facts: PatientFacts, book: RuleBook, question: str) -> bool:
    """A sentence may answer a part: quotable, safe, about this patient, no recommendation outside the guideline."""
    if _low_value(sent) or not _safe_sentence(sent, facts, book) or not fits_patient(sent, facts, question):
        return False
    return chunk.tier == "guideline" or not (claims_recommendation(sent) or (
        chunk.tier == "evidence" and _GUIDELINE_CLAIM_RE.search(sent) and not _EVIDENCE_FRAME_RE.search(sent)))


def _unasked_drugs(sentence: str, question: str) -> set[str]:
    """The drugs a sentence names that the question does not (the lexicon's kind 'drug'); none when the question
    names a trial (its arms' drugs are what it asks about: "what did step 1 of Ph+ALL213 consist of?")."""
    if trial_keys(question):
        return set()
    named = set(read_concepts(question.lower()).ids(kind="drug")) - given_before(question)  # (r88 q08)
    return set(read_concepts(sentence.lower()).ids(kind="drug")) - named


#: Cues of a part asking which harms to expect (lexicon/cues.yaml).
_ASKS_HARMS = ("asks_side_effects", "asks_toxicity", "asks_cautions")
#: The corpus's words for harms, as part terms (`_stem4`).
_HARM_STEMS = frozenset({"toxi"})


def _best_part_sentence(terms: set[str], open_terms: set[str], setting: set[str], chunks: Sequence[Chunk],
                        seen: set[str], facts: PatientFacts, book: RuleBook,
                        question: str, *, number: bool = False, concepts: frozenset[str] = frozenset(),
                        harms: bool = False) -> tuple[str, Chunk, set[str]] | None:
    """The sentence naming most of a part's terms (its open ones twice), a guideline line and a line in the
    question's setting (its population: "for Ph+ ALL") first, one naming the part's own concepts (intrathecal
    injections, not maintenance, for "how long do the spinal injections go on?"), and one with a number when the part
    asks for one ("what age range is meant by AYA?"), and for a part asking which harms to expect, one naming them
    ("hypofibrinogenemia, raised transaminases and hyperglycemia", not "carries asparaginase-related toxicities":
    r52 q28); with its four-letter stems."""
    best: tuple[float, str, Chunk, set[str]] | None = None
    worded = {t for t in terms if not any(ch.isdigit() for ch in t)}  # (a vital sign's numbers are no words)
    for chunk in chunks:
        for sent in chunk_sentences(chunk.text):
            if sent in seen or sent not in chunk.text:
                continue
            toks = _stem4(set(tokenize(sent)))
            shared = toks & terms
            # (two shared words of a long lay part, "my wife's report says ... after the first round of chemo. is
            # that bad news", are chance: a third of its words at least)
            if not shared & open_terms or len(shared) < min(len(terms), max(2, -(-len(worded) // 3))):
                continue
            if not _part_candidate(sent, chunk, facts, book, question):
                continue
            score = (len(shared) + len(shared & open_terms) + (0.5 if chunk.tier == "guideline" else 0)
                     + (1.0 if setting and setting <= toks else 0) - len(toks) / 100
                     - 0.75 * len(_unasked_drugs(sent, question))  # (a line about a drug not asked about)
                     + (1.5 if number and _states_a_number(sent) else 0)
                     + (len(concepts & _subject_concepts(sent)) if concepts else 0)
                     + (len(harms_in(sent)) if harms else 0))
            if best is None or score > best[0]:
                best = (score, sent, chunk, toks)
    return None if best is None else best[1:]


_TREATING_KINDS = TREATMENT_KINDS | {"phase_of_treatment"}


def _other_treatment(sentence: str, question: str) -> bool:
    """The sentence is about treatments (or treatment phases) and the question asks about others, none related, and
    the sentence shares no other subject with it ("how long do the intrathecal injections go on?" is not answered by
    how long maintenance lasts; "KMT2A-r: chemo or allo?" is by the line on unfavourable factors)."""
    lex = load_lexicon()
    asked = [m.concept for m in read_concepts(question.lower()).mentions
             if not (m.historical or m.negated or m.other_person)]
    mine = [c for c in concept_ids(sentence.lower()) if c in lex.concepts and not lex.concepts[c].generic]
    treating = [c for c in mine if lex.concepts[c].kind in _TREATING_KINDS]
    theirs = [c for c in asked if c in lex.concepts and lex.concepts[c].kind in _TREATING_KINDS
              and not lex.concepts[c].generic]
    if not treating or not theirs or not _unrelated(treating, theirs):
        return False
    shared = set(mine) & set(asked) - set(treating)
    return not any(lex.concepts[c].kind not in _WIDE_KINDS | {"property"} for c in shared)


#: Words pointing back to what an earlier part named.
_POINTERS = frozenset({"it", "its", "they", "their", "them", "this", "that"})


def _subject_concepts(text: str) -> frozenset[str]:
    """The concepts a text names that narrow it to a topic (not the disease, the guideline, a population)."""
    lex = load_lexicon()
    return frozenset(c for c in concept_ids(text.lower()) if c in lex.concepts
                     and lex.concepts[c].kind not in _WIDE_KINDS and not lex.concepts[c].generic)


def _states_a_number(sentence: str) -> bool:
    """A number other than the edition's year ("15 to 39 years", "0.01%"; not "JSH 2023").

    >>> _states_a_number("AYA are defined as people aged 15 to 39 years."), _states_a_number("JSH 2023 recommends X.")
    (True, False)
    """
    return any(w[:1].isdigit() and not (len(w) == 4 and w.startswith(("19", "20"))) for w in sentence.split())


def _unmarked(line: str) -> str:
    """An answer line without its citation markers ("[2]") and bold labels ("**Evidence ...:**").

    >>> _unmarked("- **Evidence (trial data):** CR 80%.[2][3]")
    '-   CR 80%.  '
    """
    out: list[str] = []
    i = 0
    while i < len(line):
        if line.startswith("**", i):
            j = line.find("**", i + 2)
            if j > i + 2 and "*" not in line[i + 2:j]:
                out.append(" ")
                i = j + 2
                continue
        if line[i] == "[":
            j = line.find("]", i)
            if j > i + 1 and line[i + 1:j].isdecimal():
                out.append(" ")
                i = j + 1
                continue
        out.append(line[i])
        i += 1
    return "".join(out)


def _ends_negated(head: str) -> bool:
    """The text ends in "not " or "n't " as a word ("a result below 0.01% does not ")."""
    body = head.rstrip()
    return len(body) < len(head) and body.endswith(("not", "n't")) and not word_char(body[-4:-3])


def part_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                   covered: Sequence[str]) -> list[tuple[str, Chunk]]:
    """For a question with several parts: the best sentence for each part that the answer so far leaves open,
    from `chunks`. A part is answered by one line naming (nearly) all its terms in the question's setting: "the
    standard induction approach" for Ph+ ALL is not answered by a line on MRD after induction in any ALL."""
    parts = question_parts(question)
    if len(parts) < 2:
        return []
    lines = [_stem4(set(tokenize(_unmarked(line)))) for line in covered]
    texts = [_unmarked(line) for line in covered]
    setting = set(tokenize(question)) & POPULATION_TOKENS
    seen = set(covered)
    out: list[tuple[str, Chunk]] = []
    lex = load_lexicon()
    earlier: set[str] = set()  # (the treatments the parts before named: "its" in "…, and what are its side effects?")
    for part in parts:
        concepts = _subject_concepts(part)
        treatments = {c for c in concepts if lex.concepts[c].kind in TREATMENT_KINDS}  # (ids of the lexicon)
        if _POINTERS & {w.strip("?,.!;:").lower() for w in part.split()} and not treatments:
            concepts |= earlier
        earlier |= treatments
        number = says(part, "asks_number")
        # (a request for figures names no term of its own: "VOD risk numbers?" asks the risk, with its number)
        terms = _stem4(set(tokenize(part)) - _GENERIC - _STATUS_GENERIC - _PART_GENERIC - _DEFINE_WORDS
                       - _NUMBER_WORDS)
        harms = any(says(part, c) for c in _ASKS_HARMS)
        lay_harms = harms and bool(concepts) and not terms & _HARM_STEMS
        if lay_harms:
            terms = set(_HARM_STEMS)  # (harms asked in lay words, "will it be harder on my body?", r56 k19: the
            # corpus's word for them, with the part's treatment as its concept)
        if not terms:
            continue
        # (one line names the part's terms, not several lines sharing them out; with its number when one is asked)
        need = len(terms) if len(terms) <= 3 else -(-3 * len(terms) // 4)
        answering = [line for line, text in zip(lines, texts, strict=True)
                     if len(terms & line) >= need and (not number or _states_a_number(text))]
        if any(setting <= line for line in answering):
            continue
        open_terms = terms - set().union(*lines) or terms
        if not lay_harms:
            terms |= {w for t in terms for w in _PART_SYNONYMS.get(t, set())}
        open_terms |= {w for t in open_terms for w in _PART_SYNONYMS.get(t, set())}
        best = _best_part_sentence(terms, open_terms, setting, chunks, seen, facts, book, question,
                                   number=number, concepts=concepts, harms=harms)
        if best is None or (answering and not setting <= best[2]):
            continue  # (no line in the question's setting: the general one that answers stands)
        seen.add(best[0])
        lines.append(best[2])
        texts.append(best[0])
        out.append((best[0], best[1]))
    return out


def open_parts(question: str, lines: Sequence[str]) -> list[str]:
    """The parts of a several-part question, each naming a subject of its own (a concept of the lexicon), that no
    line of an answer touches: none names a term of the part (four-letter prefixes, with their synonyms) or one of
    its concepts ("CNS prophylaxis in CR? And does this T-ALL need cranial RT?" answered on prophylaxis only, r112
    q12). Lenient on purpose: a line sharing one word with the part counts as its answer, so what is flagged was
    left out, not answered in other words.

    >>> q = "What MRD level after induction means high risk, and does a T-ALL with WBC 150k need cranial RT?"
    >>> open_parts(q, ["MRD of 0.01% or more after induction means a high risk of relapse."])
    ['does a T-ALL with WBC 150k need cranial RT']
    >>> open_parts(q, ["MRD of 0.01% or more means high risk.", "Cranial irradiation is an option at high risk."])
    []
    """
    parts = question_parts(question)
    return [part for part in parts if not part_touched(part, lines)] if len(parts) >= 2 else []


def part_touched(part: str, lines: Sequence[str]) -> bool:
    """Some line names a term of the part (with its synonyms) or one of its own concepts; a part naming nothing of
    its own ("what then?") is answered by whatever the answer says, a part asking why or how something is ("why
    does it matter?", "how solid is that evidence?") by lines in other words, one asking for a number by any line
    stating one ("in which ages?"), one asking which harms by any line naming one ("what should we watch?")."""
    terms = _stem4(set(tokenize(part)) - _GENERIC - _STATUS_GENERIC - _PART_GENERIC - _DEFINE_WORDS
                   - _NUMBER_WORDS - _POINTERS)
    own = _subject_concepts(part) - _ASKING_CONCEPTS
    if not terms or not own or _asks_reason_or_manner(part):
        return True
    if says(part, "asks_number") and any(_states_a_number(_unmarked(line)) for line in lines):
        return True
    if any(says(part, c) for c in _ASKS_HARMS) and any(harms_in(line) for line in lines):
        return True
    terms |= {w for t in terms for w in _PART_SYNONYMS.get(t, set())}
    # (by four-letter prefixes of every word: "exactly" ~ "exact")
    stems = {w[:4] for line in lines for w in tokenize(line)}
    concepts = {c for line in lines for c in concept_ids(line.lower())}
    return bool({t[:4] for t in terms} & stems) or any(addressed(c, concepts) for c in own)


def _asks_reason_or_manner(part: str) -> bool:
    """The part asks why, or how something is or relates ("how does it relate to ...", "how solid is it"), not how
    long, how many or how much (a quantity the answer names or leaves out)."""
    words = [w.strip("?,.!;:").lower() for w in part.split()]
    words = words[1:] if words and words[0] in _LEADING_JOINERS else words
    return bool(words) and (words[0] == "why" or words[0] == "how" and (words[1:2] or [""])[0] not in _HOW_MUCH)


#: Concepts that say what kind of thing is asked ("when do we stop", "what's the evidence"), not its subject.
_ASKING_CONCEPTS = frozenset({"change", "property", "outcome"})
_LEADING_JOINERS = frozenset({"and", "but", "so", "also", "then", "plus"})
_HOW_MUCH = frozenset({"long", "many", "much", "often", "old", "young", "soon", "frequent", "frequently", "common"})


#: Words asking for figures: a part's request for a number, not one of its terms.
_NUMBER_WORDS = frozenset({"numbers", "number", "figures", "figure", "rate", "rates", "incidence", "percentage",
                           "percentages"})


#: Results in a text ("78% vs 52%", "7.7 versus 4.0 months", "20 to 30%"): a pair takes the unit of its second
#: number. Percentages under 1 are MRD thresholds, not results.
_UNIT = r"(%|\s*percent\b|\s*months?\b|\s*mo\b|\s*m?g\s*/\s*m(?:2|²))"
_RESULT_PAIR = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:%|months?\b|mo\b|m?g\s*/\s*m(?:2|²))?\s*(?:vs\.?|versus|and|to|v)\s*"
                          r"(\d+(?:\.\d+)?)" + _UNIT, re.IGNORECASE)
_RESULT_ONE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)" + _UNIT, re.IGNORECASE)


def _results(text: str) -> list[tuple[float, str]]:
    out: list[tuple[float, str]] = []

    def unit(u: str) -> str:
        if "/" in u:
            return " mg/m2" if "mg" in u.lower() else " g/m2"
        return "%" if "%" in u or "percent" in u.lower() else " months"

    def pair(m: re.Match[str]) -> str:
        out.extend([(float(m.group(1)), unit(m.group(3))), (float(m.group(2)), unit(m.group(3)))])
        return " "

    rest = _RESULT_PAIR.sub(pair, text)
    out.extend((float(m.group(1)), unit(m.group(2))) for m in _RESULT_ONE.finditer(rest))
    return [(v, u) for v, u in dict.fromkeys(out) if u != "%" or v >= 1]


_AGE_SPAN = re.compile(r"\b(?:patients|aged|ages?|adults|population|pts)\s+(?:of\s+|between\s+)?(\d{1,2})\s*(?:-|–|to|and)\s*(\d{1,2})\b",
                       re.IGNORECASE)


def unreported_numbers(question: str, trial_text: str) -> list[str]:
    """The results the question states for a trial that its document does not report.

    >>> unreported_numbers("ALL202-O showed 78% vs 52% DFS, right?", "5-year DFS was 58% versus 32%.")
    ['78%', '52%']
    >>> unreported_numbers("TOWER OS 7.7 vs 4.0 months?", "median OS 7.7 months versus 4.0 months")
    []
    >>> unreported_numbers("OS of 12 months vs 4 months?", "EFS 31% versus 12%; OS 7.7 versus 4.0 months")
    ['12 months']
    >>> unreported_numbers("MRD 0.01% in GRAAPH-2005?", "")
    []
    >>> unreported_numbers("HD-MTX 5 vs 1 g/m2?", "between a high dose of 3 g/m2 and an intermediate dose of 0.5 g/m2")
    ['5 g/m2', '1 g/m2']
    >>> unreported_numbers("HD-MTX in patients 15-39?", "in adults aged 25 to 64 with Ph-negative ALL")
    ['ages 15 to 39']
    """
    have = set(_results(trial_text))
    wrong = [f"{v:g}{u}" for v, u in _results(question) if (v, u) not in have]
    # a population's age range ("in patients 15-39") that the trial's documents do not give
    ranges = {(int(a), int(b)) for a, b in _AGE_SPAN.findall(trial_text)}
    wrong += [f"ages {a} to {b}" for a, b in _AGE_SPAN.findall(question) if (int(a), int(b)) not in ranges]
    return wrong


