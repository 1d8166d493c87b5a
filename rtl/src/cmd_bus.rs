//! The crossbar command bus and the blocks its producers share.
//!
//! A command is `(kind, row, col, pol, count)`: `kind` 0 PROGRAM, 1 REFRESH;
//! `pol` 1 potentiate; `count` pulses. The bus is valid/ready: a transfer
//! happens in a cycle where both are high, and a producer holds its command
//! until it is taken. [`CmdBus`] is the producer side (STDP, BCM, refresh,
//! the arbiter's output), [`CmdBusSink`] the consumer side (the arbiter's
//! inputs, the crossbar controller); a parent connects the two with
//! `CmdBus::join(&mut producer.cmd, &mut consumer.port)`. In the generated
//! Verilog a field `cmd` becomes the ports `cmd$valid`, `cmd$ready`, ...
//!
//! The producers' shared scan blocks:
//! - [`CmdOutReg`]: the one-deep registered command output, held while the
//!   consumer is not ready (`stall`), so back-pressure loses nothing;
//! - [`LowestSetBit`]: the lowest set bit of a mask (the next column to scan);
//! - [`LearnCols`]: the learning columns of a step (the winner, or all);
//! - [`Sat8`]: an unsigned value saturated to 8 bits;
//! - [`RowScan`]: the columns still to scan, visited row by row.
//!
//! The learning units' common input, one step's spikes and winner, is the
//! interface [`LearnStep`].

use rust_hdl::prelude::*;

/// Producer side of the command bus.
#[derive(LogicInterface, Default)]
#[join = "CmdBusSink"]
pub struct CmdBus {
    pub valid: Signal<Out, Bit>,
    pub ready: Signal<In, Bit>,
    /// 0 PROGRAM, 1 REFRESH.
    pub kind: Signal<Out, Bit>,
    pub row: Signal<Out, Bits<8>>,
    pub col: Signal<Out, Bits<8>>,
    /// 1 potentiate, 0 depress.
    pub pol: Signal<Out, Bit>,
    pub count: Signal<Out, Bits<8>>,
}

/// Consumer side of the command bus (the mirror of [`CmdBus`]).
#[derive(LogicInterface, Default)]
#[join = "CmdBus"]
pub struct CmdBusSink {
    pub valid: Signal<In, Bit>,
    pub ready: Signal<Out, Bit>,
    pub kind: Signal<In, Bit>,
    pub row: Signal<In, Bits<8>>,
    pub col: Signal<In, Bits<8>>,
    pub pol: Signal<In, Bit>,
    pub count: Signal<In, Bits<8>>,
}

/// The one-deep registered command output of a producer.
///
/// Unless stalled (`cmd.valid && !cmd.ready`: a command is held and not
/// taken), the register takes the offered command when `load` is high and
/// empties otherwise; `flush` (reset, clear) empties it. The producer
/// computes the same `stall` from its own `cmd` port to hold its pipeline
/// (not an output of this block, so that no combinational path runs from
/// this block back into the producer's logic that drives `load`). `row`, `col` (and, unless the payload is fixed, `pol`
/// and `count`) are registered with the command; `kind` is passed through
/// (it is a constant of each producer). With a fixed payload
/// ([`CmdOutReg::fixed_payload`]) `pol` and `count` are passed through too
/// (the refresh scheduler's constant `pol = 1`, `count = 1`).
#[derive(LogicBlock)]
pub struct CmdOutReg {
    pub clock: Signal<In, Clock>,
    /// Empty the register (reset, clear).
    pub flush: Signal<In, Bit>,
    /// A command is offered this cycle (taken unless stalled).
    pub load: Signal<In, Bit>,
    pub kind: Signal<In, Bit>,
    pub row: Signal<In, Bits<8>>,
    pub col: Signal<In, Bits<8>>,
    pub pol: Signal<In, Bit>,
    pub count: Signal<In, Bits<8>>,
    pub cmd: CmdBus,
    valid_q: DFF<Bit>,
    row_q: DFF<Bits<8>>,
    col_q: DFF<Bits<8>>,
    pol_q: DFF<Bit>,
    count_q: DFF<Bits<8>>,
    /// `pol` and `count` pass through instead of being registered.
    fixed: Constant<Bit>,
    stall: Signal<Local, Bit>,
}

