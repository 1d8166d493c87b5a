//! Every calibration target of models/DEVICES.md, reproduced by running
//! the protocol functions (the same code path as `neuroxbar device`).

use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::{self, Options, Protocol};

const SEED: u64 = 1;

fn metrics(
    kind: DeviceKind,
    p: Protocol,
    cycles: Option<u64>,
) -> std::collections::BTreeMap<String, f64> {
    let spec = DeviceSpec::load(kind, None).expect("built-in parameters");
    protocol::run(p, &spec, &Options { seed: SEED, cycles })
        .expect("protocol runs")
        .metrics
}

/// Assert `key` within `tol` (relative) of `target`.
fn near(m: &std::collections::BTreeMap<String, f64>, key: &str, target: f64, tol: f64, what: &str) {
    let v = *m
        .get(key)
        .unwrap_or_else(|| panic!("{what}: metric `{key}` missing in {m:?}"));
    let rel = (v - target).abs() / target.abs();
    println!(
        "{what}: {key} = {v:.4e} (target {target:.4e}, {:+.1} %)",
        100.0 * (v - target) / target
    );
    assert!(
        rel <= tol,
        "{what}: {key} = {v} vs target {target} (tolerance {} %)",
        tol * 100.0
    );
}

const TOL: f64 = 0.15;

#[test]
fn ftj_relax_pulse_trains() {
    let m = metrics(DeviceKind::FtjRelax, Protocol::PulseTrain, None);
    near(&m, "final_g_p1v5_s", 1520e-6, TOL, "ftj-relax +1.5 V train");
    near(&m, "final_g_p1v0_s", 1020e-6, TOL, "ftj-relax +1.0 V train");
    near(&m, "final_g_m1v5_s", 269e-6, TOL, "ftj-relax -1.5 V train");
    near(&m, "final_g_m1v8_s", 152e-6, TOL, "ftj-relax -1.8 V train");
    // sliding threshold: f_th is higher after the 20 Hz prior than after 2 Hz
    let lo = m["f_th_after_2hz_hz"];
    let hi = m["f_th_after_20hz_hz"];
    println!("ftj-relax f_th after 2 Hz prior = {lo} Hz, after 20 Hz prior = {hi} Hz");
    assert!(
        hi > 2.0 * lo,
        "f_th after 20 Hz ({hi}) must exceed f_th after 2 Hz ({lo})"
    );
}

#[test]
fn ftj_relax_ppf_ppd_and_relaxation() {
    let m = metrics(DeviceKind::FtjRelax, Protocol::Ppf, None);
    near(&m, "tau1_s", 0.069, TOL, "ftj-relax PPF");
    near(&m, "tau2_s", 0.240, TOL, "ftj-relax PPF");
    assert!(m["c1"] > 0.0 && m["c2"] > 0.0, "PPF facilitates: {m:?}");
    let m = metrics(DeviceKind::FtjRelax, Protocol::Ppd, None);
    near(&m, "tau1_s", 0.066, TOL, "ftj-relax PPD");
    near(&m, "tau2_s", 0.380, TOL, "ftj-relax PPD");
    assert!(m["c1"] < 0.0 && m["c2"] < 0.0, "PPD depresses: {m:?}");
    let m = metrics(DeviceKind::FtjRelax, Protocol::Relaxation, None);
    near(&m, "tau1_s", 0.069, TOL, "ftj-relax relaxation");
    near(&m, "tau2_s", 0.240, TOL, "ftj-relax relaxation");
}

#[test]
fn otj_targets() {
    let m = metrics(DeviceKind::Otj, Protocol::LtpLtd, None);
    near(&m, "g_min_s", 1.0e-6, TOL, "otj LTP/LTD");
    near(&m, "g_max_s", 10.5e-6, TOL, "otj LTP/LTD");
    near(&m, "states", 20.0, TOL, "otj LTP/LTD");
    assert!(
        m["g_max_cycle_cv"] < 0.1,
        "repeatable over 100 cycles: {m:?}"
    );
    let m = metrics(DeviceKind::Otj, Protocol::Energy, None);
    near(&m, "energy_stm_j", 0.026e-15, TOL, "otj STM spike energy");
    near(&m, "energy_ltm_j", 0.46e-15, TOL, "otj LTM spike energy");
    let m = metrics(DeviceKind::Otj, Protocol::PulseTrain, None);
    near(
        &m,
        "ltm_threshold_v",
        1.8,
        0.05,
        "otj STM->LTM threshold (20 ns)",
    );
    let lrs = "otj LRS after a 100 ms +2.2 V write and 1e4 s";
    near(&m, "r_lrs_after_1e4s_ohm", 2.7e4, TOL, lrs);
    let hrs = "otj HRS after a 100 ms -4.3 V write and 1e4 s";
    near(&m, "r_hrs_after_1e4s_ohm", 1.8e8, TOL, hrs);
    assert!(
        m["current_gain_1000khz"] > m["current_gain_100khz"] && m["current_gain_100khz"] > 1.0,
        "{m:?}"
    );
    let m = metrics(DeviceKind::Otj, Protocol::Stdp, None);
    near(&m, "a_plus", 96.3, TOL, "otj STDP");
    near(&m, "tau_plus_s", 4.4e-6, TOL, "otj STDP");
    near(&m, "a_minus", 53.1, TOL, "otj STDP");
    near(&m, "tau_minus_s", 4.2e-6, TOL, "otj STDP");
}

