//! A board at a serial port: [`SerialHost`] runs a host program ([`Link`])
//! over the frame protocol of `neuroxbar_rtl::host_link` through the
//! `serialport` crate, and [`serve_board`] puts the board co-simulation
//! behind a port (a pseudo-terminal in the tests and in
//! `neuroxbar board-sim`), so the host side can be tested without a board.
//!
//! The host knows the board's clock (MHz) and reads its cycle counter with
//! `STATUS` when it connects; timed commands name absolute cycles ahead of
//! it. Between answers the host's idea of the counter is a lower bound: the
//! last value an answer gave or a timed command implied (the board's `late`
//! status is the authority on whether a command came in time).
//!
//! Every failure is a [`LinkError`] naming the port and the command: the
//! port cannot be opened or written, no (complete) answer within the
//! timeout, an answer with a bad CRC, a malformed answer, an error status.

use crate::board::SerialBoard;
use crate::cosim::{CoSimError, StepResult};
use crate::host::{on_time, Late, Link, Timing};
use crate::link::*;
use neuroxbar_rtl::host_link::protocol::*;
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

/// Time an answer may take beyond its bytes on the line and the board's
/// own wait for a timed command [default of [`SerialHost::answer_timeout`]].
pub const DEFAULT_ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// Counters of a serial link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortStats {
    /// Requests answered.
    pub frames: u64,
    /// Bytes written and read.
    pub bytes: u64,
    /// Timed commands the board answered `late` (allowed by the host).
    pub late: u64,
}

/// A host program's link to a board at a serial port.
pub struct SerialHost {
    port: Box<dyn serialport::SerialPort>,
    name: String,
    baud: u32,
    clock_mhz: f64,
    /// Time an answer may take beyond its bytes on the line and the
    /// board's own wait.
    pub answer_timeout: Duration,
    /// Lower bound of the board's cycle counter.
    counter: u64,
    stats: PortStats,
}

impl std::fmt::Debug for SerialHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialHost")
            .field("port", &self.name)
            .field("baud", &self.baud)
            .field("clock_mhz", &self.clock_mhz)
            .field("counter", &self.counter)
            .finish()
    }
}

