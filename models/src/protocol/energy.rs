//! Energy per pulse (`V * I * t` integrated by the model) versus amplitude,
//! at each device's programming width, from its initial state.
//! `energy_per_pulse_j` is the energy of the paper's reference pulse:
//! - `otj`: 20 ns spikes from HRS (a -4.3 V, 100 ms write first, as in the
//!   paper); `energy_stm_j` at 0.48 V (STM only), `energy_ltm_j` at 1.9 V
//!   (just above the 1.8 V LTM threshold); `energy_per_pulse_j` = LTM spike.
//! - `liwes`: 1 V, 1 us gate pulse (fast programming).
//! - `ftj-relax`: +1.0 V, 100 us; `ftj-linear`/`ftj-reference`: +5 V, 1 ms;
//!   `astrocyte`: +1.6 V, 50 ns; `n-astrocyte`: +2.5 V, 50 ns.

use super::{Options, Protocol, ProtocolError, ProtocolResult, Series};
use crate::device::{DeviceKind, DeviceSpec};

pub fn run(spec: &DeviceSpec, opts: &Options) -> Result<ProtocolResult, ProtocolError> {
    let (v_ref, w) = match spec.kind {
        DeviceKind::Otj => (1.9, 20e-9),
        DeviceKind::Liwes => (1.0, 1e-6),
        DeviceKind::FtjRelax => (1.0, 100e-6),
        DeviceKind::FtjLinear | DeviceKind::FtjReference => (5.0, 1e-3),
        DeviceKind::Astrocyte => (1.6, 50e-9),
        DeviceKind::NAstrocyte => (2.5, 50e-9),
    };
    let mut r = ProtocolResult::new(
        Protocol::Energy,
        spec.kind,
        "pulse amplitude (V)",
        "energy per pulse (J)",
    );
    r.log_y = true;
    let one = |v: f64| -> Result<f64, ProtocolError> {
        let mut d = spec.instantiate(opts.seed);
        if spec.kind == DeviceKind::Otj {
            d.apply(-4.3, 0.1)?;
            d.advance(1.0);
        }
        Ok(d.apply(v, w)?)
    };
    let mut s = Series::new(format!("{} pulses", super::fmt_duration(w)), true);
    for k in 1..=24 {
        let v = v_ref * 1.1 * k as f64 / 24.0;
        s.push(v, one(v)?);
    }
    r.series.push(s);
    r.metrics.insert("energy_per_pulse_j".into(), one(v_ref)?);
    r.metrics.insert("pulse_v".into(), v_ref);
    r.metrics.insert("pulse_width_s".into(), w);
    if spec.kind == DeviceKind::Otj {
        r.metrics.insert("energy_stm_j".into(), one(0.48)?);
        r.metrics.insert("energy_ltm_j".into(), one(1.9)?);
    }
    Ok(r)
}
