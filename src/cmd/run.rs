//! `neuroxbar run [EXPERIMENT]`: co-simulate an experiment through the RTL.

use crate::stdout::outln;
use anyhow::{bail, Context};
use neuroxbar_models::device::DeviceKind;
use neuroxbar_testbenches::experiment::{check_vcd_path, OutDir};
use neuroxbar_testbenches::letters_stdp::{self, E1Config, Encoding, StdpWindow};
use neuroxbar_testbenches::progress::Progress;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Experiments: letters-stdp (E1, the default), letters-stm-ltm (E5),
temporal-stp (E3), digits-refresh (E4), orientation-bcm (E2),
moving-direction (E2b).

With no arguments: E1 on ftj-linear, seed 1, 100 epochs, latency coding,
balanced STDP, recognition vs noise also over seeds 1..5 (--seeds),
output in a fresh directory out/letters-stdp-<n>. --balance-map adds the
STDP balance map (25 more full runs).
letters-stm-ltm: C, H, N written into a 5x5 otj array through the Verilated
crossbar controller (V/2 scheme, or --scheme v3), each pixel read right after
its own writing and 25 us later, the map after 500 s; output in
out/letters-stm-ltm-<n>.
temporal-stp: one Poisson input (10 Hz), one liwes cell of the Verilated
crossbar controller (a 1 V, 200 us gate pulse per spike, READ every 1 ms),
the Verilated LIF core (threshold never reached), 50 classes x 10
presentations, separability of the membrane read-outs for LiWES, IDEAL and
NO-STP at tau_m 10 and 100 ms (--train-ms, --gap-ms, --read-ms, --classes,
--presentations, --short-term-only); output in out/temporal-stp-<n>.
digits-refresh: the 8x8 digits (1347 train / 450 test, fixed split), a
one-layer ternary network trained offline, mapped to G+/G- column pairs of
astrocyte and n-astrocyte arrays and inferred through the Verilated crossbar
controller (each pixel its row's read amplitude), tile by tile; cycling
histories 1e0..1e11 (n-astrocyte to its endurance, 1e5) jumped to, with and
without the Verilated refresh scheduler's +-3.5 V, 50 ns pairs (--device,
--test-images, --max-cycles, --train-epochs); output in out/digits-refresh-<n>.
orientation-bcm: four bars (0, 45, 90, 135 deg) on a 9x9 grid, Poisson
inputs (2 Hz on the bar, 0.7 Hz elsewhere), WTA, BCM with a sliding
threshold through the Verilated accel_81x4 on ftj-relax, 2000 epochs
(--epochs, --rho0-hz, --eta, --theta-windows, --window-s, --window-ticks,
--v-pot-v, --v-dep-v, --pulse-width-us, --no-wta;
--seeds for the spread); output in out/orientation-bcm-<n>.
moving-direction: after --epochs of orientation-bcm learning [default
100], bars move up or down across the grid, the BCM unit pulses the cells on
their path, the relaxation trail in the conductance map gives the direction
(--trials per orientation and direction, --step-ms); output in
out/moving-direction-<n>.
Writes report.json, CSV data and SVG plots; prints where they are.";

