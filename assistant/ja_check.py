"""A Japanese LLM answer, checked through the Japanese concept forms (issue 17, item 4).

The model is asked in Japanese (`prompts.LLM_JAPANESE_INSTRUCTION`) with the numbered English sources of the English
prompt. Its Japanese answer is split into sentences (at 。！？, the ends `ingest.japanese` names; markers written
before or after the full stop stay with their sentence), and each sentence is read into English concept text by
`ja.to_english` (the lexicon's `ja:` forms). That English reading, with the sentence's markers, is the draft the rule
layer checks like any English LLM draft: citation markers and support against the cited chunk's English text, the
guideline rules and claim frames, the closed world for "JSH recommends", doses, grades and CQ numbers. What the checks
keep is shown as the model wrote it (the Japanese sentence); what they replace is shown as the aligned Japanese
sentence of the extractive statement (`corpus/ja/`); what they remove is gone.

**Reading well enough** (`ReadSentence.readable`, `_why`): a cited sentence is checked only when the reader found at
least one concept in it; its stance was read (an unread verb, adjective or 形状詞, an unread last content word -- Japanese
puts the stance at the end of the clause --, an unread word in a clause that states a stance, so the thing recommended
is never unread, or a vocabulary verb negated where the reader would misplace the negation: 「及ばない」); its other
unread content words (nouns and adverbs that are not grammatical words, `_GRAMMATICAL`) are at most `MAX_UNREAD` and at
most `MAX_UNREAD_SHARE` of the words read plus unread; it has no contrasted clause (「…のではなく」, which the reader
does not render); it is written in Japanese; it does not name a trial beside a position it gives to JSH 2023 (Japanese
puts a position's basis before it, where the claim checks do not look); and no percentage it gives for a named trial is
given only for another trial in its cited sources (the prompt's own chunks, handed over by the assistant). An uncited
sentence goes to the checks as read (openings like 「いいえ。」 are read as "No.", a bold label frames), unless nothing
in it could be read. When any sentence fails, the answer is not guessed at: the extractive Japanese answer is shown
with the existing note and a `LANG-LLM-061` finding naming the sentence and why.

Before reading, the words of `assistant/lexicon/ja_answers.yaml` (the answer vocabulary, by class: stance, actions,
scope and fit, provenance, qualifiers, discourse, care and trials) are written in English, and what Japanese puts after
a number is put before it (an antigen a drug targets: "targeting CD19"; "7.7か月"; "85%対68%"); after reading, a stance
attributed to JSH at the end of the sentence is put in English order ("JSH 2023 does not recommend X") and two
conditions in one sentence become two clauses. All of these words are data in that file, not patterns in this one.

>>> [(s.text, s.markers) for s in split_japanese("はい。TKIを併用します[1]。移植も推奨です。[2][3]")[0][1]]
[('はい。', ''), ('TKIを併用します。', '[1]'), ('移植も推奨です。', '[2][3]')]
>>> read_sentence("Ph陽性ALLではTKIを併用した化学療法が推奨される", "[1]").reading
'Ph-positive ALL TKI combined with chemotherapy recommended.'
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.concepts import char_runs
from ingest.japanese import SENTENCE_END, has_japanese

if TYPE_CHECKING:
    from assistant.core import Assistant
    from assistant.models import Answer, Chunk

__all__ = ["MAX_UNREAD", "MAX_UNREAD_SHARE", "JapaneseAnswerModel", "ReadSentence", "answer_japanese_llm",
           "read_sentence", "split_japanese"]

#: At most this many Japanese content words of a cited sentence may be left unread ...
MAX_UNREAD = 2
#: ... and at most this share of the sentence's words (read concept words plus unread content words).
MAX_UNREAD_SHARE = 0.25

_MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_PREFIX = re.compile(r"^(\s*(?:[-*+]\s+|・\s*|\d+[.)．]\s+|#+\s+)?)")
_END = re.compile(rf"[{re.escape(SENTENCE_END)}](?:{_MARKER.pattern})*|[.](?:{_MARKER.pattern})*(?=\s|$)")
#: Parts of speech that carry content (SudachiPy's first level).
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞"})
#: Parts of speech that end a clause as its predicate (its stance): none of them may be left unread.
_PREDICATE_POS = frozenset({"動詞", "形容詞", "形状詞"})
#: Grammatical words the reader leaves in place without loss: light and auxiliary verbs, formal nouns, politeness.
_GRAMMATICAL = frozenset(
    "する いる ある なる できる くださる おる いう こと もの ため よう わけ ところ とき 時 中 方 際 上 場合 ほう 点 等 "
    "など 的 れる られる せる させる 思う 考える 言う いく くる しまう おく みる もらう いただく 致す ござる 参る "
    "特に また まず なお さらに 一方 つまり 例えば すなわち "
    # compound particles written with a verb or noun: に対する, による, について, をもとに, より, とも, 得る (can)
    "対する 対 よる つく もと より とも 得る 関する おける 伴う 際する 通す 通じる 応ずる 応じる "
    # particles and affixes SudachiPy can tag as words: や (and), とし (として), 第 (ordinal)
    "や とし 第".split())
#: Uncited openings as models write them.
_OPENINGS = {"はい": "Yes.", "いいえ": "No.", "違う": "No.", "違います": "No.", "そうです": "Yes.", "yes": "Yes.",
             "no": "No."}


@dataclass(frozen=True)
class ReadSentence:
    """One sentence of a Japanese answer and its English reading."""

    text: str  # the Japanese sentence as written, markers taken out, its full stop kept
    markers: str  # its markers, "[1][2]" ("" when uncited)
    reading: str  # the English reading the checks see (ends with a full stop)
    read: int = 0  # English words the reader produced
    unread: tuple[str, ...] = field(default_factory=tuple)  # Japanese content words it could not read
    predicate_read: bool = True  # its predicates (verbs, adjectives, its last content word) were all read

    @property
    def readable(self) -> bool:
        """Read well enough to be checked (uncited sentences always go to the checks)."""
        if not self.markers:
            return True
        n = len(self.unread)
        return (self.read > 0 and self.predicate_read and n <= MAX_UNREAD
                and n <= MAX_UNREAD_SHARE * (self.read + n))


def split_japanese(answer: str) -> list[tuple[str, list[ReadSentence]]]:
    """The answer's lines as (bullet prefix, sentences); each sentence read (`read_sentence`)."""
    out: list[tuple[str, list[ReadSentence]]] = []
    for raw in answer.splitlines():
        prefix = _PREFIX.match(raw).group(1) if raw.strip() else ""  # type: ignore[union-attr]
        body = raw[len(prefix):].strip()
        sents: list[ReadSentence] = []
        start = 0
        for m in _END.finditer(body):
            sents.append(_sentence(body[start:m.end()]))
            start = m.end()
        if body[start:].strip():
            sents.append(_sentence(body[start:]))
        out.append((prefix, [s for s in sents if s.text]))
    return out


