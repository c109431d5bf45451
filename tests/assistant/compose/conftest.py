"""Drafting inputs as the assistant builds them: the question plan, the patient facts, the retrieved chunks and the
citable pool of a real index (the session's `bot`), and the decided `DraftPlan`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.compose import DraftPlan, Sources, plan_draft
from assistant.plan import read_question

MakePlan = Callable[..., tuple[DraftPlan, Sources]]


@pytest.fixture(scope="session")
def make_plan(bot) -> MakePlan:
    """`make_plan(question, plain=False, notes=())`: the plan core would draft this question from."""

    def make(question: str, **kw) -> tuple[DraftPlan, Sources]:
        qplan = read_question(question)
        facts, _ = bot._facts(question, [], None)
        retrieved, pool, premise = bot._gather(qplan.focus, facts, set(), whole=qplan.text)
        sources = Sources(retrieved=retrieved, chunks=pool, book=bot.rulebook, rare=bot.retriever.is_rare)
        return plan_draft(qplan, facts, sources, premise=premise, **kw), sources

    return make
