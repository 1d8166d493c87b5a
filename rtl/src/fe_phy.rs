//! Front-end PHY: turns the controller's `fe_*` bus into the pins of real
//! converter and switch chips.
//!
//! `N_LINES` lines (rows `0..N_LINES - N_COLS`, then `N_COLS` columns, the
//! channel numbering of `fe_ch`), `N_COLS <= 8` sensed by one ADC.
//!
//! ## Parts (one set per board)
//! - **DAC, one per line: Analog Devices AD5542A** (16-bit, bipolar output
//!   through its on-chip `RFB`/`INV` resistors and an external amplifier;
//!   3-wire SPI up to 50 MHz, 16-bit word MSB first, SDIN sampled on SCLK
//!   rising; `CS` rising loads the word; `LDAC` tied low, so the output
//!   follows at `CS` rising). All DACs share `dac_cs` and `dac_sclk`; each
//!   has its own data line (`dac_sdi` bit `i` = line `i`), so one 16-bit
//!   frame writes every line at once. Word: offset binary,
//!   `fe_code ^ 0x800` in the top 12 bits, 4 zero bits (the output stage
//!   scales one 12-bit step to the bus' 4 mV).
//! - **Line mode switch, one per line: Analog Devices ADG1404** (4:1 mux,
//!   parallel `A1 A0` and `EN`): `S1` ground, `S2` the line's DAC, `S3` the
//!   column's TIA, `S4` open (float), so `A1 A0 = fe_mode` (`mux_a1`,
//!   `mux_a0`, bit `i` = line `i`). `EN` of every mux is the `apply` pin:
//!   low, all switches open and each line sits on its pull-down to ground.
//! - **ADC: Analog Devices AD7606** (8 channels, simultaneous sampling,
//!   16-bit two's complement), serial mode, `DOUTA` only (channels in
//!   ascending order, 16 SCLK each); `CONVST A/B` tied together
//!   (`adc_convst`), `BUSY` (`adc_busy`, through a 2-flip-flop
//!   synchronizer), `CS` (`adc_cs`), `SCLK` (`adc_sclk`, idles high),
//!   `DOUTA` (`adc_douta`). Column `j`'s TIA feeds `V(j+1)`.
//!
//! Why one DAC per line rather than a 16-channel SPI DAC (LTC2668 /
//! AD5766): one SPI frame of those parts writes one channel, so a 30-line
//! batch needs 15 frames of 24 bits (>= 720 cycles at 50 MHz SCLK), while
//! the controller raises `fe_apply` in the cycle after its last staging
//! write; and a REFRESH staged its second batch `3 + N_LINES` cycles after
//! its first pulse (the controller now waits for `fe_busy` low before that
//! batch, which `fe_phy_lean`'s serial chains need).
//!
//! ## Timing (cycles of the FPGA clock; a cycle "c" = the cycle where a bus
//! input is seen)
//! - Staging (`fe_we`): the line's code and mode go into a staging bank;
//!   nothing reaches the pins.
//! - Frame: at a rising edge of `fe_apply` (cycle `c_r`) after staging, the
//!   staged bank is copied into the per-line shift registers and a frame
//!   starts: `dac_cs` low from `c_r + 1`; bit `b` (MSB first) on `dac_sdi`
//!   in `c_r + 1 + 2b` and `c_r + 2 + 2b`, `dac_sclk` high in `c_r + 2 + 2b`
//!   (rising mid-bit); `dac_cs` high again from `c_r + 34` (load), and in
//!   the same cycle the mux addresses take the new modes. `FRAME_CYCLES`
//!   (33) cycles with `dac_cs` low. An apply edge without staging before it
//!   (the next pulse of a train) starts no frame.
//! - `apply` = `fe_apply` delayed by `PHY_LATENCY` (64) cycles, through a
//!   shift register: every pulse has exactly its width in cycles, and every
//!   gap between pulses its length. Between the load (`c_r + 34`) and the
//!   apply pin (`c_r + 64`) the DAC outputs and the muxes settle for
//!   `GATE_LEAD_CYCLES` (30) cycles.
//! - `fe_sample` in cycle `c` raises `adc_convst` in `c + 64` (the same
//!   delay: the sample sees the lines as the bus-level model does; from
//!   there on the read path is `AdcReader` in the shared [`PhyStage`]) for 3
//!   cycles; then the PHY waits for the synchronized `BUSY` to rise (at most
//!   `BUSY_TIMEOUT_CYCLES` cycles, else error bit 2 and it reads anyway) and
//!   fall, then reads `16 * N_COLS` bits: `adc_cs` low one cycle with SCLK
//!   high, then per bit SCLK low 3 cycles, high 3 cycles (`ADC_SCLK_DIV` =
//!   6); the bit is taken in the last low cycle (data valid after the
//!   falling edge). Then `adc_sclk` high, next cycle `adc_cs` high, then one
//!   result per cycle for each column whose mux is in sense mode (ascending
//!   column order, `fe_rd_ch = N_LINES - N_COLS + j`; `fe_rd_sat` when the
//!   code is the ADC's end of range, `0x7FFF` or `0x8000`).
//! - `fe_busy`: a frame is running, anything is in the delay line (so also
//!   while the delayed apply is high), or the ADC path is not idle. The
//!   controller starts an operation only with `fe_busy` low, so the next
//!   batch is never staged over a pulse still on the lines.
//!
//! Requirement on the bus (met by `CrossbarController`, checked by
//! `phy_error` bit 0): two staged apply edges are at least
//! `FRAME_CYCLES + 2` cycles apart (REFRESH: `w + 3 + N_LINES + 1`), and a
//! staged apply edge comes at least `PHY_LATENCY - FRAME_CYCLES - 1` cycles
//! after the previous fall (else the muxes would switch under a pulse).
//!
//! ## SCLK
//! `dac_sclk` = clock / 2 (`DAC_SCLK_DIV`): 50 MHz at 100 MHz, 6 MHz at
//! 12 MHz; the AD5542A allows 50 MHz (20 ns period, 10 ns high/low), and
//! the 1-cycle setup/hold of SDIN and CS around the SCLK edges is 10 ns at
//! 100 MHz. `adc_sclk` = clock / 6: 16.7 MHz at 100 MHz (the AD7606 serial
//! clock is limited to about 20 MHz; the part model checks the period).
//!
//! `phy_error` (sticky until reset): bit 0 a staged apply edge while a frame
//! was running (the frame is dropped), bit 1 a sample while the ADC path was
//! busy (ignored), bit 2 BUSY did not rise within `BUSY_TIMEOUT_CYCLES`.