def _sentence(piece: str) -> ReadSentence:
    numbers = [n.strip() for m in _MARKER.finditer(piece) for n in m.group(1).split(",")]
    text = _MARKER.sub("", piece).strip()
    return read_sentence(text, "".join(f"[{n}]" for n in dict.fromkeys(numbers)))


def read_sentence(text: str, markers: str = "") -> ReadSentence:
    """A Japanese sentence read into English concept text, with the content words left unread."""
    from assistant import ja

    core = text.rstrip(SENTENCE_END + ".").strip()
    label = core.rstrip(":： ")
    if _bold(label) and not markers:  # a bold label on its own ("**補足**") frames what follows, as in English
        name = ja.to_english(label[2:-2])
        return ReadSentence(text, markers, f"**{'Note' if has_japanese(name) else name}**", read=1)
    opening = _OPENINGS.get(core.strip("、,!！ ").lower())
    if opening is not None and not markers:
        return ReadSentence(text, markers, opening, read=1)
    core = _with_answer_words(core)
    english = ja.to_english(core)
    if english == core and has_japanese(core):
        english = ""  # nothing read: to_english gives the text back as written
    english = "".join("," if c in ".!?" and after.isspace() else c for c, after in zip(english, english[1:] + "."))
    parts = english.strip(" ,.?!").split(_CLAUSE)
    english = ";".join([p.rstrip(" ,") for p in parts[:-1]] + parts[-1:]).strip(" ;")
    english = _attributed_stance(_conditions_apart(english))
    read = len(char_runs(english, lambda c: c.isascii() and c.isalnum()))
    unread, predicate = _unread(core)
    contrast = next((c for c in answer_lexicon().contrast if c in text), None)
    if contrast:
        unread, predicate = (*unread, contrast), False
    return ReadSentence(text, markers, f"{english}." if english else "", read=read, unread=unread,
                        predicate_read=predicate)


def _bold(text: str) -> bool:
    """Markdown bold around the whole text ("**補足**")."""
    return len(text) > 4 and text.startswith("**") and text.endswith("**") and "*" not in text[2:-2]


