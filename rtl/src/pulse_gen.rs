//! Pulse generator: a train of `count` identical programming pulses.
//!
//! A pulse is the time `apply` (the front-end bus' `fe_apply`) stays high, in
//! clock cycles; at 100 MHz the 24-bit `width` spans 10 ns .. 167 ms, so
//! 20 ns (2 cycles) .. 100 ms (10^7 cycles) are expressible.
//!
//! Behaviour (all outputs are functions of registers, except `amplitude_out`):
//! - `start` (one cycle, ignored while `busy`) latches `width`, `interval`
//!   and `count`. The first pulse begins at that clock edge: in the cycle
//!   after `start`, `apply` and `pulse` are high. `apply` stays high exactly
//!   `width` cycles, then low exactly `interval` cycles before the next pulse;
//!   there is no trailing interval after the last pulse: `done` (one cycle)
//!   comes with the cycle in which `apply` falls, and `busy` drops with it.
//!   A train of `count` pulses therefore takes
//!   `count * width + (count - 1) * interval` cycles after the `start` cycle.
//! - `width = 0` and `interval = 0` behave as 1 (a wait always lasts at
//!   least one cycle).
//! - `count = 0`: no pulse; `done` in the cycle after `start`, `busy` never rises.
//! - `amplitude_out = clamp(amplitude, safe_min, safe_max)` (combinational):
//!   the value the controller stages on the lines, never outside the window.
//!   `clamped` is high for one cycle after a `start` whose `amplitude` was
//!   outside `[safe_min, safe_max]`; the train still runs, at the clamped
//!   value. An empty window (`safe_min > safe_max`) cannot be honoured by any
//!   amplitude: `amplitude_out` is then 0, `start` raises `clamped` and the
//!   train is suppressed (`done` as for `count = 0`).
//! - `pulse` is high for one cycle at each pulse's rising edge (for the
//!   refresh scheduler).
//!
//! Time warp (simulation only, tied to 0 by synthesis): `wait_left` is the
//! number of cycles left in the current width or interval wait, counting the
//! present cycle (0 when idle): without warp the wait ends at the `wait_left`-th
//! clock edge from now. In a cycle with `warp = k` the wait counter advances by
//! `1 + k` instead of 1. The harness keeps `k < wait_left`, so no edge is
//! skipped; `k >= wait_left - 1` ends the wait at this edge.

use crate::fixed::SignedGe;
use rust_hdl::prelude::*;

/// Phase codes of the pulse train (`phase` register). A plain `Bits<2>`
/// state: a `LogicState` enum in a DFF makes rust-hdl emit localparams that
/// Verilator's lint reports as unused.
pub const PHASE_IDLE: u64 = 0;
/// `apply` high (pulse width).
pub const PHASE_HIGH: u64 = 1;
/// `apply` low between two pulses (interval).
pub const PHASE_LOW: u64 = 2;

#[derive(LogicBlock)]
pub struct PulseGenerator {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: back to idle, flags cleared.
    pub reset: Signal<In, Bit>,
    /// Start a train (one cycle; ignored while `busy`).
    pub start: Signal<In, Bit>,
    /// Signed 12-bit DAC code of the full cell voltage.
    pub amplitude: Signal<In, Bits<12>>,
    /// Cycles per pulse (>= 1; 0 behaves as 1).
    pub width: Signal<In, Bits<24>>,
    /// Cycles between pulses (>= 1; 0 behaves as 1).
    pub interval: Signal<In, Bits<24>>,
    /// Pulses in the train (0: none).
    pub count: Signal<In, Bits<8>>,
    /// Safe amplitude window, signed 12-bit codes.
    pub safe_max: Signal<In, Bits<12>>,
    pub safe_min: Signal<In, Bits<12>>,
    /// Simulation only: advance the active wait by `1 + warp` cycles.
    pub warp: Signal<In, Bits<32>>,
    /// The pulse train.
    pub apply: Signal<Out, Bit>,
    pub busy: Signal<Out, Bit>,
    /// One cycle: the train is over.
    pub done: Signal<Out, Bit>,
    /// `amplitude` clamped into `[safe_min, safe_max]` (0 if the window is empty).
    pub amplitude_out: Signal<Out, Bits<12>>,
    /// One cycle after a `start` with an out-of-window amplitude.
    pub clamped: Signal<Out, Bit>,
    /// Cycles left in the current wait, this one included (0: idle).
    pub wait_left: Signal<Out, Bits<32>>,
    /// One cycle at each pulse's rising edge.
    pub pulse: Signal<Out, Bit>,
    phase: DFF<Bits<2>>,
    ph_idle: Constant<Bits<2>>,
    ph_high: Constant<Bits<2>>,
    ph_low: Constant<Bits<2>>,
    left: DFF<Bits<24>>,
    pulses_left: DFF<Bits<8>>,
    width_q: DFF<Bits<24>>,
    interval_q: DFF<Bits<24>>,
    done_q: DFF<Bit>,
    clamped_q: DFF<Bit>,
    pulse_q: DFF<Bit>,
    below_max: SignedGe<12>,
    above_min: SignedGe<12>,
    window_ok: SignedGe<12>,
    width_eff: Signal<Local, Bits<24>>,
    interval_eff: Signal<Local, Bits<24>>,
    wait_end: Signal<Local, Bit>,
    max_left_c: Constant<Bits<32>>,
}

