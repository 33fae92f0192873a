"""Every table's schema: the shipped data passes, and each rule catches what it is for."""

from __future__ import annotations

import pytest

from posture.data.dataset import read_dataset
from posture.data.failures import DataValidationError
from tests.helpers import append_row, set_cell


def test_shipped_data_validates():
    """A user runs the dashboard on the repository's data; it passes every check."""
    dataset = read_dataset()
    assert all(count > 0 for count in dataset.row_counts().values())


def test_golden_fixture_validates(data_copy):
    """The small golden dataset used by the other tests is itself valid."""
    assert read_dataset(data_copy).row_counts()["troop_levels"] == 5


# (table, data row, column, bad value, rule expected in the report)
BAD_CELLS = [
    ("sources", 0, "source_id", "Not A Slug", "str_matches"),
    ("sources", 1, "source_id", "fixture-official", "field_uniqueness"),
    ("sources", 0, "url", "javascript:alert(1)", "str_matches"),
    ("sources", 0, "url", "ftp://example.org/x", "str_matches"),
    ("sources", 0, "published", "2024/09/27", "str_matches"),
    ("sources", 0, "published", "2024-02-30", "real_date"),
    ("sources", 0, "published", "2027-01-01", "published_not_after_accessed"),
    ("sources", 0, "kind", "blog", "isin"),
    ("sources", 0, "publisher", " Example Ministry", "no_surrounding_space"),
    ("troop_levels", 0, "country", "Jordan", "isin"),
    ("troop_levels", 0, "force", "nato", "isin"),
    ("troop_levels", 0, "best", "-5", "greater_than_or_equal_to"),
    ("troop_levels", 0, "best", "2,500", "integer"),
    ("troop_levels", 0, "best", "2500.5", "integer"),
    ("troop_levels", 0, "low", "3000", "low_le_best_le_high"),
    ("troop_levels", 0, "best", "", "best_given_unless_range"),
    ("troop_levels", 0, "qualifier", "roughly", "isin"),
    ("troop_levels", 0, "kind", "rumour", "isin"),
    ("troop_levels", 0, "quote", "", "not_nullable"),
    ("troop_levels", 0, "quote", "x" * 301, "str_length"),
    ("troop_levels", 0, "as_of", "2024-13-01", "real_date"),
    ("bases", 0, "latitude", "95", "in_range"),
    ("bases", 0, "latitude", "42.44", "point_inside_country"),
    ("bases", 0, "country", "Lebanon", "isin"),
    ("bases", 0, "location_precision", "guess", "isin"),
    ("bases", 1, "base_id", "base-a", "field_uniqueness"),
    ("base_events", 0, "event", "captured", "isin"),
    ("base_events", 0, "kind", "rumoured", "isin"),
    ("nations", 0, "iso3", "US", "str_matches"),
    ("contributions", 0, "mission", "UN", "isin"),
    ("contributions", 0, "deployed_to", "Lebanon", "isin"),
    ("contributions", 0, "qualifier", "", "qualifier_with_figure"),
    ("incidents", 0, "weapon", "laser", "isin"),
    ("incidents", 0, "killed", "-1", "greater_than_or_equal_to"),
    ("incidents", 0, "date_precision", "year", "isin"),
    ("incidents", 0, "status", "rumoured", "isin"),
    ("incidents", 2, "latitude", "", "latitude_and_longitude_together"),
    ("incidents", 2, "longitude", "35.0", "point_inside_country"),
    ("attack_counts", 0, "attacks", "", "not_nullable"),
    ("attack_counts", 0, "counted_by", "guess", "isin"),
    ("attack_counts", 0, "period_start", "2024-02-01", "period_start_not_after_end"),
    ("milestones", 0, "kind", "party", "isin"),
    ("milestones", 0, "status", "maybe", "isin"),
    ("milestones", 0, "country", "Iran", "isin"),
    ("milestones", 0, "title", "t" * 91, "str_length"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "rule"), BAD_CELLS)
