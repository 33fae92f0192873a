"""Pure transforms of the dataset: filters, posture at a date and headline figures."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

# Event types after which a base is no longer held, and those that mean it is (again).
LEFT_EVENTS = {"handed_over", "vacated"}
HELD_EVENTS = {
    "established",
    "presence_reported",
    "expanded",
    "reduced",
    "withdrawal_announced",
    "retained",
    "reoccupied",
}
KIND_ORDER = {"official": 0, "reported": 1, "planned": 2}
# A step line carries a level forward to the next report only if that report comes within
# this many days; a longer silence is drawn as a gap, not as an assumed constant level.
MAX_CARRY_DAYS = 550


def filter_countries(
    df: pd.DataFrame, countries: Iterable[str] | None, column: str = "country"
) -> pd.DataFrame:
    """Keep rows whose ``column`` is one of ``countries`` (all rows when None)."""
    if countries is None:
        return df
    return df[df[column].isin(list(countries))]


def filter_dates(
    df: pd.DataFrame,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    column: str,
) -> pd.DataFrame:
    """Keep rows whose ``column`` date lies in ``[start, end]`` (either bound may be None)."""
    keep = pd.Series(True, index=df.index)
    if start is not None:
        keep &= df[column] >= pd.Timestamp(start)
    if end is not None:
        keep &= df[column] <= pd.Timestamp(end)
    return df[keep]


def latest_levels(troops: pd.DataFrame, country: str, force: str = "us") -> pd.DataFrame:
    """All non-planned reports on the most recent date with a report, official first."""
    rows = troops[
        (troops["country"] == country) & (troops["force"] == force) & (troops["kind"] != "planned")
    ]
    if rows.empty:
        return rows
    latest = rows[rows["as_of"] == rows["as_of"].max()]
    order = latest["kind"].map(KIND_ORDER)
    return latest.assign(_order=order).sort_values(["_order"], kind="stable").drop(columns="_order")


def format_level(row: pd.Series) -> str:
    """A troop figure as text that keeps its qualifier and range, e.g. 'about 2,500'."""
    words = {
        "about": "about ",
        "exact": "",
        "at_least": "at least ",
        "at_most": "up to ",
        "fewer_than": "fewer than ",
        "more_than": "more than ",
        "range": "",
    }
    low, best, high = row.get("low"), row.get("best"), row.get("high")
    has = {
        k: v is not None and not pd.isna(v)
        for k, v in (("low", low), ("best", best), ("high", high))
    }
    if has["low"] and has["high"] and not has["best"]:
        return f"{int(low):,}–{int(high):,}"
    if not has["best"]:
        return "unknown"
    text = words.get(row.get("qualifier"), "") + f"{int(best):,}"
    if has["low"] and has["high"]:
        text += f" (range {int(low):,}–{int(high):,})"
    elif has["high"]:
        text += f" (up to {int(high):,})"
    elif has["low"]:
        text += f" (at least {int(low):,})"
    return text


def base_status_at(bases: pd.DataFrame, events: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Each base with its status on ``date`` from actual events up to that day.

    status is ``held`` (last event says forces are there), ``left`` (handed over or vacated)
    or ``no record yet`` (no actual event on or before the date). ``last_event``,
    ``last_event_date`` and ``source_id`` name the event the status rests on.
    """
    date = pd.Timestamp(date)
    actual = events[(events["kind"] == "actual") & (events["date"] <= date)]
    last = (
        actual.sort_values(["base_id", "date"], kind="stable")
        .groupby("base_id", as_index=False)
        .tail(1)[["base_id", "event", "date", "source_id"]]
        .rename(
            columns={
                "event": "last_event",
                "date": "last_event_date",
                "source_id": "event_source_id",
            }
        )
    )
    out = bases.merge(last, on="base_id", how="left")
    out["status"] = "no record yet"
    out.loc[out["last_event"].isin(HELD_EVENTS), "status"] = "held"
    out.loc[out["last_event"].isin(LEFT_EVENTS), "status"] = "left"
    return out.reset_index(drop=True)


def count_held_bases(status: pd.DataFrame) -> pd.Series:
    """Number of bases held per country, from ``base_status_at`` output."""
    held = status[status["status"] == "held"]
    return held.groupby("country").size()


def first_reports(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per attack: drop rows that are other reports of an attack already listed."""
    return incidents[incidents["variant_of"].isna()]


def incidents_in_last_months(
    incidents: pd.DataFrame, end: pd.Timestamp, months: int = 12
) -> pd.DataFrame:
    """Attacks (first reports) dated in the ``months`` months up to and including ``end``."""
    end = pd.Timestamp(end)
    start = end - pd.DateOffset(months=months)
    rows = first_reports(incidents)
    return rows[(rows["date"] > start) & (rows["date"] <= end)]


def latest_date(dataset) -> pd.Timestamp:
    """The newest date of anything that actually happened in the data: 'today' for every view."""
    candidates = [
        dataset.troop_levels.loc[dataset.troop_levels["kind"] != "planned", "as_of"].max(),
        dataset.base_events.loc[dataset.base_events["kind"] == "actual", "date"].max(),
        dataset.incidents["date"].max(),
        dataset.attack_counts["period_end"].max(),
        dataset.milestones.loc[dataset.milestones["status"] == "actual", "date"].max(),
        dataset.contributions["as_of"].max(),
    ]
    return max(pd.Timestamp(c) for c in candidates if not pd.isna(c))


def nations_reported_since(contributions: pd.DataFrame, since: pd.Timestamp) -> pd.DataFrame:
    """Nations with at least one contribution dated on or after ``since`` (latest row each)."""
    rows = contributions[contributions["as_of"] >= pd.Timestamp(since)]
    return rows.sort_values("as_of").groupby("iso3", as_index=False).tail(1)


def step_series(
    points: pd.DataFrame, date_col: str = "as_of", value_col: str = "best"
) -> pd.DataFrame:
    """Points of a step line with a break (NaN row) wherever reports are too far apart.

    Input rows must be one per date. The result has ``date_col`` and ``value_col`` and keeps
    every input row; break rows sit one day after the last report before a long silence.
    """
    points = points.sort_values(date_col)
    rows = []
    previous = None
    for _, row in points.iterrows():
        if previous is not None and (row[date_col] - previous).days > MAX_CARRY_DAYS:
            rows.append({date_col: previous + pd.Timedelta(days=1), value_col: None})
        rows.append({date_col: row[date_col], value_col: row[value_col]})
        previous = row[date_col]
    return pd.DataFrame(rows, columns=[date_col, value_col])


def primary_levels(troops: pd.DataFrame) -> pd.DataFrame:
    """One level per country, force and date for the line: official before reported.

    Other reports for the same date stay in the data and are drawn as markers.
    """
    rows = troops[(troops["kind"] != "planned") & troops["best"].notna()]
    order = rows["kind"].map(KIND_ORDER)
    rows = rows.assign(_order=order).sort_values(
        ["country", "force", "as_of", "_order"], kind="stable"
    )
    return (
        rows.groupby(["country", "force", "as_of"], as_index=False).head(1).drop(columns="_order")
    )