use crate::fe_adc::AdcPins;
use crate::fe_bus::FeBusSink;
use crate::fe_stage::PhyStage;
use rust_hdl::prelude::*;

/// Cycles from `fe_apply` / `fe_sample` to the `apply` / `adc_convst` pins.
pub const PHY_LATENCY: u64 = 64;
/// Cycles with `dac_cs` low in a frame (16 bits of 2 cycles + 1 hold cycle).
pub const FRAME_CYCLES: u64 = 33;
/// Cycles from the DAC load / mux switch to the `apply` pin.
pub const GATE_LEAD_CYCLES: u64 = PHY_LATENCY - FRAME_CYCLES - 1;
/// FPGA clocks per DAC SCLK period.
pub const DAC_SCLK_DIV: u64 = 2;
pub use crate::fe_adc::{
    ADC_CONV, ADC_EMIT, ADC_IDLE, ADC_READ, ADC_READ_END, ADC_SCLK_DIV, ADC_WAIT_HI, ADC_WAIT_LO,
    BUSY_TIMEOUT_CYCLES, CONVST_CYCLES,
};

#[derive(LogicBlock)]
pub struct FrontEndPhy<const N_LINES: usize, const N_COLS: usize> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: banks ground, pins idle, errors cleared.
    pub reset: Signal<In, Bit>,
    /// The front-end bus from the controller (`fe_*` in the Verilog).
    pub fe: FeBusSink,
    /// DAC pins (AD5542A, one per line).
    pub dac_cs: Signal<Out, Bit>,
    pub dac_sclk: Signal<Out, Bit>,
    pub dac_sdi: Signal<Out, Bits<N_LINES>>,
    /// Mux pins (ADG1404, one per line): address and the shared enable.
    pub mux_a0: Signal<Out, Bits<N_LINES>>,
    pub mux_a1: Signal<Out, Bits<N_LINES>>,
    pub apply: Signal<Out, Bit>,
    /// ADC pins (AD7606, serial; `adc_*` in the Verilog).
    pub adc: AdcPins,
    /// Sticky errors (see the module docs).
    pub phy_error: Signal<Out, Bits<3>>,

    /// Staging bank, strobe delay lines, ADC path, errors.
    stage: PhyStage<N_LINES, N_COLS, { PHY_LATENCY as usize }>,
    snap_mode: [DFF<Bits<2>>; N_LINES],
    sh: [DFF<Bits<16>>; N_LINES],
    mode_q: [DFF<Bits<2>>; N_LINES],
    frame_on: DFF<Bit>,
    frame: DFF<Bits<6>>,
    /// `dac_cs` is low (the register's 0 is the idle, high pin).
    dac_cs_low: DFF<Bit>,
    dac_sclk_q: DFF<Bit>,
    /// Bit `i`: line `i`'s mux is in sense mode.
    sensed: Signal<Local, Bits<N_LINES>>,
}

