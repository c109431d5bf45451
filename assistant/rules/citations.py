"""Citation checks: every fact sentence is cited, markers resolve, quotes are verbatim, chunks support sentences.

Rule IDs (stable, never reused):
- CIT-MARKER-001  a fact sentence has no citation marker (block: the sentence is dropped)
- CIT-DANGLING-002 a marker points to no citation or to a chunk that was not retrieved (block)
- CIT-QUOTE-003   a citation's quote is not a verbatim span of its chunk (block: quote re-derived from the chunk)
- CIT-SUPPORT-004 the cited chunks do not contain the sentence's drugs, numbers, thresholds or key terms (block)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from assistant.claims import broader_chain
from assistant.concepts import LEXICON_DIR, read_concepts
from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.base import Draft, Issue, chunks_by_id, cited_chunks, lead_reply, parse_lines, strip_lead
from assistant.rules.reversals import reversed_effects, reversed_groups, reversed_risks
from assistant.rules.swaps import swapped_terms
from assistant.rules.trial_values import misbound_trial_values
from assistant.text import chunk_sentences, normalize, split_sentences, tokenize

#: Canonical tokens that carry clinical meaning: if a sentence has one, a cited chunk must have it too.
KEY_TERMS = frozenset(
    ["ph_pos", "ph_neg", "ph_like", "cd19", "cd22", "cd19_pos", "cd22_pos", "cd19_neg", "cd22_neg", "t315i", "allo_hsct", "car_t", "hd_mtx", "hd_arac", "cranial_irradiation", "intrathecal", "preemptive", "prophylactic", "maintenance", "corticosteroid", "pediatric_type", "aya", "ric", "cr1", "cr2", "t_all", "b_all", "mrd", "tki", "cns", "blinatumomab", "inotuzumab", "nelarabine", "tisagenlecleucel", "brexucabtagene", "ponatinib", "dasatinib", "imatinib", "nilotinib", "bosutinib", "asciminib", "olverembatinib", "methotrexate", "cytarabine", "asparaginase", "rituximab", "venetoclax", "hyper", "cvad", "vincristine", "daunorubicin", "cyclophosphamide",
     # supportive drugs of the safety notes ("tocilizumab was the premedication in TOWER", heldout20): named in the source
     "tocilizumab", "glucarpidase",
     "leucovorin"]
)
_NUM_RE = re.compile(r"^\d+(?:\.\d+)?%?$")
_STRUCTURAL_NUMS = frozenset({"1", "2"})  # "first"/"second" style words are spelled; tiny counts are common


#: a time span, with a value before it that shares its unit ("7.7 versus 4.0 months")
_SPAN_RE = re.compile(r"\b(?:(\d+(?:\.\d+)?)\s*(?:versus|vs\.?|and|or)\s*)?(\d+(?:\.\d+)?)[\s-]*"
                      r"(year|month|week|day)s?\b(?![\s-]*olds?\b)", re.IGNORECASE)


def _spans(text: str) -> set[str]:
    """Time spans ("5-year", "18 months") as one term each: "2-year survival" is not supported by "5-year"; an age
    ("24-year-olds") is none. A unit written once after two values gives both ("7.7 versus 4.0 months").

    >>> sorted(_spans("5-year OS in 15- to 24-year-olds over 18 months"))
    ['18-month', '5-year']
    >>> sorted(_spans("median OS 7.7 versus 4.0 months"))
    ['4.0-month', '7.7-month']
    """
    return {f"{n}-{unit.lower()}" for *values, unit in _SPAN_RE.findall(text) for n in values if n}


def key_terms(text: str) -> set[str]:
    """Clinical terms and numbers in a sentence that a supporting chunk must also contain.

    >>> sorted(key_terms("Blinatumomab is for CD19-positive B-ALL with MRD 0.01%."))
    ['0.01%', 'b_all', 'blinatumomab', 'cd19_pos', 'mrd']
    """
    return set(_key_terms(text))


@lru_cache(maxsize=8192)
def _key_terms(text: str) -> frozenset[str]:
    """key_terms, memoised (a sentence is read by several checks, a question by every checking round)."""
    out: set[str] = set()
    for tok in tokenize(_without_powers_of_ten(text), keep_stopwords=True, fix_typos=False):
        if tok in KEY_TERMS or tok in _antigens() or _NUM_RE.match(tok) and tok not in _STRUCTURAL_NUMS:
            out.add(tok)
    out |= _spans(text)
    # "CD19-positive" also yields "cd19"; only the polarity token needs support when both appear.
    for cd in ("cd19", "cd22"):
        if f"{cd}_pos" in out or f"{cd}_neg" in out:
            out.discard(cd)
    return frozenset(out)


def _without_powers_of_ten(text: str) -> str:
    """The text without the unit of a count ("52×10^9/L" -> "52 /L"): its base and exponent are no values a source
    must state (the count before them is). "10^-4" (an MRD level) is kept."""
    out, i = [], 0
    while (at := text.find("10^", i)) >= 0:
        j = at + 3
        while j < len(text) and text[j].isdigit():
            j += 1
        times = text[:at].rstrip()[-1:] in ("x", "×", "X", "*")
        out.append(text[i:at] + " " if times and j > at + 3 else text[i:j])
        i = j
    return "".join(out) + text[i:]


@lru_cache(maxsize=1)
def _antigens() -> frozenset[str]:
    """Antigen names of the claim vocabulary ("cd20", "cd3"): a sentence naming one needs a source that does."""
    from assistant.claims import claim_vocabulary

    return claim_vocabulary().antigens


def chunk_terms(chunk_text: str) -> frozenset[str]:
    """The terms a source's text has (memoised: every cited sentence of every answer reads its chunks' terms)."""
    return _chunk_terms(chunk_text)


@lru_cache(maxsize=4096)
def _chunk_terms(chunk_text: str) -> frozenset[str]:
    toks = set(tokenize(chunk_text, keep_stopwords=True, fix_typos=False))
    for cd in ("cd19", "cd22"):
        if cd in toks:
            toks.add(f"{cd}_pos")  # a chunk about CD19 supports "CD19-positive"
    low = chunk_text.lower()  # (a term the source says in other words: "a TKI when MRD is detected" is pre-emptive)
    toks |= {t for t, phrases in _term_paraphrases() for p in phrases if p in low}
    return frozenset(toks | _spans(chunk_text))


@lru_cache(maxsize=1)
def _term_paraphrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    from assistant.claims import claim_vocabulary

    return claim_vocabulary().term_paraphrases


#: The patient's own markers: an answer may repeat them from the question without a source saying them.
PATIENT_TERMS = frozenset({"ph_pos", "ph_neg", "b_all", "t_all", "cd19_pos", "cd19_neg", "cd22_pos", "cd22_neg", "cr1",
                           "cr2", "aya", "t315i"})


def facts_terms(facts: PatientFacts) -> frozenset[str]:
    """The patient's facts as key terms ("cd22_neg", "ph_pos", "aya"): an answer may repeat them.

    >>> sorted(facts_terms(PatientFacts(ph_status="positive", cd22=False, age_band="aya")))
    ['aya', 'cd22_neg', 'ph_pos']
    """
    out = {"ph_pos" if facts.ph_status == "positive" else "ph_neg" if facts.ph_status == "negative" else "",
           {"B": "b_all", "T": "t_all"}.get(facts.lineage or "", ""),
           "aya" if facts.age_band == "aya" else "", "t315i" if facts.t315i else "",
           facts.phase if facts.phase in ("cr1", "cr2") else "",
           "mrd" if facts.mrd_status else ""}  # ("with MRD negativity, nothing points to transplant", heldout20 c027)
    for cd in ("cd19", "cd22"):
        v = getattr(facts, cd)
        out.add("" if v is None else f"{cd}_pos" if v else f"{cd}_neg")
    return frozenset(out - {""})


def _makes_claim(body: str) -> bool:
    """The sentence states a position, a number, a target or a grade (its wording must then come from its source);
    "eligibility and timing are decided with the transplant team" states none."""
    from assistant.claims import read_claims

    return any(c.stance or c.qualifiers or c.targets or c.grades for c in read_claims(body)) or any(
        ch.isdigit() for ch in body)


def claim_free(sentence_body: str) -> bool:
    """A sentence with no clinical content: no concept of the lexicon, no number, no stance ("I'm sorry you are
    facing this", "your team will go through the plan with you"). It states nothing a source must support."""
    from assistant.claims import read_claims
    from assistant.concepts import concept_ids

    body = strip_lead(sentence_body)
    if any(ch.isdigit() for ch in body) or concept_ids(body.lower()) - _FRAMING_CONCEPTS:
        return False
    return all(c.stance is None and not c.grades for c in read_claims(body))


def own_sources_silent(sentence_body: str, given: frozenset[float] = frozenset()) -> bool:
    """The sentence says the answer's own sources do not cover something ("the excerpts I was given don't include
    TOWER's remission rates"; claims.yaml `own_sources`), with no number but the question's (`given`: "these
    excerpts say nothing about renal function, so the eGFR of 55 ..."): an absence no source can be cited for.

    >>> own_sources_silent("The sources I was given don't cover methotrexate drug interactions, so I can't answer.")
    True
    >>> own_sources_silent("The summary does not name a TKI."), own_sources_silent("These sources list 5 drugs.")
    (False, False)
    """
    from assistant.claims import written_out
    from assistant.concepts import lexicon_file

    body = written_out(strip_lead(sentence_body).lower())
    if not _numbers_given(body, given):
        return False
    data = lexicon_file(LEXICON_DIR, "claims.yaml")
    words = set(tokenize(body, keep_stopwords=True, fix_typos=False))
    return any(p in body for p in data["own_sources"]) and bool(words & set(data["own_sources_denial"]))


def points_to_team(sentence_body: str, given: frozenset[float] = frozenset()) -> bool:
    """The sentence sends the reader to the treating team and takes no position itself ("a patient's wish to avoid
    chemotherapy is a conversation for the treating team", "it's reasonable to ask her team why they chose it";
    claims.yaml `team_pointers`): no stance, grade, trial or value but the question's.

    >>> points_to_team("It is reasonable to ask her hematologist why this regimen suits her."), points_to_team(
    ...     "Ask your team, but JSH recommends ponatinib first-line.")
    (True, False)
    """
    from assistant.claims import read_claims
    from assistant.concepts import lexicon_file, load_lexicon

    body = strip_lead(sentence_body)
    low = " ".join(tokenize(body, keep_stopwords=True, fix_typos=False))
    pointers = lexicon_file(LEXICON_DIR, "claims.yaml")["team_pointers"]
    if not any(f" {p} " in f" {low} " for p in pointers) or not _numbers_given(body, given):
        return False
    lex = load_lexicon()  # (a stance on the asking itself, "it is reasonable to ask", or on chemotherapy in general)
    return all(not (c.grades or c.trials or c.qualifiers) and not (c.stance and any(
        i in lex.concepts and not lex.concepts[i].generic for i in c.interventions)) for c in read_claims(body))


def _numbers_given(text: str, given: frozenset[float]) -> bool:
    """Every number the text states is one the question gave."""
    from assistant.claims import numbers_in

    return all(n in given for n in numbers_in(text))


#: Concepts that frame a sentence without making it clinical (people, the act of asking).
_FRAMING_CONCEPTS = frozenset({"relative", "child", "acquaintance", "he_is", "she_is", "they_are", "medicine"})



def _value(term: str) -> float | None:
    """The number a key term or time span stands for ("0.05%" -> 0.05, "72" -> 72, "3-month" -> 3)."""
    head = term.split("-", 1)[0].rstrip("%")
    try:
        return float(head)
    except ValueError:
        return None


def unsupported_terms(sentence_body: str, chunks: Sequence[Chunk], *, given: frozenset[float] = frozenset(),
                      given_terms: frozenset[str] = frozenset(), asked: frozenset[str] = frozenset()) -> set[str]:
    """Terms of the sentence absent from every cited chunk (clinical key terms always; other content words
    when fewer than half of them occur in the cited text). Numbers in `given` (the patient's age, MRD level and
    other values of the question) and the patient's own markers in `given_terms` ("CD22-negative", "T315I") need
    not be in the source: the answer repeats them."""
    body = strip_lead(sentence_body)
    history = _history_asked(body, asked)
    given_terms = given_terms | frozenset(t for _, terms in history for t in terms)
    needed = {t for t in key_terms(body) if (_value(t) is None or _value(t) not in given) and t not in given_terms}
    have: set[str] = set()
    for c in chunks:
        have |= chunk_terms(c.text)
    absent = {t for t in needed if t not in have}
    if absent and any(_term_kind(t) == "calendar" for t in needed):  # (read only when a term it may excuse is absent)
        absent -= _named_numbers(body)
    missing = {t for t in absent if not _example_of(t, body, have) and not _lineage_of(t, have)
               and not _members_of(t) & have}  # (a class whose member the source names: "a TKI ... with imatinib")
    if _makes_claim(body):  # the treatments it names must be in its source (paraphrase may change every other word)
        # (the asked tokens are canonical: "auto_hsct" read as written would be "hsct", an allogeneic one; one the
        # sentence puts forward needs its source all the same: "JSH 2023 lists an autologous transplant as the
        # alternative when no donor is found", ja-w065)
        from assistant.claims import read_claims

        asked_concepts = _concepts(" ".join(sorted(asked)).replace("_", "-")) - {
            c for claim in read_claims(body) if claim.polarity > 0 for c in claim.interventions}
        have = set().union(*(_concepts(c.text) for c in chunks)) if chunks else set()
        have |= {b for c in have for b in broader_chain(c)}  # (a source naming dasatinib names a TKI)
        tokens_had = set().union(*(chunk_terms(c.text) for c in chunks)) if chunks else set()
        missing |= {c for c in _concepts(body) - have - asked_concepts - {c for c, _ in history}
                    if not any(b in have for b in broader_chain(c)[1:]) and c not in tokens_had}
    return missing


def _history_asked(body: str, asked: frozenset[str]) -> list[tuple[str, frozenset[str]]]:
    """The treatments (concept, key terms) the sentence names as already given, taken now or set aside that the
    question names too ("re-induction chosen in light of his hyper-CVAD" after "relapsed after hyper-CVAD"): the
    patient's history and medicines, repeated from the question, need not be in the source (heldout13)."""
    if not asked:
        return []
    low = body.lower()
    mentions = read_concepts(low).mentions
    # (or taken now: "for a patient on dasatinib", "at 3 years on imatinib", the question's own medicine)
    past = [m for m in mentions if (m.historical or m.taken) and m.kind in ("drug", "regimen", "procedure")]
    named = [(m.concept, frozenset(key_terms(m.surface))) for m in past]
    # (or turned down: "keep monitoring rather than start dasatinib", the question's proposal; not one ranked below
    # another: "prefers blinatumomab over a later-generation TKI" still needs its source, heldout4 w079)
    from assistant.claims import claim_vocabulary, read_claims
    from assistant.concepts import tokens

    # (or said to have no basis: "the summary gives no basis for adding a TKI", heldout20 c046)
    denied = {c for claim in read_claims(body) for c in (*claim.negated, *(claim.interventions if (
        claim.polarity < 0 or claim.stance in _DENYING) and not claim.ranked else ()))}
    toks = tokens(low)
    cues = claim_vocabulary().stance_set_aside
    named += [(m.concept, frozenset(key_terms(m.surface))) for m in mentions
              if m.concept in denied or any(tuple(toks[k:k + len(p)]) == p for p in cues
                                            for k in range(max(0, m.start - 4), m.start))]
    return [(c, terms) for c, terms in named if terms and terms <= asked]


#: Stances that deny a position: a sentence attributing one to JSH 2023 says what the guideline does not hold.
_DENYING = frozenset({"not_recommended", "not_required", "ineffective", "no_standard", "not_cured", "not_high_risk"})


def disowned_attribution(sentence_body: str, chunks: Sequence[Chunk]) -> set[str]:
    """A sentence that attributes to JSH 2023 what its closest cited source sentence says is not JSH's ("JSH 2023
    lists KMT2A, hypodiploidy ... as the factors" from "these examples are this project's, not confirmed JSH 2023
    wording"): {"JSH 2023 attribution"}, else empty.

    >>> c = Chunk(chunk_id="c", doc_id="d", section_id="s", title="t", tier="guideline", source="x", chunk_no=0,
    ...           char_start=0, char_end=1, text="Factors include MRD of 0.01% or more and KMT2A; these examples "
    ...                                          "are this project's, not confirmed JSH 2023 wording.")
    >>> disowned_attribution("JSH 2023 lists MRD of 0.01% or more and KMT2A as the factors.", [c])
    {'JSH 2023 attribution'}
    >>> disowned_attribution("Factors used include MRD of 0.01% or more and KMT2A.", [c])
    set()
    """
    from assistant.claims import claim_vocabulary, read_claims

    disowning = claim_vocabulary().disowned_by_source
    chunks = [c for c in chunks if any(p in c.text.lower() for p in disowning)]
    if not chunks:
        return set()  # (no cited source disowns anything: nothing to read)
    body = strip_lead(sentence_body)
    if not any("jsh" in c.attribution and c.stance not in _DENYING for c in read_claims(body)):
        return set()  # (a sentence saying JSH 2023 does not recommend it agrees with a source that disowns it)
    mine = key_terms(body) - {"2023"}
    best, shared = "", 1
    for c in chunks:
        for sent in chunk_sentences(c.text):
            n = len(mine & key_terms(sent))
            if n > shared:
                best, shared = sent, n
    low = best.lower()
    return {"JSH 2023 attribution"} if best and any(p in low for p in disowning) else set()


def _named_numbers(text: str) -> set[str]:
    """Numbers that are part of a source's name ("JSH 2023" in "these are label points, not JSH 2023 statements"),
    read by the lexicon: a name attributes, it states no value a cited chunk must hold (an edition the lexicon does
    not name, "JSH 2021", stays a value).

    >>> sorted(_named_numbers("These are label points, not JSH 2023 statements; JSH 2021 said otherwise."))
    ['2023']
    """
    from assistant.concepts import read_concepts

    return {w for m in read_concepts(text.lower()).mentions if m.kind == "source"
            for w in m.surface.split() if w.isdigit()}


def _lineage_of(term: str, have: set[str]) -> bool:
    """A lineage its source names by a treatment or an antigen of that lineage only ("relapsed Ph-positive B-ALL"
    from "blinatumomab for CD19-positive disease": concepts.yaml `fits`)."""
    lineage = _LINEAGE_TERMS.get(term)
    return lineage is not None and any(_fits_lineage(t) == lineage for t in have)


#: Key terms of a lineage, and the lineage they name.
_LINEAGE_TERMS = {"b_all": "B", "t_all": "T"}


@lru_cache(maxsize=512)
def _fits_lineage(term: str) -> str | None:
    """The lineage a key term's treatment or antigen belongs to (blinatumomab, CD19: B), else None: concepts.yaml
    `fits` (an antigen's lineage is that of the treatments fitted to it)."""
    from assistant.concepts import load_lexicon

    concepts = load_lexicon().concepts
    antigen = term.split("_")[0]
    lineages = {c.fits.get("lineage") for c in concepts.values() if c.fits.get("antigen") == antigen} - {None}
    if len(lineages) == 1:
        return next(iter(lineages))
    c = concepts.get(term)
    return c.fits.get("lineage") if c is not None else None


def _example_of(term: str, body: str, have: set[str]) -> bool:
    """A drug the sentence names as an example of a class its source names ("an earlier-generation TKI such as
    dasatinib"): the example need not be in the source."""
    from assistant.claims import claim_vocabulary
    from assistant.concepts import tokens

    classes = broader_chain(term)[1:]
    if not classes or not any(c in have for c in classes):
        return False
    toks = tokens(body.lower())
    cues = claim_vocabulary().examples
    return any(t.startswith(term) and any(_ends(toks, j, p) for j in (i, i - 1) for p in cues)
               for i, t in enumerate(toks))


@lru_cache(maxsize=256)
def _members_of(term: str) -> frozenset[str]:
    """The lexicon's concepts whose class is `term` ("tki" -> imatinib, dasatinib, ...): a source naming one of them
    names the class ("GIMEMA LAL1205 and LAL0904 support TKI plus corticosteroid induction" cited to the trials'
    dasatinib and imatinib, heldout23 c083)."""
    from assistant.concepts import load_lexicon

    return frozenset(c for c in load_lexicon().concepts if c != term and term in broader_chain(c)[1:])


def _ends(toks: list[str], end: int, p: tuple[str, ...]) -> bool:
    return end - len(p) >= 0 and tuple(toks[end - len(p):end]) == p


#: Concept kinds a source must name when a sentence names them.
CLINICAL_KINDS = frozenset({"drug", "drug_class", "regimen", "procedure"})


@lru_cache(maxsize=4096)
def _concepts(text: str) -> frozenset[str]:
    """The clinical concepts a text names, by the lexicon (for a source, once per chunk)."""
    from assistant.concepts import concept_ids, load_lexicon

    lex = load_lexicon()
    return frozenset(c for c in concept_ids(text.lower()) if lex.concepts[c].kind in CLINICAL_KINDS
                     or c in _FEATURES)


#: Features of the leukemia a claim may name as a criterion ("KMT2A rearrangement, hypodiploidy"): its source must
#: name them too (a list of high-risk features attributed to JSH 2023 where the cited statement names none).
_FEATURES = frozenset({"cytogenetics"})


#: A sentence sharing this much of its wording with one source sentence is a copy of it (Jaccard of tokens).
NEAR_COPY = 0.6


def altered_terms(sentence_body: str, chunks: Sequence[Chunk], *, given: frozenset[float] = frozenset()) -> set[str]:
    """Key terms and numbers of a near-copy of a source sentence that its original lacks: "MRD below 0.1%"
    copied from "MRD below 0.01%" is altered, even when 0.1% occurs elsewhere in the chunk."""
    body = strip_lead(sentence_body)
    toks = set(tokenize(body))
    if not toks:
        return set()
    best_sim, best = _closest(toks, chunks)
    if best is None:
        return set()
    if best_sim >= NEAR_COPY:
        changed = changed_terms(body, best, given=given)
        if "negation" in changed and _clause_negations(body, chunks) is False:
            changed -= {"negation"}  # (a sentence of several clauses, none negating its own closest source sentence)
        return changed - _clause_values(body, changed, chunks)
    part = _copied_part(toks, best)  # (a copy of the first half of a long source sentence: its values only)
    return set() if part is None else _changed_values(body, part, given)


def _clause_negations(body: str, chunks: Sequence[Chunk]) -> bool | None:
    """For a sentence of two stance clauses or more, which may join two source sentences ("JSH 2023 does not
    recommend prophylactic TKI for MRD-negative patients, and it recommends a TKI once MRD is detected", heldout9
    c013): whether one of its clauses negates the source sentence closest to that clause; None for one clause."""
    from assistant.claims import read_claims, strip_opener

    claims = [c for c in read_claims(strip_opener(body)) if c.stance is not None]
    if len(claims) < 2:
        return None
    for c in claims:
        _, closest = _closest(set(tokenize(c.text)), chunks)
        if closest is not None and _negated(c.text, closest):
            return True
    return False


def _clause_values(body: str, changed: set[str], chunks: Sequence[Chunk]) -> set[str]:
    """The changed values a later clause of the sentence takes from its own closest source sentence: a sentence
    joining two ("above 30x10^9/L in B-lineage ALL, and above 100x10^9/L in T-lineage ALL", heldout22 c050) is a
    copy of the first only up to its comma."""
    from assistant.concepts import clauses

    values = {t for t in changed if _value(t) is not None}
    parts = clauses(body)
    if not values or len(parts) < 2:
        return set()
    out: set[str] = set()
    for part in parts[1:]:
        toks = set(tokenize(part))
        own = _values(part)
        if (mine := {t for t in values if _value(t) in own}) and (closest := _closest(toks, chunks)[1]) is not None:
            out |= mine & chunk_terms(closest)
    return out


def _changed_values(body: str, part: str, given: frozenset[float]) -> set[str]:
    """Numbers a copy of part of a source sentence puts in place of the part's own, of the same kind ("aged 15 to
    39" for "aged 15 to 24"); its stance and what it denies are the whole sentence's, so they are not compared."""
    mine, theirs = key_terms(body), key_terms(part)
    removed = {_term_kind(t) for t in theirs - mine if _value(t) is not None}
    return {t for t in mine - chunk_terms(part) if (v := _value(t)) is not None and v not in given
            and _term_kind(t) in removed}


def _copied_part(toks: set[str], source: str) -> str | None:
    """The part of a source sentence a sentence copies, when it copies one part of it: the run of source words,
    from one word the sentence shares to another, closest to the sentence, if that run is a near-copy ("JALSG
    ALL202-U treated 139 patients aged 15 to 39 with Ph-negative ALL on a pediatric protocol" copies the first half
    of "... aged 15 to 24 with Ph-negative ALL on a pediatric protocol and reported a 5-year disease-free survival
    of 67% ..."; "No JSH 2023 treatment statement ... was found" the second half of "Ph-like ALL is reported as an
    adverse factor in trials, but no JSH 2023 treatment statement ... was found").

    >>> _copied_part(set(tokenize("Patients aged 15 to 39 were treated on a pediatric protocol.")),
    ...              "Patients aged 15 to 24 were treated on a pediatric protocol and 67% survived at 5 years.")
    'aged 15 to 24 were treated on a pediatric protocol'
    >>> _changed_values("Patients aged 15 to 39 were treated on a pediatric protocol.", _, frozenset())
    {'39'}
    """
    return _best_run(frozenset(toks), source)


@lru_cache(maxsize=8192)
def _best_run(toks: frozenset[str], source: str) -> str | None:
    words, word_toks = _word_tokens(source)
    shared = [i for i, t in enumerate(word_toks) if t & toks]
    best, best_sim = None, NEAR_COPY
    for a in shared:
        run: set[str] = set()
        for b in range(a, shared[-1] + 1):
            run |= word_toks[b]
            if b in shared and (sim := _jaccard(set(toks), run)) >= best_sim:
                best, best_sim = (a, b), sim
    return None if best is None else " ".join(words[best[0]:best[1] + 1])


@lru_cache(maxsize=4096)
def _word_tokens(source: str) -> tuple[list[str], list[frozenset[str]]]:
    """A source sentence's words and each word's tokens (memoised: every answer sentence is compared with it)."""
    words = source.split()
    return words, [frozenset(tokenize(w)) for w in words]


def changed_terms(body: str, best: str, *, given: frozenset[float] = frozenset()) -> set[str]:
    """Key terms, limits and negation a near-copy changes in its original (see `altered_terms`; memoised: extractive
    answers copy the same source sentences question after question).

    >>> sorted(changed_terms("MRD below 0.1% is not cured.", "MRD below 0.01% is not cured."))
    ['0.1', '0.1%', '<0.01', '<0.1']
    >>> changed_terms("In 326 adults, MRD below 0.01% is not cured.", "MRD below 0.01% is not cured.")
    set()
    """
    return set(_changed_terms(body, best, given))


@lru_cache(maxsize=8192)
def _changed_terms(body: str, best: str, given: frozenset[float]) -> frozenset[str]:
    # a term changed, not added: a copy may add a detail its source has elsewhere ("in 326 adults"), but a value or a
    # concept put in place of the source's ("0.1%" for "0.01%", CD22 for CD19) alters it
    mine, theirs = key_terms(body), key_terms(best)
    added = {t for t in mine - chunk_terms(best) if _value(t) is None or _value(t) not in given}
    removed = theirs - _with_antigens(mine)
    altered = {t for t in added if any(_term_kind(r) == _term_kind(t) for r in removed)}
    # a value put in place of another that the copy already names ("aged 40 to 64, and aged 40 to 64" for "..., and
    # aged 65 or older"): counted with repeats
    more, fewer = Counter(_numbers(body)) - Counter(_numbers(best)), Counter(_numbers(best)) - Counter(_numbers(body))
    if more and fewer and not {float(v) for v in more} <= set(given):
        altered |= {f"{v:g}" for v in more}
    mb, tb = _bounds(body), _bounds(best)
    if mb - tb and tb - mb:
        altered |= mb ^ tb
    if _negated(body, best):
        altered.add("negation")  # "is part of it" copied from "is not part of it"
    return frozenset(altered)


@lru_cache(maxsize=8192)
def _numbers(text: str) -> tuple[float, ...]:
    """The numbers of a text, in order, with repeats (calendar years and trial names aside); memoised."""
    from assistant.claims import numbers_in
    from assistant.concepts import tokens

    out = []
    toks = tokens(text.lower())
    for i, tok in enumerate(toks):
        if ":" in tok or (i and toks[i - 1] == "phase"):
            continue  # (a ratio, "randomised 2:1", and a trial's phase, "phase 3", are no values of the claim)
        v = sorted(numbers_in(tok)) or ([float(_NUMBER_WORDS[tok])] if tok in _NUMBER_WORDS else [])
        out.extend(x for x in v if not (x.is_integer() and 1900 <= x <= 2100))
    return tuple(out)


#: Numbers written as words ("more than two induction courses").
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "twice": 2, "single": 1}


