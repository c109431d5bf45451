"""Recorded LLM answers replayed through the real pipeline: score a model's answers without running the model.

A recorded-answers file is JSONL, one answer per line (the format of `evals/data/generated.jsonl`):

    {"id": "gen-c001", "question": "...", "history": ["earlier user question", ...],
     "label": "correct" | "wrong", "kind": null | "wrong_stance" | ..., "style": "...",
     "answer": "sentences ending with [1], [2] markers", "sources": ["chunk id of [1]", "chunk id of [2]", ...],
     "error": "for wrong rows: which sentence is wrong and why"}

`ReplayChatModel` is a langchain chat model keyed by question (and the earlier questions): asked with the prompt the
project builds, it returns the recorded answer with each marker [n] renumbered to the number that `sources[n-1]`
has in *this* prompt. A source the current retrieval did not put in the prompt becomes a marker to no source (the
citation check flags it) and is counted separately, never dropped silently.

Each answer is then classed by what the rule layer did: **untouched** (LLM answer, verdict pass, no block finding),
**repaired** (LLM answer with a sentence replaced or removed, or a warning) or **fallen back** (the extractive answer
was shown). For labelled rows: a wrong answer is *caught* when it was repaired (verdict repaired/refused) or fell
back; *wrong with verdict pass* must be 0; a correct answer is *untouched* when it passes with no block finding, and
a *false contradiction* is a guideline-rule or claim finding on a correct answer.

    >>> renumber_markers("A.[1] B.[2][3]", {1: 4, 2: 1, 3: 1})
    'A.[4] B.[1]'
    >>> renumber_markers("A [1, 2].", {1: 3, 2: 5})
    'A [3][5].'
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from assistant.models import Answer, Chunk

Kind = Literal["wrong_stance", "wrong_threshold", "wrong_antigen", "wrong_lineage", "unsupported_jsh_attribution",
               "trial_as_recommendation", "invented_cq_or_grade", "dose", "wrong_population", "wrong_duration",
               "invented_ranking", "scope_extension", "wrong_toxicity"]

#: Marker numbers given to sources the current prompt does not hold (the citation check reports them as dangling).
UNRETRIEVED_BASE = 1000


class RecordedAnswer(BaseModel):
    """One recorded answer (a row of the JSONL file)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    history: list[str] = Field(default_factory=list)
    label: Literal["correct", "wrong"] | None = None
    kind: Kind | None = None
    style: str = ""
    answer: str = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)
    error: str | None = None


def load_recorded(path: Path) -> list[RecordedAnswer]:
    """Read a recorded-answers file; a bad line raises ValueError naming the line and what is wrong."""
    if not path.is_file():
        raise FileNotFoundError(f"no recorded-answers file {path}")
    rows: list[RecordedAnswer] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = RecordedAnswer.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(x) for x in err["loc"]) or "row"
            raise ValueError(f"{path}:{n}: {where}: {err['msg']}") from exc
        if row.id in seen:
            raise ValueError(f"{path}:{n}: id {row.id!r} appears twice")
        seen.add(row.id)
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: no recorded answers")
    return rows


def question_key(question: str, history: Sequence[str] = ()) -> str:
    """How an answer is found again from the prompt: the question (whitespace-normalised) and the last earlier
    questions the prompt shows."""
    from assistant.core import clean_text

    q = " ".join(clean_text(question).split())
    return json.dumps([q, [" ".join(clean_text(h).split()) for h in list(history)[-4:]]], ensure_ascii=False)


def renumber_markers(answer: str, mapping: dict[int, int]) -> str:
    """Replace each [n] by [mapping[n]] (markers not in the mapping stay; a repeated number is written once)."""
    out: list[str] = []
    i = 0
    last_run: list[int] = []
    while i < len(answer):
        if answer[i] == "[":
            j = answer.find("]", i)
            inner = answer[i + 1:j] if j > 0 else ""
            parts = [x.strip() for x in inner.split(",")]
            if inner and all(x.isdigit() for x in parts):  # "[1]", "[1, 2]"
                for x in parts:
                    n = mapping.get(int(x), int(x))
                    if n not in last_run:
                        out.append(f"[{n}]")
                        last_run.append(n)
                i = j + 1
                continue
        last_run = [] if not answer[i].isspace() else last_run
        out.append(answer[i])
        i += 1
    return "".join(out)


def _prompt_parts(messages: Sequence[BaseMessage]) -> tuple[str, str, list[str]]:
    """(prompt text, question, earlier questions) of the last human message the project built."""
    text = next((m.content for m in reversed(messages) if m.type == "human" and isinstance(m.content, str)), "")
    question = text.rsplit("\nQuestion: ", 1)[-1].strip()
    history: list[str] = []
    if "\nEarlier questions:\n" in text:
        block = text.split("\nEarlier questions:\n", 1)[1].split("\n\nQuestion: ", 1)[0]
        history = [h[2:] for h in block.splitlines() if h.startswith("- ")]
    return text, question, history


