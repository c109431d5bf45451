"""The Slack bot: handler with a recorded event and a fake `say`, formatting of every verdict, start-up
checks, and a dispatch through slack-bolt against a local fake Slack Web API (no network)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest

from assistant import Answer, AssistantError, Citation, IndexNotBuiltError, RuleFinding
from assistant.frontends import slack as slack_mod
from assistant.frontends.render import slack_message, slack_mrkdwn
from assistant.frontends.slack import SlackConfigError, build_slack_app, handle_event, run_slack
from assistant.settings import Settings

# A recorded app_mention event (the `event` part of the Events API envelope), ids anonymised.
APP_MENTION = {
    "client_msg_id": "8d2b6c2e-6f0d-4c5e-9a53-4c2b5f0c1a77",
    "type": "app_mention",
    "text": "<@U07ALLGUIDE> 72-year-old woman with newly diagnosed Ph+ ALL: what induction?",
    "user": "U01HEMATO",
    "ts": "1718000000.123456",
    "blocks": [{"type": "rich_text", "block_id": "x1", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "user", "user_id": "U07ALLGUIDE"},
        {"type": "text", "text": " 72-year-old woman with newly diagnosed Ph+ ALL: what induction?"}]}]}],
    "team": "T01TEAM",
    "channel": "C01WARD",
    "event_ts": "1718000000.123456",
}
DIRECT_MESSAGE = {
    "type": "message", "channel_type": "im", "channel": "D01DM", "user": "U01HEMATO",
    "text": "Should a TKI be continued after allogeneic transplant in Ph+ ALL?",
    "ts": "1718000100.000200", "thread_ts": "1718000050.000100", "event_ts": "1718000100.000200",
}


class FakeSay:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, text: str = "", **kw: Any) -> None:
        self.calls.append({"text": text, **kw})


# -- handler -----------------------------------------------------------------------------------------------------

def test_app_mention_is_answered_in_thread(bot: Any) -> None:
    say = FakeSay()
    handle_event(APP_MENTION, say, bot)
    assert len(say.calls) == 1
    call = say.calls[0]
    assert call["thread_ts"] == APP_MENTION["ts"]
    text = call["text"]
    assert "<@U07ALLGUIDE>" not in text and "**" not in text
    assert "[1]" in text and "*Sources*" in text and "\n[1] " in text
    assert any(e in text for e in (":white_check_mark:", ":warning:", ":hammer_and_wrench:"))


def test_direct_message_replies_in_its_thread(bot: Any) -> None:
    say = FakeSay()
    handle_event(DIRECT_MESSAGE, say, bot)
    assert [c["thread_ts"] for c in say.calls] == [DIRECT_MESSAGE["thread_ts"]]
    assert "*Sources*" in say.calls[0]["text"]


@pytest.mark.parametrize(
    "event",
    [
        {**DIRECT_MESSAGE, "bot_id": "B01SELF"},
        {**DIRECT_MESSAGE, "subtype": "message_changed"},
    ],
)
def test_bot_messages_and_edits_are_ignored(event: dict[str, Any]) -> None:
    say = FakeSay()
    handle_event(event, say, assistant=None)  # type: ignore[arg-type]
    assert say.calls == []


def test_empty_mention_gets_help(bot: Any) -> None:
    say = FakeSay()
    handle_event({**APP_MENTION, "text": "<@U07ALLGUIDE>  "}, say, bot)
    assert "Ask me a question" in say.calls[0]["text"] and say.calls[0]["thread_ts"] == APP_MENTION["ts"]


def test_too_long_question_gets_a_friendly_reply(bot: Any) -> None:
    say = FakeSay()
    handle_event({**APP_MENTION, "text": "<@U07ALLGUIDE> " + "ALL " * 3000}, say, bot)
    assert "limit" in say.calls[0]["text"]


class _Raises:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def ask(self, *a: Any, **kw: Any) -> Answer:
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "expected"),
    [(IndexNotBuiltError("no index"), "allguide ingest"), (AssistantError("store offline"), "store offline")],
)
def test_assistant_errors_become_messages(exc: Exception, expected: str) -> None:
    say = FakeSay()
    handle_event(APP_MENTION, say, _Raises(exc))  # type: ignore[arg-type]
    assert expected in say.calls[0]["text"]


# -- formatting ------------------------------------------------------------------------------------------------

def _answer(verdict: str, findings: list[RuleFinding] | None = None) -> Answer:
    cit = Citation(marker=1, chunk_id="c1", doc_id="d1", section_id="jsh/ph-pos", section_title="Ph+ induction",
                   tier="guideline", source="Hatta Y et al. Int J Hematol. 2024", page=7, quote="Use a TKI.")
    return Answer(question="q", answer="**Use a TKI** with steroids.[1]", citations=[cit], verdict=verdict,
                  findings=findings or [])


@pytest.mark.parametrize(
    ("verdict", "emoji", "word"),
    [
        ("pass", ":white_check_mark:", "*Passed*"),
        ("warn", ":warning:", "*Warning*"),
        ("repaired", ":hammer_and_wrench:", "*Repaired*"),
        ("refused", ":no_entry:", "*Refused*"),
    ],
)
def test_every_verdict_is_formatted(verdict: str, emoji: str, word: str) -> None:
    finding = RuleFinding(rule_id="PHPOS-POSTHSCT-002", severity="warn", message="TKI after HSCT <is> advised",
                          section_id="jsh/ph-pos")
    text = slack_message(_answer(verdict, [finding]))
    head, sources, tail = text.split("\n\n")
    assert head == "*Use a TKI* with steroids.[1]"
    assert sources == "*Sources*\n[1] Ph+ induction _(guideline; jsh/ph-pos, p. 7)_ - Hatta Y et al. Int J Hematol. 2024"
    assert tail.startswith(f"{emoji} {word} - ")
    assert "PHPOS-POSTHSCT-002" in tail and "&lt;is&gt;" in tail


def test_info_findings_are_not_listed_in_slack() -> None:
    text = slack_message(_answer("pass", [RuleFinding(rule_id="X-1", severity="info", message="fyi")]))
    assert "X-1" not in text


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("**bold** and __bold__", "*bold* and *bold*"),
        ("*italic* and _italic_", "_italic_ and _italic_"),
        ("Use a TKI.[1][3]", "Use a TKI.[1][3]"),
        ("## Induction", "*Induction*"),
        ("- one\n* two\n  - nested", "• one\n• two\n  • nested"),
        ("see [JSH](https://www.jshem.or.jp/)", "see <https://www.jshem.or.jp/|JSH>"),
        ("MRD < 0.01% & > 10^-4", "MRD &lt; 0.01% &amp; &gt; 10^-4"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("**[1] kept**", "*[1] kept*"),
    ],
)
def test_slack_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert slack_mrkdwn(markdown) == mrkdwn


# -- start-up ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("slack", "message"),
    [
        ({}, "ALLGUIDE_SLACK__BOT_TOKEN"),
        ({"bot_token": "xoxb-1"}, "ALLGUIDE_SLACK__APP_TOKEN"),
        ({"app_token": "xapp-1"}, "ALLGUIDE_SLACK__BOT_TOKEN"),
        ({"bot_token": "xoxb-1", "app_token": "xoxb-2"}, "xapp-"),
    ],
)
def test_run_slack_refuses_without_tokens(slack: dict[str, str], message: str) -> None:
    with pytest.raises(SlackConfigError, match=message) as info:
        run_slack(Settings(slack=slack))
    assert isinstance(info.value, AssistantError)


class _FakeSlackAPI(BaseHTTPRequestHandler):
    posted: ClassVar[list[dict[str, Any]]] = []
    replies_asked: ClassVar[list[dict[str, Any]]] = []
    replies: ClassVar[dict[str, Any]] = {"ok": True, "messages": [], "has_more": False}

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        if self.headers.get("content-type", "").startswith("application/json"):
            body = json.loads(raw or "{}")
        else:
            body = {k: v[0] for k, v in parse_qs(raw).items()}
        if self.path.endswith("chat.postMessage"):
            type(self).posted.append(body)
            out = {"ok": True, "ts": "1718000000.999", "channel": body.get("channel")}
        elif self.path.endswith("conversations.replies"):
            type(self).replies_asked.append(body)
            out = type(self).replies
        else:  # auth.test
            out = {"ok": True, "user_id": "U07ALLGUIDE", "bot_id": "B07ALLGUIDE", "team_id": "T01TEAM"}
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_slack() -> Iterator[str]:
    _FakeSlackAPI.posted = []
    _FakeSlackAPI.replies_asked = []
    _FakeSlackAPI.replies = {"ok": True, "messages": [], "has_more": False}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSlackAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()


def _envelope(event: dict[str, Any]) -> dict[str, Any]:
    return {"token": "x", "team_id": "T01TEAM", "api_app_id": "A01", "type": "event_callback",
            "event_id": "Ev01", "event_time": 1718000000, "event": event,
            "authorizations": [{"team_id": "T01TEAM", "user_id": "U07ALLGUIDE", "is_bot": True}]}


def test_bolt_app_routes_mentions_and_dms(fake_slack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from slack_bolt.request import BoltRequest
    from slack_sdk import WebClient

    seen: list[str] = []

    def fake_handle(event: dict[str, Any], say: Any, assistant: Any, **kw: Any) -> None:
        seen.append(event["type"])
        say(text=f"answer to {event['text']}", thread_ts=event.get("thread_ts") or event["ts"])

    monkeypatch.setattr(slack_mod, "handle_event", fake_handle)
    settings = Settings(slack={"bot_token": "xoxb-test", "app_token": "xapp-test"})
    app = build_slack_app(settings, assistant=None, token_verification_enabled=False,  # type: ignore[arg-type]
                          client=WebClient(token="xoxb-test", base_url=fake_slack))
    channel_message = {**DIRECT_MESSAGE, "channel_type": "channel", "channel": "C01WARD", "ts": "1718000200.1"}
    for event in (APP_MENTION, DIRECT_MESSAGE, channel_message):
        response = app.dispatch(BoltRequest(body=_envelope(event), mode="socket_mode"))
        assert response.status == 200
    deadline = time.monotonic() + 10
    while len(_FakeSlackAPI.posted) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert sorted(seen) == ["app_mention", "message"]  # the plain channel message is not answered
    posted = sorted(_FakeSlackAPI.posted, key=lambda b: b["channel"])
    assert [(p["channel"], p["thread_ts"]) for p in posted] == [
        ("C01WARD", APP_MENTION["ts"]), ("D01DM", DIRECT_MESSAGE["thread_ts"])]


# -- threads are conversations -------------------------------------------------------------------------------------

# A recorded `conversations.replies` response (ids anonymised): the question, the bot's answer, a colleague's
# aside, then the follow-up that mentions the bot again.
THREAD_TS = "1718000000.123456"
REPLIES = {
    "ok": True,
    "messages": [
        {"type": "message", "user": "U01HEMATO", "text": "<@U07ALLGUIDE> 72-year-old woman with newly diagnosed "
         "Ph+ ALL: what induction?", "ts": THREAD_TS, "thread_ts": THREAD_TS, "reply_count": 3,
         "reply_users": ["U07ALLGUIDE", "U02RESIDENT", "U01HEMATO"], "latest_reply": "1718000300.000400"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B07ALLGUIDE", "user": "U07ALLGUIDE",
         "app_id": "A01", "text": "For adults with Ph-positive ALL aged 65 or older... a 45-year-old sibling donor "
         "was found; MRD negative after induction.[1]\n\n*Sources*\n[1] Ph+ ALL, older adults",
         "ts": "1718000100.000200", "thread_ts": THREAD_TS, "parent_user_id": "U01HEMATO"},
        {"type": "message", "user": "U02RESIDENT", "text": "thanks, useful", "ts": "1718000200.000300",
         "thread_ts": THREAD_TS, "parent_user_id": "U01HEMATO"},
        {"type": "message", "user": "U01HEMATO", "text": "<@U07ALLGUIDE> and if she were 60?",
         "ts": "1718000300.000400", "thread_ts": THREAD_TS, "parent_user_id": "U01HEMATO"},
    ],
    "has_more": False,
    "response_metadata": {"next_cursor": ""},
}
FOLLOW_UP = {**APP_MENTION, "text": "<@U07ALLGUIDE> and if she were 60?", "ts": "1718000300.000400",
             "event_ts": "1718000300.000400", "thread_ts": THREAD_TS,
             "client_msg_id": "0f0e2a55-3c1d-4b9f-8e0e-52a0f1e3d2c1"}


def _bolt_app(fake_slack: str, bot: Any, **slack: Any) -> Any:
    from slack_sdk import WebClient

    settings = Settings(slack={"bot_token": "xoxb-test", "app_token": "xapp-test", **slack})
    return build_slack_app(settings, assistant=bot, token_verification_enabled=False,
                           client=WebClient(token="xoxb-test", base_url=fake_slack))


def _dispatch(app: Any, event: dict[str, Any]) -> dict[str, Any]:
    from slack_bolt.request import BoltRequest

    assert app.dispatch(BoltRequest(body=_envelope(event), mode="socket_mode")).status == 200
    deadline = time.monotonic() + 60
    while not _FakeSlackAPI.posted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_FakeSlackAPI.posted) == 1
    return _FakeSlackAPI.posted[0]


def test_thread_follow_up_is_asked_with_the_thread(fake_slack: str, bot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through slack-bolt: the earlier thread messages are the history; the bot's reply (which mentions a 45-year-old
    donor and MRD) is not read for patient facts; the follow-up keeps Ph+ and takes the new age."""
    _FakeSlackAPI.replies = REPLIES
    asked: list[dict[str, Any]] = []
    real_ask = bot.ask

    def spy(question: str, **kw: Any) -> Any:
        answer = real_ask(question, **kw)
        asked.append({"question": question, "history": kw.get("history"), "answer": answer})
        return answer

    monkeypatch.setattr(bot, "ask", spy)
    posted = _dispatch(_bolt_app(fake_slack, bot), FOLLOW_UP)
    assert _FakeSlackAPI.replies_asked[0]["channel"] == "C01WARD" and _FakeSlackAPI.replies_asked[0]["ts"] == THREAD_TS
    assert posted["channel"] == "C01WARD" and posted["thread_ts"] == THREAD_TS
    (call,) = asked
    assert call["question"] == "and if she were 60?"
    assert call["history"] == [
        {"role": "user", "content": "72-year-old woman with newly diagnosed Ph+ ALL: what induction?"},
        {"role": "assistant", "content": " ".join(REPLIES["messages"][1]["text"].split())},
        {"role": "user", "content": "thanks, useful"}]
    answer = call["answer"]
    assert answer.patient.age == 60 and answer.patient.ph_status == "positive"
    assert answer.patient.mrd_status is None  # the bot's own words are not patient facts
    assert answer.verdict != "refused" and "no earlier messages" not in answer.answer
    assert "*Sources*" in posted["text"]


