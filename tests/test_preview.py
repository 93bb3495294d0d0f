"""`invoke preview`, end to end: the real command, Debian's Chromium through Playwright,
real files edited on disk (issue 14)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import a11y
import pytest
from conftest import MentiQuestion, SlideSpec, line_of, make_mentimeter, make_pptx, write_event

ROOT = Path(__file__).resolve().parents[1]
SLUG = "ev"
EVENT = """
    title: Voorbeeld bekijken
    date: 2024-05-16
    place: online
    organiser: Testbureau
    language: nl
    lead: Een korte inleiding.
    decks:
      talk:
        file: decks/talk.pptx
    polls:
      menti:
        file: polls/menti.xlsx
    sessions:
      - id: welkom
        title: Welkom
"""
SESSION = """
    De eerste versie van de tekst.

    ```slides
    deck: talk
    slides: 1
    ```

    ```poll
    poll: menti
    question: 1
    ```
"""
SECONDS = 20  # "within seconds": a save shows in the open page well within this


@dataclass
class Running:
    """A preview running in a project of its own."""

    project: Path
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def event(self) -> Path:
        return self.project / "sources" / SLUG

    @property
    def session(self) -> Path:
        return self.event / "sessions" / "welkom.md"

    @property
    def address(self) -> str:
        said = next(line for line in self.lines if "Preview of" in line)
        return said.split("open ")[1].split()[0]

    @property
    def port(self) -> int:
        return int(self.address.rstrip("/").rsplit(":", 1)[1])

    def wait_for(self, text: str, seconds: float = 120) -> None:
        end = time.monotonic() + seconds
        while not any(text in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > end:
                raise AssertionError(f"no {text!r} in {self.lines}")
            time.sleep(0.1)

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=120)
        return code, "".join(self.lines)


def _read(stream: object, lines: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.append(line)


def start(project: Path, *args: str) -> Running:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    process = subprocess.Popen(
        [sys.executable, "-m", "invoke", "preview", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    running = Running(project, process)
    threading.Thread(target=_read, args=(process.stdout, running.lines), daemon=True).start()
    return running


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "tasks.py").write_bytes((ROOT / "tasks.py").read_bytes())
    event = write_event(root / "sources" / SLUG, EVENT, {"welkom": SESSION})
    make_pptx(event / "decks" / "talk.pptx", [SlideSpec("Eerste dia", ["Een punt op de dia"])])
    make_mentimeter(
        event / "polls" / "menti.xlsx", [MentiQuestion("Stelling een", options=[("Eens", 3)])]
    )
    return root


@pytest.fixture
def running(project: Path) -> Iterator[Running]:
    preview = start(project, "--event", SLUG)
    try:
        preview.wait_for("Preview of ev")
        yield preview
    finally:
        if preview.process.poll() is None:
            preview.process.kill()
            preview.process.wait()


def test_edit_break_fix_in_chromium(running: Running) -> None:
    from playwright.sync_api import expect

    tab = a11y.browser().new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.goto(running.address)
        expect(tab.locator("h1").first).to_contain_text("Voorbeeld bekijken")
        expect(tab.get_by_text("Een punt op de dia")).to_be_visible()
        # Marked now, gone after any reload: the page must reload itself, not be reloaded.
        tab.evaluate("window.notReloaded = true")
        original = running.session.read_text(encoding="utf-8")

        # Edit: the new sentence appears without a hand on the page.
        running.session.write_text(
            original.replace("De eerste versie", "Een tweede versie"), encoding="utf-8"
        )
        expect(tab.get_by_text("Een tweede versie van de tekst.")).to_be_visible(
            timeout=SECONDS * 1000
        )
        assert tab.evaluate("window.notReloaded === undefined")

        # Break: the mistake, with its file and line and what to do, in place of the report.
        broken = original.replace("deck: talk", "deck: tlak")
        running.session.write_text(broken, encoding="utf-8")
        line = line_of(running.session, "deck: tlak")
        expect(tab.locator("#problem")).to_contain_text(
            f"sources/ev/sessions/welkom.md: line {line}: deck 'tlak' is not declared",
            timeout=SECONDS * 1000,
        )
        expect(tab.locator("h1")).to_have_text("The report cannot be built")
        assert tab.get_by_text("Een punt op de dia").count() == 0

        # Fix: the report is back.
        running.session.write_text(original, encoding="utf-8")
        expect(tab.get_by_text("De eerste versie van de tekst.")).to_be_visible(
            timeout=SECONDS * 1000
        )
        expect(tab.get_by_text("Een punt op de dia")).to_be_visible()
        tab.screenshot(path=str(running.project / "preview-1280.png"), full_page=False)

        # The PDF, on request from the page.
        with tab.expect_response(lambda r: r.url.endswith("/ev.pdf")) as response:
            tab.get_by_role("link", name="Make the PDF").click()
        assert response.value.status == 200
        assert response.value.headers["content-type"] == "application/pdf"
    finally:
        tab.close()

    code, output = running.stop()
    assert code == 0, output
    assert "Traceback" not in output
    pdf = running.project / "build" / ".preview" / SLUG / "ev.pdf"
    assert "The PDF of the last version: build/.preview/ev/ev.pdf" in output
    assert pdf.read_bytes().startswith(b"%PDF-")
    # Its own folder only: build/ev/ is never made or replaced by a preview, and the page
    # on disk has none of the preview's additions.
    assert not (running.project / "build" / SLUG).exists()
    page = (running.project / "build" / ".preview" / SLUG / "index.html").read_text("utf-8")
    assert "<script" not in page and "eventreport-preview" not in page
    assert "De eerste versie van de tekst." in page


def test_a_template_edit_rebuilds_too(running: Running) -> None:
    templates = running.event / "templates"
    templates.mkdir()
    running.wait_for("Rebuilt after a change to sources/ev/templates", SECONDS)
    (templates / "report.html").write_text(
        '{% extends "default:report.html" %}{% block title %}Eigen titel{% endblock %}',
        encoding="utf-8",
    )
    running.wait_for("Rebuilt after a change to sources/ev/templates/report.html", SECONDS)
    with urllib.request.urlopen(running.address, timeout=30) as response:
        assert "<title>Eigen titel</title>" in response.read().decode("utf-8")


def test_a_mistake_from_the_start_is_shown_and_the_preview_stops_cleanly(project: Path) -> None:
    session = project / "sources" / SLUG / "sessions" / "welkom.md"
    session.write_text("```slides\ndeck: geen\nslides: 1\n```\n\n# Kop\n", encoding="utf-8")
    preview = start(project)  # the only event: no --event needed
    try:
        preview.wait_for("Preview of ev")
        with urllib.request.urlopen(preview.address, timeout=30) as response:
            body = response.read().decode("utf-8")
        assert "The report cannot be built" in body
        # Every mistake, each in its own item, as a build lists them.
        assert "2 mistakes in the sources of ev, by file and line:" in body
        where = '<li class="problem">sources/ev/sessions/welkom.md: line'
        assert f"{where} 2: deck &#x27;geen&#x27; is not declared" in body
        assert f"{where} 6: a &#x27;#&#x27; heading here would compete" in body
        assert body.count('<li class="problem">') == 2
        code, output = preview.stop()
    finally:
        if preview.process.poll() is None:
            preview.process.kill()
    assert code == 0, output
    assert "no PDF, as the sources have a mistake" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "path",
    [
        "/../../tasks.py",
        "/%2e%2e/%2e%2e/tasks.py",
        "/..%2f..%2f..%2ftasks.py",
        "/fonts/../../../tasks.py",
        "/..\\..\\tasks.py",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/.ev.lock",
        "/../.ev.lock",
        "/fonts/%00",
        "/fonts/",
    ],
)
def test_nothing_outside_the_preview_folder_is_served(running: Running, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    assert response.status == 404, (path, response.status)
    assert b"eventreport" not in body and b"root:" not in body


def test_files_of_the_page_are_served(running: Running) -> None:
    with urllib.request.urlopen(running.address + "fonts/OFL.txt", timeout=30) as response:
        assert b"SIL OPEN FONT LICENSE" in response.read().upper()


def test_only_its_own_address_is_answered(running: Running) -> None:
    # A web page elsewhere that points a name of its own at 127.0.0.1 gets nothing.
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    connection.request("GET", "/", headers={"Host": f"evil.example:{running.port}"})
    response = connection.getresponse()
    assert response.status == 403
    assert b"Voorbeeld" not in response.read()
    # Bound to 127.0.0.1 alone: another address of this machine finds no server.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", running.port), timeout=10)
    assert running.address.startswith("http://127.0.0.1:")


def test_a_port_in_use_is_one_message(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        preview = start(project, "--port", str(port))
        code = preview.process.wait(timeout=120)
    output = "".join(preview.lines)
    assert code == 1, output
    assert f"port {port} cannot be used" in output and "--port" in output
    assert "Traceback" not in output


def test_several_events_need_a_name(project: Path) -> None:
    (project / "sources" / "tweede").mkdir()
    (project / "sources" / "tweede" / "event.yaml").write_text("title: x\n", encoding="utf-8")
    preview = start(project)
    code = preview.process.wait(timeout=120)
    output = "".join(preview.lines)
    assert code == 1
    assert "Which event? Name one with --event (events in sources/: ev, tweede)." in output
