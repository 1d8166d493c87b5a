//! Board tops: a [`BoardBody`] (the [`BoardCore`], the pin-lean front-end
//! PHY, a reset and status bits) on the pins of a real board, with the
//! board's clock.
//!
//! [`BoardBody`] is what every board top shares, so the body that the
//! pin-level co-simulation runs (`ulx3s_25x5`, `cosim::board_top`) is the
//! body each board carries:
//! - Clock: 25 MHz (40 ns per cycle): the accelerator, the link and the PHY.
//! - Host link: 8N1 at 1 Mbaud, [`BOARD_CLOCKS_PER_BIT`] = 25 clocks per bit.
//! - Reset: a power-on counter (the first [`POR_CYCLES`] cycles after
//!   configuration) or `reset_req` (a button, or a PLL not yet locked),
//!   through two flip-flops; it resets the link, the accelerator and the
//!   PHY.
//! - PHY: [`LeanPhy<30, 5, 6, 2>`](LeanPhy): six AD5570 chains of five,
//!   two SN74LV595A chains of four parts (15 lines each), the ADG1404
//!   enables, the AD7606 - 19 pins.
//! - Status (`status[7:0]`): 0 accelerator idle, 1 any PHY error, 2..4 the
//!   PHY error bits (frame overrun, sample while busy, BUSY timeout), 5 the
//!   link is inside a frame, 6 `fe_busy`, 7 a 0.75 Hz heartbeat (clock
//!   alive).
//!
//! [`BoardUlx3s`] (top `ulx3s_25x5`): the Radiona ULX3S (Lattice
//! LFE5U-25F-6 CABGA381, 25 MHz oscillator on `clk_25mhz`, FTDI FT231X
//! USB-UART). Pin constraints: `constraints/ulx3s.lpf`; wiring table:
//! `constraints/README.md`.
//! - Clock: `clk_25mhz` directly (no PLL).
//! - Host link: `ftdi_txd` (FTDI TXD -> FPGA) and `ftdi_rxd` (FPGA -> FTDI
//!   RXD).
//! - Reset request: the FIRE1 button (`btn_fire1`, active high).
//! - LEDs (`led[7:0]`): the status bits.
//! - `wifi_gpio0` is driven high: the ESP32 on the board keeps the FPGA
//!   configured (its GPIO0 low would let it reboot the FPGA).
//!
//! [`BoardArty`] (top `arty_25x5`): the Digilent Arty A7-35T (AMD/Xilinx
//! XC7A35TICSG324-1L, 100 MHz oscillator on `clk100mhz`, FTDI FT2232HQ
//! USB-UART). Pin constraints: `constraints/arty_a7.xdc`; wiring table:
//! `constraints/README.md`.
//! - Clock: an MMCM ([`ArtyMmcm`]: VCO 1000 MHz, `CLKOUT0` = 25 MHz, on a
//!   global buffer) makes the body's 25 MHz from the 100 MHz oscillator, so
//!   the body, its UART rate and its PHY timing are those of the ULX3S.
//! - Host link: `uart_txd_in` (FT2232 TXD -> FPGA) and `uart_rxd_out`
//!   (FPGA -> FT2232 RXD).
//! - Reset request: the RESET button (`ck_rst`, active low) or the MMCM not
//!   locked.
//! - LEDs: `led[3:0]` (LD4..LD7) status bits 0, 1, 5, 7 (idle, any PHY
//!   error, in a frame, heartbeat); the red parts of RGB LEDs LD0..LD2
//!   (`led0_r`, `led1_r`, `led2_r`) the three PHY error bits; the blue part
//!   of LD3 (`led3_b`) `fe_busy`.
//! - PHY: Pmod headers JA, JB and JC (19 of their 24 signal pins).

use crate::board::BoardCore;
use crate::fe_adc::AdcPins;
use crate::fe_bus::FeBus;
use crate::fe_phy_lean::LeanPhy;
use rust_hdl::prelude::*;

