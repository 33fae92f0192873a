"""Row-level differences between two copies of the dataset, matched by each table's key."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from schemas import REGISTRY, TABLES

Row = dict[str, str]


Key = tuple[str, ...]
Changes = list[tuple[str, str, str]]


@dataclass
class TableDiff:
    """Rows added, removed, changed and moved in one table; changes list (column, old, new).

    A row is *moved* when only an id it refers to changed (its base renamed or merged into
    another); ``renamed`` maps an id of this table that disappeared to the id its rows now
    use, when the other tables show one.
    """

    table: str
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[tuple[Key, Changes]] = field(default_factory=list)
    moved: list[tuple[Key, Key, Changes]] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    merged: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved)


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


def _changes(before: Row, after: Row) -> Changes:
    columns = list(dict.fromkeys([*before, *after]))
    return [
        (c, before.get(c, ""), after.get(c, ""))
        for c in columns
        if before.get(c, "") != after.get(c, "")
    ]


def diff_table(
    table: str, old: list[Row], new: list[Row], moves: dict[str, dict[str, str]] | None = None
) -> TableDiff:
    """Compare two versions of one table by its primary key.

    ``moves`` maps a key column to {old id: new id} (ids renamed or merged elsewhere): an old
    row whose key differs from a new row's only by such an id is reported as moved.
    """
    key = list(REGISTRY[table].primary_key)
    before, after = _keyed(old, key), _keyed(new, key)
    result = TableDiff(table)
    moved_to: dict[Key, Key] = {}
    for k, row in before.items():
        if k in after or not moves:
            continue
        shifted = {c: moves.get(c, {}).get(v, v) for c, v in row.items()}
        target = tuple(shifted.get(c, "") for c in key)
        if target != k and target in after and target not in before:
            moved_to[k] = target
    taken = set(moved_to.values())
    result.added = [after[k] for k in after if k not in before and k not in taken]
    result.removed = [before[k] for k in before if k not in after and k not in moved_to]
    result.moved = [(k, n, _changes(before[k], after[n])) for k, n in moved_to.items()]
    for k in after:
        if k in before and before[k] != after[k]:
            result.changed.append((k, _changes(before[k], after[k])))
    return result


def _moves(old: dict[str, list[Row]], new: dict[str, list[Row]]) -> dict[str, dict[str, str]]:
    """Per referenced table, the ids whose rows elsewhere now refer to another id: for each key
    column that is a foreign key, rows equal in the rest of their key but for that id."""
    found: dict[str, dict[str, str]] = {}
    for table, spec in REGISTRY.items():
        key = list(spec.primary_key)
        for column, (target, _) in spec.foreign_keys.items():
            if column not in key or target == table:
                continue
            rest = [c for c in key if c != column]
            after: dict[Key, set[str]] = {}
            for row in new.get(table, []):
                after.setdefault(tuple(row.get(c, "") for c in rest), set()).add(
                    row.get(column, "")
                )
            before_keys = {tuple(r.get(c, "") for c in key) for r in old.get(table, [])}
            votes: dict[str, set[str]] = {}
            for row in old.get(table, []):
                value = row.get(column, "")
                others = after.get(tuple(row.get(c, "") for c in rest), set()) - {value}
                if value in after.get(tuple(row.get(c, "") for c in rest), set()):
                    continue
                candidates = {
                    o
                    for o in others
                    if tuple(o if c == column else row.get(c, "") for c in key) not in before_keys
                }
                if len(candidates) == 1:
                    votes.setdefault(value, set()).update(candidates)
            for value, targets in votes.items():
                if len(targets) == 1:
                    found.setdefault(target, {})[value] = targets.pop()
    return found


def diff_dirs(old_dir: Path, new_dir: Path) -> list[TableDiff]:
    """Compare every table of two data directories; rows that only follow a renamed or merged
    id are reported as moved, and the id's disappearance as a rename."""
    old = {t: _read(Path(old_dir) / f"{t}.csv") for t in TABLES}
    new = {t: _read(Path(new_dir) / f"{t}.csv") for t in TABLES}
    moves = _moves(old, new)
    diffs = []
    for table, spec in REGISTRY.items():
        by_column = {
            column: moves[target]
            for column, (target, _) in spec.foreign_keys.items()
            if target in moves and target != table
        }
        result = diff_table(table, old[table], new[table], by_column)
        gone = {r.get(spec.primary_key[0], "") for r in result.removed}
        result.renamed = {a: b for a, b in moves.get(table, {}).items() if a in gone}
        existed = {r.get(spec.primary_key[0], "") for r in old[table]}
        result.merged = {a for a, b in result.renamed.items() if b in existed}
        diffs.append(result)
    return diffs


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _shown(changes: Changes) -> str:
    return "; ".join(f"{c}: {_short(a)!r} -> {_short(b)!r}" for c, a, b in changes)


def format_diff(diffs: list[TableDiff], detail: bool = True) -> str:
    """A review-friendly report: a summary line per table, then the rows."""
    lines = []
    for d in diffs:
        summary = (
            f"{d.table}: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed"
        )
        if d.moved:
            summary += f", {len(d.moved)} moved"
        if d.renamed:
            merged = len(d.merged)
            summary += f" ({len(d.renamed) - merged} renamed, {merged} merged)"
        lines.append(summary)
        if not detail:
            continue
        key = list(REGISTRY[d.table].primary_key)
        for old, new in d.renamed.items():
            how = "merged into" if old in d.merged else "renamed to"
            lines.append(f"  > {old} {how} {new} (the rows that refer to it follow)")
        for row in d.added:
            lines.append("  + " + " | ".join(row.get(c, "") for c in key))
        for row in d.removed:
            if row.get(key[0], "") not in d.renamed:
                lines.append("  - " + " | ".join(row.get(c, "") for c in key))
        for k, changes in d.changed:
            lines.append("  ~ " + " | ".join(k) + f": {_shown(changes)}")
        for old_key, new_key, changes in d.moved:
            lines.append(f"  > {' | '.join(old_key)} -> {' | '.join(new_key)}: {_shown(changes)}")
    return "\n".join(lines)


# Columns of the row-level release notes (``python -m posture diff --csv``).
CHANGE_COLUMNS = ["table", "change", "key", "column", "old", "new"]


def change_rows(diffs: list[TableDiff]) -> list[Row]:
    """One row per change: added, removed, changed (one row per changed cell), moved, renamed
    or merged; ``key`` is the row's key joined by `` | ``."""
    rows: list[Row] = []

    def add(
        table: str, change: str, key: str, column: str = "", old: str = "", new: str = ""
    ) -> None:
        rows.append(dict(zip(CHANGE_COLUMNS, (table, change, key, column, old, new), strict=True)))

    for d in diffs:
        key = list(REGISTRY[d.table].primary_key)
        for old, new in d.renamed.items():
            add(d.table, "merged" if old in d.merged else "renamed", old, key[0], old, new)
        for row in d.added:
            add(d.table, "added", " | ".join(row.get(c, "") for c in key))
        for row in d.removed:
            if row.get(key[0], "") not in d.renamed:
                add(d.table, "removed", " | ".join(row.get(c, "") for c in key))
        for k, changes in d.changed:
            for column, old, new in changes:
                add(d.table, "changed", " | ".join(k), column, old, new)
        for _, new_key, changes in d.moved:
            for column, old, new in changes:
                add(d.table, "moved", " | ".join(new_key), column, old, new)
    return rows


def write_changes(diffs: list[TableDiff], path: Path) -> int:
    """Write :func:`change_rows` as CSV to ``path``; return how many rows."""
    rows = change_rows(diffs)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CHANGE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
