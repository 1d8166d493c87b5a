//! The Q-format helper blocks of `neuroxbar_rtl::fixed`, simulated by
//! rust-hdl, against the golden functions of `neuroxbar_models::golden::fixed`;
//! and the multipliers' generated Verilog under Icarus against exact products.

use neuroxbar_cosim::icarus;
use neuroxbar_models::golden::fixed::{saturate, sign_extend, to_raw};
use neuroxbar_rtl::fixed::*;
use neuroxbar_rtl::rust_hdl::prelude::*;
use neuroxbar_rtl::verilog::{generate, GeneratedTop};
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

/// Operands for the multipliers' Verilog replay: the extremes of both, then
/// seeded random ones (signed `a`, unsigned `b`).
fn mul_operands(bits_a: u32, n: usize) -> Vec<(i64, i64)> {
    let (lo, hi) = (-(1i64 << (bits_a - 1)), (1i64 << (bits_a - 1)) - 1);
    let mut ops: Vec<(i64, i64)> = [lo, lo + 1, -1, 0, 1, hi]
        .iter()
        .flat_map(|&a| [0, 1, 0x7FFF, 0x8000, 0xFFFF].map(|b| (a, b)))
        .collect();
    let mut r = rng();
    while ops.len() < n {
        ops.push((value(&mut r, bits_a), r.gen_range(0..=0xFFFFu64) as i64));
    }
    ops
}

/// The products Icarus computes from `verilog` (the generated module of a
/// multiplier, possibly edited) for `ops`.
fn icarus_products(
    top: &GeneratedTop,
    verilog: &str,
    ops: &[(i64, i64)],
    bits_a: u32,
    dir: &str,
) -> Vec<u128> {
    let top = GeneratedTop {
        verilog: verilog.to_string(),
        ..top.clone()
    };
    let port = |n: &str| top.ports.iter().position(|p| p.name == n).unwrap();
    let (a, b) = (port("a"), port("b"));
    let mut stim = icarus::PortStimulus::new(&top.ports).unwrap();
    for &(x, y) in ops {
        stim.push([(a, to_raw(x, bits_a)), (b, y as u64)]).unwrap();
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fixed")
        .join(format!("{dir}-{}", std::process::id()));
    let trace = icarus::run_icarus(&top, &stim, &dir).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    trace.cycles.iter().map(|row| row[0]).collect()
}

/// The multipliers' Verilog is not the rust-hdl model (`MulS16U16` has a
/// custom `hdl()`: one signed DSP product). Icarus runs the generated Verilog
/// of both multipliers on the operand extremes and 4,000 random operands
/// and must give `a * b` exactly; the same Verilog with the zero-extended
/// `b` left unsigned (`$signed(a) * b`, which makes the whole product
/// unsigned) must not.
#[test]
fn multipliers_verilog_under_icarus() {
    let ops16 = mul_operands(16, 4_000);
    let ops24 = mul_operands(24, 4_000);
    let g16 = generate("mul_s16u16", &mut MulS16U16::default()).unwrap();
    let g24 = generate("mul_s24u16", &mut MulS24U16::default()).unwrap();
    let custom = "$signed(a) * $signed({1'b0, b})";
    for g in [&g16, &g24] {
        assert_eq!(g.verilog.matches(custom).count(), 1, "{}", g.verilog);
    }
    let p16 = icarus_products(&g16, &g16.verilog, &ops16, 16, "m16");
    let p24 = icarus_products(&g24, &g24.verilog, &ops24, 24, "m24");
    for (&(a, b), &p) in ops16.iter().zip(&p16) {
        assert_eq!(sign_extend(p as u64, 32), a * b, "Verilog {a} * {b}");
    }
    for (&(a, b), &p) in ops24.iter().zip(&p24) {
        assert_eq!(sign_extend(p as u64, 40), a * b, "Verilog {a} * {b}");
    }
    assert_eq!((p16.len(), p24.len()), (ops16.len(), ops24.len()));
    // the mutation: an unsigned product for every negative `a`
    let mutant = g16.verilog.replace(custom, "$signed(a) * b");
    let bad = icarus_products(&g16, &mutant, &ops16, 16, "m16-mutant");
    let wrong = ops16
        .iter()
        .zip(&bad)
        .filter(|(&(a, b), &p)| sign_extend(p as u64, 32) != a * b)
        .count();
    let negative_nonzero = ops16.iter().filter(|&&(a, b)| a < 0 && b != 0).count();
    assert_eq!(wrong, negative_nonzero);
}
