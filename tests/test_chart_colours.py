"""Every figure the app draws keeps its marks visible in Streamlit's light and dark themes:
each mark colour we set has a WCAG contrast of at least 3:1 (text 4.5:1) on both backgrounds."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pandas as pd
import plotly.graph_objects as go
import pytest

from posture.analysis import charts, views
from posture.data.dataset import REPO_ROOT, read_dataset
from posture.imports import imported
from posture.imports.layers import LABEL, import_events, read_layer
from posture.imports.synthetic import write_synthetic
from schemas.contributions import MISSIONS
from schemas.incidents import STATUSES, WEAPONS
from tests.helpers import VALID
from tests.support import contrast

# Every named colour in charts.py: data outside the fixtures (another country, mission or
# counter) must be visible too.
PALETTES = {
    "COUNTRY_COLORS": charts.COUNTRY_COLORS,
    "STATUS_COLORS": charts.STATUS_COLORS,
    "MISSION_COLORS": charts.MISSION_COLORS,
    "COUNTER_STYLE": {k: color for k, (color, _) in charts.COUNTER_STYLE.items()},
    "NEUTRAL": {"NEUTRAL": charts.NEUTRAL},
}
HOW_TO_FIX = (
    "pick a colour whose relative luminance lies between 0.13 and 0.30 (3:1 on white and on "
    "#171614), such as charts.NEUTRAL or an Okabe-Ito hue; leave text colours unset so the "
    "theme's text colour applies"
)


def _all_figures(view: object, where: str) -> Iterator[tuple[str, go.Figure]]:
    """Every figure held by a view dataclass (fields, nested views, lists of them)."""
    if isinstance(view, go.Figure):
        yield where, view
    elif dataclasses.is_dataclass(view) and not isinstance(view, type):
        for field in dataclasses.fields(view):
            yield from _all_figures(getattr(view, field.name), f"{where}.{field.name}")
    elif isinstance(view, list | tuple):
        for i, item in enumerate(view):
            yield from _all_figures(item, f"{where}[{i}]")


def _figures(dataset) -> list[tuple[str, go.Figure]]:
    """The figures of every page's view, on every tab, with the pages' default filters and
    with every option that adds a figure element (milestones, bands) switched on."""
    latest = dataset.milestones["date"].max()
    dated = {"country": None, "start": None, "end": None}
    attacks = {**dated, "weapons": list(WEAPONS), "statuses": list(STATUSES)}
    built = {
        "overview": views.overview(dataset, None),
        "troops": views.troops(
            dataset,
            **dated,
            force="us",
            kinds=["official", "reported", "planned"],
            show_milestones=True,
        ),
        "troops_all": views.troops(
            dataset,
            **dated,
            force="all",
            kinds=["official", "reported", "planned"],
            show_milestones=True,
        ),
        "bases": views.bases(dataset, **dated, on=latest),
        "lifecycles": views.base_lifecycles(dataset, **dated, on=latest),
        "nations": views.nations(dataset, **dated, missions=list(MISSIONS)),
        "attacks": views.attacks(dataset, **attacks),
        "attacks_on_map": views.attacks_on_map(dataset, **attacks),
        "attack_counts": views.attack_counts(dataset, **dated),
        "compare": views.compare(dataset, latest - pd.DateOffset(years=3), latest, None, None),
    }
    return [item for name, view in built.items() for item in _all_figures(view, name)]


@pytest.fixture(scope="module")
def imported_figures(tmp_path_factory) -> list[tuple[str, go.Figure]]:
    """The Incidents page's own figures for an imported layer (map and fatalities)."""
    work = tmp_path_factory.mktemp("layer")
    source = write_synthetic("acled", work / "acled.csv", 300, seed=1)
    bases = read_dataset(VALID).bases
    import_events("acled", source, bases, work / "user", progress=False)
    events = read_layer("acled", work / "user")
    points, _ = imported.map_points(events)
    return [
        ("imported.map", charts.imported_map(points, bases, LABEL["acled"])),
        (
            "imported.fatalities",
            charts.imported_fatalities_chart(imported.fatalities_by_month(events), LABEL["acled"]),
        ),
    ]


