"""Composers for the notes around an answer (assistant/compose/notes.py)."""

from __future__ import annotations

from compose_helpers import run

from assistant.compose.notes import Disclaimer, MissingPhNote, NoRecommendation, OpeningNotes
from assistant.compose.rules import Rules
from assistant.prompts import DISCLAIMER


def test_the_given_notes_lead_in_order(make_plan) -> None:
    plan, src = make_plan("72F Ph+ ALL, what induction?", notes=("_one_", "_two_"))
    assert run([OpeningNotes()], plan, src).lines == [("note", "_one_"), ("note", "_two_")]


def test_a_missing_ph_status_is_asked_for_after_the_branches(make_plan) -> None:
    plan, src = make_plan("50 year old with newly diagnosed ALL, what induction?")
    assert run([MissingPhNote()], plan, src).lines == []  # (no cited line yet: nothing to qualify)
    b = run([Rules(), MissingPhNote()], plan, src)
    assert b.lines[-1] == ("note", "_The Ph status was not given, so each branch is shown: tell me whether the "
                                   "leukemia is Ph-positive or Ph-negative for a single answer._")


def test_a_treatment_question_nothing_answered_is_flagged(make_plan) -> None:
    plan, src = make_plan("45M Ph- B-ALL, what treatment now?")
    assert [f.rule_id for f in run([NoRecommendation()], plan, src).findings] == ["ANSWER-NOREC-042"]
    assert run([Rules(), NoRecommendation()], plan, src).findings == []


def test_the_disclaimer_ends_an_answer_with_cited_lines_only(make_plan) -> None:
    plan, src = make_plan("72F Ph+ ALL, what induction?")
    assert run([Disclaimer()], plan, src).lines == []
    assert run([Rules(), Disclaimer()], plan, src).lines[-1] == ("note", DISCLAIMER)


def test_the_missing_ph_note_claims_each_branch_only_when_both_are_shown(bot) -> None:
    """r21 g18/g44, rja15 n29, r22 h48: "each branch is shown" was said when only one Ph branch had lines."""
    both = bot.ask("60yo with ALL, what treatment?").answer
    assert "so each branch is shown" in both
    one = bot.ask("My brother's ALL came back. What are the next options?").answer
    assert "so each branch is shown" not in one and "the answer depends on it" in one, one
