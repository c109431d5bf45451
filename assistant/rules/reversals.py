"""Reversed groups: an answer sentence that says what its cited trial source says about the same treatments, but of
the other group ("E1910 randomised patients who remained MRD-positive" cited to "patients ... who were MRD-negative
were randomised"; Ph+ALL213's post-transplant dasatinib "for patients MRD-negative before transplantation" cited to
"patients who were MRD-positive before transplantation received prophylactic dasatinib"), or says a treatment worked
where the source says it did not, or the other way round ("allo-SCT added no benefit once a TKI was used" cited to
"In GRAAPH-2005, allo-SCT improved relapse-free survival").

Compared claim by claim (`assistant.claims`): among the sentences of the cited evidence-tier sources that state the
same key (MRD status, Ph status, lineage), those sharing the most of the claim's other concepts (at least
`MIN_SHARED`) are the ones it restates; a reversal is reported when none of them states the claim's value. A value
that is the patient's own (from the question) is not the source's to give, and guideline-tier sources are judged by
the rules instead. An effect ("improved", "no benefit") is compared with the source claims about the same treatment
(its first named one) that state an effect; comparisons ("better than", "versus") are left to the rules, since their
sides can be named either way round. Pure and memoised per source text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from assistant.claims import Claim, read_claims
from assistant.concepts import LEXICON_DIR, TREATMENT_KINDS, concept_ids, lexicon_file, load_lexicon, tokens
from assistant.models import Chunk, PatientFacts
from assistant.rules.toxicity import harms_in
from assistant.text import chunk_sentences

#: The population keys compared, and the concepts that only say the key (left out of what two claims share).
KEYS: dict[str, frozenset[str]] = {
    "mrd_status": frozenset({"mrd", "mrd_positive", "mrd_negative", "mrd_method"}),
    "ph_status": frozenset({"ph_positive", "ph_negative", "ph_status"}),
    "lineage": frozenset({"b_lineage", "t_lineage"}),
}
#: A "level" from this percentage up is a share of patients, not an MRD level (MRD is read at 0.001-0.1 %).
SHARE_FROM = 1.0
#: Concepts two claims must share besides the key to be statements about the same thing.
MIN_SHARED = 2
#: The stances that say whether a treatment worked (their polarity is the claim vocabulary's).
EFFECTS = frozenset({"effective", "ineffective"})
#: Words that make a sentence a comparison of two sides.
_COMPARING = frozenset({"than", "versus", "vs", "vs.", "compared"})
#: Concepts too general to tie two statements together.
#: (and what kind of thing is said: one shared "outcome" made a trial's MRD-negative arm the source of "78% reached a
#: complete MRD response" in another trial, heldout24 c056)
_GENERAL = frozenset({"guideline", "all", "population_age", "remission", "chemotherapy", "outcome", "property",
                      "change"})


def _anchors(claim: Claim) -> frozenset[str]:
    named = set(claim.concepts) | set(claim.interventions)
    for concepts in KEYS.values():
        named -= concepts
    return frozenset(named - _GENERAL)


@lru_cache(maxsize=512)
def _source_claims(text: str) -> tuple[tuple[Claim, frozenset[str]], ...]:
    """Each claim of a source's sentences, with its anchors."""
    return tuple((c, _anchors(c)) for s in chunk_sentences(text) for c in read_claims(s))


def _value(claim: Claim, key: str) -> str | None:
    """The claim's own value for `key`; an MRD status read off a percentage ("52.6% were MRD-negative", "21%
    MRD-triggered": a share of patients, not an MRD level) is not one; "MRD-positive (0.01% or more)" is."""
    value = claim.own_population.get(key)
    level = claim.own_population.get("mrd_level_pct")
    if not isinstance(value, str) or (key == "mrd_status" and isinstance(level, float) and level >= SHARE_FROM):
        return None
    return value


def _restated_values(claim: Claim, key: str, sources: Sequence[Chunk]) -> set[str]:
    """The values of `key` in the source claims sharing the most of the claim's anchors."""
    mine = _anchors(claim)
    best, values = MIN_SHARED - 1, set()
    for chunk in sources:
        for theirs, anchors in _source_claims(chunk.text):
            value = _value(theirs, key)
            if value is None:
                continue
            shared = len(mine & anchors)
            if shared > best:
                best, values = shared, {value}
            elif shared == best:
                values.add(value)
    return values


def _subject(claim: Claim) -> str | None:
    """The treatment an effect is said of: the first one named that is not what it is compared with."""
    return next((c for c in claim.interventions if c not in claim.contrasted), None)


def _effects(sentence: str) -> list[tuple[str, int]]:
    """(treatment, polarity) of each effect the sentence states outright: not hedged, not a comparison."""
    if frozenset(tokens(sentence.lower())) & _COMPARING:
        return []
    return [(subject, c.polarity) for c in read_claims(sentence)
            if c.stance in EFFECTS and not (c.hedged or c.contrasted) and (subject := _subject(c)) is not None]


@lru_cache(maxsize=512)
def _source_effects(text: str) -> tuple[tuple[str, int], ...]:
    """(treatment, polarity) of each effect a source's sentences state."""
    return tuple(e for s in chunk_sentences(text) for e in _effects(s))


