"""What every page starts from: the validated dataset (or one error panel), the shared filters
and the page's cached views."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import pandas as pd
import streamlit as st

from posture.analysis import transforms, views
from posture.app import cache, footer, navigation
from posture.app.display import DATA_VERSION_KEY
from posture.app.navigation import ensure_navigation
from posture.app.url_state import FIRST_DATE, country_filter, date_filter
from posture.data.dataset import Dataset, data_dir, read_dataset
from posture.data.failures import DataValidationError

View = TypeVar("View")
# The data directory and its CSV files' names, sizes and modification times.
Token = tuple[str, tuple[tuple[str, int, int], ...]]


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """File names, sizes and modification times: a changed file invalidates the cache."""
    with os.scandir(directory) as entries:
        files = [e for e in entries if e.name.endswith(".csv") and e.is_file()]
    return tuple(sorted((e.name, (info := e.stat()).st_size, info.st_mtime_ns) for e in files))


def data_token() -> Token:
    """The data directory and its files' signature: the key of everything computed from it."""
    directory = data_dir()
    signature = cache.FILE_CHECKS.get(("data", str(directory)), lambda: _signature(directory))
    return str(directory), cast(tuple[tuple[str, int, int], ...], signature)


def _load(token: Token) -> tuple[Dataset, pd.Timestamp] | DataValidationError:
    """The dataset of ``token`` with its latest date, or the error its files raise."""

    def read() -> tuple[Dataset, pd.Timestamp] | DataValidationError:
        with st.spinner("Checking the dataset…"):
            try:
                dataset = read_dataset(Path(token[0]))
            except DataValidationError as err:
                return err
        return dataset, transforms.latest_date(dataset)

    return cast(
        tuple[Dataset, pd.Timestamp] | DataValidationError,
        cache.DATASETS.get_or_compute(token, read),
    )


def failures_frame(err: DataValidationError) -> pd.DataFrame:
    """The failures as a table of text (Arrow cannot show mixed-type cells)."""
    return pd.DataFrame(
        [
            {
                "file": f.file,
                "line": "" if f.line is None else str(f.line),
                "column": f.column or "",
                "rule": f.rule,
                "value": f.value,
                "how to fix": f.hint,
            }
            for f in err.failures
        ]
    )


def dataset_or_stop(token: Token) -> tuple[Dataset, pd.Timestamp]:
    """Return the dataset of ``token`` and its latest date, or show one error panel listing
    every problem and stop the page."""
    loaded = _load(token)
    if not isinstance(loaded, DataValidationError):
        return loaded
    st.error(
        f"The dataset in `{data_dir()}` does not pass its checks: "
        f"{len(loaded.failures)} problem(s). Nothing is shown until they are fixed. "
        "Run `make validate` for the same report in a terminal.",
        icon=":material/error:",
    )
    st.dataframe(failures_frame(loaded), hide_index=True, width="stretch")
    st.stop()


@dataclass(frozen=True)
class PageContext:
    """What every page starts from: the dataset and the shared filter values."""

    dataset: Dataset
    country: str
    start: pd.Timestamp
    end: pd.Timestamp
    latest: pd.Timestamp
    token: Token

    @property
    def countries(self) -> list[str] | None:
        """Country names to keep, or None for no restriction."""
        return views.countries_for(self.country)

    @property
    def end_bound(self) -> pd.Timestamp | None:
        """The date filter's end; None when it sits at the newest data, so plans with later
        deadlines stay in view."""
        return None if self.end >= self.latest else self.end

    @property
    def start_bound(self) -> pd.Timestamp | None:
        """The date filter's start; None at the earliest date."""
        return None if self.start <= pd.Timestamp(FIRST_DATE) else self.start

    def view(self, function: Callable[..., View], **filters: Any) -> View:
        """``function(dataset, **filters)`` computed once per data version and filter values,
        shared by every rerun and session (figures and tables are only drawn, never changed)."""
        name = f"{function.__module__}.{function.__qualname__}"
        key = (name, self.token, cache.hashable(filters))

        def compute() -> View:
            with st.spinner("Preparing the view…"):
                return cast(View, cache.freeze_figures(function(self.dataset, **filters)))

        return cast(View, cache.VIEWS.get_or_compute(key, compute))


def page_setup(dates: bool = True) -> PageContext:
    """Validate the data (or show the error panel and stop) and draw the shared filters.

    Every page calls this first, so a page opened directly from a link works on its own.
    A page whose figures do not depend on dates passes ``dates=False``: it shows no date
    filter (the range chosen elsewhere is kept for the other pages) and covers every date.
    """
    ensure_navigation()
    token = data_token()
    dataset, latest = dataset_or_stop(token)
    st.session_state[DATA_VERSION_KEY] = dataset.release.version
    navigation.at_end(lambda: footer.page_footer(dataset.release, latest))
    country = country_filter()
    start, end = (
        date_filter(FIRST_DATE, latest.date(), dataset.periods)
        if dates
        else (FIRST_DATE, latest.date())
    )
    return PageContext(
        dataset=dataset,
        country=country,
        start=pd.Timestamp(start),
        end=pd.Timestamp(end),
        latest=latest,
        token=token,
    )
