"""The one object every front end calls: `Assistant.ask(question) -> Answer`.

Example:
    >>> from assistant import Assistant, Settings                      # doctest: +SKIP
    >>> bot = Assistant.from_settings(Settings())                      # doctest: +SKIP
    >>> bot.ask("72F Ph+ ALL, what induction?").verdict                # doctest: +SKIP
    'pass'
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.draft import (
    asks_position,
    draft_extractive,
    draft_from_llm_text,
    is_definition_question,
    llm_messages,
    question_parts,
)
from assistant.errors import AssistantError, GenerationError
from assistant.facts import (
    about_a_patient,
    apply_overrides,
    compared_ages,
    read_facts,
    split_recap,
    unitless_mrd_level,
)
from assistant.models import Answer, Chunk, PatientFacts, RetrievedChunk, RuleFinding
from assistant.prompts import (
    AGE_EDGE_NOTE,
    AGES_NOTE,
    BYPASS_NOTE,
    CHILD_NOTE,
    DISTRESS_NOTE,
    DOSE_NOTE,
    INJECTION_NOTE,
    NEVER_EVENT_NOTE,
    NO_HISTORY_NOTE,
    OTHERS_MEDS_NOTE,
    PREMISE_NOTE,
    REFUSAL_NOT_FOUND,
    REFUSAL_OUT_OF_SCOPE,
    RELATIVE_CHANGE_NOTE,
    SELF_CHANGE_NOTE,
    UNIT_NOTE,
)
from assistant.rules import Draft, applicable_rules, check, check_scope, premise_conflicts
from assistant.rules.logic import RuleBook, default_rulebook
from assistant.rules.scope import for_a_relative, is_self_change_first_person, strip_injection
from assistant.settings import Settings
from assistant.text import names_trial

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

    from assistant.retrieval import HybridRetriever

log = logging.getLogger(__name__)

_OUT_OF_SCOPE_RULES = {"SCOPE-DISEASE-001", "SCOPE-DOMAIN-002", "SAFE-CHILD-006", "SCOPE-LANG-008"}
_NEVER = "SAFE-NEVER-009"


class QuestionError(AssistantError, ValueError):
    """The question itself is unusable (empty, too long)."""


History = Sequence[str | Mapping[str, Any]]


def clean_text(text: str) -> str:
    """Text safe for the tokenizer and for UTF-8 output: lone surrogates and NULs replaced."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")


def _user_turns(history: History | None) -> list[str]:
    out: list[str] = []
    for h in history or []:
        if isinstance(h, str):
            out.append(clean_text(h))
        elif isinstance(h, Mapping) and h.get("role", "user") == "user" and isinstance(h.get("content"), str):
            out.append(clean_text(h["content"]))
    return out


