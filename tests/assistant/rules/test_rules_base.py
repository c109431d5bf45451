"""Shared pieces of the rule layer (assistant/rules/base.py): the word-phrase cues read from questions.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.rules.base import Cues, _phrase_at, cue_words
from assistant.rules.logic import question_cues

_GOLD = Path(__file__).resolve().parents[3] / "evals" / "data" / "gold.jsonl"


def _every_position(cues: Cues, text: str) -> bool | None:
    """Cues.search without its first-word index: every phrase tried at every word (the reference)."""
    words = cue_words(text)
    return True if any(_phrase_at(words, i, p) for p in cues.phrases for i in range(len(words))) else None


def _all_cues() -> list[Cues]:
    c = question_cues()
    return [c["treatment_question"], c["all_options"], c["ph_compare"], *(p for _, p in c["plan_part_tokens"]),
            *c["plan_parts"]]


def test_first_word_index_answers_as_trying_every_word() -> None:
    """The real questions.yaml cues on the real gold questions: the index ("?" and "treat*" first words tried
    everywhere) answers exactly as trying every phrase at every word."""
    questions = [json.loads(line)["question"] for line in _GOLD.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    hits = 0
    for cues in _all_cues():
        for q in questions:
            assert cues.search(q) == _every_position(cues, q), q
            hits += cues.search(q) is True
    assert hits > 50


@pytest.mark.parametrize(("phrases", "text", "hit"), [
    (["? options"], "What are the salvage options?", True),
    (["treat* plan"], "the treatment plan", True),
    (["treat* plan"], "pretreatment plan", None),
    (["first line"], "first-line therapy", None),
    (["first-line"], "first-line therapy", True),
    (["all ? options"], "elderly ph_neg all, what options?", None),
])
def test_loose_and_indexed_phrases(phrases: list[str], text: str, hit: bool | None) -> None:
    assert Cues(phrases).search(text) is hit


def test_parsed_lines_are_shared_but_the_list_is_the_callers() -> None:
    from assistant.rules.base import parse_lines

    text = "- Ph+ ALL: a TKI with chemotherapy.[1] Then transplant.[2]\n\n_A note._"
    a, b = parse_lines(text), parse_lines(text)
    assert a == b and a is not b and a[0] is b[0]
    a.pop()
    assert len(parse_lines(text)) == 3
    assert [s.markers for s in a[0].sentences] == [[1], [2]]
