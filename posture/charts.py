"""Plotly figure builders; each returns a ``go.Figure`` and never touches Streamlit."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from posture.transforms import format_level, primary_levels, step_series

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


def apply_layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    """The shared look: title, axis labels with units, legend on top, transparent background."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 13},
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        hovermode="closest",
        # Transparent so the chart reads in both Streamlit themes.
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    fig.update_xaxes(title_text=x_title, showgrid=True, gridcolor="rgba(128,128,128,0.25)")
    fig.update_yaxes(title_text=y_title, showgrid=True, gridcolor="rgba(128,128,128,0.25)")
    return fig


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


def troop_levels_chart(
    troops: pd.DataFrame,
    sources: pd.DataFrame,
    countries: list[str],
    force: str = "us",
    title: str | None = None,
) -> go.Figure:
    """Step lines of the primary level per country, gaps left open, every report as a marker."""
    fig = go.Figure()
    rows = with_sources(troops[troops["force"] == force], sources)
    for country in countries:
        color = COUNTRY_COLORS.get(country, NEUTRAL)
        country_rows = rows[rows["country"] == country]
        line = step_series(primary_levels(country_rows))
        fig.add_trace(
            go.Scatter(
                x=line["as_of"],
                y=line["best"],
                mode="lines",
                line={"shape": "hv", "color": color, "width": 2.5},
                connectgaps=False,
                name=f"{country}: level",
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
                        "<b>%{customdata[0]}</b> (%{customdata[1]})<br>"
                        "as of %{x|%d %b %Y}<br>source: %{customdata[2]}, %{customdata[3]}<br>"
                        "<i>%{customdata[4]}</i><extra></extra>"
                    ),
                )
            )
    who = {"us": "US troops", "partners": "Partner (non-US) troops", "all": "Coalition troops"}
    title = title or f"{who[force]} in {' and '.join(countries)}"
    return apply_layout(fig, title, "Date", "Troops (persons)")


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


def _hover_data(marks: pd.DataFrame) -> list[list[str]]:
    published = marks["source_published"].dt.strftime("%d %b %Y").fillna("undated")
    return [
        [format_level(row), row["kind"], row["publisher"], date, _wrap(row["quote"])]
        for (_, row), date in zip(marks.iterrows(), published, strict=True)
    ]
