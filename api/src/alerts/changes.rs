//! What changed in an item, in words. Each type has watched fields — what a person following it
//! wants to hear about — read from the published lists into a snapshot that dispatch stores
//! ([`watched`]); comparing two snapshots gives the changes, each a sentence "before → after" in
//! the theme's labels and date format, with the page to open ([`between`]). Links between items
//! are worked out across the lists ([`Links`]): the decision that adopts a draft, the decisions
//! that amend, repeal, revoke, suspend or replace a decision.

use std::collections::HashMap;

use civic_contract::Listed;
use serde_json::{Map, Value, json};

/// A change of one watched field: its key (unique per field and new value within the item),
/// the sentence, and the page it is about when that is not the item's own (the new decision).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub key: String,
    pub detail: String,
    pub url: Option<String>,
}

/// The relations of `related` by which one decision changes another.
const CHANGING: &[&str] = &["amends", "repeals", "revokes", "suspends", "replaces"];

/// The decisions pointing at each item: the one adopted from a draft, those changing a decision.
#[derive(Default)]
pub struct Links {
    adopted_as: HashMap<String, Value>,
    changed_by: HashMap<String, Vec<Value>>,
}

impl Links {
    /// From the published council decisions.
    pub fn new<'a>(decisions: impl IntoIterator<Item = &'a Listed>) -> Links {
        let mut links = Links::default();
        for d in decisions {
            let me = json!({"id": d.id, "number": d.field("display_number"), "url": d.url});
            let related = d.field("related").as_array().cloned().unwrap_or_default();
            let draft = d.field("draft").as_str().map(str::to_owned).or_else(|| {
                related.iter().find(|r| r["rel"] == "adopted_from").and_then(|r| r["id"].as_str().map(str::to_owned))
            });
            if let Some(draft) = draft {
                links.adopted_as.insert(draft, me.clone());
            }
            for r in &related {
                let (Some(rel), Some(target)) = (r["rel"].as_str(), r["id"].as_str()) else { continue };
                if CHANGING.contains(&rel) {
                    let mut by = me.clone();
                    by["rel"] = rel.into();
                    links.changed_by.entry(target.to_owned()).or_default().push(by);
                }
            }
        }
        links
    }
}

/// The watched fields of a published item of `kind`, as stored in dispatch's snapshot (its form
/// must stay stable: a field added later is simply absent from older snapshots).
pub fn watched(kind: &str, it: &Listed, links: &Links) -> Value {
    let f = |name| it.field(name).clone();
    match kind {
        "draft_decision" => json!({
            "comments_deadline": it.field("consultation")["comments_deadline"],
            "adopted_as": links.adopted_as.get(&it.id),
        }),
        "council_decision" => json!({
            "in_force_from": f("in_force_from"),
            "communicated_prefect_on": f("communicated_prefect_on"),
            "prefect_check": it.field("prefect_check")["status"],
            "changed_by": links.changed_by.get(&it.id).cloned().unwrap_or_default(),
        }),
        "council_session" => json!({
            "agenda": it.field("agenda").as_array().map(|a| a.iter().map(|x| x["title"].clone()).collect::<Vec<_>>()),
            "minutes": it.field("attachments").as_array().into_iter().flatten()
                .filter(|a| a["role"] == "proces_verbal").map(|a| a["url"].clone()).collect::<Vec<_>>(),
        }),
        "tender" => json!({"awards": f("awards"), "contracts": f("contracts")}),
        "job_contest" => json!({
            "results": it.field("results").as_array().into_iter().flatten().map(|r| r["stage"].clone()).collect::<Vec<_>>(),
            "notices": f("notices"),
            "calendar": f("calendar"),
        }),
        _ => json!({}),
    }
}

/// The sentences of the changes, one template per field (the theme's labels and filters).
const SAYS: &[(&str, &str)] = &[
    ("comments_deadline", "Termenul pentru propuneri: {{ a|date_ro }} → {{ b|date_ro }}"),
    ("adopted_as", "Adoptat ca HCL nr. {{ b.number }}"),
    (
        "in_force_from",
        "{% if a %}Intră în vigoare: {{ a|date_ro }} → {{ b|date_ro }}{% else %}În vigoare de la {{ b|date_ro }}{% endif %}",
    ),
    ("communicated_prefect_on", "Comunicată prefectului la {{ b|date_ro }}"),
    (
        "prefect_check",
        "Controlul de legalitate al prefectului: {% if a %}{{ label('prefect_check', a) }}{% else %}—{% endif %} → {{ label('prefect_check', b) }}",
    ),
    ("changed_by", "{{ label('rel_in', b.rel) }} HCL nr. {{ b.number }}"),
    ("agenda", "Ordinea de zi s-a schimbat: {{ a|length }} → {{ b|length }} puncte"),
    ("minutes", "Procesul-verbal al ședinței a fost publicat"),
    ("awards", "Atribuire: {{ b.suppliers|map(attribute='name')|join(', ') }}, {{ b.value|money }}"),
    ("contracts", "Contract semnat la {{ b.date_signed|date_ro }}, {{ b.value|money }}"),
    ("results", "Rezultatele etapei „{{ stages[b] or b }}” au fost publicate"),
    ("notices", "Anunț din {{ b.at|date_ro }}: {{ b.text }}"),
    (
        "calendar",
        "{{ what }}: {{ a|datetime_ro if 'T' in a else a|date_ro }} → {{ b|datetime_ro if 'T' in b else b|date_ro }}",
    ),
];

