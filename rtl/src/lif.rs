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
//! Per accepted `tick` (one time step), with `i_in`, `gain`, `decay`,
//! `leak_mode` and `leak_shift` of the tick cycle:
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
//! Pipeline (for the clock: no path holds more than one multiplier or one
//! long carry chain), four cycles per tick:
//! 1. tick cycle `t`: the products `i_in * gain` and `v * decay` (two
//!    16 x 16 partial products) and the shift leak `v - (v >>> leak_shift)`
//!    are registered;
//! 2. `t + 1`: the leak product is summed and rounded, the drive saturated;
//!    `leaked(v)` and the drive are registered;
//! 3. `t + 2`: integrate and compare, with `threshold` and the adaptive
//!    threshold of that cycle; `v1`, `v1 - adapt`, the compare, the
//!    saturation flags and `theta_decay_shift` are registered;
//! 4. `t + 3` (the `update` strobe): the state update above, with
//!    `inhibit`, `reset_v`, `refractory`, `theta_plus` of that cycle and
//!    the decay shift of stage 3 (a `win` in cycle `t + 2` raises `adapt`
//!    after the compare has read it).
//!
//! `LifLayer` accepts a tick only when no tick is in flight (a tick in the
//! three cycles after an accepted one is ignored: the membrane is not
//! updated yet), so ticks at least 4 cycles apart are all taken; `rest` or
//! `reset` cancels a tick in flight. `spike` is a registered one-cycle pulse
//! after the update (4 cycles after the tick: the edge of `t + 3`);
//! `saturated` likewise flags an update whose drive or sum hit the membrane range;
//! `v_pre` holds `sat24(v1 - adapt)` of the last update: the pre-reset
//! membrane less the neuron's own adaptive threshold, so that a
//! max-membrane winner-take-all picks the neuron furthest above its own
//! threshold (with homeostasis off it is `v1`; used by
//! max-membrane winner-take-all).

use crate::fixed::{ArithShiftRight, MulS16U16, SatNarrow};
use rust_hdl::prelude::*;

/// Membrane width in bits (signed Q16.8).
pub const MEMBRANE_BITS: usize = 24;
/// Fractional bits of the membrane and of `gain`.
pub const MEMBRANE_FRAC_BITS: u32 = 8;
/// Cycles from an accepted `tick` to `spikes` / `spikes_valid` (the edge of
/// `tick + LIF_LATENCY - 1`); also the minimum tick spacing.
pub const LIF_LATENCY: usize = 4;

/// The neuron parameters every neuron of a layer shares: the LIF
/// registers of the register map (`THRESHOLD`, `RESET_V`, `CTRL.leak_mode`,
/// `LEAK_SHIFT`, `DECAY`, `GAIN`, `REFRACTORY`, `THETA_PLUS`,
/// `THETA_DECAY_SHIFT`), as the neurons take them. The register file drives
/// them from a [`LifParamsOut`]; `LifParamsOut::join(&mut regs.lif, &mut
/// layer.params)` connects the two.
#[derive(LogicInterface, Default)]
#[join = "LifParamsOut"]
pub struct LifParams {
    /// Firing threshold (before the adaptive part), signed Q16.8.
    pub threshold: Signal<In, Bits<24>>,
    /// Membrane after a spike, inhibition or rest, signed Q16.8.
    pub reset_v: Signal<In, Bits<24>>,
    /// 0: `leaked = v - (v >>> leak_shift)`; 1: `leaked =
    /// round(v * decay / 2^16)`.
    pub leak_mode: Signal<In, Bit>,
    pub leak_shift: Signal<In, Bits<5>>,
    /// Decay factor, unsigned Q0.16.
    pub decay: Signal<In, Bits<16>>,
    /// Input gain, unsigned Q8.8.
    pub gain: Signal<In, Bits<16>>,
    /// Ticks a neuron sits out after a spike.
    pub refractory: Signal<In, Bits<8>>,
    /// Adaptive threshold increment per `win` strobe, unsigned Q15.8.
    pub theta_plus: Signal<In, Bits<23>>,
    /// Adaptive threshold decay per tick: `adapt -= adapt >>> shift` (0:
    /// none).
    pub theta_decay_shift: Signal<In, Bits<5>>,
}

