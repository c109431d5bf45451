"""Sentence finders: which corpus sentences may be quoted for this patient, and which answer a kind of question
(the guideline's own yes/no line, the asked term, a heading's list, a definition, each part of a several-part
question, a trial's results). Pure functions over chunks; the composers decide where their lines go."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.compose.intents import (
    _ASKS_ABOUT_SOURCES,
    _ASKS_NUMBER,
    _ASKS_REFERENCE,
    _COPULA,
    _DEFINE_WORDS,
    _DEFINING,
    _GRADE_Q,
    _PART_GENERIC,
    _PREFER_Q,
    _PREFER_S,
    is_status_question,
    question_parts,
)
from assistant.models import Chunk, PatientFacts
from assistant.rules.logic import RuleBook, stated_facts
from assistant.rules.tiers import _EVIDENCE_FRAME_RE, _GUIDELINE_CLAIM_RE, banned_content, claims_recommendation
from assistant.text import (
    DRUG_TOKENS,
    POPULATION_TOKENS,
    TRIAL_NAME,
    TRIAL_RE,
    chunk_sentences,
    headed_sentences,
    tokenize,
)

MAX_SENTENCES = 8
EVIDENCE_LEAD = "**Evidence (trial data, not a JSH recommendation):**"
CONTEXT_LEAD = "**Context (not a JSH 2023 recommendation):**"
_GENERIC = frozenset(
    ["all", "adult", "adults", "ph_pos", "ph_neg", "jsh", "japanese", "japan", "2023", "guideline", "leukemia", "lymphoblastic", "acute", "patient", "trial", "study", "show", "showed", "result", "outcome", "year", "old", "yo", "age", "aged", "man", "woman", "male", "female"]
)


NEAR_DUPLICATE = 0.6


def _near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two sentences share most of their words (Jaccard similarity of their tokens)."""
    return bool(a and b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE


_TRIAL_IN_TEXT = re.compile(r"\b(?:" + TRIAL_NAME + r")\b|\b(?:trial|study|registry|analysis)\b", re.IGNORECASE)
_EVIDENCE_HEADINGS = frozenset({"supporting evidence"})


def is_trial_sentence(sentence: str, chunk: Chunk) -> bool:
    """A sentence that reports a study (under a guideline document's "Supporting evidence" heading, or naming
    a trial together with a result) rather than stating the guideline's position."""
    for heading, sent in _headed_sentences(chunk):
        if sent == sentence:
            if heading.lower() in _EVIDENCE_HEADINGS:
                return True
            break
    return bool(_TRIAL_IN_TEXT.search(sentence) and _RESULT_NUMBER.search(sentence)
                and not _GUIDELINE_CLAIM_RE.search(sentence))



def _safe_sentence(sentence: str, facts: PatientFacts, book: RuleBook) -> bool:
    if banned_content(sentence) is not None:
        return False
    if len(sentence.split()) < 6 or sentence.endswith("?"):
        return False
    return not book.contradicts_any(facts, sentence)


_FRONTLINE, _SALVAGE = frozenset({"newly_diagnosed", "cr1"}), frozenset({"relapsed", "refractory"})
_DRUG_POPULATION = (
    # (pattern, the patient fact that excludes it): drugs and tests that only concern one population.
    (re.compile(r"\bnelarabine\b", re.IGNORECASE), "lineage", "B"),
    (re.compile(r"\b(?:blinatumomab|inotuzumab|tisagenlecleucel|brexucabtagene|car[\s-]?t\b)", re.IGNORECASE),
     "lineage", "T"),
    (re.compile(r"\b(?:tkis?|imatinib|dasatinib|nilotinib|ponatinib|bcr::?abl1?|t315i|ph-positive|ph\+)",
                re.IGNORECASE), "ph_status", "negative"),  # ("not Ph-positive" in a question names no drug)
    (re.compile(r"\bt315i\b", re.IGNORECASE), "t315i", False),
)
_RESULT_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*%|\bHR\b|\bP\s*[=<]|\b\d+\s*(?:of|/)\s*\d+\b"
                            r"|\b\d+(?:\.\d+)?\s*(?:months?|patients|years?)\b", re.IGNORECASE)
