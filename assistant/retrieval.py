"""Hybrid retrieval: BM25 (rank-bm25, clinical tokenizer) + dense Chroma search, fused by reciprocal rank.

Example:
    >>> rrf([["a", "b"], ["b", "c"]], k=60)["b"] > rrf([["a", "b"], ["b", "c"]], k=60)["a"]
    True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
from rank_bm25 import BM25Okapi

from assistant.models import Chunk, PatientFacts, RetrievedChunk
from assistant.rules.logic import RuleBook
from assistant.text import DRUG_TOKENS, POPULATION_TOKENS, TRIAL_RE, chunk_sentences, tokenize, trial_keys

#: Questions that ask about trial data want the evidence tier; all others lean to guideline statements.
EVIDENCE_INTENT = re.compile(
    r"\b(?:trials?|study|studies|evidence|data|results?|outcomes?|survival|randomi[sz]ed|phase\s*(?:2|3|ii|iii)"
    r"|tower|ino-?vate|e1910|blast|eliana|zuma|phallcon|d-?alba|gimema|jalsg|calgb|graaph|all202|all213|lal\d+"
    r"|nishiwaki|md\s*anderson|registry)\b",
    re.IGNORECASE,
)
META_INTENT = re.compile(
    r"\b(?:cq|clinical\s+questions?|grades?|grading|categor(?:y|ies)|levels?\s+of\s+evidence|edition|versions?"
    r"|published|minds|corpus|sources?|references?|doi|authors?|label|package\s+insert|jshct|jspho|definition"
    r"|define|what\s+is\s+(?:aya|mrd|lbl|cr1|cr2)|not\s+(?:contain|cover|include)|distinguish\w*|differen\w*"
    r"|differ|diagnos\w*\s+(?:of|as)\s+lbl)\b",
    re.IGNORECASE,
)
TOX_INTENT = re.compile(
    r"\b(?:toxicit\w*|side[\s-]+effects?|adverse|vod|sos|veno-?occlusive|sinusoidal|crs|cytokine\s+release|icans"
    r"|neurotox\w*|hepatotox\w*|safety|risk\s+of\s+(?:vod|sos|crs))\b",
    re.IGNORECASE,
)
TIER_PRIOR = 0.3  # in units of 1/(rrf_k+1): enough to break near-ties, not to override a clear ranking
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

#: A sentence that sends the reader to another document instead of saying the thing itself.
_POINTER = re.compile(r"\b(?:described|covered|listed|summari[sz]ed|given)\s+in\s+the\b[^.]*\bdocument\b"
                      r"|\bsee\s+the\b[^.]*\bdocument\b", re.IGNORECASE)


class _SparseBM25(BM25Okapi):
    """rank-bm25's Okapi scoring, with an inverted index so a query costs O(postings), not O(corpus)."""

    def __init__(self, corpus: list[list[str]], **kw: float) -> None:
        super().__init__(corpus, **kw)
        self._doc_len = np.asarray(self.doc_len, dtype=np.float64)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        tmp: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, freqs in enumerate(self.doc_freqs):
            for term, f in freqs.items():
                ids, fs = tmp[term]
                ids.append(i)
                fs.append(f)
        for term, (ids, fs) in tmp.items():
            self._postings[term] = (np.asarray(ids, dtype=np.int64), np.asarray(fs, dtype=np.float64))
        self._norm = self.k1 * (1 - self.b + self.b * self._doc_len / self.avgdl)

    def doc_freqs_of(self, term: str) -> int:
        """In how many documents `term` occurs."""
        post = self._postings.get(term)
        return 0 if post is None else len(post[0])

    def get_scores(self, query: list[str]) -> np.ndarray:
        score = np.zeros(self.corpus_size)
        for q in query:
            post = self._postings.get(q)
            if post is None:
                continue
            ids, f = post
            score[ids] += (self.idf.get(q) or 0) * (f * (self.k1 + 1) / (f + self._norm[ids]))
        return score


