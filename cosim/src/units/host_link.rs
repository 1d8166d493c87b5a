//! The host link (`UartBridge`: UART receiver, frame bridge, UART
//! transmitter) on Verilator, rust-hdl and a golden model.
//!
//! The golden model lives here rather than in `neuroxbar-models` because the
//! frame protocol is defined by the RTL crate
//! (`neuroxbar_rtl::host_link::protocol`), which the models crate does not
//! depend on.

use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::uart_bridge25x5;
use neuroxbar_rtl::host_link::{protocol::*, UartBridge};
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Rows and columns of the co-simulated host link (`uart_bridge25x5`).
pub const LINK_ROWS: usize = 25;
pub const LINK_COLS: usize = 5;
/// Clocks per UART bit of the co-simulated host link.
pub const LINK_CLOCKS_PER_BIT: u16 = 8;

/// Inputs of one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkInputs {
    pub reset: bool,
    /// Serial line from the host (idle high).
    pub uart_rx: bool,
    pub acc_idle: bool,
    pub acc_spikes: u64,
    pub acc_spikes_valid: bool,
    pub acc_winner: u8,
    pub acc_winner_valid: bool,
    pub acc_debug_data: u32,
    pub acc_cfg_error: bool,
    pub acc_clamp_error: bool,
    pub acc_saturated: bool,
    pub acc_overrun: bool,
    pub warp: u32,
}

impl Default for LinkInputs {
    fn default() -> Self {
        Self {
            reset: false,
            uart_rx: true,
            acc_idle: true,
            acc_spikes: 0,
            acc_spikes_valid: false,
            acc_winner: 0,
            acc_winner_valid: false,
            acc_debug_data: 0,
            acc_cfg_error: false,
            acc_clamp_error: false,
            acc_saturated: false,
            acc_overrun: false,
            warp: 0,
        }
    }
}

/// Outputs after the rising edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkOutputs {
    pub uart_tx: bool,
    pub acc_reset: bool,
    pub acc_tick: bool,
    pub acc_present: bool,
    pub acc_spikes_in: u128,
    pub cfg_addr: u8,
    pub cfg_data: u32,
    pub cfg_we: bool,
    pub debug_sel: u16,
    pub wait_left: u32,
    pub state: u8,
}

const MASK48: u64 = (1 << 48) - 1;
const MASK96: u128 = (1 << 96) - 1;

/// Golden model of `UartRx`.
#[derive(Debug, Clone, Default)]
struct RxModel {
    cpb: u16,
    low1: bool,
    low2: bool,
    state: u8,
    cnt: u16,
    nbit: u8,
    sr: u8,
    valid: bool,
    err: bool,
}

impl RxModel {
    fn step(&mut self, rx: bool) {
        let mut n = self.clone();
        n.low1 = !rx;
        n.low2 = self.low1;
        n.valid = false;
        n.err = false;
        let full_m1 = self.cpb - 1;
        if self.state == 0 {
            if self.low2 {
                n.state = 1;
                n.cnt = self.cpb / 2 - 1;
            }
        } else if self.cnt != 0 {
            n.cnt = self.cnt - 1;
        } else if self.state == 1 {
            if self.low2 {
                n.state = 2;
                n.cnt = full_m1;
                n.nbit = 0;
            } else {
                n.state = 0;
            }
        } else if self.state == 2 {
            n.sr = (self.sr >> 1) | if self.low2 { 0 } else { 0x80 };
            n.nbit = (self.nbit + 1) & 7;
            n.cnt = full_m1;
            if self.nbit == 7 {
                n.state = 3;
            }
        } else {
            n.state = 0;
            if self.low2 {
                n.err = true;
            } else {
                n.valid = true;
            }
        }
        *self = n;
    }
}

/// Golden model of `UartTx`.
#[derive(Debug, Clone, Default)]
struct TxModel {
    cpb: u16,
    busy: bool,
    sr: u16,
    left: u8,
    cnt: u16,
    txn: bool,
}

