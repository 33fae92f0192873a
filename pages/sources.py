"""Sources & method: every source with how many rows cite it, and how the data is made."""

import streamlit as st

from posture import app
from posture.analysis import glossary, labels, views
from schemas.sources import SOURCE_KINDS as KINDS

METHOD = """
**How rows are made.** Each row comes from a page a curator read; `quote` holds the exact
supporting words (at most 300 characters) and `source_id` names the page in the list below.
Nothing is estimated, interpolated, averaged or rounded. Where sources disagree, each version
is its own row, and the dashboard shows them side by side.

**Kinds of figure.** *official*: stated on the record by a government or military official;
*reported*: press reporting, often citing unnamed officials; *planned*: a target or deadline.
Troop figures also carry their **counting basis**: *headcount* (personnel counted, such as
Defense Manpower Data Center data), *estimate* (a figure that does not say how it was counted),
*authorised level* (a force management level or other ceiling: how many may be there) and
*planned target*; and their **scope**: the whole country, or part of the force only.

**Source classes.** *official* (a government, armed force, parliament or international
organisation speaking for itself), *wire* (AP, Reuters, AFP and similar agencies and their
copies), *press*, *monitor* (systematic trackers such as SOHR or Crisis Group), *think tank*,
*state media* (outlets controlled by a state that is a party to the conflict or a partner of
one; the state is named), *partisan* (advocacy, militia-aligned or openly partisan outlets),
*claimant* (an armed group) and *reference*. A copy read on another site names the original
publisher and the site it was read on (*via*). A claim found only in state or partisan media is
kept, and shown with its class.
Incidents are *confirmed* (an official or independent source) or *claimed* (only an armed
group's claim, or an unconfirmed report).

**Qualifiers.** *about* (about, around, roughly, some), *exact* (a bare number),
*at_least*, *at_most* (up to), *fewer_than*, *more_than* and *range* (low and high only).
Ranges are drawn as bands or bars; a figure is never shown without its qualifier.

**Unknown stays unknown.** An empty cell means no source read gives the value: it is shown
as unknown and never counted as zero. Official force-management levels and manpower-data
counts differ (2017: 5,262 vs 8,892 in Iraq) and are kept as separate reports.

**'Today'.** Every view ends at the newest dated fact in the data, not at the clock.
"""

# 1. Inputs
ctx = app.page_setup(dates=False)
st.title("Sources & method", help=glossary.explain("AP", "AFP", "SOHR", "DMDC", "FML"))
left, right = st.columns([2, 1])
with left:
    search = app.search_box("sources_search", "Search sources", "publisher, title or address")
with right:
    kinds = app.multiselect(
        "sources_kinds", "Source class", KINDS, format_func=labels.formatter("kind")
    )

# 2. Process
view = ctx.view(views.sources, kinds=kinds, search=search)

# 3. Render
row = app.metric_row()
row.metric("Sources", view.count)
row.metric("Newest source", f"{view.newest:%d %b %Y}")
row.metric("Rows citing them", view.rows_citing)
app.show_table(view.by_class, "sources_classes", "source_classes.csv")
app.show_table(
    view.table,
    "sources_table",
    "sources_filtered.csv",
    column_config={"url": app.link_column("URL")},
)

st.header("Method")
st.markdown(METHOD)

st.header("Known disagreements")
st.markdown(
    f"- {len(view.disagreements)} country-months where troop reports give different figures "
    "(table below and on the Troops page).\n"
    f"- {view.variants} extra reports of {view.varied_attacks} attacks with "
    "different casualty figures, dates or weapons (Incidents page, column `variant_of`; a "
    "later toll that replaces an earlier one names it in `revises`).\n"
    f"- {view.contradicted} base events and milestones that a later source contradicts "
    "(column `contradicted_by`): listed, but no status or verdict rests on them."
)
app.show_table(view.disagreements, "sources_disagreements", "troop_level_disagreements.csv")

st.subheader("Glossary")
st.caption("Every term and acronym the pages use; each page's title tooltip explains its own.")
st.markdown(
    "\n".join(f"- {glossary.entry(term)}" for term in sorted(glossary.GLOSSARY, key=str.lower))
)
