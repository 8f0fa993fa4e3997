//! List pages: per type, per filter value (year, status, category …), paginated; the home page,
//! the Monitorul Oficial Local and the 404 page. All reachable by plain links, no JavaScript.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use civic_contract::{ListFilter, ListPage, ListPagesFile};
use minijinja::value::{Serde, Value as JValue};
use rayon::prelude::*;
use serde_json::json;

use super::context::{self, summary};
use super::emit::fingerprint;
use super::places::{self, Places};
use super::render::Render;
use super::{PageJob, Site};
use crate::diagnostics::Diagnostic;
use crate::load::Item;
use crate::model::catalogue::MolSection;
use crate::model::decisions::{DraftStatus, LegalCharacter, SessionStatus};
use crate::model::procurement::TenderStatus;
use crate::model::urls;
use crate::model::{Data, Kind};

/// A list filter: its URL segment, its label group and how to read an item's value.
struct Filter<'p> {
    segment: &'static str,
    group: &'static str,
    values: Values<'p>,
}

/// An item's values for one filter (may borrow what the build worked out, such as districts).
type Values<'p> = Box<dyn Fn(&Item) -> Vec<String> + 'p>;

fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn year(item: &Item) -> Vec<String> {
    vec![context::main_date(item).year().to_string()]
}

fn category(item: &Item) -> Vec<String> {
    item.data.envelope().category.iter().cloned().collect()
}

fn tags(item: &Item) -> Vec<String> {
    item.data.envelope().tags.clone()
}

fn status(item: &Item) -> Vec<String> {
    context::status(item).map(|(_, s)| s).into_iter().collect()
}

fn filters<'p>(kind: Kind, now: jiff::civil::Date, places: &'p Places) -> Vec<Filter<'p>> {
    fn f<'p>(segment: &'static str, group: &'static str, values: impl Fn(&Item) -> Vec<String> + 'p) -> Filter<'p> {
        Filter { segment, group, values: Box::new(values) }
    }
    match kind {
        Kind::CouncilDecision => vec![
            f("an", "year", year),
            f("stare", "status", status),
            f("categorie", "category", category),
            f("caracter", "legal_character", |i| match &*i.data {
                Data::CouncilDecision(d) => vec![enum_name(&d.legal_character)],
                _ => vec![],
            }),
            f("initiator", "initiator", |i| match &*i.data {
                Data::CouncilDecision(d) => vec![d.initiator.clone()],
                _ => vec![],
            }),
            f("eticheta", "tag", tags),
        ],
        Kind::MayorDisposition => vec![
            f("an", "year", year),
            f("caracter", "legal_character", |i| match &*i.data {
                Data::MayorDisposition(d) => vec![enum_name(&d.legal_character)],
                _ => vec![],
            }),
        ],
        Kind::DraftDecision => vec![f("stare", "draft_status", status), f("an", "year", year)],
        Kind::CouncilSession => vec![f("an", "year", year)],
        Kind::Tender => vec![
            f("stare", "tender_status", status),
            f("categorie", "procurement_category", |i| match &*i.data {
                Data::Tender(t) => vec![enum_name(&t.procurement_category)],
                _ => vec![],
            }),
        ],
        Kind::DirectPurchase => vec![f("an", "year", year)],
        Kind::JobContest => vec![f("stare", "contest_status", status)],
        Kind::Service => vec![
            f("categorie", "category", category),
            f("pentru", "audience", |i| match &*i.data {
                Data::Service(s) => s.audience.iter().map(enum_name).collect(),
                _ => vec![],
            }),
        ],
        Kind::Form => vec![f("tip", "form_kind", |i| match &*i.data {
            Data::Form(x) => vec![enum_name(&x.kind)],
            _ => vec![],
        })],
        Kind::News => vec![f("categorie", "category", category), f("an", "year", year), f("eticheta", "tag", tags)],
        Kind::PublicWork => {
            let w = |i: &Item| match &*i.data {
                Data::PublicWork(w) => Some(w.clone()),
                _ => None,
            };
            vec![
                f("perioada", "work_period", move |i| w(i).map(|w| places::period_values(&w, now)).unwrap_or_default()),
                f("cartier", "district", move |i| places.district_titles(i.id())),
                f("tip", "work_kind", move |i| w(i).map(|w| vec![enum_name(&w.kind)]).unwrap_or_default()),
                f("restrictie", "restriction", move |i| {
                    w(i).map(|w| vec![enum_name(&w.restriction)]).unwrap_or_default()
                }),
                f("stare", "work_status", status),
            ]
        }
        Kind::RecurringService | Kind::District => vec![],
        Kind::ArchiveUnit => vec![
            f("fond", "fonds", |i| match &*i.data {
                Data::ArchiveUnit(u) => vec![u.fonds.clone()],
                _ => vec![],
            }),
            f("serie", "series", |i| match &*i.data {
                Data::ArchiveUnit(u) => super::archive::series_value(u).into_iter().collect(),
                _ => vec![],
            }),
            f("perioada", "period", |i| match &*i.data {
                Data::ArchiveUnit(u) => super::archive::decades(u),
                _ => vec![],
            }),
        ],
        Kind::Page => vec![],
    }
}

