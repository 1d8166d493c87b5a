//! `neuroxbar device` end to end: every applicable (device, protocol) pair
//! writes complete CSV, SVG and JSON files with the required metric keys.

use std::process::Command;

use neuroxbar_models::device::DeviceKind;
use neuroxbar_models::protocol::{applicable, Protocol};

fn required(p: Protocol) -> &'static [&'static str] {
    match p {
        Protocol::Ppf | Protocol::Ppd => &["tau1_s", "tau2_s", "c1", "c2"],
        Protocol::LtpLtd => &[
            "g_min_s",
            "g_max_s",
            "mean_dg_pot_s",
            "mean_dg_dep_s",
            "nl",
            "states",
        ],
        Protocol::Stdp => &["a_plus", "a_minus", "tau_plus_s", "tau_minus_s"],
        Protocol::StdpSymmetric => &["a_sym", "tau3_s", "w0_sym"],
        Protocol::Iv => &["nonlinearity_factor"],
        Protocol::Energy => &["energy_per_pulse_j"],
        Protocol::PulseTrain => &["final_g_s"],
        Protocol::SetCompliance => &["levels", "loglog_slope", "g_at_icc_max_s"],
        Protocol::ResetSweep => &["levels", "on_off_ratio", "repeat_change"],
        Protocol::Relaxation => &[],
        Protocol::Endurance => &[],
        Protocol::Bcm => &["f_th_g0_100us_hz", "f_th_g0_200us_hz", "f_th_g0_500us_hz"],
    }
}

