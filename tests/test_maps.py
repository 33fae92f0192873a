"""Maps that name places: the zoom box, country names from the map file, label placement,
reference cities, the bubble size key, and the figures the Bases and Incidents maps draw."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from posture.analysis import charts, geo, views
from posture.data.dataset import read_dataset
from posture.data.outlines import read_outlines
from schemas._common import COUNTRY_BOUNDS
from schemas.incidents import STATUSES, WEAPONS
from tests.helpers import VALID


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


@pytest.fixture(scope="module")
def outlines():
    return read_outlines()


def _texts(fig, suffix: str) -> list[str]:
    """Every label text of the figure's traces whose name ends with ``suffix``."""
    return [t for trace in fig.data if trace.name.endswith(suffix) for t in trace.text]


def _inside(lat: float, lon: float, ring) -> bool:
    """Point in polygon (even-odd rule)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


# --- Geometry ---------------------------------------------------------------------------


def test_outlines_are_read_from_the_vendored_map_file(outlines):
    """Iraq's outline, decoded from the TopoJSON arcs, lies within the generous box the
    schemas use to catch swapped coordinates, and spans most of it."""
    [ring] = outlines["IRQ"]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    box = COUNTRY_BOUNDS["Iraq"]
    assert box["lat"][0] <= min(lats) and max(lats) <= box["lat"][1]
    assert box["lon"][0] <= min(lons) and max(lons) <= box["lon"][1]
    assert max(lats) - min(lats) > 7 and max(lons) - min(lons) > 9


def test_the_map_zooms_to_the_country_picked(outlines):
    """Iraq and Syria each get a box around their own outline; Both covers both (and Jordan
    and Kuwait), so it is larger than either."""
    both, iraq, syria = (geo.map_frame(outlines, c) for c in ("Both", "Iraq", "Syria"))
    assert iraq != both and syria != both
    for small in (iraq, syria):
        assert both.lat[0] <= small.lat[0] and small.lat[1] <= both.lat[1]
        assert both.lon[0] <= small.lon[0] and small.lon[1] <= both.lon[1]
    assert syria.lon[1] < iraq.lon[1] and iraq.lon[0] < syria.lon[1]


def test_a_point_outside_the_outlines_widens_the_box(outlines):
    """A site drawn east of Iraq's outline is still inside the map."""
    frame = geo.map_frame(outlines, "Iraq", [(33.0, 49.5)])
    assert frame.contains(33.0, 49.5)


def test_pixels_and_coordinates_convert_both_ways():
    """A point drawn on a map comes back to the same coordinates."""
    frame = geo.MapFrame((29.0, 37.0), (39.0, 48.0))
    x, y = frame.to_px(33.3, 44.4, 600)
    assert 0 < x < 600 and 0 < y < frame.height_px(600)
    lat, lon = frame.from_px(x, y, 600)
    assert lat == pytest.approx(33.3) and lon == pytest.approx(44.4)
    # Mercator: a degree of latitude is drawn taller than a degree of longitude here.
    assert frame.aspect < (48.0 - 39.0) / (37.0 - 29.0)


def test_country_names_sit_inside_their_outline(outlines):
    """The candidate points for a country's name lie inside its outline as drawn, widest
    stretch first."""
    frame = geo.map_frame(outlines, "Both")
    for code in ("IRQ", "SYR", "JOR"):
        candidates = geo.interior_points(outlines[code], frame)
        assert candidates, code
        lat, lon, room = candidates[0]
        assert _inside(lat, lon, outlines[code][0]), code
        assert room == max(c[2] for c in candidates)


def test_a_square_has_its_middle_as_the_widest_point():
    """On a 2° square, the widest stretches run across its full width, centred."""
    frame = geo.MapFrame((0.0, 10.0), (0.0, 10.0))
    square = [(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0)]
    lat, lon, room = geo.interior_points([square], frame, min_share=0.01)[0]
    assert lon == pytest.approx(5.0) and room == pytest.approx(2.0) and 4 < lat < 6


def test_a_country_mostly_outside_the_box_gets_no_name():
    """A country of which only a sliver lies inside the frame (0.2° × 10°, 2% of it, under
    the 3% needed) is not named; a 0.5° strip (5%) is."""
    frame = geo.MapFrame((0.0, 10.0), (0.0, 10.0))
    sliver = [(9.8, -5.0), (20.0, -5.0), (20.0, 15.0), (9.8, 15.0)]
    assert geo.interior_points([sliver], frame) == []
    strip = [(9.5, -5.0), (20.0, -5.0), (20.0, 15.0), (9.5, 15.0)]
    assert geo.interior_points([strip], frame)[0][1:] == pytest.approx((9.75, 0.5))


