"""Everything each page shows, computed from the dataset and the filter values in one call.

Each view is pure (no Streamlit) and takes only the dataset and plain filter values, so the
pages can cache a whole view per filter combination and a warm rerun only draws it.
"""

from __future__ import annotations

import pandas as pd

from posture.analysis import charts, incidents, plans, transforms
from posture.analysis.text import escape_markdown, source_link, span
from posture.data.dataset import Dataset
from posture.data.docs import data_dictionary

SHOWN_MILESTONES = charts.MILESTONE_KINDS_SHOWN
# The first month any view shows (the shared date filter starts in January 2014).
FIRST_MONTH = pd.Timestamp("2014-01-01")


def countries_for(country: str) -> list[str] | None:
    """Country names for the shared filter's choice; None for both (no restriction)."""
    return None if country in (None, "Both") else [country]


def troop_countries(country: str) -> list[str]:
    """Countries that have troop lines for the shared filter's choice."""
    return ["Iraq", "Syria"] if country in (None, "Both") else [country]


def with_source_columns(
    frame: pd.DataFrame, sources: pd.DataFrame, prefix: str = ""
) -> pd.DataFrame:
    """Add the publisher and URL of ``{prefix}source_id`` next to each row."""
    column = f"{prefix}source_id"
    lookup = sources.set_index("source_id")
    out = frame.copy()
    out[f"{prefix}publisher"] = out[column].map(lookup["publisher"])
    out[f"{prefix}url"] = out[column].map(lookup["url"])
    return out


def _table(dataset, name, country, start, end, search=None):
    return transforms.filter_table(dataset, name, countries_for(country), start, end, search)


def overview(dataset: Dataset, country: str, start, end) -> dict:
    """Headline figures and the troop chart."""
    latest = transforms.latest_date(dataset)
    countries = countries_for(country)
    status = transforms.filter_countries(
        transforms.base_status_at(dataset.bases, dataset.base_events, latest), countries
    )
    recent = transforms.filter_countries(
        transforms.incidents_in_last_months(dataset.incidents, latest), countries
    )
    since = latest - pd.DateOffset(years=2)
    nations = transforms.nations_reported_since(
        transforms.filter_countries(dataset.contributions, countries, "deployed_to"), since
    )
    return {
        "latest": latest,
        "headlines": [
            _headline(dataset, c, transforms.latest_levels(dataset.troop_levels, c))
            for c in troop_countries(country)
        ],
        "held": transforms.count_held_bases(status),
        "recent": len(recent),
        "since": since,
        "nations": len(nations),
        "figure": charts.troop_levels_chart(
            dataset.troop_levels, dataset.sources, troop_countries(country)
        ),
    }


def _headline(dataset: Dataset, country: str, levels: pd.DataFrame) -> dict:
    """The overview's troop figure for one country: value, hover help and source caption."""
    label = f"US troops in {country}"
    if levels.empty:
        return {"label": label, "value": "unknown", "help": None, "caption": None}
    top = levels.iloc[0]
    others = len(levels) - 1
    note = f" · {others} other report(s) that day" if others else ""
    return {
        "label": label,
        "value": transforms.format_level(top),
        "help": f"{top['kind'].capitalize()} figure. Quote: “{escape_markdown(top['quote'])}”",
        "caption": f"As of {top['as_of']:%d %b %Y} · "
        f"{source_link(dataset.sources, top['source_id'])}{note}",
    }


def troops(dataset: Dataset, country, start, end, force, kinds, show_milestones) -> dict:
    """The troop chart, the disagreements and the rows shown."""
    rows = _table(dataset, "troop_levels", country, start, end)
    rows = rows[(rows["force"] == force) & rows["kind"].isin(kinds)]
    milestones = _table(dataset, "milestones", country, start, end)
    milestones = milestones[milestones["kind"].isin(SHOWN_MILESTONES)]
    return {
        "rows": len(rows),
        "figure": charts.troop_levels_chart(
            rows,
            dataset.sources,
            troop_countries(country),
            force,
            milestones=milestones if show_milestones else None,
            band=True,
        ),
        "conflicts": transforms.troop_disagreements(rows),
        "table": with_source_columns(rows, dataset.sources),
    }


