//! `otj`: Pt/SrTiO3(2.8 nm)/Nb:SrTiO3 oxide tunnel junction (Li et al.,
//! ACS Appl. Mater. Interfaces 2019, doi 10.1021/acsami.9b13434).
//!
//! # State
//! - `u` in [0, 1]: non-volatile state on a logarithmic conductance axis,
//!   `G_nv = g_hrs * (g_lrs / g_hrs)^u` (HRS 1.8e8 ohm, LRS 2.7e4 ohm).
//! - `x_pos`, `x_neg` in [0, 1]: short-term memory (STM) traces left by
//!   positive / negative spikes (mobile oxygen vacancies that have not yet
//!   settled), relaxing as `exp(-t / tau_stm_pos_s)` / `exp(-t / tau_stm_neg_s)`.
//!
//! Read conductance `G = G_nv (1 + m_stm (x_pos - x_neg))` (floored), I-V of
//! the tunnel barrier `I = G v_nl sinh(V / v_nl)`. After a spike the current
//! relaxes as `I0 exp(-t / tau)` back to the non-volatile level (STM).
//!
//! # Idle evolution (exact for any dt)
//! `x(t + dt) = x(t) exp(-dt / tau)`; `u` does not decay (retention > 1e4 s).
//!
//! # Pulse `apply(V, w)`
//! 1. Consolidation of the opposite trace (STDP): a pulse of `|V| >= v_cons_min_v`
//!    that is positive while `x_neg > 0` depresses, `G_nv *= 1 - k_dep_cons x_neg`;
//!    negative while `x_pos > 0` it potentiates, `G_nv *= 1 + k_pot_cons x_pos`
//!    (times the C2C/D2D gain). With pre spike `+V_s` and post spike `-V_s`
//!    this gives `dW = A exp(-dt / tau_stm)`: the STDP window. Smaller pulses
//!    (reads, V/2 and V/3 half-select disturbs) charge the trace (STM) but
//!    never consolidate it.
//!
//! 1b. Consolidation by repetition (STM -> LTM by frequency): a second trace
//!    `y_pos` / `y_neg` in [0, 1] is charged only by pulses of
//!    `|V| >= v_rep_min_v` (as `x`, same time constants). While it is above
//!    `x_rep_th` during such a pulse the state moves by
//!    `du = +-k_rep_per_s * integral of (y(t) - x_rep_th) dt` over the pulse
//!    (closed form; a pulse split into segments gives the same change),
//!    times the C2C/D2D gain. Pulses close enough together that the trace
//!    builds up (1.5 V, 50 ns at 5 MHz) thus leave a lasting change; the
//!    same pulses at 0.5 MHz (the trace decays between them), smaller ones
//!    (0.9 V) and lone spikes leave STM only: the 5x5 array experiment (E5).
//! 2. Field-driven switching (LTM):
//!    `V >= v_set_th_v` (fast set, from the pulse's start):
//!    `u = 1 - (1 - u) exp(-r_set w)`, `r_set = r_set0 exp((V - v_set_ref_v) / v_slope_v)`;
//!    `V <= -v_reset_th_v`: `u = u exp(-r_reset w)`, `r_reset = r_reset0 exp((|V| - v_reset_ref_v) / v_slope_v)`.
//!    `v_slow_min_v <= V < v_set_th_v` (slow set): only the part of a
//!    rectangular pulse after its first `t_inc_slow_s` switches (incubation),
//!    at `r_slow = r_set(v_set_th_v) exp((V - v_set_th_v) / v_slow_slope_v)`.
//!    The incubation runs over consecutive `apply` segments of the same
//!    amplitude (a pulse split into segments acts as the pulse) and restarts
//!    when the amplitude changes or the device idles, so a slowly varying
//!    waveform (a tail sampled in steps) does not incubate. Hence 20 ns spikes
//!    switch only from 1.8 V (text), 50 ns pulses of 0.9 - 1.5 V (the E5
//!    letters, the +-1.2 V STDP spikes) leave STM only, and single 100 ns
//!    spikes from 0.9 V up leave a lasting change growing with amplitude
//!    (Fig 3a). Below `v_slow_min_v` (reads, V/2 and V/3 disturbs) only the
//!    STM trace changes.
//! 3. The own trace charges: `x = 1 - (1 - x) exp(-(|V| / 1 V) w / t_charge_s)`.
//! 4. The state relaxes for the pulse duration `w`.
//!
//! Energy: trapezoid of `V * I(V)` at the start and end state, times `w`.

use rand_chacha::ChaCha8Rng;

use super::common::{self, cell_params, CellParams, CellState, Seeded};
use super::{Device, DeviceError};

