"""Tier discipline: recommendations cite guideline chunks, trials stay evidence, nothing invented, no doses.

Rule IDs (stable, never reused):
- TIER-REC-001   a sentence that says "recommended" cites no guideline-tier chunk (block: dropped)
- TIER-CQ-002    an invented CQ number (the corpus has no 2023 CQ numbers) (block: dropped)
- TIER-GRADE-003 an invented recommendation grade or category (block: dropped)
- TIER-EVID-004  trial evidence presented as the guideline's position (block: dropped)
- DOSE-001       a dose or schedule appears in the answer (block: dropped; doses come from protocols and labels)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.base import Cues, Draft, Issue, cited_chunks, parse_lines, strip_lead

_REC_RE = Cues(["recommend|recommends|recommended|recommendation|recommendations"])
#: Sentences that say something is NOT a recommendation, or that no recommendation text exists: they make no
#: recommendation claim, so they may cite evidence or context ("The E1910 results are trial evidence and are not
#: JSH 2023 recommendations"; "no LBL-specific recommendation text ... was retrieved").
_NOT_A_REC_RE = re.compile(
    r"\b(?:not|rather\s+than|instead\s+of)\s+(?:a\s+|the\s+|an?\s+actual\s+)?(?:jsh(?:\s+2023)?\s+)?recommendations?\b"
    r"|\bno\s+(?:jsh(?:\s+2023)?\s+)?(?:[\w-]+\s+){0,2}recommendation\s+(?:text|grades?|statements?|wording)\b"
    # the grading system's name ("attached recommendation categories 1, 2A, 2B and 3") recommends nothing
    r"|\brecommendation\s+(?:categor(?:y|ies)|grades?|grading|levels?|system)\b"
    r"|\bGNR\s+means\s+generally\s+not\s+recommended\b",  # a category's definition
    re.IGNORECASE)


def claims_recommendation(text: str) -> bool:
    """True when a sentence states what is recommended (it must then cite a guideline-tier chunk)."""
    return bool(_REC_RE.search(_NOT_A_REC_RE.sub(" ", text)))
CQ_RE = re.compile(r"\bCQ\s*[-#.]?\s*\d+|\bclinical\s+question\s*(?:no\.?|number|#)?\s*\d+", re.IGNORECASE)
GRADE_RE = re.compile(
    r"\b(?:recommendation|evidence)\s+(?:grade|category|level|strength)\b"
    r"|\b(?:grade|category)\s*(?:of\s+recommendation\s*)?[:(]?\s*(?:1|2A|2B|3|I{1,3}|[ABC])\b(?!\s*(?:or\s+higher\s+)?"
    r"(?:adverse|toxicit|event|neuro|crs|cytokine|infection|hepato|ae\b))"
    r"|\b(?:level|strength)\s+of\s+(?:evidence|recommendation)\s*[:(]?\s*(?:[1-5]|[ABCD]|high|moderate|low)\b"
    r"|\((?:1A|1B|1C|2A|2B|2C)\)|\bgrade\s+(?:1A|1B|1C|2A|2B|2C)\b",
    re.IGNORECASE,
)
DOSE_RE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|g|mcg|µg|ug|iu|units?)\s*(?:/\s*(?:m2|m²|m\^2|kg|day|d|dose))?\b"
    r"|\b\d+(?:\.\d+)?\s*(?:mg|g|µg|mcg)\s*(?:per|/)\s*(?:square\s+met|m2|m²|kg)",
    re.IGNORECASE,
)
#: A sentence speaking for the guideline ("JSH ...", "the guideline ...", "guidelines recommend ...").
_GUIDELINE_CLAIM_RE = Cues(["jsh*", "the guideline*", "guideline|guidelines recommend*|state*|say*|advise*"])
#: A sentence framed as evidence ("trial", "study", "randomised", "cohort").
_EVIDENCE_FRAME_RE = Cues(["trial|study|studies|evidence|randomised|randomized|phase|cohort|registry|analysis"])
#: A sentence relating something to a JSH recommendation ("It matches the JSH 2023 recommendation of ..."): about the
#: recommendation, as a trial result framed as evidence is.
_RELATES_RE = Cues(["match|matches|matching", "supports|supporting"])  # ("in line with the guideline, X is
# recommended" is a recommendation of its own: it must cite the guideline)


#: Content that never appears in an answer: (pattern, rule id, what the finding says).
_BANNED = (
    (CQ_RE, "TIER-CQ-002",
     "A CQ number was stated; the corpus has no 2023 CQ numbers, so the sentence was removed"),
    (GRADE_RE, "TIER-GRADE-003",
     "A recommendation grade was stated; no 2023 grade is known, so the sentence was removed"),
    (DOSE_RE, "DOSE-001",
     "A dose or schedule was removed: take doses from the protocol or package insert and the treating team"),
)


#: "No JSH 2023 recommendation grade or CQ number ... was found": a statement that there is none, which may stand.
_ABSENCE_RE = re.compile(
    r"^\W*(?:no|this (?:corpus|assistant) contains no|there (?:is|are) no|the corpus (?:has|holds|contains) no)\b[^.;]{0,80}"
    r"\b(?:grades?|cq numbers?)\b", re.IGNORECASE)
_GRADE_VALUE_RE = re.compile(
    r"\b(?:grade|category)\s*(?:of\s+recommendation\s*)?[:(]?\s*(?:1|2A|2B|3|I{1,3}|[ABC])\b", re.IGNORECASE)


@functools.lru_cache(maxsize=16384)
def banned_content(text: str) -> tuple[str, str] | None:
    """(rule id, message) when a sentence states a CQ number, a recommendation grade or a dose; a sentence that
    only says no grade or CQ number exists is allowed (it carries no value)."""
    for rx, rid, msg in _BANNED:
        if not rx.search(text):
            continue
        if rid == "TIER-GRADE-003" and _ABSENCE_RE.search(text) and not _GRADE_VALUE_RE.search(text):
            continue
        return rid, msg
    return None


def _asserts_a_position(text: str) -> bool:
    """The sentence states a position for something (a positive stance), or no stance at all (the patterns decide):
    a denial ("does not recommend", "is not a JSH recommendation") puts no recommendation in anyone's mouth."""
    from assistant.claims import read_claims

    stances = [c for c in read_claims(text) if c.stance is not None]
    return not stances or any(c.polarity > 0 for c in stances)


