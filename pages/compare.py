"""Iraq vs Syria: troops, sites held, recorded attacks and attacks per 1,000 troops on one axis."""

import streamlit as st

from posture import app
from posture.analysis import glossary, transforms, views
from posture.app import layer_view
from posture.imports import layers

# 1. Inputs
ctx = app.page_setup()
st.title("Iraq vs Syria", help=glossary.explain("US"))
st.caption(
    "Both countries side by side whatever the country filter says. Troops are US troops present "
    "(the latest headcount or estimate for the whole country, never a cap), carried forward for "
    f"at most {transforms.MAX_CARRY_DAYS} days; months without a known level are gaps. Sites "
    "held need a report in the previous 12 months. Attacks are those recorded in this dataset, "
    "not a complete count."
)
layer = layer_view.choose("compare_layer")

# 2. Process
months = transforms.month_range(ctx.start, ctx.end)
if layer == layer_view.CURATED:
    monthly, what = None, "Attacks"
else:
    monthly, what = layer_view.monthly_for(layer, ctx, months), layers.LABEL[layer]
view = ctx.view(
    views.compare,
    start=ctx.start,
    end=ctx.end,
    start_bound=ctx.start_bound,
    end_bound=ctx.end_bound,
    monthly=monthly,
    what=what,
)

# 3. Render
if layer != layer_view.CURATED:
    st.info(layers.LICENCE[layer], icon=":material/info:")
app.plotly(view.figure, "compare_chart")
app.milestone_legend(view.milestones, "compare")
st.caption(
    f"Rates per 1,000 troops are left out for months with fewer than {view.floor} US troops or "
    f"no known level ({view.hidden_rates} country-months in this range; column rate_note says "
    "which): a few attacks on a few dozen troops would give a huge, meaningless rate."
)
if view.jordan:
    # Layer names start with their origin's acronym (ACLED, UCDP GED): keep its case.
    counted = what if layer != layer_view.CURATED else what.lower()
    st.caption(f"Not shown: {view.jordan:,} {counted} in Jordan in this period.")
st.header("Monthly values")
app.show_table(view.table, "compare_table", "iraq_vs_syria_monthly.csv")
