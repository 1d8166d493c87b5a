//! Least-squares fits written for the protocols (no external numeric crates).
//!
//! Double exponential `y = y0 + c1 exp(-t/tau1) + c2 exp(-t/tau2)` by variable
//! projection: for fixed `(tau1, tau2)` the model is linear in `(y0, c1, c2)`
//! and solved exactly (normal equations); the two time constants are found by
//! a log-spaced grid search refined with Nelder-Mead on `(ln tau1, ln tau2)`.
//! Single exponentials and power laws use the same idea in one dimension
//! (grid + golden-section refinement).

/// Solve the small dense least-squares problem `min |A x - y|^2` (columns `cols`).
pub fn linear_lsq(cols: &[Vec<f64>], y: &[f64]) -> Option<(Vec<f64>, f64)> {
    let k = cols.len();
    let mut m = vec![vec![0.0; k + 1]; k];
    for i in 0..k {
        for j in 0..k {
            m[i][j] = cols[i].iter().zip(&cols[j]).map(|(a, b)| a * b).sum();
        }
        m[i][k] = cols[i].iter().zip(y).map(|(a, b)| a * b).sum();
    }
    // Gaussian elimination with partial pivoting
    for c in 0..k {
        let piv = (c..k).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))?;
        if m[piv][c].abs() < 1e-300 {
            return None;
        }
        m.swap(c, piv);
        for r in 0..k {
            if r != c {
                let f = m[r][c] / m[c][c];
                for j in c..=k {
                    m[r][j] -= f * m[c][j];
                }
            }
        }
    }
    let x: Vec<f64> = (0..k).map(|i| m[i][k] / m[i][i]).collect();
    let sse = (0..y.len())
        .map(|n| {
            let f: f64 = (0..k).map(|i| cols[i][n] * x[i]).sum();
            (f - y[n]).powi(2)
        })
        .sum();
    if x.iter().all(|v| v.is_finite()) {
        Some((x, sse))
    } else {
        None
    }
}

/// Result of a double-exponential fit; `tau1_s <= tau2_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoubleExp {
    pub y0: f64,
    pub c1: f64,
    pub tau1_s: f64,
    pub c2: f64,
    pub tau2_s: f64,
    pub sse: f64,
}

impl DoubleExp {
    pub fn eval(&self, t: f64) -> f64 {
        self.y0 + self.c1 * (-t / self.tau1_s).exp() + self.c2 * (-t / self.tau2_s).exp()
    }
}

fn dexp_project(t: &[f64], y: &[f64], tau1: f64, tau2: f64) -> Option<(Vec<f64>, f64)> {
    let ones = vec![1.0; t.len()];
    let e1: Vec<f64> = t.iter().map(|&x| (-x / tau1).exp()).collect();
    let e2: Vec<f64> = t.iter().map(|&x| (-x / tau2).exp()).collect();
    linear_lsq(&[ones, e1, e2], y)
}

/// Nelder-Mead minimisation in 2-D.
fn nelder_mead(f: &dyn Fn(f64, f64) -> f64, x0: (f64, f64), step: f64, iters: usize) -> (f64, f64) {
    let mut s = [(x0.0, x0.1), (x0.0 + step, x0.1), (x0.0, x0.1 + step)];
    let mut v = s.map(|p| f(p.0, p.1));
    for _ in 0..iters {
        let mut idx = [0, 1, 2];
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let (b, m, w) = (idx[0], idx[1], idx[2]);
        let c = ((s[b].0 + s[m].0) / 2.0, (s[b].1 + s[m].1) / 2.0);
        let r = (2.0 * c.0 - s[w].0, 2.0 * c.1 - s[w].1);
        let fr = f(r.0, r.1);
        if fr < v[b] {
            let e = (3.0 * c.0 - 2.0 * s[w].0, 3.0 * c.1 - 2.0 * s[w].1);
            let fe = f(e.0, e.1);
            if fe < fr {
                s[w] = e;
                v[w] = fe;
            } else {
                s[w] = r;
                v[w] = fr;
            }
        } else if fr < v[m] {
            s[w] = r;
            v[w] = fr;
        } else {
            let k = ((c.0 + s[w].0) / 2.0, (c.1 + s[w].1) / 2.0);
            let fk = f(k.0, k.1);
            if fk < v[w] {
                s[w] = k;
                v[w] = fk;
            } else {
                for i in [m, w] {
                    s[i] = ((s[i].0 + s[b].0) / 2.0, (s[i].1 + s[b].1) / 2.0);
                    v[i] = f(s[i].0, s[i].1);
                }
            }
        }
    }
    let best = (0..3).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap_or(0);
    s[best]
}

