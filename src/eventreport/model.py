"""The typed model: what the readers produce and what the templates render from.

Three layers, each frozen once built:
- reader output: `Deck` (slides and their blocks) and `PollExport` (questions);
- the write-up: `Event`, read from event.yaml and the sessions' Markdown (manifest.py);
- the `Report`: the event with every deck and poll insert resolved (assemble.py).
Templates see only the `Report`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

# --- Reader output: slide decks ------------------------------------------------------


@dataclass(frozen=True)
class ListItem:
    """One list entry as shown on a slide."""

    text: str
    """The entry's text, soft line breaks as '\\n'."""
    level: int = 0
    """Indent level, 0 for top-level entries."""
    numbered: bool = False
    """True when the slide shows a number or letter instead of a bullet."""


@dataclass(frozen=True)
class Paragraph:
    """Running text on a slide that is not part of a list."""

    text: str
    """The paragraph's text, soft line breaks as '\\n'."""
    type: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class ListBlock:
    """Consecutive list entries, possibly at several levels."""

    items: tuple[ListItem, ...]
    """The entries in reading order."""
    type: Literal["list"] = "list"


@dataclass(frozen=True)
class TableBlock:
    """A table; merged cells repeat nothing (the covered cells are empty strings)."""

    rows: tuple[tuple[str, ...], ...]
    """Rows of cell texts; the first row is treated as the header."""
    type: Literal["table"] = "table"


@dataclass(frozen=True)
class ImageBlock:
    """A picture on a slide."""

    alt: str | None
    """Its alternative text (`descr`), or None when the deck gives none."""
    type: Literal["image"] = "image"


@dataclass(frozen=True)
class ChartSeries:
    """One data series of a chart, as cached in the deck (what the slide shows)."""

    name: str | None
    """The series' name from the legend, or None when the chart gives none."""
    values: tuple[float | None, ...]
    """Its values, one per category (or per x value); None where a point is blank."""
    shown: tuple[str, ...]
    """The values as the chart's number format shows them ("25%"); "" for blanks."""
    x: tuple[float | str | None, ...] = ()
    """Scatter and bubble charts: each point's x value (text when the x data is text)."""
    x_shown: tuple[str, ...] = ()
    """The x values as shown; empty for charts with categories."""


@dataclass(frozen=True)
class ChartBlock:
    """A native chart, as data: what its plot shows, not a picture of it."""

    chart_type: str
    """"column", "bar", "line", "pie", "scatter", ...; "column+line" for a combination."""
    title: str | None
    """The chart's own title, or None when it shows none."""
    categories: tuple[str, ...]
    """Category labels as shown; empty for scatter and bubble charts."""
    series: tuple[ChartSeries, ...]
    """The series in the order the legend lists them."""
    type: Literal["chart"] = "chart"


@dataclass(frozen=True)
class DiagramItem:
    """One text node of a SmartArt diagram."""

    text: str
    """The node's text, line breaks as '\\n'."""
    level: int = 0
    """Depth below the diagram's top-level nodes, 0 for those."""


@dataclass(frozen=True)
class DiagramBlock:
    """A SmartArt diagram's text, in the diagram's own order."""

    items: tuple[DiagramItem, ...]
    """The nodes with text, depth first."""
    type: Literal["diagram"] = "diagram"


Block = Paragraph | ListBlock | TableBlock | ImageBlock | ChartBlock | DiagramBlock


@dataclass(frozen=True)
class Link:
    """A hyperlink found on a slide."""

    text: str
    """The linked text."""
    url: str
    """The target address."""


@dataclass(frozen=True)
class Slide:
    """One slide (or one page of a PDF deck)."""

    number: int
    """1-based position in the deck, counting hidden slides too."""
    title: str | None
    """The slide's title, or None when it has none."""
    hidden: bool
    """True when the presenter hid the slide."""
    blocks: tuple[Block, ...]
    """Content below the title, in reading order."""
    links: tuple[Link, ...] = ()
    """Hyperlinks on the slide."""
    notes: str | None = None
    """Speaker notes; None unless notes were asked for."""
    page: int | None = None
    """PDF decks: the page its content is read from (an overlay's last); None otherwise."""


@dataclass(frozen=True)
class Deck:
    """A slide deck as read from one file."""

    source: Path
    """The file it was read from."""
    format: Literal["pptx", "pdf"]
    """What the file turned out to be (by content, not by name); "pptx" for a deck read
    through its conversion to PowerPoint."""
    slides: tuple[Slide, ...]
    """Slides in presentation order; hidden ones only when asked for."""
    converted: str | None = None
    """The format LibreOffice converted it from ("ppt", "odp", "key"); None when the file
    was read as it is."""

    def slide(self, number: int) -> Slide | None:
        """The slide with this 1-based number, or None."""
        return next((s for s in self.slides if s.number == number), None)