/// Clocks per UART bit of every board body: 25 MHz / 1 Mbaud.
pub const BOARD_CLOCKS_PER_BIT: u16 = 25;
/// The board body's clock, MHz.
pub const BOARD_CLOCK_MHZ: f64 = 25.0;
/// Clocks per UART bit on the ULX3S (its body's).
pub const ULX3S_CLOCKS_PER_BIT: u16 = BOARD_CLOCKS_PER_BIT;
/// ULX3S clock (its oscillator, the body's clock), MHz.
pub const ULX3S_CLOCK_MHZ: f64 = BOARD_CLOCK_MHZ;
/// The Arty A7's oscillator, MHz (its MMCM makes [`BOARD_CLOCK_MHZ`]).
pub const ARTY_OSC_MHZ: f64 = 100.0;
/// Cycles the power-on reset lasts (about 10 us at 25 MHz).
pub const POR_CYCLES: u64 = 255;

/// The board body's PHY pins, but for the ADC's ([`AdcPins`]): the AD5570
/// chains, the SN74LV595A chains and the muxes' `EN`. The generated Verilog
/// names them by their fields (`dac_sync`, not `pins$dac_sync`: see
/// [`crate::verilog::BARE_INTERFACES`]), the names of the constraint files.
#[derive(LogicInterface, Default)]
pub struct BodyPins {
    /// AD5570 chains: shared `SYNC` (low in a frame), `SCLK`, `LDAC`, one
    /// data pin per chain.
    pub dac_sync: Signal<Out, Bit>,
    pub dac_sclk: Signal<Out, Bit>,
    pub dac_sdi: Signal<Out, Bits<6>>,
    pub dac_ldac: Signal<Out, Bit>,
    /// SN74LV595A chains: shared `SRCLK`, `RCLK`, one `SER` per chain.
    pub sr_clk: Signal<Out, Bit>,
    pub sr_ser: Signal<Out, Bits<2>>,
    pub sr_rclk: Signal<Out, Bit>,
    /// `EN` of every ADG1404: the levels are on the array while high.
    pub mux_en: Signal<Out, Bit>,
}

/// The part of a board top that every board shares: the board core, the
/// pin-lean PHY, the reset and the status bits. Its pins keep the names
/// of the PHY (`dac_*`, `sr_*`, `mux_en`, `adc_*`).
#[derive(LogicBlock)]
pub struct BoardBody {
    /// The body's clock, [`BOARD_CLOCK_MHZ`].
    pub clock: Signal<In, Clock>,
    /// Reset request, active high, asynchronous (a button, a PLL not
    /// locked): synchronized here.
    pub reset_req: Signal<In, Bit>,
    /// The host's serial line (into the FPGA).
    pub uart_rx: Signal<In, Bit>,
    /// The answers (out of the FPGA).
    pub uart_tx: Signal<Out, Bit>,
    /// 0 idle, 1 any PHY error, 2..4 PHY error bits, 5 link in a frame,
    /// 6 `fe_busy`, 7 heartbeat.
    pub status: Signal<Out, Bits<8>>,
    /// The DAC and shift-register chains and the muxes' `EN`.
    pub pins: BodyPins,
    /// AD7606 (`adc_convst`, `adc_cs`, `adc_sclk`, `adc_busy`, `adc_douta`).
    pub adc: AdcPins,
    core: BoardCore<25, 5>,
    phy: LeanPhy<30, 5, 6, 2>,
    por: DFF<Bits<8>>,
    req_s1: DFF<Bit>,
    req_s2: DFF<Bit>,
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

impl Default for BoardBody {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset_req: Default::default(),
            uart_rx: Default::default(),
            uart_tx: Default::default(),
            status: Default::default(),
            pins: Default::default(),
            adc: Default::default(),
            core: BoardCore::new(BOARD_CLOCKS_PER_BIT),
            phy: Default::default(),
            por: Default::default(),
            req_s1: Default::default(),
            req_s2: Default::default(),
            rst_q: Default::default(),
            beat: Default::default(),
            por_end: Constant::new(POR_CYCLES.into()),
            zero32: Constant::new(0u64.into()),
            sim_only: Constant::new(false),
            wait_any: Default::default(),
        }
    }
}

