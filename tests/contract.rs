//! The published contract, both ways: every file the API reads from a built site is read into
//! the contract's type and written back unchanged, so the generator and the API cannot drift
//! apart without this test failing.

use civic_contract::{
    CalendarRules, DraftDecision, FormsFile, List, Listed, PetitionRules, PublicWork, SiteFrame, StreetsFile, files,
};
use civic_tests::{Built, build, root};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `relative` of `site` read as `T` and serialised again equals the published JSON.
fn round_trips<T: DeserializeOwned + Serialize>(site: &Built, relative: &str) -> T {
    let text = site.read(relative);
    let published: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"));
    let typed: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{relative} is not the contract's type: {e}"));
    let again = serde_json::to_value(&typed).unwrap();
    assert_eq!(again, published, "{relative} changes when read into the contract's type and written back");
    typed
}

#[test]
fn every_file_the_api_reads_round_trips_through_the_contract() {
    let site = build(&root().join("content"), "2026-11-26");
    let forms: FormsFile = round_trips(&site, files::FORMS);
    assert_eq!(forms.count, forms.forms.len());
    assert!(forms.forms.len() >= 3, "the sample has forms");
    for form in &forms.forms {
        assert!(site.exists(form.schema.trim_start_matches('/')), "{} names a schema that is not published", form.id);
    }
    let frame: SiteFrame = round_trips(&site, files::SITE);
    assert_eq!(frame.city_name(), "Timișoara");
    round_trips::<CalendarRules>(&site, files::CALENDAR);
    round_trips::<PetitionRules>(&site, files::PETITION_RULES);
    let streets: StreetsFile = round_trips(&site, files::STREETS);
    assert!(!streets.items.is_empty(), "the sample has streets");
    let works: List<PublicWork> = round_trips(&site, files::PUBLIC_WORKS);
    assert!(works.items.iter().any(|w| !w.districts.is_empty()), "works touch districts");
    let drafts: List<DraftDecision> = round_trips(&site, &files::list("draft_decision"));
    assert!(drafts.items.iter().all(|d| d.consultation.closes_on().is_some()), "every consultation has its last day");
    round_trips::<List<civic_contract::District>>(&site, &files::list("district"));
    round_trips::<civic_contract::ListPagesFile>(&site, files::LIST_PAGES);
    for kind in ["council_decision", "tender", "job_contest", "recurring_service"] {
        let list: List<Listed> = round_trips(&site, &files::list(kind));
        assert_eq!(list.count, list.items.len(), "{kind}");
    }
}
