"""Deterministic synthetic ACLED- and UCDP-shaped files for tests and benchmarks.

The events are made up (a fixed seed, uniform places inside rough country boxes); they only
have the shape of real exports, in the header layout of each public vintage and written the
ways people re-save them (separators, decimal commas, date styles, index columns, NA), so that
imports can be tested and timed without real data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "best", "high", "low", "gwnoa", "gwnob",
]  # fmt: skip

# Older layouts, as their files have them (the current ones are ACLED_COLUMNS, UCDP_COLUMNS).
ACLED_2016_COLUMNS = [
    "gwno", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
    "event_type", "actor1", "ally_actor_1", "inter1", "actor2", "ally_actor_2", "inter2",
    "interaction", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "notes", "fatalities",
]  # fmt: skip
ACLED_2020_COLUMNS = [
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year",
    "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "interaction", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "timestamp", "iso3",
]  # fmt: skip
UCDP_19_COLUMNS = [
    "id", "year", "active_year", "type_of_violence", "conflict_new_id", "conflict_name",
    "dyad_new_id", "dyad_name", "side_a_new_id", "gwnoa", "side_a", "side_b_new_id", "gwnob",
    "side_b", "number_of_sources", "source_article", "source_office", "source_date",
    "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid",
    "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "low", "best", "high",
]  # fmt: skip
# Each vintage's columns and the date style its files were published with.
VINTAGES = {
    "acled": {
        "2016": (ACLED_2016_COLUMNS, "dash_long"),
        "2020": (ACLED_2020_COLUMNS, "long"),
        "current": (ACLED_COLUMNS, "iso"),
    },
    "ucdp": {
        "19.1": (UCDP_19_COLUMNS, "iso"),
        "current": (UCDP_COLUMNS, "ucdp"),
    },
}
# Date styles as exports and spreadsheets write them (strftime; '9-May-20' drops the zero).
DATE_STYLES = {
    "iso": "%Y-%m-%d",
    "iso_time": "%Y-%m-%d %H:%M:%S",
    "ucdp": "%Y-%m-%d %H:%M:%S.000",
    "long": "%d %B %Y",
    "dash_long": "%d-%B-%Y",
    "dash_month": "%d-%b-%Y",
    "dash_short": "%d-%b-%y",
    "dmy": "%d/%m/%Y",
    "mdy": "%m/%d/%Y",
}
ACLED_2016_TYPES = {
    "Explosions/Remote violence": "Remote violence",
    "Battles": "Battle-No change of territory",
    "Violence against civilians": "Violence against civilians",
    "Strategic developments": "Strategic development",
    "Protests": "Riots/Protests",
}

# name, ISO numeric, Gleditsch-Ward code, share of events, (lat range), (lon range)
COUNTRIES = [
    ("Iraq", 368, 645, 0.45, (30.5, 36.5), (40.0, 47.5)),
    ("Syria", 760, 652, 0.43, (32.8, 36.8), (36.0, 41.8)),
    ("Jordan", 400, 663, 0.04, (29.5, 32.8), (35.5, 38.8)),
    ("Lebanon", 422, 660, 0.04, (33.2, 34.5), (35.2, 36.5)),
    ("Turkey", 792, 640, 0.04, (37.0, 40.5), (30.0, 43.0)),
]
ACLED_TYPES = [
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Battles", "Armed clash"),
    ("Violence against civilians", "Attack"),
    ("Strategic developments", "Looting/property destruction"),
    ("Protests", "Peaceful protest"),
]
ACTORS = ["Military Forces", "Islamic State", "Unidentified Armed Group", "Militia", "Rioters"]
START = np.datetime64("2016-01-01")
DAYS = int((np.datetime64("2026-03-20") - START).astype(int))


def _common(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    shares = np.array([c[3] for c in COUNTRIES])
    which = rng.choice(len(COUNTRIES), size=n, p=shares / shares.sum())
    lat0 = np.array([c[4][0] for c in COUNTRIES])[which]
    lat1 = np.array([c[4][1] for c in COUNTRIES])[which]
    lon0 = np.array([c[5][0] for c in COUNTRIES])[which]
    lon1 = np.array([c[5][1] for c in COUNTRIES])[which]
    dates = START + rng.integers(0, DAYS, size=n).astype("timedelta64[D]")
    return {
        "which": which,
        "lat": np.round(lat0 + rng.random(n) * (lat1 - lat0), 4),
        "lon": np.round(lon0 + rng.random(n) * (lon1 - lon0), 4),
        "dates": dates,
        "years": dates.astype("datetime64[Y]").astype(int) + 1970,
    }


def acled_table(n: int, seed: int = 7, offset: int = 0) -> pa.Table:
    """``n`` ACLED-shaped rows (ids continue from ``offset``)."""
    rng = np.random.default_rng(seed + offset)
    c = _common(rng, n)
    names = np.array([x[0] for x in COUNTRIES])[c["which"]]
    iso = np.array([x[1] for x in COUNTRIES])[c["which"]]
    kinds = rng.integers(0, len(ACLED_TYPES), size=n)
    ids = np.arange(offset, offset + n)

    def text(values: np.ndarray) -> pa.Array:
        return pa.array(values.astype(str))

    columns = {
        "event_id_cnty": pa.array([f"SYN{i}" for i in ids]),
        "event_date": text(c["dates"]),
        "year": pa.array(c["years"]),
        "time_precision": pa.array(rng.integers(1, 4, size=n)),
        "disorder_type": pa.array(["Political violence"] * n),
        "event_type": text(np.array([t[0] for t in ACLED_TYPES])[kinds]),
        "sub_event_type": text(np.array([t[1] for t in ACLED_TYPES])[kinds]),
        "actor1": text(np.array(ACTORS)[rng.integers(0, len(ACTORS), size=n)]),
        "assoc_actor_1": pa.array([""] * n),
        "inter1": pa.array(["State forces"] * n),
        "actor2": text(np.array(ACTORS)[rng.integers(0, len(ACTORS), size=n)]),
        "assoc_actor_2": pa.array([""] * n),
        "inter2": pa.array(["Rebel group"] * n),
        "interaction": pa.array(["State forces-Rebel group"] * n),
        "civilian_targeting": pa.array([""] * n),
        "iso": pa.array(iso),
        "region": pa.array(["Middle East"] * n),
        "country": text(names),
        "admin1": text(np.char.add("Synthetic region ", (ids % 18).astype(str))),
        "admin2": pa.array([""] * n),
        "admin3": pa.array([""] * n),
        "location": text(np.char.add("Synthetic place ", (ids % 5000).astype(str))),
        "latitude": pa.array(c["lat"]),
        "longitude": pa.array(c["lon"]),
        "geo_precision": pa.array(rng.integers(1, 4, size=n)),
        "source": pa.array(["Synthetic source"] * n),
        "source_scale": pa.array(["National"] * n),
        "notes": pa.array(["Synthetic event for tests and benchmarks; not a real event."] * n),
        "fatalities": pa.array(rng.poisson(0.8, size=n)),
        "tags": pa.array([""] * n),
        "timestamp": pa.array(np.full(n, 1_700_000_000) + ids),
    }
    return pa.table(columns)


def ucdp_table(n: int, seed: int = 11, offset: int = 0) -> pa.Table:
    """``n`` UCDP GED-shaped rows (ids continue from ``offset``)."""
    rng = np.random.default_rng(seed + offset)
    c = _common(rng, n)
    names = np.array([x[0] for x in COUNTRIES])[c["which"]]
    gw = np.array([x[2] for x in COUNTRIES])[c["which"]]
    ids = np.arange(offset, offset + n) + 1
    low = rng.poisson(1.0, size=n)
    best = low + rng.poisson(0.5, size=n)
    high = best + rng.poisson(0.5, size=n)
    dates = c["dates"].astype(str)
    zeros = pa.array(np.zeros(n, dtype=int))
    columns = {name: zeros for name in UCDP_COLUMNS}
    columns.update(
        {
            "id": pa.array(ids),
            "relid": pa.array([f"SYN-{i}" for i in ids]),
            "year": pa.array(c["years"]),
            "active_year": pa.array(np.ones(n, dtype=int)),
            "code_status": pa.array(["Clear"] * n),
            "type_of_violence": pa.array(rng.integers(1, 4, size=n)),
            "conflict_name": pa.array(["Synthetic conflict"] * n),
            "dyad_name": pa.array(["Synthetic dyad"] * n),
            "side_a": pa.array(np.array(ACTORS)[rng.integers(0, len(ACTORS), size=n)].astype(str)),
            "side_b": pa.array(["Civilians"] * n),
            "number_of_sources": pa.array(np.ones(n, dtype=int)),
            "source_article": pa.array(["Synthetic article"] * n),
            "source_office": pa.array([""] * n),
            "source_date": pa.array(dates),
            "source_headline": pa.array([""] * n),
            "source_original": pa.array([""] * n),
            "where_prec": pa.array(rng.integers(1, 8, size=n)),
            "where_coordinates": pa.array(
                np.char.add("Synthetic place ", (ids % 5000).astype(str))
            ),
            "where_description": pa.array([""] * n),
            "adm_1": pa.array(np.char.add("Synthetic region ", (ids % 18).astype(str))),
            "adm_2": pa.array([""] * n),
            "latitude": pa.array(c["lat"]),
            "longitude": pa.array(c["lon"]),
            "geom_wkt": pa.array([""] * n),
            "country": pa.array(names.astype(str)),
            "country_id": pa.array(gw),
            "region": pa.array(["Middle East"] * n),
            "event_clarity": pa.array(np.ones(n, dtype=int)),
            "date_prec": pa.array(rng.integers(1, 6, size=n)),
            "date_start": pa.array(dates),
            "date_end": pa.array(dates),
            "best": pa.array(best),
            "high": pa.array(high),
            "low": pa.array(low),
            "gwnoa": pa.array(gw),
            "gwnob": pa.array([""] * n),
        }
    )
    return pa.table(columns)


def vintage_table(
    origin: str, n: int, vintage: str = "current", seed: int | None = None, offset: int = 0
) -> pa.Table:
    """``n`` rows in the columns of an origin's ``vintage`` (see ``VINTAGES``)."""
    kwargs = {"offset": offset} if seed is None else {"offset": offset, "seed": seed}
    table = {"acled": acled_table, "ucdp": ucdp_table}[origin](n, **kwargs)
    columns, _ = VINTAGES[origin][vintage]
    ids = np.arange(offset, offset + n)
    extra = {
        "data_id": pa.array(ids + 1),
        "event_id_no_cnty": pa.array(ids),
        "gwno": pa.array(np.full(n, 645)),
        "ally_actor_1": pa.array([""] * n),
        "ally_actor_2": pa.array([""] * n),
        "iso3": pa.array(["IRQ"] * n),
    }
    out = {}
    for name in columns:
        if name in table.column_names:
            out[name] = table.column(name)
        elif name in extra:
            out[name] = extra[name]
        else:
            out[name] = pa.array(np.zeros(n, dtype=int))
    if origin == "acled" and vintage == "2016":
        types = pc.cast(out["event_type"], pa.string())
        for new, old in ACLED_2016_TYPES.items():
            types = pc.replace_substring(types, new, old)
        out["event_type"] = types
    return pa.table(out)


