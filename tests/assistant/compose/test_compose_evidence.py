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


def test_an_unasked_trial_line_shares_the_questions_subject_not_only_its_setting(make_plan) -> None:
    """ "Ph+ vs Ph- induction?" shares only "induction" with the BLAST MRD threshold line: no such line; a relapse
    question about a drug keeps the drug's trial line."""
    from assistant.compose.evidence import on_subject
    from assistant.compose.trials import TrialOrEvidence

    plan, src = make_plan("45 year old with Ph-positive ALL vs Ph-negative ALL at 45: how does induction differ?")
    assert not any("BLAST" in t for t in run([TrialOrEvidence(), ContextLine()], plan, src).lines)
    assert on_subject("In CALGB 19801, nelarabine produced a complete remission rate of 31%.",
                      "Relapsed T-ALL treatment options?", "CALGB 19801: nelarabine in relapsed T-ALL")
    assert not on_subject("Late complete remission is an adverse factor in adult ALL.",
                          "T-ALL in first remission, MRD below 0.01%: transplant?")