_PH_WORDS = re.compile(r"\bph[\s-]*(?:positive|negative|\+|-)|\bbcr::?abl1?[\s-]*(?:positive|negative)", re.IGNORECASE)
_AGE_RANGE = re.compile(r"\b\d{1,2}\s*(?:–|-|to)\s*\d{2}\b")


_FACTOR_LIST = re.compile(r"^[^.]*?\b(?:factors?|features?|criteria|examples?)\b[^.]*?\b(?:include|includes|such\s+as)\b",
                          re.IGNORECASE)


def fits_patient(sentence: str, facts: PatientFacts, question: str = "", *, phase: bool = True) -> bool:
    """False when a sentence speaks about a population the patient is known not to be in: another Ph status,
    lineage, CD19/CD22 or MRD result, age band, or front-line vs relapse setting, or a drug or test that only
    concerns another population. What the question itself names is always allowed (a false premise about
    nelarabine in B-ALL must be answered with the nelarabine sentence)."""
    # "Adverse features include the Ph chromosome, ...": the items of a list of factors are not its population
    listing = _FACTOR_LIST.search(sentence)
    head = sentence[:listing.end()] if listing else sentence
    own = stated_facts(head)
    for key in ("ph_status", "lineage", "cd19", "cd22", "mrd_status", "t315i"):
        have, says = getattr(facts, key), own.get(key)
        if have is not None and says is not None and have != says:
            return False
    not_yet, done = {"not_done", "ineligible", "eligible", "planned"}, {"done"}
    if (facts.transplant in not_yet and (own.get("transplant") in done or own.get("phase") == "post_hsct")) or (
            facts.transplant in done and own.get("transplant") == "not_done"):
        return False
    if (facts.age_band and own.get("age_band") and own["age_band"] != facts.age_band
            and not _AGE_RANGE.search(sentence)):
        return False
    if phase and facts.phase and own.get("phase"):
        groups = (_FRONTLINE, _SALVAGE)
        if any(facts.phase in g and own["phase"] not in g and own["phase"] in (_FRONTLINE | _SALVAGE)
               for g in groups):
            return False
        if facts.phase in _SALVAGE and own["phase"] == "post_hsct" and own.get("mrd_status") and not facts.mrd_status:
            return False  # an MRD result after transplant is not the frank relapse the question describes
    if (phase and facts.phase in _SALVAGE and not facts.mrd_status and own.get("mrd_timepoint") == "after_induction"
            and not re.search(r"\bmrd\b|residual", question, re.IGNORECASE)):
        return False  # MRD after first induction is front-line risk, not a plan for a frank relapse
    if (facts.phase in _SALVAGE and re.search(r"\bprophyla", sentence, re.IGNORECASE)
            and not re.search(r"\bprophyla", question, re.IGNORECASE)):
        return False  # prophylaxis (CNS, TKI after transplant) belongs to front-line therapy, not to a relapse
    if (facts.lineage == "T" and facts.ph_status is None and own.get("ph_status") == "positive"
            and not _PH_WORDS.search(question)):
        return False  # T-ALL is Ph-negative unless the question says otherwise
    for rx, key, excluded in _DRUG_POPULATION:
        # "no T315I" names it but wants no resistance lines; "not Ph-positive" names no TKI
        named = key != "t315i" and rx.search(_PH_WORDS.sub(" ", question))
        if getattr(facts, key) == excluded and rx.search(head) and not named:
            return False
    return True


