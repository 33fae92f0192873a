"""Which release of the data a directory holds, and its release notes, from ``CHANGELOG.md``.

Each release is a ``## X.Y.Z — YYYY-MM-DD`` heading in the data directory's changelog, newest
first; the newest heading is the dataset's version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

HEADING = re.compile(r"^##\s+(\d+\.\d+\.\d+)(?:\s*[—–-]\s*(\d{4}-\d{2}-\d{2}))?\s*$", re.M)
UNRELEASED = "0.0.0"


@dataclass(frozen=True)
class Release:
    """One release: its version, its date (None if the heading gives none) and its notes."""

    version: str = UNRELEASED
    date: date | None = None
    notes: str = ""

    @property
    def label(self) -> str:
        """'v0.4.0 (2 Dec 2026)', as the sidebar and the charts show it."""
        when = f" ({self.date:%-d %b %Y})" if self.date else ""
        return f"v{self.version}{when}"


def releases(changelog: str) -> list[Release]:
    """Every release in a changelog's text, newest first, each with the notes under it."""
    found = list(HEADING.finditer(changelog))
    out = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(changelog)
        day = date.fromisoformat(match.group(2)) if match.group(2) else None
        out.append(Release(match.group(1), day, changelog[match.end() : end].strip()))
    return out


def read_releases(directory: Path) -> list[Release]:
    """The releases listed in ``directory/CHANGELOG.md`` (none if the file is missing)."""
    changelog = directory / "CHANGELOG.md"
    return releases(changelog.read_text("utf-8")) if changelog.is_file() else []


def current_release(directory: Path) -> Release:
    """The newest release in ``directory``'s changelog, or an unreleased placeholder."""
    found = read_releases(directory)
    return found[0] if found else Release()


def read_changes(directory: Path, version: str) -> pd.DataFrame:
    """The row-level changes of release ``version`` (``releases/<version>.csv``, written by
    ``python -m posture diff --csv``); empty when the release has none bundled."""
    path = directory / "releases" / f"{version}.csv"
    columns = ["table", "change", "key", "column", "old", "new"]
    if not path.is_file():
        return pd.DataFrame(columns=columns, dtype="str")
    return pd.read_csv(path, dtype="str", keep_default_na=False)[columns]
