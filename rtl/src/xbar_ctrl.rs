//! Crossbar controller: sequences the front-end bus for READ, PROGRAM and
//! REFRESH, and owns the [`PulseGenerator`].
//!
//! Channels: rows `0..N_ROWS`, columns `N_ROWS..N_ROWS+N_COLS` (`fe_ch`).
//! Modes (`fe_mode`): 0 ground, 1 drive, 2 sense, 3 float.
//! Every output is a function of registers (and of the configuration
//! inputs, for the staged codes): the bus events of a cycle are visible in
//! the outputs of that cycle, never one cycle late, so the time warp cannot
//! move them (see below).
//!
//! ## State machine (`state`, one operation at a time)
//! ```text
//! IDLE ─read─► RD_STAGE ─► RD_SETTLE ─► RD_SAMPLE ─► RD_COLLECT ─► IDLE (read_done)
//!      ─cmd──► PG_PREP ─► PG_STAGE ─► PG_RUN ─┬──────────────────────────────► PG_GROUND ─► IDLE (cmd.ready)
//!                           ▲  (REFRESH, +A)  └─► PG_PREP ─► PG_STAGE (-A) ─► PG_RUN ─┘
//! ```
//! With `S = N_ROWS + N_COLS` channels, cycle counts (a cycle = one clock):
//! - READ, from the cycle with `read_start` (taken in IDLE when `fe_busy` is
//!   low, otherwise remembered, with its `row_mask`, and run as soon as
//!   possible, before any queued command):
//!   `S` staging cycles (`fe_we`; row `i` drive at `v_read`, or in the
//!   amplitude-code mode (`row_amp`) at the `row_code` presented in its
//!   staging cycle (a code memory addressed by `row_addr` one cycle
//!   earlier: `row_addr`, from a flip-flop, is the row staged next), clamped into
//!   `[safe_min, safe_max]` if `row_mask[i]` (ground if the window is
//!   empty, `safe_min > safe_max`), else ground; every column sense, code 0), then `fe_apply` high for
//!   `max(settle, 1)` cycles (RD_SETTLE) plus one RD_SAMPLE cycle with
//!   `fe_sample` (the strobe comes `max(settle, 1)` cycles after the apply
//!   edge, while the lines are still applied), then `fe_apply` low while the
//!   `N_COLS` results stream in (`fe_rd_valid`, stored by `fe_rd_ch` into
//!   `col_code` / `col_sat`). With the last beat the controller returns to
//!   IDLE: `read_done` (one cycle) and the new `col_code` appear in the
//!   cycle after the last beat. No apply starts while a sample is in flight.
//! - PROGRAM (command taken with `cmd.valid && cmd.ready`; `cmd.ready` is
//!   high while the one-entry command register is empty). The cycle after
//!   the handshake the controller, if IDLE and no read is pending, checks the
//!   command: row `>= N_ROWS`, column `>= N_COLS` or `count = 0` drop it
//!   (nothing staged, `cmd.ready` again the next cycle). Otherwise:
//!   `PREP_CYCLES` (3) cycles of PG_PREP, in which the scheme codes of the
//!   command's amplitude pass a three-register pipeline (clamp, multiply,
//!   round and negate: no path from a configuration input through the
//!   multiplier to `fe_code`, so the controller meets 100 MHz), then `S`
//!   staging cycles of the scheme (all channels drive mode; `A` the clamped
//!   amplitude, `h = A >>> 1`, `s = round_half_even(A * 0x2AAB / 2^16)`):
//!   selected row `A - h`, selected column `-h` (the cell sees exactly `A`);
//!   V/2: every other line 0; V/3: other rows `-s`, other columns `+s`.
//!   The pulse generator starts at the edge ending the last staging cycle,
//!   so `fe_apply` rises in the next cycle: `count` pulses of `width`
//!   cycles, `interval` apart. One cycle after the train's `done` cycle,
//!   `S` cycles stage every channel ground; then IDLE, with `cmd.ready` and
//!   `idle` high in the same cycle.
//! - REFRESH: as PROGRAM with amplitude `+refresh_code`, width
//!   `refresh_width`, one pulse; then the lines are staged again with
//!   `-refresh_code` (PG_PREP for 3 cycles starting one cycle after the
//!   first pulse's `done`, then `S` staging cycles) and a second pulse
//!   follows; then ground staging. The last PG_PREP cycle (of every
//!   command, so also before the REFRESH's second batch) repeats while
//!   `fe_busy` is high: a PHY that shifts a batch out serially
//!   (`fe_phy_lean`) has one batch in flight. With the bus-level front end
//!   `fe_busy` is high only while the ADC converts, never here. `cmd.count` and
//!   `cmd.pol` are ignored. `refresh_code = -2048` cannot be negated (wraps).
//!
//! The command's amplitude (`v_pot`, `v_dep` or `refresh_code`) and the safe
//! window (`safe_min`, `safe_max`) are latched when the command leaves IDLE
//! for PG_PREP: the whole command (both refresh pulses) stages and pulses
//! with them, so every line of a burst comes from one amplitude and one
//! window even if the host rewrites the configuration meanwhile (a write
//! applies to the next command). Width, interval and count are read live.
//!
//! The amplitude is clamped by the pulse generator into
//! `[safe_min, safe_max]` before anything is staged; the clamp sets
//! `clamp_error` (sticky until reset). Lines carry at most `ceil(|A| / 2)`.
//! `pulse` / `pulse_col` report each PROGRAM pulse's rising edge (not the
//! refresh pulses, so refreshing does not spend the refresh budget).
//!
//! ## Time warp
//! `wait_left` is the wait of RD_SETTLE (DAC settling) or of the pulse
//! generator's width / interval in PG_RUN, counting the present cycle;
//! 0 otherwise. With `warp = k < wait_left`, the wait advances `1 + k`
//! cycles in one clock (`k = wait_left - 1` ends it at this edge).

