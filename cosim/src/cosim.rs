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

use crate::units::CycleModel;
use neuroxbar_models::frontend::{FrontEnd, FrontEndError};
use neuroxbar_models::golden::accelerator::{AccelInputs, AccelOutputs};
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
}

/// Counters of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoSimStats {
    /// Cycles actually clocked.
    pub clocked_cycles: u64,
    /// Cycles skipped by warping inside the DUT.
    pub warped_cycles: u64,
    /// Cycles skipped while idle between ticks.
    pub idle_skipped_cycles: u64,
    pub ticks: u64,
}

/// Result of one time step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepResult {
    pub spikes: u64,
    pub winner: Option<u8>,
}

pub struct CoSim<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> {
    pub dut: B,
    pub fe: FrontEnd,
    /// Warp waits (inside the DUT and between ticks).
    pub warp: bool,
    period_s: f64,
    t_cycles: u64,
    inp: AccelInputs,
    out: AccelOutputs,
    apply_on: bool,
    results: VecDeque<(u64, u8, i16, bool)>,
    busy_until: u64,
    stats: CoSimStats,
    /// Keep a log of bus events (off by default: long runs).
    pub log_events: bool,
    pub events: Vec<BusEvent>,
    last_spikes: u64,
}

impl<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> CoSim<B> {
    pub fn new(dut: B, fe: FrontEnd, warp: bool) -> Self {
        let period_s = fe.params().clock_period_s;
        Self {
            dut,
            fe,
            warp,
            period_s,
            t_cycles: 0,
            inp: AccelInputs::default(),
            out: AccelOutputs::default(),
            apply_on: false,
            results: VecDeque::new(),
            busy_until: 0,
            stats: CoSimStats::default(),
            log_events: false,
            events: Vec::new(),
            last_spikes: 0,
        }
    }

    /// Simulated time in seconds.
    pub fn time_s(&self) -> f64 {
        self.t_cycles as f64 * self.period_s
    }

    /// Simulated time in clock cycles.
    pub fn time_cycles(&self) -> u64 {
        self.t_cycles
    }

    pub fn stats(&self) -> CoSimStats {
        self.stats
    }

    /// The outputs after the last clocked cycle.
    pub fn outputs(&self) -> &AccelOutputs {
        &self.out
    }

    fn fe_err(&self, source: FrontEndError) -> CoSimError {
        CoSimError::FrontEnd {
            t_s: self.time_s(),
            source,
        }
    }

    /// Clock one cycle with the pending host inputs, then react to the bus.
    pub fn cycle(&mut self) -> Result<(), CoSimError> {
        // front-end side of this cycle
        self.inp.fe_busy = self.t_cycles < self.busy_until;
        match self.results.front() {
            Some(&(at, ch, code, sat)) if at <= self.t_cycles => {
                self.results.pop_front();
                self.inp.fe_rd_valid = true;
                self.inp.fe_rd_ch = ch;
                self.inp.fe_rd_data = code;
                self.inp.fe_rd_sat = sat;
            }
            _ => self.inp.fe_rd_valid = false,
        }
        let mut advance = 1u64;
        self.inp.warp = 0;
        if self.warp && self.out.wait_left > 1 && !self.inp.fe_busy && self.results.is_empty() {
            self.inp.warp = self.out.wait_left - 1;
            advance += self.inp.warp as u64;
        }
        if advance > 1 {
            // the skipped cycles pass before the edge that ends the wait, as
            // they would clocked; a VCD shows that edge at its simulated time
            self.dut.skip_time(advance - 1);
        }
        self.out = self.dut.step(&self.inp);
        self.stats.clocked_cycles += 1;
        self.stats.warped_cycles += advance - 1;
        self.t_cycles += advance;
        // one-shot host inputs last one cycle
        self.inp.tick = false;
        self.inp.present = false;
        self.inp.cfg_write = None;
        self.inp.reset = false;
        self.react()
    }

