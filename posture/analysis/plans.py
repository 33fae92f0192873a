"""The plans-vs-reality ledger: every announced plan judged by an explicit rule for its type,
on evidence of the same measure, with the rule stated in one plain sentence per verdict.

Plan types: a troop level reached by a date; a site left, kept, expanded or opened by a date;
a milestone (such as the end of a mission) by a date. Outcomes: met (early, on time or late by
N days), missed, reversed, on track, pending, no report since a date.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from posture.analysis.transforms import format_level
from posture.data.dataset import Dataset
from schemas.base_events import LEFT_EVENTS, REENTRY_EVENTS

# Reports that say how many troops are there; caps (fml) and plans are never evidence.
PRESENCE_BASES = ("count", "estimate")
# Events that report forces at a site (a reduction or an announcement still means present).
PRESENCE_EVENTS = frozenset(
    {"established", "presence_reported", "expanded", "retained", "reoccupied", "reduced"}
)
OPENING_EVENTS = frozenset(REENTRY_EVENTS | {"presence_reported"})
# A plan dated on (or before) its own announcement gave no deadline: the data then uses this
# long a window after the announcement to look for its outcome.
NO_DEADLINE_WINDOW = pd.DateOffset(years=1)
# A target of "about N" or "exactly N" is reached within this share of N.
TOLERANCE = 0.1
OUTCOMES = ["met", "missed", "reversed", "on track", "pending", "no report since"]
LEDGER_COLUMNS = [
    "item",
    "country",
    "plan_type",
    "planned",
    "deadline",
    "announced",
    "plan_source_id",
    "outcome",
    "timing",
    "days_late",
    "outcome_date",
    "evidence",
    "rule",
    "outcome_source_id",
]


@dataclass(frozen=True)
class Verdict:
    """An outcome with the evidence it rests on and the sentence that explains it."""

    outcome: str
    rule: str
    date: pd.Timestamp | None = None
    days_late: int | None = None
    evidence: str | None = None
    source_id: str | None = None

    @property
    def timing(self) -> str:
        """'early by 5 days', 'on time', 'late by 57 days' for met plans; else empty."""
        if self.outcome != "met" or self.days_late is None:
            return ""
        if self.days_late == 0:
            return "on time"
        return f"{'early' if self.days_late < 0 else 'late'} by {abs(self.days_late)} days"


def _day(date: pd.Timestamp) -> str:
    return f"{date:%d %b %Y}"


def _announced(source_id: str, published: pd.Series) -> pd.Timestamp | None:
    date = published.get(source_id)
    return None if pd.isna(date) else pd.Timestamp(date)


def _bounds(row: pd.Series) -> tuple[float | None, float | None]:
    """The lowest and highest value a report allows: its range, or its one figure as its
    qualifier bounds it ("fewer than 1,000" is below 1,000; "more than 900" above 900)."""
    best = row.get("best")
    low = row.get("low") if pd.notna(row.get("low")) else best
    high = row.get("high") if pd.notna(row.get("high")) else best
    low = None if pd.isna(low) else float(low)
    high = None if pd.isna(high) else float(high)
    qualifier = row.get("qualifier")
    if qualifier == "fewer_than" and high is not None:
        return (None if low is None else min(low, high - 0.5)), high - 0.5
    if qualifier == "more_than" and low is not None:
        return low + 0.5, (None if high is None else max(high, low + 0.5))
    return low, high


def satisfies(report: pd.Series, target: float, qualifier: str, direction: str) -> bool:
    """Whether a report reaches a planned level.

    A target's qualifier is a strict bound in the plan's direction: "fewer than 1,000" for a
    cut ('down') needs a report below 1,000, "at least 300" for an increase ('up') one of 300
    or more. Any other target ("about 3,000", or "up to 300" for an increase) is reached
    within 10% of it, or beyond it in the plan's direction. A target of 0 needs 0.
    """
    low, high = _bounds(report)
    if low is None or high is None:
        return False
    if target == 0:
        return high == 0
    if direction == "down" and qualifier in ("fewer_than", "at_most"):
        return high < target if qualifier == "fewer_than" else high <= target
    if direction == "up" and qualifier in ("more_than", "at_least"):
        return low > target if qualifier == "more_than" else low >= target
    if direction == "down":
        return high <= target * (1 + TOLERANCE)
    if direction == "up":
        return low >= target * (1 - TOLERANCE)
    return low >= target * (1 - TOLERANCE) and high <= target * (1 + TOLERANCE)


def _direction(target: float, qualifier: str, before: pd.DataFrame) -> str:
    """'down' when the last report up to the plan is above the target, 'up' when below;
    without one, what the target's qualifier implies ('fewer than' is a cut)."""
    if not before.empty:
        low, high = _bounds(before.iloc[-1])
        if low is not None and low > target:
            return "down"
        if high is not None and high < target:
            return "up"
        return "either"
    return {"fewer_than": "down", "more_than": "up", "at_least": "up"}.get(qualifier, "either")


