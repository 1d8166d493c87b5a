//! Host link: a UART and a framed command bridge from a host's serial port to
//! the accelerator's host ports (`cfg_*`, `present`, `tick`, `spikes_in`,
//! `debug_sel`, `reset`).
//!
//! The protocol is request/response, one frame at a time (the host waits for
//! the answer before it sends the next request):
//! - request  `A5 cmd len payload[len] crc`,
//! - response `5A cmd status len payload[len] crc`,
//!
//! where `crc` is CRC-8 (polynomial x^8+x^2+x+1, `0x07`, initial value 0, no
//! reflection, CRC-8/SMBUS) over every byte after the sync byte, and
//! multi-byte fields are big-endian. The commands, their payloads and the
//! status codes are in [`protocol`]. A request whose CRC is wrong, whose
//! command is unknown, whose length is not the command's, whose bytes stop
//! for longer than the inter-byte timeout, or in which a UART stop bit is
//! missing, is answered with that status and has no effect: no register is
//! written and no strobe reaches the accelerator.
//!
//! `WAIT_UNTIL` and the 48-bit cycle counter give the host cycle-exact timing
//! over a link with millisecond latency: the host asks for "tick at cycle T"
//! instead of sleeping, so a presentation runs at the same cycles as in the
//! bus-level co-simulation as long as the host is ahead.
//!
//! Time warp (simulation only, tied to 0 in synthesis, as in the other
//! units): the cycle counter advances by `1 + warp`; `wait_left` is the
//! number of cycles left in a `WAIT_UNTIL` or until a timed `PRESENT` or
//! `STEP` is due (0 when not waiting).

use rust_hdl::prelude::*;

/// Frame formats, commands and status codes, shared by the RTL, its golden
/// model and the host side.
pub mod protocol {
    /// First byte of a request.
    pub const SYNC_HOST: u8 = 0xA5;
    /// First byte of a response.
    pub const SYNC_BOARD: u8 = 0x5A;
    /// Longest request payload, bytes (a 128-row spike mask).
    pub const MAX_PAYLOAD: usize = 16;
    /// Longest response payload, bytes.
    pub const MAX_RESPONSE: usize = 12;

    /// Write a configuration register: `addr u8, data u32`. Answer: empty.
    pub const CMD_WRITE: u8 = 0x01;
    /// Wait for the accelerator to be idle, then strobe `present`. Payload:
    /// empty (now) or `cycle u48` (timed: the strobe reaches the
    /// accelerator in cycle `cycle + 2`, or as soon as it can if the
    /// request was executed too late for that, answered with status
    /// `LATE`). Answer: empty.
    pub const CMD_PRESENT: u8 = 0x02;
    /// Wait for idle, strobe `tick`, wait until idle again. Payload as for
    /// `PRESENT` (now, or timed). Answer:
    /// `flags u8 (bit 0: a winner), winner u8, spikes` (ceil(cols / 8) bytes).
    pub const CMD_STEP: u8 = 0x03;
    /// Set the host spike mask (input mode 0): ceil(rows / 8) bytes. Answer: empty.
    pub const CMD_SPIKES: u8 = 0x04;
    /// Read an internal value: `debug_sel u16` (12 bits used). Answer: `u32`.
    pub const CMD_PEEK: u8 = 0x05;
    /// Answer: `flags u8` (bit 0 idle, 1 cfg_error, 2 clamp_error,
    /// 3 saturated, 4 overrun), `cycle u48`.
    pub const CMD_STATUS: u8 = 0x06;
    /// `cycle u48`: answer one cycle after the cycle counter reaches it,
    /// with the counter (`u48`); status `LATE` if it had passed.
    pub const CMD_WAIT_UNTIL: u8 = 0x07;
    /// Reset the accelerator (two cycles). Answer: empty.
    pub const CMD_RESET: u8 = 0x08;

    pub const STATUS_OK: u8 = 0;
    pub const STATUS_BAD_CRC: u8 = 1;
    pub const STATUS_UNKNOWN_COMMAND: u8 = 2;
    pub const STATUS_BAD_LENGTH: u8 = 3;
    pub const STATUS_LATE: u8 = 4;
    pub const STATUS_FRAMING: u8 = 5;
    pub const STATUS_TIMEOUT: u8 = 6;

    /// Payload length of a timed `PRESENT` or `STEP` (`cycle u48`).
    pub const TIMED_LEN: usize = 6;

    /// Whether `len` is a valid payload length for `cmd`.
    pub fn len_ok(cmd: u8, len: usize, rows: usize) -> bool {
        request_len(cmd, rows) == Some(len)
            || (matches!(cmd, CMD_PRESENT | CMD_STEP) && len == TIMED_LEN)
    }

    /// Bytes of a mask of `bits` bits.
    pub const fn mask_bytes(bits: usize) -> usize {
        bits.div_ceil(8)
    }

    /// The payload length a request of `cmd` must have, for an array of
    /// `rows` rows; `None` for an unknown command. `PRESENT` and `STEP` also
    /// take [`TIMED_LEN`] bytes.
    pub fn request_len(cmd: u8, rows: usize) -> Option<usize> {
        Some(match cmd {
            CMD_WRITE => 5,
            CMD_STATUS | CMD_RESET => 0,
            CMD_PRESENT | CMD_STEP => 0,
            CMD_SPIKES => mask_bytes(rows),
            CMD_PEEK => 2,
            CMD_WAIT_UNTIL => 6,
            _ => return None,
        })
    }

    /// One byte into a CRC-8/SMBUS register.
    pub fn crc8(crc: u8, byte: u8) -> u8 {
        let mut x = crc ^ byte;
        for _ in 0..8 {
            x = if x & 0x80 != 0 {
                (x << 1) ^ 0x07
            } else {
                x << 1
            };
        }
        x
    }

