"""Deterministic patient-facts reader: free text in, `PatientFacts` out.

Pure; no I/O, no LLM, no clock. Each fact has its own small reader over a normalised copy of the text (NFKC,
lower case, unicode minus / en dash -> "-", "x" for the multiplication sign, superscript exponents -> "^-4",
lay words and misspellings in canonical terms and other people's facts masked by the concept layer).

Everything is read from the concept layer and its data (`assistant/lexicon/`), not from patterns in this file:

- the lexicon's concepts (`concepts.yaml`): a transplant is any form of the `allo_hsct` concept (and an
  autologous one is not: `concepts.concept_table`), TKIs are the drugs of the class `tki`; lay words and
  misspellings ("bone marow tranplant", "the Philadelphia type", "came back") arrive as canonical terms;
- typed numbers (`concepts.quantities`, quantities.yaml): ages, MRD levels in every notation, durations;
- context cues and phrase patterns (`context.yaml`, read by `concepts.find_phrases`): negation
  (phrases.negation), results written after a marker (phrases.signs: "Ph+", "CD19 dim", "T315I not detected",
  "BCR-ABL1 status pending"), how a transplant stands (phrases.transplant_before / transplant_after: done,
  planned, ineligible, not done, eligible; a question or a condition reports none), phases (phrases.phase),
  MRD results, statistics, study statements and time points (phrases.mrd_results / mrd_level / timepoints),
  fitness, prior TKIs, a question about a patient (phrases.case) and the word lists of its `facts` block;
- implications between facts from one table (implications.yaml: `implied`, `assumed`).

Number syntax is read by small scanners (`_digit_runs`, `_bare_years`: "72 years", "72yrs"; `_range_at`: "40-64",
"15 to 39", "between 40 and 64"): no regular expressions.

Usage:

    >>> from assistant.facts import read_facts
    >>> f = read_facts("72F Ph+ ALL, what induction?")
    >>> (f.age, f.age_band, f.ph_status, f.phase)
    (72, '65+', 'positive', 'newly_diagnosed')
    >>> read_facts("what if she were 40?", history=["72F Ph+ ALL"]).age_band
    '40-64'

Choices (reviewable; each one is pinned by a test):

- Unknown or contradictory facts are None. Two opposite statements of the same fact in one
  message ("Ph+ vs Ph- ALL", "B-ALL or T-ALL?", "B vs T lineage") give None, except for MRD
  where the *last* result in the text wins (MRD is a time series: "MRD+ after induction, MRD-
  after consolidation" is MRD negative).
- Lineage is never inferred: "Ph+ ALL" leaves `lineage` None although Ph+ ALL is nearly always
  B-lineage. Rules that need B-lineage should say so explicitly.
- "Ph-like" never sets `ph_status`. "BCR::ABL1 transcripts/qPCR/IS ..." implies Ph-positive
  (the transcript is only monitored in Ph+ ALL) whatever the transcript result.
- Age: an explicit age wins; else a decade phrase ("in her 50s", "late 60s") sets `age_band` only
  when the whole decade falls in one band ("in his 60s" -> None); else band words
  ("elderly" -> 65+, "AYA"/"young adult" -> aya, "child"/"pediatric patient" -> child).
  "pediatric-type/-inspired regimen" is not a child. Ages outside 0-110 are ignored. A person
  noun gives an age ("pt 44", "my grandmother is 78", "my father (72)", "my husband has Ph+ ALL and is 70");
  "CD 44", "day 44", "WBC 44", "44 months", "44%" and a number with a unit that is not years ("80 kilos",
  "165 cm": quantities.yaml ages.not_units) do not. Whose age it is comes from the people rules
  (context.yaml): the relative said to have ALL is the patient ("my niece is 19 and my mother has ALL"), and in
  a follow-up anyone new ("what my 20-year-old cousin got") is not the patient named before. A range is never an age: a closed range ("aged 40-64",
  "15 to 39", "between 40 and 64") sets `age_band` only when it is exactly one band (0-14, 15-39,
  40-64), and an open one ("65+", "65 or older") through the band words.
- Phase precedence: failure to reach CR ("primary induction failure", "did not achieve CR")
  > CR2 (also CR3+) > relapsed (incl. R/R) > "refractory" > post-HSCT > CR1 > newly diagnosed.
  "Molecular relapse" sets MRD positive, not the relapsed phase. "In CR"/"achieved CR" without a
  number counts as CR1. "After/end of induction" is an MRD time point, not a newly-diagnosed cue.
  A denied remission ("no CR2", "without CR2", "not in CR2") is not that phase; a denied CR2 means
  relapsed, and a failed attempt ("failed to achieve / never reached CR2", "CR2 not achieved",
  "no CR2 after salvage") means refractory.
- Transplant: "done" (s/p, underwent, transplanted, post-transplant, "after HSCT" unless phrased
  as a question such as "should we give TKI after HSCT?"; a "post-transplant (Ph+) patient" is
  done even inside such a question; a transplant dated in the past, "allo-SCT 2 months ago", "haplo
  transplant last year", is done) > "planned" > "ineligible" (explicit ineligibility, "cannot be
  transplanted") > "not_done" (did not undergo / get, without / declined / never / no (prior)
  allo-HSCT, the bare "no transplant": none was done, which says nothing of eligibility) > "eligible". A question about transplanting
  ("should she be transplanted?", "has he been transplanted?", "candidate for allo-HSCT?",
  "transplant eligible?") sets nothing; "will be transplanted" is planned. "Fit for transplant"
  also sets fitness "fit"; "unfit for transplant" does not set fitness "unfit" (age alone can make
  a patient transplant-ineligible).
- A TKI counts as prior when the same clause puts it after a history cue (after, failed,
  on, treated with, resistant to, prior, ...) with no question cue (use, switch to, should,
  vs, ...) in between, or when it is followed by failure/resistance/intolerance, or when it
  is listed right after a prior TKI ("prior imatinib, dasatinib").
- MRD change: "BCR::ABL1 / MRD / PCR became (turned, is now) positive|detectable", "MRD
  reappeared", "MRD conversion", "molecular relapse", "rising BCR::ABL1 transcripts" are MRD
  positive ("MRD conversion to negativity" is negative; "for MRD conversion" and "MRD conversion
  rate" are goals or statistics, not results). The MRD time point is the nearest one in the
  result's sentence; a bare relative time ("at 6 months") defers to it, and with none there a
  transplant reported as done before the result makes it post-HSCT.
- MRD level: "<0.01%" / "below 10^-4" is MRD negative with no level; a level above zero sets
  MRD positive unless the text says negative. Negative powers of ten ("10^-4", "1x10^-4",
  "5e-4") are read as MRD levels anywhere; plain percentages only next to "MRD" or BCR::ABL1.
- MRD statements that are not the patient's result set nothing: statistics ("MRD-negative CR
  rate", "rate of MRD negativity", "in 40% of patients"), trial / study statements (a sentence
  naming a trial or "trial/study/cohort" with a report word such as showed, reported, rate,
  higher, or any "randomised"), and a question about what a level means ("Is 10^-4 the same as
  0.01%?", "Does MRD 0.01% count as positive?") unless the clause is about the patient ("was her
  MRD of 0.02% considered positive?"). `read_facts(..., population=True)` keeps the trial
  statements, for reading the population a guideline sentence speaks about.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast, get_args

import yaml

from assistant.concepts import (
    LEXICON_DIR,
    MASK,
    TREATMENT_KINDS,
    Quantity,
    age_bound_phrases,
    age_groups,
    char_runs,
    child_in_a_concern,
    concept_table,
    find_phrases,
    lexicon_file,
    load_lexicon,
    load_units,
    may_mention,
    name_colon,
    number_words,
    patient_is_an_adult_relative,
    phrase_table,
    quantities,
    read_concepts,
    sentences,
    token_spans,
    tokens,
    treatments_in,
    unit_after,
    words_and_signs,
)
from assistant.models import AgeBand, PatientFacts
from assistant.text import ENCLOSED_NUMBERS, SUPERSCRIPTS, names_trial, word_char

__all__ = ["about_a_patient", "age_band", "apply_overrides", "asks_after_transplant", "assumed", "compared_groups", "implications", "implied", "read_facts",
           "supposed_at", "supposed_mrd", "supposed_phase", "named_otherwise", "group_segments", "compares_transplant", "unitless_mrd_level"]

MAX_AGE = 110
_MAX_CHARS = 20_000

# --------------------------------------------------------------------------------------------
# normalisation and shared helpers
# --------------------------------------------------------------------------------------------

_SYMBOLS = str.maketrans(
    {
        "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\ufe63": "-", "\uff0d": "-", "\u00d7": "x", "\u2715": "x", "\u2264": "<=",
        "\u2265": ">=", "\u2018": "'", "\u2019": "'", "\u2032": "'", "\u2192": "->",
    }
)




def _notes_as_prose(text: str) -> str:
    """Key=value notes read as prose ("age=50; ph=neg; lineage=t" -> "age 50; ph-negative; t-all"), "end-of-induction"
    and "non-transplanted" in the reader's words (context.yaml `notes`)."""
    notes = load_lexicon().context.notes
    for key in notes["keys"]:
        text = _replace_key(text, key)
    for old, new in notes["values"].items():
        text = _replace_word(text, old, new)
    return text


def _replace_key(text: str, key: str) -> str:
    out, pos, i = [], 0, text.find(key)
    while i >= 0:
        j = i + len(key)
        while j < len(text) and text[j].isspace():
            j += 1
        if (not i or not word_char(text[i - 1])) and text[j:j + 1] in ("=", ":"):
            j += 1
            while j < len(text) and text[j].isspace():
                j += 1
            if j < len(text) and word_char(text[j]):
                out.append(text[pos:i] + key + " ")
                pos = j
        i = text.find(key, i + 1)
    return "".join(out) + text[pos:]


def _replace_word(text: str, old: str, new: str) -> str:
    """Whole-word occurrences of `old` replaced ("end-of-" also before a word; a sign written apart, "ph +", only
    before a space, the end or , ; . ))."""
    out, pos, i = [], 0, text.find(old)
    while i >= 0:
        j = i + len(old)
        after = text[j:j + 1]
        left = not i or not word_char(text[i - 1]) or not word_char(old[0])
        if old[-1] in "+-" and old[-2:-1] == " ":  # a sign written apart ("ph +")
            right = after in ("", " ", ",", ";", ".", ")") or after.isspace()
        else:
            right = not (after and word_char(after) and word_char(old[-1]))
        if left and right and i >= pos:
            out.append(text[pos:i] + new)
            pos = j
        i = text.find(old, i + 1)
    return "".join(out) + text[pos:]


def _tag_end(text: str, i: int) -> int | None:
    """The end of an HTML tag ("<b>", "</i>", "<br />") starting at `i`, or None."""
    j = i + 1 + (text[i + 1:i + 2] == "/")
    if not ("a" <= text[j:j + 1] <= "z"):
        return None
    k = j + 1
    while k < len(text) and k - j <= 9 and ("a" <= text[k] <= "z" or "0" <= text[k] <= "9"):
        k += 1
    while k < len(text) and text[k].isspace():
        k += 1
    k += text[k:k + 1] == "/"
    return k + 1 if text[k:k + 1] == ">" else None


def _without_tags(text: str) -> str:
    """HTML tags pasted with a question replaced by a space."""
    out, pos, i = [], 0, text.find("<")
    while i >= 0:
        end = _tag_end(text, i)
        if end:
            out.append(text[pos:i] + " ")
            pos = end
        i = text.find("<", end or i + 1)
    return "".join(out) + text[pos:]


def _replace_phrases(text: str, group: str, new: dict[str, str]) -> str:
    """`text` with each phrase of context.yaml's phrases[group] named in `new` replaced, left to right."""
    out, pos = [], 0
    for a, b, name in _hits(text, group):
        if name in new and a >= pos:
            out.append(text[pos:a] + new[name])
            pos = b
    return "".join(out) + text[pos:]


def _prepare(text: str) -> str:
    text = text[:_MAX_CHARS].translate(SUPERSCRIPTS).translate(ENCLOSED_NUMBERS)
    text = unicodedata.normalize("NFKC", text).translate(_SYMBOLS).lower()
    return _without_tags(text.replace("^^", "^"))


def _patient_nouns(text: str) -> tuple[str, ...]:
    """The person nouns naming the patient in a message ("my mother is 62 ..." -> ("mother",))."""
    return tuple(m.surface for m in read_concepts(_prepare(text)).mentions
                 if m.kind == "person" and not m.other_person and m.concept in _PATIENT_PERSONS)


_PATIENT_PERSONS = frozenset({"relative", "acquaintance", "child"})


def _normalise(text: str, known: tuple[str, ...] | None = None) -> str:
    text = number_words(_prepare(text))  # ("is seventy-one": an age the people rules can give its owner)
    # lay words and misspellings -> canonical terms; others' facts masked
    text = read_concepts(text, known=known).text.lower()
    text = _notes_as_prose(text)
    text = number_words(text)
    text = _replace_phrases(text, "markers", {"isoform": "bcr-abl1 positive", "test_shows": "bcr-abl1 positive",
                                              "cd19_lost": "cd19 negative", "cd22_lost": "cd22 negative"})
    lead, trail = " " if text[:1].isspace() else "", " " if text[-1:].isspace() and text.strip() else ""
    return lead + " ".join(text.split()) + trail  # (runs of white space as one space)


_CLAUSE_SIGNS = frozenset(".;!?,()[]\n")
_CLAUSE_WORDS = frozenset({"but", "however", "whereas", "although"})


def _clause_cut(seg: str) -> int:
    """Where the last clause of `seg` starts: after the last of . ; ! ? , ( ) [ ] a line end, a dash between spaces,
    or but / however / whereas / although."""
    cut, i, n = 0, 0, len(seg)
    while i < n:
        c = seg[i]
        if c in _CLAUSE_SIGNS:
            cut = i + 1
        elif c.isspace() and seg[i + 1:i + 2] == "-":
            j = i + 1
            while j < n and seg[j] == "-":
                j += 1
            if j < n and seg[j].isspace():
                cut, i = j + 1, j + 1
                continue
        elif word_char(c) and (not i or not word_char(seg[i - 1])):
            j = i
            while j < n and word_char(seg[j]):
                j += 1
            if seg[i:j] in _CLAUSE_WORDS:
                cut = j
            i = j
            continue
        i += 1
    return cut


def _before(t: str, start: int, width: int = 60) -> str:
    """The text before `start` back to the nearest clause boundary (at most `width` chars)."""
    seg = t[max(0, start - width) : start]
    return seg[_clause_cut(seg):]


def _runs(text: str) -> int:
    """The number of runs of word characters and / : + - in a text ("no ph+ b-all" -> 3)."""
    count, inside = 0, False
    for c in text:
        part = word_char(c) or c in "/:+-"
        count += part and not inside
        inside = part
    return count


def denied_at(t: str, start: int, end: int) -> bool:
    """The finding at t[start:end] is said absent: a negation just before it ("no KMT2A rearrangement") or a negative
    sign right after it ("KMT2A negative")."""
    return _negated(_before(t, start)) or _sign(t, end) == -1


def _negated(pre: str) -> bool:
    """A negation (context.yaml phrases.negation) followed by at most three words ends `pre`."""
    return any(end == len(pre) or not word_char(pre[end]) and _runs(pre[end:]) <= 3
               for _, end, _ in _hits(pre, "negation"))


@lru_cache(maxsize=8192)
def _hits(text: str, group: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, name) of every phrase of context.yaml's phrases[group] in `text` (memoised: the readers look at
    the same clauses again)."""
    return tuple(find_phrases(text, phrase_table(group)))


def _starting(text: str, pos: int, group: str) -> list[tuple[int, str]]:
    """(end, name) of the phrases of context.yaml's phrases[group] starting at `pos`."""
    return [(b, n) for a, b, n in _hits(text[pos:pos + 60], group) if a == 0]


def _sign(t: str, end: int, extra: str | None = None) -> int | None:
    """The result written right after a marker ending at `end` (context.yaml phrases.signs, and the `extra` group's):
    +1 positive, -1 negative, 0 unknown or pending, None when there is none ("Ph+", "CD19 is dim", "T315I not
    detected", "BCR-ABL1 status pending")."""
    nxt = t[end + 1:end + 2]
    if t[end:end + 1] == "-" and not (nxt.isascii() and nxt.isalnum() or nxt == ">"):
        return -1
    pos, verbs = end, 0
    for _ in range(12):
        while pos < len(t) and t[pos].isspace():
            pos += 1
        found = _sign_at(t, pos, extra)
        if found is not None:
            return found
        if t[pos:pos + 1] in (":", "-", ")"):  # (")": "test (MRD) found")
            pos += 1
            continue
        filler = max((b for b, n in _starting(t, pos, "signs") if n == "filler" and not verbs), default=0)
        verb = max((b for b, n in _starting(t, pos, "signs") if n == "verb"), default=0) if verbs < 3 else 0
        if not (filler or verb):
            return None
        verbs += not filler
        pos += filler or verb
    return None


_SIGN_VALUE = {"pos": 1, "neg": -1, "unk": 0}


def _sign_at(t: str, pos: int, extra: str | None) -> int | None:
    if t[pos:pos + 1] in "+-" and t[pos + 1:pos + 2].isdigit():
        return None  # a signed number is no result ("undetectable by PCR at day +100", r92 q03)
    found = [(b, n) for b, n in _starting(t, pos, "signs") if n in _SIGN_VALUE]
    if extra:
        found += _starting(t, pos, extra)
    if found:
        order = ("pos", "neg", "unk")  # (the regex's alternation order: the first that matches)
        return _SIGN_VALUE[min(found, key=lambda f: order.index(f[1]))[1]]
    return _share_sign(t, pos) if extra == "signs_cd" else None


def _share_sign(t: str, pos: int) -> int | None:
    """A CD expression share written after the marker ("CD19 expression of ~40%": +1, "CD22 0%": -1)."""
    items = words_and_signs(t[pos:pos + 40])
    k = 0
    for optional in ({"expression"}, {"of", ":", "=", "in"}, {"~", "≈", "about", "approx", "around"}, {"."}):
        k += k < len(items) and items[k][1] in optional
    if k >= len(items) or not items[k][1].isdigit():
        return None
    whole, k = items[k][1], k + 1
    frac = ""
    if k + 1 < len(items) and items[k][1] == "." and items[k + 1][1].isdigit():
        frac, k = items[k + 1][1], k + 2
    if k >= len(items) or items[k][1] != "%":
        return None
    if whole != "0" and whole[0] != "0":
        return 1
    return -1 if whole == "0" and set(frac) <= {"0"} else None


