"""The plans-vs-reality ledger: every planned item matched with what was later reported."""

from __future__ import annotations

import pandas as pd

from posture.analysis.transforms import format_level
from schemas.base_events import LEFT_EVENTS

STAY_EVENTS = {"retained", "reoccupied", "presence_reported", "expanded"}
LEDGER_COLUMNS = [
    "item",
    "country",
    "planned",
    "deadline",
    "announced",
    "plan_source_id",
    "outcome",
    "outcome_date",
    "days_late",
    "evidence",
    "outcome_source_id",
]


def _meets(report: pd.Series, target: int, qualifier: str) -> bool:
    value = report["best"] if pd.notna(report["best"]) else report["high"]
    if pd.isna(value):
        return False
    value = int(value)
    if qualifier == "fewer_than":
        return value < target
    if qualifier == "at_most":
        return value <= target
    if qualifier in ("more_than",):
        return value > target
    if qualifier == "at_least":
        return value >= target
    if target == 0:
        return value == 0
    # 'about', 'exact' or a range target: within a tenth of the target.
    return abs(value - target) <= 0.1 * target


def _row(**values) -> dict:
    return {column: values.get(column) for column in LEDGER_COLUMNS}


def _announced(plan_source: str, published: pd.Series, fallback: pd.Timestamp) -> pd.Timestamp:
    date = published.get(plan_source)
    return date if pd.notna(date) else fallback


def troop_plans(troops: pd.DataFrame, sources: pd.DataFrame, latest: pd.Timestamp) -> list[dict]:
    """Planned troop levels against the first report at or after the deadline.

    A report between the announcement and the deadline that already meets the target counts
    as met early. Without a report within a year after the deadline the plan is 'pending'
    (deadline not reached) or 'no report since'.
    """
    published = sources.set_index("source_id")["published"]
    reports_all = troops[troops["kind"] != "planned"].sort_values("as_of", kind="stable")
    rows = []
    for _, plan in troops[troops["kind"] == "planned"].iterrows():
        target = plan["best"] if pd.notna(plan["best"]) else plan["high"]
        if pd.isna(target):
            continue
        announced = published.get(plan["source_id"])
        since = _announced(plan["source_id"], published, plan["as_of"] - pd.DateOffset(years=1))
        reports = reports_all[
            (reports_all["country"] == plan["country"])
            & (reports_all["force"] == plan["force"])
            & (reports_all["as_of"] >= since)
        ]
        meets = reports.apply(_meets, axis=1, args=(int(target), plan["qualifier"])).astype(bool)
        window = reports[reports["as_of"] <= plan["as_of"] + pd.DateOffset(years=1)]
        no_deadline = pd.notna(announced) and plan["as_of"] <= announced
        if no_deadline:
            # No deadline stated (dated on its announcement): any report within a year that
            # meets the target counts; otherwise the last report of that year is the evidence.
            before = window[meets.reindex(window.index)]
            after = window.iloc[::-1]
        else:
            before = reports[(reports["as_of"] < plan["as_of"]) & meets]
            after = window[window["as_of"] >= plan["as_of"]]
        force = "US" if plan["force"] == "us" else plan["force"].capitalize()
        base = {
            "item": f"{force} troops in {plan['country']}",
            "country": plan["country"],
            "planned": format_level(plan),
            "deadline": plan["as_of"],
            "announced": announced,
            "plan_source_id": plan["source_id"],
        }
        if not before.empty:
            hit, outcome = before.iloc[0], "met"
        elif not after.empty:
            hit = after.iloc[0]
            outcome = "met" if _meets(hit, int(target), plan["qualifier"]) else "missed"
        else:
            outcome = "pending" if plan["as_of"] > latest else "no report since"
            rows.append(_row(**base, outcome=outcome))
            continue
        rows.append(
            _row(
                **base,
                outcome=outcome,
                outcome_date=hit["as_of"],
                days_late=None if no_deadline else (hit["as_of"] - plan["as_of"]).days,
                evidence=f"{format_level(hit)} reported",
                outcome_source_id=hit["source_id"],
            )
        )
    return rows