def reversed_effects(sentence_body: str, chunks: Sequence[Chunk]) -> set[str]:
    """Effects the sentence states the other way round from its cited trial source ("allo_hsct ineffective (the
    source: effective)")."""
    sources = [c for c in chunks if c.tier == "evidence"]
    out: set[str] = set()
    for subject, polarity in _effects(sentence_body) if sources else ():
        said = {p for ch in sources for s, p in _source_effects(ch.text) if s == subject}
        if said and polarity not in said:
            out.add(f"{subject} {'effective' if polarity > 0 else 'ineffective'} (the source: the opposite)")
    return out


def reversed_groups(sentence_body: str, chunks: Sequence[Chunk], facts: PatientFacts) -> set[str]:
    """What the sentence says of another group than its cited trial source does ("mrd_status positive (the source:
    negative)"); empty when nothing is reversed."""
    sources = [c for c in chunks if c.tier == "evidence"]
    if not sources:
        return set()
    out: set[str] = set()
    claims = read_claims(sentence_body)
    # (a sentence naming both groups of a key sets one against the other: that key is not compared)
    keys = [k for k in KEYS if len({_value(c, k) for c in claims} - {None}) == 1]
    for claim in claims:
        for key in keys:
            value = _value(claim, key)
            if value is None or value == getattr(facts, key, None):
                continue
            theirs = _restated_values(claim, key, sources)
            if theirs and value not in theirs:
                out.add(f"{key} {value} (the source: {', '.join(sorted(theirs))})")
    return out


@lru_cache(maxsize=1)
def _directions() -> tuple[tuple[int, tuple[tuple[str, ...], ...]], ...]:
    """(direction, phrases as tokens) of claims.yaml `risk_directions`: same 0 and down -1 before up +1."""
    data = lexicon_file(LEXICON_DIR, "claims.yaml")["risk_directions"]
    return tuple((d, tuple(tuple(tokens(p.lower())) for p in data[k])) for k, d in (("same", 0), ("down", -1),
                                                                                   ("up", 1)))


@lru_cache(maxsize=1)
def _risk_nouns() -> frozenset[str]:
    """claims.yaml `risk_nouns`: the words that make a direction a risk's or a rate's."""
    return frozenset(lexicon_file(LEXICON_DIR, "claims.yaml")["risk_nouns"])


def _direction(sentence: str) -> int | None:
    """Which way the sentence says a risk moves (+1 up, 0 not at all, -1 down); None for none or for two."""
    toks = tokens(sentence.lower())
    found: set[int] = set()
    taken: set[int] = set()
    for d, phrases in _directions():
        for p in phrases:
            for i in range(len(toks) - len(p) + 1):
                if tuple(toks[i:i + len(p)]) == p and not taken & set(range(i, i + len(p))):
                    found.add(d)
                    taken |= set(range(i, i + len(p)))
    return found.pop() if len(found) == 1 else None


def _treatments(sentence: str) -> frozenset[str]:
    lex = load_lexicon()
    return frozenset(c for c in concept_ids(sentence.lower()) if c in lex.concepts
                     and lex.concepts[c].kind in TREATMENT_KINDS and not lex.concepts[c].generic)


@lru_cache(maxsize=4096)
def _risk_claim(sentence: str) -> tuple[frozenset[str], frozenset[str], int] | None:
    """(harms, treatments, direction) of a sentence saying how a risk moves, the harms empty when it names none but
    speaks of a risk ("the extra risk does not increase when a transplant comes afterwards")."""
    direction = _direction(sentence)
    if direction is None:
        return None
    if not _risk_nouns() & set(tokens(sentence.lower())):
        return None
    harms = frozenset(harms_in(sentence))
    return harms, _treatments(sentence), direction


def reversed_risks(sentence_body: str, chunks: Sequence[Chunk]) -> set[str]:
    """A harm's risk said to move the other way than its cited source says, for the same treatments ("not increased
    when a transplant comes afterwards" where the source says it is higher when HSCT follows)."""
    mine = _risk_claim(sentence_body)
    if mine is None or not (mine[1] or mine[0]):
        return set()
    harms, treated, direction = mine
    out: set[str] = set()
    for chunk in chunks:
        for s in chunk_sentences(chunk.text):
            theirs = _risk_claim(s)
            if theirs is None or not theirs[0] or theirs[2] == direction:
                continue
            same_harm = harms & theirs[0] if harms else theirs[0]
            # the same treatments, or none named in the sentence, which then speaks of its cited trial ("severe
            # adverse events were more frequent in the high-dose arm" against "... did not differ between the two
            # methotrexate arms")
            same_treated = (len(treated & theirs[1]) >= min(2, len(treated), len(theirs[1])) and treated & theirs[1]
                            ) or ((not treated or not theirs[1]) and chunk.tier == "evidence")  # (or the trial's
            # sentence names no treatment: "the rate of severe adverse events did not differ between the two arms",
            # heldout19 w033)
            if same_harm and same_treated:
                out.add(f"{sorted(same_harm)[0]} risk {_SAID[direction]} (the source: {_SAID[theirs[2]]})")
    return out


#: How a finding names each direction.
_SAID = {1: "higher", 0: "not changed", -1: "lower"}


__all__ = ["EFFECTS", "KEYS", "MIN_SHARED", "reversed_effects", "reversed_groups", "reversed_risks"]