def _level(report: pd.Series) -> str:
    return f"{format_level(report)} ({report['basis']}, {_day(report['as_of'])})"


def judge_level(
    plan: pd.Series, reports: pd.DataFrame, announced: pd.Timestamp | None, latest: pd.Timestamp
) -> Verdict:
    """A planned troop level against reports of troops present, same country and force.

    Met when the last comparable report on or before the deadline reaches the plan (early or
    on time, from the first report of that final run); after the deadline, the first report
    settles it: it reaches the plan (met late) or not (missed). A plan met by the deadline
    whose first report after it no longer reaches it is reversed. A plan dated on its own
    announcement gave no deadline: it is judged a year after the announcement, without days.
    """
    target = float(plan["best"] if pd.notna(plan["best"]) else plan["high"])
    what = f"{format_level(plan)} {plan['force']} troops in {plan['country']}".replace(
        " us troops", " US troops"
    )
    if plan["scope"] != "country":
        return Verdict(
            "no report since",
            f"The plan covers part of the force only ({plan['note'] or 'see its note'}); reports "
            "of the whole country are another measure, and none of that part is recorded.",
            date=announced,
        )
    no_deadline = announced is not None and plan["as_of"] <= announced
    deadline = (
        announced + NO_DEADLINE_WINDOW if announced is not None and no_deadline else plan["as_of"]
    )
    start = announced if announced is not None else plan["as_of"] - NO_DEADLINE_WINDOW
    direction = _direction(target, plan["qualifier"], reports[reports["as_of"] <= start])
    since = reports[reports["as_of"] > start]
    ok = pd.Series(
        [satisfies(r, target, plan["qualifier"], direction) for _, r in since.iterrows()],
        index=since.index,
        dtype=bool,
    )
    measure = "reports of troops present in the whole country (headcounts and estimates)"
    by = (
        "within a year of the announcement (no deadline was given)"
        if no_deadline
        else (f"by {_day(deadline)}")
    )

    def days(date: pd.Timestamp) -> int | None:
        return None if no_deadline else (date - deadline).days

    before = since[since["as_of"] <= deadline]
    # Only a report within a year after the deadline settles it; later ones are another story.
    after = since[(since["as_of"] > deadline) & (since["as_of"] <= deadline + NO_DEADLINE_WINDOW)]
    if not before.empty and ok.loc[before.index[-1]]:
        run = ok.loc[before.index][::-1].cumprod().astype(bool)[::-1]
        hit = before[run].iloc[0]
        if deadline > latest:
            return Verdict(
                "on track",
                f"On track: the latest of the {measure}, {_level(before.iloc[-1])}, reaches "
                f"{what}; the plan runs {by}, after the newest data.",
                date=hit["as_of"],
                evidence=_level(before.iloc[-1]),
                source_id=before.iloc[-1]["source_id"],
            )
        if len(after) and not ok.loc[after.index[0]]:
            undo = after.iloc[0]
            return Verdict(
                "reversed",
                f"Reversed: {what} was reached {by} ({_level(hit)}), but the first report after "
                f"that, {_level(undo)}, no longer reaches it.",
                date=undo["as_of"],
                days_late=days(hit["as_of"]),
                evidence=f"{_level(hit)}, then {_level(undo)}",
                source_id=undo["source_id"],
            )
        return Verdict(
            "met",
            f"Met: {measure} reach {what} from {_level(hit)} on, and no later report "
            f"{by.split(' (')[0]} says otherwise.",
            date=hit["as_of"],
            days_late=days(hit["as_of"]),
            evidence=_level(hit),
            source_id=hit["source_id"],
        )
    if deadline > latest:
        last = f" The latest comparable report is {_level(before.iloc[-1])}." if len(before) else ""
        return Verdict(
            "pending",
            f"Pending: no comparable report yet reaches {what}, and the plan runs {by}, after "
            f"the newest data.{last}",
        )
    if after.empty:
        seen: pd.Timestamp = before.iloc[-1]["as_of"] if len(before) else deadline
        return Verdict(
            "no report since",
            f"No report since {_day(seen)}: no comparable report reached {what} {by}, and none "
            "in the year after is recorded.",
            date=seen,
        )
    first = after.iloc[0]
    if ok.loc[after.index[0]]:
        return Verdict(
            "met",
            f"Met late: the first report after {'the year' if no_deadline else 'the deadline'}, "
            f"{_level(first)}, reaches {what}.",
            date=first["as_of"],
            days_late=days(first["as_of"]),
            evidence=_level(first),
            source_id=first["source_id"],
        )
    return Verdict(
        "missed",
        f"Missed: no comparable report reached {what} {by}, and the first after it, "
        f"{_level(first)}, does not either.",
        date=first["as_of"],
        evidence=_level(first),
        source_id=first["source_id"],
    )


