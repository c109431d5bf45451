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

from assistant.claims import NEGATIVE_STANCES, broader_chain
from assistant.compose.ages import age_subjects
from assistant.compose.asked import set_aside
from assistant.compose.branches import deciding_branches
from assistant.compose.conditions import weighed_treatments
from assistant.compose.cues import cue, reworded_kinds, says, without
from assistant.compose.intents import (
    POINTS_BACK,
    asking_clause,
    asks_what_it_is,
    list_items,
    list_lead,
    question_pieces,
    supposed_items,
)
from assistant.compose.interactions import answer_drugs, named_treatments
from assistant.compose.premises import value_premises
from assistant.compose.selection import (
    after_transplant_rules,
    answering,
    compared_sides,
    drafting_facts,
    indication_rules,
    part_spans,
    patient_rules,
    rules_naming,
    trial_rules,
)
from assistant.compose.sentences import part_touched
from assistant.compose.subject import asking_sentences, related_treatments
from assistant.compose.trials import asked_outcomes
from assistant.concepts import TREATMENT_KINDS, concept_ids, load_lexicon, read_concepts, sentences, treatments_in
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
    assumed,
    compared_ages,
    compares_transplant,
    named_otherwise,
    read_facts,
    split_recap,
    supposed_at,
    unitless_mrd_level,
)
from assistant.models import Answer, Chunk, PatientFacts, RetrievedChunk, RuleFinding
from assistant.plan import QuestionPlan, read_question
from assistant.prompts import (
    AGE_EDGE_NOTE,
    AGE_GROUP_NOTE,
    AGES_NOTE,
    CHILD_NOTE,
    DISCLAIMER,
    DOSE_NOTE,
    FIT_AGREE_NOTE,
    FIT_NOTE,
    FIT_PART_NOTE,
    FIT_RANGE_NOTE,
    NEVER_EVENT_NOTE,
    NO_HISTORY_NOTE,
    NOTES,
    PREMISE_ASKED_NOTE,
    PREMISE_CASE_NOTE,
    PREMISE_NOT_REQUIRED_NOTE,
    PREMISE_NOTE,
    PREMISE_OPTION_NOTE,
    PREMISE_PART_NOTE,
    PREMISE_PLAIN_NO_NOTE,
    PREMISE_PLAIN_NOTE,
    REFUSAL_CONCERN,
    REFUSAL_NOT_ADDRESSED,
    REFUSAL_NOT_FOUND,
    REFUSAL_OUT_OF_SCOPE,
    RELEVANCE_LEAD_NOTE,
    UNIT_NOTE,
)
from assistant.rules import Draft, check, check_scope, premise_conflicts
from assistant.rules.fit import alternatives, misfit_reasons
from assistant.rules.frames import premise_form
from assistant.rules.logic import GuidelineRule, RuleBook, deciding_rules, default_rulebook, stated_facts
from assistant.rules.policy import Policy, default_policy
from assistant.rules.relevance import addressed, asked_concerns, asked_treatments, concept_label, subject_of
from assistant.rules.scope import for_a_relative, is_self_change_first_person, mentions_all, strip_injection
from assistant.settings import Settings
from assistant.text import POPULATION_TOKENS, first_of, names_trial, tokenize

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable

    from assistant.retrieval import HybridRetriever

