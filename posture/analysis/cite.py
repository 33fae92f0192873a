"""How a chart or a view says where it comes from: the one-line source note every figure
carries, and the citation of the dataset release with the view's link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from posture.data.release import Release

DATASET = "Coalition Posture Dataset"
TITLE = "Coalition Posture in Iraq and Syria"
AUTHOR = "Coalition Posture Dashboard contributors"
# How many publishers a source note names (the rest are counted).
NAMED_PUBLISHERS = 3


def cited_sources(frames: Iterable[pd.DataFrame], sources: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``sources`` cited by any ``source_id``-like column of ``frames``."""
    ids: set[str] = set()
    for frame in frames:
        for column in frame.columns:
            if str(column).endswith("source_id"):
                ids.update(v for v in frame[column].dropna() if isinstance(v, str))
    return sources[sources["source_id"].isin(ids)]


def source_note(release: Release, cited: pd.DataFrame, data_to: pd.Timestamp) -> str:
    """'Source: Coalition Posture Dataset v0.4.0, 12 sources (Reuters, AP, DoD and 9 more);
    data to 2 Dec 2026': what an exported image needs to be cited as it is."""
    publishers = cited["publisher"].value_counts()
    named = [str(p) for p in publishers.index[:NAMED_PUBLISHERS]]
    more = len(publishers) - len(named)
    if not len(cited):
        who = "no sourced rows in view"
    else:
        listed = ", ".join(named) + (f" and {more} more publishers" if more > 0 else "")
        count = len(cited)
        who = f"{count:,} source{'s' if count != 1 else ''} ({listed})"
    return f"Source: {DATASET} v{release.version}, {who}; data to {data_to:%-d %b %Y}"


@dataclass(frozen=True)
class Citation:
    """A view's citation in two styles."""

    apa: str
    bibtex: str


def citation(release: Release, url: str, accessed: date) -> Citation:
    """The dataset release, the view's URL and the access date, as APA-like text and BibTeX."""
    year = release.date.year if release.date else accessed.year
    released = f"{release.date:%Y-%m-%d}" if release.date else "unreleased"
    link = url or "(the dashboard's address)"
    apa = (
        f"{AUTHOR}. ({year}). {TITLE} (Version {release.version}, released {released}) "
        f"[Data set and dashboard view]. Retrieved {accessed:%-d %B %Y}, from {link}"
    )
    key = "coalition_posture_" + release.version.replace(".", "_")
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  author = {{{{{AUTHOR}}}}},",
            f"  title = {{{{{TITLE}}}}},",
            f"  year = {{{year}}},",
            f"  version = {{{release.version}}},",
            "  howpublished = {Dataset and dashboard view},",
            # BibLaTeX reads url verbatim: the address goes in as it is.
            f"  url = {{{link}}},",
            f"  note = {{Dataset release {released}; view accessed {accessed:%Y-%m-%d}}},",
            "}",
        ]
    )
    return Citation(apa=apa, bibtex=bibtex)