def base_plans(
    bases: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame, latest: pd.Timestamp
) -> list[dict]:
    """Planned base events against the actual events after the announcement.

    A plan to leave is met by a handover or vacating and reversed when forces are reported
    staying (retained, reoccupied, present) instead or afterwards. A plan to stay or expand is
    met by a report of presence and reversed by a handover or vacating before its deadline.
    """
    published = sources.set_index("source_id")["published"]
    names = bases.set_index("base_id")["name"]
    countries = bases.set_index("base_id")["country"]
    actual = events[events["kind"] == "actual"].sort_values("date", kind="stable")
    rows = []
    for _, plan in events[events["kind"] == "planned"].iterrows():
        announced = published.get(plan["source_id"])
        since = _announced(plan["source_id"], published, plan["date"] - pd.DateOffset(years=1))
        after = actual[(actual["base_id"] == plan["base_id"]) & (actual["date"] >= since)]
        leaving = plan["event"] in LEFT_EVENTS or plan["event"] == "withdrawal_announced"
        goal, contrary = (
            (LEFT_EVENTS, STAY_EVENTS) if leaving else (STAY_EVENTS | {plan["event"]}, LEFT_EVENTS)
        )
        done = after[after["event"].isin(goal)]
        against = after[after["event"].isin(contrary)]
        if not leaving:
            against = against[against["date"] <= plan["date"]]
        label = plan["event"].replace("_", " ")
        base = {
            "item": f"{names.get(plan['base_id'], plan['base_id'])}: {label}",
            "country": countries.get(plan["base_id"]),
            "planned": label,
            "deadline": plan["date"],
            "announced": announced,
            "plan_source_id": plan["source_id"],
        }
        hit = done.iloc[0] if not done.empty else None
        undo = None
        if not against.empty:
            later = against if hit is None else against[against["date"] > hit["date"]]
            undo = later.iloc[0] if not later.empty else None
        if undo is not None:
            first = (
                ""
                if hit is None
                else f"{hit['event'].replace('_', ' ')} on {hit['date']:%Y-%m-%d}, then "
            )
            rows.append(
                _row(
                    **base,
                    outcome="reversed",
                    outcome_date=undo["date"],
                    days_late=None if hit is None else (hit["date"] - plan["date"]).days,
                    evidence=first + undo["event"].replace("_", " "),
                    outcome_source_id=undo["source_id"],
                )
            )
        elif hit is not None:
            rows.append(
                _row(
                    **base,
                    outcome="met",
                    outcome_date=hit["date"],
                    days_late=(hit["date"] - plan["date"]).days,
                    evidence=hit["event"].replace("_", " "),
                    outcome_source_id=hit["source_id"],
                )
            )
        else:
            rows.append(_row(**base, outcome="pending" if plan["date"] > latest else "missed"))
    return rows


def milestone_plans(milestones: pd.DataFrame, latest: pd.Timestamp) -> list[dict]:
    """Planned milestones against the actual milestones that name them in ``fulfils``."""
    actual = milestones[milestones["status"] == "actual"].sort_values("date")
    rows = []
    for _, plan in milestones[milestones["status"] == "planned"].iterrows():
        done = actual[actual["fulfils"] == plan["milestone_id"]]
        base = {
            "item": plan["title"],
            "country": plan["country"],
            "planned": plan["kind"],
            "deadline": plan["date"],
            "announced": None,
            "plan_source_id": plan["source_id"],
        }
        if not done.empty:
            hit = done.iloc[0]
            rows.append(
                _row(
                    **base,
                    outcome="met",
                    outcome_date=hit["date"],
                    days_late=(hit["date"] - plan["date"]).days,
                    evidence=hit["title"],
                    outcome_source_id=hit["source_id"],
                )
            )
        else:
            rows.append(_row(**base, outcome="pending" if plan["date"] > latest else "missed"))
    return rows


def ledger(dataset, latest: pd.Timestamp) -> pd.DataFrame:
    """Every planned item with its outcome: met, missed, reversed, pending or no report since.

    ``days_late`` is negative when a plan was met early.
    """
    rows = [
        *troop_plans(dataset.troop_levels, dataset.sources, latest),
        *base_plans(dataset.bases, dataset.base_events, dataset.sources, latest),
        *milestone_plans(dataset.milestones, latest),
    ]
    out = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    for column in ("deadline", "announced", "outcome_date"):
        out[column] = pd.to_datetime(out[column])
    out["days_late"] = out["days_late"].astype("Int64")
    return out.sort_values(["deadline", "item"], kind="stable").reset_index(drop=True)
