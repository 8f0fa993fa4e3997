//! How a page's text becomes the words of the index: Pagefind 1.6's rules (its
//! `fossick/splitting.rs`, MIT, © CloudCannon), so that the words its browser client makes of a
//! query are the words this index holds.
//!
//! A raw word (text between spaces) is lower-cased and kept to its letters and digits, its
//! diacritics are folded ("ședința" → "sedinta", the original form is kept as a variant so an
//! exact query ranks first) and it is stemmed (Snowball, the same stemmer the client runs).
//! A word with punctuation or inner capitals is also indexed by its parts ("123/2024" → "123",
//! "2024"; "sud-est" → "sud", "est"), each part with a share of the word's weight, and a dotted
//! word by its compound tails. Pagefind's rules for scripts written without spaces (Chinese,
//! Japanese, Thai) are not ported: the site's language is written with spaces.

use convert_case::{Case, Casing};
use std::cell::RefCell;

pub use pagefind_stem::Stemmer;
use rustc_hash::FxHashMap as HashMap;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_segmentation::UnicodeSegmentation;

/// Pagefind's weight of ordinary text (1.0 × its multiplier of 24).
pub const TEXT_WEIGHT: u8 = 24;

/// Characters that count as part of a word: Unicode's "Punctuation, Connector", as in Pagefind.
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

/// The longest dotted tail indexed, in characters.
const MAX_DOTTED_TAIL_CHARS: usize = 64;

/// One word to index for a raw word.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexWord {
    /// Folded and stemmed: the key the client looks up.
    pub stem: String,
    /// The word as written (lower-cased) when folding its diacritics changed it.
    pub original: Option<String>,
    /// A part of a compound word, which gets a share of the word's weight.
    pub part: bool,
}

/// The Romanian Snowball stemmer, the one Pagefind's client runs for a page in Romanian.
pub fn romanian() -> Stemmer {
    Stemmer::create(pagefind_stem::Algorithm::Romanian)
}

/// How many raw words a thread remembers the index words of before it starts afresh.
const WORD_CACHE_LIMIT: usize = 200_000;

thread_local! {
    /// Raw word → its index words, text tails included: a text repeats its words, and
    /// stemming is the costliest step of reading it.
    /// One map for unstemmed words, one for stemmed.
    static WORD_CACHE: RefCell<[HashMap<String, Vec<IndexWord>>; 2]> = RefCell::default();
}

/// Calls `f` with the index words of a raw word of the text, from the thread's cache.
pub fn text_words(raw: &str, stemmer: Option<&Stemmer>, f: impl FnOnce(&[IndexWord])) {
    WORD_CACHE.with_borrow_mut(|caches| {
        let cache = &mut caches[usize::from(stemmer.is_some())];
        if let Some(found) = cache.get(raw) {
            return f(found);
        }
        if cache.len() >= WORD_CACHE_LIMIT {
            cache.clear();
        }
        let mut found = index_words(raw, stemmer);
        let tails = dotted_tails(raw, stemmer, &found);
        found.extend(tails);
        f(&found);
        cache.insert(raw.to_owned(), found);
    })
}

/// The words to index for one raw word, the first being the word itself (when it has any
/// letter or digit), then its parts (Pagefind's `get_indexable_words`). Text, unlike metadata,
/// also indexes the word's `dotted_tails`.
pub fn index_words(raw: &str, stemmer: Option<&Stemmer>) -> Vec<IndexWord> {
    let normalized = normalize(raw);
    let mut out = Vec::with_capacity(1);
    if !normalized.is_empty() {
        out.push(stem_word(&normalized, stemmer, false));
    }
    if is_plain(raw) {
        // Fast path: letters (or digits) with punctuation only around them have no parts,
        // tails or emoji; the rules below would find none.
        return out;
    }
    let compound = raw.chars().any(|c| !c.is_alphanumeric()) || raw.chars().skip(1).any(char::is_uppercase);
    if compound {
        let parts = discrete_words(raw);
        if !normalized.is_empty() && (parts.contains(char::is_whitespace) || !normalized.starts_with(&parts)) {
            for part in parts.split_whitespace().filter(|w| w.len() > 1) {
                let folded = fold_diacritics(part);
                let stem = match stemmer {
                    Some(s) => s.stem(folded.as_deref().unwrap_or(part)).into_owned(),
                    None => folded.clone().unwrap_or_else(|| part.to_owned()),
                };
                out.push(IndexWord { stem, original: folded.map(|_| part.to_owned()), part: true });
            }
        }
        if !raw.is_ascii() {
            for grapheme in raw.graphemes(true).filter(|g| !g.is_ascii() && emojis::get(g).is_some()) {
                out.push(IndexWord { stem: grapheme.to_owned(), original: None, part: false });
            }
        }
    }
    out
}

