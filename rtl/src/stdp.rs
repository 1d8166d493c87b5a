//! `StdpUnit`: pair-based, nearest-spike STDP turned into programming
//! commands (cell, polarity, pulse count) for the crossbar controller.
//!
//! State: one 8-bit pre trace `x_i` per row and one 8-bit post trace `y_j`
//! per column (no per-synapse state: the weights live in the array).
//!
//! On an accepted `learn` strobe (one per time step, after the LIF/WTA result
//! is known; accepted when not `busy`):
//! 1. every trace decays, `x <- floor(x * (1 - 2^-s))`, computed exactly as
//!    `x - ceil(x / 2^s)` (`s` = `pre_decay_shift` or `post_decay_shift`;
//!    `s = 0` means no decay). DESIGN.md's first draft said
//!    `x -= x >>> s`; that rule never decays a trace below `2^s - 1`
//!    (a trace stuck above zero potentiates forever), so the decrement is
//!    rounded up instead;
//! 2. the spike masks are latched and the scan starts. Learning columns
//!    `L`: with `wta_on`, the `winner` column if `winner_valid` (and
//!    `winner < N_COLS`), else none; without `wta_on`, every column.
//!    For each learning column `j` (ascending) that spiked (LTP) or, when
//!    some row spiked, whose post trace is non-zero (LTD), the rows
//!    `i = 0..N_ROWS` are visited, one per cycle:
//!    - LTP if column `j` spiked: `count = sat8((a_plus * x_i) >> count_shift)`,
//!      command `(i, j, potentiate, count)` if `count > 0`;
//!    - LTD if row `i` spiked: `count = sat8((a_minus * y_j) >> count_shift)`,
//!      command `(i, j, depress, count)` if `count > 0`.
//!
//!    The traces used are the decayed ones of step 1, *before* this step's
//!    spikes set them, so a spike pairs only with spikes of earlier steps,
//!    and a pair `d` steps apart sees exactly `d` decays. A row with both an
//!    LTP and an LTD command takes two cycles (LTP first);
//! 3. when the scan is over and the last command has been taken, the traces
//!    of the rows and columns that spiked are set to `trace_max`
//!    (nearest-spike) and `busy` falls.
//!
//! Commands leave through a one-deep output register (`cmd.valid` and the
//! fields are registered); the scan stalls while `cmd.valid && !cmd.ready`,
//! so back-pressure loses nothing. `cmd.kind` is always PROGRAM (0).
//!
//! Pipeline (for the clock: the row select, the multiplier and the shift
//! are in separate cycles): the scan counter selects row `i` and column
//! `j`; stage A registers `x_i`, `y_j` and the row's/column's flags; stage B
//! the products `a_plus x_i`, `a_minus y_j` (with the `a_plus`/`a_minus` of
//! that cycle); stage C the counts shifted by `count_shift` (of that cycle)
//! and saturated; stage C feeds the output register. The pipeline holds
//! while the output is stalled, and for one cycle when stage C's row has
//! two commands.
//!
//! Timing: `learn` in cycle `c` -> `busy` from the edge of `c`; the first
//! command (row 0 of the first column) is valid after the edge of `c + 4`;
//! with `cmd.ready` held high one row per cycle; `busy` stays high for
//! `5 + rows visited (+1 per row with two commands) + stall cycles`, e.g.
//! 30 cycles for one learning column of 25 rows (2 when no column has work).
//!
//! `learn` while `busy` is ignored and raises `overrun` (registered, one
//! cycle). `enable` is sampled with `learn`: disabled, the traces still
//! decay and get set, but nothing is scanned. `reset` and `clear` (start of a
//! presentation) zero the traces and abort a scan.
//!
//! Widths: traces 8-bit unsigned (`trace_max` <= 255); products
//! `a * trace` 16-bit; counts saturate at 255; rows and columns 8-bit
//! indices (`N_ROWS`, `N_COLS` <= 256).

