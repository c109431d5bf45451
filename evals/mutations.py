"""Mutation tests of the rule layer: corrupt correct answers on purpose and see whether `check` catches it.

Each mutation kind is a pure function `(draft, pool) -> Mutant | None` that changes ONE fact sentence (or its
citation); None means the kind does not apply to this answer (nothing to change). A mutant is *caught* when the
checked verdict is "refused", or when the verdict is not "pass" and the mutated unit is gone from the repaired
draft (the sentence text no longer appears; for citation mutations, no sentence with that text still cites the
planted chunk / still lacks a citation).

Kinds: swap_target (CD19<->CD22), threshold (0.01% -> 0.1%, 10^-4 -> 10^-3, 5 years -> 2 years, 25 -> 35),
negate (recommends <-> does not recommend), age_band (65 or older -> 40 to 64, AYA -> 65 or older, ...),
drop_citation, wrong_chunk (cite a chunk of another section), evidence_as_rec (a "recommended" sentence citing an
evidence chunk), invented_cq ("(CQ 3)"), insert_dose ("at 140 mg daily").

Example:
    >>> from assistant.rules import Draft
    >>> m = negate(Draft(answer="- The guideline recommends X.[1]"), [])
    >>> m.draft.answer
    '- The guideline does not recommend X.[1]'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict

from assistant.models import Chunk, Citation, PatientFacts
from assistant.rules import Draft, check
from assistant.rules.base import Sentence, parse_lines, strip_lead
from assistant.text import split_sentences


class Mutant(BaseModel):
    """A mutated draft plus what to look for afterwards."""

    model_config = ConfigDict(frozen=True)

    kind: str
    draft: Draft
    pool: list[Chunk]
    original: str  # body of the sentence before mutation
    mutated: str  # body of the sentence after mutation
    planted_chunk: str | None = None  # wrong_chunk / evidence_as_rec: the chunk the sentence now cites
    drop_marker: bool = False  # drop_citation


Mutator = Callable[[Draft, Sequence[Chunk]], "Mutant | None"]


# -------------------------------------------------------------------------------------------- helpers


def _fact_sentences(draft: Draft) -> list[Sentence]:
    return [s for line in parse_lines(draft.answer) for s in line.sentences if s.is_fact and s.markers]


def _replace_sentence(draft: Draft, s: Sentence, new_raw: str) -> str:
    lines = draft.answer.splitlines()
    line = lines[s.line]
    assert s.raw in line
    lines[s.line] = line.replace(s.raw, new_raw, 1)
    return "\n".join(lines)


def _body_with_markers(body: str, markers: Sequence[int]) -> str:
    return body + "".join(f"[{m}]" for m in markers)


def _text_mutation(kind: str, draft: Draft, pool: Sequence[Chunk],
                   edit: Callable[[str], str | None]) -> Mutant | None:
    """Apply `edit` to the first fact sentence it changes; keep markers and citations."""
    for s in _fact_sentences(draft):
        lead_m = re.match(r"^\*\*[^*]+\*\*:?\s*", s.body)
        lead = lead_m.group(0) if lead_m else ""
        core = s.body[len(lead):]
        new_core = edit(core)
        if new_core is None or new_core == core:
            continue
        new_body = lead + new_core
        answer = _replace_sentence(draft, s, _body_with_markers(new_body, s.markers))
        if answer == draft.answer:
            continue
        return Mutant(kind=kind, draft=Draft(answer=answer, citations=list(draft.citations)), pool=list(pool),
                      original=s.body, mutated=new_body)
    return None


def _sub_first(pairs: Sequence[tuple[str, str]]) -> Callable[[str], str | None]:
    """An edit that applies the first (regex, replacement) pair that matches."""

    def edit(text: str) -> str | None:
        for pat, rep in pairs:
            new, n = re.subn(pat, rep, text, count=1)
            if n:
                return new
        return None

    return edit


# -------------------------------------------------------------------------------------------- text mutations


_TARGETED_DRUG = re.compile(r"blinatumomab|inotuzumab|tisagenlecleucel|CAR[ -]?T|brexucabtagene", re.IGNORECASE)


def _swap_cd(text: str) -> str | None:
    # Only where a CD antigen is tied to a targeted drug ("CD19 or CD22 expression" alone is symmetric).
    if not re.search(r"CD19|CD22", text) or not _TARGETED_DRUG.search(text):
        return None
    return re.sub(r"CD(19|22)", lambda m: "CD22" if m.group(1) == "19" else "CD19", text)


def swap_target(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
    """Swap CD19 and CD22 in one sentence."""
    return _text_mutation("swap_target", draft, pool, _swap_cd)


#: Families of threshold edits; every pattern of the first family that matches is applied, so "0.01% (10^-4)"
#: becomes "0.1% (10^-3)" coherently.
THRESHOLD_FAMILIES: tuple[tuple[tuple[str, str], ...], ...] = (
    ((r"0\.01%", "0.1%"), (r"10\^-4", "10^-3")),
    ((r"\b5 years\b", "2 years"), (r"\b5-year\b", "2-year")),
    ((r"\bunder 25\b", "under 35"), (r"\b25 or younger\b", "35 or younger"), (r"\b25 years\b", "35 years")),
    ((r"0\.1%", "1%"), (r"10\^-3", "10^-2")),
)


def _threshold_edit(text: str) -> str | None:
    for family in THRESHOLD_FAMILIES:
        new = text
        for pat, rep in family:
            new = re.sub(pat, rep, new)
        if new != text:
            return new
    return None


def threshold(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
    """Change a clinical threshold (MRD level, maintenance years, CAR-T age limit)."""
    return _text_mutation("threshold", draft, pool, _threshold_edit)


def _negate(text: str) -> str | None:
    for pat, rep in (
        (r"\bdoes not recommend\b", "recommends"),
        (r"\bis not recommended\b", "is recommended"),
        (r"\bnot recommended\b", "recommended"),
        (r"\brecommends\b", "does not recommend"),
        (r"\bis recommended\b", "is not recommended"),
        (r"\blists\b", "does not list"),
        (r"\bregards\b", "does not regard"),
        (r"\bcan be considered\b", "should not be considered"),
        (r"\bis not (a treatment|an option|required|a first-line|listed|part|mandatory)\b", r"is \1"),
        (r"\bis an option\b", "is not an option"),
        (r"\bis listed\b", "is not listed"),
    ):
        new, n = re.subn(pat, rep, text, count=1)
        if n:
            return new
    return None


def negate(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
    """Negate a recommendation ("recommends" -> "does not recommend" and back)."""
    return _text_mutation("negate", draft, pool, _negate)


AGE_PAIRS: tuple[tuple[str, str], ...] = (
    (r"\baged 65 or older\b", "aged 40 to 64"),
    (r"\b65 or older\b", "40 to 64"),
    (r"\baged 40 to 64\b", "aged 65 or older"),
    (r"\b40 to 64\b", "65 or older"),
    (r"\badolescents and young adults \(AYA\)", "adults aged 65 or older"),
    (r"\bAYA patients\b", "patients aged 65 or older"),
    (r"\byoung patients\b", "patients aged 65 or older"),
    (r"\b15 to 39\b", "40 to 64"),
    (r"\byounger than 65\b", "aged 65 or older"),
)


def age_band(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
    """Move an age band across the 40/65 boundaries."""
    return _text_mutation("age_band", draft, pool, _sub_first(AGE_PAIRS))


def invented_cq(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
    """Insert an invented CQ number before the sentence's final stop."""
    return _text_mutation("invented_cq", draft, pool, lambda t: re.sub(r"\.?$", " (CQ 3).", t.rstrip(), count=1))