/// The smallest positive time of `t` (infinite when none is) and the
/// largest (at least 0): the span an exponential's time constant is
/// searched around.
fn time_span(t: &[f64]) -> (f64, f64) {
    let tmin = t
        .iter()
        .cloned()
        .filter(|x| *x > 0.0)
        .fold(f64::INFINITY, f64::min);
    let tmax = t.iter().cloned().fold(0.0, f64::max);
    (tmin, tmax)
}

/// Fit `y0 + c1 exp(-t/tau1) + c2 exp(-t/tau2)` to `(t, y)`; time constants
/// searched within `[t_min / 10, t_max * 10]`.
pub fn double_exp(t: &[f64], y: &[f64]) -> Option<DoubleExp> {
    if t.len() < 6 || t.len() != y.len() {
        return None;
    }
    let (tmin, tmax) = time_span(t);
    if !tmin.is_finite() || tmax <= 0.0 {
        return None;
    }
    let (lo, hi) = ((tmin / 10.0).ln(), (tmax * 10.0).ln());
    let cost = |l1: f64, l2: f64| -> f64 {
        if l1 < lo || l2 > hi || l1 >= l2 - 1e-3 {
            return f64::INFINITY;
        }
        dexp_project(t, y, l1.exp(), l2.exp())
            .map(|r| r.1)
            .unwrap_or(f64::INFINITY)
    };
    let n = 40;
    let mut best = (f64::INFINITY, 0.0, 0.0);
    for i in 0..n {
        for j in (i + 1)..n {
            let l1 = lo + (hi - lo) * i as f64 / (n - 1) as f64;
            let l2 = lo + (hi - lo) * j as f64 / (n - 1) as f64;
            let c = cost(l1, l2);
            if c < best.0 {
                best = (c, l1, l2);
            }
        }
    }
    if !best.0.is_finite() {
        return None;
    }
    let mut p = (best.1, best.2);
    for step in [0.2, 0.05, 0.01] {
        p = nelder_mead(&cost, p, step, 400);
    }
    let (x, sse) = dexp_project(t, y, p.0.exp(), p.1.exp())?;
    Some(DoubleExp {
        y0: x[0],
        c1: x[1],
        tau1_s: p.0.exp(),
        c2: x[2],
        tau2_s: p.1.exp(),
        sse,
    })
}

/// Result of `y = y0 + a exp(-t/tau)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SingleExp {
    pub y0: f64,
    pub a: f64,
    pub tau_s: f64,
    pub sse: f64,
}

/// One-dimensional minimisation of `f` over `[lo, hi]`: grid then golden section.
pub fn minimize_1d(f: &dyn Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    let n = 200;
    let mut bi = 0;
    let mut bv = f64::INFINITY;
    for i in 0..=n {
        let x = lo + (hi - lo) * i as f64 / n as f64;
        let v = f(x);
        if v < bv {
            bv = v;
            bi = i;
        }
    }
    let h = (hi - lo) / n as f64;
    let (mut a, mut b) = (
        (lo + h * (bi as f64 - 1.0)).max(lo),
        (lo + h * (bi as f64 + 1.0)).min(hi),
    );
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..100 {
        let c = b - g * (b - a);
        let d = a + g * (b - a);
        if f(c) < f(d) {
            b = d;
        } else {
            a = c;
        }
    }
    (a + b) / 2.0
}

/// Fit `y = y0 + a exp(-t/tau)` (t >= 0); tau searched in `[t_min/10, t_max*10]`.
pub fn single_exp(t: &[f64], y: &[f64]) -> Option<SingleExp> {
    if t.len() < 3 || t.len() != y.len() {
        return None;
    }
    let (tmin, tmax) = time_span(t);
    if !tmin.is_finite() {
        return None;
    }
    let proj = |lt: f64| {
        let ones = vec![1.0; t.len()];
        let e: Vec<f64> = t.iter().map(|&x| (-x / lt.exp()).exp()).collect();
        linear_lsq(&[ones, e], y)
    };
    let cost = |lt: f64| proj(lt).map(|r| r.1).unwrap_or(f64::INFINITY);
    let lt = minimize_1d(&cost, (tmin / 10.0).ln(), (tmax * 10.0).ln());
    let (x, sse) = proj(lt)?;
    Some(SingleExp {
        y0: x[0],
        a: x[1],
        tau_s: lt.exp(),
        sse,
    })
}

