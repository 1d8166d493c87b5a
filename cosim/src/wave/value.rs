//! Four-state bit vectors of any width, and the values a signal can take.

use std::fmt;

/// One four-state bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Logic {
    Zero,
    One,
    /// Unknown.
    X,
    /// High impedance.
    Z,
}

impl Logic {
    /// The VCD character of this bit (`0`, `1`, `x`, `z`).
    pub fn as_char(self) -> char {
        match self {
            Logic::Zero => '0',
            Logic::One => '1',
            Logic::X => 'x',
            Logic::Z => 'z',
        }
    }

    /// Reads a VCD/std_logic bit character. VHDL's `u`, `w`, `-` read as `x`,
    /// `h`/`l` as weak `1`/`0`.
    pub fn from_char(c: u8) -> Option<Logic> {
        Some(match c {
            b'0' | b'l' | b'L' => Logic::Zero,
            b'1' | b'h' | b'H' => Logic::One,
            b'x' | b'X' | b'u' | b'U' | b'w' | b'W' | b'-' => Logic::X,
            b'z' | b'Z' => Logic::Z,
            _ => return None,
        })
    }
}

/// A four-state bit vector of any width (bit 0 is the least significant).
///
/// Stored as two bit planes: `val` and `unk`. A bit is `0`/`1` when its `unk`
/// bit is clear, `x` when `unk` is set and `val` clear, `z` when both are set.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Bits {
    width: u32,
    /// `words` value words followed by `words` unknown-mask words.
    planes: Box<[u64]>,
}

fn words_for(width: u32) -> usize {
    (width as usize).div_ceil(64).max(1)
}

impl Bits {
    /// All-zero vector.
    pub fn zeros(width: u32) -> Bits {
        Bits {
            width,
            planes: vec![0; 2 * words_for(width)].into_boxed_slice(),
        }
    }

    /// Vector with every bit set to `bit`.
    pub fn filled(width: u32, bit: Logic) -> Bits {
        let mut b = Bits::zeros(width);
        for i in 0..width {
            b.set(i, bit);
        }
        b
    }

    /// A known value, truncated to `width` bits.
    pub fn from_u64(width: u32, value: u64) -> Bits {
        Bits::from_u128(width, value as u128)
    }

    /// A known value, truncated to `width` bits.
    pub fn from_u128(width: u32, value: u128) -> Bits {
        let mut b = Bits::zeros(width);
        let n = words_for(width);
        b.planes[0] = value as u64;
        if n > 1 {
            b.planes[1] = (value >> 64) as u64;
        }
        b.mask_top();
        b
    }

    /// Parses a VCD vector body (`0101`, `x10`, `z`, MSB first) for a variable
    /// of `width` bits. Shorter strings are extended as the standard says: with
    /// `0` when the leftmost bit is `0` or `1`, with `x`/`z` when it is `x`/`z`.
    /// Longer strings are accepted only if the extra leading bits are `0`.
    pub fn parse_vcd(text: &[u8], width: u32) -> Result<Bits, String> {
        Bits::check_vcd(text, width)?;
        if text.is_empty() {
            return Err("empty vector value".into());
        }
        let mut bits = Vec::with_capacity(text.len());
        for &c in text {
            match Logic::from_char(c) {
                Some(l) => bits.push(l),
                None => {
                    return Err(format!(
                        "invalid bit `{}` in vector value",
                        (c as char).escape_default()
                    ))
                }
            }
        }
        let len = bits.len();
        if len > width as usize {
            let extra = len - width as usize;
            if bits[..extra].iter().any(|&b| b != Logic::Zero) {
                return Err(format!(
                    "value has {len} bits but the variable is {width} bits wide"
                ));
            }
            bits.drain(..extra);
        }
        let fill = match bits[0] {
            Logic::One => Logic::Zero,
            other => other,
        };
        let mut out = Bits::zeros(width);
        let len = bits.len() as u32;
        for i in 0..width {
            let l = if i < len {
                bits[(len - 1 - i) as usize]
            } else {
                fill
            };
            out.set(i, l);
        }
        Ok(out)
    }

