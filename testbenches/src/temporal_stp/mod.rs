//! E3 `temporal-stp`: temporal pattern separability of one short-term
//! plastic synapse (Wan et al. 2021, LiWES, Section 2.5 and Fig 6).
//!
//! One Poisson input (10 Hz) drives one `liwes` synapse, which drives one LIF
//! neuron with an infinite threshold. `classes` random trains of `train_ms`,
//! each followed by a "sequence end" spike at the same `t_end = train_ms +
//! gap_ms`, are each presented `presentations` times; the membrane is read
//! `read_ms` after the end spike. Separability = mean inter-class distance -
//! mean intra-class distance of the read-outs. The read-out vector is the
//! single membrane value at `t_end + read_ms` (the paper's Fig 6d), so the
//! Euclidean distance is `|v_a - v_b|`.
//!
//! # Through the RTL
//! - **Synapse**: one cell (row 0, column 0) of a `liwes` array behind the
//!   Verilated crossbar controller (`CrossbarController<25, 5>`), bound to
//!   the array + front-end model as in E5 ([`XbarBench`]). Each input spike
//!   is one PROGRAM command: one gate pulse of the Table 1 amplitude and
//!   width (1 V, 200 us, V/2 scheme). The conductance is read with a READ of
//!   row 0 (0.1 V, TIA 10 pA/LSB) in the middle of every 1 ms tick. After a
//!   presentation the cell's lasting step is taken back by a PROGRAM of
//!   `spikes + 2` depression pulses (-1 V, 200 us; the model stops at its
//!   floor), then `rest_ms` pass (warped) before the next presentation, so
//!   every presentation starts from the same state.
//! - **Neuron**: the Verilated neuron core (`LifWtaTop<16>`), multiplier leak
//!   `DECAY = round(exp(-tick / tau_m) * 2^16)`, threshold register at its
//!   maximum (never reached: a spike or the saturation flag is an error),
//!   WTA off. Neuron 0 gets the LiWES cell's read, neuron 1 the IDEAL
//!   cell's, neuron 2 the NO-STP Dirac input, one tick per input tick.
//!   `i_in` is the ADC code minus the code read at rest before the first
//!   gate pulse of the run, the floor (the paper's `G(t)` starts at 0; the
//!   resting conductance would be a constant bias). The membrane is signed Q16.8 (+-32768
//!   codes): `GAIN` (Q8.8) is the power of two at or below
//!   `2.5 * tick / tau_m` (1/4 at 10 ms, 1/64 at 100 ms), which keeps the
//!   membrane below ~15000 codes for these inputs while one code of input
//!   (0.001 of a Table 1 unit) still moves it by >= 4 LSB. So the RTL LIF
//!   holds the membrane; nothing is integrated on the host.
//! - **Units**: the membrane is reported in the paper's synapse units
//!   (Table 1's A1, A2: 0.1 uS per unit, `st_unit_s`), integrated as
//!   `tau_m dv/dt = -v + G(t)`. NO-STP is a Dirac `k delta(t - t_i)`: a jump
//!   of `k / tau_m` (`tau_m` in ms), with `k` set so the jump equals the peak
//!   of the IDEAL synapse's single-spike response, measured through the same
//!   RTL path (the paper's 4.3 and 16.7 are reported next to it).
//!
//! # Synapses
//! - `liwes`: the calibrated model (`models/params/liwes.toml`), stochastic
//!   short-term parameters drawn per spike (Table 1 mean +- sd, plus `eta`).
//! - `ideal`: the same model with every sd 0 (short-term, C2C, D2D, read
//!   noise). The front-end's own read noise (0.1 nA) is still there.
//! - `no-stp`: the Dirac above, no device.
//!
//! Every random number comes from `seed`: the trains, and the two arrays'
//! device and front-end streams.
//!
//! Modules: [`protocol`] (the device runs through the controller and the
//! neuron core), [`metrics`] (separability), [`report`].

