//! E2 metrics: the expected rate response of a weight map, the
//! neuron-to-orientation map with its selectivity, the spread over seeds.

use super::*;

/// `sum_m <rho_x^m> W_m` of orientation `deg` for weights `w` (siemens), Hz.
pub fn expected_response_hz(cfg: &E2Config, w: &[f64], deg: u32) -> f64 {
    let bar = bar_pixels(deg, 0);
    (0..N_ROWS)
        .map(|i| {
            let r = if (bar >> i) & 1 == 1 {
                cfg.rate_bar_hz
            } else {
                cfg.rate_background_hz
            };
            r * w[i] / cfg.g_unit_s
        })
        .sum()
}

/// The neuron-to-orientation map of measured test responses.
pub fn neuron_maps(test_spikes: &[Vec<f64>]) -> (Vec<NeuronMap>, usize) {
    let mut maps = Vec::new();
    for (j, t) in test_spikes.iter().enumerate() {
        let (best_k, best) =
            t.iter().cloned().enumerate().fold(
                (0, f64::MIN),
                |acc, (k, v)| if v > acc.1 { (k, v) } else { acc },
            );
        let others: f64 = t
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != best_k)
            .map(|(_, v)| v)
            .sum::<f64>()
            / (t.len() - 1) as f64;
        let (preferred_deg, selectivity) = if best > 0.0 {
            (Some(ORIENTATIONS_DEG[best_k]), (best - others) / best)
        } else {
            (None, 0.0)
        };
        maps.push(NeuronMap {
            neuron: j,
            preferred_deg,
            selectivity,
            test_spikes: t.clone(),
        });
    }
    let distinct = ORIENTATIONS_DEG
        .iter()
        .filter(|&&d| maps.iter().any(|m| m.preferred_deg == Some(d)))
        .count();
    (maps, distinct)
}

/// Distinct orientations and mean selectivity over seeds.
#[derive(Debug, Clone, Serialize)]
pub struct SeedSpread {
    pub seeds: Vec<u64>,
    pub distinct_orientations: Vec<usize>,
    pub mean_selectivity: Vec<f64>,
    pub distinct_mean: f64,
    pub selectivity_mean: f64,
    pub selectivity_sd: f64,
}

impl SeedSpread {
    pub fn from_results(seeds: Vec<u64>, res: &[E2Result]) -> Self {
        let distinct: Vec<usize> = res.iter().map(|r| r.distinct_orientations).collect();
        let sel: Vec<f64> = res
            .iter()
            .map(|r| r.neurons.iter().map(|n| n.selectivity).sum::<f64>() / N_COLS as f64)
            .collect();
        let n = sel.len() as f64;
        let m = sel.iter().sum::<f64>() / n;
        let sd = if sel.len() > 1 {
            (sel.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        SeedSpread {
            seeds,
            distinct_mean: distinct.iter().sum::<usize>() as f64 / n,
            distinct_orientations: distinct,
            mean_selectivity: sel,
            selectivity_mean: m,
            selectivity_sd: sd,
        }
    }
}
