//! Progress for long work: a bar on a terminal, plain lines in CI logs, nothing when quiet.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    mode: Mode,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Bar,
    Lines,
    Quiet,
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise (CI), or nothing.
    pub fn new(quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            Mode::Bar
        } else {
            Mode::Lines
        };
        Progress { mode }
    }

    pub fn quiet() -> Progress {
        Progress { mode: Mode::Quiet }
    }

    pub fn phase(&self, what: &str) {
        if self.mode != Mode::Quiet {
            eprintln!("civic: {what}…");
        }
    }

    pub fn bar(&self, len: u64) -> ProgressBar {
        match self.mode {
            Mode::Bar => {
                let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{bar:40} {pos}/{len} pages ({per_sec}, {eta} left)")
                        .expect("valid template"),
                );
                bar
            }
            _ => ProgressBar::hidden(),
        }
    }
}