#: Words that name a disease phase as a setting ("first-line", "relapsed or refractory").
_SETTING_WORDS = {
    "newly_diagnosed": re.compile(r"first[\s-]line|front[\s-]?line|induction|newly diagnosed", re.IGNORECASE),
    "cr1": re.compile(r"first[\s-]line|first (?:complete )?remission|\bCR1\b|consolidation", re.IGNORECASE),
}
_SETTING_WORDS["refractory"] = _SETTING_WORDS["relapsed"] = re.compile(r"relapse|refractory|salvage", re.IGNORECASE)
_NO_MATCH = re.compile(r"(?!x)x")
#: Sentences that say what the guideline does NOT say, or that something is trial evidence only.
_STATUS_SENTENCE = re.compile(
    r"\b(?:does not (?:recommend|present|include)|not recommended|not (?:the |a )?(?:jsh 2023 )?(?:standard|recommendation)"
    r"|no (?:confirmed )?(?:japanese )?approval|no jsh|not listed|not part of|no (?:jsh 2023 )?recommendation grades?"
    r"|grade or cq number|no cq numbers?|trial evidence only|is trial evidence|are trial evidence"
    r"|does not (?:name|specify|define|list|address|give|cover|state)"
    r"|no [\w-]+-specific|by analogy|does not rank|leaves the choice|neither is stated as preferred"
    r"|not (?:for|as) (?:the )?first[\s-]line|could not be confirmed)\b",
    re.IGNORECASE)
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
    scored: list[tuple[float, int, str, Chunk]] = []
    seen: set[str] = set()
    for ci, chunk in enumerate(chunks):
        for s in chunk_sentences(chunk.text):
            if s in seen or s not in chunk.text or not _STATUS_SENTENCE.search(s):
                continue
            seen.add(s)
            if _LOW_VALUE.search(s) and not _ASKS_ABOUT_SOURCES.search(question):
                continue  # "the INO-VATE results are trial evidence": a label, not an answer
            # a "does not list X first-line" line is about the setting asked, whatever phase it names; one that
            # names only another setting ("MRD-positive ... in remission" for a relapse) is not
            if not _safe_sentence(s, facts, book) or not fits_patient(
                    s, facts, question, phase=not (facts.phase and _SETTING_WORDS.get(facts.phase, _NO_MATCH).search(s))):
                continue
            if chunk.tier != "guideline" and claims_recommendation(s):
                continue  # "recommend..." may only be said citing a guideline chunk
            if chunk.tier == "evidence" and _GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s):
                continue  # what the guideline says is quoted from the guideline, not from a trial document
            raw = set(tokenize(s))
            toks = _stems(raw)
            shared = toks & q
            rare_shared = sum(1 for t in raw & q_raw if rare(t)) if rare is not None else 0
            if (len(shared) < 2 and not (shared and len(q) <= 4)) or not shared - _SETTING:
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
            if _GRADE_Q.search(question) and _GRADE_Q.search(s):
                score *= 2.0  # a question about grades or CQ numbers wants the sentence about them
            if _PREFER_Q.search(question) and _PREFER_S.search(s):
                score *= 3.0  # "which is preferred?" wants the sentence about ranking or choice
            scored.append((score, -ci, s, chunk))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    if (asked and rare is not None and re.search(r"\bor\b|\bvs\.?\b|\bversus\b", question, re.IGNORECASE)
            and not _GRADE_Q.search(question)):
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
    if asked and len(scored) > 1 and scored[1][0] >= 0.7 * scored[0][0]:
        n = max(n, 2)  # two near-equal answers to the question asked (e.g. "not ponatinib" and "no TKI named")
    return [(s, c) for _, _, s, c in scored[:n]]


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



_REFERENCE = re.compile(r"\bpublished\b|\bjournal\b|\bdoi\b|\bvolume\b|\bint j hematol\b", re.IGNORECASE)
_REFERENCE_ANSWER = re.compile(r"\bpublish\w*|\bjournal\b|\bdoi\b|\bvolume\b|\bedition\b|\bversion\b"
                               r"|\bauthors?\b|\bfull text\b|\bsummar\w+|\bcited?\b|\bhatta\b", re.IGNORECASE)
_HEADLINE = re.compile(r"\b(?:overall survival|event-free survival|disease-free survival|relapse-free survival"
                       r"|median (?:overall )?survival|\bOS\b|\bEFS\b|\bDFS\b|primary endpoint)", re.IGNORECASE)