    /// CRC-8/SMBUS of `bytes`.
    pub fn crc8_all(bytes: &[u8]) -> u8 {
        bytes.iter().fold(0, |c, b| crc8(c, *b))
    }

    /// Name of a status code.
    pub fn status_name(status: u8) -> &'static str {
        match status {
            STATUS_OK => "ok",
            STATUS_BAD_CRC => "bad CRC",
            STATUS_UNKNOWN_COMMAND => "unknown command",
            STATUS_BAD_LENGTH => "bad length",
            STATUS_LATE => "late",
            STATUS_FRAMING => "UART framing error",
            STATUS_TIMEOUT => "inter-byte timeout",
            _ => "unknown status",
        }
    }
}

/// Bridge parser states (`state` register).
pub const ST_HUNT: u64 = 0;
pub const ST_CMD: u64 = 1;
pub const ST_LEN: u64 = 2;
pub const ST_PAYLOAD: u64 = 3;
pub const ST_CRC: u64 = 4;
pub const ST_EXEC: u64 = 5;
pub const ST_RESP: u64 = 6;

/// UART receiver states.
const RX_IDLE: u64 = 0;
const RX_START: u64 = 1;
const RX_DATA: u64 = 2;
const RX_STOP: u64 = 3;

/// Smallest supported `clocks_per_bit` (mid-bit sampling needs a half bit).
pub const MIN_CLOCKS_PER_BIT: u16 = 4;

/// CRC-8/SMBUS of one byte, combinational (eight shift-xor stages).
#[derive(LogicBlock, Default)]
pub struct Crc8 {
    pub crc_in: Signal<In, Bits<8>>,
    pub data: Signal<In, Bits<8>>,
    pub crc_out: Signal<Out, Bits<8>>,
    s0: Signal<Local, Bits<8>>,
    s1: Signal<Local, Bits<8>>,
    s2: Signal<Local, Bits<8>>,
    s3: Signal<Local, Bits<8>>,
    s4: Signal<Local, Bits<8>>,
    s5: Signal<Local, Bits<8>>,
    s6: Signal<Local, Bits<8>>,
    s7: Signal<Local, Bits<8>>,
}

impl Logic for Crc8 {
    #[hdl_gen]
    fn update(&mut self) {
        self.s0.next = self.crc_in.val() ^ self.data.val();
        self.s1.next = self.s0.val() << 1;
        if self.s0.val().get_bit(7) {
            self.s1.next = (self.s0.val() << 1) ^ bits::<8>(0x07);
        }
        self.s2.next = self.s1.val() << 1;
        if self.s1.val().get_bit(7) {
            self.s2.next = (self.s1.val() << 1) ^ bits::<8>(0x07);
        }
        self.s3.next = self.s2.val() << 1;
        if self.s2.val().get_bit(7) {
            self.s3.next = (self.s2.val() << 1) ^ bits::<8>(0x07);
        }
        self.s4.next = self.s3.val() << 1;
        if self.s3.val().get_bit(7) {
            self.s4.next = (self.s3.val() << 1) ^ bits::<8>(0x07);
        }
        self.s5.next = self.s4.val() << 1;
        if self.s4.val().get_bit(7) {
            self.s5.next = (self.s4.val() << 1) ^ bits::<8>(0x07);
        }
        self.s6.next = self.s5.val() << 1;
        if self.s5.val().get_bit(7) {
            self.s6.next = (self.s5.val() << 1) ^ bits::<8>(0x07);
        }
        self.s7.next = self.s6.val() << 1;
        if self.s6.val().get_bit(7) {
            self.s7.next = (self.s6.val() << 1) ^ bits::<8>(0x07);
        }
        self.crc_out.next = self.s7.val() << 1;
        if self.s7.val().get_bit(7) {
            self.crc_out.next = (self.s7.val() << 1) ^ bits::<8>(0x07);
        }
    }
}

/// UART receiver, 8 data bits, no parity, 1 stop bit (8N1), LSB first.
///
/// `rx` passes two synchronizing flip-flops; a start bit is confirmed at its
/// middle, data bits are sampled at their middles, and the stop bit at its
/// middle: high gives `valid` (one cycle, with `data`), low gives
/// `frame_error` (one cycle). The receiver then hunts for the next falling
/// edge. `clocks_per_bit` >= 4.
#[derive(LogicBlock)]
pub struct UartRx {
    pub clock: Signal<In, Clock>,
    pub rx: Signal<In, Bit>,
    pub data: Signal<Out, Bits<8>>,
    pub valid: Signal<Out, Bit>,
    pub frame_error: Signal<Out, Bit>,
    /// Synchronized, inverted line (so that power-up zeros mean idle).
    low1: DFF<Bit>,
    low2: DFF<Bit>,
    state: DFF<Bits<2>>,
    cnt: DFF<Bits<16>>,
    nbit: DFF<Bits<3>>,
    sr: DFF<Bits<8>>,
    valid_q: DFF<Bit>,
    err_q: DFF<Bit>,
    full_m1: Constant<Bits<16>>,
    half_m1: Constant<Bits<16>>,
    r_idle: Constant<Bits<2>>,
    r_start: Constant<Bits<2>>,
    r_data: Constant<Bits<2>>,
    r_stop: Constant<Bits<2>>,
}

