//! E2 `orientation-bcm`: BCM orientation selectivity on an 81 x 4
//! `ftj-relax` crossbar (Nie et al., Adv. Mater. 2025, Fig 6a-d), and E2b
//! `moving-direction`: the direction of a moving bar from the relaxation
//! trail it leaves in the conductance matrix (Fig 6e).
//!
//! # Through the RTL
//! The host only does what a host does with the accelerator
//! (`Accelerator<81, 4>`, Verilated top `accel_81x4`): write registers,
//! strobe `present` and `tick` with a host spike mask (input mode 0), read
//! spikes, winners and the BCM thresholds through the debug port. Crossbar
//! reads, the LIF integration, the winner-take-all, the BCM unit's counts,
//! its sliding threshold and its programming commands (V/3 scheme) all run
//! in the RTL, against the `ftj-relax` array + front-end model.
//!
//! # E2 mapping (paper -> registers)
//! - A presentation is one BCM rate window of `window_s` seconds in
//!   `ticks_per_window` ticks; each tick every pixel spikes with probability
//!   `rate * tick` (Bernoulli, the Poisson count of the window to within the
//!   one-spike-per-tick limit): 2 Hz on the bar, 0.7 Hz elsewhere (paper).
//! - `rho_y = sum_m rho_x^m W_m` (paper) with `W = G / g_unit_s`: the column
//!   current of a READ at `V_READ` is `sum G_m V_read` over the spiking rows,
//!   the LIF neuron (no leak, `GAIN` 1, reset to 0, no refractory time)
//!   integrates it over the window, and its `THRESHOLD` is `q T` in the same
//!   units, `q = rho_0 / spikes_per_rho0`: the window's spike count is
//!   `y ~ rho_y / q`.
//! - **rho_0**: the BCM unit's threshold tracks `<y^2> / 2^BCM_RHO0_SHIFT`
//!   and its update is `x y (y - theta)`; with `2^BCM_RHO0_SHIFT =
//!   spikes_per_rho0` the neuron settles where `rho_y = <rho_y^2> / rho_0`:
//!   BCM with target rate `rho_0` in Hz (`theta_hz = q * theta_counts`).
//!   Without the register (shift 0) the target would be the spike quantum
//!   itself, `rho_0 = q`: a rate resolution of one spike per `rho_0`, so a
//!   winner near `rho_0` fires 1 spike per window and `y = theta = 1` stops
//!   learning (measured: one neuron took every orientation and froze).
//! - `eta`: pulses per unit of `x y (y - theta)` (counts), `2^-BCM_COUNT_SHIFT`.
//! - theta averaging length: `2^BCM_THETA_SHIFT` windows.
//! - WTA (first-to-cross): the neuron whose integrated input crosses `rho_0 T`
//!   first wins the window and alone learns; the others are held at rest.

use crate::experiment::{dac_code, fe_params, ExperimentError};
use crate::report::{heatmap_svg, line_plot_svg, write_atomic, write_csv, LinePlot, PlotSeries};
use neuroxbar_cosim::cosim::{CoSim, CoSimError};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_models::golden::accelerator::{AccelInputs, AccelOutputs};
use neuroxbar_rtl::accel_regs::addr;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

pub const GRID: usize = 9;
pub const N_ROWS: usize = GRID * GRID;
pub const N_COLS: usize = 4;
/// The four bar orientations (paper, Fig 6a).
pub const ORIENTATIONS_DEG: [u32; 4] = [0, 45, 90, 135];

/// The bar of orientation `deg` through the grid centre, shifted `shift`
/// rows down (negative: up); pixels shifted off the grid are dropped.
/// Pixel `(r, c)` is row `9 r + c` of the crossbar.
pub fn bar_pixels(deg: u32, shift: i32) -> u128 {
    let mut m = 0u128;
    for k in 0..GRID as i32 {
        let (r, c) = match deg {
            0 => (4, k),
            90 => (k, 4),
            45 => (8 - k, k),
            135 => (k, k),
            _ => panic!("orientation {deg} is not one of 0, 45, 90, 135"),
        };
        let r = r + shift;
        if (0..GRID as i32).contains(&r) {
            m |= 1u128 << (r as usize * GRID + c as usize);
        }
    }
    m
}

