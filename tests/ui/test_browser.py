"""The app in a real browser: Playwright drives Debian's Chromium (/usr/bin/chromium) against
`kompass ui` started as a subprocess on a fresh hashing-embedder index.

The walkthrough asks a question, opens a citation, visits every page, logs in as an editor
created with `kompass user add --password-stdin` and publishes a small Markdown document.
Screenshots of each step go to test-artifacts/; timings are printed and written to
test-artifacts/browser-timings.json. Never runs `playwright install`.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}  # a common laptop screen
EDITOR, PASSWORD = "redaktion-test", "browser-test-passwort-1"
UPLOAD = (
    "# Digitalstrategie Quokkastadt\n\n"
    "## Vision\n\n"
    "Quokkastadt wird bis 2030 eine vernetzte, bürgernahe Kommune. "
    "[Link](javascript:alert(1)) $x$ :red[rot]\n\n"
    "## Handlungsfelder\n\n"
    "Verwaltung, Mobilität und Bildung stehen im Mittelpunkt der Quokkastadt-Strategie.\n"
)
# A finished answer shows its sources (expanders) or says that none was found (st.info).
ANSWER_DONE = "[data-testid=stExpander], [data-testid=stAlertContentInfo]"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian-Chromium fehlt (/usr/bin/chromium): "
        "apt-get install -y chromium chromium-driver",
    ),
]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    env: dict[str, str]
    started: float  # perf_counter when `kompass ui` was spawned
    http_ready_s: float
    timings: dict[str, Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _kompass_bin() -> str:
    return str(Path(sys.executable).with_name("kompass"))


def _user_add_cmd() -> list[str]:
    """`kompass user add` once ui/cli/main.py registers the sub-app, else the module itself."""
    from ui.cli import main as cli

    names = {
        g.name or (g.typer_instance.info.name if g.typer_instance else None)
        for g in cli.app.registered_groups
    }
    if "user" in names:
        return [_kompass_bin(), "user", "add"]
    return [sys.executable, "-m", "ui.cli.users", "add"]


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kompass ui ended early with exit code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # the server's own session: only what we started
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("browser") / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMPASS_")}
    env |= {
        "KOMPASS_DATA_DIR": str(data),
        "KOMPASS_EMBED_BACKEND": "hashing",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    t0 = time.perf_counter()
    subprocess.run([_kompass_bin(), "ingest"], env=env, check=True, capture_output=True)
    ingest_s = time.perf_counter() - t0
    subprocess.run(
        [*_user_add_cmd(), EDITOR, "--password-stdin"],
        env=env,
        input=f"{PASSWORD}\n".encode(),
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    port = _free_port()
    log = (data.parent / "kompass-ui.log").open("wb")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [_kompass_bin(), "ui", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_http(f"{url}/_stcore/health", proc, timeout=120)
        srv = Server(url, proc, env, started, time.perf_counter() - started)
        srv.timings["ingest_s"] = round(ingest_s, 2)
        yield srv
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _report(name: str, timings: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps(timings, indent=2, ensure_ascii=False), encoding="utf-8")
    with capsys.disabled():
        print(f"\n[{name}] " + ", ".join(f"{k}={v}" for k, v in timings.items()))


class Walk:
    """One browser page plus the helpers the walkthrough needs."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.shots: list[str] = []

    def shot(self, name: str, focus: Any = None) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        if focus is not None:
            focus.scroll_into_view_if_needed()
        self.page.wait_for_timeout(300)  # let the last delta paint
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.shots.append(f"{name}.png")

    def settle(self) -> None:
        """Wait until the script run is over (no running indicator) and check for errors."""
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
        )
        assert self.page.get_by_test_id("stException").count() == 0

    def goto_page(self, title: str) -> None:
        self.page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
        self.page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
        self.settle()

    def ask(self, question: str, n_assistant: int) -> float:
        """Ask in the chat; seconds until the answer shows its sources (or the honest no)."""
        box = self.page.get_by_test_id("stChatInputTextArea")
        box.fill(question)
        t0 = time.perf_counter()
        box.press("Enter")
        answer = self.page.get_by_test_id("stChatMessage").nth(2 * n_assistant - 1)
        answer.locator(ANSWER_DONE).first.wait_for(timeout=60_000)
        elapsed = time.perf_counter() - t0
        self.settle()
        return elapsed


