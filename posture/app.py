"""Streamlit glue shared by every page: cached loading, the error panel and shared filters."""

from __future__ import annotations

import base64
import copy
import gc
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import streamlit as st

from posture import charts, export, transforms, views
from posture.io import Dataset, DataValidationError, data_dir, read_dataset
from posture.memo import Memo, Recent, hashable

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES = STATIC.parent / "pages"
# File, title and Material icon of every page, in navigation order; the first is the default.
PAGE_FILES = [
    ("overview.py", "Overview", "dashboard"),
    ("troops.py", "Troops", "groups"),
    ("bases.py", "Bases", "map"),
    ("nations.py", "Nations", "flag"),
    ("incidents.py", "Incidents", "crisis_alert"),
    ("compare.py", "Iraq vs Syria", "compare"),
    ("plans.py", "Plans vs reality", "checklist"),
    ("data.py", "Data", "table_view"),
    ("sources.py", "Sources & method", "menu_book"),
]
COUNTRY_CHOICES = ["Both", "Iraq", "Syria"]
FIRST_DATE = date(2014, 1, 1)
COUNTRY_HELP = (
    "Both also keeps rows in Jordan and Kuwait (for example Tower 22), which support the "
    "Iraq and Syria missions."
)


# The icon as a data URL: given a file, Streamlit would read and register it on every run.
FAVICON = (
    "data:image/png;base64," + base64.b64encode((STATIC / "favicon.png").read_bytes()).decode()
)


def configure_page() -> None:
    """Title, icon and wide layout of every page (the entry script calls this first)."""
    st.set_page_config(page_title="Coalition Posture Dashboard", page_icon=FAVICON, layout="wide")


_PAGE_TEMPLATES: dict[bool, tuple[st.Page, ...]] = {}


def page_list(default: bool = True) -> list[st.Page]:
    """The dashboard's pages for ``st.navigation``; ``default=False`` leaves the default
    page to the caller (the benchmarks put a trivial page first)."""
    templates = _PAGE_TEMPLATES.get(default)
    if templates is None:
        # Absolute paths: AppTest and the server from any directory resolve the same page.
        templates = _PAGE_TEMPLATES.setdefault(
            default,
            tuple(
                st.Page(
                    str(PAGES / file),
                    title=title,
                    icon=f":material/{icon}:",
                    default=default and i == 0,
                )
                for i, (file, title, icon) in enumerate(PAGE_FILES)
            ),
        )
    # A page object records, for one run, whether it may run, so each run gets its own
    # copies. Copying skips the file-system checks st.Page makes when built: about 36 system
    # calls a run, each letting the server's other thread take over (docs/performance.md).
    return [copy.copy(page) for page in templates]


def _signature(directory: Path) -> tuple:
    """File names, sizes and modification times: a changed file invalidates the cache."""
    with os.scandir(directory) as entries:
        files = [e for e in entries if e.name.endswith(".csv") and e.is_file()]
    return tuple(sorted((e.name, (info := e.stat()).st_size, info.st_mtime_ns) for e in files))


# Data files and imported layers are looked at once a second, not on every run: each look is
# a dozen system calls, and each system call in a run lets the server's other thread take
# over (about half of a warm rerun before). An edited file is seen within a second.
FILE_CHECKS = Recent(seconds=1.0)


def _token() -> tuple:
    """The data directory and its files' signature: the key of everything computed from it."""
    directory = data_dir()
    return str(directory), FILE_CHECKS.get(("data", str(directory)), lambda: _signature(directory))


# Per data version (token): the dataset and its latest date, or the DataValidationError its
# files raised, so broken files are not checked again on every click until they change. One
# read-only copy shared by every rerun and session.
_DATASETS = Memo(8)


def _load(token: tuple) -> tuple[Dataset, pd.Timestamp] | DataValidationError:
    loaded = _DATASETS.get(token)
    if loaded is None:
        with st.spinner("Checking the dataset…"):
            try:
                dataset = read_dataset(Path(token[0]))
                loaded = (dataset, transforms.latest_date(dataset))
                _keep_out_of_gc()
            except DataValidationError as err:
                loaded = err
        _DATASETS.put(token, loaded)
    return loaded


def clear_dataset_cache() -> None:
    """Forget every dataset read so far and every file signature (the next page run looks at
    the files, then reads and checks them)."""
    FILE_CHECKS.clear()
    _DATASETS.clear()


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


def dataset_or_stop(token: tuple) -> tuple[Dataset, pd.Timestamp]:
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