use crate::cmd_bus::CmdBusSink;
use crate::fe_bus::FeBus;
use crate::fixed::ArithShiftRight;
use crate::pulse_gen::PulseGenerator;
use rust_hdl::prelude::*;

/// State codes of the controller (`state` register).
pub const ST_IDLE: u64 = 0;
pub const ST_RD_STAGE: u64 = 1;
pub const ST_RD_SETTLE: u64 = 2;
pub const ST_RD_SAMPLE: u64 = 3;
pub const ST_RD_COLLECT: u64 = 4;
pub const ST_PG_STAGE: u64 = 5;
pub const ST_PG_RUN: u64 = 6;
pub const ST_PG_GROUND: u64 = 7;
pub const ST_PG_PREP: u64 = 8;
/// Cycles of PG_PREP: the depth of the scheme-code pipeline.
pub const PREP_CYCLES: u64 = 3;

/// `1/6` as `0x2AAB / 2^16`: the scheme's `s = round_half_even(A * 0x2AAB
/// / 2^16)`, with `A` sign-extended to 16 bits and multiplied as a signed
/// 16 x 16 product (one MULT18 with its signed operands, no correction
/// adder behind it).
pub const SIXTH_Q16: u64 = 0x2AAB;

#[derive(LogicBlock)]
pub struct CrossbarController<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: idle, queue and pending read cleared, codes 0.
    pub reset: Signal<In, Bit>,
    /// Start a READ of the rows in `row_mask` (one cycle).
    pub read_start: Signal<In, Bit>,
    pub row_mask: Signal<In, Bits<N_ROWS>>,
    /// READ input mode: 0 every masked row at `v_read`; 1 (amplitude code)
    /// each masked row at its own DAC code, `row_code`, read from a
    /// per-row code memory with one cycle of latency: `row_addr` names the
    /// row whose code must be on `row_code` in the next cycle. Either level
    /// is clamped into `[safe_min, safe_max]`.
    pub row_amp: Signal<In, Bit>,
    pub row_code: Signal<In, Bits<12>>,
    /// Commands (transfer when `cmd.valid && cmd.ready`; `kind` 0 PROGRAM,
    /// 1 REFRESH; `pol` 1 potentiate (`v_pot`), 0 depress (`v_dep`)).
    pub cmd: CmdBusSink,
    /// Configuration (signed 12-bit DAC codes, cycle counts).
    pub v_read: Signal<In, Bits<12>>,
    pub settle: Signal<In, Bits<16>>,
    pub v_pot: Signal<In, Bits<12>>,
    pub v_dep: Signal<In, Bits<12>>,
    pub width: Signal<In, Bits<24>>,
    pub interval: Signal<In, Bits<24>>,
    /// 0 V/2, 1 V/3.
    pub scheme: Signal<In, Bit>,
    pub safe_max: Signal<In, Bits<12>>,
    pub safe_min: Signal<In, Bits<12>>,
    pub refresh_code: Signal<In, Bits<12>>,
    pub refresh_width: Signal<In, Bits<24>>,
    /// The front-end bus (`fe_*` in the Verilog).
    pub fe: FeBus,
    /// Simulation only: advance the active wait by `1 + warp` cycles.
    pub warp: Signal<In, Bits<32>>,
    /// Column current codes of the last READ (signed 16-bit).
    pub col_code: [Signal<Out, Bits<16>>; N_COLS],
    /// Saturation flags of the last READ, one per column.
    pub col_sat: Signal<Out, Bits<N_COLS>>,
    /// One cycle: `col_code` holds a new READ.
    pub read_done: Signal<Out, Bit>,
    /// Nothing running, pending or queued.
    pub idle: Signal<Out, Bit>,
    /// One cycle at each PROGRAM pulse's rising edge, with its column.
    pub pulse: Signal<Out, Bit>,
    pub pulse_col: Signal<Out, Bits<8>>,
    /// Sticky until reset: an amplitude was clamped to the safe window.
    pub clamp_error: Signal<Out, Bit>,
    /// Cycles left in the current settle / pulse wait (0: none).
    pub wait_left: Signal<Out, Bits<32>>,
    /// Code memory address of the amplitude-code READ: the row staged in
    /// the next cycle (`ch + 1` while staging a READ, else 0: a READ
    /// starts with row 0).
    pub row_addr: Signal<Out, Bits<8>>,

    pg: PulseGenerator,
    half: ArithShiftRight<12>,
    state: DFF<Bits<4>>,
    /// Scheme-code pipeline: the clamped amplitude (1), its product by
    /// 1/6, half and copy (2), the staged codes (3).
    amp_q: DFF<Bits<12>>,
    /// The command's amplitude and safe window, latched leaving IDLE.
    cmd_amp_q: DFF<Bits<12>>,
    win_min_q: DFF<Bits<12>>,
    win_max_q: DFF<Bits<12>>,
    prod_q: DFF<Bits<32>>,
    half_q: DFF<Bits<12>>,
    amp2_q: DFF<Bits<12>>,
    sel_row_q: DFF<Bits<12>>,
    sel_col_q: DFF<Bits<12>>,
    other_row_q: DFF<Bits<12>>,
    other_col_q: DFF<Bits<12>>,
    ch: DFF<Bits<8>>,
    rd_mask: DFF<Bits<N_ROWS>>,
    pend_mask: DFF<Bits<N_ROWS>>,
    read_pend: DFF<Bit>,
    /// `!idle`, registered from the next `state`, `read_pend` and `cq_full`
    /// (the same value in every cycle, from a flip-flop; inverted so that
    /// its power-up 0 is the idle of the all-zero state).
    busy_q: DFF<Bit>,
    /// `row_addr`, registered from the next `state` and `ch` (the same
    /// value in every cycle, from a flip-flop, so the code memory's read
    /// address has no adder in front of it).
    row_addr_q: DFF<Bits<8>>,
    settle_left: DFF<Bits<16>>,
    /// `settle_left - 1`, kept beside it so that the settle's end compare
    /// (`warp >= settle_left - 1`) has no subtractor in front of it.
    settle_m1: DFF<Bits<16>>,
    beats: DFF<Bits<8>>,
    col_q: [DFF<Bits<16>>; N_COLS],
    sat_q: DFF<Bits<N_COLS>>,
    read_done_q: DFF<Bit>,
    cq_full: DFF<Bit>,
    cq_kind: DFF<Bit>,
    cq_row: DFF<Bits<8>>,
    cq_col: DFF<Bits<8>>,
    cq_pol: DFF<Bit>,
    cq_count: DFF<Bits<8>>,
    second: DFF<Bit>,
    clamp_q: DFF<Bit>,
    st_idle: Constant<Bits<4>>,
    st_rd_stage: Constant<Bits<4>>,
    st_rd_settle: Constant<Bits<4>>,
    st_rd_sample: Constant<Bits<4>>,
    st_rd_collect: Constant<Bits<4>>,
    st_pg_stage: Constant<Bits<4>>,
    st_pg_run: Constant<Bits<4>>,
    st_pg_ground: Constant<Bits<4>>,
    st_pg_prep: Constant<Bits<4>>,
    last_prep: Constant<Bits<8>>,
    last_ch: Constant<Bits<8>>,
    n_rows_c: Constant<Bits<8>>,
    n_cols_c: Constant<Bits<8>>,
    last_beat: Constant<Bits<8>>,
    col_ch: [Constant<Bits<8>>; N_COLS],
    sixth_k: Constant<Bits<16>>,
    sign_ext_16: Constant<Bits<16>>,
    sign_ext_12: Constant<Bits<12>>,
    /// `amp_q` sign-extended to 16 bits.
    amp16: Signal<Local, Bits<16>>,
    /// `amp16 * SIXTH_Q16`, signed.
    prod_s: Signal<Local, Signed<32>>,
    /// `floor(A * 0x2AAB / 2^16)` sign-extended to 12 bits, and the
    /// round-half-even carry: `s = t + inc`, `-s = !t + !inc`.
    sixth_t: Signal<Local, Bits<12>>,
    sixth_inc: Signal<Local, Bit>,
    is_row: Signal<Local, Bit>,
    /// `v_read` against the safe window (signed compares as unsigned ones
    /// of the sign-flipped codes).
    /// The level of the row being staged by a READ: `v_read`, or
    /// `row_code` in the amplitude-code mode.
    rd_level: Signal<Local, Bits<12>>,
    vr_below: Signal<Local, Bit>,
    vr_above: Signal<Local, Bit>,
    window_empty: Signal<Local, Bit>,
    sign_flip_12: Constant<Bits<12>>,
    settle_eff: Signal<Local, Bits<16>>,
    settle_end: Signal<Local, Bit>,
    cmd_ok: Signal<Local, Bit>,
}