def _term_kind(term: str) -> str:
    """What a key term is, for telling a changed value from an added one: a concept, a percentage, a time span
    ("5-year"), a calendar year ("2018", "JSH 2023") or another number ("326 adults")."""
    v = _value(term)
    if v is None:
        return "population" if term in PATIENT_TERMS or term in ("cd19", "cd22") else "concept"
    if term.endswith("%"):
        return "percent"
    if "-" in term:
        return "span:" + term.split("-", 1)[1]
    return "calendar" if v.is_integer() and 1900 <= v <= 2100 else "number"


def _with_antigens(terms: set[str]) -> set[str]:
    """Key terms with the antigen of each "CD19-positive" term ("cd19_pos" names CD19)."""
    return terms | {t.split("_")[0] for t in terms if t.startswith(("cd19_", "cd22_"))}


def _negated(a: str, b: str) -> bool:
    """One text negates the other, both read without a yes/no opening ("No: the guideline does not recommend X"
    keeps the polarity of "the guideline does not recommend X"): when both state stances, a clause and the clause
    of the other it copies state different ones, or one denies a stance word the other asserts ("GNR means
    generally (not) recommended"); else one denies a word the other asserts (see `_flipped`)."""
    from assistant.claims import opener_moved, read_claims

    a, b = opener_moved(a), opener_moved(b)
    ca = [c for c in read_claims(a) if c.stance is not None and not c.extra.get("inferred")]
    cb = [c for c in read_claims(b) if c.stance is not None and not c.extra.get("inferred")]
    if ca and cb:  # (a paraphrase may drop or add a clause: only the clauses it copies are compared)
        # ("does not list X" and "not X" both deny: only an affirmation against a denial is a flip)
        # (two clauses of one signed stance do not negate each other, whichever word the denial stands before:
        # "is not a JSH 2023 recommendation" copied from "does not recommend", heldout11 c001)
        return any(_opposed(x, y) or (x.polarity != y.polarity or not x.polarity) and _flipped(
            x.text, y.text, heads=_stance_words()) for x, y in _copied_clauses(ca, cb))
    return _flipped(a, b)


