//! The little plane geometry the site needs, on GeoJSON values: ring winding (RFC 7946 wants
//! outer rings counter-clockwise), validation with JSON pointers for located diagnostics, and
//! "does this work touch that district" (a vertex inside, or an edge crossing).
//!
//! Coordinates are small (a city) and only compared, so plain degrees are enough here.

use serde_json::Value;

/// A `[lon, lat]` position.
pub type Pos = (f64, f64);

fn pos(v: &Value) -> Option<Pos> {
    let a = v.as_array()?;
    Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
}

fn ring(v: &Value) -> Option<Vec<Pos>> {
    v.as_array()?.iter().map(pos).collect()
}

/// Twice the signed area of a ring: positive when counter-clockwise.
pub fn signed_area(ring: &[Pos]) -> f64 {
    ring.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum()
}

fn rewind_polygon(rings: &mut Value) {
    let Some(rings) = rings.as_array_mut() else { return };
    for (i, r) in rings.iter_mut().enumerate() {
        let Some(points) = ring(r) else { continue };
        let ccw = signed_area(&points) > 0.0;
        // The outer ring counter-clockwise, holes clockwise (RFC 7946 §3.1.6).
        if points.len() >= 4
            && ccw != (i == 0)
            && let Some(a) = r.as_array_mut()
        {
            a.reverse();
        }
    }
}

/// Rewinds the rings of a Polygon or MultiPolygon in place; anything else is left as it is.
pub fn rewind(geometry: &mut Value) {
    let kind = geometry.get("type").and_then(Value::as_str).map(str::to_owned);
    let Some(coords) = geometry.get_mut("coordinates") else { return };
    match kind.as_deref() {
        Some("Polygon") => rewind_polygon(coords),
        Some("MultiPolygon") => coords.as_array_mut().into_iter().flatten().for_each(rewind_polygon),
        _ => {}
    }
}

/// A problem with a geometry: where (JSON pointer below the geometry), what, and the fix.
pub struct Problem {
    pub pointer: String,
    pub message: String,
    pub fix: String,
}

