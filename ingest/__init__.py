"""Ingest: load the corpus and user files, chunk them, and keep a crash-safe Chroma index.

Heavy dependencies (torch, sentence-transformers, chromadb) are imported lazily.

Example:
    >>> from pathlib import Path
    >>> from ingest import IngestConfig, run_ingest, open_live_index, make_embedder
    >>> cfg = IngestConfig(store_path=Path(".allguide"))                      # doctest: +SKIP
    >>> run_ingest(None, cfg, corpus_dir=Path("corpus")).chunks_total          # doctest: +SKIP
"""

from ingest import errors
from ingest.chunking import chunk_document
from ingest.config import IngestConfig
from ingest.embeddings import SentenceTransformerEmbeddings, make_embedder
from ingest.loaders import load_documents
from ingest.pipeline import IngestReport, run_ingest
from ingest.store import LiveIndex, index_status, open_live_index

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
