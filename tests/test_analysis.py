"""Aggregations behind the analysis pages, checked by hand against the golden fixture."""

from __future__ import annotations

import io

import pandas as pd
import pandas.testing as pdt
import pytest

import schemas
from posture.analysis import incidents, transforms, views
from posture.data import docs, export
from posture.data.dataset import read_dataset
from schemas import TABLES
from tests.helpers import VALID, append_row


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


def test_monthly_counts_zero_filled(ds):
    """Months without attacks count zero; two reports of one attack count once."""
    table = incidents.monthly_counts(ds.incidents)
    assert len(table) == 15  # January 2024 to March 2025
    assert table.loc["2024-01-01", "Syria"] == 1
    assert table.loc["2025-03-01", "Iraq"] == 1
    assert int(table.to_numpy().sum()) == 2


def test_casualty_ranges_span_reports(ds):
    """An attack's toll is the range across its reports; unreported stays unknown."""
    ranges = incidents.casualty_ranges(ds.incidents).set_index("incident_id")
    drone = ranges.loc["20240128-base-b-drone"]
    assert (drone["killed_low"], drone["killed_high"]) == (3, 3)
    assert (drone["wounded_low"], drone["wounded_high"]) == (40, 47)
    assert drone["reports"] == 2
    assert pd.isna(ranges.loc["20250301-base-a-rocket", "wounded_high"])
    monthly = incidents.casualties_by_period(ds.incidents).set_index("period")
    assert monthly.loc["2024-01-01", "wounded_high"] == 47
    assert monthly.loc["2025-03-01", "wounded_unknown"] == 1


def test_locate_uses_source_then_base(ds):
    """Attacks are mapped at the source's coordinates, else at their base's."""
    located = incidents.locate(ds.incidents, ds.bases).set_index("incident_id")
    assert located.loc["20240128-base-b-drone", ["map_lat", "map_lon", "placed_by"]].tolist() == [
        33.5,
        38.6,
        "base",
    ]
    assert located.loc["20250301-base-a-rocket", "placed_by"] == "source"


def test_by_base_and_counts_by(ds):
    """Attacks per base and per weapon count first reports only."""
    assert incidents.by_base(ds.incidents, ds.bases)[["name", "attacks"]].values.tolist() == [
        ["Base A", 1],
        ["Base B", 1],
    ]
    claimants = incidents.counts_by(ds.incidents, "claimed_by", "no claim reported")
    assert claimants.values.tolist() == [["Group X", 1], ["no claim reported", 1]]


def test_compare_counts_states_difference(ds):
    """A claimed tally is set beside the official tally of the same period end."""
    compared = incidents.compare_counts(ds.attack_counts)
    row = compared.iloc[0]
    assert (row["counted_by"], row["attacks"], row["official_attacks"], row["difference"]) == (
        "claimant",
        170,
        160,
        10,
    )


def test_per_thousand_carries_range():
    """The rate divides by the best level; its range divides by the high and low ends."""
    months = pd.to_datetime(["2024-01-01", "2024-02-01"])
    levels = pd.DataFrame(
        {"month": months, "low": [2000, None], "best": [2500, None], "high": [4000, None]}
    )
    rate = incidents.per_thousand_troops(pd.Series([5, 3], index=months), levels)
    assert rate["rate"].tolist()[0] == 2.0
    assert rate["rate_low"].tolist()[0] == 1.25 and rate["rate_high"].tolist()[0] == 2.5
    assert pd.isna(rate["rate"].tolist()[1])


def test_levels_by_month_gap_after_long_silence(ds):
    """A level is carried to later months but not beyond the carry limit."""
    months = transforms.month_range(pd.Timestamp("2024-09-01"), pd.Timestamp("2026-06-30"))
    levels = transforms.levels_by_month(ds.troop_levels, "Syria", months).set_index("month")
    assert levels.loc["2024-09-01", "best"] == 900
    assert levels.loc["2025-06-01", "best"] == 2000
    assert levels.loc["2026-06-01", "best"] == 2000  # 365 days after the last report
    far = transforms.levels_by_month(
        ds.troop_levels, "Syria", pd.DatetimeIndex([pd.Timestamp("2027-03-01")])
    )
    assert pd.isna(far["best"].iloc[0])


def test_held_by_month_matches_status_at(ds):
    """Bases held per month follow the same rule as the posture-at-a-date view."""
    months = transforms.month_range(pd.Timestamp("2015-01-01"), pd.Timestamp("2025-06-01"))
    held = transforms.held_by_month(ds.bases, ds.base_events, months)
    for month in months[::7]:
        status = transforms.base_status_at(ds.bases, ds.base_events, month + pd.offsets.MonthEnd(0))
        expected = transforms.count_by_status(status)[["held", "unconfirmed"]]
        got = held[held["month"] == month].set_index("country")[["held", "unconfirmed"]]
        assert got.loc[expected.index].to_dict() == expected.to_dict()


