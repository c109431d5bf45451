"""Run ingest, ask and a small eval with every non-loopback network attempt blocked and recorded.

Used by test_rel_offline.py as `python offline_probe.py STORE USER_DOC OUT_JSON EVAL_DIR`, in a fresh
interpreter so the guard is in place before chromadb, torch or transformers are imported.

The guard is an audit hook (PEP 578): CPython raises the audit events `socket.connect` (also behind
`connect_ex`, `create_connection` and asyncio), `socket.getaddrinfo`, `socket.gethostbyname`,
`socket.gethostbyname_ex`, `socket.gethostbyaddr` and `socket.sendto` for every Python-level socket, before
the operation. Loopback addresses, `localhost` and AF_UNIX sockets are allowed; anything else is recorded and
refused with OSError. As a canary the probe finally makes one deliberate outbound attempt, which the guard must
record, so an empty record really means "nothing tried".
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys

ATTEMPTS: list[dict[str, str]] = []
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    h = str(host).strip("[]").split("%")[0].lower()
    if h in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def _guard(event: str, args: tuple) -> None:
    if not event.startswith("socket."):
        return
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", object()):
            return
        host = address[0] if isinstance(address, tuple) else address
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                   "socket.gethostbyaddr"):
        host = args[0]
    else:
        return
    if not _is_local(host):
        import traceback

        ATTEMPTS.append({"event": event, "host": str(host), "where": "".join(traceback.format_stack(limit=12))})
        raise OSError(101, f"network blocked by the offline guard ({event} {host})")


sys.addaudithook(_guard)


def main(store: str, user_doc: str, out: str, eval_dir: str) -> None:
    from pathlib import Path

    from assistant.core import Assistant
    from assistant.settings import Settings
    from evals import runner
    from ingest import run_ingest

    settings = Settings(store={"path": Path(store)})
    result: dict[str, object] = {}
    report = run_ingest([Path(user_doc)], settings.ingest_config(), corpus_dir=settings.corpus_dir())
    result["ingest"] = {"embedded": report.embedded, "documents_added": report.documents_added}

    bot = Assistant.from_settings(settings)
    answers = [bot.ask(q) for q in ("72-year-old woman with newly diagnosed Ph+ ALL: what induction?",
                                    "What is the induction for AML?")]
    result["answers"] = [{"verdict": a.verdict, "citations": len(a.citations)} for a in answers]

    full = runner.load_suite
    runner.load_suite = lambda suite: full(suite)[:5]  # a small eval: the first five quick questions
    run_dir = runner.run_eval(settings, suite="quick", mode="extractive", out=Path(eval_dir), console=None)
    summary = json.loads((run_dir / "summary.json").read_text())
    result["eval"] = {"questions": len((run_dir / "results.jsonl").read_text().splitlines()),
                      "keys": sorted(summary)}

    result["attempts"] = list(ATTEMPTS)
    try:  # canary: the guard must see and refuse this
        socket.create_connection(("192.0.2.1", 80), timeout=1)
        result["canary"] = "connected"
    except OSError as exc:
        result["canary"] = str(exc)
    result["canary_recorded"] = len(ATTEMPTS) == len(result["attempts"]) + 1  # type: ignore[arg-type]
    Path(out).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:5])
