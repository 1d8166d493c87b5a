//! The accelerator in the loop with the array + front-end model.
//!
//! [`CoSim`] clocks any back end of the accelerator (Verilator, rust-hdl,
//! golden) and binds its front-end bus to a [`FrontEnd`]: staging writes,
//! apply edges and sample strobes become front-end events (the device
//! models are called on events only, never per cycle), and sample results
//! stream back as `fe_rd_*` beats after the ADC latency.
//!
//! Time is counted in clock cycles (`t_cycles`, exact integers) and turned
//! into seconds for the front-end. With time warp on:
//! - inside the DUT: in a cycle where the DUT reports `wait_left = n > 1`
//!   and no ADC result is pending, the `warp` input is set to `n - 1`, so the
//!   wait ends at the end of this one clocked cycle, and time advances by
//!   `n` cycles;
//! - between ticks: [`CoSim::idle_until`] moves time without clocking (the
//!   DUT is idle, nothing in it counts time).
//!
//! Bus events then happen at the same simulated times as without warp, so
//! the devices see the same pulses: a test checks spikes, winners and the
//! bus event log are identical. Skipped cycles are passed on to the back end
//! (`CycleModel::skip_time`), so a Verilator VCD is time-stamped in
//! simulated time, warped or not.

use crate::bus::{BusDut, BusSim};
use crate::units::CycleModel;
use neuroxbar_models::frontend::{FrontEnd, FrontEndError};
use neuroxbar_models::golden::accelerator::{AccelInputs, AccelOutputs};
use neuroxbar_models::golden::fe_bus::{FeAnswer, FeDrive};
use std::collections::VecDeque;

/// A front-end bus event, as seen by the array (for logs and equivalence tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusEvent {
    Stage {
        t_cycles: u64,
        ch: u8,
        mode: u8,
        code: i16,
    },
    Apply {
        t_cycles: u64,
        on: bool,
    },
    Sample {
        t_cycles: u64,
    },
}

