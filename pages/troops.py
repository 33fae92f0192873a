"""Troops: levels per country as step lines by counting basis, every report, plans, milestones."""

import streamlit as st

from posture import app
from posture.analysis import glossary, labels, transforms, views
from schemas.troop_levels import LEVEL_KINDS as KINDS

FORCES = {"us": "US", "partners": "Partners (non-US)", "all": "Whole coalition"}

# 1. Inputs
ctx = app.page_setup()
st.title("Troop levels", help=glossary.explain("US", "FML", "DMDC"))
st.caption(
    "One line per counting basis — headcount (solid), estimate (dotted), authorised level or "
    "force management level (dashed) — never joined across bases; lines stop where reports are "
    f"more than {transforms.MAX_CARRY_DAYS} days apart. Each marker is one report with its "
    "qualifier; shading is the low–high range a source gives. Reports of part of the force "
    "(one base, advisers only) are markers, not lines."
)
left, middle, right = st.columns([2, 3, 2])
with left:
    force = app.bound(
        st.radio,
        "troops_force",
        parse=app.one_of(list(FORCES)),
        default="us",
        label="Whose troops",
        options=list(FORCES),
        format_func=FORCES.get,
        horizontal=True,
    )
with middle:
    kinds = app.multiselect(
        "troops_kinds", "Kinds of figure", KINDS, format_func=labels.formatter("kind")
    )
with right:
    show_milestones = app.bound(
        st.toggle,
        "troops_milestones",
        parse=app.one_of([True, False]),
        default=True,
        label="Show milestones",
    )

# 2. Process
view = ctx.view(
    views.troops,
    country=ctx.country,
    start=ctx.start_bound,
    end=ctx.end_bound,
    force=force,
    kinds=kinds,
    show_milestones=show_milestones,
)

# 3. Render
row = app.metric_row()
for figure in view.latest:
    with row.container():
        app.latest_figure(figure, "troops")
app.plotly(view.figure, "troops_chart")
app.milestone_legend(view.milestones, "troops")
if not view.rows:
    st.info("No troop figures match these filters.")
st.header("Reports disagreeing within a month")
st.caption(
    "Different figures of troops present in the whole country for the same force and month are "
    "all kept; caps, plans and partial counts are other measures and not listed here."
)
app.show_table(view.conflicts, "troops_conflicts", "troop_level_disagreements.csv")
st.header("Every report shown")
app.show_table(
    view.table,
    "troops_table",
    "troop_levels_filtered.csv",
    column_config={"url": app.link_column(), "as_of": st.column_config.TextColumn("as of")},
)