log = logging.getLogger(__name__)



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
        self.policy = default_policy()
        self.index = index

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, llm: BaseChatModel | None = None, embeddings: Any = None
    ) -> Assistant:
        """Load the embedding model and the live index once. Raises IndexNotBuiltError if nothing was ingested."""
        from assistant.factories import make_embeddings, make_llm, make_retriever, open_store_and_model

        settings = settings or Settings()
        emb = embeddings or make_embeddings(settings)
        index = open_store_and_model(settings, emb)  # the model loads now (not on the first question), in parallel
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
        lang: str | None = None,
    ) -> Answer:
        """Answer one question. Never raises for content reasons: out-of-scope or unsafe questions are refused.

        `lang` is the answer's language: "en", "ja", or None / "auto" for the question's (`assistant.lang.detect`).
        Raises QuestionError for an empty or over-long question or a bad `lang`, RetrievalError when the index
        can't be read.
        """
        return self._ask(question, history=history, overrides=overrides, mode=mode, lang=lang)

    def _ask(self, question: str, *, history: History | None, overrides: Mapping[str, Any] | None,
             mode: str | None, lang: str | None, sink: Any = None) -> Answer:
        """A Japanese question (or turn) is read into English and answered and checked in English; an answer in
        Japanese is then rendered from the checked one (`assistant.localise`). In LLM mode the model answers in
        Japanese and its answer is checked through its English reading (`assistant.ja_check`)."""
        from assistant import ja, localise
        from assistant.lang import detect, has_japanese, other_script

        text = question if isinstance(question, str) else ""
        asked = detect(text)  # the question is read in its own language; `lang` is the answer's
        try:
            lang = asked if lang in (None, "auto") else localise.resolve_lang(lang, text)
        except ValueError as exc:
            raise QuestionError(str(exc)) from exc
        history = localise.english_history(history, ja.to_english) if history else history
        # a Japanese term inside an English question is read too ("Ph陽性 ALL induction?"); Chinese is not Japanese
        reads = has_japanese(text) and other_script(text) is None
        if lang == "en" and not reads:  # (a patient's or relative's answer explains its terms in plain words)
            return localise.for_lay_english(self._run(question, history=history, overrides=overrides, mode=mode,
                                                      sink=sink), question)
        q = self._validate(question)
        english = ja.to_english(q) if reads else q
        # retrieval also reads the question's own Japanese words (a user's Japanese document is found by them)
        words = ja.japanese_words(q) if reads and english != q else ""
        if lang == "ja" and self.llm is not None and mode != "extractive":  # the model answers in Japanese, checked
            from assistant.ja_check import answer_japanese_llm  # through its English reading (or falls back)

            shown = answer_japanese_llm(self, q, english, history=history, overrides=overrides, sink=sink, words=words)
            return shown.model_copy(update={"question": q, "question_en": shown.question if asked == "ja" else None})
        lay = localise.read_asker(q).lay if reads and english != q else None  # (who asks, in their own words)
        answer = self._run(english, history=history, overrides=overrides, mode=mode, sink=sink, words=words, lay=lay,
                           quoted=english == q)
        shown = localise.localise(answer, lang=lang, question=q,
                                  translations=localise.translations_for(self.settings.corpus_dir()))
        return shown.model_copy(update={"question": q, "question_en": answer.question if asked == "ja" else None})

    def stream(
        self, question: str, *, history: History | None = None, overrides: Mapping[str, Any] | None = None,
        lang: str | None = None,
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
                box["answer"] = self._ask(question, history=history, overrides=overrides, mode=None, lang=lang,
                                          sink=q.put)
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
             mode: str | None, sink: Any = None, words: str = "", lay: bool | None = None,
             quoted: bool = True) -> Answer:
        """The answer to `question`, read, retrieved, drafted and checked. `quoted`: the question is the asker's own
        words, so a note may quote a part of it left open; a reading of a Japanese question is not (rja133 q24)."""
        t0 = time.perf_counter()
        q = self._validate(question)
        turns = _user_turns(history)
        # lay words and misspellings in canonical terms; the focus (what is asked and its clinical facts, without
        # background details) is what retrieval and drafting read, the whole text what the scope checks read
        plan = read_question(q)
        if lay is not None:
            plan = plan.model_copy(update={"lay": lay})
        facts, compared = self._facts(q, turns, overrides)
        scope_issues = check_scope(plan.text, facts, history=turns)
        if (not turns and leans_on_history(q)) or _continues_topic(plan.concepts, turns):
            # a follow-up sent alone is not off-topic (a note says what is missing), nor is a message naming a
            # concept of the lexicon ("which antibody should we use?") in a conversation about the disease
            scope_issues = [i for i in scope_issues if not self.policy.entry(i.finding.rule_id).lifted_by_follow_up]
        scope_findings = [i.finding for i in scope_issues]
        blocked = {f.rule_id for f in scope_findings if f.severity == "block"}
        # a part asking for a dose, or about another disease, is declined by itself when another part asks
        # something this guideline answers: that part's note is shown and the rest is answered
        kept, part_notes, declined = self._declined_parts(plan.focus, facts, blocked, scope_findings)
        if part_notes:
            plan, blocked = plan.refocus(kept), blocked - declined
            scope_findings = [f.model_copy(update={"severity": "warn"}) if f.rule_id in declined else f
                              for f in scope_findings]

        t1 = time.perf_counter()
        focus = _with_earlier(plan.focus, q, turns)
        retrieved, pool, premise = self._gather(focus, facts, blocked, words, whole=plan.text)
        t2 = time.perf_counter()
        timings = {"retrieve": (t2 - t1) * 1000}
        if sink is not None:
            sink({"event": "stage", "data": "drafting"})
        if blocked:
            answer = self._refusal(focus, facts, blocked, scope_findings, retrieved, pool, premise)
            t3 = time.perf_counter()
            timings.update(draft=(t3 - t2) * 1000, check=0.0, total=(t3 - t0) * 1000)
            return answer.model_copy(update={"question": q, "timings_ms": _round(timings)})

        notes = [*part_notes, *self._notes(q, focus, facts, scope_findings, compared, premise, turns)]
        result, used_mode, t3 = self._draft_and_check(
            plan.refocus(focus), facts, retrieved, pool, premise, notes, scope_findings, compared, turns, mode, sink)
        t4 = time.perf_counter()
        timings.update(draft=(t3 - t2) * 1000, check=(t4 - t3) * 1000, total=(t4 - t0) * 1000)
        ids = [r.chunk.chunk_id for r in retrieved]
        # (the treatments asked about that no rule names: the corpus has nothing on them, "rituximab?")
        # (or first the concern that is all it asks, whatever treatment is its setting: "sick pay?", "what foods to
        # avoid while on dasatinib?")
        concerns = [concept_label(c) for c in asked_concerns(focus)]
        unnamed = concerns or [
            concept_label(c) for c in asked_treatments(asking_clause(focus)) if not self._ruled_on(c)]
        if not result.grounded:
            # the safety and context notes still stand ("don't stop on your own") before the "not found"
            keep = [n for n in notes if n in (*_KEPT_NOTES, NO_HISTORY_NOTE)
                    and not (concerns and n == NOTES.get("leukemia_type"))]  # (the type changes nothing asked)
            refusal = (REFUSAL_CONCERN if concerns else REFUSAL_NOT_ADDRESSED).format(what=" or ".join(unnamed)) \
                if unnamed else REFUSAL_NOT_FOUND
            return Answer(question=q, answer="\n\n".join([*keep, refusal]), citations=[], verdict="refused",
                          findings=[*result.findings, self.policy.event(
                              "ungrounded", "No cited statement in the corpus answers this question")],
                          patient=facts, scope="in_scope", mode=used_mode,  # type: ignore[arg-type]
                          timings_ms=_round(timings), retrieved=ids)
        # (a part a note before the answer touches is not left open: "where is the age line?" beside the age-edge
        # note, r112 q6; nor is a part of a question the asker did not write in these words)
        findings = [f for f in result.findings if self.policy.entry(f.rule_id).note != "relevance_part"
                    or (quoted and not part_touched(subject_of(f.message), notes))]
        answer = _with_notes(result.draft.answer, self.policy.notes(findings, patient=False), notes, asked=unnamed)
        if part_notes and not answer.startswith(part_notes[0]):  # (a generated draft: the declined part still shows)
            answer = "\n\n".join([*part_notes, answer])
        return Answer(question=q, answer=answer, citations=result.draft.citations,
                      verdict=result.verdict, findings=findings, patient=facts, scope="in_scope",
                      mode=used_mode, timings_ms=_round(timings), retrieved=ids)  # type: ignore[arg-type]

    def _declined_parts(self, focus: str, facts: PatientFacts, blocked: set[str],
                        findings: list[RuleFinding]) -> tuple[str, list[str], set[str]]:
        """(the focus without its declined parts, the notes that decline them, the rule ids declined) when some
        parts of a several-part question are refused on their own by a finding that declines only its part (policy
        `part_note`) and another part that asks is left; else (focus, [], set()). Each part is checked alone."""
        if blocked and self.policy.part_note(blocked) is None:
            return focus, [], set()
        if not blocked and not any(f.severity == "warn" for f in findings):
            return focus, [], set()  # (a question nothing in it declines is not cut up)
        if any(self.policy.entry(f.rule_id).keeps_whole for f in findings):
            return focus, [], set()  # treating oneself, buying medicine online: the whole question is declined
        pieces = question_pieces(focus)
        if len(pieces) < 2:
            return focus, [], set()
        kept: list[tuple[str, bool]] = []
        notes: list[str] = []
        declined: set[str] = set()
        subjects: list[tuple[str, str]] = []  # (concept, words) of the treatments the declined parts name
        lead = ""  # (a description before an asking piece is what it asks about: "IT chemotherapy, how many?")
        for piece, asks in pieces:
            fired = self._part_blocks(f"{lead}, {piece}" if lead and asks else piece, facts)
            lead = "" if asks else piece
            if not fired and declined and not _has_subject(piece):
                fired = set(declined)  # "...: 9 then 28 mcg/day? For how many days each?": the same request goes on
            elif not fired and (other := {r for r in declined if self.policy.entry(r).part_note == "scope_part"}) \
                    and not mentions_all(piece):
                fired = other  # ("first-line treatment for chronic-phase CML, and which TKI is preferred?": the part
                # after names no disease of its own, so it is about the other disease, r89 q29)
            key = self.policy.part_note(fired) if fired else None
            if key is None:
                kept.append((piece, asks))
                continue
            if not asks:  # (a declined case description is the subject of what follows: "CML resistant to
                return focus, [], set()  # imatinib, which TKI?" is a CML question, refused whole)
            note = NOTES[key].format(part=piece)
            notes += [note] if note not in notes else []
            declined |= fired
            subjects += [(m.concept, m.surface) for m in read_concepts(piece.lower()).mentions
                         if m.kind in TREATMENT_KINDS]
        if not notes and blocked and self.policy.part_note(blocked) == "dose_part":
            # (no piece asks a dose alone, the question as a whole does: the piece asking how many or how much,
            # "IT chemotherapy, how many? the drugs are MTX, AraC and PSL?", is the schedule asked, rja132 q17)
            counted = [(p, asks) for p, asks in kept if asks and (says(p, "names_dose") or says(p, "asks_magnitude"))]
            if counted and len(counted) < sum(asks for _, asks in kept):
                kept = [k for k in kept if k not in counted]
                notes, declined = [NOTES["dose_part"]], set(blocked)
        if not notes or not any(asks for _, asks in kept) or not blocked <= declined:
            return focus, [], set()
        rest = "; ".join(p for p, _ in kept) + "?"
        # a part left without its treatment keeps the one the declined part named ("inotuzumab dose, and how many
        # cycles before transplant?" asks about inotuzumab before a transplant)
        own = {m.concept for p, _ in kept for m in read_concepts(p.lower()).mentions}
        carried = list(dict.fromkeys(words for concept, words in subjects if concept not in own))
        return (f"{', '.join(carried)}: {rest}" if carried else rest), notes, declined

    def _part_blocks(self, piece: str, facts: PatientFacts) -> set[str]:
        """The refusals one part of a question gets by itself; a part that only lacks the disease words ("dose?")
        is read as a question about adult ALL, as the whole question was."""
        fired = {i.finding.rule_id for i in check_scope(piece, facts) if i.finding.severity == "block"}
        if fired and all(self.policy.entry(r).lifted_by_follow_up for r in fired):
            fired = {i.finding.rule_id for i in check_scope(f"{piece} (adult ALL)", facts)
                     if i.finding.severity == "block"}
        return fired

    def _facts(self, q: str, turns: list[str],
               overrides: Mapping[str, Any] | None) -> tuple[PatientFacts, list[str]]:
        """The patient facts of the question (and the ages it compares, which leave the age unset)."""
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
        lead = list_lead(rest)
        led = read_facts(lead, history=turns) if lead is not None else None
        if lead is not None and led is not None and not about_a_patient(lead, led):
            # a numbered list of topics about no patient ("Ph+ ALL, by number: 1) induction 2) allo in CR1 3) TKI
            # after transplant by MRD 4) ..."): an item's phase, transplant or MRD is its topic, not a fact; the
            # disease the list is about (Ph status, lineage) stays
            disease = {k: getattr(facts, k) for k in ("ph_status", "lineage")}
            facts = led.model_copy(update={k: v for k, v in disease.items() if v and _list_is_about(rest, k, v)})
        supposed = supposed_items(rest)
        if supposed:  # "1) allo in CR1? 2) if the patient is not transplanted, how long TKI?": the case item 2
            # supposes is not the patient's (item 1 asks about the transplant), unless another item states it too
            kept = rest
            for item in supposed:
                kept = kept.replace(item, " ")
            told = read_facts(kept, history=turns)
            facts = facts.model_copy(update={k: None for k, v in facts.model_dump().items()
                                             if v is not None and getattr(told, k) is None})
        compared = compared_ages(q)
        if compared:  # "aged 60 vs one aged 70": no single age; each age group's branch shows
            facts = facts.model_copy(update={"age": None, "age_band": None})
        if compares_transplant(q):  # "with vs without allo-HSCT": neither is the
            # patient's; each side's rules show (and no phase the transplant set: "post-HSCT")
            facts = facts.model_copy(update={"transplant": None} | (
                {"phase": None} if facts.phase == "post_hsct" else {}))
        if overrides:
            try:
                facts = apply_overrides(facts, dict(overrides))
            except (ValueError, TypeError) as exc:
                raise QuestionError(f"invalid patient-fact override: {exc}") from exc
        return facts, compared

    def _premise(self, qt: str, facts: PatientFacts, whole: str = "") -> list[Any]:
        """The rules the question's premise conflicts with; for a several-part question whose later part supposes
        a fact the earlier ones do not state, each part for its own case ("X is the standard, right? And how does
        it change if the patient is elderly (≥65)?": the supposed age is no premise of the first part, rja107 q29)."""
        found = premise_conflicts(qt, facts, self.rulebook)
        text = whole or qt  # (the parts as asked: the focus may have left the supposition out as background)
        parts = question_parts(text)
        if not found or len(parts) < 2:
            return found
        spans = part_spans(text, parts)
        stated = [read_facts(span, population=True).known() for span in spans]
        later = [{k for o in stated[i + 1:] for k in o} - set(own) for i, own in enumerate(stated)]
        if not any(later):
            return found
        return list({r.id: r for i, span in enumerate(spans) for r in premise_conflicts(
            f"{span}?", facts.model_copy(update={k: None for k in later[i] if k != "prior_tkis"}), self.rulebook)}.values())

    def _tagged_whole(self, qt: str, whole: str, facts: PatientFacts) -> list[Any]:
        """The conflicts of the whole question when the focus is a claim put to be confirmed whose conditions the
        focus left out as background ("R/R B-ALL, if CD22+, blinatumomab, if CD19+, inotuzumab, right?" focuses on
        "blinatumomab, inotuzumab, right?", rja104 q14)."""
        form = premise_form(qt)
        if not whole or whole == qt or not (form.tagged or form.confirms):
            return []
        return premise_conflicts(whole, facts, self.rulebook)

    def _gather(self, qt: str, facts: PatientFacts, blocked: set[str],
                words: str = "", whole: str = "") -> tuple[list[RetrievedChunk], list[Chunk], list[Any]]:
        """Retrieved chunks, the pool drafting may quote (plus the rules' and the named trials' sections), and the
        rules the question's premise conflicts with. `qt` is the question's focus in canonical terms; `words` the
        Japanese question's own words, which the first search also reads; `whole` the question with its background
        clauses (the patient's conditions: "his kidneys are weak")."""
        if self.policy.skips_retrieval(blocked):
            return [], [], []
        retrieved = self.retriever.search(f"{qt} {words}".strip(), facts=facts, k=self.settings.retrieval.k)
        sure, maybe = patient_rules(qt, facts, self.rulebook, [r.chunk.section_id for r in retrieved[:3]])
        maybe += [r for r in after_transplant_rules(asking_clause(qt), facts, self.rulebook,
                                                    [r.chunk.section_id for r in retrieved[:3]]) if r not in maybe]
        known = facts.model_copy(update=assumed(facts))  # (with what the stated facts imply, as the drafter reads
        if known != facts and not answering(sure):  # them, when nothing else answers: T-lineage is Ph-negative,
            # "T-ALL at 27: the usual treatment?", r75 q35)
            maybe += [r for rs in patient_rules(qt, known, self.rulebook, [r.chunk.section_id for r in retrieved[:3]])
                      for r in rs if r not in sure and r not in maybe]
        after = drafting_facts(asking_clause(qt), qt, facts)  # (and as the drafter will choose them: "a TKI after
        if after != facts:  # allo-HSCT?" is drafted for after the transplant)
            maybe += [r for rs in patient_rules(qt, after, self.rulebook, [r.chunk.section_id for r in retrieved[:3]])
                      for r in rs if r not in sure and r not in maybe]
        if not answering(sure) and about_a_patient(qt, facts):  # a patient's deciding fact missing: each branch's lead may be quoted
            leads, _ = deciding_branches(qt, facts, self.rulebook, [r.chunk.section_id for r in retrieved[:3]],
                                         asked_treatments(qt))  # (as the drafter reads the branches)
            maybe = [*maybe, *(r for r in leads if r not in maybe)]
        maybe += [r for r in trial_rules(qt, facts, self.rulebook, [r.chunk for r in retrieved[:5]]) if r not in maybe]
        maybe += [r for side in compared_sides(qt, facts, self.rulebook, [r.chunk.section_id for r in retrieved[:3]])
                  for r in side if r not in maybe]  # (each group a question compares: its rules' sections)
        # (a claim the question makes, or a value it states for a quantity the guideline fixes: "0.1%, right?")
        # (a dose refusal still corrects a false premise: "JSH recommends ponatinib frontline — which dose?")
        refused = blocked and (d := self.policy.refusal(blocked)) is not None and d.reply != "dose"
        premise = [] if refused else (self._premise(qt, facts, whole)
                                      or self._tagged_whole(qt, whole, facts)
                                      or value_premises(qt, facts, self.rulebook))
        # (and the whole document of a trial the question names: its numbers are checked)
        evidence_sections = [r.chunk.section_id for r in retrieved[:3] if r.chunk.tier == "evidence"][:2] + (
            self.retriever.trial_sections(qt) if retrieved else [])
        # "does JSH recommend X?": its own words (and the asking clause's alone, after a long case description)
        status = [r for text in dict.fromkeys([qt, asking_clause(qt)])
                  for r in self.retriever.search(text, facts=facts, k=4, tier="guideline")] \
            if retrieved and asks_position(qt) else []
        # whole sections: the yes/no sentence may sit in a sibling chunk of what was retrieved
        status_sections = list(dict.fromkeys(r.chunk.section_id for r in [*status, *(retrieved[:5] if status else [])]))
        # (after "No, as asked" for a treatment the patient is not for: what the guideline gives in their phase)
        ruled = [*sure, *maybe, *premise, *alternatives(qt, facts, self.rulebook, asked_for=says(qt, "asks_what_else")),
                 *indication_rules(qt, facts, self.rulebook),  # ("when is blinatumomab used?": its own rules)
                 *deciding_rules(maybe, facts, self.rulebook)]  # (what MRD result counts, when the branches need it)
        # (a premise's own rule last: the prompt's first sources stay the question's)
        extra_chunks = self.retriever.section_chunks(
            [sid for r in ruled for sid in r.section_ids]
            + [sid for r in ruled for rid in r.see_also for sid in self.rulebook.get(rid).section_ids]
            + evidence_sections + status_sections
            # (a grade or CQ asked for: the corpus's own line that it holds none, rja108 q29)
            + (["context/corpus-limits"] if says(qt, "grade_question") else []))
        if retrieved:
            extra_chunks += self._asked_chunks(qt, facts, retrieved, [r.statement for r in sure], whole or qt)
        return retrieved, _pool(retrieved, extra_chunks), premise

    def _asked_chunks(self, qt: str, facts: PatientFacts, retrieved: list[RetrievedChunk],
                      answers: list[str], whole: str = "") -> list[Chunk]:
        """Sections for what the question asks beyond its first retrieval: each part, the definitions, a second
        subject, each asked treatment in the question's setting, the survival asked about, each treatment's trial
        results when compared, each drug's toxicities when cautions are asked (a procedure's: those of the drugs
        the `answers`, the applying rules' statements, give)."""
        extra_chunks: list[Chunk] = []
        parts = question_parts(qt)
        if len(parts) >= 2:  # a question that asks several things: each part's own best sections
            extra_chunks += [r.chunk for p in parts[:4] for r in self.retriever.search(p, facts=facts, k=3)]
        if is_definition_question(qt) or says(qt, "meaning_words") or any(asks_what_it_is(p) for p in parts[1:]):
            # "what is meant by AYA?", "does Ph+ mean it is CML?", "…CAR T cells: can he get that, and what is it?":
            # the sentences that define it
            extra_chunks += self.retriever.definition_chunks(qt)
        # a second subject in the question that retrieval did not reach ("any tox to watch?")
        extra_chunks += self.retriever.uncovered_term_chunks(qt, [r.chunk for r in retrieved[:8]])
        # a question whose answer is worded otherwise ("must my doctor follow it?" is answered by "supports physician
        # judgement rather than binding it"): the lines in the answer's words (cues.yaml `answered_in_other_words`)
        extra_chunks += [r.chunk for kind in reworded_kinds(qt)
                         for r in self.retriever.search(" ".join(w.strip("*") for w in cue(f"reports_{kind}")), k=2)]
        # each treatment the question asks about, retrieved for itself in the question's setting
        asked = asked_treatments(qt)
        extra_chunks += [r.chunk for c in asked[:3]
                         for r in self.retriever.search(f"{qt} {concept_label(c)}", facts=facts, k=3)]
        # an asked drug whose own rules are for another setting ("MRD-positive in CR1: blinatumomab?"): their
        # sections, which say where the summary leaves it ("... in remission, as tested in BLAST, is unverified")
        extra_chunks += self.retriever.section_chunks(list(dict.fromkeys(
            sid for r in self._own_rules_elsewhere(asked[:3], facts) for sid in r.section_ids)))
        if asks_position(qt) and about_a_patient(qt, facts):  # a treatment put to the guideline after a case
            # ("55yo ... MRD+ at 0.1%. blina per JSH?"), whose words the retrieval follows: the guideline sections
            # naming it with the case's population, where the summary's own line on that use stands
            population = [t for t in dict.fromkeys(tokenize(qt)) if t in POPULATION_TOKENS]
            lex = load_lexicon()  # (a drug: a regimen or a procedure is the rules' to answer)
            extra_chunks += self.retriever.section_chunks(list(dict.fromkeys(
                sid for c in asked[:3] if lex.concepts[c].kind == "drug" for sid in self.retriever.ranked_sections(
                    " ".join([concept_label(c), *population]), 2, tier="guideline"))))
        if says(qt, "asks_prognosis"):  # "is it curable?": the survival reported in the patient's population
            # (the Ph status not given: each branch's, as the rules show each branch)
            groups = {"positive": ["Ph-positive"], "negative": ["Ph-negative"]}.get(
                facts.ph_status or "", ["Ph-positive", "Ph-negative"])
            found = [r.chunk for g in groups for r in self.retriever.search(
                f"{g} ALL 5-year overall survival disease-free survival", facts=facts, k=4, tier="evidence")]
            # (with their whole trial documents: the population a result line belongs to is named in its design)
            extra_chunks += found + self.retriever.section_chunks(list(dict.fromkeys(c.section_id for c in found)))
        outcomes = [k for k in asked_outcomes(qt, len(asked)) if k != "reports_toxicity"]
        if (len(asked) >= 2 or asked and says(qt, "asks_magnitude")) and outcomes:
            # "A or B: which gets more remissions?", "how do their trials compare?": each one's trial results
            outcome = "complete remission rate" if outcomes[0] == "reports_remission" else "overall survival"
            extra_chunks += [r.chunk for c in asked[:3] for r in self.retriever.search(
                f"{concept_label(c)} trial {outcome}", k=3, tier="evidence")]
        # the ages asked of a group or a treatment ("pediatric-type regimen up to what age?"): the lines giving them
        extra_chunks += [r.chunk for c in age_subjects(whole or qt)[:2]
                         for r in self.retriever.search(f"{concept_label(c)} aged years age group", k=3)]
        # a treatment named for a patient with a condition its harms weigh ("weak kidneys: HD-MTX?"): its lines on them
        extra_chunks += [r.chunk for c, harms in list(weighed_treatments(whole or qt).items())[:3]
                         for r in self.retriever.search(f"{concept_label(c)} {' '.join(sorted(harms))} toxicity", k=3)]
        if says(qt, "asks_cautions") or says(qt, "asks_side_effects") or says(qt, "asks_toxicity") or read_concepts(
                qt.lower()).ids(kind="adverse_event"):
            # "what should weigh the choice?", "cautions?", "yellow eyes on inotuzumab": each drug's toxicities
            # (the asked ones, then those named: "plan: inotuzumab then allo-HSCT. What is the key toxicity?",
            # "getting blinatumomab. What side effects should we watch for? And CAR-T, can he get it?")
            treatments = list(dict.fromkeys([*asked, *named_treatments(qt)]))[:3]
            extra_chunks += [r.chunk for c in treatments + answer_drugs(qt, answers)[:3]
                             for r in self.retriever.search(f"{concept_label(c)} toxicity", k=3)]  # (any section)
        return extra_chunks

    def _ruled_on(self, concept: str) -> bool:
        """Some rule's statement names the concept (the corpus says something about it)."""
        return bool(rules_naming(self.rulebook, concept))

    def _own_rules_elsewhere(self, asked: Sequence[str], facts: PatientFacts) -> list[GuidelineRule]:
        """The rules naming an asked drug itself, when none of them fits the patient's known facts."""
        lex = load_lexicon()
        out = []
        for c in asked:
            if c not in lex.concepts or lex.concepts[c].kind != "drug":
                continue
            own = rules_naming(self.rulebook, c)
            if own and all(r.condition(facts) is False for r in own):
                out += own
        return out

    def _notes(self, q: str, focus: str, facts: PatientFacts, scope_findings: list[RuleFinding], compared: list[str],
               premise: list[Any], turns: list[str]) -> list[str]:
        """The notes shown before the answer: safety notes for a patient, age-group edges, units read, premises."""
        notes: list[str] = patient_notes(q, scope_findings, self.policy)
        reasons = misfit_reasons(focus, facts)
        aged = {c for c, why in reasons.items() if facts.age is not None and str(facts.age) in why}
        if premise and _only_about(premise[0], aged):  # (an age limit only: a wrong target stays the premise's "No")
            premise = []  # (the premise's rule is the asked treatment's own limit: the "No" that names the patient's
            # value says it better, "CAR-T at 38? if not, what else?" as read from Japanese)
        if not premise:  # an asked treatment the patient described is not for: "No" first (after the safety notes)
            fit = FIT_PART_NOTE if len(_asked_treatment_classes(q)) >= 2 else (
                FIT_AGREE_NOTE if _states_ruled_out(focus) else
                FIT_RANGE_NOTE if says(asking_clause(focus), "asks_age_range") else FIT_NOTE)
            notes += [fit.format(why=why) for why in reasons.values()]
        notes += [NOTES[key].format(what=subject_of(f.message)) for key, f in self.policy.notes(scope_findings,
                                                                                                patient=False)]
        # (the age groups divide the first-line pathway: no edge note for a relapse or after a transplant, rja48 y21)
        edge = age_edge_note(facts.age, facts.ph_status) if facts.phase not in _LATER_PHASES else None
        if edge and not self.policy.plain(scope_findings):  # (in Ph-positive ALL only 65 divides the pathway; a
            # patient asking about their own treatment is not told about algorithm groups)
            notes.append(edge)
        elif not edge and facts.age is not None and facts.age_band in _BAND_GROUPS and _asks_age_group(q):
            # "isn't she too old for a children's treatment?" at 24: which group the age is in, asked outright
            groups = _PH_POS_GROUPS if facts.ph_status == "positive" else _BAND_GROUPS
            notes.append(AGE_GROUP_NOTE.format(age=facts.age, group=groups[facts.age_band]))
        if compared and facts.age is None:
            what = ", ".join(compared[:-1]) + f" and {compared[-1]}"
            # ("ages 30 and 45"; not "ages 40-64 and 65 or older", which read 「40〜64歳歳と65歳以上歳」, rja97 q38)
            notes.append(AGES_NOTE.format(ages=("ages " + what) if all(c.isdigit() for c in compared) else what))
        if not turns and leans_on_history(q):
            notes.append(NO_HISTORY_NOTE)
        bare = unitless_mrd_level(q)
        if bare is not None and facts.mrd_level_pct == float(bare):
            notes.append(UNIT_NOTE.format(value=bare, power=_as_power(float(bare))))
        if premise:  # (a patient asking whether they must keep taking what the guideline does not recommend: no bare
            # "No", which reads as leave to stop; "No" to stopping what it recommends stays)
            withheld = premise[0].asserts and all(a.stance in NEGATIVE_STANCES for a in premise[0].asserts)
            plain = self.policy.plain(scope_findings)
            note = premise_note(q, premise[0], facts)
            if plain and note in (PREMISE_NOTE.format(title=premise[0].title),
                                  PREMISE_ASKED_NOTE.format(title=premise[0].title)):
                note = PREMISE_PLAIN_NO_NOTE  # (for a family: no rule title, no "conflicts", r89 q21)
            notes.append(PREMISE_PLAIN_NOTE.format(title=premise[0].title) if withheld and plain else note)
        return notes

    def _draft_and_check(self, plan: QuestionPlan, facts: PatientFacts, retrieved: list[RetrievedChunk],
                         pool: list[Chunk], premise: list[Any], notes: list[str], scope_findings: list[RuleFinding],
                         compared: list[str], turns: list[str], mode: str | None, sink: Any) -> tuple[Any, str, float]:
        """Draft (LLM or extractive) from the one plan and check; a generated draft that cannot be grounded falls
        back. The plan's focus is what the answer is drafted from and checked against."""
        qt = plan.focus
        plain = self.policy.plain(scope_findings)
        use_llm = self.llm is not None and mode != "extractive"
        extra: list[RuleFinding] = [self.policy.event(
            "premise", f"The question's premise or proposal conflicts with the guideline: {r.title}",
            section_id=r.section_ids[0]) for r in premise[:1]]
        if use_llm:
            try:
                draft, cut = self._draft_llm(plan, facts, pool, turns, sink)
                if cut:
                    extra.append(self.policy.event("llm_truncated", cut))
            except GenerationError as exc:
                log.warning("LLM drafting failed, falling back to extractive: %s", exc)
                extra.append(self.policy.event("llm_failed", f"The language model failed ({exc}); extractive answer shown"))
                use_llm = False
        if not use_llm:
            read: dict[str, Chunk] = {}  # (sections the drafter reads beyond the pool: a rule chosen for one part)

            def sections(ids: Sequence[str]) -> list[Chunk]:
                chunks = self.retriever.section_chunks(ids)
                read.update((c.chunk_id, c) for c in chunks)
                return chunks

            draft, missing = draft_extractive(plan, facts, retrieved, pool=pool, rulebook=self.rulebook, notes=notes,
                                             rare=self.retriever.is_rare, plain=plain, premise=premise,
                                             # several ages were given: the age branches are the answer
                                             given=(frozenset({"age", "age_band"}) if compared else frozenset())
                                             | named_otherwise(plan.text),
                                             sections=sections, search=self._part_search)
            extra.extend(missing)
            have = {c.chunk_id for c in pool}
            pool = [*pool, *(c for cid, c in read.items() if cid not in have)]  # (what is cited is checked)
        t3 = time.perf_counter()
        if sink is not None:
            sink({"event": "stage", "data": "checking"})
        said = " ".join([*turns, plan.text])  # (the asker's numbers: those the focus leaves out are theirs too)
        result = check(qt, facts, draft.model_copy(update={"said": said}), pool, prior=[*scope_findings, *extra])
        if use_llm and not result.grounded:
            draft, missing = draft_extractive(plan, facts, retrieved, pool=pool, rulebook=self.rulebook, notes=notes,
                                             rare=self.retriever.is_rare)
            fallback = self.policy.event("llm_failed", "The generated answer could not be grounded or repaired; the "
                                                       "extractive answer is shown instead")
            return check(qt, facts, draft.model_copy(update={"said": said}), pool,
                         prior=[*result.findings, *missing, fallback]), "extractive", t3
        return result, "llm" if use_llm else "extractive", t3

    def _part_search(self, text: str, facts: PatientFacts) -> list[RetrievedChunk]:
        """The sections ranked for one part of a several-part question, in its own setting (draft_extractive)."""
        return self.retriever.search(text, facts=facts, k=self.settings.retrieval.k)

    def _draft_llm(self, plan: QuestionPlan, facts: PatientFacts, pool: Sequence[Chunk], turns: list[str],
                   sink: Any) -> tuple[Draft, str | None]:
        """The model's draft, streamed within the question's time budget (settings.llm.time_budget_s): when the budget
        runs out the text is cut at its last finished sentence. Returns the draft and why it was cut (or None)."""
        chunks = list(pool)[: max(self.settings.retrieval.k + 3, 8)]
        messages = llm_messages(plan, facts, chunks, turns)
        if hasattr(self.llm, "prompt_chunks"):  # (the Japanese answer model checks its answer against them)
            self.llm.prompt_chunks = chunks
        budget = self.settings.llm.time_budget_s
        deadline = time.monotonic() + budget
        parts: list[str] = []
        cut: str | None = None
        try:
            for text in pieces_until(self.llm, messages, deadline):
                parts.append(text)
                if sink is not None:
                    sink({"event": "text", "data": text})
        except TimeoutError:
            cut = f"The model ran past the {budget:g} s generation budget; its answer was cut at the last " \
                  "finished sentence"
        except Exception as exc:
            raise GenerationError(f"{exc.__class__.__name__}: {exc}") from exc
        text = "".join(parts)
        if cut is not None:
            text = finished_sentences(text)
            if not text:
                raise GenerationError(f"no finished sentence within the {budget:g} s generation budget")
        return draft_from_llm_text(text, chunks), cut

    def _refusal(self, q: str, facts: PatientFacts, blocked: set[str], findings: list[RuleFinding],
                 retrieved: list[RetrievedChunk], pool: list[Chunk], premise: list[Any] = ()) -> Answer:
        decided = self.policy.refusal(blocked)
        reply = decided.reply if decided is not None else None
        reason = next((f.message for f in findings if f.rule_id in blocked and decided is not None
                       and self.policy.entry(f.rule_id).reply == reply), "")
        draft = Draft(answer=REFUSAL_OUT_OF_SCOPE)
        if reply == "never_event":
            draft = Draft(answer=NEVER_EVENT_NOTE)
        elif reply == "pediatric":
            ped = [c for c in self.retriever.section_chunks(["context/pediatric-jspho"])]
            rc = [RetrievedChunk(chunk=c, score=0.0, rank=i) for i, c in enumerate(ped, 1)]
            d, _ = draft_extractive(q, PatientFacts(), rc, pool=ped, rulebook=RuleBook(rules=[]), notes=[CHILD_NOTE],
                                    max_sentences=2)
            draft = d if d.citations else Draft(answer=CHILD_NOTE)
        elif reply == "dose":
            # a patient asking to change their own dose hears first that they should not do it alone
            notes = [*patient_notes(q, findings, self.policy), DOSE_NOTE,
                     *(premise_note(q, r, facts) for r in premise[:1])]
            d, _ = draft_extractive(q, facts, retrieved, pool=pool, rulebook=self.rulebook, notes=notes, premise=premise,
                                    rules_only=True, max_sentences=3, plain=len(notes) > 1)
            draft = d if d.citations else Draft(answer="\n\n".join(notes))
        elif reply == "injection":
            draft = Draft(answer="_This request asks me to bypass the guideline or my checks, so I won't. "
                                 "Ask a question about adult ALL treatment instead._")
        elif reply == "reason":
            draft = Draft(answer=f"_{reason}._")
        elif reply == "out_of_scope":
            draft = Draft(answer=f"{REFUSAL_OUT_OF_SCOPE}\n\n_{reason}._")
        checked = check(q, facts, draft, pool, prior=findings) if draft.citations else None
        if checked is not None and checked.grounded:
            draft = checked.draft  # (a refusal shows no notes: the checks' note findings are left out)
            findings = [f for f in checked.findings if self.policy.entry(f.rule_id).outcome != "note"]
        return Answer(question=q, answer=draft.answer, citations=draft.citations, verdict="refused",
                      findings=findings, patient=facts, scope=self.policy.scope(blocked),  # type: ignore[arg-type]
                      mode="extractive", retrieved=[r.chunk.chunk_id for r in retrieved])


