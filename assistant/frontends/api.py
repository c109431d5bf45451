"""The HTTP API (FastAPI): `allguide serve`, OpenAPI at /docs.

Routes: POST /v1/ask, POST /v1/ask/stream (server-sent events), GET /v1/sources/{chunk_id},
GET|HEAD /healthz (always 200), GET /readyz (200 once the index is loaded and readable, else 503),
the OpenAI-compatible POST /v1/chat/completions and GET /v1/models (`openai_compat`), and the API docs
at /docs and /redoc served from local files (`docs`).

Every error is JSON, `{"error": {"type": ..., "message": ...}}`, never a stack trace. Errors are
mapped to status codes in one place (`_STATUS` and the handlers in `_install_error_handlers`).

Example:
    >>> from assistant.settings import Settings                     # doctest: +SKIP
    >>> app = create_app(Settings())                                 # doctest: +SKIP
    >>> serve(Settings(), host="127.0.0.1", port=8765, workers=1)    # doctest: +SKIP

    $ curl -s localhost:8765/v1/ask -H 'content-type: application/json' \\
        -d '{"question": "72F Ph+ ALL, what induction?"}'
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError, GenerationError, IndexNotBuiltError, RetrievalError
from assistant.facts import apply_overrides
from assistant.frontends.network import is_loopback
from assistant.models import Answer, Chunk, PatientFacts
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.core import Assistant

log = logging.getLogger(__name__)

__all__ = ["AskRequest", "ErrorResponse", "ServeConfigError", "check_exposure", "create_app", "is_loopback", "serve"]

INGEST_HINT = "Build the index first: run `allguide ingest` (or `make ingest`), then retry."
WARM_UP_QUESTION = "Ph-positive ALL induction"
_RETRY_BUILD_S = 30.0
_MAX_HISTORY = 50

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# -- request / response models ------------------------------------------------------------------------

class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"] = Field(description="Who said it")
    content: str = Field(description="What was said")


class AskRequest(BaseModel):
    """A question, optionally with earlier turns and corrections to the patient facts."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "72F Ph+ ALL, what induction?"},
                                        {"question": "70歳のPh陽性ALL、寛解導入療法は？", "lang": "ja"},
                                        {"question": "and if she were 50?",
                                         "history": ["72F Ph+ ALL, what induction?"],
                                         "overrides": {"age": 50}}]},
    )

    question: str = Field(description="The question, in English or Japanese (or both mixed); the length limit is "
                                      "ALLGUIDE_API__MAX_QUESTION_CHARS")
    history: list[Turn | str] = Field(default_factory=list, max_length=_MAX_HISTORY,
                                      description="Earlier turns, oldest first: {role, content} objects or plain "
                                                  "strings (taken as user turns)")
    overrides: dict[str, Any] | None = Field(default=None, description="Patient-fact corrections applied after "
                                             "reading the question, e.g. {\"age\": 58, \"ph_status\": \"negative\"}; "
                                             "null clears a fact. Field names as in PatientFacts.")
    lang: Literal["en", "ja", "auto"] | None = Field(default=None, description="The answer's language: 'en', 'ja', "
                                                     "or 'auto'/null for the question's own (detected)")

    def history_turns(self) -> list[str | dict[str, str]]:
        return [h if isinstance(h, str) else h.model_dump() for h in self.history]


class ErrorBody(BaseModel):
    type: str = Field(description="Machine-readable error kind, e.g. question_error, index_not_built")
    message: str = Field(description="What went wrong, in plain words")


class ErrorResponse(BaseModel):
    error: ErrorBody


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in ((401, "Missing or wrong bearer token"), (413, "Request body too large"),
                       (422, "Invalid question or request"), (503, "Index not built or not readable"))
}


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    message = message.encode("utf-8", "replace").decode("utf-8")  # echoed input may hold lone surrogates
    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status, headers=headers)


# -- the shared Assistant -------------------------------------------------------------------------------

