//! E-mail addresses, the one place that decides what an address is: the form it is stored and
//! delivered in (quotes and escapes removed, as the receiving server reads them), refusing what a
//! sender cannot deliver, and the mailbox it reaches (the big providers' aliases folded) that
//! one-per-person rules and per-address limits count by. Accounts, forms, petitions and alerts
//! all read addresses through here; the domain lists are in `api/data/`.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::error::FieldError;

/// An address as typed, once it is known to be deliverable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// What is stored and what mail is sent to: `local@domain`, lower case, the local part a
    /// plain dot-atom (`"ana"@x.ro` and `"a\na"@x.ro` are delivered as `ana@x.ro`).
    pub address: String,
    /// The mailbox it reaches: for Gmail dots and `+tags` dropped, for the other large providers
    /// `+tags` dropped. One signature per mailbox, one mail limit per mailbox.
    pub mailbox: String,
    /// The domain, lower case (`googlemail.com` as `gmail.com`).
    pub domain: String,
}

fn problem(message: &str) -> FieldError {
    FieldError { field: "email".into(), label: "E-mail".into(), message: message.into() }
}

const INVALID: &str = "nu este o adresă de e-mail validă (de forma nume@domeniu.ro)";

/// Reads an address as a receiving server would: trims it, lower-cases it, unquotes a quoted
/// local part and removes its escapes, then refuses anything that is not a plain
/// `dot-atom@domain` (spaces or other specials inside quotes, domain literals, a domain without
/// a dot), since mail to it could not be sent.
pub fn parse(raw: &str) -> Result<Address, FieldError> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(problem("este obligatoriu"));
    }
    let Some((local, domain)) = email.rsplit_once('@') else { return Err(problem(INVALID)) };
    let local = unquote(local).ok_or_else(|| problem(INVALID))?;
    if !is_dot_atom(&local) {
        return Err(problem(
            "nu poate primi e-mail: partea dinaintea @ poate avea doar litere, cifre, puncte și semnele ! # $ % & ' * + - / = ? ^ _ ` { | } ~",
        ));
    }
    if !is_domain(domain) {
        return Err(problem(INVALID));
    }
    let address = format!("{local}@{domain}");
    if address.len() > 254 || local.len() > 64 || address.parse::<lettre::Address>().is_err() {
        return Err(problem(INVALID));
    }
    let domain = match domain {
        "googlemail.com" => "gmail.com",
        d => d,
    };
    let untagged = local.split('+').next().unwrap_or(&local);
    let mailbox_local = match domain {
        "gmail.com" => untagged.replace('.', ""),
        d if LARGE.contains(d) => untagged.to_owned(),
        _ => local.clone(),
    };
    Ok(Address { mailbox: format!("{mailbox_local}@{domain}"), domain: domain.to_owned(), address })
}

/// The stored form of an address (see [`parse`]), or the problem with it as a form field.
pub fn normalise(raw: &str) -> Result<String, FieldError> {
    parse(raw).map(|a| a.address)
}

/// A local part as the receiving server reads it: a quoted string loses its quotes and the
/// backslashes of its quoted pairs. `None` for a quote that does not close the local part.
fn unquote(local: &str) -> Option<String> {
    let Some(inner) = local.strip_prefix('"') else {
        return (!local.contains('"') && !local.contains('\\')).then(|| local.to_owned());
    };
    let inner = inner.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// RFC 5322 `dot-atom`: atoms of `atext` joined by single dots.
fn is_dot_atom(local: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    !local.is_empty() && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// A host name with at least two labels (no domain literal, no bare host).
fn is_domain(domain: &str) -> bool {
    let label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    domain.contains('.') && domain.split('.').all(label)
}

fn list(text: &'static str) -> HashSet<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

static DISPOSABLE: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../data/disposable_domains.txt")));
static LARGE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| list(include_str!("../data/large_providers.txt")));

/// Throwaway domains, refused for signatures.
pub fn is_disposable(domain: &str) -> bool {
    DISPOSABLE.contains(domain)
        || domain.rsplit_once('.').is_some_and(|_| DISPOSABLE.iter().any(|d| domain.ends_with(&format!(".{d}"))))
}

/// The large providers, exempt from per-domain limits.
pub fn is_large_provider(domain: &str) -> bool {
    LARGE.contains(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(raw: &str) -> String {
        parse(raw).unwrap_or_else(|e| panic!("{raw}: {}", e.message)).mailbox
    }

    #[test]
    fn aliases_of_one_mailbox_normalise_to_one_address() {
        assert_eq!(mailbox("Ana.Pop+petitie@GMail.com"), "anapop@gmail.com");
        assert_eq!(mailbox("anapop@googlemail.com"), "anapop@gmail.com");
        assert_eq!(mailbox("ana.pop+x@outlook.com"), "ana.pop@outlook.com");
        assert_eq!(mailbox("ana.pop+x@primariatm.ro"), "ana.pop+x@primariatm.ro", "small domains keep their tags");
        assert_eq!(parse("Ion@Yahoo.ro").unwrap().domain, "yahoo.ro");
    }

    #[test]
    fn quoted_and_escaped_local_parts_are_the_mailbox_they_are_delivered_to() {
        for raw in [
            "signer1@example.ro",
            "\"signer1\"@example.ro",
            "\"s\\igner1\"@example.ro",
            "\"\\s\\i\\gner1\"@example.ro",
            " SIGNER1@Example.RO ",
        ] {
            let a = parse(raw).unwrap_or_else(|e| panic!("{raw}: {}", e.message));
            assert_eq!(a.address, "signer1@example.ro", "{raw}");
            assert_eq!(a.mailbox, "signer1@example.ro", "{raw}");
        }
        assert_eq!(mailbox("\"ionpop\"@gmail.com"), mailbox("ion.pop@gmail.com"));
        assert_eq!(mailbox("\"ion.pop+x\"@gmail.com"), "ionpop@gmail.com");
    }

    #[test]
    fn what_cannot_be_delivered_is_refused() {
        for raw in [
            "\"a b\"@example.ro",
            "\"a@b\"@example.ro",
            "\"a\"b\"@example.ro",
            "\"unclosed@example.ro",
            "a\\b@example.ro",
            "a..b@example.ro",
            ".a@example.ro",
            "a.@example.ro",
            "a@[127.0.0.1]",
            "a@localhost",
            "a@-x.ro",
            "a@x..ro",
            "a@",
            "@example.ro",
            "fara-arond",
            "",
        ] {
            assert!(parse(raw).is_err(), "{raw:?} was accepted");
        }
        assert_eq!(parse("").unwrap_err().message, "este obligatoriu");
        assert!(parse(&format!("{}@example.ro", "a".repeat(65))).is_err(), "a local part has at most 64 characters");
    }

    #[test]
    fn throwaway_domains_are_known_and_large_providers_are_not_throwaway() {
        assert!(is_disposable("mailinator.com"));
        assert!(is_disposable("eu.mailinator.com"));
        assert!(!is_disposable("gmail.com"));
        assert!(is_large_provider("gmail.com") && !is_large_provider("example.ro"));
    }
}
