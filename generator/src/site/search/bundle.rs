//! One index in Pagefind 1.6's file format (a "bundle"), written by civic so that it is fast:
//! pages are read on every core, files are compressed at a fast level, and nothing is held but
//! the index being built. The browser side is Pagefind's own client, shipped unchanged from
//! `generator/assets/pagefind/` (see its SOURCE.md).
//!
//! The files, as Pagefind lays them out:
//! - `pagefind-entry.json`: the version and, per language, the metadata file's hash;
//! - `pagefind.<hash>.pf_meta`: every page's fragment hash and word count, the word chunks
//!   (the range of words each holds), the filters and the metadata fields;
//! - `index/<hash>.pf_index`: a chunk of words, each with its pages and positions;
//! - `filter/<hash>.pf_filter`: a filter's values, each with its pages;
//! - `fragment/<hash>.pf_fragment`: one page's address, text, metadata and filters (JSON);
//! - the client: `pagefind.js`, `pagefind-worker.js` and the language's `wasm.*.pagefind`.
//!
//! The binary files are CBOR, and each compressed file is gzip of `pagefind_dcd` and its bytes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use civic_search::words::Stemmer;
use flate2::Compression;
use flate2::write::GzEncoder;
use minicbor::Encode;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::Record;
use civic_search::words::{self, TEXT_WEIGHT, WORD_SYMBOLS, text_words};

/// The version of the files civic writes: a build copies an earlier site's part only when it
/// was written in this one. Change it with any change to what the files hold.
pub const FORMAT: &str = "civic-1 pagefind-1.6.0 gzip-3";

/// The Pagefind release whose client (`generator/assets/pagefind/`) reads these files.
pub const PAGEFIND_VERSION: &str = "1.6.0";

const CLIENT_JS: &[u8] = include_bytes!("../../../assets/pagefind/pagefind.js");
const CLIENT_WORKER_JS: &[u8] = include_bytes!("../../../assets/pagefind/pagefind-worker.js");
const CLIENT_WASM_RO: &[u8] = include_bytes!("../../../assets/pagefind/wasm.ro.pagefind");
const CLIENT_WASM_UNKNOWN: &[u8] = include_bytes!("../../../assets/pagefind/wasm.unknown.pagefind");

/// Pagefind's chunk size: a chunk of the word index is closed once its words have this many
/// pages and positions.
const CHUNK_SIZE: usize = 20_000;

/// What every compressed file starts with, once decompressed.
const SIGNATURE: &[u8] = b"pagefind_dcd";

/// The language the index is written for, as the client knows it: Romanian is stemmed (the
/// client's Romanian module is shipped); any other language is indexed and searched unstemmed.
struct Language {
    code: String,
    stemmer: Option<Stemmer>,
}