#: Outcome kinds a trial question may name, and the result lines that report them.
_OUTCOME_KINDS = (
    (re.compile(r"\bOS\b|\bsurvival\b", re.IGNORECASE), re.compile(r"overall survival|\bOS\b", re.IGNORECASE)),
    (re.compile(r"\bremission|\bCR\b|\bresponse", re.IGNORECASE),
     re.compile(r"\bremission\b|\bCR(?:/CRi|h)?\b|\bresponse\b", re.IGNORECASE)),
    (re.compile(r"\btoxicit|\bside\s+effects?|\badverse", re.IGNORECASE),
     re.compile(r"\btoxicit|\bVOD\b|\bcytokine\b|\bneurotox|\badverse\s+events?", re.IGNORECASE)),
)
_PROVISIONAL = re.compile(r"\bearlier\b[^.]*\babstract\b|\binterim\b|\bpreliminary\b", re.IGNORECASE)
_DEFINITION = re.compile(r"\bmeans\b|\bstands for\b|\bis defined as\b|\brefers to\b", re.IGNORECASE)
_INTRO = re.compile(r"\bthe following\b", re.IGNORECASE)
_LOW_VALUE = re.compile(
    r"evidence documents?|\bsee the\b|this document|documents? (?:in|of) this corpus|are evidence(?:,)? (?:and )?not"
    r"|\bthe assistant\b|\bmust never be\b|\bmust not (?:state|invent|say|claim)\b|\bwas published\b"
    r"|^(?:because of this|for this reason|as a result|in this case)\b"
    r"|(?:results?|findings?) (?:are|is) (?:trial )?evidence|have their own|\bpublished in \w+ (?:in )?\d{4}|context document"
    r"|^in this corpus\b|\bis assumed to\b|\bresult is evidence\b|\bthe following\b",
    re.IGNORECASE)


def best_sentences(chunk: Chunk, question: str, facts: PatientFacts, book: RuleBook, *, n: int = 2,
                   need_numbers: bool = False, min_shared: int = 1, evidence: bool = False) -> list[str]:
    q = set(tokenize(question))
    scored: list[tuple[float, int, str]] = []
    for i, s in enumerate(chunk_sentences(chunk.text)):
        if s not in chunk.text or not _safe_sentence(s, facts, book) or not fits_patient(s, facts, question):
            continue
        if need_numbers and not _RESULT_NUMBER.search(s):
            continue  # a trial line must carry a result, not only a year
        if _LOW_VALUE.search(s) and not (_ASKS_ABOUT_SOURCES.search(question) or _ASKS_REFERENCE.search(question)):
            continue
        ctx = frozenset(tokenize(chunk.title)) if evidence else frozenset()
        if len({t for t in ((set(tokenize(s)) | ctx) & q) - _GENERIC if not t.isdigit()}) < min_shared:
            continue  # (a bare number, "ECOG 3" and "3-year", is a coincidence, not a shared subject)
        score = _score(s, q, ctx)
        if _ASKS_REFERENCE.search(question) and _REFERENCE.search(s):
            score *= 2.0  # "what is the reference / who published": the bibliographic sentence first
        if (evidence or need_numbers) and re.search(r"\d+(?:\.\d+)?\s*%|\bHR\b|\bmonths?\b", s):
            score *= 1.6  # trial questions want results, not bibliography
            if _HEADLINE.search(s):
                score *= 1.5  # and the headline result (survival) before secondary ones
            if _PROVISIONAL.search(s):
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
                         "still", "really", "feel", "feeling", "die", "dying", "going", "worried", "afraid"])


