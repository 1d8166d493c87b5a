//! devices.md targets not covered by `device_targets.rs`: LiWES fast
//! programming, linearity and endurance; the ftj-relax history sequence; the
//! otj pulse-train monotonicity. Tolerances are devices.md's default +-15 %
//! unless a test says why otherwise.

use neuroxbar_models::device::{Device, DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::endurance::{LIWES_AMPLITUDE_V, LIWES_READ_DELAY_S, LIWES_WIDTH_S};
use neuroxbar_models::protocol::ltp_ltd::nonlinearity;

mod support;
use support::{liwes_with, spec};

const TOL: f64 = 0.15;

/// Mean and standard error of the mean.
fn mean_sem(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (m, sd / n.sqrt())
}

/// devices.md s3 "Fast programming: STP still visible with 500 ns pulses".
/// One +1 V, 500 ns gate pulse on 20 devices: right after the pulse G is
/// above the long-term level it relaxes to (10 s later), significantly
/// (mean > 3 standard errors), it relaxes monotonically (peak > 5 ms > 10 s),
/// and the transient is larger than the pulse's own lasting long-term step
/// (fast pulses also program, see the 1 us test).
#[test]
fn liwes_stp_visible_with_500ns_pulses() {
    let (v, w) = (1.0, 500e-9);
    let (mut peak, mut mid, mut end) = (vec![], vec![], vec![]);
    for seed in 0..20 {
        let mut d = spec(DeviceKind::Liwes).instantiate(seed);
        d.apply(v, w).unwrap();
        let gp = d.conductance_s();
        d.advance(5e-3);
        let g5 = d.conductance_s();
        d.advance(10.0);
        let ge = d.conductance_s();
        peak.push(gp - ge);
        mid.push(g5 - ge);
        end.push(ge);
    }
    let (mp, sp) = mean_sem(&peak);
    let (mm, _) = mean_sem(&mid);
    println!("500 ns: transient {mp:.3e} +- {sp:.1e} S, at 5 ms {mm:.3e} S");
    assert!(
        mp > 3.0 * sp,
        "no significant STP at 500 ns: {mp:e} +- {sp:e}"
    );
    assert!(
        mp > mm && mm > 0.0,
        "no monotonic relaxation: {mp:e} -> {mm:e} -> 0"
    );
    // the long-term step of the same pulse (short-term part switched off)
    let lt = liwes_with(&[("st_mode = \"stochastic\"", "st_mode = \"no-stp\"")]);
    let mut d = lt.instantiate(0);
    let g0 = d.conductance_s();
    d.apply(v, w).unwrap();
    d.advance(10.0);
    let dg_lt = d.conductance_s() - g0;
    println!("500 ns: long-term step {dg_lt:.3e} S");
    assert!(
        mp > dg_lt.abs(),
        "STP {mp:e} not visible over the LT step {dg_lt:e}"
    );
}

/// 50 P + 50 D pulses of `+-v`, `w` (read 2 s after each, as in
/// `protocol::ltp_ltd`) from the middle of the window (500 x +0.5 V, 10 ms
/// and 60 s rest first, the same start for every width); returns the NL of
/// `protocol::ltp_ltd::nonlinearity` and the potentiation span.
fn liwes_50p50d_nl(seed: u64, v: f64, w: f64) -> (f64, f64) {
    let mut d = spec(DeviceKind::Liwes).instantiate(seed);
    for _ in 0..500 {
        d.apply(0.5, 10e-3).unwrap();
        d.advance(0.1);
    }
    d.advance(60.0);
    let g0 = d.conductance_s();
    let (mut gp, mut gd) = (vec![], vec![]);
    for (s, out) in [(1.0, &mut gp), (-1.0, &mut gd)] {
        for _ in 0..50 {
            d.apply(s * v, w).unwrap();
            d.advance(2.0);
            out.push(d.conductance_s());
        }
    }
    (nonlinearity(&gp, &gd), gp[49] - g0)
}

/// devices.md s3: "50 P / 50 D with +-1 V, 1 us pulses as linear and
/// symmetric as 10 ms ones". NL is normalised by the programmed span, so the
/// default 15 % tolerance is applied to it as an absolute difference: on each
/// of 5 devices, NL(1 us) <= NL(10 ms) + 0.15; and 1 us pulses do program
/// (span > 0 and above the short-term noise eta, sd 0.11 x 0.1 uS, x 10).
#[test]
fn liwes_1us_pulses_as_linear_and_symmetric_as_10ms() {
    for seed in 0..5 {
        let (nl_fast, span_fast) = liwes_50p50d_nl(seed, 1.0, 1e-6);
        let (nl_slow, span_slow) = liwes_50p50d_nl(seed, 1.0, 10e-3);
        println!(
            "seed {seed}: 1 us NL {nl_fast:.3} (span {span_fast:.2e} S), 10 ms NL {nl_slow:.3} (span {span_slow:.2e} S)"
        );
        assert!(
            span_fast > 10.0 * 0.11e-7,
            "1 us pulses do not program: {span_fast:e}"
        );
        assert!(
            nl_fast <= nl_slow + TOL,
            "1 us pulses less linear/symmetric than 10 ms: NL {nl_fast} vs {nl_slow}"
        );
    }
}

/// LiWES with the short-term part and C2C off: the long-term `dG_LT` of
/// devices.md s3, whose zero-mean noise terms would otherwise hide the
/// smallest steps (eta sd 0.11 x 0.1 uS ~ the 0.1 V step).
fn liwes_lt() -> DeviceSpec {
    liwes_with(&[
        ("st_mode = \"stochastic\"", "st_mode = \"no-stp\""),
        ("c2c_sd = 0.02", "c2c_sd = 0.0"),
    ])
}

/// devices.md s3: "dG roughly linear in amplitude (0.1 - 2 V), width
/// (10 - 500 ms) and pulse number up to ~800 pulses, then saturating".
/// Linear = dG per volt (per second, per pulse) within +-15 % of its value at
/// the reference pulse (0.5 V, 10 ms); saturating = by pulse 1024 the step
/// has fallen below 85 % of the first (outside that tolerance).
#[test]
fn liwes_dg_linear_in_amplitude_width_and_number_then_saturating() {
    let dg = |v: f64, w: f64| {
        let mut d = liwes_lt().instantiate(1);
        let g0 = d.conductance_s();
        d.apply(v, w).unwrap();
        d.advance(2.0);
        d.conductance_s() - g0
    };
    let per_v_ref = dg(0.5, 10e-3) / 0.5;
    for v in [0.1, 0.2, 0.5, 1.0, 1.5, 2.0] {
        let r = dg(v, 10e-3) / v / per_v_ref;
        println!("amplitude {v} V: dG/V relative {r:.4}");
        assert!(
            (r - 1.0).abs() <= TOL,
            "dG not linear in amplitude at {v} V: {r}"
        );
    }
    let per_s_ref = dg(0.5, 10e-3) / 10e-3;
    for w in [10e-3, 20e-3, 50e-3, 100e-3, 200e-3, 500e-3] {
        let r = dg(0.5, w) / w / per_s_ref;
        println!("width {w} s: dG/w relative {r:.4}");
        assert!(
            (r - 1.0).abs() <= TOL,
            "dG not linear in width at {w} s: {r}"
        );
    }
    let mut d = liwes_lt().instantiate(1);
    let mut g = vec![d.conductance_s()];
    for _ in 0..1024 {
        d.apply(0.5, 10e-3).unwrap();
        d.advance(2.0);
        g.push(d.conductance_s());
    }
    let step1 = g[1] - g[0];
    let lin800 = (g[800] - g[0]) / (800.0 * step1);
    let step_end = (g[1024] - g[1023]) / step1;
    println!("800 pulses: {lin800:.4} of linear; step at 1024: {step_end:.4} of the first");
    assert!(
        (lin800 - 1.0).abs() <= TOL,
        "not linear up to 800 pulses: {lin800}"
    );
    assert!(
        step_end < 1.0 - TOL,
        "no saturation after ~800 pulses: {step_end}"
    );
}

/// 20 cycles of 50 P + 50 D with the paper's Fig 3e pulses (+-0.5 V, 10 ms,
/// read 2 s after each pulse), the conditions of `protocol::endurance`; mean
/// dynamic range `(Gmax - Gmin)/Gmin`.
fn liwes_dynamic_range(d: &mut dyn Device) -> f64 {
    let (a, w) = (LIWES_AMPLITUDE_V, LIWES_WIDTH_S);
    let mut sum = 0.0;
    for _ in 0..20 {
        let mut gs = vec![];
        for v in [a, -a] {
            for _ in 0..50 {
                d.apply(v, w).unwrap();
                d.advance(LIWES_READ_DELAY_S);
                gs.push(d.conductance_s());
            }
        }
        let mx = gs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let mn = gs.iter().cloned().fold(f64::INFINITY, f64::min);
        sum += (mx - mn) / mn;
    }
    sum / 20.0
}

/// devices.md s3: "1e5 pulses without degradation" (Fig S2): the endurance
/// dynamic range (~500 %, Fig 3e) after 1e5 more +-0.5 V, 10 ms pulses
/// (1000 cycles of 50 P + 50 D) is within +-15 % of the one before.
#[test]
fn liwes_1e5_pulses_without_degradation() {
    let mut d = spec(DeviceKind::Liwes).instantiate(1);
    let before = liwes_dynamic_range(d.as_mut());
    for _ in 0..1000 {
        for v in [LIWES_AMPLITUDE_V, -LIWES_AMPLITUDE_V] {
            for _ in 0..50 {
                d.apply(v, LIWES_WIDTH_S).unwrap();
                d.advance(0.1);
            }
        }
    }
    let after = liwes_dynamic_range(d.as_mut());
    println!(
        "dynamic range before {:.1} %, after 1e5 pulses {:.1} %",
        100.0 * before,
        100.0 * after
    );
    assert!(before > 1.0, "no dynamic range to start with: {before}");
    assert!(
        (after - before).abs() / before <= TOL,
        "degraded after 1e5 pulses: {before} -> {after}"
    );
}

/// devices.md s1 history/frequency adaptation (BCM-like), through the
/// `Device` trait with 1 V, 100 us pulses, 10 per train, trains back to back:
/// 20 Hz potentiates, then 1 Hz depresses, then 0.25 Hz changes little (less
/// than 15 % of the 1 Hz depression), then 1 Hz again potentiates. The change
/// of a train is G after its last period minus G before its first pulse.
/// Checked on 8 devices (C2C 1.21 %, D2D 1.93 %).
#[test]
fn ftj_relax_history_sequence_20hz_1hz_025hz_1hz() {
    for seed in 0..8 {
        let mut d = spec(DeviceKind::FtjRelax).instantiate(seed);
        let mut dg = vec![];
        for f in [20.0, 1.0, 0.25, 1.0] {
            let before = d.conductance_s();
            for _ in 0..10 {
                d.apply(1.0, 100e-6).unwrap();
                d.advance(1.0 / f - 100e-6);
            }
            dg.push(d.conductance_s() - before);
        }
        println!("seed {seed}: dG of 20 Hz, 1 Hz, 0.25 Hz, 1 Hz trains: {dg:?} S");
        assert!(dg[0] > 0.0, "20 Hz train does not potentiate: {dg:?}");
        assert!(dg[1] < 0.0, "following 1 Hz train does not depress: {dg:?}");
        assert!(
            dg[2].abs() < TOL * dg[1].abs(),
            "0.25 Hz train changes more than a little: {dg:?}"
        );
        assert!(dg[3] > 0.0, "1 Hz again does not potentiate: {dg:?}");
    }
}

/// Final conductance (read right after the last pulse) of `n` pulses of
/// `v` volts, `w` seconds at `f` hertz.
fn train_final_g(kind: DeviceKind, v: f64, w: f64, f: f64, n: usize) -> f64 {
    let mut d = spec(kind).instantiate(1);
    for k in 0..n {
        d.apply(v, w).unwrap();
        if k + 1 < n {
            d.advance(1.0 / f - w);
        }
    }
    d.conductance_s()
}

/// "Larger amplitude, width, frequency or number of pulses all raise ... the
/// final state": strictly increasing in each, the others at the base train.
fn assert_train_monotone(kind: DeviceKind, v0: f64, w0: f64, f0: f64, n0: usize) {
    let inc = |what: &str, g: Vec<f64>| {
        println!("{kind:?} {what}: {g:?}");
        assert!(
            g.windows(2).all(|p| p[1] > p[0]),
            "{kind:?}: final state not increasing with {what}: {g:?}"
        );
    };
    inc(
        "amplitude",
        [0.5, 1.0, 1.5, 2.0]
            .iter()
            .map(|k| train_final_g(kind, v0 * k, w0, f0, n0))
            .collect(),
    );
    inc(
        "width",
        [0.5, 1.0, 2.0, 4.0]
            .iter()
            .map(|k| train_final_g(kind, v0, w0 * k, f0, n0))
            .collect(),
    );
    inc(
        "frequency",
        [0.25, 0.5, 1.0, 2.0]
            .iter()
            .map(|k| train_final_g(kind, v0, w0, f0 * k, n0))
            .collect(),
    );
    inc(
        "number",
        [1, 2, 5, 10, 20]
            .iter()
            .map(|n| train_final_g(kind, v0, w0, f0, *n))
            .collect(),
    );
}

/// otj pulse trains (devices.md s2: 10 pulses, 50 ns, 0.6 V; 0.1 - 1 MHz in
/// `protocol::pulse_train`), amplitude 0.3 - 1.2 V, width 25 - 200 ns,
/// 0.25 - 2 MHz, 1 - 20 pulses.
#[test]
fn otj_final_state_rises_with_amplitude_width_frequency_number() {
    assert_train_monotone(DeviceKind::Otj, 0.6, 50e-9, 1e6, 10);
}

/// The same statement as devices.md s1 makes it, for ftj-relax (10 pulses,
/// 1 V, 100 us, 3.33 Hz): amplitude 0.5 - 2 V, width 50 - 400 us,
/// 0.83 - 6.7 Hz, 1 - 20 pulses.
#[test]
fn ftj_relax_final_state_rises_with_amplitude_width_frequency_number() {
    assert_train_monotone(DeviceKind::FtjRelax, 1.0, 100e-6, 3.33, 10);
}
