"""All concrete choices live here: embeddings, store, retriever, LLM. Everything else depends on interfaces."""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def open_store_and_model(settings: Settings, embeddings: Embeddings) -> LiveIndex:
    """`make_store`, with the embedding model loaded (one warm-up query) at the same time in another thread.

    ONNX Runtime builds its session without holding the GIL, so on two cores the model load (about 0.4 s) overlaps
    chromadb's import and the store's opening instead of following them: this is most of a cold `allguide ask`.
    The thread imports nothing new (onnxruntime and tokenizers are imported here first: two threads importing
    the same package at once can see it half-initialised). Other embedders load after the store, as before."""
    from ingest.embeddings import OnnxEmbeddings
    from ingest.store import LIVE_FILE

    cfg = settings.ingest_config()
    no_index = not cfg.chroma_host and not (Path(cfg.store_path) / LIVE_FILE).is_file()
    if no_index or not isinstance(embeddings, OnnxEmbeddings):
        # (with no index make_store raises IndexNotBuiltError at once: no model is loaded for nothing, e.g. by an
        # API worker retrying every 30 s until the first ingest)
        index = make_store(settings, embeddings)
        embeddings.embed_query("warm-up")
        return index
    import onnxruntime  # noqa: F401  (see above)
    import tokenizers  # noqa: F401

    failed: list[BaseException] = []

    def load() -> None:
        try:
            embeddings.embed_query("warm-up")
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
            failed.append(exc)

    loader = threading.Thread(target=load, name="allguide-model-load", daemon=True)
    loader.start()
    try:
        index = make_store(settings, embeddings)
    finally:
        loader.join()  # (also on error: never leave a half-built session behind at exit)
    if failed:
        raise failed[0]
    return index


class _LiveChunkStore:
    """The live index as the retriever's chunk store, with ingest errors mapped to the assistant's. Every
    `check_every_s` it looks whether another ingest has switched the live build and, if so, reopens on it (the
    retriever then loads that build's sparse index), so long-running workers follow a re-ingest."""

    def __init__(self, index: LiveIndex, check_every_s: float = 2.0) -> None:
        self.index = index
        self.check_every_s = check_every_s
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    @property
    def build_id(self) -> str:
        now = time.monotonic()
        if now - self._checked >= self.check_every_s and self._lock.acquire(blocking=False):
            try:
                self._checked = now
                self.index.refresh()  # (a pointer read; never raises)
            finally:
                self._lock.release()
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

    def dense(question: str, n: int, tier: str | None) -> list[tuple[str, float]]:
        # (the store is asked every time, so an unreachable store is reported, never hidden behind a cache)
        with map_ingest_errors():
            return index.nearest_ids(list(embed(question)), n, where={"tier": tier} if tier else None)

    r = settings.retrieval
    kw = {"candidates": r.candidates, "rrf_k": r.rrf_k, "mode": r.mode, "rulebook": default_rulebook(),
          "patient_boost": r.patient_boost, "store": store}
    sparse = store.open_sparse(chunk_terms.fingerprint)
    if sparse is None:
        return HybridRetriever(store.all_chunks(), dense, **kw)  # type: ignore[arg-type]
    return HybridRetriever(None, dense, sparse=sparse, **kw)  # type: ignore[arg-type]


#: Questions a long-running front end asks once at start, so the first users meet warm caches (the tokenizer's
#: memo of the corpus sentences, compiled patterns, the chunks read from the store): varied on purpose, to walk
#: the drafter's main paths (patient branches, a trial, a definition, a refusal).
WARM_UP_QUESTIONS = (
    "Ph-positive ALL induction",
    "72F Ph+ ALL, what induction?",
    "45 yo Ph-negative B-ALL in CR1, MRD 0.05% after induction, transplant?",
    "Relapsed CD19+ B-ALL in a 30-year-old: blinatumomab, inotuzumab or CAR-T?",
    "T-ALL relapse, what salvage?",
    "Is cranial irradiation needed for all adults?",
    "What did the TOWER trial show?",
    "What age range is meant by AYA?",
    "How long should TKI maintenance continue?",
    "What is the induction for AML?",
)
#: Indexes up to this many chunks are read whole (and their sentences tokenized) during the warm-up.
WARM_UP_MAX_CHUNKS = 2000


def warm_up(assistant: Any, questions: Sequence[str] = WARM_UP_QUESTIONS) -> int:
    """Fill the caches a first question would otherwise pay for (about a second on the bundled corpus); returns
    how many questions were asked. Opening the index stays lazy: this runs after it, in the serving process."""
    from assistant.errors import AssistantError
    from assistant.retrieval import chunk_terms
    from assistant.text import chunk_sentences, tokenize

    prepare = getattr(getattr(assistant.index, "embedder", None), "prepare", None)
    if prepare is not None:
        prepare()  # every embedding session open now, not at the first concurrent request
    retriever = assistant.retriever
    if len(retriever.chunks) <= WARM_UP_MAX_CHUNKS:
        for chunk in retriever.chunks:  # (read from the store in pages, kept in the retriever's cache)
            chunk_terms(chunk)
            for sentence in chunk_sentences(chunk.text):
                tokenize(sentence)
    asked = 0
    for q in questions:
        with contextlib.suppress(AssistantError):  # (a tiny max_question_chars refuses them: fine)
            assistant.ask(q, mode="extractive")  # (an LLM is not called: the caches are the retrieval's and drafter's)
            asked += 1
    # what lives as long as the process (models, index, lexicon, the caches just filled) leaves the collector's
    # generations: a full collection no longer walks it in the middle of a question (pauses of ~200 ms seen)
    gc.freeze()
    return asked


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
        return ChatOllama(base_url=llm.base_url, model=llm.model, temperature=llm.temperature,
                          num_predict=llm.max_tokens)
    from langchain_openai import ChatOpenAI

    # a stalled server is given up on within the question's budget, not the (longer) request timeout
    return ChatOpenAI(base_url=llm.base_url, model=llm.model, api_key=llm.api_key,  # type: ignore[arg-type]
                      temperature=llm.temperature, timeout=min(llm.timeout_s, llm.time_budget_s + 5.0),
                      max_tokens=llm.max_tokens, max_retries=0)
