//! The one bus-level harness: a DUT with an `fe_*` bus (the accelerator,
//! the crossbar controller alone, the board core behind its serial link)
//! clocked against the array + front-end model.
//!
//! [`BusSim`] owns the clock, the front-end and its [`FeBus`], the time warp
//! and the records (event log, analog trace); a [`BusDut`] says how its
//! ports carry the bus, how long it may warp and what it does per cycle. The
//! specializations are [`CoSim`](crate::cosim::CoSim) (the accelerator),
//! [`XbarBench`](crate::xbar_bench::XbarBench) (the controller, E3-E5) and
//! [`BoardSim`](crate::board::BoardSim) (the board core over its UART).
//!
//! One cycle: the front-end's answer for this cycle ([`FeBus::drive`]), the
//! warp the DUT may take (only with warp on), the DUT clocked (the skipped
//! cycles first, so a VCD shows the edge that ends a wait at its simulated
//! time), then its bus outputs applied to the front-end ([`FeBus::react`])
//! at the cycle's end.

use crate::analog::AnalogTrace;
use crate::cosim::{weights_at, BusEvent, CoSimError, FeBus, FeIn, FeOut, FeReaction};
use crate::parts::DevicePulse;
use neuroxbar_models::frontend::{FrontEnd, FrontEndError};
use neuroxbar_rtl::fe_bus::{FE_CODE_BITS, FE_RD_BITS};

/// A DUT whose `fe_*` bus [`BusSim`] serves.
pub trait BusDut {
    /// Set the inputs of the coming cycle: the front-end's answer and the
    /// warp (0 without warp).
    fn drive(&mut self, fin: FeIn, warp: u32);
    /// Cycles the coming cycle may skip (asked only with warp on).
    fn warp_wanted(&self, bus: &FeBus, fe_busy: bool, t_cycles: u64) -> u32;
    /// Clock one cycle, `skipped` cycles after the last (the warp).
    fn clock(&mut self, skipped: u64);
    /// The bus outputs of the last cycle.
    fn fe_out(&self) -> FeOut;
    /// Let `cycles` pass without clocking (the DUT is idle).
    fn skip_time(&mut self, cycles: u64);
    /// The clock period its waveform is time-stamped with, picoseconds.
    fn set_period_ps(&mut self, period_ps: u64);
    /// What the front-end made of the cycle's bus outputs, at `t_cycles`.
    fn observe(&mut self, _t_cycles: u64, _r: &FeReaction) {}
}

/// Counters of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoSimStats {
    /// Cycles actually clocked.
    pub clocked_cycles: u64,
    /// Cycles skipped by warping inside the DUT.
    pub warped_cycles: u64,
    /// Cycles skipped while idle (between ticks, commands, requests).
    pub idle_skipped_cycles: u64,
    /// Time steps (accelerator ticks) run.
    pub ticks: u64,
}

/// An analog trace being recorded and its window of clocked cycles.
pub type AnalogRecording = (AnalogTrace, Option<(u64, u64)>);

/// A [`BusDut`] in the loop with the array + front-end model.
pub struct BusSim<D: BusDut> {
    pub dut: D,
    pub fe: FrontEnd,
    /// Warp waits (inside the DUT and idle stretches).
    pub warp: bool,
    period_s: f64,
    t_cycles: u64,
    pub(crate) bus: FeBus,
    pub(crate) stats: CoSimStats,
    /// Keep a log of bus events (off by default: long runs).
    pub log_events: bool,
    pub events: Vec<BusEvent>,
    /// The pulses as the array saw them (lines latched at each apply
    /// rising edge, and the width), when set to `Some`: comparable with a
    /// board's pins ([`ArrayEnd::pulses`](crate::parts::ArrayEnd)).
    pub pulses: Option<Vec<DevicePulse>>,
    /// The analog side for the waveform, recorded at apply edges and
    /// samples while the clocked cycle count is inside the window (the
    /// VCD's `--vcd-cycles`), if any.
    pub analog: Option<AnalogRecording>,
}

