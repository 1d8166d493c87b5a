//! Winner-take-all with lateral inhibition.
//!
//! Watches the spikes of a [`LifLayer`](crate::lif::LifLayer) and latches one
//! winner per presentation (until `clear`):
//! - `mode = 0`, first-to-cross: the neuron that spiked on the earliest tick
//!   since `clear`; several on that tick -> the lowest index;
//! - `mode = 1`, max-membrane: among the neurons that spiked on that tick, the
//!   one with the largest pre-reset membrane `v_pre`; ties -> the lowest index.
//!
//! Outputs (registered, valid the cycle after the deciding spikes):
//! `winner` (index), `winner_valid`, and `inhibit`, the mask of losing
//! neurons (all but the winner while a winner is latched and `enable` is
//! set, else 0), which the layer uses to hold the losers at their reset value.
//! `new_winner` is the winner's one-hot for one cycle after it is latched
//! (the homeostasis strobe). `clear` drops the latched winner; spikes in the
//! same cycle may latch a new one.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct WinnerTakeAll<const N: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Start of a presentation: forget the latched winner.
    pub clear: Signal<In, Bit>,
    /// Lateral inhibition enable.
    pub enable: Signal<In, Bit>,
    /// 0: first-to-cross, 1: max-membrane.
    pub mode: Signal<In, Bit>,
    pub spikes: Signal<In, Bits<N>>,
    pub spikes_valid: Signal<In, Bit>,
    pub v_pre: [Signal<In, Bits<24>>; N],
    pub winner: Signal<Out, Bits<8>>,
    pub winner_valid: Signal<Out, Bit>,
    pub inhibit: Signal<Out, Bits<N>>,
    /// One-hot of a winner in the cycle after it is latched (else 0).
    pub new_winner: Signal<Out, Bits<N>>,
    winner_q: DFF<Bits<8>>,
    onehot_q: DFF<Bits<N>>,
    valid_q: DFF<Bit>,
    new_q: DFF<Bits<N>>,
    sign: Constant<Bits<24>>,
    found: Signal<Local, Bit>,
    best_idx: Signal<Local, Bits<8>>,
    /// The spiking neurons no other spiking neuron beats: the winner's
    /// one-hot (or 0 without spikes).
    keep: Signal<Local, Bits<N>>,
    /// `v_pre[i] >= v_pre[j]` of the pair being looked at (signed; each
    /// pair is compared once, all pairs in parallel).
    ge: Signal<Local, Bit>,
    held: Signal<Local, Bit>,
}

impl<const N: usize> Default for WinnerTakeAll<N> {
    fn default() -> Self {
        assert!(N >= 1 && N <= 256, "WinnerTakeAll supports 1..=256 neurons");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            clear: Default::default(),
            enable: Default::default(),
            mode: Default::default(),
            spikes: Default::default(),
            spikes_valid: Default::default(),
            v_pre: std::array::from_fn(|_| Default::default()),
            winner: Default::default(),
            winner_valid: Default::default(),
            inhibit: Default::default(),
            new_winner: Default::default(),
            winner_q: Default::default(),
            onehot_q: Default::default(),
            valid_q: Default::default(),
            new_q: Default::default(),
            sign: Constant::new(Bits::<24>::default().replace_bit(23, true)),
            found: Default::default(),
            best_idx: Default::default(),
            keep: Default::default(),
            ge: Default::default(),
            held: Default::default(),
        }
    }
}

impl<const N: usize> Logic for WinnerTakeAll<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, winner_q, onehot_q, valid_q, new_q);
        // combinational selection over the spiking neurons: every pair
        // compared in parallel (not a chain of compares through a running
        // best); neuron i loses to a spiking j < i if `!mode` or v_j >= v_i,
        // to a spiking j > i if `mode` and v_j > v_i, so the one left is
        // the first spiking neuron (mode 0) or the lowest-index maximum of
        // `v_pre` among the spiking ones (mode 1)
        self.keep.next = self.spikes.val();
        self.ge.next = false;
        for i in 0..N {
            for j in 0..N {
                if j > i {
                    // offset binary (sign bit flipped): unsigned order = signed order
                    self.ge.next = (self.v_pre[i].val() ^ self.sign.val())
                        >= (self.v_pre[j].val() ^ self.sign.val());
                    if self.spikes.val().get_bit(j) && self.mode.val() && !self.ge.val() {
                        self.keep.next = self.keep.val().replace_bit(i, false);
                    }
                    if self.spikes.val().get_bit(i) && (!self.mode.val() || self.ge.val()) {
                        self.keep.next = self.keep.val().replace_bit(j, false);
                    }
                }
            }
        }
        self.found.next = self.keep.val().any();
        self.best_idx.next = 0.into();
        for i in 0..N {
            if self.keep.val().get_bit(i) {
                self.best_idx.next = self.best_idx.val() | i.to_bits();
            }
        }
        // a winner stays latched until clear
        self.held.next = self.valid_q.q.val() && !self.clear.val();
        self.new_q.d.next = 0.into();
        if self.reset.val() {
            self.valid_q.d.next = false;
            self.winner_q.d.next = 0.into();
            self.onehot_q.d.next = 0.into();
        } else if !self.held.val() {
            if self.spikes_valid.val() && self.found.val() {
                self.valid_q.d.next = true;
                self.winner_q.d.next = self.best_idx.val();
                self.onehot_q.d.next = self.keep.val();
                self.new_q.d.next = self.keep.val();
            } else {
                self.valid_q.d.next = false;
                self.winner_q.d.next = 0.into();
                self.onehot_q.d.next = 0.into();
            }
        }
        self.winner.next = self.winner_q.q.val();
        self.winner_valid.next = self.valid_q.q.val();
        self.new_winner.next = self.new_q.q.val();
        if self.valid_q.q.val() && self.enable.val() {
            self.inhibit.next = !self.onehot_q.q.val();
        } else {
            self.inhibit.next = 0.into();
        }
    }
}
