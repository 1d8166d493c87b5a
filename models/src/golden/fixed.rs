//! Fixed-point helpers matching `neuroxbar_rtl::fixed` bit for bit.
//!
//! Formats used by the neuron core:
//! - [`Membrane`]: signed Q16.8 held in 24 bits (`I24F8` range), saturating;
//! - [`Gain`]: unsigned Q8.8;
//! - [`Decay`]: unsigned Q0.16.

use fixed::types::{I24F8, U0F16, U8F8};

pub type Membrane = I24F8;
pub type Gain = U8F8;
pub type Decay = U0F16;

/// Bits of the membrane register.
pub const MEMBRANE_BITS: u32 = 24;

/// Smallest and largest value of a signed `bits`-bit field.
pub fn signed_range(bits: u32) -> (i64, i64) {
    (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
}

/// Saturate `x` to a signed `bits`-bit value; returns `(value, clamped)`.
pub fn saturate(x: i64, bits: u32) -> (i64, bool) {
    let (lo, hi) = signed_range(bits);
    if x < lo {
        (lo, true)
    } else if x > hi {
        (hi, true)
    } else {
        (x, false)
    }
}

/// Interpret the low `bits` of `raw` as two's complement.
pub fn sign_extend(raw: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((raw << shift) as i64) >> shift
}

/// The low `bits` bits (0..=64) set: the mask of a `bits`-wide value.
pub fn low_mask(bits: usize) -> u64 {
    if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// The low `bits` of `x`'s two's complement, as the RTL carries it.
pub fn to_raw(x: i64, bits: u32) -> u64 {
    (x as u64) & low_mask(bits as usize)
}

/// Arithmetic shift right (floor division by `2^shift`), shift 0..31.
pub fn asr(x: i64, shift: u32) -> i64 {
    x >> shift
}

/// `x / 2^shift` rounded half to even.
pub fn shift_round_half_even(x: i64, shift: u32) -> i64 {
    if shift == 0 {
        return x;
    }
    let q = x >> shift;
    let rem = x - (q << shift);
    let half = 1i64 << (shift - 1);
    if rem > half || (rem == half && (q & 1) == 1) {
        q + 1
    } else {
        q
    }
}

/// Raw Q16.8 bits of a membrane value (sign-extended integer).
pub fn membrane_raw(v: Membrane) -> i64 {
    v.to_bits() as i64
}

/// Membrane from raw Q16.8 bits (must already be in the 24-bit range).
pub fn membrane_from_raw(raw: i64) -> Membrane {
    debug_assert!(!saturate(raw, MEMBRANE_BITS).1);
    Membrane::from_bits(raw as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_half_even_cases() {
        assert_eq!(shift_round_half_even(5, 1), 2); // 2.5 -> 2
        assert_eq!(shift_round_half_even(7, 1), 4); // 3.5 -> 4
        assert_eq!(shift_round_half_even(-5, 1), -2); // -2.5 -> -2
        assert_eq!(shift_round_half_even(-7, 1), -4); // -3.5 -> -4
        assert_eq!(shift_round_half_even(-6, 2), -2); // -1.5 -> -2
        assert_eq!(shift_round_half_even(9, 2), 2); // 2.25 -> 2
    }

    #[test]
    fn saturation_and_sign_extension() {
        assert_eq!(saturate(1 << 23, 24), ((1 << 23) - 1, true));
        assert_eq!(saturate(-(1 << 23) - 1, 24), (-(1 << 23), true));
        assert_eq!(sign_extend(0xFF_FFFF, 24), -1);
        assert_eq!(sign_extend(0x7F_FFFF, 24), (1 << 23) - 1);
        assert_eq!(to_raw(-1, 24), 0xFF_FFFF);
        assert_eq!(asr(-3, 1), -2);
    }
}
