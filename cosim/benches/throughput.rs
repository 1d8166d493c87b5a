//! Simulation throughput of the 16-neuron neuron core (`LifWtaTop<16>`) on
//! every back end, on the same seeded stimulus:
//!
//!     cargo bench -p neuroxbar-cosim --bench throughput
//!
//! Writes `cosim/benches/results/throughput.md` (table, machine, date,
//! command). Not a timed test: the numbers depend on the machine and its load.

use neuroxbar_cosim::units::lif_wta_top::{
    random_stimulus, GoldenLifWta, RustHdlLifWta, VerilatorLifWta,
};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::lif_wta_top::{TopInputs, TopOutputs};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const SEED: u64 = 2024;
/// The stimulus is this many cycles of `random_stimulus(SEED, ..)`, replayed
/// from the start when a back end runs longer.
const STIMULUS_CYCLES: usize = 200_000;

struct Row {
    back_end: &'static str,
    cycles: u64,
    seconds: f64,
    note: String,
}

/// Step `model` through `cycles` cycles of `stim`; wall time in seconds.
fn time(
    model: &mut dyn CycleModel<Inputs = TopInputs, Outputs = TopOutputs>,
    stim: &[TopInputs],
    cycles: u64,
) -> f64 {
    let t0 = Instant::now();
    let mut spikes = 0u32;
    for c in 0..cycles as usize {
        spikes = spikes.wrapping_add(model.step(&stim[c % stim.len()]).spikes.count_ones());
    }
    let s = t0.elapsed().as_secs_f64();
    std::hint::black_box(spikes);
    s
}

fn command_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> Vec<(&'static str, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("unknown")
        .trim()
        .to_string();
    let os = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .unwrap_or("unknown")
        .trim_matches('"')
        .to_string();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    vec![
        (
            "date (UTC)",
            command_line("date", &["-u", "+%Y-%m-%d %H:%M"]),
        ),
        (
            "commit",
            command_line("git", &["rev-parse", "--short", "HEAD"]),
        ),
        ("CPU", format!("{cpu}, {cores} cores")),
        (
            "load average (1/5/15 min) at the end",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        ("OS", os),
        ("rustc", command_line("rustc", &["-V"])),
        ("Verilator", command_line("verilator", &["--version"])),
    ]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse
    let stim: Vec<TopInputs> = random_stimulus(SEED, STIMULUS_CYCLES as u64).collect();
    let mut rows = Vec::new();

    let mut vl = VerilatorLifWta::new(Trace::Off).expect("Verilator model");
    let cycles = 5_000_000;
    rows.push(Row {
        back_end: "Verilator, trace off",
        cycles,
        seconds: time(&mut vl, &stim, cycles),
        note: String::new(),
    });
    drop(vl);

    let vcd = std::env::temp_dir().join(format!("neuroxbar-throughput-{}.vcd", std::process::id()));
    let cycles = 100_000;
    let mut vl =
        VerilatorLifWta::new(Trace::Whole(vcd.clone())).expect("Verilator model with trace");
    let seconds = time(&mut vl, &stim, cycles);
    drop(vl); // closes the VCD
    let bytes = std::fs::metadata(&vcd).map_or(0, |m| m.len());
    let _ = std::fs::remove_file(&vcd);
    rows.push(Row {
        back_end: "Verilator, trace on (whole run)",
        cycles,
        seconds,
        note: format!(
            "VCD {:.1} MB, {:.0} bytes/cycle",
            bytes as f64 / 1e6,
            bytes as f64 / cycles as f64
        ),
    });

    let cycles = 50_000;
    let mut hdl = RustHdlLifWta::default();
    rows.push(Row {
        back_end: "rust-hdl `simulate()`",
        cycles,
        seconds: time(&mut hdl, &stim, cycles),
        note: String::new(),
    });

    let cycles = 10_000_000;
    let mut gold = GoldenLifWta::default();
    rows.push(Row {
        back_end: "golden model",
        cycles,
        seconds: time(&mut gold, &stim, cycles),
        note: String::new(),
    });

    let mut md = String::from(
        "# Throughput of the neuron core (`LifWtaTop<16>`)\n\n\
         Command: `cargo bench -p neuroxbar-cosim --bench throughput` (writes this file).\n\n",
    );
    md.push_str(&format!(
        "Stimulus: `units::lif_wta_top::random_stimulus({SEED}, {STIMULUS_CYCLES})` (ticks, currents, config writes, resets), \
         replayed from its start on runs longer than {STIMULUS_CYCLES} cycles. Each back end is stepped through its \
         `CycleModel` driver (inputs in, all outputs read back every cycle).\n\n\
         | back end | cycles | seconds | cycles/s | relative to Verilator, trace off | notes |\n|---|---:|---:|---:|---:|---|\n"
    ));
    let reference = rows[0].cycles as f64 / rows[0].seconds;
    for r in &rows {
        let rate = r.cycles as f64 / r.seconds;
        let line = format!(
            "| {} | {} | {:.2} | {:.3e} | {:.3} | {} |\n",
            r.back_end,
            r.cycles,
            r.seconds,
            rate,
            rate / reference,
            r.note
        );
        print!("{line}");
        md.push_str(&line);
    }
    md.push_str("\nMachine:\n\n");
    for (k, v) in machine() {
        md.push_str(&format!("- {k}: {v}\n"));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/results/throughput.md");
    let tmp = path.with_extension("md.tmp");
    std::fs::create_dir_all(path.parent().unwrap()).expect("results directory");
    std::fs::write(&tmp, &md).expect("write results");
    std::fs::rename(&tmp, &path).expect("write results");
    println!("wrote {}", path.display());
}