use crate::experiment::ExperimentError;
use crate::experiment::{dac_code, whole_cycles};
use crate::letters_stm_ltm::XbarBench;
use neuroxbar_cosim::units::lif_wta_top::{VerilatorLifWta, N as LIF_N};
use neuroxbar_cosim::units::xbar_ctrl::{VerilatorXbar, N_COLS, N_ROWS};
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::common::num;
use neuroxbar_models::device::liwes::StMode;
use neuroxbar_models::device::{DeviceKind, DeviceSpec, ParamSet};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_models::golden::lif_wta_top::TopInputs;
use neuroxbar_models::golden::xbar_ctrl::{XbarInputs, XbarOutputs};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The paper's Fig 6f, 6g: `(tau_m_s, synapse, separability, ratio to NO-STP)`.
pub const PAPER: [(f64, &str, f64, f64); 6] = [
    (0.01, "no-stp", 3.8e-4, 1.0),
    (0.01, "liwes", 4.9e-2, 128.0),
    (0.01, "ideal", 8.6e-2, 226.0),
    (0.1, "no-stp", 8.4e-2, 1.0),
    (0.1, "liwes", 1.2e-1, 1.4),
    (0.1, "ideal", 1.4e-1, 1.7),
];

/// The paper's NO-STP weights `k` (Section 2.5): `(tau_m_s, k)`.
pub const PAPER_K: [(f64, f64); 2] = [(0.01, 4.3), (0.1, 16.7)];

/// The synapses, in report order.
pub const SYNAPSES: [&str; 3] = ["liwes", "ideal", "no-stp"];

/// Parameters of E3 (every one is reported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct E3Config {
    pub device: String,
    pub seed: u64,
    /// Poisson rate of the input, Hz.
    pub rate_hz: f64,
    /// Duration of the random train, ms (the paper does not state it).
    pub train_ms: f64,
    /// From the end of the train to the end-of-sequence spike, ms (not stated).
    pub gap_ms: f64,
    /// From the end spike to the membrane read-out, ms (not stated).
    pub read_ms: f64,
    pub classes: usize,
    pub presentations: usize,
    pub tau_m_s: Vec<f64>,
    /// Neuron tick and conductance read period, ms.
    pub tick_ms: f64,
    /// Gate pulse per input spike (Table 1: 1 V, 200 us).
    pub pulse_v: f64,
    pub pulse_width_s: f64,
    pub read_v: f64,
    /// TIA gain (index into the front-end's table; 1 = 10 pA per LSB).
    pub tia_gain_index: usize,
    /// Idle time between presentations (after the lasting-step reset), ms.
    pub rest_ms: f64,
    /// Depress the cell back to its floor after every presentation.
    pub lt_reset: bool,
    /// Keep the model's lasting (long-term) step per gate pulse; false sets
    /// `alpha = 0`, the paper's SNN model (short-term response only).
    pub long_term_step: bool,
    /// Length of the single-spike calibration (IDEAL, gives `k`), ms.
    pub calibration_ms: f64,
    /// Warp over waits and idle time (same results, much faster).
    pub warp: bool,
    /// The accelerator's clock, MHz: the tick, the pulse width and interval,
    /// the DAC settling and the ADC conversion become whole cycles of it.
    pub clock_mhz: f64,
}

impl E3Config {
    /// The experiment as specified (50 classes x 10 presentations).
    pub fn full(seed: u64) -> Self {
        E3Config {
            device: "liwes".into(),
            seed,
            rate_hz: 10.0,
            train_ms: 1000.0,
            gap_ms: 50.0,
            read_ms: 1.0,
            classes: 50,
            presentations: 10,
            tau_m_s: vec![0.01, 0.1],
            tick_ms: 1.0,
            pulse_v: 1.0,
            pulse_width_s: 200e-6,
            read_v: 0.1,
            tia_gain_index: 1,
            rest_ms: 2000.0,
            lt_reset: true,
            long_term_step: true,
            calibration_ms: 600.0,
            warp: true,
            clock_mhz: crate::experiment::DEFAULT_CLOCK_MHZ,
        }
    }