/// The driver side of [`LifParams`] (the register file).
#[derive(LogicInterface, Default)]
#[join = "LifParams"]
pub struct LifParamsOut {
    pub threshold: Signal<Out, Bits<24>>,
    pub reset_v: Signal<Out, Bits<24>>,
    pub leak_mode: Signal<Out, Bit>,
    pub leak_shift: Signal<Out, Bits<5>>,
    pub decay: Signal<Out, Bits<16>>,
    pub gain: Signal<Out, Bits<16>>,
    pub refractory: Signal<Out, Bits<8>>,
    pub theta_plus: Signal<Out, Bits<23>>,
    pub theta_decay_shift: Signal<Out, Bits<5>>,
}

/// One leaky integrate-and-fire neuron. Stages 1 to 3 register every
/// cycle; the layer's `update` strobe (stage 4, three cycles after the
/// tick) takes the tick's values.
#[derive(LogicBlock)]
pub struct LifNeuron {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: membrane, refractory counter and spike cleared.
    pub reset: Signal<In, Bit>,
    /// Stage 4 of a tick (three cycles after it): update.
    pub update: Signal<In, Bit>,
    /// Lateral inhibition: on an update, hold the membrane at `reset_v`.
    pub inhibit: Signal<In, Bit>,
    /// Return to rest (start of a presentation): membrane to `reset_v`,
    /// refractory counter cleared; the adaptive threshold is kept.
    pub rest: Signal<In, Bit>,
    /// Homeostasis: this neuron won; raise its adaptive threshold.
    pub win: Signal<In, Bit>,
    /// Signed 16-bit input current code.
    pub i_in: Signal<In, Bits<16>>,
    /// The neuron parameters (the LIF registers).
    pub params: LifParams,
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
    // stage 1: products and the shift leak
    drive_p: DFF<Bits<32>>,
    leak_lo: DFF<Bits<32>>,
    leak_hi: DFF<Bits<32>>,
    shift_leaked: DFF<Bits<24>>,
    mode_q: DFF<Bit>,
    // stage 2: leaked membrane and saturated drive
    leaked_q: DFF<Bits<24>>,
    drive_q: DFF<Bits<24>>,
    clamped_q: DFF<Bit>,
    // stage 3: v1, margin, the compare and the saturation flags
    v1_r: DFF<Bits<24>>,
    marg_r: DFF<Bits<24>>,
    fire_r: DFF<Bit>,
    flag_r: DFF<Bit>,
    /// `theta_decay_shift` of stage 3, the update's decay shift.
    shift_r: DFF<Bits<5>>,
    drive_mul: MulS16U16,
    drive_sat: SatNarrow<32, 24>,
    leak_asr: ArithShiftRight<24>,
    /// `sext(v[23:16]) * decay`, the signed high partial product.
    leak_mul_hi: MulS16U16,
    ext_16: Constant<Bits<16>>,
    ext_40: Constant<Bits<40>>,
    /// Bits 24..26: the sign extension of a 24-bit value to 27 bits.
    ext_27: Constant<Bits<27>>,
    max_24: Constant<Bits<24>>,
    min_24: Constant<Bits<24>>,
    one_27: Constant<Bits<27>>,
    /// Bit 23 (the 24-bit sign) and bit 26 (the sign) of a 27-bit sum.
    bit23_27: Constant<Bits<27>>,
    bit26_27: Constant<Bits<27>>,
    // stage 3, all sums exact in 27 bits (see `update`)
    leaked_x: Signal<Local, Bits<27>>,
    drive_x: Signal<Local, Bits<27>>,
    thr_x: Signal<Local, Bits<27>>,
    nthr_x: Signal<Local, Bits<27>>,
    adapt_x: Signal<Local, Bits<27>>,
    nadapt_x: Signal<Local, Bits<27>>,
    /// `leaked + drive`.
    sum_x: Signal<Local, Bits<27>>,
    /// `leaked + drive - adapt` (carry-save, then one adder).
    marg_s: Signal<Local, Bits<27>>,
    marg_c: Signal<Local, Bits<27>>,
    marg_x: Signal<Local, Bits<27>>,
    /// `leaked + drive - threshold - adapt` (two carry-save levels).
    cmp_s1: Signal<Local, Bits<27>>,
    cmp_c1: Signal<Local, Bits<27>>,
    cmp_s2: Signal<Local, Bits<27>>,
    cmp_c2: Signal<Local, Bits<27>>,
    cmp_x: Signal<Local, Bits<27>>,
    /// `threshold + adapt`.
    theta_x: Signal<Local, Bits<27>>,
    v1: Signal<Local, Bits<24>>,
    sum_neg: Signal<Local, Bit>,
    /// `leaked + drive + 1`.
    sum1_x: Signal<Local, Bits<27>>,
    v1_hi: Signal<Local, Bit>,
    v1_lo: Signal<Local, Bit>,
    theta_ovf: Signal<Local, Bit>,
    ge: Signal<Local, Bit>,
    margin_lo: Signal<Local, Bit>,
    margin: Signal<Local, Bits<24>>,
    // homeostasis: `adapt - sub + add` in one adder
    adapt_shr: Signal<Local, Bits<24>>,
    adapt_sub: Signal<Local, Bits<24>>,
    nsub_x: Signal<Local, Bits<27>>,
    add_x: Signal<Local, Bits<27>>,
    adapt_s: Signal<Local, Bits<27>>,
    adapt_c: Signal<Local, Bits<27>>,
    adapt_r: Signal<Local, Bits<27>>,
    adapt_ovf: Signal<Local, Bit>,
    v_hi: Signal<Local, Bits<16>>,
    hi_x: Signal<Local, Bits<40>>,
    leak_p: Signal<Local, Bits<40>>,
    decayed: Signal<Local, Bits<24>>,
}

