//! Leaky integrate-and-fire neurons.
//!
//! Number formats (two's complement in `Bits`):
//! - input current `i_in`: signed 16-bit ADC code (the column current code);
//! - `gain`: unsigned Q8.8, so `drive = i_in * gain` is a signed Q16.8 value;
//! - membrane `v`, `threshold`, `reset_v`: signed 24-bit Q16.8 (units of one
//!   current code, 8 fractional bits), saturating at +-2^15 codes;
//! - leak, selected by `leak_mode`:
//!   - 0, shift: `leaked = v - (v >>> leak_shift)` (decay factor 1 - 2^-k);
//!   - 1, multiplier: `leaked = round((v * decay) / 2^16)` with `decay`
//!     unsigned Q0.16, rounded half to even (no drift toward -inf);
//! - `refractory`: ticks a neuron sits out after a spike (membrane held at
//!   `reset_v`);
//! - homeostasis: an adaptive threshold `theta = threshold + adapt`, where
//!   each `win` strobe adds `theta_plus` (unsigned Q15.8) to `adapt` and
//!   every tick decays it, `adapt -= adapt >>> theta_decay_shift` (shift 0:
//!   no decay). The top strobes `win` for the winner of a winner-take-all
//!   decision (or for every spike without WTA): a neuron that keeps winning
//!   gets harder to fire, so every neuron ends up owning a pattern.
//!
//! Per `tick` (one time step):
//! ```text
//! v1 = sat24(leaked(v) + sat24(i_in * gain))
//! inhibit        -> v = reset_v                       (lateral inhibition)
//! refr > 0       -> refr -= 1, v = reset_v
//! adapt_d = adapt - (adapt >>> theta_decay_shift)       (every tick)
//! v1 >= sat24(threshold + adapt)
//!                -> spike, v = reset_v, refr = refractory
//! win (any cycle)-> adapt = sat24(adapt' + theta_plus)   (adapt' = adapt_d on a tick)
//! otherwise      -> v = v1
//! ```
//! `spike` is a registered one-cycle pulse in the cycle after the tick;
//! `saturated` likewise flags a tick whose drive or sum hit the membrane range;
//! `v_pre` holds `sat24(v1 - adapt)` of the last tick: the pre-reset
//! membrane less the neuron's own adaptive threshold, so that a
//! max-membrane winner-take-all picks the neuron furthest above its own
//! threshold (with homeostasis off it is `v1`; used by
//! max-membrane winner-take-all).

use crate::fixed::{ArithShiftRight, MulS16U16, MulS24U16, SatAddSub, SatNarrow, SignedGe};
use rust_hdl::prelude::*;

/// Membrane width in bits (signed Q16.8).
pub const MEMBRANE_BITS: usize = 24;
/// Fractional bits of the membrane and of `gain`.
pub const MEMBRANE_FRAC_BITS: u32 = 8;

/// One leaky integrate-and-fire neuron.
#[derive(LogicBlock, Default)]
pub struct LifNeuron {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: membrane, refractory counter and spike cleared.
    pub reset: Signal<In, Bit>,
    /// Time-step strobe: integrate `i_in` on this cycle.
    pub tick: Signal<In, Bit>,
    /// Lateral inhibition: on a tick, hold the membrane at `reset_v`.
    pub inhibit: Signal<In, Bit>,
    /// Return to rest (start of a presentation): membrane to `reset_v`,
    /// refractory counter cleared; the adaptive threshold is kept.
    pub rest: Signal<In, Bit>,
    /// Homeostasis: this neuron won; raise its adaptive threshold.
    pub win: Signal<In, Bit>,
    /// Signed 16-bit input current code.
    pub i_in: Signal<In, Bits<16>>,
    pub threshold: Signal<In, Bits<24>>,
    pub reset_v: Signal<In, Bits<24>>,
    pub leak_mode: Signal<In, Bit>,
    pub leak_shift: Signal<In, Bits<5>>,
    pub decay: Signal<In, Bits<16>>,
    pub gain: Signal<In, Bits<16>>,
    pub refractory: Signal<In, Bits<8>>,
    /// Threshold increment per spike, unsigned Q15.8.
    pub theta_plus: Signal<In, Bits<23>>,
    pub theta_decay_shift: Signal<In, Bits<5>>,
    pub spike: Signal<Out, Bit>,
    pub saturated: Signal<Out, Bit>,
    pub v_mem: Signal<Out, Bits<24>>,
    pub v_pre: Signal<Out, Bits<24>>,
    /// Adaptive part of the threshold, signed Q16.8 (never negative).
    pub theta_adapt: Signal<Out, Bits<24>>,
    v: DFF<Bits<24>>,
    adapt: DFF<Bits<24>>,
    v1_q: DFF<Bits<24>>,
    refr: DFF<Bits<8>>,
    spk: DFF<Bit>,
    sat: DFF<Bit>,
    drive_mul: MulS16U16,
    drive_sat: SatNarrow<32, 24>,
    leak_asr: ArithShiftRight<24>,
    leak_mul: MulS24U16,
    integrate: SatAddSub<24, 25>,
    crossing: SignedGe<24>,
    adapt_asr: ArithShiftRight<24>,
    adapt_inc: SatAddSub<24, 25>,
    theta_eff: SatAddSub<24, 25>,
    margin: SatAddSub<24, 25>,
    leaked: Signal<Local, Bits<24>>,
    decayed: Signal<Local, Bits<24>>,
}

