"""Fixtures for rule-layer tests: the real bundled corpus, chunked (no model, no Chroma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models import Chunk

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


@pytest.fixture(scope="session")
def corpus_chunks() -> list[Chunk]:
    from ingest.chunking import chunk_documents
    from ingest.loaders import load_documents

    return chunk_documents(load_documents(corpus_dir=CORPUS))


@pytest.fixture(scope="session")
def by_section(corpus_chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    out: dict[str, list[Chunk]] = {}
    for c in corpus_chunks:
        out.setdefault(c.section_id, []).append(c)
    return out