def _list_is_about(question: str, kind: str, value: Any) -> bool:
    """Whether a numbered list is about the disease a fact names: it is said before the list, in its first item or in
    most items. Named in one later item only, it is that item's topic ("(1) blinatumomab's target? (2) inotuzumab's?
    (3) the relapse drug for T-lineage disease?": no T-ALL patient for the first two, r71 q24)."""
    items = list_items(question)
    said = [getattr(read_facts(item), kind) == value for item in items]
    lead = list_lead(question) or ""
    return not items or said[0] or 2 * sum(said) > len(items) or getattr(read_facts(lead), kind) == value


#: What a part of a question can be about on its own: a part with none of these ("for how many days each?") goes on
#: with the part before it.
_SUBJECT_KINDS = TREATMENT_KINDS | {"medicine", "population", "marker", "lineage", "phase", "phase_of_treatment",
                                     "disease", "other_disease", "adverse_event", "outcome", "source"}


def _has_subject(piece: str) -> bool:
    return any(m.kind in _SUBJECT_KINDS for m in read_concepts(piece.lower()).mentions)


_STREAM_END = object()


def pieces_until(llm: Any, messages: Any, deadline: float) -> Iterator[str]:
    """The model's streamed text pieces until it ends, or TimeoutError at `deadline` (time.monotonic()).

    The stream is read in a worker thread, so the deadline also ends a wait for a piece that does not come: a server
    still reading a long prompt, or queueing the request behind another, may send nothing (or only keep-alive
    pings) for longer than the budget. The worker closes the stream at its next piece once the caller stopped
    reading; a stalled request ends with the client's own timeout (`make_llm`: budget + 5 s)."""
    import queue
    import threading

    q: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()

    def read() -> None:
        try:
            stream = llm.stream(messages)
            try:
                for piece in stream:
                    if stop.is_set():
                        break
                    text = piece.content if isinstance(piece.content, str) else ""
                    if text:
                        q.put(text)
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread below
            q.put(exc)
        finally:
            q.put(_STREAM_END)

    threading.Thread(target=read, name="allguide-llm-stream", daemon=True).start()
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            try:
                item = q.get(timeout=left)
            except queue.Empty:
                raise TimeoutError from None
            if item is _STREAM_END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _all_denied(q: str, rule: GuidelineRule, facts: PatientFacts | None) -> bool:
    """Each treatment the question asks about is the premise's (the rule's claims are about it) or one the patient
    is not for."""
    if facts is None:
        return False
    about = {c for a in rule.asserts for c in a.about}
    misfit = misfit_reasons(q, facts)
    return all(c in misfit or any(related_treatments(c, x) for x in about) for c in asked_treatments(q))


