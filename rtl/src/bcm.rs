//! `BcmUnit`: Bienenstock-Cooper-Munro plasticity with a sliding threshold,
//! turned into programming commands (cell, polarity, pulse count).
//!
//! State: a spike count per row (`x_i`) and per column (`y_j`) over the
//! current rate window, 8-bit saturating at 255; a sliding threshold per
//! column, `theta_j`, unsigned Q16.8 in 24 bits (a running mean of `y^2`,
//! so it never exceeds `255^2`; the fraction keeps small rates from
//! stalling the mean); a 16-bit window position.
//!
//! On an accepted `learn` strobe (one per time step; ignored while `busy`,
//! which raises the one-cycle `overrun`): the step's row and column spikes
//! are added to the counts. The step that completes `window` steps
//! (`pos + 1 >= window`, so `window` 0 or 1 makes every step a window end)
//! ends the window (the compare is registered: `window` is read one cycle
//! before the step, so a new value counts from the cycle after its write):
//! `busy` rises and the learning columns are scanned —
//! the `winner` column if `winner_valid` when `wta_on`, else every column
//! (none when `enable` is low). For each learning column `j` (ascending),
//! rows `i = 0..N_ROWS`, one per cycle:
//!
//! ```text
//! dw_i  = x_i * y_j * (y_j - theta_j)          (theta_j before this window's update)
//! count = sat8(|dw_i| >> count_shift)           exactly: |x y (256 y - theta_raw)| >> (count_shift + 8)
//! command (i, j, potentiate if dw_i > 0 else depress, count) if count > 0
//! ```
//!
//! When the scan is over and the last command taken, every column's
//! threshold moves, `theta_j += ((256 y_j^2 >> rho0_shift) - theta_j) >>>
//! theta_shift` (raw Q16.8, arithmetic shift), the counts and the window restart, and `busy`
//! falls. Commands leave through a registered one-deep output, stalled by
//! `cmd.ready` (nothing is lost).
//!
//! Pipeline (for the clock: no path holds more than one multiplier or one
//! long carry chain): the scan counter selects row `i` and column `j`;
//! stage A registers `x_i`, `y_j`, `theta_j`; stage B `x y` and
//! `|256 y - theta|` with its sign; stage C the two partial products
//! (`|.|[15:0] * x y`, `|.|[23:16] * x y`); stage D their sum; stage E the
//! shift by `count_shift + 8` and the saturation; its non-zero counts feed
//! the output register. The whole pipeline holds while the output register
//! is stalled. `count_shift` is read when a row leaves stage D. The
//! threshold update is split the same way: `((256 y^2) >> rho0_shift) -
//! theta` is registered every cycle (the counts and thresholds do not change
//! while `busy`; the target `(256 y^2) >> rho0_shift` is a register of its
//! own in front of it), and the finish, two cycles after the pipeline
//! drained, adds it shifted by `theta_shift`. Both shifts are the values
//! latched at the step that ended the window (a write during the scan
//! counts from the next window), so no configuration input feeds a shifter
//! directly. `y^2` is not multiplied: each column keeps it in a register
//! stepped with its count (`(y + 1)^2 = y^2 + 2 y + 1`), so the
//! threshold path is a shift and one subtraction.
//!
//! With `dither` the count rounds stochastically: as a row enters stage D
//! the low `count_shift + 8` bits of a 32-bit Galois LFSR (taps
//! `0x8020_0003`, seed `0x1BC3_5A7D` on `reset`, kept by `clear`) are added
//! to its product, and the LFSR steps once per such row. The expected count
//! is then `|x y (y - theta)| / 2^count_shift`, fractions of a pulse
//! included; rounded down (`dither` low) they are lost.
//!
//! Timing: window-ending `learn` in cycle `c` -> `busy` from the edge of
//! `c`, row 0's command (if any) valid after the edge of `c + 6`, `busy` for
//! `9 + N_ROWS * learning columns + stalls` cycles (34 for one column of 25
//! rows; 4 with no learning column). `clear` restarts the window (counts
//! and position to zero, scan and pipeline aborted) but keeps the
//! thresholds; `reset` also zeroes the thresholds.
//!
//! *Decided* (DESIGN.md left it open): `dw` uses the threshold learned from
//! the previous windows; the threshold then absorbs this window's rate. The
//! target of the mean is `y^2 / rho_0` with `rho_0 = 2^rho0_shift` spikes
//! per window (BCM's `theta = <y^2> / rho_0`; a neuron settles where
//! `y = <y^2> / rho_0`), so the rate resolution (spikes per window) and the
//! target rate are set apart; `rho0_shift = 0` is `rho_0` = 1 spike.

