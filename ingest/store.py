"""The Chroma index: crash-safe builds, incremental re-use of vectors, and the reader API.

Design (crash safety):

- **Embedded** (`config.chroma_host is None`): every build writes a *new* persist directory
  `<store_path>/builds/<build_id>/`. Only when it is complete (all records written, count
  verified, client closed, files fsynced) is `<store_path>/LIVE.json` replaced atomically
  (temp file + fsync + `os.replace` + directory fsync). Readers only follow `LIVE.json`, so a
  `kill -9` at any moment leaves them on the previous complete build. Old and stale
  (incomplete) builds are deleted after the switch and at the start of the next ingest.
- **Server** (`config.chroma_host` set): one collection per build,
  `allguide_<cfghash>_<build_id>`; the pointer is the JSON metadata key `live` of the small
  collection `allguide_live`, switched with `collection.modify(metadata=...)`.
- The collection name carries a hash of the embedding model id and the chunker settings,
  so a config change never mixes vectors (and forces a full re-embed).
- A build re-uses the vectors of every chunk whose text is already in the live build (same
  config hash) and embeds only new text. If the corpus hash (chunk ids + metadata + config)
  equals the live one, nothing at all is written.
- One writer at a time: `filelock.FileLock(<store_path>/ingest.lock)` (also in server mode).
- **The sparse (BM25) index** (`ingest.sparse`, when `config.sparse_tokenizer` is set) is written after the
  vectors and before the switch, so it is part of the build: `builds/<build_id>/sparse/` (embedded) or
  `<store_path>/sparse/<build_id>/` (server mode: every worker reading that folder shares it). A crash before
  the switch leaves the previous build, with its own sparse index, live. The pointer records the tokenizer's
  fingerprint; a tokenizer change makes the next ingest write a new build (vectors re-used, nothing embedded).

Example:
    >>> index = open_live_index(IngestConfig(), embedder)              # doctest: +SKIP
    >>> [(c.section_id, round(d, 3)) for c, d in index.query(embedder.embed_query("dose"), k=3)]  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from ingest.chunking import CHUNKER_VERSION
from ingest.config import IngestConfig
from ingest.embeddings import SentenceTransformerEmbeddings, embedder_model_id, make_chroma_function
from ingest.errors import (
    REBUILD_HINT,
    IndexConfigMismatchError,
    IndexMissingError,
    IndexUnavailableError,
    IngestError,
    IngestLockedError,
    IngestWriteError,
)
from ingest.models import TIERS, Chunk, Document

if TYPE_CHECKING:  # (numpy and the sparse index load when an index is opened, not on `import ingest`)
    from ingest.sparse import ChunkTerms, SparseIndex

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
LIVE_FILE = "LIVE.json"
LOCK_FILE = "ingest.lock"
BUILDS_DIR = "builds"
SPARSE_DIR = "sparse"
LIVE_COLLECTION = "allguide_live"
_BUILD_COLLECTION_RE = re.compile(r"^allguide_[0-9a-f]{10}_[0-9A-Za-z-]+$")
_PAGE = 1000  # records per get() page when reading a collection back

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- hashes and names


def config_hash(config: IngestConfig, model_id: str) -> str:
    """Hash of everything that changes vectors or chunk boundaries (STYLE.md section 2).

    Example:
        >>> len(config_hash(IngestConfig(), "m@1"))
        10
    """
    payload = {
        "model": model_id,
        "min_words": config.min_words,
        "max_words": config.max_words,
        "chunker": CHUNKER_VERSION,
        "schema": SCHEMA_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:10]


def collection_base(cfg_hash: str) -> str:
    return f"allguide_{cfg_hash}"


def chunk_fingerprint(chunk: Chunk) -> str:
    """Changes when the chunk id or any of its metadata changes (e.g. a tier edit)."""
    blob = json.dumps([chunk.chunk_id, chunk.to_metadata()], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _record_fingerprint(chunk_id: str, meta: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([chunk_id, dict(meta)], sort_keys=True).encode()).hexdigest()[:16]


def corpus_hash(chunks: list[Chunk], cfg_hash: str) -> str:
    """Hash over the sorted chunk fingerprints plus the config hash."""
    h = hashlib.sha256(cfg_hash.encode())
    for fp in sorted(chunk_fingerprint(c) for c in chunks):
        h.update(fp.encode())
    return h.hexdigest()[:16]


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_build_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


# --------------------------------------------------------------------------- clients


def _chroma_settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def _http_client(config: IngestConfig) -> Any:
    import chromadb

    return chromadb.HttpClient(host=config.chroma_host, port=config.chroma_port, settings=_chroma_settings())


def _persistent_client(path: Path) -> Any:
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def _close(client: Any) -> None:
    with contextlib.suppress(Exception):
        client.close()


def _store_label(config: IngestConfig) -> str:
    if config.chroma_host:
        return f"Chroma server {config.chroma_host}:{config.chroma_port}"
    return f"store {config.store_path}"


def _lazy_ef(config: IngestConfig) -> Any:
    """An embedding function for opening collections without loading the model."""
    return make_chroma_function(SentenceTransformerEmbeddings(config.model_path, batch_size=config.batch_size))


# --------------------------------------------------------------------------- the pointer


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dir(Path(dirpath))


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _read_embedded_pointer(config: IngestConfig) -> dict[str, Any] | None:
    live = Path(config.store_path) / LIVE_FILE
    try:
        raw = live.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexUnavailableError(f"cannot read {live} ({exc}); {REBUILD_HINT}") from exc
    try:
        info = json.loads(raw)
        if not isinstance(info, dict) or "build_id" not in info:
            raise ValueError("not a pointer")
    except ValueError as exc:
        raise IndexUnavailableError(f"{live} is corrupted; {REBUILD_HINT}") from exc
    return info


def _server_pointer_collection(client: Any, ef: Any, *, create: bool) -> Any | None:
    from chromadb.errors import NotFoundError

    if create:
        return client.get_or_create_collection(LIVE_COLLECTION, embedding_function=ef)
    try:
        return client.get_collection(LIVE_COLLECTION, embedding_function=ef)
    except (NotFoundError, ValueError):
        return None


def _read_server_pointer(client: Any, ef: Any) -> dict[str, Any] | None:
    coll = _server_pointer_collection(client, ef, create=False)
    if coll is None:
        return None
    raw = (coll.metadata or {}).get("live")
    if not raw:
        return None
    try:
        info = json.loads(raw)
    except ValueError as exc:
        raise IndexUnavailableError(f"the pointer in collection {LIVE_COLLECTION} is corrupted; {REBUILD_HINT}") from exc
    return info if isinstance(info, dict) else None


def read_pointer(config: IngestConfig, *, client: Any = None, ef: Any = None) -> dict[str, Any] | None:
    """The live pointer dict, or None when no index was ever completed."""
    if not config.chroma_host:
        return _read_embedded_pointer(config)
    own = client is None
    try:
        client = client or _http_client(config)
        return _read_server_pointer(client, ef or _lazy_ef(config))
    except IndexUnavailableError:
        raise
    except Exception as exc:
        raise IndexUnavailableError(
            f"cannot reach the {_store_label(config)} ({exc.__class__.__name__}: {exc}); "
            f"start the server or {REBUILD_HINT}"
        ) from exc
    finally:
        if own and client is not None:
            _close(client)


# --------------------------------------------------------------------------- reader


class LiveIndex:
    """Read access to the live build. Every Chroma failure becomes `IndexUnavailableError`.

    Long-lived readers: after another `allguide ingest` switches builds (and deletes the old
    one), a failing call reopens on the new live build once and retries; `is_current()` and
    `refresh()` let callers check or switch proactively.

    Example:
        >>> index = open_live_index(config, embedder)                    # doctest: +SKIP
        >>> index.info["chunks_total"], len(index.all_chunks())           # doctest: +SKIP
        (120, 120)
    """

    def __init__(self, *, client: Any, collection: Any, info: dict[str, Any], config: IngestConfig,
                 embedder: Embeddings) -> None:
        self.client = client
        self.collection = collection
        self.info = info
        self.config = config
        self.embedder = embedder

    @property
    def build_id(self) -> str:
        return str(self.info["build_id"])

    def _fail(self, exc: Exception) -> IndexUnavailableError:
        return IndexUnavailableError(
            f"cannot read the live index (build {self.build_id}) from the {_store_label(self.config)} "
            f"({exc.__class__.__name__}: {exc}); {REBUILD_HINT}"
        )

    def _run(self, fn: Callable[[], Any]) -> Any:
        """Call `fn`; if it fails because another ingest switched builds, reopen once and retry."""
        try:
            return fn()
        except Exception as exc:
            if not self.refresh():
                raise self._fail(exc) from exc
        try:
            return fn()
        except Exception as exc:
            raise self._fail(exc) from exc

    def refresh(self) -> bool:
        """Reopen on the new live build if the pointer moved; True if it did."""
        try:
            info = read_pointer(self.config, client=self.client if self.config.chroma_host else None)
            if not info or info.get("build_id") == self.build_id:
                return False
            client, collection = _open_collection(self.config, info, make_chroma_function(self.embedder))
        except IndexUnavailableError:
            return False
        old, self.client, self.collection, self.info = self.client, client, collection, info
        _close(old)
        log.info("live index switched to build %s", self.build_id)
        return True

    def count(self) -> int:
        return int(self._run(lambda: self.collection.count()))

    def all_chunks(self) -> list[Chunk]:
        """Every chunk, ordered by (doc_id, chunk_no)."""
        records = self._run(lambda: list(_iter_records(self.collection, embeddings=False)))
        chunks = [Chunk.from_record(i, t, m) for i, t, m in records]
        return sorted(chunks, key=lambda c: (c.doc_id, c.chunk_no))

    def query(self, embedding: list[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks with cosine distance (0 = identical), best first."""

        def run() -> Any:
            n = min(k, int(self.collection.count()))
            if n <= 0:
                return None
            return self.collection.query(
                query_embeddings=[list(embedding)], n_results=n, where=where,
                include=["documents", "metadatas", "distances"],
            )

        res = self._run(run)
        if res is None:
            return []
        return [
            (Chunk.from_record(i, t, m), float(d))
            for i, t, m, d in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0])
        ]

    def nearest_ids(self, embedding: list[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Ids and cosine distances of the nearest chunks, best first: the lean query for callers that already hold
        the chunks in memory (no documents or metadata cross the wire; k may exceed the collection size)."""
        if k <= 0:
            return []
        res = self._run(lambda: self.collection.query(
            query_embeddings=[list(embedding)], n_results=k, where=where, include=["distances"]))
        return [(str(i), float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def get(self, chunk_ids: list[str]) -> list[Chunk]:
        """Chunks by id, in the order asked (unknown ids are skipped)."""
        if not chunk_ids:
            return []
        res = self._run(lambda: self.collection.get(ids=list(chunk_ids), include=["documents", "metadatas"]))
        by_id = {i: Chunk.from_record(i, t, m) for i, t, m in zip(res["ids"], res["documents"], res["metadatas"])}
        return [by_id[i] for i in chunk_ids if i in by_id]

    def open_sparse(self, fingerprint: str | None = None) -> SparseIndex | None:
        """The live build's sparse index, memory-mapped; None (with the reason logged) when the build has none,
        its files are missing or unreadable, or it was made by a tokenizer other than `fingerprint`."""
        return open_sparse_index(self.config, self.info, fingerprint)

    def is_current(self) -> bool:
        """False once another ingest has switched the pointer (reopen with `open_live_index`)."""
        try:
            info = read_pointer(self.config, client=self.client if self.config.chroma_host else None)
        except IndexUnavailableError:
            return False
        return bool(info) and info.get("build_id") == self.build_id

    def close(self) -> None:
        _close(self.client)


def _iter_records(collection: Any, *, embeddings: bool) -> Iterator[tuple[Any, ...]]:
    include = ["documents", "metadatas"] + (["embeddings"] if embeddings else [])
    offset = 0
    while True:
        res = collection.get(include=include, limit=_PAGE, offset=offset)
        ids = res["ids"]
        if not ids:
            return
        cols: list[Any] = [ids, res["documents"], res["metadatas"]]
        if embeddings:
            cols.append(res["embeddings"])
        yield from zip(*cols)
        if len(ids) < _PAGE:
            return
        offset += len(ids)


def _open_collection(config: IngestConfig, info: dict[str, Any], ef: Any) -> tuple[Any, Any]:
    """(client, collection) of the build `info` points at; raises IndexUnavailableError."""
    client = None
    try:
        if config.chroma_host:
            client = _http_client(config)
        else:
            path = Path(config.store_path) / str(info.get("path", ""))
            if not info.get("path") or not (path / "chroma.sqlite3").is_file():
                raise FileNotFoundError(f"build folder {path} is missing or incomplete")
            client = _persistent_client(path)
        collection = client.get_collection(str(info["collection"]), embedding_function=ef)
        collection.count()
        return client, collection
    except Exception as exc:
        if client is not None:
            _close(client)
        raise IndexUnavailableError(
            f"cannot open the live index (build {info.get('build_id')}) in the {_store_label(config)} "
            f"({exc.__class__.__name__}: {exc}); {REBUILD_HINT}"
        ) from exc


def open_live_index(config: IngestConfig, embedder: Embeddings) -> LiveIndex:
    """Open the live build for reading.

    Raises `IndexMissingError` if no build was ever completed (or it used another embedding
    model: `IndexConfigMismatchError`), `IndexUnavailableError` if it can't be read.

    Example:
        >>> from ingest import IngestConfig, make_embedder, open_live_index
        >>> cfg = IngestConfig(store_path=Path(".allguide"))             # doctest: +SKIP
        >>> index = open_live_index(cfg, make_embedder(cfg))              # doctest: +SKIP
    """
    ef = make_chroma_function(embedder)
    info = read_pointer(config, ef=ef)
    if info is None:
        raise IndexMissingError(f"no index has been built in the {_store_label(config)}; {REBUILD_HINT}")
    model_id = embedder_model_id(embedder)
    if info.get("embedding_model") != model_id:
        raise IndexConfigMismatchError(
            f"the live index was built with embedding model {info.get('embedding_model')!r} but "
            f"{model_id!r} is configured; {REBUILD_HINT}"
        )
    client, collection = _open_collection(config, info, ef)
    return LiveIndex(client=client, collection=collection, info=info, config=config, embedder=embedder)


def sparse_folder(config: IngestConfig, info: dict[str, Any]) -> Path | None:
    """Where the sparse index of the build `info` lives, or None if the build has none."""
    sparse = info.get("sparse")
    if not isinstance(sparse, dict) or not sparse.get("path"):
        return None
    return Path(config.store_path) / str(sparse["path"])


def open_sparse_index(config: IngestConfig, info: dict[str, Any], fingerprint: str | None = None) -> SparseIndex | None:
    """Open the sparse index of build `info` (see `LiveIndex.open_sparse`)."""
    from ingest.sparse import SparseIndex, SparseIndexError

    folder = sparse_folder(config, info)
    build = info.get("build_id")
    if folder is None:
        log.warning("build %s has no sparse index; BM25 is built in memory (run `allguide ingest` to add one)", build)
        return None
    try:
        index = SparseIndex.load(folder)
    except SparseIndexError as exc:
        log.warning("build %s: %s; BM25 is built in memory (run `allguide ingest` to rewrite it)", build, exc)
        return None
    if fingerprint is not None and index.fingerprint != fingerprint:
        log.warning("build %s: the sparse index was made by another tokenizer version; BM25 is built in memory "
                    "(run `allguide ingest` to rewrite it)", build)
        return None
    if index.build_id != build:
        log.warning("build %s: the sparse index in %s belongs to build %s; BM25 is built in memory", build, folder,
                    index.build_id)
        return None
    return index


def index_status(config: IngestConfig) -> dict[str, Any]:
    """What `allguide index status` shows. Never loads the model.

    Example:
        >>> index_status(IngestConfig(store_path=Path("/nonexistent")))["exists"]
        False
    """
    mode = "server" if config.chroma_host else "embedded"
    base: dict[str, Any] = {"mode": mode, "store": _store_label(config)}
    ef = _lazy_ef(config)
    info = read_pointer(config, ef=ef)
    if info is None:
        return {**base, "exists": False, "message": f"no index yet; {REBUILD_HINT}"}
    client, collection = _open_collection(config, info, ef)
    try:
        stored = int(collection.count())
    finally:
        _close(client)
    docs = info.get("documents", [])
    return {
        **base,
        "exists": True,
        "build_id": info.get("build_id"),
        "collection": info.get("collection"),
        "built_at": info.get("built_at"),
        "embedding_model": info.get("embedding_model"),
        "chunker": info.get("chunker"),
        "config_hash": info.get("config_hash"),
        "corpus_hash": info.get("corpus_hash"),
        "corpus_version": info.get("corpus_version"),
        "documents_total": len(docs),
        "documents": docs,
        "chunks_total": info.get("chunks_total"),
        "chunks_by_tier": info.get("chunks_by_tier"),
        "chunks_in_store": stored,
        "sparse": info.get("sparse"),
        "healthy": stored == info.get("chunks_total"),
    }


# --------------------------------------------------------------------------- writer


@contextlib.contextmanager
def ingest_lock(config: IngestConfig) -> Iterator[None]:
    """Hold `<store_path>/ingest.lock` (also in server mode) or raise `IngestLockedError`."""
    from filelock import FileLock, Timeout

    store = Path(config.store_path)
    store.mkdir(parents=True, exist_ok=True)
    lock_path = store / LOCK_FILE
    lock = FileLock(str(lock_path), timeout=config.lock_timeout_s)
    try:
        lock.acquire()
    except Timeout as exc:
        raise IngestLockedError(lock_path) from exc
    try:
        yield
    finally:
        lock.release()


def _doc_entries(docs: list[Document], chunks: list[Chunk]) -> list[dict[str, Any]]:
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    out = []
    for d in docs:
        mine = by_doc.get(d.doc_id, [])
        digest = hashlib.sha256("".join(chunk_fingerprint(c) for c in mine).encode()).hexdigest()[:16]
        out.append({
            "doc_id": d.doc_id, "section_id": d.section_id, "title": d.title, "tier": d.tier,
            "source": d.source, "edition": d.edition, "file": Path(d.path).name,
            "chunks": len(mine), "digest": digest,
        })
    return out


class _Target:
    """Where a build is written: a new folder (embedded) or a new collection (server)."""

    def __init__(self, config: IngestConfig, ef: Any) -> None:
        self.config = config
        self.ef = ef
        self.server = bool(config.chroma_host)
        self.store = Path(config.store_path)
        self._server_client: Any = None

    # server client shared by pointer reads, builds and GC
    def server_client(self) -> Any:
        if self._server_client is None:
            try:
                self._server_client = _http_client(self.config)
            except Exception as exc:
                raise IndexUnavailableError(
                    f"cannot reach the {_store_label(self.config)} ({exc.__class__.__name__}: {exc})"
                ) from exc
        return self._server_client

    def close(self) -> None:
        if self._server_client is not None:
            _close(self._server_client)
            self._server_client = None

    def read_pointer(self) -> dict[str, Any] | None:
        try:
            if self.server:
                return read_pointer(self.config, client=self.server_client(), ef=self.ef)
            return read_pointer(self.config)
        except IndexUnavailableError:
            if self.server:
                raise
            log.warning("the live pointer is unreadable; rebuilding from scratch")
            return None

    def live_records(self, info: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], Any]] | None:
        """(id, text, metadata, embedding) of the live build, or None if it can't be read."""
        try:
            if self.server:
                coll = self.server_client().get_collection(str(info["collection"]), embedding_function=self.ef)
                return list(_iter_records(coll, embeddings=True))
            client, coll = _open_collection(self.config, info, self.ef)
            try:
                return list(_iter_records(coll, embeddings=True))
            finally:
                _close(client)
        except Exception as exc:  # noqa: BLE001 (a broken live build must not block a rebuild)
            log.warning("cannot read the live build %s (%s); re-embedding everything", info.get("build_id"), exc)
            return None

    def live_ok(self, info: dict[str, Any]) -> bool:
        try:
            if self.server:
                coll = self.server_client().get_collection(str(info["collection"]), embedding_function=self.ef)
                return int(coll.count()) == int(info.get("chunks_total", -1))
            client, coll = _open_collection(self.config, info, self.ef)
            try:
                return int(coll.count()) == int(info.get("chunks_total", -1))
            finally:
                _close(client)
        except Exception:  # noqa: BLE001
            return False

    def create(self, build_id: str, name: str, meta: dict[str, Any]) -> tuple[Any, Any, str | None]:
        """(client, collection, relative path) of a fresh, empty build."""
        configuration = {"hnsw": {"space": "cosine"}}
        if self.server:
            client = self.server_client()
            coll = client.create_collection(name, configuration=configuration, metadata=meta,
                                            embedding_function=self.ef)
            return client, coll, None
        rel = f"{BUILDS_DIR}/{build_id}"
        path = self.store / rel
        path.mkdir(parents=True, exist_ok=False)
        client = _persistent_client(path)
        coll = client.create_collection(name, configuration=configuration, metadata=meta, embedding_function=self.ef)
        return client, coll, rel

    def write_sparse(self, build_id: str, rel: str | None, chunks: list[Chunk], terms: ChunkTerms) -> dict[str, Any]:
        """Build and write the sparse index of a build that is not yet live; its pointer entry."""
        from ingest.sparse import SparseIndex

        ordered = sorted(chunks, key=lambda c: (c.doc_id, c.chunk_no))  # the order `all_chunks` reads them back
        index = SparseIndex.build(ordered, terms, fingerprint=terms.fingerprint, build_id=build_id)
        if not self.server:  # inside the unpublished build folder: switched (and deleted) with it
            sparse_rel = f"{rel}/{SPARSE_DIR}"
            return {"path": sparse_rel, **index.save(self.store / sparse_rel)}
        root = self.store / SPARSE_DIR
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f".{build_id}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        summary = index.save(tmp)
        os.replace(tmp, root / build_id)
        _fsync_dir(root)
        return {"path": f"{SPARSE_DIR}/{build_id}", **summary}

    def publish(self, client: Any, info: dict[str, Any]) -> None:
        """Make `info` the live pointer (atomic switch)."""
        if self.server:
            pointer = _server_pointer_collection(client, self.ef, create=True)
            pointer.modify(metadata={"live": json.dumps(info, sort_keys=True)})
            return
        _close(client)
        _fsync_tree(self.store / str(info["path"]))
        _fsync_dir(self.store / BUILDS_DIR)
        _write_json_atomic(self.store / LIVE_FILE, info)

    def discard(self, client: Any, name: str, rel: str | None) -> None:
        """Drop a build that failed before being published."""
        with contextlib.suppress(Exception):
            if self.server:
                build_id = name.rsplit("_", 1)[-1]
                shutil.rmtree(self.store / SPARSE_DIR / build_id, ignore_errors=True)
                shutil.rmtree(self.store / SPARSE_DIR / f".{build_id}.tmp", ignore_errors=True)
                client.delete_collection(name)
            else:
                _close(client)
                shutil.rmtree(self.store / str(rel), ignore_errors=True)

    def _gc_sparse(self, keep: dict[str, Any] | None) -> None:
        """Server mode: delete the sparse folders of every build but `keep` (a reader that still maps an old
        one keeps reading it: deleted files live on until unmapped)."""
        root = self.store / SPARSE_DIR
        if not root.is_dir():
            return
        keep_id = str(keep.get("build_id")) if keep else None
        for child in root.iterdir():
            if child.name != keep_id:
                shutil.rmtree(child, ignore_errors=True)

    def gc(self, keep: dict[str, Any] | None) -> list[str]:
        """Delete every build except `keep` (old builds and stale incomplete ones)."""
        removed: list[str] = []
        if self.server:
            client = self.server_client()
            for coll in client.list_collections():
                name = coll if isinstance(coll, str) else coll.name
                if _BUILD_COLLECTION_RE.match(name) and (keep is None or name != keep.get("collection")):
                    with contextlib.suppress(Exception):
                        client.delete_collection(name)
                        removed.append(name)
            self._gc_sparse(keep)
            return removed
        builds = self.store / BUILDS_DIR
        if not builds.is_dir():
            return removed
        keep_rel = str(keep.get("path")) if keep else None
        for child in builds.iterdir():
            if f"{BUILDS_DIR}/{child.name}" != keep_rel:
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child.name)
        for tmp in self.store.glob(f".{LIVE_FILE}.*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
        return removed


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def build_index(
    chunks: list[Chunk],
    docs: list[Document],
    config: IngestConfig,
    embedder: Embeddings,
    *,
    progress: Progress | None = None,
    corpus_version: str | None = None,
) -> dict[str, Any]:
    """Write `chunks` as the new live build (or nothing if unchanged). Caller holds the lock.

    Returns a dict with build_id, collection, skipped_write, added, updated, unchanged, removed,
    embedded, documents_added/changed/removed and the new pointer `info`.
    """
    model_id = embedder_model_id(embedder)
    cfg = config_hash(config, model_id)
    new_hash = corpus_hash(chunks, cfg)
    from ingest.sparse import SparseIndexError, load_terms

    try:
        terms = load_terms(config.sparse_tokenizer) if config.sparse_tokenizer else None
    except SparseIndexError as exc:
        raise IngestError(str(exc)) from exc
    ef = make_chroma_function(embedder)
    target = _Target(config, ef)
    try:
        live = target.read_pointer()
        target.gc(live)
        if (live and live.get("corpus_hash") == new_hash and live.get("config_hash") == cfg
                and _sparse_current(config, live, terms) and target.live_ok(live)):
            log.info("index unchanged (build %s); nothing written", live["build_id"])
            return {
                "build_id": live["build_id"], "collection": live["collection"], "skipped_write": True,
                "added": 0, "updated": 0, "unchanged": len(chunks), "removed": 0, "embedded": 0,
                "documents_added": [], "documents_changed": [], "documents_removed": [], "info": live,
            }
        return _write_build(chunks, docs, config, embedder, target, live, cfg, new_hash, progress, corpus_version,
                            terms)
    except IngestError:
        raise
    except Exception as exc:  # disk full, Chroma write failure: the half-written build is already discarded
        raise IngestWriteError(
            f"could not write the new index build in the {_store_label(config)} ({exc.__class__.__name__}: "
            f"{exc}); the previous index is still live. Check free disk space, then run `allguide ingest` again"
        ) from exc
    finally:
        target.close()


def _write_build(
    chunks: list[Chunk], docs: list[Document], config: IngestConfig, embedder: Embeddings, target: _Target,
    live: dict[str, Any] | None, cfg: str, new_hash: str, progress: Progress | None, corpus_version: str | None,
    terms: ChunkTerms | None = None,
) -> dict[str, Any]:
    old_records = target.live_records(live) if live else None
    old_fp = {rid: _record_fingerprint(rid, meta) for rid, _t, meta, _e in old_records or []}
    same_config = bool(live) and live.get("config_hash") == cfg  # type: ignore[union-attr]
    reusable: dict[str, Any] = {}
    if same_config:
        reusable = {_text_key(text): emb for _i, text, _m, emb in old_records or []}
    new_ids = {c.chunk_id for c in chunks}
    if same_config:
        unchanged = sum(1 for c in chunks if old_fp.get(c.chunk_id) == chunk_fingerprint(c))
        # same text (id) but other metadata, e.g. char offsets moved by an edit earlier in the document
        updated = sum(1 for c in chunks if c.chunk_id in old_fp and old_fp[c.chunk_id] != chunk_fingerprint(c))
        removed = sum(1 for rid in old_fp if rid not in new_ids)
    else:  # another model or chunker: every old record goes, every new one is written
        unchanged, updated, removed = 0, 0, len(old_fp)

    build_id = new_build_id()
    name = collection_base(cfg) + (f"_{build_id}" if target.server else "")
    meta = {"build_id": build_id, "config_hash": cfg, "schema": SCHEMA_VERSION}
    client, coll, rel = target.create(build_id, name, meta)
    log.info("writing build %s (%s)", build_id, name)
    try:
        to_copy = [c for c in chunks if _text_key(c.text) in reusable]
        to_embed = [c for c in chunks if _text_key(c.text) not in reusable]
        copy_batch = max(1, min(1000, _max_batch(client)))
        for batch in _batches(to_copy, copy_batch):
            _upsert(coll, batch, [reusable[_text_key(c.text)] for c in batch])
        if progress:
            progress(0, len(to_embed))
        done = 0
        for batch in _batches(to_embed, config.batch_size):
            vectors = embedder.embed_documents([c.text for c in batch])
            _upsert(coll, batch, vectors)
            done += len(batch)
            if progress:
                progress(done, len(to_embed))
        stored = int(coll.count())
        if stored != len(new_ids):
            raise IndexUnavailableError(f"build {build_id} holds {stored} records, expected {len(new_ids)}")
        entries = _doc_entries(docs, chunks)
        sparse = target.write_sparse(build_id, rel, chunks, terms) if terms is not None else None
        info = {
            "schema": SCHEMA_VERSION,
            "build_id": build_id,
            "mode": "server" if target.server else "embedded",
            "collection": name,
            "path": rel,
            "embedding_model": embedder_model_id(embedder),
            "config_hash": cfg,
            "chunker": {"min_words": config.min_words, "max_words": config.max_words, "version": CHUNKER_VERSION},
            "corpus_hash": new_hash,
            "corpus_version": corpus_version,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "documents": entries,
            "chunks_total": len(chunks),
            "chunks_by_tier": {t: n for t in TIERS if (n := Counter(c.tier for c in chunks)[t])},
            "sparse": sparse,
        }
        target.publish(client, info)
    except BaseException:
        target.discard(client, name, rel)
        raise
    target.gc(info)
    old_docs = {d["doc_id"]: d.get("digest") for d in (live or {}).get("documents", [])}
    if live and live.get("config_hash") != cfg:
        old_docs = {k: None for k in old_docs}  # config change: every document is rewritten
    new_docs = {d["doc_id"]: d["digest"] for d in entries}
    return {
        "build_id": build_id, "collection": name, "skipped_write": False,
        "added": len(chunks) - unchanged - updated, "updated": updated, "unchanged": unchanged, "removed": removed, "embedded": len(to_embed),
        "documents_added": sorted(d for d in new_docs if d not in old_docs),
        "documents_changed": sorted(d for d in new_docs if d in old_docs and old_docs[d] != new_docs[d]),
        "documents_removed": sorted(d for d in old_docs if d not in new_docs),
        "info": info,
    }


def _sparse_current(config: IngestConfig, live: dict[str, Any], terms: ChunkTerms | None) -> bool:
    """True when the live build's sparse index is what this ingest would write (same tokenizer, files there)."""
    if terms is None:
        return True
    sparse = live.get("sparse")
    if not isinstance(sparse, dict) or sparse.get("fingerprint") != terms.fingerprint:
        return False
    from ingest.sparse import META_FILE

    folder = sparse_folder(config, live)
    return folder is not None and (folder / META_FILE).is_file()


def _max_batch(client: Any) -> int:
    try:
        return int(client.get_max_batch_size())
    except Exception:  # noqa: BLE001
        return 1000


def _upsert(collection: Any, batch: list[Chunk], vectors: list[Any]) -> None:
    collection.upsert(
        ids=[c.chunk_id for c in batch],
        embeddings=[list(map(float, v)) for v in vectors],
        documents=[c.text for c in batch],
        metadatas=[c.to_metadata() for c in batch],
    )