impl CmdOutReg {
    fn with_fixed(fixed: bool) -> Self {
        Self {
            clock: Default::default(),
            flush: Default::default(),
            load: Default::default(),
            kind: Default::default(),
            row: Default::default(),
            col: Default::default(),
            pol: Default::default(),
            count: Default::default(),
            cmd: Default::default(),
            valid_q: Default::default(),
            row_q: Default::default(),
            col_q: Default::default(),
            pol_q: Default::default(),
            count_q: Default::default(),
            fixed: Constant::new(fixed),
            stall: Default::default(),
        }
    }

    /// `pol` and `count` pass straight through (constants of the producer).
    pub fn fixed_payload() -> Self {
        Self::with_fixed(true)
    }
}

impl Default for CmdOutReg {
    /// `pol` and `count` are registered with the command.
    fn default() -> Self {
        Self::with_fixed(false)
    }
}

impl Logic for CmdOutReg {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, valid_q, row_q, col_q, pol_q, count_q);
        self.stall.next = self.valid_q.q.val() && !self.cmd.ready.val();
        if self.flush.val() {
            self.valid_q.d.next = false;
        } else if !self.stall.val() {
            self.valid_q.d.next = self.load.val();
            if self.load.val() {
                self.row_q.d.next = self.row.val();
                self.col_q.d.next = self.col.val();
                self.pol_q.d.next = self.pol.val();
                self.count_q.d.next = self.count.val();
            }
        }
        self.cmd.valid.next = self.valid_q.q.val();
        self.cmd.kind.next = self.kind.val();
        self.cmd.row.next = self.row_q.q.val();
        self.cmd.col.next = self.col_q.q.val();
        if self.fixed.val() {
            self.cmd.pol.next = self.pol.val();
            self.cmd.count.next = self.count.val();
        } else {
            self.cmd.pol.next = self.pol_q.q.val();
            self.cmd.count.next = self.count_q.q.val();
        }
    }
}

/// One learning step as the STDP and BCM units take it: the strobe, the
/// step's row and column spikes, the winner and the two switches. Every
/// field is an input of the unit; the generated Verilog keeps the bare
/// field names (`learn`, `pre_spikes`, ...; see
/// [`crate::verilog::BARE_INTERFACES`]).
#[derive(LogicInterface, Default)]
pub struct LearnStep<const N_ROWS: usize, const N_COLS: usize> {
    /// One-cycle strobe per time step with this step's spikes and winner.
    pub learn: Signal<In, Bit>,
    /// Bit `i`: row `i` spiked this step.
    pub pre_spikes: Signal<In, Bits<N_ROWS>>,
    /// Bit `j`: column `j` spiked this step.
    pub post_spikes: Signal<In, Bits<N_COLS>>,
    pub winner: Signal<In, Bits<8>>,
    pub winner_valid: Signal<In, Bit>,
    /// Winner-take-all learning: only the winner column learns.
    pub wta_on: Signal<In, Bit>,
    /// Emit commands (sampled with the `learn` that starts a scan).
    pub enable: Signal<In, Bit>,
}

/// The lowest set bit of `bits`: `found`, its `index` and its one-hot mask
/// (zero when no bit is set).
#[derive(LogicBlock)]
pub struct LowestSetBit<const N: usize> {
    pub bits: Signal<In, Bits<N>>,
    pub found: Signal<Out, Bit>,
    pub index: Signal<Out, Bits<8>>,
    pub one_hot: Signal<Out, Bits<N>>,
    hit: Signal<Local, Bit>,
    idx: Signal<Local, Bits<8>>,
    oh: Signal<Local, Bits<N>>,
}

impl<const N: usize> Default for LowestSetBit<N> {
    fn default() -> Self {
        assert!((1..=256).contains(&N), "LowestSetBit supports 1..=256 bits");
        Self {
            bits: Default::default(),
            found: Default::default(),
            index: Default::default(),
            one_hot: Default::default(),
            hit: Default::default(),
            idx: Default::default(),
            oh: Default::default(),
        }
    }
}

impl<const N: usize> Logic for LowestSetBit<N> {
    #[hdl_gen]
    fn update(&mut self) {
        self.hit.next = false;
        self.idx.next = 0.into();
        self.oh.next = 0.into();
        for j in 0..N {
            if self.bits.val().get_bit(j) && !self.hit.val() {
                self.hit.next = true;
                self.idx.next = j.to_bits();
                self.oh.next = bits::<N>(0).replace_bit(j, true);
            }
        }
        self.found.next = self.hit.val();
        self.index.next = self.idx.val();
        self.one_hot.next = self.oh.val();
    }
}