    /// Checks a VCD vector body as [`parse_vcd`](Bits::parse_vcd) does,
    /// without building the value.
    pub fn check_vcd(text: &[u8], width: u32) -> Result<(), String> {
        if text.is_empty() {
            return Err("empty vector value".into());
        }
        if let Some(&c) = text.iter().find(|&&c| Logic::from_char(c).is_none()) {
            return Err(format!(
                "invalid bit `{}` in vector value",
                (c as char).escape_default()
            ));
        }
        let len = text.len();
        if len > width as usize
            && text[..len - width as usize]
                .iter()
                .any(|&c| Logic::from_char(c) != Some(Logic::Zero))
        {
            return Err(format!(
                "value has {len} bits but the variable is {width} bits wide"
            ));
        }
        Ok(())
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    fn nwords(&self) -> usize {
        self.planes.len() / 2
    }

    fn mask_top(&mut self) {
        let n = self.nwords();
        let rem = self.width % 64;
        if rem != 0 {
            let mask = (1u64 << rem) - 1;
            self.planes[n - 1] &= mask;
            self.planes[2 * n - 1] &= mask;
        }
        if self.width == 0 {
            self.planes.iter_mut().for_each(|w| *w = 0);
        }
    }

    /// Bit `i` (0 = LSB). Bits beyond the width read as `0`.
    pub fn bit(&self, i: u32) -> Logic {
        if i >= self.width {
            return Logic::Zero;
        }
        let (w, s) = ((i / 64) as usize, i % 64);
        let n = self.nwords();
        let v = (self.planes[w] >> s) & 1 == 1;
        let u = (self.planes[n + w] >> s) & 1 == 1;
        match (u, v) {
            (false, false) => Logic::Zero,
            (false, true) => Logic::One,
            (true, false) => Logic::X,
            (true, true) => Logic::Z,
        }
    }

    /// Sets bit `i` (0 = LSB); out-of-range indices are ignored.
    pub fn set(&mut self, i: u32, l: Logic) {
        if i >= self.width {
            return;
        }
        let (w, s) = ((i / 64) as usize, i % 64);
        let n = self.nwords();
        let (u, v) = match l {
            Logic::Zero => (false, false),
            Logic::One => (false, true),
            Logic::X => (true, false),
            Logic::Z => (true, true),
        };
        let m = 1u64 << s;
        self.planes[w] = if v {
            self.planes[w] | m
        } else {
            self.planes[w] & !m
        };
        self.planes[n + w] = if u {
            self.planes[n + w] | m
        } else {
            self.planes[n + w] & !m
        };
    }

    /// True when no bit is `x` or `z`.
    pub fn is_known(&self) -> bool {
        let n = self.nwords();
        self.planes[n..].iter().all(|&w| w == 0)
    }

    /// The value if every bit is known and it fits in 64 bits.
    pub fn to_u64(&self) -> Option<u64> {
        let n = self.nwords();
        if !self.is_known() || self.planes[1..n].iter().any(|&w| w != 0) {
            return None;
        }
        Some(self.planes[0])
    }

    /// The value if every bit is known and it fits in 128 bits.
    pub fn to_u128(&self) -> Option<u128> {
        let n = self.nwords();
        if !self.is_known() || (n > 2 && self.planes[2..n].iter().any(|&w| w != 0)) {
            return None;
        }
        let hi = if n > 1 { self.planes[1] as u128 } else { 0 };
        Some((hi << 64) | self.planes[0] as u128)
    }

    /// MSB-first binary string of exactly `width` characters.
    pub fn to_bin(&self) -> String {
        (0..self.width)
            .rev()
            .map(|i| self.bit(i).as_char())
            .collect()
    }

    /// Hexadecimal text without leading zeros (`0`, `1f`, `8000000000000000001`).
    /// A nibble that is all `x` (all `z`) prints as `x` (`z`); a nibble mixing
    /// known and unknown bits prints as `X` (`Z` if its unknown bits are all `z`).
    /// An all-`x` or all-`z` vector prints as a single `x` or `z`.
    pub fn to_hex(&self) -> String {
        if self.width == 0 {
            return String::new();
        }
        let nibbles = self.width.div_ceil(4);
        let mut s = String::with_capacity(nibbles as usize);
        for k in (0..nibbles).rev() {
            let lo = k * 4;
            let hi = (lo + 4).min(self.width);
            let bits: Vec<Logic> = (lo..hi).map(|i| self.bit(i)).collect();
            let c = if bits.iter().all(|&b| b == Logic::X) {
                'x'
            } else if bits.iter().all(|&b| b == Logic::Z) {
                'z'
            } else if bits.contains(&Logic::X) {
                'X'
            } else if bits.contains(&Logic::Z) {
                'Z'
            } else {
                let v = bits
                    .iter()
                    .enumerate()
                    .fold(0u32, |acc, (j, &b)| acc | ((b == Logic::One) as u32) << j);
                char::from_digit(v, 16).unwrap_or('?')
            };
            s.push(c);
        }
        if s.chars().all(|c| c == 'x') {
            return "x".into();
        }
        if s.chars().all(|c| c == 'z') {
            return "z".into();
        }
        let trimmed = s.trim_start_matches('0');
        if trimmed.is_empty() {
            "0".into()
        } else {
            trimmed.into()
        }
    }
}

impl fmt::Debug for Bits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}'b{}", self.width, self.to_bin())
    }
}

