"""The Japanese corpus (`corpus/ja/<doc_id>.yaml`) stays sentence-aligned with the English corpus (issue 17, item 4).

These tests read whatever Japanese files exist, so documents translated later are covered as soon as they land:
each file has its English document and is aligned with it (`check_alignment`), every number, bound, drug and
provenance word of an English sentence is carried into its Japanese sentence, an edited English sentence is
reported as drift, every sentence the drafter can quote from a real chunk finds its Japanese text, and the ingest
never indexes the YAML files.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml
from ingest_helpers import make_config

from assistant.text import chunk_sentences
from assistant.translations import check_alignment, english_sentences, load_translations
from ingest import open_live_index, run_ingest
from ingest.chunking import chunk_documents
from ingest.config import IngestConfig
from ingest.loaders import corpus_files, load_documents

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
JA = CORPUS / "ja"


@cache
def _files() -> tuple[Path, ...]:
    return tuple(sorted(JA.glob("*.yaml")))


@cache
def _data(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _stems() -> set[str]:
    return {p.stem for p in _files()}


def _rows() -> list[tuple[str, int, str, str]]:
    """(doc stem, 1-based sentence number, English, Japanese) of every Japanese file."""
    return [(p.stem, i, str(r["en"]), str(r["ja"])) for p in _files() for i, r in enumerate(_data(p)["sentences"], 1)]


def _front_matter(md: Path) -> dict:
    return yaml.safe_load(md.read_text(encoding="utf-8").split("---")[1])


def _headings(md: Path) -> list[str]:
    text = md.read_text(encoding="utf-8").split("\n---", 1)[1]
    return [ln.lstrip("# ").strip() for ln in text.splitlines() if ln.lstrip().startswith("#")]


def test_there_are_japanese_files() -> None:
    assert _files(), f"no Japanese files in {JA}"


# --- every Japanese file has its English document and is aligned with it --------------------------------------


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_japanese_file_has_its_english_document(path: Path) -> None:
    md = CORPUS / f"{path.stem}.md"
    assert md.is_file(), f"{path.name} has no English document {md.name}"
    data = _data(path)
    assert data["doc_id"] == path.stem == _front_matter(md)["doc_id"]
    assert str(data.get("title") or "").strip(), f"{path.name}: no Japanese title"


def test_translated_documents_are_aligned() -> None:
    problems = [p for p in check_alignment(CORPUS) if p.split(":")[0] in _stems()]
    assert problems == []


def test_documents_without_a_japanese_file_are_reported_as_missing() -> None:
    missing = {p.split(":")[0] for p in check_alignment(CORPUS) if "no Japanese file" in p}
    assert missing == {p.stem for p in corpus_files(CORPUS)} - _stems()


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_every_heading_has_japanese(path: Path) -> None:
    heads = _data(path).get("headings") or {}
    want = _headings(CORPUS / f"{path.stem}.md")
    assert set(heads) == set(want), f"{path.name}: headings differ from the English ({set(want) ^ set(heads)})"
    assert all(str(v).strip() for v in heads.values())


def test_a_heading_has_one_japanese_text_across_files() -> None:
    """`load_translations` merges the headings of all files into one table, so they must agree."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in _files():
        for en, ja in (_data(path).get("headings") or {}).items():
            if en in seen and seen[en][0] != ja:
                clashes.append(f"{en!r}: {seen[en][1]} has {seen[en][0]!r}, {path.stem} has {ja!r}")
            seen.setdefault(en, (ja, path.stem))
    assert clashes == []


def test_an_english_sentence_has_one_japanese_text_across_files() -> None:
    """`load_translations` keys sentences by their English text, so a sentence repeated in several documents
    ("Ph-negative (Ph−) ALL is ALL without the BCR::ABL1 fusion.") must read the same in each."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for d, i, en, ja in _rows():
        key = " ".join(en.split())
        if key in seen and seen[key][0] != ja:
            clashes.append(f"{d} #{i} {en[:50]!r}: {seen[key][1]} has {seen[key][0]!r}, {d} has {ja!r}")
        seen.setdefault(key, (ja, d))
    assert clashes == []


def test_japanese_sentences_are_japanese_and_whole() -> None:
    bad = [f"{d} #{i}: {ja!r}" for d, i, _, ja in _rows()
           if not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja) or not ja.endswith("。")]
    assert bad == []


# --- numbers, bounds, drugs and provenance words are carried into the Japanese --------------------------------

_NUM = re.compile(r"\d+(?:\.\d+)?")


def _norm(text: str) -> str:
    """NFKC (full-width digits and ％ become ASCII), thousands separators and spaces around × removed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return re.sub(r"\s*×\s*", "×", text)


