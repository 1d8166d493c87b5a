//! Two's-complement fixed-point helpers, written once and reused by every unit.
//!
//! rust-hdl 0.46 has no fixed-point type, no arithmetic shift right and only a
//! 16 x 16 unsigned multiplier, and its `Signed<N>` is slow in simulation. So
//! signed quantities travel as plain `Bits<W>` holding two's-complement values
//! (the convention of the Verilog it emits), and these small combinational
//! blocks supply the arithmetic:
//!
//! | block            | function                                               |
//! |------------------|--------------------------------------------------------|
//! | [`SatAddSub`]    | `y = sat_W(a +/- b)`, flags overflow                   |
//! | [`ArithShiftRight`] | `y = a >>> shift` (sign-filling)                    |
//! | [`MulS16U16`]    | `p = a * b`, signed 16 x unsigned 16 -> signed 32      |
//! | [`MulS24U16`]    | `p = a * b`, signed 24 x unsigned 16 -> signed 40, from two 16 x 16 partial products |
//! | [`SatNarrow`]    | `y = sat_W(x)`, signed `WX` bits -> signed `W` bits    |
//! | [`SignedGe`]     | `a >= b` on signed values                              |
//!
//! Width parameters that rust-hdl cannot derive from each other (`WX = W + 1`)
//! are passed explicitly; constructors check them.
//! The golden models in `neuroxbar_models::golden::fixed` define the same
//! functions in plain Rust, and the lock-step tests compare the two.

use rust_hdl::prelude::*;

/// Mask with only bit `n` set, as a `Bits<W>`.
fn bit<const W: usize>(n: usize) -> Bits<W> {
    Bits::<W>::default().replace_bit(n, true)
}

/// Saturating signed add or subtract of two `W`-bit values; `WX` must be `W + 1`.
#[derive(LogicBlock)]
pub struct SatAddSub<const W: usize, const WX: usize> {
    pub a: Signal<In, Bits<W>>,
    pub b: Signal<In, Bits<W>>,
    /// 0: `a + b`, 1: `a - b`.
    pub subtract: Signal<In, Bit>,
    pub y: Signal<Out, Bits<W>>,
    /// The exact result did not fit and `y` was clamped.
    pub overflow: Signal<Out, Bit>,
    sign_w: Constant<Bits<W>>,
    sign_x: Constant<Bits<WX>>,
    top_x: Constant<Bits<WX>>,
    max_w: Constant<Bits<W>>,
    ax: Signal<Local, Bits<WX>>,
    bx: Signal<Local, Bits<WX>>,
    sum: Signal<Local, Bits<WX>>,
}

impl<const W: usize, const WX: usize> Default for SatAddSub<W, WX> {
    fn default() -> Self {
        assert_eq!(WX, W + 1, "SatAddSub<W, WX> needs WX = W + 1");
        Self {
            a: Default::default(),
            b: Default::default(),
            subtract: Default::default(),
            y: Default::default(),
            overflow: Default::default(),
            sign_w: Constant::new(bit::<W>(W - 1)),
            sign_x: Constant::new(bit::<WX>(W - 1)),
            top_x: Constant::new(bit::<WX>(W)),
            max_w: Constant::new(bit::<W>(W - 1) - 1u64),
            ax: Default::default(),
            bx: Default::default(),
            sum: Default::default(),
        }
    }
}

impl<const W: usize, const WX: usize> Logic for SatAddSub<W, WX> {
    #[hdl_gen]
    fn update(&mut self) {
        // sign-extend by flipping the sign bit, widening, and subtracting it back
        self.ax.next = bit_cast::<WX, W>(self.a.val() ^ self.sign_w.val()) - self.sign_x.val();
        self.bx.next = bit_cast::<WX, W>(self.b.val() ^ self.sign_w.val()) - self.sign_x.val();
        if self.subtract.val() {
            self.sum.next = self.ax.val() - self.bx.val();
        } else {
            self.sum.next = self.ax.val() + self.bx.val();
        }
        self.overflow.next =
            (self.sum.val() & self.top_x.val()).any() != (self.sum.val() & self.sign_x.val()).any();
        if (self.sum.val() & self.top_x.val()).any() != (self.sum.val() & self.sign_x.val()).any() {
            if (self.sum.val() & self.top_x.val()).any() {
                self.y.next = self.sign_w.val();
            } else {
                self.y.next = self.max_w.val();
            }
        } else {
            self.y.next = bit_cast::<W, WX>(self.sum.val());
        }
    }
}