def _conditions_apart(english: str) -> str:
    """Two conditions in one Japanese sentence ("陽性なら先制的TKI、陰性なら予防投与は推奨されない") are two clauses: the
    reader joins them with a comma, the claim reader splits clauses at ";".

    >>> _conditions_apart("if MRD positive, pre-emptive TKI, if negative, prophylactic TKI not recommended")
    'if MRD positive, pre-emptive TKI; if negative, prophylactic TKI not recommended'
    """
    first = english.find("if ")
    if first < 0:
        return english
    return english[:first + 3] + english[first + 3:].replace(", if ", "; if ")


def _attributed_stance(english: str) -> str:
    """"XはJSH 2023では推奨されていない" is read in Japanese order ("X JSH 2023 not recommended"): a stance that ends the
    last clause is put after its attribution, in English order ("JSH 2023 does not recommend X"), as the claim reader
    reads it. The attributions and the stances put in order are the answer vocabulary's (`AnswerLexicon.attribution`,
    `AnswerLexicon.ordered`); the attribution is the clause's own, or the sentence's topic when it opens the sentence
    ("JSH 2023は、…として、Xを推奨している").

    >>> _attributed_stance("after allo-HSCT MRD detected adults, pre-emptive TKI therapy recommended")
    'after allo-HSCT MRD detected adults, pre-emptive TKI therapy recommended'
    >>> _attributed_stance("if MRD negative, prophylactic TKI JSH 2023 not recommended")
    'if MRD negative, JSH 2023 does not recommend prophylactic TKI'
    """
    vocab = answer_lexicon()
    start = max(english.rfind(", "), english.rfind("; "))
    head, clause = (english[:start + 2], english[start + 2:]) if start >= 0 else ("", english)
    end = next((s for s in vocab.ordered if clause.endswith(f" {s}")), None)
    if end is None:
        return english
    words = clause[:-len(end)].split()
    who, at = _attribution(words, vocab.attribution)
    if not who:
        topic, _ = _attribution(head.split()[:3], vocab.attribution)
        who, at = (topic, len(words)) if topic and head.split()[:len(topic)] == topic else ((), 0)
    what = " ".join(words[:at] + words[at + len(who):])
    if not who or not what:
        return english
    return f"{head}{' '.join(who)} {vocab.ordered[end]} {what}"


def _attribution(words: Sequence[str], names: Sequence[tuple[str, ...]]) -> tuple[tuple[str, ...], int]:
    """The first attribution among `words` (its longest name) and where it starts; ((), 0) when none."""
    for i in range(len(words)):
        for name in names:  # (longest first)
            if tuple(w.lower().strip(",;.") for w in words[i:i + len(name)]) == name:
                return tuple(words[i:i + len(name)]), i
    return (), 0


def _unread(core: str) -> tuple[tuple[str, ...], bool]:
    """(the content words the reader has no form for, whether the sentence's stance was read).

    The reader's own segmentation is used (lexicon forms longest first, then SudachiPy tokens): a token is read
    when it is a lexicon form, a Latin or number run, a cue the reader places (negation, "after", "if"), or a word of
    the answer vocabulary (`ja_answers.yaml`); grammatical words (`_GRAMMATICAL`) carry no claim. The stance is not
    read when an unread word is the last content word (Japanese puts the stance at the end: "…推奨される",
    "…十分とされる"), is a predicate (a verb, adjective or 形状詞), or stands in a clause that states a stance
    (`AnswerLexicon.stances`: what is recommended or required must itself be read).
    """
    from assistant import ja

    lex = ja.load_ja_lexicon()
    vocab = answer_lexicon()
    cues = _cue_words(lex)
    unread: list[str] = []
    last_read = stance_read = True
    clause: list[str] = []
    stance = False
    predicates = 0
    negatable: str | None = None  # an answer-vocabulary verb just read, whose negation the reader cannot place
    for item in [*ja._segments(ja._numbers(ja.normalise(core)), lex), None]:  # (the reader's segmentation)
        if item is None or item.kind == "punct":
            stance_read = stance_read and not (stance and clause)
            clause, stance, negatable = [], False, None
            continue
        if item.kind in ("concept", "latin", "english"):
            last_read, negatable = True, None
            stance = stance or item.text in vocab.stances
            continue
        tok = item.token
        if negatable and tok is not None and tok.dictionary in lex.cues.get("negated", ()):
            unread.append(f"{negatable}ない")  # ("満たさない" would be read "no meets": not guessed at)
            predicates, negatable = predicates + 1, None
        if item.kind != "token" or tok is None or tok.pos not in _CONTENT_POS or tok.pos2 == "数詞":
            continue
        words = {tok.surface, tok.dictionary, tok.surface.lower(), tok.dictionary.lower()}
        if words & _GRAMMATICAL or not has_japanese(tok.surface):
            continue
        english = vocab.words.get(tok.dictionary) or vocab.words.get(tok.surface)
        negatable = None
        if words & cues or english or tok.surface.lower() in lex.words or tok.dictionary.lower() in lex.words:
            last_read = True
            if english and tok.pos in _PREDICATE_POS and (stance or english not in vocab.negatable):
                negatable = tok.dictionary
            stance = stance or english in vocab.stances
            continue
        unread.append(tok.dictionary)
        clause.append(tok.dictionary)
        last_read = False
        predicates += tok.pos in _PREDICATE_POS
    return tuple(unread), last_read and stance_read and not predicates