def _event(row: pd.Series) -> str:
    return f"{row['event'].replace('_', ' ')} on {_day(row['date'])}"


def judge_site(
    plan: pd.Series, events: pd.DataFrame, announced: pd.Timestamp | None, latest: pd.Timestamp
) -> Verdict:
    """A planned base event against the site's actual events that no later source contradicts.

    Leave: met (early, on time, late) by the first departure, reversed by a later report of
    forces there, missed when forces are still reported after the deadline. Keep: missed by a
    departure before the deadline, met only once forces are reported after it, on track while
    they are reported before it. Expand: met only by a reported expansion. Open: met by the
    first report of forces there. A plan dated on its own announcement is judged a year on.
    """
    no_deadline = announced is not None and plan["date"] <= announced
    deadline = (
        announced + NO_DEADLINE_WINDOW if announced is not None and no_deadline else plan["date"]
    )
    start = announced if announced is not None else plan["date"] - NO_DEADLINE_WINDOW
    after = events[events["date"] >= start]
    if no_deadline:
        by = "within a year of the announcement (no deadline was given)"
    else:
        by = f"by {_day(deadline)}"

    def days(date: pd.Timestamp) -> int | None:
        return None if no_deadline else (date - deadline).days

    kind = site_plan_type(plan["event"])
    gone = after[after["event"].isin(LEFT_EVENTS)]
    present = after[after["event"].isin(PRESENCE_EVENTS)]
    if kind == "leave":
        if len(gone):
            hit = gone.iloc[0]
            back = present[present["date"] > hit["date"]]
            if len(back):
                undo = back.iloc[0]
                return Verdict(
                    "reversed",
                    f"Reversed: the site was reported left ({_event(hit)}) but a later source "
                    f"reports forces there ({_event(undo)}).",
                    date=undo["date"],
                    days_late=days(hit["date"]),
                    evidence=f"{_event(hit)}, then {_event(undo)}",
                    source_id=undo["source_id"],
                )
            return Verdict(
                "met",
                f"Met: the site was reported left ({_event(hit)}) and no later source reports "
                "forces there.",
                date=hit["date"],
                days_late=days(hit["date"]),
                evidence=_event(hit),
                source_id=hit["source_id"],
            )
        still = present[present["date"] > deadline]
        if deadline <= latest and len(still):
            hit = still.iloc[0]
            return Verdict(
                "missed",
                f"Missed: the site was to be left {by}, but forces are reported there after "
                f"that ({_event(hit)}).",
                date=hit["date"],
                evidence=_event(hit),
                source_id=hit["source_id"],
            )
        return _unsettled(after, deadline, latest, f"leave the site {by}")
    if kind == "keep":
        early = gone[gone["date"] <= deadline]
        if len(early):
            hit = early.iloc[0]
            return Verdict(
                "missed",
                f"Missed: the site was to be kept {by}, but it was reported left ({_event(hit)}).",
                date=hit["date"],
                evidence=_event(hit),
                source_id=hit["source_id"],
            )
        later = present[present["date"] >= deadline]
        if len(later):
            hit = later.iloc[0]
            after_what = "that year" if no_deadline else "the deadline"
            return Verdict(
                "met",
                f"Met: forces are reported at the site after {after_what} ({_event(hit)}).",
                date=hit["date"],
                days_late=days(hit["date"]),
                evidence=_event(hit),
                source_id=hit["source_id"],
            )
        if deadline > latest and len(present):
            hit = present.iloc[-1]
            return Verdict(
                "on track",
                f"On track: forces are still reported at the site ({_event(hit)}); the plan to "
                f"keep it runs {by}, after the newest data, so it cannot be met yet.",
                date=hit["date"],
                evidence=_event(hit),
                source_id=hit["source_id"],
            )
        return _unsettled(after, deadline, latest, f"keep the site {by}")
    goal = {"expand": {"expanded"}, "open": OPENING_EVENTS}[kind]
    done = after[after["event"].isin(goal)]
    if len(done):
        hit = done.iloc[0]
        what = "an expansion" if kind == "expand" else "forces at the site"
        return Verdict(
            "met",
            f"Met: a source reports {what} ({_event(hit)}).",
            date=hit["date"],
            days_late=days(hit["date"]),
            evidence=_event(hit),
            source_id=hit["source_id"],
        )
    early = gone[gone["date"] <= deadline]
    if len(early):
        hit = early.iloc[0]
        return Verdict(
            "missed",
            f"Missed: the site was reported left ({_event(hit)}) before the plan to {kind} it "
            "was carried out.",
            date=hit["date"],
            evidence=_event(hit),
            source_id=hit["source_id"],
        )
    if kind == "expand":
        aim = "expand the site (only a reported expansion meets it)"
    else:
        aim = "open the site"
    return _unsettled(after, deadline, latest, f"{aim} {by}")


