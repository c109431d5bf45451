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
('- チロシンキナーゼ阻害薬（TKI）を用います。[1]', 'ja')
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

__all__ = ["LANGS", "LLM_FALLBACK_NOTE", "Asker", "Lang", "Messages", "english_history", "explained", "gloss",
           "load_messages", "localise", "own_words", "read_asker", "resolve_lang", "translations_for", "ui_text",
           "unglossed"]

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
    glossary_all: tuple[str, ...] = ()  # abbreviations glossed for every asker (a source's name)
    register: dict[str, Any] = field(default_factory=dict)  # how the asker is read (`read_asker`)
    lay_terms: tuple[dict[str, Any], ...] = ()  # plain explanations for lay askers (`explained`)
    style: dict[str, Any] = field(default_factory=dict)  # how an answer reads as written (`_Renderer.unrepeated`)
    #: (English note, words of the question it fits, the Japanese for a question without them) (`_Renderer.fitted`)
    variants: tuple[tuple[str, tuple[str, ...], str], ...] = ()

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
        if " or " in key:  # labels joined by "or", each of which may hold "and" or commas ("supplements and
            # complementary remedies or costs, insurance and welfare benefits", rja98 q37)
            got = [self.labels.get(p.strip()) for p in key.split(" or ")]
            if all(got):
                return "または".join(g for g in got if g)
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
    from assistant.concepts import LEXICON_DIR, lexicon_entries

    out: dict[str, str] = {}
    for c in lexicon_entries(LEXICON_DIR)[0]:  # (every lexicon file: a condition of diseases.yaml too)
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
                    polite=dict(data.get("polite") or {}),
                    glossary_all=tuple(str(k) for k in data.get("glossary_all") or ()),
                    register=dict(data.get("register") or {}),
                    lay_terms=tuple(dict(e) for e in data.get("lay_terms") or ()),
                    style=dict(data.get("style") or {}),
                    variants=tuple((_english(str(v["note"])).strip(), tuple(str(w) for w in v["fits"]),
                                    _unfold(str(v["otherwise"]))) for v in data.get("variants") or ()))


def ui_text(key: str, lang: str, default: str) -> str:
    """A label of the answer view in `lang` ('en' gives `default`).

    >>> ui_text("sources", "ja", "Sources"), ui_text("sources", "en", "Sources")
    ('出典', 'Sources')
    """
    if lang not in LANGS or lang == "en":  # ("auto" before an answer has a language: English)
        return default
    return load_messages(lang).ui.get(key, default)


# -- who is asking -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Asker:
    """How an answer is written for its asker: `lay` (a patient or a relative: abbreviations written out once,
    plain explanations under the answer) or not (a clinician: the terms as they stand); `own`: the asker's own
    words for a treatment, (word, concept id), written before the answer's term ("骨髄移植（同種造血幹細胞移植）").
    `known`: the question was read (an answer localised without it keeps the abbreviations' glosses only)."""

    lay: bool = True
    own: tuple[tuple[str, str], ...] = ()
    known: bool = False


def _names_a_thing(form: str) -> bool:
    """A lay form that names a treatment or a result ("骨髄移植", "頭への放射線", a noun its clause describes:
    "検査で見えないくらいの白血病細胞"), not a clause ("背中に注射", "腰から薬を入れる").

    >>> [_names_a_thing(f) for f in ["骨髄移植", "検査で見えないくらいの白血病細胞", "背中に注射", "腰から薬を入れる"]]
    [True, True, False, False]
    """
    from assistant.ja import tokenize

    toks = tokenize(form)
    case = [i for i, t in enumerate(toks) if t.pos2 == "格助詞" and t.surface in ("を", "に", "が", "で", "は")]
    return not case or (toks[-1].pos == "名詞" and any(t.surface == "の" for t in toks[case[-1] + 1:]))


