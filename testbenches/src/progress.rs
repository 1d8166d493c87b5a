//! A dependency-free progress bar on stderr: redrawn in place on a
//! terminal, a line every 10 % otherwise (logs, CI).

use std::io::{IsTerminal, Write};
use std::time::Instant;

pub struct Progress {
    what: &'static str,
    start: Instant,
    tty: bool,
    last_decile: usize,
    last_draw: Option<Instant>,
}

impl Progress {
    pub fn new(what: &'static str) -> Self {
        Progress {
            what,
            start: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            last_decile: 0,
            last_draw: None,
        }
    }

    /// `done` of `total` finished.
    pub fn update(&mut self, done: usize, total: usize) {
        let total = total.max(1);
        let frac = done as f64 / total as f64;
        let elapsed = self.start.elapsed().as_secs_f64();
        let eta = if done > 0 {
            elapsed * (total - done.min(total)) as f64 / done as f64
        } else {
            0.0
        };
        if self.tty {
            if self
                .last_draw
                .is_some_and(|t| t.elapsed().as_millis() < 100)
                && done < total
            {
                return;
            }
            self.last_draw = Some(Instant::now());
            let width = 30;
            let filled = (frac * width as f64) as usize;
            eprint!(
                "\r[{}{}] {:3.0}% {done}/{total} {} {elapsed:.0} s, eta {eta:.0} s ",
                "#".repeat(filled),
                ".".repeat(width - filled.min(width)),
                frac * 100.0,
                self.what
            );
            let _ = std::io::stderr().flush();
        } else {
            let decile = (frac * 10.0) as usize;
            if decile > self.last_decile {
                self.last_decile = decile;
                eprintln!(
                    "{:3.0}% {done}/{total} {} ({elapsed:.0} s, eta {eta:.0} s)",
                    frac * 100.0,
                    self.what
                );
            }
        }
    }

    pub fn finish(&mut self) {
        if self.tty {
            eprintln!();
        }
    }
}
