//! What E5's maps mean: lit against unlit pixels, the non-volatile
//! conductances, and the device-level LTM threshold of the letter trains.

use super::*;

/// Device-level check (one `otj` device, not through the RTL): the lowest
/// amplitude of `pulses` pulses of `width_s` at `frequency_hz`, from the HRS
/// left by a `reset_v`, `reset_width_s` write, that leaves a non-volatile
/// change > 0.5 % 1 ms later (0.5 - 3.0 V in 50 mV steps), as the
/// 20 ns threshold protocol of models/DEVICES.md. `None`: no amplitude does.
pub fn device_ltm_threshold_v(
    spec: &DeviceSpec,
    seed: u64,
    pulses: u32,
    width_s: f64,
    frequency_hz: f64,
    reset_v: f64,
    reset_width_s: f64,
) -> Result<Option<f64>, ExperimentError> {
    let inv = ExperimentError::from;
    for k in 0..=50 {
        let v = 0.5 + 0.05 * k as f64;
        let mut d = spec.instantiate(seed);
        d.apply(reset_v, reset_width_s).map_err(inv)?;
        d.advance(1e-3);
        let g0 = d.conductance_s();
        for _ in 0..pulses {
            d.apply(v, width_s).map_err(inv)?;
            d.advance(1.0 / frequency_hz - width_s);
        }
        d.advance(1e-3);
        if d.conductance_s() / g0 - 1.0 > 0.005 {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

pub(super) fn mean_where(m: &[Vec<f64>], mask: &[[bool; SIDE]; SIDE], want: bool) -> f64 {
    let v: Vec<f64> = (0..SIDE)
        .flat_map(|r| (0..SIDE).map(move |c| (r, c)))
        .filter(|&(r, c)| mask[r][c] == want)
        .map(|(r, c)| m[r][c])
        .collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

pub(super) fn g_nv_map(fe: &mut FrontEnd, t_s: f64) -> Result<Vec<Vec<f64>>, ExperimentError> {
    let w = fe.weights_s().map_err(|e| err(t_s, e))?;
    Ok((0..SIDE)
        .map(|r| (0..SIDE).map(|c| w[r * N_COLS + c]).collect())
        .collect())
}