/// Errors of a co-simulation run.
#[derive(Debug, thiserror::Error)]
pub enum CoSimError {
    #[error("front-end at t = {t_s:.9} s: {source}")]
    FrontEnd { t_s: f64, source: FrontEndError },
    #[error(
        "the accelerator did not return to idle within {cycles} cycles (stuck in a time step?)"
    )]
    Timeout { cycles: u64 },
    #[error("configuration: {0}")]
    Config(String),
    #[error("analog trace: {0}")]
    Analog(String),
    #[error("host link: {0}")]
    Link(String),
    /// A link to a board (or its co-simulation) that failed.
    #[error(transparent)]
    Port(#[from] crate::link::LinkError),
    #[error("Verilator model: {0}")]
    Harness(#[from] crate::harness::HarnessError),
    /// A unit that did not finish an operation within its budget.
    #[error("{0}")]
    Stuck(String),
    /// At a board top's pins: a part's timing rule broken, or an error the
    /// board reports (its error LEDs).
    #[error("{board}, cycle {t_cycles}: {detail}")]
    Board {
        board: &'static str,
        t_cycles: u64,
        detail: String,
    },
}

/// The front-end side of a controller's `fe_*` bus, in exact cycle time:
/// staging writes, apply edges and sample strobes become [`FrontEnd`]
/// events, and sample results stream back one column per cycle after the
/// ADC conversion. Shared by [`CoSim`] (the accelerator) and the benches
/// that bind the crossbar controller alone.
#[derive(Debug, Default)]
pub struct FeBus {
    apply_on: bool,
    /// `(cycle, channel, code, saturated)` beats not yet delivered.
    results: VecDeque<(u64, u8, i16, bool)>,
    busy_until: u64,
    /// The analog column currents of the last sample, amperes.
    last_currents_a: Vec<f64>,
}

/// The DUT's bus outputs of one cycle: the controller's side of the bus,
/// as the golden models carry it.
pub type FeOut = FeDrive;

/// What the front-end drives into the DUT in one cycle.
#[derive(Debug, Clone, Copy)]
pub struct FeIn {
    /// The ADC is converting (`fe_busy`).
    pub busy: bool,
    /// A result beat `(channel, code, saturated)` (`fe_rd_*`), if one is due.
    pub rd: Option<(u8, i16, bool)>,
}

impl FeIn {
    /// Write this cycle's answer into a DUT's bus inputs. Without a result
    /// beat only `rd_valid` falls: the other `rd_*` fields keep the last
    /// beat's values (don't-care while `rd_valid` is low).
    pub fn answer(&self, fe: &mut FeAnswer) {
        fe.busy = self.busy;
        fe.rd_valid = self.rd.is_some();
        if let Some((ch, code, sat)) = self.rd {
            fe.rd_ch = ch;
            fe.rd_data = code;
            fe.rd_sat = sat;
        }
    }
}

/// What a cycle's bus outputs did.
#[derive(Debug, Clone, Copy, Default)]
pub struct FeReaction {
    pub staged: bool,
    /// `Some(on)` when `fe_apply` changed.
    pub apply_edge: Option<bool>,
    pub sampled: bool,
}

impl FeBus {
    /// The front-end's inputs to the DUT for the cycle starting at `t_cycles`
    /// (pops the result beat that is due).
    pub fn drive(&mut self, t_cycles: u64) -> FeIn {
        let busy = t_cycles < self.busy_until;
        let rd = match self.results.front() {
            Some(&(at, ch, code, sat)) if at <= t_cycles => {
                self.results.pop_front();
                Some((ch, code, sat))
            }
            _ => None,
        };
        FeIn { busy, rd }
    }

    /// The warp rule: in a wait of `wait_left > 1` cycles, with the ADC idle
    /// and no result pending, the DUT may skip `wait_left - 1` cycles.
    pub fn warp(&self, wait_left: u32, busy: bool) -> u32 {
        if wait_left > 1 && !busy && self.results.is_empty() {
            wait_left - 1
        } else {
            0
        }
    }

    /// The analog currents of the last sample's sensed channels, amperes.
    pub fn last_currents_a(&self) -> &[f64] {
        &self.last_currents_a
    }

    /// Result beats still to be delivered.
    pub fn pending(&self) -> bool {
        !self.results.is_empty()
    }

    /// Converting at `t_cycles`, or results pending.
    pub fn active(&self, t_cycles: u64) -> bool {
        t_cycles < self.busy_until || self.pending()
    }

    /// Apply the bus outputs of the cycle that ended at `t_cycles` (`t_s`).
    pub fn react(
        &mut self,
        fe: &mut FrontEnd,
        t_cycles: u64,
        t_s: f64,
        o: FeOut,
    ) -> Result<FeReaction, FrontEndError> {
        let mut r = FeReaction::default();
        if o.we {
            // the bus code as the RTL drives it (its fe_code, sign-extended):
            // staged as that value, so a DAC of another width gets the same
            // level or a range error, never a re-interpreted bit pattern
            let mode = neuroxbar_models::frontend::ChannelMode::from_bits(o.mode as u64)?;
            fe.stage(usize::from(o.ch), mode, o.code)?;
            r.staged = true;
        }
        if o.apply != self.apply_on {
            fe.set_apply(t_s, o.apply)?;
            self.apply_on = o.apply;
            r.apply_edge = Some(o.apply);
        }
        if o.sample {
            let batch = fe.sample(t_s)?;
            let ready = t_cycles + batch.conversion_cycles;
            self.busy_until = ready;
            for (k, c) in batch.columns.iter().enumerate() {
                self.results
                    .push_back((ready + k as u64, c.ch as u8, c.code, c.saturated));
            }
            self.last_currents_a.clear();
            self.last_currents_a
                .extend(batch.columns.iter().map(|c| c.current_a));
            r.sampled = true;
        }
        Ok(r)
    }
}

/// Conductance of every cell at `t_s`, row-major, siemens. Clocked cycles
/// move the front-end's time only at bus events: it is brought to `t_s`
/// first, so the read is at the same time warped or not.
pub fn weights_at(fe: &mut FrontEnd, t_s: f64) -> Result<Vec<f64>, CoSimError> {
    fe.advance_to(t_s)
        .and_then(|()| fe.weights_s())
        .map_err(|source| CoSimError::FrontEnd { t_s, source })
}

pub use crate::bus::CoSimStats;

/// Result of one time step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepResult {
    pub spikes: u64,
    pub winner: Option<u8>,
}

