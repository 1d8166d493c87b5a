//! The host side of the serial frame protocol (`neuroxbar_rtl::host_link`):
//! request encoding, answer decoding and the typed errors of a link, shared
//! by the board co-simulation ([`BoardSim`](crate::board::BoardSim)) and a
//! board at a serial port ([`SerialHost`](crate::serial::SerialHost)).

use crate::cosim::StepResult;
use crate::host::{Late, Timing};
use neuroxbar_rtl::host_link::protocol::*;

pub use crate::units::host_link::request_frame;

/// Name of a command, for messages.
pub fn command_name(cmd: u8) -> &'static str {
    match cmd {
        CMD_WRITE => "WRITE",
        CMD_PRESENT => "PRESENT",
        CMD_STEP => "STEP",
        CMD_SPIKES => "SPIKES",
        CMD_PEEK => "PEEK",
        CMD_STATUS => "STATUS",
        CMD_WAIT_UNTIL => "WAIT_UNTIL",
        CMD_RESET => "RESET",
        _ => "unknown command",
    }
}

/// Errors of a host link, each naming the port (or the co-simulated board)
/// and the command.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("{port}: cannot open at {baud} baud: {reason}")]
    Open {
        port: String,
        baud: u32,
        reason: String,
    },
    #[error("{port}: {command}: no answer within {waited_ms} ms (bytes received: {got:02x?}); is the board connected, configured with the host link and at this baud rate?")]
    NoAnswer {
        port: String,
        command: &'static str,
        waited_ms: u64,
        got: Vec<u8>,
    },
    #[error("{port}: {command}: an answer with a bad CRC: {bytes:02x?}")]
    BadCrc {
        port: String,
        command: &'static str,
        bytes: Vec<u8>,
    },
    #[error("{port}: {command}: a malformed answer ({why}): {bytes:02x?}")]
    Malformed {
        port: String,
        command: &'static str,
        why: &'static str,
        bytes: Vec<u8>,
    },
    #[error(
        "{port}: {command}: the board answered `{name}` (status {status}) after cycle {cycle}"
    )]
    Status {
        port: String,
        command: &'static str,
        status: u8,
        name: &'static str,
        cycle: u64,
    },
    #[error("{port}: {command}: {source}")]
    Io {
        port: String,
        command: &'static str,
        #[source]
        source: std::io::Error,
    },
}

/// What is wrong with the bytes of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The first byte is not the board's sync byte.
    Sync,
    /// The CRC does not match.
    Crc,
    /// A CRC-correct answer to another command.
    OtherCommand,
    /// A payload longer than any answer's.
    Length,
}

impl Fault {
    /// The typed error of this fault for `cmd` on `port`.
    pub fn error(self, port: &str, cmd: u8, bytes: &[u8]) -> LinkError {
        let (port, command, bytes) = (port.to_string(), command_name(cmd), bytes.to_vec());
        match self {
            Fault::Crc => LinkError::BadCrc {
                port,
                command,
                bytes,
            },
            Fault::Sync => LinkError::Malformed {
                port,
                command,
                why: "no sync byte 5a",
                bytes,
            },
            Fault::OtherCommand => LinkError::Malformed {
                port,
                command,
                why: "the answer to another command",
                bytes,
            },
            Fault::Length => LinkError::Malformed {
                port,
                command,
                why: "a payload longer than any answer's",
                bytes,
            },
        }
    }
}

/// A decoded answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u8,
    pub payload: Vec<u8>,
    /// Bytes of the frame.
    pub frame_len: usize,
}

/// The answer to `cmd` at the start of `bytes`: `Ok(None)` while it is
/// incomplete.
pub fn parse_answer(bytes: &[u8], cmd: u8) -> Result<Option<Answer>, Fault> {
    let b = bytes;
    if b.is_empty() {
        return Ok(None);
    }
    if b[0] != SYNC_BOARD {
        return Err(Fault::Sync);
    }
    if b.len() < 4 {
        return Ok(None);
    }
    let len = b[3] as usize;
    if len > MAX_RESPONSE {
        return Err(Fault::Length);
    }
    if b.len() < 5 + len {
        return Ok(None);
    }
    let body = &b[1..4 + len];
    if crc8_all(body) != b[4 + len] {
        return Err(Fault::Crc);
    }
    if b[1] != cmd {
        return Err(Fault::OtherCommand);
    }
    Ok(Some(Answer {
        status: b[2],
        payload: body[3..].to_vec(),
        frame_len: 5 + len,
    }))
}