#: Notes kept when no answer is found: the safety notes for a patient or relative, and the injection note.
_KEPT_NOTES = tuple(NOTES.values())


def _only_about(rule: GuidelineRule, concepts: set[str]) -> bool:
    """Every treatment the rule's statement names is one of `concepts` or of their family (tisagenlecleucel for
    CAR-T): a rule on nothing else."""
    lex = load_lexicon()
    named = {c for c in concept_ids(rule.statement.lower()) if lex.concepts[c].kind in TREATMENT_KINDS}
    return bool(named and concepts) and all(addressed(c, concepts) or any(addressed(m, {c}) for m in concepts)
                                            for c in named)


def premise_note(q: str, rule: GuidelineRule, facts: PatientFacts | None = None) -> str:
    """The "No" note for a premise; "No for part of this" when the question asks about several treatments ("could he
    get blinatumomab or CAR-T?" at 31: CAR-T conflicts, blinatumomab does not), unless every other one asked is
    not for the patient either ("inotuzumab targets CD19, right? And for relapsed T-ALL?": No to both, rja48 y32);
    "only as an option" when the rule names the treatment asked about as an option ("is transplant recommended for
    her age group?" at 68)."""
    if len(_asked_treatment_classes(q)) >= 2 and not _all_denied(q, rule, facts):
        return PREMISE_PART_NOTE.format(title=rule.title)
    # (the premise's treatment may be asked in another sentence than the last, or by a pronoun, named in the case:
    # "scared about radiation to my head. Will I definitely need it? And why the spinal taps?", r56 k22)
    asked = set(asked_treatments(asking_clause(q))) | set(asked_treatments(asking_sentences(q))) or treatments_in(
        q.lower())
    about = [a for a in rule.asserts if asked & set(a.about)]
    stances = {a.stance for a in about}
    if stances == {"option", "not_required"}:  # required of none, an option for some: "will they have to radiate my
        return PREMISE_NOT_REQUIRED_NOTE.format(title=rule.title)  # head?" is "No, not for everyone" (r50 d20)
    optional = bool(about) and stances == {"option"} and not _claims_another_group(q, about)
    if optional:
        return PREMISE_OPTION_NOTE.format(title=rule.title)
    if _premise_in_the_case(q):
        return PREMISE_CASE_NOTE.format(title=rule.title)  # ("wants to stop after 2 years. How long should it go on?")
    if _only_asks(q):
        return PREMISE_ASKED_NOTE.format(title=rule.title)
    return PREMISE_NOTE.format(title=rule.title)


