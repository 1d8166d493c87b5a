//! Input encoder: the row spikes of one time step.
//!
//! `mode` (latched per tick):
//! - 0 host: `spikes_in` as given by the host;
//! - 1 rate (Poisson-like): every row owns a 16-bit Galois LFSR (taps
//!   0xB400, seeded `seed ^ (row + 1) * 0x9E37`), advanced once per tick;
//!   the row spikes when the LFSR's low byte is below its `intensity`, so the
//!   spike probability per tick is `intensity / 256`;
//! - 2 latency: each row spikes once per presentation, at the first tick
//!   where a ramp `r = min(255, ticks_since_present * ramp_step)` reaches
//!   `255 - intensity`: bright rows fire first, dark rows last, at
//!   `t ~ T_enc (1 - intensity / 255)` with `T_enc = 255 / ramp_step` ticks.
//!
//! `present` (one cycle) starts a presentation: the ramp and the per-row
//! "fired" flags clear. `tick` computes this step's spikes, registered in
//! `row_spikes` (valid the cycle after the tick, with `valid`).

use rust_hdl::prelude::*;

/// Rate-coder LFSR taps (x^16 + x^14 + x^13 + x^11 + 1, maximal length).
pub const LFSR_TAPS: u64 = 0xB400;
/// Per-row seed spreading constant.
pub const LFSR_ROW_SEED: u64 = 0x9E37;

#[derive(LogicBlock)]
pub struct InputEncoder<const N_ROWS: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub tick: Signal<In, Bit>,
    pub present: Signal<In, Bit>,
    /// 0 host, 1 rate, 2 latency (3 behaves as host).
    pub mode: Signal<In, Bits<2>>,
    pub spikes_in: Signal<In, Bits<N_ROWS>>,
    pub intensity: [Signal<In, Bits<8>>; N_ROWS],
    /// Ramp increment per tick in latency mode.
    pub ramp_step: Signal<In, Bits<8>>,
    /// LFSR seed, loaded on reset (every row XORs its own constant).
    pub seed: Signal<In, Bits<16>>,
    pub row_spikes: Signal<Out, Bits<N_ROWS>>,
    /// Some bit of `row_spikes` is set (a register loaded with them, so a
    /// decision on "any row spiked" starts at a flip-flop).
    pub row_any: Signal<Out, Bit>,
    pub valid: Signal<Out, Bit>,
    lfsr: [DFF<Bits<16>>; N_ROWS],
    fired: DFF<Bits<N_ROWS>>,
    ramp: DFF<Bits<8>>,
    spikes_q: DFF<Bits<N_ROWS>>,
    any_q: DFF<Bit>,
    valid_q: DFF<Bit>,
    row_seed: [Constant<Bits<16>>; N_ROWS],
    taps: Constant<Bits<16>>,
    ramp_next: Signal<Local, Bits<9>>,
    level: Signal<Local, Bits<8>>,
    spk: Signal<Local, Bits<N_ROWS>>,
}

impl<const N_ROWS: usize> Default for InputEncoder<N_ROWS> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            tick: Default::default(),
            present: Default::default(),
            mode: Default::default(),
            spikes_in: Default::default(),
            intensity: std::array::from_fn(|_| Default::default()),
            ramp_step: Default::default(),
            seed: Default::default(),
            row_spikes: Default::default(),
            row_any: Default::default(),
            valid: Default::default(),
            lfsr: std::array::from_fn(|_| Default::default()),
            fired: Default::default(),
            ramp: Default::default(),
            spikes_q: Default::default(),
            any_q: Default::default(),
            valid_q: Default::default(),
            row_seed: std::array::from_fn(|i| {
                Constant::new((((i as u64 + 1) * LFSR_ROW_SEED) & 0xFFFF).into())
            }),
            taps: Constant::new(LFSR_TAPS.into()),
            ramp_next: Default::default(),
            level: Default::default(),
            spk: Default::default(),
        }
    }
}

impl<const N_ROWS: usize> Logic for InputEncoder<N_ROWS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, fired, ramp, spikes_q, any_q, valid_q);
        self.valid_q.d.next = self.tick.val() && !self.reset.val();
        // latency ramp, saturating at 255
        self.ramp_next.next =
            bit_cast::<9, 8>(self.ramp.q.val()) + bit_cast::<9, 8>(self.ramp_step.val());
        self.level.next = self.ramp.q.val();
        self.spk.next = 0.into();
        for i in 0..N_ROWS {
            self.lfsr[i].clock.next = self.clock.val();
            self.lfsr[i].d.next = self.lfsr[i].q.val();
            if self.reset.val() {
                self.lfsr[i].d.next = self.seed.val() ^ self.row_seed[i].val();
            } else if self.tick.val() {
                // Galois LFSR step (never stuck at 0: a zero state reloads the seed)
                if !self.lfsr[i].q.val().any() {
                    self.lfsr[i].d.next = self.row_seed[i].val();
                } else if self.lfsr[i].q.val().get_bit(0) {
                    self.lfsr[i].d.next = (self.lfsr[i].q.val() >> 1) ^ self.taps.val();
                } else {
                    self.lfsr[i].d.next = self.lfsr[i].q.val() >> 1;
                }
            }
            if self.mode.val() == 1 {
                self.spk.next = self.spk.val().replace_bit(
                    i,
                    self.lfsr[i].q.val().get_bits::<8>(0) < self.intensity[i].val(),
                );
            } else if self.mode.val() == 2 {
                self.spk.next = self.spk.val().replace_bit(
                    i,
                    !self.fired.q.val().get_bit(i)
                        && (self.level.val() >= !self.intensity[i].val()),
                );
            } else {
                self.spk.next = self
                    .spk
                    .val()
                    .replace_bit(i, self.spikes_in.val().get_bit(i));
            }
        }
        if self.reset.val() || self.present.val() {
            self.fired.d.next = 0.into();
            self.ramp.d.next = 0.into();
            self.spikes_q.d.next = 0.into();
            self.any_q.d.next = false;
        } else if self.tick.val() {
            self.spikes_q.d.next = self.spk.val();
            self.any_q.d.next = self.spk.val().any();
            if self.mode.val() == 2 {
                self.fired.d.next = self.fired.q.val() | self.spk.val();
            }
            if self.ramp_next.val().get_bit(8) {
                self.ramp.d.next = 255.into();
            } else {
                self.ramp.d.next = self.ramp_next.val().get_bits::<8>(0);
            }
        }
        self.row_spikes.next = self.spikes_q.q.val();
        self.row_any.next = self.any_q.q.val();
        self.valid.next = self.valid_q.q.val();
    }
}