def insert_dose(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
    """Insert a dose into the sentence."""
    return _text_mutation("insert_dose", draft, pool, lambda t: re.sub(r"\.?$", " at 140 mg daily.", t.rstrip(),
                                                                       count=1))


# -------------------------------------------------------------------------------------------- citation mutations


def drop_citation(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
    """Remove every marker from the first cited fact sentence."""
    for s in _fact_sentences(draft):
        answer = _replace_sentence(draft, s, s.body)
        if answer != draft.answer:
            return Mutant(kind="drop_citation", draft=Draft(answer=answer, citations=list(draft.citations)),
                          pool=list(pool), original=s.body, mutated=s.body, drop_marker=True)
    return None


def _first_sentence(chunk: Chunk) -> str:
    for s in split_sentences(chunk.text):
        if s in chunk.text and len(s.split()) >= 6:
            return s
    return chunk.text.strip()


def _retarget(kind: str, draft: Draft, pool: Sequence[Chunk], s: Sentence, chunk: Chunk,
              new_body: str | None = None) -> Mutant:
    marker = max((c.marker for c in draft.citations), default=0) + 1
    cit = Citation(marker=marker, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, section_id=chunk.section_id,
                   section_title=chunk.section_title, tier=chunk.tier, source=chunk.source, page=chunk.page,
                   quote=_first_sentence(chunk))
    body = new_body if new_body is not None else s.body
    answer = _replace_sentence(draft, s, _body_with_markers(body, [marker]))
    new_pool = list(pool) + ([chunk] if all(c.chunk_id != chunk.chunk_id for c in pool) else [])
    return Mutant(kind=kind, draft=Draft(answer=answer, citations=[*draft.citations, cit]), pool=new_pool,
                  original=s.body, mutated=body, planted_chunk=chunk.chunk_id)


_WORD = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")


def _overlap(a: str, b: str) -> float:
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(wa & wb) / (len(wa | wb) or 1)


def _restates(chunk: Chunk, sentence: str, share: float = 0.6) -> bool:
    """A sentence of the chunk shares most of its words with `sentence` (the same recommendation in other words)."""
    return any(_overlap(sentence, line) >= share for line in chunk.text.splitlines() if line.strip())


def make_wrong_chunk(candidates: Sequence[Chunk]) -> Mutator:
    """Point the first cited sentence at a chunk of another section: among the pool's chunks of other sections
    (else the whole index) that hold no sentence restating it, the one with the lowest word overlap with the sentence
    (ties: first in order).

    "Wrong" means off-topic: a neighbouring chunk that restates the same recommendation (several sections repeat
    each other, and a summary section restates them all in one chunk) would not be a wrong citation, so the least
    related chunk of the pool that does not restate it is planted.
    """

    def wrong_chunk(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
        by_marker = {c.marker: c for c in draft.citations}
        for s in _fact_sentences(draft):
            cited = {by_marker[m].section_id for m in s.markers if m in by_marker}
            if not cited:
                continue
            others = [c for c in pool if c.section_id not in cited and not _restates(c, s.body)] or [
                c for c in candidates if c.section_id not in cited and not _restates(c, s.body)]
            if not others:
                continue
            chunk = min(others, key=lambda c: _overlap(s.body, c.text))
            return _retarget("wrong_chunk", draft, pool, s, chunk)
        return None

    return wrong_chunk


def make_evidence_as_rec(candidates: Sequence[Chunk]) -> Mutator:
    """Turn a sentence into a "recommended" claim citing only an evidence-tier chunk.

    Prefers a sentence that already cites evidence (rewritten as a recommendation); otherwise the first guideline
    sentence is re-cited to the first evidence chunk of the pool (or of the index).
    """

    def evidence_as_rec(draft: Draft, pool: Sequence[Chunk]) -> Mutant | None:
        by_marker = {c.marker: c for c in draft.citations}
        sents = _fact_sentences(draft)
        evid_chunks = [c for c in [*pool, *candidates] if c.tier == "evidence"]
        if not sents or not evid_chunks:
            return None
        for s in sents:
            cits = [by_marker[m] for m in s.markers if m in by_marker]
            if cits and all(c.tier == "evidence" for c in cits):
                chunk = next((c for c in evid_chunks if c.chunk_id == cits[0].chunk_id), evid_chunks[0])
                core = strip_lead(s.body).rstrip(".")
                return _retarget("evidence_as_rec", draft, pool, s, chunk,
                                 f"The JSH 2023 guideline recommends this approach: {core}.")
        s = sents[0]
        core = strip_lead(s.body).rstrip(".")
        body = core if _has_rec(core) else f"{core}, and this is recommended"
        return _retarget("evidence_as_rec", draft, pool, s, evid_chunks[0], body + ".")

    return evidence_as_rec


def _has_rec(text: str) -> bool:
    return bool(re.search(r"\brecommend", text, re.IGNORECASE))


KINDS: tuple[str, ...] = ("swap_target", "threshold", "negate", "age_band", "drop_citation", "wrong_chunk",
                          "evidence_as_rec", "invented_cq", "insert_dose")


def mutators(index_chunks: Sequence[Chunk]) -> dict[str, Mutator]:
    """All mutation kinds; citation mutations draw replacement chunks from `index_chunks` (sorted by id)."""
    cands = sorted(index_chunks, key=lambda c: c.chunk_id)
    return {
        "swap_target": swap_target, "threshold": threshold, "negate": negate, "age_band": age_band,
        "drop_citation": drop_citation, "wrong_chunk": make_wrong_chunk(cands),
        "evidence_as_rec": make_evidence_as_rec(cands), "invented_cq": invented_cq, "insert_dose": insert_dose,
    }


# -------------------------------------------------------------------------------------------- judging


def caught(mutant: Mutant, verdict: str, repaired: Draft) -> bool:
    """Was the mutation caught? (see module docstring)"""
    if verdict == "refused":
        return True
    if verdict == "pass":
        return False
    by_marker = {c.marker: c for c in repaired.citations}
    for line in parse_lines(repaired.answer):
        for s in line.sentences:
            if s.body.strip() != mutant.mutated.strip():
                continue
            if mutant.planted_chunk is not None:
                if any(by_marker[m].chunk_id == mutant.planted_chunk for m in s.markers if m in by_marker):
                    return False
                continue
            if mutant.drop_marker:
                if not s.markers:
                    return False
                continue
            return False
    return True


def run_mutant(question: str, facts: PatientFacts, mutant: Mutant) -> dict[str, object]:
    """Check one mutant; returns kind, caught, verdict and the rule ids found."""
    result = check(question, facts, mutant.draft, mutant.pool)
    return {
        "kind": mutant.kind,
        "caught": caught(mutant, result.verdict, result.draft),
        "verdict": result.verdict,
        "rule_ids": sorted({f.rule_id for f in result.findings}),
        "original": mutant.original,
        "mutated": mutant.mutated,
    }


def false_alarm(question: str, facts: PatientFacts, draft: Draft, pool: Sequence[Chunk]) -> dict[str, object]:
    """Re-check an unmutated correct answer: a block finding is a false alarm."""
    result = check(question, facts, draft, pool)
    blocks = sorted({f.rule_id for f in result.findings if f.severity == "block"})
    return {"false_alarm": bool(blocks), "rule_ids": blocks, "verdict": result.verdict}


__all__ = [
    "KINDS",
    "Mutant",
    "age_band",
    "caught",
    "drop_citation",
    "false_alarm",
    "insert_dose",
    "invented_cq",
    "make_evidence_as_rec",
    "make_wrong_chunk",
    "mutators",
    "negate",
    "run_mutant",
    "swap_target",
    "threshold",
]
