//! E1 `letters-stdp`: unsupervised STDP + winner-take-all on a 25 x 5
//! memristor crossbar learns the letters Q, L, U, O, T.
//!
//! The host program below only does what a host does with the real
//! accelerator: write registers (row intensities, parameters), strobe
//! `present` and `tick`, and read winners. Everything else (crossbar reads,
//! LIF integration, winner-take-all, STDP traces, programming pulses through
//! the V/3 scheme) happens in the RTL, against the device models of the
//! array.
//!
//! Encoding: latency coding by default (every pixel fires once per
//! presentation, bright pixels first, at `t = T_enc (1 - intensity)`); rate
//! coding (LFSR) is available for comparison. Noise: Gaussian with sd =
//! noise level x input amplitude added to each pixel's intensity, clipped to
//! [0, 1], fresh per presentation.

use crate::experiment::{dac_code, fe_params, ExperimentError};
use neuroxbar_cosim::cosim::{CoSim, CoSimError};
use neuroxbar_cosim::host::Host;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_models::golden::accelerator::{AccelInputs, AccelOutputs};
use neuroxbar_models::golden::stdp::stdp_registers;
use neuroxbar_rtl::accel_regs::{addr, ROW_INTENSITY_BASE};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use serde::Serialize;

/// Pixels per letter and letters learned.
pub const N_ROWS: usize = 25;
pub const N_COLS: usize = 5;

/// The five 5x5 letters, `#` lit.
pub const LETTERS: [(char, [&str; 5]); 5] = [
    ('Q', [".###.", "#...#", "#...#", "#..#.", ".##.#"]),
    ('L', ["#....", "#....", "#....", "#....", "#####"]),
    ('U', ["#...#", "#...#", "#...#", "#...#", ".###."]),
    ('O', [".###.", "#...#", "#...#", "#...#", ".###."]),
    ('T', ["#####", "..#..", "..#..", "..#..", "..#.."]),
];

/// Pixel intensities (0 or 1) of letter `k`, row-major.
pub fn letter_pixels(k: usize) -> [f64; N_ROWS] {
    let mut p = [0.0; N_ROWS];
    for (r, line) in LETTERS[k].1.iter().enumerate() {
        for (c, ch) in line.chars().enumerate() {
            p[r * 5 + c] = if ch == '#' { 1.0 } else { 0.0 };
        }
    }
    p
}

/// Input encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Latency,
    Rate,
}

/// The STDP window realised by the STDP unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StdpWindow {
    pub a_plus: f64,
    pub a_minus: f64,
    pub tau_plus_s: f64,
    pub tau_minus_s: f64,
}

impl StdpWindow {
    /// The device's measured window (ftj-linear, Yang et al. 2022: A+ = 50.01,
    /// A- = 52.18, tau+ = 1.00 ms, tau- = 1.11 ms; offsets cut, see module doc).
    pub const BALANCED: StdpWindow = StdpWindow {
        a_plus: 50.01,
        a_minus: 52.18,
        tau_plus_s: 1.00e-3,
        tau_minus_s: 1.11e-3,
    };

    /// A window with ratios `A+/A- = a_ratio` and `tau+/tau- = tau_ratio`
    /// around the device's geometric means (`sqrt(A+ A-)` = 51.08,
    /// `sqrt(tau+ tau-)` = 1.054 ms): (1, 1) is exactly balanced, the device's
    /// own window is (0.96, 0.90).
    pub fn with_ratios(a_ratio: f64, tau_ratio: f64) -> StdpWindow {
        let b = Self::BALANCED;
        let a_m = (b.a_plus * b.a_minus).sqrt();
        let t_m = (b.tau_plus_s * b.tau_minus_s).sqrt();
        StdpWindow {
            a_plus: a_m * a_ratio.sqrt(),
            a_minus: a_m / a_ratio.sqrt(),
            tau_plus_s: t_m * tau_ratio.sqrt(),
            tau_minus_s: t_m / tau_ratio.sqrt(),
        }
    }
}

/// The A+/A- and tau+/tau- ratios of the balance map.
pub const BALANCE_RATIOS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
/// The noise levels of the balance map.
pub const BALANCE_NOISE: [f64; 2] = [0.0, 0.5];