def _sites(dataset: Dataset, country, start, end):
    """The sites in view and every event of theirs."""
    sites = _table(dataset, "bases", country, start, end)
    return sites, dataset.base_events[dataset.base_events["base_id"].isin(sites["base_id"])]


def bases(dataset: Dataset, country, start, end, on: pd.Timestamp) -> dict:
    """Status of every site on a date and the map (:func:`base_lifecycles` has the rest)."""
    sites, events = _sites(dataset, country, start, end)
    status = transforms.base_status_at(sites, events, on)
    status_table = with_source_columns(
        status[
            [
                "name",
                "country",
                "admin1",
                "status",
                "last_event",
                "last_event_date",
                "event_source_id",
            ]
        ],
        dataset.sources,
        prefix="event_",
    )
    return {
        "held": transforms.count_held_bases(status),
        "unmapped": status.loc[status["latitude"].isna(), "name"].tolist(),
        "map": charts.bases_map(status, on),
        "status_table": status_table,
    }


def base_lifecycles(dataset: Dataset, country, start, end, on: pd.Timestamp) -> dict:
    """Each site's first to last reported event (with the posture date marked), and the
    events in the date range."""
    sites, events = _sites(dataset, country, start, end)
    shown = _table(dataset, "base_events", country, start, end)
    table = with_source_columns(
        shown.merge(sites[["base_id", "name", "country"]], on="base_id", how="left"),
        dataset.sources,
    )
    return {
        "lifecycle": charts.lifecycle_chart(transforms.base_lifecycle(sites, events), events, on),
        "events_table": table[
            ["date", "name", "country", "event", "kind", "publisher", "url", "quote", "note"]
        ],
    }


def nations(dataset: Dataset, country, start, end, missions) -> dict:
    """Contributions, the presence heatmap, missions per year and commands."""
    rows = _table(dataset, "contributions", country, start, end)
    rows = rows[rows["mission"].isin(missions)]
    names = dataset.nations.set_index("iso3")["name"]
    rows = rows.assign(nation=rows["iso3"].map(names))
    commands = rows[rows["role"].str.contains("command", case=False)].sort_values("as_of")
    table = with_source_columns(rows, dataset.sources)
    return {
        "nations": rows["iso3"].nunique(),
        "reports": len(rows),
        "heatmap": charts.presence_heatmap(transforms.presence_by_year(rows, dataset.nations))
        if len(rows)
        else None,
        "missions": charts.missions_chart(transforms.nations_by_mission_year(rows)),
        "commands": with_source_columns(
            commands[["as_of", "nation", "mission", "deployed_to", "role", "source_id", "quote"]],
            dataset.sources,
        ),
        "table": table[
            [
                "as_of",
                "nation",
                "iso3",
                "deployed_to",
                "mission",
                "role",
                "low",
                "best",
                "high",
                "qualifier",
                "publisher",
                "url",
                "quote",
                "note",
            ]
        ],
    }


def _attack_rows(dataset: Dataset, country, start, end, weapons, statuses):
    """The incidents in view (losses included) and the attacks among them."""
    rows = _table(dataset, "incidents", country, start, end)
    listed = rows[rows["weapon"].isin(weapons) & rows["status"].isin(statuses)]
    return listed, transforms.attacks_only(listed)  # losses are listed, never counted


