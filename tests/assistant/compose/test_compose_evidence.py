"""Composers for lines labelled as evidence or context (assistant/compose/evidence.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.evidence import ContextLine, Support
from assistant.compose.sentences import CONTEXT_LEAD, EVIDENCE_LEAD


def test_on_what_evidence_gets_the_supporting_lines_of_the_leading_rule(make_plan) -> None:
    plan, src = make_plan("What evidence supports allo-HSCT in CR1 for Ph+ ALL?")
    lines = cited(run([Support()], plan, src))
    assert lines and all(t.startswith(EVIDENCE_LEAD) for t in lines) and len(lines) <= 2
    section = plan.chosen[0].section_ids[0]
    assert {c.section_id for c in run([Support()], plan, src).citations} == {section}


def test_no_evidence_lines_unless_asked(make_plan) -> None:
    plan, src = make_plan("Is allo-HSCT in CR1 recommended for Ph+ ALL?")
    assert run([Support()], plan, src).lines == []


def test_a_context_line_is_labelled_and_never_a_recommendation(make_plan) -> None:
    plan, src = make_plan("Is autologous transplant an option for Ph-negative ALL in CR1?")
    lines = cited(run([ContextLine()], plan, src))
    assert len(lines) <= 1 and all(t.startswith(CONTEXT_LEAD) and "recommend" not in t for t in lines)
