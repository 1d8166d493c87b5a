//! `LifWtaTop`: a LIF layer, winner-take-all and their configuration
//! registers — the co-simulation target of the neuron core.
//!
//! ```text
//!  cfg bus ──► RegisterFile ──► threshold, leak, gain, refractory, WTA mode
//!  i_in[N] ──► LifLayer<N> ──spikes, v_pre──► WinnerTakeAll<N> ──► winner
//!                  ▲                                 │
//!                  └───────────── inhibit ◄──────────┘
//! ```

use crate::lif::LifLayer;
use crate::regs::{CfgBus, ConfigReg, Register};
use crate::wta::WinnerTakeAll;
use rust_hdl::prelude::*;

/// Register map of the neuron core. Addresses are shared with the full
/// accelerator, which extends this map.
pub const NEURON_REGISTERS: [Register; 9] = [
    Register {
        addr: 0x00,
        name: "CTRL",
        bits: 3,
        signed: false,
        reset: 0b001,
        description: "bit 0 `wta_enable` (lateral inhibition), bit 1 `wta_mode` (0 first-to-cross, 1 max-membrane), bit 2 `leak_mode` (0 shift, 1 multiplier)",
    },
    Register {
        addr: 0x01,
        name: "THRESHOLD",
        bits: 24,
        signed: true,
        reset: 64 << 8,
        description: "firing threshold, signed Q16.8 in current-code units",
    },
    Register {
        addr: 0x02,
        name: "RESET_V",
        bits: 24,
        signed: true,
        reset: 0,
        description: "membrane value after a spike, inhibition or refractory tick, signed Q16.8",
    },
    Register {
        addr: 0x03,
        name: "LEAK_SHIFT",
        bits: 5,
        signed: false,
        reset: 4,
        description: "shift leak: v -= v >>> LEAK_SHIFT per tick (0..31)",
    },
    Register {
        addr: 0x04,
        name: "DECAY",
        bits: 16,
        signed: false,
        reset: 0xF000,
        description: "multiplier leak: v = (v * DECAY) >>> 16 per tick, unsigned Q0.16",
    },
    Register {
        addr: 0x05,
        name: "GAIN",
        bits: 16,
        signed: false,
        reset: 0x0100,
        description: "input gain: drive = i_in * GAIN, unsigned Q8.8",
    },
    Register {
        addr: 0x06,
        name: "REFRACTORY",
        bits: 8,
        signed: false,
        reset: 2,
        description: "refractory period after a spike, in ticks",
    },
    Register {
        addr: 0x07,
        name: "THETA_PLUS",
        bits: 23,
        signed: false,
        reset: 0,
        description: "homeostasis: threshold increment per spike, unsigned Q15.8 (0: off)",
    },
    Register {
        addr: 0x08,
        name: "THETA_DECAY_SHIFT",
        bits: 5,
        signed: false,
        reset: 0,
        description: "homeostasis: adapt -= adapt >>> THETA_DECAY_SHIFT per tick (0: no decay)",
    },
];

/// The entry `name` of [`NEURON_REGISTERS`].
fn neuron_register(name: &str) -> &'static Register {
    NEURON_REGISTERS
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("register {name} is in NEURON_REGISTERS"))
}

/// `N` LIF neurons + winner-take-all + config registers.
#[derive(LogicBlock)]
pub struct LifWtaTop<const N: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Time-step strobe.
    pub tick: Signal<In, Bit>,
    /// Start of a presentation: forget the latched winner.
    pub wta_clear: Signal<In, Bit>,
    /// Signed 16-bit current code per neuron.
    pub i_in: [Signal<In, Bits<16>>; N],
    /// Configuration writes (`cfg_addr`, `cfg_data`, `cfg_we`).
    pub cfg: CfgBus,
    pub spikes: Signal<Out, Bits<N>>,
    pub spikes_valid: Signal<Out, Bit>,
    pub winner: Signal<Out, Bits<8>>,
    pub winner_valid: Signal<Out, Bit>,
    pub inhibit: Signal<Out, Bits<N>>,
    /// Membrane of each neuron (signed Q16.8).
    pub v_mem: [Signal<Out, Bits<24>>; N],
    /// Adaptive threshold part of each neuron (signed Q16.8).
    pub theta_adapt: [Signal<Out, Bits<24>>; N],
    /// Some neuron's drive or membrane saturated on the last tick.
    pub saturated: Signal<Out, Bit>,
    /// Sticky until reset: a config write hit no register or was out of range.
    pub cfg_error: Signal<Out, Bit>,
    ctrl: ConfigReg<3>,
    threshold: ConfigReg<24>,
    reset_v: ConfigReg<24>,
    leak_shift: ConfigReg<5>,
    decay: ConfigReg<16>,
    gain: ConfigReg<16>,
    refractory: ConfigReg<8>,
    theta_plus: ConfigReg<23>,
    theta_decay_shift: ConfigReg<5>,
    /// CTRL bit 0.
    wta_enable: Signal<Local, Bit>,
    /// CTRL bit 1.
    wta_mode: Signal<Local, Bit>,
    /// CTRL bit 2.
    leak_mode: Signal<Local, Bit>,
    cfg_err: DFF<Bit>,
    layer: LifLayer<N>,
    wta: WinnerTakeAll<N>,
}