use crate::cmd_bus::{CmdBus, CmdOutReg, LearnCols, LearnStep, RowScan};
use rust_hdl::prelude::*;

/// The threshold update in three steps, so that none is a long path: the
/// target `target = (square << 8) >> rho0_shift` (raw Q16.8, BCM's
/// `<y^2> / rho_0`; `square` is the column's `y^2`, a register stepped with
/// the count, `zero` and `inc` mirroring the parent's count, so no
/// multiplier sits on this path) and `diff = target - theta` (25-bit
/// signed) are registered every cycle; at the finish `theta_next = theta +
/// (diff >>> shift)` uses the second register. The counts, thresholds and
/// shifts are unchanged for at least two cycles before a finish (no counting
/// while `busy`, the shifts latched at the window's end), so the registered
/// difference is that of the present values. A child block so that the
/// widening works on a loop-indexed column.
#[derive(LogicBlock)]
pub struct ThetaUpdate {
    pub clock: Signal<In, Clock>,
    pub theta: Signal<In, Bits<24>>,
    /// The column's count `y` (registered in the parent).
    pub rate: Signal<In, Bits<8>>,
    /// The count restarts at this edge: `square` to 0.
    pub zero: Signal<In, Bit>,
    /// The count steps by one at this edge: `square += 2 y + 1`.
    pub inc: Signal<In, Bit>,
    pub shift: Signal<In, Bits<4>>,
    /// `rho_0 = 2^rho0_shift` spikes per window.
    pub rho0_shift: Signal<In, Bits<4>>,
    pub theta_next: Signal<Out, Bits<24>>,
    /// Bits 25..39: the sign extension of a negative difference.
    sign_fill: Constant<Bits<40>>,
    ext: Signal<Local, Bits<40>>,
    target: DFF<Bits<25>>,
    diff: DFF<Bits<25>>,
    /// `rate^2`, stepped with the count.
    square: DFF<Bits<16>>,
    step: Signal<Local, Bits<25>>,
    sum: Signal<Local, Bits<25>>,
}

impl Default for ThetaUpdate {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            theta: Default::default(),
            rate: Default::default(),
            zero: Default::default(),
            inc: Default::default(),
            shift: Default::default(),
            rho0_shift: Default::default(),
            theta_next: Default::default(),
            sign_fill: Constant::new(0xFF_FE00_0000u64.into()),
            ext: Default::default(),
            target: Default::default(),
            diff: Default::default(),
            square: Default::default(),
            step: Default::default(),
            sum: Default::default(),
        }
    }
}

impl Logic for ThetaUpdate {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, target, diff, square);
        if self.zero.val() {
            self.square.d.next = 0.into();
        } else if self.inc.val() {
            self.square.d.next =
                self.square.q.val() + (bit_cast::<16, 8>(self.rate.val()) << 1) + 1;
        }
        self.target.d.next =
            (bit_cast::<25, 16>(self.square.q.val()) << 8) >> self.rho0_shift.val();
        self.diff.d.next = self.target.q.val() - bit_cast::<25, 24>(self.theta.val());
        // arithmetic shift right: the difference sign-extended to 40 bits,
        // shifted by one shifter (no sign mask after it, for the clock)
        self.ext.next = bit_cast::<40, 25>(self.diff.q.val());
        if self.diff.q.val().get_bit(24) {
            self.ext.next = bit_cast::<40, 25>(self.diff.q.val()) | self.sign_fill.val();
        }
        self.step.next = bit_cast::<25, 40>(self.ext.val() >> self.shift.val());
        self.sum.next = bit_cast::<25, 24>(self.theta.val()) + self.step.val();
        self.theta_next.next = bit_cast::<24, 25>(self.sum.val());
    }
}

