"""Pure transforms of the dataset: filters, posture at a date and headline figures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from posture.data.dataset import Dataset
from schemas import REGISTRY, SHARED_SCOPES
from schemas.base_events import HELD_EVENTS, LEFT_EVENTS

KIND_ORDER = {"official": 0, "reported": 1, "planned": 2}
# Reports of how many troops are there; caps (fml) and plans measure something else.
PRESENCE_BASES = ("count", "estimate")
# A site counts as held on a date only while its last report of forces there is at most this
# many days old; after that its status is "unconfirmed" (no report since).
FRESH_DAYS = 365
SITE_STATUSES = ["held", "unconfirmed", "left", "not yet"]
# A step line carries a level forward to the next report only if that report comes within
# this many days; a longer silence is drawn as a gap, not as an assumed constant level.
MAX_CARRY_DAYS = 550


def in_countries(values: pd.Series, countries: Iterable[str]) -> pd.Series:
    """True where a country cell concerns one of ``countries``: it names one of them, or a
    shared scope (such as "Iraq and Syria", see ``schemas.SHARED_SCOPES``) that covers one."""
    wanted = set(countries)
    shared = [scope for scope, covered in SHARED_SCOPES.items() if wanted & set(covered)]
    return values.isin([*wanted, *shared]).astype(bool)


def filter_countries(
    df: pd.DataFrame, countries: Iterable[str] | None, column: str = "country"
) -> pd.DataFrame:
    """Keep rows whose ``column`` concerns one of ``countries`` (all rows when None)."""
    if countries is None:
        return df
    return df[in_countries(df[column], countries)]


def filter_table(
    dataset: Dataset,
    table: str,
    countries: list[str] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    search: str | None = None,
) -> pd.DataFrame:
    """One table restricted to countries, a date range and a free-text search: the rows every
    page shows and every download holds.

    A table's country and date columns come from its spec. A table without a country column
    takes the country of the row a foreign key points to (base events: their base's); a table
    with neither country nor date follows the filtered rows that refer to it (sources: those
    cited; nations: those with contributions in view).
    """
    spec = REGISTRY[table]
    frame = dataset.table(table)
    if spec.country_column is None and spec.date_column is None:
        if countries is not None or start is not None or end is not None:
            frame = frame[
                frame[_key_of(table)].isin(_referenced(dataset, table, countries, start, end))
            ]
    else:
        if countries is not None:
            frame = frame[_country_mask(dataset, table, frame, countries)]
        if spec.date_column is not None:
            frame = filter_dates(frame, start, end, spec.date_column)
    if search:
        frame = search_rows(frame, search)
    return frame.reset_index(drop=True)


def _key_of(table: str) -> str:
    """The single column other tables refer to ``table`` by."""
    return REGISTRY[table].primary_key[0]


def _referenced(
    dataset: Dataset,
    table: str,
    countries: list[str] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> set[object]:
    """Keys of ``table`` that the filtered rows of other tables refer to."""
    keys: set[object] = set()
    for other, spec in REGISTRY.items():
        for column, (target, _) in spec.foreign_keys.items():
            if target == table and other != table:
                rows = filter_table(dataset, other, countries, start, end)
                keys |= set(rows[column].dropna())
    return keys


def _country_mask(
    dataset: Dataset, table: str, frame: pd.DataFrame, countries: list[str]
) -> pd.Series[bool]:
    """Rows of ``frame`` about ``countries``: by its own country column, else through the first
    foreign key whose table has one (all rows when neither exists)."""
    spec = REGISTRY[table]
    if spec.country_column is not None:
        return in_countries(frame[spec.country_column], countries)
    for column, (target, target_column) in spec.foreign_keys.items():
        target_spec = REGISTRY[target]
        if target_spec.country_column is not None and target != table:
            targets = dataset.table(target)
            keep = targets.loc[in_countries(targets[target_spec.country_column], countries)]
            return frame[column].isin(set(keep[target_column]))
    return pd.Series(True, index=frame.index)


def search_rows(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any text cell contains ``text`` (case-insensitive)."""
    needle = text.strip().lower()
    if not needle:
        return frame
    mask = pd.Series(False, index=frame.index)
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("str", "string"):
            mask |= (
                frame[column].fillna("").astype(str).str.lower().str.contains(needle, regex=False)
            )
    return frame[mask]


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
    low, best, high = (_whole(row.get(k)) for k in ("low", "best", "high"))
    if low is not None and high is not None and best is None:
        return f"{low:,}–{high:,}"
    if best is None:
        return "unknown"
    text = words.get(str(row.get("qualifier")), "") + f"{best:,}"
    if low is not None and high is not None:
        text += f" (range {low:,}–{high:,})"
    elif high is not None:
        text += f" (up to {high:,})"
    elif low is not None:
        text += f" (at least {low:,})"
    return text


def _whole(value: Any) -> int | None:
    """A figure as an int, or None when it is missing."""
    return None if value is None or pd.isna(value) else int(value)


def standing_events(events: pd.DataFrame) -> pd.DataFrame:
    """Actual events that no later source contradicts: what a site's status rests on."""
    return events[(events["kind"] == "actual") & events["contradicted_by"].isna()]


def presence_reports(events: pd.DataFrame, incidents: pd.DataFrame | None) -> pd.DataFrame:
    """Dated reports that forces were at a site: standing actual events, plus attacks on the
    site recorded in this dataset (first reports of hostile incidents naming the base), which
    refresh a held site's status but never undo a departure."""
    rows = standing_events(events)[["base_id", "date", "event", "source_id"]]
    if incidents is None or incidents.empty:
        return rows
    attacks = first_reports(attacks_only(incidents))
    attacks = attacks[attacks["base_id"].notna()]
    hits = attacks[["base_id", "date", "source_id"]].assign(event="attack_recorded")
    return pd.concat([rows, hits], ignore_index=True)


def base_status_at(
    bases: pd.DataFrame,
    events: pd.DataFrame,
    date: pd.Timestamp,
    incidents: pd.DataFrame | None = None,
    fresh_days: int = FRESH_DAYS,
) -> pd.DataFrame:
    """Each site with its status on ``date`` from the standing actual events up to that day.

    ``held``: the last event says forces are there, and it (or a recorded attack on the site
    since, when ``incidents`` are given) is at most ``fresh_days`` old; ``unconfirmed``: the
    last such report is older; ``left``: handed over or vacated; ``not yet``: no actual event
    on or before the date. ``last_event``, ``last_reported`` and ``event_source_id`` name the
    report it rests on.
    """
    date = pd.Timestamp(date)
    reports = presence_reports(events, incidents)
    reports = reports[reports["date"] <= date].sort_values(["base_id", "date"], kind="stable")
    chosen: dict[str, tuple[str, str, pd.Timestamp, str]] = {}
    for base_id, rows in reports.groupby("base_id", sort=False):
        real = rows[rows["event"] != "attack_recorded"]
        if real.empty:
            continue
        last = real.iloc[-1]
        # A departure rests on itself; a held site on its newest report since (an attack on
        # it recorded later keeps it current).
        rest = last if last["event"] in LEFT_EVENTS else rows.iloc[-1]
        chosen[str(base_id)] = (last["event"], rest["event"], rest["date"], rest["source_id"])
    out = bases.copy()
    picked = [chosen.get(b, (None, None, pd.NaT, None)) for b in out["base_id"]]
    status_event = pd.Series([p[0] for p in picked], index=out.index, dtype="object")
    out["last_event"] = pd.Series([p[1] for p in picked], index=out.index, dtype="str")
    out["last_reported"] = pd.to_datetime(pd.Series([p[2] for p in picked], index=out.index))
    out["event_source_id"] = pd.Series([p[3] for p in picked], index=out.index, dtype="str")
    fresh = (date - out["last_reported"]).dt.days <= fresh_days
    held = status_event.isin(HELD_EVENTS)
    out["status"] = "not yet"
    out.loc[held & fresh, "status"] = "held"
    out.loc[held & ~fresh, "status"] = "unconfirmed"
    out.loc[status_event.isin(LEFT_EVENTS), "status"] = "left"
    return out.reset_index(drop=True)


def count_by_status(status: pd.DataFrame) -> pd.DataFrame:
    """Sites per country and status (columns held, unconfirmed, left, not yet), from
    ``base_status_at`` output."""
    table = status.groupby(["country", "status"]).size().unstack(fill_value=0)
    return table.reindex(columns=SITE_STATUSES, fill_value=0).astype(int)


def first_reports(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per attack: drop rows that are other reports of an attack already listed."""
    return incidents[incidents["variant_of"].isna()]


def attacks_only(incidents: pd.DataFrame) -> pd.DataFrame:
    """Reports of attacks: without the losses whose first report says hostile action did not
    cause them (crashes, accidents), nor the other reports of those losses."""
    firsts = incidents["variant_of"].isna()
    losses = incidents.loc[firsts & (incidents["hostile"] == "no"), "incident_id"]
    attack = incidents["variant_of"].fillna(incidents["incident_id"])
    return incidents[~attack.isin(losses)]


def losses(incidents: pd.DataFrame) -> pd.DataFrame:
    """First reports of losses that hostile action did not cause (listed, never counted)."""
    return incidents[incidents["variant_of"].isna() & (incidents["hostile"] == "no")]


def incidents_in_last_months(
    incidents: pd.DataFrame, end: pd.Timestamp, months: int = 12
) -> pd.DataFrame:
    """Attacks (first reports, losses left out) dated in the ``months`` months up to and
    including ``end``."""
    end = pd.Timestamp(end)
    start = end - pd.DateOffset(months=months)
    rows = first_reports(attacks_only(incidents))
    return rows[(rows["date"] > start) & (rows["date"] <= end)]


def latest_date(dataset: Dataset) -> pd.Timestamp:
    """The newest date of anything that actually happened in the data: 'today' for every view
    (plans, which may lie in the future, do not count)."""
    candidates = [
        dataset.table(name).loc[spec.actual_rows(dataset.table(name)), spec.date_column].max()
        for name, spec in REGISTRY.items()
        if spec.actual_rows is not None and spec.date_column is not None
    ]
    return max(pd.Timestamp(c) for c in candidates if not pd.isna(c))


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


def primary_levels(troops: pd.DataFrame, by_basis: bool = True) -> pd.DataFrame:
    """One level per country, force, basis (unless ``by_basis`` is False) and date: official
    before reported. Other reports for the same date stay in the data and are drawn as markers."""
    rows = troops[(troops["kind"] != "planned") & troops["best"].notna()]
    order = rows["kind"].map(KIND_ORDER)
    keys = ["country", "force", *(["basis"] if by_basis else []), "as_of"]
    rows = rows.assign(_order=order).sort_values([*keys, "_order"], kind="stable")
    return rows.groupby(keys, as_index=False).head(1).drop(columns="_order")


def month_range(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """First days of every month from ``start``'s month to ``end``'s month."""
    return pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), end, freq="MS")


def levels_by_month(
    troops: pd.DataFrame, country: str, months: pd.DatetimeIndex, force: str = "us"
) -> pd.DataFrame:
    """Troops present at the end of each month: the latest report of troops present in the whole
    country (headcounts and estimates, ``PRESENCE_BASES``; never caps or plans), carried at most
    ``MAX_CARRY_DAYS``; months without one are empty (unknown), never filled.

    Returns month, low, best, high (low/high fall back to best where the report has no range)
    and the as_of date, basis and source of the report used.
    """
    rows = troops[
        (troops["country"] == country)
        & (troops["force"] == force)
        & troops["basis"].isin(PRESENCE_BASES)
        & (troops["scope"] == "country")
    ]
    rows = primary_levels(rows, by_basis=False).sort_values("as_of").reset_index(drop=True)
    month_ends = pd.DatetimeIndex(months) + pd.offsets.MonthEnd(0)
    # The latest report on or before each month end (one per date after primary_levels).
    position = rows["as_of"].searchsorted(month_ends, side="right") - 1
    # Position -1 (no report yet) is a label the index lacks: reindex gives an empty row.
    picked = rows.reindex(position).reset_index(drop=True)
    age = (pd.Series(month_ends) - picked["as_of"]).dt.days
    keep = age <= MAX_CARRY_DAYS
    best = picked["best"].astype("Float64").where(keep)
    return pd.DataFrame(
        {
            "month": pd.DatetimeIndex(months),
            "low": picked["low"].astype("Float64").fillna(best).where(keep),
            "best": best,
            "high": picked["high"].astype("Float64").fillna(best).where(keep),
            "as_of": picked["as_of"].where(keep),
            "basis": picked["basis"].where(keep),
            "source_id": picked["source_id"].where(keep),
        }
    )


def held_by_month(
    bases: pd.DataFrame,
    events: pd.DataFrame,
    months: pd.DatetimeIndex,
    incidents: pd.DataFrame | None = None,
    fresh_days: int = FRESH_DAYS,
) -> pd.DataFrame:
    """Sites held per country at the end of each month: the ``base_status_at`` rule on every
    month end, in two as-of joins (the last event, and the newest report of presence);
    ``unconfirmed`` counts the sites whose last report is older than ``fresh_days``."""
    reports = presence_reports(events, incidents).sort_values("date", kind="stable")
    grid = pd.DataFrame(
        [(month + pd.offsets.MonthEnd(0), month) for month in months], columns=["date", "month"]
    ).merge(bases[["base_id", "country"]], how="cross")
    grid = grid.sort_values("date", kind="stable")
    real = reports[reports["event"] != "attack_recorded"][["base_id", "date", "event"]]
    joined = pd.merge_asof(
        grid,
        real.rename(columns={"date": "event_date"}),
        left_on="date",
        right_on="event_date",
        by="base_id",
        direction="backward",
    )
    joined = pd.merge_asof(
        joined.sort_values("date", kind="stable"),
        reports[["base_id", "date"]].rename(columns={"date": "reported"}),
        left_on="date",
        right_on="reported",
        by="base_id",
        direction="backward",
    )
    present = joined["event"].isin(HELD_EVENTS)
    fresh = (joined["date"] - joined["reported"]).dt.days <= fresh_days
    joined["held"] = present & fresh
    joined["unconfirmed"] = present & ~fresh
    out = joined.groupby(["month", "country"], as_index=False)[["held", "unconfirmed"]].sum()
    out[["held", "unconfirmed"]] = out[["held", "unconfirmed"]].astype(int)
    return out.sort_values(["month", "country"]).reset_index(drop=True)


def base_lifecycle(bases: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per site: first and last standing actual event, and whether it was left.

    ``end`` is the date of the last standing actual event; ``left`` says whether that event was
    a handover or vacating, so a bar that ends without it means 'last reported there'.
    """
    actual = standing_events(events).sort_values("date")
    first = actual.groupby("base_id")["date"].min()
    last = actual.groupby("base_id").tail(1).set_index("base_id")
    out = bases[["base_id", "name", "country"]].copy()
    out["start"] = out["base_id"].map(first)
    out["end"] = out["base_id"].map(last["date"])
    out["last_event"] = out["base_id"].map(last["event"])
    out["left"] = out["last_event"].isin(LEFT_EVENTS)
    return out.sort_values(["country", "start", "name"], kind="stable").reset_index(drop=True)


def presence_by_year(contributions: pd.DataFrame, nations: pd.DataFrame) -> pd.DataFrame:
    """Nation × year: number of contribution reports (0 = none read for that year)."""
    rows = contributions.assign(year=contributions["as_of"].dt.year)
    table = rows.groupby(["iso3", "year"]).size().unstack(fill_value=0)
    names = nations.set_index("iso3")["name"]
    table.index = [names.get(code, code) for code in table.index]
    return table.sort_index()


def nations_by_mission_year(contributions: pd.DataFrame) -> pd.DataFrame:
    """Number of distinct nations reported per mission and year."""
    rows = contributions.assign(year=contributions["as_of"].dt.year)
    out = rows.groupby(["year", "mission"])["iso3"].nunique().reset_index(name="nations")
    return out.sort_values(["year", "mission"]).reset_index(drop=True)


def source_citations(dataset: Dataset) -> pd.DataFrame:
    """Every source with the number of rows citing it, per table and in total."""
    counts = pd.DataFrame(index=dataset.sources["source_id"])
    for table, spec in REGISTRY.items():
        if spec.cites_sources:
            counts[table] = dataset.table(table)["source_id"].value_counts()
    counts = counts.fillna(0).astype(int)
    out = dataset.sources.merge(
        counts.sum(axis=1).rename("rows_citing"), left_on="source_id", right_index=True
    )
    return out.sort_values(["rows_citing", "source_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def troop_disagreements(troops: pd.DataFrame) -> pd.DataFrame:
    """Country, force and month where reports of troops present in the whole country give
    different figures (caps, plans and partial counts are other measures)."""
    rows = troops[
        (troops["kind"] != "planned")
        & troops["best"].notna()
        & troops["basis"].isin(PRESENCE_BASES)
        & (troops["scope"] == "country")
    ]
    rows = rows.assign(month=rows["as_of"].dt.to_period("M").dt.to_timestamp())
    grouped = rows.groupby(["country", "force", "month"])
    out = grouped.agg(
        reports=("best", "size"),
        lowest=("best", "min"),
        highest=("best", "max"),
        bases=("basis", lambda s: ", ".join(sorted(set(s)))),
        sources=("source_id", lambda s: "; ".join(sorted(set(s)))),
    ).reset_index()
    return out[out["lowest"] != out["highest"]].reset_index(drop=True)


# How a site's status changed between two dates, most newsworthy first. Held means a report
# of forces there at most FRESH_DAYS old; anything involving "unconfirmed" (an older report)
# is a class of its own, never counted as held or as not held.
CHANGES = ["lost", "gained", "unconfirmed", "held at both", "not held"]
CHANGE_RULES = {
    "lost": "held at A; left or no report yet at B",
    "gained": "left or no report yet at A; held at B",
    "unconfirmed": "unconfirmed (last report of forces there over 12 months old) at A or B",
    "held at both": "held at both dates",
    "not held": "left or no report yet at both dates",
}


def classify_change(status_a: str, status_b: str) -> str:
    """The change class (one of ``CHANGES``) of a site held, unconfirmed, left or not yet at
    date A and at date B (``base_status_at``'s statuses); ``CHANGE_RULES`` says each in words."""
    for status in (status_a, status_b):
        if status not in SITE_STATUSES:
            raise ValueError(f"unknown site status {status!r}; expected one of {SITE_STATUSES}")
    if "unconfirmed" in (status_a, status_b):
        return "unconfirmed"
    held_a, held_b = status_a == "held", status_b == "held"
    if held_a and held_b:
        return "held at both"
    if held_a:
        return "lost"
    if held_b:
        return "gained"
    return "not held"


def compare_status(status_a: pd.DataFrame, status_b: pd.DataFrame) -> pd.DataFrame:
    """One row per site of ``status_a`` with its status at A and at B, the report each rests
    on, and the change class (``classify_change``); both frames are ``base_status_at`` output
    for the same sites."""
    columns = ["base_id", "status", "last_event", "last_reported", "event_source_id"]
    merged = status_a.merge(
        status_b[columns], on="base_id", how="left", suffixes=("_a", "_b"), validate="one_to_one"
    )
    merged["change"] = [
        classify_change(a, b) for a, b in zip(merged["status_a"], merged["status_b"], strict=True)
    ]
    return merged