impl<const N_ROWS: usize, const N_COLS: usize> Default for CrossbarController<N_ROWS, N_COLS> {
    fn default() -> Self {
        assert!(
            N_ROWS >= 1 && N_COLS >= 1,
            "at least one row and one column"
        );
        assert!(N_ROWS + N_COLS <= 256, "channels are 8-bit");
        let c3 = |v: u64| Constant::new(v.into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            read_start: Default::default(),
            row_mask: Default::default(),
            row_amp: Default::default(),
            row_code: Default::default(),
            cmd: Default::default(),
            v_read: Default::default(),
            settle: Default::default(),
            v_pot: Default::default(),
            v_dep: Default::default(),
            width: Default::default(),
            interval: Default::default(),
            scheme: Default::default(),
            safe_max: Default::default(),
            safe_min: Default::default(),
            refresh_code: Default::default(),
            refresh_width: Default::default(),
            fe: Default::default(),
            warp: Default::default(),
            col_code: std::array::from_fn(|_| Default::default()),
            col_sat: Default::default(),
            read_done: Default::default(),
            idle: Default::default(),
            pulse: Default::default(),
            pulse_col: Default::default(),
            clamp_error: Default::default(),
            wait_left: Default::default(),
            row_addr: Default::default(),
            pg: Default::default(),
            half: Default::default(),
            state: Default::default(),
            amp_q: Default::default(),
            cmd_amp_q: Default::default(),
            win_min_q: Default::default(),
            win_max_q: Default::default(),
            prod_q: Default::default(),
            half_q: Default::default(),
            amp2_q: Default::default(),
            sel_row_q: Default::default(),
            sel_col_q: Default::default(),
            other_row_q: Default::default(),
            other_col_q: Default::default(),
            ch: Default::default(),
            rd_mask: Default::default(),
            pend_mask: Default::default(),
            read_pend: Default::default(),
            busy_q: Default::default(),
            row_addr_q: Default::default(),
            settle_left: Default::default(),
            settle_m1: Default::default(),
            beats: Default::default(),
            col_q: std::array::from_fn(|_| Default::default()),
            sat_q: Default::default(),
            read_done_q: Default::default(),
            cq_full: Default::default(),
            cq_kind: Default::default(),
            cq_row: Default::default(),
            cq_col: Default::default(),
            cq_pol: Default::default(),
            cq_count: Default::default(),
            second: Default::default(),
            clamp_q: Default::default(),
            st_idle: c3(ST_IDLE),
            st_rd_stage: c3(ST_RD_STAGE),
            st_rd_settle: c3(ST_RD_SETTLE),
            st_rd_sample: c3(ST_RD_SAMPLE),
            st_rd_collect: c3(ST_RD_COLLECT),
            st_pg_stage: c3(ST_PG_STAGE),
            st_pg_run: c3(ST_PG_RUN),
            st_pg_ground: c3(ST_PG_GROUND),
            st_pg_prep: c3(ST_PG_PREP),
            last_prep: Constant::new((PREP_CYCLES - 1).into()),
            last_ch: Constant::new(((N_ROWS + N_COLS - 1) as u64).into()),
            n_rows_c: Constant::new((N_ROWS as u64).into()),
            n_cols_c: Constant::new((N_COLS as u64).into()),
            last_beat: Constant::new(((N_COLS - 1) as u64).into()),
            col_ch: std::array::from_fn(|j| Constant::new(((N_ROWS + j) as u64).into())),
            sixth_k: Constant::new(SIXTH_Q16.into()),
            sign_ext_16: Constant::new(0xF000u64.into()),
            sign_ext_12: Constant::new(0xC00u64.into()),
            amp16: Default::default(),
            prod_s: Default::default(),
            sixth_t: Default::default(),
            sixth_inc: Default::default(),
            is_row: Default::default(),
            rd_level: Default::default(),
            vr_below: Default::default(),
            vr_above: Default::default(),
            window_empty: Default::default(),
            sign_flip_12: Constant::new(0x800u64.into()),
            settle_eff: Default::default(),
            settle_end: Default::default(),
            cmd_ok: Default::default(),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for CrossbarController<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            amp_q,
            cmd_amp_q,
            win_min_q,
            win_max_q,
            prod_q,
            half_q,
            amp2_q,
            sel_row_q,
            sel_col_q,
            other_row_q,
            other_col_q,
            ch,
            rd_mask,
            pend_mask,
            read_pend,
            busy_q,
            row_addr_q,
            settle_left,
            settle_m1,
            beats,
            sat_q,
            read_done_q,
            cq_full,
            cq_kind,
            cq_row,
            cq_col,
            cq_pol,
            cq_count,
            second,
            clamp_q
        );
        // ---- pulse generator: amplitude, width, count of the current command
        self.pg.clock.next = self.clock.val();
        self.pg.reset.next = self.reset.val();
        self.pg.start.next = false;
        self.pg.warp.next = self.warp.val();
        self.pg.safe_max.next = self.win_max_q.q.val();
        self.pg.safe_min.next = self.win_min_q.q.val();
        self.pg.interval.next = self.interval.val();
        self.pg.amplitude.next = self.cmd_amp_q.q.val();
        if self.cq_kind.q.val() {
            if self.second.q.val() {
                self.pg.amplitude.next = !self.cmd_amp_q.q.val() + 1;
            }
            self.pg.width.next = self.refresh_width.val();
            self.pg.count.next = 1.into();
        } else {
            self.pg.width.next = self.width.val();
            self.pg.count.next = self.cq_count.q.val();
        }
        // ---- scheme codes of the clamped amplitude A, pipelined (every
        // cycle): 1) A from the pulse generator's clamp; 2) A * 1/6, A >>> 1
        // and A; 3) the four staged codes
        self.amp_q.d.next = self.pg.amplitude_out.val();
        self.half.a.next = self.amp_q.q.val();
        self.half.shift.next = 1.into();
        // s = round_half_even(A * 0x2AAB / 2^16), a signed product
        self.amp16.next = bit_cast::<16, 12>(self.amp_q.q.val());
        if self.amp_q.q.val().get_bit(11) {
            self.amp16.next = bit_cast::<16, 12>(self.amp_q.q.val()) | self.sign_ext_16.val();
        }
        self.prod_s.next = signed_cast(self.amp16.val()) * signed_cast(self.sixth_k.val());
        self.prod_q.d.next = unsigned_cast(self.prod_s.val());
        self.half_q.d.next = self.half.y.val();
        self.amp2_q.d.next = self.amp_q.q.val();
        // |A * 0x2AAB / 2^16| < 342: the floor `t` (bits 16..25) and `t + 1`
        // fit 10 bits, so `s = sext(t) + inc` and `-s = !sext(t) + !inc`,
        // each one adder (round half to even: bit 15 set and a lower bit
        // set or `t` odd)
        self.sixth_t.next = bit_cast::<12, 10>(self.prod_q.q.val().get_bits::<10>(16));
        if self.prod_q.q.val().get_bit(25) {
            self.sixth_t.next =
                bit_cast::<12, 10>(self.prod_q.q.val().get_bits::<10>(16)) | self.sign_ext_12.val();
        }
        self.sixth_inc.next = self.prod_q.q.val().get_bit(15)
            && (self.prod_q.q.val().get_bits::<15>(0).any() || self.prod_q.q.val().get_bit(16));
        self.sel_row_q.d.next = self.amp2_q.q.val() - self.half_q.q.val();
        self.sel_col_q.d.next = !self.half_q.q.val() + 1;
        if self.sixth_inc.val() {
            self.other_row_q.d.next = !self.sixth_t.val();
            self.other_col_q.d.next = self.sixth_t.val() + 1;
        } else {
            self.other_row_q.d.next = !self.sixth_t.val() + 1;
            self.other_col_q.d.next = self.sixth_t.val();
        }
        // ---- helpers
        self.is_row.next = self.ch.q.val() < self.n_rows_c.val();
        self.rd_level.next = self.v_read.val();
        if self.row_amp.val() {
            self.rd_level.next = self.row_code.val();
        }
        self.vr_below.next = (self.rd_level.val() ^ self.sign_flip_12.val())
            < (self.safe_min.val() ^ self.sign_flip_12.val());
        self.vr_above.next = (self.rd_level.val() ^ self.sign_flip_12.val())
            > (self.safe_max.val() ^ self.sign_flip_12.val());
        self.window_empty.next = (self.safe_min.val() ^ self.sign_flip_12.val())
            > (self.safe_max.val() ^ self.sign_flip_12.val());
        self.settle_eff.next = self.settle.val();
        if !self.settle.val().any() {
            self.settle_eff.next = 1.into();
        }
        self.settle_end.next = self.warp.val() >= bit_cast::<32, 16>(self.settle_m1.q.val());
        self.cmd_ok.next = (self.cq_row.q.val() < self.n_rows_c.val())
            && (self.cq_col.q.val() < self.n_cols_c.val())
            && (self.cq_kind.q.val() || self.cq_count.q.val().any());

        // ---- bus outputs (functions of the state)
        self.fe.ch.next = self.ch.q.val();
        self.fe.we.next = false;
        self.fe.mode.next = 0.into();
        self.fe.code.next = 0.into();
        if self.state.q.val() == self.st_rd_stage.val() {
            self.fe.we.next = true;
            if self.is_row.val() {
                if self.rd_mask.q.val().get_bit(0) && !self.window_empty.val() {
                    self.fe.mode.next = 1.into();
                    self.fe.code.next = self.rd_level.val();
                    if self.vr_below.val() {
                        self.fe.code.next = self.safe_min.val();
                    } else if self.vr_above.val() {
                        self.fe.code.next = self.safe_max.val();
                    }
                }
            } else {
                self.fe.mode.next = 2.into();
            }
        } else if self.state.q.val() == self.st_pg_stage.val() {
            self.fe.we.next = true;
            self.fe.mode.next = 1.into();
            if self.is_row.val() {
                if self.ch.q.val() == self.cq_row.q.val() {
                    self.fe.code.next = self.sel_row_q.q.val();
                } else if self.scheme.val() {
                    self.fe.code.next = self.other_row_q.q.val();
                }
            } else if self.ch.q.val() == self.cq_col.q.val() + self.n_rows_c.val() {
                self.fe.code.next = self.sel_col_q.q.val();
            } else if self.scheme.val() {
                self.fe.code.next = self.other_col_q.q.val();
            }
        } else if self.state.q.val() == self.st_pg_ground.val() {
            self.fe.we.next = true;
        }
        self.fe.apply.next = self.pg.apply.val()
            || (self.state.q.val() == self.st_rd_settle.val())
            || (self.state.q.val() == self.st_rd_sample.val());
        self.fe.sample.next = self.state.q.val() == self.st_rd_sample.val();
        self.row_addr.next = self.row_addr_q.q.val();
        self.wait_left.next = 0.into();
        if self.state.q.val() == self.st_rd_settle.val() {
            self.wait_left.next = bit_cast::<32, 16>(self.settle_left.q.val());
        } else if self.state.q.val() == self.st_pg_run.val() {
            self.wait_left.next = self.pg.wait_left.val();
        }

        // ---- column results
        for j in 0..N_COLS {
            self.col_q[j].clock.next = self.clock.val();
            self.col_q[j].d.next = self.col_q[j].q.val();
            if self.reset.val() {
                self.col_q[j].d.next = 0.into();
            } else if (self.state.q.val() == self.st_rd_collect.val())
                && self.fe.rd_valid.val()
                && (self.fe.rd_ch.val() == self.col_ch[j].val())
            {
                self.col_q[j].d.next = self.fe.rd_data.val();
                self.sat_q.d.next = self.sat_q.q.val().replace_bit(j, self.fe.rd_sat.val());
            }
            self.col_code[j].next = self.col_q[j].q.val();
        }

        // ---- sequencing
        self.read_done_q.d.next = false;
        self.clamp_q.d.next = self.clamp_q.q.val() || self.pg.clamped.val();
        if self.read_start.val() {
            self.read_pend.d.next = true;
            self.pend_mask.d.next = self.row_mask.val();
        }
        if self.cmd.valid.val() && !self.cq_full.q.val() {
            self.cq_full.d.next = true;
            self.cq_kind.d.next = self.cmd.kind.val();
            self.cq_row.d.next = self.cmd.row.val();
            self.cq_col.d.next = self.cmd.col.val();
            self.cq_pol.d.next = self.cmd.pol.val();
            self.cq_count.d.next = self.cmd.count.val();
        }
        if self.reset.val() {
            self.state.d.next = self.st_idle.val();
            self.ch.d.next = 0.into();
            self.rd_mask.d.next = 0.into();
            self.pend_mask.d.next = 0.into();
            self.read_pend.d.next = false;
            self.settle_left.d.next = 0.into();
            self.settle_m1.d.next = 0.into();
            self.beats.d.next = 0.into();
            self.sat_q.d.next = 0.into();
            self.cq_full.d.next = false;
            self.cq_kind.d.next = false;
            self.cq_row.d.next = 0.into();
            self.cq_col.d.next = 0.into();
            self.cq_pol.d.next = false;
            self.cq_count.d.next = 0.into();
            self.second.d.next = false;
            self.clamp_q.d.next = false;
            self.cmd_amp_q.d.next = 0.into();
            self.win_min_q.d.next = 0.into();
            self.win_max_q.d.next = 0.into();
        } else if self.state.q.val() == self.st_idle.val() {
            if !self.fe.busy.val() && (self.read_start.val() || self.read_pend.q.val()) {
                self.state.d.next = self.st_rd_stage.val();
                self.ch.d.next = 0.into();
                self.read_pend.d.next = false;
                if self.read_start.val() {
                    self.rd_mask.d.next = self.row_mask.val();
                } else {
                    self.rd_mask.d.next = self.pend_mask.q.val();
                }
            } else if !self.fe.busy.val() && self.cq_full.q.val() {
                if self.cmd_ok.val() {
                    self.state.d.next = self.st_pg_prep.val();
                    self.ch.d.next = 0.into();
                    self.second.d.next = false;
                    self.win_min_q.d.next = self.safe_min.val();
                    self.win_max_q.d.next = self.safe_max.val();
                    if self.cq_kind.q.val() {
                        self.cmd_amp_q.d.next = self.refresh_code.val();
                    } else if self.cq_pol.q.val() {
                        self.cmd_amp_q.d.next = self.v_pot.val();
                    } else {
                        self.cmd_amp_q.d.next = self.v_dep.val();
                    }
                } else {
                    self.cq_full.d.next = false;
                }
            }
        } else if self.state.q.val() == self.st_rd_stage.val() {
            self.ch.d.next = self.ch.q.val() + 1;
            self.rd_mask.d.next = self.rd_mask.q.val() >> 1;
            if self.ch.q.val() == self.last_ch.val() {
                self.state.d.next = self.st_rd_settle.val();
                self.ch.d.next = 0.into();
                self.settle_left.d.next = self.settle_eff.val();
                self.settle_m1.d.next = self.settle_eff.val() - 1;
            }
        } else if self.state.q.val() == self.st_rd_settle.val() {
            if self.settle_end.val() {
                self.state.d.next = self.st_rd_sample.val();
                self.settle_left.d.next = 0.into();
                self.settle_m1.d.next = 0.into();
            } else {
                self.settle_left.d.next =
                    self.settle_left.q.val() - 1 - self.warp.val().get_bits::<16>(0);
                self.settle_m1.d.next =
                    self.settle_m1.q.val() - 1 - self.warp.val().get_bits::<16>(0);
            }
        } else if self.state.q.val() == self.st_rd_sample.val() {
            self.state.d.next = self.st_rd_collect.val();
            self.beats.d.next = 0.into();
        } else if self.state.q.val() == self.st_rd_collect.val() {
            if self.fe.rd_valid.val() {
                self.beats.d.next = self.beats.q.val() + 1;
                if self.beats.q.val() == self.last_beat.val() {
                    self.state.d.next = self.st_idle.val();
                    self.beats.d.next = 0.into();
                    self.read_done_q.d.next = true;
                }
            }
        } else if self.state.q.val() == self.st_pg_stage.val() {
            self.ch.d.next = self.ch.q.val() + 1;
            if self.ch.q.val() == self.last_ch.val() {
                self.state.d.next = self.st_pg_run.val();
                self.ch.d.next = 0.into();
                self.pg.start.next = !self.pg.busy.val();
            }
        } else if self.state.q.val() == self.st_pg_prep.val() {
            // the last PG_PREP cycle waits for `fe_busy` low: a PHY that
            // shifts a batch out serially takes the next one only when done
            if self.ch.q.val() != self.last_prep.val() {
                self.ch.d.next = self.ch.q.val() + 1;
            } else if !self.fe.busy.val() {
                self.state.d.next = self.st_pg_stage.val();
                self.ch.d.next = 0.into();
            }
        } else if self.state.q.val() == self.st_pg_run.val() {
            if self.pg.done.val() {
                self.ch.d.next = 0.into();
                if self.cq_kind.q.val() && !self.second.q.val() {
                    self.state.d.next = self.st_pg_prep.val();
                    self.second.d.next = true;
                } else {
                    self.state.d.next = self.st_pg_ground.val();
                }
            }
        } else {
            // PG_GROUND
            self.ch.d.next = self.ch.q.val() + 1;
            if self.ch.q.val() == self.last_ch.val() {
                self.state.d.next = self.st_idle.val();
                self.ch.d.next = 0.into();
                self.cq_full.d.next = false;
                self.second.d.next = false;
            }
        }

        // ---- status
        self.col_sat.next = self.sat_q.q.val();
        self.read_done.next = self.read_done_q.q.val();
        self.busy_q.d.next = (self.state.d.val() != self.st_idle.val())
            || self.read_pend.d.val()
            || self.cq_full.d.val();
        self.idle.next = !self.busy_q.q.val();
        self.row_addr_q.d.next = 0.into();
        if self.state.d.val() == self.st_rd_stage.val() {
            self.row_addr_q.d.next = self.ch.d.val() + 1;
        }
        self.cmd.ready.next = !self.cq_full.q.val();
        self.pulse.next = self.pg.pulse.val() && !self.cq_kind.q.val();
        self.pulse_col.next = self.cq_col.q.val();
        self.clamp_error.next = self.clamp_q.q.val();
    }
}