/// Parameters of E2 (every one reported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E2Config {
    pub device: String,
    pub seed: u64,
    /// An epoch is one presentation of an orientation drawn with equal
    /// probability (the paper: "randomly presented with four orientation
    /// patterns with equal probability", 2000 epochs).
    pub epochs: usize,
    /// Presentations before learning with the programming off (WTA and
    /// homeostasis on): the BCM threshold starts at 0 out of reset and
    /// would otherwise potentiate every active input of the first
    /// ~`theta_windows` windows, the background included.
    pub warmup_epochs: usize,
    /// Mean rates on the bar and elsewhere, Hz (paper: 2 and 0.7).
    pub rate_bar_hz: f64,
    pub rate_background_hz: f64,
    /// Rate window (one presentation), seconds (assumed; not stated).
    pub window_s: f64,
    pub ticks_per_window: usize,
    /// BCM target rate, Hz (assumed: between the all-background response
    /// and a winner's initial response, see `initial_response_hz`).
    pub rho0_hz: f64,
    /// Output spikes per `rho_0` (a power of two, 1..=256; `2^BCM_RHO0_SHIFT`):
    /// the rate resolution. The LIF threshold is `rho_0 / spikes_per_rho0 *
    /// window_s` weighted input spikes.
    pub spikes_per_rho0: u32,
    /// Share of the windows a neuron is expected to win while learning with
    /// WTA (a power of two, 1..=spikes_per_rho0): theta averages `y^2` over
    /// every window, the lost ones (`y = 0`) included, so a neuron winning
    /// `1 / win_share` of them settles at `win_share * rho_0` in the windows
    /// it wins. `BCM_RHO0_SHIFT = log2(spikes_per_rho0 / win_share)` puts
    /// that target back at rho_0. 1: no correction.
    pub win_share: u32,
    /// Learning rate: pulses per unit of `x y (y - theta)` (a power of two, 2^-15..=1).
    pub eta: f64,
    /// Round the pulse count stochastically (`BCM_DITHER`): the expected
    /// count is `eta |x y (y - theta)|` even below one pulse; off, it is
    /// rounded down and every update under one pulse is lost.
    pub dither: bool,
    /// Theta averaging length, windows (a power of two, 1..=32768).
    pub theta_windows: u32,
    /// Weight unit: `W = G / g_unit_s` (the device's g_max, 2500 uS).
    pub g_unit_s: f64,
    /// Initial conductances: the device's 500 uS state depressed by a random
    /// number of -1.8 V, 100 us pulses in this range (low random G0, paper).
    pub init_dep_pulses: (u32, u32),
    /// Programming pulses (cell voltage), width and interval. The interval
    /// sets the facilitation a train's later pulses see (3.33 Hz trains, Fig 1e).
    pub v_pot_v: f64,
    pub v_dep_v: f64,
    pub pulse_width_s: f64,
    pub pulse_interval_s: f64,
    /// Write scheme: false V/2, true V/3. V/3 puts +|V_DEP|/3 = 0.53 V on
    /// every cell outside the selected row and column during a depression,
    /// above ftj-relax's 0.15 V potentiation threshold: measured, one
    /// column's depression drove the other three columns to g_max within a
    /// presentation. V/2 leaves them at 0 V (half-selected cells see V/2:
    /// -0.8 V, below the 1.31 V depression threshold; +0.23 V for a
    /// potentiation, a weak facilitated disturb).
    pub scheme_v3: bool,
    /// Competition while learning: true, winner-take-all (first to cross
    /// fires, the BCM unit updates the winner's column); false, every
    /// neuron fires on its own and the BCM unit updates every column (the
    /// RTL's `wta_on` low). The tests always read winners with WTA and
    /// responses without.
    pub learn_wta: bool,
    /// Winner selection (CTRL bit 1): false first-to-cross (the lowest
    /// index among the neurons crossing in the same tick), true max-membrane
    /// (among those, the one furthest above its threshold; the paper's
    /// "neuron with maximal rho_y").
    pub wta_max_membrane: bool,
    /// Win-driven homeostasis while learning with WTA: each win raises the
    /// winner's threshold by this fraction of the LIF threshold
    /// (`THETA_PLUS`; 0 = off), so a neuron that keeps winning yields the
    /// next presentations to the others. Off in the tests (`THETA_PLUS` 0;
    /// the thresholds reached are kept).
    pub homeostasis: f64,
    /// Decay of the homeostatic threshold: `adapt -= adapt >> s` per tick
    /// (`THETA_DECAY_SHIFT`; 0 = no decay).
    pub homeostasis_decay_shift: u32,
    /// Idle time between presentations, seconds (the volatile part relaxes).
    pub gap_s: f64,
    pub read_v: f64,
    /// TIA gain: index into the front-end's table (5: 100 nA per code).
    pub tia_gain_index: usize,
    /// Snapshots of weights, theta and responses every this many epochs.
    pub snapshot_every: usize,
    /// Test presentations per orientation after learning (learning off, WTA off).
    pub test_repeats: usize,
    pub clock_mhz: f64,
    pub warp: bool,
    /// Control run: after the initial conductances are set, every cell is
    /// replaced by an ideal additive synapse moving this many siemens per
    /// programming pulse ([`control::IdealSynapse`]; `None`: the ftj-relax
    /// devices throughout).
    pub ideal_synapse_step_s: Option<f64>,
}

