//! The whole ULX3S board top (`ulx3s_25x5`) co-simulated at its pins: the
//! host's serial line at `ftdi_txd` / `ftdi_rxd` (8N1, 1 Mbaud = 25 clocks
//! per bit at the board's 25 MHz), and behind the 19 pins of the pin-lean
//! PHY the parts a real board carries, each with its timing checked
//! ([`Ad5570Chains`], [`Sn74lv595aChains`], the AD7606 of [`ArrayEnd`]), the
//! muxes' `EN` (`mux_en`) gating the DAC levels and the 595s' mux addresses
//! onto the array model.
//!
//! Nothing of the design is bypassed: the power-on reset, the UART, the
//! frame decoder, the accelerator, the PHY's serial frames and its delay
//! line run as they would on the FPGA, every cycle clocked (the board top
//! has no time warp). A host program runs on it through [`Link`]
//! (`crate::board::SerialBoard`), so the same program drives the bus-level
//! co-simulation, this and a board at a serial port.
//!
//! [`Link`]: crate::host::Link

use crate::board::{LinkStats, SerialBoard};
use crate::cosim::{weights_at, CoSimError};
use crate::harness::{Harness, Trace};
use crate::host::Host;
use crate::parts::{Ad5570Chains, ArrayEnd, ArrayPins, Sn74lv595aChains};
use crate::units::fe_phy_lean::{lean_parts, N_COLS, N_LINES};
use crate::units::host_link::{uart_levels, UartSink};
use crate::verilated::ulx3s_25x5;
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_rtl::board_tops::{POR_CYCLES, ULX3S_CLOCKS_PER_BIT, ULX3S_CLOCK_MHZ};
use std::collections::VecDeque;

/// LED bits of the board top: 1 = any PHY error, 2..4 = the error bits.
const LED_PHY_ERROR: u64 = 1 << 1;

/// The ULX3S board top with its parts and the array model.
pub struct BoardTopSim {
    pub harness: Harness<ulx3s_25x5::Model>,
    /// The host's line levels still to send, one per cycle.
    line: VecDeque<bool>,
    sink: UartSink,
    link: LinkStats,
    /// The six AD5570 daisy chains (the lines' levels).
    pub dacs: Ad5570Chains,
    /// The two SN74LV595A chains (the muxes' addresses: the lines' modes).
    pub srs: Sn74lv595aChains,
    /// The AD7606 and the array model.
    pub array: ArrayEnd,
    period_s: f64,
    t: u64,
}

impl BoardTopSim {
    /// The board top with `fe` (30 channels, the last 5 columns, clocked
    /// at the board's 25 MHz) behind its pins, run through its power-on
    /// reset.
    pub fn new(fe: FrontEnd, trace: Trace) -> Result<Self, CoSimError> {
        let period_s = fe.params().clock_period_s;
        let board_period_s = 1e-6 / ULX3S_CLOCK_MHZ;
        if (period_s - board_period_s).abs() > 1e-15 {
            return Err(CoSimError::Config(format!(
                "the ULX3S board top runs at {ULX3S_CLOCK_MHZ} MHz (its UART at 1 Mbaud = \
                 {ULX3S_CLOCKS_PER_BIT} clocks per bit), but the front-end's clock period is \
                 {:.3} ns: give it --clock-mhz {ULX3S_CLOCK_MHZ}",
                period_s * 1e9
            )));
        }
        if fe.n_channels() != N_LINES {
            return Err(CoSimError::Config(format!(
                "the ULX3S board top drives {N_LINES} lines ({} rows + {N_COLS} columns); \
                 the front-end has {} channels",
                N_LINES - N_COLS,
                fe.n_channels()
            )));
        }
        let mut harness: Harness<ulx3s_25x5::Model> = Harness::new(trace)?;
        harness.set_period_ps((period_s * 1e12).round() as u64);
        harness.model.set_ftdi_txd(1);
        let (dacs, srs) = lean_parts();
        let mut sim = BoardTopSim {
            harness,
            line: VecDeque::new(),
            sink: UartSink::new(ULX3S_CLOCKS_PER_BIT),
            link: LinkStats::default(),
            dacs,
            srs,
            array: ArrayEnd::new(fe, N_COLS),
            period_s,
            t: 0,
        };
        // the power-on reset and its two synchronizing flip-flops
        for _ in 0..POR_CYCLES + 4 {
            sim.clock_cycle()?;
        }
        Ok(sim)
    }