def test_each_rule_catches_its_case(data_copy, table, row, column, value, rule):
    """A user saves a bad cell; the report names the file, line and the broken rule."""
    set_cell(data_copy, table, row, column, value)
    with pytest.raises(DataValidationError) as caught:
        read_dataset(data_copy)
    hits = [f for f in caught.value.failures if f.file == f"{table}.csv" and rule in f.rule]
    assert hits, caught.value.report()
    assert any(f.line == row + 2 for f in hits if f.line is not None) or rule.endswith("uniqueness")


# Cross-table rules: (table, row, column, value, rule)
BAD_REFERENCES = [
    ("troop_levels", 0, "source_id", "no-such-source", "source_id_resolves"),
    ("base_events", 0, "base_id", "no-such-base", "base_id_resolves"),
    ("contributions", 0, "iso3", "FRA", "iso3_resolves"),
    ("incidents", 0, "base_id", "no-such-base", "base_id_resolves"),
    ("incidents", 1, "variant_of", "20250301-base-a-rocketx", "variant_of_resolves"),
    ("incidents", 1, "variant_of", "20240128-base-b-drone-b", "variant_of_first_report"),
    ("milestones", 2, "fulfils", "joint-statement", "fulfils_planned_milestone"),
    ("incidents", 0, "date", "2026-12-01", "actual_not_after_newest_source"),
    ("base_events", 0, "date", "2027-01-01", "actual_not_after_newest_source"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "rule"), BAD_REFERENCES)
def test_cross_table_rules(data_copy, table, row, column, value, rule):
    """A user breaks a reference between tables; the report names the rule and the line."""
    set_cell(data_copy, table, row, column, value)
    with pytest.raises(DataValidationError) as caught:
        read_dataset(data_copy)
    hits = [f for f in caught.value.failures if f.rule == rule]
    assert hits, caught.value.report()
    assert hits[0].file == f"{table}.csv" and hits[0].line == row + 2


def test_duplicate_key_is_reported(data_copy):
    """A user pastes the same troop report twice; the duplicate key is reported."""
    path = data_copy / "troop_levels.csv"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", "utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_dataset(data_copy)
    rules = {(f.rule, f.line) for f in caught.value.failures}
    assert ("multiple_fields_uniqueness", 7) in rules or ("multiple_fields_uniqueness", 2) in rules


def test_planned_rows_may_lie_in_the_future(data_copy):
    """A plan dated after the newest source is allowed; it is a plan, not a fact."""
    set_cell(data_copy, "base_events", 1, "date", "2027-06-30")
    read_dataset(data_copy)


def test_unused_source_is_reported(data_copy):
    """A source that no row cites is flagged so the source list stays honest."""
    append_row(
        data_copy,
        "sources",
        {
            "source_id": "fixture-unused",
            "publisher": "Nobody",
            "title": "Unused",
            "url": "https://example.org/unused",
            "accessed": "2026-11-23",
            "kind": "press",
        },
    )
    with pytest.raises(DataValidationError) as caught:
        read_dataset(data_copy)
    assert [(f.rule, f.line) for f in caught.value.failures] == [("source_is_cited", 4)]


def test_every_failure_is_reported_at_once(data_copy):
    """A file with several mistakes lists all of them, not just the first."""
    set_cell(data_copy, "troop_levels", 0, "best", "abc")
    set_cell(data_copy, "troop_levels", 1, "as_of", "2024-02-30")
    set_cell(data_copy, "troop_levels", 2, "low", "5000")
    set_cell(data_copy, "bases", 0, "country", "Lebanon")
    with pytest.raises(DataValidationError) as caught:
        read_dataset(data_copy)
    found = {(f.file, f.line, f.rule) for f in caught.value.failures}
    assert {
        ("troop_levels.csv", 2, "integer"),
        ("troop_levels.csv", 3, "real_date"),
        ("troop_levels.csv", 4, "low_le_best_le_high"),
    } <= found
    assert any(f.file == "bases.csv" and f.line == 2 for f in caught.value.failures)
