//! The command bus (`neuroxbar_rtl::cmd_bus`) on the co-simulation back
//! ends: one binding for a unit's `cmd` port group, or one of the
//! arbiter's `refresh` / `stdp` / `bcm` groups.
//!
//! On Verilator the group is the ports `<group>$valid`, `<group>$ready`,
//! `<group>$kind`, `<group>$row`, `<group>$col`, `<group>$pol` and
//! `<group>$count` ([`CmdPort`], indices looked up once); on rust-hdl it is
//! the `CmdBus` / `CmdBusSink` interface ([`read_bus`], [`offer_bus`]).
//!
//! The learning units' step inputs (`neuroxbar_rtl::cmd_bus::LearnStep`)
//! are bound here too: [`StepPort`] on Verilator, [`drive_step`] on rust-hdl.

use crate::VerilatedTop;
use neuroxbar_models::golden::cmd_bus::LearnStep;
use neuroxbar_models::golden::stdp::Command;
use neuroxbar_rtl::cmd_bus::{self as rtl_cmd_bus, CmdBus, CmdBusSink};

/// The ports of one command-bus group of a Verilated top.
#[derive(Debug, Clone, Copy)]
pub struct CmdPort {
    valid: usize,
    ready: usize,
    kind: usize,
    row: usize,
    col: usize,
    pol: usize,
    count: usize,
}

impl CmdPort {
    /// The group `group` (`cmd`, `refresh`, ...) of top `M`; panics naming
    /// the port if the top has no such port (a build/binding mismatch).
    pub fn new<M: VerilatedTop>(group: &str) -> Self {
        let port = |field: &str| {
            let name = format!("{group}${field}");
            M::port(&name).unwrap_or_else(|| panic!("top `{}` has no port `{name}`", M::NAME))
        };
        Self {
            valid: port("valid"),
            ready: port("ready"),
            kind: port("kind"),
            row: port("row"),
            col: port("col"),
            pol: port("pol"),
            count: port("count"),
        }
    }

    /// A producer's output: `(valid, command)`.
    pub fn read<M: VerilatedTop>(&self, m: &M) -> (bool, Command) {
        (
            m.get_u64(self.valid) != 0,
            Command {
                kind: m.get_u64(self.kind) as u8,
                row: m.get_u64(self.row) as u8,
                col: m.get_u64(self.col) as u8,
                pol: m.get_u64(self.pol) != 0,
                count: m.get_u64(self.count) as u8,
            },
        )
    }

    /// A sink's input: `valid` and the command's fields.
    pub fn write<M: VerilatedTop>(&self, m: &mut M, valid: bool, cmd: &Command) {
        m.set_u64(self.valid, valid as u64);
        m.set_u64(self.kind, cmd.kind as u64);
        m.set_u64(self.row, cmd.row as u64);
        m.set_u64(self.col, cmd.col as u64);
        m.set_u64(self.pol, cmd.pol as u64);
        m.set_u64(self.count, cmd.count as u64);
    }

    /// Offer `cmd` on a sink (`valid` low and the fields zero for `None`).
    pub fn offer<M: VerilatedTop>(&self, m: &mut M, cmd: Option<Command>) {
        self.write(m, cmd.is_some(), &cmd.unwrap_or_default());
    }

    /// A sink's `ready` output.
    pub fn ready<M: VerilatedTop>(&self, m: &M) -> bool {
        m.get_u64(self.ready) != 0
    }

    /// A producer's `ready` input.
    pub fn set_ready<M: VerilatedTop>(&self, m: &mut M, ready: bool) {
        m.set_u64(self.ready, ready as u64);
    }
}

/// A rust-hdl producer's output: `(valid, command)`.
pub fn read_bus(bus: &CmdBus) -> (bool, Command) {
    (
        bus.valid.val(),
        Command {
            kind: bus.kind.val() as u8,
            row: bus.row.val().to_u64() as u8,
            col: bus.col.val().to_u64() as u8,
            pol: bus.pol.val(),
            count: bus.count.val().to_u64() as u8,
        },
    )
}

