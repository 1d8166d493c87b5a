//! Relaxation of a programmed state toward rest, read at the device's read
//! voltage on a log time axis.
//! - `ftj-relax`: after 10 x (+1.5 V, 100 us, 3.33 Hz); double-exponential fit.
//! - `otj`: after one STM spike (1.5 V, 20 ns); read current `I0 exp(-t/tau)` + offset.
//! - `liwes`: after one spike (1 V, 200 us), 20 recordings averaged; double exponential.

use super::{
    fit, fit_err, logspace, pulse_then_idle, Options, Protocol, ProtocolError, ProtocolResult,
    Series,
};
use crate::device::{DeviceKind, DeviceSpec};

pub fn run(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let mut r = ProtocolResult::new(
        Protocol::Relaxation,
        spec.kind,
        "time after stimulus (s)",
        "read current (A)",
    );
    r.log_x = true;
    let mut d = spec.instantiate(opts.seed);
    let vr = d.read_voltage_volts();
    let (ts, reps) = match spec.kind {
        DeviceKind::Otj => (logspace(1e-8, 5e-5, 40), 1),
        DeviceKind::Liwes => (logspace(3e-4, 2.0, 40), 20),
        _ => (logspace(1e-3, 5.0, 40), 1),
    };
    let mut y = vec![0.0; ts.len()];
    for _ in 0..reps {
        d.advance(60.0);
        match spec.kind {
            DeviceKind::Otj => {
                d.apply(1.5, 20e-9)?;
            }
            DeviceKind::Liwes => {
                d.apply(1.0, 200e-6)?;
            }
            _ => {
                for k in 0..10 {
                    let period = if k < 9 { 1.0 / 3.33 } else { 100e-6 };
                    pulse_then_idle(d.as_mut(), 1.5, 100e-6, period)?;
                }
            }
        }
        let mut t_now = 0.0;
        for (k, &t) in ts.iter().enumerate() {
            d.advance(t - t_now);
            t_now = t;
            y[k] += d.current_a(vr) / reps as f64;
        }
    }
    let mut s = Series::new("read current", false);
    for (t, v) in ts.iter().zip(&y) {
        s.push(*t, *v);
    }
    let mut fs = Series::new("fit", true);
    if spec.kind == DeviceKind::Otj {
        let f = fit::single_exp(&ts, &y)
            .ok_or_else(|| fit_err(Protocol::Relaxation, "single exponential"))?;
        for &t in &ts {
            fs.push(t, f.y0 + f.a * (-t / f.tau_s).exp());
        }
        fs.name = format!("fit: I0 = {:.3e} A, tau = {:.3e} s", f.a, f.tau_s);
        r.metrics.insert("tau_s".into(), f.tau_s);
        r.metrics.insert("i0_a".into(), f.a);
        r.metrics.insert("i_rest_a".into(), f.y0);
    } else {
        let f = fit::double_exp(&ts, &y)
            .ok_or_else(|| fit_err(Protocol::Relaxation, "double exponential"))?;
        for &t in &ts {
            fs.push(t, f.eval(t));
        }
        fs.name = format!("fit: tau1 = {:.3e} s, tau2 = {:.3e} s", f.tau1_s, f.tau2_s);
        r.metrics.insert("tau1_s".into(), f.tau1_s);
        r.metrics.insert("tau2_s".into(), f.tau2_s);
        r.metrics.insert("c1_a".into(), f.c1);
        r.metrics.insert("c2_a".into(), f.c2);
        r.metrics.insert("i_rest_a".into(), f.y0);
    }
    r.series = vec![s, fs];
    Ok(r)
}
