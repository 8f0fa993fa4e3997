//! The archive's full-text index: every OCR'd page of the open archive units, in one SQLite
//! file with an FTS5 table. The generator writes it (`Writer`: a unit at a time, so a unit
//! ingested again is replaced and nothing else is touched); the API searches it (`search`),
//! opened read-only.
//!
//! A page's words are those of the site's static index (`words`: folded, stemmed, compound parts),
//! joined by spaces into the FTS5 column, so "hidrantul inghetat" finds "Hidrantul înghețat" and
//! "hidranti" finds "hidrantul". The table is contentless: the page's own text is kept beside
//! it, once, to cut a snippet around the words found. Results are ranked by BM25.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use std::sync::mpsc::sync_channel;

use rayon::prelude::*;
use rusqlite::{Connection, OpenFlags, params};
use serde::Serialize;

use crate::words::{self, Stemmer, text_words};

/// How many units are loaded and written together (200 pages each: about 40 MB of text).
const BATCH_UNITS: usize = 100;

/// The layout of the file; a file of another version is rebuilt from scratch.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE unit (
    id TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,
    title TEXT NOT NULL,
    reference_code TEXT NOT NULL,
    dates TEXT NOT NULL
) STRICT;
CREATE TABLE page (
    id INTEGER PRIMARY KEY,
    unit TEXT NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    url TEXT NOT NULL,
    text TEXT NOT NULL
) STRICT;
CREATE INDEX page_of_unit ON page(unit);
CREATE TABLE word (
    term TEXT PRIMARY KEY,
    pages INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE VIRTUAL TABLE page_words USING fts5(
    words, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'
);
";

/// One open archive unit and the OCR text of its pages, as the site publishes them.
pub struct UnitText {
    pub id: String,
    /// Changes whenever anything below does (the generator stamps the OCR files).
    pub stamp: String,
    pub title: String,
    pub reference_code: String,
    /// "1920 – 1925".
    pub dates: String,
    pub pages: Vec<PageText>,
}

pub struct PageText {
    /// "f. 2".
    pub label: String,
    /// Where the viewer opens at this page.
    pub url: String,
    pub text: String,
}

/// A unit with the words of each page: what the writer stores. Made in parallel.
struct IndexedUnit {
    unit: UnitText,
    words: Vec<String>,
    /// Each word of the unit, with the number of its pages holding it.
    terms: Terms,
}

/// Words, each with a number of pages.
type Terms = HashMap<String, i64>;

impl IndexedUnit {
    fn new(unit: UnitText, stemmer: &Stemmer) -> IndexedUnit {
        let words: Vec<String> = unit.pages.iter().map(|p| page_words(&p.text, stemmer)).collect();
        let terms = count_terms(words.iter().map(String::as_str));
        IndexedUnit { unit, words, terms }
    }
}

fn add(terms: &mut Terms, term: &str, n: i64) {
    match terms.get_mut(term) {
        Some(count) => *count += n,
        None => {
            terms.insert(term.to_owned(), n);
        }
    }
}

/// How many of `pages` (each its words joined by spaces) hold each word.
fn count_terms<'a>(pages: impl Iterator<Item = &'a str>) -> Terms {
    let mut terms = Terms::default();
    for page in pages {
        let unique: HashSet<&str> = page.split(' ').filter(|w| !w.is_empty()).collect();
        for term in unique {
            add(&mut terms, term, 1);
        }
    }
    terms
}

/// The index words of a text, joined by spaces.
fn page_words(text: &str, stemmer: &Stemmer) -> String {
    let mut out = String::with_capacity(text.len());
    for raw in text.split_whitespace() {
        text_words(raw, Some(stemmer), |found| {
            for w in found {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&w.stem);
            }
        });
    }
    out
}

/// The index file opened for writing.
pub struct Writer {
    conn: Connection,
    stemmer: Stemmer,
}

impl Writer {
    /// Opens the file, creating it (or recreating one of another layout).
    pub fn open(path: &Path) -> rusqlite::Result<Writer> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version != SCHEMA_VERSION {
            conn.execute_batch(
                "DROP TABLE IF EXISTS page_words; DROP TABLE IF EXISTS word; DROP TABLE IF EXISTS page;
                 DROP TABLE IF EXISTS unit;",
            )?;
            conn.execute_batch(SCHEMA)?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        Ok(Writer { conn, stemmer: words::romanian() })
    }

