"""A ```poll``` block resolved: the chosen questions' results as bars, sentences, quotes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from .errors import SourceError
from .model import (
    Bar,
    ChartKind,
    Event,
    Option,
    PollExport,
    PollInsert,
    PollView,
    Question,
    QuestionView,
    Response,
    Session,
)


def poll_view(
    event: Event, session: Session, insert: PollInsert, export: PollExport, position: int
) -> PollView:
    """The questions a ```poll``` block asks for, with results ready to show."""
    source = event.polls[insert.poll]
    fail = _PollFailure(session, insert)
    chosen = _find_questions(_session_questions(export, insert, fail), insert, fail)
    anchor = f"{session.id}-poll-{position + 1}"
    views = [
        _question_view(q, insert, event.language, anchor if n == 0 else f"{anchor}-{n + 1}", fail)
        for n, q in enumerate(chosen)
    ]
    _check_labels(views, insert, fail)
    labels = dict(insert.labels)
    if isinstance(insert.order, tuple):
        views = _ordered_as_listed(views, insert.order, labels, fail)
    return PollView(poll=source, questions=tuple(_relabelled(v, labels) for v in views))


class _PollFailure:
    """Errors about one ```poll``` block, pointing at its line in the session's file."""

    def __init__(self, session: Session, insert: PollInsert) -> None:
        self.session = session
        self.insert = insert

    def __call__(self, message: str) -> SourceError:
        return SourceError(self.session.source, message, f"line {self.insert.line}")


def _session_questions(
    export: PollExport, insert: PollInsert, fail: _PollFailure
) -> tuple[Question, ...]:
    if insert.session is None:
        return export.questions
    if not export.sessions:
        raise fail(f"poll '{insert.poll}' ({export.tool}) has no sessions; leave out 'session:'")
    for found in export.sessions:
        if found.number == insert.session:
            return found.questions
    have = ", ".join(str(s.number) for s in export.sessions)
    raise fail(f"poll '{insert.poll}' has no session {insert.session} (sessions: {have})")


def _find_questions(
    questions: tuple[Question, ...], insert: PollInsert, fail: _PollFailure
) -> list[Question]:
    if insert.questions == "all":
        # Content slides carry no results; "all" means every question with results.
        return [q for q in questions if q.type != "content"]
    return [_find_question(questions, wanted, insert, fail) for wanted in insert.questions]


def _find_question(
    questions: tuple[Question, ...], wanted: str, insert: PollInsert, fail: _PollFailure
) -> Question:
    flat = " ".join(wanted.split())
    titles = {q.id: " ".join(q.title.split()) for q in questions}
    for question in questions:
        if wanted == question.id or flat == titles[question.id]:
            return question
    # The start of a title is enough ("Stelling 3") as long as it names one question.
    starting = [q for q in questions if flat and titles[q.id].startswith(flat)]
    if len(starting) == 1:
        return starting[0]
    listed = "".join(f"\n    {q.id}: {titles[q.id]}" for q in questions)
    several = " starts more than one title;" if len(starting) > 1 else ""
    raise fail(
        f"poll '{insert.poll}' has no question '{wanted}';{several} use a number, or a"
        f" title or the start of one, from the export:{listed}"
    )


def _question_view(
    question: Question, insert: PollInsert, language: str, anchor: str, fail: _PollFailure
) -> QuestionView:
    """The question's result with the export's labels, in the natural or asked-for order."""
    if insert.quote == "all":
        quotes = question.responses
    else:
        for number in insert.quote:
            if number > len(question.responses):
                raise fail(
                    f"'quote' asks for response {number}, but question {question.id} has"
                    f" {len(question.responses)} responses"
                )
        quotes = tuple(question.responses[n - 1] for n in insert.quote)
    view = _result(question, language, anchor, quotes, insert.heading)
    order = insert.order or ("votes" if view.chart == "ranking" else "export")
    if order == "votes" and view.chart != "words":
        view = replace(view, bars=tuple(sorted(view.bars, key=_by_result(view.chart))))
    return view


def _result(
    question: Question, language: str, anchor: str, quotes: tuple[Response, ...], heading: bool
) -> QuestionView:
    """Bars and totals for the question's kind of result."""
    view = QuestionView(question, "none", (), quotes, anchor, 0, heading=heading)
    options = question.options
    numeric = bool(question.scale) and all(p.lstrip("-").isdigit() for p in question.scale)
    if question.type in ("choice", "multi-choice", "quiz"):
        return _counted(view, question)
    if question.type == "wordcloud":
        return _words(view, question.responses)
    if question.type == "scale" and len(options) == 1 and numeric:
        # One rating: the bars are its points, the mean is said in words.
        option = options[0]
        points = replace(
            question,
            options=tuple(
                Option(p, n) for p, n in zip(question.scale, option.distribution, strict=False)
            ),
        )
        mean = _number(option.mean, language) if option.mean is not None else ""
        return replace(_counted(view, points), mean=mean)
    if question.type in ("scale", "ranking"):
        top = max((int(p) for p in question.scale), default=1) if numeric else 1
        bars = tuple(
            Bar(
                o.label,
                o.count,
                0,
                _scaled(o.mean, top, len(options), question.type),
                _number(o.mean, language) if o.mean is not None else "",
                o.distribution,
            )
            for o in options
        )
        chart: ChartKind = (
            "ranking" if question.type == "ranking" else "means" if numeric else "grid"
        )
        return replace(view, chart=chart, bars=bars, total=sum(o.count for o in options))
    return view