def test_filter_table_follows_references(ds):
    """Picking Iraq keeps Iraqi events by their base and only the sources those rows cite."""
    events = transforms.filter_table(ds, "base_events", ["Iraq"])
    assert set(events["base_id"]) == {"base-a"}
    sources = transforms.filter_table(ds, "sources", ["Syria"], None, pd.Timestamp("2024-12-31"))
    assert sources["source_id"].tolist() == ["fixture-official", "fixture-press"]
    counts = transforms.filter_table(ds, "attack_counts", ["Iraq"])
    assert len(counts) == 2  # 'Iraq and Syria' counts include Iraq


def test_download_bytes_parse_back_to_rows(ds):
    """Each download's bytes read back as exactly the filtered rows, empty cells still empty."""
    for table in ("troop_levels", "incidents", "bases", "sources"):
        rows = transforms.filter_table(ds, table, ["Syria"])
        data = export.csv_bytes(transforms.filter_table(ds, table, ["Syria"]))
        back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        assert back.columns.tolist() == rows.columns.tolist()
        assert len(back) == len(rows)
        expected = export.neutralise_formulas(rows)
        for column in rows.columns:
            shown = expected[column]
            if pd.api.types.is_datetime64_any_dtype(shown):
                shown = shown.dt.strftime("%Y-%m-%d")
            text = shown.astype("string").fillna("").tolist()
            got = back[column].tolist()
            if pd.api.types.is_float_dtype(rows[column]):
                got = [str(float(v)) if v else "" for v in got]
                text = [str(float(v)) if v else "" for v in text]
            assert got == text, (table, column)


def test_formula_cells_are_neutralised():
    """Text that a spreadsheet would run starts with an apostrophe; numbers are untouched."""
    frame = pd.DataFrame(
        {
            "text": ["=1+1", "+cmd", "-x", "@sum", "\tx", "\rx", "plain", None],
            "number": [-1, 2, -3, 4, 5, 6, 7, 8],
        }
    )
    safe = export.neutralise_formulas(frame)
    assert safe["text"].tolist()[:7] == ["'=1+1", "'+cmd", "'-x", "'@sum", "'\tx", "'\rx", "plain"]
    assert pd.isna(safe["text"].tolist()[7])
    pdt.assert_series_equal(safe["number"], frame["number"])


def test_dataset_zip_contents(ds, tmp_path):
    """The whole-dataset zip holds every table, the datapackage and a README with citation."""
    import zipfile

    (tmp_path / "CHANGELOG.md").write_text("## 1.2.3 — 2026-01-01\n\nFixed things.\n", "utf-8")
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "1.2.3.csv").write_text("table,change\nsources,added\n", "utf-8")
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_zip(ds, tmp_path, "?country=Iraq")))
    names = set(archive.namelist())
    assert {"troop_levels.csv", "sources.csv", "datapackage.json", "README.md"} <= names
    assert {"CHANGELOG.md", "releases/1.2.3.csv", "CITATION.cff"} <= names
    assert "Fixed things." in archive.read("CHANGELOG.md").decode()
    assert "cff-version" in archive.read("CITATION.cff").decode()
    assert export.zip_name("1.2.3") == "coalition-posture-dataset-v1.2.3.zip"
    readme = archive.read("README.md").decode()
    assert "dataset 1.2.3" in readme and "CC BY 4.0" in readme and "?country=Iraq" in readme
    assert len(pd.read_csv(archive.open("incidents.csv"))) == 3


def test_data_dictionary_covers_every_column():
    """The dictionary lists every column of every table with its meaning."""
    dictionary = docs.data_dictionary()
    assert dictionary["meaning"].str.len().gt(0).all()
    assert ("incidents", "variant_of") in set(
        zip(dictionary["table"], dictionary["column"], strict=True)
    )


def test_troop_disagreements(ds):
    """Two different figures for one country, force and month are listed."""
    troops = pd.concat(
        [ds.troop_levels, ds.troop_levels.iloc[[0]].assign(best=3000, source_id="fixture-press")]
    )
    found = transforms.troop_disagreements(troops)
    assert found[["country", "lowest", "highest"]].values.tolist() == [["Iraq", 2500, 3000]]