/// The payload of a `WRITE`.
pub fn write_payload(addr: u8, data: u32) -> [u8; 5] {
    let d = data.to_be_bytes();
    [addr, d[0], d[1], d[2], d[3]]
}

/// A `u48` field.
pub fn u48(v: u64) -> [u8; 6] {
    let b = v.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// The `u48` at the start of `p`, if there is one.
pub fn read_u48(p: &[u8]) -> Option<u64> {
    (p.len() >= 6).then(|| p[..6].iter().fold(0u64, |a, b| (a << 8) | *b as u64))
}

/// The `cycle u48` argument of a timed `PRESENT` or `STEP` whose strobe
/// the accelerator takes in cycle `t` (the board strobes in `cycle + 2`).
pub fn due_payload(t_cycles: u64) -> [u8; 6] {
    u48(t_cycles.saturating_sub(2))
}

/// A `STEP` answer's payload: `flags, winner, spikes` (1..=8 bytes).
pub fn decode_step(p: &[u8]) -> Option<StepResult> {
    if p.len() < 3 || p.len() > 10 {
        return None;
    }
    let spikes = p[2..].iter().fold(0u64, |acc, b| (acc << 8) | *b as u64);
    Some(StepResult {
        spikes,
        winner: (p[0] & 1 == 1).then_some(p[1]),
    })
}

/// The timing a status gives a timed command under `late`; `Err(status)`
/// for a status that is an error.
pub fn timing_of(status: u8, late: Late) -> Result<Timing, u8> {
    match (status, late) {
        (STATUS_OK, _) => Ok(Timing::OnTime),
        (STATUS_LATE, Late::Allow) => Ok(Timing::Late),
        (s, _) => Err(s),
    }
}

/// The error of an answer with status `status` to `cmd`.
pub fn status_error(port: &str, cmd: u8, status: u8, cycle: u64) -> LinkError {
    LinkError::Status {
        port: port.to_string(),
        command: command_name(cmd),
        status,
        name: status_name(status),
        cycle,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(cmd: u8, status: u8, payload: &[u8]) -> Vec<u8> {
        let mut body = vec![cmd, status, payload.len() as u8];
        body.extend_from_slice(payload);
        let mut f = vec![SYNC_BOARD];
        f.extend(&body);
        f.push(crc8_all(&body));
        f
    }

    #[test]
    fn answers_decode_and_every_single_bit_error_is_caught() {
        let f = answer(CMD_STEP, STATUS_OK, &[1, 3, 0x14]);
        for n in 0..f.len() {
            assert_eq!(parse_answer(&f[..n], CMD_STEP), Ok(None), "{n} bytes");
        }
        let a = parse_answer(&f, CMD_STEP).unwrap().unwrap();
        assert_eq!(a.frame_len, f.len());
        assert_eq!(
            decode_step(&a.payload),
            Some(StepResult {
                spikes: 0x14,
                winner: Some(3)
            })
        );
        for bit in 8..f.len() * 8 {
            let mut g = f.clone();
            g[bit / 8] ^= 1 << (bit % 8);
            // a flipped length bit may make the frame look incomplete
            match parse_answer(&g, CMD_STEP) {
                Err(_) | Ok(None) => {}
                Ok(Some(a)) => panic!("bit {bit}: accepted {a:?}"),
            }
        }
        assert_eq!(
            parse_answer(&answer(CMD_PEEK, 0, &[0; 4]), CMD_STEP),
            Err(Fault::OtherCommand)
        );
        assert_eq!(parse_answer(&[0x00, 1], CMD_STEP), Err(Fault::Sync));
        assert_eq!(decode_step(&[1]), None);
    }

    #[test]
    fn timed_commands_name_the_cycle_before_the_strobe() {
        assert_eq!(read_u48(&due_payload(1000)), Some(998));
        assert_eq!(read_u48(&u48(0xABCDEF012345)), Some(0xABCDEF012345));
        assert_eq!(timing_of(STATUS_LATE, Late::Allow), Ok(Timing::Late));
        assert_eq!(timing_of(STATUS_LATE, Late::Refuse), Err(STATUS_LATE));
        assert_eq!(timing_of(STATUS_BAD_CRC, Late::Allow), Err(STATUS_BAD_CRC));
    }
}
