//! `/data/site.json`: the site's frame (name, menus, footer, asset names), so the API's pages
//! and e-mails share the site's header and footer.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What every page of the theme sees as `site`, except "today".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteFrame {
    /// The city, its council and mayor, as `civic.yaml` gives them (passed to templates as written).
    pub city: Value,
    /// The site's public address, without a trailing slash.
    pub base_url: String,
    pub lang: String,
    /// `civic.yaml`'s contact block, as written.
    pub contact: Value,
    /// `civic.yaml`'s links to the city's other services, as written.
    pub external_links: Value,
    /// The theme colours, as written.
    pub colors: Value,
    /// The theme's assets by file name, each with its content-hashed address.
    pub assets: Map<String, Value>,
    /// The sections in the main menu.
    pub nav: Vec<NavLink>,
    /// The pages in the footer, in order.
    pub footer: Vec<FooterLink>,
}

impl SiteFrame {
    /// The city's name ("Timișoara"), for titles outside the pages.
    pub fn city_name(&self) -> &str {
        self.city["name"].as_str().unwrap_or("civic")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NavLink {
    /// The content type of the section.
    pub kind: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FooterLink {
    pub title: String,
    pub url: String,
}
