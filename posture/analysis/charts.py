"""Plotly figure builders; each returns a ``go.Figure`` and never touches Streamlit."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go

from posture.analysis import geo, labels
from posture.analysis.incidents import attack_places
from posture.analysis.transforms import format_level, primary_levels, step_series

# Okabe–Ito colour-blind-safe palette; one colour per country on every page. Every mark colour
# has 3:1 contrast on both Streamlit themes' backgrounds (white and #171614), so Okabe-Ito's
# orange and sky blue, too light on white, and black, lost on dark, are replaced by ORANGE,
# the blue and the green (tests/test_chart_colours.py).
COUNTRY_COLORS = {
    "Iraq": "#0072B2",
    "Syria": "#D55E00",
    "Jordan": "#009E73",
    "Kuwait": "#CC79A7",
}
NEUTRAL = "#7F7F7F"
ORANGE = "#B77A00"  # Okabe-Ito orange (#E69F00) darkened to 3.6:1 on white
KIND_SYMBOLS = {"official": "circle", "reported": "diamond", "planned": "x-thin-open"}
FONT = "Source Sans Pro, Arial, sans-serif"


# The shared look as Plotly property paths. ``plotly_relayout`` sets paths without
# ``update_layout``'s validation pass, which cost 6-9 ms per chart (most of a cold view); the
# values are constants, checked by the figure tests, and a wrong property name still raises.
_LOOK = {
    "title.x": 0,
    "title.xanchor": "left",
    "font.family": FONT,
    "font.size": 13,
    "margin.l": 60,
    "margin.r": 20,
    "margin.t": 60,
    "margin.b": 40,
    # The title and its source note sit at the top of the figure; the top margin is sized to
    # their lines (:func:`top_margin`: plotly's automargin leaves the note over the plot).
    "title.yref": "container",
    "title.y": 1,
    "title.yanchor": "top",
    # Below the chart's toolbar (top right, shown on touch screens), which would cover it.
    "title.pad.t": 34,
    # The legend sits at the bottom of the whole figure, below the x axis title: placed from
    # the plot area (paper) it covered that title wherever tick labels take two lines.
    "legend.orientation": "h",
    "legend.yref": "container",
    "legend.yanchor": "bottom",
    "legend.y": 0,
    "legend.x": 0,
    "hovermode": "closest",
    # Transparent so the chart reads in both Streamlit themes.
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}
_GRID = {"showgrid": True, "gridcolor": "rgba(128,128,128,0.25)"}


def apply_layout(
    fig: go.Figure,
    title: str,
    x_title: str,
    y_title: str,
    extra: dict[str, Any] | None = None,
    title_width: int | None = None,
) -> go.Figure:
    """The shared look: title, axis labels with units, legend on top, transparent background
    (on every x and y axis of the figure, as ``update_xaxes``/``update_yaxes`` would), then
    the chart's own ``extra`` property paths (for example ``{"yaxis.automargin": True}``).
    The title wraps at ``title_width`` characters (TITLE_WIDTH, for a phone, by default)."""
    paths = {"title.text": wrap_title(title, title_width or TITLE_WIDTH), **_LOOK}
    for axes, axis_title in ((fig.select_xaxes(), x_title), (fig.select_yaxes(), y_title)):
        for axis in axes:
            paths[f"{axis.plotly_name}.title.text"] = axis_title
            paths.update({f"{axis.plotly_name}.{key}": value for key, value in _GRID.items()})
    _relayout(fig, {**paths, **(extra or {})})
    # plotly lifts a title's first line by each further line: the pad keeps all below the
    # toolbar.
    fig.update_layout(
        margin_t=top_margin(fig.layout.title.text, None),
        title_pad_t=TITLE_PAD + 22 * (_lines(fig.layout.title.text) - 1),
    )
    return escape_data(fig)


# Space above the title: the chart toolbar's row.
TITLE_PAD = 34
# Characters per title line: a title wider than a 390 px phone's chart is cut, so longer ones
# wrap (about 7 px a character at the title's size).
TITLE_WIDTH = 44


def wrap_title(title: str, width: int = TITLE_WIDTH) -> str:
    """``title`` with each of its lines wrapped at ``width`` characters and line breaks as
    plotly's ``<br>`` (the title is the chart code's text, escaped like data all the same);
    dates ("01 Jan 2025") stay on one line."""
    lines = []
    for part in str(title).split("\n"):
        if len(part) > width:
            part = _wrap(
                re.sub(r"(\d{1,2}) (\w{3,9}) (\d{4})", "\\1\u00a0\\2\u00a0\\3", part), width
            )
        lines.append(part)
    return str(plain("\n".join(lines)))


def _lines(text: object) -> int:
    """How many lines a plotly text holds (``<br>`` separated); 0 when empty."""
    return str(text).count("<br>") + 1 if text else 0


def top_margin(title: object, note: object) -> int:
    """The top margin (px) that holds the title's and the source note's lines above the plot."""
    extra_lines = max(_lines(title) - 1, 0)  # each also lifts the title (see apply_layout)
    return (
        TITLE_PAD + 8 + 22 * (_lines(title) + extra_lines) + 15 * _lines(note) + (8 if note else 0)
    )


# Trace properties that can carry text from the data (names, categories, hover text).
_TEXT_PROPERTIES = ("x", "y", "text", "hovertext", "customdata", "name", "labels")


def escape_data(fig: go.Figure) -> go.Figure:
    """Make every text that came from the data plain text inside plotly's HTML subset: ``&``,
    ``<`` and ``>`` are escaped in trace names, categories, hover data and annotations, so a
    name holding markup draws as those characters, never as a link or styled text. Line
    breaks written by the chart code as ``\\n`` become ``<br>``."""
    for trace in fig.data:
        for prop in _TEXT_PROPERTIES:
            if prop in trace and trace[prop] is not None:
                value = trace[prop]
                trace[prop] = _escaped(value)
    annotations = [
        {**a.to_plotly_json(), "text": plain(a.text), "hovertext": plain(a.hovertext)}
        for a in fig.layout.annotations
    ]
    if annotations:
        fig.layout.annotations = annotations
    return fig


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, tuple | list):
        return type(value)(_escaped(v) for v in value)
    if getattr(getattr(value, "dtype", None), "kind", "") in ("O", "U"):
        return [_escaped(v) for v in cast(Iterable[object], value)]
    return value


def plain(text: object) -> object:
    """``text`` escaped for plotly's HTML subset; our ``\\n`` line breaks become ``<br>``."""
    if not isinstance(text, str):
        return text
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\n", "<br>")


def _relayout(fig: go.Figure, paths: dict[str, Any]) -> None:
    """Set layout property ``paths`` ("a.b.c": value) on ``fig``, keeping what is set.

    Paths under a top-level property the figure does not have yet go in as one nested value
    (parsing each dotted path costs about 0.1 ms); the others are set one by one, so what the
    figure already has there (for example a subplot axis's domain) is kept."""
    present = set(fig.layout.to_plotly_json())
    nested: dict[str, Any] = {}
    flat: dict[str, Any] = {}
    for path, value in paths.items():
        top, _, rest = path.partition(".")
        if not rest or top in present:
            flat[path] = value
            continue
        node = nested.setdefault(top, {})
        *parents, leaf = rest.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    fig.plotly_relayout({**nested, **flat})


