//! The accelerator top (`Accelerator<25, 5>`) on Verilator and rust-hdl.

use super::fe_bus::{answer_bus, drive_of_bus};
use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::accel_25x5;
use neuroxbar_models::golden::accelerator::{AccelInputs, AccelOutputs};
use neuroxbar_rtl::accelerator::Accelerator;
use neuroxbar_rtl::rust_hdl::prelude::*;

// the golden model and the harness's `peek` wait the RTL's read-out latency
const _: () = assert!(
    neuroxbar_rtl::accelerator::DEBUG_LATENCY
        == neuroxbar_models::golden::accelerator::DEBUG_LATENCY
);

/// Rows and columns of the co-simulated accelerator.
pub const N_ROWS: usize = 25;
pub const N_COLS: usize = 5;

/// Verilator back end.
pub struct VerilatorAccel {
    pub harness: Harness<accel_25x5::Model>,
}

impl VerilatorAccel {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
        })
    }
}

/// One clock of a Verilated accelerator top: the inputs to its ports, a
/// step, the outputs back; `$set_spikes` puts `spikes_in` on the model `m`
/// (a scalar port up to 64 rows, 32-bit words above).
macro_rules! verilated_step {
    ($self:ident, $inp:ident, |$m:ident| $set_spikes:expr) => {{
        let $m = &mut $self.harness.model;
        $m.set_reset($inp.reset as u64);
        $m.set_tick($inp.tick as u64);
        $m.set_present($inp.present as u64);
        $set_spikes;
        let (we, addr, data) = match $inp.cfg_write {
            Some((a, d)) => (1, a as u64, d as u64),
            None => (0, 0, 0),
        };
        $m.set_cfg_we(we);
        $m.set_cfg_addr(addr);
        $m.set_cfg_data(data);
        crate::fe_answer_verilated!($m, &$inp.fe);
        $m.set_warp($inp.warp as u64);
        $m.set_debug_sel($inp.debug_sel as u64);
        $self.harness.step();
        let m = &$self.harness.model;
        AccelOutputs {
            fe: crate::fe_drive_verilated!(m),
            idle: m.idle() != 0,
            wait_left: m.wait_left() as u32,
            spikes: m.spikes(),
            spikes_valid: m.spikes_valid() != 0,
            winner: m.winner() as u8,
            winner_valid: m.winner_valid() != 0,
            cfg_error: m.cfg_error() != 0,
            clamp_error: m.clamp_error() != 0,
            saturated: m.saturated() != 0,
            overrun: m.overrun() != 0,
            debug_data: m.debug_data() as u32,
        }
    }};
}

impl CycleModel for VerilatorAccel {
    type Inputs = AccelInputs;
    type Outputs = AccelOutputs;
    #[inline]
    fn step(&mut self, inp: &AccelInputs) -> AccelOutputs {
        verilated_step!(self, inp, |m| m.set_spikes_in(inp.spikes_in as u64))
    }
    fn skip_time(&mut self, cycles: u64) {
        self.harness.skip(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.harness.set_period_ps(period_ps);
    }
}

/// rust-hdl simulator back end.
pub struct RustHdlAccel {
    pub dut: Box<Accelerator<N_ROWS, N_COLS>>,
}

impl Default for RustHdlAccel {
    fn default() -> Self {
        let mut dut = Box::<Accelerator<N_ROWS, N_COLS>>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlAccel {
    type Inputs = AccelInputs;
    type Outputs = AccelOutputs;
    fn step(&mut self, inp: &AccelInputs) -> AccelOutputs {
        let d = &mut *self.dut;
        d.reset.next = inp.reset;
        d.tick.next = inp.tick;
        d.present.next = inp.present;
        d.spikes_in.next = (inp.spikes_in as u64).into();
        let (we, addr, data) = match inp.cfg_write {
            Some((a, dt)) => (true, a as u64, dt as u64),
            None => (false, 0, 0),
        };
        d.cfg.we.next = we;
        d.cfg.addr.next = addr.into();
        d.cfg.data.next = data.into();
        answer_bus(&mut d.fe, &inp.fe);
        d.warp.next = (inp.warp as u64).into();
        d.debug_sel.next = (inp.debug_sel as u64).into();
        rust_hdl_cycle!(d, 200);
        AccelOutputs {
            fe: drive_of_bus(&d.fe),
            idle: d.idle.val(),
            wait_left: d.wait_left.val().to_u64() as u32,
            spikes: d.spikes.val().to_u64(),
            spikes_valid: d.spikes_valid.val(),
            winner: d.winner.val().to_u64() as u8,
            winner_valid: d.winner_valid.val(),
            cfg_error: d.cfg_error.val(),
            clamp_error: d.clamp_error.val(),
            saturated: d.saturated.val(),
            overrun: d.overrun.val(),
            debug_data: d.debug_data.val().to_u64() as u32,
        }
    }
}

/// Golden-model back end.
pub struct GoldenAccel(pub neuroxbar_models::golden::accelerator::AcceleratorModel);

impl Default for GoldenAccel {
    fn default() -> Self {
        Self(neuroxbar_models::golden::accelerator::AcceleratorModel::new(N_ROWS, N_COLS))
    }
}

impl CycleModel for GoldenAccel {
    type Inputs = AccelInputs;
    type Outputs = AccelOutputs;
    fn step(&mut self, inp: &AccelInputs) -> AccelOutputs {
        self.0.step(inp)
    }
}

/// Rows and columns of the E2 accelerator (`Accelerator<81, 4>`, top `accel_81x4`).
pub const N_ROWS_81X4: usize = 81;
pub const N_COLS_81X4: usize = 4;

/// Verilator back end of `Accelerator<81, 4>` (the 9 x 9 grid of E2). The
/// 81-bit `spikes_in` port travels as three 32-bit words.
pub struct VerilatorAccel81x4 {
    pub harness: Harness<crate::verilated::accel_81x4::Model>,
}

impl VerilatorAccel81x4 {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
        })
    }
}

impl CycleModel for VerilatorAccel81x4 {
    type Inputs = AccelInputs;
    type Outputs = AccelOutputs;
    #[inline]
    fn step(&mut self, inp: &AccelInputs) -> AccelOutputs {
        verilated_step!(self, inp, |m| {
            let s = inp.spikes_in;
            m.set_spikes_in(&[s as u32, (s >> 32) as u32, (s >> 64) as u32 & 0x1_FFFF])
        })
    }
    fn skip_time(&mut self, cycles: u64) {
        self.harness.skip(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.harness.set_period_ps(period_ps);
    }
}