#[derive(clap::Args, Debug, Default)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Experiment name [default: letters-stdp].
    pub experiment: Option<String>,
    /// Device model of the array [default: ftj-linear for letters-stdp (also:
    /// ftj-reference), otj for letters-stm-ltm (the only one)].
    #[arg(long, value_parser = parse_device)]
    pub device: Option<DeviceKind>,
    /// Seed of device variation, weight initialisation, presentation order and
    /// noise [default: 1].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder [default: a fresh out/<experiment>-<n>]. Must be absent or
    /// empty unless --force.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace a non-empty --out folder whole (only once the new results are
    /// complete).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Write a VCD of the DUT (E1: the accelerator, whole run slow and large, see
    /// --vcd-cycles; E5: the crossbar controller); not inside the output folder.
    /// VCD time is simulated (device) time, one cycle of --clock-mhz each, warped or not:
    /// during a warped wait or skipped idle time the signals hold their values.
    #[arg(long)]
    pub vcd: Option<PathBuf>,
    /// As --vcd, in GTKWave's compact FST format instead (traced to a VCD
    /// beside it, converted with GTKWave's `vcd2fst`, the VCD removed).
    #[arg(long, conflicts_with = "vcd")]
    pub fst: Option<PathBuf>,
    /// Trace only clocked cycles FROM..TO into the VCD (e.g. 0..20000); with
    /// time warp these span more simulated time than TO - FROM cycles.
    #[arg(long, value_parser = parse_window)]
    pub vcd_cycles: Option<(u64, u64)>,
    /// letters-stdp and letters-stm-ltm, with --vcd or --fst: also trace the
    /// conductance of these cells in the waveform's `analog` scope
    /// (`ROW:COL,...`, e.g. 0:0,3:2, or `all`); the line voltages and column
    /// currents are traced with any waveform.
    #[arg(long, value_name = "CELLS")]
    pub probe_cells: Option<String>,
    /// letters-stdp only: training epochs, 1..=10000 [default: 100].
    #[arg(long)]
    pub epochs: Option<usize>,
    /// letters-stdp only: also train and test the STDP balance map (A+/A- and
    /// tau+/tau- in 0.25, 0.5, 1, 2, 4; noise 0 and 0.5; 25 full runs).
    #[arg(long)]
    pub balance_map: bool,
    /// letters-stdp only: seeds of the recognition-vs-noise spread (SEED,
    /// SEED + 1, ...), 1..=100 [default: 5].
    #[arg(long)]
    pub seeds: Option<usize>,
    /// letters-stdp only: input encoding, latency or rate [default: latency].
    #[arg(long, value_parser = ["latency", "rate"])]
    pub encoding: Option<String>,
    /// Clock every cycle instead of warping over waits (same results, slower).
    /// letters-stm-ltm only skips, either way, idle stretches longer than
    /// 10 ms in which nothing happens on the bus (its 500 s retention).
    #[arg(long)]
    pub no_warp: bool,
    /// letters-stm-ltm only: write scheme, v2 (the default) or v3.
    #[arg(long, value_parser = ["v2", "v3"])]
    pub scheme: Option<String>,
    /// The accelerator's clock, MHz, 0.1..=500 [default: 100]: pulse widths,
    /// intervals, the DAC settling and the ADC conversion become whole cycles
    /// of it (the device sees the same seconds, to the rounding of a cycle);
    /// report.json states it. 36 MHz is the iCEBreaker's PLL clock.
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub clock_mhz: Option<f64>,
    /// letters-stdp only: run E1's host program on a board at this serial
    /// port (the board core's host link) instead of the co-simulation;
    /// conductances, energy and pulse counts are then reported null (not
    /// observable over the port).
    #[arg(long, value_name = "DEV")]
    pub port: Option<String>,
    /// With --port: the port's baud rate, 300..=12000000 [default: 115200].
    #[arg(long, value_name = "B")]
    pub baud: Option<u32>,
    /// With --port: the board's clock, MHz, 0.1..=500 [default: 100]; the
    /// schedule's durations become whole cycles of it.
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub board_clock_mhz: Option<f64>,
    /// With --port: seconds an answer may take beyond its bytes and the
    /// board's own wait [default: 2].
    #[arg(long, value_name = "S", hide = true, allow_hyphen_values = true)]
    pub answer_timeout_s: Option<f64>,
    /// temporal-stp only: random train duration, ms [default: 1000].
    #[arg(long, allow_hyphen_values = true)]
    pub train_ms: Option<f64>,
    /// temporal-stp only: end of the train to the end-of-sequence spike, ms [default: 50].
    #[arg(long, allow_hyphen_values = true)]
    pub gap_ms: Option<f64>,
    /// temporal-stp only: end spike to the membrane read-out, ms [default: 1].
    #[arg(long, allow_hyphen_values = true)]
    pub read_ms: Option<f64>,
    /// temporal-stp only: number of classes (random trains) [default: 50].
    #[arg(long)]
    pub classes: Option<usize>,
    /// temporal-stp only: presentations per class [default: 10].
    #[arg(long)]
    pub presentations: Option<usize>,
    /// temporal-stp only: no lasting step per gate pulse (alpha = 0), the
    /// paper's SNN model (short-term response only).
    #[arg(long)]
    pub short_term_only: bool,
    /// digits-refresh only: test images inferred through the RTL (the first
    /// of the 450), 1..=450 [default: 450].
    #[arg(long)]
    pub test_images: Option<usize>,
    /// digits-refresh only: largest cycling history, 1..=1e11 [default: 1e11].
    #[arg(long)]
    pub max_cycles: Option<f64>,
    /// digits-refresh only: training epochs of the ternary network, 1..=1000
    /// [default: 60].
    #[arg(long)]
    pub train_epochs: Option<usize>,
    /// orientation-bcm, moving-direction: BCM target rate rho_0, Hz (0, 100]
    /// [default: 3.7]; the LIF threshold is rho_0 / spikes-per-rho0 * window
    /// weighted input spikes.
    #[arg(long)]
    pub rho0_hz: Option<f64>,
    /// orientation-bcm, moving-direction: output spikes per rho_0 (the rate
    /// resolution; BCM_RHO0_SHIFT), a power of two 1..=256 [default: 4].
    #[arg(long)]
    pub spikes_per_rho0: Option<u32>,
    /// orientation-bcm, moving-direction: share of the windows a neuron is
    /// expected to win (theta's mean of y^2 counts the lost windows as 0):
    /// BCM_RHO0_SHIFT = log2(spikes-per-rho0 / N), a power of two
    /// 1..=spikes-per-rho0 [default: 1].
    #[arg(long)]
    pub win_share: Option<u32>,
    /// orientation-bcm, moving-direction: presentations before learning,
    /// with the programming off, so the BCM threshold (and the homeostatic
    /// thresholds) start from their running values, 0..=10000 [default: 0].
    #[arg(long)]
    pub warmup_epochs: Option<usize>,
    /// orientation-bcm, moving-direction: BCM learning rate, pulses per
    /// count^3, a power of two 2^-15..=1 [default: 1/32].
    #[arg(long)]
    pub eta: Option<f64>,
    /// orientation-bcm, moving-direction: BCM threshold averaging length,
    /// windows, a power of two 1..=32768 [default: 4].
    #[arg(long)]
    pub theta_windows: Option<u32>,
    /// orientation-bcm, moving-direction: rate window (one presentation),
    /// seconds, 0.05..=20 [default: 1].
    #[arg(long)]
    pub window_s: Option<f64>,
    /// orientation-bcm, moving-direction: ticks per rate window, 2..=1000 [default: 40].
    #[arg(long)]
    pub window_ticks: Option<usize>,
    /// orientation-bcm, moving-direction: cell voltage of a BCM potentiation
    /// pulse, volts, (0, 3] [default: 0.45].
    #[arg(long)]
    pub v_pot_v: Option<f64>,
    /// orientation-bcm, moving-direction: cell voltage of a BCM depression
    /// pulse, volts, [-3, 0) [default: -1.6].
    #[arg(long, allow_hyphen_values = true)]
    pub v_dep_v: Option<f64>,
    /// orientation-bcm, moving-direction: width of a BCM programming pulse,
    /// microseconds, 0.1..=1000 [default: 10].
    #[arg(long)]
    pub pulse_width_us: Option<f64>,
    /// orientation-bcm, moving-direction: learn without winner-take-all
    /// (every neuron fires on its own and the BCM unit updates every column);
    /// the tests still read winners with WTA.
    #[arg(long)]
    pub no_wta: bool,
    /// orientation-bcm, moving-direction: round the BCM pulse counts
    /// stochastically (BCM_DITHER; an LFSR's bits added below the shift),
    /// so updates of less than one pulse count on average.
    #[arg(long)]
    pub bcm_dither: bool,
    /// orientation-bcm: control run; after the initial conductances are set,
    /// every ftj-relax cell becomes an ideal additive synapse moving this
    /// many microsiemens per programming pulse, 0.01..=500
    /// (no facilitation, no conductance-proportional depression, no
    /// relaxation, no disturb) [default: off, the ftj-relax devices].
    #[arg(long)]
    pub ideal_synapse_us: Option<f64>,
    /// orientation-bcm, moving-direction: winner selection while learning,
    /// first (first to cross) or max (max-membrane among those crossing in
    /// the same tick) [default: first].
    #[arg(long, value_parser = ["first", "max"])]
    pub wta_mode: Option<String>,
    /// orientation-bcm, moving-direction: win-driven homeostasis, the
    /// winner's threshold increase per win as a fraction of the LIF
    /// threshold, 0..=4 (0: off) [default: 0].
    #[arg(long)]
    pub homeostasis: Option<f64>,
    /// orientation-bcm, moving-direction: decay of the homeostatic
    /// threshold, adapt -= adapt >> S per tick, 0..=31 (0: none) [default: 0].
    #[arg(long)]
    pub homeostasis_decay_shift: Option<u32>,
    /// letters-stdp: presentations of each letter per noise level in the
    /// test after training, 1..=100 [default: 10]; orientation-bcm,
    /// moving-direction: presentations of each orientation in the response
    /// test after learning, 1..=100 [default: 10 for orientation-bcm, 2 for
    /// moving-direction].
    #[arg(long)]
    pub test_repeats: Option<usize>,
    /// moving-direction only: rest between trials, seconds (the trail of the
    /// last trial relaxes), 0..=100 [default: 10].
    #[arg(long, allow_hyphen_values = true)]
    pub rest_s: Option<f64>,
    /// moving-direction only: trials per orientation and direction, 1..=50 [default: 3].
    #[arg(long)]
    pub trials: Option<usize>,
    /// moving-direction only: time per position of the moving bar, ms, 1..=10000 [default: 100].
    #[arg(long)]
    pub step_ms: Option<f64>,
}

