//! The ADC read path of both front-end PHYs (`FrontEndPhy`, `LeanPhy`): one
//! Analog Devices AD7606 in serial mode, `DOUTA` only, sensing the last
//! `N_COLS` of `N_LINES` lines (column `j`'s TIA on `V(j+1)`).
//!
//! ## Timing (cycles of the FPGA clock)
//! - `start` high in cycle `c` (the PHY's delayed `fe_sample`) with the
//!   path idle raises `adc_convst` from `c + 1` for `CONVST_CYCLES` (3)
//!   cycles.
//! - Then the path waits for the synchronized `BUSY` (`adc_busy` through
//!   two flip-flops) to rise, at most `BUSY_TIMEOUT_CYCLES` (16) cycles
//!   (else `e_busy` for one cycle and it reads anyway), and to fall.
//! - Read: `adc_cs` low one cycle with SCLK high, then `16 * N_COLS` bits
//!   (channels in ascending order, MSB first), per bit `adc_sclk` low 3
//!   cycles and high 3 (`ADC_SCLK_DIV` = 6); the bit is taken in the last
//!   low cycle (data valid after the falling edge). Then `adc_sclk` high,
//!   next cycle `adc_cs` high.
//! - Emit: one result per cycle, ascending columns; `rd_valid` only for a
//!   column whose line's `sensed` bit is set; `rd_ch = N_LINES - N_COLS + j`;
//!   `rd_sat` when the code is the ADC's end of range (`0x7FFF`, `0x8000`).
//! - `busy`: the path is not idle. `e_sample`: `start` while busy (the
//!   sample is ignored). Both error strobes last one cycle; the PHY keeps
//!   them sticky in `phy_error` bits 1 and 2.
//!
//! `reset` returns the path to idle with the pins idle and the results
//! cleared; the `BUSY` synchronizer is not reset.

use rust_hdl::prelude::*;

/// FPGA clocks per ADC SCLK period.
pub const ADC_SCLK_DIV: u64 = 6;
/// Cycles `adc_convst` stays high.
pub const CONVST_CYCLES: u64 = 3;
/// Cycles the path waits for the synchronized BUSY to rise after CONVST ends.
pub const BUSY_TIMEOUT_CYCLES: u64 = 16;

/// ADC path states (`adc_st`).
pub const ADC_IDLE: u64 = 0;
pub const ADC_CONV: u64 = 1;
pub const ADC_WAIT_HI: u64 = 2;
pub const ADC_WAIT_LO: u64 = 3;
pub const ADC_READ: u64 = 4;
pub const ADC_READ_END: u64 = 5;
pub const ADC_EMIT: u64 = 6;

/// The AD7606's pins in serial mode (`DOUTA` only), FPGA side. The
/// generated Verilog names them `adc_convst`, `adc_cs`, `adc_sclk`,
/// `adc_busy`, `adc_douta` (see [`crate::verilog::FLAT_INTERFACES`]).
#[derive(LogicInterface, Default)]
pub struct AdcPins {
    /// Start a conversion (high `CONVST_CYCLES` cycles).
    pub convst: Signal<Out, Bit>,
    /// Chip select, low while reading.
    pub cs: Signal<Out, Bit>,
    pub sclk: Signal<Out, Bit>,
    /// High while the ADC converts (asynchronous: synchronized here).
    pub busy: Signal<In, Bit>,
    pub douta: Signal<In, Bit>,
}

