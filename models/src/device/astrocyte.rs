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
//! and the nonlinearity factor `2 + c = nf0 + nf_delta H(N) / H(n_ref_cycles)`,
//! `N = cycles_since_refresh`, with the saturating rise
//! `H(N) = x^k / (1 + x^k)`, `x = N / n_half_cycles`, `k = nf_exponent`:
//! flat while `N << n_half_cycles`, half its rise at `n_half_cycles`, and
//! `nf0 + nf_delta` at `n_ref_cycles`. A very large `n_half_cycles` makes it
//! the power law `nf0 + nf_delta (N / n_ref_cycles)^k`.
//!
//! # ON/OFF window
//! `g_on_eff = g_off (g_on / g_off)^q`, `q = max(0, 1 - onoff_decay_per_decade
//! log10 N) min(1, endurance_cycles / N)`, `N = cycles`: the window shrinks by
//! a fixed fraction of `ln(ON/OFF)` per decade of cycling, and closes past
//! `endurance_cycles` (the paper's endurance, a lower bound: the model claims
//! no more).
//!
//! # Pulses
//! `V >= v_set_th_v`: `s = 1 - (1 - s) exp(-r_set w)`, `r_set = r_set0 exp((V - v_set_ref_v) / v_slope_v)`;
//! `V <= -v_reset_th_v`: the filament dissolves toward a voltage-dependent
//! floor `s_eq(V) = clamp((v_reset_ref_v - |V|) / (v_reset_ref_v - v_reset_th_v), 0, 1)`,
//! `s = s_eq + (s - s_eq) exp(-r_reset w)` while `s > s_eq`, `r_reset` as for
//! set. The floor is the self-limiting gap of filamentary reset: the gap
//! grows until the field across it falls below the dissolution threshold, so
//! the stop voltage of a reset sweep sets the state (gradual reset by sweep
//! voltage) and repeating the same sweep changes nothing; the paper's reset
//! amplitude `v_reset_ref_v` dissolves fully. Smaller set amplitudes give a
//! partial set; below threshold nothing changes (no volatile part:
//! retention > 1e6 s).
//!
//! # Compliance current (gradual set)
//! `apply_compliance(V, w, I_cc)` models a source-measure unit whose voltage
//! source turns into a current limit at `|I| = I_cc`. A set then runs in two
//! phases: unlimited (closed form above) until `G_lin f(V) = I_cc`, with
//! `f(V) = (1 - beta) V + beta v_n (V / v_n)^(2+c)` the I-V shape; then
//! compliance-limited, the device voltage `V_eff(s)` solving
//! `G_lin(s) f(V_eff) = I_cc` and falling as the filament grows, so
//! `ds/dt = r_set(V_eff(s)) (1 - s)` is integrated by quadrature of
//! `dt = ds / (ds/dt)` until the pulse ends or `V_eff` reaches `v_set_th_v`.
//! The set therefore stops at `G_lin f(v_set_th_v) = I_cc`: the LRS
//! conductance grows in proportion to the compliance current (gradual set by
//! compliance current). The reset polarity is held at its starting
//! compliance-limited voltage (the current only falls while resetting). A refresh is a pair of opposite pulses of
//! `|V| >= 0.95 v_refresh_v` and width `>= refresh_min_width_s`: when
//! `refresh_enabled` (the YSZ layer re-supplies oxygen), it resets
//! `cycles_since_refresh` to 0, restoring the I-V linearity.
//!
//! # Idle evolution
//! Nothing decays (non-volatile); `advance` is the identity, trivially exact.

use rand_chacha::ChaCha8Rng;

use super::common::{self, cell_params, CellParams, CellState, Seeded};
use super::{Device, DeviceError};

cell_params! {
    /// Parameters (see `models/params/astrocyte.toml`, `n-astrocyte.toml`).
    pub struct Params {
        pub g_on_s: f64,
        pub g_off_s: f64,
        pub s_init: f64,
        pub beta: f64,
        pub v_n_v: f64,
        pub nf0: f64,
        pub nf_delta: f64,
        pub n_ref_cycles: f64,
        pub n_half_cycles: f64,
        pub nf_exponent: f64,
        pub endurance_cycles: f64,
        pub onoff_decay_per_decade: f64,
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
    }
    window_limit_v = 20.0;
}