class _Holder:
    """Holds the one Assistant; if it could not be built (no index yet), retries at most every 30 s."""

    def __init__(self, settings: Settings, assistant: Assistant | None) -> None:
        self.settings = settings
        self.assistant = assistant
        self.error: AssistantError | None = None
        self._last_try = 0.0
        self._lock = threading.Lock()

    def build(self) -> None:
        from assistant.core import Assistant, QuestionError
        from assistant.factories import warm_up

        with self._lock:
            if self.assistant is not None:
                return
            self._last_try = time.monotonic()
            try:
                bot = Assistant.from_settings(self.settings)
                with contextlib.suppress(QuestionError):  # a tiny max_question_chars skips the warm-up
                    bot.ask(WARM_UP_QUESTION)  # loads the embedding model now, not on the first request
                    bot.ask(WARM_UP_QUESTION, lang="ja")  # and the Japanese message table and aligned corpus
                warm_up(bot)  # the first users meet warm caches (about a second per worker start)
                self.assistant = bot
                self.error = None
                log.info("assistant ready (%s mode)", self.assistant.mode)
            except AssistantError as exc:
                self.error = exc
                log.warning("assistant not available: %s", exc)

    async def get(self) -> Assistant:
        if self.assistant is None and time.monotonic() - self._last_try > _RETRY_BUILD_S:
            await run_in_threadpool(self.build)
        if self.assistant is None:
            raise self.error or IndexNotBuiltError("the index is not loaded")
        return self.assistant


# -- pure ASGI middleware: auth, then body size -----------------------------------------------------------