    fn react(&mut self) -> Result<(), CoSimError> {
        let t = self.t_cycles;
        let t_s = self.time_s();
        let o = self.out.clone();
        if o.fe_we {
            self.fe
                .stage_bits(
                    o.fe_ch as u64,
                    o.fe_mode as u64,
                    (o.fe_code as u16 & 0xFFF) as u64,
                )
                .map_err(|e| self.fe_err(e))?;
            if self.log_events {
                self.events.push(BusEvent::Stage {
                    t_cycles: t,
                    ch: o.fe_ch,
                    mode: o.fe_mode,
                    code: o.fe_code,
                });
            }
        }
        if o.fe_apply != self.apply_on {
            self.fe
                .set_apply(t_s, o.fe_apply)
                .map_err(|e| self.fe_err(e))?;
            self.apply_on = o.fe_apply;
            if self.log_events {
                self.events.push(BusEvent::Apply {
                    t_cycles: t,
                    on: o.fe_apply,
                });
            }
        }
        if o.fe_sample {
            let batch = self.fe.sample(t_s).map_err(|e| self.fe_err(e))?;
            let ready = t + batch.conversion_cycles;
            self.busy_until = ready;
            for (k, c) in batch.columns.iter().enumerate() {
                self.results
                    .push_back((ready + k as u64, c.ch as u8, c.code, c.saturated));
            }
            if self.log_events {
                self.events.push(BusEvent::Sample { t_cycles: t });
            }
        }
        if o.spikes_valid {
            self.last_spikes = o.spikes;
        }
        Ok(())
    }

    /// Conductance of every cell, row-major, siemens (brings devices up to date).
    pub fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError> {
        let t_s = self.time_s();
        self.fe
            .weights_s()
            .map_err(|source| CoSimError::FrontEnd { t_s, source })
    }

    /// Read an internal value through the debug port (one cycle; see
    /// `Accelerator::debug_sel`): `group` and `index`.
    pub fn peek(&mut self, group: u16, index: u16) -> Result<u32, CoSimError> {
        self.inp.debug_sel = (group << 8) | index;
        self.cycle()?;
        Ok(self.out.debug_data)
    }

    /// Synchronous reset for two cycles.
    pub fn reset(&mut self) -> Result<(), CoSimError> {
        for _ in 0..2 {
            self.inp.reset = true;
            self.cycle()?;
        }
        Ok(())
    }

    /// One config register write (one cycle).
    pub fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError> {
        self.inp.cfg_write = Some((addr, data));
        self.cycle()
    }

    /// Start a presentation (one cycle).
    pub fn present(&mut self) -> Result<(), CoSimError> {
        self.wait_idle(50_000_000)?;
        self.inp.present = true;
        self.cycle()
    }

    /// Clock until the accelerator reports `idle` (a refresh or a previous
    /// step may still be running).
    pub fn wait_idle(&mut self, max_cycles: u64) -> Result<(), CoSimError> {
        let mut n = 0u64;
        while !self.out.idle {
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
        self.inp.spikes_in = mask;
    }

    /// One time step: strobe `tick`, clock until the accelerator is idle
    /// again (reading, integrating, learning, programming).
    pub fn step(&mut self, max_cycles: u64) -> Result<StepResult, CoSimError> {
        self.last_spikes = 0;
        let mut winner = None;
        self.wait_idle(max_cycles)?;
        self.inp.tick = true;
        self.cycle()?;
        let mut n = 0u64;
        while !self.out.idle || self.inp.fe_busy || !self.results.is_empty() {
            self.cycle()?;
            if self.out.winner_valid && winner.is_none() {
                winner = Some(self.out.winner);
            }
            n += 1;
            if n > max_cycles {
                return Err(CoSimError::Timeout { cycles: max_cycles });
            }
        }
        if self.out.winner_valid && winner.is_none() {
            winner = Some(self.out.winner);
        }
        self.stats.ticks += 1;
        Ok(StepResult {
            spikes: self.last_spikes,
            winner,
        })
    }

    /// Let time pass until `t_cycles` with the accelerator idle: warped (the
    /// front-end advances in closed form) or clocked.
    pub fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        // the accelerator may still be busy (e.g. a refresh): clock that part
        while self.t_cycles < t_cycles && !self.out.idle {
            self.cycle()?;
        }
        if t_cycles <= self.t_cycles {
            return Ok(());
        }
        if self.warp {
            self.stats.idle_skipped_cycles += t_cycles - self.t_cycles;
            self.dut.skip_time(t_cycles - self.t_cycles);
            self.t_cycles = t_cycles;
            let t_s = self.time_s();
            self.fe.advance_to(t_s).map_err(|e| self.fe_err(e))?;
        } else {
            while self.t_cycles < t_cycles {
                self.cycle()?;
            }
        }
        Ok(())
    }
}