#[test]
fn liwes_targets() {
    let m = metrics(DeviceKind::Liwes, Protocol::Ppf, None);
    near(&m, "tau1_s", 0.019, TOL, "liwes PPF");
    near(&m, "tau2_s", 0.433, TOL, "liwes PPF");
    // the authors' short-term parameter set (1 V, 200 us; 20 recordings averaged)
    let m = metrics(DeviceKind::Liwes, Protocol::Relaxation, None);
    near(&m, "tau1_s", 5e-3, TOL, "liwes short-term decay");
    near(&m, "tau2_s", 92e-3, TOL, "liwes short-term decay");
    let m = metrics(DeviceKind::Liwes, Protocol::LtpLtd, None);
    near(&m, "states", 1024.0, TOL, "liwes LTP/LTD");
    println!("liwes NL = {}", m["nl"]);
    assert!(m["nl"] < 0.3, "relatively linear and symmetric: {m:?}");
    let m = metrics(DeviceKind::Liwes, Protocol::Energy, None);
    near(&m, "energy_per_pulse_j", 2e-12, TOL, "liwes energy");
    let m = metrics(DeviceKind::Liwes, Protocol::Endurance, None);
    near(&m, "dynamic_range_pct", 500.0, TOL, "liwes endurance");
    let m = metrics(DeviceKind::Liwes, Protocol::PulseTrain, None);
    // high-pass filtering: the gain rises at every frequency step 1 - 80 Hz
    let gains: Vec<f64> = [1, 2, 5, 10, 20, 40, 80]
        .iter()
        .map(|f| m[&format!("gain_{f}hz")])
        .collect();
    assert!(
        gains.windows(2).all(|g| g[1] > g[0]),
        "high-pass: {gains:?}"
    );
}

#[test]
fn astrocyte_targets() {
    let m = metrics(DeviceKind::Astrocyte, Protocol::Iv, Some(100_000_000_000));
    near(
        &m,
        "nonlinearity_factor",
        5.0,
        TOL,
        "astrocyte 2+c at 1e11 cycles",
    );
    assert!(
        m["nonlinearity_factor_after_refresh"] < 0.6 * m["nonlinearity_factor"],
        "refresh restores linearity: {m:?}"
    );
    let m7 = metrics(DeviceKind::Astrocyte, Protocol::Iv, Some(10_000_000))["nonlinearity_factor"];
    let m0 = metrics(DeviceKind::Astrocyte, Protocol::Iv, Some(0))["nonlinearity_factor"];
    println!("astrocyte 2+c: pristine {m0}, 1e7 cycles {m7}");
    assert!(
        (m7 - m0).abs() / m0 < 0.03,
        "almost unchanged up to 1e7 cycles"
    );
    let m = metrics(DeviceKind::Astrocyte, Protocol::Endurance, None);
    near(&m, "on_off_ratio", 40.0, TOL, "astrocyte ON/OFF");
    assert!(m["endurance_cycles"] >= 1e11, "{m:?}");
    let m = metrics(DeviceKind::NAstrocyte, Protocol::Iv, Some(100_000));
    near(
        &m,
        "nonlinearity_factor",
        12.0,
        TOL,
        "n-astrocyte 2+c at 1e5 cycles",
    );
    assert!(
        m["nonlinearity_factor_after_refresh"] > 0.9 * m["nonlinearity_factor"],
        "no YSZ, no refresh: {m:?}"
    );
    let m = metrics(DeviceKind::NAstrocyte, Protocol::Endurance, None);
    near(&m, "on_off_ratio", 15.0, TOL, "n-astrocyte ON/OFF");
    assert!(m["endurance_cycles"] >= 1e5, "{m:?}");
}

#[test]
fn ftj_linear_targets() {
    let m = metrics(DeviceKind::FtjLinear, Protocol::LtpLtd, None);
    near(&m, "g_min_s", 40e-6, TOL, "ftj-linear window");
    near(&m, "g_max_s", 90e-6, TOL, "ftj-linear window");
    near(
        &m,
        "mean_dg_pot_s",
        0.32e-6,
        TOL,
        "ftj-linear potentiation step",
    );
    near(
        &m,
        "mean_dg_dep_s",
        -0.36e-6,
        TOL,
        "ftj-linear depression step",
    );
    near(&m, "states", 150.0, TOL, "ftj-linear states");
    let nl = m["nl"];
    println!("ftj-linear NL = {nl}");
    assert!(
        (0.13..=0.17).contains(&nl),
        "ftj-linear NL {nl} outside 0.13 - 0.17"
    );
    let m = metrics(DeviceKind::FtjReference, Protocol::LtpLtd, None);
    let nl = m["nl"];
    println!("ftj-reference NL = {nl}");
    assert!(
        (0.61..=0.65).contains(&nl),
        "ftj-reference NL {nl} outside 0.61 - 0.65"
    );
    let m = metrics(DeviceKind::FtjLinear, Protocol::Stdp, None);
    near(&m, "a_plus", 50.01, TOL, "ftj-linear STDP");
    near(&m, "a_minus", 52.18, TOL, "ftj-linear STDP");
    near(&m, "tau_plus_s", 1.00e-3, TOL, "ftj-linear STDP");
    near(&m, "tau_minus_s", 1.11e-3, TOL, "ftj-linear STDP");
}
