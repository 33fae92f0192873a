"""How pages draw: figures, tables with their downloads, rows of headline figures and tabs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from posture.analysis import charts, headlines, labels, text
from posture.analysis.headlines import LatestFigure
from posture.app import cache
from posture.data import export

# Where page_setup keeps the shown data release, for the charts' export file names.
DATA_VERSION_KEY = "_data_release"


def metric_row() -> Any:
    """A row of headline figures side by side: one horizontal container (``st.columns`` sends
    one more element per figure on every rerun)."""
    return st.container(horizontal=True, gap="medium")


def lazy_tabs(labels: list[str], key: str) -> Any:
    """Tabs whose choice is kept in the URL as ``?key=``; only the open one reports ``.open``,
    so a page computes and draws just that tab's content (a tab switch reruns the page)."""
    return st.tabs(labels, key=key, bind="query-params", default=labels[0])


def view_link() -> str:
    """The address of this view: the page's URL with every filter's value (what a reader
    shares to reopen it)."""
    base = st.context.url or ""
    query = urlencode(
        [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    )
    return f"{base}?{query}" if query else base


def _draw(figure: go.Figure, key: str, **sizing: Any) -> str | None:
    """Draw ``figure`` with its view's link under the source note and a PNG export named
    after the chart and the data release; returns its one-sentence summary (see
    ``charts.cited``; None when it has none), which screen readers are given as its
    description."""
    frozen = cache.freeze(figure)
    alt = charts.summary_of(frozen.to_dict())
    shown = cache.refreeze(frozen, charts.linked(frozen.to_dict(), view_link()))
    version = str(st.session_state.get(DATA_VERSION_KEY, "0.0.0"))
    config = {
        **charts.PLOTLY_CONFIG,
        "toImageButtonOptions": charts.image_options(
            key, version, frozen.to_dict()["layout"].get("height")
        ),
    }
    st.plotly_chart(shown, key=key, config=config, alt=alt, **sizing)
    return alt


def plotly(figure: go.Figure, key: str) -> None:
    """Draw a figure (see ``_draw``) with its one-sentence summary under it."""
    alt = _draw(figure, key, width="stretch")
    if alt:
        st.caption(alt)


# A map keeps its geographic box's shape: its height follows the page width (CSS container
# units) plus the top margin (title, source note, link) and room for the size key and legend
# (more on a phone, where the legend wraps), within bounds, so neither a phone nor a wide
# screen shows bands of empty space.
# Each map comes twice, its names placed for a desktop and for a phone; the screen's width
# picks one (Streamlit's own layout switches at 640 px too).
MAP_CSS = """<style>
.st-key-{key}_box, .st-key-{key}_phone_box {{ container-type: inline-size; }}
.st-key-{key}_box [data-testid="stPlotlyChart"] {{
  height: clamp(320px, calc(100cqw / {aspect:.3f} + {top}px + 80px), 860px) !important;
}}
.st-key-{key}_phone_box [data-testid="stPlotlyChart"] {{
  height: clamp(300px, calc(100cqw / {aspect:.3f} + {top_phone}px + 120px), 900px) !important;
}}
@media (max-width: 640px) {{ .st-key-{key}_box {{ display: none; }} }}
@media (min-width: 641px) {{ .st-key-{key}_phone_box {{ display: none; }} }}
</style>"""


def plotly_map(figure: go.Figure, key: str, phone: go.Figure | None = None) -> None:
    """Draw a map (see ``plotly``) as tall as its geographic box needs at the page's width;
    with ``phone`` (the same map with its names placed for a phone), the one that fits the
    screen is shown."""
    link = view_link()
    top = {
        name: charts.linked(cache.freeze(shown).to_dict(), link)["layout"]["margin"]["t"]
        if shown
        else 0
        for name, shown in (("top", figure), ("top_phone", phone))
    }
    st.html(MAP_CSS.format(key=key, aspect=charts.map_aspect(figure), **top))
    alt: str | None = None
    for shown, box in ((figure, f"{key}_box"), (phone, f"{key}_phone_box")):
        if shown is None:
            continue
        with st.container(key=box):
            alt = _draw(
                shown,
                key if shown is figure else f"{key}_phone",
                width="stretch",
                height="stretch",
            )
    if alt:
        st.caption(alt)


def plotly_pair(left: tuple[go.Figure, str], right: tuple[go.Figure, str]) -> None:
    """Two figures side by side, each given as (figure, key)."""
    for column, (figure, key) in zip(st.columns(2), (left, right), strict=True):
        with column:
            plotly(figure, key)


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown on screen: codes in words, dates as YYYY-MM-DD, numbers with
    thousands separators and empty cells as 'unknown'.

    Only the display changes (numeric columns with gaps become text); downloads keep codes,
    empty cells empty and numbers as numbers.
    """
    out = labels.humanize(frame)
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d").fillna("unknown")
        elif pd.api.types.is_numeric_dtype(values) and values.isna().any():
            shown = values.map(lambda v: "unknown" if pd.isna(v) else f"{v:,.4g}")
            if pd.api.types.is_integer_dtype(values):
                shown = values.map(lambda v: "unknown" if pd.isna(v) else f"{int(v):,}")
            out[column] = shown.astype("str")
        elif values.dtype == object or str(values.dtype) in ("str", "string"):
            out[column] = values.fillna("")
    return out


def _shown(frame: pd.DataFrame) -> pa.Table:
    """``display(frame)`` as an Arrow table, remembered for the same frame object (views are
    cached objects; Streamlit would otherwise convert the frame to Arrow on every rerun)."""
    hit = cache.SHOWN_TABLES.get(id(frame))
    if hit is not None and hit[0] is frame:
        return hit[1]
    shown = pa.Table.from_pandas(display(frame), preserve_index=False)
    cache.SHOWN_TABLES.put(id(frame), (frame, shown), size=int(shown.nbytes))
    return shown


def show_table(
    frame: pd.DataFrame,
    key: str,
    file_name: str,
    column_config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """A table and a download button for exactly its rows and columns (formula-safe CSV).

    The CSV is built when the button is clicked, not on every rerun.
    """
    st.dataframe(
        _shown(frame),
        key=key,
        hide_index=True,
        width="stretch",
        column_config={**number_formats(frame), **(column_config or {})},
        **kwargs,
    )
    st.download_button(
        f"Download these {len(frame):,} rows (CSV)",
        data=lambda: export.csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}_download",
        icon=":material/download:",
        on_click="ignore",
    )


def number_formats(frame: pd.DataFrame) -> dict[str, Any]:
    """Thousands separators for every numeric column shown as a number (years excepted), so
    every table writes 6,500 the same way ``display`` writes the columns with gaps."""
    formats: dict[str, Any] = {}
    for column in frame.columns:
        values = frame[column]
        if "year" in str(column) or pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values) and not values.isna().any():
            integer = pd.api.types.is_integer_dtype(values)
            formats[str(column)] = st.column_config.NumberColumn(
                format="%,d" if integer else "localized"
            )
    return formats


def link_column(label: str = "Source") -> Any:
    """A column of source links (only http and https URLs pass validation)."""
    return st.column_config.LinkColumn(label, display_text="open", width="small")


def latest_figure(figure: LatestFigure, key: str) -> None:
    """A latest troop figure: the value (or the range when reports disagree), how many reports
    and when, the preferred source when they disagree, and every report behind it."""
    agree = "" if figure.agree else " Reports in this window disagree: the value is their range."
    st.metric(
        figure.label,
        figure.value,
        help="Reports of troops present in the whole country (headcounts and estimates; never "
        f"caps or plans) dated within {headlines.LATEST_WINDOW_DAYS} days before the newest "
        f"one.{agree}",
    )
    if figure.reports.empty:
        st.caption("No report of troops present.")
        return
    st.caption(" ".join(part for part in (figure.summary + ".", figure.preferred) if part))
    with st.popover(f"{len(figure.reports)} report(s)", key=f"{key}_{figure.country}_reports"):
        st.markdown(text.report_lines(figure.reports))


# A list of milestones this short opens by itself under its chart.
MILESTONES_OPEN = 12


def milestone_legend(milestones: pd.DataFrame, key: str) -> None:
    """What each number on a chart's milestone lines stands for, in an expander (numbers,
    not labels, sit on the lines so they never overlap)."""
    if milestones.empty:
        return
    label = f"What the {len(milestones)} numbered milestone lines are"
    with st.expander(
        label, expanded=len(milestones) <= MILESTONES_OPEN, key=f"{key}_milestone_list"
    ):
        st.markdown(
            "\n".join(
                f"{m.number}. {m.date:%d %b %Y}, {text.escape_markdown(str(m.country))}: "
                f"{text.escape_markdown(str(m.title))} ({m.status}; "
                f"{text.escape_markdown(str(m.publisher))})"
                for m in milestones.itertuples()
            )
        )


def status_by_country(counts: pd.DataFrame) -> str:
    """'Iraq: 3 held, 1 unconfirmed; Syria: …' from sites counted per country and status."""
    parts = [
        f"{country}: {row['held']} held, {row['unconfirmed']} unconfirmed"
        for country, row in counts.iterrows()
        if row["held"] or row["unconfirmed"]
    ]
    return "; ".join(parts) + "." if parts else "No site recorded."