@dataclass(frozen=True)
class AnswerLexicon:
    """The answer vocabulary (`assistant/lexicon/ja_answers.yaml`)."""

    words: Mapping[str, str]  # Japanese dictionary form -> English
    stances: frozenset[str]  # the English of the words that state a stance
    attribution: tuple[tuple[str, ...], ...] = ()  # whose position a clause states, as words, longest first
    ordered: Mapping[str, str] = field(default_factory=dict)  # a stance ending a clause -> its English verb
    positive: frozenset[str] = frozenset()  # the words of a positive position ("recommends", "standard")
    negative: frozenset[str] = frozenset()  # the words that deny one ("not", "no")
    negatable: frozenset[str] = frozenset()  # the English of verbs whose negation the reader places ("not continue")
    negation: frozenset[str] = frozenset()  # negation endings besides the reader's own ("ません"'s ん)
    after_numbers: Mapping[str, str] = field(default_factory=dict)  # a word after a number -> what it is, longest first
    contrast: tuple[str, ...] = ()  # a contrasted clause ("…のではなく"), which the reader does not render


@lru_cache(maxsize=1)
def answer_lexicon() -> AnswerLexicon:
    """The answer vocabulary, loaded once."""
    import yaml

    data = yaml.safe_load((Path(__file__).parent / "lexicon" / "ja_answers.yaml").read_text(encoding="utf-8"))
    return AnswerLexicon(words={str(k): str(v) for k, v in (data.get("words") or {}).items()},
                         stances=frozenset(str(s) for s in data.get("stances") or ()),
                         attribution=tuple(sorted((tuple(str(a).lower().split()) for a in data.get("attribution") or ()),
                                                  key=len, reverse=True)),
                         ordered={str(k): str(v) for k, v in (data.get("ordered_stances") or {}).items()},
                         positive=frozenset(str(w) for w in data.get("positive_stance_words") or ()),
                         negative=frozenset(str(w) for w in data.get("negative_words") or ()),
                         negatable=frozenset(str(w) for w in data.get("negatable") or ()),
                         negation=frozenset(str(w) for w in data.get("negation") or ()),
                         after_numbers={w: kind for kind, ws in (data.get("after_numbers") or {}).items()
                                        for w in sorted(map(str, ws), key=len, reverse=True)},
                         contrast=tuple(str(c) for c in data.get("contrast") or ()))


def answer_words() -> Mapping[str, str]:
    """The answer vocabulary's words: Japanese dictionary form -> English."""
    return answer_lexicon().words


#: A clause break the reader keeps (it drops ";"): written as ";" in the reading.
_CLAUSE = "ZZCLAUSE"


def _with_answer_words(core: str) -> str:
    """The sentence with the answer vocabulary's words written in English (the reader keeps Latin text as written);
    the lexicon's own forms are matched first and left as they are."""
    from assistant import ja

    core = _in_english_order(core)
    # "（pre-emptive）TKI": two words, not one Latin run
    core = "".join(") " if c in ")）" and after.isascii() and after.isalnum() else c
                   for c, after in zip(core, core[1:] + " "))
    vocab, lex = answer_lexicon(), ja.load_ja_lexicon()
    items = list(ja._segments(ja._numbers(ja.normalise(core)), lex))  # (the reader's segmentation)
    out: list[str] = []
    stance = False  # the clause so far states a stance
    for i, item in enumerate(items):
        if item.kind == "concept" and item.form is not None:
            out.append(item.form.text)
            stance = stance or item.text in vocab.stances
        elif item.kind == "token" and item.token is not None:
            tok = item.token
            english = vocab.words.get(tok.dictionary) or vocab.words.get(tok.surface)
            if (english and tok.pos in _PREDICATE_POS and (stance or english not in vocab.negatable)
                    and _negated(items[i + 1:], lex)):
                english = None  # ("及ばない": left in Japanese, so `_unread` counts it; the reader would misplace "no")
            stance = stance or english in vocab.stances
            out.append(f" {english} " if english and tok.pos in _CONTENT_POS else tok.surface)
        elif item.kind == "punct":
            out.append(item.text)
            stance = False
        else:
            out.append(f" {item.text} ")
    return " ".join("".join(out).split())


