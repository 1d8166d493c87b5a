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
    /// Learning rate: pulses per unit of `x y (y - theta)` (a power of two, 2^-15..=1).
    pub eta: f64,
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
}

impl E2Config {
    pub fn full(seed: u64) -> Self {
        E2Config {
            device: "ftj-relax".into(),
            seed,
            epochs: 2000,
            rate_bar_hz: 2.0,
            rate_background_hz: 0.7,
            window_s: 1.0,
            ticks_per_window: 40,
            rho0_hz: 3.7,
            spikes_per_rho0: 4,
            eta: 1.0 / 32.0,
            theta_windows: 4,
            g_unit_s: 2500e-6,
            init_dep_pulses: (25, 60),
            v_pot_v: 0.45,
            v_dep_v: -1.6,
            pulse_width_s: 10e-6,
            pulse_interval_s: 0.15,
            scheme_v3: false,
            gap_s: 2.0,
            read_v: 0.1,
            tia_gain_index: 5,
            snapshot_every: 100,
            test_repeats: 10,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
            warp: true,
        }
    }

    /// Check every field; errors name the option and its allowed range.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        let bad = |name: &str, v: String, range: &str| {
            Err(ExperimentError::Invalid(format!(
                "{name} {v}: allowed range {range}"
            )))
        };
        if !(1..=10_000).contains(&self.epochs) {
            return bad("--epochs", self.epochs.to_string(), "1..=10000");
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
            return Err(ExperimentError::Invalid(format!(
                "--window-ticks {}: a tick of {} s gives a spike probability {p} > 1; use more ticks",
                self.ticks_per_window,
                self.tick_s()
            )));
        }
        let thr = self.threshold_codes();
        if !(1.0..=32767.0).contains(&thr) {
            return Err(ExperimentError::Invalid(format!(
                "--rho0-hz {} with --window-s {} and --spikes-per-rho0 {}: the LIF threshold would be {thr:.0} codes, outside 1 ..= 32767",
                self.rho0_hz, self.window_s, self.spikes_per_rho0
            )));
        }
        let max_s = ((1u64 << 24) - 1) as f64 / (self.clock_mhz * 1e6);
        for (name, t) in [
            ("pulse_interval_s", self.pulse_interval_s),
            ("pulse_width_s", self.pulse_width_s),
        ] {
            if !(t.is_finite() && t > 0.0 && t <= max_s) {
                return bad(
                    name,
                    t.to_string(),
                    &format!(
                        "(0, {max_s:.4}] s (24-bit cycles at {} MHz)",
                        self.clock_mhz
                    ),
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

    /// `BCM_RHO0_SHIFT` for `spikes_per_rho0`.
    pub fn rho0_shift(&self) -> Option<u32> {
        (0..=8).find(|&k| self.spikes_per_rho0 == 1 << k)
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

/// Write registers; one the accelerator refuses (`cfg_error`) is an error naming it.
fn write_all<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    writes: &[(u8, u32)],
) -> Result<(), ExperimentError> {
    for &(ad, d) in writes {
        sim.write_reg(ad, d).map_err(cfg_err)?;
        sim.cycle().map_err(cfg_err)?;
        if sim.outputs().cfg_error {
            let name = neuroxbar_rtl::accel_regs::register_map(N_ROWS)
                .iter()
                .find(|r| r.addr == ad)
                .map_or("?", |r| r.name);
            return Err(ExperimentError::Invalid(format!(
                "the accelerator refused {d:#x} in register {name} (cfg_error)"
            )));
        }
    }
    Ok(())
}

fn cfg_err(e: CoSimError) -> ExperimentError {
    ExperimentError::CoSim(e)
}

fn a(n: &str) -> u8 {
    addr(n).unwrap_or_else(|| panic!("register {n} is in the map"))
}

/// Registers of the learning phase (`learning` false: BCM off; `wta` false: WTA off).
pub fn configure<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    learning: bool,
    wta: bool,
) -> Result<(), ExperimentError> {
    let period_s = sim.fe.params().clock_period_s;
    let lsb_v = sim.fe.params().dac_lsb_volts;
    let dac = |what: &str, v: f64| dac_code(what, v, lsb_v).map(|c| c as i32 as u32);
    let cyc = |t: f64| (t / period_s).round().max(1.0) as u32;
    let writes: Vec<(u8, u32)> = vec![
        (a("CTRL"), wta as u32), // first-to-cross, shift leak
        (a("THRESHOLD"), (cfg.threshold_codes().round() as u32) << 8),
        (a("RESET_V"), 0),
        (a("LEAK_SHIFT"), 31), // v >>> 31 = 0: no leak over the window
        (a("GAIN"), 0x0100),
        (a("REFRACTORY"), 0),
        (a("THETA_PLUS"), 0),
        (a("INPUT_MODE"), 0),
        (a("V_READ"), dac("read_v", cfg.read_v)?),
        (
            a("SETTLE_CYCLES"),
            sim.fe.params().dac_settle_cycles().clamp(1, 0xFFFF) as u32,
        ),
        (a("V_POT"), dac("v_pot_v", cfg.v_pot_v)?),
        (a("V_DEP"), dac("v_dep_v", cfg.v_dep_v)?),
        (a("PULSE_WIDTH"), cyc(cfg.pulse_width_s)),
        (a("PULSE_INTERVAL"), cyc(cfg.pulse_interval_s)),
        (a("SCHEME"), cfg.scheme_v3 as u32),
        (a("REFRESH_BUDGET"), 0),
        (a("PLASTICITY"), if learning { 2 } else { 0 }),
        (a("BCM_WINDOW"), cfg.ticks_per_window as u32),
        (a("BCM_THETA_SHIFT"), cfg.theta_shift().unwrap_or(4)),
        (a("BCM_COUNT_SHIFT"), cfg.eta_shift().unwrap_or(0)),
        (a("BCM_RHO0_SHIFT"), cfg.rho0_shift().unwrap_or(0)),
    ];
    write_all(sim, &writes)
}

/// Spike mask of one tick: each pixel spikes with probability `rate * tick`.
pub fn tick_mask(cfg: &E2Config, bar: u128, rng: &mut ChaCha8Rng) -> u128 {
    let mut m = 0u128;
    let dt = cfg.tick_s();
    for i in 0..N_ROWS {
        let rate = if (bar >> i) & 1 == 1 {
            cfg.rate_bar_hz
        } else {
            cfg.rate_background_hz
        };
        if rng.gen::<f64>() < rate * dt {
            m |= 1 << i;
        }
    }
    m
}

/// Present a bar for one window; returns the first winner and the spike
/// counts per neuron. Then `gap_s` passes.
pub fn present_window<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    bar: u128,
    rng: &mut ChaCha8Rng,
    saturated: &mut u64,
) -> Result<(Option<u8>, [u32; N_COLS]), ExperimentError> {
    let period_s = sim.fe.params().clock_period_s;
    let tick = (cfg.tick_s() / period_s).round() as u64;
    sim.present().map_err(cfg_err)?;
    let start = sim.time_cycles();
    let mut winner = None;
    let mut spikes = [0u32; N_COLS];
    for k in 0..cfg.ticks_per_window {
        sim.idle_until(start + k as u64 * tick).map_err(cfg_err)?;
        sim.set_spikes_in(tick_mask(cfg, bar, rng));
        let r = sim.step(500_000_000).map_err(cfg_err)?;
        if sim.outputs().saturated {
            *saturated += 1;
        }
        if winner.is_none() {
            winner = r.winner;
        }
        for (j, s) in spikes.iter_mut().enumerate() {
            *s += ((r.spikes >> j) & 1) as u32;
        }
    }
    sim.set_spikes_in(0);
    // the window's last step runs the BCM scan and its programming
    sim.wait_idle(500_000_000).map_err(cfg_err)?;
    let now = sim.time_cycles();
    sim.idle_until(now + (cfg.gap_s / period_s).round() as u64)
        .map_err(cfg_err)?;
    Ok((winner, spikes))
}

/// Low random initial conductances: from the device's resting state, each
/// cell gets a random number of depressing pulses straight through the
/// array (a probe station's preconditioning), then 10 s of rest.
pub fn initialise_weights<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    rng: &mut ChaCha8Rng,
) -> Result<(), ExperimentError> {
    let t_s = sim.time_s();
    let array = sim
        .fe
        .array_mut()
        .map_err(|source| ExperimentError::CoSim(CoSimError::FrontEnd { t_s, source }))?;
    for r in 0..N_ROWS {
        for c in 0..N_COLS {
            for _ in 0..rng.gen_range(cfg.init_dep_pulses.0..=cfg.init_dep_pulses.1) {
                array
                    .apply_cell(r, c, -1.8, 100e-6)
                    .map_err(|source| CoSimError::FrontEnd {
                        t_s,
                        source: source.into(),
                    })?;
            }
        }
    }
    array.reset_energy();
    let period_s = sim.fe.params().clock_period_s;
    let now = sim.time_cycles();
    sim.idle_until(now + (10.0 / period_s) as u64)
        .map_err(cfg_err)?;
    Ok(())
}

