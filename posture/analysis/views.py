"""Everything each page shows, computed from the dataset and the filter values in one call.

Each view is pure (no Streamlit), takes only the dataset and plain filter values and returns a
dataclass the page reads by attribute, so the pages can cache a whole view per filter
combination and a warm rerun only draws it. The tables a page offers for download come from
here too, so ``python -m posture export`` writes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from posture.analysis import (
    charts,
    cite,
    geo,
    headlines,
    incidents,
    labels,
    plans,
    summaries,
    transforms,
)
from posture.analysis.headlines import LatestFigure, NationPresence
from posture.analysis.text import span
from posture.data.dataset import Dataset
from posture.data.docs import data_dictionary
from posture.data.outlines import read_outlines
from posture.data.release import Release, read_changes, read_releases

SHOWN_MILESTONES = charts.MILESTONE_KINDS_SHOWN
# The first month any view shows (the shared date filter starts in January 2014).
FIRST_MONTH = pd.Timestamp("2014-01-01")
# Nations count as present when an actual contribution was reported this recently.
NATIONS_RECENT_YEARS = 2
# The Overview's count of recorded attacks covers this many months up to the newest data.
RECENT_MONTHS = 12
RECORDED = "recorded in this dataset"
NO_CLAIM = "no claim reported"


def countries_for(country: str | None) -> list[str] | None:
    """Country names for the shared filter's choice; None for both (no restriction)."""
    return None if country in (None, "Both") else [country]


def troop_countries(country: str | None) -> list[str]:
    """Countries that have troop lines for the shared filter's choice."""
    return ["Iraq", "Syria"] if country in (None, "Both") else [country]


def with_source_columns(
    frame: pd.DataFrame, sources: pd.DataFrame, prefix: str = ""
) -> pd.DataFrame:
    """Add the publisher, source class and URL of ``{prefix}source_id`` next to each row."""
    column = f"{prefix}source_id"
    lookup = sources.set_index("source_id")
    out = frame.copy()
    out[f"{prefix}publisher"] = out[column].map(lookup["publisher"])
    out[f"{prefix}source_class"] = out[column].map(lookup["kind"])
    out[f"{prefix}url"] = out[column].map(lookup["url"])
    return out


def _cited(fig: go.Figure, dataset: Dataset, frames: list[pd.DataFrame], summary: str) -> go.Figure:
    """``fig`` with its source note (the sources of ``frames``, the release, the data date)
    and its one-sentence summary."""
    note = cite.source_note(
        dataset.release,
        cite.cited_sources(frames, dataset.sources),
        dataset.derived("latest_date", transforms.latest_date),
    )
    return charts.cited(fig, note, summary)


def _table(
    dataset: Dataset,
    name: str,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    search: str | None = None,
) -> pd.DataFrame:
    return transforms.filter_table(dataset, name, countries_for(country), start, end, search)