cell_params! {
    /// Parameters (see `models/params/otj.toml`).
    pub struct Params {
        pub v_nl_v: f64,
        pub r_hrs_ohm: f64,
        pub r_lrs_ohm: f64,
        pub g_init_s: f64,
        pub v_set_th_v: f64,
        pub v_slow_min_v: f64,
        pub t_inc_slow_s: f64,
        pub v_slow_slope_v: f64,
        pub v_set_ref_v: f64,
        pub r_set0_per_s: f64,
        pub v_reset_th_v: f64,
        pub v_reset_ref_v: f64,
        pub r_reset0_per_s: f64,
        pub v_slope_v: f64,
        pub t_charge_s: f64,
        pub tau_stm_pos_s: f64,
        pub tau_stm_neg_s: f64,
        pub m_stm: f64,
        pub k_pot_cons: f64,
        pub k_dep_cons: f64,
        pub v_cons_min_v: f64,
        pub v_rep_min_v: f64,
        pub x_rep_th: f64,
        pub k_rep_per_s: f64,
    }
    window_limit_v = 10.0;
}

impl Params {
    pub fn validate(&self, file: &str) -> Result<(), DeviceError> {
        self.validate_cell(file, |c| {
            c.range("v_nl_v", self.v_nl_v, 0.05, 10.0)?;
            c.ordered(
                ("r_lrs_ohm", self.r_lrs_ohm),
                ("r_hrs_ohm", self.r_hrs_ohm),
                1.0,
                1e12,
            )?;
            c.range(
                "g_init_s",
                self.g_init_s,
                1.0 / self.r_hrs_ohm,
                1.0 / self.r_lrs_ohm,
            )?;
            c.range("v_set_th_v", self.v_set_th_v, 0.0, 10.0)?;
            c.range("v_slow_min_v", self.v_slow_min_v, 0.0, 10.0)?;
            c.less(
                "v_slow_min_v",
                self.v_slow_min_v,
                self.v_set_th_v,
                "v_set_th_v",
            )?;
            c.range("t_inc_slow_s", self.t_inc_slow_s, 0.0, 1.0)?;
            c.range("v_slow_slope_v", self.v_slow_slope_v, 0.01, 10.0)?;
            c.range("v_set_ref_v", self.v_set_ref_v, 0.0, 10.0)?;
            c.range("r_set0_per_s", self.r_set0_per_s, 0.0, 1e15)?;
            c.range("v_reset_th_v", self.v_reset_th_v, 0.0, 10.0)?;
            c.range("v_reset_ref_v", self.v_reset_ref_v, 0.0, 10.0)?;
            c.range("r_reset0_per_s", self.r_reset0_per_s, 0.0, 1e15)?;
            c.range("v_slope_v", self.v_slope_v, 0.01, 10.0)?;
            c.range("t_charge_s", self.t_charge_s, 1e-12, 1.0)?;
            c.range("tau_stm_pos_s", self.tau_stm_pos_s, 1e-12, 1e6)?;
            c.range("tau_stm_neg_s", self.tau_stm_neg_s, 1e-12, 1e6)?;
            c.range("m_stm", self.m_stm, 0.0, 10.0)?;
            c.range("k_pot_cons", self.k_pot_cons, 0.0, 100.0)?;
            c.range("k_dep_cons", self.k_dep_cons, 0.0, 100.0)?;
            c.range("v_cons_min_v", self.v_cons_min_v, 0.0, 10.0)?;
            c.range("v_rep_min_v", self.v_rep_min_v, 0.0, 10.0)?;
            c.range("x_rep_th", self.x_rep_th, 0.0, 1.0)?;
            c.range("k_rep_per_s", self.k_rep_per_s, 0.0, 1e12)?;
            Ok(())
        })
    }
}

/// `integral_0^d max(0, y(t) - th) dt` for `y(t) = 1 - (1 - y0) exp(-t / t_c)`.
fn excess_integral_s(y0: f64, th: f64, t_c: f64, d: f64) -> f64 {
    if th >= 1.0 || d <= 0.0 {
        return 0.0;
    }
    // time at which y reaches th (0 if already above)
    let t_star = if y0 >= th {
        0.0
    } else {
        t_c * ((1.0 - y0) / (1.0 - th)).ln()
    };
    if t_star >= d {
        return 0.0;
    }
    let y_star = y0.max(th);
    let span = d - t_star;
    // integral of (1 - th) - (1 - y_star) exp(-t / t_c) over [0, span]
    (1.0 - th) * span - (1.0 - y_star) * t_c * (1.0 - (-span / t_c).exp())
}

/// One `otj` device.
#[derive(Debug, Clone)]
pub struct Otj {
    p: Params,
    cell: CellState,
    pub d2d_gain: f64,
    pub u: f64,
    pub x_pos: f64,
    pub x_neg: f64,
    pub y_pos: f64,
    pub y_neg: f64,
    /// Amplitude and elapsed time of the rectangular pulse being applied
    /// (slow-set incubation); `on_s = 0` when idle.
    on_v: f64,
    on_s: f64,
    c2c: ChaCha8Rng,
}

impl Otj {
    pub fn new(p: &Params, name: &'static str, seed: u64) -> Self {
        let r = Seeded::new(name, p, seed);
        let mut d = Otj {
            p: *p,
            cell: r.cell,
            d2d_gain: r.d2d_factor,
            u: 0.0,
            x_pos: 0.0,
            x_neg: 0.0,
            y_pos: 0.0,
            y_neg: 0.0,
            on_v: 0.0,
            on_s: 0.0,
            c2c: r.c2c,
        };
        d.u = d.u_of(p.g_init_s);
        d
    }

