"""The policy table: one place that says what each finding does; core.py names no rule id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.models import RuleFinding
from assistant.prompts import NOTES
from assistant.rules.policy import default_policy

ROOT = Path(__file__).resolve().parents[3]

REFUSALS = [
    ({"SAFE-DOSE-003", "SAFE-INJECT-004"}, "injection", "unsafe", True),
    ({"SAFE-CHILD-006", "SAFE-DOSE-003"}, "pediatric", "out_of_scope", False),
    ({"SAFE-NEVER-009", "SAFE-CHILD-006"}, "never_event", "out_of_scope", False),
    ({"SAFE-DOSE-003"}, "dose", "unsafe", False),
    ({"SCOPE-LANG-008"}, "reason", "out_of_scope", True),
    ({"SCOPE-DISEASE-001"}, "out_of_scope", "out_of_scope", True),
]


@pytest.mark.parametrize(("blocked", "reply", "scope", "skips"), REFUSALS)
def test_refusals(blocked: set[str], reply: str, scope: str, skips: bool) -> None:
    p = default_policy()
    assert p.refusal(blocked).reply == reply
    assert p.scope(blocked) == scope
    assert p.skips_retrieval(blocked) is skips


def test_patient_notes_in_order_and_unless() -> None:
    p = default_policy()
    f = [RuleFinding(rule_id=r, severity="warn", message="m") for r in
         ("SAFE-SELF-005", "SAFE-OTHERMEDS-010", "SAFE-DISTRESS-011")]
    assert [k for k, _ in p.notes(f, patient=True)] == ["distress", "others_meds", "self_change"]
    f.append(RuleFinding(rule_id="SAFE-BYPASS-012", severity="warn", message="m"))
    assert "self_change" not in [k for k, _ in p.notes(f, patient=True)]
    assert p.plain(f)


def test_every_note_key_has_a_text() -> None:
    assert {e.note for e in default_policy().findings.values() if e.note} <= set(NOTES)


def test_core_names_no_rule_id() -> None:
    text = (ROOT / "assistant" / "core.py").read_text(encoding="utf-8")
    assert re.findall(r'"[A-Z]+(?:-[A-Z0-9]+)*-\d{3}"', text) == []


def test_a_note_per_finding_names_each_subject_once() -> None:
    """Two relevance findings ("hair loss", "fertility") each get their note; a note shared by findings, once."""
    p = default_policy()
    f = [RuleFinding(rule_id="RELEVANCE-050", severity="warn", message=m) for m in ("a", "b", "a")]
    assert [x.message for _, x in p.notes(f, patient=False)] == ["a", "b"]
    g = [RuleFinding(rule_id="SAFE-SELF-005", severity="warn", message=m) for m in ("a", "b")]
    assert len(p.notes(g, patient=True)) == 1
