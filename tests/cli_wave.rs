//! `neuroxbar wave` on the VCD fixtures of `cosim/tests/data/`.

use std::process::{Command, Output};

fn data(name: &str) -> String {
    format!("{}/cosim/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn wave(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .arg("wave")
        .args(args)
        .output()
        .expect("run neuroxbar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn summary_lists_scopes_signals_widths_and_transitions() {
    let o = wave(&[&data("icarus_counter.vcd"), "--summary"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("timescale   1ps"), "{out}");
    assert!(out.contains("time range  0 .. 100000"), "{out}");
    assert!(out.contains("  tb.dut\n"), "{out}");
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("tb.membrane[15:0]"))
        .unwrap_or_else(|| panic!("{out}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[1..4], ["16", "wire", "10"], "{row}");
}

#[test]
fn renders_selected_signals_in_a_window() {
    let file = data("verilator_counter.vcd");
    let o = wave(&[
        &file,
        "--signals",
        "clk,count,membrane",
        "--from",
        "10ns",
        "--to",
        "60000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let expected = "\
scope TOP.tb
time (1ps)  10000     35000     60000
clk         __/-\\_/-\\_/-\\_/-\\_/-\\_
count       0 |1  |2  |3  |4  |5
membrane    0 |123|246|369|48c|5af
";
    assert_eq!(out, expected);
}

#[test]
fn renders_every_dialect_within_the_width() {
    for name in [
        "icarus_counter.vcd",
        "verilator_counter.vcd",
        "other_tool.vcd",
    ] {
        let o = wave(&[&data(name), "--width", "80"]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.lines().count() > 3, "{out}");
        assert!(
            out.lines().all(|l| l.len() <= 80 || l.starts_with("... ")),
            "{out}"
        );
    }
}

#[test]
fn malformed_file_fails_naming_file_and_line() {
    let dir = std::env::temp_dir().join(format!("neuroxbar_cli_wave_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.vcd");
    std::fs::write(
        &bad,
        "$timescale 1ns $end\n$var wire 1 ! a $end\n$enddefinitions $end\n#0\n1!\n#x5\n",
    )
    .unwrap();
    let o = wave(&[bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:6: bad timestamp `#x5`", bad.display())),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // Binary garbage and an unknown signal are errors too, not panics.
    std::fs::write(&bad, b"\x00\x01\x02garbage\xff").unwrap();
    let o = wave(&[bad.to_str().unwrap(), "--summary"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad.vcd:1: binary data"),
        "{}",
        stderr(&o)
    );
    let o = wave(&[&data("other_tool.vcd"), "--signals", "dta"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("did you mean: top.data"),
        "{}",
        stderr(&o)
    );
    let o = wave(&[&data("other_tool.vcd"), "--from", "15ns"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not a whole number of 10ns steps"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}