impl E2Config {
    pub fn full(seed: u64) -> Self {
        E2Config {
            device: "ftj-relax".into(),
            seed,
            epochs: 2000,
            warmup_epochs: 0,
            rate_bar_hz: 2.0,
            rate_background_hz: 0.7,
            window_s: 1.0,
            ticks_per_window: 40,
            rho0_hz: 3.7,
            spikes_per_rho0: 4,
            win_share: 1,
            eta: 1.0 / 32.0,
            theta_windows: 4,
            g_unit_s: 2500e-6,
            init_dep_pulses: (25, 60),
            v_pot_v: 0.45,
            v_dep_v: -1.6,
            pulse_width_s: 10e-6,
            pulse_interval_s: 0.15,
            scheme_v3: false,
            learn_wta: true,
            dither: false,
            wta_max_membrane: false,
            homeostasis: 0.0,
            homeostasis_decay_shift: 0,
            gap_s: 2.0,
            read_v: 0.1,
            tia_gain_index: 5,
            snapshot_every: 100,
            test_repeats: 10,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
            warp: true,
            ideal_synapse_step_s: None,
        }
    }

    /// Check every field; errors name the option and its allowed range.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        let bad = |name: &str, v: String, range: &str| {
            Err(ExperimentError::option(
                name,
                v,
                format!("allowed range {range}"),
            ))
        };
        if !(1..=10_000).contains(&self.epochs) {
            return bad("--epochs", self.epochs.to_string(), "1..=10000");
        }
        if self.warmup_epochs > 10_000 {
            return bad(
                "--warmup-epochs",
                self.warmup_epochs.to_string(),
                "0..=10000",
            );
        }
        if !(1..=100).contains(&self.test_repeats) {
            return bad("--test-repeats", self.test_repeats.to_string(), "1..=100");
        }
        if !(self.rho0_hz.is_finite() && self.rho0_hz > 0.0 && self.rho0_hz <= 100.0) {
            return bad("--rho0-hz", self.rho0_hz.to_string(), "(0, 100] Hz");
        }
        if self.eta_shift().is_none() {
            return bad(
                "--eta",
                self.eta.to_string(),
                "a power of two 2^-15 ..= 1 (pulses per count^3)",
            );
        }
        if self.rho0_shift().is_none() {
            return bad(
                "--spikes-per-rho0",
                self.spikes_per_rho0.to_string(),
                "a power of two 1 ..= 256",
            );
        }
        if !(self.win_share.is_power_of_two() && self.win_share <= self.spikes_per_rho0) {
            return Err(ExperimentError::option(
                "--win-share",
                self.win_share,
                format!(
                    "allowed: a power of two 1 ..= --spikes-per-rho0 ({})",
                    self.spikes_per_rho0
                ),
            ));
        }
        if self.theta_shift().is_none() {
            return bad(
                "--theta-windows",
                self.theta_windows.to_string(),
                "a power of two 1 ..= 32768",
            );
        }
        if !(self.window_s.is_finite() && (0.05..=20.0).contains(&self.window_s)) {
            return bad("--window-s", self.window_s.to_string(), "0.05 ..= 20 s");
        }
        if !(2..=1000).contains(&self.ticks_per_window) {
            return bad(
                "--window-ticks",
                self.ticks_per_window.to_string(),
                "2 ..= 1000",
            );
        }
        let p = self.rate_bar_hz.max(self.rate_background_hz) * self.tick_s();
        if p > 1.0 {
            return Err(ExperimentError::option(
                "--window-ticks",
                self.ticks_per_window,
                format!(
                    "a tick of {} s gives a spike probability {p} > 1; use more ticks",
                    self.tick_s()
                ),
            ));
        }
        let thr = self.threshold_codes();
        if !(1.0..=32767.0).contains(&thr) {
            return Err(ExperimentError::option(
                "--rho0-hz",
                format!(
                    "{} with --window-s {} and --spikes-per-rho0 {}",
                    self.rho0_hz, self.window_s, self.spikes_per_rho0
                ),
                format!("the LIF threshold would be {thr:.0} codes, outside 1 ..= 32767"),
            ));
        }
        // the cell voltages within ftj-relax's +-3 V safe window
        if !(self.v_pot_v.is_finite() && self.v_pot_v > 0.0 && self.v_pot_v <= 3.0) {
            return bad("--v-pot-v", self.v_pot_v.to_string(), "(0, 3] V");
        }
        if !(self.v_dep_v.is_finite() && self.v_dep_v < 0.0 && self.v_dep_v >= -3.0) {
            return bad("--v-dep-v", self.v_dep_v.to_string(), "[-3, 0) V");
        }
        let max_s = ((1u64 << 24) - 1) as f64 / (self.clock_mhz * 1e6);
        if !(self.pulse_width_s.is_finite()
            && self.pulse_width_s * 1e6 >= 0.1
            && self.pulse_width_s <= max_s.min(1e-3))
        {
            return bad(
                "--pulse-width-us",
                (self.pulse_width_s * 1e6).to_string(),
                &format!(
                    "0.1 ..= {} us",
                    neuroxbar_models::device::common::num(max_s.min(1e-3) * 1e6)
                ),
            );
        }
        let t = self.pulse_interval_s;
        if !(t.is_finite() && t > 0.0 && t <= max_s) {
            return bad(
                "pulse_interval_s",
                t.to_string(),
                &format!(
                    "(0, {max_s:.4}] s (24-bit cycles at {} MHz)",
                    self.clock_mhz
                ),
            );
        }
        if !(self.homeostasis.is_finite() && (0.0..=4.0).contains(&self.homeostasis)) {
            return bad(
                "--homeostasis",
                self.homeostasis.to_string(),
                "0 ..= 4 (fraction of the LIF threshold per win)",
            );
        }
        if self.homeostasis > 0.0 && !self.learn_wta {
            return Err(ExperimentError::option(
                "--homeostasis",
                self.homeostasis,
                "needs winner-take-all learning (without it every spike would raise the threshold); drop --no-wta",
            ));
        }
        let tp = self.theta_plus_codes();
        if tp > 0x7F_FFFF {
            return Err(ExperimentError::option(
                "--homeostasis",
                self.homeostasis,
                format!(
                    "the increment would be {} Q15.8 codes, above THETA_PLUS's 23 bits",
                    tp
                ),
            ));
        }
        if self.homeostasis_decay_shift > 31 {
            return bad(
                "--homeostasis-decay-shift",
                self.homeostasis_decay_shift.to_string(),
                "0 ..= 31",
            );
        }
        if let Some(step) = self.ideal_synapse_step_s {
            if !(step.is_finite() && step * 1e6 >= 0.01 && step * 1e6 <= 500.0) {
                return bad(
                    "--ideal-synapse-us",
                    (step * 1e6).to_string(),
                    "0.01 ..= 500 uS per pulse",
                );
            }
        }
        if !(1..=10_000).contains(&self.snapshot_every) {
            return bad(
                "snapshot_every",
                self.snapshot_every.to_string(),
                "1..=10000",
            );
        }
        Ok(())
    }

    pub fn tick_s(&self) -> f64 {
        self.window_s / self.ticks_per_window as f64
    }

    /// `BCM_COUNT_SHIFT` for `eta`.
    pub fn eta_shift(&self) -> Option<u32> {
        (0..=15).find(|&k| (self.eta - 2f64.powi(-(k as i32))).abs() < 1e-12)
    }

    /// `BCM_RHO0_SHIFT` for `spikes_per_rho0 / win_share`.
    pub fn rho0_shift(&self) -> Option<u32> {
        let k: u32 = (0..=8).find(|&k| self.spikes_per_rho0 == 1 << k)?;
        let w = (0..=8).find(|&w| self.win_share == 1 << w).unwrap_or(0);
        Some(k.saturating_sub(w))
    }

    /// Rate of one output spike per window, Hz (`rho_0 / spikes_per_rho0`).
    pub fn spike_quantum_hz(&self) -> f64 {
        self.rho0_hz / self.spikes_per_rho0 as f64
    }

    /// `BCM_THETA_SHIFT` for `theta_windows`.
    pub fn theta_shift(&self) -> Option<u32> {
        (0..=15).find(|&k| self.theta_windows == 1 << k)
    }

    /// TIA amperes per ADC code.
    pub fn lsb_a(&self) -> f64 {
        neuroxbar_models::frontend::DEFAULT_TIA_LSB_TABLE_A[self.tia_gain_index]
    }

    /// Column-current codes of one spike through a cell of weight 1.
    pub fn codes_per_unit(&self) -> f64 {
        // ftj-relax I-V: I = G v_nl sinh(V / v_nl), v_nl = 1 V
        self.g_unit_s * (self.read_v / 1.0).sinh() / self.lsb_a()
    }

    /// LIF threshold, codes: `q T` weighted input spikes, `q = rho_0 / spikes_per_rho0`.
    pub fn threshold_codes(&self) -> f64 {
        self.spike_quantum_hz() * self.window_s * self.codes_per_unit()
    }

    /// `THETA_PLUS` (unsigned Q15.8 codes) of `homeostasis`.
    pub fn theta_plus_codes(&self) -> u64 {
        (self.homeostasis * self.threshold_codes().round() * 256.0).round() as u64
    }
}

