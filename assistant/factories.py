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

    from assistant.models import Chunk
    from assistant.retrieval import HybridRetriever
    from ingest import LiveIndex
    from ingest.sparse import SparseIndex


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


class _LiveChunkStore:
    """The live index as the retriever's chunk store, with ingest errors mapped to the assistant's."""

    def __init__(self, index: LiveIndex) -> None:
        self.index = index

    @property
    def build_id(self) -> str:
        return self.index.build_id

    def get(self, chunk_ids: list[str]) -> list[Chunk]:
        with map_ingest_errors():
            return self.index.get(chunk_ids)

    def open_sparse(self, fingerprint: str | None = None) -> SparseIndex | None:
        with map_ingest_errors():
            return self.index.open_sparse(fingerprint)

    def all_chunks(self) -> list[Chunk]:
        with map_ingest_errors():
            return self.index.all_chunks()


def make_retriever(settings: Settings, index: LiveIndex, embeddings: Embeddings) -> HybridRetriever:
    """The retriever on the live build: its persisted sparse index memory-mapped and chunks read by id as needed
    (a build without one, or made by another tokenizer version, has BM25 built in memory from every chunk)."""
    from assistant.retrieval import HybridRetriever, chunk_terms
    from assistant.rules import default_rulebook

    store = _LiveChunkStore(index)

    @functools.lru_cache(maxsize=1024)
    def embed(question: str) -> tuple[float, ...]:
        return tuple(embeddings.embed_query(question))

    @functools.lru_cache(maxsize=1024)
    def nearest(question: str, n: int, tier: str | None, build_id: str) -> tuple[tuple[str, float], ...]:
        with map_ingest_errors():
            return tuple(index.nearest_ids(list(embed(question)), n, where={"tier": tier} if tier else None))

    def dense(question: str, n: int, tier: str | None) -> list[tuple[str, float]]:
        # (one question asks several searches of the same text: the dense part is read once per build)
        return list(nearest(question, n, tier, index.build_id))

    r = settings.retrieval
    kw = {"candidates": r.candidates, "rrf_k": r.rrf_k, "mode": r.mode, "rulebook": default_rulebook(),
          "patient_boost": r.patient_boost, "store": store}
    sparse = store.open_sparse(chunk_terms.fingerprint)
    if sparse is None:
        return HybridRetriever(store.all_chunks(), dense, **kw)  # type: ignore[arg-type]
    return HybridRetriever(None, dense, sparse=sparse, **kw)  # type: ignore[arg-type]


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