def numbers(text: str) -> list[str]:
    """The numbers of a text, as written (1.0 and 1 differ; 50,000 and ５００００ agree).

    >>> numbers("MRD of ０.０１％ at 50,000/µL, 30 × 10^9/L")
    ['0.01', '50000', '30', '10', '9']
    """
    return _NUM.findall(_norm(text))


def test_numbers_helper_normalises_full_width_digits() -> None:
    assert numbers("７０歳、６５歳以上、0.01%以上") == ["70", "65", "0.01"]
    assert numbers("細胞10,000個中、4,11") == ["10000", "4", "11"]


def _missing_numbers(en: str, ja: str) -> list[str]:
    have = numbers(ja)
    out = []
    for n in numbers(en):
        if n in have:
            have.remove(n)
        else:
            out.append(n)
    return out


def test_every_number_of_the_english_is_in_the_japanese() -> None:
    bad = [f"{d} #{i}: {m} missing from {ja!r}" for d, i, en, ja in _rows() if (m := _missing_numbers(en, ja))]
    assert bad == []


def test_percent_signs_are_kept() -> None:
    bad = [f"{d} #{i}: {ja!r}" for d, i, en, ja in _rows()
           if _norm(en).count("%") > _norm(ja).count("%")]
    assert bad == []


# an English bound on a number -> the Japanese ways of writing the same bound after (or before) that number
_QTY = r"(10\^[-−]?\d+|\d+(?:\.\d+)?(?:×10\^?[-−]?\d+)?)"
_AGE = r"(?:(?:the )?ages? )?"
_EN_BOUNDS = {
    "ge": [rf"(?:≥|\bat least|\bno fewer than|\ba minimum of)\s*{_AGE}{_QTY}",
           rf"{_QTY}[^\s,;.]*\s+(?:or|and) (?:older|more|above|over|higher)\b"],
    "le": [rf"(?:≤|\bup to|\bat most|\bno more than|\bno older than)\s*{_AGE}{_QTY}",
           rf"{_QTY}[^\s,;.]*\s+(?:or|and) (?:younger|less|fewer|below|lower)\b"],
    "lt": [rf"(?:<|\bunder|\bbelow|\bless than|\bfewer than|\byounger than)\s*{_AGE}{_QTY}"],
    "gt": [rf"(?:>|\babove|\bover|(?<!no )\bmore than|(?<!no )\bolder than|\bexceeding)\s*{_AGE}{_QTY}"],
}
_JA_AFTER = {"ge": "以上", "le": "(?:以下|まで)", "lt": "未満", "gt": "(?:超|を超える|より多い|より高い)"}
_JA_BEFORE = {"ge": "(?:≥|最低|少なくとも)", "le": "(?:≤|最大)", "lt": "<", "gt": ">"}


def bounds(text: str) -> list[tuple[str, str]]:
    """(kind, number) of every bound stated on a number in an English sentence.

    >>> bounds("aged 65 or older with MRD below 0.01% for at least 5 years, WBC above 30×10^9/L")
    [('ge', '65'), ('lt', '0.01'), ('ge', '5'), ('gt', '30×10^9')]
    """
    text = _norm(text)
    found = [(m.start(), kind, m.group(1)) for kind, pats in _EN_BOUNDS.items() for p in pats for m in re.finditer(p, text)]
    return [(kind, qty) for _, kind, qty in sorted(found)]


def has_bound(ja: str, kind: str, qty: str) -> bool:
    """Whether the Japanese states the same bound on the same number (the unit may sit in between).

    >>> has_bound("65歳以上の患者", "ge", "65"), has_bound("30×10^9/L超", "gt", "30×10^9"), has_bound("65歳以下", "ge", "65")
    (True, True, False)
    """
    ja, q = _norm(ja), re.escape(qty)
    after = rf"(?<![\d.]){q}(?![\d.])[^\d、。,()（）]{{0,8}}?{_JA_AFTER[kind]}"
    before = rf"{_JA_BEFORE[kind]}\s*{q}(?![\d.])"
    return bool(re.search(after, ja) or re.search(before, ja))


def test_bound_helpers_tell_bounds_apart() -> None:
    assert bounds("aged 65 or older, MRD below 0.01%, WBC above 30×10^9/L, up to age 82") == [
        ("ge", "65"), ("lt", "0.01"), ("gt", "30×10^9"), ("le", "82")]
    assert has_bound("６５歳以上", "ge", "65") and has_bound("30×10^9/L超", "gt", "30×10^9")
    assert has_bound("MRD 0.01%未満", "lt", "0.01") and has_bound("82歳までの患者", "le", "82")
    assert not has_bound("MRD 0.01%以下", "lt", "0.01")  # 以下 includes the bound; "below" does not
    assert not has_bound("165歳以上", "ge", "65") and not has_bound("65歳未満", "ge", "65")
    assert bounds("MRD of 10^-3 or more") == [("ge", "10^-3")] and has_bound("MRDが10^-3以上", "ge", "10^-3")
    assert _missing_numbers("MRD 0.01% at 65", "MRD 0.1%、65歳") == ["0.01"]
    assert _missing_numbers("74.4% of 738", "７３８例の７４．４％") == []