impl UartRx {
    pub fn new(clocks_per_bit: u16) -> Self {
        let cpb = clocks_per_bit.max(MIN_CLOCKS_PER_BIT) as u64;
        Self {
            clock: Default::default(),
            rx: Default::default(),
            data: Default::default(),
            valid: Default::default(),
            frame_error: Default::default(),
            low1: Default::default(),
            low2: Default::default(),
            state: Default::default(),
            cnt: Default::default(),
            nbit: Default::default(),
            sr: Default::default(),
            valid_q: Default::default(),
            err_q: Default::default(),
            full_m1: Constant::new((cpb - 1).into()),
            half_m1: Constant::new((cpb / 2 - 1).into()),
            r_idle: Constant::new(RX_IDLE.into()),
            r_start: Constant::new(RX_START.into()),
            r_data: Constant::new(RX_DATA.into()),
            r_stop: Constant::new(RX_STOP.into()),
        }
    }
}

impl Logic for UartRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, low1, low2, state, cnt, nbit, sr, valid_q, err_q);
        self.low1.d.next = !self.rx.val();
        self.low2.d.next = self.low1.q.val();
        self.valid_q.d.next = false;
        self.err_q.d.next = false;
        if self.state.q.val() == self.r_idle.val() {
            if self.low2.q.val() {
                self.state.d.next = self.r_start.val();
                self.cnt.d.next = self.half_m1.val();
            }
        } else if self.cnt.q.val().any() {
            self.cnt.d.next = self.cnt.q.val() - 1;
        } else if self.state.q.val() == self.r_start.val() {
            if self.low2.q.val() {
                self.state.d.next = self.r_data.val();
                self.cnt.d.next = self.full_m1.val();
                self.nbit.d.next = 0.into();
            } else {
                // a glitch, not a start bit
                self.state.d.next = self.r_idle.val();
            }
        } else if self.state.q.val() == self.r_data.val() {
            self.sr.d.next = self.sr.q.val() >> 1;
            if !self.low2.q.val() {
                self.sr.d.next = (self.sr.q.val() >> 1) | bits::<8>(0x80);
            }
            self.nbit.d.next = self.nbit.q.val() + 1;
            self.cnt.d.next = self.full_m1.val();
            if self.nbit.q.val() == 7 {
                self.state.d.next = self.r_stop.val();
            }
        } else {
            self.state.d.next = self.r_idle.val();
            if self.low2.q.val() {
                self.err_q.d.next = true;
            } else {
                self.valid_q.d.next = true;
            }
        }
        self.data.next = self.sr.q.val();
        self.valid.next = self.valid_q.q.val();
        self.frame_error.next = self.err_q.q.val();
    }
}

/// UART transmitter, 8N1, LSB first. `start` (while not `busy`) sends
/// `data`; `busy` rises in the next cycle and falls when the stop bit has
/// lasted `clocks_per_bit` cycles. `tx` is registered (one cycle behind the
/// shift register), idle high.
#[derive(LogicBlock)]
pub struct UartTx {
    pub clock: Signal<In, Clock>,
    pub data: Signal<In, Bits<8>>,
    pub start: Signal<In, Bit>,
    pub tx: Signal<Out, Bit>,
    pub busy: Signal<Out, Bit>,
    busy_q: DFF<Bit>,
    /// `{stop, data, start}`, shifted right; bit 0 is on the line.
    sr: DFF<Bits<10>>,
    left: DFF<Bits<4>>,
    cnt: DFF<Bits<16>>,
    /// Inverted line register (power-up zero = idle high).
    txn: DFF<Bit>,
    full_m1: Constant<Bits<16>>,
}

impl UartTx {
    pub fn new(clocks_per_bit: u16) -> Self {
        let cpb = clocks_per_bit.max(MIN_CLOCKS_PER_BIT) as u64;
        Self {
            clock: Default::default(),
            data: Default::default(),
            start: Default::default(),
            tx: Default::default(),
            busy: Default::default(),
            busy_q: Default::default(),
            sr: Default::default(),
            left: Default::default(),
            cnt: Default::default(),
            txn: Default::default(),
            full_m1: Constant::new((cpb - 1).into()),
        }
    }
}

impl Logic for UartTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, busy_q, sr, left, cnt, txn);
        self.txn.d.next = self.busy_q.q.val() && !self.sr.q.val().get_bit(0);
        if !self.busy_q.q.val() {
            if self.start.val() {
                self.busy_q.d.next = true;
                self.sr.d.next = (bit_cast::<10, 8>(self.data.val()) << 1) | bits::<10>(0x200);
                self.left.d.next = 10.into();
                self.cnt.d.next = self.full_m1.val();
            }
        } else if self.cnt.q.val().any() {
            self.cnt.d.next = self.cnt.q.val() - 1;
        } else {
            self.sr.d.next = self.sr.q.val() >> 1;
            self.cnt.d.next = self.full_m1.val();
            self.left.d.next = self.left.q.val() - 1;
            if self.left.q.val() == 1 {
                self.busy_q.d.next = false;
            }
        }
        self.tx.next = !self.txn.q.val();
        self.busy.next = self.busy_q.q.val();
    }
}

/// The host side of an accelerator of `N_ROWS` x `N_COLS`, as the bridge
/// drives it: the strobes and configuration writes it sends (registered)
/// and the state it reads (the accelerator's outputs). The generated
/// Verilog names the fields `acc_tick`, `acc_cfg_addr`, ... (see
/// [`crate::verilog::FLAT_INTERFACES`]); the board core wires them to the
/// accelerator's ports of the same names without the prefix.
#[derive(LogicInterface, Default)]
pub struct AccelHost<const N_ROWS: usize, const N_COLS: usize> {
    pub idle: Signal<In, Bit>,
    pub spikes: Signal<In, Bits<N_COLS>>,
    pub spikes_valid: Signal<In, Bit>,
    pub winner: Signal<In, Bits<8>>,
    pub winner_valid: Signal<In, Bit>,
    pub debug_data: Signal<In, Bits<32>>,
    pub cfg_error: Signal<In, Bit>,
    pub clamp_error: Signal<In, Bit>,
    pub saturated: Signal<In, Bit>,
    pub overrun: Signal<In, Bit>,
    pub reset: Signal<Out, Bit>,
    pub tick: Signal<Out, Bit>,
    pub present: Signal<Out, Bit>,
    pub spikes_in: Signal<Out, Bits<N_ROWS>>,
    pub cfg_addr: Signal<Out, Bits<8>>,
    pub cfg_data: Signal<Out, Bits<32>>,
    pub cfg_we: Signal<Out, Bit>,
    pub debug_sel: Signal<Out, Bits<12>>,
}

