//! `ftj-relax`: Au/Cr/BaTiO3(1.6 nm)/Nb:SrTiO3 ferroelectric tunnel junction
//! with bi-directional relaxation (Nie et al., Adv. Mater. 2025,
//! doi 10.1002/adma.202412006).
//!
//! # State
//! - `g_nv_s`: non-volatile conductance (polarization switching + settled
//!   oxygen vacancies), bounded to `[g_min_s, g_max_s]`.
//! - `v1p_s, v2p_s`: volatile potentiation, two mechanisms relaxing with
//!   `tau1_pot_s`, `tau2_pot_s` (the two activation energies, 0.23/0.7 eV).
//! - `v1n_s, v2n_s`: volatile depression, relaxing with `tau1_dep_s`, `tau2_dep_s`.
//! - `theta`: the sliding (BCM) threshold, dimensionless, relaxing with `tau_theta_s`.
//!
//! Read conductance `G = g_nv + v1p + v2p - v1n - v2n` (floored at 1 nS), I-V
//! of a tunnel junction `I = G * v_nl * sinh(V / v_nl)`.
//!
//! # Idle evolution (exact for any dt)
//! `v_k(t + dt) = v_k(t) exp(-dt / tau_k)`, `theta(t + dt) = theta(t) exp(-dt / tau_theta)`.
//! Exponentials compose, so `advance(a); advance(b) == advance(a + b)`.
//!
//! # Pulse `apply(V, w)`, `a = |V|`, `F_w = (w / width_ref_s)^width_exponent`
//! 1. Non-volatile update (before this pulse's own volatile increment):
//!    - `V > 0`, `a > v_th_pot_v`: facilitation `y = (v1p + v2p) / y_ref_s`
//!      (the volatile state left by earlier pulses, so it rises with frequency),
//!      `phi = y - theta - theta_per_siemens * g_nv`,
//!      `x = k_pot * (a - v_th_pot) * F_w * phi * c2c * d2d`
//!      clipped to [-1, 1]; `x >= 0`: `g_nv += x (g_max - g_nv)`, else
//!      `g_nv += x (g_nv - g_min)`. Then `theta += kappa * y^2` (BCM: the
//!      threshold tracks recent activity, so after a 20 Hz train a higher
//!      posterior frequency is needed to potentiate). The threshold also
//!      slides with the weight itself (`theta_per_siemens * g_nv`, BCM's
//!      threshold growing with the postsynaptic activity a larger weight
//!      gives): from a higher initial conductance G0 a higher train
//!      frequency is needed to potentiate (Fig 5c).
//!    - `V < 0`, `a > v_th_dep_v`: `g_nv -= min(1, k_dep (a - v_th_dep) F_w c2c d2d) (g_nv - g_min)`.
//! 2. Volatile increment, linear in amplitude and without threshold (so a V/2
//!    or V/3 disturb gives a partial, relaxing change): `D = a F_w c2c d2d`;
//!    `V > 0`: `v1p += a1_pot D`, `v2p += a2_pot D`; `V < 0`: same with `_dep`.
//! 3. The pulse lasts `w`: the state then relaxes for `w` (idle evolution).
//!
//! Paired pulses: the second pulse sees `y = residual of pulse 1`, so both its
//! volatile residual and its non-volatile gain decay with `tau1`, `tau2`: the
//! paired-pulse index is an exact double exponential with the relaxation times.
//!
//! Energy: trapezoid of `V * I(V)` at the start and end state, times `w`.

use rand_chacha::ChaCha8Rng;

use super::common::{self, cell_params, CellParams, CellState, Seeded};
use super::{Device, DeviceError};

cell_params! {
    /// Parameters (see `models/params/ftj-relax.toml` for sources).
    pub struct Params {
        pub v_nl_v: f64,
        pub g_init_s: f64,
        pub g_min_s: f64,
        pub g_max_s: f64,
        pub width_ref_s: f64,
        pub width_exponent: f64,
        pub a1_pot_s_per_v: f64,
        pub a2_pot_s_per_v: f64,
        pub tau1_pot_s: f64,
        pub tau2_pot_s: f64,
        pub a1_dep_s_per_v: f64,
        pub a2_dep_s_per_v: f64,
        pub tau1_dep_s: f64,
        pub tau2_dep_s: f64,
        pub k_pot_per_v: f64,
        pub v_th_pot_v: f64,
        pub k_dep_per_v: f64,
        pub v_th_dep_v: f64,
        pub y_ref_s: f64,
        pub kappa: f64,
        pub theta_per_siemens: f64,
        pub tau_theta_s: f64,
    }
    window_limit_v = 10.0;
}