def prompt_number(prompt: str, chunk: Chunk) -> int | None:
    """The number [n] this chunk has in the prompt (format of assistant.prompts.format_context), or None."""
    head = f"] (tier={chunk.tier}; section={chunk.section_id}; {chunk.section_title})\n{chunk.text}"
    k = prompt.find(head)
    if k < 0:
        return None
    start = prompt.rfind("[", 0, k)
    num = prompt[start + 1:k]
    return int(num) if num.isdigit() else None


class ReplayChatModel(BaseChatModel):
    """A fake chat model answering from recorded answers, keyed by question; see the module docstring."""

    records: dict[str, RecordedAnswer]
    lookup: Callable[[str], Chunk | None] | None = None
    current: RecordedAnswer | None = None  # the row being replayed (several rows may ask the same question)
    _unretrieved: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Sequence[RecordedAnswer]) -> ReplayChatModel:
        return cls(records={question_key(r.question, r.history): r for r in rows})

    @property
    def _llm_type(self) -> str:
        return "allguide-replay"

    def unretrieved(self, row_id: str) -> list[str]:
        """Sources of this row's answer that were not in the prompt it was replayed against."""
        return list(self._unretrieved.get(row_id, []))

    def reply(self, messages: Sequence[BaseMessage]) -> str:
        prompt, question, history = _prompt_parts(messages)
        row = self.current
        if row is None or question_key(row.question) != question_key(question):
            row = self.records.get(question_key(question, history)) or self.records.get(question_key(question))
        if row is None:
            raise KeyError(f"no recorded answer for the question {question[:80]!r}")
        mapping: dict[int, int] = {}
        missing: list[str] = []
        for n, chunk_id in enumerate(row.sources, 1):
            chunk = self.lookup(chunk_id) if self.lookup is not None else None
            number = prompt_number(prompt, chunk) if chunk is not None else None
            if number is None:
                missing.append(chunk_id)
                number = UNRETRIEVED_BASE + n
            mapping[n] = number
        self._unretrieved[row.id] = missing
        return renumber_markers(row.answer, mapping)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        text = self.reply(messages)
        for k in range(0, len(text), 80):  # in pieces, as a server streams
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[k:k + 80]))


# -------------------------------------------------------------------------------------------- scoring


def llm_outcome(answer: Answer) -> str:
    """untouched / repaired / fallen_back: what the rule layer did to an LLM answer."""
    if answer.mode != "llm":
        return "fallen_back"
    blocked = any(f.severity == "block" for f in answer.findings)
    return "untouched" if answer.verdict == "pass" and not blocked else "repaired"


def _claim_finding(rule_id: str, rule_ids: set[str]) -> bool:
    return rule_id in rule_ids or rule_id.startswith("CLAIM-")


