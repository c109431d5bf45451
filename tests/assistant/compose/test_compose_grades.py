"""Composer for a CQ number or grade the question states (assistant/compose/grades.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.grades import StatedGrades


def test_a_stated_cq_and_grade_are_answered_by_the_corpus_lines_that_none_exist(make_plan) -> None:
    plan, src = make_plan("JSH 2023 CQ5 gives ponatinib first-line a category 1 recommendation - can you quote it?")
    b = run([StatedGrades()], plan, src)
    note = b.lines[0][1]
    assert "CQ number and grade in the question cannot be confirmed" in note and "CQ5" not in note
    lines = cited(b)
    assert "contains no CQ numbers" in lines[0] and "contains no recommendation grades" in lines[1]
    assert any("does not recommend ponatinib" in t for t in lines[2:])  # the rest of the question, right after
    assert [f.rule_id for f in b.findings] == ["PREMISE-GRADE-047"]


def test_a_question_without_a_stated_grade_gets_nothing(make_plan) -> None:
    plan, src = make_plan("What recommendation grade does JSH 2023 give to allo-HSCT in CR1 for Ph+ ALL?")
    b = run([StatedGrades()], plan, src)
    assert b.lines == [] and b.findings == []
