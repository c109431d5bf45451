"""Ingest: load the corpus and user files, chunk them, and keep a crash-safe Chroma index.

Heavy dependencies (torch, sentence-transformers, chromadb) are imported lazily.

Example:
    >>> from pathlib import Path
    >>> from ingest import IngestConfig, run_ingest, open_live_index, make_embedder
    >>> cfg = IngestConfig(store_path=Path(".allguide"))                      # doctest: +SKIP
    >>> run_ingest(None, cfg, corpus_dir=Path("corpus")).chunks_total          # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ingest import errors

if TYPE_CHECKING:
    from ingest.chunking import chunk_document
    from ingest.config import IngestConfig
    from ingest.embeddings import SentenceTransformerEmbeddings, make_embedder
    from ingest.loaders import load_documents
    from ingest.pipeline import IngestReport, run_ingest
    from ingest.store import LiveIndex, index_status, open_live_index

#: public name -> the submodule defining it, imported on first access (PEP 562), so `import ingest.models` (which
#: `assistant` does at import) does not load the pipeline, the loaders (yaml) or langchain-core.
_LAZY = {
    "chunk_document": "chunking",
    "IngestConfig": "config",
    "SentenceTransformerEmbeddings": "embeddings",
    "make_embedder": "embeddings",
    "load_documents": "loaders",
    "IngestReport": "pipeline",
    "run_ingest": "pipeline",
    "LiveIndex": "store",
    "index_status": "store",
    "open_live_index": "store",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ingest' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ingest.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "IngestConfig",
    "IngestReport",
    "LiveIndex",
    "SentenceTransformerEmbeddings",
    "chunk_document",
    "errors",
    "index_status",
    "load_documents",
    "make_embedder",
    "open_live_index",
    "run_ingest",
]