def _in_english_order(core: str) -> str:
    """What Japanese puts after a number, written before it as English does (`AnswerLexicon.after_numbers`): an
    antigen a drug binds ("CD19を標的とする" -> "targeting CD19"; a relative clause, "CD19を標的とするブリナツモマブ",
    binds the antigen to the word after it), a decimal before a month ("7.7か月" -> "7.7 months": the reader splits at
    the point) and "対" between numbers ("85%対68%" -> "85% vs 68%").

    >>> _in_english_order("CD22を標的とするイノツズマブ、中央値7.7か月、85%対68%")
    ' ZZCLAUSE targeting CD22 イノツズマブ、中央値 7.7 months 、85% vs 68%'
    """
    vocab = answer_lexicon()
    out: list[str] = []
    i = 0
    for a, b in char_runs(core, str.isdigit):
        unit = b + (core[b:b + 1] == "%")
        rest = core[unit:].lstrip()
        word = next((w for w in vocab.after_numbers if rest.startswith(w)), None)
        if a < i or word is None:
            continue
        end, kind = len(core) - len(rest) + len(word), vocab.after_numbers[word]
        cd = a - 2 if core[a - 2:a] == "CD" else a - 3 if core[a - 3:a] == "CD " else -1
        if kind == "target" and unit == b and cd >= 0:
            nxt = core[end:end + 1]
            joined = nxt == "の" or "\u30a0" <= nxt <= "\u30ff" or (nxt.isascii() and nxt.isalpha())
            out.append(f"{core[i:cd]}{f' {_CLAUSE} ' if joined else ' '}targeting {core[cd:b]} ")
        elif kind == "months" and unit == b and a >= 2 and core[a - 1] == "." and core[a - 2].isdigit():
            start = a - 1
            while start > 0 and core[start - 1].isdigit():
                start -= 1
            out.append(f"{core[i:start]} {core[start:b]} months ")
        elif kind == "vs" and core[end:].lstrip()[:1].isdigit():
            out.append(f"{core[i:unit]} vs ")
            end = len(core) - len(core[end:].lstrip())
        else:
            continue
        i = end
    return "".join(out) + core[i:]


def _negated(rest: Sequence[Any], lex: Any) -> bool:
    """A negation follows before the next content word ("満たさ|ない", "及ば|ず", "満たし|ませ|ん")."""
    negation = set(lex.cues.get("negated", ())) | answer_lexicon().negation
    for item in rest:
        tok = item.token if item.kind == "token" else None
        if tok is None:
            return False
        if tok.dictionary in negation or tok.surface in negation:
            return True
        if tok.pos in _CONTENT_POS and tok.dictionary not in _GRAMMATICAL:
            return False
    return False


def _cue_words(lex: Any) -> frozenset[str]:
    out: set[str] = set()
    for value in lex.cues.values():
        if isinstance(value, list):
            out.update(str(v) for v in value)
        elif isinstance(value, dict):
            out.update(str(k) for k in value)
    return frozenset(out)


def reading_text(lines: Sequence[tuple[str, list[ReadSentence]]]) -> str:
    """The English reading the checks see, line by line, each sentence followed by its markers."""
    return "\n".join(_bullet(prefix) + " ".join(s.reading + s.markers for s in sents if s.reading)
                     for prefix, sents in lines)


def _bullet(prefix: str) -> str:
    """A Japanese list prefix as Markdown writes it ("・", "*" with no space -> "- ")."""
    stripped = prefix.strip()
    if stripped in ("・", "-", "*", "+"):
        return prefix[:len(prefix) - len(prefix.lstrip())] + "- "
    return prefix if not stripped or prefix.endswith(" ") else prefix + " "


# ------------------------------------------------------------------------------------------ the model

def finished_japanese(text: str) -> str:
    """The text up to its last finished sentence (。！？ or ". ", with the markers after it).

    >>> finished_japanese("TKIを併用します[1]。移植は推奨さ")
    'TKIを併用します[1]。'
    """
    ends = list(_END.finditer(text))
    return text[:ends[-1].end()] if ends else ""


class UnreadAnswer(Exception):
    """The model's Japanese answer has a cited sentence the reader cannot read well enough."""