def test_thread_history_is_bounded(fake_slack: str, bot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _FakeSlackAPI.replies = REPLIES
    seen: list[Any] = []
    monkeypatch.setattr(bot, "ask", lambda q, **kw: seen.append(kw["history"]) or _answer("pass"))
    _dispatch(_bolt_app(fake_slack, bot, thread_messages=1), FOLLOW_UP)
    assert seen == [[{"role": "user", "content": "thanks, useful"}]]


def test_unreadable_thread_is_answered_without_history(fake_slack: str, bot: Any) -> None:
    """Slack refuses conversations.replies (e.g. a missing *:history scope): the follow-up is still answered,
    and the answer says no earlier messages came with it."""
    _FakeSlackAPI.replies = {"ok": False, "error": "missing_scope", "needed": "channels:history"}
    posted = _dispatch(_bolt_app(fake_slack, bot), FOLLOW_UP)
    assert posted["thread_ts"] == THREAD_TS and "no earlier messages" in posted["text"]


def test_top_level_message_reads_no_thread(fake_slack: str, bot: Any) -> None:
    _FakeSlackAPI.replies = REPLIES
    posted = _dispatch(_bolt_app(fake_slack, bot), APP_MENTION)
    assert _FakeSlackAPI.replies_asked == [] and posted["thread_ts"] == APP_MENTION["ts"]