def _only_asks(q: str) -> bool:
    """The question asks yes or no and states nothing that could conflict: no claim put to be confirmed ("...,
    right?"), none heard or understood ("a friend told us ...", "I understand that ..."), no position it gives JSH
    ("since JSH recommends X, ...")."""
    from assistant.rules.logic import asserts_something, hearsay_sentence, reported_position

    forms = [premise_form(x) for x in sentences(q)]
    return not any(f.tagged or f.confirms for f in forms) and hearsay_sentence(q) is None and \
        reported_position(q) is None and not asserts_something(q)


def _claims_another_group(q: str, about: list[Any]) -> bool:
    """A clause of the question names a lineage or Ph status the rule's option is not for ("since nelarabine works in
    T-ALL, the guideline also recommends it for relapsed B-ALL, correct?", r81 q39, UNSAFE as "Only as an option"):
    the answer is "No", not "only as an option"."""
    said = [stated_facts(part) for s in sentences(q) for part in s.split(",")]
    for a in about:
        for key in ("lineage", "ph_status"):
            want = (a.population or {}).get(key)
            allowed = want if isinstance(want, list) else [want]
            if want is not None and any(f.get(key) not in (None, *allowed) for f in said):
                return True
    return False


def _premise_in_the_case(q: str) -> bool:
    """The question asks openly ("how long ...?") and what conflicts is in the case it tells: no sentence of it puts a
    claim to be confirmed ("..., right?") or states the guideline's position ("JSH recommends X — which dose?")."""
    clause = asking_clause(q)
    asking = premise_form(clause)
    if not asking.asks_open or asking.presupposes:
        return False
    told = q.replace(clause, " ")
    return not says(told, "guideline_word") and not any(
        (f := premise_form(x)).tagged or f.confirms for x in sentences(q))


