"""Bases: which sites were held on a chosen date (map and table), and in a second tab their
lifecycles and every dated event; or two dates compared: what was gained, lost and kept."""

from datetime import date

import pandas as pd
import streamlit as st

from posture import app
from posture.analysis import glossary, text, transforms, views

TABS = ["Map and status", "Lifecycles and events"]
MODES = {"date": "On a date", "compare": "Compare two dates"}
# Date A's default in the comparison: the start of 2025, before the 2025–26 drawdowns.
COMPARE_FROM = date(2025, 1, 1)


def map_notes(unmapped: list[str], unlabelled: list[str]) -> str:
    """Caption sentences on the sites a map cannot place or name."""
    notes = ""
    if unmapped:
        notes += (
            " Not on the map (no source read gives coordinates): "
            f"{text.escape_markdown(', '.join(unmapped))}."
        )
    if unlabelled:
        notes += (
            " No room for the names of (hover their markers): "
            f"{text.escape_markdown(', '.join(unlabelled))}."
        )
    return notes


def compare_two_dates(ctx: app.PageContext, latest: date) -> None:
    """The comparison mode: each site's status on date A and date B, on a map and as a table
    of what changed with the reports that explain it."""
    # 1. Inputs
    dates = {}
    with st.container(horizontal=True, gap="medium"):
        for key, label, default in (
            ("bases_a", "Date A", min(max(COMPARE_FROM, app.FIRST_DATE), latest)),
            ("bases_b", "Date B", latest),
        ):
            chosen = app.bound(
                st.date_input,
                key,
                parse=app.date_in(app.FIRST_DATE, latest),
                default=default,
                encode=lambda d: d.isoformat(),
                pin=True,  # a shared link keeps both dates, also when the data grows
                label=label,
                min_value=app.FIRST_DATE,
                max_value=latest,
                format="YYYY-MM-DD",
                help="Type a date (YYYY-MM-DD) or pick one. Each site's status on it comes "
                "from its latest actual event on or before that day that no later source "
                "contradicts; plans do not count.",
            )
            dates[key] = pd.Timestamp(chosen or default)
    a, b = dates["bases_a"], dates["bases_b"]

    # 2. Process
    view = ctx.view(views.bases_compare, country=ctx.country, a=a, b=b)

    # 3. Render
    row = app.metric_row()
    for change, label in (
        ("gained", "Gained"),
        ("lost", "Lost"),
        ("held at both", "Held at both dates"),
        ("unconfirmed", "Unconfirmed at A or B"),
    ):
        row.metric(label, view.counts[change], help=f"Sites {transforms.CHANGE_RULES[change]}.")
    app.plotly_map(view.map, "bases_compare_map", phone=view.map_phone)
    st.caption(
        f"A = {a:%d %b %Y}, B = {b:%d %b %Y} (the date range in the sidebar does not apply "
        "here). Held: a report of forces there at most 12 months "
        "old; unconfirmed: the last report is older, so neither held nor left can be said and "
        "such sites are a class of their own. Blue triangles: gained; red crosses: lost; green "
        "circles: held at both; orange diamonds: unconfirmed at A or B; grey rings: not held at "
        "either date. Every site is named at a single country's zoom; for Both, the changes "
        "and the sites with most reports (hover a marker for the others). Grey squares: cities "
        "for reference." + map_notes(view.unmapped, view.unlabelled)
    )
    st.header(f"What changed between {a:%d %b %Y} and {b:%d %b %Y}")
    if view.changes.empty:
        st.info("No site's status differs between the two dates.")
    app.show_table(
        view.changes,
        "bases_changes",
        f"bases_changes_{a:%Y-%m-%d}_{b:%Y-%m-%d}.csv",
        column_config={
            "url": app.link_column(),
            "status_at_a": f"status {a:%d %b %Y}",
            "status_at_b": f"status {b:%d %b %Y}",
            "explanation": "status at B rests on",
        },
    )
    st.header("Reports between the two dates at these sites")
    app.show_table(
        view.events,
        "bases_change_events",
        f"bases_change_reports_{a:%Y-%m-%d}_{b:%Y-%m-%d}.csv",
        column_config={"url": app.link_column()},
    )


# 1. Inputs
ctx = app.page_setup()
st.title("Bases", help=glossary.explain("US", "MSS", "LZ"))
latest = ctx.latest.date()
mode = app.bound(
    st.radio,
    "bases_mode",
    parse=app.one_of(list(MODES)),
    default="date",
    label="Show",
    options=list(MODES),
    format_func=MODES.get,
    horizontal=True,
    help="On a date: every site's status on one day. Compare two dates: what was gained, "
    "lost and kept between date A and date B.",
)
if mode == "compare":
    compare_two_dates(ctx, latest)
    st.stop()
on = app.bound(
    st.slider,
    "bases_date",
    parse=app.date_in(app.FIRST_DATE, latest),
    default=latest,
    encode=lambda d: d.isoformat(),
    label="Posture on",
    min_value=app.FIRST_DATE,
    max_value=latest,
    format="YYYY-MM-DD",
    help="Status from the latest actual event on or before this day that no later source "
    "contradicts; plans do not count.",
)
on = pd.Timestamp(on)

# 2. Process
filters = {"country": ctx.country, "start": ctx.start_bound, "end": ctx.end_bound, "on": on}
view = ctx.view(views.bases, **filters)

# 3. Render
row = app.metric_row()
for country, counts in view.counts.iterrows():
    row.metric(
        f"Held in {country}",
        int(counts["held"]),
        delta=f"{int(counts['unconfirmed'])} unconfirmed" if counts["unconfirmed"] else None,
        delta_color="off",
        help=f"On {on:%d %b %Y}: sites whose latest report says forces are there and is at most "
        f"{transforms.FRESH_DAYS} days old. Unconfirmed: last reported held more than "
        f"{transforms.FRESH_DAYS} days before.",
    )
if not view.held:
    st.info(f"No site is reported held in the 12 months up to {on:%d %b %Y}.")

on_map, lifecycles = app.lazy_tabs(TABS, "bases_tab")
if on_map.open:
    with on_map:
        app.plotly_map(view.map, "bases_map", phone=view.map_phone)
        st.caption(
            "Green: held (a report in the 12 months before the date); orange: unconfirmed (the "
            "last report of forces there is older); grey: handed over or vacated; pink: no "
            "report yet. Filled markers: coordinates of the site itself; open markers: those of "
            "a nearby place a source names. Every site is named at a single country's zoom; for "
            "Both, the held and unconfirmed sites with most reports (hover a marker for the "
            "others). Grey squares: cities for reference."
            + map_notes(view.unmapped, view.unlabelled)
        )
        st.header(f"Status of every site on {on:%d %B %Y}")
        app.show_table(
            view.status_table,
            "bases_status",
            f"bases_status_{on:%Y-%m-%d}.csv",
            column_config={"url": app.link_column()},
        )
if lifecycles.open:
    lives = ctx.view(views.base_lifecycles, **filters)
    with lifecycles:
        app.plotly(lives.lifecycle, "bases_lifecycle")
        st.caption(
            "Bars run from a site's first to its last actual event that no later source "
            "contradicts; a bar ending without a handover or vacating marker means 'last "
            "reported there', not 'left'. Hollow markers are plans; events a later source "
            "contradicts are listed below with that source. The orange line is the posture date."
        )
        st.header("Every event")
        app.show_table(
            lives.events_table,
            "bases_events",
            "base_events_filtered.csv",
            column_config={"url": app.link_column()},
        )