/// The accelerator as a [`BusDut`]: a back end and its port values.
pub struct AccelDut<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> {
    pub model: B,
    inp: AccelInputs,
    out: AccelOutputs,
    /// The spikes of the last `spikes_valid` cycle.
    last_spikes: u64,
}

impl<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> BusDut for AccelDut<B> {
    fn drive(&mut self, fin: FeIn, warp: u32) {
        fin.answer(&mut self.inp.fe);
        self.inp.warp = warp;
    }
    fn warp_wanted(&self, bus: &FeBus, fe_busy: bool, _t_cycles: u64) -> u32 {
        bus.warp(self.out.wait_left, fe_busy)
    }
    fn clock(&mut self, skipped: u64) {
        if skipped > 0 {
            self.model.skip_time(skipped);
        }
        self.out = self.model.step(&self.inp);
        // one-shot host inputs last one cycle
        self.inp.tick = false;
        self.inp.present = false;
        self.inp.cfg_write = None;
        self.inp.reset = false;
        if self.out.spikes_valid {
            self.last_spikes = self.out.spikes;
        }
    }
    fn fe_out(&self) -> FeOut {
        self.out.fe
    }
    fn skip_time(&mut self, cycles: u64) {
        self.model.skip_time(cycles);
    }
    fn set_period_ps(&mut self, period_ps: u64) {
        self.model.set_period_ps(period_ps);
    }
}

/// The accelerator in the loop with the array + front-end model.
pub type CoSim<B> = BusSim<AccelDut<B>>;

impl<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> BusSim<AccelDut<B>> {
    pub fn new(model: B, fe: FrontEnd, warp: bool) -> Result<Self, CoSimError> {
        let dut = AccelDut {
            model,
            inp: AccelInputs::default(),
            out: AccelOutputs::default(),
            last_spikes: 0,
        };
        BusSim::bind(dut, fe, warp)
    }

    /// The outputs after the last clocked cycle.
    pub fn outputs(&self) -> &AccelOutputs {
        &self.dut.out
    }

    /// Read an internal value through the debug port (`DEBUG_LATENCY` = 2
    /// cycles with the select held; see `Accelerator::debug_sel`): `group`
    /// and `index`. The value is the state after the first cycle's edge.
    pub fn peek(&mut self, group: u16, index: u16) -> Result<u32, CoSimError> {
        self.dut.inp.debug_sel = (group << 8) | index;
        for _ in 0..neuroxbar_models::golden::accelerator::DEBUG_LATENCY {
            self.cycle()?;
        }
        Ok(self.dut.out.debug_data)
    }

    /// Synchronous reset for two cycles.
    pub fn reset(&mut self) -> Result<(), CoSimError> {
        for _ in 0..2 {
            self.dut.inp.reset = true;
            self.cycle()?;
        }
        Ok(())
    }

    /// One config register write (one cycle).
    pub fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError> {
        self.dut.inp.cfg_write = Some((addr, data));
        self.cycle().map(|_| ())
    }

    /// Start a presentation (one cycle).
    pub fn present(&mut self) -> Result<(), CoSimError> {
        self.wait_idle(50_000_000)?;
        self.dut.inp.present = true;
        self.cycle().map(|_| ())
    }

    /// Clock until the accelerator reports `idle` (a refresh or a previous
    /// step may still be running).
    pub fn wait_idle(&mut self, max_cycles: u64) -> Result<(), CoSimError> {
        let mut n = 0u64;
        while !self.dut.out.idle {
            self.cycle()?;
            n += 1;
            if n > max_cycles {
                return Err(CoSimError::Timeout { cycles: max_cycles });
            }
        }
        Ok(())
    }

    /// Set the host spike mask used by input mode 0.
    pub fn set_spikes_in(&mut self, mask: u128) {
        self.dut.inp.spikes_in = mask;
    }