impl Params {
    pub fn validate(&self, file: &str) -> Result<(), DeviceError> {
        self.validate_cell(file, |c| {
            c.range("v_nl_v", self.v_nl_v, 0.05, 10.0)?;
            c.ordered(
                ("g_min_s", self.g_min_s),
                ("g_max_s", self.g_max_s),
                1e-12,
                1.0,
            )?;
            c.range("g_init_s", self.g_init_s, self.g_min_s, self.g_max_s)?;
            c.range("width_ref_s", self.width_ref_s, 1e-12, 10.0)?;
            c.range("width_exponent", self.width_exponent, 0.0, 2.0)?;
            for (f, v) in [
                ("a1_pot_s_per_v", self.a1_pot_s_per_v),
                ("a2_pot_s_per_v", self.a2_pot_s_per_v),
                ("a1_dep_s_per_v", self.a1_dep_s_per_v),
                ("a2_dep_s_per_v", self.a2_dep_s_per_v),
            ] {
                c.range(f, v, 0.0, 1.0)?;
            }
            for (f, v) in [
                ("tau1_pot_s", self.tau1_pot_s),
                ("tau2_pot_s", self.tau2_pot_s),
                ("tau1_dep_s", self.tau1_dep_s),
                ("tau2_dep_s", self.tau2_dep_s),
                ("tau_theta_s", self.tau_theta_s),
            ] {
                c.range(f, v, 1e-9, 1e9)?;
            }
            c.range("k_pot_per_v", self.k_pot_per_v, 0.0, 100.0)?;
            c.range("v_th_pot_v", self.v_th_pot_v, 0.0, 10.0)?;
            c.range("k_dep_per_v", self.k_dep_per_v, 0.0, 100.0)?;
            c.range("v_th_dep_v", self.v_th_dep_v, 0.0, 10.0)?;
            c.range("y_ref_s", self.y_ref_s, 1e-12, 1.0)?;
            c.range("kappa", self.kappa, 0.0, 100.0)?;
            c.range("theta_per_siemens", self.theta_per_siemens, 0.0, 1e4)?;
            Ok(())
        })
    }
}

/// One `ftj-relax` device.
#[derive(Debug, Clone)]
pub struct FtjRelax {
    p: Params,
    cell: CellState,
    /// D2D gain on every pulse's effect, drawn once.
    pub d2d_gain: f64,
    pub g_nv_s: f64,
    pub v1p_s: f64,
    pub v2p_s: f64,
    pub v1n_s: f64,
    pub v2n_s: f64,
    pub theta: f64,
    c2c: ChaCha8Rng,
}

impl FtjRelax {
    pub fn new(p: &Params, name: &'static str, seed: u64) -> Self {
        let r = Seeded::new(name, p, seed);
        FtjRelax {
            p: *p,
            cell: r.cell,
            d2d_gain: r.d2d_factor,
            g_nv_s: p.g_init_s,
            v1p_s: 0.0,
            v2p_s: 0.0,
            v1n_s: 0.0,
            v2n_s: 0.0,
            theta: 0.0,
            c2c: r.c2c,
        }
    }

    fn g(&self) -> f64 {
        (self.g_nv_s + self.v1p_s + self.v2p_s - self.v1n_s - self.v2n_s).max(1e-9)
    }
}

impl Device for FtjRelax {
    fn cell(&self) -> &CellState {
        &self.cell
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.cell
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        let i0 = self.current_a(v);
        let p = &self.p;
        let a = v.abs();
        let fw = (d / p.width_ref_s).powf(p.width_exponent);
        let c2c = common::factor(&mut self.c2c, p.c2c_sd);
        let gain = c2c * self.d2d_gain;
        if v > 0.0 && a > p.v_th_pot_v {
            let y = (self.v1p_s + self.v2p_s) / p.y_ref_s;
            let phi = y - self.theta - p.theta_per_siemens * self.g_nv_s;
            let x = (p.k_pot_per_v * (a - p.v_th_pot_v) * fw * phi * gain).clamp(-1.0, 1.0);
            if x >= 0.0 {
                self.g_nv_s += x * (p.g_max_s - self.g_nv_s);
            } else {
                self.g_nv_s += x * (self.g_nv_s - p.g_min_s);
            }
            self.theta += p.kappa * y * y;
        } else if v < 0.0 && a > p.v_th_dep_v {
            let x = (p.k_dep_per_v * (a - p.v_th_dep_v) * fw * gain).min(1.0);
            self.g_nv_s -= x * (self.g_nv_s - p.g_min_s);
        }
        let dv = a * fw * gain;
        if v > 0.0 {
            self.v1p_s += p.a1_pot_s_per_v * dv;
            self.v2p_s += p.a2_pot_s_per_v * dv;
        } else if v < 0.0 {
            self.v1n_s += p.a1_dep_s_per_v * dv;
            self.v2n_s += p.a2_dep_s_per_v * dv;
        }
        // A cycle is a potentiation followed by a depression (or back).
        let pol = if v > p.v_th_pot_v {
            1
        } else if v < -p.v_th_dep_v {
            -1
        } else {
            0
        };
        self.cell.count_reversal(pol);
        self.advance(d);
        let e = common::pulse_energy(v, i0, self.current_a(v), d);
        Ok(e)
    }
    fn advance(&mut self, dt: f64) {
        let dt = common::idle(dt);
        let p = &self.p;
        self.v1p_s *= (-dt / p.tau1_pot_s).exp();
        self.v2p_s *= (-dt / p.tau2_pot_s).exp();
        self.v1n_s *= (-dt / p.tau1_dep_s).exp();
        self.v2n_s *= (-dt / p.tau2_dep_s).exp();
        self.theta *= (-dt / p.tau_theta_s).exp();
    }
    fn current_a(&self, v: f64) -> f64 {
        self.g() * self.p.v_nl_v * (v / self.p.v_nl_v).sinh()
    }
}
