"""Chunker: sentence integrity, word bounds, heading paths, verbatim offsets, stable ids, pages."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_document, split_sentences
from ingest.models import Document


def make_doc(text: str, **kw) -> Document:
    fields = {"doc_id": "d", "title": "Doc", "section_id": "sec/d", "tier": "guideline", "source": "src",
              "edition": "2023", "provenance": "test", "path": "d.md", "text": text, **kw}
    return Document(**fields)


def sentence(i: int, words: int = 10) -> str:
    return "Sentence " + " ".join(f"w{i}x{j}" for j in range(words - 2)) + f" end{i}."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Use e.g. imatinib daily. Stop it.", ["Use e.g. imatinib daily.", "Stop it."]),
        ("Imatinib vs. dasatinib was tested. Both worked.", ["Imatinib vs. dasatinib was tested.", "Both worked."]),
        ("Sensitivity was 0.01% in all. MRD below 10^-4. Fine.", ["Sensitivity was 0.01% in all.", "MRD below 10^-4.", "Fine."]),
        ("See Int J Hematol. 2024;119:1. Next one.", ["See Int J Hematol. 2024;119:1.", "Next one."]),
        ("Hatta Y. et al. reported it. Good.", ["Hatta Y. et al. reported it.", "Good."]),
        ("As shown (Fig. 2) it works. (Trial A) was big.", ["As shown (Fig. 2) it works.", "(Trial A) was big."]),
        ("Was it safe? Yes! It was.", ["Was it safe?", "Yes!", "It was."]),
        ("He said \"stop.\" Then left.", ["He said \"stop.\"", "Then left."]),
        ("Items:\n- first item\n- second item\n\nNew para here.", ["Items:", "- first item", "- second item", "New para here."]),
        ("A line that wraps\nonto the next line. Done.", ["A line that wraps\nonto the next line.", "Done."]),
    ],
)
def test_sentence_splitter(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_chunks_are_verbatim_and_cover_all_sentences_without_splitting() -> None:
    body = "# Doc\n\n## A\n\n" + " ".join(sentence(i) for i in range(30)) + "\n\n## B\n\n" + " ".join(
        sentence(i) for i in range(30, 45)
    )
    doc = make_doc(body)
    chunks = chunk_document(doc, min_words=25, max_words=60)
    assert all(doc.text[c.char_start:c.char_end] == c.text for c in chunks)
    spans = split_sentences(doc.text)
    body_spans = [(a, b) for a, b in spans if not doc.text[a:b].startswith("#")]
    for a, b in body_spans:  # every sentence lies inside exactly one chunk
        assert sum(c.char_start <= a and b <= c.char_end for c in chunks) == 1
    assert all(25 <= len(c.text.split()) <= 60 for c in chunks)
    assert [c.chunk_no for c in chunks] == list(range(len(chunks)))
    assert {tuple(c.heading_path) for c in chunks} == {("Doc", "A"), ("Doc", "B")}


def test_metadata_and_ids_are_copied_and_stable() -> None:
    doc = make_doc("# Doc\n\n## A\n\n" + " ".join(sentence(i) for i in range(8)))
    first, second = chunk_document(doc, min_words=5, max_words=30), chunk_document(doc, min_words=5, max_words=30)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    c = first[1]
    assert c.chunk_id == hashlib.sha256(f"sec/d|1|{c.text}".encode()).hexdigest()[:16]
    assert (c.doc_id, c.section_id, c.title, c.tier, c.source, c.edition, c.provenance, c.page) == (
        "d", "sec/d", "Doc", "guideline", "src", "2023", "test", None
    )
    edited = make_doc(doc.text.replace("end7.", "changed7."))
    ids = [x.chunk_id for x in chunk_document(edited, min_words=5, max_words=30)]
    assert ids[:-1] == [x.chunk_id for x in first][:-1] and ids[-1] != first[-1].chunk_id


def test_long_sentence_is_its_own_chunk() -> None:
    long = sentence(99, words=80)
    doc = make_doc(" ".join([sentence(1), sentence(2), long, sentence(3), sentence(4)]))
    chunks = chunk_document(doc, min_words=15, max_words=40)
    assert long in [c.text for c in chunks]
    assert all(15 <= len(c.text.split()) <= 40 for c in chunks if c.text != long)


def test_short_section_merges_within_its_topic() -> None:
    body = (
        "# Doc\n\n## Topic\n\nShort intro sentence.\n\n### Detail\n\n" + " ".join(sentence(i) for i in range(4))
        + "\n\n## Other\n\n" + " ".join(sentence(i) for i in range(10, 14))
    )
    doc = make_doc(body)
    chunks = chunk_document(doc, min_words=20, max_words=60)
    assert [c.heading_path for c in chunks] == [["Doc", "Topic"], ["Doc", "Other"]]
    assert chunks[0].text.startswith("Short intro sentence.") and "### Detail" in chunks[0].text


def test_short_last_section_joins_previous_of_same_topic() -> None:
    body = "# Doc\n\n## T\n\n### One\n\n" + " ".join(sentence(i) for i in range(4)) + "\n\n### Two\n\nTiny tail."
    chunks = chunk_document(make_doc(body), min_words=20, max_words=60)
    assert len(chunks) == 1 and chunks[0].heading_path == ["Doc", "T"] and chunks[0].text.endswith("Tiny tail.")


def test_lone_short_topic_crosses_topic_boundary_rather_than_stay_tiny() -> None:
    body = "# Doc\n\n## Lone\n\nOnly a few words.\n\n## Big\n\n" + " ".join(sentence(i) for i in range(5))
    chunks = chunk_document(make_doc(body), min_words=20, max_words=80)
    assert len(chunks) == 1 and chunks[0].heading_path == ["Doc"]


def test_document_smaller_than_min_words_is_one_chunk() -> None:
    chunks = chunk_document(make_doc("# Doc\n\n## A\n\nOne. Two.\n\n## B\n\nThree."), min_words=60, max_words=250)
    assert len(chunks) == 1 and chunks[0].text == "One. Two.\n\n## B\n\nThree."


def test_text_without_headings_has_empty_path_and_pdf_pages() -> None:
    pages_text = [" ".join(sentence(p * 10 + i) for i in range(3)) for p in range(3)]
    text = "\n".join(pages_text)
    pages, pos = [], 0
    for n, t in enumerate(pages_text, start=1):
        pages.append((n, pos, pos + len(t)))
        pos += len(t) + 1
    doc = make_doc(text, pages=pages)
    chunks = chunk_document(doc, min_words=10, max_words=30)
    assert [c.page for c in chunks] == [1, 2, 3]
    assert all(c.heading_path == [] and c.section_title == "Doc" for c in chunks)
    spanning = chunk_document(doc, min_words=10, max_words=50)  # 40 + 50 words: the 2nd starts mid page 2
    assert [c.page for c in spanning] == [1, 2] and spanning[0].text.endswith(sentence(10))


def test_headings_inside_code_fences_are_ignored() -> None:
    body = "# Doc\n\n## A\n\nBefore code.\n\n```\n# not a heading\n```\n\nAfter code."
    chunks = chunk_document(make_doc(body), min_words=1, max_words=50)
    assert {tuple(c.heading_path) for c in chunks} == {("Doc", "A")}


WORD = st.text(alphabet="abcdefgh", min_size=1, max_size=6)
SENTENCE = st.builds(lambda ws: " ".join(ws).capitalize() + ".", st.lists(WORD, min_size=1, max_size=30))
SECTION = st.tuples(st.sampled_from(["#", "##", "###"]), WORD, st.lists(SENTENCE, min_size=0, max_size=12))


@settings(max_examples=60, deadline=None)
@given(st.lists(SECTION, min_size=1, max_size=6), st.integers(1, 40), st.integers(0, 60))
def test_invariants_hold_for_random_documents(sections, min_words: int, extra: int) -> None:
    max_words = max(10, min_words + extra)
    text = "\n\n".join(f"{h} {title}\n\n" + " ".join(sents) for h, title, sents in sections)
    doc = make_doc(text)
    chunks = chunk_document(doc, min_words=min_words, max_words=max_words)
    total = sum(len(s.split()) for _h, _t, sents in sections for s in sents)
    assert sum(len(doc.text[a:b].split()) for a, b in split_sentences(doc.text)
               if not doc.text[a:b].startswith("#")) == total
    assert all(doc.text[c.char_start:c.char_end] == c.text for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    words = [sum(len(ln.split()) for ln in c.text.splitlines() if not ln.startswith("#")) for c in chunks]
    assert sum(words) == total
    if total >= min_words:
        assert all(w >= min_words for w in words)
    else:
        assert len(chunks) <= 1


def test_section_tiers_give_each_chunk_its_sections_tier_and_never_mix_tiers() -> None:
    body = ("# Doc\n\n## Recommendation\n\n" + " ".join(sentence(i) for i in range(3))
            + "\n\n## Background\n\n### Label\n\n" + sentence(3)
            + "\n\n## Supporting evidence\n\n" + sentence(4) + "\n")
    doc = make_doc(body, section_tiers={"Label": "context", "Supporting evidence": "evidence"})
    chunks = chunk_document(doc, min_words=100, max_words=200)  # every section is short: merging is wanted
    assert [(c.tier, c.heading_path) for c in chunks] == [
        ("guideline", ["Doc", "Recommendation"]),
        ("context", ["Doc", "Background", "Label"]),
        ("evidence", ["Doc", "Supporting evidence"]),
    ]
    assert all(doc.text[c.char_start:c.char_end] == c.text for c in chunks)


def test_a_section_with_its_own_source_is_cited_to_it_and_never_merged_with_another_source() -> None:
    """rja97: trial results in a guideline summary's "Supporting evidence" were cited to the summary, which names no
    trials; the section's own source (front matter `section_sources`) is the chunk's."""
    body = ("# Doc\n\n## Background\n\n" + sentence(0) + "\n\n## Trial A\n\n" + sentence(1)
            + "\n\n## Trial B\n\n" + sentence(2) + "\n")
    doc = make_doc(body, section_tiers={"Trial A": "evidence", "Trial B": "evidence"},
                   section_sources={"Trial A": "Report A", "Trial B": "Report B"})
    chunks = chunk_document(doc, min_words=100, max_words=200)  # every section is short: merging is wanted
    assert [(c.tier, c.source) for c in chunks] == [("guideline", "src"), ("evidence", "Report A"),
                                                   ("evidence", "Report B")]


def test_short_sections_of_one_tier_still_merge_across_headings() -> None:
    body = "# Doc\n\n## A\n\n" + sentence(0) + "\n\n## B\n\n" + sentence(1) + "\n\n## C\n\n" + sentence(2) + "\n"
    doc = make_doc(body, section_tiers={"C": "evidence"})
    chunks = chunk_document(doc, min_words=15, max_words=100)
    assert [(c.tier, c.heading_path) for c in chunks] == [("guideline", ["Doc"]), ("evidence", ["Doc", "C"])]
    assert "## B" in chunks[0].text


def test_innermost_named_heading_decides_the_tier() -> None:
    body = "# Doc\n\n## Evidence\n\n" + sentence(0) + "\n\n### Guideline note\n\n" + sentence(1) + "\n"
    doc = make_doc(body, section_tiers={"Evidence": "evidence", "Guideline note": "guideline"})
    chunks = chunk_document(doc, min_words=1, max_words=100)
    assert [(c.tier, c.heading_path[-1]) for c in chunks] == [("evidence", "Evidence"), ("guideline", "Guideline note")]
