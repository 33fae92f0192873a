"""Shared fixtures: a writable copy of the golden data and a clean Streamlit cache."""

from __future__ import annotations

import pytest
import streamlit as st

from posture import app
from tests.helpers import copy_data


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the golden fixture dataset."""
    return copy_data(tmp_path / "data")


@pytest.fixture(autouse=True)
def _clear_streamlit_cache():
    st.cache_data.clear()
    app.clear_dataset_cache()
    yield
    st.cache_data.clear()
    app.clear_dataset_cache()