/// Newest first for dated records; by number within a year for acts; by title for services.
fn sort(kind: Kind, items: &mut [&Item]) {
    match kind {
        Kind::Service | Kind::Form | Kind::District | Kind::RecurringService => {
            items.sort_by(|a, b| a.data.envelope().title.cmp(&b.data.envelope().title))
        }
        Kind::ArchiveUnit => items.sort_by_key(|i| match &*i.data {
            Data::ArchiveUnit(u) => (u.date_range.start.clone(), u.reference_code.clone()),
            _ => unreachable!("sorted per kind"),
        }),
        Kind::CouncilSession => items.sort_by_key(|i| match &*i.data {
            Data::CouncilSession(s) => std::cmp::Reverse(s.starts_at),
            _ => unreachable!("sorted per kind"),
        }),
        _ => items.sort_by(|a, b| {
            let key = |i: &Item| {
                let n = match &*i.data {
                    Data::CouncilDecision(d) => d.number,
                    Data::MayorDisposition(d) => d.number,
                    _ => 0,
                };
                (context::main_date(i).year(), n, context::main_date(i), i.data.envelope().published_at)
            };
            key(b).cmp(&key(a)).then_with(|| a.id().cmp(b.id()))
        }),
    }
}

/// Fields lists never show; leaving them out keeps every list row small in memory.
const NOT_IN_LISTS: [&str; 24] = [
    "fields",
    "privacy_notice",
    "legal_basis",
    "recitals",
    "attachments",
    "related",
    "status_history",
    "bibliography",
    "topics",
    "dossier_documents",
    "general_conditions",
    "specific_conditions",
    "agenda",
    "awards",
    "contracts",
    "cpv",
    "results",
    "notices",
    "documents_required",
    "vote",
    "signed_by",
    "countersigned_by",
    "source",
    "geometry",
];

/// An item as a list row sees it.
fn list_entry(item: &Item, now: jiff::civil::Date) -> serde_json::Value {
    let mut s = summary(item, now);
    if let Some(o) = s.as_object_mut() {
        for key in NOT_IN_LISTS {
            o.remove(key);
        }
    }
    s
}

/// An item's list row: what the list row sees of it, and `row_html`, the row rendered once by
/// `partials/row.html` (an item is on ten list pages or more; each shows the same row).
fn row(r: &Render, item: &Item) -> Result<JValue, Diagnostic> {
    let mut entry = list_entry(item, r.site.now);
    let html = r.render(ROW_TEMPLATE, minijinja::context! { i => Serde(&entry) })?;
    entry["row_html"] = html.into();
    Ok(JValue::from(Serde(entry)))
}

/// The template of one list row (`partials/rows.html` puts the rendered rows together).
const ROW_TEMPLATE: &str = "partials/row.html";

