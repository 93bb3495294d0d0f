"""Cache entries on disk: written whole or not at all, checked whole before use.

An entry is a JSON file named by its key, `<kind>/<key[:2]>/<key>.json`, holding the
key, a sha256 of its payload, and the sha256 of each blob (bytes: a deck's publication
copy, a font, a PDF) it names; blobs live once each under `blobs/`, named by their
sha256. Nothing is ever unpickled or run: JSON is parsed, and the payload is read into
the model's own classes by `codec.py`. An entry that fails any check (a file cut short
by a crash, edited by hand, for another key, too large) is removed and counts as a miss,
so the result is made again. Files are written under a temporary name and renamed into
place, so an interrupted build leaves whole entries or none.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..limits import CACHE_BYTES, CACHE_ENTRY_BYTES
from .digest import FORMAT

BLOBS = "blobs"


@dataclass(frozen=True)
class Entry:
    """A cached result as read back and checked."""

    payload: Any
    """The JSON payload."""
    blobs: dict[str, bytes]
    """The bytes it names, by name."""


class Store:
    """The entries under one cache folder (build/.cache)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, kind: str, key: str) -> Entry | None:
        """The entry of `kind` for `key`, checked; None when there is none or it is bad."""
        path = self._path(kind, key)
        try:
            data = json.loads(_read(path))
            if not isinstance(data, dict) or (data.get("format"), data.get("key")) != (FORMAT, key):
                raise ValueError("another format or key")
            payload = data["payload"]
            if data["sha256"] != _json_digest(payload):
                raise ValueError("payload does not match its digest")
            blobs = {name: self._blob(str(digest)) for name, digest in data["blobs"].items()}
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        _touch(path)
        return Entry(payload, blobs)

    def put(self, kind: str, key: str, payload: Any, blobs: dict[str, bytes] | None = None) -> None:
        """Write the entry of `kind` for `key`; a full disk or a read-only folder only
        means the next build makes the result again."""
        with contextlib.suppress(OSError):
            named = {}
            for name, data in (blobs or {}).items():
                if len(data) > CACHE_ENTRY_BYTES:
                    return
                digest = hashlib.sha256(data).hexdigest()
                target = self.folder / BLOBS / digest[:2] / digest
                if target.is_file():
                    _touch(target)
                else:
                    write_whole(target, data)
                named[name] = digest
            entry = {
                "format": FORMAT,
                "kind": kind,
                "key": key,
                "sha256": _json_digest(payload),
                "blobs": named,
                "payload": payload,
            }
            write_whole(self._path(kind, key), json.dumps(entry, ensure_ascii=False).encode())

    def prune(self, limit: int = CACHE_BYTES) -> int:
        """Remove the entries and blobs used longest ago until the cache holds at most
        `limit` bytes; returns how many files went."""
        files = []
        for top, _, names in os.walk(self.folder):
            for name in names:
                with contextlib.suppress(OSError):
                    info = Path(top, name).stat()
                    files.append((info.st_mtime_ns, info.st_size, Path(top, name)))
        total = sum(size for _, size, _ in files)
        removed = 0
        for _, size, path in sorted(files):
            if total <= limit:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}.json"

    def _blob(self, digest: str) -> bytes:
        path = self.folder / BLOBS / digest[:2] / digest
        data = _read(path)
        if hashlib.sha256(data).hexdigest() != digest:
            path.unlink()
            raise ValueError("blob does not match its digest")
        _touch(path)
        return data


def _json_digest(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _read(path: Path) -> bytes:
    if not stat.S_ISREG(path.lstat().st_mode):
        # A link or a named pipe is no entry the cache wrote (and a pipe would hang).
        raise ValueError("not a plain file")
    with path.open("rb") as handle:
        data = handle.read(CACHE_ENTRY_BYTES + 1)
    if len(data) > CACHE_ENTRY_BYTES:
        raise ValueError("entry larger than any the cache writes")
    return data


def write_whole(path: Path, data: bytes) -> None:
    """`data` into `path` under a temporary name, then renamed: whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _touch(path: Path) -> None:
    """Mark `path` as just used, so pruning keeps it longest."""
    with contextlib.suppress(OSError):
        now = time.time_ns()
        os.utime(path, ns=(now, now))
