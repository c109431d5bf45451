"""The concept layer: a lexicon (data) read with clinical context, for the question reader.

The vocabulary lives once, in `assistant/lexicon/concepts.yaml` (concepts with ids, terms, lay words and
misspellings) and `assistant/lexicon/context.yaml` (negation, affirmation and who-a-fact-belongs-to rules).
This module matches it against a lower-cased, normalised text and returns a `Reading`:

- `mentions`: each concept found, with its context (negated / affirmed) and whether it was misspelt;
- `text`: the text with lay words and misspellings rewritten to each concept's canonical form, bare
  mentions whose meaning depends on context resolved ("ALL with the Philadelphia chromosome" -> "ph-positive"),
  and facts that belong to someone else masked (a relative's or a donor's age, a friend's diagnosis), so the
  fact readers downstream see one canonical wording for a whole class of phrasings.

The algorithm is medspaCy's (TargetMatcher phrases from a lexicon + ConText modifiers with a direction, a
window and terminators), written over plain tokens because medspaCy costs too much here: measured on these
machines, importing spaCy imports torch through thinc (3 s) and medspaCy imports nltk (2 s), so a cold
`allguide ask` would go from 2.4 s to about 7 s, and on Python 3.11 it pins numpy below 2. This reader loads
in a few milliseconds and reads a question in well under one. Misspellings of long words are found by bounded
fuzzy matching (rapidfuzz, edit distance 1, or 2 for words of 9+ letters, same first letter) against every
lexicon form.

    >>> read_concepts("my mom is 71 and has all with the philadelpia chromozone").text
    'my mom is aged 71 and has all with Ph-positive'
    >>> read_concepts("she has a 2-year-old child and t-all").text
    'she has a someone someone and t-all'
    >>> [m.concept for m in read_concepts("engineered t-cell therapy after relapse").mentions]
    ['car_t', 'relapse']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

#: libyaml's safe loader when present (4x faster at start), else the pure-Python one: same results
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["Concept", "Lexicon", "Mention", "Quantity", "Reading", "concept_ids", "load_lexicon", "load_units",
           "concept_table", "find_phrases", "may_mention", "name_colon", "patient_is_an_adult_relative", "phrase_table",
           "possessor",
           "quantities", "read_concepts", "sentences", "token_spans", "tokens", "words_and_signs", "written"]

LEXICON_DIR = Path(__file__).parent / "lexicon"
#: The concept kinds that name a treatment (a drug, a class, a regimen, a procedure, treatment in general).
TREATMENT_KINDS = frozenset({"drug", "drug_class", "treatment", "procedure", "regimen"})
MASK = "someone"
#: the concepts that name the disease a person "has" (people rules: the relative with it is the patient)
_THE_DISEASE = frozenset({"all", "ph_positive", "ph_negative", "relapse"})

#: words (hyphen-, slash-, colon- and apostrophe-joined), numbers with thousands separators, single symbols
#: (a quotation mark on its own is no token: "a 'pediatric' protocol" names the pediatric protocol)
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|[a-z0-9]+(?:(?:'|::|[-/:.])[a-z0-9]+)*\+?|[^\s'\"‘“”]")
_AGE_NUMBER = re.compile(r"^(?:\d{1,3})(?:-?(?:years?|yrs?|yo|y/o|y|year-old|years-old|yr-old|-old|s))*(?:-old)?$")
_AGE_WORDS = frozenset({"year", "years", "yr", "yrs", "old", "yo", "y/o", "y", "-", "aged", "age", "year-old",
                        "years-old", "month", "months", "month-old"})


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    label: str
    canonical: str
    role: str | None = None
    broader: str | None = None
    generic: bool = False
    fits: dict[str, Any] = field(default_factory=dict)
    fit_age: str = ""
    canonical_when: dict[str, str] = field(default_factory=dict)
    glue: bool | str = False  # True: written without a space on either side ("10^-4"); "before": only before ("0.01%")
    unless_before: frozenset[str] = frozenset()
    unless_after: frozenset[str] = frozenset()
    scope: str | None = None  # other diseases: "never" (always out of scope) or None
    fuzzy: bool = True  # its forms correct misspellings of other words
    names_also: frozenset[str] = frozenset()  # forms of another concept that name this one as well
    carries: frozenset[str] = frozenset()  # markers another disease shares with ALL (CML: the Ph chromosome)
    lab: bool = False  # a lab value itself ("WBC 50,000/µL" is still the white cell count, not a masked lab result)
    # in a text that names a key concept, the form means the value concept instead ("the pills" of a Ph-positive
    # patient are the TKI): concepts.yaml `means_when`
    means_when: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    tokens: tuple[str, ...]
    concept: Concept
    rewrite: bool  # lay word or misspelling: rewritten to the canonical form
    misspelt: bool = False


@dataclass(frozen=True)
class Mention:
    concept: str
    kind: str
    start: int  # token index
    end: int
    surface: str
    negated: bool = False
    affirmed: bool = False
    fuzzy: bool = False
    other_person: bool = False
    historical: bool = False  # a treatment already given ("relapsed after hyper-CVAD")
    taken: bool = False  # a medicine being taken, started or stopped ("on prednisolone 5 mg", context.yaml taking)


@dataclass(frozen=True)
class Reading:
    text: str
    mentions: tuple[Mention, ...]
    background: bool = False  # the text speaks of the unit's habits, not this patient ("our unit usually uses")
    asker: str | None = None  # "patient" (first person about their disease), "relative", "clinician", or unknown

    def ids(self, *, kind: str | None = None) -> list[str]:
        """Concept ids in order of appearance (those about someone else left out)."""
        return [m.concept for m in self.mentions if not m.other_person and (kind is None or m.kind == kind)]

    def given(self, *, kind: str | None = None) -> set[str]:
        """Concept ids of the treatments already given ("relapsed after blinatumomab": history, not what is asked)."""
        return {m.concept for m in self.mentions if m.historical and (kind is None or m.kind == kind)}


@dataclass(frozen=True)
class ContextRules:
    window: int
    terminators: frozenset[str]
    negated_before: tuple[tuple[str, ...], ...]
    negated_after: tuple[tuple[str, ...], ...]
    affirmed_before: tuple[tuple[str, ...], ...]
    affirmed_after: tuple[tuple[str, ...], ...]
    pending_before: tuple[tuple[str, ...], ...]
    pending_after: tuple[tuple[str, ...], ...]
    background: tuple[tuple[str, ...], ...]
    history: tuple[tuple[str, ...], ...]
    history_prefixes: tuple[str, ...]  # written onto the word before a treatment ("post-allo HSCT")
    treatment_denied: tuple[tuple[str, ...], ...]  # right before a treatment: done without it ("without chemotherapy")
    recent_after: tuple[tuple[str, ...], ...]
    past_after: tuple[tuple[str, ...], ...]
    past_unless: frozenset[str]
    past_window: int
    people: dict[str, tuple[tuple[str, ...], ...]]
    taking: tuple[tuple[str, ...], ...] = ()
    taking_determiners: frozenset[str] = frozenset()
    taking_now: tuple[tuple[str, ...], ...] = ()  # a medicine given now or decided on (context.yaml taking.current)
    taking_denied: tuple[str, ...] = ()  # ... denied by the word before (taking.current_denied; "n't" ends a word)
    taking_asked: frozenset[str] = frozenset()  # ... asked about (taking.current_asked, up to four words before)
    donor: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    compares: dict[str, Any] = field(default_factory=dict)  # words, prefixes (a tuple), pairs (word pairs)
    notes: dict[str, Any] = field(default_factory=dict)  # keys of key=value notes, values -> canonical forms
    compound_suffixes: frozenset[str] = frozenset()  # "-based", "-containing": the concept before them is whole
    pronoun_forms: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # ("it chemo": not "is it chemo?")


@dataclass(frozen=True)
class Lexicon:
    concepts: dict[str, Concept]
    forms: dict[str, tuple[Form, ...]]  # first token -> forms starting with it, longest first
    vocabulary: tuple[str, ...]  # single words of 6+ letters, for fuzzy matching
    known: frozenset[str]  # every token of every form, and words never corrected
    context: ContextRules
    sounds: tuple[tuple[str, str], ...] = ()  # spellings of one sound (concepts.yaml sounds_alike), longest first
    by_sound: dict[str, str] = field(default_factory=dict)  # a vocabulary word as it sounds -> the word
    sounded: tuple[str, ...] = ()  # the keys of by_sound, for fuzzy matching


#: A sentence ends at . ? ! followed by a space or the end, except after an abbreviation ("e.g.", "y.o.", "vs.")
#: or in a decimal ("0.05").
_SENTENCE_END = re.compile(r"(?<![a-z]\.[a-z])(?<!\b(?:vs|eg|ie|pt|dr|no|mo|yr|yo))[.?!]+(?=\s|$)", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """The sentences of a question, each with its end mark.

    >>> sentences("38 y.o. Ph+ ALL, MRD 0.05%. what next? is it high")
    ['38 y.o. Ph+ ALL, MRD 0.05%.', 'what next?', 'is it high']
    """
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start:m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


_CLAUSE_END = frozenset(",;:")


def name_colon(text: str, i: int) -> bool:
    """The character at `i` is one colon of a "::" inside a name ("BCR::ABL1"), not a clause break.

    >>> name_colon("BCR::ABL1: positive", 3), name_colon("BCR::ABL1: positive", 9)
    (True, False)
    """
    return text[i:i + 1] == ":" and ":" in (text[i - 1:i] if i else "", text[i + 1:i + 2])


def clauses(sentence: str) -> list[str]:
    """A sentence cut at commas, semicolons, colons and dashes outside brackets ("(sister, 52)" stays whole).

    >>> clauses("Ph+ ALL (sister, 52) - what next?")
    ['Ph+ ALL (sister, 52) -', ' what next?']
    >>> clauses("what if her BCR::ABL1 MRD reappears?")
    ['what if her BCR::ABL1 MRD reappears?']
    """
    out, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        depth += (ch in "([") - (ch in ")]")
        dash = ch in "—–" or (ch == "-" and sentence[i - 1:i] == " " and sentence[i + 1:i + 2] == " ")
        if name_colon(sentence, i):
            continue
        if depth <= 0 and (ch in _CLAUSE_END or dash):
            out.append(sentence[start:i + 1])
            start, depth = i + 1, 0
    out.append(sentence[start:])
    return [c for c in out if c.strip()]


def _is_age(tok: str) -> bool:
    """A bare number that can be an age in years (one to three digits)."""
    return tok.isascii() and tok.isdigit() and len(tok) <= 3


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of `tokens(text)`: a mention's tokens in the text."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def tokens(text: str) -> list[str]:
    """The tokens the lexicon is matched on.

    >>> tokens("ph+ all, mrd 1x10^-4 (10,000) i'm 45-year-old")
    ['ph+', 'all', ',', 'mrd', '1x10', '^', '-', '4', '(', '10,000', ')', "i'm", '45-year-old']
    """
    return _TOKEN.findall(text)


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    bad = [p for p in items if not isinstance(p, str)]
    if bad:  # YAML reads a bare no / yes / on as a boolean: quote it
        raise ValueError(f"context phrase {bad[0]!r} is not text (quote it in the YAML file)")
    return tuple(sorted({tuple(tokens(str(p).lower())) for p in items}, key=len, reverse=True))


def _concept(entry: dict[str, Any]) -> Concept:
    return Concept(
        id=entry["id"], kind=entry["kind"], label=entry["label"], canonical=str(entry["canonical"]),
        role=entry.get("role"), broader=entry.get("broader"), generic=bool(entry.get("generic")),
        fits=dict(entry.get("fits") or {}), fit_age=str(entry.get("fit_age") or ""), canonical_when=dict(entry.get("canonical_when") or {}), glue=entry.get("glue") if entry.get("glue") == "before" else bool(entry.get("glue")),
        unless_before=frozenset(str(w) for w in entry.get("unless_before") or []),
        unless_after=frozenset(str(w) for w in entry.get("unless_after") or []),
        scope=entry.get("scope"), fuzzy=entry.get("fuzzy", True) is not False,
        names_also=frozenset(str(w) for w in entry.get("names_also") or []), lab=bool(entry.get("lab")),
        carries=frozenset(str(w) for w in entry.get("carries") or []),
        means_when={str(k): str(v) for k, v in (entry.get("means_when") or {}).items()})


def _context(data: dict[str, Any]) -> ContextRules:
    return ContextRules(
        window=int(data["window"]), terminators=frozenset(str(t) for t in data["terminators"]),
        negated_before=_phrases(data["negated"]["before"]), negated_after=_phrases(data["negated"]["after"]),
        affirmed_before=_phrases(data["affirmed"]["before"]), affirmed_after=_phrases(data["affirmed"]["after"]),
        pending_before=_phrases(data["pending"]["before"]), pending_after=_phrases(data["pending"]["after"]),
        background=_phrases(data["background"]), history=_phrases(data["history"]["before"]),
        history_prefixes=tuple(data["history"].get("prefixes") or ()),
        treatment_denied=_phrases(data["negated"].get("treatment_before") or []),
        recent_after=_phrases(data["recent"]["after"]),
        past_after=_phrases(data["past"]["after"]), past_unless=frozenset(data["past"]["unless"]),
        past_window=int(data["past"]["window"]),
        people={k: _phrases(v) for k, v in data["people"].items()},
        taking=_phrases(data["taking"]["before"]), taking_determiners=frozenset(data["taking"]["determiners"]),
        taking_now=_phrases(data["taking"].get("current") or []),
        taking_denied=tuple(str(w) for w in data["taking"].get("current_denied") or []),
        taking_asked=frozenset(str(w) for w in data["taking"].get("current_asked") or []),
        donor={k: _phrases(v) for k, v in data["donor"].items()},
        compares={"words": frozenset(data["compares"]["words"]), "prefixes": tuple(data["compares"]["prefixes"]),
                  "pairs": frozenset(tuple(p.split()) for p in data["compares"]["pairs"]),
                  "joins_ages": frozenset(data["compares"]["joins_ages"])},
        notes={"keys": tuple(data["notes"]["keys"]), "values": dict(data["notes"]["values"])},
        compound_suffixes=frozenset(str(w) for w in data.get("compound_suffixes") or []),
        pronoun_forms=(frozenset(str(w) for w in data["pronoun_forms"]["first"]),
                       frozenset(str(w) for w in data["pronoun_forms"]["not_after"])))


#: The lexicon's files, read in this order (one lexicon: concept ids are unique across them).
LEXICON_FILES = ("concepts.yaml", "diseases.yaml")


def lexicon_entries(folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every concept entry of the lexicon files, and the words never corrected."""
    entries: list[dict[str, Any]] = []
    never: list[str] = []
    for name in LEXICON_FILES:
        path = folder / name
        if not path.exists():
            continue
        data = lexicon_file(folder, name)
        entries += data.get("concepts") or []
        never += [str(w) for w in data.get("not_misspellings") or []]
    return entries, never


