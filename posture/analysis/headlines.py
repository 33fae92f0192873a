"""Headline figures that say how sure they are: the latest troop figure with every report that
disagrees with it, and the outside tallies that a count of recorded incidents is not."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from posture.analysis.transforms import format_level, in_countries

# A headline's "latest" figure gathers every report of the same measure dated within this
# many days before the newest one: reports that close together describe the same posture.
LATEST_WINDOW_DAYS = 90
# Reports of how many troops are there (headcounts and estimates); caps and plans are not.
PRESENCE_BASES = ("count", "estimate")
# Source classes preferred when reports of the same window disagree.
PREFERRED_CLASSES = ("official", "wire")
COUNTER_WORDS = {
    "official": "US officials",
    "claimant": "armed groups' claims",
    "monitor": "monitors",
    "press": "press tallies",
}
REPORT_COLUMNS = [
    "as_of",
    "figure",
    "qualifier",
    "kind",
    "basis",
    "publisher",
    "source_class",
    "url",
    "quote",
    "source_id",
]


@dataclass(frozen=True)
class LatestFigure:
    """The latest figure of one measure (country, force, troops present in the whole country)
    and every report behind it: one figure when they agree, their range when they do not."""

    country: str
    force: str
    value: str
    agree: bool
    reports: pd.DataFrame
    window_start: pd.Timestamp | None
    window_end: pd.Timestamp | None
    preferred: str

    @property
    def label(self) -> str:
        """'US troops in Iraq'."""
        who = {"us": "US troops", "partners": "Partner troops", "all": "Coalition troops"}
        return f"{who[self.force]} in {self.country}"

    @property
    def summary(self) -> str:
        """One line: the figure, how many reports and when."""
        if self.reports.empty or self.window_start is None or self.window_end is None:
            return "no report of troops present"
        span = _span(self.window_start, self.window_end)
        count = len(self.reports)
        if self.agree:
            return (
                f"{count} report{'s' if count > 1 else ''} agree, {span}"
                if count > 1
                else (f"as of {self.window_end:%d %b %Y}")
            )
        return f"{self.value} across {count} reports, {span}"


def _span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start.to_period("M") == end.to_period("M"):
        return f"{end:%b %Y}"
    if start.year == end.year:
        return f"{start:%b}–{end:%b %Y}"
    return f"{start:%b %Y}–{end:%b %Y}"


def _ends(row: pd.Series) -> tuple[float, float]:
    low = row["low"] if pd.notna(row["low"]) else row["best"]
    high = row["high"] if pd.notna(row["high"]) else row["best"]
    return float(low), float(high)


def latest_figure(
    troops: pd.DataFrame,
    sources: pd.DataFrame,
    country: str,
    force: str = "us",
    window_days: int = LATEST_WINDOW_DAYS,
) -> LatestFigure:
    """Every report of troops present in the whole country (headcounts and estimates, not
    caps or plans) dated within ``window_days`` before the newest one, newest first.

    When their figures agree the value is the newest report's figure with its qualifier; when
    they disagree it is the range from the lowest to the highest figure, and ``preferred``
    names the newest figure from an official or wire source, if any.
    """
    rows = troops[
        (troops["country"] == country)
        & (troops["force"] == force)
        & (troops["kind"] != "planned")
        & troops["basis"].isin(PRESENCE_BASES)
        & (troops["scope"] == "country")
        & (troops["best"].notna() | troops["low"].notna())
    ]
    if rows.empty:
        return LatestFigure(
            country, force, "unknown", True, _reports(rows, sources), None, None, ""
        )
    end = rows["as_of"].max()
    start = end - pd.Timedelta(days=window_days)
    window = rows[rows["as_of"] >= start].sort_values("as_of", ascending=False, kind="stable")
    reports = _reports(window, sources)
    ends = [_ends(r) for _, r in window.iterrows()]
    low, high = min(e[0] for e in ends), max(e[1] for e in ends)
    texts = {format_level(r) for _, r in window.iterrows()}
    agree = low == high or len(texts) == 1
    newest = window.iloc[0]
    value = format_level(newest) if agree else f"{low:,.0f}–{high:,.0f}"
    preferred = ""
    if not agree:
        trusted = reports[reports["source_class"].isin(PREFERRED_CLASSES)]
        if len(trusted):
            top = trusted.iloc[0]
            preferred = (
                f"Newest from an official or wire source: {top['figure']} "
                f"({top['publisher']}, {top['as_of']:%d %b %Y})."
            )
        else:
            preferred = "No official or wire source gives a figure in this window."
    return LatestFigure(
        country, force, value, agree, reports, window["as_of"].min(), end, preferred
    )


def _reports(rows: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The reports behind a headline, with their figure as text and their source."""
    lookup = sources.set_index("source_id")
    out = rows.assign(
        figure=[format_level(r) for _, r in rows.iterrows()],
        publisher=rows["source_id"].map(lookup["publisher"]),
        source_class=rows["source_id"].map(lookup["kind"]),
        url=rows["source_id"].map(lookup["url"]),
    )
    return out[REPORT_COLUMNS].reset_index(drop=True)