#[derive(LogicBlock)]
pub struct AdcReader<const N_LINES: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// The delayed sample strobe: start a conversion (if idle).
    pub start: Signal<In, Bit>,
    /// Bit `i`: line `i`'s mux is in sense mode (a column's result is
    /// valid only then).
    pub sensed: Signal<In, Bits<N_LINES>>,
    /// ADC pins (AD7606, serial).
    pub adc: AdcPins,
    /// Results (the `fe_rd_*` bus outputs).
    pub rd_valid: Signal<Out, Bit>,
    pub rd_ch: Signal<Out, Bits<8>>,
    pub rd_data: Signal<Out, Bits<16>>,
    pub rd_sat: Signal<Out, Bit>,
    /// The path is not idle.
    pub busy: Signal<Out, Bit>,
    /// One-cycle error strobes: a sample while busy, BUSY timed out.
    pub e_sample: Signal<Out, Bit>,
    pub e_busy: Signal<Out, Bit>,

    adc_st: DFF<Bits<3>>,
    cnt: DFF<Bits<8>>,
    ph: DFF<Bits<3>>,
    bits: DFF<Bits<8>>,
    cur: DFF<Bits<16>>,
    res: [DFF<Bits<16>>; N_COLS],
    busy_s1: DFF<Bit>,
    busy_s2: DFF<Bit>,
    convst_q: DFF<Bit>,
    adc_cs_low: DFF<Bit>,
    /// `adc_sclk` is low (it idles high).
    adc_sclk_low: DFF<Bit>,
    rd_valid_q: DFF<Bit>,
    rd_ch_q: DFF<Bits<8>>,
    rd_data_q: DFF<Bits<16>>,
    rd_sat_q: DFF<Bit>,
    /// Bit `j`: column `j`'s mux is in sense mode.
    col_sensed: Signal<Local, Bits<N_COLS>>,
    first_col_c: Constant<Bits<8>>,
    col_ch_c: [Constant<Bits<8>>; N_COLS],
    col_idx_c: [Constant<Bits<8>>; N_COLS],
    last_bit_c: Constant<Bits<8>>,
    last_col_c: Constant<Bits<8>>,
    st_idle: Constant<Bits<3>>,
    st_conv: Constant<Bits<3>>,
    st_wait_hi: Constant<Bits<3>>,
    st_wait_lo: Constant<Bits<3>>,
    st_read: Constant<Bits<3>>,
    st_read_end: Constant<Bits<3>>,
    st_emit: Constant<Bits<3>>,
}

impl<const N_LINES: usize, const N_COLS: usize> Default for AdcReader<N_LINES, N_COLS> {
    fn default() -> Self {
        assert!(
            (1..=8).contains(&N_COLS) && N_COLS < N_LINES && N_LINES <= 256,
            "1 to 8 columns (one AD7606), at least one row, 8-bit channels"
        );
        let c8 = |v: usize| Constant::new((v as u64).into());
        let st = |v: u64| Constant::new(v.into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            sensed: Default::default(),
            adc: Default::default(),
            rd_valid: Default::default(),
            rd_ch: Default::default(),
            rd_data: Default::default(),
            rd_sat: Default::default(),
            busy: Default::default(),
            e_sample: Default::default(),
            e_busy: Default::default(),
            adc_st: Default::default(),
            cnt: Default::default(),
            ph: Default::default(),
            bits: Default::default(),
            cur: Default::default(),
            res: std::array::from_fn(|_| Default::default()),
            busy_s1: Default::default(),
            busy_s2: Default::default(),
            convst_q: Default::default(),
            adc_cs_low: Default::default(),
            adc_sclk_low: Default::default(),
            rd_valid_q: Default::default(),
            rd_ch_q: Default::default(),
            rd_data_q: Default::default(),
            rd_sat_q: Default::default(),
            col_sensed: Default::default(),
            first_col_c: c8(N_LINES - N_COLS),
            col_ch_c: std::array::from_fn(|j| c8(N_LINES - N_COLS + j)),
            col_idx_c: std::array::from_fn(c8),
            last_bit_c: c8(16 * N_COLS - 1),
            last_col_c: c8(N_COLS - 1),
            st_idle: st(ADC_IDLE),
            st_conv: st(ADC_CONV),
            st_wait_hi: st(ADC_WAIT_HI),
            st_wait_lo: st(ADC_WAIT_LO),
            st_read: st(ADC_READ),
            st_read_end: st(ADC_READ_END),
            st_emit: st(ADC_EMIT),
        }
    }
}

