"""The README's generated tables match the schemas and the data."""

from __future__ import annotations

import re

import pytest

from posture.data.dataset import REPO_ROOT, read_dataset
from posture.data.docs import readme_sections, render_sections


def test_readme_tables_are_current():
    """A user reads the contract and coverage in the README; they match the code and data."""
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    sections = readme_sections(read_dataset(REPO_ROOT / "data"))
    assert render_sections(readme, sections) == readme, "run `python -m posture readme`"
    for name in sections:
        assert f"<!-- {name}:start -->" in readme


def test_contract_lists_every_column():
    """Every column of every schema appears in the README's contract."""
    from schemas import REGISTRY

    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    for table, spec in REGISTRY.items():
        assert f"**`{table}.csv`**" in readme
        for column in spec.columns:
            assert f"| `{column}` |" in readme


def test_readme_quick_start_shows_the_two_commands():
    """The Quick start shows exactly `make run` and `make test`."""
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick and "make test" in quick


def test_server_settings_are_the_documented_ones():
    """Someone running the server gets the safe, fast settings the README lists."""
    import tomllib

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True  # true = cross-origin requests refused
    assert config["server"]["maxUploadSize"] == 1
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["fileWatcherType"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["runner"]["postScriptGC"] is False
    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    for documented in (
        "XSRF protection on",
        "uploads capped at\n  1 MB",
        "no file watcher",
        "garbage collection",
        "binds to 127.0.0.1 too",
    ):
        assert documented in readme


def test_import_options_and_vintages_are_documented(capsys):
    """A user reads the README's import section; every option of the command, every recognised
    vintage's telling columns and every missing-value spelling are there."""
    from posture.cli import main
    from posture.imports.formats import MISSING, VINTAGES

    readme = (REPO_ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Your own ACLED or UCDP events", 1)[1].split("\n## ", 1)[0]
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    options = set(re.findall(r"--[a-z-]+", capsys.readouterr().out)) - {"--help"}
    assert options == {"--user-dir", "--data-dir", "--encoding", "--date-format", "--no-wait",
                       "--allow-empty"}  # fmt: skip
    for option in options - {"--data-dir"}:
        assert f"`{option}" in section, option
    for vintages in VINTAGES.values():
        for vintage in vintages:
            for column in vintage.marks + vintage.absent:
                assert f"`{column}`" in section, column
    for spelling in MISSING[1:]:
        assert f"`{spelling}`" in section, spelling
