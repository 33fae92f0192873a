"""Pure aggregations of an imported events layer, sized for the browser however large it is."""

from __future__ import annotations

import numpy as np
import pandas as pd

from posture.analysis.transforms import month_range

MAX_POINTS = 3000
GRID_STEPS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)


def filter_events(
    events: pd.DataFrame,
    countries: list[str] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> pd.DataFrame:
    """Events in ``countries`` (None: all) dated within [start, end] (None: open)."""
    keep = np.ones(len(events), dtype=bool)
    if countries is not None:
        keep &= events["country"].isin(countries).to_numpy()
    if start is not None:
        keep &= (events["date"] >= start).to_numpy()
    if end is not None:
        keep &= (events["date"] <= end).to_numpy()
    return events[keep]


def monthly_counts(events: pd.DataFrame, months: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """Events per month and country, zero-filled."""
    if events.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="month"))
    month = events["date"].dt.to_period("M").dt.to_timestamp()
    table = events.groupby([month.rename("month"), "country"]).size().unstack(fill_value=0)
    months = months if months is not None else month_range(month.min(), events["date"].max())
    table = table.reindex(months, fill_value=0)
    table.index.name = "month"
    return table.astype(int)


def counts_by(events: pd.DataFrame, column: str, top: int = 15) -> pd.DataFrame:
    """Events per value of ``column`` (empty as 'not given'), largest first."""
    values = events[column].fillna("not given")
    out = values.value_counts().head(top).rename_axis(column).reset_index(name="events")
    return out


def fatalities_by_month(events: pd.DataFrame) -> pd.DataFrame:
    """Fatalities per month as the origin gives them: best, and low/high where present."""
    month = events["date"].dt.to_period("M").dt.to_timestamp().rename("month")
    grouped = events.groupby(month)
    return pd.DataFrame(
        {
            "low": grouped["fatalities_low"].sum(min_count=1),
            "best": grouped["fatalities_best"].sum(min_count=1),
            "high": grouped["fatalities_high"].sum(min_count=1),
        }
    ).reset_index()


def map_points(events: pd.DataFrame, max_points: int = MAX_POINTS) -> tuple[pd.DataFrame, str]:
    """Points for a map: every event if there are few, else counts on the finest grid that fits.

    Returns (frame with lat, lon, country, events, place), a note saying what was done.
    """
    if len(events) <= max_points:
        out = events.assign(events=1, place=events["location"].fillna(""))
        return out[["latitude", "longitude", "country", "events", "place"]].rename(
            columns={"latitude": "lat", "longitude": "lon"}
        ), f"{len(events):,} events, one point each"
    for step in GRID_STEPS:
        cells = (
            events.assign(
                lat=(events["latitude"] / step).round() * step,
                lon=(events["longitude"] / step).round() * step,
            )
            .groupby(["lat", "lon", "country"], as_index=False)
            .size()
            .rename(columns={"size": "events"})
        )
        if len(cells) <= max_points:
            cells["place"] = f"{step}° cell"
            return cells, (
                f"{len(events):,} events aggregated to {len(cells):,} cells of {step}° "
                f"(at most {max_points:,} points are drawn)"
            )
    cells["place"] = f"{GRID_STEPS[-1]}° cell"
    return cells.nlargest(max_points, "events"), (
        f"{len(events):,} events aggregated to {GRID_STEPS[-1]}° cells; the {max_points:,} "
        "busiest cells are drawn"
    )


def near_bases(events: pd.DataFrame, bases: pd.DataFrame, within_km: float = 25) -> pd.DataFrame:
    """Events within ``within_km`` of each curated base (by the nearest-base match)."""
    near = events[events["distance_km"] <= within_km]
    counts = (
        near["nearest_base_id"].value_counts().rename_axis("base_id").reset_index(name="events")
    )
    out = counts.merge(bases[["base_id", "name", "country"]], on="base_id", how="left")
    return out.sort_values(["events", "name"], ascending=[False, True]).reset_index(drop=True)
