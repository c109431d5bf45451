"""The LangChain Runnable: input shapes (string, dict, message lists, prompt values), clear errors for wrong shapes,
incremental `.stream` (stages, then the LLM draft in pieces, then the Answer), and composition."""

from __future__ import annotations

import re
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda

from assistant.core import Assistant, QuestionError
from assistant.facts import read_facts
from assistant.models import Answer
from assistant.runnable import AssistantRunnable, parse_input

Q = "72-year-old woman with newly diagnosed Ph+ ALL: what induction?"


def test_as_runnable_is_the_runnable(bot) -> None:
    r = bot.as_runnable()
    assert isinstance(r, AssistantRunnable) and r.OutputType is Answer


def test_message_list_last_human_is_the_question(bot) -> None:
    r = bot.as_runnable()
    first = r.invoke(Q)
    out = r.invoke([SystemMessage("You are terse."), HumanMessage(Q), AIMessage(first.answer),
                    HumanMessage("and if she were 60?")])
    assert isinstance(out, Answer) and out.question == "and if she were 60?"
    assert out.patient.age == 60 and out.patient.ph_status == "positive"  # the history was used
    assert "no earlier messages" not in out.answer


def test_prompt_value_and_messages_key(bot) -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Answer from the guideline."), ("human", "{q}")])
    chain = prompt | bot.as_runnable()
    assert chain.invoke({"q": Q}).patient.age == 72
    assert bot.as_runnable().invoke({"messages": [HumanMessage(Q)]}).patient.age == 72


def test_dict_input_with_history_and_overrides(bot) -> None:
    out = bot.as_runnable().invoke({"question": "and if she were 60?", "history": [Q], "overrides": {"age": 50}})
    assert out.patient.age == 50 and out.patient.ph_status == "positive"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"qestion": Q}, "unknown input key 'qestion'"),
        ({"history": [Q]}, "no 'question' key"),
        ({"question": 42}, "'question' must be a string, not int"),
        ({"question": Q, "history": "earlier"}, "'history' must be a list"),
        ({"question": Q, "history": [42]}, "a history turn must be"),
        ({"question": Q, "overrides": [("age", 60)]}, "'overrides' must be a mapping"),
        ([AIMessage("hello")], "no human message"),
        ([], "no human message"),
        ([Q, Q], "must hold LangChain messages, not str"),
        (42, "must be a question string"),
        (None, "must be a question string"),
    ],
)
def test_wrong_input_shapes_are_clear_errors(bot, value: Any, message: str) -> None:
    with pytest.raises(QuestionError, match=re.escape(message)):
        bot.as_runnable().invoke(value)


def test_empty_question_is_still_reported_as_empty(bot) -> None:
    with pytest.raises(QuestionError, match="empty"):
        bot.as_runnable().invoke({"question": "  "})


def test_parse_input_content_parts() -> None:
    msg = HumanMessage(content=[{"type": "text", "text": "Ph+ ALL"}, {"type": "text", "text": "induction?"}])
    assert parse_input([msg]).question == "Ph+ ALL induction?"


def test_extractive_stream_gives_stages_then_the_answer(bot) -> None:
    chunks = list(bot.as_runnable().stream(Q))
    stages = [c["data"] for c in chunks[:-1] if isinstance(c, dict) and c["event"] == "stage"]
    assert stages[0] == "retrieving" and stages[-1] == "checked" and "checking" in stages
    assert isinstance(chunks[-1], Answer) and chunks[-1].patient.age == 72
    assert not any(isinstance(c, dict) and c["event"] == "text" for c in chunks)  # nothing unchecked to show


def test_llm_stream_gives_the_draft_in_pieces(bot) -> None:
    q = "Ph+ ALL s/p allo-HSCT, MRD negative: should we give prophylactic dasatinib?"
    top = bot.retriever.search(q, facts=read_facts(q), k=bot.settings.retrieval.k)[0].chunk
    sentence = next(s for s in re.split(r"(?<=\.)\s+", top.text) if "recommend" in s and s.endswith("."))
    llm = GenericFakeChatModel(messages=iter([AIMessage(content=f"{sentence} [1]")]))
    llm_bot = Assistant(settings=bot.settings, retriever=bot.retriever, llm=llm, rulebook=bot.rulebook)
    chunks = list(llm_bot.as_runnable().stream(q))
    events = [c["event"] for c in chunks if isinstance(c, dict)]
    texts = [c["data"] for c in chunks if isinstance(c, dict) and c["event"] == "text"]
    assert events.index("stage") < events.index("text")  # stages come first
    assert len(texts) > 3 and "".join(texts) == f"{sentence} [1]"  # piece by piece, as generated
    answer = chunks[-1]
    assert isinstance(answer, Answer) and answer.mode == "llm" and answer.citations


def test_stream_composes_with_the_next_step(bot) -> None:
    chain = bot.as_runnable() | RunnableLambda(lambda a: f"{a.verdict}: {a.answer[:20]}")
    out = list(chain.stream(Q))
    assert len(out) == 1 and out[0].startswith(("pass:", "warn:", "repaired:"))


def test_batch_and_errors_in_batch(bot) -> None:
    r = bot.as_runnable()
    outs = r.batch([Q, {"qestion": Q}], return_exceptions=True)
    assert isinstance(outs[0], Answer) and isinstance(outs[1], QuestionError)


def test_astream_gives_the_same_events(bot) -> None:
    import asyncio

    async def collect() -> list[Any]:
        return [c async for c in bot.as_runnable().astream(Q)]

    chunks = asyncio.run(collect())
    assert chunks[0] == {"event": "stage", "data": "retrieving"} and isinstance(chunks[-1], Answer)


def test_lang_key_answers_in_that_language(bot) -> None:
    r = bot.as_runnable()
    ja = r.invoke({"question": Q, "lang": "ja"})
    assert ja.lang == "ja" and "意思決定の支援のみ" in ja.answer
    assert r.invoke({"question": Q}).lang == "en"
    assert r.invoke([HumanMessage("72歳の女性、Ph+ ALL、寛解導入 induction therapy は？")]).lang == "ja"  # detected
    streamed = list(r.stream({"question": Q, "lang": "ja"}))
    assert isinstance(streamed[-1], Answer) and streamed[-1].lang == "ja"


@pytest.mark.parametrize("bad", ["fr", 1, "Japanese"])
def test_bad_lang_key_says_what_is_accepted(bot, bad: Any) -> None:
    with pytest.raises(QuestionError, match="'lang' must be 'en', 'ja' or 'auto'"):
        bot.as_runnable().invoke({"question": Q, "lang": bad})


def test_messages_with_lang(bot) -> None:
    a = bot.as_runnable().invoke({"messages": [HumanMessage(Q)], "lang": "ja"})
    assert a.lang == "ja" and a.question == Q
    with pytest.raises(QuestionError, match="'lang' must be"):
        bot.as_runnable().invoke({"messages": [HumanMessage(Q)], "lang": "de"})
