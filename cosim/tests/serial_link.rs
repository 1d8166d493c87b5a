//! The serial host at a pseudo-terminal, against scripted boards: every
//! failure of the link is a typed error naming the port and the command.

#![cfg(unix)]

use neuroxbar_cosim::cosim::CoSimError;
use neuroxbar_cosim::host::{Late, Link, Timing};
use neuroxbar_cosim::link::LinkError;
use neuroxbar_cosim::serial::SerialHost;
use neuroxbar_rtl::host_link::protocol::*;
use serialport::{SerialPort, TTYPort};
use std::io::{Read, Write};
use std::time::Duration;

fn answer(cmd: u8, status: u8, payload: &[u8]) -> Vec<u8> {
    let mut body = vec![cmd, status, payload.len() as u8];
    body.extend_from_slice(payload);
    let mut f = vec![SYNC_BOARD];
    f.extend(&body);
    f.push(crc8_all(&body));
    f
}

/// The next request frame's command (blocking).
fn read_request(port: &mut TTYPort) -> Option<u8> {
    port.set_timeout(Duration::from_secs(5)).unwrap();
    let mut got = Vec::new();
    let mut b = [0u8; 64];
    while got.len() < 3 || got.len() < 4 + got[2] as usize {
        let n = port.read(&mut b).ok()?;
        got.extend_from_slice(&b[..n]);
    }
    Some(got[1])
}

/// A board that answers each request with `script(cmd, k)` (the k-th request).
fn scripted(
    script: impl Fn(u8, usize) -> Vec<u8> + Send + 'static,
) -> (String, std::thread::JoinHandle<()>) {
    let (mut board, host) = TTYPort::pair().unwrap();
    let name = host.name().unwrap();
    let t = std::thread::spawn(move || {
        let _host = host; // keeps the pseudo-terminal open
        let mut k = 0;
        while let Some(cmd) = read_request(&mut board) {
            let a = script(cmd, k);
            board.write_all(&a).unwrap();
            k += 1;
        }
    });
    (name, t)
}

fn open(name: &str) -> Result<SerialHost, LinkError> {
    let port = serialport::new(name, 115_200).open().unwrap();
    SerialHost::connect(port, name, 115_200, 100.0, Duration::from_millis(300))
}

fn status_ok(cycle: u64) -> Vec<u8> {
    let c = cycle.to_be_bytes();
    answer(
        CMD_STATUS,
        STATUS_OK,
        &[1, c[2], c[3], c[4], c[5], c[6], c[7]],
    )
}

#[test]
fn connecting_reads_the_cycle_counter_and_timed_commands_are_scheduled_past_it() {
    let (name, _t) = scripted(|cmd, _| match cmd {
        CMD_STATUS => status_ok(1_000_000),
        CMD_STEP => answer(CMD_STEP, STATUS_OK, &[1, 2, 0x04]),
        CMD_PRESENT => answer(CMD_PRESENT, STATUS_LATE, &[]),
        c => answer(c, STATUS_OK, &[]),
    });
    let mut h = open(&name).unwrap();
    assert_eq!(h.time_cycles(), 1_000_000);
    // a time before the counter is refused without a request
    let e = h.step_at(999_999).unwrap_err().to_string();
    assert!(e.contains("fell behind"), "{e}");
    let r = h.step_at(1_200_000).unwrap();
    assert_eq!((r.spikes, r.winner), (4, Some(2)));
    assert_eq!(h.time_cycles(), 1_200_000);
    // `late` is an error unless the host program allows it
    assert_eq!(
        h.present_timed(1_300_000, Late::Allow).unwrap(),
        Timing::Late
    );
    let e = h.present_at(1_400_000).unwrap_err().to_string();
    assert!(
        e.contains(&name) && e.contains("PRESENT") && e.contains("late"),
        "{e}"
    );
    assert_eq!(h.stats().late, 1);
}

/// A `WAIT_UNTIL` whose cycle passed while its frame was on the line is
/// answered `late`: the wait is over, not an error, and the counter it
/// carries is taken; an error status still is one.
#[test]
fn a_wait_answered_late_is_over_and_moves_the_counter() {
    let (name, _t) = scripted(|cmd, k| match (cmd, k) {
        (CMD_STATUS, _) => status_ok(1_000),
        (CMD_WAIT_UNTIL, 1) => answer(CMD_WAIT_UNTIL, STATUS_LATE, &[0, 0, 0, 0, 0x0b, 0xb8]),
        (c, _) => answer(c, STATUS_BAD_CRC, &[]),
    });
    let mut h = open(&name).unwrap();
    h.idle_until(2_000).unwrap();
    assert_eq!(h.time_cycles(), 3_000);
    let e = h.idle_until(4_000).unwrap_err().to_string();
    assert!(e.contains("WAIT_UNTIL"), "{e}");
}

#[test]
fn an_answer_with_a_bad_crc_is_a_typed_error_naming_port_and_command() {
    let (name, _t) = scripted(|cmd, _| match cmd {
        CMD_STATUS => status_ok(5),
        c => {
            let mut a = answer(c, STATUS_OK, &[]);
            *a.last_mut().unwrap() ^= 0x01;
            a
        }
    });
    let mut h = open(&name).unwrap();
    let e = h.write_reg(0x10, 3).unwrap_err();
    match &e {
        CoSimError::Port(LinkError::BadCrc { port, command, .. }) => {
            assert_eq!(port, &name);
            assert_eq!(*command, "WRITE");
        }
        other => panic!("{other:?}"),
    }
    let msg = e.to_string();
    assert!(
        msg.contains(&name) && msg.contains("WRITE") && msg.contains("CRC"),
        "{msg}"
    );
}

#[test]
fn an_error_status_is_a_typed_error_with_its_name() {
    let (name, _t) = scripted(|cmd, _| match cmd {
        CMD_STATUS => status_ok(5),
        c => answer(c, STATUS_BAD_LENGTH, &[]),
    });
    let mut h = open(&name).unwrap();
    match h.reset().unwrap_err() {
        CoSimError::Port(LinkError::Status {
            port,
            command,
            status,
            name: n,
            ..
        }) => {
            assert_eq!(
                (port.as_str(), command, status, n),
                (name.as_str(), "RESET", STATUS_BAD_LENGTH, "bad length")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_silent_port_and_a_short_answer_time_out_naming_port_and_command() {
    // nobody behind the port
    let (board, host) = TTYPort::pair().unwrap();
    let name = host.name().unwrap();
    let e = open(&name).unwrap_err();
    assert!(
        matches!(&e, LinkError::NoAnswer { port, command: "STATUS", got, .. } if port == &name && got.is_empty()),
        "{e:?}"
    );
    drop((board, host));
    // an answer cut short: its bytes are in the message
    let (name, _t) = scripted(|cmd, _| match cmd {
        CMD_STATUS => status_ok(5),
        c => answer(c, STATUS_OK, &[1, 2, 3])[..4].to_vec(),
    });
    let mut h = open(&name).unwrap();
    let e = h.step_at(100).unwrap_err().to_string();
    assert!(
        e.contains(&name) && e.contains("STEP") && e.contains("no answer") && e.contains("5a"),
        "{e}"
    );
}

#[test]
fn a_port_that_cannot_be_opened_is_named() {
    let e = SerialHost::open("/dev/neuroxbar-no-such-port", 115_200, 100.0).unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("/dev/neuroxbar-no-such-port") && m.contains("115200"),
        "{m}"
    );
}
