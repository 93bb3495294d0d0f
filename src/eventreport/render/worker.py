"""The PDF engine's process (`render/engine.py` starts it and says why it exists).

It imports WeasyPrint and pikepdf at once, then waits for jobs. Each job runs in a child
forked from it, so the child starts with everything imported and its memory goes back
to the system when it exits; the jobs themselves are in `render/jobs.py`. At the end of
its input (the build finished, or died) it kills the jobs still running and exits.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from ..errors import RenderError
from .engine import _LENGTH, error_message

Job = Callable[[dict[str, Any]], dict[str, Any]]


def serve() -> None:
    """Answer jobs from stdin on stdout until stdin ends."""
    # The messages get private copies of stdin and stdout; anything a library prints goes
    # to stderr, so it can never garble a message.
    incoming, outgoing = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    jobs: dict[str, Job] | str
    try:
        from .quickload import import_weasyprint

        import_weasyprint()
        from .jobs import JOBS  # WeasyPrint and pikepdf: the reason this process exists

        jobs = dict(JOBS)
    except Exception as exc:  # e.g. a system library missing: every job says so
        jobs = f"the PDF engine could not start ({type(exc).__name__}: {exc}); run setup again"
    # What the imports made is never freed: keep the collector from touching (and so
    # copying) it in every child.
    gc.freeze()
    _Loop(incoming, outgoing, jobs).run()
    # Nothing left to write or close: ending now skips tearing down what was imported,
    # which the build would wait for.
    os._exit(0)


def _warm(language: str) -> None:
    """Make, in this process, what every job's first render would make again: a small
    page in the report's `language` loads its hyphenation patterns (WeasyPrint hyphenates
    with pyphen, which keeps them once loaded: a tenth of a second), fontconfig's and
    Pango's state and the C types cffi parses on first use (another 40 ms)."""
    from io import BytesIO
    from xml.sax.saxutils import quoteattr

    import weasyprint

    # WeasyPrint loads the patterns when a word has to be split: a long one, in a column
    # too narrow for it.
    page = (
        f"<html lang={quoteattr(language)}><body><p style='hyphens: auto; width: 4em'>"
        "Ketensamenwerkingsafspraken</p></body></html>"
    )
    weasyprint.HTML(string=page).write_pdf(BytesIO(), pdf_variant="pdf/ua-1", pdf_tags=True)
    gc.freeze()


class _Loop:
    """Reads jobs, forks a child for each, forwards each child's answer."""

    def __init__(self, incoming: int, outgoing: int, jobs: dict[str, Job] | str) -> None:
        self.incoming = incoming
        self.outgoing = outgoing
        self.jobs = jobs
        self.buffer = bytearray()
        # The read end of each running child's pipe -> (its pid, job id, target, answer).
        self.running: dict[int, tuple[int, int, str, bytearray]] = {}

    def run(self) -> None:
        try:
            while True:
                ready, _, _ = select.select([self.incoming, *self.running], [], [])
                if self.incoming in ready and not self._read_jobs():
                    return
                for fd in ready:
                    if fd in self.running:
                        self._read_answer(fd)
        except BrokenPipeError:
            return  # the build is gone: nobody to answer
        finally:
            for pid, *_ in self.running.values():
                os.kill(pid, signal.SIGKILL)

    def _read_jobs(self) -> bool:
        data = os.read(self.incoming, 1 << 20)
        if not data:
            return False
        self.buffer += data
        while len(self.buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self.buffer)
            end = _LENGTH.size + length
            if len(self.buffer) < end:
                break
            job = json.loads(self.buffer[_LENGTH.size : end])
            del self.buffer[:end]
            self._start(job)
        return True

    def _start(self, job: dict[str, Any]) -> None:
        if job.get("kind") == "warm":  # done here, once, for every job after it
            if not isinstance(self.jobs, str):
                with suppress(Exception):  # a job meets the same failure, and says so
                    _warm(str(job.get("language", "")))
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the job, write the answer, exit
            os.close(read_end)
            os.close(self.incoming)
            os.close(self.outgoing)
            _child(job, self.jobs, write_end)
        os.close(write_end)
        self.running[read_end] = (pid, int(job["id"]), str(job.get("target", "")), bytearray())

    def _read_answer(self, fd: int) -> None:
        pid, job, target, answer = self.running[fd]
        data = os.read(fd, 1 << 20)
        if data:
            answer += data
            return
        os.close(fd)
        del self.running[fd]
        _, status = os.waitpid(pid, 0)
        if not answer:
            code = os.waitstatus_to_exitcode(status)
            how = f"signal {-code}" if code < 0 else f"exit status {code}"
            message = {
                "id": job,
                "error": {
                    "report": "RenderError",
                    "path": target or None,
                    "message": f"the PDF engine stopped while making it ({how}); if the"
                    " machine ran out of memory, close other programs and build again",
                    "location": None,
                },
            }
            answer = bytearray(json.dumps(message).encode())
        os.write(self.outgoing, _LENGTH.pack(len(answer)))
        _write_all(self.outgoing, bytes(answer))


def _child(job: dict[str, Any], jobs: dict[str, Job] | str, answer: int) -> None:
    code = 0
    try:
        if isinstance(jobs, str):
            raise RenderError(job.get("target"), jobs)
        message = {"id": job["id"], "result": jobs[str(job["kind"])](job)}
    except BaseException as exc:  # every failure goes back as an answer, never a traceback
        message = {"id": job["id"], "error": error_message(exc)}
        code = 1
    try:
        _write_all(answer, json.dumps(message, ensure_ascii=False).encode())
    finally:
        sys.stderr.flush()
        os._exit(code)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
