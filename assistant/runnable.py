"""The LangChain face of the Assistant: a langchain-core `Runnable` (`invoke`, `batch`, `stream`).

Input, any of:
- a question string;
- `{"question": ..., "history": [...], "overrides": {...}, "lang": "en"|"ja"|"auto"}` (only those keys; `lang`
  is the answer's language, by default the question's own);
- a list of LangChain messages (or a prompt value, or `{"messages": [...]}`, optionally with `"lang"`): the last
  human message is the question, the human and AI messages before it are the history, system messages are ignored.

Output: the checked `Answer`. `.stream` yields `{"event": "stage", "data": ...}` dicts as the work goes on
("retrieving", "drafting", "checking", "checked"), `{"event": "text", "data": piece}` dicts for the LLM draft
in LLM mode, and the `Answer` itself as the last chunk, so `runnable | next_step` receives the `Answer`.

Wrong input shapes raise `QuestionError` (a `ValueError`) saying what was expected.

Example:
    >>> from langchain_core.messages import AIMessage, HumanMessage
    >>> parse_input([HumanMessage("72F Ph+ ALL, induction?"), AIMessage("TKI plus steroid."),
    ...              HumanMessage("and if she were 60?")])
    RunnableInput(question='and if she were 60?', history=[{'role': 'user', 'content': '72F Ph+ ALL, induction?'}, \
{'role': 'assistant', 'content': 'TKI plus steroid.'}], overrides=None, lang=None)
    >>> parse_input({"qestion": "Ph+ ALL?"})
    Traceback (most recent call last):
    ...
    assistant.core.QuestionError: unknown input key 'qestion': expected 'question' (with optional 'history', \
'overrides' and 'lang') or 'messages'
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Answer

if TYPE_CHECKING:
    from assistant.core import Assistant

__all__ = ["AssistantRunnable", "RunnableInput", "parse_input"]

_KEYS = ("question", "history", "overrides", "lang")


class RunnableInput(BaseModel):
    """The Runnable's input once read: the question, earlier turns and fact corrections."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(description="The question")
    history: list[str | dict[str, str]] = Field(default_factory=list, description="Earlier turns, oldest first")
    overrides: dict[str, Any] | None = Field(default=None, description="Patient-fact corrections")
    lang: str | None = Field(default=None, description="The answer's language: en, ja, or auto/None (the question's)")


def _error(message: str) -> Exception:
    from assistant.core import QuestionError

    return QuestionError(message)


