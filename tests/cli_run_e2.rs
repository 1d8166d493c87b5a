//! `neuroxbar run orientation-bcm` / `moving-direction`: option errors (no
//! simulation runs) and one tiny end-to-end run that prints its report.

mod common;

use common::{fails_with, run};

#[test]
fn orientation_bcm_options_are_checked() {
    fails_with(
        &["orientation-bcm", "--rho0-hz", "0"],
        "--rho0-hz 0: allowed range (0, 100] Hz",
    );
    fails_with(
        &["orientation-bcm", "--eta", "0.3"],
        "--eta 0.3: allowed range a power of two",
    );
    fails_with(
        &["orientation-bcm", "--theta-windows", "3"],
        "--theta-windows 3: allowed range a power of two 1 ..= 32768",
    );
    fails_with(
        &["orientation-bcm", "--window-s", "50"],
        "--window-s 50: allowed range 0.05 ..= 20 s",
    );
    fails_with(
        &["orientation-bcm", "--window-ticks", "1"],
        "--window-ticks 1: allowed range 2 ..= 1000",
    );
    fails_with(
        &["orientation-bcm", "--epochs", "0"],
        "--epochs 0: allowed range 1..=10000",
    );
    fails_with(
        &["orientation-bcm", "--seeds", "0"],
        "--seeds 0: allowed range 1..=100",
    );
    fails_with(
        &["orientation-bcm", "--device", "otj"],
        "orientation-bcm runs on ftj-relax devices",
    );
    // a threshold beyond the LIF's range names both options
    fails_with(
        &["orientation-bcm", "--rho0-hz", "90", "--window-s", "20"],
        "--rho0-hz 90 with --window-s 20",
    );
    fails_with(
        &["moving-direction", "--trials", "0"],
        "--trials 0: allowed range 1..=50",
    );
    fails_with(
        &["moving-direction", "--step-ms", "0.5"],
        "--step-ms 0.5: allowed range 1..=10000 ms",
    );
    fails_with(
        &["orientation-bcm", "--test-repeats", "0"],
        "--test-repeats 0: allowed range 1..=100",
    );
    fails_with(
        &["moving-direction", "--test-repeats", "101"],
        "--test-repeats 101: allowed range 1..=100",
    );
    fails_with(
        &["moving-direction", "--rest-s", "-1"],
        "--rest-s -1: allowed range 0..=100 s",
    );
    fails_with(
        &["orientation-bcm", "--v-pot-v", "0"],
        "--v-pot-v 0: allowed range (0, 3] V",
    );
    fails_with(
        &["orientation-bcm", "--v-dep-v", "-3.5"],
        "--v-dep-v -3.5: allowed range [-3, 0) V",
    );
    fails_with(
        &["moving-direction", "--v-dep-v", "0.5"],
        "--v-dep-v 0.5: allowed range [-3, 0) V",
    );
    fails_with(
        &["orientation-bcm", "--pulse-width-us", "2000"],
        "--pulse-width-us 2000: allowed range 0.1 ..= 1000 us",
    );
    fails_with(
        &["orientation-bcm", "--homeostasis", "5"],
        "--homeostasis 5: allowed range 0 ..= 4",
    );
    fails_with(
        &["orientation-bcm", "--homeostasis", "0.1", "--no-wta"],
        "--homeostasis 0.1: needs winner-take-all learning",
    );
    fails_with(
        &["orientation-bcm", "--homeostasis-decay-shift", "32"],
        "--homeostasis-decay-shift 32: allowed range 0 ..= 31",
    );
    fails_with(
        &["orientation-bcm", "--win-share", "8"],
        "--win-share 8: allowed: a power of two 1 ..= --spikes-per-rho0 (4)",
    );
    fails_with(
        &[
            "orientation-bcm",
            "--win-share",
            "3",
            "--spikes-per-rho0",
            "16",
        ],
        "--win-share 3: allowed: a power of two 1 ..= --spikes-per-rho0 (16)",
    );
    fails_with(
        &["orientation-bcm", "--warmup-epochs", "10001"],
        "--warmup-epochs 10001: allowed range 0..=10000",
    );
    fails_with(
        &["orientation-bcm", "--wta-mode", "last"],
        "invalid value 'last' for '--wta-mode",
    );
}

