//! The neuron core (`LifWtaTop<16>`) on Verilator, rust-hdl and the golden model.

use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::lif_wta16;
use crate::VerilatedTop;
use neuroxbar_models::golden::fixed::sign_extend;
use neuroxbar_models::golden::lif_wta_top::{LifWtaTopModel, TopInputs, TopOutputs};
use neuroxbar_rtl::lif_wta_top::LifWtaTop;
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Neurons in the co-simulated neuron core.
pub const N: usize = 16;

fn port(name: &str) -> usize {
    lif_wta16::Model::port(name).unwrap_or_else(|| panic!("LifWtaTop has no port `{name}`"))
}

/// Number of inputs of the neuron core other than `clock`.
pub const INPUT_PORTS: usize = N + 6;

/// The neuron core's input ports, as indices into `lif_wta16::PORTS` (the
/// port order of the generated Verilog).
#[derive(Debug, Clone)]
pub struct InputPorts {
    reset: usize,
    tick: usize,
    wta_clear: usize,
    i_in: [usize; N],
    cfg_addr: usize,
    cfg_data: usize,
    cfg_we: usize,
}

impl Default for InputPorts {
    fn default() -> Self {
        Self {
            reset: port("reset"),
            tick: port("tick"),
            wta_clear: port("wta_clear"),
            i_in: std::array::from_fn(|j| port(&format!("i_in${j}"))),
            cfg_addr: port("cfg_addr"),
            cfg_data: port("cfg_data"),
            cfg_we: port("cfg_we"),
        }
    }
}

impl InputPorts {
    /// The value of every input but `clock` during a cycle with inputs
    /// `inp`, as `(port index, value)`: the one mapping from [`TopInputs`]
    /// to pins, used by the Verilator back end and the Icarus replay.
    pub fn port_values(&self, inp: &TopInputs) -> [(usize, u64); INPUT_PORTS] {
        let (we, addr, data) = match inp.cfg_write {
            Some((a, d)) => (1, a as u64, d as u64),
            None => (0, 0, 0),
        };
        let mut v = [(0, 0); INPUT_PORTS];
        v[..6].copy_from_slice(&[
            (self.reset, inp.reset as u64),
            (self.tick, inp.tick as u64),
            (self.wta_clear, inp.wta_clear as u64),
            (self.cfg_addr, addr),
            (self.cfg_data, data),
            (self.cfg_we, we),
        ]);
        for j in 0..N {
            v[6 + j] = (self.i_in[j], inp.i_in[j] as u16 as u64);
        }
        v
    }
}

/// Verilator back end.
pub struct VerilatorLifWta {
    pub harness: Harness<lif_wta16::Model>,
    inputs: InputPorts,
    v_mem: [usize; N],
    theta_adapt: [usize; N],
}

impl VerilatorLifWta {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
            inputs: InputPorts::default(),
            v_mem: std::array::from_fn(|j| port(&format!("v_mem${j}"))),
            theta_adapt: std::array::from_fn(|j| port(&format!("theta_adapt${j}"))),
        })
    }
}

impl CycleModel for VerilatorLifWta {
    type Inputs = TopInputs;
    type Outputs = TopOutputs;
    fn step(&mut self, inp: &TopInputs) -> TopOutputs {
        for (p, v) in self.inputs.port_values(inp) {
            self.harness.model.set_u64(p, v);
        }
        self.harness.step();
        let m = &self.harness.model;
        TopOutputs {
            spikes: m.spikes(),
            spikes_valid: m.spikes_valid() != 0,
            winner: m.winner() as u8,
            winner_valid: m.winner_valid() != 0,
            inhibit: m.inhibit(),
            v_mem: self
                .v_mem
                .iter()
                .map(|&p| sign_extend(m.get_u64(p), 24) as i32)
                .collect(),
            theta_adapt: self
                .theta_adapt
                .iter()
                .map(|&p| sign_extend(m.get_u64(p), 24) as i32)
                .collect(),
            saturated: m.saturated() != 0,
            cfg_error: m.cfg_error() != 0,
        }
    }
}

/// rust-hdl simulator back end (direct `simulate()` stepping: inputs are
/// applied with the falling edge and settle before the rising edge, as in
/// the Verilator harness).
pub struct RustHdlLifWta {
    pub dut: LifWtaTop<N>,
}

