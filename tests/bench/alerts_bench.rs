//! Matching alerts at scale: `cargo run --release -p civic-tests --bin civic-alerts-bench -- [--subscriptions 1000000] [--events 1000]`.
//!
//! Builds the alerts' matcher (`civic_api::alerts::matcher::Matcher`, the one `civic alerts
//! dispatch` uses: districts by id, the rest in a packed R-tree) over N subscription areas in and around Timișoara — 40% one to three of the
//! published districts, 40% a point with a radius of 200 m–3 km, 20% a drawn polygon of 0.5–2 km
//! — then matches M change events (points and street-like lines; in parallel on every core,
//! `RAYON_NUM_THREADS=1` for one), and prints the time of each
//! step, the matches found and the process's peak memory. It measures the matching only: the
//! subscriptions are generated in memory, not read from SQLite, and no mail is queued.

use std::time::Instant;

use civic_api::alerts::geometry::geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use civic_api::alerts::geometry::{Area, polygons};
use civic_api::alerts::matcher::Matcher;
use civic_tests::api::sample_site;

/// A small deterministic generator (xorshift64*), so every run matches the same areas.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// Timișoara's surroundings (lon, lat).
const WEST: f64 = 21.15;
const EAST: f64 = 21.30;
const SOUTH: f64 = 45.70;
const NORTH: f64 = 45.80;

fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let mut subscriptions = 1_000_000usize;
    let mut events = 1_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number =
            |name: &str| args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} needs a number"));
        match a.as_str() {
            "--subscriptions" => subscriptions = number("--subscriptions"),
            "--events" => events = number("--events"),
            _ => {
                eprintln!("usage: civic-alerts-bench [--subscriptions N] [--events M]");
                std::process::exit(2);
            }
        }
    }
    let site = sample_site();
    let district_shapes: std::collections::HashMap<String, Vec<Polygon<f64>>> =
        std::fs::read_to_string(site.join("data/district.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .map(|v| {
                v["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| Some((d["id"].as_str()?.to_owned(), polygons(&d["geometry"]))))
                    .collect()
            })
            .unwrap_or_default();
    let ids: Vec<String> = {
        let mut ids: Vec<String> = district_shapes.keys().cloned().collect();
        ids.sort();
        ids
    };
    assert!(!ids.is_empty(), "the sample site publishes its districts");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let start = Instant::now();
    let subs: Vec<(Option<Area>, Vec<String>)> = (0..subscriptions)
        .map(|i| match i % 5 {
            0 | 1 => {
                let n = 1 + (rng.next() * 3.0) as usize;
                (None, (0..n).map(|_| ids[(rng.next() * ids.len() as f64) as usize % ids.len()].clone()).collect())
            }
            2 | 3 => (
                Some(Area::Circle(
                    Point::new(rng.range(WEST, EAST), rng.range(SOUTH, NORTH)),
                    rng.range(200.0, 3_000.0),
                )),
                vec![],
            ),
            _ => {
                let (x, y) = (rng.range(WEST, EAST), rng.range(SOUTH, NORTH));
                let (w, h) = (rng.range(0.006, 0.026), rng.range(0.004, 0.018));
                let ring = vec![
                    Coord { x, y },
                    Coord { x: x + w, y: y + rng.range(-0.002, 0.002) },
                    Coord { x: x + w, y: y + h },
                    Coord { x: x + rng.range(-0.003, 0.003), y: y + h },
                    Coord { x, y },
                ];
                (Some(Area::Shape(MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]))), vec![])
            }
        })
        .collect();
    let generated = start.elapsed();

    let start = Instant::now();
    let (areas, chosen): (Vec<Option<Area>>, Vec<Vec<String>>) = subs.into_iter().unzip();
    let matcher = Matcher::new(areas, &chosen, &district_shapes);
    drop(chosen);
    let built = start.elapsed();

    let works: Vec<Geometry<f64>> = (0..events)
        .map(|i| {
            let (x, y) = (rng.range(WEST, EAST), rng.range(SOUTH, NORTH));
            if i % 2 == 0 {
                Geometry::Point(Point::new(x, y))
            } else {
                let line: Vec<Coord<f64>> =
                    (0..6).map(|k| Coord { x: x + k as f64 * 0.0015, y: y + rng.range(-0.0008, 0.0008) }).collect();
                Geometry::LineString(LineString(line))
            }
        })
        .collect();
    let start = Instant::now();
    let events_in: Vec<(Option<&Geometry<f64>>, &[String])> = works.iter().map(|g| (Some(g), &[][..])).collect();
    let matched: usize = matcher.match_all(&events_in).iter().map(Vec::len).sum();
    let matching = start.elapsed();

    println!(
        "civic-alerts-bench: {subscriptions} subscriptions (40% 1–3 districts, 40% radius, 20% drawn polygon), {events} events (half points, half lines)"
    );
    println!("generate areas   {generated:>10.2?}");
    println!("build matcher    {built:>10.2?}");
    println!(
        "match events     {matching:>10.2?}  ({matched} subscription × event matches, {:.0} per event)",
        matched as f64 / events as f64
    );
    println!("index + match    {:>10.2?}", built + matching);
    println!("peak memory      {:>10.0} MB", peak_memory_mb());
    let _ = std::fs::remove_dir_all(site.parent().expect("the site's temporary folder"));
}
