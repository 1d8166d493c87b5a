//! Claims of the astrocyte (Cheng et al. 2021) and ftj-relax (Nie et al. 2025)
//! papers that the earlier models contradicted (issue 13), each with the
//! parameter change that makes the check fail (the earlier behaviour).
//! Targets: models/DEVICES.md sections 1 and 4.

use std::collections::BTreeMap;

use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::{self, iv, Options, Protocol};

/// The built-in parameter file of `kind` with `key` set to `value`.
fn with(kind: DeviceKind, edits: &[(&str, &str)]) -> DeviceSpec {
    let text: Vec<String> = kind
        .default_params_toml()
        .lines()
        .map(|l| {
            let key = l.split('=').next().unwrap_or("").trim();
            match edits.iter().find(|(k, _)| *k == key) {
                Some((k, v)) => format!("{k} = {v}"),
                None => l.to_string(),
            }
        })
        .collect();
    for (k, _) in edits {
        assert!(
            text.iter().any(|l| l.starts_with(&format!("{k} = "))),
            "{k}"
        );
    }
    DeviceSpec::from_toml_str(kind, &text.join("\n"), "edited.toml").unwrap()
}

fn spec(kind: DeviceKind) -> DeviceSpec {
    DeviceSpec::load(kind, None).unwrap()
}

fn metrics(spec: &DeviceSpec, p: Protocol) -> BTreeMap<String, f64> {
    protocol::run(
        p,
        spec,
        &Options {
            seed: 1,
            cycles: None,
        },
    )
    .unwrap()
    .metrics
}

/// Fig 4a / Fig 6c: the factor is almost unchanged up to 1e7 cycles, has
/// risen well on its way by 1e8 (where the amplitude-coded MNIST accuracy has
/// dropped to 62.98 %) and is ~5 at 1e11; `None` when it holds, else why not.
fn nonlinearity_rise_error(m: &BTreeMap<String, f64>) -> Option<String> {
    let nf = |d: u32| m[&format!("nonlinearity_factor_1e{d}")];
    let err = |d: u32| m[&format!("amplitude_coding_error_1e{d}")];
    let (n0, n7, n8, n11) = (nf(0), nf(7), nf(8), nf(11));
    if (n7 - n0).abs() / n0 >= 0.03 {
        return Some(format!("changes by 3 % or more up to 1e7: {n0} -> {n7}"));
    }
    if (n11 - 5.0).abs() / 5.0 > 0.15 {
        return Some(format!("not ~5 at 1e11: {n11}"));
    }
    if n8 < n0 + 0.4 * (n11 - n0) {
        return Some(format!(
            "less than 40 % of the rise done at 1e8: {n0} -> {n8} -> {n11}"
        ));
    }
    if !(7..11).all(|d| nf(d + 1) > nf(d)) {
        return Some(format!("not rising from 1e7 to 1e11: {m:?}"));
    }
    if err(8) < 1.4 * err(7) {
        return Some(format!(
            "amplitude-coding error at 1e8 ({}) not 1.4 x that at 1e7 ({})",
            err(8),
            err(7)
        ));
    }
    None
}

#[test]
fn astrocyte_nonlinearity_rises_between_1e7_and_1e11() {
    let m = metrics(&spec(DeviceKind::Astrocyte), Protocol::Endurance);
    for d in [0, 7, 8, 9, 10, 11] {
        println!(
            "astrocyte 1e{d} cycles: 2+c = {:.3}, amplitude-coding error = {:.4}",
            m[&format!("nonlinearity_factor_1e{d}")],
            m[&format!("amplitude_coding_error_1e{d}")]
        );
    }
    assert_eq!(nonlinearity_rise_error(&m), None);
    // The earlier law, 2+c = 2.2 + 2.8 (N / 1e11)^0.5 (2.29 at 1e8), fails.
    let old = with(
        DeviceKind::Astrocyte,
        &[("n_half_cycles", "1e18"), ("nf_exponent", "0.5")],
    );
    let e = nonlinearity_rise_error(&metrics(&old, Protocol::Endurance));
    assert!(e.as_deref().is_some_and(|e| e.contains("at 1e8")), "{e:?}");
}