def _counted(view: QuestionView, question: Question) -> QuestionView:
    counts = [o.count for o in question.options]
    several = question.type == "multi-choice" and question.respondents > 0
    if several:
        # Several answers each: a share of the people who answered, as the tools show it;
        # such shares cannot add up to 100.
        base = question.respondents
        percents = [int(c * 100 / base + 0.5) for c in counts]
    else:
        base = sum(counts)
        percents = largest_remainder(counts)
    bars = tuple(
        Bar(o.label, o.count, p, o.count / base if base else 0.0, correct=o.correct)
        for o, p in zip(question.options, percents, strict=True)
    )
    return replace(view, chart="counts", bars=bars, total=base, of_respondents=several)


def _words(view: QuestionView, responses: tuple[Response, ...], shown: int = 10) -> QuestionView:
    """A word cloud as the words given most often (case and spacing ignored)."""
    spelling: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for response in responses:
        key = " ".join(response.text.split()).casefold()
        if key:
            spelling.setdefault(key, " ".join(response.text.split()))
            counts[key] += 1
    top = counts.most_common(shown)  # ties keep the order the words were first given
    most = top[0][1] if top else 0
    percents = largest_remainder(list(counts.values()))
    share = dict(zip(counts, percents, strict=True))
    bars = tuple(Bar(spelling[k], n, share[k], n / most) for k, n in top)
    return replace(view, chart="words", bars=bars, total=sum(counts.values()))


def _scaled(mean: float | None, top: int, items: int, kind: str) -> float:
    """Bar length: an average score against the scale's top; a rank so that 1st is longest."""
    if mean is None:
        return 0.0
    if kind == "ranking":
        return max(0.0, (items + 1 - mean) / items) if items else 0.0
    return max(0.0, min(1.0, mean / top)) if top > 0 else 0.0


def _by_result(chart: ChartKind) -> Callable[[Bar], tuple[float, ...]]:
    """Sort key for "votes": most votes, highest average, or best position first."""
    if chart == "ranking":
        return lambda b: (0 if b.mean else 1, -b.length)
    if chart == "means":
        return lambda b: (-b.length,)
    return lambda b: (-b.count,)


def _check_labels(views: list[QuestionView], insert: PollInsert, fail: _PollFailure) -> None:
    known = {b.label for v in views for b in v.bars} | {
        o.label for v in views for o in v.question.options
    }
    for label in dict(insert.labels):
        if label not in known:
            which = ", ".join(v.question.id for v in views)
            raise fail(
                f"'labels' renames '{label}', but question {which} has no such option"
                f" (options: {', '.join(sorted(known)) or 'none'})"
            )


def _ordered_as_listed(
    views: list[QuestionView], listed: tuple[str, ...], labels: dict[str, str], fail: _PollFailure
) -> list[QuestionView]:
    """The bars named in `order:` (as exported or as shown) first, then the others; with
    several questions, each takes the names it has."""
    shown = {labels.get(b.label, b.label): b.label for v in views for b in v.bars}
    exported = {b.label for v in views for b in v.bars}
    rank: dict[str, int] = {}
    for name in listed:
        label = name if name in exported else shown.get(name)
        if label is None:
            which = ", ".join(v.question.id for v in views)
            raise fail(
                f"'order' names '{name}', but question {which} has no such option"
                f" (options: {', '.join(sorted(exported)) or 'none'})"
            )
        rank.setdefault(label, len(rank))
    return [
        replace(v, bars=tuple(sorted(v.bars, key=lambda b: rank.get(b.label, len(rank)))))
        for v in views
    ]


def _relabelled(view: QuestionView, labels: dict[str, str]) -> QuestionView:
    if not labels:
        return view
    bars = tuple(replace(b, label=labels.get(b.label, b.label)) for b in view.bars)
    return replace(view, bars=bars)


def _number(value: float | None, language: str) -> str:
    """One decimal, with the report language's decimal sign ("3,4" in Dutch)."""
    if value is None:
        return ""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "nl" else text


def largest_remainder(counts: list[int]) -> list[int]:
    """Whole percentages that add up to exactly 100 (all zeros when nobody voted)."""
    total = sum(counts)
    if total == 0:
        return [0 for _ in counts]
    exact = [c * 100 / total for c in counts]
    floors = [int(e) for e in exact]
    short = 100 - sum(floors)
    # Hand the missing points to the largest remainders; ties go to the earlier option.
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return floors