def _written(table: pa.Table, origin: str, dates: str, decimal: str, missing: str) -> pa.Table:
    """The table's cells as an exporter or a spreadsheet would write them."""
    date_columns = {"acled": ("event_date",), "ucdp": ("date_start", "date_end", "source_date")}
    columns = {}
    for name in table.column_names:
        values = table.column(name)
        if name in date_columns[origin]:
            stamps = pc.strptime(pc.cast(values, pa.string()), "%Y-%m-%d", "s")
            values = pc.strftime(stamps, DATE_STYLES[dates])
            if dates == "dash_short":
                values = pc.replace_substring_regex(values, "^0", "")
        elif decimal == "," and name in ("latitude", "longitude"):
            values = pc.replace_substring(pc.cast(values, pa.string()), ".", ",")
        if missing and pa.types.is_string(values.type):
            values = pc.if_else(pc.equal(values, ""), missing, values)
        columns[name] = values
    return pa.table(columns)


def write_synthetic(
    origin: str,
    path: Path,
    rows: int,
    seed: int | None = None,
    vintage: str = "current",
    *,
    dates: str | None = None,
    separator: str = ",",
    decimal: str = ".",
    upper: bool = False,
    index: str | None = None,
    missing: str = "",
    bom: bool = False,
) -> Path:
    """Write ``rows`` synthetic events as an export of ``vintage``; same arguments, same bytes.

    ``dates`` is a key of ``DATE_STYLES`` (default: the vintage's own), ``separator`` and
    ``decimal`` as a European spreadsheet saves (";", ","), ``upper`` for upper-case headers,
    ``index`` "pandas" or "r" for the index column their writers add, ``missing`` the text
    written for empty cells (R: "NA"), ``bom`` a UTF-8 byte-order mark.
    """
    columns, vintage_dates = VINTAGES[origin][vintage]
    chunk = 200_000
    path = Path(path)
    if bom:
        path.write_bytes(b"\xef\xbb\xbf")
    writer = None
    try:
        with path.open("ab" if bom else "wb") as sink:
            for offset in range(0, rows, chunk):
                size = min(chunk, rows - offset)
                table = vintage_table(origin, size, vintage, seed, offset)
                table = _written(table, origin, dates or vintage_dates, decimal, missing)
                if index == "pandas":
                    table = table.add_column(0, "", pa.array(np.arange(offset, offset + size)))
                elif index == "r":
                    labels = np.arange(offset, offset + size) + 1
                    table = table.add_column(0, "", pa.array(labels.astype(str)))
                if upper:
                    table = table.rename_columns([c.upper() for c in table.column_names])
                if writer is None:
                    options = pacsv.WriteOptions(delimiter=separator)
                    writer = pacsv.CSVWriter(sink, table.schema, write_options=options)
                writer.write_table(table)
            if writer is not None:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()
    return path
