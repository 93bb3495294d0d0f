"""The preview's web server: 127.0.0.1 only, the preview folder only, news of every build.

It answers only to its own address (a page elsewhere that makes a name point at
127.0.0.1 gets nothing: the Host header is checked), serves only files inside the
preview folder (through safepath.inside, so no '..' or link leads out), and tells open
pages about each build with server-sent events. The builds themselves happen in the
main thread (session.py); the server only asks for a PDF there and waits for it.
"""

from __future__ import annotations

import mimetypes
import queue
import shutil
import threading
from concurrent.futures import Future
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import ReportError
from ..safepath import OutsideError, inside
from .page import EVENTS, PDF, error_page, with_preview

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15
PDF_SECONDS = 600


class Shown:
    """What the server shows: set by the main thread, read by the request threads."""

    def __init__(self, slug: str, folder: Path) -> None:
        self.slug = slug
        self.folder = folder
        self.changed = threading.Condition()
        self.version = 0
        self.page: str | None = None
        self.problems: tuple[str, ...] | None = None
        self.stopping = False
        self.pdf_requests: queue.Queue[Future[Path]] = queue.Queue()

    def show(self, page: str | None = None, problems: tuple[str, ...] | None = None) -> None:
        """A new build: its page, or the mistakes that stopped it (the files of the last
        good build stay in the folder)."""
        with self.changed:
            self.version += 1
            if page is not None:
                self.page = page
            self.problems = problems
            self.changed.notify_all()

    def stop(self) -> None:
        """Tell every waiting request to finish."""
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        while not self.pdf_requests.empty():
            self.pdf_requests.get_nowait().cancel()

    def wait(self, seen: int) -> int:
        """The version after `seen` once there is one, or `seen` after a while."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.version != seen or self.stopping, timeout=KEEPALIVE_SECONDS
            )
            return self.version


class PreviewServer(ThreadingHTTPServer):
    """The server; `shown` is what it serves."""

    daemon_threads = True  # a browser that keeps its news stream open does not stop Ctrl-C

    def __init__(self, port: int, shown: Shown) -> None:
        self.shown = shown
        super().__init__((HOST, port), Handler)

    @property
    def port(self) -> int:
        """The port it listens on (chosen by the system when 0 was asked for)."""
        return int(self.server_address[1])

    @property
    def address(self) -> str:
        """The address to open in a browser."""
        return f"http://{HOST}:{self.port}/"


class Handler(BaseHTTPRequestHandler):
    """One request."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the person running the preview reads the builds, not every request."""

    def do_GET(self) -> None:
        shown = self.server.shown
        if self.headers.get("Host") not in (
            f"{HOST}:{self.server.port}",
            f"localhost:{self.server.port}",
        ):
            self._text(HTTPStatus.FORBIDDEN, f"This preview only answers at {self.server.address}")
            return
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            self._page(shown)
        elif path == EVENTS:
            self._events(shown)
        elif path == PDF:
            self._pdf(shown)
        else:
            self._file(shown, path)

    def _page(self, shown: Shown) -> None:
        with shown.changed:
            version, page, problems = shown.version, shown.page, shown.problems
        if problems is not None or page is None:
            text = error_page(shown.slug, problems or (), version)
        else:
            text = with_preview(page, version)
        self._send(HTTPStatus.OK, text.encode("utf-8"), "text/html; charset=utf-8")

    def _events(self, shown: Shown) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                version = shown.wait(seen)
                if shown.stopping:
                    return
                # A comment line keeps the stream open and finds a closed tab.
                news = f"data: {version}\n\n" if version != seen else ": still here\n\n"
                self.wfile.write(news.encode("ascii"))
                self.wfile.flush()
                seen = version
        except OSError:
            return  # the page was closed or reloaded

    def _pdf(self, shown: Shown) -> None:
        with shown.changed:
            problems = shown.problems
        if problems is None and not shown.stopping:
            request: Future[Path] = Future()
            shown.pdf_requests.put(request)
            try:
                made = request.result(timeout=PDF_SECONDS)
            except ReportError as exc:
                problems = (str(exc),)
            except Exception:  # cancelled (the preview stops) or too slow
                self._text(HTTPStatus.SERVICE_UNAVAILABLE, "The PDF could not be made now.")
                return
            else:
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", f"/{made.name}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        text = error_page(shown.slug, problems or (), shown.version)
        self._send(HTTPStatus.OK, text.encode("utf-8"), "text/html; charset=utf-8")

    def _file(self, shown: Shown, path: str) -> None:
        name = unquote(path).lstrip("/")
        try:
            file = inside(shown.folder, name)
        except OutsideError:
            file = None
        if file is None or not file.is_file():
            self._text(HTTPStatus.NOT_FOUND, "Not found.")
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        try:
            with file.open("rb") as handle:
                size = file.stat().st_size
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(size))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                shutil.copyfileobj(handle, self.wfile)
        except OSError:
            return  # replaced by a new build meanwhile, or the browser went away

    def _text(self, status: HTTPStatus, text: str) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