def _unsettled(
    after: pd.DataFrame, deadline: pd.Timestamp, latest: pd.Timestamp, aim: str
) -> Verdict:
    """A site plan that no event settles: pending before its deadline, else no report."""
    if deadline > latest:
        return Verdict("pending", f"Pending: no source yet reports the plan to {aim} carried out.")
    last = after.iloc[-1]["date"] if len(after) else None
    since = _day(last) if last is not None else "the plan"
    return Verdict(
        "no report since",
        f"No report since {since}: no source read says whether the plan to {aim} was carried out.",
        date=last,
    )


def site_plan_type(event: str) -> str:
    """leave, keep, expand or open: what a planned base event asks for."""
    if event in LEFT_EVENTS or event in ("withdrawal_announced", "reduced"):
        return "leave"
    if event == "retained":
        return "keep"
    if event == "expanded":
        return "expand"
    return "open"


def judge_milestone(plan: pd.Series, done: pd.DataFrame, latest: pd.Timestamp) -> Verdict:
    """A planned milestone against the actual milestones that carry it out (``fulfils``) and
    that no later source contradicts."""
    if len(done):
        hit = done.iloc[0]
        return Verdict(
            "met",
            f"Met: {hit['title']} ({_day(hit['date'])}) carries out the plan.",
            date=hit["date"],
            days_late=(hit["date"] - plan["date"]).days,
            evidence=hit["title"],
            source_id=hit["source_id"],
        )
    if plan["date"] > latest:
        return Verdict(
            "pending",
            f"Pending: the deadline ({_day(plan['date'])}) is after the newest data and no "
            "milestone carries it out yet.",
        )
    return Verdict(
        "no report since",
        f"No report since the deadline ({_day(plan['date'])}): no source read says it was "
        "carried out, nor that it was abandoned.",
        date=plan["date"],
    )


