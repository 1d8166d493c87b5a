//! The crossbar controller (`CrossbarController<25, 5>`) on Verilator,
//! rust-hdl and the golden model, and a closed-loop random driver with a
//! small front-end responder.

use super::cmd::{write_bus, CmdPort};
use super::fe_bus::{answer_bus, drive_of_bus};
use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::xbar_ctrl;
use crate::VerilatedTop;
use neuroxbar_models::golden::stdp::Command;
use neuroxbar_models::golden::xbar_ctrl::{CrossbarControllerModel, XbarInputs, XbarOutputs};
use neuroxbar_rtl::fe_bus::{code_bits, FE_CODE_MAX, FE_CODE_MIN};
use neuroxbar_rtl::rust_hdl::prelude::*;
use neuroxbar_rtl::xbar_ctrl::CrossbarController;
use std::collections::VecDeque;

/// Rows and columns of the co-simulated controller.
pub const N_ROWS: usize = 25;
pub const N_COLS: usize = 5;

/// The command fields of the inputs.
fn command(inp: &XbarInputs) -> Command {
    Command {
        kind: inp.cmd_refresh as u8,
        row: inp.cmd_row,
        col: inp.cmd_col,
        pol: inp.cmd_pol,
        count: inp.cmd_count,
    }
}

/// Verilator back end.
pub struct VerilatorXbar {
    pub harness: Harness<xbar_ctrl::Model>,
    cmd: CmdPort,
    col_code: [usize; N_COLS],
}

impl VerilatorXbar {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        let port = |n: String| xbar_ctrl::Model::port(&n).expect("CrossbarController port");
        Ok(Self {
            harness: Harness::new(trace)?,
            cmd: CmdPort::new::<xbar_ctrl::Model>("cmd"),
            col_code: std::array::from_fn(|j| port(format!("col_code${j}"))),
        })
    }
}

impl CycleModel for VerilatorXbar {
    type Inputs = XbarInputs;
    type Outputs = XbarOutputs;
    fn step(&mut self, inp: &XbarInputs) -> XbarOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_read_start(inp.read_start as u64);
        m.set_row_mask(inp.row_mask as u64);
        m.set_row_amp(inp.row_amp as u64);
        m.set_row_code(code_bits(inp.row_code));
        self.cmd.write(m, inp.cmd_valid, &command(inp));
        m.set_v_read(code_bits(inp.v_read));
        m.set_settle(inp.settle as u64);
        m.set_v_pot(code_bits(inp.v_pot));
        m.set_v_dep(code_bits(inp.v_dep));
        m.set_width(inp.width as u64);
        m.set_interval(inp.interval as u64);
        m.set_scheme(inp.scheme_v3 as u64);
        m.set_safe_max(code_bits(inp.safe_max));
        m.set_safe_min(code_bits(inp.safe_min));
        m.set_refresh_code(code_bits(inp.refresh_code));
        m.set_refresh_width(inp.refresh_width as u64);
        crate::fe_answer_verilated!(m, &inp.fe);
        m.set_warp(inp.warp as u64);
        self.harness.step();
        let m = &self.harness.model;
        XbarOutputs {
            cmd_ready: self.cmd.ready(m),
            fe: crate::fe_drive_verilated!(m),
            col_code: self
                .col_code
                .iter()
                .map(|&p| m.get_u64(p) as u16 as i16)
                .collect(),
            col_sat: m.col_sat(),
            read_done: m.read_done() != 0,
            idle: m.idle() != 0,
            pulse: m.pulse() != 0,
            pulse_col: m.pulse_col() as u8,
            clamp_error: m.clamp_error() != 0,
            wait_left: m.wait_left() as u32,
            row_addr: m.row_addr() as u8,
        }
    }
    fn skip_time(&mut self, cycles: u64) {
        self.harness.skip(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.harness.set_period_ps(period_ps);
    }
}

/// rust-hdl simulator back end (inputs applied with the falling edge).
pub struct RustHdlXbar {
    pub dut: CrossbarController<N_ROWS, N_COLS>,
}