/// The frame bridge between a byte stream (from [`UartRx`], to [`UartTx`])
/// and an accelerator of `N_ROWS` x `N_COLS` (see the module doc).
#[derive(LogicBlock)]
pub struct HostBridge<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset of the bridge (back to hunting for a frame).
    pub reset: Signal<In, Bit>,
    pub rx_data: Signal<In, Bits<8>>,
    pub rx_valid: Signal<In, Bit>,
    pub rx_error: Signal<In, Bit>,
    pub tx_busy: Signal<In, Bit>,
    pub tx_data: Signal<Out, Bits<8>>,
    pub tx_start: Signal<Out, Bit>,
    /// The accelerator's host side (`acc_*` in the Verilog).
    pub acc: AccelHost<N_ROWS, N_COLS>,
    /// Simulation only: the cycle counter advances by `1 + warp`.
    pub warp: Signal<In, Bits<32>>,
    /// Cycles left in a `WAIT_UNTIL`, this one included (0: not waiting).
    pub wait_left: Signal<Out, Bits<32>>,
    /// The parser state (`ST_*`), for observation.
    pub state_out: Signal<Out, Bits<3>>,
    state: DFF<Bits<3>>,
    xs: DFF<Bits<2>>,
    cmd: DFF<Bits<8>>,
    len: DFF<Bits<8>>,
    left: DFF<Bits<8>>,
    payload: DFF<Bits<128>>,
    crc: DFF<Bits<8>>,
    gap: DFF<Bits<24>>,
    status: DFF<Bits<8>>,
    resp: DFF<Bits<96>>,
    resp_len: DFF<Bits<8>>,
    ridx: DFF<Bits<8>>,
    tcrc: DFF<Bits<8>>,
    tx_wait: DFF<Bit>,
    counter: DFF<Bits<48>>,
    late: DFF<Bit>,
    /// The counter had reached the timed cycle in the last cycle
    /// (registered compare: the 48-bit compare stays off the answer path).
    due_q: DFF<Bit>,
    /// The command decoded when its byte arrives (one flag per command).
    is_write: DFF<Bit>,
    is_present: DFF<Bit>,
    is_step: DFF<Bit>,
    is_spikes: DFF<Bit>,
    is_peek: DFF<Bit>,
    is_status: DFF<Bit>,
    is_wait_until: DFF<Bit>,
    is_reset: DFF<Bit>,
    len_ok_q: DFF<Bit>,
    spk_acc: DFF<Bits<N_COLS>>,
    win: DFF<Bits<8>>,
    win_v: DFF<Bit>,
    spikes_in_q: DFF<Bits<N_ROWS>>,
    debug_sel_q: DFF<Bits<12>>,
    cfg_we_q: DFF<Bit>,
    cfg_addr_q: DFF<Bits<8>>,
    cfg_data_q: DFF<Bits<32>>,
    tick_q: DFF<Bit>,
    present_q: DFF<Bit>,
    reset_q: DFF<Bit>,
    crc_rx: Crc8,
    crc_tx: Crc8,
    len_ok: Signal<Local, Bit>,
    flags: Signal<Local, Bits<8>>,
    remaining: Signal<Local, Bits<48>>,
    at: Signal<Local, Bits<48>>,
    timed: Signal<Local, Bit>,
    due: Signal<Local, Bit>,
    waiting: Signal<Local, Bit>,
    ok_or_late: Signal<Local, Bits<8>>,
    win_now_v: Signal<Local, Bit>,
    win_now: Signal<Local, Bits<8>>,
    spk_now: Signal<Local, Bits<N_COLS>>,
    step_resp: Signal<Local, Bits<96>>,
    cur_byte: Signal<Local, Bits<8>>,
    timeout: Constant<Bits<24>>,
    spikes_len: Constant<Bits<8>>,
    step_len: Constant<Bits<8>>,
    spike_shift: Constant<Bits<8>>,
    max_payload: Constant<Bits<8>>,
    s_hunt: Constant<Bits<3>>,
    s_cmd: Constant<Bits<3>>,
    s_len: Constant<Bits<3>>,
    s_payload: Constant<Bits<3>>,
    s_crc: Constant<Bits<3>>,
    s_exec: Constant<Bits<3>>,
    s_resp: Constant<Bits<3>>,
    c_write: Constant<Bits<8>>,
    c_present: Constant<Bits<8>>,
    c_step: Constant<Bits<8>>,
    c_spikes: Constant<Bits<8>>,
    c_peek: Constant<Bits<8>>,
    c_status: Constant<Bits<8>>,
    c_wait_until: Constant<Bits<8>>,
    c_reset: Constant<Bits<8>>,
    k_ok: Constant<Bits<8>>,
    k_bad_crc: Constant<Bits<8>>,
    k_unknown: Constant<Bits<8>>,
    k_bad_length: Constant<Bits<8>>,
    k_late: Constant<Bits<8>>,
    k_framing: Constant<Bits<8>>,
    k_timeout: Constant<Bits<8>>,
    sync_host: Constant<Bits<8>>,
    sync_board: Constant<Bits<8>>,
}

