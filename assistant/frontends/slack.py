"""The Slack bot (slack-bolt, Socket Mode): `allguide slack`.

Answers `app_mention` events and direct messages in the thread, with the answer in Slack mrkdwn,
a compact numbered source list and the verdict. A thread is the conversation: a reply inside a thread
("and if she were 60?") is asked with the thread's earlier messages as history (`conversations.replies`,
at most ALLGUIDE_SLACK__THREAD_MESSAGES of them); the bot's own replies are assistant turns, never patient
facts. The handler is a plain function, `handle_event`, so it can be tested with a recorded event and a
fake `say`.

Example:
    >>> from assistant.settings import Settings                     # doctest: +SKIP
    >>> run_slack(Settings())   # needs ALLGUIDE_SLACK__BOT_TOKEN and ALLGUIDE_SLACK__APP_TOKEN  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError, IndexNotBuiltError
from assistant.frontends.render import slack_message
from assistant.settings import Settings

if TYPE_CHECKING:
    from slack_bolt import App

    from assistant.core import Assistant

log = logging.getLogger(__name__)

__all__ = ["SlackConfigError", "build_slack_app", "handle_event", "question_from_event", "run_slack",
           "thread_history"]

HELP_TEXT = ("Ask me a question about adult ALL treatment under the JSH 2023 guideline, e.g. "
             "_72-year-old with Ph+ ALL: what induction?_ Answers are decision support only.")
_USER_ID = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _mention(inner: str) -> str | None:
    """`<@U123>` or `<@U123|name>` (a user mention): a space."""
    user = inner[1:].split("|", 1)[0]
    return " " if inner.startswith("@") and user and set(user) <= _USER_ID else None


def _link(inner: str) -> str | None:
    """`<https://x>` or `<https://x|label>`: the label, else the address."""
    url, _, label = inner.partition("|")
    scheme = "https://" if url.startswith("https://") else "http://" if url.startswith("http://") else ""
    return (label or url) if scheme and len(url) > len(scheme) else None


def _unwrap(text: str, entity: Callable[[str], str | None]) -> str:
    """Each Slack entity `<...>` that `entity` reads replaced by what it returns."""
    out: list[str] = []
    i = 0
    while i < len(text):
        j = text.find(">", i) if text[i] == "<" else -1
        new = entity(text[i + 1:j]) if j > i else None
        if new is not None:
            out.append(new)
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


class SlackConfigError(AssistantError):
    """The Slack bot can't start: tokens missing or of the wrong kind."""


def question_from_event(event: Mapping[str, Any]) -> str:
    """The question text of a Slack event: mentions removed, links and entities unwrapped.

    >>> question_from_event({"text": "<@U0BOT> Ph+ ALL &amp; age 72: induction?"})
    'Ph+ ALL & age 72: induction?'
    """
    text = _unwrap(_unwrap(str(event.get("text") or ""), _mention), _link)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def _is_bot(message: Mapping[str, Any], bot_user_id: str | None) -> bool:
    return bool(message.get("bot_id") or message.get("subtype") == "bot_message"
                or (bot_user_id and message.get("user") == bot_user_id))


def thread_history(messages: Sequence[Mapping[str, Any]], *, before_ts: str, bot_user_id: str | None,
                   limit: int) -> list[dict[str, str]]:
    """The turns of a thread before `before_ts`, oldest first, at most `limit`: people's messages are user turns
    (mentions removed), this bot's or any bot's messages are assistant turns (never read for patient facts).

    >>> thread_history([{"ts": "1", "user": "U1", "text": "<@UB> 72F Ph+ ALL?"},
    ...                 {"ts": "2", "user": "UB", "bot_id": "B1", "text": "A TKI plus steroid."},
    ...                 {"ts": "3", "user": "U1", "text": "and if she were 60?"}], before_ts="3", bot_user_id="UB", limit=20)
    [{'role': 'user', 'content': '72F Ph+ ALL?'}, {'role': 'assistant', 'content': 'A TKI plus steroid.'}]
    """
    turns = []
    for m in messages:
        if float(m.get("ts") or 0) >= float(before_ts) or m.get("subtype") in ("message_deleted", "channel_join"):
            continue
        text = question_from_event(m)
        if text:
            turns.append({"role": "assistant" if _is_bot(m, bot_user_id) else "user", "content": text})
    return turns[-limit:] if limit else []


