//! The one error of a parameter set (a device's or the front-end's): the
//! file, the field and what is allowed; and the range checker every
//! parameter set's `validate` uses.

use crate::device::common::num;

/// A parameter file or value that is missing or out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: field `{field}`: {message}")]
pub struct ParamError {
    /// The parameter file (or a description of where the set came from).
    pub file: String,
    /// The field, `<file>` for the file as a whole.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl ParamError {
    pub fn new(file: &str, field: &str, message: impl Into<String>) -> Self {
        ParamError {
            file: file.to_string(),
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Range checker used by every parameter set's `validate`.
pub struct Check<'a> {
    pub file: &'a str,
}

impl Check<'_> {
    /// `lo <= value <= hi` and finite.
    pub fn range(&self, field: &str, value: f64, lo: f64, hi: f64) -> Result<(), ParamError> {
        if !value.is_finite() || value < lo || value > hi {
            return Err(ParamError::new(
                self.file,
                field,
                format!(
                    "value {} is outside the allowed range [{lo:e}, {hi:e}]",
                    num(value)
                ),
            ));
        }
        Ok(())
    }

    /// A lower and an upper bound: each in `[min, max]` (lower first), then
    /// the lower below the upper.
    pub fn ordered(
        &self,
        (lo_field, lo): (&str, f64),
        (hi_field, hi): (&str, f64),
        min: f64,
        max: f64,
    ) -> Result<(), ParamError> {
        self.range(lo_field, lo, min, max)?;
        self.range(hi_field, hi, min, max)?;
        self.less(lo_field, lo, hi, hi_field)
    }

    /// `a < b` (e.g. a lower bound below an upper bound).
    pub fn less(&self, field: &str, a: f64, b: f64, what: &str) -> Result<(), ParamError> {
        if a >= b {
            return Err(ParamError::new(
                self.file,
                field,
                format!("must be below {what} ({a:e} >= {b:e})"),
            ));
        }
        Ok(())
    }
}