class _GuardMiddleware:
    """Bearer-token check (all routes but /healthz) and a hard limit on request body size."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body: int,
                 open_paths: frozenset[str] = frozenset({"/healthz"}), open_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.token = token
        self.max_body = max_body
        self.open_paths = open_paths
        self.open_prefixes = open_prefixes

    def _is_open(self, path: str) -> bool:
        return path in self.open_paths or path.startswith(self.open_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.token is not None and not self._is_open(scope.get("path", "")) and not self._authorised(headers):
            await _error(401, "unauthorized", "Missing or wrong bearer token: send 'Authorization: Bearer <token>'",
                         {"WWW-Authenticate": "Bearer"})(scope, receive, send)
            return
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            body = bytearray()
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > self.max_body:
                    await self._too_large(scope, receive, send)
                    return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": bytes(body), "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)

    def _authorised(self, headers: dict[str, str]) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), str(self.token).encode())

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _error(413, "request_too_large",
                     f"The request body is larger than the limit of {self.max_body} bytes "
                     "(ALLGUIDE_API__MAX_BODY_BYTES)")(scope, receive, send)


# -- error mapping (the one place) -------------------------------------------------------------------------

def _status_for(exc: AssistantError) -> tuple[int, str, str]:
    from assistant.core import QuestionError

    if isinstance(exc, QuestionError):
        return 422, "question_error", str(exc)
    if isinstance(exc, IndexNotBuiltError):
        return 503, "index_not_built", f"{exc}. {INGEST_HINT}"
    if isinstance(exc, RetrievalError):
        hint = "Check the index (`allguide index status`) or rebuild it with `allguide ingest`."
        return 503, "index_unreadable", f"{exc}. {hint}"
    if isinstance(exc, GenerationError):
        return 502, "generation_error", str(exc)
    return 500, "assistant_error", str(exc)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AssistantError)
    async def _assistant_error(_: Request, exc: AssistantError) -> JSONResponse:
        status, kind, message = _status_for(exc)
        return _error(status, kind, message)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return _error(422, "invalid_json", "The request body is not valid JSON")
        parts = []
        for e in errors[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{loc or 'body'}: {e.get('msg', 'invalid')}")
        return _error(422, "validation_error", "Invalid request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {400: "invalid_body", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        if exc.status_code == 400 and "parsing the body" in message:
            message = "The request body could not be parsed (send UTF-8 encoded JSON)"
        return _error(exc.status_code, kind, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _error(500, "internal_error", "Internal server error (see the server log)")


# -- the app ----------------------------------------------------------------------------------------------

def _check_request(req: AskRequest, settings: Settings) -> None:
    """Cheap checks before any work starts (a stream can't change its status code later)."""
    check_question(req.question, req.overrides, settings)


def check_question(question: str, overrides: dict[str, Any] | None, settings: Settings) -> None:
    """Raise QuestionError for an empty or over-long question or invalid fact overrides."""
    from assistant.core import QuestionError

    q = " ".join(question.split())
    if not q:
        raise QuestionError("the question is empty")
    limit = settings.api.max_question_chars
    if len(q) > limit:
        raise QuestionError(f"the question is {len(q)} characters long; the limit is {limit}")
    if overrides:
        try:
            apply_overrides(PatientFacts(), dict(overrides))
        except ValidationError as exc:
            detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise QuestionError(f"invalid patient-fact override: {detail}") from exc
        except (ValueError, TypeError) as exc:
            raise QuestionError(f"invalid patient-fact override: {exc}") from exc


def create_app(settings: Settings, assistant: Assistant | None = None) -> FastAPI:
    """The FastAPI app. Pass `assistant` to share one already built; otherwise it is built in the lifespan.

    If the index is missing the app still starts: /readyz and /v1/* answer 503 with a hint to run
    `allguide ingest` (the build is retried at most every 30 s, so no restart is needed after ingest).

    Example:
        >>> app = create_app(Settings(), assistant=my_assistant)   # doctest: +SKIP
    """
    holder = _Holder(settings, assistant)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if holder.assistant is None:
            await run_in_threadpool(holder.build)
        yield

    from assistant.frontends.docs import add_docs
    from assistant.frontends.openai_compat import add_openai_routes

    app = FastAPI(
        title="allguide API",
        version="1.0",
        summary="Cited, rule-checked answers from the JSH 2023 adult ALL guideline (decision support only).",
        lifespan=lifespan,
        responses=_ERRORS,
        docs_url=None,  # served from local files by add_docs (no CDN)
        redoc_url=None,
    )
    app.state.holder = holder
    _install_error_handlers(app)
    token = _install_middleware(app, settings)
    add_docs(app, secured=bool(token))
    add_openai_routes(app, settings, holder.get,
                      lambda question, overrides: check_question(question, overrides, settings))
    _add_ops_routes(app, holder)
    _add_ask_routes(app, settings, holder)
    _add_source_route(app, holder)
    return app


def _install_middleware(app: FastAPI, settings: Settings) -> str | None:
    """The token and body-size guard (the docs open when public), and CORS outermost; returns the token."""
    from assistant.frontends.docs import DOCS_PATHS, DOCS_PREFIX

    token = settings.api.token.get_secret_value() if settings.api.token is not None else None
    public = settings.api.public_docs
    app.add_middleware(_GuardMiddleware, token=token or None, max_body=settings.api.max_body_bytes,
                       open_paths=frozenset({"/healthz", *(DOCS_PATHS if public else ())}),
                       open_prefixes=(DOCS_PREFIX,) if public else ())
    if settings.api.cors_origins:  # outermost, so preflight requests (which carry no token) are answered
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=settings.api.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    return token


def _add_ops_routes(app: FastAPI, holder: _Holder) -> None:
    """/healthz (GET and HEAD, no token) and /readyz."""

    @app.get("/healthz", tags=["ops"], summary="Liveness: always 200 while the process runs (no token needed)",
             openapi_extra={"security": []})
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.head("/healthz", include_in_schema=False)
    async def healthz_head() -> dict[str, str]:  # load balancers probe with HEAD
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], summary="Readiness: 200 when the index is loaded and readable, else 503")
    async def readyz() -> JSONResponse:
        try:
            bot = await holder.get()
        except AssistantError as exc:
            _, kind, message = _status_for(exc)
            return _error(503, kind, message)
        if not await run_in_threadpool(bot.ready):
            return _error(503, "index_unreadable", f"The index is not readable. {INGEST_HINT}")
        return JSONResponse({"status": "ready", "mode": bot.mode})