/// One snapshot of the learning state.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub epoch: usize,
    /// `[neuron][pixel]`, siemens.
    pub weights_s: Vec<Vec<f64>>,
    /// BCM threshold per neuron, in spikes per window and in Hz (`* rho_0 / spikes_per_rho0`).
    pub theta_counts: Vec<f64>,
    pub theta_hz: Vec<f64>,
    /// `[neuron][orientation]`: `sum_m <rho_x^m> W_m` of the present weights, Hz.
    pub response_hz: Vec<Vec<f64>>,
    /// Homeostatic threshold increase per neuron, as a fraction of the LIF threshold.
    pub adapt_fraction: Vec<f64>,
}

/// One training presentation.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Presentation {
    pub epoch: usize,
    pub orientation_deg: u32,
    pub winner: Option<u8>,
    /// Output spikes of the window per neuron.
    pub spikes: [u32; N_COLS],
}

/// The learned map of one neuron.
#[derive(Debug, Clone, Serialize)]
pub struct NeuronMap {
    pub neuron: usize,
    /// None: the neuron answered no orientation.
    pub preferred_deg: Option<u32>,
    /// (best - mean of the others) / best, of the measured test responses.
    pub selectivity: f64,
    /// Mean output spikes per window per orientation (test, learning and WTA off).
    pub test_spikes: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct E2Result {
    pub snapshots: Vec<Snapshot>,
    pub presentations: Vec<Presentation>,
    pub neurons: Vec<NeuronMap>,
    pub distinct_orientations: usize,
    /// Winner-take-all winners of the clean test (learning off, WTA on), per orientation.
    pub test_winners: Vec<Option<u8>>,
    /// Expected response of an initial winner (mean initial weights) and of all-background input, Hz.
    pub initial_response_hz: f64,
    pub background_response_hz: f64,
    pub threshold_codes: u32,
    pub programming_pulses: u64,
    pub overrun: bool,
    pub saturated_ticks: u64,
    pub cycles: u64,
    pub clocked_cycles: u64,
    pub simulated_time_s: f64,
    pub energy_j: f64,
}

pub mod control;
pub mod metrics;
pub mod moving_direction;
pub mod protocol;
pub mod report;

pub use metrics::*;
pub use moving_direction::*;
pub use protocol::*;
pub use report::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_have_nine_pixels_and_differ() {
        for &d in &ORIENTATIONS_DEG {
            assert_eq!(bar_pixels(d, 0).count_ones(), 9, "{d}");
        }
        assert_eq!(bar_pixels(0, -4), 0x1FF);
        assert_eq!(bar_pixels(0, 5), 0);
        assert_eq!(bar_pixels(90, 2).count_ones(), 7);
        // the four bars share only the centre pixel
        for a in 0..4 {
            for b in 0..a {
                let x = bar_pixels(ORIENTATIONS_DEG[a], 0) & bar_pixels(ORIENTATIONS_DEG[b], 0);
                assert_eq!(x, 1 << 40);
            }
        }
    }

