"""Map geometry, pure: the box a map shows for the country filter, where country names go
(computed from the map file's own outlines), short names for sites, and label placement that
keeps names from overlapping each other, markers or the map's edge."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

# English names of the countries the map file's outlines are read for (posture.data.outlines).
COUNTRY_NAMES = {
    "IRQ": "Iraq",
    "SYR": "Syria",
    "JOR": "Jordan",
    "KWT": "Kuwait",
    "TUR": "Turkey",
    "IRN": "Iran",
    "SAU": "Saudi Arabia",
    "LBN": "Lebanon",
    "ISR": "Israel",
    "CYP": "Cyprus",
}
# The outlines each country filter zooms to; "Both" also keeps Jordan and Kuwait in view,
# because its rows include sites there (see the shared country filter's help).
VIEW_COUNTRIES = {"Iraq": ("IRQ",), "Syria": ("SYR",)}
REGION_VIEW = ("IRQ", "SYR", "JOR", "KWT")
# Space around the outlines and points, as a share of the box's span.
PAD = 0.04
# The map widths (pixels) labels are placed for. Every map is drawn twice, with its labels
# placed for a desktop and for a phone; the page shows the one that fits the screen. On a
# desktop the map is as wide as the column allows, and no taller than about 600 px.
LABEL_WIDTH_PX = 720
DESKTOP_HEIGHT_PX = 600
PHONE_WIDTH_PX = 340
# Average glyph width and line height as shares of the font size (Source Sans Pro, Arial).
CHAR_WIDTH = 0.56
CAPS_WIDTH = 0.7
LINE_HEIGHT = 1.3
# Gap between a marker's edge and its label, and the distances tried for a label drawn away
# from its marker with a leader line.
GAP_PX = 3
LEADER_PX = (30, 52)

Ring = Sequence[tuple[float, float]]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y down


def _mercator_y(lat: float) -> float:
    """Latitude in Mercator's vertical coordinate, in degrees."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _latitude(y: float) -> float:
    """The latitude of a Mercator vertical coordinate (the inverse of ``_mercator_y``)."""
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