# --- Reader output: poll exports -----------------------------------------------------

QuestionType = Literal[
    "choice", "multi-choice", "scale", "ranking", "open", "wordcloud", "quiz", "content"
]


@dataclass(frozen=True)
class Option:
    """One answer option of a choice-like question, or one statement of a scale or ranking."""

    label: str
    """The option's text as the audience saw it."""
    count: int
    """How many respondents chose it (scales and rankings: how many rated or ranked it)."""
    # Not compared: two options are the same answer whichever cell they were read from.
    location: str = field(default="", compare=False)
    """Where its row sits in the export, e.g. "sheet 'Q1', row 4"."""
    percent: float | None = None
    """The share the tool itself printed (0-100), when it gives one; counts stay leading."""
    mean: float | None = None
    """Average score (scales) or average position (rankings, 1 is best)."""
    distribution: tuple[int, ...] = ()
    """Scales and grids: how many gave each point of the question's `scale`, in order."""
    correct: bool | None = None
    """Quizzes: whether the tool marks it as a right answer; None when it does not say."""


@dataclass(frozen=True)
class Response:
    """One free-text answer: untrusted, may hold personal data."""

    text: str
    """The answer as typed."""
    location: str
    """Where it sits in the export, e.g. "sheet 'Session 1', row 14"."""
    respondent: str | None = None
    """The export's anonymous respondent number or ID; never a name or e-mail address."""
    time: str | None = None
    """When it was given: ISO 8601 when the export holds a real date, else as written."""


@dataclass(frozen=True)
class Question:
    """One poll question with its results."""

    id: str
    """Stable id within the export (its number in the tool: "1", "2", ...)."""
    title: str
    """The question or statement as shown."""
    type: QuestionType
    """What kind of question it is."""
    respondents: int
    """How many people answered."""
    options: tuple[Option, ...]
    """Choices with counts; statements of a scale or items of a ranking (empty for open
    questions)."""
    responses: tuple[Response, ...]
    """Free-text answers (empty for choice questions)."""
    location: str
    """Where the question's block starts in the export."""
    scale: tuple[str, ...] = ()
    """Scales and grids: the points an option's `distribution` counts, e.g. ("1", ..., "5")."""


@dataclass(frozen=True)
class PollSession:
    """One run of the questions (Mentimeter: a sheet per reset of the results)."""

    number: int
    """The session's number in the export."""
    questions: tuple[Question, ...]
    """Its questions in the order the tool lists them."""


@dataclass(frozen=True)
class PollExport:
    """Everything read from one poll tool's export file."""

    source: Path
    """The file it was read from."""
    tool: str
    """Which tool made it ("mentimeter", "wooclap", ...)."""
    questions: tuple[Question, ...]
    """Questions in the order the tool lists them (with sessions: the chosen session's)."""
    title: str | None = None
    """The export's own name for the poll or quiz, when it holds one (Kahoot)."""
    session: int | None = None
    """The session `questions` come from; None for tools without sessions."""
    sessions: tuple[PollSession, ...] = ()
    """Every session in the export, in order; empty for tools without sessions."""


# --- The write-up: event.yaml and sessions/*.md --------------------------------------


@dataclass(frozen=True)
class Speaker:
    """A person who spoke or is credited in a session."""

    id: str
    """Key in event.yaml's `speakers`; used in links and proof file names."""
    name: str
    """Full name as it should be printed."""
    role: str | None
    """Function, e.g. "voorzitter"; None when not given."""
    organisation: str | None
    """Organisation, e.g. "Koraal"; None when not given."""
    email: str | None = field(default=None, repr=False)
    """Where their proof is e-mailed; personal data, so no report, publish or other
    speaker's proof shows it (kept out of repr so it stays out of logs too)."""


@dataclass(frozen=True)
class DeckSource:
    """A deck declared in event.yaml."""

    id: str
    """Key in event.yaml's `decks`."""
    path: Path
    """Absolute path of the file inside the event folder."""
    title: str
    """What the download link calls it."""
    include_hidden: bool
    """Read hidden slides too (off by default: they stay private)."""
    notes: bool
    """Read speaker notes too (off by default: they stay private)."""
    download: bool
    """Offer a copy of the file for download in the report."""


@dataclass(frozen=True)
class PollSource:
    """A poll export declared in event.yaml."""

    id: str
    """Key in event.yaml's `polls`."""
    path: Path
    """Absolute path of the export inside the event folder."""
    tool: str
    """Which tool made it; "auto" lets the content decide."""