impl Logic for BoardBody {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, por, req_s1, req_s2, rst_q, beat);
        self.core.clock.next = self.clock.val();
        self.phy.clock.next = self.clock.val();
        // ---- reset: power-on counter (registers start at 0) or the request
        self.por.d.next = self.por.q.val();
        if self.por.q.val() != self.por_end.val() {
            self.por.d.next = self.por.q.val() + 1;
        }
        self.req_s1.d.next = self.reset_req.val();
        self.req_s2.d.next = self.req_s1.q.val();
        self.rst_q.d.next = (self.por.q.val() != self.por_end.val()) || self.req_s2.q.val();
        self.beat.d.next = self.beat.q.val() + 1;
        // ---- the core and the PHY
        self.core.reset.next = self.rst_q.q.val();
        self.core.uart_rx.next = self.uart_rx.val();
        self.uart_tx.next = self.core.uart_tx.val();
        self.core.warp.next = self.zero32.val();
        self.phy.reset.next = self.rst_q.q.val();
        FeBus::join(&mut self.core.fe, &mut self.phy.fe);
        AdcPins::link(&mut self.adc, &mut self.phy.adc);
        self.pins.dac_sync.next = self.phy.dac_sync.val();
        self.pins.dac_sclk.next = self.phy.dac_sclk.val();
        self.pins.dac_sdi.next = self.phy.dac_sdi.val();
        self.pins.dac_ldac.next = self.phy.dac_ldac.val();
        self.pins.sr_clk.next = self.phy.sr_clk.val();
        self.pins.sr_ser.next = self.phy.sr_ser.val();
        self.pins.sr_rclk.next = self.phy.sr_rclk.val();
        self.pins.mux_en.next = self.phy.apply.val();
        // ---- status
        self.wait_any.next = self.sim_only.val()
            && (self.core.acc_wait_left.val().any() || self.core.link_wait_left.val().any());
        self.status.next = bits::<8>(0)
            .replace_bit(0, self.core.acc_idle.val())
            .replace_bit(1, self.phy.phy_error.val().any())
            .replace_bit(2, self.phy.phy_error.val().get_bit(0))
            .replace_bit(3, self.phy.phy_error.val().get_bit(1))
            .replace_bit(4, self.phy.phy_error.val().get_bit(2))
            .replace_bit(5, self.core.link_state.val().any())
            .replace_bit(6, self.phy.fe.busy.val())
            .replace_bit(7, self.beat.q.val().get_bit(24) || self.wait_any.val());
    }
}

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
    /// The DAC and shift-register chains and the muxes' `EN`.
    pub pins: BodyPins,
    /// AD7606 (`adc_convst`, `adc_cs`, `adc_sclk`, `adc_busy`, `adc_douta`).
    pub adc: AdcPins,
    body: BoardBody,
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
            pins: Default::default(),
            adc: Default::default(),
            body: Default::default(),
        }
    }
}

impl Logic for BoardUlx3s {
    #[hdl_gen]
    fn update(&mut self) {
        self.body.clock.next = self.clk_25mhz.val();
        self.body.reset_req.next = self.btn_fire1.val();
        self.body.uart_rx.next = self.ftdi_txd.val();
        self.ftdi_rxd.next = self.body.uart_tx.val();
        self.led.next = self.body.status.val();
        self.wifi_gpio0.next = true;
        // the PHY's pins
        BodyPins::link(&mut self.pins, &mut self.body.pins);
        AdcPins::link(&mut self.adc, &mut self.body.adc);
    }
}

