"""Suspicious patterns in valid data: each is a warning with its table, line, rule and reason.

Validation (``posture.data.rules``) rejects what is certainly wrong; the lint points at what
is probably wrong and needs a curator's look. ``python -m posture lint --strict`` fails on any
warning that ``data/lint-accepted.csv`` does not list with a reason.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from posture.data.dataset import Dataset, parse_csv
from schemas.base_events import LEFT_EVENTS, REENTRY_EVENTS

ACCEPTED_FILE = "lint-accepted.csv"
ACCEPTED_COLUMNS = ["table", "key", "rule", "reason"]
SAME_SITE_KM = 3.0
NEAR_BASE_KM = 5.0
STALE_DAYS = 365
# Numbers written as words in the sources' languages (English, German, Dutch, French,
# Italian, Danish, Polish, Hungarian, the Baltic and South Slavic languages, Arabic), and
# phrases that report none or plan none ("no casualties", "complete withdrawal").
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "dozen": 12,
    "thousand": 1000,
    "zwei": 2, "drei": 3, "vier": 4, "sechs": 6, "zehn": 10, "hundert": 100,
    "drie": 3, "zes": 6, "acht": 8, "tien": 10, "twaalf": 12, "vijftien": 15, "twintig": 20,
    "dertig": 30, "vijftig": 50, "honderd": 100, "honderdtal": 100, "driehonderd": 300,
    "deux": 2, "soixante": 60, "centaine": 100, "quarantina": 40, "fire": 4,
    "dwustu": 200, "stu": 100, "húsz": 20, "negyven": 40,
    "vienas": 1, "trīs": 3, "seši": 6, "dva": 2, "oba": 2, "pet": 5, "šest": 6,
    "sedam": 7, "sedem": 7, "خمسة مئة": 500,
}  # fmt: skip
COMPOUND = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]"
    r"(one|two|three|four|five|six|seven|eight|nine)\b",
    re.IGNORECASE,
)
NONE_PHRASES = re.compile(
    r"\bno (\w+ ){0,2}(casualties|injuries|deaths)|no one was (killed|injured|hurt)|"
    r"no dejó heridos|nessun ferito|without (causing )?(any )?"
    r"casualties|no (us |u\.s\. )?(or coalition )?(coalition )?(troops|personnel|service members)"
    r" (were|was) (killed|injured|hurt|wounded)|no americans were hurt|did not (cause|result in)"
    r" any (casualties|human)|caused no (casualties|injuries)|no (damage or )?casualties|"
    r"did not experience any casualties|not cause casualties|escaped injury|no injuries reported|"
    r"complete (its |the )?(military )?withdrawal|complete withdrawal|withdraw all|"
    r"all remaining .{0,20}troops to be withdrawn|no longer be any military presence",
    re.IGNORECASE,
)
FIGURE_COLUMNS = {
    "troop_levels": ("low", "best", "high"),
    "contributions": ("low", "best", "high"),
    "attack_counts": ("attacks",),
    "incidents": ("killed", "wounded"),
    "coalition_size": ("members",),
}


@dataclass(frozen=True, order=True)
class LintWarning:
    """One suspicious row: where it is, the rule, and why it looks wrong."""

    table: str
    line: int | None
    key: str
    rule: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.table}.csv:{self.line}" if self.line else f"{self.table}.csv"
        return f"{where}: {self.rule}: {self.key} — {self.reason}"


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


_LINES: dict[tuple[str, str], list[int]] = {}


def _lines_of(ds: Dataset, table: str) -> list[int]:
    """The file line each row of ``table`` starts on (quotes may hold line breaks)."""
    key = (ds.data_dir, table)
    if key not in _LINES:
        raw, _ = parse_csv(Path(ds.data_dir) / f"{table}.csv", table)
        _LINES[key] = raw.lines if raw is not None else []
    return _LINES[key]


def _line(ds: Dataset, table: str, index: Hashable) -> int | None:
    lines = _lines_of(ds, table)
    if not isinstance(index, int | np.integer):
        return None
    return lines[int(index)] if 0 <= int(index) < len(lines) else None


def _names(row: pd.Series) -> set[str]:
    aliases = row["aliases"].split(";") if isinstance(row["aliases"], str) else []
    return {n.strip().lower() for n in [row["name"], *aliases] if n and n.strip()}


def duplicate_sites(ds: Dataset) -> list[LintWarning]:
    """Two sites within 3 km of each other, or sharing a name or alias."""
    out = []
    bases = ds.bases.reset_index(drop=True)
    for i in range(len(bases)):
        for j in range(i + 1, len(bases)):
            a, b = bases.iloc[i], bases.iloc[j]
            reasons = []
            if pd.notna(a["latitude"]) and pd.notna(b["latitude"]):
                km = _km(
                    float(a["latitude"]),
                    float(a["longitude"]),
                    float(b["latitude"]),
                    float(b["longitude"]),
                )
                if km <= SAME_SITE_KM:
                    reasons.append(f"{km:.1f} km apart")
            shared = _names(a) & _names(b)
            if shared:
                reasons.append("share the name " + ", ".join(sorted(shared)))
            if reasons:
                out.append(
                    LintWarning(
                        "bases",
                        _line(ds, "bases", j),
                        f"{a['base_id']} / {b['base_id']}",
                        "probable_duplicate_site",
                        " and ".join(reasons) + "; merge them or cite the source that says "
                        "they are distinct in a note",
                    )
                )
    return out


def _standing(ds: Dataset) -> pd.DataFrame:
    events = ds.base_events
    return events[(events["kind"] == "actual") & events["contradicted_by"].isna()]


def presence_after_departure(ds: Dataset) -> list[LintWarning]:
    """An attack on a site recorded after the site was left, with no return in between."""
    out = []
    standing = _standing(ds).sort_values("date", kind="stable")
    attacks = ds.incidents[ds.incidents["base_id"].notna() & ds.incidents["variant_of"].isna()]
    for index, attack in attacks.iterrows():
        before = standing[
            (standing["base_id"] == attack["base_id"]) & (standing["date"] <= attack["date"])
        ]
        moves = before[before["event"].isin(LEFT_EVENTS | REENTRY_EVENTS)]
        if len(moves) and moves.iloc[-1]["event"] in LEFT_EVENTS:
            out.append(
                LintWarning(
                    "incidents",
                    _line(ds, "incidents", index),
                    attack["incident_id"],
                    "presence_after_departure",
                    f"{attack['base_id']} was left on {moves.iloc[-1]['date']:%Y-%m-%d} with no "
                    "return since: is the base right, or is a return missing?",
                )
            )
    return out


def stale_status(ds: Dataset, latest: pd.Timestamp) -> list[LintWarning]:
    """A site whose last report of forces there is over 12 months older than the data: the
    dashboard shows it as unconfirmed; a newer report (or its departure) is probably missing."""
    out = []
    standing = _standing(ds).sort_values("date", kind="stable")
    last = standing.groupby("base_id").tail(1).set_index("base_id")
    attacks = ds.incidents[ds.incidents["base_id"].notna()].groupby("base_id")["date"].max()
    for index, base in ds.bases.iterrows():
        if base["base_id"] not in last.index:
            continue
        event = last.loc[base["base_id"]]
        if event["event"] in LEFT_EVENTS:
            continue
        seen = max(event["date"], attacks.get(base["base_id"], event["date"]))
        if (latest - seen).days > STALE_DAYS:
            out.append(
                LintWarning(
                    "bases",
                    _line(ds, "bases", index),
                    base["base_id"],
                    "status_older_than_12_months",
                    f"last reported there on {seen:%Y-%m-%d}; shown as unconfirmed on "
                    f"{latest:%Y-%m-%d}",
                )
            )
    return out


def _numbers(quote: str) -> set[int]:
    """Every number a quote states: digits (with thousands separators), number words, compound
    English numbers, and 0 for a statement of none."""
    text = quote.replace("\u202f", " ").replace("\u00a0", " ")
    found = set()
    for match in re.finditer(r"\d{1,3}(?:[,. ]\d{3})+(?!\d)|\d+", text):
        found.add(int(re.sub(r"[,. ]", "", match.group(0))))
    lowered = text.lower()
    found |= {n for word, n in NUMBER_WORDS.items() if re.search(rf"\b{word}\b", lowered)}
    tens = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
    tens |= {"eighty": 80, "ninety": 90}
    for match in COMPOUND.finditer(lowered):
        found.add(tens[match.group(1)] + NUMBER_WORDS[match.group(2)])
    if re.search(r"one[- ]hundred and sixteen", lowered):
        found.add(116)
    if NONE_PHRASES.search(text):
        found.add(0)
    return found


def figures_not_in_quote(ds: Dataset) -> list[LintWarning]:
    """A figure of a row that its quote does not contain (in digits, with any separators, or
    as an English word; 0 as 'no casualties' and the like)."""
    out = []
    for table, columns in FIGURE_COLUMNS.items():
        frame = ds.table(table)
        for index, row in frame.iterrows():
            numbers = _numbers(str(row["quote"]))
            for column in columns:
                value = row[column]
                if pd.notna(value) and int(value) not in numbers:
                    out.append(
                        LintWarning(
                            table,
                            _line(ds, table, index),
                            _key(table, row),
                            "figure_not_in_quote",
                            f"{column} = {int(value)} is not in the quote",
                        )
                    )
    return out


def _key(table: str, row: pd.Series) -> str:
    from schemas import REGISTRY

    parts = []
    for column in REGISTRY[table].primary_key:
        value = row[column]
        if isinstance(value, pd.Timestamp):
            value = f"{value:%Y-%m-%d}"
        elif pd.isna(value):
            value = ""
        elif isinstance(value, float):
            value = f"{value:g}"
        parts.append(str(value))
    return "|".join(parts)


def actual_after_source(ds: Dataset) -> list[LintWarning]:
    """Something reported as done dated after its source was published."""
    from schemas import REGISTRY

    published = ds.sources.set_index("source_id")["published"]
    out = []
    for table, spec in REGISTRY.items():
        if spec.actual_rows is None or spec.date_column is None or not spec.cites_sources:
            continue
        frame = ds.table(table)
        actual = frame[spec.actual_rows(frame)]
        when = actual["source_id"].map(published)
        late = actual[when.notna() & (actual[spec.date_column] > when)]
        for index, row in late.iterrows():
            out.append(
                LintWarning(
                    table,
                    _line(ds, table, index),
                    _key(table, row),
                    "actual_after_source_published",
                    f"dated {row[spec.date_column]:%Y-%m-%d}, after its source was published "
                    f"({published[row['source_id']]:%Y-%m-%d}): a plan, or a wrong date?",
                )
            )
    return out


def incidents_near_bases(ds: Dataset) -> list[LintWarning]:
    """An incident the source places within 5 km of a located site but with no base_id."""
    located = ds.bases[ds.bases["latitude"].notna()]
    out = []
    rows = ds.incidents[ds.incidents["base_id"].isna() & ds.incidents["latitude"].notna()]
    for index, row in rows.iterrows():
        near = [
            (km, base["base_id"])
            for _, base in located.iterrows()
            if (km := _km(row["latitude"], row["longitude"], base["latitude"], base["longitude"]))
            <= NEAR_BASE_KM
        ]
        if near:
            km, base_id = min(near)
            out.append(
                LintWarning(
                    "incidents",
                    _line(ds, "incidents", index),
                    row["incident_id"],
                    "incident_near_base_without_base_id",
                    f"{km:.1f} km from {base_id}: was the site the target?",
                )
            )
    return out


def plans_of_another_measure(ds: Dataset) -> list[LintWarning]:
    """A planned troop level for part of the force: no whole-country report can settle it."""
    troops = ds.troop_levels
    rows = troops[(troops["kind"] == "planned") & (troops["scope"] == "part")]
    return [
        LintWarning(
            "troop_levels",
            _line(ds, "troop_levels", index),
            _key("troop_levels", row),
            "plan_of_another_measure",
            "a plan for part of the force is compared with no report (reports of the whole "
            "country are another measure)",
        )
        for index, row in rows.iterrows()
    ]


def unlinked_later_tolls(ds: Dataset) -> list[LintWarning]:
    """Reports of one attack with different tolls, the later one published later, and neither
    revising the other: a revision not linked, or a disagreement to keep?"""
    published = ds.sources.set_index("source_id")["published"]
    rows = ds.incidents.assign(
        attack=ds.incidents["variant_of"].fillna(ds.incidents["incident_id"]),
        published=ds.incidents["source_id"].map(published),
    )
    linked = set(rows["revises"].dropna()) | set(rows.loc[rows["revises"].notna(), "incident_id"])
    out = []
    for _, group in rows[rows["killed"].notna() | rows["wounded"].notna()].groupby("attack"):
        group = group.sort_values("published", kind="stable")
        for i in range(1, len(group)):
            later, earlier = group.iloc[i], group.iloc[i - 1]
            if later["incident_id"] in linked or earlier["incident_id"] in linked:
                continue
            same = all(
                (pd.isna(later[c]) and pd.isna(earlier[c]))
                or (pd.notna(later[c]) and pd.notna(earlier[c]) and later[c] == earlier[c])
                for c in ("killed", "wounded")
            )
            if not same and later["published"] > earlier["published"]:
                out.append(
                    LintWarning(
                        "incidents",
                        _line(ds, "incidents", later.name),
                        later["incident_id"],
                        "later_toll_not_linked",
                        f"a later report of {earlier['incident_id']} with another toll: set "
                        "revises if it updates it, or accept it as a disagreement",
                    )
                )
    return out


def lint(ds: Dataset, latest: pd.Timestamp) -> list[LintWarning]:
    """Every warning, sorted by table and line."""
    return sorted(
        [
            *duplicate_sites(ds),
            *presence_after_departure(ds),
            *stale_status(ds, latest),
            *figures_not_in_quote(ds),
            *actual_after_source(ds),
            *incidents_near_bases(ds),
            *plans_of_another_measure(ds),
            *unlinked_later_tolls(ds),
        ]
    )


def read_accepted(directory: Path) -> list[dict[str, str]]:
    """The accepted warnings: table, key, rule and the reason a curator accepted it."""
    path = directory / ACCEPTED_FILE
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        if set(row) != set(ACCEPTED_COLUMNS) or not (row.get("reason") or "").strip():
            raise ValueError(
                f"{path}:{number}: each accepted warning needs {', '.join(ACCEPTED_COLUMNS)} "
                "and a reason"
            )
    return rows


def unaccepted(
    warnings: list[LintWarning], accepted: list[dict[str, str]]
) -> tuple[list[LintWarning], list[dict[str, str]]]:
    """Warnings not accepted, and accepted entries that no longer match any warning."""
    keys = {(a["table"], a["key"], a["rule"]) for a in accepted}
    found = {(w.table, w.key, w.rule) for w in warnings}
    open_ = [w for w in warnings if (w.table, w.key, w.rule) not in keys]
    stale = [a for a in accepted if (a["table"], a["key"], a["rule"]) not in found]
    return open_, stale
