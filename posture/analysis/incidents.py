"""Pure aggregations of attacks: per month, weapon, claimant, base and location."""

from __future__ import annotations

import pandas as pd

from posture.analysis.transforms import first_reports, month_range


def monthly_counts(
    incidents: pd.DataFrame, by: str = "country", months: pd.DatetimeIndex | None = None
) -> pd.DataFrame:
    """Attacks (first reports) per month and ``by`` value, zero-filled across ``months``."""
    rows = first_reports(incidents)
    rows = rows.assign(month=rows["date"].dt.to_period("M").dt.to_timestamp())
    table = rows.groupby(["month", by]).size().unstack(fill_value=0)
    if months is None and len(rows):
        months = month_range(rows["date"].min(), rows["date"].max())
    if months is not None:
        table = table.reindex(months, fill_value=0)
    table.index.name = "month"
    return table.astype(int)


def counts_by(incidents: pd.DataFrame, column: str, empty_label: str) -> pd.DataFrame:
    """Attacks (first reports) per value of ``column``; empty cells under ``empty_label``."""
    rows = first_reports(incidents)
    values = rows[column].fillna(empty_label)
    out = values.value_counts().rename_axis(column).reset_index(name="attacks")
    return out.sort_values(["attacks", column], ascending=[False, True]).reset_index(drop=True)


