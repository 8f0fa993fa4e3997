//! What templates, feeds and open data see of an item: its fields as written, plus what the
//! generator works out (URL, reverse links, legal deadlines, attachment sizes).

use std::collections::HashMap;

use civic_workdays::{Calendar, Deadline, format_date_ro};
use jiff::civil::Date;
use serde_json::{Value, json};

use super::forms;
use crate::load::Item;
use crate::model::decisions::{DraftStatus, LegalCharacter};
use crate::model::envelope::Rel;
use crate::model::forms::FormKind;
use crate::model::urls;
use crate::model::{Data, Kind};

/// Everything an item's context needs to know about the rest of the site.
pub struct Index<'a> {
    pub by_id: HashMap<&'a str, &'a Item>,
    /// id → links pointing at it, as (rel, source item).
    pub incoming: HashMap<&'a str, Vec<(Rel, &'a Item)>>,
    /// Every draft decision, by id: the comment form lists those open.
    pub drafts: Vec<&'a Item>,
    /// The form for comments on drafts, when there is one.
    pub comment_form: Option<&'a Item>,
    /// Form id → the services whose requests it takes.
    pub form_services: HashMap<&'a str, Vec<&'a Item>>,
}

impl<'a> Index<'a> {
    pub fn new(items: &'a [Item]) -> Index<'a> {
        let by_id: HashMap<&str, &Item> = items.iter().map(|i| (i.id(), i)).collect();
        let mut incoming: HashMap<&str, Vec<(Rel, &Item)>> = HashMap::new();
        for item in items {
            for r in &item.data.envelope().related {
                if by_id.contains_key(r.id.as_str()) {
                    incoming.entry(r.id.as_str()).or_default().push((r.rel, item));
                }
            }
            if let Data::CouncilDecision(d) = &*item.data
                && let Some(draft) = d.draft.as_deref().filter(|id| by_id.contains_key(id))
            {
                incoming.entry(draft).or_default().push((Rel::AdoptedFrom, item));
            }
        }
        for links in incoming.values_mut() {
            links.sort_by(|a, b| (a.0, a.1.id()).cmp(&(b.0, b.1.id())));
        }
        let mut drafts: Vec<&Item> = items.iter().filter(|i| i.kind == Kind::DraftDecision).collect();
        drafts.sort_by_key(|i| i.id());
        let comment_form = items
            .iter()
            .filter(|i| matches!(&*i.data, Data::Form(f) if f.kind == FormKind::DraftComment))
            .min_by_key(|i| i.id());
        let mut form_services: HashMap<&str, Vec<&Item>> = HashMap::new();
        for item in items {
            if let Data::Service(s) = &*item.data
                && let Some(form) = s.form.as_deref().filter(|id| by_id.contains_key(id))
            {
                form_services.entry(form).or_default().push(item);
            }
        }
        for services in form_services.values_mut() {
            services.sort_by(|a, b| a.data.envelope().title.cmp(&b.data.envelope().title));
        }
        Index { by_id, incoming, drafts, comment_form, form_services }
    }
}

/// What an item's page shows of other items, as (link kind, that item's hash): the page must
/// be made again when any of them changes.
pub fn neighbours<'a>(item: &'a Item, index: &Index<'a>) -> Vec<(&'static str, &'a str, u64)> {
    let mut out = Vec::new();
    let env = item.data.envelope();
    let mut targets: Vec<&str> = env.related.iter().map(|r| r.id.as_str()).collect();
    match &*item.data {
        Data::CouncilDecision(d) => {
            targets.extend(d.draft.as_deref());
            targets.extend(d.session.as_deref());
        }
        Data::CouncilSession(s) => targets.extend(s.agenda.iter().filter_map(|a| a.draft.as_deref())),
        Data::Service(s) => targets.extend(s.form.as_deref()),
        // The comment form lists the drafts open today: any draft may change it.
        Data::Form(f) if f.kind == FormKind::DraftComment => targets.extend(index.drafts.iter().map(|i| i.id())),
        Data::DraftDecision(_) => targets.extend(index.comment_form.map(|i| i.id())),
        _ => {}
    }
    for service in index.form_services.get(item.id()).into_iter().flatten() {
        out.push(("service", service.id(), service.hash));
    }
    for id in targets {
        out.push(("out", id, index.by_id.get(id).map_or(0, |i| i.hash)));
    }
    for (rel, source) in index.incoming.get(item.id()).into_iter().flatten() {
        out.push((rel_name(*rel), source.id(), source.hash));
    }
    out
}