# The source note in the theme's text colour (a grey has too little contrast on one theme).
NOTE_FONT = {"size": 11}
# Characters per line of a source note before it wraps: about 340 px at 11 px, so it fits a
# 390 px phone's chart.
NOTE_WIDTH = 60


def cited(fig: go.Figure, note: str, summary: str = "") -> go.Figure:
    """Put the source note under the chart's title, so an exported image carries its source,
    data version and data date (the page adds the view's link when it draws the chart), and
    keep the chart's one-sentence ``summary`` (its text alternative) in ``layout.meta``."""
    text = str(plain(_wrap(note, NOTE_WIDTH)))
    fig.update_layout(
        title_subtitle={"text": text, "font": NOTE_FONT},
        meta={"summary": summary},
        margin_t=top_margin(fig.layout.title.text, text),
    )
    return fig


def summary_of(figure: dict[str, Any]) -> str | None:
    """The text alternative :func:`cited` stored in a figure's JSON-ready dict."""
    meta = figure.get("layout", {}).get("meta")
    return meta.get("summary") or None if isinstance(meta, dict) else None


def linked(figure: dict[str, Any], link: str) -> dict[str, Any]:
    """A copy of a figure's JSON-ready dict with ``link`` on its own line of the source note.

    Only the title is copied (the data, often large, is shared), so this costs little on
    every draw."""
    layout = dict(figure.get("layout", {}))
    title = dict(layout.get("title", {}))
    subtitle = dict(title.get("subtitle", {}))
    lines = [str(subtitle["text"])] if subtitle.get("text") else []
    subtitle["text"] = "<br>".join([*lines, *(str(plain(part)) for part in split_link(link))])
    subtitle.setdefault("font", NOTE_FONT)
    layout["title"] = {**title, "subtitle": subtitle}
    layout["margin"] = {
        **layout.get("margin", {}),
        "t": top_margin(title.get("text"), subtitle["text"]),
    }
    return {**figure, "layout": layout}


