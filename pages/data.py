"""Data: pick a table, filter and preview it, download it or the whole dataset; the dictionary."""

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from posture import app
from posture.analysis import glossary, views
from posture.data import export
from posture.data.dataset import data_dir
from schemas import TABLES

# 1. Inputs
ctx = app.page_setup()
st.title("Data", help=glossary.explain("CSV", "JSON", "ISO", "WGS84", "URL"))
left, right = st.columns([1, 2])
with left:
    table_name = app.bound(
        st.selectbox,
        "data_table",
        parse=app.one_of(TABLES),
        default="troop_levels",
        label="Table",
        options=TABLES,
    )
with right:
    search = app.search_box("data_search", "Search in text cells", "e.g. Ain al-Asad")

# 2. Process
view = ctx.view(
    views.data_table,
    table=table_name,
    country=ctx.country,
    start=ctx.start_bound,
    end=ctx.end_bound,
    search=search,
)
rows = view.rows
link = "?" + urlencode(st.query_params.to_dict(), doseq=True) if st.query_params else ""

# 3. Render
st.caption(
    f"{len(rows):,} of {view.total:,} rows of `{table_name}.csv` match the "
    "country, date and search filters. The download holds exactly these rows, the same bytes as "
    f"`python -m posture export {table_name}` with the same filters."
)
column_config = {"url": app.link_column("URL")} if "url" in rows else None
app.show_table(rows, "data_preview", f"{table_name}_filtered.csv", column_config=column_config)

st.header("The whole dataset")
st.download_button(
    f"Download the whole dataset, v{ctx.dataset.release.version} (zip: every table, "
    "datapackage.json, README, CHANGELOG, CITATION.cff)",
    data=lambda: export.dataset_zip(ctx.dataset, Path(data_dir()), link),
    file_name=export.zip_name(ctx.dataset.release.version),
    mime="application/zip",
    key="data_zip",
    icon=":material/folder_zip:",
)

st.header("Data dictionary")
st.caption("Generated from the schemas that check the data.")
app.show_table(
    view.dictionary,
    "data_dictionary",
    f"{table_name}_dictionary.csv",
)