/// `[neuron][pixel]` conductances, siemens.
pub fn weight_maps<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
) -> Result<Vec<Vec<f64>>, ExperimentError> {
    let flat = sim.weights_s().map_err(cfg_err)?;
    Ok((0..N_COLS)
        .map(|j| (0..N_ROWS).map(|i| flat[i * N_COLS + j]).collect())
        .collect())
}

/// `sum_m <rho_x^m> W_m` of orientation `deg` for weights `w` (siemens), Hz.
pub fn expected_response_hz(cfg: &E2Config, w: &[f64], deg: u32) -> f64 {
    let bar = bar_pixels(deg, 0);
    (0..N_ROWS)
        .map(|i| {
            let r = if (bar >> i) & 1 == 1 {
                cfg.rate_bar_hz
            } else {
                cfg.rate_background_hz
            };
            r * w[i] / cfg.g_unit_s
        })
        .sum()
}

fn snapshot<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    epoch: usize,
) -> Result<Snapshot, ExperimentError> {
    let weights_s = weight_maps(sim)?;
    let mut theta_counts = Vec::new();
    for j in 0..N_COLS {
        let raw = sim.peek(4, j as u16).map_err(cfg_err)?;
        theta_counts.push(raw as f64 / 256.0);
    }
    let theta_hz = theta_counts
        .iter()
        .map(|t| t * cfg.spike_quantum_hz())
        .collect();
    let response_hz = weights_s
        .iter()
        .map(|w| {
            ORIENTATIONS_DEG
                .iter()
                .map(|&d| expected_response_hz(cfg, w, d))
                .collect()
        })
        .collect();
    Ok(Snapshot {
        epoch,
        weights_s,
        theta_counts,
        theta_hz,
        response_hz,
    })
}

