"""LLM drafting through langchain-core's fake chat model, scripted right and wrong; the rule layer must catch
every wrong answer (repair it, or fall back to the extractive answer)."""

from __future__ import annotations

import re

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.core import Assistant
from assistant.facts import read_facts
from assistant.prompts import DOSE_PART_NOTE

Q = "Ph+ ALL s/p allo-HSCT, MRD negative: should we give prophylactic dasatinib?"


def make(bot, *texts: str) -> Assistant:
    llm = GenericFakeChatModel(messages=iter([AIMessage(content=t) for t in texts]))
    return Assistant(settings=bot.settings, retriever=bot.retriever, llm=llm, rulebook=bot.rulebook)


@pytest.fixture(scope="module")
def top(bot):
    """The chunk the prompt numbers [1], [2] (the top retrieved chunks) and a sentence of [1]."""
    r = bot.retriever.search(Q, facts=read_facts(Q), k=bot.settings.retrieval.k)
    c1, c2 = r[0].chunk, r[1].chunk
    s1 = next(s for s in re.split(r"(?<=\.)\s+", c1.text) if "recommend" in s and s.endswith("."))
    return c1, c2, s1


def test_correct_llm_answer_passes(bot, top) -> None:
    c1, _, s1 = top
    a = make(bot, f"{s1} [1]").ask(Q)
    assert a.mode == "llm"
    assert a.verdict == "pass", a.findings
    assert s1 in a.answer and a.citations[0].chunk_id == c1.chunk_id
    assert a.citations[0].quote in c1.text


WRONG = {
    "uncited": ("Prophylactic TKI is usually avoided here.", "CIT-MARKER-001"),
    "contradicting": ("After allo-HSCT, prophylactic dasatinib maintenance is recommended for this MRD-negative "
                      "Ph-positive patient. [1]", "PHPOS-POSTHSCT-MRDNEG-006"),
    "dangling marker": ("Prophylactic TKI maintenance is not recommended. [9]", "CIT-DANGLING-002"),
    "invented CQ": ("Prophylactic TKI maintenance is not recommended (CQ 7). [1]", "TIER-CQ-002"),
    "invented grade": ("Prophylactic TKI maintenance is not recommended, recommendation grade 2A. [1]",
                       "TIER-GRADE-003"),
    "dose": ("If MRD appears, give dasatinib 140 mg daily. [1]", "DOSE-001"),
    "unsupported drug": ("Ponatinib 45 is preferred over blinatumomab in this setting. [1]", "CIT-SUPPORT-004"),
    "wrong threshold": ("MRD of 0.1% after transplant defines high risk of relapse. [1]", "MRD-THRESHOLD-015"),
}


@pytest.mark.parametrize("kind", sorted(WRONG))
def test_wrong_llm_answers_are_caught(bot, kind: str) -> None:
    text, rule_id = WRONG[kind]
    a = make(bot, text).ask(Q)
    ids = {f.rule_id for f in a.findings}
    assert rule_id in ids, (kind, ids)
    assert a.verdict != "pass"
    body = re.sub(r"\s*\[\d+\]", "", text).rstrip(".")
    assert body not in a.answer, a.answer
    assert not re.search(r"(?<!not )recommends? prophylactic|is recommended for this MRD-negative", a.answer)


def test_unrepairable_answer_falls_back_to_extractive(bot) -> None:
    a = make(bot, "I think you should just use whatever the team prefers.").ask(Q)
    assert a.mode == "extractive"
    assert "LLM-FALLBACK-032" in {f.rule_id for f in a.findings}
    assert "does not recommend prophylactic TKI" in a.answer


def test_model_failure_falls_back(bot) -> None:
    a = make(bot).ask(Q)  # the fake has no scripted answer left: it raises
    assert a.mode == "extractive"
    assert "LLM-FALLBACK-032" in {f.rule_id for f in a.findings}


def test_streaming_yields_text_then_the_checked_answer(bot, top) -> None:
    _, _, s1 = top
    events = list(make(bot, f"{s1} [1]").stream(Q))
    kinds = [e["event"] for e in events]
    assert "text" in kinds and kinds[-1] == "answer"
    assert events[-1]["data"]["verdict"] == "pass"


def test_prompt_numbers_sources_and_demands_markers(bot) -> None:
    from assistant.draft import llm_messages

    msgs = llm_messages(Q, read_facts(Q), [c for c in bot.retriever.chunks[:2]])
    assert "[1] (tier=" in msgs[1].content and "[2] (tier=" in msgs[1].content
    assert "markers" in msgs[0].content


def test_a_declined_dose_part_shows_in_a_generated_answer_too(bot) -> None:
    q = "Relapsed T-ALL: which drug is listed, and what is the usual dose?"
    facts = read_facts(q)
    chunk = bot.retriever.search("relapsed T-ALL nelarabine", facts=facts, k=1)[0].chunk
    sentence = next(s for s in re.split(r"(?<=\.)\s+", chunk.text) if "nelarabine" in s and s.endswith("."))
    a = make(bot, f"{sentence} [1]").ask(q)
    assert a.answer.startswith(DOSE_PART_NOTE) and a.verdict != "refused", a.answer


def test_a_number_the_asker_gave_outside_the_focus_may_be_repeated(bot, top) -> None:
    """heldout14 c044 (own paraphrase): the question's background ("platelets 41") is left out of the focus the
    answer is drafted from, but the checker still takes its numbers as the patient's own (Draft.said)."""
    c1, _, s1 = top
    q = f"{Q} Incidentally his platelets are 41 and he golfs."
    a = make(bot, f"{s1} [1] With platelets of 41 that stays the same. [1]").ask(q)
    assert not [f for f in a.findings if f.rule_id == "CIT-SUPPORT-004" and "41" in f.message], a.findings