def _agrees_with_a_rule(text: str) -> bool:
    """The sentence's claim frames agree with a rule: it states JSH's real position, whatever source it cites (an
    evidence page that reports "the JSH summary lists blinatumomab only for relapse")."""
    from assistant.claims import read_claims
    from assistant.rules.frames import judge_sentence
    from assistant.rules.logic import default_rulebook

    if not any(c.stance is not None and (c.interventions or c.subjects) for c in read_claims(text)):
        return False  # ("JSH states blinatumomab doubles survival" takes no stance a rule could agree with)
    return judge_sentence(text, default_rulebook(), PatientFacts()).kind == "agree"


def _restates_a_rule(text: str) -> bool:
    """A sentence stating a position a rule holds, for the rule's own population: it agrees with a rule and names no
    group the claim reader may not carry into its population ("... so children with Ph-negative ALL are managed
    under it as well" agrees with the AYA rule only because "children" is not read as its population)."""
    from assistant.concepts import concept_ids

    return not concept_ids(text.lower()) & _UNREAD_GROUPS and _agrees_with_a_rule(text)


#: Groups a position may be extended to that the claim's population does not always carry.
_UNREAD_GROUPS = frozenset({"child"})


def _evidence_matching_a_rule(text: str) -> bool:
    """A trial result said to match a JSH recommendation that a rule does make ("TOWER ... matches the JSH 2023
    recommendation of blinatumomab for relapsed CD19-positive B-ALL"): evidence framing, and its claim frames agree
    with a rule (a recommendation no rule makes is the frame checker's to remove)."""
    from assistant.claims import read_claims
    from assistant.rules.frames import judge_sentence
    from assistant.rules.logic import default_rulebook
    from assistant.text import names_trial

    if not (_EVIDENCE_FRAME_RE.search(text) or names_trial(text) or _RELATES_RE.search(text)):
        return False
    if not any(c.interventions and c.polarity > 0 for c in read_claims(text)):
        return False  # ("the guideline recommends this approach: <a trial's criterion>" names no treatment)
    return judge_sentence(text, default_rulebook(), PatientFacts()).kind == "agree"


