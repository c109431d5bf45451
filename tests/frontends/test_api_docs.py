"""API docs offline (local Swagger UI/ReDoc assets, the bearer scheme, Authorize in a real browser), HEAD /healthz,
CORS origins from the settings, and the refusal to serve a non-loopback address without a token."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.frontends.api import ServeConfigError, check_exposure, create_app, is_loopback
from assistant.frontends.cli import app as cli
from assistant.settings import Settings
from tests.servers import serve_http

TOKEN = "docs-test-token"
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = ROOT / "docs" / "screenshot-api-docs.png"


@pytest.fixture(scope="module")
def secured(fe_settings: Settings, bot: Any) -> Iterator[str]:
    settings = Settings(store=fe_settings.store.model_dump(), api={"token": TOKEN})
    with serve_http(create_app(settings, assistant=bot)) as url:
        yield url


def test_docs_pages_use_local_assets_only(secured: str) -> None:
    with httpx.Client(base_url=secured, timeout=30) as http:
        for page, assets in (("/docs", ("swagger-ui-bundle.js", "swagger-ui.css")), ("/redoc", ("redoc.standalone.js",))):
            r = http.get(page)  # no token: a browser cannot send one when it opens the page
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
            assert "cdn." not in r.text and "fonts.googleapis" not in r.text and "https://" not in r.text
            assert "img-src 'self' data:" in r.headers["content-security-policy"]
            for name in assets:
                assert f"/docs/assets/{name}" in r.text
                asset = http.get(f"/docs/assets/{name}")
                assert asset.status_code == 200 and len(asset.content) > 100_000
        assert http.get("/docs/assets/../../etc/passwd").status_code in (401, 404)


def test_openapi_declares_the_bearer_scheme(secured: str) -> None:
    schema = httpx.get(f"{secured}/openapi.json", timeout=30).json()
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "ALLGUIDE_API__TOKEN"}
    assert schema["security"] == [{"bearerAuth": []}]
    assert schema["paths"]["/healthz"]["get"]["security"] == []
    assert {"/v1/chat/completions", "/v1/models", "/v1/ask"} <= set(schema["paths"])


def test_data_routes_still_need_the_token(secured: str) -> None:
    with httpx.Client(base_url=secured, timeout=60) as http:
        assert http.get("/readyz").status_code == 401
        assert http.post("/v1/ask", json={"question": "Ph+ ALL induction?"}).status_code == 401
        assert http.get("/readyz", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_no_security_scheme_without_a_token(fe_settings: Settings, bot: Any) -> None:
    schema = TestClient(create_app(fe_settings, assistant=bot)).get("/openapi.json").json()
    assert "security" not in schema and "securitySchemes" not in schema.get("components", {})


def test_private_docs_need_the_token(fe_settings: Settings, bot: Any) -> None:
    settings = Settings(store=fe_settings.store.model_dump(), api={"token": TOKEN, "public_docs": False})
    client = TestClient(create_app(settings, assistant=bot))
    for path in ("/docs", "/redoc", "/openapi.json", "/docs/assets/swagger-ui.css"):
        assert client.get(path).status_code == 401, path
    assert client.get("/docs", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_healthz_answers_head_and_stays_open(secured: str) -> None:
    r = httpx.head(f"{secured}/healthz", timeout=10)
    assert r.status_code == 200 and r.content == b""
    assert httpx.get(f"{secured}/healthz", timeout=10).json() == {"status": "ok"}


def test_cors_origins_come_from_the_settings(fe_settings: Settings, bot: Any) -> None:
    settings = Settings(store=fe_settings.store.model_dump(),
                        api={"token": TOKEN, "cors_origins": ["https://chat.example"]})
    client = TestClient(create_app(settings, assistant=bot))
    pre = {"Origin": "https://chat.example", "Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization,content-type"}
    r = client.options("/v1/chat/completions", headers=pre)  # a preflight carries no token
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://chat.example"
    assert "authorization" in r.headers["access-control-allow-headers"].lower()
    r = client.options("/v1/chat/completions", headers={**pre, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    r = client.get("/v1/models", headers={"Origin": "https://chat.example", "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://chat.example"
    plain = TestClient(create_app(fe_settings, assistant=bot))  # no origins configured: no CORS headers
    assert "access-control-allow-origin" not in plain.get("/healthz", headers={"Origin": "https://chat.example"}).headers


def test_cors_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLGUIDE_API__CORS_ORIGINS", '["https://a.example", "http://localhost:3000"]')
    assert Settings().api.cors_origins == ["https://a.example", "http://localhost:3000"]


# -- safe serving defaults -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True),
                                                ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("::", False),
                                                ("192.168.1.20", False), ("allguide.example", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_non_loopback_without_token_is_refused(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(ServeConfigError, match="ALLGUIDE_API__TOKEN"):
        check_exposure(Settings(), "0.0.0.0")
    check_exposure(Settings(), "127.0.0.1")
    check_exposure(Settings(api={"token": "t"}), "0.0.0.0")
    with caplog.at_level("WARNING"):
        check_exposure(Settings(), "0.0.0.0", allow_no_token=True)
        check_exposure(Settings(api={"allow_no_token": True}), "10.0.0.5")
    assert sum("WITHOUT a token" in r.message for r in caplog.records) == 2


def test_serve_refuses_with_a_one_line_error() -> None:
    r = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "ALLGUIDE_API__TOKEN" in lines[0] and "--allow-no-token" in lines[0]


def test_ui_refuses_a_remote_address_with_a_one_line_error() -> None:
    r = CliRunner().invoke(cli, ["ui", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "ALLGUIDE_UI__ALLOW_REMOTE" in lines[0]


# -- the docs page in a real browser, with every request off 127.0.0.1 blocked -------------------------------------

@pytest.mark.integration
def test_swagger_ui_renders_offline_and_authorize_works(secured: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    outside: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if url.startswith(secured) or url.startswith("data:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.route("**/*", only_local)
            page.goto(f"{secured}/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("allguide API", timeout=30_000)
            expect(page.locator("#operations-openai-chat_completions_v1_chat_completions_post")).to_be_visible()
            page.locator("button.authorize").first.click()
            page.locator(".auth-container input").first.fill(TOKEN)
            page.locator(".auth-btn-wrapper button.authorize").click()
            page.locator(".auth-btn-wrapper button.btn-done").click()
            ready = page.locator("#operations-ops-readyz_readyz_get")
            ready.locator(".opblock-summary").click()
            ready.locator("button.try-out__btn").click()
            ready.locator("button.execute").click()
            status = ready.locator(".live-responses-table tbody .response-col_status").first
            expect(status).to_have_text("200", timeout=30_000)
            expect(ready.locator(".live-responses-table")).to_contain_text('"status": "ready"')
            page.locator(".swagger-ui .info").scroll_into_view_if_needed()
            shot = tmp_path / "screenshot-api-docs.png"
            page.screenshot(path=str(shot), full_page=False)
            page.goto(f"{secured}/redoc")
            expect(page.locator("h1").first).to_contain_text("allguide API", timeout=30_000)
        finally:
            browser.close()
    assert outside == []
    if not SCREENSHOT.exists() or os.environ.get("UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, SCREENSHOT)