def _states_ruled_out(focus: str) -> bool:
    """The question says the treatment is out of reach ("I was told I can't have CAR-T"), not supposes it ("if not
    fit enough for it, what else?", rja52 e21 was told "That is right" to "can I have it?")."""
    hit = first_of(focus.lower(), cue("states_ruled_out"))
    return hit is not None and not supposed_at(focus, hit[0])


def _asked_treatment_classes(q: str) -> set[str]:
    """The treatments the asking sentences name for the patient (not one denied or already given), a drug and its
    class once."""
    asking = asking_sentences(q)
    named = {m.concept for m in read_concepts(asking.lower()).mentions
             if m.kind in TREATMENT_KINDS and not (m.historical or m.other_person or m.negated)} - set_aside(asking)
    return {c for c in named if not any(c != o and c in broader_chain(o) for o in named)}


def patient_notes(q: str, findings: Sequence[RuleFinding], policy: Policy | None = None) -> list[str]:
    """The notes for a patient or relative asking about their own treatment, in the policy table's order (comfort
    for a frightened one, treating oneself around the doctor, someone else's medicine, changing treatment alone);
    a relative asking for the patient hears the third-person version of the last."""
    out: list[str] = []
    for key, _ in (policy or default_policy()).notes(findings, patient=True):
        if key == "self_change" and for_a_relative(q) and not is_self_change_first_person(q):
            key = "relative_change"
        if key == "distress" and not says(without(q, "names_type"), "names_result"):
            key = "distress_general"
        out.append(NOTES[key])
    return out


