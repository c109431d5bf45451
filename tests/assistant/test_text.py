"""Text utilities (assistant/text.py): sentences under their headings, answer lines, markers, trial keys, and the
whole-word cue matcher."""

from __future__ import annotations

import pytest

from assistant.text import (
    after_number,
    first_of,
    first_word,
    has_any,
    headed_sentences,
    split_answer_sentences,
    strip_markers,
    term_at,
    trial_keys,
)


def test_headed_sentences_keep_paragraphs_and_headings_apart() -> None:
    text = "Intro line one.\n\n# Results\nCR was 80%.\nOS was 7 months.\n\n   \nLast. Para.\n## Notes\nA note."
    assert headed_sentences(text, "Doc") == (
        ("Doc", "Intro line one."), ("Results", "CR was 80%."), ("Results", "OS was 7 months."),
        ("Results", "Last."),
        ("Results", "Para."), ("Notes", "A note."))


def test_answer_lines_lose_bullets_and_keep_markers() -> None:
    assert split_answer_sentences("- TKI is recommended.[1] Then HSCT.[2]\n12. Done.[3]\n## Head") == [
        "TKI is recommended.[1]", "Then HSCT.[2]", "Done.[3]", "Head"]
    assert strip_markers("Done .[2][2]") == ("Done.", [2])


def test_trial_keys_are_trials_not_genes_or_years() -> None:
    assert trial_keys("JALSG ALL202-O and TOWER, CD19, T315I, in 2023") == {"all202_o", "tower"}


@pytest.mark.parametrize("text,term,at", [
    ("Is it preferred?", "prefer*", 6), ("Is it preferred?", "prefer", -1), ("a cr1 b", "cr1", 2),
    ("cr12", "cr1", -1), ("xcorpusx", "*corpus*", 1), ("As a result", "^as a result", 0),
    ("So, as a result", "^as a result", -1), ("Ph+ ALL", "ph+*", 0),
])
def test_term_at(text: str, term: str, at: int) -> None:
    assert term_at(text, term) == at


def test_cue_helpers() -> None:
    assert has_any("No JSH recommendation grade exists.", ("no recommendation grade", "no jsh"))
    assert first_of("AYA are conventionally defined as 15-39", ("defined", "conventionally")) == (8, 22)
    assert first_word(" -- Why?") == "why" and first_word("") == ""
    assert after_number("OS 7.7 months", "*months") and not after_number("for months", "*months")
    assert after_number("2years", "*years", bounded=True) and not after_number("x2 years", "*years", bounded=True)
