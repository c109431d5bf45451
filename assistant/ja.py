"""Japanese questions read into the canonical English the rest of the pipeline reads.

A Japanese (or mixed Japanese/English) question is rendered as English concept text: patient facts, the question
plan, the scope checks and retrieval (BM25 over canonical tokens, the English embedding) read that text, so no
multilingual model is on the hot path.

    >>> to_english("70歳 Ph陽性ALLの寛解導入は？")
    'what aged 70 Ph-positive ALL induction?'
    >>> to_english("母（71歳）がフィラデルフィア染色体陽性のALLです")
    'my mother (aged 71) Ph-positive ALL'
    >>> to_english("同種移植後にMRD陰性だったら予防的TKIは必要ですか")
    'if after allo-HSCT MRD negative, prophylactic TKI needed?'

How, in order:

1. The text is normalised: superscript exponents ("10⁻⁴" -> "10^-4"), then NFKC (full-width digits and letters,
   "？" -> "?"), then SudachiPy's normalized form for Japanese nouns (spelling variants: 緩解 = 寛解).
2. Numbers as Japanese writes them become English first, by the `numbers` table of context.yaml (`ja:`): ages
   ("70歳", "65歳以上", "40〜64歳", "70代後半"), levels ("0.01%以上", "10のマイナス4乗", "1万個に1個"), spans ("3年間");
   polite verb endings are read in the plain style the lexicon forms are written in ("入りませんでした" =
   "入らなかった", by SudachiPy's conjugation type and the `plain_style` table).
3. The lexicon's `ja:` forms (assistant/lexicon/concepts.yaml) are matched longest first; each becomes the
   concept's canonical English, or the English its form names ("母=mother"). Latin text (abbreviations, an
   English question around a Japanese term) is kept as written. A form written in kana for its kanji is read too,
   word by word on SudachiPy's readings ("いしょく" = 移植, "フィラデルフィアいんせい" = フィラデルフィア陰性, one kana
   off after a word written as the lexicon writes it: "染色体いようせい" = 染色体陽性), within the bounds of
   context.yaml `kana_readings` (a short reading only for a person standing as a word: "ちちが" = 父が; a cue word only
   next to what it qualifies: "MRDはいんせい" = MRD陰性).
4. What is left is tokenized by SudachiPy; the Japanese cues of `context.yaml` (`ja:`) are read on surface and
   dictionary forms and placed where English puts them: negation and "after / before" go before the word they
   follow in Japanese ("移植していない" -> "no allo-HSCT", "移植後" -> "after allo-HSCT"), a hypothesis opens its
   clause ("MRD陰性だったら" -> "if MRD negative,"), a relative without a possessor is the asker's ("母" -> "my
   mother"), a possessor is written English-style ("患者さんの娘" -> "the patient's daughter"). Function words are
   dropped; other Japanese content words are dropped too (`keep_japanese=True` keeps them, for a reader that
   tokenizes Japanese).

How the pipeline uses it: `lang.detect(question)` decides the answer's language; whenever
`lang.has_japanese(question)` (also for an English question with a Japanese term), the facts reader, the plan and
the scope checks read `to_english(question)`, and retrieval reads `search_text(question)` (the same English plus the
question's Japanese words, for a user's own Japanese documents; `HybridRetriever` ranks those words by BM25 on their
own and keeps them out of the English embedding). A question without Japanese script is returned unchanged.

The lexicon and the SudachiPy tokenizer are loaded once per process, on first use (about 0.15 s); `detect` plus
`to_english` take 0.2-0.5 ms per question warm (p50 over the Japanese suite; p95 0.6-5 ms, on a shared 2-core
machine at load 5-7).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.concepts import lexicon_entries, lexicon_file
from assistant.text import ENCLOSED_NUMBERS, SUPERSCRIPTS
from ingest.japanese import is_japanese_char, sudachi_dictionary

__all__ = ["JaLexicon", "english_only", "japanese_words", "load_ja_lexicon", "normalise", "question_items", "search_text",
           "to_english", "tokenize"]

LEXICON_DIR = Path(__file__).parent / "lexicon"

_PUNCT = str.maketrans({"、": ",", "。": ". ", "・": ",", "「": " ", "」": " ", "『": " ", "』": " ", "【": "(",
                        "】": ")", "〜": "~", "⇒": "→", "−": "-", "‐": "-", "‑": "-", "–": "-", "ー": "ー",
                        "≧": "≥", "≦": "≤"})
_PROTECT = "\x00"
#: kana the tokenizer reads as another word: written with the kanji meant ("はなし" would be 話, "story")
_KANA_AMBIGUOUS = (("はなし", "は無し"), ("もなし", "も無し"), ("がなし", "が無し"))  # a rendered English piece in the text: kept as written
_FUNCTION_POS = frozenset({"助詞", "助動詞", "補助記号", "空白", "接尾辞", "接頭辞", "感動詞", "接続詞", "連体詞",
                           "記号"})
_KEEP_POS = frozenset({"名詞", "動詞", "形容詞", "副詞", "形状詞"})


# ------------------------------------------------------------------------------------------ the lexicon


@dataclass(frozen=True)
class JaForm:
    text: str  # normalised Japanese form
    concept: str
    kind: str
    role: str | None
    english: str
    source: str = ""  # the lexicon list it comes from: terms, lay or misspellings ("" for context cues)
    written: str = ""  # the form as the lexicon writes it ("骨髄移植"), before normalising


@dataclass(frozen=True)
class JaLexicon:
    forms: dict[str, tuple[JaForm, ...]]  # first character -> forms, longest first
    cues: dict[str, Any]
    words: dict[str, str]
    before: dict[str, str]
    sounds: dict[str, JaForm] = field(default_factory=dict)  # katakana read by sound (`sound_key`) -> the form
    kana: dict[str, tuple[KanaForm, ...]] = field(default_factory=dict)  # first kana -> forms as kana may write them
    word_readings: dict[str, str] = field(default_factory=dict)  # a `words` cue's reading -> the cue ("ようせい": 陽性)


@dataclass(frozen=True)
class KanaForm:
    """A lexicon form in its words, each as written and as read in hiragana ("" for no reading): 移植 = いしょく."""
    form: JaForm
    pieces: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """SudachiPy's tokenizer over sudachidict-core, built once per process (mode C: whole compounds)."""
    from sudachipy import SplitMode

    return sudachi_dictionary().create(mode=SplitMode.C)


@dataclass(frozen=True)
class Token:
    surface: str
    dictionary: str
    normalized: str
    pos: str
    pos2: str = ""  # the second level: 格助詞 (case), 接続助詞 (conjunctive) ...
    conjugation: str = ""  # the conjugation type: 五段-ラ行, 下一段-カ行, サ行変格, 助動詞-マス ...
    form: str = ""  # the conjugated form: 連用形-一般 (the stem a clause can end on: "施行し、"), 終止形-一般 ...




def tokenize(text: str) -> list[Token]:
    """SudachiPy tokens of a text (surface, dictionary form, normalized form, part of speech).

    >>> [t.dictionary for t in tokenize("移植しなかった")]
    ['移植', 'する', 'ない', 'た']
    """
    return [Token(m.surface(), m.dictionary_form(), m.normalized_form(), *m.part_of_speech()[:2],
                  *m.part_of_speech()[4:6]) for m in _tokenizer().tokenize(text)]


def _verb_lemma(tok: Token) -> str:
    """A verb's dictionary form as the cues write it: one written in hiragana by its kanji (SudachiPy's normalized
    form: "うけて" -> 受ける, "のんで" -> 飲む); a verb that leans on another (いる, する) as written."""
    if tok.pos2 == "一般" and all("\u3041" <= c <= "\u309f" for c in tok.dictionary) and any(
            "\u4e00" <= c <= "\u9fff" for c in tok.normalized):
        return tok.normalized
    return tok.dictionary


def _conjugate(verb: Token, ending: str, table: dict[str, Any]) -> str:
    """A verb (or an auxiliary like れる) in its plain past ("た") or negative ("ない") form, from its dictionary
    form and conjugation type (the tables of context.yaml `ja.plain_style`): 入る -> 入った / 入らない."""
    dic, kind = verb.dictionary, verb.conjugation
    irregular = table["irregular"].get(dic, {}).get(ending)
    if irregular:
        return irregular
    if kind.startswith("五段"):
        row = table["godan_" + ending]
        return dic[:-1] + row[dic[-1]] if dic[-1] in row else verb.surface
    if kind.startswith(("上一段", "下一段", "助動詞-レル", "助動詞-タイ")) and dic.endswith(("る", "い")):
        return dic[:-1] + ("た" if ending == "past" else "ない") if dic.endswith("る") else verb.surface
    return verb.surface


def _plain_style(tokens: list[Token], i: int, table: dict[str, Any]) -> tuple[str, int] | None:
    """A polite ending at tokens[i] (a verb before ます) in the plain style the lexicon forms are written in, and
    the tokens it covers: 入りませんでした -> 入らなかった, ぶり返しました -> ぶり返した, 受けています -> 受けている."""
    verb = tokens[i]
    if verb.pos not in ("動詞", "助動詞") or i + 1 >= len(tokens) or tokens[i + 1].dictionary != "ます":
        return None
    rest = [t.dictionary for t in tokens[i + 2:i + 5]]
    if rest[:3] == ["ぬ", "です", "た"]:  # ませんでした
        return _conjugate(verb, "negative", table)[:-1] + "かった", 5
    if rest[:1] == ["ぬ"]:  # ません
        return _conjugate(verb, "negative", table), 3
    if rest[:1] == ["た"]:  # ました
        return _conjugate(verb, "past", table), 3
    if tokens[i + 1].surface == "ます":  # ます
        return verb.dictionary if verb.pos == "動詞" else verb.surface, 2
    return None


