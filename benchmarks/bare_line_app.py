"""Browser baseline: a bare page with one plotly chart, a 100-point line."""

import plotly.graph_objects as go
import streamlit as st

figure = go.Figure(go.Scatter(x=list(range(100)), y=[i % 7 for i in range(100)], mode="lines"))
st.plotly_chart(figure, key="bare_chart")
