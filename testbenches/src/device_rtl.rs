//! E6 through the hardware: device protocols whose pulses come from the RTL
//! pulse generator (`PulseGenerator`, Verilated) instead of the model's own
//! `apply` calls.
//!
//! [`RtlPulseDriver`] turns each requested train into the generator's
//! registers (amplitude as a 12-bit DAC code of 4 mV, width and interval in
//! cycles of the accelerator's clock (100 MHz unless another is asked for),
//! `count`, the device's safe window as the clamp window),
//! strobes `start` and clocks the generator until `done`, with time warp
//! through its waits. Every edge of its `apply` output becomes a device call:
//! a rising edge lets the idle time since the last edge pass
//! (`Device::advance`), a falling edge applies the generator's clamped
//! amplitude for the cycles `apply` was high (`Device::apply`). Pulse widths,
//! gaps and amplitudes are therefore exactly what the hardware emits,
//! quantized to its clock and DAC: a width or gap is rounded to whole cycles
//! of the chosen clock, and the device sees the rounded duration (the largest
//! rounding is kept in [`RtlStats`]). The generator's registers hold 24 bits
//! (167 ms at 100 MHz): a longer gap is produced as separate one-pulse trains
//! with the host waiting in between, as a host would.

use neuroxbar_cosim::units::pulse_gen::VerilatorPulseGen;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::Device;
use neuroxbar_models::golden::pulse_gen::PulseInputs;
use neuroxbar_models::protocol::{ProtocolError, PulseDriver};
use neuroxbar_rtl::fe_bus::{FE_CODE_MAX, FE_CODE_MIN};

pub use crate::experiment::{CLOCK_MHZ_RANGE, DEFAULT_CLOCK_MHZ};
/// DAC step, volts per code (signed 12 bits).
pub const DAC_V_PER_CODE: f64 = 4e-3;
/// Largest width or interval the generator's 24-bit registers hold, cycles.
pub const MAX_WAIT_CYCLES: u64 = (1 << 24) - 1;
/// Largest number of pulses of one train (8-bit `count`).
pub const MAX_COUNT: u32 = 255;

/// What the generator did, for reports and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct RtlStats {
    /// Pulses emitted (falling edges of `apply`).
    pub pulses: u64,
    /// Cycles clocked.
    pub clocked_cycles: u64,
    /// Cycles skipped by time warp.
    pub warped_cycles: u64,
    /// Trains whose amplitude the generator clamped to the safe window.
    pub clamped_trains: u64,
    /// Largest difference between a requested width or gap and the whole
    /// cycles the generator emits, seconds (at most half a cycle).
    pub max_rounding_s: f64,
}

/// A [`PulseDriver`] backed by the Verilated pulse generator.
pub struct RtlPulseDriver {
    gen: VerilatorPulseGen,
    /// Clock period, seconds.
    cycle_s: f64,
    pub stats: RtlStats,
}

impl RtlPulseDriver {
    /// The generator at the default 100 MHz.
    pub fn new() -> Result<Self, String> {
        Self::with_clock_mhz(DEFAULT_CLOCK_MHZ)
    }

    /// The generator clocked at `clock_mhz` (within [`CLOCK_MHZ_RANGE`]):
    /// durations in seconds become cycles of that clock.
    pub fn with_clock_mhz(clock_mhz: f64) -> Result<Self, String> {
        if !CLOCK_MHZ_RANGE.contains(&clock_mhz) {
            return Err(format!(
                "clock {clock_mhz} MHz is outside {} ..= {} MHz",
                CLOCK_MHZ_RANGE.start(),
                CLOCK_MHZ_RANGE.end()
            ));
        }
        let mut d = RtlPulseDriver {
            gen: VerilatorPulseGen::new(Trace::Off).map_err(|e| e.to_string())?,
            cycle_s: 1e-6 / clock_mhz,
            stats: RtlStats::default(),
        };
        for _ in 0..2 {
            d.gen.step(&PulseInputs {
                reset: true,
                ..Default::default()
            });
        }
        Ok(d)
    }

    fn err(message: String) -> ProtocolError {
        ProtocolError::Driver {
            driver: "rtl pulse generator",
            message,
        }
    }

    /// The clock, MHz.
    pub fn clock_mhz(&self) -> f64 {
        1e-6 / self.cycle_s
    }

    /// Clock period, seconds.
    pub fn cycle_s(&self) -> f64 {
        self.cycle_s
    }