def casualty_ranges(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per attack with the lowest and highest killed and wounded across its reports.

    Reports of one attack are its first report and the rows naming it in ``variant_of``; a
    report that a later one revises (``revises``) no longer counts, so the range spans the
    latest toll of each line of reports. Unreported figures are ignored, and an attack with
    none stays unknown.
    """
    current = incidents[~incidents["incident_id"].isin(set(incidents["revises"].dropna()))]
    attack = current["variant_of"].fillna(current["incident_id"])
    grouped = current.assign(attack=attack).groupby("attack")
    out = pd.DataFrame(
        {
            "killed_low": grouped["killed"].min(),
            "killed_high": grouped["killed"].max(),
            "wounded_low": grouped["wounded"].min(),
            "wounded_high": grouped["wounded"].max(),
            "reports": grouped.size(),
        }
    )
    firsts = first_reports(incidents).set_index("incident_id")[["date", "country"]]
    return out.join(firsts, how="inner").rename_axis("incident_id").reset_index()


# Casualty bars per month while the range spans at most this many months, per quarter up to
# the next bound, else per year: over 12 years, monthly bars were 3 px wide.
MONTHLY_UP_TO = 36
QUARTERLY_UP_TO = 96
PERIOD_WORDS = {"M": "month", "Q": "quarter", "Y": "year"}


def casualty_period(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """'M', 'Q' or 'Y': the bar width that keeps bars readable over ``start``–``end``."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return "M" if months <= MONTHLY_UP_TO else "Q" if months <= QUARTERLY_UP_TO else "Y"


def casualties_by_period(
    incidents: pd.DataFrame, ranges: pd.DataFrame | None = None, freq: str = "M"
) -> pd.DataFrame:
    """Killed and wounded per month, quarter or year (``freq`` 'M', 'Q', 'Y') as reported:
    sums of each attack's lowest and highest report; ``period`` is the period's first day.

    ``*_unknown`` counts the attacks of the period with no figure in any report. ``ranges``
    is ``casualty_ranges(incidents)`` when the caller has it already.
    """
    ranges = casualty_ranges(incidents) if ranges is None else ranges
    ranges = ranges.assign(period=ranges["date"].dt.to_period(freq).dt.to_timestamp())
    grouped = ranges.groupby("period")
    out = pd.DataFrame(
        {
            column: grouped[column].sum(min_count=1)
            for column in ("killed_low", "killed_high", "wounded_low", "wounded_high")
        }
    )
    out["killed_unknown"] = grouped["killed_high"].apply(lambda s: int(s.isna().sum()))
    out["wounded_unknown"] = grouped["wounded_high"].apply(lambda s: int(s.isna().sum()))
    return out.reset_index()


def locate(incidents: pd.DataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """Each attack with a map position: its own coordinates, else its base's.

    ``placed_by`` says which (``source`` or ``base``); attacks with neither are dropped.
    """
    coords = bases.set_index("base_id")[["latitude", "longitude"]]
    rows = first_reports(incidents).copy()
    own = rows["latitude"].notna()
    rows["map_lat"] = rows["latitude"].where(own, rows["base_id"].map(coords["latitude"]))
    rows["map_lon"] = rows["longitude"].where(own, rows["base_id"].map(coords["longitude"]))
    rows["placed_by"] = "base"
    rows.loc[own, "placed_by"] = "source"
    return rows[rows["map_lat"].notna()].reset_index(drop=True)


def by_base(incidents: pd.DataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """Attacks per targeted base, with the base name and country."""
    rows = first_reports(incidents)
    counts = (
        rows["base_id"].dropna().value_counts().rename_axis("base_id").reset_index(name="attacks")
    )
    out = counts.merge(bases[["base_id", "name", "country"]], on="base_id", how="left")
    return out.sort_values(["attacks", "name"], ascending=[False, True]).reset_index(drop=True)


def compare_counts(counts: pd.DataFrame, window_days: int = 7) -> pd.DataFrame:
    """Each claimant, monitor or press count beside the nearest official count.

    The official count must cover the same scope (country) and end within ``window_days``;
    ``difference`` is the other count minus the official one.
    """
    official = counts[counts["counted_by"] == "official"]
    others = counts[counts["counted_by"] != "official"]
    rows = []
    for _, row in others.iterrows():
        same = official[official["country"] == row["country"]]
        gap = (same["period_end"] - row["period_end"]).abs()
        near = same[gap <= pd.Timedelta(days=window_days)]
        if near.empty:
            match = None
        else:
            match = near.loc[(near["period_end"] - row["period_end"]).abs().idxmin()]
        rows.append(
            {
                "period_end": row["period_end"],
                "country": row["country"],
                "counted_by": row["counted_by"],
                "attacks": row["attacks"],
                "source_id": row["source_id"],
                "official_attacks": None if match is None else match["attacks"],
                "official_period_end": None if match is None else match["period_end"],
                "official_source_id": None if match is None else match["source_id"],
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "period_end",
            "country",
            "counted_by",
            "attacks",
            "source_id",
            "official_attacks",
            "official_period_end",
            "official_source_id",
        ],
    )
    out["official_attacks"] = out["official_attacks"].astype("Int64")
    out["official_period_end"] = pd.to_datetime(out["official_period_end"])
    out["difference"] = out["attacks"].astype("Int64") - out["official_attacks"]
    return out.sort_values(["period_end", "country"]).reset_index(drop=True)


# Below this many troops (or with none known) a rate per 1,000 troops is not shown: a handful
# of attacks on a few dozen troops gives a huge, meaningless rate.
RATE_FLOOR = 200


def per_thousand_troops(
    monthly: pd.Series, levels: pd.DataFrame, floor: int = RATE_FLOOR
) -> pd.DataFrame:
    """Recorded attacks per 1,000 troops per month, carrying the troop range through.

    ``rate`` uses the best level; ``rate_low`` divides by the high end and ``rate_high`` by
    the low end. Months whose level is unknown or below ``floor`` have no rate, and
    ``rate_note`` says why.
    """
    frame = levels.set_index("month")[["low", "best", "high"]].copy()
    frame["recorded_attacks"] = monthly.reindex(frame.index).fillna(0).astype(int)
    shown = frame["best"].notna() & (frame["low"].fillna(frame["best"]) >= floor)

    def rate(denominator: pd.Series) -> pd.Series:
        denominator = denominator.where(shown & (denominator > 0))
        return (frame["recorded_attacks"] / denominator * 1000).astype("Float64")

    frame["rate"] = rate(frame["best"])
    frame["rate_low"] = rate(frame["high"])
    frame["rate_high"] = rate(frame["low"])
    note = pd.Series("", index=frame.index, dtype="str")
    note[frame["best"].isna()] = "troop level unknown"
    note[frame["best"].notna() & ~shown] = f"fewer than {floor} troops"
    frame["rate_note"] = note
    return frame.reset_index()


def attack_places(located: pd.DataFrame, max_points: int = 3000) -> tuple[pd.DataFrame, bool]:
    """Attacks per map position (rounded to 0.01°), with the first place name, how they were
    placed and their first and last dates; beyond ``max_points`` positions, merged to 1° cells
    (the flag says so). ``located`` is :func:`locate`'s output."""
    rows = located.assign(
        lat=located["map_lat"].round(2),
        lon=located["map_lon"].round(2),
        attacks=1,
        place=located["location"],
        first=located["date"],
        last=located["date"],
    )
    places = _per_position(rows)
    if len(places) <= max_points:
        return places, False
    return _per_position(
        places.assign(lat=places["lat"].round(0), lon=places["lon"].round(0))
    ), True


def _per_position(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of attacks (or of places already counted) summed per position and country."""
    return rows.groupby(["lat", "lon", "country"], as_index=False).agg(
        attacks=("attacks", "sum"),
        place=("place", "first"),
        placed_by=("placed_by", "first"),
        first=("first", "min"),
        last=("last", "max"),
    )