/// The scan of a learning unit: the columns still to do (`todo`), visited
/// lowest first, each row by row.
///
/// `start` loads `cols` and row 0; while a column is left (`found`),
/// `advance` moves to the next row, and after the last of `N_ROWS` rows back
/// to row 0 with that column done. `flush` (reset, clear) empties the scan.
/// `flush` wins over `start`, `start` over `advance`. `col`, `col_oh` and
/// `row` are the (row, column) being visited, from registers through the
/// lowest-set-bit pick. The golden models' counterpart is
/// `golden::cmd_bus::RowScan`.
#[derive(LogicBlock)]
pub struct RowScan<const N_ROWS: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    pub flush: Signal<In, Bit>,
    pub start: Signal<In, Bit>,
    /// The columns to scan, loaded by `start`.
    pub cols: Signal<In, Bits<N_COLS>>,
    pub advance: Signal<In, Bit>,
    /// A column is left to scan.
    pub found: Signal<Out, Bit>,
    /// The column being scanned (its index and its one-hot mask).
    pub col: Signal<Out, Bits<8>>,
    pub col_oh: Signal<Out, Bits<N_COLS>>,
    /// The row being visited.
    pub row: Signal<Out, Bits<8>>,
    todo_q: DFF<Bits<N_COLS>>,
    row_q: DFF<Bits<8>>,
    pick: LowestSetBit<N_COLS>,
    last_row: Constant<Bits<8>>,
}

impl<const N_ROWS: usize, const N_COLS: usize> Default for RowScan<N_ROWS, N_COLS> {
    fn default() -> Self {
        assert!(
            (1..=256).contains(&N_ROWS) && (1..=256).contains(&N_COLS),
            "RowScan supports 1..=256 rows and columns"
        );
        Self {
            clock: Default::default(),
            flush: Default::default(),
            start: Default::default(),
            cols: Default::default(),
            advance: Default::default(),
            found: Default::default(),
            col: Default::default(),
            col_oh: Default::default(),
            row: Default::default(),
            todo_q: Default::default(),
            row_q: Default::default(),
            pick: Default::default(),
            last_row: Constant::new((N_ROWS as u64 - 1).into()),
        }
    }
}

impl<const N_ROWS: usize, const N_COLS: usize> Logic for RowScan<N_ROWS, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, todo_q, row_q);
        self.pick.bits.next = self.todo_q.q.val();
        self.found.next = self.pick.found.val();
        self.col.next = self.pick.index.val();
        self.col_oh.next = self.pick.one_hot.val();
        self.row.next = self.row_q.q.val();
        if self.flush.val() {
            self.todo_q.d.next = 0.into();
            self.row_q.d.next = 0.into();
        } else if self.start.val() {
            self.todo_q.d.next = self.cols.val();
            self.row_q.d.next = 0.into();
        } else if self.advance.val() && self.pick.found.val() {
            if self.row_q.q.val() == self.last_row.val() {
                self.row_q.d.next = 0.into();
                self.todo_q.d.next = self.todo_q.q.val() & !self.pick.one_hot.val();
            } else {
                self.row_q.d.next = self.row_q.q.val() + 1;
            }
        }
    }
}

/// The learning columns of a step: with `wta_on`, the `winner` column if
/// `winner_valid` (none when `winner >= N_COLS`), else none; without
/// `wta_on`, every column.
#[derive(LogicBlock)]
pub struct LearnCols<const N_COLS: usize> {
    pub winner: Signal<In, Bits<8>>,
    pub winner_valid: Signal<In, Bit>,
    pub wta_on: Signal<In, Bit>,
    pub cols: Signal<Out, Bits<N_COLS>>,
    all_cols: Constant<Bits<N_COLS>>,
    winner_mask: Signal<Local, Bits<N_COLS>>,
}

impl<const N_COLS: usize> Default for LearnCols<N_COLS> {
    fn default() -> Self {
        assert!(
            (1..=256).contains(&N_COLS),
            "LearnCols supports 1..=256 columns"
        );
        Self {
            winner: Default::default(),
            winner_valid: Default::default(),
            wta_on: Default::default(),
            cols: Default::default(),
            all_cols: Constant::new(!Bits::<N_COLS>::default()),
            winner_mask: Default::default(),
        }
    }
}

