//! LRS I-V sweep (0.02 - 1 V) of `astrocyte` / `n-astrocyte` after jumping to
//! a cycle count, fitted with `I = a V + b V^(2+c)`; `nonlinearity_factor` is
//! the fitted exponent `2 + c` at `--cycles N` (default 0). Also sweeps a few
//! reference cycle counts, and the factor after a refresh pair (+-3.5 V, 50 ns).

use super::{fit, fit_err, Options, Protocol, ProtocolError, ProtocolResult, Series};
use crate::device::{Device, DeviceKind, DeviceSpec};

/// Set the device (LRS), sweep and fit; returns (V, I, exponent).
pub fn sweep(d: &mut dyn Device, set_v: f64) -> Result<(Vec<f64>, Vec<f64>, f64), ProtocolError> {
    d.apply(set_v, 50e-9)?;
    let v: Vec<f64> = (1..=50).map(|k| 0.02 * k as f64).collect();
    let i: Vec<f64> = v.iter().map(|&x| d.current_a(x)).collect();
    let (_, _, p) = fit::power_law(&v, &i).ok_or_else(|| fit_err(Protocol::Iv, "power law"))?;
    Ok((v, i, p))
}

/// Error of amplitude coding through the device's present I-V: an input
/// `x` in [0, 1] applied as `x * 1 V` reads `I(x V) / I(1 V)`; the largest
/// deviation from `x` over x = 0.02, 0.04, ..., 1 (0 for a linear I-V). This
/// is the distortion an amplitude-coded vector-matrix product sees (the
/// paper's MNIST inference, Fig 6a).
pub fn amplitude_coding_error(d: &dyn Device) -> f64 {
    let i_full = d.current_a(1.0);
    (1..=50)
        .map(|k| {
            let x = 0.02 * k as f64;
            (d.current_a(x) / i_full - x).abs()
        })
        .fold(0.0, f64::max)
}

pub fn set_voltage(kind: DeviceKind) -> f64 {
    if kind == DeviceKind::NAstrocyte {
        2.5
    } else {
        1.6
    }
}

pub fn run(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let mut r = ProtocolResult::new(Protocol::Iv, spec.kind, "voltage (V)", "current (A)");
    let set_v = set_voltage(spec.kind);
    let n = opts.cycles.unwrap_or(0);
    let refs: &[u64] = if spec.kind == DeviceKind::NAstrocyte {
        &[0, 10_000, 100_000]
    } else {
        &[0, 10_000_000, 100_000_000, 100_000_000_000]
    };
    for &c in refs.iter().filter(|&&c| c != n) {
        let mut d = spec.instantiate(opts.seed);
        d.set_cycles(c);
        let (v, i, p) = sweep(d.as_mut(), set_v)?;
        r.series.push(Series {
            name: format!("{c} cycles: 2+c = {p:.2}"),
            x: v,
            y: i,
            line: true,
        });
    }
    let mut d = spec.instantiate(opts.seed);
    d.set_cycles(n);
    let (v, i, p) = sweep(d.as_mut(), set_v)?;
    r.series.push(Series {
        name: format!("{n} cycles (requested): 2+c = {p:.2}"),
        x: v,
        y: i,
        line: true,
    });
    r.metrics.insert("nonlinearity_factor".into(), p);
    r.metrics.insert("cycles".into(), n as f64);
    d.apply(3.5f64.min(d.safe_window_volts().1), 50e-9)?;
    d.apply((-3.5f64).max(d.safe_window_volts().0), 50e-9)?;
    let (_, _, pr) = sweep(d.as_mut(), set_v)?;
    r.metrics
        .insert("nonlinearity_factor_after_refresh".into(), pr);
    Ok(r)
}