impl SerialHost {
    /// Open `path` at `baud` (8N1, no flow control) and connect to the
    /// board whose clock is `clock_mhz`.
    pub fn open(path: &str, baud: u32, clock_mhz: f64) -> Result<Self, LinkError> {
        let open_err = |reason: String| LinkError::Open {
            port: path.to_string(),
            baud,
            reason,
        };
        if baud == 0 {
            return Err(open_err("the baud rate must be above 0".into()));
        }
        let port = serialport::new(path, baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(serialport::Parity::None)
            .stop_bits(serialport::StopBits::One)
            .flow_control(serialport::FlowControl::None)
            .timeout(Duration::from_millis(50))
            .open()
            .map_err(|e| open_err(e.to_string()))?;
        Self::connect(port, path, baud, clock_mhz, DEFAULT_ANSWER_TIMEOUT)
    }

    /// Connect over an open port: drop stale input, read the board's cycle
    /// counter (`STATUS`).
    pub fn connect(
        port: Box<dyn serialport::SerialPort>,
        name: &str,
        baud: u32,
        clock_mhz: f64,
        answer_timeout: Duration,
    ) -> Result<Self, LinkError> {
        if !(clock_mhz.is_finite() && clock_mhz > 0.0) {
            return Err(LinkError::Open {
                port: name.to_string(),
                baud,
                reason: format!("the board clock must be above 0 MHz, not {clock_mhz}"),
            });
        }
        let _ = port.clear(serialport::ClearBuffer::Input);
        let mut h = SerialHost {
            port,
            name: name.to_string(),
            baud,
            clock_mhz,
            answer_timeout,
            counter: 0,
            stats: PortStats::default(),
        };
        h.status()?;
        Ok(h)
    }

    /// The port's name.
    pub fn port_name(&self) -> &str {
        &self.name
    }

    /// The board's clock, MHz.
    pub fn clock_mhz(&self) -> f64 {
        self.clock_mhz
    }

    /// Frames, bytes and late answers so far.
    pub fn stats(&self) -> PortStats {
        self.stats
    }

    /// `STATUS`: the board's flags (bit 0 idle, 1 cfg_error, 2
    /// clamp_error, 3 saturated, 4 overrun) and cycle counter, which the
    /// host then knows.
    pub fn status(&mut self) -> Result<(u8, u64), LinkError> {
        let a = self.request(CMD_STATUS, &[], 0)?;
        let a = self.expect(CMD_STATUS, a, Late::Refuse)?.0;
        let cycle = (a.len() == 7)
            .then(|| read_u48(&a[1..]))
            .flatten()
            .ok_or_else(|| self.malformed(CMD_STATUS, "a STATUS payload is 7 bytes", &a))?;
        self.counter = self.counter.max(cycle);
        Ok((a[0], cycle))
    }

    fn malformed(&self, cmd: u8, why: &'static str, p: &[u8]) -> LinkError {
        LinkError::Malformed {
            port: self.name.clone(),
            command: command_name(cmd),
            why,
            bytes: p.to_vec(),
        }
    }

    /// Seconds `bytes` take on the line (10 bits each).
    fn line_s(&self, bytes: usize) -> f64 {
        bytes as f64 * 10.0 / self.baud as f64
    }

    /// Send one request and read its answer; `wait_cycles` is how long the
    /// board may wait before it answers (a timed command, `WAIT_UNTIL`).
    fn request(&mut self, cmd: u8, payload: &[u8], wait_cycles: u64) -> Result<Answer, LinkError> {
        let frame = request_frame(cmd, payload);
        let io = |source: std::io::Error, name: &str| LinkError::Io {
            port: name.to_string(),
            command: command_name(cmd),
            source,
        };
        self.port
            .write_all(&frame)
            .and_then(|()| self.port.flush())
            .map_err(|e| io(e, &self.name))?;
        self.stats.bytes += frame.len() as u64;
        let budget = self.answer_timeout.as_secs_f64()
            + self.line_s(frame.len() + 5 + MAX_RESPONSE)
            + wait_cycles as f64 / (self.clock_mhz * 1e6);
        let start = Instant::now();
        let deadline = start + Duration::from_secs_f64(budget);
        let mut got: Vec<u8> = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            match parse_answer(&got, cmd) {
                Ok(Some(a)) => {
                    self.stats.frames += 1;
                    self.stats.bytes += a.frame_len as u64;
                    return Ok(a);
                }
                Ok(None) => {}
                Err(f) => return Err(f.error(&self.name, cmd, &got)),
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(LinkError::NoAnswer {
                    port: self.name.clone(),
                    command: command_name(cmd),
                    waited_ms: (now - start).as_millis() as u64,
                    got,
                });
            }
            let left = (deadline - now).max(Duration::from_millis(1));
            self.port
                .set_timeout(left.min(Duration::from_millis(200)))
                .map_err(|e| io(e.into(), &self.name))?;
            match self.port.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(io(e, &self.name)),
            }
        }
    }

    /// The payload and timing of an answer, or the error its status is.
    fn expect(&mut self, cmd: u8, a: Answer, late: Late) -> Result<(Vec<u8>, Timing), LinkError> {
        match timing_of(a.status, late) {
            Ok(t) => {
                if t == Timing::Late {
                    self.stats.late += 1;
                }
                Ok((a.payload, t))
            }
            Err(s) => Err(status_error(&self.name, cmd, s, self.counter)),
        }
    }

    /// A timed `PRESENT` or `STEP` due in cycle `t`.
    fn timed(
        &mut self,
        cmd: u8,
        t_cycles: u64,
        late: Late,
    ) -> Result<(Vec<u8>, Timing), CoSimError> {
        on_time(self.counter, t_cycles, late)?;
        let wait = t_cycles.saturating_sub(self.counter);
        let a = self.request(cmd, &due_payload(t_cycles), wait)?;
        let r = self.expect(cmd, a, late)?;
        // the strobe was taken in cycle t (on time) or later
        self.counter = self.counter.max(t_cycles + (r.1 == Timing::Late) as u64);
        Ok(r)
    }

    fn ok(&mut self, cmd: u8, payload: &[u8]) -> Result<Vec<u8>, CoSimError> {
        let a = self.request(cmd, payload, 0)?;
        Ok(self.expect(cmd, a, Late::Refuse)?.0)
    }
}

