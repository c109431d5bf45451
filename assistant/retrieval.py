"""Hybrid retrieval: BM25 (clinical tokenizer, rank-bm25's Okapi scores) + dense Chroma search, fused by reciprocal
rank. BM25 reads the sparse index `allguide ingest` persisted with the build (`ingest.sparse`, memory-mapped), and
chunk texts are read from the store by id when a question needs them (then cached), so opening a large index
takes seconds.

Example:
    >>> rrf([["a", "b"], ["b", "c"]], k=60)["b"] > rrf([["a", "b"], ["b", "c"]], k=60)["a"]
    True
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from assistant.compose.cues import cue, says
from assistant.ja import english_only
from assistant.models import Chunk, PatientFacts, RetrievedChunk
from assistant.rules.logic import RuleBook
from assistant.text import (
    DRUG_TOKENS,
    POPULATION_TOKENS,
    TRIAL_RE,
    chunk_sentences,
    first_of,
    term_at,
    tokenize,
    trial_keys,
    words,
)
from ingest.japanese import has_japanese
from ingest.japanese import terms as japanese_terms
from ingest.sparse import SparseIndex


#: Questions that ask about trial data want the evidence tier; all others lean to guideline statements.
def evidence_intent(question: str) -> bool:
    """The question asks about trials, results or a named study (the evidence tier answers it)."""
    return says(question, "evidence_question") or any(
        w.startswith("lal") and w[3:].isdecimal() and len(w) > 3 for w in words(question))


META_INTENT = re.compile(
    r"\b(?:cq|clinical\s+questions?|grades?|grading|categor(?:y|ies)|levels?\s+of\s+evidence|edition|versions?"
    r"|published|minds|corpus|sources?|references?|doi|authors?|label|package\s+insert|jshct|jspho|definition"
    r"|define|what\s+is\s+(?:aya|mrd|lbl|cr1|cr2)|not\s+(?:contain|cover|include)|distinguish\w*|differen\w*"
    r"|differ|diagnos\w*\s+(?:of|as)\s+lbl)\b",
    re.IGNORECASE,
)
TIER_PRIOR = 0.3  # in units of 1/(rrf_k+1): enough to break near-ties, not to override a clear ranking
#: The corpus sections of definitions and background terms (corpus/c05-definitions.md), searched for every
#: definition question beside the ranking.
DEFINITIONS_SECTIONS = ("context/definitions",)
#: Words a definition question shares with any text: no sign that a definitions chunk names its term.
_FILLER = frozenset({"all", "adult", "adults", "patient", "patients", "mean", "means", "meant", "defined", "define"})
MAX_PER_DOC = 2  # per document and tier: a guideline document's evidence or context sections do not crowd it out

#: (question, n, tier) -> [(chunk_id, cosine distance)], best first.
DenseSearch = Callable[[str, int, str | None], list[tuple[str, float]]]
Mode = Literal["hybrid", "dense", "bm25"]


def rrf(rankings: Sequence[Sequence[str]], *, k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion of several ranked id lists (pure)."""
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return dict(scores)


def chunk_search_text(chunk: Chunk) -> str:
    return " ".join([chunk.title, *chunk.heading_path, chunk.text])


_RELAPSE_WORDS = "relapsed or refractory re-induction salvage options"

def _pointer(sentence: str) -> bool:
    """A sentence that sends the reader to another document instead of saying the thing itself ("... are described
    in the toxicity notes document", "see the context document")."""
    for part in sentence.split("."):
        start = first_of(part, cue("pointer_start"))
        if start is not None and term_at(part, "document", start[1]) >= 0:
            return True
    return False