def _normalise_words(text: str) -> str:
    """Japanese nouns in SudachiPy's normalized form (spelling variants), polite verb endings in the plain style
    (`_plain_style`), everything else as written."""
    if not any(map(is_japanese_char, text)):
        return text
    ja = lexicon_file(LEXICON_DIR, "context.yaml")["ja"]
    table, joined = ja["plain_style"], ja.get("joined_words") or {}
    tokens, out, i = tokenize(text), [], 0
    while i < len(tokens):
        t = tokens[i]
        pair = f"{t.surface}+{tokens[i + 1].surface}" if i + 1 < len(tokens) else ""
        if pair in joined:  # ("なん" + "で": "なぜ")
            out.append(joined[pair])
            i += 2
            continue
        plain = _plain_style(tokens, i, table)
        if plain is not None:
            out.append(plain[0])
            i += plain[1]
            continue
        norm = t.normalized
        same_kind = all(map(is_japanese_char, norm)) and all(map(is_japanese_char, t.surface))
        # (a hiragana piece of a longer kana run keeps its kana, which the kana reader reads whole: "いじりょうほう" is
        # 維持療法, not 意地 + りょうほう, rja93 q30)
        in_run = all(map(_is_hiragana, t.surface)) and any(
            0 <= j < len(tokens) and tokens[j].surface and all(map(_is_hiragana, tokens[j].surface))
            and tokens[j].pos not in ("助詞", "助動詞") for j in (i - 1, i + 1))
        out.append(norm if t.pos == "名詞" and same_kind and len(norm) == len(t.surface) and not in_run else t.surface)
        i += 1
    return "".join(out)


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


#: Sentence-final particles that make a sentence a question whatever mark closes it.
_QUESTION_ENDINGS = ("かな", "か")


@lru_cache(maxsize=2048)
def normalise(text: str) -> str:
    """Superscripts, NFKC, Japanese punctuation as ASCII, nouns in their normalized form, polite verbs plain.

    >>> normalise("７０歳、10⁻⁴。寛解？"), normalise("治るのか。")
    ('70歳,10^-4. 緩解?', '治るのか? ')
    """
    text = unicodedata.normalize("NFKC", text.replace(_PROTECT, " ").translate(SUPERSCRIPTS).translate(
        ENCLOSED_NUMBERS)).translate(_PUNCT)
    for written, unambiguous in _KANA_AMBIGUOUS:  # "変異はなし" is not 話 (a story)
        text = _unambiguous(text, written, unambiguous)
    for filler, particle in _fillers():  # ("ふぃらでるふぃあせんしょくたい という ものが ある": the chromosome is there)
        text = text.replace(filler, particle)
    while "...?" in text:  # (a trailing-off question, "…ないんですよね…？", asks as "？" does: rja86 q40)
        text = text.replace("...?", "?")
    for asked in _QUESTION_ENDINGS:  # (a question closed by "。": "娘も受けられるのでしょうか。", rja97 q27)
        text = text.replace(asked + ".", asked + "?")
    return _normalise_words(text)


@lru_cache(maxsize=1)
def _fillers() -> tuple[tuple[str, str], ...]:
    """Words that only name what comes before them ("…というものが" -> "…が"), replaced by their particle before
    reading (context.yaml ja.fillers), longest first."""
    table = lexicon_file(LEXICON_DIR, "context.yaml")["ja"].get("fillers") or {}
    pairs = ((unicodedata.normalize("NFKC", str(k)), str(v)) for k, v in table.items())
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def _unambiguous(text: str, written: str, meant: str) -> str:
    """`written` ("はなし") replaced by `meant` ("は無し", none), unless it is the noun 話 (talk): after の or before a
    particle ("結果のはなしがありました", rja105 q24, had read "no MRD").

    >>> _unambiguous("変異はなし。", "はなし", "は無し"), _unambiguous("結果のはなしがありました", "はなし", "は無し")
    ('変異は無し。', '結果のはなしがありました')
    """
    out, at = [], 0
    while (i := text.find(written, at)) >= 0:
        after = text[i + len(written):i + len(written) + 1]
        noun = written == "はなし" and (text[i - 1:i] == "の" or (after != "" and after in "がをに"))
        out.append(text[at:i] + (written if noun else meant))
        at = i + len(written)
    return "".join(out) + text[at:]


@lru_cache(maxsize=2)
def load_ja_lexicon(folder: Path = LEXICON_DIR) -> JaLexicon:
    """The `ja:` forms of the concept lexicon and the Japanese context cues, read once per process."""
    cues = lexicon_file(folder, "context.yaml")["ja"]
    by_first: dict[str, list[JaForm]] = {}
    for entry in lexicon_entries(folder)[0]:  # every lexicon file's concepts, as the English side reads them
        for key in ("terms", "lay", "misspellings"):
            for item in (entry.get("ja") or {}).get(key) or []:
                if not isinstance(item, str):
                    raise ValueError(f"Japanese form {item!r} of concept {entry['id']} is not text (quote it)")
                surface, _, english = item.partition("=")
                text = normalise(surface.strip()).lower()
                if not text:
                    raise ValueError(f"empty Japanese form in concept {entry['id']}")
                form = JaForm(text, entry["id"], entry["kind"], entry.get("role"),
                              english.strip() or str(entry["canonical"]), key, surface.strip())
                by_first.setdefault(text[0], []).append(form)
    for group, kind in (("phrases", "phrase"), ("phrases_before", "clause")):  # set phrases: matched like forms
        for surface, english in (cues.get(group) or {}).items():
            text = normalise(str(surface)).lower()
            by_first.setdefault(text[0], []).append(JaForm(text, "", kind, None, str(english)))
    tails = cues["verb_tails"]  # "(移植)しないといけない" -> "must have (allo-HSCT)": a verb stem and a tail
    for group in tails["groups"]:
        for stem in group.get("stems") or tails["stems"]:  # (a group may name its own verbs)
            for tail in group["tails"]:
                text = normalise(stem + tail).lower()
                by_first.setdefault(text[0], []).append(JaForm(text, "", "before", None, group["english"]))
    forms = {k: tuple(sorted(v, key=lambda f: -len(f.text))) for k, v in by_first.items()}
    words = {normalise(str(k)).lower(): str(v) for k, v in cues["words"].items()}
    before = {normalise(str(k)): str(v) for k, v in cues["before"].items()}
    return JaLexicon(forms=forms, cues=cues, words=words, before=before, sounds=_sound_forms(forms, folder),
                     kana=_kana_forms(forms), word_readings=_word_readings(words, cues["kana_readings"]))


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fc"


@lru_cache(maxsize=1)
def _sound_table(folder: Path = LEXICON_DIR) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (lexicon_file(folder, "concepts.yaml").get("sounds_alike_ja") or {}).items())


def sound_key(word: str, folder: Path = LEXICON_DIR) -> str:
    """A katakana word as it sounds: the kana of one sound written alike (concepts.yaml `sounds_alike_ja`), then
    voiced and unvoiced kana read alike, so a name written by ear is read ("ダザチニブ" = "ダサチニブ").

    >>> sound_key("イノツヅマブ") == sound_key("イノツズマブ")
    True
    """
    for written, alike in _sound_table(folder):
        word = word.replace(written, alike)
    return "".join(c for c in unicodedata.normalize("NFKD", word) if c not in "\u3099\u309a")


def _sound_forms(forms: dict[str, tuple[JaForm, ...]], folder: Path) -> dict[str, JaForm]:
    """Katakana-only forms of four kana or more by their sound key; a key two concepts share is left out."""
    out: dict[str, JaForm] = {}
    shared: set[str] = set()
    for form in (f for fs in forms.values() for f in fs if f.concept and len(f.text) >= 4):
        if all(map(_is_katakana, form.text)):
            key = sound_key(form.text, folder)
            if key in out and out[key].concept != form.concept:
                shared.add(key)
            out.setdefault(key, form)
    return {k: v for k, v in out.items() if k not in shared}


def _sounded_form(text: str, i: int, lex: JaLexicon) -> tuple[JaForm, int] | None:
    """A katakana word starting at i that no form spells but one sounds like: the form and the word's end."""
    if not _is_katakana(text[i]) or (i and _is_katakana(text[i - 1])):
        return None
    j = i
    while j < len(text) and _is_katakana(text[j]):
        j += 1
    form = lex.sounds.get(sound_key(text[i:j])) if j - i >= 4 else None
    return (form, j) if form is not None else None