# --- Overview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tallies:
    """Outside tallies overlapping a window, to set beside a count of recorded incidents."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    lines: list[str]

    @property
    def text(self) -> str:
        """What to print under the count: the tallies, or that none was found."""
        if not self.lines:
            return (
                "No official, claimant, monitor or press tally of attacks overlapping this "
                "window was found."
            )
        return "Tallies from outside this dataset for the same window: " + "; ".join(self.lines)


def _tallies(
    dataset: Dataset,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    countries: list[str] | None,
) -> Tallies:
    found = headlines.tallies_overlapping(
        dataset.attack_counts, dataset.sources, start, end, countries
    )
    return Tallies(start, end, headlines.tally_lines(found))


@dataclass(frozen=True)
class OverviewView:
    """Headline figures, each saying what it counts and how sure it is, and the troop chart."""

    latest: pd.Timestamp
    figures: list[LatestFigure]
    sites: pd.DataFrame
    recorded_attacks: int
    attacks_since: pd.Timestamp
    tallies: Tallies
    nations: NationPresence
    figure: go.Figure
    table: pd.DataFrame

    @property
    def held(self) -> int:
        """Sites held on the data date (a report at most 12 months old)."""
        return int(self.sites["held"].sum()) if len(self.sites) else 0

    @property
    def unconfirmed(self) -> int:
        """Sites whose last report of forces there is older than 12 months."""
        return int(self.sites["unconfirmed"].sum()) if len(self.sites) else 0


def overview(dataset: Dataset, country: str | None) -> OverviewView:
    """Headline figures and the troop chart for the shared country filter."""
    latest = transforms.latest_date(dataset)
    countries = countries_for(country)
    status = transforms.filter_countries(
        transforms.base_status_at(dataset.bases, dataset.base_events, latest, dataset.incidents),
        countries,
    )
    since = latest - pd.DateOffset(months=RECENT_MONTHS)
    recent = transforms.filter_countries(
        transforms.incidents_in_last_months(dataset.incidents, latest, RECENT_MONTHS), countries
    )
    contributions = transforms.filter_countries(dataset.contributions, countries, "deployed_to")
    nations = headlines.nations_present(
        contributions, dataset.nations, latest - pd.DateOffset(years=NATIONS_RECENT_YEARS)
    )
    figures = [
        headlines.latest_figure(dataset.troop_levels, dataset.sources, c)
        for c in troop_countries(country)
    ]
    sites = transforms.count_by_status(status)
    tallies = _tallies(dataset, since, latest, countries)
    view = OverviewView(
        latest=latest,
        figures=figures,
        sites=sites,
        recorded_attacks=len(recent),
        attacks_since=since,
        tallies=tallies,
        nations=nations,
        figure=_cited(
            charts.troop_levels_chart(
                dataset.troop_levels, dataset.sources, troop_countries(country)
            ),
            dataset,
            [dataset.troop_levels[dataset.troop_levels["force"] == "us"]],
            summaries.troop_levels(dataset.troop_levels, troop_countries(country)),
        ),
        table=pd.DataFrame(),
    )
    object.__setattr__(view, "table", headline_table(view))
    return view


def headline_table(view: OverviewView) -> pd.DataFrame:
    """One row per headline figure: its value or range, the reports behind it, their dates and
    sources (what ``python -m posture export headlines`` writes)."""
    rows = []
    for figure in view.figures:
        reports = figure.reports
        rows.append(
            {
                "figure": figure.label,
                "counts": "troops present in the whole country (headcounts and estimates)",
                "value": figure.value,
                "agree": "yes" if figure.agree else "no",
                "reports": len(reports),
                "from": figure.window_start,
                "to": figure.window_end,
                "detail": "; ".join(
                    f"{r.figure} ({r.basis}, {r.as_of:%Y-%m-%d}, {r.publisher})"
                    for r in reports.itertuples()
                ),
                "source_ids": "; ".join(reports["source_id"]),
                "note": figure.preferred,
            }
        )
    for status, meaning in (
        ("held", "sites whose last report of forces there is at most 12 months old"),
        ("unconfirmed", "sites last reported held more than 12 months before"),
    ):
        rows.append(
            {
                "figure": f"Sites {status}",
                "counts": meaning,
                "value": str(int(view.sites[status].sum()) if len(view.sites) else 0),
                "agree": "",
                "reports": None,
                "from": None,
                "to": view.latest,
                "detail": ", ".join(f"{c}: {n}" for c, n in view.sites[status].items()),
                "source_ids": "",
                "note": "",
            }
        )
    rows.append(
        {
            "figure": f"Attacks {RECORDED}, last {RECENT_MONTHS} months",
            "counts": "first reports of attacks in this dataset (not a complete count)",
            "value": str(view.recorded_attacks),
            "agree": "",
            "reports": None,
            "from": view.attacks_since,
            "to": view.latest,
            "detail": "; ".join(view.tallies.lines),
            "source_ids": "",
            "note": view.tallies.text if not view.tallies.lines else "",
        }
    )
    rows.append(
        {
            "figure": f"Nations reported present in the last {NATIONS_RECENT_YEARS} years",
            "counts": "nations with an actual contribution reported since the date",
            "value": str(view.nations.count),
            "agree": "",
            "reports": None,
            "from": view.nations.since,
            "to": view.latest,
            "detail": "; ".join(
                f"{r.nation} ({r.latest_report:%Y-%m-%d}, {r.latest_figure})"
                for r in view.nations.nations.itertuples()
            ),
            "source_ids": "; ".join(view.nations.nations["source_id"]),
            "note": "",
        }
    )
    out = pd.DataFrame(rows)
    out["reports"] = out["reports"].astype("Int64")
    for column in ("from", "to"):
        out[column] = pd.to_datetime(out[column])
    return out


# --- Troops -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TroopsView:
    """The troop chart (one line per counting basis), disagreements and every report shown."""

    rows: int
    figure: go.Figure
    conflicts: pd.DataFrame
    table: pd.DataFrame
    latest: list[LatestFigure]
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)


def troops(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    force: str,
    kinds: list[str],
    show_milestones: bool,
) -> TroopsView:
    """The troop chart, the latest figures, the disagreements and the rows shown."""
    rows = _table(dataset, "troop_levels", country, start, end)
    rows = rows[(rows["force"] == force) & rows["kind"].isin(kinds)]
    milestones = _table(dataset, "milestones", country, start, end)
    milestones = milestones[milestones["kind"].isin(SHOWN_MILESTONES)]
    return TroopsView(
        rows=len(rows),
        figure=_cited(
            charts.troop_levels_chart(
                rows,
                dataset.sources,
                troop_countries(country),
                force,
                milestones=milestones if show_milestones else None,
                band=True,
            ),
            dataset,
            [rows, milestones] if show_milestones else [rows],
            summaries.troop_levels(rows, troop_countries(country), force),
        ),
        conflicts=transforms.troop_disagreements(rows),
        table=with_source_columns(rows, dataset.sources).sort_values(
            "as_of", ascending=False, kind="stable"
        ),
        latest=[
            headlines.latest_figure(dataset.troop_levels, dataset.sources, c, force)
            for c in troop_countries(country)
        ],
        milestones=milestone_list(milestones, dataset.sources)
        if show_milestones
        else pd.DataFrame(),
    )


def milestone_list(milestones: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The numbered milestones a chart marks: number, date, title, status, country, source."""
    numbered = charts.numbered_milestones(milestones)
    columns = ["number", "date", "title", "status", "country", "source_id"]
    return with_source_columns(numbered[columns], sources)


# --- Bases ------------------------------------------------------------------------------