/// The neuron-to-orientation map of measured test responses.
pub fn neuron_maps(test_spikes: &[Vec<f64>]) -> (Vec<NeuronMap>, usize) {
    let mut maps = Vec::new();
    for (j, t) in test_spikes.iter().enumerate() {
        let (best_k, best) =
            t.iter().cloned().enumerate().fold(
                (0, f64::MIN),
                |acc, (k, v)| if v > acc.1 { (k, v) } else { acc },
            );
        let others: f64 = t
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != best_k)
            .map(|(_, v)| v)
            .sum::<f64>()
            / (t.len() - 1) as f64;
        let (preferred_deg, selectivity) = if best > 0.0 {
            (Some(ORIENTATIONS_DEG[best_k]), (best - others) / best)
        } else {
            (None, 0.0)
        };
        maps.push(NeuronMap {
            neuron: j,
            preferred_deg,
            selectivity,
            test_spikes: t.clone(),
        });
    }
    let distinct = ORIENTATIONS_DEG
        .iter()
        .filter(|&&d| maps.iter().any(|m| m.preferred_deg == Some(d)))
        .count();
    (maps, distinct)
}

/// Train with BCM + WTA, then test. `progress(done, total)` after every presentation.
pub fn run_on<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2Result, ExperimentError> {
    cfg.validate()?;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE2_BC);
    // reset first: the weights' 10 s of rest are clocked without warp, and
    // an accelerator out of reset could drive the array meanwhile
    sim.reset().map_err(cfg_err)?;
    initialise_weights(sim, cfg, &mut rng)?;
    configure(sim, cfg, true, true)?;
    let w0 = weight_maps(sim)?;
    let mean_w: f64 = w0.iter().flatten().sum::<f64>() / (N_ROWS * N_COLS) as f64;
    let flat: Vec<f64> = vec![mean_w; N_ROWS];
    let initial_response_hz = expected_response_hz(cfg, &flat, 0);
    let background_response_hz = N_ROWS as f64 * cfg.rate_background_hz * mean_w / cfg.g_unit_s;
    let total = cfg.epochs + cfg.test_repeats * 4 + 4;
    let mut done = 0;
    let mut snapshots = vec![snapshot(sim, cfg, 0)?];
    let mut presentations = Vec::new();
    let mut saturated = 0u64;
    for epoch in 1..=cfg.epochs {
        {
            let d = ORIENTATIONS_DEG[rng.gen_range(0..4)];
            let (winner, spikes) =
                present_window(sim, cfg, bar_pixels(d, 0), &mut rng, &mut saturated)?;
            presentations.push(Presentation {
                epoch,
                orientation_deg: d,
                winner,
                spikes,
            });
            done += 1;
            progress(done, total);
        }
        if epoch % cfg.snapshot_every == 0 || epoch == cfg.epochs {
            snapshots.push(snapshot(sim, cfg, epoch)?);
        }
    }
    let overrun = sim.outputs().overrun;
    // test: learning off; WTA on (winners), then WTA off (each neuron's own response)
    configure(sim, cfg, false, true)?;
    let mut test_winners = Vec::new();
    for &d in &ORIENTATIONS_DEG {
        let (w, _) = present_window(sim, cfg, bar_pixels(d, 0), &mut rng, &mut saturated)?;
        test_winners.push(w);
        done += 1;
        progress(done, total);
    }
    configure(sim, cfg, false, false)?;
    let mut test_spikes = vec![vec![0.0; 4]; N_COLS];
    for _ in 0..cfg.test_repeats {
        for (k, &d) in ORIENTATIONS_DEG.iter().enumerate() {
            let (_, s) = present_window(sim, cfg, bar_pixels(d, 0), &mut rng, &mut saturated)?;
            for j in 0..N_COLS {
                test_spikes[j][k] += s[j] as f64 / cfg.test_repeats as f64;
            }
            done += 1;
            progress(done, total);
        }
    }
    let (neurons, distinct_orientations) = neuron_maps(&test_spikes);
    let stats = sim.stats();
    Ok(E2Result {
        snapshots,
        presentations,
        neurons,
        distinct_orientations,
        test_winners,
        initial_response_hz,
        background_response_hz,
        threshold_codes: cfg.threshold_codes().round() as u32,
        programming_pulses: sim.fe.stats().apply_pulses,
        overrun,
        saturated_ticks: saturated,
        cycles: sim.time_cycles(),
        clocked_cycles: stats.clocked_cycles,
        simulated_time_s: sim.time_s(),
        energy_j: sim.fe.energy_j(),
    })
}

