//! BCM rule vs initial conductance G0 (`ftj-relax`; Nie et al. 2025, Fig 5c).
//!
//! The paper extracts the weight change dW vs spiking frequency from its
//! triplet-STDP landscape (dt1 = -150 ms; the pulse scheme is in Supporting
//! Notes S13 - S15, not in the article text) for G0 = 100, 200 and 500 uS, and
//! reports that the frequency threshold where dW turns from depression to
//! potentiation "varies with initial conductance states G0". This protocol
//! measures the same curve with the pulse trains of Fig 5b: a device prepared
//! at G0 (its `g_init_s`, no earlier pulses) receives 5 pulses of 1 V, 100 us at
//! f = 0.2 - 20 Hz; dW is the conductance change read 30 s after the train
//! (the volatile part has relaxed), in per cent of G0; `f_th_g0_<N>us_hz` is
//! the frequency where dW crosses zero (log-linear interpolation between the
//! 33 log-spaced frequencies), absent when dW does not change sign.

use super::{logspace, Options, Protocol, ProtocolError, ProtocolResult, Series};
use crate::device::{DeviceError, DeviceSpec, ParamError, ParamSet};

/// The initial conductances of Fig 5c, siemens.
pub const G0_S: [f64; 3] = [100e-6, 200e-6, 500e-6];

/// Train frequencies, hertz.
pub fn frequencies_hz() -> Vec<f64> {
    logspace(0.2, 20.0, 33)
}

/// `spec` with the device prepared at `g0_s`; an error when G0 is outside
/// the non-volatile range (depression from G0 needs `g_min_s < G0`).
fn prepared(spec: &DeviceSpec, g0_s: f64) -> Result<DeviceSpec, ProtocolError> {
    let ParamSet::FtjRelax(p) = &spec.params else {
        return Err(ProtocolError::NotApplicable {
            device: spec.kind,
            protocol: Protocol::Bcm,
            applicable: super::applicable(spec.kind),
        });
    };
    let bound = |field: &str, message: String| {
        ProtocolError::Device(DeviceError::Param(ParamError {
            file: spec.source.clone(),
            field: field.into(),
            message,
        }))
    };
    if p.g_min_s >= g0_s {
        return Err(bound(
            "g_min_s",
            format!(
                "the bcm protocol starts from G0 = {g0_s:e} S and needs g_min_s below it (got {:e})",
                p.g_min_s
            ),
        ));
    }
    if p.g_max_s <= g0_s {
        return Err(bound(
            "g_max_s",
            format!(
                "the bcm protocol starts from G0 = {g0_s:e} S and needs g_max_s above it (got {:e})",
                p.g_max_s
            ),
        ));
    }
    let mut q = *p;
    q.g_init_s = g0_s;
    Ok(DeviceSpec {
        kind: spec.kind,
        params: ParamSet::FtjRelax(q),
        source: spec.source.clone(),
    })
}

/// dW in per cent of G0 after 5 pulses (1 V, 100 us) at `f_hz` from `g0_s`,
/// read 30 s after the train.
pub fn change_pct(
    spec: &DeviceSpec,
    opts: &Options,
    g0_s: f64,
    f_hz: f64,
) -> Result<f64, ProtocolError> {
    let spec = prepared(spec, g0_s)?;
    let mut d = spec.instantiate(opts.seed);
    let g_start = d.conductance_s();
    let w = 100e-6;
    for k in 0..5 {
        if k > 0 {
            d.advance(1.0 / f_hz - w);
        }
        d.apply(1.0, w)?;
    }
    d.advance(30.0);
    Ok(100.0 * (d.conductance_s() - g_start) / g_start)
}

/// The zero crossing of dW vs frequency from `g0_s`, with the curve.
pub fn threshold_hz(
    spec: &DeviceSpec,
    opts: &Options,
    g0_s: f64,
) -> Result<(Option<f64>, Series), ProtocolError> {
    let mut s = Series::new(format!("G0 = {:.0} uS", g0_s * 1e6), true);
    let mut f_th = None;
    for f in frequencies_hz() {
        let c = change_pct(spec, opts, g0_s, f)?;
        if let (None, Some(&f0), Some(&c0)) = (f_th, s.x.last(), s.y.last()) {
            if c0 < 0.0 && c >= 0.0 {
                let x = f0.ln() + (f.ln() - f0.ln()) * (-c0) / (c - c0);
                f_th = Some(x.exp());
            }
        }
        s.push(f, c);
    }
    Ok((f_th, s))
}

pub fn run(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let mut r = ProtocolResult::new(
        Protocol::Bcm,
        spec.kind,
        "train frequency (Hz)",
        "weight change dW, 30 s after 5 x (1 V, 100 us) (% of G0)",
    );
    r.log_x = true;
    for g0 in G0_S {
        let (f_th, s) = threshold_hz(spec, opts, g0)?;
        let key = format!("f_th_g0_{:.0}us_hz", g0 * 1e6);
        match f_th {
            Some(f) => {
                r.metrics.insert(key, f);
            }
            None => {
                r.missing.insert(
                    key,
                    format!(
                        "dW does not change sign between {:.3} and {:.3} Hz: the threshold \
                         lies outside the swept frequencies",
                        s.x.first().copied().unwrap_or(f64::NAN),
                        s.x.last().copied().unwrap_or(f64::NAN)
                    ),
                );
            }
        }
        r.series.push(s);
    }
    Ok(r)
}
