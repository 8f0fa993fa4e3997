//! Dispatch: read the published open data, compare each item with what was last seen (a hash of
//! the fields alerts care about, per item), derive change events, match them to confirmed
//! subscriptions with the spatial index, and queue mails. Every step is keyed, so running it
//! twice queues nothing twice: an event by its key, an immediate mail by (subscription, event),
//! a digest by (subscription, closed window).
//!
//! Topics of a public work: every work is `lucrari`; a traffic restriction (kind
//! `restrictie_trafic`, or any restriction other than `fara_restrictie`) is also `trafic`; a
//! breakdown (`avarie`) or a work whose title speaks of water or heating is also `utilitati`.
//! Recurring services (waste collection) are `deseuri`; council decisions, tenders and job
//! contests are city-wide (`hotarari`, `licitatii`, `concursuri`): new items, and a change of
//! their status worded "before → after" (a decision suspended or repealed, a tender awarded or
//! cancelled, a contest's results). Drafts, sessions, direct purchases and archive units have no
//! topic: only those following them, or a list they are on, hear of them.
//!
//! Each type's watched fields ([`changes`]) are kept in the snapshot too, so a followed item's
//! changes are mailed in words: the draft adopted as a decision, the decision amended by another,
//! a tender's award, a contest's results. One item's changes in one dispatch are one event, and
//! one person (one address) gets an event once however many of their subscriptions it concerns.

use std::collections::{HashMap, HashSet};
use std::path::Path as FsPath;

use civic_contract::{List, ListPage, ListPagesFile, Listed, PublicWork, files};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rusqlite::Connection;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::changes::{self, Links};
use super::geometry::{Area, from_geojson, polygons};
use super::matcher::Matcher;
use super::{link_key, store};
use crate::app::App;
use crate::error::ApiError;
use crate::mail;

/// What one dispatch did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Report {
    pub events: usize,
    pub immediate: usize,
    pub digests: usize,
}

/// A snapshot row: (type, item, what was seen).
type Seen = (&'static str, String, store::Seen);

/// The published items of a type, each with the districts it touches (works only).
type Published = Vec<(Listed, Vec<String>)>;

/// The published types dispatch watches, with the topics of the area alerts they concern (a
/// work's depend on the work; none: only those who follow the item or a list of it).
const SOURCES: [(&str, &[&str]); 9] = [
    ("public_work", &[]),
    ("recurring_service", &["deseuri"]),
    ("council_decision", &["hotarari"]),
    ("tender", &["licitatii"]),
    ("job_contest", &["concursuri"]),
    ("draft_decision", &[]),
    ("council_session", &[]),
    ("direct_purchase", &[]),
    ("archive_unit", &[]),
];

/// A derived change.
struct Event {
    key: String,
    /// The published type of the item.
    source: &'static str,
    topics: Vec<&'static str>,
    item: String,
    kind: &'static str,
    title: String,
    url: String,
    detail: String,
    districts: Vec<String>,
    geometry: Option<Value>,
}

fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The published items of `kind`, each with the districts it touches (works only); none when
/// the site does not publish the list.
fn read(site: &FsPath, kind: &str) -> Published {
    let text = std::fs::read_to_string(site.join(files::list(kind))).unwrap_or_default();
    if kind == "public_work" {
        let works: Option<List<PublicWork>> = serde_json::from_str(&text).ok();
        works.map(|l| l.items.into_iter().map(|w| (w.item, w.districts)).collect()).unwrap_or_default()
    } else {
        let items: Option<List<Listed>> = serde_json::from_str(&text).ok();
        items.map(|l| l.items.into_iter().map(|i| (i, vec![])).collect()).unwrap_or_default()
    }
}

fn hash(v: &Value) -> String {
    hex::encode(&Sha256::digest(v.to_string().as_bytes())[..16])
}

fn work_topics(w: &Listed) -> Vec<&'static str> {
    let mut t = vec!["lucrari"];
    let kind = w.field("kind").as_str().unwrap_or("");
    if kind == "restrictie_trafic" || w.field("restriction").as_str().is_some_and(|r| r != "fara_restrictie") {
        t.push("trafic");
    }
    let title = w.title.to_lowercase();
    if kind == "avarie" || ["apă", "apa ", "termic", "căldur", "termoficare"].iter().any(|k| title.contains(k)) {
        t.push("utilitati");
    }
    t
}