@pytest.mark.parametrize(
    ("name", "aliases", "label"),
    [
        ("Erbil Air Base (Erbil International Airport)", None, "Erbil Air Base"),
        ("Imam Ali Air Base (Tallil), Nasiriyah", None, "Imam Ali Air Base"),
        (
            "Coalition site at Nineveh Operations Command / presidential palace, Mosul",
            "Nineveh presidential palace;Nineveh base",
            "Nineveh base",
        ),
        ("Mission Support Site Green Village", "Green Village;Omar", "Green Village"),
        ("An exceptionally long name of a site", None, "An exceptionally long n…"),
    ],
)
def test_long_site_names_are_shortened_for_labels(name, aliases, label):
    """Map labels drop bracketed parts and what follows a comma; a name still too long uses
    its first short alias, else is cut with an ellipsis."""
    assert geo.short_label(name, aliases) == label
    assert len(label) <= 24


# --- Label placement --------------------------------------------------------------------


def test_a_label_avoids_another_marker_and_label():
    """Two sites 0.2° apart (20 px on a 600 px map of 6°): the first name would cover the
    second marker on its right, so it goes left; the second takes its right side."""
    frame = geo.MapFrame((30.0, 36.0), (40.0, 46.0))
    labeller = geo.Labeller(frame, 600)
    labeller.add_markers([(33.0, 43.0), (33.0, 43.2)], 5)
    first = labeller.place("a", "Alpha base", 33.0, 43.0, font_px=11, radius=5)
    second = labeller.place("b", "Bravo base", 33.0, 43.2, font_px=11, radius=5)
    assert first is not None and second is not None
    assert (first.position, second.position) == ("middle left", "middle right")
    a, b = labeller.boxes
    assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_a_label_at_the_right_edge_goes_to_the_left():
    """A name that would run off the map's right edge is drawn on the marker's left."""
    frame = geo.MapFrame((30.0, 36.0), (40.0, 46.0))
    labeller = geo.Labeller(frame, 600)
    label = labeller.place("e", "Edge base", 33.0, 45.9, font_px=11, radius=5)
    assert label is not None and label.position == "middle left"
    assert labeller.boxes[0][2] <= 600


def test_without_room_a_label_is_left_out_or_drawn_with_a_leader():
    """Five sites on one spot: at region zoom the names that find no room are left out; at a
    country's zoom they may be drawn further away with a line back to the marker."""
    frame = geo.MapFrame((30.0, 36.0), (40.0, 46.0))
    names = [f"Site number {i}" for i in range(12)]
    for leaders in (False, True):
        labeller = geo.Labeller(frame, 600)
        labeller.add_markers([(33.0, 43.0)], 5)
        placed = [
            labeller.place(n, n, 33.0, 43.0, font_px=11, radius=5, leaders=leaders) for n in names
        ]
        shown = [p for p in placed if p is not None]
        assert len(shown) < len(names)
        assert any(p.leader for p in shown) == leaders
        for a, b in itertools.combinations(labeller.boxes, 2):
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def test_region_zoom_names_the_first_sites_and_country_zoom_names_all(outlines):
    """Sites are named in priority order: at region zoom only the first ten are tried."""
    frame = geo.map_frame(outlines, "Both")
    sites = pd.DataFrame(
        {
            "key": [f"s{i}" for i in range(14)],
            "text": [f"S{i}" for i in range(14)],
            "lat": [30.0 + i * 0.5 for i in range(14)],
            "lon": [38.0 + (i % 2) * 4 for i in range(14)],
            "radius": 5.5,
        }
    )
    places = pd.DataFrame({"place_id": [], "name": [], "latitude": [], "longitude": []})
    region = geo.map_labels(frame, sites, places, outlines, detail=False)
    assert [label.key for label in region.sites] == [f"s{i}" for i in range(10)]
    country = geo.map_labels(frame, sites, places, outlines, detail=True)
    assert {label.key for label in country.sites} == set(sites["key"])
    assert {label.text for label in region.countries} >= {"IRAQ", "SYRIA"}


# --- Figures ----------------------------------------------------------------------------


def test_bases_map_names_sites_cities_and_countries(ds):
    """A user picks Iraq: the map zooms to Iraq and names Base A, the fixture's city and
    Iraq; Base B (Syria) is not drawn."""
    view = views.bases(ds, "Iraq", None, None, pd.Timestamp("2025-06-01"))
    fig = view.map
    assert _texts(fig, ": names") and "Base A" in _texts(fig, "left: names")
    assert "Fixture City" in _texts(fig, "cities: names")
    assert "IRAQ" in _texts(fig, "countries: names")
    assert "Base B" not in [t for trace in fig.data for t in (trace.text or [])]
    assert view.unlabelled == []
    # The city's marker sits at the coordinates places.csv gives.
    [city] = [t for t in fig.data if t.name == "city (for reference)"]
    assert (list(city.lat), list(city.lon)) == ([33.3], [44.4])