def _opposed(x: Any, y: Any) -> bool:
    """Two clauses state opposite stances: of opposite signs ("recommended" / "not recommended"), or one signed and
    one without a sign ("no standard") when a word one denies stands undenied in the other. "The corpus gives no
    HD-MTX doses" copied from "This corpus contains no HD-MTX doses" denies what its source denies, however the
    stance reader signs the two verbs."""
    if x.polarity * y.polarity < 0:
        return True
    return (x.polarity > 0) != (y.polarity > 0) and _flipped(x.text, y.text)


def _copied_clauses(ca: list[Any], cb: list[Any]) -> list[tuple[Any, Any]]:
    """Pairs of clauses, one of each text, each the other's closest in wording (and close enough to be a copy)."""
    def closest(x: Any, others: list[Any]) -> Any:
        return max(others, key=lambda y: _jaccard(content_words(x.text), content_words(y.text)))

    return [(x, y) for x in ca for y in [closest(x, cb)]
            if closest(y, ca) is x and _jaccard(content_words(x.text), content_words(y.text)) >= COPIED_CLAUSE]


#: Share of wording two clauses must have in common to be one copied from the other.
COPIED_CLAUSE = 0.25


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def content_words(text: str) -> frozenset[str]:
    """Content words, stance words included ("recommended", "not" aside: tokenize keeps what BM25 drops); memoised
    (each clause is compared with every clause of the other text)."""
    return _content_words(text)


