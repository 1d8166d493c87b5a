//! Board tops: a [`BoardCore`] with a front-end PHY, a clock, a reset and
//! status LEDs on the pins of a real board.
//!
//! [`BoardUlx3s`] (top `ulx3s_25x5`): the Radiona ULX3S (Lattice
//! LFE5U-25F-6 CABGA381, 25 MHz oscillator on `clk_25mhz`, FTDI FT231X
//! USB-UART). Pin constraints: `constraints/ulx3s.lpf`; wiring table:
//! `constraints/README.md`.
//! - Clock: `clk_25mhz` directly (no PLL): the accelerator, the link and the
//!   PHY run at 25 MHz (40 ns per cycle).
//! - Host link: `ftdi_txd` (FTDI TXD -> FPGA) and `ftdi_rxd` (FPGA -> FTDI
//!   RXD), 8N1 at 1 Mbaud: [`ULX3S_CLOCKS_PER_BIT`] = 25 clocks per bit.
//! - Reset: a power-on counter (the first [`POR_CYCLES`] cycles after
//!   configuration) or the FIRE1 button (`btn_fire1`, active high), through
//!   two flip-flops; it resets the link, the accelerator and the PHY.
//! - PHY: [`LeanPhy<30, 5, 6, 2>`](LeanPhy): six AD5570 chains of five,
//!   two SN74LV595A chains of four parts (15 lines each), the ADG1404
//!   enables, the AD7606 - 19 pins of the GP/GN header.
//! - LEDs (`led[7:0]`): 0 accelerator idle, 1 any PHY error, 2..4 the PHY
//!   error bits (frame overrun, sample while busy, BUSY timeout), 5 the link
//!   is inside a frame, 6 `fe_busy`, 7 a 0.75 Hz heartbeat (clock alive).
//! - `wifi_gpio0` is driven high: the ESP32 on the board keeps the FPGA
//!   configured (its GPIO0 low would let it reboot the FPGA).

use crate::board::BoardCore;
use crate::fe_adc::AdcPins;
use crate::fe_bus::FeBus;
use crate::fe_phy_lean::LeanPhy;
use rust_hdl::prelude::*;

/// Clocks per UART bit: 25 MHz / 1 Mbaud.
pub const ULX3S_CLOCKS_PER_BIT: u16 = 25;
/// Board clock, MHz.
pub const ULX3S_CLOCK_MHZ: f64 = 25.0;
/// Cycles the power-on reset lasts (about 10 us at 25 MHz).
pub const POR_CYCLES: u64 = 255;

#[derive(LogicBlock)]
pub struct BoardUlx3s {
    pub clk_25mhz: Signal<In, Clock>,
    /// FIRE1 button (active high, pulled down): reset.
    pub btn_fire1: Signal<In, Bit>,
    /// FTDI TXD: the host's bytes.
    pub ftdi_txd: Signal<In, Bit>,
    /// FTDI RXD: the answers.
    pub ftdi_rxd: Signal<Out, Bit>,
    pub led: Signal<Out, Bits<8>>,
    pub wifi_gpio0: Signal<Out, Bit>,
    pub dac_sync: Signal<Out, Bit>,
    pub dac_sclk: Signal<Out, Bit>,
    pub dac_sdi: Signal<Out, Bits<6>>,
    pub dac_ldac: Signal<Out, Bit>,
    pub sr_clk: Signal<Out, Bit>,
    pub sr_ser: Signal<Out, Bits<2>>,
    pub sr_rclk: Signal<Out, Bit>,
    pub mux_en: Signal<Out, Bit>,
    /// AD7606 (`adc_convst`, `adc_cs`, `adc_sclk`, `adc_busy`, `adc_douta`).
    pub adc: AdcPins,
    core: BoardCore<25, 5>,
    phy: LeanPhy<30, 5, 6, 2>,
    por: DFF<Bits<8>>,
    btn_s1: DFF<Bit>,
    btn_s2: DFF<Bit>,
    rst_q: DFF<Bit>,
    beat: DFF<Bits<25>>,
    por_end: Constant<Bits<8>>,
    /// The simulation-only inputs, tied off.
    zero32: Constant<Bits<32>>,
    /// 0: gates the cores' simulation-only `wait_left` outputs, so that the
    /// lint sees them consumed and synthesis removes their logic.
    sim_only: Constant<Bit>,
    wait_any: Signal<Local, Bit>,
}

