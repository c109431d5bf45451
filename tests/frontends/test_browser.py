"""A real browser against `streamlit run app.py`: ask a question, see the answer, sources and verdict.

Needs Debian's chromium at /usr/bin/chromium (installed by the Makefile/CI). Without it this test
fails on purpose: the UI must be checked in a real browser.

The screenshot goes to the test's tmp folder; it is copied to docs/screenshot-ui.png (committed, shown
in the README) when that file is missing or when UPDATE_SCREENSHOT=1, so `make test` leaves the
working tree clean.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.frontends.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = ROOT / "docs" / "screenshot-ui.png"
QUESTION = "72-year-old woman with newly diagnosed Ph+ ALL: what induction does the guideline recommend?"


@pytest.fixture
def streamlit_url(fe_store: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    feedback = tmp_path / "feedback.jsonl"
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(fe_store), "ALLGUIDE_STORE__FEEDBACK_PATH": str(feedback),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--client.toolbarMode", "minimal"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + (tmp_path / "streamlit.log").read_text())
            time.sleep(0.2)
        yield url, feedback
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
            while not feedback.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            row = json.loads(feedback.read_text(encoding="utf-8").splitlines()[0])
            assert row["rating"] == "up" and row["question"] == QUESTION
        finally:
            browser.close()
    assert shot.stat().st_size > 20_000
    if not SCREENSHOT.exists() or os.environ.get("UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