impl<const N_ROWS: usize, const N_COLS: usize> HostBridge<N_ROWS, N_COLS> {
    /// `timeout_cycles`: the longest gap between two bytes of a request.
    pub fn new(timeout_cycles: u32) -> Self {
        assert!(N_ROWS <= 8 * protocol::MAX_PAYLOAD && N_COLS <= 64);
        let cols_bytes = protocol::mask_bytes(N_COLS) as u64;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            rx_data: Default::default(),
            rx_valid: Default::default(),
            rx_error: Default::default(),
            tx_busy: Default::default(),
            tx_data: Default::default(),
            tx_start: Default::default(),
            acc: Default::default(),
            warp: Default::default(),
            wait_left: Default::default(),
            state_out: Default::default(),
            state: Default::default(),
            xs: Default::default(),
            cmd: Default::default(),
            len: Default::default(),
            left: Default::default(),
            payload: Default::default(),
            crc: Default::default(),
            gap: Default::default(),
            status: Default::default(),
            resp: Default::default(),
            resp_len: Default::default(),
            ridx: Default::default(),
            tcrc: Default::default(),
            tx_wait: Default::default(),
            counter: Default::default(),
            late: Default::default(),
            due_q: Default::default(),
            is_write: Default::default(),
            is_present: Default::default(),
            is_step: Default::default(),
            is_spikes: Default::default(),
            is_peek: Default::default(),
            is_status: Default::default(),
            is_wait_until: Default::default(),
            is_reset: Default::default(),
            len_ok_q: Default::default(),
            spk_acc: Default::default(),
            win: Default::default(),
            win_v: Default::default(),
            spikes_in_q: Default::default(),
            debug_sel_q: Default::default(),
            cfg_we_q: Default::default(),
            cfg_addr_q: Default::default(),
            cfg_data_q: Default::default(),
            tick_q: Default::default(),
            present_q: Default::default(),
            reset_q: Default::default(),
            crc_rx: Default::default(),
            crc_tx: Default::default(),
            len_ok: Default::default(),
            flags: Default::default(),
            remaining: Default::default(),
            at: Default::default(),
            timed: Default::default(),
            due: Default::default(),
            waiting: Default::default(),
            ok_or_late: Default::default(),
            win_now_v: Default::default(),
            win_now: Default::default(),
            spk_now: Default::default(),
            step_resp: Default::default(),
            cur_byte: Default::default(),
            timeout: Constant::new((timeout_cycles.min(0xFF_FFFF) as u64).into()),
            spikes_len: Constant::new((protocol::mask_bytes(N_ROWS) as u64).into()),
            step_len: Constant::new((2 + cols_bytes).into()),
            spike_shift: Constant::new((80 - 8 * cols_bytes).into()),
            max_payload: Constant::new((protocol::MAX_PAYLOAD as u64).into()),
            s_hunt: Constant::new(ST_HUNT.into()),
            s_cmd: Constant::new(ST_CMD.into()),
            s_len: Constant::new(ST_LEN.into()),
            s_payload: Constant::new(ST_PAYLOAD.into()),
            s_crc: Constant::new(ST_CRC.into()),
            s_exec: Constant::new(ST_EXEC.into()),
            s_resp: Constant::new(ST_RESP.into()),
            c_write: Constant::new((protocol::CMD_WRITE as u64).into()),
            c_present: Constant::new((protocol::CMD_PRESENT as u64).into()),
            c_step: Constant::new((protocol::CMD_STEP as u64).into()),
            c_spikes: Constant::new((protocol::CMD_SPIKES as u64).into()),
            c_peek: Constant::new((protocol::CMD_PEEK as u64).into()),
            c_status: Constant::new((protocol::CMD_STATUS as u64).into()),
            c_wait_until: Constant::new((protocol::CMD_WAIT_UNTIL as u64).into()),
            c_reset: Constant::new((protocol::CMD_RESET as u64).into()),
            k_ok: Constant::new((protocol::STATUS_OK as u64).into()),
            k_bad_crc: Constant::new((protocol::STATUS_BAD_CRC as u64).into()),
            k_unknown: Constant::new((protocol::STATUS_UNKNOWN_COMMAND as u64).into()),
            k_bad_length: Constant::new((protocol::STATUS_BAD_LENGTH as u64).into()),
            k_late: Constant::new((protocol::STATUS_LATE as u64).into()),
            k_framing: Constant::new((protocol::STATUS_FRAMING as u64).into()),
            k_timeout: Constant::new((protocol::STATUS_TIMEOUT as u64).into()),
            sync_host: Constant::new((protocol::SYNC_HOST as u64).into()),
            sync_board: Constant::new((protocol::SYNC_BOARD as u64).into()),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for HostBridge<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            xs,
            cmd,
            len,
            left,
            payload,
            crc,
            gap,
            status,
            resp,
            resp_len,
            ridx,
            tcrc,
            tx_wait,
            counter,
            late,
            due_q,
            is_write,
            is_present,
            is_step,
            is_spikes,
            is_peek,
            is_status,
            is_wait_until,
            is_reset,
            len_ok_q,
            spk_acc,
            win,
            win_v,
            spikes_in_q,
            debug_sel_q,
            cfg_we_q,
            cfg_addr_q,
            cfg_data_q,
            tick_q,
            present_q,
            reset_q
        );
        self.crc_rx.crc_in.next = self.crc.q.val();
        self.crc_rx.data.next = self.rx_data.val();
        // the byte the response sequencer puts on the line next
        self.cur_byte.next = self.resp.q.val().get_bits::<8>(88);
        if self.ridx.q.val() == 0 {
            self.cur_byte.next = self.sync_board.val();
        } else if self.ridx.q.val() == 1 {
            self.cur_byte.next = self.cmd.q.val();
        } else if self.ridx.q.val() == 2 {
            self.cur_byte.next = self.status.q.val();
        } else if self.ridx.q.val() == 3 {
            self.cur_byte.next = self.resp_len.q.val();
        } else if self.ridx.q.val() == self.resp_len.q.val() + 4 {
            self.cur_byte.next = self.tcrc.q.val();
        }
        self.crc_tx.crc_in.next = self.tcrc.q.val();
        self.crc_tx.data.next = self.cur_byte.val();
        // the payload length each command requires
        self.len_ok.next = false;
        if self.cmd.q.val() == self.c_write.val() {
            self.len_ok.next = self.len.q.val() == 5;
        } else if self.cmd.q.val() == self.c_spikes.val() {
            self.len_ok.next = self.len.q.val() == self.spikes_len.val();
        } else if self.cmd.q.val() == self.c_peek.val() {
            self.len_ok.next = self.len.q.val() == 2;
        } else if self.cmd.q.val() == self.c_wait_until.val() {
            self.len_ok.next = self.len.q.val() == 6;
        } else if self.cmd.q.val() == self.c_present.val() || self.cmd.q.val() == self.c_step.val()
        {
            self.len_ok.next = !self.len.q.val().any() || self.len.q.val() == 6;
        } else {
            self.len_ok.next = !self.len.q.val().any();
        }

