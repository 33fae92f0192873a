"""The analysis layer: pure transforms, aggregations, figures and per-page views (no Streamlit)."""
