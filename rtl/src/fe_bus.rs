//! The one home of the front-end bus' widths and of the clock every
//! co-simulated duration assumes by default. The RTL ports carry these
//! widths (a test generates the tops and compares), the co-simulation
//! encodes and decodes bus values with the helpers here and checks the
//! front-end's configuration against them when it binds a DUT.

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
