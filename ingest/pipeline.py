"""`run_ingest`: load + validate + chunk everything, then build the index under the lock.

Example:
    >>> from pathlib import Path
    >>> from ingest import IngestConfig, run_ingest
    >>> report = run_ingest(None, IngestConfig(), corpus_dir=Path("corpus"))   # doctest: +SKIP
    >>> report.skipped_write                                                   # doctest: +SKIP
    True
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, Field

from ingest.chunking import chunk_documents
from ingest.config import IngestConfig
from ingest.embeddings import make_embedder
from ingest.errors import IngestInputError
from ingest.loaders import check_manifest, load_documents
from ingest.store import build_index, ingest_lock

log = logging.getLogger(__name__)


class IngestReport(BaseModel):
    """What one `run_ingest` did."""

    model_config = ConfigDict(frozen=True)

    documents: int = Field(description="Documents in the input set (= in the index)")
    chunks_total: int = Field(description="Chunks in the index after this run")
    added: int = Field(description="Chunks whose text is new (not in the live index)")
    updated: int = Field(default=0, description="Chunks with the same text but changed metadata (e.g. offsets, tier)")
    unchanged: int = Field(description="Chunks identical (id and metadata) to the live index")
    removed: int = Field(description="Chunks of the previous index that are gone")
    embedded: int = Field(default=0, description="Chunks whose text had to be embedded (others re-used vectors)")
    seconds: float = Field(description="Wall time of the run")
    build_id: str = Field(description="Live build after this run")
    collection: str = Field(description="Chroma collection of the live build")
    skipped_write: bool = Field(description="True when the index was already up to date and nothing was written")
    mode: str = Field(default="embedded", description="embedded or server")
    documents_added: list[str] = Field(default_factory=list, description="doc_ids new in this build")
    documents_changed: list[str] = Field(default_factory=list, description="doc_ids whose chunks changed")
    documents_removed: list[str] = Field(default_factory=list, description="doc_ids no longer indexed")
    chunks_by_tier: dict[str, int] = Field(default_factory=dict, description="Chunk counts per tier")


def run_ingest(
    paths: list[Path] | None,
    config: IngestConfig,
    *,
    corpus_dir: Path | None,
    embedder: Embeddings | None = None,
    progress: Callable[[int, int], None] | None = None,
    tier_for_user_files: str = "context",
) -> IngestReport:
    """Build or update the index so it holds exactly `corpus_dir` + `paths`.

    The input set is the bundled corpus (`corpus_dir/*.md` except README, checked against
    `manifest.yaml` when present; pass `corpus_dir=None` to leave it out) plus the user's
    `paths` (files or folders; non-Markdown files get tier `tier_for_user_files`). Documents
    indexed before but not in the input set are removed. Every input is loaded and chunked
    before anything is written, so a bad file leaves the live index untouched. `progress(done,
    total)` is called after each embedding batch.

    Raises `IngestInputError`, `IngestLockedError`, `IndexUnavailableError` (server down).

    Example:
        >>> report = run_ingest([Path("notes.pdf")], cfg, corpus_dir=Path("corpus"))  # doctest: +SKIP
        >>> report.added, report.unchanged, report.removed                         # doctest: +SKIP
        (3, 120, 0)
    """
    t0 = time.perf_counter()
    if corpus_dir is None and not paths:
        raise ValueError("nothing to ingest: give corpus_dir and/or paths")
    with ingest_lock(config):
        docs = load_documents(paths or [], corpus_dir=corpus_dir, tier=tier_for_user_files)
        manifest = check_manifest(docs, corpus_dir) if corpus_dir is not None else {}
        chunks = chunk_documents(docs, min_words=config.min_words, max_words=config.max_words)
        if not chunks:
            raise IngestInputError(corpus_dir or Path(str(paths)), "no documents to ingest")
        version = manifest.get("corpus_version")
        result = build_index(
            chunks, docs, config, embedder or make_embedder(config), progress=progress,
            corpus_version=None if version is None else str(version),
        )
    info = result["info"]
    report = IngestReport(
        documents=len(docs),
        chunks_total=len(chunks),
        added=result["added"],
        updated=result.get("updated", 0),
        unchanged=result["unchanged"],
        removed=result["removed"],
        embedded=result["embedded"],
        seconds=round(time.perf_counter() - t0, 3),
        build_id=result["build_id"],
        collection=result["collection"],
        skipped_write=result["skipped_write"],
        mode=info.get("mode", "embedded"),
        documents_added=result["documents_added"],
        documents_changed=result["documents_changed"],
        documents_removed=result["documents_removed"],
        chunks_by_tier=info.get("chunks_by_tier", {}),
    )
    log.info("ingest done: %s", report.model_dump_json())
    return report