impl Link for SerialHost {
    fn time_cycles(&self) -> u64 {
        self.counter
    }
    fn reset(&mut self) -> Result<(), CoSimError> {
        self.ok(CMD_RESET, &[]).map(|_| ())
    }
    fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError> {
        self.ok(CMD_WRITE, &write_payload(addr, data)).map(|_| ())
    }
    fn present_timed(&mut self, t_cycles: u64, late: Late) -> Result<Timing, CoSimError> {
        self.timed(CMD_PRESENT, t_cycles, late).map(|r| r.1)
    }
    fn step_timed(
        &mut self,
        t_cycles: u64,
        late: Late,
    ) -> Result<(StepResult, Timing), CoSimError> {
        let (p, timing) = self.timed(CMD_STEP, t_cycles, late)?;
        let r = decode_step(&p)
            .ok_or_else(|| self.malformed(CMD_STEP, "a STEP payload is 3..=10 bytes", &p))?;
        Ok((r, timing))
    }
    fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        if t_cycles <= self.counter {
            return Ok(());
        }
        let wait = t_cycles - self.counter;
        let a = self.request(CMD_WAIT_UNTIL, &u48(t_cycles), wait)?;
        // answered `late`: the cycle had passed when the frame arrived (the
        // counter known here is a lower bound), so there was nothing left
        // to wait for; the answer carries the counter either way
        let p = self.expect(CMD_WAIT_UNTIL, a, Late::Allow)?.0;
        let cycle = read_u48(&p)
            .ok_or_else(|| self.malformed(CMD_WAIT_UNTIL, "a WAIT_UNTIL payload is 6 bytes", &p))?;
        self.counter = self.counter.max(cycle);
        Ok(())
    }
}

/// Serve the board co-simulation at `port` until `stop()` says so or the
/// other end goes away: each request frame read from the port is put on
/// the board's `uart_rx` line, the board is clocked until it has answered,
/// and the answer's bytes are written back. The board's time stands still
/// between requests (the host takes no simulated time, as in
/// [`SerialBoard::request`]), so a host program gives the same results here
/// as on the board co-simulation directly. Returns the number of requests served.
pub fn serve_board<B: SerialBoard>(
    sim: &mut B,
    port: &mut dyn serialport::SerialPort,
    stop: &dyn Fn() -> bool,
) -> Result<u64, CoSimError> {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 256];
    let mut served = 0u64;
    let mut last_byte = Instant::now();
    let _ = port.set_timeout(Duration::from_millis(20));
    loop {
        if stop() {
            return Ok(served);
        }
        match port.read(&mut buf) {
            Ok(0) => return Ok(served),
            Ok(n) => {
                pending.extend_from_slice(&buf[..n]);
                last_byte = Instant::now();
            }
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            // a pseudo-terminal whose other end closed
            Err(_) => return Ok(served),
        }
        // a whole request (or, after 100 ms without more bytes, whatever
        // came: the board answers a broken frame with its status)
        let whole = pending.len() >= 3
            && pending[0] == SYNC_HOST
            && pending.len() >= 4 + pending[2] as usize;
        let stale = !pending.is_empty() && last_byte.elapsed() > Duration::from_millis(100);
        if !(whole || stale) {
            continue;
        }
        let n = if whole && pending.len() > 4 + pending[2] as usize {
            4 + pending[2] as usize
        } else {
            pending.len()
        };
        let frame: Vec<u8> = pending.drain(..n).collect();
        sim.take_sent();
        sim.feed(&frame);
        let mut answer = Vec::new();
        let mut clocked = 0u64;
        loop {
            sim.clock_cycle()?;
            answer.extend(sim.take_sent());
            let complete = answer.len() >= 4 && answer.len() >= 5 + answer[3] as usize;
            if complete && !sim.line_busy() {
                break;
            }
            clocked += 1;
            if clocked > crate::host::STEP_MAX_CYCLES {
                // no answer: the host's timeout reports it
                break;
            }
        }
        port.write_all(&answer)
            .and_then(|()| port.flush())
            .map_err(|e| CoSimError::Link(format!("serving the board: {e}")))?;
        served += 1;
    }
}
