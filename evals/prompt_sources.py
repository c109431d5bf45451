"""The numbered sources the assistant puts in the LLM prompt for a question: what `generated.jsonl` was written against.

The assistant is asked the question with a chat model that only records the messages and then fails (so the
assistant falls back to its extractive answer); the recorded user message is split into its `[n] (tier; section)
text` blocks, and each block is mapped back to its chunk id through the chunker's output for the bundled corpus.
Nothing is replayed and the rule layer's findings are not looked at.

    python -m evals.prompt_sources "72F Ph+ ALL, what induction?" --history "earlier question" ...

Example (the parsing, on a message of the prompt's shape):
    >>> msg = "Sources:\\n[1] (tier=guideline; section=s/a; A)\\nFirst.\\n\\n[2] (tier=evidence; section=s/b; B)\\nSecond." \\
    ...       "\\n\\nPatient facts read from the question: none stated\\n\\nQuestion: q"
    >>> [(b.n, b.tier, b.section_id, b.text) for b in parse_prompt_sources(msg)]
    [(1, 'guideline', 's/a', 'First.'), (2, 'evidence', 's/b', 'Second.')]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

BLOCK = re.compile(r"\n\n(?=\[\d+\] \(tier=)")
HEADER = re.compile(r"^\[(\d+)\] \(tier=([^;]+); section=([^;]+); ")


@dataclass(frozen=True)
class PromptSource:
    """One numbered source of the prompt; `chunk_id` is None when the text is not a chunk of the bundled corpus."""

    n: int
    tier: str
    section_id: str
    text: str
    chunk_id: str | None = None


class RecordingChatModel:
    """Stands in for the hosted LLM: records the messages it is sent, then fails (the assistant falls back)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    def invoke(self, messages: Sequence[Any], *args: Any, **kwargs: Any) -> Any:
        self.messages = list(messages)
        raise RuntimeError("recording only: no answer is generated")

    def stream(self, messages: Sequence[Any], *args: Any, **kwargs: Any) -> Any:
        """The assistant streams generation (within its time budget): the same recording, then the same failure."""
        return self.invoke(messages)


def parse_prompt_sources(user_message: str, by_text: Mapping[tuple[str, str], str] | None = None) -> list[PromptSource]:
    """The `[n]` blocks of the prompt's user message, in order, with their chunk ids when `by_text` knows them."""
    if "Sources:\n" not in user_message:
        raise ValueError("not an allguide LLM prompt: no 'Sources:' block")
    sources = user_message.split("Sources:\n", 1)[1].split("\n\nPatient facts read", 1)[0]
    out = []
    for block in BLOCK.split(sources):
        header, _, text = block.partition("\n")
        m = HEADER.match(header)
        if m is None:
            raise ValueError(f"unexpected source header {header!r}")
        sid = m.group(3)
        out.append(PromptSource(int(m.group(1)), m.group(2), sid, text, (by_text or {}).get((sid, text))))
    return out


def corpus_chunks_by_text(settings: Any) -> dict[tuple[str, str], str]:
    """(section_id, text) -> chunk_id for the bundled corpus, chunked with the settings' chunk sizes."""
    from ingest.chunking import chunk_documents
    from ingest.loaders import load_documents

    cfg = settings.ingest_config()
    docs = load_documents(corpus_dir=settings.corpus_dir())
    return {(c.section_id, c.text): c.chunk_id
            for c in chunk_documents(docs, min_words=cfg.min_words, max_words=cfg.max_words)}


def prompt_sources(bot: Any, recorder: RecordingChatModel, question: str, history: Sequence[str] = (),
                   by_text: Mapping[tuple[str, str], str] | None = None) -> list[PromptSource]:
    """Ask `bot` (built with `llm=recorder`) and return the numbered sources of the prompt it built; [] when the
    question was answered without an LLM prompt (refused before drafting)."""
    recorder.messages = []
    bot.ask(question, history=list(history))
    if not recorder.messages:
        return []
    return parse_prompt_sources(recorder.messages[-1].content, by_text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("question")
    parser.add_argument("--history", action="append", default=[], help="an earlier user question (repeatable)")
    args = parser.parse_args(argv)

    from assistant import Assistant, Settings

    settings = Settings()
    recorder = RecordingChatModel()
    bot = Assistant.from_settings(settings, llm=recorder)  # type: ignore[arg-type]
    found = prompt_sources(bot, recorder, args.question, args.history, corpus_chunks_by_text(settings))
    if not found:
        print("No LLM prompt was built for this question (it was refused before drafting).")
        return 1
    for s in found:
        print(f"[{s.n}] {s.chunk_id or '?'} ({s.tier}; {s.section_id})\n    {s.text[:300]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
