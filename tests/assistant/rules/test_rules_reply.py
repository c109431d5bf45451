"""A "yes" to a question whose claim the rules contradict states that claim (assistant/rules/reply.py)."""

from __future__ import annotations

import pytest

from assistant.facts import read_facts
from assistant.rules import Draft, check
from assistant.rules.reply import affirms, check_reply


@pytest.mark.parametrize(("opening", "yes"), [
    ("Yes.", True),
    ("For most adults, yes.", True),
    ("In effect, yes: the guideline leans that way.", True),
    ("Yes — for fit patients with a donor.", True),
    ("That's right.", True),
    ("Yes, but only for patients at high risk.", False),
    ("Not quite.", False),
    ("Partly, yes.", False),
    ("No.", False),
    ("True remission needs MRD negativity.", False),
    ("Right now the summary names no TKI.", False),
])
def test_an_affirmative_opening_is_read(opening: str, yes: bool) -> None:
    assert affirms(opening) is yes


@pytest.mark.parametrize(("question", "rule_id"), [
    ("Is intrathecal chemotherapy on its own sufficient CNS prophylaxis for adults in remission?", "CNS-PROPH-017"),
    ("Ph+ ALL, MRD negative after allo-HSCT: should we start prophylactic TKI maintenance?",
     "PHPOS-POSTHSCT-MRDNEG-006"),
    ("Is nelarabine an option for relapsed B-ALL?", "RR-NELA-BALL-025"),
])
def test_a_yes_to_a_contradicted_claim_is_a_contradiction(question: str, rule_id: str) -> None:
    draft = Draft(answer="For most patients, yes. The summary gives the details.[1]")
    issues = check_reply(question, read_facts(question), draft, [])
    assert [i.finding.rule_id for i in issues] == [rule_id]
    assert issues[0].finding.severity == "block" and issues[0].sentence == 0


@pytest.mark.parametrize(("question", "answer"), [
    # the rules agree with the claim asked about
    ("Is allo-HSCT recommended in CR1 for fit adults with Ph-positive ALL?", "Yes. It is recommended.[1]"),
    # a "no" or a qualified reply
    ("Is intrathecal chemotherapy on its own sufficient CNS prophylaxis?", "No. Systemic therapy is added.[1]"),
    ("Is intrathecal chemotherapy on its own sufficient CNS prophylaxis?", "Yes, but only with HD-MTX.[1]"),
    # the sentence itself goes on to say what the rule says: its "yes" answers something else
    ("Is cranial irradiation mandatory for every adult in remission?",
     "Yes, there is a clear answer, and it is a relief: head radiation is not needed by every adult. It is an option "
     "at high risk.[1]"),
    # several things asked: the "yes" may answer another part
    ("Is allo-HSCT recommended in CR1 for Ph+ ALL, and is intrathecal chemo alone enough for CNS prophylaxis?",
     "Yes. Allo-HSCT in CR1 is recommended.[1]"),
])
def test_other_replies_are_left_to_the_other_checks(question: str, answer: str) -> None:
    assert check_reply(question, read_facts(question), Draft(answer=answer), []) == []


def test_the_yes_is_removed_and_the_rest_kept() -> None:
    q = "Is intrathecal chemo alone enough for CNS prophylaxis in adults in remission?"
    answer = "For many patients, yes. Cranial irradiation is an option at high risk.[1]"
    result = check(q, read_facts(q), Draft(answer=answer), [])
    assert "CNS-PROPH-017" in {f.rule_id for f in result.findings}
    assert "yes" not in result.draft.answer.lower()