fn date_of(v: &Value) -> Option<Date> {
    civic_contract::day_of(v.as_str()?)
}

/// The label group (`labels.yaml`) of the `status` of a city-wide type whose status changes are
/// events: a decision suspended or repealed, a tender awarded or cancelled, a contest's stages.
fn status_labels(kind: &str) -> Option<&'static str> {
    match kind {
        "council_decision" => Some("status"),
        "tender" => Some("tender_status"),
        "job_contest" => Some("contest_status"),
        "draft_decision" => Some("draft_status"),
        "council_session" => Some("session_status"),
        _ => None,
    }
}

/// "Before → after" in the theme's words (the raw values if the theme has none).
fn status_change(env: &minijinja::Environment, group: &str, from: &str, to: &str) -> String {
    env.render_str("{{ label(g, a) }} → {{ label(g, b) }}", minijinja::context! { g => group, a => from, b => to })
        .unwrap_or_else(|_| format!("{from} → {to}"))
}

/// Compares the published items with what was seen; returns the events and the new snapshot.
fn derive(
    site: &FsPath,
    conn: &Connection,
    today: Date,
    env: &minijinja::Environment,
) -> rusqlite::Result<(Vec<Event>, Vec<Seen>)> {
    let seen = store::seen(conn)?;
    let mut events = vec![];
    let mut snapshot = vec![];
    let published: Vec<(&'static str, &[&'static str], Published)> =
        SOURCES.into_iter().map(|(kind, fixed)| (kind, fixed, read(site, kind))).collect();
    let links = Links::new(
        published
            .iter()
            .filter(|(k, ..)| *k == "council_decision")
            .flat_map(|(.., items)| items.iter().map(|(i, _)| i)),
    );
    for (kind, fixed, items) in &published {
        let kind: &'static str = kind;
        // The first dispatch for a type only records a baseline: everything would be "new".
        let baseline = !seen.keys().any(|(t, _)| t == kind);
        for (it, districts) in items {
            let id = it.id.as_str();
            let work = kind == "public_work";
            let f = |name| it.field(name);
            // The hash of what area alerts care about (stored: its form must not change).
            let relevant = if work {
                json!([it.title, f("period"), f("status"), f("geometry"), f("restriction"), f("streets")])
            } else if kind == "recurring_service" {
                json!([it.title, f("zones"), f("schedules"), f("updated_at")])
            } else {
                json!([it.title])
            };
            let h = hash(&relevant);
            let status = f("status").as_str().unwrap_or("").to_owned();
            let fields = changes::watched(kind, it, &links);
            let topics = if work { work_topics(it) } else { fixed.to_vec() };
            let geometry = if work {
                Some(f("geometry").clone())
            } else if kind == "recurring_service" {
                let zones: Vec<Value> = f("zones")
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|z| z["geometry"].clone())
                    .filter(|g| g.is_object())
                    .collect();
                (!zones.is_empty()).then(|| json!({"type": "GeometryCollection", "geometries": zones}))
            } else {
                None
            };
            let event = |key: String, what: &'static str, detail: String, url: Option<String>| Event {
                key,
                source: kind,
                topics: topics.clone(),
                item: id.to_owned(),
                kind: what,
                title: it.title.clone(),
                url: url.or_else(|| it.url.clone()).unwrap_or_default(),
                detail,
                districts: districts.clone(),
                geometry: geometry.clone(),
            };
            let period =
                |it: &Listed| match (date_of(&it.field("period")["start"]), date_of(&it.field("period")["end"])) {
                    (Some(a), Some(b)) => format!("{a} – {b}"),
                    (Some(a), None) => format!("din {a}"),
                    _ => String::new(),
                };
            match seen.get(&(kind.to_owned(), id.to_owned())) {
                None if !baseline => events.push(event(format!("nou:{kind}:{id}"), "nou", period(it), None)),
                Some(old) => {
                    // (key, sentence, page) of each change of this item; one event says them all.
                    let mut said: Vec<(String, String, Option<String>)> = vec![];
                    let mut cancelled = false;
                    if old.hash != h {
                        if status == "anulat" && old.status != "anulat" {
                            cancelled = true;
                            said.push((format!("anulat:{kind}:{id}"), String::new(), None));
                        } else {
                            said.push((format!("modificat:{kind}:{id}:{h}"), period(it), None));
                        }
                    } else if old.status != status
                        && !old.status.is_empty()
                        && let Some(group) = status_labels(kind)
                    {
                        let detail = status_change(env, group, &old.status, &status);
                        said.push((format!("stare:{kind}:{id}:{status}"), detail, None));
                    }
                    let before: Value = serde_json::from_str(&old.fields).unwrap_or_else(|_| json!({}));
                    for c in changes::between(&before, &fields, env) {
                        said.push((format!("schimbare:{kind}:{id}:{}", c.key), c.detail, c.url));
                    }
                    if let Some(e) = one_event(&format!("{kind}:{id}"), said, cancelled, &event) {
                        events.push(e);
                    }
                }
                _ => {}
            }
            if work && status == "planificat" && date_of(&f("period")["start"]) == Some(today.saturating_add(1.day())) {
                events.push(event(format!("incepe_maine:{kind}:{id}:{today}"), "incepe_maine", period(it), None));
            }
            let fields = fields.to_string();
            snapshot.push((kind, id.to_owned(), store::Seen { hash: h, status, fields }));
        }
    }
    Ok((events, snapshot))
}