/// A co-simulation of the Verilated `accel_81x4` against an `ftj-relax` array.
pub fn verilator_sim(
    device: &str,
    seed: u64,
    clock_mhz: f64,
    tia_gain_index: usize,
    warp: bool,
) -> Result<CoSim<neuroxbar_cosim::units::accelerator::VerilatorAccel81x4>, ExperimentError> {
    use neuroxbar_cosim::units::accelerator::VerilatorAccel81x4;
    let kind: DeviceKind = device.parse().map_err(ExperimentError::Invalid)?;
    if kind != DeviceKind::FtjRelax {
        return Err(ExperimentError::Invalid(format!(
            "orientation-bcm and moving-direction run on ftj-relax (got {device})"
        )));
    }
    let spec = DeviceSpec::load(kind, None).map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let mut params = fe_params(clock_mhz)?;
    params.tia_gain_index = tia_gain_index;
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, params, seed)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    let dut = VerilatorAccel81x4::new(neuroxbar_cosim::Trace::Off)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    Ok(CoSim::new(dut, fe, warp)?)
}

/// Run E2 through the Verilated accelerator.
pub fn run_verilator(
    cfg: &E2Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2Result, ExperimentError> {
    cfg.validate()?;
    let mut sim = verilator_sim(
        &cfg.device,
        cfg.seed,
        cfg.clock_mhz,
        cfg.tia_gain_index,
        cfg.warp,
    )?;
    run_on(&mut sim, cfg, progress)
}

fn io(p: &std::path::Path) -> impl FnOnce(std::io::Error) -> ExperimentError + '_ {
    ExperimentError::io_at(p)
}

fn grid_map(v: &[f64]) -> Vec<Vec<f64>> {
    (0..GRID)
        .map(|r| v[r * GRID..(r + 1) * GRID].to_vec())
        .collect()
}

