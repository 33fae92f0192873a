"""Widgets whose values live in the address bar, so a copied link reopens the same view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from posture.analysis.text import code_span

COUNTRY_CHOICES = ["Both", "Iraq", "Syria"]
FIRST_DATE = date(2014, 1, 1)
COUNTRY_HELP = (
    "Both also keeps rows in Jordan and Kuwait (for example Tower 22), which support the "
    "Iraq and Syria missions."
)
# How much of an ignored link value the notice quotes (a long value is cut, never echoed).
SHOWN_VALUE_CHARS = 80


def _seed(key: str, parse: Callable[[list[str]], Any], default: Any) -> None:
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
        st.warning(ignored_notice(key, values), icon=":material/link_off:")
        st.session_state[key] = default


def ignored_notice(key: str, values: list[str]) -> str:
    """The notice for a link value that is not valid: the value quoted as code, cut short, so
    nothing in it is rendered as a link, an image or formatting."""
    shown = "&".join(f"{key}={value}" for value in values)
    return (
        f"Ignored {code_span('?' + shown, SHOWN_VALUE_CHARS)} in the link: not a valid value "
        "here; showing the default instead."
    )


def _publish(
    key: str, value: Any, default: Any, encode: Callable[[Any], Any], pin: bool = False
) -> None:
    """Remember a widget's value across pages and write it to the URL (unless default and
    not ``pin``)."""
    st.session_state[f"_kept_{key}"] = value
    if (value == default and not pin) or value is None:
        if key in st.query_params:
            del st.query_params[key]
        return
    encoded = encode(value)
    wanted = encoded if isinstance(encoded, list) else [encoded]
    if st.query_params.get_all(key) != wanted:
        st.query_params[key] = encoded


def bound(
    widget: Callable[..., Any],
    key: str,
    *,
    parse: Callable[[list[str]], Any],
    default: Any,
    encode: Callable[[Any], Any] = str,
    pin: bool = False,
    **kwargs: Any,
) -> Any:
    """Draw ``widget`` (an ``st`` widget function) with its value kept in the URL as ``?key=``.

    A default value is left out of the URL unless ``pin`` (for a default that moves with the
    data, such as its newest date, which a shared link must keep)."""
    _seed(key, parse, default)
    value = widget(key=key, **kwargs)
    _publish(key, value, default, encode, pin)
    return value


def one_of(options: Sequence[Any]) -> Callable[[list[str]], Any]:
    """URL parser for a single choice among ``options`` (compared as text)."""
    by_text = {str(o): o for o in options}

    def parse(values: list[str]) -> Any:
        if len(values) != 1 or values[0] not in by_text:
            raise ValueError(values)
        return by_text[values[0]]

    return parse


def some_of(options: Sequence[Any]) -> Callable[[list[str]], list[Any]]:
    """URL parser for a multiselect: every value must be an option."""
    by_text = {str(o): o for o in options}

    def parse(values: list[str]) -> list[Any]:
        if any(v not in by_text for v in values):
            raise ValueError(values)
        return [by_text[v] for v in dict.fromkeys(values)]

    return parse


def date_in(low: date, high: date) -> Callable[[list[str]], date]:
    """URL parser for one ISO date within [low, high]."""

    def parse(values: list[str]) -> date:
        if len(values) != 1:
            raise ValueError(values)
        value = date.fromisoformat(values[0])
        if not low <= value <= high:
            raise ValueError(values)
        return value

    return parse


def date_range_in(low: date, high: date) -> Callable[[list[str]], tuple[date, date]]:
    """URL parser for two ISO dates (start, end) within [low, high], start not after end."""

    def parse(values: list[str]) -> tuple[date, date]:
        if len(values) != 2:
            raise ValueError(values)
        start, end = (date.fromisoformat(v) for v in values)
        if not low <= start <= end <= high:
            raise ValueError(values)
        return (start, end)

    return parse


def multiselect(
    key: str,
    label: str,
    options: Sequence[str],
    *,
    help: str | None = None,  # noqa: A002 - Streamlit's own parameter name
    format_func: Callable[[str], str] = str,
) -> list[str]:
    """A multiselect of ``options``, all chosen by default, kept in the URL as ``?key=``."""
    chosen: list[str] = bound(
        st.multiselect,
        key,
        parse=some_of(options),
        default=list(options),
        encode=list,
        label=label,
        options=list(options),
        help=help,
        format_func=format_func,
    )
    return chosen


def search_box(key: str, label: str, placeholder: str) -> str:
    """A free-text search kept in the URL as ``?key=``."""
    text: str = bound(
        st.text_input,
        key,
        parse=lambda values: values[0],
        default="",
        label=label,
        placeholder=placeholder,
    )
    return text


def country_filter() -> str:
    """The shared sidebar country filter, kept in the URL as ``?country=``."""
    country: str = bound(
        st.sidebar.radio,
        "country",
        parse=one_of(COUNTRY_CHOICES),
        default=COUNTRY_CHOICES[0],
        label="Country",
        options=COUNTRY_CHOICES,
        help=COUNTRY_HELP,
    )
    return country


CUSTOM_RANGE = "custom"
DATES_KEY = "dates"
PERIOD_KEY = "dates_period"


def period_choices(periods: pd.DataFrame, first: date, last: date) -> dict[str, tuple[date, date]]:
    """Each named period's id and its range cut to the data's dates, newest first; periods
    wholly outside the data are left out."""
    rows = periods.sort_values("start", ascending=False, kind="stable")
    choices: dict[str, tuple[date, date]] = {}
    for period_id, start_at, end_at in zip(
        rows["period_id"], rows["start"], rows["end"], strict=True
    ):
        start = max(pd.Timestamp(start_at).date(), first)
        end = min(pd.Timestamp(end_at).date(), last)
        if start <= end:
            choices[str(period_id)] = (start, end)
    return choices


def date_filter(first: date, last: date, periods: pd.DataFrame | None = None) -> tuple[date, date]:
    """The shared sidebar dates: a named period (sets the range) and a typed date range, kept
    in the URL as ``?dates=START&dates=END``."""
    default = (first, last)
    _seed(DATES_KEY, date_range_in(first, last), default)
    periods = periods if periods is not None else pd.DataFrame(columns=["period_id", "name"])
    choices = period_choices(periods, first, last)
    names = dict(zip(periods["period_id"], periods["name"], strict=True))
    chosen = tuple(st.session_state[DATES_KEY])
    # The picker shows the period the dates match (a link with a period's dates reopens it).
    st.session_state[PERIOD_KEY] = next(
        (pid for pid, span in choices.items() if span == chosen), CUSTOM_RANGE
    )

    def pick_period() -> None:
        picked = st.session_state[PERIOD_KEY]
        if picked in choices:
            st.session_state[DATES_KEY] = choices[picked]

    st.sidebar.selectbox(
        "Named period",
        [CUSTOM_RANGE, *choices],
        key=PERIOD_KEY,
        format_func=lambda pid: "Custom range" if pid == CUSTOM_RANGE else names.get(pid, pid),
        on_change=pick_period,
        help="Periods defined in data/periods.csv, each dated by a source; picking one sets "
        "the dates below (cut to the data's first and newest dates).",
    )
    value = st.sidebar.date_input(
        "Dates",
        key=DATES_KEY,
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
        help="Type or pick the first and last day (YYYY-MM-DD). Rows dated in this range "
        "are shown; the latest date is the newest dated fact in the data.",
    )
    if not isinstance(value, tuple) or len(value) != 2:
        # Half-picked range: keep the last complete one until the end date is chosen.
        st.sidebar.caption("Pick the last day of the range too.")
        kept = st.session_state.get(f"_kept_{DATES_KEY}", default)
        return kept[0], kept[1]
    start, end = value
    _publish(DATES_KEY, (start, end), default, lambda v: [v[0].isoformat(), v[1].isoformat()])
    return start, end
