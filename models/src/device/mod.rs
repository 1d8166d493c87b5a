//! Behavioral models of memristive synapses.
//!
//! Every model evolves in closed form over any time interval, so the
//! co-simulation can jump over idle time (see `advance`). Units are SI and
//! spelled out in names: volts, seconds, amperes, siemens, joules.

use std::fmt;

/// Error raised by a device model. Messages name the device, the quantity
/// and the allowed range.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceError {
    /// A voltage outside the device's safe window was requested.
    VoltageOutOfWindow {
        device: &'static str,
        v_volts: f64,
        min_volts: f64,
        max_volts: f64,
    },
    /// A duration that is negative, NaN or infinite.
    InvalidDuration {
        device: &'static str,
        duration_s: f64,
    },
    /// A compliance current that is not finite and > 0.
    InvalidCompliance { device: &'static str, i_cc_a: f64 },
    /// The model does not implement the requested operation.
    Unsupported {
        device: &'static str,
        operation: &'static str,
    },
    /// A parameter file or value that is missing or out of range.
    Param(ParamError),
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceError::VoltageOutOfWindow {
                device,
                v_volts,
                min_volts,
                max_volts,
            } => write!(
                f,
                "{device}: {v_volts} V is outside the safe window [{min_volts}, {max_volts}] V"
            ),
            DeviceError::InvalidDuration { device, duration_s } => write!(
                f,
                "{device}: duration {duration_s} s is invalid (must be finite and >= 0)"
            ),
            DeviceError::InvalidCompliance { device, i_cc_a } => write!(
                f,
                "{device}: compliance current {i_cc_a} A is invalid (must be finite and > 0)"
            ),
            DeviceError::Unsupported { device, operation } => {
                write!(f, "{device}: {operation} is not modelled for this device")
            }
            DeviceError::Param(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DeviceError {}

impl From<ParamError> for DeviceError {
    fn from(e: ParamError) -> Self {
        DeviceError::Param(e)
    }
}

pub use crate::param::ParamError;

/// A two-terminal (or gate-programmed three-terminal) memristive synapse.
///
/// The contract every model keeps:
/// - `apply(v, d)` holds `v` volts across the device for `d` seconds (a pulse,
///   or a sub-threshold disturb: each model decides what a small voltage does
///   from its own physics) and returns the energy dissipated, `V * I * t`
///   integrated over the pulse, in joules.
/// - `advance(dt)` lets `dt` seconds pass at 0 V, exactly, in closed form:
///   `advance(a); advance(b)` equals `advance(a + b)`.
/// - currents and conductances are noiseless unless the method says otherwise.
///
/// A model supplies its physics (`pulse`, `advance`, `current_a`) and its
/// [`CellState`]; the bookkeeping every cell shares (argument checks, the
/// energy of the last pulse, the cycle counter, read noise, the nominal read
/// voltage and safe window) is written once, in the provided methods.
pub trait Device: Send {
    /// The bookkeeping every cell keeps.
    fn cell(&self) -> &CellState;
    /// The same, mutable.
    fn cell_mut(&mut self) -> &mut CellState;
    /// The physics of holding `v_volts` for `duration_s` (both already
    /// checked); returns the energy of the pulse in joules.
    fn pulse(&mut self, v_volts: f64, duration_s: f64) -> Result<f64, DeviceError>;
    /// Let `dt_s` seconds pass at 0 V (closed form, any `dt_s >= 0`).
    fn advance(&mut self, dt_s: f64);
    /// Noiseless current in amperes at `v_volts` (the device's I-V, may be nonlinear).
    fn current_a(&self, v_volts: f64) -> f64;

    /// Short name, e.g. `ftj-linear`.
    fn name(&self) -> &'static str {
        self.cell().name
    }
    /// Safe programming window `(min_volts, max_volts)`.
    fn safe_window_volts(&self) -> (f64, f64) {
        self.cell().window_volts
    }
    /// Hold `v_volts` for `duration_s`; returns the energy of this pulse in joules.
    fn apply(&mut self, v_volts: f64, duration_s: f64) -> Result<f64, DeviceError> {
        let c = self.cell();
        common::check_voltage(c.name, v_volts, c.window_volts)?;
        common::check_duration(c.name, duration_s)?;
        let e = self.pulse(v_volts, duration_s)?;
        self.cell_mut().last_energy_j = e;
        Ok(e)
    }
    /// Hold `v_volts` for `duration_s` from a source limited to `|I| <= i_cc_a`
    /// amperes (a source-measure unit's compliance); returns the energy
    /// dissipated in the device in joules. Models whose paper programs with a
    /// compliance current implement it; the others answer `Unsupported`.
    fn apply_compliance(
        &mut self,
        v_volts: f64,
        duration_s: f64,
        i_cc_a: f64,
    ) -> Result<f64, DeviceError> {
        let _ = (v_volts, duration_s, i_cc_a);
        Err(DeviceError::Unsupported {
            device: self.name(),
            operation: "programming with a compliance current",
        })
    }
    /// Current in amperes at `v_read_volts` including read noise (seeded RNG).
    fn read_current_a(&mut self, v_read_volts: f64) -> f64 {
        let i = self.current_a(v_read_volts);
        let c = self.cell_mut();
        i * (1.0 + c.read_noise_sd * common::normal(&mut c.read))
    }
    /// Small-signal conductance in siemens at the device's nominal read voltage.
    fn conductance_s(&self) -> f64 {
        let v = self.cell().read_voltage_v;
        self.current_a(v) / v
    }
    /// Energy of the last `apply` in joules.
    fn last_pulse_energy_j(&self) -> f64 {
        self.cell().last_energy_j
    }
    /// Switching cycles seen so far (a counter, so endurance can be jumped to).
    fn cycles(&self) -> u64 {
        self.cell().cycles
    }
    /// Jump the cycle counter to `n` (endurance studies), without simulating pulses.
    fn set_cycles(&mut self, n: u64) {
        self.cell_mut().cycles = n;
    }
    /// Nominal read voltage from the device's paper.
    fn read_voltage_volts(&self) -> f64 {
        self.cell().read_voltage_v
    }
}

pub use common::CellState;

pub mod astrocyte;
pub mod common;
pub mod ftj_linear;
pub mod ftj_relax;
pub mod liwes;
pub mod otj;

use std::path::Path;
use std::str::FromStr;

/// The device catalogue: one variant per CLI name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeviceKind {
    FtjRelax,
    Otj,
    Liwes,
    Astrocyte,
    NAstrocyte,
    FtjLinear,
    FtjReference,
}

