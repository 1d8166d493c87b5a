//! E2b metrics: the trail's row slope and centroid, the decoded
//! direction, the accuracy over seeds.

use super::*;

/// Sum of the four columns per pixel.
pub(crate) fn pixel_sum(flat: &[f64]) -> Vec<f64> {
    (0..N_ROWS)
        .map(|i| (0..N_COLS).map(|j| flat[i * N_COLS + j]).sum())
        .collect()
}

/// Least-squares slope of the row means of `dg` (pixels) over rows 0..9.
pub fn row_slope(dg: &[f64]) -> f64 {
    let m: Vec<f64> = (0..GRID)
        .map(|r| dg[r * GRID..(r + 1) * GRID].iter().sum::<f64>() / GRID as f64)
        .collect();
    let rbar = (GRID as f64 - 1.0) / 2.0;
    let mbar = m.iter().sum::<f64>() / GRID as f64;
    let num: f64 = m
        .iter()
        .enumerate()
        .map(|(r, v)| (r as f64 - rbar) * (v - mbar))
        .sum();
    let den: f64 = (0..GRID).map(|r| (r as f64 - rbar).powi(2)).sum();
    num / den
}

/// Row centroid of the positive part of `dg` (NaN if none).
pub fn centroid_row(dg: &[f64]) -> f64 {
    let (mut s, mut w) = (0.0, 0.0);
    for (i, v) in dg.iter().enumerate() {
        if *v > 0.0 {
            s += (i / GRID) as f64 * v;
            w += v;
        }
    }
    if w > 0.0 {
        s / w
    } else {
        f64::NAN
    }
}

/// Direction from the final trail: the recent positions relaxed least.
pub fn decode(slope: f64) -> &'static str {
    if slope < 0.0 {
        "up"
    } else {
        "down"
    }
}

/// Accuracy over seeds.
#[derive(Debug, Clone, Serialize)]
pub struct AccuracySpread {
    pub seeds: Vec<u64>,
    pub accuracy: Vec<f64>,
    pub mean: f64,
    pub sd: f64,
}

impl AccuracySpread {
    pub fn new(seeds: Vec<u64>, accuracy: Vec<f64>) -> Self {
        let n = accuracy.len() as f64;
        let mean = accuracy.iter().sum::<f64>() / n;
        let sd = if accuracy.len() > 1 {
            (accuracy.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        AccuracySpread {
            seeds,
            accuracy,
            mean,
            sd,
        }
    }
}