    /// Each unit in the index, with its stamp.
    pub fn stamps(&self) -> rusqlite::Result<HashMap<String, String>> {
        let mut stmt = self.conn.prepare("SELECT id, stamp FROM unit")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
    }

    /// Removes these units, in one transaction.
    pub fn remove(&mut self, ids: &[String]) -> rusqlite::Result<()> {
        self.apply(&[], ids)
    }

    /// Replaces these units (adding those not there yet) and removes the units `gone`, in one
    /// transaction: a reader sees the index before or after, never half of it.
    fn apply(&mut self, units: &[IndexedUnit], gone: &[String]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut forget_words =
                tx.prepare_cached("DELETE FROM page_words WHERE rowid IN (SELECT id FROM page WHERE unit = ?1)")?;
            let mut forget_unit = tx.prepare_cached("DELETE FROM unit WHERE id = ?1")?;
            let mut add_unit = tx.prepare_cached(
                "INSERT INTO unit (id, stamp, title, reference_code, dates) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut add_page =
                tx.prepare_cached("INSERT INTO page (unit, label, url, text) VALUES (?1, ?2, ?3, ?4)")?;
            let mut add_words = tx.prepare_cached("INSERT INTO page_words (rowid, words) VALUES (?1, ?2)")?;
            let mut old_text = tx.prepare_cached("SELECT text FROM page WHERE unit = ?1")?;
            let mut count = tx.prepare_cached(
                "INSERT INTO word (term, pages) VALUES (?1, ?2) ON CONFLICT (term) DO UPDATE SET pages = pages + ?2",
            )?;
            let mut drop_word = tx.prepare_cached("DELETE FROM word WHERE term = ?1 AND pages <= 0")?;
            // The words of the pages replaced or gone are counted out (made again from their text).
            let mut counts = Terms::default();
            for id in gone.iter().chain(units.iter().map(|u| &u.unit.id)) {
                let texts: Vec<String> = old_text.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                let words: Vec<String> = texts.iter().map(|t| page_words(t, &self.stemmer)).collect();
                for (term, n) in count_terms(words.iter().map(String::as_str)) {
                    *counts.entry(term).or_default() -= n;
                }
                forget_words.execute([id])?;
                forget_unit.execute([id])?;
            }
            for u in units {
                for (term, n) in &u.terms {
                    add(&mut counts, term, *n);
                }
            }
            for (term, n) in &counts {
                if *n != 0 {
                    count.execute(params![term, n])?;
                }
                if *n < 0 {
                    drop_word.execute([term])?;
                }
            }
            for IndexedUnit { unit: u, words, .. } in units {
                add_unit.execute(params![u.id, u.stamp, u.title, u.reference_code, u.dates])?;
                for (page, words) in u.pages.iter().zip(words) {
                    add_page.execute(params![u.id, page.label, page.url, page.text])?;
                    add_words.execute(params![tx.last_insert_rowid(), words])?;
                }
            }
        }
        tx.commit()
    }

    /// Writes `units` in batches (replacing those already there): each batch is loaded
    /// (`load`: its text read) and its words made on every core while the previous one is
    /// written. `written` is told each batch's units and pages.
    pub fn write<T: Sync>(
        &mut self,
        units: &[T],
        load: impl Fn(&T) -> UnitText + Sync,
        mut written: impl FnMut(usize, usize),
    ) -> rusqlite::Result<()> {
        let (send, receive) = sync_channel::<Vec<IndexedUnit>>(1);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for batch in units.chunks(BATCH_UNITS) {
                    let indexed: Vec<IndexedUnit> = batch
                        .par_iter()
                        .map_init(words::romanian, |stemmer, unit| IndexedUnit::new(load(unit), stemmer))
                        .collect();
                    if send.send(indexed).is_err() {
                        return;
                    }
                }
                drop(send);
            });
            for batch in receive {
                self.apply(&batch, &[])?;
                written(batch.len(), batch.iter().map(|u| u.unit.pages.len()).sum());
            }
            Ok(())
        })
    }

    /// Merges the index's segments: a smaller file and faster queries after a full build.
    pub fn optimize(&self) -> rusqlite::Result<()> {
        self.conn
            .execute_batch("INSERT INTO page_words (page_words) VALUES ('optimize'); PRAGMA wal_checkpoint(TRUNCATE);")
    }
}