impl DeviceKind {
    /// Every kind, in catalogue order.
    pub const ALL: [DeviceKind; 7] = [
        DeviceKind::FtjRelax,
        DeviceKind::Otj,
        DeviceKind::Liwes,
        DeviceKind::Astrocyte,
        DeviceKind::NAstrocyte,
        DeviceKind::FtjLinear,
        DeviceKind::FtjReference,
    ];

    /// The CLI name, e.g. `ftj-relax`.
    pub fn name(self) -> &'static str {
        match self {
            DeviceKind::FtjRelax => "ftj-relax",
            DeviceKind::Otj => "otj",
            DeviceKind::Liwes => "liwes",
            DeviceKind::Astrocyte => "astrocyte",
            DeviceKind::NAstrocyte => "n-astrocyte",
            DeviceKind::FtjLinear => "ftj-linear",
            DeviceKind::FtjReference => "ftj-reference",
        }
    }

    /// The built-in (paper-calibrated) parameter file, embedded at build time.
    pub fn default_params_toml(self) -> &'static str {
        match self {
            DeviceKind::FtjRelax => include_str!("../../params/ftj-relax.toml"),
            DeviceKind::Otj => include_str!("../../params/otj.toml"),
            DeviceKind::Liwes => include_str!("../../params/liwes.toml"),
            DeviceKind::Astrocyte => include_str!("../../params/astrocyte.toml"),
            DeviceKind::NAstrocyte => include_str!("../../params/n-astrocyte.toml"),
            DeviceKind::FtjLinear => include_str!("../../params/ftj-linear.toml"),
            DeviceKind::FtjReference => include_str!("../../params/ftj-reference.toml"),
        }
    }
}