impl Params {
    pub fn validate(&self, file: &str) -> Result<(), DeviceError> {
        self.validate_cell(file, |c| {
            c.range("g_on_s", self.g_on_s, 1e-12, 1.0)?;
            c.range("g_off_s", self.g_off_s, 1e-12, 1.0)?;
            c.less("g_off_s", self.g_off_s, self.g_on_s, "g_on_s")?;
            c.range("s_init", self.s_init, 0.0, 1.0)?;
            c.range("beta", self.beta, 0.0, 0.99)?;
            c.range("v_n_v", self.v_n_v, 0.01, 10.0)?;
            c.range("nf0", self.nf0, 1.0, 50.0)?;
            c.range("nf_delta", self.nf_delta, 0.0, 50.0)?;
            c.range("n_ref_cycles", self.n_ref_cycles, 1.0, 1e15)?;
            c.range("n_half_cycles", self.n_half_cycles, 1.0, 1e18)?;
            c.range("nf_exponent", self.nf_exponent, 0.0, 5.0)?;
            c.range("endurance_cycles", self.endurance_cycles, 1.0, 1e18)?;
            c.range(
                "onoff_decay_per_decade",
                self.onoff_decay_per_decade,
                0.0,
                1.0,
            )?;
            c.range("v_set_th_v", self.v_set_th_v, 0.0, 20.0)?;
            c.range("v_set_ref_v", self.v_set_ref_v, 0.0, 20.0)?;
            c.range("r_set0_per_s", self.r_set0_per_s, 0.0, 1e15)?;
            c.range("v_reset_th_v", self.v_reset_th_v, 0.0, 20.0)?;
            c.range("v_reset_ref_v", self.v_reset_ref_v, 0.0, 20.0)?;
            c.less(
                "v_reset_th_v",
                self.v_reset_th_v,
                self.v_reset_ref_v,
                "v_reset_ref_v",
            )?;
            c.range("r_reset0_per_s", self.r_reset0_per_s, 0.0, 1e15)?;
            c.range("v_slope_v", self.v_slope_v, 0.01, 10.0)?;
            c.range("v_refresh_v", self.v_refresh_v, 0.1, 20.0)?;
            c.range("refresh_min_width_s", self.refresh_min_width_s, 0.0, 1.0)?;
            Ok(())
        })
    }
}

/// The nonlinearity factor `2 + c` after `n` cycles since the last refresh
/// (see the module doc).
pub fn nonlinearity_factor_at(p: &Params, n: f64) -> f64 {
    let k = p.nf_exponent;
    let n = n.max(0.0);
    // H(n) / H(n_ref), written so that neither ratio overflows
    let rise = (n / p.n_ref_cycles).powf(k) * (1.0 + (p.n_ref_cycles / p.n_half_cycles).powf(k))
        / (1.0 + (n / p.n_half_cycles).powf(k));
    p.nf0 + p.nf_delta * rise
}

/// Exponent `q` of the ON/OFF window after `n` switching cycles:
/// `ON/OFF(n) = (g_on / g_off)^q` (see the module doc).
pub fn window_exponent(p: &Params, n: f64) -> f64 {
    let n = n.max(1.0);
    let decay = (1.0 - p.onoff_decay_per_decade * n.log10()).max(0.0);
    decay * (p.endurance_cycles / n).min(1.0)
}

/// One `astrocyte` / `n-astrocyte` device.
#[derive(Debug, Clone)]
pub struct Astrocyte {
    p: Params,
    cell: CellState,
    pub d2d_gain: f64,
    pub s: f64,
    pub cycles_since_refresh: u64,
    last_refresh_polarity: i8,
    c2c: ChaCha8Rng,
}

impl Astrocyte {
    pub fn new(p: &Params, name: &'static str, seed: u64) -> Self {
        let r = Seeded::new(name, p, seed);
        Astrocyte {
            p: *p,
            cell: r.cell,
            d2d_gain: r.d2d_factor,
            s: p.s_init,
            cycles_since_refresh: 0,
            last_refresh_polarity: 0,
            c2c: r.c2c,
        }
    }

    /// The I-V nonlinearity factor `2 + c` at the present cycle count.
    pub fn nonlinearity_factor(&self) -> f64 {
        nonlinearity_factor_at(&self.p, self.cycles_since_refresh as f64)
    }

