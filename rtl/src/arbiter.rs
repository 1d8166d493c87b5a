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
//! (`load = !reset && (!cmd_valid || cmd_ready)`). The producer ready outputs are
//! combinational:
//!
//! ```text
//! refresh_ready = load
//! stdp_ready    = load && !refresh_valid
//! bcm_ready     = load && !refresh_valid && !stdp_valid
//! ```
//!
//! so a command taken in cycle `c` is valid on `cmd_*` after the edge of `c`,
//! and with `cmd_ready` high the arbiter passes one command per cycle.
//! `source` says which producer the held command came from (0 refresh,
//! 1 STDP, 2 BCM); `grant` (registered, one-hot, bit 0 refresh, 1 STDP,
//! 2 BCM) says which producer's command was taken at the last edge.
//! Starvation: refresh bursts (one column, `N_ROWS` commands) delay
//! plasticity; refresh requests are bounded by the pulse budget.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct CommandArbiter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub refresh_valid: Signal<In, Bit>,
    pub refresh_kind: Signal<In, Bit>,
    pub refresh_row: Signal<In, Bits<8>>,
    pub refresh_col: Signal<In, Bits<8>>,
    pub refresh_pol: Signal<In, Bit>,
    pub refresh_count: Signal<In, Bits<8>>,
    pub refresh_ready: Signal<Out, Bit>,
    pub stdp_valid: Signal<In, Bit>,
    pub stdp_kind: Signal<In, Bit>,
    pub stdp_row: Signal<In, Bits<8>>,
    pub stdp_col: Signal<In, Bits<8>>,
    pub stdp_pol: Signal<In, Bit>,
    pub stdp_count: Signal<In, Bits<8>>,
    pub stdp_ready: Signal<Out, Bit>,
    pub bcm_valid: Signal<In, Bit>,
    pub bcm_kind: Signal<In, Bit>,
    pub bcm_row: Signal<In, Bits<8>>,
    pub bcm_col: Signal<In, Bits<8>>,
    pub bcm_pol: Signal<In, Bit>,
    pub bcm_count: Signal<In, Bits<8>>,
    pub bcm_ready: Signal<Out, Bit>,
    pub cmd_ready: Signal<In, Bit>,
    pub cmd_valid: Signal<Out, Bit>,
    pub cmd_kind: Signal<Out, Bit>,
    pub cmd_row: Signal<Out, Bits<8>>,
    pub cmd_col: Signal<Out, Bits<8>>,
    pub cmd_pol: Signal<Out, Bit>,
    pub cmd_count: Signal<Out, Bits<8>>,
    /// Producer of the held command: 0 refresh, 1 STDP, 2 BCM.
    pub source: Signal<Out, Bits<2>>,
    /// One-hot: whose command was taken at the last edge (bit 0 refresh,
    /// bit 1 STDP, bit 2 BCM).
    pub grant: Signal<Out, Bits<3>>,
    /// A command is held (same as `cmd_valid`).
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
        self.load.next = !self.reset.val() && (!self.out_valid.q.val() || self.cmd_ready.val());
        self.refresh_ready.next = self.load.val();
        self.stdp_ready.next = self.load.val() && !self.refresh_valid.val();
        self.bcm_ready.next =
            self.load.val() && !self.refresh_valid.val() && !self.stdp_valid.val();
        self.grant_q.d.next = 0.into();
        if self.reset.val() {
            self.out_valid.d.next = false;
        } else if self.load.val() {
            self.out_valid.d.next =
                self.refresh_valid.val() || self.stdp_valid.val() || self.bcm_valid.val();
            if self.refresh_valid.val() {
                self.out_kind.d.next = self.refresh_kind.val();
                self.out_row.d.next = self.refresh_row.val();
                self.out_col.d.next = self.refresh_col.val();
                self.out_pol.d.next = self.refresh_pol.val();
                self.out_count.d.next = self.refresh_count.val();
                self.out_source.d.next = 0.into();
                self.grant_q.d.next = 1.into();
            } else if self.stdp_valid.val() {
                self.out_kind.d.next = self.stdp_kind.val();
                self.out_row.d.next = self.stdp_row.val();
                self.out_col.d.next = self.stdp_col.val();
                self.out_pol.d.next = self.stdp_pol.val();
                self.out_count.d.next = self.stdp_count.val();
                self.out_source.d.next = 1.into();
                self.grant_q.d.next = 2.into();
            } else if self.bcm_valid.val() {
                self.out_kind.d.next = self.bcm_kind.val();
                self.out_row.d.next = self.bcm_row.val();
                self.out_col.d.next = self.bcm_col.val();
                self.out_pol.d.next = self.bcm_pol.val();
                self.out_count.d.next = self.bcm_count.val();
                self.out_source.d.next = 2.into();
                self.grant_q.d.next = 4.into();
            }
        }
        self.cmd_valid.next = self.out_valid.q.val();
        self.cmd_kind.next = self.out_kind.q.val();
        self.cmd_row.next = self.out_row.q.val();
        self.cmd_col.next = self.out_col.q.val();
        self.cmd_pol.next = self.out_pol.q.val();
        self.cmd_count.next = self.out_count.q.val();
        self.source.next = self.out_source.q.val();
        self.grant.next = self.grant_q.q.val();
        self.busy.next = self.out_valid.q.val();
    }
}
