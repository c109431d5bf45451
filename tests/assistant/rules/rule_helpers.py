"""Helpers for rule-layer tests (imported by test modules; pytest puts this folder on sys.path)."""

from __future__ import annotations

from assistant.models import Chunk, Citation
from assistant.rules import Draft


def cite(chunk: Chunk, marker: int = 1, quote: str | None = None) -> Citation:
    q = quote if quote is not None else chunk.text.split(". ")[0].strip()
    return Citation(marker=marker, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, section_id=chunk.section_id,
                    section_title=chunk.section_title, tier=chunk.tier, source=chunk.source, page=chunk.page,
                    quote=q)


def draft_of(sentence: str, chunk: Chunk, *, quote: str | None = None) -> Draft:
    return Draft(answer=f"- {sentence}[1]", citations=[cite(chunk, 1, quote)])