@dataclass(frozen=True)
class MarkdownPart:
    """A run of the write-up's own text, already rendered to safe HTML."""

    html: str
    """HTML made by the Markdown renderer with raw HTML switched off."""
    assets: tuple[str, ...] = ()
    """Pictures it shows, as paths relative to the event folder (copied with the output)."""
    kind: Literal["markdown"] = "markdown"


@dataclass(frozen=True)
class VersePart:
    """A poem or spoken-word piece whose line breaks matter."""

    stanzas: tuple[tuple[str, ...], ...]
    """Stanzas of lines, as written."""
    title: str | None
    """Optional heading above it."""
    kind: Literal["verse"] = "verse"


@dataclass(frozen=True)
class SlidesInsert:
    """A request in the write-up to show slides from a deck."""

    deck: str
    """The deck's id."""
    slides: tuple[int, ...]
    """Slide numbers to show, in this order."""
    show: Literal["list", "table", "box", "image"]
    """How to show them: key points, a table, a titled box, or pictures of the slides."""
    line: int
    """1-based line of the request in the Markdown file."""
    kind: Literal["slides"] = "slides"


PollOrder = Literal["export", "votes"] | tuple[str, ...]


@dataclass(frozen=True)
class PollInsert:
    """A request in the write-up to show poll questions' results."""

    poll: str
    """The poll export's id."""
    questions: tuple[str, ...] | Literal["all"]
    """The questions' ids or exact titles, in the order to show them; or every question."""
    quote: tuple[int, ...] | Literal["all"]
    """Which responses to quote (1-based, in export order); () quotes none."""
    labels: tuple[tuple[str, str], ...]
    """Option relabelling, (as exported, as shown)."""
    heading: bool
    """Show the question's title as a heading (off for reactions under a statement)."""
    line: int
    """1-based line of the request in the Markdown file."""
    order: PollOrder | None = None
    """Order of the options: as exported, most votes first, or these labels first; None
    keeps each question's natural order (as exported; rankings by position)."""
    session: int | None = None
    """Which session of the export to show (Mentimeter resets); None: the export's default."""
    kind: Literal["poll"] = "poll"

    @property
    def question(self) -> str:
        """The first (or only) question asked for; "all" when every question is."""
        return self.questions if isinstance(self.questions, str) else self.questions[0]


@dataclass(frozen=True)
class DownloadInsert:
    """A request in the write-up to offer a deck for download here."""

    deck: str
    """The deck's id."""
    line: int
    """1-based line of the request in the Markdown file."""
    kind: Literal["download"] = "download"


SourcePart = MarkdownPart | VersePart | SlidesInsert | PollInsert | DownloadInsert


@dataclass(frozen=True)
class Session:
    """One programme item: a welcome, talk, example, discussion or closing."""

    id: str
    """Key from event.yaml; the anchor and proof name derive from it, never from the title."""
    title: str
    """Heading of the session."""
    speakers: tuple[str, ...]
    """Speaker ids, in the order given."""
    byline: str | None
    """Optional line under the heading naming the speakers as the report wants it."""
    source: Path
    """The session's Markdown file."""
    parts: tuple[SourcePart, ...]
    """The write-up, split at inserts, in order."""
    group: str | None
    """Heading of the group it belongs to ("Inspirerende voorbeelden"), if any."""


@dataclass(frozen=True)
class ExternalLink:
    """A link in the event's closing links or credits."""

    text: str
    """Link text."""
    url: str
    """Target (https: or mailto:)."""


@dataclass(frozen=True)
class ProofSettings:
    """How speakers get their proofs: the deadline and where corrections go."""

    reply_to: str
    """E-mail address for corrections and approval."""
    deadline: dt.date | None
    """Last day for corrections; None when not set."""
    sender: str | None
    """Who sends the proofs (name shown in the cover message and the From line)."""
    sender_email: str | None = None
    """The From address of proof e-mails; None means `reply_to`."""