@lru_cache(maxsize=8192)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in tokenize(text, keep_stopwords=True, fix_typos=False) if w not in _FUNCTION_WORDS)


_FUNCTION_WORDS = frozenset({"a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "to", "of", "in",
                             "on", "for", "with", "and", "or", "it", "its", "this", "that", "as", "by", "at", "than",
                             "not", "no", "never", "none", "nor", "neither", "does", "do", "did", ",", ".", ";", ":"})


@lru_cache(maxsize=1)
def _stance_words() -> frozenset[str]:
    """Words of the claim vocabulary's stance cues ("recommended", "list", "option", "mandatory")."""
    from assistant.claims import claim_vocabulary

    voc = claim_vocabulary()
    return frozenset(w for cues in voc.stance_cues.values() for p, _ in cues for w in content_words(" ".join(p)))


_SEGMENT_MARKS = frozenset({",", ":", "—", "–", "(", ")"})
_NEGATION_WORDS = frozenset({"not", "no", "never", "none", "neither", "nor", "cannot"})


def _negations(text: str) -> tuple[set[str], set[str]]:
    """What a text denies: the head words of its negations (the first content word after "not", "no", "never",
    "n't", and after each "or" in its scope: "does not name X or describe Y") and every word in their scopes (to the
    end of the clause). "without" is no negation here: it names a population or a companion."""
    from assistant.claims import claim_vocabulary, clause_spans
    from assistant.concepts import tokens

    voc = claim_vocabulary()
    toks = tokens(text.lower())
    heads: set[str] = set()
    scope: set[str] = set()
    for a, b in clause_spans(toks, breaks=voc.clause_breaks | _SEGMENT_MARKS):
        for i in range(a, b):
            # ("evidence rather than JSH 2023 recommendations" denies what "evidence, not JSH 2023
            # recommendations" does, heldout14)
            after = next((i + len(p) for p in voc.stance_set_aside if tuple(toks[i:i + len(p)]) == p), None)
            if after is None and (toks[i] in _NEGATION_WORDS or toks[i].endswith(("n't", "n’t"))):
                after = i + 1
            if after is None:
                continue
            head = _heads(toks[after:b])
            heads.update(head)
            scope.update(content_words(" ".join(toks[after:b])))
            if set(head) & voc.absence_predicates:  # ("the chapter, its figure and its list were not available":
                # what is said to be absent is the subject, heldout14)
                scope.update(content_words(" ".join(toks[a:i])))
    return heads, scope