/// Drive a rust-hdl sink: `valid` and the command's fields.
pub fn write_bus(bus: &mut CmdBusSink, valid: bool, cmd: &Command) {
    bus.valid.next = valid;
    bus.kind.next = cmd.kind != 0;
    bus.row.next = (cmd.row as u64).into();
    bus.col.next = (cmd.col as u64).into();
    bus.pol.next = cmd.pol;
    bus.count.next = (cmd.count as u64).into();
}

/// Offer `cmd` on a rust-hdl sink (`valid` low and the fields zero for `None`).
pub fn offer_bus(bus: &mut CmdBusSink, cmd: Option<Command>) {
    write_bus(bus, cmd.is_some(), &cmd.unwrap_or_default());
}

/// The learning-step input ports (`learn`, `pre_spikes`, `post_spikes`,
/// `winner`, `winner_valid`, `wta_on`, `enable`) of a Verilated STDP or BCM
/// unit.
#[derive(Debug, Clone, Copy)]
pub struct StepPort {
    learn: usize,
    pre_spikes: usize,
    pre_wide: bool,
    post_spikes: usize,
    winner: usize,
    winner_valid: usize,
    wta_on: usize,
    enable: usize,
}

impl StepPort {
    /// The step ports of top `M`; panics naming the port if the top has no
    /// such port (a build/binding mismatch).
    pub fn new<M: VerilatedTop>() -> Self {
        let port = |name: &str| {
            M::port(name).unwrap_or_else(|| panic!("top `{}` has no port `{name}`", M::NAME))
        };
        let pre_spikes = port("pre_spikes");
        Self {
            learn: port("learn"),
            pre_spikes,
            pre_wide: M::ports()[pre_spikes].width > 64,
            post_spikes: port("post_spikes"),
            winner: port("winner"),
            winner_valid: port("winner_valid"),
            wta_on: port("wta_on"),
            enable: port("enable"),
        }
    }

    /// Drive `step` on the ports.
    pub fn write<M: VerilatedTop>(&self, m: &mut M, step: &LearnStep) {
        m.set_u64(self.learn, step.learn as u64);
        if self.pre_wide {
            let p = step.pre_spikes;
            m.set_words(
                self.pre_spikes,
                &[
                    p as u32,
                    (p >> 32) as u32,
                    (p >> 64) as u32,
                    (p >> 96) as u32,
                ],
            );
        } else {
            m.set_u64(self.pre_spikes, step.pre_spikes as u64);
        }
        m.set_u64(self.post_spikes, step.post_spikes);
        m.set_u64(self.winner, step.winner as u64);
        m.set_u64(self.winner_valid, step.winner_valid as u64);
        m.set_u64(self.wta_on, step.wta_on as u64);
        m.set_u64(self.enable, step.enable as u64);
    }
}

/// Drive `step` on a rust-hdl unit's `learn_step` interface (at most 64 rows:
/// the width of rust-hdl's literal conversion).
pub fn drive_step<const N_ROWS: usize, const N_COLS: usize>(
    port: &mut rtl_cmd_bus::LearnStep<N_ROWS, N_COLS>,
    step: &LearnStep,
) {
    port.learn.next = step.learn;
    port.pre_spikes.next = (step.pre_spikes as u64).into();
    port.post_spikes.next = step.post_spikes.into();
    port.winner.next = (step.winner as u64).into();
    port.winner_valid.next = step.winner_valid;
    port.wta_on.next = step.wta_on;
    port.enable.next = step.enable;
}

/// One cycle of the learning units' seeded random stimulus: a `learn`
/// strobe `learn_pct` % of the time, the spikes that `spikes` draws, and a
/// winner among `n_cols` (out of range one time in 20, invalid one time in
/// 5); `wta_on` and `enable` are `base`'s.
pub fn random_step<R: rand::Rng>(
    rng: &mut R,
    learn_pct: u32,
    n_cols: usize,
    spikes: impl FnOnce(&mut R) -> (u128, u64),
    base: LearnStep,
) -> LearnStep {
    let learn = rng.gen_ratio(learn_pct, 100);
    let (pre_spikes, post_spikes) = spikes(rng);
    let winner = if rng.gen_ratio(1, 20) {
        rng.gen()
    } else {
        rng.gen_range(0..n_cols as u8)
    };
    LearnStep {
        learn,
        pre_spikes,
        post_spikes,
        winner,
        winner_valid: rng.gen_ratio(4, 5),
        ..base
    }
}