class JapaneseAnswerModel:
    """Wraps the chat model for one Japanese question: asks for a Japanese answer, hands the checks its reading.

    `stream(messages)` sends the English prompt with the Japanese instruction and the question as written, collects
    the Japanese answer within the time budget (streaming it to `sink`), and yields its English reading once.
    """

    def __init__(self, llm: Any, question: str, *, budget_s: float, sink: Any = None) -> None:
        self.llm = llm
        self.question = question
        self.budget_s = budget_s
        self.sink = sink
        self.text = ""
        self.lines: list[tuple[str, list[ReadSentence]]] = []
        self.unread: list[tuple[ReadSentence, str]] = []  # the sentences that are not checked, and why
        self.cut: str | None = None  # why the answer was cut (the time budget ran out), or None
        self.prompt_chunks: Sequence[Chunk] = ()  # the prompt's numbered sources, in order (set by the assistant)

    def messages(self, messages: Sequence[Any]) -> list[Any]:
        from assistant.prompts import LLM_JAPANESE_INSTRUCTION

        out = list(messages)
        if out and out[0].type == "system":
            out[0] = out[0].model_copy(update={"content": f"{out[0].content}\n{LLM_JAPANESE_INSTRUCTION}"})
        last = out[-1]
        head, sep, english = str(last.content).rpartition("\nQuestion: ")
        if sep and english.strip() != self.question:  # the question as written; its reading stays for the model
            out[-1] = last.model_copy(update={
                "content": f"{head}\nThe question read into English: {english}\nQuestion: {self.question}"})
        return out

    def stream(self, messages: Sequence[Any]) -> Iterator[Any]:
        from langchain_core.messages import AIMessageChunk

        from assistant.core import pieces_until

        # (its own deadline a little before the caller's, so the checked reading reaches the caller in time)
        deadline = time.monotonic() + self.budget_s - min(0.5, 0.1 * self.budget_s)
        parts: list[str] = []
        try:
            for text in pieces_until(self.llm, self.messages(messages), deadline):
                parts.append(text)
                if self.sink is not None:
                    self.sink({"event": "text", "data": text})
        except TimeoutError:
            self.cut = (f"The model ran past the {self.budget_s:g} s generation budget; its answer was cut at "
                        "the last finished sentence")
        self.text = "".join(parts) if self.cut is None else finished_japanese("".join(parts))
        if not self.text.strip():
            raise UnreadAnswer(f"no finished sentence within the {self.budget_s:g} s generation budget")
        self.lines = split_japanese(self.text)
        sources = numbered_sources(self.prompt_chunks)
        self.unread = [(s, _why(s, sources)) for _, sents in self.lines for s in sents if _why(s, sources)]
        if self.unread:
            raise UnreadAnswer("a cited sentence of the Japanese answer could not be read")
        yield AIMessageChunk(content=reading_text(self.lines))

    def japanese(self) -> dict[str, str]:
        """English reading (whitespace-normalised) -> the Japanese sentence it was read from."""
        out: dict[str, str] = {}
        for _, sents in self.lines:
            for s in sents:
                if s.reading:
                    out.setdefault(" ".join(s.reading.split()), s.text)
        return out


_PERCENT = re.compile(r"(?<![\d.^-])(\d+(?:\.\d+)?)\s*%|10\s*\^\s*[-−](\d+)")
#: A trial named as such ("the BLAST trial", "GMALL study"), besides the corpus's trial names (`text.TRIAL_RE`).
_NAMED_TRIAL = re.compile(r"\b([A-Z][A-Za-z0-9+-]{2,}(?: [A-Z0-9][A-Za-z0-9+-]*)?)\s+(?:trial|study)\b")


def _values(text: str) -> set[str]:
    """Levels in percent as written ("0.1%", "10^-3" = 0.1 %), normalised ("0.1")."""
    return {f"{float(p):g}" if p else f"{10.0 ** (2 - int(e)):g}" for p, e in _PERCENT.findall(text)}


def _trials(text: str) -> set[str]:
    from assistant.text import TRIAL_RE

    return {t.lower() for t in TRIAL_RE.findall(text)} | {t.lower() for t in _NAMED_TRIAL.findall(text)}


@dataclass(frozen=True)
class Source:
    """A numbered source of the prompt: its tier, the trial an evidence document is about, its text."""

    tier: str
    trial: str
    text: str

    def about(self, sentence: str) -> set[str]:
        """The trials a sentence of this source is about: those it names, else the document's trial."""
        named = _trials(sentence)
        return named or ({self.trial} if self.trial else set())


