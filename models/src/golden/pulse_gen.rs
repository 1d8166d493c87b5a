//! Golden model of `neuroxbar_rtl::pulse_gen::PulseGenerator`: a train of
//! `count` pulses of `width` cycles, `interval` cycles apart, at an amplitude
//! clamped into the safe window; time warp through `warp` / `wait_left`.
//! See the RTL module for the behaviour, cycle by cycle.

/// Phase of the pulse train (same codes as the RTL `phase` register).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PulsePhase {
    #[default]
    Idle = 0,
    /// `apply` high.
    High = 1,
    /// `apply` low between two pulses.
    Low = 2,
}

/// Inputs during one clock cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PulseInputs {
    pub reset: bool,
    pub start: bool,
    /// Signed 12-bit code.
    pub amplitude: i16,
    /// 24-bit cycles.
    pub width: u32,
    /// 24-bit cycles.
    pub interval: u32,
    pub count: u8,
    pub safe_max: i16,
    pub safe_min: i16,
    pub warp: u32,
}

/// Outputs after the rising edge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PulseOutputs {
    pub apply: bool,
    pub busy: bool,
    pub done: bool,
    pub amplitude_out: i16,
    pub clamped: bool,
    pub wait_left: u32,
    pub pulse: bool,
}

/// `amplitude` clamped into `[safe_min, safe_max]`, and whether it was
/// outside; an empty window gives `(0, true)`.
pub fn clamp_amplitude(amplitude: i16, safe_min: i16, safe_max: i16) -> (i16, bool) {
    if safe_min > safe_max {
        (0, true)
    } else if amplitude > safe_max {
        (safe_max, true)
    } else if amplitude < safe_min {
        (safe_min, true)
    } else {
        (amplitude, false)
    }
}

const MASK24: u32 = (1 << 24) - 1;

/// Registered state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PulseGeneratorModel {
    pub phase: PulsePhase,
    /// Cycles left in the current wait (24 bits).
    pub left: u32,
    /// Pulses left, the current one included.
    pub pulses_left: u8,
    pub width_q: u32,
    pub interval_q: u32,
    pub done: bool,
    pub clamped: bool,
    pub pulse: bool,
}

impl PulseGeneratorModel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Does a wait with `left` cycles end at this edge under `warp`?
    pub fn wait_ends(left: u32, warp: u32) -> bool {
        warp >= (left.wrapping_sub(1) & MASK24)
    }

    /// The counter after a wait cycle that does not end it.
    pub fn wait_advance(left: u32, warp: u32) -> u32 {
        left.wrapping_sub(1).wrapping_sub(warp & MASK24) & MASK24
    }

    /// One clock cycle; returns the outputs after the rising edge (with the
    /// same inputs still applied: `amplitude_out` follows them).
    pub fn step(&mut self, inp: &PulseInputs) -> PulseOutputs {
        let (_, out_of_window) = clamp_amplitude(inp.amplitude, inp.safe_min, inp.safe_max);
        let window_ok = inp.safe_max >= inp.safe_min;
        let width_eff = if inp.width & MASK24 == 0 {
            1
        } else {
            inp.width & MASK24
        };
        let interval_eff = if inp.interval & MASK24 == 0 {
            1
        } else {
            inp.interval & MASK24
        };
        let wait_end = Self::wait_ends(self.left, inp.warp);
        self.done = false;
        self.clamped = false;
        self.pulse = false;
        if inp.reset {
            *self = Self::default();
        } else {
            match self.phase {
                PulsePhase::Idle => {
                    if inp.start {
                        self.clamped = out_of_window;
                        self.width_q = width_eff;
                        self.interval_q = interval_eff;
                        if inp.count > 0 && window_ok {
                            self.phase = PulsePhase::High;
                            self.left = width_eff;
                            self.pulses_left = inp.count;
                            self.pulse = true;
                        } else {
                            self.done = true;
                        }
                    }
                }
                PulsePhase::High => {
                    if wait_end {
                        if self.pulses_left == 1 {
                            self.phase = PulsePhase::Idle;
                            self.left = 0;
                            self.pulses_left = 0;
                            self.done = true;
                        } else {
                            self.phase = PulsePhase::Low;
                            self.left = self.interval_q;
                            self.pulses_left -= 1;
                        }
                    } else {
                        self.left = Self::wait_advance(self.left, inp.warp);
                    }
                }
                PulsePhase::Low => {
                    if wait_end {
                        self.phase = PulsePhase::High;
                        self.left = self.width_q;
                        self.pulse = true;
                    } else {
                        self.left = Self::wait_advance(self.left, inp.warp);
                    }
                }
            }
        }
        self.outputs(inp)
    }

    /// Outputs of the current state under inputs `inp`.
    pub fn outputs(&self, inp: &PulseInputs) -> PulseOutputs {
        PulseOutputs {
            apply: self.phase == PulsePhase::High,
            busy: self.phase != PulsePhase::Idle,
            done: self.done,
            amplitude_out: clamp_amplitude(inp.amplitude, inp.safe_min, inp.safe_max).0,
            clamped: self.clamped,
            wait_left: self.left,
            pulse: self.pulse,
        }
    }
}
