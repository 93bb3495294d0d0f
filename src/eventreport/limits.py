"""Every limit on what an event's sources may ask of the machine, each with its reason.

Everything under `sources/<event>/` may come from outside (docs/security.md): an organiser's
folder with its own templates, speakers' decks, the audience's answers. A crafted file can
be small and still ask for gigabytes or hours; these limits turn that into a clear error
that names the file and place. They sit far above what real events need (figures measured
on the sample and on ../shared/corpus), so a real report never meets one.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

MIB = 2**20

# --- Text sources ----------------------------------------------------------------------
YAML_BYTES = 2 * MIB
"""event.yaml and approvals: the sample's event.yaml is 6 kB."""
YAML_NODES = 200_000
"""Values in one YAML document once aliases are expanded: nine nested `&a [*a, *a, ...]`
lists are 20 bytes a level and a billion values in all (an alias bomb)."""
YAML_DEPTH = 64
"""Nesting of lists and mappings; event.yaml needs 5."""
MARKDOWN_BYTES = 4 * MIB
"""One session's Markdown: a long session is 20 kB."""
TEMPLATE_BYTES = 1 * MIB
"""One template or stylesheet: ours are under 10 kB."""

# --- Templates (an event may bring its own; they run in Jinja's sandbox) -----------------
TEMPLATE_SECONDS = 60
"""Wall time for rendering one template: the sample's page takes 0.1 s, 2,000 slides 2 s;
the sandbox stops code, not a loop nested ten deep."""
TEMPLATE_OUTPUT = 64 * MIB
"""Text one template may produce: the 2,000-slide page is 4 MiB."""
TEMPLATE_NUMBER = 1_000_000
"""The largest number a template may pass to a call or filter, or repeat text by
(`'x' * n`, `center(n)`, `'%9999999d'|format`): no layout needs more."""

# --- Pictures shown in the report ---------------------------------------------------------
PICTURE_BYTES = 40 * MIB
"""A picture file: a 24-megapixel camera JPEG is 8-12 MB."""
PICTURE_PIXELS = 60_000_000
"""Width x height: a 24-megapixel camera photo is 24 million; decoding costs 4 bytes per
pixel in the PDF engine, so a 20000 x 20000 PNG of a few kB would need 1.6 GB."""
SVG_ELEMENTS = 100_000
"""Elements in one SVG picture: a detailed map or chart has a few thousand."""

# --- Zip containers (decks, workbooks) -----------------------------------------------------
ZIP_MEMBERS = 50_000
"""Members in one zip: real decks hold a few thousand at most."""
DECK_PART = 64 * MIB
"""One deck part inflated: the largest slide part in the corpus is 1.6 MiB."""
DECK_TOTAL = 1024 * MIB
"""All the deck parts one read inflates, summed."""
WORKBOOK_PART = 48 * MIB
"""One workbook part inflated: a 10,000-response form export's sheet is about 12 MiB."""
WORKBOOK_TOTAL = 128 * MIB
"""All the parts of one workbook inflated, summed: openpyxl holds what it reads."""
POLL_CELLS = 2_000_000
"""Cells read from one poll export (padding included): 10,000 responses x 50 questions
is 500,000."""
POLL_FILE_BYTES = 64 * MIB
"""A CSV poll export, read whole: 10,000 responses x 50 questions is about 10 MB."""

# --- Slides ----------------------------------------------------------------------------------
SLIDE_SHAPES = 5_000
"""Shapes on one slide: the busiest slide in the corpus has 554."""
SLIDE_PARAGRAPHS = 5_000
"""Paragraphs (list items) on one slide: the corpus has at most 503."""
SLIDE_TABLE_CELLS = 20_000
"""Table cells on one slide: the corpus has at most 261."""
DECK_SLIDES = 5_000
"""Slides or pages in one deck: long lecture decks have a few hundred."""
REPORT_SLIDES = 10_000
"""Slides one report shows in all: the PDF step takes ~37 ms a slide, so this is ~6 min."""
CHART_POINTS = 100_000
"""Data points in one chart series: a chart a reader can see has hundreds."""
DECK_CHART_POINTS = 1_000_000
"""Data points in all of one deck's charts."""