impl Default for LifNeuron {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            update: Default::default(),
            inhibit: Default::default(),
            rest: Default::default(),
            win: Default::default(),
            i_in: Default::default(),
            params: Default::default(),
            spike: Default::default(),
            saturated: Default::default(),
            v_mem: Default::default(),
            v_pre: Default::default(),
            theta_adapt: Default::default(),
            v: Default::default(),
            adapt: Default::default(),
            v1_q: Default::default(),
            refr: Default::default(),
            spk: Default::default(),
            sat: Default::default(),
            drive_p: Default::default(),
            leak_lo: Default::default(),
            leak_hi: Default::default(),
            shift_leaked: Default::default(),
            mode_q: Default::default(),
            leaked_q: Default::default(),
            drive_q: Default::default(),
            clamped_q: Default::default(),
            v1_r: Default::default(),
            marg_r: Default::default(),
            fire_r: Default::default(),
            flag_r: Default::default(),
            shift_r: Default::default(),
            drive_mul: Default::default(),
            drive_sat: Default::default(),
            leak_asr: Default::default(),
            leak_mul_hi: Default::default(),
            ext_16: Constant::new(0xFF00u64.into()),
            ext_40: Constant::new(0xFF_0000_0000u64.into()),
            ext_27: Constant::new(0x700_0000u64.into()),
            max_24: Constant::new(0x7F_FFFFu64.into()),
            min_24: Constant::new(0x80_0000u64.into()),
            one_27: Constant::new(1u64.into()),
            bit23_27: Constant::new(0x80_0000u64.into()),
            bit26_27: Constant::new(0x400_0000u64.into()),
            leaked_x: Default::default(),
            drive_x: Default::default(),
            thr_x: Default::default(),
            nthr_x: Default::default(),
            adapt_x: Default::default(),
            nadapt_x: Default::default(),
            sum_x: Default::default(),
            marg_s: Default::default(),
            marg_c: Default::default(),
            marg_x: Default::default(),
            cmp_s1: Default::default(),
            cmp_c1: Default::default(),
            cmp_s2: Default::default(),
            cmp_c2: Default::default(),
            cmp_x: Default::default(),
            theta_x: Default::default(),
            v1: Default::default(),
            sum_neg: Default::default(),
            sum1_x: Default::default(),
            v1_hi: Default::default(),
            v1_lo: Default::default(),
            theta_ovf: Default::default(),
            ge: Default::default(),
            margin_lo: Default::default(),
            margin: Default::default(),
            adapt_shr: Default::default(),
            adapt_sub: Default::default(),
            nsub_x: Default::default(),
            add_x: Default::default(),
            adapt_s: Default::default(),
            adapt_c: Default::default(),
            adapt_r: Default::default(),
            adapt_ovf: Default::default(),
            v_hi: Default::default(),
            hi_x: Default::default(),
            leak_p: Default::default(),
            decayed: Default::default(),
        }
    }
}

