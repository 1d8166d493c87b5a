//! `liwes`: three-terminal LixWO3 electrochemical synapse (Wan et al.,
//! Adv. Intell. Syst. 2021, doi 10.1002/aisy.202100021).
//!
//! The weight is the channel conductance, programmed by gate pulses
//! (`apply(V_gate, w)`); reads are at the channel (`read_voltage_v`, ohmic).
//! `G(t) = G_LT + st_unit_s * dG_ST(t)`.
//!
//! # Long-term part (charge-transfer doping)
//! Each gate pulse changes `G_LT` by
//! `dG = alpha * (V / lt_v_ref_v) * F(w) * s * c2c * d2d * (g_lt_max - g_lt_min)`,
//! `F(w) = (w + lt_w_fast_s) / (lt_w_ref_s + lt_w_fast_s)`: the gate charge
//! of a pulse is a steady part (proportional to `w`) plus a capacitive part
//! delivered even by a short pulse (`lt_w_fast_s` of steady current). So dG
//! is linear in amplitude and roughly linear in width over 10 - 500 ms
//! (`F(10 ms) = 1` exactly), while 1 us pulses still program (fast
//! programming, a small step with the same shape).
//! Potentiation saturates softly, `s = 1 - x^p` (`x = (G - g_min)/(g_max - g_min)`,
//! `p = shape_exponent`): linear for the first ~800 pulses, then saturating
//! (Fig 3d). Depression does not saturate: `s = lt_dep_ratio` (its step is
//! `lt_dep_ratio` times the potentiation step at the same `|V|`, `w`) down
//! to the floor `g_lt_min_s`, where `G_LT` stops (the Li0.4WO3 level of the
//! self-gate). With `lt_dep_ratio` slightly above 1 every 50 P + 50 D cycle
//! ends on the floor, so the window neither drifts nor shrinks over 1e5
//! pulses. `G_LT` does not decay.
//!
//! # Short-term part (ionic gating), the authors' model, exactly
//! With the spike time `t_i` and width `w`, and `G_off` the short-term value
//! at the moment of the spike (a new parameter set is drawn at every spike):
//! - rise, `t - t_i < w`: `dG = (A1 + A2) (t - t_i) / w + eta + G_off`
//! - decay: `dG = (A1 + G_off/2) exp(-(t - t_i)/tau1) + (A2 + G_off/2) exp(-(t - t_i)/tau2) + eta`.
//!
//! Parameters at the reference pulse (1 V, 200 us): `A1 = 0.57 +- 0.27`,
//! `tau1 = 5 +- 2 ms`, `A2 = 0.5 +- 0.05`, `tau2 = 92 +- 18 ms`, `eta ~ N(0, 0.11)`.
//! Other pulses scale the amplitudes by `sign(V) (|V| / 1 V) (w / 200 us)^st_width_exponent`
//! and the time constants by `(w / 200 us)^tau{1,2}_width_exponent` (calibrated
//! so that 0.5 V, 10 ms pulses give the PPF time constants 19 ms and 433 ms).
//! `st_mode = "ideal"` sets every sd to 0; `"no-stp"` removes the short-term
//! part (the NO-STP synapse, a weighted Dirac at the spike, has no lasting
//! conductance response).
//!
//! # Reads
//! The device is read at its channel: a pulse of at most `read_voltage_v`
//! (the crossbar's READ, 0.1 V) and at most `READ_MAX_WIDTH_S` (100 us) is a
//! channel read, not a gate pulse (longer 0.1 V pulses still program, as the
//! 10 ms ones of Fig 3b). Time
//! passes (the short-term response keeps decaying), nothing is programmed
//! and no short-term parameter set is drawn. Without this rule every read
//! would start a new short-term spike (`G_off` = the current value, split
//! into the fast and slow terms) and add a long-term step.
//!
//! # Idle evolution
//! Only the time since the last spike advances: `t_since += dt`, exact.
//!
//! # Energy
//! Gate charging plus leakage: `E = c_gate_f V^2 + g_gate_leak_s V^2 w`.

use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::common::{self, cell_params, CellParams, CellState, Seeded};
use super::{Device, DeviceError};

/// Relative tolerance of the read-voltage test (a DAC code of 4 mV rounds
/// 0.1 V exactly; this only absorbs floating-point noise).
pub const READ_TOLERANCE: f64 = 1e-6;

/// Longest pulse at `read_voltage_v` taken as a channel read, seconds. The
/// crossbar controller's READ holds a row for the DAC settling plus the
/// sample (~0.1 - 2 us); the paper's 0.1 V gate pulses that program are
/// 10 ms long (Fig 3b), so both are far from this bound.
pub const READ_MAX_WIDTH_S: f64 = 100e-6;

