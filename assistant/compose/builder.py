"""The answer being built: cited lines and notes in order, numbered citations, the findings the composers
raise, and the line budget."""

from __future__ import annotations

from typing import Any

from assistant.claims import read_claims
from assistant.compose.sentences import (
    COMPARED_LEAD,
    CONTEXT_LEAD,
    EVIDENCE_LEAD,
    _near_duplicate,
    _reports_study,
    is_trial_sentence,
)
from assistant.models import Chunk, Citation, RuleFinding
from assistant.rules import Draft
from assistant.rules.toxicity import harms_in
from assistant.text import chunk_sentences, first_word, names_trial, tokenize

__all__ = ["Builder", "lead_for"]

#: The first words of a line that points back at the sentence before it.
_POINTING_BACK = frozenset({"these", "those", "such"})


def _claim_keys(sentence: str) -> frozenset[tuple[Any, ...]]:
    """What a line claims, as (treatments, stance, population, qualifiers, the harms it names, whether it speaks of
    stopping) of each claim with a stance and a treatment: two lines with the same claims say the same thing,
    however worded (not two lines on two harms of one drug: CRS signs and neurological signs to report; nor "continue
    the TKI for at least 5 years" and "stopping it before 5 years goes against that")."""
    harms = tuple(sorted(harms_in(sentence)))
    return frozenset((c.interventions, c.stance, tuple(sorted((k, str(v)) for k, v in c.population.items())),
                      tuple(sorted((q.kind, q.value) for q in c.qualifiers)), harms, c.stopping)
                     for c in read_claims(sentence) if c.stance and c.interventions)


#: the sources a line can set beside the JSH 2023 summary (claims' attribution)
_OTHER_SOURCES = frozenset({"label", "other_guideline"})


def compares_jsh(sentence: str) -> bool:
    """The line states what the JSH 2023 summary says and, in another clause, what a label or another guideline
    says: one claim voiced by JSH alone, another by the other source."""
    voices = [c.attribution for c in read_claims(sentence)]
    return (any("jsh" in v and not v - {"jsh", "corpus"} for v in voices)
            and any(v & _OTHER_SOURCES and "jsh" not in v for v in voices))


def lead_for(tier: str) -> str:
    """The label a line from a chunk of this tier carries (none for a guideline line)."""
    return {"evidence": EVIDENCE_LEAD, "context": CONTEXT_LEAD}.get(tier, "")


class Builder:
    """Collects cited sentences and numbers the citations; `max_sentences` is the answer's line budget."""

    def __init__(self, max_sentences: int) -> None:
        self.max_sentences = max_sentences
        self.findings: list[RuleFinding] = []
        self.citations: list[Citation] = []
        self.lines: list[tuple[str, str]] = []  # (kind, text)
        self.used: set[str] = set()
        self._markers: dict[tuple[str, str], int] = {}
        self._tokens: list[tuple[str, frozenset[str]]] = []  # (chunk_id, tokens) of each line
        self._claims: list[frozenset[tuple[Any, ...]]] = []  # the claims each line makes (`_claim_keys`)
        #: statements of guideline rules the plan did not choose: no composer but the rules' may quote them (the
        #: rule selection decides which rules an answer states, so paraphrases state the same ones)
        self.unchosen: frozenset[str] = frozenset()

    def cite(self, chunk: Chunk, quote: str) -> int:
        key = (chunk.chunk_id, quote)
        if key not in self._markers:
            self._markers[key] = len(self.citations) + 1
            self.citations.append(Citation.from_chunk(chunk, marker=self._markers[key], quote=quote))
        return self._markers[key]

    def add(self, kind: str, sentence: str, chunk: Chunk, *, lead: str = "", asked: bool = False) -> bool:
        """Add a cited line; False when it is already said, or states a rule the plan did not choose (unless it
        is `asked`: the line for a part or a subject the question names)."""
        norm = sentence.strip()
        if kind != "rule" and not lead and chunk.tier == "guideline" and is_trial_sentence(norm, chunk):
            kind, lead = "evidence", EVIDENCE_LEAD  # a trial result quoted from a guideline document is evidence
        elif lead == EVIDENCE_LEAD and not _reports_study(norm) and not names_trial(norm):
            lead = CONTEXT_LEAD  # a trial document's remark on practice ("in Japan the TKI also depends on insurance
            # approval") reports no trial: it is context, not trial data
        if lead == CONTEXT_LEAD and compares_jsh(norm):
            lead = COMPARED_LEAD
        if norm in self.used or (kind not in ("rule", "status") and not asked and norm in self.unchosen):
            return False
        if self._orphan(norm, chunk):
            return False
        toks = frozenset(tokenize(norm))
        if kind != "rule" and any(_near_duplicate(toks, t) for cid, t in self._tokens if cid != chunk.chunk_id):
            return False  # the same fact again, from another document: say it once (one chunk's lines are distinct)
        if kind != "rule" and any(toks <= t for _, t in self._tokens):
            return False  # (its words all said in a line before, of any chunk: "the age limit is under 25" after
            # "the age limit is under 25, whereas the label allows 25 or younger", r56 k08)
        claims = _claim_keys(norm) if chunk.tier != "evidence" else frozenset()  # (trial results: their numbers)
        if kind != "rule" and claims and any(claims <= said for said in self._claims):
            return False  # the same claims in other words ("cranial irradiation: an option for high-risk adults, not
            # mandatory" after "not required for every adult; an option for high-risk patients")
        self.used.add(norm)
        self._tokens.append((chunk.chunk_id, toks))
        self._claims.append(claims)
        marker = self.cite(chunk, norm)
        body = norm if norm.endswith((".", "!", "?")) else norm + "."
        self.lines.append((kind, f"{lead} {body}[{marker}]".strip()))
        return True

    def _orphan(self, sentence: str, chunk: Chunk) -> bool:
        """ "These JALSG ALL202-O doses describe the trial arms only ...": a line that points back at the sentence
        before it in its chunk (it opens with "these", "those" or "such") says nothing without it."""
        if first_word(sentence) not in _POINTING_BACK:
            return False
        said = chunk_sentences(chunk.text)
        at = said.index(sentence) if sentence in said else -1
        return at <= 0 or not any(said[at - 1] in text for _, text in self.lines)

    def note(self, text: str) -> None:
        self.lines.append(("note", text))

    def notes_starting(self, mark: str) -> list[str]:
        """The notes so far that begin with `mark` (a rule's plain line: `PLAIN_MARK`)."""
        return [t for k, t in self.lines if k == "note" and t.startswith(mark)]

    def finding(self, finding: RuleFinding) -> None:
        self.findings.append(finding)

    def full(self, spare: int = 0) -> bool:
        """The answer has `max_sentences - spare` cited lines or more."""
        return self.count() >= self.max_sentences - spare

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