impl Language {
    fn of(lang: &str) -> Self {
        let base = lang.split('-').next().unwrap_or(lang);
        if base == "ro" {
            Language { code: "ro".into(), stemmer: Some(words::romanian()) }
        } else {
            Language { code: "unknown".into(), stemmer: None }
        }
    }
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct MetaIndex {
    #[n(0)]
    version: String,
    #[n(1)]
    pages: Vec<MetaPage>,
    #[n(2)]
    index_chunks: Vec<MetaChunk>,
    #[n(3)]
    filters: Vec<MetaFilter>,
    #[n(4)]
    sorts: Vec<MetaSort>,
    #[n(5)]
    meta_fields: Vec<String>,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct MetaChunk {
    #[n(0)]
    from: String,
    #[n(1)]
    to: String,
    #[n(2)]
    hash: String,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct MetaPage {
    #[n(0)]
    hash: String,
    #[n(1)]
    word_count: u32,
    #[n(2)]
    group_hash: String,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct MetaFilter {
    #[n(0)]
    filter: String,
    #[n(1)]
    hash: String,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct MetaSort {
    #[n(0)]
    sort: String,
    #[n(1)]
    pages: Vec<usize>,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct WordIndex {
    #[n(0)]
    words: Vec<PackedWord>,
}

#[derive(Encode, Default)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct PackedWord {
    #[n(0)]
    word: String,
    #[n(1)]
    pages: Vec<PackedPage>,
    #[n(2)]
    additional_variants: Vec<PackedVariant>,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct PackedVariant {
    #[n(0)]
    form: String,
    #[n(1)]
    pages: Vec<PackedPage>,
}

/// A word's positions on one page: body positions grouped by weight (a negative number sets
/// the weight of the positions after it, the first of which is absolute, the rest deltas), and
/// positions in the metadata fields (a negative number names the field).
#[derive(Encode, Clone)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct PackedPage {
    #[n(0)]
    page_number: usize,
    #[n(1)]
    locs: Vec<i32>,
    #[n(2)]
    meta_locs: Vec<i32>,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct FilterIndex {
    #[n(0)]
    filter: String,
    #[n(1)]
    values: Vec<PackedValue>,
}

#[derive(Encode)]
#[cfg_attr(test, derive(minicbor::Decode))]
struct PackedValue {
    #[n(0)]
    value: String,
    #[n(1)]
    pages: Vec<usize>,
}

/// A fragment: what a result shows.
#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    content: String,
    word_count: usize,
    filters: &'a BTreeMap<String, Vec<String>>,
    meta: &'a BTreeMap<String, String>,
    anchors: [(); 0],
}

#[derive(Serialize)]
struct Entry<'a> {
    version: &'a str,
    languages: BTreeMap<&'a str, EntryLanguage>,
    include_characters: [char; 10],
}

#[derive(Serialize)]
struct EntryLanguage {
    hash: String,
    wasm: Option<String>,
    page_count: usize,
}

/// Where a word occurs on one page, before packing: (weight, position) in the body, and
/// (field, position) in the metadata.
#[derive(Default)]
struct Occurrences {
    body: Vec<(u8, u32)>,
    meta: Vec<(u16, u32)>,
}

/// One page's words: by stem, the occurrences written without diacritics and those of each
/// written form with them.
#[derive(Default)]
struct PageWord {
    plain: Occurrences,
    variants: BTreeMap<String, Occurrences>,
}

/// One page, read: each of its words packed, by stem and, for a form written with
/// diacritics, that form; its fragment.
struct Page {
    words: Vec<PageEntry>,
    fragment: Vec<u8>,
    word_count: usize,
}

/// A word's occurrences on one page: its stem, the written form when it has diacritics, and
/// the positions packed (the page's number is set when the index is put together).
type PageEntry = (String, Option<String>, PackedPage);

/// A file of an index, as written or before its compression.
pub struct BundleFile {
    /// Inside the index's folder.
    pub path: String,
    /// The bytes, before compression when `compress` is set.
    pub bytes: Vec<u8>,
    compress: bool,
}

impl BundleFile {
    /// The bytes as published.
    pub fn published(self) -> Vec<u8> {
        if self.compress { gzip(&self.bytes) } else { self.bytes }
    }
}

/// The files of one index of `records`, sorted by path. Compressing them is left to
/// `BundleFile::published`, so that a file whose bytes did not change need not be.
pub fn build(records: &[Record], lang: &str) -> Vec<BundleFile> {
    let language = Language::of(lang);
    let meta_fields: Vec<String> =
        records.iter().flat_map(|r| r.meta.keys().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    // A record without a word in its text is left out, as Pagefind leaves it out.
    let pages: Vec<(&Record, Page)> = records
        .par_iter()
        .filter_map(|r| read_page(r, &meta_fields, language.stemmer.as_ref()).map(|p| (r, p)))
        .collect();

    let mut files: Vec<(String, Vec<u8>)> = vec![];
    let code = &language.code;
    let mut meta_pages = Vec::with_capacity(pages.len());
    let mut filters: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    let mut entries: Vec<(usize, Vec<PageEntry>)> = Vec::with_capacity(pages.len());
    for (number, (record, page)) in pages.into_iter().enumerate() {
        for (filter, values) in &record.filters {
            for value in values {
                filters.entry(filter).or_default().entry(value).or_default().push(number);
            }
        }
        let hash = format!("{code}_{:016x}", xxhash_rust::xxh3::xxh3_64(&page.fragment));
        files.push((format!("fragment/{hash}.pf_fragment"), page.fragment));
        meta_pages.push(MetaPage { hash, word_count: page.word_count as u32, group_hash: String::new() });
        entries.push((number, page.words));
    }

    let mut meta_filters = vec![];
    for (filter, values) in filters {
        let index = FilterIndex {
            filter: filter.to_owned(),
            values: values.into_iter().map(|(value, pages)| PackedValue { value: value.to_owned(), pages }).collect(),
        };
        let bytes = cbor(&index);
        let hash = format!("{code}_{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
        files.push((format!("filter/{hash}.pf_filter"), bytes));
        meta_filters.push(MetaFilter { filter: filter.to_owned(), hash });
    }

    let words = words_of(entries);
    let chunks = chunks(words);
    let mut index_chunks = chunk_ranges(&chunks);
    let encoded: Vec<Vec<u8>> = chunks.into_par_iter().map(|words| cbor(&WordIndex { words: delta(words) })).collect();
    for (range, bytes) in index_chunks.iter_mut().zip(encoded) {
        range.hash = format!("{code}_{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
        files.push((format!("index/{}.pf_index", range.hash), bytes));
    }

    let page_count = meta_pages.len();
    let meta = cbor(&MetaIndex {
        version: PAGEFIND_VERSION.into(),
        pages: meta_pages,
        index_chunks,
        filters: meta_filters,
        sorts: vec![],
        meta_fields,
    });
    let meta_hash = format!("{code}_{:016x}", xxhash_rust::xxh3::xxh3_64(&meta));
    files.push((format!("pagefind.{meta_hash}.pf_meta"), meta));

    let mut files: Vec<BundleFile> =
        files.into_iter().map(|(path, bytes)| BundleFile { path, bytes, compress: true }).collect();
    let wasm = (language.stemmer.is_some()).then(|| code.clone());
    let entry = Entry {
        version: PAGEFIND_VERSION,
        languages: BTreeMap::from([(code.as_str(), EntryLanguage { hash: meta_hash, wasm, page_count })]),
        include_characters: WORD_SYMBOLS,
    };
    let plain = |path: &str, bytes: Vec<u8>| BundleFile { path: path.into(), bytes, compress: false };
    files.push(plain("pagefind-entry.json", serde_json::to_vec(&entry).expect("JSON serialises")));
    files.push(plain("pagefind.js", CLIENT_JS.to_vec()));
    files.push(plain("pagefind-worker.js", CLIENT_WORKER_JS.to_vec()));
    files.push(plain("wasm.unknown.pagefind", CLIENT_WASM_UNKNOWN.to_vec()));
    if language.stemmer.is_some() {
        files.push(plain("wasm.ro.pagefind", CLIENT_WASM_RO.to_vec()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Reads one record: its words with their positions and weights, and its fragment; None when
/// its text has no word to index.
fn read_page(record: &Record, meta_fields: &[String], stemmer: Option<&Stemmer>) -> Option<Page> {
    // Each raw word's positions first: a page repeats its words, and each is then looked up
    // once in the thread's word cache and once in the page's words, not at every occurrence.
    let mut raws: HashMap<Cow<str>, Vec<u32>> = HashMap::default();
    let mut content = String::with_capacity(record.content.len());
    let mut position: u32 = 0;
    for raw in record.content.split_whitespace() {
        let raw = if raw.contains('\u{200B}') {
            let cleaned = raw.replace('\u{200B}', "");
            if cleaned.is_empty() {
                continue;
            }
            Cow::Owned(cleaned)
        } else {
            Cow::Borrowed(raw)
        };
        if !content.is_empty() {
            content.push(' ');
        }
        content.push_str(&raw);
        raws.entry(raw).or_default().push(position);
        position += 1;
    }
    let mut words: HashMap<String, PageWord> = HashMap::default();
    for (raw, positions) in &raws {
        text_words(raw, stemmer, |found| {
            let parts = found.iter().filter(|w| w.part).count();
            let part_weight = if parts > 0 { (TEXT_WEIGHT / u8::try_from(parts).unwrap_or(u8::MAX)).max(1) } else { 0 };
            for word in found {
                let weight = if word.part { part_weight } else { TEXT_WEIGHT };
                occurrences(&mut words, word).body.extend(positions.iter().map(|&at| (weight, at)));
            }
        });
    }
    if words.is_empty() {
        return None;
    }
    let word_count = position.max(1) as usize;
    for (field, name) in meta_fields.iter().enumerate() {
        let Some(value) = record.meta.get(name) else { continue };
        for (at, raw) in value.split_whitespace().enumerate() {
            for word in &words::index_words(raw, stemmer) {
                occurrences(&mut words, word).meta.push((field as u16, at as u32));
            }
        }
    }
    let fragment =
        Fragment { url: &record.url, content, word_count, filters: &record.filters, meta: &record.meta, anchors: [] };
    let mut entries = Vec::with_capacity(words.len());
    for (stem, word) in words {
        for (form, occurrences) in word.variants {
            entries.extend(pack(occurrences).map(|p| (stem.clone(), Some(form), p)));
        }
        entries.extend(pack(word.plain).map(|p| (stem, None, p)));
    }
    Some(Page { words: entries, fragment: serde_json::to_vec(&fragment).expect("JSON serialises"), word_count })
}

/// Where a word of a page is recorded: under its stem, as written without diacritics or as
/// its written form.
fn occurrences<'a>(words: &'a mut HashMap<String, PageWord>, word: &words::IndexWord) -> &'a mut Occurrences {
    // Looked up by reference first: most words were met before on the page.
    if !words.contains_key(&word.stem) {
        words.insert(word.stem.clone(), PageWord::default());
    }
    let entry = words.get_mut(&word.stem).expect("inserted above");
    match &word.original {
        None => &mut entry.plain,
        Some(form) => {
            if !entry.variants.contains_key(form) {
                entry.variants.insert(form.clone(), Occurrences::default());
            }
            entry.variants.get_mut(form).expect("inserted above")
        }
    }
}

/// Every page's words put together, sorted by word, each with its pages in order (as written
/// without diacritics, and for each written form, in the forms' order). Pages come packed:
/// packing them one page at a time here took half of an edited part's rebuild.
fn words_of(pages: Vec<(usize, Vec<PageEntry>)>) -> Vec<PackedWord> {
    let mut by_stem: HashMap<String, PackedWord> = HashMap::default();
    for (number, entries) in pages {
        for (stem, form, mut page) in entries {
            page.page_number = number;
            let word =
                by_stem.entry(stem).or_insert_with_key(|stem| PackedWord { word: stem.clone(), ..Default::default() });
            match form {
                None => word.pages.push(page),
                Some(form) => match word.additional_variants.iter_mut().find(|v| v.form == form) {
                    Some(variant) => variant.pages.push(page),
                    None => word.additional_variants.push(PackedVariant { form, pages: vec![page] }),
                },
            }
        }
    }
    let mut words: Vec<PackedWord> = by_stem.into_values().collect();
    words.par_iter_mut().for_each(|w| w.additional_variants.sort_by(|a, b| a.form.cmp(&b.form)));
    words.par_sort_unstable_by(|a, b| a.word.cmp(&b.word));
    words
}

/// A word's occurrences on one page, packed (numbered 0 until the page's number is known); None
/// when it has none.
fn pack(mut o: Occurrences) -> Option<PackedPage> {
    if o.body.is_empty() && o.meta.is_empty() {
        return None;
    }
    o.body.sort_unstable_by_key(|&(weight, position)| (if weight == 25 { 0 } else { weight }, position));
    let mut locs = Vec::with_capacity(o.body.len() + 1);
    let (mut current, mut last) = (25u8, 0u32);
    for (weight, position) in o.body {
        if weight != current {
            locs.push(-i32::from(weight) - 1);
            locs.push(position as i32);
            current = weight;
        } else {
            locs.push((position - last) as i32);
        }
        last = position;
    }
    o.meta.sort_unstable();
    let mut meta_locs = Vec::with_capacity(o.meta.len() + 1);
    let (mut field, mut last) = (None, 0u32);
    for (id, position) in o.meta {
        if field != Some(id) {
            meta_locs.push(-i32::from(id) - 1);
            field = Some(id);
            last = 0;
        }
        meta_locs.push((position - last) as i32);
        last = position;
    }
    Some(PackedPage { page_number: 0, locs, meta_locs })
}

/// The sorted words in chunks, as Pagefind cuts them.
fn chunks(words: Vec<PackedWord>) -> Vec<Vec<PackedWord>> {
    let mut chunks = vec![];
    let mut chunk = vec![];
    let mut size = 0;
    for word in words {
        size += word
            .pages
            .iter()
            .chain(word.additional_variants.iter().flat_map(|v| &v.pages))
            .map(|p| p.locs.len() + p.meta_locs.len() + 1)
            .sum::<usize>()
            + word.additional_variants.len();
        chunk.push(word);
        if size >= CHUNK_SIZE {
            chunks.push(std::mem::take(&mut chunk));
            size = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    chunks
}

/// Each chunk's range of words, cut to the shortest prefixes that tell neighbours apart.
fn chunk_ranges(chunks: &[Vec<PackedWord>]) -> Vec<MetaChunk> {
    let mut ranges: Vec<MetaChunk> = chunks
        .iter()
        .map(|c| MetaChunk {
            from: c.first().map(|w| w.word.clone()).unwrap_or_default(),
            to: c.last().map(|w| w.word.clone()).unwrap_or_default(),
            hash: String::new(),
        })
        .collect();
    for i in 1..ranges.len() {
        let (a, b) = (&ranges[i - 1].to, &ranges[i].from);
        let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
        let a_prefix: String = a.chars().take(common + 1).collect();
        let b_prefix: String = b.chars().take(common + 1).collect();
        if a_prefix >= ranges[i - 1].from {
            ranges[i - 1].to = a_prefix;
        }
        ranges[i].from = b_prefix;
    }
    ranges
}

/// Page numbers as deltas from the previous page, as the index stores them.
fn delta(mut words: Vec<PackedWord>) -> Vec<PackedWord> {
    fn deltas(pages: &mut [PackedPage]) {
        let mut last = 0;
        for page in pages {
            (page.page_number, last) = (page.page_number - last, page.page_number);
        }
    }
    for word in &mut words {
        deltas(&mut word.pages);
        for variant in &mut word.additional_variants {
            deltas(&mut variant.pages);
        }
    }
    words
}

fn cbor<T: Encode<()>>(value: &T) -> Vec<u8> {
    minicbor::to_vec(value).expect("encoding into memory cannot fail")
}

/// gzip of the signature and the bytes, at a fast level: the index is rebuilt on every
/// publication, and the best level costs a fifth of the build for a few percent of transfer.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::new(3));
    gz.write_all(SIGNATURE).and_then(|()| gz.write_all(bytes)).expect("writing into memory cannot fail");
    gz.finish().expect("writing into memory cannot fail")
}

#[cfg(test)]
mod tests {
    //! The index civic writes holds what Pagefind's own indexer writes for the same records:
    //! the same words, each on the same pages at the same positions and weights, with the same
    //! written variants, filters and fragments. So Pagefind's client finds in it what it would
    //! find in Pagefind's.

    use std::collections::BTreeMap;
    use std::io::Read;

    use super::*;
    use crate::site::search::plain_text;

    /// word → (written form or "", url) → (body positions, metadata positions), both decoded.
    type Words = BTreeMap<String, BTreeMap<(String, String), (Vec<i32>, Vec<i32>)>>;

    /// What an index holds, read back from its files, with pages named by their address.
    #[derive(Debug, PartialEq)]
    struct Decoded {
        words: Words,
        filters: BTreeMap<String, BTreeMap<String, Vec<String>>>,
        fragments: BTreeMap<String, serde_json::Value>,
        meta_fields: Vec<String>,
    }

    fn unzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![];
        flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
        assert!(out.starts_with(SIGNATURE));
        out.split_off(SIGNATURE.len())
    }

    fn published(files: Vec<BundleFile>) -> Vec<(String, Vec<u8>)> {
        files.into_iter().map(|f| (f.path.clone(), f.published())).collect()
    }

    fn decode(files: &[(String, Vec<u8>)]) -> Decoded {
        let file = |path: &str| unzip(&files.iter().find(|(p, _)| p == path).unwrap_or_else(|| panic!("{path}")).1);
        let entry: serde_json::Value =
            serde_json::from_slice(&files.iter().find(|(p, _)| p == "pagefind-entry.json").unwrap().1).unwrap();
        let hash = entry["languages"]["ro"]["hash"].as_str().unwrap();
        let meta: MetaIndex = minicbor::decode(&file(&format!("pagefind.{hash}.pf_meta"))).unwrap();
        let mut fragments = BTreeMap::new();
        let mut urls = vec![];
        for page in &meta.pages {
            let mut fragment: serde_json::Value =
                serde_json::from_slice(&file(&format!("fragment/{}.pf_fragment", page.hash))).unwrap();
            let url = fragment["url"].as_str().unwrap().to_owned();
            assert_eq!(fragment["word_count"].as_u64(), Some(u64::from(page.word_count)));
            fragment.as_object_mut().unwrap().remove("anchors");
            urls.push(url.clone());
            fragments.insert(url, fragment);
        }
        let mut words = Words::new();
        let mut add = |word: &str, form: &str, pages: &[PackedPage]| {
            let mut number = 0;
            for p in pages {
                number += p.page_number;
                let at = words.entry(word.to_owned()).or_default();
                assert!(
                    at.insert((form.to_owned(), urls[number].clone()), (p.locs.clone(), p.meta_locs.clone())).is_none()
                );
            }
        };
        for chunk in &meta.index_chunks {
            let index: WordIndex = minicbor::decode(&file(&format!("index/{}.pf_index", chunk.hash))).unwrap();
            for w in &index.words {
                assert!(chunk.from.as_str() <= w.word.as_str(), "{} before its chunk {}", w.word, chunk.from);
                assert!(
                    w.word.starts_with(&chunk.to) || w.word.as_str() <= chunk.to.as_str(),
                    "{} after {}",
                    w.word,
                    chunk.to
                );
                add(&w.word, "", &w.pages);
                for v in &w.additional_variants {
                    add(&w.word, &v.form, &v.pages);
                }
            }
        }
        let mut filters = BTreeMap::new();
        for f in &meta.filters {
            let index: FilterIndex = minicbor::decode(&file(&format!("filter/{}.pf_filter", f.hash))).unwrap();
            let values =
                index.values.iter().map(|v| (v.value.clone(), v.pages.iter().map(|&p| urls[p].clone()).collect()));
            filters.insert(index.filter, values.collect());
        }
        Decoded { words, filters, fragments, meta_fields: meta.meta_fields }
    }

    fn pagefind(records: &[Record]) -> Vec<(String, Vec<u8>)> {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let config = pagefind::options::PagefindServiceConfig::builder().force_language("ro".into()).build();
            let mut index = pagefind::api::PagefindIndex::new(Some(config)).unwrap();
            for r in records {
                let (meta, filters) = (Some(r.meta.clone()), Some(r.filters.clone()));
                index
                    .add_custom_record(r.url.clone(), r.content.clone(), "ro".into(), meta, filters, None)
                    .await
                    .unwrap();
            }
            let files = index.get_files().await.unwrap();
            files.into_iter().map(|f| (f.filename.to_string_lossy().into_owned(), f.contents)).collect()
        })
    }

    fn record(url: &str, title: &str, content: &str, kind: &str) -> Record {
        Record {
            url: url.into(),
            content: content.into(),
            meta: BTreeMap::from([("title".into(), title.into()), ("kind".into(), kind.into())]),
            filters: BTreeMap::from([("tip".into(), vec![kind.into()]), ("an".into(), vec!["2024".into()])]),
        }
    }

    /// The sample site's Markdown (every kind of page, in Romanian) and text made to hit each
    /// of Pagefind's word rules.
    fn records() -> Vec<Record> {
        let mut out = vec![
            record(
                "/tricky/",
                "Hotărârea nr. 123/2024 „privind” Ședința",
                "HCL nr. 123/2024 sud-est într-un e-mail primaria@primariatm.ro art.1.2 Art. 5. \u{200B} TimișoaraNord \
                 ISO9001 camelCase 🚧 lucrări — ... (1) 2.500,00 lei www.primariatm.ro/hcl ședința sedinta ȘEDINȚA _x_",
                "Hotărâre",
            ),
            record("/gol/", "Fără text", "— … ", "Pagină"),
        ];
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let mut files = vec![];
        let mut stack = vec![content];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|x| x == "md") {
                    files.push(path);
                }
            }
        }
        files.sort();
        for (i, path) in files.iter().enumerate() {
            let text = std::fs::read_to_string(path).unwrap();
            let title = path.file_stem().unwrap().to_string_lossy().replace('-', " ");
            out.push(record(
                &format!("/p/{i}/"),
                &title,
                &plain_text(&text),
                if i % 2 == 0 { "Hotărâre" } else { "Lucrare" },
            ));
        }
        assert!(out.len() > 100, "the sample content has its Markdown");
        out
    }

    #[test]
    fn the_index_holds_what_pagefind_writes() {
        let records = records();
        let ours = decode(&published(build(&records, "ro")));
        let theirs = decode(&pagefind(&records));
        assert_eq!(ours.meta_fields, theirs.meta_fields);
        assert_eq!(ours.filters, theirs.filters);
        assert_eq!(ours.fragments.len(), theirs.fragments.len(), "the record without words is left out by both");
        for (url, fragment) in &theirs.fragments {
            assert_eq!(ours.fragments.get(url), Some(fragment), "{url}");
        }
        let only = |a: &Words, b: &Words| a.keys().filter(|w| !b.contains_key(*w)).cloned().collect::<Vec<_>>();
        assert_eq!(only(&ours.words, &theirs.words), Vec::<String>::new(), "words only civic indexes");
        assert_eq!(only(&theirs.words, &ours.words), Vec::<String>::new(), "words only Pagefind indexes");
        for (word, pages) in &theirs.words {
            assert_eq!(ours.words.get(word), Some(pages), "{word}");
        }
    }

    #[test]
    fn the_client_is_shipped_beside_the_index() {
        let files = published(build(&records()[..3], "ro"));
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        for client in ["pagefind.js", "pagefind-worker.js", "wasm.ro.pagefind", "pagefind-entry.json"] {
            assert!(names.contains(&client), "{client} in {names:?}");
        }
        let js = String::from_utf8_lossy(&files.iter().find(|(p, _)| p == "pagefind.js").unwrap().1).into_owned();
        assert!(
            js.contains(&format!("pagefind_version=\"{PAGEFIND_VERSION}\"")),
            "the client is the release the files are written for"
        );
    }
}