def fold_kana(text: str) -> str:
    """Katakana as hiragana, one character for one (the offsets stay): "フィラデルフィア" -> "ふぃらでるふぃあ"."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30fc" and ch not in "\u30fb"


def _kana_forms(forms: dict[str, tuple[JaForm, ...]]) -> dict[str, tuple[KanaForm, ...]]:
    """Each concept form with kanji or katakana, cut into SudachiPy's words, each word with its reading in hiragana
    when it has kanji (a word SudachiPy does not know keeps none), by the first kana either way may start with."""
    out: dict[str, list[KanaForm]] = {}
    for form in (f for fs in forms.values() for f in fs if f.concept or f.kind == "phrase"):
        if not any(map(is_japanese_char, form.text)):
            continue
        pieces: list[tuple[str, str]] = []
        for k, part in enumerate(form.text.split(GAP)):  # (a gap stays a piece of its own: "子どもと同じ*治療" read
            if k:                                        # as "こどもと おなじ やりかたで ちりょう", rja126 q23)
                pieces.append((GAP, ""))
            for m in _tokenizer().tokenize(part):
                surface, reading = m.surface(), fold_kana(m.reading_form())
                kanji = any(is_japanese_char(c) and not _is_kana(c) for c in surface)
                pieces.append((surface, reading if kanji and all(map(_is_kana, reading)) else ""))
        kana_form = KanaForm(form, tuple(pieces))
        for first in {fold_kana(pieces[0][0])[:1], pieces[0][1][:1]} - {""}:
            out.setdefault(first, []).append(kana_form)
    return {k: tuple(v) for k, v in out.items()}


def _word_readings(words: dict[str, str], table: dict[str, Any]) -> dict[str, str]:
    """The `words` cues with kanji by their hiragana reading of `min_kana` kana or more (a one-word reading only)."""
    out: dict[str, str] = {}
    for word in words:
        morphemes = _tokenizer().tokenize(word)
        reading = fold_kana(morphemes[0].reading_form()) if len(morphemes) == 1 else ""
        if any(is_japanese_char(c) and not _is_kana(c) for c in word) and len(reading) >= table["min_kana"] and all(
                map(_is_kana, reading)):
            out.setdefault(reading, word)
    return out


def _kana_word_at(folded: str, i: int, lex: JaLexicon, items: list[Item], pending: str) -> tuple[str, int] | None:
    """A `words` cue written in kana right after the concept or Latin word it qualifies, a particle of
    `kana_readings.between` apart at most ("MRDはいんせい" = MRD陰性, "いしょくはひつよう" = 必要), also with the
    spaces a lay asker leaves between words ("ふぃらでるふぃあ は ようせい"): the cue and its end."""
    between = lex.cues["kana_readings"]["between"]
    if not pending and len(items) >= 2 and items[-1].kind == "token" and items[-1].text in between:
        items = items[:-1]  # (the particle was its own word: "… は ようせい")
    people = {*lex.cues["people"]["asker"], *lex.cues["people"]["patient"]}  # (or the person it is said of:
    # "わたしは ようせい って いわれました", rja90 q29)
    if not items or pending not in between or not (items[-1].kind in ("concept", "latin") or (
            items[-1].kind == "token" and items[-1].text in people)):
        return None
    for reading, word in lex.word_readings.items():
        if folded.startswith(reading, i):
            return word, i + len(reading)
    return None


def _fuzzy_piece(folded: str, pos: int, reading: str, *, added_only: bool = False) -> int | None:
    """The end of a kana span at `pos` one kana off `reading` (a kana missing, added or mistaken), or None; with
    `added_only`, only a kana added ("いようせい" = ようせい): a short word one kana missing or mistaken may be another
    word ("いせい" is no いんせい, 陰性, rja99 q22: a Ph status read from a typo)."""
    from rapidfuzz.distance import Levenshtein

    n = len(reading)
    for size in ((n + 1,) if added_only else (n, n - 1, n + 1)):  # the reading's own length first
        span = folded[pos:pos + size]
        if len(span) == size and all(map(_is_kana, span)) and Levenshtein.distance(span, reading, score_cutoff=1) <= 1:
            return pos + size
    return None


def _match_pieces(low: str, folded: str, i: int, kana: KanaForm, table: dict[str, Any]) -> tuple[int, int, int] | None:
    """Where the form's words, each as written, in kana or by its reading (`_fuzzy_piece` when long enough), end
    from text offset i; with how many characters were written as the lexicon writes them and how many were read."""
    return _pieces_from(low, folded, i, kana.pieces, table)


def _pieces_from(low: str, folded: str, pos: int, pieces: tuple[tuple[str, str], ...], table: dict[str, Any],
                 written: int = 0, read: int = 0) -> tuple[int, int, int] | None:
    """`_match_pieces` from `pos` on; a GAP piece takes the fewest characters of the clause (`_gap_ends`) after which
    the rest matches."""
    for k, (surface, reading) in enumerate(pieces):
        if surface == GAP:
            return next((hit for at in _gap_ends(low, pos)
                         if (hit := _pieces_from(low, folded, at, pieces[k + 1:], table, written, read))), None)
        if k:  # (a lay asker's spaces between words: "ふぃらでるふぃあ せんしょくたい が ある", "MRDの けっかが")
            pos = _skip_spaces(low, pos)
        if low.startswith(surface, pos):
            pos, written = pos + len(surface), written + len(surface)
            continue
        for variant in (fold_kana(surface), reading):
            if variant and folded.startswith(variant, pos):
                pos, read = pos + len(variant), read + len(variant)
                break
        else:
            fuzzy = len(reading) >= table["fuzzy_min"] and written or len(reading) >= table["fuzzy_alone"]
            end = _fuzzy_piece(folded, pos, reading, added_only=len(reading) < table["fuzzy_alone"]) if fuzzy else None
            if end is None:
                return None
            pos, read = end, read + end - pos
    return pos, written, read


def _kana_word_alone(low: str, i: int, end: int, table: dict[str, Any], bounds: frozenset[int]) -> bool:
    """The kana span low[i:end] is a word of its own: SudachiPy's words start and end there ("ははは" is a laugh,
    "つまり" no wife), after the start, punctuation or `after`, before a particle ("おっと、" is "oops")."""
    before = low[i - 1:i]
    alone_before = not before or not is_japanese_char(before) or before in table["after"]
    return i in bounds and end in bounds and alone_before and any(low.startswith(p, end) for p in table["particles"])


def _kana_form_at(low: str, folded: str, i: int, lex: JaLexicon, bounds: frozenset[int]) -> tuple[JaForm, int] | None:
    """The longest lexicon form at i written (partly) in kana for its kanji ("フィラデルフィアいんせい" =
    フィラデルフィア陰性, "いしょく" = 移植), and where it ends; a form read wholly in kana ends where a SudachiPy word
    does and needs `min_kana` kana, a shorter one is a person's word standing alone ("ちちが" = 父が)."""
    table, best = lex.cues["kana_readings"], None
    for kana in lex.kana.get(folded[i], ()):
        matched = _match_pieces(low, folded, i, kana, table)
        if matched is None or not matched[2] or best is not None and matched[0] <= best[1]:
            continue
        end, written, read = matched
        if read and i not in bounds and not low.startswith(kana.pieces[0][0], i) and not (
                read >= table["fuzzy_alone"] and low[i - 1:i] in table["particles"]):
            continue  # (a form whose start is read in kana starts a word: "覚えてたけどあってる" holds no 度あって, rja118
            # q18; a long reading may follow a particle SudachiPy glued to it: "夫がふぃらでるふぃあ染色体陽性", rja134 q32)
        # (a long reading before a particle ends there, wherever SudachiPy cuts the kana: "ふぃらでるふぃあせんしょくたいって")
        long_word = read >= table["fuzzy_alone"] and any(low.startswith(p, end) for p in table["particles"])
        if not written and (end not in bounds and not long_word or read < table["min_kana"] and not (
                kana.form.kind == "person" and _kana_word_alone(low, i, end, table, bounds))):  # ("いしょくじゅう"
            continue  # is 衣食住)
        best = (kana.form, end)
    return best


# ------------------------------------------------------------------------------------------ numbers

def _number_end(text: str, i: int, decimal: bool = False) -> int:
    """The end of the number starting at text[i] (digits; with `decimal`, a decimal part too)."""
    j = i
    while j < len(text) and text[j].isdigit():
        j += 1
    if decimal and j + 1 < len(text) and text[j] == "." and text[j + 1].isdigit():
        j += 1
        while j < len(text) and text[j].isdigit():
            j += 1
    return j


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _word_at(text: str, i: int, words: Any) -> str | None:
    """The longest of `words` at text[i] (spaces skipped before it is the caller's)."""
    return next((w for w in sorted(words, key=len, reverse=True) if text.startswith(w, i)), None)


def _unit(text: str, n: str, at: int, unit: dict[str, Any]) -> tuple[str, int] | None:
    """The English of number `n` followed at text[at] by one of the unit's words, and where it ends, or None."""
    word = _word_at(text, at, unit["words"])
    if word is None or "." in n and not unit.get("decimal") or len(n) > unit.get("digits", 9):
        return None
    end = at + len(word)
    if unit.get("decade") and not (len(n) == 2 and n.endswith("0")) or text[end:end + 1] in unit.get("not_before", ()):
        return None
    if float(n) < unit.get("min", 0) or unit.get("edge") and text[end:end + 1].isascii() and text[end:end + 1].isalnum():
        return None
    qualifier = _word_at(text, _skip_spaces(text, end), unit.get("then") or {})
    if qualifier is not None:
        return unit["then"][qualifier].format(n=n), _skip_spaces(text, end) + len(qualifier)
    return (unit["render"].format(n=n), end) if "render" in unit else None


def _one_in(text: str, n: str, at: int, table: dict[str, Any]) -> tuple[str, int] | None:
    """"1万個に1個" -> "1 in 10,000": a multiplier, an optional counter, a joiner, then 1."""
    mult = _word_at(text, at, table["multipliers"])
    if mult is None:
        return None
    i = _skip_spaces(text, at + len(mult))  # (in kana too: "1まんこに1こ", rja135 q39)
    i = _skip_spaces(text, i + len(_word_at(text, i, table["counters"]) or ""))
    joiner = _word_at(text, i, table["joiners"])
    i = _skip_spaces(text, i + len(joiner or ""))
    if joiner is None or not text.startswith("1", i) or text[i + 1:i + 2].isdigit():
        return None
    i += 1
    i += len(_word_at(text, i, table["final_counters"]) or "")
    return table["render"].format(n=f"{int(n) * table['multipliers'][mult]:,}"), i


def _power(text: str, n: str, at: int, table: dict[str, Any], *, bare: bool = False) -> tuple[str, int] | None:
    """"10のマイナス4乗" -> "10^-4"; "10^-4未満" -> "less than 10^-4" (a bound after the power, as after "%").
    Written as in English, a power is left as it stands unless a bound follows, or `bare` asks for it anyway."""
    if n != table["base"]:
        return None
    if text.startswith(table["written"], at):  # (written as in English: a bound after it is what changes)
        i = at + len(table["written"])
        j = _number_end(text, i)
        if j == i:
            return None
        return _power_bound(text, text[i:j], j, table) or ((table["render"].format(n=text[i:j]), j) if bare else None)
    word = _word_at(text, at, table["words"])
    if word is None:
        return None
    i = _skip_spaces(text, at + len(word))
    j = _number_end(text, i)
    k = _skip_spaces(text, j)
    if j == i or not text.startswith(table["unit"], k):
        return None
    return _power_bound(text, text[i:j], k + len(table["unit"]), table) or (  # ("10のマイナス4乗未満": less than
        table["render"].format(n=text[i:j]), k + len(table["unit"]))  # 10^-4)


def _power_bound(text: str, exponent: str, at: int, table: dict[str, Any]) -> tuple[str, int] | None:
    """A bound written after a power of ten ending at text[at] ("未満" -> "less than 10^-4"), and where it ends."""
    end = _skip_spaces(text, at)
    bound = _word_at(text, end, table["then"])
    if bound is None:
        return None
    return table["then"][bound].format(p=table["render"].format(n=exponent)), end + len(bound)