def _one(values: set[Any]) -> Any:
    """The single value of a set, or None when empty or contradictory."""
    return next(iter(values)) if len(values) == 1 else None


# --------------------------------------------------------------------------------------------
# age
# --------------------------------------------------------------------------------------------

_NOT_BEFORE_A_NUMBER = ".,^/;+<>=~"  # a number right after these is part of another notation ("0.5", "1/100", "<65")


@dataclass(frozen=True)
class _Range:
    """A closed range of numbers ("40-64", "15 to 39", "between 40 and 64"): `start` includes "between"."""

    start: int
    lo_start: int
    end: int
    lo: int
    hi: int
    joined_by_and: bool
    between: bool


def _digit_runs(t: str) -> list[tuple[int, int]]:
    """(start, end) of each run of digits."""
    return char_runs(t, str.isdigit)


def _starts_a_number(t: str, a: int, b: int, also: str = "") -> bool:
    """t[a:b] is a number of one to three digits starting a word, not after a decimal point, a slash, a comparison
    sign ... (or a character of `also`)."""
    prev = t[a - 1:a]
    return b - a <= 3 and not (prev and (word_char(prev) or prev in _NOT_BEFORE_A_NUMBER + also))


def _range_at(t: str, a: int, b: int) -> _Range | None:
    """The range starting with the number t[a:b]: "-", "to", "through" or "and", then a number of one to three
    digits not followed by % or a decimal."""
    if not _starts_a_number(t, a, b):
        return None
    i = b
    while i < len(t) and t[i].isspace():
        i += 1
    sep = next((s for s in ("-", "to", "through", "and") if t.startswith(s, i)), None)
    if sep is None:
        return None
    c = i + len(sep)
    while c < len(t) and t[c].isspace():
        c += 1
    e = c
    while e < len(t) and t[e].isdigit():
        e += 1
    if not 1 <= e - c <= 3 or t[e:e + 1] == "%" or t[e:e + 1] in (".", ",") and t[e + 1:e + 2].isdigit():
        return None
    head = t[:a].rstrip()
    between = head.endswith("between") and len(head) < a and not word_char(head[-8:-7] or " ")
    return _Range(start=len(head) - 7 if between else a, lo_start=a, end=e, lo=int(t[a:b]), hi=int(t[c:e]),
                  joined_by_and=sep == "and", between=between)


def _bare_years(t: str) -> list[tuple[int, int, int, int]]:
    """(start, end of the number, end of the unit, number) of "72 years", "72yrs", "72-yr" (a number and a word
    for years)."""
    out = []
    for a, b in _digit_runs(t):
        if not _starts_a_number(t, a, b, "-") or t[b:b + 1] == "." and t[b + 1:b + 2].isdigit():
            continue
        i = b
        while i < len(t) and t[i].isspace():
            i += 1
        i += t[i:i + 1] == "-"
        while i < len(t) and t[i].isspace():
            i += 1
        j = i
        while j < len(t) and t[j].isascii() and t[j].isalnum():
            j += 1
        if t[i:j] in _fact_words()["age_years"]:
            out.append((a, b, j, int(t[a:b])))
    return out


#: A closed range sets a band only when it is exactly that band.
_RANGE_BANDS: dict[tuple[int, int], AgeBand] = {(0, 14): "child", (15, 39): "aya", (40, 64): "40-64"}


def _unit_follows(t: str, end: int) -> bool:
    """A unit right after the number ending at `end` makes it no age ("44 months", "44 mg", "44%", "x10^9", "2 years
    after HSCT"; context.yaml facts.age_units, age_years, age_years_span)."""
    words = _fact_words()
    rest = t[end:end + 40].lstrip()
    if rest[:1] == "-":  # ("2-year"): only years may follow a dash
        rest = rest[1:].lstrip()
    elif rest[:1] and not word_char(rest[0]) and rest[0] in words["age_units"] or _first_word(rest) and _skippable(
            _first_word(rest), words["age_units"]):
        return True
    first = _first_word(rest)
    if first not in words["age_years"] or not rest[len(first):len(first) + 1].isspace():
        return False
    span = _first_word(rest[len(first):])
    return span in words["age_years_span"] and not (
        span == "of" and _first_word(rest[len(first):].lstrip()[len(span):]) == "age")


def _open_range_after(t: str, end: int) -> bool:
    """ "65+", "65 or older", "40 and over": the number ending at `end` is the lower bound of an open range."""
    return _starts_with(t[end:end + 40], "age_words", "open")


_QUALIFIER_SPAN = {None: (0, 9), "early": (0, 3), "mid": (3, 6), "late": (6, 9)}

def age_band(age: int) -> AgeBand:
    """The guideline's age band for an age in years.

    >>> [age_band(a) for a in (8, 15, 39, 40, 64, 65)]
    ['child', 'aya', 'aya', '40-64', '40-64', '65+']
    """
    if age < 0:
        raise ValueError(f"age must be >= 0, got {age}")
    if age < 15:
        return "child"
    if age < 40:
        return "aya"
    if age < 65:
        return "40-64"
    return "65+"


def _age_ranges(t: str) -> list[_Range]:
    """Closed ranges of plausible ages ("40-64", "15 to 39", "between 40 and 64")."""
    ranges, done = [], 0
    for a, b in _digit_runs(t):
        m = _range_at(t, a, b) if a >= done else None
        if m is None:
            continue
        done = m.end
        if m.joined_by_and and not m.between:
            continue  # "72 and 45" is two numbers, "between 40 and 64" is a range
        if m.lo < m.hi <= MAX_AGE:
            ranges.append(m)
    return ranges


def _range_band(t: str, ranges: list[_Range]) -> set[AgeBand]:
    bands: set[AgeBand] = set()
    for m in ranges:
        band = _RANGE_BANDS.get((m.lo, m.hi))
        if band and _last_word(t[max(0, m.start - 15):m.start]) not in _fact_words()["not_range_before"] and not (
            _unit_follows(t, m.end) or _open_range_after(t, m.end)
        ):
            bands.add(band)
    return bands


def _summary_or_limit(t: str, start: int) -> bool:
    """A population summary ("median age 45") or a limit ("up to age 30", "under the age of 25") written just before
    an age (quantities.yaml: ages.summary_before, ages.limit_before)."""
    ages = load_units().ages
    i = start
    while i > max(0, start - 12) and not word_char(t[i - 1]):
        i -= 1
    if any(_word_ends(t, i, w, max(0, start - 12)) for w in ages["summary_before"]):
        return True
    i = start
    while i > max(0, start - 20) and t[i - 1].isspace():
        i -= 1
    if _word_ends(t, i, "the", max(0, start - 20)) and i < start:
        i -= 3
        while i > max(0, start - 20) and t[i - 1].isspace():
            i -= 1
    return any(_word_ends(t, i, w, max(0, start - 20)) for w in ages["limit_before"])


def _word_ends(t: str, i: int, word: str, lo: int) -> bool:
    """`word` ends at `i` and starts at a word boundary, not before `lo`."""
    a = i - len(word)
    return a >= lo and t.startswith(word, a) and not (a and word_char(t[a - 1]))


def _last_word(text: str) -> str:
    """The last word of a text, past any trailing punctuation and spaces."""
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] == "_"):
        end -= 1
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end]


def _age_candidates(t: str, ranges: list[_Range] | None = None) -> list[tuple[int, int]]:
    """(position, age) pairs for every accepted age phrase, leaving out the bounds of age ranges
    ("aged 40-64") and of open ranges ("65+", "65 or older")."""
    found: list[tuple[int, int, int]] = []  # (start, end, age) of the number
    coming = set()  # ("he turns 40 in three weeks": an age to come, not the patient's now; no other reader's either)
    for q in quantities(t):
        if q.kind == "age" and q.notation == "coming":
            coming.add(q.number[0])
        if q.kind != "age" or q.notation == "coming":
            continue
        (a, b), age = q.number, int(q.value)
        if q.notation in ("sex", "sex_glued"):
            pre = t[max(0, a - 15):a]
            # "for 40M": a sex letter glued to the number names a person whatever precedes it
            if _last_word(pre) in _fact_words()["not_age_before"] and not (
                    q.notation == "sex_glued" and _last_word(pre) == "for"):
                continue
        elif q.notation == "aged" and (_unit_follows(t, b) or _summary_or_limit(t, q.start)):
            continue  # "aged 5 years after HSCT", "median age 45", "up to age 30": not the patient's age
        found.append((a, b, age))
    for start, number_end, end, number in _bare_years(t):
        pre = _before(t, start, 30)
        opens = not any(word_char(c) for c in pre) or _last_word(pre) in _fact_words()["bare_years_after"]
        # ("how long should maintenance last? 2 years? 3?": a span asked about, not an age)
        if opens and _first_word(t[end:end + 30]) not in _fact_words()["bare_years_not_before"] \
                and not t[end:].lstrip().startswith("?"):
            found.append((start, number_end, number))
    found += _elided_ages(t)
    found += [(a, b, age) for a, b, age in (*_stated_ages(t), *_paren_ages(t), *_pt_bare_ages(t), *_diagnosed_at(t),
                                            *_at_ages(t))
              if not _unit_follows(t, b)]
    found += _joined_ages(t, found)
    spans = [(r.lo_start, r.end) for r in (_age_ranges(t) if ranges is None else ranges)]
    ages = [(a, age) for a, b, age in found  # ("he is 80 kilos": a weight, not an age)
            if a not in coming and not any(lo <= a < hi for lo, hi in spans) and not _open_range_after(t, b) and not unit_after(t, b)]
    return sorted(p for p in ages if 0 <= p[1] <= MAX_AGE)


def _is_person(items: list[tuple[int, str]], k: int) -> bool:
    """items[k] names a person whose age may follow ("she", "my father", "mother-in-law")."""
    if k >= 4 and items[k][1] == "law" and [w for _, w in items[k - 3:k]] == ["-", "in", "-"]:
        k -= 4
    return k >= 0 and _skippable(items[k][1], _fact_words()["age_persons"])


def _number_at(t: str, pos: int) -> tuple[int, int] | None:
    """(end, value) of a one- to three-digit number at `pos` not followed by a digit, % or a decimal ("45", "45yo")."""
    end = pos
    while end < len(t) and t[end].isdigit():
        end += 1
    if not 1 <= end - pos <= 3 or t[end:end + 1] == "%" or t[end:end + 1] in ".," and t[end + 1:end + 2].isdigit():
        return None
    return end, int(t[pos:end])


def _diagnosed_at(t: str) -> list[tuple[int, int, int]]:
    """(start, end, age) of an age at diagnosis ("I was just diagnosed with B-ALL at 37"): "at" and a number, the
    diagnosis named earlier in its clause; or the age a treatment is asked for, the number closing the question
    ("can I have CAR-T at 38?", "allo-HSCT still possible at 67?")."""
    out = []
    for a, b, name in _hits(t, "age_words"):
        if name != "at" or not t[b:b + 1].isspace() or not t[b + 1:b + 2].isdigit():
            continue
        number = _number_at(t, b + 1)
        if number and (_phrase(_before(t, a, 60), "diagnosed", "age_words") or _treatment_at_age(t, a, *number)):
            out.append((b + 1, number[0], number[1]))
    return out


def _treatment_at_age(t: str, at: int, end: int, number: int) -> bool:
    """ "<treatment> at <number>?" closing a question, an adult's age: the age a treatment is asked for (not a
    statement's "... the recommended next step, just as it would be at 50.")."""
    closes = t[end:].lstrip()[:1] == "?"
    clause = t[_sentence_span(t, at)[0]:at]
    return closes and 15 <= number <= MAX_AGE and bool(treatments_in(clause))


def _stated_ages(t: str) -> list[tuple[int, int, int]]:
    """(start, end, age) of an age stated after a person ("she is 58", "he's 72", "I'm 45", "my dad turned 70")."""
    out = []
    for a, b, name in _hits(t, "age_words"):
        lo = max(0, a - 30)
        items = words_and_signs(t[lo:b])
        k = next((i for i, (p, _) in enumerate(items) if lo + p == a), -1) - (name == "stated")
        if name not in ("stated", "im") or k < 0 or not _is_person(items, k) or not t[b:b + 1].isspace():
            continue
        rest = words_and_signs(t[b:b + 40])
        j = int(bool(rest) and rest[0][1] == "now")
        j += j < len(rest) and rest[j][1] in _fact_words()["age_hedges"]
        number = _number_at(t, b + rest[j][0]) if j < len(rest) and rest[j][1][:1].isdigit() else None
        out += [(b + rest[j][0], number[0], number[1])] if number else []
    return out


def _at_ages(t: str) -> list[tuple[int, int, int]]:
    """(start, end, age) of an age after "at" in a clause naming the patient or the disease ("my dad has Ph-negative
    ALL at 70", "ALL at 70: what treatment?"; quantities.yaml ages.at_after): not a limit ("a cut-off at 65"), a
    time ("at 18 months") or a level ("at 10^-4")."""
    ages = load_units().ages
    items = words_and_signs(t)
    out = []
    for k, (pos, word) in enumerate(items[:-1]):
        if word != "at" or not items[k + 1][1].isdigit():
            continue
        start = items[k + 1][0]
        number = _number_at(t, start)
        if number is None or not 15 <= number[1] <= MAX_AGE or t[number[0]:number[0] + 1] in ("^", "-", "x", "×", "/"):
            continue
        clause = [w for _, w in items[max(0, k - 8):k] if w not in (",",)]
        if not set(clause) & set(ages["at_after"]) or set(clause[-2:]) & set(ages["limit_before"]):
            continue
        out.append((start, number[0], number[1]))
    return out


def _paren_ages(t: str) -> list[tuple[int, int, int]]:
    """(start, end, age) of an age in brackets after a person ("my father (72)", "patient (52, F)", "male (60 y)")."""
    out = []
    items = words_and_signs(t)
    for k, (pos, word) in enumerate(items[:-2]):
        if word != "(" or not (_is_person(items, k - 1) or k and items[k - 1][1] in ("male", "female")):
            continue
        start = items[k + 1][0]
        number = _number_at(t, start) if items[k + 1][1].isdigit() else None
        if not number:
            continue
        j = k + 2
        j += j < len(items) and items[j][1] in ("y", "yo", "yr", "yrs", "year", "years")
        if j < len(items) and items[j][1] == "/" and items[j - 1][1] == "y":
            j += 2
        if j < len(items) and items[j][1] in (")", ",", "/", ";"):
            out.append((start, number[0], number[1]))
    return out


def _pt_bare_ages(t: str) -> list[tuple[int, int, int]]:
    """(start, end, age) of a bare number after "pt" / "patient" ("pt 44 ph neg ..."; not "patient 12 of 20")."""
    out = []
    items = words_and_signs(t)
    for k, (pos, word) in enumerate(items[:-1]):
        if word not in ("pt", "patient"):
            continue
        j = k + 1 + (items[k + 1][1] == ":")
        if j >= len(items) or not t[items[j][0] - 1:items[j][0]].isspace():
            continue
        start = items[j][0]
        number = _number_at(t, start) if items[j][1].isdigit() else None
        if not number or number[1] < 10 or t[start] == "0":
            continue
        nxt = [w for _, w in items[j + 1:j + 3]]
        if nxt[:1] in (["of"], ["/"]) or nxt[:1] in (["-"], ["to"], ["and"]) and nxt[1:2] and nxt[1][:1].isdigit():
            continue
        out.append((start, number[0], number[1]))
    return out