impl<const N: usize> Default for LifWtaTop<N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            tick: Default::default(),
            wta_clear: Default::default(),
            i_in: std::array::from_fn(|_| Default::default()),
            cfg: Default::default(),
            spikes: Default::default(),
            spikes_valid: Default::default(),
            winner: Default::default(),
            winner_valid: Default::default(),
            inhibit: Default::default(),
            v_mem: std::array::from_fn(|_| Default::default()),
            theta_adapt: std::array::from_fn(|_| Default::default()),
            saturated: Default::default(),
            cfg_error: Default::default(),
            ctrl: ConfigReg::new(neuron_register("CTRL")),
            threshold: ConfigReg::new(neuron_register("THRESHOLD")),
            reset_v: ConfigReg::new(neuron_register("RESET_V")),
            leak_shift: ConfigReg::new(neuron_register("LEAK_SHIFT")),
            decay: ConfigReg::new(neuron_register("DECAY")),
            gain: ConfigReg::new(neuron_register("GAIN")),
            refractory: ConfigReg::new(neuron_register("REFRACTORY")),
            theta_plus: ConfigReg::new(neuron_register("THETA_PLUS")),
            theta_decay_shift: ConfigReg::new(neuron_register("THETA_DECAY_SHIFT")),
            wta_enable: Default::default(),
            wta_mode: Default::default(),
            leak_mode: Default::default(),
            cfg_err: Default::default(),
            layer: Default::default(),
            wta: Default::default(),
        }
    }
}