    /// LRS conductance left by the cycling decay and the endurance closure
    /// of the window.
    fn g_on_eff(&self) -> f64 {
        let p = &self.p;
        p.g_off_s * (p.g_on_s / p.g_off_s).powf(window_exponent(p, self.cell.cycles as f64))
    }

    /// Linear conductance `G_lin` at filament state `s`.
    fn g_lin_at(&self, s: f64) -> f64 {
        (self.p.g_off_s + s * (self.g_on_eff() - self.p.g_off_s)) * self.d2d_gain
    }

    fn g_lin(&self) -> f64 {
        self.g_lin_at(self.s)
    }

    /// Filament state at which `G_lin` equals `g` (may fall outside [0, 1]).
    fn s_at_g_lin(&self, g: f64) -> f64 {
        (g / self.d2d_gain - self.p.g_off_s) / (self.g_on_eff() - self.p.g_off_s)
    }

    /// I-V shape `f(|V|)`: current per siemens of `G_lin` (increasing in |V|).
    fn iv_shape(&self, v_abs: f64) -> f64 {
        let p = &self.p;
        let x = (v_abs / p.v_n_v).min(1e3);
        (1.0 - p.beta) * v_abs + p.beta * p.v_n_v * x.powf(self.nonlinearity_factor())
    }