def tallies_overlapping(
    counts: pd.DataFrame,
    sources: pd.DataFrame,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    countries: list[str] | None,
) -> pd.DataFrame:
    """Outside tallies (official, claimant, monitor, press) whose counted period overlaps
    [start, end] in the countries shown: for each counter, the one that ends last (the
    largest of those). A tally without a start counts from the start of the data."""
    rows = counts
    if countries is not None:
        rows = rows[in_countries(rows["country"], countries)]
    begins = rows["period_start"].fillna(pd.Timestamp("1900-01-01"))
    keep = pd.Series(True, index=rows.index)
    if end is not None:
        keep &= begins <= pd.Timestamp(end)
    if start is not None:
        keep &= rows["period_end"] >= pd.Timestamp(start)
    rows = rows[keep].sort_values(["period_end", "attacks"], kind="stable")
    picked = rows.groupby("counted_by", sort=False).tail(1)
    lookup = sources.set_index("source_id")
    picked = picked.assign(
        publisher=picked["source_id"].map(lookup["publisher"]),
        source_class=picked["source_id"].map(lookup["kind"]),
        url=picked["source_id"].map(lookup["url"]),
    )
    order = {counter: i for i, counter in enumerate(COUNTER_WORDS)}
    picked = picked.assign(_order=picked["counted_by"].map(order))
    return picked.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def tally_lines(tallies: pd.DataFrame) -> list[str]:
    """Plain sentences, e.g. 'US officials: at least 168 attacks, 17 Oct 2023 – 9 Feb 2024,
    Iraq, Syria and Jordan (Newsmax).'"""
    words = {
        "about": "about ",
        "exact": "",
        "at_least": "at least ",
        "at_most": "at most ",
        "fewer_than": "fewer than ",
        "more_than": "more than ",
    }
    lines = []
    for _, row in tallies.iterrows():
        start = (
            f"{row['period_start']:%d %b %Y}"
            if pd.notna(row["period_start"])
            else "an unstated start"
        )
        lines.append(
            f"{COUNTER_WORDS.get(row['counted_by'], row['counted_by'])}: "
            f"{words.get(row['qualifier'], '')}{row['attacks']:,} attacks, {start} – "
            f"{row['period_end']:%d %b %Y}, {row['country']} ({row['publisher']})"
        )
    return lines


@dataclass(frozen=True)
class NationPresence:
    """Nations reported present since a date, each with its latest report."""

    since: pd.Timestamp
    nations: pd.DataFrame  # nation, iso3, latest report date, figure, deployed_to, source

    @property
    def count(self) -> int:
        """How many nations."""
        return len(self.nations)


def nations_present(
    contributions: pd.DataFrame, nations: pd.DataFrame, since: pd.Timestamp
) -> NationPresence:
    """Nations reported present on or after ``since``: for each nation, deployment country and
    mission, the latest report since then says personnel are there (actual, or reduced but not
    ended); plans and caps do not count. Each nation comes with its latest report's date and
    its latest figure of personnel there."""
    rows = contributions[
        contributions["kind"].isin(["actual", "reduced", "ended"])
        & (contributions["as_of"] >= since)
    ].sort_values("as_of", kind="stable")
    line = ["iso3", "deployed_to", "mission"]
    lines = rows.groupby(line, as_index=False).tail(1)
    open_lines = lines.loc[lines["kind"] != "ended", line]
    there = rows.merge(open_lines, on=line, how="inner").sort_values("as_of", kind="stable")
    latest = there.groupby("iso3", as_index=False).tail(1)
    counted = there[(there["kind"] == "actual") & (there["best"].notna() | there["low"].notna())]
    figures = counted.groupby("iso3").tail(1).set_index("iso3")
    names = nations.set_index("iso3")["name"]
    table = pd.DataFrame(
        {
            "nation": latest["iso3"].map(names).to_numpy(),
            "iso3": latest["iso3"].to_numpy(),
            "latest_report": latest["as_of"].to_numpy(),
            "latest_figure": [
                f"{format_level(figures.loc[code])} in {figures.loc[code, 'deployed_to']} "
                f"({figures.loc[code, 'mission']}, {figures.loc[code, 'as_of']:%d %b %Y})"
                if code in figures.index
                else "no figure"
                for code in latest["iso3"]
            ],
            "deployed_to": latest["deployed_to"].to_numpy(),
            "mission": latest["mission"].to_numpy(),
            "source_id": latest["source_id"].to_numpy(),
        }
    )
    return NationPresence(since, table.sort_values("nation").reset_index(drop=True))
