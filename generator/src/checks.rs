//! Checks across items and against the files beside them: what a schema alone cannot see.

mod archive;
mod forms;
pub mod places;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use civic_workdays::Calendar;
use sha2::{Digest, Sha256};

use crate::config::SiteConfig;
use crate::load::{Finding, Item};
use crate::model::forms::FormKind;
use crate::model::procurement::ProcurementCategory;
use crate::model::{Data, Kind, is_content_path};

/// Every cross-item problem in `items`.
pub fn run(items: &[Item], config: &SiteConfig, calendar: &Calendar, content: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(logo) = config.city.logo.as_deref().filter(|l| !is_content_path(l)) {
        out.push(Finding::new(
            crate::load::CONFIG_FILE,
            "/city/logo",
            format!("`{logo}` is not a path inside the content folder"),
            "write a relative path such as files/stema.svg",
        ));
    }
    let mut ids: HashMap<&str, &Item> = HashMap::new();
    for item in items {
        if let Some(first) = ids.insert(item.id(), item) {
            out.push(Finding::new(
                &item.file,
                "/id",
                format!("id `{}` is already used by {}", item.id(), first.file),
                "ids are never reused: give this item a new id",
            ));
        }
    }
    let mut numbers: HashMap<(u8, i16, u32), &str> = HashMap::new();
    let mut comment_form: Option<&str> = None;
    let mut prefix_reported = false;
    let mut urls: HashMap<String, &str> = HashMap::new();
    let mut references: HashMap<&str, &str> = HashMap::new();
    for item in items {
        let env = item.data.envelope();
        let url = item.url();
        if let Some(other) = urls.insert(url.clone(), &item.file) {
            out.push(Finding::new(
                &item.file,
                "/slug",
                format!("the page {url} is also made by {other}"),
                "give one of them another `slug`",
            ));
        }
        for (i, r) in env.related.iter().enumerate() {
            if !ids.contains_key(r.id.as_str()) {
                out.push(unknown_ref(&item.file, &format!("/related/{i}/id"), &r.id, &ids));
            }
        }
        for (i, a) in env.attachments.iter().enumerate() {
            check_attachment(&item.file, i, &a.path, a.sha256.as_deref(), content, &mut out);
        }
        let published = env.published_at.timestamp();
        match &*item.data {
            Data::CouncilDecision(d) => {
                if let Some(first) = numbers.insert((0, d.year, d.number), &item.file) {
                    out.push(Finding::new(
                        &item.file,
                        "/number",
                        format!("decision no. {}/{} is also {first}", d.number, d.year),
                        "council decisions are numbered once per year: check the number",
                    ));
                }
                if d.adopted_on.civil().year() != d.year {
                    out.push(Finding::new(
                        &item.file,
                        "/year",
                        format!("`year: {}` but adopted on {}", d.year, d.adopted_on),
                        "the year is the year of adoption",
                    ));
                }
                for (field, date) in [
                    ("communicated_prefect_on", d.communicated_prefect_on),
                    ("published_on", d.published_on),
                    ("in_force_from", d.in_force_from),
                ] {
                    if let Some(date) = date
                        && date < d.adopted_on
                    {
                        out.push(Finding::new(
                            &item.file,
                            &format!("/{field}"),
                            format!("{field} {date} is before adopted_on {}", d.adopted_on),
                            "a decision is communicated and published after it is adopted",
                        ));
                    }
                }
                if published.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
                    < d.adopted_on.civil().yesterday().unwrap_or(d.adopted_on.civil())
                {
                    out.push(Finding::new(
                        &item.file,
                        "/published_at",
                        format!("published_at is before adopted_on {}", d.adopted_on),
                        "publish a decision on or after the day it is adopted",
                    ));
                }
                for (field, id) in [("session", &d.session), ("draft", &d.draft)] {
                    if let Some(id) = id
                        && !ids.contains_key(id.as_str())
                    {
                        out.push(unknown_ref(&item.file, &format!("/{field}"), id, &ids));
                    }
                }
                if let Some(v) = &d.vote
                    && [v.in_favour, v.against, v.abstain, v.absent].iter().map(|n| u64::from(*n)).sum::<u64>() == 0
                {
                    out.push(Finding::new(
                        &item.file,
                        "/vote",
                        "the vote has no votes",
                        "fill in for, against, abstain and absent",
                    ));
                }
            }
            Data::MayorDisposition(d) => {
                if let Some(first) = numbers.insert((1, d.year, d.number), &item.file) {
                    out.push(Finding::new(
                        &item.file,
                        "/number",
                        format!("disposition no. {}/{} is also {first}", d.number, d.year),
                        "dispositions are numbered once per year: check the number",
                    ));
                }
                if d.issued_on.civil().year() != d.year {
                    out.push(Finding::new(
                        &item.file,
                        "/year",
                        format!("`year: {}` but issued on {}", d.year, d.issued_on),
                        "the year is the year the disposition was issued",
                    ));
                }
                if d.register_only && d.legal_character == crate::model::decisions::LegalCharacter::Normativ {
                    out.push(Finding::new(
                        &item.file,
                        "/register_only",
                        "a normative disposition must be published in full",
                        "set `register_only: false`, or `legal_character: individual`",
                    ));
                }
            }
            Data::DraftDecision(d) => {
                let c = &d.consultation;
                // The same clock the page shows: 10 days, moved past a non-working last day.
                let min = calendar.add_calendar_days(c.announced_on.civil(), 10).due;
                if c.comments_deadline.civil() < min {
                    out.push(Finding::new(
                        &item.file,
                        "/consultation/comments_deadline",
                        format!("comments close on {} but the draft was announced on {}: Law 52/2003 art. 7(4) gives at least 10 days", c.comments_deadline, c.announced_on),
                        format!("set it to {min} or later"),
                    ));
                }
                if let Some(earliest) = c.earliest_submission_on {
                    let min = calendar.add_working_days(c.announced_on.civil(), 30).due;
                    if earliest.civil() < min {
                        out.push(Finding::new(
                            &item.file,
                            "/consultation/earliest_submission_on",
                            format!(
                                "{earliest} is less than 30 working days after the notice of {}: Law 52/2003 art. 7(2)",
                                c.announced_on
                            ),
                            format!("set it to {min} or later"),
                        ));
                    }
                }
            }
            Data::CouncilSession(s) => {
                if let Some(id) = s.convened_by.as_deref().filter(|id| !ids.contains_key(id)) {
                    out.push(unknown_ref(&item.file, "/convened_by", id, &ids));
                }
                for (i, a) in s.agenda.iter().enumerate() {
                    if let Some(id) = &a.draft
                        && !ids.contains_key(id.as_str())
                    {
                        out.push(unknown_ref(&item.file, &format!("/agenda/{i}/draft"), id, &ids));
                    }
                }
                if let Some(end) = s.ends_at
                    && end < s.starts_at
                {
                    out.push(Finding::new(
                        &item.file,
                        "/ends_at",
                        "the session ends before it starts",
                        "check ends_at",
                    ));
                }
            }
            Data::Tender(t) => {
                if !t.ocid.starts_with(&format!("{}-", config.ocds.ocid_prefix)) {
                    out.push(Finding::new(
                        &item.file,
                        "/ocid",
                        format!("`{}` does not start with this site's OCID prefix", t.ocid),
                        format!("start it with `{}-`", config.ocds.ocid_prefix),
                    ));
                }
                if t.tender_period.end < t.tender_period.start {
                    out.push(Finding::new(
                        &item.file,
                        "/tender_period/end",
                        "the tender period ends before it starts",
                        "check tender_period",
                    ));
                }
                let awards: HashSet<&str> = t.awards.iter().map(|a| a.id.as_str()).collect();
                for (i, c) in t.contracts.iter().enumerate() {
                    if !awards.contains(c.award_id.as_str()) {
                        out.push(Finding::new(
                            &item.file,
                            &format!("/contracts/{i}/award_id"),
                            format!("no award has id `{}`", c.award_id),
                            "use the id of one of this tender's awards",
                        ));
                    }
                }
            }
            Data::DirectPurchase(p) if p.value.currency != "RON" => {
                out.push(Finding::new(
                    &item.file,
                    "/value/currency",
                    format!("the value is in {}, but the direct purchase limits are in lei", p.value.currency),
                    "write the value in RON (lei)",
                ));
            }
            Data::DirectPurchase(p) => {
                let limit = match p.procurement_category {
                    ProcurementCategory::Works => config.direct_purchase_limits.works,
                    _ => config.direct_purchase_limits.goods_services,
                };
                if p.value.amount >= limit {
                    out.push(Finding::new(
                        &item.file,
                        "/value/amount",
                        format!(
                            "{} lei is over the direct purchase limit of {limit} lei for this category",
                            p.value.amount
                        ),
                        "a purchase this large needs a tender: check the value, or record it as a tender",
                    ));
                }
            }
            Data::JobContest(j) => {
                let c = &j.calendar;
                if c.dossiers_to < c.dossiers_from {
                    out.push(Finding::new(
                        &item.file,
                        "/calendar/dossiers_to",
                        "dossiers close before they open",
                        "check dossiers_from and dossiers_to",
                    ));
                }
                if c.written_test.at.timestamp().to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
                    < c.dossiers_to.civil()
                {
                    out.push(Finding::new(
                        &item.file,
                        "/calendar/written_test/at",
                        "the written test is before dossiers close",
                        "the written test comes after the selection of dossiers",
                    ));
                }
            }
            Data::Service(s) => {
                if let Some(id) = &s.form {
                    match ids.get(id.as_str()) {
                        None => out.push(unknown_ref(&item.file, "/form", id, &ids)),
                        Some(other) if other.kind != Kind::Form => out.push(Finding::new(
                            &item.file,
                            "/form",
                            format!("`{id}` is a {}, not a form", other.kind.name()),
                            "use the id of a file in forms/",
                        )),
                        Some(_) => {}
                    }
                }
                if s.online_url.is_none()
                    && s.form.is_none()
                    && s.channels.phone.is_none()
                    && s.channels.email.is_none()
                    && s.channels.address.is_none()
                {
                    out.push(Finding::new(
                        &item.file,
                        "/channels",
                        "the service says nowhere how to ask for it",
                        "add `online_url`, `form`, or a phone, e-mail or address under `channels`",
                    ));
                }
            }
            Data::Form(f) => {
                forms::check(&item.file, f, &mut out);
                if f.kind == FormKind::DraftComment
                    && let Some(first) = comment_form.replace(&item.file)
                {
                    out.push(Finding::new(
                        &item.file,
                        "/kind",
                        format!("{first} is already the form for comments on drafts"),
                        "keep one `kind: draft_comment` form: every draft in consultation shows it",
                    ));
                }
                if config.registration_prefix.is_none() && !prefix_reported {
                    prefix_reported = true;
                    out.push(Finding::new(
                        crate::load::CONFIG_FILE,
                        "",
                        "there are forms, but no `registration_prefix` for their registration numbers",
                        "add `registration_prefix: TM` (capital letters or digits) to civic.yaml",
                    ));
                }
            }
            // Places have their own rules (checks/places.rs).
            Data::PublicWork(_) | Data::RecurringService(_) | Data::District(_) => {}
            Data::Page(_) => {
                let first = url.trim_matches('/').split('/').next().unwrap_or_default();
                if first.is_empty() || RESERVED.contains(&first) || Kind::ALL.iter().any(|k| k.section() == first) {
                    out.push(Finding::new(
                        &item.file,
                        "/slug",
                        format!("the page would be {url}, which the site uses for something else"),
                        "choose another `slug` (not a section name, data, schemas, assets or files)",
                    ));
                }
            }
            Data::ArchiveUnit(u) => {
                archive::check_unit(&item.file, &url, u, content, &mut out);
                if let Some(other) = references.insert(u.reference_code.as_str(), &item.file) {
                    out.push(Finding::new(
                        &item.file,
                        "/reference_code",
                        format!("reference code `{}` is also {other}", u.reference_code),
                        "each archival unit has its own reference code: check the inventory and file numbers",
                    ));
                }
            }
            Data::News(n) => {
                if let Some(h) = &n.hero_image {
                    if !is_content_path(&h.path) {
                        out.push(Finding::new(
                            &item.file,
                            "/hero_image/path",
                            format!("`{}` is not a path inside the content folder", h.path),
                            "write a relative path such as files/stiri/imagine.jpg",
                        ));
                    } else if !content.join(&h.path).is_file() {
                        out.push(Finding::new(
                            &item.file,
                            "/hero_image/path",
                            format!("the image `{}` does not exist", h.path),
                            "add the file under content/, or fix the path",
                        ));
                    }
                }
            }
        }
    }
    out
}