impl Logic for LifNeuron {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            v,
            adapt,
            v1_q,
            refr,
            spk,
            sat,
            drive_p,
            leak_lo,
            leak_hi,
            shift_leaked,
            mode_q,
            leaked_q,
            drive_q,
            clamped_q,
            v1_r,
            marg_r,
            fire_r,
            flag_r,
            shift_r
        );
        // stage 1 (registered every cycle; read after a tick): i_in * gain,
        // the partial products of v * decay, the shift leak
        self.drive_mul.a.next = self.i_in.val();
        self.drive_mul.b.next = self.params.gain.val();
        self.drive_p.d.next = self.drive_mul.p.val();
        // v = sext(v[23:16]) * 2^16 + v[15:0]
        if self.v.q.val().get_bit(23) {
            self.v_hi.next =
                bit_cast::<16, 8>(self.v.q.val().get_bits::<8>(16)) | self.ext_16.val();
        } else {
            self.v_hi.next = bit_cast::<16, 8>(self.v.q.val().get_bits::<8>(16));
        }
        self.leak_mul_hi.a.next = self.v_hi.val();
        self.leak_mul_hi.b.next = self.params.decay.val();
        self.leak_hi.d.next = self.leak_mul_hi.p.val();
        self.leak_lo.d.next = self.v.q.val().get_bits::<16>(0) * self.params.decay.val();
        self.leak_asr.a.next = self.v.q.val();
        self.leak_asr.shift.next = self.params.leak_shift.val();
        self.shift_leaked.d.next = self.v.q.val() - self.leak_asr.y.val();
        self.mode_q.d.next = self.params.leak_mode.val();
        // stage 2: drive = sat24(i_in * gain); leaked: (v * decay) / 2^16,
        // rounded half to even, or the shift leak
        self.drive_sat.x.next = self.drive_p.q.val();
        self.drive_q.d.next = self.drive_sat.y.val();
        self.clamped_q.d.next = self.drive_sat.clamped.val();
        if self.leak_hi.q.val().get_bit(31) {
            self.hi_x.next = bit_cast::<40, 32>(self.leak_hi.q.val()) | self.ext_40.val();
        } else {
            self.hi_x.next = bit_cast::<40, 32>(self.leak_hi.q.val());
        }
        self.leak_p.next = (self.hi_x.val() << 16) + bit_cast::<40, 32>(self.leak_lo.q.val());
        self.decayed.next = self.leak_p.val().get_bits::<24>(16);
        if self.leak_p.val().get_bit(15)
            && (self.leak_p.val().get_bits::<15>(0).any() || self.decayed.val().get_bit(0))
        {
            self.decayed.next = self.leak_p.val().get_bits::<24>(16) + 1;
        }
        if self.mode_q.q.val() {
            self.leaked_q.d.next = self.decayed.val();
        } else {
            self.leaked_q.d.next = self.shift_leaked.q.val();
        }
        // stage 3. Every sum is exact in 27 bits (24-bit operands sign- or
        // zero-extended, `-y = !y + 1` with the 1 entering as bit 0 of a
        // carry-save carry vector), and the 24-bit saturations of the
        // specification are recovered from the sums' ranges, so that no
        // path chains two adders. `adapt` is never negative (0 at reset,
        // grows by the unsigned `theta_plus`, decays toward 0), so `theta =
        // threshold + adapt` can only saturate upward.
        self.leaked_x.next = bit_cast::<27, 24>(self.leaked_q.q.val());
        if self.leaked_q.q.val().get_bit(23) {
            self.leaked_x.next = bit_cast::<27, 24>(self.leaked_q.q.val()) | self.ext_27.val();
        }
        self.drive_x.next = bit_cast::<27, 24>(self.drive_q.q.val());
        if self.drive_q.q.val().get_bit(23) {
            self.drive_x.next = bit_cast::<27, 24>(self.drive_q.q.val()) | self.ext_27.val();
        }
        self.thr_x.next = bit_cast::<27, 24>(self.params.threshold.val());
        if self.params.threshold.val().get_bit(23) {
            self.thr_x.next = bit_cast::<27, 24>(self.params.threshold.val()) | self.ext_27.val();
        }
        self.nthr_x.next = !self.thr_x.val();
        self.adapt_x.next = bit_cast::<27, 24>(self.adapt.q.val());
        self.nadapt_x.next = !self.adapt_x.val();
        // v1 = sat24(leaked + drive); the sum lies in [-2^24, 2^24)
        self.sum_x.next = self.leaked_x.val() + self.drive_x.val();
        self.sum_neg.next = (self.sum_x.val() & self.bit26_27.val()).any();
        self.v1_hi.next = !self.sum_neg.val() && (self.sum_x.val() & self.bit23_27.val()).any();
        self.v1_lo.next = self.sum_neg.val() && !(self.sum_x.val() & self.bit23_27.val()).any();
        self.v1.next = self.sum_x.val().get_bits::<24>(0);
        if self.v1_hi.val() {
            self.v1.next = self.max_24.val();
        }
        if self.v1_lo.val() {
            self.v1.next = self.min_24.val();
        }
        // theta = sat24(threshold + adapt), in [MIN, 2^24)
        self.theta_x.next = self.thr_x.val() + self.adapt_x.val();
        self.theta_ovf.next = !(self.theta_x.val() & self.bit26_27.val()).any()
            && (self.theta_x.val() & self.bit23_27.val()).any();
        // margin = sat24(v1 - adapt): from leaked + drive - adapt, in
        // (-3 * 2^23, 2^24); below MIN it clamps, and if v1 clamped at MAX
        // it is MAX - adapt = MAX ^ adapt
        self.marg_s.next = self.leaked_x.val() ^ self.drive_x.val() ^ self.nadapt_x.val();
        self.marg_c.next = (((self.leaked_x.val() & self.drive_x.val())
            | (self.leaked_x.val() & self.nadapt_x.val())
            | (self.drive_x.val() & self.nadapt_x.val()))
            << 1)
            | self.one_27.val();
        self.marg_x.next = self.marg_s.val() + self.marg_c.val();
        self.margin_lo.next =
            self.marg_x.val().get_bit(26) && !self.marg_x.val().get_bits::<3>(23).all();
        self.margin.next = self.marg_x.val().get_bits::<24>(0);
        if self.margin_lo.val() {
            self.margin.next = self.min_24.val();
        }
        if self.v1_hi.val() {
            self.margin.next = self.max_24.val() ^ self.adapt.q.val();
        }
        // v1 >= theta: if theta saturated, v1 >= MAX (leaked + drive >= MAX);
        // otherwise leaked + drive - threshold - adapt >= 0 (in (-2^25,
        // 3 * 2^23)), or theta = MIN, which the clamped v1 always reaches
        self.cmp_s1.next = self.leaked_x.val() ^ self.drive_x.val() ^ self.nthr_x.val();
        self.cmp_c1.next = (((self.leaked_x.val() & self.drive_x.val())
            | (self.leaked_x.val() & self.nthr_x.val())
            | (self.drive_x.val() & self.nthr_x.val()))
            << 1)
            | self.one_27.val();
        self.cmp_s2.next = self.cmp_s1.val() ^ self.cmp_c1.val() ^ self.nadapt_x.val();
        self.cmp_c2.next = (((self.cmp_s1.val() & self.cmp_c1.val())
            | (self.cmp_s1.val() & self.nadapt_x.val())
            | (self.cmp_c1.val() & self.nadapt_x.val()))
            << 1)
            | self.one_27.val();
        self.cmp_x.next = self.cmp_s2.val() + self.cmp_c2.val();
        // leaked + drive + 1, in (-2^24, 2^24]: at least 2^23 when the sum
        // reaches MAX (from the ends of one adder, not a 23-bit AND behind it)
        self.sum1_x.next = (self.leaked_x.val() ^ self.drive_x.val())
            + (((self.leaked_x.val() & self.drive_x.val()) << 1) | self.one_27.val());
        if self.theta_ovf.val() {
            self.ge.next = !(self.sum1_x.val() & self.bit26_27.val()).any()
                && (self.sum1_x.val() & self.bit23_27.val()).any();
        } else {
            self.ge.next = !(self.cmp_x.val() & self.bit26_27.val()).any()
                || (self.params.threshold.val() == self.min_24.val() && !self.adapt.q.val().any());
        }
        // homeostasis: adapt - (adapt >> theta_decay_shift) on an update
        // (shift 0: no decay), + theta_plus on a win, saturated, in one
        // adder: the sum lies in [0, 2^24), so its bit 23 is the overflow.
        // The shift is the register's value in stage 3, kept by the neuron
        // (`shift_r`), so that the shifter starts at a flip-flop beside it.
        // `rest` (late in the accelerator, from its sequencer) selects at
        // the register: a rest in the update cycle skips the decay unless a
        // win comes too
        self.shift_r.d.next = self.params.theta_decay_shift.val();
        self.adapt_shr.next = self.adapt.q.val() >> self.shift_r.q.val();
        self.adapt_sub.next = 0.into();
        if self.update.val() && self.shift_r.q.val().any() {
            self.adapt_sub.next = self.adapt_shr.val();
        }
        self.nsub_x.next = !bit_cast::<27, 24>(self.adapt_sub.val());
        self.add_x.next = 0.into();
        if self.win.val() {
            self.add_x.next = bit_cast::<27, 23>(self.params.theta_plus.val());
        }
        self.adapt_s.next = self.adapt_x.val() ^ self.nsub_x.val() ^ self.add_x.val();
        self.adapt_c.next = (((self.adapt_x.val() & self.nsub_x.val())
            | (self.adapt_x.val() & self.add_x.val())
            | (self.nsub_x.val() & self.add_x.val()))
            << 1)
            | self.one_27.val();
        self.adapt_r.next = self.adapt_s.val() + self.adapt_c.val();
        self.adapt_ovf.next = (self.adapt_r.val() & self.bit23_27.val()).any();

        self.v1_r.d.next = self.v1.val();
        self.marg_r.d.next = self.margin.val();
        self.fire_r.d.next = self.ge.val();
        self.flag_r.d.next = self.clamped_q.q.val()
            || self.v1_hi.val()
            || self.v1_lo.val()
            || self.theta_ovf.val()
            || self.margin_lo.val();

        // stage 4: the state update
        self.spk.d.next = false;
        self.sat.d.next = self.update.val() && !self.reset.val() && self.flag_r.q.val()
            || (self.win.val() && !self.reset.val() && self.adapt_ovf.val());
        if self.reset.val() {
            self.adapt.d.next = 0.into();
        } else if self.rest.val() && !self.win.val() {
            self.adapt.d.next = self.adapt.q.val();
        } else if self.adapt_ovf.val() {
            self.adapt.d.next = self.max_24.val();
        } else {
            self.adapt.d.next = self.adapt_r.val().get_bits::<24>(0);
        }
        if self.reset.val() {
            self.v.d.next = 0.into();
            self.v1_q.d.next = 0.into();
            self.refr.d.next = 0.into();
        } else if self.rest.val() {
            self.v.d.next = self.params.reset_v.val();
            self.v1_q.d.next = self.params.reset_v.val();
            self.refr.d.next = 0.into();
        } else if self.update.val() {
            if self.inhibit.val() {
                self.v.d.next = self.params.reset_v.val();
                self.v1_q.d.next = self.params.reset_v.val();
            } else if self.refr.q.val().any() {
                self.refr.d.next = self.refr.q.val() - 1;
                self.v.d.next = self.params.reset_v.val();
                self.v1_q.d.next = self.params.reset_v.val();
            } else {
                self.v1_q.d.next = self.marg_r.q.val();
                if self.fire_r.q.val() {
                    self.spk.d.next = true;
                    self.v.d.next = self.params.reset_v.val();
                    self.refr.d.next = self.params.refractory.val();
                } else {
                    self.v.d.next = self.v1_r.q.val();
                }
            }
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
    /// Time-step strobe; ignored while a tick is in flight (the three
    /// cycles after an accepted one).
    pub tick: Signal<In, Bit>,
    /// One bit per neuron: hold its membrane at `reset_v` on an update
    /// (read in the update cycle, three cycles after the tick).
    pub inhibit: Signal<In, Bits<N>>,
    /// Every neuron back to rest (keeps the adaptive thresholds).
    pub rest: Signal<In, Bit>,
    /// One bit per neuron: homeostasis strobe (see [`LifNeuron::win`]).
    pub win: Signal<In, Bits<N>>,
    /// Signed 16-bit current code per neuron.
    pub i_in: [Signal<In, Bits<16>>; N],
    /// The neuron parameters (the LIF registers).
    pub params: LifParams,
    /// One bit per neuron, a one-cycle pulse `LIF_LATENCY` cycles after the tick.
    pub spikes: Signal<Out, Bits<N>>,
    /// High `LIF_LATENCY` cycles after an accepted tick, when `spikes` and `v_pre` are fresh.
    pub spikes_valid: Signal<Out, Bit>,
    /// Some neuron's drive or membrane saturated on the last tick.
    pub saturated: Signal<Out, Bit>,
    pub v_mem: [Signal<Out, Bits<24>>; N],
    pub v_pre: [Signal<Out, Bits<24>>; N],
    pub theta_adapt: [Signal<Out, Bits<24>>; N],
    neurons: [LifNeuron; N],
    /// A tick in stage 2, in stage 3, in stage 4 (the update), and the
    /// update done.
    stage2: DFF<Bit>,
    stage3: DFF<Bit>,
    stage4: DFF<Bit>,
    tick_q: DFF<Bit>,
    accept: Signal<Local, Bit>,
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
            params: Default::default(),
            spikes: Default::default(),
            spikes_valid: Default::default(),
            saturated: Default::default(),
            v_mem: std::array::from_fn(|_| Default::default()),
            v_pre: std::array::from_fn(|_| Default::default()),
            theta_adapt: std::array::from_fn(|_| Default::default()),
            neurons: std::array::from_fn(|_| Default::default()),
            stage2: Default::default(),
            stage3: Default::default(),
            stage4: Default::default(),
            tick_q: Default::default(),
            accept: Default::default(),
            spike_vec: Default::default(),
            any_saturated: Default::default(),
        }
    }
}

