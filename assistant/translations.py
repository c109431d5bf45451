"""Japanese text aligned sentence by sentence with the English corpus.

One file per English document, ``corpus/ja/<doc_id>.yaml``, written in this project's own words::

    doc_id: g03-ph-pos-hsct-cr1
    title: Ph陽性ALL：第一寛解期の同種造血幹細胞移植
    headings:                       # English heading line (without '#') -> Japanese
      Recommendation: 推奨
    sentences:                      # every sentence of the English body, in order
      - en: For adults with Ph-positive ALL who achieve ...   # exactly as `english_sentences` splits it
        ja: 第一寛解(CR1)に到達し移植適応のある成人Ph陽性ALLでは ...

`english_sentences` is the splitter the drafter quotes from (`text.headed_sentences`), so an answer sentence
quoted from a chunk finds its Japanese text by lookup; `check_alignment` reports drift (an English sentence
edited, added or removed without its Japanese) and a test fails on it.

>>> t = Translations({"Ph+ ALL is common.": "Ph陽性ALLは多い。"}, {}, {})
>>> t.sentence("Ph+  ALL is common.")
'Ph陽性ALLは多い。'
>>> t.sentence("Unknown.") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .text import headed_sentences

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _key(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Translations:
    """English sentence / heading / doc id -> Japanese text."""

    sentences: dict[str, str]
    headings: dict[str, str]
    titles: dict[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "sentences", {_key(k): v for k, v in self.sentences.items()})

    def sentence(self, en: str) -> str | None:
        return self.sentences.get(_key(en))

    def heading(self, en: str) -> str | None:
        return self.headings.get(_key(en))

    def title(self, doc_id: str) -> str | None:
        return self.titles.get(doc_id)


def _body(markdown: str) -> str:
    """The Markdown body after the front matter."""
    if markdown.startswith("---"):
        end = markdown.find("\n---", 3)
        if end != -1:
            return markdown[end + 4 :]
    return markdown


def english_sentences(markdown: str) -> list[str]:
    """The sentences of an English corpus document's body, in order, as the drafter splits them."""
    return [s for _, s in headed_sentences(_body(markdown))]


def _read(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sentences"), list):
        raise ValueError(f"{path.name}: expected a mapping with a 'sentences' list")
    return data


@lru_cache(maxsize=4)
def load_translations(folder: Path) -> Translations:
    """All aligned Japanese files in `folder` (usually ``<corpus>/ja``); empty when the folder is missing."""
    sentences: dict[str, str] = {}
    headings: dict[str, str] = {}
    titles: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        data = _read(path)
        titles[str(data.get("doc_id") or path.stem)] = str(data.get("title") or "")
        headings.update({_key(str(k)): str(v) for k, v in (data.get("headings") or {}).items()})
        for row in data["sentences"]:
            sentences[_key(str(row["en"]))] = str(row["ja"])
    return Translations(sentences, headings, titles)


def check_alignment(corpus: Path, folder: Path | None = None) -> list[str]:
    """Every way the Japanese files drift from the English corpus (empty list = aligned)."""
    folder = folder or corpus / "ja"
    problems: list[str] = []
    for md in sorted(corpus.glob("*.md")):
        if md.stem.lower() == "readme":
            continue
        ja = folder / f"{md.stem}.yaml"
        if not ja.is_file():
            problems.append(f"{md.stem}: no Japanese file {ja.name}")
            continue
        en = english_sentences(md.read_text(encoding="utf-8"))
        rows = _read(ja)["sentences"]
        for i, (want, row) in enumerate(zip(en, rows, strict=False)):
            if _key(str(row.get("en", ""))) != _key(want):
                problems.append(f"{md.stem}: sentence {i + 1} differs from the English: {want[:60]!r}")
                break
            if not str(row.get("ja") or "").strip():
                problems.append(f"{md.stem}: sentence {i + 1} has no Japanese text")
        if len(rows) != len(en):
            problems.append(f"{md.stem}: {len(rows)} Japanese rows for {len(en)} English sentences")
    return problems