class HybridRetriever:
    """Search the live index by BM25, dense vectors, or both fused; optionally boost patient-matching sections."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        dense_search: DenseSearch | None,
        *,
        candidates: int = 30,
        rrf_k: int = 60,
        mode: Mode = "hybrid",
        rulebook: RuleBook | None = None,
        patient_boost: bool = True,
    ) -> None:
        self.chunks = list(chunks)
        self.by_id = {c.chunk_id: c for c in self.chunks}
        self.by_section: dict[str, list[Chunk]] = defaultdict(list)
        for c in self.chunks:
            self.by_section[c.section_id].append(c)
        self.dense_search = dense_search
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.mode: Mode = mode
        self.rulebook = rulebook
        self.patient_boost = patient_boost
        self._bm25 = _SparseBM25([tokenize(chunk_search_text(c)) for c in self.chunks]) if self.chunks else None
        self._terms_memo: dict[str, frozenset[str]] = {}  # chunk_id -> the terms it speaks about
        self._trial_index: dict[str, set[str]] | None = None  # evidence section -> the trials it names (built once)

    def is_rare(self, token: str, share: float = 0.1) -> bool:
        """True when `token` occurs in fewer than `share` of the indexed chunks (a specific term, not a common one)."""
        if self._bm25 is None:
            return False
        df = self._bm25.doc_freqs_of(token)
        return 0 < df < share * len(self.chunks)

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
            out = [self.by_id[cid] for cid in ranked if cid not in ids][:n]
        # a term may still lack the chunk joining it with the disease the question names ("high WBC in Ph+
        # disease"): the best chunk for the term and that disease together
        # (or the drug it names: "blinatumomab ... any tox?" wants blinatumomab's toxicity, not nelarabine's)
        disease = [t for t in dict.fromkeys(tokenize(question)) if t in POPULATION_TOKENS or t in DRUG_TOKENS]
        if not disease:
            return out
        for term in [t for t in rare if t in present and t not in DRUG_TOKENS][:1]:
            fresh = [cid for cid in self.bm25_ranking(" ".join([term, *disease]), 3 + len(ids))
                     if cid not in ids and self.by_id[cid] not in out]
            out += [self.by_id[cid] for cid in fresh[:1]]
        population = [t for t in disease if t in POPULATION_TOKENS]
        for term in [t for t in missing if t not in DRUG_TOKENS][:1] if population else []:
            out += self._joining_chunks(term, population, {*ids, *(c.chunk_id for c in out)})[:1]
        return out

    def _joining_chunks(self, term: str, population: Sequence[str], skip: set[str], n: int = 8) -> list[Chunk]:
        """Chunks with a sentence that names `term` in the question's population ("a white blood cell count below
        30x10^9/L ... in Ph-positive ALL"), best BM25 first: not a chunk that names them in separate sentences."""
        out: list[Chunk] = []
        for cid in self.bm25_ranking(" ".join([term, *population]), n + len(skip)):
            chunk = self.by_id[cid]
            if cid not in skip and any({term, *population} <= set(tokenize(sent))
                                       for sent in chunk_sentences(chunk.text) if not _POINTER.search(sent)):
                out.append(chunk)
        return out

    def trial_sections(self, question: str) -> list[str]:
        """The evidence sections of the trials a question names ("ALL202-O", "TOWER vs INO-VATE"), from an index
        of document titles built on first use (not a scan of every chunk per question)."""
        keys = trial_keys(question)
        if not keys:
            return []
        if self._trial_index is None:
            index: dict[str, set[str]] = defaultdict(set)  # in the order of the index
            for c in self.chunks:
                if c.tier == "evidence":
                    index[c.section_id] |= trial_keys(c.title)
            self._trial_index = dict(index)
        return [sid for sid, names in self._trial_index.items() if names & keys]

    def _own_terms(self, chunk: Chunk) -> frozenset[str]:
        """The terms a chunk itself speaks about (a pointer, "... are described in the toxicity notes document",
        covers nothing), memoised per chunk."""
        terms = self._terms_memo.get(chunk.chunk_id)
        if terms is None:
            terms = frozenset(t for sent in chunk_sentences(chunk.text) if not _POINTER.search(sent)
                              for t in tokenize(sent))
            self._terms_memo[chunk.chunk_id] = terms
        return terms

    def definition_chunks(self, question: str, n: int = 3) -> list[Chunk]:
        """Chunks that define the question's terms: BM25 on the question with the words definitions use."""
        return [self.by_id[cid] for cid in self.bm25_ranking(question + " defined conventionally means", n)]

    def bm25_ranking(self, question: str, n: int, tier: str | None = None) -> list[str]:
        if self._bm25 is None:
            return []
        q = tokenize(question)
        if not q:
            return []
        scores = self._bm25.get_scores(q)
        if tier is not None:
            mask = np.array([c.tier != tier for c in self.chunks])
            scores = np.where(mask, -np.inf, scores)
        n = min(n, len(self.chunks))
        idx = np.argpartition(-scores, n - 1)[:n]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [self.chunks[i].chunk_id for i in idx if scores[i] > 0]

    def dense_ranking(self, question: str, n: int, tier: str | None = None) -> list[str]:
        if self.dense_search is None:
            return []
        return [cid for cid, _ in self.dense_search(question, min(n, len(self.chunks)), tier) if cid in self.by_id]

    def section_bonus(self, facts: PatientFacts | None) -> dict[str, float]:
        """Sections whose rule conditions the patient meets get a bonus; contradicted ones a malus."""
        if not (self.patient_boost and facts is not None and self.rulebook is not None):
            return {}
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
        n = max(self.candidates, k)
        if (facts is not None and facts.phase in ("relapsed", "refractory") and not TRIAL_RE.search(question)
                and not DRUG_TOKENS & set(tokenize(question))):  # (a question naming its drug has its subject)
            # a relapse is answered by the relapse sections: their own words steer a terse question there
            # ("Relapsed ALL, what next?" otherwise meets MRD and post-transplant text first)
            question = f"{question} {_RELAPSE_WORDS}"
        bm = self.bm25_ranking(question, n, tier) if mode in ("hybrid", "bm25") else []
        dn = self.dense_ranking(question, n, tier) if mode in ("hybrid", "dense") else []
        fused = rrf([r for r in (bm, dn) if r], k=self.rrf_k)
        for sid, b in self.section_bonus(facts).items():
            for c in self.by_section.get(sid, []):
                if c.chunk_id in fused:
                    fused[c.chunk_id] += b
        if tier is None and not TOX_INTENT.search(question):
            intent = ("context" if META_INTENT.search(question) else
                      "evidence" if EVIDENCE_INTENT.search(question) else "guideline")
            unit = 1.0 / (self.rrf_k + 1)
            for cid in fused:
                if self.by_id[cid].tier == intent:
                    fused[cid] += TIER_PRIOR * unit
        order: list[tuple[str, float]] = []
        per_doc: dict[tuple[str, str], int] = defaultdict(int)
        for cid, score in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])):
            doc = (self.by_id[cid].doc_id, self.by_id[cid].tier)
            if per_doc[doc] >= MAX_PER_DOC:
                continue
            per_doc[doc] += 1
            order.append((cid, score))
            if len(order) == k:
                break
        bm_rank = {cid: i for i, cid in enumerate(bm, 1)}
        dn_rank = {cid: i for i, cid in enumerate(dn, 1)}
        return [
            RetrievedChunk(chunk=self.by_id[cid], score=score, rank=i, dense_rank=dn_rank.get(cid),
                           bm25_rank=bm_rank.get(cid))
            for i, (cid, score) in enumerate(order, 1)
        ]

    def section_chunks(self, section_ids: Sequence[str]) -> list[Chunk]:
        return [c for sid in section_ids for c in self.by_section.get(sid, [])]
