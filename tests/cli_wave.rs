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

fn have_vcd2fst() -> bool {
    let found = Command::new("sh")
        .args(["-c", "command -v vcd2fst"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "vcd2fst (GTKWave's) is missing under CI: scripts/setup.sh installs it"
        );
        eprintln!("skipped: vcd2fst (GTKWave's, scripts/setup.sh installs it) is not installed");
    }
    found
}

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The summary without its `file` line and without the identifier column
/// (a VCD's codes are text, an FST's are handle numbers).
fn summary_body(text: &str) -> String {
    let mut in_signals = false;
    text.lines()
        .filter(|l| !l.starts_with("file "))
        .map(|l| {
            if l.starts_with("signals ") {
                in_signals = true;
                return l.to_string();
            }
            let cols: Vec<&str> = l.split_whitespace().collect();
            if in_signals && cols.len() == 5 {
                cols[..4].join(" ")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fst_converted_from_a_vcd_reads_the_same() {
    if !have_vcd2fst() {
        return;
    }
    let dir = scratch("wave_fst");
    let views: &[&[&str]] = &[
        &[],
        &["--width", "80"],
        &[
            "--signals",
            "clk,count,membrane",
            "--from",
            "10ns",
            "--to",
            "60000",
        ],
        &[
            "--signals",
            "data,mem[3],state,fire",
            "--from",
            "1",
            "--to",
            "6",
        ],
        &["--signals", "tb.membrane,level,mem[2]", "--to", "40ns"],
    ];
    let mut compared = 0;
    for name in [
        "icarus_counter.vcd",
        "verilator_counter.vcd",
        "other_tool.vcd",
    ] {
        let vcd = data(name);
        let fst = dir.join(name.replace(".vcd", ".fst"));
        let o = Command::new("vcd2fst")
            .arg(&vcd)
            .arg(&fst)
            .output()
            .unwrap();
        assert!(o.status.success(), "vcd2fst {name}: {}", stderr(&o));
        let fst = fst.to_str().unwrap();
        for view in views {
            let from_vcd = wave(&[&[vcd.as_str()], *view].concat());
            if !from_vcd.status.success() {
                continue; // a signal this file does not have
            }
            let from_fst = wave(&[&[fst], *view].concat());
            assert!(
                from_fst.status.success(),
                "{name} {view:?}: {}",
                stderr(&from_fst)
            );
            assert_eq!(stdout(&from_fst), stdout(&from_vcd), "{name} {view:?}");
            compared += 1;
        }
        let s_vcd = stdout(&wave(&[&vcd, "--summary"]));
        let s_fst = stdout(&wave(&[fst, "--summary"]));
        assert!(
            s_fst.starts_with(&format!("file        {fst}\n")),
            "{s_fst}"
        );
        let (s_vcd, s_fst) = (summary_body(&s_vcd), summary_body(&s_fst));
        if name == "icarus_counter.vcd" {
            // An FST does not keep a real's declared width (Icarus writes 1);
            // it reads as 64 bits.
            let fixed = s_vcd.replace("tb.level 1 real", "tb.level 64 real");
            assert_ne!(fixed, s_vcd);
            assert_eq!(s_fst, fixed, "{name}");
        } else {
            assert_eq!(s_fst, s_vcd, "{name}");
        }
        assert!(s_fst.lines().count() > 10, "{s_fst}");
    }
    assert!(compared >= 9, "{compared} views compared");
}

#[test]
fn fst_fixture_reads_and_a_truncated_one_fails_naming_the_file() {
    let fixture = data("verilator_counter.fst");
    let o = wave(&[
        &fixture,
        "--signals",
        "clk,count,membrane",
        "--from",
        "10ns",
        "--to",
        "60000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        stdout(&wave(&[
            &data("verilator_counter.vcd"),
            "--signals",
            "clk,count,membrane",
            "--from",
            "10ns",
            "--to",
            "60000"
        ]))
    );
    let bytes = std::fs::read(&fixture).unwrap();
    let dir = scratch("wave_fst_truncated");
    // the format comes from the contents: an FST named .vcd reads as one,
    // a VCD named .fst is refused with the reason
    let renamed = dir.join("renamed.vcd");
    std::fs::write(&renamed, &bytes).unwrap();
    let o = wave(&[renamed.to_str().unwrap(), "--summary"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("TOP.tb.membrane[15:0]"),
        "{}",
        stdout(&o)
    );
    let text = dir.join("text.fst");
    std::fs::copy(data("other_tool.vcd"), &text).unwrap();
    let o = wave(&[text.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "{}: not a valid FST file (its contents look like a VCD",
            text.display()
        )),
        "{}",
        stderr(&o)
    );
    for keep in [0, 9, 100, bytes.len() / 2, bytes.len() - 40] {
        let cut = dir.join(format!("cut{keep}.fst"));
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        for args in [&["--summary"][..], &["--signals", "clk"][..], &[][..]] {
            let o = wave(&[&[cut.to_str().unwrap()], args].concat());
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{keep} bytes {args:?}: {err}");
            assert!(
                err.contains(&format!("{}: not a valid FST file", cut.display())),
                "{keep} bytes {args:?}: {err}"
            );
            assert!(!err.contains("panicked"), "{err}");
            assert!(stdout(&o).is_empty(), "{}", stdout(&o));
        }
    }
}

#[test]
fn damaged_fsts_are_errors_naming_the_file_never_crashes() {
    let bytes = std::fs::read(data("verilator_counter.fst")).unwrap();
    let dir = scratch("wave_fst_damaged");
    let run = |name: &str, b: &[u8]| {
        let f = dir.join(name);
        std::fs::write(&f, b).unwrap();
        let mut outs = Vec::new();
        for args in [
            &["--summary"][..],
            &["--signals", "TOP.tb.clk,TOP.tb.count"][..],
        ] {
            let o = wave(&[&[f.to_str().unwrap()], args].concat());
            let err = stderr(&o);
            // exit status 1 with a message naming the file, or a normal
            // drawing (a damaged value can still be a value); never a panic
            // (101) or an abort (a signal, no code)
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{name} {args:?}: {:?} {err}",
                o.status
            );
            assert!(!err.contains("panicked"), "{name}: {err}");
            if o.status.code() == Some(1) {
                assert!(err.contains(&f.display().to_string()), "{name}: {err}");
            }
            outs.push(err);
        }
        outs
    };
    // the first value change block follows the 329-byte header block; its
    // last 24 bytes give the time table's sizes, which the reader would
    // allocate by
    assert_eq!(bytes[0], 0);
    let s = 330 + 1;
    let l = u64::from_be_bytes(bytes[s..s + 8].try_into().unwrap()) as usize;
    let mut huge = bytes.clone();
    huge[s + l - 24..s + l - 16].copy_from_slice(&(1u64 << 50).to_be_bytes());
    let errs = run("huge_time_table.fst", &huge);
    assert!(
        errs[0].contains("impossible time table size"),
        "{}",
        errs[0]
    );
    let mut long = bytes.clone();
    long[s..s + 8].copy_from_slice(&(1u64 << 40).to_be_bytes());
    let errs = run("long_block.fst", &long);
    assert!(errs[0].contains("truncated or damaged"), "{}", errs[0]);
    // random damage: 150 files with 1 to 8 bytes overwritten (a fixed LCG)
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % n
    };
    let mut failed = 0;
    for i in 0..150 {
        let mut b = bytes.clone();
        for _ in 0..[1, 2, 4, 8][next(4)] {
            let at = next(b.len());
            b[at] = next(256) as u8;
        }
        failed += run(&format!("damaged{i}.fst"), &b)
            .iter()
            .filter(|e| !e.is_empty())
            .count();
    }
    assert!(
        failed > 50,
        "only {failed} of 300 reads of damaged files failed"
    );
}
