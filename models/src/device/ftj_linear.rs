//! `ftj-linear`: Au/Cr/BaTiO3/Nb:SrTiO3 FTJ with linear, symmetric update
//! (Yang et al., Adv. Funct. Mater. 2022, doi 10.1002/adfm.202202366), and
//! `ftj-reference`, the high-oxygen-pressure reference FTJ of the same paper
//! (same model, its own parameter file).
//!
//! # State
//! - `g_s`: non-volatile conductance (ferroelectric domain fraction), kept in
//!   `[g_floor_s, g_ceiling_s]`.
//! - `x_pos`, `x_neg` in [0, 1]: transient traces of positive / negative
//!   spikes (unscreened polarization), relaxing with `tau_trace_pos_s` /
//!   `tau_trace_neg_s`; they only act through consolidation (STDP) and do
//!   not change the read current.
//! - `last_spike` in {-1, 0, +1}: polarity of the last spike-sized pulse
//!   (`|V| >= v_trace_min_v`), the non-volatile net polarization direction
//!   it left (0 on a fresh device).
//! - `d2d_scale`, `c2c_scale`: conductance scale factors. The paper's
//!   variations (Fig S4b, S4d) are spreads *in conductance* while its
//!   nonlinearity stays 0.13 - 0.17 over the cycles and devices (Fig 2d,
//!   S4d), i.e. the whole LTP/LTD curve scales. The device's read conductance
//!   is `g_s x d2d_scale x c2c_scale`: `d2d_scale ~ N(1, d2d_sd)` is drawn once
//!   per device, `c2c_scale ~ N(1, c2c_sd)` once per switching cycle (a new
//!   cycle starts with the first potentiating programming pulse after a
//!   depressing one, as the paper's cycles of Fig 2d start with LTP). The
//!   update rule below acts on the unscaled `g_s`, so NL is scale free.
//!
//! # Pulse `apply(V, w)`, `F_w = (w / width_ref_s)^width_exponent`
//! Steps 1 and 3 need a spike-sized voltage, `|V| >= v_trace_min_v`: a read
//! (0.1 V) neither charges the transient traces nor consolidates them, so
//! reading a cell right after programming it does not move its weight.
//! 1. Consolidation of the opposite trace: `V > 0` with `x_neg`:
//!    `g *= 1 - k_dep_cons x_neg`; `V < 0` with `x_pos`: `g *= 1 + k_pot_cons x_pos`.
//!    With pre spike `+V_s` and post spike `-V_s`, `dt = t_post - t_pre`:
//!    `dW = A+ exp(-dt / tau+)` (dt > 0), `-A- exp(dt / tau-)` (dt < 0).
//! 2. Domain switching above the coercive threshold, saturating toward the
//!    soft bounds within `saturation_width` (`s`, a fraction of the window
//!    `g_hi - g_lo`) of them. With `u = (g_hi - g) / (g_hi - g_lo)` (room
//!    left for potentiation), `V > v_th_v`:
//!    `g += min(1, k_pot ((V - v_th)/1 V)^p F_w (1 + s) / (u + s)) max(0, g_hi - g)`;
//!    `V < -v_th_v` the same with `k_dep`, `u = (g - g_lo) / (g_hi - g_lo)`
//!    and `g` moving toward `g_lo`. `V` stands for `min(|V|, v_sat_v)`: above
//!    `v_sat_v` the switching rate no longer grows with the amplitude. Far from the bounds (`u >> s`) every pulse
//!    moves `g` by about `k (V - v_th)^p (1 + s) (g_hi - g_lo)`, whatever `g`
//!    is: the update is linear under identical pulses (`ftj-linear`, `s`
//!    small: the vacancy migration slows the domain nucleation and linearises
//!    the update, paper Section 2.5; `v_sat_v` at the 2 V start of the stepped
//!    scheme, so stepped and identical 2 - 5 V pulses move it alike and the
//!    NL is low under both, paper Section 2.3, Fig S6). With `s` large the factor is 1 and the update is
//!    the pure soft bound `k (V - v_th)^p (g_hi - g)`, an exponential
//!    approach under identical pulses (`ftj-reference`, domain switching
//!    only, NL 0.61 - 0.65, Fig S5a).
//!
//! 2b. Reversal offset (the constant `dW0` of the STDP window): a sub-coercive
//!    spike (`v_trace_min_v <= |V| <= v_th_v`) whose polarity is opposite to
//!    `last_spike` depins a small fixed fraction of interface-pinned domains:
//!    `g *= 1 + dg_rev_neg` (a -V spike after a +V spike: post after pre, dt > 0)
//!    or `g *= 1 + dg_rev_pos` (a +V spike after a -V spike: dt < 0). It does not depend on the spike interval, so the window
//!    reads `dW = A+ exp(-dt/tau+) + dW0+` with `dW0+ = 100 dg_rev_neg` and
//!    `dW0- = 100 dg_rev_pos` (%). Programming pulses (`|V| > v_th_v`), V/3
//!    half-select disturbs and reads (`|V| < v_trace_min_v`) never trigger it.
//!
//! 2c. Set regime (soft breakdown of the barrier into a conductive path):
//!    `V >= v_set_v` (above the paper's |5| V programming range) raises `g` to
//!    at least the low-resistance state `g_lrs(w)`: `g_lrs_short_s` for
//!    `w <= w_lrs_short_s`, `g_lrs_long_s` for `w >= w_lrs_long_s`, geometric
//!    (log-log) interpolation in between. Depression pulses then lower it
//!    through step 2 as usual.
//! 3. Own trace: `x = 1 - (1 - x) exp(-(|V| / 1 V) w / t_charge_s)`.
//! 4. Traces relax for the pulse duration.
//!
//! # Idle evolution (exact for any dt)
//! `x(t + dt) = x(t) exp(-dt / tau)`; `g` does not decay (retention > 1e4 s).
//! Read: ohmic, `I = g_s d2d_scale c2c_scale V`.