impl<const N: usize> Logic for LifLayer<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, stage2, stage3, stage4, tick_q);
        // a tick is taken when none is in flight; reset and rest cancel one
        self.accept.next =
            self.tick.val() && !self.stage2.q.val() && !self.stage3.q.val() && !self.stage4.q.val();
        self.stage2.d.next = self.accept.val() && !self.reset.val() && !self.rest.val();
        self.stage3.d.next = self.stage2.q.val() && !self.reset.val() && !self.rest.val();
        self.stage4.d.next = self.stage3.q.val() && !self.reset.val() && !self.rest.val();
        self.tick_q.d.next = self.stage4.q.val() && !self.reset.val() && !self.rest.val();
        self.spike_vec.next = 0.into();
        self.any_saturated.next = false;
        for i in 0..N {
            self.neurons[i].clock.next = self.clock.val();
            self.neurons[i].reset.next = self.reset.val();
            self.neurons[i].update.next = self.stage4.q.val();
            self.neurons[i].inhibit.next = self.inhibit.val().get_bit(i);
            self.neurons[i].rest.next = self.rest.val();
            self.neurons[i].win.next = self.win.val().get_bit(i);
            self.neurons[i].i_in.next = self.i_in[i].val();
            self.neurons[i].params.threshold.next = self.params.threshold.val();
            self.neurons[i].params.reset_v.next = self.params.reset_v.val();
            self.neurons[i].params.leak_mode.next = self.params.leak_mode.val();
            self.neurons[i].params.leak_shift.next = self.params.leak_shift.val();
            self.neurons[i].params.decay.next = self.params.decay.val();
            self.neurons[i].params.gain.next = self.params.gain.val();
            self.neurons[i].params.refractory.next = self.params.refractory.val();
            self.neurons[i].params.theta_plus.next = self.params.theta_plus.val();
            self.neurons[i].params.theta_decay_shift.next = self.params.theta_decay_shift.val();
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