def attacks(dataset: Dataset, country, start, end, weapons, statuses) -> dict:
    """Curated attacks: the headline counts, and per month, weapon, claimant and casualties.

    The other tabs of the Incidents page have views of their own (:func:`attacks_on_map`,
    :func:`attack_counts`, :func:`attack_reports`), computed only when a tab is opened.
    """
    listed, rows = _attack_rows(dataset, country, start, end, weapons, statuses)
    firsts = rows[rows["variant_of"].isna()]
    ranges = incidents.casualty_ranges(rows)
    return {
        "attacks": len(firsts),
        "other_reports": len(rows) - len(firsts),
        "losses": len(transforms.losses(listed)),
        **{
            what: {
                "span": span(ranges[f"{what}_low"].sum(), ranges[f"{what}_high"].sum()),
                "unknown": int(ranges[f"{what}_high"].isna().sum()),
            }
            for what in ("killed", "wounded")
        },
        "monthly": charts.stacked_monthly_chart(
            incidents.monthly_counts(rows), "Attacks per month by country", charts.COUNTRY_COLORS
        )
        if len(firsts)
        else None,
        "weapons": charts.bar_chart(
            incidents.counts_by(rows, "weapon", "unknown"),
            "weapon",
            "attacks",
            "By weapon",
            "Attacks",
        ),
        "claimants": charts.bar_chart(
            incidents.counts_by(rows, "claimed_by", "no claim reported").head(15),
            "claimed_by",
            "attacks",
            "By claimant (top 15)",
            "Attacks",
        ),
        "casualties": charts.casualties_chart(incidents.casualties_by_month(rows, ranges)),
    }


def attacks_on_map(dataset: Dataset, country, start, end, weapons, statuses) -> dict:
    """The attacks on a map (at the source's coordinates, else the base's) and per base."""
    _, rows = _attack_rows(dataset, country, start, end, weapons, statuses)
    located = incidents.locate(rows, dataset.bases)
    return {
        "map": charts.incidents_map(located) if len(located) else None,
        "attacks": int(rows["variant_of"].isna().sum()),
        "located": len(located),
        "at_base": int((located["placed_by"] == "base").sum()),
        "per_base": charts.bar_chart(
            incidents.by_base(rows, dataset.bases), "name", "attacks", "Attacks per base", "Attacks"
        ),
    }


def attack_counts(dataset: Dataset, country, start, end) -> dict:
    """Official, claimed and monitored attack counts side by side, with the differences."""
    counts = _table(dataset, "attack_counts", country, start, end)
    compared = with_source_columns(incidents.compare_counts(counts), dataset.sources)
    return {
        "counts": charts.attack_counts_chart(counts, dataset.sources),
        "compared": compared,
        "differences": _count_differences(compared),
    }


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
    "url",
    "quote",
    "variant_of",
    "incident_id",
]


def attack_reports(dataset: Dataset, country, start, end, weapons, statuses) -> dict:
    """Every report in view, losses included, with its source."""
    listed, _ = _attack_rows(dataset, country, start, end, weapons, statuses)
    return {"table": with_source_columns(listed, dataset.sources)[REPORT_COLUMNS]}


def _count_differences(compared: pd.DataFrame, last: int = 5) -> list[str]:
    """Markdown lines for the latest counts that have an official count to compare with."""
    lines = []
    for _, row in compared[compared["official_attacks"].notna()].tail(last).iterrows():
        sign = "more" if row["difference"] > 0 else "fewer"
        lines.append(
            f"- {row['period_end']:%d %b %Y}, {escape_markdown(row['country'])}: the "
            f"{escape_markdown(row['counted_by'])} count "
            f"({row['attacks']}) is {abs(int(row['difference']))} {sign} than the official count "
            f"({row['official_attacks']}, {row['official_period_end']:%d %b %Y})."
        )
    return lines


