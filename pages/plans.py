"""Plans vs reality: every announced plan judged by the rule for its type, with both sources."""

import streamlit as st

from posture import app
from posture.analysis import glossary, views
from posture.analysis.plans import OUTCOMES

# 1. Inputs
ctx = app.page_setup()
st.title("Plans vs reality", help=glossary.explain("US", "federal Iraq", "KRG"))
st.caption(
    "Every planned troop level, base event and milestone, judged by the rule for its kind on "
    "evidence of the same measure: a troop level by reports of troops present in the whole "
    "country (not caps or partial counts); leaving a site by a reported departure (reversed if "
    "forces are reported there again); keeping a site only once it is reported held after the "
    "deadline; an expansion only by a reported expansion. The column *rule* says why each "
    "verdict was given; both sources are linked."
)
outcomes = app.multiselect("plans_outcomes", "Outcome", OUTCOMES)

# 2. Process
view = ctx.view(views.ledger, country=ctx.country, start=ctx.start_bound, outcomes=outcomes)

# 3. Render
row = app.metric_row()
for outcome in OUTCOMES:
    row.metric(outcome.capitalize(), view.counts.get(outcome, 0))
app.show_table(
    view.table,
    "plans_table",
    "plans_vs_reality.csv",
    column_config={
        "plan_url": app.link_column("Plan source"),
        "outcome_url": app.link_column("Outcome source"),
        "days_late": st.column_config.NumberColumn("days late (− early)"),
    },
)