# --- LibreOffice (readers/decks/libreoffice.py): other formats, slides as pictures ---------
LIBREOFFICE_SECONDS = 20
"""Wall time for one LibreOffice run: converting a corpus deck (48 slides) to PowerPoint
takes 2 s, drawing one slide 1 s more; a first run that sets up its profile 3 s."""
LIBREOFFICE_SECONDS_PER_SLIDE = 4
"""... plus this for each slide it draws as a picture (the slowest corpus slide: 2 s)."""
LIBREOFFICE_MEMORY = 2048 * MIB
"""Address space of the LibreOffice process: it maps 500 MiB of program before it opens a
file, and draws the heaviest corpus deck (70 pictures) in 400 MiB resident; below 768 MiB
it stops without a word on real decks."""
LIBREOFFICE_OUTPUT = 1024 * MIB
"""The largest file LibreOffice may write: the converted deck holds the original's media."""
CONVERTED_BYTES = 512 * MIB
"""A deck handed to LibreOffice (.ppt, .odp, .key): real ones with video are 100-200 MB."""

# --- The PDF of a large report (render/inparts.py) --------------------------------------------
PDF_WHOLE_BYTES = 300_000
"""Characters of print page rendered in one piece: the PDF engine holds about 0.75 MiB
for each thousand (the 2,000-slide page of 1.1 million took 836 MiB); a longer page is
rendered in parts, each session starting on a new page."""
PDF_PART_BYTES = 150_000
"""Characters of print page in one part: about 180 MiB in the PDF engine's process."""


# --- Publication copies of decks (docs/privacy.md) -----------------------------------------
COPIED_PART = 2**30
"""One part copied as it is into the copy offered for download (a video): within the
deck's own size, which the zip guard bounds."""
PDF_TREE_DEPTH = 200
"""Nesting of a PDF deck's resources and outline while it is cleaned: real files nest a
few levels; a crafted loop would not end."""


# --- A folder of files to start an event from (`invoke new --from`, authoring/) ------------
FOLDER_FILES = 500
"""Files looked at in the folder: what arrives after a meeting is a few dozen; thousands
mean the wrong folder (a home folder, a whole drive)."""
FOLDER_DEPTH = 6
"""Levels of sub-folders looked into: speakers' files come one or two levels deep."""
FOLDER_FILE_BYTES = 1024 * MIB
"""One file copied into the new event: a deck with a video in it is a few hundred MB."""
PROPERTIES_BYTES = 256 * 1024
"""A deck's or workbook's document properties (docProps/core.xml): a few kB in real files."""
# --- The build cache (build/.cache, docs/speed.md) ---------------------------------------------
CACHE_TREE_FILES = 100_000
"""Files and folders in an event folder (or the templates) that a rebuild hashes to learn
whether anything changed: the 2,000-slide event has 104. A folder with more is rebuilt
every time rather than hashed for minutes."""
CACHE_BYTES = 2 * 1024 * MIB
"""What build/.cache may hold before the entries used longest ago are removed: a year of
fifty events' decks, polls and PDFs is a few hundred MiB."""
CACHE_ENTRY_BYTES = 1024 * MIB
"""One cached result read back (a publication copy of a deck with a video in it, at most
the deck's own size): larger entries are not kept."""


class TimeLimitError(Exception):
    """Raised inside the guarded block when its time is up."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise `TimeLimitError` in the block after `seconds` of wall time.

    A timer signal interrupts pure-Python work such as a template's loops, which nothing
    else can stop. Signals reach only the main thread; elsewhere (a preview server's
    worker) the block runs unbounded, and the other limits still apply.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