impl Default for RustHdlLifWta {
    fn default() -> Self {
        let mut dut = LifWtaTop::<N>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlLifWta {
    type Inputs = TopInputs;
    type Outputs = TopOutputs;
    fn step(&mut self, inp: &TopInputs) -> TopOutputs {
        let d = &mut self.dut;
        d.reset.next = inp.reset;
        d.tick.next = inp.tick;
        d.wta_clear.next = inp.wta_clear;
        for j in 0..N {
            d.i_in[j].next = (inp.i_in[j] as u16 as u64).into();
        }
        let (we, addr, data) = match inp.cfg_write {
            Some((a, dt)) => (true, a as u64, dt as u64),
            None => (false, 0, 0),
        };
        d.cfg.we.next = we;
        d.cfg.addr.next = addr.into();
        d.cfg.data.next = data.into();
        rust_hdl_cycle!(d, 100);
        TopOutputs {
            spikes: d.spikes.val().to_u64(),
            spikes_valid: d.spikes_valid.val(),
            winner: d.winner.val().to_u64() as u8,
            winner_valid: d.winner_valid.val(),
            inhibit: d.inhibit.val().to_u64(),
            v_mem: d
                .v_mem
                .iter()
                .map(|s| sign_extend(s.val().to_u64(), 24) as i32)
                .collect(),
            theta_adapt: d
                .theta_adapt
                .iter()
                .map(|s| sign_extend(s.val().to_u64(), 24) as i32)
                .collect(),
            saturated: d.saturated.val(),
            cfg_error: d.cfg_error.val(),
        }
    }
}

/// Golden model back end.
pub struct GoldenLifWta(pub LifWtaTopModel);

impl Default for GoldenLifWta {
    fn default() -> Self {
        Self(LifWtaTopModel::new(N))
    }
}

impl CycleModel for GoldenLifWta {
    type Inputs = TopInputs;
    type Outputs = TopOutputs;
    fn step(&mut self, inp: &TopInputs) -> TopOutputs {
        self.0.step(inp)
    }
}

/// Seeded random stimulus for the neuron core: resets, ticks, presentation
/// clears, currents from small to saturating, and config writes (valid ones,
/// and some to unmapped addresses or out of range) that move thresholds,
/// leaks, gains and modes around so that every path gets exercised.
pub fn random_stimulus(seed: u64, cycles: u64) -> impl Iterator<Item = TopInputs> {
    use neuroxbar_models::golden::lif_wta_top::{reg, REGISTERS};
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..cycles).map(move |c| {
        let reset = c < 2 || rng.gen_ratio(1, 20_000);
        let tick = rng.gen_ratio(1, 3);
        let wta_clear = rng.gen_ratio(1, 40);
        let scale = match rng.gen_range(0..10) {
            0 => 32767,
            1..=3 => 4000,
            _ => 600,
        };
        let bias: i32 = rng.gen_range(-100..300);
        let i_in = (0..N)
            .map(|_| (bias + rng.gen_range(-scale..=scale)).clamp(-32768, 32767) as i16)
            .collect();
        let cfg_write = if rng.gen_ratio(1, 25) {
            let k = rng.gen_range(0..REGISTERS.len());
            let neuroxbar_models::golden::lif_wta_top::GoldenRegister {
                addr, bits, signed, ..
            } = REGISTERS[k];
            let data: u32 = match rng.gen_range(0..20) {
                0 => rng.gen(),            // mostly out of range
                1 => rng.gen_range(0..16), // small values
                _ if addr == reg::THRESHOLD => {
                    // thresholds: mostly positive, some negative, a few huge
                    let t: i32 = rng.gen_range(-2_000..40_000) << rng.gen_range(0..6);
                    (t.clamp(-(1 << 23), (1 << 23) - 1)) as u32
                }
                _ if addr == reg::THETA_PLUS => {
                    // homeostasis increments: mostly gentle, a few saturating
                    if rng.gen_ratio(1, 10) {
                        rng.gen_range(0..(1u32 << 23))
                    } else {
                        rng.gen_range(0..4_000)
                    }
                }
                _ if signed => (rng.gen_range(-(1i32 << (bits - 1))..(1i32 << (bits - 1)))) as u32,
                _ => rng.gen_range(0..(1u64 << bits)) as u32,
            };
            if rng.gen_ratio(1, 30) {
                Some((rng.gen_range(0x09..=0xFF), data))
            } else {
                Some((addr, data))
            }
        } else {
            None
        };
        TopInputs {
            reset,
            tick,
            wta_clear,
            i_in,
            cfg_write,
        }
    })
}
