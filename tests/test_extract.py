"""to_json and to_markdown: the exact shapes other tasks and people rely on."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures import LINK_URL, STATEMENT

from eventreport.extract import to_json, to_markdown
from eventreport.model import (
    Deck,
    ImageBlock,
    ListBlock,
    ListItem,
    Paragraph,
    Slide,
    TableBlock,
)
from eventreport.readers import read_source


def test_deck_json_shape(deck_file: Path) -> None:
    data = to_json(read_source(deck_file))
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["kind", "source", "format", "slides"]
    assert (data["kind"], data["source"], data["format"]) == ("deck", str(deck_file), "pptx")
    assert [s["number"] for s in data["slides"]] == [1, 2, 3, 5]
    assert data["slides"][1] == {
        "number": 2,
        "title": "Agenda",
        "hidden": False,
        "blocks": [
            {
                "type": "list",
                "items": [
                    {"text": "Opening", "level": 0, "numbered": False},
                    {"text": "Cijfers\nen trends", "level": 0, "numbered": False},
                    {"text": "Landelijk", "level": 1, "numbered": False},
                    {"text": "Per regio", "level": 2, "numbered": False},
                    {"text": "Afsluiting", "level": 0, "numbered": True},
                ],
            },
            {"type": "paragraph", "text": "Lees het volledige verslag online."},
        ],
        "links": [{"text": "volledige verslag", "url": LINK_URL}],
    }
    assert data["slides"][2]["blocks"] == [
        {
            "type": "table",
            "rows": [["Regio", "2019", ""], ["Noord", "12", "14"], ["Zuid", "8", "9"]],
        },
        {"type": "image", "alt": "Grafiek: aanmeldingen per jaar"},
        {"type": "image", "alt": None},
    ]


def test_deck_json_notes_only_when_read(deck_file: Path) -> None:
    without = to_json(read_source(deck_file))
    assert all("notes" not in s for s in without["slides"])
    with_notes = to_json(read_source(deck_file, notes=True, include_hidden=True))
    assert [s["notes"] for s in with_notes["slides"]] == [
        "",
        "Niet publiceren: voorlopige cijfers",
        "",
        "",
        "",
    ]
    assert [s["hidden"] for s in with_notes["slides"]] == [False, False, False, True, False]


def test_poll_json_shape(menti_file: Path) -> None:
    data = to_json(read_source(menti_file))
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["kind", "source", "tool", "questions"]
    assert (data["kind"], data["source"], data["tool"]) == ("poll", str(menti_file), "mentimeter")
    assert data["questions"][:2] == [
        {
            "id": "1",
            "title": STATEMENT,
            "type": "choice",
            "respondents": 26,
            "options": [{"label": "Eens", "count": 14}, {"label": "Oneens", "count": 12}],
            "responses": [],
        },
        {
            "id": "2",
            "title": "Wat neemt u mee?",
            "type": "open",
            "respondents": 3,
            "options": [],
            "responses": [
                {"text": "Meer samenwerking met de zorg"},
                {"text": "<b>Signaleren</b> & doorverwijzen"},
                {"text": "Question 7"},
            ],
        },
    ]


def test_deck_markdown(deck_file: Path) -> None:
    text = to_markdown(read_source(deck_file, include_hidden=True, notes=True))
    assert text.startswith("# deck.pptx (pptx)\n\n## Slide 1: Welkom\n\nKennisbijeenkomst 2020\n")
    assert (
        "## Slide 2: Agenda\n\n"
        "- Opening\n"
        "- Cijfers\\\n"
        "  en trends\n"
        "  - Landelijk\n"
        "    - Per regio\n"
        "1. Afsluiting\n\n"
        "Lees het volledige verslag online.\n\n"
        "Links:\n\n"
        f"- [volledige verslag]({LINK_URL})\n\n"
        "Speaker notes:\n\n"
        "> Niet publiceren: voorlopige cijfers\n"
    ) in text
    assert (
        "## Slide 3: Cijfers\n\n"
        "| Regio | 2019 |  |\n"
        "| --- | --- | --- |\n"
        "| Noord | 12 | 14 |\n"
        "| Zuid | 8 | 9 |\n\n"
        "[image: Grafiek: aanmeldingen per jaar]\n\n"
        "[image without alt text]\n"
    ) in text
    assert "## Slide 4: Intern (hidden)\n\n- Niet voor publicatie\n" in text
    assert text.endswith("## Slide 5\n\nLinks\n\nRechts\n\nMidden\n\nGroep boven\n\nGroep onder\n")


def test_poll_markdown(menti_file: Path) -> None:
    text = to_markdown(read_source(menti_file))
    assert text == (
        "# menti.xlsx (mentimeter)\n\n"
        f"## 1. {STATEMENT} (choice, 26 respondents)\n\n"
        "- Eens: 14\n"
        "- Oneens: 12\n\n"
        "## 2. Wat neemt u mee? (open, 3 respondents)\n\n"
        "> Meer samenwerking met de zorg\n\n"
        "> <b>Signaleren</b> & doorverwijzen\n\n"
        "> Question 7\n\n"
        "## 3. Pauze (content, 0 respondents)\n\n"
        "## 4. Wie zong Toxic? (quiz, 2 respondents)\n\n"
        "- Britney: 1\n"
        "- Beyonce: 1\n"
    )


def test_markdown_table_cells_escape_pipes_and_flatten_breaks() -> None:
    deck = Deck(
        source=Path("x.pptx"),
        format="pptx",
        slides=(
            Slide(
                number=1,
                title="Een\ntitel",
                hidden=False,
                blocks=(
                    TableBlock((("a|b", "c"), ("d\ne",))),
                    ListBlock((ListItem("stap", 1, numbered=True),)),
                    Paragraph("regel"),
                    ImageBlock(""),
                ),
            ),
        ),
    )
    assert to_markdown(deck) == (
        "# x.pptx (pptx)\n\n"
        "## Slide 1: Een titel\n\n"
        "| a\\|b | c |\n| --- | --- |\n| d e |  |\n\n"
        "  1. stap\n\n"
        "regel\n\n"
        "[image without alt text]\n"
    )