def _range(text: str, n: str, at: int, units: list[dict[str, Any]]) -> tuple[str, int] | None:
    """"40〜64歳" -> "aged 40-64": a second number and a unit with a `range` form."""
    if text[at:at + 1] not in ("~", "-"):
        return None
    i = _skip_spaces(text, at + 1)
    j = _number_end(text, i)
    k = _skip_spaces(text, j)
    unit = next((u for u in units if "range" in u and _word_at(text, k, u["words"])), None)
    if j == i or unit is None or max(len(n), j - i) > unit.get("digits", 9):
        return None
    return unit["range"].format(a=n, b=text[i:j]), k + len(_word_at(text, k, unit["words"]) or "")


def _scaled(text: str, n: str, at: int, scale: dict[str, int]) -> tuple[str, int] | None:
    """"15万" -> "150,000", "1.5万" -> "15,000": the number times its scale word."""
    word = _word_at(text, at, scale)
    return None if word is None else (f"{round(float(n) * scale[word]):,}", at + len(word))


def _times_power(text: str, n: str, at: int, table: dict[str, Any]) -> tuple[str, int] | None:
    """"5×10^-4" / "5 × 10のマイナス4乗" -> "5x10^-4": a number times a power of ten, kept as one value."""
    mark = _word_at(text, at, table["times"])
    if mark is None:
        return None
    i = _skip_spaces(text, at + len(mark))
    j = _number_end(text, i)
    power = _power(text, text[i:j], _skip_spaces(text, j), table, bare=True)
    return None if power is None else (f"{n}x{power[0]}", power[1])


def _read_number(text: str, i: int, table: dict[str, Any]) -> tuple[str, int] | None:
    """The English of the number at text[i] with what follows it (context.yaml `ja.numbers`), and its end."""
    j = _number_end(text, i, decimal=True)
    n, at = text[i:j], _skip_spaces(text, j)
    whole = n.split(".")[0] if "." in n else n
    return _times_power(text, n, at, table["power"]) or (_range(text, n, at, table["units"]) or _power(text, n, at, table["power"])
            or _one_in(text, whole, at, table["one_in"]) if "." not in n else None) or next(
        (r for u in table["units"] if (r := _unit(text, n, at, u))), None) or _scaled(text, n, at, table["scale"])


def _numbers(text: str) -> str:
    """Japanese numbers written out in English, each marked as already rendered."""
    table = load_ja_lexicon().cues["numbers"]
    out, i = [], 0
    while i < len(text):
        if text[i].isdigit():
            read = _read_number(text, i, table)
            if read is not None:
                read = _signed(out, text[i:_number_end(text, i, decimal=True)], read, table["units"])
            end = read[1] if read is not None else _number_end(text, i, decimal=True)
            out.append(f"{_PROTECT}{read[0]}{_PROTECT}" if read is not None else text[i:end])
            i = end
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _signed(out: list[str], n: str, read: tuple[str, int], units: list[dict[str, Any]]) -> tuple[str, int]:
    """A bound sign written before an age ("≥65歳": "aged 65 or older", a group's limit, not a patient of 65, rja94
    q31): the unit's `signs` form, the sign taken out of `out`."""
    at = len(out) - 1
    while at >= 0 and out[at].isspace():
        at -= 1
    for unit in units:
        signs = unit.get("signs") or {}
        if at >= 0 and out[at] in signs and read[0] == unit["render"].format(n=n):
            form = signs[out[at]].format(n=n)
            del out[at:]
            return form, read[1]
    return read


# ------------------------------------------------------------------------------------------ segments


@dataclass
class Item:
    kind: str  # concept | latin | token | punct | english
    text: str  # the English (concept, latin, english) or the surface (token, punct)
    form: JaForm | None = None
    token: Token | None = None
    kana: bool = False  # a lexicon word written in kana for its kanji ("いしょく" = 移植)


#: The items a pair joined by と names ("AとB": two concepts or Latin words, not a quote "と言われた").
_PAIRED = frozenset({"concept", "latin", "english"})


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "+-:/.^%()'_=<>") or ch in _BOUND_SIGNS or ch in _MICRO


#: The micro sign and the Greek mu ("/μL"): a unit's letter, not Japanese.
_MICRO = frozenset("μµ")

#: Signs of a bound written before a number ("MRD ≥0.01%", "MRD >0.1%"): kept, or the limit reads as a result.
_BOUND_SIGNS = frozenset("<>≥≤")


def _tokens_after(before: str, piece: str) -> list[Token]:
    """The tokens of a leftover piece of Japanese, read with the characters before it as context (after "再発",
    "はまだ" is the particle and "not yet", not the surname Hamada, rja83 q39); the piece alone where the context
    would join a token across the seam."""
    if not before or not is_japanese_char(before[-1]):
        return tokenize(piece)
    start = before[-4:]
    toks, at = tokenize(start + piece), 0
    for k, t in enumerate(toks):
        if at == len(start):
            return toks[k:]
        at += len(t.surface)
        if at > len(start):
            break
    return tokenize(piece)


def _segments(text: str, lex: JaLexicon) -> list[Item]:
    """Protected English, lexicon forms, Latin runs and leftover Japanese (tokenized), in order."""
    items: list[Item] = []
    low = text.lower()
    rest: list[str] = []
    bounds = _word_bounds(text)

    def flush() -> None:
        if rest:
            piece = "".join(rest)
            items.extend(Item("token", t.surface, token=t) for t in _tokens_after(text[:i - len(piece)], piece))
            rest.clear()

    folded = fold_kana(low)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == _PROTECT:
            j = text.index(_PROTECT, i + 1)
            flush()
            items.append(Item("english", text[i + 1:j]))
            i = j + 1
            continue
        found = _longest_form(low, folded, i, lex, bounds)
        if found is not None:
            flush()
            items.append(Item("concept", found[0].english, form=found[0], kana=low[i:found[1]] != found[0].text))
            i = found[1]
            continue
        word = _kana_word_at(folded, i, lex, items, "".join(rest)) if _is_kana(ch) else None
        if word is not None:  # "MRDはいんせい": the word as its kanji would be read
            flush()
            items.append(Item("token", word[0], token=Token(word[0], word[0], word[0], "名詞", "普通名詞"), kana=True))
            i = word[1]
            continue
        sounded = _sounded_form(text, i, lex)
        if sounded is not None:  # "ダザチニブ": a drug name written by ear
            flush()
            items.append(Item("concept", sounded[0].english, form=sounded[0]))
            i = sounded[1]
            continue
        if ch.isascii() and (ch.isalnum() or ch in "+") or ch in _BOUND_SIGNS or ch in _MICRO:
            j = i
            while j < len(text) and _ascii_word(text[j]) and not (j > i and _form_at(low, j, lex, bounds) and not
                                                                   text[j - 1].isalnum()):
                j += 1
            flush()
            word = text[i:j]
            trail = ""
            while word and word[-1] in ".,:;)" and not (word[-1] == ")" and "(" in word):
                trail, word = word[-1] + trail, word[:-1]
            items.append(Item("latin", word))
            items.extend(Item("punct", c) for c in trail)
            i = j
            continue
        if ch in ",.?!;:()/~→" or ch.isspace():
            flush()
            if not ch.isspace():
                items.append(Item("punct", ch))
            i += 1
            continue
        rest.append(ch)
        i += 1
    flush()
    return items


def _longest_form(low: str, folded: str, i: int, lex: JaLexicon, bounds: frozenset[int]) -> tuple[JaForm, int] | None:
    """The lexicon form at i as written (`_form_at`) or, when longer, as kana writes it (`_kana_form_at`), and its end."""
    form = _form_at(low, i, lex, bounds)
    end = None if form is None else form_end(low, i, form.text)
    kana = _kana_form_at(low, folded, i, lex, bounds)
    if kana is not None and (end is None or kana[1] > end):
        return kana
    return (form, end) if form is not None and end is not None else None


def _word_bounds(text: str) -> frozenset[int]:
    """Offsets where SudachiPy puts a word boundary in the text."""
    out, pos = {0}, 0
    for t in tokenize(text.replace(_PROTECT, " ")):
        pos += len(t.surface)
        out.add(pos)
    return frozenset(out)


#: A lexicon form's gap ("小児科で*治療": 小児科でやるような治療, 小児科で受ける治療) takes at most this many characters of
#: one clause (no punctuation).
GAP = "*"
GAP_MAX = 8
_GAP_STOPS = frozenset(",.?!;:()/ \n、。？！")


def form_end(low: str, i: int, text: str) -> int | None:
    """Where the form `text` ends when it starts at i (None: it does not), each GAP taking up to GAP_MAX characters
    of the clause.

    >>> form_end("小児科でやるような治療を", 0, "小児科で*治療"), form_end("小児科です。治療", 0, "小児科で*治療")
    (11, None)
    """
    pieces = text.split(GAP)
    end = _piece_end(low, i, pieces[0])
    for piece in pieces[1:]:
        if end is None:
            return None
        end = next((e for at in _gap_ends(low, end) if (e := _piece_end(low, at, piece)) is not None), None)
    return end


def _gap_ends(low: str, start: int) -> list[int]:
    """Where a gap starting at `start` may end: up to GAP_MAX characters of the clause (no punctuation; the spaces a
    lay asker leaves between Japanese words are not counted: "子どもと 同じ やりかたで 治療")."""
    out, taken, j = [start], 0, start
    while j < len(low) and taken < GAP_MAX:
        c = low[j]
        if c == " " and j and is_japanese_char(low[j - 1]) and is_japanese_char(low[j + 1:j + 2] or "a"):
            j += 1
            out.append(j)
            continue
        if c in _GAP_STOPS:
            break
        j, taken = j + 1, taken + 1
        out.append(j)
    return out