/// Everything wrong with a geometry whose shape the schema already accepted: unclosed or
/// degenerate rings, positions out of range or outside `bbox` (`[west, south, east, north]`).
pub fn problems(geometry: &Value, bbox: Option<[f64; 4]>) -> Vec<Problem> {
    let mut out = Vec::new();
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = &geometry["coordinates"];
    let mut positions: Vec<(String, &Value)> = Vec::new();
    let mut rings: Vec<(String, &Value)> = Vec::new();
    let each = |v: &Value| v.as_array().cloned().unwrap_or_default().len();
    match kind {
        "Point" => positions.push(("/coordinates".into(), coords)),
        "MultiPoint" | "LineString" => {
            for i in 0..each(coords) {
                positions.push((format!("/coordinates/{i}"), &coords[i]));
            }
        }
        "MultiLineString" => {
            for i in 0..each(coords) {
                for j in 0..each(&coords[i]) {
                    positions.push((format!("/coordinates/{i}/{j}"), &coords[i][j]));
                }
            }
        }
        "Polygon" => {
            for i in 0..each(coords) {
                rings.push((format!("/coordinates/{i}"), &coords[i]));
            }
        }
        "MultiPolygon" => {
            for p in 0..each(coords) {
                for i in 0..each(&coords[p]) {
                    rings.push((format!("/coordinates/{p}/{i}"), &coords[p][i]));
                }
            }
        }
        _ => {}
    }
    let min = |out: &mut Vec<Problem>, at: &str, v: &Value, n: usize, what: &str| {
        if v.as_array().is_none_or(|a| a.len() < n) {
            out.push(Problem {
                pointer: at.to_owned(),
                message: format!("{what} needs at least {n} positions"),
                fix: "see RFC 7946 §3.1 for the shape of each geometry type".into(),
            });
        }
    };
    match kind {
        "LineString" => min(&mut out, "/coordinates", coords, 2, "a LineString"),
        "MultiLineString" => {
            for i in 0..each(coords) {
                min(&mut out, &format!("/coordinates/{i}"), &coords[i], 2, "a line");
            }
        }
        "Polygon" | "MultiPolygon" if each(coords) == 0 => {
            min(&mut out, "/coordinates", coords, 1, "an area");
        }
        _ => {}
    }
    for (at, r) in &rings {
        min(&mut out, at, r, 4, "a ring");
        let n = each(r);
        for j in 0..n {
            positions.push((format!("{at}/{j}"), &r[j]));
        }
        if let Some(points) = ring(r) {
            if points.first() != points.last() {
                out.push(Problem {
                    pointer: at.clone(),
                    message: format!(
                        "the ring is not closed: it starts at {:?} and ends at {:?}",
                        points.first().unwrap_or(&(0.0, 0.0)),
                        points.last().unwrap_or(&(0.0, 0.0))
                    ),
                    fix: "repeat the first position as the last one (RFC 7946 §3.1.6)".into(),
                });
            } else if signed_area(&points).abs() < 1e-12 {
                out.push(Problem {
                    pointer: at.clone(),
                    message: "the ring encloses no area".into(),
                    fix: "give the polygon at least three distinct corners".into(),
                });
            }
        }
    }
    for (at, p) in positions {
        let Some((lon, lat)) = pos(p).filter(|_| p.as_array().is_some_and(|a| a.len() <= 3)) else {
            out.push(Problem {
                pointer: at,
                message: format!("`{p}` is not a position"),
                fix: format!("write [longitude, latitude] here; a {kind} nests its positions as RFC 7946 §3.1 says"),
            });
            continue;
        };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            out.push(Problem {
                pointer: at,
                message: format!("[{lon}, {lat}] is not a WGS 84 position"),
                fix: "write [longitude, latitude] in decimal degrees, longitude first".into(),
            });
        } else if let Some([w, s, e, n]) = bbox
            && !(w <= lon && lon <= e && s <= lat && lat <= n)
        {
            let swapped = w <= lat && lat <= e && s <= lon && lon <= n;
            out.push(Problem {
                pointer: at,
                message: format!("[{lon}, {lat}] is outside the city ({w}, {s} – {e}, {n} in civic.yaml `map.bbox`)"),
                fix: if swapped {
                    "longitude comes first in GeoJSON: swap the two numbers".into()
                } else {
                    "check the position, or widen `map.bbox` in civic.yaml".into()
                },
            });
        }
    }
    out
}

/// Every position of a geometry, and its segments (pairs of consecutive positions).
fn parts(geometry: &Value) -> (Vec<Pos>, Vec<(Pos, Pos)>) {
    let mut points = Vec::new();
    let mut segments = Vec::new();
    let mut line = |v: &Value, points: &mut Vec<Pos>| {
        if let Some(r) = ring(v) {
            segments.extend(r.windows(2).map(|w| (w[0], w[1])));
            points.extend(r);
        }
    };
    let c = &geometry["coordinates"];
    let arr = |v: &Value| v.as_array().cloned().unwrap_or_default();
    match geometry.get("type").and_then(Value::as_str) {
        Some("Point") => points.extend(pos(c)),
        Some("MultiPoint") => points.extend(arr(c).iter().filter_map(pos)),
        Some("LineString") => line(c, &mut points),
        Some("MultiLineString" | "Polygon") => arr(c).iter().for_each(|l| line(l, &mut points)),
        Some("MultiPolygon") => arr(c).iter().flat_map(arr).for_each(|l| line(&l, &mut points)),
        _ => {}
    }
    (points, segments)
}

/// The polygons of a Polygon or MultiPolygon, each as its rings.
fn polygons(geometry: &Value) -> Vec<Vec<Vec<Pos>>> {
    let c = &geometry["coordinates"];
    let rings = |p: &Value| -> Vec<Vec<Pos>> { p.as_array().into_iter().flatten().filter_map(ring).collect() };
    match geometry.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![rings(c)],
        Some("MultiPolygon") => c.as_array().into_iter().flatten().map(rings).collect(),
        _ => Vec::new(),
    }
}

/// Even-odd point in ring; points on the boundary count as inside.
fn in_ring(p: Pos, ring: &[Pos]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if on_segment(p, a, b) {
            return true;
        }
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
    }
    inside
}