impl fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DeviceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeviceKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = DeviceKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown device `{s}`; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// A validated parameter set of one model family.
#[derive(Debug, Clone)]
pub enum ParamSet {
    FtjRelax(ftj_relax::Params),
    Otj(otj::Params),
    Liwes(liwes::Params),
    Astrocyte(astrocyte::Params),
    FtjLinear(ftj_linear::Params),
}

/// A device kind plus its validated parameter set.
#[derive(Debug, Clone)]
pub struct DeviceSpec {
    pub kind: DeviceKind,
    pub params: ParamSet,
    /// Where the parameters came from (a file path, or `built-in <kind>.toml`).
    pub source: String,
}

/// A parameter set parsed from `text` (read from `file`) and checked by
/// `validate`; a check's error gets the line of its field.
fn parse_valid<P: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    validate: fn(&P, &str) -> Result<(), DeviceError>,
) -> Result<P, DeviceError> {
    let p: P = common::parse(text, file)?;
    validate(&p, file).map_err(|e| common::locate(e, text))?;
    Ok(p)
}

impl DeviceSpec {
    /// The switching-cycle endurance the paper reports, where the model has
    /// one (astrocyte, n-astrocyte): cycles beyond it are outside what the
    /// paper measured.
    pub fn endurance_cycles(&self) -> Option<f64> {
        match &self.params {
            ParamSet::Astrocyte(p) => Some(p.endurance_cycles),
            _ => None,
        }
    }

    /// Load the parameters of `kind`: from `params_file` when given, else the
    /// built-in calibrated set. Missing, unknown or out-of-range fields give
    /// `DeviceError::Param` naming the file, the field and the allowed range.
    pub fn load(kind: DeviceKind, params_file: Option<&Path>) -> Result<DeviceSpec, DeviceError> {
        match params_file {
            None => Self::from_toml_str(
                kind,
                kind.default_params_toml(),
                &format!("built-in {}.toml", kind.name()),
            ),
            Some(path) => {
                let file = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|e| {
                    DeviceError::Param(ParamError {
                        file: file.clone(),
                        field: "<file>".into(),
                        message: format!("cannot read parameter file: {e}"),
                    })
                })?;
                Self::from_toml_str(kind, &text, &file)
            }
        }
    }

    /// Parse and validate a parameter set given as TOML text.
    pub fn from_toml_str(
        kind: DeviceKind,
        text: &str,
        file: &str,
    ) -> Result<DeviceSpec, DeviceError> {
        let params = match kind {
            DeviceKind::FtjRelax => {
                ParamSet::FtjRelax(parse_valid(text, file, ftj_relax::Params::validate)?)
            }
            DeviceKind::Otj => ParamSet::Otj(parse_valid(text, file, otj::Params::validate)?),
            DeviceKind::Liwes => ParamSet::Liwes(parse_valid(text, file, liwes::Params::validate)?),
            DeviceKind::Astrocyte | DeviceKind::NAstrocyte => {
                ParamSet::Astrocyte(parse_valid(text, file, astrocyte::Params::validate)?)
            }
            DeviceKind::FtjLinear | DeviceKind::FtjReference => {
                ParamSet::FtjLinear(parse_valid(text, file, ftj_linear::Params::validate)?)
            }
        };
        Ok(DeviceSpec {
            kind,
            params,
            source: file.to_string(),
        })
    }

    /// Build one device. D2D variation is drawn once from `seed`; C2C and read
    /// noise use further streams of the same seed, so the device (and any run
    /// driving it) is reproducible from the seed alone.
    pub fn instantiate(&self, seed: u64) -> Box<dyn Device> {
        let name = self.kind.name();
        match &self.params {
            ParamSet::FtjRelax(p) => Box::new(ftj_relax::FtjRelax::new(p, name, seed)),
            ParamSet::Otj(p) => Box::new(otj::Otj::new(p, name, seed)),
            ParamSet::Liwes(p) => Box::new(liwes::Liwes::new(p, name, seed)),
            ParamSet::Astrocyte(p) => Box::new(astrocyte::Astrocyte::new(p, name, seed)),
            ParamSet::FtjLinear(p) => Box::new(ftj_linear::FtjLinear::new(p, name, seed)),
        }
    }
}
