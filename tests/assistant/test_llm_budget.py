"""Bounded generation: a rambling or slow model is cut at the question's time budget (the finished sentences are
checked, none finished = extractive fallback), and max_tokens reaches the client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from assistant.core import Assistant, finished_sentences
from assistant.factories import make_llm
from assistant.settings import Settings

Q = "Ph+ ALL s/p allo-HSCT, MRD negative: should we give prophylactic dasatinib?"
GOOD = ("No: for adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline does not "
        "recommend prophylactic TKI maintenance.")


class SlowModel(BaseChatModel):
    """Streams `first` at once, then one rambling word every `delay` seconds, forever (until closed)."""

    first: str
    delay: float = 0.05
    sent: int = 0

    @property
    def _llm_type(self) -> str:
        return "slow-test"

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        raise AssertionError("the assistant must stream so that it can stop a rambling model")

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None,
                **kw: Any) -> Iterator[ChatGenerationChunk]:
        yield ChatGenerationChunk(message=AIMessageChunk(content=self.first))
        while True:
            time.sleep(self.delay)
            self.sent += 1
            yield ChatGenerationChunk(message=AIMessageChunk(content=" and so on"))


def _bot(bot: Assistant, llm: BaseChatModel, budget: float) -> Assistant:
    settings = bot.settings.model_copy(update={"llm": bot.settings.llm.model_copy(update={"time_budget_s": budget})})
    return Assistant(settings=settings, retriever=bot.retriever, llm=llm, rulebook=bot.rulebook)


def _cited(bot: Assistant) -> str:
    """The good sentence with the marker of the chunk that says it, in the prompt the assistant builds."""
    from assistant.draft import llm_messages
    from assistant.facts import read_facts

    pool = bot._gather(Q, read_facts(Q), set())[1]
    chunks = pool[: max(bot.settings.retrieval.k + 3, 8)]
    n = next(i for i, c in enumerate(chunks, 1) if "does not recommend prophylactic TKI" in c.text)
    assert llm_messages(Q, read_facts(Q), chunks)
    return f"{GOOD}[{n}]"


def test_a_rambling_model_is_cut_at_the_budget_and_its_finished_sentence_checked(bot) -> None:
    model = SlowModel(first=_cited(bot) + " Also")
    t = time.monotonic()
    a = _bot(bot, model, budget=0.5).ask(Q)
    assert time.monotonic() - t < 10
    assert a.mode == "llm" and GOOD in a.answer and "and so on" not in a.answer
    assert "LLM-BUDGET-055" in {f.rule_id for f in a.findings}
    assert a.verdict == "warn"  # cut: not a pass, even though every sentence kept is right


def test_no_finished_sentence_within_the_budget_falls_back(bot) -> None:
    a = _bot(bot, SlowModel(first="Well, it depends"), budget=0.3).ask(Q)
    assert a.mode == "extractive"
    assert any(f.rule_id == "LLM-FALLBACK-032" and "budget" in f.message for f in a.findings)


def test_finished_sentences() -> None:
    assert finished_sentences("A is B.[1] C is") == "A is B.[1]"
    assert finished_sentences("A is B. C is D.") == "A is B. C is D."
    assert finished_sentences("nothing finished") == ""


def test_max_tokens_and_budget_reach_the_client() -> None:
    s = Settings(llm={"enabled": True, "base_url": "http://127.0.0.1:9/v1", "max_tokens": 300, "time_budget_s": 20,
                      "timeout_s": 120})
    llm = make_llm(s)
    assert llm.max_tokens == 300
    assert llm.request_timeout == 25.0  # the budget (plus a margin), not the longer request timeout


class SilentModel(BaseChatModel):
    """Sends nothing for `silence` seconds (a server still reading a long prompt, or queueing the request behind
    another, with only keep-alive pings on the wire), then a finished sentence."""

    first: str
    silence: float = 8.0

    @property
    def _llm_type(self) -> str:
        return "silent-test"

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        raise AssertionError("the assistant must stream")

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None,
                **kw: Any) -> Iterator[ChatGenerationChunk]:
        time.sleep(self.silence)
        yield ChatGenerationChunk(message=AIMessageChunk(content=self.first))


def test_a_model_silent_past_the_budget_does_not_hold_the_question(bot) -> None:
    """The budget also ends the wait for a first piece that does not come (seen with llama.cpp's server on a busy
    2-core machine: 45 s budget, 84-111 s per question before)."""
    t = time.monotonic()
    a = _bot(bot, SilentModel(first=_cited(bot)), budget=1.0).ask(Q)
    assert time.monotonic() - t < 6  # (not the model's 8 s of silence)
    assert a.mode == "extractive"
    assert any(f.rule_id == "LLM-FALLBACK-032" and "budget" in f.message for f in a.findings)