def focus_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                    covered: Sequence[str], *, rare: Callable[[str], bool], n: int = 2) -> list[tuple[str, Chunk]]:
    """The question's specific subject ("autologous transplant", "white cell count"), when nothing in the answer
    so far names it: the best sentence of the retrieved or rule sections that does, at most one per term.

    Only terms few chunks contain count (`rare`), and never the patient facts the rules already answer."""
    q = set(tokenize(question))
    have: set[str] = set()
    for line in covered:
        have.update(tokenize(line))
    # the drugs the answer already names are part of the subject ("what toxicity?" after "blinatumomab is ...")
    q_drugs = q | (have & DRUG_TOKENS)
    terms = [t for t in dict.fromkeys(tokenize(question))
             if t not in have and t not in _FACT_TOKENS and t not in _GENERIC and t not in _FOCUS_SKIP
             and not re.match(r"\d", t) and len(t) > 2 and rare(t)]  # (numbers and "22yo" are no subject; KMT2A is)
    out: list[tuple[str, Chunk]] = []
    seen: set[str] = set(covered)
    named_drugs = [t for t in dict.fromkeys(tokenize(question)) if t in DRUG_TOKENS]
    for term in terms:
        if term in have:
            continue  # named by a line added for an earlier term
        # "blinatumomab vs inotuzumab: main toxicities?": one line for each drug the question names
        per_drug = term in _TERM_FAMILY and len(named_drugs) >= 2
        bests: dict[str | None, tuple[tuple[bool, float], str, Chunk]] = {}
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
                if _LOW_VALUE.search(s) or (chunk.tier != "guideline" and claims_recommendation(s)):
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
                score = (bool(POPULATION_TOKENS & q & set(tokenize(s))),
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
                     "unfavorable": ("risk", "factor")}


def heading_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                      *, n: int = 8, min_share: float = 0.5) -> list[tuple[str, Chunk]]:
    """When the question names a specific heading of a retrieved section ("what are the risk factors" and
    "Risk factors commonly used in adult ALL"), that heading's sentences in their order: a list is answered
    as the corpus lists it, not as scattered best-overlap sentences."""
    q = _stems({w for t in tokenize(question) for w in _HEADING_SYNONYMS.get(t, (t,))} - _GENERIC)
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
            if (_LOW_VALUE.search(_INTRO.sub("", sent))  # a list's own intro ("the following ...") opens it
                    or (chunk.tier != "guideline" and claims_recommendation(sent))):
                continue
            out.append((sent, chunk))
    return out[:n]




def definition_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                         n: int = 1) -> list[tuple[str, Chunk]]:
    """The sentences that define what a definition question asks about: they name its subject and say
    "defined / means / conventionally ...", with a number when an age, range or threshold is asked."""
    subject = set(tokenize(question)) - _GENERIC - _DEFINE_WORDS - _STATUS_GENERIC
    if not subject:
        return []
    number = _ASKS_NUMBER.search(question) is not None
    q = set(tokenize(question))
    scored: list[tuple[float, str, Chunk]] = []
    seen: set[str] = set()
    for chunk in chunks:
        for s in chunk_sentences(chunk.text):
            if s in seen or s not in chunk.text or (number and not re.search(r"\d", s)):
                continue
            verb = _DEFINING.search(s) or _COPULA.match(s)
            # the subject comes before the defining word ("AYA are conventionally defined as ...", "Ph-like ALL
            # is ..."); "a result below 0.01% does not mean ..." defines nothing
            if verb is None:
                continue
            head = s[: verb.end()] if verb.re is _COPULA else s[: verb.start()]
            if not subject & set(tokenize(head)) or re.search(r"\b(?:not|n't)\s+$", head):
                continue
            if chunk.tier == "evidence" or TRIAL_RE.search(s[: verb.end()]):
                continue  # how a trial defined its population ("In E1910, ... defined as") is not the definition
            seen.add(s)
            shared = subject & set(tokenize(s))
            if not shared or not _safe_sentence(s, facts, book) or not fits_patient(s, facts, question):
                continue
            scored.append((len(shared) + _score(s, q) / 10 + (0.5 if verb.re is _DEFINING else 0), s, chunk))
    scored.sort(key=lambda x: -x[0])
    return [(s, c) for _, s, c in scored[:n]]