class _ChunkTerms:
    """A chunk's BM25 terms: the clinical tokenizer over its title, headings and text. This is the tokenizer of
    the sparse index `allguide ingest` persists (`IngestConfig.sparse_tokenizer` names it); its `fingerprint`
    changes with the tokenizer's source, so an index made by another version is rebuilt instead of misread."""

    def __call__(self, chunk: Chunk) -> list[str]:
        return tokenize(chunk_search_text(chunk))

    @functools.cached_property
    def fingerprint(self) -> str:
        from assistant import text
        from ingest import japanese

        h = hashlib.sha256(Path(text.__file__).read_bytes())
        h.update(Path(japanese.__file__).read_bytes())  # (the Japanese terms: SudachiPy's, ingest.japanese)
        h.update(inspect.getsource(chunk_search_text).encode())
        return h.hexdigest()[:16]


chunk_terms = _ChunkTerms()
#: What `Settings.ingest_config()` passes to ingest as `sparse_tokenizer`.
SPARSE_TOKENIZER = "assistant.retrieval:chunk_terms"


class ChunkStore(Protocol):
    """Where a retriever on a persisted sparse index reads chunks by id (the live index, errors mapped)."""

    @property
    def build_id(self) -> str: ...

    def get(self, chunk_ids: list[str]) -> list[Chunk]: ...

    def open_sparse(self, fingerprint: str | None = None) -> SparseIndex | None: ...

    def all_chunks(self) -> list[Chunk]: ...


class _Build:
    """Everything the retriever knows about one build: the sparse index, per-row lookups, a chunk cache."""

    def __init__(self, sparse: SparseIndex, chunks: Sequence[Chunk] | None, cache_size: int) -> None:
        self.sparse = sparse
        self.row_tier: list[str] = [sparse.tiers[t] for t in sparse.chunk_tier.tolist()]
        self.row_doc: list[int] = sparse.chunk_doc.tolist()
        self.section_rows: dict[str, list[str]] = defaultdict(list)  # section id -> chunk ids, in row order
        for row, sec in enumerate(sparse.chunk_section.tolist()):
            self.section_rows[sparse.section_ids[sec]].append(sparse.ids[row])
        self.all = list(chunks) if chunks is not None else None  # held in memory (no store to read from)
        self.cache: OrderedDict[str, Chunk] = OrderedDict((c.chunk_id, c) for c in self.all or [])
        self.cache_size = max(cache_size, len(self.cache))
        self.trial_index: dict[str, set[str]] | None = None  # evidence section -> the trials it names

    def tier(self, chunk_id: str) -> str:
        return self.row_tier[self.sparse.pos[chunk_id]]

    def doc(self, chunk_id: str) -> int:
        return self.row_doc[self.sparse.pos[chunk_id]]


class _LazyChunks(Sequence[Chunk]):
    """Every chunk of the index, in row order, read from the store as it is used (len and bool are free)."""

    _PAGE = 500

    def __init__(self, retriever: HybridRetriever, build: _Build) -> None:
        self._r = retriever
        self._b = build

    def __len__(self) -> int:
        return self._b.sparse.n

    def __getitem__(self, i: Any) -> Any:
        ids = self._b.sparse.ids
        if isinstance(i, slice):
            return self._r._fetch(ids[i], self._b)
        found = self._r._fetch([ids[i]], self._b)
        if not found:
            raise IndexError(f"chunk row {i} is no longer in the store")
        return found[0]

    def __iter__(self) -> Iterator[Chunk]:
        ids = self._b.sparse.ids
        for at in range(0, len(ids), self._PAGE):
            yield from self._r._fetch(ids[at:at + self._PAGE], self._b)


class _ChunksById(Mapping[str, Chunk]):
    """chunk_id -> Chunk over the whole index; membership is free, a chunk is read from the store on first use."""

    def __init__(self, retriever: HybridRetriever, build: _Build) -> None:
        self._r = retriever
        self._b = build

    def __getitem__(self, chunk_id: str) -> Chunk:
        found = self._r._fetch([chunk_id], self._b) if chunk_id in self._b.sparse.pos else []
        if not found:
            raise KeyError(chunk_id)
        return found[0]

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._b.sparse.pos

    def __iter__(self) -> Iterator[str]:
        return iter(self._b.sparse.ids)

    def __len__(self) -> int:
        return self._b.sparse.n


