//! Gradual switching of `astrocyte` / `n-astrocyte` by DC sweeps (Cheng et
//! al. 2021: "gradual set by compliance current, gradual reset by sweep
//! voltage").
//!
//! - `set-compliance`: from the HRS (one reset pulse at the paper's reset
//!   amplitude, 50 ns), a staircase sweep 0 -> set amplitude -> 0 V in 20 mV
//!   steps of 1 ms each, from a source limited to `I_cc`; repeated for
//!   log-spaced `I_cc`. The curves are the measured |I| (the source reports
//!   `I_cc` while in compliance); the metrics are the LRS conductances at the
//!   read voltage after each sweep.
//! - `reset-sweep`: from the LRS (one set pulse, 50 ns), a staircase sweep
//!   0 -> -V_stop -> 0 V without compliance, for stop voltages stepped up to
//!   the paper's reset amplitude. Each stop voltage leaves its own state; a
//!   second sweep to the same stop voltage changes almost nothing
//!   (`repeat_change`).
//!
//! Metrics (`set-compliance`): `icc_min_a`, `icc_max_a`, `g_at_icc_min_s`,
//! `g_at_icc_max_s`, `levels` (compliance steps raising G by > 5 %),
//! `loglog_slope` (d ln G / d ln I_cc below 90 % of the largest G).
//! Metrics (`reset-sweep`): `v_stop_min_v`, `v_stop_max_v`,
//! `g_at_v_stop_min_s`, `g_at_v_stop_max_s`, `levels` (stop steps lowering
//! G by > 5 %), `on_off_ratio` (G after set / G after the deepest reset),
//! `repeat_change` (relative change of G by a repeated deepest-but-one sweep).

use super::{fit, fit_err, logspace, Options, Protocol, ProtocolError, ProtocolResult, Series};
use crate::device::{Device, DeviceKind, DeviceSpec};

/// Sweep step and dwell: 20 mV per 1 ms (20 V/s).
const STEP_V: f64 = 0.02;
const DWELL_S: f64 = 1e-3;
/// Width of the initialising set / reset pulses (the paper's 50 ns).
const INIT_PULSE_S: f64 = 50e-9;

/// Sweep conditions per kind: (set amplitude V, reset amplitude V, I_cc range A,
/// reset stop voltages V).
struct Conditions {
    set_v: f64,
    reset_v: f64,
    icc_a: Vec<f64>,
    v_stop: Vec<f64>,
}

fn conditions(kind: DeviceKind) -> Conditions {
    // I_cc spans from about the HRS current at the set threshold to past the
    // LRS current there (astrocyte: 2.5 uA .. 100 uA at 1.0 V; n-astrocyte:
    // 12 uA .. 180 uA at 1.5 V), so the sweep shows both ends.
    if kind == DeviceKind::NAstrocyte {
        Conditions {
            set_v: 2.5,
            reset_v: 2.7,
            icc_a: logspace(20e-6, 300e-6, 9),
            v_stop: (0..=7).map(|k| 1.7 + k as f64 * (1.0 / 7.0)).collect(),
        }
    } else {
        Conditions {
            set_v: 1.6,
            reset_v: 1.8,
            icc_a: logspace(5e-6, 160e-6, 9),
            v_stop: (0..=7).map(|k| 1.2 + k as f64 * 0.6 / 7.0).collect(),
        }
    }
}

/// Staircase 0 -> `v_peak` -> 0 (excluding 0 V), signed.
fn staircase(v_peak: f64) -> Vec<f64> {
    let n = (v_peak.abs() / STEP_V).round().max(1.0) as usize;
    let up = (1..=n).map(|k| v_peak * k as f64 / n as f64);
    let down = (1..n).rev().map(|k| v_peak * k as f64 / n as f64);
    up.chain(down).collect()
}

/// One DC sweep; returns (V, |I| as the source measures it). `i_cc_a` =
/// `None` sweeps without compliance.
fn sweep(
    d: &mut dyn Device,
    v_peak: f64,
    i_cc_a: Option<f64>,
) -> Result<(Vec<f64>, Vec<f64>), ProtocolError> {
    let mut vs = vec![];
    let mut is = vec![];
    for v in staircase(v_peak) {
        match i_cc_a {
            Some(icc) => {
                d.apply_compliance(v, DWELL_S, icc)?;
                is.push(d.current_a(v).abs().min(icc));
            }
            None => {
                d.apply(v, DWELL_S)?;
                is.push(d.current_a(v).abs());
            }
        }
        vs.push(v);
    }
    Ok((vs, is))
}

