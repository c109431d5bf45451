"""The facts reader's fast paths read exactly what the full readers read, on every sentence of the corpus, every
recorded answer and question, and on texts made to probe them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.concepts import load_lexicon, quantities, tokens
from assistant.facts import (
    _age_candidates,
    _age_ranges,
    _find_cues,
    _has_short_number,
    _normalise,
    _read_age,
    _tki_mentions,
)
from assistant.text import split_sentences

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def _texts() -> tuple[str, ...]:
    out: list[str] = []
    for f in sorted((ROOT / "corpus").iterdir()):
        if f.suffix in (".md", ".txt"):
            out += split_sentences(f.read_text(encoding="utf-8"))
    for name in ("generated.jsonl", "generated_heldout.jsonl", "gold.jsonl", "lay.jsonl"):
        for line in (ROOT / "evals" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out += [row["question"], *split_sentences(row.get("answer") or "")]
    return tuple(dict.fromkeys(t for t in out if t.strip()))


def _old_find_cues(toks: list[str], cues: tuple[tuple[str, ...], ...]) -> list[tuple[int, tuple[str, ...]]]:
    """_find_cues as it was: every cue tried at every token."""
    out = []
    for i in range(len(toks)):
        cue = next((c for c in cues if tuple(toks[i:i + len(c)]) == c), None)
        out += [(i, cue)] if cue else []
    return out


def test_the_texts_are_many() -> None:
    assert len(_texts()) > 2500


def test_a_text_without_a_short_number_has_no_age_range_or_age() -> None:
    """_read_age skips the age readers for a text with no run of one to three digits (none, or only years like
    "2023"): every age, age range and coming age starts at one."""
    checked, years = 0, 0
    for text in _texts():
        t = _normalise(text)
        if _has_short_number(t):
            continue
        checked += 1
        years += any(map(str.isdigit, t))
        assert _age_ranges(t) == [] and _age_candidates(t) == [], text
        assert not [q for q in quantities(t) if q.kind == "age" or q.notation == "coming"], text
    assert checked > 400 and years > 150, (checked, years)


@pytest.mark.parametrize("text,short", [
    ("jsh 2023 recommends", False), ("e1910 and jsh 2023", False), ("no numbers", False),
    ("aged 65 in 2023", True), ("mrd 1,000 cells", True), ("0.01%", True), ("age 7", True),
])
def test_short_numbers(text: str, short: bool) -> None:
    assert _has_short_number(text) is short


@pytest.mark.parametrize("text,expected", [
    ("a forty-five year old woman with ph+ all", (45, "40-64")),   # number words become digits first
    ("my father, who is seventy, has relapsed b-all", (70, "65+")),
    ("in her late fifties with t-all", (None, "40-64")),           # a decade: no digit, still a band
    ("adults aged sixty-five or older", (None, "65+")),
    ("adolescents and young adults", (None, "aya")),
])
def test_ages_in_words_are_still_read(text: str, expected: tuple[object, object]) -> None:
    assert _read_age(_normalise(text)) == expected


def test_find_cues_matches_every_cue_at_every_token_on_the_texts() -> None:
    cues = load_lexicon().context.people["age_later"]
    for text in _texts():
        toks = tokens(_normalise(text))
        assert _find_cues(toks, cues) == _old_find_cues(toks, cues), text


@pytest.mark.parametrize("cues", [
    (("and", "is", "now"), ("and", "is"), ("is",)),          # longest first: the longest is reported
    (("and", "is"), ("and", "is", "now")),                   # the first in order wins, as before
    (("is",), (), ("and", "is")),                            # an empty cue stops the cues after it
    ((), ("is",)),
])
def test_find_cues_keeps_the_order_of_its_cues(cues: tuple[tuple[str, ...], ...]) -> None:
    toks = "she has relapsed and is now 44 and is well".split()
    assert _find_cues(toks, cues) == _old_find_cues(toks, cues)


def test_tki_mentions_of_compound_words() -> None:
    t = _normalise("imatinib-resistant disease, then dasatinib-based induction; no ponatinib")
    assert [c for _, _, c in _tki_mentions(t)] == ["imatinib", "imatinib", "dasatinib", "dasatinib", "ponatinib"] or \
        {c for _, _, c in _tki_mentions(t)} == {"imatinib", "dasatinib", "ponatinib"}


def test_the_tki_gate_skips_only_texts_whose_reading_names_no_tki() -> None:
    """The TKI readers read the normalised text's concepts only when `may_mention` says a word can name a TKI: on
    every text, a skipped reading would have found none, and many texts are skipped."""
    from assistant.concepts import may_mention, read_concepts
    from assistant.facts import _tki_ids

    ids, skipped = _tki_ids(), 0
    for text in _texts():
        t = _normalise(text)
        found = [m.concept for m in read_concepts(t).mentions if m.concept in ids]
        if not may_mention(t, ids):
            skipped += 1
            assert found == [], text
    assert skipped > 1000, skipped


@pytest.mark.parametrize("text", [
    "she is on dasatinb now",             # misspelt: the reader's correction names it
    "the leukemia pill since last year",  # the class in lay words
    "tki+steroids induction",             # a plus glued to the drug
    "my sister's imatinib",
])
def test_the_tki_gate_lets_through_every_way_of_naming_a_tki(text: str) -> None:
    from assistant.concepts import may_mention, read_concepts
    from assistant.facts import _tki_ids

    t = _normalise(text)
    named = [m.concept for m in read_concepts(t).mentions if m.concept in _tki_ids()]
    assert may_mention(t, _tki_ids()) or not named
    assert may_mention(text.lower(), _tki_ids())
