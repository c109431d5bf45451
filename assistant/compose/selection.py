"""What goes into an answer, decided once before any line is written: the rules that apply and their order, the
guideline's own yes/no lines, whether the yes/no leads, the branches shown when facts are missing, the trial the
question names. The composers read this `DraftPlan`; none of them decides it again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from assistant.claims import broader_chain, read_claims
from assistant.compose.branches import compared_leads, deciding_branches, other_side_facts
from assistant.compose.cues import cue, says, without
from assistant.compose.intents import (
    asks_harms,
    asks_indication,
    is_definition_question,
    knowledge_question,
    list_items,
    named_trials,
    question_parts,
)
from assistant.compose.sentences import (
    _FACT_TOKENS,
    _SETTING,
    _STATUS_GENERIC,
    _TAG_WORDS,
    _status_line,
    _stems,
    corpus_wide,
    status_sentences,
)
from assistant.compose.subject import asking_sentences, names_harm, on_subject, related_treatments, status_of_named
from assistant.concepts import TREATMENT_KINDS, concept_ids, load_lexicon, read_concepts, sentences, treatments_in
from assistant.facts import (
    about_a_patient,
    asks_after_transplant,
    assumed,
    compared_groups,
    compares_transplant,
    group_segments,
    read_facts,
    supposed_mrd,
    supposed_phase,
)
from assistant.models import Chunk, PatientFacts, RetrievedChunk, RuleFinding
from assistant.rules import applicable_rules, missing_facts, statement_chunk
from assistant.rules.fit import misfit_reasons, wrong_disease
from assistant.rules.logic import (
    GuidelineRule,
    RuleBook,
    deciding_rules,
    hearsay_sentence,
    is_branch,
    is_specific,
    normalize,
)
from assistant.rules.relevance import addressed, asked_concerns, asked_treatments
from assistant.text import TRIAL_RE, after_number, chunk_sentences, first_of, first_word, term_at, tokenize, trial_keys

if TYPE_CHECKING:
    from assistant.compose.intents import Intents
    from assistant.plan import QuestionPlan

__all__ = ["PH_GROUPS", "DraftPlan", "Sources", "plan_draft", "fact_label", "related_treatments", "trial_rules", "described_trial",
           "asked_topics"]


#: A Ph status -> the concept naming that group.
PH_GROUPS = {"positive": "ph_positive", "negative": "ph_negative"}


@dataclass(frozen=True)
class Sources:
    """What may be quoted: the retrieved chunks in rank order, every citable chunk (`chunks`: the retrieved ones
    plus the sections of applicable rules and named trials), the rule book, and the corpus's rare-term test."""

    retrieved: Sequence[RetrievedChunk]
    chunks: Sequence[Chunk]
    book: RuleBook
    rare: Callable[[str], bool] | None = None
    # (retrieval for a text in a patient's setting: a part of a several-part question ranks its own sections, "…, and
    # if she relapses later what medicines are there?" the relapse ones, r93 q33)
    search: Callable[[str, PatientFacts], Sequence[RetrievedChunk]] | None = None

    def top(self, n: int) -> list[Chunk]:
        return [r.chunk for r in self.retrieved[:n]]


@dataclass
class DraftPlan:
    """The question plan, the patient, and the decisions every composer reads."""

    question: QuestionPlan
    facts: PatientFacts
    notes: Sequence[str] = ()
    plain: bool = False
    rules_only: bool = False
    premise: Sequence[GuidelineRule] = ()
    grades: list[str] = field(default_factory=list)
    asked: bool = False
    status: list[tuple[str, Chunk]] = field(default_factory=list)
    chosen: list[GuidelineRule] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_ph: bool = False
    deciding: list[str] = field(default_factory=list)  # missing facts whose branches came from the deciding table
    forks: list[GuidelineRule] = field(default_factory=list)  # the branches shown because a fact is missing
    for_parts: list[GuidelineRule] = field(default_factory=list)  # chosen for one part (or one Ph group) asked
    named: frozenset[str] = frozenset()
    named_found: bool = False
    named_trial: Chunk | None = None
    trial_first: bool = False
    trial_chunks: list[Chunk] = field(default_factory=list)
    findings: list[RuleFinding] = field(default_factory=list)
    unruled: list[str] = field(default_factory=list)  # the asked treatments, when no rule names any of them

    @property
    def q(self) -> str:
        """The text the answer is drafted from (the question's focus)."""
        return self.question.focus

    @property
    def intents(self) -> Intents:
        return self.question.intents

    @property
    def harms_only(self) -> bool:
        """The question asks a treatment's harms and not the guideline's position on it ("…then allo-HSCT: what side
        effects to watch?"): no patient fact forks the answer, and its lines are the ones naming harms."""
        return self.intents.harms and not self.intents.position and not self.intents.indication and not (
            self.intents.evidence or self.intents.why) and not any(  # ("why that regimen? its side effects scare us")
            _asks_of_a_treatment(p) for p in self.intents.parts if not asks_harms(p))  # ("new antibody drugs: what
        # are they, and their side effects?" asks what they are too, rja48 y21; "must I stay in hospital?" does not)

    @property
    def closed(self) -> bool:
        """Only rules may follow (a topic the corpus does not cover, a refusal's short answer, or a patient asking
        about their own treatment once their guideline points are in)."""
        return self.rules_only or self.plain

    @property
    def wants_trials(self) -> bool:
        """Trial results belong in the answer: the question asks for evidence, names a trial or asks about the
        guideline rather than a patient. A patient's case answered by its rules gets no trial numbers as padding
        (reviews: "Ph+ALL202's median age 45" for a 70-year-old asking if she is too old)."""
        it = self.intents
        return it.evidence or it.trial_named or not about_a_patient(self.q, self.facts)

    @property
    def first(self) -> list[GuidelineRule]:
        """The rules a false premise contradicts: they answer "no" first."""
        return [r for r in self.chosen if r in self.premise]

    def other_trial(self, chunk: Chunk) -> bool:
        """The question names its trial and this evidence chunk is about another one."""
        return self.named_found and chunk.tier == "evidence" and not trial_keys(chunk.title) & self.named

    def other_ph_group(self, chunk: Chunk) -> bool:
        """The document is about the Ph group the patient is not in: its title names only the other one (a Ph-positive
        registry's caveats answer no Ph-negative CR2 question, rja57 q31)."""
        own = PH_GROUPS.get(self.facts.ph_status or "")
        groups = frozenset(PH_GROUPS.values()) & concept_ids(chunk.title.lower())
        return own is not None and bool(groups) and own not in groups

    def names_other_trial(self, sentence: str) -> bool:
        """The question names its trial and this sentence quotes another trial's numbers."""
        return self.named_found and TRIAL_RE.search(sentence) is not None and not trial_keys(sentence) & self.named

    def names_other_treatment(self, sentence: str) -> bool:
        """The question names its treatments, the leading rules name them too, and this sentence is about others only
        ("does blinatumomab work?": TOWER answers, INO-VATE does not; "the trial behind that, and rituximab?" asks
        of a treatment no rule names, so the earlier answer's trial still answers)."""
        ruled = self.ruled_treatments(2)
        asked = {a for a in treatments_in(self.question.text) if any(related_treatments(a, c) for c in ruled)}
        named = treatments_in(sentence)
        return bool(asked and named) and not any(related_treatments(a, n) for a in asked for n in named)

    @cached_property
    def lay(self) -> bool:
        """A patient or a relative asks (the lexicon's reading of who asks, or the question's own language's)."""
        if self.question.lay is not None:
            return self.question.lay
        # (or a clinician asks how to put it to a patient: "how should I explain to a patient why ...?")
        return read_concepts(self.question.question.lower()).asker in ("patient", "relative") or says(
            self.question.question, "explain_to_patient")

    @cached_property
    def treatments_asked(self) -> list[str]:
        """The treatments the question asks about (`asked_treatments`, read once for every composer)."""
        return asked_treatments(self.q)

    def off_unruled(self, text: str) -> bool:
        """The question asks only about treatments the guideline names nowhere (rituximab) and `text` names none of
        them: a line on something else answers nothing asked, and the refusal says so by name (r47 k30, rja43 t15)."""
        said = concept_ids(text.lower())
        return bool(self.unruled) and not any(addressed(c, said) for c in self.unruled)

    @cached_property
    def unfit(self) -> frozenset[str]:
        """The treatments asked about that the patient is not for (CAR-T at 40: `misfit_reasons`)."""
        return frozenset(misfit_reasons(self.q, self.facts))

    def harm_of_unfit(self, text: str) -> bool:
        """`text` names a harm and only treatments the patient is not for (CAR-T's CRS for a patient of 40 who asks
        about the antibodies' side effects and whether CAR-T is possible: rja48 y21)."""
        named = treatments_in(text)
        return bool(self.unfit and named) and names_harm(text) and all(
            any(related_treatments(n, u) for u in self.unfit) for n in named)

    def other_status(self, text: str) -> bool:
        """`text` is a status line the question does not ask for: where a treatment stands that the question does
        not name ("nelarabine is not listed for B-ALL" beside a question on the next TKI after T315I,
        `status_of_named`), or what the sources lack that the question does not ask ("no doses or schedules", "no
        grade or CQ number" beside "how long should TKI maintenance go?")."""
        if says(text, "source_lacks") and not says(self.question.text, "asks_limits") and any(
                says(text, gap) and not (says(self.q, gap) or says(self.question.text, gap)) for gap in _GAPS):
            return True
        return _status_line(text) and not status_of_named(text, self.q)

    def defines_unasked(self, text: str, *, meaning: bool = False) -> bool:
        """`text` defines a term ("Ph-positive ALL is defined by the BCR::ABL1 fusion"; with `meaning`, also says what
        a term means: "Allo-HSCT means ...") for a question that asks no meaning: no filler (r52 q04/q05; a
        clinician's transplant timing, rja52 e02)."""
        claims = read_claims(text)
        return not self.intents.definition and (bool(claims) and claims[0].defines
                                                or meaning and says(text.split(",")[0], "definition_line"))

    def ruled_treatments(self, top: int | None = None) -> set[str]:
        """The treatment concepts the chosen rules' statements name (the first `top` rules, or all)."""
        return set().union(*(treatments_in(r.statement) for r in self.chosen[:top]))

    def candidates(self, pool: Sources, top: int) -> list[Chunk]:
        """The top retrieved chunks and the pool, once each, without another trial than the named one."""
        unique = {c.chunk_id: c for c in [*pool.top(top), *pool.chunks]}
        return [c for c in unique.values() if not self.other_trial(c)]


