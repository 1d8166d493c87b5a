//! E4 `digits-refresh`: amplitude-coded inference on the 8x8 digits and the
//! astrocyte memristor's linearity refresh (Cheng et al. 2021,
//! doi 10.1002/aelm.202100669, Fig 4 and Fig 6).
//!
//! # Data and network
//! The 8x8 handwritten digits (UCI, 1797 images, `testbenches/data/`, with
//! its attribution). A fixed split: the images shuffled with
//! [`SPLIT_SEED`] (independent of `--seed`), the first 1347 train, the other
//! 450 test. One layer, 64 inputs -> 10 outputs, no bias, **ternary**
//! weights {-1, 0, +1} trained offline in plain Rust (float shadow weights,
//! ternarized in the forward pass with the TWN threshold `0.7 mean|w|`,
//! straight-through gradient, softmax cross-entropy with a trained scalar
//! logit scale, minibatch SGD; initialisation and order from `--seed`).
//!
//! # Mapping and inference through the RTL
//! Class `k` owns the differential column pair `2k` (G+) and `2k + 1` (G-):
//! weight +1 is G+ at the LRS and G- at the HRS, -1 the reverse, 0 both at
//! the HRS. The 64 x 20 array is inferred in tiles of the co-simulated
//! controller (`CrossbarController<25, 5>`, Verilated): 3 row tiles (rows
//! 0-24, 25-49, 50-63) x 4 column tiles, each tile its own 25 x 5 array of
//! the device behind the DAC/TIA/ADC front-end. Every cell is written
//! through the controller (PROGRAM commands, one 50 ns pulse at the paper's
//! set / reset amplitude, V/3 scheme) and every read is a READ of the
//! controller in its amplitude-code mode: row `i` driven at the DAC code
//! `pixel_i * PIXEL_CODES` (15 codes = 60 mV per grey level, 0.96 V at 16,
//! below both devices' set thresholds). The host sums the tiles' partial
//! column currents (ADC code x TIA LSB) and predicts the argmax over `k`
//! of `I(2k) - I(2k + 1)`.
//!
//! # Cycling and refresh
//! Every cell's cycling history is jumped to `N` cycles (`set_cycles`, not
//! simulated) before the weights are written. The weights are written
//! twice: the first pass spends each column's refresh budget (25 PROGRAM
//! pulses), so with refresh on the Verilated refresh scheduler
//! (`RefreshScheduler<25, 5>`, budget 25) issues a REFRESH command for
//! every cell of the column, which the controller turns into the
//! +3.5 V / -3.5 V, 50 ns pair (the host forwards the scheduler's commands
//! first, the `CommandArbiter`'s priority); the pair leaves the cell at the
//! HRS, so the second pass writes the weights again (budget off). Without
//! refresh the budget is 0 and the same two passes run. The device model
//! resets its cycles-since-refresh counter on such a pair (astrocyte only;
//! `n-astrocyte` has no YSZ reservoir, `refresh_enabled = false`).
//! The I-V linearity the RTL sees is also measured: every tile is read
//! with all its rows at full amplitude (code 240) and at half (120), and
//! `iv_half_ratio` = I(half) / I(full) (0.5 for a linear I-V).
//!
//! Modules: [`network`] (data, split, ternary network, training offline),
//! [`protocol`] (inference and refresh through the RTL), [`report`].

use crate::experiment::{dac_code, whole_cycles, ExperimentError};
use crate::letters_stm_ltm::XbarBench;
use neuroxbar_cosim::units::refresh::VerilatorRefresh;
use neuroxbar_cosim::units::xbar_ctrl::{VerilatorXbar, N_COLS as TILE_COLS, N_ROWS as TILE_ROWS};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::astrocyte::nonlinearity_factor_at;
use neuroxbar_models::device::{DeviceKind, DeviceSpec, ParamSet};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_models::golden::refresh::{RefreshInputs, RefreshOutputs};
use neuroxbar_models::golden::xbar_ctrl::XbarInputs;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The digits, one image per line: 64 pixels (0..16) then the label.
pub const DIGITS_CSV: &str = include_str!("../../data/digits.csv");
pub const N_PIXELS: usize = 64;
pub const N_CLASSES: usize = 10;
pub const N_IMAGES: usize = 1797;
pub const N_TRAIN: usize = 1347;
pub const N_TEST: usize = 450;
/// Seed of the fixed train/test shuffle (not `--seed`: the split is the
/// same in every run).
pub const SPLIT_SEED: u64 = 0xD161_7500;
/// DAC codes per grey level (4 mV each): pixel 16 is 240 codes, 0.96 V.
pub const PIXEL_CODES: i16 = 15;
/// Devices E4 runs on.
pub const DEVICES: [DeviceKind; 2] = [DeviceKind::Astrocyte, DeviceKind::NAstrocyte];
/// Largest cycling history, cycles (the paper's Fig 4 / 6 range).
pub const MAX_CYCLES: f64 = 1e11;
/// Row tiles of the 64 pixels.
pub const ROW_TILES: usize = N_PIXELS.div_ceil(TILE_ROWS);
/// Column tiles of the 20 differential columns.
pub const COL_TILES: usize = (2 * N_CLASSES).div_ceil(TILE_COLS);
/// The paper's Fig 6d, 6e: MNIST (28x28, 784-200-10 MLP) accuracy after
/// 1e8 cycles of the astrocyte, `(refresh, accuracy)`.
pub const PAPER_1E8: [(bool, f64); 2] = [(false, 0.6298), (true, 0.9475)];

