//! An incremental rebuild (what `civic serve` does after each save) must give exactly the
//! files of a clean build of the same content, whatever was edited.

use std::path::{Path, PathBuf};

use civic_generator::progress::Progress;
use civic_generator::site::{self, BuildCache, Options};
use civic_tests::{copy_dir, files, root, walk_files};

fn options(content: &Path, theme: &Path, out: PathBuf) -> Options {
    Options {
        content: content.to_path_buf(),
        theme: theme.to_path_buf(),
        out,
        base_url: None,
        now: Some(jiff::civil::date(2026, 11, 26)),
        check_only: false,
        // The search index is rebuilt whole on any change (see the serve test); here the
        // question is which pages are re-rendered.
        search: false,
        leaflet: root().join("node_modules/leaflet"),
        search_part: civic_generator::site::DEFAULT_SEARCH_PART,
        archive_index: None,
    }
}

/// The first file of `folder` by name.
fn first_file(folder: &Path) -> PathBuf {
    folder.join(walk_files(folder).first().expect("a file in the folder"))
}

/// Rewrites a file in place, making sure its modification time moves.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::thread::sleep(std::time::Duration::from_millis(15));
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// What changes, at most which share of the files may be rewritten (1 = all), the change.
type Step<'a> = (&'a str, usize, Box<dyn Fn() + 'a>);

#[test]
fn every_incremental_rebuild_equals_a_clean_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let theme = tmp.path().join("theme");
    copy_dir(&root().join("content"), &content);
    copy_dir(&root().join("themes/default"), &theme);
    let served = tmp.path().join("served");
    let mut cache = BuildCache::for_rebuilds();
    let quiet = Progress::quiet();
    site::build_cached(&options(&content, &theme, served.clone()), &quiet, &mut cache).unwrap();

    let decisions = content.join("council_decisions");
    // (what changes, at most which share of the files may be rewritten (1 = all), the change).
    // An added or deleted item changes the filter counts every list page of its section shows.
    let steps: Vec<Step> = vec![
        (
            "title of an amended decision",
            10,
            Box::new(|| edit(&decisions.join("hcl-2025-009.md"), "title: ", "title: Modificat — ")),
        ),
        (
            "body of a decision",
            10,
            Box::new(|| edit(&decisions.join("hcl-2026-244.md"), "HOTĂRĂȘTE", "HOTĂRĂȘTE (text revizuit)")),
        ),
        (
            "status of a tender",
            10,
            Box::new(|| {
                let f = first_file(&content.join("tenders"));
                let text = std::fs::read_to_string(&f).unwrap();
                std::fs::write(&f, text.replace("title: ", "title: (actualizat) ")).unwrap();
            }),
        ),
        (
            "a new decision",
            2,
            Box::new(|| {
                let text = std::fs::read_to_string(decisions.join("hcl-2026-244.md")).unwrap();
                let new = text
                    .replace("id: hcl-2026-244", "id: hcl-2026-999")
                    .replace("number: 244", "number: 999")
                    .replace("slug: 2026/244-", "slug: 2026/999-");
                std::fs::write(decisions.join("hcl-2026-999.md"), new).unwrap();
            }),
        ),
        (
            "a deleted news item",
            2,
            Box::new(|| {
                let f = first_file(&content.join("news"));
                std::fs::remove_file(f).unwrap();
            }),
        ),
        (
            // The comment form's page lists the drafts open today by title.
            "title of a draft in consultation",
            10,
            Box::new(|| edit(&content.join("draft_decisions/ph-2026-481.md"), "title: ", "title: (revizuit) ")),
        ),
        (
            // Drafts in consultation show the comment form.
            "a label of the comment form",
            10,
            Box::new(|| {
                edit(
                    &content.join("forms/recomandari-proiecte.md"),
                    "label: Recomandarea",
                    "label: Recomandarea dumneavoastră",
                )
            }),
        ),
        (
            // A service's page shows the title of its form.
            "title of a form a service links to",
            10,
            Box::new(|| edit(&content.join("forms/petitie.md"), "title: Petiție", "title: Petiția")),
        ),
        ("the site configuration", 1, Box::new(|| edit(&content.join("civic.yaml"), "page_size: 50", "page_size: 40"))),
        (
            "a template",
            1,
            Box::new(|| {
                edit(&theme.join("templates/partials/row.html"), "<li class=\"row\">", "<li class=\"row item-row\">")
            }),
        ),
        (
            "a label",
            1,
            Box::new(|| edit(&theme.join("labels.yaml"), "in_vigoare: În vigoare", "in_vigoare: În vigoare acum")),
        ),
        (
            "the output folder deleted, then an edit",
            1,
            Box::new(|| {
                std::fs::remove_dir_all(&served).unwrap();
                edit(&decisions.join("hcl-2026-244.md"), "(text revizuit)", "(text revizuit din nou)");
            }),
        ),
    ];
    for (what, share, step) in steps {
        step();
        let report = site::build_cached(&options(&content, &theme, served.clone()), &quiet, &mut cache).unwrap();
        let clean = tmp.path().join("clean");
        site::build(&options(&content, &theme, clean.clone()), &quiet).unwrap();
        let (a, b) = (files(&served), files(&clean));
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b), "after {what}: the served files differ from a clean build's");
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "after {what}: {name} differs from a clean build");
        }
        if share > 1 {
            assert!(
                report.files * share < b.len(),
                "after {what}: the rebuild rewrote {} of {} files",
                report.files,
                b.len()
            );
        }
    }
}

