//! Golden model of `neuroxbar_rtl::refresh::RefreshScheduler<N_ROWS, N_COLS>`,
//! cycle accurate.
//!
//! The rule it implements: a device whose state drifts with use (the
//! astrocyte device's linearity refresh, rtl/DESIGN.md) gets a +A/-A refresh
//! pulse pair on every cell of a column after `budget` programming pulses
//! on that column, i.e. a refresh rate of `1 / budget` per programming
//! pulse per column.

use super::stdp::Command;

/// Inputs during one clock cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RefreshInputs {
    pub reset: bool,
    pub enable: bool,
    pub budget: u32,
    pub pulse: bool,
    pub pulse_col: u8,
    pub cmd_ready: bool,
}

/// Registered outputs after the clock edge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefreshOutputs {
    pub cmd_valid: bool,
    pub cmd: Command,
    pub busy: bool,
    pub pending: u64,
    pub pulse_count: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshModel {
    pub n_rows: usize,
    pub n_cols: usize,
    pub count: Vec<u32>,
    pub pending: u64,
    pub active: bool,
    pub col: u8,
    pub row: u8,
    pub out_valid: bool,
    pub out_row: u8,
    pub out_col: u8,
    /// `enable && budget != 0` and `budget - 1` of the cycle before (the
    /// RTL registers them).
    pub armed_q: bool,
    pub budget_m1_q: u32,
    /// The columns the last cycle's pulse spent: pending from this edge.
    pub spent_q: u64,
}

impl RefreshModel {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        assert!((1..=256).contains(&n_rows) && (1..=64).contains(&n_cols));
        Self {
            n_rows,
            n_cols,
            count: vec![0; n_cols],
            pending: 0,
            active: false,
            col: 0,
            row: 0,
            out_valid: false,
            out_row: 0,
            out_col: 0,
            armed_q: false,
            budget_m1_q: 0,
            spent_q: 0,
        }
    }

    pub fn step(&mut self, inp: &RefreshInputs) -> RefreshOutputs {
        let (armed, budget_m1, spent_prev) = (self.armed_q, self.budget_m1_q, self.spent_q);
        self.armed_q = inp.enable && inp.budget != 0;
        self.budget_m1_q = inp.budget.wrapping_sub(1);
        self.spent_q = 0;
        if inp.reset {
            self.count.iter_mut().for_each(|c| *c = 0);
            self.pending = 0;
            self.active = false;
            self.out_valid = false;
            self.row = 0;
            self.col = 0;
            return self.outputs();
        }
        let stall = self.out_valid && !inp.cmd_ready;
        let pick = (0..self.n_cols).find(|&j| (self.pending >> j) & 1 == 1);
        let mut spent = 0u64;
        let j = inp.pulse_col as usize;
        if inp.pulse && j < self.n_cols {
            if armed && self.count[j] >= budget_m1 {
                self.count[j] = 0;
                spent = 1 << j;
            } else {
                self.count[j] = self.count[j].saturating_add(1);
            }
        }
        let mut taken = 0u64;
        if !stall {
            self.out_valid = false;
        }
        if self.active {
            if !stall {
                self.out_valid = true;
                self.out_row = self.row;
                self.out_col = self.col;
                if self.row as usize == self.n_rows - 1 {
                    self.active = false;
                    self.row = 0;
                } else {
                    self.row += 1;
                }
            }
        } else if let Some(p) = pick {
            self.active = true;
            self.col = p as u8;
            self.row = 0;
            taken = 1 << p;
        }
        self.pending = (self.pending & !taken) | spent_prev;
        self.spent_q = spent;
        self.outputs()
    }

    pub fn outputs(&self) -> RefreshOutputs {
        RefreshOutputs {
            cmd_valid: self.out_valid,
            cmd: Command {
                kind: 1,
                row: self.out_row,
                col: self.out_col,
                pol: true,
                count: 1,
            },
            busy: self.active || self.out_valid || self.pending != 0,
            pending: self.pending,
            pulse_count: self.count.clone(),
        }
    }
}
