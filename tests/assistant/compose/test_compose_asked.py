"""The asked-treatment composer, the deciding-facts table and the rule-statement guard, on a real index."""

from __future__ import annotations

import pytest

from assistant.compose.asked import AskedTreatment
from assistant.compose.branches import _table, deciding_branches
from assistant.compose.builder import Builder
from assistant.compose.pipeline import COMPOSERS, compose
from assistant.models import PatientFacts
from assistant.rules.logic import default_rulebook
from tests.assistant.compose.compose_helpers import cited, run


def test_branches_table_names_only_patient_facts() -> None:
    fields = set(PatientFacts.model_fields)
    for branches in _table().values():
        assert all(set(b) <= fields for b in branches)


@pytest.mark.parametrize(("facts", "want"), [
    (PatientFacts(age=70, age_band="65+"), {"ph_status"}),
    (PatientFacts(phase="relapsed"), {"lineage"}),
])
def test_deciding_branches_name_the_missing_fact(facts: PatientFacts, want: set[str]) -> None:
    leads, missing = deciding_branches("what is the plan?", facts, default_rulebook())
    assert len(leads) >= 2 and want <= set(missing)


def test_deciding_branches_skip_a_contradicted_branch() -> None:
    leads, _ = deciding_branches("which drug next?", PatientFacts(phase="relapsed", lineage="T"), default_rulebook())
    assert all("B-ALL" not in r.statement for r in leads)


def test_asked_treatment_line_names_it(make_plan) -> None:
    plan, sources = make_plan("MRD after induction came back at 0.005%. Does that mean a bone marrow transplant?")
    b = run([AskedTreatment()], plan, sources)
    assert any("allo-HSCT" in line for line in cited(b))


def test_other_composers_do_not_state_unchosen_rules(make_plan) -> None:
    plan, sources = make_plan("Relapsed CD19+ B-ALL, is blinatumomab recommended?")
    draft, _ = compose(plan, sources, max_sentences=7, composers=COMPOSERS)
    chosen = {r.statement.strip() for r in plan.chosen}
    stated = {r.statement.strip() for r in sources.book.rules if r.statement.strip() in draft.answer}
    assert stated <= chosen | {s for s, _ in plan.status}


def test_builder_refuses_an_unchosen_statement_but_not_a_rule_line(make_plan) -> None:
    plan, sources = make_plan("Relapsed T-ALL treatment options?")
    chunk = sources.chunks[0]
    b = Builder(5)
    b.unchosen = frozenset({"Some rule statement."})
    assert not b.add("guideline", "Some rule statement.", chunk)
    assert b.add("rule", "Some rule statement.", chunk)


def test_a_question_about_what_a_plan_means_gets_no_yes_lead(make_plan) -> None:
    """ "Only steroids offered at 78 - does that mean they are giving up on her?": a rule lists steroids as an
    option, but a "Yes" would answer "giving up"; the rule leads without it."""
    from assistant.compose.asked import YesLead

    plan, src = make_plan("My dad is 81 with Ph-negative ALL and the team is only offering steroids. Does that mean "
                          "they have given up on him?")
    b = run([YesLead()], plan, src)
    assert not any("**Yes**" in t for _, t in b.lines), b.lines


@pytest.mark.parametrize("question", [
    "My mum is 68 and has Ph+ ALL. The doctors said she'd get a tablet and steroids instead of strong chemo. Is that "
    "them giving up on her??",  # r28 g04
    "My mum is 68 and has Ph+ ALL and gets a TKI and steroids. Is she getting second-best treatment?",
    # r85 q22: a property of the treatment asked, whose "Yes" would say the children's protocol is experimental
    "My son is 20 with Ph-negative ALL and gets a pediatric-type protocol. Is that experimental?",
    # r86 q07: asked of the document ("does it specify which ...?"), which names none
    "62-year-old with Ph+ ALL, imatinib vs dasatinib vs ponatinib debated. Does JSH 2023 specify which TKI to use "
    "upfront?",
])
def test_the_askers_own_appraisal_gets_no_yes_lead(make_plan, question: str) -> None:
    """A "Yes" would confirm the asker's appraisal ("giving up", "second-best"), not that the plan is the
    guideline's: the rule leads without it (cues.yaml asks_appraisal)."""
    from assistant.compose.asked import YesLead

    plan, src = make_plan(question)
    b = run([YesLead()], plan, src)
    assert not any("**Yes**" in t for _, t in b.lines), b.lines
