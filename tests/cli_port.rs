//! `neuroxbar run letters-stdp --port DEV` against the board co-simulation
//! behind a pseudo-terminal (`neuroxbar board-sim --pty`): the run goes
//! through the serial host, writes a complete report whose unobservable
//! metrics are null with a reason, and a port nobody answers is an error
//! naming the port and the command.

#![cfg(unix)]

mod common;

use common::{neuroxbar, scratch};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// `neuroxbar board-sim --pty ARGS` and the port it serves.
fn board_sim(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_neuroxbar"))
        .arg("board-sim")
        .arg("--pty")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().to_string())
}

#[test]
fn letters_stdp_runs_over_a_serial_port_with_the_board_behind_it() {
    let dir = scratch("cli_port");
    let (mut board, port) = board_sim(&["--seed", "2"]);
    assert!(port.starts_with("/dev/"), "{port}");
    let o = neuroxbar(
        &dir,
        &[
            "run",
            "letters-stdp",
            "--port",
            &port,
            "--baud",
            "1000000",
            "--epochs",
            "1",
            "--seed",
            "2",
            "--out",
            "res",
        ],
    );
    drop(board.stdin.take()); // the board-sim ends
    let _ = board.wait();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(
        out.contains("letter winners") && out.contains("frames"),
        "{out}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("res/report.json")).unwrap())
            .unwrap();
    assert!(r["back_end"].as_str().unwrap().contains(&port), "{r}");
    assert_eq!(r["letter_winner"].as_array().unwrap().len(), 5);
    assert_eq!(r["recognition_vs_noise"].as_array().unwrap().len(), 11);
    assert!(r["cycles"].as_u64().unwrap() > 0);
    for k in [
        "energy_j",
        "programming_pulses",
        "clocked_cycles",
        "weights_s",
    ] {
        assert!(r[k].is_null(), "{k}: {}", r[k]);
        assert!(
            r["missing_metrics"][k]
                .as_str()
                .is_some_and(|w| !w.is_empty()),
            "{k} has no reason"
        );
    }
    // nothing invented: no conductance files
    assert!(!dir.join("res/weights.csv").exists());
    assert!(dir.join("res/recognition.csv").exists());
}

/// The whole ULX3S board top at its pins behind the pseudo-terminal: the
/// serial host's frames go bit by bit into `ftdi_txd` at 1 Mbaud, the PHY's
/// parts put the pulses on the array. E1 with one epoch and one noisy pass
/// per level runs to a complete report.
#[test]
fn letters_stdp_runs_over_a_serial_port_with_the_ulx3s_board_top_at_its_pins_behind_it() {
    let dir = scratch("cli_port_ulx3s");
    let (mut board, port) = board_sim(&["--seed", "2", "--board", "ulx3s"]);
    assert!(port.starts_with("/dev/"), "{port}");
    let o = neuroxbar(
        &dir,
        &[
            "run",
            "letters-stdp",
            "--port",
            &port,
            "--baud",
            "1000000",
            "--board-clock-mhz",
            "25",
            // the simulated board runs slower than real time: a learning
            // step of E1's 1 ms pulses takes seconds of wall time
            "--answer-timeout-s",
            "600",
            "--epochs",
            "1",
            "--test-repeats",
            "1",
            "--seed",
            "2",
            "--out",
            "res",
        ],
    );
    drop(board.stdin.take());
    let status = board.wait().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(status.success(), "board-sim failed");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("res/report.json")).unwrap())
            .unwrap();
    assert_eq!(r["letter_winner"].as_array().unwrap().len(), 5);
    assert_eq!(r["recognition_vs_noise"].as_array().unwrap().len(), 11);
    // the board's own cycle counter at 25 MHz: at least the run's
    // presentations (65 of them, 6.5 ms each)
    let cycles = r["cycles"].as_u64().unwrap();
    assert!(cycles > 65 * 162_500, "{cycles} cycles");
}

#[test]
fn board_sim_options_that_do_not_apply_are_errors() {
    let dir = scratch("cli_port_board_sim");
    for (args, want) in [
        (
            &[
                "board-sim",
                "--pty",
                "--board",
                "ulx3s",
                "--clock-mhz",
                "50",
            ][..],
            "--clock-mhz does not apply with --board ulx3s",
        ),
        (
            &["board-sim", "--pty", "--board", "arty"][..],
            "--board arty: allowed: ulx3s",
        ),
    ] {
        let o = neuroxbar(&dir, args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && err.contains(want), "{args:?}: {err}");
    }
}

#[test]
fn a_port_nobody_answers_is_an_error_naming_it_and_nothing_is_written() {
    let dir = scratch("cli_port_silent");
    let o = neuroxbar(
        &dir,
        &[
            "run",
            "--port",
            "/dev/neuroxbar-no-such-port",
            "--out",
            "res",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/dev/neuroxbar-no-such-port"), "{err}");
    // a pseudo-terminal with nobody behind it
    let (a, b) = serialport::TTYPort::pair().unwrap();
    let silent = serialport::SerialPort::name(&b).unwrap();
    let o = neuroxbar(
        &dir,
        &[
            "run",
            "--port",
            &silent,
            "--answer-timeout-s",
            "0.2",
            "--out",
            "res",
        ],
    );
    drop((a, b));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains(&silent) && err.contains("STATUS") && err.contains("no answer"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.join("res").exists());
}