def _row(verdict: Verdict, **plan: object) -> dict[str, object]:
    return {
        **plan,
        "outcome": verdict.outcome,
        "timing": verdict.timing,
        "days_late": verdict.days_late,
        "outcome_date": verdict.date,
        "evidence": verdict.evidence,
        "rule": verdict.rule,
        "outcome_source_id": verdict.source_id,
    }


def troop_plans(
    troops: pd.DataFrame, published: pd.Series, latest: pd.Timestamp
) -> list[dict[str, object]]:
    """Every planned troop level with its verdict."""
    reports = troops[
        (troops["kind"] != "planned")
        & troops["basis"].isin(PRESENCE_BASES)
        & (troops["scope"] == "country")
    ].sort_values("as_of", kind="stable")
    rows = []
    for _, plan in troops[troops["kind"] == "planned"].iterrows():
        if pd.isna(plan["best"]) and pd.isna(plan["high"]):
            continue
        same = reports[
            (reports["country"] == plan["country"]) & (reports["force"] == plan["force"])
        ]
        announced = _announced(plan["source_id"], published)
        force = {"us": "US", "partners": "Partner", "all": "All coalition"}[plan["force"]]
        rows.append(
            _row(
                judge_level(plan, same, announced, latest),
                item=f"{force} troops in {plan['country']}",
                country=plan["country"],
                plan_type="troop level",
                planned=format_level(plan),
                deadline=plan["as_of"],
                announced=announced,
                plan_source_id=plan["source_id"],
            )
        )
    return rows


def base_plans(
    bases: pd.DataFrame, events: pd.DataFrame, published: pd.Series, latest: pd.Timestamp
) -> list[dict[str, object]]:
    """Every planned base event with its verdict."""
    names = bases.set_index("base_id")["name"]
    countries = bases.set_index("base_id")["country"]
    standing = events[(events["kind"] == "actual") & events["contradicted_by"].isna()]
    standing = standing.sort_values("date", kind="stable")
    rows = []
    for _, plan in events[events["kind"] == "planned"].iterrows():
        announced = _announced(plan["source_id"], published)
        kind = site_plan_type(plan["event"])
        rows.append(
            _row(
                judge_site(
                    plan, standing[standing["base_id"] == plan["base_id"]], announced, latest
                ),
                item=f"{names.get(plan['base_id'], plan['base_id'])}: {kind}",
                country=countries.get(plan["base_id"]),
                plan_type=f"site: {kind}",
                planned=plan["event"].replace("_", " "),
                deadline=plan["date"],
                announced=announced,
                plan_source_id=plan["source_id"],
            )
        )
    return rows


def milestone_plans(
    milestones: pd.DataFrame, published: pd.Series, latest: pd.Timestamp
) -> list[dict[str, object]]:
    """Every planned milestone with its verdict."""
    actual = milestones[(milestones["status"] == "actual") & milestones["contradicted_by"].isna()]
    actual = actual.sort_values("date", kind="stable")
    return [
        _row(
            judge_milestone(plan, actual[actual["fulfils"] == plan["milestone_id"]], latest),
            item=plan["title"],
            country=plan["country"],
            plan_type="milestone",
            planned=plan["kind"],
            deadline=plan["date"],
            announced=_announced(plan["source_id"], published),
            plan_source_id=plan["source_id"],
        )
        for _, plan in milestones[milestones["status"] == "planned"].iterrows()
    ]


def ledger(dataset: Dataset, latest: pd.Timestamp) -> pd.DataFrame:
    """Every planned item with its verdict; ``days_late`` is negative when met early."""
    published = dataset.sources.set_index("source_id")["published"]
    rows = [
        *troop_plans(dataset.troop_levels, published, latest),
        *base_plans(dataset.bases, dataset.base_events, published, latest),
        *milestone_plans(dataset.milestones, published, latest),
    ]
    out = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    for column in ("deadline", "announced", "outcome_date"):
        out[column] = pd.to_datetime(out[column])
    out["days_late"] = out["days_late"].astype("Int64")
    return out.sort_values(["deadline", "item"], kind="stable").reset_index(drop=True)