def _seed(key: str, parse, default) -> None:
    """Give a widget its starting value: kept from another page, else the URL, else default.

    ``parse`` turns the URL's values into a widget value or raises ValueError; a bad value
    falls back to ``default`` with a notice instead of an exception.
    """
    if key in st.session_state:
        return
    shadow = f"_kept_{key}"
    if shadow in st.session_state:
        st.session_state[key] = st.session_state[shadow]
        return
    values = st.query_params.get_all(key)
    if not values:
        st.session_state[key] = default
        return
    try:
        st.session_state[key] = parse(values)
    except (ValueError, TypeError):
        shown = "&".join(f"{key}={v}" for v in values)
        st.warning(
            f"Ignored ?{shown} in the link: not a valid value here; showing the default instead.",
            icon=":material/link_off:",
        )
        st.session_state[key] = default


def _publish(key: str, value: object, default: object, encode) -> None:
    """Remember a widget's value across pages and write it to the URL (unless default)."""
    st.session_state[f"_kept_{key}"] = value
    if value == default or value is None:
        if key in st.query_params:
            del st.query_params[key]
        return
    encoded = encode(value)
    wanted = encoded if isinstance(encoded, list) else [encoded]
    if st.query_params.get_all(key) != wanted:
        st.query_params[key] = encoded


def bound(widget, key: str, *, parse, default, encode=str, **kwargs):
    """Draw ``widget`` (an ``st`` widget function) with its value kept in the URL as ``?key=``."""
    _seed(key, parse, default)
    value = widget(key=key, **kwargs)
    _publish(key, value, default, encode)
    return value


def one_of(options: list):
    """URL parser for a single choice among ``options`` (compared as text)."""
    by_text = {str(o): o for o in options}

    def parse(values: list[str]):
        if len(values) != 1 or values[0] not in by_text:
            raise ValueError(values)
        return by_text[values[0]]

    return parse


def some_of(options: list):
    """URL parser for a multiselect: every value must be an option."""
    by_text = {str(o): o for o in options}

    def parse(values: list[str]):
        if any(v not in by_text for v in values):
            raise ValueError(values)
        return [by_text[v] for v in dict.fromkeys(values)]

    return parse


def date_in(low: date, high: date):
    """URL parser for one ISO date within [low, high]."""

    def parse(values: list[str]) -> date:
        if len(values) != 1:
            raise ValueError(values)
        value = date.fromisoformat(values[0])
        if not low <= value <= high:
            raise ValueError(values)
        return value

    return parse


def date_range_in(low: date, high: date):
    """URL parser for two ISO dates (start, end) within [low, high], start not after end."""

    def parse(values: list[str]) -> tuple[date, date]:
        if len(values) != 2:
            raise ValueError(values)
        start, end = (date.fromisoformat(v) for v in values)
        if not low <= start <= end <= high:
            raise ValueError(values)
        return (start, end)

    return parse


def search_box(key: str, label: str, placeholder: str) -> str:
    """A free-text search kept in the URL as ``?key=``."""
    return bound(
        st.text_input,
        key,
        parse=lambda values: values[0],
        default="",
        label=label,
        placeholder=placeholder,
    )


def country_filter() -> str:
    """The shared sidebar country filter, kept in the URL as ``?country=``."""
    return bound(
        st.sidebar.radio,
        "country",
        parse=one_of(COUNTRY_CHOICES),
        default=COUNTRY_CHOICES[0],
        label="Country",
        options=COUNTRY_CHOICES,
        help=COUNTRY_HELP,
    )


def date_filter(first: date, last: date) -> tuple[date, date]:
    """The shared sidebar date range, kept in the URL as ``?dates=START&dates=END``."""
    return bound(
        st.sidebar.slider,
        "dates",
        parse=date_range_in(first, last),
        default=(first, last),
        encode=lambda v: [v[0].isoformat(), v[1].isoformat()],
        label="Dates",
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
        help="Rows dated in this range. The latest date is the newest dated fact in the data.",
    )


@dataclass(frozen=True)
class PageContext:
    """What every page starts from: the dataset and the shared filter values."""

    dataset: Dataset
    country: str
    start: pd.Timestamp
    end: pd.Timestamp
    latest: pd.Timestamp
    token: tuple

    @property
    def countries(self) -> list[str] | None:
        """Country names to keep, or None for no restriction."""
        return views.countries_for(self.country)

    @property
    def troop_countries(self) -> list[str]:
        """Countries that have troop lines for the current choice."""
        return views.troop_countries(self.country)

    @property
    def end_bound(self) -> pd.Timestamp | None:
        """The date filter's end; None when it sits at the newest data, so plans with later
        deadlines stay in view."""
        return None if self.end >= self.latest else self.end

    @property
    def start_bound(self) -> pd.Timestamp | None:
        """The date filter's start; None at the earliest date."""
        return None if self.start <= pd.Timestamp(FIRST_DATE) else self.start

    def view(self, function, **filters):
        """``function(dataset, **filters)`` computed once per data version and filter values,
        shared by every rerun and session (figures and tables are only drawn, never changed)."""
        key = (f"{function.__module__}.{function.__qualname__}", self.token, hashable(filters))
        view = _VIEWS.get(key)
        if view is None:
            with st.spinner("Preparing the view…"):
                view = charts.freeze_all(function(self.dataset, **filters))
            _keep_out_of_gc()
            _VIEWS.put(key, view)
        return view


