//! Port-level inputs and outputs of `neuroxbar_rtl::accelerator::Accelerator`
//! (shared by every back end and by the co-simulation driver).

/// Inputs during one clock cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccelInputs {
    pub reset: bool,
    /// Start a time step (only honoured while `idle`).
    pub tick: bool,
    /// Start a presentation: encoder ramp, WTA, membranes to rest, traces cleared.
    pub present: bool,
    /// Host spike mask (input mode 0), one bit per row.
    pub spikes_in: u128,
    /// Config write `(addr, data)` this cycle.
    pub cfg_write: Option<(u8, u32)>,
    pub fe_busy: bool,
    pub fe_rd_valid: bool,
    pub fe_rd_ch: u8,
    pub fe_rd_data: i16,
    pub fe_rd_sat: bool,
    /// Simulation-only time warp: advance the active wait by `1 + warp` cycles.
    pub warp: u32,
    /// Observability select (see `Accelerator::debug_sel`).
    pub debug_sel: u16,
}

/// Registered outputs after the clock edge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccelOutputs {
    pub fe_ch: u8,
    /// Signed 12-bit DAC code, sign-extended.
    pub fe_code: i16,
    pub fe_mode: u8,
    pub fe_we: bool,
    pub fe_apply: bool,
    pub fe_sample: bool,
    /// Nothing in flight: waiting for the next tick.
    pub idle: bool,
    /// Cycles left in the current internal wait (0: not waiting).
    pub wait_left: u32,
    /// Output spikes of the last time step, one bit per column.
    pub spikes: u64,
    pub spikes_valid: bool,
    pub winner: u8,
    pub winner_valid: bool,
    /// Sticky error flags (cleared by reset).
    pub cfg_error: bool,
    pub clamp_error: bool,
    /// Some neuron saturated on the last tick.
    pub saturated: bool,
    pub overrun: bool,
    pub debug_data: u32,
}
