"""Reader output as plain JSON data or as Markdown, for checking what a source holds."""

from __future__ import annotations

from typing import Any

from eventreport.model import (
    Block,
    Deck,
    ImageBlock,
    ListBlock,
    Paragraph,
    PollExport,
    Question,
    Slide,
    TableBlock,
)


def to_json(obj: Deck | PollExport) -> dict[str, Any]:
    """A deck or poll export as JSON-ready data (dicts, lists, strings, numbers)."""
    if isinstance(obj, Deck):
        return {
            "kind": "deck",
            "source": str(obj.source),
            "format": obj.format,
            "slides": [_slide_json(s) for s in obj.slides],
        }
    return {
        "kind": "poll",
        "source": str(obj.source),
        "tool": obj.tool,
        "questions": [_question_json(q) for q in obj.questions],
    }


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
    return {"type": "image", "alt": block.alt}


def _question_json(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "title": question.title,
        "type": question.type,
        "respondents": question.respondents,
        "options": [{"label": o.label, "count": o.count} for o in question.options],
        "responses": [{"text": r.text} for r in question.responses],
    }


def to_markdown(obj: Deck | PollExport) -> str:
    """A deck or poll export as Markdown a person can read through."""
    if isinstance(obj, Deck):
        parts = [f"# {obj.source.name} ({obj.format})"]
        parts += [_slide_markdown(s) for s in obj.slides]
    else:
        parts = [f"# {obj.source.name} ({obj.tool})"]
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
    if isinstance(block, ImageBlock) and block.alt:
        return f"[image: {_flat(block.alt)}]"
    return "[image without alt text]"


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
        parts.append("\n".join(f"- {_flat(o.label)}: {o.count}" for o in question.options))
    parts += [_quote(r.text) for r in question.responses]
    return "\n\n".join(parts)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _flat(text).replace("|", "\\|")


def _hard_breaks(text: str, pad: str) -> str:
    # A trailing backslash keeps a slide's line break a line break in Markdown.
    return "\\\n".join(f"{pad if i else ''}{line}" for i, line in enumerate(text.split("\n")))


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))