def test_bases_map_zoom_follows_the_country(ds):
    """The geographic box changes with the country filter; Both holds the other two."""
    ranges = {}
    for country in ("Both", "Iraq", "Syria"):
        box = views.bases(ds, country, None, None, pd.Timestamp("2025-06-01")).map.layout.geo
        ranges[country] = (tuple(box.lataxis.range), tuple(box.lonaxis.range))
    assert len(set(ranges.values())) == 3
    both_lon = ranges["Both"][1]
    assert both_lon[0] <= ranges["Syria"][1][0] and ranges["Iraq"][1][1] <= both_lon[1]


def test_names_hide_with_their_markers(ds):
    """Each name trace shares its markers' legend group, so hiding 'held' in the legend hides
    the held sites' names too."""
    fig = views.bases(ds, None, None, None, pd.Timestamp("2016-06-01")).map
    groups = {t.legendgroup for t in fig.data if t.name.endswith(": names") and t.legendgroup}
    markers = {t.legendgroup for t in fig.data if t.mode == "markers"}
    assert groups and groups <= markers


def test_the_phone_map_uses_smaller_names(ds):
    """Every map comes with a phone version: same data, names placed for a narrow screen."""
    view = views.bases(ds, "Iraq", None, None, pd.Timestamp("2025-06-01"))
    assert view.map_phone is not None
    desktop = [t.textfont.size for t in view.map.data if t.name.endswith(": names")]
    phone = [t.textfont.size for t in view.map_phone.data if t.name.endswith(": names")]
    assert max(phone) < max(desktop)
    assert view.map.layout.geo.lataxis.range == view.map_phone.layout.geo.lataxis.range


def test_incidents_map_has_a_size_key(ds):
    """The bubbles' key draws circles exactly as large as the markers for the counts it
    shows, each with its number."""
    filters = {"weapons": list(WEAPONS), "statuses": list(STATUSES)}
    fig = views.attacks_on_map(ds, None, None, None, **filters).map
    # The golden data has one recorded attack at each of two places.
    assert charts.size_key_values(1) == [1]
    [circle] = [s for s in fig.layout.shapes if s.type == "circle"]
    [marker_size] = charts.bubble_size(pd.Series([1])).tolist()
    assert circle.x1 - circle.x0 == pytest.approx(marker_size)
    notes = [a.text for a in fig.layout.annotations]
    assert notes == [charts.SIZE_KEY_TITLE, "1"]


@pytest.mark.parametrize(
    ("largest", "shown"),
    [(1, [1]), (3, [1, 3]), (7, [1, 2, 7]), (24, [1, 5, 24]), (160, [1, 50, 160])],
)
def test_the_size_key_shows_one_a_round_number_and_the_largest(largest, shown):
    """The key's counts: 1, a round number at most a third of the largest, the largest."""
    assert charts.size_key_values(largest) == shown
    sizes = charts.bubble_size(pd.Series(shown)).tolist()
    assert sizes == sorted(sizes)


def test_compare_map_has_one_trace_per_class_with_names(ds):
    """The comparison map draws each change class in its own colour, with counts in the
    legend, and names the sites."""
    view = views.bases_compare(ds, None, pd.Timestamp("2025-04-01"), pd.Timestamp("2025-07-01"))
    names = [t.name for t in view.map.data if t.mode == "markers"]
    assert names[:2] == [
        f"{charts.CHANGE_LABELS['lost']} (1)",
        f"{charts.CHANGE_LABELS['unconfirmed']} (1)",
    ]
    assert "Base A" in _texts(view.map, "lost: names")
    assert "Base B" in _texts(view.map, "unconfirmed: names")
    assert view.map.layout.title.text.startswith("Bases on 01 Apr 2025 (A) and 01 Jul 2025 (B)")


def test_map_aspect_matches_the_frame(ds):
    """The page sizes a map from its box; the aspect read back from the figure is the
    frame's."""
    fig = views.bases(ds, "Syria", None, None, pd.Timestamp("2025-06-01")).map
    box = fig.layout.geo
    frame = geo.MapFrame(tuple(box.lataxis.range), tuple(box.lonaxis.range))
    assert charts.map_aspect(fig) == pytest.approx(frame.aspect)
    assert 0.8 < charts.map_aspect(fig) < 1.4


def test_a_long_map_title_wraps_on_a_phone(ds):
    """The comparison's title runs over a phone's width: the phone map breaks it into lines
    of at most 34 characters and makes room for them; the desktop map keeps one line."""
    view = views.bases_compare(ds, None, pd.Timestamp("2025-04-01"), pd.Timestamp("2025-07-01"))
    desktop, phone = view.map.layout, view.map_phone.layout
    assert "<br>" not in desktop.title.text
    lines = phone.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= charts.PHONE_TITLE_CHARS for line in lines)
    # No date is broken across lines (their spaces are non-breaking on the phone).
    assert lines[0].endswith("01\u00a0Apr\u00a02025 (A) and")
    assert " ".join(lines).replace("\u00a0", " ") == desktop.title.text
    assert phone.margin.t > desktop.margin.t
