"""Answers in the question's language: an English `Answer` rendered in Japanese.

The pipeline reads and checks in English; a Japanese answer is built from the checked English one, line by line:

- a sentence quoted from the corpus becomes its aligned Japanese sentence (`corpus/ja/`, `assistant.translations`),
  its citation markers kept;
- a note, lead, refusal or disclaimer the assistant wrote becomes its Japanese text from the message table
  (`assistant/messages/ja.yaml`), its fields (ages, labels, reasons) looked up in the same table;
- citations keep `quote` (the English span, verbatim in the cited chunk) and gain `quote_ja` (the aligned Japanese
  sentence, verbatim from `corpus/ja/`) and `section_title_ja`;
- a sentence with no Japanese text is shown in English after a mark and counted in a `LANG-UNALIGNED-060` finding:
  nothing is dropped.

>>> from assistant.models import Answer
>>> from assistant.translations import Translations
>>> t = Translations({"Use a TKI.": "TKIを用いる。"}, {}, {})
>>> a = localise(Answer(question="q", answer="- Use a TKI.[1]", verdict="pass"), lang="ja", translations=t)
>>> a.answer, a.lang
('- チロシンキナーゼ阻害薬（TKI、飲み薬）を用います。[1]', 'ja')
>>> resolve_lang("auto", "Ph陽性ALLの寛解導入は？"), resolve_lang(None, "Ph+ ALL induction?")
('ja', 'en')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any, Literal

import yaml

from assistant import draft, prompts
from assistant.lang import detect
from assistant.models import Answer, Citation
from assistant.rules.policy import default_policy
from assistant.translations import Translations

__all__ = ["LANGS", "LLM_FALLBACK_NOTE", "Lang", "Messages", "english_history", "gloss", "load_messages", "localise",
           "resolve_lang", "translations_for", "ui_text", "unglossed"]

Lang = Literal["en", "ja"]
LANGS: tuple[str, ...] = ("en", "ja")
MESSAGES_DIR = Path(__file__).parent / "messages"
#: Shown (in Japanese) when an LLM answer was asked for in Japanese: the claim checks read English only.
LLM_FALLBACK_NOTE = ("_The language model's answer cannot yet be checked in Japanese, so the extractive answer from "
                     "the aligned Japanese corpus is shown._")
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CJK = (("\u3000", "\u30ff"), ("\u4e00", "\u9fff"), ("\uff00", "\uffef"))  # kana, kanji, full-width marks
_NUMBER_CHARS = frozenset("0123456789.,%^x-+ ")
_KEEP_WORDS = 4  # a field value of at most this many words with no Japanese (a drug, a trial) is kept as written


def resolve_lang(value: str | None, question: str) -> Lang:
    """The answer language: 'en' or 'ja' as given, or detected from the question for None / 'auto'.

    Raises ValueError naming the accepted values for anything else.

    >>> resolve_lang("ja", "What induction?")
    'ja'
    """
    if value is None or value == "auto":
        return detect(question)
    if value in LANGS:
        return value  # type: ignore[return-value]
    raise ValueError(f"lang must be 'en', 'ja' or 'auto', not {value!r}")


# -- the message table --------------------------------------------------------------------------------------

def _cjk(ch: str) -> bool:
    return any(lo <= ch <= hi for lo, hi in _CJK)


def _unfold(text: str) -> str:
    """A folded YAML scalar joins lines with a space; Japanese puts no space beside kana, kanji or full-width marks.

    >>> _unfold("ガイドライン の  要約 (JSH 2023)")
    'ガイドラインの要約(JSH 2023)'
    """
    text = " ".join(text.split())
    return "".join(ch for i, ch in enumerate(text) if not (ch == " " and (_cjk(text[i - 1]) or _cjk(text[i + 1]))))


def _fixed_part(template: str) -> str:
    """A template without its {fields} (its fixed text, whose length ranks the templates)."""
    return "".join(literal for literal, _, _, _ in Formatter().parse(template))


def _pattern(template: str) -> re.Pattern[str]:
    """An English template as a regex: each {field} matches any text (shortest first)."""
    out: list[str] = []
    seen: set[str] = set()
    for literal, name, _, _ in Formatter().parse(template):
        out.append(re.escape(literal))
        if name:  # a field used twice matches the same text twice
            out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
    return re.compile("".join(out), re.DOTALL)


def _marker_end(text: str, i: int) -> int:
    """The end of the citation markers ("[1][3]") starting at text[i], or i when there are none."""
    end = i
    while text.startswith("[", end):
        close = text.find("]", end)
        if close < end + 2 or not text[end + 1:close].isdigit():
            break
        end = close + 1
    return end


def _marker_pieces(text: str) -> list[str]:
    """Text split around its citation markers: [text, markers, text, markers, ..., text].

    >>> _marker_pieces("A.[1] B.[2][3] C")
    ['A.', '[1]', ' B.', '[2][3]', ' C']
    """
    pieces, start, i = [], 0, text.find("[")
    while i >= 0:
        end = _marker_end(text, i)
        if end > i:
            pieces += [text[start:i], text[i:end]]
            start = end
        i = text.find("[", max(end, i + 1))
    return [*pieces, text[start:]]


@dataclass(frozen=True)
class Messages:
    """English template -> Japanese template, for the texts the assistant writes itself."""

    templates: tuple[tuple[re.Pattern[str], str], ...]  # whole notes and lines, fixed texts first
    fragments: tuple[tuple[re.Pattern[str], str], ...]  # what fills their fields
    terms: dict[str, str]  # lower-cased English -> Japanese
    ui: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)  # concept label (English) -> Japanese
    glossary: dict[str, str] = field(default_factory=dict)  # abbreviation -> the term written before its first use
    polite: dict[str, Any] = field(default_factory=dict)  # the tables of the polite style (`polite`)

    def ui_words(self, prefix: str) -> dict[str, str]:
        """A word list of the `ui` table: `<prefix><English>: <Japanese>` entries, by their English."""
        return {k.removeprefix(prefix): v for k, v in self.ui.items() if k.startswith(prefix)}

    def line(self, text: str) -> str | None:
        """The Japanese of a whole note or fixed text, or None when the table has none."""
        return _fill(text, self.templates, self)

    def field(self, text: str) -> str | None:
        """The Japanese of what fills a field: a term, a concept label, or a fragment (recursively)."""
        key = text.strip()
        if key.lower() in self.terms:
            return self.terms[key.lower()]
        if key in self.labels:
            return self.labels[key]
        if set(key) <= _NUMBER_CHARS:  # numbers, levels, powers of ten
            return key
        return _fill(text, self.fragments, self) or _fill(key, self.fragments, self)


def _fill(text: str, table: Iterable[tuple[re.Pattern[str], str]], messages: Messages) -> str | None:
    for pattern, ja in table:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        values = {k: (messages.field(v) if v else "") for k, v in m.groupdict().items()}
        if any(v is None and len(m.group(k).split()) > _KEEP_WORDS for k, v in values.items()):
            return None  # a whole clause with no Japanese: the line is shown in English, marked
        # a name with no Japanese form (a drug, a trial) stays as written
        return ja.format(**{k: (v if v is not None else m.group(k)) for k, v in values.items()})
    return None


def _english(key: str) -> str:
    for value in (getattr(prompts, key, None), getattr(draft, key, None), globals().get(key)):
        if isinstance(value, str):
            return value
    raise KeyError(f"messages: no English text named {key} in assistant.prompts or assistant.draft")


def _concept_labels() -> dict[str, str]:
    """Concept label -> its Japanese label or first Japanese term naming it, where the lexicon has one."""
    from assistant.concepts import LEXICON_DIR

    data = yaml.load((LEXICON_DIR / "concepts.yaml").read_text(encoding="utf-8"), Loader=_YAML)
    out: dict[str, str] = {}
    for c in data.get("concepts", []):
        ja = c.get("ja") or {}
        name = ja.get("label") if isinstance(ja, Mapping) else None
        terms = (ja.get("terms") if isinstance(ja, Mapping) else ja) or []
        # the first term that names the concept itself: a form read as other English ("移植適応あり=transplant-
        # eligible") names something narrower, and its "=English" is never shown (review-ja2 k28)
        own = [str(t) for t in terms if "=" not in str(t)] if isinstance(terms, list) else []
        name = name or (own[0] if own else None)
        if name and c.get("label"):
            out[str(c["label"])] = name
    return out


def _rule_titles(data: Mapping[str, Any]) -> dict[str, str]:
    """The guideline rules' English titles -> the table's Japanese titles (keyed by rule id in the table)."""
    from assistant.rules.logic import default_rulebook

    ja = data.get("rule_titles") or {}
    return {r.title: str(ja[r.id]) for r in default_rulebook().rules if r.id in ja}


@lru_cache(maxsize=4)
def load_messages(lang: str = "ja", folder: Path = MESSAGES_DIR) -> Messages:
    """The message table of a language (`assistant/messages/<lang>.yaml`), read once."""
    data = yaml.load((folder / f"{lang}.yaml").read_text(encoding="utf-8"), Loader=_YAML)
    texts = [(_english(k), _unfold(v)) for k, v in (data.get("texts") or {}).items()]
    drafted = [(str(d["en"]), _unfold(str(d["ja"]))) for d in (data.get("drafted") or {}).values()]
    # fixed texts before templates with fields; among templates, the longest fixed part first (most specific)
    table = sorted([*texts, *drafted], key=lambda e: -len(_fixed_part(e[0])))
    fragments = sorted(((str(k), _unfold(str(v))) for k, v in (data.get("fragments") or {}).items()),
                       key=lambda e: -len(_fixed_part(e[0])))
    return Messages(templates=tuple((_pattern(en), ja) for en, ja in table),
                    fragments=tuple((_pattern(en), ja) for en, ja in fragments),
                    terms={str(k).lower(): _unfold(str(v))
                           for k, v in [*(data.get("terms") or {}).items(), *_rule_titles(data).items()]},
                    ui={str(k): _unfold(str(v)) for k, v in (data.get("ui") or {}).items()},
                    labels=_concept_labels(),
                    glossary={str(k): str(v) for k, v in (data.get("glossary") or {}).items()},
                    polite=dict(data.get("polite") or {}))


def ui_text(key: str, lang: str, default: str) -> str:
    """A label of the answer view in `lang` ('en' gives `default`).

    >>> ui_text("sources", "ja", "Sources"), ui_text("sources", "en", "Sources")
    ('出典', 'Sources')
    """
    if lang not in LANGS or lang == "en":  # ("auto" before an answer has a language: English)
        return default
    return load_messages(lang).ui.get(key, default)


# -- rendering an answer --------------------------------------------------------------------------------------

@dataclass
class _Renderer:
    translations: Translations
    messages: Messages
    citations: dict[int, Citation]
    unaligned: list[str] = field(default_factory=list)
    glossed: set[str] = field(default_factory=set)  # abbreviations already used in the answer (`gloss`)
    lang: str = "ja"

    def japanese(self, text: str) -> str:
        """A Japanese text of the answer, its abbreviations' first uses with their Japanese terms."""
        return gloss(text, self.messages.glossary, self.glossed)

    def sentence(self, text: str, marker: int | None) -> str:
        """A quoted sentence in Japanese (by its citation's quote, else by its text), or marked English."""
        cited = self.citations.get(marker) if marker is not None else None
        ja = (self.translations.sentence(cited.quote) if cited else None) or self.translations.sentence(text)
        if ja is None and text.endswith(".") and not text.endswith(".."):
            ja = self.translations.sentence(text[:-1])  # the drafter adds a full stop the corpus line lacks
        if ja is not None:  # a corpus sentence, in the polite style of an answer
            return self.japanese(_polite_shown(ja, self.lang))
        ja = self.messages.line(text)
        if ja is None:
            self.unaligned.append(text)
            return f"{self.messages.ui.get('unaligned_mark', '[EN]')} {text}"
        return self.japanese(ja)

    def body(self, text: str) -> str:
        """Text with citation markers: each sentence before its markers rendered, the markers kept."""
        pieces = _marker_pieces(text)
        out: list[str] = []
        for i in range(0, len(pieces), 2):
            chunk, markers = pieces[i], pieces[i + 1] if i + 1 < len(pieces) else ""
            lead, sent = self._lead(chunk.strip())
            if sent:
                first = int(markers[1:markers.index("]")]) if markers else None
                out.append(lead + self.sentence(sent, first))
            elif lead:
                out.append(lead)
            out.append(markers)
        return "".join(out).strip()

    def _lead(self, text: str) -> tuple[str, str]:
        """A bold lead ("**Evidence (...):**") split off and rendered."""
        close = text.find("**", 2) if text.startswith("**") else -1
        if close < 3 or "*" in text[2:close] or not text[close + 2:close + 3].isspace():
            return "", text
        lead, rest = text[:close + 2], text[close + 2:].lstrip()
        ja = self.messages.line(lead)
        return ((ja or lead) + ("" if ja else " ")), rest

    def line(self, line: str) -> str:
        stripped = line.strip()
        if not stripped:
            return line
        indent = len(line) - len(line.lstrip())
        if line[indent:indent + 1] in ("-", "*") and line[indent + 1:indent + 2].isspace():  # a bullet
            text = line[indent + 1:].lstrip()
            return line[:len(line) - len(text)] + self.body(text)
        whole = self.messages.line(stripped)
        if whole is not None:
            return self.japanese(whole)
        if len(_marker_pieces(stripped)) > 1:
            return self.body(stripped)
        ja = self.translations.sentence(stripped)
        if ja is not None:
            return self.japanese(_polite_shown(ja, self.lang))
        self.unaligned.append(stripped)
        return f"{self.messages.ui.get('unaligned_mark', '[EN]')} {stripped}"