def compare(
    dataset: Dataset,
    start: pd.Timestamp,
    end: pd.Timestamp,
    start_bound,
    end_bound,
    monthly: pd.DataFrame | None = None,
    what: str = "Attacks",
) -> dict:
    """Iraq and Syria panels on one time axis, and the monthly values behind them."""
    months = transforms.month_range(start, end)
    if monthly is None:
        shown = transforms.filter_dates(
            transforms.attacks_only(dataset.incidents), start, end, "date"
        )
        monthly = incidents.monthly_counts(shown, months=months)
    held, levels_of = _posture_by_month(dataset, months)
    milestones = transforms.filter_dates(dataset.milestones, start_bound, end_bound, "date")
    milestones = milestones[milestones["kind"].isin(SHOWN_MILESTONES)]
    panels, rows = {}, []
    for country in ("Iraq", "Syria"):
        levels = levels_of[country]
        counted = monthly[country] if country in monthly else pd.Series(0, index=months)
        rate = incidents.per_thousand_troops(counted, levels)
        country_held = held[held["country"] == country][["month", "held"]]
        panels[country] = {
            "levels": levels,
            "held": country_held,
            "attacks": counted.rename("attacks").reset_index(),
            "rate": rate,
        }
        rows.append(
            rate.merge(country_held, on="month", how="left").assign(country=country)[
                ["month", "country", "low", "best", "high", "held", "attacks"]
                + ["rate_low", "rate", "rate_high"]
            ]
        )
    return {
        "figure": charts.comparison_chart(panels, milestones, what),
        "jordan": int(monthly["Jordan"].sum()) if "Jordan" in monthly else 0,
        "table": pd.concat(rows).sort_values(["month", "country"]).reset_index(drop=True),
    }


def _posture_by_month(
    dataset: Dataset, months: pd.DatetimeIndex
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Bases held per country and US troop levels in Iraq and in Syria on ``months``.

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
    held = transforms.held_by_month(dataset.bases, dataset.base_events, months)
    levels = {
        country: transforms.levels_by_month(dataset.troop_levels, country, months)
        for country in ("Iraq", "Syria")
    }
    return held, levels


# The ledger's columns with each source shown as publisher and URL.
LEDGER_SHOWN = [c for c in plans.LEDGER_COLUMNS if not c.endswith("source_id")] + [
    f"{side}_{what}" for side in ("plan", "outcome") for what in ("publisher", "url")
]


def ledger(dataset: Dataset, country, start, outcomes) -> dict:
    """The plans-vs-reality table (both sources' publisher and URL) and rows per outcome."""
    rows = ledger_rows(dataset, country, start, outcomes)
    return {
        "counts": rows["outcome"].value_counts().to_dict(),
        "table": rows[LEDGER_SHOWN],
    }


def ledger_rows(dataset: Dataset, country, start, outcomes) -> pd.DataFrame:
    """The plans-vs-reality ledger with both sources' publisher and URL."""
    rows = dataset.derived(
        "ledger", lambda whole: plans.ledger(whole, transforms.latest_date(whole))
    )
    rows = transforms.filter_countries(rows, countries_for(country))
    if start is not None:
        rows = rows[rows["deadline"] >= start]
    rows = rows[rows["outcome"].isin(outcomes)]
    rows = with_source_columns(rows, dataset.sources, prefix="plan_")
    return with_source_columns(rows, dataset.sources, prefix="outcome_")


def data_table(dataset: Dataset, table: str, country, start, end, search) -> dict:
    """One table under the shared filters and a search, its size and its data dictionary."""
    dictionary = data_dictionary()
    return {
        "rows": _table(dataset, table, country, start, end, search),
        "total": len(dataset.table(table)),
        "dictionary": dictionary[dictionary["table"] == table],
    }


def sources(dataset: Dataset, kinds, search) -> dict:
    """Sources with citation counts, filtered; and the known disagreements."""
    cited = transforms.source_citations(dataset)
    shown = transforms.search_rows(cited[cited["kind"].isin(kinds)], search)
    variants = dataset.incidents[dataset.incidents["variant_of"].notna()]
    return {
        "count": len(cited),
        "newest": dataset.newest_source,
        "rows_citing": int(cited["rows_citing"].sum()),
        "table": shown[
            ["publisher", "title", "published", "kind", "rows_citing", "url", "source_id"]
        ],
        "disagreements": transforms.troop_disagreements(dataset.troop_levels),
        "variants": len(variants),
        "varied_attacks": variants["variant_of"].nunique(),
    }
