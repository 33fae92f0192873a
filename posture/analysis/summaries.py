"""One-sentence text alternatives for the charts, made from the same rows the charts draw.

Each sentence is shown under its chart and given to screen readers as the chart's
description, so a reader who cannot see the chart gets what it shows; it names the measure
and keeps the qualifiers of the figures it quotes.
"""

from __future__ import annotations

import pandas as pd

from posture.analysis import labels, transforms

WHO = {"us": "US troops", "partners": "partner (non-US) troops", "all": "coalition troops"}


def _day(when: object) -> str:
    return f"{pd.Timestamp(str(when)):%-d %b %Y}"


def _month(when: object) -> str:
    return f"{pd.Timestamp(str(when)):%b %Y}"


def troop_levels(troops: pd.DataFrame, countries: list[str], force: str = "us") -> str:
    """'US troops in Iraq (headcounts and estimates of the whole country): 5,262 on 1 Jan 2019
    to about 2,500 on 18 Jan 2026, 31 reports. …'"""
    parts = []
    present = troops[
        (troops["force"] == force)
        & (troops["kind"] != "planned")
        & (troops["scope"] == "country")
        & troops["basis"].isin(["count", "estimate"])
    ].sort_values("as_of", kind="stable")
    for country in countries:
        rows = present[present["country"] == country]
        if rows.empty:
            parts.append(f"no report of {WHO[force]} present in {country}")
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        parts.append(
            f"{WHO[force]} in {country}: {transforms.format_level(first)} on "
            f"{_day(first['as_of'])} to {transforms.format_level(last)} on {_day(last['as_of'])}"
            f" ({len(rows)} report{'s' if len(rows) != 1 else ''})"
        )
    text = "; ".join(parts)
    return f"Reports of troops present in the whole country (headcounts and estimates): {text}."


def site_status(counts: pd.DataFrame, on: pd.Timestamp) -> str:
    """'On 1 Mar 2026: Iraq 3 sites held, 1 unconfirmed; Syria …' from count_by_status."""
    if counts.empty:
        return f"No site is recorded for this view on {_day(on)}."
    parts = [
        f"{country} {int(row['held'])} held, {int(row['unconfirmed'])} unconfirmed, "
        f"{int(row['left'])} handed over or vacated"
        for country, row in counts.iterrows()
    ]
    return f"Sites on {_day(on)}: " + "; ".join(parts) + "."


def site_changes(counts: dict[str, int], a: pd.Timestamp, b: pd.Timestamp) -> str:
    """'Sites from 1 Jan 2025 (A) to 1 Mar 2026 (B): 2 lost, 0 gained, …' from the counts of
    each change class (transforms.CHANGES)."""
    if not sum(counts.values()):
        return f"No site is recorded for this view between {_day(a)} and {_day(b)}."
    parts = ", ".join(f"{n:,} {change}" for change, n in counts.items())
    return f"Sites from {_day(a)} (A) to {_day(b)} (B): {parts}."


def lifecycles(lifecycle: pd.DataFrame, events: pd.DataFrame) -> str:
    """How many sites and events the lifecycle chart shows, and over which years."""
    dated = events["date"].dropna()
    if dated.empty:
        return "No dated event of any site in view."
    return (
        f"{len(lifecycle)} sites with {len(events)} dated events from {dated.min():%Y} to "
        f"{dated.max():%Y}; each bar runs from a site's first to its last standing event."
    )


def monthly_attacks(table: pd.DataFrame) -> str:
    """Total, per country and the busiest month of a month × country count table."""
    total = int(table.to_numpy().sum())
    if not total:
        return "No recorded attack in this range."
    per_month = table.sum(axis=1)
    peak = per_month.idxmax()
    countries = ", ".join(
        f"{country} {int(n):,}" for country, n in table.sum().items() if int(n) > 0
    )
    return (
        f"{total:,} attacks recorded in this dataset ({countries}); the most in one month: "
        f"{int(per_month.max()):,} in {_month(peak)}. A sample of attacks, not a complete count."
    )