def _relates_to_jsh(text: str) -> bool:
    """The sentence relates what it reports to JSH's position, JSH its object ("..., matching the JSH threshold", "It
    supports the JSH 2023 pathway of ...", heldout18 c023, c064): evidence framing, not JSH speaking ("JSH supports
    blinatumomab because ..." is JSH's voice)."""
    from assistant.concepts import tokens

    toks = tokens(text.lower())
    return any(t in _RELATION_WORDS and _JSH_NAMES & set(toks[i + 1:i + 4]) for i, t in enumerate(toks))


#: Words relating a result to a position, and the names of JSH's position after them.
_RELATION_WORDS = frozenset({"supports", "support", "supporting", "matches", "match", "matching"})
_JSH_NAMES = frozenset({"jsh", "jsh's", "guideline", "guideline's"})


def _denies_grades(text: str) -> bool:
    """The sentence says there is no grade or CQ number ("... is not a JSH 2023 recommendation grade", "no JSH 2023
    recommendation grade or CQ number was found"): the claim reader finds a grade word under a denial and no grade."""
    from assistant.claims import claim_vocabulary, read_claims
    from assistant.concepts import tokens

    voc = claim_vocabulary()
    toks = tokens(text.lower())
    named = any(p[0] in toks for p in (*voc.grade_phrases, *voc.grade_prefixes))
    denied = any(t in ("no", "not", "none", "without") or t.endswith("n't") for t in toks)
    claims = read_claims(text)
    # (a CQ number the asker gave, repeated where the corpus says it holds none: "this assistant contains no CQ
    # numbers, so 'CQ3' cannot be matched to a grade", heldout24 c022)
    return named and denied and (not any(c.grades for c in claims) or any("corpus" in c.attribution for c in claims))


def _jsh_position(text: str) -> bool:
    """A clause states a position in JSH's voice: a stance for something, or a plain statement about a treatment,
    test or group, unhedged ("whether the JSH text cites it is unverified" states none), with JSH named (not denied: "trial context
    rather than a JSH recommendation") or, for a stance, no other voice. Where the recommendations come from ("the
    2023 recommendations here come from a secondary summary", heldout18 c053) is no position."""
    from assistant.claims import read_claims

    return any((c.stance is None and (c.interventions or c.subjects or c.own_population) or c.polarity > 0) and (
        not c.hedged) and ("jsh" in c.voiced or (c.stance is not None and not c.attribution)) for c in read_claims(text))


def trial_design_dose_line(text: str) -> bool:
    """A sentence giving a named trial's arm doses as its design ("As trial design, JALSG ALL202-O randomised
    consolidation methotrexate between 3 g/m2 and 0.5 g/m2"): a dose, the trial, a design word, nobody told a dose
    and nothing put forward."""
    from assistant.claims import read_claims
    from assistant.text import TRIAL_RE

    return bool(DOSE_RE.search(text) and TRIAL_RE.search(text) and _DESIGN.search(text)) and not _ADDRESSED.search(
        text) and not any(c.polarity > 0 and c.stance in ("recommended", "required", "option") for c in read_claims(text))