def _piece_end(low: str, i: int, piece: str) -> int | None:
    """Where `piece` ends when it starts at i, written as it is or with spaces between its Japanese characters, as
    a lay asker spaces the words of a kana sentence ("「MRD」って なんですか", "すこし のこっている"); None: it does not.

    >>> _piece_end("って なんですか", 0, "ってなん"), _piece_end("って。なん", 0, "ってなん"), _piece_end("MRD って", 0, "MRDって")
    (5, None, None)
    """
    if low.startswith(piece, i):
        return i + len(piece)
    if " " not in low[i:i + 2 * len(piece)]:
        return None
    pos = i
    for ch in piece:
        while (pos < len(low) and low[pos] == " " and ch != " " and pos > i and is_japanese_char(low[pos - 1])
               and is_japanese_char(ch)):
            pos += 1
        if pos >= len(low) or low[pos] != ch:
            return None
        pos += 1
    return pos


def _form_at(low: str, i: int, lex: JaLexicon, bounds: frozenset[int] = frozenset()) -> JaForm | None:
    """The longest lexicon form starting at i (a form starting or ending with a Latin letter needs a word edge; a
    one-kanji form a word of its own: 夫 in 大丈夫 is not a husband)."""
    for form in lex.forms.get(low[i], ()):
        if GAP in form.text:
            if form_end(low, i, form.text) is not None:
                return form
            continue
        end = _piece_end(low, i, form.text)
        if end is None:
            continue
        if len(form.text) == 1 and is_japanese_char(form.text) and not (i in bounds and end in bounds):
            continue
        if form.text[0].isascii() and form.text[0].isalnum() and i > 0 and low[i - 1].isascii() and low[i - 1].isalnum():
            continue
        if form.text[-1].isascii() and form.text[-1].isalnum() and end < len(low) and low[end].isascii() and low[
                end].isalnum():
            continue
        return form
    return None


# ------------------------------------------------------------------------------------------ rendering


_JOINERS = frozenset({"+", "/", "and", "then"})
_SEQUENCE = {"→": "then"}  # "イマチニブ→ダサチニブ" -> "imatinib then dasatinib": one treatment after another
_DURATION_UNITS = {"months": "month", "weeks": "week", "days": "day", "years": "year"}


def _is_list_mark(text: str) -> bool:
    """A list item's mark as an enumerated number renders ("①" -> "(1)").

    >>> _is_list_mark("(3)"), _is_list_mark("(CR1)")
    (True, False)
    """
    return text.startswith("(") and text.endswith(")") and text[1:-1].isdigit()


def _duration(word: str) -> tuple[str, str] | None:
    """A bare span as `_numbers` renders it ("3 years" -> ("3", "years")), or None."""
    count, _, unit = word.partition(" ")
    return (count, unit) if count.isdigit() and unit in _DURATION_UNITS else None


#: concepts a past verb makes history ("イマチニブを使った" -> "after imatinib"); not a diagnosis or a relapse
_TREATMENTS = frozenset({"drug", "drug_class", "procedure", "regimen", "treatment", "phase_of_treatment"})


class _Out:
    """English words with the index where the current clause starts and the last word a cue can modify."""

    def __init__(self, span_alone: dict[str, str], asking: frozenset[str], fronted: frozenset[str]) -> None:
        self.span_alone = span_alone  # a span before "after"/"before" with no event named ("ago", "in")
        self.asking, self.fronted = asking, fronted  # question words; those English puts first
        self.words: list[str] = []
        self.kinds: list[str] = []  # the concept kind of each word ("" for others)
        self.clause = 0
        self.anchor: int | None = None  # index of the last content word in this clause
        self.anchor_kind = ""  # the concept kind of that word ("" for other words)
        self.anchor_modified = False
        self.modifier_at: int | None = None  # where the anchor's modifier went ("prior allo-HSCT")
        self.hypothetical = False
        self.treatment = ""  # the last treatment named (a verb with no object in a later clause is about it)

    def add(self, word: str, *, content: bool = True, kind: str = "") -> None:
        if word:
            self.words.append(word)
            self.kinds.append(kind)
            if kind in _TREATMENTS:
                self.treatment = word
            if content:
                self.anchor, self.anchor_modified, self.anchor_kind = len(self.words) - 1, False, kind

    def post_anchor(self) -> bool:
        """Write the last content word, a procedure not yet modified, as "post-<word>"; False when it is none."""
        if self.anchor is None or self.anchor_modified or self.anchor_kind != "procedure":
            return False
        self.words[self.anchor] = "post-" + self.words[self.anchor]
        self.anchor_modified, self.modifier_at = True, self.anchor
        return True

    def before_anchor(self, word: str) -> None:
        """Put `word` before the last content word (negation, "after"), once per word."""
        if self.anchor is None:
            self.add(word, content=False)
            return
        if self.anchor_modified:
            if word in ("no", "not") and self.modifier_at is not None:  # "移植歴なし" -> "no prior allo-HSCT"
                self.insert(self.modifier_at, "no")
                self.modifier_at = None
            return
        at = self.anchor
        if at - 1 >= self.clause and _duration(self.words[at].removeprefix("for ")) is not None and self.kinds[
                at - 1] in _TREATMENTS:
            at -= 1  # a span after the treatment: "ダサチニブを３年のんでます" -> "I'm on dasatinib for 3 years"
        while at - 1 >= self.clause:  # treatments joined by + or /: "after dasatinib + hyper-CVAD"
            joined = self.words[at - 1] in _JOINERS or self.words[at] in _JOINERS or self.words[at].startswith(("+", "/"))
            if not (joined and (self.kinds[at - 1] in _TREATMENTS or self.words[at - 1] in _JOINERS)):
                break
            at -= 1
        if at < self.anchor and self.words[at] in _JOINERS:
            at += 1  # (no treatment before the joiner: "CR1→移植なしで" -> "CR1 then no allo-HSCT", rja123 q14)
        self.insert(at, word)
        self.anchor_modified, self.modifier_at = True, at

    def undo_negation(self) -> bool:
        """Take the clause's last "no" / "not" out (a negation denied: "わけではない"); False when it has none."""
        at = next((i for i in range(len(self.words) - 1, self.clause - 1, -1)
                   if self.words[i] in ("no", "not") and not self.kinds[i]), None)
        if at is None:
            return False
        del self.words[at], self.kinds[at]
        if self.anchor is not None and self.anchor > at:
            self.anchor -= 1
        self.modifier_at = None
        return True

    def deny_word(self, words: list[str]) -> bool:
        """Put "not" before the clause's first word of `words` ("always" -> "not always"); False when it has none."""
        at = next((i for i in range(self.clause, len(self.words)) if self.words[i] in words), None)
        if at is None:
            return False
        self.insert(at, "not")
        return True

    def insert(self, at: int, word: str) -> None:
        self.words.insert(at, word)
        self.kinds.insert(at, "")
        if self.anchor is not None and self.anchor >= at:
            self.anchor += 1

    def duration_before(self, word: str) -> bool:
        """"移植から3か月後" -> "3 months after allo-HSCT": a duration and the word before it change places."""
        a = self.anchor
        if a is None or _duration(self.words[a]) is None:
            return False
        if a < self.clause + 1 or not self.kinds[a - 1]:  # no event named: "3年前に" -> "3 years ago"
            self.words[a] = f"{self.words[a]} {self.span_alone[word]}"
            self.anchor_modified = True
            return True
        duration = self.words.pop(a)
        self.kinds.pop(a)
        self.insert(a - 1, f"{duration} {word}")
        self.anchor, self.anchor_modified, self.anchor_kind = a, True, self.kinds[a]
        return True

    def drop_anchor(self) -> None:
        """Take the last content word (and a modifier put before it) out: "移植後ではなく移植前" -> "before ..."."""
        if self.anchor is None:
            return
        start = self.modifier_at if self.anchor_modified and self.modifier_at is not None else self.anchor
        del self.words[start:self.anchor + 1]
        del self.kinds[start:self.anchor + 1]
        self.anchor, self.anchor_modified, self.modifier_at, self.anchor_kind = None, False, None, ""

    def before_clause_content(self, word: str) -> None:
        """Put `word` at the start of the clause ("CAR-Tの適応は？" -> "what CAR-T eligible?")."""
        self.insert(self.clause, word)

    def _front_question_word(self) -> None:
        """"副作用は何？" -> "what side effects?": a question word at the clause's end goes first, as English asks."""
        def first(i: int) -> str:
            return self.words[i].split()[0].lower() if self.words[i].strip() else ""

        if self.clause >= len(self.words) or first(self.clause) in self.asking:
            return
        # asked in place: last, or a whole question phrase before a verb ("何年続ける": "how many years continue");
        # a single "what"/"which" before a word asks about that word ("これからどんな治療": "now what treatment")
        at = next((i for i in range(len(self.words) - 1, self.clause, -1) if first(i) in self.fronted), None)
        if (at is not None and at == len(self.words) - 1 and at - 1 - self.clause >= 3 and self.words[at] == "what"
                and self.kinds[at - 1] == "drug_class"):
            # a class asked right after a case ("68歳 Ph+ 寛解導入 TKI何?"): which member, asked in place
            self.words[at] = "which"
            self.words.insert(at - 1, self.words.pop(at))
            self.kinds.insert(at - 1, self.kinds.pop(at))
            return
        if at is not None and (at == len(self.words) - 1 or len(self.words[at].split()) > 1):
            word, kind = self.words.pop(at), self.kinds.pop(at)
            self.words.insert(self.clause, word)
            self.kinds.insert(self.clause, kind)

    def open_if(self) -> None:
        if not self.hypothetical:
            self.insert(self.clause, "if")
            self.hypothetical = True

    def end_clause(self, punct: str) -> None:
        if punct == "?":
            self._front_question_word()
        if punct:
            self.words.append(punct)
            self.kinds.append("")
        self.clause = len(self.words)
        self.anchor, self.hypothetical = None, False


def _possessive(item: Item, lex: JaLexicon) -> str | None:
    """The English possessive of a person word followed by の ("私の" -> "my", "患者さんの" -> "the patient's")."""
    people = lex.cues["people"]
    if item.kind == "token" and item.token is not None:
        if item.token.surface in people["asker"]:
            return "my"
        if item.token.surface in people["patient"]:
            return "the patient's"
    if item.kind == "concept" and item.form is not None and item.form.kind == "person":
        return f"{people['default_possessor'].get(item.form.role, 'my')} {item.form.english}'s"
    return None