impl Default for RustHdlXbar {
    fn default() -> Self {
        let mut dut = CrossbarController::<N_ROWS, N_COLS>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlXbar {
    type Inputs = XbarInputs;
    type Outputs = XbarOutputs;
    fn step(&mut self, inp: &XbarInputs) -> XbarOutputs {
        let d = &mut self.dut;
        d.reset.next = inp.reset;
        d.read_start.next = inp.read_start;
        d.row_mask.next = (inp.row_mask as u64).into();
        d.row_amp.next = inp.row_amp;
        d.row_code.next = code_bits(inp.row_code).into();
        write_bus(&mut d.cmd, inp.cmd_valid, &command(inp));
        d.v_read.next = code_bits(inp.v_read).into();
        d.settle.next = (inp.settle as u64).into();
        d.v_pot.next = code_bits(inp.v_pot).into();
        d.v_dep.next = code_bits(inp.v_dep).into();
        d.width.next = (inp.width as u64).into();
        d.interval.next = (inp.interval as u64).into();
        d.scheme.next = inp.scheme_v3;
        d.safe_max.next = code_bits(inp.safe_max).into();
        d.safe_min.next = code_bits(inp.safe_min).into();
        d.refresh_code.next = code_bits(inp.refresh_code).into();
        d.refresh_width.next = (inp.refresh_width as u64).into();
        answer_bus(&mut d.fe, &inp.fe);
        d.warp.next = (inp.warp as u64).into();
        rust_hdl_cycle!(d, 100);
        XbarOutputs {
            cmd_ready: d.cmd.ready.val(),
            fe: drive_of_bus(&d.fe),
            col_code: d
                .col_code
                .iter()
                .map(|s| s.val().to_u64() as u16 as i16)
                .collect(),
            col_sat: d.col_sat.val().to_u64(),
            read_done: d.read_done.val(),
            idle: d.idle.val(),
            pulse: d.pulse.val(),
            pulse_col: d.pulse_col.val().to_u64() as u8,
            clamp_error: d.clamp_error.val(),
            wait_left: d.wait_left.val().to_u64() as u32,
            row_addr: d.row_addr.val().to_u64() as u8,
        }
    }
}

/// Golden model back end.
pub struct GoldenXbar(pub CrossbarControllerModel);

impl Default for GoldenXbar {
    fn default() -> Self {
        Self(CrossbarControllerModel::new(N_ROWS, N_COLS))
    }
}

impl CycleModel for GoldenXbar {
    type Inputs = XbarInputs;
    type Outputs = XbarOutputs;
    fn step(&mut self, inp: &XbarInputs) -> XbarOutputs {
        self.0.step(inp)
    }
}

/// Default configuration of the driver (the accelerator's register resets,
/// with short pulses).
pub fn default_config() -> XbarInputs {
    XbarInputs {
        v_read: 25,
        settle: 3,
        v_pot: 750,
        v_dep: -750,
        width: 2,
        interval: 3,
        scheme_v3: true,
        safe_max: 1250,
        safe_min: -1250,
        refresh_code: 875,
        refresh_width: 5,
        ..Default::default()
    }
}

/// A minimal ADC front-end: after each `fe_sample` it is busy for
/// `conversion` cycles, then streams one `fe_rd_valid` beat per column
/// (column channels, in order or reversed), with data from a seeded RNG.
/// It is driven by the previous cycle's DUT outputs, which every back end
/// agrees on, so one responder serves all three.
pub struct Responder {
    rng: rand_chacha::ChaCha8Rng,
    /// Beats still to come: (channel, data, saturated); `busy` cycles first.
    busy: u32,
    beats: VecDeque<(u8, i16, bool)>,
    /// Conversion latency range, cycles.
    pub conversion: std::ops::RangeInclusive<u32>,
    /// Probability (1 in n, 0: never) of a spurious one-cycle `fe_busy` when idle.
    pub spurious_busy: u32,
}

impl Responder {
    pub fn new(seed: u64) -> Self {
        use rand::SeedableRng;
        Self {
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed),
            busy: 0,
            beats: VecDeque::new(),
            conversion: 1..=6,
            spurious_busy: 0,
        }
    }

    /// Nothing in flight.
    pub fn quiet(&self) -> bool {
        self.busy == 0 && self.beats.is_empty()
    }

    /// Set the `fe_*` inputs of the next cycle from the last outputs.
    pub fn drive(&mut self, last: &XbarOutputs, inp: &mut XbarInputs) {
        use rand::Rng;
        if last.fe.sample {
            self.busy = self.rng.gen_range(self.conversion.clone());
            let reversed = self.rng.gen_bool(0.3);
            for k in 0..N_COLS {
                let j = if reversed { N_COLS - 1 - k } else { k };
                let sat = self.rng.gen_ratio(1, 8);
                let data = if sat {
                    if self.rng.gen() {
                        i16::MAX
                    } else {
                        i16::MIN
                    }
                } else {
                    self.rng.gen()
                };
                self.beats.push_back(((N_ROWS + j) as u8, data, sat));
            }
        }
        inp.fe.busy = false;
        inp.fe.rd_valid = false;
        inp.fe.rd_ch = 0;
        inp.fe.rd_data = 0;
        inp.fe.rd_sat = false;
        if self.busy > 0 {
            self.busy -= 1;
            inp.fe.busy = true;
        } else if let Some((ch, data, sat)) = self.beats.pop_front() {
            inp.fe.rd_valid = true;
            inp.fe.rd_ch = ch;
            inp.fe.rd_data = data;
            inp.fe.rd_sat = sat;
        } else if self.spurious_busy > 0 && self.rng.gen_ratio(1, self.spurious_busy) {
            inp.fe.busy = true;
        }
    }
}

/// Seeded random closed-loop driver: reads with random masks, PROGRAM and
/// REFRESH commands through the valid/ready handshake (held until taken,
/// sometimes with out-of-range cells or zero counts), changing
/// configuration (amplitudes in and out of the safe window, both schemes,
/// short and long widths, intervals and settle times), the [`Responder`],
/// occasional resets, and warps obeying `warp < wait_left` while the
/// front-end is quiet.
pub struct XbarStimulus {
    rng: rand_chacha::ChaCha8Rng,
    pub responder: Responder,
    cfg: XbarInputs,
    cmd: Option<XbarInputs>,
    cycle: u64,
    row_amp: bool,
}

fn code(rng: &mut impl rand::Rng) -> i16 {
    rng.gen_range(FE_CODE_MIN..=FE_CODE_MAX)
}

impl XbarStimulus {
    pub fn new(seed: u64) -> Self {
        use rand::SeedableRng;
        let mut responder = Responder::new(seed ^ 0xF0E1_D2C3);
        responder.spurious_busy = 40;
        Self {
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed),
            responder,
            cfg: default_config(),
            cmd: None,
            cycle: 0,
            row_amp: false,
        }
    }