/// Write `report.json`, CSV data and SVG plots of E2 into `dir`.
pub fn write_report(
    dir: &std::path::Path,
    cfg: &E2Config,
    res: &E2Result,
    seeds: Option<&SeedSpread>,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let last = res.snapshots.last().expect("at least the initial snapshot");
    let report = json!({
        "experiment": "orientation-bcm",
        "device": cfg.device,
        "seed": cfg.seed,
        "parameters": cfg,
        "rho0_hz": cfg.rho0_hz,
        "eta": cfg.eta,
        "theta_windows": cfg.theta_windows,
        "window_s": cfg.window_s,
        "registers": {
            "THRESHOLD_codes": res.threshold_codes,
            "BCM_WINDOW": cfg.ticks_per_window,
            "BCM_THETA_SHIFT": cfg.theta_shift(),
            "BCM_COUNT_SHIFT": cfg.eta_shift(),
            "BCM_RHO0_SHIFT": cfg.rho0_shift(),
            "codes_per_unit_weight_spike": cfg.codes_per_unit(),
        },
        "mapping": "rho_y = sum rho_x W, W = G / g_unit_s; LIF threshold = q * window_s weighted input spikes with q = rho_0 / spikes_per_rho0, so y ~ rho_y / q spikes per window; the BCM unit's theta tracks <y^2> / 2^BCM_RHO0_SHIFT (= spikes_per_rho0), so x y (y - theta) is BCM with target rate rho_0 (theta_hz = q * theta_counts)",
        "spikes_per_rho0": cfg.spikes_per_rho0,
        "initial_response_hz": res.initial_response_hz,
        "background_response_hz": res.background_response_hz,
        "neurons": res.neurons,
        "distinct_orientations": res.distinct_orientations,
        "test_winners": res.test_winners,
        "final_theta_hz": last.theta_hz,
        "final_response_hz": last.response_hz,
        "seed_spread": seeds,
        "programming_pulses": res.programming_pulses,
        "overrun": res.overrun,
        "saturated_ticks": res.saturated_ticks,
        "clocked_cycles": res.clocked_cycles,
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;

    // snapshots: theta and responses over epochs
    let p = dir.join("theta_response.csv");
    let mut rows = Vec::new();
    for s in &res.snapshots {
        for j in 0..N_COLS {
            let mut r = vec![
                s.epoch.to_string(),
                j.to_string(),
                format!("{:.6}", s.theta_hz[j]),
            ];
            r.extend(s.response_hz[j].iter().map(|v| format!("{v:.6}")));
            rows.push(r);
        }
    }
    write_csv(
        &p,
        &[
            "epoch",
            "neuron",
            "theta_hz",
            "rho_0deg_hz",
            "rho_45deg_hz",
            "rho_90deg_hz",
            "rho_135deg_hz",
        ],
        &rows,
    )
    .map_err(io(&p))?;
    let p = dir.join("weights.csv");
    let mut rows = Vec::new();
    for s in &res.snapshots {
        for j in 0..N_COLS {
            for i in 0..N_ROWS {
                rows.push(vec![
                    s.epoch.to_string(),
                    j.to_string(),
                    (i / GRID).to_string(),
                    (i % GRID).to_string(),
                    format!("{:.6e}", s.weights_s[j][i]),
                ]);
            }
        }
    }
    write_csv(&p, &["epoch", "neuron", "row", "col", "g_s"], &rows).map_err(io(&p))?;
    let p = dir.join("presentations.csv");
    let rows: Vec<Vec<String>> = res
        .presentations
        .iter()
        .map(|q| {
            let mut r = vec![
                q.epoch.to_string(),
                q.orientation_deg.to_string(),
                q.winner.map_or(String::new(), |w| w.to_string()),
            ];
            r.extend(q.spikes.iter().map(|s| s.to_string()));
            r
        })
        .collect();
    write_csv(
        &p,
        &[
            "epoch",
            "orientation_deg",
            "winner",
            "spikes_n0",
            "spikes_n1",
            "spikes_n2",
            "spikes_n3",
        ],
        &rows,
    )
    .map_err(io(&p))?;

    // plots: per neuron theta and responses over epochs; weight maps
    for j in 0..N_COLS {
        let mut series: Vec<PlotSeries> = ORIENTATIONS_DEG
            .iter()
            .enumerate()
            .map(|(k, d)| PlotSeries {
                name: format!("rho_y {d} deg"),
                points: res
                    .snapshots
                    .iter()
                    .map(|s| (s.epoch as f64, s.response_hz[j][k]))
                    .collect(),
                line: true,
            })
            .collect();
        series.push(PlotSeries {
            name: "theta".into(),
            points: res
                .snapshots
                .iter()
                .map(|s| (s.epoch as f64, s.theta_hz[j]))
                .collect(),
            line: true,
        });
        let plot = LinePlot {
            title: format!("neuron {j}: response per orientation and BCM threshold"),
            x_label: "epoch".into(),
            y_label: "Hz".into(),
            log_x: false,
            log_y: false,
            series,
        };
        let p = dir.join(format!("theta_response_n{j}.svg"));
        let text = line_plot_svg(&plot).map_err(ExperimentError::Invalid)?;
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    }
    let picks: Vec<&Snapshot> = {
        let n = res.snapshots.len();
        let mut v = vec![&res.snapshots[0]];
        if n > 2 {
            v.push(&res.snapshots[n / 2]);
        }
        if n > 1 {
            v.push(&res.snapshots[n - 1]);
        }
        v
    };
    for s in picks {
        for j in 0..N_COLS {
            let g_us: Vec<f64> = s.weights_s[j].iter().map(|g| g * 1e6).collect();
            let text = heatmap_svg(
                &format!("neuron {j}, epoch {}", s.epoch),
                "pixel column",
                "pixel row",
                &grid_map(&g_us),
                "G (uS)",
            )
            .map_err(ExperimentError::Invalid)?;
            let p = dir.join(format!("weights_e{}_n{j}.svg", s.epoch));
            write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
        }
    }
    Ok(())
}

/// Distinct orientations and mean selectivity over seeds.
#[derive(Debug, Clone, Serialize)]
pub struct SeedSpread {
    pub seeds: Vec<u64>,
    pub distinct_orientations: Vec<usize>,
    pub mean_selectivity: Vec<f64>,
    pub distinct_mean: f64,
    pub selectivity_mean: f64,
    pub selectivity_sd: f64,
}

impl SeedSpread {
    pub fn from_results(seeds: Vec<u64>, res: &[E2Result]) -> Self {
        let distinct: Vec<usize> = res.iter().map(|r| r.distinct_orientations).collect();
        let sel: Vec<f64> = res
            .iter()
            .map(|r| r.neurons.iter().map(|n| n.selectivity).sum::<f64>() / N_COLS as f64)
            .collect();
        let n = sel.len() as f64;
        let m = sel.iter().sum::<f64>() / n;
        let sd = if sel.len() > 1 {
            (sel.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        SeedSpread {
            seeds,
            distinct_mean: distinct.iter().sum::<usize>() as f64 / n,
            distinct_orientations: distinct,
            mean_selectivity: sel,
            selectivity_mean: m,
            selectivity_sd: sd,
        }
    }
}

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
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("--eta 0.3") && e.contains("power of two"), "{e}");
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

// ---------------------------------------------------------------- E2b

/// Parameters of E2b `moving-direction` (every one reported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E2bConfig {
    /// The learning phase before the movement (orientation-bcm, same process).
    pub learn: E2Config,
    /// Trials per orientation and direction.
    pub trials: usize,
    /// Time per bar position, seconds (assumed; not stated).
    pub step_s: f64,
    /// Positive pulse per cell on the bar's path: cell voltage and width
    /// (1 V, 100 us: the pulses of the paper's relaxation figures, Fig 3).
    pub v_move_v: f64,
    pub move_pulse_width_s: f64,
    /// Rest between trials, seconds (the trail of the last trial relaxes).
    pub rest_s: f64,
    /// Bar shifts of a pass, rows (down: ascending; up: descending).
    pub shifts: Vec<i32>,
}

impl E2bConfig {
    pub fn full(seed: u64) -> Self {
        E2bConfig {
            learn: E2Config {
                epochs: 400,
                test_repeats: 2,
                snapshot_every: 50,
                ..E2Config::full(seed)
            },
            trials: 3,
            step_s: 0.1,
            v_move_v: 1.0,
            move_pulse_width_s: 100e-6,
            rest_s: 10.0,
            shifts: (-4..=4).collect(),
        }
    }

    pub fn validate(&self) -> Result<(), ExperimentError> {
        self.learn.validate()?;
        if !(1..=50).contains(&self.trials) {
            return Err(ExperimentError::Invalid(format!(
                "--trials {}: allowed range 1..=50",
                self.trials
            )));
        }
        if !(self.rest_s.is_finite() && (0.0..=100.0).contains(&self.rest_s)) {
            return Err(ExperimentError::Invalid(format!(
                "--rest-s {}: allowed range 0..=100 s",
                self.rest_s
            )));
        }
        if !(self.step_s.is_finite() && (1e-3..=10.0).contains(&self.step_s)) {
            return Err(ExperimentError::Invalid(format!(
                "--step-ms {}: allowed range 1..=10000 ms",
                self.step_s * 1e3
            )));
        }
        Ok(())
    }
}

/// One pass of a bar.
#[derive(Debug, Clone, Serialize)]
pub struct Trial {
    pub orientation_deg: u32,
    #[serde(rename = "true")]
    pub true_dir: String,
    pub decoded: String,
    /// Slope of the row-mean conductance change over the grid rows, S per row
    /// (negative: the recent, larger change is at the top: "up").
    pub slope_s_per_row: f64,
    /// Winner column (the neuron whose cells were pulsed) per position.
    pub winners: Vec<Option<u8>>,
    /// Row centroid of the positive conductance change after each position.
    pub centroid_rows: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct E2bResult {
    pub learned: E2Result,
    pub trials: Vec<Trial>,
    pub accuracy: f64,
    /// Trial 0 of each orientation and direction: `[step]` maps of the
    /// conductance change summed over the four columns, `[pixel]`, siemens.
    pub maps: Vec<(u32, String, Vec<Vec<f64>>)>,
    pub cycles: u64,
    pub clocked_cycles: u64,
    pub simulated_time_s: f64,
    pub energy_j: f64,
}

/// Registers of the moving phase: every tick is a BCM window of one step,
/// theta held at 0 (shift 15 after a reset), count = 1: one positive pulse
/// per spiking row in the winner's column; the LIF passes any input
/// (threshold 1 code, full leak) and the max-membrane WTA picks the neuron
/// that answers the bar most.
pub fn configure_move<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2bConfig,
) -> Result<(), ExperimentError> {
    let period_s = sim.fe.params().clock_period_s;
    let lsb_v = sim.fe.params().dac_lsb_volts;
    let dac = |what: &str, v: f64| dac_code(what, v, lsb_v).map(|c| c as i32 as u32);
    let cyc = |t: f64| (t / period_s).round().max(1.0) as u32;
    sim.reset().map_err(cfg_err)?;
    let l = &cfg.learn;
    let writes: Vec<(u8, u32)> = vec![
        (a("CTRL"), 0b011),
        (a("THRESHOLD"), 1 << 8),
        (a("RESET_V"), 0),
        (a("LEAK_SHIFT"), 0),
        (a("GAIN"), 0x0100),
        (a("REFRACTORY"), 0),
        (a("THETA_PLUS"), 0),
        (a("INPUT_MODE"), 0),
        (a("V_READ"), dac("read_v", l.read_v)?),
        (
            a("SETTLE_CYCLES"),
            sim.fe.params().dac_settle_cycles().clamp(1, 0xFFFF) as u32,
        ),
        (a("V_POT"), dac("v_move_v", cfg.v_move_v)?),
        (a("V_DEP"), dac("v_dep_v", l.v_dep_v)?),
        (a("PULSE_WIDTH"), cyc(cfg.move_pulse_width_s)),
        (a("PULSE_INTERVAL"), cyc(l.pulse_interval_s)),
        (a("SCHEME"), l.scheme_v3 as u32),
        (a("REFRESH_BUDGET"), 0),
        (a("PLASTICITY"), 2),
        (a("BCM_WINDOW"), 1),
        (a("BCM_THETA_SHIFT"), 15),
        (a("BCM_COUNT_SHIFT"), 0),
        (a("BCM_RHO0_SHIFT"), 0),
    ];
    write_all(sim, &writes)
}

/// Sum of the four columns per pixel.
fn pixel_sum(flat: &[f64]) -> Vec<f64> {
    (0..N_ROWS)
        .map(|i| (0..N_COLS).map(|j| flat[i * N_COLS + j]).sum())
        .collect()
}

/// Least-squares slope of the row means of `dg` (pixels) over rows 0..9.
pub fn row_slope(dg: &[f64]) -> f64 {
    let m: Vec<f64> = (0..GRID)
        .map(|r| dg[r * GRID..(r + 1) * GRID].iter().sum::<f64>() / GRID as f64)
        .collect();
    let rbar = (GRID as f64 - 1.0) / 2.0;
    let mbar = m.iter().sum::<f64>() / GRID as f64;
    let num: f64 = m
        .iter()
        .enumerate()
        .map(|(r, v)| (r as f64 - rbar) * (v - mbar))
        .sum();
    let den: f64 = (0..GRID).map(|r| (r as f64 - rbar).powi(2)).sum();
    num / den
}

/// Row centroid of the positive part of `dg` (NaN if none).
pub fn centroid_row(dg: &[f64]) -> f64 {
    let (mut s, mut w) = (0.0, 0.0);
    for (i, v) in dg.iter().enumerate() {
        if *v > 0.0 {
            s += (i / GRID) as f64 * v;
            w += v;
        }
    }
    if w > 0.0 {
        s / w
    } else {
        f64::NAN
    }
}

/// Direction from the final trail: the recent positions relaxed least.
pub fn decode(slope: f64) -> &'static str {
    if slope < 0.0 {
        "up"
    } else {
        "down"
    }
}

/// Learn (E2), then move bars over the array.
pub fn run_e2b_on<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>>(
    sim: &mut CoSim<B>,
    cfg: &E2bConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2bResult, ExperimentError> {
    cfg.validate()?;
    let learn_total = cfg.learn.epochs + cfg.learn.test_repeats * 4 + 4;
    let total = learn_total + ORIENTATIONS_DEG.len() * 2 * cfg.trials;
    let learned = run_on(sim, &cfg.learn, &mut |d, _| progress(d, total))?;
    let mut done = learn_total;
    configure_move(sim, cfg)?;
    let period_s = sim.fe.params().clock_period_s;
    let step = (cfg.step_s / period_s).round() as u64;
    let mut trials = Vec::new();
    let mut maps = Vec::new();
    let mut order: Vec<(u32, &str)> = Vec::new();
    for _ in 0..cfg.trials {
        for &d in &ORIENTATIONS_DEG {
            order.push((d, "up"));
            order.push((d, "down"));
        }
    }
    for (n, &(d, dir)) in order.iter().enumerate() {
        let now = sim.time_cycles();
        sim.idle_until(now + (cfg.rest_s / period_s).round() as u64)
            .map_err(cfg_err)?;
        let base = pixel_sum(&sim.weights_s().map_err(cfg_err)?);
        let shifts: Vec<i32> = if dir == "down" {
            cfg.shifts.clone()
        } else {
            cfg.shifts.iter().rev().cloned().collect()
        };
        let mut winners = Vec::new();
        let mut centroid_rows = Vec::new();
        let mut trail = Vec::new();
        let mut last = base.clone();
        for s in shifts {
            sim.present().map_err(cfg_err)?;
            let t0 = sim.time_cycles();
            sim.set_spikes_in(bar_pixels(d, s));
            let r = sim.step(500_000_000).map_err(cfg_err)?;
            sim.set_spikes_in(0);
            sim.wait_idle(500_000_000).map_err(cfg_err)?;
            winners.push(r.winner);
            sim.idle_until(t0 + step).map_err(cfg_err)?;
            last = pixel_sum(&sim.weights_s().map_err(cfg_err)?);
            let dg: Vec<f64> = last.iter().zip(&base).map(|(g, b)| g - b).collect();
            centroid_rows.push(centroid_row(&dg));
            trail.push(dg);
        }
        let dg: Vec<f64> = last.iter().zip(&base).map(|(g, b)| g - b).collect();
        let slope = row_slope(&dg);
        if n < 2 * ORIENTATIONS_DEG.len() {
            maps.push((d, dir.to_string(), trail));
        }
        trials.push(Trial {
            orientation_deg: d,
            true_dir: dir.to_string(),
            decoded: decode(slope).to_string(),
            slope_s_per_row: slope,
            winners,
            centroid_rows,
        });
        done += 1;
        progress(done, total);
    }
    let accuracy =
        trials.iter().filter(|t| t.true_dir == t.decoded).count() as f64 / trials.len() as f64;
    let stats = sim.stats();
    Ok(E2bResult {
        learned,
        trials,
        accuracy,
        maps,
        cycles: sim.time_cycles(),
        clocked_cycles: stats.clocked_cycles,
        simulated_time_s: sim.time_s(),
        energy_j: sim.fe.energy_j(),
    })
}

/// Run E2b through the Verilated accelerator.
pub fn run_e2b_verilator(
    cfg: &E2bConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E2bResult, ExperimentError> {
    cfg.validate()?;
    let l = &cfg.learn;
    let mut sim = verilator_sim(&l.device, l.seed, l.clock_mhz, l.tia_gain_index, l.warp)?;
    run_e2b_on(&mut sim, cfg, progress)
}

/// Accuracy over seeds.
#[derive(Debug, Clone, Serialize)]
pub struct AccuracySpread {
    pub seeds: Vec<u64>,
    pub accuracy: Vec<f64>,
    pub mean: f64,
    pub sd: f64,
}

impl AccuracySpread {
    pub fn new(seeds: Vec<u64>, accuracy: Vec<f64>) -> Self {
        let n = accuracy.len() as f64;
        let mean = accuracy.iter().sum::<f64>() / n;
        let sd = if accuracy.len() > 1 {
            (accuracy.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        AccuracySpread {
            seeds,
            accuracy,
            mean,
            sd,
        }
    }
}

/// Write `report.json`, CSV and SVG of E2b into `dir`.
pub fn write_e2b_report(
    dir: &std::path::Path,
    cfg: &E2bConfig,
    res: &E2bResult,
    seeds: Option<&AccuracySpread>,
    wall_time_s: f64,
) -> Result<(), ExperimentError> {
    use serde_json::json;
    std::fs::create_dir_all(dir).map_err(|e| ExperimentError::io(dir, e))?;
    let decoded: Vec<_> = res
        .trials
        .iter()
        .map(|t| json!({"orientation_deg": t.orientation_deg, "true": t.true_dir, "decoded": t.decoded}))
        .collect();
    let report = json!({
        "experiment": "moving-direction",
        "device": cfg.learn.device,
        "seed": cfg.learn.seed,
        "parameters": cfg,
        "decoder": "slope of the row means of (G_after_last_position - G_before_pass), summed over the four columns: negative (larger, more recent change at the top) -> up",
        "decoded": decoded,
        "accuracy": res.accuracy,
        "trials": res.trials,
        "learned_neurons": res.learned.neurons,
        "learned_distinct_orientations": res.learned.distinct_orientations,
        "seed_spread": seeds,
        "energy_j": res.energy_j,
        "wall_time_s": wall_time_s,
        "simulated_time_s": res.simulated_time_s,
        "cycles": res.cycles,
        "clocked_cycles": res.clocked_cycles,
    });
    let p = dir.join("report.json");
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| ExperimentError::Invalid(e.to_string()))?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    let p = dir.join("trail_maps.csv");
    let mut rows = Vec::new();
    for (d, dir_name, trail) in &res.maps {
        for (k, m) in trail.iter().enumerate() {
            for (i, v) in m.iter().enumerate() {
                rows.push(vec![
                    d.to_string(),
                    dir_name.clone(),
                    k.to_string(),
                    format!("{:.4}", (k + 1) as f64 * cfg.step_s),
                    (i / GRID).to_string(),
                    (i % GRID).to_string(),
                    format!("{v:.6e}"),
                ]);
            }
        }
    }
    write_csv(
        &p,
        &[
            "orientation_deg",
            "direction",
            "step",
            "t_s",
            "row",
            "col",
            "dg_s",
        ],
        &rows,
    )
    .map_err(io(&p))?;
    let p = dir.join("trials.csv");
    let rows: Vec<Vec<String>> = res
        .trials
        .iter()
        .map(|t| {
            vec![
                t.orientation_deg.to_string(),
                t.true_dir.clone(),
                t.decoded.clone(),
                format!("{:.6e}", t.slope_s_per_row),
            ]
        })
        .collect();
    write_csv(
        &p,
        &["orientation_deg", "true", "decoded", "slope_s_per_row"],
        &rows,
    )
    .map_err(io(&p))?;
    for (d, dir_name, trail) in &res.maps {
        let n = trail.len();
        for k in [0, n / 2, n - 1] {
            let g_us: Vec<f64> = trail[k].iter().map(|g| g * 1e6).collect();
            let text = heatmap_svg(
                &format!("{d} deg moving {dir_name}, after position {}", k + 1),
                "pixel column",
                "pixel row",
                &grid_map(&g_us),
                "G - G_before (uS, 4 columns)",
            )
            .map_err(ExperimentError::Invalid)?;
            let p = dir.join(format!("trail_{d}deg_{dir_name}_step{}.svg", k + 1));
            write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
        }
    }
    let plot = LinePlot {
        title: "row centroid of the conductance increase during each pass".into(),
        x_label: "position".into(),
        y_label: "centroid row (0 = top)".into(),
        log_x: false,
        log_y: false,
        series: res
            .trials
            .iter()
            .take(2 * ORIENTATIONS_DEG.len())
            .map(|t| PlotSeries {
                name: format!("{} deg {}", t.orientation_deg, t.true_dir),
                points: t
                    .centroid_rows
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(k, v)| ((k + 1) as f64, *v))
                    .collect(),
                line: true,
            })
            .collect(),
    };
    let p = dir.join("centroids.svg");
    let text = line_plot_svg(&plot).map_err(ExperimentError::Invalid)?;
    write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    Ok(())
}
