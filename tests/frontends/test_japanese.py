"""Japanese answers through the network front ends (issue 17): the HTTP API's `lang`, the OpenAI-compatible
endpoint (detected from the last user message, or its `lang` extra), and the Slack bot (detected per message),
over real HTTP with the session index and the fixture's aligned Japanese corpus (tests/ja_fixture.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from assistant import Answer
from assistant.core import Assistant
from assistant.frontends.api import create_app
from assistant.frontends.slack import handle_event
from assistant.localise import polite, unglossed
from assistant.settings import Settings
from tests.ja_fixture import JA, make_ja_corpus
from tests.servers import serve_http

QUESTION = "72-year-old woman with newly diagnosed Ph+ ALL: what induction?"
MIXED = "72歳の女性、Ph+ ALL、寛解導入 induction therapy は？"
JA1 = next(iter(JA["g04-ph-pos-older"][2].values()))


@pytest.fixture(scope="module")
def ja_settings(fe_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    corpus = make_ja_corpus(tmp_path_factory.mktemp("ja-corpus"))
    return fe_settings.model_copy(update={"store": fe_settings.store.model_copy(update={"corpus_path": corpus})})


@pytest.fixture(scope="module")
def ja_bot(bot: Any, ja_settings: Settings) -> Assistant:
    return Assistant(settings=ja_settings, retriever=bot.retriever, rulebook=bot.rulebook, index=bot.index)


@pytest.fixture(scope="module")
def ja_url(ja_settings: Settings, ja_bot: Assistant) -> Iterator[str]:
    with serve_http(create_app(ja_settings, assistant=ja_bot)) as url:
        yield url


@pytest.fixture(scope="module")
def http(ja_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ja_url, timeout=60) as client:
        yield client


# -- /v1/ask ----------------------------------------------------------------------------------------------------

def test_ask_lang_ja(http: httpx.Client) -> None:
    r = http.post("/v1/ask", json={"question": QUESTION, "lang": "ja"})
    assert r.status_code == 200, r.text
    a = Answer.model_validate(r.json())
    assert a.lang == "ja" and polite(JA1) in unglossed(a.answer) and a.citations[0].quote_ja == JA1
    assert a.citations[0].quote.startswith("For adults with Ph-positive ALL aged 65 or older")


@pytest.mark.parametrize(("lang", "want"), [(None, "ja"), ("auto", "ja"), ("en", "en")])
def test_ask_detects_or_follows_lang(http: httpx.Client, lang: str | None, want: str) -> None:
    body: dict[str, Any] = {"question": MIXED}
    if lang is not None:
        body["lang"] = lang
    a = Answer.model_validate(http.post("/v1/ask", json=body).json())
    assert a.lang == want and a.question == MIXED


@pytest.mark.parametrize("bad", ["fr", "JA", 1, ""])
def test_bad_lang_is_422_naming_the_field(http: httpx.Client, bad: Any) -> None:
    r = http.post("/v1/ask", json={"question": QUESTION, "lang": bad})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["type"] == "validation_error" and "lang" in err["message"] and "'ja'" in err["message"]


def test_stream_lang_ja(http: httpx.Client) -> None:
    with http.stream("POST", "/v1/ask/stream", json={"question": QUESTION, "lang": "ja"}) as r:
        assert r.status_code == 200
        data = [json.loads(line[6:]) for line in r.iter_lines() if line.startswith("data: ")]
    final = data[-1]
    assert final["lang"] == "ja" and polite(JA1) in unglossed(final["answer"]), data[-1]


# -- the OpenAI-compatible endpoint ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(ja_url: str) -> OpenAI:
    return OpenAI(base_url=f"{ja_url}/v1", api_key="unused-without-a-token", max_retries=0, timeout=60)


def test_openai_detects_the_last_user_message(client: OpenAI) -> None:
    r = client.chat.completions.create(model="allguide", messages=[
        {"role": "user", "content": "Is cranial irradiation needed for all adults?"},
        {"role": "assistant", "content": "..."},
        {"role": "user", "content": MIXED}])
    text = r.choices[0].message.content or ""
    a = Answer.model_validate(r.model_extra["allguide"])
    assert a.lang == "ja" and "**出典**" in text and ("合格" in text or "注意" in text), text


def test_openai_lang_extra(client: OpenAI) -> None:
    r = client.chat.completions.create(model="allguide", messages=[{"role": "user", "content": QUESTION}],
                                       extra_body={"lang": "ja"})
    text = r.choices[0].message.content or ""
    assert polite(JA1) in unglossed(text) and "**出典**" in text and "65歳以上のPh陽性ALL" in text
    assert Answer.model_validate(r.model_extra["allguide"]).lang == "ja"


def test_openai_bad_lang_is_422(client: OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError, match="lang"):
        client.chat.completions.create(model="allguide", messages=[{"role": "user", "content": QUESTION}],
                                       extra_body={"lang": "klingon"})


# -- Slack: each message in its own language ---------------------------------------------------------------------

class _Say:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str = "", **kw: Any) -> None:
        self.texts.append(text)


@pytest.mark.parametrize(("text", "japanese"), [(MIXED, True), (QUESTION, False)])
def test_slack_answers_each_message_in_its_language(ja_bot: Assistant, text: str, japanese: bool) -> None:
    say = _Say()
    handle_event({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": text,
                  "ts": "1.0", "event_ts": "1.0"}, say, ja_bot)
    (reply,) = say.texts
    assert ("*出典*" in reply) is japanese and ("*Sources*" in reply) is not japanese, reply


def test_fixture_corpus_links_the_bundled_documents(ja_settings: Settings) -> None:
    corpus = Path(str(ja_settings.store.corpus_path))
    assert (corpus / "g04-ph-pos-older.md").is_symlink() and (corpus / "ja" / "g04-ph-pos-older.yaml").is_file()
