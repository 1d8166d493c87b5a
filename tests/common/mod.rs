//! Shared by the CLI tests: a scratch folder, running the binary in it, and
//! the warp equivalence check (an experiment with and without time warp).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// Keys whose values differ by design between a warped and a clocked run:
/// the wall time, the cycle accounting and the warp flag itself.
const BY_DESIGN: [&str; 5] = [
    "wall_time_s",
    "clocked_cycles",
    "warped_cycles",
    "idle_skipped_cycles",
    "warp",
];

/// A fresh, empty folder under the target's test scratch space.
pub fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Run `neuroxbar ARGS` in `dir`, capturing its output.
pub fn neuroxbar(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// `neuroxbar run ARGS` in the current folder.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .arg("run")
        .args(args)
        .output()
        .expect("run neuroxbar")
}

/// `neuroxbar run ARGS` fails, without a panic, with `needle` in its error.
pub fn fails_with(args: &[&str], needle: &str) {
    let o = run(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} succeeded");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn strip(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            for k in BY_DESIGN {
                o.remove(k);
            }
            o.values_mut().for_each(strip);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// `report.json` of a run, at every depth without the keys that differ by
/// design.
pub fn numbers(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    strip(&mut v);
    v
}

/// Run `args` into `warp/` and with `--no-warp` into `clocked/`; every
/// number of the two reports (and every CSV beside them) must be equal.
pub fn warp_vs_no_warp(test: &str, args: &[&str]) {
    let dir = scratch(test);
    let o = neuroxbar(&dir, &[args, &["--out", "warp"]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let t0 = Instant::now();
    let o = neuroxbar(&dir, &[args, &["--out", "clocked", "--no-warp"]].concat());
    eprintln!("{test}: --no-warp took {:.1} s", t0.elapsed().as_secs_f64());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (numbers(&dir.join("warp")), numbers(&dir.join("clocked")));
    assert!(a.as_object().unwrap().len() > 5, "{a}");
    assert_eq!(a, b, "{test}: warp and --no-warp differ");
    let mut csvs = 0;
    for e in std::fs::read_dir(dir.join("warp")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            let name = p.file_name().unwrap();
            let other = std::fs::read_to_string(dir.join("clocked").join(name)).unwrap();
            assert!(
                std::fs::read_to_string(&p).unwrap() == other,
                "{test}: {} differs between warp and --no-warp",
                name.to_string_lossy()
            );
            csvs += 1;
        }
    }
    eprintln!("{test}: report.json and {csvs} CSV files equal");
    std::fs::remove_dir_all(&dir).ok();
}
