//! Golden model of `neuroxbar_rtl::xbar_ctrl::CrossbarController`: READ,
//! PROGRAM and REFRESH sequencing of the front-end bus, with the pulse
//! generator's golden model inside. See the RTL module for the state machine
//! and its cycle counts.

use super::fe_bus::{FeAnswer, FeDrive};
use super::fixed::{shift_round_half_even, sign_extend, to_raw};
use super::pulse_gen::{PulseGeneratorModel, PulseInputs, PulseOutputs};

/// Controller state (same codes as the RTL `state` register).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CtrlState {
    #[default]
    Idle = 0,
    RdStage = 1,
    RdSettle = 2,
    RdSample = 3,
    RdCollect = 4,
    PgStage = 5,
    PgRun = 6,
    PgGround = 7,
    PgPrep = 8,
}

/// Cycles of PG_PREP (the depth of the scheme-code pipeline).
pub const PREP_CYCLES: u8 = 3;

/// `fe_mode` codes.
pub const MODE_GROUND: u8 = 0;
pub const MODE_DRIVE: u8 = 1;
pub const MODE_SENSE: u8 = 2;

/// Inputs during one clock cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XbarInputs {
    pub reset: bool,
    pub read_start: bool,
    pub row_mask: u128,
    /// READ input mode: false every masked row at `v_read`; true each
    /// masked row at `row_code`, as presented in that row's staging cycle
    /// (the code of row `row_addr` of the previous outputs).
    pub row_amp: bool,
    pub row_code: i16,
    pub cmd_valid: bool,
    /// false PROGRAM, true REFRESH.
    pub cmd_refresh: bool,
    pub cmd_row: u8,
    pub cmd_col: u8,
    /// true potentiate.
    pub cmd_pol: bool,
    pub cmd_count: u8,
    pub v_read: i16,
    pub settle: u16,
    pub v_pot: i16,
    pub v_dep: i16,
    pub width: u32,
    pub interval: u32,
    /// false V/2, true V/3.
    pub scheme_v3: bool,
    pub safe_max: i16,
    pub safe_min: i16,
    pub refresh_code: i16,
    pub refresh_width: u32,
    /// The front-end's answer (`fe_busy`, `fe_rd_*`).
    pub fe: FeAnswer,
    pub warp: u32,
}

/// Outputs after the rising edge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XbarOutputs {
    pub cmd_ready: bool,
    /// The front-end bus as the controller drives it (`fe_ch` ... `fe_sample`).
    pub fe: FeDrive,
    pub col_code: Vec<i16>,
    pub col_sat: u64,
    pub read_done: bool,
    pub idle: bool,
    pub pulse: bool,
    pub pulse_col: u8,
    pub clamp_error: bool,
    pub wait_left: u32,
    /// The row whose code `row_code` must carry in the next cycle.
    pub row_addr: u8,
}

/// `A >>> 1`.
pub fn half(a: i16) -> i16 {
    a >> 1
}

/// `round_half_even(A * 0x2AAB / 2^16)`, about `A / 6`.
pub fn sixth(a: i16) -> i16 {
    shift_round_half_even(a as i64 * 0x2AAB, 16) as i16
}

/// Line codes of a programming scheme for cell amplitude `a`:
/// `(selected row, selected column, other rows, other columns)`.
pub fn scheme_codes(a: i16, v3: bool) -> (i16, i16, i16, i16) {
    let h = half(a);
    let s = if v3 { sixth(a) } else { 0 };
    (
        wrap12(a as i64 - h as i64),
        wrap12(-(h as i64)),
        wrap12(-(s as i64)),
        s,
    )
}

fn wrap12(x: i64) -> i16 {
    sign_extend(to_raw(x, 12), 12) as i16
}