impl TxModel {
    fn step(&mut self, start: bool, data: u8) {
        let mut n = self.clone();
        n.txn = self.busy && self.sr & 1 == 0;
        if !self.busy {
            if start {
                n.busy = true;
                n.sr = ((data as u16) << 1) | 0x200;
                n.left = 10;
                n.cnt = self.cpb - 1;
            }
        } else if self.cnt != 0 {
            n.cnt = self.cnt - 1;
        } else {
            n.sr = self.sr >> 1;
            n.cnt = self.cpb - 1;
            n.left = self.left.wrapping_sub(1) & 0xF;
            if self.left == 1 {
                n.busy = false;
            }
        }
        *self = n;
    }
}

/// Parser states (the RTL's `ST_*`).
const S_HUNT: u8 = 0;
const S_CMD: u8 = 1;
const S_LEN: u8 = 2;
const S_PAYLOAD: u8 = 3;
const S_CRC: u8 = 4;
const S_EXEC: u8 = 5;
const S_RESP: u8 = 6;

/// Golden model of `HostBridge`.
#[derive(Debug, Clone, Default)]
struct BridgeModel {
    rows: usize,
    cols: usize,
    timeout: u32,
    state: u8,
    xs: u8,
    cmd: u8,
    len: u8,
    left: u8,
    payload: u128,
    crc: u8,
    gap: u32,
    status: u8,
    resp: u128,
    resp_len: u8,
    ridx: u8,
    tcrc: u8,
    tx_wait: bool,
    counter: u64,
    late: bool,
    due_q: bool,
    spk_acc: u64,
    win: u8,
    win_v: bool,
    spikes_in: u128,
    debug_sel: u16,
    cfg_we: bool,
    cfg_addr: u8,
    cfg_data: u32,
    tick: bool,
    present: bool,
    reset_q: bool,
}

/// The bridge's combinational outputs toward the transmitter.
struct BridgeComb {
    tx_start: bool,
    tx_data: u8,
    wait_left: u32,
}

impl BridgeModel {
    fn cur_byte(&self) -> u8 {
        match self.ridx {
            0 => SYNC_BOARD,
            1 => self.cmd,
            2 => self.status,
            3 => self.resp_len,
            i if i == self.resp_len.wrapping_add(4) => self.tcrc,
            _ => (self.resp >> 88) as u8,
        }
    }

    fn len_ok(&self) -> bool {
        len_ok(self.cmd, self.len as usize, self.rows)
    }

    /// The cycle a timed command is due at.
    fn at(&self) -> u64 {
        (self.payload as u64) & MASK48
    }

    fn timed(&self) -> bool {
        self.len == 6
    }

    fn due(&self) -> bool {
        !self.timed() || self.due_q
    }

    fn ok_or_late(&self) -> u8 {
        if self.late {
            STATUS_LATE
        } else {
            STATUS_OK
        }
    }

    fn waiting(&self, reset: bool) -> Option<u64> {
        (!reset
            && self.state == S_EXEC
            && self.len_ok()
            && !self.due_q
            && (self.cmd == CMD_WAIT_UNTIL
                || (self.timed()
                    && (self.cmd == CMD_PRESENT || (self.cmd == CMD_STEP && self.xs == 0)))))
            .then(|| self.at().wrapping_sub(self.counter) & MASK48)
    }

    fn comb(&self, inp: &LinkInputs, tx_busy: bool) -> BridgeComb {
        let tx_start = !inp.reset && self.state == S_RESP && !tx_busy && !self.tx_wait;
        let wait_left =
            self.waiting(inp.reset)
                .map_or(0, |r| if r >> 32 != 0 { u32::MAX } else { r as u32 });
        BridgeComb {
            tx_start,
            tx_data: self.cur_byte(),
            wait_left,
        }
    }

    fn to_resp(&self, n: &mut Self, status: u8) {
        n.status = status;
        n.resp_len = 0;
        n.ridx = 0;
        n.state = S_RESP;
    }

