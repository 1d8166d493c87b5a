//! The board co-simulation: the Verilated board core (`board_core25x5`:
//! serial host link + accelerator) with the host's serial line driven bit by
//! bit at its `uart_rx` pin and read back at `uart_tx`, and the `fe_*` bus
//! on the same bus-level front-end model as [`CoSim`](crate::cosim::CoSim).
//! The host operations travel as frames (`neuroxbar_rtl::host_link`), so a
//! host program run here exercises the link a real board uses.
//!
//! It is the bus-level harness ([`BusSim`]) with the board core as its DUT.
//! Time warp skips cycles only while the link executes a command (no bits
//! on either serial line): up to the end of the link's wait for a timed
//! command and of the accelerator's own wait, under the front-end's rule.

use crate::bus::{BusDut, BusSim};
use crate::cosim::{CoSimError, FeBus, FeIn, FeOut, StepResult};
use crate::harness::{Harness, Trace};
use crate::host::{on_time, Host, Late, Link, Timing};
use crate::link::*;
use crate::units::host_link::{uart_levels, UartSink};
use crate::verilated::board_core25x5;
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_rtl::fe_bus::code_of_bits;
use neuroxbar_rtl::host_link::{protocol::*, ST_EXEC};

use std::collections::VecDeque;

/// Clocks per UART bit of the co-simulated board core.
pub const BOARD_CLOCKS_PER_BIT: u16 = 8;

/// Rows and columns of the co-simulated board core.
pub const BOARD_ROWS: usize = 25;
pub const BOARD_COLS: usize = 5;

/// Counters of the serial link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Requests sent and answers received.
    pub frames: u64,
    /// Bytes on both serial lines.
    pub bytes: u64,
}

/// The board core as a [`BusDut`]: its Verilated model, the host's line
/// levels still to send and the decoder of the board's serial line.
pub struct BoardDut {
    pub harness: Harness<board_core25x5::Model>,
    /// Line levels still to be sent to `uart_rx`, one per cycle.
    line: VecDeque<bool>,
    sink: UartSink,
    link: LinkStats,
}

impl BusDut for BoardDut {
    /// Warp only while the link executes a command (no bits on either
    /// serial line): up to the end of the link's wait and of the
    /// accelerator's own wait, under the front-end's rule.
    fn warp_wanted(&self, bus: &FeBus, fe_busy: bool, t_cycles: u64) -> u32 {
        let m = &self.harness.model;
        if !self.line.is_empty() || m.link_state() != ST_EXEC {
            return 0;
        }
        let (acc_idle, acc_wait) = (m.acc_idle() != 0, m.acc_wait_left() as u32);
        let acc = if acc_idle && acc_wait == 0 && !bus.active(t_cycles) {
            None
        } else if acc_wait > 1 {
            Some(bus.warp(acc_wait, fe_busy))
        } else {
            Some(0)
        };
        let link_wait = m.link_wait_left() as u32;
        let link = (link_wait > 0).then(|| link_wait - 1);
        match (acc, link) {
            (None, None) => 0,
            (Some(a), None) => a,
            (None, Some(l)) => l,
            (Some(a), Some(l)) => a.min(l),
        }
    }
    /// The host's line level in, the front-end's answer in.
    fn drive(&mut self, fin: FeIn, warp: u32) {
        let rx = self.line.pop_front().unwrap_or(true);
        let m = &mut self.harness.model;
        m.set_uart_rx(rx as u64);
        m.set_fe_busy(fin.busy as u64);
        match fin.rd {
            Some((ch, code, sat)) => {
                m.set_fe_rd_valid(1);
                m.set_fe_rd_ch(ch as u64);
                m.set_fe_rd_data(code as u16 as u64);
                m.set_fe_rd_sat(sat as u64);
            }
            None => m.set_fe_rd_valid(0),
        }
        m.set_warp(warp as u64);
    }
    fn clock(&mut self, skipped: u64) {
        if skipped > 0 {
            self.harness.skip(skipped);
        }
        self.harness.step();
        self.sink.push(self.harness.model.uart_tx() != 0);
    }
    fn fe_out(&self) -> FeOut {
        let m = &self.harness.model;
        FeOut {
            we: m.fe_we() != 0,
            ch: m.fe_ch() as u8,
            mode: m.fe_mode() as u8,
            code: code_of_bits(m.fe_code()),
            apply: m.fe_apply() != 0,
            sample: m.fe_sample() != 0,
        }
    }
    fn skip_time(&mut self, cycles: u64) {
        self.harness.skip(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.harness.set_period_ps(period_ps);
    }
}

/// The board core behind its serial link, in the loop with the array +
/// front-end model.
pub type BoardSim = BusSim<BoardDut>;

impl BusSim<BoardDut> {
    pub fn new(fe: FrontEnd, warp: bool, trace: Trace) -> Result<Self, CoSimError> {
        let mut harness: Harness<board_core25x5::Model> = Harness::new(trace)?;
        harness.model.set_uart_rx(1);
        let dut = BoardDut {
            harness,
            line: VecDeque::new(),
            sink: UartSink::new(BOARD_CLOCKS_PER_BIT),
            link: LinkStats::default(),
        };
        BusSim::bind(dut, fe, warp)
    }

