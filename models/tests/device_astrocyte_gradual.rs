//! astrocyte / n-astrocyte: gradual set by compliance current and gradual
//! reset by sweep (stop) voltage (devices.md s4), through the protocols the
//! CLI runs (`set-compliance`, `reset-sweep`) and through the device API.

use std::collections::BTreeMap;

use neuroxbar_models::device::{DeviceError, DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::{self, Options, Protocol};

const ASTRO: [DeviceKind; 2] = [DeviceKind::Astrocyte, DeviceKind::NAstrocyte];

fn spec(kind: DeviceKind) -> DeviceSpec {
    DeviceSpec::load(kind, None).expect("built-in parameters")
}

fn metrics(kind: DeviceKind, p: Protocol) -> BTreeMap<String, f64> {
    let m = protocol::run(
        p,
        &spec(kind),
        &Options {
            seed: 1,
            cycles: None,
        },
    )
    .expect("protocol runs")
    .metrics;
    println!("{kind} {p}: {m:?}");
    m
}

/// (set amplitude, reset amplitude, set threshold) of the built-in files.
fn volts(kind: DeviceKind) -> (f64, f64, f64) {
    match kind {
        DeviceKind::NAstrocyte => (2.5, 2.7, 1.5),
        _ => (1.6, 1.8, 1.0),
    }
}

#[test]
fn set_compliance_sets_the_lrs_in_proportion_to_the_compliance_current() {
    for kind in ASTRO {
        let m = metrics(kind, Protocol::SetCompliance);
        assert!(m["levels"] >= 6.0, "{kind}: distinct LRS levels {m:?}");
        let slope = m["loglog_slope"];
        assert!(
            (0.9..=1.1).contains(&slope),
            "{kind}: d ln G / d ln I_cc = {slope}"
        );
        // The largest compliance lets the set finish: the LRS of a plain set pulse.
        let mut d = spec(kind).instantiate(1);
        d.apply(-volts(kind).1, 50e-9).unwrap();
        d.apply(volts(kind).0, 50e-9).unwrap();
        let g_lrs = d.conductance_s();
        let g_top = m["g_at_icc_max_s"];
        assert!(
            (g_top / g_lrs - 1.0).abs() < 0.02,
            "{kind}: {g_top} vs {g_lrs}"
        );
        assert!(m["g_at_icc_min_s"] < 0.2 * g_top, "{m:?}");
    }
}

#[test]
fn a_compliance_limited_set_stops_where_the_threshold_current_reaches_icc() {
    for kind in ASTRO {
        let (v_set, v_reset, v_th) = volts(kind);
        for i_cc in [15e-6, 30e-6, 60e-6] {
            let mut d = spec(kind).instantiate(3);
            d.apply(-v_reset, 50e-9).unwrap();
            // Far longer than the switching time: the state is limited by I_cc alone.
            let e = d.apply_compliance(v_set, 1e-3, i_cc).unwrap();
            let i_th = d.current_a(v_th);
            assert!(
                (i_th / i_cc - 1.0).abs() < 0.01,
                "{kind} I_cc {i_cc}: I(v_th) = {i_th}"
            );
            // The device never draws more than I_cc, so E <= V I_cc t.
            assert!(e > 0.0 && e <= v_set * i_cc * 1e-3, "{kind}: E = {e}");
            // More pulses at the same compliance do not move it further.
            let g1 = d.conductance_s();
            for _ in 0..5 {
                d.apply_compliance(v_set, 1e-3, i_cc).unwrap();
            }
            assert!((d.conductance_s() / g1 - 1.0).abs() < 1e-3);
        }
    }
}

#[test]
fn an_unreachable_compliance_is_a_plain_pulse() {
    for kind in ASTRO {
        let (v_set, v_reset, _) = volts(kind);
        for w in [5e-9, 50e-9] {
            let mut a = spec(kind).instantiate(7);
            let mut b = spec(kind).instantiate(7);
            a.apply(-v_reset, 50e-9).unwrap();
            b.apply(-v_reset, 50e-9).unwrap();
            let ea = a.apply(v_set, w).unwrap();
            let eb = b.apply_compliance(v_set, w, 1.0).unwrap();
            assert!((a.conductance_s() / b.conductance_s() - 1.0).abs() < 1e-12);
            assert!((ea / eb - 1.0).abs() < 1e-12, "{ea} vs {eb}");
        }
        // a compliance-limited set followed by a reset is one switching cycle
        let mut d = spec(kind).instantiate(7);
        d.apply(-v_reset, 50e-9).unwrap();
        d.apply_compliance(v_set, 1e-3, 30e-6).unwrap();
        d.apply(-v_reset, 50e-9).unwrap();
        assert_eq!(d.cycles(), 1);
    }
}

#[test]
fn reset_sweep_stop_voltage_sets_the_state() {
    for kind in ASTRO {
        let m = metrics(kind, Protocol::ResetSweep);
        assert!(m["levels"] >= 6.0, "{kind}: distinct reset levels {m:?}");
        // the paper's reset amplitude reaches the full ON/OFF ratio
        let target = if kind == DeviceKind::Astrocyte {
            40.0
        } else {
            15.0
        };
        let r = m["on_off_ratio"];
        assert!((r / target - 1.0).abs() < 0.15, "{kind}: ON/OFF {r}");
        // a second sweep to the same stop voltage changes almost nothing
        assert!(m["repeat_change"] < 0.01, "{m:?}");
    }
}

#[test]
fn reset_depth_grows_with_stop_voltage_not_with_repetition() {
    let kind = DeviceKind::Astrocyte;
    let g_after = |v_stop: f64, repeats: usize| {
        let mut d = spec(kind).instantiate(1);
        d.apply(1.6, 50e-9).unwrap();
        for _ in 0..repeats {
            d.apply(-v_stop, 1e-3).unwrap();
        }
        d.conductance_s()
    };
    let g: Vec<f64> = [1.3, 1.45, 1.6, 1.75]
        .iter()
        .map(|&v| g_after(v, 1))
        .collect();
    assert!(g.windows(2).all(|w| w[1] < 0.9 * w[0]), "{g:?}");
    assert!((g_after(1.45, 10) / g_after(1.45, 1) - 1.0).abs() < 1e-3);
}

#[test]
fn invalid_compliance_and_unsupported_devices_give_errors() {
    let mut d = spec(DeviceKind::Astrocyte).instantiate(1);
    for bad in [0.0, -1e-6, f64::NAN, f64::INFINITY] {
        let e = d.apply_compliance(1.6, 1e-3, bad).unwrap_err();
        assert!(matches!(e, DeviceError::InvalidCompliance { .. }), "{e}");
        assert!(e.to_string().contains("compliance"), "{e}");
    }
    assert!(matches!(
        d.apply_compliance(9.0, 1e-3, 1e-5),
        Err(DeviceError::VoltageOutOfWindow { .. })
    ));
    for kind in [DeviceKind::FtjLinear, DeviceKind::Otj, DeviceKind::Liwes] {
        let mut d = spec(kind).instantiate(1);
        let e = d.apply_compliance(1.0, 1e-3, 1e-5).unwrap_err();
        assert!(matches!(e, DeviceError::Unsupported { .. }), "{kind}: {e}");
    }
}