    fn step(&mut self, inp: &LinkInputs, rx: (u8, bool, bool), tx_busy: bool) {
        let (rx_data, rx_valid, rx_error) = rx;
        let mut n = self.clone();
        let cols_bytes = mask_bytes(self.cols) as u32;
        n.counter = (self.counter + inp.warp as u64 + 1) & MASK48;
        n.due_q = self.counter >= self.at();
        n.cfg_we = false;
        n.tick = false;
        n.present = false;
        n.reset_q = false;
        n.tx_wait = false;
        if inp.reset {
            n.state = S_HUNT;
            n.xs = 0;
            n.spikes_in = 0;
            n.debug_sel = 0;
        } else if self.state == S_HUNT {
            if rx_valid && rx_data == SYNC_HOST {
                n.state = S_CMD;
                n.crc = 0;
                n.gap = 0;
            }
        } else if (S_CMD..=S_CRC).contains(&self.state) {
            n.gap = (self.gap + 1) & 0xFF_FFFF;
            if rx_error {
                self.to_resp(&mut n, STATUS_FRAMING);
            } else if rx_valid {
                n.gap = 0;
                n.crc = crc8(self.crc, rx_data);
                match self.state {
                    S_CMD => {
                        n.cmd = rx_data;
                        n.state = S_LEN;
                    }
                    S_LEN => {
                        n.len = rx_data;
                        n.left = rx_data;
                        n.payload = 0;
                        if rx_data as usize > MAX_PAYLOAD {
                            self.to_resp(&mut n, STATUS_BAD_LENGTH);
                        } else if rx_data != 0 {
                            n.state = S_PAYLOAD;
                        } else {
                            n.state = S_CRC;
                        }
                    }
                    S_PAYLOAD => {
                        n.payload = (self.payload << 8) | rx_data as u128;
                        n.left = self.left.wrapping_sub(1);
                        if self.left == 1 {
                            n.state = S_CRC;
                        }
                    }
                    _ => {
                        n.xs = 0;
                        n.resp_len = 0;
                        n.resp = 0;
                        n.ridx = 0;
                        n.status = STATUS_OK;
                        n.state = S_EXEC;
                        n.late = self.len == 6 && self.counter > self.at();
                        if crc8(self.crc, rx_data) != 0 {
                            n.status = STATUS_BAD_CRC;
                            n.state = S_RESP;
                        }
                    }
                }
            } else if self.gap >= self.timeout {
                self.to_resp(&mut n, STATUS_TIMEOUT);
            }
        } else if self.state == S_EXEC {
            self.exec(inp, &mut n, cols_bytes);
        } else if !tx_busy && !self.tx_wait {
            // S_RESP
            n.tx_wait = true;
            n.ridx = self.ridx.wrapping_add(1);
            n.tcrc = crc8(self.tcrc, self.cur_byte());
            if self.ridx == 0 {
                n.tcrc = 0;
            } else if self.ridx >= 4 {
                n.resp = (self.resp << 8) & MASK96;
            }
            if self.ridx == self.resp_len.wrapping_add(4) {
                n.state = S_HUNT;
            }
        }
        *self = n;
    }