use rand_chacha::ChaCha8Rng;

use super::common::{self, cell_params, CellParams, CellState, Seeded};
use super::{Device, DeviceError};

cell_params! {
    /// Parameters (see `models/params/ftj-linear.toml`, `ftj-reference.toml`).
    pub struct Params {
        pub g_init_s: f64,
        pub g_lo_s: f64,
        pub g_hi_s: f64,
        pub g_floor_s: f64,
        pub g_ceiling_s: f64,
        pub k_pot: f64,
        pub k_dep: f64,
        pub v_th_v: f64,
        pub amplitude_exponent: f64,
        pub v_sat_v: f64,
        pub saturation_width: f64,
        pub width_ref_s: f64,
        pub width_exponent: f64,
        pub t_charge_s: f64,
        pub v_trace_min_v: f64,
        pub tau_trace_pos_s: f64,
        pub tau_trace_neg_s: f64,
        pub k_pot_cons: f64,
        pub k_dep_cons: f64,
        pub dg_rev_pos: f64,
        pub dg_rev_neg: f64,
        pub v_set_v: f64,
        pub g_lrs_short_s: f64,
        pub g_lrs_long_s: f64,
        pub w_lrs_short_s: f64,
        pub w_lrs_long_s: f64,
    }
    window_limit_v = 20.0;
}

impl Params {
    pub fn validate(&self, file: &str) -> Result<(), DeviceError> {
        self.validate_cell(file, |c| {
            c.ordered(
                ("g_floor_s", self.g_floor_s),
                ("g_ceiling_s", self.g_ceiling_s),
                1e-12,
                1.0,
            )?;
            c.ordered(
                ("g_lo_s", self.g_lo_s),
                ("g_hi_s", self.g_hi_s),
                self.g_floor_s,
                self.g_ceiling_s,
            )?;
            c.range("g_init_s", self.g_init_s, self.g_floor_s, self.g_ceiling_s)?;
            c.range("k_pot", self.k_pot, 0.0, 10.0)?;
            c.range("k_dep", self.k_dep, 0.0, 10.0)?;
            c.range("v_th_v", self.v_th_v, 0.0, 20.0)?;
            c.range("amplitude_exponent", self.amplitude_exponent, 0.0, 10.0)?;
            c.range("v_sat_v", self.v_sat_v, self.v_th_v, 20.0)?;
            c.range("saturation_width", self.saturation_width, 1e-3, 1e9)?;
            c.range("width_ref_s", self.width_ref_s, 1e-12, 10.0)?;
            c.range("width_exponent", self.width_exponent, 0.0, 2.0)?;
            c.range("t_charge_s", self.t_charge_s, 1e-12, 10.0)?;
            c.range("v_trace_min_v", self.v_trace_min_v, 0.0, 20.0)?;
            c.range("tau_trace_pos_s", self.tau_trace_pos_s, 1e-12, 1e6)?;
            c.range("tau_trace_neg_s", self.tau_trace_neg_s, 1e-12, 1e6)?;
            c.range("k_pot_cons", self.k_pot_cons, 0.0, 100.0)?;
            c.range("k_dep_cons", self.k_dep_cons, 0.0, 100.0)?;
            c.range("dg_rev_pos", self.dg_rev_pos, -0.1, 0.1)?;
            c.range("dg_rev_neg", self.dg_rev_neg, -0.1, 0.1)?;
            c.range("v_set_v", self.v_set_v, self.v_th_v, 20.0)?;
            c.range(
                "g_lrs_short_s",
                self.g_lrs_short_s,
                self.g_floor_s,
                self.g_ceiling_s,
            )?;
            c.range(
                "g_lrs_long_s",
                self.g_lrs_long_s,
                self.g_floor_s,
                self.g_ceiling_s,
            )?;
            c.range("w_lrs_short_s", self.w_lrs_short_s, 1e-12, 10.0)?;
            c.range("w_lrs_long_s", self.w_lrs_long_s, 1e-12, 10.0)?;
            c.less(
                "w_lrs_short_s",
                self.w_lrs_short_s,
                self.w_lrs_long_s,
                "w_lrs_long_s",
            )?;
            Ok(())
        })
    }