def _colors(value: object) -> list[str]:
    """The colour strings in a plotly colour property (one colour or one per point)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return sorted({v for v in value if isinstance(v, str)})
    return []


def _marks(fig: go.Figure) -> Iterator[tuple[str, str, float, float]]:
    """(what, colour, opacity, required ratio) of every mark whose colour the figure sets.

    Not checked, on purpose: fills of low–high bands (``fillcolor``; each band has its line,
    checked, in the same colour) and marker outlines (around a checked fill). Colours left
    unset come from Streamlit's theme, which picks them per theme."""
    for i, trace in enumerate(fig.data):
        name = f"trace {i} {trace.name or trace.type!r}"
        opacity = 1.0 if trace.opacity is None else trace.opacity
        mode = getattr(trace, "mode", None) or ""
        line = getattr(trace, "line", None)
        if line is not None and "lines" in mode and line.width != 0:
            for color in _colors(line.color):
                yield f"{name} line.color", color, opacity, contrast.MARKS
        marker = getattr(trace, "marker", None)
        if marker is not None and (trace.type in ("bar", "histogram") or "markers" in mode):
            marker_opacity = marker.opacity if isinstance(marker.opacity, int | float) else 1
            for color in _colors(marker.color):
                yield f"{name} marker.color", color, opacity * marker_opacity, contrast.MARKS
        error_y = getattr(trace, "error_y", None)
        if error_y is not None and error_y.visible is not False and error_y.array is not None:
            for color in _colors(error_y.color):
                yield f"{name} error_y.color", color, opacity, contrast.MARKS
        if trace.type == "heatmap":
            for _, color in trace.colorscale or ():
                yield f"{name} colorscale", color, opacity, contrast.MARKS
        textfont = getattr(trace, "textfont", None)
        if textfont is not None and "text" in mode:
            for color in _colors(textfont.color):
                yield f"{name} textfont.color", color, opacity, contrast.TEXT
    for i, shape in enumerate(fig.layout.shapes):
        if shape.line.color and shape.line.width != 0:
            yield f"shape {i} line.color", shape.line.color, shape.opacity or 1.0, contrast.MARKS
    for i, note in enumerate(fig.layout.annotations):
        if note.font.color:
            yield f"annotation {i} {note.text!r} font.color", note.font.color, 1.0, contrast.TEXT
    for where, font in (("layout.font", fig.layout.font), ("title.font", fig.layout.title.font)):
        if font.color:
            yield f"{where}.color", font.color, 1.0, contrast.TEXT


def _failures(figures: list[tuple[str, go.Figure]]) -> list[str]:
    failures = []
    for where, fig in figures:
        title = fig.layout.title.text
        for what, color, opacity, needed in _marks(fig):
            for theme, background in contrast.BACKGROUNDS.items():
                got = contrast.ratio(color, background, opacity)
                if got < needed:
                    failures.append(
                        f"{where} ({title!r}) {what} {color} (opacity {opacity:g}): "
                        f"{got:.2f}:1 on the {theme} theme's {background}, needs {needed:g}:1"
                    )
    return failures


@pytest.mark.parametrize("data", ["fixtures", "shipped"])
def test_every_figure_is_visible_in_both_themes(data, imported_figures):
    """A reader in the light or the dark theme sees every line, marker, bar, shape and label
    of every chart: each colour set has 3:1 contrast (text 4.5:1) on both backgrounds."""
    dataset = read_dataset(VALID if data == "fixtures" else REPO_ROOT / "data")
    figures = _figures(dataset) + imported_figures
    assert len(figures) >= 14, [where for where, _ in figures]
    assert sum(1 for f in figures for _ in _marks(f[1])) > 50  # the check sees the marks
    failures = _failures(figures)
    assert not failures, "\n".join([*failures, f"How to fix: {HOW_TO_FIX}."])


@pytest.mark.parametrize("palette", list(PALETTES))
def test_every_palette_colour_passes_both_themes(palette):
    """Every named chart colour, also those the fixtures do not use, has 3:1 contrast on the
    light and the dark background."""
    failures = [
        f"charts.{palette}[{key!r}] = {color}: {contrast.ratio(color, background):.2f}:1 on "
        f"the {theme} theme's {background}, needs {contrast.MARKS:g}:1"
        for key, color in PALETTES[palette].items()
        for theme, background in contrast.BACKGROUNDS.items()
        if contrast.ratio(color, background) < contrast.MARKS
    ]
    assert not failures, "\n".join([*failures, f"How to fix: {HOW_TO_FIX}."])


def test_contrast_ratio_matches_wcag_examples():
    """The ratio follows WCAG 2.x: black on white 21:1, #777 on white about 4.48:1, a colour
    at half opacity is blended with the background first."""
    assert contrast.ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast.ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast.ratio("rgba(0,0,0,0.5)", "#ffffff") == pytest.approx(
        contrast.ratio("#808080", "#ffffff"), abs=0.05
    )
    assert contrast.ratio("#000000", "#ffffff", opacity=0) == pytest.approx(1.0)