impl<const N_LINES: usize, const N_COLS: usize> Logic for AdcReader<N_LINES, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            adc_st,
            cnt,
            ph,
            bits,
            cur,
            busy_s1,
            busy_s2,
            convst_q,
            adc_cs_low,
            adc_sclk_low,
            rd_valid_q,
            rd_ch_q,
            rd_data_q,
            rd_sat_q
        );
        self.col_sensed.next =
            bit_cast::<N_COLS, N_LINES>(self.sensed.val() >> self.first_col_c.val());
        self.busy_s1.d.next = self.adc.busy.val();
        self.busy_s2.d.next = self.busy_s1.q.val();
        self.rd_valid_q.d.next = false;
        self.e_sample.next = self.start.val() && (self.adc_st.q.val() != self.st_idle.val());
        self.e_busy.next = false;
        for j in 0..N_COLS {
            self.res[j].clock.next = self.clock.val();
            self.res[j].d.next = self.res[j].q.val();
            if (self.adc_st.q.val() == self.st_read.val())
                && (self.ph.q.val() == 3)
                && (self.bits.q.val().get_bits::<4>(0) == 15)
                && (self.bits.q.val() >> 4 == self.col_idx_c[j].val())
            {
                self.res[j].d.next = (self.cur.q.val() << 1).replace_bit(0, self.adc.douta.val());
            }
            if self.reset.val() {
                self.res[j].d.next = 0.into();
            }
            if (self.adc_st.q.val() == self.st_emit.val())
                && (self.cnt.q.val() == self.col_idx_c[j].val())
            {
                self.rd_valid_q.d.next = self.col_sensed.val().get_bit(j);
                self.rd_ch_q.d.next = self.col_ch_c[j].val();
                self.rd_data_q.d.next = self.res[j].q.val();
                self.rd_sat_q.d.next =
                    (self.res[j].q.val() == 0x7FFF) || (self.res[j].q.val() == 0x8000);
            }
        }
        if self.adc_st.q.val() == self.st_idle.val() {
            if self.start.val() {
                self.adc_st.d.next = self.st_conv.val();
                self.convst_q.d.next = true;
                self.cnt.d.next = 0.into();
            }
        } else if self.adc_st.q.val() == self.st_conv.val() {
            self.cnt.d.next = self.cnt.q.val() + 1;
            if self.cnt.q.val() == 2 {
                self.convst_q.d.next = false;
                self.adc_st.d.next = self.st_wait_hi.val();
                self.cnt.d.next = 0.into();
            }
        } else if self.adc_st.q.val() == self.st_wait_hi.val() {
            self.cnt.d.next = self.cnt.q.val() + 1;
            if self.busy_s2.q.val() {
                self.adc_st.d.next = self.st_wait_lo.val();
                self.cnt.d.next = 0.into();
            } else if self.cnt.q.val() == 15 {
                self.e_busy.next = true;
                self.adc_st.d.next = self.st_wait_lo.val();
                self.cnt.d.next = 0.into();
            }
        } else if self.adc_st.q.val() == self.st_wait_lo.val() {
            if !self.busy_s2.q.val() {
                self.adc_st.d.next = self.st_read.val();
                self.adc_cs_low.d.next = true;
                self.ph.d.next = 0.into();
                self.bits.d.next = 0.into();
            }
        } else if self.adc_st.q.val() == self.st_read.val() {
            self.ph.d.next = self.ph.q.val() + 1;
            if self.ph.q.val() == 5 {
                self.ph.d.next = 0.into();
            }
            if self.ph.q.val() == 0 {
                self.adc_sclk_low.d.next = true;
            }
            if self.ph.q.val() == 3 {
                self.adc_sclk_low.d.next = false;
                self.cur.d.next = (self.cur.q.val() << 1).replace_bit(0, self.adc.douta.val());
                self.bits.d.next = self.bits.q.val() + 1;
                if self.bits.q.val() == self.last_bit_c.val() {
                    self.adc_st.d.next = self.st_read_end.val();
                }
            }
        } else if self.adc_st.q.val() == self.st_read_end.val() {
            self.adc_cs_low.d.next = false;
            self.adc_st.d.next = self.st_emit.val();
            self.cnt.d.next = 0.into();
        } else {
            // EMIT: one column per cycle
            self.cnt.d.next = self.cnt.q.val() + 1;
            if self.cnt.q.val() == self.last_col_c.val() {
                self.adc_st.d.next = self.st_idle.val();
                self.cnt.d.next = 0.into();
            }
        }
        if self.reset.val() {
            self.adc_st.d.next = self.st_idle.val();
            self.cnt.d.next = 0.into();
            self.ph.d.next = 0.into();
            self.bits.d.next = 0.into();
            self.cur.d.next = 0.into();
            self.convst_q.d.next = false;
            self.adc_cs_low.d.next = false;
            self.adc_sclk_low.d.next = false;
            self.rd_valid_q.d.next = false;
            self.rd_ch_q.d.next = 0.into();
            self.rd_data_q.d.next = 0.into();
            self.rd_sat_q.d.next = false;
        }

        // ---- outputs (registers only, but for the busy / error strobes)
        self.adc.convst.next = self.convst_q.q.val();
        self.adc.cs.next = !self.adc_cs_low.q.val();
        self.adc.sclk.next = !self.adc_sclk_low.q.val();
        self.busy.next = self.adc_st.q.val() != self.st_idle.val();
        self.rd_valid.next = self.rd_valid_q.q.val();
        self.rd_ch.next = self.rd_ch_q.q.val();
        self.rd_data.next = self.rd_data_q.q.val();
        self.rd_sat.next = self.rd_sat_q.q.val();
    }
}