class Assistant:
    """Retrieve, read patient facts, draft, check. Build once (model and index load), ask many times."""

    def __init__(
        self,
        *,
        settings: Settings,
        retriever: HybridRetriever,
        llm: BaseChatModel | None = None,
        rulebook: RuleBook | None = None,
        index: Any = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.llm = llm
        self.rulebook = rulebook or default_rulebook()
        self.index = index

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, llm: BaseChatModel | None = None, embeddings: Any = None
    ) -> Assistant:
        """Load the embedding model and the live index once. Raises IndexNotBuiltError if nothing was ingested."""
        from assistant.factories import make_embeddings, make_llm, make_retriever, make_store

        settings = settings or Settings()
        emb = embeddings or make_embeddings(settings)
        index = make_store(settings, emb)
        emb.embed_query("warm-up")  # load the model now, not on the first question
        retriever = make_retriever(settings, index, emb)
        return cls(settings=settings, retriever=retriever, llm=llm if llm is not None else make_llm(settings),
                   index=index)

    # -- public API ------------------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return "llm" if self.llm is not None else "extractive"

    def ready(self) -> bool:
        """True when the index is loaded and still readable."""
        try:
            return bool(self.retriever.chunks) and (self.index is None or self.index.count() > 0)
        except Exception:  # noqa: BLE001 - readiness never raises
            return False

    def source(self, chunk_id: str) -> Chunk | None:
        return self.retriever.by_id.get(chunk_id)

    def ask(
        self,
        question: str,
        *,
        history: History | None = None,
        overrides: Mapping[str, Any] | None = None,
        mode: str | None = None,
    ) -> Answer:
        """Answer one question. Never raises for content reasons: out-of-scope or unsafe questions are refused.

        Raises QuestionError for an empty or over-long question, RetrievalError when the index can't be read.
        """
        return self._run(question, history=history, overrides=overrides, mode=mode)

    def stream(
        self, question: str, *, history: History | None = None, overrides: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Events for streaming front ends: {"event": "stage"|"text"|"answer", "data": ...}.

        In LLM mode the draft text streams as it is generated; the final, checked answer always comes last
        and is the only text to keep.
        """
        import queue
        import threading

        q: queue.Queue[dict[str, Any] | None] = queue.Queue()
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["answer"] = self._run(question, history=history, overrides=overrides, mode=None, sink=q.put)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
                box["error"] = exc
            finally:
                q.put(None)

        yield {"event": "stage", "data": "retrieving"}
        worker = threading.Thread(target=work, name="allguide-stream", daemon=True)
        worker.start()
        while (event := q.get()) is not None:
            yield event
        worker.join()
        if "error" in box:
            raise box["error"]
        yield {"event": "stage", "data": "checked"}
        yield {"event": "answer", "data": box["answer"].model_dump(mode="json")}

    def as_runnable(self) -> Runnable:
        """A langchain-core Runnable over this Assistant (see `assistant.runnable` for the input shapes)."""
        from assistant.runnable import AssistantRunnable

        return AssistantRunnable(self)

    # -- pipeline --------------------------------------------------------------------------------------

    def _validate(self, question: str) -> str:
        if not isinstance(question, str):
            raise QuestionError("the question must be text")
        q = " ".join(clean_text(question).split())
        if not q:
            raise QuestionError("the question is empty")
        limit = self.settings.api.max_question_chars
        if len(q) > limit:
            raise QuestionError(f"the question is {len(q)} characters long; the limit is {limit}")
        return q

    def _run(self, question: str, *, history: History | None, overrides: Mapping[str, Any] | None,
             mode: str | None, sink: Any = None) -> Answer:
        t0 = time.perf_counter()
        q = self._validate(question)
        turns = _user_turns(history)
        recap, rest = split_recap(strip_injection(q))  # an injected instruction is not a patient fact
        facts = read_facts(rest, history=turns)
        if recap:  # "Earlier you said Ph+ patients get X. And if she were 70?": only the disease carries over
            said = read_facts(recap)
            facts = facts.model_copy(update={k: getattr(said, k) for k in ("ph_status", "lineage")
                                             if getattr(facts, k) is None and getattr(said, k) is not None})
        if (facts.phase or facts.mrd_status) and names_trial(q) and not about_a_patient(q, facts):
            # "the relapses in Ph+ALL213", "BLAST used 10^-3" are the trial's, not a patient's
            facts = facts.model_copy(update={"phase": None, "mrd_status": None, "mrd_level_pct": None,
                                             "mrd_timepoint": None})
        compared = compared_ages(q)
        if compared:  # "aged 60 vs one aged 70": no single age; each age group's branch shows
            facts = facts.model_copy(update={"age": None, "age_band": None})
        if overrides:
            try:
                facts = apply_overrides(facts, dict(overrides))
            except (ValueError, TypeError) as exc:
                raise QuestionError(f"invalid patient-fact override: {exc}") from exc
        scope_issues = check_scope(q, facts, history=turns)
        if not turns and leans_on_history(q):  # a follow-up sent alone is not off-topic: a note says what is missing
            scope_issues = [i for i in scope_issues if i.finding.rule_id != "SCOPE-DOMAIN-002"]
        scope_findings = [i.finding for i in scope_issues]
        blocked = {f.rule_id for f in scope_findings if f.severity == "block"}

        t1 = time.perf_counter()
        if blocked & (_OUT_OF_SCOPE_RULES | {"SAFE-INJECT-004", _NEVER}) and "SAFE-CHILD-006" not in blocked:
            retrieved: list[RetrievedChunk] = []
        else:
            retrieved = self.retriever.search(q + " " + " ".join(turns[-2:]) if turns and _is_follow_up(q) else q,
                                              facts=facts, k=self.settings.retrieval.k)
        sure, maybe = applicable_rules(q, facts, rulebook=self.rulebook,
                                       sections=[r.chunk.section_id for r in retrieved[:3]])
        premise = [] if blocked else premise_conflicts(q, facts, self.rulebook)
        # (and the whole document of a trial the question names: its numbers are checked)
        evidence_sections = [r.chunk.section_id for r in retrieved[:3] if r.chunk.tier == "evidence"][:2] + (
            self.retriever.trial_sections(q) if retrieved else [])
        status = (self.retriever.search(q, facts=facts, k=4, tier="guideline")
                  if retrieved and asks_position(q) else [])  # "does JSH recommend X?": its own words
        # whole sections: the yes/no sentence may sit in a sibling chunk of what was retrieved
        status_sections = list(dict.fromkeys(r.chunk.section_id for r in [*status, *(retrieved[:5] if status else [])]))
        extra_chunks = self.retriever.section_chunks(
            [sid for r in [*premise, *sure, *maybe] for sid in r.section_ids]
            + [sid for r in [*premise, *sure, *maybe] for rid in r.see_also for sid in self.rulebook.get(rid).section_ids]
            + evidence_sections + status_sections)
        if retrieved:
            parts = question_parts(q)
            if len(parts) >= 2:  # a question that asks several things: each part's own best sections
                extra_chunks += [r.chunk for p in parts[:4] for r in self.retriever.search(p, facts=facts, k=3)]
            if is_definition_question(q):  # "what is meant by AYA?": the sentences that define it
                extra_chunks += self.retriever.definition_chunks(q)
            # a second subject in the question that retrieval did not reach ("any tox to watch?")
            extra_chunks += self.retriever.uncovered_term_chunks(q, [r.chunk for r in retrieved[:8]])
        pool = _pool(retrieved, extra_chunks)
        t2 = time.perf_counter()
        timings = {"retrieve": (t2 - t1) * 1000}
        if sink is not None:
            sink({"event": "stage", "data": "drafting"})

        if blocked:
            answer = self._refusal(q, facts, blocked, scope_findings, retrieved, pool)
            t3 = time.perf_counter()
            timings.update(draft=(t3 - t2) * 1000, check=0.0, total=(t3 - t0) * 1000)
            return answer.model_copy(update={"timings_ms": _round(timings)})

        # a patient asking to change their own treatment: told to talk to their hematologist first, and given the
        # guideline point without trial numbers
        self_change = any(f.rule_id == "SAFE-SELF-005" for f in scope_findings)
        distressed = any(f.rule_id == "SAFE-DISTRESS-011" for f in scope_findings)
        notes: list[str] = patient_notes(q, scope_findings)
        if any(f.rule_id == "SAFE-INJECT-004" for f in scope_findings):
            notes.append(INJECTION_NOTE)
        edge = age_edge_note(facts.age) if facts.ph_status != "positive" or facts.age in (64, 65) else None
        if edge and not (self_change or distressed):  # (in Ph-positive ALL only 65 divides the pathway; a
            # patient asking about their own treatment is not told about algorithm groups)
            notes.append(edge)
        if compared and facts.age is None:
            what = ", ".join(compared[:-1]) + f" and {compared[-1]}"
            notes.append(AGES_NOTE.format(ages=("ages " + what) if compared[0][0].isdigit() else what))
        if not turns and leans_on_history(q):
            notes.append(NO_HISTORY_NOTE)
        bare = unitless_mrd_level(q)
        if bare is not None and facts.mrd_level_pct == float(bare):
            notes.append(UNIT_NOTE.format(value=bare, power=_as_power(float(bare))))
        if premise:
            notes.append(PREMISE_NOTE.format(title=premise[0].title))

        use_llm = self.llm is not None and mode != "extractive"
        extra: list[RuleFinding] = [RuleFinding(
            rule_id="PREMISE-044", severity="info", section_id=r.section_ids[0],
            message=f"The question's premise or proposal conflicts with the guideline: {r.title}") for r in premise[:1]]
        if use_llm:
            try:
                draft = self._draft_llm(q, facts, pool, turns, sink)
            except GenerationError as exc:
                log.warning("LLM drafting failed, falling back to extractive: %s", exc)
                extra.append(RuleFinding(rule_id="LLM-FALLBACK-032", severity="warn",
                                         message=f"The language model failed ({exc}); extractive answer shown"))
                use_llm = False
        if not use_llm:
            draft, missing = draft_extractive(q, facts, retrieved, pool=pool, rulebook=self.rulebook, notes=notes,
                                             rare=self.retriever.is_rare, plain=self_change or distressed,
                                             premise=premise,
                                             # several ages were given: the age branches are the answer
                                             given=frozenset({"age", "age_band"}) if compared else frozenset())
            extra.extend(missing)
        t3 = time.perf_counter()
        if sink is not None:
            sink({"event": "stage", "data": "checking"})
        result = check(q, facts, draft, pool, prior=[*scope_findings, *extra])
        used_mode = "llm" if use_llm else "extractive"
        if use_llm and not result.grounded:
            draft, missing = draft_extractive(q, facts, retrieved, pool=pool, rulebook=self.rulebook, notes=notes,
                                             rare=self.retriever.is_rare)
            fallback = RuleFinding(rule_id="LLM-FALLBACK-032", severity="warn",
                                   message="The generated answer could not be grounded or repaired; the extractive "
                                           "answer is shown instead")
            result = check(q, facts, draft, pool, prior=[*result.findings, *missing, fallback])
            used_mode = "extractive"
        t4 = time.perf_counter()
        timings.update(draft=(t3 - t2) * 1000, check=(t4 - t3) * 1000, total=(t4 - t0) * 1000)

        if not result.grounded:
            # the safety and context notes still stand ("don't stop on your own") before the "not found"
            keep = [n for n in notes if n in (*_PATIENT_NOTES, NO_HISTORY_NOTE, INJECTION_NOTE)]
            return Answer(question=q, answer="\n\n".join([*keep, REFUSAL_NOT_FOUND]), citations=[], verdict="refused",
                          findings=[*result.findings, RuleFinding(
                              rule_id="GROUND-NONE-033", severity="block",
                              message="No cited statement in the corpus answers this question")],
                          patient=facts, scope="in_scope", mode=used_mode,  # type: ignore[arg-type]
                          timings_ms=_round(timings), retrieved=[r.chunk.chunk_id for r in retrieved])
        return Answer(question=q, answer=result.draft.answer, citations=result.draft.citations,
                      verdict=result.verdict, findings=result.findings, patient=facts, scope="in_scope",
                      mode=used_mode, timings_ms=_round(timings),  # type: ignore[arg-type]
                      retrieved=[r.chunk.chunk_id for r in retrieved])

    def _draft_llm(self, q: str, facts: PatientFacts, pool: Sequence[Chunk], turns: list[str], sink: Any) -> Draft:
        chunks = list(pool)[: max(self.settings.retrieval.k + 3, 8)]
        messages = llm_messages(q, facts, chunks, turns)
        try:
            if sink is not None:
                parts: list[str] = []
                for piece in self.llm.stream(messages):  # type: ignore[union-attr]
                    text = piece.content if isinstance(piece.content, str) else ""
                    if text:
                        parts.append(text)
                        sink({"event": "text", "data": text})
                text = "".join(parts)
            else:
                msg = self.llm.invoke(messages)  # type: ignore[union-attr]
                text = msg.content if isinstance(msg.content, str) else str(msg.content)
        except Exception as exc:
            raise GenerationError(f"{exc.__class__.__name__}: {exc}") from exc
        return draft_from_llm_text(text, chunks)

    def _refusal(self, q: str, facts: PatientFacts, blocked: set[str], findings: list[RuleFinding],
                 retrieved: list[RetrievedChunk], pool: list[Chunk]) -> Answer:
        if blocked & _OUT_OF_SCOPE_RULES:
            scope = "out_of_scope"
        else:
            scope = "unsafe"
        draft = Draft(answer=REFUSAL_OUT_OF_SCOPE)
        if _NEVER in blocked:
            draft = Draft(answer=NEVER_EVENT_NOTE)
        elif "SAFE-CHILD-006" in blocked:
            ped = [c for c in self.retriever.section_chunks(["context/pediatric-jspho"])]
            rc = [RetrievedChunk(chunk=c, score=0.0, rank=i) for i, c in enumerate(ped, 1)]
            d, _ = draft_extractive(q, PatientFacts(), rc, pool=ped, rulebook=RuleBook(rules=[]), notes=[CHILD_NOTE],
                                    max_sentences=2)
            draft = d if d.citations else Draft(answer=CHILD_NOTE)
        elif "SAFE-DOSE-003" in blocked and not blocked & {"SAFE-INJECT-004"}:
            # a patient asking to change their own dose hears first that they should not do it alone
            notes = [*patient_notes(q, findings), DOSE_NOTE]
            d, _ = draft_extractive(q, facts, retrieved, pool=pool, rulebook=self.rulebook, notes=notes,
                                    rules_only=True, max_sentences=3, plain=len(notes) > 1)
            draft = d if d.citations else Draft(answer="\n\n".join(notes))
        elif "SAFE-INJECT-004" in blocked:
            draft = Draft(answer="_This request asks me to bypass the guideline or my checks, so I won't. "
                                 "Ask a question about adult ALL treatment instead._")
        elif "SCOPE-LANG-008" in blocked:
            reason = next(f.message for f in findings if f.rule_id == "SCOPE-LANG-008")
            draft = Draft(answer=f"_{reason}._")
        elif blocked & {"SCOPE-DISEASE-001", "SCOPE-DOMAIN-002"}:
            reason = next(f.message for f in findings if f.rule_id in blocked)
            draft = Draft(answer=f"{REFUSAL_OUT_OF_SCOPE}\n\n_{reason}._")
        checked = check(q, facts, draft, pool, prior=findings) if draft.citations else None
        if checked is not None and checked.grounded:
            draft = checked.draft
            findings = checked.findings
        return Answer(question=q, answer=draft.answer, citations=draft.citations, verdict="refused",
                      findings=findings, patient=facts, scope=scope,  # type: ignore[arg-type]
                      mode="extractive", retrieved=[r.chunk.chunk_id for r in retrieved])


_PATIENT_NOTES = (DISTRESS_NOTE, BYPASS_NOTE, OTHERS_MEDS_NOTE, SELF_CHANGE_NOTE, RELATIVE_CHANGE_NOTE)


def patient_notes(q: str, findings: Sequence[RuleFinding]) -> list[str]:
    """The notes for a patient or relative asking about their own treatment, in order: comfort for a frightened
    one, treating oneself around the doctor, someone else's medicine, changing treatment alone (said once)."""
    ids = {f.rule_id for f in findings}
    notes = [note for rid, note in (("SAFE-DISTRESS-011", DISTRESS_NOTE), ("SAFE-BYPASS-012", BYPASS_NOTE),
                                    ("SAFE-OTHERMEDS-010", OTHERS_MEDS_NOTE)) if rid in ids]
    if "SAFE-SELF-005" in ids and "SAFE-BYPASS-012" not in ids:
        notes.append(RELATIVE_CHANGE_NOTE if for_a_relative(q) and not is_self_change_first_person(q)
                     else SELF_CHANGE_NOTE)
    return notes


def _pool(retrieved: Sequence[RetrievedChunk], extra: Sequence[Chunk]) -> list[Chunk]:
    seen: dict[str, Chunk] = {}
    for c in [r.chunk for r in retrieved] + list(extra):
        seen.setdefault(c.chunk_id, c)
    return list(seen.values())


def _is_follow_up(q: str) -> bool:
    return len(q.split()) < 9


#: A message that leans on an earlier one ("and if MRD is negative in that same patient?", "what about her?").
_LEANS_ON_EARLIER = re.compile(
    r"^\W*(?:and|but|also|so|then)\s+(?:if|what|how|for|in|when|she|he|they|the)\b|^\W*(?:what|how)\s+about\b"
    r"|\b(?:that|the)\s+same\s+(?:patient|pt|person|case|man|woman)\b|\bsame\s+(?:patient|pt|case)\b"
    r"|\b(?:as\s+(?:above|before|mentioned)|mentioned\s+(?:above|earlier|before)|from\s+before)\b",
    re.IGNORECASE)


def leans_on_history(q: str) -> bool:
    """The message continues an earlier one that was not sent with it.

    >>> leans_on_history("and if MRD is negative after induction in that same patient?")
    True
    >>> leans_on_history("Ph+ ALL, 45 years old: what induction?")
    False
    """
    return _LEANS_ON_EARLIER.search(q) is not None


_AGE_EDGES = {
    **{a: ("AYA (15 to 39)", "younger patients are children, outside this adult guideline") for a in (15, 16, 17)},
    39: ("AYA (15 to 39)", "the 40 to 64 group starts at 40"),
    40: ("40 to 64", "the AYA group ends at 39"),
    64: ("40 to 64", "the 65-or-older group starts at 65"),
    65: ("65 or older", "the 40 to 64 group ends at 64"),
}


def age_edge_note(age: int | None) -> str | None:
    """A note for an age at the edge of the algorithm's age groups.

    >>> age_edge_note(39)
    '_At 39, the patient is in the AYA (15 to 39) group of the JSH 2023 algorithm, at its edge: the 40 to 64 group starts at 40._'
    >>> age_edge_note(50) is None
    True
    """
    if age not in _AGE_EDGES:
        return None
    group, other = _AGE_EDGES[age]
    return AGE_EDGE_NOTE.format(age=age, group=group, other=other)


def _as_power(pct: float) -> str:
    """A percent level as a power of ten: 0.02 -> "2x10^-4"; 0 -> "0".

    >>> _as_power(0.02), _as_power(0.01), _as_power(0.005)
    ('2x10^-4', '10^-4', '5x10^-5')
    """
    if pct <= 0:
        return "0"
    frac = pct / 100
    exp = math.floor(math.log10(frac) + 1e-9)
    mant = float(f"{frac / 10 ** exp:.3g}")
    return f"10^{exp}" if mant == 1 else f"{mant:g}x10^{exp}"


def _round(t: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in t.items()}
