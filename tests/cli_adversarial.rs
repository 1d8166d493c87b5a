//! Bad, edge and hostile invocations of every subcommand, as a new user or an
//! adversarial tester would try them. Every case must be refused (a case that
//! succeeds is a silent acceptance) with one short `error:` message that names
//! what is wrong (the needle), never a panic, never a 300-digit number, never
//! a raw control byte, and without writing anything.
//!
//! The counts are printed (`cargo test --release --test cli_adversarial --
//! --nocapture`).

mod common;

use common::{neuroxbar, scratch};
use std::path::{Path, PathBuf};

/// The files the cases point at, in the scratch folder.
fn fixtures(dir: &Path) {
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    w("afile", b"x");
    std::fs::create_dir_all(dir.join("adir")).unwrap();
    std::fs::create_dir_all(dir.join("full")).unwrap();
    w("full/notes.txt", b"a user's notes");
    w("bad.toml", b"[[[");
    w("binary.toml", b"\x00\x01\x02garbage\xff");
    w("empty.toml", b"");
    w("unknown_field.toml", b"alpha = 1.0\n");
    w("big.toml", b"read_voltage_v = 1e300\n");
    w("datetime.toml", b"read_voltage_v = 1979-05-27T07:32:00Z\n");
    w("cfg_unknown.toml", b"NOT_A_REGISTER = 1\n");
    w("cfg_range.toml", b"SAFE_MAX = 99999\n");
    w("cfg_type.toml", b"SAFE_MAX = \"high\"\n");
    w("empty.vcd", b"");
    w(
        "plan_unknown.toml",
        b"experiment = \"letters-stdp\"\n[grid]\nnope = [1]\n",
    );
    w(
        "plan_ok.toml",
        b"experiment = \"letters-stdp\"\n[options]\nepochs = 1\n",
    );
    w(
        "header_only.vcd",
        b"$timescale 1ns $end\n$scope module t $end\n$var wire 1 ! a $end\n",
    );
    w(
        "twice.vcd",
        b"$timescale 1ns $end\n$scope module t $end\n$var wire 1 ! a $end\n$var wire 4 ! b $end\n$upscope $end\n$enddefinitions $end\n#0\n1!\n",
    );
    w(
        "badtype.vcd",
        b"$timescale 1ns $end\n$scope module t $end\n$var frob 1 ! a $end\n$upscope $end\n$enddefinitions $end\n#0\n1!\n",
    );
    w(
        "ok.vcd",
        b"$timescale 1ns $end\n$scope module t $end\n$var wire 1 ! a $end\n$upscope $end\n$enddefinitions $end\n#0\n1!\n#10\n0!\n",
    );
}

