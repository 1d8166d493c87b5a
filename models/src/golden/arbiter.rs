//! Golden model of `neuroxbar_rtl::arbiter::CommandArbiter`, cycle accurate:
//! fixed priority refresh > STDP > BCM into a one-deep registered buffer.

use super::stdp::Command;

/// Producers, in priority order.
pub const SOURCES: [&str; 3] = ["refresh", "stdp", "bcm"];

/// Inputs during one clock cycle: each producer's offer (`Some` = valid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArbiterInputs {
    pub reset: bool,
    pub offers: [Option<Command>; 3],
    pub cmd_ready: bool,
}

/// Outputs after the clock edge. The `ready` flags are the combinational
/// producer readies after the edge, with this cycle's inputs still applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArbiterOutputs {
    pub cmd_valid: bool,
    pub cmd: Command,
    pub source: u8,
    /// One-hot: whose command was taken at this edge.
    pub grant: u8,
    pub busy: bool,
    pub ready: [bool; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArbiterModel {
    pub out_valid: bool,
    pub out: Command,
    pub source: u8,
    pub grant: u8,
}

impl ArbiterModel {
    /// The producer readies for the current state and inputs.
    pub fn ready(&self, inp: &ArbiterInputs) -> [bool; 3] {
        let load = !inp.reset && (!self.out_valid || inp.cmd_ready);
        let v = inp.offers.map(|o| o.is_some());
        [load, load && !v[0], load && !v[0] && !v[1]]
    }

    pub fn step(&mut self, inp: &ArbiterInputs) -> ArbiterOutputs {
        let load = !inp.reset && (!self.out_valid || inp.cmd_ready);
        self.grant = 0;
        if inp.reset {
            self.out_valid = false;
        } else if load {
            self.out_valid = false;
            if let Some(k) = inp.offers.iter().position(|o| o.is_some()) {
                self.out_valid = true;
                self.out = inp.offers[k].unwrap_or_default();
                self.source = k as u8;
                self.grant = 1 << k;
            }
        }
        ArbiterOutputs {
            cmd_valid: self.out_valid,
            cmd: self.out,
            source: self.source,
            grant: self.grant,
            busy: self.out_valid,
            ready: self.ready(inp),
        }
    }
}