    fn exec(&self, inp: &LinkInputs, n: &mut Self, cols_bytes: u32) {
        let known = request_len(self.cmd, self.rows).is_some();
        if !self.len_ok() {
            n.status = if known {
                STATUS_BAD_LENGTH
            } else {
                STATUS_UNKNOWN_COMMAND
            };
            n.state = S_RESP;
            return;
        }
        match self.cmd {
            CMD_WRITE => {
                n.cfg_we = true;
                n.cfg_addr = (self.payload >> 32) as u8;
                n.cfg_data = self.payload as u32;
                n.state = S_RESP;
            }
            CMD_PRESENT => {
                if inp.acc_idle && self.due() {
                    n.present = true;
                    n.status = self.ok_or_late();
                    n.state = S_RESP;
                }
            }
            CMD_STEP => match self.xs {
                0 => {
                    if inp.acc_idle && self.due() {
                        n.status = self.ok_or_late();
                        n.tick = true;
                        n.spk_acc = 0;
                        n.win_v = false;
                        n.win = 0;
                        n.xs = 1;
                    }
                }
                1 => n.xs = 2,
                _ => {
                    let cols_mask = (1u64 << self.cols) - 1;
                    if inp.acc_spikes_valid {
                        n.spk_acc = inp.acc_spikes & cols_mask;
                    }
                    if inp.acc_winner_valid && !self.win_v {
                        n.win_v = true;
                        n.win = inp.acc_winner;
                    }
                    if inp.acc_idle {
                        n.state = S_RESP;
                        n.resp_len = (2 + cols_bytes) as u8;
                        let win_now_v = self.win_v || inp.acc_winner_valid;
                        let win_now = if !self.win_v && inp.acc_winner_valid {
                            inp.acc_winner
                        } else {
                            self.win
                        };
                        let spk = if inp.acc_spikes_valid {
                            inp.acc_spikes & cols_mask
                        } else {
                            self.spk_acc
                        };
                        n.resp = ((win_now_v as u128) << 88)
                            | ((win_now as u128) << 80)
                            | ((spk as u128) << (80 - 8 * cols_bytes));
                    }
                }
            },
            CMD_SPIKES => {
                n.spikes_in = self.payload & ((1u128 << self.rows) - 1);
                n.state = S_RESP;
            }
            CMD_PEEK => match self.xs {
                0 => {
                    n.debug_sel = (self.payload & 0xFFF) as u16;
                    n.xs = 1;
                }
                // the accelerator's `debug_data` follows the select (from
                // xs = 1) `DEBUG_LATENCY` = 2 cycles later
                1 | 2 => n.xs = self.xs + 1,
                _ => {
                    n.resp = (inp.acc_debug_data as u128) << 64;
                    n.resp_len = 4;
                    n.state = S_RESP;
                }
            },
            CMD_STATUS => {
                let flags = inp.acc_idle as u128
                    | (inp.acc_cfg_error as u128) << 1
                    | (inp.acc_clamp_error as u128) << 2
                    | (inp.acc_saturated as u128) << 3
                    | (inp.acc_overrun as u128) << 4;
                n.resp = (flags << 88) | ((self.counter as u128) << 40);
                n.resp_len = 7;
                n.state = S_RESP;
            }
            CMD_WAIT_UNTIL => {
                if self.due_q {
                    n.status = self.ok_or_late();
                    n.resp = (self.counter as u128) << 48;
                    n.resp_len = 6;
                    n.state = S_RESP;
                }
            }
            CMD_RESET => {
                n.reset_q = true;
                n.xs = (self.xs + 1) & 3;
                if self.xs == 1 {
                    n.state = S_RESP;
                }
            }
            _ => {
                n.status = STATUS_UNKNOWN_COMMAND;
                n.state = S_RESP;
            }
        }
    }
}

/// Golden model of `UartBridge<rows, cols>`.
#[derive(Debug, Clone)]
pub struct GoldenUartBridge {
    rx: RxModel,
    bridge: BridgeModel,
    tx: TxModel,
}

impl GoldenUartBridge {
    pub fn new(rows: usize, cols: usize, clocks_per_bit: u16) -> Self {
        let cpb = clocks_per_bit.max(neuroxbar_rtl::host_link::MIN_CLOCKS_PER_BIT);
        Self {
            rx: RxModel {
                cpb,
                ..Default::default()
            },
            bridge: BridgeModel {
                rows,
                cols,
                timeout: (cpb as u32 * 160).min(0xFF_FFFF),
                ..Default::default()
            },
            tx: TxModel {
                cpb,
                ..Default::default()
            },
        }
    }

