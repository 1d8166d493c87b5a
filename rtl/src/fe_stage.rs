//! What every front-end PHY shares (`FrontEndPhy`, `LeanPhy`): the line
//! staging bank, the apply edge that loads it, the delay lines that hold
//! the `apply` and `sample` strobes back by the PHY's latency, the ADC
//! read path and the sticky errors. A PHY adds only how the staged levels
//! and modes reach its DAC and switch chips (its frame), and which of its
//! lines are sensed.
//!
//! ## Behaviour (cycles of the FPGA clock)
//! - Staging: `fe.we` stores `fe.code` (as the DAC word: offset binary in
//!   the top 12 of 16 bits, `code ^ 0x800` then 4 zero bits) and `fe.mode`
//!   into line `fe.ch`'s registers, `word` and `mode` (reset: code 0,
//!   ground), and marks the bank dirty.
//! - Load: at a rising edge of `fe.apply` with the bank dirty, `load` is
//!   high for the cycle if the PHY's lines are free (`lines_busy` low and,
//!   for a stage made with `wait_for_pulse`, no apply strobe in the delay
//!   line): the PHY takes `word` / `mode` into its frame, and the bank
//!   stays dirty only if this cycle stages again. Otherwise the edge is an
//!   error (`phy_error` bit 0) and nothing is loaded.
//! - `apply` is `fe.apply` delayed by `LAT` cycles; the ADC starts
//!   `LAT - 1` cycles after `fe.sample` (its `adc_convst` rises one cycle
//!   later, `LAT` cycles after the strobe, as the pulse's gate).
//! - `fe.busy`: the lines are busy, a strobe is in a delay line, or the
//!   ADC path is not idle.
//! - `phy_error` (sticky until reset): bit 0 an apply edge with staged
//!   changes while the lines were busy, bit 1 a sample while the ADC path
//!   was busy, bit 2 the ADC's BUSY timed out.

use crate::fe_adc::{AdcPins, AdcReader};
use crate::fe_bus::{FeBusSink, FE_CH_BITS, FE_CODE_BITS, FE_MODE_BITS};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct PhyStage<const N_LINES: usize, const N_COLS: usize, const LAT: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: bank ground, delay lines empty, errors cleared.
    pub reset: Signal<In, Bit>,
    /// The PHY's bus, passed on to this block.
    pub fe: FeBusSink,
    /// The PHY's ADC pins, passed on to this block.
    pub adc: AdcPins,
    /// The PHY's line update is running: an apply edge now is not a load
    /// (nor, with [`PhyStage::new`]'s `wait_for_pulse`, while an apply
    /// strobe is still in its delay line).
    pub lines_busy: Signal<In, Bit>,
    /// Bit `i`: line `i`'s mux is in sense mode.
    pub sensed: Signal<In, Bits<N_LINES>>,
    /// Each line's staged DAC word and mode.
    pub word: [Signal<Out, Bits<16>>; N_LINES],
    pub mode: [Signal<Out, Bits<FE_MODE_BITS>>; N_LINES],
    /// One cycle: take `word` and `mode` into the line update.
    pub load: Signal<Out, Bit>,
    /// `fe.apply` delayed by `LAT` cycles (a register).
    pub apply: Signal<Out, Bit>,
    pub phy_error: Signal<Out, Bits<3>>,

    stg_code: [DFF<Bits<16>>; N_LINES],
    stg_mode: [DFF<Bits<FE_MODE_BITS>>; N_LINES],
    dirty: DFF<Bit>,
    apply_prev: DFF<Bit>,
    dl_apply: DFF<Bits<LAT>>,
    dl_sample: DFF<Bits<LAT>>,
    err_q: DFF<Bits<3>>,
    reader: AdcReader<N_LINES, N_COLS>,
    line_c: [Constant<Bits<FE_CH_BITS>>; N_LINES],
    sign_flip_c: Constant<Bits<FE_CODE_BITS>>,
    /// The delay lines' taps: bit `LAT - 1` (apply), `LAT - 2` (sample).
    apply_tap_c: Constant<Bits<LAT>>,
    sample_tap_c: Constant<Bits<LAT>>,
    /// A load also waits for the apply delay line to empty.
    wait_for_pulse_c: Constant<Bit>,
    blocked: Signal<Local, Bit>,
    rising: Signal<Local, Bit>,
    overlap: Signal<Local, Bit>,
    /// The DAC word of `fe.code`.
    in_word: Signal<Local, Bits<16>>,
}

