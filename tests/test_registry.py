"""The table registry: a new table works end to end from its schema file and its CSV alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from posture.data.dataset import REPO_ROOT
from schemas import REGISTRY, TABLES

SCHEMA = '''
"""Schema of casualty_reports.csv: a throw-away table added by a test."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import CleanText, date_field, enum_field, quote_field, source_field
from schemas._table import TableSpec, every_row

PRIMARY_KEY = ["report_id"]
FOREIGN_KEYS = {"source_id": ("sources", "source_id")}


class CasualtyReportSchema(CleanText):
    """One report of casualties."""

    report_id: Series[str] = pa.Field(unique=True, description="Unique slug.")
    date: Series[str] = date_field("Date of the report.")
    country: Series[str] = enum_field(["Iraq", "Syria"], "Where it happened.")
    wounded: Series[int] = pa.Field(ge=0, description="Personnel wounded.")
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()

    class Config:
        name = "casualty_reports"
        description = "Reports of casualties (a table added by a test)."
        strict = True
        coerce = True


TABLE = TableSpec(
    name="casualty_reports",
    model=CasualtyReportSchema,
    title="Casualty reports",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="country",
    date_column="date",
    actual_rows=every_row,
)
'''

PAGE_CHECK = """
from streamlit.testing.v1 import AppTest

at = AppTest.from_file("dashboard.py", default_timeout=60)
at.query_params["data_table"] = "casualty_reports"
at.run().switch_page("pages/data.py").run()
assert not at.exception, at.exception
print("ROWS", len(at.dataframe[0].value), "OPTIONS", at.selectbox(key="data_table").options)
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A copy of the project with one new schema file and one new CSV, nothing else edited."""
    root = tmp_path_factory.mktemp("project")
    for name in ("posture", "schemas", "pages", "data", "static", ".streamlit"):
        shutil.copytree(REPO_ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / "dashboard.py", root / "dashboard.py")
    (root / "schemas" / "casualty_reports.py").write_text(SCHEMA, "utf-8")
    known = (REPO_ROOT / "data" / "sources.csv").read_text("utf-8")
    source = next(line.split(",")[0] for line in known.splitlines()[1:] if line.startswith("a"))
    (root / "data" / "casualty_reports.csv").write_text(
        "report_id,date,country,wounded,source_id,quote\n"
        f"r1,2024-01-28,Iraq,3,{source},three wounded\n"
        f"r2,2024-02-01,Syria,2,{source},two wounded\n",
        "utf-8",
    )
    return root


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(copy), "POSTURE_DATA_DIR": str(copy / "data")}
    return subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=300
    )


def test_validate_reads_the_new_table(copy):
    """`posture validate` checks the new CSV with its schema and counts it."""
    done = _run(copy, "-m", "posture", "validate")
    assert done.returncode == 0, done.stderr
    assert f"OK: {len(TABLES) + 1} tables" in done.stdout


def test_export_filters_the_new_table_by_its_country(copy):
    """`posture export` knows the table and filters it by its country column."""
    done = _run(copy, "-m", "posture", "export", "casualty_reports", "--country", "Iraq")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        f"r1,2024-01-28,Iraq,3,{done.stdout.split(',')[-2]},three wounded"
    ]


def test_dictionary_and_datapackage_describe_the_new_table(copy):
    """The data dictionary and datapackage.json list the new table and its columns."""
    script = textwrap.dedent(
        """
        import json
        from posture.data.docs import data_dictionary
        from posture.data.datapackage import build_datapackage
        d = data_dictionary()
        print(json.dumps({
            "columns": d.loc[d["table"] == "casualty_reports", "column"].tolist(),
            "resources": [r["name"] for r in build_datapackage()["resources"]],
        }))
        """
    )
    done = _run(copy, "-c", script)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["columns"] == ["report_id", "date", "country", "wounded", "source_id", "quote"]
    assert found["resources"][-1] == "casualty_reports"


def test_the_data_page_shows_the_new_table(copy):
    """The Data page offers the new table and shows its rows."""
    done = _run(copy, "-c", PAGE_CHECK)
    assert done.returncode == 0, done.stderr
    assert "ROWS 2 " in done.stdout and "casualty_reports" in done.stdout


def test_every_registered_table_declares_its_facts():
    """Each table's spec names its key, and a date column whenever it holds dated facts."""
    for name, spec in REGISTRY.items():
        assert spec.primary_key and set(spec.primary_key) <= set(spec.columns), name
        if spec.actual_rows is not None:
            assert spec.date_column in spec.columns, name
        for column, (target, target_column) in spec.foreign_keys.items():
            assert column in spec.columns and target_column in REGISTRY[target].columns, name