pub fn run_set(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let c = conditions(spec.kind);
    let mut r = ProtocolResult::new(
        Protocol::SetCompliance,
        spec.kind,
        "voltage (V)",
        "|current| (A)",
    );
    r.log_y = true;
    let mut g = vec![];
    for &icc in &c.icc_a {
        let mut d = spec.instantiate(opts.seed);
        if let Some(n) = opts.cycles {
            d.set_cycles(n);
        }
        d.apply(-c.reset_v, INIT_PULSE_S)?;
        let (v, i) = sweep(d.as_mut(), c.set_v, Some(icc))?;
        g.push(d.conductance_s());
        r.series.push(Series {
            name: format!("I_cc = {:.0} uA", icc * 1e6),
            x: v,
            y: i,
            line: true,
        });
    }
    let g_top = g.iter().cloned().fold(0.0, f64::max);
    let (lx, ly): (Vec<f64>, Vec<f64>) = c
        .icc_a
        .iter()
        .zip(&g)
        .filter(|(_, &gk)| gk < 0.9 * g_top)
        .map(|(i, gk)| (i.ln(), gk.ln()))
        .unzip();
    if lx.len() < 3 {
        return Err(fit_err(
            Protocol::SetCompliance,
            "fewer than 3 compliance levels below saturation",
        ));
    }
    let slope = fit::linear_lsq(&[vec![1.0; lx.len()], lx], &ly)
        .ok_or_else(|| fit_err(Protocol::SetCompliance, "log-log line"))?
        .0[1];
    r.metrics.insert("icc_min_a".into(), c.icc_a[0]);
    r.metrics
        .insert("icc_max_a".into(), *c.icc_a.last().unwrap());
    r.metrics.insert("g_at_icc_min_s".into(), g[0]);
    r.metrics
        .insert("g_at_icc_max_s".into(), *g.last().unwrap());
    r.metrics
        .insert("levels".into(), count_steps(&g, 1.05) as f64);
    r.metrics.insert("loglog_slope".into(), slope);
    Ok(r)
}

pub fn run_reset(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let c = conditions(spec.kind);
    let mut r = ProtocolResult::new(
        Protocol::ResetSweep,
        spec.kind,
        "voltage (V)",
        "|current| (A)",
    );
    r.log_y = true;
    let mut g = vec![];
    let mut g_set = f64::NAN;
    let mut repeat_change = f64::NAN;
    for (k, &vs) in c.v_stop.iter().enumerate() {
        let mut d = spec.instantiate(opts.seed);
        if let Some(n) = opts.cycles {
            d.set_cycles(n);
        }
        d.apply(c.set_v, INIT_PULSE_S)?;
        g_set = d.conductance_s();
        let (v, i) = sweep(d.as_mut(), -vs, None)?;
        let g_k = d.conductance_s();
        g.push(g_k);
        if k + 2 == c.v_stop.len() {
            sweep(d.as_mut(), -vs, None)?;
            repeat_change = (d.conductance_s() - g_k).abs() / g_k;
        }
        r.series.push(Series {
            name: format!("V_stop = -{vs:.2} V"),
            x: v,
            y: i,
            line: true,
        });
    }
    let inv: Vec<f64> = g.iter().map(|x| 1.0 / x).collect();
    r.metrics.insert("v_stop_min_v".into(), -c.v_stop[0]);
    r.metrics
        .insert("v_stop_max_v".into(), -*c.v_stop.last().unwrap());
    r.metrics.insert("g_at_v_stop_min_s".into(), g[0]);
    r.metrics
        .insert("g_at_v_stop_max_s".into(), *g.last().unwrap());
    r.metrics
        .insert("levels".into(), count_steps(&inv, 1.05) as f64);
    r.metrics
        .insert("on_off_ratio".into(), g_set / g.last().unwrap());
    r.metrics.insert("repeat_change".into(), repeat_change);
    Ok(r)
}

/// Number of consecutive pairs where `x[k+1] > ratio * x[k]`.
fn count_steps(x: &[f64], ratio: f64) -> usize {
    x.windows(2).filter(|w| w[1] > ratio * w[0]).count()
}
