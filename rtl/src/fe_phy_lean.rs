//! Pin-lean front-end PHY: the controller's `fe_*` bus on few pins, for a
//! board whose header has fewer pins than `FrontEndPhy` needs (the ULX3S:
//! 56 GPIO pins; `FrontEndPhy<30, 5>` needs 98).
//!
//! `N_LINES` lines (rows, then `N_COLS` columns, the channel numbering of
//! `fe_ch`); `N_DAC_CHAINS` and `N_SR_CHAINS` must divide `N_LINES`.
//!
//! ## Parts
//! - **DAC, one per line: Analog Devices AD5570** (single 16-bit DAC,
//!   bipolar output up to +-14 V from +-12..15 V supplies, offset binary:
//!   `0x8000` = 0 V; input shift register -> input register -> DAC
//!   register; `SDO` for daisy chaining, `LDAC` updates the DAC register,
//!   `CLR` clears to 0 V, power-on output 0 V). The DACs form
//!   `N_DAC_CHAINS` daisy chains of `N_LINES / N_DAC_CHAINS` parts, each
//!   chain on its own data pin (`dac_sdi` bit `g`); `SYNC`, `SCLK` and
//!   `LDAC` are shared. One frame of `16 * chain` bits writes every line;
//!   one `LDAC` pulse moves all of them to the outputs at once. Word:
//!   `fe_code ^ 0x800` in the top 12 bits, 4 zero bits (as `FrontEndPhy`).
//!   The word shifted first ends in the DAC farthest from the FPGA: chain
//!   `g`, position `p` (0 = the DAC on the pin) is line
//!   `g * chain + chain - 1 - p`.
//! - **Mux address: Texas Instruments SN74LV595A** (8-bit shift register
//!   with a storage register, `SER`, `SRCLK`, `RCLK`, `OE` tied low,
//!   `SRCLR` tied high; `QH'` to the next part's `SER`). `N_SR_CHAINS`
//!   chains (`sr_ser` bit `m`) of `ceil(2 * lines / 8)` parts, sharing
//!   `SRCLK` (`sr_clk`) and `RCLK` (`sr_rclk`). Each line's two bits go
//!   out `A1` then `A0`; with `M = N_LINES / N_SR_CHAINS` lines per chain,
//!   line `m * M + k`'s `A1` lands on stage `2M - 1 - 2k`, its `A0` on
//!   stage `2M - 2 - 2k` (stage `s` = output `Q(A + s % 8)` of the chain's
//!   `s / 8`-th part).
//! - **Line mode switch: ADG1404**, one per line, as in `FrontEndPhy`
//!   (`A1 A0` from the shift registers, `EN` of all = the `apply` pin).
//! - **ADC: AD7606**, serial, exactly as in `FrontEndPhy` (same pins,
//!   the same read path in the shared [`PhyStage`]), behind the longer delay.
//!
//! ## Timing (cycles; `c_r` = the cycle a staged `fe_apply` edge is seen)
//! - Staging writes go to a staging bank. At `c_r` the bank is copied into
//!   the chains' shift registers; from `c_r + 1` `dac_sync` is low and
//!   `16 * chain` bits go out, `CYCLES_PER_BIT` (3) cycles each: data set in
//!   the first, `dac_sclk` high in the second, low in the third (one cycle
//!   of setup and hold around either SCLK edge, whichever edge the part
//!   samples on). `sr_clk` pulses with `dac_sclk` for the first `2M` bits
//!   only (the mux chains are shorter). `dac_sync` rises after the last
//!   bit (`c_r + 1 + 3 * 16 * chain`, which loads each DAC's input
//!   register); in the next two cycles `dac_ldac` is low and `sr_rclk`
//!   high: the DAC outputs and the mux addresses change together.
//! - `apply` = `fe_apply` delayed by `LEAN_PHY_LATENCY` (288) cycles, so
//!   every pulse keeps its width and every gap its length; for 30 lines in
//!   6 chains (80 bits) the lines settle `288 - 242 = 46` cycles before
//!   `EN` (1.84 us at 25 MHz).
//! - `fe_sample` in cycle `c` raises `adc_convst` in `c + 288`; the rest of
//!   the ADC path is `FrontEndPhy`'s.
//! - `fe_busy`: a frame or its update is running, anything is in the delay
//!   lines, or the ADC path is busy. One batch is in flight at a time: the
//!   controller waits for `fe_busy` low before it stages (in IDLE and before
//!   a REFRESH's second batch), so a new frame never starts under a pulse.
//!
//! `phy_error` (sticky until reset): bit 0 a staged apply edge while a
//! frame, its update or a delayed pulse was in flight (the batch is
//! dropped), bit 1 a sample while the ADC path was busy, bit 2 BUSY did not
//! rise within `BUSY_TIMEOUT_CYCLES`.