def split_link(link: str, width: int = NOTE_WIDTH) -> list[str]:
    """A long address in lines of at most ``width`` characters, broken before a ``&`` or
    ``?`` where one is near the end of the line (else at the width)."""
    lines = []
    while len(link) > width:
        cut = max(link.rfind("&", width // 2, width), link.rfind("?", width // 2, width))
        cut = cut if cut > 0 else width
        lines.append(link[:cut])
        link = link[cut:]
    return [*lines, link] if link else lines


def image_options(name: str, version: str, height: object) -> dict[str, Any]:
    """The toolbar's PNG export: a file name that says what and which release, and a size
    fit for print (1,400 px wide at twice the pixel density), whatever the screen."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return {
        "format": "png",
        "filename": f"coalition-posture-{slug}-v{version}",
        "width": 1400,
        "height": height if isinstance(height, int) and height > 0 else 700,
        "scale": 2,
    }


def _wrap(text: Any, width: int = 60) -> str:
    """Text wrapped into lines (joined by ``\\n``, drawn as ``<br>`` once escaped)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return "\n".join(textwrap.wrap(str(text), width))


def with_sources(df: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add ``publisher``, ``url`` and ``published`` of each row's source."""
    cols = sources[["source_id", "publisher", "url", "published"]].rename(
        columns={"published": "source_published"}
    )
    return df.merge(cols, on="source_id", how="left")


# One line per counting basis, never joined across bases: a cap (force management level) and
# a headcount of the same month are different measures.
BASIS_LINES = {
    "count": ("headcount", "solid"),
    "estimate": ("estimate", "dot"),
    "fml": ("authorised level (FML)", "dash"),
}


def troop_levels_chart(
    troops: pd.DataFrame,
    sources: pd.DataFrame,
    countries: list[str],
    force: str = "us",
    title: str | None = None,
    milestones: pd.DataFrame | None = None,
    band: bool = False,
) -> go.Figure:
    """Step lines per country and counting basis (headcount, estimate, authorised level), gaps
    left open, and every report as a marker (symbol by kind, hover with source and quote).

    Only reports of the whole country make lines; reports of part of the force are markers.
    With ``band`` the low–high range of the reports on each line is a shaded band; with
    ``milestones`` each is a labelled vertical line.
    """
    fig = go.Figure()
    rows = with_sources(troops[troops["force"] == force], sources)
    for country in countries:
        color = COUNTRY_COLORS.get(country, NEUTRAL)
        country_rows = rows[rows["country"] == country]
        whole = country_rows[country_rows["scope"] == "country"]
        for basis, (label, dash) in BASIS_LINES.items():
            primary = primary_levels(whole[whole["basis"] == basis])
            if primary.empty:
                continue
            name = f"{country}: {label}"
            if band:
                _add_band(fig, primary, color, name)
            line = step_series(primary)
            fig.add_trace(
                go.Scatter(
                    x=line["as_of"],
                    y=line["best"],
                    mode="lines",
                    line={"shape": "hv", "color": color, "width": 2.5, "dash": dash},
                    connectgaps=False,
                    name=name,
                    legendgroup=country,
                    hoverinfo="skip",
                )
            )
        for kind, symbol in KIND_SYMBOLS.items():
            marks = country_rows[country_rows["kind"] == kind]
            if marks.empty:
                continue
            y = marks["best"].where(marks["best"].notna(), marks["low"])
            fig.add_trace(
                go.Scatter(
                    x=marks["as_of"],
                    y=y,
                    mode="markers",
                    marker={"symbol": symbol, "size": 9, "color": color, "line": {"width": 1}},
                    error_y=_range_bars(marks, y),
                    name=f"{country}: {kind}",
                    legendgroup=country,
                    customdata=_hover_data(marks),
                    hovertemplate=(
                        "<b>%{customdata[0]}</b> (%{customdata[1]}, %{customdata[5]})<br>"
                        "as of %{x|%d %b %Y}<br>source: %{customdata[2]}, %{customdata[3]}<br>"
                        "<i>%{customdata[4]}</i><extra></extra>"
                    ),
                )
            )
    who = {"us": "US troops", "partners": "Partner (non-US) troops", "all": "Coalition troops"}
    title = title or f"{who[force]} in {' and '.join(countries)}"
    if milestones is not None:
        dates = pd.concat([rows["as_of"], milestones["date"]]).dropna()
        span = (dates.min(), dates.max()) if len(dates) else None
        add_milestones(fig, milestones, span)
    return apply_layout(fig, title, "Date", "Troops (persons)", {"height": 560})


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _add_band(fig: go.Figure, primary: pd.DataFrame, color: str, country: str) -> None:
    """Shaded low–high step band under a line (``country`` names it); nothing without a range."""
    ranged = primary.assign(
        low=primary["low"].where(primary["low"].notna(), primary["best"]),
        high=primary["high"].where(primary["high"].notna(), primary["best"]),
    )
    if not (ranged["low"] != ranged["high"]).any():
        return
    low = step_series(ranged, value_col="low")
    high = step_series(ranged, value_col="high")
    fig.add_trace(
        go.Scatter(
            x=low["as_of"],
            y=low["low"],
            mode="lines",
            line={"shape": "hv", "width": 0},
            connectgaps=False,
            showlegend=False,
            legendgroup=country,
            hoverinfo="skip",
            name=f"{country}: range low",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=high["as_of"],
            y=high["high"],
            mode="lines",
            line={"shape": "hv", "width": 0},
            fill="tonexty",
            fillcolor=_rgba(color, 0.2),
            connectgaps=False,
            legendgroup=country,
            hoverinfo="skip",
            name=f"{country}: low–high range",
        )
    )


MILESTONE_KINDS_SHOWN = ("agreement", "deadline", "drawdown")


def milestone_shapes(milestones: pd.DataFrame, axis: str = "") -> list[dict[str, Any]]:
    """Vertical line shapes for milestones on axis pair ``x{axis}``/``y{axis}``.

    Planned milestones are dashed, actual ones dotted.
    """
    return [
        {
            "type": "line",
            "xref": f"x{axis}",
            "yref": f"y{axis} domain",
            "x0": m["date"],
            "x1": m["date"],
            "y0": 0,
            "y1": 1,
            "line": {
                "color": NEUTRAL,
                "width": 1,
                "dash": "dash" if m["status"] == "planned" else "dot",
            },
        }
        for _, m in milestones.iterrows()
    ]


# Milestone numbers closer than this share of the x range go on different rows.
MILESTONE_GAP = 0.03
MILESTONE_ROWS = 3


def numbered_milestones(milestones: pd.DataFrame) -> pd.DataFrame:
    """Milestones in date order, numbered 1, 2, … (the chart shows the numbers, the page
    lists each number with its date and title)."""
    out = milestones.sort_values(["date", "title"], kind="stable").reset_index(drop=True)
    return out.assign(number=range(1, len(out) + 1))


def stagger(positions: list[float], gap: float, rows: int) -> list[int]:
    """A row (0 = top) for each label at ``positions`` (in date order, as shares of the axis)
    so labels on one row are at least ``gap`` apart; when no row has room, the row whose last
    label is farthest away."""
    last: list[float | None] = [None] * rows
    chosen = []
    for x in positions:
        free = [r for r in range(rows) if last[r] is None or x - cast(float, last[r]) >= gap]
        row = free[0] if free else max(range(rows), key=lambda r: x - cast(float, last[r]))
        last[row] = x
        chosen.append(row)
    return chosen


def milestone_clusters(positions: list[float], gap: float) -> list[list[int]]:
    """Indexes of milestones (in date order, positions as shares of the axis) grouped where
    each lies within ``gap`` of its group's first: one label for a run of close dates."""
    groups: list[list[int]] = []
    for i, x in enumerate(positions):
        if groups and x - positions[groups[-1][0]] < gap:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def milestone_labels(
    numbered: pd.DataFrame, axis: str = "", span: tuple[Any, Any] | None = None
) -> list[dict[str, Any]]:
    """Number labels at the top of milestone lines on ``x{axis}``: milestones within
    MILESTONE_GAP of each other share one label ("8–11"), and labels are staggered over rows
    so neighbours do not overlap; hover gives each date and full title."""
    if numbered.empty:
        return []
    dates = pd.to_datetime(numbered["date"])
    low, high = (
        (pd.Timestamp(span[0]), pd.Timestamp(span[1])) if span else (dates.min(), dates.max())
    )
    width = max((high - low).total_seconds(), 1.0)
    positions = [(d - low).total_seconds() / width for d in dates]
    groups = milestone_clusters(positions, MILESTONE_GAP)
    rows = stagger([positions[g[0]] for g in groups], 2 * MILESTONE_GAP, MILESTONE_ROWS)
    records = numbered.to_dict("records")
    labels = []
    for row, group in zip(rows, groups, strict=True):
        first, last = records[group[0]], records[group[-1]]
        numbers = str(first["number"]) if len(group) == 1 else f"{first['number']}–{last['number']}"
        labels.append(
            {
                "x": first["date"],
                "y": 1.0 - 0.07 * row,
                "xref": f"x{axis}",
                "yref": f"y{axis} domain",
                "text": numbers,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 11},  # the theme's text colour
                "bgcolor": "rgba(128,128,128,0.15)",
                "hovertext": "<br>".join(
                    f"{m['number']}. {m['date']:%d %b %Y}: {m['title']} ({m['status']})"
                    for m in (records[i] for i in group)
                ),
            }
        )
    return labels


def add_milestones(
    fig: go.Figure, milestones: pd.DataFrame, span: tuple[Any, Any] | None = None
) -> go.Figure:
    """Milestones as vertical lines with their numbers at the top (see
    :func:`numbered_milestones`; the page lists what each number is), in one layout update."""
    numbered = numbered_milestones(milestones)
    fig.update_layout(
        shapes=[*fig.layout.shapes, *milestone_shapes(numbered)],
        annotations=[*fig.layout.annotations, *milestone_labels(numbered, span=span)],
    )
    return fig


def _range_bars(marks: pd.DataFrame, y: pd.Series[float]) -> dict[str, Any]:
    has_range = marks["low"].notna() | marks["high"].notna()
    if not has_range.any():
        return {"visible": False}
    up = (marks["high"] - y).where(marks["high"].notna(), 0)
    down = (y - marks["low"]).where(marks["low"].notna(), 0)
    return {
        "type": "data",
        "symmetric": False,
        "array": up.astype(float).tolist(),
        "arrayminus": down.astype(float).tolist(),
        "thickness": 1.5,
        "width": 4,
    }


BASIS_WORDS = {
    "fml": "authorised level",
    "count": "headcount",
    "estimate": "estimate",
    "target": "planned target",
}


def _hover_data(marks: pd.DataFrame) -> list[list[str]]:
    published = marks["source_published"].dt.strftime("%d %b %Y").fillna("undated")
    return [
        [
            format_level(row),
            row["kind"],
            row["publisher"],
            date,
            _wrap(row["quote"]),
            BASIS_WORDS.get(row["basis"], row["basis"])
            + ("" if row["scope"] == "country" else ", part of the force only"),
        ]
        for (_, row), date in zip(marks.iterrows(), published, strict=True)
    ]


# --- Maps -------------------------------------------------------------------------------

STATUS_COLORS = {
    "held": "#009E73",
    "unconfirmed": ORANGE,
    "left": "#7F7F7F",
    "not yet": "#CC79A7",
}
STATUS_LABELS = labels.DERIVED["status"]
MAP_BOUNDS = {"lat": [28.5, 38.5], "lon": [34.0, 49.5]}
# Plotly fetches country outlines from here; the files are vendored under static/topojson.
TOPOJSON_URL = "app/static/topojson/"
PLOTLY_CONFIG = {"topojsonURL": TOPOJSON_URL, "displaylogo": False}


_GEO = {
    "geo.scope": "asia",
    "geo.resolution": 50,
    "geo.projection.type": "mercator",
    "geo.lataxis.range": MAP_BOUNDS["lat"],
    "geo.lonaxis.range": MAP_BOUNDS["lon"],
    "geo.showcountries": True,
    "geo.countrycolor": "rgba(110,110,110,0.9)",
    "geo.showcoastlines": True,
    "geo.coastlinecolor": "rgba(110,110,110,0.9)",
    "geo.showland": True,
    "geo.landcolor": "rgba(200,200,200,0.25)",
    "geo.showocean": True,
    "geo.oceancolor": "rgba(120,160,200,0.15)",
    "geo.showlakes": False,
    "geo.bgcolor": "rgba(0,0,0,0)",
}


def _geo_layout(
    fig: go.Figure,
    title: str,
    height: int = 520,
    frame: geo.MapFrame | None = None,
    title_width: int | None = None,
) -> go.Figure:
    """The shared map look: offline outlines of the region, title, full-width margins; with a
    ``frame``, the map shows its latitude and longitude ranges (the country filter's zoom)."""
    ranges = {}
    if frame is not None:
        ranges = {"geo.lataxis.range": list(frame.lat), "geo.lonaxis.range": list(frame.lon)}
    return apply_layout(
        fig,
        title,
        "",
        "",
        {
            **_GEO,
            **ranges,
            "height": height,
            "margin.l": 0,
            "margin.r": 0,
            "margin.b": 0,
            # The legend sits right under the map, not a sixth of its height lower.
            "legend.y": -0.01,
        },
        title_width=title_width,
    )


# Characters of a map title per line on a phone (a 17 px bold title on a 358 px wide map).
PHONE_TITLE_CHARS = 34


def _labelled_layout(fig: go.Figure, title: str, labels: geo.MapLabels) -> go.Figure:
    """``_geo_layout`` for a map with names: zoomed to the labels' frame; on a phone a long
    title is broken into lines (and the top margin grows) instead of running off the edge."""
    return _geo_layout(
        fig,
        title,
        height=MAP_HEIGHT,
        frame=labels.frame,
        # A desktop map is wide: its title stays on one line.
        title_width=PHONE_TITLE_CHARS if labels.phone else 200,
    )


def map_aspect(fig: go.Figure) -> float:
    """Width over height of a map figure's geographic box (its latitude and longitude
    ranges in the Mercator projection), so a page can size the figure to fit it."""
    box = fig.layout.geo
    return geo.MapFrame(tuple(box.lataxis.range), tuple(box.lonaxis.range)).aspect


# Reference places and country names: grey, readable on both themes' backgrounds.
PLACE_STYLE = {"style": "italic"}  # the theme's text colour: readable on both themes
COUNTRY_STYLE: dict[str, Any] = {}  # the theme's text colour, set apart by size


def label_traces(
    labels: list[geo.Label], name: str, font: dict[str, Any], legendgroup: str | None = None
) -> list[go.Scattergeo]:
    """Text traces for placed labels (no hover, no legend entry; in ``legendgroup`` so they
    hide with their markers), and thin leader lines for labels drawn away from their marker.

    Each label sits on an invisible marker as large as its real one, so plotly sets the text
    off by the same distance the placement assumed."""
    if not labels:
        return []
    traces = [
        go.Scattergeo(
            lat=[label.lat for label in labels],
            lon=[label.lon for label in labels],
            text=[label.text for label in labels],
            mode="markers+text",
            marker={"size": [2 * label.radius for label in labels], "opacity": 0},
            textposition=[label.position for label in labels],
            textfont=font,
            hoverinfo="skip",
            showlegend=False,
            name=f"{name}: names",
            legendgroup=legendgroup,
        )
    ]
    leaders = [label for label in labels if label.leader]
    if leaders:
        lat: list[float | None] = []
        lon: list[float | None] = []
        for label in leaders:
            lat += [label.marker_lat, label.lat, None]
            lon += [label.marker_lon, label.lon, None]
        traces.append(
            go.Scattergeo(
                lat=lat,
                lon=lon,
                mode="lines",
                line={"width": 0.8, "color": NEUTRAL},
                hoverinfo="skip",
                showlegend=False,
                name=f"{name}: leader lines",
                legendgroup=legendgroup,
            )
        )
    return traces


def add_map_context(fig: go.Figure, labels: geo.MapLabels, places: pd.DataFrame) -> None:
    """Reference cities (grey squares with their names, where there is room) and country
    names, under the data's labels; both come from ``labels`` (see ``geo.map_labels``)."""
    frame = labels.frame
    inside = geo.places_inside(places, frame)
    if len(inside):
        fig.add_trace(
            go.Scattergeo(
                lat=inside["latitude"],
                lon=inside["longitude"],
                mode="markers",
                marker={"symbol": "square", "size": 2 * geo.PLACE_RADIUS_PX, "color": NEUTRAL},
                name="city (for reference)",
                legendgroup="places",
                text=inside["name"],
                hovertemplate="<b>%{text}</b> (city)<extra></extra>",
            )
        )
    _, place_font, country_font = labels.fonts
    fig.add_traces(
        label_traces(labels.places, "cities", {**PLACE_STYLE, "size": place_font}, "places")
    )
    fig.add_traces(
        label_traces(labels.countries, "countries", {**COUNTRY_STYLE, "size": country_font})
    )


def bases_map(
    status: pd.DataFrame,
    date: pd.Timestamp,
    labels: geo.MapLabels | None = None,
    places: pd.DataFrame | None = None,
) -> go.Figure:
    """Located bases coloured by their status on ``date``; open markers are approximate.

    With ``labels`` (``geo.map_labels``), site names, reference cities and country names are
    drawn and the map zooms to the labels' frame."""
    fig = go.Figure()
    located = status[status["latitude"].notna()]
    for state, color in STATUS_COLORS.items():
        rows = located[located["status"] == state]
        if rows.empty:
            continue
        symbols = rows["location_precision"].map({"exact": "circle", "approximate": "circle-open"})
        last = rows["last_reported"].dt.strftime("%d %b %Y").fillna("—")
        fig.add_trace(
            go.Scattergeo(
                lat=rows["latitude"],
                lon=rows["longitude"],
                mode="markers",
                marker={"size": 11, "color": color, "symbol": symbols, "line": {"width": 1}},
                name=f"{STATUS_LABELS[state]} ({len(rows)})",
                customdata=list(
                    zip(
                        rows["name"],
                        rows["country"],
                        rows["last_event"].fillna("—").str.replace("_", " "),
                        last,
                        rows["location_precision"],
                        strict=True,
                    )
                ),
                hovertemplate=(
                    "<b>%{customdata[0]}</b> (%{customdata[1]})<br>last report: %{customdata[2]}"
                    " on %{customdata[3]}<br>location: %{customdata[4]}<extra></extra>"
                ),
                legendgroup=state,
            )
        )
    title = f"Bases on {date:%d %B %Y}"
    group = located.set_index("base_id")["status"]
    return _finish_map(fig, title, labels, group, places, height=560)


# Comparison of two dates: one colour and symbol per change class (transforms.CHANGES).
CHANGE_STYLE = {
    "lost": ("#D55E00", "x", 12),
    "gained": ("#0072B2", "triangle-up", 13),
    "unconfirmed": (ORANGE, "diamond", 11),
    "held at both": ("#009E73", "circle", 11),
    "not held": (NEUTRAL, "circle-open", 8),
}
CHANGE_LABELS = {
    "lost": "lost: held at A, not at B",
    "gained": "gained: held at B, not at A",
    "unconfirmed": "unconfirmed at A or B (no report for 12 months)",
    "held at both": "held at both dates",
    "not held": "not held at either date",
}


def bases_compare_map(
    compared: pd.DataFrame,
    a: pd.Timestamp,
    b: pd.Timestamp,
    labels: geo.MapLabels | None = None,
    places: pd.DataFrame | None = None,
) -> go.Figure:
    """Located sites by how their status changed from date ``a`` to date ``b`` (one trace per
    class of ``transforms.compare_status``), each status and the report it rests on in the
    hover; with ``labels``, names, reference cities and country names as on ``bases_map``."""
    fig = go.Figure()
    located = compared[compared["latitude"].notna()]

    def rests_on(event: pd.Series, when: pd.Series) -> list[str]:
        dates = when.dt.strftime("%d %b %Y")
        return [
            "no report yet" if pd.isna(e) else f"{str(e).replace('_', ' ')} on {d}"
            for e, d in zip(event, dates, strict=True)
        ]

    for change, (color, symbol, size) in CHANGE_STYLE.items():
        rows = located[located["change"] == change]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scattergeo(
                lat=rows["latitude"],
                lon=rows["longitude"],
                mode="markers",
                marker={"size": size, "color": color, "symbol": symbol, "line": {"width": 1.5}},
                name=f"{CHANGE_LABELS[change]} ({len(rows)})",
                legendgroup=change,
                customdata=list(
                    zip(
                        rows["name"],
                        rows["country"],
                        rows["status_a"],
                        rests_on(rows["last_event_a"], rows["last_reported_a"]),
                        rows["status_b"],
                        rests_on(rows["last_event_b"], rows["last_reported_b"]),
                        rows["location_precision"],
                        strict=True,
                    )
                ),
                hovertemplate=(
                    f"<b>%{{customdata[0]}}</b> (%{{customdata[1]}})<br>{a:%d %b %Y}: "
                    "%{customdata[2]} (%{customdata[3]})<br>"
                    f"{b:%d %b %Y}: %{{customdata[4]}} (%{{customdata[5]}})<br>"
                    "location: %{customdata[6]}<extra></extra>"
                ),
            )
        )
    title = f"Bases on {a:%d %b %Y} (A) and {b:%d %b %Y} (B): what changed"
    group = located.set_index("base_id")["change"]
    return _finish_map(fig, title, labels, group, places, height=MAP_HEIGHT)


# A map's height when exported or drawn without the page's sizing (which fits the frame).
MAP_HEIGHT = 640
_NO_PLACES = pd.DataFrame({"name": [], "latitude": [], "longitude": []})


def _finish_map(
    fig: go.Figure,
    title: str,
    labels: geo.MapLabels | None,
    group: pd.Series,
    places: pd.DataFrame | None,
    height: int = 520,
) -> go.Figure:
    """The end of every data map: without ``labels``, the region's layout at ``height``; with
    them, the names (``group`` maps each label's key to its markers' legend group), the
    reference cities and country names, and the zoom to the labels' frame."""
    if labels is None:
        return _geo_layout(fig, title, height=height)
    add_site_labels(fig, labels, group)
    add_map_context(fig, labels, places if places is not None else _NO_PLACES)
    return _labelled_layout(fig, title, labels)


def add_site_labels(fig: go.Figure, labels: geo.MapLabels, group: pd.Series) -> None:
    """Site names, one text trace per legend group (``group`` maps each label's key to the
    group of its marker), so hiding a group in the legend hides its names too."""
    by_group: dict[str, list[geo.Label]] = {}
    for label in labels.sites:
        by_group.setdefault(str(group.get(label.key, "")), []).append(label)
    for name, members in by_group.items():
        fig.add_traces(label_traces(members, name, {"size": labels.fonts[0]}, legendgroup=name))


def bubble_size(attacks: pd.Series) -> pd.Series:
    """Marker diameter in pixels for a count of attacks: area grows with the count (diameter
    with its square root), at least 6 px so a single attack stays visible."""
    return (attacks.astype(float) ** 0.5 * 7).clip(lower=6)


def size_key_values(largest: int) -> list[int]:
    """The attack counts the size key shows: 1, a round number between, and the largest."""
    middle = [n for n in (2, 5, 10, 20, 50, 100, 200, 500) if n * 3 <= largest]
    return sorted({1, *(middle[-1:]), int(largest)})


SIZE_KEY_TITLE = "attacks:"


def add_size_key(fig: go.Figure, largest: int) -> None:
    """A key to the bubble sizes above the map's top right corner: circles drawn exactly as
    large as the markers for 1 attack, a round number and the largest count, each with its
    number (``SIZE_KEY_TITLE`` before them)."""
    values = size_key_values(largest)
    sizes = bubble_size(pd.Series(values)).tolist()
    char = 6.5  # pixels per character of the 11 px key text
    x = len(SIZE_KEY_TITLE) * char + 6
    circles, numbers = [], []
    for value, size in zip(values, sizes, strict=True):
        circles.append((x + size / 2, size))
        x += size + 3
        numbers.append((x + len(str(value)) * char / 2, str(value)))
        x += len(str(value)) * char + 10
    start = -x - 4  # the key ends 4 px inside the figure's right edge
    middle = 22  # pixels above the map's top edge

    def note(text: str, shift: float, anchor: str) -> dict[str, Any]:
        return {
            "xref": "paper",
            "yref": "paper",
            "x": 1,
            "y": 1,
            "xshift": shift,
            "yshift": middle,
            "xanchor": anchor,
            "yanchor": "middle",
            "text": text,
            "showarrow": False,
            "font": {"size": 11},  # the theme's text colour
        }

    shapes = [
        {
            "type": "circle",
            "xref": "paper",
            "yref": "paper",
            "xsizemode": "pixel",
            "ysizemode": "pixel",
            "xanchor": 1,
            "yanchor": 1,
            "x0": start + centre - size / 2,
            "x1": start + centre + size / 2,
            "y0": middle - size / 2,
            "y1": middle + size / 2,
            "line": {"color": NEUTRAL, "width": 1},
            "fillcolor": _rgba(NEUTRAL, 0.25),
        }
        for centre, size in circles
    ]
    annotations = [note(SIZE_KEY_TITLE, start, "left")]
    annotations += [note(text, start + centre, "center") for centre, text in numbers]
    fig.update_layout(
        shapes=[*fig.layout.shapes, *shapes],
        annotations=[*fig.layout.annotations, *annotations],
    )


def incidents_map(
    located: pd.DataFrame,
    max_points: int = 3000,
    labels: geo.MapLabels | None = None,
    places: pd.DataFrame | None = None,
) -> go.Figure:
    """Attacks per place as bubbles (size = attacks, with a key); places beyond
    ``max_points`` are merged.

    Attacks without their own coordinates are placed at their base (said in the hover). With
    ``labels`` (``geo.map_labels`` keyed by ``place_key``), place names, reference cities and
    country names are drawn and the map zooms to the labels' frame.
    """
    bubbles, merged = attack_places(located, max_points)
    note = " (merged to 1° cells)" if merged else ""
    fig = go.Figure()
    for country in sorted(bubbles["country"].unique()):
        rows = bubbles[bubbles["country"] == country]
        fig.add_trace(
            go.Scattergeo(
                lat=rows["lat"],
                lon=rows["lon"],
                mode="markers",
                marker={
                    "size": bubble_size(rows["attacks"]),
                    "color": COUNTRY_COLORS.get(country, NEUTRAL),
                    "opacity": 0.9,
                    "line": {"width": 1, "color": "white"},
                },
                name=country,
                legendgroup=country,
                customdata=list(
                    zip(
                        rows["place"],
                        rows["attacks"],
                        rows["first"].dt.strftime("%b %Y"),
                        rows["last"].dt.strftime("%b %Y"),
                        rows["placed_by"].map(
                            {"source": "source coordinates", "base": "at its base"}
                        ),
                        strict=True,
                    )
                ),
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]} attack(s), %{customdata[2]}–"
                    "%{customdata[3]}<br>placed: %{customdata[4]}<extra></extra>"
                ),
            )
        )
    title = f"Attacks by place{note}"
    if len(bubbles):
        add_size_key(fig, int(bubbles["attacks"].max()))
    group = pd.Series(list(bubbles["country"]), index=[place_key(r) for r in bubbles.itertuples()])
    return _finish_map(fig, title, labels, group, places)


