"""Iraq vs Syria: troops, bases held, attacks and attacks per 1,000 troops on one time axis."""

import pandas as pd
import streamlit as st

from posture import app, charts, incidents, transforms

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

# 2. Process
months = transforms.month_range(ctx.start, ctx.end)
data = ctx.dataset
all_incidents = transforms.filter_dates(data.incidents, ctx.start, ctx.end, "date")
monthly = incidents.monthly_counts(all_incidents, months=months)
held = transforms.held_by_month(data.bases, data.base_events, months)
milestones = transforms.filter_dates(data.milestones, ctx.start_bound, ctx.end_bound, "date")
milestones = milestones[milestones["kind"].isin(charts.MILESTONE_KINDS_SHOWN)]
panels = {}
rows = []
for country in COUNTRIES:
    levels = transforms.levels_by_month(data.troop_levels, country, months)
    attacks = monthly[country] if country in monthly else pd.Series(0, index=months)
    rate = incidents.per_thousand_troops(attacks, levels)
    country_held = held[held["country"] == country][["month", "held"]]
    panels[country] = {
        "levels": levels,
        "held": country_held,
        "attacks": attacks.rename("attacks").reset_index(),
        "rate": rate,
    }
    rows.append(
        rate.merge(country_held, on="month", how="left").assign(country=country)[
            [
                "month",
                "country",
                "low",
                "best",
                "high",
                "held",
                "attacks",
                "rate_low",
                "rate",
                "rate_high",
            ]
        ]
    )
table = pd.concat(rows).sort_values(["month", "country"]).reset_index(drop=True)

# 3. Render
app.plotly(charts.comparison_chart(panels, milestones), "compare_chart")
if "Jordan" in monthly:
    st.caption(f"Not shown: {int(monthly['Jordan'].sum())} attack(s) in Jordan in this period.")
st.subheader("Monthly values")
app.show_table(table, "compare_table", "iraq_vs_syria_monthly.csv")