def _asker_relative(items: list[Any], reg: Mapping[str, Any]) -> bool:
    """A relative of the asker is named: a person of the lexicon (not a donor) whose sentence names no donor (a
    donor or `donor_words`: "兄がHLA一致ドナー候補" is the patient's brother in a case, not the asker's).

    >>> from assistant.ja import question_items
    >>> [_asker_relative(question_items(q), {"donor_words": ["HLA"]}) for q in ["兄がHLA一致。移植は？", "母がALLです"]]
    [False, True]
    """
    ends, words = {".", "?", "!"}, set(reg.get("donor_words", ()))
    for k, it in enumerate(items):
        if it.form is None or it.form.kind != "person" or it.form.role == "donor":
            continue
        end = next((j for j in range(k + 1, len(items)) if items[j].kind == "punct" and items[j].text in ends),
                   len(items))
        if not any(x.form is not None and x.form.role == "donor" or x.text in words for x in items[k + 1:end]):
            return True
    return False


def read_asker(question: str, messages: Messages | None = None) -> Asker:
    """Who is asking, from the question's own words (`register` of the message table): a relative or the asker
    themself, a lay form of the lexicon, a lay cue or a term written in kana for its kanji ("いしょく") -> lay;
    otherwise an abbreviation, a technical word, a case vignette or the terse style -> clinician; a plain question
    with none of these -> lay.

    >>> [read_asker(q).lay for q in ["母が骨髄移植を受けました。TKIは必要ですか？", "72F Ph+ ALLの導入療法は？",
    ...                               "白血病は治りますか？", "再発ALL、次の治療は？", "68歳男性 Ph+ALL 初発。強い化学療法は厳しい"]]
    [True, False, True, False, False]
    >>> read_asker("父が骨髄移植を受けました").own
    (('骨髄移植', 'allo_hsct'),)
    """
    import unicodedata

    from assistant.ja import GAP, load_ja_lexicon, question_items

    reg = (messages or load_messages("ja")).register
    text, items = unicodedata.normalize("NFKC", question), question_items(question)
    forms = [it.form for it in items if it.form is not None]
    concepts = set(reg.get("own_word_concepts", ()))
    lay_forms = [f for f in forms if f.source == "lay" and (f.kind in reg.get("lay_form_kinds", ()) or f.concept in concepts)]
    people = load_ja_lexicon().cues["people"]["asker"]
    plain = {w.lower() for w in reg.get("plain_latin", ())}
    latin = [w for w in [it.text for it in items if it.kind == "latin"] + [f.written for f in forms if GAP not in f.written]
             if any(c.isascii() and c.isalpha() for c in w) and w.strip("+-").lower() not in plain]
    polite = any(w in text for w in reg.get("polite", ()))
    relative = not any(w in text for w in reg.get("vignette", ())) and _asker_relative(items, reg)
    lay = (bool(lay_forms) or relative or any(it.kind == "token" and it.text in people for it in items)
           or any(w in text for w in reg.get("lay_cues", ())) or any(it.kana for it in items))
    clinical = bool(latin) or any(w in text for w in reg.get("clinician_cues", ()))
    if lay and not relative and any(w in text for w in reg.get("vignette", ())) and clinical and not any(
            w in text for w in reg.get("lay_cues", ())):
        lay = False  # a case vignette with a clinician's terms ("68歳男性 Ph+ALL 初発 ... 強い化学療法は厳しそう") is a
        # clinician's, though it uses a plain word
    if not lay:
        lay = not (clinical or not polite)
    named = load_ja_lexicon().cues["people"]["patient_third_person"]
    asker_named = any(it.kind == "token" and it.text in people for it in items)
    if lay and not relative and any(w in text for w in named) and not asker_named:
        lay = False  # "患者さんがそろそろ薬をやめたいと言ってますが…": the patient's wish reported by their clinician
    patient_words = set(load_ja_lexicon().cues["people"]["patient_named"])  # ("Ph陽性ALLの患者で…" is the asker)
    if lay and not relative and not asker_named and not lay_forms and latin and not any(it.kana for it in items) and any(
            w in text for w in reg.get("clinician_cues", ()) if w not in patient_words):
        lay = False  # "40-64歳のPh- ALLの地固めのHD-MTXって何g/m2でやるの？": a clinician's terms, only a lay-sounding cue
    # (a clinician asking how to explain it to a patient asks for the plain words: "患者さんにどう説明すれば", rja90 q22)
    lay = lay or any(w in text for w in reg.get("explain_cues", ()))
    kinds = set(reg.get("own_word_kinds", ()))
    nouns = reg.get("own_word_nouns") or {}
    own = tuple(dict.fromkeys([(f.written, f.concept) for f in lay_forms  # (not a form with a gap: "小児科で*治療")
                               if (f.kind in kinds or f.concept in concepts) and _names_a_thing(f.written)
                               and GAP not in f.written]
                              + [(nouns[f.concept]["word"], nouns[f.concept]["concept"]) for f in forms
                                 if f.source == "lay" and f.concept in nouns]))
    return Asker(lay=lay, own=own if lay else (), known=True)


