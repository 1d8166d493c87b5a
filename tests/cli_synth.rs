//! `neuroxbar synth` end to end with the project's YoWASP toolchain: a unit
//! top synthesized, placed and routed on the iCE40 UP5K and another on the
//! ECP5 (resources, no latches, fmax, critical path, bitstream), a clock the
//! design misses is an error after complete results, a top mapped to the
//! Artix-7 (resources, no fmax and why), and unknown targets and tops
//! rejected with the allowed values, and the Arty A7 board top with its Vivado
//! build files. (Wrapping the accelerator, whose synthesis takes
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
fn run_ok(test: &str, target: &str, top: &str, extra: &[&str]) -> (serde_json::Value, PathBuf) {
    let out = scratch(test).join("out");
    let mut args = vec![
        "--target",
        target,
        "--top",
        top,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = synth(&args);
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
    // the project's toolchain (scripts/setup.sh puts it in .venv/), not the fallback
    assert_eq!(json["yosys_origin"], "yowasp", "{json:#}");
    assert!(json["yosys_version"]
        .as_str()
        .unwrap()
        .starts_with("Yosys 0.70"));
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

/// fmax, the clock check, the critical path and the bitstream of a placed
/// and routed run.
fn check_routed(json: &serde_json::Value, out: &Path, freq_mhz: f64, bitstream: &str) -> f64 {
    assert_eq!(json["fits"], true, "{json:#}");
    assert_eq!(json["nextpnr_origin"], "yowasp", "{json:#}");
    let fmax = json["fmax_mhz"]
        .as_f64()
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(fmax > freq_mhz && fmax < 1000.0, "{fmax}");
    assert_eq!(json["freq_target_mhz"], freq_mhz);
    assert_eq!(json["meets_timing"], true);
    let log = read(&out.join("nextpnr.log"));
    assert!(log.contains("Max frequency for clock"), "{log}");
    // the critical path is one the log reports, and bounds the fmax
    let cp = &json["critical_path"];
    let (from, to) = (cp["from"].as_str().unwrap(), cp["to"].as_str().unwrap());
    assert!(log.contains(&format!("Source {from}")), "{cp:#}");
    assert!(log.contains(&format!("Sink {to}")), "{cp:#}");
    let delay_ns = cp["delay_ns"].as_f64().unwrap();
    assert!(
        delay_ns > 0.0 && delay_ns <= 1e3 / fmax + 0.05,
        "{cp:#} vs {fmax} MHz"
    );
    assert_eq!(json["bitstream"], bitstream);
    let bits = std::fs::metadata(out.join(bitstream)).unwrap().len();
    assert!(bits > 1000, "{bitstream}: {bits} bytes");
    fmax
}

#[test]
fn pulse_gen_fits_the_up5k_with_an_fmax() {
    // the UP5K is a low-power part: pulse_gen's fmax there is ~34 MHz
    let (json, out) = run_ok("up5k", "ice40-up5k", "pulse_gen", &["--freq-mhz", "20"]);
    assert_eq!(json["part"], "iCE40UP5K-SG48");
    check_routed(&json, &out, 20.0, "design.bin");
    // pulse_gen has a simulation-only warp input too: tied off in the
    // wrapper Yosys synthesized
    let v = read(&out.join("synth_top.v"));
    assert!(v.contains("module synth_top(") && v.contains(".warp(32'd0)"));
    assert!(!read(&out.join("netlist.json")).is_empty());
    std::fs::remove_dir_all(out.parent().unwrap()).ok();
}

#[test]
fn arbiter_on_ecp5_meets_100_mhz_and_a_missed_clock_is_an_error() {
    let (json, out) = run_ok("ecp5", "ecp5", "arbiter", &[]);
    assert_eq!(json["part"], "LFE5U-25F-CABGA381");
    let fmax = check_routed(&json, &out, 100.0, "design.bit");
    // a clock above the fmax: complete results, then an error naming the
    // top, the part and both figures
    let ask = format!("{}", (fmax * 1.5).round());
    let o = synth(&[
        "--target",
        "ecp5",
        "--top",
        "arbiter",
        "--clock-mhz",
        &ask,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success(), "{}", text(&o));
    let e = String::from_utf8_lossy(&o.stderr);
    let again: serde_json::Value = serde_json::from_str(&read(&out.join("synth.json"))).unwrap();
    let fmax2 = again["fmax_mhz"].as_f64().unwrap();
    assert_eq!(again["meets_timing"], false);
    for part in [
        "`arbiter`",
        "LFE5U-25F",
        &format!("{fmax2:.2} MHz"),
        &format!("{ask} MHz"),
    ] {
        assert!(e.contains(part), "`{part}` not in: {e}");
    }
    assert!(out.join("design.bit").exists() && out.join("synth.md").exists());
    // --allow-timing-fail accepts the same result
    let o = synth(&[
        "--target",
        "ecp5",
        "--top",
        "arbiter",
        "--clock-mhz",
        &ask,
        "--allow-timing-fail",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::remove_dir_all(out.parent().unwrap()).ok();
}

#[test]
fn arbiter_on_xc7_has_resources_and_no_fmax() {
    let (json, out) = run_ok("xc7", "xc7", "arbiter", &[]);
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

#[test]
fn boards_that_are_not_built_or_mixed_with_top_and_target_are_errors() {
    let dir = scratch("boards");
    let out = dir.join("out");
    let out_s = out.to_str().unwrap();
    let o = synth(&["--board", "icebreaker", "--out", out_s]);
    assert!(!o.status.success());
    let e = text(&o);
    assert!(
        e.contains("icebreaker") && e.contains("does not fit the iCE40UP5K"),
        "{e}"
    );
    let o = synth(&["--board", "zedboard", "--out", out_s]);
    assert!(!o.status.success());
    assert!(text(&o).contains("ulx3s, icebreaker, arty"), "{}", text(&o));
    // a clock to meet without place and route does not apply
    for args in [
        vec!["--board", "arty", "--clock-mhz", "50"],
        vec!["--target", "xc7", "--top", "arbiter", "--freq-mhz", "100"],
    ] {
        let mut args = args.clone();
        args.extend(["--out", out_s]);
        let o = synth(&args);
        assert!(!o.status.success());
        let e = text(&o);
        assert!(
            e.contains("--freq-mhz does not apply to xc7") && e.contains("XC7A35T"),
            "{e}"
        );
    }
    for extra in [["--top", "accel_25x5"], ["--target", "ecp5"]] {
        let mut args = vec!["--board", "ulx3s", "--out", out_s];
        args.extend(extra);
        let o = synth(&args);
        assert!(!o.status.success());
        let e = text(&o);
        assert!(e.contains("--board") && e.contains(extra[0]), "{e}");
    }
    assert!(!out.exists(), "nothing written on bad arguments");
    std::fs::remove_dir_all(&dir).ok();
}

/// `--board arty`: the whole Arty A7 board top through Yosys for the
/// XC7A35T (3 min), its pins checked against `constraints/arty_a7.xdc`,
/// and the files Vivado needs to place, route and write the bitstream:
/// the .xdc, the Verilog without the primitives' simulation models, the
/// script.
#[test]
fn the_arty_board_synthesizes_and_writes_its_vivado_build() {
    let out = scratch("arty").join("out");
    let o = synth(&["--board", "arty", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("synth.json"))).unwrap();
    assert_eq!(json["top"], "arty_25x5");
    assert_eq!(json["target"], "xc7");
    assert_eq!(json["freq_target_mhz"], 25.0);
    assert_eq!(json["latches"], 0, "{json:#}");
    assert_eq!(json["fits"], true, "{json:#}");
    assert_eq!(json["io_fits"], true, "{json:#}");
    // 31 pins: clock, reset, UART (2), 8 LEDs, 19 PHY pins
    assert_eq!(json["resources"]["IO"]["used"], 31, "{json:#}");
    assert!(json["resources"]["DSP"]["used"].as_u64().unwrap() > 0);
    // the MMCM and its clock buffer reach the netlist as primitives
    assert_eq!(json["other_cells"]["MMCME2_BASE"], 1, "{json:#}");
    assert!(
        json["other_cells"]["BUFG"].as_u64().unwrap() >= 1,
        "{json:#}"
    );
    assert!(json["fmax_mhz"].is_null());
    let note = json["bitstream_note"].as_str().unwrap();
    assert!(
        note.contains("vivado -mode batch -source vivado.tcl"),
        "{note}"
    );
    assert_eq!(
        read(&out.join("board.xdc")),
        include_str!("../constraints/arty_a7.xdc")
    );
    let v = read(&out.join("vivado_top.v"));
    assert!(v.contains("MMCME2_BASE #(") && !v.contains("module MMCME2_BASE"));
    let tcl = read(&out.join("vivado.tcl"));
    assert!(tcl.contains("-part xc7a35ticsg324-1L"), "{tcl}");
    std::fs::remove_dir_all(out.parent().unwrap()).ok();
}