    /// Frames and bytes on the serial link.
    pub fn link_stats(&self) -> LinkStats {
        self.dut.link
    }
}

/// A co-simulated board behind its serial line, clocked one cycle at a
/// time: what the request / answer exchange of [`Link`] (and
/// [`serve_board`](crate::serial::serve_board)) needs. [`BoardSim`] (the
/// board core, `fe_*` bus on the array model) and
/// [`BoardTopSim`](crate::board_top::BoardTopSim) (the whole board top at
/// its pins) implement it; every [`SerialBoard`] is a [`Link`].
pub trait SerialBoard {
    /// The board's clock, cycles.
    fn now_cycles(&self) -> u64;
    /// Clock one cycle.
    fn clock_cycle(&mut self) -> Result<(), CoSimError>;
    /// Queue bytes on the host's serial line (the line levels reach the
    /// board's receive pin one per clocked cycle).
    fn feed(&mut self, bytes: &[u8]);
    /// Whether bytes queued by [`feed`](Self::feed) are still on the line.
    fn line_busy(&self) -> bool;
    /// The bytes the board has sent on its serial line and nobody took yet.
    fn sent(&mut self) -> &mut Vec<u8>;
    /// Frames and bytes on the serial link.
    fn counters(&mut self) -> &mut LinkStats;

    /// The bytes the board has sent since the last call.
    fn take_sent(&mut self) -> Vec<u8> {
        std::mem::take(self.sent())
    }

    /// Send one request and clock until its answer has arrived; returns the
    /// answer's status and payload.
    fn request(&mut self, cmd: u8, payload: &[u8]) -> Result<(u8, Vec<u8>), CoSimError> {
        let frame = request_frame(cmd, payload);
        self.sent().clear();
        self.feed(&frame);
        let mut clocked = 0u64;
        loop {
            if let Some(a) = answer(self, cmd)? {
                return Ok((a.status, a.payload));
            }
            self.clock_cycle()?;
            clocked += 1;
            if clocked > crate::host::STEP_MAX_CYCLES {
                return Err(CoSimError::Link(format!(
                    "no answer to {} within {} clocked cycles",
                    command_name(cmd),
                    crate::host::STEP_MAX_CYCLES
                )));
            }
        }
    }
}

/// A complete answer to `cmd` in the received bytes, if there is one.
fn answer<B: SerialBoard + ?Sized>(b: &mut B, cmd: u8) -> Result<Option<Answer>, CoSimError> {
    let bytes = b.sent();
    match parse_answer(bytes, cmd) {
        Ok(None) => Ok(None),
        Err(f) => Err(f.error(BOARD_PORT, cmd, bytes).into()),
        Ok(Some(a)) => {
            bytes.drain(..a.frame_len);
            let c = b.counters();
            c.bytes += a.frame_len as u64;
            c.frames += 1;
            Ok(Some(a))
        }
    }
}

/// A request whose answer's status gives its timing under `late`.
fn timed<B: SerialBoard + ?Sized>(
    b: &mut B,
    cmd: u8,
    payload: &[u8],
    late: Late,
) -> Result<(Vec<u8>, Timing), CoSimError> {
    let (status, p) = b.request(cmd, payload)?;
    match timing_of(status, late) {
        Ok(t) => Ok((p, t)),
        Err(s) => Err(status_error(BOARD_PORT, cmd, s, b.now_cycles()).into()),
    }
}

/// A request that must be answered `OK`.
fn ok<B: SerialBoard + ?Sized>(b: &mut B, cmd: u8, payload: &[u8]) -> Result<Vec<u8>, CoSimError> {
    timed(b, cmd, payload, Late::Refuse).map(|r| r.0)
}

impl SerialBoard for BoardSim {
    fn now_cycles(&self) -> u64 {
        BusSim::time_cycles(self)
    }
    fn clock_cycle(&mut self) -> Result<(), CoSimError> {
        self.cycle().map(|_| ())
    }
    fn feed(&mut self, bytes: &[u8]) {
        self.dut.link.bytes += bytes.len() as u64;
        self.dut
            .line
            .extend(uart_levels(bytes, BOARD_CLOCKS_PER_BIT, 0));
    }
    fn line_busy(&self) -> bool {
        !self.dut.line.is_empty()
    }
    fn sent(&mut self) -> &mut Vec<u8> {
        &mut self.dut.sink.bytes
    }
    fn counters(&mut self) -> &mut LinkStats {
        &mut self.dut.link
    }
}

/// The name of the co-simulated board's "port" in messages.
pub const BOARD_PORT: &str = "board co-simulation";

impl<B: SerialBoard> Link for B {
    fn time_cycles(&self) -> u64 {
        self.now_cycles()
    }
    fn reset(&mut self) -> Result<(), CoSimError> {
        ok(self, CMD_RESET, &[]).map(|_| ())
    }
    fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError> {
        ok(self, CMD_WRITE, &write_payload(addr, data)).map(|_| ())
    }
    fn present_timed(&mut self, t_cycles: u64, late: Late) -> Result<Timing, CoSimError> {
        on_time(self.now_cycles(), t_cycles, late)?;
        timed(self, CMD_PRESENT, &due_payload(t_cycles), late).map(|r| r.1)
    }
    fn step_timed(
        &mut self,
        t_cycles: u64,
        late: Late,
    ) -> Result<(StepResult, Timing), CoSimError> {
        on_time(self.now_cycles(), t_cycles, late)?;
        let (p, timing) = timed(self, CMD_STEP, &due_payload(t_cycles), late)?;
        let r = decode_step(&p)
            .ok_or_else(|| CoSimError::from(Fault::Length.error(BOARD_PORT, CMD_STEP, &p)))?;
        Ok((r, timing))
    }
    fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        // a wait whose cycle passed while its frame was on the line is
        // answered `late`: nothing was left to wait for
        if t_cycles > self.now_cycles() {
            timed(self, CMD_WAIT_UNTIL, &u48(t_cycles), Late::Allow)?;
        }
        Ok(())
    }
}

impl Host for BoardSim {
    fn front_end(&mut self) -> &mut FrontEnd {
        &mut self.fe
    }
    fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError> {
        BusSim::weights_s(self)
    }
}