@lru_cache(maxsize=2048)
def _asker_of(question: str) -> Asker:
    """`read_asker` with the message table, once per question (a question asked again is read again for nothing)."""
    return read_asker(question)


@lru_cache(maxsize=1)
def _concept_terms() -> dict[str, tuple[str, ...]]:
    """Concept id -> the Japanese terms naming it and its canonical form, longest first (where an answer names it)."""
    from assistant.concepts import LEXICON_DIR, lexicon_entries

    out: dict[str, tuple[str, ...]] = {}
    for e in lexicon_entries(LEXICON_DIR)[0]:
        ja = e.get("ja") or {}
        terms = [str(t) for t in (ja.get("terms") or []) if "=" not in str(t)] if isinstance(ja, Mapping) else []
        out[str(e["id"])] = tuple(sorted({*terms, str(e["canonical"])}, key=len, reverse=True))
    return out


def _word_at(text: str, form: str, start: int = 0) -> int:
    """Where `form` first stands as a word of its own in `text` from `start`: Latin edges for a Latin form, no
    kanji just before a Japanese one ("寛解導入療法" in "再寛解導入療法" is another treatment), or -1."""
    i = text.find(form, start)
    while i >= 0:
        before = text[i - 1:i]
        latin_ok = not form[0].isascii() or _latin_edge(text, i - 1)
        kanji_before = not form[0].isascii() and bool(before) and "\u4e00" <= before <= "\u9fff"
        if latin_ok and (not form[-1].isascii() or _latin_edge(text, i + len(form))) and not kanji_before:
            return i
        i = text.find(form, i + 1)
    return -1


def _in_compound(text: str, start: int, end: int) -> bool:
    """The word at text[start:end] ends a compound begun before it: a kanji right before it ("予防的TKI"; a suffix
    after it, "allo-HSCT後", leaves it a word of its own)."""
    return "\u4e00" <= text[start - 1:start] <= "\u9fff" if start else False


def own_words(text: str, own: Iterable[tuple[str, str]], done: set[str],
              glossary: Mapping[str, str] | None = None) -> str:
    """The asker's own word before the first term naming the same treatment ("骨髄移植（同種造血幹細胞移植）"), once
    per answer (`done`: words already written); an abbreviation in brackets after the term joins it
    ("骨髄移植（同種造血幹細胞移植、allo-HSCT）"), and a bare abbreviation gets its `glossary` term.

    >>> own_words("同種造血幹細胞移植(allo-HSCT)後のTKI", [("骨髄移植", "allo_hsct")], set())
    '骨髄移植（同種造血幹細胞移植、allo-HSCT）後のTKI'
    >>> own_words("TKIを続けます", [("分子標的薬", "tki")], set(), {"TKI": "チロシンキナーゼ阻害薬"})
    '分子標的薬（チロシンキナーゼ阻害薬、TKI）を続けます'

    A term inside a compound keeps it whole ("予防的TKI維持療法", not "予防的白血病の飲み薬（…）維持療法": rja48 y22).
    >>> own_words("予防的TKI維持療法", [("白血病の飲み薬", "tki")], set())
    '予防的TKI維持療法'
    """
    glossary = glossary or {}
    for word, concept in own:
        if word in done:
            continue
        if word in text:
            done.add(word)
            continue
        hits = [(i, f) for f in _concept_terms().get(concept, ()) if f not in word and (i := _word_at(text, f)) >= 0
                and not _in_compound(text, i, i + len(f))]
        if not hits:
            continue
        i, form = min(hits, key=lambda h: (h[0], -len(h[1])))
        end, inner = i + len(form), (f"{glossary[form]}、{form}" if form in glossary else form)
        close = text.find(")" if text[end:end + 1] == "(" else "）", end)
        if text[end:end + 1] in ("(", "（") and 0 < close - end <= 16 and text[end + 1:close].isascii():
            inner, end = f"{form}、{text[end + 1:close]}", close + 1
        text = f"{text[:i]}{word}（{inner}）{text[end:]}"
        done.add(word)
    return text