impl fmt::Display for Bits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The value of a signal at some time.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A four-state bit vector (scalars are 1-bit vectors).
    Bits(Bits),
    /// A `real` variable.
    Real(f64),
    /// A string variable (GTKWave's `s` extension).
    Str(String),
}

impl Value {
    /// The value as `u64` if it is a fully known vector that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Bits(b) => b.to_u64(),
            _ => None,
        }
    }

    /// Short text used in the renderer and summaries (hex for vectors).
    pub fn display_text(&self) -> String {
        match self {
            Value::Bits(b) => b.to_hex(),
            Value::Real(r) => real_text(*r),
            Value::Str(s) => s.clone(),
        }
    }

    /// Equality that treats two NaN reals as equal (used to count transitions).
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Real(a), Value::Real(b)) => a == b || (a.is_nan() && b.is_nan()),
            _ => self == other,
        }
    }
}

/// The shortest text that reads back as exactly `r`: plain decimals for
/// magnitudes in [1e-5, 1e16) (`0.25`, `1500`), scientific notation outside
/// (`1e308`, `2.5e-7`), `NaN`, `inf`, `-inf`.
pub fn real_text(r: f64) -> String {
    let a = r.abs();
    if r == 0.0 || !r.is_finite() || (1e-5..1e16).contains(&a) {
        format!("{r}")
    } else {
        format!("{r:e}")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_follows_the_standard() {
        assert_eq!(Bits::parse_vcd(b"1", 4).unwrap().to_bin(), "0001");
        assert_eq!(Bits::parse_vcd(b"01", 4).unwrap().to_bin(), "0001");
        assert_eq!(Bits::parse_vcd(b"x1", 4).unwrap().to_bin(), "xxx1");
        assert_eq!(Bits::parse_vcd(b"z0101", 8).unwrap().to_bin(), "zzzz0101");
        assert_eq!(Bits::parse_vcd(b"0011", 2).unwrap().to_bin(), "11");
        assert!(Bits::parse_vcd(b"111", 2).is_err());
        assert!(Bits::parse_vcd(b"12", 2).is_err());
    }

    #[test]
    fn reals_print_exactly() {
        for (r, text) in [
            (1e308, "1e308"),
            (-2.5e-7, "-2.5e-7"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1500.0, "1500"),
            (f64::MAX, "1.7976931348623157e308"),
            (5e-324, "5e-324"),
        ] {
            assert_eq!(real_text(r), text);
            assert_eq!(text.parse::<f64>(), Ok(r));
        }
        assert_eq!(real_text(f64::NAN), "NaN");
    }

    #[test]
    fn check_agrees_with_parse() {
        for text in ["", "0101", "x1", "12", "111", "0011", "z", "00000000001"] {
            for width in [1, 2, 4, 8] {
                assert_eq!(
                    Bits::check_vcd(text.as_bytes(), width),
                    Bits::parse_vcd(text.as_bytes(), width).map(|_| ()),
                    "{text} on {width} bits"
                );
            }
        }
    }

    #[test]
    fn hex_text() {
        assert_eq!(Bits::from_u64(16, 0x0123).to_hex(), "123");
        assert_eq!(Bits::from_u64(16, 0).to_hex(), "0");
        assert_eq!(Bits::parse_vcd(b"z0101", 8).unwrap().to_hex(), "z5");
        assert_eq!(Bits::parse_vcd(b"x1010", 8).unwrap().to_hex(), "xa");
        assert_eq!(Bits::parse_vcd(b"x", 16).unwrap().to_hex(), "x");
        assert_eq!(Bits::parse_vcd(b"0x10", 4).unwrap().to_hex(), "X");
        let wide = Bits::from_u128(72, (1u128 << 71) | 1);
        assert_eq!(wide.to_hex(), "800000000000000001");
        assert_eq!(wide.to_u64(), None);
        assert_eq!(wide.to_u128(), Some((1u128 << 71) | 1));
    }
}
