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
    InvalidDuration { device: &'static str, duration_s: f64 },
    /// A parameter file or value that is missing or out of range.
    Param { file: String, field: String, message: String },
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceError::VoltageOutOfWindow { device, v_volts, min_volts, max_volts } => write!(
                f,
                "{device}: {v_volts} V is outside the safe window [{min_volts}, {max_volts}] V"
            ),
            DeviceError::InvalidDuration { device, duration_s } => write!(
                f,
                "{device}: duration {duration_s} s is invalid (must be finite and >= 0)"
            ),
            DeviceError::Param { file, field, message } => {
                write!(f, "{file}: field `{field}`: {message}")
            }
        }
    }
}

impl std::error::Error for DeviceError {}

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
pub trait Device: Send {
    /// Short name, e.g. `ftj-linear`.
    fn name(&self) -> &'static str;
    /// Safe programming window `(min_volts, max_volts)`.
    fn safe_window_volts(&self) -> (f64, f64);
    /// Hold `v_volts` for `duration_s`; returns the energy of this pulse in joules.
    fn apply(&mut self, v_volts: f64, duration_s: f64) -> Result<f64, DeviceError>;
    /// Let `dt_s` seconds pass at 0 V (closed form, any `dt_s >= 0`).
    fn advance(&mut self, dt_s: f64);
    /// Noiseless current in amperes at `v_volts` (the device's I-V, may be nonlinear).
    fn current_a(&self, v_volts: f64) -> f64;
    /// Current in amperes at `v_read_volts` including read noise (seeded RNG).
    fn read_current_a(&mut self, v_read_volts: f64) -> f64;
    /// Small-signal conductance in siemens at the device's nominal read voltage.
    fn conductance_s(&self) -> f64;
    /// Energy of the last `apply` in joules.
    fn last_pulse_energy_j(&self) -> f64;
    /// Switching cycles seen so far (a counter, so endurance can be jumped to).
    fn cycles(&self) -> u64;
    /// Jump the cycle counter to `n` (endurance studies), without simulating pulses.
    fn set_cycles(&mut self, n: u64);
    /// Nominal read voltage from the device's paper.
    fn read_voltage_volts(&self) -> f64;
}

// The device catalogue (to be filled by the model modules):
//
// pub enum DeviceKind { FtjRelax, Otj, Liwes, Astrocyte, NAstrocyte, FtjLinear, FtjReference }
//   with FromStr / Display using the CLI names `ftj-relax`, `otj`, `liwes`,
//   `astrocyte`, `n-astrocyte`, `ftj-linear`, `ftj-reference`.
// pub struct DeviceSpec  -- a kind plus its validated parameter set
//   DeviceSpec::load(kind, params_file: Option<&Path>) -> Result<DeviceSpec, DeviceError>
//   DeviceSpec::instantiate(&self, seed: u64) -> Box<dyn Device>
//     (D2D variation drawn once from `seed`; C2C and read noise from an RNG
//      seeded by `seed` as well, so a device is reproducible from its seed.)