/// The Arty A7's clock: an MMCME2_BASE (`CLKIN1` 100 MHz, VCO = 100 MHz x
/// 10 = 1000 MHz, `CLKOUT0` = VCO / 40 = 25 MHz) whose `CLKOUT0` drives a
/// BUFG. The VCO lies in the -1 speed grade's 600..1200 MHz range
/// (DS181, MMCM switching characteristics).
///
/// In the Verilog this is a wrapper around the two AMD/Xilinx primitives,
/// with a declaration of each for Yosys (`(* blackbox *)`: Yosys keeps them
/// as cells; its `synth_xilinx` knows both) and Verilator's lint; the body
/// of each declaration is a simulation model (`CLKOUT0` toggles every
/// `CLKOUT0_DIVIDE_F / CLKFBOUT_MULT_F / 2` input clocks, `LOCKED` rises
/// after [`ARTY_MMCM_LOCK_CYCLES`] input clocks) for Icarus. Vivado uses
/// its own primitives: `neuroxbar synth --board arty` writes its Verilog
/// without these declarations. rust-hdl's own simulation passes the clock
/// through and reports locked.
#[derive(LogicBlock, Default)]
pub struct ArtyMmcm {
    /// The 100 MHz oscillator.
    pub clk_in: Signal<In, Clock>,
    /// 25 MHz, on a global clock buffer.
    pub clk_out: Signal<Out, Clock>,
    /// The MMCM is locked (asynchronous).
    pub locked: Signal<Out, Bit>,
}

/// Input clocks the MMCM simulation model takes to lock.
pub const ARTY_MMCM_LOCK_CYCLES: u32 = 64;

/// The declarations of the two primitives [`ArtyMmcm`] instantiates, with
/// their simulation models. `neuroxbar synth --board arty` removes the text
/// between these two marker lines for Vivado.
pub const VENDOR_MODELS_BEGIN: &str = "// neuroxbar: vendor primitive models begin";
pub const VENDOR_MODELS_END: &str = "// neuroxbar: vendor primitive models end";

impl Logic for ArtyMmcm {
    fn update(&mut self) {
        self.clk_out.next = self.clk_in.val();
        self.locked.next = true;
    }

