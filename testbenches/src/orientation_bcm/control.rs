//! The control synapse of E2 (`--ideal-synapse-us S`): every ftj-relax
//! cell, once its low random initial state is set, is replaced by an ideal
//! additive synapse that keeps the cell's conductance and read I-V and
//! changes only the update law.
//!
//! - A programming pulse above the threshold moves the conductance by one
//!   fixed step, `+step` for a potentiation and `-step` for a depression,
//!   whatever the conductance and whatever came before (no facilitation, no
//!   conductance-proportional depression), within `[g_min, g_max]` of
//!   ftj-relax (50 .. 2500 uS).
//! - The thresholds are 3/4 of the run's programming amplitudes, so a
//!   selected cell always switches and a half-selected one (V/2, V/3) never
//!   does: no disturb.
//! - No volatile part, no relaxation, no variation, no read noise.
//! - Read I-V as ftj-relax's, `I = G v_nl sinh(V / v_nl)` with v_nl = 1 V,
//!   so the column currents and the LIF threshold are those of the device
//!   runs.
//!
//! The RTL, the host program and the initial conductances are those of the
//! ftj-relax run with the same seed; only the weight update differs. This
//! is the weight model of the paper's network simulation (rate-based BCM
//! with ideal weight updates), which the device runs can be held against.

use neuroxbar_models::device::{common, CellState, Device, DeviceError};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// ftj-relax's non-volatile bounds (models/params/ftj-relax.toml), siemens.
pub const G_MIN_S: f64 = 50e-6;
pub const G_MAX_S: f64 = 2500e-6;
/// ftj-relax's I-V curvature, volts (`v_nl_v`).
const V_NL_V: f64 = 1.0;

/// An ideal additive synapse (see the module doc).
pub struct IdealSynapse {
    cell: CellState,
    g_s: f64,
    step_s: f64,
    v_th_pot_v: f64,
    v_th_dep_v: f64,
}

impl IdealSynapse {
    /// A synapse at `g_s` moving `step_s` per pulse above `v_th_pot_v`
    /// (positive) or below `-v_th_dep_v` (negative; `v_th_dep_v > 0`).
    pub fn new(g_s: f64, step_s: f64, v_th_pot_v: f64, v_th_dep_v: f64) -> Self {
        IdealSynapse {
            cell: CellState::new(
                "ideal-additive",
                (-3.0, 3.0),
                0.1,
                0.0,
                ChaCha8Rng::seed_from_u64(0),
            ),
            g_s: g_s.clamp(G_MIN_S, G_MAX_S),
            step_s,
            v_th_pot_v,
            v_th_dep_v,
        }
    }

    /// The conductance, siemens (the `G` of `I = G v_nl sinh(V / v_nl)`).
    pub fn g_s(&self) -> f64 {
        self.g_s
    }

    /// The `G` at which this synapse reads the same current at 0.1 V as
    /// `device` (the inverse of [`Device::current_a`] below).
    pub fn g_matching(device: &dyn Device) -> f64 {
        let v = 0.1;
        device.current_a(v) / (V_NL_V * (v / V_NL_V).sinh())
    }

    /// For a run programming with `v_pot_v` and `v_dep_v`: thresholds at
    /// 3/4 of their amplitudes.
    pub fn for_pulses(g_s: f64, step_s: f64, v_pot_v: f64, v_dep_v: f64) -> Self {
        Self::new(g_s, step_s, 0.75 * v_pot_v, 0.75 * v_dep_v.abs())
    }
}

impl Device for IdealSynapse {
    fn cell(&self) -> &CellState {
        &self.cell
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.cell
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        let i0 = self.current_a(v);
        let pol = if v > self.v_th_pot_v {
            self.g_s = (self.g_s + self.step_s).min(G_MAX_S);
            1
        } else if v < -self.v_th_dep_v {
            self.g_s = (self.g_s - self.step_s).max(G_MIN_S);
            -1
        } else {
            0
        };
        self.cell.count_reversal(pol);
        Ok(common::pulse_energy(v, i0, self.current_a(v), d))
    }
    fn advance(&mut self, _dt_s: f64) {}
    fn current_a(&self, v: f64) -> f64 {
        self.g_s * V_NL_V * (v / V_NL_V).sinh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selected_pulse_moves_one_step_and_a_half_select_none() {
        let mut s = IdealSynapse::for_pulses(150e-6, 20e-6, 0.45, -1.6);
        let g = |s: &IdealSynapse| s.g_s();
        assert!((g(&s) - 150e-6).abs() < 1e-12);
        s.apply(0.45, 10e-6).unwrap();
        assert!((g(&s) - 170e-6).abs() < 1e-12, "{}", g(&s));
        // the facilitation of ftj-relax would make this one larger
        s.apply(0.45, 10e-6).unwrap();
        assert!((g(&s) - 190e-6).abs() < 1e-12, "{}", g(&s));
        // V/2 half-selects of both polarities
        s.apply(0.225, 10e-6).unwrap();
        s.apply(-0.8, 10e-6).unwrap();
        assert!((g(&s) - 190e-6).abs() < 1e-12, "{}", g(&s));
        // depression: the same step whatever the conductance
        s.apply(-1.6, 10e-6).unwrap();
        assert!((g(&s) - 170e-6).abs() < 1e-12, "{}", g(&s));
        s.advance(100.0);
        assert!((g(&s) - 170e-6).abs() < 1e-12, "no relaxation");
        assert_eq!(s.cycles(), 1, "one polarity reversal");
    }

    #[test]
    fn the_conductance_stays_within_ftj_relax_bounds() {
        let mut s = IdealSynapse::for_pulses(60e-6, 20e-6, 0.45, -1.6);
        s.apply(-1.6, 10e-6).unwrap();
        assert!((s.g_s() - G_MIN_S).abs() < 1e-12);
        let mut s = IdealSynapse::for_pulses(2490e-6, 20e-6, 0.45, -1.6);
        s.apply(0.45, 10e-6).unwrap();
        assert!((s.g_s() - G_MAX_S).abs() < 1e-12);
    }

    #[test]
    fn reads_like_ftj_relax() {
        let s = IdealSynapse::for_pulses(200e-6, 20e-6, 0.45, -1.6);
        let i = s.current_a(0.1);
        assert!((i - 200e-6 * 0.1f64.sinh()).abs() < 1e-18);
        assert!((IdealSynapse::g_matching(&s) - 200e-6).abs() < 1e-15);
    }
}
