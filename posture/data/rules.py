"""Rules that span tables: references resolve, sources are used, nothing happens after the data."""

from __future__ import annotations

import pandas as pd

from posture.data.failures import Failure
from schemas import REGISTRY, TABLES


def _line(lines: dict[str, list[int]], table: str, index: int) -> int | None:
    table_lines = lines.get(table)
    return table_lines[index] if table_lines and index < len(table_lines) else None


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
                    target,
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
                    target,
                    "an actual milestone may only fulfil a planned one",
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
    ]