        self.len_ok_q.d.next = self.len_ok.val();
        // timed commands: the cycle they are due at
        self.at.next = self.payload.q.val().get_bits::<48>(0);
        self.timed.next = self.len.q.val() == 6;
        self.due_q.d.next = self.counter.q.val() >= self.at.val();
        self.due.next = !self.timed.val() || self.due_q.q.val();
        self.remaining.next = self.at.val() - self.counter.q.val();
        self.ok_or_late.next = self.k_ok.val();
        if self.late.q.val() {
            self.ok_or_late.next = self.k_late.val();
        }
        // STATUS flags: idle, cfg_error, clamp_error, saturated, overrun
        self.flags.next = bits::<8>(0)
            .replace_bit(0, self.acc.idle.val())
            .replace_bit(1, self.acc.cfg_error.val())
            .replace_bit(2, self.acc.clamp_error.val())
            .replace_bit(3, self.acc.saturated.val())
            .replace_bit(4, self.acc.overrun.val());
        // a step's answer, with this cycle's winner and spikes taken in
        self.win_now_v.next = self.win_v.q.val() || self.acc.winner_valid.val();
        self.win_now.next = self.win.q.val();
        if !self.win_v.q.val() && self.acc.winner_valid.val() {
            self.win_now.next = self.acc.winner.val();
        }
        self.spk_now.next = self.spk_acc.q.val();
        if self.acc.spikes_valid.val() {
            self.spk_now.next = self.acc.spikes.val();
        }
        self.step_resp.next =
            (bit_cast::<96, 8>(bits::<8>(0).replace_bit(0, self.win_now_v.val())) << 88)
                | (bit_cast::<96, 8>(self.win_now.val()) << 80)
                | (bit_cast::<96, N_COLS>(self.spk_now.val()) << self.spike_shift.val());
        self.counter.d.next = self.counter.q.val() + bit_cast::<48, 32>(self.warp.val()) + 1;
        self.cfg_we_q.d.next = false;
        self.tick_q.d.next = false;
        self.present_q.d.next = false;
        self.reset_q.d.next = false;
        self.tx_start.next = false;
        self.tx_data.next = self.cur_byte.val();
        self.tx_wait.d.next = false;
        self.wait_left.next = 0.into();
        if self.reset.val() {
            self.state.d.next = self.s_hunt.val();
            self.xs.d.next = 0.into();
            self.spikes_in_q.d.next = 0.into();
            self.debug_sel_q.d.next = 0.into();
        } else if self.state.q.val() == self.s_hunt.val() {
            if self.rx_valid.val() && self.rx_data.val() == self.sync_host.val() {
                self.state.d.next = self.s_cmd.val();
                self.crc.d.next = 0.into();
                self.gap.d.next = 0.into();
            }
        } else if self.state.q.val() == self.s_cmd.val()
            || self.state.q.val() == self.s_len.val()
            || self.state.q.val() == self.s_payload.val()
            || self.state.q.val() == self.s_crc.val()
        {
            self.gap.d.next = self.gap.q.val() + 1;
            if self.rx_error.val() {
                self.status.d.next = self.k_framing.val();
                self.resp_len.d.next = 0.into();
                self.ridx.d.next = 0.into();
                self.state.d.next = self.s_resp.val();
            } else if self.rx_valid.val() {
                self.gap.d.next = 0.into();
                self.crc.d.next = self.crc_rx.crc_out.val();
                if self.state.q.val() == self.s_cmd.val() {
                    self.cmd.d.next = self.rx_data.val();
                    self.is_write.d.next = self.rx_data.val() == self.c_write.val();
                    self.is_present.d.next = self.rx_data.val() == self.c_present.val();
                    self.is_step.d.next = self.rx_data.val() == self.c_step.val();
                    self.is_spikes.d.next = self.rx_data.val() == self.c_spikes.val();
                    self.is_peek.d.next = self.rx_data.val() == self.c_peek.val();
                    self.is_status.d.next = self.rx_data.val() == self.c_status.val();
                    self.is_wait_until.d.next = self.rx_data.val() == self.c_wait_until.val();
                    self.is_reset.d.next = self.rx_data.val() == self.c_reset.val();
                    self.state.d.next = self.s_len.val();
                } else if self.state.q.val() == self.s_len.val() {
                    self.len.d.next = self.rx_data.val();
                    self.left.d.next = self.rx_data.val();
                    self.payload.d.next = 0.into();
                    if self.rx_data.val() > self.max_payload.val() {
                        // the frame's end cannot be known: answer at once
                        self.status.d.next = self.k_bad_length.val();
                        self.resp_len.d.next = 0.into();
                        self.ridx.d.next = 0.into();
                        self.state.d.next = self.s_resp.val();
                    } else if self.rx_data.val().any() {
                        self.state.d.next = self.s_payload.val();
                    } else {
                        self.state.d.next = self.s_crc.val();
                    }
                } else if self.state.q.val() == self.s_payload.val() {
                    self.payload.d.next =
                        (self.payload.q.val() << 8) | bit_cast::<128, 8>(self.rx_data.val());
                    self.left.d.next = self.left.q.val() - 1;
                    if self.left.q.val() == 1 {
                        self.state.d.next = self.s_crc.val();
                    }
                } else {
                    self.xs.d.next = 0.into();
                    self.resp_len.d.next = 0.into();
                    self.resp.d.next = 0.into();
                    self.ridx.d.next = 0.into();
                    self.status.d.next = self.k_ok.val();
                    self.state.d.next = self.s_exec.val();
                    // a timed command whose cycle has passed by its first
                    // execution cycle
                    self.late.d.next = self.len.q.val() == 6
                        && self.counter.q.val() > self.payload.q.val().get_bits::<48>(0);
                    if self.crc_rx.crc_out.val().any() {
                        self.status.d.next = self.k_bad_crc.val();
                        self.state.d.next = self.s_resp.val();
                    }
                }
            } else if self.gap.q.val() >= self.timeout.val() {
                self.status.d.next = self.k_timeout.val();
                self.resp_len.d.next = 0.into();
                self.ridx.d.next = 0.into();
                self.state.d.next = self.s_resp.val();
            }
        } else if self.state.q.val() == self.s_exec.val() {
            if !self.len_ok_q.q.val() {
                if self.is_write.q.val()
                    || self.is_present.q.val()
                    || self.is_step.q.val()
                    || self.is_spikes.q.val()
                    || self.is_peek.q.val()
                    || self.is_status.q.val()
                    || self.is_wait_until.q.val()
                    || self.is_reset.q.val()
                {
                    self.status.d.next = self.k_bad_length.val();
                } else {
                    self.status.d.next = self.k_unknown.val();
                }
                self.state.d.next = self.s_resp.val();
            } else if self.is_write.q.val() {
                self.cfg_we_q.d.next = true;
                self.cfg_addr_q.d.next = self.payload.q.val().get_bits::<8>(32);
                self.cfg_data_q.d.next = self.payload.q.val().get_bits::<32>(0);
                self.state.d.next = self.s_resp.val();
            } else if self.is_present.q.val() {
                if self.acc.idle.val() && self.due.val() {
                    self.present_q.d.next = true;
                    self.status.d.next = self.ok_or_late.val();
                    self.state.d.next = self.s_resp.val();
                }
            } else if self.is_step.q.val() {
                if self.xs.q.val() == 0 {
                    if self.acc.idle.val() && self.due.val() {
                        self.status.d.next = self.ok_or_late.val();
                        self.tick_q.d.next = true;
                        self.spk_acc.d.next = 0.into();
                        self.win_v.d.next = false;
                        self.win.d.next = 0.into();
                        self.xs.d.next = 1.into();
                    }
                } else if self.xs.q.val() == 1 {
                    // the accelerator takes the tick in this cycle
                    self.xs.d.next = 2.into();
                } else {
                    if self.acc.spikes_valid.val() {
                        self.spk_acc.d.next = self.acc.spikes.val();
                    }
                    if self.acc.winner_valid.val() && !self.win_v.q.val() {
                        self.win_v.d.next = true;
                        self.win.d.next = self.acc.winner.val();
                    }
                    if self.acc.idle.val() {
                        self.state.d.next = self.s_resp.val();
                        self.resp_len.d.next = self.step_len.val();
                        // flags, winner, spikes (the values of this cycle included)
                        self.resp.d.next = self.step_resp.val();
                    }
                }
            } else if self.is_spikes.q.val() {
                self.spikes_in_q.d.next = self.payload.q.val().get_bits::<N_ROWS>(0);
                self.state.d.next = self.s_resp.val();
            } else if self.is_peek.q.val() {
                if self.xs.q.val() == 0 {
                    self.debug_sel_q.d.next = self.payload.q.val().get_bits::<12>(0);
                    self.xs.d.next = 1.into();
                } else if self.xs.q.val() != 3 {
                    // the accelerator sees the select from xs = 1 on;
                    // `debug_data` follows it 2 cycles later
                    // (`accelerator::DEBUG_LATENCY`), in xs = 3
                    self.xs.d.next = self.xs.q.val() + 1;
                } else {
                    self.resp.d.next = bit_cast::<96, 32>(self.acc.debug_data.val()) << 64;
                    self.resp_len.d.next = 4.into();
                    self.state.d.next = self.s_resp.val();
                }
            } else if self.is_status.q.val() {
                self.resp.d.next = (bit_cast::<96, 8>(self.flags.val()) << 88)
                    | (bit_cast::<96, 48>(self.counter.q.val()) << 40);
                self.resp_len.d.next = 7.into();
                self.state.d.next = self.s_resp.val();
            } else if self.is_wait_until.q.val() {
                if self.due_q.q.val() {
                    self.status.d.next = self.ok_or_late.val();
                    self.resp.d.next = bit_cast::<96, 48>(self.counter.q.val()) << 48;
                    self.resp_len.d.next = 6.into();
                    self.state.d.next = self.s_resp.val();
                }
            } else if self.is_reset.q.val() {
                self.reset_q.d.next = true;
                self.xs.d.next = self.xs.q.val() + 1;
                if self.xs.q.val() == 1 {
                    self.state.d.next = self.s_resp.val();
                }
            } else {
                self.status.d.next = self.k_unknown.val();
                self.state.d.next = self.s_resp.val();
            }
        } else {
            // the answer, one byte at a time; `tx_wait` keeps a transmitter
            // whose busy rises a cycle after its start from being started
            // twice (UartTx's busy rises at the start edge, so with it
            // `tx_wait` never delays a byte)
            if !self.tx_busy.val() && !self.tx_wait.q.val() {
                self.tx_start.next = true;
                self.tx_wait.d.next = true;
                self.ridx.d.next = self.ridx.q.val() + 1;
                self.tcrc.d.next = self.crc_tx.crc_out.val();
                if self.ridx.q.val() == 0 {
                    self.tcrc.d.next = 0.into();
                } else if self.ridx.q.val() >= 4 {
                    self.resp.d.next = self.resp.q.val() << 8;
                }
                if self.ridx.q.val() == self.resp_len.q.val() + 4 {
                    self.state.d.next = self.s_hunt.val();
                }
            }
        }
        // a timed command or a wait that is not due yet: cycles left
        self.waiting.next = !self.reset.val()
            && self.state.q.val() == self.s_exec.val()
            && self.len_ok_q.q.val()
            && !self.due_q.q.val()
            && (self.is_wait_until.q.val()
                || (self.timed.val()
                    && (self.is_present.q.val()
                        || (self.is_step.q.val() && self.xs.q.val() == 0))));
        if self.waiting.val() {
            self.wait_left.next = self.remaining.val().get_bits::<32>(0);
            if self.remaining.val().get_bits::<16>(32).any() {
                self.wait_left.next = 0xFFFF_FFFFu64.into();
            }
        }
        self.acc.reset.next = self.reset_q.q.val();
        self.acc.tick.next = self.tick_q.q.val();
        self.acc.present.next = self.present_q.q.val();
        self.acc.spikes_in.next = self.spikes_in_q.q.val();
        self.acc.cfg_we.next = self.cfg_we_q.q.val();
        self.acc.cfg_addr.next = self.cfg_addr_q.q.val();
        self.acc.cfg_data.next = self.cfg_data_q.q.val();
        self.acc.debug_sel.next = self.debug_sel_q.q.val();
        self.state_out.next = self.state.q.val();
    }
}

