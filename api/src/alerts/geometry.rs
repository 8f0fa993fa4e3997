//! Where an alert applies: areas (districts, a drawn polygon, a point with a radius), GeoJSON
//! geometries read into `geo`, Haversine distances. Matching them is `super::matcher`.

pub use geo;
use geo::{BoundingRect, Coord, Geometry, LineString, MultiPolygon, Point, Polygon, Rect};
use serde_json::Value;

/// Mean Earth radius in metres (IUGG), for Haversine distances.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// An area, ready to match.
#[derive(Debug, Clone)]
pub enum Area {
    /// Districts or a drawn polygon.
    Shape(MultiPolygon<f64>),
    /// A point and a radius in metres.
    Circle(Point<f64>, f64),
}

impl Area {
    /// The area's envelope (a circle's in degrees, with a margin).
    pub fn envelope(&self) -> Option<Rect<f64>> {
        match self {
            Area::Shape(m) => m.bounding_rect(),
            Area::Circle(c, r) => {
                let dlat = r / 111_000.0 * 1.01;
                let dlon = dlat / c.y().to_radians().cos().max(0.01);
                Some(Rect::new(Coord { x: c.x() - dlon, y: c.y() - dlat }, Coord { x: c.x() + dlon, y: c.y() + dlat }))
            }
        }
    }
}

/// The Haversine distance in metres between two points (lon, lat in degrees).
pub fn haversine(a: Point<f64>, b: Point<f64>) -> f64 {
    let (la1, la2) = (a.y().to_radians(), b.y().to_radians());
    let dla = la2 - la1;
    let dlo = (b.x() - a.x()).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

fn coord(v: &Value) -> Option<Coord<f64>> {
    let a = v.as_array()?;
    let (x, y) = (a.first()?.as_f64()?, a.get(1)?.as_f64()?);
    ((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)).then_some(Coord { x, y })
}

fn line(v: &Value) -> Option<LineString<f64>> {
    v.as_array()?.iter().map(coord).collect::<Option<Vec<_>>>().map(LineString::new)
}

fn polygon(v: &Value) -> Option<Polygon<f64>> {
    let rings = v.as_array()?;
    let exterior = line(rings.first()?)?;
    let interiors = rings[1..].iter().map(line).collect::<Option<Vec<_>>>()?;
    Some(Polygon::new(exterior, interiors))
}

/// A GeoJSON geometry (RFC 7946) as a `geo` geometry; `None` when it is not one.
pub fn from_geojson(v: &Value) -> Option<Geometry<f64>> {
    let c = &v["coordinates"];
    let list = |f: &dyn Fn(&Value) -> Option<Geometry<f64>>| {
        c.as_array()?.iter().map(f).collect::<Option<Vec<_>>>().map(|v| Geometry::GeometryCollection(v.into()))
    };
    match v["type"].as_str()? {
        "Point" => coord(c).map(|c| Geometry::Point(c.into())),
        "LineString" => line(c).map(Geometry::LineString),
        "Polygon" => polygon(c).map(Geometry::Polygon),
        "MultiPoint" => list(&|p| coord(p).map(|c| Geometry::Point(c.into()))),
        "MultiLineString" => list(&|l| line(l).map(Geometry::LineString)),
        "MultiPolygon" => c
            .as_array()?
            .iter()
            .map(polygon)
            .collect::<Option<Vec<_>>>()
            .map(|p| Geometry::MultiPolygon(MultiPolygon::new(p))),
        "GeometryCollection" => v["geometries"]
            .as_array()?
            .iter()
            .map(from_geojson)
            .collect::<Option<Vec<_>>>()
            .map(|v| Geometry::GeometryCollection(v.into())),
        _ => None,
    }
}

/// Polygons of a GeoJSON Polygon or MultiPolygon.
pub fn polygons(v: &Value) -> Vec<Polygon<f64>> {
    match from_geojson(v) {
        Some(Geometry::Polygon(p)) => vec![p],
        Some(Geometry::MultiPolygon(m)) => m.0,
        _ => vec![],
    }
}