#[test]
fn options_of_other_experiments_are_errors() {
    fails_with(
        &["orientation-bcm", "--trials", "2"],
        "--trials does not apply to orientation-bcm (moving-direction only)",
    );
    fails_with(
        &["orientation-bcm", "--rest-s", "5"],
        "--rest-s does not apply to orientation-bcm (moving-direction only)",
    );
    fails_with(
        &["letters-stdp", "--v-pot-v", "0.3"],
        "--v-pot-v does not apply to letters-stdp",
    );
    fails_with(
        &["temporal-stp", "--test-repeats", "5"],
        "--test-repeats does not apply to temporal-stp (letters-stdp, orientation-bcm and moving-direction only)",
    );
    fails_with(
        &["letters-stdp", "--test-repeats", "0"],
        "--test-repeats 0: allowed range 1..=100",
    );
    fails_with(
        &["orientation-bcm", "--gap-ms", "5"],
        "--gap-ms does not apply to orientation-bcm (temporal-stp only)",
    );
    fails_with(
        &["moving-direction", "--scheme", "v3"],
        "--scheme does not apply to moving-direction (letters-stm-ltm only)",
    );
    fails_with(
        &["orientation-bcm", "--encoding", "rate"],
        "--encoding does not apply to orientation-bcm (letters-stdp only)",
    );
    fails_with(
        &["letters-stdp", "--homeostasis", "0.1"],
        "--homeostasis does not apply to letters-stdp (orientation-bcm and moving-direction only)",
    );
    fails_with(
        &["letters-stdp", "--rho0-hz", "3"],
        "--rho0-hz does not apply to letters-stdp (orientation-bcm and moving-direction only)",
    );
    fails_with(
        &["temporal-stp", "--eta", "1"],
        "--eta does not apply to temporal-stp (orientation-bcm and moving-direction only)",
    );
    fails_with(
        &["letters-stm-ltm", "--step-ms", "10"],
        "--step-ms does not apply to letters-stm-ltm",
    );
}

#[test]
fn a_short_orientation_run_prints_its_report() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-cli-e2-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = run(&[
        "orientation-bcm",
        "--epochs",
        "2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = dir.join("report.json");
    assert!(
        out.contains(&format!("report: {}", report.display())),
        "{out}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["neurons"].as_array().unwrap().len(), 4);
    for key in [
        "distinct_orientations",
        "wall_time_s",
        "simulated_time_s",
        "cycles",
        "energy_j",
        "rho0_hz",
        "eta",
        "theta_windows",
        "window_s",
    ] {
        assert!(!r[key].is_null(), "{key} missing");
    }
    assert_eq!(r["parameters"]["epochs"], 2);
    std::fs::remove_dir_all(&dir).ok();
}

/// One learning epoch and one test presentation per orientation at a
/// 0.1 MHz clock (the 10 us programming pulses are one cycle): 3.7e6 cycles,
/// every one clocked with --no-warp (about 50 s on 2 shared cores).
#[test]
fn orientation_bcm_no_warp_gives_the_same_numbers() {
    common::warp_vs_no_warp(
        "e2-warp",
        &[
            "run",
            "orientation-bcm",
            "--epochs",
            "1",
            "--test-repeats",
            "1",
            "--clock-mhz",
            "0.1",
        ],
    );
}

/// As above, then one pass of the bar per orientation and direction with 1 s
/// of rest between trials (5.2e6 cycles).
#[test]
fn moving_direction_no_warp_gives_the_same_numbers() {
    common::warp_vs_no_warp(
        "e2b-warp",
        &[
            "run",
            "moving-direction",
            "--epochs",
            "1",
            "--test-repeats",
            "1",
            "--trials",
            "1",
            "--rest-s",
            "1",
            "--clock-mhz",
            "0.1",
        ],
    );
}