def _is_suffix(item: Item) -> bool:
    return item.kind == "token" and item.token is not None and item.token.pos == "接尾辞"


def _owner_index(items: list[Item], k: int) -> int | None:
    """The item before "の" before items[k], skipping honorific suffixes ("患者さんの娘" -> 患者), or None."""
    if k < 2 or items[k - 1].kind != "token" or items[k - 1].text != "の":
        return None
    j = k - 2
    while j > 0 and _is_suffix(items[j]):
        j -= 1
    return j


def _person(items: list[Item], k: int, lex: JaLexicon) -> tuple[str, bool]:
    """A person concept in English with its possessor; True when the possessor before it was used. A relative
    with no possessor is the asker's ("母" -> "my mother"), or the patient's when the text names the patient
    ("兄弟がドナー候補。患者は52歳" -> "the patient's brother")."""
    form = items[k].form
    assert form is not None
    j = _owner_index(items, k)
    if j is not None:
        owner = _possessive(items[j], lex)
        if owner:
            return f"{owner} {form.english}", True
    people = lex.cues["people"]
    default = people["default_possessor"].get(form.role, "my")
    introduced = any(_introduces_asker(items, i) for i in range(k))  # ("患者の妻です。夫は45歳": my husband)
    if form.role in ("relative", "acquaintance") and not introduced and any(
            it.kind == "token" and (it.text in people["patient_named"] or it.text in people["vignette"])
            for it in items):
        default = "the patient's"
    return f"{default} {form.english}", False


#: Relatives the asker's own child is named as: with an age before them ("19さいの むすめです"), the patient, not
#: the asker (rja93 q30: a mother writing about her 19-year-old daughter).
_CHILDREN = frozenset({"daughter", "son", "child"})


def _introduces_asker(items: list[Item], k: int) -> bool:
    """A relative the asker says they are: "母です。", "患者の妻です" (the copula, then the sentence's end); not a son
    or daughter given an age ("19歳の娘です" is the patient, the asker's daughter)."""
    form = items[k].form
    aged_child = form is not None and form.english in _CHILDREN and any(
        it.kind == "english" and it.text.startswith("aged ") for it in items[max(0, k - 3):k])
    return (form is not None and form.role in ("relative", "acquaintance") and k + 1 < len(items) and not aged_child
            and items[k + 1].kind == "token" and items[k + 1].text in ("です", "でございます")
            and (k + 2 >= len(items) or items[k + 2].kind == "punct"))


def _is_person_owner(items: list[Item], k: int, lex: JaLexicon) -> bool:
    """items[k] owns the person named after の (rendered with it, so skipped here)."""
    j = k + 1
    while j < len(items) and _is_suffix(items[j]):
        j += 1
    return (j + 1 < len(items) and items[j].kind == "token" and items[j].text == "の"
            and items[j + 1].kind == "concept" and items[j + 1].form is not None
            and items[j + 1].form.kind == "person" and _possessive(items[k], lex) is not None)


def _contrast_follows(items: list[Item], k: int) -> bool:
    """Content follows "なく" in the same sentence: "AではなくB" (not A but B), not "副作用もなく。"; a verb's "なく"
    negates the verb ("移植しなくても…", "受けなくて…": no allo-HSCT), never a contrast."""
    prev = items[k - 1].token if k else None
    if prev is not None and (prev.pos == "動詞" or prev.pos == "助動詞" and prev.dictionary in ("てる", "でる")):
        return False  # (or its contracted progressive: "移植はしてなくて、TKIを…" is no transplant, rja131 q12)
    for it in items[k + 1:]:
        if it.kind == "punct" and it.text in ".?!":
            return False
        if it.kind in ("concept", "latin", "english") or it.token is not None and it.token.pos == "名詞":
            return True
    return False


def _latin_kind(word: str) -> str:
    """The concept kind of a Latin word as the English lexicon reads it ("hyper-CVAD" -> regimen), or ""."""
    from assistant.concepts import concept_ids, load_lexicon

    lex = load_lexicon()
    kinds = sorted(lex.concepts[c].kind for c in concept_ids(word.lower().strip("+"), lex))
    return next((k for k in kinds if k in _TREATMENTS), kinds[0] if kinds else "")