#[derive(LogicBlock)]
pub struct BcmUnit<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: counts, thresholds, window and scan cleared.
    pub reset: Signal<In, Bit>,
    /// Restart the rate window (counts zero, scan aborted); thresholds kept.
    pub clear: Signal<In, Bit>,
    /// This step's spikes and winner (`learn`, `pre_spikes`, ... in the Verilog).
    pub learn_step: LearnStep<N_ROWS, N_COLS>,
    /// Rate window, in steps (0 and 1: every step).
    pub window: Signal<In, Bits<16>>,
    /// Threshold averaging: `theta += (y^2 / 2^rho0_shift - theta) >>> theta_shift`.
    pub theta_shift: Signal<In, Bits<4>>,
    /// BCM target rate `rho_0 = 2^rho0_shift` spikes per window: the
    /// threshold tracks `<y^2> / rho_0` (0: the mean of `y^2` itself).
    pub rho0_shift: Signal<In, Bits<4>>,
    /// `count = |x y (y - theta)| >> count_shift`.
    pub count_shift: Signal<In, Bits<4>>,
    /// Round the count stochastically (an LFSR's bits added below the shift).
    pub dither: Signal<In, Bit>,
    /// PROGRAM commands (`kind` always 0).
    pub cmd: CmdBus,
    pub busy: Signal<Out, Bit>,
    pub overrun: Signal<Out, Bit>,
    /// Steps of the current window so far.
    pub window_pos: Signal<Out, Bits<16>>,
    /// Row spike counts of the current window.
    pub pre_rate: [Signal<Out, Bits<8>>; N_ROWS],
    /// Column spike counts of the current window.
    pub post_rate: [Signal<Out, Bits<8>>; N_COLS],
    /// Sliding thresholds, unsigned Q16.8 (spikes^2 per window).
    pub theta: [Signal<Out, Bits<24>>; N_COLS],
    xc: [DFF<Bits<8>>; N_ROWS],
    yc: [DFF<Bits<8>>; N_COLS],
    th: [DFF<Bits<24>>; N_COLS],
    upd: [ThetaUpdate; N_COLS],
    pos: DFF<Bits<16>>,
    /// The next accepted step ends the window: `pos + 1 >= window`,
    /// registered from the next position and the present `window`.
    end_q: DFF<Bit>,
    /// `end_q`'s next value for each next position: the same, `pos + 1`, 0.
    end_same: Signal<Local, Bit>,
    end_inc: Signal<Local, Bit>,
    end_zero: Signal<Local, Bit>,
    busy_q: DFF<Bit>,
    /// The cycle after the pipeline drained, and the one after it: the
    /// finish (theta update).
    tail_q: DFF<Bit>,
    tail2_q: DFF<Bit>,
    // pipeline stage A: the selected row's and column's counts and threshold
    a_v: DFF<Bit>,
    a_row: DFF<Bits<8>>,
    a_col: DFF<Bits<8>>,
    a_x: DFF<Bits<8>>,
    a_y: DFF<Bits<8>>,
    a_th: DFF<Bits<24>>,
    // stage B: x y and |256 y - theta|
    b_v: DFF<Bit>,
    b_row: DFF<Bits<8>>,
    b_col: DFF<Bits<8>>,
    b_above: DFF<Bit>,
    b_xy: DFF<Bits<16>>,
    b_mag: DFF<Bits<24>>,
    // stage C: the two partial products
    c_v: DFF<Bit>,
    c_row: DFF<Bits<8>>,
    c_col: DFF<Bits<8>>,
    c_above: DFF<Bit>,
    c_lo: DFF<Bits<32>>,
    c_hi: DFF<Bits<24>>,
    // stage D: the product
    d_v: DFF<Bit>,
    d_row: DFF<Bits<8>>,
    d_col: DFF<Bits<8>>,
    d_above: DFF<Bit>,
    d_prod: DFF<Bits<40>>,
    // stage E: the shifted and saturated count
    e_v: DFF<Bit>,
    e_row: DFF<Bits<8>>,
    e_col: DFF<Bits<8>>,
    e_above: DFF<Bit>,
    e_count: DFF<Bits<8>>,
    /// The dither LFSR.
    lfsr: DFF<Bits<32>>,
    dither_taps: Constant<Bits<32>>,
    dither_seed: Constant<Bits<32>>,
    ones40: Constant<Bits<40>>,
    dither_r: Signal<Local, Bits<40>>,
    out: CmdOutReg,
    /// The columns still to scan, row by row.
    scan: RowScan<N_ROWS, N_COLS>,
    learn_sel: LearnCols<N_COLS>,
    /// Every bit above bit 7 of the shifted product (the saturation).
    high40: Constant<Bits<40>>,
    overrun_q: DFF<Bit>,
    /// `theta_shift` and `rho0_shift` as they were at the step that ended
    /// the window: the threshold update of its finish uses these.
    theta_shift_l: DFF<Bits<4>>,
    rho0_shift_l: DFF<Bits<4>>,
    ones8: Constant<Bits<8>>,
    accept: Signal<Local, Bit>,
    stall: Signal<Local, Bit>,
    window_end: Signal<Local, Bit>,
    learn_cols: Signal<Local, Bits<N_COLS>>,
    found: Signal<Local, Bit>,
    col_idx: Signal<Local, Bits<8>>,
    col_oh: Signal<Local, Bits<N_COLS>>,
    x_sel: Signal<Local, Bits<8>>,
    y_sel: Signal<Local, Bits<8>>,
    th_sel: Signal<Local, Bits<24>>,
    y_q8: Signal<Local, Bits<24>>,
    shamt: Signal<Local, Bits<5>>,
    shifted: Signal<Local, Bits<40>>,
    count: Signal<Local, Bits<8>>,
    drained: Signal<Local, Bit>,
    finish: Signal<Local, Bit>,
}

