//! Small hand-made devices for the array / front-end tests (included by the
//! `frontend_*` test files with `#[path]`). Each is exact and closed-form, so
//! tests can compute expected values by hand.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use neuroxbar_models::device::{CellState, Device, DeviceError};
use rand::SeedableRng;

/// The bookkeeping of a test device: a (-5, 5) V window, read at 0.1 V,
/// no read noise.
pub fn state(name: &'static str) -> CellState {
    CellState::new(
        name,
        (-5.0, 5.0),
        0.1,
        0.0,
        rand_chacha::ChaCha8Rng::seed_from_u64(0),
    )
}

/// Linear resistor whose conductance drifts linearly with held volt-seconds:
/// `apply(V, d)`: `g += k V d`, energy `V^2 (g0 d + k V d^2 / 2)` (exact), one
/// cycle per pulse;
/// `advance(dt)`: `g` relaxes toward `g_rest` with `tau_s` (exact, additive).
/// Read: `I = g V`.
#[derive(Clone, Debug)]
pub struct Linear {
    pub g_s: f64,
    pub g_rest_s: f64,
    pub k_s_per_vs: f64,
    pub tau_s: f64,
    pub state: CellState,
}

impl Linear {
    pub fn resistor(g_s: f64) -> Self {
        Linear {
            g_s,
            g_rest_s: g_s,
            k_s_per_vs: 0.0,
            tau_s: f64::INFINITY,
            state: state("test-linear"),
        }
    }
    pub fn drifting(g_s: f64, k_s_per_vs: f64, tau_s: f64) -> Self {
        Linear {
            k_s_per_vs,
            tau_s,
            ..Self::resistor(g_s)
        }
    }
}

impl Device for Linear {
    fn cell(&self) -> &CellState {
        &self.state
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.state
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        let e = v * v * (self.g_s * d + self.k_s_per_vs * v * d * d / 2.0);
        self.g_s += self.k_s_per_vs * v * d;
        self.state.cycles += 1;
        Ok(e)
    }
    fn advance(&mut self, dt: f64) {
        if dt > 0.0 && self.tau_s.is_finite() {
            self.g_s = self.g_rest_s + (self.g_s - self.g_rest_s) * (-dt / self.tau_s).exp();
        }
    }
    fn current_a(&self, v: f64) -> f64 {
        self.g_s * v
    }
    fn conductance_s(&self) -> f64 {
        self.g_s
    }
}

/// Nonlinear threshold device: `I = a V + b V^3`. Above `|V| > v_th_volts`
/// the linear term moves: `a += k (|V| - v_th) sign(V) d`; below threshold
/// nothing changes (no disturb). Energy: trapezoid `V (I0 + I1)/2 d`.
#[derive(Clone, Debug)]
pub struct Cubic {
    pub a_s: f64,
    pub b_a_per_v3: f64,
    pub v_th_volts: f64,
    pub k: f64,
    pub state: CellState,
}

impl Cubic {
    pub fn new(a_s: f64, b_a_per_v3: f64, v_th_volts: f64, k: f64) -> Self {
        Cubic {
            a_s,
            b_a_per_v3,
            v_th_volts,
            k,
            state: state("test-cubic"),
        }
    }
}

impl Device for Cubic {
    fn cell(&self) -> &CellState {
        &self.state
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.state
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        let i0 = self.current_a(v);
        if v.abs() > self.v_th_volts {
            self.a_s += self.k * (v.abs() - self.v_th_volts) * v.signum() * d;
        }
        Ok((v * 0.5 * (i0 + self.current_a(v)) * d).abs())
    }
    fn advance(&mut self, _dt: f64) {}
    fn current_a(&self, v: f64) -> f64 {
        self.a_s * v + self.b_a_per_v3 * v * v * v
    }
    fn conductance_s(&self) -> f64 {
        self.a_s
    }
}

/// One device call seen by a `Recorder`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Call {
    Apply { cell: usize, v_volts: f64, d_s: f64 },
    Advance { cell: usize, dt_s: f64 },
}

pub type Log = Arc<Mutex<Vec<Call>>>;

/// A 10 uS resistor that logs every `apply` / `advance` with its cell index.
pub struct Recorder {
    pub cell: usize,
    pub log: Log,
    pub state: CellState,
}

impl Recorder {
    pub fn new(cell: usize, log: Log) -> Self {
        Recorder {
            cell,
            log,
            state: state("test-recorder"),
        }
    }
}

impl Device for Recorder {
    fn cell(&self) -> &CellState {
        &self.state
    }
    fn cell_mut(&mut self) -> &mut CellState {
        &mut self.state
    }
    fn pulse(&mut self, v: f64, d: f64) -> Result<f64, DeviceError> {
        self.log.lock().unwrap().push(Call::Apply {
            cell: self.cell,
            v_volts: v,
            d_s: d,
        });
        Ok(v * v * 1e-5 * d)
    }
    fn advance(&mut self, dt: f64) {
        self.log.lock().unwrap().push(Call::Advance {
            cell: self.cell,
            dt_s: dt,
        });
    }
    fn current_a(&self, v: f64) -> f64 {
        1e-5 * v
    }
    fn conductance_s(&self) -> f64 {
        1e-5
    }
}

/// Sum of held volt-seconds and of idle seconds per cell, from a log.
pub fn totals(log: &Log, n_cells: usize) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
    let mut vs = vec![0.0; n_cells];
    let mut idle = vec![0.0; n_cells];
    let mut volts = vec![Vec::new(); n_cells];
    for c in log.lock().unwrap().iter() {
        match *c {
            Call::Apply { cell, v_volts, d_s } => {
                vs[cell] += v_volts * d_s;
                volts[cell].push(v_volts);
            }
            Call::Advance { cell, dt_s } => idle[cell] += dt_s,
        }
    }
    (vs, idle, volts)
}
