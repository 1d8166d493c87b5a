//! STDP window: a pre spike `+V_s` and a post spike `-V_s` of width `w`,
//! `dt = t_post - t_pre`; the non-volatile change `dW = 100 (G_after - G_before) / G_before`
//! (%) is read once every transient has relaxed. Each `dt` uses a fresh
//! device built from the same seed. Both branches are fitted with
//! `dW = A exp(-|dt| / tau) + W0`. Each point averages `DEVICES` devices
//! (seeds derived from `--seed`) so D2D variation averages out of the window; `a_minus` and `tau_minus_s` are reported
//! as magnitudes (`dW = -A- exp(dt / tau-) + W0-` for dt < 0); the constant
//! offsets are reported as `dw0_plus` (W0+) and `dw0_minus` (W0-), in %.
//! - `otj`: +-1.2 V, 50 ns spikes, |dt| 0.1 - 25 us.
//! - `ftj-linear` / `ftj-reference`: +-0.9 V, 1 ms spikes, |dt| 2 - 8 ms (tau in ms, see params).

use super::{fit, fit_err, Options, Protocol, ProtocolError, ProtocolResult, Series};
use crate::device::{DeviceKind, DeviceSpec};

/// Devices averaged per point.
pub const DEVICES: u64 = 16;

pub fn run(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let (v, w, dt_max, settle) = match spec.kind {
        DeviceKind::Otj => (1.2, 50e-9, 25e-6, 1e-3),
        _ => (0.9, 1e-3, 8e-3, 0.1),
    };
    let mut r = ProtocolResult::new(
        Protocol::Stdp,
        spec.kind,
        "dt = t_post - t_pre (s)",
        "weight change dW (%)",
    );
    let n = 24;
    let dts: Vec<f64> = (0..n)
        .map(|k| 2.0 * w + (dt_max - 2.0 * w) * k as f64 / (n - 1) as f64)
        .collect();
    let mut pos = Series::new("dt > 0 (LTP)", false);
    let mut neg = Series::new("dt < 0 (LTD)", false);
    for &dt in &dts {
        for sign in [1.0, -1.0] {
            let mut dw = 0.0;
            for k in 0..DEVICES {
                let mut d = spec.instantiate(opts.seed.wrapping_mul(1000).wrapping_add(k));
                let g0 = d.conductance_s();
                let (first, second) = if sign > 0.0 { (v, -v) } else { (-v, v) };
                d.apply(first, w)?;
                d.advance(dt - w);
                d.apply(second, w)?;
                d.advance(settle);
                dw += 100.0 * (d.conductance_s() - g0) / g0 / DEVICES as f64;
            }
            if sign > 0.0 {
                pos.push(dt, dw);
            } else {
                neg.push(-dt, dw);
            }
        }
    }
    let fp =
        fit::single_exp(&pos.x, &pos.y).ok_or_else(|| fit_err(Protocol::Stdp, "LTP branch"))?;
    let nx: Vec<f64> = neg.x.iter().map(|x| -x).collect();
    let fnn = fit::single_exp(&nx, &neg.y).ok_or_else(|| fit_err(Protocol::Stdp, "LTD branch"))?;
    let mut fit_n = Series::new(
        format!(
            "fit dt < 0: A- = {:.1} %, tau- = {:.3e} s",
            -fnn.a, fnn.tau_s
        ),
        true,
    );
    let mut fit_p = Series::new(
        format!("fit dt > 0: A+ = {:.1} %, tau+ = {:.3e} s", fp.a, fp.tau_s),
        true,
    );
    for k in 0..=100 {
        let t = w + (dt_max - w) * k as f64 / 100.0;
        fit_p.push(t, fp.y0 + fp.a * (-t / fp.tau_s).exp());
        fit_n.push(-t, fnn.y0 + fnn.a * (-t / fnn.tau_s).exp());
    }
    r.series = vec![pos, neg, fit_p, fit_n];
    r.metrics.insert("a_plus".into(), fp.a);
    r.metrics.insert("tau_plus_s".into(), fp.tau_s);
    r.metrics.insert("dw0_plus".into(), fp.y0);
    r.metrics.insert("a_minus".into(), -fnn.a);
    r.metrics.insert("tau_minus_s".into(), fnn.tau_s);
    r.metrics.insert("dw0_minus".into(), fnn.y0);
    r.metrics.insert("spike_v".into(), v);
    r.metrics.insert("spike_width_s".into(), w);
    Ok(r)
}
