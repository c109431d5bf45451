"""A real local LLM (SmolLM2-135M via llama.cpp's OpenAI-compatible server) through the configured LLM path.

Opt-in (`make test-llm`): the model is tiny and its answers are poor; the point is that whatever it writes, its
draft is streamed as it is generated, then checked, and what reaches the user is the model's answer untouched (only
when every sentence survived the checks), repaired, or the extractive answer after a fallback — never an ungrounded
or contradicting statement with a clean verdict.
"""

from __future__ import annotations

import re
import time

import pytest

from assistant.models import Answer
from assistant.rules import Draft
from assistant.rules.base import fact_sentences
from evals.local_model import outcome
from evals.mutations import false_alarm

pytestmark = pytest.mark.llm

QUESTIONS = [
    ("Ph+ ALL s/p allo-HSCT, MRD negative: should we give prophylactic dasatinib?",
     r"(?<!not )recommends? prophylactic"),
    ("Is cranial irradiation required for all adults with ALL?", r"required for (all|every) adults?(?! with ALL;)"),
    ("Relapsed CD19-positive B-ALL, which antibody?", r"inotuzumab[^.]*(targets|against) CD19"),
    ("72F Ph+ ALL what induction", r"hyper-?CVAD is (the )?(standard|recommended)"),
    ("Nelarabine for relapsed B-ALL?", r"nelarabine (is|as) (a )?(recommended|an option) for (relapsed )?B-ALL"),
]

_MARKERS = re.compile(r"\s*\[\d+\]")


def _streamed(bot, question: str, **kw) -> tuple[list[dict], Answer, str]:
    events = list(bot.stream(question, **kw))
    answer = Answer.model_validate(events[-1]["data"])
    text = "".join(e["data"] for e in events if e["event"] == "text")
    return events, answer, text


def _bare(sentence: str) -> str:
    return " ".join(_MARKERS.sub("", sentence).split()).strip()


def _ids(a: Answer) -> set[str]:
    return {f.rule_id for f in a.findings}


@pytest.mark.parametrize("question,contradiction", QUESTIONS)
def test_real_llm_answers_are_streamed_checked_and_never_wrongly_passed(llm_bot, question: str,
                                                                       contradiction: str) -> None:
    events, a, streamed = _streamed(llm_bot, question)
    kinds = [e["event"] for e in events]
    stages = [e["data"] for e in events if e["event"] == "stage"]
    # the draft streams as the model writes it, before the check; the checked answer comes once, last
    assert kinds.count("answer") == 1 and kinds[-1] == "answer"
    assert stages[0] == "retrieving" and stages[-1] == "checked" and "drafting" in stages and "checking" in stages
    checking = next(i for i, e in enumerate(events) if e == {"event": "stage", "data": "checking"})
    assert streamed, "the real model was asked and its text streamed"
    assert all(i < checking for i, e in enumerate(events) if e["event"] == "text")

    kind = outcome(a)
    print(f"\n[real model] {question!r}: {kind}, verdict {a.verdict}, findings {sorted(_ids(a))}; "
          f"wrote {streamed[:200]!r}")
    assert kind in ("untouched", "repaired", "fallen_back"), (kind, a.answer)
    if kind == "fallen_back":
        assert a.mode == "extractive" and "LLM-FALLBACK-032" in _ids(a)
    else:
        assert a.mode == "llm"
    if kind == "untouched":
        # pass means nothing was changed: every fact sentence shown is one the model wrote, and checking the shown
        # answer again finds nothing to block
        written = _bare(streamed)
        for s in fact_sentences(a.answer):
            assert _bare(s.body) in written, (s.body, streamed)
        pool = [c for c in (llm_bot.source(i) for i in dict.fromkeys(
            [c.chunk_id for c in a.citations] + a.retrieved)) if c is not None]
        again = false_alarm(a.question, a.patient, Draft(answer=a.answer, citations=a.citations), pool)
        assert not again["false_alarm"], again
    if a.verdict == "pass":
        assert not any(f.severity == "block" for f in a.findings)
    assert not re.search(contradiction, a.answer, re.I), a.answer
    for c in a.citations:
        chunk = llm_bot.source(c.chunk_id)
        assert chunk is not None and c.quote in chunk.text
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", a.answer)}
    assert markers == {c.marker for c in a.citations}


def test_an_out_of_scope_question_is_refused_without_asking_the_model(llm_bot) -> None:
    events, a, streamed = _streamed(llm_bot, "What is the induction for AML?")
    assert a.verdict == "refused" and a.scope != "in_scope" and outcome(a) == "refused"
    assert streamed == "" and not any(e["event"] == "text" for e in events)


def test_a_japanese_question_in_llm_mode_gets_a_checked_japanese_answer(llm_bot) -> None:
    """The model is asked for a Japanese answer, streamed as drafted like an English one, then read and checked
    (assistant/ja_check.py); what cannot be read or grounded falls back to the extractive Japanese answer, and a
    finding says so. The 135M model often writes English here: the answer shown is still Japanese."""
    from assistant.lang import has_japanese

    events, a, streamed = _streamed(llm_bot, "70歳 Ph陽性ALLの寛解導入は？")
    assert a.lang == "ja" and a.verdict in ("pass", "warn") and has_japanese(a.answer)
    if a.mode == "extractive":  # (said, not hidden: why the model's answer is not the one shown)
        assert {"LANG-LLM-061", "LLM-FALLBACK-032"} & _ids(a), _ids(a)
    assert a.citations and all(c.quote for c in a.citations)


def test_the_time_budget_bounds_a_real_streamed_answer(llm_bot) -> None:
    """With a budget far below what the model needs (it reads its prompt for 20-45 s here), the answer is cut at its
    last finished sentence (and not passed) or falls back, and the question returns at the budget, not when the
    server first answers. Last in the module: llama.cpp's server goes on with the dropped request for a while."""
    from assistant.core import Assistant
    from assistant.factories import make_llm

    s = llm_bot.settings
    tight = s.model_copy(update={"llm": s.llm.model_copy(update={"time_budget_s": 1.5, "max_tokens": 1024})})
    bot = Assistant(settings=tight, retriever=llm_bot.retriever, llm=make_llm(tight), rulebook=llm_bot.rulebook)
    t = time.monotonic()
    a = bot.ask("45 yo Ph-negative B-ALL in CR1, MRD 0.05% after induction: transplant, and which consolidation?")
    took = time.monotonic() - t
    assert took < 1.5 + 10.0, took  # the budget, plus retrieval, the fallback draft and checks on a busy machine
    if a.mode == "llm":
        assert "LLM-BUDGET-055" in _ids(a) and a.verdict != "pass"
    else:
        assert "LLM-FALLBACK-032" in _ids(a)