impl<const N_ROWS: usize, const N_COLS: usize> Default for BcmUnit<N_ROWS, N_COLS> {
    fn default() -> Self {
        assert!(
            (1..=256).contains(&N_ROWS) && (1..=256).contains(&N_COLS),
            "BcmUnit supports 1..=256 rows and columns"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            clear: Default::default(),
            learn_step: Default::default(),
            window: Default::default(),
            theta_shift: Default::default(),
            rho0_shift: Default::default(),
            count_shift: Default::default(),
            dither: Default::default(),
            cmd: Default::default(),
            busy: Default::default(),
            overrun: Default::default(),
            window_pos: Default::default(),
            pre_rate: std::array::from_fn(|_| Default::default()),
            post_rate: std::array::from_fn(|_| Default::default()),
            theta: std::array::from_fn(|_| Default::default()),
            xc: std::array::from_fn(|_| Default::default()),
            yc: std::array::from_fn(|_| Default::default()),
            th: std::array::from_fn(|_| Default::default()),
            upd: std::array::from_fn(|_| Default::default()),
            pos: Default::default(),
            end_q: Default::default(),
            end_same: Default::default(),
            end_inc: Default::default(),
            end_zero: Default::default(),
            busy_q: Default::default(),
            tail_q: Default::default(),
            tail2_q: Default::default(),
            a_v: Default::default(),
            a_row: Default::default(),
            a_col: Default::default(),
            a_x: Default::default(),
            a_y: Default::default(),
            a_th: Default::default(),
            b_v: Default::default(),
            b_row: Default::default(),
            b_col: Default::default(),
            b_above: Default::default(),
            b_xy: Default::default(),
            b_mag: Default::default(),
            c_v: Default::default(),
            c_row: Default::default(),
            c_col: Default::default(),
            c_above: Default::default(),
            c_lo: Default::default(),
            c_hi: Default::default(),
            d_v: Default::default(),
            d_row: Default::default(),
            d_col: Default::default(),
            d_above: Default::default(),
            d_prod: Default::default(),
            e_v: Default::default(),
            e_row: Default::default(),
            e_col: Default::default(),
            e_above: Default::default(),
            e_count: Default::default(),
            lfsr: Default::default(),
            dither_taps: Constant::new(0x8020_0003u64.into()),
            dither_seed: Constant::new(0x1BC3_5A7Du64.into()),
            ones40: Constant::new(0xFF_FFFF_FFFFu64.into()),
            dither_r: Default::default(),
            out: Default::default(),
            scan: Default::default(),
            learn_sel: Default::default(),
            high40: Constant::new(!Bits::<40>::from(0xFFu64)),
            overrun_q: Default::default(),
            theta_shift_l: Default::default(),
            rho0_shift_l: Default::default(),
            ones8: Constant::new(0xFFu64.into()),
            accept: Default::default(),
            stall: Default::default(),
            window_end: Default::default(),
            learn_cols: Default::default(),
            found: Default::default(),
            col_idx: Default::default(),
            col_oh: Default::default(),
            x_sel: Default::default(),
            y_sel: Default::default(),
            th_sel: Default::default(),
            y_q8: Default::default(),
            shamt: Default::default(),
            shifted: Default::default(),
            count: Default::default(),
            drained: Default::default(),
            finish: Default::default(),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for BcmUnit<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            pos,
            end_q,
            busy_q,
            tail_q,
            tail2_q,
            a_v,
            a_row,
            a_col,
            a_x,
            a_y,
            a_th,
            b_v,
            b_row,
            b_col,
            b_above,
            b_xy,
            b_mag,
            c_v,
            c_row,
            c_col,
            c_above,
            c_lo,
            c_hi,
            d_v,
            d_row,
            d_col,
            d_above,
            d_prod,
            e_v,
            e_row,
            e_col,
            e_above,
            e_count,
            overrun_q,
            lfsr,
            theta_shift_l,
            rho0_shift_l
        );
        self.out.clock.next = self.clock.val();
        CmdBus::link(&mut self.cmd, &mut self.out.cmd);
        self.accept.next = self.learn_step.learn.val() && !self.busy_q.q.val();
        self.stall.next = self.cmd.valid.val() && !self.cmd.ready.val();
        self.window_end.next = self.end_q.q.val();
        self.x_sel.next = 0.into();
        self.y_sel.next = 0.into();
        self.th_sel.next = 0.into();

        // current column: the lowest column still to scan
        self.scan.clock.next = self.clock.val();
        self.scan.flush.next = self.reset.val() || self.clear.val();
        self.found.next = self.scan.found.val();
        self.col_idx.next = self.scan.col.val();
        self.col_oh.next = self.scan.col_oh.val();
        for j in 0..N_COLS {
            if self.col_oh.val().get_bit(j) {
                self.y_sel.next = self.yc[j].q.val();
                self.th_sel.next = self.th[j].q.val();
            }
        }
        for i in 0..N_ROWS {
            if self.scan.row.val() == i.to_bits() {
                self.x_sel.next = self.xc[i].q.val();
            }
        }
        self.learn_sel.winner.next = self.learn_step.winner.val();
        self.learn_sel.winner_valid.next = self.learn_step.winner_valid.val();
        self.learn_sel.wta_on.next = self.learn_step.wta_on.val();
        self.learn_cols.next = self.learn_sel.cols.val();
        // the step that ends a window starts the scan of its learning
        // columns; the scan moves on unless the output is stalled
        self.scan.start.next =
            self.learn_step.learn.val() && !self.busy_q.q.val() && self.window_end.val();
        self.scan.cols.next = 0.into();
        if self.learn_step.enable.val() {
            self.scan.cols.next = self.learn_cols.val();
        }
        self.scan.advance.next = self.busy_q.q.val() && !self.stall.val();

        // |dw| = x * y * |256 y - theta_raw| >> (count_shift + 8), in four
        // registered stages behind the row/column select; the whole pipeline
        // holds while the output register is stalled.
        // A -> B: x y, and |256 y - theta| with its sign
        self.y_q8.next = bit_cast::<24, 8>(self.a_y.q.val()) << 8;
        // C -> D: the product; D -> output: shift and saturate
        self.shamt.next = bit_cast::<5, 4>(self.count_shift.val()) + 8;
        self.shifted.next = self.d_prod.q.val() >> self.shamt.val();
        // the dither of the row entering stage D: the LFSR's bits below the shift
        self.dither_r.next = 0.into();
        if self.dither.val() {
            self.dither_r.next =
                bit_cast::<40, 32>(self.lfsr.q.val()) & !(self.ones40.val() << self.shamt.val());
        }
        if self.reset.val() {
            self.lfsr.d.next = self.dither_seed.val();
        } else if self.dither.val() && self.c_v.q.val() && !self.stall.val() && !self.clear.val() {
            if self.lfsr.q.val().get_bit(0) {
                self.lfsr.d.next = (self.lfsr.q.val() >> 1) ^ self.dither_taps.val();
            } else {
                self.lfsr.d.next = self.lfsr.q.val() >> 1;
            }
        }
        // saturated to 8 bits, inline rather than through `Sat8`: with the
        // stage-E register loaded from it in this block, Verilator 5.006
        // reported the `Sat8` instance as circular logic (UNOPTFLAT)
        self.count.next = self.shifted.val().get_bits::<8>(0);
        if (self.shifted.val() & self.high40.val()).any() {
            self.count.next = self.ones8.val();
        }
        if !self.stall.val() {
            self.a_v.d.next = self.busy_q.q.val() && self.found.val();
            self.a_row.d.next = self.scan.row.val();
            self.a_col.d.next = self.col_idx.val();
            self.a_x.d.next = self.x_sel.val();
            self.a_y.d.next = self.y_sel.val();
            self.a_th.d.next = self.th_sel.val();
            self.b_v.d.next = self.a_v.q.val();
            self.b_row.d.next = self.a_row.q.val();
            self.b_col.d.next = self.a_col.q.val();
            self.b_xy.d.next = bit_cast::<16, 32>(
                bit_cast::<16, 8>(self.a_x.q.val()) * bit_cast::<16, 8>(self.a_y.q.val()),
            );
            if self.y_q8.val() >= self.a_th.q.val() {
                self.b_above.d.next = true;
                self.b_mag.d.next = self.y_q8.val() - self.a_th.q.val();
            } else {
                self.b_above.d.next = false;
                self.b_mag.d.next = self.a_th.q.val() - self.y_q8.val();
            }
            self.c_v.d.next = self.b_v.q.val();
            self.c_row.d.next = self.b_row.q.val();
            self.c_col.d.next = self.b_col.q.val();
            self.c_above.d.next = self.b_above.q.val();
            self.c_lo.d.next = self.b_mag.q.val().get_bits::<16>(0) * self.b_xy.q.val();
            self.c_hi.d.next = bit_cast::<24, 32>(
                bit_cast::<16, 8>(self.b_mag.q.val().get_bits::<8>(16)) * self.b_xy.q.val(),
            );
            self.d_v.d.next = self.c_v.q.val();
            self.d_row.d.next = self.c_row.q.val();
            self.d_col.d.next = self.c_col.q.val();
            self.d_above.d.next = self.c_above.q.val();
            self.d_prod.d.next = (bit_cast::<40, 24>(self.c_hi.q.val()) << 16)
                + bit_cast::<40, 32>(self.c_lo.q.val())
                + self.dither_r.val();
            self.e_v.d.next = self.d_v.q.val();
            self.e_row.d.next = self.d_row.q.val();
            self.e_col.d.next = self.d_col.q.val();
            self.e_above.d.next = self.d_above.q.val();
            self.e_count.d.next = self.count.val();
        }
        // the scan is over and the last command taken: two more cycles (the
        // registered threshold target and difference), then the finish
        self.drained.next = self.busy_q.q.val()
            && !self.found.val()
            && !self.a_v.q.val()
            && !self.b_v.q.val()
            && !self.c_v.q.val()
            && !self.d_v.q.val()
            && !self.e_v.q.val()
            && !self.stall.val();
        self.finish.next = self.tail2_q.q.val();

        // counts: add this step's spikes on an accepted learn, restart at the finish
        for i in 0..N_ROWS {
            self.xc[i].clock.next = self.clock.val();
            self.xc[i].d.next = self.xc[i].q.val();
            if self.reset.val() || self.clear.val() || self.finish.val() {
                self.xc[i].d.next = 0.into();
            } else if self.accept.val()
                && self.learn_step.pre_spikes.val().get_bit(i)
                && (self.xc[i].q.val() != self.ones8.val())
            {
                self.xc[i].d.next = self.xc[i].q.val() + 1;
            }
            self.pre_rate[i].next = self.xc[i].q.val();
        }
        for j in 0..N_COLS {
            self.yc[j].clock.next = self.clock.val();
            self.yc[j].d.next = self.yc[j].q.val();
            self.th[j].clock.next = self.clock.val();
            self.th[j].d.next = self.th[j].q.val();
            self.upd[j].clock.next = self.clock.val();
            self.upd[j].theta.next = self.th[j].q.val();
            self.upd[j].rate.next = self.yc[j].q.val();
            self.upd[j].zero.next = false;
            self.upd[j].inc.next = false;
            self.upd[j].shift.next = self.theta_shift_l.q.val();
            self.upd[j].rho0_shift.next = self.rho0_shift_l.q.val();
            if self.reset.val() {
                self.th[j].d.next = 0.into();
            } else if self.finish.val() && !self.clear.val() {
                self.th[j].d.next = self.upd[j].theta_next.val();
            }
            if self.reset.val() || self.clear.val() || self.finish.val() {
                self.yc[j].d.next = 0.into();
                self.upd[j].zero.next = true;
            } else if self.accept.val()
                && self.learn_step.post_spikes.val().get_bit(j)
                && (self.yc[j].q.val() != self.ones8.val())
            {
                self.yc[j].d.next = self.yc[j].q.val() + 1;
                self.upd[j].inc.next = true;
            }
            self.post_rate[j].next = self.yc[j].q.val();
            self.theta[j].next = self.th[j].q.val();
        }

        // output register: stage E's command if its count is non-zero
        self.out.flush.next = self.reset.val() || self.clear.val();
        self.out.load.next = self.e_v.q.val() && self.e_count.q.val().any();
        self.out.kind.next = false;
        self.out.row.next = self.e_row.q.val();
        self.out.col.next = self.e_col.q.val();
        self.out.pol.next = self.e_above.q.val();
        self.out.count.next = self.e_count.q.val();

        // window and scan
        self.overrun_q.d.next = false;
        self.tail_q.d.next = false;
        self.tail2_q.d.next = false;
        // the window end is registered (no adder and compare in front of
        // the scan start): each next position's compare is ready before the
        // control picks one, and a new `window` counts from the next cycle
        self.end_same.next =
            (bit_cast::<17, 16>(self.pos.q.val()) + 1) >= bit_cast::<17, 16>(self.window.val());
        self.end_inc.next =
            (bit_cast::<17, 16>(self.pos.q.val()) + 2) >= bit_cast::<17, 16>(self.window.val());
        self.end_zero.next = self.window.val() <= 1;
        self.end_q.d.next = self.end_same.val();
        if self.reset.val() || self.clear.val() {
            self.busy_q.d.next = false;
            self.pos.d.next = 0.into();
            self.end_q.d.next = self.end_zero.val();
            self.a_v.d.next = false;
            self.b_v.d.next = false;
            self.c_v.d.next = false;
            self.d_v.d.next = false;
            self.e_v.d.next = false;
        } else {
            self.overrun_q.d.next = self.learn_step.learn.val() && self.busy_q.q.val();
            if self.busy_q.q.val() {
                // while a column is left the scan moves on (`scan.advance`)
                if self.finish.val() {
                    self.busy_q.d.next = false;
                } else {
                    self.tail2_q.d.next = self.tail_q.q.val();
                    if !self.found.val() {
                        self.tail_q.d.next = self.drained.val();
                    }
                }
            } else if self.learn_step.learn.val() {
                if self.window_end.val() {
                    self.pos.d.next = 0.into();
                    self.end_q.d.next = self.end_zero.val();
                    self.busy_q.d.next = true;
                    self.theta_shift_l.d.next = self.theta_shift.val();
                    self.rho0_shift_l.d.next = self.rho0_shift.val();
                } else {
                    self.pos.d.next = self.pos.q.val() + 1;
                    self.end_q.d.next = self.end_inc.val();
                }
            }
        }

        self.busy.next = self.busy_q.q.val();
        self.overrun.next = self.overrun_q.q.val();
        self.window_pos.next = self.pos.q.val();
    }
}