fn rel_name(rel: Rel) -> &'static str {
    match rel {
        Rel::Amends => "amends",
        Rel::Repeals => "repeals",
        Rel::Revokes => "revokes",
        Rel::Suspends => "suspends",
        Rel::Implements => "implements",
        Rel::Replaces => "replaces",
        Rel::AdoptedFrom => "adopted_from",
        Rel::About => "about",
        Rel::LocatedAt => "located_at",
        Rel::SeeAlso => "see_also",
    }
}

/// A short reference to an item: enough for a link in a list or a related box.
pub fn reference(item: &Item) -> Value {
    json!({
        "id": item.id(),
        "type": item.kind.name(),
        "title": item.data.envelope().title,
        "url": item.url(),
        "number": display_number(item),
    })
}

/// "123/2025" for numbered acts.
pub fn display_number(item: &Item) -> Option<String> {
    match &*item.data {
        Data::CouncilDecision(d) => Some(format!("{}/{}", d.number, d.year)),
        Data::MayorDisposition(d) => Some(format!("{}/{}", d.number, d.year)),
        Data::DraftDecision(d) => Some(d.draft_no.clone()),
        _ => None,
    }
}

/// An item's status as (label group in the theme's labels.yaml, value), for types that have one.
pub fn status(item: &Item) -> Option<(&'static str, String)> {
    fn name<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
    Some(match &*item.data {
        Data::CouncilDecision(d) => ("status", name(&d.status)),
        Data::MayorDisposition(d) => ("status", name(&d.status)),
        Data::DraftDecision(d) => ("draft_status", name(&d.status)),
        Data::CouncilSession(s) => ("session_status", name(&s.status)),
        Data::Tender(t) => ("tender_status", name(&t.status)),
        Data::JobContest(j) => ("contest_status", name(&j.status)),
        Data::PublicWork(w) => ("work_status", name(&w.status)),
        _ => return None,
    })
}

/// The date lists sort and show an item by.
pub fn main_date(item: &Item) -> Date {
    match &*item.data {
        Data::CouncilDecision(d) => d.adopted_on.civil(),
        Data::MayorDisposition(d) => d.issued_on.civil(),
        Data::DraftDecision(d) => d.consultation.announced_on.civil(),
        Data::DirectPurchase(d) => d.purchased_on.civil(),
        Data::JobContest(j) => j.calendar.announced_on.civil(),
        Data::CouncilSession(s) => local_date(s.starts_at.timestamp()),
        Data::PublicWork(w) => local_date(w.period.start.timestamp()),
        Data::RecurringService(s) => s.valid_from.civil(),
        _ => local_date(item.data.envelope().published_at.timestamp()),
    }
}

pub fn local_date(t: jiff::Timestamp) -> Date {
    t.to_zoned_datetime(bucharest()).date()
}

pub use civic_workdays::bucharest;

/// The summary used in lists, feeds and the JSON lists: every field but the body.
pub fn summary(item: &Item, now: Date) -> Value {
    let mut v = match &*item.data {
        Data::ArchiveUnit(u) => serde_json::to_value(super::archive::public_view(u)),
        data => serde_json::to_value(data),
    }
    .expect("content types serialise");
    let obj = v.as_object_mut().expect("items serialise to objects");
    obj.insert("type".into(), item.kind.name().into());
    // Register-only records have no page to link to.
    obj.insert("url".into(), if super::has_page(item) { item.url().into() } else { Value::Null });
    obj.insert("section_url".into(), urls::section_url(item.kind).into());
    obj.insert("date".into(), main_date(item).to_string().into());
    if let Some(n) = display_number(item) {
        obj.insert("display_number".into(), n.into());
    }
    if !super::has_page(item) {
        // A register line only: no documents are published with it.
        obj.remove("attachments");
    }
    if let Data::ArchiveUnit(u) = &*item.data {
        // A restricted unit is its description only (see `public_view`), with its page count.
        obj.insert("page_count".into(), u.pages.len().into());
    }
    if let Some(days) = days_left(item, now) {
        obj.insert("days_left".into(), days.into());
    }
    v
}