def place_key(row: Any) -> str:
    """The key of one bubble of ``attack_places`` (its rounded position)."""
    return f"{row.lat:.2f},{row.lon:.2f}"


# --- Timelines, heatmaps and bars -------------------------------------------------------

# Events in three groups with one symbol each (nine symbols made a legend no one decoded);
# hover names the exact event. Planned events are hollow.
EVENT_GROUPS = {
    "forces arrive or are reported there": (
        "circle",
        ("established", "presence_reported", "expanded", "retained", "reoccupied"),
    ),
    "forces reduced or leaving announced": ("triangle-down", ("reduced", "withdrawal_announced")),
    "handed over or vacated": ("square", ("handed_over", "vacated")),
}


def lifecycle_chart(lifecycle: pd.DataFrame, events: pd.DataFrame, date: pd.Timestamp) -> go.Figure:
    """One bar per base from first to last actual event, every event marked; planned hollow."""
    fig = go.Figure()
    order = lifecycle["name"].tolist()
    for country in lifecycle["country"].unique():
        rows = lifecycle[(lifecycle["country"] == country) & lifecycle["start"].notna()]
        xs, ys = [], []
        for _, r in rows.iterrows():
            xs += [r["start"], r["end"], None]
            ys += [r["name"], r["name"], None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": COUNTRY_COLORS.get(country, NEUTRAL), "width": 6},
                name=f"{country}: first to last report",
                hoverinfo="skip",
            )
        )
    names = lifecycle.set_index("base_id")["name"]
    marked = events.assign(name=events["base_id"].map(names))
    for group, (symbol, members) in EVENT_GROUPS.items():
        for kind in ("actual", "planned"):
            rows = marked[marked["event"].isin(members) & (marked["kind"] == kind)]
            if rows.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=rows["date"],
                    y=rows["name"],
                    mode="markers",
                    marker={
                        "symbol": symbol + ("-open" if kind == "planned" else ""),
                        "size": 10,
                        # Mid grey reads on both themes' backgrounds; hollow marks plans.
                        "color": NEUTRAL,
                        "line": {"width": 1.5, "color": NEUTRAL},
                    },
                    name=f"{group}{' (planned)' if kind == 'planned' else ''}",
                    customdata=list(
                        zip(
                            rows["event"].map(labels.formatter("event")),
                            rows["source_id"],
                            rows["quote"].map(_wrap),
                            strict=True,
                        )
                    ),
                    hovertemplate=(
                        "<b>%{y}</b><br>%{x|%d %b %Y}: %{customdata[0]} "
                        f"({kind})<br>source: %{{customdata[1]}}<br>"
                        "<i>%{customdata[2]}</i><extra></extra>"
                    ),
                )
            )
    fig.add_vline(x=pd.Timestamp(date).timestamp() * 1000, line={"color": "#D55E00", "width": 2})
    return apply_layout(
        fig,
        "Base lifecycles: first to last reported event",
        "Date",
        "",
        {
            "yaxis.categoryorder": "array",
            "yaxis.categoryarray": order[::-1],
            "yaxis.automargin": True,
            "height": max(420, 24 * len(order) + 160),
        },
    )


