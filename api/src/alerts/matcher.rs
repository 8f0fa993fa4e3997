//! Matching events to subscriptions at scale (1,000,000 subscriptions × 1,000 events in about a
//! second on two cores): districts by id, the other areas (a radius, a drawn polygon) through a
//! packed Hilbert R-tree of their envelopes and then an exact test — intersection with borders
//! counted for polygons, the distance to the nearest point for radii — with events in parallel.

use std::collections::HashMap;

use geo::coordinate_position::CoordPos;
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{BoundingRect, Coord, Geometry, Intersects, Line, LineString, MultiPolygon, Point, Polygon, Rect};
use rayon::prelude::*;
use static_aabb2d_index::{StaticAABB2DIndex, StaticAABB2DIndexBuilder, hilbert_xy_to_index};

use super::geometry::{Area, EARTH_RADIUS_M, haversine};

/// Metres per degree of latitude on the mean sphere.
const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// An area prepared for exact tests.
enum Shape {
    /// Centre and radius in metres.
    Circle(Coord<f64>, f64),
    /// Polygons: their rings (`Rings::rings[from..to]`) and their envelope.
    Polygons(u32, u32, Rect<f64>),
}

/// The areas' polygons, flat: every ring's vertices in one array, in the order the areas are
/// matched (so a test reads memory next to the previous one's, not a tree of allocations);
/// each polygon is an outer ring followed by its holes.
#[derive(Default)]
struct Rings {
    coords: Vec<Coord<f64>>,
    /// `(first vertex, end, is a hole)`.
    rings: Vec<(u32, u32, bool)>,
}

impl Rings {
    fn shape(&mut self, area: &Area) -> Option<Shape> {
        match area {
            Area::Circle(c, r) => Some(Shape::Circle(c.0, *r)),
            Area::Shape(m) => {
                let envelope = m.bounding_rect()?;
                let from = self.rings.len() as u32;
                for p in m {
                    for (i, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
                        let start = self.coords.len() as u32;
                        self.coords.extend(&ring.0);
                        self.rings.push((start, self.coords.len() as u32, i > 0));
                    }
                }
                Some(Shape::Polygons(from, self.rings.len() as u32, envelope))
            }
        }
    }

    fn ring(&self, i: usize) -> &[Coord<f64>] {
        let (a, b, _) = self.rings[i];
        &self.coords[a as usize..b as usize]
    }

    /// Whether `c` is inside the polygons `rings[from..to]` or on a border.
    fn covers(&self, from: u32, to: u32, c: Coord<f64>) -> bool {
        let mut inside = false;
        for i in from as usize..to as usize {
            let hole = self.rings[i].2;
            if !hole && inside {
                return true;
            }
            if !hole {
                inside = position(c, self.ring(i)) != CoordPos::Outside;
            } else if inside && position(c, self.ring(i)) == CoordPos::Inside {
                inside = false;
            }
        }
        inside
    }

    /// The borders' segments of `rings[from..to]`.
    fn edges(&self, from: u32, to: u32) -> impl Iterator<Item = Line<f64>> + '_ {
        (from as usize..to as usize).flat_map(|i| self.ring(i).windows(2).map(|w| Line::new(w[0], w[1])))
    }
}

/// Where `c` lies with respect to a closed ring: the winding-number test of `geo`'s
/// `coord_pos_relative_to_ring`, on a slice (borders count as `OnBoundary`).
fn position(c: Coord<f64>, ring: &[Coord<f64>]) -> CoordPos {
    let between = |v: f64, a: f64, b: f64| (a <= v && v <= b) || (b <= v && v <= a);
    let mut winding = 0;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a.y <= c.y {
            if b.y >= c.y {
                let o = RobustKernel::orient2d(a, b, c);
                if o == Orientation::CounterClockwise && b.y != c.y {
                    winding += 1;
                } else if o == Orientation::Collinear && between(c.x, a.x, b.x) {
                    return CoordPos::OnBoundary;
                }
            }
        } else if b.y <= c.y {
            let o = RobustKernel::orient2d(a, b, c);
            if o == Orientation::Clockwise {
                winding -= 1;
            } else if o == Orientation::Collinear && between(c.x, a.x, b.x) {
                return CoordPos::OnBoundary;
            }
        }
    }
    if winding == 0 { CoordPos::Outside } else { CoordPos::Inside }
}

impl Shape {
    /// Whether the event's place touches the area: borders count, a radius includes its circle.
    fn touches(&self, place: &Place, rings: &Rings) -> bool {
        match self {
            Shape::Circle(c, r) => place.within(*c, *r),
            Shape::Polygons(from, to, b) => place.meets(rings, *from, *to, b),
        }
    }
}

