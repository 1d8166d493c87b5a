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

/// Mean over the neurons of the selectivity of the expected responses
/// `sum_m <rho_x^m> W_m` of the final weights (no Poisson noise): what the
/// weights encode, beside the measured test responses, whose finite
/// repeats give a noise floor (10 repeats of four equal responses of about
/// 14 spikes give a selectivity near 0.05).
pub fn expected_selectivity(res: &E2Result) -> f64 {
    let last = res.snapshots.last().expect("at least the initial snapshot");
    let (maps, _) = neuron_maps(&last.response_hz);
    maps.iter().map(|m| m.selectivity).sum::<f64>() / N_COLS as f64
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
    /// [`expected_selectivity`] per seed, its mean and sd.
    pub expected_selectivity: Vec<f64>,
    pub expected_selectivity_mean: f64,
    pub expected_selectivity_sd: f64,
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let sd = if v.len() > 1 {
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    (m, sd)
}

impl SeedSpread {
    pub fn from_results(seeds: Vec<u64>, res: &[E2Result]) -> Self {
        let distinct: Vec<usize> = res.iter().map(|r| r.distinct_orientations).collect();
        let sel: Vec<f64> = res
            .iter()
            .map(|r| r.neurons.iter().map(|n| n.selectivity).sum::<f64>() / N_COLS as f64)
            .collect();
        let n = sel.len() as f64;
        let (m, sd) = mean_sd(&sel);
        let exp: Vec<f64> = res.iter().map(expected_selectivity).collect();
        let (em, esd) = mean_sd(&exp);
        SeedSpread {
            expected_selectivity: exp,
            expected_selectivity_mean: em,
            expected_selectivity_sd: esd,
            seeds,
            distinct_mean: distinct.iter().sum::<usize>() as f64 / n,
            distinct_orientations: distinct,
            mean_selectivity: sel,
            selectivity_mean: m,
            selectivity_sd: sd,
        }
    }
}
