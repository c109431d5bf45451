"""Drafting: the deterministic extractive drafter, and the LLM drafter behind langchain-core's chat interface.

The extractive drafter builds an answer from (1) the guideline rules that apply to the patient and question,
(2) the best retrieved guideline sentences, (3) one or two evidence lines marked as trial data, each sentence
cited with a verbatim quote. The LLM drafter asks a chat model to answer from numbered chunks with markers; its
output then goes through the same rule layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.concepts import read_concepts
from assistant.concepts import tokens as concept_tokens
from assistant.facts import about_a_patient
from assistant.models import Chunk, Citation, PatientFacts, RetrievedChunk, RuleFinding
from assistant.prompts import DISCLAIMER, LLM_SYSTEM_PROMPT, format_context
from assistant.rules import Draft, applicable_rules, missing_facts, statement_chunk
from assistant.rules.logic import (
    CONFIRM,
    TAG_QUESTION,
    TREATMENT_QUESTION,
    GuidelineRule,
    RuleBook,
    default_rulebook,
    is_branch,
    is_specific,
    stated_facts,
)
from assistant.rules.tiers import _EVIDENCE_FRAME_RE, _GUIDELINE_CLAIM_RE, banned_content, claims_recommendation
from assistant.text import (
    DRUG_TOKENS,
    POPULATION_TOKENS,
    TRIAL_NAME,
    TRIAL_RE,
    chunk_sentences,
    headed_sentences,
    tokenize,
    trial_keys,
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


def _lead(tier: str) -> str:
    """The label a line from a chunk of this tier carries (none for a guideline line)."""
    return {"evidence": EVIDENCE_LEAD, "context": CONTEXT_LEAD}.get(tier, "")


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


class _Builder:
    """Collects cited sentences and numbers the citations."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self.lines: list[tuple[str, str]] = []  # (kind, text)
        self.used: set[str] = set()
        self._markers: dict[tuple[str, str], int] = {}
        self._tokens: list[tuple[str, frozenset[str]]] = []  # (chunk_id, tokens) of each line

    def cite(self, chunk: Chunk, quote: str) -> int:
        key = (chunk.chunk_id, quote)
        if key not in self._markers:
            self._markers[key] = len(self.citations) + 1
            self.citations.append(Citation.from_chunk(chunk, marker=self._markers[key], quote=quote))
        return self._markers[key]

    def add(self, kind: str, sentence: str, chunk: Chunk, *, lead: str = "") -> bool:
        norm = sentence.strip()
        if kind != "rule" and not lead and chunk.tier == "guideline" and is_trial_sentence(norm, chunk):
            kind, lead = "evidence", EVIDENCE_LEAD  # a trial result quoted from a guideline document is evidence
        if norm in self.used:
            return False
        toks = frozenset(tokenize(norm))
        if kind != "rule" and any(_near_duplicate(toks, t) for cid, t in self._tokens if cid != chunk.chunk_id):
            return False  # the same fact again, from another document: say it once (one chunk's lines are distinct)
        self.used.add(norm)
        self._tokens.append((chunk.chunk_id, toks))
        marker = self.cite(chunk, norm)
        body = norm if norm.endswith((".", "!", "?")) else norm + "."
        self.lines.append((kind, f"{lead} {body}[{marker}]".strip()))
        return True

    def note(self, text: str) -> None:
        self.lines.append(("note", text))

    def count(self) -> int:
        return sum(1 for k, _ in self.lines if k != "note")

    def render(self) -> Draft:
        out: list[str] = []
        prev = None
        for kind, text in self.lines:
            if kind == "note":
                if out and prev != "note":
                    out.append("")
                out.append(text)
            elif kind in ("evidence", "context"):
                if out and prev not in ("evidence", "context"):
                    out.append("")
                out.append(f"- {text}")
            else:
                if out and prev == "note":
                    out.append("")
                out.append(f"- {text}")
            prev = kind
        return Draft(answer="\n".join(out).strip(), citations=list(self.citations))


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


#: "Does the guideline recommend X?", "Is X the standard?", "What grade / CQ number ...?"
STATUS_QUESTION = re.compile(
    r"\b(?:does|do|did|is|are|would|will|has|have)\b[^?]{0,80}\b(?:recommend\w*|endorse\w*|standard|approv\w*"
    r"|position|support\w*|includ\w*|list(?:s|ed)?|cover\w*|prefer\w*|favou?r\w*|handle\w*|address\w*"
    r"|mention\w*|say|says|state|states)\b"
    r"|\bshould\b[^?]{0,80}\b(?:per|according\s+to|under)\s+(?:the\s+)?(?:jsh|guidelines?)\b"
    r"|\b(?:grades?|cq(?:\s*numbers?)?|clinical\s+questions?)\b"
    r"|\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?:jsh(?:\s+2023)?|guidelines?|summary)\b[^?]{0,30}\b(?:say|state|tell)",
    re.IGNORECASE)
_ASSERTS = re.compile(r"\b(?:recommends?|recommended|is\s+(?:the\s+)?standard|standard\s+(?:first[\s-]line|of\s+care)"
                      r"|endorses?|can\s+be\s+stopped|is\s+first[\s-]line)\b", re.IGNORECASE)
_GUIDELINE_WORD = re.compile(r"\b(?:jsh|guidelines?|recommend\w*|standard|first[\s-]line|listed)\b", re.IGNORECASE)


_DURATION_Q = re.compile(r"\bhow\s+long\b|\bduration\b|\bhow\s+many\s+(?:years|months)\b", re.IGNORECASE)


