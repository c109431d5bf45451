"""A small aligned Japanese corpus for the Japanese-answer tests: the bundled English documents (linked, not
copied) plus `ja/` files for a few of their sentences, written here in this project's own words.

Tests point `ALLGUIDE_STORE__CORPUS_PATH` (or `Settings.store.corpus_path`) at the folder `make_ja_corpus` returns,
so they do not depend on how much of the real `corpus/ja/` exists yet. The English side of every row is the
corpus sentence verbatim: when a corpus sentence changes, `test_fixture_rows_are_corpus_sentences` says which.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

#: doc_id -> (Japanese title, {English heading: Japanese}, {English sentence: Japanese sentence})
JA: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    "g04-ph-pos-older": ("65歳以上のPh陽性ALL", {"Recommendation": "推奨", "Conditions and scope": "条件と適用範囲"}, {
        "For adults with Ph-positive ALL aged 65 or older, the JSH 2023 guideline recommends induction with a TKI "
        "plus a corticosteroid.":
            "65歳以上の成人Ph陽性ALLでは、JSH 2023ガイドラインはTKIと副腎皮質ステロイドの併用による寛解導入療法を推奨している。",
        "For adults with Ph-positive ALL aged 65 or older, the JSH 2023 guideline adds reduced-intensity-conditioning "
        "(RIC) allo-HSCT and/or maintenance chemotherapy when these are feasible for the individual patient.":
            "65歳以上の成人Ph陽性ALLでは、JSH 2023ガイドラインは、個々の患者で実施可能な場合に、骨髄非破壊的前処置"
            "（RIC）による同種造血幹細胞移植と維持化学療法の一方または両方を加えるとしている。",
        "The JSH 2023 guideline does not make allo-HSCT mandatory for adults with Ph-positive ALL aged 65 or older; "
        "it is an option when feasible.":
            "JSH 2023ガイドラインは、65歳以上の成人Ph陽性ALLに同種造血幹細胞移植を必須とはしておらず、実施可能な場合の"
            "選択肢としている。",
    }),
    "g02-ph-pos-induction": ("Ph陽性ALL：TKIと化学療法の併用", {"Recommendation": "推奨"}, {
        "For adults with Ph-positive ALL, the JSH 2023 guideline recommends induction and consolidation therapy "
        "that combines a tyrosine kinase inhibitor (TKI) with chemotherapy.":
            "成人Ph陽性ALLでは、JSH 2023ガイドラインはチロシンキナーゼ阻害薬（TKI）と化学療法を併用する寛解導入療法"
            "および地固め療法を推奨している。",
        "For adults with Ph-positive ALL who reach first complete remission (CR1) on TKI-combined chemotherapy and "
        "are eligible for transplantation, the JSH 2023 guideline recommends allogeneic hematopoietic stem cell "
        "transplantation (allo-HSCT) in CR1.":
            "TKI併用化学療法で第一寛解（CR1）に到達し、移植適応のある成人Ph陽性ALLでは、JSH 2023ガイドラインは"
            "CR1での同種造血幹細胞移植（allo-HSCT）を推奨している。",
    }),
    "g03-ph-pos-hsct-cr1": ("Ph陽性ALL：第一寛解期の同種造血幹細胞移植", {"Recommendation": "推奨"}, {
        "For adults with Ph-positive ALL who achieve first complete remission (CR1) after TKI-combined chemotherapy "
        "and are eligible for transplantation, the JSH 2023 guideline recommends allogeneic hematopoietic stem cell "
        "transplantation (allo-HSCT) in CR1.":
            "TKI併用化学療法後に第一寛解（CR1）に到達し、移植適応のある成人Ph陽性ALLでは、JSH 2023ガイドラインは"
            "CR1での同種造血幹細胞移植（allo-HSCT）を推奨している。",
    }),
}


def ja_rows(doc_id: str) -> list[dict[str, str]]:
    return [{"en": en, "ja": ja} for en, ja in JA[doc_id][2].items()]


def make_ja_corpus(dest: Path) -> Path:
    """`dest` made into a corpus folder: the bundled documents linked, and the fixture's `ja/` files written."""
    dest.mkdir(parents=True, exist_ok=True)
    for src in CORPUS.iterdir():
        if src.is_file() and not (dest / src.name).exists():
            (dest / src.name).symlink_to(src)
    ja = dest / "ja"
    ja.mkdir(exist_ok=True)
    for doc_id, (title, headings, _) in JA.items():
        data = {"doc_id": doc_id, "title": title, "headings": headings, "sentences": ja_rows(doc_id)}
        (ja / f"{doc_id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
    return dest


def shown_ja(sentence_ja: str, text: str) -> bool:
    """An aligned Japanese sentence is in an answer's text, in the polite style, whole or without the subject the
    bullet before it gave (`assistant.localise._Renderer.unrepeated`)."""
    from assistant.localise import load_messages, polite, unglossed

    plain, shown = polite(sentence_ja), unglossed(text)
    subjects = [s for s in load_messages("ja").style["repeated_subjects"] if s in plain]
    return plain in shown or any(plain.replace(s + "、", "", 1).replace(s, "", 1) in shown for s in subjects)