/// Opens the index for searching: read-only, so a query can never change it.
pub fn open_for_search(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
}

/// One page found.
#[derive(Debug, Serialize)]
pub struct Hit {
    pub unit: String,
    pub reference_code: String,
    pub dates: String,
    pub page: String,
    pub url: String,
    /// The words around the first place the query's words are found, cut into pieces
    /// that are (`hit`) or are not one of them. Plain text: the page puts it in text nodes.
    pub snippet: Vec<Piece>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// A page of results.
#[derive(Debug, Serialize)]
pub struct Results {
    /// The query's words, as searched (folded and stemmed); empty when it had none.
    pub words: Vec<String>,
    pub hits: Vec<Hit>,
    /// Whether there are results after these.
    pub more: bool,
    /// False when the words are on so many pages that they could not be ranked in time: the
    /// pages are then in the archive's order (another word narrows the search).
    pub ranked: bool,
}

/// The shortest query word matched as the start of longer words.
const MIN_PREFIX_CHARS: usize = 4;

/// How many words a snippet shows.
const SNIPPET_WORDS: usize = 28;

/// Ranking the pages found costs about 2 µs a page (measured on a million pages): up to this
/// many pages are ranked (about 100 ms). A word on more pages ("și", "de") is answered with the
/// first pages holding it, in the archive's order, at once; another word narrows the search.
pub const RANK_UP_TO: i64 = 50_000;

/// The longest list of words a query word is matched as the start of.
const MAX_EXTENSIONS: i64 = 16;

/// Searches the pages holding every word of `query`, best first: `limit` of them after the
/// first `offset`. When the words are on more than `rank_up_to` pages, the pages come in the
/// archive's order (`Results::ranked` is false).
pub fn search(
    conn: &Connection,
    query: &str,
    offset: usize,
    limit: usize,
    rank_up_to: i64,
) -> rusqlite::Result<Results> {
    let stemmer = words::romanian();
    let mut terms: Vec<String> = vec![];
    for raw in query.split_whitespace() {
        if let Some(w) = words::index_words(raw, Some(&stemmer)).into_iter().next()
            && !terms.contains(&w.stem)
        {
            terms.push(w.stem);
        }
    }
    let none = |terms| Ok(Results { words: terms, hits: vec![], more: false, ranked: true });
    if terms.is_empty() {
        return none(terms);
    }
    // Each query word is the index words it starts (the longest-held first), as in Pagefind's
    // client: a stem is not always that of every form of the word ("sedinta" → "sedint",
    // "ședinței" → "sedinte"). Short words match only themselves. The word list also says on
    // how many pages each is, so how many pages the query can match at most.
    let mut extend = conn.prepare_cached(
        "SELECT term, pages FROM word WHERE term >= ?1 AND term < ?1 || char(1114111) ORDER BY pages DESC LIMIT ?2",
    )?;
    let mut exact = conn.prepare_cached("SELECT term, pages FROM word WHERE term = ?1")?;
    let mut groups = vec![];
    let mut matched: Vec<String> = vec![];
    let mut at_most = i64::MAX;
    for t in &terms {
        let found: Vec<(String, i64)> = if t.chars().count() >= MIN_PREFIX_CHARS {
            extend
                .query_map(params![t, MAX_EXTENSIONS], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        } else {
            exact.query_map([t], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        };
        if found.is_empty() {
            return none(terms);
        }
        at_most = at_most.min(found.iter().map(|(_, n)| n).sum());
        // A word is letters and digits: no quote can be inside it.
        groups.push(format!("({})", found.iter().map(|(w, _)| format!("\"{w}\"")).collect::<Vec<_>>().join(" OR ")));
        matched.extend(found.into_iter().map(|(w, _)| w));
    }
    let ranked = at_most <= rank_up_to;
    let ids = found(conn, if ranked { RANKED } else { IN_ORDER }, &groups.join(" AND "), offset, limit)?;
    let more = ids.len() > limit;
    let wanted: HashSet<&str> = matched.iter().map(String::as_str).collect();
    let mut page = conn.prepare_cached(
        "SELECT u.title, u.reference_code, u.dates, p.label, p.url, p.text
         FROM page AS p JOIN unit AS u ON u.id = p.unit WHERE p.id = ?1",
    )?;
    let hits = ids
        .iter()
        .take(limit)
        .map(|id| {
            page.query_row([id], |r| {
                let text: String = r.get(5)?;
                Ok(Hit {
                    unit: r.get(0)?,
                    reference_code: r.get(1)?,
                    dates: r.get(2)?,
                    page: r.get(3)?,
                    url: r.get(4)?,
                    snippet: snippet(&text, &wanted, &stemmer),
                })
            })
        })
        .collect::<rusqlite::Result<Vec<Hit>>>()?;
    Ok(Results { words: terms, hits, more, ranked })
}

/// The pages matching, best first (BM25).
const RANKED: &str = "SELECT rowid FROM page_words WHERE page_words MATCH ?1 ORDER BY rank LIMIT ?2 OFFSET ?3";
/// The pages matching, in the archive's order: the first found are returned at once.
const IN_ORDER: &str = "SELECT rowid FROM page_words WHERE page_words MATCH ?1 LIMIT ?2 OFFSET ?3";

/// The ids of `limit + 1` pages matching `expression` after `offset` (one more tells whether more follow).
fn found(conn: &Connection, sql: &str, expression: &str, offset: usize, limit: usize) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(sql)?;
    stmt.query_map(params![expression, (limit + 1) as i64, offset as i64], |r| r.get(0))?.collect()
}

/// The words of `text` around the first of `wanted`, with the found words marked.
fn snippet(text: &str, wanted: &HashSet<&str>, stemmer: &Stemmer) -> Vec<Piece> {
    let raw: Vec<&str> = text.split_whitespace().collect();
    let is_hit = |w: &str| {
        let mut hit = false;
        text_words(w, Some(stemmer), |found| hit = found.iter().any(|f| wanted.contains(f.stem.as_str())));
        hit
    };
    let first = raw.iter().position(|w| is_hit(w)).unwrap_or(0);
    let start = first.saturating_sub(SNIPPET_WORDS / 4);
    let end = (start + SNIPPET_WORDS).min(raw.len());
    let mut pieces: Vec<Piece> = vec![];
    let mut push = |text: &str, hit: bool| match pieces.last_mut() {
        Some(last) if last.hit == hit => last.text.push_str(text),
        _ => pieces.push(Piece { text: text.to_owned(), hit }),
    };
    if start > 0 {
        push("… ", false);
    }
    for (i, w) in raw[start..end].iter().enumerate() {
        if i > 0 {
            push(" ", false);
        }
        push(w, is_hit(w));
    }
    if end < raw.len() {
        push(" …", false);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, stamp: &str, pages: &[&str]) -> UnitText {
        UnitText {
            id: id.into(),
            stamp: stamp.into(),
            title: format!("Unitatea {id}"),
            reference_code: format!("RO-AMT-{id}"),
            dates: "1920 – 1925".into(),
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, t)| PageText {
                    label: format!("f. {}", i + 1),
                    url: format!("/arhiva/{id}/#pagina-{}", i + 1),
                    text: (*t).into(),
                })
                .collect(),
        }
    }