/// Whether `c` is inside `p` or on its border (an event's polygon; areas' are in `Rings`).
fn covers(p: &Polygon<f64>, c: Coord<f64>) -> bool {
    position(c, &p.exterior().0) != CoordPos::Outside
        && p.interiors().iter().all(|hole| position(c, &hole.0) != CoordPos::Inside)
}

/// An event's geometry taken apart once for all its tests: one vertex per part (enough to find a
/// part lying wholly inside an area once no border crosses), every segment, its polygons.
struct Place<'a> {
    vertices: Vec<Coord<f64>>,
    segments: Vec<Line<f64>>,
    polygons: Vec<&'a Polygon<f64>>,
    /// The same vertices and segments in metres on a plane tangent at the first vertex, for
    /// distances: the plane's origin, its metres per degree of longitude, the vertices, the
    /// segments (start, direction, 1 / squared length) and their envelope (x and y ranges).
    origin: Coord<f64>,
    metres_per_degree_x: f64,
    flat_vertices: Vec<(f64, f64)>,
    flat_segments: Vec<[f64; 5]>,
    flat_box: [f64; 4],
}

impl<'a> Place<'a> {
    fn new(g: &'a Geometry<f64>) -> Place<'a> {
        let mut place = Place {
            vertices: vec![],
            segments: vec![],
            polygons: vec![],
            origin: Coord { x: 0.0, y: 0.0 },
            metres_per_degree_x: METRES_PER_DEGREE,
            flat_vertices: vec![],
            flat_segments: vec![],
            flat_box: [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY],
        };
        place.add(g);
        if let Some(&o) = place.vertices.first() {
            place.origin = o;
            place.metres_per_degree_x = o.y.to_radians().cos() * METRES_PER_DEGREE;
        }
        place.flat_vertices = place.vertices.iter().map(|&v| place.flat(v)).collect();
        place.flat_segments = place
            .segments
            .iter()
            .map(|s| {
                let ((ax, ay), (bx, by)) = (place.flat(s.start), place.flat(s.end));
                let (dx, dy) = (bx - ax, by - ay);
                let len2 = dx * dx + dy * dy;
                [ax, ay, dx, dy, if len2 > 0.0 { 1.0 / len2 } else { 0.0 }]
            })
            .collect();
        let ends = place.flat_segments.iter().flat_map(|s| [(s[0], s[1]), (s[0] + s[2], s[1] + s[3])]);
        for (x, y) in ends.chain(place.flat_vertices.iter().copied()) {
            let b = &mut place.flat_box;
            *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
        place
    }

    /// `c` on the place's plane, in metres.
    fn flat(&self, c: Coord<f64>) -> (f64, f64) {
        ((c.x - self.origin.x) * self.metres_per_degree_x, (c.y - self.origin.y) * METRES_PER_DEGREE)
    }

    /// A point of the place's plane back in degrees.
    fn unflat(&self, (x, y): (f64, f64)) -> Coord<f64> {
        Coord { x: self.origin.x + x / self.metres_per_degree_x, y: self.origin.y + y / METRES_PER_DEGREE }
    }

    fn add_line(&mut self, l: &LineString<f64>) {
        self.vertices.extend(l.0.first());
        self.segments.extend(l.lines());
    }

    fn add(&mut self, g: &'a Geometry<f64>) {
        match g {
            Geometry::Point(p) => self.vertices.push(p.0),
            Geometry::MultiPoint(m) => self.vertices.extend(m.iter().map(|p| p.0)),
            Geometry::Line(l) => {
                self.vertices.push(l.start);
                self.segments.push(*l);
            }
            Geometry::LineString(l) => self.add_line(l),
            Geometry::MultiLineString(m) => m.iter().for_each(|l| self.add_line(l)),
            Geometry::Polygon(p) => self.add_polygon(p),
            Geometry::MultiPolygon(m) => m.iter().for_each(|p| self.add_polygon(p)),
            Geometry::Rect(_) | Geometry::Triangle(_) => {}
            Geometry::GeometryCollection(c) => c.iter().for_each(|g| self.add(g)),
        }
    }

    fn add_polygon(&mut self, p: &'a Polygon<f64>) {
        self.polygons.push(p);
        self.add_line(p.exterior());
        p.interiors().iter().for_each(|l| self.add_line(l));
    }

    /// Whether the place intersects the polygons `rings[from..to]` (envelope `b`), borders
    /// included: a vertex of the place in them, a segment crossing a border, or an area's
    /// vertex inside one of the place's polygons.
    fn meets(&self, rings: &Rings, from: u32, to: u32, b: &Rect<f64>) -> bool {
        let inside_box = |c: &Coord<f64>| c.x >= b.min().x && c.x <= b.max().x && c.y >= b.min().y && c.y <= b.max().y;
        self.vertices.iter().any(|c| inside_box(c) && rings.covers(from, to, *c))
            || self.segments.iter().any(|s| {
                let box_overlaps = s.start.x.max(s.end.x) >= b.min().x
                    && s.start.x.min(s.end.x) <= b.max().x
                    && s.start.y.max(s.end.y) >= b.min().y
                    && s.start.y.min(s.end.y) <= b.max().y;
                box_overlaps && rings.edges(from, to).any(|e| s.intersects(&e))
            })
            || (from < to && self.polygons.iter().any(|q| covers(q, rings.ring(from as usize)[0])))
    }

    /// Whether the place comes within `r` metres of `c`. Distances are measured on the place's
    /// tangent plane (off by well under 0.5% within a city); one within 1% of the radius is
    /// measured again with Haversine to the nearest point found.
    fn within(&self, c: Coord<f64>, r: f64) -> bool {
        let (cx, cy) = self.flat(c);
        let (outer, inner) = ((r * 1.01 + 1.0).powi(2), (r * 0.99 - 1.0).max(0.0).powi(2));
        let b = &self.flat_box;
        let (ex, ey) = ((b[0] - cx).max(cx - b[2]).max(0.0), (b[1] - cy).max(cy - b[3]).max(0.0));
        if ex * ex + ey * ey > outer {
            return false;
        }
        if self.polygons.iter().any(|p| covers(p, c)) {
            return true;
        }
        let mut best = (f64::INFINITY, (cx, cy));
        for &(x, y) in &self.flat_vertices {
            let d2 = (x - cx).powi(2) + (y - cy).powi(2);
            if d2 <= inner {
                return true;
            }
            if d2 < best.0 {
                best = (d2, (x, y));
            }
        }
        for &[ax, ay, dx, dy, inv] in &self.flat_segments {
            let t = (((cx - ax) * dx + (cy - ay) * dy) * inv).clamp(0.0, 1.0);
            let (x, y) = (ax + t * dx, ay + t * dy);
            let d2 = (x - cx).powi(2) + (y - cy).powi(2);
            if d2 <= inner {
                return true;
            }
            if d2 < best.0 {
                best = (d2, (x, y));
            }
        }
        best.0 <= outer && haversine(Point(c), Point(self.unflat(best.1))) <= r
    }
}

/// Subscriptions matched to events. Those chosen by district go through a district → owners map
/// (an event's districts are the ones it lists plus those its geometry touches — a handful of
/// polygon tests per event, not one per subscription); the others (a radius, a drawn polygon)
/// through an R-tree of their envelopes and an exact test. Events are matched in parallel.
pub struct Matcher {
    /// The areas' envelopes in a packed Hilbert R-tree (flat arrays: a query reads neighbouring
    /// memory; rstar's node-per-allocation tree was bound by cache misses at ~40,000 candidates
    /// per event).
    index: Option<StaticAABB2DIndex<f64>>,
    /// `(owner, shape)` in the index's item order, sorted along a Hilbert curve as well so the
    /// shapes a query visits lie near each other in memory.
    shapes: Vec<(u32, Shape)>,
    rings: Rings,
    by_district: HashMap<String, Vec<u32>>,
    districts: Vec<(String, Shape)>,
    /// Whether some owner has both an area and districts (then an owner can be found twice).
    areas_and_districts: bool,
    owners: usize,
}

impl Matcher {
    /// `areas[i]` is owner `i`'s drawn area, if any; `chosen[i]` the districts it chose;
    /// `district_shapes` the published districts' polygons.
    pub fn new(
        areas: Vec<Option<Area>>,
        chosen: &[Vec<String>],
        district_shapes: &HashMap<String, Vec<Polygon<f64>>>,
    ) -> Matcher {
        let owners = areas.len().max(chosen.len());
        assert!(owners < u32::MAX as usize, "fewer than 4 billion subscriptions");
        let mut by_district: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, ds) in chosen.iter().enumerate() {
            let mut ds: Vec<&String> = ds.iter().collect();
            ds.sort_unstable();
            ds.dedup();
            for d in ds {
                by_district.entry(d.clone()).or_default().push(i as u32);
            }
        }
        let areas_and_districts = areas.iter().zip(chosen).any(|(a, ds)| a.is_some() && !ds.is_empty());
        let mut rings = Rings::default();
        let (index, shapes) = Self::index(areas, &mut rings);
        let mut districts: Vec<(String, Shape)> = district_shapes
            .iter()
            .filter_map(|(id, p)| Some((id.clone(), rings.shape(&Area::Shape(MultiPolygon::new(p.clone())))?)))
            .collect();
        districts.sort_by(|a, b| a.0.cmp(&b.0));
        Matcher { index, shapes, rings, by_district, districts, areas_and_districts, owners }
    }

    /// Sorts the areas along a Hilbert curve through their envelopes' centres, prepares them in
    /// that order and indexes their envelopes: `(index, [(owner, shape)])`, the shapes in the
    /// index's item order.
    fn index(areas: Vec<Option<Area>>, rings: &mut Rings) -> (Option<StaticAABB2DIndex<f64>>, Vec<(u32, Shape)>) {
        let mut areas: Vec<(u32, Area, Rect<f64>)> = areas
            .into_iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let a = a?;
                let envelope = a.envelope()?;
                Some((i as u32, a, envelope))
            })
            .collect();
        let Some(all) = areas.iter().map(|a| a.2).reduce(|a, b| {
            Rect::new(
                Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        }) else {
            return (None, vec![]);
        };
        let scale = |v: f64, lo: f64, span: f64| if span > 0.0 { ((v - lo) / span * 65_535.0) as u16 } else { 0 };
        areas.sort_by_cached_key(|(_, _, b)| {
            let c = b.center();
            hilbert_xy_to_index(scale(c.x, all.min().x, all.width()), scale(c.y, all.min().y, all.height()))
        });
        let mut builder = StaticAABB2DIndexBuilder::new(areas.len());
        let mut shapes = Vec::with_capacity(areas.len());
        for (owner, area, b) in areas {
            builder.add(b.min().x, b.min().y, b.max().x, b.max().y);
            shapes.push((owner, rings.shape(&area).expect("an area with an envelope has a shape")));
        }
        (builder.build().ok(), shapes)
    }