def test_every_bound_of_the_english_is_in_the_japanese() -> None:
    bad = [f"{d} #{i}: {kind} {qty} not in {ja!r}"
           for d, i, en, ja in _rows() for kind, qty in bounds(en) if not has_bound(ja, kind, qty)]
    assert bad == []


# every drug and regimen the English names -> the forms its Japanese sentence may use (the English name counts)
DRUGS: dict[str, tuple[str, ...]] = {
    "imatinib": ("イマチニブ",),
    "dasatinib": ("ダサチニブ",),
    "nilotinib": ("ニロチニブ",),
    "ponatinib": ("ポナチニブ",),
    "bosutinib": ("ボスチニブ",),
    "blinatumomab": ("ブリナツモマブ",),
    "inotuzumab": ("イノツズマブ",),
    "ozogamicin": ("オゾガマイシン",),
    "nelarabine": ("ネララビン",),
    "tisagenlecleucel": ("チサゲンレクルユーセル", "キムリア"),
    "brexucabtagene": ("ブレクスカブタゲン", "テカルタス"),
    "autoleucel": ("オートルユーセル", "テカルタス"),
    "methotrexate": ("メトトレキサート", "MTX"),
    "cytarabine": ("シタラビン", "Ara-C"),
    "asparaginase": ("アスパラギナーゼ",),
    "leucovorin": ("ロイコボリン", "ホリナート"),
    "tocilizumab": ("トシリズマブ",),
    "rituximab": ("リツキシマブ",),
    "prednisolone": ("プレドニゾロン",),
    "dexamethasone": ("デキサメタゾン",),
    "vincristine": ("ビンクリスチン",),
    "cyclophosphamide": ("シクロホスファミド",),
    "corticosteroid": ("ステロイド",),
    "tyrosine kinase inhibitor": ("チロシンキナーゼ阻害薬", "TKI"),
    "TKI": ("TKI", "チロシンキナーゼ阻害薬"),
    "hyper-CVAD": ("hyper-CVAD",),
    "HD-MTX": ("HD-MTX", "大量メトトレキサート"),
    "CAR T": ("CAR-T", "CAR T", "キメラ抗原受容体"),
    "CAR-T": ("CAR-T", "CAR T", "キメラ抗原受容体"),
    "intrathecal": ("髄腔内", "髄注"),
    "cranial irradiation": ("頭蓋照射",),
    "pediatric-type": ("小児型",),
}


def _drugs(en: str) -> list[str]:
    return [d for d in DRUGS if re.search(rf"(?<![A-Za-z]){re.escape(d)}(?![a-z])", en, re.IGNORECASE)]


def test_every_drug_of_the_english_is_in_the_japanese() -> None:
    bad = [f"{d} #{i}: {drug} not in {ja!r}" for d, i, en, ja in _rows() for drug in _drugs(en)
           if not any(f.lower() in ja.lower() for f in (drug, *DRUGS[drug]))]
    assert bad == []


# provenance words: where a statement comes from and how sure it is must survive translation
PROVENANCE: list[tuple[str, tuple[str, ...]]] = [
    (r"\bJSH 2023\b", ("JSH 2023",)),
    (r"\bALL Hub\b", ("ALL Hub",)),
    (r"\bJSHCT\b", ("JSHCT",)),
    (r"\bJALSG\b", ("JALSG",)),
    (r"\bGIMEMA\b", ("GIMEMA",)),
    (r"\bthis (?:corpus|assistant)\b", ("ここで参照している資料",)),
    (r"\bunverified\b|\bnot (?:been )?verified\b|\bcould not be (?:checked|confirmed|located)\b",
     ("未確認", "確認されていない", "確認されておらず", "確認できなかった", "確認することはできなかった")),
    (r"\bnot (?:a |the )?JSH 2023 (?:recommendation|standard)",
     ("推奨ではない", "推奨ではなく", "推奨グレードではない", "標準治療ではない", "標準治療ではなく")),
    (r"\btrial evidence\b", ("試験エビデンス", "臨床試験のエビデンス")),
]


