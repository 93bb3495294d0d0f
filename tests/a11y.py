"""Accessibility checks for any page or PDF the project makes; import them in a test.

    from a11y import axe_violations, pdf_checks

    assert axe_violations(out / "index.html") == []   # WCAG 2.2 AA, in Chromium
    assert pdf_checks(out / "report.pdf") == []        # PDF/UA-1 and outloud

`axe_violations` audits with axe-core (npm, `node_modules/`, from `npm ci`) in Debian's
Chromium driven by Playwright, one browser for the whole test session, started on first
use; at any width and in screen or print media. Two second opinions on the same pages:
`vnu_errors` runs the Nu HTML Checker (npm `vnu-jar`, on Java), `htmlcs_errors` runs
HTML_CodeSniffer's WCAG2AA standard (npm `html_codesniffer`) in the same Chromium. When
Chromium, Java or one of the npm tools is missing the calling test is skipped on a
developer's machine and fails under CI (`CI` set), so CI can never pass by skipping.
`pdf_checks` runs page-validation (veraPDF's PDF/UA-1 rules) and outloud (Matterhorn,
WCAG 2.2 and semantic checks); warnings are not failures (docs/accessibility.md).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import outloud
import page
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMLCS_JS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
# The rule sets of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
# From ../shared/formats/accessibility.md: headless, and nothing that phones home (the
# machine has no network; without these Chromium keeps retrying connections).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def require_browser() -> None:
    """Skip the calling test when Chromium, axe-core or HTML_CodeSniffer is missing; fail
    it under CI."""
    _require([str(p) for p in (CHROMIUM, AXE_JS, HTMLCS_JS) if not p.is_file()])


def require_vnu() -> None:
    """Skip the calling test when Java or the Nu HTML Checker is missing; fail it under CI."""
    missing = [] if shutil.which("java") else ["java"]
    _require(missing + ([] if VNU_JAR.is_file() else [str(VNU_JAR)]))


def _require(missing: list[str]) -> None:
    if missing:
        message = (
            f"missing {', '.join(missing)}: run `bash scripts/setup.sh` (Debian's chromium"
            " and Java, and `npm ci` for axe-core, vnu-jar and html_codesniffer)"
        )
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


class _Browser:
    """One Chromium for the whole test session (about 1 s to start; an audit < 1 s)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS)
        )

    def close(self) -> None:
        self.browser.close()
        self._playwright.stop()


_shared: _Browser | None = None


def browser() -> Any:
    """The session's Playwright browser, started on first use and closed at exit."""
    global _shared
    require_browser()
    if _shared is None:
        _shared = _Browser()
        atexit.register(_shared.close)
    return _shared.browser


def open_page(html_path: Path, width: int = 1280, media: str = "screen") -> Any:
    """A new tab showing the page as a reader opens it: from disk, with the fonts and
    pictures next to it, `width` CSS pixels wide, in "screen" or "print" media."""
    tab = browser().new_page(viewport={"width": width, "height": 900})
    tab.emulate_media(media=media)
    tab.goto(html_path.resolve().as_uri(), wait_until="load")
    return tab


def axe_run(html_path: Path, width: int = 1280, media: str = "screen") -> dict[str, Any]:
    """axe-core's whole result for the page at `html_path` (violations, incomplete, ...)."""
    tab = open_page(html_path, width, media)
    try:
        tab.add_script_tag(path=str(AXE_JS))
        result: dict[str, Any] = tab.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(AXE_TAGS)
        )
        return result
    finally:
        tab.close()


def axe_violations(html_path: Path, width: int = 1280, media: str = "screen") -> list[str]:
    """One line per axe-core WCAG 2.2 AA violation on the page, naming rule and elements;
    an empty list when the page passes."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"])
        for v in axe_run(html_path, width, media)["violations"]
    ]


# HTML_CodeSniffer's run, resolved with its errors (type 1; 2 are warnings, 3 notices).
_HTMLCS_RUN = """() => new Promise(resolve => HTMLCS.process('WCAG2AA', document, () => resolve(
  HTMLCS.getMessages().filter(m => m.type === 1).map(m => ({
    code: m.code, msg: m.msg,
    where: m.element.outerHTML ? m.element.outerHTML.slice(0, 160) : m.element.nodeName,
  }))
)))"""


def htmlcs_errors(html_path: Path, width: int = 1280, media: str = "screen") -> list[str]:
    """One line per HTML_CodeSniffer WCAG2AA error on the page (rule code, message, the
    element's start); an empty list when it finds none."""
    tab = open_page(html_path, width, media)
    try:
        tab.add_script_tag(path=str(HTMLCS_JS))
        found: list[dict[str, str]] = tab.evaluate(_HTMLCS_RUN)
    finally:
        tab.close()
    return [f"{m['code']}: {m['msg']} ({m['where']})" for m in found]


def vnu_errors(*html_paths: Path) -> list[str]:
    """One line per Nu HTML Checker error in the files (file, line, message), all checked
    in one run (Java starts once); an empty list when they are valid."""
    require_vnu()
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
         *(str(p) for p in html_paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    # Exit 1 means "errors found" and is read from the report; anything else is a crash.
    if run.returncode not in (0, 1) or not run.stderr.strip().startswith("{"):
        raise RuntimeError(f"vnu failed ({run.returncode}): {run.stderr[:500]}")
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in json.loads(run.stderr)["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


@dataclass(frozen=True)
class PdfReport:
    """Both checkers' results on one PDF."""

    failures: list[str]
    """page-validation PDF/UA-1 failures and outloud errors, one line each."""
    warnings: list[str]
    """outloud warnings: worth a look, not a failure."""
    versions: str
    """Which checkers ran, for messages and the issue's note."""


def pdf_report(pdf_path: Path) -> PdfReport:
    """Run page-validation (profile ua1) and outloud on `pdf_path`."""
    validation = page.validate_pdf(pdf_path, profile="ua1")
    failures = [f"page-validation {f.rule_id}: {f.message}" for f in validation.failures]
    if validation.rules.total < 100:  # a rule set that shrank would pass too easily
        failures.append(f"page-validation ran only {validation.rules.total} rules")
    checked = outloud.check(str(pdf_path))
    if checked.error:
        failures.append(f"outloud could not read the file: {checked.error}")
    # A rule that crashed found nothing, which must not read as a pass.
    failures += [
        f"outloud {r.rule} crashed: {r.reason}" for r in checked.runs if r.status == "crashed"
    ]
    warnings = []
    for finding in checked.findings:
        line = f"outloud {finding.rule} p.{finding.page}: {finding.message}"
        if finding.severity == "error":
            failures.append(line)
        elif finding.severity == "warning":
            warnings.append(line)
    versions = f"page-validation {_version('page-validation')}, outloud {outloud.__version__}"
    return PdfReport(failures, warnings, versions)


def pdf_checks(pdf_path: Path) -> list[str]:
    """One line per PDF/UA-1 failure (page-validation) or error (outloud) in the PDF;
    an empty list when it passes both."""
    return pdf_report(pdf_path).failures


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)
