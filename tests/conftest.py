"""Shared fixtures: a writable copy of the golden data, and every cache cleared per test."""

from __future__ import annotations

import pytest

from posture.app import cache
from tests.helpers import copy_data


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the golden fixture dataset."""
    return copy_data(tmp_path / "data")


@pytest.fixture(autouse=True)
def _clear_caches():
    cache.clear_all()
    yield
    cache.clear_all()
