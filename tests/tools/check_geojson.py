#!/usr/bin/env python3
"""Check the map layers a built site publishes under /data/geo/ (RFC 7946).

Each file must parse with the `geojson` library as a valid FeatureCollection (its own checks:
closed rings, enough positions, valid geometries), and beyond what that library checks:
outer rings counter-clockwise and holes clockwise (RFC 7946 §3.1.6), WGS 84 ranges,
no `crs` member, at most 6 decimals, every feature with an `id` and a page `url`.

    tests/.venv/bin/python tests/tools/check_geojson.py public/
"""
import json
import pathlib
import sys

import geojson


def signed_area(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def positions(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from positions(c)


def check(path):
    problems = []
    text = path.read_text(encoding="utf-8")
    obj = geojson.loads(text)
    if not isinstance(obj, geojson.FeatureCollection):
        return [f"{path}: not a FeatureCollection"]
    if not obj.is_valid:
        problems.append(f"{path}: invalid: {obj.errors()}")
    raw = json.loads(text)
    if "crs" in raw:
        problems.append(f"{path}: has a crs member (removed by RFC 7946)")
    for f in raw["features"]:
        name = f"{path.name}#{f.get('id')}"
        if not f.get("id") or not f["properties"].get("url", f["properties"].get("name")):
            problems.append(f"{name}: no id or link")
        g = f["geometry"]
        for poly in polygons(g):
            for i, ring in enumerate(poly):
                if ring[0] != ring[-1]:
                    problems.append(f"{name}: ring {i} not closed")
                ccw = signed_area(ring) > 0
                if ccw != (i == 0):
                    problems.append(f"{name}: ring {i} is {'counter-' if ccw else ''}clockwise")
        for lon, lat, *_ in positions(g["coordinates"]):
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                problems.append(f"{name}: [{lon}, {lat}] out of range")
            for x in (lon, lat):
                if len(repr(float(x)).split(".")[1]) > 6:
                    problems.append(f"{name}: {x} has more than 6 decimals")
    return problems


def main():
    root = pathlib.Path(sys.argv[1])
    files = sorted((root / "data" / "geo").glob("*.geojson"))
    problems = [p for f in files for p in check(f)]
    features = sum(len(json.loads(f.read_text())["features"]) for f in files)
    for p in problems:
        print(p)
    print(f"check_geojson: {len(files)} files, {features} features, {len(problems)} problems")
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
