//! E1 over several seeds and over the STDP balance grid.

use super::*;

/// Mean, sample sd, min and max of `x` (sd 0 for a single value).
fn spread(x: &[f64]) -> (f64, f64, f64, f64) {
    let n = x.len().max(1) as f64;
    let m = x.iter().sum::<f64>() / n;
    let sd = if x.len() > 1 {
        (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    let lo = x.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    (m, sd, lo, hi)
}

/// Run `cfg` for `n_seeds` seeds `cfg.seed, cfg.seed + 1, ...`; `own` is the
/// run of `cfg.seed` itself when already done (it is not repeated).
pub fn run_seeds(
    cfg: &E1Config,
    n_seeds: usize,
    own: Option<&E1Result>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SeedStats, ExperimentError> {
    if n_seeds == 0 {
        return Err(ExperimentError::option(
            "--seeds",
            0,
            "allowed range 1..=100",
        ));
    }
    let seeds: Vec<u64> = (0..n_seeds as u64)
        .map(|k| cfg.seed.wrapping_add(k))
        .collect();
    let mut curves: Vec<Vec<RecognitionPoint>> = Vec::new();
    for (k, &seed) in seeds.iter().enumerate() {
        match own {
            Some(r) if k == 0 => curves.push(r.recognition_vs_noise.clone()),
            _ => {
                let c = E1Config {
                    seed,
                    ..cfg.clone()
                };
                let r = run_verilator(&c, TraceRequest::Off, &mut |_, _| {})?;
                curves.push(r.recognition_vs_noise);
            }
        }
        progress(k + 1, seeds.len());
    }
    let points = cfg
        .noise_levels
        .iter()
        .enumerate()
        .map(|(i, &noise)| {
            let rates: Vec<f64> = curves.iter().map(|c| c[i].rate).collect();
            let (mean, sd, min, max) = spread(&rates);
            SeedSpread {
                noise,
                mean,
                sd,
                min,
                max,
                rates,
            }
        })
        .collect();
    Ok(SeedStats { seeds, points })
}

/// The STDP balance map: for every `(a_ratio, tau_ratio)` of `ratios` x
/// `ratios`, train with [`StdpWindow::with_ratios`] (everything else as
/// `cfg`, seed included) and test at `noise_levels`.
pub fn balance_map(
    cfg: &E1Config,
    ratios: &[f64],
    noise_levels: &[f64],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<BalancePoint>, ExperimentError> {
    let mut out = Vec::new();
    let total = ratios.len() * ratios.len();
    let mut done = 0;
    for &tau_ratio in ratios {
        for &a_ratio in ratios {
            let window = StdpWindow::with_ratios(a_ratio, tau_ratio);
            let c = E1Config {
                window,
                noise_levels: noise_levels.to_vec(),
                ..cfg.clone()
            };
            let regs = stdp_registers(
                window.a_plus,
                window.a_minus,
                window.tau_plus_s,
                window.tau_minus_s,
                c.tick_s,
                c.pulses_per_percent,
            )
            .map_err(|e| {
                ExperimentError::Hardware(format!(
                    "balance map point A+/A- = {a_ratio}, tau+/tau- = {tau_ratio}: {e}"
                ))
            })?;
            let w = regs.realised(c.tick_s, c.pulses_per_percent);
            let r = run_verilator(&c, TraceRequest::Off, &mut |_, _| {})?;
            for p in &r.recognition_vs_noise {
                out.push(BalancePoint {
                    a_ratio,
                    tau_ratio,
                    a_ratio_realised: w.a_plus / w.a_minus,
                    tau_ratio_realised: w.tau_plus_s / w.tau_minus_s,
                    noise: p.noise,
                    rate: p.rate,
                });
            }
            done += 1;
            progress(done, total);
        }
    }
    Ok(out)
}
