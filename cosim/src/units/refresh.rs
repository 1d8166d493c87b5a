//! The refresh scheduler (`RefreshScheduler<25, 5>`) on Verilator, rust-hdl
//! and the golden model.

use super::cmd::{read_bus, CmdPort};
use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::refresh;
use crate::VerilatedTop;
use neuroxbar_models::golden::refresh::{RefreshInputs, RefreshModel, RefreshOutputs};
use neuroxbar_rtl::refresh::RefreshScheduler;
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Rows and columns of the co-simulated scheduler.
pub const N_ROWS: usize = 25;
pub const N_COLS: usize = 5;

/// Verilator back end.
pub struct VerilatorRefresh {
    pub harness: Harness<refresh::Model>,
    cmd: CmdPort,
    pulse_count: [usize; N_COLS],
}

impl VerilatorRefresh {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
            cmd: CmdPort::new::<refresh::Model>("cmd"),
            pulse_count: std::array::from_fn(|j| {
                refresh::Model::port(&format!("pulse_count${j}")).expect("RefreshScheduler port")
            }),
        })
    }
}

impl CycleModel for VerilatorRefresh {
    type Inputs = RefreshInputs;
    type Outputs = RefreshOutputs;
    fn step(&mut self, inp: &RefreshInputs) -> RefreshOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_enable(inp.enable as u64);
        m.set_budget(inp.budget as u64);
        m.set_pulse(inp.pulse as u64);
        m.set_pulse_col(inp.pulse_col as u64);
        self.cmd.set_ready(m, inp.cmd_ready);
        self.harness.step();
        let m = &self.harness.model;
        let (cmd_valid, cmd) = self.cmd.read(m);
        RefreshOutputs {
            cmd_valid,
            cmd,
            busy: m.busy() != 0,
            pending: m.pending(),
            pulse_count: self
                .pulse_count
                .iter()
                .map(|&p| m.get_u64(p) as u32)
                .collect(),
        }
    }
}

/// rust-hdl simulator back end (inputs applied with the falling edge).
pub struct RustHdlRefresh {
    pub dut: RefreshScheduler<N_ROWS, N_COLS>,
}

impl Default for RustHdlRefresh {
    fn default() -> Self {
        let mut dut = RefreshScheduler::<N_ROWS, N_COLS>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlRefresh {
    type Inputs = RefreshInputs;
    type Outputs = RefreshOutputs;
    fn step(&mut self, inp: &RefreshInputs) -> RefreshOutputs {
        let d = &mut self.dut;
        d.reset.next = inp.reset;
        d.enable.next = inp.enable;
        d.budget.next = (inp.budget as u64).into();
        d.pulse.next = inp.pulse;
        d.pulse_col.next = (inp.pulse_col as u64).into();
        d.cmd.ready.next = inp.cmd_ready;
        rust_hdl_cycle!(d, 100);
        let (cmd_valid, cmd) = read_bus(&d.cmd);
        RefreshOutputs {
            cmd_valid,
            cmd,
            busy: d.busy.val(),
            pending: d.pending.val().to_u64(),
            pulse_count: d
                .pulse_count
                .iter()
                .map(|s| s.val().to_u64() as u32)
                .collect(),
        }
    }
}

/// Golden model back end.
pub struct GoldenRefresh(pub RefreshModel);

impl Default for GoldenRefresh {
    fn default() -> Self {
        Self(RefreshModel::new(N_ROWS, N_COLS))
    }
}

impl CycleModel for GoldenRefresh {
    type Inputs = RefreshInputs;
    type Outputs = RefreshOutputs;
    fn step(&mut self, inp: &RefreshInputs) -> RefreshOutputs {
        self.0.step(inp)
    }
}

/// Seeded random stimulus: programming pulses on random (sometimes
/// out-of-range) columns at varying rates, small budgets (so refreshes
/// happen often) and now and then large, zero or saturating ones, enable
/// toggles, rare resets and random `cmd_ready` back-pressure.
pub fn random_stimulus(seed: u64, cycles: u64) -> impl Iterator<Item = RefreshInputs> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut budget = 7u32;
    let mut enable = true;
    let mut ready_pct = 100u32;
    let mut pulse_pct = 30u32;
    (0..cycles).map(move |c| {
        if rng.gen_ratio(1, 800) {
            budget = match rng.gen_range(0..10) {
                0 => 0,
                1 => u32::MAX,
                2 => 1,
                3 => rng.gen(),
                _ => rng.gen_range(2..60),
            };
        }
        if rng.gen_ratio(1, 1500) {
            enable = rng.gen_ratio(4, 5);
        }
        if rng.gen_ratio(1, 500) {
            ready_pct = [100, 80, 30, 5][rng.gen_range(0..4)];
        }
        if rng.gen_ratio(1, 700) {
            pulse_pct = [2, 10, 30, 90][rng.gen_range(0..4)];
        }
        RefreshInputs {
            reset: c < 2 || rng.gen_ratio(1, 40_000),
            enable,
            budget,
            pulse: rng.gen_ratio(pulse_pct, 100),
            pulse_col: if rng.gen_ratio(1, 30) {
                rng.gen()
            } else {
                rng.gen_range(0..N_COLS as u8)
            },
            cmd_ready: rng.gen_ratio(ready_pct, 100),
        }
    })
}