/// Days until the deadline a citizen acts on (comments, dossiers, offers), if still open.
pub fn days_left(item: &Item, now: Date) -> Option<i64> {
    let due = match &*item.data {
        Data::DraftDecision(d) if d.status == DraftStatus::InConsultare => d.consultation.comments_deadline.civil(),
        Data::JobContest(j) => j.calendar.dossiers_to.civil(),
        Data::Tender(t) => local_date(t.tender_period.end.timestamp()),
        _ => return None,
    };
    let days = (due - now).get_days() as i64;
    (days >= 0).then_some(days)
}

/// The full context of an item's own page.
pub fn detail(item: &Item, index: &Index, site: &super::Site, body_html: String) -> Value {
    let (calendar, content, now) = (&site.calendar, site.content.as_path(), site.now);
    let mut v = summary(item, now);
    let obj = v.as_object_mut().expect("object");
    obj.insert("body_html".into(), body_html.into());
    let env = item.data.envelope();
    let outgoing: Vec<Value> = env
        .related
        .iter()
        .filter_map(|r| index.by_id.get(r.id.as_str()).map(|t| link(r.rel, t)))
        .chain(decision_links(item, index))
        .collect();
    let incoming: Vec<Value> =
        index.incoming.get(item.id()).into_iter().flatten().map(|(rel, source)| link(*rel, source)).collect();
    obj.insert("related_out".into(), outgoing.into());
    obj.insert("related_in".into(), incoming.into());
    let attachments: Vec<Value> = env
        .attachments
        .iter()
        .map(|a| {
            let bytes = std::fs::metadata(content.join(&a.path)).map(|m| m.len()).unwrap_or(0);
            json!({
                "title": a.title,
                "url": format!("/{}", a.path),
                "media_type": a.media_type.clone().unwrap_or_else(|| media_type(&a.path).to_owned()),
                "format": a.path.rsplit('.').next().unwrap_or("").to_uppercase(),
                "bytes": bytes,
                "sha256": a.sha256,
                "role": a.role,
                "redacted": a.redacted,
            })
        })
        .collect();
    obj.insert("attachments".into(), attachments.into());
    if let Data::CouncilSession(s) = &*item.data {
        // Agenda entries link to their drafts' pages, wherever their slugs put them.
        let agenda: Vec<Value> = s
            .agenda
            .iter()
            .map(|a| {
                let url = a.draft.as_deref().and_then(|id| index.by_id.get(id)).map(|d| d.url());
                json!({"title": a.title, "draft": a.draft, "url": url})
            })
            .collect();
        obj.insert("agenda".into(), agenda.into());
    }
    obj.insert("deadlines".into(), deadlines(item, calendar, now).into());
    match &*item.data {
        Data::Form(f) => {
            let open = forms::open_drafts(&index.drafts, now);
            obj.insert("form".into(), forms::view(item, f, &site.config, &open, None));
            obj.insert("response".into(), forms::deadline_view(f, calendar, now));
            obj.insert("privacy_notice_html".into(), civic_theme::markdown::to_html(&f.privacy_notice).into());
            obj.insert("schema_url".into(), forms::schema_url(item.id()).into());
            let services: Vec<Value> =
                index.form_services.get(item.id()).into_iter().flatten().map(|s| reference(s)).collect();
            obj.insert("services".into(), services.into());
        }
        Data::Service(s) => {
            if let Some(form) = s.form.as_deref().and_then(|id| index.by_id.get(id)) {
                obj.insert("form_link".into(), reference(form));
            }
        }
        Data::DraftDecision(d) if forms::consultation_open(d, now) => {
            if let Some(form_item) = index.comment_form
                && let Data::Form(f) = &*form_item.data
            {
                let mut view = forms::view(form_item, f, &site.config, &[], Some(item.id()));
                view["title"] = f.envelope.title.clone().into();
                view["url"] = form_item.url().into();
                view["privacy_notice_html"] = civic_theme::markdown::to_html(&f.privacy_notice).into();
                obj.insert("comment_form".into(), view);
            }
        }
        _ => {}
    }
    v
}