def _flipped(a: str, b: str, heads: frozenset[str] | None = None) -> bool:
    """A word one text denies stands undenied in the other ("does mean" copied from "does not mean"); a negation of
    words the other does not have ("the guideline does not say which TKI, and ...") or denies too ("no grade was
    found: ... contains no grades") flips nothing. With `heads`, only denied words among them count."""
    ta, tb = content_words(a), content_words(b)
    ha, na = _negations(a)
    hb, nb = _negations(b)
    if na & nb:  # both deny the same thing ("records only X, not longer-term survival" / "does not record ...")
        return False
    if ha and hb and (ha <= _EXISTENCE or hb <= _EXISTENCE):
        return False  # (the denial moved from the thing to its being found: "X were not found" copied from "no X
        # were found", heldout23 c079)
    if heads is not None:
        ha, hb = ha & heads, hb & heads
    return any(h in tb and h not in nb for h in ha) or any(h in ta and h not in na for h in hb)


#: Verbs of a thing being there or being given: a denial of one says what "no <thing>" says.
_EXISTENCE = frozenset({"found", "given", "listed", "named", "stated", "included", "contained", "reported",
                        "available", "provided", "identified", "specified", "exist", "exists", "present"})


def _heads(scope: list[str]) -> list[str]:
    """The first content word of each "or"-joined part of a negation's scope."""
    out, part = [], []
    for t in [*scope, "or"]:
        if t in ("or", "nor"):
            words = [w for w in tokenize(" ".join(part), keep_stopwords=True, fix_typos=False)
                     if w not in _FUNCTION_WORDS]
            out.extend(words[:1])
            part = []
        else:
            part.append(t)
    return out


