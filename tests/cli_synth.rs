//! `neuroxbar synth` end to end: a unit top synthesized, placed and routed on
//! the iCE40 UP5K (resources, no latches, fmax), another mapped to the Artix-7
//! (resources, no fmax and why), and unknown targets and tops rejected with
//! the allowed values. (Wrapping the accelerator, whose synthesis takes
//! minutes, is checked by the unit tests of `src/cmd/synth.rs`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn synth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .arg("synth")
        .args(args)
        .output()
        .expect("run neuroxbar")
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli_synth-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Run `synth --target T --top NAME` into a scratch directory; return the
/// parsed synth.json and the directory.
fn run_ok(test: &str, target: &str, top: &str) -> (serde_json::Value, PathBuf) {
    let out = scratch(test).join("out");
    let o = synth(&[
        "--target",
        target,
        "--top",
        top,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(top) && stdout.contains("LUT"),
        "no table printed:\n{stdout}"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("synth.json"))).unwrap();
    assert_eq!(json["target"], target);
    assert_eq!(json["top"], top);
    assert_eq!(json["latches"], 0, "{json:#}");
    for class in ["LUT", "FF"] {
        let used = json["resources"][class]["used"].as_u64().unwrap_or(0);
        assert!(used > 0, "{class}: {json:#}");
        assert!(json["resources"][class]["available"].as_u64().unwrap() > used);
    }
    let md = read(&out.join("synth.md"));
    assert!(md.contains("| LUT |") && md.contains("| FF |"), "{md}");
    assert!(read(&out.join("yosys.log")).contains("End of script"));
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "work files left: {leftovers:?}");
    (json, out)
}

#[test]
fn pulse_gen_fits_the_up5k_with_an_fmax() {
    let (json, out) = run_ok("up5k", "ice40-up5k", "pulse_gen");
    assert_eq!(json["part"], "iCE40UP5K-SG48");
    assert_eq!(json["fits"], true, "{json:#}");
    let fmax = json["fmax_mhz"]
        .as_f64()
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(fmax > 0.0 && fmax < 1000.0, "{fmax}");
    assert_eq!(json["freq_target_mhz"], 100.0);
    assert_eq!(json["meets_timing"], fmax >= 100.0);
    let log = read(&out.join("nextpnr.log"));
    assert!(log.contains("Max frequency for clock"), "{log}");
    // pulse_gen has a simulation-only warp input too: tied off in the
    // wrapper Yosys synthesized
    let v = read(&out.join("synth_top.v"));
    assert!(v.contains("module synth_top(") && v.contains(".warp(32'd0)"));
    assert!(!read(&out.join("netlist.json")).is_empty());
    std::fs::remove_dir_all(out.parent().unwrap()).ok();
}

#[test]
fn arbiter_on_xc7_has_resources_and_no_fmax() {
    let (json, out) = run_ok("xc7", "xc7", "arbiter");
    assert_eq!(json["part"], "XC7A35T-CSG324");
    assert_eq!(json["fits"], true);
    assert!(json["fmax_mhz"].is_null(), "{json:#}");
    assert!(json["meets_timing"].is_null());
    let reason = json["fmax_reason"].as_str().unwrap();
    assert!(reason.contains("nextpnr-xilinx"), "{reason}");
    assert!(!out.join("nextpnr.log").exists());
    std::fs::remove_dir_all(out.parent().unwrap()).ok();
}

#[test]
fn unknown_target_and_top_list_the_allowed_values() {
    let dir = scratch("unknown");
    let out = dir.join("out");
    let o = synth(&["--target", "ice40-lp1k", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = text(&o);
    assert!(
        e.contains("ice40-lp1k") && e.contains("ice40-up5k, ice40-hx8k, ecp5, xc7"),
        "{e}"
    );
    let o = synth(&["--top", "accel_9x9", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = text(&o);
    for name in [
        "accel_9x9",
        "accel_25x5",
        "accel_81x4",
        "lif_wta16",
        "pulse_gen",
        "arbiter",
    ] {
        assert!(e.contains(name), "{name} not in: {e}");
    }
    assert!(!e.contains("panicked"), "{e}");
    let o = synth(&["--freq-mhz", "0", "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("--freq-mhz"));
    assert!(!out.exists(), "nothing written on bad arguments");
    std::fs::remove_dir_all(&dir).ok();
}
