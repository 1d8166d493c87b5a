//! The command arbiter (`CommandArbiter`) on Verilator, rust-hdl and the
//! golden model.

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
}

impl VerilatorArbiter {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
        })
    }
}

impl CycleModel for VerilatorArbiter {
    type Inputs = ArbiterInputs;
    type Outputs = ArbiterOutputs;
    fn step(&mut self, inp: &ArbiterInputs) -> ArbiterOutputs {
        let m = &mut self.harness.model;
        let [r, s, b] = inp.offers;
        let (rc, sc, bc) = (
            r.unwrap_or_default(),
            s.unwrap_or_default(),
            b.unwrap_or_default(),
        );
        m.set_reset(inp.reset as u64);
        m.set_refresh_valid(r.is_some() as u64);
        m.set_refresh_kind(rc.kind as u64);
        m.set_refresh_row(rc.row as u64);
        m.set_refresh_col(rc.col as u64);
        m.set_refresh_pol(rc.pol as u64);
        m.set_refresh_count(rc.count as u64);
        m.set_stdp_valid(s.is_some() as u64);
        m.set_stdp_kind(sc.kind as u64);
        m.set_stdp_row(sc.row as u64);
        m.set_stdp_col(sc.col as u64);
        m.set_stdp_pol(sc.pol as u64);
        m.set_stdp_count(sc.count as u64);
        m.set_bcm_valid(b.is_some() as u64);
        m.set_bcm_kind(bc.kind as u64);
        m.set_bcm_row(bc.row as u64);
        m.set_bcm_col(bc.col as u64);
        m.set_bcm_pol(bc.pol as u64);
        m.set_bcm_count(bc.count as u64);
        m.set_cmd_ready(inp.cmd_ready as u64);
        self.harness.step();
        let m = &self.harness.model;
        ArbiterOutputs {
            cmd_valid: m.cmd_valid() != 0,
            cmd: Command {
                kind: m.cmd_kind() as u8,
                row: m.cmd_row() as u8,
                col: m.cmd_col() as u8,
                pol: m.cmd_pol() != 0,
                count: m.cmd_count() as u8,
            },
            source: m.source() as u8,
            grant: m.grant() as u8,
            busy: m.busy() != 0,
            ready: [
                m.refresh_ready() != 0,
                m.stdp_ready() != 0,
                m.bcm_ready() != 0,
            ],
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
        let (rc, sc, bc) = (
            r.unwrap_or_default(),
            s.unwrap_or_default(),
            b.unwrap_or_default(),
        );
        d.reset.next = inp.reset;
        d.refresh_valid.next = r.is_some();
        d.refresh_kind.next = rc.kind != 0;
        d.refresh_row.next = (rc.row as u64).into();
        d.refresh_col.next = (rc.col as u64).into();
        d.refresh_pol.next = rc.pol;
        d.refresh_count.next = (rc.count as u64).into();
        d.stdp_valid.next = s.is_some();
        d.stdp_kind.next = sc.kind != 0;
        d.stdp_row.next = (sc.row as u64).into();
        d.stdp_col.next = (sc.col as u64).into();
        d.stdp_pol.next = sc.pol;
        d.stdp_count.next = (sc.count as u64).into();
        d.bcm_valid.next = b.is_some();
        d.bcm_kind.next = bc.kind != 0;
        d.bcm_row.next = (bc.row as u64).into();
        d.bcm_col.next = (bc.col as u64).into();
        d.bcm_pol.next = bc.pol;
        d.bcm_count.next = (bc.count as u64).into();
        d.cmd_ready.next = inp.cmd_ready;
        rust_hdl_cycle!(d, 100);
        ArbiterOutputs {
            cmd_valid: d.cmd_valid.val(),
            cmd: Command {
                kind: d.cmd_kind.val() as u8,
                row: d.cmd_row.val().to_u64() as u8,
                col: d.cmd_col.val().to_u64() as u8,
                pol: d.cmd_pol.val(),
                count: d.cmd_count.val().to_u64() as u8,
            },
            source: d.source.val().to_u64() as u8,
            grant: d.grant.val().to_u64() as u8,
            busy: d.busy.val(),
            ready: [d.refresh_ready.val(), d.stdp_ready.val(), d.bcm_ready.val()],
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
