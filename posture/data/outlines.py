"""Country outlines read from the vendored TopoJSON map file that plotly draws the maps with."""

from __future__ import annotations

import json
from pathlib import Path

from posture.data.dataset import REPO_ROOT

# The file plotly fetches for the maps (scope "asia", resolution 50; see charts.TOPOJSON_URL).
OUTLINES_FILE = REPO_ROOT / "static" / "topojson" / "asia_50m.json"
# Countries whose outlines the maps use: those with sites or places, and their neighbours.
REGION = ("IRQ", "SYR", "JOR", "KWT", "TUR", "IRN", "SAU", "LBN", "ISR", "CYP")

Ring = list[tuple[float, float]]


def read_outlines(
    path: Path = OUTLINES_FILE, countries: tuple[str, ...] = REGION
) -> dict[str, list[Ring]]:
    """Each country's outer rings as (longitude, latitude) points, decoded from the TopoJSON
    file's quantised, delta-encoded arcs (holes are left out: only labels and view bounds are
    computed from these rings)."""
    topology = json.loads(Path(path).read_text("utf-8"))
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    decoded: dict[int, Ring] = {}

    def arc(index: int) -> Ring:
        # Only the arcs of the region's countries are decoded (the file covers all of Asia).
        if index not in decoded:
            x = y = 0
            points = []
            for dx, dy in topology["arcs"][index]:
                x, y = x + dx, y + dy
                points.append((x * scale_x + shift_x, y * scale_y + shift_y))
            decoded[index] = points
        return decoded[index]

    def ring(indices: list[int]) -> Ring:
        points: Ring = []
        for index in indices:
            part = arc(index) if index >= 0 else arc(~index)[::-1]
            points.extend(part if not points else part[1:])
        return points

    out: dict[str, list[Ring]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if code not in countries:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        out[code] = [ring(polygon[0]) for polygon in polygons]
    return out
