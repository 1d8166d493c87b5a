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
pub struct Rngs {
    pub d2d: ChaCha8Rng,
    pub c2c: ChaCha8Rng,
    pub read: ChaCha8Rng,
}

impl Rngs {
    pub fn new(seed: u64) -> Self {
        let mut d2d = ChaCha8Rng::seed_from_u64(seed);
        d2d.set_stream(0);
        let mut c2c = ChaCha8Rng::seed_from_u64(seed);
        c2c.set_stream(1);
        let mut read = ChaCha8Rng::seed_from_u64(seed);
        read.set_stream(2);
        Rngs { d2d, c2c, read }
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

/// Parse a TOML parameter file, mapping serde errors to `DeviceError::Param`
/// with the offending field named when the parser tells it.
pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, DeviceError> {
    toml::from_str::<T>(text).map_err(|e| {
        let msg = e.message().to_string();
        let field = msg.split('`').nth(1).map(str::to_string).or_else(|| {
            // wrong type or bad value: the field is the key on the offending line
            let start = e.span()?.start.min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line = text[line_start..].lines().next()?;
            let key = line.split('=').next()?.trim();
            (!key.is_empty()).then(|| key.to_string())
        });
        let field = field.unwrap_or_else(|| "<file>".to_string());
        DeviceError::Param {
            file: file.to_string(),
            field,
            message: msg.trim().to_string(),
        }
    })
}

/// Range checker used by every parameter set's `validate`.
pub struct Check<'a> {
    pub file: &'a str,
}

impl Check<'_> {
    /// `lo <= value <= hi` and finite.
    pub fn range(&self, field: &str, value: f64, lo: f64, hi: f64) -> Result<(), DeviceError> {
        if !value.is_finite() || value < lo || value > hi {
            return Err(DeviceError::Param {
                file: self.file.to_string(),
                field: field.to_string(),
                message: format!("value {value} is outside the allowed range [{lo:e}, {hi:e}]"),
            });
        }
        Ok(())
    }

    /// `a < b` (e.g. a lower bound below an upper bound).
    pub fn less(&self, field: &str, a: f64, b: f64, what: &str) -> Result<(), DeviceError> {
        if a >= b {
            return Err(DeviceError::Param {
                file: self.file.to_string(),
                field: field.to_string(),
                message: format!("must be below {what} ({a:e} >= {b:e})"),
            });
        }
        Ok(())
    }
}

/// Trapezoidal pulse energy `V * (I_start + I_end) / 2 * d`, non-negative.
pub fn pulse_energy(v: f64, i_start: f64, i_end: f64, d: f64) -> f64 {
    let e = v * 0.5 * (i_start + i_end) * d;
    if e.is_finite() {
        e.abs()
    } else {
        0.0
    }
}
