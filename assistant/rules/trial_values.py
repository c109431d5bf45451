"""A trial's values put on the wrong thing: a sentence about a trial ("JALSG ALL202-U treated 139 patients aged 15 to
39") gives a number that its cited sources give, but not for that trial (39 is the AYA definition's upper age; the
trial enrolled 15 to 24, heldout13). Reported through CIT-SUPPORT-004 like other unsupported values.

A sentence is about a trial when it names one trial near its start (`TRIAL_LEAD` words); the trial's sources are the
cited chunks that name it (text or title), and a value is the trial's where one of their sentences gives it, not
after a word that sets something else against the trial (claims.yaml `value_contrast_openers`: "ALL202-U enrolled
patients up to 24, whereas the AYA group extends to 39"). Only values some cited chunk gives count: a value no cited chunk has
is the plain support check's. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from assistant.claims import claim_vocabulary
from assistant.concepts import clauses
from assistant.models import Chunk
from assistant.text import TRIAL_RE, split_sentences, term_at, tokenize

#: How many words may come before a trial's name in a sentence about it ("In the JALSG ALL202-U trial, ...").
TRIAL_LEAD = 5

#: Names written with a year that is part of the name ("JSH 2023"), not a value.
_NAMES_WITH_YEAR = frozenset({"jsh", "who", "icc", "nccn", "eln", "edition"})

#: Names of study groups, not of one trial ("JALSG", "CALGB"): a value is not bound to a group.
_GROUPS = frozenset({"jalsg", "calgb", "gimema", "graaph", "gralla", "md", "anderson", "zuma", "ukall"})


def _trial_ids(toks: Sequence[str], text: str = "") -> list[str]:
    """The tokens naming one trial ("all202_u", "tower"; a suffix of up to two characters kept: ALL202-U, -O);
    "blast" only where the text writes BLAST in capitals (blasts are cells)."""
    return [t for t in toks if t not in _GROUPS and not t.isdigit() and (
        (m := TRIAL_RE.match(t.replace("_", "-"))) is not None and len(t) - m.end() <= 2
        or t == "blast" and term_at(text, "BLAST", fold=False) >= 0)]


@lru_cache(maxsize=4096)
def _chunk_tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text, keep_stopwords=True, fix_typos=False))


def _words(text: str) -> list[str]:
    return tokenize(text, keep_stopwords=True, fix_typos=False)


def _bound_tokens(sentence: str, *, answer: bool = False) -> list[str]:
    """The tokens of a sentence's clauses up to a word setting something else against their subject ("..., whereas
    the AYA group extends to age 39", "... and differs from the JSH 2023 threshold of 0.01%"): what the sentence
    gives as its subject's. In an answer's sentence a comparison's standard is cut off too ("ten times higher than
    the JSH 2023 threshold of 0.01%", heldout11 c048; claims.yaml `value_comparators`)."""
    voc = claim_vocabulary()
    openers = [tuple(_words(o)) for o in (*voc.value_contrast_openers, *(voc.value_comparators if answer else ()))]
    going_on = [tuple(_words(o)) for o in voc.value_contrast_continuations]
    out: list[str] = []
    for clause in clauses(sentence):
        toks = _words(clause)
        cut = next((i for i in range(len(toks)) for o in openers if tuple(toks[i:i + len(o)]) == o
                    and not any(tuple(toks[i:i + len(g)]) == g for g in going_on)), len(toks))
        out += toks[:cut]
    return out


@lru_cache(maxsize=4096)
def _own_values(text: str, trial: str | None = None) -> frozenset[str]:
    """The tokens a chunk's sentences give as their subject's (`_bound_tokens`); with `trial`, only its sentences
    naming that trial."""
    return frozenset(t for sentence in split_sentences(text)
                     if trial is None or trial in _trial_ids(_words(sentence), sentence) for t in _bound_tokens(sentence))


