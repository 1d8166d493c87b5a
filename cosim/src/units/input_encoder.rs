//! The input encoder (`InputEncoder<25>`) on Verilator, rust-hdl and the golden model.

use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::input_encoder25;
use crate::VerilatedTop;
use neuroxbar_models::golden::input_encoder::{EncoderInputs, InputEncoderModel};
use neuroxbar_rtl::input_encoder::InputEncoder;
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Rows of the co-simulated encoder.
pub const N_ROWS: usize = 25;

/// Outputs compared across back ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncoderOutputs {
    pub row_spikes: u128,
    /// `row_spikes != 0`, from the encoder's own register.
    pub row_any: bool,
    pub valid: bool,
}

pub struct VerilatorEncoder {
    pub harness: Harness<input_encoder25::Model>,
    intensity: [usize; N_ROWS],
}

impl VerilatorEncoder {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        let port = |n: String| input_encoder25::Model::port(&n).expect("InputEncoder port");
        Ok(Self {
            harness: Harness::new(trace)?,
            intensity: std::array::from_fn(|i| port(format!("intensity${i}"))),
        })
    }
}

impl CycleModel for VerilatorEncoder {
    type Inputs = EncoderInputs;
    type Outputs = EncoderOutputs;
    fn step(&mut self, inp: &EncoderInputs) -> EncoderOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_tick(inp.tick as u64);
        m.set_present(inp.present as u64);
        m.set_mode(inp.mode as u64);
        m.set_spikes_in(inp.spikes_in as u64);
        m.set_ramp_step(inp.ramp_step as u64);
        m.set_seed(inp.seed as u64);
        for i in 0..N_ROWS {
            m.set_u64(self.intensity[i], inp.intensity[i] as u64);
        }
        self.harness.step();
        let m = &self.harness.model;
        EncoderOutputs {
            row_spikes: m.row_spikes() as u128,
            row_any: m.row_any() != 0,
            valid: m.valid() != 0,
        }
    }
}

pub struct RustHdlEncoder {
    pub dut: InputEncoder<N_ROWS>,
}

impl Default for RustHdlEncoder {
    fn default() -> Self {
        let mut dut = InputEncoder::<N_ROWS>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlEncoder {
    type Inputs = EncoderInputs;
    type Outputs = EncoderOutputs;
    fn step(&mut self, inp: &EncoderInputs) -> EncoderOutputs {
        let d = &mut self.dut;
        d.reset.next = inp.reset;
        d.tick.next = inp.tick;
        d.present.next = inp.present;
        d.mode.next = (inp.mode as u64).into();
        d.spikes_in.next = (inp.spikes_in as u64).into();
        d.ramp_step.next = (inp.ramp_step as u64).into();
        d.seed.next = (inp.seed as u64).into();
        for i in 0..N_ROWS {
            d.intensity[i].next = (inp.intensity[i] as u64).into();
        }
        rust_hdl_cycle!(d, 100);
        EncoderOutputs {
            row_spikes: d.row_spikes.val().to_u64() as u128,
            row_any: d.row_any.val(),
            valid: d.valid.val(),
        }
    }
}

pub struct GoldenEncoder(pub InputEncoderModel);

impl Default for GoldenEncoder {
    fn default() -> Self {
        Self(InputEncoderModel::new(N_ROWS))
    }
}

impl CycleModel for GoldenEncoder {
    type Inputs = EncoderInputs;
    type Outputs = EncoderOutputs;
    fn step(&mut self, inp: &EncoderInputs) -> EncoderOutputs {
        self.0.step(inp);
        EncoderOutputs {
            row_spikes: self.0.row_spikes,
            row_any: self.0.row_spikes != 0,
            valid: self.0.valid,
        }
    }
}

/// Seeded random stimulus: all modes, presentations, ticks, changing
/// intensities and ramp steps, occasional resets with new seeds.
pub fn random_stimulus(seed: u64, cycles: u64) -> impl Iterator<Item = EncoderInputs> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut intensity: Vec<u8> = (0..N_ROWS).map(|_| rng.gen()).collect();
    let mut mode = 0u8;
    let mut ramp_step = 16u8;
    let mut lfsr_seed = 1u16;
    (0..cycles).map(move |c| {
        if rng.gen_ratio(1, 500) {
            mode = rng.gen_range(0..4);
        }
        if rng.gen_ratio(1, 200) {
            ramp_step = rng.gen();
        }
        if rng.gen_ratio(1, 50) {
            let i = rng.gen_range(0..N_ROWS);
            intensity[i] = rng.gen();
        }
        let reset = c < 2 || rng.gen_ratio(1, 5_000);
        if reset {
            lfsr_seed = rng.gen();
        }
        EncoderInputs {
            reset,
            tick: rng.gen_ratio(1, 3),
            present: rng.gen_ratio(1, 60),
            mode,
            spikes_in: rng.gen_range(0..(1u128 << N_ROWS)),
            intensity: intensity.clone(),
            ramp_step,
            seed: lfsr_seed,
        }
    })
}