/// Every list-like page of the site, and the lists one can follow by e-mail with their items.
/// `rows` keeps each item's list row between rebuilds, keyed by the item's and the build's
/// fingerprints, so an edit recomputes one row rather than all of them.
pub fn pages<'a>(r: &Render<'a>, rows: &'a mut Rows) -> Result<(Vec<PageJob<'a>>, ListPagesFile), Vec<Diagnostic>> {
    let (site, places) = (r.site, &r.places);
    let page_size = site.config.page_size;
    // Converted once to template values; list pages share them instead of copying.
    let fresh: Vec<(String, u64, JValue)> = site
        .items
        .par_iter()
        .map(|i| {
            let fp = super::emit::fingerprint(&(r.global_fp, i.hash));
            let row = match rows.get(i.id()) {
                Some((old, row)) if *old == fp => row.clone(),
                _ => row(r, i)?,
            };
            Ok((i.id().to_owned(), fp, row))
        })
        .collect::<Result<_, Diagnostic>>()
        .map_err(|e| vec![e])?;
    rows.clear();
    rows.extend(fresh.into_iter().map(|(id, fp, row)| (id, (fp, row))));
    let summaries: &'a Rows = rows;
    let mut jobs = Vec::new();
    let mut followable = ListPagesFile::default();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Page) {
        let mut items: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
        sort(kind, &mut items);
        let base = urls::section_url(kind);
        let mut filter_blocks = Vec::new();
        let mut filtered: Vec<(String, serde_json::Value, Vec<&Item>)> = Vec::new();
        for f in filters(kind, site.now, places) {
            let mut groups: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
            for i in &items {
                for v in (f.values)(i) {
                    groups.entry(v).or_default().push(i);
                }
            }
            let mut options = Vec::new();
            let ordered: Vec<(String, Vec<&Item>)> =
                if f.segment == "an" { groups.into_iter().rev().collect() } else { groups.into_iter().collect() };
            for (value, members) in ordered {
                let url = urls::filter_url(kind, f.segment, &value);
                let option = json!({"value": value, "url": url, "count": members.len()});
                options.push(option.clone());
                followable.lists.push(ListPage {
                    url: url.clone(),
                    kind: kind.name().into(),
                    filter: Some(ListFilter { group: f.group.into(), value: value.clone() }),
                    items: Some(members.iter().map(|i| i.id().to_owned()).collect()),
                });
                filtered.push((url.clone(), json!({"group": f.group, "value": value, "url": url}), members));
            }
            filter_blocks.push(json!({"group": f.group, "segment": f.segment, "options": options}));
        }
        followable.lists.push(ListPage { url: base.clone(), kind: kind.name().into(), filter: None, items: None });
        let section_json = json!({
            "kind": kind.name(),
            "url": base,
            "feed": urls::feed_url(&base),
            "data": urls::data_url(kind, "json"),
            "csv": matches!(kind, Kind::CouncilDecision | Kind::MayorDisposition).then(|| urls::data_url(kind, "csv")),
            "filters": filter_blocks,
            "total": items.len(),
        });
        let section_fp = fingerprint(&section_json.to_string());
        let section = JValue::from(Serde(section_json));
        let list = List { section, section_fp, summaries, page_size };
        list.paginate(&mut jobs, &base, &items, serde_json::Value::Null);
        for (url, active, members) in filtered {
            list.paginate(&mut jobs, &url, &members, active);
        }
    }
    jobs.push(home(site, summaries));
    jobs.push(super::archive::fonds_page(site));
    let sections: Vec<serde_json::Value> = Kind::ALL
        .into_iter()
        .filter(|k| *k != Kind::Page)
        .map(|k| json!({"kind": k.name(), "url": urls::section_url(k)}))
        .collect();
    jobs.push(PageJob {
        fingerprint: 0,
        url: urls::SEARCH.into(),
        template: "search.html",
        // The archive's scanned pages are searched (through the API) only on a site with an open unit.
        context: Context::Ready(minijinja::context! {
            page => Serde(json!({"url": urls::SEARCH, "title": "Căutare"})),
            sections => Serde(sections),
            archive => !super::archive::searchable_units(site).is_empty(),
        }),
    });
    jobs.extend(mol(site, summaries));
    jobs.push(PageJob {
        fingerprint: 0,
        url: "/404.html".into(),
        template: "404.html",
        context: Context::Ready(
            minijinja::context! { page => Serde(json!({"url": "/404.html", "title": "Pagina nu a fost găsită"})) },
        ),
    });
    Ok((jobs, followable))
}

/// Each item's list row with the fingerprint it was made for, by id.
pub type Rows = HashMap<String, (u64, JValue)>;

/// A page's template context, or what to make it from: list pages, the many, are made only
/// when their fingerprint changed.
pub enum Context<'a> {
    Ready(JValue),
    List {
        page: serde_json::Value,
        section: JValue,
        active: JValue,
        items: Vec<&'a Item>,
        rows: &'a Rows,
        /// The list's filters, rendered by the first of its pages to be made (every page of a list
        /// shows the same), given to the page as `filters_html`.
        filters: Arc<OnceLock<Result<String, Diagnostic>>>,
    },
}

/// The template of a list's filters (`list.html` shows them beside every page of the list).
const FILTERS_TEMPLATE: &str = "partials/filters.html";

impl Context<'_> {
    pub fn value(&self, r: &Render) -> Result<JValue, Diagnostic> {
        Ok(match self {
            Context::Ready(v) => v.clone(),
            Context::List { page, section, active, items, rows, filters } => {
                let filters = filters.get_or_init(|| {
                    r.render(
                        FILTERS_TEMPLATE,
                        minijinja::context! { section => section.clone(), active => active.clone() },
                    )
                });
                minijinja::context! {
                    page => Serde(page),
                    section => section.clone(),
                    active => active.clone(),
                    filters_html => filters.clone()?,
                    items => items.iter().map(|i| rows[i.id()].1.clone()).collect::<Vec<_>>(),
                }
            }
        })
    }
}