/// The factor 2+c of a device set at +1.6 V (LRS I-V fit).
fn factor(d: &mut dyn neuroxbar_models::device::Device) -> f64 {
    iv::sweep(d, 1.6).unwrap().2
}

#[test]
fn astrocyte_refresh_is_a_pair_of_50ns_3v5_pulses() {
    let s = spec(DeviceKind::Astrocyte);
    let mut fresh = s.instantiate(1);
    let pristine = factor(fresh.as_mut());
    for (v1, v2) in [(3.5, -3.5), (-3.5, 3.5)] {
        let mut d = s.instantiate(1);
        d.set_cycles(100_000_000);
        let before = factor(d.as_mut());
        d.apply(v1, 50e-9).unwrap();
        d.apply(v2, 50e-9).unwrap();
        let after = factor(d.as_mut());
        println!(
            "1e8 cycles: 2+c = {before:.3}, after a {v1:+} / {v2:+} V, 50 ns pair: {after:.3}"
        );
        assert!(before > pristine + 1.0, "{before} vs {pristine}");
        assert!(
            (after - pristine).abs() < 0.01 * pristine,
            "{after} vs {pristine}"
        );
        assert_eq!(
            d.cycles(),
            100_000_000 + 1,
            "the refresh pair is one more cycle"
        );
    }
    // 40 ns pulses (the earlier minimum width) or a single pulse do not refresh.
    for pulses in [&[(3.5, 40e-9), (-3.5, 40e-9)][..], &[(3.5, 50e-9)][..]] {
        let mut d = s.instantiate(1);
        d.set_cycles(100_000_000);
        let before = factor(d.as_mut());
        for &(v, w) in pulses {
            d.apply(v, w).unwrap();
        }
        let after = factor(d.as_mut());
        // (the pair is one more switching cycle, a 1e-8 step of the law)
        assert!(
            after >= before && after - before < 1e-4 * before,
            "{pulses:?}: {before} -> {after}"
        );
    }
}

#[test]
fn n_astrocyte_on_off_ratio_falls_with_cycling() {
    let onoff = |m: &BTreeMap<String, f64>, d: u32| m[&format!("on_off_ratio_1e{d}")];
    let falls = |m: &BTreeMap<String, f64>| {
        (0..5).all(|d| onoff(m, d + 1) < onoff(m, d)) && onoff(m, 5) < 0.8 * onoff(m, 0)
    };
    let m = metrics(&spec(DeviceKind::NAstrocyte), Protocol::Endurance);
    let series: Vec<f64> = (0..=6).map(|d| onoff(&m, d)).collect();
    println!("n-astrocyte ON/OFF at 1e0 .. 1e6 cycles: {series:?}");
    assert!((onoff(&m, 0) - 15.0).abs() < 0.15 * 15.0, "{series:?}");
    assert!(
        falls(&m),
        "Fig 2c: ON/OFF must fall with cycling: {series:?}"
    );
    // the endurance (> 1e5) still holds: the window is at least half open at 1e5
    assert!(onoff(&m, 5) >= 0.5 * onoff(&m, 0), "{series:?}");
    assert_eq!(m["endurance_cycles"], 1e5, "{m:?}");
    // A flat window until the endurance limit (the earlier model) fails.
    let flat = with(DeviceKind::NAstrocyte, &[("onoff_decay_per_decade", "0.0")]);
    assert!(!falls(&metrics(&flat, Protocol::Endurance)));
}