    fn ln_ratio(&self) -> f64 {
        (self.p.r_hrs_ohm / self.p.r_lrs_ohm).ln()
    }
    fn u_of(&self, g: f64) -> f64 {
        ((g * self.p.r_hrs_ohm).ln() / self.ln_ratio()).clamp(0.0, 1.0)
    }
    /// Non-volatile conductance in siemens (no STM).
    pub fn g_nv_s(&self) -> f64 {
        (self.u * self.ln_ratio()).exp() / self.p.r_hrs_ohm
    }
    fn g(&self) -> f64 {
        self.g_nv_s() * (1.0 + self.p.m_stm * (self.x_pos - self.x_neg)).max(0.01)
    }
}

impl Device for Otj {
    fn cell(&self) -> &CellState {
        &self.cell
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.cell
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        let i0 = self.current_a(v);
        let gain = common::factor(&mut self.c2c, self.p.c2c_sd) * self.d2d_gain;
        let p = self.p;
        let a = v.abs();
        // 1. consolidation of the opposite-polarity STM trace
        if a >= p.v_cons_min_v {
            if v > 0.0 && self.x_neg > 0.0 {
                let f = (1.0 - p.k_dep_cons * self.x_neg * gain).max(1e-6);
                self.u = self.u_of(self.g_nv_s() * f);
            } else if v < 0.0 && self.x_pos > 0.0 {
                let f = 1.0 + p.k_pot_cons * self.x_pos * gain;
                self.u = self.u_of(self.g_nv_s() * f);
            }
        }
        // 1b. consolidation of the own-polarity trace by repetition
        if a >= p.v_rep_min_v {
            let t_c = p.t_charge_s / a;
            let y = if v > 0.0 {
                &mut self.y_pos
            } else {
                &mut self.y_neg
            };
            let excess = excess_integral_s(*y, p.x_rep_th, t_c, d);
            *y = 1.0 - (1.0 - *y) * (-d / t_c).exp();
            let du = p.k_rep_per_s * excess * gain;
            self.u = (self.u + v.signum() * du).clamp(0.0, 1.0);
        }
        // incubation clock of the rectangular pulse this segment belongs to
        let on0 = if self.on_s > 0.0 && v == self.on_v {
            self.on_s
        } else {
            0.0
        };
        // 2. field-driven (long-term) switching
        if v >= p.v_slow_min_v && v < p.v_set_th_v {
            // slow set: only after the incubation time of the pulse
            let t_sw = (on0 + d - on0.max(p.t_inc_slow_s)).max(0.0);
            if t_sw > 0.0 {
                let r_th = p.r_set0_per_s * ((p.v_set_th_v - p.v_set_ref_v) / p.v_slope_v).exp();
                let r = r_th * ((v - p.v_set_th_v) / p.v_slow_slope_v).exp();
                self.u = 1.0 - (1.0 - self.u) * (-r * t_sw * gain).exp();
            }
        } else if v >= p.v_set_th_v {
            let r = common::switching_rate_per_s(p.r_set0_per_s, v, p.v_set_ref_v, p.v_slope_v);
            self.u = 1.0 - (1.0 - self.u) * (-r * d * gain).exp();
        } else if v <= -p.v_reset_th_v {
            let r = common::switching_rate_per_s(p.r_reset0_per_s, a, p.v_reset_ref_v, p.v_slope_v);
            self.u *= (-r * d * gain).exp();
        }
        // 3. own STM trace
        let k = (-(a / 1.0) * d / p.t_charge_s).exp();
        if v > 0.0 {
            self.x_pos = 1.0 - (1.0 - self.x_pos) * k;
        } else if v < 0.0 {
            self.x_neg = 1.0 - (1.0 - self.x_neg) * k;
        }
        let pol = if v >= p.v_set_th_v {
            1
        } else if v <= -p.v_reset_th_v {
            -1
        } else {
            0
        };
        self.cell.count_reversal(pol);
        self.advance(d);
        // the pulse goes on in the next segment unless the device idles
        self.on_v = v;
        self.on_s = on0 + d;
        let e = common::pulse_energy(v, i0, self.current_a(v), d);
        Ok(e)
    }
    fn advance(&mut self, dt: f64) {
        let dt = common::idle(dt);
        if dt > 0.0 {
            self.on_s = 0.0;
        }
        let (kp, kn) = (
            (-dt / self.p.tau_stm_pos_s).exp(),
            (-dt / self.p.tau_stm_neg_s).exp(),
        );
        self.x_pos *= kp;
        self.x_neg *= kn;
        self.y_pos *= kp;
        self.y_neg *= kn;
    }
    fn current_a(&self, v: f64) -> f64 {
        self.g() * self.p.v_nl_v * (v / self.p.v_nl_v).sinh()
    }
}
