"""Plans vs reality: every announced plan matched with what was later reported."""

import streamlit as st

from posture import app
from posture.analysis import views

OUTCOMES = ["met", "missed", "reversed", "pending", "no report since"]

# 1. Inputs
ctx = app.page_setup()
st.title("Plans vs reality")
st.caption(
    "Every planned troop level, base event and milestone, matched with the first later report: "
    "met (days early or late against the deadline), missed, reversed (forces stayed or came "
    "back), pending (deadline after the newest data) or no report since. Both sources are given."
)
outcomes = app.multiselect("plans_outcomes", "Outcome", OUTCOMES)

# 2. Process
view = ctx.view(views.ledger, country=ctx.country, start=ctx.start_bound, outcomes=outcomes)

# 3. Render
row = app.metric_row()
for outcome in OUTCOMES:
    row.metric(outcome.capitalize(), view["counts"].get(outcome, 0))
app.show_table(
    view["table"],
    "plans_table",
    "plans_vs_reality.csv",
    column_config={
        "plan_url": app.link_column("Plan source"),
        "outcome_url": app.link_column("Outcome source"),
        "days_late": st.column_config.NumberColumn("days late (− early)"),
    },
)
