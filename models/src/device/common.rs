//! Shared helpers for the device models: argument checks, seeded random
//! streams for variation, and parameter-file validation.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::de::DeserializeOwned;

use super::DeviceError;

/// The three independent random streams of one device, all derived from its
/// seed: D2D (drawn once at construction), C2C (one draw per pulse) and read
/// noise (one draw per noisy read). Separate ChaCha streams keep a run
/// reproducible even when a caller interleaves reads and pulses differently.
#[derive(Clone, Debug)]
struct Rngs {
    pub d2d: ChaCha8Rng,
    pub c2c: ChaCha8Rng,
    pub read: ChaCha8Rng,
}

impl Rngs {
    fn new(seed: u64) -> Self {
        let mut d2d = ChaCha8Rng::seed_from_u64(seed);
        d2d.set_stream(0);
        let mut c2c = ChaCha8Rng::seed_from_u64(seed);
        c2c.set_stream(1);
        let mut read = ChaCha8Rng::seed_from_u64(seed);
        read.set_stream(2);
        Rngs { d2d, c2c, read }
    }
}

/// What every cell keeps besides its physics: its name, safe window,
/// nominal read voltage and read noise (with the seeded read-noise stream),
/// the energy of its last pulse, its switching-cycle counter and the
/// polarity of its last switching pulse.
#[derive(Clone, Debug)]
pub struct CellState {
    pub name: &'static str,
    pub window_volts: (f64, f64),
    pub read_voltage_v: f64,
    /// Relative sd of a noisy read.
    pub read_noise_sd: f64,
    pub read: ChaCha8Rng,
    pub last_energy_j: f64,
    pub cycles: u64,
    /// Polarity of the last pulse that switched the cell: +1, -1, 0 before
    /// the first.
    pub last_polarity: i8,
}

impl CellState {
    pub fn new(
        name: &'static str,
        window_volts: (f64, f64),
        read_voltage_v: f64,
        read_noise_sd: f64,
        read: ChaCha8Rng,
    ) -> Self {
        CellState {
            name,
            window_volts,
            read_voltage_v,
            read_noise_sd,
            read,
            last_energy_j: 0.0,
            cycles: 0,
            last_polarity: 0,
        }
    }

    /// Notes a pulse that switched the cell with polarity `pol` (+1, -1; 0
    /// for a pulse that did not switch it): a reversal of polarity counts
    /// one switching cycle.
    pub fn count_reversal(&mut self, pol: i8) {
        if pol != 0 {
            if pol == -self.last_polarity {
                self.cycles += 1;
            }
            self.last_polarity = pol;
        }
    }
}

/// The fields every device's parameter struct has under the same names
/// (`read_voltage_v`, `v_min_v`, `v_max_v`, `c2c_sd`, `d2d_sd`,
/// `read_noise_sd`): what a new cell needs besides its physics, and the
/// checks of those fields every parameter file gets.
/// `cell_params!` declares a parameter struct with them and implements it.
pub trait CellParams {
    /// The widest safe window a parameter file may give: `v_min_v` in
    /// `[-L, -0.1]` V, `v_max_v` in `[0.1, L]` V.
    const WINDOW_LIMIT_V: f64;
    fn window_volts(&self) -> (f64, f64);
    fn read_voltage_v(&self) -> f64;
    fn read_noise_sd(&self) -> f64;
    fn d2d_sd(&self) -> f64;
    fn c2c_sd(&self) -> f64;

    /// Checks a parameter set read from `file`: the read voltage and the
    /// safe window, then the device's own fields (`physics`), then the
    /// variation and noise sds (each in `[0, 0.5]`); the first field out of
    /// range is the error.
    fn validate_cell(
        &self,
        file: &str,
        physics: impl FnOnce(&Check) -> Result<(), ParamError>,
    ) -> Result<(), DeviceError>
    where
        Self: Sized,
    {
        let c = Check { file };
        let (v_min_v, v_max_v) = self.window_volts();
        let limit_v = Self::WINDOW_LIMIT_V;
        c.range("read_voltage_v", self.read_voltage_v(), 1e-3, 1.0)?;
        c.range("v_min_v", v_min_v, -limit_v, -0.1)?;
        c.range("v_max_v", v_max_v, 0.1, limit_v)?;
        physics(&c)?;
        c.range("c2c_sd", self.c2c_sd(), 0.0, 0.5)?;
        c.range("d2d_sd", self.d2d_sd(), 0.0, 0.5)?;
        c.range("read_noise_sd", self.read_noise_sd(), 0.0, 0.5)?;
        Ok(())
    }
}