/// Arithmetic (sign-filling) shift right of a signed `W`-bit value by 0..31.
#[derive(LogicBlock)]
pub struct ArithShiftRight<const W: usize> {
    pub a: Signal<In, Bits<W>>,
    pub shift: Signal<In, Bits<5>>,
    pub y: Signal<Out, Bits<W>>,
    sign_w: Constant<Bits<W>>,
    ones_w: Constant<Bits<W>>,
}

impl<const W: usize> Default for ArithShiftRight<W> {
    fn default() -> Self {
        Self {
            a: Default::default(),
            shift: Default::default(),
            y: Default::default(),
            sign_w: Constant::new(bit::<W>(W - 1)),
            ones_w: Constant::new(!Bits::<W>::default()),
        }
    }
}

impl<const W: usize> Logic for ArithShiftRight<W> {
    #[hdl_gen]
    fn update(&mut self) {
        if (self.a.val() & self.sign_w.val()).any() {
            self.y.next =
                (self.a.val() >> self.shift.val()) | !(self.ones_w.val() >> self.shift.val());
        } else {
            self.y.next = self.a.val() >> self.shift.val();
        }
    }
}

/// Signed 16-bit x unsigned 16-bit -> signed 32-bit product.
///
/// The simulation model uses rust-hdl's unsigned 16 x 16 multiplier and the
/// two's-complement correction `a_s * b = a_u * b - 2^16 * b` when `a` is
/// negative; the Verilog is one signed 16 x 17 product
/// (`$signed(a) * $signed({1'b0, b})`), which Yosys maps to a single DSP
/// with its sign inputs (an ECP5 MULT18X18D, an iCE40 SB_MAC16), so no
/// correction adder follows the multiplier. The lock-step tests compare the
/// two (Verilator runs the Verilog, rust-hdl the model).
#[derive(LogicBlock, Default)]
pub struct MulS16U16 {
    pub a: Signal<In, Bits<16>>,
    pub b: Signal<In, Bits<16>>,
    pub p: Signal<Out, Bits<32>>,
}

impl Logic for MulS16U16 {
    fn update(&mut self) {
        if self.a.val().get_bit(15) {
            self.p.next = (self.a.val() * self.b.val()) - (bit_cast::<32, 16>(self.b.val()) << 16);
        } else {
            self.p.next = self.a.val() * self.b.val();
        }
    }

    fn connect(&mut self) {
        self.p.connect();
    }

    fn hdl(&self) -> Verilog {
        // `p` is declared `output reg`: a procedural assignment, which
        // every simulator accepts (Icarus rejects `assign` to a reg)
        Verilog::Custom("always @(*) p = $signed(a) * $signed({1'b0, b});".into())
    }
}

/// Signed 24-bit x unsigned 16-bit -> signed 40-bit product, wider than the
/// native 16 x 16 multiplier: `a = a_hi * 2^16 + a_lo` with `a_lo` unsigned
/// and `a_hi` the signed top byte, `p = (a_hi * b) * 2^16 + a_lo * b`.
#[derive(LogicBlock)]
pub struct MulS24U16 {
    pub a: Signal<In, Bits<24>>,
    pub b: Signal<In, Bits<16>>,
    pub p: Signal<Out, Bits<40>>,
    hi: MulS16U16,
    ext_16: Constant<Bits<16>>,
    ext_40: Constant<Bits<40>>,
    a_hi: Signal<Local, Bits<16>>,
    lo: Signal<Local, Bits<32>>,
    hi_x: Signal<Local, Bits<40>>,
}

impl Default for MulS24U16 {
    fn default() -> Self {
        Self {
            a: Default::default(),
            b: Default::default(),
            p: Default::default(),
            hi: Default::default(),
            ext_16: Constant::new(0xFF00u64.into()),
            ext_40: Constant::new(0xFF_0000_0000u64.into()),
            a_hi: Default::default(),
            lo: Default::default(),
            hi_x: Default::default(),
        }
    }
}

