//! schema.org JSON-LD for the item pages that have a matching type: Legislation, JobPosting,
//! Event, NewsArticle, GovernmentService.

use serde_json::{Value, json};

use super::Site;
use crate::load::Item;
use crate::model::Data;
use crate::model::decisions::{DecisionStatus, SessionStatus};

/// The JSON-LD object of an item page, when its type has one. `ctx` is the page context.
pub fn for_item(item: &Item, ctx: &Value, site: &Site) -> Option<Value> {
    let c = &site.config;
    let url = format!("{}{}", c.base_url, ctx["url"].as_str().unwrap_or("/"));
    let org = json!({"@type": "GovernmentOrganization", "name": c.city.institution, "url": c.base_url});
    let env = item.data.envelope();
    let v = match &*item.data {
        Data::CouncilDecision(d) => json!({
            "@type": "Legislation",
            "name": format!("Hotărârea nr. {}/{} {}", d.number, d.year, env.title),
            "legislationIdentifier": format!("{}/cl/hcl/{}/{}", c.city.eli_prefix, d.year, d.number),
            "legislationType": "Hotărâre a consiliului local",
            "legislationDate": d.adopted_on,
            "datePublished": d.published_on,
            "legislationJurisdiction": c.city.name,
            "legislationPassedBy": {"@type": "GovernmentOrganization", "name": c.city.council},
            "legislationLegalForce": match d.status {
                DecisionStatus::InVigoare | DecisionStatus::Publicata | DecisionStatus::Modificata => "InForce",
                DecisionStatus::Adoptata | DecisionStatus::ComunicataPrefect => "NotInForce",
                _ => "NotInForce",
            },
            "inLanguage": "ro",
            "url": url,
        }),
        Data::MayorDisposition(d) => json!({
            "@type": "Legislation",
            "name": format!("Dispoziția nr. {}/{} {}", d.number, d.year, env.title),
            "legislationIdentifier": format!("{}/primar/dispozitie/{}/{}", c.city.eli_prefix, d.year, d.number),
            "legislationType": "Dispoziție a primarului",
            "legislationDate": d.issued_on,
            "legislationJurisdiction": c.city.name,
            "inLanguage": "ro",
            "url": url,
        }),
        Data::JobContest(j) => json!({
            "@type": "JobPosting",
            "title": j.post.title,
            "description": ctx["body_html"].as_str().filter(|b| !b.is_empty()).unwrap_or(&env.title),
            "datePosted": j.calendar.announced_on,
            "validThrough": format!("{}T23:59:59+02:00", j.calendar.dossiers_to),
            "employmentType": if matches!(j.post.duration, crate::model::jobs::PostDuration::Determinata) { "TEMPORARY" } else { "FULL_TIME" },
            "hiringOrganization": org,
            "totalJobOpenings": j.positions,
            "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": c.city.name, "addressCountry": "RO", "streetAddress": c.contact.address}},
            "baseSalary": j.salary.as_ref().map(|s| json!({"@type": "MonetaryAmount", "currency": s.currency, "value": {"@type": "QuantitativeValue", "minValue": s.amount, "unitText": "MONTH"}})),
            "url": url,
        }),
        Data::CouncilSession(s) => json!({
            "@type": "Event",
            "name": env.title,
            "startDate": s.starts_at,
            "endDate": s.ends_at,
            "eventStatus": match s.status {
                SessionStatus::Anulata => "https://schema.org/EventCancelled",
                SessionStatus::Amanata => "https://schema.org/EventPostponed",
                _ => "https://schema.org/EventScheduled",
            },
            "eventAttendanceMode": if s.livestream_url.is_some() { "https://schema.org/MixedEventAttendanceMode" } else { "https://schema.org/OfflineEventAttendanceMode" },
            "location": {"@type": "Place", "name": s.location, "address": {"@type": "PostalAddress", "addressLocality": c.city.name, "addressCountry": "RO"}},
            "organizer": {"@type": "GovernmentOrganization", "name": c.city.council, "url": c.base_url},
            "url": url,
        }),
        Data::News(n) => json!({
            "@type": "NewsArticle",
            "headline": env.title,
            "datePublished": env.published_at,
            "dateModified": env.updated_at.unwrap_or(env.published_at),
            "author": {"@type": "Organization", "name": n.author},
            "publisher": org,
            "inLanguage": "ro",
            "url": url,
        }),
        Data::Service(s) => json!({
            "@type": "GovernmentService",
            "name": env.title,
            "description": env.summary,
            "serviceType": env.category,
            "provider": org,
            "areaServed": {"@type": "City", "name": c.city.name},
            "availableChannel": {"@type": "ServiceChannel", "serviceUrl": s.online_url.clone().unwrap_or(url.clone()), "servicePhone": s.channels.phone},
            "url": url,
        }),
        _ => return None,
    };
    let mut v = v;
    v.as_object_mut()?.insert("@context".into(), "https://schema.org".into());
    strip_nulls(&mut v);
    Some(v)
}

fn strip_nulls(v: &mut Value) {
    if let Value::Object(m) = v {
        m.values_mut().for_each(strip_nulls);
        m.retain(|_, v| !v.is_null());
    }
}
