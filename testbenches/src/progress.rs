//! Progress of a long run on stderr, drawn by `indicatif` (bar, count,
//! rate, elapsed time, ETA) when stderr is a terminal, and quiet otherwise
//! (logs, CI, a sweep's child runs). The bar appears with the first update.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct Progress {
    what: &'static str,
    tty: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(what: &'static str) -> Self {
        Progress {
            what,
            tty: std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    /// `done` of `total` finished.
    pub fn update(&mut self, done: usize, total: usize) {
        if !self.tty {
            return;
        }
        let what = self.what;
        let b = self.bar.get_or_insert_with(|| {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "[{bar:30}] {percent:>3}% {pos}/{len} {msg} {per_sec} {elapsed} eta {eta}",
                )
                .expect("a valid template")
                .progress_chars("#>."),
            );
            b.set_message(what);
            b
        });
        b.set_length(total.max(1) as u64);
        b.set_position(done.min(total) as u64);
    }

    pub fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish();
        }
    }
}