    /// One time step: strobe `tick`, clock until the accelerator is idle
    /// again (reading, integrating, learning, programming).
    pub fn step(&mut self, max_cycles: u64) -> Result<StepResult, CoSimError> {
        self.dut.last_spikes = 0;
        let mut winner = None;
        self.wait_idle(max_cycles)?;
        self.dut.inp.tick = true;
        self.cycle()?;
        let mut n = 0u64;
        while !self.dut.out.idle || self.dut.inp.fe.busy || self.bus.pending() {
            self.cycle()?;
            if self.dut.out.winner_valid && winner.is_none() {
                winner = Some(self.dut.out.winner);
            }
            n += 1;
            if n > max_cycles {
                return Err(CoSimError::Timeout { cycles: max_cycles });
            }
        }
        if self.dut.out.winner_valid && winner.is_none() {
            winner = Some(self.dut.out.winner);
        }
        self.stats.ticks += 1;
        Ok(StepResult {
            spikes: self.dut.last_spikes,
            winner,
        })
    }

    /// Let time pass until `t_cycles` with the accelerator idle: warped (the
    /// front-end advances in closed form) or clocked.
    pub fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        // the accelerator may still be busy (e.g. a refresh): clock that part
        while self.time_cycles() < t_cycles && !self.dut.out.idle {
            self.cycle()?;
        }
        if self.warp {
            self.skip_to(t_cycles)
        } else {
            while self.time_cycles() < t_cycles {
                self.cycle()?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod bus_tests {
    use super::*;
    use neuroxbar_models::device::{DeviceKind, DeviceSpec};
    use neuroxbar_models::frontend::FrontEndParams;

    /// A negative code on the 12-bit bus reaches a 14-bit DAC as the same
    /// code (not as the 12-bit pattern read as 14 bits: -1 would be 4095).
    #[test]
    fn bus_codes_keep_their_value_at_any_dac_width() {
        for dac_bits in [12, 14, 16] {
            let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
            let params = FrontEndParams {
                dac_bits,
                ..FrontEndParams::default()
            };
            let mut fe = FrontEnd::from_spec(&spec, 2, 2, params, 1).unwrap();
            let mut bus = FeBus::default();
            let out = FeOut {
                we: true,
                ch: 0,
                mode: 1, // drive
                code: -1,
                apply: false,
                sample: false,
            };
            bus.react(&mut fe, 1, 1e-8, out).unwrap();
            assert_eq!(fe.staged(0).unwrap().code, -1, "dac_bits {dac_bits}");
        }
    }

    /// Binding checks the DAC against the bus width (naming the field) and
    /// gives the waveform the front-end's clock period.
    #[test]
    fn binding_checks_the_dac_width_and_clocks_the_waveform_with_the_front_end() {
        use crate::units::accelerator::{GoldenAccel, VerilatorAccel};
        let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
        let fe = |params: FrontEndParams| FrontEnd::from_spec(&spec, 25, 5, params, 1).unwrap();
        for (dac_bits, ok) in [(10, false), (11, false), (12, true), (16, true)] {
            let params = FrontEndParams {
                dac_bits,
                ..FrontEndParams::default()
            };
            match CoSim::new(GoldenAccel::default(), fe(params), false) {
                Ok(_) => assert!(ok, "dac_bits {dac_bits} accepted"),
                Err(e) => {
                    assert!(!ok, "dac_bits {dac_bits}: {e}");
                    let m = e.to_string();
                    assert!(
                        m.contains(&format!("dac_bits = {dac_bits}")) && m.contains("12..=16"),
                        "{m}"
                    );
                }
            }
        }
        // 36 MHz: a cycle is 27,778 ps in the VCD, not the default 10,000
        let dir = std::env::temp_dir().join(format!("neuroxbar-bind-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.vcd");
        let params = FrontEndParams {
            clock_period_s: 1e-6 / 36.0,
            ..FrontEndParams::default()
        };
        let dut = VerilatorAccel::new(crate::Trace::Whole(path.clone())).unwrap();
        let mut sim = CoSim::new(dut, fe(params), false).unwrap();
        for _ in 0..4 {
            sim.cycle().unwrap();
        }
        drop(sim);
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let times: Vec<u64> = text
            .lines()
            .filter_map(|l| l.strip_prefix('#')?.trim().parse().ok())
            .collect();
        assert!(times.contains(&(4 * 27_778)), "{times:?}");
        assert!(!times.contains(&40_000), "{times:?}");
    }
}