#: Words a part asks with and the words an answer uses for them ("consist of" ~ "combined", "decide" ~ "decision").
_PART_SYNONYMS = {"cons": {"comb", "incl", "comp"}, "made": {"comb", "incl", "comp"}, "give": {"give", "trea"}}


def _stem4(tokens: set[str]) -> set[str]:
    """Four-letter prefixes of longer words, for overlap of a question part with a sentence."""
    return {t[:4] if len(t) >= 6 and t.isalpha() else t for t in tokens}


def _part_candidate(sent: str, chunk: Chunk, facts: PatientFacts, book: RuleBook, question: str) -> bool:
    """A sentence may answer a part: quotable, safe, about this patient, no recommendation outside the guideline."""
    if _LOW_VALUE.search(sent) or not _safe_sentence(sent, facts, book) or not fits_patient(sent, facts, question):
        return False
    return chunk.tier == "guideline" or not (claims_recommendation(sent) or (
        chunk.tier == "evidence" and _GUIDELINE_CLAIM_RE.search(sent) and not _EVIDENCE_FRAME_RE.search(sent)))


def _best_part_sentence(terms: set[str], open_terms: set[str], setting: set[str], chunks: Sequence[Chunk],
                        seen: set[str], facts: PatientFacts, book: RuleBook,
                        question: str) -> tuple[str, Chunk, set[str]] | None:
    """The sentence naming most of a part's terms (its open ones twice), a guideline line and a line in the
    question's setting (its population: "for Ph+ ALL") first; with its four-letter stems."""
    best: tuple[float, str, Chunk, set[str]] | None = None
    for chunk in chunks:
        for sent in chunk_sentences(chunk.text):
            if sent in seen or sent not in chunk.text:
                continue
            toks = _stem4(set(tokenize(sent)))
            shared = toks & terms
            if not shared & open_terms or len(shared) < min(2, len(terms)):
                continue
            if not _part_candidate(sent, chunk, facts, book, question):
                continue
            score = (len(shared) + len(shared & open_terms) + (0.5 if chunk.tier == "guideline" else 0)
                     + (1.0 if setting and setting <= toks else 0) - len(toks) / 100)
            if best is None or score > best[0]:
                best = (score, sent, chunk, toks)
    return None if best is None else best[1:]


def part_sentences(question: str, chunks: Sequence[Chunk], facts: PatientFacts, book: RuleBook,
                   covered: Sequence[str]) -> list[tuple[str, Chunk]]:
    """For a question with several parts: the best sentence for each part that the answer so far leaves open,
    from `chunks`. A part is answered by one line naming (nearly) all its terms in the question's setting: "the
    standard induction approach" for Ph+ ALL is not answered by a line on MRD after induction in any ALL."""
    parts = question_parts(question)
    if len(parts) < 2:
        return []
    lines = [_stem4(set(tokenize(re.sub(r"\[\d+\]|\*\*[^*]+\*\*", " ", line)))) for line in covered]  # no markers
    setting = set(tokenize(question)) & POPULATION_TOKENS
    seen = set(covered)
    out: list[tuple[str, Chunk]] = []
    for part in parts:
        terms = _stem4(set(tokenize(part)) - _GENERIC - _STATUS_GENERIC - _PART_GENERIC - _DEFINE_WORDS)
        if not terms:
            continue
        # (one line names the part's terms, not several lines sharing them out)
        need = len(terms) if len(terms) <= 3 else -(-3 * len(terms) // 4)
        answering = [line for line in lines if len(terms & line) >= need]
        if any(setting <= line for line in answering):
            continue
        open_terms = terms - set().union(*lines) or terms
        for t in list(terms):
            terms |= _PART_SYNONYMS.get(t, set())
        best = _best_part_sentence(terms, open_terms, setting, chunks, seen, facts, book, question)
        if best is None or (answering and not setting <= best[2]):
            continue  # (no line in the question's setting: the general one that answers stands)
        seen.add(best[0])
        lines.append(best[2])
        out.append((best[0], best[1]))
    return out


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


