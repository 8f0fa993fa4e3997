//! Reading `content/`: every file parsed, validated against its type's schema and typed, with
//! every problem of every file reported in one run.

pub mod frontmatter;
pub mod schema_check;
pub mod yaml;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::model::places::Street;
use crate::model::{Data, Kind};
use schema_check::{TypeSchema, dotted};

/// The configuration file at the top of the content folder.
pub const CONFIG_FILE: &str = "civic.yaml";

/// One content item, validated and typed.
#[derive(Clone, Debug)]
pub struct Item {
    pub kind: Kind,
    /// Path relative to the content folder, `/`-separated: how diagnostics name it.
    pub file: String,
    /// Shared, so that keeping items between rebuilds costs no copies.
    pub data: std::sync::Arc<Data>,
    /// A hash of the file's bytes: what an incremental rebuild compares.
    pub hash: u64,
}

impl Item {
    pub fn id(&self) -> &str {
        &self.data.envelope().id
    }

    /// The URL path of the item's page (`model::urls`).
    pub fn url(&self) -> String {
        crate::model::urls::item_url(self.kind, self.data.envelope())
    }

    /// The Markdown body, read again from the file when a page is rendered: bodies are most of
    /// the content's size, and keeping 50,000 of them in memory would triple the build's peak.
    pub fn body(&self, content: &Path) -> std::io::Result<String> {
        if !self.file.ends_with(".md") {
            return Ok(String::new());
        }
        let text = std::fs::read_to_string(content.join(&self.file))?;
        Ok(frontmatter::split(&text, true).map(|s| s.body.to_owned()).unwrap_or_default())
    }
}

/// A problem found after parsing, located by JSON pointer; turned into a line number by re-reading
/// the file only when it is reported (positions are not kept for every item).
pub struct Finding {
    pub file: String,
    pub pointer: String,
    pub message: String,
    pub fix: Option<String>,
}

impl Finding {
    pub fn new(file: &str, pointer: &str, message: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding { file: file.to_owned(), pointer: pointer.to_owned(), message: message.into(), fix: Some(fix.into()) }
    }

    /// Locates the finding in its file.
    pub fn locate(self, content: &Path) -> Diagnostic {
        let (line, column) = std::fs::read_to_string(content.join(&self.file))
            .ok()
            .and_then(|text| {
                let is_md = self.file.ends_with(".md");
                let split = frontmatter::split(&text, is_md).ok()?;
                let (_, positions) = yaml::to_json(split.yaml, split.yaml_first_line).ok()?;
                let p = positions.of_key(&self.pointer);
                Some((p.line, p.column))
            })
            .unwrap_or((0, 0));
        let d = Diagnostic::new(self.file, line, column, self.message).field(dotted(&self.pointer));
        match self.fix {
            Some(f) => d.fix(f),
            None => d,
        }
    }
}

/// Reads and validates the configuration file.
pub fn config(content: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let schema = TypeSchema::from_schema(SiteConfig::schema());
    read_typed(content, Path::new(CONFIG_FILE), &schema, serde_json::from_value::<SiteConfig>).map(|(c, _)| c)
}

/// Reads any YAML data file under the content folder into `T`, with located errors.
pub fn data_file<T: DeserializeOwned>(content: &Path, relative: &str) -> Result<T, Vec<Diagnostic>> {
    let path = content.join(relative);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        vec![
            Diagnostic::new(relative, 0, 0, format!("cannot read the file: {e}"))
                .fix("create it or fix the path in civic.yaml"),
        ]
    })?;
    let (value, positions) = yaml::to_json(&text, 1).map_err(|e| vec![syntax(relative, e)])?;
    serde_json::from_value(value).map_err(|e| {
        let p = positions.of_value("");
        vec![Diagnostic::new(relative, p.line, p.column, e.to_string()).fix("see docs/content.md for the file's shape")]
    })
}

/// Reads the street list named in civic.yaml; a missing default file means no street list.
pub fn streets(content: &Path, config: &SiteConfig) -> Result<Vec<Street>, Vec<Diagnostic>> {
    let file = &config.map.streets;
    if file == "streets.yaml" && !content.join(file).exists() {
        return Ok(Vec::new());
    }
    data_file::<Vec<Street>>(content, file)
}

/// Every type's compiled schema, made once per process.
static SCHEMAS: std::sync::LazyLock<Vec<(Kind, TypeSchema)>> =
    std::sync::LazyLock::new(|| Kind::ALL.iter().map(|&k| (k, TypeSchema::new(k))).collect());

/// A file's modification time and size.
type Stamp = (SystemTime, u64);

/// One file's item, or its problems.
type Loaded = Result<Item, Vec<Diagnostic>>;