def _latin_edge(text: str, i: int) -> bool:
    """No Latin letter, digit or hyphen at text[i] (or i is outside the text): an abbreviation ends here."""
    return not (0 <= i < len(text) and (text[i].isascii() and text[i].isalnum() or text[i] == "-"))


def _first_use(text: str, abbr: str) -> int:
    """Where `abbr` first stands as a word of its own ("TKI" in "TKI維持療法", not in "TKIs"), or -1."""
    i = text.find(abbr)
    while i >= 0 and not (_latin_edge(text, i - 1) and _latin_edge(text, i + len(abbr))):
        i = text.find(abbr, i + 1)
    return i


def gloss(text: str, glossary: Mapping[str, str], seen: set[str] | None = None) -> str:
    """Each abbreviation of `glossary` with its Japanese term before its first use, unless the term is already
    written before it or around it ("allo-HSCT" -> "同種造血幹細胞移植（allo-HSCT）", in full-width brackets, which the
    corpus sentences do not use, so `unglossed` gives them back verbatim); longer abbreviations first.
    `seen`: abbreviations an earlier text of the same answer used (updated), which are not glossed again.

    >>> gloss("allo-HSCT後のTKI。TKIは", {"allo-HSCT": "同種造血幹細胞移植", "TKI": "チロシンキナーゼ阻害薬"})
    '同種造血幹細胞移植（allo-HSCT）後のチロシンキナーゼ阻害薬（TKI）。TKIは'
    """
    seen = set() if seen is None else seen
    for abbr in sorted(glossary, key=len, reverse=True):
        i = _first_use(text, abbr)
        if abbr in seen or i < 0:
            continue
        seen.add(abbr)
        shown = _gloss_of(abbr, glossary[abbr])
        around = text[i - 1:i] in ("(", "（") or text[i + len(abbr):i + len(abbr) + 1] in (")", "）")  # "減弱前処置(RIC)"
        if not (around or shown.split("（")[0] in text[:i]):
            text = f"{text[:i]}{shown}{text[i + len(abbr):]}"
    return text


