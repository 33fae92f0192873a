"""Row-level differences between two copies of the dataset, matched by each table's key."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from schemas import REGISTRY, TABLES

Row = dict[str, str]


@dataclass
class TableDiff:
    """Rows added, removed and changed in one table; changes list (column, old, new)."""

    table: str
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[tuple[tuple[str, ...], list[tuple[str, str, str]]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _read(path: Path) -> list[Row]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def _keyed(rows: list[Row], key: list[str]) -> dict[tuple[str, ...], Row]:
    keyed: dict[tuple[str, ...], Row] = {}
    for row in rows:
        base = tuple(row.get(column, "") for column in key)
        # Repeated keys (a broken file) are told apart by their order of appearance.
        candidate, n = base, 1
        while candidate in keyed:
            n += 1
            candidate = (*base, f"#{n}")
        keyed[candidate] = row
    return keyed


def diff_table(table: str, old: list[Row], new: list[Row]) -> TableDiff:
    """Compare two versions of one table by its primary key."""
    key = list(REGISTRY[table].primary_key)
    before, after = _keyed(old, key), _keyed(new, key)
    result = TableDiff(table)
    result.added = [after[k] for k in after if k not in before]
    result.removed = [before[k] for k in before if k not in after]
    for k in after:
        if k in before and before[k] != after[k]:
            columns = list(dict.fromkeys([*before[k], *after[k]]))
            changes = [
                (c, before[k].get(c, ""), after[k].get(c, ""))
                for c in columns
                if before[k].get(c, "") != after[k].get(c, "")
            ]
            result.changed.append((k, changes))
    return result


def diff_dirs(old_dir: Path, new_dir: Path) -> list[TableDiff]:
    """Compare every table of two data directories."""
    return [
        diff_table(t, _read(Path(old_dir) / f"{t}.csv"), _read(Path(new_dir) / f"{t}.csv"))
        for t in TABLES
    ]


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_diff(diffs: list[TableDiff], detail: bool = True) -> str:
    """A review-friendly report: a summary line per table, then the rows."""
    lines = []
    for d in diffs:
        lines.append(
            f"{d.table}: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed"
        )
        if not detail:
            continue
        key = list(REGISTRY[d.table].primary_key)
        for row in d.added:
            lines.append("  + " + " | ".join(row.get(c, "") for c in key))
        for row in d.removed:
            lines.append("  - " + " | ".join(row.get(c, "") for c in key))
        for k, changes in d.changed:
            shown = "; ".join(f"{c}: {_short(a)!r} -> {_short(b)!r}" for c, a, b in changes)
            lines.append("  ~ " + " | ".join(k) + f": {shown}")
    return "\n".join(lines)