def ranking(frame: pd.DataFrame, label: str, value: str, what: str, column: str = "") -> str:
    """'Most recorded attacks by weapon: rocket 40, drone 31, …' (top three)."""
    if frame.empty:
        return f"No {what} in view."
    top = frame.sort_values(value, ascending=False, kind="stable").head(3)
    named = ", ".join(
        f"{labels.label(column or label, r[label])} {int(r[value]):,}" for _, r in top.iterrows()
    )
    return f"{what.capitalize()}, most first: {named} ({len(frame)} in all)."


def casualties(killed: str, wounded: str, unknown_killed: int) -> str:
    """Killed and wounded as reported, with how many attacks give no figure."""
    return (
        f"Coalition personnel killed: {killed}; wounded: {wounded} (sums of each recorded "
        f"attack's lowest and highest latest toll; {unknown_killed} attacks give no figure for "
        "the killed)."
    )


def attack_counts(counts: pd.DataFrame) -> str:
    """The latest count of each counter (official, claimant, …) with its period."""
    if counts.empty:
        return "No outside attack count for this range."
    latest = counts.sort_values("period_end", kind="stable").groupby("counted_by").tail(1)
    parts = [
        f"{labels.label('counted_by', r['counted_by'])} {int(r['attacks']):,} by "
        f"{_day(r['period_end'])} ({r['country']})"
        for _, r in latest.iterrows()
    ]
    return "Latest cumulative counts of attacks: " + "; ".join(parts) + "."


def heatmap(table: pd.DataFrame) -> str:
    """Nations and years in the presence heatmap."""
    years = [str(c) for c in table.columns]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (years[0] if years else "")
    return f"{len(table)} nations with personnel reported in {span}; darker cells, more reports."


def missions(by_mission: pd.DataFrame) -> str:
    """Nations per mission in the latest year shown."""
    if by_mission.empty:
        return "No nation reported under these missions."
    year = by_mission["year"].max()
    latest = by_mission[by_mission["year"] == year]
    parts = ", ".join(
        f"{labels.label('mission', r['mission'])} {int(r['nations'])}" for _, r in latest.iterrows()
    )
    return f"Nations reported per year and mission; in {year}: {parts}."


def coalition_size(size: pd.DataFrame) -> str:
    """First and latest reported member count."""
    rows = size.sort_values("as_of", kind="stable")
    first, last = rows.iloc[0], rows.iloc[-1]
    return (
        f"Reported members of the Global Coalition: {int(first['members'])} on "
        f"{_day(first['as_of'])} to {int(last['members'])} on {_day(last['as_of'])} "
        f"({len(rows)} reports)."
    )


def mapped_attacks(located: int, recorded: int, at_base: int, at_source: int) -> str:
    """How many recorded attacks the map places, and where."""
    return (
        f"{located:,} of {recorded:,} recorded attacks on the map: {at_source:,} at the "
        f"coordinates their source gives, {at_base:,} at the base they targeted."
    )


def comparison(table: pd.DataFrame) -> str:
    """Iraq vs Syria: latest troop level and the months with recorded attacks, per country."""
    parts = []
    for country, rows in table.groupby("country", sort=True):
        levels = rows.dropna(subset=["best"])
        troops = (
            f"latest US troop level {int(levels.iloc[-1]['best']):,} "
            f"({_month(levels.iloc[-1]['month'])})"
            if len(levels)
            else "no US troop level"
        )
        column = "recorded_attacks" if "recorded_attacks" in rows else "imported_events"
        what = "recorded attacks" if column == "recorded_attacks" else "imported events"
        attacks = int(rows[column].fillna(0).sum())
        parts.append(f"{country}: {troops}, {attacks:,} {what}")
    return "Iraq vs Syria in this range — " + "; ".join(parts) + "."