_VIEWS = Memo(512)  # every page's view per data version and filter values


def _keep_out_of_gc() -> None:
    """Move what is alive now (the cached dataset and views) out of the garbage collector's
    sight: they live as long as the server, and scanning them in every full collection cost
    about 100 ms, holding up every session (see docs/performance.md)."""
    gc.freeze()


def _leave_legacy_navigation() -> None:
    """Rerun through dashboard.py when Streamlit ran a page file on its own.

    Until some session has run the entry script, a server that sees a ``pages/`` folder runs a
    page opened by its URL (a copied link) as a standalone script, with an automatic page list
    instead of ours. Switching that mode off and rerunning goes through ``st.navigation``,
    which lands on the same page (same URL path).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_setup(dates: bool = True) -> PageContext:
    """Validate the data (or show the error panel and stop) and draw the shared filters.

    Every page calls this first, so a page opened directly from a link works on its own.
    A page whose figures do not depend on dates passes ``dates=False``: it shows no date
    filter (the range chosen elsewhere is kept for the other pages) and covers every date.
    """
    _leave_legacy_navigation()
    token = _token()
    dataset, latest = dataset_or_stop(token)
    country = country_filter()
    start, end = date_filter(FIRST_DATE, latest.date()) if dates else (FIRST_DATE, latest.date())
    return PageContext(
        dataset=dataset,
        country=country,
        start=pd.Timestamp(start),
        end=pd.Timestamp(end),
        latest=latest,
        token=token,
    )


def metric_row():
    """A row of headline figures side by side: one horizontal container (``st.columns`` sends
    one more element per figure on every rerun)."""
    return st.container(horizontal=True, gap="medium")


def lazy_tabs(labels: list[str], key: str):
    """Tabs whose choice is kept in the URL as ``?key=``; only the open one reports ``.open``,
    so a page computes and draws just that tab's content (a tab switch reruns the page)."""
    return st.tabs(labels, key=key, bind="query-params", default=labels[0])


def plotly(figure, key: str) -> None:
    """Draw a figure with the offline map outlines and plotly's own PNG export."""
    st.plotly_chart(figure, key=key, config=charts.PLOTLY_CONFIG, width="stretch")


def plotly_pair(left: tuple, right: tuple) -> None:
    """Two figures side by side, each given as (figure, key)."""
    for column, (figure, key) in zip(st.columns(2), (left, right), strict=True):
        with column:
            plotly(figure, key)


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as shown on screen: dates as YYYY-MM-DD and empty cells as 'unknown'.

    Only the display changes (numeric columns with gaps become text); downloads keep empty
    cells empty and numbers as numbers.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d").fillna("unknown")
        elif pd.api.types.is_numeric_dtype(values) and values.isna().any():
            shown = values.map(lambda v: "unknown" if pd.isna(v) else f"{v:,.4g}")
            if pd.api.types.is_integer_dtype(values):
                shown = values.map(lambda v: "unknown" if pd.isna(v) else f"{int(v):,}")
            out[column] = shown.astype("str")
        elif values.dtype == object or str(values.dtype) in ("str", "string"):
            out[column] = values.fillna("")
    return out


_DISPLAYED = Memo(128)


def _displayed(frame: pd.DataFrame) -> pa.Table:
    """``display(frame)`` as an Arrow table, remembered for the same frame object (views are
    cached objects; Streamlit would otherwise convert the frame to Arrow on every rerun)."""
    hit = _DISPLAYED.get(id(frame))
    if hit is not None and hit[0] is frame:
        return hit[1]
    shown = pa.Table.from_pandas(display(frame), preserve_index=False)
    _DISPLAYED.put(id(frame), (frame, shown))
    return shown


def show_table(
    frame: pd.DataFrame, key: str, file_name: str, column_config: dict | None = None, **kwargs
) -> None:
    """A table and a download button for exactly its rows and columns (formula-safe CSV).

    The CSV is built when the button is clicked, not on every rerun.
    """
    st.dataframe(
        _displayed(frame),
        key=key,
        hide_index=True,
        width="stretch",
        column_config=column_config,
        **kwargs,
    )
    st.download_button(
        f"Download these {len(frame):,} rows (CSV)",
        data=lambda: export.csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}_download",
        icon=":material/download:",
        on_click="ignore",
    )


def link_column(label: str = "Source") -> st.column_config.LinkColumn:
    """A column of source links (only http and https URLs pass validation)."""
    return st.column_config.LinkColumn(label, display_text="open", width="small")
