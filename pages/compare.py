"""Iraq vs Syria: troops, bases held, attacks and attacks per 1,000 troops on one time axis."""

import streamlit as st

from posture import app
from posture.analysis import transforms, views
from posture.app import layer_view
from posture.imports import layers

COUNTRIES = ["Iraq", "Syria"]

# 1. Inputs
ctx = app.page_setup()
st.title("Iraq vs Syria")
st.caption(
    "Both countries side by side whatever the country filter says. Troop levels carry the "
    "latest report forward for at most "
    f"{transforms.MAX_CARRY_DAYS} days; months without a known level are gaps, and so are "
    "their rates. Shading carries the low–high troop range through to the rate."
)

layer = layer_view.choose("compare_layer")

# 2. Process
months = transforms.month_range(ctx.start, ctx.end)
if layer == layer_view.CURATED:
    monthly, what = None, "Attacks"
else:
    monthly, what = layer_view.monthly_for(layer, ctx, months), f"{layer.upper()} events"
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
app.plotly(view["figure"], "compare_chart")
if view["jordan"]:
    st.caption(f"Not shown: {view['jordan']:,} {what.lower()} in Jordan in this period.")
st.subheader("Monthly values")
app.show_table(view["table"], "compare_table", "iraq_vs_syria_monthly.csv")
