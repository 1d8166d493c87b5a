//! `neuroxbar wave FILE.vcd`: render a VCD as a text waveform, or summarize it.
//!
//! Reads VCDs written by Verilator, Icarus Verilog and other tools. Times for
//! `--from`/`--to` are in the file's own time units (its `$timescale`, shown
//! by `--summary` and in the ruler), or carry a unit: `--from 100ns`.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use neuroxbar_cosim::wave::{self, RenderOptions};

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// VCD file to read.
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
}

pub fn run(args: Args) -> anyhow::Result<()> {
    print!("{}", output(&args)?);
    Ok(())
}

/// The text `run` prints.
fn output(args: &Args) -> anyhow::Result<String> {
    if args.file.as_os_str().is_empty() {
        return Err(anyhow!("no VCD file given"));
    }
    let waveform = wave::read_vcd(&args.file)?;
    let file = args.file.display();
    if args.summary {
        return Ok(format!("file        {file}\n{}", wave::summary(&waveform)));
    }
    let time = |flag: &str, text: &Option<String>| -> anyhow::Result<Option<u64>> {
        text.as_deref()
            .map(|t| wave::parse_time(t, waveform.timescale))
            .transpose()
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("{flag} for {file}"))
    };
    let options = RenderOptions {
        signals: (!args.signals.is_empty()).then(|| args.signals.clone()),
        from: time("--from", &args.from)?,
        to: time("--to", &args.to)?,
        max_width: (args.width > 0).then_some(args.width),
    };
    wave::try_render(&waveform, &options).with_context(|| format!("{file}"))
}
