"""All concrete choices live here: embeddings, store, retriever, LLM. Everything else depends on interfaces."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from assistant.errors import CorpusError, GenerationError, IndexNotBuiltError, RetrievalError
from assistant.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models import BaseChatModel

    from assistant.retrieval import HybridRetriever
    from ingest import LiveIndex


@contextlib.contextmanager
def map_ingest_errors() -> Iterator[None]:
    """Translate `ingest` errors into the assistant's error tree (the one boundary where this happens)."""
    from ingest import errors as ie

    try:
        yield
    except (ie.IngestInputError, ie.IngestLockedError) as exc:
        raise CorpusError(str(exc)) from exc
    except ie.IndexMissingError as exc:
        raise IndexNotBuiltError(str(exc)) from exc
    except ie.IndexUnavailableError as exc:
        raise RetrievalError(str(exc)) from exc
    except ie.IngestError as exc:
        raise CorpusError(str(exc)) from exc


def make_embeddings(settings: Settings) -> Embeddings:
    """The query-time embedder: one thread per inference by default (short queries gain little from more, and
    concurrent API requests then use the cores in parallel instead of fighting over them)."""
    from ingest import make_embedder

    return make_embedder(settings.ingest_config(), num_threads=settings.embedding.query_threads)


def make_store(settings: Settings, embeddings: Embeddings) -> LiveIndex:
    from ingest import open_live_index

    with map_ingest_errors():
        return open_live_index(settings.ingest_config(), embeddings)


def make_retriever(settings: Settings, index: LiveIndex, embeddings: Embeddings) -> HybridRetriever:
    from assistant.retrieval import HybridRetriever
    from assistant.rules import default_rulebook

    with map_ingest_errors():
        chunks = index.all_chunks()

    @functools.lru_cache(maxsize=1024)
    def embed(question: str) -> tuple[float, ...]:
        return tuple(embeddings.embed_query(question))

    def dense(question: str, n: int, tier: str | None) -> list[tuple[str, float]]:
        with map_ingest_errors():
            return index.nearest_ids(list(embed(question)), n, where={"tier": tier} if tier else None)

    r = settings.retrieval
    return HybridRetriever(chunks, dense, candidates=r.candidates, rrf_k=r.rrf_k, mode=r.mode,
                           rulebook=default_rulebook(), patient_boost=r.patient_boost)


def make_llm(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for extractive mode."""
    llm = settings.llm
    if not llm.enabled:
        return None
    if not llm.base_url:
        raise GenerationError("LLM mode is enabled but ALLGUIDE_LLM__BASE_URL is not set")
    if llm.provider == "ollama":
        try:
            from langchain_ollama import ChatOllama  # type: ignore[import-not-found]
        except ImportError as exc:
            raise GenerationError("provider 'ollama' needs `pip install langchain-ollama`") from exc
        return ChatOllama(base_url=llm.base_url, model=llm.model, temperature=llm.temperature)
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=llm.base_url, model=llm.model, api_key=llm.api_key,  # type: ignore[arg-type]
                      temperature=llm.temperature, timeout=llm.timeout_s, max_retries=0)
