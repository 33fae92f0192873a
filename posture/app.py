"""Streamlit glue shared by every page: cached loading, the error panel and shared filters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from posture.io import Dataset, DataValidationError, data_dir, read_dataset

STATIC = Path(__file__).resolve().parent.parent / "static"
COUNTRY_CHOICES = ["Both", "Iraq", "Syria"]
COUNTRY_HELP = (
    "Both also keeps rows in Jordan and Kuwait (for example Tower 22), which support the "
    "Iraq and Syria missions."
)


def _signature(directory: Path) -> tuple:
    """File names, sizes and modification times: a changed file invalidates the cache."""
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.csv"))
    )


@st.cache_data(show_spinner="Checking the dataset…")
def _load(directory: str, signature: tuple) -> Dataset:
    return read_dataset(Path(directory))


def load_dataset() -> Dataset:
    """The validated dataset for the current data directory, cached across reruns and users."""
    directory = data_dir()
    return _load(str(directory), _signature(directory))


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


def dataset_or_stop() -> Dataset:
    """Return the dataset, or show one error panel listing every problem and stop the page."""
    try:
        return load_dataset()
    except DataValidationError as err:
        st.error(
            f"The dataset in `{data_dir()}` does not pass its checks: "
            f"{len(err.failures)} problem(s). Nothing is shown until they are fixed. "
            "Run `make validate` for the same report in a terminal.",
            icon=":material/error:",
        )
        st.dataframe(failures_frame(err), hide_index=True, width="stretch")
        st.stop()


def _from_url(key: str, parse, default) -> None:
    """Seed a widget's state from the URL the first time a session sees it.

    ``parse`` turns the URL's values into a widget value or raises ValueError; a bad value
    falls back to ``default`` with a notice instead of an exception.
    """
    if key in st.session_state:
        return
    values = st.query_params.get_all(key)
    if not values:
        return
    try:
        st.session_state[key] = parse(values)
    except (ValueError, TypeError):
        shown = ", ".join(values)
        st.session_state.setdefault("url_notices", []).append(
            f"Ignored ?{key}={shown}: not a valid value; showing the default instead."
        )
        st.session_state[key] = default


def _to_url(key: str, value: object, default: object, encode=str) -> None:
    """Write a widget's value to the URL (and drop it when it is the default)."""
    if value == default or value is None:
        if key in st.query_params:
            del st.query_params[key]
    else:
        encoded = encode(value)
        if st.query_params.get_all(key) != (encoded if isinstance(encoded, list) else [encoded]):
            st.query_params[key] = encoded


def _one_of(options: list[str]):
    def parse(values: list[str]) -> str:
        if len(values) != 1 or values[0] not in options:
            raise ValueError(values)
        return values[0]

    return parse


def url_notices() -> None:
    """Show (once) the notices about URL parameters that were ignored."""
    for notice in st.session_state.pop("url_notices", []):
        st.sidebar.warning(notice, icon=":material/link_off:")


def _keep(key: str) -> None:
    """Carry a shared widget's value across page switches.

    Streamlit forgets a widget's state when a run does not draw it; a shadow copy under
    another key survives and seeds the widget on the next page.
    """
    shadow = f"_kept_{key}"
    if key not in st.session_state and shadow in st.session_state:
        st.session_state[key] = st.session_state[shadow]


def _remember(key: str, value: object) -> None:
    st.session_state[f"_kept_{key}"] = value


def country_filter() -> str:
    """The shared sidebar country filter, kept in the URL as ``?country=``."""
    _keep("country")
    _from_url("country", _one_of(COUNTRY_CHOICES), COUNTRY_CHOICES[0])
    choice = st.sidebar.radio("Country", COUNTRY_CHOICES, key="country", help=COUNTRY_HELP)
    _remember("country", choice)
    _to_url("country", choice, COUNTRY_CHOICES[0])
    return choice


@dataclass(frozen=True)
class PageContext:
    """What every page starts from: the dataset and the shared filter values."""

    dataset: Dataset
    country: str

    @property
    def countries(self) -> list[str] | None:
        """Country names to keep, or None for no restriction."""
        return selected_countries(self.country)

    @property
    def troop_countries(self) -> list[str]:
        """Countries that have troop lines for the current choice."""
        return chart_countries(self.country)


def page_setup() -> PageContext:
    """Validate the data (or show the error panel and stop) and draw the shared filters.

    Every page calls this first, so a page opened directly from a link works on its own.
    """
    st.set_page_config(
        page_title="Coalition Posture Dashboard",
        page_icon=str(STATIC / "favicon.png"),
        layout="wide",
    )
    dataset = dataset_or_stop()
    country = country_filter()
    url_notices()
    return PageContext(dataset=dataset, country=country)


def selected_countries(choice: str | None) -> list[str] | None:
    """Country names for a filter choice; None means no restriction."""
    return None if choice in (None, "Both") else [choice]


def chart_countries(choice: str | None) -> list[str]:
    """Countries to draw troop lines for (troop levels exist for Iraq and Syria only)."""
    return ["Iraq", "Syria"] if choice in (None, "Both") else [choice]


def source_link(sources: pd.DataFrame, source_id: str) -> str:
    """A markdown link to a source, with publisher and date; plain text if the URL is unsafe."""
    row = sources.loc[sources["source_id"] == source_id].iloc[0]
    date = row["published"].strftime("%d %b %Y") if not pd.isna(row["published"]) else "undated"
    label = escape_markdown(f"{row['publisher']}, {date}")
    url = str(row["url"])
    if not url.startswith(("http://", "https://")):
        return label
    return f"[{label}]({url.replace(')', '%29').replace(' ', '%20')})"


def escape_markdown(text: str) -> str:
    """Escape characters that Streamlit markdown would interpret."""
    out = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>$~":
        out = out.replace(ch, "\\" + ch)
    return out