impl<const N_LINES: usize, const N_COLS: usize, const LAT: usize> PhyStage<N_LINES, N_COLS, LAT> {
    /// `wait_for_pulse`: a load also waits until no apply strobe is in the
    /// delay line (`LeanPhy`); without it only `lines_busy` holds a load
    /// back (`FrontEndPhy`). The controller itself starts a batch only with
    /// `fe_busy` low, which covers both.
    pub fn new(wait_for_pulse: bool) -> Self {
        assert!(N_LINES <= 1 << FE_CH_BITS, "channels are {FE_CH_BITS}-bit");
        assert!(LAT >= 2, "the sample tap is LAT - 2");
        let tap = |b: usize| Constant::new(Bits::<LAT>::default().replace_bit(b, true));
        Self {
            clock: Default::default(),
            reset: Default::default(),
            fe: Default::default(),
            adc: Default::default(),
            lines_busy: Default::default(),
            sensed: Default::default(),
            word: std::array::from_fn(|_| Default::default()),
            mode: std::array::from_fn(|_| Default::default()),
            load: Default::default(),
            apply: Default::default(),
            phy_error: Default::default(),
            stg_code: std::array::from_fn(|_| Default::default()),
            stg_mode: std::array::from_fn(|_| Default::default()),
            dirty: Default::default(),
            apply_prev: Default::default(),
            dl_apply: Default::default(),
            dl_sample: Default::default(),
            err_q: Default::default(),
            reader: Default::default(),
            line_c: std::array::from_fn(|i| Constant::new((i as u64).into())),
            sign_flip_c: Constant::new((1u64 << (FE_CODE_BITS - 1)).into()),
            apply_tap_c: tap(LAT - 1),
            sample_tap_c: tap(LAT - 2),
            wait_for_pulse_c: Constant::new(wait_for_pulse),
            blocked: Default::default(),
            rising: Default::default(),
            overlap: Default::default(),
            in_word: Default::default(),
        }
    }
}

impl<const N_LINES: usize, const N_COLS: usize, const LAT: usize> Logic
    for PhyStage<N_LINES, N_COLS, LAT>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, dirty, apply_prev, dl_apply, dl_sample, err_q);
        self.rising.next = self.fe.apply.val() && !self.apply_prev.q.val();
        self.apply_prev.d.next = self.fe.apply.val();
        self.dl_apply.d.next = (self.dl_apply.q.val() << 1).replace_bit(0, self.fe.apply.val());
        self.dl_sample.d.next = (self.dl_sample.q.val() << 1).replace_bit(0, self.fe.sample.val());

        // ---- staging bank
        self.in_word.next = bit_cast::<16, 12>(self.fe.code.val() ^ self.sign_flip_c.val()) << 4;
        for i in 0..N_LINES {
            self.stg_code[i].clock.next = self.clock.val();
            self.stg_mode[i].clock.next = self.clock.val();
            self.stg_code[i].d.next = self.stg_code[i].q.val();
            self.stg_mode[i].d.next = self.stg_mode[i].q.val();
            if self.fe.we.val() && (self.fe.ch.val() == self.line_c[i].val()) {
                self.stg_code[i].d.next = self.in_word.val();
                self.stg_mode[i].d.next = self.fe.mode.val();
            }
            if self.reset.val() {
                self.stg_code[i].d.next = 0x8000.into();
                self.stg_mode[i].d.next = 0.into();
            }
            self.word[i].next = self.stg_code[i].q.val();
            self.mode[i].next = self.stg_mode[i].q.val();
        }

        // ---- load: an apply edge with staged changes
        if self.fe.we.val() {
            self.dirty.d.next = true;
        }
        self.blocked.next =
            self.lines_busy.val() || (self.wait_for_pulse_c.val() && self.dl_apply.q.val().any());
        self.load.next = self.rising.val() && self.dirty.q.val() && !self.blocked.val();
        self.overlap.next = self.rising.val() && self.dirty.q.val() && self.blocked.val();
        if self.load.val() {
            self.dirty.d.next = self.fe.we.val();
        }

        // ---- ADC path
        self.reader.clock.next = self.clock.val();
        self.reader.reset.next = self.reset.val();
        self.reader.start.next = (self.dl_sample.q.val() & self.sample_tap_c.val()).any();
        self.reader.sensed.next = self.sensed.val();
        AdcPins::link(&mut self.adc, &mut self.reader.adc);

        self.err_q.d.next = self.err_q.q.val()
            | bits::<3>(0)
                .replace_bit(0, self.overlap.val())
                .replace_bit(1, self.reader.e_sample.val())
                .replace_bit(2, self.reader.e_busy.val());
        if self.reset.val() {
            self.dirty.d.next = false;
            self.apply_prev.d.next = false;
            self.dl_apply.d.next = 0.into();
            self.dl_sample.d.next = 0.into();
            self.err_q.d.next = 0.into();
        }

        // ---- outputs
        self.apply.next = (self.dl_apply.q.val() & self.apply_tap_c.val()).any();
        self.fe.busy.next = self.lines_busy.val()
            || self.dl_apply.q.val().any()
            || self.dl_sample.q.val().any()
            || self.reader.busy.val();
        self.fe.rd_valid.next = self.reader.rd_valid.val();
        self.fe.rd_ch.next = self.reader.rd_ch.val();
        self.fe.rd_data.next = self.reader.rd_data.val();
        self.fe.rd_sat.next = self.reader.rd_sat.val();
        self.phy_error.next = self.err_q.q.val();
    }
}