POSTURE_COLUMNS = [
    "base_id",
    "name",
    "country",
    "status",
    "last_event",
    "last_reported",
    "source_id",
    "publisher",
    "source_class",
    "url",
]


def _sites(
    dataset: Dataset, country: str | None, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sites in view and every event of theirs."""
    sites = _table(dataset, "bases", country, start, end)
    return sites, dataset.base_events[dataset.base_events["base_id"].isin(sites["base_id"])]


def posture_table(status: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per site: its status on the date, the last report it rests on and its source
    (what ``python -m posture export posture`` writes)."""
    # The site's own source_id is that of its coordinates; the status rests on the event's.
    table = status.drop(columns="source_id").rename(columns={"event_source_id": "source_id"})
    table = with_source_columns(table, sources)
    return table[POSTURE_COLUMNS].sort_values(["country", "name"]).reset_index(drop=True)


@dataclass(frozen=True)
class BasesView:
    """Status of every site on a date: counts, the map and the table."""

    on: pd.Timestamp
    counts: pd.DataFrame
    unmapped: list[str]
    map: go.Figure
    status_table: pd.DataFrame
    unlabelled: list[str] = field(default_factory=list)
    map_phone: go.Figure | None = None

    @property
    def held(self) -> int:
        """Sites held on the date, all countries in view."""
        return int(self.counts["held"].sum()) if len(self.counts) else 0


def bases(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    on: pd.Timestamp,
) -> BasesView:
    """Status of every site on a date and the map (:func:`base_lifecycles` has the rest)."""
    sites, events = _sites(dataset, country, start, end)
    status = transforms.base_status_at(sites, events, on, dataset.incidents)
    counts = transforms.count_by_status(status)
    located = status[status["latitude"].notna()]
    rank = located["status"].map({s: i for i, s in enumerate(transforms.SITE_STATUSES)})
    desktop, phone = map_labels(dataset, country, ranked_sites(dataset, located, rank))
    site_rows = [status.rename(columns={"source_id": "site_source_id"})]
    summary = summaries.site_status(counts, on)
    return BasesView(
        on=pd.Timestamp(on),
        counts=counts,
        unmapped=status.loc[status["latitude"].isna(), "name"].tolist(),
        map=_cited(
            charts.bases_map(status, on, desktop, dataset.places), dataset, site_rows, summary
        ),
        status_table=posture_table(status, dataset.sources),
        unlabelled=desktop.unlabelled,
        map_phone=_cited(
            charts.bases_map(status, on, phone, dataset.places), dataset, site_rows, summary
        ),
    )


# --- Maps: names, cities and the country filter's zoom -----------------------------------

# The radius in pixels of a site's marker on the bases maps (labels are set off by it).
SITE_RADIUS = 5.5


def map_labels(
    dataset: Dataset, country: str | None, sites: pd.DataFrame
) -> tuple[geo.MapLabels, geo.MapLabels]:
    """The names drawn on a map of ``sites`` (key, text, lat, lon, radius; most important
    first) for the country filter, placed for a desktop and for a phone: its zoom box (from
    the map file's outlines and the sites), every site named at a single country's zoom and
    the most important ones for Both, the reference places (``places.csv``) and the country
    names."""
    outlines = dataset.derived("country_outlines", lambda _: read_outlines())
    frame = geo.map_frame(outlines, country, zip(sites["lat"], sites["lon"], strict=True))
    detail = country in ("Iraq", "Syria")
    return (
        geo.map_labels(frame, sites, dataset.places, outlines, detail),
        geo.map_labels(frame, sites, dataset.places, outlines, detail, phone=True),
    )


def ranked_sites(dataset: Dataset, located: pd.DataFrame, rank: pd.Series) -> pd.DataFrame:
    """Located sites as map labels (key, text, lat, lon, radius), most important first: by
    ``rank`` (lower first), then by how many reports of forces there the data holds (events
    and recorded attacks), then by name."""
    reports = dataset.derived(
        "reports_per_site",
        lambda whole: (
            transforms.presence_reports(whole.base_events, whole.incidents)
            .groupby("base_id")
            .size()
        ),
    )
    order = located.assign(
        _rank=rank, _reports=located["base_id"].map(reports).fillna(0)
    ).sort_values(["_rank", "_reports", "name"], ascending=[True, False, True], kind="stable")
    return pd.DataFrame(
        {
            "key": order["base_id"],
            "text": [
                geo.short_label(n, a) for n, a in zip(order["name"], order["aliases"], strict=True)
            ],
            "lat": order["latitude"].astype(float),
            "lon": order["longitude"].astype(float),
            "radius": SITE_RADIUS,
        }
    ).reset_index(drop=True)


# --- Bases: two dates compared ------------------------------------------------------------

CHANGE_COLUMNS = [
    "name",
    "country",
    "change",
    "status_at_a",
    "status_at_b",
    "explanation",
    "events_between",
    "publisher",
    "source_class",
    "url",
    "base_id",
]
CHANGE_EVENT_COLUMNS = ["date", "name", "country", "event", "publisher", "source_class", "url"]


@dataclass(frozen=True)
class BasesCompareView:
    """Every site's status on two dates: sites per change class, the map, what changed (one
    row per site whose status differs) and the reports between the dates at those sites."""

    a: pd.Timestamp
    b: pd.Timestamp
    counts: dict[str, int]
    map: go.Figure
    map_phone: go.Figure
    changes: pd.DataFrame
    events: pd.DataFrame
    unmapped: list[str]
    unlabelled: list[str]


def bases_compare(
    dataset: Dataset, country: str | None, a: pd.Timestamp, b: pd.Timestamp
) -> BasesCompareView:
    """Each site's status on date ``a`` and date ``b`` (``transforms.base_status_at``), how it
    changed (``transforms.compare_status``), the map, and the table of changes with the
    reports between the two dates that explain them."""
    a, b = pd.Timestamp(a), pd.Timestamp(b)
    sites, events = _sites(dataset, country, None, None)
    compared = transforms.compare_status(
        transforms.base_status_at(sites, events, a, dataset.incidents),
        transforms.base_status_at(sites, events, b, dataset.incidents),
    )
    located = compared[compared["latitude"].notna()]
    rank = located["change"].map({c: i for i, c in enumerate(transforms.CHANGES)})
    desktop, phone = map_labels(dataset, country, ranked_sites(dataset, located, rank))
    changed = compared[compared["status_a"] != compared["status_b"]]
    low, high = min(a, b), max(a, b)
    reports = transforms.presence_reports(events, dataset.incidents)
    between = reports[
        reports["base_id"].isin(changed["base_id"])
        & (reports["date"] > low)
        & (reports["date"] <= high)
    ]
    between = with_source_columns(
        between.merge(changed[["base_id", "name", "country"]], on="base_id"), dataset.sources
    ).sort_values(["date", "name"], ascending=[False, True], kind="stable")
    between = between.assign(event=between["event"].str.replace("_", " "))
    counts = compared["change"].value_counts()
    by_change = {change: int(counts.get(change, 0)) for change in transforms.CHANGES}
    cited_rows = [compared, between]
    summary = summaries.site_changes(by_change, a, b)
    return BasesCompareView(
        a=a,
        b=b,
        counts=by_change,
        map=_cited(
            charts.bases_compare_map(compared, a, b, desktop, dataset.places),
            dataset,
            cited_rows,
            summary,
        ),
        map_phone=_cited(
            charts.bases_compare_map(compared, a, b, phone, dataset.places),
            dataset,
            cited_rows,
            summary,
        ),
        changes=change_table(changed, between, dataset.sources, b),
        events=between[CHANGE_EVENT_COLUMNS].reset_index(drop=True),
        unmapped=compared.loc[compared["latitude"].isna(), "name"].tolist(),
        unlabelled=desktop.unlabelled,
    )


def change_table(
    changed: pd.DataFrame, between: pd.DataFrame, sources: pd.DataFrame, b: pd.Timestamp
) -> pd.DataFrame:
    """One row per site whose status differs: both statuses, a sentence on what the status
    at B rests on, the reports between the dates (events by date and source, attacks
    counted) and the source of the report the status at B rests on."""
    # The site's own source_id is that of its coordinates; the status rests on the event's.
    rows = with_source_columns(
        changed.drop(columns="source_id").rename(columns={"event_source_id_b": "source_id"}),
        sources,
    ).rename(columns={"status_a": "status_at_a", "status_b": "status_at_b"})
    rows["explanation"] = [
        explain_status(status, event, when, publisher, b)
        for status, event, when, publisher in zip(
            rows["status_at_b"],
            rows["last_event_b"],
            rows["last_reported_b"],
            rows["publisher"],
            strict=True,
        )
    ]
    rows["events_between"] = (
        rows["base_id"]
        .map({site: _events_text(group) for site, group in between.groupby("base_id")})
        .fillna("none")
    )
    order = {change: i for i, change in enumerate(transforms.CHANGES)}
    rows = rows.assign(_order=rows["change"].map(order)).sort_values(
        ["_order", "country", "name"], kind="stable"
    )
    return rows[CHANGE_COLUMNS].reset_index(drop=True)


def explain_status(
    status: str, event: object, when: pd.Timestamp, publisher: object, on: pd.Timestamp
) -> str:
    """What a site's status on ``on`` rests on, in one sentence."""
    if status == "not yet":
        return f"no report of forces there on or before {on:%d %b %Y}"
    what = str(event).replace("_", " ")
    source = f"{publisher}" if isinstance(publisher, str) else "source not found"
    if status == "left":
        return f"{what} on {when:%d %b %Y} ({source})"
    if status == "held":
        return f"reported there on {when:%d %b %Y} ({what}; {source})"
    return (
        f"last reported there on {when:%d %b %Y} ({what}; {source}), more than "
        f"12 months before {on:%d %b %Y}"
    )


def _events_text(group: pd.DataFrame) -> str:
    """Reports between the two dates at one site: events with date and publisher, oldest
    first, then the number of recorded attacks."""
    group = group.sort_values("date", kind="stable")
    attacks = group["event"] == "attack recorded"
    parts = [
        f"{row.date:%Y-%m-%d} {row.event} ({row.publisher})" for row in group[~attacks].itertuples()
    ]
    if attacks.any():
        count = int(attacks.sum())
        parts.append(f"{count} recorded attack{'s' if count > 1 else ''}")
    return "; ".join(parts)


@dataclass(frozen=True)
class LifecyclesView:
    """Each site's life as a bar with its events, and the table of events."""

    lifecycle: go.Figure
    events_table: pd.DataFrame


def base_lifecycles(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    on: pd.Timestamp,
) -> LifecyclesView:
    """Each site's first to last standing event (the posture date marked), and the events in
    the date range, contradicted ones included and marked."""
    sites, events = _sites(dataset, country, start, end)
    shown = _table(dataset, "base_events", country, start, end)
    table = with_source_columns(
        shown.merge(sites[["base_id", "name", "country"]], on="base_id", how="left"),
        dataset.sources,
    )
    columns = ["date", "name", "country", "event", "kind", "contradicted_by"]
    columns += ["publisher", "source_class", "url", "quote", "note"]
    lifecycle = transforms.base_lifecycle(sites, events)
    return LifecyclesView(
        lifecycle=_cited(
            charts.lifecycle_chart(lifecycle, events, on),
            dataset,
            [events],
            summaries.lifecycles(lifecycle, events),
        ),
        events_table=table[columns].sort_values("date", ascending=False, kind="stable"),
    )


# --- Nations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NationsView:
    """Contributions by nation: counts, the presence heatmap, missions, commands, the table."""

    nations: int
    reports: int
    heatmap: go.Figure | None
    missions: go.Figure
    commands: pd.DataFrame
    table: pd.DataFrame
    coalition: go.Figure | None


def nations(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    missions: list[str],
) -> NationsView:
    """Contributions, the presence heatmap, missions per year, commands and coalition size."""
    rows = _table(dataset, "contributions", country, start, end)
    rows = rows[rows["mission"].isin(missions)]
    names = dataset.nations.set_index("iso3")["name"]
    rows = rows.assign(nation=rows["iso3"].map(names))
    actual = rows[rows["kind"] == "actual"]
    commands = rows[rows["role"].str.contains("command", case=False)].sort_values(
        "as_of", ascending=False
    )
    table = with_source_columns(rows, dataset.sources).sort_values(
        "as_of", ascending=False, kind="stable"
    )
    size = _table(dataset, "coalition_size", None, start, end)
    columns = ["as_of", "nation", "iso3", "deployed_to", "mission", "role", "kind"]
    columns += ["low", "best", "high", "qualifier", "publisher", "source_class", "url"]
    columns += ["quote", "note"]
    presence = transforms.presence_by_year(actual, dataset.nations)
    by_mission = transforms.nations_by_mission_year(actual)
    return NationsView(
        nations=actual["iso3"].nunique(),
        reports=len(rows),
        heatmap=_cited(
            charts.presence_heatmap(presence), dataset, [actual], summaries.heatmap(presence)
        )
        if len(actual)
        else None,
        missions=_cited(
            charts.missions_chart(by_mission), dataset, [actual], summaries.missions(by_mission)
        ),
        commands=with_source_columns(
            commands[["as_of", "nation", "mission", "deployed_to", "role", "source_id", "quote"]],
            dataset.sources,
        ),
        table=table[columns],
        coalition=_cited(
            charts.coalition_size_chart(size, dataset.sources),
            dataset,
            [size],
            summaries.coalition_size(size),
        )
        if len(size)
        else None,
    )


# --- Incidents --------------------------------------------------------------------------


def _attack_rows(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    weapons: list[str],
    statuses: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The incidents in view (losses included) and the attacks among them."""
    rows = _table(dataset, "incidents", country, start, end)
    listed = rows[rows["weapon"].isin(weapons) & rows["status"].isin(statuses)]
    return listed, transforms.attacks_only(listed)  # losses are listed, never counted


@dataclass(frozen=True)
class Casualties:
    """Killed or wounded as reported: the span of sums, and attacks with no figure."""

    span: str
    unknown: int


@dataclass(frozen=True)
class AttacksView:
    """Recorded attacks: headline counts with outside tallies, and the charts over time."""

    recorded_attacks: int
    other_reports: int
    losses: int
    killed: Casualties
    wounded: Casualties
    tallies: Tallies
    monthly: go.Figure | None
    weapons: go.Figure
    claimants: go.Figure
    casualties: go.Figure


def attacks(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    weapons: list[str],
    statuses: list[str],
) -> AttacksView:
    """Curated attacks: the headline counts, and per month, weapon, claimant and casualties.

    The other tabs of the Incidents page have views of their own (:func:`attacks_on_map`,
    :func:`attack_counts`, :func:`attack_reports`), computed only when a tab is opened.
    """
    listed, rows = _attack_rows(dataset, country, start, end, weapons, statuses)
    firsts = rows[rows["variant_of"].isna()]
    ranges = incidents.casualty_ranges(rows)

    def casualties(what: str) -> Casualties:
        return Casualties(
            span(ranges[f"{what}_low"].sum(), ranges[f"{what}_high"].sum()),
            int(ranges[f"{what}_high"].isna().sum()),
        )

    monthly = incidents.monthly_counts(rows)
    by_weapon = incidents.counts_by(rows, "weapon", "unknown")
    claimants = incidents.counts_by(rows, "claimed_by", NO_CLAIM)
    unclaimed = int(claimants.loc[claimants["claimed_by"] == NO_CLAIM, "attacks"].sum())
    # Attacks nobody claimed are most attacks: as a bar they flattened the claimants' bars.
    claimed = claimants[claimants["claimed_by"] != NO_CLAIM]
    killed, wounded = casualties("killed"), casualties("wounded")
    span_start = rows["date"].min() if len(rows) else FIRST_MONTH
    span_end = rows["date"].max() if len(rows) else FIRST_MONTH
    freq = incidents.casualty_period(start or span_start, end or span_end)
    return AttacksView(
        recorded_attacks=len(firsts),
        other_reports=len(rows) - len(firsts),
        losses=len(transforms.losses(listed)),
        killed=killed,
        wounded=wounded,
        tallies=_tallies(dataset, start, end, countries_for(country)),
        monthly=_cited(
            charts.stacked_monthly_chart(
                monthly, f"Attacks {RECORDED}, per month and country", charts.COUNTRY_COLORS
            ),
            dataset,
            [rows],
            summaries.monthly_attacks(monthly),
        )
        if len(firsts)
        else None,
        weapons=_cited(
            charts.bar_chart(
                by_weapon.assign(weapon=by_weapon["weapon"].map(labels.formatter("weapon"))),
                "weapon",
                "attacks",
                "Recorded attacks by weapon",
                "Attacks recorded",
            ),
            dataset,
            [rows],
            summaries.ranking(by_weapon, "weapon", "attacks", "recorded attacks by weapon"),
        ),
        claimants=_cited(
            charts.bar_chart(
                claimed.head(15),
                "claimed_by",
                "attacks",
                f"Recorded attacks by claimant (top 15)\n{unclaimed:,} with no claim reported "
                "are not shown",
                "Attacks recorded",
            ),
            dataset,
            [rows],
            summaries.ranking(claimed, "claimed_by", "attacks", "claimed attacks by claimant")
            + f" {unclaimed:,} recorded attacks have no claim reported.",
        ),
        casualties=_cited(
            charts.casualties_chart(incidents.casualties_by_period(rows, ranges, freq), freq),
            dataset,
            [rows],
            summaries.casualties(killed.span, wounded.span, killed.unknown),
        ),
    )


@dataclass(frozen=True)
class AttackMapView:
    """Recorded attacks on a map and per base."""

    map: go.Figure | None
    recorded_attacks: int
    located: int
    at_base: int
    at_source: int
    per_base: go.Figure
    map_phone: go.Figure | None = None


def attacks_on_map(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    weapons: list[str],
    statuses: list[str],
) -> AttackMapView:
    """The attacks on a map (at the source's coordinates, else the base's) and per base."""
    _, rows = _attack_rows(dataset, country, start, end, weapons, statuses)
    located = incidents.locate(rows, dataset.bases)
    recorded = int(rows["variant_of"].isna().sum())
    at_base = int((located["placed_by"] == "base").sum())
    at_source = int((located["placed_by"] == "source").sum())
    per_base = incidents.by_base(rows, dataset.bases)
    summary = summaries.mapped_attacks(len(located), recorded, at_base, at_source)
    desktop: go.Figure | None = None
    phone: go.Figure | None = None
    if len(located):
        desktop, phone = (
            _cited(fig, dataset, [located], summary)
            for fig in _attack_maps(dataset, country, located)
        )
    return AttackMapView(
        map=desktop,
        map_phone=phone,
        recorded_attacks=recorded,
        located=len(located),
        at_base=at_base,
        at_source=at_source,
        per_base=_cited(
            charts.bar_chart(
                per_base, "name", "attacks", "Recorded attacks per base", "Attacks recorded"
            ),
            dataset,
            [rows],
            summaries.ranking(per_base, "name", "attacks", "recorded attacks per base"),
        ),
    )


def _attack_maps(
    dataset: Dataset, country: str | None, located: pd.DataFrame
) -> tuple[go.Figure, go.Figure]:
    """The attacks map for a desktop and a phone, the places with most attacks named (all at
    a country's zoom)."""
    bubbles, _ = incidents.attack_places(located)
    bubbles = bubbles.sort_values(["attacks", "place"], ascending=[False, True], kind="stable")
    sites = pd.DataFrame(
        {
            "key": [charts.place_key(row) for row in bubbles.itertuples()],
            "text": [geo.short_label(str(place)) for place in bubbles["place"]],
            "lat": bubbles["lat"].astype(float),
            "lon": bubbles["lon"].astype(float),
            "radius": charts.bubble_size(bubbles["attacks"]) / 2,
        }
    )
    desktop, phone = map_labels(dataset, country, sites)
    return (
        charts.incidents_map(located, labels=desktop, places=dataset.places),
        charts.incidents_map(located, labels=phone, places=dataset.places),
    )


@dataclass(frozen=True)
class CountsView:
    """Official, claimed and monitored attack counts side by side, with the differences."""

    counts: go.Figure
    compared: pd.DataFrame
    differences: list[str]


def attack_counts(
    dataset: Dataset, country: str | None, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> CountsView:
    """Official, claimed and monitored attack counts side by side, with the differences."""
    counts = _table(dataset, "attack_counts", country, start, end)
    compared = with_source_columns(incidents.compare_counts(counts), dataset.sources)
    return CountsView(
        counts=_cited(
            charts.attack_counts_chart(counts, dataset.sources),
            dataset,
            [counts],
            summaries.attack_counts(counts),
        ),
        compared=compared.sort_values("period_end", ascending=False, kind="stable"),
        differences=_count_differences(compared),
    )


# The columns of the Incidents page's table of every report, in order.
REPORT_COLUMNS = [
    "date",
    "country",
    "location",
    "base_id",
    "weapon",
    "claimed_by",
    "killed",
    "wounded",
    "status",
    "hostile",
    "summary",
    "publisher",
    "source_class",
    "url",
    "quote",
    "variant_of",
    "revises",
    "incident_id",
]


@dataclass(frozen=True)
class ReportsView:
    """Every report in view, losses included, with its source."""

    table: pd.DataFrame


def attack_reports(
    dataset: Dataset,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    weapons: list[str],
    statuses: list[str],
) -> ReportsView:
    """Every report in view, losses included, with its source, newest first."""
    listed, _ = _attack_rows(dataset, country, start, end, weapons, statuses)
    table = with_source_columns(listed, dataset.sources)[REPORT_COLUMNS]
    return ReportsView(table.sort_values("date", ascending=False, kind="stable"))


def _count_differences(compared: pd.DataFrame, last: int = 5) -> list[str]:
    """Plain lines for the latest counts that have an official count to compare with; one
    line per distinct comparison (two sources giving the same figure make one line)."""
    lines: list[str] = []
    for _, row in compared[compared["official_attacks"].notna()].iterrows():
        difference = int(row["difference"])
        relation = (
            "the same as"
            if difference == 0
            else f"{abs(difference)} {'more' if difference > 0 else 'fewer'} than"
        )
        line = (
            f"{row['period_end']:%d %b %Y}, {row['country']}: the {row['counted_by']} count "
            f"({row['attacks']}) is {relation} the official count ({row['official_attacks']}, "
            f"{row['official_period_end']:%d %b %Y})."
        )
        if line not in lines:
            lines.append(line)
    return lines[-last:]


# --- Iraq vs Syria ----------------------------------------------------------------------


@dataclass(frozen=True)
class CompareView:
    """Iraq and Syria panels on one time axis and the monthly values behind them."""

    figure: go.Figure
    jordan: int
    table: pd.DataFrame
    floor: int = incidents.RATE_FLOOR
    hidden_rates: int = 0
    milestones: pd.DataFrame = field(default_factory=pd.DataFrame)


def compare(
    dataset: Dataset,
    start: pd.Timestamp,
    end: pd.Timestamp,
    start_bound: pd.Timestamp | None,
    end_bound: pd.Timestamp | None,
    monthly: pd.DataFrame | None = None,
    what: str = "Attacks",
) -> CompareView:
    """Iraq and Syria panels on one time axis, and the monthly values behind them."""
    months = transforms.month_range(start, end)
    shown = dataset.incidents.iloc[:0]  # an imported layer's events cite no curated source
    if monthly is None:
        shown = transforms.filter_dates(
            transforms.attacks_only(dataset.incidents), start, end, "date"
        )
        monthly = incidents.monthly_counts(shown, months=months)
        what = f"Attacks {RECORDED}"
    held, levels_of = _posture_by_month(dataset, months)
    milestones = transforms.filter_dates(dataset.milestones, start_bound, end_bound, "date")
    milestones = milestones[milestones["kind"].isin(SHOWN_MILESTONES)]
    panels, rows = {}, []
    for country in ("Iraq", "Syria"):
        levels = levels_of[country]
        counted = monthly[country] if country in monthly else pd.Series(0, index=months)
        rate = incidents.per_thousand_troops(counted, levels)
        country_held = held[held["country"] == country][["month", "held", "unconfirmed"]]
        panels[country] = {
            "levels": levels,
            "held": country_held,
            "attacks": counted.rename("attacks").reset_index(),
            "rate": rate,
        }
        rows.append(
            rate.merge(country_held, on="month", how="left")
            .merge(levels[["month", "basis", "as_of"]], on="month", how="left")
            .assign(country=country)[
                ["month", "country", "low", "best", "high", "basis", "as_of", "held"]
                + ["unconfirmed", "recorded_attacks", "rate_low", "rate", "rate_high"]
                + ["rate_note"]
            ]
            .rename(columns={"as_of": "troops_reported_on"})
        )
    table = pd.concat(rows).sort_values(["month", "country"]).reset_index(drop=True)
    if what != f"Attacks {RECORDED}":
        table = table.rename(columns={"recorded_attacks": "imported_events"})
    hidden = int((table["rate_note"] != "").sum())
    return CompareView(
        figure=_cited(
            charts.comparison_chart(panels, milestones, what),
            dataset,
            [dataset.troop_levels, dataset.base_events, shown],
            summaries.comparison(table),
        ),
        jordan=int(monthly["Jordan"].sum()) if "Jordan" in monthly else 0,
        table=table,
        hidden_rates=hidden,
        milestones=milestone_list(milestones, dataset.sources),
    )


def _posture_by_month(
    dataset: Dataset, months: pd.DatetimeIndex
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Sites held per country and US troops present in Iraq and in Syria on ``months``.

    A month's value depends only on the data up to its end, so every month of the data is
    computed once per dataset and a date range's months are cut from it (tests check the cut
    against a direct computation).
    """
    held, levels = dataset.derived("posture_by_month", _all_months_posture)

    def cut(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["month"].isin(months)].reset_index(drop=True)

    return cut(held), {country: cut(frame) for country, frame in levels.items()}


def _all_months_posture(dataset: Dataset) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    months = transforms.month_range(FIRST_MONTH, transforms.latest_date(dataset))
    held = transforms.held_by_month(dataset.bases, dataset.base_events, months, dataset.incidents)
    levels = {
        country: transforms.levels_by_month(dataset.troop_levels, country, months)
        for country in ("Iraq", "Syria")
    }
    return held, levels


# --- Plans vs reality -------------------------------------------------------------------

# The ledger's columns with each source shown as publisher, class and URL.
LEDGER_SHOWN = [c for c in plans.LEDGER_COLUMNS if not c.endswith("source_id")] + [
    f"{side}_{what}"
    for side in ("plan", "outcome")
    for what in ("publisher", "source_class", "url", "source_id")
]


@dataclass(frozen=True)
class LedgerView:
    """The plans-vs-reality table and how many plans have each outcome."""

    counts: dict[str, int]
    table: pd.DataFrame


def ledger(
    dataset: Dataset, country: str | None, start: pd.Timestamp | None, outcomes: list[str]
) -> LedgerView:
    """The plans-vs-reality table (both sources' publisher and URL) and rows per outcome."""
    rows = ledger_rows(dataset, country, start, outcomes)
    return LedgerView(
        counts={str(k): int(v) for k, v in rows["outcome"].value_counts().items()},
        table=rows[LEDGER_SHOWN],
    )


def ledger_rows(
    dataset: Dataset, country: str | None, start: pd.Timestamp | None, outcomes: list[str]
) -> pd.DataFrame:
    """The plans-vs-reality ledger with both sources' publisher and URL, newest first."""
    rows = dataset.derived(
        "ledger", lambda whole: plans.ledger(whole, transforms.latest_date(whole))
    )
    rows = transforms.filter_countries(rows, countries_for(country))
    if start is not None:
        rows = rows[rows["deadline"] >= start]
    rows = rows[rows["outcome"].isin(outcomes)]
    rows = with_source_columns(rows, dataset.sources, prefix="plan_")
    rows = with_source_columns(rows, dataset.sources, prefix="outcome_")
    return rows.sort_values("deadline", ascending=False, kind="stable").reset_index(drop=True)


# --- Data and sources -------------------------------------------------------------------


@dataclass(frozen=True)
class DataView:
    """One table under the shared filters and a search, its size and its dictionary."""

    rows: pd.DataFrame
    total: int
    dictionary: pd.DataFrame


def data_table(
    dataset: Dataset,
    table: str,
    country: str | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    search: str | None,
) -> DataView:
    """One table under the shared filters and a search, its size and its data dictionary."""
    dictionary = data_dictionary()
    return DataView(
        rows=_table(dataset, table, country, start, end, search),
        total=len(dataset.table(table)),
        dictionary=dictionary[dictionary["table"] == table],
    )


@dataclass(frozen=True)
class SourcesView:
    """Sources with citation counts and classes, and the known disagreements."""

    count: int
    newest: pd.Timestamp
    rows_citing: int
    by_class: pd.DataFrame
    table: pd.DataFrame
    disagreements: pd.DataFrame
    variants: int
    varied_attacks: int
    contradicted: int = field(default=0)


def sources(dataset: Dataset, kinds: list[str], search: str | None) -> SourcesView:
    """Sources with citation counts, filtered by class and text; and the disagreements."""
    cited = transforms.source_citations(dataset)
    shown = transforms.search_rows(cited[cited["kind"].isin(kinds)], search or "")
    variants = dataset.incidents[dataset.incidents["variant_of"].notna()]
    by_class = (
        cited.groupby("kind")
        .agg(sources=("source_id", "size"), rows_citing=("rows_citing", "sum"))
        .reset_index()
        .rename(columns={"kind": "source_class"})
        .sort_values("sources", ascending=False)
        .reset_index(drop=True)
    )
    contradicted = int(dataset.base_events["contradicted_by"].notna().sum())
    contradicted += int(dataset.milestones["contradicted_by"].notna().sum())
    return SourcesView(
        count=len(cited),
        newest=dataset.newest_source,
        rows_citing=int(cited["rows_citing"].sum()),
        by_class=by_class,
        table=shown[
            ["publisher", "via", "title", "published", "kind", "state", "rows_citing", "url"]
            + ["source_id"]
        ],
        disagreements=transforms.troop_disagreements(dataset.troop_levels),
        variants=len(variants),
        varied_attacks=variants["variant_of"].nunique(),
        contradicted=contradicted,
    )


# --- Releases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleasesView:
    """Every release with its notes, and the row-level changes of the current one."""

    releases: list[Release]
    changes: pd.DataFrame
    counts: pd.DataFrame


def releases(dataset: Dataset) -> ReleasesView:
    """The changelog's releases (newest first) and the current release's changed rows, with
    how many per table and kind of change."""
    directory = Path(dataset.data_dir)
    changes = read_changes(directory, dataset.release.version)
    counts = (
        changes.groupby(["table", "change"]).size().unstack(fill_value=0)
        if len(changes)
        else pd.DataFrame()
    )
    return ReleasesView(
        releases=read_releases(directory),
        changes=changes,
        counts=counts.reset_index() if len(counts) else counts,
    )