@pytest.mark.parametrize("table", TABLES)
def test_every_table_download_is_formula_safe(ds, table):
    """Whatever a text cell holds, no download of any table starts a cell with a formula."""
    frame = ds.table(table).copy()
    text_columns = [
        c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) == "str"
    ]
    for i, prefix in enumerate(export.FORMULA_PREFIXES):
        frame.loc[frame.index[i % len(frame)], text_columns[0]] = f"{prefix}cmd|' /C calc'!A0"
    back = pd.read_csv(io.BytesIO(export.csv_bytes(frame)), dtype=str, keep_default_na=False)
    for column in text_columns:
        cells = back[column]
        assert not cells.str.startswith(("=", "+", "-", "@", "\t", "\r")).any(), column
    numbers = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    for column in numbers:
        original = frame[column].astype("string").fillna("").tolist()
        assert [str(float(v)) if v else "" for v in back[column]] == [
            str(float(v)) if v else "" for v in original
        ]


def _with_losses(directory):
    """The fixture data plus a crash (hostile no, with a second report) and a second report of
    the Base B attack that calls it an accident (the first report still says yes)."""
    crash = {
        "date": "2025-02-10",
        "date_precision": "day",
        "country": "Iraq",
        "location": "western Iraq",
        "weapon": "aircraft_loss",
        "killed": "4",
        "status": "confirmed",
        "hostile": "no",
        "source_id": "fixture-official",
        "summary": "A tanker went down; not hostile fire.",
        "quote": "the loss was not due to hostile fire",
    }
    append_row(directory, "incidents", {**crash, "incident_id": "20250210-west-aircraft-loss"})
    append_row(
        directory,
        "incidents",
        {
            **crash,
            "incident_id": "20250210-west-aircraft-loss-b",
            "killed": "6",
            "variant_of": "20250210-west-aircraft-loss",
        },
    )
    append_row(
        directory,
        "incidents",
        {
            **crash,
            "incident_id": "20240128-base-b-drone-c",
            "date": "2024-01-28",
            "country": "Syria",
            "location": "Base B",
            "weapon": "other",
            "killed": "3",
            "variant_of": "20240128-base-b-drone",
        },
    )
    return read_dataset(directory)


def test_losses_are_listed_not_counted(data_copy):
    """A loss whose first report says hostile action did not cause it is left out of every
    attack count and casualty sum, with its other reports; an attack stays counted when only
    a later report calls it an accident (the first report decides, both rows are listed)."""
    dataset = _with_losses(data_copy)
    kept = transforms.attacks_only(dataset.incidents)["incident_id"].tolist()
    assert "20250210-west-aircraft-loss" not in kept
    assert "20250210-west-aircraft-loss-b" not in kept
    assert "20240128-base-b-drone-c" in kept
    assert transforms.losses(dataset.incidents)["incident_id"].tolist() == [
        "20250210-west-aircraft-loss"
    ]
    recent = transforms.incidents_in_last_months(dataset.incidents, pd.Timestamp("2025-06-01"))
    assert recent["incident_id"].tolist() == ["20250301-base-a-rocket"]

    filters = ("Both", None, None, list(schemas.incidents.WEAPONS), ["confirmed", "claimed"])
    view = views.attacks(dataset, *filters)
    assert (view.recorded_attacks, view.losses) == (2, 1)
    assert view.killed.span == "3"  # the crash's 4 to 6 dead are not attack casualties
    assert views.attacks_on_map(dataset, *filters).recorded_attacks == 2
    table = views.attack_reports(dataset, *filters).table
    assert "20250210-west-aircraft-loss" in set(table["incident_id"])
    assert table.set_index("incident_id").at["20250210-west-aircraft-loss", "hostile"] == "no"

    months = pd.date_range("2025-01-01", "2025-03-01", freq="MS")
    compared = views.compare(dataset, months[0], months[-1], None, None)
    iraq = compared.table
    assert iraq.loc[iraq["country"] == "Iraq", "recorded_attacks"].sum() == 1


def test_compare_cuts_monthly_posture_from_one_computation():
    """Iraq vs Syria's held bases and troop levels, cut from one computation per dataset,
    equal a direct computation for every date range, asked in any order (narrow, wider,
    earlier, one month)."""
    shipped = read_dataset()
    ranges = [
        ("2020-03-15", "2021-06-30"),
        ("2019-01-01", "2021-06-30"),  # earlier start than any range seen so far
        ("2014-01-01", "2026-03-31"),
        ("2024-09-10", "2024-09-20"),  # one month
    ]
    for start, end in ranges:
        months = transforms.month_range(pd.Timestamp(start), pd.Timestamp(end))
        held, levels = views._posture_by_month(shipped, months)
        pdt.assert_frame_equal(
            held,
            transforms.held_by_month(shipped.bases, shipped.base_events, months, shipped.incidents),
        )
        for country in ("Iraq", "Syria"):
            pdt.assert_frame_equal(
                levels[country], transforms.levels_by_month(shipped.troop_levels, country, months)
            )
    assert set(held["country"]) == {"Iraq", "Jordan", "Syria"} and held["month"].nunique() == 1