def presence_heatmap(table: pd.DataFrame) -> go.Figure:
    """Nation × year: how many contribution reports were read (blank: none read)."""
    z = table.where(table > 0)
    fig = go.Figure(
        go.Heatmap(
            z=z.values,
            x=[str(c) for c in table.columns],
            y=table.index.tolist(),
            colorscale=[[0, "#4393c3"], [1, "#2a6fb0"]],
            # Whole report counts: with every cell at 1 plotly would spread the bar over
            # 0.6-1.4; the scale runs from 1 to at least 2 in whole steps.
            zmin=1,
            zmax=max(2, int(z.max().max())) if z.notna().any().any() else 2,
            colorbar={
                "title": {"text": "reports"},
                "tickformat": "d",
                "dtick": 1 if z.max().max() <= 10 else None,
            },
            hovertemplate="%{y}, %{x}: %{z} report(s)<extra></extra>",
            xgap=2,
            ygap=2,
        )
    )
    return apply_layout(
        fig,
        "Nations with personnel reported, by year",
        "Year",
        "",
        {
            "yaxis.autorange": "reversed",
            "yaxis.automargin": True,
            "height": max(380, 22 * len(table) + 140),
        },
    )


MISSION_COLORS = {"OIR": "#0072B2", "NMI": ORANGE, "bilateral": "#009E73"}


