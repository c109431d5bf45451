"""The `allguide` command line (typer). Settings are built here, at the edge, and passed down."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from assistant.errors import AssistantError
from assistant.settings import Settings

app = typer.Typer(help="allguide: cited, rule-checked answers from the JSH 2023 adult ALL guideline.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
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
    err.print(f"[red]Error:[/red] {exc}")
    return typer.Exit(code)


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


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
    batch: Annotated[Path | None, typer.Option(help="JSONL file of {id, question} lines (needs --json)")] = None,
) -> None:
    """Answer a question with numbered citations, checked by the rule layer."""
    from assistant.core import Assistant, QuestionError

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
        _batch(bot, batch)
        return
    try:
        answer = bot.ask(question or "")
    except QuestionError as exc:
        raise _fail(exc, 2) from exc
    except AssistantError as exc:
        raise _fail(exc) from exc
    if as_json:
        sys.stdout.write(answer.model_dump_json() + "\n")
        return
    console.print(render_text(answer))


def _batch(bot: Any, path: Path) -> None:
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
            ans = bot.ask(q)
            sys.stdout.write(json.dumps({"id": qid, **ans.model_dump(mode="json")}) + "\n")
        except (QuestionError, AssistantError) as exc:
            sys.stdout.write(json.dumps({"id": qid, "error": str(exc)}) + "\n")
            failures += 1
    if failures:
        raise typer.Exit(1)


def render_text(answer: Any) -> str:
    """Readable text: the answer, numbered sources, verdict and findings."""
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            page = f", p. {c.page}" if c.page else ""
            lines.append(f"  [{c.marker}] {c.section_title} ({c.tier}; {c.section_id}{page}) - {c.source}")
            lines.append(f"      \"{c.quote}\"")
    lines.append(f"Verdict: {answer.verdict} | scope: {answer.scope} | mode: {answer.mode} | "
                 f"{answer.timings_ms.get('total', 0):.0f} ms")
    for f in answer.findings:
        lines.append(f"  - {f.rule_id} ({f.severity}): {f.message}")
    known = answer.patient.known()
    if known:
        lines.append("Patient facts: " + ", ".join(f"{k}={v}" for k, v in known.items()))
    return "\n".join(lines)


def settings_markdown() -> str:
    """The settings table for the README, generated from the field descriptions."""
    rows = ["| Environment variable | Default | Description |", "| --- | --- | --- |"]
    for group, field in Settings.model_fields.items():
        sub = field.annotation
        for name, f in sub.model_fields.items():  # type: ignore[union-attr]
            default = f.default if f.default is not None else ""
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


eval_app = typer.Typer(help="Evaluation harness: gold questions, metrics, baselines, reports.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("run")
def eval_run(
    suite: Annotated[str, typer.Option(help="Suite name: full or quick (see evals/data)")] = "full",
    mode: Annotated[str, typer.Option(help="extractive or llm")] = "extractive",
    out: Annotated[Path | None, typer.Option(help="Runs folder (default evals/runs)")] = None,
) -> None:
    """Run the gold set; write results.jsonl, summary.json, report.md and plots under evals/runs/<ts>/."""
    from evals.runner import run_eval

    s = _settings()
    try:
        run_dir = run_eval(s, suite=suite, mode=mode, out=out, console=console)
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
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Start the HTTP API (FastAPI; OpenAPI at /docs)."""
    from assistant.frontends.api import serve as run_server

    s = _settings()
    run_server(s, host=host or s.api.host, port=port or s.api.port, workers=workers)


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
