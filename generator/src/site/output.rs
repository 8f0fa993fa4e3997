//! Writing the site: into a staging folder beside the target, swapped in only when the whole
//! build succeeded, so a failed build never leaves a half-written `public/`. The site it
//! replaces (tens of thousands of files) is deleted on every core: on one, it took a fifth of a
//! 10,000-decision build.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    written: AtomicUsize,
    /// The folders made so far: each is made once, not asked for again with every file in it.
    folders: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    /// Starts a fresh staging folder next to `target` (`public` → `public.staging`).
    pub fn new(target: &Path) -> io::Result<Staging> {
        let dir = sibling(target, "staging");
        if dir.exists() {
            remove_dir_all::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging { target: target.to_path_buf(), dir, written: AtomicUsize::new(0), folders: Mutex::default() })
    }

    /// Writes one file, creating its folders. `relative` uses `/`.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent()
            && !self.folders.lock().expect("folders lock").contains(parent)
        {
            fs::create_dir_all(parent)?;
            self.folders.lock().expect("folders lock").insert(parent.to_path_buf());
        }
        fs::write(path, bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// How many files were written so far.
    pub fn written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    /// Replaces the target with the staging folder: the old site stays whole until this point.
    pub fn commit(self) -> io::Result<()> {
        let old = sibling(&self.target, "old");
        if old.exists() {
            remove_dir_all::remove_dir_all(&old)?;
        }
        if self.target.exists() {
            fs::rename(&self.target, &old)?;
        }
        fs::rename(&self.dir, &self.target)?;
        if old.exists() {
            remove_dir_all::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Drops the staging folder, leaving the target as it was.
    pub fn abandon(self) {
        let _ = remove_dir_all::remove_dir_all(&self.dir);
    }
}

fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!("{name}.{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_site_survives_until_commit_and_abandon_leaves_it_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("index.html"), "old").unwrap();

        let s = Staging::new(&target).unwrap();
        s.write("index.html", b"new").unwrap();
        assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "old");
        s.abandon();
        assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "old");

        let s = Staging::new(&target).unwrap();
        s.write("a/b/index.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(!target.join("index.html").exists());
        assert_eq!(fs::read_to_string(target.join("a/b/index.html")).unwrap(), "new");
        assert!(!tmp.path().join("public.staging").exists());
    }
}
