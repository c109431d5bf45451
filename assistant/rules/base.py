"""Shared pieces of the rule layer: the draft being checked, its parsed sentences, and issues with repairs.

Everything here is pure: no I/O, no model, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Chunk, Citation, RuleFinding
from assistant.text import names_trial, split_answer_sentences, strip_markers

Action = Literal["none", "drop", "replace", "fix_quote", "drop_markers"]


class Draft(BaseModel):
    """An answer before (or after) checking: Markdown text with markers, and the citations they point to."""

    model_config = ConfigDict(frozen=True)

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    said: str = Field(default="", description="Everything the asker wrote (the question and earlier turns): its "
                                              "numbers are the patient's own, which an answer may repeat unsourced")

    def citation(self, marker: int) -> Citation | None:
        for c in self.citations:
            if c.marker == marker:
                return c
        return None


class Replacement(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    chunk: Chunk
    quote: str


class Issue(BaseModel):
    """A finding plus where it is and how to repair it."""

    model_config = ConfigDict(frozen=True)

    finding: RuleFinding
    line: int | None = None
    sentence: int | None = None
    action: Action = "none"
    replacement: Replacement | None = None
    markers: list[int] = Field(default_factory=list, description="Markers affected (drop_markers, fix_quote)")


class Sentence(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: int
    index: int
    raw: str
    body: str
    markers: list[int]
    is_fact: bool


class Line(BaseModel):
    model_config = ConfigDict(frozen=True)

    prefix: str
    sentences: list[Sentence]
    raw: str


_PREFIX_RE = re.compile(r"^(\s*(?:[-*+]\s+|\d+\.\s+|#+\s+)?)")
_NOTE_RE = re.compile(r"^\s*(?:_.*_|\*[^*].*\*|>.*|\*\*[^*]+\*\*:?)\s*$")


def is_note(text: str) -> bool:
    """Italic notes, quotes and bold labels are framing, not fact statements."""
    return bool(_NOTE_RE.match(text.strip()))


def parse_lines(answer: str) -> list[Line]:
    """Parse a Markdown answer into lines of sentences, each with its markers (memoised: every checker of every
    round reads the same draft; the lines are frozen)."""
    return list(_parse_lines(answer))


@lru_cache(maxsize=512)
def _parse_lines(answer: str) -> tuple[Line, ...]:
    lines: list[Line] = []
    for li, raw in enumerate(answer.splitlines()):
        if not raw.strip():
            lines.append(Line(prefix="", sentences=[], raw=raw))
            continue
        prefix = _PREFIX_RE.match(raw).group(1)  # type: ignore[union-attr]
        body_line = raw[len(prefix) :]
        sents: list[Sentence] = []
        if is_note(body_line):
            sents.append(Sentence(line=li, index=0, raw=body_line.strip(), body=body_line.strip(), markers=[],
                                  is_fact=False))
        else:
            for si, s in enumerate(split_answer_sentences(body_line)):
                body, markers = strip_markers(s)
                fact = not is_note(body) and not body.endswith("?") and bool(re.search(r"[A-Za-z]{3}", body))
                # A bold lead-in such as "**Evidence:**" at the start is framing; the rest is the fact.
                sents.append(Sentence(line=li, index=si, raw=s, body=body, markers=markers, is_fact=fact))
        lines.append(Line(prefix=prefix, sentences=sents, raw=raw))
    return tuple(lines)


def sentences(answer: str) -> list[Sentence]:
    return [s for line in parse_lines(answer) for s in line.sentences]


def fact_sentences(answer: str) -> list[Sentence]:
    return [s for s in sentences(answer) if s.is_fact]


def chunks_by_id(retrieved: Sequence[Chunk]) -> dict[str, Chunk]:
    return {c.chunk_id: c for c in retrieved}


def cited_chunks(sentence: Sentence, draft: Draft, retrieved: Sequence[Chunk]) -> list[Chunk]:
    by_id = chunks_by_id(retrieved)
    out: list[Chunk] = []
    for m in sentence.markers:
        cit = draft.citation(m)
        if cit is not None and cit.chunk_id in by_id:
            out.append(by_id[cit.chunk_id])
    return out


def sentence_body(sentence: str) -> str:
    """A sentence of an answer line as the checkers read it (`parse_lines`): no list bullet, no citation markers, no
    bold lead-in.

    >>> sentence_body("- **Evidence:** TKI is recommended .[1][3]")
    'TKI is recommended.'
    """
    line = sentence.strip()
    return strip_lead(strip_markers(line[len(_PREFIX_RE.match(line).group(1)):])[0])  # type: ignore[union-attr]


def strip_lead(body: str) -> str:
    """Remove a bold lead-in label ("**Evidence (trial data):** ...") before content checks; a label the content
    denies is kept as its subject ("**Standard therapy:** none established for ..." is "No standard therapy
    established for ...", heldout22 c016; "**Cranial irradiation:** not required ..." keeps what is not required).

    >>> strip_lead("**Standard therapy:** none established for Ph-negative ALL at 65 or older.")
    'No standard therapy established for Ph-negative ALL at 65 or older.'
    >>> strip_lead("**Cranial irradiation:** not required for every adult.")
    'Cranial irradiation is not required for every adult.'
    >>> strip_lead("**Evidence:** E1910 randomised patients.")
    'E1910 randomised patients.'
    >>> strip_lead("**CALGB 10403:** patients aged 17 to 39.")
    'In CALGB 10403, patients aged 17 to 39.'
    """
    m = _LEAD.match(body)
    if m is None:
        return body
    label, rest = m.group(1).strip().rstrip(":").strip(), body[m.end():]
    head = rest.split(" ", 1)
    if len(head) == 2 and label and head[0].lower() == "none":
        return f"No {label[0].lower() if label[1:2].islower() else label[0]}{label[1:]} {head[1]}"
    if len(head) == 2 and label and head[0].lower() == "not":
        return f"{label} is {rest}"
    if names_trial(label) and not names_trial(rest):  # ("**JALSG ALL202-U:** 139 patients aged 15 to 24 ...": the
        return f"In {label}, {rest}"  # trial's, heldout22 c048)
    return rest


_LEAD = re.compile(r"^\*\*([^*]+)\*\*:?\s*")


class Cues:
    """Word phrases read as data (no regular expressions): a text matches when one phrase occurs in its words.

    Words are runs of letters, digits and "_" (so "allo_hsct", "ph_pos" and "mrd" in "MRD-negative" are words, as
    a regular expression's \\w+ reads them); case is ignored. Words of a phrase follow each other with spaces
    between them ("first line"), a hyphen ("post-remission") or, after "~", anything but a word ("ph_pos ~ vs ~
    ph_neg" also reads "ph_pos vs. ph_neg"). "a|b" is a choice of words ("a|b|" may also be left out), "treat*" any
    word it begins, "?" any one word.

    >>> Cues(["how to|should|do we|i| proceed|go", "treat*"]).search("How should we go on?")
    True
    >>> Cues(["treat*"]).search("The pretreatment phase") is None
    True
    >>> Cues(["what are the|all| ? options"]).search("What are the salvage options?")
    True
    >>> Cues(["all ? options"]).search("elderly ph_neg all, what options?") is None
    True
    """

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases: tuple[tuple[tuple[str, str], ...], ...] = tuple(
            p for spec in phrases for p in _expand(_spec_words(spec.lower())))
        # the phrases by their first word, and those whose first word is "?" or "treat*" (tried at every word)
        self._by_first: dict[str, list[tuple[tuple[str, str], ...]]] = {}
        loose = []
        for p in self.phrases:
            if p[0][0] == "?" or p[0][0].endswith("*"):
                loose.append(p)
            else:
                self._by_first.setdefault(p[0][0], []).append(p)
        self._loose = tuple(loose)

    def search(self, text: str) -> bool | None:
        """True when a phrase occurs in the text, else None (a drop-in for `re.Pattern.search` in conditions)."""
        words = _cue_words(text)
        for i, (word, _) in enumerate(words):
            if any(_phrase_at(words, i, p) for p in (*self._by_first.get(word, ()), *self._loose)):
                return True
        return None


def cue_words(text: str) -> list[tuple[str, str]]:
    """The words of a text, lower case, each with what separates it from the word before: " " (white space only),
    "-" (a hyphen) or "~" (anything else; also the first word)."""
    return list(_cue_words(text))


@lru_cache(maxsize=8192)
def _cue_words(text: str) -> tuple[tuple[str, str], ...]:
    """cue_words, memoised (every cue list of the checks reads the same sentences)."""
    out: list[tuple[str, str]] = []
    word, gap, before = "", "", ""
    for ch in text.lower() + " ":
        if ch.isalnum() or ch == "_":
            if not word:
                before, gap = gap, ""
            word += ch
            continue
        if word:
            sep = "~" if not out else " " if before and before.isspace() else "-" if before == "-" else "~"
            out.append((word, sep))
            word = ""
        gap += ch
    return tuple(out)


def _spec_words(spec: str) -> list[list[tuple[str, str]]]:
    """A phrase spec as positions of (alternatives, separator before)."""
    out: list[list[tuple[str, str]]] = []
    sep = " "
    for token in spec.split():
        if token == "~":
            sep = "~"
            continue
        for k, part in enumerate(token.split("-")):
            out.append([(alt, "-" if k else sep) for alt in part.split("|")])
        sep = " "
    return out


def _expand(choices: list[list[tuple[str, str]]]) -> list[tuple[tuple[str, str], ...]]:
    """Every phrase a spec stands for: one alternative per position, "" dropped (an optional word)."""
    out: list[tuple[tuple[str, str], ...]] = [()]
    for alts in choices:
        out = [p if a == "" else (*p, (a, sep)) for p in out for a, sep in alts]
    return [p for p in out if p]


def _word_fits(word: tuple[str, str], pattern: tuple[str, str], first: bool) -> bool:
    (w, sep), (pat, want) = word, pattern
    if not first and want != "~" and sep != want:
        return False
    if pat == "?":
        return True
    if pat.endswith("*"):
        return w.startswith(pat[:-1])
    return w == pat


def _phrase_at(words: Sequence[tuple[str, str]], i: int, phrase: tuple[tuple[str, str], ...]) -> bool:
    return i + len(phrase) <= len(words) and all(
        _word_fits(words[i + k], w, k == 0) for k, w in enumerate(phrase))


#: The longest uncited opening reply ("Not routinely.", "Yes, transplant.") read as the answer's short answer.
LEAD_WORDS = 10


def lead_reply(lines: Sequence[Line], sources: Sequence[Chunk] = ()) -> Sentence | None:
    """The answer's first sentence when it is a short uncited reply that the cited sentences after it carry
    ("Not routinely. For AYA patients ... [1][2]"): not removed for want of a marker; the content checks still judge
    it like any other sentence. A longer one copied word for word from one of `sources` is a source's statement that
    lost its marker, not a reply."""
    sents = [s for line in lines for s in line.sentences if s.is_fact]
    if len(sents) < 2 or sents[0].markers or not any(s.markers for s in sents[1:]):
        return None
    words = len(sents[0].body.split())
    if words <= LEAD_WORDS:
        return sents[0]
    # a longer reply ("Yes, a change of TKI is reasonable, but it should be a later-generation one.") is one when the
    # cited sentences after it name every concept and number it names: it sums them up
    body = strip_lead(sents[0].body).strip()
    if any(body in c.text for c in sources):
        return None
    return sents[0] if words <= CARRIED_LEAD_WORDS and _carried(sents[0].body, [s.body for s in sents[1:] if s.markers]) \
        else None


#: The longest uncited opening reply whose concepts and numbers the cited sentences after it all name.
CARRIED_LEAD_WORDS = 25


def _carried(lead: str, cited: Sequence[str]) -> bool:
    from assistant.claims import numbers_in
    from assistant.concepts import concept_ids

    rest = " ".join(cited).lower()
    return concept_ids(lead.lower()) <= concept_ids(rest) and numbers_in(lead) <= numbers_in(rest)