#[test]
fn every_applicable_pair_writes_csv_svg_and_json() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-cli-device-{}", std::process::id()));
    for kind in DeviceKind::ALL {
        for p in applicable(kind) {
            let out = dir.join(format!("{kind}-{p}"));
            let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
                .args(["device", kind.name(), p.name(), "--seed", "3", "--out"])
                .arg(&out)
                .output()
                .expect("run neuroxbar");
            assert!(
                o.status.success(),
                "{kind} {p}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(!o.stdout.is_empty(), "{kind} {p}: no summary printed");
            let json: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(out.join(format!("{p}.json"))).unwrap(),
            )
            .unwrap();
            let obj = json.as_object().expect("flat object");
            assert_eq!(obj["device"], kind.name());
            assert_eq!(obj["protocol"], p.name());
            assert_eq!(obj["seed"], 3);
            for key in required(p) {
                assert!(
                    obj.get(*key)
                        .and_then(|v| v.as_f64())
                        .is_some_and(f64::is_finite),
                    "{kind} {p}: {key} missing"
                );
            }
            let csv = std::fs::read_to_string(out.join(format!("{p}.csv"))).unwrap();
            assert!(
                csv.starts_with("series,") && csv.lines().count() > 5,
                "{kind} {p}"
            );
            let svg = std::fs::read_to_string(out.join(format!("{p}.svg"))).unwrap();
            assert!(
                svg.trim_end().ends_with("</svg>") && svg.contains("<text"),
                "{kind} {p}"
            );
            let leftovers = std::fs::read_dir(&out).unwrap().count();
            assert_eq!(leftovers, 3, "{kind} {p}: only the three result files");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn errors_are_reported_not_panics() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&[
        "device",
        "astrocyte",
        "stdp",
        "--out",
        "/nonexistent-never-written",
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("applicable") && e.contains("iv"), "{e}");
    let bad = std::env::temp_dir().join(format!("neuroxbar-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "read_voltage_v = 0.1\n").unwrap();
    let o = run(&["device", "otj", "energy", "--params", bad.to_str().unwrap()]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && e.contains("missing field") && e.contains(bad.to_str().unwrap()),
        "{e}"
    );
    std::fs::remove_file(&bad).ok();
    let o = run(&["device", "memristor", "iv"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("ftj-relax"));
}

#[test]
fn through_rtl_runs_the_protocol_on_the_pulse_generator() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-cli-rtl-{}", std::process::id()));
    let run = |through: Option<&str>| {
        let out = dir.join(through.map_or("direct".into(), |c| format!("rtl-{c}")));
        let mut args = vec!["device", "ftj-linear", "ltp-ltd", "--out"];
        let out_s = out.to_string_lossy().to_string();
        args.push(&out_s);
        if let Some(clock) = through {
            args.extend(["--through-rtl", "--clock-mhz", clock]);
        }
        let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
            .args(&args)
            .output()
            .expect("run neuroxbar");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(out.join("ltp-ltd.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let d = run(None);
    assert_eq!(d["driver"], "direct");
    assert!(d.get("clock_mhz").is_none());
    // at 100 MHz and at 36 MHz (the iCEBreaker's PLL clock) the generator
    // emits the same 1 ms pulses in seconds, in 100 000 or 36 000 cycles
    let mut cycles = vec![];
    for clock in ["100", "36"] {
        let r = run(Some(clock));
        assert_eq!(r["driver"], "rtl-pulse-gen");
        assert_eq!(
            r["clock_mhz"].as_f64().unwrap(),
            clock.parse::<f64>().unwrap()
        );
        assert_eq!(r["rtl_pulses"], 300);
        // the 1 ms widths are whole cycles; only the back-to-back gaps (0 s)
        // take the generator's one-cycle minimum
        let cycle_s = 1e-6 / clock.parse::<f64>().unwrap();
        let rounding = r["rtl_max_rounding_s"].as_f64().unwrap();
        assert!(
            rounding <= cycle_s * (1.0 + 1e-9),
            "{clock} MHz: {rounding}"
        );
        // the same pulses: amplitudes and widths equal to floating-point rounding
        for k in ["g_min_s", "g_max_s", "nl", "states"] {
            let (a, b) = (d[k].as_f64().unwrap(), r[k].as_f64().unwrap());
            assert!(
                (a - b).abs() <= 1e-9 * a.abs(),
                "{clock} MHz {k}: {a} vs {b}"
            );
        }
        cycles.push(
            r["rtl_clocked_cycles"].as_u64().unwrap() + r["rtl_warped_cycles"].as_u64().unwrap(),
        );
    }
    let ratio = cycles[1] as f64 / cycles[0] as f64;
    assert!((ratio - 0.36).abs() < 1e-3, "{cycles:?}");
    // --clock-mhz without the RTL, or out of range, is an error
    for (args, want) in [
        (
            &["device", "liwes", "ppf", "--clock-mhz", "36"][..],
            "--through-rtl",
        ),
        (
            &[
                "device",
                "liwes",
                "ppf",
                "--through-rtl",
                "--clock-mhz",
                "0",
            ][..],
            "1 ..= 500 MHz",
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
            .args(args)
            .arg("--out")
            .arg(dir.join("bad"))
            .output()
            .unwrap();
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want) && err.contains("--clock-mhz"), "{err}");
        assert!(!dir.join("bad").exists());
    }
    let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .args(["device", "ftj-relax", "energy", "--through-rtl"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ppf, ppd, ltp-ltd"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pulses_option_selects_the_ftj_ltp_ltd_scheme() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-cli-pulses-{}", std::process::id()));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
            .args(args)
            .output()
            .unwrap()
    };
    let json = |scheme: &str| {
        let out = dir.join(scheme).to_string_lossy().to_string();
        let o = run(&[
            "device",
            "ftj-linear",
            "ltp-ltd",
            "--pulses",
            scheme,
            "--out",
            &out,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(dir.join(scheme).join("ltp-ltd.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()
    };
    let (s, i) = (json("stepped"), json("identical"));
    assert_eq!(s["pulses"], "stepped");
    assert_eq!(i["pulses"], "identical");
    assert_eq!(i["amplitude_first_v"], i["amplitude_last_v"]);
    assert_ne!(s["amplitude_first_v"], s["amplitude_last_v"]);
    let nl = i["nl"].as_f64().unwrap();
    assert!(nl <= 0.2, "identical NL {nl}");
    let nl = s["nl"].as_f64().unwrap();
    assert!((0.13..=0.17).contains(&nl), "stepped NL {nl}");
    // an option that does not apply is an error
    for args in [
        &["device", "otj", "ltp-ltd", "--pulses", "identical"][..],
        &["device", "ftj-linear", "stdp", "--pulses", "stepped"][..],
        &["device", "ftj-linear", "ltp-ltd", "--pulses", "ramp"][..],
    ] {
        let o = run(args);
        assert!(!o.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("pulse"),
            "{args:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_folder_is_fresh_complete_or_refused() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-cli-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap()
    };
    // a refused pair reserves no folder
    let o = run(&["device", "astrocyte", "stdp"]);
    assert!(!o.status.success());
    assert!(!dir.join("out").exists(), "a refused run created out/");
    // the default folder is numbered, one per run
    for n in 1..=2 {
        let o = run(&["device", "ftj-linear", "energy"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let d = dir.join(format!("out/device-ftj-linear-energy-{n}"));
        assert!(d.join("energy.json").exists(), "{}", d.display());
    }
    // a non-empty --out: refused, untouched; --force replaces it whole
    let res = dir.join("res");
    std::fs::create_dir_all(&res).unwrap();
    std::fs::write(res.join("iv.csv"), "old").unwrap();
    let o = run(&["device", "ftj-linear", "energy", "--out", "res"]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && e.contains("res") && e.contains("--force"),
        "{e}"
    );
    assert!(res.join("iv.csv").exists());
    let o = run(&["device", "ftj-linear", "energy", "--out", "res", "--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&res)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["energy.csv", "energy.json", "energy.svg"]);
    // options that do not apply to the protocol
    for (args, want) in [
        (
            &["device", "ftj-linear", "energy", "--cycles", "10"][..],
            "--cycles",
        ),
        (
            &["device", "astrocyte", "iv", "--through-rtl"],
            "--through-rtl",
        ),
    ] {
        let o = run(args);
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && e.contains(want), "{args:?}: {e}");
    }
    let o = run(&["device", "astrocyte", "iv", "--cycles", "10", "--out", "iv"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_dir_all(&dir).ok();
}

/// A metric the protocol cannot compute is `null` with its reason, never
/// left out; `--cycles` beyond the paper's endurance warns (stderr and JSON).
#[test]
fn missing_metrics_are_null_with_a_reason_and_cycles_past_endurance_warn() {
    let dir = std::env::temp_dir().join(format!("neuroxbar-cli-null-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // a threshold that rises so steeply with G0 that the 500 uS device's
    // lies beyond the swept frequencies
    let built_in = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/params/ftj-relax.toml"),
    )
    .unwrap();
    let steep = built_in.replace("theta_per_siemens = 1.5 ", "theta_per_siemens = 1e4 ");
    assert_ne!(steep, built_in);
    let params = dir.join("steep.toml");
    std::fs::write(&params, steep).unwrap();
    let out = dir.join("bcm");
    let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .args(["device", "ftj-relax", "bcm", "--params"])
        .arg(&params)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("bcm.json")).unwrap()).unwrap();
    assert!(j["f_th_g0_100us_hz"].as_f64().is_some(), "{j:#}");
    // present, as null (indexing a missing key would also give null)
    assert_eq!(
        j.get("f_th_g0_500us_hz"),
        Some(&serde_json::Value::Null),
        "{j:#}"
    );
    let why = j["missing_metrics"]["f_th_g0_500us_hz"].as_str().unwrap();
    assert!(why.contains("does not change sign"), "{why}");
    // cycles past the endurance (n-astrocyte: > 1e5, Cheng 2021)
    let out = dir.join("iv");
    let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .args([
            "device",
            "n-astrocyte",
            "iv",
            "--cycles",
            "1000000000",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning") && err.contains("endurance"),
        "{err}"
    );
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("iv.json")).unwrap()).unwrap();
    assert!(
        j["warnings"][0].as_str().unwrap().contains("1e5 cycles"),
        "{j:#}"
    );
    // within the endurance: no warning
    let out = dir.join("iv-ok");
    let o = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .args(["device", "n-astrocyte", "iv", "--cycles", "1000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success() && !String::from_utf8_lossy(&o.stderr).contains("warning"));
    let _ = std::fs::remove_dir_all(&dir);
}
