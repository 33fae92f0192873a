"""WCAG 2.x colour contrast: relative luminance and contrast ratio of CSS colours, with
translucent colours composited over the background they are drawn on."""

from __future__ import annotations

import re

# What Streamlit 1.67 draws charts on: st.plotly_chart's default theme ("streamlit") gives the
# figure the app's background, and our figures are transparent anyway (charts.py). These are
# Streamlit 1.67's defaults (#171614, not the #0e1117 of older versions); the browser tests
# check them against the running app (tests/e2e/test_accessibility.py).
BACKGROUNDS = {"light": "#ffffff", "dark": "#171614"}
# WCAG 2.x: 3:1 for graphical objects (1.4.11), 4.5:1 for text (1.4.3).
MARKS = 3.0
TEXT = 4.5

_NAMED = {"black": "#000000", "white": "#ffffff", "grey": "#808080", "gray": "#808080"}
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")


def parse(color: str) -> tuple[float, float, float, float]:
    """``color`` (``#rgb``, ``#rrggbb``, ``rgb()``, ``rgba()`` or a few names) as
    (r, g, b, alpha) with channels 0-255 and alpha 0-1."""
    text = _NAMED.get(color.strip().lower(), color.strip().lower())
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        if len(digits) != 6:
            raise ValueError(f"not a colour: {color!r}")
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return float(r), float(g), float(b), 1.0
    match = _RGB.fullmatch(text)
    if not match:
        raise ValueError(f"not a colour this check understands: {color!r}")
    r, g, b, a = match.groups()
    return float(r), float(g), float(b), 1.0 if a is None else float(a)


def over(color: str, background: str, opacity: float = 1.0) -> tuple[float, float, float]:
    """The opaque colour seen when ``color`` (its own alpha times ``opacity``) is drawn over
    the opaque ``background``."""
    r, g, b, a = parse(color)
    alpha = a * opacity
    br, bg, bb, _ = parse(background)
    return (
        r * alpha + br * (1 - alpha),
        g * alpha + bg * (1 - alpha),
        b * alpha + bb * (1 - alpha),
    )


def luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance (WCAG 2.x) of an opaque sRGB colour given as 0-255 channels."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(color: str, background: str, opacity: float = 1.0) -> float:
    """WCAG contrast ratio of ``color`` (composited with ``opacity``) against ``background``."""
    fore = luminance(over(color, background, opacity))
    back = luminance(over(background, background))
    light, dark = max(fore, back), min(fore, back)
    return (light + 0.05) / (dark + 0.05)
