//! Measurement protocols run on the device models (`neuroxbar device D P`).
//!
//! Each protocol is a function `(spec, options) -> ProtocolResult`: series for
//! the CSV and the plot, and named metrics whose keys end in their SI unit
//! where they have one. The measurement conditions (amplitudes, widths,
//! frequencies) are the ones of each device's paper (models/DEVICES.md).

pub mod bcm;
pub mod endurance;
pub mod energy;
pub mod fit;
pub mod gradual;
pub mod iv;
pub mod ltp_ltd;
pub mod ppf;
pub mod pulse_train;
pub mod relaxation;
pub mod stdp;
pub mod stdp_symmetric;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::device::{Device, DeviceError, DeviceKind, DeviceSpec};

/// The protocols, by CLI name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    PulseTrain,
    Ppf,
    Ppd,
    LtpLtd,
    Stdp,
    StdpSymmetric,
    Relaxation,
    Iv,
    SetCompliance,
    ResetSweep,
    Endurance,
    Energy,
    Bcm,
}

impl Protocol {
    pub const ALL: [Protocol; 13] = [
        Protocol::PulseTrain,
        Protocol::Ppf,
        Protocol::Ppd,
        Protocol::LtpLtd,
        Protocol::Stdp,
        Protocol::StdpSymmetric,
        Protocol::Relaxation,
        Protocol::Iv,
        Protocol::SetCompliance,
        Protocol::ResetSweep,
        Protocol::Endurance,
        Protocol::Energy,
        Protocol::Bcm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Protocol::PulseTrain => "pulse-train",
            Protocol::Ppf => "ppf",
            Protocol::Ppd => "ppd",
            Protocol::LtpLtd => "ltp-ltd",
            Protocol::Stdp => "stdp",
            Protocol::StdpSymmetric => "stdp-symmetric",
            Protocol::Relaxation => "relaxation",
            Protocol::Iv => "iv",
            Protocol::SetCompliance => "set-compliance",
            Protocol::ResetSweep => "reset-sweep",
            Protocol::Endurance => "endurance",
            Protocol::Energy => "energy",
            Protocol::Bcm => "bcm",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Protocol {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Protocol::ALL
            .iter()
            .copied()
            .find(|p| p.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Protocol::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "unknown protocol `{s}`; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// The protocols that make sense for a device kind (its paper measures them).
pub fn applicable(kind: DeviceKind) -> Vec<Protocol> {
    use Protocol::*;
    match kind {
        DeviceKind::FtjRelax => vec![PulseTrain, Ppf, Ppd, Relaxation, Bcm, Energy],
        DeviceKind::Otj => vec![PulseTrain, LtpLtd, Stdp, StdpSymmetric, Relaxation, Energy],
        DeviceKind::Liwes => vec![PulseTrain, Ppf, LtpLtd, Relaxation, Endurance, Energy],
        DeviceKind::Astrocyte | DeviceKind::NAstrocyte => {
            vec![Iv, SetCompliance, ResetSweep, Endurance, Energy]
        }
        DeviceKind::FtjLinear | DeviceKind::FtjReference => vec![LtpLtd, Stdp, Energy],
    }
}

/// Options shared by every protocol.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Seed of the device(s): D2D, C2C and read noise.
    pub seed: u64,
    /// Cycle count to jump to before measuring (I-V nonlinearity vs cycles).
    pub cycles: Option<u64>,
}

/// One curve of a protocol's output.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Draw as a line (true) or as markers (false).
    pub line: bool,
}

impl Series {
    pub fn new(name: impl Into<String>, line: bool) -> Self {
        Series {
            name: name.into(),
            x: vec![],
            y: vec![],
            line,
        }
    }
    pub fn push(&mut self, x: f64, y: f64) {
        self.x.push(x);
        self.y.push(y);
    }
}

/// What a protocol produces: data (CSV + plot) and metrics (JSON).
#[derive(Debug, Clone)]
pub struct ProtocolResult {
    pub protocol: Protocol,
    pub device: DeviceKind,
    pub title: String,
    /// Axis labels with units, e.g. `interval (s)`.
    pub x_label: String,
    pub y_label: String,
    pub log_x: bool,
    pub log_y: bool,
    pub series: Vec<Series>,
    pub metrics: BTreeMap<String, f64>,
    /// Metrics that could not be computed, with the reason (reported as
    /// `null` beside the reason, never left out silently).
    pub missing: BTreeMap<String, String>,
}

impl ProtocolResult {
    fn new(protocol: Protocol, device: DeviceKind, x_label: &str, y_label: &str) -> Self {
        ProtocolResult {
            protocol,
            device,
            title: format!("{device} {protocol}"),
            x_label: x_label.into(),
            y_label: y_label.into(),
            log_x: false,
            log_y: false,
            series: vec![],
            metrics: BTreeMap::new(),
            missing: BTreeMap::new(),
        }
    }
}

/// Protocol failures.
#[derive(Debug, Clone, PartialEq)]
pub enum ProtocolError {
    NotApplicable {
        device: DeviceKind,
        protocol: Protocol,
        applicable: Vec<Protocol>,
    },
    Device(DeviceError),
    /// The protocol applies its pulses itself and cannot take a driver.
    NotDriven {
        protocol: Protocol,
        driven: Vec<Protocol>,
    },
    /// The pulse driver cannot produce the requested pulse.
    Driver {
        driver: &'static str,
        message: String,
    },
    Fit {
        protocol: Protocol,
        message: String,
    },
    /// A protocol option that does not apply (names the option).
    InvalidOption {
        protocol: Protocol,
        message: String,
    },
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::NotApplicable {
                device,
                protocol,
                applicable,
            } => {
                let names: Vec<&str> = applicable.iter().map(|p| p.name()).collect();
                write!(
                    f,
                    "protocol `{protocol}` does not apply to `{device}`; applicable: {}",
                    names.join(", ")
                )
            }
            ProtocolError::Device(e) => write!(f, "{e}"),
            ProtocolError::NotDriven { protocol, driven } => {
                let names: Vec<&str> = driven.iter().map(|p| p.name()).collect();
                write!(
                    f,
                    "protocol `{protocol}` cannot run through the pulse generator; these can: {}",
                    names.join(", ")
                )
            }
            ProtocolError::Driver { driver, message } => write!(f, "{driver}: {message}"),
            ProtocolError::Fit { protocol, message } => {
                write!(f, "{protocol}: fit failed: {message}")
            }
            ProtocolError::InvalidOption { protocol, message } => {
                write!(f, "{protocol}: {message}")
            }
        }
    }
}