def fact_label(field_name: str) -> str:
    return {
        "ph_status": "Ph status", "age_band": "age", "age": "age", "lineage": "B or T lineage",
        "cd19": "CD19 expression", "cd22": "CD22 expression", "phase": "disease phase",
        "mrd_status": "MRD result", "transplant": "transplant status", "mrd_level_pct": "MRD level",
    }.get(field_name, field_name)


@dataclass(frozen=True)
class _Subject:
    """What the asking clause is about, as stems, and the rare ones among them."""

    terms: set[str]
    rare: set[str]
    duration: bool
    within: dict[str, frozenset[str]] = field(default_factory=dict)  # rare term -> the concepts it is written in

    def named_by(self, rule: GuidelineRule) -> bool:
        """The rule's statement names what was asked: all of its rare terms ("D-ALBA"), or two of its terms; for
        "how long?", a duration. A rare term written inside a concept's phrase is named by the concept
        ("HD-MTX-containing regimen?" by "a regimen that includes high-dose methotrexate (HD-MTX)", rja97 q20)."""
        if self.duration and not _states_duration(rule.statement):
            return False
        stmt = _statement_terms(rule)
        if self.rare:  # (word forms: "continue" is named by "continuing")
            named = concept_ids(rule.statement.lower()) if self.within else set()
            return all(any(w == t or (len(t) > 5 and w[:6] == t[:6]) for w in stmt) or self.within.get(t, set()) & named
                       for t in self.rare)
        return len(stmt & self.terms) >= max(1, (len(self.terms) + 1) // 2)


def _states_duration(statement: str) -> bool:
    """ "2 years", "6 months", "12weeks", or the word "duration".

    >>> _states_duration("continue for 2 years"), _states_duration("a 2-year course"), _states_duration("for years")
    (True, False, False)
    """
    if term_at(statement, "duration", fold=False) >= 0:
        return True
    return any(after_number(statement, "*" + unit, bounded=True) for unit in ("year", "years", "month", "months", "week", "weeks"))


def _statement_terms(rule: GuidelineRule) -> set[str]:
    return _stems(set(tokenize(rule.statement)))


def _names_treatment(rule: GuidelineRule, asked: Sequence[str]) -> int:
    """How closely the rule's statement names the treatments (or the marker) asked about: 2 for a treatment itself
    ("cranial irradiation"), 1 for one of its class or an alternative of it (CNS prophylaxis), 0 for none."""
    named = concept_ids(rule.statement.lower())
    return max((2 if c in named else 1 if addressed(c, named) else 0 for c in asked), default=0)


def _by_priority_within_population(rules: list[GuidelineRule], key: Callable[[GuidelineRule], Any]) -> list[GuidelineRule]:
    """Rules on the same population (the same conditions) that name the asked treatment alike, in the rule book's
    priority order where they stand: "TKI plus a corticosteroid" (induction, priority 85) before "RIC allo-HSCT and/or
    maintenance" (70) for a patient of 65 or older, whichever shares more words with the question."""
    out = list(rules)
    groups: dict[tuple[str, Any], list[int]] = {}
    for i, r in enumerate(out):
        groups.setdefault((repr(sorted(r.when.items())), key(r)[0]), []).append(i)
    for places in groups.values():
        members = sorted((out[i] for i in places), key=lambda r: -r.priority)
        for i, r in zip(places, members, strict=True):
            out[i] = r
    return out


_AGE_ORDER = ("aya", "40-64", "65+")


def _age_rank(rule: GuidelineRule, facts: PatientFacts) -> int:
    """With the patient's age unknown, age branches in the algorithm's order (the younger groups' rule before the
    65-or-older one); 0 for a rule on no age group or a patient whose age is known."""
    band = rule.when.get("age_band")
    if facts.age_band is not None or not band:
        return 0
    bands = [band] if isinstance(band, str) else list(band)
    return min((_AGE_ORDER.index(b) for b in bands if b in _AGE_ORDER), default=0)


def _specialised_first(rules: list[GuidelineRule],
                       rank: Callable[[GuidelineRule], tuple[int, bool, int, int, bool]] | None = None
                       ) -> list[GuidelineRule]:
    """A rule that specialises another applicable one (its conditions plus a finding, such as MRD-positive) comes
    before it: the exception for this patient before the default it qualifies — unless the default names the
    treatment asked about and the specialised rule does not (`rank`: "does he need cranial irradiation?" for a
    patient in CR1 is answered by the cranial irradiation line, not by the CR1 rule)."""
    out = list(rules)
    for _ in range(len(out)):
        moved = False
        for i, a in enumerate(out):
            j = next((j for j in range(i + 1, len(out)) if set(out[j].when) > set(a.when)
                      and all(out[j].when[k] == v for k, v in a.when.items())
                      and (rank is None or rank(out[j])[0] <= rank(a)[0])), None)
            if j is not None:
                out.insert(i, out.pop(j))
                moved = True
                break
        if not moved:
            break
    return out


def _subject(plan: DraftPlan, rare: Callable[[str], bool] | None, asking: str | None = None) -> _Subject:
    """What the asking clause (or `asking`, one part of the question) is about."""
    asking = plan.intents.asking if asking is None else asking
    # (past induction courses of a relapsed or refractory patient are history, not the subject)
    keep = {"mrd", "maintenance", "allo_hsct"} | ({"induction"} if plan.facts.phase in (None, "newly_diagnosed")
                                                  else set())
    people = {t for m in read_concepts(asking.lower()).mentions if m.kind == "person"
              for t in tokenize(m.surface)}  # ("my brother", "the doctors": who, not what)
    terms = _stems(set(tokenize(asking)) - _STATUS_GENERIC - _TAG_WORDS - people
                   - set(cue("proposal_framing")) - ((_FACT_TOKENS | _SETTING) - keep))
    rares = {t for t in terms if rare is not None and rare(t)}
    within: dict[str, set[str]] = {}
    for m in read_concepts(asking.lower()).mentions:
        if m.kind in TREATMENT_KINDS:
            for t in _stems(set(tokenize(m.surface))) & rares:
                within.setdefault(t, set()).add(m.concept)
    return _Subject(terms, rares, plan.intents.duration, {t: frozenset(c) for t, c in within.items()})


def _part_subjects(plan: DraftPlan) -> list[_Subject]:
    """What each part of a several-part question is about, by all its terms ("(1) why is MRD important ..., (3)
    which assay does JSH prefer?": the MRD rules answer the first part, r64 q26); none for a one-part question."""
    parts = plan.intents.parts
    return [_subject(plan, None, p) for p in parts] if len(parts) > 1 else []


def _order_rules(plan: DraftPlan, subject: _Subject, sure: list[GuidelineRule],
                 maybe: list[GuidelineRule], pool: Sources) -> tuple[list[GuidelineRule], list[GuidelineRule]]:
    """The rule that names what was asked ("cranial irradiation") before the rules that frame it, and the rule
    about this patient's own finding (MRD 0.1%) before the default it qualifies; the premise's rule first. Among
    rules that name the asked subject alike, the guideline's own statements before those this corpus cites from a
    context document ("ponatinib is a third-generation TKI ..." after "a later-generation TKI can be considered")."""
    lex, known = load_lexicon(), {**plan.facts.model_dump(), **assumed(plan.facts)}
    # (a treatment asked about that the patient's facts rule out — CAR-T for T-ALL — is answered by the patient's
    # own rules first: its lines do not lead)
    # (of the first part of the question: "what induction, and should she be transplanted?" is answered in order)
    first = (question_parts(plan.intents.asking or plan.q) or [plan.q])[0]
    mentions = read_concepts(first.lower()).mentions
    named = asked_treatments(first)
    if mentions and mentions[0].kind == "phase_of_treatment" and mentions[0].concept not in named:
        named = []  # ("induction, and is a transplant possible?": the induction part first)
    asked = [c for c in named if c not in lex.concepts or not any(
        k in known and known[k] not in (None, v) for k, v in lex.concepts[c].fits.items())]
    # (and a marker the asking clause turns on that is not the patient's finding: "does she need CNS
    # prophylaxis?" is led by the CNS rule; "CD19+ ..., CAR-T?" is not led by every CD19 line)
    asked += [m.concept for m in mentions
              if m.kind == "marker" and m.concept not in _FACT_MARKERS and not m.other_person
              and known.get(_MARKER_FACTS.get(m.concept, "")) in (None, [])] if asked == [] else []

    # (a drug the patient has had and relapsed after, "second relapse after blinatumomab", is not what leads: the
    # rule for another drug first, as the guideline chooses salvage in light of the treatment received, rja30 w08)
    given = read_concepts(plan.q.lower()).given(kind="drug")

    def key(r: GuidelineRule) -> tuple[int, bool, bool, bool, int, int, bool]:
        chunk = statement_chunk(r, pool.chunks)
        # (a context-cited rule about the patient's own finding, "ponatinib ... T315I", still leads)
        context = chunk is not None and chunk.tier != "guideline" and not any(
            k not in ("ph_status", "lineage", "phase") and getattr(plan.facts, k) not in (None, []) for k in r.when)
        names = _names_treatment(r, asked)  # (among rules naming the asked treatment, the guideline's own first)
        # (and among those, the one stating the position before one saying what the summary does not give: "allo-HSCT
        # in CR1 is recommended" before "no MRD level at which it can be omitted")
        silent = names > 0 and says(r.statement, "summary_silent")
        had = bool(given) and bool(given & concept_ids(r.statement.lower()))
        return (-names, had, context and names > 0, silent, _age_rank(r, plan.facts),
                -len(_statement_terms(r) & subject.terms), context)

    sure = _specialised_first(sorted(sure, key=key), key) if subject.terms else sorted(sure, key=key)
    sure, maybe = _by_priority_within_population(sure, key), sorted(maybe, key=key)
    plan.chosen = [r for r in plan.premise[:2] if not plan.rules_only or r in sure]  # the "no" first
    # (four lines at most; a rule whose statement one chosen already says adds no line and takes no place: the
    # general MRD threshold beside this patient's, so "consider allo-HSCT" is kept, r85 q07)
    first: dict[str, GuidelineRule] = {}
    for rule in sure:
        first.setdefault(rule.statement, rule)
    distinct, said = list(first.values())[:4], {r.statement for r in plan.chosen}
    plan.chosen += [r for r in distinct if r.statement not in said]
    return sure, maybe


#: Concept kinds that set the scene (the phase, the disease, the source, the population) rather than a subject.
_SETTING_KINDS = frozenset({"phase", "disease", "source", "population", "phase_of_treatment", "meta"})


def _without_framing(plan: DraftPlan) -> list[GuidelineRule]:
    """When the question asks about a treatment and a chosen rule names it, the rules that name no treatment and
    share only the setting with the question ("choose the regimen in light of prior treatment" for relapse) are
    framing, not the answer: left out, so the asked rule is not buried and paraphrases that name the same
    treatment get the same rules. A rule about the question's own finding (MRD) stays."""
    asked = asked_treatments(plan.q)
    lex = load_lexicon()
    named = {r.id: concept_ids(r.statement.lower()) for r in plan.chosen}
    options = (says(plan.q, "options_question") and not plan.missing
               and any(lex.concepts[c].kind in TREATMENT_KINDS for r in plan.chosen for c in named[r.id]
                       if c in lex.concepts))
    if not options and not any(addressed(c, named[r.id]) for r in plan.chosen for c in asked):
        return plan.chosen  # ("which options?" is answered by the rules that name a treatment)
    own = {x for c in plan.question.concepts if c in lex.concepts and lex.concepts[c].kind not in _SETTING_KINDS
           for x in broader_chain(c)}  # ("flow MRD" is MRD)
    # (a rule whose claims are about a treatment names it, whatever its words: "no standard therapy has been
    # established" at 65+ is about intensive chemotherapy, the answer to "will the chemo be too much?", r56 k25)
    return [r for r in plan.chosen if r in plan.premise or named[r.id] & own  # (the patient's own finding: MRD)
            or _decides_missing(r, plan)  # (what decides between the branches shown)
            or any(lex.concepts[c].kind in TREATMENT_KINDS for c in named[r.id] if c in lex.concepts)
            or any(lex.concepts[c].kind in TREATMENT_KINDS for a in r.asserts for c in a.about if c in lex.concepts)]


def _on_the_asked_topic(plan: DraftPlan, chosen: list[GuidelineRule]) -> list[GuidelineRule]:
    """A case, then a question on one topic ("38M Ph- CR1 ... Consultant wants routine cranial RT. What does JSH
    say?"): when two or more chosen rules are on the asking clause's topic (their `topics` match it), the patient's
    rules on other topics (the CR1 transplant decision) answer another question: left out. A premise's rule and a
    rule on the question's own finding (MRD) stay; a question asking one clause is its own topic already."""
    said_all = sentences(plan.q)
    if len(said_all) < 2 or plan.missing or plan.forks:
        return chosen
    asking = plan.intents.asking if plan.intents.asking not in ("", plan.q) else said_all[-1]
    if len(plan.intents.parts) >= 2:  # (every part asks: "... What does JSH want up front, is he headed for
        asking = " ".join(plan.intents.parts)  # transplant, and what if MRD turns up after it?", r68 q01)
    if not _asked_topics_in(asking):  # "... wants routine cranial RT for everyone. What does JSH say?": the
        # sentence it asks about is the topic (the nearest before it that names one: not "worried about cognition")
        before = sentences(plan.q[:plan.q.rfind(asking)])
        said_before = next(([b] for b in reversed(before) if _asked_topics_in(b)), before[-1:])
        asking = " ".join([*said_before, asking])
    said = normalize(asking)
    on = [r for r in chosen if r.topical(said)]
    if len(on) < 2:
        return chosen
    lex = load_lexicon()  # (a rule on the question's own finding, "MRD 0.3%: high risk", stays; and one on a
    # treatment the asking clause names: "wants to skip transplant and do blina" keeps the CR1 transplant rule)
    own = {c for c in _asked_topics_in(plan.q, given=True) if lex.concepts[c].kind not in TREATMENT_KINDS
           and not (c in _ANTIGENS and getattr(plan.facts, _MARKER_FACTS[c]) is not None)}
    # (an antigen the patient is stated to express is eligibility, not a finding with rules of its own: "CD19+
    # relapse after HSCT, CAR-T at 25?" is not answered with the CD19 antibody's rule too)
    own |= {c for c in concept_ids(asking.lower()) if c in lex.concepts and lex.concepts[c].kind == "procedure"}
    return [r for r in chosen if r in on or r in plan.premise or concept_ids(r.statement.lower()) & own]


#: Markers that are patient facts (the branch a rule is on), not what a question asks about.
_FACT_MARKERS = frozenset({"ph_positive", "ph_negative", "ph_unknown", "b_lineage", "t_lineage"})
#: Target antigens: a patient's result is eligibility for the drugs aimed at them.
_ANTIGENS = frozenset({"cd19", "cd22"})
#: The patient fact a marker concept sets, when the question states it (then it is the patient's, not the subject).
_MARKER_FACTS = {"cd19": "cd19", "cd22": "cd22", "mrd": "mrd_status", "t315i": "t315i"}


def asked_topics(plan: DraftPlan) -> set[str]:
    """The concepts the question asks about (a test, a drug, a procedure), not its setting, its patient's Ph
    status or lineage, nor a treatment already given ("in remission after the first chemo")."""
    return _asked_topics_in(plan.q)


def _asked_topics_in(text: str, *, given: bool = False) -> set[str]:
    """The concepts a text asks about (a test, a drug, a procedure), not its setting, its patient's Ph status or
    lineage, nor (unless `given`) a treatment already given ("in remission after the first chemo"): none in "What
    does JSH say?"."""
    lex = load_lexicon()
    return {m.concept for m in read_concepts(text.lower()).mentions
            if not m.other_person and (given or not m.historical) and m.concept in lex.concepts
            and lex.concepts[m.concept].kind not in _SETTING_KINDS | {"person", "lineage", "concern"}
            and m.concept not in _FACT_MARKERS}


def _on_topic(plan: DraftPlan, maybe: list[GuidelineRule]) -> list[GuidelineRule]:
    """A question that asks what something means or whether a statement holds ("MRD 0.5%: what does that mean?",
    "0.05% counts as MRD-negative, right?"), not what treatment the patient gets: a rule shown only because a fact
    is missing (the age band's regimen) is an answer to another question unless it names what was asked."""
    it = plan.intents
    topics = asked_topics(plan)
    means = says(it.asking or plan.q, "meaning_words")  # (the asking clause's own words, not an earlier turn's)
    if _plan_question(plan) or not topics or not (means or it.definition or plan.premise or plan.asked):
        return maybe
    return [r for r in maybe if topics & concept_ids(r.statement.lower())]


def compared_sides(question: str, facts: PatientFacts, book: RuleBook,
                   sections: Sequence[str] = ()) -> list[list[GuidelineRule]]:
    """The rules of each group the question sets side by side: those naming the treatment it asks about, for each
    group ("how does the place of allo-HSCT differ between Ph-positive and Ph-negative ALL?", rja76 q27), else each
    group's leads (`compared_leads`)."""
    groups = [g for g in compared_groups(question) if all(getattr(facts, k) is None for k in g)]
    known = facts.model_copy(update=assumed(facts))
    return _treatment_sides(question, groups, known, book) or compared_leads(question, facts, book, sections)


def _treatment_sides(question: str, groups: list[dict[str, Any]], known: PatientFacts,
                     book: RuleBook) -> list[list[GuidelineRule]]:
    """For each group compared, the rules naming the treatment asked about that are for that group; [] unless two
    groups have some."""
    asked = asked_treatments(question)
    if not asked or len(groups) < 2:
        return []
    sides = [[r for r in _rules_naming_asked(asked, known.model_copy(update=g), book) if set(r.when) & set(g)][:3]
             for g in groups]
    return sides if sum(map(bool, sides)) >= 2 else []


def rules_naming(book: RuleBook, concept: str) -> list[GuidelineRule]:
    """The rules whose statement names the treatment itself (not only its class)."""
    return [r for r in book.rules if _names_treatment(r, [concept]) == 2]


def indication_rules(question: str, facts: PatientFacts, book: RuleBook) -> list[GuidelineRule]:
    """ "Who (when) is blinatumomab used for?": the rules that name the drug asked about are its indication, shown
    as branches whatever the patient's facts leave open (not those the facts rule out)."""
    if not asks_indication(question):
        return []
    return _rules_naming_asked(asked_treatments(question), facts, book)


def _rules_naming_asked(asked: Sequence[str], facts: PatientFacts, book: RuleBook) -> list[GuidelineRule]:
    """The rules whose statements name an asked treatment itself, not only on a topic, and not ruled out by the
    facts."""
    return [r for r in book.rules if _names_treatment(r, asked) == 2 and not r.requires_topic and not r.exclusive
            and r.condition(facts) is not False]


def _plan_question(plan: DraftPlan) -> bool:
    """A question about what treatment a patient gets ("what's the plan?", "which of the new drugs?"), not about
    the guideline in general, a trial or a grade."""
    it = plan.intents
    # ("does he really need / have to have a transplant?" asks whether he gets the treatment it names)
    # (not the treatment the patient is on now: "my son is on treatment for ALL. what is MRD?")
    # ("what should we monitor around the transplant?" asks what to watch, not whether to transplant, rja89 q17)
    asks = says(without(plan.q, "treatment_state"), "plan_question") or (
        (says(plan.q, "necessity") or says(plan.q, "decision_question")) and bool(asked_treatments(plan.q))
        and not says(plan.intents.asking or plan.q, "asks_cautions"))
    # ("my father is 75 and was just diagnosed. What does the guideline say?": what it says for him is his plan)
    asks = asks or (about_a_patient(plan.q, plan.facts) and says(plan.q, "asks_what_said")
                    and says(plan.q, "guideline_source") and says(plan.q, "say_words"))
    # (a definition asked beside a plan part, "T315I found. What does that mean? Will his medicine change?", is one
    # part of a plan question)
    defines = it.definition and not any(says(p, "plan_question") and not is_definition_question(p) for p in it.parts[1:])
    return (asks and not knowledge_question(plan.q, plan.facts) and not it.trials
            and not it.grades and not defines and not plan.rules_only and not _side_effect_question(plan))


def _about_asked(plan: DraftPlan, leads: list[GuidelineRule],
                 deciding: list[str]) -> tuple[list[GuidelineRule], list[str]]:
    """A question about a treatment it names ("can she get CAR-T?") is answered by the branches that name it:
    a deciding fact whose branches are all about other treatments does not change that answer, and is not asked
    for (CAR-T does not depend on the Ph status)."""
    asked = asked_treatments(plan.q)
    if not asked:
        return leads, deciding
    kept = [r for r in leads if any(addressed(c, concept_ids(r.statement.lower())) for c in asked)]
    if not kept:
        return [], []
    return kept, [m for m in deciding if any(m in r.when for r in kept)]


def _rule_answers_proposal(plan: DraftPlan, sure: Sequence[GuidelineRule]) -> bool:
    """A patient's case and a treatment the question asks about (a proposal to check: "the doctors say he should
    get a transplant, is that what the guidelines say?"), and a rule specific to the patient names it: that rule
    is the yes or no, not a line about what the guideline leaves unsaid around it."""
    if not about_a_patient(plan.q, plan.facts):
        return False
    asked = asked_treatments(plan.q)
    return bool(asked) and any(is_specific(r, plan.facts) and any(addressed(c, concept_ids(r.statement.lower()))
                                                                   for c in asked) for r in sure)


def _confirmed_rules(plan: DraftPlan, book: RuleBook) -> set[str]:
    """The rules the claim the question puts to be confirmed agrees with ("if MRD-negative after the transplant, no
    prophylactic TKI, is that right?" about no patient: the rule it restates is the answer, rja108 q30)."""
    from assistant.rules.frames import agreeing_rules, question_claims

    return {rid for c, sf in question_claims(plan.q) if sf.tagged or sf.confirms or sf.yes_no
            for rid in agreeing_rules(c, book, plan.facts)}


def _names_asked(rule: GuidelineRule, asked: Sequence[str]) -> bool:
    said = concept_ids(rule.statement.lower())
    return any(addressed(c, said) for c in asked)


def _on_asked(plan: DraftPlan, maybe: list[GuidelineRule], book: RuleBook) -> list[GuidelineRule]:
    """A question about a treatment it names ("is inotuzumab recommended for him?", "is CAR-T an option?") that a
    rule answers, for this patient or as a branch: the branches about other treatments (a later TKI if Ph-positive, blinatumomab if CD19-positive) do not change
    that answer, and are neither shown nor asked for."""
    asked = asked_treatments(plan.q)
    own = [r for r in book.rules if _names_asked(r, asked) and not r.requires_topic] if asked and maybe else []
    if own and not any(_names_asked(r, asked) for r in [*plan.chosen, *maybe]) and all(
            r.condition(plan.facts) is False for r in own):
        return []  # ("T-ALL ... nelarabine from first-line?": a treatment the guideline gives only elsewhere (relapse)
        # is answered by its lines there, not by the first-line branches by age, which name other treatments, rja134
        # q25)
    if not asked or not (any(_names_asked(r, asked) for r in [*plan.chosen, *maybe]) or _side_effect_question(plan)):
        return maybe
    if plan.facts.fitness == "unfit" and set(asked) <= _INTENSIVE:
        return maybe  # (the intensive treatment the patient is told they cannot have is what the other branches
        # replace: "strong chemo is not possible for her, is there no treatment left?" keeps TKI plus a steroid,
        # rja134 q10)
    return [r for r in maybe if _names_asked(r, asked)]


#: Treatments an unfit patient is told they cannot have: asked about, they ask for what is given instead.
_INTENSIVE = frozenset({"intensive_chemo", "chemotherapy"})


def _side_effect_question(plan: DraftPlan) -> bool:
    """The question names an adverse event ("yellow eyes", "VOD", "fever and confusion") or asks for side effects,
    and names a treatment: it asks about that treatment's effects, not for a treatment plan (no deciding branches, no other drugs' branches)."""
    return bool(asked_treatments(plan.q)) and (says(plan.q, "asks_side_effects") or any(
        m.kind == "adverse_event" for m in read_concepts(plan.q.lower()).mentions))


def _asks_which(plan: DraftPlan) -> bool:
    """The asking clause asks which or what (not yes or no): "which consolidation is recommended?"."""
    return first_word(plan.intents.asking or plan.q).lower() in ("which", "what", "whats", "wat")


def _settle_asked(plan: DraftPlan, subject: _Subject, sure: list[GuidelineRule],
                  maybe: list[GuidelineRule], book: RuleBook) -> list[GuidelineRule]:
    """Whether the guideline's own yes/no line leads. A yes/no question whose subject no applicable rule names
    ("is ponatinib the first-line TKI?") is answered by that line, and only the rules about its subject follow;
    when a rule names it ("is allo-HSCT in CR1 recommended?"), the rule is the answer and leads. (A grade or CQ
    question asks about the grade, which no rule states; an either/or question answered by the guideline's "does
    not rank / leaves the choice open" line gets that line first.)"""
    status, it = plan.status, plan.intents
    prefers = bool(status) and it.either_or and says(status[0][0], "prefer_line")
    if plan.asked and status and not it.grade and not prefers and (
            any(subject.named_by(r) for r in [*sure, *maybe])
            or any(p.named_by(r) for p in _part_subjects(plan) for r in sure if not r.context_only)):
        plan.asked = False  # (a part's own rule answers it: "Ph- 40-64, HD-MTX regimen recommended, right? and for
        # T-ALL?", rja97 q20 had "No: the summary does not say this" over the rule that says it)
    if plan.asked and status and not prefers and says(plan.q, "options_question") and any(
            _names_treatment(r, treatments_in(r.statement)) for r in maybe):
        plan.asked = False  # "which salvage agents does the guideline list?": the rules naming them answer
    if plan.asked and status and not prefers and plan.intents.confirm and not plan.premise and (
            {r.id for r in sure} & _confirmed_rules(plan, book)):
        plan.asked = False  # the claim put to be confirmed restates a rule: the rule answers (rja108 q30)
    if plan.asked and status and not prefers and _rule_answers_proposal(plan, sure):
        plan.asked = False  # "they say he should get a transplant: is that what the guidelines say?": his rule
    if plan.asked and not prefers and _asks_which(plan) and about_a_patient(plan.q, plan.facts) and any(
            is_specific(r, plan.facts) for r in sure):
        plan.asked = False  # "which consolidation is recommended for his age group?": his rules name it
    asked = asked_treatments(plan.q)
    if (plan.asked and not status and asked and not about_a_patient(plan.q, plan.facts) and not plan.intents.harms
            and not any(_names_treatment(r, asked) for r in [*sure, *maybe])):
        # (a transplant named as the time of a harm asked about, "VOD cautions before transplant?", is no treatment
        # asked in another setting: the Ph-positive CR1 transplant rule is no answer for relapsed B-ALL)
        # "is CAR-T recommended first line?" (no patient): no rule of this setting names CAR-T, so they answer
        # another question; the rule that names it answers, by the setting it states ("... who fail to reach CR2")
        markers = plan.facts.model_copy(update={"phase": None, "age": None, "age_band": None, "transplant": None})
        own = [r for r in book.rules if _names_treatment(r, asked) == 2 and not r.requires_topic
               and not r.exclusive and r.condition(markers) is not False][:1]  # (its own phase: the answer)
        if own and plan.facts.phase is not None and own[0].condition(plan.facts) is False:  # (another setting)
            plan.chosen = [*(r for r in plan.chosen if r in plan.premise), *own]
            return []
    status_terms = _stems(set(tokenize(status[0][0]))) if status else set()
    if (plan.asked and status and not prefers and about_a_patient(plan.q, plan.facts)
            and any(is_specific(r, plan.facts) for r in sure)
            and (not subject.rare & status_terms if subject.rare
                 else len(subject.terms & status_terms) * 2 < len(subject.terms))):
        plan.asked = False  # a patient's case with rules that fit it; a status line off the asked subject does not lead
    if plan.asked and status:  # (an either-or question keeps the rule on each option it names: "blina or InO?";
        # a described patient keeps the rule that decides their case: "Ph+ CR1 with a sibling donor, dad wants blina
        # instead of the transplant: what does the guideline say?" is answered with the CR1 transplant rule too)
        patient, parts = about_a_patient(plan.q, plan.facts), _part_subjects(plan)
        plan.chosen = [r for r in plan.chosen if r in plan.premise or subject.named_by(r)
                       or any(p.named_by(r) for p in parts) or (prefers and _names_asked(r, asked))
                       or (patient and r in sure and is_specific(r, plan.facts) and r.condition(plan.facts) is True)]
        # (a patient's "blina or ino: which one is for him?": each option's own rule, by its antigen, follows the
        # guideline's "does not rank" line)
        lex = load_lexicon()  # (the options may be named before the asking clause: "... mentioned blina or ino.
        # which one is for him?")
        options = asked or [c for c in sorted(treatments_in(plan.q)) if lex.concepts[c].kind == "drug"]
        which_of = patient and len(options) >= 2 and _asks_which(plan)
        return [r for r in maybe if which_of and _names_asked(r, options)]
    return maybe


def _branches(plan: DraftPlan, subject: _Subject, maybe: list[GuidelineRule], given: frozenset[str],
              book: RuleBook) -> None:
    """The rules that may apply (a fact is missing): shown as branches, and the missing facts named."""
    facts, q = plan.facts, plan.q
    if plan.harms_only:
        return  # the drug's harms, not a plan by Ph status or phase ("what does the guideline say about inotuzumab
        # and its toxicity?" asks its recommendation too)
    if facts.phase in ("relapsed", "refractory"):
        maybe = [r for r in maybe if "mrd_status" not in r.when]  # MRD-state branches are not a relapse plan
    elif facts.phase is None and _asks_frontline(plan):  # ("... CD19+ lymphoblasts. consolidation after
        maybe = [r for r in maybe if not _relapse_only(r)]  # induction?": no relapse branch, rja68 q01)
    if plan.plain:  # a patient asking to stop: a "does not recommend" branch that may not be theirs reads as permission
        maybe = [r for r in maybe if "does not recommend" not in r.statement and "rather than" not in r.statement
                 and (_statement_terms(r) & (subject.terms - {"chemotherapy", "chemo"})
                      or any(getattr(facts, k) not in (None, []) for k in r.when))]
        # (no branches off both what they asked about and what they told: "65 or older" for a patient of unknown
        # age who asks about skipping a transplant; every branch names chemotherapy)
    maybe = _on_topic(plan, maybe)
    before = len(maybe)
    maybe = _on_asked(plan, maybe, book)
    if not maybe:
        return
    focused = len(maybe) < before  # (a named treatment's branches only: its own unknown conditions decide)
    # (a question about the guideline rather than a patient may take one more of its statements)
    room = 7 if knowledge_question(q, facts) else 6
    branch = [r for r in maybe if r not in plan.chosen][: max(0, room - len(plan.chosen))]
    if not plan.plain:  # (a patient asking to stop gets no other side that "does not recommend" it)
        branch += [r for r in _other_sides(branch, facts, book) if r not in plan.chosen and r not in branch][
            : max(0, room - len(plan.chosen) - len(branch))]
    plan.chosen.extend(branch)
    forks = [r for r in branch if is_branch(r, q, facts)] or (
        [r for r in branch if r.condition(facts) is None] if focused else [])  # (CAR-T: its age and CD19)
    plan.missing = sorted({m for r in forks for m in missing_facts(r, facts)}
                          - ({"transplant"} if {"allo_hsct", "transplant"} & set(tokenize(q)) else set())
                          - set(assumed(facts))  # the implications table: T-ALL is Ph-negative unless said
                          # (Ph-like ALL is Ph-negative by definition: its Ph status is not asked for, rja134 q20)
                          - ({"ph_status"} if "ph_like" in concept_ids(q.lower()) else set()))
    # a question about the guideline's position, answered, or a premise corrected, is no case with missing facts;
    # nor is "why" (reasons, not a plan), "what evidence supports X" (the trials) or a list question (no patient)
    it = plan.intents
    if (forks and plan.missing and not set(plan.missing) <= given and not (plan.status and plan.asked)
            and not plan.premise and not it.why and not plan.grades and not it.evidence
            and not knowledge_question(q, facts)):
        plan.missing_ph = "ph_status" in plan.missing
        plan.forks = list(forks)
        # (and what decides between them: the MRD result that counts as high risk, r114 q3)
        plan.chosen.extend(r for r in deciding_rules(forks, facts, book) if r not in plan.chosen)


#: The phases of first-line treatment: asked about, the patient is not relapsed.
_FRONTLINE = frozenset({"induction", "consolidation", "maintenance"})


def _asks_frontline(plan: DraftPlan) -> bool:
    """The asking clause names a phase of first-line treatment ("which consolidation after induction?")."""
    return bool(_FRONTLINE & concept_ids((plan.intents.asking or plan.q).lower()))


def _relapse_only(rule: GuidelineRule) -> bool:
    """The rule is for relapsed or refractory disease only."""
    phases = rule.when.get("phase") or []
    return bool(phases) and set(_values(phases)) <= {"relapsed", "refractory"}


def _other_sides(branch: Sequence[GuidelineRule], facts: PatientFacts, book: RuleBook) -> list[GuidelineRule]:
    """The other side of a branch: a rule shown for one value of an unknown fact ("without allo-HSCT in CR1: TKI
    for at least 5 years") brings the rules for the other values of that fact about the same treatment ("after
    allo-HSCT: no prophylactic TKI if MRD-negative, pre-emptive TKI if MRD appears"), so each branch is shown."""
    known = facts.model_copy(update=assumed(facts))  # (T-ALL is Ph-negative unless said)
    out: list[GuidelineRule] = []
    for rule in branch:
        unknown = [k for k, v in rule.when.items() if k in other_side_facts() and v is not None
                   and not isinstance(v, dict) and getattr(facts, k) in (None, [])]
        for other in book.rules:
            if other in branch or other in out or other.condition(known) is False or other.requires_topic:
                continue
            sides = [k for k in unknown if k in other.when and other.when[k] is not None
                     and not isinstance(other.when[k], dict)
                     and not set(_values(other.when[k])) & set(_values(rule.when[k]))]
            same = all(other.when[k] == v for k, v in rule.when.items() if k in other.when and k not in unknown)
            if sides and same and _treated(rule) & _treated(other):
                out.append(other)
    return out


def _values(want: object) -> list[object]:
    return list(want) if isinstance(want, (list, tuple)) else [want]


def _missing_finding(plan: DraftPlan, forks: Sequence[GuidelineRule]) -> None:
    """The finding that names the missing facts the shown branches depend on."""
    plan.findings.append(RuleFinding(
        rule_id="FACTS-MISSING-031", severity="warn",
        message="Facts that change the answer were not given (" + ", ".join(fact_label(m) for m in plan.missing)
                + "); the answer covers each branch. Add them for a single answer.",
        section_id=forks[0].section_ids[0]))


def _trial_docs(keys: frozenset[str], chunks: Sequence[Chunk]) -> list[Chunk]:
    """The evidence chunks of the trials with these keys, once per document, in the order given."""
    return list({c.section_id: c for c in chunks if c.tier == "evidence" and trial_keys(c.title) & keys}.values())


def trial_rules(question: str, facts: PatientFacts, book: RuleBook, chunks: Sequence[Chunk]) -> list[GuidelineRule]:
    """The recommendations a trial the question names informs, for a question about the trial and no patient
    ("TOWER results?"): the rules for the setting its document's title names (relapsed or refractory B-ALL) that
    name its treatment. A trial in another setting than any rule's (E1910, consolidation) informs none here."""
    keys = frozenset(named_trials(question))
    if not keys or about_a_patient(question, facts):
        return []
    lex = load_lexicon()
    out: list[GuidelineRule] = []
    for doc in _trial_docs(keys, chunks):
        setting = read_facts(doc.title, population=True)
        treats = {c for c in concept_ids(doc.title.lower()) if c in lex.concepts
                  and lex.concepts[c].kind in TREATMENT_KINDS}
        if setting.phase is None:
            out += [r for r in _linked_rules(question, doc, treats, book) if r not in out]
            continue
        sure, maybe = applicable_rules(doc.title, setting, rulebook=book)
        out += [r for r in [*sure, *maybe] if setting.phase in (r.when.get("phase") or []) and r not in out
                and treats & concept_ids(r.statement.lower())]
    return out


def _linked_rules(question: str, doc: Chunk, treats: set[str], book: RuleBook) -> list[GuidelineRule]:
    """A question asking how a trial whose title names no setting relates to the guideline ("ALL202-O: results, and
    how does that connect to the JSH recommendation?", rja89 q34): the frontline rules naming its treatment for the
    Ph status its population has (from its document's text)."""
    if not says(question, "asks_connection"):
        return []
    ph = read_facts(doc.text, population=True).ph_status
    return [r for r in book.rules if "phase" not in r.when and treats & concept_ids(r.statement.lower())
            and r.when.get("ph_status") in (None, ph) and not r.requires_topic and r.when]


def described_trial(plan: DraftPlan, pool: Sources) -> Chunk | None:
    """A question that asks for the results ("survival data?") of treatments in a setting, or which trial supports
    them, and names no trial ("blinatumomab vs chemo in R/R B-ALL"): the top-ranked trial whose document title names those treatments and
    that setting, read as if it were named."""
    lex = load_lexicon()
    kinds = {c: lex.concepts[c].kind for c in plan.question.concepts if c in lex.concepts}
    asks_trial = _asks_which(plan) and says(plan.intents.asking or plan.q, "trial_words")
    if plan.intents.trials or not ("outcome" in kinds.values() or asks_trial) or about_a_patient(plan.q, plan.facts):
        return None  # ("which trial supports pediatric-type chemotherapy in AYA?": the trial asked for leads)
    wanted = {c for c, k in kinds.items() if k in TREATMENT_KINDS or k == "phase"}
    if not any(kinds[c] in TREATMENT_KINDS for c in wanted):
        return None
    return next((c for c in pool.top(5) if c.tier == "evidence" and trial_keys(c.title)
                 and wanted <= concept_ids(c.title.lower())), None)


def _trials(plan: DraftPlan, pool: Sources) -> None:
    """The trial the question names, whether it answers first ("TOWER results?", no patient), and the documents
    of each named trial in the order the question names them ("compare TOWER and INO-VATE")."""
    described = described_trial(plan, pool)
    named = plan.named = frozenset(plan.intents.trials) or (trial_keys(described.title) if described else frozenset())
    plan.named_found = bool(named) and any(trial_keys(c.title) & named for c in pool.top(4))
    plan.named_trial = next((c for c in pool.top(5) if c.tier == "evidence" and plan.named_found
                             and not plan.other_trial(c)), None)
    if plan.named_trial is None and plan.intents.trial_named:  # ("Ph+ALL213 summary pls -- design, CR, MRD":
        # terse words retrieve other documents first; the named trial's own document is in the pool all the same)
        plan.named_trial = next((c for c in pool.chunks if c.tier == "evidence" and trial_keys(c.title) & named
                                 and not plan.other_trial(c)), None)
        plan.named_found = plan.named_trial is not None
    it = plan.intents  # (a premise to correct, a stated grade or claim, comes before the trial's numbers)
    plan.trial_first = (plan.named_trial is not None and (it.trial_named or described is not None)
                        and not plan.asked and not it.position and not plan.premise and not plan.grades and not it.claim
                        and not it.confirm and not about_a_patient(plan.q, plan.facts))
    order = [t for t in tokenize(f"{plan.q} {described.title if described else ''}") if t in named]
    by_trial: dict[str, Chunk] = {}
    for c in [*pool.top(8), *pool.chunks]:
        keys = trial_keys(c.title) & named
        if c.tier == "evidence" and keys:
            by_trial.setdefault(min(keys, key=order.index), c)
    several = list(dict.fromkeys(c.section_id for _, c in sorted(by_trial.items(), key=lambda kc: order.index(kc[0]))))
    plan.trial_chunks = [next(c for c in by_trial.values() if c.section_id == sid) for sid in several]
    if plan.trial_first:  # the trial answers; then the one recommendation (two, for several trials) it informs:
        # the one naming the trial's treatment when there is one
        lex = load_lexicon()
        treats = {c for t in plan.trial_chunks or [plan.named_trial] for c in concept_ids(t.title.lower())
                  if c in lex.concepts and lex.concepts[c].kind in TREATMENT_KINDS}
        informed = [r for r in plan.chosen if treats & concept_ids(r.statement.lower())]
        plan.chosen = (informed or plan.chosen)[:2 if len(several) >= 2 else 1]
        plan.missing, plan.missing_ph = [], False  # the trial's results answer: no patient's facts are asked for


def answering(rules: Sequence[GuidelineRule]) -> list[GuidelineRule]:
    """The rules that answer for a population, not those that apply because a fact is missing ("Ph status must be
    known first": its only condition is an unknown Ph status), which stand beside each branch's lead."""
    # (a rule for everyone that names no treatment, "MRD of 0.01% or more means a high relapse risk", answers no
    # question of what a patient is given)
    return [r for r in rules if not r.when and _treated(r) or any(v is not None for v in r.when.values())]


def _treated(rule: GuidelineRule) -> set[str]:
    """The treatment concepts the rule's statement names."""
    lex = load_lexicon()
    return {c for c in concept_ids(rule.statement.lower()) if c in lex.concepts and lex.concepts[c].kind in TREATMENT_KINDS}


def patient_rules(question: str, facts: PatientFacts, book: RuleBook,
                  sections: list[str]) -> tuple[list[GuidelineRule], list[GuidelineRule]]:
    """`applicable_rules` for the retrieved sections; when none applies in full and the question asks about a
    treatment for a described patient, the patient's own branch counts as retrieved ("父は移植を受けるべき?" at 66,
    Ph-negative: retrieval found another age group's transplant lines)."""
    sure, maybe = applicable_rules(question, facts, rulebook=book, sections=sections)
    # (a treatment named in the case counts too: "I probably won't need a transplant 'unless something'. what's the
    # something?" asks about the transplant of the patient's own branch)
    if sure or not about_a_patient(question, facts) or not (asked_treatments(question) or treatments_in(question)):
        return sure, maybe
    own = [sid for r in book.rules if r.condition(facts) is True and is_specific(r, facts) for sid in r.section_ids]
    return applicable_rules(question, facts, rulebook=book, sections=[*sections, *own]) if own else (sure, maybe)


def asks_only_about_a_harm(asking: str, planned: bool = False) -> bool:
    """The asking clause names a harm (an adverse event) and no treatment: "what does the guideline say about
    hepatic VOD/SOS?" (a treatment named there, "is inotuzumab recommended despite the VOD risk?", asks about it).

    >>> asks_only_about_a_harm("What does the guideline say about hepatic VOD/SOS?")
    True
    >>> asks_only_about_a_harm("Is inotuzumab still recommended despite the VOD risk?")
    False
    >>> asks_only_about_a_harm("Given the VOD risk, is inotuzumab OK?")
    False
    >>> asks_only_about_a_harm("Scheduled for allo-HSCT after inotuzumab: how is VOD/SOS risk handled?", planned=True)
    True
    """
    mentions = [m for m in read_concepts(asking.lower()).mentions if not m.other_person]
    # (a treatment given before or a transplant planned (`planned`: the patient's facts say so) is the harm's setting: "after inotuzumab, scheduled for
    # allo-HSCT: VOD/SOS, what does the guideline say?")
    asked = {m.kind for m in mentions if not m.historical and not (planned and m.concept == "allo_hsct")}
    # (nor a drug to choose with its harms: "which drug for re-induction, and its main adverse events?", rja110 q12)
    return "adverse_event" in asked and not asked & (TREATMENT_KINDS | {"phase_of_treatment"}) and not says(
        asking, "asks_which_one")


def _watches_around_transplant(asking: str, planned: bool) -> bool:
    """The asking clause asks what to watch for around a transplant planned ("after inotuzumab, straight to
    allo-HSCT: what should we monitor around the transplant?", rja89 q17): the transplant is the setting."""
    return planned and says(asking, "asks_cautions") and any(
        m.concept == "allo_hsct" for m in read_concepts(asking.lower()).mentions)


def _on_transplant_only(rule: GuidelineRule) -> bool:
    """The rule's statement is about the transplant and names no harm."""
    mentions = read_concepts(rule.statement.lower()).mentions
    return any(m.concept == "allo_hsct" for m in mentions) and not any(m.kind == "adverse_event" for m in mentions)


def _exclusive_where_asked(plan: DraftPlan, sure: list[GuidelineRule]) -> list[GuidelineRule]:
    """A topic the corpus does not cover (an exclusive rule) takes the answer over only where the question asks
    about it, not when the case names it: "refuses HSCT (Jehovah's Witness, no transfusions). How long should TKI
    maintenance go?"."""
    asking = normalize(plan.intents.asking or plan.q)
    return [r for r in sure if not r.exclusive or r.topical(asking) or asking == normalize(plan.q)]


def _for_another_disease(rule: GuidelineRule, facts: PatientFacts) -> bool:
    """The rule gives treatments only for another lineage or Ph status than the patient's (CAR-T's age limit for a
    22-year-old with T-ALL reads as "eligible": r52 q24); a rule saying No to them for this patient stays."""
    about = [a for a in rule.asserts if a.stance in ("recommended", "option", "required")]
    return bool(about) and len(about) == len(rule.asserts) and all(
        wrong_disease(c, facts) for a in about for c in a.about)


def _asks_of_a_treatment(part: str) -> bool:
    """A part asks what a treatment is or whether the patient can have it: it names one, or asks what "they" are."""
    return bool(treatments_in(part)) or says(part, "asks_meaning")


#: What a source may lack (cues): a line saying so answers only a question that names it.
_GAPS = ("names_dose", "grade_question")


def _status_lines(plan: DraftPlan, pool: Sources, harm: bool) -> None:
    """The status lines that answer a question about the guideline's position: on the question's subject, a claim
    it states first ("JSH lists X as standard - what's the grade?" is answered on X before the grade), and for a
    question only about a harm, the corpus's supportive-care status first."""
    it, chunks = plan.intents, [*pool.top(8), *pool.chunks]
    plan.status = [(s, c) for s, c in status_sentences(it.rest if plan.grades else plan.q, chunks, plan.facts,
                                                       pool.book, rare=pool.rare, asked=it.position)
                   if _answers_subject(plan, s, c) and not plan.other_status(s)]
    if it.claim and it.claim != plan.q:
        own = status_sentences(it.claim, chunks, plan.facts, pool.book, rare=pool.rare, asked=True)
        plan.status = [*own[:1], *(x for x in plan.status if x not in own[:1])]
    if it.position and harm:
        plan.status = [*_harm_status(pool)[:1], *plan.status]


def _harm_status(pool: Sources) -> list[tuple[str, Chunk]]:
    """The status lines on supportive care (the care of treatment's harms: what the corpus holds on it), for "what
    does the guideline say about VOD/SOS?" — the harm's own lines follow."""
    return [(s, c) for c in [*pool.top(8), *pool.chunks] for s in chunk_sentences(c.text)
            if _status_line(s) and "supportive_care" in concept_ids(s.lower())]


def _answers_subject(plan: DraftPlan, sentence: str, chunk: Chunk) -> bool:
    """An asked-for status line is on the question's subject: "does JSH cover T-LBL?" is not answered by "the CNS
    recommendation does not cover established CNS leukemia". A line about the whole corpus or about grades ("no CQ
    numbers or grades") answers any subject's grade question; an unasked line was matched closely already."""
    if plan.intents.duration and plan.intents.position and not (says(sentence, "duration_line")
                                                                 or corpus_wide(sentence)):
        return False  # (a duration asked: a line on something else of the treatment answers nothing asked)
    return (not plan.intents.position or says(plan.q, "grade_question") or corpus_wide(sentence)
            or on_subject(sentence, plan.question.text, chunk.title))


def _open_parts(plan: DraftPlan, facts: PatientFacts, book: RuleBook, pool: Sources) -> list[str]:
    """The parts of a several-part question that no "not covered" (exclusive) rule answers by itself: "CNS
    prophylaxis, and which antifungal prophylaxis?" keeps its CNS part when only the antifungal part is not covered."""
    parts = plan.intents.parts
    if len(parts) < 2:
        return []
    sections = [c.section_id for c in pool.top(3)]
    return [p for p in parts if not any(r.exclusive for r in applicable_rules(p, facts, rulebook=book,
                                                                              sections=sections)[0])]


def _fits(rule: GuidelineRule, group: dict[str, str]) -> bool:
    """The rule is about the group (its conditions name the group's values)."""
    return all(v == rule.when.get(k) or v in (rule.when.get(k) or ()) for k, v in group.items())


def _side_by_side(plan: DraftPlan, groups: list[dict[str, str]], sides: list[list[GuidelineRule]],
                  room: int = 7) -> None:
    """Groups compared side by side: each group's rules (its leads, or the rules whose conditions name it), group
    after group in the question's order (the premise's "no" first), before the other chosen rules."""
    if not groups:
        return
    extra = [r for side in sides for r in side if r not in plan.chosen and r.condition(plan.facts) is not False]
    pool = [*plan.chosen, *(r for i, r in enumerate(extra) if r not in extra[:i])]
    first = [r for r in pool if r in plan.premise]
    grouped: list[GuidelineRule] = []
    for i, group in enumerate(groups):
        own = sides[i] if i < len(sides) else []
        grouped += [r for r in pool if (r in own or _fits(r, group)) and r not in first and r not in grouped]
    rest = [r for r in pool if r not in first and r not in grouped]
    plan.chosen = [*first, *grouped, *rest][:max(room, len(plan.chosen))]


def drafting_facts(asking: str, focus: str, facts: PatientFacts) -> PatientFacts:
    """The facts the answer is drafted for: a planned transplant, or none told, and a question about the time after
    it are answered for after the transplant ("should TKI be continued after allo-HSCT?" is not the 5-year rule for
    the non-transplanted)."""
    parts = _after_transplant_parts(asking)
    if len(parts) >= 2 and not all(after for _, after in parts):
        return facts  # ("is he headed for transplant, and what if MRD turns up after it?": one part is after it, the
        # other not; each part's own rules answer it, r68 q01)
    if compares_transplant(focus):
        return facts  # ("with vs without a transplant": each side's rules answer it)
    if facts.transplant in ("planned", None) and asks_after_transplant(asking, focus):
        return facts.model_copy(update={"transplant": "done", "phase": "post_hsct"})
    return facts


def after_transplant_rules(asking: str, facts: PatientFacts, book: RuleBook,
                           sections: Sequence[str] = ()) -> list[GuidelineRule]:
    """The rules for the time after the transplant that a part of a several-part question asks about, when the
    other parts are not (`drafting_facts` keeps the facts as read): "is he headed for transplant, and what if MRD
    turns up after it?" gets the pre-emptive TKI rule for its second part (r68 q01)."""
    parts = _after_transplant_parts(asking)
    if len(parts) < 2 or facts.transplant not in ("planned", None):
        return []
    after = facts.model_copy(update={"transplant": "done", "phase": "post_hsct"})
    out: list[GuidelineRule] = []
    for part in (p for p, is_after in parts if is_after):
        sure, maybe = patient_rules(part, after, book, sections)
        out += [r for r in [*sure, *maybe] if r.condition(after) is not False and r not in out]
    return out


def _item_population_rules(plan: DraftPlan, known: PatientFacts, book: RuleBook) -> list[GuidelineRule]:
    """A numbered list about no patient whose item names a population of its own ("(1) blinatumomab's target? ...
    (3) which relapse drug is for T-lineage disease?"): the rules for that population on what the item asks (the
    list's facts leave an item's population out as its topic, so none of its rules applied; r71 q24)."""
    if about_a_patient(plan.q, plan.facts):
        return []
    out: list[GuidelineRule] = []
    for item in list_items(plan.q):
        own = read_facts(item)
        told = {k: v for k, v in own.model_dump().items() if v not in (None, []) and getattr(known, k) in (None, [])}
        if not told:
            continue
        merged = known.model_copy(update=told)
        subject = _subject(plan, None, item)
        out += [r for r in book.rules if r not in out and r.condition(merged) is True and is_specific(r, merged)
                and not r.requires_topic and (subject.named_by(r) or len(set(r.when) & set(told)) >= 2)]
        # (its population in full is the item's topic: "which drug for relapsed T-ALL?" names no word of the rule)
    return out


def _remission_rules(asking: str, facts: PatientFacts, book: RuleBook) -> list[GuidelineRule]:
    """The rules for first remission that a part of a several-part question asks about for a patient not yet in it
    ("her initial treatment, and what should happen once she is in remission?": the CR1 transplant rule for the
    second part, r72 q01)."""
    parts = question_parts(asking)
    if len(parts) < 2 or facts.phase not in (None, "newly_diagnosed"):
        return []
    if not any(_REMISSION_WORDS & concept_ids(p.lower()) for p in parts[1:]):
        return []
    later = facts.model_copy(update={"phase": "cr1"})
    return [r for r in book.rules if r.condition(later) is True and r.condition(facts) is not True
            and "phase" in r.when and is_specific(r, later) and not r.requires_topic]


#: What a part names when it asks about the time in first remission.
_REMISSION_WORDS = frozenset({"remission", "first_remission", "consolidation"})


@lru_cache(maxsize=256)
def _after_transplant_parts(asking: str) -> tuple[tuple[str, bool], ...]:
    """Each part of the asking clause, and whether it asks about the time after a transplant (read once for both
    `drafting_facts` and `after_transplant_rules`, in the pool's reading and the drafter's)."""
    return tuple((p, asks_after_transplant(p, p)) for p in question_parts(asking))


def plan_draft(question: QuestionPlan, facts: PatientFacts, pool: Sources, *, notes: Sequence[str] = (),
               plain: bool = False, rules_only: bool = False, premise: Sequence[GuidelineRule] = (),
               given: frozenset[str] = frozenset()) -> DraftPlan:
    """Decide what the answer holds. `given` names facts the question gave in another form (several ages
    compared): no finding asks only for them."""
    planned = facts.transplant == "planned"  # (as read, before a question about the time after it changes it)
    facts = drafting_facts(question.intents.asking or question.focus, question.focus, facts)
    plan = DraftPlan(question=question, facts=facts, notes=notes, plain=plain, rules_only=rules_only,
                     premise=premise)
    it, book = plan.intents, pool.book
    concerns = [] if premise else asked_concerns(plan.q)
    if concerns:  # a concern no source covers is all that is asked ("in induction: will I lose my hair?", "which
        # hospital is best for a transplant?"): no rule or line answers it, and the answer says so by name
        plan.unruled, plan.rules_only = concerns, True
        return plan
    known = facts.model_copy(update=assumed(facts))  # (T-ALL is Ph-negative unless said: "Ph status must be known
    # first" is no line for it, and the Ph-negative rules apply; the implications table)
    sure, maybe = patient_rules(plan.q, known, book, [c.section_id for c in pool.top(3)])
    sure = [r for r in sure if r.condition(known) is not False and not _for_another_disease(r, known)]
    maybe = [r for r in maybe if r.condition(known) is not False and not _for_another_disease(r, known)]
    deciding: list[str] = []
    sure = _exclusive_where_asked(plan, sure)
    open_parts = _open_parts(plan, facts, book, pool) if any(r.exclusive for r in sure) else []
    if open_parts:  # one part of several is a topic the corpus does not cover: the other parts are answered by
        # their own rules first, the "not covered" line for its part after them
        covered, maybe = applicable_rules("; ".join(open_parts), facts, rulebook=book,
                                          sections=[c.section_id for c in pool.top(3)])
        sure = [*(r for r in covered if r.condition(known) is not False), *(r for r in sure if r.exclusive)]
        maybe = [r for r in maybe if r.condition(known) is not False]
    elif any(r.exclusive for r in sure):  # a topic the corpus does not cover: say so, add nothing around it
        sure, maybe, plan.rules_only = [r for r in sure if r.exclusive], [], True
    # (and a yes/no on a treatment proposed for a described patient: "my brother ... the doctors want to do a
    # transplant right after the first remission. is that what the guidelines say?")
    proposed = it.status and about_a_patient(plan.q, facts) and bool(asked_treatments(plan.q))
    if not answering(sure) and (_plan_question(plan) or proposed):  # a deciding fact is missing: each branch's lead (beside the branches
        # the question's own words found: "45, what regimen?" finds the Ph-negative 40-64 rule, not the Ph-positive)
        leads, deciding = deciding_branches(plan.q, facts, book, [c.section_id for c in pool.top(3)],
                                            asked_treatments(plan.q))
        leads, deciding = _about_asked(plan, leads, deciding)
        added = [r for r in leads if r not in maybe] if not maybe or about_a_patient(plan.q, facts) else []
        maybe, deciding = [*maybe, *added], deciding if added else []
    maybe += [r for r in trial_rules(plan.q, facts, book, [*pool.top(5), *pool.chunks]) if r not in [*sure, *maybe]]
    maybe += [r for r in indication_rules(plan.q, known, book) if r not in [*sure, *maybe]]
    maybe += [r for r in after_transplant_rules(it.asking or plan.q, facts, book, [c.section_id for c in pool.top(3)])
              if r not in [*sure, *maybe]]
    maybe += [r for r in _remission_rules(it.asking or plan.q, known, book) if r not in [*sure, *maybe]]
    lex = load_lexicon()  # (groups compared on another subject than treatment, "adverse WBC in B vs T", keep theirs)
    groups = [] if any(lex.concepts[c].kind not in TREATMENT_KINDS for c in asked_topics(plan)) else (
        compared_groups(plan.q))
    sides = [] if all(any(_fits(r, g) for r in [*sure, *maybe]) for g in groups) else compared_sides(
        plan.q, facts, book, [c.section_id for c in pool.top(3)])  # (rules for each group found already: kept)
    if sides:  # "B-ALL vs T-ALL at relapse": each group's rules, and its fact is no fact to ask for
        maybe += [r for side in sides for r in side if r not in [*sure, *maybe]]
    given = given | {k for side in groups for k in side}  # (groups compared: their fact is no fact to ask for)
    deciding = [d for d in deciding if d not in given]
    asked_now = plan.treatments_asked
    plan.unruled = asked_now if asked_now and not any(rules_naming(book, c) for c in asked_now) else (
        asked_concerns(plan.q))  # (or a concern no source covers is all that is asked: "the sickness allowance?")
    plan.grades = [] if plan.rules_only else list(it.grades)
    # "what does CQ 7 say about X?", "CQ5 gives X category 1": the grade lines answer the CQ part; the rest of the
    # question (X) is answered as if the CQ and grade were not there
    plan.asked = it.rest_status if plan.grades else it.status
    harm = asks_only_about_a_harm(asking_sentences(plan.q), planned)
    if not (plan.rules_only or plain):
        _status_lines(plan, pool, harm)
    subject = _subject(plan, pool.rare)
    sure, maybe = _order_rules(plan, subject, sure, maybe, pool)
    maybe = _settle_asked(plan, subject, sure, maybe, book)
    _branches(plan, subject, maybe, given, book)
    if deciding and not plan.missing and any(r in plan.chosen for r in maybe):
        plan.missing, plan.missing_ph, plan.deciding = deciding, "ph_status" in deciding, deciding
        plan.forks = [r for r in maybe if r in plan.chosen]
    _side_by_side(plan, groups, sides)
    _trials(plan, pool)
    if harm:  # ("VOD/SOS after inotuzumab, before the transplant?": the rules on the drug or the transplant answer
        # another question, and no patient fact changes what the corpus says on the harm)
        plan.chosen = [r for r in plan.chosen if on_subject(r.statement, asking_sentences(plan.q))]
        plan.missing, plan.missing_ph, plan.forks = [], False, []
    elif _watches_around_transplant(asking_sentences(plan.q), planned):  # (the rules on whether to transplant
        # answer another question; the patient's others stay: "relapsed, CD22+: what now, any tox to watch?")
        plan.chosen = [r for r in plan.chosen if not _on_transplant_only(r)]
    grouped = _group_rules(plan, book)
    if grouped:  # (each Ph group asked about in a part of its own: its own rules, and no Ph status to ask for;
        # each quoted from its section, rja110 q38)
        plan.chosen, plan.missing, plan.missing_ph, plan.forks = grouped, [], False, []
        plan.for_parts, plan.asked = list(grouped), False  # (the groups' rules lead, not a status line of one)
    if plan.forks and plan.missing:
        _missing_finding(plan, plan.forks)
    plan.chosen = _on_the_asked_topic(plan, _without_framing(plan))
    # (each Ph group's part has its rules already; an answer drafted from the corpus's sentences, with no rule
    # chosen, keeps them: "which presenting features define high risk? what WBC cut-offs?")
    placed = _part_rules(plan, pool) if (plan.chosen or plan.asked) and not grouped else {}
    plan.chosen += [r for r, _ in placed.values() if r not in plan.chosen]
    plan.for_parts += [r for r, _ in placed.values() if r not in plan.for_parts]
    plan.chosen = _with_cautions(plan, book, plan.chosen + _completing(plan, book))
    plan.chosen += _supposed_results(plan, book)
    plan.chosen += [r for r in _item_population_rules(plan, known, book) if r not in plan.chosen]
    plan.chosen = _in_part_order(plan, plan.chosen, placed)
    return plan


def _decides_missing(rule: GuidelineRule, plan: DraftPlan) -> bool:
    """The rule says how to read a fact the shown branches need and the question lacks (`decides`)."""
    return bool(set(rule.decides) & set(plan.missing))


def _completing(plan: DraftPlan, book: RuleBook) -> list[GuidelineRule]:
    """The rules that complete a chosen one (`see_also`), if the patient's facts other than the transplant and MRD
    result allow them: the CR1 transplant rule beside the TKI without one, not at 70; with `see_also_asked`, only
    when the asking sentences, or the claim a yes/no question asks about, name one of those concepts ("can't he just
    take the TKI instead of a transplant?", "I read he can be cured without a transplant. Is that true?", rja99 q28;
    not "which TKI, how long?")."""
    asking = concept_ids(" ".join([asking_sentences(plan.q), hearsay_sentence(plan.q) or ""]).lower())
    ids = [rid for r in plan.chosen for rid in r.see_also if rid not in {c.id for c in plan.chosen}
           and book.get(rid).condition(plan.facts.model_copy(update=_RESULT_FREE)) is not False
           and (not r.see_also_asked or asking & set(r.see_also_asked))
           and not _decides_missing(r, plan)]  # (a rule shown only to say what decides between branches brings
    # no completion of its own)
    return [book.get(rid) for rid in dict.fromkeys(ids)]


def _group_rules(plan: DraftPlan, book: RuleBook) -> list[GuidelineRule]:
    """A question asking one thing of Ph-positive ALL and another of Ph-negative ALL ("TKI maintenance duration
    for Ph+ without transplant, and the approach for Ph- aged 65 or older?", rja95 q38): each group's part read as a
    question of its own, its facts (the age it gives is not the other group's) and its topic choosing its rules, in
    the question's order; [] when a group's part has no rule of its own (a comparison: "how does X differ between
    Ph+ and Ph-?")."""
    out: list[GuidelineRule] = []
    for segment in group_segments(plan.q):
        facts = read_facts(segment)
        norm = " ".join(normalize(segment).split())
        mine = [r for r in book.rules if r.condition(facts) is True and r.topical(norm) and is_specific(r, facts)
                and not r.requires_topic and r not in out]
        if not mine:
            return []
        out += sorted(mine, key=lambda r: -r.priority)[:3]
    return out


def _part_rules(plan: DraftPlan, pool: Sources) -> dict[str, tuple[GuidelineRule, int]]:
    """Each part of a several-part question answered by the rules it gets asked alone
    ("what induction, should he go to allo in CR1, and if he relapses with T315I, what then?", r82 q33; "what about
    CNS prophylaxis in adults, and for a patient with T-ALL who relapses, which drug?", rja98 q39, r82 q36): its
    span (the part with the setting or supposition before it) read as a question, for the patient's facts less those
    a later part's span states (the relapse the second part supposes is not the first part's; the case the first
    describes is every part's) and with its own; at most three a part. By id, each with the index of its part (also a
    rule chosen already: it goes with its part)."""
    from assistant.plan import read_question

    parts = plan.intents.parts
    if len(parts) < 2:
        return {}
    spans = part_spans(plan.q, parts)
    asked = question_parts(plan.question.text)  # (the parts as asked: the focus may have left a part's supposition
    if len(asked) == len(parts):  # out as background, "..., right? And if the patient is 70, what changes?")
        spans = [max(whole, own, key=len) for whole, own in zip(part_spans(plan.question.text, asked), spans,
                                                                  strict=True)]
    spans = [_after_the_last(span, spans[i - 1]) if i else span for i, span in enumerate(spans)]
    stated = [read_facts(span, population=True).known() for span in spans]
    if supposed_phase(plan.q) == "relapsed":  # (a relapse supposed beside the remission is its part's case:
        # "in CR1 … And hypothetically if he relapses, what's the T-ALL drug?", r87 q35)
        stated = [{**own, "phase": "relapsed"} if "phase" not in own and supposed_phase(
            span, beside_remission=False) == "relapsed" else own for own, span in zip(stated, spans, strict=True)]
    # (an MRD result a part supposes is its case: "the management when MRD turns positive after allo-HSCT, and the
    # TKI duration without transplant", rja113 q38)
    stated = [{**own, "mrd_status": supposed} if "mrd_status" not in own and (supposed := supposed_mrd(span)) else own
              for own, span in zip(stated, spans, strict=True)]
    rules: dict[str, GuidelineRule] = {}
    chosen_by: dict[str, list[int]] = {}
    leads: dict[str, bool] = {}  # (the lead of the first part whose plan chose it)
    for i, (span, own) in enumerate(zip(spans, stated, strict=True)):
        if span == plan.q:
            continue
        others = {k for o in stated[i + 1:] for k in o} - set(own)
        if {"ph_status", "lineage"} & set(own):  # (a part naming its own disease takes no other part's: "relapsed
            # T-ALL? and Ph+ ALL relapsing after a TKI?", rja104 q39)
            others |= {"ph_status", "lineage"} - set(own)
        facts = plan.facts.model_copy(update={**{k: None for k in others if k != "prior_tkis"}, **own})
        own_pool = pool if pool.search is None else replace(pool, retrieved=pool.search(span, facts), search=None)
        for rank, r in enumerate(plan_draft(read_question(span), facts, own_pool, plain=plan.plain,
                                            rules_only=False).chosen[:3]):
            rules[r.id] = r
            chosen_by.setdefault(r.id, []).append(i)
            leads.setdefault(r.id, rank == 0)
    # (a rule several parts' plans chose, and not the first one's lead, goes with the one part that names it: "(1)
    # which induction? (2) allo-HSCT in CR1?" puts the CR1 rule, which the first part's plan also chose, with the
    # second, rja108 q38)
    subjects = _part_subjects(plan)
    out: dict[str, tuple[GuidelineRule, int]] = {}
    for rid, idxs in chosen_by.items():
        naming = [i for i in idxs if i < len(subjects) and subjects[i].named_by(rules[rid])] \
            if len(idxs) > 1 and not leads[rid] else []
        out[rid] = (rules[rid], naming[0] if len(naming) == 1 else idxs[0])
    return out


def _after_the_last(span: str, before: str) -> str:
    """A part's "above it" read as MRD-positive after a part asking about an MRD level, and its "after it" as after
    the treatment the part before asks about ("Is a transplant needed? And if
    after it the marker is back, what then?" -> "... if after allo-HSCT the marker is back ...", r88 q36).

    >>> _after_the_last("And if after it the marker is back, what then", "Is a transplant needed")
    'And if after allo-HSCT the marker is back, what then'
    """
    above = first_of(span, cue("above_the_last"))
    if above is not None and "mrd" in concept_ids(before.lower()):  # ("what MRD level is high risk, and what when he
        # is above it?": MRD-positive, r89 q35)
        when = " after induction" if "induction" in concept_ids(before.lower()) else ""  # (the level's time point)
        span = f"{span[:above[0]]}MRD-positive{when}{span[above[1]:]}"
    at = first_of(span, cue("after_the_last"))
    asked = asked_treatments(before)
    if at is None or len(asked) != 1:
        return span
    canonical = load_lexicon().concepts[asked[0]].canonical or asked[0]
    return f"{span[:at[0]]}after {canonical}{span[at[1]:]}"


def part_spans(question: str, parts: Sequence[str]) -> list[str]:
    """Each part with the words between it and the part before ("..., and if he relapses later, what then?": the
    supposition is its setting); the first with all before it (the case described)."""
    spans: list[str] = []
    start = 0
    for part in parts:
        at = question.find(part, start)
        if at < 0:
            spans.append(part)
            continue
        spans.append(question[start:at + len(part)].strip(" ,.;:?"))
        start = at + len(part)
    return spans


def _in_part_order(plan: DraftPlan, chosen: list[GuidelineRule],
                   placed: dict[str, tuple[GuidelineRule, int]] | None = None) -> list[GuidelineRule]:
    """A several-part question's rules in the order of the parts they answer ("road map: induction, what to do in
    CR1, and what if MRD turns positive after the transplant": induction first, r71 q36); a premise's rule first,
    and the order within a part as chosen. A rule chosen for a part (`placed`) goes with its part; a rule no part
    names keeps its place after the part before it."""
    parts = _part_subjects(plan)
    if len(parts) < 2:
        return chosen
    placed = placed or {}
    keys: list[tuple[float, int]] = []
    for r in chosen:
        named = [placed[r.id][1]] if r.id in placed else [i for i, p in enumerate(parts) if p.named_by(r)]
        # (within a part, the rules its own plan chose before those it only names: "the management when MRD turns
        # positive after allo-HSCT, and ...": pre-emptive TKI before the MRD threshold after induction, rja113 q38)
        keys.append((-1, 0) if r in plan.premise else (named[0], int(r.id not in placed)) if named else (
            (keys[-1][0], 1) if keys else (0, 1)))
    return [r for _, r in sorted(zip(keys, chosen, strict=True), key=lambda kr: kr[0])]


def _supposed_results(plan: DraftPlan, book: RuleBook) -> list[GuidelineRule]:
    """A part that supposes another MRD result than the one reported ("MRD turned positive after allo: pre-emptive
    TKI? If MRD stays negative, prophylactic TKI?"), or a relapse beside a remission: the rules on its topic for the
    supposed result too, after those for the reported one (rja53 i27, rja49 g26 answered the reported branch only)."""
    out: list[GuidelineRule] = []
    if len(plan.intents.parts) < 2:
        return out
    phase = supposed_phase(plan.q)
    if phase not in (None, plan.facts.phase):  # (a relapse supposed beside a remission named in another sentence: "in
        # CR1, TKI for how long? and if he relapses with T315I, which TKI?", rja94 q38; the whole question is its topic,
        # as the "if" and the finding stand in the clause before the part's own)
        supposed = [(plan.q, _with_supposed_mrd(plan, plan.q) or plan.facts.model_copy(
            update={"phase": phase, "transplant": None}))]
    else:
        supposed = [(part, facts) for part in plan.intents.parts if (facts := _with_supposed_mrd(plan, part))]
    for text, facts in supposed:
        norm = " ".join(normalize(text).split())
        out += [r for r in book.rules if r not in plan.chosen and r not in out and r.condition(facts) is True
                and r.topical(norm) and is_specific(r, facts)]
    return out[:2]


def _with_supposed_mrd(plan: DraftPlan, text: str) -> PatientFacts | None:
    """The patient's facts with the MRD result `text` supposes in place of the one reported, or None."""
    supposed = supposed_mrd(text) if plan.facts.mrd_status is not None else None
    if supposed in (None, plan.facts.mrd_status):
        return None
    return plan.facts.model_copy(update={"mrd_status": supposed, "mrd_level_pct": None})


#: The facts a completing rule (`see_also`) is shown regardless of: the transplant and the MRD result, which the rule
#: it completes turns on.
_RESULT_FREE = {"transplant": None, "mrd_status": None, "mrd_level_pct": None}


def _with_cautions(plan: DraftPlan, book: RuleBook, chosen: list[GuidelineRule]) -> list[GuidelineRule]:
    """A caution (`after`) stands right after the rule it belongs to, and goes when that rule is not chosen, unless
    the question names that rule's treatment ("a liver risk going into transplant after inotuzumab?": the caution is
    the answer)."""
    named = treatments_in(plan.q)
    cautions = [r for r in chosen if r.after and not treatments_in(book.get(r.after).statement) & named]
    out = [r for r in chosen if r not in cautions]
    for c in cautions:
        at = next((i for i, r in enumerate(out) if r.id == c.after), None)
        if at is not None:
            out.insert(at + 1, c)
    return out