/// Parameters of E4 (all in the report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E4Config {
    pub devices: Vec<String>,
    pub seed: u64,
    /// Training epochs over the 1347 training images.
    pub epochs: usize,
    pub learning_rate: f64,
    pub batch: usize,
    /// TWN threshold factor: |w| > factor * mean|w| is +-1.
    pub ternary_threshold_factor: f64,
    /// Test images inferred through the RTL (the first of the 450).
    pub test_images: usize,
    /// Cycling histories: decades 1e0 ..= `max_cycles` (`n-astrocyte` up to
    /// its endurance, 1e5).
    pub max_cycles: f64,
    pub pixel_codes: i16,
    pub tia_gain_index: usize,
    /// Programming pulse width (the paper's 50 ns pulses), s.
    pub pulse_width_s: f64,
    /// Refresh pair amplitude and width (Fig 4b: +-3.5 V, 50 ns).
    pub refresh_v: f64,
    pub refresh_width_s: f64,
    /// PROGRAM pulses per column before the scheduler refreshes it.
    pub refresh_budget: u32,
    /// Write scheme: V/3 (true) or V/2.
    pub scheme_v3: bool,
    /// The accelerator's clock, MHz: the pulse and refresh widths, the DAC
    /// settling and the ADC conversion become whole cycles of it.
    pub clock_mhz: f64,
}

impl E4Config {
    /// The full experiment.
    pub fn full(seed: u64) -> Self {
        E4Config {
            devices: DEVICES.iter().map(|d| d.name().to_string()).collect(),
            seed,
            epochs: 60,
            learning_rate: 0.05,
            batch: 16,
            ternary_threshold_factor: 0.7,
            test_images: N_TEST,
            max_cycles: MAX_CYCLES,
            pixel_codes: PIXEL_CODES,
            tia_gain_index: 5,
            pulse_width_s: 50e-9,
            refresh_v: 3.5,
            refresh_width_s: 50e-9,
            refresh_budget: TILE_ROWS as u32,
            scheme_v3: true,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
        }
    }

    /// Check every field; errors name the option and its allowed range.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        let bad = |option: &str, value: String, rule: String| {
            Err(ExperimentError::option(option, value, rule))
        };
        if self.devices.is_empty() {
            return Err(ExperimentError::Device(
                "devices: at least one of astrocyte, n-astrocyte".into(),
            ));
        }
        for d in &self.devices {
            if !DEVICES.iter().any(|k| k.name() == d) {
                return Err(ExperimentError::Device(format!(
                    "digits-refresh cannot use --device {d}; devices for digits-refresh: astrocyte, n-astrocyte"
                )));
            }
        }
        if !crate::experiment::CLOCK_MHZ_RANGE.contains(&self.clock_mhz) {
            return bad(
                "--clock-mhz",
                self.clock_mhz.to_string(),
                format!(
                    "allowed range {} ..= {} MHz",
                    crate::experiment::CLOCK_MHZ_RANGE.start(),
                    crate::experiment::CLOCK_MHZ_RANGE.end()
                ),
            );
        }
        if !(1..=1000).contains(&self.epochs) {
            return bad(
                "--train-epochs",
                self.epochs.to_string(),
                "allowed range 1..=1000".into(),
            );
        }
        if !(1..=N_TEST).contains(&self.test_images) {
            return bad(
                "--test-images",
                self.test_images.to_string(),
                format!("allowed range 1..={N_TEST}"),
            );
        }
        if !(self.max_cycles.is_finite() && (1.0..=MAX_CYCLES).contains(&self.max_cycles)) {
            return bad(
                "--max-cycles",
                self.max_cycles.to_string(),
                "allowed range 1..=1e11".into(),
            );
        }
        if !(1..=127).contains(&self.pixel_codes) {
            return bad(
                "pixel_codes",
                self.pixel_codes.to_string(),
                "allowed range 1..=127".into(),
            );
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 10.0) || self.batch == 0 {
            return bad(
                "learning_rate",
                format!("{} with batch {}", self.learning_rate, self.batch),
                "allowed range (0, 10], batch >= 1".into(),
            );
        }
        Ok(())
    }

    /// The cycling histories of `device`: every decade from 1e0 up to
    /// `max_cycles`, and for a device with a reported endurance not beyond it.
    pub fn cycle_points(&self, spec: &DeviceSpec) -> Vec<f64> {
        let top = spec
            .endurance_cycles()
            .map_or(self.max_cycles, |e| e.min(self.max_cycles));
        (0..=11)
            .map(|k| 10f64.powi(k))
            .filter(|&n| n <= top * (1.0 + 1e-9))
            .collect()
    }
}

pub mod network;
pub mod protocol;
pub mod report;

pub use network::*;
pub use protocol::*;
pub use report::*;