def numbered_sources(chunks: Sequence[Chunk]) -> dict[int, Source]:
    """The prompt's numbered sources (`prompts.format_context` numbers them from 1): number -> Source. An evidence
    document's title names its trial before a colon ("BLAST: blinatumomab for ...").

    >>> from assistant.models import Chunk
    >>> c = Chunk(chunk_id="x", doc_id="d", section_id="evidence/tower", title="TOWER: blinatumomab vs SOC",
    ...           tier="evidence", source="s", chunk_no=0, char_start=0, char_end=9, text="In TOWER, ...")
    >>> numbered_sources([c])[1].trial
    'tower'
    """
    return {n: Source(c.tier, _trial_of(c), c.text) for n, c in enumerate(chunks, 1)}


def _trial_of(chunk: Chunk) -> str:
    """The trial an evidence document is about: its title's head before a colon (2 to 30 characters)."""
    head, colon, _ = chunk.section_title.partition(":")
    named = chunk.tier == "evidence" and colon and "›" not in head and 2 <= len(head.lstrip()) <= 30
    return head.strip().lower() if named else ""


def unsupported_trial_values(sentence: ReadSentence, sources: Mapping[int, Source]) -> list[str]:
    """The percentages a sentence gives for a named trial that its cited sources give only for other trials
    ("E1910 defined MRD-negative as below 0.1%" where 0.1% is BLAST's cut-off in another cited source). A value no
    cited source has at all is the citation-support check's.

    >>> s = read_sentence("E1910ではMRD陰性を0.1%未満と定義した", "[1][2]")
    >>> unsupported_trial_values(s, {1: Source("evidence", "e1910", "In E1910, MRD below 0.01% was negative."),
    ...                              2: Source("evidence", "blast", "The entry cut-off was 0.1%.")})
    ['0.1%']
    """
    trials = _trials(sentence.reading)
    if not trials or not sentence.markers:
        return []
    own: set[str] = set()
    others: set[str] = set()
    for n in "".join(c if c.isdigit() else " " for c in sentence.markers).split():  # ("[1][3]": 1, 3)
        src = sources.get(int(n))
        for x in _after_stops(src.text, ".!?") if src else []:
            about = src.about(x)  # type: ignore[union-attr]
            (others if about and not about & trials else own).update(_values(x))
    return [f"{v}%" for v in sorted(_values(sentence.reading) & (others - own))]


# ------------------------------------------------------------------------------------------ the answer

def answer_japanese_llm(bot: Assistant, question: str, english: str, *, history: Any,
                        overrides: Mapping[str, Any] | None, sink: Any, words: str) -> Answer:
    """The Japanese answer of LLM mode for a question already read into `english` (see the module docstring)."""
    from assistant import localise

    model = JapaneseAnswerModel(bot.llm, question, budget_s=bot.settings.llm.time_budget_s, sink=sink)
    reader = copy.copy(bot)  # (the shared Assistant keeps its own model: other questions may run at once)
    reader.llm = model
    inner = None if sink is None else (lambda e: None if e.get("event") == "text" else sink(e))
    answer = reader._run(english, history=history, overrides=overrides, mode="llm", sink=inner, words=words,
                         quoted=english == question)
    translations = localise.translations_for(bot.settings.corpus_dir())
    if model.unread:
        kept = [f for f in answer.findings if not (f.rule_id == "LLM-FALLBACK-032" and "UnreadAnswer" in f.message)]
        shown = localise.localise(answer.model_copy(update={"findings": kept}), lang="ja",
                                  llm_fallback=answer.verdict != "refused",
                                  translations=translations)
        return shown.model_copy(update={"findings": [_detail(f, model.unread) for f in shown.findings]})
    if answer.mode != "llm":  # the checks could not ground the answer: the English fallback, rendered
        return localise.localise(answer, lang="ja", translations=translations)
    shown = render_checked(answer, model.japanese(), translations)
    if model.cut is None:
        return shown
    from assistant.rules.policy import default_policy

    return shown.model_copy(update={"findings": [*shown.findings, default_policy().event("llm_truncated", model.cut)],
                                    "verdict": "warn" if shown.verdict == "pass" else shown.verdict})


def _why(s: ReadSentence, sources: Mapping[int, Source]) -> str:
    """Why a sentence cannot be checked ("" when it can)."""
    if s.markers and not has_japanese(s.text):
        return "not written in Japanese"
    if not s.readable:
        return f"not read well enough (unread: {', '.join(s.unread[:6]) or 'no concept'})"
    if not s.reading:  # (an uncited sentence: the checks would not see it, so it would vanish unchecked)
        return "nothing in it could be read"
    if s.markers and _trial_as_jsh(s.reading):
        return "it names a trial beside a position it gives to JSH 2023 (in Japanese order its basis is not read)"
    borrowed = unsupported_trial_values(s, sources)
    return f"its trial's {', '.join(borrowed)} is given only for another trial in the cited sources" if borrowed else ""