    /// Seconds to whole cycles (at least `min`), the rounding recorded.
    fn cycles(&mut self, what: &str, s: f64, min: u64) -> Result<u64, ProtocolError> {
        if !s.is_finite() || s < 0.0 {
            return Err(Self::err(format!("{what} {s} s is not a duration")));
        }
        let c = ((s / self.cycle_s).round() as u64).max(min);
        let err = (c as f64 * self.cycle_s - s).abs();
        self.stats.max_rounding_s = self.stats.max_rounding_s.max(err);
        Ok(c)
    }

    fn code(v: f64) -> Result<i16, ProtocolError> {
        crate::experiment::dac_code("amplitude", v, DAC_V_PER_CODE)
            .map_err(|e| Self::err(e.to_string()))
    }

    /// One train in hardware; device calls at every `apply` edge.
    fn hw_train(
        &mut self,
        dev: &mut dyn Device,
        amplitude: i16,
        width: u64,
        interval: u64,
        count: u32,
        after_pulse: &mut dyn FnMut(&mut dyn Device),
    ) -> Result<(), ProtocolError> {
        let (lo, hi) = dev.safe_window_volts();
        let safe_min = (lo / DAC_V_PER_CODE).ceil().max(FE_CODE_MIN as f64) as i16;
        let safe_max = (hi / DAC_V_PER_CODE).floor().min(FE_CODE_MAX as f64) as i16;
        let base = PulseInputs {
            amplitude,
            width: width as u32,
            interval: interval as u32,
            count: count as u8,
            safe_min,
            safe_max,
            ..Default::default()
        };
        let mut out = self.gen.step(&PulseInputs {
            start: true,
            ..base
        });
        self.stats.clocked_cycles += 1;
        if out.clamped {
            self.stats.clamped_trains += 1;
        }
        // device time is counted from the first rising edge of `apply`
        let mut t: u64 = 0;
        let mut t_dev: u64 = 0;
        let mut high = out.apply;
        let limit = 16 * count as u64 + 16;
        let mut steps = 0u64;
        while out.busy || out.apply {
            let warp = out.wait_left.saturating_sub(1);
            out = self.gen.step(&PulseInputs { warp, ..base });
            self.stats.clocked_cycles += 1;
            self.stats.warped_cycles += warp as u64;
            t += 1 + warp as u64;
            if out.apply != high {
                let dt = (t - t_dev) as f64 * self.cycle_s;
                if out.apply {
                    dev.advance(dt);
                } else {
                    let v = out.amplitude_out as f64 * DAC_V_PER_CODE;
                    dev.apply(v, dt)?;
                    self.stats.pulses += 1;
                    after_pulse(dev);
                }
                t_dev = t;
                high = out.apply;
            }
            steps += 1;
            if steps > limit {
                return Err(Self::err(format!(
                    "no `done` after {steps} clocked cycles of a {count}-pulse train"
                )));
            }
        }
        Ok(())
    }
}

impl PulseDriver for RtlPulseDriver {
    fn name(&self) -> &'static str {
        "rtl-pulse-gen"
    }

    fn train(
        &mut self,
        dev: &mut dyn Device,
        v_volts: f64,
        width_s: f64,
        gap_s: f64,
        count: u32,
        after_pulse: &mut dyn FnMut(&mut dyn Device),
    ) -> Result<(), ProtocolError> {
        let amplitude = Self::code(v_volts)?;
        let width = self.cycles("pulse width", width_s, 1)?;
        if width > MAX_WAIT_CYCLES {
            return Err(Self::err(format!(
                "pulse width {width_s} s exceeds the generator's {MAX_WAIT_CYCLES} cycles ({} s at {} MHz)",
                MAX_WAIT_CYCLES as f64 * self.cycle_s,
                self.clock_mhz()
            )));
        }
        let gap = self.cycles("gap", gap_s, 1)?;
        if count <= MAX_COUNT && (count <= 1 || gap <= MAX_WAIT_CYCLES) {
            return self.hw_train(dev, amplitude, width, gap, count, after_pulse);
        }
        // one pulse per train, the host waiting the gap in between
        for k in 0..count {
            if k > 0 {
                dev.advance(gap as f64 * self.cycle_s);
            }
            self.hw_train(dev, amplitude, width, 1, 1, after_pulse)?;
        }
        Ok(())
    }
}
