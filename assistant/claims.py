"""Claim frames: what an answer sentence asserts, read with the same concept layer as questions.

Each clause of a sentence becomes a `Claim`:

- `population`: the patients it is about, as patient facts (Ph status, age band, lineage, phase, MRD, transplant,
  CD19/CD22), read by the facts reader from the sentence itself, plus its `setting` (frontline or relapsed);
- `interventions`: the treatments it names (concept ids of drugs, classes, regimens, procedures), without those
  the context marks as negated ("without a TKI"), as history ("after allo-HSCT") or set aside ("rather than");
- `stance`: recommended / option / required / not_recommended / not_required / effective / ineffective /
  no_standard / high_risk (vocabulary in `assistant/lexicon/claims.yaml`), flipped by the context layer's
  negation cues, softened by hedges;
- `qualifiers`: numbers with unit and comparator (durations, age limits, thresholds, doses);
- `attribution`: whose position it is (JSH, a trial, a label, another guideline, the corpus);
- `targets`: the antigen each antibody is said to bind; `grades`: CQ numbers and recommendation grades named.

The reader is pure and memoised; vocabulary lives in the YAML files, not here.

    >>> c = read_claims("No: the JSH 2023 guideline does not recommend prophylactic TKI maintenance after allo-HSCT.")[0]
    >>> c.stance, c.interventions, sorted(c.attribution)
    ('not_recommended', ('tki',), ['jsh'])
    >>> q = read_claims("Continue TKI maintenance for at least 5 years.")[0].qualifiers[0]
    >>> q.kind, q.op, q.value, q.unit
    ('duration', '>=', 5.0, 'year')
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.concepts import LEXICON_DIR, TREATMENT_KINDS, Mention, lexicon_file, load_lexicon, read_concepts, tokens
from assistant.text import TRIAL_RE

__all__ = ["NEGATIVE_STANCES", "Claim", "Qualifier", "broader_chain", "claim_vocabulary", "clause_spans", "numbers_in", "read_claims", "reports_hearsay", "strip_opener"]

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Concept kinds that are treatments a claim can be about.
INTERVENTION_KINDS = frozenset({"drug", "drug_class", "regimen", "procedure", "treatment"})
#: Subject concepts (not treatments) a claim can be about: MRD thresholds, CNS prophylaxis.
SUBJECT_KINDS = frozenset({"marker"})

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Qualifier:
    kind: str  # duration | age | threshold | dose | count
    op: str  # "=", "~", "<", "<=", ">", ">=", "range"
    value: float
    unit: str  # year | percent | cycle | dose
    high: float | None = None  # the upper end of a range

    def interval(self) -> tuple[float, float]:
        """The values the qualifier allows, as a closed interval (open ends are nudged by a tiny step)."""
        eps = 1e-9
        return {
            "<": (float("-inf"), self.value - eps), "<=": (float("-inf"), self.value),
            ">": (self.value + eps, float("inf")), ">=": (self.value, float("inf")),
            "range": (self.value, self.high if self.high is not None else self.value),
        }.get(self.op, (self.value, self.value))


@dataclass(frozen=True)
class Claim:
    text: str
    population: dict[str, Any]
    interventions: tuple[str, ...]
    negated: tuple[str, ...]
    contrasted: tuple[str, ...]
    subjects: tuple[str, ...]
    concepts: frozenset[str]
    stance: str | None
    polarity: int
    hedged: bool
    universal: bool
    qualifiers: tuple[Qualifier, ...]
    attribution: frozenset[str]
    setting: str | None
    targets: tuple[tuple[str, frozenset[str]], ...] = ()
    denied_targets: tuple[tuple[str, frozenset[str]], ...] = ()  # (drug, antigens it is said to work without)
    grades: tuple[str, ...] = ()
    trials: bool = False
    ranked: bool = False  # the sentence ranks treatments ("X first, Y kept for later")
    exemplified: bool = False  # drugs are named as examples of their class ("imatinib or another TKI")
    defines: bool = False  # a single value is given as a threshold ("MRD of 0.1 % defines high risk")
    alone: bool = False  # a treatment without its companions ("intrathecal chemotherapy alone")
    alone_of: tuple[str, ...] = ()  # the treatments said to be given alone
    absolute: bool = False  # the stance holds in every case ("never", "not ... any")
    conditional: bool = False  # the stance holds only under a condition ("if", "only when", "for those with")
    equivalence: tuple[tuple[float, float], ...] = ()
    voiced: frozenset[str] = frozenset()  # the voices the clause itself names (attribution may come from the sentence)
    equates: bool = False  # the treatments are called equivalent ("equal alternatives", "interchangeable")
    restricted: bool = False  # the position is limited to the population named ("reserves X for", "X only in")
    own_population: dict[str, Any] = field(default_factory=dict)  # the facts the sentence itself states
    basis: bool = False  # a named trial is given as the basis of the position ("on the basis of ZUMA-3, ...")
    restricted_to: dict[str, Any] = field(default_factory=dict)  # the group a restriction names ("only for <group>")
    age_at: str | None = None  # when an age limit is measured ("diagnosis", "infusion"), if the clause says
    stopping: bool = False  # the stance was said of stopping the treatment, and is read as its opposite on it
    named_treatments: tuple[str, ...] = ()  # every treatment the whole sentence names (a ranking clause's others)
    set_aside: frozenset[str] = frozenset()  # facts named only to be set aside ("whether or not Ph-positive")
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> frozenset[str]:
        """Every concept the claim names, with the classes its treatments belong to."""
        out = set(self.concepts)
        for c in self.interventions:
            out.update(broader_chain(c))
        return frozenset(out)


@dataclass(frozen=True)
class Vocabulary:
    negation_window: int
    stances: dict[str, tuple[int, str | None]]  # stance -> (polarity, negated stance)
    stance_cues: dict[str, tuple[tuple[Phrase, str], ...]]  # first token -> (phrase, stance), longest first
    hedges: tuple[Phrase, ...]
    universal: tuple[Phrase, ...]
    contrast: tuple[Phrase, ...]
    clause_breaks: frozenset[str]
    openers: tuple[Phrase, ...]
    opener_marks: frozenset[str]
    attribution: dict[str, tuple[Phrase, ...]]
    setting: dict[str, tuple[Phrase, ...]]
    comp_before: tuple[tuple[Phrase, str], ...]
    comp_after: tuple[tuple[Phrase, str], ...]
    range_words: frozenset[str]
    units: dict[str, str]  # token -> unit
    age_before: tuple[Phrase, ...]
    age_after: tuple[Phrase, ...]
    duration_before: tuple[Phrase, ...]
    grade_prefixes: tuple[Phrase, ...]
    grade_values: frozenset[str]
    target_cues: tuple[Phrase, ...]
    antigens: frozenset[str]
    negation: tuple[Phrase, ...]
    dose_units: frozenset[str]
    history: tuple[Phrase, ...] = ()
    split_suffixes: tuple[str, ...] = ()
    grade_phrases: tuple[Phrase, ...] = ()
    split_prefixes: tuple[str, ...] = ()
    examples: tuple[Phrase, ...] = ()
    defining: tuple[Phrase, ...] = ()
    alone: tuple[Phrase, ...] = ()
    alone_after: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    stop_after: tuple[Phrase, ...] = ()
    pronouns: frozenset[str] = frozenset()
    concessive_clauses: frozenset[str] = frozenset()  # a trial named in one of these speaks only there
    value_pointers: tuple[Phrase, ...] = ()  # "that level": the value of the clause before
    both_settings: tuple[Phrase, ...] = ()  # "both at relapse and first-line": two settings the claim's own
    set_aside_names: tuple[tuple[str, tuple[Phrase, ...]], ...] = ()  # fact key -> the words naming it
    comma_clauses: tuple[Phrase, ...] = ()  # ", for whom ...", ", since ...": a clause of its own after a comma
    stance_not_after: dict[Phrase, frozenset[str]] = field(default_factory=dict)  # cue -> words that unmake it
    denied_showing: frozenset[str] = frozenset()  # "does not show that ...": the clause after it is not asserted
    trial_regimen_nouns: frozenset[str] = frozenset()  # "the ALL202-U protocol": a trial's own treatment
    absolute: tuple[Phrase, ...] = ()
    conditions: tuple[Phrase, ...] = ()
    restated_condition: frozenset[str] = frozenset()
    denied_attribution: tuple[Phrase, ...] = ()
    disowned_by_source: tuple[str, ...] = ()  # a source sentence saying its content is not JSH 2023's
    grade_skip: frozenset[str] = frozenset()
    grade_reverse: tuple[frozenset[str], tuple[Phrase, ...]] = (frozenset(), ())  # (words between, grade nouns)
    toxicity_grade: frozenset[str] = frozenset()  # words beside "grade 2" that make it a harm's grade (CTCAE)
    fraction_cues: tuple[Phrase, ...] = ()
    basis: tuple[Phrase, ...] = ()
    denial_words: frozenset[str] = frozenset()
    restriction: tuple[Phrase, ...] = ()
    preferred: tuple[Phrase, ...] = ()
    preferred_after: tuple[Phrase, ...] = ()
    equivalence_cues: tuple[Phrase, ...] = ()
    attributive: frozenset[str] = frozenset()
    both_lineages: tuple[str, ...] = ()
    lineage_list_words: frozenset[str] = frozenset()
    lineage_list_joiners: frozenset[str] = frozenset()
    value_contrast_openers: tuple[str, ...] = ()
    value_contrast_continuations: tuple[str, ...] = ()
    value_comparators: tuple[str, ...] = ()
    and_breaks: frozenset[str] = frozenset()
    decision_words: frozenset[str] = frozenset()
    tested_before: tuple[frozenset[str], tuple[Phrase, ...]] = (frozenset(), ())  # (test words, "before" words)
    absence_predicates: frozenset[str] = frozenset()
    qualified_openers: frozenset[str] = frozenset()
    equivalence_denials: frozenset[str] = frozenset()
    term_paraphrases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    restricted_patients: frozenset[str] = frozenset()
    stronger_forms: tuple[Phrase, ...] = ()
    concessions: frozenset[str] = frozenset()
    any_age: tuple[Phrase, ...] = ()
    absolute_not_after: tuple[Phrase, ...] = ()
    subject_denials: frozenset[str] = frozenset()
    position_joiners: frozenset[str] = frozenset()
    status_concepts: tuple[tuple[str, str, tuple[Phrase, ...]], ...] = ()  # (concept, its fact, testing words)
    evidence_subjects: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    extended_to: tuple[tuple[Phrase, ...], frozenset[str]] = ((), frozenset())
    population_cues: tuple[tuple[Phrase, dict[str, Any]], ...] = ()
    elliptic: frozenset[str] = frozenset()
    status_denials: tuple[Phrase, ...] = ()  # an elliptic denial of a status ("..., not a recommendation in itself")
    continuing: tuple[Phrase, ...] = ()  # "..., and also for relapsed B-ALL": the clause before's treatment and stance
    regardless: tuple[Phrase, ...] = ()  # "whether or not the Ph chromosome is present": a group set aside
    eligibility_keys: frozenset[str] = frozenset()  # a condition of who can have it (a donor, fitness), not why
    risk_words: frozenset[str] = frozenset()  # words of a condition of risk ("unfavourable factors", "MRD")
    transparent: frozenset[str] = frozenset()
    grade_absence: tuple[Phrase, ...] = ()
    ranking: tuple[Phrase, ...] = ()
    age_anchors: tuple[tuple[Phrase, str], ...] = ()
    target_nouns: frozenset[str] = frozenset()
    shared_target: tuple[Phrase, ...] = ()
    composition: tuple[frozenset[str], frozenset[str], frozenset[str]] = (frozenset(), frozenset(), frozenset())
    age_limit_words: frozenset[str] = frozenset()
    premise: dict[str, Any] = field(default_factory=dict)  # a question's tags, confirm cues, comparisons, proposals
    denial_skip: frozenset[str] = frozenset()
    qualified_nouns: frozenset[str] = frozenset()
    concurrent: tuple[Phrase, ...] = ()
    affirmative: frozenset[str] = frozenset()  # a plain yes ("yes", "yeah"): assistant/rules/reply.py
    agreeing: frozenset[str] = frozenset()  # a yes only as a short reply of its own ("correct", "right")
    reply_turns: frozenset[str] = frozenset()  # words that turn a yes ("but", "only", "partly")
    consequence: frozenset[str] = frozenset()
    restriction_after: frozenset[str] = frozenset()
    edition_names: frozenset[str] = frozenset()
    grade_foreign: tuple[tuple[Phrase, ...], frozenset[str], frozenset[str]] = ((), frozenset(), frozenset())
    grade_verbs: tuple[frozenset[str], int] = (frozenset(), 0)  # "grades <object> as <value>", within a window
    basis_sources: frozenset[str] = frozenset()  # study words a basis phrase can point to ("this registry analysis")
    stopped: tuple[tuple[Phrase, ...], frozenset[str], dict[str, str]] = ((), frozenset(), {})  # "stopping X is ..."
    stopped_after: tuple[Phrase, ...] = ()  # "... allows X to be stopped"
    condition_clauses: tuple[Phrase, ...] = ()  # "when", "if": a condition clause opens
    split_stances: dict[str, tuple[tuple[str, int, str], ...]] = field(default_factory=dict)  # head -> (tail, gap, stance)
    split_not_between: frozenset[str] = frozenset()  # "rule anything out": no treatment between, no stance
    denial_unspecified: frozenset[str] = frozenset()
    denial_unspecified_after: frozenset[str] = frozenset()  # "no TKI named": the name is denied, not the TKI
    marker_population: dict[str, dict[str, Any]] = field(default_factory=dict)
    embedded: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # (cues, words making a condition)
    wishes: tuple[Phrase, ...] = ()  # a person's wish before the stance ("wants to avoid transplant"): no claim
    embedded_wh: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # (wh-words, verbs before them)
    #: a relative clause of a thing said not to exist ("gives no MRD level at which transplant can be omitted"):
    #: (negations, prepositions before "which", window)
    denied_relative: tuple[frozenset[str], frozenset[str], int] = (frozenset(), frozenset(), 0)
    #: words that deny a recommendation's reach to a group named after them ("does not extend to")
    reach_denials: tuple[Phrase, ...] = ()
    #: words that put a person in an age group ("belongs to", "counts as")
    group_membership: tuple[Phrase, ...] = ()
    risk_holders: frozenset[str] = frozenset()  # words before a risk that make it who ("adults at high risk")
    framing_verbs: frozenset[str] = frozenset()  # "presents X as the standard": denied, the stance after "as" is
    line_words: frozenset[str] = frozenset()  # "the high-risk threshold": a risk cue naming a line
    under_words: frozenset[str] = frozenset()  # "just below the high-risk threshold": the value on the other side
    condition_openers: frozenset[str] = frozenset()  # "..., and if MRD becomes detectable, ...": a condition clause
    duration_minimum: frozenset[str] = frozenset()  # "the recommended minimum ... is 3 years": at least
    duration_maximum: frozenset[str] = frozenset()  # "a maximum ... of 2 years": at most
    # "not cured without X" / "never cured without X": X is required (stances read that way, the word marking X)
    required_without: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    patient_pointers: tuple[Phrase, ...] = ()  # "not an option here; it is for T-ALL": the case's, not the sentence's
    stop_rules: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())  # ("until", the results it waits for)
    set_apart_from_jsh: tuple[Phrase, ...] = ()  # "a protocol feature that differs from the JSH recommendation"
    unit_subjects: dict[str, str] = field(default_factory=dict)  # a value's unit -> the subject it measures
    reasons: tuple[Phrase, ...] = ()  # open a leading reason clause ("because ..., ", "now that ..., ")
    generic_guideline: frozenset[Phrase] = frozenset()  # "guideline" naming no one: another guideline's, if named
    group_pointers: tuple[Phrase, ...] = ()  # "there", "this age group": a group named elsewhere
    stance_set_aside: tuple[Phrase, ...] = ()  # words right before a stance that deny it ("rather than required")
    ranking_between: tuple[Phrase, ...] = ()  # ranking words when a clause names two treatments ("X preferred, Y kept")
    contractions: dict[str, str] = field(default_factory=dict)  # "doesn't" -> "does not"
    requirement_cues: tuple[Phrase, ...] = ()  # "confirm CD22 before inotuzumab": the drug needs the antigen
    target_denials: tuple[Phrase, ...] = ()  # "rather than requiring CD19": the drug said to work without it
    requirement_for: tuple[Phrase, ...] = ()  # "before inotuzumab": the drug a requirement is for


def _ph(items: list[Any]) -> tuple[Phrase, ...]:
    bad = [p for p in items if not isinstance(p, str)]
    if bad:
        raise ValueError(f"claims.yaml: phrase {bad[0]!r} is not text (quote it)")
    return tuple(sorted({tuple(tokens(p.lower())) for p in items if tokens(p.lower())}, key=len, reverse=True))


def _words(data: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(w) for w in data.get(key) or [])


def _keyed_phrases(data: dict[str, Any]) -> dict[str, Any]:
    """claims.yaml's tables keyed by a fact or a cue: `set_aside_names` (fact key -> the words naming it) and
    `stance_not_after` (a stance cue -> the words before it that unmake it)."""
    return {"set_aside_names": tuple((str(k), _ph(v)) for k, v in (data.get("set_aside_names") or {}).items()),
            "stance_not_after": {tuple(tokens(str(k).lower())): frozenset(str(w) for w in v)
                                 for k, v in (data.get("stance_not_after") or {}).items()}}


@lru_cache(maxsize=2)
def claim_vocabulary(folder: Path = LEXICON_DIR) -> Vocabulary:
    """Read `claims.yaml` once (and the context layer's negation cues)."""
    data = yaml.load((folder / "claims.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    lex = load_lexicon()
    stances: dict[str, tuple[int, str | None]] = {}
    cues: dict[str, list[tuple[Phrase, str]]] = {}
    for name, entry in data["stances"].items():
        stances[name] = (int(entry["polarity"]), entry.get("negated"))
        for p in _ph(entry["cues"]):
            cues.setdefault(p[0], []).append((p, name))
    for name, (_, neg) in stances.items():
        if neg is not None and neg not in stances:
            raise ValueError(f"claims.yaml: stance {name} negates to unknown stance {neg!r}")
    units = {t: unit for unit, words in data["units"].items() for w in words for t in [w.lower()]}
    comp = data["comparators"]
    dose_units = frozenset(" ".join(f.tokens) for fs in lex.forms.values() for f in fs
                           if f.concept.id == "dose_unit")
    return Vocabulary(
        negation_window=int(data["negation_window"]), stances=stances,
        stance_cues={k: tuple(sorted(v, key=lambda t: -len(t[0]))) for k, v in cues.items()},
        hedges=_ph(data["hedges"]), universal=_ph(data["universal"]), contrast=_ph(data["contrast"]),
        clause_breaks=frozenset(str(w) for w in data["clause_breaks"]),
        **{k: _words(data, k) for k in ("concessive_clauses", "denied_showing", "trial_regimen_nouns", "basis_sources", "edition_names", "denial_unspecified", "denial_unspecified_after", "risk_holders", "framing_verbs", "line_words", "under_words", "condition_openers", "duration_minimum", "duration_maximum")},
        **{k: _ph(data.get(k) or []) for k in ("value_pointers", "both_settings", "comma_clauses", "wishes", "continuing", "condition_clauses", "reasons", "group_pointers", "group_membership", "reach_denials", "ranking_between", "patient_pointers", "set_apart_from_jsh", "requirement_for", "status_denials")},
        **_keyed_phrases(data), openers=_ph(data["openers"]),
        opener_marks=frozenset(data["opener_marks"]),
        attribution={k: _ph(v) for k, v in data["attribution"].items()},
        setting={k: _ph(v) for k, v in data["setting"].items()},
        comp_before=tuple((p, op) for op, ws in comp["before"].items() for p in _ph(ws)),
        comp_after=tuple((p, op) for op, ws in comp["after"].items() for p in _ph(ws)),
        range_words=frozenset(str(w) for w in data["range_words"]), units=units,
        age_before=_ph(data["age_before"]), age_after=_ph(data["age_after"]),
        duration_before=_ph(data["duration_before"]),
        grade_prefixes=_ph(data["grades"]["prefixes"]), grade_values=frozenset(str(v) for v in data["grades"]["values"]),
        target_cues=_ph(data["targets"]), antigens=frozenset(data["antigens"]),
        negation=tuple(sorted(set(lex.context.negated_before) | set(_ph(data.get("negation_extra") or [])),
                              key=len, reverse=True)), dose_units=dose_units, history=lex.context.history,
        split_suffixes=tuple(str(x) for x in data.get("split_suffixes") or []),
        ranking=_ph(data.get("ranking") or []), grade_phrases=_ph(data["grades"].get("phrases") or []),
        grade_absence=_ph(data["grades"].get("absence") or []),
        grade_foreign=(_ph(data["grades"].get("foreign_phrases") or []), _words(data["grades"], "copula"),
                       _words(data["grades"], "copula_not")),
        grade_verbs=(_words(data["grades"], "verbs"), int(data["grades"].get("verb_window") or 0)),
        split_stances=_split_stances(data),
        split_not_between=frozenset((data.get("split_stances") or {}).get("not_between") or ()),
        stopped_after=_ph(data["stopped_subject"].get("passive") or []),
        stopped=(_ph(data["stopped_subject"]["verbs"]), _words(data["stopped_subject"], "skip"),
                 {str(k): str(v) for k, v in data["stopped_subject"]["flip"].items()}),
        split_prefixes=tuple(str(x) for x in data.get("split_prefixes") or []),
        examples=_ph(data.get("examples") or []), defining=_ph(data.get("defining") or []), alone=_ph(data.get("alone") or []),
        alone_after=(_words(data["alone_after"], "words"), _words(data["alone_after"], "not_before")), stop_after=_ph(data.get("stop_after") or []), pronouns=frozenset(str(w) for w in data.get("pronouns") or []),
        elliptic=frozenset(str(w) for w in data.get("elliptic") or []),
        regardless=_ph([*(data.get("regardless") or []), *(data.get("compared_with") or [])]),
        eligibility_keys=_words(data.get("eligibility") or {}, "keys"),
        risk_words=_words(data.get("eligibility") or {}, "risk_words"),
        transparent=frozenset(str(w) for w in data.get("negation_transparent") or []),
        absolute=_ph(data.get("absolute") or []), conditions=_ph(data.get("conditions") or []),
        restated_condition=frozenset(data.get("restated_condition") or []),
        denied_attribution=_ph(data.get("denied_attribution") or []),
        disowned_by_source=tuple(str(p).lower() for p in data.get("disowned_by_source") or []),
        grade_skip=frozenset(str(w) for w in data["grades"].get("skip") or []),
        grade_reverse=(_words(data["grades"], "reverse_between"), _ph(data["grades"].get("reverse_nouns") or [])),
        toxicity_grade=frozenset(str(w) for w in data["grades"].get("toxicity") or []),
        fraction_cues=_ph(data.get("fraction_cues") or []), basis=_ph(data.get("basis") or []),
        denial_words=frozenset(str(w) for w in data.get("denial_words") or []),
        restriction=_ph(data.get("restriction") or []), preferred=_ph(data.get("preferred") or []),
        preferred_after=_ph(data.get("preferred_after") or []),
        equivalence_cues=_ph(data.get("equivalence") or []),
        attributive=frozenset(str(w) for w in data.get("attributive") or []),
        both_lineages=tuple(str(w).lower() for w in data.get("both_lineages") or []),
        composition=(_words(data, "composition_cues"), _words(data, "composition_subjects"),
                     _words(data, "composition_skip")),
        target_nouns=_words(data, "target_nouns"), shared_target=_ph(data.get("shared_target") or []),
        age_anchors=tuple((p, name) for name, ws in (data.get("age_anchors") or {}).items() for p in _ph(ws)),
        age_limit_words=frozenset(str(w) for w in data.get("age_limit_words") or []),
        premise=_premise_vocabulary(data.get("premise") or {}),
        denial_skip=_words(data, "denial_skip"), qualified_nouns=_words(data, "qualified_nouns"),
        concurrent=_ph(data.get("concurrent") or []),
        affirmative=frozenset((data.get("affirmative_replies") or {}).get("plain") or ()),
        agreeing=frozenset((data.get("affirmative_replies") or {}).get("agreeing") or ()),
        reply_turns=_words(data, "reply_turns"),
        consequence=_words(data, "consequence"), restriction_after=_words(data, "restriction_after"),
        stop_rules=(frozenset((data.get("stop_rules") or {}).get("before") or ()),
                    frozenset((data.get("stop_rules") or {}).get("after") or ())),
        required_without=(frozenset((data.get("required_without") or {}).get("stances") or ()),
                          frozenset((data.get("required_without") or {}).get("words") or ())),
        generic_guideline=frozenset(_ph(data.get("generic_guideline") or [])),
        marker_population={k: dict(v) for k, v in (data.get("marker_population") or {}).items()},
        embedded=(_words(data, "embedded_question"), _words(data, "embedded_question_not_after")),
        embedded_wh=(_words(data, "embedded_wh"), _words(data, "embedded_wh_after")),
        denied_relative=(_words(data["denied_relative"], "negations"), _words(data["denied_relative"], "before_which"),
                         int(data["denied_relative"]["window"])),
         stance_set_aside=_ph(data.get("stance_set_aside") or []),
        unit_subjects={str(k): str(v) for k, v in (data.get("unit_subjects") or {}).items()},
        contractions={str(k).lower(): str(v).lower() for k, v in (data.get("contractions") or {}).items()},
        requirement_cues=_ph(data.get("requirement_cues") or []), target_denials=_ph(data.get("target_denials") or []),
        population_cues=tuple((p, dict(facts)) for phrase, facts in (data.get("population_cues") or {}).items()
                              for p in _ph([phrase])),
        **_clause_cues(data))


def _clause_cues(data: dict[str, Any]) -> dict[str, Any]:
    """The cues that split a clause, set its subject or deny inside it, and the values bound to a trial (claims.yaml:
    `and_breaks` ... `term_paraphrases`), as Vocabulary fields."""
    def lower(key: str) -> tuple[str, ...]:
        return tuple(str(w).lower() for w in data.get(key) or [])

    return dict(
        and_breaks=_words(data, "and_breaks"), decision_words=_words(data, "decision_words"),
        tested_before=(_words(data.get("tested_before") or {}, "tests"),
                       _ph((data.get("tested_before") or {}).get("before") or [])),
        absence_predicates=_words(data, "absence_predicates"), qualified_openers=_words(data, "qualified_openers"),
        equivalence_denials=_words(data, "equivalence_denials"), restricted_patients=_words(data, "restricted_patients"),
        stronger_forms=_ph(data.get("stronger_forms") or []), concessions=_words(data, "concessions"),
        any_age=_ph(data.get("any_age") or []), absolute_not_after=_ph(data.get("absolute_not_after") or []),
        subject_denials=_words(data, "subject_denials"), position_joiners=_words(data, "position_joiners"),
        status_concepts=tuple((str(c), str(d["fact"]), _ph(d.get("testing") or []))
                              for c, d in (data.get("status_concepts") or {}).items()),
        evidence_subjects=(_words(data.get("evidence_subjects") or {}, "determiners"),
                           _words(data.get("evidence_subjects") or {}, "nouns")),
        extended_to=(_ph((data.get("extended_to") or {}).get("verbs") or []), _words(data.get("extended_to") or {}, "to")),
        term_paraphrases=tuple((str(k), tuple(str(p).lower() for p in v))
                               for k, v in (data.get("term_paraphrases") or {}).items()),
        lineage_list_words=_words(data, "lineage_list_words"), lineage_list_joiners=_words(data, "lineage_list_joiners"),
        value_contrast_openers=lower("value_contrast_openers"), value_comparators=lower("value_comparators"),
        value_contrast_continuations=lower("value_contrast_continuations"))


def _split_stances(data: dict[str, Any]) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """claims.yaml `split_stances`: stance -> [head, tail] pairs, read as head -> (tail, gap, stance)."""
    spec = data.get("split_stances") or {}
    gap = int(spec.get("gap") or 3)
    out: dict[str, list[tuple[str, int, str]]] = {}
    for name, pairs in (spec.get("stances") or {}).items():
        if name not in data["stances"]:
            raise ValueError(f"claims.yaml: split_stances names unknown stance {name!r}")
        for head, tail in pairs:
            out.setdefault(str(head), []).append((str(tail), gap, str(name)))
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _word_values() -> dict[str, float]:
    """A number written as a word (quantities.yaml: "five" -> 5)."""
    table = lexicon_file(LEXICON_DIR, "quantities.yaml")["number_words"]
    return {str(w): float(v) for part in ("units", "teens", "tens") for w, v in table[part].items()}


def _word_number(toks: list[str], i: int, voc: Vocabulary) -> tuple[float, None, str] | None:
    """A number word right before a unit of time ("for five years afterwards", PHPOS-MAINT-008's example): the
    value as `_number` reads digits; none before anything else ("one option", "two trials")."""
    value = _word_values().get(toks[i])
    if value is None or i + 1 >= len(toks) or voc.units.get(toks[i + 1]) not in ("year", "month", "week"):
        return None
    return value, None, ""


def _number_words() -> frozenset[str]:
    """The number words of quantities.yaml (one ... ninety)."""
    return frozenset(_word_values())


def _premise_vocabulary(data: dict[str, Any]) -> dict[str, Any]:
    return {"tags": _ph(data.get("tags") or []), "confirm": _ph(data.get("confirm") or []),
            "comparison": _ph(data.get("comparison") or []),
            "comparison_not_before": _words(data, "comparison_not_before"), "open": _words(data, "open"),
            "yes_no": _words(data, "yes_no"), "yes_no_ends": _words(data, "yes_no_ends"), "yes_no_modals": _words(data, "yes_no_modals"), "which": _words(data, "which"),
            "discourse": _words(data, "discourse"), "lead_ins": _ph(data.get("lead_ins") or []),
            "presupposing": _ph(data.get("presupposing") or []), "hearsay": _ph(data.get("hearsay") or []),
            "understanding": _ph(data.get("understanding") or []),
            "consequence": tuple(str(w).lower() for w in data.get("consequence") or ()),  # (as written, with its comma)
            "proposals": tuple((p, stance) for stance, ws in (data.get("proposals") or {}).items() for p in _ph(ws)),
            "elapsed": {"before": [str(w).lower() for w in (data.get("elapsed") or {}).get("before") or ()],
                        "approx": frozenset(str(w).lower() for w in (data.get("elapsed") or {}).get("approx") or ()),
                        "units": frozenset(str(w).lower() for w in (data.get("elapsed") or {}).get("units") or ()),
                        "reach": int((data.get("elapsed") or {}).get("reach") or 0),
                        # (a number written in words: the quantities table's, and "a"/"an": "for a year")
                        "numbers": frozenset(str(w).lower() for w in (data.get("elapsed") or {}).get("numbers") or ())
                        | _number_words()}}


# ------------------------------------------------------------------------------------------ token helpers


def _at(toks: list[str], i: int, phrase: Phrase) -> bool:
    n = len(phrase)
    if n and i >= 0:  # (the last word first: no slice is made for most misses)
        return i + n <= len(toks) and toks[i + n - 1] == phrase[-1] and tuple(toks[i:i + n]) == phrase
    return tuple(toks[i:i + n]) == phrase


#: id(group) -> (the group, its phrases by first / last word): the vocabulary's groups are long-lived tuples, indexed
#: once (hashing a large tuple of phrases for every lookup costs more than the lookup).
_INDEXES: dict[tuple[int, int], tuple[tuple[Phrase, ...], dict[str, tuple[Phrase, ...]]]] = {}


def _indexed(group: tuple[Phrase, ...], at: int) -> dict[str, tuple[Phrase, ...]]:
    """The group's phrases by their word at `at` (0: the first, -1: the last), in the group's order."""
    hit = _INDEXES.get((id(group), at))
    if hit is not None and hit[0] is group:
        return hit[1]
    out: dict[str, list[Phrase]] = {}
    for p in group:
        out.setdefault(p[at], []).append(p)
    if len(_INDEXES) >= 4096:
        _INDEXES.clear()
    _INDEXES[(id(group), at)] = (group, index := {k: tuple(v) for k, v in out.items()})
    return index


def _by_first(group: tuple[Phrase, ...]) -> dict[str, tuple[Phrase, ...]]:
    return _indexed(group, 0)


def _by_last(group: tuple[Phrase, ...]) -> dict[str, tuple[Phrase, ...]]:
    return _indexed(group, -1)


def _find(toks: list[str], group: tuple[Phrase, ...]) -> list[tuple[int, Phrase]]:
    if len(group) == 1:  # (one phrase: no index)
        p = group[0]
        return [(i, p) for i, t in enumerate(toks) if t == p[0] and _at(toks, i, p)]
    index = _by_first(group)
    return [(i, p) for i, t in enumerate(toks) for p in index.get(t, ()) if _at(toks, i, p)]


def phrases_at(toks: list[str], group: tuple[Phrase, ...]) -> list[tuple[int, Phrase]]:
    """(start, phrase) of each phrase of `group` in `toks` (for the checkers that read a vocabulary group)."""
    return _find(toks, group)


def grades_named(toks: list[str]) -> list[str]:
    """The recommendation grades or CQ numbers the tokens name, as `read_claims` reads them ("categorised s")."""
    return _grades(toks, claim_vocabulary())


def _ends_at(toks: list[str], end: int, group: tuple[Phrase, ...]) -> bool:
    """A phrase of `group` ends just before token `end`."""
    if end <= 0 or end > len(toks):
        return False
    if len(group) == 1:
        p = group[0]
        return p[-1] == toks[end - 1] and end - len(p) >= 0 and _at(toks, end - len(p), p)
    return any(end - len(p) >= 0 and _at(toks, end - len(p), p) for p in _by_last(group).get(toks[end - 1], ()))


def _near_before(toks: list[str], i: int, group: tuple[Phrase, ...], window: int) -> bool:
    return any(_ends_at(toks, j, group) for j in range(max(0, i - window), i + 1))


def mentions(text: str, group: tuple[Phrase, ...]) -> bool:
    """Whether the text holds one of the phrases (a claim vocabulary group)."""
    return bool(_find(tokens(text), group))


def broader_chain(concept: str) -> list[str]:
    """The concept and the classes it belongs to ("dasatinib" -> ["dasatinib", "tki"])."""
    lex = load_lexicon()
    hit = _CHAINS.get(concept)
    if hit is not None and hit[0] is lex:
        return list(hit[1])
    chain = _chain(concept, lex)
    if len(_CHAINS) >= 4096:
        _CHAINS.clear()
    _CHAINS[concept] = (lex, tuple(chain))
    return chain


#: concept -> (the lexicon, its chain): the rule layer walks the same chains for every claim and assert.
_CHAINS: dict[str, tuple[Any, tuple[str, ...]]] = {}


def _chain(concept: str, lex: Any) -> list[str]:
    out, seen = [], set()
    c: str | None = concept
    while c and c not in seen:
        seen.add(c)
        out.append(c)
        entry = lex.concepts.get(c)
        c = entry.broader if entry else None
    return out


# ------------------------------------------------------------------------------------------ numbers


def _number(tok: str) -> tuple[float, float | None, str] | None:
    """(value, upper value of a range, unit suffix) of a numeric token ("5", "0.01", "15-39", "5-year", "65+")."""
    if not tok or not tok[0].isdigit():
        return None
    head, rest = tok, ""
    for k, ch in enumerate(tok):
        if not (ch.isdigit() or ch in ".,"):
            head, rest = tok[:k], tok[k:]
            break
    try:
        value = float(head.replace(",", ""))
    except ValueError:
        return None
    high = None
    if rest.startswith("-") and rest[1:2].isdigit():  # "15-39"
        upper = _number(rest[1:])
        if upper is None:
            return None
        high, rest = upper[0], upper[2]
    return value, high, rest


def numbers_in(text: str) -> set[float]:
    """Every number written in a text (for values that come from the question)."""
    out: set[float] = set()
    for t in tokens(text.lower()):
        n = _number(t)
        if n is not None:
            out.add(n[0])
            if n[1] is not None:
                out.add(n[1])
    return out


def _unit(toks: list[str], j: int, suffix: str, voc: Vocabulary) -> tuple[str | None, int]:
    """The unit of a number: its own suffix ("5-year", "65+") or the next token(s); and the index after it."""
    s = suffix.lstrip("-").split("-")[0] if suffix else ""
    if s in voc.units:
        return voc.units[s], j
    if s[:1] in ("x", "×") and s[1:] == "10":  # "50x10^9/L" written as one word: a count per litre
        return "cells", j
    if suffix in voc.dose_units or s in voc.dose_units:
        return "dose", j
    if j < len(toks):
        t = toks[j]
        if t in voc.units:
            return voc.units[t], j + 1
        if t in voc.dose_units:
            return "dose", j + 1
        if t == "^" and j + 2 < len(toks) and toks[j + 1] in ("-", "−") and toks[j + 2].isdigit():
            return "power", j + 3
        per = _per_microlitre(toks, j)
        if per:
            return "per_ul", j + per
    return None, j


#: A count per microlitre written out after its number ("50,000/µL", "30000/uL", "/mm3"), by its tokens.
_PER_MICROLITRE = (("/", "µ", "l"), ("/", "μ", "l"), ("/", "ul"), ("/", "mcl"), ("/", "mm3"), ("/ul",), ("/µl",),
                   ("/μl",), ("/mm3",), ("per", "microlitre"), ("per", "microliter"))


def _per_microlitre(toks: list[str], j: int) -> int:
    """The number of tokens of a "per microlitre" unit at j (0: none)."""
    return next((len(p) for p in _PER_MICROLITRE if tuple(toks[j:j + len(p)]) == p), 0)


def _qualifiers(toks: list[str], voc: Vocabulary) -> list[Qualifier]:
    out: list[Qualifier] = []
    i = 0
    while i < len(toks):
        n = _number(toks[i]) or _word_number(toks, i, voc)
        if n is None:
            i += 1
            continue
        value, high, suffix = n
        plus = suffix.endswith("+")
        suffix = suffix.rstrip("+")
        unit, j = _unit(toks, i + 1, suffix, voc)
        op = ">=" if plus else "="
        # "15 to 39", "between 40 and 64"
        if high is None and j < len(toks) and toks[j] in voc.range_words and j + 1 < len(toks):
            upper = _number(toks[j + 1])
            if upper is not None and upper[0] > value and (toks[j] != "and" or (i and toks[i - 1] == "between")):
                high = upper[0]
                u2, j2 = _unit(toks, j + 2, upper[2], voc)
                unit, j = unit or u2, j2
        if unit == "power":  # 10^-4 -> 0.01 %
            value, unit = 10.0 ** (2 - int(toks[j - 1])), "percent"
        if unit == "per_ul":  # 50,000/µL -> 50 ×10^9/L (also written "50, 000/µL": the thousands after a comma)
            if toks[i] == "000" and i >= 2 and toks[i - 1] == "," and toks[i - 2].isdigit():
                value = float(toks[i - 2]) * 1000
            value, high, unit = value / 1000, (high / 1000 if high is not None else None), "cells"
        if high is not None:
            op = "range"
        else:
            gap = 3 if _ends_at(toks, i, (("the", "age", "of"),)) else 1 if i and toks[i - 1] in ("age", "aged") else 0
            for p, o in voc.comp_before:
                if _ends_at(toks, i, (p,)) or (gap and _ends_at(toks, i - gap, (p,))):
                    op = o
                    break
            after = _after_equivalent(toks, j)
            for p, o in voc.comp_after:
                if _at(toks, after, p) or (unit is None and _at(toks, i + 1, p)):
                    op = o
                    break
        kind = _kind(toks, i, j, unit, voc)
        if kind is not None:
            out.append(Qualifier(kind=kind, op=op, value=value, unit=unit or "year", high=high))
        i = max(j, i + 1)
    return out


def _after_equivalent(toks: list[str], j: int) -> int:
    """Where a bound after a value stands: past the value's equivalent in brackets ("10^-3 (0.1%) or higher": the
    bound is both's) and past the bracket a value inside one closes ("(0.1%) or higher").

    >>> toks = tokens("mrd of 10 ^ - 3 ( 0.1 % ) or higher")
    >>> toks[_after_equivalent(toks, 6)], toks[_after_equivalent(toks, 9)]
    ('or', 'or')
    """
    if j < len(toks) and toks[j] == ")":
        return j + 1
    if j < len(toks) and toks[j] == "(":
        close = next((k for k in range(j + 1, min(len(toks), j + 8)) if toks[k] == ")"), None)
        return j if close is None else close + 1
    return j


def _kind(toks: list[str], i: int, j: int, unit: str | None, voc: Vocabulary) -> str | None:
    if unit in ("percent", "cells"):
        return "threshold"
    if unit == "dose":
        return "dose"
    if unit == "cycle":
        return "count"
    if unit == "weight":
        return None  # ("adults (45 kg or more)": a body weight)
    after_age = any(_at(toks, j, p) or _at(toks, i + 1, p) for p in voc.age_after) or toks[i].endswith("-old")
    before_age = _near_before(toks, i, voc.age_before, 3)
    if unit in ("month", "week", "day"):
        return "duration"
    if unit == "year":
        if after_age or (before_age and not _near_before(toks, i, voc.duration_before, 3)):
            return "age"
        return "duration"
    if (after_age or before_age) and not (i and toks[i - 1] in voc.edition_names):  # ("under JSH 2023": a name)
        return "age"
    return None


# ------------------------------------------------------------------------------------------ reading


def _strip_opener(toks: list[str], voc: Vocabulary) -> int:
    """Tokens of a yes/no opening ("No:", "Yes, ..."), 0 if none."""
    for p in voc.openers:
        if _at(toks, 0, p) and len(toks) > len(p) and toks[len(p)] in voc.opener_marks:
            return len(p) + 1
    if toks and toks[0] in voc.qualified_openers:  # "Not under the Japanese label:", "Not per JSH 2023 —": a "no"
        # with where it holds, no stance of its own (heldout14)
        end = next((k for k in range(1, min(len(toks) - 1, QUALIFIED_OPENER_WORDS + 1)) if toks[k] in (":", "—", "–")),
                   None)
        if end is not None and _stance(toks, 0, end, voc)[0] is None:
            return end + 1
    return 0


#: How many words a qualified "no" may have before its colon ("Not as far as the available summary shows:").
QUALIFIED_OPENER_WORDS = 10


def strip_opener(sentence: str) -> str:
    """The sentence without its yes/no opening ("No: the guideline ..." -> "the guideline ...").

    >>> strip_opener("No: the guideline does not recommend it.")
    'the guideline does not recommend it.'
    """
    voc = claim_vocabulary()
    toks = tokens(sentence.lower())
    skip = _strip_opener(toks, voc)
    if not skip:
        return sentence
    cut = sentence.lower().find(toks[skip - 1]) + len(toks[skip - 1])
    return sentence[cut:].lstrip()


def opener_moved(sentence: str) -> str:
    """The sentence without its yes/no opening, a qualified "not" opening moved to its end, where the denial it
    states stands ("Not from the guideline text itself: the recommendations come from a summary" -> "the
    recommendations come from a summary, not from the guideline text itself", heldout19 c054).

    >>> opener_moved("Not from the full text: they come from a summary.")
    'they come from a summary, not from the full text.'
    >>> opener_moved("No: the guideline does not recommend it.")
    'the guideline does not recommend it.'
    """
    bare = strip_opener(sentence)
    opening = sentence[:len(sentence) - len(bare)].strip().rstrip(":—–").strip()
    if bare == sentence or opening.split(" ")[0].lower() not in claim_vocabulary().qualified_openers:
        return bare
    return f"{bare.rstrip().rstrip('.')}, {opening[:1].lower()}{opening[1:]}."


def _clauses(toks: list[str], voc: Vocabulary) -> list[tuple[int, int]]:
    spans, start, aside_end = [], 0, -1
    for i, t in enumerate(toks):
        if i <= aside_end:
            continue
        if t == "," and i > start and (close := _denied_aside(toks, i, voc)) is not None:
            # "A, not B, C": the denial is an aside and the sentence goes on as "A C" ("TOWER is evidence behind, not
            # part of, the JSH 2023 recommendation of blinatumomab", heldout24 c028): three spans, the aside alone
            spans += [(start, i), (i + 1, close)]
            start, aside_end = close + 1, close
            continue
        if i > start + 2 and _at_any(toks, i, voc.reach_denials):
            # "the HD-MTX recommendation for 40-64 | does not extend to patients 65 or older": the recommendation and
            # the group it does not reach are two claims, each with its own population (heldout13)
            spans.append((start, i))
            start = i
            continue
        if t in (",", "—", "–") and i + 1 < len(toks) and toks[i + 1] in ("and", "but", "while", "whereas") and (
                i > start):
            spans.append((start, i))  # ", and ponatinib is active against it" ("— and these blasts are ..."): a new claim
            start = i + 2
            continue
        if t in (",", "—", "–") and i + 1 < len(toks) and toks[i + 1] in voc.consequence and i > start and (
                (left := _stance(toks, start, i, voc)[0]) in _OUTCOME_STANCES
                or left and (_stance(toks, i + 2, len(toks), voc)[0] or (
                    i + 2 < len(toks) and toks[i + 2] in _OWN_SUBJECTS))):
            # "X is the recommendation, so Y should not be called one": two claims; so is an outcome and what it is
            # said to lead to ("MRD below 0.01% means the leukaemia is cured, so no transplant is needed": the cure
            # claim is judged on its own, heldout13); a treatment's position keeps a consequence with no stance of
            # its own ("JSH recommends X for CD19+, so with CD19-negative blasts X is the logical step")
            spans.append((start, i))
            start = i + 2
            continue
        if t == "," and i + 1 < len(toks) and i > start and _at_any(toks, i + 1, voc.comma_clauses) and (
                not _at_any(toks, i + 1, voc.reasons) or _stance(toks, start, i, voc)[0] is not None):
            spans.append((start, i))  # "not the JSH 2023 recommendation, which is X": the denial is not about X;
            start = i + 1  # "..., for whom the summary gives X"; "..., since it is listed for T-ALL" (a reason after
            continue  # a main clause with its own stance: "switching to dasatinib is the logical next step, since
            # second-generation TKIs overcome it" takes its stance from the reason)
        if t in voc.position_joiners and i > start and _stance(toks, start, i, voc)[0] and _own_position(toks, i, voc):
            spans.append((start, i))  # "blinatumomab is ruled out while inotuzumab is recommended": a position on
            start = i + 1  # each side (not "no TKI while MRD stays negative")
            continue
        if t == "and" and i > start and _second_position(toks, start, i, voc):
            spans.append((start, i))  # "recommends X when MRD is detected and does not recommend Y when negative"
            start = i + 1
            continue
        if t == "and" and i + 1 < len(toks) and toks[i + 1] in voc.and_breaks and i > start:
            spans.append((start, i))  # "... aged 25 to 64 and whether JSH cites it is unverified": its own claim
            start = i + 1
            continue
        if t == "and" and i + 1 < len(toks) and toks[i + 1] in voc.denial_words and i > start:
            spans.append((start, i))  # "pre-emptive TKI when MRD is detected and no prophylactic TKI when negative"
            start = i + 1
            continue
        if t == "," and i + 1 < len(toks) and toks[i + 1] in voc.elliptic and i > start:
            spans.append((start, i))  # "X only for relapse, not for consolidation": the denial is its own claim
            start = i + 1
            continue
        if t == ":" and 0 < i - start <= 3 and _stance(toks, start, i, voc)[0] is None:
            continue  # "B-lineage: a WBC above 30×10^9/L; ...": a short heading names the group its clause is about
        if t in voc.clause_breaks and i > start and 0 < i < len(toks) - 1 and toks[i - 1] == "," and toks[
                i + 1] == ",":
            continue  # ("Blinatumomab is, however, recommended in first remission ...": an aside, heldout22 w075)
        if t in voc.clause_breaks and i > start and i >= start:
            spans.append((start, i))
            start = i + 1 if t in (";", ":") else i
    spans.append((start, len(toks)))
    return [(a, b) for a, b in spans if b > a]


def _contrast_sides(inside: list[Any], toks: list[str], a: int, b: int,
                    voc: Vocabulary) -> tuple[tuple[str, ...], set[int]]:
    """The treatments set aside after a contrast cue ("rather than X"), and the ids of the mentions after it of a
    treatment also named before it: a contrast between combinations sharing it ("a TKI plus a corticosteroid, rather
    than the TKI-plus-chemotherapy route", heldout16 c004) sets neither mention aside, and the later one is the
    comparator's."""
    after = _after_cue(inside, toks, a, b, voc.contrast)
    first = min((x.start for x in after), default=b)
    before = {m.concept for m in inside if m not in after and m.start < first}
    contrasted = tuple(dict.fromkeys(m.concept for m in after if m.kind in INTERVENTION_KINDS
                                     and m.concept not in before))
    return contrasted, {id(m) for m in after if m.concept in before}


def _own_position(toks: list[str], i: int, voc: Vocabulary) -> bool:
    """The words after toks[i] up to the next comma state a position of their own (a stance word)."""
    return _stance(toks, i + 1, _stop_at(toks, i + 1, len(toks), (",", ";", ":")), voc)[0] is not None


def _stop_at(toks: list[str], start: int, b: int, stops: tuple[str, ...] = (",", ";", ".")) -> int:
    """Where the words from `start` meet the first of `stops` (the end `b` when they meet none)."""
    return next((k for k in range(start, b) if toks[k] in stops), b)


def _main_clause_mentions(inside: list[Mention], toks: list[str], a: int, b: int, voc: Vocabulary) -> list[Mention]:
    """The mentions a clause's claim is about: a leading reason clause's treatments are background when the main
    clause names its own ("now that TKIs work so well, allo-HSCT in CR1 is no longer recommended": not the TKI)."""
    reason = _reason_end(toks, a, b, voc)
    if reason is None or not any(m.kind in INTERVENTION_KINDS and m.start >= reason for m in inside) or _stance(
            toks, reason, b, voc)[0] is None:
        return inside  # (no stance after the reason: "because T315I confers resistance to imatinib, ponatinib, which
        # ...": the clause's stance is the reason's, about its own treatments)
    return [m for m in inside if m.start >= reason or m.kind not in INTERVENTION_KINDS]


def _second_position(toks: list[str], start: int, i: int, voc: Vocabulary) -> bool:
    """The "and" at `i` starts a second position of the same voice: a stance word right after it (its negation
    included) and one before it ("recommends X when MRD is detected and does not recommend Y when it is negative")."""
    right, span = _stance(toks, i + 1, len(toks), voc)
    framed = any(toks[k] in voc.framing_verbs for k in range(i + 1, min(len(toks), i + 5)))  # ("... and does not
    # present X, as tested in D-ALBA, as the standard": the framing verb opens the second position, h12-c074)
    return right is not None and bool(span) and (span.start <= i + 2 or framed) and _stance(
        toks, start, i, voc)[0] is not None


def clause_spans(toks: list[str], breaks: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of the runs of tokens between break tokens (punctuation or clause words), breaks left out.

    >>> clause_spans(["a", ",", "b", "c", ";", "d"], frozenset({",", ";"}))
    [(0, 1), (2, 4), (5, 6)]
    """
    spans, start = [], 0
    for i, t in enumerate(toks):
        if t in breaks:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(toks)))
    return [(a, b) for a, b in spans if b > a]


def _wished(toks: list[str], a: int, pos: int, voc: Vocabulary) -> bool:
    """A wish ends within three words before the stance cue ("he wants to avoid transplant", "would rather not have
    one"): a person's preference, not a claim about the guideline."""
    return any(_ends_at(toks, k, voc.wishes) for k in range(max(a, pos - 3), pos + 1))


def _stance(toks: list[str], a: int, b: int, voc: Vocabulary) -> tuple[str | None, range]:
    """The clause's stance and the tokens that say it: the longest cue, the first if several; a negation cue of the
    context layer before a positive cue flips it ("is not recommended", "should never be given")."""
    best: tuple[int, int, str] | None = None  # (-length, position, stance)
    reason = _reason_end(toks, a, b, voc)
    if reason is not None:  # "because E1910 showed better survival, JSH 2023 recommends X": the main clause's verb
        # (and none when the main clause states none: "because each antibody is used only when ..., a CD19-negative
        # relapse is not a setting for blinatumomab" takes no stance from its reason, heldout17 c060)
        return _stance(toks, reason, b, voc)
    for i in range(a, b):
        for p, name in voc.stance_cues.get(toks[i], ()):
            if name in _RISK_STANCES and (i + len(p) < b and toks[i + len(p)] in voc.attributive
                                          or i > a and toks[i - 1] in voc.risk_holders):
                continue  # "without high-risk features", "for high-risk patients", "adults at high risk": who
            if i + len(p) < b and toks[i + len(p)].split("-")[0] in voc.antigens:
                continue  # "requires CD19", "needs CD22 expression": a condition on the blasts, not a stance
            if _lists_parts(toks, a, i, p, voc):
                continue  # "these regimens include asparaginase": what a regimen is made of
            if i > a and toks[i - 1] in voc.stance_not_after.get(p, ()):
                continue  # "patients fit enough for combination chemotherapy": who can take it, no stance on it
            lo = max(a, i - 2)
            if any(lo + j <= i < lo + j + len(q) or lo + j + len(q) == i and _denied_before(toks, a, lo + j, voc)
                   for j, q in _find(toks[lo:i + 1], voc.equivalence_cues)):
                continue  # "not an equal alternative", "not an equivalent option": a ranking (`equates`), no stance
                # on the treatment (heldout14); "an equally valid option" is one
            if i + len(p) <= b and _at(toks, i, p):
                if name == "high_risk" and _under_the_line(toks, a, i, i + len(p), b, voc):
                    name = "not_high_risk"  # ("sits just below the JSH 2023 high-risk threshold", heldout25 w018)
                cand = (-len(p), i, name)
                if best is None or (cand[0], cand[1]) < (best[0], best[1]):
                    best = cand
                break
        for tail, gap, name in voc.split_stances.get(toks[i], ()):  # "rules inotuzumab out"
            j = next((j for j in range(i + 2, min(b, i + 2 + gap)) if toks[j] == tail), None)
            if j is None or voc.split_not_between & set(toks[i + 1:j]):
                continue  # ("that doesn't rule anything out": no treatment between)
            if best is None or (-(j - i + 1), i) < (best[0], best[1]):
                best = (-(j - i + 1), i, name)
    if best is None or _asked(toks, a, best[1], voc) or _wished(toks, a, best[1], voc):
        return None, range(0)
    length, pos, name = -best[0], best[1], best[2]
    if pos + length < b and toks[pos + length] in voc.embedded_wh[0] and (toks[pos + length],) not in voc.conditions:
        return None, range(0)  # "does not list which factors prompt transplant": what is told, no position ("advised
        # when MRD is detected" is a condition)
    neg = voc.stances[name][1]
    if neg is not None and _denied_framing(toks, a, pos, voc):
        return neg, range(pos, pos + length)  # ("the summary does not present X, as tested in D-ALBA, as the
        # standard": the framing verb is denied, however long its object, heldout25 w044)
    k = pos
    while k > a and toks[k - 1] in ("a", "an", "being"):
        k -= 1
    if neg is not None and any(_ends_at(toks, k, (p,)) for p in voc.stance_set_aside):
        return neg, range(pos, pos + length)  # "useful where available rather than required": not required
    if neg is not None and pos > a + 1 and toks[a] in voc.subject_denials and toks[a + 1].isalpha() and not (
            {":", ";", "—", "–"} & set(toks[a:pos])):  # (not "No PCR: JSH 2023 specifies flow", an answer's opening)
        return neg, range(a, pos + length)  # "no regimen, hyper-CVAD included, should be described as the
        # standard": a denied subject denies the clause, however far its verb (heldout16 c022)
    if neg is not None:
        counted, k = 0, pos
        while k >= a and counted <= voc.negation_window:
            p = next((p for p in voc.negation if p[0] != "with" and _ends_at(toks, k, (p,))
                      and not (p == ("without",) and k < pos)), None)  # ("without a donor, it accepts X": the
            # donor is denied, not the acceptance; "without recommending" right before the cue denies it)
            if p is not None:
                return neg, range(k - len(p), pos + length)
            k -= 1
            if k >= a and toks[k] in _NEGATION_STOPS:  # "not in the summary, which lists ...": another clause
                break
            if k >= a and toks[k] not in voc.transparent:  # "not the full JSH 2023 recommendation"
                counted += 1
    return name, range(pos, pos + length)


#: How far back from "as <stance>" the framing verb may stand (its object may be long: a regimen and its trial).
_FRAMING_WINDOW = 25


def _denied_framing(toks: list[str], a: int, pos: int, voc: Vocabulary) -> bool:
    """The stance cue at `pos` follows "as" (a determiner between), and the verb that frames its object as it
    (claims.yaml `framing_verbs`: "present ... as the standard") is denied right before it ("does not present")."""
    k = pos
    while k > a and toks[k - 1] in ("a", "an", "the"):
        k -= 1
    if k <= a or toks[k - 1] != "as":
        return False
    for j in range(k - 2, max(a, k - _FRAMING_WINDOW) - 1, -1):
        if toks[j] in (";", ":", ".") or toks[j] in voc.condition_openers:
            return False
        if toks[j] in voc.framing_verbs:
            return any(_ends_at(toks, e, (p,)) for p in voc.negation for e in range(max(a, j - 2), j + 1))
    return False


def _asked(toks: list[str], a: int, at: int, voc: Vocabulary) -> bool:
    """The stance word stands in an embedded question ("whether JSH 2023 recommends X is not verified", "does not
    list which factors should prompt transplant"), not in a condition ("regardless of whether").

    >>> _asked(tokens("the summary does not list which factors should prompt transplant"), 0, 8, claim_vocabulary())
    True
    >>> _asked(tokens("allo-hsct, which should be offered in cr1"), 0, 3, claim_vocabulary())
    False
    """
    cues, conditions = voc.embedded
    wh, verbs = voc.embedded_wh
    return any(toks[k] in cues and not conditions & set(toks[max(a, k - 2):k])
               or toks[k] in wh and k > a and toks[k - 1] in verbs or _denied_relative(toks, a, k, voc)
               or _denied_showing(toks, a, k, voc) for k in range(a, at))


def _denied_showing(toks: list[str], a: int, k: int, voc: Vocabulary) -> bool:
    """toks[k] is the "that" of a denied verb of showing ("it does not show that JSH recommends X"): what follows
    is not asserted."""
    return (toks[k] == "that" and k - 1 > a and toks[k - 1] in voc.denied_showing
            and any(t in ("not", "never") or t.endswith("n't") for t in toks[max(a, k - 3):k - 1]))


def _denied_relative(toks: list[str], a: int, k: int, voc: Vocabulary) -> bool:
    """toks[k] opens "at which" after a thing said not to exist ("the summary gives no MRD level at which transplant
    can be omitted"): what the relative clause says is denied, no position.

    >>> _denied_relative(tokens("it gives no mrd level at which transplant can be omitted"), 0, 5, claim_vocabulary())
    True
    >>> _denied_relative(tokens("the level at which transplant is advised"), 0, 2, claim_vocabulary())
    False
    """
    negations, preps, window = voc.denied_relative
    return (toks[k] in preps and k + 1 < len(toks) and toks[k + 1] == "which"
            and bool(negations & set(toks[max(a, k - window):k])))


def _decided(toks: list[str], a: int, start: int, said: range, voc: Vocabulary) -> bool:
    """The treatment at `start` is what a decision after the stance is about ("guides treatment, including whether
    and when allo-HSCT is performed"): a decision word up to four words before it, after the stance cue, no comma
    between; or the time a test after the stance is done by ("CD19 must be confirmed before CAR-T")."""
    tests, before = voc.tested_before
    if said and said.stop < start and tests & set(toks[said.stop:min(start, said.stop + 3)]):  # ("must be confirmed")
        k = start
        while k > said.stop and toks[k - 1] in _DETERMINERS:
            k -= 1
        if _ends_at(toks, k, before):
            return True
    lo = max(a, start - 4, said.stop if said else a)
    for k in range(start - 1, lo - 1, -1):
        if toks[k] in (",", ";", ":"):
            return False
        if toks[k] in voc.decision_words:
            return True
    return False


def _whose(population: dict[str, Any], own: dict[str, Any], set_aside: frozenset[str], toks: list[str], a: int,
           b: int, *, pointed: bool, voc: Vocabulary) -> dict[str, Any]:
    """The clause's population: the sentence's with the clause's own over it, or only its own when it points at the
    case ("nelarabine is not an option here; it is for T-ALL", heldout11 c055); without the facts it sets aside, and
    without an age when it stretches its treatment to the patient ("the HD-MTX regimen JSH recommends for 40 to 64
    can be extended to him": the patient's age, not the band the regimen is named by, heldout14 w032)."""
    if pointed and _find(toks[a:b], voc.patient_pointers):
        population = {}
    whose = {k: v for k, v in {**population, **own}.items() if k not in set_aside}
    if _extended_to_patient(toks, 0, b, voc):  # (in this clause or one before it: "... can be extended and is the
        # preferred choice")
        whose = {k: v for k, v in whose.items() if k not in ("age", "age_band", "age_bands")}
    return whose


def _extended_to_patient(toks: list[str], a: int, b: int, voc: Vocabulary) -> bool:
    """The clause stretches what it names to the patient ("can be extended to him", "applies to her as well"):
    claims.yaml `extended_to` right before a word for the patient."""
    return any(_at(toks, k, p) and toks[k + len(p):k + len(p) + 1] and toks[k + len(p)] in voc.extended_to[1]
               for k in range(a, b) for p in voc.extended_to[0])


def _lists_parts(toks: list[str], a: int, i: int, p: Phrase, voc: Vocabulary) -> bool:
    """A composition cue ("include") whose subject is a treatment noun ("regimens"): it lists the treatment's parts."""
    cues, subjects, skip = voc.composition
    if p[0] not in cues:
        return False
    k = i - 1
    while k >= a and toks[k] in skip:
        k -= 1
    return k >= a and toks[k] in subjects


#: Words opening a reason clause ("because E1910 showed ..., JSH 2023 recommends ..."): the stance is the main clause's.
def _reason_end(toks: list[str], a: int, b: int, voc: Vocabulary) -> int | None:
    """Where the main clause starts after a leading reason clause ("because ..., ", "now that ..., "), if the clause
    opens with one (claims.yaml `reasons`)."""
    if a >= b:
        return None
    start = a
    if not any(_at(toks, a, p) for p in voc.reasons):
        # (or right after a report's "that": "someone on a forum said that because TKIs work so well now, the
        # guideline no longer recommends transplant ...", r95 q40)
        that = next((k for k in range(a, min(b, a + _REPORT_SPAN)) if toks[k] == "that"), None)
        if that is None or "," in toks[a:that] or not any(_at(toks, that + 1, p) for p in voc.reasons):
            return None
        start = that + 1
    comma = next((k for k in range(start + 1, b) if toks[k] == ","), None)
    return comma + 1 if comma is not None and comma + 1 < b else None


#: How many words a report may take before its "that" ("someone on a patient forum said that ...").
_REPORT_SPAN = 12


#: Stances that grade a risk: a cue of theirs before a noun describes patients ("high-risk features").
_RISK_STANCES = frozenset({"high_risk", "not_high_risk"})
#: How far before a risk cue naming a line a word of claims.yaml `under_words` may stand ("sits just below the JSH 2023
#: high-risk threshold").
_UNDER_WINDOW = 5


def _names_line(toks: list[str], a: int, b: int, said: range, voc: Vocabulary) -> bool:
    """The clause's stance puts its value below a named line: a cue that says so ("below the high-risk threshold") or
    a risk cue naming the line after a word of `under_words` ("just below the JSH 2023 high-risk threshold")."""
    if not said:
        return False
    words = set(toks[said.start:said.stop])
    return bool(words & voc.under_words and words & voc.line_words) or _under_the_line(
        toks, a, said.start, said.stop, b, voc)


def _under_the_line(toks: list[str], a: int, i: int, end: int, b: int, voc: Vocabulary) -> bool:
    """The risk cue at toks[i:end] names a line (claims.yaml `line_words`: "high-risk threshold") that a word of
    `under_words` puts the clause's value below, within `_UNDER_WINDOW` words and no comma before it."""
    if end >= b or toks[end] not in voc.line_words:
        return False
    for k in range(i - 1, max(a, i - _UNDER_WINDOW) - 1, -1):
        if toks[k] in (",", ";"):
            return False
        if toks[k] in voc.under_words:
            return True
    return False

#: Stances that deny a treatment: what a clause prefers instead ("omitted in favour of X") is not what it denies.
NEGATIVE_STANCES = frozenset({"not_recommended", "not_required", "ineffective"})

#: Tokens a negation does not reach across to a stance cue.
_NEGATION_STOPS = frozenset({",", ";", ":", "—", "–", "which", "who", "that", "("})


def _offsets(text: str, toks: list[str]) -> list[tuple[int, int]]:
    """Where each (lower-case) token stands in `text`, searched case-blind: "be" in "For ... can be omitted once MRD
    is below 0.01%" is the verb's, not the start of "below" (heldout24 w082)."""
    out, at = [], 0
    low = text.lower()
    for t in toks:
        k = low.find(t, at)
        k = at if k < 0 else k
        out.append((k, k + len(t)))
        at = k + len(t)
    return out


def _without(text: str, toks: list[str], drop: set[int]) -> str:
    """The text with the tokens at `drop` cut out (the stance words, so "not recommended for CD19-positive B-ALL"
    is not read as CD19-negative by the facts reader)."""
    if not drop:
        return text
    spans = _offsets(text, toks)
    out, at = [], 0
    for k in sorted(drop):
        a, b = spans[k]
        out.append(text[at:a])
        at = b
    out.append(text[at:])
    return "".join(out)


def _targets(toks: list[str], mentions: list[Any], voc: Vocabulary) -> tuple[list[tuple[str, frozenset[str]]],
                                                                             list[tuple[str, frozenset[str]]]]:
    """(drug, antigens) for each antibody said to bind antigens ("targets CD19", "anti-CD22", "CD19-directed"):
    an antigen belongs to the nearest drug before it in its clause (else the nearest after it); and, apart, the
    antigens a drug is said to work without ("rather than requiring CD19")."""
    drugs = sorted((m for m in mentions if m.kind in ("drug", "treatment")), key=lambda m: m.start)
    found: dict[str, set[str]] = {}
    denied: dict[str, set[str]] = {}
    for k, t in enumerate(toks):
        antigen = next((g for g in voc.antigens if t == g or t.startswith((g + "-", "anti-" + g))), None)
        if antigen is None or not drugs:
            continue
        cue = (t.startswith("anti-") or "-directed" in t or "-targeted" in t or "-targeting" in t
               or any(_ends_at(toks, j, voc.target_cues) and (not any(j <= m.start < k for m in drugs) or _find(
                   toks[max(0, k - 5):k], voc.shared_target)) for j in range(max(0, k - 3), k + 1))
               or (k + 1 < len(toks) and toks[k + 1] in voc.target_nouns))  # (not across a drug named between:
        # "rank blinatumomab against inotuzumab when both CD19 and CD22 are expressed", heldout23 c035)
        before = [m for m in drugs if m.end <= k and not any(x in (";", ".") for x in toks[m.end:k])]
        if _antigen_denied(toks, k, voc):  # "works by engaging CD3 rather than requiring CD19": a denial of the
            # drug named before it ("It does not target CD19, which is blinatumomab's target" denies no drug named)
            for m in before[-1:]:
                denied.setdefault(m.concept, set()).add(antigen)
            continue
        if _near_before(toks, k, voc.negation, 2):
            continue
        if not cue:  # "confirm CD22 expression before inotuzumab": a drug that needs the antigen
            needer = _needing(toks, k, drugs, voc)
            if needer is not None:
                found.setdefault(needer, set()).add(antigen)
            continue
        after = [m for m in drugs if k < m.start <= k + 3]
        shared = [i for i, p in _find(toks[max(0, k - 5):k], voc.shared_target)]
        if shared and not _near_before(toks, k - 5 + shared[0] if k >= 5 else shared[0], voc.negation, 2):
            owners = before  # "blinatumomab, which shares inotuzumab's CD22 target": the antigen is said of both
        elif "-" in t and not t.startswith("anti-") and after:  # "CD19-directed CAR T-cell therapy"
            owners = after[:1]
        else:  # (no drug before it in its clause: one right after it, else the sentence's subject, "...; it binds CD19")
            owners = before[-1:] or after[:1] or drugs[:1]
        for owner in owners:
            found.setdefault(owner.concept, set()).add(antigen)
    return [(d, frozenset(a)) for d, a in found.items()], [(d, frozenset(a)) for d, a in denied.items()]


def _antigen_denied(toks: list[str], k: int, voc: Vocabulary) -> bool:
    """A denial, then a requirement or target cue, right before the antigen at k ("rather than requiring CD19",
    "does not need CD19", "not targeting CD22")."""
    starts = [j - len(p) for j in range(k, max(0, k - 2) - 1, -1)
              for p in (*voc.requirement_cues, *voc.target_cues) if p and tuple(toks[max(0, j - len(p)):j]) == p]
    return any(_near_before(toks, start, voc.target_denials, 2) for start in starts)


#: Words between a drug and the requirement its relative clause states ("blinatumomab — which needs CD19").
_RELATIVE_GAP = frozenset({"—", "–", "-", ",", "(", "which", "that", "as", "it"})


def _needing(toks: list[str], k: int, drugs: list[Any], voc: Vocabulary) -> str | None:
    """The drug an antigen at k is required for ("confirm CD22 expression before inotuzumab", "check CD19, because
    blinatumomab's activity depends on it", "CD22 expression confirmed before inotuzumab"): with a requirement cue
    (claims.yaml `requirement_cues`) before the antigen or just after it, the first drug after the antigen in its
    sentence, else the sentence's only drug."""
    end = next((j for j in range(k + 1, min(len(toks), k + 10)) if toks[j] in (",", ";", ".")), min(len(toks), k + 10))
    if not (_near_before(toks, k, voc.requirement_cues, 3) or _find(toks[k + 1:end], voc.requirement_cues)):
        return None  # (before the antigen, or after it in its clause: "CD19 expression should be confirmed before
        # ...", "CD22 expression on the leukemic blasts should be confirmed")
    # a drug right before the requirement, through a relative clause ("blinatumomab — which needs CD19 on the
    # blasts — no longer fits"), is the one that needs it
    cue = next((i for i in range(k - 1, max(0, k - 3) - 1, -1)
                if any(_at(toks, i, p) for p in voc.requirement_cues)), None)
    if cue is not None:
        j = cue
        while j > 0 and toks[j - 1] in _RELATIVE_GAP:
            j -= 1
        owner = next((m for m in drugs if m.end == j), None)
        if owner is not None and j < cue:
            return owner.concept
    # the drug the requirement is for, named after "before" anywhere in the sentence ("Before inotuzumab is used, the
    # guideline requires CD19 ...": not the blinatumomab named later)
    purpose = [m for m in drugs if _near_before(toks, m.start, voc.requirement_for, 1)]
    if len(purpose) == 1:
        return purpose[0].concept
    after = [m for m in drugs if m.start > k and not any(x in (";", ".") for x in toks[k:m.start])]
    named = {m.concept for m in drugs}
    return after[0].concept if after else (next(iter(named)) if len(named) == 1 else None)


def _grades(toks: list[str], voc: Vocabulary) -> list[str]:
    out = []
    foreign, copula, copula_not = voc.grade_foreign
    named = _find(toks, foreign)  # (a category's own meaning, "generally not recommended", denies no grade)
    inside = {k for i, p in named for k in range(i, i + len(p))}
    if not _find([t for k, t in enumerate(toks) if k not in inside], voc.grade_absence):
        out.extend(" ".join(p) for _, p in _find(toks, voc.grade_phrases))
        if "jsh" in _attribution(toks, 0, len(toks), voc, False):  # "S (standard), which JSH 2023 adopts"
            out.extend(" ".join(p) for _, p in named)
        out.extend(_graded_as(toks, voc))
        out.extend(_named_before_its_grade(toks, voc, copula))
    prefixes = _by_first(voc.grade_prefixes)
    for i, t in enumerate(toks):
        if t.startswith("cq") and t[2:].lstrip("-#").isdigit():
            out.append(t)
            continue
        for p in prefixes.get(t, ()):  # (only a prefix starting with this word can start here)
            k = i + len(p)
            while k < len(toks) and (toks[k] in voc.grade_skip or toks[k] in copula):  # "grades this 'S'"
                k += 1
            if k < len(toks) and toks[k] in copula_not and copula & set(toks[i + len(p):k]):
                continue  # "the category is a separate document's label"
            if _at(toks, i, p) and k < len(toks) and (toks[k] in voc.grade_values or (
                    "/" in toks[k] and toks[k].split("/")[0] in voc.grade_values)) and (  # ("GNR/CO")
                    p != ("level",) or (i and toks[i - 1] in ("evidence", "recommendation"))) and not (
                    p[0] == "grade" and voc.toxicity_grade & set(toks[max(0, i - 4):k + 4])):
                out.append(" ".join([*p, toks[k].split("/")[0]]))
                break
    return out


def _named_before_its_grade(toks: list[str], voc: Vocabulary, copula: frozenset[str]) -> list[str]:
    """A letter grade named before its grade word: "'S' is the grade the guideline assigns", "GNR/CO is the JSH
    grade"."""
    between, nouns = voc.grade_reverse
    out = []
    for i, t in enumerate(toks[:-2]):
        values = t.split("/")
        if not all(v in voc.grade_values and v.isalpha() for v in values) or toks[i + 1] not in copula:
            continue
        k = i + 2
        while k < len(toks) and toks[k] in between:
            k += 1
        if any(_at(toks, k, p) for p in nouns):
            out.extend(f"grade {v}" for v in values)
    return out


def _graded_as(toks: list[str], voc: Vocabulary) -> list[str]:
    """A grade given by a verb to the object after it: "grades allo-HSCT for standard-risk CR1 as GNR"."""
    verbs, window = voc.grade_verbs
    for i, t in enumerate(toks):
        if t not in verbs:
            continue
        for k in range(i + 1, min(len(toks) - 1, i + window + 1)):
            if toks[k] != "as":
                continue
            j = k + 1
            while j < len(toks) and toks[j] in voc.grade_skip:
                j += 1
            value = toks[j].split("/")[0] if j < len(toks) else ""  # ("grades ... as GNR/CO", heldout23 w028)
            if value in voc.grade_values and value not in voc.grade_foreign[2]:
                return [value]  # (the value, as a cited source would write it: "GNR")
    return []


@lru_cache(maxsize=8192)
def read_claims(sentence: str) -> tuple[Claim, ...]:
    """The claims of one sentence (one per clause), memoised."""
    from assistant.text import names_trial

    voc = claim_vocabulary()
    if (pointed_at := _value_named(sentence, voc)) is not None:
        return read_claims(pointed_at)  # ("It's 0.1%: JSH regards MRD at or above that level as ...")
    lower, text, toks = _sentence_tokens(sentence, voc)
    reading = read_concepts(text)
    mentions = [m for m in reading.mentions if not m.other_person]
    original = sentence[len(sentence) - len(text):] if len(sentence) == len(lower) else text
    spans = _clauses(toks, voc)
    stances = [_stance(toks, a, b, voc) for a, b in spans]
    population = _sentence_population(original, lower, toks, stances, mentions, voc)
    trials = names_trial(sentence)
    targets, denied_targets = (tuple(x) for x in _targets(toks, mentions, voc))
    grades = tuple(_grades(toks, voc))
    claims: list[Claim] = []
    prev_interventions: tuple[str, ...] = ()
    named = tuple(dict.fromkeys(m.concept for m in mentions if m.kind in INTERVENTION_KINDS))
    whole_attr = _attribution(toks, 0, len(toks), voc, trials)
    whole_setting, stops = _setting(toks, 0, len(toks), voc), _stops(toks, voc)
    if population.get("phase") == "post_hsct" and whole_setting == "relapsed":
        population.update(phase="relapsed", transplant="done")  # "relapses after allo-HSCT" is a relapse
    equivalence = _fractions(toks, voc)
    basis = _basis(toks, stances, trials, voc)
    population, owns = _clause_populations(toks, spans, stances, mentions, population, voc)
    aside = _set_aside(toks, 0, len(toks), voc)[0]  # (a group set aside is no one's population in the sentence)
    population = {k: v for k, v in population.items() if k not in aside}
    voiced_by_trial = _trial_clauses(toks, spans, trials, voc)
    bases, owns = _after_comma_groups(toks, spans, owns, population, voc)
    dropped: set[str] = set()  # (sentence facts a clause gives up for the clauses from it on)
    for (a, b), (stance, said), own_population, base, trial_voice in zip(spans, stances, owns, bases,
                                                                         voiced_by_trial, strict=True):
        inside = _main_clause_mentions([m for m in mentions if a <= m.start < b], toks, a, b, voc)
        contrasted, compared = _contrast_sides(inside, toks, a, b, voc)
        preferred = _preferred(inside, toks, a, b, voc)
        treat = [m for m in inside if m.kind in INTERVENTION_KINDS and m.concept not in contrasted and id(
            m) not in compared and not (
            preferred and m.concept in preferred and stance in NEGATIVE_STANCES) and not _qualifies(toks, m, voc)
            and not _decided(toks, a, m.start, said, voc) and not _during(toks, a, m.start, said, voc)]
        denied = {id(m) for m in treat if m.negated or _denied(toks, m.start, voc, m.end)}
        past = {id(m) for m in treat if _past(toks, m, mentions, voc)}
        interventions = _most_specific(m.concept for m in treat if id(m) not in denied and id(m) not in past)
        negated = tuple(dict.fromkeys(m.concept for m in treat if id(m) in denied))
        if stance is None and not interventions and any(
                id(m) in denied and _bare_denial(toks, m.start, voc) for m in treat):
            stance = "not_recommended"  # "..., and no prophylactic TKI while MRD-negative": a verbless denial
        if not interventions and not denied - past and prev_interventions and _refers_back(
                toks, a, b, said, treat, voc) and not _evidence_subject(toks, voc) and not _pointer_during(
                toks, a, b, said, voc) and not _about_information(toks, a, b, voc):
            interventions, negated = prev_interventions, ()  # "...; the guideline accepts it", "..., not for X"
            if stance is None and claims and _find(toks[a:a + 2], voc.continuing):  # ("also ...", "but also ...")
                stance = claims[-1].stance  # ("lists nelarabine for relapsed T-ALL, and also for relapsed B-ALL")
        if stance is not None and (_find(toks[a:b], voc.grade_phrases) or any(t.startswith("cq") for t in toks[a:b])):
            stance = None  # "no JSH 2023 recommendation grade or CQ number ... was found": about grades, not a treatment
        stopping = stance is not None and _of_stopping(toks, a, said, treat, interventions, voc)
        if stopping:
            stance = voc.stopped[2].get(stance, stance)  # "stopping X early is not recommended": X is
        stance, listed = _after_colon(stance, interventions, toks, a, claims)
        # ("... for adults with ALL whether or not the Philadelphia chromosome is present": everyone)
        set_aside, aside_at = _set_aside(toks, a, b, voc)
        hedged = bool(_find([t for k, t in enumerate(toks[a:b], a) if k not in aside_at], voc.hedges))
        # (a restriction in a leading reason clause is the reason's: "because each antibody is used only when ...")
        restricted = _restricted(toks, _reason_end(toks, a, b, voc) or a, b, voc, stance)
        inferred = stance is None and restricted and bool(
            interventions or any(m.kind in SUBJECT_KINDS for m in inside))
        if inferred:
            stance = "recommended"  # "JSH 2023 reserves allo-HSCT for ...": a position, for that population only
        stance, scope = _settled_stance(stance, hedged, contrasted, interventions, treat, said)
        if _required_without(stance, interventions, negated, toks[a:b], voc):
            interventions, negated, stance = negated, (), "required"  # "ALL cannot be cured without a transplant"
            own_population = {k: v for k, v in own_population.items() if k != "transplant"}
            dropped.add("transplant")
        own, attribution, stance, apart = _voice(toks, a, b, said, stance, trial_voice,
                                                 whole_attr - {"trial"} if trials and not trial_voice else whole_attr)
        if b < len(toks) and _at_any(toks, b, voc.reach_denials):
            stance = None  # ("the HD-MTX recommendation | does not extend to adults aged 65 or older": the subject of
            # the denial states no position of its own; the next clause, about its treatment, says where it stops)
        polarity = voc.stances[stance][0] if stance else 0
        only = _only_after(toks, treat, voc)  # ("TKI only cures it": the TKI given alone)
        setting = _setting(toks, a, b, voc) or whole_setting
        whose = _whose({k: v for k, v in base.items() if k not in dropped}, own_population, set_aside, toks, a, b,
                       pointed=len(spans) > 1, voc=voc)
        quals = _ending(tuple(_qualifiers(toks[max(0, a - 1):b], voc)), stops) or (
            claims[-1].qualifiers if listed else ())  # (a list after a colon: the values of the clause before it)
        quals = _bound_named(quals, toks[a:b], voc)
        claims.append(Claim(
            text=" ".join(toks[a:b]), population=whose, interventions=interventions, negated=negated,
            contrasted=contrasted,
            subjects=_subjects(unconditioned := _unconditioned(inside, toks, a, b, stance, voc), quals, voc)
            or _risk_subject_before(stance, quals, claims),
            concepts=frozenset(m.concept for m in unconditioned if not m.negated),
            stance=stance, polarity=polarity, hedged=hedged,
            universal=bool(_find(toks[a:b], voc.universal)), qualifiers=quals, attribution=attribution,
            setting=setting,
            targets=targets, denied_targets=denied_targets, grades=grades, trials=trials,
            ranked=_ranks(toks, a, b, stance, hedged, interventions, contrasted, voc),
            exemplified=bool(_find(toks[a:b], voc.examples)), defines=bool(_find(toks[a:b], voc.defining)),
            alone=bool(_find(toks[a:b], voc.alone) or only), alone_of=tuple(dict.fromkeys(
                [*(m.concept for m in treat if _ends_before(toks, m.end, voc.alone)), *only])),
            absolute=_absolute(toks, a, b, voc), conditional=_restricts(toks[a:b], voc),
            equivalence=equivalence, basis=basis, voiced=own, restricted=restricted,
            equates=_equates(toks, a, b, voc),
            own_population=whose, extra=_claim_extra(toks[a:b], voc, inferred=inferred, scope=scope,
                                                     gives=polarity > 0, apart=bool(apart),
                                                     past=tuple(m.concept for m in treat if id(m) in past),
                                                     under_line=stance == "not_high_risk" and _names_line(
                                                         toks, a, b, said, voc)),
            restricted_to=_restricted_population(toks, a, b, voc) if restricted else {}, age_at=_age_at(toks, a, b, voc),
            stopping=stopping, named_treatments=named, set_aside=aside | set_aside))
        if interventions:
            prev_interventions = interventions
    return tuple(claims)


def _value_named(sentence: str, voc: Vocabulary) -> str | None:
    """The sentence with a word for the value before ("that level") written as that value, when the text before it
    gives one value: "It's 0.1% (10^-3): JSH 2023 regards MRD at or above that level as high relapse risk" reads as
    "... at or above 0.1 % ..." (heldout18 w025); None when it has no such word."""
    low = sentence.lower()
    if not any(p[-1] in low for p in voc.value_pointers):
        return None  # (a cheap first look on the pointer's noun, "level": most sentences point at no value)
    toks = tokens(sentence.lower())
    hits = _find(toks, voc.value_pointers)
    if not hits:
        return None
    at, phrase = hits[0]
    before = {(q.value, q.unit) for q in _qualifiers(toks[:at], voc)}
    if len(before) != 1:
        return None
    value, unit = next(iter(before))
    k = next((k for k in range(at) if (n := _number(toks[k])) and n[0] == value), None)
    if k is None:
        return None
    written = toks[k:k + 2] if k + 1 < at and voc.units.get(toks[k + 1]) == unit else toks[k:k + 1]
    return " ".join([*toks[:at], *written, *toks[at + len(phrase):]])


def _after_comma_groups(toks: list[str], spans: list[tuple[int, int]], owns: list[dict[str, Any]],
                        population: dict[str, Any], voc: Vocabulary) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each clause's sentence population and own population, for clauses opened after a comma: a reason after its
    main clause names its own group ("nelarabine does not fit this relapse, since the summary names it for T-ALL" is
    not about T-ALL, heldout19 c013), and a relative clause is about the group named before its comma ("not options
    for T-ALL, for which nelarabine is listed")."""
    def after_comma(a: int) -> bool:
        return a > 0 and toks[a - 1] == ","

    reason = [after_comma(a) and _at_any(toks, a, voc.reasons) for a, _ in spans]
    given = [own for own, r in zip(owns, reason, strict=True) if r]
    main = {k: v for k, v in population.items() if not any(r.get(k) == v for r in given)}
    bases = [population if r else main for r in reason]
    owns = [{**own, **_named_before(toks, a - 1)} if after_comma(a) and toks[a] in ("for", "in") and a + 1 < b
            and toks[a + 1] in ("which", "whom") else own for (a, b), own in zip(spans, owns, strict=True)]
    return bases, owns


def _named_before(toks: list[str], end: int) -> dict[str, Any]:
    """The group the few words before `end` name, after their preposition ("... not options for T-ALL" -> T-ALL,
    not denied by the clause's "not")."""
    from assistant.rules.logic import stated_facts

    start = next((k + 1 for k in range(end - 1, max(-1, end - 5), -1) if toks[k] in ("for", "in", "with")),
                 max(0, end - 3))
    return dict(stated_facts(" ".join(toks[start:end])))


def _settled_stance(stance: str | None, hedged: bool, contrasted: tuple[str, ...], interventions: tuple[str, ...],
                    treat: list[Any], said: range) -> tuple[str | None, str | None]:
    """The clause's stance after its hedge and contrast, and whom-it-is-for (`applies` / `not_applicable`) kept
    apart: "the HD-MTX recommendation applies to Ph-positive ALL too" recommends it for them (the treatment is the
    subject, right before the cue); "its MRD statement covers all ages and bears on transplant" recommends nothing."""
    scope = stance if stance in ("applies", "not_applicable") else None
    if scope and any(m.concept in interventions and m.end <= said.start for m in treat):
        # (whom a statement is for, not how strongly: "the CAR-T statement covers young patients" offers it to them,
        # whatever its own strength, heldout10)
        stance = "option" if scope == "applies" else "not_recommended"
    if hedged and stance == "recommended":
        stance = "option"
    if stance in ("recommended", "option") and contrasted and not interventions:
        stance = "not_recommended"  # "X rather than Y" read from Y's side
    return stance, scope


def _set_aside(toks: list[str], a: int, b: int, voc: Vocabulary) -> tuple[frozenset[str], frozenset[int]]:
    """The fact keys a clause names only to set them aside ("whether or not the Philadelphia chromosome is
    present", "regardless of MRD"), and the token positions of the phrase (its "whether" hedges nothing)."""
    from assistant.rules.logic import stated_facts

    keys: set[str] = set()
    at: set[int] = set()
    for i, p in _find(toks[a:b], voc.regardless):
        start = a + i + len(p)
        end = _stop_at(toks, start, b)
        words = toks[start:end]
        keys |= set(stated_facts(" ".join(words)))
        keys |= {k for phrase, facts in voc.population_cues if _find(words, (phrase,)) for k in facts}
        # ("whether or not the Philadelphia chromosome is present": either status; "regardless of lineage")
        keys |= {k for k, names in voc.set_aside_names if _find(words, names)}
        at |= set(range(a + i, start))
    for i in range(a, b):  # "whether the leukemia is Ph-negative or Ph-positive": one fact, both of its values
        if toks[i] == "whether" and (either := _either_value(toks, i + 1, b)):
            keys |= either
            at.add(i)
    return frozenset(keys), frozenset(at)


def _either_value(toks: list[str], start: int, b: int) -> frozenset[str]:
    """The facts a "whether X or Y" names with two different values (either value, so neither is the group)."""
    from assistant.rules.logic import stated_facts

    end = _stop_at(toks, start, b)
    words = toks[start:end]
    if "or" not in words:
        return frozenset()
    cut = words.index("or")
    left, right = stated_facts(" ".join(words[:cut])), stated_facts(" ".join(words[cut + 1:]))
    return frozenset(k for k in left.keys() & right.keys() if left[k] != right[k])


def _evidence_subject(toks: list[str], voc: Vocabulary) -> bool:
    """The sentence opens on a study as its subject ("The trial is evidence for TKI-combined chemotherapy ..., but it
    is not itself a recommendation", heldout16 c066): a pronoun later in it stands for the study, not a treatment."""
    start = _strip_opener(toks, voc)
    head = toks[start:start + 3]
    return bool(head) and head[0] in voc.evidence_subjects[0] and bool(set(head[1:]) & voc.evidence_subjects[1])


def _refers_back(toks: list[str], a: int, b: int, said: range, treat: list[Any], voc: Vocabulary) -> bool:
    """A clause naming no treatment of its own is about the one before: a pronoun ("the guideline accepts it"), an
    elliptic start ("..., not for X"), an elided subject, or a bare stop word ("..., and stopping early ...")."""
    return bool(voc.pronouns & set(toks[a:b])
                or (toks[a] in voc.elliptic and not _at_any(toks, a, voc.status_denials))
                or _elided(toks, a, said)
                or (said and not treat and _stops_first(toks, a, said.start, voc))
                or (not treat and _find(toks[a:a + 2], voc.continuing)))  # ("..., but also B-ALL", heldout11 w078)


def _basis(toks: list[str], stances: list[tuple[str | None, range]], trials: bool, voc: Vocabulary) -> bool:
    """A named trial (or "this registry analysis") is given as the basis of the position, or a trial's protocol is
    what a positive cue puts forward."""
    studied = trials or bool(voc.basis_sources & set(toks))
    return (studied and any(_basis_names_study(toks, i, len(p), voc) for i, p in _find(toks, voc.basis))) or any(
        _trial_object(toks, sp, st) for st, sp in stances) or (trials and _trial_put_forward(toks, voc))


#: Stances on the disease's outcome or risk, not a treatment's: a claim of its own before a consequence.
_OUTCOME_STANCES = frozenset({"cured", "not_cured", "high_risk", "not_high_risk"})


def _at_any(toks: list[str], i: int, group: tuple[Phrase, ...]) -> bool:
    """A phrase of `group` starts at token `i`."""
    return any(_at(toks, i, p) for p in _by_first(group).get(toks[i], ()))


def puts_in_a_group(sentence: str) -> bool:
    """The sentence puts someone in a group ("at 47 he still belongs to the AYA group": claims.yaml
    group_membership)."""
    return bool(_find(tokens(sentence.lower()), claim_vocabulary().group_membership))


def reports_hearsay(sentence: str) -> bool:
    """The sentence reports someone else's claim ("a friend told us ...", "I read online that ...": claims.yaml
    premise.hearsay)."""
    return bool(_find(tokens(sentence.lower()), claim_vocabulary().premise["hearsay"]))


def states_understanding(sentence: str) -> bool:
    """The sentence puts forward the asker's own reading ("I understand that ...": claims.yaml
    premise.understanding)."""
    return bool(_find(tokens(sentence.lower()), claim_vocabulary().premise["understanding"]))


def _basis_names_study(toks: list[str], i: int, n: int, voc: Vocabulary) -> bool:
    """The basis phrase at `i` has the trial or study in its reach, not across a contrast: "JSH 2023 recommends X
    based on E1910" and "E1910 showed ..., so JSH recommends X on the strength of it"; not "In Ph+ALL213, dasatinib
    was a protocol feature, whereas the JSH recommendation is based on MRD after allo-HSCT" (heldout10)."""
    from assistant.text import names_trial

    breaks = voc.clause_breaks | {"while"}  # (the stretch a basis phrase points into ends at a clause break)
    lo = i
    while lo > 0 and i - lo < 14 and toks[lo - 1] not in breaks:
        lo -= 1
    hi = i + n
    while hi < len(toks) and hi - i < 10 and toks[hi] not in breaks:
        hi += 1
    # (nor a study set aside after it: "this rests on the guideline rather than a specific study", heldout17 c073)
    aside = _find(toks[i + n:hi], voc.contrast)
    reach = toks[lo:i + n + aside[0][0] if aside else hi]
    return names_trial(" ".join(reach)) or bool(voc.basis_sources & set(reach))


def _claim_extra(toks: list[str], voc: Vocabulary, *, inferred: bool, scope: Any, gives: bool,
                 apart: bool, past: tuple[str, ...] = (), under_line: bool = False) -> dict[str, Any]:
    """The claim's flags read from its clause: a stance inferred from a restriction, a scope, its group named elsewhere
    ("the standard there", "this age group"), a stopping rule put on a treatment given ("until two negative
    results"), what it reports set apart from JSH's position, the treatments it names as already given ("here
    including the earlier blinatumomab"), a level put below a named line ("below the high-risk threshold of 0.01%":
    the line's own value is no level of the patient's)."""
    flags = {"inferred": inferred, "group_pointer": bool(_find(toks, voc.group_pointers)),
             "stop_rule": gives and _stop_rule(toks, voc), "set_apart": apart, "under_line": under_line}
    return {**{k: True for k, v in flags.items() if v}, **({"scope": scope} if scope else {}),
            **({"past": past} if past else {})}


def _required_without(stance: str | None, interventions: tuple[str, ...], negated: tuple[str, ...], toks: list[str],
                      voc: Vocabulary) -> bool:
    """No cure without the treatment the clause denies ("ALL cannot be cured without a transplant", rja84 q40): the
    treatment is required (claims.yaml required_without)."""
    stances, words = voc.required_without
    return stance in stances and not interventions and bool(negated) and bool(set(toks) & words)


def _stop_rule(toks: list[str], voc: Vocabulary) -> bool:
    """ "until" and, within eight words, a result it waits for ("give the TKI until two consecutive MRD-negative
    results", heldout gen-w176): a stopping rule, which the summary gives for no treatment."""
    before, after = voc.stop_rules
    return any(t in before and after & set(toks[k + 1:k + 9]) for k, t in enumerate(toks))


def _risk_subject_before(stance: str | None, quals: tuple[Qualifier, ...], claims: list[Claim]) -> tuple[str, ...]:
    """A risk line with a value and no subject of its own takes the one of the clause before ("JSH regards MRD
    assessment as essential, but the high-risk threshold it uses is 0.1%": the MRD threshold, heldout11 w042)."""
    return claims[-1].subjects if stance in _RISK_STANCES and quals and claims else ()


def _clause_populations(toks: list[str], spans: list[tuple[int, int]], stances: list[tuple[str | None, range]],
                        mentions: list[Any], population: dict[str, Any],
                        voc: Vocabulary) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The sentence's population and each clause's own (none for a one-clause sentence). A key the clauses give
    different values ("pre-emptive TKI if MRD is detected, and no prophylactic TKI if MRD is negative") is each
    clause's own: a clause that states none does not take one of theirs from the sentence."""
    if len(spans) < 2:
        return population, [{} for _ in spans]
    stance_tokens = {k for _, span in stances for k in span}
    owns = [_clause_population(toks, a, b, stance_tokens, voc, [m for m in mentions if a <= m.start < b])
            for a, b in spans]
    split = {k for o in owns for k in o if len({str(x[k]) for x in owns if k in x}) > 1}
    # (a fact only a condition clause gives is that clause's: "JSH 2023 favours TKI maintenance after transplant, and
    # if BCR::ABL1 becomes detectable the TKI is continued" does not put the MRD-positive on the first clause,
    # heldout25 w006)
    opens = [_opens_condition(toks, a, b, voc) for a, b in spans]
    stated = {k for o, cond in zip(owns, opens) if not cond for k in o}
    split |= {k for o, cond in zip(owns, opens) if cond for k in o} - stated
    return {k: v for k, v in population.items() if k not in split}, owns


def _bound_named(quals: tuple[Qualifier, ...], toks: list[str], voc: Vocabulary) -> tuple[Qualifier, ...]:
    """The clause's one plain duration read as the bound a word of claims.yaml `duration_minimum` / `duration_maximum`
    in the clause names it ("the recommended minimum ... is 3 years": at least 3 years, heldout25 w010)."""
    ops = {">=" for t in toks if t in voc.duration_minimum} | {"<=" for t in toks if t in voc.duration_maximum}
    plain = [q for q in quals if q.kind == "duration" and q.op == "="]
    if len(ops) != 1 or len(plain) != 1 or any(q.kind == "duration" and q.op != "=" for q in quals):
        return quals
    return tuple(replace(q, op=next(iter(ops))) if q is plain[0] else q for q in quals)


def _opens_condition(toks: list[str], a: int, b: int, voc: Vocabulary) -> bool:
    """The clause is a later one joined by "and"/"but"/"or" that opens with a word of claims.yaml `condition_openers`
    ("..., and if MRD becomes detectable, ..."); a leading condition ("If she reaches CR1, ...") is the population
    of the clause after it."""
    joins = ("and", "but", "or")
    return 0 < a < b and (toks[a] in voc.condition_openers and toks[a - 1] in joins or (
        a + 1 < b and toks[a] in joins and toks[a + 1] in voc.condition_openers))


def _preferred(inside: list[Any], toks: list[str], a: int, b: int, voc: Vocabulary) -> set[str]:
    """The treatments named as the ones preferred over a treatment the clause denies: after "in favour of", or with
    "instead" right after them ("allo-HSCT can be omitted, with TKI maintenance instead")."""
    return {m.concept for m in _after_cue(inside, toks, a, b, voc.preferred)} | {
        m.concept for m in inside if any(_at(toks, k, p) for p in voc.preferred_after
                                         for k in range(m.end, min(b, m.end + 2)))}


def _of_stopping(toks: list[str], a: int, said: range, treat: list[Any], interventions: tuple[str, ...],
                 voc: Vocabulary) -> bool:
    """The clause's stance is said of stopping its treatment: a stop word before the treatment named, or a bare stop
    word opening a clause whose treatment is the one before ("..., and stopping early is not consistent with that")."""
    if not said:
        return False
    return any(_stopped(toks, a, m.start, said.start, voc) or _stopped_after(toks, m, said.start, voc)
               for m in treat) or (not treat and bool(interventions) and _stops_first(toks, a, said.start, voc))


def _stopped_after(toks: list[str], m: Any, stance_at: int, voc: Vocabulary) -> bool:
    """The stance comes before the treatment, which a passive stop phrase follows within a word ("JSH 2023 allows TKI
    maintenance to be stopped early")."""
    return stance_at < m.start and any(_at(toks, k, p) for k in range(m.end, min(len(toks), m.end + 2))
                                       for p in voc.stopped_after)


def _after_colon(stance: str | None, interventions: tuple[str, ...], toks: list[str], a: int,
                 claims: list[Claim]) -> tuple[str | None, bool]:
    """The clause's stance, and whether it is a list after a colon taking the stance (and values) of the clause
    before it ("..., which JSH 2023 applies from age 60: induction with a TKI plus a corticosteroid")."""
    if stance is not None or not interventions:
        return stance, False
    taken = _listed_after_colon(toks, a, claims)
    return taken, taken is not None


def _voice(toks: list[str], a: int, b: int, said: range, stance: str | None, trial_voice: bool,
           whole: frozenset[str]) -> tuple[frozenset[str], frozenset[str], str | None, list[int]]:
    """The clause's own voice, its attribution (its own, else the sentence's), its stance, and where a phrase setting
    JSH's position apart ends: "a protocol feature that differs from the JSH recommendation" names JSH's position
    only to set what the clause reports apart from it (heldout11 c013), and its "recommendation" is no stance."""
    voc = claim_vocabulary()
    own = _attribution(toks, a, b, voc, trial_voice)
    attribution = own or whole
    apart = [a + i + len(p) for i, p in _find(toks[a:b], voc.set_apart_from_jsh)]
    if apart:
        own, attribution = own - {"jsh"}, attribution - {"jsh"}
        stance = None if said and any(0 <= said.start - end <= 2 for end in apart) else stance
    return own, attribution, stance, apart


def _listed_after_colon(toks: list[str], a: int, claims: list[Claim]) -> str | None:
    """A clause after a colon takes the positive stance of the treatment-less clause before it ("JSH 2023 recommends
    the same approach at any age: a TKI with chemotherapy"); a denial before a colon is a patient's fact ("no
    transplant: TKI maintenance ...")."""
    if not (claims and a and toks[a - 1] == ":"):
        return None
    before = claims[-1]
    return before.stance if before.polarity > 0 and not (before.interventions or before.negated) else None


def _stopped(toks: list[str], a: int, start: int, stance_at: int, voc: Vocabulary) -> bool:
    """The treatment starting at `start` is what a stop word before it stops, and the stance comes after: the
    stance is said of stopping it ("stopping TKI maintenance before 5 years is not consistent with ...").

    >>> _stopped(tokens("stopping the tki early is not recommended"), 0, 2, 4, claim_vocabulary())
    True
    >>> _stopped(tokens("the tki is not recommended"), 0, 1, 3, claim_vocabulary())
    False
    """
    verbs, skip, _ = voc.stopped
    if start >= stance_at:
        return False
    k = start
    while k > a and toks[k - 1] in skip:
        k -= 1
    return any(_ends_at(toks, k, (p,)) for p in verbs)


def _stops_first(toks: list[str], a: int, stance_at: int, voc: Vocabulary) -> bool:
    """The clause's subject, before its stance, is a bare stop word whose treatment is the one before ("..., and
    stopping early is not consistent with that")."""
    return any(_at(toks, k, p) for k in range(a, stance_at) for p in voc.stopped[0])


def _age_at(toks: list[str], a: int, b: int, voc: Vocabulary) -> str | None:
    """When the clause's age limit is measured: the first moment named ("diagnosed at 25 or younger" -> diagnosis),
    if the clause is about an age limit at all.

    >>> _age_at(tokens("the age limit applies at diagnosis"), 0, 6, claim_vocabulary())
    'diagnosis'
    """
    part = toks[a:b]
    if not voc.age_limit_words & set(part):
        return None
    hits = sorted((i, name) for p, name in voc.age_anchors for i, _ in _find(part, (p,)))
    if len({name for _, name in hits}) > 1 and voc.embedded[0] & set(part):
        return None  # "the sources do not say whether age is counted at diagnosis or at infusion": no moment picked
    return hits[0][1] if hits else None


def _trial_object(toks: list[str], span: range, stance: str | None) -> bool:
    """A named trial is what a positive stance puts forward ("specifies the ALL202-U protocol as the regimen to use",
    "recommends the PhALLCON regimen"): the trial's protocol given as the position, up to the clause's comma."""
    from assistant.text import names_trial

    if stance not in ("recommended", "required") or not span:
        return False
    after = list(itertools.takewhile(lambda t: t not in (",", ";", ":", "—", "("), toks[span.stop:span.stop + 6]))
    return bool(after) and names_trial(" ".join(after))


def _trial_put_forward(toks: list[str], voc: Vocabulary) -> bool:
    """A named trial is the object of any positive cue, not only the clause's chosen one ("specifies the ALL202-U
    protocol as the pediatric-type regimen to use": the longer "to use" is the stance, "specifies" puts it forward)."""
    for i, t in enumerate(toks):
        for p, name in voc.stance_cues.get(t, ()):
            if name in ("recommended", "required") and _at(toks, i, p) and _trial_object(
                    toks, range(i, i + len(p)), name):
                return True
    return False


def _ranks(toks: list[str], a: int, b: int, stance: str | None, hedged: bool, interventions: tuple[str, ...],
           contrasted: tuple[str, ...], voc: Vocabulary) -> bool:
    """The clause ranks treatments: a ranking cue ("X first, Y kept for later"), or a recommendation of one treatment
    over another ("recommends X over Y", "X rather than Y is the choice"); not when it only wonders whether a ranking
    exists ("whether the full text prefers one is not known")."""
    if hedged:
        return False
    return bool(_find(toks[a:b], voc.ranking)) or bool(
        stance in ("recommended", "option", "required") and interventions and contrasted) or (
        len(set(interventions)) >= 2 and any(not _near_before(toks, a + i, voc.negation, 3)
                                             for i, _ in _find(toks[a:b], voc.ranking_between)))
    # (a denied preference ranks nothing: "names neither as preferred")


def _restricted_population(toks: list[str], a: int, b: int, voc: Vocabulary) -> dict[str, Any]:
    """The group a restriction names: the patients after the cue, up to the clause's next comma ("lists blinatumomab
    only for relapsed CD19-positive B-ALL, not for ..." -> relapsed, CD19-positive, B-lineage), not the whole sentence's."""
    from assistant.rules.logic import stated_facts

    out: dict[str, Any] = {}
    groups = [list(itertools.takewhile(lambda t: t not in (",", ";", ":", "—"), toks[a + i + len(p):b]))
              for i, p in _find(toks[a:b], voc.restriction)]
    end = _trailing_restriction(toks, a, b, voc)
    if end is not None:  # "applies to Ph-negative ALL only": the group is written before the cue
        groups.append(toks[a:end])
    for words in groups:
        out.update(stated_facts(" ".join(words)))
        for phrase, facts in voc.population_cues:
            if _find(words, (phrase,)):
                out.update(facts)
    return out


def _restricted(toks: list[str], a: int, b: int, voc: Vocabulary, stance: str | None) -> bool:
    """The clause limits its position to a group: a cue before the group ("reserves X for"), or after it when the
    clause states a position ("the MRD recommendation applies to Ph-negative ALL only"; "... is trial evidence
    only" states none)."""
    return bool(_find(toks[a:b], voc.restriction)) or (
        stance is not None and _trailing_restriction(toks, a, b, voc) is not None)


def _trailing_restriction(toks: list[str], a: int, b: int, voc: Vocabulary) -> int | None:
    """Where a restriction written after its group stands ("applies to Ph-negative ALL only"), if the clause ends
    on one."""
    end = b
    while end > a and toks[end - 1] in (".", ",", ";", ":", "!"):
        end -= 1
    return end - 1 if end - 1 > a and toks[end - 1] in voc.restriction_after else None


def _absolute(toks: list[str], a: int, b: int, voc: Vocabulary) -> bool:
    """The clause's stance holds in every case ("never", "not ... any"): a cue not right after a condition word ("if
    any is detected")."""
    return any(not _ends_at(toks, a + i, voc.absolute_not_after) for i, _ in _find(toks[a:b], voc.absolute))


def _restricts(toks: list[str], voc: Any) -> bool:
    """A condition cue that restricts the stance: not one whose clause only restates the phase ("if CR1 achieved,")."""
    for i, p in _find(toks, voc.conditions):
        if i and toks[i - 1] in voc.concessions:
            continue  # ("even if ...": a concession, not a condition)
        clause = list(itertools.takewhile(lambda t: t not in (",", ";", ":"), toks[i + len(p):]))
        if not clause or len(clause) > 5 or not set(clause) <= voc.restated_condition:
            return True
    return False


def _after_cue(inside: list[Any], toks: list[str], a: int, b: int, cues: Any) -> list[Any]:
    """The clause's mentions starting within five tokens after one of `cues`, no comma between ("rather than X",
    "preferably X", "rather than a trigger for mandatory transplant", heldout24 c047)."""
    at = [a + i + len(p) for i, p in _find(toks[a:b], cues)]
    return [m for m in inside if any(0 <= m.start - c < 6 and "," not in toks[c:m.start] for c in at)]


def written_out(text: str, voc: Vocabulary | None = None) -> str:
    """The text with its contracted negations written out (claims.yaml `contractions`; curly apostrophes too).

    >>> written_out("JSH doesn\u2019t list it, and we can't")
    'JSH does not list it, and we can not'
    """
    voc = voc or claim_vocabulary()
    text = text.replace("\u2019", "'")
    for short, full in voc.contractions.items():
        text = text.replace(short, full)
    return text


def _denied_before(toks: list[str], a: int, at: int, voc: Vocabulary) -> bool:
    """A denial before `at` in the clause starting at `a` ("not an equivalent ...", "is not offered as an equal
    alternative"; claims.yaml `equivalence_denials`: "without a transplant, TKI maintenance is an equivalent option"
    denies no equivalence, ja-w004)."""
    return any(t in voc.equivalence_denials or t.endswith("n't") for t in toks[a:at])


def _equates(toks: list[str], a: int, b: int, voc: Vocabulary) -> bool:
    """The clause calls two treatments equivalent, not denying it ("not an equivalent option" says they are not,
    heldout14).

    >>> v = claim_vocabulary()
    >>> _equates(tokens("they are equivalent options"), 0, 4, v), _equates(tokens("not an equivalent option"), 0, 4, v)
    (True, False)
    """
    return any(not _denied_before(toks, a, a + j, voc) for j, _ in _find(toks[a:b], voc.equivalence_cues))


def negation_words(voc: Vocabulary | None = None) -> frozenset[str]:
    """The one-word negation cues of the claim vocabulary ("not", "no", "never", "without", ...)."""
    voc = voc or claim_vocabulary()
    return frozenset(p[0] for p in voc.negation if len(p) == 1)


def _sentence_tokens(sentence: str, voc: Vocabulary) -> tuple[str, str, list[str]]:
    """(the sentence lower-cased with compound words split, the text read: without its yes/no opening, its tokens)."""
    lower = written_out(sentence.lower().replace("**", " "), voc)  # ("doesn't list" reads as "does not list")
    for suffix in voc.split_suffixes:  # "HD-MTX-containing" names HD-MTX
        lower = lower.replace(suffix, " " + suffix[1:])
    for prefix in voc.split_prefixes:  # "post-transplant" is after the transplant
        lower = lower.replace(" " + prefix, " " + prefix[:-1] + " ")
    toks = tokens(lower)
    skip = _strip_opener(toks, voc)
    text = lower
    if skip:  # read the sentence without its yes/no opening
        cut = lower.find(toks[skip - 1]) + len(toks[skip - 1])
        text = lower[cut:]
        toks = tokens(text)
    return lower, text, toks


def _sentence_population(original: str, lower: str, toks: list[str], stances: list[tuple[str | None, range]],
                         mentions: list[Any], voc: Vocabulary) -> dict[str, Any]:
    """The population the whole sentence states (its stance words left out), with the vocabulary's cues."""
    from assistant.rules.logic import stated_facts

    # (the stance words, but not an age word a cue ends on: "the TKI + steroid approach only starts at age 65")
    drop = {k for _, span in stances for k in span if toks[k] not in _AGE_WORDS}
    if any(st == "not_applicable" for st, _ in stances):
        drop |= _named_recommendation_group(toks)
    population = dict(stated_facts(_without(original, toks, drop)))
    for phrase, facts in voc.population_cues:
        if _find(toks, (phrase,)):
            population.update(facts)
    if any(p in lower for p in voc.both_lineages) or _lineages_listed(toks, mentions, voc):
        population["lineage"] = ["B", "T"]  # "for relapsed B- and T-lineage ALL alike": about B-ALL too
    if "transplant" not in population and any(m.concept == "allo_hsct" and _past(toks, m, mentions, voc)
                                              for m in mentions):
        population["transplant"] = "done"  # "prophylactic TKI after allo-HSCT": the transplant is behind them
    return population


_AGE_WORDS = frozenset({"age", "aged", "ages"})


def _named_recommendation_group(toks: list[str]) -> set[int]:
    """The tokens of a group that names a recommendation ("moves out of the HD-MTX recommendation for ages 40 to
    64"): in a sentence saying where a recommendation stops, that group is the recommendation's name, not the
    population the sentence speaks of."""
    out: set[int] = set()
    for i, t in enumerate(toks):
        if t not in _RECOMMENDATION_NAMES:
            continue
        # (its group before it, back to the article: "outside the 40-64 HD-MTX recommendation", heldout18 c081)
        start = next((k for k in range(i - 1, max(-1, i - 6), -1) if toks[k] in ("the", "a", "an", "its", "that")),
                     None)
        if start is not None:
            out |= set(range(start + 1, i))
        if i + 1 < len(toks) and toks[i + 1] in ("for", "in"):
            end = next((k for k in range(i + 2, len(toks)) if toks[k] in (",", ";", ".", "and", "but")), len(toks))
            out |= set(range(i + 1, end))
    return out


#: Nouns naming a recommendation by what it is ("the HD-MTX recommendation for ages 40 to 64").
_RECOMMENDATION_NAMES = frozenset({"recommendation", "pathway", "branch", "group", "arm"})


def _lineages_listed(toks: list[str], mentions: list[Any], voc: Vocabulary) -> bool:
    """Both lineages named as one list for the sentence's one treatment ("nelarabine for relapsed T-ALL and also for
    relapsed B-ALL"): only `lineage_list_words` between them, a joiner among them."""
    lineages = sorted((m for m in mentions if m.concept in ("b_lineage", "t_lineage")), key=lambda m: m.start)
    if len({m.concept for m in lineages}) != 2 or len({m.concept for m in mentions
                                                        if m.kind in INTERVENTION_KINDS}) != 1:
        return False
    between = [toks[k] for a, b in zip(lineages, lineages[1:]) if a.concept != b.concept for k in range(a.end, b.start)]
    return bool(between) and set(between) <= voc.lineage_list_words and bool(set(between) & voc.lineage_list_joiners)


def _clause_population(toks: list[str], a: int, b: int, skip: set[int], voc: Vocabulary,
                       inside: list[Any] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """The population a clause states itself ("..., and no prophylactic TKI while MRD-negative"), over the
    sentence's: each clause of "pre-emptive TKI when MRD is detected, and no prophylactic TKI while MRD-negative"
    is about its own patients. A denial of a treatment is not read as a denial of the population's result ("no
    prophylactic TKI" does not make "MRD-negative" positive); a result marker names the population's result."""
    from assistant.rules.logic import stated_facts

    denials = {m.start - 1 - k for m in inside if m.kind in INTERVENTION_KINDS for k in range(4)
               if m.start - 1 - k >= a and toks[m.start - 1 - k] in voc.denial_words and _denied(toks, m.start, voc, m.end)}
    words = [t for k, t in enumerate(toks[a:b], a) if k not in skip and k not in denials]
    own = dict(stated_facts(" ".join(words)))
    for phrase, facts in voc.population_cues:
        if _find(toks[a:b], (phrase,)):
            own.update(facts)
    for m in inside:
        own.update(voc.marker_population.get(m.concept, {}))
    return own


def _elided(toks: list[str], a: int, said: range) -> bool:
    """A clause after "and" that opens on its stance has the subject of the clause before ("advises a TKI when MRD is
    detected and does not advise one when it is negative")."""
    return a > 0 and toks[a - 1] == "and" and bool(said) and said.start <= a + 1 and toks[a] not in _PERSON_SUBJECTS \
        and not (toks[a] == "no" and a + 1 < len(toks) and toks[a + 1] in _GENERIC_SUBJECTS)


#: Generic subjects after "no" ("..., and no regimen should be called the standard", heldout23 c024).
_GENERIC_SUBJECTS = frozenset({"regimen", "treatment", "therapy", "drug", "single", "option", "one", "guideline"})

#: Subjects that open a clause of their own ("..., and patients should not change the settings", heldout23 c037).
_PERSON_SUBJECTS = frozenset({"patients", "patient", "you", "he", "she", "we", "nurses", "families", "clinicians",
                              "doctors", "teams", "people"})


def _bare_denial(toks: list[str], i: int, voc: Vocabulary) -> bool:
    """A denial word before the treatment, modifiers aside, with no verb ("and no prophylactic TKI")."""
    j = i
    while j and toks[j - 1] in voc.denial_skip:
        j -= 1
    return bool(j) and toks[j - 1] in voc.denial_words


def _during(toks: list[str], a: int, at: int, said: range | None, voc: Vocabulary) -> bool:
    """The treatment at `at` is the time of the clause ("should not drive while blinatumomab is being given", "avoid
    alcohol while taking dasatinib"): a word of claims.yaml `concurrent` ends right before it, determiners aside,
    after the clause's stance word, which is then about what it names first."""
    k = at
    while k > a and toks[k - 1] in _DETERMINERS:
        k -= 1
    return bool(said) and said.start < k and any(
        _ends_at(toks, k, (p,)) and k - len(p) >= said.stop for p in voc.concurrent)


def _denied_aside(toks: list[str], i: int, voc: Vocabulary) -> int | None:
    """The closing comma of a short denial between commas that the sentence continues after with a noun phrase
    (", not part of, the recommendation ..."), else None."""
    if i + 1 >= len(toks) or toks[i + 1] not in voc.elliptic:
        return None
    close = next((k for k in range(i + 2, min(i + 6, len(toks))) if toks[k] == ","), None)
    return close if close is not None and close + 1 < len(toks) and toks[close + 1] in _ASIDE_RESUMES else None


#: Words that resume a sentence after a denied aside ("..., not part of, the recommendation").
_ASIDE_RESUMES = frozenset({"the", "a", "an", "its", "their", "this", "that", "these", "those"})


def _about_information(toks: list[str], a: int, b: int, voc: Vocabulary) -> bool:
    """The clause is about what is known of a treatment, not the treatment: its subject is a noun of claims.yaml
    `qualified_nouns` ("..., and no doses or schedules are given, so dosing has to come from the protocol",
    heldout24 c065): it takes no treatment from the clause before."""
    k = a
    while k < b and toks[k] in _INFORMATION_LEADS:
        k += 1
    return k < b and toks[k] in voc.qualified_nouns


#: Words before the subject of a clause about information ("and no doses ...", "but the schedule ...").
_INFORMATION_LEADS = frozenset({"and", "but", "so", "no", "the", "any", "its", "their", "specific", "exact", ",", "or"})


def _pointer_during(toks: list[str], a: int, b: int, said: range | None, voc: Vocabulary) -> bool:
    """Every pronoun of the clause is the time of it ("patients should not drive while it is being given"): the
    clause is no position on the treatment it points back to."""
    at = [k for k in range(a, b) if toks[k] in voc.pronouns]
    return bool(at) and all(_during(toks, a, k, said, voc) for k in at)


def _qualifies(toks: list[str], m: Any, voc: Vocabulary) -> bool:
    """A treatment written before a noun of what is known about it qualifies that noun ("no HD-MTX doses", "the TKI
    schedule is not given"): the clause is about the dose or schedule, not a position on the treatment."""
    return m.end < len(toks) and toks[m.end] in voc.qualified_nouns


def _past(toks: list[str], m: Any, mentions: list[Any], voc: Vocabulary) -> bool:
    """A treatment already given: the context layer says so, a history cue ("after", "following") stands just before
    it, articles aside ("after a donor stem cell transplant"), or it restates one that does ("... (allo-HSCT)")."""
    def cued(start: int) -> bool:
        k = start
        while k > 0 and toks[k - 1] in _DETERMINERS:
            k -= 1
        # the cue right before it, or one word before ("after allo-HSCT", "after prior allo-HSCT"), not across a
        # comma ("if MRD-negative after induction, transplant can be omitted" is no transplant behind them)
        return _ends_at(toks, k, voc.history) or (k > 0 and toks[k - 1] not in _NEGATION_STOPS
                                                  and _ends_at(toks, k - 1, voc.history) and not any(
                                                      o.start <= k - 1 < o.end for o in mentions if o is not m))

    if m.historical or cued(m.start):
        return True
    # (or it is joined to one that is: "his prior imatinib and dasatinib", "after blinatumomab or inotuzumab")
    joined = [o for o in mentions if o is not m and o.end < m.start and m.start - o.end <= 2
              and all(t in _JOINERS for t in toks[o.end:m.start])]
    return any(o.concept == m.concept and o.end <= m.start <= o.end + 2 and (o.historical or cued(o.start))
               and all(not t[:1].isalnum() for t in toks[o.end:m.start])  # (a restatement, not "after
               # blinatumomab rules blinatumomab out", heldout19 c013)
               for o in mentions if o is not m) or any(o.historical or cued(o.start) for o in joined)


#: Subjects that open a clause of its own after "so" ("..., so it may be worth asking whether ...": the consequence
#: is the writer's advice, not the position before it, heldout21 w026).
_OWN_SUBJECTS = frozenset({"it", "you", "she", "he", "they", "we", "i", "this"})

#: Words that join two treatments named as one list ("imatinib and dasatinib", "imatinib, dasatinib").
_JOINERS = frozenset({"and", "or", "/", "&"})


#: Words between a history cue and the treatment it dates ("after her donor stem cell transplant").
_DETERMINERS = frozenset({"a", "an", "the", "her", "his", "their", "my", "a donor", "donor", "prior", "previous",
                          "earlier", "allogeneic",
                          # (how many: "after one or more chemotherapy regimens", heldout24 c060)
                          "one", "two", "three", "or", "more", "several", "multiple"})


def _only_after(toks: list[str], treat: list[Any], voc: Vocabulary) -> list[str]:
    """The treatments a word of claims.yaml alone_after follows right away ("TKI only cures it"), not one opening a
    restriction ("TKI only for older adults")."""
    words, not_before = voc.alone_after
    return [m.concept for m in treat if m.end < len(toks) and toks[m.end] in words
            and (m.end + 1 >= len(toks) or toks[m.end + 1] not in not_before)]


def _ends_before(toks: list[str], end: int, group: tuple[Phrase, ...]) -> bool:
    """A phrase of `group` starts at token `end` or the one after ("intrathecal chemotherapy alone")."""
    return any(_at(toks, k, p) for k in (end, end + 1) for p in _by_first(group).get(toks[k] if k < len(toks) else "", ()))


def _fractions(toks: list[str], voc: Vocabulary) -> tuple[tuple[float, float], ...]:
    """(percent, fraction) pairs a sentence equates, each fraction with the nearest percentage: "0.01% means one
    cell in 10,000" -> (0.01, 1e-4); "0.01% (10^-4)" likewise."""
    percents = [(i, n[0]) for i, t in enumerate(toks) if (n := _number(t)) is not None
                and (n[2] == "%" or (i + 1 < len(toks) and toks[i + 1] in ("%", "percent")))]
    fractions: list[tuple[int, float]] = []
    for i, t in enumerate(toks):
        if t in ("one", "1") and any(_at(toks, j, p) for j in range(i + 1, min(i + 4, len(toks)))
                                     for p in voc.fraction_cues):
            for j in range(i + 1, min(i + 7, len(toks))):
                n = _number(toks[j])
                if n is not None and n[0] > 1:
                    fractions.append((i, 1.0 / n[0]))
                    break
        if t == "10" and i + 3 < len(toks) and toks[i + 1] == "^" and toks[i + 2] in ("-", "−") and toks[i + 3].isdigit():
            fractions.append((i, 10.0 ** -int(toks[i + 3])))
    out = []

    def apart(p: tuple[int, float], i: int) -> int:
        """How far a percentage stands from the fraction at `i`, a bracket between drawing them together ("above
        0.2% ... that 10^-3 (0.1%) entry level": the 0.1% is the one stated with it, heldout24 c055)."""
        lo, hi = sorted((p[0], i))
        return abs(p[0] - i) - (3 if "(" in toks[lo:hi + 1] else 0)

    for i, f in fractions:
        near = min(percents, key=lambda p: apart(p, i), default=None)
        if near is not None and abs(near[0] - i) <= 6:  # (stated together: "0.01% (10^-4)", "10^-4 (0.01%)")
            out.append((near[1], f))
    return tuple(out)


def _denied(toks: list[str], i: int, voc: Vocabulary, end: int | None = None) -> bool:
    """A negation cue right before a treatment (tokens i..end), or before its article or a modifier ("without a
    TKI", "no TKI", "not a TKI", "no prophylactic TKI"); not one that denies only a name ("without a named TKI", "no
    TKI named").

    >>> voc = claim_vocabulary()
    >>> _denied(tokens("and no prophylactic tki"), 3, voc), _denied(tokens("without a named tki"), 3, voc)
    (True, False)
    >>> _denied(tokens("no tki named, no doses"), 1, voc, 2)
    False
    """
    j = i
    while j and (toks[j - 1] in voc.denial_skip or toks[j - 1] in ("a", "an", "any", "the")):
        j -= 1
    if j and toks[j - 1] in voc.denial_unspecified or end is not None and end < len(toks) \
            and toks[end] in voc.denial_unspecified_after:
        return False
    return _ends_at(toks, j, voc.negation)


def _stops(toks: list[str], voc: Vocabulary) -> bool:
    """The sentence makes a duration the end of treatment ("after which it should be stopped", "JSH recommends
    stopping it at 5 years"), not denied ("does not recommend stopping at 5 years")."""
    return any(not _near_before(toks, i, voc.negation, 3) for i, _ in _find(toks, voc.stop_after))


#: Stances on giving a treatment: a test named in their condition ("not recommended when MRD is negative") is the
#: condition, not what the stance is about.
_GIVING = frozenset({"recommended", "not_recommended", "option", "required", "not_required"})


def _unconditioned(inside: list[Any], toks: list[str], a: int, b: int, stance: str | None,
                   voc: Vocabulary) -> list[Any]:
    """The clause's mentions without those its condition names, when its stance is on giving a treatment (heldout12
    c008: "... not recommending prophylactic maintenance when MRD is negative" is no stance on MRD testing)."""
    if stance not in _GIVING:
        return inside
    # (a treatment after "when" is no condition: "uses MRD to decide whether and when to perform allo-HSCT")
    cond = {id(m) for m in _after_cue(inside, toks, a, b, voc.condition_clauses) if m.kind not in TREATMENT_KINDS}
    return [m for m in inside if id(m) not in cond]


def _subjects(inside: list[Any], quals: tuple[Qualifier, ...], voc: Vocabulary) -> tuple[str, ...]:
    """The clause's subjects: those it names, else the one its values measure ("in B-lineage ALL the adverse threshold
    is >100×10^9/L": a count of cells is the white cell count)."""
    named = tuple(dict.fromkeys(m.concept for m in inside if m.kind in SUBJECT_KINDS))
    return named or tuple(dict.fromkeys(voc.unit_subjects[q.unit] for q in quals if q.unit in voc.unit_subjects))


def _ending(quals: tuple[Qualifier, ...], stops: bool) -> tuple[Qualifier, ...]:
    """A duration the treatment stops at is an upper bound ("for 5 years, after which it should be stopped")."""
    if not stops:
        return quals
    return tuple(Qualifier(kind=q.kind, op="<=", value=q.value, unit=q.unit) if q.kind == "duration" and q.op in (
        "=", "~", ">=") else q for q in quals)


def _most_specific(concepts: Any) -> tuple[str, ...]:
    """The treatments named, without a class when one of its members is named too ("ponatinib as the first-line
    TKI" is about ponatinib)."""
    named = list(dict.fromkeys(concepts))
    return tuple(c for c in named if not any(c in broader_chain(o)[1:] for o in named if o != c))


def _trial_clauses(toks: list[str], spans: list[tuple[int, int]], trials: bool, voc: Vocabulary) -> list[bool]:
    """Which clauses speak in a trial's voice: all, when the sentence names a trial, except where it is named only in
    concessions after another clause ("..., although TOWER itself enrolled B-ALL"): then only those."""
    named = [bool(TRIAL_RE.search(" ".join(toks[a:b]))) for a, b in spans] if trials else []
    if any(named) and not all(named) and all(toks[a] in voc.concessive_clauses and a > 0
                                             for (a, _), n in zip(spans, named) if n):
        return named
    return [trials] * len(spans)


def _attribution(toks: list[str], a: int, b: int, voc: Vocabulary, trials: bool) -> frozenset[str]:
    """Whose position a clause reports; a name the clause denies ("trial evidence rather than a JSH
    recommendation", "not JSH wording") is not its voice."""
    part = toks[a:b]
    hits = [(i, i + len(p), name) for name, group in voc.attribution.items() for i, p in _find(part, group)]
    kept = [(i, j, name) for i, j, name in hits
            if not _near_before(part, i, voc.denied_attribution, 2)
            and not any(x <= i and j <= y and (y - x) > (j - i) and n != name for x, y, n in hits)]
    out = {name for _, _, name in kept}
    others = [i for i, _, n in kept if n == "other_guideline"]
    if others and all(tuple(part[i:j]) in voc.generic_guideline and any(0 < i - o <= 8 for o in others)
                      for i, j, n in kept if n == "jsh"):
        out.discard("jsh")  # ("the JSHCT adult ALL guideline categorises X as S": the guideline named is the JSHCT's;
        # not "the guideline cites the JSHCT registry analysis", where the guideline comes first)
    if trials:
        out.add("trial")
    return frozenset(out)


def _setting(toks: list[str], a: int, b: int, voc: Vocabulary) -> str | None:
    hits = {name for name, group in voc.setting.items() if _find(toks[a:b], group)}
    return next(iter(hits)) if len(hits) == 1 else None