impl<const N_COLS: usize> Logic for LearnCols<N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        self.winner_mask.next = 0.into();
        for j in 0..N_COLS {
            self.winner_mask.next = self
                .winner_mask
                .val()
                .replace_bit(j, self.winner.val() == j.to_bits());
        }
        self.cols.next = 0.into();
        if self.wta_on.val() {
            if self.winner_valid.val() {
                self.cols.next = self.winner_mask.val();
            }
        } else {
            self.cols.next = self.all_cols.val();
        }
    }
}

/// `value` saturated to 8 bits: 255 when any bit above bit 7 is set.
#[derive(LogicBlock)]
pub struct Sat8<const W: usize> {
    pub value: Signal<In, Bits<W>>,
    pub sat: Signal<Out, Bits<8>>,
    /// Every bit above bit 7.
    high: Constant<Bits<W>>,
    ones8: Constant<Bits<8>>,
}

impl<const W: usize> Default for Sat8<W> {
    fn default() -> Self {
        assert!((9..=64).contains(&W), "Sat8 takes 9..=64-bit values");
        Self {
            value: Default::default(),
            sat: Default::default(),
            high: Constant::new(!Bits::<W>::from(0xFFu64)),
            ones8: Constant::new(0xFFu64.into()),
        }
    }
}