def _add_ask_routes(app: FastAPI, settings: Settings, holder: _Holder) -> None:
    """/v1/ask (one JSON Answer) and /v1/ask/stream (server-sent events)."""

    @app.post("/v1/ask", response_model=Answer, tags=["ask"], summary="Answer one question with citations")
    async def ask(req: AskRequest) -> Response:
        _check_request(req, settings)
        bot = await holder.get()
        answer = await run_in_threadpool(lambda: bot.ask(req.question, history=req.history_turns(),
                                                         overrides=req.overrides, lang=req.lang))
        # serialised once by pydantic (an Answer is already valid: no second validation and dict round trip)
        return Response(answer.model_dump_json(), media_type="application/json")

    @app.post(
        "/v1/ask/stream", tags=["ask"], summary="Answer as server-sent events",
        description="Events: `stage` (\"retrieving\", \"checked\"), `text` (draft pieces, LLM mode only; discard "
                    "them once the answer arrives), `answer` (the final checked Answer), `error` ({type, message}). "
                    "Every `data:` field is JSON.",
        responses={200: {"content": {"text/event-stream": {}}, "description": "An event stream"}},
    )
    async def ask_stream(req: AskRequest) -> Any:
        from sse_starlette import EventSourceResponse

        _check_request(req, settings)
        bot = await holder.get()
        return EventSourceResponse(_stream_events(bot, req), ping=15)


async def _stream_events(bot: Assistant, req: AskRequest) -> AsyncIterator[Any]:
    """The answer's events as server-sent events; an error becomes an `error` event (never a stack trace)."""
    from sse_starlette import ServerSentEvent

    it = bot.stream(req.question, history=req.history_turns(), overrides=req.overrides, lang=req.lang)
    try:
        async for ev in iterate_in_threadpool(it):
            yield ServerSentEvent(data=json.dumps(ev["data"]), event=ev["event"])
    except AssistantError as exc:
        _, kind, message = _status_for(exc)
        yield ServerSentEvent(data=json.dumps({"type": kind, "message": message}), event="error")
    except Exception:  # never a stack trace to the client
        log.exception("stream failed")
        yield ServerSentEvent(data=json.dumps({"type": "internal_error",
                                               "message": "Internal server error"}), event="error")


def _add_source_route(app: FastAPI, holder: _Holder) -> None:
    """/v1/sources/{chunk_id}: a cited chunk's full text and metadata."""

    @app.get("/v1/sources/{chunk_id}", response_model=Chunk, tags=["sources"],
             summary="The full text and metadata of a cited chunk",
             responses={404: {"model": ErrorResponse, "description": "Unknown chunk_id"}})
    async def source(chunk_id: str) -> Any:
        bot = await holder.get()
        chunk = bot.source(chunk_id)
        if chunk is None:
            return _error(404, "not_found", f"No chunk with id {chunk_id!r} in the index")
        return chunk


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and multi-worker serving: each worker builds Settings from the env."""
    return create_app(Settings())


class ServeConfigError(AssistantError):
    """The server would start unsafely (e.g. open to the network without a token)."""


def check_exposure(settings: Settings, host: str, *, allow_no_token: bool = False) -> None:
    """Refuse a non-loopback bind address without a token, unless explicitly allowed (then log a warning)."""
    if is_loopback(host) or settings.api.token is not None and settings.api.token.get_secret_value():
        return
    if allow_no_token or settings.api.allow_no_token:
        log.warning("serving on %s WITHOUT a token: anyone who can reach this address can use the API "
                    "(--allow-no-token / ALLGUIDE_API__ALLOW_NO_TOKEN)", host)
        return
    raise ServeConfigError(f"refusing to serve on {host} without a token: set ALLGUIDE_API__TOKEN, or pass "
                           "--allow-no-token (ALLGUIDE_API__ALLOW_NO_TOKEN=true) on a trusted network")


def serve(settings: Settings, *, host: str, port: int, workers: int = 1, allow_no_token: bool = False) -> None:
    """Run the API with uvicorn (blocking). Raises ServeConfigError for a non-loopback host without a token.

    With workers > 1 uvicorn needs an import string, so each worker process builds its own Settings
    from the environment (`app_from_env`) and loads its own Assistant; each worker listens on its own socket
    (SO_REUSEPORT, `workers.serve_workers`), so the kernel spreads connections over them.
    """
    import uvicorn

    check_exposure(settings, host, allow_no_token=allow_no_token)

    if workers > 1:
        from assistant.frontends.workers import serve_workers

        log.info("starting %d workers; each reads ALLGUIDE_* settings from the environment", workers)
        serve_workers("assistant.frontends.api:app_from_env", host=host, port=port, workers=workers)
        return
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")