def _gloss_of(abbr: str, entry: str) -> str:
    """The text an abbreviation's first use becomes: the glossary entry as written when it holds the abbreviation
    ("チロシンキナーゼ阻害薬（TKI、飲み薬）"), else the term with the abbreviation ("同種造血幹細胞移植（allo-HSCT）")."""
    return entry if abbr in entry else f"{entry}（{abbr}）"


def _stem(tok: Any, godan: Mapping[str, str]) -> str | None:
    """The polite stem of a verb or of an auxiliary like れる (入る -> 入り, 受ける -> 受け, 達する -> 達し), or None."""
    dic, kind = tok.dictionary, tok.conjugation
    if kind.startswith("五段") and dic[-1:] in godan:
        return dic[:-1] + godan[dic[-1]]
    if kind.startswith(("上一段", "下一段", "助動詞-レル")) and dic.endswith("る") and len(dic) > 1:
        return dic[:-1]
    if kind == "サ行変格":
        return dic[:-2] + "し" if dic.endswith("する") else None
    return None


def _polite_end(toks: list[Any], table: Mapping[str, Any]) -> tuple[int, str] | None:
    """How many final tokens of a plain-style predicate to replace, and with what polite text (0: append it)."""
    godan, last = table["godan_stem"], toks[-1]
    prev = toks[-2] if len(toks) > 1 else None
    before = toks[-3] if len(toks) > 2 else None
    if last.conjugation == "助動詞-タ" and prev is not None:  # た, or だ after 進ん
        if prev.conjugation == "助動詞-ナイ" and before is not None and (stem := _stem(before, godan)):
            return 3, stem + "ませんでした"  # 見つからなかった -> 見つかりませんでした
        if prev.pos == "形容詞":  # はなかった -> はありませんでした, 長かった -> 長かったです
            return (2, table["negative_adjective"]["なかった"]) if prev.dictionary == "ない" else (0, "です")
        if prev.dictionary == "ある" and before is not None and before.surface == "で":
            return 3, table["copula"]["であった"]
        stem = _stem(prev, godan)
        return (2, stem + "ました") if stem else None
    if last.conjugation == "助動詞-ナイ" and prev is not None and (stem := _stem(prev, godan)):
        return 2, stem + "ません"  # 挙げていない -> 挙げていません
    if last.pos == "形容詞" or last.conjugation == "形容詞":  # ではない -> ではありません, 高い -> 高いです
        return (1, table["negative_adjective"]["ない"]) if last.dictionary == "ない" else (0, "です")
    if last.dictionary == "ある" and prev is not None and prev.surface == "で":
        return 2, table["copula"]["である"]
    if last.conjugation == "助動詞-ダ" and last.surface in table["copula"]:  # 不明だ -> 不明です
        return 1, table["copula"][last.surface]
    if last.pos in ("動詞", "助動詞") and last.dictionary not in ("うる", "得る") and (stem := _stem(last, godan)):
        return 1, stem + "ます"  # 推奨している -> 推奨しています
    return None