@lru_cache(maxsize=16)
def lexicon_file(folder: Path, name: str) -> Any:
    """A lexicon YAML file, parsed once per process (the loaders below share it; they only read it)."""
    return yaml.load((folder / name).read_text(encoding="utf-8"), Loader=_YAML_LOADER)


def _forms(concept: Concept, entry: dict[str, Any], lang: str) -> list[Form]:
    out = []
    forms = (entry.get(lang) or {})
    # (a description names the concept without being its word: read as the concept, kept as written, so what it
    # says stays searchable: "blinatumomab through a portable pump" keeps its pump)
    for key, rewrite in (("terms", False), ("descriptions", False), ("lay", True), ("misspellings", True)):
        for written in forms.get(key) or []:
            if not isinstance(written, str):
                raise ValueError(f"form {written!r} of concept {concept.id} is not text (quote it in the YAML file)")
            for surface in expand_slots(written):
                toks = tuple(tokens(surface.lower()))
                if toks:
                    out.append(Form(toks, concept, rewrite, key == "misspellings"))
    return out


#: Slots a lexicon form may hold, each standing for the words a person writes there ("radiate <their> head").
SLOTS = {"<their>": ("her", "his", "my", "their", "your", "the", "our")}


def expand_slots(form: str) -> list[str]:
    """A form with each slot replaced by each of its words.

    >>> expand_slots("radiate <their> head")[:3]
    ['radiate her head', 'radiate his head', 'radiate my head']
    """
    for slot, words in SLOTS.items():
        if slot in form:
            return [f for w in words for f in expand_slots(form.replace(slot, w, 1))]
    return [form]


@lru_cache(maxsize=4)
def load_lexicon(folder: Path = LEXICON_DIR, lang: str = "en") -> Lexicon:
    """Read the lexicon and context rules once per process (cached)."""
    entries, never = lexicon_entries(folder)
    rules = lexicon_file(folder, "context.yaml")
    concepts: dict[str, Concept] = {}
    by_first: dict[str, list[Form]] = {}
    for entry in entries:
        concept = _concept(entry)
        if concept.id in concepts:
            raise ValueError(f"concept id {concept.id!r} appears twice in the lexicon")
        concepts[concept.id] = concept
        for form in _forms(concept, entry, lang):
            by_first.setdefault(form.tokens[0], []).append(form)
    _add_plurals(by_first)
    bad = [(c.id, v) for c in concepts.values() for k, v in c.means_when.items()
           if k not in concepts or v not in concepts]
    if bad:
        raise ValueError(f"concept {bad[0][0]!r}: means_when names an unknown concept ({bad[0][1]!r} or its key)")
    correct = {t for fs in by_first.values() for f in fs if not f.misspelt for t in f.tokens}
    fuzzy = {t for fs in by_first.values() for f in fs if not f.misspelt and f.concept.fuzzy for t in f.tokens}
    vocabulary = tuple(sorted(t for t in fuzzy if len(t) >= 6 and t[0].isalpha() and t.isascii()
                              and all(c.isalpha() or c in ":/'-" for c in t)))
    sounds = _sounds(folder)
    by_sound: dict[str, str] = {}
    for word in vocabulary:
        by_sound.setdefault(_sounded(word, sounds), word)
    return Lexicon(
        concepts=concepts,
        forms={k: tuple(sorted(v, key=lambda f: len(f.tokens), reverse=True)) for k, v in by_first.items()},
        vocabulary=vocabulary, known=frozenset(correct | set(never)), context=_context(rules), sounds=sounds,
        by_sound=by_sound, sounded=tuple(by_sound))


def _plural(word: str) -> str | None:
    """The regular English plural of a word ("regimen" -> "regimens", "antibody" -> "antibodies"), or None."""
    if len(word) < 4 or not word.isalpha() or not word.isascii() or word.endswith(("s", "x", "ch", "sh", "z")):
        return None
    return word[:-1] + "ies" if word.endswith("y") and word[-2] not in "aeiou" else word + "s"


def _add_plurals(by_first: dict[str, list[Form]]) -> None:
    """A treatment's forms also match in the plural ("pediatric-type regimens", "bispecific antibodies", "CAR-T
    therapies"), unless the plural is a form already."""
    have = {f.tokens for fs in by_first.values() for f in fs}
    for fs in list(by_first.values()):
        for f in list(fs):
            plural = _plural(f.tokens[-1]) if f.concept.kind in TREATMENT_KINDS and not f.misspelt else None
            many = (*f.tokens[:-1], plural) if plural else None
            if many and many not in have:
                have.add(many)
                by_first.setdefault(many[0], []).append(Form(many, f.concept, f.rewrite, False))


def _sounds(folder: Path) -> tuple[tuple[str, str], ...]:
    path = folder / "concepts.yaml"
    table = (lexicon_file(folder, "concepts.yaml").get("sounds_alike") or {}) if path.exists() else {}
    return tuple(sorted(((str(k), str(v)) for k, v in table.items()), key=lambda kv: -len(kv[0])))


def _sounded(word: str, sounds: tuple[tuple[str, str], ...]) -> str:
    """A word with the letters of one sound written alike ("philadelphia" -> "filadelfia")."""
    out, i = [], 0
    while i < len(word):
        hit = next(((k, v) for k, v in sounds if word.startswith(k, i)), None)
        out.append(hit[1] if hit else word[i])
        i += len(hit[0]) if hit else 1
    return "".join(out)


def written(text: str, mention: Mention) -> str:
    """The words of a mention as `text` writes them (case kept), for messages: read_concepts reads the lower-cased
    text, whose token positions are the same.

    >>> text = "Induction for AML?"
    >>> written(text, read_concepts(text.lower()).mentions[-1])
    'AML'
    """
    low = text.lower()
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(low)]
    if len(low) != len(text) or mention.end > len(spans):
        return mention.surface
    return text[spans[mention.start][0]:spans[mention.end - 1][1]]


# ------------------------------------------------------------------------------------------ fuzzy matching


def _correct(tok: str, lex: Lexicon) -> str | None:
    """The lexicon word a misspelt token stands for, or None ("philadelpia" -> "philadelphia"); memoised per lexicon
    (a pure function of the token: answers and corpus sentences repeat their words)."""
    if len(tok) < 6 or tok in lex.known or not tok.isascii() or any(c.isdigit() for c in tok):
        return None
    memo = _CORRECTED.get(id(lex))
    if memo is None or memo[0] is not lex:
        if len(_CORRECTED) >= 8:  # (lexicons built by tests: keep a few)
            _CORRECTED.clear()
        memo = _CORRECTED[id(lex)] = (lex, {})
    done = memo[1]
    if tok not in done:
        if len(done) >= 100_000:
            done.clear()
        done[tok] = _closest_word(tok, lex)
    return done[tok]


