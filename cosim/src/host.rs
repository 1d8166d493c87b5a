//! The host side of an experiment, on any back end.
//!
//! Two traits split what a host can do over a link to the accelerator from
//! what only a simulation can do:
//! - [`Link`]: register writes, timed presentations and time steps, idle
//!   time, reset and the device's cycle counter as the host knows it. The
//!   bus-level co-simulation ([`CoSim`]), the board co-simulation over the
//!   serial link ([`BoardSim`](crate::board::BoardSim)) and a board at a
//!   serial port ([`SerialHost`](crate::serial::SerialHost)) implement it.
//! - [`Host`]: a [`Link`] with the device side in reach (the array and its
//!   front-end, the conductances): the co-simulation back ends only.
//!
//! Timed operations name the absolute cycle in which the accelerator takes
//! the strobe, so that a host program gives the device the same pulses at
//! the same times on every back end, whatever the latency of its link.

use crate::cosim::{CoSim, CoSimError, StepResult};
use crate::units::CycleModel;
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_models::golden::accelerator::{AccelInputs, AccelOutputs};

/// Cycles a time step may take before the host gives up.
pub const STEP_MAX_CYCLES: u64 = 50_000_000;

/// What a timed operation does when its cycle has already passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Late {
    /// Nothing happens: an error (the host program fell behind).
    Refuse,
    /// The strobe is taken as soon as the device can, reported
    /// [`Timing::Late`].
    Allow,
}

/// When a timed operation's strobe was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// In the cycle it was due.
    OnTime,
    /// After its cycle (only with [`Late::Allow`]).
    Late,
}

/// What a host program can do over a link to the accelerator.
pub trait Link {
    /// The device's cycle counter as the host knows it: exact in a
    /// co-simulation; at a serial port, the last value the board reported
    /// or a timed command implies (a lower bound of the counter).
    fn time_cycles(&self) -> u64;
    /// Reset the accelerator.
    fn reset(&mut self) -> Result<(), CoSimError>;
    /// Write a configuration register.
    fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError>;
    /// Start a presentation: the accelerator takes `present` in cycle `t`,
    /// or, past `t`, as `late` says.
    fn present_timed(&mut self, t_cycles: u64, late: Late) -> Result<Timing, CoSimError>;
    /// One time step whose `tick` the accelerator takes in cycle `t`, or,
    /// past `t`, as `late` says.
    fn step_timed(&mut self, t_cycles: u64, late: Late)
        -> Result<(StepResult, Timing), CoSimError>;
    /// Let time pass until cycle `t`.
    fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError>;

    /// Start a presentation in cycle `t` exactly (an error past it).
    fn present_at(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        self.present_timed(t_cycles, Late::Refuse).map(|_| ())
    }
    /// One time step in cycle `t` exactly (an error past it).
    fn step_at(&mut self, t_cycles: u64) -> Result<StepResult, CoSimError> {
        self.step_timed(t_cycles, Late::Refuse).map(|r| r.0)
    }
}

/// A [`Link`] with the device side of a co-simulation in reach.
pub trait Host: Link {
    /// The array and its front-end (the device side of the co-simulation).
    fn front_end(&mut self) -> &mut FrontEnd;
    /// Conductance of every cell, row-major, siemens, now.
    fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError>;
}

impl<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> Link for CoSim<B> {
    fn time_cycles(&self) -> u64 {
        CoSim::time_cycles(self)
    }
    fn reset(&mut self) -> Result<(), CoSimError> {
        CoSim::reset(self)
    }
    fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError> {
        CoSim::write_reg(self, addr, data)
    }
    fn present_timed(&mut self, t_cycles: u64, late: Late) -> Result<Timing, CoSimError> {
        let timing = on_time(CoSim::time_cycles(self), t_cycles, late)?;
        CoSim::idle_until(self, t_cycles)?;
        CoSim::present(self)?;
        Ok(timing)
    }
    fn step_timed(
        &mut self,
        t_cycles: u64,
        late: Late,
    ) -> Result<(StepResult, Timing), CoSimError> {
        let timing = on_time(CoSim::time_cycles(self), t_cycles, late)?;
        CoSim::idle_until(self, t_cycles)?;
        Ok((CoSim::step(self, STEP_MAX_CYCLES)?, timing))
    }
    fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        CoSim::idle_until(self, t_cycles)
    }
}

impl<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> Host for CoSim<B> {
    fn front_end(&mut self) -> &mut FrontEnd {
        &mut self.fe
    }
    fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError> {
        CoSim::weights_s(self)
    }
}

/// An operation due at `t_cycles` when the clock already reads `now`.
pub fn late(now: u64, t_cycles: u64) -> Result<(), CoSimError> {
    if now > t_cycles {
        Err(CoSimError::Link(format!(
            "an operation due at cycle {t_cycles} was issued at cycle {now}: the host program fell behind its schedule"
        )))
    } else {
        Ok(())
    }
}

/// The timing of an operation due at `t_cycles` issued at `now`, under
/// `late` (an error if it is refused).
pub fn on_time(now: u64, t_cycles: u64, late_rule: Late) -> Result<Timing, CoSimError> {
    match (now > t_cycles, late_rule) {
        (false, _) => Ok(Timing::OnTime),
        (true, Late::Allow) => Ok(Timing::Late),
        (true, Late::Refuse) => late(now, t_cycles).map(|_| Timing::Late),
    }
}
