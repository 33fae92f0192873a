"""Two dates compared on the Bases page: the change classes and the table of what changed.

Expected values are worked out by hand from the golden data (tests/fixtures/valid):
- Base A (Iraq): established 2015-01-01; a rocket attack on it recorded 2025-03-01 (a report
  of forces there); vacated 2025-06-01 (a vacating planned for 2025-09-30 does not count).
- Base B (Syria): presence reported 2016-03-01; a drone attack on it recorded 2024-01-28 (its
  second report, a variant, is not another attack).
- Held needs a report at most 365 days old; an older one makes the site unconfirmed.
"""

from __future__ import annotations

import pandas as pd
import pytest

from posture.analysis import transforms, views
from posture.data.dataset import read_dataset
from tests.helpers import VALID


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


@pytest.mark.parametrize(
    ("status_a", "status_b", "change"),
    [
        ("held", "held", "held at both"),
        ("held", "left", "lost"),
        ("held", "not yet", "lost"),
        ("left", "held", "gained"),
        ("not yet", "held", "gained"),
        ("left", "left", "not held"),
        ("not yet", "left", "not held"),
        ("left", "not yet", "not held"),
        ("not yet", "not yet", "not held"),
        ("held", "unconfirmed", "unconfirmed"),
        ("unconfirmed", "held", "unconfirmed"),
        ("unconfirmed", "left", "unconfirmed"),
        ("not yet", "unconfirmed", "unconfirmed"),
        ("unconfirmed", "unconfirmed", "unconfirmed"),
    ],
)
def test_every_pair_of_statuses_has_one_class(status_a, status_b, change):
    """A site unconfirmed at either date is never counted as held, gained or lost."""
    assert transforms.classify_change(status_a, status_b) == change


def test_an_unknown_status_is_refused():
    """A status that base_status_at never gives is an error that names the valid ones."""
    with pytest.raises(ValueError, match="unknown site status 'abandoned'.*'held'"):
        transforms.classify_change("abandoned", "held")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # A: Base A held (established 5 months before); B: its only report is 17 months old.
        # Base B has no report before 2016-03-01, then is held.
        ("2015-06-01", "2016-06-01", {"base-a": "unconfirmed", "base-b": "gained"}),
        # Base A held thanks to the attack of 1 March, then vacated on 1 June; Base B's last
        # report (28 Jan 2024) is over a year old on both dates.
        ("2025-04-01", "2025-07-01", {"base-a": "lost", "base-b": "unconfirmed"}),
        # Base B's attack of 28 Jan 2024 keeps it held on both dates (125 and 338 days).
        ("2024-06-01", "2024-12-31", {"base-a": "unconfirmed", "base-b": "held at both"}),
        # Before any event: neither site held.
        ("2014-06-01", "2014-12-31", {"base-a": "not held", "base-b": "not held"}),
        # After Base A was vacated: left at both dates.
        ("2025-07-01", "2025-12-31", {"base-a": "not held", "base-b": "unconfirmed"}),
    ],
)
def test_sites_are_classed_by_their_status_on_both_dates(ds, a, b, expected):
    """A user compares two dates; each site is classed by its status on each."""
    status = [
        transforms.base_status_at(ds.bases, ds.base_events, pd.Timestamp(d), ds.incidents)
        for d in (a, b)
    ]
    compared = transforms.compare_status(*status)
    assert dict(zip(compared["base_id"], compared["change"], strict=True)) == expected


def test_what_changed_lists_the_site_its_statuses_and_the_reports_between(ds):
    """A user compares 1 April and 1 July 2025: Base A was lost (vacated on 1 June, reported by
    Example Daily); Base B, unconfirmed on both dates, is counted but not listed as changed."""
    view = views.bases_compare(ds, None, pd.Timestamp("2025-04-01"), pd.Timestamp("2025-07-01"))
    assert view.counts == {
        "lost": 1,
        "gained": 0,
        "unconfirmed": 1,
        "held at both": 0,
        "not held": 0,
    }
    [row] = view.changes.to_dict("records")
    assert row["name"] == "Base A"
    assert (row["change"], row["status_at_a"], row["status_at_b"]) == ("lost", "held", "left")
    assert row["explanation"] == "vacated on 01 Jun 2025 (Example Daily)"
    assert row["events_between"] == "2025-06-01 vacated (Example Daily)"
    assert (row["publisher"], row["source_class"], row["url"]) == (
        "Example Daily",
        "press",
        "https://example.org/report",
    )
    assert view.events[["date", "name", "event", "publisher", "url"]].values.tolist() == [
        [
            pd.Timestamp("2025-06-01"),
            "Base A",
            "vacated",
            "Example Daily",
            "https://example.org/report",
        ]
    ]


def test_dates_in_reverse_order_read_from_a_to_b(ds):
    """Date A after date B: Base A goes from left to held, so it is gained, and the reports
    between the two dates are still those of April to July."""
    view = views.bases_compare(ds, None, pd.Timestamp("2025-07-01"), pd.Timestamp("2025-04-01"))
    [row] = view.changes.to_dict("records")
    assert (row["change"], row["status_at_a"], row["status_at_b"]) == ("gained", "left", "held")
    assert row["explanation"] == "reported there on 01 Mar 2025 (attack recorded; Example Daily)"
    assert row["events_between"] == "2025-06-01 vacated (Example Daily)"


def test_a_site_that_goes_unconfirmed_says_how_old_its_last_report_is(ds):
    """Base B, held on 1 June 2024, has no report after 28 Jan 2024: unconfirmed on 1 April
    2025. Base A, unconfirmed then held again after the attack of 1 March, lists that attack."""
    view = views.bases_compare(ds, None, pd.Timestamp("2024-06-01"), pd.Timestamp("2025-04-01"))
    rows = view.changes.set_index("name")
    assert rows.loc["Base B", "explanation"] == (
        "last reported there on 28 Jan 2024 (attack recorded; Example Ministry), more than "
        "12 months before 01 Apr 2025"
    )
    assert rows.loc["Base B", "events_between"] == "none"
    assert rows.loc["Base A", "events_between"] == "1 recorded attack"
    assert view.counts["unconfirmed"] == 2


def test_the_country_filter_keeps_its_own_sites(ds):
    """Picking Syria compares Base B only."""
    view = views.bases_compare(ds, "Syria", pd.Timestamp("2015-06-01"), pd.Timestamp("2016-06-01"))
    assert sum(view.counts.values()) == 1 and view.counts["gained"] == 1
    assert view.changes["name"].tolist() == ["Base B"]
