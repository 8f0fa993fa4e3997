//! Tenders as an OCDS 1.1 release package (one release per tender), the open-contracting
//! standard that libcoveocds validates.

use serde_json::{Value, json};

use super::Site;
use crate::load::Item;
use crate::model::Data;
use crate::model::procurement::Tender;
use crate::model::values::{Date, Money};

/// The release package of every published tender.
pub fn release_package(site: &Site) -> Value {
    let c = &site.config;
    let buyer_id = format!("RO-CUI-{}", c.city.fiscal_code);
    let mut tenders: Vec<(&Item, &Tender)> = site
        .items
        .iter()
        .filter_map(|i| match &*i.data {
            Data::Tender(t) => Some((i, t)),
            _ => None,
        })
        .collect();
    tenders.sort_by(|a, b| a.1.ocid.cmp(&b.1.ocid));
    let releases: Vec<Value> = tenders.iter().map(|(item, t)| release(site, item, t, &buyer_id)).collect();
    let mut package = json!({
        "uri": format!("{}/data/ocds/release-package.json", c.base_url),
        "version": "1.1",
        "publishedDate": format!("{}T00:00:00Z", site.now),
        "publisher": {"name": c.city.institution, "scheme": "RO-CUI", "uid": c.city.fiscal_code, "uri": c.base_url},
        "license": c.ocds.license,
        "publicationPolicy": c.ocds.publication_policy,
        "releases": releases,
    });
    prune(&mut package);
    package
}

/// OCDS wants absent fields left out, not null or empty.
fn prune(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.values_mut().for_each(prune);
            map.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

fn amount(m: &Money) -> Value {
    json!({"amount": m.amount, "currency": m.currency})
}

fn day(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

fn release(site: &Site, item: &Item, t: &Tender, buyer_id: &str) -> Value {
    let env = item.data.envelope();
    let c = &site.config;
    let mut parties = vec![json!({
        "id": buyer_id,
        "name": c.city.institution,
        "identifier": {"scheme": "RO-CUI", "id": c.city.fiscal_code, "legalName": c.city.institution},
        "roles": ["buyer", "procuringEntity"],
    })];
    for s in t.awards.iter().flat_map(|a| &a.suppliers) {
        let id = supplier_id(s);
        if !parties.iter().any(|p| p["id"] == id) {
            let mut party = json!({"id": id, "name": s.name, "roles": ["supplier", "tenderer"]});
            if let Some(cui) = &s.id {
                party["identifier"] = json!({"scheme": "RO-CUI", "id": cui, "legalName": s.name});
            }
            parties.push(party);
        }
    }
    let mut tag = vec!["tender"];
    if !t.awards.is_empty() {
        tag.push("award");
    }
    if !t.contracts.is_empty() {
        tag.push("contract");
    }
    let updated = env.updated_at.unwrap_or(env.published_at);
    json!({
        "ocid": t.ocid,
        "id": format!("{}-{}", t.ocid, updated.timestamp().as_second()),
        "date": updated.timestamp().to_string(),
        "tag": tag,
        "initiationType": "tender",
        "language": "ro",
        "parties": parties,
        "buyer": {"id": buyer_id, "name": c.city.institution},
        "tender": {
            "id": t.sicap.notice_no,
            "title": env.title,
            "description": env.summary.clone().unwrap_or_else(|| env.title.clone()),
            "status": t.status,
            "procuringEntity": {"id": buyer_id, "name": c.city.institution},
            "items": t.cpv.iter().enumerate().map(|(i, cpv)| json!({
                "id": (i + 1).to_string(),
                "description": cpv.label,
                "classification": {"scheme": "CPV", "id": cpv.code, "description": cpv.label},
            })).collect::<Vec<_>>(),
            "value": amount(&t.estimated_value),
            "procurementMethod": t.procedure.method,
            "procurementMethodDetails": t.procedure.name,
            "mainProcurementCategory": t.procurement_category,
            "awardCriteria": t.award_criteria,
            "submissionMethod": ["electronicSubmission"],
            "tenderPeriod": {"startDate": t.tender_period.start.timestamp().to_string(), "endDate": t.tender_period.end.timestamp().to_string()},
            "documents": [{
                "id": format!("sicap-{}", t.sicap.notice_no),
                "documentType": "tenderNotice",
                "title": format!("Anunț SICAP {}", t.sicap.notice_no),
                "url": t.sicap.url,
                "datePublished": env.published_at.timestamp().to_string(),
                "language": "ro",
            }],
        },
        "awards": t.awards.iter().map(|a| json!({
            "id": a.id,
            "date": day(a.date),
            "status": a.status,
            "value": amount(&a.value),
            "suppliers": a.suppliers.iter().map(|s| json!({"id": supplier_id(s), "name": s.name})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "contracts": t.contracts.iter().map(|k| {
            let mut v = json!({
                "id": k.id,
                "awardID": k.award_id,
                "status": "active",
                "dateSigned": day(k.date_signed),
                "value": amount(&k.value),
            });
            if let Some(p) = &k.period {
                v["period"] = json!({"startDate": day(p.start), "endDate": day(p.end)});
            }
            v
        }).collect::<Vec<_>>(),
    })
}

fn supplier_id(s: &crate::model::values::Organisation) -> String {
    match &s.id {
        Some(id) => format!("RO-CUI-{}", id.trim_start_matches("RO")),
        None => format!("name-{}", crate::model::urls::segment(&s.name)),
    }
}