/// `(arguments, needle)`: the invocation and a piece of text its error must
/// contain (the option, field or path at fault, or the allowed values).
fn cases() -> Vec<(Vec<String>, &'static str)> {
    let mut c: Vec<(Vec<&str>, &'static str)> = vec![
        // ---- no or unknown command
        (vec!["frobnicate"], "frobnicate"),
        (vec!["run", "nope"], "unknown experiment `nope`"),
        (vec!["run", "--nope"], "--nope"),
        (vec!["run", "letters-stdp", "extra"], "extra"),
        // ---- numbers
        (vec!["run", "--epochs", "0"], "--epochs"),
        (vec!["run", "--epochs", "10001"], "1..=10000"),
        (vec!["run", "--epochs", "-1"], "-1"),
        (vec!["run", "--epochs", "1e3"], "--epochs"),
        (vec!["run", "--epochs", ""], "--epochs"),
        (
            vec!["run", "--epochs", "99999999999999999999999999"],
            "--epochs",
        ),
        (vec!["run", "--epochs", "１０"], "--epochs"),
        (vec!["run", "--seeds", "0"], "1..=100"),
        (vec!["run", "--seeds", "101"], "1..=100"),
        (vec!["run", "--seed", "-3"], "-3"),
        (vec!["run", "--seed", "18446744073709551616"], "--seed"),
        (vec!["run", "--clock-mhz", "0"], "1 ..= 500 MHz"),
        (vec!["run", "--clock-mhz", "501"], "1 ..= 500 MHz"),
        (vec!["run", "--clock-mhz", "nan"], "--clock-mhz"),
        (vec!["run", "--clock-mhz", "inf"], "--clock-mhz"),
        (vec!["run", "--clock-mhz", "1e300"], "--clock-mhz 1e300"),
        (vec!["run", "--clock-mhz", "0x10"], "--clock-mhz"),
        // ---- devices per experiment
        (vec!["run", "--device", "otj"], "ftj-linear, ftj-reference"),
        (
            vec!["run", "--device", "ftj-relax"],
            "ftj-linear, ftj-reference",
        ),
        (
            vec!["run", "--device", "astrocyte"],
            "ftj-linear, ftj-reference",
        ),
        (vec!["run", "--device", "nope"], "expected one of"),
        (
            vec!["run", "letters-stm-ltm", "--device", "ftj-linear"],
            "devices for letters-stm-ltm: otj",
        ),
        (vec!["run", "temporal-stp", "--device", "otj"], "liwes"),
        // ---- options of another experiment
        (
            vec!["run", "letters-stm-ltm", "--epochs", "3"],
            "letters-stm-ltm",
        ),
        (
            vec!["run", "letters-stm-ltm", "--seeds", "3"],
            "letters-stm-ltm",
        ),
        (
            vec!["run", "letters-stm-ltm", "--encoding", "rate"],
            "letters-stm-ltm",
        ),
        (
            vec!["run", "letters-stm-ltm", "--balance-map"],
            "letters-stm-ltm",
        ),
        (
            vec!["run", "letters-stm-ltm", "--train-ms", "10"],
            "letters-stm-ltm",
        ),
        (
            vec!["run", "letters-stdp", "--scheme", "v3"],
            "letters-stdp",
        ),
        (
            vec!["run", "letters-stdp", "--classes", "3"],
            "letters-stdp",
        ),
        (
            vec!["run", "letters-stdp", "--short-term-only"],
            "letters-stdp",
        ),
        // ---- a board at a serial port (`--port`)
        (vec!["run", "--port", "/dev/null"], "/dev/null"),
        (
            vec!["run", "--port", "/dev/neuroxbar-no-such-port"],
            "/dev/neuroxbar-no-such-port",
        ),
        (vec!["run", "--port", ""], "--port"),
        (vec!["run", "--port", "/dev/null", "--no-warp"], "--no-warp"),
        (
            vec!["run", "--port", "/dev/null", "--vcd", "p.vcd"],
            "--vcd",
        ),
        (
            vec!["run", "--port", "/dev/null", "--fst", "p.fst"],
            "--fst",
        ),
        (
            vec!["run", "--port", "/dev/null", "--clock-mhz", "36"],
            "--board-clock-mhz",
        ),
        (
            vec!["run", "--port", "/dev/null", "--seeds", "3"],
            "--seeds",
        ),
        (
            vec!["run", "--port", "/dev/null", "--device", "ftj-linear"],
            "--device",
        ),
        (
            vec!["run", "--port", "/dev/null", "--balance-map"],
            "--balance-map",
        ),
        (
            vec!["run", "--port", "/dev/null", "--baud", "0"],
            "300..=12000000",
        ),
        (
            vec!["run", "--port", "/dev/null", "--baud", "99999999999"],
            "--baud",
        ),
        (
            vec!["run", "--port", "/dev/null", "--board-clock-mhz", "0"],
            "--board-clock-mhz 0",
        ),
        (
            vec!["run", "--port", "/dev/null", "--board-clock-mhz", "nan"],
            "--board-clock-mhz",
        ),
        (
            vec!["run", "--port", "/dev/null", "--board-clock-mhz", "1e300"],
            "--board-clock-mhz 1e300",
        ),
        (vec!["run", "--baud", "9600"], "--baud needs --port"),
        (
            vec!["run", "--board-clock-mhz", "36"],
            "--board-clock-mhz needs --port",
        ),
        (
            vec!["run", "letters-stm-ltm", "--port", "/dev/null"],
            "--port does not apply to letters-stm-ltm",
        ),
        (
            vec!["run", "orientation-bcm", "--port", "/dev/null"],
            "--port does not apply to orientation-bcm",
        ),
        (vec!["board-sim"], "--pty"),
        (vec!["run", "temporal-stp", "--epochs", "3"], "temporal-stp"),
        (
            vec!["run", "temporal-stp", "--scheme", "v3"],
            "temporal-stp",
        ),
        (
            vec!["run", "temporal-stp", "--clock-mhz", "0.01"],
            "--clock-mhz 0.01",
        ),
        (
            vec!["run", "temporal-stp", "--vcd", "t.vcd"],
            "temporal-stp",
        ),
        // ---- temporal-stp ranges
        (vec!["run", "temporal-stp", "--classes", "1"], "2..=200"),
        (vec!["run", "temporal-stp", "--classes", "201"], "2..=200"),
        (
            vec!["run", "temporal-stp", "--presentations", "1"],
            "2..=100",
        ),
        (
            vec!["run", "temporal-stp", "--train-ms", "nan"],
            "--train-ms",
        ),
        (vec!["run", "temporal-stp", "--train-ms", "0"], "--train-ms"),
        (
            vec!["run", "temporal-stp", "--gap-ms", "1e300"],
            "--gap-ms 1e300",
        ),
        (
            vec!["run", "temporal-stp", "--read-ms", "-inf"],
            "--read-ms",
        ),
        (vec!["run", "temporal-stp", "--read-ms", "0.3"], "--read-ms"),
        // ---- enums
        (vec!["run", "--encoding", "morse"], "latency, rate"),
        (vec!["run", "letters-stm-ltm", "--scheme", "v4"], "v2, v3"),
        // ---- output paths
        (vec!["run", "--out", "afile"], "afile"),
        (vec!["run", "--out", "afile/sub"], "afile"),
        (vec!["run", "--out", "full"], "full"),
        (vec!["run", "--out", ""], "--out"),
        (vec!["run", "--vcd", "adir"], "adir"),
        (vec!["run", "--vcd", "afile/t.vcd"], "afile"),
        (vec!["run", "--vcd", "res/t.vcd", "--out", "res"], "--vcd"),
        (vec!["run", "--vcd-cycles", "0..10"], "--vcd"),
        (
            vec!["run", "--vcd-cycles", "5..2", "--vcd", "t.vcd"],
            "TO must be larger than FROM",
        ),
        (
            vec!["run", "--vcd-cycles", "x", "--vcd", "t.vcd"],
            "FROM..TO",
        ),
        (
            vec![
                "run",
                "--vcd-cycles",
                "0..99999999999999999999999",
                "--vcd",
                "t.vcd",
            ],
            "--vcd-cycles",
        ),
        (vec!["run", "--force"], "--out"),
        (vec!["device", "liwes", "ppf", "--force"], "--out"),
        (
            vec!["run", "temporal-stp", "--train-ms", "-5"],
            "--train-ms -5",
        ),
        (vec!["run", "--clock-mhz", "-36"], "--clock-mhz -36"),
        (vec!["synth", "--freq-mhz", "-1"], "--freq-mhz -1"),
        // ---- device
        (vec!["device"], "DEVICE"),
        (vec!["device", "ftj-linear"], "PROTOCOL"),
        (vec!["device", "nope", "iv"], "expected one of"),
        (vec!["device", "ftj-linear", "nope"], "expected one of"),
        (vec!["device", "ftj-linear", "iv"], "applicable"),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--cycles", "5"],
            "--cycles",
        ),
        (vec!["device", "liwes", "ppf", "--cycles", "5"], "--cycles"),
        (
            vec!["device", "liwes", "ppf", "--clock-mhz", "10"],
            "--through-rtl",
        ),
        (
            vec![
                "device",
                "liwes",
                "ppf",
                "--through-rtl",
                "--clock-mhz",
                "0",
            ],
            "1 ..= 500 MHz",
        ),
        (
            vec![
                "device",
                "liwes",
                "ppf",
                "--through-rtl",
                "--clock-mhz",
                "1e300",
            ],
            "1e300",
        ),
        (
            vec!["device", "otj", "ltp-ltd", "--pulses", "identical"],
            "--pulses",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--pulses", "random"],
            "stepped",
        ),
        (vec!["device", "astrocyte", "iv", "--cycles", "-1"], "-1"),
        (
            vec!["device", "astrocyte", "iv", "--cycles", "1e999"],
            "--cycles",
        ),
        (
            vec![
                "device",
                "ftj-linear",
                "ltp-ltd",
                "--params",
                "missing.toml",
            ],
            "missing.toml",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--params", "adir"],
            "adir",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--params", "bad.toml"],
            "line 1, column",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--params", "binary.toml"],
            "binary.toml",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--params", "empty.toml"],
            "missing field",
        ),
        (
            vec![
                "device",
                "ftj-linear",
                "ltp-ltd",
                "--params",
                "unknown_field.toml",
            ],
            "alpha",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--params", "big.toml"],
            "big.toml",
        ),
        (
            vec![
                "device",
                "ftj-linear",
                "ltp-ltd",
                "--params",
                "datetime.toml",
            ],
            "read_voltage_v",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--out", "afile"],
            "afile",
        ),
        (
            vec!["device", "ftj-linear", "ltp-ltd", "--out", "full"],
            "full",
        ),
        // ---- wave
        (vec!["wave"], "FILE"),
        (vec!["wave", "missing.vcd"], "missing.vcd"),
        (vec!["wave", "adir"], "adir"),
        (vec!["wave", "empty.vcd"], "empty.vcd"),
        (vec!["wave", "header_only.vcd"], "header_only.vcd"),
        (vec!["wave", "twice.vcd"], "twice.vcd"),
        (vec!["wave", "badtype.vcd"], "frob"),
        (vec!["wave", "ok.vcd", "--signals", "nope"], "nope"),
        (
            vec!["wave", "ok.vcd", "--from", "1000"],
            "from 1000 is after the end",
        ),
        (
            vec!["wave", "ok.vcd", "--from", "5", "--to", "2"],
            "from 5 is after to 2",
        ),
        (vec!["wave", "ok.vcd", "--from", "10parsecs"], "10parsecs"),
        (vec!["wave", "ok.vcd", "--width", "-5"], "-5"),
        // ---- verilog
        (vec!["verilog"], "--out"),
        (vec!["verilog", "--out", "afile"], "afile"),
        (vec!["verilog", "--out", "afile/v"], "afile"),
        (vec!["verilog", "--out", "v", "--top", "nope"], "accel_25x5"),
        (
            vec![
                "verilog",
                "--out",
                "v",
                "--top",
                "xbar_ctrl",
                "--config",
                "c.toml",
            ],
            "no configuration registers",
        ),
        (
            vec!["verilog", "--out", "v", "--map-format", "yaml"],
            "md, json",
        ),
        (
            vec!["verilog", "--out", "v", "--config", "missing.toml"],
            "missing.toml",
        ),
        (
            vec!["verilog", "--out", "v", "--config", "bad.toml"],
            "line 1, column",
        ),
        (
            vec!["verilog", "--out", "v", "--config", "cfg_unknown.toml"],
            "NOT_A_REGISTER",
        ),
        (
            vec!["verilog", "--out", "v", "--config", "cfg_range.toml"],
            "SAFE_MAX",
        ),
        (
            vec!["verilog", "--out", "v", "--config", "cfg_type.toml"],
            "SAFE_MAX",
        ),
        // ---- analog probes
        (
            vec!["run", "--probe-cells", "0:0"],
            "--probe-cells needs --vcd",
        ),
        (
            vec!["run", "--vcd", "t.vcd", "--probe-cells", "0:5"],
            "column `5`",
        ),
        (
            vec!["run", "--vcd", "t.vcd", "--probe-cells", "x"],
            "ROW:COL",
        ),
        (
            vec!["run", "letters-stm-ltm", "--probe-cells", "all"],
            "--probe-cells needs --vcd",
        ),
        (
            vec![
                "run",
                "letters-stm-ltm",
                "--fst",
                "t.fst",
                "--probe-cells",
                "5:5",
            ],
            "column `5`",
        ),
        (
            vec!["run", "orientation-bcm", "--probe-cells", "0:0"],
            "--probe-cells does not apply to orientation-bcm",
        ),
        (
            vec!["run", "moving-direction", "--fst", "t.fst"],
            "--fst does not apply to moving-direction",
        ),
        (
            vec!["run", "digits-refresh", "--probe-cells", "0:0"],
            "--probe-cells does not apply to digits-refresh",
        ),
        // ---- digits-refresh
        (
            vec!["run", "digits-refresh", "--device", "otj"],
            "astrocyte",
        ),
        (
            vec!["run", "digits-refresh", "--epochs", "3"],
            "digits-refresh",
        ),
        (
            vec!["run", "digits-refresh", "--test-images", "0"],
            "--test-images",
        ),
        (
            vec!["run", "digits-refresh", "--max-cycles", "nan"],
            "--max-cycles",
        ),
        (
            vec!["run", "letters-stdp", "--test-images", "5"],
            "letters-stdp",
        ),
        // ---- sweep (refused before anything runs)
        (vec!["sweep"], "PLAN"),
        (vec!["sweep", "missing.toml"], "missing.toml"),
        (vec!["sweep", "bad.toml"], "line 1, column"),
        (vec!["sweep", "adir"], "adir"),
        (vec!["sweep", "empty.toml"], "field `experiment`"),
        (vec!["sweep", "plan_unknown.toml"], "--nope"),
        (vec!["sweep", "plan_ok.toml", "--jobs", "0"], "--jobs 0"),
        (
            vec!["sweep", "plan_ok.toml", "--shard", "3/3"],
            "--shard 3/3",
        ),
        (vec!["sweep", "plan_ok.toml", "--merge"], "--out"),
        (vec!["sweep", "plan_ok.toml", "--out", "afile"], "afile"),
        (
            vec!["sweep", "plan_ok.toml", "--out", "full"],
            "not a sweep",
        ),
        (
            vec!["sweep", "plan_ok.toml", "--slurm-cpus", "2"],
            "--slurm",
        ),
        // ---- synth (refused before any tool runs)
        (vec!["synth", "--top", "nope"], "accel_25x5"),
        (vec!["synth", "--target", "nope"], "ice40-up5k"),
        (vec!["synth", "--freq-mhz", "0"], "--freq-mhz"),
        (vec!["synth", "--freq-mhz", "nan"], "--freq-mhz"),
        (vec!["synth", "--freq-mhz", "1e300"], "--freq-mhz 1e300"),
    ];
    // every experiment option given a value of the wrong kind
    for opt in [
        "--epochs",
        "--seeds",
        "--seed",
        "--classes",
        "--presentations",
    ] {
        c.push((vec!["run", opt, "many"], "many"));
    }
    c.into_iter()
        .map(|(a, n)| (a.into_iter().map(String::from).collect(), n))
        .collect()
}

