"""The OpenAI-compatible endpoint, driven by the official `openai` Python client against the real server
(uvicorn on 127.0.0.1, the real index and model)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from assistant import Answer
from assistant.frontends.api import create_app
from assistant.frontends.openai_compat import ChatMessage, split_messages
from assistant.settings import Settings
from tests.servers import serve_http

QUESTION = "72-year-old woman with newly diagnosed Ph+ ALL: what induction?"
TOKEN = "openai-compat-token"


@pytest.fixture(scope="module")
def client(api_url: str) -> OpenAI:
    return OpenAI(base_url=f"{api_url}/v1", api_key="unused-without-a-token", max_retries=0, timeout=60)


@pytest.fixture(scope="module")
def secured_url(fe_settings: Settings, bot: Any) -> Iterator[str]:
    settings = Settings(store=fe_settings.store.model_dump(), api={"token": TOKEN})
    with serve_http(create_app(settings, assistant=bot)) as url:
        yield url


def _markers(text: str) -> set[int]:
    return {int(m) for m in re.findall(r"\[(\d+)\]", text)}


def test_models_lists_allguide(client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["allguide"]


def test_completion_carries_citations_sources_and_the_answer(client: OpenAI) -> None:
    r = client.chat.completions.create(model="allguide", messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": QUESTION}])
    assert r.object == "chat.completion" and r.model == "allguide" and r.id.startswith("chatcmpl-")
    choice = r.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    text = choice.message.content or ""
    answer = Answer.model_validate(r.model_extra["allguide"])
    assert answer.verdict in ("pass", "warn", "repaired") and answer.patient.age == 72
    assert text.startswith(answer.answer.strip())  # the checked answer, then the sources and the verdict
    assert "**Sources**" in text and "Decision support only" in text
    cited = _markers(answer.answer)
    assert cited and cited <= {c.marker for c in answer.citations}
    for c in answer.citations:  # every source is listed under its number
        assert f"\n{c.marker}. {c.section_title} ({c.tier}; {c.section_id}" in text


def test_earlier_messages_are_the_history(client: OpenAI) -> None:
    """A follow-up is read with the conversation: the age changes, Ph+ carries over, no 'no earlier messages'."""
    first = client.chat.completions.create(model="allguide", messages=[{"role": "user", "content": QUESTION}])
    r = client.chat.completions.create(model="allguide", messages=[
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": "and if she were 60?"}])
    answer = Answer.model_validate(r.model_extra["allguide"])
    assert answer.patient.age == 60 and answer.patient.ph_status == "positive"
    assert answer.verdict != "refused" and "no earlier messages" not in answer.answer
    alone = client.chat.completions.create(model="allguide", messages=[
        {"role": "user", "content": "and if she were 60?"}])
    assert "no earlier messages" in alone.choices[0].message.content


def test_stream_gives_openai_chunks_that_add_up_to_the_answer(client: OpenAI) -> None:
    stream = client.chat.completions.create(model="allguide", stream=True,
                                            messages=[{"role": "user", "content": QUESTION}])
    chunks = list(stream)
    assert len(chunks) >= 3 and all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert [c.choices[0].finish_reason for c in chunks].count("stop") == 1 and chunks[-1].choices[0].finish_reason
    answer = Answer.model_validate(chunks[-1].model_extra["allguide"])
    assert text.startswith(answer.answer.strip()) and "**Sources**" in text
    assert sum(1 for c in chunks if c.choices[0].delta.content) > 1  # sent in pieces, not one blob


def test_overrides_ride_in_extra_body(client: OpenAI) -> None:
    r = client.chat.completions.create(model="allguide", messages=[{"role": "user", "content": QUESTION}],
                                       extra_body={"overrides": {"age": 50}})
    assert r.model_extra["allguide"]["patient"]["age"] == 50


@pytest.mark.parametrize(
    ("kwargs", "status", "fragment"),
    [
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": QUESTION}]}, 422, "unknown model 'gpt-4o'"),
        ({"model": "allguide", "messages": [{"role": "system", "content": "hi"}]}, 422, "no 'user' message"),
        ({"model": "allguide", "messages": [{"role": "user", "content": "   "}]}, 422, "empty"),
        ({"model": "allguide", "messages": [{"role": "user", "content": "ALL " * 1000}]}, 422, "limit"),
        ({"model": "allguide", "messages": [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "data:,"}}]}]}, 422, "only text"),
    ],
)
def test_bad_requests_are_clear_openai_errors(client: OpenAI, kwargs: dict[str, Any], status: int,
                                              fragment: str) -> None:
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(**kwargs)
    assert info.value.status_code == status
    assert fragment in info.value.message  # the client reads {"error": {"message": ...}}


def test_token_is_the_api_key(secured_url: str) -> None:
    wrong = OpenAI(base_url=f"{secured_url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()
    with pytest.raises(openai.AuthenticationError):
        wrong.chat.completions.create(model="allguide", messages=[{"role": "user", "content": QUESTION}])
    right = OpenAI(base_url=f"{secured_url}/v1", api_key=TOKEN, max_retries=0, timeout=60)
    r = right.chat.completions.create(model="allguide", messages=[{"role": "user", "content": QUESTION}])
    assert r.model_extra["allguide"]["citations"]


def test_sampling_fields_are_accepted(api_url: str) -> None:
    """Chat tools send temperature, max_tokens, stream_options, user...; they are ignored, not rejected."""
    body = {"model": "allguide", "messages": [{"role": "user", "content": QUESTION}], "temperature": 0.7,
            "max_tokens": 300, "top_p": 1, "user": "u1", "stream": True, "stream_options": {"include_usage": True}}
    with httpx.stream("POST", f"{api_url}/v1/chat/completions", json=body, timeout=60) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert lines[-1] == "data: [DONE]" and all(line.startswith("data: ") for line in lines)


def test_split_messages_keeps_user_and_assistant_turns() -> None:
    msgs = [ChatMessage(role="system", content="sys"), ChatMessage(role="user", content="q1"),
            ChatMessage(role="assistant", content="a1"), ChatMessage(role="tool", content="t"),
            ChatMessage(role="user", content=[{"type": "text", "text": "q2"}]),
            ChatMessage(role="assistant", content="trailing")]
    assert split_messages(msgs) == ("q2", [{"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"}])
