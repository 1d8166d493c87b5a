//! The board co-simulation: the Verilated board core (`board_core25x5`:
//! serial host link + accelerator) with the host's serial line driven bit by
//! bit at its `uart_rx` pin and read back at `uart_tx`, and the `fe_*` bus
//! on the same bus-level front-end model as [`CoSim`](crate::cosim::CoSim).
//! The host operations travel as frames (`neuroxbar_rtl::host_link`), so a
//! host program run here exercises the link a real board uses.
//!
//! Time warp skips cycles only while the link executes a command (no bits
//! on either serial line): up to the end of the link's wait for a timed
//! command and of the accelerator's own wait, under the front-end's rule.

use crate::cosim::{CoSimError, FeBus, FeOut, StepResult};
use crate::harness::{Harness, HarnessError, Trace};
use crate::host::{late, Host};
use crate::units::host_link::{request_frame, uart_levels, UartSink};
use crate::verilated::board_core25x5;
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_rtl::host_link::{protocol::*, ST_EXEC};
use std::collections::VecDeque;

/// Clocks per UART bit of the co-simulated board core.
pub const BOARD_CLOCKS_PER_BIT: u16 = 8;

/// Rows and columns of the co-simulated board core.
pub const BOARD_ROWS: usize = 25;
pub const BOARD_COLS: usize = 5;

/// Counters of a board co-simulation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoardStats {
    pub clocked_cycles: u64,
    pub warped_cycles: u64,
    /// Requests sent and answers received.
    pub frames: u64,
    /// Bytes on both serial lines.
    pub bytes: u64,
}

pub struct BoardSim {
    harness: Harness<board_core25x5::Model>,
    pub fe: FrontEnd,
    pub warp: bool,
    bus: FeBus,
    period_s: f64,
    t_cycles: u64,
    /// Line levels still to be sent to `uart_rx`, one per cycle.
    line: VecDeque<bool>,
    sink: UartSink,
    stats: BoardStats,
}

impl BoardSim {
    pub fn new(fe: FrontEnd, warp: bool, trace: Trace) -> Result<Self, HarnessError> {
        let period_s = fe.params().clock_period_s;
        let mut harness: Harness<board_core25x5::Model> = Harness::new(trace)?;
        harness.model.set_uart_rx(1);
        Ok(Self {
            harness,
            fe,
            warp,
            bus: FeBus::default(),
            period_s,
            t_cycles: 0,
            line: VecDeque::new(),
            sink: UartSink::new(BOARD_CLOCKS_PER_BIT),
            stats: BoardStats::default(),
        })
    }

    pub fn stats(&self) -> BoardStats {
        self.stats
    }

    pub fn time_s(&self) -> f64 {
        self.t_cycles as f64 * self.period_s
    }

    fn fe_err(&self, source: neuroxbar_models::frontend::FrontEndError) -> CoSimError {
        CoSimError::FrontEnd {
            t_s: self.time_s(),
            source,
        }
    }

