//! `astrocyte`: YSZ-encapsulated Pt/Ti/TaOx/Au memristor, and `n-astrocyte`,
//! the same stack without YSZ (Cheng et al., Adv. Electron. Mater. 2021,
//! doi 10.1002/aelm.202100669). Both kinds share this model; they differ only
//! in their parameter files.
//!
//! # State
//! - `s` in [0, 1]: filament state, linear conductance
//!   `G_lin = g_off + s (g_on_eff - g_off)`.
//! - `cycles`: switching cycles seen (a set followed by a reset counts one),
//!   a plain counter so endurance up to 1e11 cycles can be jumped to with
//!   `set_cycles`.
//! - `cycles_since_refresh`: cycles since the last refresh; oxygen-vacancy
//!   depletion grows with it.
//!
//! # I-V
//! `I = a V + b sign(V) |V|^(2+c)` with `a = (1 - beta) G_lin`, `b = beta G_lin / v_n^(1+c)`,
//! and the nonlinearity factor `2 + c = nf0 + nf_delta (N / n_ref_cycles)^nf_exponent`,
//! `N = cycles_since_refresh`. Past `endurance_cycles` the ON/OFF window
//! closes: `g_on_eff = g_off (g_on / g_off)^(min(1, endurance_cycles / cycles))`.
//!
//! # Pulses
//! `V >= v_set_th_v`: `s = 1 - (1 - s) exp(-r_set w)`, `r_set = r_set0 exp((V - v_set_ref_v) / v_slope_v)`;
//! `V <= -v_reset_th_v`: `s = s exp(-r_reset w)`, similarly. Smaller amplitudes
//! give partial (gradual) set/reset; below threshold nothing changes (no
//! volatile part: retention > 1e6 s). A refresh is a pair of opposite pulses of
//! `|V| >= 0.95 v_refresh_v` and width `>= refresh_min_width_s`: when
//! `refresh_enabled` (the YSZ layer re-supplies oxygen), it resets
//! `cycles_since_refresh` to 0, restoring the I-V linearity.
//!
//! # Idle evolution
//! Nothing decays (non-volatile); `advance` is the identity, trivially exact.

use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::common::{self, Check, Rngs};
use super::{Device, DeviceError};

/// Parameters (see `models/params/astrocyte.toml`, `n-astrocyte.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub read_voltage_v: f64,
    pub v_min_v: f64,
    pub v_max_v: f64,
    pub g_on_s: f64,
    pub g_off_s: f64,
    pub s_init: f64,
    pub beta: f64,
    pub v_n_v: f64,
    pub nf0: f64,
    pub nf_delta: f64,
    pub n_ref_cycles: f64,
    pub nf_exponent: f64,
    pub endurance_cycles: f64,
    pub v_set_th_v: f64,
    pub v_set_ref_v: f64,
    pub r_set0_per_s: f64,
    pub v_reset_th_v: f64,
    pub v_reset_ref_v: f64,
    pub r_reset0_per_s: f64,
    pub v_slope_v: f64,
    pub refresh_enabled: bool,
    pub v_refresh_v: f64,
    pub refresh_min_width_s: f64,
    pub c2c_sd: f64,
    pub d2d_sd: f64,
    pub read_noise_sd: f64,
}

impl Params {
    pub fn validate(&self, file: &str) -> Result<(), DeviceError> {
        let c = Check { file };
        c.range("read_voltage_v", self.read_voltage_v, 1e-3, 1.0)?;
        c.range("v_min_v", self.v_min_v, -20.0, -0.1)?;
        c.range("v_max_v", self.v_max_v, 0.1, 20.0)?;
        c.range("g_on_s", self.g_on_s, 1e-12, 1.0)?;
        c.range("g_off_s", self.g_off_s, 1e-12, 1.0)?;
        c.less("g_off_s", self.g_off_s, self.g_on_s, "g_on_s")?;
        c.range("s_init", self.s_init, 0.0, 1.0)?;
        c.range("beta", self.beta, 0.0, 0.99)?;
        c.range("v_n_v", self.v_n_v, 0.01, 10.0)?;
        c.range("nf0", self.nf0, 1.0, 50.0)?;
        c.range("nf_delta", self.nf_delta, 0.0, 50.0)?;
        c.range("n_ref_cycles", self.n_ref_cycles, 1.0, 1e15)?;
        c.range("nf_exponent", self.nf_exponent, 0.0, 5.0)?;
        c.range("endurance_cycles", self.endurance_cycles, 1.0, 1e18)?;
        c.range("v_set_th_v", self.v_set_th_v, 0.0, 20.0)?;
        c.range("v_set_ref_v", self.v_set_ref_v, 0.0, 20.0)?;
        c.range("r_set0_per_s", self.r_set0_per_s, 0.0, 1e15)?;
        c.range("v_reset_th_v", self.v_reset_th_v, 0.0, 20.0)?;
        c.range("v_reset_ref_v", self.v_reset_ref_v, 0.0, 20.0)?;
        c.range("r_reset0_per_s", self.r_reset0_per_s, 0.0, 1e15)?;
        c.range("v_slope_v", self.v_slope_v, 0.01, 10.0)?;
        c.range("v_refresh_v", self.v_refresh_v, 0.1, 20.0)?;
        c.range("refresh_min_width_s", self.refresh_min_width_s, 0.0, 1.0)?;
        c.range("c2c_sd", self.c2c_sd, 0.0, 0.5)?;
        c.range("d2d_sd", self.d2d_sd, 0.0, 0.5)?;
        c.range("read_noise_sd", self.read_noise_sd, 0.0, 0.5)?;
        Ok(())
    }
}