@dataclass(frozen=True)
class MapFrame:
    """The latitude and longitude ranges a map shows (Mercator projection)."""

    lat: tuple[float, float]
    lon: tuple[float, float]

    @property
    def aspect(self) -> float:
        """Width over height of the projected box."""
        return (self.lon[1] - self.lon[0]) / (_mercator_y(self.lat[1]) - _mercator_y(self.lat[0]))

    def height_px(self, width_px: float) -> float:
        """The box's height when drawn ``width_px`` wide."""
        return width_px / self.aspect

    def to_px(self, lat: float, lon: float, width_px: float) -> tuple[float, float]:
        """Pixel position (from the top left corner) of a point on a map ``width_px`` wide."""
        scale = width_px / (self.lon[1] - self.lon[0])
        return (
            (lon - self.lon[0]) * scale,
            (_mercator_y(self.lat[1]) - _mercator_y(lat)) * scale,
        )

    def from_px(self, x: float, y: float, width_px: float) -> tuple[float, float]:
        """The (latitude, longitude) drawn at a pixel position (the inverse of ``to_px``)."""
        scale = width_px / (self.lon[1] - self.lon[0])
        return _latitude(_mercator_y(self.lat[1]) - y / scale), self.lon[0] + x / scale

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside the box."""
        return self.lat[0] <= lat <= self.lat[1] and self.lon[0] <= lon <= self.lon[1]


def map_frame(
    outlines: dict[str, list[Ring]],
    country: str | None,
    points: Iterable[tuple[float, float]] = (),
) -> MapFrame:
    """The box a map shows for the country filter: the outlines of the country picked (for
    Both: Iraq, Syria, Jordan and Kuwait) and every point drawn, with a margin."""
    codes = VIEW_COUNTRIES.get(country or "Both", REGION_VIEW)
    lons = [lon for code in codes for ring in outlines.get(code, []) for lon, _ in ring]
    lats = [lat for code in codes for ring in outlines.get(code, []) for _, lat in ring]
    for lat, lon in points:
        lats.append(lat)
        lons.append(lon)
    if not lats:
        raise ValueError(f"no outline and no point to frame the map for {country!r}")
    pad_lat = max(PAD * (max(lats) - min(lats)), 0.3)
    pad_lon = max(PAD * (max(lons) - min(lons)), 0.3)
    return MapFrame(
        lat=(round(min(lats) - pad_lat, 2), round(max(lats) + pad_lat, 2)),
        lon=(round(min(lons) - pad_lon, 2), round(max(lons) + pad_lon, 2)),
    )


def short_label(name: str, aliases: str | None = None, max_chars: int = 24) -> str:
    """A site's name short enough for a map label: the name without its bracketed part and
    anything after a comma; if still too long, its first alias that fits; else cut with '…'.
    (The full name stays in the hover.)"""
    short = re.sub(r"\s*\([^)]*\)", "", name).split(", ")[0].strip() or name
    if len(short) <= max_chars:
        return short
    for alias in (aliases or "").split(";"):
        alias = alias.strip()
        if 2 <= len(alias) <= max_chars:
            return alias
    return short[: max_chars - 1].rstrip() + "…"


def text_box_size(text: str, font_px: float, caps: bool = False) -> tuple[float, float]:
    """Estimated width and height in pixels of one line of ``text``."""
    return len(text) * font_px * (CAPS_WIDTH if caps else CHAR_WIDTH) + 2, font_px * LINE_HEIGHT


# Clearance kept around a label (pixels): room for the estimates' error.
CLEARANCE_PX = 2


def _overlap(a: Box, b: Box) -> bool:
    """Whether two boxes come closer than ``CLEARANCE_PX``."""
    c = CLEARANCE_PX
    return a[0] - c < b[2] and b[0] - c < a[2] and a[1] - c < b[3] and b[1] - c < a[3]


# Plotly text positions around a marker, in the order tried, as (horizontal, vertical) signs.
POSITIONS = {
    "middle right": (1, 0),
    "middle left": (-1, 0),
    "top center": (0, -1),
    "bottom center": (0, 1),
    "top right": (1, -1),
    "bottom right": (1, 1),
    "top left": (-1, -1),
    "bottom left": (-1, 1),
}


def _box_at(x: float, y: float, size: tuple[float, float], position: str, offset: float) -> Box:
    """The box of a label drawn at ``position`` around (x, y), ``offset`` pixels away."""
    width, height = size
    h, v = POSITIONS[position]
    diagonal = 0.75 if h and v else 1.0
    left = {1: x + offset * diagonal, 0: x - width / 2, -1: x - offset * diagonal - width}[h]
    top = {1: y + offset * diagonal, 0: y - height / 2, -1: y - offset * diagonal - height}[v]
    return (left, top, left + width, top + height)


@dataclass(frozen=True)
class Label:
    """A placed label: its text anchored at (lat, lon) with plotly's ``position``, set off by
    ``radius`` pixels (its marker's); a label drawn away from its marker (``leader``) has a
    line back to (marker_lat, marker_lon)."""

    key: object
    text: str
    lat: float
    lon: float
    position: str
    leader: bool = False
    marker_lat: float | None = None
    marker_lon: float | None = None
    radius: float = 0.0


@dataclass
class Labeller:
    """Places labels one at a time, in priority order: each goes where its estimated box
    overlaps no label placed before and no other marker, and stays inside the map; a label
    with no such place is left out (its marker keeps the name in its hover)."""

    frame: MapFrame
    width_px: float = LABEL_WIDTH_PX
    markers: list[tuple[float, float, float]] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def add_markers(self, points: Iterable[tuple[float, float]], radius: float) -> None:
        """Markers drawn on the map: labels must not cover them."""
        for lat, lon in points:
            x, y = self.frame.to_px(lat, lon, self.width_px)
            self.markers.append((x, y, radius))

    def _fits(self, box: Box, own: tuple[float, float] | None = None) -> bool:
        height = self.frame.height_px(self.width_px)
        if box[0] < 1 or box[1] < 1 or box[2] > self.width_px - 1 or box[3] > height - 1:
            return False
        if any(_overlap(box, placed) for placed in self.boxes):
            return False
        for x, y, r in self.markers:
            if own is not None and abs(x - own[0]) < 0.5 and abs(y - own[1]) < 0.5:
                continue
            if _overlap(box, (x - r, y - r, x + r, y + r)):
                return False
        return True

    def _clear_line(self, start: tuple[float, float], end: tuple[float, float]) -> bool:
        """Whether a leader line crosses no placed label."""
        for step in range(1, 10):
            x = start[0] + (end[0] - start[0]) * step / 10
            y = start[1] + (end[1] - start[1]) * step / 10
            if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in self.boxes):
                return False
        return True

    def place(
        self,
        key: object,
        text: str,
        lat: float,
        lon: float,
        *,
        font_px: float,
        radius: float,
        leaders: bool = False,
    ) -> Label | None:
        """Place ``text`` next to its marker at (lat, lon); with ``leaders``, when no place
        next to it is free, try places further away joined to it by a line."""
        x, y = self.frame.to_px(lat, lon, self.width_px)
        size = text_box_size(text, font_px)
        for position in POSITIONS:
            box = _box_at(x, y, size, position, radius + GAP_PX)
            if self._fits(box, own=(x, y)):
                self.boxes.append(box)
                return Label(key, text, lat, lon, position, False, lat, lon, radius)
        if not leaders:
            return None
        for distance in LEADER_PX:
            for position, (h, v) in POSITIONS.items():
                norm = math.hypot(h, v)
                ax, ay = x + distance * h / norm, y + distance * v / norm
                box = _box_at(ax, ay, size, position, GAP_PX)
                if self._fits(box, own=(x, y)) and self._clear_line((x, y), (ax, ay)):
                    self.boxes.append(box)
                    anchor_lat, anchor_lon = self.frame.from_px(ax, ay, self.width_px)
                    return Label(key, text, anchor_lat, anchor_lon, position, True, lat, lon)
        return None

    def place_inside(
        self,
        key: object,
        text: str,
        candidates: Iterable[tuple[float, float, float]],
        font_px: float,
    ) -> Label | None:
        """Place a name centred on the first candidate (lat, lon, room in degrees of
        longitude) where it fits in the room and overlaps nothing placed before."""
        size = text_box_size(text, font_px, caps=text.isupper())
        scale = self.width_px / (self.frame.lon[1] - self.frame.lon[0])
        for lat, lon, room in candidates:
            if room * scale < size[0] * 1.1:
                continue
            x, y = self.frame.to_px(lat, lon, self.width_px)
            box = (x - size[0] / 2, y - size[1] / 2, x + size[0] / 2, y + size[1] / 2)
            if self._fits(box):
                self.boxes.append(box)
                return Label(key, text, lat, lon, "middle center")
        return None


def _clip(ring: Ring, frame: MapFrame) -> list[tuple[float, float]]:
    """The part of a ring inside the frame (Sutherland–Hodgman, one edge at a time)."""
    points = list(ring)
    edges = (
        (0, frame.lon[0], True),
        (0, frame.lon[1], False),
        (1, frame.lat[0], True),
        (1, frame.lat[1], False),
    )
    for axis, limit, keep_above in edges:
        if not points:
            break

        def inside(
            p: tuple[float, float], axis: int = axis, limit: float = limit, up: bool = keep_above
        ) -> bool:
            return p[axis] >= limit if up else p[axis] <= limit

        clipped: list[tuple[float, float]] = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    clipped.append(_crossing(previous, current, axis, limit))
                clipped.append(current)
            elif inside(previous):
                clipped.append(_crossing(previous, current, axis, limit))
        points = clipped
    return points


def _crossing(
    a: tuple[float, float], b: tuple[float, float], axis: int, limit: float
) -> tuple[float, float]:
    t = (limit - a[axis]) / (b[axis] - a[axis])
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def _area(ring: Sequence[tuple[float, float]]) -> float:
    return (
        abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, [*ring[1:], ring[0]], strict=True)))
        / 2
    )


def interior_points(
    rings: Iterable[Ring], frame: MapFrame, lines: int = 15, min_share: float = 0.03
) -> list[tuple[float, float, float]]:
    """Candidate label points inside a country, widest first: on horizontal lines across the
    largest part of its outline inside the frame, the middle of each stretch of land, with the
    stretch's width in degrees of longitude. Computed from the map file's outline, so a name
    sits inside the country as drawn; none when less than ``min_share`` of the frame is it."""
    pieces = [_clip(ring, frame) for ring in rings]
    pieces = [p for p in pieces if len(p) >= 3]
    if not pieces:
        return []
    piece = max(pieces, key=_area)
    frame_area = (frame.lat[1] - frame.lat[0]) * (frame.lon[1] - frame.lon[0])
    if _area(piece) < min_share * frame_area:
        return []
    low = min(p[1] for p in piece)
    high = max(p[1] for p in piece)
    candidates = []
    for step in range(1, lines + 1):
        lat = low + (high - low) * step / (lines + 1)
        xs = sorted(
            a[0] + (lat - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            for a, b in zip(piece, [*piece[1:], piece[0]], strict=True)
            if (a[1] <= lat < b[1]) or (b[1] <= lat < a[1])
        )
        for left, right in zip(xs[::2], xs[1::2], strict=False):
            candidates.append((lat, (left + right) / 2, right - left))
    # Widest first; between equal widths, nearer the middle line.
    middle = (low + high) / 2
    return sorted(candidates, key=lambda c: (-round(c[2], 1), abs(c[0] - middle)))


# Label sizes (desktop, phone) and how many sites are named at region zoom (the rest are
# named on hover).
SITE_FONT_PX = (11, 10)
PLACE_FONT_PX = (11, 10)
COUNTRY_FONT_PX = (13, 11)
PLACE_RADIUS_PX = 3.5
REGION_LABELS = 10


def label_widths(frame: MapFrame) -> tuple[float, float]:
    """The map widths labels are placed for: desktop (the column's width or what a map
    ``DESKTOP_HEIGHT_PX`` tall needs, whichever is smaller) and phone."""
    return min(LABEL_WIDTH_PX, DESKTOP_HEIGHT_PX * frame.aspect), PHONE_WIDTH_PX


@dataclass(frozen=True)
class MapLabels:
    """Every name drawn on one map: sites (by their key), reference places and countries, and
    the sites that found no free place for their name (only at a country's zoom, ``detail``,
    where every site is tried; at region zoom the unnamed ones are named on hover)."""

    frame: MapFrame
    sites: list[Label]
    places: list[Label]
    countries: list[Label]
    unlabelled: list[str]
    detail: bool
    phone: bool = False

    @property
    def fonts(self) -> tuple[float, float, float]:
        """Font sizes in pixels of site, place and country names."""
        pick = 1 if self.phone else 0
        return SITE_FONT_PX[pick], PLACE_FONT_PX[pick], COUNTRY_FONT_PX[pick]


def places_inside(places: pd.DataFrame, frame: MapFrame) -> pd.DataFrame:
    """The reference places (``places.csv`` rows) that lie inside the frame."""
    keep = places["latitude"].between(*frame.lat) & places["longitude"].between(*frame.lon)
    return places[keep.astype(bool)]


def map_labels(
    frame: MapFrame,
    sites: pd.DataFrame,
    places: pd.DataFrame,
    outlines: dict[str, list[Ring]],
    detail: bool,
    phone: bool = False,
) -> MapLabels:
    """Place the names of one map, for a desktop or a ``phone`` screen: first the sites
    (``sites`` has key, text, lat, lon and radius in pixels, most important first; all of them
    with ``detail``, at a single country's zoom, else the first ``REGION_LABELS``), then the
    reference places inside the frame (a place named like a labelled site is left out), then
    the countries.

    At country zoom names may be drawn away from their marker with a leader line; a site that
    still finds no room is listed in ``unlabelled``.
    """
    desktop, narrow = label_widths(frame)
    labeller = Labeller(frame, narrow if phone else desktop)
    site_font, place_font, country_font = MapLabels(frame, [], [], [], [], detail, phone).fonts
    for radius, rows in sites.groupby(sites["radius"].astype(float), sort=False):
        labeller.add_markers(zip(rows["lat"], rows["lon"], strict=True), radius)
    inside = places_inside(places, frame)
    labeller.add_markers(zip(inside["latitude"], inside["longitude"], strict=True), PLACE_RADIUS_PX)
    chosen = sites if detail else sites.head(REGION_LABELS)
    site_labels, unlabelled = [], []
    for key, text, lat, lon, radius in zip(
        chosen["key"], chosen["text"], chosen["lat"], chosen["lon"], chosen["radius"], strict=True
    ):
        label = labeller.place(
            key,
            str(text),
            float(lat),
            float(lon),
            font_px=site_font,
            radius=float(radius),
            leaders=detail,
        )
        if label is None:
            unlabelled.append(str(text))
        else:
            site_labels.append(label)
    named = {label.text for label in site_labels}
    place_labels = []
    for place_id, name, lat, lon in zip(
        inside["place_id"], inside["name"], inside["latitude"], inside["longitude"], strict=True
    ):
        if name in named:
            continue
        label = labeller.place(
            place_id,
            str(name),
            float(lat),
            float(lon),
            font_px=place_font,
            radius=PLACE_RADIUS_PX,
            leaders=detail,
        )
        if label is not None:
            place_labels.append(label)
    country_labels = []
    for code, name in COUNTRY_NAMES.items():
        candidates = interior_points(outlines.get(code, []), frame)
        label = labeller.place_inside(code, name.upper(), candidates, country_font)
        if label is not None:
            country_labels.append(label)
    return MapLabels(
        frame,
        site_labels,
        place_labels,
        country_labels,
        unlabelled if detail else [],
        detail,
        phone,
    )