/// Short-term response mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StMode {
    Stochastic,
    Ideal,
    NoStp,
}

cell_params! {
    /// Parameters (see `models/params/liwes.toml`).
    pub struct Params {
        pub g_lt_min_s: f64,
        pub g_lt_max_s: f64,
        pub g_lt_init_s: f64,
        pub alpha: f64,
        pub shape_exponent: f64,
        pub lt_dep_ratio: f64,
        pub lt_v_ref_v: f64,
        pub lt_w_ref_s: f64,
        pub lt_w_fast_s: f64,
        pub st_mode: StMode,
        pub st_unit_s: f64,
        pub st_v_ref_v: f64,
        pub st_w_ref_s: f64,
        pub st_width_exponent: f64,
        pub tau1_width_exponent: f64,
        pub tau2_width_exponent: f64,
        pub a1_mean: f64,
        pub a1_sd: f64,
        pub tau1_mean_s: f64,
        pub tau1_sd_s: f64,
        pub a2_mean: f64,
        pub a2_sd: f64,
        pub tau2_mean_s: f64,
        pub tau2_sd_s: f64,
        pub eta_sd: f64,
        pub c_gate_f: f64,
        pub g_gate_leak_s: f64,
    }
    window_limit_v = 10.0;
}

impl Params {
    pub fn validate(&self, file: &str) -> Result<(), DeviceError> {
        self.validate_cell(file, |c| {
            c.ordered(
                ("g_lt_min_s", self.g_lt_min_s),
                ("g_lt_max_s", self.g_lt_max_s),
                1e-12,
                1.0,
            )?;
            c.range(
                "g_lt_init_s",
                self.g_lt_init_s,
                self.g_lt_min_s,
                self.g_lt_max_s,
            )?;
            c.range("alpha", self.alpha, 0.0, 1.0)?;
            c.range("shape_exponent", self.shape_exponent, 0.1, 100.0)?;
            c.range("lt_dep_ratio", self.lt_dep_ratio, 0.5, 2.0)?;
            c.range("lt_v_ref_v", self.lt_v_ref_v, 1e-3, 10.0)?;
            c.range("lt_w_ref_s", self.lt_w_ref_s, 1e-12, 10.0)?;
            c.range("lt_w_fast_s", self.lt_w_fast_s, 0.0, 10.0)?;
            c.range("st_unit_s", self.st_unit_s, 0.0, 1.0)?;
            c.range("st_v_ref_v", self.st_v_ref_v, 1e-3, 10.0)?;
            c.range("st_w_ref_s", self.st_w_ref_s, 1e-12, 10.0)?;
            c.range("st_width_exponent", self.st_width_exponent, 0.0, 2.0)?;
            c.range("tau1_width_exponent", self.tau1_width_exponent, -2.0, 2.0)?;
            c.range("tau2_width_exponent", self.tau2_width_exponent, -2.0, 2.0)?;
            c.range("a1_mean", self.a1_mean, -100.0, 100.0)?;
            c.range("a2_mean", self.a2_mean, -100.0, 100.0)?;
            c.range("tau1_mean_s", self.tau1_mean_s, 1e-9, 1e4)?;
            c.range("tau2_mean_s", self.tau2_mean_s, 1e-9, 1e4)?;
            for (f, v) in [
                ("a1_sd", self.a1_sd),
                ("a2_sd", self.a2_sd),
                ("tau1_sd_s", self.tau1_sd_s),
                ("tau2_sd_s", self.tau2_sd_s),
                ("eta_sd", self.eta_sd),
            ] {
                c.range(f, v, 0.0, 100.0)?;
            }
            c.range("c_gate_f", self.c_gate_f, 0.0, 1e-6)?;
            c.range("g_gate_leak_s", self.g_gate_leak_s, 0.0, 1.0)?;
            Ok(())
        })
    }
}

/// One short-term parameter set, drawn at a spike (already scaled to the pulse).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StSet {
    pub a1: f64,
    pub tau1_s: f64,
    pub a2: f64,
    pub tau2_s: f64,
    pub eta: f64,
}

/// The authors' short-term response at `t_since = t - t_i` for a spike of
/// width `w_s`, with `g_off` the value at the spike (dimensionless ST units).
pub fn st_response(t_since_s: f64, w_s: f64, s: &StSet, g_off: f64) -> f64 {
    if t_since_s < w_s {
        (s.a1 + s.a2) * t_since_s / w_s + s.eta + g_off
    } else {
        (s.a1 + g_off / 2.0) * (-t_since_s / s.tau1_s).exp()
            + (s.a2 + g_off / 2.0) * (-t_since_s / s.tau2_s).exp()
            + s.eta
    }
}

