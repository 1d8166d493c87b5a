//! Retention (non-volatile states hold over the papers' retention times) and
//! `ftj-linear` programming with identical pulses (models/DEVICES.md s2, s4, s5).

use neuroxbar_models::device::{Device, DeviceKind, DeviceSpec};

fn device(kind: DeviceKind, seed: u64) -> Box<dyn Device> {
    DeviceSpec::load(kind, None)
        .expect("built-in parameters")
        .instantiate(seed)
}

/// Relative change of the read conductance over `t_s` seconds at 0 V.
fn drift(d: &mut dyn Device, t_s: f64) -> f64 {
    let g0 = d.conductance_s();
    d.advance(t_s);
    (d.conductance_s() - g0).abs() / g0
}

#[test]
fn otj_long_term_state_is_retained_over_1e4_s() {
    // from the bottom of the 50 ns LTP/LTD window (1 uS), half of the 20-pulse LTP
    let mut d = device(DeviceKind::Otj, 1);
    for _ in 0..10 {
        d.apply(2.2, 50e-9).unwrap();
        d.advance(1e-3);
    }
    d.advance(1.0); // short-term memory gone
    let g = d.conductance_s();
    assert!(g > 3e-6, "programmed to an intermediate LTM state: {g}");
    let r = drift(d.as_mut(), 1e4);
    assert!(r < 0.01, "otj LTM drift over 1e4 s: {r}");
}

#[test]
fn ftj_linear_state_is_retained_over_1e4_s() {
    for kind in [DeviceKind::FtjLinear, DeviceKind::FtjReference] {
        let mut d = device(kind, 1);
        for k in 0..75 {
            d.apply(2.0 + 0.02 * k as f64, 1e-3).unwrap();
            d.advance(1e-3);
        }
        d.advance(1.0);
        let r = drift(d.as_mut(), 1e4);
        assert!(r < 0.01, "{kind} drift over 1e4 s: {r}");
    }
}

#[test]
fn astrocyte_lrs_and_hrs_are_retained_over_1e6_s() {
    for kind in [DeviceKind::Astrocyte, DeviceKind::NAstrocyte] {
        let (v_set, v_reset) = if kind == DeviceKind::Astrocyte {
            (1.6, -1.8)
        } else {
            (2.5, -2.7)
        };
        let mut d = device(kind, 1);
        d.apply(v_set, 50e-9).unwrap();
        assert!(drift(d.as_mut(), 1e6) < 0.01, "{kind} LRS");
        d.apply(v_reset, 50e-9).unwrap();
        assert!(drift(d.as_mut(), 1e6) < 0.01, "{kind} HRS");
    }
}

#[test]
fn ftj_linear_programs_with_identical_pulses() {
    // 150 identical potentiating then 150 identical depressing 1 ms pulses:
    // every pulse moves the weight the right way, inside the 40 - 90 uS window.
    for v in [3.0, 4.0] {
        let mut d = device(DeviceKind::FtjLinear, 2);
        let mut g = vec![d.conductance_s()];
        for _ in 0..150 {
            d.apply(v, 1e-3).unwrap();
            d.advance(10e-3);
            g.push(d.conductance_s());
        }
        let top = g.len() - 1;
        for _ in 0..150 {
            d.apply(-v, 1e-3).unwrap();
            d.advance(10e-3);
            g.push(d.conductance_s());
        }
        let up = &g[..=top];
        let down = &g[top..];
        println!(
            "{v} V: {:.1} -> {:.1} -> {:.1} uS",
            g[0] * 1e6,
            g[top] * 1e6,
            g[g.len() - 1] * 1e6
        );
        assert!(up.windows(2).all(|w| w[1] > w[0]), "{v} V: potentiation");
        assert!(down.windows(2).all(|w| w[1] < w[0]), "{v} V: depression");
        assert!(
            g.iter().all(|&x| (30e-6..=95e-6).contains(&x)),
            "{v} V: window {:?}",
            (
                g.iter().cloned().fold(f64::MAX, f64::min),
                g.iter().cloned().fold(0.0, f64::max)
            )
        );
        assert!(g[top] > g[0] + 10e-6, "{v} V: potentiation range");
    }
}
