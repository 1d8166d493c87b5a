//! Golden counterparts of the blocks the command producers share
//! (`neuroxbar_rtl::cmd_bus`): the learning columns of a step, and the scan
//! that visits each column still to do row by row.

use super::fixed::low_mask;

/// One learning step as the STDP and BCM units take it in one cycle
/// (`neuroxbar_rtl::cmd_bus::LearnStep`): the strobe, the step's spikes,
/// the winner and the two switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LearnStep {
    /// One-cycle strobe per time step.
    pub learn: bool,
    /// Bit `i`: row `i` spiked this step.
    pub pre_spikes: u128,
    /// Bit `j`: column `j` spiked this step.
    pub post_spikes: u64,
    pub winner: u8,
    pub winner_valid: bool,
    /// Winner-take-all learning: only the winner column learns.
    pub wta_on: bool,
    /// Emit commands (sampled with the `learn` that starts a scan).
    pub enable: bool,
}

impl LearnStep {
    /// The learning columns of this step among `n_cols` ([`learn_cols`]).
    pub fn learn_cols(&self, n_cols: usize) -> u64 {
        learn_cols(self.wta_on, self.winner_valid, self.winner, n_cols)
    }
}

/// `LearnCols`: with `wta_on`, the `winner` column if `winner_valid` (none
/// when `winner >= n_cols`), else none; without `wta_on`, every one of the
/// `n_cols` columns.
pub fn learn_cols(wta_on: bool, winner_valid: bool, winner: u8, n_cols: usize) -> u64 {
    if wta_on {
        if winner_valid && (winner as usize) < n_cols {
            1u64 << winner
        } else {
            0
        }
    } else {
        low_mask(n_cols)
    }
}

/// The scan of a learning unit (`RowScan`): the columns still to do
/// (`todo`), visited lowest first, each row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowScan {
    pub todo: u64,
    /// The row being visited.
    pub row: u8,
}

impl RowScan {
    /// The column being scanned (`LowestSetBit`): the lowest of the first
    /// `n_cols` bits of `todo`.
    pub fn col(&self, n_cols: usize) -> Option<usize> {
        (0..n_cols).find(|&j| (self.todo >> j) & 1 == 1)
    }

    /// Scan `cols` from row 0.
    pub fn start(&mut self, cols: u64) {
        self.todo = cols;
        self.row = 0;
    }

    /// The scan of column `col` moves on: to the next row, or after the last
    /// of `n_rows` rows, back to row 0 with `col` done.
    pub fn advance(&mut self, col: usize, n_rows: usize) {
        if self.row as usize == n_rows - 1 {
            self.row = 0;
            self.todo &= !(1u64 << col);
        } else {
            self.row += 1;
        }
    }
}