use crate::fe_adc::AdcPins;
use crate::fe_bus::FeBusSink;
use crate::fe_stage::PhyStage;
use rust_hdl::prelude::*;

/// Cycles from `fe_apply` / `fe_sample` to the `apply` / `adc_convst` pins
/// (the `LAT` of its [`PhyStage`]: the width of the delay lines).
pub const LEAN_PHY_LATENCY: usize = 288;
/// FPGA clocks per serial bit.
pub const CYCLES_PER_BIT: usize = 3;
/// Cycles from the staged apply edge to the end of the `LDAC` pulse, for
/// `bits` serial bits: `1 + 3 bits` (frame) `+ 1` (SYNC high) `+ 2`.
pub fn update_cycles(bits: usize) -> usize {
    CYCLES_PER_BIT * bits + 4
}

#[derive(LogicBlock)]
pub struct LeanPhy<
    const N_LINES: usize,
    const N_COLS: usize,
    const N_DAC_CHAINS: usize,
    const N_SR_CHAINS: usize,
> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: banks ground, pins idle, errors cleared.
    pub reset: Signal<In, Bit>,
    /// The front-end bus from the controller (`fe_*` in the Verilog).
    pub fe: FeBusSink,
    /// AD5570 chains: shared `SYNC` (low in a frame), `SCLK`, `LDAC` (low
    /// pulse: update), one data pin per chain.
    pub dac_sync: Signal<Out, Bit>,
    pub dac_sclk: Signal<Out, Bit>,
    pub dac_sdi: Signal<Out, Bits<N_DAC_CHAINS>>,
    pub dac_ldac: Signal<Out, Bit>,
    /// SN74LV595A chains: shared `SRCLK`, `RCLK`, one `SER` per chain.
    pub sr_clk: Signal<Out, Bit>,
    pub sr_ser: Signal<Out, Bits<N_SR_CHAINS>>,
    pub sr_rclk: Signal<Out, Bit>,
    /// `EN` of every ADG1404: the pulse.
    pub apply: Signal<Out, Bit>,
    /// AD7606 pins (`adc_*` in the Verilog).
    pub adc: AdcPins,
    pub phy_error: Signal<Out, Bits<3>>,

    /// Staging bank, strobe delay lines, ADC path, errors.
    stage: PhyStage<N_LINES, N_COLS, LEAN_PHY_LATENCY>,
    snap_mode: [DFF<Bits<2>>; N_LINES],
    sh: [DFF<Bits<16>>; N_LINES],
    msh: [DFF<Bits<2>>; N_LINES],
    mode_q: [DFF<Bits<2>>; N_LINES],
    frame_on: DFF<Bit>,
    fph: DFF<Bits<2>>,
    fbit: DFF<Bits<10>>,
    sync_low: DFF<Bit>,
    sclk_q: DFF<Bit>,
    srclk_q: DFF<Bit>,
    upd: DFF<Bits<2>>,
    ldac_low: DFF<Bit>,
    rclk_q: DFF<Bit>,
    /// Bit `i`: line `i` is the last (farthest) of its DAC / SR chain.
    dac_last_c: Constant<Bits<N_LINES>>,
    sr_last_c: Constant<Bits<N_LINES>>,
    /// Per chain: the mask of its first line (the one on the pin).
    dac_first_c: [Constant<Bits<N_LINES>>; N_DAC_CHAINS],
    sr_first_c: [Constant<Bits<N_LINES>>; N_SR_CHAINS],
    last_fbit_c: Constant<Bits<10>>,
    sr_bits_c: Constant<Bits<10>>,
    shift: Signal<Local, Bit>,
    sr_shift: Signal<Local, Bit>,
    /// Bit `i`: the MSB of line `i`'s DAC word / mux bits.
    dac_msb: Signal<Local, Bits<N_LINES>>,
    sr_msb: Signal<Local, Bits<N_LINES>>,
    /// Bit `i`: what shifts into line `i`'s register (the next line's MSB
    /// in the same chain, else 0).
    dac_in: Signal<Local, Bits<N_LINES>>,
    sr_in: Signal<Local, Bits<N_LINES>>,
    sensed: Signal<Local, Bits<N_LINES>>,
}

