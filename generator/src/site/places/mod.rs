//! Where and when: districts, streets, public works and recurring services as pages, lists,
//! GeoJSON layers, feeds and open data; and the map page that draws the layers with Leaflet.
//!
//! The map is an enhancement: every layer is also a list (per district, per street, and the
//! `/lucrari/` filter pages), so nothing is only on the map.

mod files;
mod pages;

pub use files::files;
pub use pages::{extend_detail, pages, sitemap_urls, zone_ics};

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::Site;
use super::context::local_date;
use super::emit::fingerprint;
use crate::load::Item;
use crate::model::places::{PublicWork, RecurringService, Street, WorkStatus};
use crate::model::{Data, Kind};

/// A work's place in time, seen from the build's "today".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Now,
    Soon,
    Later,
    Past,
    Cancelled,
}

pub fn phase(w: &PublicWork, now: Date) -> Phase {
    let (start, end) = (local_date(w.period.start.timestamp()), local_date(w.period.end.timestamp()));
    if w.status == WorkStatus::Anulat {
        Phase::Cancelled
    } else if end < now || w.status == WorkStatus::Finalizat {
        Phase::Past
    } else if start <= now {
        Phase::Now
    } else if start <= now.saturating_add(jiff::Span::new().days(7)) {
        Phase::Soon
    } else {
        Phase::Later
    }
}

/// The `perioada` filter values of a work (label group `work_period`): "now" and "starts
/// within 7 days" are both "in the next 7 days"; everything starting after today is "planned".
pub fn period_values(w: &PublicWork, now: Date) -> Vec<String> {
    let v: &[&str] = match phase(w, now) {
        Phase::Now => &["acum", "urmatoarele_7_zile"],
        Phase::Soon => &["urmatoarele_7_zile", "planificate"],
        Phase::Later => &["planificate"],
        Phase::Past => &["incheiate"],
        Phase::Cancelled => &["anulate"],
    };
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// Everything about places, worked out once per build.
pub struct Places<'a> {
    pub districts: Vec<&'a Item>,
    pub works: Vec<&'a Item>,
    pub services: Vec<&'a Item>,
    /// Work id → the ids of the districts it touches (by its streets and by its geometry).
    pub work_districts: HashMap<&'a str, Vec<&'a str>>,
    /// District id → its streets, A–Z.
    pub district_streets: HashMap<&'a str, Vec<&'a Street>>,
    /// Street name → the works that name it.
    pub street_works: HashMap<&'a str, Vec<&'a Item>>,
    pub streets: BTreeMap<String, &'a Street>,
    /// A fingerprint of all of it: every page that shows places depends on it.
    pub fp: u64,
}

impl<'a> Places<'a> {
    pub fn new(site: &'a Site) -> Places<'a> {
        let of = |k: Kind| -> Vec<&'a Item> { site.items.iter().filter(|i| i.kind == k).collect() };
        let mut districts = of(Kind::District);
        districts.sort_by(|a, b| a.data.envelope().title.cmp(&b.data.envelope().title));
        let mut works = of(Kind::PublicWork);
        // Soonest first, then by id: the order of every list of works.
        works.sort_by_key(|i| (work(i).period.start, i.id().to_owned()));
        let services = of(Kind::RecurringService);
        let by_name: HashMap<&str, &Street> = site.streets.iter().map(|s| (s.name.as_str(), s)).collect();
        let mut work_districts = HashMap::new();
        let mut street_works: HashMap<&str, Vec<&Item>> = HashMap::new();
        for w in &works {
            let pw = work(w);
            let mut ds: Vec<&str> = Vec::new();
            for s in &pw.streets {
                if let Some(street) = by_name.get(s.name.as_str()) {
                    ds.extend(street.districts.iter().map(String::as_str));
                    street_works.entry(street.name.as_str()).or_default().push(w);
                }
            }
            if let Some(g) = &pw.envelope.geometry {
                for d in &districts {
                    if let Some(area) = &d.data.envelope().geometry
                        && crate::geo::touches(&g.0, &area.0)
                    {
                        ds.push(d.id());
                    }
                }
            }
            ds.sort();
            ds.dedup();
            work_districts.insert(w.id(), ds);
        }
        let mut district_streets: HashMap<&str, Vec<&Street>> = HashMap::new();
        for s in &site.streets {
            for d in &s.districts {
                district_streets.entry(d.as_str()).or_default().push(s);
            }
        }
        for v in district_streets.values_mut() {
            v.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let fp = fingerprint(&(
            districts.iter().chain(&works).chain(&services).map(|i| i.hash).collect::<Vec<_>>(),
            &site.streets,
        ));
        let streets = site.streets.iter().map(|s| (s.name.clone(), s)).collect();
        Places { districts, works, services, work_districts, district_streets, street_works, streets, fp }
    }

    fn district(&self, id: &str) -> Option<&'a Item> {
        self.districts.iter().find(|d| d.id() == id).copied()
    }

    /// The titles of the districts a work touches (the `cartier` filter of `/lucrari/`).
    pub fn district_titles(&self, work_id: &str) -> Vec<String> {
        self.work_districts
            .get(work_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.district(id))
            .map(|d| d.data.envelope().title.clone())
            .collect()
    }

    /// The zones (service, zone index) that serve a district: named in `districts`, or whose
    /// area contains one of the district's streets' … (by polygon when no district is named).
    fn zones_of_district(&self, district: &Item) -> Vec<(&'a Item, usize)> {
        let mut out = Vec::new();
        for s in &self.services {
            for (z, zone) in service(s).zones.iter().enumerate() {
                let named = zone.districts.iter().any(|d| d == district.id());
                let by_area = zone.districts.is_empty()
                    && district
                        .data
                        .envelope()
                        .geometry
                        .as_ref()
                        .is_some_and(|g| crate::geo::touches(&g.0, &zone.geometry.0));
                if named || by_area {
                    out.push((*s, z));
                }
            }
        }
        out
    }

    fn zones_of_street(&self, street: &Street) -> Vec<(&'a Item, usize)> {
        let mut out = Vec::new();
        for s in &self.services {
            for (z, zone) in service(s).zones.iter().enumerate() {
                if zone.streets.contains(&street.name) || zone.districts.iter().any(|d| street.districts.contains(d)) {
                    out.push((*s, z));
                }
            }
        }
        out
    }
}

fn work(i: &Item) -> &PublicWork {
    match &*i.data {
        Data::PublicWork(w) => w,
        _ => unreachable!("a public work"),
    }
}

fn service(i: &Item) -> &RecurringService {
    match &*i.data {
        Data::RecurringService(s) => s,
        _ => unreachable!("a recurring service"),
    }
}
