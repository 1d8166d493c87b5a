//! Paired-pulse facilitation / depression: index `(P2 - P1) / P1` versus the
//! interval between two identical pulses, fitted with a double exponential
//! `y0 + c1 exp(-dt/tau1) + c2 exp(-dt/tau2)`. `P1`, `P2` are the read
//! conductances right after each pulse. For `liwes` (stochastic short-term
//! response) each point averages 20 recordings, like the paper.

use super::{
    fit, fit_err, logspace, Options, Protocol, ProtocolError, ProtocolResult, PulseDriver, Series,
};
use crate::device::{DeviceKind, DeviceSpec};

/// Pulse (V, width) and the number of recordings averaged per interval.
fn conditions(kind: DeviceKind, depression: bool) -> (f64, f64, usize, f64, f64) {
    match (kind, depression) {
        // ftj-relax: 100 us pulses (paper), +1.0 V pair (PPF) / -1.5 V pair (PPD)
        (DeviceKind::FtjRelax, false) => (1.0, 100e-6, 1, 5e-3, 3.0),
        (DeviceKind::FtjRelax, true) => (-1.5, 100e-6, 1, 5e-3, 3.0),
        // liwes: 0.5 V, 10 ms pulses (paper PPF)
        _ => (0.5, 10e-3, 20, 12e-3, 4.0),
    }
}

pub fn run(
    spec: &DeviceSpec,
    opts: &Options,
    depression: bool,
    driver: &mut dyn PulseDriver,
) -> Result<ProtocolResult, ProtocolError> {
    let proto = if depression {
        Protocol::Ppd
    } else {
        Protocol::Ppf
    };
    let (v, w, reps, dt_min, dt_max) = conditions(spec.kind, depression);
    let mut r = ProtocolResult::new(
        proto,
        spec.kind,
        "pulse interval (s)",
        "paired-pulse index (P2-P1)/P1 (1)",
    );
    r.log_x = true;
    let intervals = logspace(dt_min, dt_max, 32);
    let mut data = Series::new(format!("{v} V, {} pulses", super::fmt_duration(w)), false);
    for &dt in &intervals {
        // a fresh device (same seed) per interval: the non-volatile part of
        // earlier pairs must not bias later ones
        let mut dev = spec.instantiate(opts.seed);
        let mut acc = 0.0;
        for _ in 0..reps {
            dev.advance(30.0); // let every volatile part relax before each pair
            let mut p = [0.0; 2];
            let mut k = 0;
            driver.train(dev.as_mut(), v, w, dt - w, 2, &mut |d| {
                p[k.min(1)] = d.conductance_s();
                k += 1;
            })?;
            acc += (p[1] - p[0]) / p[0];
        }
        data.push(dt, acc / reps as f64);
    }
    let f = fit::double_exp(&data.x, &data.y)
        .ok_or_else(|| fit_err(proto, "double exponential did not converge"))?;
    let mut fitted = Series::new(
        format!("fit: tau1 = {:.3} s, tau2 = {:.3} s", f.tau1_s, f.tau2_s),
        true,
    );
    for &t in &logspace(dt_min, dt_max, 200) {
        fitted.push(t, f.eval(t));
    }
    r.series = vec![data, fitted];
    r.metrics.insert("tau1_s".into(), f.tau1_s);
    r.metrics.insert("tau2_s".into(), f.tau2_s);
    r.metrics.insert("c1".into(), f.c1);
    r.metrics.insert("c2".into(), f.c2);
    r.metrics.insert("y0".into(), f.y0);
    r.metrics.insert("pulse_v".into(), v);
    r.metrics.insert("pulse_width_s".into(), w);
    Ok(r)
}
