"""Checking answers by claim frames: each sentence's claims (assistant.claims) against the rules' structured claims
(`asserts:` in guideline.yaml), with a closed world for "JSH recommends X for population P".

A rule's assert says: about these concepts (`about`, with `with` companions), for this population (`population`, or
`any_of` several), in this setting (frontline / relapsed), the guideline's stance, and qualifiers with numbers. A
sentence claim is compared with each assert it is about:

- **contradict** when the stances conflict (for the same population: every population fact the assert needs is
  stated by the sentence or the patient and matches, or the sentence speaks of every patient), or a qualifier
  value differs ("at least 5 years" vs "2 years", "< 25" vs "up to 40", "0.01 %" vs "0.1 %"), or an antibody is
  said to bind an antigen that is not its target;
- **unsupported** (closed world) when the sentence puts a recommendation or a standard in JSH's mouth (or states one
  in the guideline's voice) for treatments and a population that no assert and no guideline-tier sentence of the
  retrieved sources recommends; with a named trial as its basis, it is a trial result presented as a recommendation;
- an invented CQ number or recommendation grade, and a dose, are unsupported unless the cited source says so.

Everything is pure: no I/O, model, clock or randomness.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.claims import (
    Claim,
    Qualifier,
    broader_chain,
    claim_vocabulary,
    grades_named,
    mentions,
    numbers_in,
    phrases_at,
    puts_in_a_group,
    read_claims,
)
from assistant.concepts import TREATMENT_KINDS, age_groups, read_concepts, tokens, treatments_in
from assistant.facts import age_band
from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.reply import replies_yes

Stance = Literal["recommended", "option", "required", "not_recommended", "not_required", "effective", "ineffective",
                 "no_standard", "high_risk", "not_high_risk", "cured", "not_cured", "defines", "not_applicable"]
#: ("defines": the assert only states values, such as the ages of a group, and takes no position)

#: A sentence stance that contradicts an assert's stance (universal: the sentence speaks of every patient).
CONFLICTS: dict[str, frozenset[str]] = {
    "recommended": frozenset({"not_recommended", "not_required", "ineffective"}),
    "required": frozenset({"not_recommended", "not_required"}),
    "option": frozenset({"not_recommended", "ineffective", "required"}),
    "not_recommended": frozenset({"recommended", "required", "option"}),
    "not_required": frozenset({"required"}),
    "ineffective": frozenset({"effective", "recommended", "option"}),  # ("nilotinib or ponatinib would both be
    # reasonable choices" against T315I, heldout21 w037)
    "effective": frozenset({"ineffective"}),
    "no_standard": frozenset({"recommended", "required"}),
    "high_risk": frozenset({"not_high_risk"}),
    "not_high_risk": frozenset({"high_risk"}),
    "not_cured": frozenset({"cured"}),
    "cured": frozenset({"not_cured"}),
}
#: ... and more when the sentence says "every patient" while the guideline's stance holds only for some.
UNIVERSAL_CONFLICTS: dict[str, frozenset[str]] = {
    "option": frozenset({"required", "recommended"}),
    "not_required": frozenset({"recommended", "required"}),
}
POSITIVE = frozenset({"recommended", "option", "required"})
STRENGTH = {"option": 1, "recommended": 2, "required": 3}

UNSUPPORTED_ID = "CLAIM-UNSUPPORTED-051"
TRIAL_AS_REC_ID = "CLAIM-TRIALREC-052"
GRADE_ID = "CLAIM-GRADE-053"
DOSE_ID = "CLAIM-DOSE-054"
VALUE_ID = "CLAIM-VALUE-055"


class QualifierSpec(BaseModel):
    """A number a rule states: `kind` duration | age | threshold, a comparator, the value and unit; `also` lists
    other boundary values the corpus states for the same limit (the label's 25 or younger beside under 25)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["duration", "age", "threshold", "count"]
    op: Literal["=", "<", "<=", ">", ">=", "range"]
    value: float
    high: float | None = None
    unit: Literal["year", "percent", "cycle", "cells"] = "year"
    also: list[float] = Field(default_factory=list)
    jsh_text: bool = Field(default=True, description="The guideline's own text gives this value; false: the corpus "
                                                      "has it from elsewhere (a convention), so a sentence that puts "
                                                      "it in JSH's mouth is unsupported")
    strict: bool = Field(default=False, description="The comparator matters too: 'under 25' is not '25 or younger' "
                                                     "(whole-year limits: '< 26', '> 25' and '>= 26' say the same)")

    def same_limit(self, q: Qualifier) -> bool:
        """The qualifier states this very limit, or its complement ("excludes those aged 26 or older")."""
        v = self.value
        forms = {"<=": {("<=", v), ("<", v + 1), (">", v), (">=", v + 1)},
                 "<": {("<", v), ("<=", v - 1), (">=", v), (">", v - 1)}}.get(self.op, {(self.op, v)})
        return (q.op, q.value) in forms

    def as_qualifier(self) -> Qualifier:
        return Qualifier(kind=self.kind, op=self.op, value=self.value, unit=self.unit, high=self.high)


def known_fact_keys(v: dict[str, Any], where: str) -> dict[str, Any]:
    """`v` unchanged when every key is a PatientFacts field (the conditions of rules and asserts), else an error."""
    unknown = set(v) - set(PatientFacts.model_fields)
    if unknown:
        raise ValueError(f"unknown patient fact(s) in {where}: {sorted(unknown)}")
    return v


class Assert(BaseModel):
    """One structured claim of a guideline rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    about: list[str] = Field(min_length=1, description="Concept ids the claim is about (all must be named)")
    with_: list[str] = Field(default_factory=list, alias="with",
                             description="Companion treatments a sentence may name along with `about`")
    population: dict[str, Any] = Field(default_factory=dict, description="Patient facts, as in a rule's `when`")
    any_of: list[dict[str, Any]] = Field(default_factory=list, description="Alternative populations")
    unless: dict[str, Any] = Field(default_factory=dict, description="Known facts that put a patient outside it")
    setting: Literal["frontline", "relapsed"] | None = None
    stance: Stance
    voice: Literal["jsh", "label"] = Field(default="jsh", description="Whose position it is: the guideline's, or the "
                                                                       "Japanese label's (compared only with "
                                                                       "sentences that speak for the label)")
    qualifiers: list[QualifierSpec] = Field(default_factory=list)
    age_at: Literal["diagnosis", "infusion"] | None = Field(default=None, description="When the age limit is "
                                                             "measured: a sentence measuring it at another moment "
                                                             "contradicts it")
    targets: dict[str, str] = Field(default_factory=dict, description="drug concept -> the antigen it binds")
    unless_named: list[str] = Field(default_factory=list, description="Not about a sentence naming one of these "
                                                                       "(the exception the guideline names)")
    alternatives: list[str] = Field(default_factory=list, description="Other treatments the guideline lists beside "
                                    "`about` for the population: a sentence calling `about` the only one contradicts it")
    with_required: bool = Field(default=False, description="The companions in `with` are part of the claim: a "
                                                             "sentence giving `about` alone contradicts it")
    no_values: list[Literal["duration", "age", "threshold", "count"]] = Field(
        default_factory=list, description="Kinds of number the guideline does not give here: a sentence stating one "
                                          "contradicts it (no maintenance duration for Ph-negative ALL)")
    ranked: bool = Field(default=False, description="The guideline puts the `about` treatments in an order (one the "
                                                     "default, the other for those who do not get it): a sentence "
                                                     "calling them equivalent contradicts it")
    no_ranking: bool = Field(default=False, description="The guideline does not rank the `about` treatments: a "
                                                          "sentence ranking them contradicts it")
    universal: bool = Field(default=True, description="Holds for every patient of the population (false: only "
                                                      "for some, e.g. high-risk patients or those eligible)")
    covers: list[dict[str, Any]] = Field(default_factory=list, description="Groups a non-universal assert names "
                                         "outright (CAR-T after relapse following allo-HSCT): a sentence denying it "
                                         "for one of them contradicts it")
    why: str = ""

    @field_validator("population", "unless")
    @classmethod
    def _known(cls, v: dict[str, Any]) -> dict[str, Any]:
        return known_fact_keys(v, "an assert's population")

    @field_validator("about", "with_", "alternatives")
    @classmethod
    def _concepts(cls, v: list[str]) -> list[str]:
        from assistant.concepts import load_lexicon

        unknown = [c for c in v if c not in load_lexicon().concepts]
        if unknown:
            raise ValueError(f"unknown concept id(s) in an assert: {unknown} (see assistant/lexicon/concepts.yaml)")
        return v

    def populations(self) -> list[dict[str, Any]]:
        return self.any_of or [self.population]


class Examples(BaseModel):
    """Sentences a clinician wrote for a rule: ones that agree with it and ones that contradict it (tests read
    them: each `agree` sentence must pass the frame check, each `contradict` one must be flagged)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    facts: dict[str, Any] = Field(default_factory=dict, description="Patient facts the examples are read with")
    agree: list[str] = Field(default_factory=list)
    contradict: list[str] = Field(default_factory=list)


class Verdict(BaseModel):
    """How a sentence stands to the rules: agree / contradict / unsupported / unrelated, with the rule and why."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["agree", "contradict", "unsupported", "unrelated"]
    rule_id: str | None = None
    why: str = ""
    claim: str = ""
    finding_id: str | None = None


# ------------------------------------------------------------------------------------------ matching pieces


def matches(have: Any, want: Any) -> bool:
    """A known fact value against a condition: `want` is a value, a list of values, {"min": a, "max": b} for
    numbers, or True for a non-empty list (rule `when`/`unless` and assert populations alike)."""
    if isinstance(want, dict):
        lo, hi = want.get("min"), want.get("max")
        return (lo is None or have >= lo) and (hi is None or have <= hi)
    if isinstance(have, list):
        return bool(have) if want is True else bool(set(have) & set(want if isinstance(want, list) else [want]))
    return have in (want if isinstance(want, list) else [want])


def _known(v: Any) -> bool:
    return v not in (None, [])


def population_fit(a: Assert, merged: dict[str, Any]) -> Literal["all", "some", "none"]:
    """'all': every population fact the assert needs is known and matches; 'some': none conflicts but some are
    unknown; 'none': a known fact conflicts (for every alternative population)."""
    if any(_known(merged.get(k)) and matches(merged[k], want) for k, want in a.unless.items()):
        return "none"
    best = "none"
    for pop in a.populations():
        if any(_known(merged.get(k)) and not matches(merged[k], want) for k, want in pop.items()):
            continue
        if all(_known(merged.get(k)) for k in pop):
            return "all"
        best = "some"
    return best


def _setting_of(a: Assert) -> str | None:
    if a.setting:
        return a.setting
    phases = {p for pop in a.populations() for p in (pop.get("phase") or [])} if all(
        isinstance(pop.get("phase"), list) for pop in a.populations() if "phase" in pop) else set()
    if phases and phases <= {"relapsed", "refractory"}:
        return "relapsed"
    if phases and phases <= {"newly_diagnosed", "cr1"}:
        return "frontline"
    return None


def _level(claim: Claim, concept: str) -> str | None:
    """How the claim names `concept`: 'exact', 'class' (a class it belongs to: "TKIs" for dasatinib), 'member' (one
    of its members: "dasatinib" for TKI), or None."""
    named = _named_concepts(claim)
    if concept in named:
        return "exact"
    if any(c in named for c in broader_chain(concept)[1:]):
        return "class"
    if any(concept in broader_chain(c)[1:] for c in named):
        return "member"
    return None


#: id(claim) -> (the claim, the concepts it names at their own level): read once per claim (read_claims keeps its
#: claims; `_level` is asked of every assert the claim is compared with).
_NAMED: dict[int, tuple[Claim, frozenset[str]]] = {}


def _named_concepts(claim: Claim) -> frozenset[str]:
    hit = _NAMED.get(id(claim))
    if hit is not None and hit[0] is claim:
        return hit[1]
    named = frozenset(set(claim.interventions) | set(claim.subjects) | set(claim.negated) | set(claim.contrasted) | {
        c for c in claim.concepts if not _is_treatment(c)})
    if len(_NAMED) >= 8192:
        _NAMED.clear()
    _NAMED[id(claim)] = (claim, named)
    return named


def _kind(concept: str) -> str | None:
    from assistant.concepts import load_lexicon

    entry = load_lexicon().concepts.get(concept)
    return entry.kind if entry is not None else None


def _is_treatment(concept: str) -> bool:
    from assistant.claims import INTERVENTION_KINDS

    return _kind(concept) in INTERVENTION_KINDS


def _is_measure(concept: str) -> bool:
    """A supportive-care measure (lexicon kind `supportive`): given like a treatment, though not one of ALL's."""
    return _kind(concept) == "supportive"


def _names(claim: Claim, concept: str, *, members: bool) -> bool:
    level = _level(claim, concept)
    return level in ("exact", "class") or (members and level == "member")


def _beside_exception(claim: Claim, a: Assert) -> list[str]:
    """Members of the assert's class the claim says the same of, beside the named exception ("nilotinib or
    ponatinib overcomes T315I": nilotinib is not shielded by ponatinib); contrasted or denied ones do not count."""
    aside = {*claim.negated, *claim.contrasted}
    return [c for c in claim.interventions if c not in a.unless_named and c not in a.about and c not in aside
            and any(x in broader_chain(c) for x in a.about)
            and not any(u in broader_chain(c) for u in a.unless_named)]


def _about(claim: Claim, a: Assert) -> str | None:
    """'exact' when the claim names what the assert is about; 'class' / 'member' when only at another level
    (compared for stance only: what is not recommended for a class is not for its members; a class said not to
    work contradicts a member that does); None when it is not about it."""
    if any(_level(claim, c) in ("exact", "class") for c in a.unless_named) and not _beside_exception(claim, a):
        return None
    if claim.interventions and not any(_is_treatment(c) or _is_measure(c) for c in a.about) and not (
            set(a.about) <= claim.concepts & _TREATMENT_PHASES):
        return None  # a rule about MRD or a marker: a sentence's stance on a treatment is not about it (but a phase
        # of treatment named with it is: "5 years of maintenance chemotherapy" is about maintenance, heldout11 w027;
        # and a supportive measure given around one is about the measure: "entecavir before chemotherapy")
    levels = [_level(claim, c) for c in a.about]
    if any(lv is None for lv in levels) or (a.stance in _TESTING_STANCES and any(_status_only(claim, c)
                                                                              for c in a.about)):
        return None
    if all(lv == "exact" for lv in levels):
        return "exact"
    polarity = _polarity(a.stance, 1)
    if all(lv in ("exact", "member") for lv in levels) and polarity <= 0:
        return "member"
    if all(lv in ("exact", "class") for lv in levels) and polarity > 0 and claim.polarity < 0:
        return "class"
    if all(lv in ("exact", "class") for lv in levels) and polarity < 0 < claim.polarity and claim.absolute and not (
            claim.extra.get("question")):  # ("does JSH recommend any therapy, e.g. a TKI?" asks whether there is one)
        return "class"  # "any second-generation TKI overcomes T315I": said of every member, dasatinib included
    return None


#: Stances on doing a test (MRD assessment "required"), not on what its result means ("0.1 % or higher is high risk").
_TESTING_STANCES = frozenset({"required", "recommended", "not_required", "option", "not_recommended"})


def _status_only(claim: Claim, concept: str) -> bool:
    """The claim names `concept` only as its patients' status ("for MRD-negative patients"), not its testing
    (claims.yaml `status_concepts`)."""
    for c, fact, testing in claim_vocabulary().status_concepts:
        if c == concept and _known(claim.own_population.get(fact)):
            return not mentions(claim.text, testing)
    return False


#: Phases of treatment a sentence names with the treatment given in them ("maintenance chemotherapy").
_TREATMENT_PHASES = frozenset({"maintenance", "consolidation", "induction"})


def _polarity(stance: str | None, default: int) -> int:
    """A stance's polarity, from the claim vocabulary (`assistant/lexicon/claims.yaml`)."""
    entry = claim_vocabulary().stances.get(stance or "")
    return entry[0] if entry else default


def _stance_for(claim: Claim, a: Assert) -> str | None:
    """The sentence's stance towards the assert's subject: a positive stance on "X without Y" is negative for Y."""
    if claim.stance in POSITIVE and any(_names_negated(claim, c) for c in a.about):
        return "not_recommended"
    if claim.stance is None and claim.ranked and a.stance == "no_standard" and "jsh" in claim.voiced and not (
            claim.hedged or claim.polarity < 0):
        return "recommended"  # ("JSH 2023 prefers IG/TR PCR over flow cytometry": a preference is a position, where
        # the guideline names none, heldout22 w069)
    return claim.stance


#: Facts a sentence states in passing (when an MRD result was taken, whether a donor exists), never a restriction.
_INCIDENTAL = frozenset({"mrd_timepoint", "donor", "age", "age_band", "transplant", "lineage"})

#: A stance and its opposite, for a claim stated on the other side of a threshold ("below 0.01 %: not high risk").
_OPPOSITE = {"high_risk": "not_high_risk", "not_high_risk": "high_risk"}


def _below(claim: Claim, a: Assert, stance: str | None) -> str | None:
    """The claim's stance as if stated on the assert's side of its threshold: "MRD below 0.01 % is not high risk"
    says what "0.01 % or more is high risk" says."""
    spec = next((q for q in a.qualifiers if q.kind == "threshold"), None)
    if spec is None or stance not in _OPPOSITE:
        return stance
    lower = spec.op in (">", ">=")
    for q in claim.qualifiers:
        if q.kind == "threshold" and q.op in ("<", "<=", ">", ">="):
            if (q.op in ("<", "<=")) == lower:
                return _OPPOSITE[stance]
            return stance
    return stance


def _names_negated(claim: Claim, concept: str) -> bool:
    neg = set(claim.negated) | set(claim.contrasted)
    return concept in neg or any(c in neg for c in broader_chain(concept)[1:])


_TO_YEARS = {"year": 1.0, "month": 1 / 12, "week": 1 / 52, "day": 1 / 365}


def _norm(q: Qualifier) -> Qualifier:
    f = _TO_YEARS.get(q.unit)
    if f is None or q.unit == "year":
        return q
    return Qualifier(kind=q.kind, op=q.op, value=q.value * f, unit="year",
                     high=q.high * f if q.high is not None else None)


def qualifier_conflict(spec: QualifierSpec, q: Qualifier) -> str | None:
    """Why a sentence's qualifier contradicts the rule's, or None."""
    q = _norm(q)
    if q.kind != spec.kind or (spec.kind == "threshold" and q.unit != spec.unit):
        return None  # (a white cell count is no MRD level)
    want = spec.as_qualifier()
    if spec.kind == "duration":
        lo, hi = q.interval()
        wlo, whi = want.interval()
        if lo < wlo - 1e-6 or hi > whi + 1e-6:
            return f"{_say(q)} where the guideline says {_say(want)}"
        return None
    if spec.strict and q.op not in ("=", "~", "range"):
        return None if spec.same_limit(q) else f"{_say(q)} where the source says {_say(want)}"
    # limits (age, threshold): the boundary itself must be one the guideline states
    bounds = [spec.value, *([spec.high] if spec.high is not None else []), *spec.also]
    if q.op in ("=", "~") and spec.kind == "age":
        return None  # an age, not an age limit
    values = [q.value] + ([q.high] if q.op == "range" and q.high is not None else [])
    if not all(any(abs(v - b) <= 1e-9 * max(1.0, b) for b in bounds) for v in values):
        return f"{_say(q)} where the guideline says {_say(want)}"
    return None


def _say(q: Qualifier) -> str:
    unit = {"percent": "%", "year": " years", "cycle": " cycles", "cells": "×10^9/L"}.get(q.unit, "")
    if q.op == "range":
        return f"{q.value:g}-{q.high:g}{unit}"
    op = {"=": "", "~": "about ", "<": "< ", "<=": "≤ ", ">": "> ", ">=": "≥ "}[q.op]
    return f"{op}{q.value:g}{unit}"


# ------------------------------------------------------------------------------------------ judging a sentence


def judge_claim(claim: Claim, book: Any, facts: PatientFacts, question_values: frozenset[float] = frozenset(),
                guideline_claims: Sequence[Claim] | Callable[[frozenset[str]], Sequence[Claim]] = ()) -> Verdict:
    """Compare one claim with every rule's asserts (contradictions first), then the closed world."""
    merged = facts.model_dump()
    if "ph_like" in claim.concepts and not _known(claim.population.get("ph_status")):
        # (Ph-like ALL is Ph-negative by definition: "JSH 2023 recommends adding a TKI to chemotherapy for Ph-like
        # ALL" is judged for Ph-negative ALL, not as the Ph-positive rule's TKI with chemotherapy, heldout13)
        claim = replace(claim, population={**claim.population, "ph_status": "negative"})
    misplaced = _age_in_another_band(claim, merged, question_values)
    if misplaced is not None and (rule := _band_rule(book, misplaced[1])) is not None:
        age, band = misplaced
        return Verdict(kind="contradict", rule_id=rule.id, claim=claim.text,
                       why=f"at {age} the patient is in the {age_band(age)} group, not the {band} group")
    merged.update(claim.population)
    if "age" not in claim.population and "age_band" in claim.population:
        merged["age"] = None
    agreed: Verdict | None = None
    found: list[tuple[tuple[int, int, int], Verdict]] = []
    open_groups: set[str] = set()  # rules one of whose asserts, for a group the claim leaves open, contradicts it
    agreeing: set[str] = set()
    aged: set[str] = set()  # rules contradicting by an age band of their own
    covered = False  # a rule for the claim's whole population agrees, naming every treatment it names
    for rule, a in _candidates(claim, book):
        v = _compare(claim, a, merged, question_values)
        if v is None:
            continue
        if v[0] == "contradict":
            # the most specific rule speaks: one whose numbers, population and subject the sentence names
            specific = (int(bool(a.qualifiers and claim.qualifiers)), len(a.about),
                        max((len(p) for p in a.populations()), default=0))
            found.append((specific, Verdict(kind="contradict", rule_id=rule.id, why=v[1] or a.why,
                                            claim=claim.text)))
            if population_fit(a, merged) == "some" and not claim.set_aside & set(a.population):
                open_groups.add(rule.id)  # (not a group the claim sets aside: it speaks for that group too)
            if a.voice != "label" and "age_band" in (a.population or {}) and population_fit(a, merged) != "all":
                aged.add(rule.id)  # (a group of another age band than the claim's)
        else:
            if a.qualifiers and not _opposed(claim.stance, a.stance):
                agreeing.add(rule.id)  # (its values for one group, in the claim's own stance)
            covered = covered or (bool(claim.interventions) and all(c in a.about for c in claim.interventions)
                                  and not any(q.kind == "age" for q in a.qualifiers)
                                  and population_fit(a, merged) == "all")
        agreed = agreed or Verdict(kind="agree", rule_id=rule.id, claim=claim.text)
    # a value the rule gives for one of the groups the claim leaves open is no contradiction by the value it gives
    # another ("above 30x10^9/L" with the lineage not said: B-lineage's threshold, not T-lineage's 100, heldout10)
    found = [f for f in found if f[1].rule_id not in open_groups & agreeing]
    # (nor is a rule for another age band, where a rule for every age agrees with what the claim says: "adults with
    # Ph-positive ALL aged 40-64 follow the TKI-based pathway" is not the >= 65 rule's age limit misquoted, heldout12)
    # (an age limit the claim states is judged all the same: "the older-adult pathway, which starts at 60")
    limit = any(q.kind == "age" and q.op in ("<", "<=", ">", ">=") for q in claim.qualifiers)
    found = [f for f in found if not (covered and claim.stance is None and not limit and f[1].rule_id in aged)]
    if found:
        return max(found, key=lambda t: t[0])[1]
    if claim.stance == "no_standard" and not claim.interventions and claim.population and (
            {"standard", "established"} & set(claim.text.split())) and not (
            claim.attribution & {"trial", "label", "other_guideline"}):
        # "no standard therapy exists for <population>" where a rule recommends one for exactly that population
        for rule in book.rules:
            for a in rule.asserts:
                if a.stance == "recommended" and a.universal and a.population and not a.ranked and any(
                        _is_treatment(c) for c in a.about) and all(
                        k in claim.population for k in a.population) and population_fit(a, merged) == "all":
                    return Verdict(kind="contradict", rule_id=rule.id, claim=claim.text,
                                   why=f"the guideline does recommend a treatment for this population: {a.why}")
    unsupported = _closed_world(claim, book, merged, guideline_claims) or _ranked_option(claim, book, merged)
    if unsupported is not None:
        return unsupported
    return agreed or Verdict(kind="unrelated", claim=claim.text)


def _ranked_option(claim: Claim, book: Any, merged: dict[str, Any]) -> Verdict | None:
    """An order between treatments put in JSH's mouth ("JSH 2023 places CAR-T ahead of both antibodies for patients
    under 25") where the guideline names the one put first only as an option for this population: an option is
    ranked ahead of nothing. Only a ranking of two treatments or more, not a restriction ("reserves cranial
    irradiation for high-risk patients")."""
    from assistant.rules.relevance import concept_label

    if not claim.ranked or "jsh" not in claim.attribution or claim.polarity < 0 or claim.hedged or (
            len(set(claim.named_treatments)) < 2 and not claim.contrasted):
        return None
    first = [c for c in claim.interventions if c not in claim.contrasted]
    for c in first:
        stances = {a.stance for _, a in _about_named(claim, book) if c in a.about and a.stance in POSITIVE
                   and a.voice == "jsh" and population_fit(a, merged) != "none"}
        if stances == {"option"}:
            return Verdict(kind="unsupported", rule_id=UNSUPPORTED_ID, finding_id=UNSUPPORTED_ID, claim=claim.text,
                           why=f"the guideline names {concept_label(c)} only as an option here, ahead of nothing")
    return None


def _candidates(claim: Claim, book: Any) -> list[tuple[Any, Assert]]:
    """The asserts a claim can be about, in rule order: those naming one of its concepts or a class or member of
    one (an assert is about a sentence only when the sentence names every `about` concept at some level), those
    with antigen targets when it names an antigen, and the label's when it speaks for the label."""
    index, targeted, label = _assert_index(book)
    keys = {b for c in (*claim.concepts, *claim.interventions, *claim.negated, *claim.contrasted, *claim.subjects)
            for b in broader_chain(c)}
    picked = set().union(*(index.get(k, ()) for k in keys)) if keys else set()
    if claim.targets or claim.denied_targets or claim.population.get("cd19") is not None or claim.population.get(
            "cd22") is not None:
        picked |= targeted
    if "label" in claim.attribution or claim.age_at:
        picked |= label
    return [ra for k, ra in enumerate(_all_asserts(book)) if k in picked]


_BOOK_INDEX: dict[int, tuple[Any, tuple[tuple[Any, Assert], ...], tuple[dict[str, set[int]], set[int], set[int]]]] = {}


def _all_asserts(book: Any) -> tuple[tuple[Any, Assert], ...]:
    return _book_index(book)[1]


def _assert_index(book: Any) -> tuple[dict[str, set[int]], set[int], set[int]]:
    return _book_index(book)[2]


def _book_index(book: Any) -> tuple[Any, tuple[tuple[Any, Assert], ...], tuple[dict[str, set[int]], set[int], set[int]]]:
    """Per rule book (kept with the book, so a new book is indexed anew): its asserts in order and an index."""
    hit = _BOOK_INDEX.get(id(book))
    if hit is not None and hit[0] is book:
        return hit
    pairs = tuple((rule, a) for rule in book.rules for a in rule.asserts)
    if len(_BOOK_INDEX) > 8:
        _BOOK_INDEX.clear()
    _BOOK_INDEX[id(book)] = (book, pairs, _index(pairs))
    return _BOOK_INDEX[id(book)]


def _index(pairs: tuple[tuple[Any, Assert], ...]) -> tuple[dict[str, set[int]], set[int], set[int]]:
    index: dict[str, set[int]] = {}
    targeted: set[int] = set()
    label: set[int] = set()
    for k, (_, a) in enumerate(pairs):
        for c in a.about:
            for b in broader_chain(c):
                index.setdefault(b, set()).add(k)
        if a.targets:
            targeted.add(k)
        if a.voice == "label":
            label.add(k)
    return index, targeted, label


def _compare(claim: Claim, a: Assert, merged: dict[str, Any],
             question_values: frozenset[float]) -> tuple[str, str] | None:
    """('contradict', why) / ('agree', '') when the claim is about the assert, else None."""
    if a.stance == "not_applicable":
        return _compare_scope(claim, a, merged)
    if a.targets:
        hit = _compare_targets(claim, a)
        if hit is not None:
            return hit
    if a.ranked or a.no_ranking:
        return _compare_ranking(claim, a, merged)
    if a.voice == "label":
        return _compare_label(claim, a, question_values) or _label_denied_within(claim, a, merged)
    level = _level_about(claim, a)
    if level is None:
        return None
    fit = population_fit(a, merged)
    if claim.polarity < 0 and _outside_age(a, merged):
        return None  # ("at 50 it isn't an option for him": the assert's own age limit says so too)
    if claim.polarity > 0 and a.stance in POSITIVE and fit != "none" and _outside_age(a, claim.own_population) and (
            not _AGE_LIMIT_SAID & set(tokens(claim.text))):
        # ("JSH 2023 lists CAR-T as an option for a 40-year-old": the age the sentence states is beyond the limit,
        # heldout24 w019)
        return "contradict", (a.why or "the guideline gives an age limit") + (
            f" (not at {claim.own_population['age']})")
    if _given_to_patient_beyond(claim, a, merged, fit):
        # ("CAR-T is an option for him" to a 30-year-old; "Yes, because JSH 2023 lists CAR-T for ...": the position
        # given to the patient asked about, whose age is beyond the limit, heldout24 w086)
        return "contradict", (a.why or "the guideline gives an age limit") + (
            f" (not at {merged['age']}, the patient's age)")
    spread = _spread_over(claim, a, level, merged)
    if spread:  # ("at least 5 years of TKI maintenance whether or not they are transplanted": for one group only)
        return "contradict", (a.why or "the guideline gives it for one group") + (
            f" (for one {_SPREAD_KEYS[spread]} only, not whatever it is)")
    into = _spread_into(claim, a, level, merged)
    if into:  # ("the same approach applies whether tisagenlecleucel is used for B-ALL or for T-ALL": T-ALL too)
        return "contradict", (a.why or "the guideline does not give it to that group") + (
            f" (said for every {_SPREAD_KEYS[into]}, the one it is not for included)")
    hit = _compare_pairing(claim, a, fit, level) or _compare_stance(claim, a, fit)
    if hit is not None:
        return hit
    hit = (("agree", "") if fit != "none" else None) if level != "exact" else _compare_values(
        claim, a, merged, fit, question_values)
    if hit is not None and hit[0] == "agree" and _no_agreement(claim, a, merged):
        return None
    return hit


def _no_agreement(claim: Claim, a: Assert, merged: dict[str, Any]) -> bool:
    """A positive JSH claim the assert does not support even where nothing contradicts: its denial for another group
    ("no prophylactic TKI after HSCT if MRD-negative", "no blinatumomab for a CD19-negative relapse"), or a
    relapse-only recommendation with no relapse in sight (as `_supports`): "JSH 2023 adopts dasatinib then
    blinatumomab as the standard at 65+" agrees with neither (heldout25 w044); the closed world judges it."""
    if claim.stance not in ("recommended", "required") or "jsh" not in claim.attribution or claim.restricted or (
            claim.conditional):
        return False  # (only a position put in JSH's mouth, which the closed world can judge: "each is used only
        # when the blasts express its own target" agrees with the CD19-negative denial, gen-c152)
    return _polarity(a.stance, 0) < 0 or _relapse_out_of_sight(claim, a, merged)


def _relapse_out_of_sight(claim: Claim, a: Assert, merged: dict[str, Any]) -> bool:
    """A relapse-only assert beside a JSH claim that states no setting, for a patient of unknown phase: no relapse in
    sight, so the assert neither supports nor agrees with it."""
    return _setting_of(a) == "relapsed" and claim.setting is None and not _known(merged.get("phase")) and (
        "jsh" in claim.attribution)


#: Stances that cannot agree: what one recommends or offers the other says is not recommended or does not work.
_OPPOSED = (frozenset({"recommended", "required", "option"}), frozenset({"not_recommended", "ineffective"}))


def _opposed(said: str | None, held: str) -> bool:
    """The claim's stance and the assert's are opposites ("not recommended" against "recommended").

    >>> _opposed("not_recommended", "recommended"), _opposed("option", "not_required"), _opposed(None, "recommended")
    (True, False, False)
    """
    yes, no = _OPPOSED
    return (said in yes and held in no) or (said in no and held in yes)


#: Facts a positive rule may be kept to that a sentence can spread over both values ("whether or not transplanted").
_SPREAD_KEYS = {"transplant": "transplant status", "ph_status": "Ph status", "lineage": "lineage",
                "mrd_status": "MRD result"}


def _spread_over(claim: Claim, a: Assert, level: str, merged: dict[str, Any]) -> str | None:
    """The fact the claim sets aside ("whether or not they are transplanted") where the positive assert it restates
    holds for one value of it only: its position spread to every patient."""
    if level != "exact" or claim.polarity <= 0 or a.stance not in POSITIVE or not a.universal or (
            claim.hedged or claim.conditional):
        return None
    kept = {k for pop in a.populations() for k in pop} & set(_SPREAD_KEYS)
    for key in sorted(claim.set_aside & kept):
        rest = a.model_copy(update={"population": {k: v for k, v in a.population.items() if k != key},
                                    "any_of": [{k: v for k, v in p.items() if k != key} for p in a.any_of]})
        if population_fit(rest, {k: v for k, v in merged.items() if k != key}) == "all":
            return key  # (the rest of its group is the claim's: only the fact set aside is spread)
    return None


def _spread_into(claim: Claim, a: Assert, level: str, merged: dict[str, Any]) -> str | None:
    """The fact the claim sets aside ("whether ... for B-ALL or for T-ALL") where the guideline denies the treatment
    to one value of it: the position spread into the group it is not for (heldout18 w048)."""
    if level != "exact" or claim.polarity <= 0 or a.stance not in ("not_recommended", "ineffective") or (
            claim.hedged or claim.conditional):
        return None
    for key in sorted(claim.set_aside & set(a.population) & set(_SPREAD_KEYS)):
        rest = a.model_copy(update={"population": {k: v for k, v in a.population.items() if k != key}})
        if population_fit(rest, {k: v for k, v in merged.items() if k != key}) != "none":
            return key
    return None


def _compare_scope(claim: Claim, a: Assert, merged: dict[str, Any]) -> tuple[str, str] | None:
    """A group the guideline is not for (children): a sentence saying the JSH guideline or its recommendations
    apply to it contradicts the assert; one saying they do not agrees. Only the guideline's own voice is judged
    ("pediatric ALL is covered by the JSPHO guideline" speaks of another guideline)."""
    applies = claim.extra.get("scope") or claim.stance  # (a treatment's recommendation "applies" too: kept apart)
    if applies not in ("applies", "not_applicable") or "jsh" not in claim.attribution:
        return None
    if population_fit(a, {**merged, **claim.own_population}) != "all":
        return None
    return ("contradict", a.why) if applies == "applies" else ("agree", "")


#: Words with which a sentence names the age limit itself or keeps the stated age out of it ("lists CAR-T for young
#: patients, so a 45-year-old falls outside it"): the stated age is then not the one the position is given to.
_AGE_LIMIT_SAID = frozenset({"young", "younger", "youngest", "outside", "only", "not", "excluded", "excludes",
                             "beyond", "older"})


def _outside_age(a: Assert, merged: dict[str, Any]) -> bool:
    """The patient's age lies beyond the assert's age limit (its most lenient bound: "under 25", also 25 or 26)."""
    age = merged.get("age")
    if not isinstance(age, (int, float)):
        return False
    for spec in a.qualifiers:
        bounds = [spec.value, *spec.also]
        if spec.kind == "age" and spec.op in ("<", "<="):
            return age > max(bounds)
        if spec.kind == "age" and spec.op in (">", ">="):
            return age < min(bounds)
    return False


def _given_to_patient_beyond(claim: Claim, a: Assert, merged: dict[str, Any], fit: str) -> bool:
    """A positive position given to the patient asked about ("an option for him", "he is eligible for it", "in
    her case"), who is older or younger than the assert's age limit allows, the sentence stating no age of its own
    and no word of the limit ("only for young patients", "outside")."""
    if claim.polarity <= 0 or a.stance not in POSITIVE or fit == "none" or claim.hedged or claim.conditional:
        return False
    if _known(claim.own_population.get("age")) or not _outside_age(a, merged):
        return False
    words = tokens(claim.text)
    pointed = set(words) & _THE_PATIENT or any(words[k:k + 2] == ["this", "patient"] for k in range(len(words))) or (
        claim.extra.get("reply"))
    return bool(pointed) and not _AGE_LIMIT_SAID & set(words)


#: Words that make a question's claim about one patient ("does he need cranial RT?"), not about a population.
_ONE_PATIENT = frozenset({"he", "she", "him", "her", "his", "hers", "i", "me", "my"})
#: Words with which an answer's sentence speaks of the patient asked about ("an option for him", "you may be offered"):
#: a question's one-patient words, the asker's own ("I", "my") being the answer's second person.
_THE_PATIENT = (_ONE_PATIENT - {"i", "me", "my"}) | {"you", "your"}


def _compare_targets(claim: Claim, a: Assert) -> tuple[str, str] | None:
    """A drug named with another antigen than the one it binds, as its target or as the population's antigen."""
    for drug, antigens in claim.targets:
        want = a.targets.get(drug)
        if want is not None and want not in antigens:
            return "contradict", f"{drug} binds {want.upper()}, not {'/'.join(sorted(antigens)).upper()}"
    for drug, antigens in claim.denied_targets:  # "blinatumomab works without requiring CD19"
        if a.targets.get(drug) in antigens:
            return "contradict", f"{drug} binds {a.targets[drug].upper()}; it is used only when the blasts express it"
    # "blinatumomab for CD22-positive B-ALL": the population names another antigen than the drug's target
    # (an antigen the clause itself names: "JSH lists CAR-T for CD19-positive relapse, and it does not replace
    # blinatumomab or inotuzumab as options" names CD19 for CAR-T only, heldout13)
    said = claim.text.replace(" ", "").replace("-", "")
    stated = {k for k in ("cd19", "cd22") if claim.population.get(k) is True and k in said}
    for drug in claim.interventions:
        want = a.targets.get(drug)
        if want is not None and stated and want not in stated and claim.polarity > 0 and want not in claim.text:
            # (not "blinatumomab for CD19-positive and inotuzumab for CD22-positive": its own antigen is named too)
            return "contradict", (f"{drug} targets {want.upper()}; it is not given for "
                                  f"{'/'.join(sorted(stated)).upper()}-positive disease on that account")
    return None


def _compare_ranking(claim: Claim, a: Assert, merged: dict[str, Any]) -> tuple[str, str] | None:
    """A ranked assert against a sentence equating the options; a no-ranking assert against one ranking them."""
    if a.ranked:
        if claim.equates and all(_level(claim, c) in ("exact", "class", "member") or c in claim.named_treatments
                                 for c in a.about) and population_fit(a, merged) != "none":
            # (a member named for its class: "TKI maintenance ... equally acceptable ..., so staying on dasatinib")
            return "contradict", a.why or "the guideline does not offer these as equal alternatives"
        return None
    # (all of them named in the clause, or one ranked there and the others elsewhere in its sentence: "JSH
    # recommends blinatumomab for CD19+ and inotuzumab for CD22+, and where both are present it gives inotuzumab
    # priority")
    levels = [_level(claim, c) for c in a.about]
    named = all(lv == "exact" or c in claim.named_treatments for c, lv in zip(a.about, levels, strict=True)) and (
        "exact" in levels)
    lost = any(claim.population.get(k) is False for k in ("cd19", "cd22")) and not _kept_for_lost(claim.text)
    # ("inotuzumab is preferred when CD19 is lost": one drug's antigen gone, the other is no ranked choice; not the
    # case the other drug is kept for: "prefers blinatumomab first, reserving inotuzumab for CD19-negative relapse")
    if claim.ranked and named and not lost and (
            not a.population or population_fit(a, merged) == "all"):  # (ranked for another group: not this one)
        return "contradict", a.why or "the guideline does not rank these treatments"
    return None


def _kept_for_lost(text: str) -> bool:
    """The antigens the clause names all come after a word keeping the other drug for later ("reserving inotuzumab
    for CD19-negative relapse", heldout19 w075): the loss is the case that drug is kept for, not the claim's."""
    toks = tokens(text)
    kept = next((i for i, t in enumerate(toks) if t in _KEEPING), None)
    return kept is not None and not any(t.startswith(("cd19", "cd22")) for t in toks[:kept])


#: Words keeping a treatment for a later case ("reserving inotuzumab for ...").
_KEEPING = frozenset({"reserving", "reserved", "reserve", "reserves", "keeping", "kept", "saving", "saved"})


def _level_about(claim: Claim, a: Assert) -> str | None:
    """How closely the claim names the assert's subject, or None when it is not a statement about it: a trial's,
    a label's or another guideline's voice, a denial of another treatment, another setting."""
    if claim.attribution & {"trial", "label", "other_guideline", "practice"} and "jsh" not in claim.attribution:
        return None  # a trial's design or result, a label, another guideline, practice: not JSH's position
    level = _about(claim, a)
    if level is None:
        return None
    if _polarity(claim.stance, 0) < 0 and _polarity(a.stance, 0) > 0 and any(
            not any(c == x or c in broader_chain(x) or x in broader_chain(c) for x in [*a.about, *a.with_])
            for c in claim.interventions):
        return None  # "intensive chemotherapy with the TKI is not required": the denial is about the other treatment
    # (a transplant denied as the population's, "allows TKI maintenance to be stopped in patients who were not
    # transplanted", is who may stop, not what is denied)
    denied = [c for c in claim.negated if not (c == "allo_hsct" and claim.stance == "not_required" and (
        claim.population.get("transplant") in _NOT_TRANSPLANTED))]
    if _polarity(claim.stance, 0) < 0 and denied and not any(
            _names_negated(claim, c) for c in a.about):
        return None  # "neither X with the TKI nor Y is mandatory": X and Y are denied, not the TKI
    setting = _setting_of(a)
    if setting and claim.setting and claim.setting != setting:
        return None
    return level


def _denies_alternatives(claim: Claim, a: Assert) -> bool:
    """The claim names the assert's treatment, states no stance of its own and denies every alternative the guideline
    lists beside it ("steroids only, no chemo" where both are options)."""
    return claim.stance is None and any(c in claim.interventions for c in a.about) and bool(claim.negated) and all(
        any(n in broader_chain(x) for n in claim.negated) for x in a.alternatives)


def _compare_pairing(claim: Claim, a: Assert, fit: str, level: str) -> tuple[str, str] | None:
    """A treatment the guideline pairs with another, said to suffice alone; a condition the guideline does not set."""
    alone = [c for c in a.about if c in claim.alone_of]
    if a.with_required and alone and fit != "none":
        if claim.polarity > 0:  # "intrathecal chemotherapy alone is sufficient", whatever else the sentence names
            return "contradict", a.why or "the guideline pairs it with " + ", ".join(a.with_)
        return "agree", ""  # "intrathecal chemotherapy alone is not the full recommendation": X without Y denied
    if a.with_required and claim.alone and claim.polarity > 0 and fit != "none" and not any(
            c in claim.interventions for c in a.with_):
        return "contradict", a.why or "the guideline pairs it with " + ", ".join(a.with_)
    if a.with_required and fit != "none" and level == "exact" and (claim.polarity > 0 or claim.polarity == 0 and any(
            c in claim.contrasted for c in a.with_)) and any(_names_negated(claim, c) for c in a.with_) and not any(
            c in claim.interventions for c in a.with_) and not (claim.hedged or claim.conditional):
        # ("induction would be a TKI plus a corticosteroid rather than TKI-combined chemotherapy" for a 64-year-old:
        # the companion the guideline requires set aside, heldout25 w003)
        aside = [c.replace("_", " ") for c in a.with_ if _names_negated(claim, c)]
        return "contradict", (a.why or "the guideline pairs it with " + ", ".join(a.with_)) + (
            f" (the sentence sets the {aside[0]} aside)")
    if a.alternatives and fit != "none" and (claim.alone and claim.polarity > 0 and not any(
            c in claim.interventions for c in a.alternatives) or _denies_alternatives(claim, a)):
        # "corticosteroids alone are the only option"; "at his age it's steroids only, no chemo"
        return "contradict", a.why + " (beside " + ", ".join(a.alternatives).replace("_", " ") + ")"
    if claim.restricted and claim.polarity > 0 and a.universal and a.stance in POSITIVE and fit != "none" and (
            level == "exact"):
        keys = {k for pop in a.populations() for k in pop}
        group = claim.restricted_to  # (the patients after the restriction cue, not the whole sentence's)
        # (a first-line phase named with the group restates the setting of a first-line rule: "TKI maintenance
        # only for patients who do not undergo allo-HSCT in CR1", "intrathecal chemotherapy only in remission")
        frontline = group.get("phase") in _FRONTLINE_PHASES and _setting_of(a) in (None, "frontline")
        extra = sorted(set(group) - keys - _INCIDENTAL - ({"phase"} if frontline else set()))
        # "reserves allo-HSCT in CR1 for patients who remain MRD-positive": a condition it does not set
        if extra and (not keys or keys & set(group)):
            return "contradict", (a.why or "the guideline sets no such condition") + (
                f" (not only for a given {extra[0].replace('_', ' ')})")
        if not keys & {"age", "age_band"} and not any(q.kind == "age" for q in a.qualifiers) and any(
                q.kind == "age" and q.op != "=" for q in claim.qualifiers):
            # ("limits the 5-year TKI maintenance to non-transplanted patients younger than 65"): an age limit on a
            # rule the guideline gives at every age
            return "contradict", (a.why or "the guideline sets no such condition") + " (at every age, not only some)"
        divided = sorted(set(group) & _DIVIDERS - keys)
        if divided and (not keys or divided == ["lineage"] and _either_lineage(a, keys)):  # (a rule for every
            # adult, whatever the Ph status,
            # lineage and age, kept for one of those groups: "intrathecal prophylaxis is kept for T-ALL"; a rule
            # for either lineage kept to one: "the pediatric-type recommendation applies only to B-lineage disease",
            # heldout18 w008)
            return "contradict", (a.why or "the guideline sets no such condition") + (
                f" ({'for every adult' if not keys else 'for both lineages'}, not only for a given "
                f"{divided[0].replace('_', ' ')})")
        if not group and not keys and not claim.own_population and _kept_to_patients(claim):  # (kept for a group
            # no fact names: "given only to selected patients at high risk", heldout14 w037)
            return "contradict", (a.why or "the guideline sets no such condition") + " (for every adult, not only some)"
    return None


def _either_lineage(a: Assert, keys: set[str]) -> bool:
    """The assert is for both lineages: no antigen in its population (CD19 and CD22 are B-cell markers) and no
    treatment of one lineage (concepts.yaml `fits`)."""
    from assistant.concepts import load_lexicon

    concepts = load_lexicon().concepts
    return not keys & {"cd19", "cd22"} and not any(
        c in concepts and concepts[c].fits.get("lineage") for c in (*a.about, *a.with_))


def _kept_to_patients(claim: Claim) -> bool:
    """The restriction names patients ("only to selected patients at high risk"), not a use ("keeps using MRD checks
    to steer treatment", heldout11 c049): "only" and a word for patients in the clause (claims.yaml
    `restricted_patients`)."""
    voc = claim_vocabulary()
    toks = set(tokens(claim.text))
    return bool(toks & voc.restriction_after) and bool(toks & voc.restricted_patients)


#: The facts that divide the guideline's adult groups (a rule naming none of them is for every adult).
_DIVIDERS = frozenset({"ph_status", "lineage", "age_band"})
#: The phases of first-line treatment (named with a restriction, they restate a first-line rule's setting).
_FRONTLINE_PHASES = frozenset({"cr1", "newly_diagnosed"})




def _level_side(claim: Claim, a: Assert) -> tuple[str, str] | None:
    """A risk stated for the one level the sentence names, with no comparator of its own, put beside a named line
    ("her 0.003% is below the high-risk threshold", "1 x 10^-4 sits just below the high-risk threshold of 0.01%"):
    judged by the level's side of the assert's threshold, not by the stance alone (the line's own value is no level
    of the patient's)."""
    spec = next((q for q in a.qualifiers if q.kind == "threshold"), None)
    level = claim.own_population.get("mrd_level_pct")
    if spec is None or claim.stance not in _OPPOSITE or not claim.extra.get("under_line") or not isinstance(
            level, (int, float)) or any(q.op not in ("=", "~") for q in claim.qualifiers if q.kind == "threshold"):
        return None
    inside, why = _threshold_side(level, spec)
    return ("agree", "") if inside == (claim.stance == a.stance) else ("contradict", why)


def _threshold_side(level: float, spec: Any) -> tuple[bool, str]:
    """Whether an MRD level lies within the assert's threshold, and the words that say on which side."""
    lo, hi = spec.as_qualifier().interval()
    inside = lo <= level <= hi
    return inside, f"an MRD of {level:g}% is {'' if inside else 'not '}at or above the {spec.value:g}% threshold"


def _compare_stance(claim: Claim, a: Assert, fit: str) -> tuple[str, str] | None:
    """The claim's stance against the assert's, for the population both are about."""
    side = _level_side(claim, a)
    if side is not None:
        return side
    stance = _below(claim, a, _stance_for(claim, a))
    if stance is None or fit == "none":
        return None
    conflicts = CONFLICTS.get(a.stance, frozenset())
    if claim.universal and not a.universal:
        conflicts = conflicts | UNIVERSAL_CONFLICTS.get(a.stance, frozenset())
    if stance == "not_applicable" and a.universal and a.stance in POSITIVE and claim.interventions:
        conflicts = conflicts | {stance}  # ("the CNS prophylaxis recommendation does not apply to Ph+ patients", a
        # group it is given to, heldout21 w032)
    if a.stance == "not_required" and stance in ("recommended", "required") and not (
            (claim.conditional and not _eligibility_only(claim, a)) or claim.hedged) and set(
            claim.interventions) - _regimen_given(claim) <= {*a.about, *a.with_}:
        conflicts = conflicts | {stance}  # "JSH recommends X for <population>" where X is not the default
    if a.stance == "no_standard" and (claim.conditional or claim.hedged or _known(claim.own_population.get("fitness"))
                                      ) and not (claim.voiced or claim.attribution or claim.ranked):
        conflicts = conflicts - {"recommended"}  # "if he is fit enough for combination chemotherapy, its intensity is
        # adapted to him": a way to proceed for some, not a standard put where none is established (heldout11 c035)
    if a.stance == "not_required" and claim.extra.get("question") and _ONE_PATIENT & set(tokens(claim.text)) and not (
            claim.universal and claim.stance == "required"):  # ("my leukemia can never be cured without it": all)
        # "does he need cranial RT?" asks about one patient: "not required for every adult" is no "No" to it (he may
        # be one of those it is an option for)
        conflicts = conflicts - {"required", "recommended"}
    if a.stance == "option" and stance in ("recommended", "required") and (
            "jsh" in claim.voiced or not (a.universal or claim.attribution or claim.extra.get("question"))) and not (
            claim.conditional or claim.hedged or claim.extra.get("inferred")) and set(claim.interventions) <= {
            *a.about, *a.with_}:
        # "JSH 2023 recommends X" where the guideline lists X only as an option; "X is the recommended next step"
        # where it names X only for some (when feasible); a position read from whom it is kept to ("mentions CAR-T
        # only for young patients", heldout14) says nothing of its strength
        conflicts = conflicts | {stance}
    if a.stance == "not_required" and a.unless and stance == "not_recommended" and claim.absolute and not (
            claim.conditional or claim.hedged):
        # "advises against allo-HSCT in CR1, whatever the cytogenetics": the guideline leaves it open for the
        # patients of its exceptions (heldout18 w053)
        return "contradict", (a.why or "the guideline leaves it open") + " (not ruled out in every case: the " \
            "guideline keeps it open for some patients, such as those who stay MRD-positive)"
    # "does not recommend it for every adult" denies a universal; only "never" / "any" denies every case
    named = _names_covered(claim, a)
    restricted = not a.universal and _polarity(stance, 0) < 0 and not claim.absolute and not named
    if named and stance == "no_standard" and a.stance in POSITIVE:
        conflicts = conflicts | {stance}  # "not listed for relapse after allo-HSCT", a group it names
    if stance in conflicts and not restricted and (fit == "all" or claim.universal or not any(a.populations())
                                                   or _flat_denial(claim, a, stance, fit)):
        return "contradict", a.why or f"the guideline's stance is {a.stance.replace('_', ' ')}"
    return None


#: The transplant facts of patients not transplanted: a transplant denied as who they are, not as a position.
_NOT_TRANSPLANTED = ("not_done", "ineligible")


def _names_covered(claim: Claim, a: Assert) -> bool:
    """The claim names a group the assert names outright (`covers`), for the assert's own treatment: not "for every
    one of them" (some of them may not get it), not hedged ("where feasible, with neither preferred") and not a
    stronger form of it ("a myeloablative allo-HSCT")."""
    if claim.universal or claim.hedged or mentions(claim.text, claim_vocabulary().stronger_forms):
        return False
    if "allo_hsct" in a.about and claim.own_population.get("transplant") in _NOT_TRANSPLANTED:
        return False  # (the transplant denied as who they are: "people aged 65 or older who are not transplanted")
    return any(cov and all(_known(claim.own_population.get(k)) and matches(claim.own_population[k], v)
                           for k, v in cov.items()) for cov in a.covers)


def _flat_denial(claim: Claim, a: Assert, stance: str, fit: str) -> bool:
    """A plain "not recommended" for a group the recommendation covers part of, with the rest left open ("JSH 2023 does
    not recommend allo-HSCT in CR1 for Ph-positive ALL", age not given): it denies the recommendation to those it
    is for. The sentence names the assert's own group but for its age (every other fact of it, and no fact it does
    not have: "no prophylactic TKI while MRD stays negative" is not about the TKI of induction at 65); not a
    conditional or hedged sentence, nor one about some of them ("not for every adult")."""
    if fit != "some" or not a.universal or not _opposed(stance, a.stance) or (
            claim.conditional or claim.hedged or claim.universal or claim.extra.get("question")):
        return False
    if claim.extra.get("group_pointer"):
        return False  # ("no regimen should be called the standard there": the group named before, not every adult)
    own = {k for k, v in claim.own_population.items() if _known(v)} - {"age", "age_band"}
    return any(own and own == set(pop) - {"age", "age_band"} and all(matches(claim.own_population[k], v)
                                                                      for k, v in pop.items() if k in own)
               for pop in a.populations())


def _regimen_given(claim: Claim) -> frozenset[str]:
    """The regimen the population was treated with ("in CR1 on a pediatric-type protocol"): its setting, not the
    treatment the claim proposes."""
    from assistant.facts import regimen_concepts  # (the facts reader's regimen table)

    kind = claim.own_population.get("regimen")
    return regimen_concepts(kind) if isinstance(kind, str) else frozenset()


def _eligibility_only(claim: Claim, a: Assert) -> bool:
    """The claim's condition is only who can have it ("whenever a matched sibling donor is available", "if fit"),
    no condition of risk: a default the assert's "not required" denies (claims.yaml `eligibility`)."""
    voc = claim_vocabulary()
    extra = {k for k, v in claim.own_population.items() if _known(v)} - set(a.population)
    return bool(extra & voc.eligibility_keys) and not voc.risk_words & set(claim.text.split())


def _compare_values(claim: Claim, a: Assert, merged: dict[str, Any], fit: str,
                    question_values: frozenset[float]) -> tuple[str, str] | None:
    """The claim's numbers (age limits, thresholds, durations) against the assert's qualifiers."""
    # an age limit is compared whatever age band the sentence's own limit puts it in
    limits = any(q.kind == "age" and q.op not in ("=", "~") for q in claim.qualifiers)
    if limits and any(q.kind == "age" for q in a.qualifiers):
        fit = population_fit(a, {k: v for k, v in merged.items() if k not in ("age", "age_band")})
    if fit == "none" or _childrens_values(claim):
        return None
    for q in claim.qualifiers:
        if q.kind in a.no_values and fit == "all" and not _names_what_does_not_reach(claim) and not (
                q.op in ("=", "~") and q.value in question_values):
            return "contradict", a.why or f"the guideline gives no {q.kind} here"
    if claim.extra.get("stop_rule") and "duration" in a.no_values and fit == "all" and not claim.hedged:
        return "contradict", a.why or "the guideline gives no stopping rule here"
    if claim.polarity > 0 and a.stance in POSITIVE and any(q.kind == "age" and q.op in ("<", "<=")
                                                           for q in a.qualifiers) and mentions(
            claim.text, claim_vocabulary().any_age):  # ("JSH 2023 extends CAR-T to adults of any age": an upper limit)
        return "contradict", (a.why or "the guideline gives an age limit") + " (not at any age)"
    for spec in a.qualifiers:
        if not spec.jsh_text and "jsh" in claim.voiced and "practice" not in claim.voiced and not claim.hedged and (
                claim.defines or a.stance not in POSITIVE) and any(  # (a gloss on a recommendation's group: no)
                q.kind == spec.kind and {q.value, q.high} & {spec.value, spec.high} - {None} for q in claim.qualifiers):
            return "contradict", (f"the JSH 2023 summary itself gives no {spec.kind} values here; "
                                  f"{_say(spec.as_qualifier())} comes from another source")
        if not spec.jsh_text and a.stance == "defines":
            continue  # (a convention's values: only putting them in JSH's mouth is wrong)
        if (fit != "all" or {"b_lineage", "t_lineage"} <= claim.concepts) and _several_groups(claim, spec):
            continue  # "above 30 (B-lineage) or above 100 (T-lineage)": values for several groups, none pinned down
            # (each group named with its own value, whoever the patient is: heldout11 c083)
        if spec.kind == "age" and _treatment_per_age_group(claim):
            continue  # ("pediatric-type chemotherapy for AYA, HD-MTX at 40-64 and tailored treatment at 65 or older":
            # each treatment with its own age group, heldout13)
        hit = _spec_conflict(claim, spec, question_values)
        if hit is not None:
            return hit
    return "agree", ""


def _names_what_does_not_reach(claim: Claim) -> bool:
    """The claim denies that a recommendation, named by its value, reaches the group ("the 5-year TKI maintenance
    recommendation does not apply to patients who had a transplant"): the value is the other recommendation's."""
    if claim.stance != "not_applicable" and claim.polarity >= 0:
        return False
    return bool(_RECOMMENDATION_NOUNS & set(tokens(claim.text)))


#: Nouns naming a recommendation by what it sets ("the 5-year minimum", "the HD-MTX recommendation").
_RECOMMENDATION_NOUNS = frozenset({"recommendation", "rule", "minimum", "requirement", "guidance"})


def _band_rule(book: Any, band: str) -> Any:
    """The first rule for patients of an age band (its `when`), whose group a misplaced age is judged against."""
    return next((r for r in book.rules if _known(r.when.get("age_band")) and matches(band, r.when["age_band"])), None)


def _age_in_another_band(claim: Claim, merged: dict[str, Any],
                         question_values: frozenset[float]) -> tuple[int, str] | None:
    """(age, band) when the sentence repeats an age of the question and says it belongs to an age group it does
    not fall in ("at 47 he still belongs to the AYA group", heldout13; claims.yaml group_membership), else None."""
    band = claim.own_population.get("age_band")
    if not _known(band) or not puts_in_a_group(claim.text):
        return None
    stated = claim.own_population.get("age") or merged.get("age")
    ages = {age for age in _ages_said(claim) if age == stated or float(age) in question_values}
    return next(((age, band) for age in sorted(ages) if age_band(age) != band), None) if len(ages) == 1 else None


#: The first adult age: values said of an age range wholly below it are children's.
_ADULT_FROM = 15


def _childrens_values(claim: Claim) -> bool:
    """The claim gives an age range wholly below adulthood ("the NCI/Rome criteria define standard risk in children
    aged 1 to 9 with a white count under 50,000"): its values are the children's, not an adult rule's (heldout13)."""
    adults = _known(claim.own_population.get("age_band")) and claim.own_population["age_band"] != "child" or bool(
        {"adult", "adults", "aya"} & set(tokens(claim.text)))  # ("... and applying the same cut-off to young adults")
    return not adults and any(q.kind == "age" and q.op == "range" and q.high is not None and q.high < _ADULT_FROM
                              for q in claim.qualifiers)


def _treatment_per_age_group(claim: Claim) -> bool:
    """The claim lists two or more treatments and two or more age groups: each treatment named with its own group."""
    named = {name for _, name in age_groups(claim.text, "groups")}
    limits = {(q.op, q.value) for q in claim.qualifiers if q.kind == "age"}
    return len(claim.interventions) >= 2 and max(len(named), len(limits)) >= 2


def _several_groups(claim: Claim, spec: Any) -> bool:
    """The claim gives the assert's own value beside others of the same kind and unit (one value for each group)."""
    values = {q.value for q in claim.qualifiers if q.kind == spec.kind and q.unit == spec.unit}
    return len(values) > 1 and spec.value in values


def _spec_conflict(claim: Claim, spec: Any, question_values: frozenset[float]) -> tuple[str, str] | None:
    """The first of the claim's values that one qualifier of the assert contradicts."""
    for q in claim.qualifiers:
        if q.op in ("=", "~") and q.value in question_values:
            continue  # the patient's own value, from the question
        if q.kind == "threshold" and q.op in ("=", "~") and not claim.defines:
            # a value, not a threshold: wrong only on the wrong side ("MRD of 0.005 % is high risk"); a trial's
            # result ("the MRD-negative CR rate was 34 %") is no MRD level at all
            if spec.kind == "threshold" and claim.stance in ("high_risk", "not_high_risk") and (
                    "trial" not in claim.attribution and q.unit == spec.unit):
                inside, why = _threshold_side(q.value, spec)
                if inside != (claim.stance == "high_risk"):
                    return "contradict", why
            continue
        why = qualifier_conflict(spec, q)
        if why is not None:
            return "contradict", why
    return None


def _compare_label(claim: Claim, a: Assert, question_values: frozenset[float]) -> tuple[str, str] | None:
    """A sentence speaking for the label ("the Japanese label allows ... 25 or younger at infusion") against what the
    label says: its limits, comparator included. The label's limit is the subject even when the treatment is named
    only in the question ("the label requires patients to be under 25")."""
    if claim.interventions and _about(claim, a) is None:
        return None
    if a.age_at and claim.age_at and claim.age_at != a.age_at and not (
            claim.attribution & {"trial", "other_guideline"} and "label" not in claim.attribution):
        return "contradict", f"{a.why}: the age counts at {a.age_at}, not at {claim.age_at}"
    if "label" not in claim.attribution:
        return None
    for spec in a.qualifiers:
        for q in claim.qualifiers:
            if q.kind != spec.kind or (q.op in ("=", "~") and q.value in question_values):
                continue
            why = qualifier_conflict(spec, q)
            if why is not None:
                return "contradict", f"{a.why}: {why}" if a.why else why
    return ("agree", "") if claim.qualifiers else None


def _label_denied_within(claim: Claim, a: Assert, merged: dict[str, Any]) -> tuple[str, str] | None:
    """A treatment denied "in Japan" to a patient whose age the Japanese label allows ("at 25 he would no longer
    qualify for CAR-T in Japan": the label allows 25 or younger at infusion, heldout23 w046, heldout24 w017)."""
    age = merged.get("age")
    if claim.polarity >= 0 or not isinstance(age, (int, float)) or not _in_japan(claim) or _about(claim, a) is None:
        return None
    if int(age) not in _ages_said(claim):
        return None  # (a denial for the patient's age names it: not "at 26 ...", nor "isolated extramedullary
        # relapse is excluded", a denial for another reason, heldout6 c079)
    for spec in a.qualifiers:
        if spec.kind == "age" and spec.op in ("<=", "<") and (age <= spec.value if spec.op == "<=" else age < spec.value):
            return "contradict", f"{a.why} (at {age:g} the label allows it)"
    return None


def _ages_said(claim: Claim) -> set[int]:
    """The adult ages the claim's words name ("at 25", "a 47-year-old" read as 47)."""
    return {int(t) for t in tokens(claim.text) if t.isascii() and t.isdigit() and 15 <= int(t) <= 99}


def _in_japan(claim: Claim) -> bool:
    """The claim speaks of what applies in Japan ("in Japan", "the Japanese label")."""
    return "japan" in claim.text.split() or "label" in claim.attribution


def _closed_world(claim: Claim, book: Any, merged: dict[str, Any],
                  guideline_claims: Sequence[Claim] | Callable[[frozenset[str]], Sequence[Claim]]) -> Verdict | None:
    """A recommendation put in JSH's mouth that no assert and no guideline-tier source sentence makes."""
    if not claim.interventions or not (claim.stance in ("recommended", "required")
                                       or (claim.stance == "option" and "jsh" in claim.attribution)):
        return None  # (an option is a recommendation to close over when JSH is named as listing it)
    voiced = "jsh" in claim.attribution or not (claim.attribution - {"trial"})
    if not voiced or ("trial" in claim.attribution and "jsh" not in claim.attribution):
        return None
    if claim.restricted and not claim.own_population and not claim.ranked:
        return None  # ("mentions CAR-T only for young patients": kept to a group it names, not put to this patient;
        # "X preferred, Y kept for later" ranks them, and that is judged)
    unsupported = set(claim.interventions)
    for _, a in _about_named(claim, book):
        if a.stance in POSITIVE:
            unsupported -= _supports(a, claim, merged)
    if not unsupported:
        return None
    for g in (guideline_claims(frozenset(unsupported)) if callable(guideline_claims)
              else guideline_claims):  # (read only when needed)
        if g.polarity > 0 and g.stance in POSITIVE and all(
                any(x in g.interventions and x in g.concepts for x in broader_chain(c)) for c in unsupported) and (
                set(g.subjects) <= claim.concepts):  # (HD-MTX recommended as CNS prophylaxis is not HD-MTX for all;
            # the source names the treatment in its own clause: "..., except that maintenance chemotherapy is an
            # option at 65 or older" recommends no TKI to anyone, though it follows a TKI sentence)
            if any(_known(v) for k, v in g.population.items() if k in claim.set_aside):
                continue  # (a source for one group does not carry a claim about either: "whether Ph-negative or
                # Ph-positive")
            if not any(_known(merged.get(k)) and _known(v) and not matches(merged[k], v)
                       for k, v in g.population.items() if k in ("ph_status", "lineage", "age_band", "phase")):
                if not (claim.setting and g.setting and claim.setting != g.setting):
                    return None
    trial = "trial" in claim.attribution
    what = ", ".join(sorted(unsupported))
    return Verdict(kind="unsupported", rule_id=TRIAL_AS_REC_ID if trial else UNSUPPORTED_ID, claim=claim.text,
                   finding_id=TRIAL_AS_REC_ID if trial else UNSUPPORTED_ID,
                   why=(f"a trial result is presented as the JSH 2023 recommendation of {what}" if trial else
                        f"no JSH 2023 rule or guideline statement recommends {what} for this population"))


def _about_named(claim: Claim, book: Any) -> list[tuple[Any, Assert]]:
    """The asserts about a concept the claim names, or a class or member of one (by the book's index: those
    `_supports` can find anything in; the others it passes over), in rule order."""
    index = _assert_index(book)[0]
    picked = set().union(*(index.get(k, ()) for k in _named_concepts(claim) | claim.concepts))
    pairs = _all_asserts(book)
    return [pairs[k] for k in sorted(picked)]


def _supports(a: Assert, claim: Claim, merged: dict[str, Any]) -> set[str]:
    """The claim's treatments this (positive) assert recommends for the claim's population."""
    if not any(_names(claim, c, members=False) or c in claim.concepts for c in a.about):
        return set()
    setting = _setting_of(a)
    if setting and claim.setting and claim.setting != setting:
        return set()
    if _relapse_out_of_sight(claim, a, merged):
        return set()  # a relapse-only recommendation, stated with no relapse in sight
    if population_fit(a, merged) == "none" or (claim.universal and not a.universal):
        return set()
    if any(k in pop for pop in a.populations() for k in claim.set_aside):
        return set()  # ("TKI with chemotherapy whether or not the Ph chromosome is present": for one group only)
    if claim.stance == "required" and a.stance != "required":
        return set()
    if claim.stance == "recommended" and a.stance == "option" and "jsh" in claim.voiced and not (
            claim.hedged or claim.conditional or claim.exemplified):
        return set()  # "JSH 2023 names ponatinib as the recommended TKI": the guideline lists it only as an option
    allowed = [*a.about, *a.with_]
    # the sentence's treatment is the assert's, or a class of it ("a TKI" for "dasatinib"); a member of the assert's
    # class is not ("ponatinib" for "a TKI"), unless the sentence gives it as an example of the class it names
    # ("imatinib or another TKI")
    return {c for c in claim.interventions if any(
        c == x or c in broader_chain(x)[1:]
        or (claim.exemplified and x in broader_chain(c)[1:] and x in claim.concepts) for x in allowed)}


# ------------------------------------------------------------------------------------------ the checker


@lru_cache(maxsize=4096)
def _chunk_claims(text: str, concepts: frozenset[str]) -> tuple[Claim, ...]:
    """Claims of the chunk's sentences that name one of `concepts` (found by their lexicon forms first: reading
    every sentence of every source would cost more than the answer's own check)."""
    from assistant.text import chunk_sentences

    forms = [f for c in concepts for f in _forms(c)]
    return tuple(c for s in chunk_sentences(text) if any(f in s.lower() for f in forms) for c in read_claims(s))


@lru_cache(maxsize=512)
def _forms(concept: str) -> tuple[str, ...]:
    from assistant.concepts import load_lexicon

    lex = load_lexicon()
    return tuple({" ".join(f.tokens) for fs in lex.forms.values() for f in fs if f.concept.id == concept})


def guideline_claims(retrieved: Sequence[Chunk], concepts: frozenset[str] = frozenset()) -> list[Claim]:
    """Positive claims of the guideline-tier sentences among the sources that name one of `concepts` (they may
    recommend what no rule states)."""
    return [_in_section(c, ch.section_id) for ch in retrieved if ch.tier == "guideline"
            for c in _chunk_claims(ch.text, concepts) if c.polarity > 0]


def _in_section(claim: Claim, section_id: str) -> Claim:
    """A source sentence naming no setting speaks in its section's: one of a relapse section ("... are not options
    for T-ALL, for which nelarabine is listed") supports no first-line use."""
    if claim.setting is None and "/relapsed/" in section_id:
        return replace(claim, setting="relapsed")
    return claim


def question_values(question: str, facts: PatientFacts) -> frozenset[float]:
    vals = set(numbers_in(question))
    if facts.age is not None:
        vals.add(float(facts.age))
    if facts.mrd_level_pct is not None:
        vals.add(float(facts.mrd_level_pct))
    return frozenset(vals)


#: judge_sentence's verdicts by its exact inputs (a repaired answer's next checking round, and the checks that judge
#: the same sentence again, reuse them); values keep their book so an id is never reused for another.
_JUDGED: dict[tuple[Any, ...], tuple[Any, Verdict]] = {}
_JUDGED_MAX = 8192


def judge_sentence(sentence: str, book: Any, facts: PatientFacts, *, question: str = "",
                   retrieved: Sequence[Chunk] = (), cited_text: str = "") -> Verdict:
    """The first non-agreeing verdict among the sentence's claims (else agree / unrelated), memoised on the
    sentence, the book, the facts, the question's values, the guideline sources' texts and the cited text."""
    qv = question_values(question, facts)
    key = (sentence, id(book), facts.model_dump_json(), qv,
           tuple(c.text for c in retrieved if c.tier == "guideline"), cited_text)
    hit = _JUDGED.get(key)
    if hit is not None and hit[0] is book:
        return hit[1]
    verdict = _judge_sentence(sentence, book, facts, qv, retrieved, cited_text)
    if len(_JUDGED) >= _JUDGED_MAX:
        _JUDGED.clear()
    _JUDGED[key] = (book, verdict)
    return verdict


def _judge_sentence(sentence: str, book: Any, facts: PatientFacts, qv: frozenset[float],
                    retrieved: Sequence[Chunk], cited_text: str) -> Verdict:
    def lazy(concepts: frozenset[str]) -> list[Claim]:
        return guideline_claims(retrieved, concepts)

    out: Verdict | None = None
    reply = replies_yes(sentence)
    for claim in read_claims(sentence):
        if reply:  # ("Yes, because JSH 2023 lists CAR-T for ...": the reply takes the question's case as its own)
            claim = replace(claim, extra={**claim.extra, "reply": True})
        extra = _extras(claim, cited_text)
        if extra is not None:
            return extra
        v = judge_claim(claim, book, facts, qv, lazy)
        if v.kind not in ("contradict", "unsupported") and (frontline := _also_frontline(claim)) is not None:
            v = judge_claim(frontline, book, facts, qv, lazy)  # ("both at relapse and as part of first-line
            # induction": the first-line use is judged too, heldout19 w027)
        if v.kind in ("contradict", "unsupported"):
            return v
        if out is None or (out.kind == "unrelated" and v.kind == "agree"):
            out = v
    return out or Verdict(kind="unrelated")


def _trial_regimen(text: str) -> bool:
    """The clause names a trial's own treatment: a trial's name with a word for its regimen right after it ("the JALSG
    ALL202-U protocol", "the CALGB 10403 regimen", "the ALL202-O high-dose arm")."""
    from assistant.text import TRIAL_RE

    nouns = claim_vocabulary().trial_regimen_nouns
    for m in TRIAL_RE.finditer(text):
        after = tokens(text[m.end():])[:3]
        if nouns & set(after):
            return True
    return False


def _also_frontline(claim: Claim) -> Claim | None:
    """A positive claim for relapse that names first-line use beside it ("both at relapse and as part of first-line
    induction"): the claim for newly diagnosed patients; None otherwise."""
    if claim.polarity <= 0 or claim.population.get("phase") not in ("relapsed", "refractory") or claim.negated:
        return None
    voc = claim_vocabulary()
    toks = tokens(claim.text)
    if not (phrases_at(toks, voc.setting.get("frontline", ())) and phrases_at(toks, voc.both_settings)):
        return None
    return replace(claim, population={**claim.population, "phase": "newly_diagnosed"},
                   own_population={**claim.own_population, "phase": "newly_diagnosed"}, setting="frontline")


def _corpus_holds_none(claim: Claim) -> bool:
    """The corpus (this assistant) says it holds no grades or CQ numbers, in the claim's words."""
    return "corpus" in claim.attribution and bool(_DENIAL_WORDS & set(claim.text.split()))


_DENIAL_WORDS = frozenset({"no", "not", "cannot", "none", "without"})


def _extras(claim: Claim, cited_text: str) -> Verdict | None:
    """An invented CQ number or grade, a dose: unsupported unless the cited source says it."""
    low = cited_text.lower()
    if claim.basis and "jsh" in claim.attribution and claim.polarity >= 0 and claim.stance != "no_standard":
        # (not a use said to be missing from the summary: "blinatumomab consolidation, as in E1910, is not listed
        # in the JSH 2023 summary", heldout19 c030)
        return Verdict(kind="unsupported", rule_id=TRIAL_AS_REC_ID, finding_id=TRIAL_AS_REC_ID, claim=claim.text,
                       why="a trial is presented as the basis of a JSH 2023 position")
    if "jsh" in claim.voiced and claim.polarity > 0 and not claim.hedged and _trial_regimen(claim.text):
        return Verdict(kind="unsupported", rule_id=TRIAL_AS_REC_ID, finding_id=TRIAL_AS_REC_ID, claim=claim.text,
                       why="a trial's own protocol is presented as the JSH 2023 recommendation")
    # (the asker's CQ number repeated beside the corpus's own word that it holds none: "this assistant contains no CQ
    # numbers ..., so 'CQ3' cannot be matched to a grade", heldout24 c022)
    grades = () if _corpus_holds_none(claim) else claim.grades
    if grades and "jsh" in claim.attribution:
        return Verdict(kind="unsupported", rule_id=GRADE_ID, finding_id=GRADE_ID, claim=claim.text,
                       why=f"gives JSH 2023 a grade ({claim.grades[0].upper()}), but its summary gives none")
    said = " ".join(tokens(low)) if claim.grades else ""  # (grades are read as tokens: "s ( standard )")
    # (or the source gives the same value as a grade in other words: "categorised S" for "S is the category")
    theirs = {g.split()[-1] for g in grades_named(said.split())} if claim.grades else set()
    said_words = set(said.split())
    for g in grades:
        value = g.split()[-1]  # ("rated GNR" where the source gives GNR for that scheme, heldout23 c053)
        if g not in low and g not in said and not (g.startswith("grade ") and value in theirs) and not (
                "jsh" not in claim.attribution and len(value) >= 2 and value.isalpha() and value in said_words):
            return Verdict(kind="unsupported", rule_id=GRADE_ID, finding_id=GRADE_ID, claim=claim.text,
                           why=f"names {g.upper()}, but the JSH 2023 summary gives no CQ numbers or grades")
    for pct, frac in claim.equivalence:
        if abs(pct / 100 - frac) > 1e-9 * max(1.0, frac) and not (0.5 < pct / 100 / frac < 2):
            return Verdict(kind="unsupported", rule_id=VALUE_ID, finding_id=VALUE_ID, claim=claim.text,
                           why=f"{pct:g}% is {pct / 100:g} (one in {100 / pct:,.0f}), not {frac:g}")
    for q in claim.qualifiers:
        if q.kind == "dose" and f"{q.value:g}" not in low:
            return Verdict(kind="unsupported", rule_id=DOSE_ID, finding_id=DOSE_ID, claim=claim.text,
                           why="gives a dose, which the answers never do (take it from the protocol or the label)")
    return None


# ------------------------------------------------------------------------------------------ a question's premise


class PremiseForm(BaseModel):
    """How a question stands to a claim: whether it states one to check (a tag "..., right?", a request to confirm,
    a proposal "can we switch to X?") and the question's text without its tag (the tag's "n't" denies nothing)."""

    model_config = ConfigDict(frozen=True)

    tagged: bool = False
    confirms: bool = False
    compares: bool = False
    proposal: str | None = None  # the stance a proposal puts on its treatment (recommended / option)
    asks_open: bool = False  # a wh-question ("which ...", "up to what age ...") asks without asserting
    yes_no: bool = False  # a yes/no question ("is CAR-T recommended first-line?"): its claim is the one asked about
    presupposes: bool = False  # "why does JSH recommend X?": the claim it takes for granted, judged like a yes/no
    text: str = ""


def _ends_with(toks: list[str], phrases: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
    body = toks[:-1] if toks and toks[-1] == "?" else None
    if not body:
        return None
    return next((p for p in phrases if tuple(body[-len(p):]) == p
                 and (len(body) == len(p) or body[-len(p) - 1] in {",", ";", ".", "-", "—", "–"}
                      or len(p) > 1)), None)


def premise_form(question: str) -> PremiseForm:
    """Read a question's form with the premise vocabulary of `claims.yaml` (whole tokens: "ino?" is no "no?")."""
    from assistant.concepts import tokens

    voc = claim_vocabulary().premise
    toks = tokens(question.lower())
    tag = _ends_with(toks, voc["tags"])
    text = question
    if tag:
        text = question[:question.lower().rfind(tag[0])].rstrip(" ,;.-—–") + "?"
    start = _after_lead_in(toks, next((i for i, t in enumerate(toks)
                                       if (t.isalnum() or t[:1].isalnum()) and t not in voc["discourse"]), 0), voc)
    confirms = any(tuple(toks[start:start + len(p)]) == p for p in voc["confirm"])
    compares = any(tuple(toks[i:i + len(p)]) == p and (i + len(p) >= len(toks)
                                                       or toks[i + len(p)] not in voc["comparison_not_before"])
                   for p in voc["comparison"] for i in range(len(toks)))
    proposal = next((st for p, st in voc["proposals"] for i in range(len(toks)) if tuple(toks[i:i + len(p)]) == p),
                    None)
    compares = compares or (bool(voc["which"] & set(toks)) and _alternatives(question, voc["which"]) >= 2)
    asks_open = any(t in voc["open"] for t in toks[start:start + 3])
    return PremiseForm(tagged=tag is not None, confirms=confirms, compares=compares, proposal=proposal, text=text,
                       asks_open=asks_open and tag is None and not confirms,
                       yes_no=start < len(toks) and toks[start] in voc["yes_no"] or _terse_yes_no(toks, voc),
                       presupposes=any(tuple(toks[start:start + len(p)]) == p for p in voc["presupposing"]))


def _after_lead_in(toks: list[str], start: int, voc: dict[str, Any]) -> int:
    """Where the question opens after a lead-in clause ("given PhALLCON, does ...": the word after its comma), or
    after a case told before a colon ("Ph+ ALL under 65: is a TKI plus steroids alone enough?")."""
    colon = next((i for i in range(start, len(toks)) if toks[i] == ":"), None)
    if colon is not None and colon + 1 < len(toks) and toks[colon + 1] in voc["yes_no"]:
        return colon + 1
    if not any(tuple(toks[start:start + len(p)]) == p for p in voc["lead_ins"]):
        return start
    comma = next((i for i in range(start, len(toks)) if toks[i] == ","), None)
    return start if comma is None or comma + 1 >= len(toks) else comma + 1


def _terse_yes_no(toks: list[str], voc: dict[str, Any]) -> bool:
    """ "Ponatinib first-line JSH 2023 recommended?": a question that closes on a stance word, with no question word."""
    words = [t for t in toks if t[:1].isalnum()]
    last = toks[max((i for i, t in enumerate(toks) if t in (",", ";", ".")), default=-1) + 1:]
    return bool(words) and toks[-1:] == ["?"] and (
        words[-1] in voc["yes_no_ends"] or bool(set(last) & voc["yes_no_modals"])) and not set(words) & voc["open"]


def _alternatives(question: str, which: frozenset[str]) -> int:
    """How many alternatives a "which" question names: the treatments or the values ("10^-3 or 10^-4") of the
    clause that asks "which", and of the clause before it when that one states no position ("hyper-CVAD or a
    pediatric-type protocol, which is recommended?"; not "since JSH recommends X after HSCT, which TKI?")."""
    from assistant.concepts import clauses, tokens, treatments_in

    parts = clauses(question)
    at = next((k for k, p in enumerate(parts) if which & set(tokens(p.lower()))), None)
    if at is None:
        return 0
    asked = [parts[at], *([parts[at - 1]] if at and all(c.stance is None for c in read_claims(parts[at - 1])) else [])]
    text = " ".join(asked)
    values = {(q.kind, q.value) for c in read_claims(text) for q in c.qualifiers}
    return max(len(treatments_in(text)), len(values))


def stated_part(sentence: str) -> str:
    """A sentence that states something and then asks openly ("JSH lists X as standard - what's the grade?"): the
    part that states, for the premise; a sentence that opens by asking stays whole (its form says so)."""
    from assistant.concepts import clauses, tokens

    parts, opens = clauses(sentence), claim_vocabulary().premise["open"]
    for k, part in enumerate(parts[1:], start=1):
        toks = [t for t in tokens(part.lower()) if t.isalnum() or t[:1].isalnum()]
        if toks and toks[0].split("'")[0] in opens:
            return "".join(parts[:k]).rstrip(" ,;:-—–") + "."
    return sentence


def question_claims(question: str, form: PremiseForm | None = None) -> list[tuple[Claim, PremiseForm]]:
    """The claims a question makes, sentence by sentence, each with its sentence's form: the clauses that state a
    stance, and a proposal ("can we switch to nilotinib?" = nilotinib is an option for the patient's population;
    "should every patient get X?" = X is recommended). A sentence that asks openly ("what are the options?") states
    nothing; the background a vignette gives ("relapsed while on dasatinib.") has no stance."""
    import dataclasses

    from assistant.concepts import sentences

    out = []
    prev = ""
    for sentence in sentences(form.text if form else question):
        sf = premise_form(stated_part(sentence))
        said, prev = prev, sentence
        if sf.asks_open and not sf.presupposes:  # ("why does JSH recommend X?" takes X's recommendation for granted)
            continue
        for claim in _with_subject_before(read_claims(sf.text), said, sf.text):
            if claim.stance is None and sf.proposal and claim.interventions:
                claim = dataclasses.replace(claim, stance=sf.proposal,
                                            polarity=claim_vocabulary().stances[sf.proposal][0])
            own = sf
            if claim.stance == "effective" and claim.interventions and sentence.rstrip().endswith("?"):
                # "someone mentioned blinatumomab, could that work for him?" proposes it as an option for him
                claim = dataclasses.replace(claim, stance="option", polarity=claim_vocabulary().stances["option"][0])
                own = sf.model_copy(update={"proposal": "option"})
            # (a question's claim: asked or proposed, never a voice's position; and a claim put to be confirmed that
            # names one treatment and denies another: "it's steroids only, no chemo, right?")
            if claim.stance is not None or ((form is not None and form.tagged) or sf.tagged) and (
                    claim.negated and claim.interventions):
                out.append((dataclasses.replace(claim, extra={**claim.extra, "question": True}), own))
    return out


def _with_subject_before(claims: tuple[Claim, ...], before: str, text: str) -> tuple[Claim, ...]:
    """A bare verdict put to be confirmed ("So I'm completely cured?") is about what the sentence before it named
    ("They told me the MRD is negative!"): read with that sentence, when together they name a subject."""
    if not before or not claims or not all(c.stance and not c.subjects and not c.interventions for c in claims):
        return claims
    joined = read_claims(before.rstrip(" .!?") + ", " + text)
    return joined if any(c.stance and (c.subjects or c.interventions) for c in joined) else claims


def _ineffective(claim: Claim, a: Assert, merged: dict[str, Any]) -> bool:
    """A treatment proposed or recommended that the assert calls ineffective for the claim's whole population
    ("T315I: switch to nilotinib?")."""
    had = set(merged.get("prior_tkis") or ())  # (the drugs the patient already had are history, not the proposal)
    return a.stance == "ineffective" and claim.stance in POSITIVE and population_fit(a, merged) == "all" and any(
        any(x in broader_chain(c) for x in a.about) and c not in a.unless_named
        and not any(u in broader_chain(c) for u in a.unless_named) for c in claim.interventions if c not in had)


def _question_contradictions(claim: Claim, book: Any, merged: dict[str, Any],
                             qv: frozenset[float]) -> list[tuple[Any, str]]:
    out, futile, agreed = [], [], False
    negation = claim_vocabulary().stances.get(claim.stance or "", (0, None))[1]
    facts = PatientFacts.model_validate({k: v for k, v in merged.items() if k in PatientFacts.model_fields})
    for rule, a in _candidates(claim, book):
        fit = population_fit(a, merged)  # (a claim on every patient is denied by a rule on some of them: "ALL can
        # never be cured without a transplant, right?" by the Ph-negative CR1 rule, rja84 q40)
        if (fit != "all" and not (claim.universal and claim.stance == "required" and fit == "some")) or not _states(
                rule, a) or any(
                _known(merged.get(k)) and matches(merged[k], want) for k, want in rule.unless.items()):
            continue  # (an assert for a narrower population: "post-HSCT, MRD-negative" for frontline; a rule
            # whose exclusions the patient meets: the pediatric-type protocol rule for a 48-year-old)
        v = _compare(claim, a, merged, qv)
        if _ineffective(claim, a, merged):
            futile.append((rule, a.why))  # (a drug that does not work is wrong whatever else agrees)
        elif v is not None and v[0] == "contradict" and not (a.alternatives and claim.alone and claim.stance == "option"):
            # ("are steroids alone acceptable?" asks about the treatment by itself, one of the options, not about
            # it being the only one)
            out.append((rule, v[1] or a.why, (fit != "all", a.stance != negation)))
        # a rule for exactly this patient that the claim agrees with ("MRD 0.3% in CR1: does she need a
        # transplant?" meets the unfavourable-factor rule) outweighs a general one it seems to contradict
        agreed = agreed or (v == ("agree", "") and bool(a.population) and rule.condition(facts) is True)
    # (a rule on the claim's whole population first; then the rule that states the claim's own stance negated:
    # "never cured without a transplant" (required) by the rule where it is not required, before one naming it as
    # an option for some)
    out.sort(key=lambda x: x[2])
    return futile + ([] if agreed else [(r, why) for r, why, _ in out])


def _states(rule: Any, a: Assert) -> bool:
    """The rule's statement names what the assert is about: shown first, it answers the claim (the ponatinib assert
    of the TKI-with-chemotherapy rule would not)."""
    named = _statement_concepts(rule.statement)
    return all(c in named for c in a.about)


@lru_cache(maxsize=256)
def _statement_concepts(statement: str) -> frozenset[str]:
    from assistant.concepts import read_concepts

    return frozenset(b for m in read_concepts(statement.lower()).mentions for b in broader_chain(m.concept))


def judge_question(question: str, book: Any, facts: PatientFacts,
                   form: PremiseForm | None = None) -> list[tuple[Claim, PremiseForm, Verdict]]:
    """Each claim of the question judged as an answer's sentence would be, in the patient's setting: the rules
    that apply to the claim's population speak first (a contradiction, or a treatment they call ineffective)."""
    qv = question_values(question, facts)
    out = []
    for c, sf in question_claims(question, form):
        merged = {**facts.model_dump(), **c.population}
        merged |= {k: v for k, v in _implied_by_treatments(c).items() if not _known(merged.get(k))}
        v = judge_claim(c, book, facts, qv)
        contra = _question_contradictions(c, book, merged, qv)
        if contra:
            v = Verdict(kind="contradict", rule_id=contra[0][0].id, why=contra[0][1], claim=c.text)
        elif v.kind == "contradict":
            v = Verdict(kind="unrelated", claim=c.text)  # (only by a rule for another setting, or one whose
            # statement does not answer the claim)
        out.append((c, sf, v))
    return out


def _implied_by_treatments(claim: Claim) -> dict[str, Any]:
    """The population the claim's treatments are for, where the lexicon says ("ponatinib first line?" is about
    Ph-positive ALL; "blinatumomab" about B-lineage): the Ph status and lineage of their `fits`."""
    from assistant.rules.fit import treatment_fits

    out: dict[str, Any] = {}
    for c in claim.interventions:
        fits = treatment_fits(c)
        out.update({k: fits[k] for k in ("ph_status", "lineage") if k in fits and k not in out})
    return out


def agreeing_rules(claim: Claim, book: Any, facts: PatientFacts) -> set[str]:
    """The ids of the rules one of whose asserts the claim agrees with."""
    merged = {**facts.model_dump(), **claim.population}
    return {rule.id for rule, a in _candidates(claim, book) if _compare(claim, a, merged, frozenset()) == ("agree", "")}


__all__ = ["Assert", "Examples", "PremiseForm", "QualifierSpec", "Verdict", "agreeing_rules", "claim_vocabulary",
           "guideline_claims", "judge_claim", "judge_question", "judge_sentence", "population_fit", "premise_form",
           "qualifier_conflict", "question_claims", "question_values", "restates", "stated_part"]


def agrees_with(rule: Any, sentence: str, book: Any, facts: PatientFacts, question: str = "") -> bool:
    """The sentence's claims agree with this rule's asserts (and contradict no rule): a paraphrase of the rule."""
    if not rule.asserts:
        return False
    if judge_sentence(sentence, book, facts, question=question).kind in ("contradict", "unsupported"):
        return False
    merged = facts.model_dump()
    qv = question_values(question, facts)
    for claim in read_claims(sentence):
        m = {**merged, **claim.population}
        if any(_compare(claim, a, m, qv) == ("agree", "") for a in rule.asserts):
            return True
    return False


def restates(rules: Sequence[Any], sentence: str, book: Any) -> bool:
    """Each of the sentence's claims agrees with an assert of these rules, read for no patient in particular: the
    sentence says what the rules say and nothing more (not "continue chemotherapy and consider allo-HSCT when
    unfavourable factors are present" for the rule on the unfavourable factors alone)."""
    asserts = [a for r in rules for a in r.asserts]
    claims = read_claims(sentence)
    if not asserts or not claims or judge_sentence(sentence, book, PatientFacts()).kind in ("contradict",
                                                                                          "unsupported"):
        return False
    return all(any(_compare(c, a, dict(c.population), frozenset()) == ("agree", "") for a in asserts) for c in claims)


def _labelled(body: str) -> str:
    """The sentence without its bold lead-in label, unless the label names the treatment the line is about
    ("**CAR-T:** not an option for T-ALL, as it is CD19-directed": its subject, heldout12 c042), which is kept."""
    from assistant.rules.base import strip_lead  # (imported late, as in check_frames)

    bare = strip_lead(body)
    label = body[:len(body) - len(bare)].strip()
    if not label.rstrip("*").endswith(":"):
        return bare  # (bold words inside the sentence: "**combination chemotherapy**, with ...", as before)
    label = label.strip("*").strip()
    if label and len(label.split()) <= 4 and any(
            m.kind in TREATMENT_KINDS or m.kind in _GROUP_KINDS for m in read_concepts(label.rstrip(":").lower()).mentions):
        return f"{label.rstrip(':*')}: {bare}"  # (or the group it is about: "**B-lineage:** WBC >30×10^9/L is
    return bare  # adverse; **T-lineage:** ...", heldout19 c038)


#: Concept kinds of a group a bold label may name for its line (a lineage, a Ph status).
_GROUP_KINDS = frozenset({"lineage", "marker"})


def check_frames(question: str, facts: PatientFacts, draft: Any, retrieved: Sequence[Chunk], *,
                 rulebook: Any = None) -> list[Any]:
    """Issues for sentences whose claims contradict a rule's asserts or state an unsupported recommendation, grade
    or dose. A contradicting sentence is replaced by the rule's statement (when its section was retrieved), an
    unsupported one removed; a sentence copied verbatim from a retrieved source, or a rule's own statement, is
    left alone (its source says it)."""
    from assistant.rules.base import Issue, Replacement, cited_chunks, lead_reply, parse_lines
    from assistant.rules.logic import default_rulebook, sentence_facts, statement_chunk

    book = rulebook or default_rulebook()
    asked = f"{question} {draft.said}".strip()  # (its values only: the asker's numbers, background and turns too)
    statements = {r.statement.strip().rstrip(".") for r in book.rules}
    issues: list[Any] = []
    lines = parse_lines(draft.answer)
    lead = lead_reply(lines, retrieved)
    intro = ""  # a sentence that opens a list ("JSH 2023 recommends:"), read before each item of the list
    before = ""  # the last fact sentence naming a treatment, whose one treatment a pronoun may name
    last = ""  # the fact sentence right before, whose voice (the guideline) an opening "It" may be
    for line in lines:
        if line.sentences and not line.prefix.strip():
            intro = ""
        for s in line.sentences:
            if not s.is_fact:
                continue
            said = _labelled(s.body)
            # (a sentence naming no treatment keeps the referent: "That drug is nelarabine ... Its main toxicity is
            # neurotoxicity. It is also the usual fallback for relapsed B-ALL ...", heldout17 w069)
            before_it, before = before, (said if treatments_in(said.lower()) else before)
            last_it, last = last, said
            if said.rstrip().endswith(":"):
                intro = said.rstrip().rstrip(":")
                continue
            if said.strip().rstrip(".") in statements or any(said in c.text for c in retrieved):
                continue  # (a sentence its source says, as written)
            body = _voiced_back(_named_back(said, before_it), last_it)
            item = body
            if intro and line.prefix.strip():  # ("- cranial irradiation for every patient [4]" under "JSH recommends:")
                body = f"{intro} {body[:1].lower()}{body[1:]}"
            cited = " ".join(c.text for c in cited_chunks(s, draft, retrieved))
            # a short uncited opening sums up the cited sentence after it ("Then no TKI is recommended. For
            # Ph-positive patients who are MRD-negative after allo-HSCT, ..."): read in that sentence's population
            seen = sentence_facts(facts, _carried_by(lines, lead)) if s is lead else facts
            v = judge_sentence(body, book, seen, question=asked, retrieved=retrieved, cited_text=cited)
            if v.kind == "unsupported" and body != item:  # (the list's opening is read for contradictions; what a
                # list item leaves unsaid, its setting above the list, is no unsupported recommendation)
                v = judge_sentence(item, book, seen, question=asked, retrieved=retrieved, cited_text=cited)
            elif v.kind == "contradict" and body != item and any(c.interventions for c in read_claims(intro)):
                # (an opening that states its own claim, "With CD19 gone, the antigen-matched option is inotuzumab:",
                # is no stance for the items under it: "- blinatumomab needs CD19, so it no longer fits" is read
                # alone, heldout11 c057)
                v = judge_sentence(item, book, seen, question=asked, retrieved=retrieved, cited_text=cited)
            if v.kind not in ("contradict", "unsupported"):
                continue
            rule = book.get(v.rule_id) if v.kind == "contradict" else None
            chunk = statement_chunk(rule, retrieved) if rule is not None else None
            short = body if len(body) <= 90 else body[:89] + "…"
            if rule is not None:
                msg = (f"Claim \"{short}\" contradicts {rule.id} ({rule.title}): {v.why}; "
                       + ("replaced by the guideline statement" if chunk else "removed"))
            else:
                msg = f"Claim \"{short}\" is unsupported: {v.why}; removed"
            issues.append(Issue(
                finding=RuleFinding(rule_id=v.rule_id or UNSUPPORTED_ID, severity="block", message=msg,
                                    section_id=rule.section_ids[0] if rule is not None else None),
                line=s.line, sentence=s.index, action="replace" if chunk else "drop",
                replacement=Replacement(text=rule.statement, chunk=chunk, quote=rule.statement) if chunk else None))
    return issues


def _voiced_back(body: str, before: str) -> str:
    """An opening "It" read as the guideline when the sentence before speaks in its voice and names no treatment "it"
    could be ("... the 2023 guideline says no standard treatment has been established. It prefers combination
    chemotherapy for those who can tolerate it", heldout18 w004)."""
    if not body[:3].lower() == "it " or not before or treatments_in(before.lower()):
        return body
    if not any("jsh" in c.voiced for c in read_claims(before)) or any(c.attribution for c in read_claims(body)):
        return body
    return "The guideline " + body[3:]


#: Words that make a duration the length of a treatment ("the recommended minimum is 3 years").
_DURATION_WORDS = frozenset({"minimum", "maximum", "duration", "length"})


def _duration_of_before(body: str, before: str) -> str | None:
    """A sentence that opens on a duration with no treatment ("The recommended minimum is 3 years, ...") after one
    that gives a position on one treatment ("JSH 2023 recommends TKI maintenance when no transplant is done"): the
    duration of that treatment, read with it named (heldout25 w010); else None."""
    claims = read_claims(body) if before else ()
    if not claims or any(c.interventions or c.negated for c in claims) or claims[0].subjects or (
            claims[0].polarity <= 0 or claims[0].stopping) or not any(q.kind == "duration" for q in claims[0].qualifiers) \
            or not _DURATION_WORDS & set(tokens(claims[0].text)):
        return None  # (a duration given, not one denied or stopped at: "stopping before 5 years is not consistent
        # with that recommendation" reads its treatment by its own words; and the treatment's own length, not a time
        # since a transplant or a hospital stay)
    given = {c for cl in read_claims(before) if cl.stance for c in cl.interventions}
    if len(given) != 1:
        return None
    mentions = read_concepts(before.lower()).mentions
    at = next((k for k, m in enumerate(mentions) if m.concept in given), None)
    if at is None:
        return None
    # (with the phase of treatment named right after it: "TKI maintenance")
    phase = mentions[at + 1].surface if at + 1 < len(mentions) and mentions[at + 1].concept in _TREATMENT_PHASES \
        and mentions[at + 1].start == mentions[at].end else ""
    return f"For {' '.join(w for w in (mentions[at].surface, phase) if w)}, {body[:1].lower()}{body[1:]}"


def _named_back(body: str, before: str) -> str:
    """The sentence with its pronoun read as the one treatment the sentence before names, when it states a stance on
    nothing else ("Neurotoxicity is the key issue with nelarabine. JSH 2023 lists it as an option for ALL of either
    lineage": nelarabine listed for B-ALL too, heldout11 w078)."""
    from assistant.concepts import load_lexicon, treatments_in

    named = treatments_in(before.lower()) if before else set()
    durations = _duration_of_before(body, before)
    if durations is not None:
        return durations
    if len(named) != 1:
        return body
    claims = read_claims(body)
    label = load_lexicon().concepts[next(iter(named))].label
    words = body.split(" ")
    if words[0].lower() in _STATEMENT_POINTERS and claims and claims[0].stance in _TREATMENT_STANCES | {"applies"} \
            and set(claims[0].interventions) <= named and not claims[0].negated:
        # ("JSH 2023 recommends pediatric-type chemotherapy for AYA. This applies whatever their Ph status": the
        # statement before, its treatment and its voice, heldout13)
        n = 2 if len(words) > 1 and words[1].lower().strip(",.;:") in _STATEMENT_NOUNS else 1
        voice = "JSH 2023 " if any("jsh" in c.voiced for c in read_claims(before)) else ""
        surface = next((m.surface for m in read_concepts(before).mentions if m.concept in named), label)
        return " ".join([f"The {voice}{surface} recommendation", *words[n:]])
    if not any(c.stance in _TREATMENT_STANCES for c in claims) or any(c.negated for c in claims) or (
            any(c.interventions for c in claims) and not _subject_pronoun(body)):
        return body
    # ("it" for a treatment; a bare "this" or "that" is read as the statement before, above)
    at = next((i for i, w in enumerate(words) if w.lower().strip(",.;:") == "it"), None)
    if at is None:
        return body
    words[at] = words[at].lower().replace("it", label, 1)
    return " ".join(words)


def _subject_pronoun(body: str) -> bool:
    """The sentence opens on "it" and names its treatments only in a condition after the stance ("It is also the
    usual fallback for relapsed B-ALL when blinatumomab and inotuzumab cannot be used", heldout17 w069): "it" is
    still the treatment of the sentence before."""
    toks = tokens(body.lower())
    if toks[:1] != ["it"]:
        return False
    cut = min((i for i, _ in phrases_at(toks, claim_vocabulary().condition_clauses)), default=len(toks))
    return not treatments_in(" ".join(toks[:cut]))


#: Words opening a sentence about the statement before ("This applies to ...", "That recommendation covers ...").
_STATEMENT_POINTERS = frozenset({"this", "that"})
#: ... and the nouns that may follow them ("This recommendation", "That advice").
_STATEMENT_NOUNS = frozenset({"recommendation", "advice", "rule", "statement", "approach", "guidance"})


#: Stances a sentence takes on a treatment (a pronoun in it may name the treatment of the sentence before).
_TREATMENT_STANCES = frozenset({"recommended", "option", "required", "not_recommended", "not_required", "effective",
                                "ineffective"})


def _carried_by(lines: Sequence[Any], lead: Any) -> str:
    """The first cited sentence after the opening reply `lead`, without its markers."""
    from assistant.rules.base import strip_lead

    after = [s for line in lines for s in line.sentences if s.is_fact and s.markers and s is not lead]
    return strip_lead(after[0].body) if after else ""