def _fetch_thread(client: Any, event: Mapping[str, Any], *, bot_user_id: str | None, limit: int) -> list[dict[str, str]]:
    """Earlier messages of the event's thread (none for a top-level message or when Slack refuses)."""
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if client is None or not limit or not thread_ts or thread_ts == ts:
        return []
    try:
        reply = client.conversations_replies(channel=event.get("channel"), ts=thread_ts, limit=min(limit + 1, 200))
        messages = reply.get("messages") or []
    except Exception as exc:  # noqa: BLE001 - slack_sdk errors, missing *:history scope: answer without history
        log.warning("could not read the thread %s (%s); answering without its earlier messages", thread_ts, exc)
        return []
    return thread_history(messages, before_ts=str(ts), bot_user_id=bot_user_id, limit=limit)


def handle_event(event: Mapping[str, Any], say: Callable[..., Any], assistant: Assistant, *, client: Any = None,
                 bot_user_id: str | None = None, thread_messages: int = 20) -> None:
    """Answer one app_mention or direct-message event in its thread. Never raises for user input.

    Messages from bots (including this one) and edits/deletions (events with a subtype) are ignored. With a
    Slack `client`, a message inside a thread is asked with the thread's earlier messages as history.
    """
    from assistant.core import QuestionError

    if event.get("bot_id") or event.get("subtype"):
        return
    thread_ts = event.get("thread_ts") or event.get("ts")
    question = question_from_event(event)
    if not question:
        say(text=HELP_TEXT, thread_ts=thread_ts)
        return
    history = _fetch_thread(client, event, bot_user_id=bot_user_id, limit=thread_messages)
    try:
        answer = assistant.ask(question, history=history)
    except QuestionError as exc:
        say(text=f":information_source: I can't take that question: {exc}.", thread_ts=thread_ts)
        return
    except IndexNotBuiltError:
        say(text=":construction: The guideline index is not built yet; an admin needs to run `allguide ingest`.",
            thread_ts=thread_ts)
        return
    except AssistantError as exc:
        log.warning("slack question failed: %s", exc)
        say(text=f":x: Sorry, I couldn't answer: {exc}", thread_ts=thread_ts)
        return
    say(text=slack_message(answer), thread_ts=thread_ts, unfurl_links=False, unfurl_media=False)


def _tokens(settings: Settings) -> tuple[str, str]:
    bot = settings.slack.bot_token.get_secret_value() if settings.slack.bot_token else ""
    app = settings.slack.app_token.get_secret_value() if settings.slack.app_token else ""
    missing = [name for name, value in (("ALLGUIDE_SLACK__BOT_TOKEN (xoxb-...)", bot),
                                        ("ALLGUIDE_SLACK__APP_TOKEN (xapp-..., Socket Mode)", app)) if not value]
    if missing:
        raise SlackConfigError("the Slack bot needs " + " and ".join(missing) + "; set them in the environment "
                               "(see docs/INTERFACES.md)")
    if not app.startswith("xapp-"):
        raise SlackConfigError("ALLGUIDE_SLACK__APP_TOKEN must be an app-level token starting with 'xapp-' "
                               "(Socket Mode); check the Slack app's Basic Information page")
    return bot, app


def build_slack_app(settings: Settings, assistant: Assistant, *, token_verification_enabled: bool = True,
                    client: Any = None) -> App:
    """A slack-bolt App with the app_mention and direct-message handlers registered.

    Pass `token_verification_enabled=False` to build it without the auth.test network call, and a
    `slack_sdk.WebClient` (e.g. pointing at a local fake API) as `client` in tests.
    """
    from slack_bolt import App

    bot_token, _ = _tokens(settings)
    app = App(token=None if client is not None else bot_token, client=client,
              token_verification_enabled=token_verification_enabled,
              request_verification_enabled=False)  # Socket Mode: no signed HTTP requests

    limit = settings.slack.thread_messages

    @app.event("app_mention")
    def _on_mention(event: dict[str, Any], say: Callable[..., Any], client: Any, context: Any) -> None:
        handle_event(event, say, assistant, client=client, bot_user_id=context.bot_user_id, thread_messages=limit)

    @app.event("message")
    def _on_message(event: dict[str, Any], say: Callable[..., Any], client: Any, context: Any) -> None:
        if event.get("channel_type") == "im":
            handle_event(event, say, assistant, client=client, bot_user_id=context.bot_user_id,
                         thread_messages=limit)

    return app


def run_slack(settings: Settings) -> None:
    """Start the bot in Socket Mode (blocking). Raises SlackConfigError when tokens are missing."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from assistant.core import Assistant

    _, app_token = _tokens(settings)
    assistant = Assistant.from_settings(settings)
    app = build_slack_app(settings, assistant)
    log.info("allguide Slack bot starting in Socket Mode (%s mode)", assistant.mode)
    SocketModeHandler(app, app_token).start()
