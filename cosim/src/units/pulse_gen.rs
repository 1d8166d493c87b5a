//! The pulse generator (`PulseGenerator`) on Verilator, rust-hdl and the golden model.

use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::pulse_gen;
use neuroxbar_models::golden::pulse_gen::{PulseGeneratorModel, PulseInputs, PulseOutputs};
use neuroxbar_rtl::fe_bus::{code_bits, code_of_bits, FE_CODE_MAX, FE_CODE_MIN};
use neuroxbar_rtl::pulse_gen::PulseGenerator;
use neuroxbar_rtl::rust_hdl::prelude::*;

/// Verilator back end.
pub struct VerilatorPulseGen {
    pub harness: Harness<pulse_gen::Model>,
}

impl VerilatorPulseGen {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
        })
    }
}

impl CycleModel for VerilatorPulseGen {
    type Inputs = PulseInputs;
    type Outputs = PulseOutputs;
    fn step(&mut self, inp: &PulseInputs) -> PulseOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_start(inp.start as u64);
        m.set_amplitude(code_bits(inp.amplitude));
        m.set_width(inp.width as u64);
        m.set_interval(inp.interval as u64);
        m.set_count(inp.count as u64);
        m.set_safe_max(code_bits(inp.safe_max));
        m.set_safe_min(code_bits(inp.safe_min));
        m.set_warp(inp.warp as u64);
        self.harness.step();
        let m = &self.harness.model;
        PulseOutputs {
            apply: m.apply() != 0,
            busy: m.busy() != 0,
            done: m.done() != 0,
            amplitude_out: code_of_bits(m.amplitude_out()),
            clamped: m.clamped() != 0,
            wait_left: m.wait_left() as u32,
            pulse: m.pulse() != 0,
        }
    }
}

/// rust-hdl simulator back end (inputs applied with the falling edge).
pub struct RustHdlPulseGen {
    pub dut: PulseGenerator,
}

impl Default for RustHdlPulseGen {
    fn default() -> Self {
        let mut dut = PulseGenerator::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlPulseGen {
    type Inputs = PulseInputs;
    type Outputs = PulseOutputs;
    fn step(&mut self, inp: &PulseInputs) -> PulseOutputs {
        let d = &mut self.dut;
        d.reset.next = inp.reset;
        d.start.next = inp.start;
        d.amplitude.next = code_bits(inp.amplitude).into();
        d.width.next = (inp.width as u64).into();
        d.interval.next = (inp.interval as u64).into();
        d.count.next = (inp.count as u64).into();
        d.safe_max.next = code_bits(inp.safe_max).into();
        d.safe_min.next = code_bits(inp.safe_min).into();
        d.warp.next = (inp.warp as u64).into();
        rust_hdl_cycle!(d, 100);
        PulseOutputs {
            apply: d.apply.val(),
            busy: d.busy.val(),
            done: d.done.val(),
            amplitude_out: code_of_bits(d.amplitude_out.val().to_u64()),
            clamped: d.clamped.val(),
            wait_left: d.wait_left.val().to_u64() as u32,
            pulse: d.pulse.val(),
        }
    }
}

/// Golden model back end.
#[derive(Default)]
pub struct GoldenPulseGen(pub PulseGeneratorModel);

impl CycleModel for GoldenPulseGen {
    type Inputs = PulseInputs;
    type Outputs = PulseOutputs;
    fn step(&mut self, inp: &PulseInputs) -> PulseOutputs {
        self.0.step(inp)
    }
}

/// A random signed 12-bit code.
fn code(rng: &mut impl rand::Rng) -> i16 {
    rng.gen_range(FE_CODE_MIN..=FE_CODE_MAX)
}

/// Seeded random stimulus, closed-loop on `wait_left`: trains of random
/// length (mostly short widths and intervals, sometimes up to 2^24 - 1
/// cycles, so warping is needed to finish them), random amplitudes and safe
/// windows (in, above, below, empty), starts while busy, occasional resets,
/// and warps of random size that obey the harness rule `warp < wait_left`.
///
/// The warp of a cycle depends on `wait_left` of the previous cycle's
/// outputs, identical on every back end as long as they agree; feed the
/// outputs back with [`PulseStimulus::next`].
pub struct PulseStimulus {
    rng: rand_chacha::ChaCha8Rng,
    cycle: u64,
    base: PulseInputs,
}

impl PulseStimulus {
    pub fn new(seed: u64) -> Self {
        use rand::SeedableRng;
        Self {
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed),
            cycle: 0,
            base: PulseInputs {
                amplitude: 750,
                width: 3,
                interval: 2,
                count: 2,
                safe_max: 1250,
                safe_min: -1250,
                ..Default::default()
            },
        }
    }

    /// Inputs of the next cycle, given the outputs after the last one.
    pub fn next(&mut self, last: &PulseOutputs) -> PulseInputs {
        use rand::Rng;
        let r = &mut self.rng;
        let b = &mut self.base;
        if r.gen_ratio(1, 40) {
            b.amplitude = code(r);
        }
        if r.gen_ratio(1, 40) {
            b.width = match r.gen_range(0..10) {
                0 => 0,
                1 => r.gen_range(1..(1 << 24)),
                2 => 10_000_000,
                _ => r.gen_range(1..8),
            };
        }
        if r.gen_ratio(1, 40) {
            b.interval = match r.gen_range(0..10) {
                0 => 0,
                1 => r.gen_range(1..(1 << 24)),
                _ => r.gen_range(1..8),
            };
        }
        if r.gen_ratio(1, 40) {
            b.count = match r.gen_range(0..6) {
                0 => 0,
                1 => r.gen(),
                _ => r.gen_range(1..5),
            };
        }
        if r.gen_ratio(1, 100) {
            (b.safe_min, b.safe_max) = match r.gen_range(0..4) {
                0 => (code(r), code(r)),
                _ => {
                    let (a, c) = (code(r), code(r));
                    (a.min(c), a.max(c))
                }
            };
        }
        let mut inp = *b;
        inp.reset = self.cycle < 2 || r.gen_ratio(1, 20_000);
        inp.start = r.gen_ratio(1, 6);
        inp.warp = 0;
        let w = last.wait_left;
        if w > 1 && r.gen_ratio(1, 3) {
            inp.warp = match r.gen_range(0..4) {
                0 => w - 1,
                1 => r.gen_range(0..w.min(4)),
                _ => r.gen_range(0..w),
            };
        }
        self.cycle += 1;
        inp
    }
}