/// What every list page of one section shares.
struct List<'a> {
    section: JValue,
    section_fp: u64,
    summaries: &'a Rows,
    page_size: usize,
}

impl<'a> List<'a> {
    /// The pages of one list (a section, or one filter value of it).
    fn paginate(&self, jobs: &mut Vec<PageJob<'a>>, base: &str, items: &[&'a Item], active: serde_json::Value) {
        let total_pages = items.len().div_ceil(self.page_size).max(1);
        let active_fp = fingerprint(&active.to_string());
        let active = JValue::from(Serde(active));
        let filters = Arc::new(OnceLock::new());
        for n in 1..=total_pages {
            let chunk: Vec<&'a Item> =
                items.iter().skip((n - 1) * self.page_size).take(self.page_size).copied().collect();
            let url = urls::page_url(base, n);
            jobs.push(PageJob {
                fingerprint: fingerprint(&(n, total_pages, self.section_fp, active_fp, hashes(&chunk))),
                context: Context::List {
                    page: json!({"url": url, "number": n, "total_pages": total_pages,
                              "prev": (n > 1).then(|| urls::page_url(base, n - 1)),
                              "next": (n < total_pages).then(|| urls::page_url(base, n + 1)),
                              "base": base}),
                    section: self.section.clone(),
                    active: active.clone(),
                    items: chunk,
                    rows: self.summaries,
                    filters: filters.clone(),
                },
                url,
                template: "list.html",
            });
        }
    }
}

/// The items' hashes: what a page made from them depends on.
fn hashes(items: &[&Item]) -> Vec<u64> {
    items.iter().map(|i| i.hash).collect()
}

fn home<'a>(site: &'a Site, summaries: &Rows) -> PageJob<'a> {
    let of = |kind: Kind| -> Vec<&Item> {
        let mut v: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
        sort(kind, &mut v);
        v
    };
    let s = |items: Vec<&Item>| -> Vec<JValue> { items.into_iter().map(|i| summaries[i.id()].1.clone()).collect() };
    let consultations: Vec<&Item> = of(Kind::DraftDecision)
        .into_iter()
        .filter(|i| matches!(&*i.data, Data::DraftDecision(d) if d.status == DraftStatus::InConsultare && d.consultation.comments_deadline.civil() >= site.now))
        .collect();
    let mut sessions: Vec<&Item> = of(Kind::CouncilSession)
        .into_iter()
        .filter(|i| matches!(&*i.data, Data::CouncilSession(s) if s.status == SessionStatus::Convocata && context::local_date(s.starts_at.timestamp()) >= site.now))
        .collect();
    sessions.reverse();
    let contests: Vec<&Item> =
        of(Kind::JobContest).into_iter().filter(|i| context::days_left(i, site.now).is_some()).collect();
    let tenders: Vec<&Item> = of(Kind::Tender)
        .into_iter()
        .filter(|i| {
            matches!(&*i.data, Data::Tender(t) if t.status == TenderStatus::Active)
                && context::days_left(i, site.now).is_some()
        })
        .collect();
    let news: Vec<&Item> = of(Kind::News)
        .into_iter()
        .filter(|i| !matches!(&*i.data, Data::News(n) if n.expires_at.is_some_and(|e| context::local_date(e.timestamp()) < site.now)))
        .take(4)
        .collect();
    let decisions: Vec<&Item> = of(Kind::CouncilDecision).into_iter().take(5).collect();
    let tenders: Vec<&Item> = tenders.into_iter().take(5).collect();
    let next_session: Vec<&Item> = sessions.into_iter().take(1).collect();
    // For the "alerts for your district" block: every district, by name.
    let mut districts = of(Kind::District);
    districts.sort_by(|a, b| a.data.envelope().title.cmp(&b.data.envelope().title));
    PageJob {
        url: "/".into(),
        template: "home.html",
        fingerprint: fingerprint(
            &[&consultations, &next_session, &decisions, &contests, &tenders, &news, &districts].map(|v| hashes(v)),
        ),
        context: Context::Ready(minijinja::context! {
            page => Serde(json!({"url": "/", "title": site.config.city.institution})),
            next_session => next_session.first().map(|i| summaries[i.id()].1.clone()),
            consultations => s(consultations),
            decisions => s(decisions),
            contests => s(contests),
            tenders => s(tenders),
            news => s(news),
            districts => Serde(districts.into_iter().map(context::reference).collect::<Vec<_>>()),
        }),
    }
}

