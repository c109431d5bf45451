"""Japanese in a user's own documents: sentence ends, chunk sizes and BM25 terms (real SudachiPy, real index)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import make_config
from japanese_doc import HOSPITAL_JA

from ingest import open_live_index, run_ingest
from ingest.chunking import split_sentences
from ingest.japanese import has_japanese, terms, word_count


@pytest.mark.parametrize(("text", "expected"), [
    ("寛解導入を行う。MRDを測定する。", ["寛解導入を行う。", "MRDを測定する。"]),
    ("本当ですか？はい！そうです。", ["本当ですか？", "はい！", "そうです。"]),
    ("「飲み忘れたときは？」と聞かれた。主治医に連絡する。", ["「飲み忘れたときは？」と聞かれた。", "主治医に連絡する。"]),
    ("移植後（day 100）にMRD陰性。次は維持療法。", ["移植後（day 100）にMRD陰性。", "次は維持療法。"]),
    ("Use imatinib. Then stop. 日本語の文。English again.", ["Use imatinib.", "Then stop.", "日本語の文。", "English again."]),
    ("0.01%以上は陽性とする。10.5歳ではない。", ["0.01%以上は陽性とする。", "10.5歳ではない。"]),
])
def test_japanese_sentences_end_at_full_width_marks(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == expected


def test_terms_are_content_words_in_normalized_form() -> None:
    assert terms("寛解") == terms("緩解")  # one term for both spellings
    assert "移植" in terms("同種造血幹細胞移植を行った。") and "を" not in terms("移植を行った")
    assert terms("ＭＲＤ陰性") == terms("mrd陰性")
    assert has_japanese("寛解") and not has_japanese("remission")


def test_word_count_counts_japanese_by_characters() -> None:
    assert word_count("two words") == 2
    assert word_count("寛解導入") == 2 and word_count("MRD陰性") == 2


def test_a_japanese_document_is_split_into_sentences_and_indexed_for_bm25(tiny_corpus: Path, tmp_path: Path,
                                                                         embedder) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "hospital-ja.md").write_text(HOSPITAL_JA, encoding="utf-8")
    cfg = make_config(tmp_path / "store", min_words=20, max_words=80,
                      sparse_tokenizer="assistant.retrieval:chunk_terms")
    report = run_ingest([user], cfg, corpus_dir=tiny_corpus, embedder=embedder)
    assert "hospital-ja" in report.documents_added
    index = open_live_index(cfg, embedder)
    chunks = [c for c in index.all_chunks() if c.doc_id == "hospital-ja"]
    assert len(chunks) >= 3  # three sections, not one blob
    for c in chunks:  # every chunk is whole sentences of its section
        assert c.text.rstrip().endswith(("。", "！", "？")), c.text
    assert any(c.heading_path[-1] == "寛解導入と評価" for c in chunks)
    sparse = index.open_sparse()
    assert sparse is not None
    assert sparse.df("外来") >= 1 and sparse.df("薬剤") >= 1 and sparse.df("緩解") >= 1  # 寛解 and 緩解: one term
    top = [sparse.ids[r] for r in sparse.top(terms("外来化学療法室での服薬指導は誰が担当？"), 1)]
    assert top and top[0] in {c.chunk_id for c in chunks if "外来化学療法室" in c.text}


def test_japanese_file_names_get_ids_of_their_own(tmp_path: Path) -> None:
    from ingest.loaders import load_document

    a, b = tmp_path / "当院手順.txt", tmp_path / "維持療法.txt"
    a.write_text("当院の手順。", encoding="utf-8")
    b.write_text("維持療法の手順。", encoding="utf-8")
    ids = {load_document(a).doc_id, load_document(b).doc_id}
    assert len(ids) == 2 and all(i.startswith("doc-") for i in ids)


def test_a_japanese_pdf_is_read_and_split_into_its_sentences(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from ingest.loaders import load_document

    sentences = ["当院では、維持療法は外来化学療法室で行う。", "服薬指導は病棟薬剤師が担当する。",
                 "寛解導入後のMRDは外部検査会社に提出する！", "結果はいつ出るのか？"]
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))  # a Japanese font that ships with reportlab
    c = canvas.Canvas(str(tmp_path / "当院の手順.pdf"))
    c.setFont("HeiseiMin-W3", 11)
    for k, s in enumerate(sentences):
        c.drawString(72, 780 - 18 * k, s)
    c.showPage()
    c.save()
    doc = load_document(tmp_path / "当院の手順.pdf")
    assert [doc.text[a:b] for a, b in split_sentences(doc.text)] == sentences
    assert doc.doc_id.startswith("doc-") and "外来" in terms(doc.text)
