//! LTP/LTD: a potentiation train then a depression train of the paper's
//! pulses; conductance read after each pulse.
//! - `otj`: 20 x (+2.2 V, 50 ns) then 20 x (-2.5 V, 50 ns), 100 cycles.
//! - `liwes`: 1024 x (+0.5 V, 10 ms) then 1024 x (-0.5 V, 10 ms), read 2 s after each pulse.
//! - `ftj-linear` / `ftj-reference`: 150 pulses of 1 ms, period 10 ms, in one
//!   of two schemes ([`PulseScheme`], Yang 2022 Section 2.3): `stepped` (the
//!   default, Fig 2d), amplitude stepped from 2 V to 4.98 V in 20 mV steps,
//!   then the same negative; `identical` (Fig S6), every pulse +3 V, then
//!   every pulse -3 V.
//!
//! Metrics: `g_min_s`, `g_max_s`, `mean_dg_pot_s = (G_P(N) - G_0)/N`,
//! `mean_dg_dep_s = (G_D(N) - G_P(N))/N`, `nl = max_n |G_P(n) - G_D(N+1-n)| / (G_P(N) - G_P(1))`,
//! `states`: potentiation steps larger than 10 % of the mean step.

use super::{Direct, Options, Protocol, ProtocolError, ProtocolResult, PulseDriver, Series};
use crate::device::{Device, DeviceKind, DeviceSpec};

/// Amplitude scheme of the `ftj-linear` / `ftj-reference` trains (the paper
/// reports a low NL under both, Section 2.3, Fig S6 and Table S2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PulseScheme {
    /// Fig 2d: |2| -> |4.98| V in 20 mV steps (the default).
    Stepped,
    /// Fig S6: every pulse the same amplitude, [`IDENTICAL_AMPLITUDE_V`].
    Identical,
}

impl PulseScheme {
    pub fn name(self) -> &'static str {
        match self {
            PulseScheme::Stepped => "stepped",
            PulseScheme::Identical => "identical",
        }
    }
}

impl std::str::FromStr for PulseScheme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "stepped" => Ok(PulseScheme::Stepped),
            "identical" => Ok(PulseScheme::Identical),
            _ => Err(format!(
                "unknown pulse scheme `{s}`; expected stepped or identical"
            )),
        }
    }
}

/// Amplitude of the identical-pulse scheme. The paper's Fig S6 amplitude is
/// not in the main text; 3 V is assumed: inside the stepped scheme's 2 - 5 V
/// range, and its 150 pulses span about the same window as the stepped ones.
pub const IDENTICAL_AMPLITUDE_V: f64 = 3.0;

/// The schemes a device's LTP/LTD protocol can use (empty: only its paper's
/// single scheme, not selectable).
pub fn schemes(kind: DeviceKind) -> &'static [PulseScheme] {
    match kind {
        DeviceKind::FtjLinear | DeviceKind::FtjReference => {
            &[PulseScheme::Stepped, PulseScheme::Identical]
        }
        _ => &[],
    }
}

struct Cond {
    n: usize,
    width_s: f64,
    period_s: f64,
    cycles: usize,
    amp: fn(usize, bool) -> f64,
}

fn cond(kind: DeviceKind, scheme: PulseScheme) -> Cond {
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
        _ if scheme == PulseScheme::Identical => Cond {
            n: 150,
            width_s: 1e-3,
            period_s: 10e-3,
            cycles: 1,
            amp: |_, p| {
                if p {
                    IDENTICAL_AMPLITUDE_V
                } else {
                    -IDENTICAL_AMPLITUDE_V
                }
            },
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
    cycle_scheme(d, kind, PulseScheme::Stepped, driver)
}

/// [`cycle_with`] in a given amplitude scheme (only `ftj-linear` and
/// `ftj-reference` have two; the others ignore it, see [`run_scheme`]).
pub fn cycle_scheme(
    d: &mut dyn Device,
    kind: DeviceKind,
    scheme: PulseScheme,
    driver: &mut dyn PulseDriver,
) -> Result<(f64, Vec<f64>, Vec<f64>), ProtocolError> {
    let c = cond(kind, scheme);
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
    run_scheme(spec, opts, None, driver)
}

/// [`run`] with an explicit amplitude scheme (`None`: the device's default,
/// `stepped` for `ftj-linear` / `ftj-reference`). A scheme the device's
/// protocol does not offer ([`schemes`]) is an error.
pub fn run_scheme(
    spec: &DeviceSpec,
    opts: &Options,
    scheme: Option<PulseScheme>,
    driver: &mut dyn PulseDriver,
) -> Result<ProtocolResult, ProtocolError> {
    let offered = schemes(spec.kind);
    if let Some(s) = scheme {
        if !offered.contains(&s) {
            return Err(ProtocolError::InvalidOption {
                protocol: Protocol::LtpLtd,
                message: if offered.is_empty() {
                    format!(
                        "--pulses {}: `{}` has a single pulse scheme (its paper's); \
                         stepped / identical apply to ftj-linear and ftj-reference",
                        s.name(),
                        spec.kind
                    )
                } else {
                    format!("--pulses {} does not apply to `{}`", s.name(), spec.kind)
                },
            });
        }
    }
    let scheme = scheme.unwrap_or(PulseScheme::Stepped);
    let c = cond(spec.kind, scheme);
    let mut r = ProtocolResult::new(
        Protocol::LtpLtd,
        spec.kind,
        "pulse number (1)",
        "conductance at read voltage (S)",
    );
    let mut d = spec.instantiate(opts.seed);
    let (g0, gp, gd) = cycle_scheme(d.as_mut(), spec.kind, scheme, driver)?;
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
    r.metrics
        .insert("amplitude_first_v".into(), (c.amp)(0, true));
    r.metrics
        .insert("amplitude_last_v".into(), (c.amp)(n - 1, true));
    r.metrics.insert("width_s".into(), c.width_s);
    if c.cycles > 1 {
        // repeatability over many cycles: spread of the top of the window
        let mut tops = vec![gp[n - 1]];
        for k in 2..=c.cycles {
            let (_, p, dd) = cycle_scheme(d.as_mut(), spec.kind, scheme, driver)?;
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
