//! Golden model of `neuroxbar_rtl::lif_wta_top::LifWtaTop<N>`: config
//! registers, LIF layer and winner-take-all, cycle accurate.

use super::fixed::{sign_extend, Decay, Gain, Membrane};
use super::lif::{Leak, LifLayerModel, LifParams};
use super::wta::{WtaMode, WtaModel};

/// The neuron core's register map: `(address, bits, signed, reset value)`.
/// Independent of the RTL's table; a co-simulation test checks they agree.
/// Register addresses by name (the RTL's names; a co-simulation test checks
/// the table below against the RTL's map).
pub mod reg {
    register_addresses! {
        CTRL = 0x00,
        THRESHOLD = 0x01,
        RESET_V = 0x02,
        LEAK_SHIFT = 0x03,
        DECAY = 0x04,
        GAIN = 0x05,
        REFRACTORY = 0x06,
        THETA_PLUS = 0x07,
        THETA_DECAY_SHIFT = 0x08,
    }
}

/// Bits of CTRL.
pub mod ctrl {
    /// Lateral inhibition on.
    pub const WTA_ENABLE: u64 = 1 << 0;
    /// 0 first-to-cross, 1 max-membrane.
    pub const WTA_MODE: u64 = 1 << 1;
    /// 0 shift leak, 1 multiplier leak.
    pub const LEAK_MODE: u64 = 1 << 2;
}

/// One configuration register as the golden models see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoldenRegister {
    pub name: &'static str,
    pub addr: u8,
    pub bits: u32,
    pub signed: bool,
    /// Reset value (the register's bit pattern).
    pub reset: u64,
}

impl GoldenRegister {
    pub const fn new(name: &'static str, addr: u8, bits: u32, signed: bool, reset: u64) -> Self {
        GoldenRegister {
            name,
            addr,
            bits,
            signed,
            reset,
        }
    }
}

pub const REGISTERS: [GoldenRegister; 9] = [
    GoldenRegister::new("CTRL", reg::CTRL, 3, false, 0b001),
    GoldenRegister::new("THRESHOLD", reg::THRESHOLD, 24, true, 64 << 8),
    GoldenRegister::new("RESET_V", reg::RESET_V, 24, true, 0),
    GoldenRegister::new("LEAK_SHIFT", reg::LEAK_SHIFT, 5, false, 4),
    GoldenRegister::new("DECAY", reg::DECAY, 16, false, 0xF000),
    GoldenRegister::new("GAIN", reg::GAIN, 16, false, 0x0100),
    GoldenRegister::new("REFRACTORY", reg::REFRACTORY, 8, false, 2),
    GoldenRegister::new("THETA_PLUS", reg::THETA_PLUS, 23, false, 0),
    GoldenRegister::new("THETA_DECAY_SHIFT", reg::THETA_DECAY_SHIFT, 5, false, 0),
];

/// Whether `data` fits register `(bits, signed)` (see `neuroxbar_rtl::regs`).
pub fn write_in_range(bits: u32, signed: bool, data: u32) -> bool {
    let first = if signed { bits - 1 } else { bits };
    let m: u32 = if first >= 32 {
        0
    } else {
        !((1u32 << first) - 1)
    };
    let up = data & m;
    up == 0 || (signed && up == m)
}

/// Inputs during one clock cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct TopInputs {
    pub reset: bool,
    pub tick: bool,
    pub wta_clear: bool,
    pub i_in: Vec<i16>,
    /// A config write `(addr, data)` this cycle.
    pub cfg_write: Option<(u8, u32)>,
}

/// Registered outputs after the clock edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopOutputs {
    pub spikes: u64,
    pub spikes_valid: bool,
    pub winner: u8,
    pub winner_valid: bool,
    pub inhibit: u64,
    /// Raw signed Q16.8 membranes.
    pub v_mem: Vec<i32>,
    /// Raw signed Q16.8 adaptive thresholds.
    pub theta_adapt: Vec<i32>,
    pub saturated: bool,
    pub cfg_error: bool,
}

