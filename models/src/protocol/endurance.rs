//! Endurance.
//! - `astrocyte` / `n-astrocyte`: the cycle counter is jumped (no 1e11
//!   simulated pulses) over log-spaced counts; at each, one set / reset pulse
//!   pair gives the ON/OFF ratio, and the LRS I-V fit the nonlinearity factor
//!   and the amplitude-coding error (`iv::amplitude_coding_error`); keys
//!   `on_off_ratio_1eN`, `nonlinearity_factor_1eN`, `amplitude_coding_error_1eN`
//!   at whole decades. A refresh pair at the end shows the restored linearity.
//! - `liwes`: 20 cycles of 50 x (+0.5 V, 10 ms) + 50 x (-0.5 V, 10 ms), the
//!   paper's Fig 3e pulses, read 2 s after each pulse; dynamic range
//!   `(G_max - G_min) / G_min` per cycle. The metrics state the pulses
//!   (`amplitude_v`, `width_s`, `read_delay_s`).

use super::{iv, Options, Protocol, ProtocolError, ProtocolResult, Series};
use crate::device::{DeviceKind, DeviceSpec};

pub fn run(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    if spec.kind == DeviceKind::Liwes {
        return liwes(spec, opts);
    }
    let mut r = ProtocolResult::new(
        Protocol::Endurance,
        spec.kind,
        "switching cycles (1)",
        "ON/OFF ratio, nonlinearity factor (1)",
    );
    r.log_x = true;
    r.log_y = true;
    let set_v = iv::set_voltage(spec.kind);
    let reset_v = if spec.kind == DeviceKind::NAstrocyte {
        -2.7
    } else {
        -1.8
    };
    let last_exp = if spec.kind == DeviceKind::NAstrocyte {
        6
    } else {
        12
    };
    let mut onoff = Series::new("ON/OFF ratio", true);
    let mut nfs = Series::new("nonlinearity factor 2+c", true);
    let mut first_ratio = f64::NAN;
    let mut end_cycles = 1.0;
    for e in 0..=(2 * last_exp) {
        let n = 10f64.powf(e as f64 / 2.0);
        let mut d = spec.instantiate(opts.seed);
        d.set_cycles(n as u64);
        d.apply(set_v, 50e-9)?;
        let g_on = d.conductance_s();
        d.apply(reset_v, 50e-9)?;
        let g_off = d.conductance_s();
        let ratio = g_on / g_off;
        if e == 0 {
            first_ratio = ratio;
        }
        if ratio >= 0.5 * first_ratio {
            end_cycles = n;
        }
        let (_, _, p) = iv::sweep(d.as_mut(), set_v)?;
        onoff.push(n, ratio);
        nfs.push(n, p);
        if e % 2 == 0 {
            let decade = e / 2;
            r.metrics
                .insert(format!("nonlinearity_factor_1e{decade}"), p);
            r.metrics.insert(format!("on_off_ratio_1e{decade}"), ratio);
            r.metrics.insert(
                format!("amplitude_coding_error_1e{decade}"),
                iv::amplitude_coding_error(d.as_ref()),
            );
        }
    }
    r.metrics.insert("on_off_ratio".into(), first_ratio);
    r.metrics.insert("endurance_cycles".into(), end_cycles);
    // refresh after the largest count
    let mut d = spec.instantiate(opts.seed);
    d.set_cycles(10u64.pow(last_exp as u32 - 1));
    let (lo, hi) = d.safe_window_volts();
    d.apply(3.5f64.min(hi), 50e-9)?;
    d.apply((-3.5f64).max(lo), 50e-9)?;
    let (_, _, pr) = iv::sweep(d.as_mut(), set_v)?;
    r.metrics
        .insert("nonlinearity_factor_after_refresh".into(), pr);
    r.series = vec![onoff, nfs];
    Ok(r)
}

/// The pulses of the `liwes` endurance test (Wan 2021, Fig 3e): amplitude
/// (volts, +/-), width (seconds), read delay after each pulse (seconds).
pub const LIWES_AMPLITUDE_V: f64 = 0.5;
pub const LIWES_WIDTH_S: f64 = 10e-3;
pub const LIWES_READ_DELAY_S: f64 = 2.0;

fn liwes(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let mut r = ProtocolResult::new(
        Protocol::Endurance,
        spec.kind,
        "pulse number (1)",
        "conductance at read voltage (S)",
    );
    let (a, w) = (LIWES_AMPLITUDE_V, LIWES_WIDTH_S);
    let mut d = spec.instantiate(opts.seed);
    let mut s = Series::new(format!("20 x (50 P + 50 D), +-{a} V, {} ms", w * 1e3), true);
    let mut ranges = vec![];
    let mut k = 0usize;
    for _ in 0..20 {
        let mut gs = vec![];
        for v in [a, -a] {
            for _ in 0..50 {
                d.apply(v, w)?;
                d.advance(LIWES_READ_DELAY_S);
                k += 1;
                let g = d.conductance_s();
                s.push(k as f64, g);
                gs.push(g);
            }
        }
        let mx = gs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let mn = gs.iter().cloned().fold(f64::INFINITY, f64::min);
        ranges.push((mx - mn) / mn);
    }
    let m = ranges.iter().sum::<f64>() / ranges.len() as f64;
    r.metrics.insert("dynamic_range_pct".into(), 100.0 * m);
    r.metrics
        .insert("dynamic_range_first_cycle_pct".into(), 100.0 * ranges[0]);
    r.metrics.insert(
        "dynamic_range_last_cycle_pct".into(),
        100.0 * ranges[ranges.len() - 1],
    );
    r.metrics.insert("cycles".into(), 20.0);
    r.metrics.insert("amplitude_v".into(), a);
    r.metrics.insert("width_s".into(), w);
    r.metrics.insert("read_delay_s".into(), LIWES_READ_DELAY_S);
    r.series.push(s);
    Ok(r)
}