    /// The board's LEDs (`led[7:0]`, see `neuroxbar_rtl::board_tops`).
    pub fn leds(&self) -> u8 {
        self.harness.model.led() as u8
    }

    /// Frames and bytes on the serial link.
    pub fn link_stats(&self) -> LinkStats {
        self.link
    }

    /// Simulated time, seconds.
    pub fn time_s(&self) -> f64 {
        self.t as f64 * self.period_s
    }

    fn board_err(&self, detail: String) -> CoSimError {
        CoSimError::Board {
            board: "ULX3S board top",
            t_cycles: self.t,
            detail,
        }
    }
}

impl SerialBoard for BoardTopSim {
    fn now_cycles(&self) -> u64 {
        self.t
    }

    fn clock_cycle(&mut self) -> Result<(), CoSimError> {
        let rx = self.line.pop_front().unwrap_or(true);
        let (busy, douta) = self.array.adc_pins();
        let m = &mut self.harness.model;
        m.set_ftdi_txd(rx as u64);
        m.set_btn_fire1(0);
        m.set_adc_busy(busy as u64);
        m.set_adc_douta(douta as u64);
        self.harness.step();
        self.t += 1;
        let m = &self.harness.model;
        self.sink.push(m.ftdi_rxd() != 0);
        let t_s = self.t as f64 * self.period_s;
        let r = self
            .dacs
            .observe(
                t_s,
                m.dac_sync() != 0,
                m.dac_sclk() != 0,
                m.dac_sdi(),
                m.dac_ldac() != 0,
            )
            .and_then(|()| {
                self.srs
                    .observe(t_s, m.sr_clk() != 0, m.sr_ser(), m.sr_rclk() != 0)
            })
            .and_then(|()| {
                let pins = ArrayPins {
                    apply: m.mux_en() != 0,
                    adc_convst: m.adc_convst() != 0,
                    adc_cs: m.adc_cs() != 0,
                    adc_sclk: m.adc_sclk() != 0,
                    t_lines_s: self.dacs.t_update_s.max(self.srs.t_latch_s),
                };
                let (dacs, srs) = (&self.dacs, &self.srs);
                self.array
                    .observe(self.t, pins, |i| (dacs.word(i), srs.mode(i)))
            });
        if let Err(e) = r {
            return Err(self.board_err(e.to_string()));
        }
        let led = self.harness.model.led();
        if led & LED_PHY_ERROR != 0 {
            return Err(self.board_err(format!(
                "the PHY reports an error (LEDs {led:#010b}: bit 2 a dropped batch, bit 3 a \
                 sample while busy, bit 4 an ADC BUSY timeout)"
            )));
        }
        Ok(())
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.link.bytes += bytes.len() as u64;
        self.line
            .extend(uart_levels(bytes, ULX3S_CLOCKS_PER_BIT, 0));
    }

    fn line_busy(&self) -> bool {
        !self.line.is_empty()
    }

    fn sent(&mut self) -> &mut Vec<u8> {
        &mut self.sink.bytes
    }

    fn counters(&mut self) -> &mut LinkStats {
        &mut self.link
    }
}

impl Host for BoardTopSim {
    fn front_end(&mut self) -> &mut FrontEnd {
        &mut self.array.fe
    }
    fn weights_s(&mut self) -> Result<Vec<f64>, CoSimError> {
        let t_s = self.time_s();
        weights_at(&mut self.array.fe, t_s)
    }
}