use crate::cmd_bus::{CmdBus, CmdOutReg, LearnCols, LearnStep, RowScan, Sat8};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct StdpUnit<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: traces zero, scan aborted.
    pub reset: Signal<In, Bit>,
    /// Start of a presentation: traces zero, scan aborted.
    pub clear: Signal<In, Bit>,
    /// This step's spikes and winner (`learn`, `pre_spikes`, ... in the Verilog).
    pub learn_step: LearnStep<N_ROWS, N_COLS>,
    /// LTP amplitude: `count = (a_plus * x) >> count_shift`.
    pub a_plus: Signal<In, Bits<8>>,
    /// LTD amplitude: `count = (a_minus * y) >> count_shift`.
    pub a_minus: Signal<In, Bits<8>>,
    /// Pre trace decay per step: `x <- floor(x (1 - 2^-shift))`, 0 = none.
    pub pre_decay_shift: Signal<In, Bits<4>>,
    /// Post trace decay per step, likewise.
    pub post_decay_shift: Signal<In, Bits<4>>,
    /// Trace value after a spike.
    pub trace_max: Signal<In, Bits<8>>,
    pub count_shift: Signal<In, Bits<4>>,
    /// PROGRAM commands (`kind` 0; `pol` 1 potentiate (LTP), 0 depress (LTD)).
    pub cmd: CmdBus,
    /// Scanning or holding a command: `learn` would be ignored.
    pub busy: Signal<Out, Bit>,
    /// One cycle after a `learn` that came while busy (and was ignored).
    pub overrun: Signal<Out, Bit>,
    pub pre_trace: [Signal<Out, Bits<8>>; N_ROWS],
    pub post_trace: [Signal<Out, Bits<8>>; N_COLS],
    x: [DFF<Bits<8>>; N_ROWS],
    y: [DFF<Bits<8>>; N_COLS],
    busy_q: DFF<Bit>,
    pre_q: DFF<Bits<N_ROWS>>,
    post_q: DFF<Bits<N_COLS>>,
    ltp_q: DFF<Bits<N_COLS>>,
    /// The LTP command of this row is out, its LTD command is still due.
    ltd_due_q: DFF<Bit>,
    // pipeline stage A: the selected row's and column's traces and flags
    a_v: DFF<Bit>,
    a_row: DFF<Bits<8>>,
    a_col: DFF<Bits<8>>,
    a_x: DFF<Bits<8>>,
    a_y: DFF<Bits<8>>,
    a_pre: DFF<Bit>,
    a_ltp: DFF<Bit>,
    // stage B: the products `a_plus x`, `a_minus y`
    b_v: DFF<Bit>,
    b_row: DFF<Bits<8>>,
    b_col: DFF<Bits<8>>,
    b_pre: DFF<Bit>,
    b_ltp: DFF<Bit>,
    b_ltp_prod: DFF<Bits<16>>,
    b_ltd_prod: DFF<Bits<16>>,
    // stage C: the saturated counts
    c_v: DFF<Bit>,
    c_row: DFF<Bits<8>>,
    c_col: DFF<Bits<8>>,
    c_pre: DFF<Bit>,
    c_ltp: DFF<Bit>,
    c_ltp_count: DFF<Bits<8>>,
    c_ltd_count: DFF<Bits<8>>,
    out: CmdOutReg,
    /// The columns still to scan, row by row.
    scan: RowScan<N_ROWS, N_COLS>,
    learn_sel: LearnCols<N_COLS>,
    ltp_sat: Sat8<16>,
    ltd_sat: Sat8<16>,
    overrun_q: DFF<Bit>,
    ones8: Constant<Bits<8>>,
    /// Bits below the pre/post decay shift (`2^s - 1`, all ones for s >= 8).
    pre_rem_mask: Signal<Local, Bits<8>>,
    post_rem_mask: Signal<Local, Bits<8>>,
    accept: Signal<Local, Bit>,
    stall: Signal<Local, Bit>,
    learn_cols: Signal<Local, Bits<N_COLS>>,
    post_nonzero: Signal<Local, Bits<N_COLS>>,
    found: Signal<Local, Bit>,
    col_idx: Signal<Local, Bits<8>>,
    col_oh: Signal<Local, Bits<N_COLS>>,
    x_sel: Signal<Local, Bits<8>>,
    y_sel: Signal<Local, Bits<8>>,
    pre_here: Signal<Local, Bit>,
    ltp_shifted: Signal<Local, Bits<16>>,
    ltd_shifted: Signal<Local, Bits<16>>,
    ltp_want: Signal<Local, Bit>,
    ltd_want: Signal<Local, Bit>,
    /// The pipeline moves on: not stalled, and stage C not holding for its
    /// second (LTD) command.
    adv: Signal<Local, Bit>,
    finish: Signal<Local, Bit>,
}

