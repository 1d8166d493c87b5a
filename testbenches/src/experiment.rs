//! What every experiment shares: errors, output directories, run metadata.

use neuroxbar_cosim::cosim::CoSimError;
use std::path::{Path, PathBuf};

/// An experiment failed.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error(transparent)]
    CoSim(#[from] CoSimError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl ExperimentError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ExperimentError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Default clock of the accelerator, MHz (10 ns per cycle).
pub const DEFAULT_CLOCK_MHZ: f64 = 100.0;
/// Clocks an experiment may run the accelerator at, MHz.
pub const CLOCK_MHZ_RANGE: std::ops::RangeInclusive<f64> = 1.0..=500.0;

/// The front-end parameters at `clock_mhz` (the DAC, ADC and array as by
/// default, every duration in cycles of that clock).
pub fn fe_params(
    clock_mhz: f64,
) -> Result<neuroxbar_models::frontend::FrontEndParams, ExperimentError> {
    if !CLOCK_MHZ_RANGE.contains(&clock_mhz) {
        return Err(ExperimentError::Invalid(format!(
            "clock {clock_mhz} MHz is outside {} ..= {} MHz",
            CLOCK_MHZ_RANGE.start(),
            CLOCK_MHZ_RANGE.end()
        )));
    }
    Ok(neuroxbar_models::frontend::FrontEndParams {
        clock_period_s: 1e-6 / clock_mhz,
        ..Default::default()
    })
}

/// A fresh output directory `out/<name>-<n>` (the first `n` not taken).
pub fn fresh_out_dir(root: &Path, name: &str) -> PathBuf {
    (1..)
        .map(|n| root.join(format!("{name}-{n}")))
        .find(|p| !p.exists())
        .expect("an unused directory name")
}