impl<
        const N_LINES: usize,
        const N_COLS: usize,
        const N_DAC_CHAINS: usize,
        const N_SR_CHAINS: usize,
    > Default for LeanPhy<N_LINES, N_COLS, N_DAC_CHAINS, N_SR_CHAINS>
{
    fn default() -> Self {
        assert!(
            (1..=8).contains(&N_COLS) && N_COLS < N_LINES && N_LINES <= 64,
            "1 to 8 columns (one AD7606), at least one row, at most 64 lines"
        );
        assert!(
            N_LINES.is_multiple_of(N_DAC_CHAINS) && N_LINES.is_multiple_of(N_SR_CHAINS),
            "the chains divide the lines"
        );
        let (dac_chain, sr_chain) = (N_LINES / N_DAC_CHAINS, N_LINES / N_SR_CHAINS);
        let bits = 16 * dac_chain;
        assert!(
            2 * sr_chain <= bits,
            "the mux chains shift within the DAC frame"
        );
        assert!(
            update_cycles(bits) + 8 <= LEAN_PHY_LATENCY,
            "the frame ({bits} bits) fits the delay"
        );
        let mask = |f: &dyn Fn(usize) -> bool| {
            let mut v: Bits<N_LINES> = 0.into();
            for i in 0..N_LINES {
                v = v.replace_bit(i, f(i));
            }
            Constant::new(v)
        };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            fe: Default::default(),
            dac_sync: Default::default(),
            dac_sclk: Default::default(),
            dac_sdi: Default::default(),
            dac_ldac: Default::default(),
            sr_clk: Default::default(),
            sr_ser: Default::default(),
            sr_rclk: Default::default(),
            apply: Default::default(),
            adc: Default::default(),
            phy_error: Default::default(),
            stage: PhyStage::new(true),
            snap_mode: std::array::from_fn(|_| Default::default()),
            sh: std::array::from_fn(|_| Default::default()),
            msh: std::array::from_fn(|_| Default::default()),
            mode_q: std::array::from_fn(|_| Default::default()),
            frame_on: Default::default(),
            fph: Default::default(),
            fbit: Default::default(),
            sync_low: Default::default(),
            sclk_q: Default::default(),
            srclk_q: Default::default(),
            upd: Default::default(),
            ldac_low: Default::default(),
            rclk_q: Default::default(),
            dac_last_c: mask(&|i| (i + 1).is_multiple_of(dac_chain)),
            sr_last_c: mask(&|i| (i + 1).is_multiple_of(sr_chain)),
            dac_first_c: std::array::from_fn(|g| mask(&|i| i == g * dac_chain)),
            sr_first_c: std::array::from_fn(|m| mask(&|i| i == m * sr_chain)),
            last_fbit_c: Constant::new(((bits - 1) as u64).into()),
            sr_bits_c: Constant::new(((2 * sr_chain) as u64).into()),
            shift: Default::default(),
            sr_shift: Default::default(),
            dac_msb: Default::default(),
            sr_msb: Default::default(),
            dac_in: Default::default(),
            sr_in: Default::default(),
            sensed: Default::default(),
        }
    }
}