impl Default for BoardUlx3s {
    fn default() -> Self {
        Self {
            clk_25mhz: Default::default(),
            btn_fire1: Default::default(),
            ftdi_txd: Default::default(),
            ftdi_rxd: Default::default(),
            led: Default::default(),
            wifi_gpio0: Default::default(),
            dac_sync: Default::default(),
            dac_sclk: Default::default(),
            dac_sdi: Default::default(),
            dac_ldac: Default::default(),
            sr_clk: Default::default(),
            sr_ser: Default::default(),
            sr_rclk: Default::default(),
            mux_en: Default::default(),
            adc: Default::default(),
            core: BoardCore::new(ULX3S_CLOCKS_PER_BIT),
            phy: Default::default(),
            por: Default::default(),
            btn_s1: Default::default(),
            btn_s2: Default::default(),
            rst_q: Default::default(),
            beat: Default::default(),
            por_end: Constant::new(POR_CYCLES.into()),
            zero32: Constant::new(0u64.into()),
            sim_only: Constant::new(false),
            wait_any: Default::default(),
        }
    }
}

impl Logic for BoardUlx3s {
    #[hdl_gen]
    fn update(&mut self) {
        self.por.clock.next = self.clk_25mhz.val();
        self.btn_s1.clock.next = self.clk_25mhz.val();
        self.btn_s2.clock.next = self.clk_25mhz.val();
        self.rst_q.clock.next = self.clk_25mhz.val();
        self.beat.clock.next = self.clk_25mhz.val();
        self.core.clock.next = self.clk_25mhz.val();
        self.phy.clock.next = self.clk_25mhz.val();
        // ---- reset: power-on counter (registers start at 0) or FIRE1
        self.por.d.next = self.por.q.val();
        if self.por.q.val() != self.por_end.val() {
            self.por.d.next = self.por.q.val() + 1;
        }
        self.btn_s1.d.next = self.btn_fire1.val();
        self.btn_s2.d.next = self.btn_s1.q.val();
        self.rst_q.d.next = (self.por.q.val() != self.por_end.val()) || self.btn_s2.q.val();
        self.beat.d.next = self.beat.q.val() + 1;
        // ---- the core and the PHY
        self.core.reset.next = self.rst_q.q.val();
        self.core.uart_rx.next = self.ftdi_txd.val();
        self.ftdi_rxd.next = self.core.uart_tx.val();
        self.core.warp.next = self.zero32.val();
        self.phy.reset.next = self.rst_q.q.val();
        FeBus::join(&mut self.core.fe, &mut self.phy.fe);
        AdcPins::link(&mut self.adc, &mut self.phy.adc);
        self.dac_sync.next = self.phy.dac_sync.val();
        self.dac_sclk.next = self.phy.dac_sclk.val();
        self.dac_sdi.next = self.phy.dac_sdi.val();
        self.dac_ldac.next = self.phy.dac_ldac.val();
        self.sr_clk.next = self.phy.sr_clk.val();
        self.sr_ser.next = self.phy.sr_ser.val();
        self.sr_rclk.next = self.phy.sr_rclk.val();
        self.mux_en.next = self.phy.apply.val();
        // ---- status
        self.wait_any.next = self.sim_only.val()
            && (self.core.acc_wait_left.val().any() || self.core.link_wait_left.val().any());
        self.led.next = bits::<8>(0)
            .replace_bit(0, self.core.acc_idle.val())
            .replace_bit(1, self.phy.phy_error.val().any())
            .replace_bit(2, self.phy.phy_error.val().get_bit(0))
            .replace_bit(3, self.phy.phy_error.val().get_bit(1))
            .replace_bit(4, self.phy.phy_error.val().get_bit(2))
            .replace_bit(5, self.core.link_state.val().any())
            .replace_bit(6, self.phy.fe.busy.val())
            .replace_bit(7, self.beat.q.val().get_bit(24) || self.wait_any.val());
        self.wifi_gpio0.next = true;
    }
}