def _text(message: BaseMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    parts = [p if isinstance(p, str) else p.get("text", "") for p in message.content
             if isinstance(p, str) or (isinstance(p, dict) and p.get("type") == "text")]
    return " ".join(x for x in parts if x)


def _from_messages(messages: Sequence[Any]) -> RunnableInput:
    bad = [type(m).__name__ for m in messages if not isinstance(m, BaseMessage)]
    if bad:
        raise _error(f"a message list must hold LangChain messages, not {bad[0]}")
    humans = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
    if not humans:
        raise _error("the message list has no human message to answer")
    last = humans[-1]
    history = [{"role": "user" if isinstance(m, HumanMessage) else "assistant", "content": _text(m)}
               for m in messages[:last] if isinstance(m, (HumanMessage, AIMessage))]
    return RunnableInput(question=_text(messages[last]), history=history)


def _from_mapping(data: Mapping[str, Any]) -> RunnableInput:
    if "messages" in data and set(data) <= {"messages", "lang"}:  # a conversation, optionally with its language
        return parse_input(data["messages"]).model_copy(update={"lang": _lang(data.get("lang"))})
    unknown = [k for k in data if k not in _KEYS]
    if unknown:
        raise _error(f"unknown input key {unknown[0]!r}: expected 'question' (with optional 'history', "
                     "'overrides' and 'lang') or 'messages'")
    if "question" not in data:
        raise _error("the input has no 'question' key")
    question = data["question"]
    if not isinstance(question, str):
        raise _error(f"'question' must be a string, not {type(question).__name__}")
    history = data.get("history") or []
    if isinstance(history, str) or not isinstance(history, Sequence):
        raise _error("'history' must be a list of earlier turns (strings or {role, content} dicts)")
    overrides = data.get("overrides")
    if overrides is not None and not isinstance(overrides, Mapping):
        raise _error("'overrides' must be a mapping of patient facts, e.g. {'age': 60}")
    turns = [_turn(h) for h in history]
    return RunnableInput(question=question, history=turns, overrides=dict(overrides) if overrides else None,
                         lang=_lang(data.get("lang")))


def _lang(value: Any) -> str | None:
    if value is not None and value not in ("en", "ja", "auto"):
        raise _error(f"'lang' must be 'en', 'ja' or 'auto', not {value!r}")
    return value  # type: ignore[no-any-return]


def _turn(item: Any) -> str | dict[str, str]:
    if isinstance(item, str):
        return item
    if isinstance(item, BaseMessage):
        return {"role": "user" if isinstance(item, HumanMessage) else "assistant", "content": _text(item)}
    if isinstance(item, Mapping) and isinstance(item.get("content"), str):
        return {"role": str(item.get("role", "user")), "content": item["content"]}
    raise _error(f"a history turn must be a string, a {{role, content}} dict or a message, not {type(item).__name__}")


def parse_input(value: Any) -> RunnableInput:
    """Read any accepted input shape; raise QuestionError naming what was expected."""
    if isinstance(value, str):
        return RunnableInput(question=value)
    if isinstance(value, PromptValue):
        return _from_messages(value.to_messages())
    if isinstance(value, BaseMessage):
        return _from_messages([value])
    if isinstance(value, Mapping):
        return _from_mapping(value)
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return _from_messages(list(value))
    raise _error(f"the input must be a question string, a {{'question': ...}} dict or a list of messages, "
                 f"not {type(value).__name__}")


class AssistantRunnable(Runnable[Any, Answer]):
    """`Assistant` as a Runnable. Build it with `Assistant.as_runnable()`."""

    name = "allguide"

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    @property
    def InputType(self) -> Any:  # noqa: N802 - langchain-core's name
        return str | dict | list

    @property
    def OutputType(self) -> type[Answer]:  # noqa: N802 - langchain-core's name
        return Answer

    def _ask(self, value: Any) -> Answer:
        inp = parse_input(value)
        return self.assistant.ask(inp.question, history=inp.history, overrides=inp.overrides, lang=inp.lang)

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:  # noqa: A002
        return self._call_with_config(self._ask, input, config)

    def _events(self, inputs: Iterator[Any]) -> Iterator[dict[str, Any] | Answer]:
        value: Any = None
        for value in inputs:  # noqa: B007 - the input arrives whole, in one piece
            pass
        inp = parse_input(value)
        for ev in self.assistant.stream(inp.question, history=inp.history, overrides=inp.overrides, lang=inp.lang):
            if ev["event"] == "answer":
                yield Answer.model_validate(ev["data"])
            else:
                yield ev

    def stream(self, input: Any, config: RunnableConfig | None = None,  # noqa: A002
               **kwargs: Any) -> Iterator[dict[str, Any] | Answer]:
        yield from self._transform_stream_with_config(iter([input]), self._events, config)

    async def astream(self, input: Any, config: RunnableConfig | None = None,  # noqa: A002
                      **kwargs: Any) -> AsyncIterator[dict[str, Any] | Answer]:
        """The same events as `stream`, each fetched in an executor so the event loop is never blocked."""
        from langchain_core.runnables.config import run_in_executor

        events = iter(self.stream(input, config, **kwargs))
        done = object()
        while (event := await run_in_executor(config, next, events, done)) is not done:
            yield event  # type: ignore[misc]