impl Default for PulseGenerator {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            amplitude: Default::default(),
            width: Default::default(),
            interval: Default::default(),
            count: Default::default(),
            safe_max: Default::default(),
            safe_min: Default::default(),
            warp: Default::default(),
            apply: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            amplitude_out: Default::default(),
            clamped: Default::default(),
            wait_left: Default::default(),
            pulse: Default::default(),
            phase: Default::default(),
            ph_idle: Constant::new(PHASE_IDLE.into()),
            ph_high: Constant::new(PHASE_HIGH.into()),
            ph_low: Constant::new(PHASE_LOW.into()),
            left: Default::default(),
            pulses_left: Default::default(),
            width_q: Default::default(),
            interval_q: Default::default(),
            done_q: Default::default(),
            clamped_q: Default::default(),
            pulse_q: Default::default(),
            below_max: Default::default(),
            above_min: Default::default(),
            window_ok: Default::default(),
            width_eff: Default::default(),
            interval_eff: Default::default(),
            wait_end: Default::default(),
            max_left_c: Constant::new(0xFF_FFFFu64.into()),
        }
    }
}

impl Logic for PulseGenerator {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            phase,
            left,
            pulses_left,
            width_q,
            interval_q,
            done_q,
            clamped_q,
            pulse_q
        );
        // safe window: safe_max >= amplitude >= safe_min, and safe_max >= safe_min
        self.below_max.a.next = self.safe_max.val();
        self.below_max.b.next = self.amplitude.val();
        self.above_min.a.next = self.amplitude.val();
        self.above_min.b.next = self.safe_min.val();
        self.window_ok.a.next = self.safe_max.val();
        self.window_ok.b.next = self.safe_min.val();
        if !self.window_ok.ge.val() {
            self.amplitude_out.next = 0.into();
        } else if !self.below_max.ge.val() {
            self.amplitude_out.next = self.safe_max.val();
        } else if !self.above_min.ge.val() {
            self.amplitude_out.next = self.safe_min.val();
        } else {
            self.amplitude_out.next = self.amplitude.val();
        }
        // waits last at least one cycle
        self.width_eff.next = self.width.val();
        if !self.width.val().any() {
            self.width_eff.next = 1.into();
        }
        self.interval_eff.next = self.interval.val();
        if !self.interval.val().any() {
            self.interval_eff.next = 1.into();
        }
        // the wait ends at this edge when 1 + warp >= left, written as a
        // compare of the register with `warp + 1` (a constant 1 in
        // synthesis, where warp is tied to 0) instead of `left - 1`, so no
        // carry chain runs from `left` into the wait's enables; `left = 0`
        // (never in a wait) keeps the 24-bit wrap of `left - 1`
        self.wait_end.next =
            bit_cast::<33, 24>(self.left.q.val()) <= bit_cast::<33, 32>(self.warp.val()) + 1;
        if !self.left.q.val().any() {
            self.wait_end.next = self.warp.val() >= self.max_left_c.val();
        }

        self.done_q.d.next = false;
        self.clamped_q.d.next = false;
        self.pulse_q.d.next = false;
        if self.reset.val() {
            self.phase.d.next = self.ph_idle.val();
            self.left.d.next = 0.into();
            self.pulses_left.d.next = 0.into();
            self.width_q.d.next = 0.into();
            self.interval_q.d.next = 0.into();
        } else {
            if self.phase.q.val() == self.ph_idle.val() {
                if self.start.val() {
                    self.clamped_q.d.next = !self.window_ok.ge.val()
                        || !self.below_max.ge.val()
                        || !self.above_min.ge.val();
                    self.width_q.d.next = self.width_eff.val();
                    self.interval_q.d.next = self.interval_eff.val();
                    if self.count.val().any() && self.window_ok.ge.val() {
                        self.phase.d.next = self.ph_high.val();
                        self.left.d.next = self.width_eff.val();
                        self.pulses_left.d.next = self.count.val();
                        self.pulse_q.d.next = true;
                    } else {
                        self.done_q.d.next = true;
                    }
                }
            } else if self.phase.q.val() == self.ph_high.val() {
                if self.wait_end.val() {
                    if self.pulses_left.q.val() == 1 {
                        self.phase.d.next = self.ph_idle.val();
                        self.left.d.next = 0.into();
                        self.pulses_left.d.next = 0.into();
                        self.done_q.d.next = true;
                    } else {
                        self.phase.d.next = self.ph_low.val();
                        self.left.d.next = self.interval_q.q.val();
                        self.pulses_left.d.next = self.pulses_left.q.val() - 1;
                    }
                } else {
                    self.left.d.next = self.left.q.val() - 1 - self.warp.val().get_bits::<24>(0);
                }
            } else if self.phase.q.val() == self.ph_low.val() {
                if self.wait_end.val() {
                    self.phase.d.next = self.ph_high.val();
                    self.left.d.next = self.width_q.q.val();
                    self.pulse_q.d.next = true;
                } else {
                    self.left.d.next = self.left.q.val() - 1 - self.warp.val().get_bits::<24>(0);
                }
            }
        }
        self.apply.next = self.phase.q.val() == self.ph_high.val();
        self.busy.next = self.phase.q.val() != self.ph_idle.val();
        self.done.next = self.done_q.q.val();
        self.clamped.next = self.clamped_q.q.val();
        self.pulse.next = self.pulse_q.q.val();
        self.wait_left.next = bit_cast::<32, 24>(self.left.q.val());
    }
}