    /// Voltage magnitude in `[0, v_abs_max]` at which a device of linear
    /// conductance `g` carries `i_a` (bisection on the monotone I-V shape).
    fn voltage_at_current(&self, g: f64, i_a: f64, v_abs_max: f64) -> f64 {
        let target = i_a / g;
        if self.iv_shape(v_abs_max) <= target {
            return v_abs_max;
        }
        let (mut lo, mut hi) = (0.0, v_abs_max);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if self.iv_shape(mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    fn set_rate_per_s(&self, v_abs: f64) -> f64 {
        let p = &self.p;
        common::switching_rate_per_s(p.r_set0_per_s, v_abs, p.v_set_ref_v, p.v_slope_v)
    }

    fn reset_rate_per_s(&self, v_abs: f64) -> f64 {
        let p = &self.p;
        common::switching_rate_per_s(p.r_reset0_per_s, v_abs, p.v_reset_ref_v, p.v_slope_v)
    }

    /// Filament state that a reset at `|V| = v_abs` dissolves down to.
    fn reset_floor(&self, v_abs: f64) -> f64 {
        let p = &self.p;
        ((p.v_reset_ref_v - v_abs) / (p.v_reset_ref_v - p.v_reset_th_v)).clamp(0.0, 1.0)
    }

    /// Filament change of a pulse at `v` volts held `d` seconds, with the
    /// C2C factor `gain` on the rates; returns the polarity (+1 set, -1 reset,
    /// 0 below both thresholds).
    fn switch(&mut self, v: f64, d: f64, gain: f64) -> i8 {
        let p = &self.p;
        if v >= p.v_set_th_v {
            let r = self.set_rate_per_s(v);
            self.s = 1.0 - (1.0 - self.s) * (-r * d * gain).exp();
            1
        } else if v <= -p.v_reset_th_v {
            let a = -v;
            let floor = self.reset_floor(a);
            if self.s > floor {
                let r = self.reset_rate_per_s(a);
                self.s = floor + (self.s - floor) * (-r * d * gain).exp();
            }
            -1
        } else {
            0
        }
    }

    /// Count a cycle on a set -> reset transition.
    fn note_polarity(&mut self, pol: i8) {
        if pol == -1 && self.cell.last_polarity == 1 {
            self.cell.cycles = self.cell.cycles.saturating_add(1);
            self.cycles_since_refresh = self.cycles_since_refresh.saturating_add(1);
        }
        if pol != 0 {
            self.cell.last_polarity = pol;
        }
    }

    /// Compliance-limited set at `v > 0` (see the module doc); returns the
    /// energy dissipated in the device in joules.
    fn set_with_compliance(&mut self, v: f64, d: f64, i_cc: f64, gain: f64) -> f64 {
        let th = self.p.v_set_th_v;
        let s_c = self.s_at_g_lin(i_cc / self.iv_shape(v));
        let mut t = 0.0;
        let mut e = 0.0;
        // Unlimited phase: full voltage until the current reaches I_cc.
        if self.s < s_c {
            let i0 = self.current_a(v);
            if v < th {
                return v * i0 * d;
            }
            let r = self.set_rate_per_s(v) * gain;
            let t_c = if s_c >= 1.0 || r <= 0.0 {
                f64::INFINITY
            } else {
                ((1.0 - self.s) / (1.0 - s_c)).ln() / r
            };
            if t_c >= d {
                self.switch(v, d, gain);
                return common::pulse_energy(v, i0, self.current_a(v), d);
            }
            self.s = s_c;
            t = t_c;
            e += common::pulse_energy(v, i0, self.current_a(v), t_c);
        }
        // Limited phase: V_eff(s) falls from v toward the set threshold.
        let v_eff = |dev: &Self, s: f64| dev.voltage_at_current(dev.g_lin_at(s), i_cc, v);
        let s_star = self.s_at_g_lin(i_cc / self.iv_shape(th)).min(1.0);
        if self.s < s_star && v_eff(self, self.s) >= th {
            const K: usize = 256;
            let s0 = self.s;
            let h = (s_star - s0) / K as f64;
            let rate = |dev: &Self, s: f64| {
                let ve = v_eff(dev, s).max(th);
                (dev.set_rate_per_s(ve) * gain * (1.0 - s), ve)
            };
            let (mut f_prev, mut ve_prev) = rate(self, s0);
            for k in 1..=K {
                let s_k = s0 + h * k as f64;
                let (f_k, ve_k) = rate(self, s_k);
                let dt = 0.5 * h * (1.0 / f_prev + 1.0 / f_k);
                if t + dt >= d {
                    let frac = (d - t) / dt;
                    self.s = s_k - h + h * frac;
                    e += 0.5 * (ve_prev + ve_k) * i_cc * (d - t);
                    return e;
                }
                t += dt;
                e += 0.5 * (ve_prev + ve_k) * i_cc * dt;
                f_prev = f_k;
                ve_prev = ve_k;
            }
            self.s = s_star;
        }
        // Rest of the pulse at the compliance limit, below the set threshold.
        let ve = v_eff(self, self.s);
        e + ve * self.current_a(ve).min(i_cc) * (d - t)
    }
}

impl Device for Astrocyte {
    fn cell(&self) -> &CellState {
        &self.cell
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.cell
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        let i0 = self.current_a(v);
        let p = self.p;
        let gain = common::factor(&mut self.c2c, p.c2c_sd);
        let a = v.abs();
        let pol = self.switch(v, d, gain);
        self.note_polarity(pol);
        // refresh pair detection
        // (a width within 1 ppm of the minimum counts: pulse widths made of
        // clock periods carry rounding)
        if a >= 0.95 * p.v_refresh_v && d >= p.refresh_min_width_s * (1.0 - 1e-6) {
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
        Ok(e)
    }
    fn apply_compliance(&mut self, v: f64, d: f64, i_cc_a: f64) -> Result<f64, DeviceError> {
        common::check_voltage(self.cell.name, v, self.safe_window_volts())?;
        common::check_duration(self.cell.name, d)?;
        common::check_compliance(self.cell.name, i_cc_a)?;
        let gain = common::factor(&mut self.c2c, self.p.c2c_sd);
        let e = if v > 0.0 {
            let started_above =
                self.voltage_at_current(self.g_lin(), i_cc_a, v) >= self.p.v_set_th_v;
            let e = self.set_with_compliance(v, d, i_cc_a, gain);
            self.note_polarity(if started_above { 1 } else { 0 });
            e
        } else {
            let v_eff = -self.voltage_at_current(self.g_lin(), i_cc_a, -v);
            let i0 = self.current_a(v_eff);
            let pol = self.switch(v_eff, d, gain);
            self.note_polarity(pol);
            common::pulse_energy(v_eff, i0, self.current_a(v_eff), d)
        };
        self.last_refresh_polarity = 0;
        self.cell.last_energy_j = e;
        Ok(e)
    }
    fn advance(&mut self, _dt: f64) {}
    fn current_a(&self, v: f64) -> f64 {
        let i = self.g_lin() * v.signum() * self.iv_shape(v.abs());
        if i.is_finite() {
            i
        } else {
            0.0
        }
    }
    fn set_cycles(&mut self, n: u64) {
        self.cell.cycles = n;
        self.cycles_since_refresh = n;
    }
}
