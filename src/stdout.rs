//! Standard output that never panics: the CLI prints through [`write_out`]
//! (the `outln!` / `out!` macros) instead of `println!`.
//!
//! A closed pipe (`neuroxbar wave X --summary | head -1`) is not an error:
//! further output is dropped quietly, the command still finishes its work
//! (results are written in full) and exits with status 0, as a reader that
//! stopped early asked for nothing more. Any other write error (`> /dev/full`:
//! no space left on device) is one clear error and exit status 1.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Write `args` to stdout (locked, flushed).
pub fn write_out(args: std::fmt::Arguments) -> anyhow::Result<()> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match lock.write_fmt(args).and_then(|()| lock.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!("writing to standard output: {e}")),
    }
}

/// `print!` through [`write_out`]; returns early with the error from the enclosing
/// function (which returns `anyhow::Result`).
macro_rules! out {
    ($($t:tt)*) => {
        $crate::stdout::write_out(format_args!($($t)*))?
    };
}

/// `println!` through [`write_out`].
macro_rules! outln {
    () => {
        $crate::stdout::write_out(format_args!("\n"))?
    };
    ($($t:tt)*) => {
        $crate::stdout::write_out(format_args!("{}\n", format_args!($($t)*)))?
    };
}

pub(crate) use {out, outln};