def polite(sentence: str, table: Mapping[str, Any] | None = None) -> str:
    """A plain-style corpus sentence (だ・である) in the polite style (です・ます), by its final predicate; a sentence
    it cannot read is returned as written.

    >>> [polite(s) for s in ["推奨している。", "報告した(P=.002)。", "挙げていない。", "推奨ではない。", "であった。"]]
    ['推奨しています。', '報告しました(P=.002)。', '挙げていません。', '推奨ではありません。', 'でした。']
    """
    from assistant.ja import tokenize

    table = load_messages("ja").polite if table is None else table
    text = sentence.rstrip()
    if not table or not text.endswith("。"):
        return sentence
    body, tail = text[:-1], "。"
    if body.endswith(")") and body.rfind("(") > 0:  # "…であった(P=.002)。": the predicate is before the note
        body, tail = body[:body.rfind("(")], body[body.rfind("("):] + tail
    toks = tokenize(body)
    end = _polite_end(toks, table) if toks else None
    if end is None:
        return sentence
    n, new = end
    return "".join(t.surface for t in toks[:len(toks) - n]) + new + tail


@lru_cache(maxsize=4096)
def _polite_shown(sentence: str, lang: str) -> str:
    """`polite` with the message table of `lang`, once per sentence (answers quote the same sentences again)."""
    return polite(sentence, load_messages(lang).polite)