/// Files of the scratch folder, recursively, relative to it.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_bad_invocation_is_refused_clearly() {
    let dir = scratch("adversarial");
    fixtures(&dir);
    let before = listing(&dir);
    let cases = cases();
    let mut problems = Vec::new();
    let (mut panics, mut accepted, mut unclear) = (0, 0, 0);
    for (args, needle) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = neuroxbar(&dir, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        if err.contains("panicked") {
            panics += 1;
            problems.push(format!("{args:?}: panic: {err}"));
        } else if o.status.success() {
            accepted += 1;
            problems.push(format!("{args:?}: accepted (exit 0)"));
        } else {
            let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let long_number = err
                .split(|c: char| !c.is_ascii_digit())
                .any(|run| run.len() > 30);
            let control = err
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t');
            if !first.starts_with("error:") || !err.contains(needle) || long_number || control {
                unclear += 1;
                problems.push(format!("{args:?}: unclear (want `{needle}`): {err}"));
            }
        }
    }
    println!(
        "{} bad invocations: {panics} panics, {accepted} accepted, {unclear} unclear",
        cases.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // nothing was written, moved or deleted
    assert_eq!(
        listing(&dir),
        before,
        "a refused command changed the folder"
    );
    assert_eq!(
        std::fs::read(dir.join("full/notes.txt")).unwrap(),
        b"a user's notes"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Mutation check of the test itself: a valid invocation is reported as
/// accepted, so the test can fail.
#[test]
fn a_valid_invocation_is_not_refused() {
    let dir = scratch("adversarial-ok");
    fixtures(&dir);
    let o = neuroxbar(&dir, &["wave", "ok.vcd", "--summary"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_dir_all(&dir).ok();
}