impl<
        const N_LINES: usize,
        const N_COLS: usize,
        const N_DAC_CHAINS: usize,
        const N_SR_CHAINS: usize,
    > Logic for LeanPhy<N_LINES, N_COLS, N_DAC_CHAINS, N_SR_CHAINS>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, frame_on, fph, fbit, sync_low, sclk_q, srclk_q, upd, ldac_low, rclk_q
        );
        self.stage.clock.next = self.clock.val();
        self.stage.reset.next = self.reset.val();
        FeBusSink::link(&mut self.fe, &mut self.stage.fe);
        AdcPins::link(&mut self.adc, &mut self.stage.adc);
        self.stage.lines_busy.next = self.frame_on.q.val() || self.upd.q.val().any();
        self.shift.next = self.frame_on.q.val() && (self.fph.q.val() == 2);
        self.sr_shift.next = self.shift.val() && (self.fbit.q.val() < self.sr_bits_c.val());
        // ---- chain inputs: each register takes the next line's MSB in its chain
        self.dac_msb.next = 0.into();
        self.sr_msb.next = 0.into();
        self.sensed.next = 0.into();
        for i in 0..N_LINES {
            self.dac_msb.next = self
                .dac_msb
                .val()
                .replace_bit(i, self.sh[i].q.val().get_bit(15));
            self.sr_msb.next = self
                .sr_msb
                .val()
                .replace_bit(i, self.msh[i].q.val().get_bit(1));
            self.sensed.next = self
                .sensed
                .val()
                .replace_bit(i, self.mode_q[i].q.val() == 2);
        }
        self.dac_in.next = (self.dac_msb.val() >> 1) & !self.dac_last_c.val();
        self.sr_in.next = (self.sr_msb.val() >> 1) & !self.sr_last_c.val();
        for i in 0..N_LINES {
            self.snap_mode[i].clock.next = self.clock.val();
            self.sh[i].clock.next = self.clock.val();
            self.msh[i].clock.next = self.clock.val();
            self.mode_q[i].clock.next = self.clock.val();
            self.snap_mode[i].d.next = self.snap_mode[i].q.val();
            self.sh[i].d.next = self.sh[i].q.val();
            self.msh[i].d.next = self.msh[i].q.val();
            self.mode_q[i].d.next = self.mode_q[i].q.val();
            if self.stage.load.val() {
                self.sh[i].d.next = self.stage.word[i].val();
                self.msh[i].d.next = self.stage.mode[i].val();
                self.snap_mode[i].d.next = self.stage.mode[i].val();
            } else {
                if self.shift.val() {
                    self.sh[i].d.next =
                        (self.sh[i].q.val() << 1).replace_bit(0, self.dac_in.val().get_bit(i));
                }
                if self.sr_shift.val() {
                    self.msh[i].d.next =
                        (self.msh[i].q.val() << 1).replace_bit(0, self.sr_in.val().get_bit(i));
                }
            }
            if self.upd.q.val() == 1 {
                self.mode_q[i].d.next = self.snap_mode[i].q.val();
            }
            if self.reset.val() {
                self.snap_mode[i].d.next = 0.into();
                self.sh[i].d.next = 0.into();
                self.msh[i].d.next = 0.into();
                self.mode_q[i].d.next = 0.into();
            }
        }
        self.dac_sdi.next = 0.into();
        for g in 0..N_DAC_CHAINS {
            self.dac_sdi.next = self
                .dac_sdi
                .val()
                .replace_bit(g, (self.dac_msb.val() & self.dac_first_c[g].val()).any());
        }
        self.sr_ser.next = 0.into();
        for m in 0..N_SR_CHAINS {
            self.sr_ser.next = self
                .sr_ser
                .val()
                .replace_bit(m, (self.sr_msb.val() & self.sr_first_c[m].val()).any());
        }

        // ---- frame: 3 cycles per bit, SCLK high in the middle one
        if self.frame_on.q.val() {
            if self.fph.q.val() == 0 {
                self.fph.d.next = 1.into();
                self.sclk_q.d.next = true;
                self.srclk_q.d.next = self.fbit.q.val() < self.sr_bits_c.val();
            } else if self.fph.q.val() == 1 {
                self.fph.d.next = 2.into();
                self.sclk_q.d.next = false;
                self.srclk_q.d.next = false;
            } else {
                self.fph.d.next = 0.into();
                self.fbit.d.next = self.fbit.q.val() + 1;
                if self.fbit.q.val() == self.last_fbit_c.val() {
                    self.frame_on.d.next = false;
                    self.fbit.d.next = 0.into();
                    self.sync_low.d.next = false;
                    self.upd.d.next = 1.into();
                }
            }
        }
        if self.upd.q.val() == 1 {
            self.upd.d.next = 2.into();
            self.ldac_low.d.next = true;
            self.rclk_q.d.next = true;
        } else if self.upd.q.val() == 2 {
            self.upd.d.next = 3.into();
        } else if self.upd.q.val() == 3 {
            self.upd.d.next = 0.into();
            self.ldac_low.d.next = false;
            self.rclk_q.d.next = false;
        }
        if self.stage.load.val() {
            self.frame_on.d.next = true;
            self.fph.d.next = 0.into();
            self.fbit.d.next = 0.into();
            self.sync_low.d.next = true;
            self.sclk_q.d.next = false;
            self.srclk_q.d.next = false;
        }
        self.stage.sensed.next = self.sensed.val();
        if self.reset.val() {
            self.frame_on.d.next = false;
            self.fph.d.next = 0.into();
            self.fbit.d.next = 0.into();
            self.sync_low.d.next = false;
            self.sclk_q.d.next = false;
            self.srclk_q.d.next = false;
            self.upd.d.next = 0.into();
            self.ldac_low.d.next = false;
            self.rclk_q.d.next = false;
        }

        // ---- outputs (registers only)
        self.apply.next = self.stage.apply.val();
        self.dac_sync.next = !self.sync_low.q.val();
        self.dac_sclk.next = self.sclk_q.q.val();
        self.dac_ldac.next = !self.ldac_low.q.val();
        self.sr_clk.next = self.srclk_q.q.val();
        self.sr_rclk.next = self.rclk_q.q.val();
        self.phy_error.next = self.stage.phy_error.val();
    }
}