impl<D: BusDut> BusSim<D> {
    /// Bind `dut` to `fe`: the front-end's DAC must hold every code of the
    /// bus' `fe_code`, and the DUT's waveform takes the front-end's clock
    /// period.
    pub fn bind(mut dut: D, fe: FrontEnd, warp: bool) -> Result<Self, CoSimError> {
        let p = fe.params();
        if (p.dac_bits as usize) < FE_CODE_BITS {
            return Err(CoSimError::Config(format!(
                "front-end dac_bits = {}: the accelerator's fe_code carries {FE_CODE_BITS}-bit \
                 codes, so the DAC needs {FE_CODE_BITS}..=16 bits",
                p.dac_bits
            )));
        }
        // (an ADC of more than FE_RD_BITS bits cannot be configured:
        // FrontEndParams allows 2..=16)
        debug_assert!(p.adc_bits as usize <= FE_RD_BITS);
        let period_s = p.clock_period_s;
        dut.set_period_ps((period_s * 1e12).round() as u64);
        Ok(BusSim {
            dut,
            fe,
            warp,
            period_s,
            t_cycles: 0,
            bus: FeBus::default(),
            stats: CoSimStats::default(),
            log_events: false,
            events: Vec::new(),
            pulses: None,
            analog: None,
        })
    }

    /// Simulated time in seconds.
    pub fn time_s(&self) -> f64 {
        self.t_cycles as f64 * self.period_s
    }

    /// Simulated time in clock cycles.
    pub fn time_cycles(&self) -> u64 {
        self.t_cycles
    }

    /// The clock period, seconds.
    pub fn period_s(&self) -> f64 {
        self.period_s
    }

    pub fn stats(&self) -> CoSimStats {
        self.stats
    }

    /// The front-end's side of the bus (conversions, result beats).
    pub fn bus(&self) -> &FeBus {
        &self.bus
    }

    pub(crate) fn fe_err(&self, source: FrontEndError) -> CoSimError {
        CoSimError::FrontEnd {
            t_s: self.time_s(),
            source,
        }
    }

    /// Clock one cycle and let the front-end react to its bus outputs.
    pub fn cycle(&mut self) -> Result<FeReaction, CoSimError> {
        let fin = self.bus.drive(self.t_cycles);
        let warp = if self.warp {
            self.dut.warp_wanted(&self.bus, fin.busy, self.t_cycles)
        } else {
            0
        };
        self.dut.drive(fin, warp);
        self.dut.clock(warp as u64);
        self.stats.clocked_cycles += 1;
        self.stats.warped_cycles += warp as u64;
        self.t_cycles += 1 + warp as u64;
        self.react()
    }

    fn react(&mut self) -> Result<FeReaction, CoSimError> {
        let t = self.t_cycles;
        let t_s = self.time_s();
        let o = self.dut.fe_out();
        let r = self
            .bus
            .react(&mut self.fe, t, t_s, o)
            .map_err(|source| CoSimError::FrontEnd { t_s, source })?;
        if self.log_events {
            if r.staged {
                self.events.push(BusEvent::Stage {
                    t_cycles: t,
                    ch: o.ch,
                    mode: o.mode,
                    code: o.code,
                });
            }
            if let Some(on) = r.apply_edge {
                self.events.push(BusEvent::Apply { t_cycles: t, on });
            }
            if r.sampled {
                self.events.push(BusEvent::Sample { t_cycles: t });
            }
        }
        if let (Some(log), Some(on)) = (&mut self.pulses, r.apply_edge) {
            DevicePulse::record(&self.fe, t, on, log);
        }
        if let Some((a, window)) = &mut self.analog {
            let c = self.stats.clocked_cycles;
            if (r.apply_edge.is_some() || r.sampled)
                && window.is_none_or(|(from, to)| c >= from && c < to)
            {
                let cur = r.sampled.then(|| self.bus.last_currents_a());
                a.record(&self.fe, t_s, r.apply_edge.is_some(), cur)
                    .map_err(CoSimError::Analog)?;
            }
        }
        self.dut.observe(t, &r);
        Ok(r)
    }

    /// Move time to `t_cycles` without clocking (the DUT idle, the bus
    /// quiet): the DUT and the front-end advance in closed form.
    pub fn skip_to(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        if t_cycles <= self.t_cycles {
            return Ok(());
        }
        let n = t_cycles - self.t_cycles;
        self.stats.idle_skipped_cycles += n;
        self.dut.skip_time(n);
        self.t_cycles = t_cycles;
        let t_s = self.time_s();
        self.fe.advance_to(t_s).map_err(|e| self.fe_err(e))
    }

    /// Conductance of every cell, row-major, siemens, now.
    pub fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError> {
        let t_s = self.time_s();
        weights_at(&mut self.fe, t_s)
    }
}
