//! `CommandArbiter`: merges the command producers into the one command
//! stream the crossbar controller takes, by fixed priority: refresh first,
//! then STDP, then BCM.
//!
//! Every side speaks valid/ready (a transfer happens in a cycle where both
//! are high; a producer holds its command until it is taken). Commands are
//! single transfers, so priority is decided anew for every command.
//!
//! The arbiter is a one-deep registered buffer: it takes a command whenever
//! its output register is empty or being emptied this cycle
//! (`load = !reset && (!cmd.valid || cmd.ready)`). The producer ready outputs are
//! combinational:
//!
//! ```text
//! refresh.ready = load
//! stdp.ready    = load && !refresh.valid
//! bcm.ready     = load && !refresh.valid && !stdp.valid
//! ```
//!
//! so a command taken in cycle `c` is valid on `cmd` after the edge of `c`,
//! and with `cmd.ready` high the arbiter passes one command per cycle.
//! `source` says which producer the held command came from (0 refresh,
//! 1 STDP, 2 BCM); `grant` (registered, one-hot, bit 0 refresh, 1 STDP,
//! 2 BCM) says which producer's command was taken at the last edge.
//! Starvation: refresh bursts (one column, `N_ROWS` commands) delay
//! plasticity; refresh requests are bounded by the pulse budget.

use crate::cmd_bus::{CmdBus, CmdBusSink};
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct CommandArbiter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Highest priority: the refresh scheduler.
    pub refresh: CmdBusSink,
    pub stdp: CmdBusSink,
    /// Lowest priority.
    pub bcm: CmdBusSink,
    /// To the crossbar controller.
    pub cmd: CmdBus,
    /// Producer of the held command: 0 refresh, 1 STDP, 2 BCM.
    pub source: Signal<Out, Bits<2>>,
    /// One-hot: whose command was taken at the last edge (bit 0 refresh,
    /// bit 1 STDP, bit 2 BCM).
    pub grant: Signal<Out, Bits<3>>,
    /// A command is held (same as `cmd.valid`).
    pub busy: Signal<Out, Bit>,
    out_valid: DFF<Bit>,
    out_kind: DFF<Bit>,
    out_row: DFF<Bits<8>>,
    out_col: DFF<Bits<8>>,
    out_pol: DFF<Bit>,
    out_count: DFF<Bits<8>>,
    out_source: DFF<Bits<2>>,
    grant_q: DFF<Bits<3>>,
    load: Signal<Local, Bit>,
}

impl Logic for CommandArbiter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, out_valid, out_kind, out_row, out_col, out_pol, out_count, out_source,
            grant_q
        );
        self.load.next = !self.reset.val() && (!self.out_valid.q.val() || self.cmd.ready.val());
        self.refresh.ready.next = self.load.val();
        self.stdp.ready.next = self.load.val() && !self.refresh.valid.val();
        self.bcm.ready.next =
            self.load.val() && !self.refresh.valid.val() && !self.stdp.valid.val();
        self.grant_q.d.next = 0.into();
        if self.reset.val() {
            self.out_valid.d.next = false;
        } else if self.load.val() {
            self.out_valid.d.next =
                self.refresh.valid.val() || self.stdp.valid.val() || self.bcm.valid.val();
            if self.refresh.valid.val() {
                self.out_kind.d.next = self.refresh.kind.val();
                self.out_row.d.next = self.refresh.row.val();
                self.out_col.d.next = self.refresh.col.val();
                self.out_pol.d.next = self.refresh.pol.val();
                self.out_count.d.next = self.refresh.count.val();
                self.out_source.d.next = 0.into();
                self.grant_q.d.next = 1.into();
            } else if self.stdp.valid.val() {
                self.out_kind.d.next = self.stdp.kind.val();
                self.out_row.d.next = self.stdp.row.val();
                self.out_col.d.next = self.stdp.col.val();
                self.out_pol.d.next = self.stdp.pol.val();
                self.out_count.d.next = self.stdp.count.val();
                self.out_source.d.next = 1.into();
                self.grant_q.d.next = 2.into();
            } else if self.bcm.valid.val() {
                self.out_kind.d.next = self.bcm.kind.val();
                self.out_row.d.next = self.bcm.row.val();
                self.out_col.d.next = self.bcm.col.val();
                self.out_pol.d.next = self.bcm.pol.val();
                self.out_count.d.next = self.bcm.count.val();
                self.out_source.d.next = 2.into();
                self.grant_q.d.next = 4.into();
            }
        }
        self.cmd.valid.next = self.out_valid.q.val();
        self.cmd.kind.next = self.out_kind.q.val();
        self.cmd.row.next = self.out_row.q.val();
        self.cmd.col.next = self.out_col.q.val();
        self.cmd.pol.next = self.out_pol.q.val();
        self.cmd.count.next = self.out_count.q.val();
        self.source.next = self.out_source.q.val();
        self.grant.next = self.grant_q.q.val();
        self.busy.next = self.out_valid.q.val();
    }
}