#: A request to put a claim about the guideline in writing ("write a letter saying JSH 2023 recommends X").
_CLAIM_REQUEST = re.compile(
    r"\b(?:saying|stating|that\s+says|to\s+say|claiming|confirming)\s+(?:that\s+)?(?:the\s+)?(?:jsh|guideline)"
    r"[^.?!]{0,40}\b(?:recommends?|endorses?|approves?|supports?)\b"
    # a claim taken for granted before the question ("As the guideline now recommends X, how many cycles?")
    r"|^\W*(?:as|since|because|given\s+that|now\s+that)\s+(?:the\s+)?(?:jsh(?:\s+2023)?|guidelines?)\s+"
    r"(?:now\s+|also\s+)?(?:recommends?|endorses?|approves?|supports?)\b", re.IGNORECASE)


def is_status_question(question: str) -> bool:
    """A yes/no question about the guideline's position ("does JSH recommend X?", "JSH recommends X, correct?",
    "which does JSH prefer?"): its yes or no leads the answer. "Why is X recommended?" and "what does JSH say
    about X?" are open questions: see `asks_position`."""
    if ((TAG_QUESTION.search(question) or CONFIRM.match(question)) and _GUIDELINE_WORD.search(question)) \
            or _GRADE_Q.search(question):
        return True  # a claim to check, or a grade or CQ number (which the corpus says it does not have)
    if _CLAIM_REQUEST.search(question):
        return True  # the claim to put in writing is checked like a yes/no question
    if _DURATION_Q.search(question) and _GUIDELINE_WORD.search(question):
        return True  # "how long should maintenance last per JSH?": a duration the summary gives, or says it does not
    if re.match(r"\W*(?:why|how)\b", question, re.IGNORECASE):
        return False
    if re.search(r"\bwhich\b[^?]*\bor\b|\bor\b[^?]*\bwhich\s+(?:one|is|should)\b", question, re.IGNORECASE):
        return True  # "A or B, which one?": the guideline's own preference (or its absence) answers it
    m = STATUS_QUESTION.search(question)
    if not m:
        return False
    # "what does JSH recommend / say ...", "what is its position": open questions about the content
    return not re.search(r"\b(?:what|who|where|when)\b", question[: m.start() + 5], re.IGNORECASE)


def asks_position(question: str) -> bool:
    """Any question about what the guideline says or does not say, yes/no or open."""
    return is_status_question(question) or (bool(STATUS_QUESTION.search(question))
                                            and not re.match(r"\W*why\b", question, re.IGNORECASE))


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
_PREFER_WORDS = r"\bprefer\w*|\bfavou?r\w*|\bbetter\b|\bsuperior\b|\bvs\.?\b|\bversus\b"
_PREFER_Q = re.compile(_PREFER_WORDS + r"|\bwhich\b|\bor\b", re.IGNORECASE)
_EITHER_OR = re.compile(_PREFER_WORDS + r"|\bwhich\b[^?]*\bor\b|\bor\b[^?]*\bwhich\b", re.IGNORECASE)
_PREFER_S = re.compile(r"\brank\w*|\bprefer\w*|\bchoice\b|\bneither\b", re.IGNORECASE)
_GRADE_Q = re.compile(r"\b(?:grades?|cq|categor(?:y|ies)|clinical questions?)\b", re.IGNORECASE)
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


def _add_tier(b: _Builder, retrieved: Sequence[RetrievedChunk], question: str, facts: PatientFacts,
              book: RuleBook, *, tier: str, limit: int, max_sentences: int, need_numbers: bool = False,
              min_shared: int = 1) -> None:
    """Add up to `limit` sentences from the best chunks of one tier (never a 'recommended' claim outside the
    guideline tier)."""
    lead = EVIDENCE_LEAD if tier == "evidence" else CONTEXT_LEAD
    for r in retrieved:
        if limit <= 0 or b.count() >= max_sentences:
            return
        if r.chunk.tier != tier:
            continue
        for s in best_sentences(r.chunk, question, facts, book, n=min(limit, 2), need_numbers=need_numbers,
                                evidence=tier == "evidence", min_shared=min_shared):
            if claims_recommendation(s) or limit <= 0 or b.count() >= max_sentences:
                continue
            if tier == "context" and _DEFINITION.search(s) and not _ASKS_DEFINITION.search(question):
                continue  # a glossary line is filler unless the question asks what a term means
            if tier == "evidence" and _GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s):
                continue
            if b.add(tier, s, r.chunk, lead=lead):
                limit -= 1


_ASKS_REFERENCE = re.compile(r"\b(?:reference|citation|cite|bibliograph\w*|published|publication|journal|doi"
                             r"|who wrote|authors?)\b", re.IGNORECASE)
_REFERENCE = re.compile(r"\bpublished\b|\bjournal\b|\bdoi\b|\bvolume\b|\bint j hematol\b", re.IGNORECASE)
_REFERENCE_ANSWER = re.compile(r"\bpublish\w*|\bjournal\b|\bdoi\b|\bvolume\b|\bedition\b|\bversion\b"
                               r"|\bauthors?\b|\bfull text\b|\bsummar\w+|\bcited?\b|\bhatta\b", re.IGNORECASE)
_ASKS_ABOUT_SOURCES = re.compile(r"corpus|document|evidence", re.IGNORECASE)
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
_ASKS_DEFINITION = re.compile(r"\bmean|\bdefin|\bwhat (?:is|are|does)\b|\bstand for\b|\babbreviat",
                              re.IGNORECASE)
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


