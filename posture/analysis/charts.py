"""Plotly figure builders; each returns a ``go.Figure`` and never touches Streamlit."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from posture.analysis.transforms import format_level, primary_levels, step_series

# Okabe–Ito colour-blind-safe palette; one colour per country on every page.
COUNTRY_COLORS = {
    "Iraq": "#0072B2",
    "Syria": "#D55E00",
    "Jordan": "#009E73",
    "Kuwait": "#CC79A7",
}
NEUTRAL = "#7F7F7F"
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
    "legend.orientation": "h",
    "legend.yanchor": "top",
    "legend.y": -0.15,
    "legend.x": 0,
    "hovermode": "closest",
    # Transparent so the chart reads in both Streamlit themes.
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}
_GRID = {"showgrid": True, "gridcolor": "rgba(128,128,128,0.25)"}


def apply_layout(
    fig: go.Figure, title: str, x_title: str, y_title: str, extra: dict | None = None
) -> go.Figure:
    """The shared look: title, axis labels with units, legend on top, transparent background
    (on every x and y axis of the figure, as ``update_xaxes``/``update_yaxes`` would), then
    the chart's own ``extra`` property paths (for example ``{"yaxis.automargin": True}``)."""
    paths = {"title.text": title, **_LOOK}
    for axes, axis_title in ((fig.select_xaxes(), x_title), (fig.select_yaxes(), y_title)):
        for axis in axes:
            paths[f"{axis.plotly_name}.title.text"] = axis_title
            paths.update({f"{axis.plotly_name}.{key}": value for key, value in _GRID.items()})
    _relayout(fig, {**paths, **(extra or {})})
    return fig


def _relayout(fig: go.Figure, paths: dict) -> None:
    """Set layout property ``paths`` ("a.b.c": value) on ``fig``, keeping what is set.

    Paths under a top-level property the figure does not have yet go in as one nested value
    (parsing each dotted path costs about 0.1 ms); the others are set one by one, so what the
    figure already has there (for example a subplot axis's domain) is kept."""
    present = set(fig.layout.to_plotly_json())
    nested: dict = {}
    flat: dict = {}
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


def _wrap(text: object, width: int = 60) -> str:
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return "<br>".join(textwrap.wrap(str(text), width))


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
        add_milestones(fig, milestones)
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


def milestone_shapes(milestones: pd.DataFrame, axis: str = "") -> list[dict]:
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


def add_milestones(fig: go.Figure, milestones: pd.DataFrame) -> go.Figure:
    """Milestones as vertical lines with a short label at the top, in one layout update.

    Labels alternate in height so neighbours stay legible; hover shows the full title.
    """
    milestones = milestones.sort_values("date")
    annotations = [
        {
            "x": m["date"],
            "y": 1.0,
            "xref": "x",
            "yref": "paper",
            "text": m["title"] if len(m["title"]) <= 30 else m["title"][:29] + "…",
            "textangle": -90,
            "showarrow": False,
            "xanchor": "right",
            "yanchor": "top",
            "font": {"size": 9, "color": NEUTRAL},
            "hovertext": f"{m['date']:%d %b %Y}: {m['title']} ({m['status']})",
        }
        for _, m in milestones.iterrows()
    ]
    fig.update_layout(
        shapes=[*fig.layout.shapes, *milestone_shapes(milestones)],
        annotations=[*fig.layout.annotations, *annotations],
    )
    return fig


def _range_bars(marks: pd.DataFrame, y: pd.Series) -> dict:
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
    "unconfirmed": "#E69F00",
    "left": "#7F7F7F",
    "not yet": "#CC79A7",
}
STATUS_LABELS = {
    "held": "held (reported in the last 12 months)",
    "unconfirmed": "unconfirmed (last report older)",
    "left": "handed over or vacated",
    "not yet": "no report yet",
}
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


def _geo_layout(fig: go.Figure, title: str, height: int = 520) -> go.Figure:
    """The shared map look: offline outlines of the region, title, full-width margins."""
    return apply_layout(
        fig,
        title,
        "",
        "",
        {**_GEO, "height": height, "margin.l": 0, "margin.r": 0, "margin.t": 50, "margin.b": 0},
    )


def bases_map(status: pd.DataFrame, date: pd.Timestamp) -> go.Figure:
    """Located bases coloured by their status on ``date``; open markers are approximate."""
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
            )
        )
    _geo_layout(fig, f"Bases on {date:%d %B %Y}", height=560)
    return fig


