"""The cue-word lists (assistant/lexicon/cues.yaml) and the test whether a text says one of them."""

from __future__ import annotations

import pytest

from assistant.compose.cues import _cues, cue, reworded_kinds, says


def test_every_cue_list_loads_lower_cased_and_non_empty() -> None:
    lists = _cues()
    assert {"status_line", "low_value", "grade_question", "ph_positive_only", "evidence_question"} <= set(lists)
    for name, terms in lists.items():
        assert terms and all(t == t.lower() and t.strip("^*") for t in terms), name


def test_an_unknown_list_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="no cue list 'nope'"):
        cue("nope")


@pytest.mark.parametrize("text,name,expected", [
    # whole words: a longer word is not the term, a "*" lets it run on
    ("Is ponatinib preferred?", "prefer_words", True),
    ("Which is the standard?", "prefer_words", False),
    ("The summary does not recommend ponatinib as the first-line TKI.", "status_line", True),
    ("Ponatinib is recommended first-line.", "status_line", False),
    ("Neither is stated as preferred.", "status_line", True),
    # one-population drugs: "bcr::abl1", "Ph+" and CAR-T spelt in their forms
    ("BCR::ABL1 transcripts rose.", "ph_positive_only", True),
    ("Ph+ ALL in older adults.", "ph_positive_only", True),
    ("Ph-negative ALL in older adults.", "ph_positive_only", False),
    ("CAR-T therapy after relapse.", "b_lineage_only", True),
    ("The cart was empty.", "b_lineage_only", True),  # (a word is a word: the lexicon layer reads meaning)
    ("Carton of samples.", "b_lineage_only", False),
    # anchored terms only at the start
    ("As a result, the rate fell.", "low_value", True),
    ("The rate fell as a result.", "low_value", False),
    ("Full text is in the evidence documents.", "low_value", True),
    ("What grade does JSH give?", "grade_question", True),
    ("What did the upgrade change?", "grade_question", False),
])
def test_says(text: str, name: str, expected: bool) -> None:
    assert says(text, name) is expected


def test_every_question_answered_in_other_words_has_both_lists() -> None:
    # a question saying asks_X is answered by lines saying reports_X: both lists exist for every X named
    kinds = cue("answered_in_other_words")
    assert "changes" in kinds
    for kind in kinds:
        assert cue(f"asks_{kind}") and cue(f"reports_{kind}"), kind



@pytest.mark.parametrize(("q", "kinds"), [
    ("What changed in the 2023 edition?", ["changes"]),
    ("Inotuzumab, then a transplant: what changed for the patient?", []),  # (no edition named: rja78 q11)
    ("Must my doctor follow the guideline?", ["binding"]),
])
def test_a_question_answered_in_other_words_needs_its_context(q: str, kinds: list[str]) -> None:
    assert reworded_kinds(q) == kinds