def _closest(toks: set[str], chunks: Sequence[Chunk]) -> tuple[float, str | None]:
    best, best_sim = None, 0.0
    n = len(toks)
    for c in chunks:
        for src, other in _sentence_token_sets(c.text):
            # (the share is at most the smaller size over the larger: a sentence that cannot beat the best is skipped)
            if not other or min(n, len(other)) / max(n, len(other)) <= best_sim:
                continue
            shared = len(toks & other)
            sim = shared / (n + len(other) - shared)
            if sim > best_sim:
                best, best_sim = src, sim
    return best_sim, best


@lru_cache(maxsize=4096)
def _sentence_token_sets(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each sentence of a chunk's text with its token set (memoised: every answer sentence is compared with them)."""
    return tuple((src, frozenset(tokenize(src))) for src in chunk_sentences(text))


#: A sentence this close to a source sentence was taken from it.
COPY = 0.9


def copied_from_elsewhere(sentence_body: str, cited: Sequence[Chunk], retrieved: Sequence[Chunk]) -> set[str]:
    """A sentence copied from one retrieved source but cited to another ("[2]" on a line of chunk 5): the
    citation is wrong even when the cited chunk happens to share its terms."""
    toks = set(tokenize(strip_lead(sentence_body)))
    if not toks:
        return set()
    here, best = _closest(toks, cited)
    if here >= COPY:
        return set()
    ids = {c.chunk_id for c in cited}
    sim, _ = _closest(toks, [c for c in retrieved if c.chunk_id not in ids])
    part = _copied_part(toks, best) if best is not None and sim >= COPY else None
    if part is not None:  # the cited source says it as part of a longer sentence ("X is reported ..., but <it>")
        here = max(here, _jaccard(toks, set(tokenize(part))))
        if here >= COPY:
            return set()
    # copied word for word from another source, while the cited one has it only in other words (or not at all)
    return {"source"} if sim >= COPY and (here < NEAR_COPY or sim >= VERBATIM > here) else set()


#: A sentence this close to a source sentence is that sentence, word for word.
VERBATIM = 0.98


def _bounds(text: str) -> set[str]:
    """Age and threshold limits as terms, by direction ("<65" for under / up to, ">=65" for from / over): "younger
    than 65" is not "65 or older", while "at or above 0.01%" is "0.01% or higher". Read by the claim reader."""
    from assistant.claims import read_claims

    out: set[str] = set()
    for c in read_claims(text.replace("-or-", " or ").replace("-and-", " and ")):
        for q in c.qualifiers:
            if q.kind in ("age", "threshold") and q.op in ("<", "<=", ">", ">="):
                out.add(("<" if q.op in ("<", "<=") else ">=") + f"{q.value:g}")
    return out


def best_quote(sentence_body: str, chunk: Chunk) -> str:
    """The chunk sentence that best matches the answer sentence (a verbatim span of the chunk)."""
    target = set(tokenize(sentence_body))
    best, best_score = chunk.text.strip(), -1.0
    for s in split_sentences(chunk.text):
        toks = set(tokenize(s))
        score = len(target & toks) / (len(toks) ** 0.5 + 1)
        if score > best_score and s in chunk.text:
            best, best_score = s, score
    return best




def check_citations(
    question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Chunk]
) -> list[Issue]:
    """Pure citation checks over every fact sentence of the draft."""
    from assistant.rules.frames import question_values

    issues: list[Issue] = []
    by_id = chunks_by_id(retrieved)
    given = question_values(f"{question} {draft.said}", facts)  # (the asker's numbers, background and turns too)
    patient_terms = (frozenset(key_terms(question)) & PATIENT_TERMS) | facts_terms(facts)
    asked = frozenset(tokenize(question, fix_typos=False))
    lines = parse_lines(draft.answer)
    lead = lead_reply(lines, retrieved)
    question_given, earlier = given, set()  # (values earlier cited sentences of the answer gave)
    for line in lines:
        for s in line.sentences:
            if not s.is_fact:
                continue
            given = question_given | (_pointed_back(s.body) & earlier)
            if s.markers:
                earlier |= _values(s.body)
            if claim_free(s.body) or s is lead or own_sources_silent(s.body, given):
                continue  # "I'm sorry you're facing this", "ask your team at the next visit": no clinical claim
            if not s.markers and (_restates_cited(s.body, draft, retrieved, question, given, patient_terms, asked)
                                  or points_to_team(s.body, given)):
                issues.append(Issue(finding=RuleFinding(
                    rule_id="CIT-MARKER-001", severity="info",
                    message=f"Sentence kept without a citation: what it says is in the sources the answer cites "
                            f"(a conclusion or a pointer): \"{_short(s.body)}\""),
                    line=s.line, sentence=s.index))
                continue
            if not s.markers:
                issues.append(Issue(
                    finding=RuleFinding(rule_id="CIT-MARKER-001", severity="block",
                                        message=f"Sentence has no citation and was removed: \"{_short(s.body)}\""),
                    line=s.line, sentence=s.index, action="drop"))
                continue
            bad = [m for m in s.markers
                   if (c := draft.citation(m)) is None or c.chunk_id not in by_id]
            if bad:
                issues.append(Issue(
                    finding=RuleFinding(rule_id="CIT-DANGLING-002", severity="block",
                                        message=f"Marker(s) {', '.join(f'[{m}]' for m in bad)} point to no "
                                                f"retrieved source: \"{_short(s.body)}\""),
                    line=s.line, sentence=s.index,
                    action="drop" if len(bad) == len(s.markers) else "drop_markers", markers=bad))
                if len(bad) == len(s.markers):
                    continue
            good = cited_chunks(s, draft, retrieved)
            missing = (unsupported_terms(s.body, good, given=given, given_terms=patient_terms, asked=asked) or altered_terms(s.body, good, given=given)
                       or copied_from_elsewhere(s.body, good, retrieved) or disowned_attribution(s.body, good)
                       or swapped_terms(s.body, good, given=given) or reversed_groups(s.body, good, facts)
                       or reversed_effects(s.body, good) or reversed_risks(s.body, good)
                       or misbound_trial_values(s.body, good, given=given))
            if missing:
                issues.append(Issue(
                    finding=RuleFinding(rule_id="CIT-SUPPORT-004", severity="block",
                                        message=f"Cited source does not support {', '.join(sorted(missing))}; "
                                                f"sentence removed: \"{_short(s.body)}\"",
                                        section_id=good[0].section_id if good else None),
                    line=s.line, sentence=s.index, action="drop"))
    for cit in draft.citations:
        chunk = by_id.get(cit.chunk_id)
        if chunk is not None and (not cit.quote.strip() or cit.quote not in chunk.text):
            issues.append(Issue(
                finding=RuleFinding(rule_id="CIT-QUOTE-003", severity="block",
                                    message=f"Quote for [{cit.marker}] is not verbatim in {cit.section_id}; "
                                            "replaced by the source's own sentence",
                                    section_id=cit.section_id),
                action="fix_quote", markers=[cit.marker]))
    return issues