impl<const N: usize> Logic for LifWtaTop<N> {
    #[hdl_gen]
    fn update(&mut self) {
        self.ctrl.clock.next = self.clock.val();
        self.ctrl.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.ctrl.cfg);
        self.threshold.clock.next = self.clock.val();
        self.threshold.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.threshold.cfg);
        self.reset_v.clock.next = self.clock.val();
        self.reset_v.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.reset_v.cfg);
        self.leak_shift.clock.next = self.clock.val();
        self.leak_shift.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.leak_shift.cfg);
        self.decay.clock.next = self.clock.val();
        self.decay.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.decay.cfg);
        self.gain.clock.next = self.clock.val();
        self.gain.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.gain.cfg);
        self.refractory.clock.next = self.clock.val();
        self.refractory.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.refractory.cfg);
        self.theta_plus.clock.next = self.clock.val();
        self.theta_plus.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.theta_plus.cfg);
        self.theta_decay_shift.clock.next = self.clock.val();
        self.theta_decay_shift.reset.next = self.reset.val();
        CfgBus::link(&mut self.cfg, &mut self.theta_decay_shift.cfg);
        self.cfg_err.clock.next = self.clock.val();
        self.cfg_err.d.next = self.cfg_err.q.val();
        if self.reset.val() {
            self.cfg_err.d.next = false;
        } else if self.cfg.we.val()
            && (!(self.ctrl.hit.val()
                || self.threshold.hit.val()
                || self.reset_v.hit.val()
                || self.leak_shift.hit.val()
                || self.decay.hit.val()
                || self.gain.hit.val()
                || self.refractory.hit.val()
                || self.theta_plus.hit.val()
                || self.theta_decay_shift.hit.val())
                || self.ctrl.range_error.val()
                || self.threshold.range_error.val()
                || self.reset_v.range_error.val()
                || self.leak_shift.range_error.val()
                || self.decay.range_error.val()
                || self.gain.range_error.val()
                || self.refractory.range_error.val()
                || self.theta_plus.range_error.val()
                || self.theta_decay_shift.range_error.val())
        {
            self.cfg_err.d.next = true;
        }
        self.cfg_error.next = self.cfg_err.q.val();
        // the bits of CTRL
        self.wta_enable.next = self.ctrl.value.val().get_bit(0);
        self.wta_mode.next = self.ctrl.value.val().get_bit(1);
        self.leak_mode.next = self.ctrl.value.val().get_bit(2);

        self.layer.clock.next = self.clock.val();
        self.layer.reset.next = self.reset.val();
        self.layer.tick.next = self.tick.val();
        self.layer.inhibit.next = self.wta.inhibit.val();
        self.layer.rest.next = false;
        // homeostasis: the WTA winner, or every spike without WTA
        if self.wta_enable.val() {
            self.layer.win.next = self.wta.new_winner.val();
        } else if self.layer.spikes_valid.val() {
            self.layer.win.next = self.layer.spikes.val();
        } else {
            self.layer.win.next = 0.into();
        }
        self.layer.params.threshold.next = self.threshold.value.val();
        self.layer.params.reset_v.next = self.reset_v.value.val();
        self.layer.params.leak_mode.next = self.leak_mode.val();
        self.layer.params.leak_shift.next = self.leak_shift.value.val();
        self.layer.params.decay.next = self.decay.value.val();
        self.layer.params.gain.next = self.gain.value.val();
        self.layer.params.refractory.next = self.refractory.value.val();
        self.layer.params.theta_plus.next = self.theta_plus.value.val();
        self.layer.params.theta_decay_shift.next = self.theta_decay_shift.value.val();

        self.wta.clock.next = self.clock.val();
        self.wta.reset.next = self.reset.val();
        self.wta.clear.next = self.wta_clear.val();
        self.wta.enable.next = self.wta_enable.val();
        self.wta.mode.next = self.wta_mode.val();
        self.wta.spikes.next = self.layer.spikes.val();
        self.wta.spikes_valid.next = self.layer.spikes_valid.val();

        for j in 0..N {
            self.layer.i_in[j].next = self.i_in[j].val();
            self.wta.v_pre[j].next = self.layer.v_pre[j].val();
            self.v_mem[j].next = self.layer.v_mem[j].val();
            self.theta_adapt[j].next = self.layer.theta_adapt[j].val();
        }
        self.spikes.next = self.layer.spikes.val();
        self.spikes_valid.next = self.layer.spikes_valid.val();
        self.saturated.next = self.layer.saturated.val();
        self.winner.next = self.wta.winner.val();
        self.winner_valid.next = self.wta.winner_valid.val();
        self.inhibit.next = self.wta.inhibit.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of register `name` as the layer and the WTA receive it
    /// (CTRL reassembled from its bits).
    fn value_by_name<const N: usize>(t: &LifWtaTop<N>, name: &str) -> u64 {
        match name {
            "CTRL" => {
                t.wta.enable.val() as u64
                    | (t.wta.mode.val() as u64) << 1
                    | (t.layer.params.leak_mode.val() as u64) << 2
            }
            "THRESHOLD" => t.layer.params.threshold.val().to_u64(),
            "RESET_V" => t.layer.params.reset_v.val().to_u64(),
            "LEAK_SHIFT" => t.layer.params.leak_shift.val().to_u64(),
            "DECAY" => t.layer.params.decay.val().to_u64(),
            "GAIN" => t.layer.params.gain.val().to_u64(),
            "REFRACTORY" => t.layer.params.refractory.val().to_u64(),
            "THETA_PLUS" => t.layer.params.theta_plus.val().to_u64(),
            "THETA_DECAY_SHIFT" => t.layer.params.theta_decay_shift.val().to_u64(),
            _ => panic!("no input for register {name}"),
        }
    }

    /// For every register and every bit of it: a write of that one bit at
    /// the register's address reaches the layer's / WTA's input of that
    /// name, and every other input keeps its reset value.
    #[test]
    fn names_match_the_register_table() {
        let mut dut = LifWtaTop::<2>::default();
        dut.connect_all();
        let cycle = |dut: &mut LifWtaTop<2>, reset: bool, write: Option<(u8, u32)>| {
            dut.reset.next = reset;
            dut.cfg.we.next = write.is_some();
            let (a, d) = write.unwrap_or((0, 0));
            dut.cfg.addr.next = (a as u64).into();
            dut.cfg.data.next = (d as u64).into();
            for level in [false, true] {
                dut.clock.next = level.into();
                assert!(simulate(dut, 200), "rust-hdl simulation did not settle");
            }
        };
        cycle(&mut dut, true, None);
        cycle(&mut dut, false, None);
        let word = |r: &Register, v: u64| -> u32 {
            if r.signed && (v >> (r.bits - 1)) & 1 == 1 {
                (v | !((1u64 << r.bits) - 1)) as u32
            } else {
                v as u32
            }
        };
        for r in &NEURON_REGISTERS {
            for bit in 0..r.bits {
                cycle(&mut dut, false, Some((r.addr, word(r, 1 << bit))));
                for o in &NEURON_REGISTERS {
                    let want = if o.name == r.name {
                        1 << bit
                    } else {
                        o.reset_value()
                    };
                    assert_eq!(
                        value_by_name(&dut, o.name),
                        want,
                        "{} after {} bit {bit}",
                        o.name,
                        r.name
                    );
                }
                cycle(&mut dut, false, Some((r.addr, word(r, r.reset_value()))));
            }
        }
        assert!(!dut.cfg_error.val());
    }
}
