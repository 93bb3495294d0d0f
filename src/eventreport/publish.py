"""Publishing: the final report set, with stable links, a manifest and a newsletter block.

The published folder `<publish>/<slug>/` is replaced in one swap, after everything is made
in a work folder beside it; whatever fails before the swap leaves the last publish as it
was. The PDF keeps its name (the slug) for good, so the newsletter's link never breaks;
each earlier version stays under `versions/`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .assemble import DOWNLOAD_FOLDER
from .build import TEMPLATES, BuildResult, build
from .errors import ReportError
from .i18n import _
from .manifest import load_event
from .model import Event
from .templating import environment, render
from .textutil import human_size, source_time, w3c
from .workspace import PROOFS, event_lock, staging, swap_in

VERSIONS = "versions"
NEWSLETTER = {
    "nl": {"read": "Lees het verslag", "online": "Lees het verslag online", "pages": "pagina's",
           "report": "Verslag"},
    "en": {"read": "Read the report", "online": "Read the report online", "pages": "pages",
           "report": "Report"},
}  # fmt: skip
CHANGELOG = "CHANGELOG.txt"


class PublishError(ReportError):
    """Publishing stopped; the previous publish is untouched."""


@dataclass(frozen=True)
class Settings:
    """What a team sets once, in invoke.yaml."""

    base_url: str
    """Where the publish folder is served, ending in '/'; links are built from it."""
    folder: Path
    """The local publish folder, e.g. published/ (never inside build/: clean removes that)."""


@dataclass(frozen=True)
class Published:
    """What a publish did."""

    folder: Path
    """The published folder."""
    version: int
    """Version number now published."""
    changed: bool
    """False when the report was the same as the version already published."""
    manifest: dict[str, Any]
    """The manifest as written."""
    warnings: tuple[str, ...]
    """E.g. that --force published without every approval."""


def publish(
    event_dir: Path,
    settings: Settings,
    *,
    force: bool = False,
    templates: Path = TEMPLATES,
    progress: Callable[[str], None] = lambda _: None,
    before_swap: Callable[[Path], None] = lambda _: None,
    cache: Path | bool = False,
) -> Published:
    """Publish one event; `cache` is the build cache's folder (build/.cache), or False.

    `before_swap` runs on the finished set just before it replaces the published one: tests
    use it to fail a publish at its last moment, as a full disk would, which a test cannot
    make happen for real."""
    event_dir = event_dir.resolve()
    slug = event_dir.name  # the folder's name is the slug (load_event checks it)
    root = settings.folder.resolve()
    target = root / slug
    with event_lock(root, slug, "publish"):
        previous = _previous(target)
        try:
            with staging(root, slug) as work:
                event = load_event(event_dir)
                # The colophon names the version, so the PDF is built as the version it
                # would be if nothing changed; when it differs from the published one, once
                # more as the next.
                version = int(previous["version"]) if previous else 1
                made = partial(_build, event_dir, work, templates, progress, force, settings)
                result = made(version, cache)
                pdf = work / "build" / event.slug / f"{event.slug}.pdf"
                if previous is not None and _sha256(pdf) != previous["pdf"]["sha256"]:
                    version += 1
                    result = made(version, cache)
                progress(_("assembling the published set"))
                stage = work / event.slug
                shutil.copytree(
                    work / "build" / event.slug, stage, ignore=shutil.ignore_patterns(PROOFS)
                )
                pages = result.outputs[1].pages or 0
                manifest = _version(event, stage, target, previous, settings, templates, pages)
                before_swap(stage)
                swap_in(stage, target, keep=())
        except ReportError as exc:
            raise PublishError(exc.path, _untouched(exc.message, previous), exc.location) from None
    changed = previous is None or previous["pdf"]["sha256"] != manifest["pdf"]["sha256"]
    warnings = result.warnings + placeholder_warning(settings.base_url)
    return Published(target, manifest["version"], changed, manifest, warnings)


def _build(
    event_dir: Path,
    work: Path,
    templates: Path,
    progress: Callable[[str], None],
    force: bool,
    settings: Settings,
    version: int,
    cache: Path | bool,
) -> BuildResult:
    # Links to the PDF and the decks absolute, from base_url: a reader who saves the PDF
    # or the page still reaches them.
    return build(
        event_dir,
        work / "build",
        templates,
        progress,
        final=True,
        force=force,
        base_url=settings.base_url,
        version=version,
        cache=cache,
    )


# Names reserved for examples and tests (RFC 2606, RFC 6761): never a real site.
_RESERVED = (".example", ".invalid", ".test", ".localhost", "example.com", "example.net",
             "example.org")  # fmt: skip


def placeholder_warning(base_url: str) -> tuple[str, ...]:
    """A warning when `base_url` is an address kept for examples (the sample's), else none."""
    host = (urlsplit(base_url).hostname or "").lower()
    if host == "localhost" or host.endswith(_RESERVED):
        return (
            _(
                "base_url {address} is a placeholder: the links in newsletter.html,"
                " newsletter.txt and manifest.json lead nowhere until you set your site's"
                " address in invoke.yaml (eventreport.base_url)"
            ).format(address=base_url),
        )
    return ()


def _untouched(message: str, previous: dict[str, Any] | None) -> str:
    kept = (
        f"the published version {previous['version']} is unchanged"
        if previous
        else "nothing was published"
    )
    return f"publishing stopped: {message}\n  ({kept})"


def _previous(target: Path) -> dict[str, Any] | None:
    path = target / "manifest.json"
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        int(data["version"]), str(data["pdf"]["sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(
            path,
            f"the last publish's manifest is damaged ({exc}); restore it or remove the"
            " folder to start again at version 1",
        ) from None
    return data


def _version(
    event: Event,
    stage: Path,
    target: Path,
    previous: dict[str, Any] | None,
    settings: Settings,
    templates: Path,
    pages: int,
) -> dict[str, Any]:
    """Number this version, keep the earlier ones, write manifest, changelog, newsletter."""
    slug = event.slug
    pdf = stage / f"{slug}.pdf"
    digest = _sha256(pdf)
    if (target / VERSIONS).is_dir():
        shutil.copytree(target / VERSIONS, stage / VERSIONS)
    changelog = (target / CHANGELOG).read_text(encoding="utf-8") if previous else ""
    if previous is not None and previous["pdf"]["sha256"] == digest:
        version, published = int(previous["version"]), str(previous["published"])
    else:
        version = int(previous["version"]) + 1 if previous else 1
        published = w3c(source_time(event.date))
        if previous is not None:
            # The old file keeps a link of its own, so a reader can still cite it.
            (stage / VERSIONS).mkdir(exist_ok=True)
            old = f"{slug}-v{previous['version']}.pdf"
            shutil.copyfile(target / f"{slug}.pdf", stage / VERSIONS / old)
    base = f"{settings.base_url}{slug}/"
    size = pdf.stat().st_size
    manifest: dict[str, Any] = {
        "slug": slug,
        "title": event.title,
        "date": event.date.isoformat(),
        "language": event.language,
        "version": version,
        "published": published,
        "url": base,
        "pdf": {
            "url": f"{base}{slug}.pdf",
            "file": f"{slug}.pdf",
            "bytes": size,
            "size": human_size(size, event.language),
            "pages": pages,
            "sha256": digest,
        },
        "html": {"url": base, "file": "index.html", "sha256": _sha256(stage / "index.html")},
        "downloads": [
            {
                "file": p.relative_to(stage).as_posix(),
                "url": f"{base}{p.relative_to(stage).as_posix()}",
                "bytes": p.stat().st_size,
                "sha256": _sha256(p),
            }
            for p in sorted((stage / DOWNLOAD_FOLDER).glob("*"))
            if p.is_file()
        ],
        "versions": [
            {"file": f"{VERSIONS}/{p.name}", "url": f"{base}{VERSIONS}/{p.name}"}
            for p in sorted((stage / VERSIONS).glob("*.pdf"))
        ],
    }
    if previous is None or previous["pdf"]["sha256"] != digest:
        changelog += (
            f"v{version}  {published}  {manifest['pdf']['size']}, {pages} pages  sha256 {digest}\n"
        )
    (stage / CHANGELOG).write_text(changelog, encoding="utf-8")
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (stage / "manifest.json").write_text(text, encoding="utf-8")
    env = environment(templates, event.root / "templates")
    context = {"event": event, "m": manifest, "N": NEWSLETTER[event.language]}
    for name in ("newsletter.html", "newsletter.txt"):
        (stage / name).write_text(render(env, name, **context), encoding="utf-8")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
