//! E2b `moving-direction`: after learning (E2, same process), bars move up
//! or down across the grid; the cells on their path get positive pulses
//! through the RTL and the direction is decoded from the relaxation trail
//! in the conductance matrix (Nie et al. 2025, Fig 6e).

use super::*;

pub mod metrics;
pub mod protocol;
pub mod report;

pub use metrics::*;
pub use protocol::*;
pub use report::*;

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
            return Err(ExperimentError::option(
                "--trials",
                self.trials,
                "allowed range 1..=50",
            ));
        }
        if !(self.rest_s.is_finite() && (0.0..=100.0).contains(&self.rest_s)) {
            return Err(ExperimentError::option(
                "--rest-s",
                self.rest_s,
                "allowed range 0..=100 s",
            ));
        }
        if !(self.step_s.is_finite() && (1e-3..=10.0).contains(&self.step_s)) {
            return Err(ExperimentError::option(
                "--step-ms",
                self.step_s * 1e3,
                "allowed range 1..=10000 ms",
            ));
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