    fn connect(&mut self) {
        self.clk_out.connect();
        self.locked.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Wrapper(Wrapper {
            code: r#"
wire clk_fb;
wire clk_mmcm;
MMCME2_BASE #(
    .CLKIN1_PERIOD(10.0),
    .DIVCLK_DIVIDE(1),
    .CLKFBOUT_MULT_F(10.0),
    .CLKOUT0_DIVIDE_F(40.0)
) mmcm (
    .CLKIN1(clk_in),
    .CLKFBIN(clk_fb),
    .CLKFBOUT(clk_fb),
    .CLKOUT0(clk_mmcm),
    .LOCKED(locked),
    .RST(1'b0),
    .PWRDWN(1'b0)
);
BUFG bufg (.I(clk_mmcm), .O(clk_out));
"#
            .into(),
            cores: format!(
                r#"
{VENDOR_MODELS_BEGIN}
(* blackbox *)
module MMCME2_BASE(CLKIN1, CLKFBIN, RST, PWRDWN, CLKFBOUT, CLKOUT0, LOCKED);
    /* verilator lint_off UNUSEDSIGNAL */
    /* verilator lint_off UNUSEDPARAM */
    parameter real CLKIN1_PERIOD = 10.0;
    parameter integer DIVCLK_DIVIDE = 1;
    parameter real CLKFBOUT_MULT_F = 10.0;
    parameter real CLKOUT0_DIVIDE_F = 40.0;
    input CLKIN1;
    input CLKFBIN;
    input RST;
    input PWRDWN;
    output CLKFBOUT;
    output reg CLKOUT0;
    output reg LOCKED;
    // simulation model: CLKOUT0 toggles every HALF input clocks
    localparam integer HALF = $rtoi(CLKOUT0_DIVIDE_F * DIVCLK_DIVIDE / CLKFBOUT_MULT_F / 2.0);
    reg [7:0] n_half;
    reg [7:0] n_lock;
    initial begin
        CLKOUT0 = 1'b0;
        LOCKED = 1'b0;
        n_half = 8'd0;
        n_lock = 8'd0;
    end
    assign CLKFBOUT = CLKIN1;
    always @(posedge CLKIN1) begin
        if (n_half == HALF[7:0] - 8'd1) begin
            n_half <= 8'd0;
            CLKOUT0 <= !CLKOUT0;
        end else begin
            n_half <= n_half + 8'd1;
        end
        if (n_lock == 8'd{ARTY_MMCM_LOCK_CYCLES}) begin
            LOCKED <= 1'b1;
        end else begin
            n_lock <= n_lock + 8'd1;
        end
    end
    /* verilator lint_on UNUSEDPARAM */
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
(* blackbox *)
module BUFG(I, O);
    input I;
    output O;
    assign O = I;
endmodule
{VENDOR_MODELS_END}
"#
            ),
        })
    }
}

#[derive(LogicBlock)]
pub struct BoardArty {
    pub clk100mhz: Signal<In, Clock>,
    /// RESET button (`ck_rst`, active low).
    pub ck_rst: Signal<In, Bit>,
    /// FT2232 TXD: the host's bytes.
    pub uart_txd_in: Signal<In, Bit>,
    /// FT2232 RXD: the answers.
    pub uart_rxd_out: Signal<Out, Bit>,
    /// LD4..LD7: idle, any PHY error, link in a frame, heartbeat.
    pub led: Signal<Out, Bits<4>>,
    /// Red of LD0..LD2: the PHY error bits (frame overrun, sample while
    /// busy, BUSY timeout).
    pub led0_r: Signal<Out, Bit>,
    pub led1_r: Signal<Out, Bit>,
    pub led2_r: Signal<Out, Bit>,
    /// Blue of LD3: `fe_busy`.
    pub led3_b: Signal<Out, Bit>,
    /// The DAC and shift-register chains and the muxes' `EN`.
    pub pins: BodyPins,
    /// AD7606 (`adc_convst`, `adc_cs`, `adc_sclk`, `adc_busy`, `adc_douta`).
    pub adc: AdcPins,
    mmcm: ArtyMmcm,
    body: BoardBody,
}

impl Default for BoardArty {
    fn default() -> Self {
        Self {
            clk100mhz: Default::default(),
            ck_rst: Default::default(),
            uart_txd_in: Default::default(),
            uart_rxd_out: Default::default(),
            led: Default::default(),
            led0_r: Default::default(),
            led1_r: Default::default(),
            led2_r: Default::default(),
            led3_b: Default::default(),
            pins: Default::default(),
            adc: Default::default(),
            mmcm: Default::default(),
            body: Default::default(),
        }
    }
}

impl Logic for BoardArty {
    #[hdl_gen]
    fn update(&mut self) {
        self.mmcm.clk_in.next = self.clk100mhz.val();
        self.body.clock.next = self.mmcm.clk_out.val();
        self.body.reset_req.next = !self.ck_rst.val() || !self.mmcm.locked.val();
        self.body.uart_rx.next = self.uart_txd_in.val();
        self.uart_rxd_out.next = self.body.uart_tx.val();
        self.led.next = bits::<4>(0)
            .replace_bit(0, self.body.status.val().get_bit(0))
            .replace_bit(1, self.body.status.val().get_bit(1))
            .replace_bit(2, self.body.status.val().get_bit(5))
            .replace_bit(3, self.body.status.val().get_bit(7));
        self.led0_r.next = self.body.status.val().get_bit(2);
        self.led1_r.next = self.body.status.val().get_bit(3);
        self.led2_r.next = self.body.status.val().get_bit(4);
        self.led3_b.next = self.body.status.val().get_bit(6);
        // the PHY's pins
        BodyPins::link(&mut self.pins, &mut self.body.pins);
        AdcPins::link(&mut self.adc, &mut self.body.adc);
    }
}
