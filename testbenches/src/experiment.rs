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

/// A fresh output directory `out/<name>-<n>` (the first `n` not taken).
pub fn fresh_out_dir(root: &Path, name: &str) -> PathBuf {
    (1..)
        .map(|n| root.join(format!("{name}-{n}")))
        .find(|p| !p.exists())
        .expect("an unused directory name")
}