#[test]
fn astrocyte_on_off_ratio_holds_to_its_endurance_lower_bound() {
    let m = metrics(&spec(DeviceKind::Astrocyte), Protocol::Endurance);
    let onoff = |d: u32| m[&format!("on_off_ratio_1e{d}")];
    println!(
        "astrocyte ON/OFF at 1e0, 1e11, 1e12: {} {} {}",
        onoff(0),
        onoff(11),
        onoff(12)
    );
    // Fig 3e: ~40 up to 1e11 cycles; the model claims no endurance beyond it
    assert!((onoff(11) / onoff(0) - 1.0).abs() < 1e-9);
    assert_eq!(m["endurance_cycles"], 1e11, "{m:?}");
    assert!(onoff(12) < 0.5 * onoff(0));
}

/// Fig 5c: the BCM threshold frequency slides up with G0; `None` when it
/// holds, else why not.
fn threshold_slide_error(m: &BTreeMap<String, f64>) -> Option<String> {
    let f: Vec<Option<f64>> = [100, 200, 500]
        .iter()
        .map(|g| m.get(&format!("f_th_g0_{g}us_hz")).copied())
        .collect();
    let [Some(f100), Some(f200), Some(f500)] = f[..] else {
        return Some(format!("no threshold for every G0: {f:?}"));
    };
    (!(f100 < f200 && f200 < f500 && f500 > 1.2 * f100))
        .then(|| format!("threshold does not slide up with G0: {f:?}"))
}

#[test]
fn ftj_relax_bcm_threshold_slides_with_g0() {
    let s = spec(DeviceKind::FtjRelax);
    let r = protocol::run(
        Protocol::Bcm,
        &s,
        &Options {
            seed: 1,
            cycles: None,
        },
    )
    .unwrap();
    println!("{:?}", r.metrics);
    assert_eq!(threshold_slide_error(&r.metrics), None);
    // every curve depresses at the lowest and potentiates at the highest frequency
    for c in &r.series {
        let (lo, hi) = (c.y[0], c.y[c.y.len() - 1]);
        println!(
            "{}: dW {lo:.4} % at {} Hz, {hi:.1} % at {} Hz",
            c.name,
            c.x[0],
            c.x[c.x.len() - 1]
        );
        assert!(lo < 0.0 && hi > 0.0, "{}: {:?}", c.name, c.y);
    }
    // Without the weight-dependent threshold (the earlier model) it fails.
    let flat = with(DeviceKind::FtjRelax, &[("theta_per_siemens", "0.0")]);
    assert!(threshold_slide_error(&metrics(&flat, Protocol::Bcm)).is_some());
}

#[test]
fn ftj_relax_bcm_rejects_a_floor_above_g0() {
    let s = with(DeviceKind::FtjRelax, &[("g_min_s", "150e-6")]);
    let e = protocol::run(Protocol::Bcm, &s, &Options::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("edited.toml") && msg.contains("g_min_s"),
        "{msg}"
    );
}

/// Relative sd of the conductance after 10 x (+1.5 V, 100 us, 3.33 Hz) over
/// 400 devices (seeds).
fn train_spread(s: &DeviceSpec) -> f64 {
    let g: Vec<f64> = (0..400)
        .map(|seed| {
            let mut d = s.instantiate(seed);
            for k in 0..10 {
                if k > 0 {
                    d.advance(1.0 / 3.33 - 100e-6);
                }
                d.apply(1.5, 100e-6).unwrap();
            }
            d.conductance_s()
        })
        .collect();
    let n = g.len() as f64;
    let mean = g.iter().sum::<f64>() / n;
    (g.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() / mean
}

#[test]
fn ftj_relax_variation_in_conductance_is_below_the_reported_bounds() {
    // Section 2.1: C2C and D2D variations in conductance below 1.21 % and 1.93 %.
    let c2c = train_spread(&with(DeviceKind::FtjRelax, &[("d2d_sd", "0.0")]));
    let d2d = train_spread(&with(DeviceKind::FtjRelax, &[("c2c_sd", "0.0")]));
    println!("conductance spread after a +1.5 V train: C2C only {c2c:.4}, D2D only {d2d:.4}");
    assert!(c2c > 0.001 && c2c < 0.0121, "{c2c}");
    assert!(d2d > 0.001 && d2d < 0.0193, "{d2d}");
}