def _with_notes(answer: str, notes: list[tuple[str, RuleFinding]], shown: list[str],
                asked: Sequence[str] = ()) -> str:
    """The answer with the checks' notes (e.g. an asked treatment no line addresses) before the disclaimer; a note on
    a condition or on a treatment the asking clause names (`asked`, labels) comes first: it is what was asked."""
    # (a treatment asked about that a note already answered "No, X is for ..." is addressed: no "not addressed")
    made = [(key, NOTES[key].format(message=f.message, what=subject_of(f.message)), subject_of(f.message))
            for key, f in notes if not (key == "relevance" and any(f"{subject_of(f.message)} is for" in s for s in shown))]
    made = [(key, n, what) for key, n, what in made if n not in shown and n not in answer]
    # (a condition the asking sentence names and no source covers, "chemo timing in pregnancy?", is what was asked:
    # saying so comes first, before the patient's own lines)
    conditions = {c.label for c in load_lexicon().concepts.values() if c.kind == "comorbidity"}
    leading = [what for key, _, what in made if key == "relevance" and (what in conditions or what in asked)]
    if leading:
        answer = "\n\n".join(RELEVANCE_LEAD_NOTE.format(what=what) for what in leading) + "\n\n" + answer.lstrip()
    extra = [n for key, n, what in made if not (key == "relevance" and what in leading)]
    if not extra:
        return answer
    head, sep, tail = answer.rpartition(DISCLAIMER)
    return (head.rstrip() + "\n\n" + "\n\n".join(extra) + "\n\n" + sep + tail) if sep else (
        answer.rstrip() + "\n\n" + "\n\n".join(extra))