def explained(text: str, messages: Messages) -> list[str]:
    """The plain explanations (`lay_terms`) of the words `text` uses, in the order it first uses them, as bullets."""
    found: list[tuple[int, str]] = []
    for entry in messages.lay_terms:
        at = [i for f in entry["forms"] if (i := _word_at(text, str(f))) >= 0]
        if at:
            found.append((min(at), f"- **{entry['name']}**{messages.register.get('lay_terms_sep', '：')}"
                                   f"{' '.join(str(entry['text']).split())}"))
    return [line for _, line in sorted(found)][:int(messages.register.get("lay_terms_max", 8))]


# -- rendering an answer --------------------------------------------------------------------------------------

@dataclass
class _Renderer:
    translations: Translations
    messages: Messages
    citations: dict[int, Citation]
    unaligned: list[str] = field(default_factory=list)
    glossed: set[str] = field(default_factory=set)  # abbreviations already used in the answer (`gloss`)
    lang: str = "ja"
    asker: Asker = field(default_factory=Asker)
    owned: set[str] = field(default_factory=set)  # the asker's own words already written (`own_words`)
    subject: str = ""  # the subject the last quoted sentence gave its statement (`unrepeated`)
    question: str = ""  # the question as asked (`fitted`)

    def japanese(self, text: str) -> str:
        """A Japanese text of the answer: for a lay asker, their own words before the answer's terms and the
        abbreviations' first uses with their Japanese terms (a clinician reads the abbreviations as they stand)."""
        msgs = self.messages
        if self.asker.lay:
            return gloss(own_words(text, self.asker.own, self.owned, msgs.glossary), msgs.glossary, self.glossed)
        return gloss(text, {k: v for k, v in msgs.glossary.items() if k in msgs.glossary_all}, self.glossed)

    def sentence(self, text: str, marker: int | None) -> str:
        """A quoted sentence in Japanese (by its citation's quote, else by its text), or marked English."""
        cited = self.citations.get(marker) if marker is not None else None
        ja = (self.translations.sentence(cited.quote) if cited else None) or self.translations.sentence(text)
        if ja is None and text.endswith(".") and not text.endswith(".."):
            ja = self.translations.sentence(text[:-1])  # the drafter adds a full stop the corpus line lacks
        if ja is not None:  # a corpus sentence, in the polite style of an answer
            return self.japanese(self.unrepeated(_polite_shown(ja, self.lang)))
        self.subject = ""
        ja = self.messages.line(text)
        if ja is None:
            self.unaligned.append(text)
            return f"{self.messages.ui.get('unaligned_mark', '[EN]')} {text}"
        return self.japanese(ja)

    def fitted(self, note: str) -> str | None:
        """The Japanese of a note that has a variant for what the question said: a comfort line about a test result
        only when the question names a result (`variants` of the message table), else the general one."""
        if not self.question:
            return None
        for english, fits, otherwise in self.messages.variants:
            if note == english and not any(w in self.question for w in fits):
                return self.japanese(otherwise)
        return None

    def unrepeated(self, sentence: str) -> str:
        """A sentence without the subject the sentence before it already gave ("JSH 2023ガイドラインは"): Japanese
        leaves out a subject the reader knows, where a translation repeats it in every bullet.

        >>> r = _Renderer(Translations({}, {}, {}), Messages((), (), {}, {}, style={"repeated_subjects": ["Gは"]}), {})
        >>> [r.unrepeated(s) for s in ("Xに対して、GはAを推奨する。", "Gは、Yに対してBを推奨する。", "Cである。", "GはDを推奨する。")]
        ['Xに対して、GはAを推奨する。', 'Yに対してBを推奨する。', 'Cである。', 'GはDを推奨する。']
        """
        said = next((s for s in self.messages.style.get("repeated_subjects", ()) if s in sentence), "")
        if said and said == self.subject:
            sentence = sentence.replace(said + "、", "", 1) if said + "、" in sentence else sentence.replace(said, "", 1)
        self.subject = said
        return sentence

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
        self.subject = ""  # a note or heading between two statements: the next one names its subject again
        whole = self.fitted(stripped) or self.messages.line(stripped)
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
    """No Latin letter, digit, hyphen or plus at text[i] (or i is outside the text): an abbreviation ends here
    ("Ph" in "Ph+ALL213", a trial's name, is not the abbreviation)."""
    return not (0 <= i < len(text) and (text[i].isascii() and text[i].isalnum() or text[i] in "-+"))