#: id(lexicon) -> (the lexicon, token -> its correction or None)
_CORRECTED: dict[int, tuple[Lexicon, dict[str, str | None]]] = {}


def _closest_word(tok: str, lex: Lexicon) -> str | None:
    limit = 1 if len(tok) < 9 else 2
    hit = process.extractOne(tok, lex.vocabulary, scorer=Levenshtein.distance, score_cutoff=limit)
    word = hit[0] if hit is not None and hit[0][0] == tok[0] else None
    if word is None and lex.sounded:  # written as it sounds ("filadelfia", "kromosome"): one edit fewer allowed
        sound = _sounded(tok, lex.sounds)
        near = process.extractOne(sound, lex.sounded, scorer=Levenshtein.distance, score_cutoff=limit - 1)
        word = lex.by_sound[near[0]] if near is not None and near[0][0] == sound[0] else None
    if word is None or tok.startswith(word) or word.startswith(tok + "s"):
        return None  # another first sound, or an inflection ("transplanted", "mothers"), not a misspelling
    return word


# ------------------------------------------------------------------------------------------ matching


def _starts(toks: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    n = len(phrase)  # (the last word first: most forms sharing a first word differ there, and no slice is made)
    return not n or (i + n <= len(toks) and toks[i + n - 1] == phrase[-1] and tuple(toks[i:i + n]) == phrase)


def _match(toks: list[str], raw: list[str], lex: Lexicon) -> list[tuple[int, Form]]:
    """Longest lexicon form at each position, left to right (guards applied); `toks` are the fuzzy-corrected
    tokens, `raw` the written ones (a listed misspelling matches as written)."""
    out: list[tuple[int, Form]] = []
    i = 0
    while i < len(toks):
        forms = lex.forms.get(toks[i], ())
        if raw[i] != toks[i]:
            forms = tuple(sorted([*forms, *lex.forms.get(raw[i], ())], key=lambda f: -len(f.tokens)))
        for form in forms:
            n = len(form.tokens)
            if not (_starts(toks, i, form.tokens) or _starts(raw, i, form.tokens)):
                continue
            c = form.concept
            if form.rewrite and (c.unless_before & set(_same_sentence_before(toks, i, 3))
                                 or _guarded_after(c, toks, i + n)):
                continue
            first, after = lex.context.pronoun_forms
            if n > 1 and form.tokens[0] in first and i and toks[i - 1] in after:
                continue  # ("is it chemo?": the pronoun, not intrathecal chemotherapy)
            out.append((i, form))
            i += n - 1
            break
        i += 1
    return out


def _same_sentence_before(toks: list[str], i: int, n: int) -> list[str]:
    """Up to n tokens before i in i's sentence ("... with BCR-ABL. It came back": "BCR-ABL" guards nothing in the
    sentence after it)."""
    before = toks[max(0, i - n):i]
    ends = [k for k, t in enumerate(before) if t in (".", "?", "!")]
    return before[ends[-1] + 1:] if ends else before


def _guarded_after(c: Concept, toks: list[str], end: int) -> bool:
    """A word of the concept's `unless_after` in the two tokens after a form; a number starting a duration is none
    ("the MRD came back 0.02" is a result, "it came back 8 months after the transplant" a relapse: quantities.yaml
    durations)."""
    return any((toks[j] in c.unless_after or toks[j][:1].isdigit() and toks[j][:1] in c.unless_after)
               and not _duration_at(toks, j) for j in range(end, min(end + 2, len(toks))))  # ("0.05" as "0")


def _duration_at(toks: list[str], j: int) -> bool:
    """A number at toks[j] with a duration's unit after it ("8 months", "2 yrs")."""
    return _digits(toks[j]) and j + 1 < len(toks) and toks[j + 1] in _duration_words()


@lru_cache(maxsize=1)
def _duration_words() -> frozenset[str]:
    return frozenset(w for kind, words in load_units().units.values() if kind == "duration" for w in words)


@lru_cache(maxsize=64)
def _by_last(group: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in group:
        out.setdefault(p[-1], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def _scan(toks: list[str], start: int, step: int, rules: ContextRules,
          phrases: dict[str, tuple[tuple[str, ...], ...]]) -> str | None:
    """The nearest context phrase in one direction from `start` (within the window, up to a terminator)."""
    i, seen = start, 0
    while 0 <= i < len(toks) and seen < rules.window:
        for name, group in phrases.items():
            index = _by_last(group) if step < 0 else _by_first(group)
            for p in index.get(toks[i], ()):
                lo = i - len(p) + 1 if step < 0 else i
                if lo >= 0 and _starts(toks, lo, p):
                    return name
        if toks[i] in rules.terminators:
            return None
        i += step
        seen += 1
    return None


def _polarity(toks: list[str], i: int, n: int, rules: ContextRules) -> str | None:
    """negated / affirmed / pending, or None: a result written after the mention ("... test is positive") wins over
    a pending cue before it ("tested for CD19: positive"); a negation anywhere wins over an affirmation."""
    before = _scan(toks, i - 1, -1, rules, {"pending": rules.pending_before, "negated": rules.negated_before,
                                            "affirmed": rules.affirmed_before})
    after = _scan(toks, i + n, 1, rules, {"pending": rules.pending_after, "negated": rules.negated_after,
                                          "affirmed": rules.affirmed_after})
    if after in ("negated", "affirmed"):
        return "negated" if "negated" in (before, after) else after
    if "pending" in (before, after):
        return "pending"
    if before is None and after is None and _scan(toks, i + n, 1, rules, {"recent": rules.recent_after}):
        return "recent"  # "diagnosed with ALL last week"
    if before is None and after is None and _dated_by_what_followed(toks, i + n, rules, i):
        return "past"  # "allo-HSCT in CR1; 3 months later BCR::ABL1 became detectable"
    return before


def _dated_by_what_followed(toks: list[str], start: int, rules: ContextRules, mention: int | None = None) -> bool:
    """A "... later" within the sentence after the mention, with no planning word in the sentence before it either
    ("will he need a transplant after that?" plans it; "allo-HSCT in CR1; 3 months later ..." dates it), with an
    event after it ("is transplant on the table later?" asks about the future)."""
    for j in range(mention - 1 if mention is not None else -1, -1, -1):
        if toks[j] in (".", "?", "!"):
            break
        if toks[j] in rules.past_unless:
            return False
    for j in range(start, min(len(toks), start + rules.past_window)):
        if toks[j] in (".", "?", "!") or toks[j] in rules.past_unless:
            return False
        for p in _by_first(rules.past_after).get(toks[j], ()):
            if _starts(toks, j, p) and j + len(p) < len(toks) and toks[j + len(p)] not in (".", "?", "!"):
                return True
    return False


# ------------------------------------------------------------------------------------------ people


@lru_cache(maxsize=64)
def _by_first(group: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for p in group:
        out.setdefault(p[0], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def _find(toks: list[str], group: tuple[tuple[str, ...], ...]) -> list[tuple[int, tuple[str, ...]]]:
    """(position, phrase) of every phrase of `group` in the tokens (one pass, indexed by first word)."""
    index = _by_first(group)
    return [(i, p) for i, t in enumerate(toks) for p in index.get(t, ()) if _starts(toks, i, p)]


def _has(toks: list[str], group: tuple[tuple[str, ...], ...]) -> bool:
    return bool(_find(toks, group))


def _sentence_start(toks: list[str], i: int) -> int:
    while i > 0 and toks[i - 1] not in (".", "?", "!", ";"):
        i -= 1
    return i


def _sentence_end(toks: list[str], i: int) -> int:
    while i < len(toks) and toks[i] not in (".", "?", "!", ";"):
        i += 1
    return i


def _age_span_before(toks: list[str], i: int) -> list[int]:
    """Token indexes of an age written just before a person noun ("45-year-old daughter", "a 2 year old child")."""
    out, j = [], i - 1
    while j >= 0 and i - j <= 5 and (toks[j] in _AGE_WORDS or _AGE_NUMBER.match(toks[j])):
        out.append(j)
        j -= 1
    return [k for k in out if any(c.isdigit() for c in toks[k])]


def _age_span_after(toks: list[str], end: int, rules: ContextRules) -> list[int]:
    """Token indexes of an age written just after a person noun ("sister (44)", "nephew is 19", "son, who is 12",
    "son 19")."""
    j = end
    for _ in range(3):  # "brother, who is 44": a comma, then a cue
        cue = next((p for p in rules.people["age_after"] if _starts(toks, j, p)), None)
        if cue is None:
            break
        j += len(cue)
    out: list[int] = []
    # (or the number right after the noun, "my son 19 has ALL")
    while end <= j < len(toks) and _is_age(toks[j]) and not _unit_token(toks, j):  # "kids are 12 and 15"
        out.append(j)
        j += 2 if j + 2 < len(toks) and toks[j + 1] in (",", "and", "&") else len(toks)
    return out


def _age_later(toks: list[str], end: int, persons: list[tuple[int, Form]], rules: ContextRules) -> list[int]:
    """The token index of the same person's age later in their sentence with the subject left out ("my husband has
    Ph+ ALL and is 70"), before anyone else is named."""
    stop = min([_sentence_end(toks, end)] + [i for i, _ in persons if i >= end])
    for k, p in _find(toks[end:stop], rules.people["age_later"]):
        j = end + k + len(p)
        if j < stop and _is_age(toks[j]) and not _unit_token(toks, j):
            return [j]
    return []


def _asker(toks: list[str], persons: list[tuple[int, Form]], others: set[int], rules: ContextRules,
           asker_patient: bool | None) -> str | None:
    """Who is asking: the patient, a relative of the patient, a clinician, or unknown (None)."""
    if asker_patient:
        return "patient"
    if asker_patient is False or any(f.concept.role in ("relative", "child") and i not in others and i > 0
                                     and (toks[i - 1],) in rules.people["asker_possessors"] for i, f in persons):
        return "relative"
    return "clinician" if _has(toks, rules.people["clinician"]) or _owns_a_patient(toks, rules) or _presents_a_case(
        toks, rules) else None


#: The words a clinician may put between "my" and "patient" ("my newly diagnosed 62-year-old patient").
_OWNED_GAP = 3


def _owns_a_patient(toks: list[str], rules: ContextRules) -> bool:
    """The asker names a patient as theirs with words between ("should I switch my newly diagnosed patient?")."""
    owners, nouns = rules.people["clinician_owners"], rules.people["patient_nouns"]
    return any((t,) in owners and any((w,) in nouns for w in toks[i + 1:i + 2 + _OWNED_GAP])
               for i, t in enumerate(toks))


def _asker_is_patient(toks: list[str], rules: ContextRules) -> bool | None:
    if _has(toks, rules.people["asker_is_relative"]):
        return False
    if _presents_a_case(toks, rules):
        return None  # ("I have a 52-year-old man with Ph+ ALL": a clinician's case, not the asker's disease)
    if _has(toks, rules.people["first_person_patient"]):
        return True
    return None


def _presents_a_case(toks: list[str], rules: ContextRules) -> bool:
    """ "I have a 52-year-old man with ...": a case opener (context.yaml people.case_openers), an age or not, then a
    case noun (people.case_nouns).

    >>> _presents_a_case(tokens("i have a 52-year-old man with all"), load_lexicon().context)
    True
    >>> _presents_a_case(tokens("i have a question about my all"), load_lexicon().context)
    False
    """
    nouns = {p[0] for p in rules.people["case_nouns"]}
    for i in range(len(toks)):
        for opener in rules.people["case_openers"]:
            if tuple(toks[i:i + len(opener)]) != opener:
                continue
            j = i + len(opener)
            while j < len(toks) and (toks[j] in _AGE_WORDS or _AGE_NUMBER.match(toks[j])):
                j += 1
            if j < len(toks) and (toks[j] in nouns or toks[j][:-1].isdigit() and toks[j][-1:] in ("m", "f")):
                return True  # (or an age with its sex: "I have a 45M with ...")
    return False


def possessor(toks: list[str], i: int) -> tuple[str, int]:
    """The word before a person noun, skipping an age written in between ("my 45 year old husband")."""
    j = i - 1
    while j >= 0 and (toks[j] in _AGE_WORDS or _AGE_NUMBER.match(toks[j])):
        j -= 1
    return (toks[j], j) if j >= 0 else ("", -1)


def _is_other(toks: list[str], i: int, form: Form, rules: ContextRules, patient_named: bool,
              asker_patient: bool | None, has_it: bool = False) -> bool:
    """A person mention that is not the patient (see the `people` rules in context.yaml); `has_it`: the person is
    said to have ALL (or to be tested or treated for it)."""
    role = form.concept.role
    prev, j = possessor(toks, i)
    before = toks[max(0, i - 4):i]
    if role == "donor" or "donor" in toks[max(0, i - 12, _sentence_start(toks, i)):_sentence_end(toks, i)] and not (
            has_it or _donated_to(toks, j if (prev,) in rules.people["asker_possessors"] else i, rules)):
        return True  # a donor, or someone in a donor's sentence ("my brother (44) will be the donor")
    if (prev,) in rules.people["patient_possessors"] or tuple(toks[max(0, j - 1):j + 1]) in rules.people[
            "patient_possessors"]:
        return True  # "her daughter", "the patient's mother"
    asker = (prev,) in rules.people["asker_possessors"] or j < 0 or has_it and (prev,) in rules.people["no_possessor"]
    if role == "child":  # someone's child only when the text relates it to the patient ("she has a ... child") or
        # counts them ("two kids aged 4 and 7": a family beside the one patient)
        return any(_starts(before, k, p) for k in range(len(before)) for p in rules.people["has_relation"]) or (
            asker and (patient_named or asker_patient is True)) or bool(before) and (before[-1],) in rules.people[
            "child_counts"]
    return not asker or patient_named or asker_patient is True


def _donated_to(toks: list[str], k: int, rules: ContextRules) -> bool:
    """The person named from toks[k] receives the donation ("the donor for my dad", "donating to my sister")."""
    return any(k >= len(p) and tuple(toks[k - len(p):k]) == p for p in rules.people["donor_for"])


def _has_the_disease(toks: list[str], end: int, persons: list[tuple[int, Form]], disease: list[int],
                     rules: ContextRules, cues: str = "has_disease") -> bool:
    """The person whose mention ends at `end` is said to have ALL in their clause ("my mother has Ph- ALL"), or (with
    `cues` "has_care" and `disease` the tests and treatments) to be tested or treated for it ("my father keeps
    getting the MRD test")."""
    stop = min([_sentence_end(toks, end)] + [i for i, _ in persons if i >= end])
    return any(0 < d - (end + k + len(p)) + 1 <= 4 for k, p in _find(toks[end:stop], rules.people[cues])
               for d in disease if d < stop)


def _sick(toks: list[str], persons: list[tuple[int, Form]], disease: dict[str, list[int]],
          rules: ContextRules) -> set[str]:
    """The relatives (their nouns) said to have ALL; with none, those said to be tested or treated for it (people
    rules `has_disease`, `has_care`): the patient among several relatives named."""
    for cues, marks in disease.items():
        sick = {" ".join(toks[i:i + len(f.tokens)]) for i, f in persons
                if f.concept.role == "relative" and _has_the_disease(toks, i + len(f.tokens), persons, marks, rules,
                                                                     cues)}
        if len(sick) > 1 and cues == "has_disease":  # (several: the one who has it now, not one who had it)
            now = {" ".join(toks[i:i + len(f.tokens)]) for i, f in persons if f.concept.role == "relative"
                   and _has_the_disease(toks, i + len(f.tokens), persons, marks, rules, "has_disease_now")}
            sick = now or sick
        if sick:
            return sick
    return set()


def _people_masks(toks: list[str], persons: list[tuple[int, Form]], rules: ContextRules,
                  asker_patient: bool | None, known: tuple[str, ...] | None = None,
                  disease: dict[str, list[int]] | None = None) -> tuple[set[int], set[int], set[int]]:
    """(token indexes to mask, indexes of person mentions that are someone else, the patient's bound ages).

    `known`: in a follow-up, the person nouns that named the patient earlier in the conversation (empty when the
    patient was described without one): an acquaintance named now is someone else, and so is a relative other
    than the one named before. `disease`: the token indexes naming ALL ("has_disease") and its tests and treatments
    ("has_care"): a relative said to have it, or else to be tested or treated for it, is the patient.
    """
    masks: set[int] = set()
    others: set[int] = set()
    ages: set[int] = set()
    patient_named = False  # the asker's relative who is the patient has been named ("my mom ...")
    # someone else is described beside the patient ("a friend from my support group has Ph+ ALL. My dad (63) ..."):
    # only when the text also names the patient (a relative, the asker, "the patient")
    beside = asker_patient is True or any(f.concept.role == "relative" for _, f in persons) or bool(
        {"patient", "pt", "patients"} & set(toks)) or known is not None
    pronouns = [i for i, _ in _find(toks, rules.people["patient_pronouns"])]
    named: set[str] = set()  # the nouns that named the patient
    sick = _sick(toks, persons, disease or {}, rules)
    for i, form in persons:
        n = len(form.tokens)
        prev = toks[i - 1] if i else ""
        # "my niece is 19 and my mother has ALL": the relative said to have the disease is the patient; a follow-up
        # naming someone new ("... what my 20-year-old cousin got"): their age is not the patient's
        if (sick and form.concept.role == "relative" and " ".join(toks[i:i + n]) not in sick) or (
                known is not None and " ".join(toks[i:i + n]) not in known
                and (form.concept.role == "acquaintance" or form.concept.role == "relative" and known)):
            others.add(i)
            masks.update(range(i, i + n))
            masks.update(_age_span_before(toks, i))
            masks.update(_age_span_after(toks, i + n, rules))
            masks.update(_age_later(toks, i + n, persons, rules))
            continue
        if form.concept.role == "acquaintance" and any(toks[i + n:i + n + len(r)] == list(r)
                                                      for r in rules.people["reports"]):
            others.add(i)  # ("a friend told us that ...": the source of hearsay; what they report is no fact of
            masks.update(range(i, i + n))  # theirs)
            masks.update(_age_span_after(toks, i + n, rules))
            continue
        if form.concept.role == "acquaintance" and any(k < i for k in pronouns):
            beside = True  # "is her treatment the same as what my cousin got?": the patient was named first
        if beside and (form.concept.role == "acquaintance" or prev.endswith("'s") and prev not in ("patient's", "pt's")):
            # "a friend from my support group has Ph+ ALL", "my friend's son had T-ALL": the whole sentence is theirs
            others.add(i)
            masks.update(range(i, _sentence_end(toks, i)))
            masks.update(_age_span_before(toks, i))
            continue
        noun = " ".join(toks[i:i + n])
        again = noun in named and (not i or (prev,) in rules.people["asker_possessors"] or (prev,) in rules.people[
            "no_possessor"])  # "my mom has ALL. my mom is 62.", "... for my dad. Dad is 72"
        if again or not _is_other(toks, i, form, rules, patient_named, asker_patient, noun in sick):
            if not patient_named or again and not ages:  # "my wife, 48,", "my grandad is 70", "... and is 70"
                ages.update((_age_span_after(toks, i + n, rules) or _age_later(toks, i + n, persons, rules))[:1])
            if form.concept.role in ("relative", "acquaintance"):
                patient_named = True
                named.add(noun)
            continue
        others.add(i)
        if form.concept.role != "donor":  # (a donor's availability is the patient's fact; their age is not)
            masks.update(range(i, i + n))
        masks.update(_age_span_before(toks, i))
        masks.update(_age_span_after(toks, i + n, rules))
        masks.update(_age_later(toks, i + n, persons, rules))
    masks.update(_parent_of_ages(toks, rules))
    if asker_patient is False or (asker_patient is None and patient_named):
        masks.update(_first_person_ages(toks, rules))  # the asker is a relative: "I'm 45" is not the patient
    return masks, others, ages - masks


def _parent_of_ages(toks: list[str], rules: ContextRules) -> set[int]:
    """A parent writing about their own disease: "a mom of a 6 year old", "single mum to a 7 year old"."""
    out: set[int] = set()
    for i, p in _find(toks, rules.people["parent_of"]):
        j = i + len(p)
        j += int(j < len(toks) and toks[j] in ("a", "an"))
        out.update(k for k in range(j, min(j + 4, len(toks))) if _AGE_NUMBER.match(toks[k]))
    return out


def _first_person_ages(toks: list[str], rules: ContextRules) -> set[int]:
    out: set[int] = set()
    for i, p in _find(toks, rules.people["first_person"]):
        j = i + len(p)
        j += int(j < len(toks) and toks[j] == "(")
        if j < len(toks) and _is_age(toks[j]):
            out.add(j)
    return out


# ------------------------------------------------------------------------------------------ reading


def concept_ids(text: str, lex: Lexicon | None = None) -> set[str]:
    """The concepts a lower-cased text names (lexicon and fuzzy matching only, no context): for reading answers
    (memoised for the bundled lexicon: rule statements and chunk titles are read for every question)."""
    if lex is None:
        return set(_concept_ids_cached(text))
    _, _, matches = _matches(tokens(text), lex)
    return {f.concept.id for _, f in matches}


@lru_cache(maxsize=8192)
def _concept_ids_cached(text: str) -> frozenset[str]:
    _, _, matches = _matches(tokens(text), load_lexicon())
    return frozenset(f.concept.id for _, f in matches)


def _matches(toks: list[str], lex: Lexicon) -> tuple[dict[int, str], list[str], list[tuple[int, Form]]]:
    """(fuzzy corrections by token index, the corrected tokens, the lexicon forms matched on them)."""
    fixed = {i: w for i, t in enumerate(toks) if (w := _correct(t, lex))}
    seen = [fixed.get(i, t) for i, t in enumerate(toks)]
    return fixed, seen, _match([_as_matched(t, lex) for t in seen], toks, lex)


def _as_matched(tok: str, lex: Lexicon) -> str:
    """A (corrected) token as the matcher reads it: without a possessive "'s" ("my cousin's leukemia"), a glued
    plus or a compound suffix."""
    stem = tok[:-2] if tok.endswith("'s") and len(tok) > 3 else tok
    if _prefixed(stem, lex):
        stem = stem.split("-", 1)[1] if stem.count("-") else stem.split("/", 1)[1]
    return _compound_head(_plus_joined(stem, lex), lex)


def _done_without(toks: list[str], i: int, rules: ContextRules) -> bool:
    """A treatment at `i` is done without, by a cue right before it or before its determiner ("without the
    chemotherapy", "instead of a transplant")."""
    j = i - (i > 0 and toks[i - 1] in _DETERMINERS)
    return any(j - len(p) >= 0 and tuple(toks[j - len(p):j]) == p for p in rules.treatment_denied)


#: Kinds of what a procedure named right before dates ("after allo-HSCT TKI maintenance").
_DATED_KINDS = TREATMENT_KINDS | {"phase_of_treatment"}
_DETERMINERS = frozenset({"the", "a", "an", "any", "his", "her", "my", "their"})


def _prefixed(tok: str, lex: Lexicon) -> bool:
    """A word with a history prefix glued onto a lexicon word ("post-allo" in "post-allo HSCT", "post-HSCT": the
    transplant was done; context.yaml history.prefixes)."""
    p = next((p for p in lex.context.history_prefixes if tok.startswith(p)), None)
    return p is not None and tok not in lex.forms and tok[len(p):] in lex.forms


def _compound_head(tok: str, lex: Lexicon) -> str:
    """A one-word form with a compound suffix glued to it is that form ("blinatumomab-based", "tki-containing",
    "asparaginase-related": context.yaml compound_suffixes); a form that is itself hyphenated stays whole."""
    head, _, suffix = tok.rpartition("-")
    if not head or suffix not in lex.context.compound_suffixes or tok in lex.forms:
        return tok
    return head if any(f.tokens == (head,) for f in lex.forms.get(head, ())) else tok


def _plus_joined(tok: str, lex: Lexicon) -> str:
    """A treatment with a plus glued to it joins the next one ("dasatinib+chemo", "tki+steroids"): the treatment
    alone; a marker's sign ("ph+", "cd19+") stays (it is a lexicon word, or not a treatment)."""
    if not tok.endswith("+") or tok in lex.forms:
        return tok
    stem = tok[:-1]
    kinds = {f.concept.kind for f in lex.forms.get(stem, ()) if len(f.tokens) == 1}
    return stem if kinds and kinds <= TREATMENT_KINDS else tok


def treatments_in(text: str) -> set[str]:
    """The treatment concepts a text names (drugs, classes, regimens, procedures; general ones, "more chemo", too).

    >>> sorted(treatments_in("Blinatumomab or inotuzumab before the transplant?"))
    ['allo_hsct', 'blinatumomab', 'inotuzumab']
    """
    lex = load_lexicon()
    return {c for c in concept_ids(text.lower()) if c in lex.concepts and lex.concepts[c].kind in TREATMENT_KINDS}


def may_mention(text: str, ids: frozenset[str]) -> bool:
    """Whether `read_concepts(text)` can find a mention of one of the concepts `ids`: a token of the lower-cased text,
    as written or as the reader corrects it, is the first word of one of their forms (a cheap test that spares a full
    reading of a text naming none of them; never False where the reading would find one).

    >>> may_mention("on dasatinib since 2021", frozenset({"dasatinib"})), may_mention("in cr1", frozenset({"dasatinib"}))
    (True, False)
    """
    lex = load_lexicon()
    firsts = _first_words_of(lex, ids)
    for tok in tokens(text):
        if tok in firsts:
            return True
        if _as_matched(_correct(tok, lex) or tok, lex) in firsts:  # (as _matches reads the token)
            return True
    return False


#: (id(lexicon), concept ids) -> (the lexicon, the first words of those concepts' forms)
_FIRSTS_OF: dict[tuple[int, frozenset[str]], tuple[Lexicon, frozenset[str]]] = {}


def _first_words_of(lex: Lexicon, ids: frozenset[str]) -> frozenset[str]:
    key = (id(lex), ids)
    if key not in _FIRSTS_OF or _FIRSTS_OF[key][0] is not lex:
        if len(_FIRSTS_OF) >= 64:
            _FIRSTS_OF.clear()
        _FIRSTS_OF[key] = (lex, frozenset(w for w, forms in lex.forms.items() if any(f.concept.id in ids for f in forms)))
    return _FIRSTS_OF[key][1]


def read_concepts(text: str, lex: Lexicon | None = None, *, source: str | None = None,
                  known: tuple[str, ...] | None = None) -> Reading:
    """Concepts in a lower-cased text, with context, and the text rewritten to canonical forms (memoised for the
    bundled lexicon: the facts reader, the plan, the scope checks, relevance and fit read the same texts).

    With `source` (the same text as written, before lower-casing), the rewrite keeps the writer's case and masks
    nothing: the question in canonical terms, for retrieval and drafting. With `known` (a follow-up: the person nouns
    that named the patient earlier in the conversation), anyone else named is not the patient.

    >>> read_concepts("is engineered t-cell treatment an option?", source="Is engineered T-cell treatment an option?").text
    'Is CAR-T therapy an option?'
    """
    return _read_cached(text, source, known) if lex is None else _read(text, lex, source, known)


@lru_cache(maxsize=4096)
def _read_cached(text: str, source: str | None, known: tuple[str, ...] | None = None) -> Reading:
    return _read(text, load_lexicon(), source, known)


def _read(text: str, lex: Lexicon, source: str | None, known: tuple[str, ...] | None = None) -> Reading:
    if source is not None and len(source) != len(text):
        source = None if text != text.lower() else text
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    toks = [text[a:b] for a, b in spans]
    fixed, seen, matches = _matches(toks, lex)
    labs = lab_analytes(text, spans)
    labs = {i: n for i, n in labs.items() if not any(k == i and f.concept.lab for k, f in matches)}
    matches = [(i, f) for i, f in matches if i not in labs]
    persons = [(i, f) for i, f in matches if f.concept.kind == "person"]
    asker_patient = _asker_is_patient(seen, lex.context)
    care = {w for p in lex.context.people["care_concepts"] for w in p}
    disease = {"has_disease": [i for i, f in matches if f.concept.id in _THE_DISEASE or f.concept.kind == "lineage"],
               "has_care": [i for i, f in matches if f.concept.id in care or f.concept.kind in TREATMENT_KINDS]}
    masks, others, ages = _people_masks(seen, persons, lex.context, asker_patient, known, disease)
    shown, hidden = seen, masks
    if source is not None:  # the question in canonical terms: nothing masked, the writer's case kept
        hidden, ages = set(), set()
        shown = [fixed.get(i) or source[a:b] for i, (a, b) in enumerate(spans)]
        text = source
    mentions: list[Mention] = []
    dated = -1  # where a run of treatments dated by a procedure before them ends ("after allo-HSCT TKI maintenance")
    replace: dict[int, tuple[int, str, bool]] = {}  # start token -> (end token, text, glue)
    named: set[str] = set()
    if any(f.concept.means_when for _, f in matches):  # (read only when a form may mean another concept)
        own = [(i, f) for i, f in matches if i not in others
               and not any(k in masks for k in range(i, i + len(f.tokens)))]
        named = {f.concept.id for _, f in own} | _named_by_polarity(seen, own, lex)  # (the patient's, not a friend's)
    for i, form in matches:
        c, n = form.concept, len(form.tokens)
        meant = next((lex.concepts[v] for k, v in c.means_when.items() if k in named
                      and not any(x == v or lex.concepts[x].broader == v for x in named)), None)
        if meant is not None:  # ("what are the pills?" about Ph-positive ALL: the TKI; not where the text names the
            # concept or a member of it already: "the imatinib-type pill" is imatinib)
            c, form = meant, Form(form.tokens, meant, rewrite=True)
        pol = _polarity(seen, i, n, lex.context) if c.canonical_when else (
            "negated" if c.kind in TREATMENT_KINDS and _done_without(seen, i, lex.context) else None)
        other = i in others or any(k in masks for k in range(i, i + n))
        past = _prefixed(seen[i], lex) or (  # (or the same concept's word run on: "post-allo HSCT")
            bool(mentions) and mentions[-1].concept == c.id and mentions[-1].end == i and mentions[-1].historical) or _scan(
            seen, i - 1, -1, lex.context, {"history": lex.context.history}) == "history" and not any(
            _duration_at(seen, j) and (seen[j - 1],) in lex.context.history and not {"of", "on", "with"} & set(
                seen[j + 2:i]) for j in range(max(1, i - lex.context.window), i))  # ("after 5 years the TKI should be
        # stopped": the cue dates the time, not a treatment given before; "3 months after allo-HSCT", "following 2
        # years of imatinib" stay treatments given)
        if past and mentions and mentions[-1].end == i and mentions[-1].concept != c.id and (
                (mentions[-1].historical and mentions[-1].kind == "procedure") or dated == i) \
                and c.kind in _DATED_KINDS:
            past, dated = False, i + n  # ("post allo-HSCT TKI maintenance": the cue dates the TKI, and the
            # maintenance run on after it, by the transplant before them)
        taken = _scan(seen, i - 1, -1, lex.context, {"taking": lex.context.taking}) == "taking" or (
            # a drug named in brackets after the patient's medicine is what they take ("the pills (TKI)", "のみぐすり
            # (TKI)", rja103 q24)
            i >= 2 and seen[i - 1] == "(" and bool(mentions) and mentions[-1].kind == "medicine"
            and mentions[-1].end == i - 1 and not mentions[-1].other_person)
        mentions.append(Mention(concept=c.id, kind=c.kind, start=i, end=i + n, surface=" ".join(toks[i:i + n]),
                                negated=pol == "negated", affirmed=pol == "affirmed",
                                fuzzy=any(k in fixed for k in range(i, i + n)), other_person=other, historical=past,
                                taken=taken))
        if other and source is None or c.kind == "person":
            continue
        if pol and pol in c.canonical_when:
            # a negation right before the mention is now said by the canonical ("not philadelphia" -> "Ph-negative",
            # not "not Ph-negative", which a reader of explicit signs would flip back)
            j = i - 1 if pol == "negated" and i and seen[i - 1] in _BARE_NEGATIONS else i
            replace[j] = (i + n, c.canonical_when[pol], c.glue)
        elif form.rewrite:
            replace[i] = (i + n, c.canonical, c.glue)
    for i in ages:  # an age bound to the patient is written the one way the age reader knows
        replace[i] = (i + 1, f"aged {seen[i]}", False)
    if source is None:  # a lab result's analyte by its name ("cr 1.1 mg/dl" -> "creatinine 1.1 mg/dl"), no concept
        replace |= {i: (i + 1, name, False) for i, name in labs.items()}
    return Reading(text=_rebuild(text, spans, shown, replace, hidden), mentions=tuple(mentions),
                   background=_has(seen, lex.context.background), asker=_asker(seen, persons, others, lex.context, asker_patient))


def _named_by_polarity(seen: list[str], matches: list[tuple[int, Form]], lex: Lexicon) -> set[str]:
    """The concepts a bare mention names by its context ("the philadelphia chromosome was found": Ph-positive), by
    the canonical form its polarity gives."""
    out: set[str] = set()
    for i, f in matches:
        c = f.concept
        if c.canonical_when and not c.means_when:
            pol = _polarity(seen, i, len(f.tokens), lex.context)
            canonical = c.canonical_when.get(pol or "")
            out |= {k for k, other in lex.concepts.items() if canonical and other.canonical == canonical}
    return out


#: Negations written right before a mention that its negated canonical form already says.
_BARE_NEGATIONS = frozenset({"not", "no", "non", "without", "never"})


def _rebuild(text: str, spans: list[tuple[int, int]], seen: list[str], replace: dict[int, tuple[int, str, bool]],
             masks: set[int]) -> str:
    out: list[str] = []
    pos, i, glue_next = 0, 0, False
    while i < len(spans):
        a, b = spans[i]
        gap = "" if glue_next else text[pos:a]
        glue_next = False
        if i in replace:
            end, canonical, glue = replace[i]
            if glue:
                gap = ""
                glue_next = glue is True
            out.append(gap + canonical)
            pos, i = spans[end - 1][1], end
            continue
        out.append(gap + (MASK if i in masks else seen[i]))
        pos, i = b, i + 1
    out.append(text[pos:])
    return "".join(out)


# ------------------------------------------------------------------------------------------ numbers as typed values


@dataclass(frozen=True)
class Quantity:
    """A number read with its unit: a level (a share of cells in percent: an MRD level, a CD expression share),
    a duration or a count. `start`/`end` are character offsets of the whole statement (comparator included)."""

    kind: str  # "level" | "duration" | "count"
    value: float  # a level in percent; a duration or count as written
    unit: str  # "%" | days / weeks / months / years | cycles / doses / lines
    start: int
    end: int
    notation: str = ""  # a level's: "percent", "power" (a mantissa or a power mark), "power_bare" ("10-4"), "one_in";
    # an age's: "years_old", "yo", "kanji", "sex" ("72 F"), "sex_glued" ("72F"), "aged", "coming" ("turns 26 next
    # month")
    bound: str | None = None  # "below" / "above": a bound ("<0.01%", "below 10^-4"), not a value
    number: tuple[int, int] = (0, 0)  # character offsets of the number itself


@dataclass(frozen=True)
class Units:
    percent: tuple[str, ...]
    times: tuple[str, ...]
    power_marks: tuple[str, ...]
    one_in: tuple[str, ...]
    denominators: frozenset[int]
    small_numbers: dict[str, int]
    below: tuple[str, ...]
    above: tuple[str, ...]
    units: dict[str, tuple[str, tuple[str, ...]]]  # kind -> (unit, words), for durations and counts
    ages: dict[str, tuple[str, ...]]  # the age words of quantities.yaml (years, old, yo, sexes, prefixes, ...)


def _digits(s: str) -> bool:
    """ASCII digits only ("45"; not other scripts' digits, which float() does not read)."""
    return s.isascii() and s.isdigit()


def _longest_first(words: list[Any]) -> tuple[str, ...]:
    return tuple(sorted((str(w) for w in words), key=len, reverse=True))


@lru_cache(maxsize=2)
def load_units(folder: Path = LEXICON_DIR) -> Units:
    """The units and cue words of `quantities.yaml`, read once."""
    data = lexicon_file(folder, "quantities.yaml")
    units = {unit: ("duration", _longest_first(words)) for unit, words in data["durations"].items()}
    units |= {unit: ("count", _longest_first(words)) for unit, words in data["counts"].items()}
    return Units(
        percent=_longest_first(data["percent"]), times=_longest_first(data["times"]),
        power_marks=_longest_first(data["power_marks"]), one_in=_longest_first(data["one_in"]),
        denominators=frozenset(int(d) for d in data["one_in_denominators"]),
        small_numbers={str(k): int(v) for k, v in data["small_numbers"].items()},
        below=_longest_first(data["below"]), above=_longest_first(data["above"]), units=units,
        ages={k: _longest_first(v) for k, v in data["ages"].items()})


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _word_at(text: str, i: int, words: tuple[str, ...]) -> str | None:
    """The first of `words` written at `i` (a word ends at a non-letter)."""
    for w in words:
        if text.startswith(w, i) and not (w[-1].isalpha() and text[i + len(w):i + len(w) + 1].isalpha()):
            return w
    return None


def _word_before(text: str, i: int, words: tuple[str, ...]) -> tuple[str, int] | None:
    """(word, its start) of the first of `words` ending at `i` (a word starts after a non-letter)."""
    for w in words:
        a = i - len(w)
        if a >= 0 and text.startswith(w, a) and not (w[0].isalpha() and a and text[a - 1].isalpha()):
            return w, a
    return None


def _number_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every written number: digits with inner dots or commas ("0.05", "10,000", ".5")."""
    out, i, n = [], 0, len(text)
    while i < n:
        lead = text[i] == "." and i + 1 < n and _digits(text[i + 1]) and not (i and (_digits(text[i - 1])
                                                                                 or text[i - 1] == "."))
        if _digits(text[i]) or lead:
            j = i + 1
            while j < n and (_digits(text[j]) or text[j] in ".," and j + 1 < n and _digits(text[j + 1])):
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _number(s: str) -> float | None:
    """A written number: "10,000" (thousands) or "0,05" (a decimal comma), "0.05", ".5"."""
    parts = s.split(",")
    if len(parts) > 1:
        s = "".join(parts) if all(len(p) == 3 for p in parts[1:]) else ".".join(parts) if len(parts) == 2 else ""
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # 300 nines is no number anyone measured


def _exponent(text: str, i: int) -> tuple[int, int] | None:
    """(exponent, end) of "-4" at `i` (spaces allowed around the minus; one or two digits)."""
    i = _skip(text, i)
    if i >= len(text) or text[i] != "-":
        return None
    i = _skip(text, i + 1)
    j = i
    while j < len(text) and _digits(text[j]):
        j += 1
    return (int(text[i:j]), j) if 0 < j - i <= 2 else None


def _power(text: str, a: int, b: int, u: Units) -> tuple[float, int, str] | None:
    """(percent, end, notation) of a power of ten at the number text[a:b]: "1x10^-4", "10^-4", "10-4", "1e-4"."""
    mant, i = _number(text[a:b]), _skip(text, b)
    times = _word_at(text, i, u.times)
    if times and text.startswith("10", _skip(text, i + len(times))) and mant is not None:
        ten = _skip(text, i + len(times))
        tail = _ten_tail(text, ten + 2, u)
        if tail and not _digits(text[ten + 2:ten + 3]):
            return float(f"{mant * 10.0 ** (2 - tail[0]):.6g}"), tail[1], "power"
    if text[a:b] == "10":
        tail = _ten_tail(text, b, u)
        if tail and (tail[2] or tail[0] < 10):  # ("10-14" with no power mark is a range)
            return float(f"{10.0 ** (2 - tail[0]):.6g}"), tail[1], "power" if tail[2] else "power_bare"
    if text.startswith("e", i) and mant is not None:
        exp = _exponent(text, i + 1)
        if exp and not (exp[1] < len(text) and (text[exp[1]].isalnum() or text[exp[1]] == "_")):
            return float(f"{mant * 10.0 ** (2 - exp[0]):.6g}"), exp[1], "power"
    return None


def _ten_tail(text: str, i: int, u: Units) -> tuple[int, int, bool] | None:
    """(exponent, end, a power mark written) of "^-4" / "**-4" / "-4" after a ten."""
    j = _skip(text, i)
    mark = _word_at(text, j, u.power_marks)
    exp = _exponent(text, j + len(mark) if mark else i)
    if exp is None or exp[1] < len(text) and text[exp[1]].isdigit():
        return None
    return exp[0], exp[1], bool(mark)


def _one_in(text: str, a: int, b: int, u: Units) -> tuple[float, int] | None:
    """(percent, start) of "1 in 10,000" / "one in 1,000" / "1/10000" ending in the number text[a:b]."""
    den = _number(text[a:b])
    if den is None or int(den) not in u.denominators or _digits(text[b:b + 1]):
        return None
    joiner = _word_before(text, _back(text, a), u.one_in)
    if joiner is None:
        return None
    end = _back(text, joiner[1])
    start = end
    while start and text[start - 1].isalnum():
        start -= 1
    word = text[start:end]
    num = int(word) if _digits(word) and len(word) == 1 and word != "0" else u.small_numbers.get(word)
    return (float(f"{100 * num / den:.6g}"), start) if num else None


def _back(text: str, i: int) -> int:
    while i and text[i - 1] in " \t":
        i -= 1
    return i


def _bound(text: str, start: int, u: Units) -> tuple[str | None, int]:
    """("below" | "above" | None, the statement's start) for a comparator written before `start`."""
    i = _back(text, start)
    for name, words in (("below", u.below), ("above", u.above)):
        hit = _word_before(text, i, words)
        if hit and not (hit[0].startswith(">") and hit[1] and text[hit[1] - 1] in "-="):  # "->" is an arrow
            return name, hit[1]
    return None, start


def quantities(text: str) -> tuple[Quantity, ...]:
    """The numbers of a lower-cased text with their units, in text order (memoised).

    >>> [(q.kind, q.value, q.notation, q.bound) for q in quantities("mrd 1x10^-4, then <0.01%, 1 in 10,000 cells")]
    [('level', 0.01, 'power', None), ('level', 0.01, 'percent', 'below'), ('level', 0.01, 'one_in', None)]
    >>> [(q.kind, q.value, q.unit) for q in quantities("after 3 cycles, 6 months later")]
    [('count', 3.0, 'cycles'), ('duration', 6.0, 'months')]
    >>> [(q.value, q.notation) for q in quantities("72f, a 45-year-old brother, aged 30; he turns 26 next month")]
    [(72.0, 'sex_glued'), (45.0, 'years_old'), (30.0, 'aged'), (26.0, 'coming')]
    """
    return _quantities(text)


@lru_cache(maxsize=1024)
def _quantities(text: str) -> tuple[Quantity, ...]:
    u = load_units()
    out: list[Quantity] = []
    done = 0
    for a, b in _number_runs(text):
        if a < done:
            continue
        q = _quantity(text, a, b, u)
        if q is not None:
            out.append(q)
            done = q.end
    return tuple(out)


def _quantity(text: str, a: int, b: int, u: Units) -> Quantity | None:
    age = _age(text, a, b, u) if _digits(text[a:b]) and b - a <= 3 else None
    if age is not None:
        return age
    power = _power(text, a, b, u)
    if power:
        bound, start = _bound(text, a, u)
        return Quantity("level", power[0], "%", start, power[1], power[2], bound)
    one_in = _one_in(text, a, b, u)
    if one_in:
        bound, start = _bound(text, one_in[1], u)
        return Quantity("level", one_in[0], "%", start, b, "one_in", bound)
    value, i = _number(text[a:b]), _skip(text, b)
    if value is None:
        return None
    pct = _word_at(text, i, u.percent)
    if pct:
        bound, start = _bound(text, a, u)
        return Quantity("level", value, "%", start, i + len(pct), "percent", bound)
    i = _skip(text, i + (text[i:i + 1] == "-"))
    for unit, (kind, words) in u.units.items():
        word = _word_at(text, i, words)
        if word:
            return Quantity(kind, value, unit, a, i + len(word))
    return None


# ------------------------------------------------------------------------------------------ ages


def _dash(text: str, i: int) -> int:
    """Past spaces, one optional hyphen and spaces ("45 - year - old")."""
    i = _skip(text, i)
    return _skip(text, i + 1) if text[i:i + 1] == "-" else i


def _free_number(text: str, a: int) -> bool:
    """A number that stands by itself: not glued to a word, a decimal, a sign or a ratio before it."""
    return not a or not (text[a - 1].isalnum() or text[a - 1] in "_.,^/;+<>=~-")


def _age(text: str, a: int, b: int, u: Units) -> Quantity | None:
    """An age written at the number text[a:b] (see `ages` in quantities.yaml), or None."""
    ages, n = u.ages, float(text[a:b])
    coming = _word_before(text, _back(text, a), ages["coming_before"])
    if coming and coming[1] < a and text[a - 1] in " \t" and _word_at(text, _skip(text, b), ages["coming_after"]) \
            and text[b:b + 1] in (" ", "\t"):
        return Quantity("age", n, "years", coming[1], b, "coming", number=(a, b))
    if _free_number(text, a) and (b == len(text) or not text[b] == "." or not _digits(text[b + 1:b + 2])):
        found = _age_after(text, b, ages)
        if found:
            return Quantity("age", n, "years", a, found[1], found[0], number=(a, b))
    prefix = _age_prefix(text, a, b, ages)
    return Quantity("age", n, "years", prefix, b, "aged", number=(a, b)) if prefix is not None else None


def _age_after(text: str, b: int, ages: dict[str, tuple[str, ...]]) -> tuple[str, int] | None:
    """(notation, end) of the age words after a number: years old, yo, 歳, a sex letter or word."""
    i = _dash(text, b)
    years = _word_at(text, i, ages["years"])
    if years:
        old = _word_at(text, _dash(text, i + len(years)), ages["old"])
        if old:
            return "years_old", _dash(text, i + len(years)) + len(old)
    for w in ages["yo"]:
        if text.startswith(w, i):
            k = i + len(w)
            k += text[k:k + 1] in ages["sexes"] and not text[k + 1:k + 2].isalnum()
            if not text[k:k + 1].isalnum():
                return "yo", k
    j = _skip(text, b)
    kanji = next((w for w in ages["kanji"] if text.startswith(w, j)), None)
    if kanji:
        return "kanji", j + len(kanji)
    return _age_sex(text, b, ages)


def _age_sex(text: str, b: int, ages: dict[str, tuple[str, ...]]) -> tuple[str, int] | None:
    """("sex" | "sex_glued", end) for "72F", "72 male", "72/F" (no letter, digit, slash or apostrophe after)."""
    i = b + (text[b:b + 1] in " \t\n")
    for w in ages["sex_words"]:
        k = i + len(w)
        if text.startswith(w, i) and not (text[k:k + 1].isalnum() or text[k:k + 1] in ("/", "'")):
            return ("sex_glued" if i == b and len(w) == 1 else "sex"), k
    j = _skip(text, b)
    if text[j:j + 1] == "/":
        j = _skip(text, j + 1)
        if text[j:j + 1] in ages["sexes"] and not (text[j + 1:j + 2].isalnum() or text[j + 1:j + 2] == "/"):
            return "sex", j + 1
    return None


def _age_prefix(text: str, a: int, b: int, ages: dict[str, tuple[str, ...]]) -> int | None:
    """The start of "aged" / "age:" / "at the age of" written before the number text[a:b], or None."""
    if _digits(text[b:b + 1]) or text[b:b + 1] == "%" or text[b:b + 1] in ".," and _digits(text[b + 1:b + 2]):
        return None
    if a and (text[a - 1].isalnum() or text[a - 1] == "_"):
        return None
    i = _back(text, a)
    if text[i - 1:i] == ":":
        i = _back(text, i - 1)
    hit = _word_before(text, i, ages["prefixes"])
    if hit is None or hit[1] and (text[hit[1] - 1].isalnum() or text[hit[1] - 1] == "_"):
        return None
    return hit[1]


def unit_after(text: str, b: int) -> str | None:
    """The unit written right after the number ending at `b` that makes it no age (quantities.yaml:
    ages.not_units: "80 kilos", "160cm", "5 units"), or None.

    >>> unit_after("he is 80 kilos", 8), unit_after("he is 80 and well", 8)
    ('kilos', None)
    """
    return _word_at(text, _dash(text, b), load_units().ages["not_units"])


def _unit_token(toks: list[str], j: int) -> bool:
    """The token after the number at `j` is a unit that makes it no age ("80 kilos")."""
    k = j + 1 + int(j + 1 < len(toks) and toks[j + 1] == "-")
    return k < len(toks) and unit_after(toks[k] + " ", 0) is not None


# ------------------------------------------------------------------------------------------ lab results


@lru_cache(maxsize=2)
def _lab_table(folder: Path = LEXICON_DIR) -> tuple[dict[str, str], tuple[str, ...]]:
    """(analyte abbreviation -> name, lab units longest first) of quantities.yaml `labs`."""
    data = lexicon_file(folder, "quantities.yaml")["labs"]
    units = {unicodedata.normalize("NFKC", str(u)).lower() for u in data["units"]}
    return {str(k): str(v) for k, v in data["analytes"].items()}, _longest_first(list(units))


def _lab_unit_at(text: str, i: int, units: tuple[str, ...]) -> bool:
    i = _skip(text, i)
    return any(text.startswith(u, i) and not text[i + len(u):i + len(u) + 1].isalpha() for u in units)


def lab_analytes(text: str, spans: list[tuple[int, int]] | None = None) -> dict[int, str]:
    """Token index -> analyte name of each lab result in a lower-cased text: an analyte, [":" or "="], a number
    with a lab unit, or with a decimal point after a named analyte (quantities.yaml `labs`). Such a word names no
    concept: "cr 1.1 mg/dl" is creatinine, not a complete remission; a bare "cr 1" stays a remission.

    >>> lab_analytes("72f ph+ all, cr 1.1 mg/dl, now in cr")
    {4: 'creatinine'}
    >>> lab_analytes("creatinine 1.4"), lab_analytes("pr 3 u/l"), lab_analytes("in cr 1 after induction")
    ({0: 'creatinine'}, {0: 'pr'}, {})
    """
    spans = token_spans(text) if spans is None else spans
    names, units = _lab_table()
    out: dict[int, str] = {}
    for i, (a, b) in enumerate(spans):
        word = text[a:b]
        if not word[:1].isalpha():
            continue
        j = i + 1 + int(i + 1 < len(spans) and text[spans[i + 1][0]:spans[i + 1][1]] in (":", "="))
        if j >= len(spans):
            continue
        m = _NUMBER_START.match(text, spans[j][0])
        if m is None:
            continue
        if _lab_unit_at(text, m.end(), units) or word in names and "." in m.group():
            out[i] = names.get(word, word)
    return out


_NUMBER_START = re.compile(r"\d+(?:[.,]\d+)?")


# ------------------------------------------------------------------------------------------ number words


@lru_cache(maxsize=2)
def _number_word_table(folder: Path = LEXICON_DIR) -> dict[str, Any]:
    return lexicon_file(folder, "quantities.yaml")["number_words"]


@lru_cache(maxsize=1)
def _number_word_heads() -> tuple[str, ...]:
    """The words a number word starts with or is: the tens and the teens."""
    table = _number_word_table()
    return (*table["tens"], *table["teens"])


def char_runs(text: str, kind: Callable[[str], bool]) -> list[tuple[int, int]]:
    """(start, end) of each run of characters of one `kind` (str.isalpha, str.isdigit)."""
    out, i = [], 0
    while i < len(text):
        if kind(text[i]):
            j = i
            while j < len(text) and kind(text[j]):
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _alpha_runs(text: str) -> list[tuple[int, int]]:
    return char_runs(text, str.isalpha)


def _number_word(text: str, a: int, b: int, runs: list[tuple[int, int]], k: int,
                 table: dict[str, Any]) -> tuple[int, int] | None:
    """(value, end) of the number word at text[a:b] ("sixty", "sixty-four", "sixty four", "sixtyfour", "fifteen")."""
    word = text[a:b]
    if word in table["teens"]:
        return table["teens"][word], b
    tens = next((t for t in table["tens"] if word.startswith(t)), None)
    if tens is None:
        return None
    rest = word[len(tens):]
    if rest:
        return (table["tens"][tens] + table["units"][rest], b) if rest in table["units"] else None
    if k + 1 < len(runs):
        c, d = runs[k + 1]
        if all(ch in " \t-" for ch in text[b:c]) and text[c:d] in table["units"]:
            return table["tens"][tens] + table["units"][text[c:d]], d
    return table["tens"][tens], b


def _age_cue_near(text: str, a: int, b: int, table: dict[str, Any]) -> bool:
    after, before = text[b:b + 8], text[max(0, a - 12):a]
    i = 0
    while i < min(3, len(after)) and not (after[i].isalnum() or after[i] == "_"):
        i += 1
    if any(after[i:].startswith(w) for w in table["after"]):
        return True
    j = len(before)
    while j > max(0, len(before) - 3) and not (before[j - 1].isalnum() or before[j - 1] == "_"):
        j -= 1
    return any(before[:j].endswith(w) and not (j - len(w) > 0 and (before[j - len(w) - 1].isalnum()
                                                                  or before[j - len(w) - 1] == "_"))
               for w in table["before"])


def number_words(text: str) -> str:
    """A lower-cased text with number words written as digits where an age is written.

    >>> number_words("a sixty-four year old, age=fifty, aged seventy two; one of two trials")
    'a 64 year old, age=50, aged 72; one of two trials'
    """
    table = _number_word_table()
    if not any(w in text for w in _number_word_heads()):
        return text  # (no word starts with a tens word or is a teen: nothing to write as digits)
    runs = _alpha_runs(text)
    out, pos, k = [], 0, 0
    while k < len(runs):
        a, b = runs[k]
        found = _number_word(text, a, b, runs, k, table) if not (a and (_digits(text[a - 1]) or text[a - 1] == "_")) \
            else None
        if found and not (found[1] < len(text) and (text[found[1]].isdigit() or text[found[1]] == "_")) \
                and _age_cue_near(text, a, found[1], table):
            out.append(text[pos:a] + str(found[0]))
            pos = found[1]
            while k < len(runs) and runs[k][0] < pos:
                k += 1
            continue
        k += 1
    out.append(text[pos:])
    return "".join(out)


# ------------------------------------------------------------------------------------------ age groups


@dataclass(frozen=True)
class _Slot:
    words: frozenset[str]  # a word or sign (one of them), or empty for a number
    lo: int = 0
    hi: int = 0
    optional: bool = False
    prefixes: tuple[str, ...] = ()  # "chemo*": any word starting so; "*": any word


def _pattern(text: str) -> tuple[_Slot, ...]:
    """ "{65-99} [years|year] or|and older" -> slots: words and signs separated by spaces, a|b either, [a] optional,
    {65-99} a number in that range, chemo* a word starting so, * any word (age_groups in quantities.yaml, phrases in
    context.yaml)."""
    out = []
    for part in text.split():
        if part.startswith("{"):
            lo, hi = part.strip("{}").split("-")
            out.append(_Slot(frozenset(), int(lo), int(hi)))
        else:
            alts = part.strip("[]").split("|") if len(part) > 1 else [part]
            out.append(_Slot(frozenset(a for a in alts if not a.endswith("*")), optional=part.startswith("[")
                             and len(part) > 1, prefixes=tuple(a[:-1] for a in alts if a.endswith("*") and a != "*")
                             + (("",) if "*" in alts else ())))
    return tuple(out)


def words_and_signs(text: str) -> list[tuple[int, str]]:
    """(position, item) of each word (letters and digits) and sign of a text."""
    return list(_words_and_signs(text))


@lru_cache(maxsize=8192)
def _words_and_signs(text: str) -> tuple[tuple[int, str], ...]:
    out, i = [], 0
    while i < len(text):
        if text[i].isalnum():
            j = i
            while j < len(text) and text[j].isalnum():
                j += 1
            out.append((i, text[i:j]))
            i = j
        else:
            if not text[i].isspace():
                out.append((i, text[i]))
            i += 1
    return tuple(out)


def _matches_at(items: tuple[tuple[int, str], ...] | list[tuple[int, str]], k: int, slots: tuple[_Slot, ...],
                i: int = 0) -> int | None:
    """The index after the items matched by `slots[i:]` from `k`, or None. An optional slot takes its word when the
    rest then matches, and is skipped otherwise ("result after [*] [*] was": "after induction was" matches)."""
    while i < len(slots):
        slot = slots[i]
        word = items[k][1] if k < len(items) else None
        if slot.words or slot.prefixes:
            if word is not None and (word in slot.words or word.startswith(slot.prefixes) and word[:1].isalnum()):
                if slot.optional:
                    end = _matches_at(items, k + 1, slots, i + 1)
                    if end is not None:
                        return end
                else:
                    k += 1
            elif not slot.optional:
                return None
        elif not (word and _digits(word) and len(word) == len(str(slot.hi)) and slot.lo <= int(word) <= slot.hi):
            return None
        else:
            k += 1
        i += 1
    return k


@lru_cache(maxsize=2)
def _age_groups(folder: Path = LEXICON_DIR) -> dict[str, dict[str, tuple[tuple[_Slot, ...], ...]]]:
    data = lexicon_file(folder, "quantities.yaml")["age_groups"]
    return {kind: {name: tuple(_pattern(str(p)) for p in patterns) for name, patterns in table.items()}
            for kind, table in data.items()}


def age_groups(text: str, kind: str = "bands") -> list[tuple[int, str]]:
    """(position, name) of each age group a lower-cased text names without an age: kind "bands" gives the patient's
    age band ("elderly", "over 70", "70+", "AYA", "middle-aged", "children"), "groups" the groups a question compares
    ("<65", ">=65", "AYA", "40-64").

    >>> age_groups("an elderly man, over 70"), age_groups("<65 vs >=65 vs aya", "groups")
    ([(3, '65+'), (16, '65+')], [(0, 'under 65'), (7, '65 or older'), (15, 'AYA')])
    """
    found = [(a, name) for a, _, name in find_phrases(text, _age_groups()[kind])]
    if kind != "bands" or not found:
        return found
    left = [e for _, e, _ in find_phrases(text, _age_groups()["left"])]  # ("no longer in the AYA group")
    return [(a, name) for a, name in found if not any(e <= a and not text[e:a].strip() for e in left)]


def age_bound_phrases(text: str) -> list[tuple[int, int, str]]:
    """(start, end, "below" or "from") of each age range open at one end a lower-cased text names ("under 65",
    "40 or older"; quantities.yaml age_groups.bounds).

    >>> age_bound_phrases("ph+ all under 65"), age_bound_phrases("aged 40 or older")
    ([(8, 16, 'below')], [(5, 16, 'from')])
    """
    return find_phrases(text, _age_groups()["bounds"])


def child_in_a_concern(text: str) -> bool:
    """Every child the lower-cased text names is a word of a concern's phrase, not a patient: "can't have children",
    "start a family" (fertility).

    >>> child_in_a_concern("will the transplant mean i can't have children?"), child_in_a_concern("my children")
    (True, False)
    """
    children = [text[a:e] for a, e, name in find_phrases(text, _age_groups()["bands"]) if name == "child"]
    concerns = [m.surface for m in read_concepts(text).mentions if m.kind == "concern"]
    return bool(children) and all(any(c in s for s in concerns) for c in children)


def find_phrases(text: str, table: dict[str, tuple[tuple[_Slot, ...], ...]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of every phrase of `table` (name -> patterns) in a lower-cased text, by start."""
    items = _words_and_signs(text)
    firsts, anywhere, memo = _first_words(table)
    out = []
    for k, (_, word) in enumerate(items):
        starting = memo.get(word)
        if starting is None:
            starting = _starting_with(firsts, anywhere, memo, word)
        for name, patterns in starting:
            ends = [e for p in patterns if (e := _matches_at(items, k, p)) is not None and e > k]
            if ends:
                last = items[max(ends) - 1]
                out.append((items[k][0], last[0] + len(last[1]), name))
    return out


_Patterns = list[tuple[str, list[tuple[_Slot, ...]]]]
_FIRSTS: dict[int, tuple[dict[str, _Patterns], _Patterns, Any, dict[str, tuple[Any, ...]]]] = {}


def _starting_with(firsts: dict[str, _Patterns], anywhere: _Patterns, memo: dict[str, tuple[Any, ...]],
                   word: str) -> tuple[Any, ...]:
    """(name, patterns) of a table that may match from `word`: those whose first word it is, then those tried
    everywhere whose leading slots (up to the first one not optional) take it; kept in `memo` (a pattern no
    leading slot of which takes the word matches nothing from it)."""
    if len(memo) >= 20_000:
        memo.clear()
    loose = [(name, ps) for name, patterns in anywhere if (ps := [p for p in patterns if _may_start(p, word)])]
    memo[word] = (*firsts.get(word, ()), *loose)
    return memo[word]


def _may_start(pattern: tuple[_Slot, ...], word: str) -> bool:
    """A slot of the pattern's leading run (its optional slots and the first required one) takes `word`, as
    `_matches_at` reads a slot."""
    for slot in pattern:
        if not (slot.words or slot.prefixes):  # a number: always required
            return _digits(word) and len(word) == len(str(slot.hi)) and slot.lo <= int(word) <= slot.hi
        if word in slot.words or word.startswith(slot.prefixes) and word[:1].isalnum():
            return True
        if not slot.optional:
            return False
    return False


def _first_words(table: dict[str, tuple[tuple[_Slot, ...], ...]]) -> tuple[
        dict[str, _Patterns], _Patterns, dict[str, tuple[Any, ...]]]:
    """The table's patterns by the words their first slot takes (patterns starting with a number, a prefix or an
    optional word are tried everywhere), and the memo of `_starting_with`: built once per table."""
    key = id(table)
    if key not in _FIRSTS or _FIRSTS[key][2] is not table:
        firsts: dict[str, dict[str, list[tuple[_Slot, ...]]]] = {}
        anywhere: dict[str, list[tuple[_Slot, ...]]] = {}
        for name, patterns in table.items():
            for p in patterns:
                head = p[0]
                if head.words and not head.prefixes and not head.optional:
                    for w in head.words:
                        firsts.setdefault(w, {}).setdefault(name, []).append(p)
                else:
                    anywhere.setdefault(name, []).append(p)
        _FIRSTS[key] = ({w: list(d.items()) for w, d in firsts.items()}, list(anywhere.items()), table, {})
    return _FIRSTS[key][0], _FIRSTS[key][1], _FIRSTS[key][3]


@lru_cache(maxsize=128)
def phrase_table(group: str, folder: Path = LEXICON_DIR) -> dict[str, tuple[tuple[_Slot, ...], ...]]:
    """A named group of phrase patterns from context.yaml's `phrases` (name -> patterns)."""
    data = lexicon_file(folder, "context.yaml")["phrases"][group]
    return {str(name): tuple(_pattern(str(p)) for p in patterns) for name, patterns in data.items()}


@lru_cache(maxsize=16)
def concept_table(ids: tuple[str, ...], lang: str = "en") -> dict[str, tuple[tuple[_Slot, ...], ...]]:
    """Phrase patterns for the forms of the concepts `ids` (their canonical form, terms, lay words and misspellings),
    for `find_phrases`: a concept's mentions found word by word, also inside a compound ("post-transplant")."""
    lex = load_lexicon(lang=lang)
    out: dict[str, set[tuple[_Slot, ...]]] = {i: set() for i in ids}
    for forms in lex.forms.values():
        for form in forms:
            if form.concept.id in out:
                out[form.concept.id].add(tuple(_Slot(frozenset({w})) for _, w in words_and_signs(" ".join(form.tokens))))
    for i in ids:
        out[i].add(tuple(_Slot(frozenset({w})) for _, w in words_and_signs(lex.concepts[i].canonical.lower())))
    return {i: tuple(p for p in patterns if p) for i, patterns in out.items()}


def patient_is_an_adult_relative(mentions: Sequence[Mention]) -> bool:
    """The person named last before the disease is first named is an adult relative ("my brother has ALL"), not a
    child ("our 5-year-old son has ALL")."""
    first_disease = next((m.start for m in mentions if m.concept == "all"), None)
    if first_disease is None:
        return False
    before = [m for m in mentions if m.kind == "person" and m.start < first_disease
              and m.concept in ("relative", "child")]
    return bool(before) and before[-1].concept == "relative"
