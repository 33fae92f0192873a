"""Widgets whose values live in the address bar, so a copied link reopens the same view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

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


def date_filter(first: date, last: date) -> tuple[date, date]:
    """The shared sidebar date range, kept in the URL as ``?dates=START&dates=END``."""
    start, end = bound(
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
    return start, end