    fn outputs(&self, inp: &LinkInputs) -> LinkOutputs {
        let b = &self.bridge;
        LinkOutputs {
            uart_tx: !self.tx.txn,
            acc_reset: b.reset_q,
            acc_tick: b.tick,
            acc_present: b.present,
            acc_spikes_in: b.spikes_in,
            cfg_addr: b.cfg_addr,
            cfg_data: b.cfg_data,
            cfg_we: b.cfg_we,
            debug_sel: b.debug_sel,
            wait_left: b.comb(inp, self.tx.busy).wait_left,
            state: b.state,
        }
    }
}

impl CycleModel for GoldenUartBridge {
    type Inputs = LinkInputs;
    type Outputs = LinkOutputs;
    fn step(&mut self, inp: &LinkInputs) -> LinkOutputs {
        let rx = (self.rx.sr, self.rx.valid, self.rx.err);
        let tx_busy = self.tx.busy;
        let c = self.bridge.comb(inp, tx_busy);
        self.rx.step(inp.uart_rx);
        self.bridge.step(inp, rx, tx_busy);
        self.tx.step(c.tx_start, c.tx_data);
        self.outputs(inp)
    }
}

/// Verilator back end (`uart_bridge25x5`).
pub struct VerilatorUartBridge {
    pub harness: Harness<uart_bridge25x5::Model>,
}

impl VerilatorUartBridge {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
        })
    }
}

impl CycleModel for VerilatorUartBridge {
    type Inputs = LinkInputs;
    type Outputs = LinkOutputs;
    fn step(&mut self, inp: &LinkInputs) -> LinkOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_uart_rx(inp.uart_rx as u64);
        m.set_acc_idle(inp.acc_idle as u64);
        m.set_acc_spikes(inp.acc_spikes & ((1 << LINK_COLS) - 1));
        m.set_acc_spikes_valid(inp.acc_spikes_valid as u64);
        m.set_acc_winner(inp.acc_winner as u64);
        m.set_acc_winner_valid(inp.acc_winner_valid as u64);
        m.set_acc_debug_data(inp.acc_debug_data as u64);
        m.set_acc_cfg_error(inp.acc_cfg_error as u64);
        m.set_acc_clamp_error(inp.acc_clamp_error as u64);
        m.set_acc_saturated(inp.acc_saturated as u64);
        m.set_acc_overrun(inp.acc_overrun as u64);
        m.set_warp(inp.warp as u64);
        self.harness.step();
        let m = &self.harness.model;
        LinkOutputs {
            uart_tx: m.uart_tx() != 0,
            acc_reset: m.acc_reset() != 0,
            acc_tick: m.acc_tick() != 0,
            acc_present: m.acc_present() != 0,
            acc_spikes_in: m.acc_spikes_in() as u128,
            cfg_addr: m.acc_cfg_addr() as u8,
            cfg_data: m.acc_cfg_data() as u32,
            cfg_we: m.acc_cfg_we() != 0,
            debug_sel: m.acc_debug_sel() as u16,
            wait_left: m.wait_left() as u32,
            state: m.state_out() as u8,
        }
    }
}

/// rust-hdl simulator back end.
pub struct RustHdlUartBridge {
    pub dut: Box<UartBridge<LINK_ROWS, LINK_COLS>>,
}

