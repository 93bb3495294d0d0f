"""Our own outputs say nothing about the machine that made them.

The sample is published in a child process whose user name, home folder and working
folder are made up and distinctive; no published file (page, PDF strings and XMP,
manifest, newsletter block, changelog, the decks' publication copies) may hold any of
them, the machine's host name, the project's folder or a file: address.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
from conftest import ROOT, SAMPLE, SAMPLE_SLUG

USER = "probe-gebruiker-7q"
SCRIPT = """
import sys
from pathlib import Path
from eventreport.publish import Settings, publish
settings = Settings("https://verslagen.example.org/", Path(sys.argv[2]))
publish(Path(sys.argv[1]), settings, force=True)
"""


def _readable(path: Path) -> list[str]:
    """A file's text as anyone opening it could read it: inflated, decoded, every string."""
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        with pikepdf.open(path) as pdf:
            found = [repr(pdf.trailer), repr(pdf.docinfo)]
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    found.append(obj.read_bytes().decode("latin-1"))
                found.append(repr(obj))
            return found
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [archive.read(n).decode("latin-1") for n in archive.namelist()]
    return [data.decode("utf-8", "replace")]


def test_published_files_hold_no_path_user_or_host(tmp_path: Path) -> None:
    work = tmp_path / "werkmap-sonde"
    home = tmp_path / f"thuis-{USER}"
    home.mkdir(parents=True)
    event = work / "sources" / SAMPLE_SLUG
    shutil.copytree(SAMPLE, event, ignore=shutil.ignore_patterns("proofs"))
    env = {**os.environ, "HOME": str(home), "USER": USER, "LOGNAME": USER, "USERNAME": USER}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(
        [sys.executable, "-c", SCRIPT, str(event), str(work / "publish")],
        cwd=work, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    published = work / "publish" / SAMPLE_SLUG
    files = [p for p in sorted(published.rglob("*")) if p.is_file()]
    names = {p.relative_to(published).as_posix() for p in files}
    expected = {
        "index.html", f"{SAMPLE_SLUG}.pdf", "manifest.json", "newsletter.html",
        "newsletter.txt", "presentaties/sonderman.pdf", "presentaties/hageman.pptx",
    }  # fmt: skip
    assert expected <= names
    forbidden = [str(tmp_path), str(ROOT), str(home), USER, "werkmap-sonde", "file:"]
    host = socket.gethostname()
    if len(host) >= 4:
        forbidden.append(host)
    read: dict[str, str] = {}
    for path in files:
        if path.suffix == ".ttf" or path.name == "OFL.txt":
            continue  # the typeface's own files, as its makers ship them
        read[path.name] = "\n".join(_readable(path))
        for token in forbidden:
            assert token not in read[path.name], (path.relative_to(published), token)
    # The reading reaches what it must: the PDF's XMP, the copies' inflated slide XML.
    assert "<dc:title>" in read[f"{SAMPLE_SLUG}.pdf"]
    assert "<p:sld " in read["hageman.pptx"]