impl<const W: usize> Logic for Sat8<W> {
    #[hdl_gen]
    fn update(&mut self) {
        if (self.value.val() & self.high.val()).any() {
            self.sat.next = self.ones8.val();
        } else {
            self.sat.next = self.value.val().get_bits::<8>(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settle<B: Block>(b: &mut B) {
        assert!(simulate(b, 100), "rust-hdl simulation did not settle");
    }

    /// One clock cycle: the inputs already set change with the falling
    /// edge, then the rising edge.
    fn cycle(r: &mut CmdOutReg) {
        r.clock.next = false.into();
        settle(r);
        r.clock.next = true.into();
        settle(r);
    }

    #[test]
    fn lowest_set_bit_is_the_trailing_zero_count() {
        let mut b = LowestSetBit::<7>::default();
        b.connect_all();
        for v in 0u64..128 {
            b.bits.next = v.into();
            settle(&mut b);
            assert_eq!(b.found.val(), v != 0, "{v:#b}");
            let want = if v == 0 { 0 } else { v.trailing_zeros() as u64 };
            assert_eq!(b.index.val().to_u64(), want, "{v:#b}");
            assert_eq!(b.one_hot.val().to_u64(), v & v.wrapping_neg(), "{v:#b}");
        }
    }

    /// Columns 1 and 3 of 4, three rows each: (1,0) (1,1) (1,2) (3,0)
    /// (3,1) (3,2), holding where `advance` is low; a `start` mid-scan
    /// restarts at row 0 of its own columns, a `flush` empties the scan.
    #[test]
    fn row_scan_visits_each_column_row_by_row() {
        let mut b = RowScan::<3, 4>::default();
        b.connect_all();
        let step = |b: &mut RowScan<3, 4>, flush: bool, start: bool, cols: u64, adv: bool| {
            b.flush.next = flush;
            b.start.next = start;
            b.cols.next = cols.into();
            b.advance.next = adv;
            b.clock.next = false.into();
            settle(b);
            b.clock.next = true.into();
            settle(b);
            (b.found.val(), b.col.val().to_u64(), b.row.val().to_u64())
        };
        let seen = |b: &RowScan<3, 4>| (b.found.val(), b.col.val().to_u64(), b.row.val().to_u64());
        assert_eq!(step(&mut b, true, false, 0, false), (false, 0, 0));
        assert_eq!(step(&mut b, false, true, 0b1010, true), (true, 1, 0));
        assert_eq!(b.col_oh.val().to_u64(), 0b0010);
        assert_eq!(step(&mut b, false, false, 0, true), (true, 1, 1));
        assert_eq!(step(&mut b, false, false, 0, false), (true, 1, 1));
        let mut visits = vec![seen(&b)];
        for _ in 0..4 {
            visits.push(step(&mut b, false, false, 0, true));
        }
        assert_eq!(
            visits,
            [
                (true, 1, 1),
                (true, 1, 2),
                (true, 3, 0),
                (true, 3, 1),
                (true, 3, 2)
            ]
        );
        assert_eq!(b.col_oh.val().to_u64(), 0b1000);
        assert_eq!(step(&mut b, false, false, 0, true), (false, 0, 0));
        // start wins over advance and restarts at row 0; flush wins over start
        assert_eq!(step(&mut b, false, true, 0b0001, true), (true, 0, 0));
        assert_eq!(step(&mut b, false, false, 0, true), (true, 0, 1));
        assert_eq!(step(&mut b, false, true, 0b0100, true), (true, 2, 0));
        assert_eq!(step(&mut b, true, true, 0b0100, true), (false, 0, 0));
    }

    #[test]
    fn sat8_passes_up_to_255_and_saturates_above() {
        let mut b = Sat8::<16>::default();
        b.connect_all();
        for v in (0u64..1024).chain([0x100, 0x8000, 0xFFFF]) {
            b.value.next = v.into();
            settle(&mut b);
            assert_eq!(b.sat.val().to_u64(), v.min(255), "{v:#x}");
        }
    }

    #[test]
    fn learn_cols_is_the_winner_or_every_column() {
        let mut b = LearnCols::<5>::default();
        b.connect_all();
        for wta_on in [false, true] {
            for winner_valid in [false, true] {
                for winner in 0u64..8 {
                    b.wta_on.next = wta_on;
                    b.winner_valid.next = winner_valid;
                    b.winner.next = winner.into();
                    settle(&mut b);
                    let want = match (wta_on, winner_valid) {
                        (false, _) => 0b11111,
                        (true, false) => 0,
                        (true, true) if winner < 5 => 1 << winner,
                        (true, true) => 0,
                    };
                    assert_eq!(
                        b.cols.val().to_u64(),
                        want,
                        "{wta_on} {winner_valid} {winner}"
                    );
                }
            }
        }
    }

    fn offer(r: &mut CmdOutReg, load: bool, row: u64, pol: bool, count: u64) {
        r.load.next = load;
        r.kind.next = false;
        r.row.next = row.into();
        r.col.next = (row + 1).into();
        r.pol.next = pol;
        r.count.next = count.into();
    }

    fn held(r: &CmdOutReg) -> (bool, u64, u64, bool, u64) {
        (
            r.cmd.valid.val(),
            r.cmd.row.val().to_u64(),
            r.cmd.col.val().to_u64(),
            r.cmd.pol.val(),
            r.cmd.count.val().to_u64(),
        )
    }

    #[test]
    fn cmd_out_reg_holds_a_command_until_ready_and_flush_drops_it() {
        let mut r = CmdOutReg::default();
        r.connect_all();
        r.flush.next = true;
        cycle(&mut r);
        r.flush.next = false;
        assert!(!r.cmd.valid.val());
        // taken into the register; the consumer is not ready
        r.cmd.ready.next = false;
        offer(&mut r, true, 3, true, 9);
        cycle(&mut r);
        assert_eq!(held(&r), (true, 3, 4, true, 9));
        // stalled: a new offer does not replace the held command
        offer(&mut r, true, 7, false, 2);
        cycle(&mut r);
        cycle(&mut r);
        assert_eq!(held(&r), (true, 3, 4, true, 9));
        // ready: the held command is taken and the offer replaces it
        r.cmd.ready.next = true;
        cycle(&mut r);
        assert_eq!(held(&r), (true, 7, 8, false, 2));
        // nothing offered: the register empties, the fields stay
        offer(&mut r, false, 11, true, 5);
        cycle(&mut r);
        assert_eq!(held(&r), (false, 7, 8, false, 2));
        // flush empties even a stalled register
        r.cmd.ready.next = false;
        offer(&mut r, true, 1, true, 1);
        cycle(&mut r);
        assert!(r.cmd.valid.val());
        r.flush.next = true;
        cycle(&mut r);
        assert!(!r.cmd.valid.val());
    }

    #[test]
    fn cmd_out_reg_fixed_payload_passes_pol_and_count_through() {
        let mut r = CmdOutReg::fixed_payload();
        r.connect_all();
        r.kind.next = true;
        r.pol.next = true;
        r.count.next = 1u64.into();
        settle(&mut r);
        // before any command, as the refresh scheduler's constants
        assert_eq!(
            (
                r.cmd.kind.val(),
                r.cmd.pol.val(),
                r.cmd.count.val().to_u64()
            ),
            (true, true, 1)
        );
    }
}
