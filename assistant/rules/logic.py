"""Guideline logic: rules as reviewable data (guideline.yaml) and a pure checker.

A rule has a stable `id`, the condition on patient facts (`when`), the recommendation in the project's words
(`statement`, a verbatim sentence of the cited corpus section), the `section_ids` it rests on, `topics` that make it
relevant to a question, and the sentence patterns that contradict it:

- `contradicts`: checked only when the patient facts satisfy `when` (the draft may not state conditions);
- `claims`: checked always (patterns that carry their own conditions, such as "nelarabine ... B-ALL").

A contradicting sentence is replaced by the rule's statement, cited to its section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from assistant.claims import strip_opener
from assistant.facts import assumed as facts_assumed
from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.base import Cues, Draft, Issue, Replacement, parse_lines, strip_lead
from assistant.rules.frames import Assert, Examples, known_fact_keys, matches
from assistant.text import names_trial, normalize, tokenize

#: libyaml's safe loader when present (4x faster at start), else the pure-Python one: same results
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Tri = Literal[True, False] | None


def _checked_patterns(v: list[str]) -> list[str]:
    """Each pattern compiles and has no escaped backslash: questions and corpus text hold no backslashes, so
    `\\\\b` in a single-quoted YAML string is a `\\b` typed twice and would never match."""
    for p in v:
        re.compile(p)
        if "\\\\" in p:
            raise ValueError(f"pattern {p[:60]!r} has an escaped backslash; in single-quoted YAML write \\b, not \\\\b")
    return v


class Pattern(BaseModel):
    """A sentence matches when every `all` regex matches and no `none` regex does (on normalised text)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    all: list[str]
    none: list[str] = Field(default_factory=list)
    why: str = ""

    @field_validator("all", "none")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        return _checked_patterns(v)

    def matches(self, normalized_sentence: str) -> bool:
        return all(_rx(p).search(normalized_sentence) for p in self.all) and not any(
            _rx(p).search(normalized_sentence) for p in self.none
        )


class GuidelineRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Z0-9]+(?:-[A-Z0-9]+)*-\d{3}$")
    title: str
    section_ids: list[str] = Field(min_length=1)
    statement: str
    when: dict[str, Any] = Field(default_factory=dict)
    unless: dict[str, Any] = Field(default_factory=dict)
    topics: list[str] = Field(default_factory=list)
    not_topics: list[str] = Field(default_factory=list)
    contradicts: list[Pattern] = Field(default_factory=list)
    claims: list[Pattern] = Field(default_factory=list)
    priority: int = 50
    general_topics: list[str] = Field(
        default_factory=list,
        description="Questions on these topics get the statement even when no patient facts are given "
                    "(the statement carries its own conditions)")
    branch: bool | list[str] = Field(default=True, description="May be shown as a branch when facts are missing "
                                                               "(a list: only when these facts are the missing ones)")
    exclusive: bool = Field(default=False, description="When it applies, the answer is this rule alone (e.g. a "
                                                       "topic the corpus does not cover: no other branches)")
    see_also: list[str] = Field(default_factory=list, description="Rules whose statements complete this one when it "
                                                                   "applies (each states its own condition)")
    see_also_asked: list[str] = Field(default_factory=list, description="Concepts the asking sentences must name "
                                      "for `see_also` to apply (empty: always): the CR1 transplant rule beside the TKI "
                                      "without one when the transplant is asked about, not as the case's circumstance")
    requires_topic: bool = Field(default=False, description="Applies only when the question names its topic (a "
                                                            "fact the reader does not record, such as KMT2A)")
    overrides: list[str] = Field(default_factory=list, description="Rules a question's proposal does not conflict "
                                 "with when this rule applies to it (KMT2A in CR1 after a pediatric-type protocol: "
                                 "allo-HSCT is considered, so 'transplant?' is no \"No\" by the continue-chemo rule)")
    distortion_check: bool = Field(default=True, description="A near copy of the statement with other terms is a "
                                   "misquote (false for a statement quoting one row of another source's table: the "
                                   "transplant guideline's categories, whose other rows a sentence may list)")
    frames: bool = Field(default=False, description="Frames the question without answering it (LBL answered by "
                                                    "analogy): the branches for missing facts still show")
    note: str = Field(default="", description="An italic line shown under the statement when the rule applies to "
                                              "the patient; may use {age} etc. (no new clinical claim)")
    plain: str = Field(default="", description="For a patient or a relative: an italic line saying in plain words "
                       "what the statement means for them (no clinical claim the statement does not make)")
    plain_unless: dict[str, Any] = Field(default_factory=dict, description="Facts (as `unless`) for which the plain "
                                         "line is left out though the rule applies (the MRD threshold's plain line "
                                         "on a positive result, for an MRD-negative patient)")
    after: str | None = Field(default=None, description="A caution that belongs to another rule (the VOD/SOS risk "
                              "of inotuzumab before a transplant): shown right after that rule, and only with it")
    edge: bool = Field(default=False, description="Applies at an edge where the summary and another source differ "
                                                  "(25 for CAR-T: under 25 in the summary, 25 or younger on the label):"
                                                  " a patient it applies to gets no plain \"Yes\"")
    decides: list[str] = Field(default_factory=list, description="Patient facts whose value this rule says how to "
                               "read (MRD-THRESHOLD: what MRD result counts as high risk): shown beside the branches "
                               "when one of them is the missing fact the branches depend on")
    asserts: list[Assert] = Field(default_factory=list, description="The rule as structured claims (population, "
                                  "intervention, stance, qualifiers), checked against answers' claim frames")
    examples: Examples | None = Field(default=None, description="Agreeing and contradicting sentences (tests read them)")

    @field_validator("topics", "not_topics", "general_topics")
    @classmethod
    def _topics_compile(cls, v: list[str]) -> list[str]:
        return _checked_patterns(v)

    @field_validator("when", "unless")
    @classmethod
    def _known_fields(cls, v: dict[str, Any]) -> dict[str, Any]:
        return known_fact_keys(v, "'when'")

    @field_validator("decides")
    @classmethod
    def _known_decided(cls, v: list[str]) -> list[str]:
        known_fact_keys(dict.fromkeys(v), "'decides'")
        return v

    @property
    def context_only(self) -> bool:
        """The rule states another source's statement only (its sections are context documents, whose section ids
        the corpus manifest starts with "context/": the transplant guideline's category, a drug's harm), not a
        guideline branch."""
        return all(sid.startswith("context/") for sid in self.section_ids)

    def excluded(self, facts: PatientFacts) -> bool:
        """A stated fact matches one of the rule's `unless` exclusions (not merely a `when` the facts miss)."""
        return any(getattr(facts, k) not in (None, []) and matches(getattr(facts, k), want)
                   for k, want in self.unless.items())

    def condition(self, facts: PatientFacts) -> Tri:
        """True when every condition holds, False when one is contradicted, None when facts are missing."""
        for key, want in self.unless.items():
            have = getattr(facts, key)
            if have not in (None, []) and matches(have, want):
                return False
        result: Tri = True
        for key, want in self.when.items():
            have = getattr(facts, key)
            if want is None:  # the fact must be unknown (e.g. Ph status not given)
                if have not in (None, []):
                    return False
                continue
            if (have is None or have == []) and key == "age_band" and facts.age_bands:
                # (an age range, "under 65": the rule holds when every band it allows is one the rule is for)
                fits = [matches(band, want) for band in facts.age_bands]
                if not any(fits):
                    return False
                result = result if all(fits) else None
                continue
            if have is None or have == []:
                result = None
                continue
            if not matches(have, want):
                return False
        return result

    def plain_for(self, facts: PatientFacts) -> bool:
        """The plain line is for this patient: the rule applies and no `plain_unless` fact holds."""
        return bool(self.plain) and self.condition(facts) is True and not any(
            getattr(facts, k) not in (None, []) and matches(getattr(facts, k), want) for k, want in self.plain_unless.items())

    def topical(self, normalized_question: str) -> bool:
        q = normalized_question  # (canonical tokens come padded, "without  allo_hsct ": one space, once)
        if "  " in q:
            q = " ".join(q.split())
        return any(_rx(t).search(q) for t in self.topics) and not any(_rx(t).search(q) for t in self.not_topics)

    def named_not_denied(self, normalized_question: str) -> bool:
        """A topic is named other than as denied ("no KMT2A rearrangement", "KMT2A negative" name none): a rule that
        requires its topic does not apply to a finding the question rules out."""
        from assistant.facts import denied_at

        q = " ".join(normalized_question.split())
        return any(not denied_at(q, m.start(), m.end()) for t in self.topics for m in _rx(t).finditer(q))


