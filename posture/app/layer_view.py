"""Streamlit glue for imported layers: choosing a layer, cached loading and the Incidents view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from posture.analysis import charts, transforms
from posture.app import cache
from posture.app.display import plotly, plotly_pair, show_table
from posture.app.loading import PageContext
from posture.app.url_state import bound, one_of
from posture.data.dataset import Dataset
from posture.imports import imported, layers

CURATED = "curated"


def _version(origin: str) -> int:
    """The layer file's modification time, looked at once a second like the data files."""
    path = layers.layer_path(origin)
    return int(cache.FILE_CHECKS.get(("layer", str(path)), lambda: path.stat().st_mtime_ns))


def load(origin: str) -> pd.DataFrame:
    """The imported layer of ``origin``, read once per file version and shared."""
    path = layers.layer_path(origin)

    def read() -> pd.DataFrame:
        with st.spinner("Loading the imported layer…"):
            return layers.read_layer(origin, path.parent)

    return cast(pd.DataFrame, cache.LAYERS.get_or_compute((str(path), _version(origin)), read))


def choose(key: str) -> str:
    """A 'Layer' choice between the curated incidents and any imported layer (kept in the URL)."""
    directory = layers.user_dir()
    found = cache.FILE_CHECKS.get(("layers", str(directory)), layers.available_layers)
    broken = cache.FILE_CHECKS.get(("broken layers", str(directory)), layers.broken_layers)
    for origin, error in broken.items():
        st.warning(
            f"{layers.LABEL[origin]}: {layers.layer_path(origin)} cannot be read ({error}); "
            f"import the file again (python -m posture import {origin} FILE).",
            icon=":material/warning:",
        )
    options = [CURATED, *found]
    if len(options) == 1:
        return CURATED
    labels = {CURATED: "Curated incidents", **layers.LABEL}
    chosen: str = bound(
        st.radio,
        key,
        parse=one_of(options),
        default=CURATED,
        label="Layer",
        options=options,
        format_func=labels.get,
        horizontal=True,
        help="Imported layers are your own ACLED or UCDP exports (python -m posture import).",
    )
    return chosen


@dataclass(frozen=True)
class ImportedView:
    """What the Incidents page draws for an imported layer under the shared filters."""

    count: int
    out_of_order: int  # events whose low/best/high estimates are out of order in the source
    monthly: go.Figure
    types: go.Figure
    actors: go.Figure
    fatalities: go.Figure
    map: go.Figure
    map_note: str
    preview: pd.DataFrame
    near: pd.DataFrame


def incidents_view(
    dataset: Dataset,
    origin: str,
    version: int,
    countries: list[str] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> ImportedView:
    """Everything the Incidents page draws for an imported layer under the shared filters:
    aggregates and figures, computed once per layer version and filter (``PageContext.view``
    caches it and freezes the figures, as for the curated pages). ``version``, the layer
    file's modification time, is only part of that cache's key."""
    events = imported.filter_events(load(origin), countries, start, end)
    points, note = imported.map_points(events)
    label = layers.LABEL[origin]
    order = events["estimate_order"]
    return ImportedView(
        count=len(events),
        out_of_order=int((order.notna() & (order != "in order")).sum()),
        monthly=charts.imported_monthly_chart(imported.monthly_counts(events), label),
        types=charts.imported_counts_chart(
            imported.counts_by(events, "event_type"), "event_type", "by event type", label
        ),
        actors=charts.imported_counts_chart(
            imported.counts_by(events, "actor"), "actor", "by actor (top 15)", label
        ),
        fatalities=charts.imported_fatalities_chart(imported.fatalities_by_month(events), label),
        map=charts.imported_map(points, dataset.bases, label),
        map_note=note,
        preview=events.head(1000).reset_index(drop=True),
        near=imported.near_bases(events, dataset.bases),
    )


def render_incidents(origin: str, ctx: PageContext) -> None:
    """The Incidents page for an imported layer: counts, types, map, bases nearby, preview."""
    summary = ctx.view(
        incidents_view,
        origin=origin,
        version=_version(origin),
        countries=ctx.countries,
        start=ctx.start_bound,
        end=ctx.end_bound,
    )
    label, terms = layers.LABEL[origin], layers.TERMS[origin]
    st.title(label)
    st.info(layers.LICENCE[origin], icon=":material/info:")
    st.metric(f"{label} in view", f"{summary.count:,}")
    if not summary.count:
        st.warning("No imported events match these filters.")
        return
    plotly(summary.monthly, "incidents_layer_monthly")
    st.caption(f"{label}: {terms}. Counts are of the events in your file, not a full count.")
    plotly_pair(
        (summary.types, "incidents_layer_types"), (summary.actors, "incidents_layer_actors")
    )
    plotly(summary.fatalities, "incidents_layer_deaths")
    caption = f"Fatalities as {label} give them ({terms})."
    if summary.out_of_order:
        caption += (
            f" {summary.out_of_order:,} events have low/best/high estimates out of order in "
            "the source; they are kept as given (column estimate_order)."
        )
    st.caption(caption)
    plotly(summary.map, "incidents_layer_map")
    st.caption(
        f"Map of {label} ({terms}): {summary.map_note}. Grey crosses are curated bases "
        "with coordinates."
    )
    near = summary.near
    st.header(f"{label} within 25 km of a curated base")
    show_table(near, "incidents_layer_near", f"{origin}_near_bases.csv")
    st.header(f"First 1,000 {label} in view")
    show_table(summary.preview, "incidents_layer_table", f"{origin}_events_preview.csv")


def monthly_for(origin: str, ctx: PageContext, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Imported events per month and country under the shared date filter (all countries)."""
    start, end = ctx.start_bound, ctx.end_bound
    key = (origin, _version(origin), start, end, months[0], months[-1])

    def count() -> pd.DataFrame:
        events = imported.filter_events(load(origin), None, start, end)
        return imported.monthly_counts(events, transforms.month_range(months[0], months[-1]))

    return cast(pd.DataFrame, cache.LAYER_MONTHS.get_or_compute(key, count))
