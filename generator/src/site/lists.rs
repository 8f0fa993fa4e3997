//! List pages: per type, per filter value (year, status, category …), paginated; the home page,
//! the Monitorul Oficial Local and the 404 page. All reachable by plain links, no JavaScript.

use std::collections::BTreeMap;

use minijinja::value::{Serde, Value as JValue};
use rayon::prelude::*;
use serde_json::json;

use super::context::{self, summary};
use super::{PageJob, Site, urls};
use crate::load::Item;
use crate::model::catalogue::MolSection;
use crate::model::decisions::{DraftStatus, LegalCharacter, SessionStatus};
use crate::model::procurement::TenderStatus;
use crate::model::{Data, Kind};

/// A list filter: its URL segment, its label group and how to read an item's value.
struct Filter {
    segment: &'static str,
    group: &'static str,
    values: fn(&Item) -> Vec<String>,
}

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

fn filters(kind: Kind) -> Vec<Filter> {
    let f = |segment, group, values| Filter { segment, group, values };
    match kind {
        Kind::CouncilDecision => vec![
            f("an", "year", year),
            f("stare", "status", status),
            f("categorie", "category", category),
            f("caracter", "legal_character", |i| match &i.data {
                Data::CouncilDecision(d) => vec![enum_name(&d.legal_character)],
                _ => vec![],
            }),
            f("initiator", "initiator", |i| match &i.data {
                Data::CouncilDecision(d) => vec![d.initiator.clone()],
                _ => vec![],
            }),
            f("eticheta", "tag", tags),
        ],
        Kind::MayorDisposition => vec![
            f("an", "year", year),
            f("caracter", "legal_character", |i| match &i.data {
                Data::MayorDisposition(d) => vec![enum_name(&d.legal_character)],
                _ => vec![],
            }),
        ],
        Kind::DraftDecision => vec![f("stare", "draft_status", status), f("an", "year", year)],
        Kind::CouncilSession => vec![f("an", "year", year)],
        Kind::Tender => vec![
            f("stare", "tender_status", status),
            f("categorie", "procurement_category", |i| match &i.data {
                Data::Tender(t) => vec![enum_name(&t.procurement_category)],
                _ => vec![],
            }),
        ],
        Kind::DirectPurchase => vec![f("an", "year", year)],
        Kind::JobContest => vec![f("stare", "contest_status", status)],
        Kind::Service => vec![
            f("categorie", "category", category),
            f("pentru", "audience", |i| match &i.data {
                Data::Service(s) => s.audience.iter().map(enum_name).collect(),
                _ => vec![],
            }),
        ],
        Kind::News => vec![f("categorie", "category", category), f("an", "year", year), f("eticheta", "tag", tags)],
        Kind::Page => vec![],
    }
}