    /// Low-resistance-state conductance reached by a set pulse of width `w`
    /// (step 2c of the module docs).
    pub fn g_lrs(&self, w: f64) -> f64 {
        if w <= self.w_lrs_short_s {
            self.g_lrs_short_s
        } else if w >= self.w_lrs_long_s {
            self.g_lrs_long_s
        } else {
            let f = (w / self.w_lrs_short_s).ln() / (self.w_lrs_long_s / self.w_lrs_short_s).ln();
            self.g_lrs_short_s * (self.g_lrs_long_s / self.g_lrs_short_s).powf(f)
        }
    }
}

/// One `ftj-linear` / `ftj-reference` device.
#[derive(Debug, Clone)]
pub struct FtjLinear {
    p: Params,
    cell: CellState,
    /// D2D conductance scale, drawn once.
    pub d2d_scale: f64,
    /// C2C conductance scale of the current switching cycle.
    pub c2c_scale: f64,
    /// Unscaled conductance state (the read conductance is
    /// `g_s x d2d_scale x c2c_scale`).
    pub g_s: f64,
    pub x_pos: f64,
    pub x_neg: f64,
    /// Polarity of the last spike-sized pulse (0: none yet).
    pub last_spike: i8,
    c2c: ChaCha8Rng,
}

impl FtjLinear {
    pub fn new(p: &Params, name: &'static str, seed: u64) -> Self {
        let mut r = Seeded::new(name, p, seed);
        let c2c_scale = common::factor(&mut r.c2c, p.c2c_sd);
        FtjLinear {
            p: *p,
            cell: r.cell,
            d2d_scale: r.d2d_factor,
            c2c_scale,
            g_s: p.g_init_s,
            x_pos: 0.0,
            x_neg: 0.0,
            last_spike: 0,
            c2c: r.c2c,
        }
    }
}

impl Device for FtjLinear {
    fn cell(&self) -> &CellState {
        &self.cell
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.cell
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        let i0 = self.current_a(v);
        let p = self.p;
        let a = v.abs();
        let spike = a >= p.v_trace_min_v;
        if spike && v > 0.0 && self.x_neg > 0.0 {
            self.g_s *= (1.0 - p.k_dep_cons * self.x_neg).max(0.0);
        } else if spike && v < 0.0 && self.x_pos > 0.0 {
            self.g_s *= 1.0 + p.k_pot_cons * self.x_pos;
        }
        let fw = (d / p.width_ref_s).powf(p.width_exponent);
        let mut pol = 0i8;
        if a > p.v_th_v {
            let overdrive = a.min(p.v_sat_v) - p.v_th_v;
            let drive = (overdrive.powf(p.amplitude_exponent) * fw).min(1e6);
            let span = p.g_hi_s - p.g_lo_s;
            let s = p.saturation_width;
            if v > 0.0 {
                if self.cell.last_polarity < 0 {
                    // a new switching cycle: its conductance scale
                    self.c2c_scale = common::factor(&mut self.c2c, p.c2c_sd);
                }
                let room = (p.g_hi_s - self.g_s).max(0.0);
                let x = (p.k_pot * drive * (1.0 + s) / (room / span + s)).min(1.0);
                self.g_s += x * room;
                pol = 1;
            } else {
                let room = (self.g_s - p.g_lo_s).max(0.0);
                let x = (p.k_dep * drive * (1.0 + s) / (room / span + s)).min(1.0);
                self.g_s -= x * room;
                pol = -1;
            }
        }
        if v >= p.v_set_v {
            self.g_s = self.g_s.max(p.g_lrs(d));
        }
        if spike && a <= p.v_th_v {
            if v < 0.0 && self.last_spike > 0 {
                self.g_s *= 1.0 + p.dg_rev_neg;
            } else if v > 0.0 && self.last_spike < 0 {
                self.g_s *= 1.0 + p.dg_rev_pos;
            }
        }
        if spike {
            self.last_spike = if v > 0.0 { 1 } else { -1 };
        }
        self.g_s = self.g_s.clamp(p.g_floor_s, p.g_ceiling_s);
        let k = (-a * d / p.t_charge_s).exp();
        if spike && v > 0.0 {
            self.x_pos = 1.0 - (1.0 - self.x_pos) * k;
        } else if spike && v < 0.0 {
            self.x_neg = 1.0 - (1.0 - self.x_neg) * k;
        }
        self.cell.count_reversal(pol);
        self.advance(d);
        let e = common::pulse_energy(v, i0, self.current_a(v), d);
        Ok(e)
    }
    fn advance(&mut self, dt: f64) {
        let dt = common::idle(dt);
        self.x_pos *= (-dt / self.p.tau_trace_pos_s).exp();
        self.x_neg *= (-dt / self.p.tau_trace_neg_s).exp();
    }
    fn current_a(&self, v: f64) -> f64 {
        self.conductance_s() * v
    }
    fn conductance_s(&self) -> f64 {
        self.g_s * self.d2d_scale * self.c2c_scale
    }
}