class _Renderer:
    """Renders a Japanese question's items into English words, one item at a time (`run`); the state is the output
    so far, the last verb read (a negation after a verb of its own is not the treatment's) and an item to skip."""

    def __init__(self, items: list[Item], lex: JaLexicon, keep_japanese: bool) -> None:
        cues = lex.cues
        self.items, self.lex, self.keep_japanese = items, lex, keep_japanese
        self.out = _Out(cues["span_alone"], frozenset(cues["question_words"]),
                        frozenset(cues["fronted_question_words"]))
        self.negated, self.terminators = set(cues["negated"]), set(cues["terminators"])
        self.not_yet = set(cues.get("not_yet") or ())
        self.joined_pair = cues.get("joined_pair") or {}
        self.hyp_before, self.hyp_after = set(cues["hypothetical_before"]), set(cues["hypothetical_after"])
        self.hyp_after_copula = set(cues.get("hypothetical_after_copula") or ())
        self.completion = set(cues.get("completion_verbs") or ())
        self.history_verbs, self.history_unless = set(cues["history_verbs"]), set(cues["history_unless_next"])
        self.connective, self.connective_unless = (set(cues["history_connective"]),
                                                   set(cues["history_connective_unless_next"]))
        self.ongoing = set(cues["history_connective_ongoing"])
        self.openers = dict(cues.get("clause_openers") or {})
        self.span_from, self.ordinal_after = set(cues["span_from"]), set(cues["ordinal_after"])
        self.questions, self.people, self.light = set(cues["question"]), cues["people"], set(cues["light_verbs"])
        self.light_suru = {"する", "為る"}  # the verb of a noun + する compound (検討する, 施行する)
        self.suru_not_after = set(cues["suru_not_after"])
        self.before_concepts, self.remission_ids = set(cues["before_concepts"]), set(cues["remission_concepts"])
        self.question_words, self.tags = set(cues["question_words"]), set(cues["tag_question"])
        self.tag_words, self.tag_endings = set(cues["tag_words"]), set(cues["tag_endings"])
        self.recent = any(it.kind == "token" and it.text in cues["recent"] for it in items)
        self.reach, self.both, self.given = set(cues["reach_verbs"]), cues["both"], set(cues["given_words"])
        self.with_particle = set(cues["treated_with"])
        self.both_at: int | None = None  # where the word after a first "も" goes ("CD19も" ...)
        self.last_verb: str | None = None
        self.skip = -1
        self.age_after = ""  # an age written before "の" and a person, said after the person

    def _age_of_next_person(self, item: Item, k: int) -> bool:
        """items[k] is an age followed by "の" and a person ("52歳の母")."""
        items = self.items
        return (item.text.startswith("aged ") and k + 2 < len(items) and items[k + 1].text == "の"
                and items[k + 2].kind == "concept" and items[k + 2].form is not None
                and items[k + 2].form.kind == "person")

    def run(self) -> str:
        for k, item in enumerate(self.items):
            if k <= self.skip or _is_person_owner(self.items, k, self.lex):
                continue
            nxt = self.items[k + 1] if k + 1 < len(self.items) else None
            if item.kind == "concept":
                self._concept(item, k)
            elif item.kind == "latin":
                self._latin(item, k)
            elif item.kind == "english":
                self._english(item, k, nxt)
            elif item.kind == "punct":
                if item.text == "," and self._clause_ends_on_a_stem(k):
                    self.out.before_anchor("after")  # "移植を施行し、" (performed, and) -> "after allo-HSCT"
                if item.text in ",.?!;":
                    self.out.end_clause(item.text)
                else:
                    self.out.add(_SEQUENCE.get(item.text, item.text), content=False)
                    if item.text == ")" and _is_list_mark("".join(self.out.words[-3:])):
                        self.out.end_clause("")  # ("③移植後に…になった時": a list item's clause opens after "(3)")
            elif not self._grammar(item, k, nxt):
                self._word(item, k, nxt)
        return _join(self.out.words)

    def _question_mark(self, k: int) -> int:
        """The index of the first "?" after items[k] (len(items) when there is none)."""
        return next((j for j in range(k + 1, len(self.items))
                     if self.items[j].kind == "punct" and self.items[j].text == "?"), len(self.items))

    def _ends_the_question(self, k: int) -> bool:
        """Only endings follow items[k] before the question mark ("合っ|てる|？", "正しい|です|か|？")."""
        end = self._question_mark(k)
        return end < len(self.items) and all(
            it.kind == "token" and it.token is not None and it.token.dictionary in self.tag_endings
            for it in self.items[k + 1:end])

    def _clause_ends_on_a_stem(self, k: int) -> bool:
        """The clause before items[k] ends on the continuative stem of a history verb after a treatment ("施行し、"):
        a past event, as "施行して、" is."""
        prev = self.items[k - 1].token if k else None
        return (prev is not None and prev.pos == "動詞" and prev.form.startswith("連用形")
                and self.last_verb in self.history_verbs and self.out.anchor_kind in _TREATMENTS)

    def _english(self, item: Item, k: int, nxt: Item | None) -> None:
        """A number rendered by `_numbers`. A bare span is never an age (Japanese writes ages with 歳): "2年目" ->
        "in year 2", "発症から3年" / "3年" -> "for 3 years", "移植から3か月" -> "3 months after allo-HSCT"; before 後/前 it
        stays bare for `duration_before`."""
        self.last_verb = None
        if self._age_of_next_person(item, k):
            self.age_after = item.text  # "52歳の母" -> "my mother aged 52": the age goes with the person after it
            return
        span = _duration(item.text)
        following = nxt.text if nxt is not None and nxt.kind == "token" else ""
        prev = self.items[k - 1].text if k and self.items[k - 1].kind == "token" else ""
        out = self.out
        if span is None or following in self.lex.before:
            out.add(item.text)
        elif prev in self.span_from and out.anchor == len(out.words) - 1 and out.anchor_kind:
            out.add(item.text)  # "移植から3か月" -> "3 months after allo-HSCT"
            out.duration_before("after")
        elif following in self.ordinal_after:
            out.add(f"in {_DURATION_UNITS[span[1]]} {span[0]}")
            self.skip = k + 1
        else:
            out.add(f"for {item.text}")

    def _latin(self, item: Item, k: int) -> None:
        """A Latin word as the English lexicon reads it; a remission after a treatment and で is reached after it
        ("小児型プロトコールでCR1" -> "after pediatric-type regimen CR1"), as a Japanese remission word is."""
        from assistant.concepts import concept_ids

        out = self.out
        if (concept_ids(item.text.lower()) & self.remission_ids and out.anchor_kind in _TREATMENTS and k
                and self.items[k - 1].text == "で"):
            out.before_anchor("after")
        out.add(item.text, kind=_latin_kind(item.text))
        self.last_verb = None

    def _concept(self, item: Item, k: int) -> None:
        out, form, items = self.out, item.form, self.items
        assert form is not None
        if form.text in self.given and out.anchor_kind in _TREATMENTS:
            out.before_anchor("after")  # "ダサチニブが効かなかった": dasatinib was given
        if form.kind == "person":
            person = _person(items, k, self.lex)[0]
            told = self._report_end(k)
            if told is not None:  # "…と友だちに聞きました": "…, my friend told me"
                out.end_clause(",")
                out.add(person, kind="person")
                out.add(self.people["reported_by"]["english"], content=False)
                self.skip = told
                return
            if _introduces_asker(items, k):  # "52歳の母です。": the asker is the patient's mother, not the patient
                person = "I am " + person.replace("my ", "the patient's ", 1)
            out.add(person, kind="person")
            if self.age_after:
                out.add(self.age_after)
                self.age_after = ""
        elif form.kind == "clause":  # "MRDとは何" -> "what is MRD"
            out.before_clause_content(form.english)
        elif form.kind == "before" and out.anchor_modified:  # ("白血病の薬は飲まなくていい": the medicine's word is
            out.add(form.english, content=False)  # taken by "leukemia"; "can skip" is said all the same)
        elif form.concept in self.before_concepts or form.kind == "before":  # "移植を断った" -> "declined allo-HSCT"
            out.before_anchor(self._taker(form.english, k))
        elif form.concept in self.remission_ids and out.anchor_kind in _TREATMENTS and k and items[k - 1].text == "で":
            out.before_anchor("after")  # "ダサチニブで第一寛解" -> "after dasatinib CR1"
            out.add(form.english, kind=form.kind)
        elif form.concept == "diagnosed" and self.recent:
            out.add("newly diagnosed", kind="phase")
        else:
            out.add(form.english, kind=form.kind)
        self.last_verb = None

    def _report_end(self, k: int) -> int | None:
        """The person at k is the one a quoted claim was heard from ("治ると|友だち|に|聞き|まし|た"): the index of the
        report's last token (the verb and its endings), or None."""
        cue, items = self.people["reported_by"], self.items

        def token(j: int) -> Token | None:
            return items[j].token if 0 <= j < len(items) and items[j].kind == "token" else None

        before, particle, verb = token(k - 1), token(k + 1), token(k + 2)
        if not (before is not None and before.surface in cue["quotative"] and particle is not None
                and particle.surface in cue["particles"] and verb is not None and verb.dictionary in cue["verbs"]):
            return None
        end = k + 2
        while (nxt := token(end + 1)) is not None and nxt.pos == "助動詞":
            end += 1
        return end

    def _taker(self, english: str, k: int) -> str:
        """A medicine taken, said with no subject ("イマチニブを飲んでいます" -> "I'm on"), is the relative's when one was
        named before it ("母(52歳)は…イマチニブを飲んでいます": "on", so her age stays the patient's)."""
        relative = any(it.kind == "concept" and it.form is not None and it.form.kind == "person"
                       and it.form.role == "relative" for it in self.items[:k])
        for mine in ("I'm ", "I "):
            if relative and english.startswith(mine):
                return english[len(mine):]
        return english

    def _noun_at(self, k: int) -> bool:
        """The item at k is a noun: a concept, a Latin word, or a token SudachiPy reads as a noun (not the verb of a
        condition: "移植すると、" is "if transplanted")."""
        item = self.items[k]
        return item.kind in _PAIRED or (item.kind == "token" and item.token is not None and item.token.pos == "名詞")

    def _grammar(self, item: Item, k: int, nxt: Item | None) -> bool:
        """Particles, auxiliaries and conjunctions that shape the clause (if, question, negation, after, clause
        ends); True when the token was one of them."""
        out, tok = self.out, item.token
        assert tok is not None
        surf, dic = tok.surface, tok.dictionary
        if surf in self.hyp_before:
            out.open_if()
            return True
        if surf == self.joined_pair.get("particle") and tok.pos == "助詞" and k and nxt is not None and \
                self.items[k - 1].kind in _PAIRED and nxt.kind in _PAIRED:
            out.add(self.joined_pair["english"], content=False)  # "Ph陽性とPh陰性で比べて" -> "Ph-positive and Ph-negative ..."
            return True
        if (surf == self.joined_pair.get("particle") and tok.pos2 == "格助詞" and k and nxt is not None
                and nxt.kind == "punct" and nxt.text == "," and self._noun_at(k - 1)):
            # two things asked, each with its own words ("移植後にMRDが陽性化した場合の対応と、移植しない場合のTKI継続
            # 期間を教えて", rja113 q38): "…management, and … duration", as English lists them
            out.end_clause(",")
            out.add(self.joined_pair["english"], content=False)
            out.clause = len(out.words)  # (the next clause starts after "and": its "if" goes after it)
            self.skip = max(self.skip, k + 1)
            return True
        if surf == self.both["particle"] and tok.pos == "助詞":
            self._both()
            return True
        if (surf in self.tags and nxt is not None and nxt.kind == "punct" and nxt.text == "?") or (
                dic in self.tag_words and self._ends_the_question(k)):
            out.add(",", content=False)  # "…ですよね？", "…で合ってる？" -> "…, right?": a claim to confirm
            out.add("right", content=False)
            self.skip = max(self.skip, k) if dic not in self.tag_words else self._question_mark(k) - 1
            return True
        advice = nxt is not None and nxt.kind == "token" and nxt.text in ("いい", "よい", "良い")  # "飲めばいい?"
        prev = self.items[k - 1].token if k else None  # ("陰性だと使えない？": "if negative, can't it be used?")
        copula_if = surf in self.hyp_after_copula and prev is not None and prev.surface in ("だ", "です")
        if surf in ("たら", "だら") and self.last_verb in self.completion and out.anchor_kind in _TREATMENTS:
            out.before_anchor("after")  # "移植が終わったら" -> "after allo-HSCT"
            out.end_clause(",")
            return True
        if (surf in self.hyp_after and tok.pos in ("助詞", "助動詞", "名詞", "接尾辞", "接続詞") and not advice) or copula_if:
            out.open_if()
            out.end_clause(",")
            return True
        if surf == "は" and nxt is not None and nxt.kind == "punct" and nxt.text == "?" and not (
                self.question_words & {w.lower() for w in out.words[out.clause:]}):
            out.before_clause_content("what")  # "治療は？" -> "what treatment?"
            return True
        if tok.pos in ("助詞", "助動詞") and (surf in self.questions or dic in self.questions) and (
                nxt is None or nxt.kind == "punct"):
            if nxt is None or nxt.text not in "?!":
                out.end_clause("?")
            return True
        if (surf in self.negated or dic in self.negated) and tok.pos in ("助動詞", "形容詞", "名詞", "動詞", "接尾辞"):
            self._negation(surf, k)
            return True
        if surf in self.not_yet and (nxt is None or nxt.kind == "punct" or (
                nxt.token is not None and nxt.token.pos == "助動詞")):  # "再発はまだ。" -> "not relapsed"
            self._negation(surf, k)
            return True
        if surf in self.openers and (not k or self.items[k - 1].kind == "punct"):
            out.add(self.openers[surf], content=False)  # "…の位置づけは？あとInOは使える？": "also", not "after"
            return True
        if surf in self.lex.before or tok.normalized in self.lex.before:
            word = self.lex.before.get(surf) or self.lex.before[tok.normalized]
            if word == "after" and self._names_a_treatment_next(k) and out.post_anchor():
                return True  # "移植後TKI維持療法" -> "post-allo-HSCT TKI maintenance": the time of the treatment named
                # next, not a transplant before a clause (rja97 q03)
            if not (word in ("after", "before") and out.duration_before(word)):
                out.before_anchor(word)
            return True
        following = nxt.text if nxt is not None and nxt.kind == "token" else ""
        past = tok.pos == "助動詞" and dic == "た" and following not in self.history_unless
        connective = (tok.pos2 == "接続助詞" and surf in self.connective and following not in self.connective_unless
                      and not (nxt is not None and nxt.kind == "english" and out.anchor_kind in self.ongoing))
        prev = self.items[k - 1] if k else None
        denied = prev is not None and prev.token is not None and (
            prev.token.surface in self.negated or prev.token.dictionary in self.negated)
        if (past or connective) and self.last_verb in self.history_verbs and out.anchor_kind in _TREATMENTS and not (
                denied):  # (not after its negation: "移植はしてなくて、" is no transplant, rja131 q12)
            out.before_anchor("after")  # "移植を受けた" / "骨髄移植を受けて、" -> "after allo-HSCT"
            return True
        after_verb = prev is not None and prev.token is not None and prev.token.pos in ("動詞", "助動詞", "形容詞")
        conjunction = tok.pos == "接続詞" or tok.pos2 == "接続助詞"
        if surf in self.terminators and (after_verb if surf in ("が", "から") else conjunction):  # "使ったが", not "母が"
            out.end_clause(",")
            return True
        return False

    def _denies_clause(self, k: int) -> bool:
        """The negation at items[k] follows "わけでは" (context.yaml `clause_denial`): it denies the clause before."""
        rule = self.lex.cues["clause_denial"]
        j = k - 1
        while j >= 0 and self.items[j].text in rule["between"]:
            j -= 1
        return j >= 0 and self.items[j].text in rule["heads"]

    def _both(self) -> None:
        """"AもBも" -> "A and B": the second も right after one word that followed the first."""
        out = self.out
        if self.both_at is not None and out.anchor == self.both_at and self.both_at >= out.clause:
            out.insert(self.both_at, self.both["english"])
            self.both_at = None
        else:
            self.both_at = len(out.words) if out.anchor is not None else None

    def _names_a_treatment_next(self, k: int) -> bool:
        """The item right after items[k] (past a の) names a treatment other than a procedure ("移植後TKI",
        "移植後のTKI維持": a TKI)."""
        j = k + 2 if k + 1 < len(self.items) and self.items[k + 1].text == "の" else k + 1
        nxt = self.items[j] if j < len(self.items) else None
        kind = nxt.form.kind if nxt is not None and nxt.form is not None else (
            _latin_kind(nxt.text) if nxt is not None and nxt.kind == "latin" else "")
        return kind in _TREATMENTS - {"procedure"}

    def _negation(self, surf: str, k: int) -> None:
        out = self.out
        denial = self.lex.cues["clause_denial"]
        if self._denies_clause(k):  # ("移植ができなくなるわけではない": the clause's own negation denied,
            # "allo-HSCT"; "必要というわけではない": the clause denied, "not needed")
            if out.undo_negation() or out.deny_word(denial["partial"]):  # (a word for "always" denied first:
                return  # "必ず必要というわけではない" -> "not always needed")
            if self.last_verb is None or self.last_verb in self.light or self.last_verb in denial["quoting"]:
                out.before_anchor("not")
            return  # (else the denial is of a verb of its own: "禁止しているわけではない" does not deny the TKI)
        if self.last_verb in self.reach and out.anchor_kind == "phase" and not out.anchor_modified:
            out.before_anchor(self.lex.cues["reach_negated"])  # "CR2に入らない" -> "did not reach CR2"
            return
        opposite = self.lex.cues["opposites"].get(out.words[out.anchor]) if out.anchor is not None else None
        if opposite is not None and not out.anchor_modified:  # "陽性ではない" -> "negative"; a result's own verb
            out.words[out.anchor] = opposite  # type: ignore[index]  # too: "MRDが検出されない" -> "MRD undetectable"
            out.anchor_modified = True
            return
        if self.last_verb is not None and self.last_verb not in self.light:
            return  # the negation is a verb's of its own ("効かない"), not the treatment's
        if surf == "なく" and _contrast_follows(self.items, k):  # "AではなくB": B is what is meant
            out.drop_anchor()
        elif out.treatment and k >= 2 and self.items[k - 2].text == "と" and (
                self.items[k - 1].token is not None and self.items[k - 1].token.dictionary in self.light):
            # the same light verb denied after と: the other side of a pair ("移植した人としなかった人" -> "after
            # allo-HSCT and no allo-HSCT")
            out.add("and", content=False)
            out.add("no", content=False)
            out.add(out.treatment, kind="procedure")
            out.anchor_modified = True
        elif out.anchor is None and self.last_verb in self.light and out.treatment:
            # a light verb with no object in its clause is about the treatment named before (Japanese leaves the
            # object out): "移植はしないといけない？しなかったら？" -> "... if no allo-HSCT?"
            out.add("no", content=False)
            out.add(out.treatment, kind="procedure")
            out.anchor_modified = True
        else:
            out.before_anchor("not" if out.anchor_kind == "word" or out.anchor is not None and
                              out.words[out.anchor].endswith("ed") else "no")

    def _word(self, item: Item, k: int, nxt: Item | None) -> None:
        """A content token: the asker, the patient, a word (with its suffix) or, for retrieval, the Japanese kept."""
        out, tok, lex = self.out, item.token, self.lex
        assert tok is not None
        surf, dic = tok.surface, tok.dictionary
        if tok.pos == "動詞" or (tok.pos == "名詞" and dic in self.history_verbs):
            self.last_verb = _verb_lemma(tok) if tok.pos == "動詞" else dic
        prev = self.items[k - 1].token if k and self.items[k - 1].kind == "token" else None
        if tok.pos == "動詞" and dic in self.light_suru and prev is not None and prev.pos == "名詞":
            self.last_verb = prev.dictionary  # "検討し" is 検討する, not a bare する: "移植を検討した" is no history
        if tok.pos == "動詞" and dic in self.light_suru and prev is not None and prev.surface in self.suru_not_after:
            self.last_verb = None  # "寛解導入療法として" is "as induction", "移植にした" a choice: no history
        if surf in self.people["asker"]:
            out.add("I")
            return
        if surf in self.people["patient"]:
            out.add("the patient")
            return
        pair = surf + nxt.text if nxt is not None and nxt.kind == "token" else ""
        if pair and pair.lower() in lex.words:  # a word and its suffix: 予防 + 的
            out.add(lex.words[pair.lower()])
            self.skip = k + 1
            return
        if prev is not None and prev.surface in self.with_particle and dic in self.light and out.anchor_kind in _TREATMENTS:
            self.last_verb = dic  # "ダサチニブで治療後": treated with dasatinib, the treatment is the drug's
            return
        # (a verb written in hiragana is looked up by its kanji too: ちがいます is 違う)
        english = lex.words.get(surf.lower()) or lex.words.get(dic.lower()) or (
            tok.pos == "動詞" and lex.words.get(_verb_lemma(tok).lower())) or self._present_after_marker(tok, k)
        if english:
            # (an adverb is no anchor: "移植は絶対しないといけない" -> "must have allo-HSCT always", the verb's tail
            # before the treatment)
            out.add(english, kind="word", content=english not in lex.cues["adverbs"])
            if tok.pos == "動詞":
                self.last_verb = None  # a verb rendered as a word: a negation after it is its own ("見つからない")
            return
        if self.keep_japanese and tok.pos in _KEEP_POS and any(map(is_japanese_char, surf)):
            out.add(surf, content=False)


    def _present_after_marker(self, tok: Token, k: int) -> str | None:
        """ある after a marker named just before it, particles apart: "CD19もCD22もある" -> "CD19 and CD22 present"
        (rja90 q32); ある elsewhere ("選択肢はある？") is not read."""
        if normalise(tok.dictionary) not in ("ある", "有る", "あり", "有り"):
            return None
        word = self.lex.words.get(normalise("あり"))  # (ある read as あり: "present")
        between = set(self.lex.cues["kana_readings"]["particles"])
        j = k - 1
        while j >= 0 and self.items[j].kind == "token" and self.items[j].text in between:
            j -= 1
        return word if j >= 0 and self.items[j].kind == "latin" and self.items[j].text.upper().startswith(
            ("CD", "MRD", "T315I")) else None