/// Items already read, keyed by file, with the modification time and size they were read at:
/// `civic serve` re-reads only the files that changed.
#[derive(Default)]
pub struct LoadCache {
    files: HashMap<PathBuf, (SystemTime, u64, Item)>,
}

/// Loads every item under the content folder. Returns the items, or all the diagnostics.
/// With a cache, files unchanged since they were cached are not read again.
pub fn items(content: &Path, cache: Option<&mut LoadCache>) -> Result<Vec<Item>, Vec<Diagnostic>> {
    let files = content_files(content).map_err(|e| vec![e])?;
    let schemas = &*SCHEMAS;
    let empty = LoadCache::default();
    let known = cache.as_deref().unwrap_or(&empty);
    let results: Vec<(PathBuf, Option<Stamp>, Loaded)> = files
        .par_iter()
        .map(|(kind, rel)| {
            let stamp = std::fs::metadata(content.join(rel)).ok().and_then(|m| Some((m.modified().ok()?, m.len())));
            if let (Some(stamp), Some((time, len, item))) = (stamp, known.files.get(rel))
                && stamp == (*time, *len)
            {
                return (rel.clone(), Some(stamp), Ok(item.clone()));
            }
            let schema = &schemas.iter().find(|(k, _)| k == kind).expect("every kind has a schema").1;
            (rel.clone(), stamp, load_item(content, *kind, rel, schema))
        })
        .collect();
    let mut items = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    let mut fresh = HashMap::new();
    for (rel, stamp, result) in results {
        match result {
            Ok(item) => {
                if let Some((time, len)) = stamp {
                    fresh.insert(rel, (time, len, item.clone()));
                }
                items.push(item);
            }
            Err(e) => errors.extend(e),
        }
    }
    if let Some(cache) = cache {
        cache.files = fresh;
    }
    if errors.is_empty() { Ok(items) } else { Err(errors) }
}

/// Every content file, sorted, with its kind taken from its folder.
fn content_files(content: &Path) -> Result<Vec<(Kind, PathBuf)>, Diagnostic> {
    let mut out = Vec::new();
    let top = std::fs::read_dir(content).map_err(|e| {
        Diagnostic::new(content.display().to_string(), 0, 0, format!("cannot read the content folder: {e}"))
            .fix("pass the right folder with --content")
    })?;
    for entry in top.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(kind) = Kind::from_folder(&name) else {
            continue;
        };
        let mut stack = vec![entry.path()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = e.path();
                // The entry's own type: no extra stat per file.
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(path);
                } else if matches!(path.extension().and_then(|x| x.to_str()), Some("md" | "yaml" | "yml")) {
                    out.push((kind, path.strip_prefix(content).unwrap_or(&path).to_path_buf()));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn rel_name(rel: &Path) -> String {
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn load_item(content: &Path, kind: Kind, rel: &Path, schema: &TypeSchema) -> Result<Item, Vec<Diagnostic>> {
    let file = rel_name(rel);
    let (data, hash) = read_typed(content, rel, schema, |value| {
        if let Some(t) = value.get("type").and_then(Value::as_str)
            && t != kind.name()
        {
            return Err(format!(
                "`type: {t}` does not match the folder `{}/`, which holds `{}` items",
                kind.folder(),
                kind.name()
            ));
        }
        Data::from_value(kind, value).map_err(|e| e.to_string())
    })?;
    Ok(Item { kind, file, data: std::sync::Arc::new(data), hash })
}

fn read_typed<T, E: ToString>(
    content: &Path,
    rel: &Path,
    schema: &TypeSchema,
    typed: impl FnOnce(Value) -> Result<T, E>,
) -> Result<(T, u64), Vec<Diagnostic>> {
    let file = rel_name(rel);
    let text = std::fs::read_to_string(content.join(rel)).map_err(|e| {
        vec![Diagnostic::new(&file, 0, 0, format!("cannot read the file: {e}")).fix("save it as UTF-8 text")]
    })?;
    let split = frontmatter::split(&text, file.ends_with(".md"))
        .map_err(|m| vec![Diagnostic::new(&file, 1, 1, m).fix("see docs/content.md for the file layout")])?;
    let (value, positions) = yaml::to_json(split.yaml, split.yaml_first_line).map_err(|e| vec![syntax(&file, e)])?;
    let problems = schema.check(&file, &value, &positions);
    if !problems.is_empty() {
        return Err(problems);
    }
    let hash = {
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        h.finish()
    };
    typed(value).map(|t| (t, hash)).map_err(|e| {
        let p = positions.of_value("");
        vec![Diagnostic::new(&file, p.line, p.column, e.to_string())]
    })
}

fn syntax(file: &str, e: yaml::SyntaxError) -> Diagnostic {
    Diagnostic::new(file, e.pos.line, e.pos.column, format!("YAML syntax: {}", e.message))
        .fix("check the indentation and quote text that contains `: ` or starts with a special character")
}
