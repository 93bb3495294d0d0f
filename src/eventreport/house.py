"""The house style: templates/house.yaml for every event, an event's own file on top.

An event overrides the house file field by field with `sources/<event>/templates/house.yaml`
(the folder where it overrides templates too); a colour it leaves out keeps the house's.
Every colour is checked where it is used (`USES`) against WCAG 2.2 AA: a colour that
fails stops the build with the ratio it reached and the nearest shade that passes.
docs/house-style.md describes the file.
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from . import contrast
from .errors import SourceError
from .i18n import _
from .manifest import EMAIL, _Fields
from .model import Colours, HouseStyle, Logo, Typeface
from .pictures import picture_problem
from .safepath import OutsideError, inside
from .yamlfile import Mapping, load_inside

FILE = "house.yaml"
KEYS = {"name", "logo", "colours", "typeface", "contact", "website", "licence", "licence_url"}
LOGO_SUFFIXES = (".svg", ".png")
LOGO_MAX_BYTES = 2_000_000  # a logo is a few kB; anything larger is a mistaken file
FONT_SUFFIXES = (".ttf", ".otf")
FONT_STYLES = ("regular", "bold", "italic", "bold_italic")
WHITE = "#ffffff"

# Where each colour is used: (background, minimum ratio, what needs it); the background is
# another colour's name or a literal colour. The skip link's white lettering on the link
# colour is the link colour on white again.
USES: dict[str, tuple[tuple[str, float, str], ...]] = {
    "text": ((WHITE, contrast.TEXT, "text"), ("tint", contrast.TEXT, "text in slide boxes")),
    "muted": (
        (WHITE, contrast.TEXT, "secondary text"),
        ("tint", contrast.TEXT, "secondary text in slide boxes"),
    ),
    "link": ((WHITE, contrast.TEXT, "links"), ("tint", contrast.TEXT, "links in slide boxes")),
    "accent": (
        (WHITE, contrast.GRAPHICS, "chart bars and rules"),
        ("tint", contrast.GRAPHICS, "the slide boxes' edge"),
    ),
    "focus": ((WHITE, contrast.GRAPHICS, "the keyboard focus ring"),),
}  # fmt: skip


def load_house(templates: Path, overrides: Path | None = None) -> HouseStyle:
    """The house style from `templates/house.yaml`, with `overrides/house.yaml` (an
    event's) on top; colours checked. Without a house file: the neutral defaults."""
    house, where = HouseStyle(), dict[str, tuple[Path, int]]()
    default = templates / FILE
    if default.is_file():
        house, where = _read(default, house, trusted=True, door=templates)
    if overrides is not None and ((overrides / FILE).is_file() or (overrides / FILE).is_symlink()):
        # The event folder (the overrides' parent) is the door for an event's own file.
        house, more = _read(overrides / FILE, house, trusted=False, door=overrides.parent)
        where.update(more)
    check_colours(house.colours, where)
    return house


def _read(
    path: Path, base: HouseStyle, *, trusted: bool, door: Path
) -> tuple[HouseStyle, dict[str, tuple[Path, int]]]:
    """`base` with what `path` sets; and for each colour it sets, its file and line. Files
    it names (and `path` itself) must lie inside `door` (safepath.inside)."""
    data = load_inside(door, path)
    if data is None:
        return base, {}
    if not isinstance(data, Mapping):
        raise SourceError(path, _("must hold 'key: value' lines (name:, logo:, colours:, ...)"))
    top = _Fields(path, data, FILE)
    top.only(KEYS)
    changes: dict[str, Any] = {}
    for key in ("name", "contact", "website", "licence", "licence_url"):
        if key in data:
            changes[key] = top.text(key)
    if "contact" in changes and not EMAIL.match(changes["contact"]):
        raise top.fail(
            "contact", _("'{value}' is not an e-mail address").format(value=changes["contact"])
        )
    for key in ("website", "licence_url"):
        if key in changes and not changes[key].startswith(("https://", "http://")):
            raise top.fail(
                key, _("'{value}' must start with https:// or http://").format(value=changes[key])
            )
    if "logo" in data:
        changes["logo"] = _logo(top, path.parent, door)
    where: dict[str, tuple[Path, int]] = {}
    if "colours" in data:
        changes["colours"], where = _colours(top, base.colours)
    if "typeface" in data:
        if not trusted:
            # Font files are parsed by native code (HarfBuzz, FreeType); an event folder may
            # come from outside, so only the project's own house file chooses a typeface.
            raise top.fail(
                "typeface",
                _("an event cannot choose a typeface; set it in templates/house.yaml"),
            )
        changes["typeface"] = _typeface(top, path.parent)
    return replace(base, **changes), where


def _logo(top: _Fields, folder: Path, door: Path) -> Logo:
    value = top.data["logo"]
    if not isinstance(value, Mapping):
        raise top.fail(
            "logo", _("'logo' needs 'file:' and 'alt:' (or 'decorative: true') below it")
        )
    fields = _Fields(top.path, value, "logo")
    fields.only({"file", "alt", "decorative"})
    decorative = fields.flag("decorative", False)
    alt = fields.text("alt", required=not decorative) or ""
    if decorative and alt:
        raise fields.fail("alt", _("a decorative logo has no alt text; remove one of the two"))
    return Logo(path=logo_file(fields, folder, door), alt=alt)


def logo_file(fields: _Fields, folder: Path, door: Path) -> Path:
    """The logo file `fields` name, beside the house file in `folder`, through the door of
    `door` (safepath.inside, links resolved) and checked; the one place a logo is read."""
    name = str(fields.text("file"))
    outside = fields.fail(
        "file",
        _("'{name}' lies outside {folder}/; put the logo beside {file}").format(
            name=name, folder=folder.name, file=FILE
        ),
    )
    try:
        file = inside(door, (folder.relative_to(door) / name).as_posix())
    except OutsideError:
        raise outside from None
    if not file.is_relative_to(folder.resolve()):
        raise outside
    if not file.is_file():
        raise fields.fail(
            "file", _("'{name}' does not exist; check the name and folder").format(name=name)
        )
    if file.suffix.lower() not in LOGO_SUFFIXES:
        raise fields.fail(
            "file",
            _("'{name}' is not an SVG or PNG file; export the logo as one").format(name=name),
        )
    if file.stat().st_size > LOGO_MAX_BYTES:
        raise fields.fail(
            "file", _("'{name}' is larger than 2 MB; export a smaller logo").format(name=name)
        )
    if problem := picture_problem(file):
        raise fields.fail("file", _("'{name}' {problem}").format(name=name, problem=problem))
    return file


def _colours(top: _Fields, base: Colours) -> tuple[Colours, dict[str, tuple[Path, int]]]:
    value = top.data["colours"]
    if not isinstance(value, Mapping):
        raise top.fail(
            "colours", _("'colours' needs one 'name: \"#rrggbb\"' line per colour below it")
        )
    names = {f.name for f in fields(Colours)}
    fields_ = _Fields(top.path, value, "colours")
    fields_.only(names)
    changes: dict[str, str] = {}
    for key in value:
        if value[key] is None:
            raise fields_.fail(
                key,
                _(
                    "colour '{name}' has no value; write it as \"#rrggbb\", in quotes"
                    " (YAML reads # as the start of a comment)"
                ).format(name=key),
            )
        text = str(fields_.text(key))
        if not contrast.HEX.match(text):
            raise fields_.fail(
                key,
                _(
                    "colour '{name}' is '{value}'; write it as \"#rrggbb\", in quotes"
                    " (YAML reads # as the start of a comment)"
                ).format(name=key, value=text),
            )
        changes[key] = text.lower()
    where = {key: (top.path, value.line_of(key)) for key in changes}
    return replace(base, **changes), where


def check_colours(colours: Colours, where: dict[str, tuple[Path, int]]) -> None:
    """Refuse a colour that does not reach WCAG 2.2 AA contrast where it is used, naming the
    ratio it reached and the nearest shade of it that passes everywhere it is used."""
    for name, uses in USES.items():
        colour = getattr(colours, name)
        pairs = [(_background(colours, bg), minimum) for bg, minimum, _ in uses]
        for (bg_name, minimum, what), (background, _least) in zip(uses, pairs, strict=True):
            reached = contrast.ratio(colour, background)
            if reached >= minimum:
                continue
            fix = contrast.nearest_passing(colour, pairs)
            on = f"on {_named(bg_name, background)}"
            # Point at the line that made the pair fail: the colour's, else the tint's.
            path, line = where.get(name) or where.get(bg_name) or (None, 0)
            raise SourceError(
                path,
                f"colour '{name}' {colour} reaches {contrast.shown(reached)} {on}, below the"
                f" {minimum:g}:1 that WCAG 2.2 AA asks for {what}; "
                + (f"the nearest shade that passes is {fix}" if fix else "no shade of it passes"),
                f"line {line}" if line else None,
            )


def _background(colours: Colours, name: str) -> str:
    return name if name.startswith("#") else str(getattr(colours, name))


def _named(name: str, value: str) -> str:
    return f"white ({value})" if name == WHITE else f"the {name} colour ({value})"


def _typeface(top: _Fields, folder: Path) -> Typeface:
    value = top.data["typeface"]
    if not isinstance(value, Mapping):
        raise top.fail(
            "typeface", _("'typeface' needs 'name:' and 'regular:' (a font file) below it")
        )
    fields_ = _Fields(top.path, value, "typeface")
    fields_.only({"name", *FONT_STYLES})
    name = str(fields_.text("name"))
    files: list[tuple[str, Path]] = []
    for style in FONT_STYLES:
        if style == "regular" or style in value:
            file_name = str(fields_.text(style))
            file = (folder / file_name).resolve()
            if not file.is_relative_to(folder.resolve()) or not file.is_file():
                raise fields_.fail(
                    style,
                    _("'{name}' is not a file beside {file}").format(name=file_name, file=FILE),
                )
            if file.suffix.lower() not in FONT_SUFFIXES:
                raise fields_.fail(
                    style, _("'{name}' is not a .ttf or .otf font file").format(name=file_name)
                )
            # Here, not at the top: only a house style with a typeface of its own needs it.
            from fontTools.ttLib import TTFont, TTLibError

            try:
                TTFont(file, lazy=True).close()
            except (TTLibError, OSError, AssertionError, KeyError) as exc:
                raise fields_.fail(
                    style,
                    _("'{name}' is not a readable font ({problem})").format(
                        name=file_name, problem=exc
                    ),
                ) from None
            files.append((style, file))
    return Typeface(name=name, files=tuple(files))