def _first_use(text: str, abbr: str, term: str = "") -> int:
    """Where `abbr` first stands as a word of its own ("TKI" in "TKI維持療法", not in "TKIs"), or -1; not where the
    end of its `term` follows it ("Ph染色体" already names フィラデルフィア染色体)."""
    i = text.find(abbr)
    while i >= 0 and not (_latin_edge(text, i - 1) and _latin_edge(text, i + len(abbr))
                          and not any(text.startswith(term[k:], i + len(abbr)) for k in range(1, len(term) - 1))):
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
        i = _first_use(text, abbr, glossary[abbr].split("（")[0])
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
    if last.dictionary in ("うる", "得る") and "potential" in table:  # 関連しうる -> 関連し得ます
        return 1, table["potential"]
    if last.pos in ("動詞", "助動詞") and last.dictionary not in ("うる", "得る") and (stem := _stem(last, godan)):
        return 1, stem + "ます"  # 推奨している -> 推奨しています
    return None


def polite(sentence: str, table: Mapping[str, Any] | None = None) -> str:
    """A plain-style corpus sentence (だ・である) in the polite style (です・ます), by its final predicate and the
    predicates of its clauses that end on a contrastive が / けれど ("挙げているが、" -> "挙げていますが、": a plain
    clause inside a polite sentence reads as mixed register); a predicate it cannot read is left as written.

    >>> [polite(s) for s in ["推奨している。", "報告した(P=.002)。", "挙げていない。", "推奨ではない。", "であった。"]]
    ['推奨しています。', '報告しました(P=.002)。', '挙げていません。', '推奨ではありません。', 'でした。']
    >>> polite("選択肢として挙げているが、製品名は挙げていない。")
    '選択肢として挙げていますが、製品名は挙げていません。'
    >>> polite("次のように説明される：イマチニブは第1世代である。")
    '次のように説明されます：イマチニブは第1世代です。'
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
    contrast, marks = set(table.get("contrast", ())), set(table.get("clause_marks", ()))
    cuts = [j for j, t in enumerate(toks) if j and (t.pos2 == "接続助詞" and t.surface in contrast or t.surface in marks)]
    out, start = [], 0
    for j in [*cuts, len(toks)]:
        clause = toks[start:j]
        end = _polite_end(clause, table) if clause else None
        n, new = end if end is not None else (0, "")
        out += [t.surface for t in clause[:len(clause) - n]] + [new]
        start = j
    return "".join(out) + tail


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


def _bullet_lead(line: str) -> str:
    """The bold lead of a bullet ("- **エビデンス（…）：**…" -> "**エビデンス（…）：**"), or ""."""
    close = line.find("**", 4) if line.startswith("- **") else -1
    return line[2:close + 2] if close > 4 and line[close + 2:].strip() else ""


def grouped_leads(lines: list[str]) -> list[str]:
    """Bullets in a row with the same bold lead: the lead once, as a line above them, instead of on each one.

    >>> grouped_leads(["- A[1]", "- **補足：**B[2]", "- **補足：**C[3]", "- **補足：**D[4]", "- E[5]"])
    ['- A[1]', '', '**補足：**', '- B[2]', '- C[3]', '- D[4]', '', '- E[5]']
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        lead = _bullet_lead(lines[i])
        j = i
        while lead and j < len(lines) and _bullet_lead(lines[j]) == lead:
            j += 1
        if j - i < 2:
            out.append(lines[i])
            i += 1
            continue
        out += ([""] if out and out[-1].strip() else []) + [lead] + ["- " + ln[2 + len(lead):] for ln in lines[i:j]]
        out += [""] if j < len(lines) and lines[j].strip() else []
        i = j
    return out