@lru_cache(maxsize=2048)
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


class RuleBook(BaseModel):
    model_config = ConfigDict(frozen=True)

    rules: list[GuidelineRule]
    _hits: dict[str, tuple[bool, tuple[GuidelineRule, ...]]] = PrivateAttr(default_factory=dict)
    _by_statement: dict[str, list[GuidelineRule]] = PrivateAttr(default_factory=dict)
    _near: dict[str, frozenset[str]] = PrivateAttr(default_factory=dict)
    _copies: dict[str, tuple[GuidelineRule, ...]] = PrivateAttr(default_factory=dict)
    _statement_sets: list[tuple[str, frozenset[str]]] = PrivateAttr(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _unique(cls, v: list[GuidelineRule]) -> list[GuidelineRule]:
        ids = [r.id for r in v]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate rule ids: {sorted(dup)}")
        return v

    def excluded_statement(self, facts: PatientFacts, sentence: str) -> bool:
        """The sentence is the statement of a rule that excludes this patient (MRD of 0.01% or more and the
        continue-chemotherapy default), or its copy: close to it in words and agreeing with its asserts (the
        induction document's "who reach CR1 on TKI-combined chemotherapy ... allo-HSCT in CR1" for a patient of 72).
        A rule left out for them must not come back as a quoted sentence."""
        if not self._by_statement:
            for r in self.rules:
                self._by_statement.setdefault(r.statement.strip(), []).append(r)
        rules = self._by_statement.get(sentence.strip()) or self._copied(sentence.strip())
        return bool(rules) and all(r.condition(facts) is False for r in rules)

    def _copied(self, sentence: str) -> tuple[GuidelineRule, ...]:
        """The rules of a statement the sentence restates (near in words, and each of its claims agrees with their
        asserts: `frames.restates`): every rule sharing that statement, as for the statement itself (a pure cache
        per sentence, bounded in size: the drafter asks it of the same corpus sentences for every question)."""
        from assistant.rules.frames import restates

        copies = self._copies.get(sentence)
        if copies is None:
            groups = [self._by_statement.get(st.strip(), []) for st in sorted(self.near_statements(sentence))]
            copies = tuple(r for rules in groups if rules and restates(rules, sentence, self) for r in rules)
            if len(self._copies) >= 50_000:
                self._copies.clear()
            self._copies[sentence] = copies
        return copies

    def pattern_hits(self, norm: str) -> tuple[bool, tuple[GuidelineRule, ...]]:
        """For a normalised sentence: whether any rule's forbidden claim matches, and the rules whose
        contradiction patterns match. These do not depend on the patient, so they are found once per sentence (a
        pure cache, bounded in size); only the matching rules are then read with the facts."""
        hits = self._hits.get(norm)
        if hits is None:
            claimed = any(p.matches(norm) for r in self.rules for p in r.claims)
            hits = (claimed, tuple(r for r in self.rules if any(p.matches(norm) for p in r.contradicts)))
            if len(self._hits) >= 50_000:
                self._hits.clear()
            self._hits[norm] = hits
        return hits

    def near_statements(self, sentence_body: str) -> frozenset[str]:
        """The rule statements close enough to the sentence in words for `distortion` to read it as their copy (a
        pure cache per sentence, bounded in size)."""
        near = self._near.get(sentence_body)
        if near is None:
            a = _statement_tokens(sentence_body)
            if not self._statement_sets:
                self._statement_sets.extend((st, _statement_tokens(st)) for st in {r.statement for r in self.rules})
            # (|a & b| / |a | b| is at most the smaller size over the larger: sizes that far apart are no copy)
            near = frozenset(st for st, b in self._statement_sets
                             if a and b and min(len(a), len(b)) / max(len(a), len(b)) >= DISTORTION_SIMILARITY
                             and len(a & b) / len(a | b) >= DISTORTION_SIMILARITY)
            if len(self._near) >= 50_000:
                self._near.clear()
            self._near[sentence_body] = near
        return near

    def contradicts_any(self, facts: PatientFacts, sentence: str) -> bool:
        """True if `sentence`, read with `facts`, matches a forbidden claim or a contradiction of any rule.

        Memoised per sentence (which patterns it matches): the drafter asks this of the same corpus sentences again
        and again. The memo is a pure cache (it depends only on the sentence and the rules), bounded in size.
        """
        claimed, contradicting = self.pattern_hits(normalize(sentence))
        if claimed:
            return True
        if not contradicting:
            return False
        merged = sentence_facts(facts, sentence)
        return any(r.condition(merged) is True for r in contradicting)

    def get(self, rule_id: str) -> GuidelineRule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def hearsay_sentence(question: str) -> str | None:
    """A sentence reporting someone else's claim ("a friend told us he can stop after about 2 years if stable")
    before a last sentence that asks yes or no ("Is it safe to stop?"), or None.

    >>> hearsay_sentence("Ph+, no transplant. A friend told us he can stop after 2 years. Is it safe to stop?")
    'A friend told us he can stop after 2 years.'
    >>> hearsay_sentence("A friend told us he can stop after 2 years. How long should he take it?") is None
    True
    """
    from assistant.concepts import sentences
    from assistant.rules.frames import premise_form

    said = _to_the_last_question(sentences(question))  # (background after it: "... Is that what the guideline
    # says? My brother is 33 and in remission.", r89 q37)
    if len(said) < 2 or not premise_form(said[-1].split(",")[-1].strip()).yes_no:  # (its asking clause: "side
        return None  # effects are hard, can I stop?")
    return _reported_before(said)


def _to_the_last_question(said: list[str]) -> list[str]:
    """The sentences up to the last one that asks ("?"), or all of them when none does."""
    last = max((k for k, s in enumerate(said) if s.rstrip().endswith("?")), default=len(said) - 1)
    return said[:last + 1]


def _reported_before(said: list[str], *, of_jsh: bool = False) -> str | None:
    """The last sentence before the last (the question) that reports someone else's claim, not itself a question
    (with `of_jsh`, a claim of what JSH holds), or None."""
    from assistant.claims import reports_hearsay

    return next((s for s in reversed(said[:-1]) if not s.rstrip().endswith("?") and reports_hearsay(s)
                 and (not of_jsh or _attributed_to_jsh(s))), None)


def _attributed_to_jsh(sentence: str) -> bool:
    """A claim of the sentence is given to JSH ("JSH recommends ...", "the guideline made X the standard")."""
    from assistant.claims import read_claims

    return any("jsh" in c.attribution for c in read_claims(sentence))


def reported_position(question: str) -> str | None:
    """A sentence reporting what someone says JSH (the guideline) holds, before the question asked about it, open or
    yes/no ("Our fellow said JSH 2023 established X as the standard for Ph-negative ALL over 65. How many cycles does
    it recommend?", r82 q40: the question takes the position as given), or None.

    >>> reported_position("A colleague said JSH recommends blinatumomab first line. Which dose?")
    'A colleague said JSH recommends blinatumomab first line.'
    >>> reported_position("A friend told us he can stop after 2 years. How long should he take it?") is None
    True
    """
    from assistant.concepts import sentences

    said = sentences(question)
    if len(said) < 2 or not said[-1].rstrip().endswith("?"):
        return None
    return _reported_before(said, of_jsh=True)


def premise_conflicts(question: str, facts: PatientFacts, book: RuleBook | None = None, *,
                      speaking: bool = True) -> list[GuidelineRule]:
    """Rules the question itself contradicts: its premise ("inotuzumab is anti-CD19, right?") or the thing it
    proposes ("should every Ph+ patient get prophylactic TKI after HSCT?"). The answer to such a question
    starts with "no".

    The question's claims are judged by the claim frames, as an answer's sentences are (a proposal "can we switch
    to nilotinib?" is the claim "nilotinib is an option" in the patient's setting): a contradiction names its rule;
    a recommendation no rule makes is answered by the rules that do speak for that population. The rules' own
    premise patterns add what the frames do not read, except a rule the question's claim agrees with. Without
    `speaking`, a recommendation no rule makes is no conflict (a plan reported for the patient)."""
    from assistant.rules.frames import TRIAL_AS_REC_ID as TRIAL_AS_REC
    from assistant.rules.frames import judge_question, premise_form

    book = book or default_rulebook()
    heard = hearsay_sentence(question) or reported_position(question)
    if heard:  # (a claim reported before a yes/no question on it, or a position someone gave JSH before any
        # question: judged as put to be confirmed; a plan the team gave for the patient, "they say she has to start
        # dasatinib again. Is this what the guidelines say?", is denied only by a rule it contradicts, not answered
        # "No" by whatever rule speaks for her population, r83 q24)
        found = premise_conflicts(f"{heard.rstrip(' .,;')}, is that true?", facts, book,
                                  speaking=_attributed_to_jsh(heard))
        if found:
            return found
    form = premise_form(question)
    # (the claim and its consequence put to be confirmed, each; or a claim stated as the ground of what is asked,
    # the claim alone: "Inotuzumab targets CD19, so it won't work after a CD19-negative relapse?", r110 q13)
    sides = _consequence_sides(form.text)
    put = sides if form.tagged or form.confirms else sides[:1] if len(sides) == 2 else []
    if found := next((found for side in put if (found := premise_conflicts(f"{side}, is that true?", facts, book))), []):
        return found
    if form.compares:
        # "A vs B" asserts nothing to deny; a sentence of it put to be confirmed does ("inotuzumab is the anti-CD19
        # drug and blinatumomab the anti-CD22 one, correct? Which would JSH use?", r70 q27)
        from assistant.concepts import sentences

        said = sentences(question)
        tagged = [x for x in said if len(said) > 1 and (f := premise_form(x)).compares is False
                  and (f.tagged or f.confirms)]
        return next((found for x in tagged if (found := premise_conflicts(x, facts, book))), [])
    # (a rule the implications table rules out is none the question breaks either: at 50 a Ph-negative patient is
    # assumed on an adult regimen, so "must he have a transplant?" breaks no rule for pediatric-protocol patients,
    # rja119 q27)
    known = facts.model_copy(update=facts_assumed(facts))
    judged = judge_question(form.text, book, known, form)  # (without the tag: "..., isn't it?" denies nothing)
    proposes = any(sf.proposal and c.interventions for c, sf, _ in judged)
    tagged = any(sf.tagged or sf.confirms for _, sf, _ in judged)  # (a tagged sentence before another: "X, right? Y.")
    if not (form.tagged or form.confirms or tagged or proposes or asserts_something(question)):
        # a plain question ("is she high risk?", "T315I found, options?") asserts nothing, but the claim a yes/no
        # question puts ("is CAR-T recommended first-line?") may be one the guideline denies
        return [book.get(v.rule_id) for _, sf, v in judged if v.kind == "contradict" and (sf.yes_no or sf.presupposes)][:1]
    question = form.text
    # (a rule the asking sentence agrees with is what the question checks, not what it denies: "Wife would prefer
    # to avoid transplant. Does JSH still recommend allo-HSCT in CR1?" asks about the rule, a wish is background)
    asked = {v.rule_id for _, sf, v in judged if v.kind == "agree" and sf.yes_no}
    framed = [book.get(v.rule_id) for _, _, v in judged if v.kind == "contradict" and v.rule_id not in asked]
    # (a recommendation no rule makes, stated outright: a proposal may be new; a trial presented as JSH's position
    # is answered by the corpus's own line on that trial, which the status composer leads with)
    # (a trial named anywhere in the question, "... recommended now, right? E1910's result": the trial presented
    # as the position, whichever sentence names it)
    trial_named = names_trial(question)
    framed += [r for c, sf, v in judged if v.kind == "unsupported" and v.finding_id != TRIAL_AS_REC
               and not trial_named and speaking
               and (form.tagged or form.confirms or sf.confirms or sf.tagged) for r in _speaking_rules(book, facts, c)]
    agreed = {r for c, _, v in judged if v.kind == "agree" for r in _agreeing(c, book, facts)}
    norm = normalize(_without_history(_without_own_level(question, facts)))
    merged = sentence_facts(facts, question)
    # (a rule the patient's stated facts rule out is not what their question claims: "CR1, never transplanted, MRD
    # negative ... should TKI maintenance go on?" does not claim the post-transplant rule's premise)
    # (a CQ's title in brackets after its number is the CQ's subject, no claim: "CQ3 (allo-HSCT in CR1)
    # recommendation grade 2A, right?", rja89 q20)
    untitled = _without_cq_titles(question)
    if untitled != question:
        norm, merged = normalize(_without_history(_without_own_level(untitled, facts))), sentence_facts(facts, untitled)
    # (a rule for a finding, "high-risk genetics", is one the question breaks only where it names the finding: "MRD
    # negative, allo not needed?" breaks no rule for KMT2A-rearranged ALL, rja113 q20)
    hits = [(r, p) for r in book.rules if r.id not in agreed and r.condition(known) is not False
            and (p := violated(r, facts, untitled, norm=norm, merged=merged))
            and (p in r.claims or not r.requires_topic or r.topical(norm) and r.named_not_denied(norm))]
    q = set(tokenize(question))
    # a claim the question makes ("inotuzumab is anti-CD19") outranks a rule its patient would break
    ranked = [r for r, p in sorted(hits, key=lambda h: (h[1] not in h[0].claims,
                                                        -len(q & set(tokenize(h[0].statement + " " + h[0].title)))))]
    stated = [r for r, p in hits if p in r.claims]  # (a rule's own claim pattern the question states)
    # (of the rules the question contradicts, one naming the treatment it is about first, then the one whose
    # population the question's facts fill most: "MRD-negative a year without transplant, the TKI can be stopped?" is
    # answered by the maintenance rule, not the induction one, r96 q38; "blinatumomab for relapsed T-ALL too?" by the
    # antigen rule, not the T-ALL one)
    from assistant.concepts import concept_ids, treatments_in

    about = treatments_in(question.lower())

    def filled(r: GuidelineRule) -> tuple[int, int]:
        return (0 if about & concept_ids(r.statement.lower()) else 1,
                -sum(getattr(merged, k, None) is not None for k in r.when))

    found = list({r.id: r for r in [*(r for r in ranked if r in stated),
                                     *sorted([*framed, *ranked], key=filled)]}.values())
    lifted = _overridden(question, facts, book) if found else set()
    return [r for r in found if r.id not in lifted]


def _consequence_sides(text: str) -> list[str]:
    """The claim and its consequence when a claim put to be confirmed goes on with one (claims.yaml
    premise.consequence: "inotuzumab targets CD19 too, so it won't help ..."); [] when it does not.

    >>> _consequence_sides("Inotuzumab targets CD19 too, so it won't help after blinatumomab?")
    ['Inotuzumab targets CD19 too', "it won't help after blinatumomab"]
    >>> _consequence_sides("Is TKI given for 2 years, sometimes longer?")
    []
    """
    from assistant.claims import claim_vocabulary

    low = text.lower()
    cut = min(((i, len(w)) for w in claim_vocabulary().premise["consequence"] if (i := low.find(w)) > 0
               and not low[i + len(w):i + len(w) + 1].isalnum()), default=None)  # (", so", not ", some")
    if cut is None:
        return []
    i, n = cut
    return [x for x in (text[:i].strip(" ,;"), text[i + n:].strip(" ,;?")) if x]


def _without_cq_titles(question: str) -> str:
    """The question without the bracketed title written right after a CQ number ("CQ3 (allo-HSCT in CR1)").

    >>> _without_cq_titles("Is CQ3 (allo-HSCT in CR1) graded 2A?"), _without_cq_titles("allo-HSCT (CR1)?")
    ('Is CQ3 graded 2A?', 'allo-HSCT (CR1)?')
    """
    low, out, i = question.lower(), question, 0
    while (i := low.find("cq", i)) >= 0:
        j = i + 2
        while j < len(low) and low[j].isdigit():
            j += 1
        k = j + (low[j:j + 1] == " ")
        close = low.find(")", k) if j > i + 2 and low[k:k + 1] == "(" else -1
        if close > 0:
            cut = len(question) - len(out)  # (what earlier cuts took out)
            out = out[:j - cut] + out[close + 1 - cut:]
        i = j
    return out


def _without_history(question: str) -> str:
    """The question with each treatment already given (the concept layer's history: "relapse after blinatumomab")
    written as "prior therapy": a claim pattern reads what the question says of a treatment, not the patient's past
    ("CD22-positive B-ALL in second relapse after blinatumomab" does not match blinatumomab to CD22, r77 q09).

    >>> _without_history("CD22+ B-ALL relapsed after blinatumomab. Is inotuzumab an option?")
    'CD22+ B-ALL relapsed after prior therapy. Is inotuzumab an option?'
    """
    from assistant.concepts import TREATMENT_KINDS, read_concepts, token_spans

    spans = token_spans(question.lower())
    past = [(spans[m.start][0], spans[m.end - 1][1]) for m in read_concepts(question.lower()).mentions
            if m.historical and m.kind in TREATMENT_KINDS and m.kind != "procedure" and m.end <= len(spans)]
    # (a procedure before is the time a claim is about, not history to set aside: "prophylactic TKI after HSCT")
    for a, b in reversed(past):
        question = question[:a] + "prior therapy" + question[b:]
    return _without_elapsed(question)


def _elapsed_at(words: list[str], j: int, cue: dict[str, Any]) -> tuple[int, int] | None:
    """The word span of "for [about] 2 years" at words[j] (its number to its unit, the "for" left out), or None."""
    if words[j] != "for":
        return None
    k = j + 1
    while k < len(words) and (words[k] in cue["approx"] or " ".join(words[k:k + 2]) in cue["approx"]):
        k += 2 if " ".join(words[k:k + 2]) in cue["approx"] else 1
    numbered = k + 1 < len(words) and (words[k].isdigit() or words[k] in cue["numbers"])
    return (j + 1, k + 1) if numbered and words[k + 1] in cue["units"] else None


def _without_elapsed(question: str) -> str:
    """The question with the time the patient has been on a treatment so far written as "some time" ("I've been
    taking dasatinib for about 2 years. How long must I keep on?" claims no 2-year duration, r100 q27;
    claims.yaml premise.elapsed), unless it proposes a change ("on it 2 years, can I stop?" stops at 2 years).

    >>> _without_elapsed("I've been taking dasatinib for about 2 years. How long?")
    "I've been taking dasatinib for some time. How long?"
    """
    from assistant.claims import claim_vocabulary
    from assistant.concepts import read_concepts, token_spans

    cue = claim_vocabulary().premise["elapsed"]
    low = question.lower()
    if any(m.kind == "change" and not m.negated for m in read_concepts(low).mentions):
        return question  # (stopping proposed: the time so far is when it would stop, "on it 2 years, can I stop?")
    spans = token_spans(low)
    words = [low[a:b] for a, b in spans]
    cuts: list[tuple[int, int]] = []
    for phrase in cue["before"]:
        p = phrase.split()
        for i in range(len(words) - len(p) + 1):
            if words[i:i + len(p)] != p:
                continue
            span = next((s for j in range(i + len(p), min(len(words), i + len(p) + cue["reach"]))
                         if (s := _elapsed_at(words, j, cue)) is not None), None)
            if span is not None:
                cuts.append((spans[span[0]][0], spans[span[1]][1]))
    for a, b in sorted(set(cuts), reverse=True):
        question = question[:a] + "some time" + question[b:]
    return question



def _without_own_level(question: str, facts: PatientFacts) -> str:
    """The question without the patient's own MRD result: "MRD is 0.05% ... does JSH consider this high risk?" asks
    about the patient's value; it does not claim 0.05% as the high-risk threshold (r46 o03 was told "No")."""
    from assistant.concepts import quantities

    own = facts.mrd_level_pct
    if own is None:
        return question
    spans = [(q.start, q.end) for q in quantities(question.lower())
             if q.kind == "level" and q.bound is None and abs(q.value - own) < 1e-12]
    for a, b in reversed(spans):
        question = question[:a] + "the result" + question[b:]
    return question


def _overridden(question: str, facts: PatientFacts, book: RuleBook) -> set[str]:
    """The rules the question's own facts put aside: those named in `overrides` by a rule that applies to it."""
    sure, _ = applicable_rules(question, facts, rulebook=book)
    return {i for r in sure for i in r.overrides}


def asserts_something(question: str) -> bool:
    """A sentence of the question asserts something; a sentence that asks openly ("What TKI approach does the
    guideline recommend?") asserts nothing, whatever verbs it holds."""
    from assistant.claims import states_understanding
    from assistant.concepts import sentences
    from assistant.rules.frames import premise_form

    return any((_ASSERTION.search(s) or states_understanding(s)) and not premise_form(s).asks_open
               for s in sentences(question))


def _agreeing(claim: Any, book: RuleBook, facts: PatientFacts) -> set[str]:
    from assistant.rules.frames import agreeing_rules

    return agreeing_rules(claim, book, facts)


def _speaking_rules(book: RuleBook, facts: PatientFacts, claim: Any) -> list[GuidelineRule]:
    """For a recommendation no rule makes ("autologous HSCT in CR1 for high-risk Ph-negative ALL"): the rule that
    recommends a treatment of the same kind (a procedure for a procedure) for the claim's population, in the claim's
    setting, closest in words first."""
    from assistant.concepts import load_lexicon

    kinds = load_lexicon().concepts
    want = {kinds[c].kind for c in claim.interventions if c in kinds}
    merged = facts.model_copy(update={k: v for k, v in claim.population.items() if k in PatientFacts.model_fields})
    words = set(tokenize(claim.text))
    found = [(r, {kinds[c].kind for a in good for c in a.about if c in kinds}) for r in book.rules
             if r.condition(merged) is not False
             and (good := [a for a in r.asserts if a.stance in ("recommended", "required", "option") and a.about
                           and (not claim.setting or a.setting in (None, claim.setting))])]
    return [r for r, _ in sorted(found, key=lambda t: (not (t[1] & want),
                                                       -len(words & set(tokenize(t[0].statement + " " + t[0].title)))))][:1]


#: A question that asserts something ("JSH says X", "since X", "X, so we should Y") or proposes an action
#: ("should I start X?", "can I stop X?").
_ASSERTION = re.compile(
    r"\b(?:jsh(?:\s+2023)?|the\s+guidelines?|the\s+summary)\s+(?:\w+\s+){0,2}(?:says?|recommends?|states?|made|makes|"
    r"endorses?|considers?|lists?|agrees?|allows?|permits?|supports?)\b"
    r"|\b(?:since|because|given\s+that|as\s+we\s+know)\b|\bso\s+(?:i|we|you)\b"
    r"|\bis\s+it\s+true\b"
    r"|\b(?:should|shd|can|could|may|must)\s+(?:i|we|you|he|she|they|the\s+patient|every\w*|all)\s+(?:\w+\s+)?"
    r"(?:start|give|use|add|continue|stop|skip|omit|get|receive|switch|begin|keep|be\s+given)\b"
    r"|\b(?:should|shd|must)\s+(?:[\w+-]+\s+){0,4}(?:patients?|pts?|adults?)\s+(?:\w+\s+)?(?:get|receive|be\s+given|have"
    r"|start|continue|stop)\b"
    r"|\b(?:targets?|is\s+anti-?|is\s+(?:the\s+)?(?:standard|mandatory|required|first[\s-]line|recommended))\b",
    re.IGNORECASE)


def load_rulebook(text: str | None = None) -> RuleBook:
    """Load guideline rules from YAML (the bundled `guideline.yaml` by default)."""
    if text is None:
        text = resources.files("assistant.rules").joinpath("guideline.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_YAML_LOADER)
    return RuleBook(rules=[GuidelineRule(**r) for r in data["rules"]])


@lru_cache(maxsize=1)
def default_rulebook() -> RuleBook:
    return load_rulebook()


def statement_chunk(rule: GuidelineRule, chunks: Iterable[Chunk]) -> Chunk | None:
    """The chunk (of the rule's sections) that contains the rule's statement verbatim."""
    for c in chunks:
        if c.section_id in rule.section_ids and rule.statement in c.text:
            return c
    return None


@lru_cache(maxsize=8192)
def _stated_facts_cached(sentence: str) -> tuple[tuple[str, Any], ...]:
    from assistant.facts import read_facts

    return tuple((k, tuple(v) if isinstance(v, list) else v)
                 for k, v in read_facts(sentence, population=True).model_dump(exclude_defaults=True).items())


def stated_facts(sentence: str) -> dict[str, Any]:
    """The population a sentence states itself ("adults aged 65 or older with Ph-positive ALL"), as facts."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in _stated_facts_cached(strip_lead(sentence))}


def sentence_facts(facts: PatientFacts, sentence_body: str) -> PatientFacts:
    """The patient's facts overlaid with the conditions the sentence states itself ("for adults aged 65 or older
    with Ph-positive ALL, ..."): a sentence about another population is judged against that population."""
    own = stated_facts(sentence_body)
    if not own:
        return facts
    merged = facts.model_dump()
    merged.update(own)
    if "age" not in own and "age_band" in own:
        merged["age"] = None
    return PatientFacts(**merged)


def violated(rule: GuidelineRule, facts: PatientFacts, sentence_body: str, *, norm: str | None = None,
             merged: PatientFacts | None = None) -> Pattern | None:
    """The pattern of `rule` that the sentence matches, if any (`norm`: the sentence already normalised;
    `merged`: `sentence_facts(facts, sentence_body)` if already computed)."""
    if norm is None:
        norm = normalize(strip_lead(sentence_body))
    for p in rule.claims:
        if p.matches(norm):
            return p
    if not rule.contradicts:
        return None
    if merged is None:
        merged = sentence_facts(facts, sentence_body)
    if rule.condition(merged) is True:
        for p in rule.contradicts:
            if p.matches(norm):
                return p
    return None


def check_logic(
    question: str,
    facts: PatientFacts,
    draft: Draft,
    retrieved: Sequence[Chunk],
    *,
    rulebook: RuleBook | None = None,
) -> list[Issue]:
    """Find sentences that contradict an applicable guideline rule; each is replaced by the rule's statement."""
    book = rulebook or default_rulebook()
    issues: list[Issue] = []
    for line in parse_lines(draft.answer):
        for s in line.sentences:
            if not s.is_fact:
                continue
            body = strip_lead(s.body)
            norm = normalize(strip_opener(body))  # (the answer's "No:" / "Not necessarily:" is no part of its claim)
            verbatim = any(body in c.text for c in retrieved)
            claimed, contradicting = book.pattern_hits(norm)
            hit_ids = {id(r) for r in contradicting}
            # (the population the sentence states is read only when a rule's pattern can match it)
            merged = sentence_facts(facts, body) if claimed or hit_ids else None
            near = book.near_statements(body) if not verbatim else frozenset()
            # a corpus sentence matching no claim or contradiction pattern cannot violate a rule (the distortion
            # check is for reworded sentences only); without a claim pattern, only the rules whose contradiction
            # patterns match or whose statements are near the sentence can find anything
            for rule in (book.rules if claimed else [r for r in book.rules if id(r) in hit_ids or r.statement in near]):
                if s.body.strip().rstrip(".") == rule.statement.strip().rstrip("."):
                    continue
                pattern = violated(rule, facts, s.body, norm=norm, merged=merged) if (
                    claimed or id(rule) in hit_ids) else None
                if pattern is None and rule.statement in near and rule.distortion_check and (
                        why := distortion(rule, body)) and not _frames_settle(body, facts, book):
                    pattern = Pattern(all=[".*"], why=why)
                if pattern is None or (not verbatim and (_frames_agree(rule, body, facts, book) or (
                        pattern in rule.contradicts and (_other_voice(body) or _denial_elsewhere(rule, body)
                                                         or _only_as_history(rule, body)
                                                         or _put_forward_elsewhere(rule, body, facts))
                        or pattern in rule.claims and _other_voice(body, set_apart=True)))):
                    continue
                chunk = statement_chunk(rule, retrieved)
                why = f" ({pattern.why})" if pattern.why else ""
                msg = (f"Contradicts {rule.title}{why}: \"{_short(s.body)}\" was replaced by the guideline "
                       "statement" if chunk else
                       f"Contradicts {rule.title}{why}: \"{_short(s.body)}\" was removed")
                issues.append(Issue(
                    finding=RuleFinding(rule_id=rule.id, severity="block", message=msg,
                                        section_id=rule.section_ids[0]),
                    line=s.line, sentence=s.index,
                    action="replace" if chunk else "drop",
                    replacement=Replacement(text=rule.statement, chunk=chunk, quote=rule.statement)
                    if chunk else None,
                ))
                break
    return issues


def _other_voice(body: str, *, set_apart: bool = False) -> bool:
    """Every clause of the sentence reports another source's position (a label, a trial, another guideline), not
    JSH's: "the Japanese label allows patients aged 25 or younger at infusion" does not misquote the summary's
    "under 25" (the frames compare such a claim with what that source says). With `set_apart`, the sentence must
    also set what it reports apart from JSH's position ("Ph+ALL213 gave prophylactic dasatinib ..., a protocol
    feature that differs from the JSH recommendation", heldout11 c013): a trial result alone may still state a
    wrong fact a rule's claim pattern names (nelarabine "in relapsed B-ALL")."""
    from assistant.claims import read_claims

    claims = read_claims(body)
    return bool(claims) and all(c.attribution and "jsh" not in c.attribution and c.attribution & _OTHER_VOICES
                                for c in claims) and (not set_apart or any(c.extra.get("set_apart") for c in claims))


_OTHER_VOICES = frozenset({"label", "trial", "other_guideline"})


def _denial_elsewhere(rule: GuidelineRule, body: str) -> bool:
    """The sentence's denial is a clause of its own about no treatment ("JSH 2023 does not recommend this: the
    summary lists blinatumomab only for relapsed ... B-ALL", the question's proposal turned down, heldout14), and no
    clause denies the rule's treatment: a contradiction pattern reading "not recommend ... blinatumomab" across the
    two is no denial of it."""
    from assistant.claims import read_claims

    about = {c for a in rule.asserts for c in a.about}
    claims = read_claims(body)
    return bool(about) and len(claims) > 1 and any(c.polarity < 0 and not c.interventions for c in claims) and not any(
        (c.polarity < 0 and about & set(c.interventions)) or about & set(c.negated) for c in claims)


def _only_as_history(rule: GuidelineRule, body: str) -> bool:
    """The rule's treatment is named only as one already given ("re-induction is chosen in light of prior
    treatments, here including the earlier blinatumomab", heldout22 c021): no claim puts it forward, so a pattern
    reading "blinatumomab ... should" across the sentence is no recommendation of it."""
    from assistant.claims import read_claims

    about = {c for a in rule.asserts for c in a.about}
    claims = read_claims(body)
    return bool(about) and any(about & set(c.extra.get("past", ())) for c in claims) and not any(
        about & {*c.interventions, *c.negated} for c in claims)


def _put_forward_elsewhere(rule: GuidelineRule, body: str, facts: PatientFacts) -> bool:
    """Every clause that puts the rule's treatment forward does so for a population the rule is not about ("...,
    whereas blinatumomab targets CD19 and is used only when blasts express CD19" beside a CD19-negative patient):
    the clause's own conditions, not the patient's, are what it speaks of."""
    from assistant.claims import read_claims

    about = {c for a in rule.asserts for c in a.about}
    forward = [c for c in read_claims(body) if about & set(c.interventions) and c.polarity > 0]
    return bool(about) and bool(forward) and all(
        c.restricted_to and rule.condition(facts.model_copy(update=c.restricted_to)) is False for c in forward)


def _frames_settle(body: str, facts: PatientFacts, book: RuleBook) -> bool:
    """The sentence's claim frames agree with a rule and contradict none: a near copy of a rule's statement whose
    claims the frames read as agreeing ("relapsed B-ALL is treated according to CD19 or CD22 expression instead,
    with blinatumomab or inotuzumab", near the nelarabine rule's wording) is a paraphrase, not a distortion."""
    from assistant.rules.frames import judge_sentence

    return judge_sentence(body, book, facts).kind == "agree"


def _frames_agree(rule: GuidelineRule, body: str, facts: PatientFacts, book: RuleBook) -> bool:
    """The sentence's claim frames agree with this very rule (same stance, population and numbers): a pattern hit
    on its wording ("No: ... does not recommend ...") is not a contradiction."""
    from assistant.rules.frames import agrees_with

    # (rules that share the statement share its claims: one set of asserts speaks for all of them)
    return any(agrees_with(r, body, book, facts) for r in book.rules if r.statement == rule.statement)


DISTORTION_SIMILARITY = 0.6


@lru_cache(maxsize=4096)
def _statement_tokens(statement: str) -> frozenset[str]:
    """The token set of a statement or sentence (memoised: each answer sentence is compared with every rule)."""
    return frozenset(tokenize(statement))


#: Words of the guideline's name: a paraphrase that says "the guideline" for "the JSH 2023 guideline" changes nothing.
_NAME_TERMS = frozenset({"2023"})


def distortion(rule: GuidelineRule, sentence_body: str) -> str | None:
    """A sentence that is a near copy of the rule's statement but negates it or puts other drugs, numbers or
    conditions in place of its own misquotes the guideline (a detail added, "such as dasatinib", does not). Returns
    why, or None.

    >>> r = default_rulebook().get("PHPOS-OLDER-004")
    >>> distortion(r, r.statement.replace("recommends", "does not recommend"))
    'negates the guideline statement'
    """
    return _distortion(rule.statement, sentence_body)


@lru_cache(maxsize=4096)
def _distortion(statement: str, sentence_body: str) -> str | None:
    """distortion() by the statement's and the sentence's text (memoised: a repaired answer's next checking round
    compares the same sentences with the same statements)."""
    from assistant.claims import strip_opener
    from assistant.rules.citations import _negated, changed_terms

    a, b = _statement_tokens(sentence_body), _statement_tokens(statement)
    if not a or not b or len(a & b) / len(a | b) < DISTORTION_SIMILARITY:
        return None
    body = strip_opener(sentence_body)
    if _negated(sentence_body, statement):  # (its opening read as `_negated` reads it: a denial said in a "Not
        # ...:" opening stands, "Not from the guideline text itself: the recommendations come from a summary")
        return "negates the guideline statement"
    changed = sorted(changed_terms(body, statement) - _NAME_TERMS - {"negation"})
    if changed:
        return "changes " + ", ".join(changed) + " in the guideline statement"
    return None


#: "What does the guideline say about X?", "summarise X", "overview of X": the rules about X, whatever the patient.
_OVERVIEW = re.compile(
    r"\bwhat\s+(?:does|do)\s+(?:the\s+)?(?:jsh\s+)?(?:2023\s+)?(?:guidelines?|jsh|summary|cq\s*-?\s*\d+)(?:\s+2023)?\s+"
    r"(?:say|state|recommend)\s+(?:about|on|regarding|for|in)\s+(?P<s>[^?.;]+)"
    r"|\b(?:summari[sz]e|overview\s+of|tell\s+me\s+about|what\s+is\s+known\s+about)\s+(?P<t>[^?.;]+)",
    re.IGNORECASE)
_OVERVIEW_SKIP = frozenset(["all", "adult", "jsh", "2023", "guideline", "ph_pos", "ph_neg", "b_all", "t_all",
                            "recommendation", "position", "role", "use", "main", "current"])


@lru_cache(maxsize=1)
def question_cues() -> dict[str, Any]:
    """The question phrases of `questions.yaml`, as `Cues` (a dict of them for the plan parts)."""
    data = yaml.load(resources.files("assistant.rules").joinpath("questions.yaml").read_text(encoding="utf-8"),
                     Loader=_YAML_LOADER)
    return {"treatment_question": Cues(data["treatment_question"]), "all_options": Cues(data["all_options"]),
            "ph_compare": Cues(data["ph_compare"]),
            "plan_part_tokens": tuple((token, Cues(p)) for token, p in data["plan_part_tokens"].items()),
            "plan_parts": tuple(Cues([p]) for p in data["plan_parts"])}


def ph_compared_part(question: str) -> str | None:
    """The part of the plan a Ph-positive versus Ph-negative comparison asks about, as a rule-title token.

    >>> ph_compared_part("Ph+ vs Ph- ALL: how does post-remission management differ?")
    'cr1'
    >>> ph_compared_part("Ph+ ALL post-remission?") is None
    True
    """
    norm = normalize(question)
    cues = question_cues()
    if not cues["ph_compare"].search(norm):
        return None
    return next((token for token, part in cues["plan_part_tokens"] if part.search(norm)), None)


def overview_subject(question: str) -> str | None:
    """The topic an overview question asks about, as its first specific token.

    >>> overview_subject("What does the JSH 2023 guideline say about MRD assessment in adult ALL?")
    'mrd'
    >>> overview_subject("What does the guideline say about inotuzumab ozogamicin and its main toxicity?")
    'inotuzumab'
    >>> overview_subject("45M Ph+ ALL in CR1, what next?") is None
    True
    """
    m = _OVERVIEW.search(question)
    if m is None:
        return None
    return next((t for t in tokenize(m.group("s") or m.group("t")) if t not in _OVERVIEW_SKIP and len(t) > 2), None)


def _named_treatments(question: str) -> list[str]:
    from assistant.rules.relevance import asked_treatments  # (relevance reads this module: imported late)

    return asked_treatments(question)


def _names_kin(rule: GuidelineRule, named: list[str]) -> bool:
    """The rule's statement names an alternative of the same class to a regimen the question asks about ("our unit
    uses hyper-CVAD - OK?" is answered by the pediatric-type regimen rule, both intensive chemotherapy)."""
    if not named:
        return False
    from assistant.claims import broader_chain
    from assistant.concepts import concept_ids, load_lexicon

    lex = load_lexicon()
    regimens = [c for c in named if c in lex.concepts and lex.concepts[c].kind == "regimen"]
    said = [c for c in concept_ids(rule.statement.lower()) if c in lex.concepts and lex.concepts[c].kind == "regimen"]
    return any(s != c and broader_chain(s)[1:2] == broader_chain(c)[1:2] != [] for c in regimens for s in said)


def applicable_rules(
    question: str, facts: PatientFacts, *, rulebook: RuleBook | None = None, sections: Iterable[str] = ()
) -> tuple[list[GuidelineRule], list[GuidelineRule]]:
    """Rules relevant to a question: (fully applicable, applicable but for missing facts).

    A rule is relevant when the question touches one of its topics, or, for fully applicable rules, when one of
    its sections was retrieved at the top.
    """
    book = rulebook or default_rulebook()
    norm = " ".join(normalize(question).split())  # (one space: a topic "without allo_hsct" matches)
    top = set(sections)
    about = overview_subject(question) or (ph_compared_part(question) if facts.ph_status is None else None)
    sure: list[GuidelineRule] = []
    maybe: list[GuidelineRule] = []
    named = _named_treatments(question)
    for rule in book.rules:
        cond = rule.condition(facts)
        if cond is False:
            continue
        topical = rule.topical(norm)
        # an overview of a topic takes every rule whose title names it ("MRD ...", "Blinatumomab for ..."); "what
        # are the salvage options?" every rule for that phase whose other conditions are only unknown
        overview = (about is not None and about in tokenize(rule.title) and (cond is True or rule.branch is not False)
                    ) or (cond is None and rule.branch is not False and facts.phase is not None
                          and facts.phase in (rule.when.get("phase") or []) and question_cues()["all_options"].search(norm) is not None)
        if rule.requires_topic and not (topical and rule.named_not_denied(norm)):
            continue
        # (an alternative regimen of the one asked about answers for this patient; it is no branch for facts the
        # question did not give)
        if cond is True and (topical or overview or _names_kin(rule, named) or (rule.when and is_specific(rule, facts)
                                         and (set(rule.section_ids) & top or question_cues()["treatment_question"].search(norm)))):
            sure.append(rule)
        elif cond is None and (
            (rule.branch and topical and _plausible_branch(rule, facts))
            or any(_rx(t).search(norm) for t in rule.general_topics) or overview
        ):
            maybe.append(rule)
    if sum(1 for r in sure if not r.frames) >= 2 and not _unanswered_part(norm, sure):
        # the stated facts already pin the answer down; branches would only add noise, but for the drugs the
        # question names ("CAR-T vs blinatumomab: who gets which?")
        maybe = [r for r in maybe if any(_rx(t).search(norm) for t in r.general_topics)]

    def key(r: GuidelineRule) -> tuple[int, str]:
        return (-r.priority, r.id)

    def mkey(r: GuidelineRule) -> tuple[int, int, str]:
        return (-_met(r, facts), -r.priority, r.id)

    return sorted(sure, key=key), sorted(maybe, key=mkey)


def _unanswered_part(norm: str, sure: Sequence[GuidelineRule]) -> bool:
    """The question names a part of the plan (induction, consolidation, maintenance, transplant, CNS) that no
    applicable rule states: its branches must still show (another source's statement, the transplant guideline's
    category, states no part of the guideline's plan)."""
    stated = " ".join(normalize(r.statement) for r in sure if not r.context_only)
    return any(p.search(norm) and not p.search(stated) for p in question_cues()["plan_parts"])


class _TreatmentQuestion:
    """A generic "what do we do" question (questions.yaml `treatment_question`): rules about this very patient (two
    or more stated facts met) apply. Read lazily, with `search` as a compiled pattern has it."""

    def search(self, text: str) -> bool | None:
        return question_cues()["treatment_question"].search(text)


TREATMENT_QUESTION = _TreatmentQuestion()


def is_branch(rule: GuidelineRule, question: str, facts: PatientFacts) -> bool:
    """True when the rule is shown because the answer depends on a fact the question did not give (rather than
    because the question asks about the rule's topic in general)."""
    return (rule.condition(facts) is None and rule.branch and rule.topical(normalize(question))
            and _plausible_branch(rule, facts))


def _met(rule: GuidelineRule, facts: PatientFacts) -> int:
    """Conditions satisfied by what is known (a `null` condition is satisfied when the fact is unknown)."""
    n = 0
    for k, want in rule.when.items():
        have = getattr(facts, k)
        if want is None:
            n += have in (None, [])
        elif have not in (None, []) and matches(have, want):
            n += 1
    return n


def _plausible_branch(rule: GuidelineRule, facts: PatientFacts) -> bool:
    """A rule that applies but for missing facts is shown as a branch only when one fact is missing and, for rules
    with several conditions, at least one stated fact already matches."""
    missing = missing_facts(rule, facts)
    if isinstance(rule.branch, list) and not set(missing) <= set(rule.branch):
        return False
    if "mrd_status" in missing and facts.phase in ("relapsed", "refractory"):
        return False  # a frank relapse is not an MRD result waiting to be given
    assumed = facts_assumed(facts)  # the implications table: Ph-positive ALL is B-lineage, T-ALL Ph-negative
    if len(missing) == 1 and missing[0] in assumed and not matches(assumed[missing[0]], rule.when[missing[0]]):
        return False
    if len(missing) == 2 and set(missing) - _SOFT == {"ph_status"} and facts.known():
        return True  # e.g. Ph status and MRD unknown for a CR1 transplant question: the MRD arm still shows
    if len(missing) != 1:
        return False
    return len(rule.when) == 1 or _met(rule, facts) >= 1


#: Facts whose absence alone does not hide a branch that otherwise fits (MRD, age band): the answer names them.
_SOFT = frozenset({"mrd_status", "age_band", "phase"})


def is_specific(rule: GuidelineRule, facts: PatientFacts) -> bool:
    """A rule with at least two conditions met by stated facts is specific enough to volunteer."""
    return sum(1 for k in rule.when if getattr(facts, k) not in (None, [])) >= 2


def deciding_rules(rules: Sequence[GuidelineRule], facts: PatientFacts, book: RuleBook) -> list[GuidelineRule]:
    """The rules that say how to read a fact these rules need and the patient's facts lack (`decides`: what MRD
    result counts as high risk, beside branches that turn on the MRD result)."""
    missing = {m for r in rules for m in missing_facts(r, facts)}
    return [d for d in book.rules if set(d.decides) & missing and d.condition(facts) is not False]


def missing_facts(rule: GuidelineRule, facts: PatientFacts) -> list[str]:
    return [k for k, want in rule.when.items() if want is not None and getattr(facts, k) in (None, [])]


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
