"""Browser baseline: a bare page with one plotly chart, the overview's own troop chart."""

import streamlit as st

from posture.analysis import charts, views
from posture.app import cache
from posture.data.dataset import data_dir, read_dataset


@st.cache_resource
def figure():
    view = views.overview(read_dataset(data_dir()), country="Both", start=None, end=None)
    return cache.freeze(view["figure"])


st.plotly_chart(figure(), key="bare_chart", config=charts.PLOTLY_CONFIG)
