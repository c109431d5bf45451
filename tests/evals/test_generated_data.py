"""The generated-answer benchmarks (`evals/data/generated.jsonl`, the tuning set; `generated_heldout.jsonl`, written
blind to the checker; its Japanese sibling `generated_ja.jsonl`; the third to sixth blind sets `generated_heldout3/4/5/6.jsonl`):
their schema, the tuning set's size and balance, and that every citation points at a real chunk of the bundled corpus
(chunked by the real chunker, default settings)."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.chunking import chunk_documents
from ingest.loaders import load_documents

DATA = Path(__file__).resolve().parents[2] / "evals" / "data" / "generated.jsonl"
HELDOUT = DATA.with_name("generated_heldout.jsonl")
JAPANESE = DATA.with_name("generated_ja.jsonl")
HELDOUT3 = DATA.with_name("generated_heldout3.jsonl")
HELDOUT4 = DATA.with_name("generated_heldout4.jsonl")
HELDOUT5 = DATA.with_name("generated_heldout5.jsonl")
HELDOUT6 = DATA.with_name("generated_heldout6.jsonl")
HELDOUT7 = DATA.with_name("generated_heldout7.jsonl")
HELDOUT8 = DATA.with_name("generated_heldout8.jsonl")
HELDOUT9 = DATA.with_name("generated_heldout9.jsonl")
HELDOUT10 = DATA.with_name("generated_heldout10.jsonl")
HELDOUT11 = DATA.with_name("generated_heldout11.jsonl")
HELDOUT12 = DATA.with_name("generated_heldout12.jsonl")
HELDOUT13 = DATA.with_name("generated_heldout13.jsonl")
HELDOUT14 = DATA.with_name("generated_heldout14.jsonl")
HELDOUT15 = DATA.with_name("generated_heldout15.jsonl")
HELDOUT16 = DATA.with_name("generated_heldout16.jsonl")
HELDOUT17 = DATA.with_name("generated_heldout17.jsonl")
HELDOUT18 = DATA.with_name("generated_heldout18.jsonl")
HELDOUT19 = DATA.with_name("generated_heldout19.jsonl")
HELDOUT20 = DATA.with_name("generated_heldout20.jsonl")
HELDOUT21 = DATA.with_name("generated_heldout21.jsonl")
HELDOUT22 = DATA.with_name("generated_heldout22.jsonl")
HELDOUT23 = DATA.with_name("generated_heldout23.jsonl")
HELDOUT24 = DATA.with_name("generated_heldout24.jsonl")
HELDOUT25 = DATA.with_name("generated_heldout25.jsonl")
BOTH = pytest.mark.parametrize("path", [DATA, HELDOUT, JAPANESE, HELDOUT3, HELDOUT4, HELDOUT5, HELDOUT6, HELDOUT7,
                                        HELDOUT8, HELDOUT9, HELDOUT10, HELDOUT11, HELDOUT12, HELDOUT13, HELDOUT14,
                                        HELDOUT15, HELDOUT16, HELDOUT17, HELDOUT18, HELDOUT19, HELDOUT20, HELDOUT21,
                                        HELDOUT22, HELDOUT23, HELDOUT24, HELDOUT25],
                               ids=["tuning", "heldout", "ja", "heldout3", "heldout4", "heldout5", "heldout6",
                                    "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12",
                                    "heldout13", "heldout14", "heldout15", "heldout16", "heldout17", "heldout18",
                                    "heldout19", "heldout20", "heldout21", "heldout22", "heldout23",
                                    "heldout24", "heldout25"])

KINDS = {
    "wrong_stance", "wrong_threshold", "wrong_antigen", "wrong_lineage", "unsupported_jsh_attribution",
    "trial_as_recommendation", "invented_cq_or_grade", "dose",
}
#: error kinds first used by `generated_heldout3.jsonl` (described in evals/data/README.md)
HELDOUT3_KINDS = KINDS | {"wrong_population", "wrong_duration", "invented_ranking", "scope_extension", "wrong_toxicity"}
REQUIRED = {"id", "question", "label", "kind", "style", "answer", "sources", "error"}
OPTIONAL = {"history"}
MARKER = re.compile(r"\[(\d+)\]")
# a sentence ends at . ! or ? followed by a space and a capital (or a quote/parenthesis), or at a line break (bulleted
# answers); markers come before the stop
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])|\n+")
#: the prompt holds at most max(k + 3, 8) chunks with the default k = 5
MAX_SOURCES = 8


@cache
def rows(path: Path = DATA) -> tuple[dict, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


@cache
def corpus_chunk_ids() -> frozenset[str]:
    settings = Settings()
    docs = load_documents(corpus_dir=settings.corpus_dir())
    cfg = settings.ingest_config()
    return frozenset(c.chunk_id for c in chunk_documents(docs, min_words=cfg.min_words, max_words=cfg.max_words))


@BOTH
def test_rows_have_exactly_the_documented_fields(path):
    for r in rows(path):
        keys = set(r)
        assert REQUIRED <= keys, f"{r.get('id')}: missing {sorted(REQUIRED - keys)}"
        assert keys <= REQUIRED | OPTIONAL, f"{r['id']}: unknown fields {sorted(keys - REQUIRED - OPTIONAL)}"
        assert isinstance(r["question"], str) and r["question"].strip(), r["id"]
        assert isinstance(r["style"], str) and r["style"].strip(), r["id"]
        assert isinstance(r["answer"], str) and r["answer"].strip(), r["id"]
        assert isinstance(r.get("history", []), list), r["id"]
        assert all(isinstance(h, str) and h.strip() for h in r.get("history", [])), r["id"]


@pytest.mark.parametrize(("path", "stem"),
                         [(DATA, "gen"), (HELDOUT, "held"), (JAPANESE, "ja"), (HELDOUT3, "h3"), (HELDOUT4, "h4"),
                          (HELDOUT5, "h5"), (HELDOUT6, "h6"), (HELDOUT7, "h7"), (HELDOUT8, "h8"),
                          (HELDOUT9, "h9"), (HELDOUT10, "h10"), (HELDOUT11, "h11"), (HELDOUT12, "h12"),
                          (HELDOUT13, "h13"), (HELDOUT14, "h14"), (HELDOUT15, "h15"), (HELDOUT16, "h16"),
                          (HELDOUT17, "h17"), (HELDOUT18, "h18"), (HELDOUT19, "h19"), (HELDOUT20, "h20"),
                          (HELDOUT21, "h21"), (HELDOUT22, "h22"), (HELDOUT23, "h23"), (HELDOUT24, "h24"),
                          (HELDOUT25, "h25")],
                         ids=["tuning", "heldout", "ja", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
                              "heldout8", "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "heldout14",
                              "heldout15", "heldout16", "heldout17", "heldout18", "heldout19", "heldout20",
                              "heldout21", "heldout22", "heldout23", "heldout24", "heldout25"])
def test_ids_are_unique_and_follow_the_label(path, stem):
    ids = [r["id"] for r in rows(path)]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for r in rows(path):
        prefix = f"{stem}-c" if r["label"] == "correct" else f"{stem}-w"
        assert re.fullmatch(rf"{prefix}\d{{3}}", r["id"]), r["id"]


@BOTH
def test_labels_kinds_and_errors_are_consistent(path):
    for r in rows(path):
        assert r["label"] in ("correct", "wrong"), r["id"]
        if r["label"] == "correct":
            assert r["kind"] is None and r["error"] is None, r["id"]
        else:
            assert r["kind"] in (HELDOUT3_KINDS if path in (HELDOUT3, HELDOUT4, HELDOUT5, HELDOUT6, HELDOUT7, HELDOUT8,
                                                        HELDOUT9, HELDOUT10, HELDOUT11, HELDOUT12, HELDOUT13,
                                                        HELDOUT14, HELDOUT15, HELDOUT16, HELDOUT17,
                                                        HELDOUT18, HELDOUT19, HELDOUT20, HELDOUT21,
                                                        HELDOUT22, HELDOUT23, HELDOUT24, HELDOUT25)
                                 else KINDS), \
                f"{r['id']}: kind {r['kind']!r}"
            assert isinstance(r["error"], str) and len(r["error"]) > 20, f"{r['id']}: the error must be described"


def test_size_and_balance():
    labels = Counter(r["label"] for r in rows())
    assert labels["correct"] >= 150, labels
    assert labels["wrong"] >= 150, labels
    kinds = Counter(r["kind"] for r in rows() if r["label"] == "wrong")
    short = {k: kinds.get(k, 0) for k in KINDS if kinds.get(k, 0) < 12}
    assert not short, f"kinds with fewer than 12 wrong answers: {short}"
    questions = {(r["question"], tuple(r.get("history", []))) for r in rows()}
    assert 80 <= len(questions) <= 110, len(questions)
    assert sum(1 for r in rows() if r.get("history")) >= 10
    assert len({r["question"] for r in rows() if r.get("history")}) >= 10


def test_every_sentence_is_cited_and_every_marker_is_a_listed_source():
    for r in rows():
        n_sources = len(r["sources"])
        for sentence in SENTENCE.split(r["answer"].strip()):
            assert re.search(r"(\[\d+\])+\.?$", sentence.strip()), f"{r['id']}: uncited sentence {sentence!r}"
        markers = [int(m) for m in MARKER.findall(r["answer"])]
        assert markers, r["id"]
        bad = [m for m in markers if not 1 <= m <= n_sources]
        assert not bad, f"{r['id']}: markers {bad} outside the {n_sources} sources"


@BOTH
def test_sources_are_the_prompts_chunks(path):
    for r in rows(path):
        src = r["sources"]
        assert 1 <= len(src) <= MAX_SOURCES, r["id"]
        assert len(src) == len(set(src)), f"{r['id']}: a chunk listed twice"
        assert all(re.fullmatch(r"[0-9a-f]{16}", s) for s in src), r["id"]


@BOTH
def test_every_chunk_id_exists_in_the_chunked_corpus(path):
    known = corpus_chunk_ids()
    assert len(known) > 100  # the real corpus, not an empty folder
    missing = sorted({s for r in rows(path) for s in r["sources"]} - known)
    assert not missing, (
        f"{len(missing)} chunk ids of {path.name} are not produced by the chunker any more (the corpus text or "
        f"the chunking settings changed): {missing[:10]}; the answers citing them must be re-checked against the new "
        "prompt sources")


@BOTH
def test_the_same_question_always_lists_the_same_sources(path):
    """Several answers to one question were written against one prompt: one numbering for all of them."""
    seen: dict[tuple, list[str]] = {}
    for r in rows(path):
        key = (r["question"], tuple(r.get("history", [])))
        assert seen.setdefault(key, r["sources"]) == r["sources"], r["id"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_has_varied_answers(kind):
    """Not templated: the wrong answers of one kind are spread over several questions and phrasings."""
    of_kind = [r for r in rows() if r["kind"] == kind]
    assert len({r["question"] for r in of_kind}) >= 8, kind
    openings = Counter(" ".join(r["answer"].split()[:4]) for r in of_kind)
    assert openings.most_common(1)[0][1] <= max(3, len(of_kind) // 4), (kind, openings.most_common(3))



@pytest.mark.slow
@pytest.mark.integration
def test_the_live_prompt_still_shows_every_cited_chunk(eval_settings):
    """The answers were written against the prompts the assistant builds (real index, real retrieval). Every chunk
    an answer cites must still be among the numbered sources the assistant puts in the LLM prompt for that question
    (for all but 2 % of the questions),
    so a replay can map each [n] to its chunk through `sources` even if the numbering moves."""
    from assistant import Assistant
    from evals.prompt_sources import RecordingChatModel, corpus_chunks_by_text, prompt_sources

    by_text = corpus_chunks_by_text(eval_settings)
    recorder = RecordingChatModel()
    bot = Assistant.from_settings(eval_settings, llm=recorder)
    cited: dict[tuple, set[str]] = {}
    written: dict[tuple, list[str]] = {}
    for r in rows():
        key = (r["question"], tuple(r.get("history", [])))
        cited.setdefault(key, set()).update(r["sources"][int(n) - 1] for n in MARKER.findall(r["answer"]))
        written.setdefault(key, r["sources"])
    lost, moved = [], 0
    for (question, history), ids in cited.items():
        live = [s.chunk_id for s in prompt_sources(bot, recorder, question, history, by_text)]
        assert live, f"no LLM prompt was built for {question!r} (refused?)"
        assert None not in live, f"a prompt source of {question!r} is not a chunk of the bundled corpus"
        moved += live != written[(question, history)]
        if ids - set(live):
            lost.append((question, sorted(ids - set(live))))
    # retrieval improves and moves a little; more than 2 % of the questions drifting means the prompts must be
    # captured again (evals/data/README.md): the replay would flag those citations as markers to no source
    assert len(lost) <= 0.02 * len(cited), f"cited chunks no longer in the live prompt ({len(lost)} questions): {lost[:5]}"
    print(f"{len(cited)} questions; live prompt numbering differs from the written one for {moved}")