    #[test]
    fn options_map_to_registers() {
        let mut c = E2Config::full(1);
        c.eta = 0.25;
        c.theta_windows = 64;
        assert_eq!(c.eta_shift(), Some(2));
        assert_eq!(c.theta_shift(), Some(6));
        c.eta = 0.3;
        let err = c.validate().unwrap_err();
        assert!(
            matches!(&err, ExperimentError::Option { option, value, .. } if option == "--eta" && value == "0.3"),
            "{err:?}"
        );
        let e = err.to_string();
        assert!(e.contains("--eta 0.3") && e.contains("power of two"), "{e}");
    }

    #[test]
    fn win_share_and_homeostasis_map_to_registers() {
        let mut c = E2Config::full(1);
        assert_eq!(c.rho0_shift(), Some(2));
        assert_eq!(c.theta_plus_codes(), 0);
        c.spikes_per_rho0 = 16;
        c.win_share = 4;
        assert_eq!(c.rho0_shift(), Some(2));
        c.homeostasis = 0.5;
        // half the LIF threshold in Q15.8
        assert_eq!(
            c.theta_plus_codes(),
            (c.threshold_codes().round() * 128.0) as u64
        );
        c.validate().unwrap();
        c.win_share = 32;
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("--win-share 32"), "{e}");
        c.win_share = 4;
        c.learn_wta = false;
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("--homeostasis 0.5") && e.contains("winner-take-all"),
            "{e}"
        );
    }

    #[test]
    fn selectivity_of_a_map() {
        let (m, d) = neuron_maps(&[
            vec![4.0, 0.0, 0.0, 1.0],
            vec![0.0, 0.0, 0.0, 0.0],
            vec![1.0, 1.0, 2.0, 1.0],
            vec![0.0, 3.0, 0.0, 0.0],
        ]);
        assert_eq!(m[0].preferred_deg, Some(0));
        assert!((m[0].selectivity - (4.0 - 1.0 / 3.0) / 4.0).abs() < 1e-12);
        assert_eq!(m[1].preferred_deg, None);
        assert_eq!(m[2].preferred_deg, Some(90));
        assert!((m[2].selectivity - 0.5).abs() < 1e-12);
        assert_eq!(d, 3);
    }
}
