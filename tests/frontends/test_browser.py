"""A real browser against `streamlit run app.py` (with the project's .streamlit/config.toml): ask a question, see
the answer, sources and verdict; a refusal; an over-long paste; the toolbar and the disclaimer.

Needs Debian's chromium at /usr/bin/chromium (installed by the Makefile/CI). Without it these tests
fail on purpose: the UI must be checked in a real browser.

Screenshots go to the test's tmp folder; they are copied to docs/ (committed, shown in the README) when the
file is missing or when UPDATE_SCREENSHOT=1, so `make test` leaves the working tree clean.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from evals.processes import free_port, running

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = ROOT / "docs" / "screenshot-ui.png"
REFUSAL_SHOT = ROOT / "docs" / "screenshot-refusal.png"
QUESTION = "72-year-old woman with newly diagnosed Ph+ ALL: what induction does the guideline recommend?"



def _ui(cmd: list[str], port: int, log_path: Path, env: dict[str, str], cwd: Path = ROOT
        ) -> AbstractContextManager[subprocess.Popen]:
    """A Streamlit server (`streamlit run` or `allguide ui`), ready once its health check says "ok"."""
    return running(cmd, ready_url=f"http://127.0.0.1:{port}/_stcore/health", ready_body="ok", log_path=log_path,
                   env=env, cwd=cwd, timeout=60, stop_timeout=10)


STREAMLIT = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--browser.gatherUsageStats", "false"]  # the rest from .streamlit/


@pytest.fixture
def streamlit_url(fe_store: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    feedback = tmp_path / "feedback.jsonl"
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(fe_store), "ALLGUIDE_STORE__FEEDBACK_PATH": str(feedback),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    with _ui([*STREAMLIT, "--server.port", str(port)], port, tmp_path / "streamlit.log", env):
        yield f"http://127.0.0.1:{port}", feedback
        logged = (tmp_path / "streamlit.log").read_text()
        assert "Inotify" not in logged and "Traceback" not in logged, logged[-2000:]


@pytest.mark.integration
def test_browser_asks_and_sees_answer_sources_and_verdict(streamlit_url: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    url, feedback = streamlit_url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 1500})
            page.goto(url)
            box = page.get_by_test_id("stChatInputTextArea")
            expect(box).to_be_visible(timeout=90_000)  # first load builds the Assistant
            expect(page.get_by_text("Decision support only").first).to_be_visible()
            box.fill(QUESTION)
            box.press("Enter")

            verdict = page.locator("[class*='st-key-verdict_']").first
            expect(verdict).to_be_visible(timeout=90_000)
            expect(verdict).to_contain_text("Verdict:")
            messages = page.get_by_test_id("stChatMessage")
            expect(messages).to_have_count(2)
            answer = messages.nth(1)
            expect(answer).to_contain_text("Ph-positive ALL")
            expect(answer).to_contain_text("[1]")
            sources = page.locator("[class*='st-key-sources_']").first
            expect(sources).to_be_visible()
            expect(sources).to_contain_text("[1]")
            expect(sources).to_contain_text("guideline")
            facts = page.locator("[class*='st-key-facts_']").first
            expect(facts).to_contain_text("Age 72")
            first_source = sources.get_by_test_id("stExpander").first
            first_source.locator("summary").click()
            expect(first_source.locator("blockquote")).to_be_visible()

            page.wait_for_timeout(300)
            shot = tmp_path / "screenshot-ui.png"
            page.screenshot(path=str(shot), full_page=True)

            page.get_by_test_id("stFeedback").first.locator("button").first.click()
            deadline = time.monotonic() + 15
            # (the file may exist before its line is written: wait for the line, not the file)
            while not (feedback.exists() and feedback.read_text(encoding="utf-8").strip()) and time.monotonic() < deadline:
                time.sleep(0.2)
            row = json.loads(feedback.read_text(encoding="utf-8").splitlines()[0])
            assert row["rating"] == "up" and row["question"] == QUESTION
        finally:
            browser.close()
    assert shot.stat().st_size > 20_000
    _keep(shot, SCREENSHOT)


def _keep(shot: Path, target: Path) -> None:
    if not target.exists() or os.environ.get("UPDATE_SCREENSHOT") == "1":
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, target)


def _browser(p: Any) -> Any:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    return p.chromium.launch(executable_path=CHROMIUM,
                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])


@pytest.mark.integration
def test_browser_refusal_long_paste_toolbar_and_disclaimer(streamlit_url: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, _ = streamlit_url
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 1100})
            page.goto(url)
            box = page.get_by_test_id("stChatInputTextArea")
            expect(box).to_be_visible(timeout=90_000)
            expect(box).to_have_attribute("placeholder", re.compile(r"up to 2,000 characters"))
            expect(page.get_by_text("Deploy", exact=True)).to_have_count(0)  # no Deploy button in the toolbar

            # a paste over the limit: not sent, not lost, a clear message
            long = "72-year-old with Ph+ ALL. " + "Previous history and labs. " * 100
            box.fill(long)
            box.press("Enter")
            notice = page.locator(".st-key-too_long")
            expect(notice).to_contain_text(f"{len(long):,} characters long; the limit is 2,000", timeout=30_000)
            expect(notice.locator("code")).to_contain_text("Previous history and labs.")
            expect(page.get_by_test_id("stChatMessage")).to_have_count(0)

            # a refusal: its badge and icon, its reason once, no green tick, re-ask disabled
            box.fill("What is the induction for AML?")
            box.press("Enter")
            verdict = page.locator("[class*='st-key-verdict_']").first
            expect(verdict).to_contain_text("Verdict: Refused", timeout=90_000)
            expect(verdict.locator("span[role='img']")).to_have_text("block")
            expect(page.get_by_text("not adult acute lymphoblastic leukemia")).to_have_count(1)
            expect(page.get_by_test_id("stStatusWidget").locator("[data-testid='stExpanderIconCheck']")).to_have_count(0)
            expect(page.get_by_test_id("stSidebar").get_by_role("button", name="Re-ask with these facts")).to_be_disabled()
            footer = page.get_by_text(re.compile(r"extractive mode · out of scope · .* · Decision support only"))
            expect(footer).to_have_count(1)
            expect(page.get_by_text("Decision support only. allguide summarises")).to_have_count(1)
            page.wait_for_timeout(300)
            shot = tmp_path / "screenshot-refusal.png"
            page.screenshot(path=str(shot), full_page=True)

            # a pass: its own icon
            box.fill(QUESTION)
            box.press("Enter")
            last = page.locator("[class*='st-key-verdict_']").nth(1)
            expect(last).to_contain_text("Verdict:", timeout=90_000)
            expect(last.locator("span[role='img']")).to_have_text(re.compile(r"^(check_circle|warning|build)$"))
            expect(page.get_by_text("Decision support only. allguide summarises")).to_have_count(1)
            # one short line per answer; the assertion retries, so a rerun's stale copies of a message's
            # elements (Streamlit keeps them on screen until the new run replaces them) do not count
            for message in page.get_by_test_id("stChatMessage").all()[1::2]:
                expect(message.get_by_text(re.compile(r"Decision support only"))).to_have_count(1, timeout=30_000)
        finally:
            browser.close()
    _keep(shot, REFUSAL_SHOT)


@pytest.mark.integration
def test_allguide_ui_serves_on_loopback(fe_store: Path, tmp_path: Path) -> None:
    """`allguide ui` (what `make run` starts) brings the chat UI up on 127.0.0.1 with the project's config."""
    port = free_port()
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(fe_store), "ALLGUIDE_UI__PORT": str(port),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with _ui([sys.executable, "-m", "assistant.frontends.cli", "ui"], port, tmp_path / "ui.log", env, cwd=tmp_path):
        pass
    text = (tmp_path / "ui.log").read_text()
    assert f"http://127.0.0.1:{port}" in text and "Network URL" not in text, text


