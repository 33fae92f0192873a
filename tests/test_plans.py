"""Plans vs reality: each plan type's rule on small hand-made cases with known outcomes."""

from __future__ import annotations

import pandas as pd
import pytest

from posture.analysis import plans, transforms
from posture.data.dataset import read_dataset
from tests.helpers import append_row

LATEST = pd.Timestamp("2026-03-01")


def _troops(*rows: dict) -> pd.DataFrame:
    """Troop reports: (as_of, best, qualifier[, basis, scope, low, high]) as dicts."""
    defaults = {
        "country": "Iraq",
        "force": "us",
        "low": None,
        "high": None,
        "kind": "reported",
        "basis": "estimate",
        "scope": "country",
        "source_id": "s",
        "note": None,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    for column in ("low", "best", "high"):
        frame[column] = frame[column].astype("Float64")
    return frame


def _plan(as_of: str, best: float, qualifier: str, **extra) -> pd.Series:
    return _troops(
        {"as_of": as_of, "best": best, "qualifier": qualifier, "kind": "planned", **extra}
    ).iloc[0]


ANNOUNCED = pd.Timestamp("2025-01-01")


def _level(plan: pd.Series, reports: pd.DataFrame, latest=LATEST) -> plans.Verdict:
    return plans.judge_level(plan, reports, ANNOUNCED, latest)


def test_a_cut_reached_before_the_deadline_is_met_early():
    """Plan: fewer than 2,000 by 30 Sep 2025; 1,800 reported on 1 Aug and not contradicted
    before the deadline: met 60 days early."""
    reports = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-08-01", "best": 1800, "qualifier": "about"},
    )
    verdict = _level(_plan("2025-09-30", 2000, "fewer_than"), reports)
    assert (verdict.outcome, verdict.days_late, verdict.timing) == ("met", -60, "early by 60 days")


def test_a_later_report_before_the_deadline_undoes_an_early_hit():
    """1,800 in August, then about 2,500 in September before the deadline: the plan is not met
    by the deadline; the first report after it (1,500) makes it met late."""
    reports = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-08-01", "best": 1800, "qualifier": "about"},
        {"as_of": "2025-09-15", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-11-09", "best": 1500, "qualifier": "about"},
    )
    verdict = _level(_plan("2025-09-30", 2000, "fewer_than"), reports)
    assert (verdict.outcome, verdict.days_late) == ("met", 40)


def test_a_cut_not_reached_after_the_deadline_is_missed():
    """Still about 2,500 in the first report after the deadline: missed."""
    reports = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-10-15", "best": 2500, "qualifier": "about"},
    )
    verdict = _level(_plan("2025-09-30", 2000, "fewer_than"), reports)
    assert verdict.outcome == "missed" and "about 2,500" in verdict.evidence


def test_a_level_met_then_exceeded_after_the_deadline_is_reversed():
    """Reached by the deadline, then 2,500 again in the first report after it: reversed."""
    reports = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-09-01", "best": 1500, "qualifier": "about"},
        {"as_of": "2025-12-01", "best": 2500, "qualifier": "about"},
    )
    assert _level(_plan("2025-09-30", 2000, "fewer_than"), reports).outcome == "reversed"


def test_a_plan_before_its_deadline_is_pending_or_on_track():
    """Deadline after the newest data: pending while no report reaches the plan, on track once
    the latest report does (never met before the deadline can be checked)."""
    plan = _plan("2026-09-30", 1000, "fewer_than")
    above = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-12-01", "best": 2000, "qualifier": "about"},
    )
    assert _level(plan, above).outcome == "pending"
    below = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2026-02-01", "best": 1000, "qualifier": "fewer_than"},
    )
    assert _level(plan, below).outcome == "on track"


@pytest.mark.parametrize(
    "report",
    [
        {"basis": "fml"},  # an authorised ceiling is not a count of troops present
        {"scope": "part"},  # advisers at one base are not all troops in the country
    ],
)
def test_evidence_of_another_measure_never_meets_a_plan(report):
    """A cap or a partial count below the target does not meet a plan about all troops."""
    reports = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-08-01", "best": 300, "qualifier": "about", **report},
    )
    comparable = reports[
        reports["basis"].isin(plans.PRESENCE_BASES) & (reports["scope"] == "country")
    ]
    verdict = _level(_plan("2025-09-30", 2000, "fewer_than"), comparable)
    assert verdict.outcome == "no report since"


def test_a_plan_for_part_of_the_force_is_not_judged_on_country_totals():
    """A plan for advisers only (scope part) is never met by whole-country reports."""
    reports = _troops({"as_of": "2025-08-01", "best": 200, "qualifier": "about"})
    plan = _plan("2025-09-30", 300, "at_most", scope="part", note="advisers only")
    verdict = _level(plan, reports)
    assert verdict.outcome == "no report since" and "part of the force" in verdict.rule


def test_a_report_qualified_like_the_plan_meets_it():
    """A report of 'fewer than 2,000' meets a plan of 'fewer than 2,000'."""
    reports = _troops(
        {"as_of": "2024-12-01", "best": 2500, "qualifier": "about"},
        {"as_of": "2025-08-01", "best": 2000, "qualifier": "fewer_than"},
    )
    assert _level(_plan("2025-09-30", 2000, "fewer_than"), reports).outcome == "met"


