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
    assert names[:6] == ["OpeningNotes", "Interactions?asks_cautions", "YesLead", "NothingElse", "UnreportedResults",
                         "TrialFirst"]
    assert names[-1] == "Disclaimer"
    assert names.index("Rules") < names.index("Interactions?asks_other_things") < names.index("AskedTreatment?ruled")
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
     # (not "... for CNS prophylaxis": its answer's second line is the CNS section's scope sentence, since session 52
     # the statement of CNS-TREATMENT-078, as no "no grade for CNS prophylaxis" line exists)
     "Give me the recommendation grade for TKI maintenance"),
    ("Ph-negative ALL in CR1 after pediatric-type protocol, next step?",
     "Ph- ALL, CR1 on a paediatric protocol: is allo-HSCT the default?"),
])
def test_paraphrases_get_the_same_rules_and_lead(bot, group) -> None:
    """Questions that mean the same get answers with the same guideline rules and the same leading source (the
    signature of the paraphrase-consistency metric), whatever their wording."""
    from evals.metrics import paraphrase_signature

    sigs = {q: paraphrase_signature(bot.ask(q)) for q in group}
    assert len(set(sigs.values())) == 1, sigs


@pytest.mark.parametrize(("question", "wanted", "unwanted"), [
    # what weighs a choice between two drugs before a transplant: each drug's toxicity, VOD with inotuzumab
    ("60-year-old woman, Ph-negative B-ALL in second relapse, blasts CD19+ and CD22+. CKD stage 3, lives alone with "
     "her cat. We'd like to bridge to allo-HSCT. Blinatumomab or inotuzumab — what should weigh the choice?",
     ["VOD/SOS", "cytokine release syndrome"], []),
    # symptoms on a drug: its adverse event, not the other relapse drugs or a request for the Ph status
    ("my uncle got inotuzumab for his relapsed leukemia and now his belly is swelling, he put on 3 kilos in a few "
     "days and his eyes look yellow. could it be from the drug?", ["VOD/SOS"], ["later-generation TKI can be",
                                                                             "each branch is shown"]),
    # "what side effects does it have?" points back to the drug: its toxicity, no branches about other drugs
    ("My 45-year-old husband's B-ALL relapsed and blinatumomab was recommended. What kind of drug is it and what "
     "side effects does it have?", ["cytokine release syndrome"], ["later-generation TKI can be",
                                                                    "each branch is shown"]),
    # a question without a question mark still asks; the symptoms are the patient's, the drug is blinatumomab's
    ("I started blinatumomab 2 days ago, now I have a fever of 39 and my hands are shaking and I feel a bit "
     "confused. is that normal or should I worry", ["Blinatumomab, used for relapsed"], ["boxed warnings"]),
    # T-lymphoblastic lymphoma is kept as written: the LBL lines answer "like lymphoma or like ALL?"
    ("35-year-old with T-lymphoblastic lymphoma: large mediastinal mass, marrow blasts 10%, his father (64) had a "
     "heart attack. Does the guideline want us to treat this like lymphoma (CHOP) or like ALL?",
     ["closest guide for LBL"], ["each branch is shown"]),
])
def test_the_asked_sub_question_is_answered(bot, question: str, wanted: list[str], unwanted: list[str]) -> None:
    answer = bot.ask(question).answer
    assert all(w in answer for w in wanted), answer
    assert not any(u in answer for u in unwanted), answer
