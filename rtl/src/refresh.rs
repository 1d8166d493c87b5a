//! `RefreshScheduler`: counts programming pulses per column and, when a
//! column has spent its budget, asks for a REFRESH command (a +A/-A pulse
//! pair, run by the controller) on every row of that column.
//!
//! - A `pulse` strobe with `pulse_col = j < N_COLS` adds one to column `j`'s
//!   32-bit counter (saturating at `2^32 - 1`; other `pulse_col` values are
//!   ignored). The controller strobes `pulse` for PROGRAM pulses only:
//!   refresh pulses do not count.
//! - When the incremented count reaches `budget` (`count + 1 >= budget`, computed as `count >= budget - 1`,
//!   so lowering the budget below a count triggers at that column's next
//!   pulse), with `enable` set and `budget != 0`, the counter is cleared and
//!   the column marked `pending`. Disabled (or budget 0) the counters keep
//!   counting and nothing is requested; requests already pending still run.
//!   `enable` and `budget - 1` are registered, and so is the compare's
//!   result (`spent_q`, pending from the next edge): no subtractor and no
//!   pending logic behind the 32-bit compare, for the UP5K's clock. A write
//!   of `enable` or `budget` counts from the cycle after it.
//! - While idle, the lowest pending column is taken (its `pending` bit
//!   cleared) and REFRESH commands `(row, col)` leave for rows
//!   `0..N_ROWS`, one per cycle while `cmd.ready`, through a one-deep
//!   registered output (back-pressure loses nothing). A column whose budget is
//!   spent again while it is being refreshed is marked pending again and is
//!   refreshed again afterwards.
//!
//! Timing: the budget-spending `pulse` in cycle `c` -> its counter cleared
//! after the edge of `c`, `pending` after the edge of `c + 1`; the scan
//! starts at the edge of `c + 2`; the row-0 command is valid after the edge
//! of `c + 3`; the last row's after the edge of `c + 2 + N_ROWS` when
//! `cmd.ready` stays high. `busy` while anything is
//! pending, scanning or held.
//!
//! Outputs `cmd.kind = 1` (REFRESH), `cmd.pol = 1` and `cmd.count = 1`
//! (one pair; the controller ignores both).

use crate::cmd_bus::{CmdBus, CmdOutReg, LowestSetBit};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RefreshScheduler<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: counters, requests and scan cleared.
    pub reset: Signal<In, Bit>,
    pub enable: Signal<In, Bit>,
    /// Programming pulses per column before a refresh (0: off).
    pub budget: Signal<In, Bits<32>>,
    /// One programming pulse was applied to column `pulse_col`.
    pub pulse: Signal<In, Bit>,
    pub pulse_col: Signal<In, Bits<8>>,
    /// REFRESH commands: `kind`, `pol` and `count` always 1 (one +A/-A pair).
    pub cmd: CmdBus,
    pub busy: Signal<Out, Bit>,
    /// Columns waiting for a refresh.
    pub pending: Signal<Out, Bits<N_COLS>>,
    /// Programming pulses per column since its last refresh request.
    pub pulse_count: [Signal<Out, Bits<32>>; N_COLS],
    count: [DFF<Bits<32>>; N_COLS],
    pending_q: DFF<Bits<N_COLS>>,
    active_q: DFF<Bit>,
    /// `busy`, registered from the next values of what it is made of (the
    /// same value in every cycle, from a flip-flop: the accelerator's
    /// sequencer gates its strobes with it).
    busy_q: DFF<Bit>,
    col_q: DFF<Bits<8>>,
    row_q: DFF<Bits<8>>,
    /// `enable && budget != 0` and `budget - 1`, registered every cycle.
    armed_q: DFF<Bit>,
    budget_m1_q: DFF<Bits<32>>,
    /// The columns whose budget the last cycle's pulse spent: pending from
    /// the next edge (the compare has a register of its own).
    spent_q: DFF<Bits<N_COLS>>,
    out: CmdOutReg,
    /// The lowest pending column.
    pick: LowestSetBit<N_COLS>,
    last_row: Constant<Bits<8>>,
    count_max: Constant<Bits<32>>,
    armed: Signal<Local, Bit>,
    stall: Signal<Local, Bit>,
    spent: Signal<Local, Bits<N_COLS>>,
    taken: Signal<Local, Bits<N_COLS>>,
}