    /// Check every field; errors name the option and its allowed range.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        let bad = |name: &str, v: f64, range: &str| {
            Err(ExperimentError::option(
                name,
                num(v),
                format!("allowed range {range}"),
            ))
        };
        if !(2..=200).contains(&self.classes) {
            return bad("--classes", self.classes as f64, "2..=200");
        }
        if !crate::experiment::CLOCK_MHZ_RANGE.contains(&self.clock_mhz) {
            return bad(
                "--clock-mhz",
                self.clock_mhz,
                &format!(
                    "{} ..= {} MHz",
                    crate::experiment::CLOCK_MHZ_RANGE.start(),
                    crate::experiment::CLOCK_MHZ_RANGE.end()
                ),
            );
        }
        if !(2..=100).contains(&self.presentations) {
            return bad("--presentations", self.presentations as f64, "2..=100");
        }
        let ticks = |name: &str, v: f64, lo: f64, hi: f64| -> Result<(), ExperimentError> {
            if !(v.is_finite() && v >= lo && v <= hi) {
                return bad(name, v, &format!("{lo}..={hi} ms"));
            }
            let n = v / self.tick_ms;
            if (n - n.round()).abs() > 1e-9 {
                return Err(ExperimentError::option(
                    name,
                    num(v),
                    format!("must be a whole number of {} ms ticks", self.tick_ms),
                ));
            }
            Ok(())
        };
        ticks("--train-ms", self.train_ms, self.tick_ms, 20_000.0)?;
        ticks("--gap-ms", self.gap_ms, self.tick_ms, 5_000.0)?;
        ticks("--read-ms", self.read_ms, self.tick_ms, 5_000.0)?;
        if !(self.rate_hz > 0.0 && self.rate_hz <= 200.0) {
            return bad("rate_hz", self.rate_hz, "(0, 200] Hz");
        }
        if self.pulse_width_s * 1e3 >= self.tick_ms / 2.0 {
            return Err(ExperimentError::option(
                "pulse_width_s",
                self.pulse_width_s,
                format!(
                    "must end before the mid-tick read ({} ms)",
                    self.tick_ms / 2.0
                ),
            ));
        }
        if self.tau_m_s.is_empty() || self.tau_m_s.iter().any(|&t| !(1e-3..=10.0).contains(&t)) {
            return Err(ExperimentError::option(
                "tau_m_s",
                format!("{:?}", self.tau_m_s),
                "allowed range: each in 0.001..=10 s, at least one",
            ));
        }
        Ok(())
    }

    fn ticks(&self, ms: f64) -> usize {
        (ms / self.tick_ms).round() as usize
    }

    /// Ticks of a presentation (up to the read-out).
    pub fn presentation_ticks(&self) -> usize {
        self.ticks(self.train_ms + self.gap_ms + self.read_ms)
    }

    /// Tick of the end-of-sequence spike.
    pub fn end_tick(&self) -> usize {
        self.ticks(self.train_ms + self.gap_ms)
    }
}

/// The class trains: spike ticks, ascending, the end spike last.
pub fn class_trains(cfg: &E3Config) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE3_7EA1_5EED);
    let train_ticks = cfg.ticks(cfg.train_ms);
    (0..cfg.classes)
        .map(|_| {
            let mut s: Vec<usize> = Vec::new();
            let mut t_ms = 0.0;
            loop {
                let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
                t_ms += -u.ln() / cfg.rate_hz * 1e3;
                let k = (t_ms / cfg.tick_ms).floor() as usize;
                if k >= train_ticks {
                    break;
                }
                // two spikes in one tick are one gate pulse
                if s.last() != Some(&k) {
                    s.push(k);
                }
            }
            s.push(cfg.end_tick());
            s
        })
        .collect()
}

