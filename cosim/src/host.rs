//! The host side of an experiment, on any back end: the operations a host
//! program uses (register writes, timed presentations and time steps, the
//! clock, the array), implemented by the bus-level co-simulation
//! ([`CoSim`]) and by the board co-simulation over the serial link
//! ([`BoardSim`](crate::board::BoardSim)).
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

pub trait Host {
    /// Simulated time in clock cycles.
    fn time_cycles(&self) -> u64;
    /// Reset the accelerator.
    fn reset(&mut self) -> Result<(), CoSimError>;
    /// Write a configuration register.
    fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError>;
    /// Start a presentation: the accelerator takes `present` in cycle `t`.
    fn present_at(&mut self, t_cycles: u64) -> Result<(), CoSimError>;
    /// One time step whose `tick` the accelerator takes in cycle `t`.
    fn step_at(&mut self, t_cycles: u64) -> Result<StepResult, CoSimError>;
    /// Let time pass until cycle `t`.
    fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError>;
    /// The array and its front-end (the device side of the co-simulation).
    fn front_end(&mut self) -> &mut FrontEnd;
    /// Conductance of every cell, row-major, siemens, now.
    fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError>;
}

impl<B: CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>> Host for CoSim<B> {
    fn time_cycles(&self) -> u64 {
        CoSim::time_cycles(self)
    }
    fn reset(&mut self) -> Result<(), CoSimError> {
        CoSim::reset(self)
    }
    fn write_reg(&mut self, addr: u8, data: u32) -> Result<(), CoSimError> {
        CoSim::write_reg(self, addr, data)
    }
    fn present_at(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        late(CoSim::time_cycles(self), t_cycles)?;
        CoSim::idle_until(self, t_cycles)?;
        CoSim::present(self)
    }
    fn step_at(&mut self, t_cycles: u64) -> Result<StepResult, CoSimError> {
        late(CoSim::time_cycles(self), t_cycles)?;
        CoSim::idle_until(self, t_cycles)?;
        CoSim::step(self, STEP_MAX_CYCLES)
    }
    fn idle_until(&mut self, t_cycles: u64) -> Result<(), CoSimError> {
        CoSim::idle_until(self, t_cycles)
    }
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