def _trial_arm_doses(question: str, facts: PatientFacts, text: str, chunks: Sequence[Chunk]) -> bool:
    """The doses of a trial's arms, reported as its design to a question about the trial with no patient to dose
    ("ALL202-O randomised methotrexate between 3 g/m2 and 0.5 g/m2", heldout20 c029, r109 x01): the sentence names
    the trial, puts nothing forward, and every dose it gives is in a source it cites."""
    from assistant.rules.scope import is_trial_design_question

    if not chunks or not is_trial_design_question(question, facts) or not trial_design_dose_line(text):
        return False  # (the arms as the trial's design, not a dose told to someone: "if you use it, give 30 mg daily,
        # as in PhALLCON", heldout18 w018)
    cited = {_amount(m.group(0)) for c in chunks for m in DOSE_RE.finditer(c.text)}
    return all(_amount(m.group(0)) in cited for m in DOSE_RE.finditer(text))


#: A trial's design ("randomised between", "compared ... with", "arm") and a dose told to someone ("you", "your
#: patient", "give", "start").
_DESIGN = Cues(["randomi*", "compar*", "arm|arms", "versus|vs", "tested", "between"])
_ADDRESSED = Cues(["you|your|yours", "this|her|his|my|our patient", "give|start|prescribe|administer|take|use",
                   # (a dose put as the one to use: "if ponatinib is chosen for a newly diagnosed patient, 30 mg daily
                   # as used in PhALLCON is the appropriate starting dose", heldout23 w014)
                   "appropriate|suitable|usual|correct", "starting|recommended|standard|right dose",
                   "should|must|chosen|choose", "a|the|newly diagnosed patient"])


def _amount(dose: str) -> str:
    """A dose as written without spaces, lower-cased ("3 g/m2" and "3g/m2" are one)."""
    return "".join(dose.lower().split()).replace("m²", "m2").replace("m^2", "m2")


def check_tiers(question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Chunk]) -> list[Issue]:
    issues: list[Issue] = []
    for line in parse_lines(draft.answer):
        for s in line.sentences:
            text = strip_lead(s.body)
            where = dict(line=s.line, sentence=s.index)
            banned = banned_content(text)
            if banned is not None and banned[0] != "DOSE-001" and _denies_grades(text):
                banned = None  # "no JSH 2023 recommendation grade or CQ number was found": a denial may stand
            if banned is not None and banned[0] == "DOSE-001" and _trial_arm_doses(
                    question, facts, text, cited_chunks(s, draft, retrieved) if s.markers else []):
                banned = None  # (a trial's arms, asked about the trial: its design, not a dose to give)
            if banned is not None:
                issues.append(Issue(finding=RuleFinding(rule_id=banned[0], severity="block", message=banned[1]),
                                    action="drop", **where))
                continue
            if not s.is_fact or not s.markers:
                continue
            chunks = cited_chunks(s, draft, retrieved)
            if not chunks:
                continue
            tiers = {c.tier for c in chunks}
            if not _asserts_a_position(text):
                continue  # "... is trial evidence, not a JSH 2023 recommendation": no position is claimed
            # (a context source restating the JSH position a rule holds may carry it: "the JSH recommendation of
            # pediatric-type chemotherapy for AYA is not the same as applying the pediatric guideline" cited to the
            # note on the pediatric guideline; its support is the citation check's)
            if claims_recommendation(text) and "guideline" not in tiers and _jsh_position(text) and not (
                    _evidence_matching_a_rule(text) or ("context" in tiers and _restates_a_rule(text))):
                issues.append(Issue(finding=RuleFinding(
                    rule_id="TIER-REC-001", severity="block",
                    message=f"A 'recommended' statement cited only {'/'.join(sorted(tiers))} sources; removed",
                    section_id=chunks[0].section_id), action="drop", **where))
                continue
            if tiers == {"evidence"} and _GUIDELINE_CLAIM_RE.search(text) and not (
                    _EVIDENCE_FRAME_RE.search(text) or _relates_to_jsh(text)) and (
                    _jsh_position(text) and not _agrees_with_a_rule(text)):
                issues.append(Issue(finding=RuleFinding(
                    rule_id="TIER-EVID-004", severity="block",
                    message="Trial evidence was presented as the guideline's position; removed",
                    section_id=chunks[0].section_id), action="drop", **where))
    return issues
