"""allguide chat UI (Streamlit): `make run`, or `streamlit run app.py`.

Settings come from ALLGUIDE_* environment variables (e.g. ALLGUIDE_STORE__PATH for the index);
the Assistant is built once per configuration with `st.cache_resource`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from assistant import Answer, AssistantError, IndexNotBuiltError, RetrievalError, Settings
from assistant.frontends.render import (
    DISCLAIMER,
    TIER_COLOURS,
    conversation_markdown,
    disclaimer_line,
    fact_chips,
    finding_text,
    quote_lines,
    scope_words,
    section_title,
    shown_findings,
    verdict_info,
)
from assistant.localise import ui_text

log = logging.getLogger("allguide.app")

EXAMPLES = [
    "72-year-old woman with newly diagnosed Ph+ ALL: what induction does the guideline recommend?",
    "35-year-old with Ph-negative B-ALL, MRD positive after induction: is allo-HSCT recommended?",
    "Relapsed CD22-positive B-ALL in a 45-year-old: which salvage options are listed?",
    "Should a TKI be continued after allogeneic transplant in Ph+ ALL?",
]
#: Shown when the language switch is on 日本語 (two of them, with two English ones, on "auto").
EXAMPLES_JA = [
    "70歳女性、新規診断のPh陽性ALL。寛解導入療法は何が推奨されますか？",
    "Ph陽性ALLで同種移植後にMRD陰性。予防的なTKI投与は推奨されますか？",
    "成人ALLのCNS予防で、頭蓋照射は全例に必要ですか？",
    "22歳、再発したB細胞性ALL。CAR-T療法は適応になりますか？",
]
#: The language switch: the answer's language (auto = the question's own).
LANGS = {"auto": "Auto (the question's language)", "en": "English", "ja": "日本語"}
WARM_UP_QUESTION = "Ph-positive ALL induction"

# Sidebar fact widgets: field -> (label, options); "unknown" clears the fact.
UNKNOWN = "unknown"
_CHOICES: dict[str, tuple[str, list[str]]] = {
    "ph_status": ("Ph / BCR::ABL1", [UNKNOWN, "positive", "negative"]),
    "lineage": ("Lineage", [UNKNOWN, "B", "T"]),
    "cd19": ("CD19", [UNKNOWN, "positive", "negative"]),
    "cd22": ("CD22", [UNKNOWN, "positive", "negative"]),
    "mrd_status": ("MRD", [UNKNOWN, "positive", "negative"]),
    "phase": ("Disease phase", [UNKNOWN, "newly_diagnosed", "cr1", "cr2", "relapsed", "refractory", "post_hsct"]),
    "transplant": ("Allogeneic HSCT", [UNKNOWN, "done", "planned", "eligible", "ineligible", "not_done"]),
}
_BOOL_FIELDS = {"cd19", "cd22"}
_OPTION_LABELS = {
    UNKNOWN: "unknown", "newly_diagnosed": "newly diagnosed", "cr1": "first remission (CR1)",
    "cr2": "second remission (CR2)", "post_hsct": "after HSCT", "not_done": "not done", "B": "B-lineage",
    "T": "T-lineage",
}
_STAGES = {
    "retrieving": "Retrieving guideline sections and reading the patient facts…",
    "checked": "Checking citations and guideline rules…",
}


# -- loading ------------------------------------------------------------------------------------------------

def _env_key() -> str:
    """One cached Assistant per ALLGUIDE_* configuration (tests point ALLGUIDE_STORE__PATH elsewhere)."""
    items = sorted((k, v) for k, v in os.environ.items() if k.startswith("ALLGUIDE_"))
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


@st.cache_resource(show_spinner="Loading the embedding model and the guideline index…")
def load_assistant(env_key: str) -> Any:
    """Build Settings (the edge) and the Assistant once; warm the model so the first answer is quick."""
    from assistant import Assistant, QuestionError

    bot = Assistant.from_settings(Settings())
    try:
        bot.ask(WARM_UP_QUESTION)
        bot.ask(WARM_UP_QUESTION, lang="ja")  # the Japanese message table and aligned corpus, read once
    except QuestionError:  # a tiny max_question_chars: skip the warm-up
        pass
    return bot


# -- state ----------------------------------------------------------------------------------------------------

def _state() -> Any:
    ss = st.session_state
    ss.setdefault("lang", "auto")
    ss.setdefault("turns", [])  # {"role": "user", "content"} | {"role": "assistant", "id", "answer"|"error", ...}
    ss.setdefault("facts_for", None)
    return ss


def _queue(question: str, overrides: dict[str, Any] | None = None, history: list[dict[str, str]] | None = None,
           label: str | None = None) -> None:
    st.session_state["pending"] = {"question": question, "overrides": overrides, "history": history,
                                   "label": label}


def _history(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"role": "user", "content": t["content"]} for t in turns if t["role"] == "user"]


def _last_answer_turn() -> dict[str, Any] | None:
    for t in reversed(st.session_state.get("turns", [])):
        if t["role"] == "assistant" and isinstance(t.get("answer"), Answer):
            return t
    return None


def _reaskable(turn: dict[str, Any] | None) -> bool:
    """A refused question is not asked again with other facts (the facts were not why it was refused)."""
    return turn is not None and turn["answer"].verdict != "refused"


# -- callbacks ------------------------------------------------------------------------------------------------

def _widget_value(field: str) -> Any:
    value = st.session_state.get(f"fact_{field}", UNKNOWN)
    if value == UNKNOWN or value is None:
        return None
    if field in _BOOL_FIELDS:
        return value == "positive"
    return value


def _facts_to_widgets(answer: Answer) -> None:
    p = answer.patient
    st.session_state["fact_age"] = p.age
    for field in _CHOICES:
        value = getattr(p, field)
        if field in _BOOL_FIELDS and value is not None:
            value = "positive" if value else "negative"
        st.session_state[f"fact_{field}"] = UNKNOWN if value is None else value


def corrections(answer: Answer) -> dict[str, Any]:
    """The sidebar values that differ from what the assistant understood, as `overrides`."""
    out: dict[str, Any] = {}
    age = st.session_state.get("fact_age")
    age = None if age is None else int(age)
    if age != answer.patient.age:
        out.update({"age": age} if age is not None else {"age": None, "age_band": None})
    for field in _CHOICES:
        value = _widget_value(field)
        if value != getattr(answer.patient, field):
            out[field] = value
    return out


def _reask() -> None:
    turn = _last_answer_turn()
    if turn is None or not _reaskable(turn):
        return
    overrides = corrections(turn["answer"])
    if not overrides:
        st.toast("The facts are unchanged; change a value in the sidebar first.")
        return
    merged = {**(turn.get("overrides") or {}), **overrides}
    _queue(turn["question"], merged, turn.get("history"), label="Re-ask with corrected facts: "
           + ", ".join(f"{k}={'unknown' if v is None else v}" for k, v in overrides.items()))
    st.session_state["pending"]["lang"] = turn.get("lang")  # the same language as the answer corrected


def _save_feedback(turn_id: str) -> None:
    turn = next((t for t in st.session_state.get("turns", []) if t.get("id") == turn_id), None)
    score = st.session_state.get(f"fb_{turn_id}")
    if turn is None or not isinstance(turn.get("answer"), Answer):
        return
    a: Answer = turn["answer"]
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": None if score is None else ("up" if score == 1 else "down"),
        "question": a.question,
        "answer": a.answer,
        "verdict": a.verdict,
        "findings": [f.model_dump(mode="json") for f in a.findings],
        "citations": [c.chunk_id for c in a.citations],
        "patient": a.patient.model_dump(mode="json"),
        "overrides": turn.get("overrides"),
        "mode": a.mode,
        "schema_version": a.schema_version,
    }
    path = Path(st.session_state.get("feedback_path", ".allguide/feedback.jsonl"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        st.toast("Thank you: feedback saved.")
    except OSError as exc:
        log.warning("could not save feedback to %s: %s", path, exc)
        st.toast(f"Feedback could not be saved ({exc}).")


def _clear() -> None:
    st.session_state["turns"] = []
    st.session_state["facts_for"] = None
    for field in ["age", *_CHOICES]:
        st.session_state[f"fact_{field}"] = None if field == "age" else UNKNOWN


# -- rendering ------------------------------------------------------------------------------------------------

def _md(text: str) -> str:
    """Streamlit Markdown turns $...$ into LaTeX; keep dollar signs literal."""
    return text.replace("$", "\\$")


def _badge_text(text: str) -> str:
    return text.replace("[", "(").replace("]", ")")


def render_answer(turn: dict[str, Any]) -> None:
    """The checked answer with its sources, verdict badge, findings, fact chips and feedback."""
    a: Answer = turn["answer"]
    tid = turn["id"]
    lang = a.lang  # the labels speak the answer's language
    st.markdown(_md(a.answer))

    v = verdict_info(a.verdict, lang)
    with st.container(key=f"verdict_{tid}"):
        st.badge(f"{ui_text('verdict', lang, 'Verdict')}: {v.word}", icon=v.icon, color=v.colour)
        st.caption(v.explanation)
        for f in shown_findings(a):  # a refusal's reason is already the answer text: not listed twice
            st.markdown(f"- {_md(finding_text(f, verdict=a.verdict, lang=lang))}")

    if a.citations:
        with st.container(key=f"sources_{tid}"):
            st.markdown(f"**{ui_text('sources', lang, 'Sources')}**")
            for c in a.citations:
                page = f" · p. {c.page}" if c.page else ""
                colour = TIER_COLOURS.get(c.tier, "gray")
                label = f"[{c.marker}] {section_title(c, lang)} · :{colour}-badge[{c.tier}] · `{c.section_id}`{page}"
                with st.expander(label):
                    quote, *original = quote_lines(c, lang)  # a Japanese quote, then its English original
                    st.markdown(f"> {_md(quote)}")
                    for line in original:
                        st.caption(_md(line))
                    st.caption(f"{c.source} · chunk `{c.chunk_id}`")

    chips = fact_chips(a.patient, lang) if a.scope == "in_scope" else []  # an off-topic question has no patient here
    with st.container(key=f"facts_{tid}"):
        if chips:
            st.markdown(f"{ui_text('facts', lang, 'Patient facts understood')}: "
                        + " ".join(f":gray-badge[{_badge_text(x)}]" for x in chips))
        elif a.scope == "in_scope":
            st.caption(ui_text("no_facts", lang, "No patient facts recognised; you can set them in the sidebar and "
                                                 "re-ask."))
        if turn.get("overrides"):
            st.caption("Asked with corrected facts: " + ", ".join(f"{k}={v}" for k, v in turn["overrides"].items()))
    total = a.timings_ms.get("total")
    cols = st.columns([1, 3])
    with cols[0]:
        st.feedback("thumbs", key=f"fb_{tid}", on_change=_save_feedback, args=(tid,))
    with cols[1]:
        line = disclaimer_line(a)
        st.caption(f"{ui_text('mode_' + a.mode, lang, a.mode + ' mode')} · "
                   f"{ui_text('scope_' + a.scope, lang, scope_words(a.scope))}"
                   + (f" · {total / 1000:.1f} s" if total else "")
                   + (f" · {line}" if line else ""))


def render_turn(turn: dict[str, Any]) -> None:
    if turn["role"] == "user":
        with st.chat_message("user"):
            st.markdown(_md(turn["content"]))
            if turn.get("label"):
                st.caption(turn["label"])
        return
    with st.chat_message("assistant"):
        if isinstance(turn.get("answer"), Answer):
            render_answer(turn)
        else:
            st.error(turn.get("error", "No answer."))


def run_question(bot: Any, pending: dict[str, Any]) -> None:
    """Ask, showing a status line and (LLM mode) the streamed draft, then the checked answer."""
    from assistant import QuestionError

    ss = st.session_state
    question = pending["question"]
    lang = pending.get("lang") or ss.get("lang", "auto")
    history = pending.get("history")
    if history is None:
        history = _history(ss["turns"])
    user_turn = {"role": "user", "content": question, "label": pending.get("label")}
    ss["turns"].append(user_turn)
    render_turn(user_turn)
    turn: dict[str, Any] = {"role": "assistant", "id": uuid.uuid4().hex[:12], "question": question,
                            "history": history, "overrides": pending.get("overrides"), "lang": lang}
    with st.chat_message("assistant"):
        status_slot = st.empty()
        status = status_slot.status(_STAGES["retrieving"], expanded=False)
        draft = st.empty()
        got: dict[str, Answer] = {}

        def texts() -> Iterator[str]:
            for ev in bot.stream(question, history=history, overrides=pending.get("overrides"), lang=lang):
                if ev["event"] == "stage":
                    status.update(label=_STAGES.get(ev["data"], str(ev["data"])))
                elif ev["event"] == "text":
                    yield ev["data"]
                elif ev["event"] == "answer":
                    got["answer"] = Answer.model_validate(ev["data"])

        try:
            if bot.mode == "llm":
                with draft.container():
                    st.caption("Draft (being checked)…")
                    st.write_stream(texts())
            else:
                for _ in texts():
                    pass
        except QuestionError as exc:
            turn["error"] = f"That question can't be asked: {exc}."
        except (IndexNotBuiltError, RetrievalError) as exc:
            turn["error"] = (f"The guideline index could not be read ({exc}). Rebuild it with `make ingest` "
                             "or `allguide ingest`, then reload this page.")
        except AssistantError as exc:
            turn["error"] = f"Sorry, no answer could be produced: {exc}"
        except Exception as exc:  # the UI never shows a traceback
            log.exception("unexpected error while answering")
            turn["error"] = f"Unexpected error ({exc.__class__.__name__}); see the server log."
        draft.empty()
        if "answer" in got and "error" not in turn:
            status_slot.empty()  # the verdict badge says how it went (a refusal gets no green tick)
            turn["answer"] = got["answer"]
            render_answer(turn)
        else:
            turn.setdefault("error", "No answer was produced.")
            status.update(label="Could not answer", state="error")
            st.error(turn["error"])
    ss["turns"].append(turn)


def render_sidebar(bot: Any) -> None:
    ss = st.session_state
    last = _last_answer_turn()
    if last is not None and ss.get("facts_for") != last["id"] and last["answer"].scope == "in_scope":
        _facts_to_widgets(last["answer"])
        ss["facts_for"] = last["id"]
    for field in ["age", *_CHOICES]:
        ss.setdefault(f"fact_{field}", None if field == "age" else UNKNOWN)

    with st.sidebar:
        st.radio("Answer language · 回答の言語", list(LANGS), key="lang", format_func=LANGS.__getitem__,
                 horizontal=True, help="Auto answers in the question's language (English or Japanese)")
        st.header("Patient facts")
        st.caption("What the assistant read from the conversation. Correct anything wrong and re-ask.")
        st.number_input("Age (years)", min_value=0, max_value=110, step=1, key="fact_age",
                        placeholder="unknown")
        for field, (label, options) in _CHOICES.items():
            st.selectbox(label, options, key=f"fact_{field}", format_func=lambda o: _OPTION_LABELS.get(o, o))
        st.button("Re-ask with these facts", on_click=_reask, disabled=not _reaskable(last), type="primary",
                  width="stretch", key="reask",
                  help="Asks the last answered question again with the facts above"
                  + ("" if _reaskable(last) or last is None else " (the last question was refused: ask a new one)"))
        st.divider()
        st.subheader("Conversation")
        st.download_button("Export as Markdown", data=conversation_markdown(ss["turns"]),
                           file_name=f"allguide-{datetime.now():%Y%m%d-%H%M}.md", mime="text/markdown",
                           disabled=not ss["turns"], on_click="ignore", width="stretch")
        st.button("Clear conversation", on_click=_clear, disabled=not ss["turns"], width="stretch")
        st.divider()
        st.caption(f"Answer mode: {bot.mode}. Index: `{bot.settings.store.path}`.")


def index_missing_page(exc: Exception) -> None:
    """Shown instead of the chat when there is no usable index: what to run, never a traceback."""
    built = not isinstance(exc, IndexNotBuiltError)
    try:
        store = str(Settings().store.path)
    except ValueError:  # invalid ALLGUIDE_* settings (pydantic ValidationError)
        store = "(invalid settings)"
    st.error("The guideline index could not be read." if built else "The guideline index has not been built yet.")
    st.markdown("allguide answers only from its local index of the JSH 2023 guideline. "
                "Build it once (offline, about a minute), then reload this page:")
    st.code("make ingest", language="bash")
    st.markdown("or, inside the virtual environment:")
    st.code("allguide ingest", language="bash")
    st.caption(f"Index folder: `{store}` (set with ALLGUIDE_STORE__PATH). Check it with `allguide index status`.")
    st.caption(f"Details: {exc}")
    st.button("Retry")


def too_long_message(text: str, limit: int) -> None:
    """An over-long message is not sent; it is shown back, whole, to copy and shorten."""
    with st.container(key="too_long"):
        st.error(f"Your message is {len(text):,} characters long; the limit is {limit:,} "
                 "(ALLGUIDE_API__MAX_QUESTION_CHARS). It was not sent. Shorten it (the key facts and one question "
                 "are enough) and send it again; your text is below to copy.", icon=":material/content_cut:")
        st.code(text, language=None, wrap_lines=True)


def remote_refused() -> bool:
    """The UI has no login: on a non-loopback address it refuses to answer unless ALLGUIDE_UI__ALLOW_REMOTE."""
    from assistant.frontends.network import is_loopback

    address = str(st.get_option("server.address") or "")
    try:
        allowed = Settings().ui.allow_remote
    except ValueError:  # invalid ALLGUIDE_* settings are reported by the loader below
        allowed = False
    if is_loopback(address) or allowed:
        return False
    st.error(f"This chat UI has no login and is listening on {address or 'all interfaces'}: set "
             "ALLGUIDE_UI__ALLOW_REMOTE=true on a trusted network (or put it behind an authenticating proxy), "
             "or start it with `allguide ui` on 127.0.0.1.")
    return True


def main() -> None:
    st.set_page_config(page_title="allguide: adult ALL guideline assistant", page_icon="🩺", layout="wide")
    st.title("allguide")
    st.caption("Cited, rule-checked answers from the JSH 2023 guideline for adult acute lymphoblastic leukemia.")
    st.warning(DISCLAIMER, icon=":material/medical_information:")
    if remote_refused():
        return
    try:
        bot = load_assistant(_env_key())
    except (IndexNotBuiltError, RetrievalError) as exc:
        index_missing_page(exc)
        return
    except AssistantError as exc:
        st.error(f"The assistant could not start: {exc}")
        return
    except ValueError as exc:  # pydantic ValidationError: bad ALLGUIDE_* values
        st.error("Invalid settings (check the ALLGUIDE_* environment variables).")
        st.caption(str(exc))
        return

    ss = _state()
    ss["feedback_path"] = str(bot.settings.store.feedback_path)
    limit = bot.settings.api.max_question_chars
    # (one placeholder for every language: a placeholder that followed the switch would make a new input box,
    # losing what was typed in it)
    prompt = st.chat_input(f"Ask about adult ALL treatment (age, Ph status, phase, MRD…), up to {limit:,} characters")
    pending = ss.pop("pending", None)
    too_long = None
    if prompt and len(prompt) > limit:  # not sent, and not lost: shown back to copy and shorten
        too_long, prompt = prompt, None
    if prompt:
        pending = {"question": prompt}
    for turn in ss["turns"]:
        render_turn(turn)
    if too_long is not None:
        too_long_message(too_long, limit)
    if not ss["turns"] and not pending:
        lang = ss.get("lang", "auto")
        st.markdown(f"**{ui_text('examples', lang, 'Try an example')}:**")
        examples = {"en": EXAMPLES, "ja": EXAMPLES_JA}.get(lang, EXAMPLES[:2] + EXAMPLES_JA[:2])
        cols = st.columns(2)
        for i, q in enumerate(examples):
            cols[i % 2].button(q, key=f"example_{i}", on_click=_queue, args=(q,), width="stretch")
    if pending:
        run_question(bot, pending)
    render_sidebar(bot)


main()
