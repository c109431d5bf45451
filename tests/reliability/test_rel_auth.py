"""Auth: with `api.token` set, every route of the app but /healthz refuses a missing or wrong bearer token.

The routes are enumerated from the FastAPI app itself (so a route added later is covered automatically),
including the docs assets. Open without the token: /healthz (load balancers and liveness probes) and, with
the default ALLGUIDE_API__PUBLIC_DOCS=true, the docs pages, their local assets and /openapi.json, because a
browser cannot send an Authorization header when it opens /docs (they describe the API and hold no data; the
docs' "Authorize" button then sends the token to the data routes). Every data route needs the token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from rel_helpers import serve_http

from assistant.frontends.api import create_app
from assistant.settings import Settings

TOKEN = "s3cret-Token_for-tests"
Q = {"question": "72-year-old woman with newly diagnosed Ph+ ALL: what induction?"}
CHAT = {"model": "allguide", "messages": [{"role": "user", "content": Q["question"]}]}
OPEN = {"/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/docs/assets/swagger-ui.css"}
MOUNTS = {"/docs/assets": "/docs/assets/swagger-ui.css"}  # a static mount, probed with one of its files


@pytest.fixture(scope="module")
def app(rel_settings: Settings, rel_bot: Any) -> Any:
    settings = Settings(store={"path": rel_settings.store.path}, api={"token": TOKEN})
    return create_app(settings, assistant=rel_bot)


@pytest.fixture(scope="module")
def http(app: Any) -> Iterator[httpx.Client]:
    with serve_http(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def _routes(app: Any, chunk_id: str) -> list[tuple[str, str]]:
    """(method, concrete path) for every route of the app."""
    out = []
    for route in app.routes:
        path = MOUNTS.get(route.path, route.path).replace("{chunk_id}", chunk_id)
        assert "{" not in path, f"new path parameter in {route.path}: teach this test a value for it"
        out += [(m, path) for m in sorted(getattr(route, "methods", None) or {"GET"})]
    return out


def _send(http: httpx.Client, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    body = CHAT if path == "/v1/chat/completions" else Q
    kw: dict[str, Any] = {"json": body} if method == "POST" else {}
    return http.request(method, path, headers=headers, **kw)


BAD = {
    "missing": {},
    "wrong": {"Authorization": "Bearer wrong-token"},
    "empty": {"Authorization": "Bearer"},
    "prefix": {"Authorization": f"Bearer {TOKEN[:-1]}"},
    "suffix": {"Authorization": f"Bearer {TOKEN}x"},
    "no-scheme": {"Authorization": TOKEN},
    "basic": {"Authorization": f"Basic {TOKEN}"},
    "other-header": {"X-API-Key": TOKEN},
    "two-tokens": {"Authorization": f"Bearer wrong {TOKEN}"},
}


def test_route_list_is_what_we_expect(app: Any, rel_bot: Any) -> None:
    paths = {p for _, p in _routes(app, "ID")}
    assert {"/healthz", "/readyz", "/v1/ask", "/v1/ask/stream", "/v1/sources/ID", "/openapi.json", "/docs",
            "/v1/chat/completions", "/v1/models"} <= paths


@pytest.mark.parametrize("kind", sorted(BAD))
def test_every_route_but_healthz_refuses_a_bad_token(http: httpx.Client, app: Any, rel_bot: Any, kind: str) -> None:
    chunk_id = rel_bot.retriever.chunks[0].chunk_id
    for method, path in _routes(app, chunk_id):
        r = _send(http, method, path, BAD[kind])
        if path in OPEN:
            assert r.status_code == 200, (method, path, r.status_code)
            continue
        assert r.status_code == 401, (kind, method, path, r.status_code, r.text[:200])
        assert r.headers.get("www-authenticate") == "Bearer"
        if method != "HEAD":
            assert r.json()["error"]["type"] == "unauthorized", r.text
            assert TOKEN not in r.text
    r = _send(http, "GET", "/no/such/route", BAD[kind])
    assert r.status_code == 401  # unknown routes are not revealed without the token either


def test_the_right_token_opens_every_route(http: httpx.Client, app: Any, rel_bot: Any) -> None:
    chunk_id = rel_bot.retriever.chunks[0].chunk_id
    for scheme in ("Bearer", "bearer"):
        for method, path in _routes(app, chunk_id):
            r = _send(http, method, path, {"Authorization": f"{scheme} {TOKEN}"})
            assert r.status_code == 200, (method, path, r.status_code, r.text[:200])
    assert http.get("/no/such/route", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