impl std::error::Error for ProtocolError {}

impl From<DeviceError> for ProtocolError {
    fn from(e: DeviceError) -> Self {
        ProtocolError::Device(e)
    }
}

/// `NotApplicable` unless `protocol` is one of `spec`'s device's.
fn check_applicable(protocol: Protocol, spec: &DeviceSpec) -> Result<(), ProtocolError> {
    let app = applicable(spec.kind);
    if !app.contains(&protocol) {
        return Err(ProtocolError::NotApplicable {
            device: spec.kind,
            protocol,
            applicable: app,
        });
    }
    Ok(())
}

/// Run `protocol` on a device built from `spec` (the CLI's code path).
pub fn run(
    protocol: Protocol,
    spec: &DeviceSpec,
    opts: &Options,
) -> Result<ProtocolResult, ProtocolError> {
    check_applicable(protocol, spec)?;
    match protocol {
        Protocol::PulseTrain => pulse_train::run(spec, opts),
        Protocol::Ppf => ppf::run(spec, opts, false, &mut Direct),
        Protocol::Ppd => ppf::run(spec, opts, true, &mut Direct),
        Protocol::LtpLtd => ltp_ltd::run(spec, opts, &mut Direct),
        Protocol::Stdp => stdp::run(spec, opts),
        Protocol::StdpSymmetric => stdp_symmetric::run(spec, opts),
        Protocol::Relaxation => relaxation::run(spec, opts),
        Protocol::Iv => iv::run(spec, opts),
        Protocol::SetCompliance => gradual::run_set(spec, opts),
        Protocol::ResetSweep => gradual::run_reset(spec, opts),
        Protocol::Endurance => endurance::run(spec, opts),
        Protocol::Energy => energy::run(spec, opts),
        Protocol::Bcm => bcm::run(spec, opts),
    }
}