/// Fit `y = y0 + a exp(-t^2/tau^2)` (symmetric window, t of either sign);
/// tau searched in `[min |t| / 10, max |t| * 10]` (|t| > 0).
pub fn gaussian(t: &[f64], y: &[f64]) -> Option<Gaussian> {
    if t.len() < 3 || t.len() != y.len() {
        return None;
    }
    let tmin = t
        .iter()
        .map(|x| x.abs())
        .filter(|x| *x > 0.0)
        .fold(f64::INFINITY, f64::min);
    let tmax = t.iter().map(|x| x.abs()).fold(0.0, f64::max);
    if !tmin.is_finite() {
        return None;
    }
    let proj = |lt: f64| {
        let ones = vec![1.0; t.len()];
        let tau = lt.exp();
        let e: Vec<f64> = t.iter().map(|&x| (-(x / tau).powi(2)).exp()).collect();
        linear_lsq(&[ones, e], y)
    };
    let cost = |lt: f64| proj(lt).map(|r| r.1).unwrap_or(f64::INFINITY);
    let lt = minimize_1d(&cost, (tmin / 10.0).ln(), (tmax * 10.0).ln());
    let (x, sse) = proj(lt)?;
    Some(Gaussian {
        y0: x[0],
        a: x[1],
        tau_s: lt.exp(),
        sse,
    })
}

/// Result of `gaussian`: `y = y0 + a exp(-t^2/tau_s^2)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaussian {
    pub y0: f64,
    pub a: f64,
    pub tau_s: f64,
    pub sse: f64,
}

impl Gaussian {
    pub fn eval(&self, t: f64) -> f64 {
        self.y0 + self.a * (-(t / self.tau_s).powi(2)).exp()
    }
}

/// Fit `I = a V + b V^p` (V > 0); returns `(a, b, p)`, p searched in [1.05, 30].
pub fn power_law(v: &[f64], i: &[f64]) -> Option<(f64, f64, f64)> {
    let scale = i.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-300);
    let y: Vec<f64> = i.iter().map(|x| x / scale).collect();
    let proj = |p: f64| {
        let c1 = v.to_vec();
        let c2: Vec<f64> = v.iter().map(|x| x.powf(p)).collect();
        linear_lsq(&[c1, c2], &y)
    };
    let cost = |p: f64| proj(p).map(|r| r.1).unwrap_or(f64::INFINITY);
    let p = minimize_1d(&cost, 1.05, 30.0);
    let (x, _) = proj(p)?;
    Some((x[0] * scale, x[1] * scale, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_exp_recovers_synthetic_constants() {
        let t: Vec<f64> = (0..30).map(|k| 0.01 * 1.2f64.powi(k)).collect();
        let y: Vec<f64> = t
            .iter()
            .map(|&x| 0.05 + 0.3 * (-x / 0.069).exp() + 0.2 * (-x / 0.24).exp())
            .collect();
        let f = double_exp(&t, &y).expect("fit");
        assert!((f.tau1_s / 0.069 - 1.0).abs() < 1e-3, "{f:?}");
        assert!((f.tau2_s / 0.24 - 1.0).abs() < 1e-3, "{f:?}");
        assert!((f.c1 - 0.3).abs() < 1e-3 && (f.c2 - 0.2).abs() < 1e-3);
    }

    #[test]
    fn single_exp_and_power_law_recover_constants() {
        let t: Vec<f64> = (0..40).map(|k| 1e-7 * k as f64).collect();
        let y: Vec<f64> = t.iter().map(|&x| 1.0 + 2.0 * (-x / 4.4e-6).exp()).collect();
        let f = single_exp(&t, &y).expect("fit");
        assert!((f.tau_s / 4.4e-6 - 1.0).abs() < 1e-4, "{f:?}");
        let v: Vec<f64> = (1..=50).map(|k| 0.02 * k as f64).collect();
        let i: Vec<f64> = v.iter().map(|&x| 7e-5 * x + 3e-5 * x.powf(5.0)).collect();
        let (_, _, p) = power_law(&v, &i).expect("fit");
        assert!((p - 5.0).abs() < 1e-3, "{p}");
    }
}