@dataclass(frozen=True)
class Event:
    """The write-up of one meeting, validated."""

    slug: str
    """The event folder's name; output names derive from it."""
    root: Path
    """The event folder."""
    title: str
    """Title of the report."""
    date: dt.date
    """Day of the meeting."""
    place: str
    """Where it took place, or "online"."""
    organiser: str
    """Who organised the meeting and publishes the report."""
    language: str
    """BCP 47 language tag of the report, e.g. "nl"."""
    lead: str
    """The lead paragraph."""
    speakers: dict[str, Speaker]
    """Speakers by id, in the order given."""
    sessions: tuple[Session, ...]
    """Sessions in programme order."""
    decks: dict[str, DeckSource]
    """Declared decks by id."""
    polls: dict[str, PollSource]
    """Declared poll exports by id."""
    links: tuple[ExternalLink, ...]
    """Closing links ("Meer weten?"), in order."""
    closing: str | None
    """Closing paragraph after the sessions, as safe HTML."""
    credits: str | None
    """Credits line, e.g. "Tekst: Leene Communicatie"."""
    author: str
    """Author for the PDF metadata (defaults to the organiser)."""
    proofs: ProofSettings | None = None
    """Proof settings from event.yaml's `proofs:`; None when proofs are not set up."""


# --- The report: everything resolved -------------------------------------------------


@dataclass(frozen=True)
class PictureFile:
    """One size of a slide's picture."""

    href: str
    """Where the output has it, relative to the report ("dias/bekken-3-1280.png")."""
    width: int
    """Its width in pixels."""
    source: Path
    """The file made, in the build's cache, copied to `href` with the output."""


@dataclass(frozen=True)
class SlidePicture:
    """A slide drawn as a picture, in the sizes the web page and the PDF use."""

    number: int
    """The slide's number in its deck."""
    width: int
    """The largest picture's width in pixels (its height follows the slide's shape)."""
    height: int
    """The largest picture's height in pixels."""
    files: tuple[PictureFile, ...]
    """Its sizes, smallest first; the largest is the one printed."""

    @property
    def largest(self) -> PictureFile:
        """The size the PDF prints."""
        return self.files[-1]

    @property
    def srcset(self) -> str:
        """Every size, for the web page's `srcset`."""
        return ", ".join(f"{f.href} {f.width}w" for f in self.files)


@dataclass(frozen=True)
class SlidesView:
    """Slides pulled from a deck, ready to show."""

    deck: DeckSource
    """Where they came from."""
    slides: tuple[Slide, ...]
    """The selected slides, in the requested order."""
    show: Literal["list", "table", "box", "image"]
    """How to show them."""
    pictures: tuple[SlidePicture, ...] = ()
    """With show "image": each slide as a picture, in the order of `slides`."""
    kind: Literal["slides"] = "slides"


@dataclass(frozen=True)
class Bar:
    """One option of a poll result with its share, for charts and tables."""

    label: str
    """Option as shown (after relabelling)."""
    count: int
    """Votes (scales and rankings: how many rated or ranked it)."""
    percent: int
    """Share in whole percent; the bars of a single-answer question add up to 100."""
    length: float = 0.0
    """The bar's length as a fraction of the chart's width, 0 to 1."""
    mean: str = ""
    """Average score or position, written for the report's language ("3,4"); "" if none."""
    distribution: tuple[int, ...] = ()
    """Scales and grids: how many gave each point of the question's scale."""
    correct: bool | None = None
    """Quizzes: whether this is a right answer; None when the export does not say."""


ChartKind = Literal["counts", "words", "means", "ranking", "grid", "none"]


@dataclass(frozen=True)
class QuestionView:
    """One question's results and quoted responses, ready to show."""

    question: Question
    """The question as read."""
    chart: ChartKind
    """How the result is shown: bars of counts, most-given words, average scores, a
    ranking, a table of a grid, or no chart (open questions, content slides)."""
    bars: tuple[Bar, ...]
    """Options with shares, in the order to show them (empty without a chart)."""
    quotes: tuple[Response, ...]
    """Responses chosen for quoting."""
    anchor: str
    """Element id for the question's chart, unique in the report."""
    total: int
    """Votes the percentages are shares of; 0 when nobody voted."""
    of_respondents: bool = False
    """True when several answers were allowed, so percentages are shares of respondents
    and need not add up to 100."""
    mean: str = ""
    """A single rating question's average, written for the report's language; else ""."""
    heading: bool = True
    """Show the question's title as a heading."""


@dataclass(frozen=True)
class PollView:
    """A poll insert: one or more questions' results, ready to show."""

    poll: PollSource
    """The export it came from."""
    questions: tuple[QuestionView, ...]
    """The questions in the order asked for."""
    kind: Literal["poll"] = "poll"


@dataclass(frozen=True)
class PlacedText:
    """A text that reaches the output, with where it sits, for the personal-data scan."""

    place: str
    """Where, in the words a person looks it up by: "slide 4", "page 2, link", ..."""
    text: str
    """The text itself."""