/// One `liwes` device.
#[derive(Debug, Clone)]
pub struct Liwes {
    p: Params,
    cell: CellState,
    /// D2D gain on the long-term step (paper: ~6.5 %), drawn once.
    pub d2d_gain: f64,
    pub g_lt_s: f64,
    /// Current spike: parameters, width, G_off, time since its start.
    pub st: Option<(StSet, f64, f64)>,
    pub t_since_s: f64,
    c2c: ChaCha8Rng,
}

impl Liwes {
    pub fn new(p: &Params, name: &'static str, seed: u64) -> Self {
        let r = Seeded::new(name, p, seed);
        Liwes {
            p: *p,
            cell: r.cell,
            d2d_gain: r.d2d_factor,
            g_lt_s: p.g_lt_init_s,
            st: None,
            t_since_s: 0.0,
            c2c: r.c2c,
        }
    }

    /// Short-term value now (dimensionless ST units).
    pub fn st_value(&self) -> f64 {
        match &self.st {
            None => 0.0,
            Some((s, w, g_off)) => st_response(self.t_since_s, *w, s, *g_off),
        }
    }

    fn draw(&mut self, mean: f64, sd: f64) -> f64 {
        if self.p.st_mode == StMode::Ideal || sd <= 0.0 {
            mean
        } else {
            mean + sd * common::normal(&mut self.c2c)
        }
    }

    fn g(&self) -> f64 {
        (self.g_lt_s + self.p.st_unit_s * self.st_value()).max(1e-12)
    }
}

impl Device for Liwes {
    fn cell(&self) -> &CellState {
        &self.cell
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.cell
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        if v.abs() <= self.p.read_voltage_v * (1.0 + READ_TOLERANCE) && d <= READ_MAX_WIDTH_S {
            // a channel read (crossbar READ, `read_voltage_v`): the gate is
            // not driven, so no step and no new short-term spike; time passes
            let e = self.g() * v * v * d;
            self.advance(d);
            return Ok(e);
        }
        let p = self.p;
        // long-term step
        let c2c = common::factor(&mut self.c2c, p.c2c_sd);
        let range = p.g_lt_max_s - p.g_lt_min_s;
        let x = ((self.g_lt_s - p.g_lt_min_s) / range).clamp(0.0, 1.0);
        let f_w = if d > 0.0 {
            (d + p.lt_w_fast_s) / (p.lt_w_ref_s + p.lt_w_fast_s)
        } else {
            0.0
        };
        let drive = (v / p.lt_v_ref_v) * f_w * c2c * self.d2d_gain;
        let shape = if v >= 0.0 {
            1.0 - x.powf(p.shape_exponent)
        } else {
            p.lt_dep_ratio
        };
        self.g_lt_s = (self.g_lt_s + p.alpha * drive * shape.max(0.0) * range)
            .clamp(p.g_lt_min_s, p.g_lt_max_s);
        // short-term spike: new parameter set, G_off = last value
        if p.st_mode != StMode::NoStp && v != 0.0 && d > 0.0 {
            let g_off = self.st_value();
            let rel_w = d / p.st_w_ref_s;
            let amp = v.signum() * (v.abs() / p.st_v_ref_v) * rel_w.powf(p.st_width_exponent);
            let t1s = rel_w.powf(p.tau1_width_exponent);
            let t2s = rel_w.powf(p.tau2_width_exponent);
            let a1 = self.draw(p.a1_mean, p.a1_sd) * amp;
            let tau1 = (self.draw(p.tau1_mean_s, p.tau1_sd_s)).max(0.1 * p.tau1_mean_s) * t1s;
            let a2 = self.draw(p.a2_mean, p.a2_sd) * amp;
            let tau2 = (self.draw(p.tau2_mean_s, p.tau2_sd_s)).max(0.1 * p.tau2_mean_s) * t2s;
            let eta = self.draw(0.0, p.eta_sd);
            self.st = Some((
                StSet {
                    a1,
                    tau1_s: tau1,
                    a2,
                    tau2_s: tau2,
                    eta,
                },
                d,
                g_off,
            ));
            self.t_since_s = 0.0;
        }
        let pol = if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        };
        self.cell.count_reversal(pol);
        self.advance(d);
        let e = p.c_gate_f * v * v + p.g_gate_leak_s * v * v * d;
        Ok(e)
    }
    fn advance(&mut self, dt: f64) {
        self.t_since_s += common::idle(dt);
    }
    fn current_a(&self, v: f64) -> f64 {
        self.g() * v
    }
    fn conductance_s(&self) -> f64 {
        self.g()
    }
}