#[test]
fn an_edit_rebuilds_one_part_of_the_search_index_and_equals_a_clean_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&root().join("content"), &content);
    let theme = root().join("themes/default");
    // Small parts, so the sample's pages make several.
    let with_search = |out: PathBuf| Options { search: true, search_part: 40, ..options(&content, &theme, out) };
    let served = tmp.path().join("served");
    let mut cache = BuildCache::for_rebuilds();
    let quiet = Progress::quiet();
    site::build_cached(&with_search(served.clone()), &quiet, &mut cache).unwrap();
    let parts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(served.join("pagefind/parts.json")).unwrap()).unwrap();
    let pages: Vec<&str> = parts["parts"].as_array().unwrap().iter().filter_map(|p| p.as_str()).collect();
    assert!(pages.iter().filter(|p| p.starts_with("pagini-")).count() > 3, "several parts: {pages:?}");
    let before = files(&served);

    edit(&content.join("council_decisions/hcl-2025-009.md"), "title: ", "title: Cuvântultestunic ");
    site::build_cached(&with_search(served.clone()), &quiet, &mut cache).unwrap();
    let after = files(&served);
    let part_of = |name: &str| name.strip_prefix("pagefind/").and_then(|n| n.split('/').next()).map(str::to_owned);
    let changed: std::collections::BTreeSet<String> = after
        .iter()
        .filter(|(name, bytes)| before.iter().find(|(n, _)| n == name).is_none_or(|(_, b)| b != bytes))
        .filter_map(|(name, _)| part_of(name))
        .filter(|p| p != "parts.json")
        .collect();
    assert_eq!(changed.len(), 1, "one part of the index is rebuilt: {changed:?}");
    let clean = tmp.path().join("clean");
    site::build(&with_search(clean.clone()), &quiet).unwrap();
    let b = files(&clean);
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&after), names(&b), "the served files equal a clean build's");
    for ((name, x), (_, y)) in after.iter().zip(&b) {
        assert!(x == y, "{name} differs from a clean build");
    }
}

#[test]
fn a_second_build_into_the_published_site_copies_the_unchanged_parts_of_the_search_index() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&root().join("content"), &content);
    let theme = root().join("themes/default");
    let with_search = |out: PathBuf| Options { search: true, search_part: 40, ..options(&content, &theme, out) };
    let published = tmp.path().join("public");
    let quiet = Progress::quiet();
    site::build(&with_search(published.clone()), &quiet).unwrap();
    let parts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(published.join("pagefind/parts.json")).unwrap()).unwrap();
    let parts: Vec<String> =
        parts["parts"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
    assert!(parts.len() > 3, "several parts: {parts:?}");
    // A mark in every published part: a part that is copied keeps it, one that is built has none.
    for part in &parts {
        std::fs::write(published.join(format!("pagefind/{part}/copied.txt")), part).unwrap();
    }

    edit(&content.join("council_decisions/hcl-2025-009.md"), "title: ", "title: Cuvântultestunic ");
    // A new process, as CI runs: nothing but the published folder is known.
    site::build(&with_search(published.clone()), &quiet).unwrap();
    let built: Vec<&String> =
        parts.iter().filter(|p| !published.join(format!("pagefind/{p}/copied.txt")).exists()).collect();
    assert_eq!(built.len(), 1, "only the edited decision's part is built again: {built:?}");
    assert!(built[0].starts_with("pagini-"), "{built:?}");

    let clean = tmp.path().join("clean");
    site::build(&with_search(clean.clone()), &quiet).unwrap();
    let index = |dir: &Path| {
        files(dir)
            .into_iter()
            .filter(|(n, _)| n.starts_with("pagefind/") && !n.ends_with("/copied.txt"))
            .collect::<Vec<_>>()
    };
    let (a, b) = (index(&published), index(&clean));
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs from a clean build's");
    }
}