    fn write(path: &Path, units: Vec<UnitText>, gone: &[&str]) {
        let stemmer = words::romanian();
        let units: Vec<IndexedUnit> = units.into_iter().map(|u| IndexedUnit::new(u, &stemmer)).collect();
        let gone: Vec<String> = gone.iter().map(|s| (*s).to_owned()).collect();
        Writer::open(path).unwrap().apply(&units, &gone).unwrap();
    }

    fn urls(path: &Path, q: &str) -> Vec<String> {
        search(&open_for_search(path).unwrap(), q, 0, 10, RANK_UP_TO).unwrap().hits.into_iter().map(|h| h.url).collect()
    }

    #[test]
    fn pages_are_found_without_diacritics_and_by_other_forms_of_a_word() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("arhiva.sqlite");
        write(
            &db,
            vec![unit(
                "d1",
                "a",
                &["Procesul-verbal al ședinței din 3 martie.", "Hidrantul din Piața Unirii era înghețat."],
            )],
            &[],
        );
        assert_eq!(urls(&db, "hidrantul inghetat"), ["/arhiva/d1/#pagina-2"]);
        assert_eq!(urls(&db, "hidranti"), ["/arhiva/d1/#pagina-2"]);
        assert_eq!(urls(&db, "sedinta"), ["/arhiva/d1/#pagina-1"]);
        assert_eq!(urls(&db, "verbal"), ["/arhiva/d1/#pagina-1"], "a compound's parts are words");
        assert!(urls(&db, "hidrantul martie").is_empty(), "every word must be on the page");
        let hit = search(&open_for_search(&db).unwrap(), "inghetat", 0, 10, RANK_UP_TO).unwrap().hits.remove(0);
        assert_eq!(hit.page, "f. 2");
        assert!(hit.snippet.contains(&Piece { text: "înghețat.".into(), hit: true }), "{:?}", hit.snippet);
        assert!(hit.snippet.iter().any(|p| !p.hit && p.text.contains("Piața Unirii")), "{:?}", hit.snippet);
    }

    #[test]
    fn a_unit_written_again_replaces_its_pages_and_a_unit_gone_leaves_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("arhiva.sqlite");
        write(&db, vec![unit("d1", "a", &["tramvaiul electric"]), unit("d2", "a", &["podul de fier"])], &[]);
        write(&db, vec![unit("d1", "b", &["omnibuzul cu cai"])], &["d2"]);
        assert!(urls(&db, "tramvaiul").is_empty());
        assert!(urls(&db, "podul").is_empty());
        assert_eq!(urls(&db, "omnibuzul"), ["/arhiva/d1/#pagina-1"]);
        let stamps = Writer::open(&db).unwrap().stamps().unwrap();
        assert_eq!(stamps, HashMap::from([("d1".to_owned(), "b".to_owned())]));
        // The word list counts the pages of the units there, and only theirs.
        let conn = open_for_search(&db).unwrap();
        let words: Vec<(String, i64)> = conn
            .prepare("SELECT term, pages FROM word ORDER BY term")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let stemmer = words::romanian();
        let expected: Vec<(String, i64)> = {
            let mut w: Vec<String> = page_words("omnibuzul cu cai", &stemmer).split(' ').map(str::to_owned).collect();
            w.sort();
            w.dedup();
            w.into_iter().map(|t| (t, 1)).collect()
        };
        assert_eq!(words, expected);
    }

    #[test]
    fn results_come_a_page_at_a_time_and_say_whether_more_follow() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("arhiva.sqlite");
        let texts: Vec<String> = (0..5).map(|i| format!("registrul de intrare numărul {i}")).collect();
        write(&db, vec![unit("d1", "a", &texts.iter().map(String::as_str).collect::<Vec<_>>())], &[]);
        let conn = open_for_search(&db).unwrap();
        let first = search(&conn, "registrul", 0, 3, RANK_UP_TO).unwrap();
        let rest = search(&conn, "registrul", 3, 3, RANK_UP_TO).unwrap();
        assert_eq!((first.hits.len(), first.more, rest.hits.len(), rest.more), (3, true, 2, false));
        assert!(search(&conn, "  ,; ", 0, 3, RANK_UP_TO).unwrap().words.is_empty());
        assert!(search(&conn, "\"OR\" NEAR(", 0, 3, RANK_UP_TO).unwrap().hits.is_empty(), "query syntax is only words");
        assert!(first.ranked);
        // On more pages than are ranked: the first pages found, in the archive's order, said so.
        let in_order = search(&conn, "registrul", 0, 3, 4).unwrap();
        assert!(!in_order.ranked);
        assert_eq!(in_order.hits.iter().map(|h| h.page.as_str()).collect::<Vec<_>>(), ["f. 1", "f. 2", "f. 3"]);
        assert!(in_order.more);
    }
}