/// UART receiver, frame bridge and UART transmitter: the host link of a
/// board top, with the accelerator's ports left open (the board top and the
/// lockstep tests connect them).
#[derive(LogicBlock)]
pub struct UartBridge<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Serial line from the host (idle high).
    pub uart_rx: Signal<In, Bit>,
    /// Serial line to the host (idle high).
    pub uart_tx: Signal<Out, Bit>,
    /// The accelerator's host side (`acc_*` in the Verilog).
    pub acc: AccelHost<N_ROWS, N_COLS>,
    pub warp: Signal<In, Bits<32>>,
    pub wait_left: Signal<Out, Bits<32>>,
    pub state_out: Signal<Out, Bits<3>>,
    uart_in: UartRx,
    bridge: HostBridge<N_ROWS, N_COLS>,
    uart_out: UartTx,
}

impl<const N_ROWS: usize, const N_COLS: usize> UartBridge<N_ROWS, N_COLS> {
    /// `clocks_per_bit` = clock / baud rate (>= 4); the inter-byte timeout
    /// is 16 byte times.
    pub fn new(clocks_per_bit: u16) -> Self {
        let timeout = (clocks_per_bit.max(MIN_CLOCKS_PER_BIT) as u32) * 10 * 16;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            uart_rx: Default::default(),
            uart_tx: Default::default(),
            acc: Default::default(),
            warp: Default::default(),
            wait_left: Default::default(),
            state_out: Default::default(),
            uart_in: UartRx::new(clocks_per_bit),
            bridge: HostBridge::new(timeout),
            uart_out: UartTx::new(clocks_per_bit),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for UartBridge<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        self.uart_in.clock.next = self.clock.val();
        self.bridge.clock.next = self.clock.val();
        self.uart_out.clock.next = self.clock.val();
        self.uart_in.rx.next = self.uart_rx.val();
        self.bridge.reset.next = self.reset.val();
        self.bridge.rx_data.next = self.uart_in.data.val();
        self.bridge.rx_valid.next = self.uart_in.valid.val();
        self.bridge.rx_error.next = self.uart_in.frame_error.val();
        self.bridge.tx_busy.next = self.uart_out.busy.val();
        self.uart_out.data.next = self.bridge.tx_data.val();
        self.uart_out.start.next = self.bridge.tx_start.val();
        self.uart_tx.next = self.uart_out.tx.val();
        AccelHost::<N_ROWS, N_COLS>::link(&mut self.acc, &mut self.bridge.acc);
        self.bridge.warp.next = self.warp.val();
        self.wait_left.next = self.bridge.wait_left.val();
        self.state_out.next = self.bridge.state_out.val();
    }
}

#[cfg(test)]
mod tests {
    use super::protocol::*;

    #[test]
    fn crc8_smbus_check_value() {
        // the catalogue check value of CRC-8/SMBUS over "123456789"
        assert_eq!(crc8_all(b"123456789"), 0xF4);
        // a frame followed by its CRC leaves a zero register
        let body = [CMD_WRITE, 5, 0x10, 0, 0, 1, 0];
        let c = crc8_all(&body);
        let mut all = body.to_vec();
        all.push(c);
        assert_eq!(crc8_all(&all), 0);
    }
}