/// A job contest's stages, in words.
const STAGES: &[(&str, &str)] = &[
    ("selectia_dosarelor", "selecția dosarelor"),
    ("proba_scrisa", "proba scrisă"),
    ("interviu", "interviul"),
    ("final", "rezultatele finale"),
    ("contestatii", "contestațiile"),
];

/// The dates of a contest's calendar that are mailed when they move: (path, words).
const CONTEST_DATES: &[(&str, &str, &str)] = &[
    ("dossiers_to", "", "Termenul de depunere a dosarelor"),
    ("written_test", "at", "Proba scrisă"),
    ("interview", "at", "Interviul"),
    ("final_results_by", "", "Rezultatele finale"),
];

/// The entries of a list field that were not there before (new awards, notices, results …),
/// matched by `id` when they have one.
fn added<'a>(before: &Value, after: &'a Value) -> Vec<&'a Value> {
    let old = before.as_array().cloned().unwrap_or_default();
    let same = |a: &Value, b: &Value| match (a.get("id"), b.get("id")) {
        (Some(x), Some(y)) => x == y && a.get("rel") == b.get("rel"),
        _ => a == b,
    };
    after.as_array().into_iter().flatten().filter(|n| !old.iter().any(|o| same(o, n))).collect()
}

fn key_of(v: &Value) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(v.to_string().as_bytes())[..8])
}

/// The changes from `before` to `after` (snapshots of [`watched`]). A field absent from
/// `before` was not watched yet when it was taken: not a change. A field that became empty
/// (a deleted award, an unset date) is not mailed.
pub fn between(before: &Value, after: &Value, env: &minijinja::Environment) -> Vec<Change> {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else { return vec![] };
    let stages: Map<String, Value> = STAGES.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
    let say = |field: &str, a: &Value, b: &Value, extra: Value| -> String {
        let template = SAYS.iter().find(|(f, _)| *f == field).map(|(_, t)| *t).unwrap_or("{{ b }}");
        let v = |x: &Value| minijinja::Value::from(minijinja::value::Serde(x.clone()));
        env.render_str(template, minijinja::context! { a => v(a), b => v(b), stages => minijinja::Value::from(minijinja::value::Serde(&stages)), what => v(&extra) })
            .unwrap_or_else(|_| format!("{a} → {b}"))
    };
    let mut changes = vec![];
    for (field, new) in after {
        let Some(old) = before.get(field) else { continue };
        if old == new || new.is_null() {
            continue;
        }
        match field.as_str() {
            "changed_by" | "awards" | "contracts" | "results" | "notices" => {
                for b in added(old, new) {
                    let url = (field == "changed_by").then(|| b["url"].as_str().map(str::to_owned)).flatten();
                    changes.push(Change {
                        key: format!("{field}:{}", key_of(b)),
                        detail: say(field, &Value::Null, b, Value::Null),
                        url,
                    });
                }
            }
            "calendar" => {
                for (date, part, words) in CONTEST_DATES {
                    let at = |v: &Value| if part.is_empty() { v[date].clone() } else { v[date][part].clone() };
                    let (a, b) = (at(old), at(new));
                    if a != b && a.is_string() && b.is_string() {
                        changes.push(Change {
                            key: format!("{field}:{date}:{}", key_of(&b)),
                            detail: say(field, &a, &b, (*words).into()),
                            url: None,
                        });
                    }
                }
            }
            "minutes" | "agenda" if new.as_array().is_none_or(Vec::is_empty) => {}
            "minutes" if !old.as_array().is_none_or(Vec::is_empty) => {}
            _ => changes.push(Change {
                key: format!("{field}:{}", key_of(new)),
                detail: say(field, old, new, Value::Null),
                url: (field == "adopted_as").then(|| new["url"].as_str().map(str::to_owned)).flatten(),
            }),
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> minijinja::Environment<'static> {
        let mut env = minijinja::Environment::new();
        env.add_filter("date_ro", |s: String| s);
        env.add_filter("datetime_ro", |s: String| s);
        env.add_filter("money", |v: minijinja::Value| v.to_string());
        env.add_function("label", |_: String, v: String| v);
        env
    }

    #[test]
    fn a_field_missing_from_the_old_snapshot_or_unchanged_is_no_change() {
        let env = env();
        let old = json!({"comments_deadline": "2026-12-10"});
        let new = json!({"comments_deadline": "2026-12-10", "adopted_as": {"number": "7/2026", "url": "/h/7/"}});
        assert!(between(&old, &new, &env).is_empty());
    }

    #[test]
    fn a_new_award_and_a_moved_test_date_are_one_change_each() {
        let env = env();
        let old = json!({"awards": [{"id": "a1"}], "calendar": {"dossiers_to": "2026-12-01", "written_test": {"at": "2026-12-10T10:00:00+02:00"}}});
        let new = json!({"awards": [{"id": "a1"}, {"id": "a2", "suppliers": [{"name": "SC Drum SRL"}], "value": 5}],
                         "calendar": {"dossiers_to": "2026-12-01", "written_test": {"at": "2026-12-12T10:00:00+02:00"}}});
        let c = between(&old, &new, &env);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c.iter().any(|c| c.detail.starts_with("Atribuire: SC Drum SRL")));
        assert!(c.iter().any(|c| c.detail.contains("Proba scrisă: 2026-12-10T10:00:00+02:00 → 2026-12-12")));
    }
}