def finished_sentences(text: str) -> str:
    """The text up to its last finished sentence (a full stop, or a citation marker, at the end).

    >>> finished_sentences("TKI plus chemotherapy is recommended.[1] Allo-HSCT in CR1 is recomm")
    'TKI plus chemotherapy is recommended.[1]'
    """
    end = max(text.rfind(". "), text.rfind(".\n"), text.rfind("]"))
    if text.rstrip().endswith((".", "]")):
        return text.rstrip()
    if end < 0:
        return ""
    return text[: end + 1].rstrip()


def _pool(retrieved: Sequence[RetrievedChunk], extra: Sequence[Chunk]) -> list[Chunk]:
    seen: dict[str, Chunk] = {}
    for c in [r.chunk for r in retrieved] + list(extra):
        seen.setdefault(c.chunk_id, c)
    return list(seen.values())


def _is_follow_up(q: str) -> bool:
    return len(q.split()) < 9


def _with_earlier(focus: str, q: str, turns: list[str]) -> str:
    """A follow-up ("and if she were 60?", "what about if she's fit enough for a transplant?", "what did the trial
    behind that show?") asks the latest earlier question that named something clinical again: its focus goes
    before the follow-up's, for retrieval and drafting alike (the follow-up's own clause still asks)."""
    if not turns or not (_is_follow_up(q) or leans_on_history(q) or _points_back(q)):
        return focus
    earlier = next((p.focus for p in map(read_question, reversed(turns)) if p.concepts), "")
    return f"{earlier} {focus}".strip()


def _continues_topic(concepts: list[str], turns: list[str]) -> bool:
    """The message names a concept of the lexicon (a drug class, a treatment, a marker) and an earlier turn of the
    conversation named one too: it continues a conversation about the disease, whatever its words."""
    return bool(concepts) and bool(turns) and any(read_question(t).concepts for t in turns)


def _points_back(q: str) -> bool:
    """The message points back to something said before ("the trial behind that", "is it safe?")."""
    return bool({w.strip("?,.!;:").lower() for w in q.split()} & POINTS_BACK)


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


#: The algorithm's age groups by age band, as the notes name them.
_BAND_GROUPS = {"aya": "AYA (15 to 39)", "40-64": "40 to 64", "65+": "65 or older"}
#: The Ph-positive algorithm's groups: under 65 and 65 or older (the AYA and 40-64 groups are Ph-negative's).
_PH_POS_GROUPS = {"aya": "under 65", "40-64": "under 65", "65+": "65 or older"}
_PH_POS_EDGES = {64: ("under 65", "the 65-or-older group starts at 65"),
                 65: ("65 or older", "the under-65 group ends at 64")}
_AYA_CUT = (" (the summary does not state the exact age of this cut; AYA is usually defined in Japan as 15 to 39, so "
            "confirm which protocol applies with the treating team)")
_AGE_EDGES = {
    **{a: (_BAND_GROUPS["aya"], "younger patients are children, outside this adult guideline") for a in (15, 16, 17)},
    # (the summary names the groups, not the exact age between AYA and 40 to 64: FACTS §7.2 [UNCERTAIN], r112 q6)
    39: (_BAND_GROUPS["aya"], "the 40 to 64 group starts at 40" + _AYA_CUT),
    40: (_BAND_GROUPS["40-64"], "the AYA group ends at 39" + _AYA_CUT),
    64: (_BAND_GROUPS["40-64"], "the 65-or-older group starts at 65"),
    65: (_BAND_GROUPS["65+"], "the 40 to 64 group ends at 64"),
}


def _asks_age_group(q: str) -> bool:
    """The asking clause asks whether the patient's age fits ("isn't she too old for a children's treatment?"), and
    about no treatment with an age limit of its own (CAR-T: its own limit answers)."""
    lex = load_lexicon()
    # (a regimen's age limit is the algorithm's age group itself: "too old for the children's protocol?" at 24 is
    # answered by the group)
    clause = asking_clause(q)
    return (says(clause, "asks_age_fit") or _which_of_an_age(clause)) and not any(
        lex.concepts[c].fit_age and lex.concepts[c].kind != "regimen" for c in concept_ids(q.lower())
        if c in lex.concepts)


def _which_of_an_age(clause: str) -> bool:
    """The clause's last question asks "which?" of an age and nothing else ("HD-MTX is for 40-64? if aged 30,
    which?", rja115 q18)."""
    last = next((p for p in reversed(clause.split("?")) if p.strip()), clause)
    return "which" in last.lower().replace(",", " ").split() and not treatments_in(last.lower()) and (
        read_facts(last).age is not None)


#: Phases past the first-line pathway the algorithm's age groups divide.
_LATER_PHASES = frozenset({"relapsed", "refractory", "cr2", "post_hsct"})


def age_edge_note(age: int | None, ph_status: str | None = None) -> str | None:
    """A note for an age at the edge of the algorithm's age groups (of the Ph-positive algorithm's for a
    Ph-positive patient: under 65 and 65 or older).

    >>> age_edge_note(39)
    '_At 39, the patient is in the AYA (15 to 39) group of the JSH 2023 algorithm, at its edge: the 40 to 64 group starts at 40 (the summary does not state the exact age of this cut; AYA is usually defined in Japan as 15 to 39, so confirm which protocol applies with the treating team)._'
    >>> age_edge_note(64, "positive")
    '_At 64, the patient is in the under 65 group of the JSH 2023 algorithm, at its edge: the 65-or-older group starts at 65._'
    >>> age_edge_note(50) is None, age_edge_note(39, "positive") is None
    (True, True)
    """
    edges = _PH_POS_EDGES if ph_status == "positive" else _AGE_EDGES
    if age not in edges:
        return None
    group, other = edges[age]
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
