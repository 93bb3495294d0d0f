"""Reader output as plain JSON data or as Markdown, for checking what a source holds."""

from __future__ import annotations

import os
import sys
from typing import Any

from eventreport.model import (
    Block,
    ChartBlock,
    Deck,
    DiagramBlock,
    ImageBlock,
    ListBlock,
    Option,
    Paragraph,
    PollExport,
    Question,
    Response,
    Slide,
    TableBlock,
)


def print_out(text: str) -> None:
    """Print `text`; when whatever reads it stops early (`invoke extract ... | head`), stop
    quietly instead of with a BrokenPipeError."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout once more on exit and would complain there: point it at
        # /dev/null first (what the Python docs advise for SIGPIPE).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def to_json(obj: Deck | PollExport) -> dict[str, Any]:
    """A deck or poll export as JSON-ready data (dicts, lists, strings, numbers)."""
    if isinstance(obj, Deck):
        return {
            "kind": "deck",
            "source": str(obj.source),
            "format": obj.format,
            **({"converted_from": obj.converted} if obj.converted else {}),
            "slides": [_slide_json(s) for s in obj.slides],
        }
    data: dict[str, Any] = {
        "kind": "poll",
        "source": str(obj.source),
        "tool": obj.tool,
        "questions": [_question_json(q) for q in obj.questions],
    }
    if obj.title is not None:
        data["title"] = obj.title
    return data


def _slide_json(slide: Slide) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": slide.number,
        "title": slide.title,
        "hidden": slide.hidden,
        "blocks": [_block_json(b) for b in slide.blocks],
        "links": [{"text": link.text, "url": link.url} for link in slide.links],
    }
    if slide.notes is not None:
        data["notes"] = slide.notes
    return data


def _block_json(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, ListBlock):
        items = [{"text": i.text, "level": i.level, "numbered": i.numbered} for i in block.items]
        return {"type": "list", "items": items}
    if isinstance(block, TableBlock):
        return {"type": "table", "rows": [list(row) for row in block.rows]}
    if isinstance(block, ChartBlock):
        return _chart_json(block)
    if isinstance(block, DiagramBlock):
        items = [{"text": i.text, "level": i.level} for i in block.items]
        return {"type": "diagram", "items": items}
    return {"type": "image", "alt": block.alt}


def _chart_json(chart: ChartBlock) -> dict[str, Any]:
    series = []
    for one in chart.series:
        entry: dict[str, Any] = {"name": one.name, "values": list(one.values)}
        if one.x:
            # Scatter and bubble points have their own x values instead of categories.
            entry["x"] = list(one.x)
        series.append(entry)
    return {
        "type": "chart",
        "chart_type": chart.chart_type,
        "title": chart.title,
        "categories": list(chart.categories),
        "series": series,
    }


def _question_json(question: Question) -> dict[str, Any]:
    # Fields beyond the pipeline's shape appear only where the export gives them, so the
    # shape other tasks rely on stays the same for a plain choice or open question.
    data: dict[str, Any] = {
        "id": question.id,
        "title": question.title,
        "type": question.type,
        "respondents": question.respondents,
        "options": [_option_json(o) for o in question.options],
        "responses": [_response_json(r) for r in question.responses],
    }
    if question.scale:
        data["scale"] = list(question.scale)
    return data


def _option_json(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {"label": option.label, "count": option.count}
    extra = {
        "percent": option.percent,
        "mean": option.mean,
        "distribution": list(option.distribution) or None,
        "correct": option.correct,
    }
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def _response_json(response: Response) -> dict[str, Any]:
    data: dict[str, Any] = {"text": response.text}
    if response.respondent is not None:
        data["respondent"] = response.respondent
    if response.time is not None:
        data["time"] = response.time
    return data


def to_markdown(obj: Deck | PollExport) -> str:
    """A deck or poll export as Markdown a person can read through."""
    if isinstance(obj, Deck):
        kind = f"{obj.converted}, read as {obj.format}" if obj.converted else obj.format
        parts = [f"# {obj.source.name} ({kind})"]
        parts += [_slide_markdown(s) for s in obj.slides]
    else:
        parts = [f"# {obj.source.name} ({obj.tool})"]
        if obj.title:
            parts.append(_flat(obj.title))
        parts += [_question_markdown(q) for q in obj.questions]
    return "\n\n".join(parts) + "\n"


def _slide_markdown(slide: Slide) -> str:
    heading = f"## Slide {slide.number}"
    if slide.title:
        heading += f": {_flat(slide.title)}"
    if slide.hidden:
        heading += " (hidden)"
    parts = [heading, *(_block_markdown(b) for b in slide.blocks)]
    if slide.links:
        parts.append("Links:\n\n" + "\n".join(f"- [{k.text}]({k.url})" for k in slide.links))
    if slide.notes:
        parts.append("Speaker notes:\n\n" + _quote(slide.notes))
    return "\n\n".join(parts)


def _block_markdown(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _hard_breaks(block.text, "")
    if isinstance(block, ListBlock):
        lines = []
        for item in block.items:
            indent = "  " * item.level
            marker = "1." if item.numbered else "-"
            pad = indent + " " * (len(marker) + 1)
            lines.append(f"{indent}{marker} {_hard_breaks(item.text, pad)}")
        return "\n".join(lines)
    if isinstance(block, TableBlock):
        return _table_markdown(block)
    if isinstance(block, ChartBlock):
        return _chart_markdown(block)
    if isinstance(block, DiagramBlock):
        return "\n".join(
            f"{'  ' * i.level}- {_hard_breaks(i.text, '  ' * i.level + '  ')}" for i in block.items
        )
    if isinstance(block, ImageBlock) and block.alt:
        return f"[image: {_flat(block.alt)}]"
    return "[image without alt text]"


def _chart_markdown(chart: ChartBlock) -> str:
    title = f": {_flat(chart.title)}" if chart.title else ""
    names = [s.name or f"Series {n}" for n, s in enumerate(chart.series, 1)]
    rows: list[tuple[str, ...]]
    if any(s.x for s in chart.series):
        rows = [("Series", "x", "y")]
        rows += [
            (name, x, y)
            for name, s in zip(names, chart.series, strict=True)
            for x, y in zip(s.x_shown, s.shown, strict=False)
        ]
    else:
        count = max([len(chart.categories), *(len(s.shown) for s in chart.series)])
        labels = list(chart.categories) + [str(n + 1) for n in range(len(chart.categories), count)]
        rows = [("", *names)]
        rows += [
            (labels[i], *(s.shown[i] if i < len(s.shown) else "" for s in chart.series))
            for i in range(count)
        ]
    return f"Chart ({chart.chart_type}){title}\n\n{_table_markdown(TableBlock(tuple(rows)))}"


def _table_markdown(table: TableBlock) -> str:
    width = max((len(row) for row in table.rows), default=0)
    if not width:
        return ""
    rows = [[_cell(c) for c in row] + [""] * (width - len(row)) for row in table.rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _question_markdown(question: Question) -> str:
    people = "respondent" if question.respondents == 1 else "respondents"
    parts = [
        f"## {question.id}. {_flat(question.title)} "
        f"({question.type}, {question.respondents} {people})"
    ]
    if question.options:
        parts.append("\n".join(_option_markdown(o, question.scale) for o in question.options))
    parts += [_quote(r.text) for r in question.responses]
    return "\n\n".join(parts)


def _option_markdown(option: Option, scale: tuple[str, ...]) -> str:
    line = f"- {_flat(option.label)}: {option.count}"
    notes = []
    if option.percent is not None:
        notes.append(f"{option.percent:g}%")
    if option.mean is not None:
        notes.append(f"mean {option.mean:.2f}")
    if option.distribution:
        notes.append(
            ", ".join(f"{p}: {n}" for p, n in zip(scale, option.distribution, strict=False))
        )
    return f"{line} ({'; '.join(notes)})" if notes else line


def _flat(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _flat(text).replace("|", "\\|")


def _hard_breaks(text: str, pad: str) -> str:
    # A trailing backslash keeps a slide's line break a line break in Markdown.
    return "\\\n".join(f"{pad if i else ''}{line}" for i, line in enumerate(text.split("\n")))


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))