def _joined_ages(t: str, found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """(start, end, age) of a bare number joined to an age by a comparing word ("aged 70 versus 45", "aged 60 or
    70": context.yaml compares.joins_ages), not followed by a unit.

    >>> _joined_ages("ph+ all in a patient aged 70 versus 45: how?", [(26, 28, 70)])
    [(36, 38, 45)]
    """
    out = []
    joins = load_lexicon().context.compares["joins_ages"]
    for _, b, _ in found:
        rest = t[b:b + 20]
        word = rest.split()[0].strip(",") if rest.split() else ""
        if word not in joins:
            continue
        k = b + rest.index(word) + len(word)
        pos = k + len(t[k:]) - len(t[k:].lstrip())
        number = _number_at(t, pos)
        if number and not _unit_follows(t, number[0]) and not unit_after(t, number[0]):
            out.append((pos, number[0], number[1]))
    return out


def _elided_ages(t: str) -> list[tuple[int, int, int]]:
    """(start, end, age) of an age later in a sentence whose subject is the patient, the subject left out ("patient has
    relapsed B-ALL and is 44"); a person's own noun is read by the concept layer (context.yaml: people.age_later)."""
    out = []
    toks, spans = tokens(t), token_spans(t)
    for i, cue in _find_cues(toks, load_lexicon().context.people["age_later"]):
        j = i + len(cue)
        if j >= len(toks) or not toks[j][:1].isdigit():
            continue
        number = _number_at(t, spans[j][0])
        lo = _sentence_span(t, spans[i][0])[0]
        head = t[lo:spans[i][0]]
        if number and _subject_is_a_person(head) and MASK not in _words(head) and not _unit_follows(t, number[0]):
            out.append((spans[j][0], number[0], number[1]))
    return out


def _find_cues(toks: list[str], cues: tuple[tuple[str, ...], ...]) -> list[tuple[int, tuple[str, ...]]]:
    """(token index, cue) of each cue, longest first at each token."""
    by_first = _cues_by_first(cues)
    out = []
    for i, tok in enumerate(toks):
        cue = next((c for c in by_first.get(tok, ()) if tuple(toks[i:i + len(c)]) == c), None)
        out += [(i, cue)] if cue else []
    return out


@lru_cache(maxsize=64)
def _cues_by_first(cues: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The cues by their first token, in their order (so the first cue matching at a token stays the first)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for c in cues:
        if not c:  # (an empty cue matches at every token but is never reported: no cue after it is either)
            break
        out.setdefault(c[0], []).append(c)
    return {k: tuple(v) for k, v in out.items()}


def _subject_is_a_person(head: str) -> bool:
    """The sentence opens with a person as its subject ("the patient has ...", "she was diagnosed ...")."""
    items = words_and_signs(head)
    while items and not items[0][1][0].isalnum():
        items = items[1:]
    k = int(bool(items) and items[0][1] in _fact_words()["determiners"])
    return k < len(items) and _is_person(items, k)


def _decades(t: str) -> list[tuple[int, str | None]]:
    """(decade, qualifier) of each decade phrase ("in her late 50s" -> (50, "late"), "early sixties", "70s man")."""
    words = [w for _, w in words_and_signs(t)]
    out, k = [], 0
    while k < len(words):
        j, qualifier = k, None
        if words[k] == "in" and words[k + 1:k + 2] and words[k + 1] in ("his", "her", "their"):
            j = k + 2
        if words[j:j + 1] and words[j] in ("early", "mid", "late"):
            qualifier, j = words[j], j + 1 + (words[j + 1:j + 2] == ["-"])
        decade, after = _decade_at(words, j)
        if decade and (j > k or qualifier or (after < len(words) and words[after] in _fact_words()["decade_persons"]
                                              or _set_apart(words, j, after))
                       and 20 <= decade <= 90 and not words[j].isalpha()):
            out.append((decade, qualifier))
            k = after
            continue
        k += 1
    return out


def _set_apart(words: list[str], j: int, after: int) -> bool:
    """The words j..after stand alone between signs, as an item of a case list ("Ph+ ALL, 40s, fit").

    >>> _set_apart(["all", ",", "40s", ",", "fit"], 2, 3), _set_apart(["the", "40s"], 1, 2)
    (True, False)
    """
    return (j == 0 or not words[j - 1][0].isalnum()) and (after >= len(words) or not words[after][0].isalnum())


def _decade_at(words: list[str], j: int) -> tuple[int, int]:
    """(decade, index after it) of "50s", "50's", "fifties" at words[j], else (0, j)."""
    w = words[j] if j < len(words) else ""
    table = _decade_table()
    if w in table:
        return table[w], j + 1
    if len(w) == 3 and w.endswith("s") and w[0] in "123456789" and w[1] == "0":
        return int(w[:2]), j + 1
    if len(w) == 2 and w[0] in "123456789" and w[1] == "0" and words[j + 1:j + 3] == ["'", "s"]:
        return int(w), j + 3
    return 0, j


@lru_cache(maxsize=1)
def _decade_table() -> dict[str, int]:
    return {str(k): int(v) for k, v in lexicon_file(LEXICON_DIR, "context.yaml")["facts"]["decade_words"].items()}


def _first_word(text: str) -> str:
    """The word opening `text` past spaces ("" when a sign comes first)."""
    text = text.lstrip()
    end = 0
    while end < len(text) and (word_char(text[end]) or (  # (an apostrophe inside a word: "isn't")
            text[end] in "'’" and end and end + 1 < len(text) and word_char(text[end + 1]))):
        end += 1
    return text[:end].replace("’", "'")


def _decade_band(t: str) -> AgeBand | None:
    bands: set[AgeBand] = set()
    for decade, qualifier in _decades(t):
        lo_off, hi_off = _QUALIFIER_SPAN[qualifier]
        lo, hi = decade + lo_off, decade + hi_off
        if decade == 10:
            lo, hi = max(lo, 13), max(hi, 13)
        if hi > MAX_AGE:
            continue
        if age_band(lo) == age_band(hi):
            bands.add(age_band(lo))
        else:
            return None
    return _one(bands)


def _read_age(t: str) -> tuple[int | None, AgeBand | None]:
    """
    >>> _read_age("pt turns 26 next month, cd19+ b-all"), _read_age("he is 25 and turns 26 in march")
    ((25, 'aya'), (25, 'aya'))
    """
    if _has_short_number(t):
        ranges = _age_ranges(t)
        ages = _age_candidates(t, ranges)
        coming = next((q for q in quantities(t) if q.notation == "coming"), None)
    else:  # (every age, age range and coming age is a number of one to three digits: "jsh 2023" has none)
        ranges, ages, coming = [], [], None
    if coming and (not ages or ages[0][1] == int(coming.value)) and not (ages and ages[0][0] < coming.start):
        age = int(coming.value) - 1
        return age, age_band(age)
    if ages:
        return ages[0][1], age_band(ages[0][1])
    if _decades(t):
        return None, _decade_band(t)
    bands = {cast(AgeBand, band) for _, band in age_groups(t)} | _range_band(t, ranges)
    if "child" in bands and ({"adult", "adults"} & _words(t) or patient_is_an_adult_relative(read_concepts(t).mentions)):
        bands.discard("child")  # "in adults vs children", "adult ALL ... children": a comparison, not a child; "my
        # brother has ALL ... my own kids": the kids are not the patient
    if "child" in bands and child_in_a_concern(t):
        bands.discard("child")  # "will the transplant mean I can't have children?" asks about fertility
    return None, _one(bands)


def _read_age_bounds(t: str) -> list[AgeBand]:
    """The adult age bands an age range open at one end allows ("ph+ all under 65": aya and 40-64; "aged 40 or
    older": 40-64 and 65+), the range said of people (a word beside it: quantities.yaml ages.bound_people, "wbc over
    50" is no age); [] for ranges compared ("<65 vs >=65") or a number with a unit after it ("under 20%").

    >>> _read_age_bounds("ph+ all under 65, induction?"), _read_age_bounds("under 25 for car-t?")
    (['aya', '40-64'], [])
    >>> _read_age_bounds("blasts under 20%"), _read_age_bounds("<65 vs >=65: does induction differ?")
    ([], [])
    >>> _read_age_bounds("wbc over 50 in b-all"), _read_age_bounds("ph- all aged 40 or older: hd-mtx?")
    ([], ['40-64', '65+'])
    """
    if not _has_short_number(t) or len({label for _, label in age_groups(t, "groups")}) >= 2:
        return []
    people = set(load_units().ages["bound_people"])
    allowed: set[AgeBand] | None = None
    for start, end, kind in age_bound_phrases(t):
        beside = {_last_word(t[:start].rstrip(" ,:;")), _first_word(t[end:].lstrip(" ,:;"))}
        if _unit_follows(t, end) or not (beside & people or t[start:end].startswith("aged")):
            continue
        bound = int("".join(c if c.isdigit() else " " for c in t[start:end]).split()[0])
        ages = range(15, bound) if kind == "below" else range(bound, MAX_AGE + 1)
        bands = {age_band(a) for a in ages}
        allowed = bands if allowed is None else allowed & bands
    return [b for b in _ADULT_BANDS if b in allowed] if allowed and len(allowed) < len(_ADULT_BANDS) else []


#: The adult age bands, youngest first.
_ADULT_BANDS: tuple[AgeBand, ...] = tuple(b for b in get_args(AgeBand) if b != "child")


def _has_short_number(t: str) -> bool:
    """A run of one to three digits in the text: what every age reader starts at (a year, "2023", is no age)."""
    return any(map(str.isdigit, t)) and any(b - a <= 3 for a, b in _digit_runs(t))


def _words(t: str) -> set[str]:
    """The words of a text (runs of letters and digits)."""
    return set("".join(c if c.isalnum() else " " for c in t).split())


def _compares(t: str) -> bool:
    """The text compares ages or groups ("vs", "compared", "what if", "64 at diagnosis but 65 now"): the cue words
    of context.yaml's `compares`."""
    cues = load_lexicon().context.compares
    words = "".join(c if c.isalnum() else " " for c in t).split()
    return bool(set(words) & set(cues["words"])) or any(w.startswith(cues["prefixes"]) for w in words) or any(
        (a, b) in cues["pairs"] for a, b in zip(words, words[1:]))


def compared_ages(question: str) -> list[str]:
    """The ages or age groups a question compares across the algorithm's groups ("aged 60 vs one aged 70",
    "<65 vs >=65", "AYA vs 40-64 vs >=65", "if he were 50 instead? and 68?"); else [].

    >>> compared_ages("Compare induction for a Ph+ ALL patient aged 60 vs one aged 70.")
    ['60', '70']
    >>> compared_ages("Compare Ph+ ALL in patients <65 vs >=65.")
    ['under 65', '65 or older']
    >>> compared_ages("How are Ph-negative AYA vs 40-64 vs >=65 patients treated?")
    ['AYA', '40 to 64', '65 or older']
    >>> compared_ages("72F Ph+ ALL, diagnosed at 70"), compared_ages("60yo vs 62yo Ph+ ALL")
    ([], [])
    >>> compared_ages("39 y/o ph neg b-all - does he fall in the AYA arm or the 40-64 arm?")
    []
    """
    t = _normalise(question)
    if not _compares(t):
        return []
    ages = list(dict.fromkeys(a for _, a in _age_candidates(t)))
    if len({age_band(a) for a in ages}) >= 2:
        return [str(a) for a in ages]
    if ages:  # "39 y/o: AYA arm or 40-64 arm?": one patient; the groups are what is asked about
        return []
    labels = list(dict.fromkeys(label for _, label in sorted(age_groups(t, "groups"))))
    return labels if len(labels) >= 2 else []


# --------------------------------------------------------------------------------------------
# Ph status, lineage, CD19 / CD22
# --------------------------------------------------------------------------------------------

def _cue_after(t: str, end: int, name: str, skip: str = " \t") -> bool:
    """A cue of context.yaml's phrases.after[name] starts right after `end` (past the characters in `skip`)."""
    i = end
    while i < len(t) and t[i] in skip:
        i += 1
    window = t[i:i + 40]
    return any(a == 0 and n == name for a, _, n in _hits(window, "after"))


def _cue_before(pre: str, name: str, words_after: int = 0, group: str = "before") -> bool:
    """A cue of context.yaml's phrases.before[name] ends `pre`, followed by at most `words_after` words (each followed
    by a non-word character) and non-word characters ("has the ", "positive for both ")."""
    for _, end, n in _hits(pre, group):
        if n != name or end < len(pre) and word_char(pre[end]):
            continue
        rest = pre[end:]
        words = [w for _, w in words_and_signs(rest) if word_char(w[0])]
        if len(words) <= words_after and (not words or not word_char(rest[-1:])):
            return True
    return False


def _not_known(t: str, start: int, end: int) -> bool:
    """The asker does not know the result named at `start:end`: a cue (context.yaml phrases.markers.unknown) before
    it in its clause, or one of `unknown_after` at most one word after it ("ph status unknown", "ph or not").

    >>> _not_known("i don't know if his type is philadelphia or not.", 28, 40)
    True
    >>> _not_known("we know he is philadelphia positive.", 14, 26), _not_known("ph+ all, i do not know the mrd", 0, 3)
    (False, False)
    """
    lo = _sentence_span(t, start)[0]
    lo += _clause_start(t[lo:start], ",:;()\n")
    after = t[end:end + 30]
    return any(n == "unknown" for _, _, n in _hits(t[lo:start], "markers")) or any(
        n == "unknown_after" and _runs(after[:a]) <= 1 for a, _, n in _hits(after, "markers"))


def _pending_after(t: str, end: int) -> bool:
    """A "pending" cue within 30 characters of words, spaces and : / ( ) - after a Ph term ("PCR still pending")."""
    stop = end
    while stop < len(t) and stop - end < 30 and (word_char(t[stop]) or t[stop].isspace() or t[stop] in ":/()-"):
        stop += 1
    window = t[end:stop + 20]
    return any(n == "pending" and a <= stop - end and (not a or not word_char(window[a - 1]))
               for a, _, n in _hits(window, "markers"))


def _terms(t: str, group: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of the phrases of context.yaml's phrases[group] in `t`, leftmost and longest first, not
    overlapping."""
    out: list[tuple[int, int, str]] = []
    for a, b, name in sorted(_hits(t, group), key=lambda h: (h[0], -h[1])):
        if not out or a >= out[-1][1]:
            out.append((a, b, name))
    return out


def _after_transplant(t: str, start: int) -> bool:
    """The BCR::ABL1 result at `start` is dated after a transplant in its own clause ("after allo-HSCT BCR::ABL1
    negative", "post-transplant BCR::ABL1 positive"): a monitoring result of Ph-positive disease, not a Ph status."""
    clause = t[max(0, start - 40):start]
    clause = clause[_clause_start(clause, ",;:", full_stop=True):]
    return _phrase(clause, "after_transplant", "bcr_monitoring")


def _dated(t: str, start: int, end: int) -> bool:
    """The BCR::ABL1 result at `start`-`end` is dated after treatment, before or after it ("after allo-HSCT BCR::ABL1
    positive", "BCR::ABL1 negative at day +90"): a monitoring result of Ph-positive disease."""
    return _after_transplant(t, start) or _starts_with(t[end:end + 60], "bcr_monitoring", "dated") or (
        _ends_with(_before(t, start, 30), "bcr_monitoring", "monitoring", ("follow", "up", "follow-up", "repeat"), 2)
        and _phrase(t[:start], "after_transplant", "bcr_monitoring"))  # ("after allo for a year, PCR BCR-ABL1
    # positive": a follow-up test of a transplanted patient, rja83 q39; a diagnostic PCR is no MRD result)


def _read_ph(t: str) -> str | None:
    signs = _ph_signs(t)
    named = {pol for a, b, pol in signs if not _names_bcr(t[a:b])}
    if named == {1}:  # ("Ph+ ALL in CR1, BCR-ABL1 negative": the transcript's result is a response of Ph-positive
        signs = [x for x in signs if x[2] == 1]  # disease, not a Ph status; rja48 y22 "no leukemia gene" after HSCT)
    return {1: "positive", -1: "negative"}.get(_one({pol for _, _, pol in signs})) or _bare_ph_result(t)


def _bare_ph_result(t: str) -> str | None:
    """A result said alone ("I was told I'm positive") where the only marker the text names is the Philadelphia
    chromosome, asked about with no result of its own ("what is the Philadelphia chromosome? I was told I'm
    positive", rja90 q29): the Ph status.

    >>> _bare_ph_result("what is the philadelphia chromosome? told i am positive. what treatment?")
    'positive'
    >>> _bare_ph_result("philadelphia chromosome? mrd positive.")
    """
    terms = _terms(t, "markers_terms")
    if not terms or any(n != "phil" for _, _, n in terms) or any(_sign(t, b) is not None for _, b, _ in terms):
        return None
    results = {w for s in sentences(t) if {"positive", "negative"} & set(tokens(s))
               and all(m.kind == "person" for m in read_concepts(s).mentions) for w in ("positive", "negative")
               if w in tokens(s)}
    return next(iter(results)) if len(results) == 1 else None


def _names_bcr(text: str) -> bool:
    """The marker named is the BCR::ABL1 transcript (context.yaml markers_terms.bcr), not the chromosome."""
    return any(n == "bcr" for _, _, n in _terms(text, "markers_terms"))


def _ph_signs(t: str) -> list[tuple[int, int, int]]:
    """The Ph statuses the text names of its patient or group, with their spans (1 positive, -1 negative)."""
    seen: list[tuple[int, int, int]] = []
    for a, b, name in _terms(t, "markers_terms"):
        if name == "cd" or _cue_after(t, b, "like", " \t-") or _pending_after(t, b) or _not_known(t, a, b):
            continue  # ("Ph-like ALL": no Ph status; "BCR-ABL PCR still pending": not known yet; "I don't know if
            # it is Philadelphia or not": not known to the asker)
        if name == "bcr" and (_starts_with(t[b:b + 60], "bcr_monitoring", "monitoring") or _dated(t, a, b)):
            seen.append((a, b, 1))
            continue
        pol = _sign(t, b)
        pre = _before(t, a)
        if pol == 0:
            continue
        if pol is None:
            if name == "t922" or (name == "phil" and _cue_before(pre, "has")) or _cue_before(pre, "positive_for", 2):
                pol = 1
            elif _negated(pre):
                pol = 1  # flipped below: "no Philadelphia chromosome", "without BCR::ABL1"
            else:
                continue
            if _negated(pre):
                pol = -pol
        elif _cue_before(pre, "not", group="not_immediately"):
            # An explicit sign ("Ph+", "Ph-positive") is flipped only by a negation right before it
            # ("not Ph+"), never by one further back ("without allo-HSCT in Ph+ ALL", "non-transplanted Ph+").
            pol = -pol
        seen.append((a, b, pol))
    return seen


def _lineage_alternatives(t: str) -> bool:
    """Two lineages named as alternatives ("B vs T lineage", "B- or T-ALL", "B/T?")."""
    for a, b, _ in _hits(t, "lineage_pair"):
        items = words_and_signs(t[a:b])
        if items[0][1] == items[-1][1]:
            continue
        rest = [w for _, w in words_and_signs(t[b:b + 30]) if w != "-"]
        rest = rest[1:] if rest[:1] in (["cell"], ["cells"]) else rest
        if not rest or rest[0] in ("all", "lbl", "lineage", "lineages", "acute", "lymphoblastic", "precursor",
                                   "immuno", "?", ".", ";", ")"):
            return True
    return False


def _read_lineage(t: str) -> str | None:
    """B or T; None when both are named, including as alternatives ("B vs T lineage", "B- or T-ALL"), unless a
    patient's question names one only as what the other is compared with ("T-ALL: does it differ from B-ALL, and if
    he relapses ..."; context.yaml facts.lineage_compared_with)."""
    if _lineage_alternatives(t):
        return None
    seen = _lineages(t)
    if len(seen) == 2 and (_case_mark(t) or read_concepts(t).asker == "relative"):
        cues = _fact_words()["lineage_compared_with"]
        before = {k: " " + _before(t, a).rstrip() for k, a in seen.items()}
        own = {k for k in seen if not any(before[k].endswith(" " + c) for c in cues)}
        return _one(own)
    return _one(set(seen))


def _lineages(t: str) -> dict[str, int]:
    """The lineages ("B", "T") the text names, not negated (not "CAR-T cells", not "T-cell engager"), each with
    where it is first named."""
    seen: dict[str, int] = {}
    for a, b, name in _terms(t, "lineage"):
        if name in ("t", "t_cell") and (t[max(0, a - 4):a] in ("car ", "car-") or t[a - 1:a] == "'"):
            continue  # ("CAR-T cells", "don't all")
        nxt = [w for _, w in words_and_signs(t[b:b + 30]) if w != "-"][:1]
        if name == "t_cell" and nxt and _skippable(nxt[0], _fact_words()["t_cell_not_lineage"]):
            continue  # ("T-cell engager", "T-cell count")
        if name.endswith("_antigen") and not _antigen_expressed(t, a, b):
            continue
        if not _negated(_before(t, a)):
            seen.setdefault("B" if name.startswith("b") else "T", a)
    return seen


def _antigen_expressed(t: str, a: int, b: int) -> bool:
    """The lineage antigen at t[a:b] is on the blasts: a positive result after it ("cCD3+", "CD79a positive") or an
    expression cue before it ("expressing cytoplasmic CD3"), and no word of facts.antigen_not_lineage after it ("CD3+
    T cells", "CD3 x CD19")."""
    sign = _sign(t, b, "signs_cd")
    items = words_and_signs(t[b:b + 30])
    rest = [w for _, w in items if w not in ("+", "-")][:1] if sign is not None else [w for _, w in items][:1]
    if rest and _skippable(rest[0], _fact_words()["antigen_not_lineage"]):
        return False
    return sign == 1 or sign is None and _cue_before(_before(t, a), "expresses", 2)


def compared_groups(question: str) -> list[dict[str, str]]:
    """The patient groups a question sets side by side by one deciding fact, each as the facts it sets: both
    lineages ("B-ALL vs T-ALL", "B- or T-cell") or both Ph statuses ("Ph+ and Ph- patients over 65"); else [].

    >>> compared_groups("B-ALL vs T-ALL: which relapse drugs differ?")
    [{'lineage': 'B'}, {'lineage': 'T'}]
    >>> compared_groups("What changes above 65 for Ph-positive and Ph-negative ALL?")
    [{'ph_status': 'positive'}, {'ph_status': 'negative'}]
    >>> compared_groups("Is T-ALL treated differently from B-ALL at relapse?")
    [{'lineage': 'T'}, {'lineage': 'B'}]
    >>> compared_groups("Relapsed B-ALL, not T-ALL: options?"), compared_groups("Ph+ ALL, 70 years old")
    ([], [])
    """
    t = _normalise(question)
    named = _lineages(t)
    if _lineage_alternatives(t) or (set(named) == {"B", "T"} and _compares(t)):
        return [{"lineage": x} for x in sorted("BT", key=lambda x: named.get(x, 0))]
    signs = _ph_signs(t)
    joined = any(p != q and _joins(t[b:c]) for (_, b, p), (c, _, q) in zip(signs, signs[1:]))
    order = list(dict.fromkeys({1: "positive", -1: "negative"}[p] for _, _, p in signs))
    return [{"ph_status": x} for x in order] if joined or (len(order) == 2 and _compares(t)) else _transplant_sides(t)


def compares_transplant(question: str) -> bool:
    """The question sets patients with and without a transplant side by side ("TKI maintenance with vs without
    allo-HSCT?"): neither side is the patient's."""
    return any("transplant" in side for side in compared_groups(question))


def group_segments(question: str) -> list[str]:
    """The text of each Ph group a question asks about in its own part, as that part's own question: the text before
    the first group's clause, then the group's clause(s) ("TKI maintenance duration for Ph+ ALL without transplant,
    and the approach for Ph-negative ALL aged 65 or older?": two, each with its own facts, rja95 q38); [] unless
    two Ph statuses are named.

    >>> group_segments("70F. TKI duration for Ph+ without transplant, and the approach for Ph- aged 65 or older?")
    ['70f. tki duration for ph+ without transplant,', '70f. and the approach for ph- aged 65 or older?']
    """
    t = _normalise(question)
    signs = _ph_signs(t)
    if len({p for _, _, p in signs}) < 2:
        return []
    cuts, prev = [], signs[0]
    for sign in signs[1:]:
        if sign[2] != prev[2]:
            at = max(t.rfind(c, prev[1], sign[0]) for c in ",;:.?")
            cuts.append(at + 1 if at >= 0 else sign[0])
        prev = sign
    first = max(t.rfind(c, 0, signs[0][0]) for c in ".:;?")
    prefix = t[:first + 1] if first >= 0 else ""
    bounds = [len(prefix), *cuts, len(t)]
    return [" ".join(f"{prefix} {t[a:b]}".split()) for a, b in zip(bounds, bounds[1:]) if t[a:b].strip()]


def _transplant_sides(t: str) -> list[dict[str, str]]:
    """Patients with and without an allogeneic transplant set side by side: "with vs without allo-HSCT" (context.yaml
    transplant_before `both_sides`), or a transplant not done beside one that is not denied, in one sentence that
    compares ("if they had a transplant versus if they did not have one"; 「移植した人としなかった人で違う？」 as read).

    >>> _transplant_sides(_normalise("Ph+ ALL: TKI maintenance with vs without allo-HSCT?"))
    [{'transplant': 'done'}, {'transplant': 'not_done'}]
    >>> _transplant_sides(_normalise("No transplant in CR1. Now relapsed: should he get a transplant or blinatumomab?"))
    []
    """
    spans = _transplants(t)
    if any(_ends_with(_before(t, a, 40), "transplant_before", "both_sides", _fact_words()["transplant_modifiers"], 4)
           for a, _ in spans):
        return [{"transplant": "done"}, {"transplant": "not_done"}]
    denied = [(a, _tx_status(t, a, b) in ("not_done", "ineligible")) for a, b in spans]
    if len(spans) == 1 and not denied[0][1] and _elided_other_side(t, spans[0][1]):
        return [{"transplant": "done"}, {"transplant": "not_done"}]
    for (a, no_a), (c, no_c) in zip(denied, denied[1:]):
        if no_a != no_c and _sentence_span(t, a) == _sentence_span(t, c) and _compares(t[_sentence_span(t, a)[0]:
                                                                                         _sentence_span(t, a)[1]]):
            return [{"transplant": "not_done" if no_a else "done"}, {"transplant": "done" if no_a else "not_done"}]
    return []


def _joins(gap: str) -> bool:
    """The text between two named groups only joins them ("and", "or", "vs", "/", "compared with")."""
    words = [w for _, w in words_and_signs(gap)]
    return 0 < len(words) <= 6 and _skippable_all(words, _fact_words()["group_joiners"])


def _elided_other_side(t: str, end: int) -> bool:
    """After the transplant ending at `end`, its sentence sets against it the same left unsaid and denied ("patients
    who were transplanted versus patients who were not?", "with a transplant vs not"): a compare word, then "not" within
    four words, at the sentence's end."""
    words = [w for _, w in words_and_signs(t[end:_sentence_span(t, end)[1]]) if w[:1].isalnum()]
    # (not "or": "is he going to be transplanted or not?" asks whether he will be)
    joins = set(load_lexicon().context.compares["joins_ages"]) - {"or", "and"}
    at = next((i for i, w in enumerate(words) if w in joins), None)
    return at is not None and words[-1:] in (["not"], ["no"]) and len(words) - at <= 5


def _read_markers(t: str) -> tuple[bool | None, bool | None]:
    seen: dict[str, set[bool]] = {"19": set(), "22": set()}
    for a, b, name in _terms(t, "markers_terms"):
        if name != "cd":
            continue
        pol = _sign(t, b, "signs_cd")
        if pol == 0:
            continue
        pre = _before(t, a)
        if pol is None:
            if _cue_before(pre, "expresses", 2):
                pol = 1
            elif _negated(pre):
                pol = 1  # flipped below: "lost CD19", "negative for CD22"
            else:
                continue
        if _negated(pre):
            pol = -pol
        for _, word in words_and_signs(t[a:b]):
            if word.removeprefix("cd") in seen:
                seen[word.removeprefix("cd")].add(pol > 0)
    return _one(seen["19"]), _one(seen["22"])


# --------------------------------------------------------------------------------------------
# transplant, phase
# --------------------------------------------------------------------------------------------

_TX_PRIORITY = ("done", "planned", "ineligible", "not_done", "eligible")


@lru_cache(maxsize=1)
def _fact_words() -> dict[str, tuple[str, ...]]:
    """The word lists of context.yaml's `facts` block (YAML reads a bare on / off / no as a boolean: quote it)."""
    out = {}
    for key, words in lexicon_file(LEXICON_DIR, "context.yaml")["facts"].items():
        bad = [w for w in words if not isinstance(w, str)]
        if bad:
            raise ValueError(f"context.yaml facts.{key}: {bad[0]!r} is not text (quote it in the YAML file)")
        out[key] = tuple(words)
    return out


def _skippable_all(items: list[str], words: tuple[str, ...]) -> bool:
    return all(_skippable(w, words) for w in items)


def _skippable(word: str, words: tuple[str, ...]) -> bool:
    return word in words or any(w.endswith("*") and word.startswith(w[:-1]) for w in words)


def _ends_with(pre: str, group: str, name: str, skip: tuple[str, ...] = (), most: int = 0, signs: str = "-/") -> bool:
    """A cue of context.yaml's phrases[group][name] ends `pre`, followed only by spaces, - and / and at most `most`
    words of `skip` ("received a cord blood " ends with the cue "received")."""
    for _, end, n in _hits(pre, group):
        if n != name or end < len(pre) and word_char(pre[end]):
            continue
        rest = words_and_signs(pre[end:])
        words = [w for _, w in rest if w[0].isalnum()]
        if len(words) <= most and all(_skippable(w, skip) for w in words) and all(
                w in signs for _, w in rest if not w[0].isalnum()):
            return True
    return False


def _starts_with(post: str, group: str, name: str) -> bool:
    """A cue of context.yaml's phrases[group][name] starts `post` (past spaces)."""
    return any(a == len(post) - len(post.lstrip()) and n == name
               for a, _, n in _hits(post, group))


def _transplants(t: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each allogeneic transplant the text names (the lexicon's allo_hsct forms; an autologous one
    is not)."""
    out: list[tuple[int, int, str]] = []
    for a, b, cid in find_phrases(t[lo:hi], concept_table(("allo_hsct", "auto_hsct"))):
        if out and a < out[-1][1]:
            if a == out[-1][0] and b > out[-1][1]:
                out[-1] = (a, b, cid)
            continue
        out.append((a, b, cid))
    return [(lo + a, lo + b) for a, b, cid in out if cid == "allo_hsct"]


def _tx_status(t: str, start: int, end: int) -> str | None:
    """How the transplant at t[start:end] stands: done, planned, ineligible, not_done, eligible or None."""
    pre, post, word = _before(t, start, 50), t[end:end + 40], t[start:end]
    mods, participle = _fact_words()["transplant_modifiers"], word in _fact_words()["transplant_participles"]
    if _ends_with(pre, "transplant_before", "wish", mods, 4):
        return None  # "her mom wants her transplanted", "considering a transplant": a wish, no status
    if _ends_with(pre, "transplant_before", "ineligible", mods, 4) or _starts_with(post, "transplant_after",
                                                                                  "ineligible") or (
            participle and _ends_with(pre, "transplant_before", "be_ineligible")):
        return None if _asked_of(t, start) else "ineligible"  # ("is he too old for transplant?": asked)
    if _cue_after(post, 0, "candidate", " \t-"):
        return "ineligible" if _negated(pre) else None if _asked(t, end) else "eligible"
    if _ends_with(pre, "transplant_before", "not_done", mods + _fact_words()["transplant_not_done"], 8) or (
            participle and _negated(pre)) or _starts_with(post, "transplant_after", "not_done"):
        # ("can he continue the TKI without allo-HSCT?", "if MRD negative, no allo-HSCT and TKI only?": a proposal
        # asked about, not a transplant not done)
        # ("medicine alone cures it even without a transplant": a concession, no status)
        return None if _asked_of(t, start) or _proposed_if(t, start) or _weighed(t, start) or (
            _ends_with(pre, "transplant_before", "scenario", mods, 8) and _asked_after(t, end)) or _ends_with(
            pre, "transplant_before", "concessive", mods, 8) else "not_done"
    if _ends_with(pre, "transplant_before", "planned", mods, 4) or _cue_after(post, 0, "planned") or (
            _ends_with(pre, "transplant_before", "then", mods, 4) and _phrase(pre, "plan", "transplant_before")):
        # ("is he going to have a transplant?", "... wants me to have one. What happens if I say no?": asked)
        return None if _yes_no_question(t, start) or _phrase(t, "refusal", "transplant_before") else "planned"
    if participle and _ends_with(pre, "transplant_before", "be"):
        return "planned" if _ends_with(pre, "transplant_before", "be_planned") else None
    if _ends_with(pre, "transplant_before", "eligible", mods, 4):
        return None if _asked(t, end) else "eligible"
    return _tx_done(t, pre, post, word, end)


def _yes_no_question(t: str, pos: int) -> bool:
    """The sentence around `pos` is a yes/no question: it ends in "?" and opens with an auxiliary (context.yaml
    facts.question_openers: "is he going to have a transplant?", "will she get one?") or closes asking whether it is
    acceptable (facts.question_closers: "no transplant, TKI only - OK?")."""
    if _closes_asking(t, pos):
        return True
    a, b = _sentence_span(t, pos)
    sentence = t[a:b].strip()
    if not sentence.endswith("?"):
        return False
    # (or the clause holding `pos` opens with one: "doctor recommended allo-HSCT, can without allo-HSCT only
    # continue?", a Japanese question as read)
    clause = t[a + _clause_start(t[a:pos], ","):pos]
    return any(_first_word(x) in _fact_words()["question_openers"] for x in (sentence, clause))


def _closes_asking(t: str, pos: int) -> bool:
    """The question after `pos` ends asking whether what it says is acceptable, in the same sentence ("no allo-HSCT,
    TKI chemotherapy continue choice?", "no transplant, TKI chemo only - OK?")."""
    end = t.find("?", pos)
    if end < 0 or any(t[i] in ".!" and t[i + 1:i + 2] in (" ", "\n") for i in range(pos, end)):
        return False
    last = [w for _, w in words_and_signs(t[pos:end]) if word_char(w[0])][-1:]
    return bool(last) and last[0] in _fact_words()["question_closers"]


def _proposed_if(t: str, pos: int) -> bool:
    """The question around `pos` puts a condition of its own before it ("if MRD negative, no allo-HSCT, TKI
    only?"): what follows the condition's clause is proposed, not reported. A transplant inside the condition ("if
    no allo-HSCT, how long TKI?") is the scenario asked about, and is read."""
    a, b = _sentence_span(t, pos)
    ends = [a + e for _, e, n in _hits(t[a:pos], "transplant_before") if n == "conditional"]
    return t[a:b].strip().endswith("?") and bool(ends) and "," in t[max(ends):pos]


def _asked_after(t: str, end: int) -> bool:
    """The clause after the transplant at `end` asks a yes/no question of it, in the same sentence ("without
    allo-HSCT, is there a way to be cured?"): the transplant not done is the scenario asked about.

    >>> _asked_after("without allo-hsct, is there a way to be cured?", 17), _asked_after("no allo-hsct. tki?", 12)
    (True, False)
    """
    a, b = _sentence_span(t, end)
    if not t[a:b].strip().endswith("?"):
        return False
    rest = [w for _, w in words_and_signs(t[end:b]) if w[:1].isalnum()]
    words = _fact_words()  # (or a negated question: "without allo-HSCT not cured?", 移植しないと治らない？)
    return bool(rest) and (rest[0] in words["question_openers"] or rest[0] in words["negated_question_openers"])


def _weighed(t: str, pos: int) -> bool:
    """A transplant not done is one side of a question that also asks whether to have it ("must he have a
    transplant? if not, what then?"): the status is what is asked, not a fact."""
    return any(a != pos and _asked_of(t, a) for a, _ in _transplants(t, 0, len(t)))


def _asked_of(t: str, pos: int) -> bool:
    """The yes/no question around `pos` asks about what comes before `pos`, no clause stating a fact in between
    (context.yaml facts.question_breaks): "is he too old for transplant?", not "is maintenance needed since he is
    unfit for transplant?"."""
    a, _ = _sentence_span(t, pos)
    return _yes_no_question(t, pos) and not any(
        w in _fact_words()["question_breaks"] for _, w in words_and_signs(t[a:pos]))


def _tx_done(t: str, pre: str, post: str, word: str, end: int) -> str | None:
    mods = _fact_words()["transplant_modifiers"]
    strong = _ends_with(pre, "transplant_before", "done", mods, 4) and not _phrase(pre, "conditional", "transplant_before")
    if (strong or word in _fact_words()["transplant_participles"]
            or _dated_ago(t[end:end + 70]) or _starts_with(post, "transplant_after", "day_post")
            or _starts_with(post, "transplant_after", "done") or _later_day_after(t, end)):
        return "done"
    if _after_and(pre, mods):
        return "done"
    if _ends_with(pre, "transplant_before", "post", mods, 4) and _describes_patients(t, end):
        return "done"
    return None


#: The first day a result is dated by after a transplant named earlier in its sentence ("allo-HSCT in CR1,
#: BCR::ABL1 undetectable at day 100"): induction and consolidation days come before it (day 28, 33, 85).
_POST_TRANSPLANT_DAY = 90


def _later_day_after(t: str, end: int) -> bool:
    """A result later in the transplant's sentence is dated "day N" with N of a post-transplant day (90 or more)."""
    _, b = _sentence_span(t, end)
    toks = tokens(t[end:b])
    return any(w in ("day", "d") and toks[k + 1].isdecimal() and int(toks[k + 1]) >= _POST_TRANSPLANT_DAY
               for k, w in enumerate(toks[:-1]))


def asks_after_transplant(text: str, context: str = "") -> bool:
    """The text speaks of the time after an allogeneic transplant ("should he stay on a TKI after the transplant?",
    "post-HSCT maintenance"), whether it was done or is only planned.

    >>> asks_after_transplant("Should he stay on a TKI after the transplant?"), asks_after_transplant("Transplant?")
    (True, False)
    >>> asks_after_transplant("If I have a transplant, can I stop the medicine?")
    True
    """
    mods = _fact_words()["transplant_modifiers"]

    def after(t: str, names: tuple[str, ...]) -> bool:
        return any(_ends_with(_before(t, a, 50), "transplant_before", n, mods, 4) for a, _ in _transplants(t)
                   for n in names)

    # (`context`, the whole question: a transplant to come in the clause before the asking one, "if I have a
    # transplant, can I stop the medicine?")
    return after(_normalise(text), ("done_after", "will_be_after")) or after(_normalise(context), ("will_be_after",))


def _after_and(pre: str, mods: tuple[str, ...]) -> bool:
    """ "after allo-HSCT", "relapsed after imatinib-based chemo and allo-HSCT" (the transplant the second of the
    things done), with no question or advice before the "after" ("should we give TKI after HSCT?")."""
    hits = [a for a, _, n in _hits(pre, "transplant_before") if n == "done_after"]
    if not hits:
        return False
    if _ends_with(pre, "transplant_before", "done_after", mods, 4):
        start = hits[-1]
    elif _ends_with(pre, "transplant_before", "and_then", mods, 4) and len(pre) - hits[0] <= 60:
        start = hits[0]
    else:
        return False
    return not _phrase(pre[:start], "hypothetical", "transplant_before")


def _asks_at(t: str, pos: int) -> bool:
    """The sentence holding `pos` is a question: after a planned transplant, "TKI after HSCT?" asks about it."""
    lo, hi = _sentence_span(t, pos)
    return t[lo:hi].rstrip().endswith("?")


def _asked(t: str, end: int) -> bool:
    """The clause ends in a question mark within four words ("candidate for allo-HSCT?", "transplant eligible?")."""
    rest = t[end:end + 80]
    q = rest.find("?")
    head = rest[:q]
    return q >= 0 and not any(c in ".;!,\n" for c in head) and len(head.replace("-", " ").split()) <= 4


def _dated_ago(post: str) -> bool:
    """ "2 months ago", "last year" within five words after the transplant, no plan word before it."""
    for a, _, n in _hits(post, "transplant_after"):
        if n != "ago":
            continue
        between = words_and_signs(post[:a])
        described = set(_fact_words()["transplant_modifiers"]) | set(_fact_words()["transplant_described"])
        return len([w for _, w in between if w not in described]) <= 4 and all(
            w[0].isalnum() or w == "-" for _, w in between) and not any(
            w in _fact_words()["transplant_plans"] for _, w in between)
    return False


def _describes_patients(t: str, end: int) -> bool:
    """ "post-transplant Ph+ patients": the compound describes the people named within three words after it."""
    nouns, before = _fact_words()["patient_nouns"], _fact_words()["patient_nouns_before"]
    for k, part in enumerate(t[end:end + 60].split()[:4]):
        bare = part.strip(".,;:?!()")
        if bare in nouns:
            return True
        if k == 3 or not ("+" in part or "-" in part or bare in before):
            return False
    return False


def _plans(t: str) -> bool:
    """A plan or a condition in the text ("planned", "will", "if")."""
    words = _words(t)
    return bool({"will", "if"} & words) or any(w.startswith("plan") for w in words)


def _read_transplant(t: str) -> str | None:
    mentions = _transplants(t)
    said = [(a, s) for a, b in mentions if (s := _tx_status(t, a, b))]
    planned = next((a for a, s in said if s == "planned"), None)
    # (a transplant planned, or asked about, before a question on the time after it: "Proceed HSCT? and what
    # post-HSCT TKI plan?" is no transplant done)
    asked = next((a for a, _ in mentions if _asks_at(t, a)), None)
    first = min((x for x in (planned, asked) if x is not None), default=None)
    found = {s for a, s in said if not (s == "done" and first is not None and first < a and _asks_at(t, a))}
    if "done" in found and _newly_diagnosed(t) and all(_supposed(t, a) for a, s in said if s == "done"):
        found = (found - {"done"}) | {"planned"}  # a new patient's transplant only supposed ("newly dx Ph+ ...:
        # induction, CR1, and what if MRD turns positive after the transplant?", r71 q36): one to come
    elif "done" in found and all(_supposed(t, a) and _later_part(t, a) for a, s in said if s == "done"):
        found -= {"done"}  # (supposed in a later part only: "what chemo for his age, and if it comes back after a
        # transplant, could he get CAR-T?", r77 q35)
    elif {"done", "not_done"} <= found and all(_supposed(t, a) for a, s in said if s in ("done", "not_done")):
        found -= {"done", "not_done"}  # two cases supposed side by side, neither the patient's ("if no transplant
        # in CR1, how long the TKI; if MRD turns positive after the transplant, what then?", rja97 q39)
    if not found and mentions and _phrase(t, "day", "transplant_after") and not _plans(t):
        return "done"  # "allo-SCT in CR1, day +100": days are counted from a transplant that was done
    return next((s for s in _TX_PRIORITY if s in found), None)


@lru_cache(maxsize=64)
def _phase_phrases(t: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, name) of the phase phrases of a normalised text (context.yaml phrases.phase)."""
    return tuple(_hits(t, "phase"))


def _relapsed(t: str) -> bool:
    """A relapse stated (the lexicon's plain words for one are read as "relapsed"), not a risk, a statistic or a
    denial.

    >>> [_relapsed(_normalise(t)) for t in ["his leukemia (b-all) came back after his transplant",
    ...     "i think my all is back", "the disease has returned", "mrd came back negative", "the test came back positive",
    ...     "relapse-free survival", "risk of relapse", "will it definitely relapse?"]]
    [True, True, True, False, False, False, False, False]
    """
    shown = [(a, b) for a, b, _ in _hits(t, "molecular_relapse")]
    for a, b, name in _phase_phrases(t):
        if _prevented(t, a, b):
            continue  # "how is CNS relapse prevented?": the relapse prevented, not one that happened
        if _supposed(t, a) and _remission_elsewhere(t, a):
            continue  # ("in CR1 ... and if he relapses, which TKI?": a relapse supposed for a part, rja94 q38)
        if any(x <= a and b <= y for x, y in shown):
            continue  # ("tests show it coming back": the molecular sign, read by _molecular_relapse)
        if _relapse_asked(t, a):
            continue  # ("does this mean the transplant failed and I am relapsing?", r77 q28: asked, not stated)
        if name == "relapse_plain" and _next_word(t, b) not in ("negative", "positive", "clear") and not _negated(
                _before(t, a, 40)) and not _ends_with(_before(t, a, 40), "phase_before", "relapse_future",
                                                      tuple(_fact_words()["relapse_future_skip"]), 4):
            return True  # (not "does that mean the cancer is back?": asked, r52 q21)
        if name != "relapse":
            continue
        pre = _before(t, a, 40)
        if t[a:b] != "r/r" and (_ends_with(pre, "phase_before", "relapse_blocked", ("of", "for", "to"), 1)
                                or _cue_after(t, b, "relapse_statistic", " \t-") or _negated(pre)
                                or _ends_with(pre, "phase_before", "relapse_future",
                                              tuple(_fact_words()["relapse_future_skip"]), 4)):
            continue  # ("will it relapse?": a relapse feared or asked about, not one that happened)
        return True
    return False


def _relapse_asked(t: str, at: int) -> bool:
    """The relapse at `at` is the predicate of a yes/no question ("am I relapsing?", "is it a relapse?", "does this
    mean I am relapsing?"), not a population ("is ponatinib OK for relapsed Ph+ ALL?").

    >>> [_relapse_asked(t, t.index("relaps")) for t in ["does this mean i am relapsing?", "is it a relapse?",
    ...     "is ponatinib ok for relapsed ph+ all?", "she is relapsing. which tki?", "mrd found. also relapsed?"]]
    [True, True, False, False, True]
    """
    lo, hi = _sentence_span(t, at)
    words = [w.strip(",;:()") for w in t[lo:at].split()]
    timed = bool(_RELAPSE_TIME & set(words))
    while words and words[-1] in _COPULA_SKIP:
        words.pop()
    if not words:  # (the question is the relapse itself, with a word of its time: "also relapsed?", "will it
        # relapse again?", 「また再発するのでしょうか」 as read, rja100 q23; not "she relapsed 2 years ago, transplant?")
        return timed and t[lo:hi].rstrip().endswith("?")
    return words[-1] in _COPULAS and _yes_no_question(t, at)


#: Words that put a relapse asked about in the future ("will it relapse again?", "also relapsed?" as read).
_RELAPSE_TIME = frozenset({"also", "again", "will", "may", "later", "eventually"})
_COPULAS = frozenset({"am", "is", "are", "was", "were", "be", "i'm", "it's", "he's", "she's", "im", "its"})
_COPULA_SKIP = frozenset({"i", "it", "he", "she", "they", "we", "this", "that", "a", "really", "already", "now",
                          "actually", "truly", "also", "again", "then", "later", "eventually", "will", "may"})


def _remission_elsewhere(t: str, at: int) -> bool:
    """A first remission named in another sentence than the one at `at` ("Ph+ ALL in CR1 without transplant: how
    long TKI? And if he relapses, which TKI?"), or a remission or a new diagnosis stated, not supposed ("newly
    diagnosed Ph+ B-ALL: induction, allo-HSCT in CR1, and if she relapses later, what options?", r75 q33); not "if
    she relapses after CR1, what then?"."""
    span = _sentence_span(t, at)
    asked_before = _has_asking_word(t[span[0]:at])  # (a part asks first)
    return _later_part(t, at) or any((n == "cr1" and _sentence_span(t, a) != span)
               or (asked_before and n in ("cr1", "new") and not _supposed(t, a)) for a, _, n in _phase_phrases(t))


def _later_part(t: str, at: int) -> bool:
    """The supposition at `at` opens a part of its own after a part that asks ("what induction ..., and if he later
    relapses on imatinib, what next?", r77 q34; "... need radiation to the head, and if it comes back after a
    transplant, CAR-T?", r77 q35): the patient is not in what it supposes. Not "what are the options if he
    relapses?" (one part, about the relapse).

    >>> t, u = "67, ph+: what induction, and if he later relapses, what next?", "what are the options if he relapses?"
    >>> _later_part(t, t.index("relapses")), _later_part(u, u.index("relapses"))
    (True, False)
    """
    start = _sentence_span(t, at)[0]
    lo = start + _clause_start(t[start:at], ",:;()\n")
    opening = t[lo:at].split()[:1]
    lead = {w.strip(",.;:?!()") for w in t[start:lo].split()}  # ("And hypothetically, if she ...")
    if opening and opening[0].strip(",.;:?!()") in _HYPOTHESIS_OPENERS and lead <= _PART_JOINS | _HYPOTHESIS_OPENERS:
        return "?" in t[:start]  # (a sentence of its own after a question: "What induction? If she later relapses
        # after transplant, what options?", r80 q33)
    if opening and opening[0].strip(",.;:?!()") in _HYPOTHESIS_OPENERS:
        # (joined on by words, a list mark or "hypothetically" in clauses of their own: "(1) what induction, and (2)
        # hypothetically, if he relapses after dasatinib with T315I, what then?", r94 q34)
        words = t[start:lo].replace("(", " ").replace(")", " ").replace(",", " ").split()
        k = len(words)
        while k and (words[k - 1] in _PART_JOINS | _HYPOTHESIS_OPENERS or _list_mark(words[k - 1])):
            k -= 1
        rest = " ".join(words[:k])
        return k < len(words) and any(w in _PART_JOINS or _list_mark(w) for w in words[k:]) and (
            "?" in rest or _has_asking_word(rest))
    if not opening or opening[0].strip(",.;:?!()") not in _PART_JOINS:
        return False
    return "?" in t[:lo] or _has_asking_word(t[:lo])


def _has_asking_word(text: str) -> bool:
    """A word of `text` opens a part that asks (`_ASKING_WORDS`), punctuation around it set aside."""
    return bool(_ASKING_WORDS & {w.strip(",.;:?!()") for w in text.split()})


def _list_mark(word: str) -> bool:
    """A list item's mark written as a word ("2", "b", "ii" of "(2)", "b)", "ii.")."""
    w = word.strip(".")
    return w.isdigit() and len(w) <= 2 or w in ("a", "b", "c", "d", "i", "ii", "iii", "iv")


#: Words that join a part of a question to the one before it ("..., and if she relapses, ...").
_PART_JOINS = frozenset({"and", "also", "but", "plus", "or", "then"})
#: Words opening a supposition.
_HYPOTHESIS_OPENERS = frozenset({"if", "hypothetically", "suppose", "supposing", "assuming"})


#: Words opening a part that asks, before a supposed relapse in the same sentence ("what induction ..., should she
#: get allo-HSCT in CR1, and if she relapses later, ..."; not "if he relapses, what are the options?").
_ASKING_WORDS = frozenset({"what", "which", "how", "should", "does", "do", "is", "are", "can", "when", "would"})


def supposed_phase(text: str, *, beside_remission: bool = True) -> str | None:
    """The phase a part supposes beside a remission named in another sentence ("if he relapses with T315I, which TKI?": "relapsed"),
    or None; without `beside_remission`, the phase a text supposes at all (one part's span, its remission elsewhere).

    >>> supposed_phase("Ph+ in CR1: TKI for how long? and if he relapses with T315I, which TKI?")
    'relapsed'
    >>> supposed_phase("relapsed Ph+ ALL with T315I: which TKI?"), supposed_phase("if he relapses, which TKI?")
    (None, None)
    >>> supposed_phase("if he relapses, which TKI?", beside_remission=False)
    'relapsed'
    """
    t = _normalise(text)
    return next(("relapsed" for a, b, n in _phase_phrases(t) if n in ("relapse", "relapse_plain") and _supposed(t, a)
                 and (not beside_remission or _remission_elsewhere(t, a))), None)


def _mrd_hypothetical(t: str) -> bool:
    """The patient's MRD result read is supposed, not reported ("if she is MRD negative after induction, ...")."""
    events = _mrd_events(t)
    return bool(events) and _supposed(t, events[-1][0])


def _supposed(t: str, at: int) -> bool:
    """The clause up to `at` opens on a hypothesis ("if ...", "once ...": context.yaml mrd_words.hypothetical)."""
    lo = _sentence_span(t, at)[0]
    return _phrase(t[lo + _clause_start(t[lo:at], ",:;()\n"):at], "hypothetical", "mrd_words")


def supposed_mrd(text: str) -> str | None:
    """The MRD result `text` supposes, not reports ("if MRD stays negative, prophylactic TKI?", "if it had stayed
    negative": "negative"), or None."""
    t = _normalise(text)
    events = _mrd_events(t, supposed=True)
    if not events or not _supposed(t, events[-1][0]) or _other_result_compared(t, events[-1][1]):
        return None  # (or both results set side by side: "if MRD turns positive versus stays negative", r100 q35)
    return events[-1][1]


#: The word for each MRD result, and its opposite.
_RESULT_WORDS = {"positive": ("negative", "undetectable"), "negative": ("positive", "detectable", "detected")}


def _other_result_compared(t: str, status: str) -> bool:
    """The text sets the other MRD result beside the one supposed ("positive versus stays negative", "MRD positive
    or negative", "and what if it is negative?"): a comparison, no one result."""
    words = [w for _, w in words_and_signs(t)]
    joins = {"vs", "versus", "or", "and", "compared"}
    others = {"ph", "philadelphia", "cd19", "cd22", "bcr", "abl1", "t315i", "cns", "csf", "hbv", "hiv", "cmv", "ebv"}

    def compared(i: int) -> bool:
        j = next((j for j in range(i - 1, max(-1, i - 5), -1) if words[j] in joins), None)
        return j is not None and not others & set(words[j:i])  # ("and Ph is negative": the Ph status's word)
    return any(w in _RESULT_WORDS.get(status, ()) and compared(i) for i, w in enumerate(words))


#: Concepts naming one value of a fact each: a question naming two values of one fact names the fact.
_FACT_VALUES = {"lineage": ("b_lineage", "t_lineage"), "ph_status": ("ph_positive", "ph_negative")}


def named_otherwise(text: str) -> frozenset[str]:
    """The facts a question names without giving the patient's value: two values of one set side by side
    ("T-ALL relapse: nelarabine? can it be used in B-ALL too?") or an MRD result supposed ("the management if MRD
    turns positive after the transplant"). A branch on such a fact is no fact missing from the case.

    >>> sorted(named_otherwise("relapsed t-all: nelarabine? for b-all too?")), named_otherwise("45M Ph+ ALL")
    (['lineage'], frozenset())
    """
    named = {m.concept for m in read_concepts(text.lower()).mentions if not m.negated}
    out = {fact for fact, values in _FACT_VALUES.items() if all(v in named for v in values)}
    if supposed_mrd(text) is not None:
        out.add("mrd_status")
    return frozenset(out)


def supposed_at(text: str, at: int) -> bool:
    """What `text` says at `at` is supposed, not stated: its clause opens on a hypothesis ("if not fit enough for
    it, what else is there?" says no one ruled the treatment out)."""
    return _supposed(text.lower(), at)


def _molecular_relapse(t: str) -> bool:
    """MRD or BCR::ABL1 rising or coming back, or a molecular relapse named (context.yaml phrases.molecular_relapse),
    not denied, not a risk or a prevention, not a hypothesis ("if MRD comes back"), not a result ("MRD came back
    negative").

    >>> [_molecular_relapse(_normalise(t)) for t in ["cr1 on dasatinib, now bcr-abl1 rising",
    ...     "mrd came back negative", "risk of molecular relapse", "if bcr-abl1 is rising, switch?"]]
    [True, False, False, False]
    """
    for a, b, _ in _hits(t, "molecular_relapse"):
        if _negated(_before(t, a, 40)) or _prevented(t, a, b) or _supposed(t, a) or \
                _next_word(t, b) in _fact_words()["result_words"]:
            continue
        return True
    return False


def _within(items: list[tuple[int, str]], terminators: frozenset[str], window: int) -> bool:
    """At most `window` words and no context terminator ("and", ",", "but") among `items`."""
    return len([w for _, w in items if w[0].isalnum()]) <= window and not any(w in terminators for _, w in items)


def _prevented(t: str, a: int, b: int) -> bool:
    """The relapse at t[a:b] is the object of prevention or of a risk (context.yaml phrases.prevention, read as a
    ConText modifier: the window and terminators of context.yaml), not the patient's phase.

    >>> t = "how is cns relapse prevented? to lower the chance of a late relapse. he stopped it and relapsed"
    >>> [_prevented(t, a, a + 7) for a in (11, t.index("relapse."), t.rindex("relapse"))]
    [True, True, False]
    """
    rules = load_lexicon().context
    for c, d, name in _hits(t[max(0, a - 80):b + 60], "prevention"):
        c, d = c + max(0, a - 80), d + max(0, a - 80)
        between = t[d:a] if name == "before" else t[b:c]
        if (d <= a if name == "before" else c >= b) and _within(words_and_signs(between), rules.terminators,
                                                                 rules.window):
            return True
    return False


def _newly_diagnosed(t: str) -> bool:
    for a, _, name in _phase_phrases(t):
        if name == "new":
            return True
        if name == "induction" and t[max(0, a - 3):a] not in ("re-", "re ") and not _ends_with(
                t[max(0, a - 40):a], "phase_before", "induction_after", ("*",), 2):
            return True
    return False


def _next_word(t: str, end: int) -> str:
    """The word or sign right after `end`."""
    items = words_and_signs(t[end:end + 24])
    return items[0][1] if items else ""


def _remissions(t: str, name: str) -> tuple[bool, bool]:
    """(stated, denied): a remission is stated, or only named after a negation ("no CR2"); a rate is neither."""
    words = _fact_words()["remission_denied"]
    # (a remission to come, "once he is in remission", is neither stated nor denied)
    denied = [_ends_with(_before(t, a, 40), "phase_before", "denied", words, 4)
              for a, b, n in _phase_phrases(t) if n == name and _next_word(t, b) not in ("rate", "rates")
              and not _ends_with(_before(t, a, 40), "phase_before", "future", (), 1) and not _of_another_disease(t, a)]
    return (not all(denied), any(denied)) if denied else (False, False)


def _of_another_disease(t: str, start: int) -> bool:
    """The remission at `start` is another disease's, named before it in its clause ("breast ca 10y ago (in
    remission)", "history of breast cancer in remission"), with no ALL between."""
    seg = t[max(0, start - 60):start]
    mentions = read_concepts(seg[_clause_start(seg, ",;", full_stop=True):]).mentions
    return any(m.kind in ("comorbidity", "other_disease") for m in mentions) and not any(
        m.kind == "disease" or m.kind == "lineage" for m in mentions)


def _refractory(t: str) -> bool:
    """ "refractory T-ALL", "refractory to induction" (not "refractory to imatinib": a drug's failure), not denied."""
    return any((name == "refractory_to" or name == "refractory" and _next_word(t, b) != "to")
               and not _negated(_before(t, a)) for a, b, name in _phase_phrases(t))


def _read_phase(t: str, transplant: str | None) -> str | None:
    if any(n == "refractory_strong" for _, _, n in _phase_phrases(t)):
        return "refractory"
    cr2, no_cr2 = _remissions(t, "cr2")
    if cr2:
        return "cr2"
    if _relapsed(t) or no_cr2:  # "no CR2" presupposes a relapse
        return "relapsed"
    if _refractory(t):
        return "refractory"
    if transplant == "done":
        return "post_hsct"
    if _remissions(t, "cr1")[0] and not _remission_asked_of_new(t):
        return "cr1"
    if _newly_diagnosed(t):
        return "newly_diagnosed"
    return None


def _remission_asked_of_new(t: str) -> bool:
    """A patient stated newly diagnosed, and first remission named only in questions, as a time point to come
    ("newly diagnosed Ph- B-ALL ... is transplant needed in CR1?"): the patient is not in remission yet.

    >>> _remission_asked_of_new(_normalise("22f newly diagnosed ph- b-all. which regimen? is transplant needed in cr1?"))
    True
    >>> _remission_asked_of_new(_normalise("newly diagnosed in march, now in cr1 after induction. transplant?"))
    False
    """
    at = [a for a, _, n in _phase_phrases(t) if n == "cr1"]
    spans = [_sentence_span(t, a) for a in at]
    # (a last sentence left unfinished asks too: "... which does JSH recommend? also the CR1 allo criteria")
    if not spans or not all("?" in t[a:b] or (b >= len(t.rstrip()) and not t.rstrip().endswith("."))
                            for a, b in spans):
        return False
    # (or asked beside a question on the first treatment: "which regimen? And if he turns out MRD-negative after
    # induction, do we still send him to allograft in CR1?", r52 q03; "pediatric regimen or hyper-CVAD, which? and
    # when to go to allo in CR1?", rja84 q03: the patient is not in remission yet)
    return any(n == "new" for _, _, n in _phase_phrases(t)) or any(
        _asks_first_treatment(t[a:b]) for a, b in _question_spans(t) if (a, b) not in spans)


def _question_spans(t: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of `t` that asks (ends in "?"), as `_sentence_span` gives them."""
    ends = _sentence_ends(t)
    return [(a, b) for a, b in zip((0, *ends), (*ends, len(t)), strict=True) if t[a:b].strip().endswith("?")]


def _asks_first_treatment(sentence: str) -> bool:
    """The sentence names a regimen or induction ("adult hyper-CVAD or a pediatric-inspired protocol?")."""
    return any(m.kind == "regimen" or m.concept == "induction" for m in read_concepts(sentence).mentions)


# --------------------------------------------------------------------------------------------
# MRD
# --------------------------------------------------------------------------------------------

def _level_event(bound: str | None, pct: float) -> tuple[str, float | None]:
    if bound == "below":
        return "negative", None
    if bound:
        return "positive", None
    return ("negative", None) if pct == 0 else ("positive", pct)


def _named_before(seg: str, group_name: str, width: int = 25) -> bool:
    """MRD (context.yaml phrases.mrd_level[group_name]) named at most `width` characters before the end of `seg`,
    with no number or % after it ("MRD (flow): 0.02%", not "MRD 0.01%, blasts 30%")."""
    ends = [b for _, b, n in _hits(seg, "mrd_level") if n == group_name]
    return bool(ends) and len(seg) - max(ends) <= width and not any(c.isdigit() or c == "%" for c in seg[max(ends):])


def _names_mrd(text: str) -> bool:
    """MRD or its test named in `text` ("MRD", "minimal residual", "BCR::ABL1", "PCR")."""
    return any(n == "earlier" for _, _, n in _hits(text, "mrd_level"))


def _level_cut(seg: str) -> int:
    """Where the level's own stretch of text starts: after ; , ! ? a line end, a full stop (not a decimal point), a
    dash between spaces or the word blast(s) ("blasts 30%" is no MRD level)."""
    cut = _clause_start(seg, ";,!?\n", full_stop=True)
    for a, word in words_and_signs(seg):
        if word in ("blast", "blasts"):
            cut = max(cut, a + len(word))
    return cut


def _mrd_level(t: str, q: Quantity) -> bool:
    """A level that is an MRD result: a power of ten written out ("1x10^-4", "1e-4") anywhere; "10-4", a percentage
    or "1 in 10,000" next to MRD or BCR::ABL1 (a percentage also as a later value of one: "negative, now 0.05%")."""
    if q.notation == "power":
        return True
    if q.notation == "power_bare":
        return _named_before(t[max(0, q.start - 40):q.start], "named")
    if q.notation == "one_in":  # ("MRD after induction measured at 1 in 10,000 cells": the cue may be words back;
        # or right after it: "1 in 10,000 leftover leukemia cells", rja135 q39)
        after = [w for _, w in words_and_signs(t[q.end:q.end + 30])][:1]
        return _names_mrd(t[max(0, q.start - 50):q.start]) or _names_mrd(t[q.end:q.end + 40]) or (
            bool(after) and after[0] in _fact_words()["mrd_remaining"] and _names_cells(t[max(0, q.start - 40):q.start]))
    seg = t[max(0, q.start - 40):q.start]
    if _cue_after(t, q.end, "of_patients") or _cue_before(seg, "versus") or (
            _cue_after(t, q.end, "versus") and not _phrase(t[q.end:q.end + 40], "generic_level", "mrd_words")):
        return False  # (a share of patients; one of two outcomes compared: "(85% vs 68%)" after "MRD-negative B-ALL",
        # but "MRD 0.2% vs the 0.01% cut-off" compares the patient's level with a limit)
    seg = seg[_level_cut(seg):]
    if _named_before(seg, "named") or _cue_after(t, q.end, "mrd_named") or (
            _named_before(seg, "named", width=40) and not _phrase(seg, "generic_level", "mrd_words")):
        return True  # ("MRD after induction by flow was 0.03%": its time and method between, no number and no
        # "cut-off": "the MRD cut-off after induction is 0.1%" states a limit)
    lo = _sentence_span(t, q.start)[0]
    if _ends_with(t[lo:q.start], "mrd_level", "anaphor"):  # (MRD named in its sentence or one of the two before:
        # "What is MRD? I read 0.01% or more is bad. Mine was 0.008%."; the sentence, not the 40 characters: "my
        # result after the first round of chemo was 0.03%")
        before = _sentence_span(t, max(0, lo - 1))[0]
        return _points_back(t, _sentence_span(t, max(0, before - 1))[0], q.start)
    # "MRD after induction came back at 0.1%": a result word just before the level, MRD named earlier in its sentence
    return _names_mrd(t[lo:q.start]) and (
        _ends_with(seg, "mrd_level", "follow", ("at", "of", "is", "was"), 1, signs="-/>=") or _cue_before(
            seg, "mrd_result") or _mrd_subject_of(t, lo, q.start))


def _names_cells(text: str) -> bool:
    """Leukemia cells named in the text ("leukemia cells 1 in 10,000 remaining"; context.yaml facts.mrd_cells_of and
    mrd_cells)."""
    words, table = [w for _, w in words_and_signs(text)], _fact_words()
    return any(a in table["mrd_cells_of"] and b in table["mrd_cells"] for a, b in zip(words, words[1:]))


def _mrd_subject_of(t: str, lo: int, at: int) -> bool:
    """MRD is the subject the level is said of, in one clause: "flow MRD in a 30-year-old with Ph-negative ALL is
    0.03%" (r54 w08: the patient between them), no limit named ("the MRD cut-off in adults is 0.01%") and no other
    percentage between.

    >>> _mrd_subject_of("flow mrd in a 30-year-old with ph-negative all is 0.03%", 0, 50)
    True
    >>> _mrd_subject_of("the mrd cut-off in adults is 0.01%", 0, 29)
    False
    """
    ends = [b for a, b, n in _hits(t[lo:at], "mrd_level") if n == "earlier"]
    if not ends:
        return False
    between = t[lo + ends[-1]:at]
    words = [w for _, w in words_and_signs(between)]
    return bool(words) and words[-1] in ("is", "was", "=", ":") and "%" not in between and not any(
        c in between for c in ",;") and not _phrase(t[lo:at], "generic_level", "mrd_words")


def _points_back(t: str, lo: int, pos: int) -> bool:
    """A result pointing back ("his was 0.02%") at `pos` is the MRD test's: MRD named in t[lo:pos] (its sentence or
    the ones before), no blasts named after it ("what is the MRD test he keeps getting? his was 0.02%")."""
    ends = [lo + b for _, b, n in _hits(t[lo:pos], "mrd_level") if n == "earlier"]
    return bool(ends) and not {"blast", "blasts"} & _words(t[max(ends):pos])


def _result_word(items: list[tuple[int, str]], k: int) -> tuple[str, int] | None:
    """(kind, items used) of an MRD result word at items[k]: negative, undetectable, not_detected, positive,
    detected, trend ("rising", "re-emerging")."""
    w, nxt = items[k][1], items[k + 1][1] if k + 1 < len(items) else ""
    if w == "not" and nxt.startswith("detect"):
        return "not_detected", 2
    if w == "re" and nxt == "-" and k + 2 < len(items) and items[k + 2][1].startswith(("appear", "emerg")):
        return "trend", 3
    kinds = {"negative": "negative", "neg": "negative", "undetectable": "undetectable", "undetected": "undetectable",
             "positive": "positive", "pos": "positive", "+": "positive", "detected": "detected",
             "detectable": "detected", "rising": "trend", "increasing": "trend"}
    if w in kinds:  # (clinicians' shorthand too: "RQ-PCR turned + at d+180", "PCR +ve", "qPCR pos")
        return kinds[w], 1 + (w == "+" and nxt == "ve")
    if w.startswith(("reappear", "reemerg", "persist")):
        return "trend", 1
    return ("negative", 1) if w.startswith("negativ") else None


_BCR_RESULTS = {
    "filler": ({"undetectable", "not_detected", "negative"}, {"detected", "trend", "positive"}),
    "change": ({"negative", "undetectable", "not_detected"}, {"detected", "positive"}),
    "bare": ({"undetectable"}, {"trend"}),
}


def _result_after(t: str, end: int, subject: str, dated: bool = False) -> str | None:
    """The MRD result written after a BCR::ABL1 or PCR subject ending at `end` ("transcripts became undetectable",
    "turned positive", "PCR was negative"); a bare "BCR::ABL1 negative" is a diagnosis, not an MRD result, unless
    `dated` after a treatment (`_dated`: "after allo-HSCT BCR::ABL1 mRNA positive", 移植後にBCR::ABL1が陽性, "BCR::ABL1
    negative at day +90")."""
    words = _fact_words()
    items = words_and_signs(t[end:end + 90])
    fillers, verbs, change, k = 0, [], False, 0
    while k < min(len(items), 9):
        w = items[k][1]
        if w in ("+", "-") and k + 1 < len(items) and items[k + 1][1].isdigit():
            k += 2  # a signed number is a day, no result ("undetectable by PCR at day +100", r92 q03)
            continue
        kind, used = _result_word(items, k) or (None, 0)
        if kind and k + used < len(items) and items[k + used][1] == "for":
            return None  # "PCR positive for BCR-ABL1": a finding at diagnosis, not an MRD result
        if kind:
            return _accept_result(subject, kind, fillers, verbs, change or dated)
        if w in words["mrd_transcript_types"] and not verbs:
            pass  # "BCR::ABL1 (p190) now detectable": the transcript's type, no result
        elif (w in words["mrd_fillers"] or w.isdigit()) and not verbs or w == "-" or w in ("(", ")") and not verbs:
            fillers += w in words["mrd_fillers"]
        elif w in words["mrd_change"] or w in words["mrd_state"]:
            verbs.append(w)
            change = change or w in words["mrd_change"]
        else:
            return None
        k += 1
    return None


def _held(verbs: list[str]) -> bool:
    """The words between a transcript and its result say it has held ("still", "is still", "remains"; context.yaml
    facts.mrd_held, mrd_held_with)."""
    table = _fact_words()
    held, extra = set(verbs) & set(table["mrd_held"]), set(verbs) - set(table["mrd_held"])
    return bool(held) and len(verbs) <= 2 and extra <= set(table["mrd_held_with"])


def _accept_result(subject: str, kind: str, fillers: int, verbs: list[str], change: bool) -> str | None:
    if subject == "pcr":
        negative, positive = _BCR_RESULTS["change"]
    elif fillers and len(verbs) <= 2:
        negative, positive = _BCR_RESULTS["filler"]
    elif change:
        negative, positive = _BCR_RESULTS["change"]
    elif len(verbs) <= 1 and set(verbs) <= {"is", "was", "became", "now"} or _held(verbs):
        negative, positive = _BCR_RESULTS["bare"]  # ("BCR-ABL1 still undetectable": a result held over repeated tests)
    else:
        return None
    return "negative" if kind in negative else "positive" if kind in positive else None


def _result_events(t: str) -> list[tuple[int, str, float | None]]:
    """MRD results named by their test or in words: "BCR::ABL1 transcripts became undetectable", "PCR turned
    positive", "complete molecular response", "molecular relapse", "MRD conversion (to negativity)"."""
    events: list[tuple[int, str, float | None]] = []
    hits = _hits(t, "mrd_results")
    for a, b, name in hits:
        pre = _before(t, a)
        if _negated(pre):
            continue
        if name in ("negative", "positive"):
            events.append((a, name, None))
        elif name in ("bcr", "pcr"):
            status = _result_after(t, b, name, name == "bcr" and _dated(t, a, b)) or _amount_before(t, a, b)
            events += [(a, status, None)] if status else []
        elif name == "conversion" and not _ends_with(pre, "mrd_results", "conversion_goal"):
            status = _conversion(t, b)
            events += [(a, status, None)] if status else []
    return events


def _amount_before(t: str, start: int, end: int) -> str | None:
    """An amount of the transcript found, or the transcript back, with no result word after it ("her test shows a
    tiny bit of BCR-ABL", "a small amount of BCR-ABL came back", "the BCR-ABL came back"): detected."""
    words = _fact_words()
    before = [w for _, w in words_and_signs(_before(t, start, 30))][-4:]
    after = [w for _, w in words_and_signs(t[end:end + 30])][:3]
    amount = any(" ".join(before[i:]) in words["mrd_amounts"] for i in range(len(before)))
    back = " ".join(after[:2]) in words["mrd_back"] and not (after[2:] and _result_word([(0, after[2])], 0))
    return "positive" if amount or back else None


def _conversion(t: str, end: int) -> str | None:
    """ "MRD conversion (from positive) to negativity" is negative, an "MRD conversion rate" nothing, else positive."""
    words = [w for _, w in words_and_signs(t[end:end + 50]) if w != "-"][:5]
    if words[:1] == ["from"] and words[1:2] and words[1].startswith("pos"):
        words = words[2:]
    target = [w for w in words[1:3] if w != "mrd"][:1]
    if words[:1] == ["to"] and target and target[0].startswith("neg"):
        return "negative"
    return None if words[:1] in (["rate"], ["rates"]) else "positive"


def _bare_levels(t: str) -> list[tuple[int, str]]:
    """(position, digits) of each MRD level written without a unit ("MRD 0.02", "MRD was .005"): read as percent."""
    out = []
    for _, b in _phrase_spans(t, "mrd", "mrd_words"):
        items = words_and_signs(t[b:b + 40])
        k = 0
        k += k < len(items) and items[k][1] in ("level", "levels")
        for words in (("came", "back", "at"), ("came", "back"), ("now", "at"), ("of",), ("is",), ("was",), ("=",),
                      (":",), ("at",), ("now",)):
            if tuple(w for _, w in items[k:k + len(words)]) == words:
                k += len(words)
                break
        number = _decimal_at(t, b, items, k)
        if number:
            out.append(number)
    return out


def _decimal_at(t: str, base: int, items: list[tuple[int, str]], k: int) -> tuple[int, str] | None:
    """A decimal with no unit after it ("0.02", ".005") at items[k]."""
    if k < len(items) and items[k][1] == "." and k + 1 < len(items) and items[k + 1][1].isdigit():
        start, digits, k = items[k][0], "." + items[k + 1][1], k + 2
    elif k + 2 < len(items) and items[k][1].isdigit() and items[k + 1][1] == "." and items[k + 2][1].isdigit() \
            and items[k + 1][0] == items[k][0] + len(items[k][1]) and items[k + 2][0] == items[k + 1][0] + 1:
        start, digits, k = items[k][0], items[k][1] + "." + items[k + 2][1], k + 3
    else:
        return None
    end = base + start + len(digits)
    after = t[end:end + 20].lstrip()
    if t[end:end + 1].isdigit() or t[end:end + 1] == "." and t[end + 1:end + 2].isdigit():
        return None
    if after[:1] in ("%", "x", "×", "*") or after.startswith(("e-", "e -")):
        return None
    nxt = next((w for _, w in words_and_signs(after)), "")
    return None if _skippable(nxt, _fact_words()["bare_level_not"]) else (base + start, digits)


def _rate_after(t: str, pos: int) -> bool:
    """A rate named within three words after `pos` ("MRD-negative CR rate", "MRD negativity rates")."""
    for k, part in enumerate(t[pos:pos + 80].split()[:4]):
        word = part[:len(part) - len(part.lstrip("abcdefghijklmnopqrstuvwxyz"))] if part[:1].isalpha() else ""
        if word in ("rate", "rates", "proportion", "proportions", "percentage", "percentages") and (
                len(word) == len(part) or not word_char(part[len(word)])):
            return True
        if not all(word_char(c) or c in "+:-" for c in part):
            return False
    return False


def _rate_before(t: str, pos: int) -> bool:
    """A rate named just before `pos` ("rate of MRD negativity", "the proportion was 40%")."""
    seg = t[max(0, pos - 40):pos]
    return _ends_with(seg, "mrd_level", "rate_of", ("*",), 2) or _ends_with(
        seg, "mrd_level", "rate", ("was", "were", "is", "are", "of", "reached", "about", "approximately", "around"), 2,
        signs=":=~")


def _names_a_study(sentence: str) -> bool:
    """A trial or study named ("in the trial", "E1910"), not the patient's "marrow study"."""
    not_a_study = _fact_words()["not_a_study"]
    return names_trial(sentence) or any(n == "study" and _word_before(sentence, a) not in not_a_study
                                        for a, _, n in _hits(sentence, "mrd_level"))


def _clause(t: str, pos: int, lo: int, hi: int) -> str:
    """The clause around `pos` within t[lo:hi]: between , : ; ( ) a line end or a dash between spaces."""
    start = lo + _clause_start(t[lo:pos], ",:;()\n")
    end = pos + _clause_end(t[pos:hi], ",:;()\n")
    return t[start:end]


def _clause_start(seg: str, signs: str, *, full_stop: bool = False) -> int:
    """Where the last clause of `seg` starts: after one of `signs`, a dash between spaces, or (`full_stop`) a full
    stop that is no decimal point."""
    cut = 0
    for i, c in enumerate(seg):
        if name_colon(seg, i):
            continue
        if c in signs or full_stop and c == "." and not seg[i + 1:i + 2].isdigit():
            cut = i + 1
        elif c == "-" and seg[i - 1:i].isspace():
            j = i
            while seg[j:j + 1] == "-":
                j += 1
            cut = j + 1 if seg[j:j + 1].isspace() else cut
    return cut


def _clause_end(seg: str, signs: str) -> int:
    for i, c in enumerate(seg):
        if name_colon(seg, i):
            continue
        if c in signs:
            return i
        if c.isspace() and seg[i + 1:i + 2] == "-":
            j = i + 1
            while seg[j:j + 1] == "-":
                j += 1
            if seg[j:j + 1].isspace():
                return i
    return len(seg)


def _patient_level(t: str) -> float | None:
    """The patient's own level after a threshold the question quotes ("is my patient with 0.05% low risk?")."""
    for _, b, name in _hits(t, "mrd_level"):
        if name != "patient_level":
            continue
        items = words_and_signs(t[b:b + 20])
        number = ""
        for _, w in items:
            if w.isdigit() or w == "." and not number.count("."):
                number += w
            else:
                if w == "%" and number.strip(".") and number[-1:] != ".":
                    value = float(number)
                    return value if 0 < value < 1 else None
                break
    return None


def _mrd_events(t: str, population: bool = False, *,
                supposed: bool = False) -> list[tuple[int, str, float | None]]:
    """(position, status, level %) for each MRD statement about the patient, in text order (with
    `population`, trial and study statements count too; with `supposed`, a change supposed: "if it turns
    negative")."""
    events: list[tuple[int, str, float | None]] = []
    for start, end in _phrase_spans(t, "mrd", "mrd_words"):
        pol = _sign(t, end, "signs_mrd")
        pre = _before(t, start, 40)
        if pol is None or pol == 0:
            if _cue_before(pre, "mrd_negative") or (pol is None and _negated(pre)):
                events.append((start, "negative", None))
            elif _cue_before(pre, "mrd_positive") or _said_present(t, start, end, pre):
                events.append((start, "positive", None))
            continue
        if _negated(pre):
            pol = -pol
        events.append((start, "positive" if pol > 0 else "negative", None))
    events += _result_events(t)
    levels = _without_restatements(t, [q for q in quantities(t) if q.kind == "level"])
    offered = _alternatives(t, levels)
    for q in levels:
        lo, hi = _sentence_span(t, q.start)  # ("MRD 0.03%. high-risk? threshold?": the next sentence's words are
        # no generic level)
        if q not in offered and not _phrase(t[max(lo, q.start - 25):min(hi, q.end + 25)], "generic_level",
                                            "mrd_words") and not _criterion_level(t, q, lo, hi) and _mrd_level(t, q):
            events.append((q.start, *_level_event(q.bound, q.value)))
    for pos, digits in _bare_levels(t):
        events.append((pos, *_level_event(None, float(digits))))
    events = sorted((e for e in events if not _not_a_patient_result(t, e[0], population, supposed=supposed)),
                    key=lambda e: e[0])
    # a result reported stands before one supposed ("day 90 BCR::ABL1 undetectable ... if MRD turned positive, what
    # then?": the patient's MRD is negative; rja46 e05); a supposed one alone is read, as a hypothesis (_supposed)
    reported = [e for e in events if not _supposed(t, e[0])]
    return reported if reported else events


def _without_restatements(t: str, levels: list[Any]) -> list[Any]:
    """The levels but those in brackets restating an earlier level of the same sentence ("an MRD below 0.01% after
    induction (10^-4, one cell in 10,000)": one bounded level, not a second result of 0.01%, heldout11 c028)."""
    out = []
    for q in levels:
        lo, _ = _sentence_span(t, q.start)
        opened = t.rfind("(", lo, q.start)
        inside = opened >= 0 and ")" not in t[opened:q.start]
        if inside and any(p.end <= opened and p.start >= lo and abs(p.value - q.value) < 1e-12 for p in levels):
            continue
        out.append(q)
    return out


def _criterion_level(t: str, q: Any, lo: int, hi: int) -> bool:
    """A level with a lower bound in a question naming a criterion or the guideline ("MRD 0.1% or more is positive by
    the JSH criteria, right?"): the limit the asker believes, not the patient's result (rja68 q17)."""
    after = t[q.end:q.end + 40]
    if after.lstrip().startswith("(") and ")" in after:  # ("0.1% (10^-3) or more": its equivalent in brackets)
        after = after[after.index(")") + 1:]
    after = after.lstrip(") ")  # (the equivalent itself: "(10^-3) or more")
    bounded = q.bound == "above" or _starts_with(after[:15], "mrd_words", "bound_after")
    return bounded and "?" in t[lo:hi] and _phrase(t[lo:hi], "criterion", "mrd_words")


def _alternatives(t: str, levels: list[Any]) -> list[Any]:
    """Levels offered as alternatives ("cutoff 10^-3 or 10^-4?", "0.1% vs 0.01%"): a question about which value is
    the limit; a patient has one result (r46 o14 was told "an MRD of 0.01% is at or above the threshold")."""
    out: list[Any] = []
    for a, b in zip(levels, levels[1:]):
        if t[a.end:b.start].strip(" ,") in _ALTERNATIVE_WORDS:
            out += [q for q in (a, b) if q not in out]
    return out


_ALTERNATIVE_WORDS = frozenset({"or", "vs", "vs.", "versus", "/"})


def _phrase_spans(text: str, name: str, group: str) -> list[tuple[int, int]]:
    """(start, end) of the non-overlapping phrases `name` of context.yaml's phrases[group] in `text`, left to right."""
    out: list[tuple[int, int]] = []
    for a, b, n in _hits(text, group):
        if n == name and (not out or a >= out[-1][1]):
            out.append((a, b))
    return out


def _phrase(text: str, name: str, group: str = "mrd") -> bool:
    """`text` holds a phrase of context.yaml's phrases[group][name]."""
    return any(n == name for _, _, n in _hits(text, group))


def _names_a_level(clause: str) -> bool:
    return any(c.isdigit() for c in clause) or bool({"level", "levels", "value", "values"} & _words(clause))


def _relative_time(text: str) -> bool:
    """ "at week 12", "at month 6", "at 6 months": a time relative to some anchor."""
    items = words_and_signs(text)
    for k, (pos, word) in enumerate(items[:-1]):
        nxt_pos, nxt = items[k + 1]
        if word != "at" or not text[pos + 2:nxt_pos].isspace():
            continue
        unit = nxt.rstrip("0123456789")
        if unit in ("week", "month") and (unit != nxt or k + 2 < len(items) and items[k + 2][1].isdigit()
                                          and text[nxt_pos + len(nxt):items[k + 2][0]].strip() == ""):
            return True
        digits = nxt[:len(nxt) - len(nxt.lstrip("0123456789"))]
        after = nxt[len(digits):] or (items[k + 2][1] if k + 2 < len(items) and text[nxt_pos + len(nxt):items[k + 2][0]]
                                      .strip() == "" else "")
        if digits and after.startswith(("week", "month")):
            return True
    return False


def _not_a_patient_result(t: str, pos: int, population: bool = False, *, supposed: bool = False) -> bool:
    """The MRD statement at `pos` is a statistic, a generic question about a level or (unless
    `population`) a trial's statement."""
    if _rate_after(t, pos) or _rate_before(t, pos):
        return True
    lo, hi = _sentence_span(t, pos)
    sentence = t[lo:hi]
    randomised = any(w.startswith(("randomis", "randomiz")) for w in _words(sentence))
    trial = randomised or (_names_a_study(sentence) and _phrase(sentence, "trial_report", "mrd_words"))
    if trial and not population:
        return True
    clause = _clause(t, pos, lo, hi)
    if any(c == "%" and _cue_after(clause, i + 1, "of_patients") for i, c in enumerate(clause)):
        return True
    opening = t[lo + _clause_start(t[lo:pos], ",:;()\n"):pos]
    if not supposed and _phrase(opening, "hypothetical", "mrd_words") and _phrase(clause, "change", "mrd_words") and (
            not population or any(_other_result_compared(t, s) for s in _RESULT_WORDS)):
        return True  # "if MRD turns negative": a future change, not a result (a sentence's population keeps it:
        # "if it becomes MRD negative, does that mean cured?" is said of MRD-negative patients; not two results side
        # by side, "if MRD turns positive versus stays negative")
    if not sentence.rstrip().endswith("?"):
        return False
    return bool(
        _phrase(clause, "level_question") and _names_a_level(clause) and not _phrase(clause, "patient")
    )


@lru_cache(maxsize=16)
def _sentence_ends(t: str) -> tuple[int, ...]:
    ends = []
    for i, c in enumerate(t):  # ; ! ? a line end, a full stop (not a decimal point), a dash between spaces
        if c in ";!?\n" or c == "." and not ("0" <= t[i + 1:i + 2] <= "9" and t[i + 1:i + 2]):
            ends.append(i + 1)
        elif c == "-" and t[i - 1:i].isspace() and t[i + 1:i + 2].isspace() and (not ends or ends[-1] < i):
            ends.append(i + 2)
    return tuple(ends)


def _sentence_span(t: str, pos: int) -> tuple[int, int]:
    ends = _sentence_ends(t)
    i = bisect_right(ends, pos)
    return (ends[i - 1] if i else 0), (ends[i] if i < len(ends) else len(t))


#: Words that set a clause against the one before it.
_CONTRAST = frozenset({"but", "however", "whereas", "although"})


def _other_results_time(t: str, lo: int, end: int, pos: int) -> bool:
    """The time ending at `end` is on the other side of "but" from the result at `pos`, with an MRD result of its
    own ("MRD negative before transplant, but now 0.005%"; not "in remission after induction but MRD 0.05%")."""
    cuts = [end + i for i, w in words_and_signs(t[end:pos]) if w in _CONTRAST] if end <= pos else []
    return bool(cuts) and _names_mrd(t[lo:cuts[-1]])


def _mrd_timepoint(t: str, pos: int) -> str | None:
    """The time point nearest the MRD result at `pos` in its sentence; else post-HSCT when a done
    transplant is stated before it ("s/p allo-HSCT. MRD turned positive at 6 months"); else "other"
    for a bare relative time ("at 6 months")."""
    lo, hi = _sentence_span(t, pos)
    near = [(abs(lo + a - pos), label) for a, b, label in _hits(t[lo:hi], "timepoints")
            if (label != "after_induction" or not {"salvage", "second", "re"} & _words(t[lo + a:lo + b]))
            and not _other_results_time(t, lo, lo + b, pos)]
    if near:
        return min(near)[1]
    if any(_tx_status(t, a, b) == "done" for a, b in _transplants(t, 0, pos)):
        return "post_hsct"
    return "other" if _relative_time(t[lo:hi]) else None


def unitless_mrd_level(question: str) -> str | None:
    """The MRD level written without a unit ("MRD 0.02"), which the reader takes as percent, or None.

    >>> unitless_mrd_level("Ph- B-ALL, MRD 0.02 after induction")
    '0.02'
    >>> unitless_mrd_level("MRD 0.02% after induction") is None
    True
    """
    levels = _bare_levels(_normalise(question))
    return levels[0][1] if levels else None


def _read_mrd(t: str, population: bool = False) -> tuple[str | None, float | None, str | None]:
    """
    >>> _read_mrd("jsh defines mrd high risk as >=0.1% after induction, is my patient with 0.05% low risk?")
    ('positive', 0.05, None)
    """
    events = _mrd_events(t, population)
    if _candidate_cutoffs(t, events):
        return None, None, None  # ("MRD cut-off: 10^-3? 10^-4? which does JSH use?": levels offered as the limit)
    own_level = _patient_level(t) if "mrd" in t and not population else None
    if not events:
        return (_level_status(own_level, None), own_level, None) if own_level is not None else (None, None, None)
    days = [_day_after(t, p) for p, _, _ in events]
    if len(events) >= 2 and all(d is not None for d in days):  # ("0.003% at day +180 ... MRD-neg at day +90": the
        events = [e for _, e in sorted(zip(days, events), key=lambda de: de[0])]  # latest test is the result now)
    pos, status, last_level = events[-1]
    levels = [lvl for _, st, lvl in events if st == status and lvl is not None]
    level = levels[-1] if levels and status == "positive" else None
    if level is None and status == "positive" and own_level is not None:
        level, last_level = own_level, own_level
    timepoint = _mrd_timepoint(t, pos)
    if status == "positive" and last_level is not None:
        return _level_status(last_level, timepoint), level, timepoint
    return status, level, timepoint


def _candidate_cutoffs(t: str, events: list[tuple[int, str, float | None]]) -> bool:
    """Two or more levels, each in a sentence that asks, in a question naming a cut-off (mrd_words generic_level):
    the limits the asker weighs ("cut-off 10^-3? 10^-4? which is high risk?", rja78 q08), not a result."""
    asked = [q for q in quantities(t) if q.kind == "level"]
    if not events or len({q.value for q in asked}) < 2 or not _phrase(t, "generic_level", "mrd_words"):
        return False
    return all(t[slice(*_sentence_span(t, q.start))].rstrip().endswith("?") for q in asked)


def _said_present(t: str, start: int, end: int, pre: str) -> bool:
    """MRD said to be there ("there is now MRD in his tests", "they found MRD"): not a test ("has MRD testing"), not
    a yes/no question ("has MRD been done?", "does he have MRD?")."""
    return (_cue_before(pre, "mrd_present") and _next_word(t, end) not in _fact_words()["mrd_test_words"]
            and not _yes_no_question(t, start))


def _day_after(t: str, pos: int) -> int | None:
    """The day a result at `pos` was taken, written after it ("at day +180", "d+90", "on day 28"), if any."""
    items = [w for _, w in words_and_signs(t[pos:pos + 45])]
    for k, w in enumerate(items):
        if w in ("day", "d"):
            rest = [x for x in items[k + 1:k + 3] if x != "+"]
            if rest and rest[0].isdigit():
                return int(rest[0])
    return None


def _level_status(level: float, timepoint: str | None) -> str | None:
    """The result a measured MRD level says: at or above the guideline's high-risk level (quantities.yaml
    mrd_high_risk_pct) positive; below it none (the level is kept), except after a transplant, where any detectable
    level is a positive result.

    >>> _level_status(0.05, "after_induction"), _level_status(0.005, "after_induction"), _level_status(0.005, "post_hsct")
    ('positive', None, 'positive')
    """
    below = level < float(lexicon_file(LEXICON_DIR, "quantities.yaml")["mrd_high_risk_pct"])
    return None if below and timepoint != "post_hsct" else "positive"


# --------------------------------------------------------------------------------------------
# T315I, prior TKIs, donor, fitness
# --------------------------------------------------------------------------------------------

def _read_t315i(t: str) -> bool | None:
    seen: set[bool] = set()
    found = find_phrases(t, phrase_table("t315i"))
    for start, end, name in found:
        pol = _sign(t, end) if name == "t315i" else 0
        if pol == 0:
            continue
        positive = pol != -1
        if _negated(_before(t, start)):
            positive = not positive
        seen.add(positive)
    if not seen and any(name == "none" for _, _, name in found):
        return False
    return _one(seen)


def _is_prior(t: str, start: int, end: int) -> bool:
    """The TKI at t[start:end] was given: a history cue before it in its clause with no question or choice after
    the cue (context.yaml phrases.prior), or its failure after it (phrases.prior_after)."""
    pre = _before(t, start, 80)
    hits = _hits(pre, "prior")
    cues = [b for a, b, n in hits if n == "cue" or n == "on" and _word_before(pre, a) not in _fact_words()[
        "on_not_prior"]]
    if cues and not any(n == "block" and a >= max(cues) for a, _, n in hits):
        return True
    return _starts_with(t[end:end + 50], "prior_after", "failed")


def _word_before(text: str, i: int) -> str:
    """The word right before position `i` (past spaces)."""
    items = words_and_signs(text[max(0, i - 30):i])
    return items[-1][1] if items else ""


def _list_join(gap: str) -> bool:
    """The text between two TKIs joins them in a list (", ", " and ", " then ", " -> ")."""
    words = gap.replace(",", " , ").split()
    return len(words) <= 3 and all(w in _fact_words()["list_join"] for w in words)


def _tki_mentions(t: str) -> list[tuple[int, int, str]]:
    """(start, end, concept id) of each TKI the text names: the lexicon's drugs of the class `tki` (names, brands,
    misspellings), and with `with_class` the class itself ("TKI", "the leukemia pill")."""
    lex, spans = load_lexicon(), token_spans(t)
    found = [(spans[m.start][0], spans[m.end - 1][1], m.concept) for m in _tki_readings(t)]
    for a, b in spans if "-" in t else ():  # a compound word: "imatinib-resistant", "dasatinib-based"
        pos = a
        for part in t[a:b].split("-") if "-" in t[a:b] else ():
            form = next((f for f in lex.forms.get(part, ()) if len(f.tokens) == 1), None)
            if form and (form.concept.id == "tki" or form.concept.broader == "tki"):
                found.append((pos, pos + len(part), form.concept.id))
            pos += len(part) + 1
    return sorted(found)


def _tki_readings(t: str) -> list[Any]:
    """The concept layer's mentions of a TKI or the class in `t` (read only when a word of the text can name one)."""
    ids = _tki_ids()
    return [m for m in read_concepts(t).mentions if m.concept in ids] if may_mention(t, ids) else []


@lru_cache(maxsize=1)
def _tki_ids() -> frozenset[str]:
    lex = load_lexicon()
    return frozenset({"tki", *(c for c, concept in lex.concepts.items() if concept.broader == "tki")})


def _read_prior_tkis(t: str) -> list[str]:
    mentions = [m for m in _tki_mentions(t) if m[2] != "tki"]
    prior = [_is_prior(t, a, b) for a, b, _ in mentions]
    for i in range(1, len(mentions)):
        gap = t[mentions[i - 1][1]: mentions[i][0]]
        if prior[i - 1] and not prior[i] and _list_join(gap):
            prior[i] = True
    return list(dict.fromkeys(name for (_, _, name), is_prior in zip(mentions, prior, strict=True) if is_prior))


def _read_regimen(t: str) -> str | None:
    """The chemotherapy regimen given so far ("CR1 after a pediatric-type protocol", "treated with hyper-CVAD"): a
    regimen concept (context.yaml facts.regimen_pediatric / regimen_adult) with a history cue before it, as for a
    TKI; one only asked about ("is a pediatric-type regimen appropriate?") is none."""
    words = _fact_words()
    kinds = {c: kind for kind in ("pediatric", "adult") for c in words[f"regimen_{kind}"]}
    if not may_mention(t, frozenset(kinds)):
        return None
    spans = token_spans(t)
    given = {kinds[m.concept] for m in read_concepts(t).mentions
             if m.concept in kinds and _is_prior(t, spans[m.start][0], spans[m.end - 1][1])}
    return _one(given)


def regimen_concepts(kind: str) -> frozenset[str]:
    """The concept ids of a kind of regimen ("pediatric", "adult": context.yaml facts.regimen_<kind>)."""
    return frozenset(_fact_words().get(f"regimen_{kind}", ()))


def _on_tki(t: str) -> bool:
    """A TKI is being taken, started or stopped ("taking dasatinib", "on her TKI", "come off the tki")."""
    lex = load_lexicon()
    toks, rules = tokens(t), lex.context
    readings = _tki_readings(t)
    if any(m.taken and not m.other_person for m in readings):  # ("the pills (TKI)": the concept layer's reading)
        return True
    starts = {m.start for m in readings}
    for i in starts:
        j = i - (i > 0 and toks[i - 1] in rules.taking_determiners)
        if any(tuple(toks[max(0, j - len(p)):j]) == p for p in rules.taking):
            return True
    return False


def _given_now(t: str) -> frozenset[str]:
    """The treatments the patient is given now or is scheduled for ("started on blinatumomab", "scheduled for
    inotuzumab": context.yaml taking.current), not ones asked about ("can she take blinatumomab?") or given before.

    >>> sorted(_given_now("my father is scheduled for blinatumomab")), sorted(_given_now("can he take blinatumomab?"))
    (['blinatumomab'], [])
    """
    rules = load_lexicon().context
    if not rules.taking_now:
        return frozenset()
    toks, spans, given = [w.lower() for w in tokens(t)], token_spans(t), set()
    for m in read_concepts(t).mentions:
        if m.kind not in TREATMENT_KINDS or m.negated or m.historical:
            continue
        j = m.start - (m.start > 0 and toks[m.start - 1] in rules.taking_determiners)
        cue = next((p for p in rules.taking_now if len(p) <= j and tuple(toks[j - len(p):j]) == p), None)
        if cue is None:
            continue
        before = t[:spans[j - len(cue)][0]].lower().split()[-4:]  # (the four words before the cue)
        if not (before and before[-1].endswith(rules.taking_denied) or set(before) & rules.taking_asked):
            given.add(m.concept)
    return frozenset(given)


def _read_donor(t: str) -> bool | None:
    """A donor found (True) or not (False): a donor named (context.yaml phrases.donor) with the donor cues."""
    cues, seen, done = load_lexicon().context.donor, set(), 0
    for start, end, _ in _hits(t, "donor"):
        if start < done:
            continue  # ("mrd-donor": one donor)
        done = end
        after = tokens(t[end:end + 60])[:4]
        verb = next((v for v in cues["verbs"] if tuple(after[:len(v)]) == v), ())
        after = after[len(verb):]
        if _denied_donor(_before(t, start, 50), cues["none_before"]) or any(
                tuple(after[:len(p)]) == p for p in cues["none_after"]):
            seen.add(False)
        elif _found_donor(_before(t, end, 50), cues["found_before"]) or any(
                tuple(after[:len(p)]) == p for p in cues["found_after"]):
            seen.add(True)  # (the donor's own words count: "matched sib", "MSD")
    return _one(seen)


def _denied_donor(pre: str, cues: tuple[tuple[str, ...], ...]) -> bool:
    """A denial ending at most three words before the end of `pre` ("no matched sibling ")."""
    words = tokens(pre)
    for k in range(max(0, len(words) - 3), len(words) + 1):
        rest = words[k:]
        if all(w.replace("-", "").replace("_", "").isalnum() for w in rest) and any(
                tuple(words[max(0, k - len(c)):k]) == c for c in cues):
            return True
    return False


def _found_donor(pre: str, cues: tuple[tuple[str, ...], ...]) -> bool:
    """A cue of a donor found among the words at the end of `pre` ("matched sibling ", "has an unrelated ")."""
    cut = max((i + 1 for i, c in enumerate(pre) if not (c.isalnum() or c in "_- \t")), default=0)
    words = tokens(pre[cut:].replace("-", " "))
    for i in range(len(words)):
        for c in cues:
            if c[-1] == "*" and words[i].startswith(c[0]) or tuple(words[i:i + len(c)]) == c:  # ("haplo*": a prefix)
                return True
    return False


def _read_fitness(t: str) -> str | None:
    """Fit or unfit for intensive therapy (context.yaml phrases.fitness); "unfit for transplant" is no fitness (age
    alone can make a patient transplant-ineligible)."""
    seen: set[str] = set()
    for a, b, name in _hits(t, "fitness"):
        negated = _negated(_before(t, a, 30))
        if _asked_of(t, a):
            continue  # ("is he too old for the strong chemo?": asked, not said)
        if name == "unfit":
            if t[a:b] == "unfit" and t[b:b + 5] == " for " and _transplants(t, b + 5, b + 45)[:1] and \
                    _transplants(t, b + 5, b + 45)[0][0] == b + 5:
                continue
            # ("not frail", "not too old for intensive chemotherapy": fit; "no major comorbidities": no reading, r76 q01)
            if negated and not t[a:b].startswith(("frail", "too ")):
                continue
            seen.add("fit" if negated else "unfit")
        elif t[a:b] != "fit" or _next_word(t, b) not in _fact_words()["fit_not_fitness"]:
            seen.add("unfit" if negated else "fit")
    return _one(seen)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def _names_ph_like(t: str) -> bool:
    """ "Ph-like ALL", "BCR::ABL1-like": a Ph term followed by "like" (which is no Ph status)."""
    return any(name != "cd" and _cue_after(t, b, "like", " \t-") for _, b, name in _terms(t, "markers_terms"))


def _case_mark(text: str) -> bool:
    """A mark of a question about a patient (context.yaml phrases.case: "my patient", "she", "what next?"), or an
    age written with its unit ("72 yo", "72F", "45 years old")."""
    if any(n == "mark" for _, _, n in _hits(text, "case")):
        return True
    items = words_and_signs(text)
    for k, (pos, word) in enumerate(items):
        digits = word[:len(word) - len(word.lstrip("0123456789"))]
        if not 1 <= len(digits) <= 3 or pos and word_char(text[pos - 1]):
            continue
        rest = word[len(digits):]
        unit = text[pos + len(digits):pos + len(digits) + 20] if rest else text[pos + len(word):pos + len(word) + 20]
        if rest and rest not in ("yo", "yr", "yrs", "m", "f", "y", "year", "years"):
            continue
        if any(a == len(unit) - len(unit.lstrip()) and n == "age_unit"
               for a, _, n in _hits(unit, "case")):
            return True
    return False


def _recap_end(question: str) -> int:
    """The end of a recap of an earlier answer opening the question (past its . ? ! or : and the spaces), or 0."""
    low = question.lower()
    first = next((i for i, c in enumerate(low) if word_char(c)), len(low))
    hits = [b for a, b, _ in _hits(low, "recap") if a == first]
    if not hits:
        return 0
    stops = [i for i in (low.find(c, hits[0]) for c in ".?!:") if i >= 0]
    if not stops:
        return 0
    end = min(stops) + 1
    while end < len(low) and low[end].isspace():
        end += 1
    return end


def split_recap(question: str) -> tuple[str, str]:
    """(recap, rest): a leading recap of an earlier answer, and the question after it.

    >>> split_recap("Earlier you said blinatumomab is for CD19+ relapsed B-ALL. Does JSH endorse it in E1910?")
    ('Earlier you said blinatumomab is for CD19+ relapsed B-ALL. ', 'Does JSH endorse it in E1910?')
    >>> split_recap("45F Ph+ ALL in CR1, what next?")
    ('', '45F Ph+ ALL in CR1, what next?')
    """
    end = _recap_end(question)
    return question[:end], question[end:]


def about_a_patient(question: str, facts: PatientFacts) -> bool:
    """The question describes a patient (an age, "my patient", "she", "what next?"), not only a population.

    >>> about_a_patient("58M Ph+ ALL in CR1", PatientFacts(age=58))
    True
    >>> about_a_patient("List the drugs for relapsed ALL", PatientFacts(phase="relapsed"))
    False
    """
    # (or a relative asks about the patient: "my brother has leukemia and the doctors want ..."; or patients of two
    # ages are compared, whose age the facts then leave out: "aged 25 and aged 50, does treatment differ?")
    return facts.age is not None or _case_mark(question.lower()) or read_concepts(question.lower()).asker == "relative" or (
        bool(compared_ages(question)))


def _without_drug_scope(t: str) -> str:
    """`t` with what a treatment is for blanked: its scope is no fact of the patient's ("blinatumomab, which is used
    in CD19-positive B-ALL, ..." reads no lineage or CD19; context.yaml phrases.drug_scope).

    >>> _without_drug_scope("is blinatumomab, which is used in cd19 positive b-all, safe at 70?").split()
    ['is', 'blinatumomab,', 'which', 'is', 'used', 'in', ',', 'safe', 'at', '70?']
    """
    for a, b, name in reversed(_hits(t, "drug_scope")):
        if name == "after" and _treatment_at(t[:a], last=True):
            end = b + _clause_end(t[b:], ",;:()?!\n")
            t = t[:b] + " " * (end - b) + t[end:]
        elif name == "before" and _treatment_at(t[b:], last=False):
            start = _clause_start(t[:a], ",;:()?!\n", full_stop=True)
            t = t[:start] + " " * (a - start) + t[a:]
    return t


def _treatment_at(seg: str, *, last: bool) -> bool:
    """A treatment is named at the end (`last`) or at the start of `seg`."""
    seg = seg.rstrip(" ,(") if last else seg.lstrip()
    seg = seg[_clause_start(seg, ".;:?!\n", full_stop=True):].lstrip() if last else seg[:_clause_end(seg, ",;:()?!\n")]
    toks = words_and_signs(seg)
    mentions = [m for m in read_concepts(seg).mentions if m.kind in TREATMENT_KINDS]
    return bool(toks) and any(m.end == len(toks) if last else m.start == 0 for m in mentions)


def _read_one(text: str, population: bool = False, known: tuple[str, ...] | None = None) -> dict[str, Any]:
    t = _normalise(text, known)
    if not population:
        t = _without_drug_scope(t)
    age, band = _read_age(t)
    # (a range is the question's patient or group; a sentence's population keeps to its bands: "the label excludes
    # patients aged 26 or older" is a limit, not the group the sentence speaks of)
    bands = _read_age_bounds(t) if age is None and band is None and not population else []
    cd19, cd22 = _read_markers(t)
    transplant = _read_transplant(t)
    mrd_status, mrd_level, mrd_tp = _read_mrd(t, population)
    prior_tkis = _read_prior_tkis(t)
    facts = {
        "age": age,
        "age_band": band,
        "age_bands": bands,
        "ph_status": _read_ph(t),
        "lineage": _read_lineage(t),
        "cd19": cd19,
        "cd22": cd22,
        "phase": _read_phase(t, transplant),
        "mrd_status": mrd_status,
        "mrd_level_pct": mrd_level,
        "mrd_timepoint": mrd_tp,
        "t315i": _read_t315i(t),
        "prior_tkis": prior_tkis,
        "transplant": transplant,
        "donor": _read_donor(t),
        "fitness": _read_fitness(t),
        "regimen": _read_regimen(t),
    }
    # (a patient is described: an age, a phase, a case mark, someone asking about their own or a relative's disease)
    patient = not population and (age is not None or facts["phase"] is not None or _case_mark(t)
                                  or read_concepts(t).asker is not None)
    cues = {"population": population, "ph_like": _names_ph_like(t), "on_tki": bool(prior_tkis) or _on_tki(t),
            "patient": patient,
            "cr_after_induction": _phrase(t, "cr_after_induction", "markers"),
            "mrd_hypothetical": not population and _mrd_hypothetical(t),  # (read by a patient's implication only)
            "molecular_relapse": _molecular_relapse(t), "t_lineage_named": "T" in _lineages(t),
            "given": _given_now(t) if not population else frozenset()}
    return implied(facts, cues)


# --------------------------------------------------------------------------------------------
# implications between facts (assistant/lexicon/implications.yaml)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Implication:
    id: str
    when: dict[str, Any]
    any: tuple[dict[str, Any], ...]
    then: dict[str, Any]
    mode: str
    replaces: frozenset[str] = frozenset()


@lru_cache(maxsize=2)
def implications(folder: Path = LEXICON_DIR) -> tuple[Implication, ...]:
    """The implication table, read once."""
    data = yaml.safe_load((folder / "implications.yaml").read_text(encoding="utf-8"))
    rows = tuple(Implication(id=r["id"], when=dict(r.get("when") or {}), any=tuple(r.get("any") or ()),
                             then=dict(r["then"]), mode=str(r["mode"]), replaces=frozenset(r.get("replaces") or ()))
                 for r in data["implications"])
    bad = [r.id for r in rows if r.mode not in ("set", "assume")]
    if bad:
        raise ValueError(f"implication {bad[0]!r}: mode must be 'set' or 'assume'")
    return rows


def _holds(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    """Each condition holds: a value equal, one of a list, or (for a set of values, as `given`) one in the list."""
    return all((bool(facts[k] & set(v)) if isinstance(facts.get(k), frozenset) else facts.get(k) in v)
               if isinstance(v, list) else facts.get(k) == v for k, v in condition.items())


def implied(facts: dict[str, Any], cues: dict[str, Any] | None = None, *, mode: str = "set") -> dict[str, Any]:
    """`facts` with the table's implications of `mode` applied (in table order; a stated fact is never changed).

    >>> implied({"lineage": None, "cd19": True, "cd22": None})["lineage"]
    'B'
    """
    out = dict(facts)
    known = {**out, **(cues or {})}
    for row in implications():
        if row.mode == mode and _holds(row.when, known) and (not row.any or any(_holds(c, known) for c in row.any)):
            out.update({k: v for k, v in row.then.items() if out.get(k) is None or k in row.replaces})
            known.update(out)
    return out


def assumed(facts: PatientFacts) -> dict[str, Any]:
    """The facts readers of `facts` take as known although the question did not state them (the table's
    `assume` rows): T-lineage ALL is Ph-negative, Ph-positive ALL is B-lineage, unless said otherwise.

    >>> assumed(PatientFacts(lineage="T")), assumed(PatientFacts(lineage="T", ph_status="positive"))
    ({'ph_status': 'negative'}, {})
    """
    given = facts.model_dump()
    return {k: v for k, v in implied(given, mode="assume").items() if given.get(k) != v}


def _merge(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Facts set in `new` override `base`; a new age band alone drops an age outside it."""
    merged = dict(base)
    for key, value in new.items():
        if value is not None and value != []:
            merged[key] = value
    if new.get("age") is not None or new.get("age_band") is not None:
        merged["age_bands"] = []  # (an age or a band given later replaces a range given before)
    old_age = base.get("age")
    new_band = new.get("age_band")
    if new_band and new.get("age") is None and old_age is not None and age_band(old_age) != new_band:
        merged["age"] = None
    return merged


def read_facts(question: str, *, history: list[str] | None = None, population: bool = False) -> PatientFacts:
    """Read patient facts from a question; facts in `question` override those in `history`.

    `history` holds the earlier user messages of the conversation, oldest first. A trial or study
    statement ("E1910 randomised MRD-negative patients") is not a patient fact; with `population=True`
    (reading the population a guideline sentence speaks about) it counts.

    >>> read_facts("45 yo man, Ph-negative B-ALL in CR1, MRD 0.05% after induction").mrd_level_pct
    0.05
    >>> read_facts("what if she were 70?", history=["45F Ph+ ALL in CR1"]).age
    70
    >>> text = "In E1910, MRD-negative patients were randomised to blinatumomab."
    >>> read_facts(text).mrd_status, read_facts(text, population=True).mrd_status
    (None, 'negative')
    """
    merged: dict[str, Any] = {}
    known: tuple[str, ...] | None = None  # the patient's nouns once an earlier message described the patient
    for text in [*(history or []), question]:
        merged = _merge(merged, _read_one(text, population, known))
        nouns = _patient_nouns(text)
        if nouns or known is not None or merged.get("age") is not None or merged.get("age_band") is not None:
            known = (*(known or ()), *nouns)
    return PatientFacts(**merged)


def apply_overrides(facts: PatientFacts, overrides: dict[str, Any]) -> PatientFacts:
    """Return `facts` with user corrections applied (validated; None clears a fact).

    Unknown field names and invalid values raise ValueError. Setting `age` also sets `age_band`;
    setting only an `age_band` that the current age does not fall in clears the age.

    >>> f = apply_overrides(read_facts("72F Ph+ ALL"), {"age": 58})
    >>> (f.age, f.age_band)
    (58, '40-64')
    """
    unknown = set(overrides) - set(PatientFacts.model_fields)
    if unknown:
        raise ValueError(f"unknown patient fact(s): {', '.join(sorted(unknown))}")
    data = {**facts.model_dump(), **overrides}
    if data.get("prior_tkis") is None:
        data["prior_tkis"] = []
    data["prior_tkis"] = [str(x).strip().lower() for x in data["prior_tkis"]]
    result = PatientFacts.model_validate(data)  # pydantic's ValidationError is a ValueError
    if result.age is not None:
        if not 0 <= result.age <= MAX_AGE:
            raise ValueError(f"age must be between 0 and {MAX_AGE}, got {result.age}")
        if "age" in overrides or result.age_band is None:
            return result.model_copy(update={"age_band": age_band(result.age)})
        if result.age_band != age_band(result.age):
            return result.model_copy(update={"age": None})
    return result
