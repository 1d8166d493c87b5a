//! The command arbiter (`CommandArbiter`) on Verilator, rust-hdl and the
//! golden model.

use super::cmd::{offer_bus, read_bus, CmdPort};
use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::arbiter;
use neuroxbar_models::golden::arbiter::{ArbiterInputs, ArbiterModel, ArbiterOutputs};
use neuroxbar_models::golden::stdp::Command;
use neuroxbar_rtl::arbiter::CommandArbiter;
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Verilator back end.
pub struct VerilatorArbiter {
    pub harness: Harness<arbiter::Model>,
    cmd: CmdPort,
    /// The producer sides `refresh`, `stdp`, `bcm`, in priority order.
    offers: [CmdPort; 3],
}

impl VerilatorArbiter {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
            cmd: CmdPort::new::<arbiter::Model>("cmd"),
            offers: ["refresh", "stdp", "bcm"].map(CmdPort::new::<arbiter::Model>),
        })
    }
}

impl CycleModel for VerilatorArbiter {
    type Inputs = ArbiterInputs;
    type Outputs = ArbiterOutputs;
    fn step(&mut self, inp: &ArbiterInputs) -> ArbiterOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        for (port, offer) in self.offers.iter().zip(inp.offers) {
            port.offer(m, offer);
        }
        self.cmd.set_ready(m, inp.cmd_ready);
        self.harness.step();
        let m = &self.harness.model;
        let (cmd_valid, cmd) = self.cmd.read(m);
        ArbiterOutputs {
            cmd_valid,
            cmd,
            source: m.source() as u8,
            grant: m.grant() as u8,
            busy: m.busy() != 0,
            ready: self.offers.map(|port| port.ready(m)),
        }
    }
}

/// rust-hdl simulator back end (inputs applied with the falling edge).
pub struct RustHdlArbiter {
    pub dut: CommandArbiter,
}

impl Default for RustHdlArbiter {
    fn default() -> Self {
        let mut dut = CommandArbiter::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlArbiter {
    type Inputs = ArbiterInputs;
    type Outputs = ArbiterOutputs;
    fn step(&mut self, inp: &ArbiterInputs) -> ArbiterOutputs {
        let d = &mut self.dut;
        let [r, s, b] = inp.offers;
        d.reset.next = inp.reset;
        offer_bus(&mut d.refresh, r);
        offer_bus(&mut d.stdp, s);
        offer_bus(&mut d.bcm, b);
        d.cmd.ready.next = inp.cmd_ready;
        rust_hdl_cycle!(d, 100);
        let (cmd_valid, cmd) = read_bus(&d.cmd);
        ArbiterOutputs {
            cmd_valid,
            cmd,
            source: d.source.val().to_u64() as u8,
            grant: d.grant.val().to_u64() as u8,
            busy: d.busy.val(),
            ready: [d.refresh.ready.val(), d.stdp.ready.val(), d.bcm.ready.val()],
        }
    }
}

/// Golden model back end.
#[derive(Default)]
pub struct GoldenArbiter(pub ArbiterModel);

impl CycleModel for GoldenArbiter {
    type Inputs = ArbiterInputs;
    type Outputs = ArbiterOutputs;
    fn step(&mut self, inp: &ArbiterInputs) -> ArbiterOutputs {
        self.0.step(inp)
    }
}

/// A random command as a producer would offer it (`kind` 1 for refresh).
pub fn random_command(rng: &mut impl rand::Rng, source: usize) -> Command {
    Command {
        kind: (source == 0) as u8,
        row: rng.gen(),
        col: rng.gen(),
        pol: rng.gen(),
        count: rng.gen(),
    }
}

/// Seeded open-loop random stimulus: each producer offers a random command
/// or nothing (burst densities change over time), random `cmd_ready`
/// back-pressure, rare resets. Offers ignore the readies, so this checks
/// the back ends agree, not the protocol (the closed-loop test does that).
pub fn random_stimulus(seed: u64, cycles: u64) -> impl Iterator<Item = ArbiterInputs> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut pct = [20u32, 50, 50];
    let mut ready_pct = 70u32;
    (0..cycles).map(move |c| {
        if rng.gen_ratio(1, 300) {
            let k = rng.gen_range(0..3);
            pct[k] = [0, 10, 50, 100][rng.gen_range(0..4)];
        }
        if rng.gen_ratio(1, 400) {
            ready_pct = [100, 70, 30, 5][rng.gen_range(0..4)];
        }
        let offers = std::array::from_fn(|k| {
            if rng.gen_ratio(pct[k], 100) {
                Some(random_command(&mut rng, k))
            } else {
                None
            }
        });
        ArbiterInputs {
            reset: c < 2 || rng.gen_ratio(1, 20_000),
            offers,
            cmd_ready: rng.gen_ratio(ready_pct, 100),
        }
    })
}
