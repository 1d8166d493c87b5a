//! E4's data and network, offline in Rust: the 8x8 digits, the fixed
//! split, the ternary one-layer network and its training.

use super::*;

/// The digits set.
#[derive(Debug, Clone)]
pub struct Digits {
    pub pixels: Vec<[u8; N_PIXELS]>,
    pub labels: Vec<u8>,
}

/// Parse the embedded digits.
pub fn load_digits() -> Result<Digits, ExperimentError> {
    let mut d = Digits {
        pixels: Vec::new(),
        labels: Vec::new(),
    };
    for (n, line) in DIGITS_CSV.lines().enumerate() {
        let bad = || ExperimentError::Data {
            file: "digits.csv",
            message: format!("line {}: malformed", n + 1),
        };
        let v: Vec<u8> = line
            .split(',')
            .map(|s| s.trim().parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        if v.len() != N_PIXELS + 1 || v[..N_PIXELS].iter().any(|&p| p > 16) || v[N_PIXELS] > 9 {
            return Err(bad());
        }
        let mut p = [0u8; N_PIXELS];
        p.copy_from_slice(&v[..N_PIXELS]);
        d.pixels.push(p);
        d.labels.push(v[N_PIXELS]);
    }
    if d.labels.len() != N_IMAGES {
        return Err(ExperimentError::Data {
            file: "digits.csv",
            message: format!("{} images, expected {N_IMAGES}", d.labels.len()),
        });
    }
    Ok(d)
}

/// The fixed split: `(train, test)` image indices.
pub fn split() -> (Vec<usize>, Vec<usize>) {
    let mut idx: Vec<usize> = (0..N_IMAGES).collect();
    idx.shuffle(&mut ChaCha8Rng::seed_from_u64(SPLIT_SEED));
    let test = idx.split_off(N_TRAIN);
    (idx, test)
}

/// A trained ternary layer: `w[pixel][class]` in {-1, 0, 1}.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TernaryNet {
    pub w: Vec<[i8; N_CLASSES]>,
    /// Trained logit scale (software only; the argmax does not use it).
    pub logit_scale: f64,
    pub train_accuracy: f64,
    /// Software accuracy on the test images, linear inputs `pixel / 16`.
    pub test_accuracy: f64,
    pub nonzero_fraction: f64,
}

pub(super) fn ternarize(w: &[f64], factor: f64) -> Vec<i8> {
    let mean = w.iter().map(|x| x.abs()).sum::<f64>() / w.len() as f64;
    let delta = factor * mean;
    w.iter()
        .map(|&x| {
            if x > delta {
                1
            } else if x < -delta {
                -1
            } else {
                0
            }
        })
        .collect()
}

/// `argmax_k sum_i x_i w[i][k]` (the first of equal maxima).
pub fn predict(w: &[[i8; N_CLASSES]], x: &[f64]) -> usize {
    let mut best = (f64::NEG_INFINITY, 0);
    for k in 0..N_CLASSES {
        let s: f64 = x.iter().zip(w).map(|(xi, wi)| xi * wi[k] as f64).sum();
        if s > best.0 {
            best = (s, k);
        }
    }
    best.1
}

pub(super) fn inputs(p: &[u8; N_PIXELS]) -> Vec<f64> {
    p.iter().map(|&v| v as f64 / 16.0).collect()
}

/// Software accuracy of `w` on the images `idx`.
pub fn accuracy(w: &[[i8; N_CLASSES]], d: &Digits, idx: &[usize]) -> f64 {
    let ok = idx
        .iter()
        .filter(|&&i| predict(w, &inputs(&d.pixels[i])) == d.labels[i] as usize)
        .count();
    ok as f64 / idx.len().max(1) as f64
}

/// Train the ternary layer (see the module doc).
pub fn train(cfg: &E4Config, d: &Digits, train_idx: &[usize], test_idx: &[usize]) -> TernaryNet {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE4_7EA1_0000);
    let n = N_PIXELS * N_CLASSES;
    let mut w: Vec<f64> = (0..n).map(|_| rng.gen_range(-0.05..0.05)).collect();
    let mut scale = 0.5f64;
    let mut order = train_idx.to_vec();
    let xs: Vec<Vec<f64>> = d.pixels.iter().map(inputs).collect();
    for _ in 0..cfg.epochs {
        order.shuffle(&mut rng);
        for batch in order.chunks(cfg.batch) {
            let t = ternarize(&w, cfg.ternary_threshold_factor);
            let mut gw = vec![0.0; n];
            let mut gs = 0.0;
            for &i in batch {
                let x = &xs[i];
                let mut z = [0.0f64; N_CLASSES];
                for (k, zk) in z.iter_mut().enumerate() {
                    *zk = (0..N_PIXELS)
                        .map(|p| x[p] * t[p * N_CLASSES + k] as f64)
                        .sum();
                }
                let m = z.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(scale * b));
                let e: Vec<f64> = z.iter().map(|&v| (scale * v - m).exp()).collect();
                let sum: f64 = e.iter().sum();
                for k in 0..N_CLASSES {
                    let g = e[k] / sum - (d.labels[i] as usize == k) as u8 as f64;
                    gs += g * z[k];
                    for p in 0..N_PIXELS {
                        gw[p * N_CLASSES + k] += g * scale * x[p];
                    }
                }
            }
            let lr = cfg.learning_rate / batch.len() as f64;
            for (wi, gi) in w.iter_mut().zip(&gw) {
                // straight-through, clipped to [-1, 1]
                *wi = (*wi - lr * gi).clamp(-1.0, 1.0);
            }
            scale = (scale - lr * gs).clamp(0.01, 100.0);
        }
    }
    let t = ternarize(&w, cfg.ternary_threshold_factor);
    let wt: Vec<[i8; N_CLASSES]> = (0..N_PIXELS)
        .map(|p| std::array::from_fn(|k| t[p * N_CLASSES + k]))
        .collect();
    TernaryNet {
        train_accuracy: accuracy(&wt, d, train_idx),
        test_accuracy: accuracy(&wt, d, test_idx),
        nonzero_fraction: t.iter().filter(|&&v| v != 0).count() as f64 / n as f64,
        w: wt,
        logit_scale: scale,
    }
}