/// Newest first for dated records; by number within a year for acts; by title for services.
fn sort(kind: Kind, items: &mut [&Item]) {
    match kind {
        Kind::Service => items.sort_by(|a, b| a.data.envelope().title.cmp(&b.data.envelope().title)),
        Kind::CouncilSession => items.sort_by_key(|i| match &i.data {
            Data::CouncilSession(s) => std::cmp::Reverse(s.starts_at),
            _ => unreachable!("sorted per kind"),
        }),
        _ => items.sort_by(|a, b| {
            let key = |i: &Item| {
                let n = match &i.data {
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
const NOT_IN_LISTS: [&str; 22] = [
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

/// Every list-like page of the site.
pub fn pages(site: &Site) -> Vec<PageJob> {
    let page_size = site.config.page_size;
    // Converted once to template values; list pages share them instead of copying.
    let summaries: BTreeMap<&str, JValue> =
        site.items.par_iter().map(|i| (i.id(), JValue::from(Serde(list_entry(i, site.now))))).collect();
    let mut jobs = Vec::new();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Page) {
        let mut items: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
        sort(kind, &mut items);
        let base = urls::section_url(kind);
        let mut filter_blocks = Vec::new();
        let mut filtered: Vec<(String, JValue, Vec<&Item>)> = Vec::new();
        for f in filters(kind) {
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
                let url = format!("{base}{}/{}/", f.segment, urls::segment(&value));
                let option = json!({"value": value, "url": url, "count": members.len()});
                options.push(option.clone());
                filtered.push((url, JValue::from(Serde(json!({"group": f.group, "value": value}))), members));
            }
            filter_blocks.push(json!({"group": f.group, "segment": f.segment, "options": options}));
        }
        let section = JValue::from(Serde(json!({
            "kind": kind.name(),
            "url": base,
            "feed": format!("{base}feed.xml"),
            "data": format!("/data/{}.json", kind.name()),
            "csv": matches!(kind, Kind::CouncilDecision | Kind::MayorDisposition).then(|| format!("/data/{}.csv", kind.name())),
            "filters": filter_blocks,
            "total": items.len(),
        })));
        paginate(&mut jobs, &base, &items, page_size, &summaries, &section, JValue::from(()));
        for (url, active, members) in filtered {
            paginate(&mut jobs, &url, &members, page_size, &summaries, &section, active);
        }
    }
    jobs.push(home(site, &summaries));
    let sections: Vec<serde_json::Value> = Kind::ALL
        .into_iter()
        .filter(|k| *k != Kind::Page)
        .map(|k| json!({"kind": k.name(), "url": urls::section_url(k)}))
        .collect();
    jobs.push(PageJob {
        url: "/cautare/".into(),
        template: "search.html",
        context: minijinja::context! { page => Serde(json!({"url": "/cautare/", "title": "Căutare"})), sections => Serde(sections) },
    });
    jobs.extend(mol(site, &summaries));
    jobs.push(PageJob {
        url: "/404.html".into(),
        template: "404.html",
        context: minijinja::context! { page => Serde(json!({"url": "/404.html", "title": "Pagina nu a fost găsită"})) },
    });
    jobs
}

fn paginate(
    jobs: &mut Vec<PageJob>,
    base: &str,
    items: &[&Item],
    page_size: usize,
    summaries: &BTreeMap<&str, JValue>,
    section: &JValue,
    active: JValue,
) {
    let total_pages = items.len().div_ceil(page_size).max(1);
    for n in 1..=total_pages {
        let chunk: Vec<JValue> =
            items.iter().skip((n - 1) * page_size).take(page_size).map(|i| summaries[i.id()].clone()).collect();
        let url = urls::page_url(base, n);
        jobs.push(PageJob {
            url: url.clone(),
            template: "list.html",
            context: minijinja::context! {
                page => Serde(json!({"url": url, "number": n, "total_pages": total_pages,
                          "prev": (n > 1).then(|| urls::page_url(base, n - 1)),
                          "next": (n < total_pages).then(|| urls::page_url(base, n + 1)),
                          "base": base})),
                section => section.clone(),
                active => active.clone(),
                items => chunk,
            },
        });
    }
}

fn home(site: &Site, summaries: &BTreeMap<&str, JValue>) -> PageJob {
    let of = |kind: Kind| -> Vec<&Item> {
        let mut v: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
        sort(kind, &mut v);
        v
    };
    let s = |items: Vec<&Item>| -> Vec<JValue> { items.into_iter().map(|i| summaries[i.id()].clone()).collect() };
    let consultations: Vec<&Item> = of(Kind::DraftDecision)
        .into_iter()
        .filter(|i| matches!(&i.data, Data::DraftDecision(d) if d.status == DraftStatus::InConsultare && d.consultation.comments_deadline.civil() >= site.now))
        .collect();
    let mut sessions: Vec<&Item> = of(Kind::CouncilSession)
        .into_iter()
        .filter(|i| matches!(&i.data, Data::CouncilSession(s) if s.status == SessionStatus::Convocata && context::local_date(s.starts_at.timestamp()) >= site.now))
        .collect();
    sessions.reverse();
    let contests: Vec<&Item> =
        of(Kind::JobContest).into_iter().filter(|i| context::days_left(i, site.now).is_some()).collect();
    let tenders: Vec<&Item> = of(Kind::Tender)
        .into_iter()
        .filter(|i| {
            matches!(&i.data, Data::Tender(t) if t.status == TenderStatus::Active)
                && context::days_left(i, site.now).is_some()
        })
        .collect();
    let news: Vec<&Item> = of(Kind::News)
        .into_iter()
        .filter(|i| !matches!(&i.data, Data::News(n) if n.expires_at.is_some_and(|e| context::local_date(e.timestamp()) < site.now)))
        .take(4)
        .collect();
    PageJob {
        url: "/".into(),
        template: "home.html",
        context: minijinja::context! {
            page => Serde(json!({"url": "/", "title": site.config.city.institution})),
            consultations => s(consultations),
            next_session => sessions.first().map(|i| summaries[i.id()].clone()),
            decisions => s(of(Kind::CouncilDecision).into_iter().take(5).collect()),
            contests => s(contests),
            tenders => s(tenders.into_iter().take(5).collect()),
            news => s(news),
        },
    }
}

/// The Monitorul Oficial Local: six sub-sections built from the same content.
fn mol(site: &Site, summaries: &BTreeMap<&str, JValue>) -> Vec<PageJob> {
    let base = "/monitorul-oficial-local/";
    let sections = [
        (MolSection::Statut, "statut"),
        (MolSection::Regulamente, "regulamente"),
        (MolSection::Hotarari, "hotarari"),
        (MolSection::Dispozitii, "dispozitii"),
        (MolSection::Financiare, "financiare"),
        (MolSection::AlteDocumente, "alte-documente"),
    ];
    let of = |keep: &dyn Fn(&Item) -> bool, kind: Option<Kind>| -> Vec<JValue> {
        let mut v: Vec<&Item> = site.items.iter().filter(|i| keep(i)).collect();
        if let Some(kind) = kind {
            sort(kind, &mut v);
        }
        v.into_iter().map(|i| summaries[i.id()].clone()).collect()
    };
    let pages_in =
        |section: MolSection| of(&|i| matches!(&i.data, Data::Page(p) if p.mol_section == Some(section)), None);
    let register = |kind: Kind| of(&|i| i.kind == kind, Some(kind));
    let normative = of(
        &|i| matches!(&i.data, Data::MayorDisposition(d) if d.legal_character == LegalCharacter::Normativ),
        Some(Kind::MayorDisposition),
    );
    let overview = JValue::from(Serde(
        sections.iter().map(|(s, seg)| json!({"section": s, "url": format!("{base}{seg}/")})).collect::<Vec<_>>(),
    ));
    let page = |url: &str| JValue::from(Serde(json!({"url": url, "title": "Monitorul Oficial Local"})));
    let mut jobs = vec![PageJob {
        url: base.into(),
        template: "mol.html",
        context: minijinja::context! { page => page(base), sections => overview.clone(), section => () },
    }];
    for (section, seg) in sections {
        let url = format!("{base}{seg}/");
        let content = match section {
            MolSection::Hotarari => minijinja::context! {
                pages => pages_in(section), register => register(Kind::CouncilDecision), drafts => register(Kind::DraftDecision)
            },
            MolSection::Dispozitii => minijinja::context! {
                pages => pages_in(section), register => register(Kind::MayorDisposition), normative => normative.clone()
            },
            MolSection::AlteDocumente => minijinja::context! {
                pages => pages_in(section), drafts => register(Kind::DraftDecision), sessions => register(Kind::CouncilSession)
            },
            _ => minijinja::context! { pages => pages_in(section) },
        };
        jobs.push(PageJob {
            url: url.clone(),
            template: "mol.html",
            context: minijinja::context! { page => page(&url), sections => overview.clone(), section => Serde(section), content },
        });
    }
    jobs
}