def score_answer(row: RecordedAnswer, answer: Answer, unretrieved: Sequence[str], rule_ids: set[str]) -> dict[str, Any]:
    outcome = llm_outcome(answer)
    ids = [f.rule_id for f in answer.findings]
    caught = outcome == "fallen_back" or answer.verdict in ("repaired", "refused")
    return {
        "id": row.id, "label": row.label, "kind": row.kind, "outcome": outcome, "verdict": answer.verdict,
        "mode": answer.mode, "caught": caught, "findings": ids,
        "contradiction_findings": [i for i in ids if _claim_finding(i, rule_ids)],
        "unretrieved_sources": list(unretrieved),
    }


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def summarise_recorded(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    outcomes = Counter(s["outcome"] for s in scores)
    wrong = [s for s in scores if s["label"] == "wrong"]
    correct = [s for s in scores if s["label"] == "correct"]
    per_kind: dict[str, dict[str, Any]] = {}
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in wrong:
        by_kind[s["kind"] or "unlabelled"].append(s)
    for k, v in sorted(by_kind.items()):
        caught = sum(s["caught"] for s in v)
        per_kind[k] = {"n": len(v), "caught": caught, "rate": _rate(caught, len(v)),
                       "caught_by": dict(Counter(i for s in v if s["caught"] for i in set(s["findings"]))
                                         .most_common(5))}
    return {
        "n": len(scores),
        "outcomes": {k: outcomes.get(k, 0) for k in ("untouched", "repaired", "fallen_back")},
        "labelled": {
            "wrong": len(wrong), "correct": len(correct),
            "wrong_caught_rate": _rate(sum(s["caught"] for s in wrong), len(wrong)),
            # (a wrong answer that fell back never reached the user: the extractive answer's pass is not its pass)
            "wrong_with_verdict_pass": sum(s["verdict"] == "pass" and not s["caught"] for s in wrong),
            "correct_untouched_rate": _rate(sum(s["outcome"] == "untouched" for s in correct), len(correct)),
            "correct_false_contradiction_rate": _rate(sum(bool(s["contradiction_findings"]) for s in correct),
                                                      len(correct)),
            "per_kind": per_kind,
        },
        "unretrieved_sources": {"answers": sum(bool(s["unretrieved_sources"]) for s in scores),
                                "citations": sum(len(s["unretrieved_sources"]) for s in scores)},
        "findings_on_correct": dict(Counter(i for s in correct for i in set(s["findings"])).most_common(15)),
    }


def report_md(summary: dict[str, Any], scores: Sequence[dict[str, Any]], source: str) -> str:
    lab = summary["labelled"]
    o = summary["outcomes"]
    lines = [f"# Recorded LLM answers: {source}", "",
             f"{summary['n']} answers replayed through the pipeline ({summary['created_utc']}).", "",
             "| Outcome | Answers |", "| --- | --- |",
             *(f"| {k.replace('_', ' ')} | {v} |" for k, v in o.items()), ""]
    if lab["wrong"] or lab["correct"]:
        lines += ["| Labelled metric | Value |", "| --- | --- |",
                  f"| wrong answers caught | {_pct(lab['wrong_caught_rate'])} of {lab['wrong']} |",
                  f"| wrong answers with verdict pass | {lab['wrong_with_verdict_pass']} |",
                  f"| correct answers untouched | {_pct(lab['correct_untouched_rate'])} of {lab['correct']} |",
                  f"| correct answers with a contradiction finding | "
                  f"{_pct(lab['correct_false_contradiction_rate'])} |", "",
                  "| Error kind | Wrong answers | Caught | Rate | Caught by |", "| --- | --- | --- | --- | --- |",
                  *(f"| {k} | {v['n']} | {v['caught']} | {_pct(v['rate'])} | "
                    f"{', '.join(v['caught_by'])} |" for k, v in lab["per_kind"].items()), ""]
    u = summary["unretrieved_sources"]
    lines += [f"Citations to sources the current retrieval did not put in the prompt: {u['citations']} "
              f"(in {u['answers']} answers); they are flagged as markers to no source.", ""]
    missed = [s for s in scores if s["label"] == "wrong" and not s["caught"]]
    if missed:
        lines += ["## Wrong answers not caught", "", *(f"- `{s['id']}` ({s['kind']}): verdict {s['verdict']}"
                                                       for s in missed), ""]
    flagged = [s for s in scores if s["label"] == "correct" and s["outcome"] != "untouched"]
    if flagged:
        lines += ["## Correct answers changed", "",
                  *(f"- `{s['id']}`: {s['outcome']}, findings {', '.join(s['findings'])}" for s in flagged), ""]
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def run_recorded(settings: Any, path: Path, *, out: Path | None, console: Any) -> Path:
    """Replay a recorded-answers file; write results.jsonl, summary.json and report.md; return the run folder."""
    from assistant.core import Assistant
    from evals.runner import RUNS_DIR, _progress

    rows = load_recorded(path)
    model = ReplayChatModel.from_rows(rows)
    bot = Assistant.from_settings(settings, llm=model)
    model.lookup = bot.source
    rule_ids = {r.id for r in bot.rulebook.rules}
    run_dir = (out or RUNS_DIR) / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    run_dir.mkdir(parents=True, exist_ok=False)
    scores: list[dict[str, Any]] = []
    with (run_dir / "results.jsonl").open("w", encoding="utf-8") as fh, _progress(console) as progress:
        task = progress.add_task(f"replay {path.name}", total=len(rows))
        for row in rows:
            model.current = row
            answer = bot.ask(row.question, history=row.history, mode="llm")
            score = score_answer(row, answer, model.unretrieved(row.id), rule_ids)
            scores.append(score)
            fh.write(json.dumps({**score, "question": row.question, "recorded": row.answer,
                                 "answer": answer.model_dump(mode="json")}, ensure_ascii=False) + "\n")
            progress.advance(task)
    summary = {"source": str(path), "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
               **summarise_recorded(scores)}
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    (run_dir / "report.md").write_text(report_md(summary, scores, path.name), encoding="utf-8")
    return run_dir


__all__ = ["RecordedAnswer", "ReplayChatModel", "llm_outcome", "load_recorded", "prompt_number", "question_key",
           "renumber_markers", "report_md", "run_recorded", "score_answer", "summarise_recorded"]