/// How a protocol's programming pulses reach the device: [`Direct`] calls the
/// model's `apply`/`advance`; the testbenches provide a driver that runs the
/// RTL pulse generator and applies the pulses it emits (E6: the same
/// protocol, the same numbers, through the hardware's timing).
pub trait PulseDriver {
    /// Short name for reports, e.g. `direct`.
    fn name(&self) -> &'static str;
    /// A train of `count` pulses of `v_volts`, each `width_s` long, with
    /// `gap_s` at 0 V between consecutive pulses (none after the last).
    /// `after_pulse` runs right after each pulse ends; the device is left at
    /// the end of the last pulse.
    fn train(
        &mut self,
        dev: &mut dyn Device,
        v_volts: f64,
        width_s: f64,
        gap_s: f64,
        count: u32,
        after_pulse: &mut dyn FnMut(&mut dyn Device),
    ) -> Result<(), ProtocolError>;
}

/// Pulses applied by the device model itself.
#[derive(Debug, Default, Clone, Copy)]
pub struct Direct;

impl PulseDriver for Direct {
    fn name(&self) -> &'static str {
        "direct"
    }
    fn train(
        &mut self,
        dev: &mut dyn Device,
        v_volts: f64,
        width_s: f64,
        gap_s: f64,
        count: u32,
        after_pulse: &mut dyn FnMut(&mut dyn Device),
    ) -> Result<(), ProtocolError> {
        for k in 0..count {
            if k > 0 {
                dev.advance(gap_s);
            }
            dev.apply(v_volts, width_s)?;
            after_pulse(dev);
        }
        Ok(())
    }
}

/// The protocols whose pulses can be routed through a [`PulseDriver`].
pub const DRIVEN: [Protocol; 3] = [Protocol::Ppf, Protocol::Ppd, Protocol::LtpLtd];

/// Run `protocol` with its pulses delivered by `driver` (only the
/// protocols in [`DRIVEN`]; `run` is this with [`Direct`]).
pub fn run_with(
    protocol: Protocol,
    spec: &DeviceSpec,
    opts: &Options,
    driver: &mut dyn PulseDriver,
) -> Result<ProtocolResult, ProtocolError> {
    check_applicable(protocol, spec)?;
    match protocol {
        Protocol::Ppf => ppf::run(spec, opts, false, driver),
        Protocol::Ppd => ppf::run(spec, opts, true, driver),
        Protocol::LtpLtd => ltp_ltd::run(spec, opts, driver),
        _ => Err(ProtocolError::NotDriven {
            protocol,
            driven: DRIVEN.to_vec(),
        }),
    }
}

/// Apply a pulse then let the rest of the period pass.
pub(crate) fn pulse_then_idle(
    d: &mut dyn Device,
    v: f64,
    w: f64,
    period: f64,
) -> Result<f64, DeviceError> {
    let e = d.apply(v, w)?;
    d.advance((period - w).max(0.0));
    Ok(e)
}

/// A duration for a legend: `10 ms`, `100 us`, `50 ns` (3 significant digits).
pub(crate) fn fmt_duration(s: f64) -> String {
    let (v, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "us")
    } else {
        (s * 1e9, "ns")
    };
    let t = format!("{v:.3}");
    format!("{} {unit}", t.trim_end_matches('0').trim_end_matches('.'))
}

/// Log-spaced points from `a` to `b` inclusive.
pub(crate) fn logspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| a * (b / a).powf(k as f64 / (n - 1).max(1) as f64))
        .collect()
}

pub(crate) fn fit_err(protocol: Protocol, message: &str) -> ProtocolError {
    ProtocolError::Fit {
        protocol,
        message: message.into(),
    }
}
