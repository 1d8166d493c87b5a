//! The STDP unit (`StdpUnit<25, 5>`) on Verilator, rust-hdl and the golden model.

use super::cmd::{drive_step, random_step, read_bus, CmdPort, StepPort};
use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::stdp;
use crate::VerilatedTop;
use neuroxbar_models::golden::cmd_bus::LearnStep;
use neuroxbar_models::golden::stdp::{StdpInputs, StdpModel, StdpOutputs};
use neuroxbar_rtl::rust_hdl::prelude::*;
use neuroxbar_rtl::stdp::StdpUnit;

/// Rows and columns of the co-simulated unit.
pub const N_ROWS: usize = 25;
pub const N_COLS: usize = 5;

fn port(name: &str) -> usize {
    stdp::Model::port(name).unwrap_or_else(|| panic!("StdpUnit has no port `{name}`"))
}

/// Verilator back end.
pub struct VerilatorStdp {
    pub harness: Harness<stdp::Model>,
    cmd: CmdPort,
    step_port: StepPort,
    pre_trace: [usize; N_ROWS],
    post_trace: [usize; N_COLS],
}

impl VerilatorStdp {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
            cmd: CmdPort::new::<stdp::Model>("cmd"),
            step_port: StepPort::new::<stdp::Model>(),
            pre_trace: std::array::from_fn(|i| port(&format!("pre_trace${i}"))),
            post_trace: std::array::from_fn(|j| port(&format!("post_trace${j}"))),
        })
    }
}

impl CycleModel for VerilatorStdp {
    type Inputs = StdpInputs;
    type Outputs = StdpOutputs;
    fn step(&mut self, inp: &StdpInputs) -> StdpOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_clear(inp.clear as u64);
        self.step_port.write(m, &inp.step);
        m.set_a_plus(inp.a_plus as u64);
        m.set_a_minus(inp.a_minus as u64);
        m.set_pre_decay_shift(inp.pre_decay_shift as u64);
        m.set_post_decay_shift(inp.post_decay_shift as u64);
        m.set_trace_max(inp.trace_max as u64);
        m.set_count_shift(inp.count_shift as u64);
        self.cmd.set_ready(m, inp.cmd_ready);
        self.harness.step();
        let m = &self.harness.model;
        let (cmd_valid, cmd) = self.cmd.read(m);
        StdpOutputs {
            cmd_valid,
            cmd,
            busy: m.busy() != 0,
            overrun: m.overrun() != 0,
            pre_trace: self.pre_trace.iter().map(|&p| m.get_u64(p) as u8).collect(),
            post_trace: self
                .post_trace
                .iter()
                .map(|&p| m.get_u64(p) as u8)
                .collect(),
        }
    }
}

/// rust-hdl simulator back end (inputs applied with the falling edge).
pub struct RustHdlStdp {
    pub dut: StdpUnit<N_ROWS, N_COLS>,
}

impl Default for RustHdlStdp {
    fn default() -> Self {
        let mut dut = StdpUnit::<N_ROWS, N_COLS>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlStdp {
    type Inputs = StdpInputs;
    type Outputs = StdpOutputs;
    fn step(&mut self, inp: &StdpInputs) -> StdpOutputs {
        let d = &mut self.dut;
        d.reset.next = inp.reset;
        d.clear.next = inp.clear;
        drive_step(&mut d.learn_step, &inp.step);
        d.a_plus.next = (inp.a_plus as u64).into();
        d.a_minus.next = (inp.a_minus as u64).into();
        d.pre_decay_shift.next = (inp.pre_decay_shift as u64).into();
        d.post_decay_shift.next = (inp.post_decay_shift as u64).into();
        d.trace_max.next = (inp.trace_max as u64).into();
        d.count_shift.next = (inp.count_shift as u64).into();
        d.cmd.ready.next = inp.cmd_ready;
        rust_hdl_cycle!(d, 100);
        let (cmd_valid, cmd) = read_bus(&d.cmd);
        StdpOutputs {
            cmd_valid,
            cmd,
            busy: d.busy.val(),
            overrun: d.overrun.val(),
            pre_trace: d.pre_trace.iter().map(|s| s.val().to_u64() as u8).collect(),
            post_trace: d
                .post_trace
                .iter()
                .map(|s| s.val().to_u64() as u8)
                .collect(),
        }
    }
}

/// Golden model back end.
pub struct GoldenStdp(pub StdpModel);

impl Default for GoldenStdp {
    fn default() -> Self {
        Self(StdpModel::new(N_ROWS, N_COLS))
    }
}

impl CycleModel for GoldenStdp {
    type Inputs = StdpInputs;
    type Outputs = StdpOutputs;
    fn step(&mut self, inp: &StdpInputs) -> StdpOutputs {
        self.0.step(inp)
    }
}

/// Seeded random stimulus: learn strobes with random (sparse or dense) row
/// and column spikes and winners (sometimes out of range or invalid), WTA
/// on and off, clears and resets, parameters moving over their whole range
/// (now and then), and random `cmd_ready` back-pressure from always-ready to
/// mostly-stalled.
pub fn random_stimulus(seed: u64, cycles: u64) -> impl Iterator<Item = StdpInputs> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut p = StdpInputs {
        step: LearnStep {
            enable: true,
            ..Default::default()
        },
        a_plus: 64,
        a_minus: 64,
        pre_decay_shift: 2,
        post_decay_shift: 2,
        trace_max: 255,
        count_shift: 8,
        ..Default::default()
    };
    let mut ready_pct = 100u32;
    let mut learn_pct = 5u32;
    (0..cycles).map(move |c| {
        if rng.gen_ratio(1, 400) {
            match rng.gen_range(0..8) {
                0 => p.a_plus = rng.gen(),
                1 => p.a_minus = rng.gen(),
                2 => p.pre_decay_shift = rng.gen_range(0..16),
                3 => p.post_decay_shift = rng.gen_range(0..16),
                4 => p.trace_max = rng.gen(),
                5 => p.count_shift = rng.gen_range(0..16),
                6 => p.step.wta_on = !p.step.wta_on,
                _ => p.step.enable = rng.gen_ratio(7, 8),
            }
        }
        if rng.gen_ratio(1, 500) {
            ready_pct = [100, 90, 50, 10][rng.gen_range(0..4)];
        }
        if rng.gen_ratio(1, 700) {
            learn_pct = [1, 5, 20, 60][rng.gen_range(0..4)];
        }
        let density = rng.gen_range(0..4);
        let spikes = |rng: &mut rand_chacha::ChaCha8Rng, n: usize| -> u64 {
            (0..n).fold(0u64, |m, i| match density {
                0 => m,
                1 => m | ((rng.gen_ratio(1, 10) as u64) << i),
                2 => m | ((rng.gen_ratio(1, 3) as u64) << i),
                _ => m | ((rng.gen_ratio(2, 3) as u64) << i),
            })
        };
        StdpInputs {
            reset: c < 2 || rng.gen_ratio(1, 30_000),
            clear: rng.gen_ratio(1, 3_000),
            step: random_step(
                &mut rng,
                learn_pct,
                N_COLS,
                |rng| (spikes(rng, N_ROWS) as u128, spikes(rng, N_COLS)),
                p.step,
            ),
            cmd_ready: rng.gen_ratio(ready_pct, 100),
            ..p
        }
    })
}