def _events(*rows: tuple[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {"base_id": "b", "date": d, "event": e, "kind": "actual", "source_id": "s"}
            for d, e in rows
        ]
    )
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _site_plan(date: str, event: str) -> pd.Series:
    return pd.Series({"base_id": "b", "date": pd.Timestamp(date), "event": event})


def _site(plan: pd.Series, events: pd.DataFrame, latest=LATEST) -> plans.Verdict:
    return plans.judge_site(plan, events, ANNOUNCED, latest)


def test_leaving_a_site_is_met_by_the_departure_and_reversed_by_a_return():
    """Plan to vacate by 30 Jun 2025: vacated on 1 May (met 60 days early); a later report of
    forces there makes it reversed."""
    plan = _site_plan("2025-06-30", "vacated")
    left = _events(("2024-06-01", "presence_reported"), ("2025-05-01", "vacated"))
    verdict = _site(plan, left)
    assert (verdict.outcome, verdict.days_late) == ("met", -60)
    back = _events(
        ("2024-06-01", "presence_reported"), ("2025-05-01", "vacated"), ("2025-09-01", "retained")
    )
    assert _site(plan, back).outcome == "reversed"


def test_leaving_a_site_is_missed_when_forces_are_reported_after_the_deadline():
    """No departure, and forces reported there after the deadline: missed."""
    events = _events(("2024-06-01", "presence_reported"), ("2025-08-01", "presence_reported"))
    assert _site(_site_plan("2025-06-30", "vacated"), events).outcome == "missed"


def test_a_retention_deadline_in_the_future_is_never_met():
    """Plan: keep the site through 31 Dec 2026. Forces are reported there in 2026, but the
    deadline has not passed: on track, not met (and no negative days)."""
    events = _events(("2025-06-01", "presence_reported"), ("2026-02-01", "presence_reported"))
    verdict = _site(_site_plan("2026-12-31", "retained"), events)
    assert (verdict.outcome, verdict.days_late, verdict.timing) == ("on track", None, "")


def test_a_retention_is_met_only_with_presence_after_the_deadline_and_missed_by_leaving():
    """Kept through 30 Jun 2025: met by a report of forces there in August; missed if the site
    was left before the deadline."""
    plan = _site_plan("2025-06-30", "retained")
    kept = _events(("2025-03-01", "presence_reported"), ("2025-08-01", "presence_reported"))
    assert _site(plan, kept).outcome == "met"
    left = _events(("2025-03-01", "presence_reported"), ("2025-05-01", "handed_over"))
    assert _site(plan, left).outcome == "missed"


def test_an_expansion_is_met_only_by_a_reported_expansion():
    """Reports that forces are present do not meet a plan to expand; an 'expanded' event does."""
    plan = _site_plan("2025-06-30", "expanded")
    present = _events(("2025-03-01", "presence_reported"), ("2025-08-01", "presence_reported"))
    assert _site(plan, present).outcome == "no report since"
    assert _site(plan, present, latest=pd.Timestamp("2025-05-01")).outcome == "pending"
    expanded = _events(("2025-03-01", "presence_reported"), ("2025-05-01", "expanded"))
    assert (_site(plan, expanded).outcome, _site(plan, expanded).days_late) == ("met", -60)


def test_every_verdict_states_its_rule(tmp_path):
    """Each ledger row carries a plain sentence saying why (golden data directory)."""
    from tests.helpers import copy_data

    data = copy_data(tmp_path / "data")
    ledger = plans.ledger(read_dataset(data), pd.Timestamp("2025-06-01"))
    assert ledger["rule"].str.len().min() > 40
    assert set(ledger["outcome"]) <= set(plans.OUTCOMES)


def test_a_contradicted_departure_does_not_meet_a_plan(tmp_path):
    """Golden data: Base A's departure is contradicted by a later source; the plan to vacate it
    is then pending (deadline after the data), and the site is unconfirmed, not left."""
    from tests.helpers import copy_data, read_rows, write_rows

    data = copy_data(tmp_path / "data")
    events = read_rows(data / "base_events.csv")
    for row in events:
        if row["event"] == "vacated" and row["kind"] == "actual":
            row["contradicted_by"] = "fixture-official"
    write_rows(data / "base_events.csv", events)
    append_row(
        data,
        "base_events",
        {
            "base_id": "base-a",
            "date": "2025-06-01",
            "event": "retained",
            "kind": "actual",
            "source_id": "fixture-official",
            "quote": "forces remain at Base A",
        },
    )
    dataset = read_dataset(data)
    ledger = plans.ledger(dataset, pd.Timestamp("2025-06-01")).set_index("item")
    assert ledger.loc["Base A: leave", "outcome"] == "pending"
    status = transforms.base_status_at(dataset.bases, dataset.base_events, "2025-06-01")
    assert status.set_index("base_id").loc["base-a", "status"] == "held"


def test_milestone_met_by_the_milestone_that_fulfils_it(tmp_path):
    """Golden data: the mission's end (planned for 30 Sep 2025) was reported on 1 Jun 2025."""
    from tests.helpers import copy_data

    ledger = plans.ledger(
        read_dataset(copy_data(tmp_path / "data")), pd.Timestamp("2025-06-01")
    ).set_index("item")
    row = ledger.loc["End of mission in federal Iraq (plan)"]
    assert (row["outcome"], row["days_late"], row["timing"]) == ("met", -121, "early by 121 days")