def _render(items: list[Item], lex: JaLexicon, keep_japanese: bool) -> str:
    return _Renderer(items, lex, keep_japanese).run()


def _join(words: list[str]) -> str:
    text = ""
    for w in words:
        if not text:
            text = w
        elif w in ",.?!;:)" or text.endswith("(") or text.endswith("/") or w == "/":
            if w in ".?!" and text[-1:] in ",;:":
                text = text[:-1] + w  # (a sentence's end after a clause left out: "…と高血圧、趣味はゴルフ。" ends the
                continue  # sentence, rja131 q1)
            if w in ",.;:" and text[-1:] in ",.;:?!" or w == "?" and text[-1:] == "?":
                continue  # no doubled punctuation
            text += w
        elif w[:1] == "," and text[-1:] in ".?!":  # (a tag after a sentence's end: "… I heard. is that true?")
            text += " " + w[1:].strip()
        else:
            text += " " + w
    return text.strip(" ,;").lstrip(",.;:?! \t\n")


def to_english(question: str, *, keep_japanese: bool = False) -> str:
    """The question in canonical English concept terms (patient facts, plan, scope and retrieval read this).

    A question without Japanese script is returned unchanged.
    """
    if not any(map(is_japanese_char, question)):
        return question
    return _to_english(question, keep_japanese)


@lru_cache(maxsize=2048)
def _to_english(question: str, keep_japanese: bool) -> str:
    lex = load_ja_lexicon()
    text = _numbers(normalise(question))
    english = _render(_segments(text, lex), lex, keep_japanese)
    # nothing the reader knows ("東京で一番おいしいピザは？"): the question as written, for the scope checks to refuse
    return english if any(ch.isalnum() for ch in english) else question


def question_items(question: str) -> list[Item]:
    """The question's pieces as the reader sees them, in order: lexicon forms (`Item.form`, with the list they come
    from and the form as written), Latin words, numbers read as English, and SudachiPy tokens (for who is asking:
    `assistant.localise.read_asker`)."""
    if not any(map(is_japanese_char, question)):
        return []
    lex = load_ja_lexicon()
    return _segments(_numbers(normalise(question)), lex)


def japanese_words(question: str) -> str:
    """The question's Japanese content words as written (SudachiPy's forms), for BM25 over a user's Japanese
    documents ("" when the question has none).

    >>> japanese_words("当院の寛解導入プロトコールは？")
    '当院 緩解 導入 プロトコール'
    """
    if not any(map(is_japanese_char, question)):
        return ""
    words = [t.surface for t in tokenize(normalise(question).replace(_PROTECT, " "))
             if t.pos in _KEEP_POS and any(map(is_japanese_char, t.surface)) and (len(t.surface) > 1 or t.surface >= "\u30a0")]
    return " ".join(dict.fromkeys(words))


def search_text(question: str) -> str:
    """What retrieval reads for a question: `to_english`, then its Japanese content words (`japanese_words`), so
    BM25 also finds a user's own Japanese document; the dense side reads the English part only (`english_only`).

    >>> search_text("当院の寛解導入プロトコールは？")
    'what induction protocol? 当院 緩解 導入 プロトコール'
    """
    english = to_english(question)
    if english == question:
        return english
    return f"{english} {japanese_words(question)}".strip()


def english_only(text: str) -> str:
    """The text without its Japanese words (for the English embedding).

    >>> english_only("what induction? 寛解 導入")
    'what induction?'
    """
    if not any(map(is_japanese_char, text)):
        return text
    return " ".join(w for w in text.split() if not any(map(is_japanese_char, w)))