impl Logic for MulS24U16 {
    #[hdl_gen]
    fn update(&mut self) {
        // sign-extend the top byte to 16 bits
        if self.a.val().get_bit(23) {
            self.a_hi.next = bit_cast::<16, 8>(self.a.val().get_bits::<8>(16)) | self.ext_16.val();
        } else {
            self.a_hi.next = bit_cast::<16, 8>(self.a.val().get_bits::<8>(16));
        }
        self.hi.a.next = self.a_hi.val();
        self.hi.b.next = self.b.val();
        self.lo.next = self.a.val().get_bits::<16>(0) * self.b.val();
        // sign-extend the signed 32-bit partial product to 40 bits
        if self.hi.p.val().get_bit(31) {
            self.hi_x.next = bit_cast::<40, 32>(self.hi.p.val()) | self.ext_40.val();
        } else {
            self.hi_x.next = bit_cast::<40, 32>(self.hi.p.val());
        }
        self.p.next = (self.hi_x.val() << 16) + bit_cast::<40, 32>(self.lo.val());
    }
}

/// Saturate a signed `WX`-bit value to signed `W` bits (`WX > W`).
#[derive(LogicBlock)]
pub struct SatNarrow<const WX: usize, const W: usize> {
    pub x: Signal<In, Bits<WX>>,
    pub y: Signal<Out, Bits<W>>,
    pub clamped: Signal<Out, Bit>,
    sign_x: Constant<Bits<WX>>,
    /// Largest value of W bits, widened: 2^(W-1) - 1.
    max_x: Constant<Bits<WX>>,
    /// Smallest value of W bits, widened (two's complement of 2^(W-1)).
    min_x: Constant<Bits<WX>>,
    max_w: Constant<Bits<W>>,
    min_w: Constant<Bits<W>>,
}

impl<const WX: usize, const W: usize> Default for SatNarrow<WX, W> {
    fn default() -> Self {
        assert!(WX > W, "SatNarrow<WX, W> needs WX > W");
        let max_x = bit::<WX>(W - 1) - 1u64;
        Self {
            x: Default::default(),
            y: Default::default(),
            clamped: Default::default(),
            sign_x: Constant::new(bit::<WX>(WX - 1)),
            max_x: Constant::new(max_x),
            min_x: Constant::new(!max_x),
            max_w: Constant::new(bit::<W>(W - 1) - 1u64),
            min_w: Constant::new(bit::<W>(W - 1)),
        }
    }
}

impl<const WX: usize, const W: usize> Logic for SatNarrow<WX, W> {
    #[hdl_gen]
    fn update(&mut self) {
        self.clamped.next = false;
        self.y.next = bit_cast::<W, WX>(self.x.val());
        if (self.x.val() & self.sign_x.val()).any() {
            // negative: below min when x < min (unsigned compare works within the negative half)
            if self.x.val() < self.min_x.val() {
                self.y.next = self.min_w.val();
                self.clamped.next = true;
            }
        } else if self.x.val() > self.max_x.val() {
            self.y.next = self.max_w.val();
            self.clamped.next = true;
        }
    }
}

/// `ge = (a >= b)` for signed `W`-bit values.
#[derive(LogicBlock)]
pub struct SignedGe<const W: usize> {
    pub a: Signal<In, Bits<W>>,
    pub b: Signal<In, Bits<W>>,
    pub ge: Signal<Out, Bit>,
    sign_w: Constant<Bits<W>>,
}

impl<const W: usize> Default for SignedGe<W> {
    fn default() -> Self {
        Self {
            a: Default::default(),
            b: Default::default(),
            ge: Default::default(),
            sign_w: Constant::new(bit::<W>(W - 1)),
        }
    }
}

impl<const W: usize> Logic for SignedGe<W> {
    #[hdl_gen]
    fn update(&mut self) {
        // offset binary: flipping the sign bit makes unsigned order = signed order
        self.ge.next = (self.a.val() ^ self.sign_w.val()) >= (self.b.val() ^ self.sign_w.val());
    }
}