def test_browser_walkthrough(
    server: Server, browser: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    page = browser.new_page(viewport=VIEWPORT, locale="de-DE")
    w = Walk(page)
    t0 = time.perf_counter()
    page.goto(server.url)
    page.get_by_role("heading", name="Fragen").wait_for(timeout=120_000)
    w.settle()
    first_page = time.perf_counter() - t0  # includes opening the index and the models
    w.shot("01-fragen-start")

    first = w.ask("Wie formulieren wir eine Vision?", 1)
    citation = page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stExpander").first
    assert "[1] " in citation.locator("summary").inner_text()
    w.shot("02-antwort-mit-quellen")
    citation.locator("summary").click()
    citation.locator("strong").first.wait_for(timeout=10_000)  # the quote, highlighted
    assert "Dokument:" in citation.inner_text()
    w.shot("03-quelle-geoeffnet", focus=citation)
    warm = w.ask("Was plant Ulm für die Mobilität?", 2)
    assert page.get_by_test_id("stChatMessage").nth(3).get_by_test_id("stExpander").count() > 0
    w.shot("04-zweite-antwort", focus=page.get_by_test_id("stChatMessage").nth(3))

    w.goto_page("Recherche")
    search = page.get_by_label("Suchbegriffe")
    search.fill("Mobilität Parken")
    search.press("Enter")
    page.get_by_text("Treffer in").first.wait_for(timeout=30_000)
    w.settle()
    # the highlighted hits may render a moment after the count line: wait, then check
    marked = page.locator("strong", has_text="Mobilität")
    marked.first.wait_for(state="attached", timeout=30_000)
    assert marked.count() > 0
    w.shot("05-recherche-treffer")
    page.get_by_role("tab", name="Korpus-Überblick").click()
    page.get_by_text("Strategien nach Bundesland").wait_for(timeout=30_000)
    w.settle()
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=30_000)
    w.shot("06-korpus-ueberblick")

    w.goto_page("Vision-Werkstatt")
    w.shot("07-vision-werkstatt")

    w.goto_page("Redaktion")
    assert page.get_by_test_id("stFileUploader").count() == 0  # only the login form
    page.get_by_label("Benutzername").fill(EDITOR)
    page.get_by_label("Passwort").fill(PASSWORD)
    w.shot("08-redaktion-anmeldung")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_text("Angemeldet als").wait_for(timeout=30_000)
    w.settle()
    w.shot("09-redaktion-angemeldet")

    published = False
    if (ROOT / "ingest" / "intake.py").exists():
        page.locator("input[type=file]").set_input_files(
            files=[
                {"name": "quokkastadt.md", "mimeType": "text/markdown", "buffer": UPLOAD.encode()}
            ]
        )
        page.get_by_text("quokkastadt.md").wait_for(timeout=10_000)
        page.get_by_label("Kommune").fill("Quokkastadt")
        page.get_by_role("button", name="Vorschau erstellen").click()
        preview = page.get_by_role("heading", name="Vorschau")
        preview.wait_for(timeout=30_000)
        w.settle()
        w.shot("10-redaktion-vorschau", focus=page.get_by_role("button", name="Veröffentlichen"))
        page.get_by_role("button", name="Veröffentlichen").click()
        page.get_by_text("Veröffentlicht:").wait_for(timeout=60_000)
        w.settle()
        w.shot("11-redaktion-veroeffentlicht")
        # The new document is searchable, and its text shows literally (escaped).
        w.goto_page("Recherche")
        search = page.get_by_label("Suchbegriffe")
        search.fill("Quokkastadt")
        search.press("Enter")
        # Markdown/LaTeX/directive syntax from the document shows as typed, not rendered.
        page.get_by_text("$x$ :red[rot]").first.wait_for(timeout=30_000)
        assert page.locator("a[href^='javascript']").count() == 0
        w.shot("12-recherche-neues-dokument")
        published = True

    server.timings |= {
        "http_ready_s": round(server.http_ready_s, 2),
        "first_page_s": round(first_page, 2),
        "cold_ready_s": round(server.http_ready_s + first_page, 2),
        "first_question_s": round(first, 3),
        "warm_question_s": round(warm, 3),
        "published": published,
        "screenshots": w.shots,
    }
    _report("browser-timings", server.timings, capsys)
    page.close()


QUESTIONS = (
    "Wo fangen wir an?",
    "Wie formulieren wir eine Vision?",
    "Welche Handlungsfelder wählen Kommunen wie wir?",
    "Wie beteiligen wir die Bürgerschaft?",
    "Welche Rolle spielt Mobilität?",
    "Wie organisieren wir die Umsetzung?",
    "Was plant Ulm für die Bildung?",
    "Wie gehen Kommunen mit Daten um?",
    "Welche Ziele hat Potsdam?",
    "Wie wird eine Strategie beschlossen?",
)


async def _session(browser: Any, url: str, question: str) -> dict[str, Any]:
    """One browser session: open the app, ask, wait for a cited answer or the honest no."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    try:
        t0 = time.perf_counter()
        await page.goto(url)
        await page.get_by_role("heading", name="Fragen").wait_for(timeout=120_000)
        loaded = time.perf_counter() - t0
        box = page.get_by_test_id("stChatInputTextArea")
        await box.fill(question)
        t1 = time.perf_counter()
        await box.press("Enter")
        done = page.get_by_test_id("stChatMessage").nth(1)
        await done.locator(
            "[data-testid=stExpander], [data-testid=stAlertContentInfo]"
        ).first.wait_for(timeout=120_000)
        answered = time.perf_counter() - t1
        errors = await page.get_by_test_id("stException").count()
        return {"question": question, "load_s": loaded, "answer_s": answered, "errors": errors}
    finally:
        await context.close()


async def _concurrent(url: str, n: int) -> tuple[list[dict[str, Any]], float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        t0 = time.perf_counter()
        results = await asyncio.gather(
            *(_session(browser, url, QUESTIONS[i % len(QUESTIONS)]) for i in range(n))
        )
        wall = time.perf_counter() - t0
        await browser.close()
    return list(results), wall


@pytest.mark.slow
def test_ten_concurrent_browser_sessions(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    # Own thread: the sync Playwright of the walkthrough keeps a loop on this one.
    with ThreadPoolExecutor(1) as pool:
        results, wall = pool.submit(asyncio.run, _concurrent(server.url, 10)).result()
    assert [r["errors"] for r in results] == [0] * 10
    answers = sorted(r["answer_s"] for r in results)
    _report(
        "browser-concurrency",
        {
            "sessions": len(results),
            "wall_s": round(wall, 2),
            "answer_p50_s": round(statistics.median(answers), 3),
            "answer_max_s": round(answers[-1], 3),
            "load_max_s": round(max(r["load_s"] for r in results), 2),
        },
        capsys,
    )