def _trial_as_jsh(reading: str) -> bool:
    """A trial named in a sentence that gives JSH 2023 a positive position ("JSH 2023 recommends JALSG ALL202-U protocol",
    from 「ALL202-Uのプロトコールを用いることがJSH 2023で推奨」): Japanese says what a position rests on before it
    (「…に基づいて」, 「…のレジメンを推奨」), so the claim checks, which find a trial as the basis of a position in English
    order ("based on X"), cannot tell a trial's protocol from the guideline's own recommendation.

    >>> _trial_as_jsh("JSH 2023, AYA Ph-negative ALL, CALGB 10403 regimen recommended")
    True
    >>> _trial_as_jsh("JALSG ALL202-U aged 15-24 Ph-negative ALL pediatric-type regimen treatment")
    False
    >>> _trial_as_jsh("ZUMA-3 adults CAR-T therapy JSH 2023 recommended no shown")  # (a denial is read)
    False
    """
    vocab = answer_lexicon()
    words = [w.strip(",;.") for w in reading.split()]
    return bool(_trials(reading) and _attribution(words, vocab.attribution)[0] and vocab.positive & set(words)
                and not vocab.negative & set(words))


def _detail(finding: Any, unread: Sequence[tuple[ReadSentence, str]]) -> Any:
    if finding.rule_id != "LANG-LLM-061":
        return finding
    what = "; ".join(f"「{s.text[:40]}」: {why}" for s, why in unread[:3])
    return finding.model_copy(update={"message": f"{finding.message} ({what})"})


def _after_stops(text: str, stops: str) -> list[str]:
    """The text split at the whitespace after each of `stops` ("A. B" -> ["A.", "B"]).

    >>> _after_stops("In TOWER, 34%. In BLAST, 78%!  x", ".!?")
    ['In TOWER, 34%.', 'In BLAST, 78%!', 'x']
    """
    out: list[str] = []
    start = 0
    for k, (c, after) in enumerate(zip(text, text[1:])):
        if c in stops and after.isspace():
            out.append(text[start:k + 1])
            start = k + 1
    out.append(text[start:])
    return [p.strip() for p in out if p.strip()]


def _model_text(body: str, japanese: Mapping[str, str]) -> str | None:
    """The model's Japanese for a sentence of the checked reading: one reading, or several the English splitter
    kept together ("No. inotuzumab ..."); None when the sentence is not the model's."""
    key = " ".join(body.split())
    if key in japanese:
        return japanese[key]
    pieces = _after_stops(key, ".")
    found = [japanese.get(p) for p in pieces]
    return "".join(found) if len(pieces) > 1 and all(f is not None for f in found) else None  # type: ignore[arg-type]


def render_checked(answer: Answer, japanese: Mapping[str, str], translations: Any) -> Answer:
    """The checked English reading shown in Japanese: a kept sentence as the model wrote it, a replacement as the
    aligned Japanese of its corpus sentence, notes and disclaimers from the message table (`localise`)."""
    from assistant import localise
    from assistant.models import Answer as _Answer
    from assistant.rules.base import parse_lines
    from assistant.rules.policy import default_policy

    unaligned = 0

    def english(text: str) -> str:  # the assistant's own text or a corpus sentence, as `localise` renders it
        nonlocal unaligned
        shown = localise.localise(_Answer(question="", answer=text, verdict="pass"), lang="ja",
                                  translations=translations)
        unaligned += sum(f.rule_id == "LANG-UNALIGNED-060" for f in shown.findings)
        return shown.answer

    out: list[str] = []
    for line in parse_lines(answer.answer):
        if not any(_model_text(s.body, japanese) is not None for s in line.sentences):
            out.append(english(line.raw) if line.raw.strip() else line.raw)
            continue
        parts = []
        for s in line.sentences:
            markers = "".join(f"[{m}]" for m in s.markers)
            model = _model_text(s.body, japanese)
            parts.append(model + markers if model is not None else english(s.raw))
        out.append(line.prefix + "".join(parts))
    cited = localise.localise(answer, lang="ja", translations=translations)
    findings = [f for f in answer.findings]
    if unaligned:
        findings.append(default_policy().event(
            "unaligned", f"{unaligned} line(s) have no aligned Japanese text and are shown in English, marked"))
    return answer.model_copy(update={"answer": "\n".join(out), "citations": cited.citations, "findings": findings,
                                     "lang": "ja"})