/// The neuron core.
#[derive(Debug, Clone)]
pub struct LifWtaTopModel {
    pub n: usize,
    pub regs: [u64; 9],
    pub cfg_error: bool,
    pub layer: LifLayerModel,
    pub wta: WtaModel,
}

impl LifWtaTopModel {
    pub fn new(n: usize) -> Self {
        Self {
            n,
            regs: REGISTERS.map(|r| r.reset),
            cfg_error: false,
            layer: LifLayerModel::new(n),
            wta: WtaModel::default(),
        }
    }

    /// The value of the register at `addr`.
    fn r(&self, addr: u8) -> u64 {
        let k = REGISTERS
            .iter()
            .position(|r| r.addr == addr)
            .expect("a register of the map");
        self.regs[k]
    }

    pub fn wta_enable(&self) -> bool {
        self.r(reg::CTRL) & ctrl::WTA_ENABLE != 0
    }

    pub fn wta_mode(&self) -> WtaMode {
        if self.r(reg::CTRL) & ctrl::WTA_MODE != 0 {
            WtaMode::MaxMembrane
        } else {
            WtaMode::FirstToCross
        }
    }

    /// LIF parameters decoded from the current register values.
    pub fn params(&self) -> LifParams {
        LifParams {
            threshold: Membrane::from_bits(sign_extend(self.r(reg::THRESHOLD), 24) as i32),
            reset_v: Membrane::from_bits(sign_extend(self.r(reg::RESET_V), 24) as i32),
            leak: if self.r(reg::CTRL) & ctrl::LEAK_MODE != 0 {
                Leak::Multiply(Decay::from_bits(self.r(reg::DECAY) as u16))
            } else {
                Leak::Shift(self.r(reg::LEAK_SHIFT) as u32)
            },
            gain: Gain::from_bits(self.r(reg::GAIN) as u16),
            refractory_ticks: self.r(reg::REFRACTORY) as u8,
            theta_plus: Membrane::from_bits(self.r(reg::THETA_PLUS) as i32),
            theta_decay_shift: self.r(reg::THETA_DECAY_SHIFT) as u32,
        }
    }

    /// One clock cycle; returns the outputs after the edge.
    pub fn step(&mut self, inp: &TopInputs) -> TopOutputs {
        // everything below reads the pre-edge state
        let params = self.params();
        let inhibit = self.wta.inhibit(self.wta_enable(), self.n);
        let spikes = self.layer.spikes();
        let spikes_valid = self.layer.spikes_valid;
        let v_pre: Vec<Membrane> = self.layer.neurons.iter().map(|n| n.v_pre).collect();
        let mode = self.wta_mode();
        let win = if self.wta_enable() {
            self.wta.new_winner
        } else if spikes_valid {
            spikes
        } else {
            0
        };

        self.wta
            .step(inp.reset, inp.wta_clear, mode, spikes, spikes_valid, &v_pre);
        self.layer
            .step(inp.reset, false, inp.tick, inhibit, win, &inp.i_in, &params);

        if inp.reset {
            self.regs = REGISTERS.map(|r| r.reset);
            self.cfg_error = false;
        } else if let Some((addr, data)) = inp.cfg_write {
            match REGISTERS.iter().position(|r| r.addr == addr) {
                Some(k) if write_in_range(REGISTERS[k].bits, REGISTERS[k].signed, data) => {
                    self.regs[k] = data as u64 & ((1u64 << REGISTERS[k].bits) - 1);
                }
                _ => self.cfg_error = true,
            }
        }
        self.outputs()
    }

    pub fn outputs(&self) -> TopOutputs {
        TopOutputs {
            spikes: self.layer.spikes(),
            spikes_valid: self.layer.spikes_valid,
            winner: self.wta.winner,
            winner_valid: self.wta.valid,
            inhibit: self.wta.inhibit(self.wta_enable(), self.n),
            v_mem: self.layer.neurons.iter().map(|n| n.v.to_bits()).collect(),
            theta_adapt: self
                .layer
                .neurons
                .iter()
                .map(|n| n.adapt.to_bits())
                .collect(),
            saturated: self.layer.saturated(),
            cfg_error: self.cfg_error,
        }
    }
}