/// One synapse's reads through the crossbar controller.
#[derive(Debug, Clone, Default)]
pub struct DeviceRun {
    /// `[class][presentation][tick]`: ADC code minus the floor code.
    pub codes: Vec<Vec<Vec<i32>>>,
    /// The first rest read, before any gate pulse: the reference of `codes`.
    pub floor_code: Option<i32>,
    /// Rest code before each presentation (its spread is the eta offset the
    /// reset's last pulse leaves; the lasting step is back to the floor).
    pub rest_codes: Vec<i32>,
    /// Single-spike response (calibration), codes above rest, per tick.
    pub calibration: Vec<i32>,
    pub energy_j: f64,
    pub simulated_time_s: f64,
    pub cycles: u64,
    pub clocked_cycles: u64,
    pub warped_cycles: u64,
    pub idle_skipped_cycles: u64,
    pub program_commands: u64,
    pub reads: u64,
    /// Largest code read (saturation check).
    pub max_code: i32,
    /// Simulated time from the tick start to the sample strobe, first read, s.
    pub read_offset_s: f64,
}

/// Per `(tau, synapse)` results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SepResult {
    pub tau_m_s: f64,
    pub synapse: String,
    pub separability: f64,
    pub inter_class_distance: f64,
    pub intra_class_distance: f64,
    pub ratio_to_no_stp: f64,
    pub paper_separability: f64,
    pub paper_ratio_to_no_stp: f64,
    /// Mean read-out, paper units.
    pub mean_readout: f64,
}

/// The neuron configuration of one `tau_m`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NeuronConfig {
    pub tau_m_s: f64,
    pub decay_bits: u16,
    /// `-tick / ln(decay)`: the time constant the register holds, s.
    pub tau_m_effective_s: f64,
    pub gain_bits: u16,
    /// Peak of the IDEAL single-spike response, paper units.
    pub ideal_single_spike_peak: f64,
    /// `k = peak * tau_m[ms]`, and the paper's value.
    pub k: f64,
    pub k_paper: f64,
    /// NO-STP input code per spike and its jump in paper units (`k / tau_m`).
    pub no_stp_code: i16,
    /// Paper units per membrane LSB (2^-8 code): LiWES/IDEAL, NO-STP.
    pub units_per_lsb_device: f64,
    pub units_per_lsb_no_stp: f64,
    /// Largest |membrane| seen, codes (limit 32768).
    pub max_abs_membrane_codes: f64,
}

/// Results of a run.
#[derive(Debug, Clone)]
pub struct E3Result {
    pub results: Vec<SepResult>,
    pub neurons: Vec<NeuronConfig>,
    /// `[tau][synapse][class][presentation]` read-outs, paper units.
    pub readouts: Vec<Vec<Vec<Vec<f64>>>>,
    /// Class 0, presentation 0: `[tau][synapse][tick]` membranes, paper units.
    pub traces: Vec<Vec<Vec<f64>>>,
    /// Class 0, presentation 0: conductance above rest, paper units, LiWES and IDEAL.
    pub g_trace: [Vec<f64>; 2],
    pub trains: Vec<Vec<usize>>,
    pub spikes_per_class_mean: f64,
    pub runs: [DeviceRun; 2],
    /// Paper units per ADC code (`lsb / (read_v * st_unit_s)`).
    pub units_per_code: f64,
    pub lif_clocked_cycles: u64,
    pub energy_j: f64,
    pub simulated_time_s: f64,
    pub cycles: u64,
}

fn err(t_s: f64, e: impl std::fmt::Display) -> ExperimentError {
    ExperimentError::front_end(t_s, e)
}

pub mod metrics;
pub mod protocol;
pub mod report;

pub use metrics::*;
pub use protocol::*;
pub use report::*;
