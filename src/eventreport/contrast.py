"""WCAG 2.2 contrast: the ratio of two colours, and the nearest shade of one that passes.

Relative luminance and the contrast ratio are WCAG 2.2's definitions (sRGB, 0.04045
threshold as in the current text). The nearest shade keeps a colour's hue and saturation
(HSL) and moves only its lightness, the way a designer would darken a house blue until it
reads; the smallest lightness step that passes wins.
"""

from __future__ import annotations

import colorsys
import re

HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

TEXT = 4.5
"""WCAG 1.4.3: normal text against its background."""
GRAPHICS = 3.0
"""WCAG 1.4.11 (and 1.4.3 for large text): chart bars, rules, focus rings."""

RGB = tuple[float, float, float]


def parse_hex(value: str) -> RGB:
    """'#1f5f8b' or '#fff' as 0-1 floats; raises ValueError for anything else."""
    if not HEX.match(value):
        raise ValueError(value)
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)


def to_hex(rgb: RGB) -> str:
    """0-1 floats as '#rrggbb'."""
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(one: str, two: str) -> float:
    """The contrast ratio of two hex colours, 1 to 21."""
    a, b = luminance(parse_hex(one)), luminance(parse_hex(two))
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def shown(value: float) -> str:
    """A ratio as people quote it: '4.48:1' (rounded down, so 4.499 never reads as 4.5)."""
    return f"{int(value * 100) / 100:.2f}:1"


def nearest_passing(colour: str, against: list[tuple[str, float]]) -> str | None:
    """The shade of `colour` (same hue and saturation) closest in lightness that reaches
    each (background, minimum ratio) in `against`; None when no lightness does."""
    hue, light, saturation = colorsys.rgb_to_hls(*parse_hex(colour))
    steps = 1000
    start = round(light * steps)
    for distance in range(steps + 1):
        for candidate in (start - distance, start + distance):
            if 0 <= candidate <= steps:
                rgb = colorsys.hls_to_rgb(hue, candidate / steps, saturation)
                shade = to_hex(rgb)
                if all(ratio(shade, bg) >= minimum for bg, minimum in against):
                    return shade
    return None
