"""The persisted sparse (BM25) index: built once at ingest, memory-mapped at start.

Scores are rank-bm25's `BM25Okapi` exactly (k1=1.5, b=0.75, negative idf floored at 0.25 x the mean idf),
precomputed per (term, chunk) at ingest, so a query only adds the postings of its terms. The index also
holds what retrieval needs about every chunk without its text: id, tier, document and section (the chunk
texts and metadata stay in Chroma and are read by id when needed).

Files of one index folder (written into the build, so it is switched and deleted with it):

- ``sparse.json``: format, tokenizer fingerprint, BM25 parameters, vocabulary (terms in first-seen order),
  chunk ids (in `(doc_id, chunk_no)` order), document ids and titles, section ids, tier names
- ``indptr.npy`` (int64, terms + 1), ``rows.npy`` (int32), ``weights.npy`` (float64): the postings of term
  ``t`` are ``rows[indptr[t]:indptr[t+1]]`` with their precomputed BM25 weights
- ``chunk_tier.npy`` (int8), ``chunk_doc.npy`` (int32), ``chunk_section.npy`` (int32): per chunk row

The terms come from a tokenizer the caller names (`IngestConfig.sparse_tokenizer`, "module:attribute": a
callable `chunk -> list[str]` with a `fingerprint` string that changes whenever its output can change), so
ingest stays independent of the assistant's tokenizer while using exactly the same one.

Example:
    >>> from ingest.models import Chunk
    >>> def words(c): return c.text.lower().split()
    >>> cs = [Chunk(chunk_id=str(i), doc_id="d", section_id="s", title="T", tier="guideline", source="x",
    ...             text=t, chunk_no=i, char_start=0, char_end=1) for i, t in enumerate(["a b", "b c", "c d"])]
    >>> idx = SparseIndex.build(cs, words, fingerprint="demo")
    >>> [idx.ids[i] for i in idx.top(["d"], 1)], idx.df("b")
    (['2'], 2)
"""

from __future__ import annotations

import importlib
import json
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ingest.models import TIERS, Chunk

FORMAT = 1
META_FILE = "sparse.json"
_ARRAYS = ("indptr", "rows", "weights", "chunk_tier", "chunk_doc", "chunk_section")
K1, B, EPSILON = 1.5, 0.75, 0.25  # rank-bm25's BM25Okapi defaults


class ChunkTerms(Protocol):
    """What `IngestConfig.sparse_tokenizer` names: chunk -> terms, plus a fingerprint of the tokenizer."""

    fingerprint: str

    def __call__(self, chunk: Chunk) -> Sequence[str]: ...


class SparseIndexError(ValueError):
    """A sparse index folder is missing, incomplete or of another format."""


def load_terms(spec: str) -> ChunkTerms:
    """Resolve "module:attribute" to the tokenizer it names.

    Example:
        >>> load_terms("nosuchmodule:terms")
        Traceback (most recent call last):
        ...
        ingest.sparse.SparseIndexError: sparse tokenizer 'nosuchmodule:terms': cannot import nosuchmodule (No module named 'nosuchmodule')
    """
    module, _, attr = spec.partition(":")
    if not module or not attr:
        raise SparseIndexError(f"sparse tokenizer {spec!r}: expected 'module:attribute'")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except ImportError as exc:
        raise SparseIndexError(f"sparse tokenizer {spec!r}: cannot import {module} ({exc})") from exc
    except AttributeError as exc:
        raise SparseIndexError(f"sparse tokenizer {spec!r}: {module} has no attribute {attr!r}") from exc
    if not callable(obj) or not isinstance(getattr(obj, "fingerprint", None), str):
        raise SparseIndexError(f"sparse tokenizer {spec!r}: needs a callable with a string 'fingerprint'")
    return obj  # type: ignore[no-any-return]