/// One point of the STDP balance map.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BalancePoint {
    /// Requested A+/A- and tau+/tau-.
    pub a_ratio: f64,
    pub tau_ratio: f64,
    /// Ratios the STDP unit's registers realise (8-bit amplitudes, decay
    /// time constants in powers of two of the time step).
    pub a_ratio_realised: f64,
    pub tau_ratio_realised: f64,
    pub noise: f64,
    /// Recognition rate at this noise level after training with this window.
    pub rate: f64,
}

/// Recognition rate at one noise level over several seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedSpread {
    pub noise: f64,
    pub mean: f64,
    /// Sample standard deviation over the seeds.
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    /// One rate per seed, in the order of `seeds`.
    pub rates: Vec<f64>,
}

/// Recognition vs noise of several seeds (each a full run: device
/// variation, initial weights, presentation order and noise all follow the
/// seed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedStats {
    pub seeds: Vec<u64>,
    pub points: Vec<SeedSpread>,
}

/// Mean, sample sd, min and max of `x` (sd 0 for a single value).
fn spread(x: &[f64]) -> (f64, f64, f64, f64) {
    let n = x.len().max(1) as f64;
    let m = x.iter().sum::<f64>() / n;
    let sd = if x.len() > 1 {
        (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let lo = x.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    (m, sd, lo, hi)
}

/// Run `cfg` for `n_seeds` seeds `cfg.seed, cfg.seed + 1, ...`; `own` is the
/// run of `cfg.seed` itself when already done (it is not repeated).
pub fn run_seeds(
    cfg: &E1Config,
    n_seeds: usize,
    own: Option<&E1Result>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SeedStats, ExperimentError> {
    if n_seeds == 0 {
        return Err(ExperimentError::Invalid(
            "seeds: at least one seed is needed".into(),
        ));
    }
    let seeds: Vec<u64> = (0..n_seeds as u64)
        .map(|k| cfg.seed.wrapping_add(k))
        .collect();
    let mut curves: Vec<Vec<RecognitionPoint>> = Vec::new();
    for (k, &seed) in seeds.iter().enumerate() {
        match own {
            Some(r) if k == 0 => curves.push(r.recognition_vs_noise.clone()),
            _ => {
                let c = E1Config {
                    seed,
                    ..cfg.clone()
                };
                let r = run_verilator(&c, TraceRequest::Off, &mut |_, _| {})?;
                curves.push(r.recognition_vs_noise);
            }
        }
        progress(k + 1, seeds.len());
    }
    let points = cfg
        .noise_levels
        .iter()
        .enumerate()
        .map(|(i, &noise)| {
            let rates: Vec<f64> = curves.iter().map(|c| c[i].rate).collect();
            let (mean, sd, min, max) = spread(&rates);
            SeedSpread {
                noise,
                mean,
                sd,
                min,
                max,
                rates,
            }
        })
        .collect();
    Ok(SeedStats { seeds, points })
}

/// The STDP balance map: for every `(a_ratio, tau_ratio)` of `ratios` x
/// `ratios`, train with [`StdpWindow::with_ratios`] (everything else as
/// `cfg`, seed included) and test at `noise_levels`.
pub fn balance_map(
    cfg: &E1Config,
    ratios: &[f64],
    noise_levels: &[f64],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<BalancePoint>, ExperimentError> {
    let mut out = Vec::new();
    let total = ratios.len() * ratios.len();
    let mut done = 0;
    for &tau_ratio in ratios {
        for &a_ratio in ratios {
            let window = StdpWindow::with_ratios(a_ratio, tau_ratio);
            let c = E1Config {
                window,
                noise_levels: noise_levels.to_vec(),
                ..cfg.clone()
            };
            let regs = stdp_registers(
                window.a_plus,
                window.a_minus,
                window.tau_plus_s,
                window.tau_minus_s,
                c.tick_s,
                c.pulses_per_percent,
            )
            .map_err(|e| {
                ExperimentError::Invalid(format!(
                    "balance map point A+/A- = {a_ratio}, tau+/tau- = {tau_ratio}: {e}"
                ))
            })?;
            let w = regs.realised(c.tick_s, c.pulses_per_percent);
            let r = run_verilator(&c, TraceRequest::Off, &mut |_, _| {})?;
            for p in &r.recognition_vs_noise {
                out.push(BalancePoint {
                    a_ratio,
                    tau_ratio,
                    a_ratio_realised: w.a_plus / w.a_minus,
                    tau_ratio_realised: w.tau_plus_s / w.tau_minus_s,
                    noise: p.noise,
                    rate: p.rate,
                });
            }
            done += 1;
            progress(done, total);
        }
    }
    Ok(out)
}

/// Optional parts of an E1 report.
#[derive(Debug, Clone, Default)]
pub struct E1Extras {
    /// Recognition vs noise over several seeds.
    pub seeds: Option<SeedStats>,
    /// The STDP balance map, and the epochs its runs trained for.
    pub balance_map: Option<(Vec<BalancePoint>, usize)>,
}

/// Parameters of one E1 run.
#[derive(Debug, Clone, Serialize)]
pub struct E1Config {
    pub device: String,
    pub seed: u64,
    pub epochs: usize,
    pub encoding: Encoding,
    pub window: StdpWindow,
    /// Programming pulses per unit of the STDP window's amplitude (percent).
    pub pulses_per_percent: f64,
    /// Time step, seconds.
    pub tick_s: f64,
    /// Time steps per presentation.
    pub ticks_per_presentation: usize,
    /// Rest between presentations, seconds.
    pub gap_s: f64,
    /// Programming pulse width and interval, seconds (the device's 1 ms pulses
    /// by default; intervals long against the device's trace time constants).
    pub pulse_width_s: f64,
    pub pulse_interval_s: f64,
    /// Noise levels of the recognition test (sd, in units of the input amplitude).
    pub noise_levels: Vec<f64>,
    /// Noisy presentations per letter and noise level.
    pub test_repeats: usize,
    /// Warp waits (identical results, faster).
    pub warp: bool,
    /// LIF threshold, in column-current codes (10 nA each at the default TIA gain).
    pub threshold_codes: u32,
    /// Homeostasis: threshold increment per spike (codes) and its decay shift.
    pub theta_plus_codes: u32,
    pub theta_decay_shift: u32,
    /// Programming amplitude (cell voltage), volts; the V/3 half-select
    /// disturb is a third of it.
    pub v_prog_volts: f64,
    /// The accelerator's clock, MHz: every duration above becomes whole
    /// cycles of it (100 MHz, 10 ns, by default).
    pub clock_mhz: f64,
}

impl E1Config {
    /// The full experiment of experiments.md: 100 epochs, noise 0.0 .. 1.0.
    pub fn full(device: &str, seed: u64) -> Self {
        E1Config {
            device: device.to_string(),
            seed,
            epochs: 100,
            encoding: Encoding::Latency,
            window: StdpWindow::BALANCED,
            pulses_per_percent: 0.06,
            tick_s: 0.25e-3,
            ticks_per_presentation: 6,
            gap_s: 5e-3,
            pulse_width_s: 1e-3,
            pulse_interval_s: 5e-3,
            noise_levels: (0..=10).map(|k| k as f64 / 10.0).collect(),
            test_repeats: 10,
            warp: true,
            threshold_codes: 3000,
            theta_plus_codes: 150,
            theta_decay_shift: 8,
            v_prog_volts: 2.5,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
        }
    }

    /// A reduced run for tests: few epochs, few noise levels.
    pub fn reduced(device: &str, seed: u64, epochs: usize) -> Self {
        E1Config {
            epochs,
            noise_levels: vec![0.0, 0.5],
            test_repeats: 2,
            ..Self::full(device, seed)
        }
    }

    /// The tick period in whole clock cycles.
    pub fn tick_cycles(&self, period_s: f64) -> u64 {
        (self.tick_s / period_s).round() as u64
    }
}

/// Recognition at one noise level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RecognitionPoint {
    pub noise: f64,
    pub rate: f64,
}

/// What a run measured.
#[derive(Debug, Clone, Serialize)]
pub struct E1Result {
    /// Neuron that won each letter on clean input after training (None: no winner).
    pub letter_winner: Vec<(char, Option<u8>)>,
    pub recognition_vs_noise: Vec<RecognitionPoint>,
    /// Final conductances, `[row][col]`, siemens.
    pub weights_s: Vec<Vec<f64>>,
    /// Conductances of all cells after each epoch (for the histogram), siemens.
    pub weights_by_epoch_s: Vec<Vec<f64>>,
    /// Winner of every training presentation: (epoch, letter, winner).
    pub training_winners: Vec<(usize, char, Option<u8>)>,
    pub cycles: u64,
    pub clocked_cycles: u64,
    pub simulated_time_s: f64,
    pub energy_j: f64,
    pub programming_pulses: u64,
}

/// Program the accelerator's registers for E1.
pub fn configure<H: Host>(sim: &mut H, cfg: &E1Config, learning: bool) -> Result<(), CoSimError> {
    let period_s = sim.front_end().params().clock_period_s;
    let lsb_v = sim.front_end().params().dac_lsb_volts;
    let stdp = stdp_registers(
        cfg.window.a_plus,
        cfg.window.a_minus,
        cfg.window.tau_plus_s,
        cfg.window.tau_minus_s,
        cfg.tick_s,
        cfg.pulses_per_percent,
    )
    .map_err(|e| CoSimError::Config(format!("STDP window: {e}")))?;
    let a = |n: &str| addr(n).unwrap_or_else(|| panic!("register {n} is in the map"));
    let ramp = (255.0 / (cfg.ticks_per_presentation as f64 - 2.0)).ceil() as u32;
    let writes: Vec<(u8, u32)> = vec![
        (a("CTRL"), 0b011), // WTA on, max-membrane
        (a("THRESHOLD"), cfg.threshold_codes << 8),
        (a("RESET_V"), 0),
        (a("LEAK_SHIFT"), 3),
        (a("GAIN"), 0x0100),
        (a("REFRACTORY"), 20),
        (a("THETA_PLUS"), cfg.theta_plus_codes << 8),
        (a("THETA_DECAY_SHIFT"), cfg.theta_decay_shift),
        (
            a("INPUT_MODE"),
            if cfg.encoding == Encoding::Latency {
                2
            } else {
                1
            },
        ),
        (a("RAMP_STEP"), ramp.min(255)),
        (a("V_READ"), 25),
        // the DAC's settling time in whole cycles of the clock (10 at 100 MHz)
        (
            a("SETTLE_CYCLES"),
            sim.front_end()
                .params()
                .dac_settle_cycles()
                .clamp(1, 0xFFFF) as u32,
        ),
        (
            a("V_POT"),
            dac_code("v_prog_volts", cfg.v_prog_volts, lsb_v)? as u32,
        ),
        (
            a("V_DEP"),
            dac_code("v_prog_volts", -cfg.v_prog_volts, lsb_v)? as u32,
        ),
        (
            a("PULSE_WIDTH"),
            (cfg.pulse_width_s / period_s).round().max(1.0) as u32,
        ),
        (
            a("PULSE_INTERVAL"),
            (cfg.pulse_interval_s / period_s).round().max(1.0) as u32,
        ),
        (a("SCHEME"), 1),
        (a("PLASTICITY"), learning as u32),
        (a("STDP_A_PLUS"), stdp.a_plus as u32),
        (a("STDP_A_MINUS"), stdp.a_minus as u32),
        (a("STDP_PRE_DECAY_SHIFT"), stdp.pre_decay_shift as u32),
        (a("STDP_POST_DECAY_SHIFT"), stdp.post_decay_shift as u32),
        (a("STDP_TRACE_MAX"), stdp.trace_max as u32),
        (a("STDP_COUNT_SHIFT"), stdp.count_shift as u32),
    ];
    for (ad, d) in writes {
        sim.write_reg(ad, d)?;
    }
    Ok(())
}

/// Present one pattern (intensities 0..1) for a presentation; returns the
/// first winner.
pub fn present<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E1Config,
    pixels: &[f64; N_ROWS],
) -> Result<Option<u8>, CoSimError> {
    let period_s = sim.fe.params().clock_period_s;
    for (i, p) in pixels.iter().enumerate() {
        sim.write_reg(
            ROW_INTENSITY_BASE + i as u8,
            (p.clamp(0.0, 1.0) * 255.0).round() as u32,
        )?;
    }
    sim.present()?;
    let start = sim.time_cycles();
    let tick = cfg.tick_cycles(period_s);
    let mut winner = None;
    for k in 0..cfg.ticks_per_presentation {
        sim.idle_until(start + k as u64 * tick)?;
        let r = sim.step(50_000_000)?;
        if winner.is_none() {
            winner = r.winner;
        }
    }
    let gap = (cfg.gap_s / period_s).round() as u64;
    let now = sim.time_cycles();
    sim.idle_until(now + gap)?;
    Ok(winner)
}

/// Random initial weights: before the accelerator starts, every cell gets
/// 0..=40 potentiating pulses (3 V, 1 ms) straight through the array, as a
/// probe station would precondition it.
pub fn initialise_weights(
    fe: &mut neuroxbar_models::frontend::FrontEnd,
    t_s: f64,
    rng: &mut ChaCha8Rng,
) -> Result<(), ExperimentError> {
    let array = fe
        .array_mut()
        .map_err(|source| CoSimError::FrontEnd { t_s, source })?;
    for r in 0..N_ROWS {
        for c in 0..N_COLS {
            for _ in 0..rng.gen_range(0..=40) {
                array
                    .apply_cell(r, c, 3.0, 1e-3)
                    .map_err(|source| CoSimError::FrontEnd {
                        t_s,
                        source: source.into(),
                    })?;
            }
        }
    }
    array.reset_energy();
    Ok(())
}

fn noisy(pixels: &[f64; N_ROWS], noise: f64, rng: &mut ChaCha8Rng) -> [f64; N_ROWS] {
    let mut out = *pixels;
    if noise > 0.0 {
        let n = Normal::new(0.0, noise).expect("finite sd");
        for p in out.iter_mut() {
            *p = (*p + n.sample(rng)).clamp(0.0, 1.0);
        }
    }
    out
}

/// Train and test. `progress(done, total)` is called after every presentation.
pub fn run_on<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E1Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
    let t_s = sim.time_s();
    initialise_weights(&mut sim.fe, t_s, &mut rng)?;
    sim.reset()?;
    configure(sim, cfg, true)?;
    let total = cfg.epochs * LETTERS.len()
        + (cfg.noise_levels.len() * cfg.test_repeats + 1) * LETTERS.len();
    let mut done = 0;
    let mut weights_by_epoch_s = Vec::new();
    let mut training_winners = Vec::new();
    let mut order: Vec<usize> = (0..LETTERS.len()).collect();
    for epoch in 0..cfg.epochs {
        order.shuffle(&mut rng);
        for &k in &order {
            let w = present(sim, cfg, &letter_pixels(k))?;
            training_winners.push((epoch, LETTERS[k].0, w));
            done += 1;
            progress(done, total);
        }
        weights_by_epoch_s.push(sim.weights_s()?);
    }
    // test: learning off
    configure(sim, cfg, false)?;
    let mut letter_winner = Vec::new();
    for k in 0..LETTERS.len() {
        let w = present(sim, cfg, &letter_pixels(k))?;
        letter_winner.push((LETTERS[k].0, w));
        done += 1;
        progress(done, total);
    }
    // a letter counts only if its clean winner is its own (no other letter shares it)
    let distinct: Vec<bool> = letter_winner
        .iter()
        .map(|(_, w)| w.is_some() && letter_winner.iter().filter(|(_, v)| v == w).count() == 1)
        .collect();
    let mut recognition_vs_noise = Vec::new();
    for &noise in &cfg.noise_levels {
        let mut hits = 0usize;
        let mut trials = 0usize;
        for _ in 0..cfg.test_repeats {
            for k in 0..LETTERS.len() {
                let input = noisy(&letter_pixels(k), noise, &mut rng);
                let w = present(sim, cfg, &input)?;
                trials += 1;
                if distinct[k] && w.is_some() && w == letter_winner[k].1 {
                    hits += 1;
                }
                done += 1;
                progress(done, total);
            }
        }
        recognition_vs_noise.push(RecognitionPoint {
            noise,
            rate: hits as f64 / trials as f64,
        });
    }
    let flat = sim.weights_s()?;
    let weights_s = (0..N_ROWS)
        .map(|r| flat[r * N_COLS..(r + 1) * N_COLS].to_vec())
        .collect();
    let stats = sim.stats();
    Ok(E1Result {
        letter_winner,
        recognition_vs_noise,
        weights_s,
        weights_by_epoch_s,
        training_winners,
        cycles: sim.time_cycles(),
        clocked_cycles: stats.clocked_cycles,
        simulated_time_s: sim.time_s(),
        energy_j: sim.fe.energy_j(),
        programming_pulses: sim.fe.stats().apply_pulses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_distinct_5x5_patterns() {
        for a in 0..5 {
            let pa = letter_pixels(a);
            assert!(pa.iter().filter(|p| **p > 0.5).count() >= 5);
            for b in 0..a {
                assert_ne!(pa, letter_pixels(b), "{} vs {}", LETTERS[a].0, LETTERS[b].0);
            }
        }
    }

    #[test]
    fn noise_is_clipped_and_seeded() {
        let mut r1 = ChaCha8Rng::seed_from_u64(3);
        let mut r2 = ChaCha8Rng::seed_from_u64(3);
        let a = noisy(&letter_pixels(0), 0.7, &mut r1);
        let b = noisy(&letter_pixels(0), 0.7, &mut r2);
        assert_eq!(a, b);
        assert!(a.iter().all(|p| (0.0..=1.0).contains(p)));
        assert_ne!(a, letter_pixels(0));
    }
}

/// VCD tracing of an experiment run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceRequest {
    Off,
    Whole(std::path::PathBuf),
    /// Clocked cycles `from..to`.
    Window(std::path::PathBuf, u64, u64),
}

/// Run E1 through the Verilated accelerator against the array model.
pub fn run_verilator(
    cfg: &E1Config,
    trace: TraceRequest,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    run_verilator_analog(cfg, trace, None, progress)
}

/// [`run_verilator`] with the analog side in the VCD (`analog` scope: line
/// voltages, column currents and the conductances of `probes`; see
/// [`neuroxbar_cosim::analog`]) when a VCD is written and `probes` is given.
pub fn run_verilator_analog(
    cfg: &E1Config,
    trace: TraceRequest,
    probes: Option<&neuroxbar_cosim::analog::Probes>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E1Result, ExperimentError> {
    use neuroxbar_cosim::units::accelerator::VerilatorAccel;
    use neuroxbar_cosim::Trace;
    use neuroxbar_models::device::{DeviceKind, DeviceSpec};
    use neuroxbar_models::frontend::FrontEnd;
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Invalid)?;
    let spec = DeviceSpec::load(kind, None).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, fe_params(cfg.clock_mhz)?, cfg.seed)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let (vcd, window) = match &trace {
        TraceRequest::Off => (None, None),
        TraceRequest::Whole(p) => (Some(p.clone()), None),
        TraceRequest::Window(p, from, to) => (Some(p.clone()), Some((*from, *to))),
    };
    let trace = match trace {
        TraceRequest::Off => Trace::Off,
        TraceRequest::Whole(p) => Trace::Whole(p),
        TraceRequest::Window(path, from, to) => Trace::Window { path, from, to },
    };
    let dut = VerilatorAccel::new(trace).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let mut sim = CoSim::new(dut, fe, cfg.warp)?;
    let analog = match (&vcd, probes) {
        (Some(v), Some(p)) => {
            let mut a = neuroxbar_cosim::analog::AnalogTrace::new(v, N_ROWS, N_COLS, p)
                .map_err(ExperimentError::Invalid)?;
            if window.is_none_or(|(from, _)| from == 0) {
                a.record(&sim.fe, 0.0, true, None)
                    .map_err(ExperimentError::Invalid)?;
            }
            Some((a, window))
        }
        _ => None,
    };
    sim.analog = analog;
    let res = run_on(&mut sim, cfg, progress)?;
    let analog = sim.analog.take();
    drop(sim); // closes the VCD
    if let (Some((a, _)), Some(v)) = (analog, &vcd) {
        a.merge_into(v).map_err(ExperimentError::Invalid)?;
    }
    Ok(res)
}

/// Write `report.json`, CSV data and SVG plots of a run into `dir`
/// (each file complete or absent).
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E1Config,
    res: &E1Result,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    write_report_with(dir, cfg, res, &E1Extras::default(), wall_time_s)
}

