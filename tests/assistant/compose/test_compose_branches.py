"""The branches a missing deciding fact opens (assistant/compose/branches.py)."""

from __future__ import annotations

from assistant.compose.branches import deciding_branches
from assistant.models import PatientFacts
from assistant.rules.logic import default_rulebook


def test_a_how_long_question_is_led_in_each_branch_by_the_rule_giving_a_duration() -> None:
    """ "35, ALL, how long does maintenance last?" (Ph status unknown): the Ph-positive branch is led by the 5-year
    TKI maintenance rule, not by the TKI-with-chemotherapy induction rule."""
    q = "my boyfriend is 35 and has ALL, how long does the maintenance treatment last?"
    leads, missing = deciding_branches(q, PatientFacts(age=35, age_band="aya"), default_rulebook())
    ids = [r.id for r in leads]
    assert "PHPOS-MAINT-008" in ids and "PHPOS-INDUCTION-002" not in ids, ids
    assert "ph_status" in missing
    leads, _ = deciding_branches("35, ALL, what induction?", PatientFacts(age=35, age_band="aya"), default_rulebook())
    assert "PHPOS-INDUCTION-002" in [r.id for r in leads]  # (no duration asked: the branch's usual lead)
