"""The HTTP API over real HTTP (uvicorn on 127.0.0.1) and, for failure paths, in process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant import Answer, Chunk, IndexNotBuiltError, RetrievalError
from assistant.frontends.api import create_app
from assistant.settings import Settings
from tests.servers import serve_http

QUESTION = "72-year-old woman with newly diagnosed Ph+ ALL: what induction?"


def _assert_error(r: httpx.Response, status: int, kind: str, contains: str = "") -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and body["error"]["type"] == kind, body
    assert contains.lower() in body["error"]["message"].lower()
    assert "Traceback" not in r.text
    return body


@pytest.fixture(scope="module")
def http(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=60) as client:
        yield client


# -- happy paths over real HTTP --------------------------------------------------------------------------------

def test_health_and_ready(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    r = http.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready", "mode": "extractive"}


def test_ask_returns_a_cited_answer(http: httpx.Client) -> None:
    r = http.post("/v1/ask", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    answer = Answer.model_validate(r.json())
    assert answer.verdict in ("pass", "warn", "repaired") and answer.scope == "in_scope"
    assert answer.citations and answer.patient.age == 72 and answer.patient.ph_status == "positive"
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers and markers <= {c.marker for c in answer.citations}


def test_ask_with_history_and_overrides(http: httpx.Client) -> None:
    body = {"question": "what induction then?", "history": [{"role": "user", "content": QUESTION},
                                                             {"role": "assistant", "content": "..."}],
            "overrides": {"age": 50}}
    r = http.post("/v1/ask", json=body)
    assert r.status_code == 200, r.text
    facts = r.json()["patient"]
    assert facts["age"] == 50 and facts["age_band"] == "40-64" and facts["ph_status"] == "positive"
    r2 = http.post("/v1/ask", json={"question": "what induction then?", "history": [QUESTION]})
    assert r2.json()["patient"]["age"] == 72  # plain strings are user turns


def test_out_of_scope_is_refused_not_an_error(http: httpx.Client) -> None:
    r = http.post("/v1/ask", json={"question": "How do I bake sourdough bread?"})
    assert r.status_code == 200 and r.json()["verdict"] == "refused"


def _sse(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = None, []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if name:
            events.append((name, json.loads("\n".join(data))))
    return events


def test_stream_sends_stages_then_the_answer(http: httpx.Client) -> None:
    with http.stream("POST", "/v1/ask/stream", json={"question": QUESTION}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = _sse(r.read().decode())
    names = [n for n, _ in events]
    assert names[0] == "stage" and events[0][1] == "retrieving"
    assert names[-1] == "answer" and "checked" in [d for n, d in events if n == "stage"]
    assert Answer.model_validate(events[-1][1]).citations


def test_stream_rejects_bad_questions_before_streaming(http: httpx.Client) -> None:
    _assert_error(http.post("/v1/ask/stream", json={"question": "   "}), 422, "question_error", "empty")


def test_sources(http: httpx.Client) -> None:
    answer = http.post("/v1/ask", json={"question": QUESTION}).json()
    cit = answer["citations"][0]
    r = http.get(f"/v1/sources/{cit['chunk_id']}")
    assert r.status_code == 200
    chunk = Chunk.model_validate(r.json())
    assert chunk.section_id == cit["section_id"]
    assert " ".join(cit["quote"].split())[:40] in " ".join(chunk.text.split())
    _assert_error(http.get("/v1/sources/0000000000000000"), 404, "not_found", "no chunk")


def test_openapi_docs(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 200
    spec = http.get("/openapi.json").json()
    assert {"/v1/ask", "/v1/ask/stream", "/v1/sources/{chunk_id}", "/healthz", "/readyz"} <= set(spec["paths"])
    assert "Answer" in spec["components"]["schemas"]


# -- limits and errors over real HTTP ------------------------------------------------------------------------------

def test_question_too_long_or_empty_is_422(http: httpx.Client, fe_settings: Settings) -> None:
    limit = fe_settings.api.max_question_chars
    _assert_error(http.post("/v1/ask", json={"question": "ALL " * limit}), 422, "question_error", f"limit is {limit}")
    _assert_error(http.post("/v1/ask", json={"question": ""}), 422, "question_error", "empty")
    _assert_error(http.post("/v1/ask", json={}), 422, "validation_error", "question")
    _assert_error(http.post("/v1/ask", json={"question": 3}), 422, "validation_error", "question")


def test_bad_overrides_are_422(http: httpx.Client) -> None:
    _assert_error(http.post("/v1/ask", json={"question": QUESTION, "overrides": {"colour": "red"}}),
                  422, "question_error", "unknown patient fact")
    _assert_error(http.post("/v1/ask", json={"question": QUESTION, "overrides": {"age": "old"}}),
                  422, "question_error", "age")


def test_body_too_large_is_413(http: httpx.Client, fe_settings: Settings) -> None:
    big = json.dumps({"question": "x" * (fe_settings.api.max_body_bytes + 10)})
    _assert_error(http.post("/v1/ask", content=big, headers={"content-type": "application/json"}),
                  413, "request_too_large", "limit")

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        yield b'{"question": "'
        for _ in range(20):
            yield b"y" * 8192
        yield b'"}'

    _assert_error(http.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"}),
                  413, "request_too_large")


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        (b'{"question": ', 422, "invalid_json"),
        (b"not json at all", 422, "invalid_json"),
        (b'{"question": "\xff\xfe bad utf-8"}', 400, "invalid_body"),
    ],
)
def test_malformed_bodies_are_json_errors(http: httpx.Client, body: bytes, status: int, kind: str) -> None:
    _assert_error(http.post("/v1/ask", content=body, headers={"content-type": "application/json"}), status, kind)


def test_unknown_route_and_method_are_json(http: httpx.Client) -> None:
    _assert_error(http.get("/v2/nothing"), 404, "not_found")
    _assert_error(http.get("/v1/ask"), 405, "method_not_allowed")


# -- auth -------------------------------------------------------------------------------------------------------

def test_bearer_token(fe_settings: Settings, bot: Any) -> None:
    settings = Settings(store={"path": fe_settings.store.path}, api={"token": "s3cret"})
    with serve_http(create_app(settings, assistant=bot)) as url, httpx.Client(base_url=url, timeout=60) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/docs").status_code == 200  # the docs are open (test_api_docs.py); the data routes are not
        for method, path in (("GET", "/readyz"), ("POST", "/v1/ask"), ("GET", "/v1/models"),
                             ("POST", "/v1/chat/completions"), ("GET", "/v1/sources/x"), ("POST", "/v1/ask/stream")):
            r = c.request(method, path, json={"question": QUESTION})
            _assert_error(r, 401, "unauthorized", "bearer")
            assert r.headers["www-authenticate"] == "Bearer"
        _assert_error(c.post("/v1/ask", json={"question": QUESTION}, headers={"Authorization": "Bearer wrong"}),
                      401, "unauthorized")
        ok = {"Authorization": "Bearer s3cret"}
        assert c.get("/readyz", headers=ok).status_code == 200
        assert c.post("/v1/ask", json={"question": QUESTION}, headers=ok).json()["citations"]


# -- failure paths (in process) --------------------------------------------------------------------------------------

def test_missing_index_starts_but_is_not_ready(tmp_path: Path) -> None:
    settings = Settings(store={"path": tmp_path / "empty-store"})
    with TestClient(create_app(settings)) as c:
        assert c.get("/healthz").status_code == 200
        _assert_error(c.get("/readyz"), 503, "index_not_built", "allguide ingest")
        _assert_error(c.post("/v1/ask", json={"question": QUESTION}), 503, "index_not_built", "allguide ingest")
        _assert_error(c.get("/v1/sources/abc"), 503, "index_not_built")


class _Broken:
    """Stands in for an Assistant whose index broke after start-up."""

    mode = "extractive"

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def ready(self) -> bool:
        return False

    def ask(self, *a: Any, **kw: Any) -> Answer:
        raise self.exc

    def stream(self, *a: Any, **kw: Any) -> Iterator[dict[str, Any]]:
        yield {"event": "stage", "data": "retrieving"}
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "status", "kind"),
    [
        (RetrievalError("collection is gone"), 503, "index_unreadable"),
        (IndexNotBuiltError("no live index"), 503, "index_not_built"),
        (RuntimeError("secret internals"), 500, "internal_error"),
    ],
)
def test_errors_during_ask_are_mapped(exc: Exception, status: int, kind: str) -> None:
    app = create_app(Settings(), assistant=_Broken(exc))  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as c:
        body = _assert_error(c.post("/v1/ask", json={"question": QUESTION}), status, kind)
        assert "secret internals" not in json.dumps(body)
        _assert_error(c.get("/readyz"), 503, "index_unreadable")
        events = _sse(c.post("/v1/ask/stream", json={"question": QUESTION}).text)
        assert events[-1][0] == "error" and events[-1][1]["type"] == kind
