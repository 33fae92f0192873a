"""`python -m posture lint`: each suspicious pattern is reported with table, line, rule and
reason; --strict fails unless every warning is accepted with a reason."""

from __future__ import annotations

import pandas as pd
import pytest

from posture.analysis.transforms import latest_date
from posture.cli import main
from posture.data import lint
from posture.data.dataset import read_dataset
from tests.helpers import append_row, set_cell


def _rules(directory) -> dict[str, list[lint.LintWarning]]:
    ds = read_dataset(directory)
    found: dict[str, list[lint.LintWarning]] = {}
    for warning in lint.lint(ds, latest_date(ds)):
        found.setdefault(warning.rule, []).append(warning)
    return found


def test_the_golden_data_warns_about_its_stale_site_and_unlinked_toll(data_copy):
    """Base B was last reported in 2016 (stale), and Base B's attack has a later report with
    another toll that does not say it revises the first."""
    found = _rules(data_copy)
    assert [w.key for w in found["status_older_than_12_months"]] == ["base-b"]
    [toll] = found["later_toll_not_linked"]
    assert (toll.table, toll.line, toll.key) == ("incidents", 3, "20240128-base-b-drone-b")


def test_two_sites_within_3_km_are_probable_duplicates(data_copy):
    """Moving Base B next to Base A makes them a probable duplicate."""
    set_cell(data_copy, "bases", 1, "latitude", "33.81")
    set_cell(data_copy, "bases", 1, "longitude", "42.45")
    set_cell(data_copy, "bases", 1, "country", "Iraq")
    [warning] = _rules(data_copy)["probable_duplicate_site"]
    assert warning.key == "base-a / base-b" and "1.4 km apart" in warning.reason


def test_an_attack_on_a_site_after_it_was_left(data_copy):
    """Base A was vacated on 1 June 2025; an attack on it later is flagged."""
    append_row(
        data_copy,
        "incidents",
        {
            "incident_id": "20250610-base-a-rocket",
            "date": "2025-06-10",
            "date_precision": "day",
            "country": "Iraq",
            "location": "Base A",
            "base_id": "base-a",
            "weapon": "rocket",
            "status": "claimed",
            "hostile": "yes",
            "source_id": "fixture-press",
            "summary": "Rockets at Base A.",
            "quote": "rockets hit Base A",
        },
    )
    set_cell(data_copy, "sources", 1, "published", "2025-06-10")
    set_cell(data_copy, "sources", 1, "accessed", "2026-11-23")
    [warning] = _rules(data_copy)["presence_after_departure"]
    assert warning.key == "20250610-base-a-rocket"


def test_a_figure_missing_from_its_quote(data_copy):
    """A troop figure whose quote states another number is flagged with its line."""
    set_cell(data_copy, "troop_levels", 0, "quote", "about 2,600 troops in Iraq")
    [warning] = _rules(data_copy)["figure_not_in_quote"]
    assert (warning.table, warning.line, warning.reason) == (
        "troop_levels",
        2,
        "best = 2500 is not in the quote",
    )


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("about 2,500 US troops", 2500),
        ("rund 2.500 Soldaten", 2500),
        ("twenty-eight personnel", 28),
        ("ruim vijftig militairen", 50),
        ("No Coalition casualties or damage", 0),
        ("plans to complete its military withdrawal", 0),
    ],
)
def test_numbers_in_quotes_as_sources_write_them(quote, value):
    """Digits with separators, number words and statements of none all count as stated."""
    assert value in lint._numbers(quote)


def test_an_incident_near_a_site_without_its_base(data_copy):
    """The rocket attack 0 km from Base A without a base_id is flagged."""
    set_cell(data_copy, "incidents", 2, "base_id", "")
    [warning] = _rules(data_copy)["incident_near_base_without_base_id"]
    assert warning.key == "20250301-base-a-rocket" and "base-a" in warning.reason


def test_a_plan_for_part_of_the_force(data_copy):
    """A planned level for part of the force is a plan whose evidence is another measure."""
    set_cell(data_copy, "troop_levels", 4, "scope", "part")
    [warning] = _rules(data_copy)["plan_of_another_measure"]
    assert warning.table == "troop_levels"


def test_an_actual_fact_after_its_source(data_copy):
    """An incident dated after its source was published is flagged."""
    set_cell(data_copy, "incidents", 0, "date", "2024-10-01")
    found = _rules(data_copy)["actual_after_source_published"]
    assert [w.key for w in found] == ["20240128-base-b-drone"]


def test_strict_fails_until_every_warning_is_accepted(data_copy, capsys):
    """--strict exits 1 with open warnings, 0 once each is accepted with a reason, and 1 again
    when an acceptance no longer matches anything."""
    assert main(["lint", "--data-dir", str(data_copy)]) == 0
    assert main(["lint", "--strict", "--data-dir", str(data_copy)]) == 1
    assert "lint-accepted.csv" in capsys.readouterr().err
    accepted = data_copy / "lint-accepted.csv"
    accepted.write_text(
        "table,key,rule,reason\n"
        "bases,base-b,status_older_than_12_months,no later report found\n"
        "incidents,20240128-base-b-drone-b,later_toll_not_linked,two reports disagree\n",
        "utf-8",
    )
    assert main(["lint", "--strict", "--data-dir", str(data_copy)]) == 0
    with accepted.open("a", encoding="utf-8") as handle:
        handle.write("bases,base-z,probable_duplicate_site,gone\n")
    assert main(["lint", "--strict", "--data-dir", str(data_copy)]) == 1
    assert "stale acceptance" in capsys.readouterr().out


def test_an_acceptance_without_a_reason_is_refused(data_copy, capsys):
    """Each accepted warning needs a reason: an empty one is an error naming the line."""
    (data_copy / "lint-accepted.csv").write_text(
        "table,key,rule,reason\nbases,base-b,status_older_than_12_months,\n", "utf-8"
    )
    assert main(["lint", "--data-dir", str(data_copy)]) == 1
    assert "lint-accepted.csv:2" in capsys.readouterr().err


def test_reports_name_table_line_rule_and_reason():
    """Each warning prints as 'table.csv:line: rule: key — reason'."""
    warning = lint.LintWarning("bases", 7, "balad", "status_older_than_12_months", "old")
    assert str(warning) == "bases.csv:7: status_older_than_12_months: balad — old"
    assert pd.isna(lint.LintWarning("bases", None, "x", "r", "y").line)
