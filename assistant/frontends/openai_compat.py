"""OpenAI-compatible routes: `POST /v1/chat/completions` and `GET /v1/models`, for chat tools that speak the
OpenAI API (Open WebUI, LibreChat, the `openai` SDKs).

- The last `user` message is the question; earlier `user` and `assistant` messages are the history; `system`
  and `developer` messages are ignored (the answer comes from the guideline, not from instructions).
- The reply text is the checked answer with its `[n]` markers, a numbered source list and the verdict line; the
  structured `Answer` rides along in the extra field `allguide` (of the completion, or of the last chunk).
- `stream: true` sends OpenAI `chat.completion.chunk` events (`data: {...}` lines, then `data: [DONE]`). Only
  the checked answer is streamed: an LLM draft is never shown before the rule layer has checked it.
- Patient-fact corrections may be sent as the extra body field `overrides` (`extra_body={"overrides": {...}}`).
- The answer's language is the last user message's (English or Japanese); the extra body field `lang` ("en", "ja",
  "auto") sets it.
- The same bearer token as the rest of the API (the `openai` client's `api_key`).

Example:
    >>> from openai import OpenAI                                              # doctest: +SKIP
    >>> client = OpenAI(base_url="http://127.0.0.1:8765/v1", api_key="<token>")  # doctest: +SKIP
    >>> r = client.chat.completions.create(model="allguide", messages=[{"role": "user", "content": "72F Ph+ ALL, "
    ...     "what induction?"}])                                                  # doctest: +SKIP
    >>> r.choices[0].message.content, r.allguide["verdict"]                    # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, FastAPI
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from assistant.errors import AssistantError
from assistant.frontends.render import chat_text
from assistant.models import Answer
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.core import Assistant

log = logging.getLogger(__name__)

__all__ = ["ChatCompletionRequest", "add_openai_routes", "split_messages"]

_MAX_TURNS = 50
_CREATED = int(time.time())


class ChatMessage(BaseModel):
    """One OpenAI chat message; `content` is text or a list of parts of which only `text` parts are read."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"] = Field(description="Author")
    content: str | list[dict[str, Any]] | None = Field(default=None, description="Text, or a list of content parts")

    def text(self) -> str:
        if self.content is None or isinstance(self.content, str):
            return self.content or ""
        parts = []
        for part in self.content:
            if part.get("type") != "text":
                from assistant.core import QuestionError

                raise QuestionError(f"only text content is understood, not {part.get('type')!r} parts")
            parts.append(str(part.get("text", "")))
        return "\n".join(parts)


class ChatCompletionRequest(BaseModel):
    """The OpenAI request body. Sampling fields (temperature, max_tokens, ...) are accepted and ignored."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [{"model": "allguide", "messages": [
            {"role": "user", "content": "72F Ph+ ALL, what induction?"},
            {"role": "assistant", "content": "..."},
            {"role": "user", "content": "and if she were 60?"}]}]},
    )

    model: str = Field(description="The model id from GET /v1/models")
    messages: list[ChatMessage] = Field(min_length=1, description="The conversation, oldest first")
    stream: bool = Field(default=False, description="Send chat.completion.chunk server-sent events")
    overrides: dict[str, Any] | None = Field(default=None, description="allguide extension: patient-fact "
                                             "corrections, e.g. {\"age\": 60}")
    lang: Literal["en", "ja", "auto"] | None = Field(default=None, description="allguide extension: the answer's "
                                                     "language; unset = the last user message's (detected)")


class ChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: ChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    allguide: Answer = Field(description="The structured, checked Answer (citations, verdict, findings, facts)")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "allguide"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """(question, history): the last user message, and the user/assistant messages before it (last 50).

    >>> split_messages([ChatMessage(role="system", content="Be brief"), ChatMessage(role="user", content="Ph+ ALL?"),
    ...                 ChatMessage(role="assistant", content="A TKI."), ChatMessage(role="user", content="and at 60?")])
    ('and at 60?', [{'role': 'user', 'content': 'Ph+ ALL?'}, {'role': 'assistant', 'content': 'A TKI.'}])
    """
    from assistant.core import QuestionError

    users = [i for i, m in enumerate(messages) if m.role == "user"]
    if not users:
        raise QuestionError("the messages hold no 'user' message to answer")
    last = users[-1]
    history = [{"role": m.role, "content": m.text()} for m in messages[:last] if m.role in ("user", "assistant")]
    return messages[last].text(), history[-_MAX_TURNS:]


def _pieces(text: str) -> list[str]:
    """The reply split into lines (newlines kept), so a client shows it line by line."""
    lines = text.split("\n")
    return [p for p in [*(line + "\n" for line in lines[:-1]), lines[-1]] if p]


def _chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None = None,
           answer: Answer | None = None) -> str:
    body: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if answer is not None:
        body["allguide"] = answer.model_dump(mode="json")
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def add_openai_routes(router: FastAPI | APIRouter, settings: Settings,
                      get_assistant: Callable[[], Awaitable[Assistant]],
                      check: Callable[[str, dict[str, Any] | None], None]) -> None:
    """Add the OpenAI-compatible routes; `check` validates a question and overrides before any work starts."""
    from assistant.core import QuestionError

    model_id = settings.api.model_name

    @router.get("/v1/models", response_model=ModelList, tags=["openai"], summary="OpenAI-compatible model list")
    async def models() -> ModelList:
        return ModelList(data=[ModelCard(id=model_id, created=_CREATED)])

    @router.post(
        "/v1/chat/completions", response_model=ChatCompletion, tags=["openai"], summary="OpenAI-compatible chat completion",
        description="The last user message is the question, earlier user/assistant messages the history. "
                    "`stream: true` answers with `chat.completion.chunk` events ending in `data: [DONE]`; the "
                    "checked `Answer` is in the `allguide` field of the completion or of the last chunk.",
        responses={200: {"content": {"text/event-stream": {}}, "description": "A completion or an event stream"}},
    )
    async def chat_completions(req: ChatCompletionRequest) -> Any:
        if req.model != model_id:
            raise QuestionError(f"unknown model {req.model!r}; this server has {model_id!r} (GET /v1/models)")
        question, history = split_messages(req.messages)
        check(question, req.overrides)
        bot = await get_assistant()
        cid = f"chatcmpl-{uuid.uuid4().hex}"

        def ask() -> Answer:
            return bot.ask(question, history=history, overrides=req.overrides, lang=req.lang)

        if not req.stream:
            answer = await run_in_threadpool(ask)
            return ChatCompletion(id=cid, created=int(time.time()), model=model_id,
                                  choices=[Choice(message=ChoiceMessage(content=chat_text(answer)))],
                                  allguide=answer)

        async def events() -> AsyncIterator[str]:
            yield _chunk(cid, model_id, {"role": "assistant", "content": ""})
            try:
                answer = await run_in_threadpool(ask)
            except AssistantError as exc:
                from assistant.frontends.api import _status_for

                _, kind, message = _status_for(exc)
                yield f"data: {json.dumps({'error': {'type': kind, 'message': message}})}\n\n"
                return
            except Exception:  # never a stack trace to the client
                log.exception("chat completion stream failed")
                yield f"data: {json.dumps({'error': {'type': 'internal_error', 'message': 'Internal error'}})}\n\n"
                return
            for piece in _pieces(chat_text(answer)):
                yield _chunk(cid, model_id, {"content": piece})
            yield _chunk(cid, model_id, {}, finish="stop", answer=answer)
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