def missions_chart(by_mission: pd.DataFrame) -> go.Figure:
    """Nations reported per year under OIR, NATO Mission Iraq and bilateral arrangements."""
    fig = go.Figure()
    for mission, color in MISSION_COLORS.items():
        rows = by_mission[by_mission["mission"] == mission]
        if rows.empty:
            continue
        fig.add_trace(
            go.Bar(
                x=rows["year"],
                y=rows["nations"],
                name=labels.label("mission", mission),
                marker_color=color,
            )
        )
    return apply_layout(
        fig,
        "Nations reported per year: OIR vs NATO Mission Iraq",
        "Year",
        "Nations",
        # Whole years only: over one year plotly would tick 2,024.6.
        {"barmode": "group", "xaxis.dtick": 1, "xaxis.tickformat": "d", "yaxis.tickformat": "d"},
    )


def coalition_size_chart(size: pd.DataFrame, sources: pd.DataFrame) -> go.Figure:
    """Reported member counts of the Global Coalition as markers (one per report, qualifier and
    source on hover); counts are not joined, since sources count members differently."""
    rows = with_sources(size, sources).sort_values("as_of")
    words = {"more_than": "more than ", "at_least": "at least ", "about": "about "}
    fig = go.Figure(
        go.Scatter(
            x=rows["as_of"],
            y=rows["members"],
            mode="markers",
            marker={"size": 9, "color": NEUTRAL, "symbol": "circle"},
            name="Members reported",
            customdata=list(
                zip(
                    [
                        words.get(q, "") + str(m)
                        for q, m in zip(rows["qualifier"], rows["members"], strict=True)
                    ],
                    rows["publisher"],
                    rows["quote"].map(_wrap),
                    strict=True,
                )
            ),
            hovertemplate=(
                "<b>%{customdata[0]}</b> members, %{x|%d %b %Y}<br>source: %{customdata[1]}"
                "<br><i>%{customdata[2]}</i><extra></extra>"
            ),
        )
    )
    return apply_layout(
        fig, "Members of the Global Coalition to Defeat ISIS, as reported", "Date", "Members"
    )