/// First URL segments the generator writes itself.
const RESERVED: [&str; 7] = ["data", "schemas", "assets", "files", "monitorul-oficial-local", "cautare", "pagefind"];

fn unknown_ref(file: &str, pointer: &str, id: &str, ids: &HashMap<&str, &Item>) -> Finding {
    let fix = match crate::diagnostics::did_you_mean(id, ids.keys().copied()) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None => "use the `id` of an existing item".to_owned(),
    };
    Finding::new(file, pointer, format!("no item has id `{id}`"), fix)
}

fn check_attachment(file: &str, i: usize, path: &str, sha256: Option<&str>, content: &Path, out: &mut Vec<Finding>) {
    let pointer = format!("/attachments/{i}/path");
    if !is_content_path(path) {
        out.push(Finding::new(
            file,
            &pointer,
            format!("`{path}` leaves the content folder"),
            "attachments are paths inside content/, e.g. files/anexa.pdf",
        ));
        return;
    }
    match std::fs::read(content.join(path)) {
        Err(_) => out.push(Finding::new(
            file,
            &pointer,
            format!("the attachment `{path}` does not exist"),
            "add the file under content/, or fix the path",
        )),
        Ok(bytes) => {
            if let Some(expected) = sha256 {
                let actual = hex::encode(Sha256::digest(&bytes));
                if actual != expected {
                    out.push(Finding::new(
                        file,
                        &format!("/attachments/{i}/sha256"),
                        format!("`{path}` does not match its sha256 (the file has {actual})"),
                        "the file changed since it was registered: re-export it, or update sha256 if the change is intended",
                    ));
                }
            }
        }
    }
}