_ASKS_EVIDENCE = re.compile(r"\b(?:evidence|what\s+(?:data|trials?|studies)|which\s+(?:\w+\s+)?(?:trials?|studies|data)"
                            r"|(?:key\s+)?trials?\s+(?:results?|data)|key\s+trials?"
                            r"|back(?:s|ed|ing)?\s+(?:up\s+)?(?:the\s+)?\w+"
                            r"|based\s+on|supports?|supported|supporting|rationale|why)\b", re.IGNORECASE)
#: A knowledge question: a list, a definition, a comparison, what the guideline says, a trial's results.
_KNOWLEDGE_Q = re.compile(
    r"^\W*(?:multi-?part\W*)?(?:list|summari[sz]e|define|explain|describe|compare|name|outline)\b"
    r"|\bwhat\s+(?:age|ages|mutation|mutations|drugs?|trials?|studies|is\s+meant|is\s+the\s+(?:definition|difference"
    r"|rationale|evidence))\b|\bwhich\s+(?:drugs?|trials?|tkis?|mutations?|studies|agents?)\b"
    r"|\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?:jsh\s+)?(?:2023\s+)?(?:jsh|guidelines?|summary)(?:\s+2023)?\s+(?:say|state)\b"
    r"|\b(?:defined|distinguished|differ|difference)\b|\bmulti-?part\b|\(a\)"
    r"|\bwhat\s+are\s+(?:the\s+|all\s+the\s+)?(?:\w+\s+)?options\b|\bby\s+subtype\b|\bhow\s+long\b",
    re.IGNORECASE)


def knowledge_question(question: str, facts: PatientFacts) -> bool:
    """A question about the guideline or a trial rather than a patient: missing patient facts are not asked for.

    >>> knowledge_question("What age range is meant by AYA?", PatientFacts(age_band="aya"))
    True
    >>> knowledge_question("Ph+ ALL relapsed after transplant, what now?", PatientFacts(ph_status="positive"))
    False
    """
    return not about_a_patient(question, facts) and (
        _KNOWLEDGE_Q.search(question) is not None or TRIAL_RE.search(question) is not None)


#: "What is meant by AYA?", "what does CMR mean", "define high risk", "how is LBL defined", "what counts as ..."
_DEFINE_Q = re.compile(
    r"\b(?:is|are)\s+(?:meant|defined|counted)\s+(?:by|as)\b|\bwhat\s+(?:does|do)\s+[^?]{1,40}?\s+(?:mean|stand\s+for"
    r"|refer\s+to)\b|\bdefin(?:e|es|ed|ition\s+of)\b|\bhow\s+(?:is|are)\s+[^?]{1,40}?\s+defined\b|\bwhat\s+counts\s+as\b"
    r"|\bmeaning\s+of\b"
    r"|^\W*what\s+(?:is|are)\s+(?:an?\s+)?[\w+/-]{2,14}\s*(?:\?|,|\band\b|$)",  # "what is MRD (and why ...)?"
    re.IGNORECASE)
_DEFINING = re.compile(r"\b(?:defined|defines?|definition|means?|meaning|refers?\s+to|conventionally|counts?\s+as"
                       r"|is\s+called|known\s+as|stands?\s+for|covers)\b", re.IGNORECASE)
_COPULA = re.compile(r"^(?:[\w+:()/-]+\s+){1,5}?(?:is|are)\s+(?!not\b|no\b|one\s+of\b|\w+ed\b|\w+en\b)(?=(?:a|an|the|[\w-]+)\s)",
                     re.IGNORECASE)
_ASKS_NUMBER = re.compile(r"\b(?:age|ages|range|threshold|cut-?off|level|limit|how\s+(?:old|young|many|much))\b",
                          re.IGNORECASE)
_DEFINE_WORDS = frozenset(["meant", "mean", "means", "define", "defined", "definition", "meaning", "range", "context",
                           "count", "counts", "stand", "refer", "term", "word"])


def is_definition_question(question: str) -> bool:
    """ "What age range is meant by AYA?", "how is high-risk MRD defined?"

    >>> is_definition_question("What age range is meant by 'AYA'?"), is_definition_question("Treat AYA how?")
    (True, False)
    """
    return _DEFINE_Q.search(question) is not None


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