/// One `astrocyte` / `n-astrocyte` device.
#[derive(Debug, Clone)]
pub struct Astrocyte {
    p: Params,
    name: &'static str,
    pub d2d_gain: f64,
    pub s: f64,
    cycles: u64,
    pub cycles_since_refresh: u64,
    last_polarity: i8,
    last_refresh_polarity: i8,
    last_energy_j: f64,
    c2c: ChaCha8Rng,
    read: ChaCha8Rng,
}

impl Astrocyte {
    pub fn new(p: &Params, name: &'static str, seed: u64) -> Self {
        let mut r = Rngs::new(seed);
        let d2d_gain = common::factor(&mut r.d2d, p.d2d_sd);
        Astrocyte {
            p: p.clone(),
            name,
            d2d_gain,
            s: p.s_init,
            cycles: 0,
            cycles_since_refresh: 0,
            last_polarity: 0,
            last_refresh_polarity: 0,
            last_energy_j: 0.0,
            c2c: r.c2c,
            read: r.read,
        }
    }

    /// The I-V nonlinearity factor `2 + c` at the present cycle count.
    pub fn nonlinearity_factor(&self) -> f64 {
        let n = self.cycles_since_refresh as f64;
        self.p.nf0 + self.p.nf_delta * (n / self.p.n_ref_cycles).powf(self.p.nf_exponent)
    }

    fn g_lin(&self) -> f64 {
        let p = &self.p;
        let n = (self.cycles as f64).max(1.0);
        let frac = (p.endurance_cycles / n).min(1.0);
        let g_on = p.g_off_s * (p.g_on_s / p.g_off_s).powf(frac);
        (p.g_off_s + self.s * (g_on - p.g_off_s)) * self.d2d_gain
    }
}

impl Device for Astrocyte {
    fn name(&self) -> &'static str {
        self.name
    }
    fn safe_window_volts(&self) -> (f64, f64) {
        (self.p.v_min_v, self.p.v_max_v)
    }
    fn apply(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        common::check_voltage(self.name, v, self.safe_window_volts())?;
        common::check_duration(self.name, d)?;
        let i0 = self.current_a(v);
        let p = self.p.clone();
        let gain = common::factor(&mut self.c2c, p.c2c_sd);
        let a = v.abs();
        let mut pol = 0i8;
        if v >= p.v_set_th_v {
            let r = p.r_set0_per_s * ((v - p.v_set_ref_v) / p.v_slope_v).min(600.0).exp();
            self.s = 1.0 - (1.0 - self.s) * (-r * d * gain).exp();
            pol = 1;
        } else if v <= -p.v_reset_th_v {
            let r = p.r_reset0_per_s * ((a - p.v_reset_ref_v) / p.v_slope_v).min(600.0).exp();
            self.s *= (-r * d * gain).exp();
            pol = -1;
        }
        if pol == -1 && self.last_polarity == 1 {
            self.cycles = self.cycles.saturating_add(1);
            self.cycles_since_refresh = self.cycles_since_refresh.saturating_add(1);
        }
        if pol != 0 {
            self.last_polarity = pol;
        }
        // refresh pair detection
        if a >= 0.95 * p.v_refresh_v && d >= p.refresh_min_width_s {
            let rp = if v > 0.0 { 1 } else { -1 };
            if self.last_refresh_polarity == -rp {
                if p.refresh_enabled {
                    self.cycles_since_refresh = 0;
                }
                self.last_refresh_polarity = 0;
            } else {
                self.last_refresh_polarity = rp;
            }
        } else if pol != 0 {
            self.last_refresh_polarity = 0;
        }
        let e = common::pulse_energy(v, i0, self.current_a(v), d);
        self.last_energy_j = e;
        Ok(e)
    }
    fn advance(&mut self, _dt: f64) {}
    fn current_a(&self, v: f64) -> f64 {
        let p = &self.p;
        let g = self.g_lin();
        let nf = self.nonlinearity_factor();
        let x = (v.abs() / p.v_n_v).min(1e3);
        let i = g * ((1.0 - p.beta) * v + p.beta * p.v_n_v * v.signum() * x.powf(nf));
        if i.is_finite() {
            i
        } else {
            0.0
        }
    }
    fn read_current_a(&mut self, v: f64) -> f64 {
        self.current_a(v) * (1.0 + self.p.read_noise_sd * common::normal(&mut self.read))
    }
    fn conductance_s(&self) -> f64 {
        let v = self.p.read_voltage_v;
        self.current_a(v) / v
    }
    fn last_pulse_energy_j(&self) -> f64 {
        self.last_energy_j
    }
    fn cycles(&self) -> u64 {
        self.cycles
    }
    fn set_cycles(&mut self, n: u64) {
        self.cycles = n;
        self.cycles_since_refresh = n;
    }
    fn read_voltage_volts(&self) -> f64 {
        self.p.read_voltage_v
    }
}