def misbound_trial_values(sentence_body: str, chunks: Sequence[Chunk], *,
                          given: frozenset[float] = frozenset()) -> set[str]:
    """Values of a sentence about a trial that its cited chunks give only where they do not name the trial.

    >>> trial = Chunk(chunk_id="a", doc_id="e", section_id="s", title="JALSG ALL202-U", tier="evidence", source="x",
    ...               chunk_no=0, char_start=0, char_end=1, text="ALL202-U treated 139 patients aged 15 to 24.")
    >>> aya = Chunk(chunk_id="b", doc_id="g", section_id="t", title="AYA", tier="guideline", source="x",
    ...             chunk_no=0, char_start=0, char_end=1, text="AYA means ages 15 to 39.")
    >>> misbound_trial_values("JALSG ALL202-U treated 139 patients aged 15 to 39.", [trial, aya])
    {'39 (not given for all202_u)'}
    >>> misbound_trial_values("JALSG ALL202-U treated 139 patients aged 15 to 24.", [trial, aya])
    set()
    >>> both = Chunk(chunk_id="c", doc_id="e", section_id="s", title="JALSG ALL202-U", tier="evidence", source="x",
    ...              chunk_no=1, char_start=0, char_end=1, text="It enrolled up to 24, whereas AYA extends to 39.")
    >>> misbound_trial_values("ALL202-U enrolled patients up to age 39.", [both])
    {'39 (not given for all202_u)'}
    """
    toks = tokenize(sentence_body, keep_stopwords=True, fix_typos=False)
    named = set(_trial_ids(toks, sentence_body))
    lead = _trial_ids(toks[:TRIAL_LEAD + 1], sentence_body)
    if len(named) != 1 or not lead:
        return set()
    trial = lead[0]
    named_in = [c for c in chunks if trial in _trial_ids(list(_chunk_tokens(c.text)), c.text)
                or trial in _trial_ids(list(_chunk_tokens(c.title)), c.title)]
    # (a trial's own evidence document gives it every value; a chunk of another document naming trials, such as a
    # guideline section's supporting evidence, gives one only the values of its sentences naming it: "The BLAST trial
    # found ... MRD of 10^-3 or more" beside "INO-VATE and E1910 used MRD below 0.01% (10^-4)", heldout22 w040)
    titled = [c for c in named_in if c.section_id.startswith("evidence/")
              or trial in _trial_ids(list(_chunk_tokens(c.title)), c.title)]
    named_in = [c for c in named_in if c not in titled]
    if not titled and not named_in:
        return set()
    have = set().union(*(_own_values(c.text) for c in titled), *(_own_values(c.text, trial) for c in named_in))
    elsewhere = set().union(*(_chunk_tokens(c.text) for c in chunks))
    out = set()
    bound = _bound_tokens(sentence_body, answer=True)
    start = bound.index(trial) if trial in bound else 0
    # (up to another study named after it: "ALL202-U (ages 15 to 24) reported ..., and CALGB 10403 (ages 17 to 39)
    # reported ..." gives CALGB its own values, heldout4 c033)
    end = next((k for k in range(start + 1, len(bound)) if bound[k] in _GROUPS or (
        bound[k] != trial and _trial_ids([bound[k]], sentence_body))), len(bound))
    named_after = {k + 1 for k, t in enumerate(bound[:-1]) if t in _NAMES_WITH_YEAR}  # ("JSH 2023": a name's year)
    for t in dict.fromkeys(t for k, t in enumerate(bound[:end]) if k not in named_after):
        number = t.rstrip("%").replace(".", "", 1)  # (a plain number or percentage: "39", "0.01%"; not a span,
        # "5-year", nor "10^-3"; ASCII digits only: "²" is a digit float() cannot read)
        if not (number.isascii() and number.isdigit()) or float(t.rstrip("%")) in given or t in have or (
                t not in elsewhere or t in trial):
            continue
        out.add(f"{t} (not given for {trial})")
    return out


__all__ = ["misbound_trial_values"]