def incidents_map(located: pd.DataFrame, max_points: int = 3000) -> go.Figure:
    """Attacks per place as bubbles (size = attacks); places beyond ``max_points`` are merged.

    Attacks without their own coordinates are placed at their base (said in the hover).
    """
    places = (
        located.assign(lat=located["map_lat"].round(2), lon=located["map_lon"].round(2))
        .groupby(["lat", "lon", "country"], as_index=False)
        .agg(
            attacks=("incident_id", "size"),
            place=("location", "first"),
            placed_by=("placed_by", "first"),
            first=("date", "min"),
            last=("date", "max"),
        )
    )
    note = ""
    if len(places) > max_points:
        places = (
            places.assign(lat=places["lat"].round(0), lon=places["lon"].round(0))
            .groupby(["lat", "lon", "country"], as_index=False)
            .agg(
                attacks=("attacks", "sum"),
                place=("place", "first"),
                placed_by=("placed_by", "first"),
                first=("first", "min"),
                last=("last", "max"),
            )
        )
        note = " (merged to 1° cells)"
    fig = go.Figure()
    for country in sorted(places["country"].unique()):
        rows = places[places["country"] == country]
        fig.add_trace(
            go.Scattergeo(
                lat=rows["lat"],
                lon=rows["lon"],
                mode="markers",
                marker={
                    "size": (rows["attacks"] ** 0.5 * 7).clip(lower=6),
                    "color": COUNTRY_COLORS.get(country, NEUTRAL),
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "white"},
                },
                name=country,
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
    _geo_layout(fig, f"Attacks by place{note}")
    return fig


# --- Timelines, heatmaps and bars -------------------------------------------------------

EVENT_SYMBOLS = {
    "established": "star",
    "presence_reported": "circle",
    "expanded": "triangle-up",
    "reduced": "triangle-down",
    "withdrawal_announced": "hourglass",
    "handed_over": "square",
    "vacated": "x",
    "retained": "diamond",
    "reoccupied": "star-triangle-up",
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
                line={"color": _rgba(COUNTRY_COLORS.get(country, NEUTRAL), 0.55), "width": 9},
                name=f"{country}: first to last report",
                hoverinfo="skip",
            )
        )
    names = lifecycle.set_index("base_id")["name"]
    marked = events.assign(name=events["base_id"].map(names))
    for event, symbol in EVENT_SYMBOLS.items():
        for kind in ("actual", "planned"):
            rows = marked[(marked["event"] == event) & (marked["kind"] == kind)]
            if rows.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=rows["date"],
                    y=rows["name"],
                    mode="markers",
                    marker={
                        "symbol": symbol + ("-open" if kind == "planned" and symbol != "x" else ""),
                        "size": 10,
                        "color": "#333333" if kind == "actual" else NEUTRAL,
                    },
                    name=f"{event.replace('_', ' ')}{' (planned)' if kind == 'planned' else ''}",
                    customdata=list(zip(rows["source_id"], rows["quote"].map(_wrap), strict=True)),
                    hovertemplate=(
                        "<b>%{y}</b><br>%{x|%d %b %Y}: "
                        f"{event.replace('_', ' ')} ({kind})<br>source: %{{customdata[0]}}<br>"
                        "<i>%{customdata[1]}</i><extra></extra>"
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
            colorscale=[[0, "#c6dbef"], [1, "#08306b"]],
            zmin=1,
            colorbar={"title": {"text": "reports"}},
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


MISSION_COLORS = {"OIR": "#0072B2", "NMI": "#E69F00", "bilateral": "#56B4E9"}


def missions_chart(by_mission: pd.DataFrame) -> go.Figure:
    """Nations reported per year under OIR, NATO Mission Iraq and bilateral arrangements."""
    fig = go.Figure()
    for mission, color in MISSION_COLORS.items():
        rows = by_mission[by_mission["mission"] == mission]
        if rows.empty:
            continue
        fig.add_trace(go.Bar(x=rows["year"], y=rows["nations"], name=mission, marker_color=color))
    return apply_layout(
        fig,
        "Nations reported per year: OIR vs NATO Mission Iraq",
        "Year",
        "Nations",
        {"barmode": "group"},
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


def casualties_chart(casualties: pd.DataFrame) -> go.Figure:
    """Killed and wounded per month: bars to the highest report, whiskers to the lowest."""
    fig = go.Figure()
    for column, color in (("wounded", "#E69F00"), ("killed", "#000000")):
        high = casualties[f"{column}_high"].astype(float)
        low = casualties[f"{column}_low"].astype(float)
        fig.add_trace(
            go.Bar(
                x=casualties["month"],
                y=high,
                name=column,
                marker_color=color,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [0] * len(high),
                    "arrayminus": (high - low).fillna(0).tolist(),
                    "color": NEUTRAL,
                },
                customdata=list(zip(low, casualties[f"{column}_unknown"], strict=True)),
                hovertemplate=(
                    f"%{{x|%b %Y}}: {column} %{{customdata[0]:.0f}} to %{{y:.0f}} across reports"
                    f"<br>%{{customdata[1]}} attack(s) with {column} not reported<extra></extra>"
                ),
            )
        )
    return apply_layout(
        fig,
        "Coalition personnel killed and wounded, as reported",
        "Month",
        "Persons",
        {"barmode": "group"},
    )


COUNTER_STYLE = {
    "official": ("#000000", "circle"),
    "claimant": ("#D55E00", "triangle-up"),
    "monitor": ("#56B4E9", "square"),
    "press": ("#999999", "diamond"),
}


def attack_counts_chart(counts: pd.DataFrame, sources: pd.DataFrame) -> go.Figure:
    """Running tallies by who counted, per scope; hover gives the source and the quote."""
    fig = go.Figure()
    rows = with_sources(counts, sources)
    for (counter, scope), group in rows.groupby(["counted_by", "country"], sort=True):
        color, symbol = COUNTER_STYLE.get(counter, (NEUTRAL, "circle"))
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
                    "dash": {"Iraq": "dot", "Syria": "dash"}.get(scope, "solid"),
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
    shapes: list[dict] = []
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
            scope = milestones[milestones["country"].str.contains(country, regex=False)]
            for row in range(1, len(COMPARISON_ROWS) + 1):
                index = (row - 1) * len(countries) + col
                shapes += milestone_shapes(scope, "" if index == 1 else str(index))
    # Shapes are not property paths: through a relayout the figure would not see them.
    fig.update_layout(shapes=shapes)
    extra = {"height": 900, "showlegend": False, "bargap": 0.1}
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


def month_axis(months: pd.Series | pd.DatetimeIndex) -> dict:
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
    paths = {"xaxis.dtick": step, "xaxis.tickformat": fmt, "xaxis.title.text": label}
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
                    "opacity": 0.6,
                    "line": {"width": 0.5, "color": "#FFFFFF"},
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
            marker={"symbol": "x", "size": 8, "color": "#000000"},
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
            line={"color": "#000000", "width": 1.5},
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