def unglossed(text: str, glossary: Mapping[str, str] | None = None) -> str:
    """`text` without the terms `gloss` wrote before abbreviations: the corpus sentences as quoted (for checks).

    >>> unglossed("同種造血幹細胞移植（allo-HSCT）後", {"allo-HSCT": "同種造血幹細胞移植"})
    'allo-HSCT後'
    """
    for abbr, entry in (load_messages("ja").glossary if glossary is None else glossary).items():
        text = text.replace(_gloss_of(abbr, entry), abbr)
    return text


def _title(c: Citation, t: Translations) -> str | None:
    doc, sep, section = c.section_title.partition(" › ")
    title = t.title(c.doc_id) or None
    if not sep:
        return title or t.heading(doc)
    head = t.heading(section)
    return f"{title or doc} › {head or section}" if (title or head) else None


def localise(answer: Answer, *, lang: str, translations: Translations, messages: Messages | None = None,
             llm_fallback: bool = False) -> Answer:
    """`answer` in `lang` ('en' returns it unchanged but for `lang`). `llm_fallback`: the question was meant for
    the LLM, but its answer cannot be checked in this language, so the extractive answer is shown with a note
    saying so (and a LANG-LLM-061 finding).

    The English answer's checks stand: the Japanese text says the same sentences, in the same order, with the
    same markers; the rule findings are the English answer's (their messages stay English: they are the rule
    layer's record), plus one LANG-UNALIGNED-060 finding counting the sentences left in English.
    """
    if lang == "en":
        return answer.model_copy(update={"lang": "en"})
    msgs = messages or load_messages(lang)
    r = _Renderer(translations, msgs, {c.marker: c for c in answer.citations}, lang=lang)
    text = f"{LLM_FALLBACK_NOTE}\n\n{answer.answer}" if llm_fallback else answer.answer
    rendered = "\n".join(r.line(ln) for ln in text.splitlines())
    citations = [c.model_copy(update={"quote_ja": translations.sentence(c.quote),
                                      "section_title_ja": _title(c, translations)}) for c in answer.citations]
    findings = list(answer.findings)
    policy = default_policy()  # (the finding ids and severities: assistant/rules/policy.yaml, events)
    if llm_fallback:
        findings.append(policy.event("llm_not_checked", _plain(LLM_FALLBACK_NOTE)))
    if r.unaligned:
        findings.append(policy.event(
            "unaligned", f"{len(r.unaligned)} sentence(s) have no aligned Japanese text and are shown in English, "
                         f"marked {msgs.ui.get('unaligned_mark', '[EN]')}"))
    return answer.model_copy(update={"answer": rendered, "citations": citations, "findings": findings,
                                     "lang": lang})


def _plain(note: str) -> str:
    return note.strip("_").rstrip(".")


def translations_for(corpus_dir: Path) -> Translations:
    """The aligned Japanese corpus next to the English one (`<corpus>/ja`); empty when there is none."""
    from assistant.translations import load_translations

    return load_translations(corpus_dir / "ja")


def english_history(history: Iterable[Any] | None, to_english: Any) -> list[Any]:
    """Earlier turns with the user's Japanese turns read into English (assistant turns and English kept)."""
    out: list[Any] = []
    for h in history or []:
        if isinstance(h, str):
            out.append(to_english(h) if detect(h) == "ja" else h)
        elif isinstance(h, Mapping) and h.get("role", "user") == "user" and isinstance(h.get("content"), str) \
                and detect(h["content"]) == "ja":
            out.append({**h, "content": to_english(h["content"])})
        else:
            out.append(h)
    return out