/// One event for all the changes of an item (`type:id`) seen by one dispatch: its key the
/// change's (or, for several, derived from all of theirs), its sentences joined, its page the first change's
/// own (the adopting decision) or the item's.
fn one_event(
    item: &str,
    said: Vec<(String, String, Option<String>)>,
    cancelled: bool,
    event: &dyn Fn(String, &'static str, String, Option<String>) -> Event,
) -> Option<Event> {
    let kind = if cancelled { "anulat" } else { "modificat" };
    match said.len() {
        0 => None,
        1 => {
            let (key, detail, url) = said.into_iter().next()?;
            Some(event(key, kind, detail, url))
        }
        _ => {
            let keys: Vec<&str> = said.iter().map(|(k, ..)| k.as_str()).collect();
            let key = format!("schimbari:{item}:{}", hash(&json!(keys)));
            let detail: Vec<&str> = said.iter().map(|(_, d, _)| d.as_str()).filter(|d| !d.is_empty()).collect();
            let url = said.iter().find_map(|(.., u)| u.clone());
            Some(event(key, kind, detail.join("; "), url))
        }
    }
}

/// A confirmed subscription, as dispatch needs it.
struct Sub {
    id: i64,
    email: String,
    topics: Vec<String>,
    frequency: String,
    districts: Vec<String>,
    token_sha256: Vec<u8>,
    /// What a follow follows (none for an area alert).
    follows: Option<Follows>,
}

/// What a follow follows: one item, or one list page.
enum Follows {
    Item { kind: String, id: String, title: String },
    List { url: String, title: String },
}

impl Follows {
    fn of(area: &Value) -> Option<Follows> {
        let title = area["title"].as_str().unwrap_or_default().to_owned();
        if let (Some(kind), Some(id)) = (area["follow"]["type"].as_str(), area["follow"]["id"].as_str()) {
            return Some(Follows::Item { kind: kind.into(), id: id.into(), title });
        }
        area["list"].as_str().map(|url| Follows::List { url: url.into(), title })
    }

    fn title(&self) -> &str {
        match self {
            Follows::Item { title, .. } | Follows::List { title, .. } => title,
        }
    }

    /// Whether an event of the item `id` of type `kind` concerns this follow.
    fn concerns(&self, kind: &str, id: &str, lists: &HashMap<String, ListPage>) -> bool {
        match self {
            Follows::Item { kind: k, id: i, .. } => k == kind && i == id,
            Follows::List { url, .. } => lists.get(url).is_some_and(|l| l.holds(kind, id)),
        }
    }
}

/// How soon a frequency mails: an event concerning several subscriptions of one address goes
/// to the soonest.
fn soonest(frequency: &str) -> u8 {
    match frequency {
        "imediat" => 0,
        "zilnic" => 1,
        _ => 2,
    }
}

fn load_subscriptions(conn: &Connection) -> rusqlite::Result<(Vec<Sub>, Vec<Option<Area>>)> {
    let mut subs = vec![];
    let mut areas = vec![];
    for store::Subscription { id, email, area, topics, frequency, token_sha256, .. } in store::confirmed(conn)? {
        let area: Value = serde_json::from_str(&area).unwrap_or(Value::Null);
        let follows = Follows::of(&area);
        let districts: Vec<String> =
            area["districts"].as_array().into_iter().flatten().filter_map(|d| d.as_str().map(str::to_owned)).collect();
        // Districts are matched by id (see `Matcher`); only a radius or a drawn polygon is a shape.
        let shape = if let Some(p) = area["point"].as_array() {
            let (Some(x), Some(y)) = (p.first().and_then(Value::as_f64), p.get(1).and_then(Value::as_f64)) else {
                continue;
            };
            Some(Area::Circle(geo::Point::new(x, y), area["radius_m"].as_f64().unwrap_or(0.0)))
        } else if area["polygon"].is_array() {
            let poly = polygons(&json!({"type": "Polygon", "coordinates": [area["polygon"]]}));
            Some(Area::Shape(geo::MultiPolygon::new(poly)))
        } else {
            None
        };
        subs.push(Sub {
            id,
            email,
            topics: topics.split(',').map(str::to_owned).collect(),
            frequency,
            districts,
            token_sha256,
            follows,
        });
        areas.push(shape);
    }
    Ok((subs, areas))
}

/// Runs one dispatch at `now`: derive events, match, queue immediate mails and the digests of
/// the windows closed by `now`. Idempotent.
pub async fn dispatch(app: &App, now: Timestamp) -> anyhow::Result<Report> {
    let site = app.config.site.clone();
    let published = app.published();
    let base = app.config.public_url.clone();
    let report = app
        .db
        .write(move |c| -> Result<Report, ApiError> {
            let local = now.to_zoned_datetime(civic_workdays::bucharest());
            let today = local.date();
            let (events, snapshot) = derive(&site, c, today, &published.env)?;
            let created = stamp(now);
            let mut report = Report::default();
            let mut new_events = vec![];
            for e in &events {
                let stored = store::NewEvent {
                    key: &e.key,
                    topics: &e.topics.join(","),
                    item: &e.item,
                    kind: e.kind,
                    title: &e.title,
                    url: &e.url,
                    detail: &e.detail,
                    districts: &e.districts.join(","),
                    geometry: e.geometry.as_ref().map(|g| g.to_string()),
                };
                if let Some(id) = store::add_event(c, &stored, &created)? {
                    new_events.push((id, e));
                }
            }
            for (t, i, seen) in &snapshot {
                store::see(c, t, i, seen)?;
            }
            report.events = new_events.len();
            let district_shapes: HashMap<String, Vec<geo::Polygon<f64>>> = read(&site, "district")
                .into_iter()
                .map(|(d, _)| {
                    let shape = polygons(d.field("geometry"));
                    (d.id, shape)
                })
                .collect();
            let (subs, areas) = load_subscriptions(c)?;
            let chosen: Vec<Vec<String>> = subs.iter().map(|s| s.districts.clone()).collect();
            let matcher = Matcher::new(areas, &chosen, &district_shapes);
            // An event with a place concerns the areas it touches (a work's own district list,
            // the generator's, counts as well as its geometry); one without, every subscription.
            let places: Vec<Option<Option<geo::Geometry<f64>>>> =
                new_events.iter().map(|(_, e)| e.geometry.as_ref().map(from_geojson)).collect();
            let placed: Vec<(Option<&geo::Geometry<f64>>, &[String])> = new_events
                .iter()
                .zip(&places)
                .filter_map(|((_, e), g)| Some((g.as_ref()?.as_ref(), e.districts.as_slice())))
                .collect();
            let mut concerned = matcher.match_all(&placed).into_iter();
            let everyone: Vec<u32> = (0..subs.len() as u32).collect();
            let followers: Vec<u32> =
                everyone.iter().copied().filter(|i| subs[*i as usize].follows.is_some()).collect();
            let lists: HashMap<String, ListPage> = if followers.is_empty() {
                HashMap::new()
            } else {
                let file: Option<ListPagesFile> =
                    std::fs::read(site.join(files::LIST_PAGES)).ok().and_then(|b| serde_json::from_slice(&b).ok());
                file.unwrap_or_default().lists.into_iter().map(|l| (l.url.clone(), l)).collect()
            };
            // Who each event concerns: area alerts with one of its topics, and the follows of
            // the item or of a list it is on.
            let mut concerns: Vec<(bool, usize, &Sub)> = vec![];
            for (n, ((_, e), place)) in new_events.iter().zip(&places).enumerate() {
                let near = match place {
                    None => everyone.clone(),
                    Some(_) => concerned.next().unwrap_or_default(),
                };
                let areas = near
                    .into_iter()
                    .map(|i| &subs[i as usize])
                    .filter(|s| s.follows.is_none() && e.topics.iter().any(|t| s.topics.iter().any(|x| x == t)));
                let follows = followers
                    .iter()
                    .map(|i| &subs[*i as usize])
                    .filter(|s| s.follows.as_ref().is_some_and(|f| f.concerns(e.source, &e.item, &lists)));
                concerns.extend(areas.map(|s| (false, n, s)).chain(follows.map(|s| (true, n, s))));
            }
            // One mail per address for each event, and for each page only about one item:
            // follows first (the followed draft's "Adoptat ca HCL …" rather than an area alert's
            // "Nou: HCL …" about the same decision), then the subscription mailing soonest.
            concerns.sort_by_key(|(follow, n, s)| (!follow, *n, soonest(&s.frequency), s.id));
            let mut told: HashSet<(&str, &str)> = HashSet::new();
            let mut pages: HashMap<(&str, &str), &str> = HashMap::new();
            for (_, n, s) in concerns {
                let (event_id, e) = &new_events[n];
                let page = *pages.entry((&s.email, &e.url)).or_insert(&e.item);
                if !told.insert((&s.email, &e.key)) || (page != e.item && !e.url.is_empty()) {
                    continue;
                }
                if store::add_match(c, s.id, *event_id)? && s.frequency == "imediat" {
                    let items = vec![item_ctx(e.kind, &e.title, &e.url, &e.detail, &base)];
                    let m =
                        alert_mail(&published, s, &base, "alert_event", json!({"items": items, "event": items[0]}))?;
                    enqueue(c, &m, s, &base, &created)?;
                    report.immediate += 1;
                }
            }
            // Digests: the window that closed last (yesterday; last ISO week) for each subscriber.
            let day_start = today;
            let week_start = today.saturating_sub((today.weekday().to_monday_zero_offset() as i64).days());
            for s in subs.iter().filter(|s| s.frequency != "imediat") {
                let (from, to, period) = if s.frequency == "zilnic" {
                    (day_start.saturating_sub(1.day()), day_start, format!("zi:{}", day_start.saturating_sub(1.day())))
                } else {
                    (
                        week_start.saturating_sub(7.days()),
                        week_start,
                        format!("saptamana:{}", week_start.saturating_sub(7.days())),
                    )
                };
                let bound = |d: Date| -> Result<String, ApiError> {
                    Ok(stamp(d.to_zoned_datetime(civic_workdays::bucharest()).map_err(ApiError::internal)?.timestamp()))
                };
                if store::digest_sent(c, s.id, &period)? {
                    continue;
                }
                let rows = store::matched_between(c, s.id, &bound(from)?, &bound(to)?)?;
                if rows.is_empty() {
                    continue; // never an empty digest
                }
                // Grouped by item, newest first: an item's changes under its latest title.
                let mut groups: Vec<(String, Value)> = vec![];
                for store::ShownEvent { kind, title, url, detail, item, .. } in rows {
                    let ev = item_ctx(&kind, &title, &url, &detail, &base);
                    match groups.iter_mut().find(|(i, _)| *i == item) {
                        Some((_, g)) => g["changes"].as_array_mut().expect("changes").push(ev),
                        None => groups.push((item, json!({"title": title, "url": ev["url"], "changes": [ev]}))),
                    }
                }
                let window = if s.frequency == "zilnic" {
                    format!("{from}")
                } else {
                    format!("{from} – {}", to.saturating_sub(1.day()))
                };
                let groups: Vec<Value> = groups.into_iter().map(|(_, g)| g).collect();
                let m = alert_mail(
                    &published,
                    s,
                    &base,
                    "alert_digest",
                    json!({"groups": groups, "window": window, "weekly": s.frequency == "saptamanal"}),
                )?;
                store::record_digest(c, s.id, &period)?;
                enqueue(c, &m, s, &base, &created)?;
                report.digests += 1;
            }
            Ok(report)
        })
        .await
        .map_err(|e| anyhow::anyhow!(e.error))?;
    if report.immediate + report.digests > 0 {
        app.mail_queued.notify_one();
    }
    Ok(report)
}

pub(super) fn kind_label(kind: &str) -> &'static str {
    match kind {
        "nou" => "Nou",
        "modificat" => "Modificat",
        "anulat" => "Anulat",
        _ => "Începe mâine",
    }
}

fn item_ctx(kind: &str, title: &str, url: &str, detail: &str, base: &str) -> Value {
    let url = if url.starts_with('/') { format!("{base}{url}") } else { url.to_owned() };
    json!({"kind": kind, "label": kind_label(kind), "title": title, "url": url, "detail": detail})
}

fn alert_mail(
    published: &crate::published::Published,
    s: &Sub,
    base: &str,
    template: &str,
    mut ctx: Value,
) -> Result<mail::Mail, ApiError> {
    let key = link_key(&s.token_sha256);
    ctx["follows"] = s.follows.as_ref().map(Follows::title).into();
    ctx["manage_url"] = format!("{base}/api/alerte/gestionare?token={key}").into();
    ctx["unsubscribe_url"] = format!("{base}/api/alerte/dezabonare?token={key}").into();
    mail::compose(published, template, &s.email, ctx)
}

fn enqueue(c: &Connection, m: &mail::Mail, s: &Sub, base: &str, now: &str) -> rusqlite::Result<()> {
    let key = link_key(&s.token_sha256);
    let headers = json!({
        "List-Unsubscribe": format!("<{base}/api/alerte/dezabonare?token={key}>"),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    mail::enqueue_with_headers(c, m, now, &headers)
}