    /// Inputs of the next cycle, given the outputs after the last one.
    pub fn next(&mut self, last: &XbarOutputs) -> XbarInputs {
        use rand::Rng;
        let r = &mut self.rng;
        let c = &mut self.cfg;
        if r.gen_ratio(1, 300) {
            match r.gen_range(0..10) {
                0 => c.v_pot = code(r),
                1 => c.v_dep = code(r),
                2 => c.v_read = code(r),
                3 => c.refresh_code = code(r),
                4 => {
                    let (a, b) = (code(r), code(r));
                    (c.safe_min, c.safe_max) = if r.gen_ratio(1, 5) {
                        (a, b)
                    } else {
                        (a.min(b), a.max(b))
                    };
                }
                5 => c.scheme_v3 = r.gen(),
                6 => {
                    c.width = match r.gen_range(0..8) {
                        0 => 0,
                        1 => r.gen_range(1..(1 << 24)),
                        _ => r.gen_range(1..6),
                    }
                }
                7 => {
                    c.interval = match r.gen_range(0..8) {
                        0 => 0,
                        1 => r.gen_range(1..(1 << 24)),
                        _ => r.gen_range(1..6),
                    }
                }
                8 => {
                    c.settle = match r.gen_range(0..8) {
                        0 => 0,
                        1 => r.gen(),
                        _ => r.gen_range(1..8),
                    }
                }
                _ => {
                    c.refresh_width = match r.gen_range(0..6) {
                        0 => r.gen_range(0..(1 << 24)),
                        _ => r.gen_range(1..8),
                    }
                }
            }
        }
        let mut inp = c.clone();
        inp.reset = self.cycle < 2 || r.gen_ratio(1, 30_000);
        inp.read_start = r.gen_ratio(1, 150);
        inp.row_mask = r.gen_range(0..(1u128 << N_ROWS));
        // the amplitude-code READ mode: a fresh per-row code every cycle
        // (in and out of the safe window), as a code memory read at fe_ch
        if r.gen_ratio(1, 500) {
            self.row_amp = !self.row_amp;
        }
        inp.row_amp = self.row_amp;
        inp.row_code = code(r);
        // the producer holds a command until it is taken
        if self.cmd.is_none() && r.gen_ratio(1, 40) {
            let refresh = r.gen_ratio(1, 4);
            self.cmd = Some(XbarInputs {
                cmd_valid: true,
                cmd_refresh: refresh,
                cmd_row: if r.gen_ratio(1, 20) {
                    r.gen()
                } else {
                    r.gen_range(0..N_ROWS as u8)
                },
                cmd_col: if r.gen_ratio(1, 20) {
                    r.gen()
                } else {
                    r.gen_range(0..N_COLS as u8)
                },
                cmd_pol: r.gen(),
                cmd_count: match r.gen_range(0..10) {
                    0 => 0,
                    1 => r.gen(),
                    _ => r.gen_range(1..4),
                },
                ..Default::default()
            });
        }
        if let Some(cmd) = &self.cmd {
            // valid may drop for a cycle (the DUT does not need it held)
            inp.cmd_valid = !r.gen_ratio(1, 10);
            inp.cmd_refresh = cmd.cmd_refresh;
            inp.cmd_row = cmd.cmd_row;
            inp.cmd_col = cmd.cmd_col;
            inp.cmd_pol = cmd.cmd_pol;
            inp.cmd_count = cmd.cmd_count;
            // taken in this cycle: cmd_ready is a function of registers,
            // so the last outputs show it
            if inp.cmd_valid && last.cmd_ready {
                self.cmd = None;
            }
        } else {
            inp.cmd_valid = false;
            inp.cmd_row = r.gen();
            inp.cmd_col = r.gen();
        }
        self.responder.drive(last, &mut inp);
        inp.warp = 0;
        let w = last.wait_left;
        if w > 1 && self.responder.quiet() && !inp.fe.busy && r.gen_ratio(1, 2) {
            inp.warp = match r.gen_range(0..3) {
                0 => w - 1,
                _ => r.gen_range(0..w),
            };
        }
        self.cycle += 1;
        inp
    }
}