impl Logic for LifNeuron {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, v, adapt, v1_q, refr, spk, sat);
        // drive = sat24(i_in * gain)
        self.drive_mul.a.next = self.i_in.val();
        self.drive_mul.b.next = self.gain.val();
        self.drive_sat.x.next = self.drive_mul.p.val();
        // leak
        self.leak_asr.a.next = self.v.q.val();
        self.leak_asr.shift.next = self.leak_shift.val();
        self.leak_mul.a.next = self.v.q.val();
        self.leak_mul.b.next = self.decay.val();
        // (v * decay) / 2^16, rounded half to even
        self.decayed.next = self.leak_mul.p.val().get_bits::<24>(16);
        if self.leak_mul.p.val().get_bit(15)
            && (self.leak_mul.p.val().get_bits::<15>(0).any() || self.decayed.val().get_bit(0))
        {
            self.decayed.next = self.leak_mul.p.val().get_bits::<24>(16) + 1;
        }
        if self.leak_mode.val() {
            self.leaked.next = self.decayed.val();
        } else {
            self.leaked.next = self.v.q.val() - self.leak_asr.y.val();
        }
        // v1 = sat24(leaked + drive)
        self.integrate.a.next = self.leaked.val();
        self.integrate.b.next = self.drive_sat.y.val();
        self.integrate.subtract.next = false;
        // homeostasis: effective threshold and the decayed adaptation
        self.theta_eff.a.next = self.threshold.val();
        self.theta_eff.b.next = self.adapt.q.val();
        self.theta_eff.subtract.next = false;
        self.adapt_asr.a.next = self.adapt.q.val();
        self.adapt_asr.shift.next = self.theta_decay_shift.val();
        if self.tick.val() && self.theta_decay_shift.val().any() {
            self.adapt_inc.a.next = self.adapt.q.val() - self.adapt_asr.y.val();
        } else {
            self.adapt_inc.a.next = self.adapt.q.val();
        }
        self.adapt_inc.b.next = bit_cast::<24, 23>(self.theta_plus.val());
        self.adapt_inc.subtract.next = false;
        self.crossing.a.next = self.integrate.y.val();
        self.crossing.b.next = self.theta_eff.y.val();
        self.margin.a.next = self.integrate.y.val();
        self.margin.b.next = self.adapt.q.val();
        self.margin.subtract.next = true;

        self.spk.d.next = false;
        self.sat.d.next = self.tick.val()
            && !self.reset.val()
            && (self.drive_sat.clamped.val()
                || self.integrate.overflow.val()
                || self.theta_eff.overflow.val()
                || self.margin.overflow.val())
            || (self.win.val() && !self.reset.val() && self.adapt_inc.overflow.val());
        if self.reset.val() {
            self.v.d.next = 0.into();
            self.adapt.d.next = 0.into();
            self.v1_q.d.next = 0.into();
            self.refr.d.next = 0.into();
        } else if self.rest.val() {
            self.v.d.next = self.reset_v.val();
            self.v1_q.d.next = self.reset_v.val();
            self.refr.d.next = 0.into();
        } else if self.tick.val() {
            if self.theta_decay_shift.val().any() {
                self.adapt.d.next = self.adapt.q.val() - self.adapt_asr.y.val();
            }
            if self.inhibit.val() {
                self.v.d.next = self.reset_v.val();
                self.v1_q.d.next = self.reset_v.val();
            } else if self.refr.q.val().any() {
                self.refr.d.next = self.refr.q.val() - 1;
                self.v.d.next = self.reset_v.val();
                self.v1_q.d.next = self.reset_v.val();
            } else {
                self.v1_q.d.next = self.margin.y.val();
                if self.crossing.ge.val() {
                    self.spk.d.next = true;
                    self.v.d.next = self.reset_v.val();
                    self.refr.d.next = self.refractory.val();
                } else {
                    self.v.d.next = self.integrate.y.val();
                }
            }
        }
        if !self.reset.val() && self.win.val() {
            self.adapt.d.next = self.adapt_inc.y.val();
        }
        self.spike.next = self.spk.q.val();
        self.saturated.next = self.sat.q.val();
        self.v_mem.next = self.v.q.val();
        self.v_pre.next = self.v1_q.q.val();
        self.theta_adapt.next = self.adapt.q.val();
    }
}

