"""API docs that work offline: Swagger UI at /docs and ReDoc at /redoc, their JavaScript and CSS served from the
`fastapi-offline` wheel (no CDN), and the bearer scheme declared in the OpenAPI document so Swagger UI's
"Authorize" button sends the token.

By default (ALLGUIDE_API__PUBLIC_DOCS=true) the docs pages, their assets and /openapi.json are open without the
token, since a browser cannot send an Authorization header when it opens a page; they describe the API and hold
no data. Every data route still needs the token.

Example:
    >>> from fastapi import FastAPI
    >>> app = FastAPI(docs_url=None, redoc_url=None)
    >>> add_docs(app, secured=True)
    >>> app.openapi()["components"]["securitySchemes"]["bearerAuth"]
    {'type': 'http', 'scheme': 'bearer', 'description': 'ALLGUIDE_API__TOKEN'}
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["DOCS_PATHS", "DOCS_PREFIX", "add_docs", "assets_dir"]

DOCS_PREFIX = "/docs/assets/"
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
_SCHEME = "bearerAuth"
# The pages may load only this server's files: nothing leaves the machine (ReDoc's footer logo from its CDN is
# blocked by the browser itself and hidden by ReDoc when it fails to load).
_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'")


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = _CSP
    return page


def assets_dir() -> Path:
    """The folder with swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js and favicon.png."""
    return Path(str(resources.files("fastapi_offline") / "static"))


def _openapi(app: FastAPI, *, secured: bool) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        if secured:
            schema.setdefault("components", {})["securitySchemes"] = {
                _SCHEME: {"type": "http", "scheme": "bearer", "description": "ALLGUIDE_API__TOKEN"}}
            schema["security"] = [{_SCHEME: []}]
        app.openapi_schema = schema
    return app.openapi_schema


def add_docs(app: FastAPI, *, secured: bool) -> None:
    """Mount the local docs assets, add /docs, /docs/oauth2-redirect and /redoc, declare the bearer scheme."""
    app.openapi = lambda: _openapi(app, secured=secured)  # type: ignore[method-assign]
    app.mount(DOCS_PREFIX.rstrip("/"), StaticFiles(directory=assets_dir()), name="docs-assets")
    title = f"{app.title}: docs"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _local_only(get_swagger_ui_html(
            openapi_url="/openapi.json", title=title, oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_js_url=f"{DOCS_PREFIX}swagger-ui-bundle.js", swagger_css_url=f"{DOCS_PREFIX}swagger-ui.css",
            swagger_favicon_url=f"{DOCS_PREFIX}favicon.png",
            swagger_ui_parameters={"persistAuthorization": True}))

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _local_only(get_redoc_html(
            openapi_url="/openapi.json", title=title, redoc_js_url=f"{DOCS_PREFIX}redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_PREFIX}favicon.png", with_google_fonts=False))
