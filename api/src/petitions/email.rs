//! One signature per person: addresses normalised the way the big providers deliver them, and
//! the domain lists (throwaway domains refused; large providers exempt from per-domain limits).

use std::collections::HashSet;
use std::sync::LazyLock;

fn list(text: &'static str) -> HashSet<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

static DISPOSABLE: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../../data/disposable_domains.txt")));
static LARGE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| list(include_str!("../../data/large_providers.txt")));

/// The address as one mailbox: lower case; for Gmail dots and `+tags` dropped (they reach the
/// same inbox), for the other large providers `+tags` dropped. Returns (normalised, domain).
pub fn normalise(email: &str) -> (String, String) {
    let email = email.trim().to_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else { return (email.clone(), String::new()) };
    let domain = match domain {
        "googlemail.com" => "gmail.com",
        d => d,
    };
    let untagged = local.split('+').next().unwrap_or(local);
    let local = match domain {
        "gmail.com" => untagged.replace('.', ""),
        d if LARGE.contains(d) => untagged.to_owned(),
        _ => local.to_owned(),
    };
    (format!("{local}@{domain}"), domain.to_owned())
}

pub fn is_disposable(domain: &str) -> bool {
    DISPOSABLE.contains(domain)
        || domain.rsplit_once('.').is_some_and(|_| DISPOSABLE.iter().any(|d| domain.ends_with(&format!(".{d}"))))
}

pub fn is_large_provider(domain: &str) -> bool {
    LARGE.contains(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_of_one_mailbox_normalise_to_one_address() {
        assert_eq!(normalise("Ana.Pop+petitie@GMail.com").0, "anapop@gmail.com");
        assert_eq!(normalise("anapop@googlemail.com").0, "anapop@gmail.com");
        assert_eq!(normalise("ana.pop+x@outlook.com").0, "ana.pop@outlook.com");
        assert_eq!(normalise("ana.pop+x@primariatm.ro").0, "ana.pop+x@primariatm.ro", "small domains keep their tags");
        assert_eq!(normalise("Ion@Yahoo.ro").1, "yahoo.ro");
    }

    #[test]
    fn throwaway_domains_are_known_and_large_providers_are_not_throwaway() {
        assert!(is_disposable("mailinator.com"));
        assert!(is_disposable("eu.mailinator.com"));
        assert!(!is_disposable("gmail.com"));
        assert!(is_large_provider("gmail.com") && !is_large_provider("example.ro"));
    }
}
