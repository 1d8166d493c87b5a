//! `neuroxbar run digits-refresh`: option errors (no simulation runs) and a
//! tiny run that writes its report.

mod common;

use common::{fails_with, run};

#[test]
fn digits_refresh_options_are_checked() {
    fails_with(
        &["digits-refresh", "--device", "otj"],
        "digits-refresh cannot use --device otj; devices for digits-refresh: astrocyte, n-astrocyte",
    );
    fails_with(
        &["digits-refresh", "--device", "ftj-linear"],
        "devices for digits-refresh: astrocyte, n-astrocyte",
    );
    fails_with(
        &["digits-refresh", "--test-images", "0"],
        "--test-images 0: allowed range 1..=450",
    );
    fails_with(
        &["digits-refresh", "--test-images", "451"],
        "--test-images 451: allowed range 1..=450",
    );
    fails_with(
        &["digits-refresh", "--max-cycles", "1e12"],
        "--max-cycles 1000000000000: allowed range 1..=1e11",
    );
    fails_with(
        &["digits-refresh", "--max-cycles", "0.5"],
        "--max-cycles 0.5: allowed range 1..=1e11",
    );
    fails_with(
        &["digits-refresh", "--train-epochs", "0"],
        "--train-epochs 0: allowed range 1..=1000",
    );
}

#[test]
fn other_experiments_options_are_errors_in_digits_refresh_and_back() {
    fails_with(
        &["digits-refresh", "--epochs", "3"],
        "--epochs does not apply to digits-refresh",
    );
    fails_with(
        &["digits-refresh", "--scheme", "v3"],
        "--scheme does not apply to digits-refresh",
    );
    fails_with(
        &["digits-refresh", "--clock-mhz", "600"],
        "--clock-mhz 600: allowed range 0.1 ..= 500 MHz",
    );
    fails_with(
        &["digits-refresh", "--no-warp"],
        "--no-warp does not apply to digits-refresh",
    );
    fails_with(
        &["digits-refresh", "--gap-ms", "50"],
        "--gap-ms does not apply to digits-refresh (temporal-stp only)",
    );
    fails_with(
        &["letters-stdp", "--test-images", "5"],
        "--test-images does not apply to letters-stdp (digits-refresh only)",
    );
    fails_with(
        &["temporal-stp", "--max-cycles", "10"],
        "--max-cycles does not apply to temporal-stp (digits-refresh only)",
    );
    fails_with(
        &["letters-stm-ltm", "--train-epochs", "10"],
        "--train-epochs does not apply to letters-stm-ltm (digits-refresh only)",
    );
}

#[test]
fn a_tiny_run_prints_where_the_report_is() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-cli-e4-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = run(&[
        "digits-refresh",
        "--device",
        "astrocyte",
        "--test-images",
        "5",
        "--max-cycles",
        "10",
        "--train-epochs",
        "5",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains(&format!("report: {}", dir.join("report.json").display())),
        "{out}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let acc = r["accuracy"].as_array().unwrap();
    // 1e0 and 1e1 cycles, without and with refresh
    assert_eq!(acc.len(), 4);
    for a in acc {
        assert_eq!(a["device"], "astrocyte");
        assert!(a["value"].as_f64().unwrap() >= 0.0 && a["value"].as_f64().unwrap() <= 1.0);
    }
    for k in ["wall_time_s", "simulated_time_s", "cycles", "energy_j"] {
        assert!(r[k].as_f64().unwrap() > 0.0, "{k}");
    }
    assert_eq!(r["split"]["train"], 1347);
    assert_eq!(r["split"]["test"], 450);
    for f in [
        "accuracy.csv",
        "accuracy_vs_cycles.svg",
        "iv_half_ratio.svg",
        "weights.csv",
        "weights.svg",
        "predictions.csv",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// At 36 MHz the paper's 50 ns programming and refresh pulses are 2 cycles
/// (55.6 ns): the report states the clock and the widths the controller
/// emits, and the same images run in fewer, longer cycles.
#[test]
fn the_clock_sets_the_cycle_and_the_report_states_it() {
    let base = std::env::temp_dir().join(format!("neuroxbar-cli-e4-clock-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let mut reports = Vec::new();
    for mhz in ["100", "36"] {
        let dir = base.join(mhz);
        let o = run(&[
            "digits-refresh",
            "--device",
            "astrocyte",
            "--test-images",
            "3",
            "--max-cycles",
            "10",
            "--train-epochs",
            "2",
            "--clock-mhz",
            mhz,
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap())
                .unwrap();
        reports.push(r);
    }
    let f = |r: &serde_json::Value, k: &str| r["rtl"][k].as_f64().unwrap();
    assert_eq!(reports[0]["clock_mhz"], 100.0);
    assert_eq!(reports[1]["clock_mhz"], 36.0);
    assert!((f(&reports[0], "clock_mhz") - 100.0).abs() < 1e-9);
    assert!((f(&reports[1], "clock_mhz") - 36.0).abs() < 1e-9);
    // 50 ns: 5 cycles of 10 ns; 2 cycles of 27.8 ns
    for k in ["pulse_width_emitted_s", "refresh_width_emitted_s"] {
        assert!((f(&reports[0], k) - 50e-9).abs() < 1e-15, "{k}");
        assert!((f(&reports[1], k) - 2.0 / 36e6).abs() < 1e-15, "{k}");
    }
    let (c100, c36) = (
        reports[0]["cycles"].as_f64().unwrap(),
        reports[1]["cycles"].as_f64().unwrap(),
    );
    let (t100, t36) = (
        reports[0]["simulated_time_s"].as_f64().unwrap(),
        reports[1]["simulated_time_s"].as_f64().unwrap(),
    );
    assert!(c36 < c100, "{c36} cycles at 36 MHz, {c100} at 100 MHz");
    assert!((t36 - c36 / 36e6).abs() < 1e-12 && (t100 - c100 / 100e6).abs() < 1e-12);
    std::fs::remove_dir_all(&base).ok();
}