/// [`write_report`] with the seed spread (`recognition_vs_noise_seeds`,
/// `recognition_seeds.csv`, mean +- sd beside the seed's own curve in
/// `recognition_vs_noise.svg`) and the STDP balance map (`stdp_balance_map`,
/// `stdp_balance_map.csv`, one heat map per noise level) when given.
pub fn write_report_with(
    dir: &std::path::Path,
    cfg: &E1Config,
    res: &E1Result,
    extras: &E1Extras,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use crate::report::{
        heatmap_svg, line_plot_svg, write_atomic, write_csv, LinePlot, PlotSeries,
    };
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let io = |p: &std::path::Path| {
        let p = p.to_path_buf();
        move |e| ExperimentError::io(&p, e)
    };
    let svg = |name: &str, text: Result<String, String>| -> Result<(), ExperimentError> {
        let p = dir.join(name);
        let text = text.map_err(ExperimentError::Invalid)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))
    };

    // report.json
    let mut report = json!({
        "experiment": "letters-stdp",
        "device": cfg.device,
        "seed": cfg.seed,
        "encoding": cfg.encoding,
        "stdp_window": cfg.window,
        "epochs": cfg.epochs,
        "parameters": cfg,
        "letter_winner": res.letter_winner.iter().map(|(c, w)| json!({"letter": c.to_string(), "neuron": w})).collect::<Vec<_>>(),
        "recognition_vs_noise": res.recognition_vs_noise,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "clock_mhz": cfg.clock_mhz,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
        "energy_j": res.energy_j,
        "programming_pulses": res.programming_pulses,
    });
    if let Some(st) = &extras.seeds {
        report["seeds"] = json!(st.seeds);
        report["recognition_vs_noise_seeds"] = json!(st.points);
    }
    if let Some((map, epochs)) = &extras.balance_map {
        report["stdp_balance_map"] = json!(map);
        report["stdp_balance_map_epochs"] = json!(epochs);
    }
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    // CSV data
    let p = dir.join("recognition.csv");
    let rows: Vec<Vec<String>> = res
        .recognition_vs_noise
        .iter()
        .map(|r| vec![format!("{:.1}", r.noise), format!("{:.4}", r.rate)])
        .collect();
    write_csv(&p, &["noise", "rate"], &rows).map_err(io(&p))?;
    let p = dir.join("weights.csv");
    let rows: Vec<Vec<String>> = (0..N_ROWS)
        .flat_map(|r| (0..N_COLS).map(move |c| (r, c)))
        .map(|(r, c)| {
            vec![
                r.to_string(),
                c.to_string(),
                format!("{:.6e}", res.weights_s[r][c]),
            ]
        })
        .collect();
    write_csv(&p, &["row", "neuron", "conductance_s"], &rows).map_err(io(&p))?;
    let p = dir.join("training_winners.csv");
    let rows: Vec<Vec<String>> = res
        .training_winners
        .iter()
        .map(|(e, l, w)| {
            vec![
                e.to_string(),
                l.to_string(),
                w.map_or("none".into(), |w| w.to_string()),
            ]
        })
        .collect();
    write_csv(&p, &["epoch", "letter", "winner"], &rows).map_err(io(&p))?;

    // weight maps, one per neuron, in microsiemens
    for c in 0..N_COLS {
        let m: Vec<Vec<f64>> = (0..5)
            .map(|r| (0..5).map(|x| res.weights_s[r * 5 + x][c] * 1e6).collect())
            .collect();
        svg(
            &format!("weights_neuron{c}.svg"),
            heatmap_svg(
                &format!("Neuron {c} weights"),
                "pixel column",
                "pixel row",
                &m,
                "conductance (uS)",
            ),
        )?;
    }
    // weight histogram over epochs: one heatmap row per epoch, 20 bins
    let all: Vec<f64> = res
        .weights_by_epoch_s
        .iter()
        .flatten()
        .map(|g| g * 1e6)
        .collect();
    if !all.is_empty() {
        let lo = all.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = all
            .iter()
            .cloned()
            .fold(f64::NEG_INFINITY, f64::max)
            .max(lo + 1e-9);
        let bins = 20;
        let hist: Vec<Vec<f64>> = res
            .weights_by_epoch_s
            .iter()
            .map(|w| {
                let mut h = vec![0.0; bins];
                for g in w {
                    let k = (((g * 1e6 - lo) / (hi - lo)) * bins as f64) as usize;
                    h[k.min(bins - 1)] += 1.0;
                }
                h
            })
            .collect();
        let p = dir.join("weight_histogram.csv");
        let rows: Vec<Vec<String>> = hist
            .iter()
            .enumerate()
            .map(|(e, h)| {
                std::iter::once(e.to_string())
                    .chain(h.iter().map(|v| v.to_string()))
                    .collect()
            })
            .collect();
        let header: Vec<String> = std::iter::once("epoch".to_string())
            .chain(
                (0..bins)
                    .map(|k| format!("{:.1}uS", lo + (k as f64 + 0.5) * (hi - lo) / bins as f64)),
            )
            .collect();
        let header: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
        write_csv(&p, &header, &rows).map_err(io(&p))?;
        svg(
            "weight_histogram.svg",
            heatmap_svg(
                &format!("Weight histogram per epoch ({lo:.1} .. {hi:.1} uS)"),
                "conductance bin",
                "epoch",
                &hist,
                "cells",
            ),
        )?;
    }
    svg(
        "recognition_vs_noise.svg",
        line_plot_svg(&LinePlot {
            title: format!("E1 recognition vs input noise ({})", cfg.device),
            x_label: "noise sd (x input amplitude)".into(),
            y_label: "recognition rate".into(),
            log_x: false,
            log_y: false,
            series: std::iter::once(PlotSeries {
                name: format!("seed {}", cfg.seed),
                points: res
                    .recognition_vs_noise
                    .iter()
                    .map(|r| (r.noise, r.rate))
                    .collect(),
                line: true,
            })
            .chain(extras.seeds.iter().flat_map(|st| {
                let n = st.seeds.len();
                [
                    (format!("mean of {n} seeds"), 0.0, true),
                    (format!("mean - sd ({n} seeds)"), -1.0, false),
                    (format!("mean + sd ({n} seeds)"), 1.0, false),
                ]
                .into_iter()
                .map(|(name, k, line)| PlotSeries {
                    name,
                    points: st
                        .points
                        .iter()
                        .map(|p| (p.noise, p.mean + k * p.sd))
                        .collect(),
                    line,
                })
            }))
            .collect(),
        }),
    )?;
    if let Some(st) = &extras.seeds {
        let p = dir.join("recognition_seeds.csv");
        let rows: Vec<Vec<String>> = st
            .points
            .iter()
            .map(|q| {
                [q.noise, q.mean, q.sd, q.min, q.max]
                    .iter()
                    .chain(q.rates.iter())
                    .map(|v| format!("{v:.4}"))
                    .collect()
            })
            .collect();
        let header: Vec<String> = ["noise", "mean", "sd", "min", "max"]
            .iter()
            .map(|h| h.to_string())
            .chain(st.seeds.iter().map(|s| format!("seed_{s}")))
            .collect();
        let header: Vec<&str> = header.iter().map(|h| h.as_str()).collect();
        write_csv(&p, &header, &rows).map_err(io(&p))?;
    }
    if let Some((map, epochs)) = &extras.balance_map {
        let p = dir.join("stdp_balance_map.csv");
        let rows: Vec<Vec<String>> = map
            .iter()
            .map(|q| {
                vec![
                    format!("{}", q.a_ratio),
                    format!("{}", q.tau_ratio),
                    format!("{:.4}", q.a_ratio_realised),
                    format!("{:.4}", q.tau_ratio_realised),
                    format!("{:.1}", q.noise),
                    format!("{:.4}", q.rate),
                ]
            })
            .collect();
        write_csv(
            &p,
            &[
                "a_ratio",
                "tau_ratio",
                "a_ratio_realised",
                "tau_ratio_realised",
                "noise",
                "rate",
            ],
            &rows,
        )
        .map_err(io(&p))?;
        let mut a_axis: Vec<f64> = map.iter().map(|q| q.a_ratio).collect();
        a_axis.sort_by(f64::total_cmp);
        a_axis.dedup();
        let mut t_axis: Vec<f64> = map.iter().map(|q| q.tau_ratio).collect();
        t_axis.sort_by(f64::total_cmp);
        t_axis.dedup();
        let mut noises: Vec<f64> = map.iter().map(|q| q.noise).collect();
        noises.sort_by(f64::total_cmp);
        noises.dedup();
        let list = |v: &[f64]| {
            v.iter()
                .enumerate()
                .map(|(i, r)| format!("{i}: {r}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for noise in noises {
            let m: Vec<Vec<f64>> = t_axis
                .iter()
                .map(|t| {
                    a_axis
                        .iter()
                        .map(|a| {
                            map.iter()
                                .find(|q| q.a_ratio == *a && q.tau_ratio == *t && q.noise == noise)
                                .map_or(f64::NAN, |q| q.rate)
                        })
                        .collect()
                })
                .collect();
            svg(
                &format!("stdp_balance_map_noise{noise:.1}.svg"),
                heatmap_svg(
                    &format!(
                        "E1 recognition, noise {noise:.1}, STDP balance ({epochs} epochs, seed {})",
                        cfg.seed
                    ),
                    &format!("A+/A- ({})", list(&a_axis)),
                    &format!("tau+/tau- ({})", list(&t_axis)),
                    &m,
                    "recognition rate",
                ),
            )?;
        }
    }
    Ok(())
}