def test_provenance_words_are_in_the_japanese() -> None:
    bad = [f"{d} #{i}: {pat} not carried into {ja!r}" for d, i, en, ja in _rows() for pat, forms in PROVENANCE
           if re.search(pat, en, re.IGNORECASE) and not any(f in ja for f in forms)]
    assert bad == []


def test_no_internal_names_in_the_japanese() -> None:
    """An answer quotes these sentences to patients and clinicians: "this corpus" is ここで参照している資料, never the
    tool's own machinery (本ツール, 本プロジェクト, コーパス)."""
    texts = [(p.stem, str(v)) for p in _files() for v in (_data(p).get("title"), *(_data(p).get("headings") or {}).values())]
    texts += [(d, ja) for d, _, _, ja in _rows()]
    assert [(d, ja) for d, ja in texts if any(w in ja for w in ("本ツール", "本プロジェクト", "コーパス"))] == []


# --- drift is reported ----------------------------------------------------------------------------------------


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """The real corpus (English and Japanese) copied, to be edited."""
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    return copy


def _first_translated(corpus: Path) -> Path:
    return corpus / f"{_files()[0].stem}.md"


def test_an_edited_english_sentence_is_reported(corpus_copy: Path) -> None:
    md = _first_translated(corpus_copy)
    text = md.read_text(encoding="utf-8")
    last = english_sentences(text)[-1]
    md.write_text(text.replace(last, last.replace(" ", " newly ", 1)), encoding="utf-8")
    problems = [p for p in check_alignment(corpus_copy) if p.startswith(md.stem)]
    n = len(english_sentences(text))
    assert problems == [f"{md.stem}: sentence {n} differs from the English: {last.replace(' ', ' newly ', 1)[:60]!r}"]


def test_an_added_english_sentence_is_reported(corpus_copy: Path) -> None:
    md = _first_translated(corpus_copy)
    md.write_text(md.read_text(encoding="utf-8").rstrip() + "\nA new closing sentence was added.\n", encoding="utf-8")
    problems = [p for p in check_alignment(corpus_copy) if p.startswith(md.stem)]
    assert len(problems) == 1 and "Japanese rows for" in problems[0]


def test_an_emptied_japanese_sentence_is_reported(corpus_copy: Path) -> None:
    ja = corpus_copy / "ja" / f"{_files()[0].stem}.yaml"
    data = yaml.safe_load(ja.read_text(encoding="utf-8"))
    data["sentences"][2]["ja"] = " "
    ja.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert [p for p in check_alignment(corpus_copy) if p.startswith(ja.stem)] == [
        f"{ja.stem}: sentence 3 has no Japanese text"]


# --- what the drafter quotes finds its Japanese ---------------------------------------------------------------


@cache
def _chunks(min_words: int, max_words: int):
    return tuple(chunk_documents(load_documents(corpus_dir=CORPUS), min_words=min_words, max_words=max_words))


@pytest.mark.parametrize("size", [(IngestConfig().min_words, IngestConfig().max_words), (8, 40)],
                         ids=["default-chunks", "small-chunks"])
def test_every_quotable_sentence_finds_its_japanese(size: tuple[int, int]) -> None:
    t = load_translations(JA)
    chunks = [c for c in _chunks(*size) if c.doc_id in _stems()]
    assert {c.doc_id for c in chunks} == _stems()
    missing = [f"{c.doc_id}: {s[:70]!r}" for c in chunks for s in chunk_sentences(c.text) if t.sentence(s) is None]
    assert missing == []
    assert all(t.heading(h) for c in chunks for h in c.heading_path)
    assert all(t.title(c.doc_id) for c in chunks)


# --- the ingest never indexes corpus/ja -------------------------------------------------------------------------


def test_corpus_files_leave_out_the_japanese_folder() -> None:
    files = corpus_files(CORPUS)
    assert files and all(p.parent == CORPUS and p.suffix == ".md" for p in files)


def test_ingest_does_not_index_the_japanese_files(tmp_path: Path, embedder) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "ja").mkdir(parents=True)
    picked = _files()[:2]
    for ja in picked:
        shutil.copy(CORPUS / f"{ja.stem}.md", corpus)
        shutil.copy(ja, corpus / "ja")
    cfg = make_config(tmp_path / "store", min_words=60, max_words=250)
    report = run_ingest(None, cfg, corpus_dir=corpus, embedder=embedder)
    assert sorted(report.documents_added) == [p.stem for p in picked]
    chunks = open_live_index(cfg, embedder).all_chunks()
    assert {c.doc_id for c in chunks} == {p.stem for p in picked}
    japanese = re.compile(r"[\u3040-\u30ff]")
    assert not [c.chunk_id for c in chunks if japanese.search(c.text + c.title + " ".join(c.heading_path))]