impl<const N_ROWS: usize, const N_COLS: usize> Default for StdpUnit<N_ROWS, N_COLS> {
    fn default() -> Self {
        assert!(
            (1..=256).contains(&N_ROWS) && (1..=256).contains(&N_COLS),
            "StdpUnit supports 1..=256 rows and columns"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            clear: Default::default(),
            learn_step: Default::default(),
            a_plus: Default::default(),
            a_minus: Default::default(),
            pre_decay_shift: Default::default(),
            post_decay_shift: Default::default(),
            trace_max: Default::default(),
            count_shift: Default::default(),
            cmd: Default::default(),
            busy: Default::default(),
            overrun: Default::default(),
            pre_trace: std::array::from_fn(|_| Default::default()),
            post_trace: std::array::from_fn(|_| Default::default()),
            x: std::array::from_fn(|_| Default::default()),
            y: std::array::from_fn(|_| Default::default()),
            busy_q: Default::default(),
            pre_q: Default::default(),
            post_q: Default::default(),
            ltp_q: Default::default(),
            ltd_due_q: Default::default(),
            a_v: Default::default(),
            a_row: Default::default(),
            a_col: Default::default(),
            a_x: Default::default(),
            a_y: Default::default(),
            a_pre: Default::default(),
            a_ltp: Default::default(),
            b_v: Default::default(),
            b_row: Default::default(),
            b_col: Default::default(),
            b_pre: Default::default(),
            b_ltp: Default::default(),
            b_ltp_prod: Default::default(),
            b_ltd_prod: Default::default(),
            c_v: Default::default(),
            c_row: Default::default(),
            c_col: Default::default(),
            c_pre: Default::default(),
            c_ltp: Default::default(),
            c_ltp_count: Default::default(),
            c_ltd_count: Default::default(),
            out: Default::default(),
            scan: Default::default(),
            learn_sel: Default::default(),
            ltp_sat: Default::default(),
            ltd_sat: Default::default(),
            overrun_q: Default::default(),
            ones8: Constant::new(0xFFu64.into()),
            pre_rem_mask: Default::default(),
            post_rem_mask: Default::default(),
            accept: Default::default(),
            stall: Default::default(),
            learn_cols: Default::default(),
            post_nonzero: Default::default(),
            found: Default::default(),
            col_idx: Default::default(),
            col_oh: Default::default(),
            x_sel: Default::default(),
            y_sel: Default::default(),
            pre_here: Default::default(),
            ltp_shifted: Default::default(),
            ltd_shifted: Default::default(),
            ltp_want: Default::default(),
            ltd_want: Default::default(),
            adv: Default::default(),
            finish: Default::default(),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for StdpUnit<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            busy_q,
            pre_q,
            post_q,
            ltp_q,
            ltd_due_q,
            a_v,
            a_row,
            a_col,
            a_x,
            a_y,
            a_pre,
            a_ltp,
            b_v,
            b_row,
            b_col,
            b_pre,
            b_ltp,
            b_ltp_prod,
            b_ltd_prod,
            c_v,
            c_row,
            c_col,
            c_pre,
            c_ltp,
            c_ltp_count,
            c_ltd_count,
            overrun_q
        );
        self.out.clock.next = self.clock.val();
        CmdBus::link(&mut self.cmd, &mut self.out.cmd);
        // defaults of every combinational signal
        self.pre_rem_mask.next = !(self.ones8.val() << self.pre_decay_shift.val());
        self.post_rem_mask.next = !(self.ones8.val() << self.post_decay_shift.val());
        self.accept.next = self.learn_step.learn.val() && !self.busy_q.q.val();
        self.stall.next = self.cmd.valid.val() && !self.cmd.ready.val();
        self.post_nonzero.next = 0.into();
        self.y_sel.next = 0.into();
        self.x_sel.next = 0.into();
        self.pre_here.next = false;

        // current column: the lowest column still to scan
        self.scan.clock.next = self.clock.val();
        self.scan.flush.next = self.reset.val() || self.clear.val();
        self.found.next = self.scan.found.val();
        self.col_idx.next = self.scan.col.val();
        self.col_oh.next = self.scan.col_oh.val();
        for j in 0..N_COLS {
            self.post_nonzero.next = self
                .post_nonzero
                .val()
                .replace_bit(j, self.y[j].q.val().any());
            if self.col_oh.val().get_bit(j) {
                self.y_sel.next = self.y[j].q.val();
            }
        }
        // current row
        for i in 0..N_ROWS {
            if self.scan.row.val() == i.to_bits() {
                self.x_sel.next = self.x[i].q.val();
                self.pre_here.next = self.pre_q.q.val().get_bit(i);
            }
        }
        // learning columns of this step
        self.learn_sel.winner.next = self.learn_step.winner.val();
        self.learn_sel.winner_valid.next = self.learn_step.winner_valid.val();
        self.learn_sel.wta_on.next = self.learn_step.wta_on.val();
        self.learn_cols.next = self.learn_sel.cols.val();
        // a step starts the scan of its learning columns that spiked (LTP)
        // or, when some row spiked, whose post trace is non-zero (LTD);
        // the scan moves on with the pipeline
        self.scan.start.next = self.learn_step.learn.val() && !self.busy_q.q.val();
        self.scan.cols.next = 0.into();
        if self.learn_step.enable.val() {
            if self.learn_step.pre_spikes.val().any() {
                self.scan.cols.next = self.learn_cols.val()
                    & (self.learn_step.post_spikes.val() | self.post_nonzero.val());
            } else {
                self.scan.cols.next = self.learn_cols.val() & self.learn_step.post_spikes.val();
            }
        }
        // pulse counts of the current (row, column) in three registered
        // stages behind the row/column select (A), the products (B), the
        // shifted and saturated counts (C); stage C feeds the output register
        self.ltp_want.next =
            self.c_ltp.q.val() && !self.ltd_due_q.q.val() && self.c_ltp_count.q.val().any();
        self.ltd_want.next = self.c_pre.q.val() && self.c_ltd_count.q.val().any();
        self.adv.next =
            !self.stall.val() && !(self.c_v.q.val() && self.ltp_want.val() && self.ltd_want.val());
        self.scan.advance.next = self.busy_q.q.val() && self.adv.val();
        self.ltp_shifted.next = self.b_ltp_prod.q.val() >> self.count_shift.val();
        self.ltd_shifted.next = self.b_ltd_prod.q.val() >> self.count_shift.val();
        self.ltp_sat.value.next = self.ltp_shifted.val();
        self.ltd_sat.value.next = self.ltd_shifted.val();
        if self.adv.val() {
            self.a_v.d.next = self.busy_q.q.val() && self.found.val();
            self.a_row.d.next = self.scan.row.val();
            self.a_col.d.next = self.col_idx.val();
            self.a_x.d.next = self.x_sel.val();
            self.a_y.d.next = self.y_sel.val();
            self.a_pre.d.next = self.pre_here.val();
            self.a_ltp.d.next = (self.ltp_q.q.val() & self.col_oh.val()).any();
            self.b_v.d.next = self.a_v.q.val();
            self.b_row.d.next = self.a_row.q.val();
            self.b_col.d.next = self.a_col.q.val();
            self.b_pre.d.next = self.a_pre.q.val();
            self.b_ltp.d.next = self.a_ltp.q.val();
            self.b_ltp_prod.d.next = bit_cast::<16, 32>(
                bit_cast::<16, 8>(self.a_plus.val()) * bit_cast::<16, 8>(self.a_x.q.val()),
            );
            self.b_ltd_prod.d.next = bit_cast::<16, 32>(
                bit_cast::<16, 8>(self.a_minus.val()) * bit_cast::<16, 8>(self.a_y.q.val()),
            );
            self.c_v.d.next = self.b_v.q.val();
            self.c_row.d.next = self.b_row.q.val();
            self.c_col.d.next = self.b_col.q.val();
            self.c_pre.d.next = self.b_pre.q.val();
            self.c_ltp.d.next = self.b_ltp.q.val();
            self.c_ltp_count.d.next = self.ltp_sat.sat.val();
            self.c_ltd_count.d.next = self.ltd_sat.sat.val();
        }
        self.finish.next = self.busy_q.q.val()
            && !self.found.val()
            && !self.a_v.q.val()
            && !self.b_v.q.val()
            && !self.c_v.q.val()
            && !self.stall.val();

        // traces: decay on an accepted learn, set by this step's spikes at the finish
        for i in 0..N_ROWS {
            self.x[i].clock.next = self.clock.val();
            self.x[i].d.next = self.x[i].q.val();
            if self.reset.val() || self.clear.val() {
                self.x[i].d.next = 0.into();
            } else if self.accept.val() {
                if self.pre_decay_shift.val().any() {
                    if (self.x[i].q.val() & self.pre_rem_mask.val()).any() {
                        self.x[i].d.next = self.x[i].q.val()
                            - (self.x[i].q.val() >> self.pre_decay_shift.val())
                            - 1;
                    } else {
                        self.x[i].d.next =
                            self.x[i].q.val() - (self.x[i].q.val() >> self.pre_decay_shift.val());
                    }
                }
            } else if self.finish.val() && self.pre_q.q.val().get_bit(i) {
                self.x[i].d.next = self.trace_max.val();
            }
            self.pre_trace[i].next = self.x[i].q.val();
        }
        for j in 0..N_COLS {
            self.y[j].clock.next = self.clock.val();
            self.y[j].d.next = self.y[j].q.val();
            if self.reset.val() || self.clear.val() {
                self.y[j].d.next = 0.into();
            } else if self.accept.val() {
                if self.post_decay_shift.val().any() {
                    if (self.y[j].q.val() & self.post_rem_mask.val()).any() {
                        self.y[j].d.next = self.y[j].q.val()
                            - (self.y[j].q.val() >> self.post_decay_shift.val())
                            - 1;
                    } else {
                        self.y[j].d.next =
                            self.y[j].q.val() - (self.y[j].q.val() >> self.post_decay_shift.val());
                    }
                }
            } else if self.finish.val() && self.post_q.q.val().get_bit(j) {
                self.y[j].d.next = self.trace_max.val();
            }
            self.post_trace[j].next = self.y[j].q.val();
        }

        // output register: stage C's LTP command, else its LTD command (a
        // row with both: LTP now, LTD in the next cycle)
        self.out.flush.next = self.reset.val() || self.clear.val();
        self.out.load.next = self.c_v.q.val() && (self.ltp_want.val() || self.ltd_want.val());
        self.out.kind.next = false;
        self.out.row.next = self.c_row.q.val();
        self.out.col.next = self.c_col.q.val();
        self.out.pol.next = self.ltp_want.val();
        if self.ltp_want.val() {
            self.out.count.next = self.c_ltp_count.q.val();
        } else {
            self.out.count.next = self.c_ltd_count.q.val();
        }

        // scan
        self.overrun_q.d.next = false;
        if self.reset.val() || self.clear.val() {
            self.busy_q.d.next = false;
            self.ltd_due_q.d.next = false;
            self.a_v.d.next = false;
            self.b_v.d.next = false;
            self.c_v.d.next = false;
        } else {
            self.overrun_q.d.next = self.learn_step.learn.val() && self.busy_q.q.val();
            if !self.stall.val() && self.c_v.q.val() {
                // a row with both: LTP now, LTD in the next cycle
                self.ltd_due_q.d.next = self.ltp_want.val() && self.ltd_want.val();
            }
            if self.busy_q.q.val() {
                if self.finish.val() {
                    self.busy_q.d.next = false;
                }
            } else if self.learn_step.learn.val() {
                self.busy_q.d.next = true;
                self.pre_q.d.next = self.learn_step.pre_spikes.val();
                self.post_q.d.next = self.learn_step.post_spikes.val();
                self.ltp_q.d.next = self.learn_cols.val() & self.learn_step.post_spikes.val();
                self.ltd_due_q.d.next = false;
            }
        }

        self.busy.next = self.busy_q.q.val();
        self.overrun.next = self.overrun_q.q.val();
    }
}