/// A layer of `N` LIF neurons sharing their parameters.
#[derive(LogicBlock)]
pub struct LifLayer<const N: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub tick: Signal<In, Bit>,
    /// One bit per neuron: hold its membrane at `reset_v` on a tick.
    pub inhibit: Signal<In, Bits<N>>,
    /// Every neuron back to rest (keeps the adaptive thresholds).
    pub rest: Signal<In, Bit>,
    /// One bit per neuron: homeostasis strobe (see [`LifNeuron::win`]).
    pub win: Signal<In, Bits<N>>,
    /// Signed 16-bit current code per neuron.
    pub i_in: [Signal<In, Bits<16>>; N],
    pub threshold: Signal<In, Bits<24>>,
    pub reset_v: Signal<In, Bits<24>>,
    pub leak_mode: Signal<In, Bit>,
    pub leak_shift: Signal<In, Bits<5>>,
    pub decay: Signal<In, Bits<16>>,
    pub gain: Signal<In, Bits<16>>,
    pub refractory: Signal<In, Bits<8>>,
    pub theta_plus: Signal<In, Bits<23>>,
    pub theta_decay_shift: Signal<In, Bits<5>>,
    /// One bit per neuron, a one-cycle pulse in the cycle after the tick.
    pub spikes: Signal<Out, Bits<N>>,
    /// High in the cycle after a tick, when `spikes` and `v_pre` are fresh.
    pub spikes_valid: Signal<Out, Bit>,
    /// Some neuron's drive or membrane saturated on the last tick.
    pub saturated: Signal<Out, Bit>,
    pub v_mem: [Signal<Out, Bits<24>>; N],
    pub v_pre: [Signal<Out, Bits<24>>; N],
    pub theta_adapt: [Signal<Out, Bits<24>>; N],
    neurons: [LifNeuron; N],
    tick_q: DFF<Bit>,
    spike_vec: Signal<Local, Bits<N>>,
    any_saturated: Signal<Local, Bit>,
}

impl<const N: usize> Default for LifLayer<N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            tick: Default::default(),
            inhibit: Default::default(),
            rest: Default::default(),
            win: Default::default(),
            i_in: std::array::from_fn(|_| Default::default()),
            threshold: Default::default(),
            reset_v: Default::default(),
            leak_mode: Default::default(),
            leak_shift: Default::default(),
            decay: Default::default(),
            gain: Default::default(),
            refractory: Default::default(),
            theta_plus: Default::default(),
            theta_decay_shift: Default::default(),
            spikes: Default::default(),
            spikes_valid: Default::default(),
            saturated: Default::default(),
            v_mem: std::array::from_fn(|_| Default::default()),
            v_pre: std::array::from_fn(|_| Default::default()),
            theta_adapt: std::array::from_fn(|_| Default::default()),
            neurons: std::array::from_fn(|_| Default::default()),
            tick_q: Default::default(),
            spike_vec: Default::default(),
            any_saturated: Default::default(),
        }
    }
}

impl<const N: usize> Logic for LifLayer<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, tick_q);
        self.tick_q.d.next = self.tick.val() && !self.reset.val() && !self.rest.val();
        self.spike_vec.next = 0.into();
        self.any_saturated.next = false;
        for i in 0..N {
            self.neurons[i].clock.next = self.clock.val();
            self.neurons[i].reset.next = self.reset.val();
            self.neurons[i].tick.next = self.tick.val();
            self.neurons[i].inhibit.next = self.inhibit.val().get_bit(i);
            self.neurons[i].rest.next = self.rest.val();
            self.neurons[i].win.next = self.win.val().get_bit(i);
            self.neurons[i].i_in.next = self.i_in[i].val();
            self.neurons[i].threshold.next = self.threshold.val();
            self.neurons[i].reset_v.next = self.reset_v.val();
            self.neurons[i].leak_mode.next = self.leak_mode.val();
            self.neurons[i].leak_shift.next = self.leak_shift.val();
            self.neurons[i].decay.next = self.decay.val();
            self.neurons[i].gain.next = self.gain.val();
            self.neurons[i].refractory.next = self.refractory.val();
            self.neurons[i].theta_plus.next = self.theta_plus.val();
            self.neurons[i].theta_decay_shift.next = self.theta_decay_shift.val();
            self.theta_adapt[i].next = self.neurons[i].theta_adapt.val();
            self.spike_vec.next = self
                .spike_vec
                .val()
                .replace_bit(i, self.neurons[i].spike.val());
            self.any_saturated.next = self.any_saturated.val() || self.neurons[i].saturated.val();
            self.v_mem[i].next = self.neurons[i].v_mem.val();
            self.v_pre[i].next = self.neurons[i].v_pre.val();
        }
        self.spikes.next = self.spike_vec.val();
        self.spikes_valid.next = self.tick_q.q.val();
        self.saturated.next = self.any_saturated.val();
    }
}