const E1: &str = "letters-stdp";
const E5: &str = "letters-stm-ltm";
const E3: &str = "temporal-stp";
const E4: &str = "digits-refresh";
const E2: &str = "orientation-bcm";
const E2B: &str = "moving-direction";

/// Every experiment `run` knows, the default first.
pub const EXPERIMENTS: [&str; 6] = [E1, E5, E3, E4, E2, E2B];

/// An experiment-specific option of `run`: its flag, whether it was given,
/// and the experiments it applies to. Options not listed here (`--seed`,
/// `--out`, `--force`, `--device`, `--clock-mhz`) apply to every experiment.
type Scope = (&'static str, fn(&Args) -> bool, &'static [&'static str]);

/// Which experiment each option belongs to: the one table that every "does
/// not apply" error is derived from.
const OPTION_SCOPE: &[Scope] = &[
    ("--epochs", |a| a.epochs.is_some(), &[E1, E2, E2B]),
    ("--balance-map", |a| a.balance_map, &[E1]),
    ("--seeds", |a| a.seeds.is_some(), &[E1, E2, E2B]),
    ("--encoding", |a| a.encoding.is_some(), &[E1]),
    ("--no-warp", |a| a.no_warp, &[E1, E5, E3, E2, E2B]),
    ("--scheme", |a| a.scheme.is_some(), &[E5]),
    ("--vcd", |a| a.vcd.is_some(), &[E1, E5]),
    ("--fst", |a| a.fst.is_some(), &[E1, E5]),
    ("--vcd-cycles", |a| a.vcd_cycles.is_some(), &[E1, E5]),
    ("--probe-cells", |a| a.probe_cells.is_some(), &[E1, E5]),
    ("--train-ms", |a| a.train_ms.is_some(), &[E3]),
    ("--gap-ms", |a| a.gap_ms.is_some(), &[E3]),
    ("--read-ms", |a| a.read_ms.is_some(), &[E3]),
    ("--classes", |a| a.classes.is_some(), &[E3]),
    ("--presentations", |a| a.presentations.is_some(), &[E3]),
    ("--short-term-only", |a| a.short_term_only, &[E3]),
    ("--test-images", |a| a.test_images.is_some(), &[E4]),
    ("--max-cycles", |a| a.max_cycles.is_some(), &[E4]),
    ("--train-epochs", |a| a.train_epochs.is_some(), &[E4]),
    ("--rho0-hz", |a| a.rho0_hz.is_some(), &[E2, E2B]),
    ("--eta", |a| a.eta.is_some(), &[E2, E2B]),
    (
        "--spikes-per-rho0",
        |a| a.spikes_per_rho0.is_some(),
        &[E2, E2B],
    ),
    ("--theta-windows", |a| a.theta_windows.is_some(), &[E2, E2B]),
    ("--win-share", |a| a.win_share.is_some(), &[E2, E2B]),
    ("--warmup-epochs", |a| a.warmup_epochs.is_some(), &[E2, E2B]),
    ("--window-s", |a| a.window_s.is_some(), &[E2, E2B]),
    ("--window-ticks", |a| a.window_ticks.is_some(), &[E2, E2B]),
    ("--v-pot-v", |a| a.v_pot_v.is_some(), &[E2, E2B]),
    ("--v-dep-v", |a| a.v_dep_v.is_some(), &[E2, E2B]),
    (
        "--pulse-width-us",
        |a| a.pulse_width_us.is_some(),
        &[E2, E2B],
    ),
    (
        "--test-repeats",
        |a| a.test_repeats.is_some(),
        &[E1, E2, E2B],
    ),
    ("--no-wta", |a| a.no_wta, &[E2, E2B]),
    ("--bcm-dither", |a| a.bcm_dither, &[E2, E2B]),
    ("--wta-mode", |a| a.wta_mode.is_some(), &[E2, E2B]),
    (
        "--ideal-synapse-us",
        |a| a.ideal_synapse_us.is_some(),
        &[E2],
    ),
    ("--homeostasis", |a| a.homeostasis.is_some(), &[E2, E2B]),
    (
        "--homeostasis-decay-shift",
        |a| a.homeostasis_decay_shift.is_some(),
        &[E2, E2B],
    ),
    ("--trials", |a| a.trials.is_some(), &[E2B]),
    ("--rest-s", |a| a.rest_s.is_some(), &[E2B]),
    ("--step-ms", |a| a.step_ms.is_some(), &[E2B]),
];

/// E1's `--test-repeats`, checked, or `default`.
fn e1_test_repeats(args: &Args, default: usize) -> anyhow::Result<usize> {
    match args.test_repeats {
        None => Ok(default),
        Some(n) if (1..=100).contains(&n) => Ok(n),
        Some(n) => bail!("--test-repeats {n}: allowed range 1..=100"),
    }
}

/// The first given option that does not apply to `experiment`, as the error.
fn check_scope(args: &Args, experiment: &str) -> anyhow::Result<()> {
    for (flag, given, owners) in OPTION_SCOPE {
        if given(args) && !owners.contains(&experiment) {
            let owners = match owners {
                [one] => one.to_string(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => "none".to_string(),
            };
            bail!("{flag} does not apply to {experiment} ({owners} only)");
        }
    }
    Ok(())
}

/// `--clock-mhz`, checked, or the default.
pub(crate) fn clock_mhz(args: &Args) -> anyhow::Result<f64> {
    use neuroxbar_testbenches::experiment::{CLOCK_MHZ_RANGE, DEFAULT_CLOCK_MHZ};
    let c = args.clock_mhz.unwrap_or(DEFAULT_CLOCK_MHZ);
    if !CLOCK_MHZ_RANGE.contains(&c) {
        bail!(
            "--clock-mhz {}: allowed range {} ..= {} MHz",
            neuroxbar_models::device::common::num(c),
            CLOCK_MHZ_RANGE.start(),
            CLOCK_MHZ_RANGE.end()
        );
    }
    Ok(c)
}

/// Devices letters-stdp learns with: the two calibrated linear FTJ models
/// (their LTP/LTD steps drive the STDP updates); the volatile and
/// threshold-type models (ftj-relax, otj, liwes, astrocyte, n-astrocyte)
/// keep no usable weight between presentations.
pub const E1_DEVICES: [DeviceKind; 2] = [DeviceKind::FtjLinear, DeviceKind::FtjReference];

fn names(kinds: &[DeviceKind]) -> String {
    kinds
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_device(s: &str) -> Result<DeviceKind, String> {
    s.parse()
}

fn parse_window(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("`{s}`: expected FROM..TO (cycles)"))?;
    let a: u64 = a
        .trim()
        .parse()
        .map_err(|_| format!("`{a}`: not a cycle number"))?;
    let b: u64 = b
        .trim()
        .parse()
        .map_err(|_| format!("`{b}`: not a cycle number"))?;
    if b <= a {
        return Err(format!("`{s}`: TO must be larger than FROM"));
    }
    Ok((a, b))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let experiment = args.experiment.as_deref().unwrap_or(E1);
    if !EXPERIMENTS.contains(&experiment) {
        bail!(
            "unknown experiment `{experiment}` (available: {})",
            EXPERIMENTS.join(", ")
        );
    }
    check_scope(&args, experiment)?;
    if args.port.is_none() {
        let port_only = [
            ("--baud", args.baud.is_some()),
            ("--board-clock-mhz", args.board_clock_mhz.is_some()),
            ("--answer-timeout-s", args.answer_timeout_s.is_some()),
        ];
        if let Some((o, _)) = port_only.iter().find(|x| x.1) {
            bail!("{o} needs --port DEV (a board at a serial port)");
        }
    } else if experiment != "letters-stdp" {
        bail!(
            "--port does not apply to {experiment} (letters-stdp only: the other experiments' host programs do not run over the host link yet)"
        );
    }
    match experiment {
        "temporal-stp" => return run_e3(args),
        "digits-refresh" => return run_e4(args),
        "orientation-bcm" => return super::run_e2::run_e2(args),
        "moving-direction" => return super::run_e2::run_e2b(args),
        _ => {}
    }
    if experiment == E5 {
        run_e5(args)
    } else {
        run_e1(args)
    }
}

/// The analog side to trace with a waveform: the lines and currents always,
/// and the cells of `--probe-cells` (which needs a waveform).
fn probes(
    args: &Args,
    n_rows: usize,
    n_cols: usize,
) -> anyhow::Result<Option<neuroxbar_cosim::analog::Probes>> {
    use neuroxbar_cosim::analog::Probes;
    Ok(
        match (&args.probe_cells, args.vcd.as_ref().or(args.fst.as_ref())) {
            (Some(_), None) => bail!("--probe-cells needs --vcd FILE (or --fst FILE)"),
            (Some(t), Some(_)) => {
                Some(Probes::parse(t, n_rows, n_cols).map_err(anyhow::Error::msg)?)
            }
            (None, Some(_)) => Some(Probes::Cells(Vec::new())),
            (None, None) => None,
        },
    )
}

/// A VCD path and its optional window of clocked cycles.
type VcdRequest = Option<(PathBuf, Option<(u64, u64)>)>;

/// The VCD request of `args`, checked against the result folder.
fn vcd_request(args: &Args, out: &OutDir) -> anyhow::Result<VcdRequest> {
    if let Some(f) = &args.fst {
        // traced into a VCD beside it, converted after the run
        check_vcd_path(f, out).map_err(|e| anyhow::anyhow!("{}", e.replace("--vcd", "--fst")))?;
        let tmp = f.with_file_name(format!(
            ".{}.tmp-{}.vcd",
            f.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        return Ok(Some((tmp, args.vcd_cycles)));
    }
    match (&args.vcd, args.vcd_cycles) {
        (None, None) => Ok(None),
        (None, Some(_)) => bail!("--vcd-cycles needs --vcd FILE or --fst FILE"),
        (Some(p), w) => {
            check_vcd_path(p, out).map_err(anyhow::Error::msg)?;
            Ok(Some((p.clone(), w)))
        }
    }
}

/// The GTKWave view (`<stem>.gtkw` and its mode filter) beside the trace
/// the run wrote; with `--fst`, the VCD it traced into is converted to the
/// FST (GTKWave's `vcd2fst`) and removed.
fn finish_trace(args: &Args, traced: Option<&std::path::Path>) -> anyhow::Result<()> {
    let Some(vcd) = traced else {
        return Ok(());
    };
    let dump = args.fst.as_deref().unwrap_or(vcd);
    let v = neuroxbar_cosim::wave::gtkw::write_view_for(vcd, dump).map_err(anyhow::Error::msg)?;
    if let Some(fst) = &args.fst {
        let vcd_bytes = std::fs::metadata(vcd).map(|m| m.len()).unwrap_or(0);
        let o = std::process::Command::new("vcd2fst")
            .arg(vcd)
            .arg(fst)
            .output();
        let result = match o {
            Ok(o) if o.status.success() => Ok(()),
            Ok(o) => Err(anyhow::anyhow!(
                "--fst {}: vcd2fst failed: {}",
                fst.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => Err(anyhow::anyhow!(
                "--fst {}: cannot run vcd2fst (GTKWave's; scripts/setup.sh installs it): {e}",
                fst.display()
            )),
        };
        let _ = std::fs::remove_file(vcd); // the temporary VCD this run wrote
        result?;
        let fst_bytes = std::fs::metadata(fst).map(|m| m.len()).unwrap_or(0);
        eprintln!(
            "fst: {} ({fst_bytes} bytes; the VCD was {vcd_bytes} bytes)",
            fst.display()
        );
    }
    eprintln!(
        "view: {} (open with `gtkwave {}`)",
        v.gtkw.display(),
        v.gtkw.display()
    );
    Ok(())
}

/// A `--vcd-cycles` window that starts after the run's last clocked cycle
/// leaves a VCD without value changes: say so.
fn warn_empty_window(window: Option<(u64, u64)>, clocked: u64) {
    if let Some((from, to)) = window {
        if from >= clocked {
            eprintln!(
                "warning: --vcd-cycles {from}..{to} starts after the run's last clocked cycle \
                 ({clocked} clocked): the VCD holds no value changes"
            );
        }
    }
}

fn run_e1(args: Args) -> anyhow::Result<()> {
    let experiment = E1;
    if args.port.is_some() {
        return run_e1_port(args);
    }
    let device = args.device.unwrap_or(DeviceKind::FtjLinear);
    if !E1_DEVICES.contains(&device) {
        bail!(
            "{experiment} cannot learn with --device {device} (no stable weight \
             update); devices for {experiment}: {}",
            names(&E1_DEVICES)
        );
    }
    let mut cfg = E1Config::full(&device.to_string(), args.seed.unwrap_or(1));
    if let Some(e) = args.epochs {
        if e == 0 || e > 10_000 {
            bail!("--epochs {e}: allowed range 1..=10000");
        }
        cfg.epochs = e;
    }
    cfg.test_repeats = e1_test_repeats(&args, cfg.test_repeats)?;
    cfg.window = StdpWindow::BALANCED;
    let seeds = args.seeds.unwrap_or(5);
    if !(1..=100).contains(&seeds) {
        bail!("--seeds {seeds}: allowed range 1..=100");
    }
    cfg.encoding = if args.encoding.as_deref() == Some("rate") {
        Encoding::Rate
    } else {
        Encoding::Latency
    };
    cfg.warp = !args.no_warp;
    cfg.clock_mhz = clock_mhz(&args)?;
    // every output path is checked (and the folder reserved) before simulating
    let out = OutDir::from_option(args.out.as_deref(), args.force, experiment)?;
    let probes = probes(&args, letters_stdp::N_ROWS, letters_stdp::N_COLS)?;
    let vcd = vcd_request(&args, &out)?;
    let traced = vcd.as_ref().map(|v| v.0.clone());
    let window = vcd.as_ref().and_then(|v| v.1);
    let trace = match vcd {
        None => letters_stdp::TraceRequest::Off,
        Some((p, None)) => letters_stdp::TraceRequest::Whole(p),
        Some((p, Some((a, b)))) => letters_stdp::TraceRequest::Window(p, a, b),
    };
    eprintln!(
        "letters-stdp: device {device}, seed {}, {} epochs, {:?} coding, balanced STDP, {} MHz{}",
        cfg.seed,
        cfg.epochs,
        cfg.encoding,
        cfg.clock_mhz,
        if cfg.warp { ", time warp on" } else { "" }
    );
    let mut progress = Progress::new("presentations");
    let t0 = std::time::Instant::now();
    let res = letters_stdp::run_verilator_analog(&cfg, trace, probes.as_ref(), &mut |d, t| {
        progress.update(d, t)
    })
    .context("letters-stdp failed")?;
    progress.finish();
    warn_empty_window(window, res.clocked_cycles.unwrap_or(0));
    finish_trace(&args, traced.as_deref())?;
    let mut extras = letters_stdp::E1Extras::default();
    let mut p = Progress::new("seeds");
    extras.seeds = Some(
        letters_stdp::run_seeds(&cfg, seeds, Some(&res), &mut |d, t| p.update(d, t))
            .context("letters-stdp seeds failed")?,
    );
    p.finish();
    if args.balance_map {
        let mut p = Progress::new("balance-map runs");
        let map = letters_stdp::balance_map(
            &cfg,
            &letters_stdp::BALANCE_RATIOS,
            &letters_stdp::BALANCE_NOISE,
            &mut |d, t| p.update(d, t),
        )
        .context("letters-stdp balance map failed")?;
        p.finish();
        extras.balance_map = Some((map, cfg.epochs));
    }
    let wall = t0.elapsed().as_secs_f64();
    letters_stdp::write_report_with(out.partial(), &cfg, &res, &extras, wall)
        .with_context(|| format!("writing the report to {}", out.partial().display()))?;
    let out = out.commit()?;
    outln!("letter winners (clean input):");
    for (c, w) in &res.letter_winner {
        outln!(
            "  {c} -> {}",
            w.map_or("none".to_string(), |w| format!("neuron {w}"))
        );
    }
    outln!("recognition vs noise:");
    for p in &res.recognition_vs_noise {
        outln!("  noise {:.1}: {:.2}", p.noise, p.rate);
    }
    if let Some(st) = &extras.seeds {
        outln!(
            "recognition vs noise over seeds {:?} (mean +- sd):",
            st.seeds
        );
        for q in &st.points {
            outln!("  noise {:.1}: {:.2} +- {:.2}", q.noise, q.mean, q.sd);
        }
    }
    if let Some((map, _)) = &extras.balance_map {
        outln!("STDP balance map (A+/A-, tau+/tau-, noise: rate):");
        for q in map {
            outln!(
                "  {:>4} {:>4} {:.1}: {:.2}",
                q.a_ratio,
                q.tau_ratio,
                q.noise,
                q.rate
            );
        }
    }
    outln!(
        "{} cycles simulated ({} clocked), {:.3} s of device time, {:.3e} J, {:.1} s wall",
        res.cycles,
        res.clocked_cycles.unwrap_or(0),
        res.simulated_time_s,
        res.energy_j.unwrap_or(f64::NAN),
        wall
    );
    outln!("report: {}", out.join("report.json").display());
    Ok(())
}

/// E1 on a board at a serial port (`--port`).
fn run_e1_port(args: Args) -> anyhow::Result<()> {
    use neuroxbar_cosim::serial::SerialHost;
    use neuroxbar_testbenches::experiment::{CLOCK_MHZ_RANGE, DEFAULT_CLOCK_MHZ};
    let port = args.port.clone().unwrap_or_default();
    // what only a simulation has
    let sim_only = [
        ("--no-warp", args.no_warp, "a board clocks every cycle"),
        (
            "--vcd",
            args.vcd.is_some(),
            "the board's signals are not traced",
        ),
        (
            "--fst",
            args.fst.is_some(),
            "the board's signals are not traced",
        ),
        (
            "--vcd-cycles",
            args.vcd_cycles.is_some(),
            "the board's signals are not traced",
        ),
        (
            "--probe-cells",
            args.probe_cells.is_some(),
            "the board's array is not traced",
        ),
        (
            "--clock-mhz",
            args.clock_mhz.is_some(),
            "the board's clock is --board-clock-mhz",
        ),
        (
            "--device",
            args.device.is_some(),
            "the board's array is the device",
        ),
        (
            "--seeds",
            args.seeds.is_some(),
            "the seed spread runs in the co-simulation",
        ),
        (
            "--balance-map",
            args.balance_map,
            "the balance map runs in the co-simulation",
        ),
    ];
    if let Some((o, _, why)) = sim_only.iter().find(|x| x.1) {
        bail!("{o} does not apply with --port ({why})");
    }
    if port.is_empty() {
        bail!("--port: the serial port's path is empty");
    }
    let baud = args.baud.unwrap_or(115_200);
    if !(300..=12_000_000).contains(&baud) {
        bail!("--baud {baud}: allowed range 300..=12000000");
    }
    let clock = args.board_clock_mhz.unwrap_or(DEFAULT_CLOCK_MHZ);
    if !CLOCK_MHZ_RANGE.contains(&clock) {
        bail!(
            "--board-clock-mhz {}: allowed range {} ..= {} MHz",
            neuroxbar_models::device::common::num(clock),
            CLOCK_MHZ_RANGE.start(),
            CLOCK_MHZ_RANGE.end()
        );
    }
    let timeout_s = args.answer_timeout_s.unwrap_or(2.0);
    if !(timeout_s.is_finite() && (0.01..=3600.0).contains(&timeout_s)) {
        bail!(
            "--answer-timeout-s {}: allowed range 0.01..=3600 s",
            neuroxbar_models::device::common::num(timeout_s)
        );
    }
    let mut cfg = E1Config::full(
        &format!("the board's array at {port}"),
        args.seed.unwrap_or(1),
    );
    if let Some(e) = args.epochs {
        if e == 0 || e > 10_000 {
            bail!("--epochs {e}: allowed range 1..=10000");
        }
        cfg.epochs = e;
    }
    cfg.test_repeats = e1_test_repeats(&args, cfg.test_repeats)?;
    cfg.encoding = if args.encoding.as_deref() == Some("rate") {
        Encoding::Rate
    } else {
        Encoding::Latency
    };
    cfg.warp = false;
    cfg.clock_mhz = clock;
    // the port answers before an output folder is reserved
    let mut host = SerialHost::open(&port, baud, clock)?;
    host.answer_timeout = std::time::Duration::from_secs_f64(timeout_s);
    let out = OutDir::from_option(args.out.as_deref(), args.force, "letters-stdp")?;
    eprintln!(
        "letters-stdp on the board at {port} ({baud} baud, {clock} MHz, counter at cycle {}): seed {}, {} epochs, {:?} coding",
        neuroxbar_cosim::host::Link::time_cycles(&host),
        cfg.seed,
        cfg.epochs,
        cfg.encoding
    );
    let back_end = format!("board at {port} ({baud} baud, {clock} MHz)");
    let mut progress = Progress::new("presentations");
    let t0 = std::time::Instant::now();
    let res = letters_stdp::run_link(&mut host, &cfg, &back_end, &mut |d, t| {
        progress.update(d, t)
    })
    .context("letters-stdp on the board failed")?;
    progress.finish();
    let wall = t0.elapsed().as_secs_f64();
    letters_stdp::write_report(out.partial(), &cfg, &res, wall)
        .with_context(|| format!("writing the report to {}", out.partial().display()))?;
    let out = out.commit()?;
    outln!("letter winners (clean input):");
    for (c, w) in &res.letter_winner {
        outln!(
            "  {c} -> {}",
            w.map_or("none".to_string(), |w| format!("neuron {w}"))
        );
    }
    outln!("recognition vs noise:");
    for p in &res.recognition_vs_noise {
        outln!("  noise {:.1}: {:.2}", p.noise, p.rate);
    }
    let s = host.stats();
    outln!(
        "{} cycles of the board's clock ({:.3} s), {} strobes after their cycle, {} frames / {} bytes on the link, {:.1} s wall",
        res.cycles,
        res.simulated_time_s,
        res.late_strobes,
        s.frames,
        s.bytes,
        wall
    );
    outln!("not measured over the port: conductances, energy, programming pulses (null in report.json, see missing_metrics)");
    outln!("report: {}", out.join("report.json").display());
    Ok(())
}

/// E5 `letters-stm-ltm`.
fn run_e5(args: Args) -> anyhow::Result<()> {
    use neuroxbar_testbenches::letters_stm_ltm::{self, E5Config};
    let experiment = "letters-stm-ltm";
    if let Some(d) = args.device {
        if d != DeviceKind::Otj {
            bail!("{experiment} cannot use --device {d}; devices for {experiment}: otj");
        }
    }
    let mut cfg = E5Config::full(args.seed.unwrap_or(1));
    cfg.scheme_v3 = args.scheme.as_deref() == Some("v3");
    cfg.warp = !args.no_warp;
    cfg.clock_mhz = clock_mhz(&args)?;
    let out = OutDir::from_option(args.out.as_deref(), args.force, experiment)?;
    let probes = probes(
        &args,
        neuroxbar_cosim::units::xbar_ctrl::N_ROWS,
        neuroxbar_cosim::units::xbar_ctrl::N_COLS,
    )?;
    let vcd = vcd_request(&args, &out)?;
    let traced = vcd.as_ref().map(|v| v.0.clone());
    let window = vcd.as_ref().and_then(|v| v.1);
    let trace = match vcd {
        None => neuroxbar_cosim::Trace::Off,
        Some((p, None)) => neuroxbar_cosim::Trace::Whole(p),
        Some((path, Some((from, to)))) => neuroxbar_cosim::Trace::Window { path, from, to },
    };
    eprintln!(
        "letters-stm-ltm: device {}, seed {}, {} scheme{}",
        cfg.device,
        cfg.seed,
        if cfg.scheme_v3 { "V/3" } else { "V/2" },
        if cfg.warp { ", time warp on" } else { "" }
    );
    let t0 = std::time::Instant::now();
    let res = letters_stm_ltm::run_verilator_analog(&cfg, trace, probes.as_ref())
        .context("letters-stm-ltm failed")?;
    warn_empty_window(window, res.clocked_cycles);
    finish_trace(&args, traced.as_deref())?;
    let wall = t0.elapsed().as_secs_f64();
    letters_stm_ltm::write_report(out.partial(), &cfg, &res, wall)
        .with_context(|| format!("writing the report to {}", out.partial().display()))?;
    let out = out.commit()?;
    outln!(
        "letter  V     f       lit/unlit (nA) right after   25 us        500 s     lit G change"
    );
    for l in &res.letters {
        outln!(
            "  {}  {:.1} V {:>5.1} MHz  {:>9.3} / {:<9.3}  {:>9.3} / {:<9.3}  {:>9.3} / {:<9.3}  x{:.3}",
            l.letter,
            l.amplitude_v,
            l.frequency_hz / 1e6,
            l.mean_lit_after_a * 1e9,
            l.mean_unlit_after_a * 1e9,
            l.mean_lit_25us_a * 1e9,
            l.mean_unlit_25us_a * 1e9,
            l.mean_lit_500s_a * 1e9,
            l.mean_unlit_500s_a * 1e9,
            l.g_nv_ratio_lit
        );
    }
    outln!(
        "H retention after 500 s: {:.3} (lit mean), contrast kept {:.3}",
        res.h_retention,
        res.h_contrast_kept
    );
    for (f, th) in &res.device_ltm_threshold_v {
        outln!(
            "device-level LTM threshold of {} x {:.0} ns at {:.1} MHz: {}",
            cfg.pulses,
            cfg.pulse_width_s * 1e9,
            f / 1e6,
            th.map_or("none up to 3.0 V".into(), |v| format!("{v:.2} V"))
        );
    }
    outln!(
        "{} cycles simulated ({} clocked), {:.3} s of device time, {:.3e} J ({:.3e} J writing letters), {:.2} s wall",
        res.cycles, res.clocked_cycles, res.simulated_time_s, res.energy_j, res.energy_letters_j, wall
    );
    outln!("report: {}", out.join("report.json").display());
    Ok(())
}

/// E3 `temporal-stp`.
fn run_e3(args: Args) -> anyhow::Result<()> {
    use neuroxbar_testbenches::temporal_stp::{self, E3Config};
    if let Some(d) = args.device {
        if d != DeviceKind::Liwes {
            bail!("temporal-stp runs on liwes devices (got --device {d})");
        }
    }
    let mut cfg = E3Config::full(args.seed.unwrap_or(1));
    cfg.train_ms = args.train_ms.unwrap_or(cfg.train_ms);
    cfg.gap_ms = args.gap_ms.unwrap_or(cfg.gap_ms);
    cfg.read_ms = args.read_ms.unwrap_or(cfg.read_ms);
    cfg.classes = args.classes.unwrap_or(cfg.classes);
    cfg.presentations = args.presentations.unwrap_or(cfg.presentations);
    cfg.long_term_step = !args.short_term_only;
    cfg.warp = !args.no_warp;
    cfg.clock_mhz = clock_mhz(&args)?;
    cfg.validate().context("temporal-stp options")?;
    // the output folder is checked (and a default one reserved) before simulating
    let out = OutDir::from_option(args.out.as_deref(), args.force, "temporal-stp")?;
    eprintln!(
        "temporal-stp: liwes, seed {}, {} classes x {} presentations, train {} ms, gap {} ms, read {} ms{}{}",
        cfg.seed,
        cfg.classes,
        cfg.presentations,
        cfg.train_ms,
        cfg.gap_ms,
        cfg.read_ms,
        if cfg.long_term_step { "" } else { ", short-term response only" },
        if cfg.warp { ", time warp on" } else { "" }
    );
    let mut progress = Progress::new("presentations");
    let t0 = std::time::Instant::now();
    let res = temporal_stp::run_verilator(&cfg, &mut |d, t| progress.update(d, t))
        .context("temporal-stp failed")?;
    progress.finish();
    let wall = t0.elapsed().as_secs_f64();
    temporal_stp::write_report(out.partial(), &cfg, &res, wall)
        .with_context(|| format!("writing the report to {}", out.partial().display()))?;
    let out = out.commit()?;
    outln!("tau_m   synapse  separability  inter      intra      x no-stp  (paper: sep, x no-stp)");
    for r in &res.results {
        outln!(
            "{:>4.0} ms {:<8} {:>11.4e}  {:>9.3e}  {:>9.3e}  {:>8.2}  ({:.1e}, {})",
            r.tau_m_s * 1e3,
            r.synapse,
            r.separability,
            r.inter_class_distance,
            r.intra_class_distance,
            r.ratio_to_no_stp,
            r.paper_separability,
            r.paper_ratio_to_no_stp
        );
    }
    for n in &res.neurons {
        outln!(
            "tau_m {:.0} ms: NO-STP k = {:.2} (paper {}), GAIN {}/256, DECAY {}/65536, max |membrane| {:.0} of 32768 codes",
            n.tau_m_s * 1e3,
            n.k,
            n.k_paper,
            n.gain_bits,
            n.decay_bits,
            n.max_abs_membrane_codes
        );
    }
    outln!(
        "{} cycles simulated, {:.3} s of device time, {:.3e} J, {:.1} s wall",
        res.cycles,
        res.simulated_time_s,
        res.energy_j,
        wall
    );
    outln!("report: {}", out.join("report.json").display());
    Ok(())
}

/// E4 `digits-refresh`.
fn run_e4(args: Args) -> anyhow::Result<()> {
    use neuroxbar_testbenches::digits_refresh::{self, E4Config, DEVICES};
    let experiment = "digits-refresh";
    let mut cfg = E4Config::full(args.seed.unwrap_or(1));
    if let Some(d) = args.device {
        if !DEVICES.contains(&d) {
            bail!(
                "{experiment} cannot use --device {d}; devices for {experiment}: {}",
                names(&DEVICES)
            );
        }
        cfg.devices = vec![d.name().to_string()];
    }
    cfg.test_images = args.test_images.unwrap_or(cfg.test_images);
    cfg.max_cycles = args.max_cycles.unwrap_or(cfg.max_cycles);
    cfg.epochs = args.train_epochs.unwrap_or(cfg.epochs);
    cfg.clock_mhz = clock_mhz(&args)?;
    cfg.validate().context("digits-refresh options")?;
    let out = OutDir::from_option(args.out.as_deref(), args.force, experiment)?;
    eprintln!(
        "digits-refresh: {}, seed {}, {} test images, cycles up to {:e}, {} training epochs",
        cfg.devices.join(", "),
        cfg.seed,
        cfg.test_images,
        cfg.max_cycles,
        cfg.epochs
    );
    let mut progress = Progress::new("tiles");
    let t0 = std::time::Instant::now();
    let res = digits_refresh::run_verilator(&cfg, &mut |d, t| progress.update(d, t))
        .context("digits-refresh failed")?;
    progress.finish();
    let wall = t0.elapsed().as_secs_f64();
    digits_refresh::write_report(out.partial(), &cfg, &res, wall)
        .with_context(|| format!("writing the report to {}", out.partial().display()))?;
    let out = out.commit()?;
    outln!(
        "ternary 64 -> 10 network: train {:.2} %, test (software, linear) {:.2} %, test (software, pristine I-V) {:.2} %",
        100.0 * res.net.train_accuracy,
        100.0 * res.net.test_accuracy,
        100.0 * res.software_pristine_iv_accuracy
    );
    outln!("device       cycles   no refresh   refresh   (I(V/2)/I(V): no refresh, refresh)");
    for d in &cfg.devices {
        let pts: Vec<_> = res.points.iter().filter(|p| &p.device == d).collect();
        for a in pts.iter().filter(|p| !p.refresh) {
            if let Some(b) = pts.iter().find(|p| p.refresh && p.cycles == a.cycles) {
                outln!(
                    "{:<12} {:>6.0e}   {:>7.2} %   {:>7.2} %   ({:.4}, {:.4})",
                    d,
                    a.cycles,
                    100.0 * a.value,
                    100.0 * b.value,
                    a.iv_half_ratio,
                    b.iv_half_ratio
                );
            }
        }
    }
    outln!(
        "{} cycles simulated ({} clocked), {:.3} s of device time, {:.3e} J, {:.1} s wall",
        res.cycles,
        res.clocked_cycles,
        res.simulated_time_s,
        res.energy_j,
        wall
    );
    outln!("report: {}", out.join("report.json").display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Args as _;

    /// Options of `run` that every experiment takes (or, for the serial
    /// options, that `run` checks against `--port` instead).
    const EVERY_EXPERIMENT: [&str; 9] = [
        "--device",
        "--seed",
        "--out",
        "--force",
        "--clock-mhz",
        "--port",
        "--baud",
        "--board-clock-mhz",
        "--answer-timeout-s",
    ];

    fn long_flags() -> Vec<String> {
        Args::augment_args(clap::Command::new("run"))
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect()
    }

    #[test]
    fn every_option_of_run_is_scoped_or_general_and_every_scope_names_a_real_option() {
        let flags = long_flags();
        for f in &flags {
            let scoped = OPTION_SCOPE.iter().any(|(s, _, _)| s == f);
            let general = EVERY_EXPERIMENT.contains(&f.as_str());
            assert!(
                scoped ^ general,
                "{f}: must be in exactly one of OPTION_SCOPE and EVERY_EXPERIMENT"
            );
        }
        for (f, _, owners) in OPTION_SCOPE {
            assert!(flags.iter().any(|x| x == f), "{f} is not an option of run");
            assert!(!owners.is_empty(), "{f} applies to no experiment");
            for o in *owners {
                assert!(EXPERIMENTS.contains(o), "{f}: unknown experiment {o}");
            }
        }
    }

    #[test]
    fn the_scope_error_names_the_option_the_experiment_and_the_owners() {
        let a = Args {
            trials: Some(3),
            ..Args::default()
        };
        assert!(check_scope(&a, E2B).is_ok());
        let e = check_scope(&a, E2).unwrap_err().to_string();
        assert_eq!(
            e,
            "--trials does not apply to orientation-bcm (moving-direction only)"
        );
        let a = Args {
            no_warp: true,
            ..Args::default()
        };
        let e = check_scope(&a, E4).unwrap_err().to_string();
        assert_eq!(
            e,
            "--no-warp does not apply to digits-refresh (letters-stdp, letters-stm-ltm, temporal-stp, orientation-bcm and moving-direction only)"
        );
        for x in EXPERIMENTS {
            assert!(check_scope(&Args::default(), x).is_ok());
        }
    }
}