impl Default for RustHdlUartBridge {
    fn default() -> Self {
        let mut dut = Box::new(UartBridge::new(LINK_CLOCKS_PER_BIT));
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlUartBridge {
    type Inputs = LinkInputs;
    type Outputs = LinkOutputs;
    fn step(&mut self, inp: &LinkInputs) -> LinkOutputs {
        let d = &mut *self.dut;
        d.reset.next = inp.reset;
        d.uart_rx.next = inp.uart_rx;
        d.acc.idle.next = inp.acc_idle;
        d.acc.spikes.next = (inp.acc_spikes & ((1 << LINK_COLS) - 1)).into();
        d.acc.spikes_valid.next = inp.acc_spikes_valid;
        d.acc.winner.next = (inp.acc_winner as u64).into();
        d.acc.winner_valid.next = inp.acc_winner_valid;
        d.acc.debug_data.next = (inp.acc_debug_data as u64).into();
        d.acc.cfg_error.next = inp.acc_cfg_error;
        d.acc.clamp_error.next = inp.acc_clamp_error;
        d.acc.saturated.next = inp.acc_saturated;
        d.acc.overrun.next = inp.acc_overrun;
        d.warp.next = (inp.warp as u64).into();
        rust_hdl_cycle!(d, 200);
        LinkOutputs {
            uart_tx: d.uart_tx.val(),
            acc_reset: d.acc.reset.val(),
            acc_tick: d.acc.tick.val(),
            acc_present: d.acc.present.val(),
            acc_spikes_in: d.acc.spikes_in.val().to_u64() as u128,
            cfg_addr: d.acc.cfg_addr.val().to_u64() as u8,
            cfg_data: d.acc.cfg_data.val().to_u64() as u32,
            cfg_we: d.acc.cfg_we.val(),
            debug_sel: d.acc.debug_sel.val().to_u64() as u16,
            wait_left: d.wait_left.val().to_u64() as u32,
            state: d.state_out.val().to_u64() as u8,
        }
    }
}

/// A request frame: sync, command, length, payload, CRC.
pub fn request_frame(cmd: u8, payload: &[u8]) -> Vec<u8> {
    let mut body = vec![cmd, payload.len() as u8];
    body.extend_from_slice(payload);
    let crc = crc8_all(&body);
    let mut f = vec![SYNC_HOST];
    f.extend(body);
    f.push(crc);
    f
}

/// The line levels of `bytes` sent 8N1 at `clocks_per_bit`, one per cycle,
/// with `gap` idle cycles after each byte.
pub fn uart_levels(bytes: &[u8], clocks_per_bit: u16, gap: usize) -> Vec<bool> {
    let mut out = Vec::new();
    for &b in bytes {
        let mut bits = vec![false];
        bits.extend((0..8).map(|i| b >> i & 1 == 1));
        bits.push(true);
        for bit in bits {
            out.extend(std::iter::repeat_n(bit, clocks_per_bit as usize));
        }
        out.extend(std::iter::repeat_n(true, gap));
    }
    out
}

/// A receiver of the board's serial line at the host: bytes decoded from
/// line levels given one per cycle (8N1, sampled at mid-bit).
#[derive(Debug, Clone)]
pub struct UartSink {
    cpb: u32,
    /// Cycles since the start bit's falling edge, when receiving.
    at: Option<u32>,
    byte: u16,
    prev: bool,
    pub bytes: Vec<u8>,
    /// Stop bits found low.
    pub framing_errors: u32,
}

impl UartSink {
    pub fn new(clocks_per_bit: u16) -> Self {
        Self {
            cpb: clocks_per_bit as u32,
            at: None,
            byte: 0,
            prev: true,
            bytes: Vec::new(),
            framing_errors: 0,
        }
    }

    /// The line level of one cycle.
    pub fn push(&mut self, level: bool) {
        match self.at {
            None => {
                if self.prev && !level {
                    self.at = Some(0);
                    self.byte = 0;
                }
            }
            Some(t) => {
                let t = t + 1;
                self.at = Some(t);
                // sample bit k (1..=9 after the start bit) at its middle
                if t >= self.cpb / 2 && (t - self.cpb / 2).is_multiple_of(self.cpb) {
                    let k = (t - self.cpb / 2) / self.cpb;
                    if (1..=8).contains(&k) {
                        self.byte |= (level as u16) << (k - 1);
                    } else if k == 9 {
                        if level {
                            self.bytes.push(self.byte as u8);
                        } else {
                            self.framing_errors += 1;
                        }
                        self.at = None;
                    }
                }
            }
        }
        self.prev = level;
    }
}
