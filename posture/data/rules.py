"""Rules that span tables: references resolve, sources are used, nothing happens after the data."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from posture.data.failures import Failure
from schemas import REGISTRY, TABLES
from schemas.base_events import HELD_EVENTS, LEFT_EVENTS, REENTRY_EVENTS


def _line(lines: dict[str, list[int]], table: str, index: Hashable) -> int | None:
    table_lines = lines.get(table)
    if not table_lines or not isinstance(index, int | np.integer):
        return None
    return table_lines[int(index)] if int(index) < len(table_lines) else None


def _fmt(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def dangling_references(
    frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]
) -> list[Failure]:
    """Every foreign-key value names an existing row."""
    failures = []
    for table, frame in frames.items():
        for column, (target, target_column) in REGISTRY[table].foreign_keys.items():
            if target not in frames:
                continue
            known = set(frames[target][target_column].dropna())
            values = frame[column]
            bad = values.notna() & ~values.isin(known)
            for index in frame.index[bad]:
                failures.append(
                    Failure(
                        f"{table}.csv",
                        _line(lines, table, index),
                        column,
                        f"{column}_resolves",
                        _fmt(values[index]),
                        f"no {target_column} {values[index]!r} in {target}.csv",
                    )
                )
    return failures


def unused_sources(frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]) -> list[Failure]:
    """Every source is cited by at least one row."""
    if set(frames) != set(TABLES):
        return []
    cited: set[str] = set()
    for table, frame in frames.items():
        for column, target in REGISTRY[table].foreign_keys.items():
            if target == ("sources", "source_id"):
                cited |= set(frame[column].dropna())
    sources = frames["sources"]
    return [
        Failure(
            "sources.csv",
            _line(lines, "sources", index),
            "source_id",
            "source_is_cited",
            row.source_id,
            "cite it from a row or remove it",
        )
        for index, row in sources.iterrows()
        if row.source_id not in cited
    ]


def actual_after_newest_source(
    frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]
) -> list[Failure]:
    """Nothing actual is dated after the newest source was read."""
    if "sources" not in frames:
        return []
    newest = frames["sources"]["accessed"].max()
    failures = []
    for table, frame in frames.items():
        spec = REGISTRY[table]
        column = spec.date_column
        if spec.actual_rows is None or column is None:
            continue
        late = spec.actual_rows(frame) & (frame[column] > newest)
        for index in frame.index[late]:
            failures.append(
                Failure(
                    f"{table}.csv",
                    _line(lines, table, index),
                    column,
                    "actual_not_after_newest_source",
                    _fmt(frame.at[index, column]),
                    f"newest source was read on {_fmt(newest)}; mark plans as planned",
                )
            )
    return failures


def bad_self_links(frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]) -> list[Failure]:
    """variant_of names a first report; fulfils names a planned milestone."""
    failures = []
    incidents = frames.get("incidents", pd.DataFrame(columns=["incident_id", "variant_of"]))
    firsts = set(incidents.loc[incidents["variant_of"].isna(), "incident_id"])
    for index in incidents.index[incidents["variant_of"].notna()]:
        target = incidents.at[index, "variant_of"]
        if target not in firsts:
            failures.append(
                Failure(
                    "incidents.csv",
                    _line(lines, "incidents", index),
                    "variant_of",
                    "variant_of_first_report",
                    str(target),
                    "name the first report of the attack, which has an empty variant_of",
                )
            )
    milestones = frames.get(
        "milestones", pd.DataFrame(columns=["milestone_id", "status", "fulfils"])
    )
    planned = set(milestones.loc[milestones["status"] == "planned", "milestone_id"])
    for index in milestones.index[milestones["fulfils"].notna()]:
        target = milestones.at[index, "fulfils"]
        if target not in planned or milestones.at[index, "status"] != "actual":
            failures.append(
                Failure(
                    "milestones.csv",
                    _line(lines, "milestones", index),
                    "fulfils",
                    "fulfils_planned_milestone",
                    str(target),
                    "an actual milestone may only fulfil a planned one",
                )
            )
    return failures


def _standing_events(events: pd.DataFrame) -> pd.DataFrame:
    """Actual events that no later source contradicts, in date order per base."""
    rows = events[(events["kind"] == "actual") & events["contradicted_by"].isna()]
    return rows.sort_values(["base_id", "date"], kind="stable")


def lifecycle_contradictions(
    frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]
) -> list[Failure]:
    """A site's actual events hold together: no departure and report of presence on the same
    day, and no report of presence after a departure without a re-entry in between (mark an
    event that a later source contradicts in contradicted_by)."""
    if "base_events" not in frames:
        return []
    failures = []
    for base_id, rows in _standing_events(frames["base_events"]).groupby("base_id", sort=False):
        for date, day in rows.groupby("date", sort=False):
            left = day[day["event"].isin(LEFT_EVENTS)]
            present = day[day["event"].isin(HELD_EVENTS - {"reduced", "withdrawal_announced"})]
            if len(left) and len(present):
                index = present.index[0]
                failures.append(
                    Failure(
                        "base_events.csv",
                        _line(lines, "base_events", index),
                        "event",
                        "no_departure_and_presence_same_day",
                        f"{base_id} {_fmt(date)}: {', '.join(sorted(set(day['event'])))}",
                        "one of them is wrong or describes another site: correct it, or name "
                        "the source that contradicts it in contradicted_by",
                    )
                )
        gone_since = None
        for index, row in rows.iterrows():
            if row["event"] in LEFT_EVENTS:
                gone_since = gone_since or row["date"]
            elif row["event"] in REENTRY_EVENTS:
                gone_since = None
            elif gone_since is not None and row["date"] > gone_since:
                failures.append(
                    Failure(
                        "base_events.csv",
                        _line(lines, "base_events", index),
                        "event",
                        "reentry_before_presence",
                        f"{base_id}: {row['event']} on {_fmt(row['date'])} after leaving on "
                        f"{_fmt(gone_since)}",
                        "add the sourced return (reoccupied or established) before it, or mark "
                        "the departure as contradicted",
                    )
                )
    return failures


def bad_revisions(frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]) -> list[Failure]:
    """revises names another report of the same attack (not itself), without loops."""
    incidents = frames.get("incidents")
    if incidents is None:
        return []
    attack = incidents["variant_of"].fillna(incidents["incident_id"])
    attack_of = dict(zip(incidents["incident_id"], attack, strict=True))
    revises = dict(zip(incidents["incident_id"], incidents["revises"], strict=True))
    failures = []
    for index in incidents.index[incidents["revises"].notna()]:
        row = incidents.loc[index]
        target = row["revises"]
        problem = None
        if target == row["incident_id"]:
            problem = "a report cannot revise itself"
        elif attack_of.get(target) != attack.loc[index]:
            problem = "name a report of the same attack (the same first report in variant_of)"
        else:
            seen, step = {row["incident_id"]}, target
            while isinstance(step, str) and step not in seen:
                seen.add(step)
                step = revises.get(step)
            if step == row["incident_id"]:
                problem = "revisions go round in a loop"
        if problem:
            failures.append(
                Failure(
                    "incidents.csv",
                    _line(lines, "incidents", index),
                    "revises",
                    "revises_same_attack",
                    str(target),
                    problem,
                )
            )
    return failures


def cross_table_failures(
    frames: dict[str, pd.DataFrame], lines: dict[str, list[int]]
) -> list[Failure]:
    """Run every cross-table rule."""
    return [
        *dangling_references(frames, lines),
        *unused_sources(frames, lines),
        *actual_after_newest_source(frames, lines),
        *bad_self_links(frames, lines),
        *lifecycle_contradictions(frames, lines),
        *bad_revisions(frames, lines),
    ]
