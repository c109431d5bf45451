"""Reading the numbered sources back out of the LLM prompt the assistant builds (`evals/prompt_sources.py`)."""

from __future__ import annotations

import pytest

from assistant.draft import llm_messages
from assistant.models import PatientFacts
from assistant.settings import Settings
from evals.prompt_sources import RecordingChatModel, corpus_chunks_by_text, parse_prompt_sources
from ingest.chunking import chunk_documents
from ingest.loaders import load_documents


def _chunks(n: int):
    settings = Settings()
    cfg = settings.ingest_config()
    docs = load_documents(corpus_dir=settings.corpus_dir())
    return chunk_documents(docs, min_words=cfg.min_words, max_words=cfg.max_words)[:n]


def test_the_prompt_the_assistant_builds_is_read_back_chunk_by_chunk():
    chunks = _chunks(5)
    messages = llm_messages("72F Ph+ ALL, what induction?", PatientFacts(age=72), chunks, ["an earlier question"])
    found = parse_prompt_sources(messages[-1].content, corpus_chunks_by_text(Settings()))
    assert [s.n for s in found] == [1, 2, 3, 4, 5]
    assert [s.chunk_id for s in found] == [c.chunk_id for c in chunks]
    assert [(s.tier, s.section_id) for s in found] == [(c.tier, c.section_id) for c in chunks]


def test_text_that_is_not_a_corpus_chunk_has_no_chunk_id():
    chunks = _chunks(1)
    edited = chunks[0].model_copy(update={"text": chunks[0].text + " An added sentence."})
    found = parse_prompt_sources(llm_messages("q", PatientFacts(), [edited])[-1].content, corpus_chunks_by_text(Settings()))
    assert found[0].chunk_id is None


def test_a_message_that_is_not_a_prompt_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="no 'Sources:' block"):
        parse_prompt_sources("Question: what induction?")
    with pytest.raises(ValueError, match="unexpected source header"):
        parse_prompt_sources("Sources:\n[1] tier guideline\ntext\n\nPatient facts read from the question: none")


def test_the_recording_model_records_and_fails():
    recorder = RecordingChatModel()
    with pytest.raises(RuntimeError, match="recording only"):
        recorder.invoke(["m1", "m2"])
    assert recorder.messages == ["m1", "m2"]
