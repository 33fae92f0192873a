"""Incidents: recorded attacks over time, by weapon, claimant and base, on a map, and the
outside tallies they are not."""

import streamlit as st

from posture import app
from posture.analysis import glossary, labels, views
from posture.app import layer_view
from schemas.incidents import STATUSES, WEAPONS

TABS = ["Over time", "Map", "Counts compared", "Every report"]

# 1. Inputs
ctx = app.page_setup()
layer = layer_view.choose("incidents_layer")
if layer != layer_view.CURATED:
    layer_view.render_incidents(layer, ctx)
    app.end_page()
    st.stop()
st.title(
    "Attacks on coalition forces",
    help=glossary.explain("US", "IRI", "Kataib Hezbollah", "IED", "TBI", "SOHR"),
)
st.caption(
    "Counts here are of attacks **recorded in this dataset** (each with a sourced report): a "
    "sample, not a complete count. Official, claimant and monitor tallies for the same period "
    "are shown beside them and on the Counts compared tab."
)
with st.container(horizontal=True, gap="medium"):
    weapons = app.multiselect(
        "incidents_weapons", "Weapon", WEAPONS, format_func=labels.formatter("weapon")
    )
    statuses = app.multiselect(
        "incidents_status",
        "Status",
        STATUSES,
        help="Claimed only: an armed group's claim or an unconfirmed report.",
        format_func=labels.formatter("status"),
    )

# 2. Process
filters = {
    "country": ctx.country,
    "start": ctx.start_bound,
    "end": ctx.end_bound,
    "weapons": weapons,
    "statuses": statuses,
}
view = ctx.view(views.attacks, **filters)

# 3. Render
row = app.metric_row()
row.metric(
    "Attacks recorded in this dataset",
    view.recorded_attacks,
    help="First reports of attacks in this dataset; other reports of the same attack are not "
    "counted again, nor are losses the source says hostile action did not cause. Not a "
    "complete count of attacks.",
)
row.metric("Other reports of them", view.other_reports)
for name, casualties in (("Killed", view.killed), ("Wounded", view.wounded)):
    row.metric(
        f"{name}, as reported",
        casualties.span,
        help="Sum of each recorded attack's lowest and highest latest toll (a later report that "
        "revises a toll replaces it); attacks with no figure are left out "
        f"({casualties.unknown} of them).",
    )
st.caption(view.tallies.text)
if view.losses:
    one = view.losses == 1
    st.caption(
        f"{view.losses} {'loss' if one else 'losses'} that the source says hostile action did "
        f"not cause (crashes, accidents) {'is' if one else 'are'} listed under Every report but "
        "not counted as attacks."
    )
if not view.recorded_attacks:
    st.info("No recorded attacks match these filters.")
    app.end_page()
    st.stop()

over_time, on_map, counts, reports = app.lazy_tabs(TABS, "incidents_tab")
if over_time.open:
    with over_time:
        app.plotly(view.monthly, "incidents_monthly")
        app.plotly_pair((view.weapons, "incidents_weapon"), (view.claimants, "incidents_claimant"))
        app.plotly(view.casualties, "incidents_casualties")
        st.caption(
            "Bars reach the sum of each recorded attack's highest latest toll, whiskers its "
            "lowest; hover shows how many attacks had no figure at all."
        )
if on_map.open:
    mapped = ctx.view(views.attacks_on_map, **filters)
    with on_map:
        if mapped.map is not None:
            app.plotly_map(mapped.map, "incidents_map", phone=mapped.map_phone)
            st.caption(
                "Circle area grows with the attacks recorded at the place (the key above the "
                "map shows 1, a round number and the most at one place); colour: country. The "
                "places with most attacks are named (all at a single country's zoom); grey "
                "squares: cities for reference."
            )
        unmapped = mapped.recorded_attacks - mapped.located
        st.caption(
            f"{mapped.located} of {mapped.recorded_attacks} recorded attacks are mapped: "
            f"{mapped.at_source} at coordinates the source gives, {mapped.at_base} at the base "
            "they targeted. "
            + (
                f"{unmapped} are not mapped: neither the source nor their base has coordinates."
                if unmapped
                else ""
            )
        )
        app.plotly(mapped.per_base, "incidents_per_base")
if counts.open:
    counted = ctx.view(
        views.attack_counts, country=ctx.country, start=ctx.start_bound, end=ctx.end_bound
    )
    with counts:
        app.plotly(counted.counts, "incidents_counts")
        if counted.differences:
            st.markdown("\n".join(f"- {line}" for line in counted.differences))
        app.show_table(
            counted.compared,
            "incidents_compared",
            "attack_counts_compared.csv",
            column_config={"url": app.link_column()},
        )
if reports.open:
    listed = ctx.view(views.attack_reports, **filters)
    with reports:
        app.show_table(
            listed.table,
            "incidents_table",
            "incidents_filtered.csv",
            column_config={"url": app.link_column()},
        )
