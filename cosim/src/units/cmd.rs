//! The command bus (`neuroxbar_rtl::cmd_bus`) on the co-simulation back
//! ends: one binding for a unit's `cmd` port group, or one of the
//! arbiter's `refresh` / `stdp` / `bcm` groups.
//!
//! On Verilator the group is the ports `<group>$valid`, `<group>$ready`,
//! `<group>$kind`, `<group>$row`, `<group>$col`, `<group>$pol` and
//! `<group>$count` ([`CmdPort`], indices looked up once); on rust-hdl it is
//! the `CmdBus` / `CmdBusSink` interface ([`read_bus`], [`offer_bus`]).

use crate::VerilatedTop;
use neuroxbar_models::golden::stdp::Command;
use neuroxbar_rtl::cmd_bus::{CmdBus, CmdBusSink};

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