    /// The warp allowed in this cycle (see the module doc).
    fn warp_now(&self, fe_busy: bool) -> u32 {
        let m = &self.harness.model;
        if !self.warp || !self.line.is_empty() || m.link_state() != ST_EXEC {
            return 0;
        }
        let (acc_idle, acc_wait) = (m.acc_idle() != 0, m.acc_wait_left() as u32);
        let acc = if acc_idle && acc_wait == 0 && !self.bus.active(self.t_cycles) {
            None
        } else if acc_wait > 1 {
            Some(self.bus.warp(acc_wait, fe_busy))
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

    /// Clock one cycle: the host's line level in, the front-end's answer
    /// in, the board's serial line and bus out.
    fn cycle(&mut self) -> Result<(), CoSimError> {
        let fin = self.bus.drive(self.t_cycles);
        let warp = self.warp_now(fin.busy);
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
        if warp > 0 {
            self.harness.skip(warp as u64);
        }
        self.harness.step();
        self.stats.clocked_cycles += 1;
        self.stats.warped_cycles += warp as u64;
        self.t_cycles += 1 + warp as u64;
        let m = &self.harness.model;
        self.sink.push(m.uart_tx() != 0);
        let o = FeOut {
            we: m.fe_we() != 0,
            ch: m.fe_ch() as u8,
            mode: m.fe_mode() as u8,
            code: neuroxbar_models::golden::fixed::sign_extend(m.fe_code(), 12) as i16,
            apply: m.fe_apply() != 0,
            sample: m.fe_sample() != 0,
        };
        let t = self.t_cycles;
        let t_s = self.time_s();
        self.bus
            .react(&mut self.fe, t, t_s, o)
            .map_err(|e| self.fe_err(e))?;
        Ok(())
    }

    /// Send one request and clock until its answer has arrived; returns the
    /// answer's status and payload.
    pub fn request(&mut self, cmd: u8, payload: &[u8]) -> Result<(u8, Vec<u8>), CoSimError> {
        let frame = request_frame(cmd, payload);
        self.stats.bytes += frame.len() as u64;
        self.line
            .extend(uart_levels(&frame, BOARD_CLOCKS_PER_BIT, 0));
        self.sink.bytes.clear();
        let mut clocked = 0u64;
        loop {
            if let Some(answer) = self.answer(cmd)? {
                self.stats.frames += 1;
                return Ok(answer);
            }
            self.cycle()?;
            clocked += 1;
            if clocked > crate::host::STEP_MAX_CYCLES {
                return Err(CoSimError::Link(format!(
                    "no answer to command {cmd:#04x} within {} clocked cycles",
                    crate::host::STEP_MAX_CYCLES
                )));
            }
        }
    }

    /// A complete answer to `cmd` in the received bytes, if there is one.
    fn answer(&mut self, cmd: u8) -> Result<Option<(u8, Vec<u8>)>, CoSimError> {
        let b = &self.sink.bytes;
        if b.len() < 4 || b.len() < 5 + b[3] as usize {
            return Ok(None);
        }
        let len = b[3] as usize;
        let body = &b[1..4 + len];
        if b[0] != SYNC_BOARD || crc8_all(body) != b[4 + len] || b[1] != cmd {
            return Err(CoSimError::Link(format!(
                "a malformed answer to command {cmd:#04x}: {b:02x?}"
            )));
        }
        self.stats.bytes += b.len() as u64;
        let out = (b[2], body[3..].to_vec());
        self.sink.bytes.clear();
        Ok(Some(out))
    }

    /// A request that must be answered `OK`.
    fn ok(&mut self, cmd: u8, payload: &[u8]) -> Result<Vec<u8>, CoSimError> {
        let (status, p) = self.request(cmd, payload)?;
        if status != STATUS_OK {
            return Err(CoSimError::Link(format!(
                "command {cmd:#04x} answered `{}` at cycle {}",
                status_name(status),
                self.t_cycles
            )));
        }
        Ok(p)
    }

    /// The board's `u48` cycle argument for a strobe taken in cycle `t`.
    fn due(t_cycles: u64) -> [u8; 6] {
        let b = t_cycles.saturating_sub(2).to_be_bytes();
        [b[2], b[3], b[4], b[5], b[6], b[7]]
    }
}

impl Host for BoardSim {
    fn time_cycles(&self) -> u64 {
        self.t_cycles
    }
    fn reset(&mut self) -> Result<(), CoSimError> {
        self.ok(CMD_RESET, &[]).map(|_| ())
    }
    fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError> {
        let d = data.to_be_bytes();
        self.ok(CMD_WRITE, &[addr, d[0], d[1], d[2], d[3]])
            .map(|_| ())
    }
    fn present_at(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        late(self.t_cycles, t_cycles)?;
        self.ok(CMD_PRESENT, &Self::due(t_cycles)).map(|_| ())
    }
    fn step_at(&mut self, t_cycles: u64) -> Result<StepResult, CoSimError> {
        late(self.t_cycles, t_cycles)?;
        let p = self.ok(CMD_STEP, &Self::due(t_cycles))?;
        let spikes = p[2..].iter().fold(0u64, |acc, b| (acc << 8) | *b as u64);
        Ok(StepResult {
            spikes,
            winner: (p[0] & 1 == 1).then_some(p[1]),
        })
    }
    fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        if t_cycles > self.t_cycles {
            let b = t_cycles.to_be_bytes();
            self.ok(CMD_WAIT_UNTIL, &b[2..])?;
        }
        Ok(())
    }
    fn front_end(&mut self) -> &mut FrontEnd {
        &mut self.fe
    }
    fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError> {
        let t_s = self.time_s();
        crate::cosim::weights_at(&mut self.fe, t_s)
    }
}