class SparseIndex:
    """BM25 postings plus the per-chunk table (id, tier, document, section); see the module docstring."""

    def __init__(self, *, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.meta = meta
        self.fingerprint = str(meta.get("fingerprint", ""))
        self.build_id = meta.get("build_id")
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(meta["vocab"])}
        self.ids: list[str] = list(meta["ids"])
        self.pos: dict[str, int] = {cid: i for i, cid in enumerate(self.ids)}
        self.doc_ids: list[str] = list(meta["doc_ids"])
        self.doc_titles: list[str] = list(meta["doc_titles"])
        self.section_ids: list[str] = list(meta["section_ids"])
        self.tiers: list[str] = list(meta["tiers"])
        # plain ndarray views of the (memory-mapped) arrays: still mapped, but a slice of an np.memmap runs numpy's
        # Python-level memmap bookkeeping (__array_finalize__), several times per query
        self.indptr = np.asarray(arrays["indptr"])
        self.rows = np.asarray(arrays["rows"])
        self.weights = np.asarray(arrays["weights"])
        self.chunk_tier = np.asarray(arrays["chunk_tier"])
        self.chunk_doc = np.asarray(arrays["chunk_doc"])
        self.chunk_section = np.asarray(arrays["chunk_section"])
        if not (len(self.chunk_tier) == len(self.chunk_doc) == len(self.chunk_section) == len(self.ids)
                and len(self.indptr) == len(self.vocab) + 1 and len(self.rows) == len(self.weights)):
            raise SparseIndexError("sparse index arrays do not match its vocabulary and chunk table")

    @property
    def n(self) -> int:
        return len(self.ids)

    # -- building ---------------------------------------------------------------------------------------

    @classmethod
    def build(cls, chunks: Sequence[Chunk], terms: Callable[[Chunk], Sequence[str]], *, fingerprint: str,
              build_id: str | None = None) -> SparseIndex:
        """Index `chunks` in the given order (row i = chunks[i]) with rank-bm25's Okapi scores."""
        vocab: dict[str, int] = {}
        df: list[int] = []
        flat_terms: list[int] = []
        flat_rows: list[int] = []
        flat_tf: list[int] = []
        doc_len = np.zeros(len(chunks), dtype=np.float64)
        total = 0
        for row, chunk in enumerate(chunks):
            toks = list(terms(chunk))
            doc_len[row] = len(toks)
            total += len(toks)
            freqs: dict[str, int] = {}
            for t in toks:
                freqs[t] = freqs.get(t, 0) + 1
            for t, f in freqs.items():
                tid = vocab.get(t)
                if tid is None:
                    tid = vocab[t] = len(df)
                    df.append(0)
                df[tid] += 1
                flat_terms.append(tid)
                flat_rows.append(row)
                flat_tf.append(f)
        n = len(chunks)
        avgdl = total / n if n else 0.0
        idf = _okapi_idf(df, n)
        term_arr = np.asarray(flat_terms, dtype=np.int64)
        order = np.argsort(term_arr, kind="stable")  # rows stay ascending within a term
        rows = np.asarray(flat_rows, dtype=np.int32)[order]
        tf = np.asarray(flat_tf, dtype=np.float64)[order]
        indptr = np.zeros(len(df) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_arr, minlength=len(df)), out=indptr[1:])
        norm = K1 * (1 - B + B * doc_len / avgdl) if n else doc_len
        weights = np.empty(len(rows), dtype=np.float64)
        for tid in range(len(df)):  # the expression of rank-bm25's get_scores, term by term (same rounding)
            a, b = indptr[tid], indptr[tid + 1]
            f = tf[a:b]
            weights[a:b] = (idf[tid] or 0) * (f * (K1 + 1) / (f + norm[rows[a:b]]))
        doc_ids = list(dict.fromkeys(c.doc_id for c in chunks))
        doc_pos = {d: i for i, d in enumerate(doc_ids)}
        titles: dict[str, str] = {}
        for c in chunks:
            titles.setdefault(c.doc_id, c.title)
        section_ids = list(dict.fromkeys(c.section_id for c in chunks))
        sec_pos = {s: i for i, s in enumerate(section_ids)}
        tier_pos = {t: i for i, t in enumerate(TIERS)}
        meta = {
            "format": FORMAT, "fingerprint": fingerprint, "build_id": build_id, "k1": K1, "b": B,
            "epsilon": EPSILON, "n_docs": n, "avgdl": avgdl, "vocab": list(vocab),
            "ids": [c.chunk_id for c in chunks], "doc_ids": doc_ids, "doc_titles": [titles[d] for d in doc_ids],
            "section_ids": section_ids, "tiers": list(TIERS),
        }
        arrays = {
            "indptr": indptr, "rows": rows, "weights": weights,
            "chunk_tier": np.asarray([tier_pos[c.tier] for c in chunks], dtype=np.int8),
            "chunk_doc": np.asarray([doc_pos[c.doc_id] for c in chunks], dtype=np.int32),
            "chunk_section": np.asarray([sec_pos[c.section_id] for c in chunks], dtype=np.int32),
        }
        return cls(meta=meta, arrays=arrays)

    # -- persistence ------------------------------------------------------------------------------------

    def save(self, folder: Path) -> dict[str, Any]:
        """Write the index into `folder` (created; every file fsynced) and return its summary for the pointer."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            path = folder / f"{name}.npy"
            with open(path, "wb") as fh:
                np.save(fh, np.ascontiguousarray(getattr(self, name)), allow_pickle=False)
                fh.flush()
                os.fsync(fh.fileno())
        with open(folder / META_FILE, "w", encoding="utf-8") as fh:  # written last: its presence = complete
            json.dump(self.meta, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        return self.summary()

    def summary(self) -> dict[str, Any]:
        return {"format": FORMAT, "fingerprint": self.fingerprint, "terms": len(self.vocab), "chunks": self.n,
                "postings": int(len(self.rows))}

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = True) -> SparseIndex:
        """Open an index written by `save`; the postings are memory-mapped (read from disk as queries touch them).

        Raises `SparseIndexError` when the folder is missing, incomplete or of another format.
        """
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SparseIndexError(f"no sparse index in {folder}") from exc
        except (OSError, ValueError) as exc:
            raise SparseIndexError(f"cannot read {folder / META_FILE} ({exc})") from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise SparseIndexError(f"{folder / META_FILE}: unknown format {meta.get('format') if isinstance(meta, dict) else meta!r}")
        try:
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
                      for name in _ARRAYS}
            return cls(meta=meta, arrays=arrays)
        except (OSError, ValueError, KeyError) as exc:
            raise SparseIndexError(f"cannot read the sparse index in {folder} ({exc})") from exc

    # -- queries ----------------------------------------------------------------------------------------

    def df(self, term: str) -> int:
        """In how many chunks `term` occurs."""
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk row for the query `terms` (a repeated term counts again, as in rank-bm25)."""
        score = np.zeros(self.n)
        for t in terms:
            tid = self.vocab.get(t)
            if tid is None:
                continue
            a, b = int(self.indptr[tid]), int(self.indptr[tid + 1])
            score[self.rows[a:b]] += self.weights[a:b]
        return score

    def tier_code(self, tier: str) -> int:
        """The code of `tier` in `chunk_tier` (-1 for a tier no chunk can have)."""
        return self.tiers.index(tier) if tier in self.tiers else -1

    def top(self, terms: Sequence[str], n: int, *, tier: str | None = None) -> list[int]:
        """Rows of the `n` best-scoring chunks with a positive score, best first (optionally of one tier)."""
        if not self.n or not terms or n <= 0:
            return []
        scores = self.scores(terms)
        if tier is not None:
            scores = np.where(self.chunk_tier != self.tier_code(tier), -np.inf, scores)
        n = min(n, self.n)
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [int(i) for i in idx if scores[i] > 0]


def _okapi_idf(df: list[int], n: int) -> list[float]:
    """rank-bm25's BM25Okapi._calc_idf: log((N-df+0.5)/(df+0.5)); negative values become epsilon x mean idf."""
    idf = [math.log(n - f + 0.5) - math.log(f + 0.5) for f in df]
    if not idf:
        return idf
    total = 0.0
    for v in idf:  # summed in order, like rank-bm25 (math.fsum or a newer sum() would round differently)
        total += v
    eps = EPSILON * (total / len(idf))
    return [eps if v < 0 else v for v in idf]
