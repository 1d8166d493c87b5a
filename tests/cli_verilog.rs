//! `neuroxbar verilog`: the written Verilog lints clean, the maps and the
//! register-write script hold what the register map says, and bad config
//! files are rejected naming the file and the field, with nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn neuroxbar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .arg("verilog")
        .args(args)
        .output()
        .expect("run neuroxbar")
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli_verilog-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const REGISTERS: [&str; 9] = [
    "CTRL",
    "THRESHOLD",
    "RESET_V",
    "LEAK_SHIFT",
    "DECAY",
    "GAIN",
    "REFRACTORY",
    "THETA_PLUS",
    "THETA_DECAY_SHIFT",
];

#[test]
fn writes_verilog_modules_and_map_that_lint_clean() {
    // default top: the accelerator
    let dir = scratch("default");
    let out = dir.join("out");
    let o = neuroxbar(&["--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    let single = read(&out.join("accel_25x5.v"));
    assert!(
        single.lines().any(|l| l.starts_with("module top(")),
        "no module `top`"
    );
    let modules = single.lines().filter(|l| l.starts_with("module ")).count();
    let files = std::fs::read_dir(out.join("accel_25x5"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "v")
        })
        .count();
    assert_eq!(files, modules, "one file per module");

    let map = read(&out.join("accel_25x5.map.md"));
    for name in REGISTERS {
        assert!(
            map.contains(&format!("| `{name}` |")),
            "{name} missing from\n{map}"
        );
    }
    assert!(
        map.contains("| `spikes_in` | in | 25 |")
            && map.contains("| `ROW_INTENSITY24` |")
            && map.contains("| `V_READ` |"),
        "{map}"
    );
    assert!(
        !out.join("accel_25x5.cfg.json").exists(),
        "no --config, no script"
    );

    // the folder as the command wrote it, linted as a user would
    if let Err(e) = neuroxbar_flow::lint::lint_split(&out.join("accel_25x5")) {
        panic!("{e}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn json_map_and_register_write_script() {
    let dir = scratch("json");
    let cfg = dir.join("core.toml");
    std::fs::write(
        &cfg,
        "# a comment\nRESET_V = -256\nTHRESHOLD = 0x4000\nCTRL = 3\n",
    )
    .unwrap();
    let out = dir.join("out");
    let o = neuroxbar(&[
        "--out",
        out.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
        "--map-format",
        "json",
        "--top",
        "lif_wta16",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("lif_wta16.map.md").exists());

    let map: serde_json::Value =
        serde_json::from_str(&read(&out.join("lif_wta16.map.json"))).unwrap();
    let names: Vec<&str> = map["registers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, REGISTERS);
    let ports = map["ports"].as_array().unwrap();
    assert_eq!(ports.len(), 1 + 3 + 16 + 3 + 5 + 16 + 16 + 2, "{ports:?}");
    assert_eq!(ports[0]["name"], "clock");

    // in address order; signed values as the 32-bit sign extension
    let script: serde_json::Value =
        serde_json::from_str(&read(&out.join("lif_wta16.cfg.json"))).unwrap();
    assert_eq!(
        script,
        serde_json::json!([
            { "addr": 0, "data": 3 },
            { "addr": 1, "data": 0x4000 },
            { "addr": 2, "data": 0xFFFF_FF00u32 },
        ])
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Run with a config file holding `toml`; expect failure, nothing written,
/// and every entry of `expect` in the message.
fn rejects(test: &str, toml: &str, expect: &[&str]) {
    let dir = scratch(test);
    let cfg = dir.join("bad.toml");
    std::fs::write(&cfg, toml).unwrap();
    let out = dir.join("out");
    let o = neuroxbar(&[
        "--out",
        out.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(!o.status.success(), "accepted {toml:?}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(cfg.to_str().unwrap()),
        "message does not name the file: {err}"
    );
    for e in expect {
        assert!(err.contains(e), "message does not mention {e:?}: {err}");
    }
    assert!(!out.exists(), "wrote {} despite the error", out.display());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unknown_register_is_named() {
    rejects(
        "unknown",
        "THRESHOLD = 1\nTRESHOLD = 2\n",
        &["unknown register `TRESHOLD`"],
    );
}

#[test]
fn out_of_range_values_name_the_field_and_range() {
    // signed 24 bits: -2^23 ..= 2^23 - 1
    rejects(
        "signed",
        "THRESHOLD = 0x800000\n",
        &["`THRESHOLD`", "-8388608..=8388607"],
    );
    rejects("negative", "LEAK_SHIFT = -1\n", &["`LEAK_SHIFT`", "0..=31"]);
    rejects(
        "unsigned",
        "REFRACTORY = 256\n",
        &["`REFRACTORY`", "0..=255"],
    );
}

#[test]
fn non_integer_values_and_bad_toml_are_rejected() {
    rejects("string", "GAIN = \"0x100\"\n", &["`GAIN`", "integer"]);
    rejects("table", "[GAIN]\nx = 1\n", &["`GAIN`", "integer"]);
    rejects("syntax", "GAIN = \n", &["line 1"]);
}

#[test]
fn never_deletes_or_moves_files_it_did_not_write() {
    let dir = scratch("foreign");
    let out = dir.join("out");
    let o = neuroxbar(&["--out", out.to_str().unwrap(), "--top", "lif_wta16"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // a second generation replaces the first (only files it wrote)
    let o = neuroxbar(&["--out", out.to_str().unwrap(), "--top", "lif_wta16"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // a user's file inside the module folder: refused, kept
    let notes = out.join("lif_wta16").join("notes.txt");
    std::fs::write(&notes, "mine").unwrap();
    let before = std::fs::read_dir(out.join("lif_wta16")).unwrap().count();
    let o = neuroxbar(&["--out", out.to_str().unwrap(), "--top", "lif_wta16"]);
    let e = stderr(&o);
    assert!(
        !o.status.success(),
        "replaced a folder holding a user's file"
    );
    assert!(
        e.contains("notes.txt") && e.contains("not written by"),
        "{e}"
    );
    assert_eq!(read(&notes), "mine");
    assert_eq!(
        std::fs::read_dir(out.join("lif_wta16")).unwrap().count(),
        before
    );
    std::fs::remove_file(&notes).unwrap();

    // a regular file where the module folder goes: refused, not moved
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("lif_wta16"), "mine").unwrap();
    let o = neuroxbar(&["--out", other.to_str().unwrap(), "--top", "lif_wta16"]);
    let e = stderr(&o);
    assert!(
        !o.status.success(),
        "accepted a file in place of the module folder"
    );
    assert!(e.contains("lif_wta16") && e.contains("not a folder"), "{e}");
    assert_eq!(read(&other.join("lif_wta16")), "mine");
    let left: Vec<_> = std::fs::read_dir(&other).unwrap().collect();
    assert_eq!(left.len(), 1, "wrote or moved files: {left:?}");
    std::fs::remove_dir_all(&dir).ok();
}
