"""Incidents: attacks over time, by weapon, claimant and base, on a map, and the counts."""

import streamlit as st

from posture import app, charts, incidents
from schemas.incidents import STATUSES, WEAPONS

# 1. Inputs
ctx = app.page_setup()
st.title("Attacks on coalition forces")
left, right = st.columns(2)
with left:
    weapons = app.bound(
        st.multiselect,
        "incidents_weapons",
        parse=app.some_of(WEAPONS),
        default=WEAPONS,
        encode=list,
        label="Weapon",
        options=WEAPONS,
    )
with right:
    statuses = app.bound(
        st.multiselect,
        "incidents_status",
        parse=app.some_of(STATUSES),
        default=STATUSES,
        encode=list,
        label="Status",
        options=STATUSES,
        help="claimed: only an armed group's claim or an unconfirmed report.",
    )

# 2. Process
rows = ctx.table("incidents")
rows = rows[rows["weapon"].isin(weapons) & rows["status"].isin(statuses)]
firsts = rows[rows["variant_of"].isna()]
monthly = incidents.monthly_counts(rows)
by_weapon = incidents.counts_by(rows, "weapon", "unknown")
by_claimant = incidents.counts_by(rows, "claimed_by", "no claim reported").head(15)
casualties = incidents.casualties_by_month(rows)
ranges = incidents.casualty_ranges(rows)
located = incidents.locate(rows, ctx.dataset.bases)
per_base = incidents.by_base(rows, ctx.dataset.bases)
counts = ctx.table("attack_counts")
compared = incidents.compare_counts(counts)

# 3. Render
a, b, c, d = st.columns(4)
a.metric(
    "Attacks",
    len(firsts),
    help="First reports; other reports of the same attack are not counted again.",
)
b.metric("Other reports of them", len(rows) - len(firsts))
c.metric(
    "Killed, as reported",
    app.span(ranges["killed_low"].sum(), ranges["killed_high"].sum()),
    help="Sum of each attack's lowest and highest report; attacks with no figure are left "
    f"out ({int(ranges['killed_high'].isna().sum())} of them).",
)
d.metric(
    "Wounded, as reported",
    app.span(ranges["wounded_low"].sum(), ranges["wounded_high"].sum()),
    help="Sum of each attack's lowest and highest report; attacks with no figure are left "
    f"out ({int(ranges['wounded_high'].isna().sum())} of them).",
)
if firsts.empty:
    st.info("No attacks match these filters.")
    st.stop()

app.plotly(
    charts.stacked_monthly_chart(monthly, "Attacks per month by country", charts.COUNTRY_COLORS),
    "incidents_monthly",
)
left, right = st.columns(2)
with left:
    app.plotly(
        charts.bar_chart(by_weapon, "weapon", "attacks", "By weapon", "Attacks"), "incidents_weapon"
    )
with right:
    app.plotly(
        charts.bar_chart(by_claimant, "claimed_by", "attacks", "By claimant (top 15)", "Attacks"),
        "incidents_claimant",
    )
app.plotly(charts.casualties_chart(casualties), "incidents_casualties")
st.caption(
    "Bars reach the sum of each attack's highest report, whiskers its lowest; hover shows how "
    "many attacks had no figure at all."
)

app.plotly(charts.incidents_map(located), "incidents_map")
at_base = int((located["placed_by"] == "base").sum())
st.caption(
    f"{len(located)} of {len(firsts)} attacks are mapped: {at_base} at the base they targeted "
    "(the source gives no coordinates), the rest at the source's coordinates."
)
app.plotly(
    charts.bar_chart(per_base, "name", "attacks", "Attacks per base", "Attacks"),
    "incidents_per_base",
)

st.subheader("Counts: official vs claimed vs monitored")
app.plotly(charts.attack_counts_chart(counts, ctx.dataset.sources), "incidents_counts")
stated = compared[compared["official_attacks"].notna()]
for _, row in stated.tail(5).iterrows():
    sign = "more" if row["difference"] > 0 else "fewer"
    st.markdown(
        f"- {row['period_end']:%d %b %Y}, {row['country']}: the {row['counted_by']} count "
        f"({row['attacks']}) is {abs(int(row['difference']))} {sign} than the official count "
        f"({row['official_attacks']}, {row['official_period_end']:%d %b %Y})."
    )
app.show_table(
    app.with_source_columns(compared, ctx.dataset.sources),
    "incidents_compared",
    "attack_counts_compared.csv",
    column_config={"url": app.link_column()},
)

st.subheader("Every report of every attack")
table = app.with_source_columns(rows, ctx.dataset.sources)
app.show_table(
    table[
        [
            "date",
            "country",
            "location",
            "base_id",
            "weapon",
            "claimed_by",
            "killed",
            "wounded",
            "status",
            "summary",
            "publisher",
            "url",
            "quote",
            "variant_of",
            "incident_id",
        ]
    ],
    "incidents_table",
    "incidents_filtered.csv",
    column_config={"url": app.link_column()},
)
