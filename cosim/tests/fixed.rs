//! The Q-format helper blocks of `neuroxbar_rtl::fixed`, simulated by
//! rust-hdl, against the golden functions of `neuroxbar_models::golden::fixed`.

use neuroxbar_models::golden::fixed::{saturate, sign_extend, to_raw};
use neuroxbar_rtl::fixed::*;
use neuroxbar_rtl::rust_hdl::prelude::*;
use rand::{Rng, SeedableRng};

fn rng() -> rand_chacha::ChaCha8Rng {
    rand_chacha::ChaCha8Rng::seed_from_u64(7)
}

/// Random signed values with the extremes over-represented.
fn value(r: &mut impl Rng, bits: u32) -> i64 {
    let (lo, hi) = (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1);
    match r.gen_range(0..8) {
        0 => lo,
        1 => hi,
        2 => r.gen_range(-3..=3),
        _ => r.gen_range(lo..=hi),
    }
}

#[test]
fn sat_add_sub_24() {
    let mut uut = SatAddSub::<24, 25>::default();
    uut.connect_all();
    let mut r = rng();
    for _ in 0..20_000 {
        let (a, b, sub) = (value(&mut r, 24), value(&mut r, 24), r.gen_bool(0.5));
        uut.a.next = to_raw(a, 24).into();
        uut.b.next = to_raw(b, 24).into();
        uut.subtract.next = sub;
        assert!(simulate(&mut uut, 10));
        let (want, ovf) = saturate(if sub { a - b } else { a + b }, 24);
        assert_eq!(
            sign_extend(uut.y.val().to_u64(), 24),
            want,
            "{a} {} {b}",
            if sub { '-' } else { '+' }
        );
        assert_eq!(uut.overflow.val(), ovf);
    }
}

#[test]
fn arith_shift_right_24() {
    let mut uut = ArithShiftRight::<24>::default();
    uut.connect_all();
    let mut r = rng();
    for _ in 0..20_000 {
        let (a, s) = (value(&mut r, 24), r.gen_range(0..32u32));
        uut.a.next = to_raw(a, 24).into();
        uut.shift.next = (s as u64).into();
        assert!(simulate(&mut uut, 10));
        assert_eq!(
            sign_extend(uut.y.val().to_u64(), 24),
            a >> s.min(23),
            "{a} >>> {s}"
        );
    }
}

#[test]
fn multipliers() {
    let mut m16 = MulS16U16::default();
    m16.connect_all();
    let mut m24 = MulS24U16::default();
    m24.connect_all();
    let mut r = rng();
    for _ in 0..20_000 {
        let (a16, a24, b) = (
            value(&mut r, 16),
            value(&mut r, 24),
            r.gen_range(0..=0xFFFFu64) as i64,
        );
        m16.a.next = to_raw(a16, 16).into();
        m16.b.next = (b as u64).into();
        m24.a.next = to_raw(a24, 24).into();
        m24.b.next = (b as u64).into();
        assert!(simulate(&mut m16, 10));
        assert!(simulate(&mut m24, 10));
        assert_eq!(
            sign_extend(m16.p.val().to_u64(), 32),
            a16 * b,
            "{a16} * {b}"
        );
        assert_eq!(
            sign_extend(m24.p.val().to_u64(), 40),
            a24 * b,
            "{a24} * {b}"
        );
    }
}

#[test]
fn sat_narrow_and_signed_ge() {
    let mut n = SatNarrow::<32, 24>::default();
    n.connect_all();
    let mut ge = SignedGe::<24>::default();
    ge.connect_all();
    let mut r = rng();
    for _ in 0..20_000 {
        let x = value(&mut r, 32);
        n.x.next = to_raw(x, 32).into();
        let (a, b) = (value(&mut r, 24), value(&mut r, 24));
        ge.a.next = to_raw(a, 24).into();
        ge.b.next = to_raw(b, 24).into();
        assert!(simulate(&mut n, 10));
        assert!(simulate(&mut ge, 10));
        let (want, clamped) = saturate(x, 24);
        assert_eq!(sign_extend(n.y.val().to_u64(), 24), want, "sat24({x})");
        assert_eq!(n.clamped.val(), clamped);
        assert_eq!(ge.ge.val(), a >= b, "{a} >= {b}");
    }
}