_CLAUSES = re.compile(r"(?<=[.;!])\s+|(?<=\?)\s+|,\s+(?=(?:is|are|does|do|should|shd|can|would|will|what|which|how|when)\b)",
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
    """
    parts = [p for p in _CLAUSES.split(question.strip()) if p.strip()]
    if len(parts) < 2 or not parts[-1].rstrip().endswith("?"):
        return question
    last = parts[-1]
    if _POINTS_BACK & set(concept_tokens(last.lower())):
        return question[question.rfind(parts[-2]):]
    return last if len(tokenize(last)) >= 2 else question


_POINTS_BACK = frozenset({"them", "it", "they", "this", "that", "these", "those"})


#: Where a question with several parts splits: "...? What ...", "; ", "(a) ... (b) ...", ", and how ...".
_PART_SPLIT = re.compile(
    r"\?\s+|;\s*|\(\s*[a-e]\s*\)|(?:^|\s)[a-e]\)\s"
    r"|,?\s+and\s+(?=(?:what|which|how|when|why|where|does|do|dose|is|are|should|can|would|will|whether)\b)"
    r"|,\s+(?=(?:what|which|how|when|why|whether)\b)", re.IGNORECASE)
_PART_GENERIC = frozenset(["standard", "approach", "done", "used", "counts", "count", "happen", "happens", "mean",
                           "means", "level", "kind", "type", "way", "ways", "thing", "things", "part", "stay", "stays"])


_ASKING = re.compile(r"\W*(?:what|wat|whats|which|how|when|why|where|who|whether|is|are|does|do|dose|did|should|shd"
                     r"|can|could|would|will|list|name|describe|compare|explain|define)\b", re.IGNORECASE)


def question_parts(question: str) -> list[str]:
    """The parts of a question that asks several things (one part when it asks one).

    >>> question_parts("When is MRD assessed and what level is high risk? What is MRD used to decide?")
    ['When is MRD assessed', 'what level is high risk', 'What is MRD used to decide']
    >>> question_parts("72F Ph+ ALL what induction")
    ['72F Ph+ ALL what induction']
    >>> question_parts("28M T-ALL relapsed, what salvage")
    ['28M T-ALL relapsed, what salvage']
    """
    parts = [p.strip(" ,.:?") for p in _PART_SPLIT.split(question)]
    asking = [p for p in parts if len(p.split()) >= 2 and _ASKING.match(p)]
    # a case description before one question ("28M T-ALL relapsed, what salvage") is one question
    return asking if len(asking) >= 2 else [question.strip()]


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


#: A CQ number or a grade the question states ("CQ5", "a category 1 recommendation", "grade A"), not one it asks for.
_STATED_GRADE = re.compile(
    r"\bCQ\s*-?\s*\d+[a-z]?\b|\bclinical\s+question\s+\d+\b"
    r"|(?<!\()\b(?:category|grade)\s+(?:1|2a|2b|3|[abc])\b(?!\s*,)(?=[^?]*?(?:recommendation|\?|$))",
    re.IGNORECASE)
_NO_GRADE_LINE = re.compile(r"\bcontains no (?:CQ numbers|recommendation grades)\b")


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


def _specialised_first(rules: list[GuidelineRule]) -> list[GuidelineRule]:
    """A rule that specialises another applicable one (its conditions plus a finding, such as MRD-positive) comes
    before it: the exception for this patient before the default it qualifies."""
    out = list(rules)
    for _ in range(len(out)):
        moved = False
        for i, a in enumerate(out):
            j = next((j for j in range(i + 1, len(out)) if set(out[j].when) > set(a.when)
                      and all(out[j].when[k] == v for k, v in a.when.items())), None)
            if j is not None:
                out.insert(i, out.pop(j))
                moved = True
                break
        if not moved:
            break
    return out


def draft_extractive(
    question: str,
    facts: PatientFacts,
    retrieved: Sequence[RetrievedChunk],
    *,
    pool: Sequence[Chunk],
    rulebook: RuleBook | None = None,
    notes: Sequence[str] = (),
    max_sentences: int = MAX_SENTENCES,
    rules_only: bool = False,
    plain: bool = False,
    premise: Sequence[GuidelineRule] = (),
    rare: Callable[[str], bool] | None = None,
    given: frozenset[str] = frozenset(),
) -> tuple[Draft, list[RuleFinding]]:
    """Build a cited answer deterministically. Returns the draft and findings about missing facts.

    `pool` holds every chunk that may be cited (the retrieved ones plus the sections of applicable rules); `given`
    names facts the question gave in another form (several ages compared): no finding asks only for them.
    """
    book = rulebook or default_rulebook()
    b = _Builder()
    findings: list[RuleFinding] = []
    for n in notes:
        b.note(n)
    top_sections = [r.chunk.section_id for r in retrieved[:3]]
    sure, maybe = applicable_rules(question, facts, rulebook=book, sections=top_sections)
    if any(r.exclusive for r in sure):  # a topic the corpus does not cover: say so, add nothing around it
        sure, maybe, rules_only = [r for r in sure if r.exclusive], [], True
    asked = is_status_question(question)  # a yes/no question about the guideline's position: its answer leads
    grades = [] if rules_only else stated_grades(question)
    # "what does CQ 7 say about X?", "CQ5 gives X category 1": the grade lines answer the CQ part; the rest of the
    # question (X) is answered as if the CQ and grade were not there
    rest = _STATED_GRADE.sub(" ", question) if grades else question
    if grades:
        asked = is_status_question(rest)
    status = [] if rules_only or plain else status_sentences(rest, [*(r.chunk for r in retrieved[:8]), *pool], facts, book,
                                                    rare=rare, asked=asks_position(rest))
    missing_ph = False
    # (past induction courses of a relapsed or refractory patient are history, not the subject)
    keep = {"mrd", "maintenance", "allo_hsct"} | ({"induction"} if facts.phase in (None, "newly_diagnosed") else set())
    subject = _stems(set(tokenize(asking_clause(question))) - _STATUS_GENERIC - _TAG_WORDS
                     - ((_FACT_TOKENS | _SETTING) - keep))

    def statement_terms(r: GuidelineRule) -> set[str]:
        return _stems(set(tokenize(r.statement)))

    if subject:
        # the rule that names what was asked ("cranial irradiation") before the rules that frame it, and the rule
        # about this patient's own finding (MRD 0.1%) before the default it qualifies
        sure = _specialised_first(sorted(sure, key=lambda r: -len(statement_terms(r) & subject)))
        maybe = sorted(maybe, key=lambda r: -len(statement_terms(r) & subject))
    chosen: list[GuidelineRule] = [r for r in premise[:2] if not rules_only or r in sure]  # the "no" first
    for rule in sure[:4]:
        if rule not in chosen:
            chosen.append(rule)
    rare_subject = {t for t in subject if rare is not None and rare(t)}

    def on_subject(r: GuidelineRule) -> bool:
        """The rule's statement names what was asked: all of its rare terms ("D-ALBA"), or two of its terms; for
        "how long?", a duration."""
        if _DURATION_Q.search(question) and not re.search(r"\b\d+\s*(?:years?|months?|weeks?)\b|\bduration\b",
                                                           r.statement):
            return False
        stmt = statement_terms(r)
        if rare_subject:  # (word forms: "continue" is named by "continuing")
            return all(any(w == t or (len(t) > 5 and w[:6] == t[:6]) for w in stmt) for t in rare_subject)
        return len(stmt & subject) >= max(1, (len(subject) + 1) // 2)

    # a yes/no question whose subject no applicable rule names ("is ponatinib the first-line TKI?") is answered by
    # the guideline's own yes/no line, and only the rules about its subject follow; when a rule names it
    # ("is allo-HSCT in CR1 recommended?"), the rule is the answer and leads
    # (a grade or CQ question asks about the grade, which no rule states; an either/or question answered by the
    # guideline's "does not rank / leaves the choice open" line gets that line first)
    prefers = bool(status) and _EITHER_OR.search(question) is not None and _PREFER_S.search(status[0][0]) is not None
    if (asked and status and not _GRADE_Q.search(question) and not prefers
            and any(on_subject(r) for r in [*sure, *maybe])):
        asked = False
    status_terms = _stems(set(tokenize(status[0][0]))) if status else set()
    if (asked and status and about_a_patient(question, facts) and any(is_specific(r, facts) for r in sure)
            and (not rare_subject & status_terms if rare_subject else len(subject & status_terms) * 2 < len(subject))):
        asked = False  # a patient's case with rules that fit it; a status line off the asked subject does not lead
    if asked and status:
        chosen = [r for r in chosen if r in premise or on_subject(r)]
        maybe = []
    if facts.phase in ("relapsed", "refractory"):
        maybe = [r for r in maybe if "mrd_status" not in r.when]  # MRD-state branches are not a relapse plan
    if plain:  # a patient asking to stop: a "does not recommend" branch that may not be theirs reads as permission
        maybe = [r for r in maybe if not re.search(r"\bdoes not recommend\b|\brather than\b", r.statement)
                 and (statement_terms(r) & (subject - {"chemotherapy", "chemo"})
                      or any(getattr(facts, k) not in (None, []) for k in r.when))]
        # (no branches off both what they asked about and what they told: "65 or older" for a patient of unknown
        # age who asks about skipping a transplant; every branch names chemotherapy)
    if maybe:
        # (a question about the guideline rather than a patient may take one more of its statements)
        room = 7 if knowledge_question(question, facts) else 6
        branch = [r for r in maybe if r not in chosen][: max(0, room - len(chosen))]
        chosen.extend(branch)
        forks = [r for r in branch if is_branch(r, question, facts)]
        missing = sorted({m for r in forks for m in missing_facts(r, facts)}
                         - ({"transplant"} if {"allo_hsct", "transplant"} & set(tokenize(question)) else set())
                         - ({"ph_status"} if facts.lineage == "T" else set()))  # T-ALL is Ph-negative unless said
        # a question about the guideline's position, answered, or a premise corrected, is no case with missing
        # facts; nor is the transplant decision the question asks about
        why = re.match(r"\W*why\b", question, re.IGNORECASE)  # asks for reasons, not a plan for a patient
        if (forks and missing and not set(missing) <= given and not (status and asked) and not premise and not why
                and not grades
                and not _ASKS_EVIDENCE.search(question)  # "what evidence supports X" is about the trials
                and not knowledge_question(question, facts)):  # "list the drugs for relapse" has no patient
            missing_ph = "ph_status" in missing
            findings.append(RuleFinding(
                rule_id="FACTS-MISSING-031", severity="warn",
                message="Facts that change the answer were not given (" + ", ".join(_label(m) for m in missing)
                        + "); the answer covers each branch. Add them for a single answer.",
                section_id=forks[0].section_ids[0]))
    def add_status() -> None:
        for s, chunk in status:
            b.add("status", s, chunk, lead=_lead(chunk.tier))

    def add_rules(rules: Sequence[GuidelineRule]) -> None:
        for rule in rules:
            chunk = statement_chunk(rule, pool)
            if chunk is not None and b.count() < max_sentences:
                b.add("rule", rule.statement, chunk, lead=CONTEXT_LEAD if chunk.tier == "context" else "")
                if rule.note and rule.condition(facts) is True:
                    b.note(rule.note.format(**facts.model_dump()))

    named = trial_keys(question)
    named_found = bool(named) and any(trial_keys(r.chunk.title) & named for r in retrieved[:4])

    def other_trial(chunk: Chunk) -> bool:
        """The question names its trial and this evidence chunk is about another one."""
        return named_found and chunk.tier == "evidence" and not trial_keys(chunk.title) & named

    def names_other_trial(sentence: str) -> bool:
        """The question names its trial and this sentence quotes another trial's numbers."""
        return named_found and TRIAL_RE.search(sentence) is not None and not trial_keys(sentence) & named

    def add_trial(chunk: Chunk, *, design: bool, limit: int, take: int = 4) -> None:
        """A trial's lines from its whole document (results often sit in a sibling chunk): headline survival
        first; `design` puts what the trial tested first (the trial the question names)."""
        siblings = [c for c in pool if c.section_id == chunk.section_id] or [chunk]
        q = set(tokenize(question))
        asked_kinds = [rx for q_rx, rx in _OUTCOME_KINDS if q_rx.search(question)]
        per_chunk = 6 if len(asked_kinds) >= 2 else 3
        cands = sorted(((s, c) for c in siblings
                        for s in best_sentences(c, question, facts, book, n=per_chunk, evidence=True)),
                       key=lambda sc: -_score(sc[0], q, frozenset(tokenize(sc[1].title)))
                       * (1.6 if re.search(r"\d+(?:\.\d+)?\s*(?:%|months?\b)", sc[0]) else 1.0)
                       * (1.5 if _HEADLINE.search(sc[0]) else 1.0)
                       * (1.2 if re.search(r"overall survival|\bOS\b", sc[0]) else 1.0)
                       * (0.6 if _PROVISIONAL.search(sc[0]) else 1.0))  # the final analysis before an abstract
        # the outcomes the question names ("OS and remission rates"): the best line of each kind first
        if len(asked_kinds) >= 2:
            picked: list[tuple[str, Chunk]] = []
            for rx in asked_kinds:
                hit = next((sc for sc in cands if rx.search(sc[0]) and sc not in picked), None)
                if hit is not None:
                    picked.append(hit)
            cands = picked + [sc for sc in cands if sc not in picked]
        if design:
            first = min(siblings, key=lambda c: c.chunk_no)
            lead = [(sent, first) for sent in chunk_sentences(first.text)[:1]
                    if sent in first.text and _safe_sentence(sent, facts, book)]
            cands = lead + [sc for sc in cands if sc not in lead][:3]
        for s, c in cands[:take]:
            if b.count() >= limit:
                break
            if claims_recommendation(s) or (_GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s)):
                continue
            b.add("evidence", s, c, lead=EVIDENCE_LEAD)

    # a question about a named trial and no patient ("TOWER results?"): the trial answers first, then the one
    # recommendation it informs
    named_trial = next((r.chunk for r in retrieved[:5] if r.chunk.tier == "evidence" and named_found
                        and not other_trial(r.chunk)), None)
    trial_first = (named_trial is not None and TRIAL_RE.search(question) is not None and not asked and not premise
                   and not about_a_patient(question, facts))
    if named_trial is not None:  # "ALL202-O showed 78% vs 52%, right?": numbers its documents do not report
        docs = {c.chunk_id: c for c in [*(r.chunk for r in retrieved), *pool]
                if c.tier == "evidence" and trial_keys(c.title) & named}
        wrong = unreported_numbers(question, " ".join(c.text for c in docs.values()))
        if wrong:
            name = named_trial.title.split(":")[0]
            # (a dose is never repeated in an answer, not even to deny it)
            doses = any("/m2" in w for w in wrong)
            said = [w for w in wrong if "/m2" not in w] + (["the doses as stated"] if doses else [])
            b.note(f"_**No**: the corpus does not report {' or '.join(said)} for {name}; what it reports is "
                   "below" + (" (doses are left out of answers: take them from the protocol or the trial report)"
                              if doses else "") + "._")
            findings.append(RuleFinding(
                rule_id="PREMISE-NUM-045", severity="info", section_id=named_trial.section_id,
                message=f"The question states results ({', '.join(said)}) that the {name} evidence does not report"))
    # "compare TOWER and INO-VATE": each named trial's own document, in the order the question names them
    order = [t for t in tokenize(question) if t in named]
    by_trial: dict[str, Chunk] = {}
    for c in [*(r.chunk for r in retrieved[:8]), *pool]:
        keys = trial_keys(c.title) & named
        if c.tier == "evidence" and keys:
            by_trial.setdefault(min(keys, key=order.index), c)
    several = list(dict.fromkeys(c.section_id for _, c in sorted(by_trial.items(), key=lambda kc: order.index(kc[0]))))
    if trial_first and len(several) >= 2:
        for sid in several[:3]:
            first_chunk = next(c for c in by_trial.values() if c.section_id == sid)
            add_trial(first_chunk, design=True, limit=max_sentences - 1,
                      take=max(2, (max_sentences - 2) // min(len(several), 3)))
    elif trial_first:
        add_trial(named_trial, design=True, limit=max_sentences, take=4)
    if trial_first:
        chosen = chosen[:2 if len(several) >= 2 else 1]

    if grades:  # "CQ5 gives X a category 1 recommendation": nothing in the corpus can confirm either
        # (the note does not repeat the number: an answer that names a CQ number is one the rule layer blocks)
        b.note("_The corpus holds no CQ numbers or recommendation grades for the JSH 2023 ALL chapter, so the "
               + ("CQ number and grade" if len(grades) > 1 else "CQ number" if "q" in grades[0].lower() else "grade")
               + " in the question cannot be confirmed or quoted._")
        for c in sorted({c.chunk_id: c for c in pool}.values(), key=lambda c: (c.section_id, c.chunk_no)):
            for sent in chunk_sentences(c.text):
                if _NO_GRADE_LINE.search(sent) and sent in c.text:
                    b.add("status", sent, c, lead=_lead(c.tier))
        add_status()  # what the summary does say about the rest ("ponatinib first-line"), right after
        findings.append(RuleFinding(
            rule_id="PREMISE-GRADE-047", severity="info", section_id="context/corpus-limits",
            message=f"The question states a CQ number or grade ({', '.join(grades)}) that the corpus cannot confirm"))

    ids = [rid for r in chosen for rid in r.see_also if rid not in {c.id for c in chosen}]
    chosen = chosen + [book.get(rid) for rid in dict.fromkeys(ids)]  # statements that complete an applicable rule
    first = [r for r in chosen if r in premise]  # the rule a false premise contradicts answers "no" first
    add_rules(first)
    if is_definition_question(question) and not rules_only:  # "what is meant by AYA?": the definition leads
        for s, chunk in definition_sentences(question, [*(r.chunk for r in retrieved[:8]), *pool], facts, book):
            b.add(chunk.tier, s, chunk, lead=_lead(chunk.tier))
    if asked:
        if (status and not premise and _ASSERTS.search(question) and (TAG_QUESTION.search(question)
                                                                      or CONFIRM.match(question)
                                                                      or _CLAIM_REQUEST.search(question))):
            # "JSH recommends X, correct?" answered by the summary's own "X is not listed": say no first
            b.note("_**No**: the JSH 2023 summary does not say this; its own statement comes first below._")
        add_status()
    add_rules([r for r in chosen if r not in first])
    if not asked and chosen:
        add_status()

    def candidates(top: int) -> list[Chunk]:
        """The top retrieved chunks and the rule sections, once each, without another trial than the named one."""
        unique = {c.chunk_id: c for c in [*(r.chunk for r in retrieved[:top]), *pool]}
        return [c for c in unique.values() if not other_trial(c)]

    def add_focus() -> None:
        if rare is None or rules_only or b.count() >= max_sentences:
            return
        cands = [c for c in candidates(8) if c.tier == "guideline" or not plain]
        for s, chunk in focus_sentences(question, cands, facts, book, [t for _, t in b.lines], rare=rare):
            if plain and _TRIAL_IN_TEXT.search(s):
                continue  # a patient gets the guideline point, not trial protocols
            if names_other_trial(s):
                continue
            if b.count() < max_sentences:  # what was asked may take the last line
                b.add(chunk.tier, s, chunk, lead=_lead(chunk.tier))

    def add_listed(**kw: float) -> bool:
        cands = candidates(5)
        listed = [] if rules_only else heading_sentences(question, cands, facts, book, **kw)  # type: ignore[arg-type]
        for s, chunk in listed:
            if b.count() < max_sentences + (-1 if chosen else 1):  # a whole list may run one line longer
                b.add(chunk.tier, s, chunk, lead=_lead(chunk.tier))
        return bool(listed)

    def add_guideline(budget: int, min_shared: int = 2) -> None:
        for chunk in [r.chunk for r in retrieved if r.chunk.tier == "guideline"][:3]:
            for s in best_sentences(chunk, question, facts, book, n=1, min_shared=min_shared):
                if budget <= 0 or b.count() >= max_sentences - 1:
                    break
                if any(s == r.statement for r in chosen) or (plain and (is_trial_sentence(s, chunk)
                                                                        or _TRIAL_IN_TEXT.search(s))):
                    continue
                if b.add("guideline", s, chunk):
                    budget -= 1

    if plain:  # a patient asking about their own treatment: the guideline points, no trial numbers
        add_focus()
        add_guideline(1, min_shared=1 if chosen else 2)  # (with no rule, one shared word is a coincidence)
        rules_only = True

    def add_support(limit: int = 2) -> None:
        """'On what evidence?': the supporting-evidence lines of the sections the leading rules rest on."""
        for rule in chosen[:2]:
            for chunk in sorted((c for c in pool if c.section_id in rule.section_ids[:1]), key=lambda c: c.chunk_no):
                for heading, sent in _headed_sentences(chunk):
                    if limit <= 0 or b.count() >= max_sentences - 1:
                        return
                    if heading.lower() not in _EVIDENCE_HEADINGS or sent not in chunk.text:
                        continue
                    if _LOW_VALUE.search(sent) or not _safe_sentence(sent, facts, book) or not fits_patient(
                            sent, facts, question):
                        continue
                    if b.add("evidence", sent, chunk, lead=EVIDENCE_LEAD):
                        limit -= 1

    def add_parts() -> None:
        """Each part of a several-part question gets a line when the answer so far leaves it open."""
        if rules_only:
            return
        for s, chunk in part_sentences(question, candidates(8), facts, book, [t for _, t in b.lines]):
            if b.count() < max_sentences and not names_other_trial(s):
                b.add(chunk.tier, s, chunk, lead=_lead(chunk.tier))

    if chosen:
        add_parts()
        add_focus()  # the specific thing asked, right after the rules that frame it
        add_listed(n=4, min_share=0.75)
        if _ASKS_EVIDENCE.search(question) and not plain and not (asked and status):
            add_support()

    if not rules_only and not chosen:
        # No guideline rule speaks to this question: follow the retrieval ranking, best sentences first. A trial
        # question reads the whole trial document (results often sit in a sibling chunk).
        done_sections: set[str] = set()
        listed = add_listed()
        top = list(retrieved[:4])
        if named_found:  # the trial the question names answers it first
            top.sort(key=lambda r: other_trial(r.chunk) or not (r.chunk.tier == "evidence"
                                                                 and trial_keys(r.chunk.title) & named))
        for r in top:
            if listed:
                break  # the corpus's own list answers the question
            if b.count() >= 5:
                break
            tier = r.chunk.tier
            if tier == "evidence":
                if r.chunk.section_id in done_sections:
                    continue
                if other_trial(r.chunk):
                    continue  # the question names its trial: not another one with a similar name
                done_sections.add(r.chunk.section_id)
                add_trial(r.chunk, design=named_found and not done_sections - {r.chunk.section_id}, limit=5)
                continue
            # after the first lines, a sentence must share two of the question's own terms: one shared word
            # ("give", "LBL") is how filler gets in
            min_shared = 2 if b.count() and len(set(tokenize(question)) - _GENERIC) >= 3 else 1
            for s in best_sentences(r.chunk, question, facts, book, n=2, evidence=tier == "evidence",
                                    min_shared=min_shared):
                if b.count() >= 5:
                    break
                if _ASKS_REFERENCE.search(question) and not _REFERENCE_ANSWER.search(s):
                    continue  # "where was it published": bibliography and editions, not content
                if names_other_trial(s):
                    continue
                if tier != "guideline" and (claims_recommendation(s) or (
                        tier == "evidence" and _GUIDELINE_CLAIM_RE.search(s) and not _EVIDENCE_FRAME_RE.search(s))):
                    continue
                b.add(tier, s, r.chunk, lead=_lead(tier))
        if not asked:
            add_status()  # what the summary does not say, after what it does
    elif not rules_only:
        add_guideline(2)
        if b.count() < max_sentences:
            _add_tier(b, retrieved[:3], question, facts, book, tier="context", limit=1, max_sentences=max_sentences,
                      min_shared=2)
        if named_trial is not None:  # the question names a trial: its design and headline results
            if not trial_first:
                add_trial(named_trial, design=True, limit=max_sentences, take=3)
        else:
            _add_tier(b, [r for r in retrieved[:5] if not other_trial(r.chunk)], question, facts, book,
                      tier="evidence", limit=1, max_sentences=max_sentences, need_numbers=True, min_shared=2)
    if not chosen:
        add_focus()
        add_parts()
    if b.count() and missing_ph and not plain:  # (a patient asking about their own treatment is not quizzed)
        also = [_label(m) for m in missing if m != "ph_status"]
        b.note("_The Ph status was not given, so each branch is shown: tell me whether the leukemia is "
               "Ph-positive or Ph-negative" + (f" (and the {', '.join(also[:-1]) + ' and ' if len(also) > 1 else ''}{also[-1]})" if also else "")
               + " for a single answer._")
    if (not rules_only and TREATMENT_QUESTION.search(question) and facts.known()
            and not any(kind in ("rule", "guideline", "status") for kind, _ in b.lines)):
        findings.append(RuleFinding(
            rule_id="ANSWER-NOREC-042", severity="warn",
            message="No JSH 2023 recommendation matched this question and the facts read from it; check the "
                    "patient facts shown (age, Ph status, lineage, phase, MRD) or add the missing ones"))
    if b.count():
        b.note(DISCLAIMER)
    return b.render(), findings


def _label(field: str) -> str:
    return {
        "ph_status": "Ph status", "age_band": "age", "age": "age", "lineage": "B or T lineage",
        "cd19": "CD19 expression", "cd22": "CD22 expression", "phase": "disease phase",
        "mrd_status": "MRD result", "transplant": "transplant status", "mrd_level_pct": "MRD level",
    }.get(field, field)


# --- LLM drafting -----------------------------------------------------------------------------------------


def llm_messages(question: str, facts: PatientFacts, chunks: Sequence[Chunk], history: Sequence[str] = ()):
    """Messages for a chat model: system rules, numbered chunks, patient facts, question."""
    from langchain_core.messages import HumanMessage, SystemMessage

    known = facts.known()
    facts_line = ", ".join(f"{k}={v}" for k, v in known.items()) or "none stated"
    hist = "\n".join(f"- {h}" for h in history[-4:])
    user = (f"Sources:\n{format_context(chunks)}\n\nPatient facts read from the question: {facts_line}\n"
            + (f"Earlier questions:\n{hist}\n" if hist else "")
            + f"\nQuestion: {question}")
    return [SystemMessage(content=LLM_SYSTEM_PROMPT), HumanMessage(content=user)]


def draft_from_llm_text(text: str, chunks: Sequence[Chunk]) -> Draft:
    """Turn model output with [n] markers (n = source number) into a Draft with verbatim quotes."""
    from assistant.rules.base import parse_lines
    from assistant.rules.citations import best_quote

    citations: list[Citation] = []
    seen: dict[tuple[int, str], int] = {}
    out_lines: list[str] = []
    for line in parse_lines(text.strip()):
        if not line.sentences:
            out_lines.append("")
            continue
        parts: list[str] = []
        for s in line.sentences:
            if not s.is_fact:
                parts.append(s.raw)
                continue
            new: list[int] = []
            for m in s.markers:
                if 1 <= m <= len(chunks):
                    chunk = chunks[m - 1]
                    quote = best_quote(s.body, chunk)
                    key = (m, quote)
                    if key not in seen:
                        seen[key] = len(citations) + 1
                        citations.append(Citation.from_chunk(chunk, marker=seen[key], quote=quote))
                    new.append(seen[key])
                else:
                    new.append(900 + m)  # dangling on purpose: the citation checker will flag it
            parts.append(s.body + "".join(f"[{n}]" for n in dict.fromkeys(new)))
        out_lines.append(line.prefix + " ".join(parts))
    return Draft(answer="\n".join(out_lines).strip(), citations=citations)
