"""The PDF engine in a second process, started when a build begins.

Importing WeasyPrint takes as long as reading the sample's decks and polls, so a build
starts `render/worker.py` first: it imports WeasyPrint on the machine's other core while
this process reads the sources, and then renders the page it is sent. Each job runs in a
process of its own, forked from the worker, so the memory a render took is returned to
the system when it ends (what lets a large report be made in parts, `render/inparts.py`).

The two processes talk over the worker's stdin and stdout: each message is a length and a
JSON object. The worker runs in a session of its own (Ctrl-C in a terminal reaches only
this process), and it and its jobs are killed when this side stops for any reason.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .. import errors
from ..errors import RenderError

_LENGTH = struct.Struct("!Q")

# The worker imports this checkout's package, whatever the interpreter would find first.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_START = "from eventreport.render.worker import serve; serve()"


def send(stream: IO[bytes], message: dict[str, Any]) -> None:
    """Write one message."""
    data = json.dumps(message, ensure_ascii=False).encode()
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> dict[str, Any] | None:
    """Read one message; None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        return None
    found = json.loads(data)
    if not isinstance(found, dict):
        raise ValueError("a message is not a JSON object")
    return found


def error_message(exc: BaseException) -> dict[str, Any]:
    """An exception of a job as a message this side raises again (`raise_error`)."""
    if isinstance(exc, errors.ReportError):
        path = str(exc.path) if exc.path is not None else None
        return {"report": type(exc).__name__, "path": path, "message": exc.message,
                "location": exc.location}  # fmt: skip
    if isinstance(exc, OSError):
        filename = exc.filename if isinstance(exc.filename, str) else None
        return {"os": [exc.errno, exc.strerror, filename]}
    return {"bug": f"{type(exc).__name__}: {exc}"}


def raise_error(error: dict[str, Any], target: Path) -> None:
    """Raise the exception `error_message` described."""
    if "report" in error:
        kind = getattr(errors, str(error["report"]), RenderError)
        if not (isinstance(kind, type) and issubclass(kind, errors.ReportError)):
            kind = RenderError
        raise kind(error["path"], error["message"], error["location"])
    if "os" in error:
        number, reason, filename = error["os"]
        raise OSError(number, reason, filename)
    # A bug in the engine's side of the code: shown as one, with what the worker said.
    raise RuntimeError(f"the PDF engine failed on {target}: {error.get('bug')}")


class PdfEngine:
    """The worker process, from this side: `submit` jobs, `result` waits for one."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", _START],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        self._next = 0
        self._done: dict[int, dict[str, Any]] = {}

    def submit(self, kind: str, **fields: Any) -> int:
        """Start a job of `kind` (see worker.JOBS) in the worker; returns its number."""
        self._next += 1
        assert self.process.stdin is not None
        try:
            send(self.process.stdin, {"id": self._next, "kind": kind, **fields})
        except BrokenPipeError:
            raise self._stopped(Path(str(fields.get("target", "the PDF")))) from None
        return self._next

    def warm(self, language: str) -> None:
        """Have the worker make now what each job's first render would make again (the
        hyphenation patterns of `language`, the text engine's state); no answer."""
        with suppress(RenderError):  # the engine stopped: the next job says so
            self.submit("warm", language=language)

    def result(self, job: int, target: Path) -> dict[str, Any]:
        """What job `job` returned; its error raised again here (`target` names the file
        it was making in a message about the engine itself)."""
        assert self.process.stdout is not None
        while job not in self._done:
            message = receive(self.process.stdout)
            if message is None:
                raise self._stopped(target)
            self._done[int(message["id"])] = message
        message = self._done.pop(job)
        if "error" in message:
            raise_error(message["error"], target)
        result = message["result"]
        assert isinstance(result, dict)
        return result

    def run(self, kind: str, target: Path, **fields: Any) -> dict[str, Any]:
        """One job, waited for."""
        return self.result(self.submit(kind, target=str(target), **fields), target)

    def _stopped(self, target: Path) -> RenderError:
        code = self.process.poll()
        return RenderError(
            target,
            "the PDF engine stopped before it was done"
            + (f" (exit status {code})" if code is not None else "")
            + "; if the machine ran out of memory, close other programs and build again",
        )

    def close(self, *, kill: bool = False) -> None:
        """Stop the worker: at the end of its input it ends its jobs and exits; when
        `kill`, or when it does not exit at once, it and its jobs are killed."""
        if self.process.stdin is not None:
            with suppress(BrokenPipeError):
                self.process.stdin.close()
        if not kill:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                kill = True
        if kill:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> PdfEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(kill=kind is not None)


@contextmanager
def pdf_engine(wanted: bool) -> Iterator[PdfEngine | None]:
    """A worker started now when `wanted` (a build that makes a PDF), stopped at the end."""
    if not wanted:
        yield None
        return
    with PdfEngine() as engine:
        yield engine