/// True when the word is letters or digits (not both) with only ASCII punctuation before and
/// after, and no capital but the first: "Consiliul", "aprobă,", "(2024)".
fn is_plain(raw: &str) -> bool {
    let core = raw.trim_matches(|c: char| c.is_ascii_punctuation());
    let mut chars = core.chars();
    let Some(first) = chars.next() else { return false };
    if !first.is_alphanumeric() {
        return false;
    }
    let digits = first.is_numeric();
    chars.all(|c| c.is_alphanumeric() && !c.is_uppercase() && c.is_numeric() == digits)
}

/// Lower-cased letters, digits and word symbols.
fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
    out
}

fn stem_word(normalized: &str, stemmer: Option<&Stemmer>, part: bool) -> IndexWord {
    let folded = fold_diacritics(normalized);
    let base = folded.as_deref().unwrap_or(normalized);
    let stem = match stemmer {
        Some(s) => s.stem(base).into_owned(),
        None => base.to_owned(),
    };
    IndexWord { stem, original: folded.map(|_| normalized.to_owned()), part }
}

/// The word without its combining marks, when it has any to lose; kana voicing marks stay.
fn fold_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    let stripped: String =
        word.nfd().filter(|c| !is_combining_mark(*c) || matches!(*c, '\u{3099}' | '\u{309A}')).collect();
    let folded = if stripped.chars().any(|c| matches!(c, '\u{3099}' | '\u{309A}')) {
        stripped.nfc().collect()
    } else {
        stripped
    };
    (folded != word).then_some(folded)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        is_combining_mark(c) || {
            let mut decomposes = false;
            decompose_canonical(c, |part| decomposes |= part != c);
            decomposes
        }
    })
}

/// The word split at ASCII punctuation and at case and digit boundaries, lower-cased.
fn discrete_words(raw: &str) -> String {
    raw.replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// For "sysconfig.is_python_build", also "is_python_build": each compound tail after a dot
/// that is not already indexed.
pub fn dotted_tails(raw: &str, stemmer: Option<&Stemmer>, existing: &[IndexWord]) -> Vec<IndexWord> {
    let mut tails: Vec<IndexWord> = vec![];
    for (i, _) in raw.match_indices('.') {
        let rest = &raw[i + 1..];
        let tail = match rest.char_indices().nth(MAX_DOTTED_TAIL_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let compound = tail.chars().any(|c| !c.is_alphanumeric()) || tail.chars().skip(1).any(char::is_uppercase);
        if !compound {
            continue;
        }
        let normalized = normalize(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let word = stem_word(&normalized, stemmer, true);
        if !existing.iter().chain(&tails).any(|w| w.stem == word.stem) {
            tails.push(word);
        }
    }
    tails
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(raw: &str) -> Vec<(String, Option<String>, bool)> {
        let romanian = Stemmer::create(pagefind_stem::Algorithm::Romanian);
        index_words(raw, Some(&romanian)).into_iter().map(|w| (w.stem, w.original, w.part)).collect()
    }

    #[test]
    fn diacritics_are_folded_and_the_written_form_kept() {
        let words = stems("Ședința,");
        assert_eq!(words.len(), 1);
        assert!(words[0].0.starts_with("sedint"), "{words:?}");
        assert_eq!(words[0].1.as_deref(), Some("ședința"));
    }

    #[test]
    fn a_number_is_indexed_whole_and_by_its_parts() {
        let words = stems("123/2024");
        assert_eq!(words[0], ("1232024".into(), None, false));
        assert!(
            words.contains(&("123".into(), None, true)) && words.contains(&("2024".into(), None, true)),
            "{words:?}"
        );
    }

    #[test]
    fn plain_words_take_the_fast_path_with_the_same_result() {
        for raw in ["Consiliul", "aprobă,", "(2024)", "local."] {
            assert!(is_plain(raw), "{raw}");
        }
        for raw in ["HCL", "sud-est", "„regulamentul”", "nr.12", "A1"] {
            assert!(!is_plain(raw), "{raw}");
        }
    }
}
