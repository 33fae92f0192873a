"""Helpers for tests: copy a data directory and break one cell, row or column of it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"


def copy_data(target: Path, source: Path = VALID) -> Path:
    """Copy every CSV of ``source`` into ``target`` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*"):
        if path.is_file():
            shutil.copy(path, target / path.name)
    return target


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(directory: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts data rows from 0 (CSV line ``row + 2``)."""
    path = directory / f"{table}.csv"
    rows = read_rows(path)
    rows[row][column] = value
    write_rows(path, rows)


def append_row(directory: Path, table: str, row: dict[str, str]) -> None:
    path = directory / f"{table}.csv"
    rows = read_rows(path)
    write_rows(path, [*rows, {**dict.fromkeys(rows[0], ""), **row}])