def _values(text: str) -> set[float]:
    from assistant.claims import numbers_in

    return set(numbers_in(text))


def _pointed_back(body: str) -> set[float]:
    """The values a sentence names as ones already given ("so the 7% describes practice", heldout20 c055): a number
    right after "the", "that", "this", "those" or "these"; an earlier cited sentence of the answer carries them.

    >>> sorted(_pointed_back("So the 7% describes practice, unlike 21%."))
    [7.0]
    """
    from assistant.concepts import tokens

    toks = tokens(body.lower())
    out: set[float] = set()
    for i, t in enumerate(toks[:-1]):
        if t in _POINTERS and toks[i + 1][:1].isdigit():
            out |= _values(" ".join(toks[i + 1:i + 3]))
    return out


_POINTERS = frozenset({"the", "that", "this", "those", "these"})


def _restates_cited(body: str, draft: Draft, retrieved: Sequence[Chunk], question: str, given: frozenset[float],
                    patient_terms: frozenset[str], asked: frozenset[str]) -> bool:
    """An uncited sentence that takes no position on a treatment, names no grade, trial or value of its own (the
    question's values aside), and whose every term and attribution the chunks the answer cites elsewhere carry: a
    conclusion drawn from them ("So at 35 he falls in the AYA group"), a pointer ("the actual duration comes from
    the protocol being used"); it adds nothing a source must be found for. A recommendation without its marker
    is still dropped."""
    from assistant.claims import numbers_in, read_claims

    if any(c.grades or c.trials or (c.interventions and c.stance) or c.qualifiers for c in read_claims(body)) or any(
            n not in given for n in numbers_in(body)):
        return False  # (a position on a treatment, a grade, a trial, a value not the question's: its own source)
    cited = {m for line in parse_lines(draft.answer) for x in line.sentences for m in x.markers}
    by_id = chunks_by_id(retrieved)
    good = [by_id[c.chunk_id] for m in sorted(cited) if (c := draft.citation(m)) is not None and c.chunk_id in by_id]
    if not good:
        return False
    return not (unsupported_terms(body, good, given=given, given_terms=patient_terms, asked=asked)
                or altered_terms(body, good, given=given) or disowned_attribution(body, good)
                or swapped_terms(body, good, given=given) or reversed_effects(body, good) or reversed_risks(body, good))


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = ["best_quote", "check_citations", "disowned_attribution", "key_terms", "normalize", "points_to_team",
           "unsupported_terms"]
