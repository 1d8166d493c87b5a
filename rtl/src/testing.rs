//! Small designs that exercise the co-simulation binding itself.

use rust_hdl::prelude::*;

/// A 100-bit accumulator: `acc <= acc + a` when `en`; checks ports wider than
/// 64 bits (word-array accessors) and carries across 32-bit word boundaries.
#[derive(LogicBlock, Default)]
pub struct WideAccumulator {
    pub clock: Signal<In, Clock>,
    pub en: Signal<In, Bit>,
    pub a: Signal<In, Bits<100>>,
    pub acc_out: Signal<Out, Bits<100>>,
    pub low: Signal<Out, Bits<8>>,
    acc: DFF<Bits<100>>,
}

impl Logic for WideAccumulator {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, acc);
        if self.en.val() {
            self.acc.d.next = self.acc.q.val() + self.a.val();
        }
        self.acc_out.next = self.acc.q.val();
        self.low.next = self.acc.q.val().get_bits::<8>(0);
    }
}