class _ChunksBySection(Mapping[str, list[Chunk]]):
    """section_id -> its chunks in order, read from the store on first use."""

    def __init__(self, retriever: HybridRetriever, build: _Build) -> None:
        self._r = retriever
        self._b = build

    def __getitem__(self, section_id: str) -> list[Chunk]:
        if section_id not in self._b.section_rows:
            raise KeyError(section_id)
        return self._r._fetch(self._b.section_rows[section_id], self._b)

    def __iter__(self) -> Iterator[str]:
        return iter(self._b.section_rows)

    def __len__(self) -> int:
        return len(self._b.section_rows)


class HybridRetriever:
    """Search the live index by BM25, dense vectors, or both fused; optionally boost patient-matching sections.

    Two ways to build one: from `chunks` held in memory (BM25 is indexed on the spot), or from the sparse index
    `allguide ingest` persisted (`sparse`) plus the `store` chunks are read from by id, so opening a large index
    costs a memory map, not a pass over every chunk. A retriever on a store follows the store's live build.
    """

    def __init__(
        self,
        chunks: Sequence[Chunk] | None = None,
        dense_search: DenseSearch | None = None,
        *,
        candidates: int = 30,
        rrf_k: int = 60,
        mode: Mode = "hybrid",
        rulebook: RuleBook | None = None,
        patient_boost: bool = True,
        sparse: SparseIndex | None = None,
        store: ChunkStore | None = None,
        cache_size: int = 20_000,
    ) -> None:
        if sparse is not None and store is None:
            raise ValueError("a persisted sparse index needs the store its chunks are read from")
        self.dense_search = dense_search
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.mode: Mode = mode
        self.rulebook = rulebook
        self.patient_boost = patient_boost
        self.store = store
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._terms_memo: dict[str, frozenset[str]] = {}  # chunk_id -> the terms it speaks about
        self._bonus_memo: dict[str, dict[str, float]] = {}  # patient facts (JSON) -> section bonus
        self._state = self._new_build(sparse, None if sparse is not None else list(chunks or []))

    # -- the build the retriever reads ------------------------------------------------------------------

    def _new_build(self, sparse: SparseIndex | None, chunks: list[Chunk] | None) -> _Build:
        if sparse is None:
            sparse = SparseIndex.build(chunks or [], chunk_terms, fingerprint="in-memory",
                                       build_id=self.store.build_id if self.store is not None else None)
        return _Build(sparse, chunks, self.cache_size)

    def _current(self) -> _Build:
        """The state of the store's live build (switched here once another ingest has replaced it)."""
        state = self._state
        if self.store is None or self.store.build_id == state.sparse.build_id:
            return state
        with self._lock:
            if self.store.build_id != self._state.sparse.build_id:
                sparse = self.store.open_sparse(chunk_terms.fingerprint)
                self._state = self._new_build(sparse, None if sparse is not None else self.store.all_chunks())
                self._terms_memo = {}
            return self._state

    def _fetch(self, chunk_ids: Sequence[str], state: _Build | None = None) -> list[Chunk]:
        """Chunks by id, in the order given (ids not in the index, or gone from the store, are skipped): from the
        cache, the rest in one read from the store."""
        st = state or self._current()
        found: dict[str, Chunk] = {}
        missing: list[str] = []
        with self._lock:
            for cid in chunk_ids:
                c = st.cache.get(cid)
                if c is None:
                    if cid in st.sparse.pos:
                        missing.append(cid)
                else:
                    found[cid] = c
                    st.cache.move_to_end(cid)
        if missing and self.store is not None and st.all is None:
            fetched = self.store.get(list(dict.fromkeys(missing)))
            with self._lock:
                for c in fetched:
                    found[c.chunk_id] = st.cache[c.chunk_id] = c
                while len(st.cache) > st.cache_size:
                    st.cache.popitem(last=False)
        return [found[cid] for cid in chunk_ids if cid in found]

    def cache_info(self) -> dict[str, Any]:
        """How many chunks the index holds, how many have been read from the store so far, whether all are held."""
        st = self._current()
        return {"chunks": st.sparse.n, "cached": len(st.cache), "in_memory": st.all is not None,
                "build_id": st.sparse.build_id}

    @property
    def sparse(self) -> SparseIndex:
        return self._current().sparse

    @property
    def chunks(self) -> Sequence[Chunk]:
        """Every chunk (a list when held in memory; otherwise read from the store as used, len() is free)."""
        st = self._current()
        return st.all if st.all is not None else _LazyChunks(self, st)

    @property
    def by_id(self) -> Mapping[str, Chunk]:
        return _ChunksById(self, self._current())

    @property
    def by_section(self) -> Mapping[str, list[Chunk]]:
        return _ChunksBySection(self, self._current())

    def is_rare(self, token: str, share: float = 0.1) -> bool:
        """True when `token` occurs in fewer than `share` of the indexed chunks (a specific term, not a common one)."""
        sparse = self.sparse
        df = sparse.df(token)
        return 0 < df < share * sparse.n

    def uncovered_term_chunks(self, question: str, have: Sequence[Chunk], n: int = 2) -> list[Chunk]:
        """For a second part of a question ("... and any toxicity to watch?"): chunks for the question's rare terms
        that none of `have` contains, found by BM25 on those terms together with the question's other rare terms."""
        rare = [t for t in dict.fromkeys(tokenize(question)) if self.is_rare(t) and not t.isdigit()]
        present: set[str] = set()
        for c in have:
            present |= self._own_terms(c)
        missing = [t for t in rare if t not in present]
        ids = {c.chunk_id for c in have}
        out: list[Chunk] = []
        if missing:
            ranked = self.bm25_ranking(" ".join(missing + [t for t in rare if t not in missing]), n + len(ids))
            out = self._fetch([cid for cid in ranked if cid not in ids][:n])
        # a term may still lack the chunk joining it with the disease the question names ("high WBC in Ph+
        # disease"): the best chunk for the term and that disease together
        # (or the drug it names: "blinatumomab ... any tox?" wants blinatumomab's toxicity, not nelarabine's)
        disease = [t for t in dict.fromkeys(tokenize(question)) if t in POPULATION_TOKENS or t in DRUG_TOKENS]
        if not disease:
            return out
        for term in [t for t in rare if t in present and t not in DRUG_TOKENS][:1]:
            taken = {c.chunk_id for c in out}
            fresh = [cid for cid in self.bm25_ranking(" ".join([term, *disease]), 3 + len(ids))
                     if cid not in ids and cid not in taken]
            out += self._fetch(fresh[:1])
        population = [t for t in disease if t in POPULATION_TOKENS]
        for term in [t for t in missing if t not in DRUG_TOKENS][:1] if population else []:
            out += self._joining_chunks(term, population, {*ids, *(c.chunk_id for c in out)})[:1]
        return out

    def _joining_chunks(self, term: str, population: Sequence[str], skip: set[str], n: int = 8) -> list[Chunk]:
        """Chunks with a sentence that names `term` in the question's population ("a white blood cell count below
        30x10^9/L ... in Ph-positive ALL"), best BM25 first: not a chunk that names them in separate sentences."""
        out: list[Chunk] = []
        ranked = [cid for cid in self.bm25_ranking(" ".join([term, *population]), n + len(skip)) if cid not in skip]
        for chunk in self._fetch(ranked):
            if any({term, *population} <= set(tokenize(sent))
                   for sent in chunk_sentences(chunk.text) if not _pointer(sent)):
                out.append(chunk)
        return out

    def trial_sections(self, question: str) -> list[str]:
        """The evidence sections of the trials a question names ("ALL202-O", "TOWER vs INO-VATE"), from an index
        of document titles built on first use (not a scan of every chunk per question)."""
        keys = trial_keys(question)
        if not keys:
            return []
        st = self._current()
        if st.trial_index is None:
            sp = st.sparse
            ev = sp.tier_code("evidence")
            index: dict[str, set[str]] = defaultdict(set)  # in the order of the index
            rows = np.flatnonzero(np.asarray(sp.chunk_tier) == ev)
            for sec, doc in dict.fromkeys(zip(np.asarray(sp.chunk_section)[rows].tolist(),
                                              np.asarray(sp.chunk_doc)[rows].tolist(), strict=True)):
                index[sp.section_ids[sec]] |= trial_keys(sp.doc_titles[doc])
            st.trial_index = dict(index)
        return [sid for sid, names in st.trial_index.items() if names & keys]

    def _own_terms(self, chunk: Chunk) -> frozenset[str]:
        """The terms a chunk itself speaks about (a pointer, "... are described in the toxicity notes document",
        covers nothing), memoised per chunk."""
        terms = self._terms_memo.get(chunk.chunk_id)
        if terms is None:
            terms = frozenset(t for sent in chunk_sentences(chunk.text) if not _pointer(sent)
                              for t in tokenize(sent))
            self._terms_memo[chunk.chunk_id] = terms
        return terms

    def definition_chunks(self, question: str, n: int = 3) -> list[Chunk]:
        """Chunks that define the question's terms: BM25 on the question with the words definitions use, and the
        corpus's definitions section's chunks naming one of its words (a guideline section naming the term many
        times outranks the one line defining it)."""
        ranked = self._fetch(self.bm25_ranking(question + " defined conventionally means", n))
        words = set(tokenize(question))
        return [*ranked, *(c for c in self.section_chunks(list(DEFINITIONS_SECTIONS))
                           if c not in ranked and words & set(tokenize(c.text)) - _FILLER)]

    def bm25_ranking(self, question: str, n: int, tier: str | None = None) -> list[str]:
        sparse = self.sparse
        return [sparse.ids[row] for row in sparse.top(tokenize(question), n, tier=tier)]

    def japanese_ranking(self, question: str, n: int, tier: str | None = None) -> list[str]:
        if not has_japanese(question):
            return []
        sparse = self.sparse
        return [sparse.ids[row] for row in sparse.top(japanese_terms(question), n, tier=tier)]

    def dense_ranking(self, question: str, n: int, tier: str | None = None) -> list[str]:
        if self.dense_search is None:
            return []
        # (the English embedding reads the English of a question; Japanese words in it are for BM25: ja.search_text)
        question = english_only(question)
        pos = self.sparse.pos
        return [cid for cid, _ in self.dense_search(question, min(n, len(pos)), tier) if cid in pos]

    def section_bonus(self, facts: PatientFacts | None) -> dict[str, float]:
        """Sections whose rule conditions the patient meets get a bonus; contradicted ones a malus (memoised per
        set of facts: the rules do not change between questions)."""
        if not (self.patient_boost and facts is not None and self.rulebook is not None):
            return {}
        key = facts.model_dump_json()
        bonus = self._bonus_memo.get(key)
        if bonus is None:
            bonus = self._section_bonus(facts)
            if len(self._bonus_memo) >= 4096:
                self._bonus_memo.clear()
            self._bonus_memo[key] = bonus
        return bonus

    def _section_bonus(self, facts: PatientFacts) -> dict[str, float]:
        assert self.rulebook is not None
        unit = 1.0 / (self.rrf_k + 1)
        bonus: dict[str, float] = {}
        for rule in self.rulebook.rules:
            if not rule.when or rule.requires_topic:  # (a rule for one topic does not steer every question)
                continue
            cond = rule.condition(facts)
            for sid in rule.section_ids:
                # (a relapse whose lineage or Ph status is not given: every relapse section, not MRD ones)
                if cond is True or (cond is None and facts.phase in ("relapsed", "refractory") and "phase" in rule.when):
                    bonus[sid] = max(bonus.get(sid, 0.0), 0.5 * unit)
                elif cond is False and sid not in bonus:
                    bonus[sid] = -0.3 * unit
        return bonus

    def search(
        self,
        question: str,
        *,
        facts: PatientFacts | None = None,
        k: int = 5,
        tier: str | None = None,
        mode: Mode | None = None,
    ) -> list[RetrievedChunk]:
        """Top-k chunks for a question, best first."""
        mode = mode or self.mode
        st = self._current()
        n = max(self.candidates, k)
        if (facts is not None and facts.phase in ("relapsed", "refractory") and not TRIAL_RE.search(question)
                and not DRUG_TOKENS & set(tokenize(question))):  # (a question naming its drug has its subject)
            # a relapse is answered by the relapse sections: their own words steer a terse question there
            # ("Relapsed ALL, what next?" otherwise meets MRD and post-transplant text first)
            question = f"{question} {_RELAPSE_WORDS}"
        bm = self.bm25_ranking(question, n, tier) if mode in ("hybrid", "bm25") else []
        dn = self.dense_ranking(question, n, tier) if mode in ("hybrid", "dense") else []
        # Japanese words in the question (ja.search_text): their own BM25 ranking, so a user's Japanese document,
        # which the English embedding cannot see, still competes (an English question has none: unchanged)
        ja = self.japanese_ranking(question, n, tier) if mode in ("hybrid", "bm25") else []
        fused = rrf([r for r in (bm, dn, ja) if r], k=self.rrf_k)
        for sid, b in self.section_bonus(facts).items():
            for cid in st.section_rows.get(sid, ()):
                if cid in fused:
                    fused[cid] += b
        intent = None
        if tier is None and not says(question, "toxicity_question"):
            intent = ("context" if META_INTENT.search(question) else
                      "evidence" if evidence_intent(question) else "guideline")
            unit = 1.0 / (self.rrf_k + 1)
            for cid in fused:
                if st.tier(cid) == intent:
                    fused[cid] += TIER_PRIOR * unit
        order: list[tuple[str, float]] = []
        per_doc: dict[tuple[int, str], int] = defaultdict(int)  # (a g-file's evidence and context sections do
        for cid, score in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])):  # not crowd out its guideline ones)
            doc = (st.doc(cid), st.tier(cid))
            # (a question about the guideline itself reads its one document's sections: "which edition, what came
            # before it, how was it revised?" is answered by three sections of the edition document)
            if per_doc[doc] >= MAX_PER_DOC + (intent == "context" == doc[1]):
                continue
            per_doc[doc] += 1
            order.append((cid, score))
            if len(order) == k:
                break
        bm_rank = {cid: i for i, cid in enumerate(bm, 1)}
        dn_rank = {cid: i for i, cid in enumerate(dn, 1)}
        chunks = {c.chunk_id: c for c in self._fetch([cid for cid, _ in order], st)}
        order = [(cid, score) for cid, score in order if cid in chunks]  # (a chunk gone from a replaced build)
        return [
            RetrievedChunk(chunk=chunks[cid], score=score, rank=i, dense_rank=dn_rank.get(cid),
                           bm25_rank=bm_rank.get(cid))
            for i, (cid, score) in enumerate(order, 1)
        ]

    def ranked_sections(self, text: str, n: int, tier: str | None = None) -> list[str]:
        """The sections of the `n` best chunks for `text` by BM25 alone (terms, not the question's whole wording)."""
        return list(dict.fromkeys(c.section_id for c in self._fetch(self.bm25_ranking(text, n, tier=tier))))

    def section_chunks(self, section_ids: Sequence[str]) -> list[Chunk]:
        st = self._current()
        return self._fetch([cid for sid in section_ids for cid in st.section_rows.get(sid, ())], st)
