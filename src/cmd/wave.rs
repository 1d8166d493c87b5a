//! `neuroxbar wave FILE`: render a VCD, FST or GHW as a text waveform, or
//! summarize it.
//!
//! Reads VCDs written by Verilator, Icarus Verilog and other tools with the
//! streaming VCD reader, and FST (GTKWave's format, e.g. `neuroxbar run
//! --fst`) and GHW (GHDL's) through the `wellen` crate, loading only the
//! requested signals. Times for
//! `--from`/`--to` are in the file's own time units (its `$timescale`, shown
//! by `--summary` and in the ruler), or carry a unit: `--from 100ns`.

use std::path::PathBuf;

use crate::stdout::out;
use anyhow::{anyhow, Context};
use neuroxbar_cosim::wave::{self, RenderOptions};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Waveform file to read: VCD, FST or GHW (told apart by their first
    /// bytes).
    pub file: PathBuf,
    /// Signals to draw, comma-separated, in this order: full hierarchical
    /// names or unambiguous suffixes (`membrane`, `dut.count`). Default: all.
    #[arg(long, value_delimiter = ',')]
    pub signals: Vec<String>,
    /// First time shown, in the file's time units (e.g. `15000` with a 1ps
    /// timescale) or with a unit (`15ns`). Default: the start.
    #[arg(long)]
    pub from: Option<String>,
    /// Last time shown (inclusive), same units as --from. Default: the end.
    #[arg(long)]
    pub to: Option<String>,
    /// List scopes, signals, widths, transition counts and the time range
    /// instead of drawing.
    #[arg(long)]
    pub summary: bool,
    /// Maximum line width in characters; 0 means no limit.
    #[arg(long, default_value_t = 120)]
    pub width: usize,
    /// Write a GTKWave view beside the file instead of drawing: `<stem>.gtkw`
    /// (signals grouped, line modes by name, markers at the first time
    /// steps) and `<stem>.fe_mode.txt` (its translate filter). `neuroxbar
    /// run --vcd` writes the same view itself.
    #[arg(long, conflicts_with_all = ["signals", "from", "to", "summary"])]
    pub gtkw: bool,
    /// Reader for a VCD: `stream` (the streaming reader: memory does not
    /// grow with the file) or `wellen` (reads the whole body first; for
    /// comparison). FST and GHW are always read with wellen.
    #[arg(long, value_enum, default_value_t = Reader::Stream)]
    pub reader: Reader,
}

/// The reader `neuroxbar wave` uses for a VCD.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reader {
    #[default]
    Stream,
    Wellen,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.gtkw {
        let v = wave::gtkw::write_view(&args.file).map_err(anyhow::Error::msg)?;
        crate::stdout::outln!(
            "view: {} ({} groups, {} markers; open with `gtkwave {}`)",
            v.gtkw.display(),
            v.groups.len(),
            v.markers.len(),
            v.gtkw.display()
        );
        return Ok(());
    }
    let text = output(&args)?;
    out!("{text}");
    Ok(())
}

/// The text `run` prints. Reads the header first, then streams the value
/// changes keeping only the requested signals inside the requested window
/// (or, for `--summary`, only transition counts).
fn output(args: &Args) -> anyhow::Result<String> {
    if args.file.as_os_str().is_empty() {
        return Err(anyhow!("no waveform file given"));
    }
    let backend = match args.reader {
        Reader::Stream => wave::Backend::Auto,
        Reader::Wellen => wave::Backend::Wellen,
    };
    let reader = wave::WaveReader::open_with(&args.file, backend)?;
    let file = args.file.display();
    if args.summary {
        let waveform = reader.read_summary()?;
        return Ok(format!("file        {file}\n{}", wave::summary(&waveform)));
    }
    let timescale = reader.header().timescale;
    let time = |flag: &str, text: &Option<String>| -> anyhow::Result<Option<u64>> {
        text.as_deref()
            .map(|t| wave::parse_time(t, timescale))
            .transpose()
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("{flag} for {file}"))
    };
    let from = time("--from", &args.from)?;
    let to = time("--to", &args.to)?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(anyhow!(wave::SelectError::EmptyWindow { from, to }))
                .with_context(|| format!("{file}"));
        }
    }
    let keep = if args.signals.is_empty() {
        (0..reader.header().signals.len()).collect()
    } else {
        reader
            .select(&args.signals)
            .with_context(|| format!("{file}"))?
    };
    let waveform = reader.read_window(&keep, from, to)?;
    let options = RenderOptions {
        signals: None,
        from,
        to,
        max_width: (args.width > 0).then_some(args.width),
    };
    wave::try_render(&waveform, &options).with_context(|| format!("{file}"))
}