fn cross(o: Pos, a: Pos, b: Pos) -> f64 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

fn on_segment(p: Pos, a: Pos, b: Pos) -> bool {
    cross(a, b, p).abs() < 1e-12
        && p.0 >= a.0.min(b.0)
        && p.0 <= a.0.max(b.0)
        && p.1 >= a.1.min(b.1)
        && p.1 <= a.1.max(b.1)
}

fn segments_cross(a: Pos, b: Pos, c: Pos, d: Pos) -> bool {
    let (d1, d2, d3, d4) = (cross(c, d, a), cross(c, d, b), cross(a, b, c), cross(a, b, d));
    ((d1 > 0.0) != (d2 > 0.0) && (d3 > 0.0) != (d4 > 0.0))
        || on_segment(a, c, d)
        || on_segment(b, c, d)
        || on_segment(c, a, b)
        || on_segment(d, a, b)
}

/// Whether a point lies in an area (a Polygon or MultiPolygon), holes excluded.
pub fn contains(area: &Value, p: Pos) -> bool {
    polygons(area).iter().any(|rings| {
        rings.first().is_some_and(|outer| in_ring(p, outer)) && !rings.iter().skip(1).any(|hole| in_ring(p, hole))
    })
}

/// Whether a geometry touches an area: one of its positions lies in it, or one of its segments
/// crosses the area's boundary (a line passing through), or the area lies inside the geometry.
pub fn touches(geometry: &Value, area: &Value) -> bool {
    let (points, segments) = parts(geometry);
    if points.iter().any(|p| contains(area, *p)) {
        return true;
    }
    let (area_points, edges) = parts(area);
    if segments.iter().any(|(a, b)| edges.iter().any(|(c, d)| segments_cross(*a, *b, *c, *d))) {
        return true;
    }
    area_points.first().is_some_and(|p| contains(geometry, *p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square() -> Value {
        json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]})
    }

    #[test]
    fn clockwise_outer_rings_are_rewound_and_holes_made_clockwise() {
        let mut g = json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]],
            [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.2]]
        ]});
        rewind(&mut g);
        let outer = ring(&g["coordinates"][0]).unwrap();
        let hole = ring(&g["coordinates"][1]).unwrap();
        assert!(signed_area(&outer) > 0.0 && signed_area(&hole) < 0.0);
    }

    #[test]
    fn problems_are_located_below_the_geometry() {
        let open =
            json!({"type": "Polygon", "coordinates": [[[21.2, 45.7], [21.3, 45.7], [21.3, 45.8], [21.2, 45.8]]]});
        let p = problems(&open, None);
        assert_eq!(p[0].pointer, "/coordinates/0");
        assert!(p[0].message.contains("not closed"));
        let swapped = json!({"type": "Point", "coordinates": [45.75, 21.22]});
        let p = problems(&swapped, Some([21.1, 45.6, 21.4, 45.9]));
        assert_eq!(p[0].pointer, "/coordinates");
        assert!(p[0].fix.contains("swap"), "{}", p[0].fix);
        assert!(problems(&json!({"type": "Point", "coordinates": [200.0, 0.0]}), None)[0].message.contains("WGS 84"));
    }

    #[test]
    fn a_work_on_a_border_touches_both_sides_and_a_line_through_touches_the_area() {
        let left = square();
        let right =
            json!({"type": "Polygon", "coordinates": [[[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 0.0]]]});
        let on_border = json!({"type": "Point", "coordinates": [1.0, 0.5]});
        assert!(touches(&on_border, &left) && touches(&on_border, &right));
        let through = json!({"type": "LineString", "coordinates": [[-1.0, 0.5], [3.0, 0.5]]});
        assert!(touches(&through, &left) && touches(&through, &right));
        let outside = json!({"type": "LineString", "coordinates": [[-1.0, 2.0], [3.0, 2.0]]});
        assert!(!touches(&outside, &left));
        let around = json!({"type": "Polygon", "coordinates": [[[-5.0, -5.0], [5.0, -5.0], [5.0, 5.0], [-5.0, 5.0], [-5.0, -5.0]]]});
        assert!(touches(&around, &left));
    }
}
