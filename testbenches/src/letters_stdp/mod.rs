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
//!
//! Modules: [`protocol`] (the host program: registers, presentations,
//! training and test), [`metrics`] (spreads over seeds, the STDP balance
//! map), [`report`] (`report.json`, CSV and SVG).

use crate::experiment::{dac_code, fe_params, ExperimentError};
use neuroxbar_cosim::cosim::{CoSim, CoSimError, StepResult};
use neuroxbar_cosim::host::{Late, Link, Timing};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_models::frontend::FrontEndParams;
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

/// What a run measured. Fields a back end cannot observe (a board at a
/// serial port: conductances, energy, pulses) are `None`, with the reason
/// in `missing_metrics`.
#[derive(Debug, Clone, Serialize)]
pub struct E1Result {
    /// Neuron that won each letter on clean input after training (None: no winner).
    pub letter_winner: Vec<(char, Option<u8>)>,
    pub recognition_vs_noise: Vec<RecognitionPoint>,
    /// Final conductances, `[row][col]`, siemens.
    pub weights_s: Option<Vec<Vec<f64>>>,
    /// Conductances of all cells after each epoch (for the histogram), siemens.
    pub weights_by_epoch_s: Option<Vec<Vec<f64>>>,
    /// Winner of every training presentation: (epoch, letter, winner).
    pub training_winners: Vec<(usize, char, Option<u8>)>,
    /// Presentations and time steps whose strobe came after its scheduled
    /// cycle (a step that programs cells can outlast a tick).
    pub late_strobes: u64,
    /// Where the host program ran.
    pub back_end: String,
    /// Device cycles from the start of the host program to its end.
    pub cycles: u64,
    pub clocked_cycles: Option<u64>,
    /// `cycles` in seconds of the device's clock.
    pub simulated_time_s: f64,
    pub energy_j: Option<f64>,
    pub programming_pulses: Option<u64>,
    /// Metrics left null, and why.
    pub missing_metrics: Vec<(String, String)>,
}

pub mod metrics;
pub mod protocol;
pub mod report;

pub use metrics::*;
pub use protocol::*;
pub use report::*;

#[cfg(test)]
mod tests {
    use super::protocol::noisy;
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
