//! The BCM unit (`BcmUnit<25, 5>`) on Verilator, rust-hdl and the golden model.

use super::cmd::{drive_step, random_step, read_bus, CmdPort, StepPort};
use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::bcm;
use crate::VerilatedTop;
use neuroxbar_models::golden::bcm::{BcmInputs, BcmModel, BcmOutputs};
use neuroxbar_models::golden::cmd_bus::LearnStep;
use neuroxbar_rtl::bcm::BcmUnit;
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Rows and columns of the co-simulated unit.
pub const N_ROWS: usize = 25;
pub const N_COLS: usize = 5;

fn port(name: &str) -> usize {
    bcm::Model::port(name).unwrap_or_else(|| panic!("BcmUnit has no port `{name}`"))
}

/// Verilator back end.
pub struct VerilatorBcm {
    pub harness: Harness<bcm::Model>,
    cmd: CmdPort,
    step_port: StepPort,
    pre_rate: [usize; N_ROWS],
    post_rate: [usize; N_COLS],
    theta: [usize; N_COLS],
}

impl VerilatorBcm {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
            cmd: CmdPort::new::<bcm::Model>("cmd"),
            step_port: StepPort::new::<bcm::Model>(),
            pre_rate: std::array::from_fn(|i| port(&format!("pre_rate${i}"))),
            post_rate: std::array::from_fn(|j| port(&format!("post_rate${j}"))),
            theta: std::array::from_fn(|j| port(&format!("theta${j}"))),
        })
    }
}

impl CycleModel for VerilatorBcm {
    type Inputs = BcmInputs;
    type Outputs = BcmOutputs;
    fn step(&mut self, inp: &BcmInputs) -> BcmOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_clear(inp.clear as u64);
        self.step_port.write(m, &inp.step);
        m.set_window(inp.window as u64);
        m.set_theta_shift(inp.theta_shift as u64);
        m.set_rho0_shift(inp.rho0_shift as u64);
        m.set_count_shift(inp.count_shift as u64);
        m.set_dither(inp.dither as u64);
        self.cmd.set_ready(m, inp.cmd_ready);
        self.harness.step();
        let m = &self.harness.model;
        let (cmd_valid, cmd) = self.cmd.read(m);
        BcmOutputs {
            cmd_valid,
            cmd,
            busy: m.busy() != 0,
            overrun: m.overrun() != 0,
            window_pos: m.window_pos() as u16,
            pre_rate: self.pre_rate.iter().map(|&p| m.get_u64(p) as u8).collect(),
            post_rate: self.post_rate.iter().map(|&p| m.get_u64(p) as u8).collect(),
            theta: self.theta.iter().map(|&p| m.get_u64(p) as u32).collect(),
        }
    }
}

/// rust-hdl simulator back end (inputs applied with the falling edge).
pub struct RustHdlBcm {
    pub dut: BcmUnit<N_ROWS, N_COLS>,
}

impl Default for RustHdlBcm {
    fn default() -> Self {
        let mut dut = BcmUnit::<N_ROWS, N_COLS>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlBcm {
    type Inputs = BcmInputs;
    type Outputs = BcmOutputs;
    fn step(&mut self, inp: &BcmInputs) -> BcmOutputs {
        let d = &mut self.dut;
        d.reset.next = inp.reset;
        d.clear.next = inp.clear;
        drive_step(&mut d.learn_step, &inp.step);
        d.window.next = (inp.window as u64).into();
        d.theta_shift.next = (inp.theta_shift as u64).into();
        d.rho0_shift.next = (inp.rho0_shift as u64).into();
        d.count_shift.next = (inp.count_shift as u64).into();
        d.dither.next = inp.dither;
        d.cmd.ready.next = inp.cmd_ready;
        rust_hdl_cycle!(d, 100);
        let (cmd_valid, cmd) = read_bus(&d.cmd);
        BcmOutputs {
            cmd_valid,
            cmd,
            busy: d.busy.val(),
            overrun: d.overrun.val(),
            window_pos: d.window_pos.val().to_u64() as u16,
            pre_rate: d.pre_rate.iter().map(|s| s.val().to_u64() as u8).collect(),
            post_rate: d.post_rate.iter().map(|s| s.val().to_u64() as u8).collect(),
            theta: d.theta.iter().map(|s| s.val().to_u64() as u32).collect(),
        }
    }
}

/// Golden model back end.
pub struct GoldenBcm(pub BcmModel);

impl Default for GoldenBcm {
    fn default() -> Self {
        Self(BcmModel::new(N_ROWS, N_COLS))
    }
}

impl CycleModel for GoldenBcm {
    type Inputs = BcmInputs;
    type Outputs = BcmOutputs;
    fn step(&mut self, inp: &BcmInputs) -> BcmOutputs {
        self.0.step(inp)
    }
}

/// Seeded random stimulus: learn strobes with random row and column spikes
/// (densities changing over time, so rates sit above and below the
/// thresholds), winners (sometimes invalid or out of range), WTA on and off,
/// short windows (so windows end often) and now and then long, zero or
/// maximal ones, parameter changes, clears, rare resets and random
/// `cmd_ready` back-pressure.
pub fn random_stimulus(seed: u64, cycles: u64) -> impl Iterator<Item = BcmInputs> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut p = BcmInputs {
        step: LearnStep {
            enable: true,
            ..Default::default()
        },
        window: 8,
        theta_shift: 2,
        count_shift: 4,
        ..Default::default()
    };
    let mut ready_pct = 100u32;
    let mut learn_pct = 20u32;
    let mut density = [30u32; 2];
    (0..cycles).map(move |c| {
        if rng.gen_ratio(1, 500) {
            match rng.gen_range(0..8) {
                0 => {
                    p.window = match rng.gen_range(0..8) {
                        0 => 0,
                        1 => 1,
                        2 => u16::MAX,
                        3 => rng.gen_range(100..400),
                        _ => rng.gen_range(2..20),
                    }
                }
                1 => p.theta_shift = rng.gen_range(0..16),
                2 => p.count_shift = rng.gen_range(0..16),
                5 => p.rho0_shift = rng.gen_range(0..16),
                3 => p.step.wta_on = !p.step.wta_on,
                4 => p.step.enable = rng.gen_ratio(7, 8),
                6 => p.dither = !p.dither,
                _ => density = [rng.gen_range(0..101), rng.gen_range(0..101)],
            }
        }
        if rng.gen_ratio(1, 500) {
            ready_pct = [100, 90, 50, 10][rng.gen_range(0..4)];
        }
        if rng.gen_ratio(1, 700) {
            learn_pct = [2, 20, 60][rng.gen_range(0..3)];
        }
        let pre = (0..N_ROWS).fold(0u128, |m, i| {
            m | ((rng.gen_ratio(density[0], 100) as u128) << i)
        });
        let post = (0..N_COLS).fold(0u64, |m, j| {
            m | ((rng.gen_ratio(density[1], 100) as u64) << j)
        });
        BcmInputs {
            reset: c < 2 || rng.gen_ratio(1, 40_000),
            clear: rng.gen_ratio(1, 5_000),
            step: random_step(&mut rng, learn_pct, N_COLS, |_| (pre, post), p.step),
            cmd_ready: rng.gen_ratio(ready_pct, 100),
            ..p
        }
    })
}