    /// The owners one event concerns, in no particular order: see `match_all`.
    pub fn matching(&self, g: Option<&Geometry<f64>>, listed: &[String]) -> Vec<u32> {
        self.match_all(&[(g, listed)]).pop().unwrap_or_default()
    }

    /// For each event (its geometry, if any, and the districts it lists), the owners it
    /// concerns, each once, in no particular order.
    pub fn match_all(&self, events: &[(Option<&Geometry<f64>>, &[String])]) -> Vec<Vec<u32>> {
        events
            .par_iter()
            .with_min_len(8)
            // Per worker: the last event each owner was added for (so an owner is added once),
            // that event's number and how many owners it concerned (the next one's first guess).
            .map_init(
                || (vec![0u32; self.owners], 0u32, 0usize),
                |(seen, n, last), (g, listed)| {
                    *n += 1;
                    let who = self.one(*g, listed, seen, *n, *last);
                    *last = who.len();
                    who
                },
            )
            .collect()
    }

    fn one(
        &self,
        g: Option<&Geometry<f64>>,
        listed: &[String],
        seen: &mut [u32],
        stamp: u32,
        guess: usize,
    ) -> Vec<u32> {
        let mut who = Vec::with_capacity(guess);
        let place = g.map(Place::new);
        let mut districts: Vec<&String> = listed.iter().collect();
        if let (Some(g), Some(place)) = (g, &place) {
            if let (Some(r), Some(index)) = (g.bounding_rect(), &self.index) {
                index.visit_query(r.min().x, r.min().y, r.max().x, r.max().y, &mut |i: usize| {
                    let (owner, shape) = &self.shapes[i];
                    if shape.touches(place, &self.rings) {
                        // Each owner has one area; only owners with districts as well can come twice.
                        if self.areas_and_districts {
                            seen[*owner as usize] = stamp;
                        }
                        who.push(*owner);
                    }
                });
            }
            districts
                .extend(self.districts.iter().filter(|(_, shape)| shape.touches(place, &self.rings)).map(|(id, _)| id));
        }
        districts.sort_unstable();
        districts.dedup();
        for id in districts {
            for &i in self.by_district.get(id).into_iter().flatten() {
                if seen[i as usize] != stamp {
                    seen[i as usize] = stamp;
                    who.push(i);
                }
            }
        }
        who
    }
}