def stacked_monthly_chart(table: pd.DataFrame, title: str, colors: dict[str, str]) -> go.Figure:
    """Stacked monthly bars, one trace per column of ``table`` (index = month)."""
    fig = go.Figure()
    for column in table.columns:
        fig.add_trace(
            go.Bar(
                x=table.index,
                y=table[column],
                name=str(column),
                marker_color=colors.get(column, NEUTRAL),
                hovertemplate=f"{column}, %{{x|%b %Y}}: %{{y}}<extra></extra>",
            )
        )
    return apply_layout(
        fig, title, "Month", "Attacks (first reports)", {"barmode": "stack", "bargap": 0.1}
    )


def bar_chart(
    frame: pd.DataFrame, label: str, value: str, title: str, value_title: str
) -> go.Figure:
    """Horizontal bars, largest on top."""
    fig = go.Figure(
        go.Bar(
            x=frame[value],
            y=frame[label].astype(str),
            orientation="h",
            marker_color="#0072B2",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    return apply_layout(
        fig,
        title,
        value_title,
        "",
        {
            "yaxis.autorange": "reversed",
            "yaxis.automargin": True,
            "height": max(300, 22 * len(frame) + 120),
            "showlegend": False,
        },
    )


def casualties_chart(casualties: pd.DataFrame, freq: str = "M") -> go.Figure:
    """Killed and wounded per period (``freq`` 'M', 'Q' or 'Y'): bars to the highest report,
    whiskers down to the lowest."""
    word = {"M": "month", "Q": "quarter", "Y": "year"}[freq]
    when = {"M": "%{x|%b %Y}", "Q": "quarter from %{x|%b %Y}", "Y": "%{x|%Y}"}[freq]
    # Widths in milliseconds from the period's length: on a date axis plotly otherwise takes
    # the smallest gap between bars (a lone bar is one millisecond wide).
    days = {"M": 30, "Q": 91, "Y": 365}[freq]
    width = days * 86_400_000 * 0.4
    fig = go.Figure()
    for offset, (column, color) in enumerate((("wounded", ORANGE), ("killed", "#0072B2"))):
        high = casualties[f"{column}_high"].astype(float)
        low = casualties[f"{column}_low"].astype(float)
        fig.add_trace(
            go.Bar(
                x=casualties["period"],
                y=high,
                width=width,
                offset=width * (offset - 1) + days * 86_400_000 * 0.5,
                name=column,
                marker_color=color,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [0] * len(high),
                    "arrayminus": (high - low).fillna(0).tolist(),
                    "color": NEUTRAL,
                    "thickness": 1.5,
                    "width": 4,
                },
                customdata=list(zip(low, casualties[f"{column}_unknown"], strict=True)),
                hovertemplate=(
                    f"{when}: {column} %{{customdata[0]:.0f}} to %{{y:.0f}} across reports"
                    f"<br>%{{customdata[1]}} attack(s) with {column} not reported<extra></extra>"
                ),
            )
        )
    extra: dict[str, Any] = {"barmode": "overlay"}
    if freq == "Y":
        extra["xaxis.dtick"] = "M12"
        extra["xaxis.tickformat"] = "%Y"
    return apply_layout(
        fig,
        f"Coalition personnel killed and wounded per {word}, as reported",
        word.capitalize(),
        "Persons",
        extra,
    )


COUNTER_STYLE = {
    "official": ("#0072B2", "circle"),
    "claimant": ("#D55E00", "triangle-up"),
    "monitor": ("#009E73", "square"),
    "press": (NEUTRAL, "diamond"),
}


def attack_counts_chart(counts: pd.DataFrame, sources: pd.DataFrame) -> go.Figure:
    """Running tallies by who counted, per scope; hover gives the source and the quote."""
    fig = go.Figure()
    rows = with_sources(counts, sources)
    for (counter, scope), group in rows.groupby(["counted_by", "country"], sort=True):
        color, symbol = COUNTER_STYLE.get(str(counter), (NEUTRAL, "circle"))
        group = group.sort_values("period_end")
        start = group["period_start"].dt.strftime("%d %b %Y").fillna("unstated start")
        fig.add_trace(
            go.Scatter(
                x=group["period_end"],
                y=group["attacks"],
                mode="lines+markers" if counter == "official" else "markers",
                line={
                    "color": color,
                    "width": 1.5,
                    "dash": {"Iraq": "dot", "Syria": "dash"}.get(str(scope), "solid"),
                },
                marker={"symbol": symbol, "size": 9, "color": color},
                name=f"{counter}: {scope}",
                customdata=list(
                    zip(group["publisher"], start, group["quote"].map(_wrap), strict=True)
                ),
                hovertemplate=(
                    "%{y} attacks, %{customdata[1]} to %{x|%d %b %Y}<br>"
                    "source: %{customdata[0]}<br><i>%{customdata[2]}</i><extra></extra>"
                ),
            )
        )
    return apply_layout(
        fig,
        "Attack counts: official, claimed and monitored",
        "End of counted period",
        "Attacks (cumulative)",
    )


# --- Iraq vs Syria ----------------------------------------------------------------------

COMPARISON_ROWS = [
    "US troops present (persons)",
    "Sites held",
    "Attacks per month",
    "Attacks per 1,000 US troops",
]


def comparison_chart(
    panels: dict[str, dict[str, pd.DataFrame]],
    milestones: pd.DataFrame | None = None,
    what: str = "Attacks",
) -> go.Figure:
    """Side-by-side panels on one time axis: troops, bases held, attacks, attacks per 1,000.

    ``panels[country]`` holds ``levels`` (levels_by_month), ``held`` (month, held),
    ``attacks`` (month, attacks) and ``rate`` (per_thousand_troops). Empty months stay gaps.
    """
    from plotly.subplots import make_subplots

    countries = list(panels)
    titles = [
        COMPARISON_ROWS[0],
        COMPARISON_ROWS[1],
        f"{what} per month",
        f"{what} per 1,000 US troops",
    ]
    shapes: list[dict[str, Any]] = []
    number_labels: list[dict[str, Any]] = []
    fig = make_subplots(
        rows=len(COMPARISON_ROWS),
        cols=len(countries),
        shared_xaxes=True,
        shared_yaxes="rows",
        vertical_spacing=0.05,
        horizontal_spacing=0.04,
        column_titles=countries,
        row_titles=None,
    )
    for col, country in enumerate(countries, start=1):
        color = COUNTRY_COLORS.get(country, NEUTRAL)
        data = panels[country]
        levels, rate = data["levels"], data["rate"]
        for row, (low, high, y, frame) in (
            (1, ("low", "high", "best", levels)),
            (4, ("rate_low", "rate_high", "rate", rate)),
        ):
            fig.add_trace(
                go.Scatter(
                    x=frame["month"],
                    y=frame[low].astype(float),
                    mode="lines",
                    line={"width": 0, "shape": "hv"},
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )
            fig.add_trace(
                go.Scatter(
                    x=frame["month"],
                    y=frame[high].astype(float),
                    mode="lines",
                    line={"width": 0, "shape": "hv"},
                    fill="tonexty",
                    fillcolor=_rgba(color, 0.2),
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )
            fig.add_trace(
                go.Scatter(
                    x=frame["month"],
                    y=frame[y].astype(float),
                    mode="lines",
                    line={"color": color, "shape": "hv", "width": 2},
                    connectgaps=False,
                    name=f"{country}: {titles[row - 1]}",
                    showlegend=False,
                    customdata=list(
                        zip(frame[low].astype(float), frame[high].astype(float), strict=True)
                    ),
                    hovertemplate=(
                        "%{x|%b %Y}: %{y:,.1f} (range %{customdata[0]:,.1f}–%{customdata[1]:,.1f})"
                        "<extra></extra>"
                    ),
                ),
                row=row,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=data["held"]["month"],
                y=data["held"]["held"],
                mode="lines",
                line={"color": color, "shape": "hv", "width": 2},
                showlegend=False,
                customdata=data["held"]["unconfirmed"],
                hovertemplate=(
                    "%{x|%b %Y}: %{y} sites held<br>%{customdata} more not reported for over "
                    "12 months<extra></extra>"
                ),
            ),
            row=2,
            col=col,
        )
        fig.add_trace(
            go.Bar(
                x=data["attacks"]["month"],
                y=data["attacks"]["attacks"],
                marker_color=color,
                showlegend=False,
                hovertemplate=f"%{{x|%b %Y}}: %{{y}} {what.lower()}<extra></extra>",
            ),
            row=3,
            col=col,
        )
        if milestones is not None:
            numbered = numbered_milestones(milestones)
            scope = numbered[numbered["country"].str.contains(country, regex=False)]
            for row in range(1, len(COMPARISON_ROWS) + 1):
                index = (row - 1) * len(countries) + col
                shapes += milestone_shapes(scope, "" if index == 1 else str(index))
            span = (data["attacks"]["month"].min(), data["attacks"]["month"].max())
            number_labels += milestone_labels(scope, "" if col == 1 else str(col), span)
    # Shapes are not property paths: through a relayout the figure would not see them.
    fig.update_layout(shapes=shapes, annotations=[*fig.layout.annotations, *number_labels])
    extra: dict[str, Any] = {"height": 900, "showlegend": False, "bargap": 0.1}
    for row, title in enumerate(titles, start=1):
        for axis in fig.select_yaxes(row=row, col=1):
            extra[f"{axis.plotly_name}.title.text"] = title
            extra[f"{axis.plotly_name}.title.font.size"] = 11
    for axis in fig.select_xaxes(row=len(COMPARISON_ROWS)):
        extra[f"{axis.plotly_name}.title.text"] = "Month"
    return apply_layout(fig, "Iraq vs Syria on one time axis", "", "", extra)


# --- Imported layers --------------------------------------------------------------------

# A single event stays visible on a regional map; busy cells grow up to the maximum.
MIN_MARKER_PX, MAX_MARKER_PX = 6, 30


def month_axis(months: pd.Series | pd.Index) -> dict[str, object]:
    """X-axis settings for monthly values that fit their span: a tick per month up to 14
    months, per quarter up to four years, else per year; the title says which."""
    months = pd.DatetimeIndex(months)
    span = (
        0
        if months.empty
        else (months.max().year - months.min().year) * 12
        + (months.max().month - months.min().month)
        + 1
    )
    if span <= 14:
        step, label, fmt = "M1", "Month", "%b %Y"
    elif span <= 48:
        step, label, fmt = "M3", "Month (a tick every quarter)", "%b %Y"
    else:
        step, label, fmt = "M12", "Month (a tick every year)", "%Y"
    paths: dict[str, object] = {
        "xaxis.dtick": step,
        "xaxis.tickformat": fmt,
        "xaxis.title.text": label,
    }
    if not months.empty:
        # Bars are centred on the 1st: pad half a month so the first and last show whole.
        first, last = months.min() - pd.Timedelta(days=16), months.max() + pd.Timedelta(days=16)
        paths["xaxis.range"] = [first, last]
        paths["xaxis.tick0"] = months.min()
    return paths


def imported_monthly_chart(monthly: pd.DataFrame, label: str) -> go.Figure:
    """Imported events per month, stacked by country, titled with the layer's name."""
    fig = stacked_monthly_chart(monthly, f"{label} per month, by country", COUNTRY_COLORS)
    _relayout(fig, {"yaxis.title.text": label, **month_axis(monthly.index)})
    for trace in fig.data:
        trace.hovertemplate = f"{trace.name}, %{{x|%b %Y}}: %{{y:,}} events<extra></extra>"
    return fig


def imported_counts_chart(counts: pd.DataFrame, column: str, title: str, label: str) -> go.Figure:
    """Imported events per value of ``column`` (largest on top), the axis naming the layer."""
    return bar_chart(counts, column, "events", f"{label}: {title}", label)


def imported_map(points: pd.DataFrame, bases: pd.DataFrame, label: str) -> go.Figure:
    """Imported events (or grid cells of them, sized by count) with the curated bases on top."""
    fig = go.Figure()
    for country in sorted(points["country"].unique()):
        rows = points[points["country"] == country]
        fig.add_trace(
            go.Scattergeo(
                lat=rows["lat"],
                lon=rows["lon"],
                mode="markers",
                marker={
                    "size": (rows["events"] ** 0.5 * 3).clip(
                        lower=MIN_MARKER_PX, upper=MAX_MARKER_PX
                    ),
                    "color": COUNTRY_COLORS.get(country, NEUTRAL),
                    "opacity": 0.9,
                    "line": {"width": 0.5, "color": "white"},
                },
                name=f"{label}: {country}",
                customdata=list(zip(rows["events"], rows["place"], strict=True)),
                hovertemplate="%{customdata[0]:,} event(s) %{customdata[1]}<extra></extra>",
            )
        )
    located = bases[bases["latitude"].notna()]
    fig.add_trace(
        go.Scattergeo(
            lat=located["latitude"],
            lon=located["longitude"],
            mode="markers",
            marker={
                "symbol": "x",
                "size": 9,
                "color": NEUTRAL,
                "line": {"width": 1, "color": "white"},
            },
            name="Curated bases",
            text=located["name"],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    _geo_layout(fig, f"{label} and curated bases")
    return fig


def imported_fatalities_chart(fatalities: pd.DataFrame, label: str) -> go.Figure:
    """Fatalities per month as the origin gives them; a low–high band where it has one."""
    fig = go.Figure()
    if fatalities["low"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=fatalities["month"],
                y=fatalities["low"].astype(float),
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=fatalities["month"],
                y=fatalities["high"].astype(float),
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=_rgba(NEUTRAL, 0.3),
                name="low–high estimate",
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=fatalities["month"],
            y=fatalities["best"].astype(float),
            mode="lines+markers" if len(fatalities) <= 24 else "lines",
            line={"color": NEUTRAL, "width": 1.5},
            name="best estimate",
            hovertemplate="%{x|%b %Y}: %{y:,.0f}<extra></extra>",
        )
    )
    return apply_layout(
        fig,
        f"Reported fatalities per month (all victims), {label}",
        "Month",
        "Fatalities",
        month_axis(fatalities["month"]),
    )
