//! Shared by the sweep tests (`tests/cli_sweep.rs`, `tests/cli_sweep_slurm.rs`).

#![allow(dead_code)]

use std::path::Path;

#[allow(unused_imports)] // not every test uses each
pub use crate::common::{neuroxbar, scratch, stderr};

/// E1 at a 1 MHz clock with one seed of the noise spread: well under a
/// second per point.
pub const PLAN: &str = r#"experiment = "letters-stdp"
metric = "recognition_vs_noise.0.rate"
[options]
seeds = 1
clock-mhz = 1
[grid]
seed = [1, 2, 3]
epochs = [1, 2]
[[points]]
seed = 4
epochs = 0
"#;

pub fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

/// `(point, status, metric)` of every point.
pub fn outcomes(v: &serde_json::Value) -> Vec<(String, String, Option<f64>)> {
    v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["point"].as_str().unwrap().to_string(),
                p["status"].as_str().unwrap().to_string(),
                p["metric"].as_f64(),
            )
        })
        .collect()
}
