//! Where an alert applies: areas (districts, a drawn polygon, a point with a radius), GeoJSON
//! geometries read into `geo`, and matching — an R-tree over the areas' envelopes, then exact
//! tests (intersection for polygons, Haversine distance for radii).

pub use geo;
use geo::{
    BoundingRect, Closest, ClosestPoint, Coord, Geometry, Intersects, LineString, MultiPolygon, Point, Polygon, Rect,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::Value;

/// Mean Earth radius in metres (IUGG), for Haversine distances.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

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

    /// Whether `g` touches the area: intersection (borders included) or a distance ≤ the radius.
    pub fn touches(&self, g: &Geometry<f64>) -> bool {
        match self {
            Area::Shape(m) => g.intersects(m),
            Area::Circle(c, r) => distance_m(g, *c) <= *r,
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

/// The distance in metres from `p` to the nearest point of `g` (0 inside a polygon). The nearest
/// point is found in degrees scaled by the latitude's cosine (exact enough at a city's scale),
/// then measured with Haversine.
pub fn distance_m(g: &Geometry<f64>, p: Point<f64>) -> f64 {
    if g.intersects(&p) {
        return 0.0;
    }
    let k = p.y().to_radians().cos();
    let scaled = scale(g, k);
    let nearest = match scaled.closest_point(&Point::new(p.x() * k, p.y())) {
        Closest::Intersection(q) | Closest::SinglePoint(q) => q,
        Closest::Indeterminate => return f64::INFINITY,
    };
    haversine(p, Point::new(nearest.x() / k, nearest.y()))
}

fn scale(g: &Geometry<f64>, k: f64) -> Geometry<f64> {
    use geo::MapCoords;
    g.map_coords(|c| Coord { x: c.x * k, y: c.y })
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

/// Areas in an R-tree of their envelopes, each with its owner's index.
pub struct Index {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    areas: Vec<Area>,
}

impl Index {
    /// `areas[i]` belongs to the owner `i`.
    pub fn new(areas: Vec<Area>) -> Index {
        let boxes = areas
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let r = a.envelope()?;
                Some(GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i))
            })
            .collect();
        Index { tree: RTree::bulk_load(boxes), areas }
    }

    /// The owners whose area `g` touches.
    pub fn matching(&self, g: &Geometry<f64>) -> Vec<usize> {
        let Some(r) = g.bounding_rect() else { return vec![] };
        let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut out: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|b| b.data)
            .filter(|&i| self.areas[i].touches(g))
            .collect();
        out.sort_unstable();
        out
    }
}

/// Subscriptions matched to an event: those chosen by district through a district → owners map
/// (the event's districts are the ones it lists plus those its geometry touches — a handful of
/// polygon tests per event, not one per subscription), the others (a radius, a drawn polygon)
/// through the R-tree and an exact test.
pub struct Matcher {
    index: Index,
    by_district: std::collections::HashMap<String, Vec<usize>>,
    districts: Vec<(String, MultiPolygon<f64>)>,
}

impl Matcher {
    /// `areas[i]` is owner `i`'s drawn area, if any; `chosen[i]` the districts it chose.
    pub fn new(
        areas: Vec<Option<Area>>,
        chosen: &[Vec<String>],
        district_shapes: &std::collections::HashMap<String, Vec<Polygon<f64>>>,
    ) -> Matcher {
        let mut by_district: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (i, ds) in chosen.iter().enumerate() {
            for d in ds {
                by_district.entry(d.clone()).or_default().push(i);
            }
        }
        // An owner without a drawn area gets an empty shape: no envelope, so not in the tree.
        let index =
            Index::new(areas.into_iter().map(|a| a.unwrap_or(Area::Shape(MultiPolygon::new(vec![])))).collect());
        let mut districts: Vec<(String, MultiPolygon<f64>)> =
            district_shapes.iter().map(|(id, p)| (id.clone(), MultiPolygon::new(p.clone()))).collect();
        districts.sort_by(|a, b| a.0.cmp(&b.0));
        Matcher { index, by_district, districts }
    }

    /// The owners an event concerns: its geometry (if any) and the districts it lists.
    pub fn matching(&self, g: Option<&Geometry<f64>>, listed: &[String]) -> Vec<usize> {
        let mut who = g.map_or_else(Vec::new, |g| self.index.matching(g));
        let touched = g
            .into_iter()
            .flat_map(|g| self.districts.iter().filter(move |(_, shape)| g.intersects(shape)).map(|(id, _)| id));
        let mut ids: Vec<&String> = listed.iter().chain(touched).collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            who.extend(self.by_district.get(id).into_iter().flatten().copied());
        }
        who.sort_unstable();
        who.dedup();
        who
    }
}
