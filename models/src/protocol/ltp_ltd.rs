//! LTP/LTD: a potentiation train then a depression train of the paper's
//! pulses; conductance read after each pulse.
//! - `otj`: 20 x (+2.2 V, 50 ns) then 20 x (-2.5 V, 50 ns), 100 cycles.
//! - `liwes`: 1024 x (+0.5 V, 10 ms) then 1024 x (-0.5 V, 10 ms), read 2 s after each pulse.
//! - `ftj-linear` / `ftj-reference`: 150 pulses of 1 ms, amplitude stepped
//!   from 2 V to 4.98 V in 20 mV steps, then the same negative.
//!
//! Metrics: `g_min_s`, `g_max_s`, `mean_dg_pot_s = (G_P(N) - G_0)/N`,
//! `mean_dg_dep_s = (G_D(N) - G_P(N))/N`, `nl = max_n |G_P(n) - G_D(N+1-n)| / (G_P(N) - G_P(1))`,
//! `states`: potentiation steps larger than 10 % of the mean step.

use super::{Direct, Options, Protocol, ProtocolError, ProtocolResult, PulseDriver, Series};
use crate::device::{Device, DeviceKind, DeviceSpec};

struct Cond {
    n: usize,
    width_s: f64,
    period_s: f64,
    cycles: usize,
    amp: fn(usize, bool) -> f64,
}

fn cond(kind: DeviceKind) -> Cond {
    match kind {
        DeviceKind::Otj => Cond {
            n: 20,
            width_s: 50e-9,
            period_s: 100e-6,
            cycles: 100,
            amp: |_, p| if p { 2.2 } else { -2.5 },
        },
        DeviceKind::Liwes => Cond {
            n: 1024,
            width_s: 10e-3,
            period_s: 2.0,
            cycles: 1,
            amp: |_, p| if p { 0.5 } else { -0.5 },
        },
        _ => Cond {
            n: 150,
            width_s: 1e-3,
            period_s: 10e-3,
            cycles: 1,
            amp: |k, p| {
                let a = 2.0 + 0.02 * k as f64;
                if p {
                    a
                } else {
                    -a
                }
            },
        },
    }
}

/// Run one potentiation + depression cycle; returns (G_0, G_P, G_D).
pub fn cycle(
    d: &mut dyn Device,
    kind: DeviceKind,
) -> Result<(f64, Vec<f64>, Vec<f64>), ProtocolError> {
    cycle_with(d, kind, &mut Direct)
}

/// [`cycle`] with the pulses delivered by `driver`.
pub fn cycle_with(
    d: &mut dyn Device,
    kind: DeviceKind,
    driver: &mut dyn PulseDriver,
) -> Result<(f64, Vec<f64>, Vec<f64>), ProtocolError> {
    let c = cond(kind);
    let g0 = d.conductance_s();
    let mut gp = Vec::with_capacity(c.n);
    let mut gd = Vec::with_capacity(c.n);
    for (pot, out) in [(true, &mut gp), (false, &mut gd)] {
        for k in 0..c.n {
            driver.train(d, (c.amp)(k, pot), c.width_s, 0.0, 1, &mut |_| {})?;
            d.advance(c.period_s - c.width_s);
            out.push(d.conductance_s());
        }
    }
    Ok((g0, gp, gd))
}

/// The NL figure of merit of Yang et al. 2022, for N pulses per branch.
pub fn nonlinearity(gp: &[f64], gd: &[f64]) -> f64 {
    let n = gp.len().min(gd.len());
    if n < 2 {
        return f64::NAN;
    }
    let span = gp[n - 1] - gp[0];
    (1..=n)
        .map(|i| (gp[i - 1] - gd[n - i]).abs())
        .fold(0.0, f64::max)
        / span.abs().max(1e-300)
}

pub fn run(
    spec: &DeviceSpec,
    opts: &Options,
    driver: &mut dyn PulseDriver,
) -> Result<ProtocolResult, ProtocolError> {
    let c = cond(spec.kind);
    let mut r = ProtocolResult::new(
        Protocol::LtpLtd,
        spec.kind,
        "pulse number (1)",
        "conductance at read voltage (S)",
    );
    let mut d = spec.instantiate(opts.seed);
    let (g0, gp, gd) = cycle_with(d.as_mut(), spec.kind, driver)?;
    let n = c.n;
    let mut s = Series::new("cycle 1", true);
    s.push(0.0, g0);
    for (k, g) in gp.iter().chain(gd.iter()).enumerate() {
        s.push((k + 1) as f64, *g);
    }
    r.series.push(s);
    let all = gp.iter().chain(gd.iter()).chain(std::iter::once(&g0));
    let g_min = all.clone().cloned().fold(f64::INFINITY, f64::min);
    let g_max = all.cloned().fold(f64::NEG_INFINITY, f64::max);
    let mean_pot = (gp[n - 1] - g0) / n as f64;
    let steps: Vec<f64> = std::iter::once(g0)
        .chain(gp.iter().cloned())
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    let states = steps.iter().filter(|s| **s > 0.1 * mean_pot).count();
    r.metrics.insert("g_min_s".into(), g_min);
    r.metrics.insert("g_max_s".into(), g_max);
    r.metrics.insert("mean_dg_pot_s".into(), mean_pot);
    r.metrics
        .insert("mean_dg_dep_s".into(), (gd[n - 1] - gp[n - 1]) / n as f64);
    r.metrics.insert("nl".into(), nonlinearity(&gp, &gd));
    r.metrics.insert("states".into(), states as f64);
    r.metrics.insert("pulses_per_branch".into(), n as f64);
    if c.cycles > 1 {
        // repeatability over many cycles: spread of the top of the window
        let mut tops = vec![gp[n - 1]];
        for k in 2..=c.cycles {
            let (_, p, dd) = cycle_with(d.as_mut(), spec.kind, driver)?;
            tops.push(p[n - 1]);
            if k == c.cycles {
                let mut s = Series::new(format!("cycle {k}"), true);
                for (i, g) in p.iter().chain(dd.iter()).enumerate() {
                    s.push((i + 1) as f64, *g);
                }
                r.series.push(s);
            }
        }
        let m = tops.iter().sum::<f64>() / tops.len() as f64;
        let sd = (tops.iter().map(|x| (x - m).powi(2)).sum::<f64>() / tops.len() as f64).sqrt();
        r.metrics.insert("cycles".into(), c.cycles as f64);
        r.metrics.insert("g_max_cycle_cv".into(), sd / m);
    }
    Ok(r)
}