JA_SCREENSHOT = ROOT / "docs" / "screenshot-ja.png"
JA_QUESTION = "72歳の女性、Ph+ ALL、寛解導入 induction therapy は？"


@pytest.fixture
def streamlit_ja_url(fe_store: Path, tmp_path: Path) -> Iterator[str]:
    """The UI on the test index with the fixture's aligned Japanese corpus (tests/ja_fixture.py)."""
    from tests.ja_fixture import make_ja_corpus

    port = free_port()
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(fe_store),
           "ALLGUIDE_STORE__FEEDBACK_PATH": str(tmp_path / "feedback.jsonl"),
           "ALLGUIDE_STORE__CORPUS_PATH": str(make_ja_corpus(tmp_path / "corpus")),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    with _ui([*STREAMLIT, "--server.port", str(port)], port, tmp_path / "streamlit.log", env):
        yield f"http://127.0.0.1:{port}"
        logged = (tmp_path / "streamlit.log").read_text()
        assert "Traceback" not in logged, logged[-2000:]


@pytest.mark.integration
def test_browser_japanese_conversation(streamlit_ja_url: str, tmp_path: Path) -> None:
    """A Japanese question answered in Japanese (detected), then a follow-up with the switch on 日本語: aligned
    Japanese sentences with their markers, Japanese labels, the English original of a quote one click away."""
    from playwright.sync_api import expect, sync_playwright

    from assistant.localise import unglossed
    from tests.ja_fixture import JA, shown_ja

    older = list(JA["g04-ph-pos-older"][2].values())
    younger = next(iter(JA["g02-ph-pos-induction"][2].values()))
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 2000})
            page.goto(streamlit_ja_url)
            box = page.get_by_test_id("stChatInputTextArea")
            expect(box).to_be_visible(timeout=90_000)
            box.fill(JA_QUESTION)
            box.press("Enter")
            verdict = page.locator("[class*='st-key-verdict_']").first
            expect(verdict).to_contain_text("判定: 合格", timeout=90_000)
            answer = page.get_by_test_id("stChatMessage").nth(1)
            expect(answer).to_contain_text("意思決定の支援のみ")
            shown = unglossed(answer.inner_text())  # (abbreviations get their Japanese term at first use)
            assert shown_ja(older[0], shown) and shown_ja(older[1], shown), shown
            expect(answer).not_to_contain_text("英語のみ")
            sources = page.locator("[class*='st-key-sources_']").first
            expect(sources).to_contain_text("出典")
            expect(sources).to_contain_text("65歳以上のPh陽性ALL")

            # the switch on 日本語; an English follow-up is answered in Japanese, in the same conversation
            page.get_by_test_id("stSidebar").get_by_text("日本語", exact=True).click()
            box.fill("and if she were 60?")
            box.press("Enter")
            second = page.locator("[class*='st-key-verdict_']").nth(1)
            expect(second).to_contain_text("判定:", timeout=90_000)
            reply = page.get_by_test_id("stChatMessage").nth(3)
            expect(reply).to_contain_text(younger)
            facts = page.locator("[class*='st-key-facts_']").nth(1)
            expect(facts).to_contain_text("読み取った患者情報")
            expect(facts).to_contain_text("60歳（40〜64歳）")
            source = page.locator("[class*='st-key-sources_']").nth(1).get_by_test_id("stExpander").first
            source.locator("summary").click()
            expect(source.locator("blockquote")).to_contain_text(younger)
            expect(source).to_contain_text("英語版: For adults with Ph-positive ALL")
            page.wait_for_timeout(300)
            shot = tmp_path / "screenshot-ja.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 20_000
    _keep(shot, JA_SCREENSHOT)
