//! The one home of the front-end bus' widths and of the clock every
//! co-simulated duration assumes by default. The RTL ports carry these
//! widths (a test generates the tops and compares), the co-simulation
//! encodes and decodes bus values with the helpers here and checks the
//! front-end's configuration against them when it binds a DUT.

use rust_hdl::prelude::*;

/// The front-end bus, driver side (the crossbar controller, and every top
/// that passes its bus on: the accelerator, the board core).
///
/// The controller stages one line per cycle (`we` with `ch`, `code`,
/// `mode`), raises `apply` for a pulse or a read, and `sample` to convert;
/// the front end answers with `busy` and streams the column results
/// (`rd_valid` with `rd_ch`, `rd_data`, `rd_sat`). [`FeBusSink`] is the
/// front end's side (the PHYs); a parent joins the two with
/// `FeBus::join(&mut driver.fe, &mut phy.fe)`, or passes its own bus on
/// with `FeBus::link(&mut self.fe, &mut child.fe)`.
///
/// The generated Verilog names the fields `fe_ch`, `fe_code`, ... (not
/// rust-hdl's `fe$ch`): see [`crate::verilog::FLAT_INTERFACES`]. Widths:
/// the constants below.
#[derive(LogicInterface, Default)]
#[join = "FeBusSink"]
pub struct FeBus {
    /// The staged line (rows `0..N_ROWS`, then the columns).
    pub ch: Signal<Out, Bits<FE_CH_BITS>>,
    /// Its signed DAC code.
    pub code: Signal<Out, Bits<FE_CODE_BITS>>,
    /// Its mode: 0 ground, 1 drive, 2 sense, 3 float.
    pub mode: Signal<Out, Bits<FE_MODE_BITS>>,
    /// Stage `ch`, `code`, `mode` in this cycle.
    pub we: Signal<Out, Bit>,
    /// The staged levels are on the array while high.
    pub apply: Signal<Out, Bit>,
    /// One cycle: convert the sensed columns.
    pub sample: Signal<Out, Bit>,
    /// The front end cannot take a new operation.
    pub busy: Signal<In, Bit>,
    /// One cycle per column result, with `rd_ch`, `rd_data`, `rd_sat`.
    pub rd_valid: Signal<In, Bit>,
    pub rd_ch: Signal<In, Bits<FE_CH_BITS>>,
    /// A signed ADC code.
    pub rd_data: Signal<In, Bits<FE_RD_BITS>>,
    /// The conversion saturated.
    pub rd_sat: Signal<In, Bit>,
}

/// The front-end bus, front-end side (the mirror of [`FeBus`]).
#[derive(LogicInterface, Default)]
#[join = "FeBus"]
pub struct FeBusSink {
    pub ch: Signal<In, Bits<FE_CH_BITS>>,
    pub code: Signal<In, Bits<FE_CODE_BITS>>,
    pub mode: Signal<In, Bits<FE_MODE_BITS>>,
    pub we: Signal<In, Bit>,
    pub apply: Signal<In, Bit>,
    pub sample: Signal<In, Bit>,
    pub busy: Signal<Out, Bit>,
    pub rd_valid: Signal<Out, Bit>,
    pub rd_ch: Signal<Out, Bits<FE_CH_BITS>>,
    pub rd_data: Signal<Out, Bits<FE_RD_BITS>>,
    pub rd_sat: Signal<Out, Bit>,
}

/// `fe_code`: a signed DAC code (two's complement).
pub const FE_CODE_BITS: usize = 12;
/// Smallest and largest code `fe_code` carries.
pub const FE_CODE_MIN: i16 = -(1 << (FE_CODE_BITS - 1));
pub const FE_CODE_MAX: i16 = (1 << (FE_CODE_BITS - 1)) - 1;
/// `fe_ch` / `fe_rd_ch`: a line (rows, then columns).
pub const FE_CH_BITS: usize = 8;
/// `fe_mode`: ground / drive / sense / float.
pub const FE_MODE_BITS: usize = 2;
/// `fe_rd_data`: a signed ADC code.
pub const FE_RD_BITS: usize = 16;

/// The clock the co-simulation assumes unless told otherwise, MHz (10 ns
/// per cycle); `neuroxbar synth` checks timing against it by default.
pub const DEFAULT_CLOCK_MHZ: f64 = 100.0;

/// `code` as the `FE_CODE_BITS`-bit pattern on `fe_code` (or a level
/// register of the same width).
pub fn code_bits(code: i16) -> u64 {
    (code as u16 as u64) & ((1 << FE_CODE_BITS) - 1)
}

/// The signed code of an `FE_CODE_BITS`-bit `fe_code` pattern (higher bits
/// ignored).
pub fn code_of_bits(bits: u64) -> i16 {
    let shift = 64 - FE_CODE_BITS;
    (((bits << shift) as i64) >> shift) as i16
}

/// The nearest code of `volts` for a DAC step of `lsb_volts`, if the bus
/// can carry it.
pub fn code_of_volts(volts: f64, lsb_volts: f64) -> Option<i16> {
    let c = (volts / lsb_volts).round();
    (c.is_finite() && c >= FE_CODE_MIN as f64 && c <= FE_CODE_MAX as f64).then_some(c as i16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tops::find;

    #[test]
    fn codes_round_trip_through_their_bit_patterns() {
        for c in [FE_CODE_MIN, -1, 0, 1, FE_CODE_MAX] {
            assert_eq!(code_of_bits(code_bits(c)), c);
            assert!(code_bits(c) < 1 << FE_CODE_BITS);
        }
        assert_eq!(code_bits(-1), 0xFFF);
        assert_eq!(code_of_bits(0x800), -2048);
        assert_eq!(code_of_volts(1.0, 0.004), Some(250));
        assert_eq!(code_of_volts(-8.192, 0.004), Some(FE_CODE_MIN));
        assert_eq!(code_of_volts(8.19, 0.004), Some(FE_CODE_MAX));
        assert_eq!(code_of_volts(8.2, 0.004), None);
        assert_eq!(code_of_volts(f64::NAN, 0.004), None);
    }

    /// The tops with the bus carry it at these widths.
    #[test]
    fn the_bus_ports_have_the_widths_declared_here() {
        let want = [
            ("fe_code", FE_CODE_BITS),
            ("fe_ch", FE_CH_BITS),
            ("fe_mode", FE_MODE_BITS),
            ("fe_rd_ch", FE_CH_BITS),
            ("fe_rd_data", FE_RD_BITS),
        ];
        for name in ["accel_25x5", "xbar_ctrl", "board_core25x5", "phy_25x5"] {
            let top = (find(name).unwrap().generate)().unwrap();
            for (port, bits) in want {
                let p = top
                    .ports
                    .iter()
                    .find(|p| p.name == port)
                    .unwrap_or_else(|| panic!("{name} has no {port}"));
                assert_eq!(p.width, bits, "{name}.{port}");
            }
        }
    }
}