fn link(rel: Rel, item: &Item) -> Value {
    let mut v = reference(item);
    v["rel"] = serde_json::to_value(rel).expect("rel serialises");
    v
}

/// Links that are fields rather than `related[]` entries (the session, the draft).
fn decision_links(item: &Item, index: &Index) -> Vec<Value> {
    let Data::CouncilDecision(d) = &*item.data else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(draft) = d.draft.as_deref().and_then(|id| index.by_id.get(id)) {
        out.push(link(Rel::AdoptedFrom, draft));
    }
    if let Some(session) = d.session.as_deref().and_then(|id| index.by_id.get(id)) {
        let mut l = reference(session);
        l["rel"] = "adopted_in".into();
        out.push(l);
    }
    out
}

pub fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next().map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("svg") => "image/svg+xml",
        Some("csv") => "text/csv",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

/// The legal clocks that apply to an item, each with its computation spelled out.
fn deadlines(item: &Item, calendar: &Calendar, now: Date) -> Vec<Value> {
    let mut out = Vec::new();
    let clock = |label: &str, law: &str, deadline: Deadline, done: Option<Date>| {
        let state = match done {
            Some(d) if d <= deadline.due => "respectat",
            Some(_) => "depășit",
            None if now > deadline.due => "depășit",
            None => "în_curs",
        };
        json!({
            "label": label,
            "law": law,
            "due": deadline.due.to_string(),
            "due_ro": format_date_ro(deadline.due),
            "explanation": deadline.explain_ro(),
            "done_on": done.map(|d| d.to_string()),
            "done_ro": done.map(format_date_ro),
            "state": state,
        })
    };
    match &*item.data {
        Data::CouncilDecision(d) => {
            let due = calendar.add_working_days(d.adopted_on.civil(), 10);
            out.push(clock(
                "Comunicarea către prefect",
                "art. 197 alin. (1) din Codul administrativ: 10 zile lucrătoare de la adoptare",
                due,
                d.communicated_prefect_on.map(|x| x.civil()),
            ));
            if let (LegalCharacter::Normativ, Some(sent)) = (d.legal_character, d.communicated_prefect_on) {
                out.push(clock(
                    "Publicarea în Monitorul Oficial Local",
                    "art. 198 alin. (1) din Codul administrativ: 5 zile de la comunicarea către prefect",
                    calendar.add_calendar_days(sent.civil(), 5),
                    d.published_on.map(|x| x.civil()),
                ));
            }
        }
        Data::MayorDisposition(d) => {
            out.push(clock(
                "Comunicarea către prefect",
                "art. 197 alin. (1) din Codul administrativ: 10 zile lucrătoare de la emitere",
                calendar.add_working_days(d.issued_on.civil(), 10),
                d.communicated_prefect_on.map(|x| x.civil()),
            ));
        }
        Data::DraftDecision(d) => {
            let c = &d.consultation;
            let min = calendar.add_calendar_days(c.announced_on.civil(), 10);
            let mut v = clock(
                "Termenul minim pentru recomandări",
                "art. 7 alin. (4) din Legea nr. 52/2003: cel puțin 10 zile de la anunț",
                min,
                None,
            );
            v["state"] = if c.comments_deadline.civil()
                >= v["due"].as_str().and_then(|s| s.parse().ok()).unwrap_or(c.comments_deadline.civil())
            {
                "respectat".into()
            } else {
                "depășit".into()
            };
            v["done_on"] = c.comments_deadline.to_string().into();
            v["done_ro"] = format_date_ro(c.comments_deadline.civil()).into();
            out.push(v);
            out.push(clock(
                "Cea mai devreme dată de supunere spre avizare",
                "art. 7 alin. (2) din Legea nr. 52/2003: cel puțin 30 de zile lucrătoare după anunț",
                calendar.add_working_days(c.announced_on.civil(), 30),
                None,
            ));
            if let Some(last) = out.last_mut() {
                last["state"] = "informativ".into();
            }
        }
        _ => {}
    }
    out
}