impl<const N_LINES: usize, const N_COLS: usize> Default for FrontEndPhy<N_LINES, N_COLS> {
    fn default() -> Self {
        assert!(
            (1..=8).contains(&N_COLS) && N_COLS < N_LINES,
            "1 to 8 columns (one AD7606) and at least one row"
        );
        assert!(N_LINES <= 256, "channels are 8-bit");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            fe: Default::default(),
            dac_cs: Default::default(),
            dac_sclk: Default::default(),
            dac_sdi: Default::default(),
            mux_a0: Default::default(),
            mux_a1: Default::default(),
            apply: Default::default(),
            adc: Default::default(),
            phy_error: Default::default(),
            stage: PhyStage::new(false),
            snap_mode: std::array::from_fn(|_| Default::default()),
            sh: std::array::from_fn(|_| Default::default()),
            mode_q: std::array::from_fn(|_| Default::default()),
            frame_on: Default::default(),
            frame: Default::default(),
            dac_cs_low: Default::default(),
            dac_sclk_q: Default::default(),
            sensed: Default::default(),
        }
    }
}

impl<const N_LINES: usize, const N_COLS: usize> Logic for FrontEndPhy<N_LINES, N_COLS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, frame_on, frame, dac_cs_low, dac_sclk_q);
        self.stage.clock.next = self.clock.val();
        self.stage.reset.next = self.reset.val();
        FeBusSink::link(&mut self.fe, &mut self.stage.fe);
        AdcPins::link(&mut self.adc, &mut self.stage.adc);
        self.stage.lines_busy.next = self.frame_on.q.val();
        // ---- per-line banks: shift registers, mux addresses
        for i in 0..N_LINES {
            self.snap_mode[i].clock.next = self.clock.val();
            self.sh[i].clock.next = self.clock.val();
            self.mode_q[i].clock.next = self.clock.val();
            self.snap_mode[i].d.next = self.snap_mode[i].q.val();
            self.sh[i].d.next = self.sh[i].q.val();
            self.mode_q[i].d.next = self.mode_q[i].q.val();
            if self.stage.load.val() {
                self.sh[i].d.next = self.stage.word[i].val();
                self.snap_mode[i].d.next = self.stage.mode[i].val();
            } else if self.frame_on.q.val() && self.frame.q.val().get_bit(0) {
                self.sh[i].d.next = self.sh[i].q.val() << 1;
            }
            if self.frame_on.q.val() && (self.frame.q.val() == 32) {
                self.mode_q[i].d.next = self.snap_mode[i].q.val();
            }
            if self.reset.val() {
                self.snap_mode[i].d.next = 0.into();
                self.sh[i].d.next = 0.into();
                self.mode_q[i].d.next = 0.into();
            }
        }
        self.dac_sdi.next = 0.into();
        self.mux_a0.next = 0.into();
        self.mux_a1.next = 0.into();
        self.sensed.next = 0.into();
        for i in 0..N_LINES {
            self.dac_sdi.next = self
                .dac_sdi
                .val()
                .replace_bit(i, self.sh[i].q.val().get_bit(15));
            self.mux_a0.next = self
                .mux_a0
                .val()
                .replace_bit(i, self.mode_q[i].q.val().get_bit(0));
            self.mux_a1.next = self
                .mux_a1
                .val()
                .replace_bit(i, self.mode_q[i].q.val().get_bit(1));
            self.sensed.next = self
                .sensed
                .val()
                .replace_bit(i, self.mode_q[i].q.val() == 2);
        }

        self.stage.sensed.next = self.sensed.val();

        // ---- DAC frame
        if self.frame_on.q.val() {
            self.frame.d.next = self.frame.q.val() + 1;
            if self.frame.q.val() == 32 {
                self.frame_on.d.next = false;
                self.frame.d.next = 0.into();
                self.dac_cs_low.d.next = false;
            } else if self.frame.q.val().get_bit(0) {
                self.dac_sclk_q.d.next = false;
            } else if self.frame.q.val() < 32 {
                self.dac_sclk_q.d.next = true;
            }
        }
        if self.stage.load.val() {
            self.frame_on.d.next = true;
            self.frame.d.next = 0.into();
            self.dac_cs_low.d.next = true;
            self.dac_sclk_q.d.next = false;
        }
        if self.reset.val() {
            self.frame_on.d.next = false;
            self.frame.d.next = 0.into();
            self.dac_cs_low.d.next = false;
            self.dac_sclk_q.d.next = false;
        }

        // ---- outputs (registers only)
        self.apply.next = self.stage.apply.val();
        self.dac_cs.next = !self.dac_cs_low.q.val();
        self.dac_sclk.next = self.dac_sclk_q.q.val();
        self.phy_error.next = self.stage.phy_error.val();
    }
}