/// Declares a device's parameter struct (`Copy`, read from TOML with
/// unknown fields refused) with the cell fields every device has around its
/// own: `read_voltage_v`, `v_min_v`, `v_max_v` first and `c2c_sd`, `d2d_sd`,
/// `read_noise_sd` last (the order a TOML error lists the fields in), and
/// implements [`CellParams`] for it, with a safe window that may reach
/// `window_limit_v` volts either way.
macro_rules! cell_params {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)*
        }
        window_limit_v = $limit:expr;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Nominal read voltage.
            pub read_voltage_v: f64,
            /// Safe window: the most negative voltage a pulse may have.
            pub v_min_v: f64,
            /// Safe window: the most positive voltage a pulse may have.
            pub v_max_v: f64,
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Relative sd of the cycle-to-cycle variation.
            pub c2c_sd: f64,
            /// Relative sd of the device-to-device variation.
            pub d2d_sd: f64,
            /// Relative sd of a noisy read.
            pub read_noise_sd: f64,
        }

        impl $crate::device::common::CellParams for $name {
            const WINDOW_LIMIT_V: f64 = $limit;
            fn window_volts(&self) -> (f64, f64) {
                (self.v_min_v, self.v_max_v)
            }
            fn read_voltage_v(&self) -> f64 {
                self.read_voltage_v
            }
            fn read_noise_sd(&self) -> f64 {
                self.read_noise_sd
            }
            fn d2d_sd(&self) -> f64 {
                self.d2d_sd
            }
            fn c2c_sd(&self) -> f64 {
                self.c2c_sd
            }
        }
    };
}
pub(crate) use cell_params;

/// A new cell from its seed: the cell with the read-noise stream, the D2D
/// factor `N(1, d2d_sd)` drawn once, and the C2C stream the device keeps.
pub struct Seeded {
    pub cell: CellState,
    pub d2d_factor: f64,
    pub c2c: ChaCha8Rng,
}

impl Seeded {
    pub fn new(name: &'static str, p: &impl CellParams, seed: u64) -> Self {
        let mut r = Rngs::new(seed);
        let d2d_factor = factor(&mut r.d2d, p.d2d_sd());
        Seeded {
            cell: CellState::new(
                name,
                p.window_volts(),
                p.read_voltage_v(),
                p.read_noise_sd(),
                r.read,
            ),
            d2d_factor,
            c2c: r.c2c,
        }
    }
}

/// A multiplicative variation factor `max(0, 1 + sd * N(0,1))`.
pub fn factor(rng: &mut ChaCha8Rng, sd: f64) -> f64 {
    if sd <= 0.0 {
        return 1.0;
    }
    let n: f64 = StandardNormal.sample(rng);
    (1.0 + sd * n).max(0.0)
}

/// A field-driven switching rate `r0 exp((|V| - v_ref) / v_slope)` in 1/s at
/// `v_abs_v = |V|`, the exponent capped at 600 so that it stays finite.
pub fn switching_rate_per_s(r0_per_s: f64, v_abs_v: f64, v_ref_v: f64, v_slope_v: f64) -> f64 {
    r0_per_s * ((v_abs_v - v_ref_v) / v_slope_v).min(600.0).exp()
}

/// A standard normal draw.
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// Check a requested voltage against the safe window.
pub fn check_voltage(device: &'static str, v: f64, window: (f64, f64)) -> Result<(), DeviceError> {
    if !v.is_finite() || v < window.0 || v > window.1 {
        return Err(DeviceError::VoltageOutOfWindow {
            device,
            v_volts: v,
            min_volts: window.0,
            max_volts: window.1,
        });
    }
    Ok(())
}

/// Check a compliance current (finite, > 0).
pub fn check_compliance(device: &'static str, i_cc_a: f64) -> Result<(), DeviceError> {
    if !i_cc_a.is_finite() || i_cc_a <= 0.0 {
        return Err(DeviceError::InvalidCompliance { device, i_cc_a });
    }
    Ok(())
}

/// Check a pulse duration (finite, >= 0).
pub fn check_duration(device: &'static str, d: f64) -> Result<(), DeviceError> {
    if !d.is_finite() || d < 0.0 {
        return Err(DeviceError::InvalidDuration {
            device,
            duration_s: d,
        });
    }
    Ok(())
}

/// Sanitise an idle interval: NaN/negative become 0, +inf stays +inf (exp(-inf) = 0).
pub fn idle(dt: f64) -> f64 {
    if dt.is_nan() || dt <= 0.0 {
        0.0
    } else {
        dt
    }
}