/// The Monitorul Oficial Local: six sub-sections built from the same content.
fn mol<'a>(site: &'a Site, summaries: &Rows) -> Vec<PageJob<'a>> {
    let base = urls::OFFICIAL_GAZETTE;
    let sections = [
        (MolSection::Statut, "statut"),
        (MolSection::Regulamente, "regulamente"),
        (MolSection::Hotarari, "hotarari"),
        (MolSection::Dispozitii, "dispozitii"),
        (MolSection::Financiare, "financiare"),
        (MolSection::AlteDocumente, "alte-documente"),
    ];
    let of = |keep: &dyn Fn(&Item) -> bool, kind: Option<Kind>| -> Vec<&Item> {
        let mut v: Vec<&Item> = site.items.iter().filter(|i| keep(i)).collect();
        if let Some(kind) = kind {
            sort(kind, &mut v);
        }
        v
    };
    let rows = |items: &[&Item]| -> Vec<JValue> { items.iter().map(|i| summaries[i.id()].1.clone()).collect() };
    let overview = JValue::from(Serde(
        sections.iter().map(|(s, seg)| json!({"section": s, "url": format!("{base}{seg}/")})).collect::<Vec<_>>(),
    ));
    let page = |url: &str| JValue::from(Serde(json!({"url": url, "title": "Monitorul Oficial Local"})));
    let mut jobs = vec![PageJob {
        fingerprint: 0,
        url: base.into(),
        template: "mol.html",
        context: Context::Ready(
            minijinja::context! { page => page(base), sections => overview.clone(), section => () },
        ),
    }];
    for (section, seg) in sections {
        let url = format!("{base}{seg}/");
        let pages = of(&|i| matches!(&*i.data, Data::Page(p) if p.mol_section == Some(section)), None);
        // The registers of acts are split by year: one page per year, linked from the section.
        let register_kind = match section {
            MolSection::Hotarari => Some(Kind::CouncilDecision),
            MolSection::Dispozitii => Some(Kind::MayorDisposition),
            _ => None,
        };
        let mut years = Vec::new();
        if let Some(kind) = register_kind {
            let register = of(&|i| i.kind == kind, Some(kind));
            let mut by_year: BTreeMap<i16, Vec<&Item>> = BTreeMap::new();
            for i in register {
                by_year.entry(context::main_date(i).year()).or_default().push(i);
            }
            for (year, items) in by_year.into_iter().rev() {
                let year_url = format!("{url}{year}/");
                years.push(json!({"year": year, "url": year_url, "count": items.len()}));
                jobs.push(PageJob {
                    fingerprint: fingerprint(&(year, hashes(&items))),
                    context: Context::Ready(minijinja::context! {
                        page => page(&year_url), sections => overview.clone(), section => Serde(section),
                        content => minijinja::context! { register => rows(&items), year },
                    }),
                    url: year_url,
                    template: "mol.html",
                });
            }
        }
        let extra: Vec<&Item> = match section {
            MolSection::Hotarari => of(&|i| i.kind == Kind::DraftDecision, Some(Kind::DraftDecision)),
            MolSection::Dispozitii => of(
                &|i| matches!(&*i.data, Data::MayorDisposition(d) if d.legal_character == LegalCharacter::Normativ),
                Some(Kind::MayorDisposition),
            ),
            MolSection::AlteDocumente => of(&|i| i.kind == Kind::DraftDecision, Some(Kind::DraftDecision)),
            _ => Vec::new(),
        };
        let sessions: Vec<&Item> = if section == MolSection::AlteDocumente {
            of(&|i| i.kind == Kind::CouncilSession, Some(Kind::CouncilSession))
        } else {
            Vec::new()
        };
        let content = match section {
            MolSection::Hotarari => {
                minijinja::context! { pages => rows(&pages), years => Serde(&years), drafts => rows(&extra) }
            }
            MolSection::Dispozitii => {
                minijinja::context! { pages => rows(&pages), years => Serde(&years), normative => rows(&extra) }
            }
            MolSection::AlteDocumente => {
                minijinja::context! { pages => rows(&pages), drafts => rows(&extra), sessions => rows(&sessions) }
            }
            _ => minijinja::context! { pages => rows(&pages) },
        };
        jobs.push(PageJob {
            fingerprint: fingerprint(&(hashes(&pages), hashes(&extra), hashes(&sessions), years.iter().map(|y| y.to_string()).collect::<Vec<_>>())),
            url: url.clone(),
            template: "mol.html",
            context: Context::Ready(minijinja::context! { page => page(&url), sections => overview.clone(), section => Serde(section), content }),
        });
    }
    jobs
}