impl<const N_ROWS: usize, const N_COLS: usize> Default for RefreshScheduler<N_ROWS, N_COLS> {
    fn default() -> Self {
        assert!(
            (1..=256).contains(&N_ROWS) && (1..=256).contains(&N_COLS),
            "RefreshScheduler supports 1..=256 rows and columns"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            budget: Default::default(),
            pulse: Default::default(),
            pulse_col: Default::default(),
            cmd: Default::default(),
            busy: Default::default(),
            pending: Default::default(),
            pulse_count: std::array::from_fn(|_| Default::default()),
            count: std::array::from_fn(|_| Default::default()),
            pending_q: Default::default(),
            active_q: Default::default(),
            busy_q: Default::default(),
            col_q: Default::default(),
            row_q: Default::default(),
            armed_q: Default::default(),
            budget_m1_q: Default::default(),
            spent_q: Default::default(),
            out: CmdOutReg::fixed_payload(),
            pick: Default::default(),
            last_row: Constant::new((N_ROWS as u64 - 1).into()),
            count_max: Constant::new(0xFFFF_FFFFu64.into()),
            armed: Default::default(),
            stall: Default::default(),
            spent: Default::default(),
            taken: Default::default(),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for RefreshScheduler<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            pending_q,
            active_q,
            busy_q,
            col_q,
            row_q,
            armed_q,
            budget_m1_q,
            spent_q
        );
        self.out.clock.next = self.clock.val();
        CmdBus::link(&mut self.cmd, &mut self.out.cmd);
        self.pick.bits.next = self.pending_q.q.val();
        // `enable` and `budget - 1` registered (no subtractor in front of
        // the counters' compare): a write counts from the cycle after it
        self.armed_q.d.next = self.enable.val() && self.budget.val().any();
        self.budget_m1_q.d.next = self.budget.val() - 1;
        self.armed.next = self.armed_q.q.val();
        self.stall.next = self.cmd.valid.val() && !self.cmd.ready.val();
        self.spent.next = 0.into();
        self.taken.next = 0.into();

        // per-column pulse counters
        for j in 0..N_COLS {
            self.count[j].clock.next = self.clock.val();
            self.count[j].d.next = self.count[j].q.val();
            if self.reset.val() {
                self.count[j].d.next = 0.into();
            } else if self.pulse.val() && (self.pulse_col.val() == j.to_bits()) {
                if self.armed.val() && (self.count[j].q.val() >= self.budget_m1_q.q.val()) {
                    self.count[j].d.next = 0.into();
                    self.spent.next = self.spent.val().replace_bit(j, true);
                } else if self.count[j].q.val() != self.count_max.val() {
                    self.count[j].d.next = self.count[j].q.val() + 1;
                }
            }
            self.pulse_count[j].next = self.count[j].q.val();
        }
        self.spent_q.d.next = self.spent.val();

        // output register: a row's command while scanning; `kind`, `pol`
        // and `count` are constants
        self.out.flush.next = self.reset.val();
        self.out.load.next = self.active_q.q.val();
        self.out.kind.next = true;
        self.out.row.next = self.row_q.q.val();
        self.out.col.next = self.col_q.q.val();
        self.out.pol.next = true;
        self.out.count.next = 1.into();

        if self.reset.val() {
            self.pending_q.d.next = 0.into();
            self.active_q.d.next = false;
            self.row_q.d.next = 0.into();
            self.col_q.d.next = 0.into();
        } else {
            if self.active_q.q.val() {
                if !self.stall.val() {
                    if self.row_q.q.val() == self.last_row.val() {
                        self.active_q.d.next = false;
                        self.row_q.d.next = 0.into();
                    } else {
                        self.row_q.d.next = self.row_q.q.val() + 1;
                    }
                }
            } else if self.pick.found.val() {
                self.active_q.d.next = true;
                self.col_q.d.next = self.pick.index.val();
                self.row_q.d.next = 0.into();
                self.taken.next = self.pick.one_hot.val();
            }
            self.pending_q.d.next =
                (self.pending_q.q.val() & !self.taken.val()) | self.spent_q.q.val();
        }

        // busy = active || cmd.valid || pending, one cycle ahead: the output
        // register's next `valid` is `!flush && (stall || load)`
        self.busy_q.d.next = self.active_q.d.val()
            || (!self.reset.val() && (self.stall.val() || self.active_q.q.val()))
            || self.pending_q.d.val().any();
        self.busy.next = self.busy_q.q.val();
        self.pending.next = self.pending_q.q.val();
    }
}