@dataclass(frozen=True)
class OfferedCopy:
    """The publication copy of a deck: what a reader downloads, never the original."""

    path: Path
    """The file, made in the build's cache (a deck's video is never held in memory)."""
    suffix: str
    """Its file type: ".pptx" (whatever PowerPoint flavour came in) or ".pdf"."""
    removed: tuple[str, ...]
    """What was left out of it, in words, for the build's log."""
    texts: tuple[PlacedText, ...]
    """Every text left in it, placed, for the personal-data scan."""
    accessible: bool | None = None
    """PDF: whether it passes the PDF/UA-1 checks (the link says so when not); None for
    PowerPoint files, which no checker here reads."""

    @property
    def data(self) -> bytes:
        """The file's bytes (for small files and tests: a copy may hold a video)."""
        return self.path.read_bytes()

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return self.path.stat().st_size


@dataclass(frozen=True)
class DownloadView:
    """A deck offered for download."""

    deck: DeckSource
    """The deck."""
    copy: OfferedCopy
    """The publication copy the link leads to."""
    href: str
    """Relative link from the report to the copied file."""
    file_type: str
    """Upper-case type for the link text, e.g. "PPTX"."""
    size_bytes: int
    """File size in bytes."""
    size_text: str
    """Human size in the report's language, e.g. "1,2 MB"."""
    kind: Literal["download"] = "download"


ReportPart = MarkdownPart | VersePart | SlidesView | PollView | DownloadView


@dataclass(frozen=True)
class ReportSession:
    """A session with its inserts resolved."""

    session: Session
    """The session as written."""
    speakers: tuple[Speaker, ...]
    """Its speakers, resolved."""
    parts: tuple[ReportPart, ...]
    """Everything to show, in order."""


@dataclass(frozen=True)
class Section:
    """A top-level part of the report: a single session, or a group of sessions."""

    title: str
    """Heading (the group's heading, or the session's title)."""
    anchor: str
    """Element id for the table of contents."""
    sessions: tuple[ReportSession, ...]
    """One session, or the sessions of a group."""
    grouped: bool
    """True when this is a group heading above several sessions."""


@dataclass(frozen=True)
class Report:
    """The whole report, ready to render; templates see only this."""

    event: Event
    """The event it reports on."""
    sections: tuple[Section, ...]
    """Top-level sections in order."""
    downloads: tuple[DownloadView, ...] = field(default=())
    """Every file the report offers, for copying next to the outputs."""
    house: HouseStyle = field(default_factory=lambda: HouseStyle())
    """Who publishes it and how it looks (templates/house.yaml, an event's override)."""


# --- The house style: who publishes, and how it looks ---------------------------------


@dataclass(frozen=True)
class Logo:
    """The publishing organisation's logo."""

    path: Path
    """The SVG or PNG file, checked and inside the folder of the house file naming it."""
    alt: str
    """Its alternative text; "" when it is marked decorative."""

    @property
    def href(self) -> str:
        """Where the outputs find their copy, relative to the report."""
        return f"huisstijl/logo{self.path.suffix.lower()}"


@dataclass(frozen=True)
class Colours:
    """The house colours, each checked against WCAG 2.2 AA where it is used (house.py)."""

    text: str = "#1a1a1a"
    """Body text, on white and on the tint."""
    muted: str = "#3d3d3d"
    """Secondary text (dates, bylines, the colophon), on white and on the tint."""
    link: str = "#0b4f7a"
    """Links, on white and on the tint."""
    accent: str = "#1f5f8b"
    """The house colour: chart bars, rules, the cover's band (white text on it)."""
    tint: str = "#f4f7fa"
    """Light background of slide boxes."""
    focus: str = "#b3400a"
    """The keyboard focus ring, on white."""


@dataclass(frozen=True)
class Typeface:
    """A typeface the house chooses instead of Atkinson Hyperlegible."""

    name: str
    """Its family name, as the stylesheets name it."""
    files: tuple[tuple[str, Path], ...]
    """(style, file) for "regular", "bold", "italic", "bold_italic"; regular always."""


@dataclass(frozen=True)
class HouseStyle:
    """Who publishes the report and how it looks: set once, an event may override."""

    name: str = ""
    """The publishing organisation, on the cover, the page header and in the colophon."""
    logo: Logo | None = None
    """Its logo, or None."""
    colours: Colours = field(default_factory=Colours)
    """The house colours."""
    typeface: Typeface | None = None
    """A chosen typeface, or None for Atkinson Hyperlegible."""
    contact: str | None = None
    """Where readers write to (an e-mail address), for the colophon."""
    website: str | None = None
    """The organisation's site (https://...), for the colophon and the page header."""
    licence: str | None = None
    """The licence the report is published under, e.g. "CC BY 4.0"."""
    licence_url: str | None = None
    """Where the licence's text is."""