def _with_explanations(lines: list[str], messages: Messages) -> list[str]:
    """The answer's lines with the plain explanations of its words after its last bullet and the notes that follow
    it (a rule's note on the patient, "At 21 ... within both age limits"), before the closing disclaimer line (a
    lay asker's answer)."""
    last = max((i for i, ln in enumerate(lines) if ln.startswith("- ")), default=-1)
    closing = max((i for i, ln in enumerate(lines) if ln.strip()), default=-1)
    last = max([last, *(i for i in range(last + 1, closing) if lines[i].startswith("_"))]) if last >= 0 else last
    bullets = explained("\n".join(lines[:last + 1]), messages) if last >= 0 else []
    if not bullets:
        return lines
    return [*lines[:last + 1], "", str(messages.register["lay_terms_heading"]), *bullets, *lines[last + 1:]]


def for_lay_english(answer: Answer, question: str | None) -> Answer:
    """An English answer for a patient or a relative (the lexicon's reading of who asks) with the plain
    explanations of the terms it uses after its last bullet (`assistant/messages/en.yaml`); others unchanged."""
    from assistant.compose.cues import says
    from assistant.concepts import read_concepts

    # (or whoever asks for plain words: "can someone explain simply ...?", r95 q28)
    if not question or (read_concepts(question.lower()).asker not in ("patient", "relative")
                        and not says(question, "explain_to_patient")):
        return answer
    lines = _with_explanations(answer.answer.splitlines(), load_messages("en"))
    return answer.model_copy(update={"answer": "\n".join(lines)})


def localise(answer: Answer, *, lang: str, translations: Translations, messages: Messages | None = None,
             llm_fallback: bool = False, question: str | None = None) -> Answer:
    """`answer` in `lang` ('en' returns it unchanged but for `lang`). `llm_fallback`: the question was meant for
    the LLM, but its answer cannot be checked in this language, so the extractive answer is shown with a note
    saying so (and a LANG-LLM-061 finding). `question`: the question as asked, read for who is asking
    (`read_asker`): a lay asker's answer glosses its terms once, a clinician's keeps them as they stand.

    The English answer's checks stand: the Japanese text says the same sentences, in the same order, with the
    same markers; the rule findings are the English answer's (their messages stay English: they are the rule
    layer's record), plus one LANG-UNALIGNED-060 finding counting the sentences left in English.
    """
    if lang == "en":
        return for_lay_english(answer, question).model_copy(update={"lang": "en"})
    msgs = messages or load_messages(lang)
    asker = (_asker_of(question) if messages is None else read_asker(question, msgs)) if question else Asker()
    r = _Renderer(translations, msgs, {c.marker: c for c in answer.citations}, lang=lang, asker=asker,
                  question=question or "")
    text = f"{LLM_FALLBACK_NOTE}\n\n{answer.answer}" if llm_fallback else answer.answer
    lines = [r.line(ln) for ln in text.splitlines()]
    lines = grouped_leads(_with_explanations(lines, msgs) if asker.lay and asker.known else lines)
    rendered = "\n".join(lines)
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
