"""The composers' order as data, and the one plan both drafters take (assistant/compose/pipeline.py, base.py)."""

from __future__ import annotations

import pytest

from compose_helpers import run

from assistant.compose import COMPOSERS, compose
from assistant.compose.base import When, ruled, unruled
from assistant.compose.notes import Disclaimer, OpeningNotes
from assistant.compose.rules import Rules
from assistant.draft import draft_extractive, llm_messages
from assistant.facts import read_facts
from assistant.plan import read_question


def _name(c) -> str:
    return f"{type(c.composer).__name__}?{c.test.__name__}" if isinstance(c, When) else type(c).__name__


def test_the_order_is_data() -> None:
    names = [_name(c) for c in COMPOSERS]
    assert names[:4] == ["OpeningNotes", "YesLead", "UnreportedResults", "TrialFirst"] and names[-1] == "Disclaimer"
    assert names.index("Rules") < names.index("AskedTreatment?ruled") < names.index("Parts?ruled")
    assert names.index("PremiseRules") < names.index("StatusLead") < names.index("Rules")
    assert names.index("Focus?ruled") < names.index("Ranked?open_unruled") < names.index("Focus?unruled")


def test_when_runs_its_composer_only_when_the_test_holds(make_plan) -> None:
    plan, src = make_plan("72F Ph+ ALL, what induction?")
    assert run([When(unruled, Rules())], plan, src).lines == []
    assert run([When(ruled, Rules())], plan, src).count() == len(plan.chosen)


def test_compose_is_the_extractive_drafter(make_plan, bot) -> None:
    q = "50 year old with newly diagnosed ALL, what induction?"
    plan, src = make_plan(q)
    draft, findings = compose(plan, src, max_sentences=8)
    same, same_findings = draft_extractive(plan.question, plan.facts, src.retrieved, pool=src.chunks,
                                           rulebook=bot.rulebook, rare=bot.retriever.is_rare)
    assert draft == same and [f.rule_id for f in findings] == [f.rule_id for f in same_findings]
    # a shorter list of composers is a shorter answer: notes alone carry no disclaimer
    short, _ = compose(plan, src, max_sentences=8, composers=(OpeningNotes(), Disclaimer()))
    assert short.answer == "" and short.citations == []


def test_the_llm_prompt_takes_the_same_plan() -> None:
    q = "Is ponatinib the recommended first-line TKI for Ph+ ALL?"
    plan = read_question(q)
    user = llm_messages(plan, read_facts(q), [])[1].content
    assert "What is asked: a yes/no question about the guideline's position" in user and user.endswith(q)
    assert "What is asked" not in llm_messages(q, read_facts(q), [])[1].content


@pytest.mark.parametrize("group", [
    ("What determines the treatment pathway first in adult ALL?", "First branch of the adult ALL treatment algorithm?"),
    ("TOWER trial result?", "What did the TOWER study show for blinatumomab in relapsed B-ALL?",
     "blinatumomab vs chemo in R/R Ph- B-ALL: survival data?"),
    ("Does the corpus contain CQ numbers?", "Which CQ covers Ph+ ALL maintenance?",
     "Give me the recommendation grade for CNS prophylaxis"),
    ("Ph-negative ALL in CR1 after pediatric-type protocol, next step?",
     "Ph- ALL, CR1 on a paediatric protocol: is allo-HSCT the default?"),
])
def test_paraphrases_get_the_same_rules_and_lead(bot, group) -> None:
    """Questions that mean the same get answers with the same guideline rules and the same leading source (the
    signature of the paraphrase-consistency metric), whatever their wording."""
    from evals.metrics import paraphrase_signature

    sigs = {q: paraphrase_signature(bot.ask(q)) for q in group}
    assert len(set(sigs.values())) == 1, sigs