/// Registered state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossbarControllerModel {
    pub n_rows: usize,
    pub n_cols: usize,
    pub state: CtrlState,
    pub ch: u8,
    pub rd_mask: u128,
    pub pend_mask: u128,
    pub read_pend: bool,
    pub settle_left: u16,
    pub beats: u8,
    pub col_q: Vec<i16>,
    pub sat_q: u64,
    pub read_done: bool,
    pub cq_full: bool,
    pub cq_refresh: bool,
    pub cq_row: u8,
    pub cq_col: u8,
    pub cq_pol: bool,
    pub cq_count: u8,
    pub second: bool,
    pub clamp_error: bool,
    /// Scheme-code pipeline: the clamped amplitude one and two cycles ago,
    /// and the codes `scheme_codes(A, true)` of the amplitude three cycles
    /// ago (selected row, selected column, other rows, other columns).
    pub amp_q: i16,
    pub amp2_q: i16,
    /// The command's amplitude and safe window, latched leaving IDLE.
    pub cmd_amp: i16,
    pub win_min: i16,
    pub win_max: i16,
    pub codes_q: (i16, i16, i16, i16),
    pub pg: PulseGeneratorModel,
}

impl CrossbarControllerModel {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        assert!(n_rows >= 1 && n_cols >= 1 && n_rows + n_cols <= 256 && n_rows <= 128);
        Self {
            n_rows,
            n_cols,
            state: CtrlState::Idle,
            ch: 0,
            rd_mask: 0,
            pend_mask: 0,
            read_pend: false,
            settle_left: 0,
            beats: 0,
            col_q: vec![0; n_cols],
            sat_q: 0,
            read_done: false,
            cq_full: false,
            cq_refresh: false,
            cq_row: 0,
            cq_col: 0,
            cq_pol: false,
            cq_count: 0,
            second: false,
            clamp_error: false,
            amp_q: 0,
            amp2_q: 0,
            cmd_amp: 0,
            win_min: 0,
            win_max: 0,
            codes_q: (0, 0, 0, 0),
            pg: PulseGeneratorModel::new(),
        }
    }

    fn row_bits(&self) -> u128 {
        if self.n_rows == 128 {
            u128::MAX
        } else {
            (1u128 << self.n_rows) - 1
        }
    }

    /// The pulse generator's inputs under the current state (`start` low).
    fn pg_inputs(&self, inp: &XbarInputs) -> PulseInputs {
        let (amplitude, width, count) = if self.cq_refresh {
            let a = if self.second {
                wrap12(-(self.cmd_amp as i64))
            } else {
                self.cmd_amp
            };
            (a, inp.refresh_width, 1)
        } else {
            (self.cmd_amp, inp.width, self.cq_count)
        };
        PulseInputs {
            reset: inp.reset,
            start: false,
            amplitude,
            width,
            interval: inp.interval,
            count,
            safe_max: self.win_max,
            safe_min: self.win_min,
            warp: inp.warp,
        }
    }

    fn last_ch(&self) -> u8 {
        (self.n_rows + self.n_cols - 1) as u8
    }

    /// One clock cycle; returns the outputs after the rising edge.
    pub fn step(&mut self, inp: &XbarInputs) -> XbarOutputs {
        let mut pgi = self.pg_inputs(inp);
        let pgo = self.pg.outputs(&pgi);
        let last = self.last_ch();
        let cmd_ok = (self.cq_row as usize) < self.n_rows
            && (self.cq_col as usize) < self.n_cols
            && (self.cq_refresh || self.cq_count > 0);
        let settle_eff = if inp.settle == 0 { 1 } else { inp.settle };
        let settle_end = inp.warp >= self.settle_left.wrapping_sub(1) as u32;
        let mut n = self.clone();
        n.read_done = false;
        n.clamp_error = self.clamp_error || pgo.clamped;
        // column results
        if self.state == CtrlState::RdCollect && inp.fe.rd_valid {
            let ch = inp.fe.rd_ch as usize;
            if ch >= self.n_rows && ch < self.n_rows + self.n_cols {
                let j = ch - self.n_rows;
                n.col_q[j] = inp.fe.rd_data;
                n.sat_q = (n.sat_q & !(1 << j)) | ((inp.fe.rd_sat as u64) << j);
            }
        }
        if inp.read_start {
            n.read_pend = true;
            n.pend_mask = inp.row_mask & self.row_bits();
        }
        if inp.cmd_valid && !self.cq_full {
            n.cq_full = true;
            n.cq_refresh = inp.cmd_refresh;
            n.cq_row = inp.cmd_row;
            n.cq_col = inp.cmd_col;
            n.cq_pol = inp.cmd_pol;
            n.cq_count = inp.cmd_count;
        }
        if inp.reset {
            n = Self::new(self.n_rows, self.n_cols);
            n.pg = self.pg.clone();
        } else {
            match self.state {
                CtrlState::Idle => {
                    if !inp.fe.busy && (inp.read_start || self.read_pend) {
                        n.state = CtrlState::RdStage;
                        n.ch = 0;
                        n.read_pend = false;
                        n.rd_mask = if inp.read_start {
                            inp.row_mask & self.row_bits()
                        } else {
                            self.pend_mask
                        };
                    } else if !inp.fe.busy && self.cq_full {
                        if cmd_ok {
                            n.state = CtrlState::PgPrep;
                            n.ch = 0;
                            n.second = false;
                            n.win_min = inp.safe_min;
                            n.win_max = inp.safe_max;
                            n.cmd_amp = if self.cq_refresh {
                                inp.refresh_code
                            } else if self.cq_pol {
                                inp.v_pot
                            } else {
                                inp.v_dep
                            };
                        } else {
                            n.cq_full = false;
                        }
                    }
                }
                CtrlState::RdStage => {
                    n.ch = self.ch.wrapping_add(1);
                    n.rd_mask = self.rd_mask >> 1;
                    if self.ch == last {
                        n.state = CtrlState::RdSettle;
                        n.ch = 0;
                        n.settle_left = settle_eff;
                    }
                }
                CtrlState::RdSettle => {
                    if settle_end {
                        n.state = CtrlState::RdSample;
                        n.settle_left = 0;
                    } else {
                        n.settle_left = self
                            .settle_left
                            .wrapping_sub(1)
                            .wrapping_sub(inp.warp as u16);
                    }
                }
                CtrlState::RdSample => {
                    n.state = CtrlState::RdCollect;
                    n.beats = 0;
                }
                CtrlState::RdCollect => {
                    if inp.fe.rd_valid {
                        n.beats = self.beats.wrapping_add(1);
                        if self.beats as usize == self.n_cols - 1 {
                            n.state = CtrlState::Idle;
                            n.beats = 0;
                            n.read_done = true;
                        }
                    }
                }
                CtrlState::PgStage => {
                    n.ch = self.ch.wrapping_add(1);
                    if self.ch == last {
                        n.state = CtrlState::PgRun;
                        n.ch = 0;
                        pgi.start = !pgo.busy;
                    }
                }
                CtrlState::PgPrep => {
                    // the last cycle waits for `fe_busy` low (a serial PHY)
                    if self.ch != PREP_CYCLES - 1 {
                        n.ch = self.ch.wrapping_add(1);
                    } else if !inp.fe.busy {
                        n.state = CtrlState::PgStage;
                        n.ch = 0;
                    }
                }
                CtrlState::PgRun => {
                    if pgo.done {
                        n.ch = 0;
                        if self.cq_refresh && !self.second {
                            n.state = CtrlState::PgPrep;
                            n.second = true;
                        } else {
                            n.state = CtrlState::PgGround;
                        }
                    }
                }
                CtrlState::PgGround => {
                    n.ch = self.ch.wrapping_add(1);
                    if self.ch == last {
                        n.state = CtrlState::Idle;
                        n.ch = 0;
                        n.cq_full = false;
                        n.second = false;
                    }
                }
            }
        }
        // the pipeline runs every cycle, reset or not
        n.amp_q = pgo.amplitude_out;
        n.amp2_q = self.amp_q;
        n.codes_q = scheme_codes(self.amp2_q, true);
        n.pg.step(&pgi);
        *self = n;
        self.outputs(inp)
    }

    /// Outputs of the current state under inputs `inp`.
    pub fn outputs(&self, inp: &XbarInputs) -> XbarOutputs {
        let pgo: PulseOutputs = self.pg.outputs(&self.pg_inputs(inp));
        let is_row = (self.ch as usize) < self.n_rows;
        let (mut we, mut mode, mut code) = (false, MODE_GROUND, 0i16);
        match self.state {
            CtrlState::RdStage => {
                we = true;
                if is_row {
                    // v_read (or the row's own code in the amplitude
                    // mode) clamped into the safe window; an empty window
                    // leaves the row grounded
                    if self.rd_mask & 1 == 1 && inp.safe_min <= inp.safe_max {
                        mode = MODE_DRIVE;
                        let level = if inp.row_amp {
                            inp.row_code
                        } else {
                            inp.v_read
                        };
                        code = level.clamp(inp.safe_min, inp.safe_max);
                    }
                } else {
                    mode = MODE_SENSE;
                }
            }
            CtrlState::PgStage => {
                we = true;
                mode = MODE_DRIVE;
                let (sel_row, sel_col, mut other_row, mut other_col) = self.codes_q;
                if !inp.scheme_v3 {
                    (other_row, other_col) = (0, 0);
                }
                code = if is_row {
                    if self.ch == self.cq_row {
                        sel_row
                    } else {
                        other_row
                    }
                } else if self.ch == self.cq_col.wrapping_add(self.n_rows as u8) {
                    sel_col
                } else {
                    other_col
                };
            }
            CtrlState::PgGround => we = true,
            _ => {}
        }
        XbarOutputs {
            cmd_ready: !self.cq_full,
            fe: FeDrive {
                ch: self.ch,
                code: code,
                mode: mode,
                we: we,
                apply: pgo.apply || matches!(self.state, CtrlState::RdSettle | CtrlState::RdSample),
                sample: self.state == CtrlState::RdSample,
            },
            col_code: self.col_q.clone(),
            col_sat: self.sat_q,
            read_done: self.read_done,
            idle: self.state == CtrlState::Idle && !self.read_pend && !self.cq_full,
            pulse: pgo.pulse && !self.cq_refresh,
            pulse_col: self.cq_col,
            clamp_error: self.clamp_error,
            wait_left: match self.state {
                CtrlState::RdSettle => self.settle_left as u32,
                CtrlState::PgRun => pgo.wait_left,
                _ => 0,
            },
            row_addr: if self.state == CtrlState::RdStage {
                self.ch.wrapping_add(1)
            } else {
                0
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_codes_give_the_cell_exactly_a() {
        for a in -2048i16..=2047 {
            let (r, c, orow, ocol) = scheme_codes(a, true);
            assert_eq!(r as i32 - c as i32, a as i32, "selected cell, A = {a}");
            assert!((-2048..=2047).contains(&(r as i32)) && (-2048..=2047).contains(&(c as i32)));
            // sixths are symmetric and within one LSB of A / 6
            if a != -2048 {
                assert_eq!(sixth(-a), -sixth(a), "A = {a}");
            }
            assert!(
                ((ocol as f64) - a as f64 / 6.0).abs() <= 0.5 + 1e-9,
                "A = {a}"
            );
            assert_eq!(orow, -ocol);
        }
        assert_eq!(scheme_codes(750, false), (375, -375, 0, 0));
        assert_eq!(scheme_codes(751, false), (376, -375, 0, 0));
        assert_eq!(scheme_codes(-751, true), (-375, 376, 125, -125));
    }
}