/// Where and what a TOML error is, in words for the user: 1-based line and
/// column (when the parser gave a position), the key it concerns (when
/// known) and the message with TOML's internal names replaced, control
/// characters escaped and long values shortened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TomlProblem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl TomlProblem {
    /// `line L, column C: message` (or just the message without a position).
    pub fn located_message(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("line {l}, column {c}: {}", self.message),
            (Some(l), None) => format!("line {l}: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Text from a user's file made safe to print in a message: control
/// characters escaped (`\0`, `\u{1b}`) and anything past `max` characters cut
/// to `...`.
pub fn quote_for_message(text: &str, max: usize) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| {
            let e: Vec<char> = if c.is_control() {
                c.escape_debug().collect()
            } else {
                vec![c]
            };
            e
        })
        .collect();
    if escaped.chars().count() > max {
        let cut: String = escaped.chars().take(max).collect();
        format!("{cut}...")
    } else {
        escaped
    }
}

/// The key of a `key = value` line or the name of a `[table]` header,
/// unquoted; `None` when the line is neither (a comment, a broken line).
pub fn key_of_line(line: &str) -> Option<String> {
    let l = line.trim();
    let key = if let Some(rest) = l.strip_prefix('[') {
        rest.trim_start_matches('[').split(']').next()?
    } else {
        l.split_once('=')?.0
    };
    let key = key.trim();
    let unquoted = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')));
    match unquoted {
        Some(k) => Some(k.to_string()),
        None => (!key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .then(|| key.to_string()),
    }
}

/// Describes a TOML error from `toml::from_str` on `text` (see [`TomlProblem`]).
pub fn toml_problem(text: &str, e: &toml::de::Error) -> TomlProblem {
    const DATETIME: &str = "$__toml_private_datetime";
    let raw = e.message().trim();
    let position = e.span().map(|s| line_column(text, s.start));
    let line_text = position.and_then(|(l, _)| text.lines().nth(l - 1));
    // Errors about a named field carry it in the message; others (a bad value,
    // a wrong type, an unknown enum variant) concern the key on their line.
    let named = [
        "unknown field",
        "missing field",
        "duplicate field",
        "duplicate key",
    ]
    .iter()
    .any(|p| raw.starts_with(p))
    .then(|| raw.split('`').nth(1).map(str::to_string))
    .flatten()
    .filter(|k| k != DATETIME);
    let key = named.or_else(|| line_text.and_then(key_of_line));
    let mut message = raw
        .replace(&format!("`{DATETIME}`"), "a date-time")
        .replace(DATETIME, "date-time");
    if message.contains("invalid type: map") && line_text.is_some_and(|l| looks_like_datetime(l)) {
        message = message.replace("invalid type: map", "invalid type: date-time");
    }
    TomlProblem {
        line: position.map(|p| p.0),
        column: position.map(|p| p.1),
        key: key.map(|k| quote_for_message(&k, 60)),
        message: quote_for_message(&message, 300),
    }
}

/// A `key = 1979-05-27...` line: TOML date-times are read as a private map.
fn looks_like_datetime(line: &str) -> bool {
    let Some((_, v)) = line.split_once('=') else {
        return false;
    };
    let v = v.trim().as_bytes();
    v.len() >= 8
        && (v[..4].iter().all(u8::is_ascii_digit) && v[4] == b'-'
            || v[..2].iter().all(u8::is_ascii_digit) && v[2] == b':')
}

/// Parse a TOML parameter file, mapping serde errors to `DeviceError::Param`
/// with the offending field named when it can be told and the line and
/// column in the message.
pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, DeviceError> {
    toml::from_str::<T>(text).map_err(|e| {
        let p = toml_problem(text, &e);
        DeviceError::Param(ParamError {
            file: file.to_string(),
            field: p.key.clone().unwrap_or_else(|| "<file>".to_string()),
            message: p.located_message(),
        })
    })
}

/// Adds `line N: ` to a `DeviceError::Param` from validation (which knows
/// the field, not where it is) when `field = ...` is on line N of `text`.
pub fn locate(e: DeviceError, text: &str) -> DeviceError {
    match e {
        DeviceError::Param(ParamError {
            file,
            field,
            message,
        }) if !message.starts_with("line ") => {
            let line = text
                .lines()
                .position(|l| key_of_line(l).as_deref() == Some(field.as_str()));
            let message = match line {
                Some(i) => format!("line {}: {message}", i + 1),
                None => message,
            };
            DeviceError::Param(ParamError {
                file,
                field,
                message,
            })
        }
        other => other,
    }
}

/// A number for a message: shortest round-trip text, in scientific notation
/// outside [1e-4, 1e6) so that 1e300 does not print as 301 digits.
pub fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e6).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

pub use crate::param::{Check, ParamError};

/// Trapezoidal pulse energy `V * (I_start + I_end) / 2 * d`, non-negative.
pub fn pulse_energy(v: f64, i_start: f64, i_end: f64, d: f64) -> f64 {
    let e = v * 0.5 * (i_start + i_end) * d;
    if e.is_finite() {
        e.abs()
    } else {
        0.0
    }
}
